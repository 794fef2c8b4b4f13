/**
 * Handles, the event loop interface, and the realm's running loop and current loop.
 *
 * @module
 */

import { NotImplementedError, RuntimeError } from "./exceptions.ts";
import { sourceTraceback } from "./stack.ts";
import { describe } from "./checks.ts";
import type { Future } from "./futures.ts";
import type {
  ConnectAcceptedSocketOptions,
  CreateConnectionOptions,
  CreateDatagramEndpointOptions,
  CreateServerOptions,
  CreateUnixConnectionOptions,
  CreateUnixServerOptions,
  SendfileOptions,
  StartTlsOptions,
} from "./io_options.ts";
import type {
  AddrInfo,
  Executor,
  FileDescriptorLike,
  GetaddrinfoOptions,
  ReadPipe,
  ServerSocket,
  SockAddr,
  SocketAddress,
  SocketLike,
  SSLContextLike,
  SubprocessOptions,
  Work,
  WorkFunction,
  WorkResult,
  WritePipe,
} from "./io_types.ts";
import type { BaseProtocol } from "./protocols.ts";
import type { Task, TaskOptions } from "./tasks.ts";
import type {
  AddressOf,
  BaseTransport,
  DatagramTransport,
  ExtraInfo,
  PipeExtraInfo,
  ReadTransport,
  SocketExtraInfo,
  StreamAddress,
  SubprocessTransport,
  Transport,
  WriteTransport,
} from "./transports.ts";
import type { SupportDetails } from "../../platform/matrix.ts";
import type { Feature } from "../../platform/matrix_rows.ts";

/** A coroutine: a generator driven by a `Task`. `yield*` a `Future` to await it. */
export type Coroutine<T = unknown> = Generator<unknown, T, unknown>;

/** Anything a task can await: a future, a coroutine or a promise-like. */
export type Awaitable<T = unknown> = PromiseLike<T> | Coroutine<T> | Iterable<unknown, T>;

/** A source of monotonic time in seconds; loops accept one for virtual time. */
export interface Clock {
  /** The current time in seconds. */
  now(): number;
}

/**
 * The real monotonic clock (`performance.now()` in seconds).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BaseEventLoop } from "@asyncio/deno";
 * import { realClock } from "@asyncio/deno/testing";
 * const loop = new BaseEventLoop({ clock: realClock });
 * assert(Math.abs(loop.time() - realClock.now()) < 1);
 * loop.close();
 * ```
 */
export const realClock: Clock = Object.freeze({
  now(): number {
    return performance.now() / 1000;
  },
});

/**
 * What `callExceptionHandler` receives; the keys follow asyncio's context
 * (`message`, `exception`, `handle`, `future`, `task`, `protocol`,
 * `transport`, `socket`, `asyncgen`, `sourceTraceback`).
 */
export interface ExceptionContext {
  /** What happened, in words. */
  message: string;
  /** The error, when there is one. */
  exception?: unknown;
  /** The handle whose callback raised. */
  handle?: Handle;
  /** The future involved. */
  future?: unknown;
  /** The task involved. */
  task?: unknown;
  /** Where the handle or future was created (debug mode). */
  sourceTraceback?: string;
  /** Further keys (protocol, transport, ...). */
  [key: string]: unknown;
}

/** A custom exception handler: `(loop, context) => void`. */
export type ExceptionHandler = (loop: AbstractEventLoop, context: ExceptionContext) => void;

/** The loop services a handle needs; implemented by BaseEventLoop. */
export interface HandleOwner {
  callExceptionHandler(context: ExceptionContext): void;
  getDebug(): boolean;
  _timerCancelled(handle: TimerHandle): void;
}

// deno-lint-ignore no-explicit-any
type AnyFn = (...args: any[]) => unknown;

/** The name used for a callback in messages. */
export function callbackName(cb: unknown): string {
  return typeof cb === "function" && cb.name !== "" ? cb.name : "<anonymous>";
}

/**
 * A callback scheduled by `callSoon`; `cancel()` prevents it from running.
 *
 * @example Cancelling a scheduled callback
 * ```ts
 * import assert from "node:assert/strict";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * const ran: string[] = [];
 * loop.callSoon(() => ran.push("a"));
 * const h = loop.callSoon(() => ran.push("b"));
 * h.cancel();
 * loop.callSoon(() => loop.stop());
 * await loop.runForever();
 * loop.close();
 * assert(ran.join() === "a" && h.cancelled());
 * ```
 */
export class Handle {
  // The fields are declared and set in the constructor rather than class
  // fields: V8 defines class fields one by one through a separate
  // initializer, which made a handle (one per callSoon) and a task cost
  // twice as much to make.
  /** @ignore */ declare _callback: AnyFn | null;
  /** @ignore */ declare _args: unknown[] | null;
  /** @ignore */ declare _loop: HandleOwner;
  /** @ignore */ declare _cancelled: boolean;
  /** @ignore */ declare _sourceTraceback: string | undefined;

  /**
   * Created by the loop; not meant to be constructed directly.
   *
   * @param callback The function to call.
   * @param args Its arguments (or null).
   * @param loop The loop.
   * @param traceback Where it was scheduled; by default recorded when the
   *   loop is in debug mode (the loop passes `null` when it checked already).
   */
  constructor(
    callback: AnyFn,
    args: unknown[] | null,
    loop: HandleOwner,
    traceback?: string | null,
  ) {
    this._callback = callback;
    this._args = args;
    this._loop = loop;
    this._cancelled = false;
    this._sourceTraceback = traceback === undefined
      ? (loop.getDebug() ? sourceTraceback() : undefined)
      : traceback ?? undefined;
  }

  /** Cancels the callback; a no-op if it already ran or was cancelled. */
  cancel(): void {
    if (!this._cancelled) {
      this._cancelled = true;
      this._callback = null;
      this._args = null;
    }
  }

  /** Whether the handle was cancelled. */
  cancelled(): boolean {
    return this._cancelled;
  }

  /**
   * `using h = loop.callLater(...)` cancels the call at the end of the scope
   * (a no-op if it ran already).
   */
  [Symbol.dispose](): void {
    this.cancel();
  }

  /** @ignore Runs the callback; errors go to the loop's exception handler. */
  _run(): void {
    const cb = this._callback;
    if (cb === null) return;
    const args = this._args;
    try {
      if (args === null) cb();
      else cb(...args);
    } catch (exception) {
      this._report(exception);
    }
  }

  /** @ignore */
  _report(exception: unknown): void {
    const context: ExceptionContext = {
      message: `Exception in callback ${this.toString()}`,
      exception,
      handle: this,
    };
    if (this._sourceTraceback !== undefined) context.sourceTraceback = this._sourceTraceback;
    this._loop.callExceptionHandler(context);
  }

  /** A description such as `<Handle tick()>`. */
  toString(): string {
    const state = this._cancelled ? " cancelled" : "";
    return `<${this.constructor.name}${state} ${callbackName(this._callback)}()>`;
  }
}

/**
 * A callback scheduled by `callLater`/`callAt`. Ordered by `when()`, then by
 * scheduling order.
 *
 * @example Reading a timer's deadline
 * ```ts
 * import assert from "node:assert/strict";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * const h = loop.callLater(5, () => {});
 * assert(h.when() === loop.time() + 5);
 * h.cancel();
 * loop.close();
 * ```
 */
export class TimerHandle extends Handle {
  /** @ignore */ declare _when: number;
  /** @ignore */ declare _seq: number;
  /** @ignore whether it sits in the loop's heap */ declare _scheduled: boolean;

  /** Created by the loop; not meant to be constructed directly. */
  constructor(
    when: number,
    callback: AnyFn,
    args: unknown[] | null,
    loop: HandleOwner,
    traceback?: string | null,
  ) {
    super(callback, args, loop, traceback);
    this._when = when;
    this._seq = 0;
    this._scheduled = false;
  }

  /** The absolute time (in the loop's `time()` scale) the callback is due. */
  when(): number {
    return this._when;
  }

  /** Cancels the timer; the loop drops it lazily from its heap. */
  override cancel(): void {
    if (!this._cancelled) {
      if (this._scheduled) this._loop._timerCancelled(this);
      super.cancel();
    }
  }

  /** A description such as `<TimerHandle tick() when=5>`. */
  override toString(): string {
    return `${super.toString().slice(0, -1)} when=${this._when}>`;
  }
}

/** The options every loop constructor accepts. */
export interface LoopOptions {
  /** The monotonic clock, in seconds (default: the real clock). */
  clock?: Clock;
  /**
   * Timers due within this many seconds of now run in the same iteration
   * (default: the platform's clock resolution).
   */
  clockResolution?: number;
  /** Start in debug mode. */
  debug?: boolean;
}

/** Creates tasks for `loop.createTask()`; see `setTaskFactory`. */
export type TaskFactory = <T>(
  loop: AbstractEventLoop,
  coro: Coroutine<T> | PromiseLike<T>,
  options?: TaskOptions,
) => Task<T>;

/**
 * The names of the I/O methods of `AbstractEventLoop`: each one calls the
 * method of the same name of the loop's `IoServices`.
 */
export type IoMethodName =
  | "runInExecutor"
  | "setDefaultExecutor"
  | "shutdownDefaultExecutor"
  | "getaddrinfo"
  | "getnameinfo"
  | "createConnection"
  | "createServer"
  | "startTls"
  | "createUnixConnection"
  | "createUnixServer"
  | "connectAcceptedSocket"
  | "sendfile"
  | "createDatagramEndpoint"
  | "connectReadPipe"
  | "connectWritePipe"
  | "subprocessShell"
  | "subprocessExec"
  | "addReader"
  | "removeReader"
  | "addWriter"
  | "removeWriter"
  | "sockRecv"
  | "sockRecvInto"
  | "sockSendall"
  | "sockConnect"
  | "sockAccept"
  | "sockSendfile"
  | "sockRecvfrom"
  | "sockRecvfromInto"
  | "sockSendto"
  | "addSignalHandler"
  | "removeSignalHandler";

/**
 * The I/O a loop composes (uvloop's "one loop, one file per mechanism"):
 * every I/O method of `AbstractEventLoop`, with the same name and
 * signature, plus what the loop's life cycle needs. One instance serves one
 * loop and holds its per-loop state (signal handlers, the default
 * executor). `SelectorEventLoop`, `ProactorEventLoop` and `TestLoop` build
 * theirs from the platform matrix and the mechanism modules; a
 * `BaseEventLoop` built without one raises `NotImplementedError` from every
 * I/O method, as asyncio's `AbstractEventLoop` does.
 *
 * @example Only a loop built with services does I/O
 * ```ts
 * import assert from "node:assert/strict";
 * import { BaseEventLoop, NotImplementedError, SelectorEventLoop } from "@asyncio/deno";
 * const bare = new BaseEventLoop();
 * assert.throws(() => bare.getnameinfo(["127.0.0.1", 80]), NotImplementedError);
 * assert(!bare.supports("getnameinfo"));
 * const loop = new SelectorEventLoop(); // built with the services of its kind
 * assert(loop.supports("getnameinfo"));
 * bare.close();
 * loop.close();
 * ```
 */
export interface IoServices extends Pick<AbstractEventLoop, IoMethodName> {
  /**
   * Whether the loop supports `feature` (the platform matrix's answer).
   *
   * @param feature A camelCased asyncio method name, or a variant such as `"createServer(ssl)"`.
   * @param details The object kind, for features that depend on it.
   * @returns Whether the call would be allowed.
   */
  supports(feature: Feature, details?: SupportDetails): boolean;
  /** Whether a signal handler is installed for `signal` (the runner asks). */
  hasSignalHandler?(signal: Deno.Signal): boolean;
  /** Called when the loop starts and when it stops running. */
  runningChanged?(): void;
  /** Called once when the loop closes: releases the per-loop state. */
  close?(): void;
}

/**
 * The interface every event loop implements (asyncio's
 * `AbstractEventLoop`): it declares every method. The scheduler methods
 * raise `NotImplementedError` until a subclass provides them
 * (`BaseEventLoop` does); each I/O method calls the method of the same name
 * of the `IoServices` the loop was built with, and raises
 * `NotImplementedError` on a loop built without them (a plain
 * `BaseEventLoop`). `SelectorEventLoop`, `ProactorEventLoop` and `TestLoop`
 * have them, gated by the platform matrix: an unsupported call throws
 * `NotImplementedError` before any side effect.
 *
 * Methods that are coroutines in asyncio return a `Future` here (a task
 * already scheduled), so they work both as `yield* loop.createConnection(...)`
 * in coroutines and as `await loop.createConnection(...)` in async functions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type AbstractEventLoop, getEventLoop } from "@asyncio/deno";
 * const loop: AbstractEventLoop = getEventLoop();
 * assert(!loop.isRunning());
 * ```
 */
export abstract class AbstractEventLoop {
  /** @ignore The I/O services the loop was built with, or null (no I/O). */
  _services: IoServices | null = null;

  /** Schedules `callback(...args)` for the next iteration. */
  callSoon<A extends unknown[]>(_callback: (...args: A) => unknown, ..._args: A): Handle {
    return unimplemented(this, "callSoon");
  }
  /** Like `callSoon`; in JavaScript every caller is on the loop's thread. */
  callSoonThreadsafe<A extends unknown[]>(
    _callback: (...args: A) => unknown,
    ..._args: A
  ): Handle {
    return unimplemented(this, "callSoonThreadsafe");
  }
  /** Schedules `callback(...args)` after `delay` seconds. */
  callLater<A extends unknown[]>(
    _delay: number,
    _callback: (...args: A) => unknown,
    ..._args: A
  ): TimerHandle {
    return unimplemented(this, "callLater");
  }
  /** Schedules `callback(...args)` at the absolute time `when`. */
  callAt<A extends unknown[]>(
    _when: number,
    _callback: (...args: A) => unknown,
    ..._args: A
  ): TimerHandle {
    return unimplemented(this, "callAt");
  }
  /** The loop's monotonic time in seconds. */
  time(): number {
    return unimplemented(this, "time");
  }
  /** Runs until `stop()`; resolves when the loop stopped. */
  runForever(): Promise<void> {
    return unimplemented(this, "runForever");
  }
  /** Runs until `future` is done; resolves with its result. */
  runUntilComplete<T>(_future: Awaitable<T>): Promise<T> {
    return unimplemented(this, "runUntilComplete");
  }
  /** Stops the loop after the current batch of callbacks. */
  stop(): void {
    unimplemented(this, "stop");
  }
  /** Whether the loop is running. */
  isRunning(): boolean {
    return unimplemented(this, "isRunning");
  }
  /** Whether the loop was closed. */
  isClosed(): boolean {
    return unimplemented(this, "isClosed");
  }
  /** Closes the loop, dropping every pending callback. */
  close(): void {
    unimplemented(this, "close");
  }
  /** Creates a future bound to this loop. */
  createFuture<T = unknown>(): Future<T> {
    return unimplemented(this, "createFuture");
  }
  /** Wraps a coroutine (or a promise) in a task scheduled on this loop. */
  createTask<T>(_coro: Coroutine<T> | PromiseLike<T>, _options?: TaskOptions): Task<T> {
    return unimplemented(this, "createTask");
  }
  /** Handles an error reported by a callback, a future or a transport. */
  callExceptionHandler(_context: ExceptionContext): void {
    unimplemented(this, "callExceptionHandler");
  }
  /** Sets the custom exception handler, or `null` for the default one. */
  setExceptionHandler(_handler: ExceptionHandler | null): void {
    unimplemented(this, "setExceptionHandler");
  }
  /** The custom exception handler, or `null`. */
  getExceptionHandler(): ExceptionHandler | null {
    return unimplemented(this, "getExceptionHandler");
  }
  /** The default exception handler: logs the context. */
  defaultExceptionHandler(_context: ExceptionContext): void {
    unimplemented(this, "defaultExceptionHandler");
  }
  /** Whether debug mode is on. */
  getDebug(): boolean {
    return unimplemented(this, "getDebug");
  }
  /** Turns debug mode on or off. */
  setDebug(_enabled: boolean): void {
    unimplemented(this, "setDebug");
  }
  /** Sets the factory `createTask` uses, or `null` for the default one. */
  setTaskFactory(_factory: TaskFactory | null): void {
    unimplemented(this, "setTaskFactory");
  }
  /** The task factory, or `null` when the default is used. */
  getTaskFactory(): TaskFactory | null {
    return unimplemented(this, "getTaskFactory");
  }
  /** Finalizes the loop's asynchronous generators (a coroutine). */
  shutdownAsyncgens(): Coroutine<void> {
    return unimplemented(this, "shutdownAsyncgens");
  }

  // ---- I/O: each method calls the loop's I/O services (see IoServices).

  /**
   * Runs `work(...args)` in `executor`, or in the loop's default executor
   * when `executor` is `null`: a `WorkerPoolExecutor` created on first use,
   * sized to the machine. Work is a self-contained function (its source is
   * sent to a worker: it must not use variables of its enclosing scope) or
   * a module task `{ module, export }`; arguments and results are copied by
   * structured clone. Cancelling the returned future drops the work if it
   * has not started; running work cannot be interrupted.
   *
   * Differences from asyncio: the default executor runs work in parallel on
   * Web Workers (asyncio uses threads), so the work cannot share objects
   * with the caller. Async functions are accepted (the worker awaits them).
   *
   * @typeParam F The function type.
   * @param executor An executor, or `null` for the default one.
   * @param work A function or a module task (see `moduleTask`).
   * @param args Its arguments.
   * @returns A future of the result.
   * @throws {TypeError} If `executor` is not an executor, or `work` cannot
   *   be sent (a generator function, native, bound or class method, ...).
   * @throws {RuntimeError} If the loop is closed or its default executor was shut down.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SelectorEventLoop } from "@asyncio/deno";
   * function fib(n: number): number {
   *   return n < 2 ? n : fib(n - 1) + fib(n - 2);
   * }
   * const loop = new SelectorEventLoop();
   * const result = await loop.runUntilComplete(loop.runInExecutor(null, fib, 20));
   * assert(result === 6765);
   * loop.close(); // ends the default executor's workers
   * ```
   */
  runInExecutor<F extends WorkFunction>(
    executor: Executor | null,
    work: Work<F>,
    ...args: Parameters<F>
  ): Future<WorkResult<F>> {
    return services(this, "runInExecutor").runInExecutor(executor, work, ...args);
  }

  /**
   * Sets the executor `runInExecutor(null, ...)` uses. The previous one is
   * not shut down.
   *
   * @param executor An object with `submit()` and `shutdown()`.
   * @throws {TypeError} If it is not an executor.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SelectorEventLoop } from "@asyncio/deno";
   * import { WorkerPoolExecutor } from "@asyncio/deno/executor";
   * const loop = new SelectorEventLoop();
   * loop.setDefaultExecutor(new WorkerPoolExecutor({ maxWorkers: 1 }));
   * const v = await loop.runUntilComplete(loop.runInExecutor(null, () => 42));
   * assert(v === 42);
   * await loop.runUntilComplete(loop.shutdownDefaultExecutor());
   * loop.close();
   * ```
   */
  setDefaultExecutor(executor: Executor): void {
    services(this, "setDefaultExecutor").setDefaultExecutor(executor);
  }

  /**
   * Shuts the default executor down: no new work is accepted, the work
   * already scheduled finishes, then every worker ends. After `timeout`
   * seconds (default: no limit) it warns and terminates the workers.
   * `Runner` and `run()` call it before closing the loop. A loop without I/O
   * services has no executor: its future is done at once.
   *
   * @param timeout Seconds, or `null`.
   * @returns A future that resolves when the executor is down.
   * @throws {RangeError} If `timeout` is negative or NaN.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SelectorEventLoop } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * const v = await loop.runUntilComplete(loop.runInExecutor(null, (a: number) => a * 2, 21));
   * await loop.runUntilComplete(loop.shutdownDefaultExecutor());
   * assert(v === 42);
   * loop.close();
   * ```
   */
  shutdownDefaultExecutor(timeout?: number | null): Future<void> {
    const io = this._services;
    if (io !== null) return io.shutdownDefaultExecutor(timeout);
    const fut = this.createFuture<void>();
    fut.setResult(undefined);
    return fut;
  }

  /**
   * Resolves `host` and `port` with the operating system's resolver
   * (`/etc/hosts` applies), as `socket.getaddrinfo` does. Service names
   * (`"http"`) come from `/etc/services` (a built-in table of common services
   * where it is missing). `flags` takes `AI_PASSIVE`, `AI_CANONNAME`,
   * `AI_NUMERICHOST`, `AI_NUMERICSERV`, `AI_V4MAPPED`, `AI_ALL` and
   * `AI_ADDRCONFIG`; other bits fail with `EAI_BADFLAGS`, as on Linux.
   *
   * Differences from asyncio: `canonname` (with `AI_CANONNAME`) is the name
   * as given, as Deno cannot report the resolver's canonical name; `""` as
   * host means the same as null (Python rejects it).
   *
   * @param host A host name or address (null: loopback; with `AI_PASSIVE`, the wildcard addresses).
   * @param port A port number, numeric string, service name, or null.
   * @param options `family`, `type`, `proto`, `flags`.
   * @throws {GaiError} (from the future) With `code`/`errno` `EAI_NONAME` for an unknown host, `EAI_SERVICE` for an unknown service, `EAI_FAMILY` for a family other than `AF_UNSPEC`/`AF_INET`/`AF_INET6`.
   * @returns A future of `[family, type, proto, canonname, sockaddr][]`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SelectorEventLoop } from "@asyncio/deno";
   * import { AF_INET, SOCK_STREAM } from "@asyncio/deno/socket";
   * const loop = new SelectorEventLoop();
   * const infos = await loop.runUntilComplete(
   *   loop.getaddrinfo("localhost", 80, { family: AF_INET, type: SOCK_STREAM }),
   * );
   * assert(infos[0][4][0] === "127.0.0.1" && infos[0][4][1] === 80);
   * loop.close();
   * ```
   */
  getaddrinfo(
    host: string | null,
    port: number | string | null,
    options?: GetaddrinfoOptions,
  ): Future<AddrInfo[]> {
    return services(this, "getaddrinfo").getaddrinfo(host, port, options);
  }

  /**
   * Looks up the host and service names of a numeric address.
   *
   * @param sockaddr `[host, port]` (IPv6: `[host, port, flowinfo, scopeId]`).
   * @param flags `NI_NUMERICHOST`, `NI_NUMERICSERV`, `NI_NAMEREQD`, `NI_DGRAM`, `NI_NOFQDN`; other bits fail with `EAI_BADFLAGS`, as on Linux.
   * @throws {GaiError} (from the future) `EAI_NONAME` for a non-numeric host, or with `NI_NAMEREQD` for an address without a name.
   * @returns A future of `[host, service]`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SelectorEventLoop } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * const [, service] = await loop.runUntilComplete(loop.getnameinfo(["127.0.0.1", 22]));
   * assert(typeof service === "string");
   * loop.close();
   * ```
   */
  getnameinfo(sockaddr: SockAddr, flags?: number): Future<[string, string]> {
    return services(this, "getnameinfo").getnameinfo(sockaddr, flags);
  }

  /**
   * Opens a TCP connection to `host`:`port` (each resolved address in turn,
   * or Happy Eyeballs with `happyEyeballsDelay`), optionally with TLS, and
   * makes a protocol for it.
   *
   * @typeParam P The protocol type.
   * Host and port are resolved through `this.getaddrinfo()` (as asyncio
   * does; a numeric host is used as it is): a port may be a service name
   * (`"http"`), and host null means the loopback addresses.
   *
   * @param protocolFactory Makes the protocol.
   * @param host The host name or address (null: loopback).
   * @param port The port: a number, a numeric string or a service name.
   * @param options `ssl`, `serverHostname`, `family`, `happyEyeballsDelay`, ...;
   *   or `sock`: a connected `Socket` to wrap instead (host and port null; with
   *   `ssl`, `serverHostname` is required). The transport then owns the socket.
   * @returns A future of `[transport, protocol]`.
   * @throws {NotImplementedError} If the matrix forbids it (SSL on the proactor
   *   loop) or an option Deno cannot honour is given (`localAddr`; an `ssl`
   *   context with `verifyMode` `CERT_NONE`, as Deno always verifies the
   *   server certificate; with `sock`, a client certificate, as Deno.startTls
   *   cannot present one).
   * @throws {RangeError} Where asyncio raises ValueError: host/port together
   *   with `sock`, or neither; `serverHostname`, `sslHandshakeTimeout` or
   *   `sslShutdownTimeout` without `ssl`; `ssl` without a host or
   *   `serverHostname`; an option that only applies without `sock` given with
   *   it; a port out of range, a non-positive timeout.
   * @throws {TypeError} On arguments of the wrong type.
   * @throws {GaiError} For host `""` (as getaddrinfo); from the future, for a
   *   name or service that is not known.
   *
   * @example
   * ```ts
   * import { SelectorEventLoop } from "@asyncio/deno";
   * import { Protocol, type Transport } from "@asyncio/deno/protocols";
   * const loop = new SelectorEventLoop();
   * class Hello extends Protocol {
   *   override connectionMade(t: Transport) {
   *     t.write(new TextEncoder().encode("hello"));
   *   }
   * }
   * const server = await loop.runUntilComplete(loop.createServer(() => new Protocol(), "127.0.0.1", 0));
   * const port = server.sockets[0].getsockname()[1];
   * const [transport] = await loop.runUntilComplete(loop.createConnection(() => new Hello(), "127.0.0.1", port));
   * transport.close();
   * server.close();
   * await loop.runUntilComplete(server.waitClosed());
   * loop.close();
   * ```
   */
  createConnection<P extends BaseProtocol, S = undefined>(
    protocolFactory: () => P,
    host?: string | null,
    port?: number | string | null,
    options?: CreateConnectionOptions & { sock?: S },
  ): Future<[Transport<SocketExtraInfo<StreamAddress<S>>>, P]> {
    return services(this, "createConnection").createConnection(
      protocolFactory,
      host,
      port,
      options,
    );
  }

  /**
   * Starts a TCP (or TLS) server on `host` (a name, a list of names, or
   * null for every interface) and `port` (0: any free port).
   *
   * The hosts are resolved through `this.getaddrinfo()` with `AI_PASSIVE`
   * (as asyncio does; a numeric host is used as it is): host null or `""`
   * means every interface, and the port may be a service name.
   * Differences from asyncio: Deno's `"::"` socket is dual-stack (Deno cannot
   * set `IPV6_V6ONLY`), so where both wildcard addresses are resolved one
   * socket on `"::"` serves both.
   *
   * @param protocolFactory Makes a protocol for each connection.
   * @param host Where to listen.
   * @param port The port (0: any free port; a number, numeric string or service name).
   * @param options `ssl`, `backlog`, `reusePort`, `keepAlive`, `startServing`, ...;
   *   or `sock`: a bound or listening `Socket` to serve (host and port null).
   * @returns A future of the `Server`.
   * @throws {RangeError} Where asyncio raises ValueError: host/port together
   *   with `sock`, or none of them; `sslHandshakeTimeout`/`sslShutdownTimeout`
   *   without `ssl`; a port out of range.
   * @throws {TypeError} On arguments of the wrong type.
   * @throws {OSError} (from the future) If an address cannot be bound, or
   *   `getaddrinfo()` returns nothing.
   * @throws {NotImplementedError} If the matrix forbids it, or `reusePort`
   *   without Deno's `--unstable-net` flag, or `reuseAddress: false`, or `ssl` with `sock`,
   *   or an `ssl` context asking for client certificates (`verifyMode` other than
   *   `CERT_NONE`, or CA certificates loaded): Deno.listenTls cannot request them.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SelectorEventLoop } from "@asyncio/deno";
   * import { Protocol } from "@asyncio/deno/protocols";
   * const loop = new SelectorEventLoop();
   * const server = await loop.runUntilComplete(loop.createServer(() => new Protocol(), "127.0.0.1", 0));
   * assert(server.isServing());
   * server.close();
   * await loop.runUntilComplete(server.waitClosed());
   * loop.close();
   * ```
   */
  createServer<S = undefined>(
    protocolFactory: () => BaseProtocol,
    host?: string | string[] | null,
    port?: number | string | null,
    options?: CreateServerOptions & { sock?: S },
  ): Future<AbstractServer<StreamAddress<S>>> {
    return services(this, "createServer").createServer(protocolFactory, host, port, options);
  }

  /**
   * Upgrades an open connection to TLS as the client (STARTTLS). Reading
   * stops, buffered writes are flushed, the handshake runs, and the returned
   * transport continues with `protocol` (its `connectionMade` is not called
   * again). The old transport must not be used afterwards.
   *
   * Differences from asyncio: only the client side (Deno has no API to start
   * TLS as a server on an accepted connection), and only while no read is
   * pending on the connection. A transport starts its next read when the loop
   * next waits for I/O, so call `startTls` from `dataReceived()` (or from a
   * coroutine woken by it, e.g. on the peer's "go ahead" reply) before the
   * loop goes idle; otherwise it fails with `RuntimeError` and the plaintext
   * transport stays usable.
   *
   * @param transport A TCP transport of this loop.
   * @param protocol The protocol for the TLS transport.
   * @param sslcontext The client context.
   * @param options `serverHostname`, `sslHandshakeTimeout`.
   * @returns A future of the TLS transport.
   * @throws {NotImplementedError} On the proactor loop, with `serverSide: true`,
   *   with a client certificate loaded (Deno.startTls cannot present one: use
   *   `createConnection(host, port, { ssl })`), or with a `CERT_NONE` context
   *   (Deno always verifies the server certificate).
   * @throws {RuntimeError} (from the future) If a read is pending on the transport.
   */
  startTls<E extends ExtraInfo>(
    transport: Transport<E>,
    protocol: BaseProtocol,
    sslcontext: SSLContextLike,
    options?: StartTlsOptions,
  ): Future<Transport<E>> {
    return services(this, "startTls").startTls(transport, protocol, sslcontext, options);
  }

  /**
   * Opens a connection to the Unix socket at `path`.
   *
   * @typeParam P The protocol type.
   * @param protocolFactory Makes the protocol.
   * @param path The socket path.
   * @param options `sock`: a connected AF_UNIX `Socket` to wrap (path null).
   *   `ssl` is not available (Deno has no TLS over Unix sockets).
   * @returns A future of `[transport, protocol]`.
   * @throws {NotImplementedError} On Windows (AF_UNIX), or with `ssl`.
   * @throws {RangeError} With `serverHostname`, `sslHandshakeTimeout` or
   *   `sslShutdownTimeout` (they need `ssl`); with both `path` and `sock`, or
   *   neither; with an empty path or a `sock` that is not AF_UNIX.
   *
   * @example
   * ```ts
   * import { SelectorEventLoop } from "@asyncio/deno";
   * import { Protocol } from "@asyncio/deno/protocols";
   * const loop = new SelectorEventLoop();
   * const path = Deno.makeTempDirSync() + "/demo.sock";
   * const server = await loop.runUntilComplete(loop.createUnixServer(() => new Protocol(), path));
   * const [t] = await loop.runUntilComplete(loop.createUnixConnection(() => new Protocol(), path));
   * t.close();
   * server.close();
   * await loop.runUntilComplete(server.waitClosed());
   * loop.close();
   * ```
   */
  createUnixConnection<P extends BaseProtocol>(
    protocolFactory: () => P,
    path?: string | null,
    options?: CreateUnixConnectionOptions,
  ): Future<[Transport<SocketExtraInfo<string>>, P]> {
    return services(this, "createUnixConnection").createUnixConnection(
      protocolFactory,
      path,
      options,
    );
  }

  /**
   * Starts a server on the Unix socket at `path`. A stale socket file left
   * there is removed first (any other file is an error); with
   * `cleanupSocket` (default) the file is removed when the server closes.
   *
   * @param protocolFactory Makes a protocol for each connection.
   * @param path The socket path.
   * @param options `startServing`, `cleanupSocket`; or `sock`: a
   *   bound or listening AF_UNIX `Socket` to serve (path null).
   * @returns A future of the `Server`.
   * @throws {NotImplementedError} On Windows (AF_UNIX), or with `ssl` or
   *   `backlog` (Deno's Unix listener takes none).
   * @throws {RangeError} With `sslHandshakeTimeout` or `sslShutdownTimeout` (no
   *   `ssl`); with both `path` and `sock`, or neither; with an empty path or
   *   a `sock` that is not AF_UNIX.
   * @throws {OSError} (from the future) `EADDRINUSE` if a file that is not a socket is at `path`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SelectorEventLoop } from "@asyncio/deno";
   * import { Protocol } from "@asyncio/deno/protocols";
   * const loop = new SelectorEventLoop();
   * const path = Deno.makeTempDirSync() + "/srv.sock";
   * const server = await loop.runUntilComplete(loop.createUnixServer(() => new Protocol(), path));
   * assert(server.sockets[0].getsockname() === path);
   * server.close();
   * await loop.runUntilComplete(server.waitClosed());
   * loop.close();
   * ```
   */
  createUnixServer(
    protocolFactory: () => BaseProtocol,
    path?: string | null,
    options?: CreateUnixServerOptions,
  ): Future<AbstractServer<string>> {
    return services(this, "createUnixServer").createUnixServer(protocolFactory, path, options);
  }

  /**
   * Wraps a connection accepted outside the loop (a connected `Socket`, e.g.
   * from `sockAccept`, or a `Deno.Conn`) in a transport and a protocol, as
   * `createServer` does for the connections it accepts. The transport then
   * owns the connection.
   *
   * Differences from asyncio: no `ssl` (Deno cannot start TLS as the server
   * on a connection it already accepted; serve with `createServer({ ssl })`).
   *
   * @typeParam P The protocol type.
   * @param protocolFactory Makes the protocol.
   * @param sock A connected `Socket`, or a `Deno.Conn`.
   * @param options `sslHandshakeTimeout`, `sslShutdownTimeout` (only with `ssl`).
   * @returns A future of `[transport, protocol]`, done once `connectionMade` ran.
   * @throws {RangeError} With `sslHandshakeTimeout`/`sslShutdownTimeout` but no `ssl`.
   * @throws {NotImplementedError} With `ssl`.
   * @throws {TypeError} If `sock` is neither a `Socket` nor a `Deno.Conn`.
   * @throws {OSError} If the `Socket` is not connected.
   * @throws {RuntimeError} If a transport or server owns the `Socket`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SelectorEventLoop } from "@asyncio/deno";
   * import { Protocol } from "@asyncio/deno/protocols";
   * import { AF_INET, Socket } from "@asyncio/deno/socket";
   * const loop = new SelectorEventLoop();
   * const lost = loop.createFuture<void>();
   * class Hello extends Protocol {
   *   override connectionLost() {
   *     lost.setResult(undefined);
   *   }
   * }
   * using listener = new Socket(AF_INET);
   * listener.listen();
   * using client = new Socket(AF_INET);
   * const port = listener.getsockname()[1];
   * await loop.runUntilComplete(loop.sockConnect(client, ["127.0.0.1", port]));
   * const [conn] = await loop.runUntilComplete(loop.sockAccept(listener));
   * const [transport] = await loop.runUntilComplete(
   *   loop.connectAcceptedSocket(() => new Hello(), conn),
   * );
   * transport.write(new TextEncoder().encode("hi"));
   * const got = await loop.runUntilComplete(loop.sockRecv(client, 2));
   * assert(new TextDecoder().decode(got) === "hi");
   * transport.close();
   * await loop.runUntilComplete(lost);
   * loop.close();
   * ```
   */
  connectAcceptedSocket<P extends BaseProtocol, S extends SocketLike | Deno.Conn>(
    protocolFactory: () => P,
    sock: S,
    options?: ConnectAcceptedSocketOptions,
  ): Future<[Transport<SocketExtraInfo<StreamAddress<S>>>, P]> {
    return services(this, "connectAcceptedSocket").connectAcceptedSocket(
      protocolFactory,
      sock,
      options,
    );
  }

  /**
   * Creates a UDP endpoint: binds `localAddr` (or an ephemeral port), makes
   * the protocol, and calls its `connectionMade` before resolving. With
   * `remoteAddr`, `sendto()` defaults to that peer and datagrams from other
   * addresses are dropped.
   *
   * The socket comes from `Deno.listenDatagram` when Deno runs with
   * `--unstable-net`, otherwise from `node:dgram`, which needs no flag
   * (`getExtraInfo("backend")` tells which).
   *
   * Differences from asyncio: the endpoint is never connected at the OS level
   * (Deno cannot), so an ICMP "port unreachable" is not reported as
   * `ConnectionRefusedError`; with `Deno.listenDatagram` broadcasting is
   * always allowed; `reusePort` and `sock` are not available; asyncio's
   * ValueErrors are RangeErrors.
   *
   * @typeParam P The protocol type.
   * @param protocolFactory Makes the protocol (a `DatagramProtocol`).
   * @param options `localAddr`, `remoteAddr`, `family`, `allowBroadcast`, ...
   * @returns A future of `[transport, protocol]`.
   * @throws {NotImplementedError} If the matrix forbids it (the proactor loop),
   *   or with `reusePort`, `sock` or `family: AF_UNIX`.
   * @throws {TypeError} On malformed arguments: `localAddr`/`remoteAddr`
   *   must be `[host, port]` pairs (asyncio's "2-tuple is expected").
   * @throws {RangeError} With `reuseAddress: true`, or without any address
   *   and without `family`.
   * @throws {OSError} `EAFNOSUPPORT` for a family other than `AF_INET`/`AF_INET6`.
   *
   * @example Echo over loopback
   * ```ts
   * import assert from "node:assert/strict";
   * import { gather, SelectorEventLoop } from "@asyncio/deno";
   * import { DatagramProtocol, type DatagramTransport } from "@asyncio/deno/protocols";
   * const loop = new SelectorEventLoop();
   * const reply = loop.createFuture<string>();
   * class Echo extends DatagramProtocol {
   *   transport: DatagramTransport | null = null;
   *   lost = loop.createFuture<void>();
   *   override connectionMade(t: DatagramTransport) {
   *     this.transport = t;
   *   }
   *   override datagramReceived(data: Uint8Array, addr: [string, number]) {
   *     this.transport!.sendto(data, addr);
   *   }
   *   override connectionLost() {
   *     this.lost.setResult(undefined);
   *   }
   * }
   * class Client extends Echo {
   *   override datagramReceived(data: Uint8Array) {
   *     reply.setResult(new TextDecoder().decode(data));
   *   }
   * }
   * const [server, echo] = await loop.runUntilComplete(
   *   loop.createDatagramEndpoint(() => new Echo(), { localAddr: ["127.0.0.1", 0] }),
   * );
   * const [host, port] = server.getExtraInfo("sockname");
   * const [client, me] = await loop.runUntilComplete(
   *   loop.createDatagramEndpoint(() => new Client(), {
   *     remoteAddr: [host, port],
   *   }),
   * );
   * client.sendto(new TextEncoder().encode("ping"));
   * assert(await loop.runUntilComplete(reply) === "ping");
   * client.close();
   * server.close();
   * await loop.runUntilComplete(gather(echo.lost, me.lost));
   * loop.close();
   * ```
   */
  createDatagramEndpoint<P extends BaseProtocol>(
    protocolFactory: () => P,
    options?: CreateDatagramEndpointOptions,
  ): Future<[DatagramTransport, P]> {
    return services(this, "createDatagramEndpoint").createDatagramEndpoint(
      protocolFactory,
      options,
    );
  }

  /**
   * Sends a file over a stream transport, from `offset` (0: from the file's
   * current position) for `count` bytes (null: to the end), and resolves
   * with the number of bytes sent. The file's position is left just after
   * what was sent (also when it fails part-way: `file.seek(0,
   * Deno.SeekMode.Current)` tells how much went), as asyncio leaves it.
   *
   * Deno has no zero-copy sendfile, so the native attempt of a TCP or Unix
   * transport fails with `SendfileNotAvailableError`, and with `fallback`
   * (the default) the file is read in 64 KiB blocks (asyncio: 16 KiB; each
   * block costs a trip to the host here, so larger blocks send about twice
   * as fast) and written to the transport, waiting whenever its write buffer
   * is over the high water mark; meanwhile the transport does not read (its
   * protocol gets nothing) and `pauseWriting`/`resumeWriting` are not passed
   * on. A TLS transport goes straight to the fallback, as in asyncio.
   *
   * @param transport A stream transport of this loop (TCP, TLS or Unix).
   * @param file A file opened for reading.
   * @param offset Where to start reading (0: where the file is).
   * @param count How many bytes to send (null or omitted: up to the end).
   * @param options `fallback` (default `true`).
   * @returns A future of the number of bytes sent.
   * @throws {RuntimeError} If the transport is closing, or cannot send a
   *   file (a datagram, pipe or subprocess transport), or with
   *   `fallback: false` on a TLS transport.
   * @throws {TypeError} If `file` is not a `Deno.FsFile`, or `offset`/`count`
   *   is not an integer.
   * @throws {RangeError} If `offset` is negative or `count` not positive.
   * @throws {SendfileNotAvailableError} (through the future) With
   *   `fallback: false` on a TCP or Unix transport.
   * @throws {ConnectionError} (through the future) If the connection is
   *   lost while sending.
   *
   * @example Sending a file to a server
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, openConnection, run, startServer } from "@asyncio/deno";
   * const path = Deno.makeTempFileSync();
   * Deno.writeTextFileSync(path, "hello, file");
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   const received = loop.createFuture<string>();
   *   await using server = await startServer(async (reader, writer) => {
   *     received.setResult(new TextDecoder().decode(await reader.read()));
   *     writer.close();
   *   }, "127.0.0.1", 0);
   *   const [, writer] = await openConnection("127.0.0.1", server.sockets[0].getsockname()[1]);
   *   using file = Deno.openSync(path);
   *   const sent = await loop.sendfile(writer.transport, file);
   *   writer.close();
   *   assert(sent === 11 && await received === "hello, file");
   *   assert(file.seekSync(0, Deno.SeekMode.Current) === 11);
   * });
   * ```
   */
  sendfile(
    transport: BaseTransport,
    file: Deno.FsFile,
    offset?: number,
    count?: number | null,
    options?: SendfileOptions,
  ): Future<number> {
    return services(this, "sendfile").sendfile(transport, file, offset, count, options);
  }

  /**
   * Wraps the read end of a pipe in a transport: `connectionMade`, then
   * `dataReceived` for each chunk, `eofReceived` at EOF, then
   * `connectionLost(null)`; `pauseReading()` really stops reading.
   *
   * Differences from asyncio: regular files are accepted too, and Web
   * streams. `close()` closes the file (cancels the stream), as asyncio.
   *
   * @typeParam P The protocol type.
   * @param protocolFactory Makes the protocol.
   * @param pipe A Deno file with `read()`/`close()` (`Deno.stdin`, a FIFO
   *   opened with `Deno.open`, ...) or a `ReadableStream<Uint8Array>`.
   * @returns A future of `[transport, protocol]`; the transport's extra
   *   info `pipe` is `pipe`.
   * @throws {NotImplementedError} If the matrix forbids it (the selector loop
   *   on Windows; a character device on old macOS).
   * @throws {TypeError} If `pipe` is neither, or the stream is locked.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SelectorEventLoop } from "@asyncio/deno";
   * import { Protocol } from "@asyncio/deno/protocols";
   * const loop = new SelectorEventLoop();
   * const done = loop.createFuture<string>();
   * let text = "";
   * class Collect extends Protocol {
   *   override dataReceived(data: Uint8Array) {
   *     text += new TextDecoder().decode(data);
   *   }
   *   override connectionLost() {
   *     done.setResult(text);
   *   }
   * }
   * const stream = ReadableStream.from([new TextEncoder().encode("hi")]);
   * await loop.runUntilComplete(loop.connectReadPipe(() => new Collect(), stream));
   * assert((await loop.runUntilComplete(done)) === "hi");
   * loop.close();
   * ```
   */
  connectReadPipe<P extends BaseProtocol, R extends ReadPipe>(
    protocolFactory: () => P,
    pipe: R,
  ): Future<[ReadTransport<PipeExtraInfo<R>>, P]> {
    return services(this, "connectReadPipe").connectReadPipe(protocolFactory, pipe);
  }

  /**
   * Wraps the write end of a pipe in a transport with a write buffer and
   * flow control (`pauseWriting`/`resumeWriting` at the water marks).
   * `writeEof()` and `close()` flush, close the pipe, then call
   * `connectionLost(null)`; a write error such as `EPIPE` ends it with
   * `connectionLost(BrokenPipeError)`.
   *
   * @typeParam P The protocol type.
   * @param protocolFactory Makes the protocol.
   * @param pipe A Deno file with `write()`/`close()` (`Deno.stdout`, a FIFO
   *   opened with `Deno.open`, ...) or a `WritableStream<Uint8Array>`.
   * @returns A future of `[transport, protocol]`.
   * @throws {NotImplementedError} If the matrix forbids it.
   * @throws {TypeError} If `pipe` is neither, or the stream is locked.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SelectorEventLoop } from "@asyncio/deno";
   * import { Protocol } from "@asyncio/deno/protocols";
   * const loop = new SelectorEventLoop();
   * const lost = loop.createFuture<Error | null>();
   * class Writer extends Protocol {
   *   override connectionLost(exc: Error | null) {
   *     lost.setResult(exc);
   *   }
   * }
   * let text = "";
   * const sink = new WritableStream<Uint8Array>({
   *   write: (chunk) => void (text += new TextDecoder().decode(chunk)),
   * });
   * const [t] = await loop.runUntilComplete(loop.connectWritePipe(() => new Writer(), sink));
   * t.write(new TextEncoder().encode("hello"));
   * t.close(); // flushes, closes the stream, then connectionLost(null)
   * assert((await loop.runUntilComplete(lost)) === null && text === "hello");
   * loop.close();
   * ```
   */
  connectWritePipe<P extends BaseProtocol, W extends WritePipe>(
    protocolFactory: () => P,
    pipe: W,
  ): Future<[WriteTransport<PipeExtraInfo<W>>, P]> {
    return services(this, "connectWritePipe").connectWritePipe(protocolFactory, pipe);
  }

  /**
   * Runs `cmd` with the shell (`/bin/sh -c cmd`; on Windows
   * `cmd.exe /d /s /c "cmd"`) as a child process; see `subprocessExec` for
   * the protocol and the options.
   *
   * @typeParam P The protocol type.
   * @param protocolFactory Makes the protocol.
   * @param cmd The shell command line.
   * @param options As for `subprocessExec` (`shell`, if given, must be true).
   * @returns A future of `[transport, protocol]`.
   * @throws {NotImplementedError} If the matrix forbids it, before anything is spawned.
   * @throws {RangeError} If `cmd` is not a string (asyncio's ValueError).
   * @throws {TypeError} On a bad option.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SelectorEventLoop } from "@asyncio/deno";
   * import { SubprocessProtocol } from "@asyncio/deno/protocols";
   * const loop = new SelectorEventLoop();
   * const lost = loop.createFuture<void>();
   * class Watch extends SubprocessProtocol {
   *   override connectionLost() {
   *     lost.setResult(undefined);
   *   }
   * }
   * const [t] = await loop.runUntilComplete(
   *   loop.subprocessShell(() => new Watch(), "exit 3", { stdin: null }),
   * );
   * await loop.runUntilComplete(lost);
   * assert(t.getReturncode() === 3);
   * loop.close();
   * ```
   */
  subprocessShell<P extends BaseProtocol>(
    protocolFactory: () => P,
    cmd: string,
    options?: SubprocessOptions,
  ): Future<[SubprocessTransport, P]> {
    return services(this, "subprocessShell").subprocessShell(protocolFactory, cmd, options);
  }

  /**
   * Runs `program` with `args` as a child process (`Deno.Command(...).spawn()`)
   * and connects a `SubprocessProtocol` to it: `connectionMade(transport)`,
   * `pipeDataReceived(fd, data)` for stdout (1) and stderr (2),
   * `pipeConnectionLost(fd, exc)` per pipe, `processExited()`, then
   * `connectionLost(null)` once the child exited and every pipe closed. The
   * program is found in `PATH` unless it is a path.
   *
   * Options: `stdin`/`stdout`/`stderr` each `PIPE` (the default), `DEVNULL`
   * or `null`/`"inherit"`; `stderr: STDOUT`; `cwd`; `env` (the child's whole
   * environment, as asyncio); `clearEnv`; `user`/`group` (numeric ids).
   *
   * Differences from asyncio: the arguments are an array (asyncio: `*args`).
   * With `stderr: STDOUT` and `stdout: PIPE`, Deno reads stderr through a
   * second pipe and delivers it as fd 1: the order between what the child
   * wrote to stdout and to stderr is not kept (run `sh -c 'exec "$0" "$@" 2>&1'`
   * for one merged pipe). `env` replaces the environment unless
   * `clearEnv: false` is given (then it is added to the parent's, Deno's
   * default). Popen options Deno cannot honour (`preexecFn`, `passFds`,
   * `startNewSession`, `closeFds: false`, ...) throw `NotImplementedError`.
   *
   * @typeParam P The protocol type.
   * @param protocolFactory Makes the protocol.
   * @param program The program: a name looked up in `PATH`, a path, or a file URL.
   * @param args Its arguments (strings).
   * @param options The stdio, `cwd`, `env`, `clearEnv`, ... options.
   * @returns A future of `[transport, protocol]`.
   * @throws {NotImplementedError} If the matrix forbids it (the selector loop
   *   on Windows), before anything is spawned; or an option Deno cannot honour.
   * @throws {TypeError} On a bad program, argument or option.
   * @throws {RangeError} If `text`, `encoding`, `bufsize`, ... are not asyncio's required values.
   * @throws {FileNotFoundError} (through the future) If the program does not exist.
   * @throws {PermissionError} (through the future) Without `--allow-run`, or if it
   *   cannot be executed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SelectorEventLoop } from "@asyncio/deno";
   * import { SubprocessProtocol } from "@asyncio/deno/protocols";
   * const loop = new SelectorEventLoop();
   * const done = loop.createFuture<string>();
   * let out = "";
   * class Collect extends SubprocessProtocol {
   *   override pipeDataReceived(_fd: number, data: Uint8Array) {
   *     out += new TextDecoder().decode(data);
   *   }
   *   override connectionLost() {
   *     done.setResult(out);
   *   }
   * }
   * const [t] = await loop.runUntilComplete(
   *   loop.subprocessExec(() => new Collect(), "echo", ["hello"], { stdin: null }),
   * );
   * assert((await loop.runUntilComplete(done)) === "hello\n" && t.getReturncode() === 0);
   * loop.close();
   * ```
   */
  subprocessExec<P extends BaseProtocol>(
    protocolFactory: () => P,
    program: string | URL,
    args?: readonly string[],
    options?: SubprocessOptions,
  ): Future<[SubprocessTransport, P]> {
    return services(this, "subprocessExec").subprocessExec(
      protocolFactory,
      program,
      args,
      options,
    );
  }

  /**
   * Calls `callback(...args)` whenever `fd` is readable: level-triggered, as
   * with select(), so it runs once per loop iteration while received bytes
   * (or end of stream, or an error) wait to be read with `sock.recv()`, or a
   * connection waits for `sock.accept()`. Registering again replaces the
   * callback.
   *
   * Differences from asyncio: Deno has no readiness API, so readiness is
   * emulated with one pending read (or accept) whose result is kept for the
   * next `recv`/`sockRecv`/`accept` — nothing is lost when the reader is
   * removed. Only `Socket` objects (or their `fileno()`) can be watched.
   *
   * @param fd A `Socket` or its `fileno()`.
   * @param callback The callback.
   * @param args Its arguments.
   * @throws {NotImplementedError} On the proactor loop; on Windows' selector
   *   loop for non-sockets; for any Deno file or stdio stream.
   * @throws {RuntimeError} If the loop is closed, or a transport or server owns the socket.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run } from "@asyncio/deno";
   * import { AF_INET, Socket } from "@asyncio/deno/socket";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   using server = new Socket(AF_INET);
   *   server.listen();
   *   using client = new Socket(AF_INET);
   *   await loop.sockConnect(client, ["127.0.0.1", server.getsockname()[1]]);
   *   const [conn] = await loop.sockAccept(server);
   *   using _ = conn;
   *   const got = loop.createFuture<string>();
   *   loop.addReader(conn, () => {
   *     loop.removeReader(conn);
   *     got.setResult(new TextDecoder().decode(conn.recv(100)));
   *   });
   *   await loop.sockSendall(client, new TextEncoder().encode("ready"));
   *   assert(await got === "ready");
   * });
   * ```
   */
  addReader<A extends unknown[]>(
    fd: FileDescriptorLike,
    callback: (...args: A) => unknown,
    ...args: A
  ): void {
    services(this, "addReader").addReader(fd, callback, ...args);
  }

  /**
   * Stops watching `fd` for reading. A read in flight keeps its bytes for
   * the next `recv`/`sockRecv`.
   *
   * @param fd A `Socket` or its `fileno()`.
   * @returns Whether a reader was registered (false once the loop is closed, as in asyncio).
   * @throws {NotImplementedError} On the proactor loop.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run } from "@asyncio/deno";
   * import { AF_INET, Socket } from "@asyncio/deno/socket";
   * await run(async () => {
   *   using sock = new Socket(AF_INET);
   *   assert(getRunningLoop().removeReader(sock) === false);
   * });
   * ```
   */
  removeReader(fd: FileDescriptorLike): boolean {
    return services(this, "removeReader").removeReader(fd);
  }

  /**
   * Calls `callback(...args)` whenever `fd` is writable: level-triggered,
   * once per loop iteration while the socket is connected and no send is in
   * flight (Deno writes asynchronously, so "writable" means "the last
   * `send()` has completed"). Registering again replaces the callback.
   *
   * @param fd A `Socket` or its `fileno()`.
   * @param callback The callback.
   * @param args Its arguments.
   * @throws {NotImplementedError} As `addReader`.
   * @throws {RuntimeError} If the loop is closed, or a transport or server owns the socket.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run } from "@asyncio/deno";
   * import { AF_INET, Socket } from "@asyncio/deno/socket";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   using server = new Socket(AF_INET);
   *   server.listen();
   *   using client = new Socket(AF_INET);
   *   await loop.sockConnect(client, ["127.0.0.1", server.getsockname()[1]]);
   *   const [conn] = await loop.sockAccept(server);
   *   using _ = conn;
   *   const sent = loop.createFuture<number>();
   *   loop.addWriter(client, () => {
   *     loop.removeWriter(client);
   *     sent.setResult(client.send(new TextEncoder().encode("hello")));
   *   });
   *   assert(await sent === 5);
   *   assert((await loop.sockRecv(conn, 5)).length > 0);
   * });
   * ```
   */
  addWriter<A extends unknown[]>(
    fd: FileDescriptorLike,
    callback: (...args: A) => unknown,
    ...args: A
  ): void {
    services(this, "addWriter").addWriter(fd, callback, ...args);
  }

  /**
   * Stops watching `fd` for writing.
   *
   * @param fd A `Socket` or its `fileno()`.
   * @returns Whether a writer was registered (false once the loop is closed, as in asyncio).
   * @throws {NotImplementedError} On the proactor loop.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run } from "@asyncio/deno";
   * import { AF_INET, Socket } from "@asyncio/deno/socket";
   * await run(async () => {
   *   using sock = new Socket(AF_INET);
   *   assert(getRunningLoop().removeWriter(sock.fileno()) === false);
   * });
   * ```
   */
  removeWriter(fd: FileDescriptorLike): boolean {
    return services(this, "removeWriter").removeWriter(fd);
  }

  /**
   * Receives up to `nbytes` bytes from a connected `Socket`; an empty array
   * means end of stream. Concurrent calls are served in order; bytes that
   * arrive for a call that was cancelled go to the next one.
   *
   * @param sock A connected `Socket`.
   * @param nbytes The most bytes to return.
   * @returns A future of the bytes (already resolved when bytes were buffered).
   * @throws {OSError} `ENOTCONN`/`EBADF`; the connection's error through the future.
   * @throws {RuntimeError} If the loop is closed, or a transport owns `sock`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run } from "@asyncio/deno";
   * import { AF_INET, Socket } from "@asyncio/deno/socket";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   using server = new Socket(AF_INET);
   *   server.listen();
   *   using client = new Socket(AF_INET);
   *   await loop.sockConnect(client, ["127.0.0.1", server.getsockname()[1]]);
   *   const [conn] = await loop.sockAccept(server);
   *   conn.close();
   *   assert((await loop.sockRecv(client, 10)).length === 0); // EOF
   * });
   * ```
   */
  sockRecv(sock: SocketLike, nbytes: number): Future<Uint8Array> {
    return services(this, "sockRecv").sockRecv(sock, nbytes);
  }

  /**
   * Receives bytes into `buf` (as `sockRecv`, up to `buf.length`).
   *
   * @param sock A connected `Socket`.
   * @param buf Where to copy the bytes.
   * @returns A future of the count (0 at end of stream).
   * @throws {OSError} `ENOTCONN`/`EBADF`; the connection's error through the future.
   * @throws {RuntimeError} If the loop is closed, or a transport owns `sock`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run } from "@asyncio/deno";
   * import { AF_INET, Socket } from "@asyncio/deno/socket";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   using server = new Socket(AF_INET);
   *   server.listen();
   *   using client = new Socket(AF_INET);
   *   await loop.sockConnect(client, ["127.0.0.1", server.getsockname()[1]]);
   *   const [conn] = await loop.sockAccept(server);
   *   using _ = conn;
   *   await loop.sockSendall(conn, new Uint8Array([1, 2, 3]));
   *   const buf = new Uint8Array(8);
   *   const n = await loop.sockRecvInto(client, buf);
   *   assert(n >= 1 && buf[0] === 1);
   * });
   * ```
   */
  sockRecvInto(sock: SocketLike, buf: Uint8Array): Future<number> {
    return services(this, "sockRecvInto").sockRecvInto(sock, buf);
  }

  /**
   * Sends all of `data` (a copy is taken at once). Sends on one socket go
   * out in call order. If the future is cancelled, the rest of `data` is
   * not sent (some of it may have been, as in asyncio).
   *
   * @param sock A connected `Socket`.
   * @param data The bytes.
   * @returns A future that resolves when everything was written.
   * @throws {OSError} `ENOTCONN`/`EBADF`; write errors through the future.
   * @throws {RuntimeError} If the loop is closed, or a transport owns `sock`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run } from "@asyncio/deno";
   * import { AF_INET, Socket } from "@asyncio/deno/socket";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   using server = new Socket(AF_INET);
   *   server.listen();
   *   using client = new Socket(AF_INET);
   *   await loop.sockConnect(client, ["127.0.0.1", server.getsockname()[1]]);
   *   const [conn] = await loop.sockAccept(server);
   *   using _ = conn;
   *   await loop.sockSendall(client, new TextEncoder().encode("hi"));
   *   assert(new TextDecoder().decode(await loop.sockRecv(conn, 2)) === "hi");
   * });
   * ```
   */
  sockSendall(sock: SocketLike, data: Uint8Array): Future<void> {
    return services(this, "sockSendall").sockSendall(sock, data);
  }

  /**
   * Connects `sock` to `address`; a host name is resolved within the
   * socket's family (the first address is used, as asyncio does).
   *
   * @param sock A new (unbound) `Socket`.
   * @param address `[host, port]` (AF_INET/AF_INET6) or a path (AF_UNIX).
   * @returns A future that resolves once connected.
   * @throws {TypeError} If `sock` is not a Socket or the address does not fit.
   * @throws {RuntimeError} If the loop is closed, or a transport or server owns `sock`.
   * @throws {NotImplementedError} If `sock` is bound (Deno cannot bind first).
   * @throws {ConnectionRefusedError} (through the future) If nobody listens there.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { ConnectionRefusedError, getRunningLoop, run } from "@asyncio/deno";
   * import { AF_INET, Socket } from "@asyncio/deno/socket";
   * await run(async () => {
   *   using probe = new Socket(AF_INET);
   *   probe.listen();
   *   const port = probe.getsockname()[1];
   *   probe.close(); // nobody listens on that port any more
   *   using sock = new Socket(AF_INET);
   *   try {
   *     await getRunningLoop().sockConnect(sock, ["127.0.0.1", port]);
   *   } catch (e) {
   *     assert(e instanceof ConnectionRefusedError);
   *   }
   * });
   * ```
   */
  sockConnect(sock: SocketLike, address: SocketAddress): Future<void> {
    return services(this, "sockConnect").sockConnect(sock, address);
  }

  /**
   * Accepts a connection on a listening `Socket`. A connection that arrives
   * while the waiting future is cancelled stays queued for the next call.
   *
   * @typeParam S The socket type (`Socket`): the connection is typed as `sock` is.
   * @param sock A listening `Socket`.
   * @returns A future of `[connection, peer address]`.
   * @throws {OSError} `EINVAL` unless listening; `EBADF` once closed.
   * @throws {RuntimeError} If the loop is closed, or a server owns `sock`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run } from "@asyncio/deno";
   * import { AF_INET, Socket } from "@asyncio/deno/socket";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   using server = new Socket(AF_INET);
   *   server.bind(["127.0.0.1", 0]);
   *   server.listen();
   *   using client = new Socket(AF_INET);
   *   await loop.sockConnect(client, server.getsockname());
   *   const [conn, peer] = await loop.sockAccept(server);
   *   conn.close();
   *   assert(peer[0] === "127.0.0.1");
   * });
   * ```
   */
  sockAccept<S extends SocketLike>(sock: S): Future<[S, AddressOf<S["family"]>]> {
    return services(this, "sockAccept").sockAccept(sock);
  }

  /**
   * Sends a file over a connected stream `Socket` (as `sendfile` does over a
   * transport): from `offset` (0: from the file's current position) for
   * `count` bytes (null: to the end); resolves with the number of bytes
   * sent and leaves the file's position just after them, as asyncio does.
   *
   * Deno has no zero-copy sendfile: the native attempt fails with
   * `SendfileNotAvailableError`, and with `fallback` (the default) the file
   * is read in 256 KiB blocks, each sent with `sockSendall`.
   *
   * @param sock A connected stream `Socket`.
   * @param file A file opened for reading.
   * @param offset Where to start reading (0: where the file is).
   * @param count How many bytes to send (null or omitted: up to the end).
   * @param options `fallback` (default `true`).
   * @returns A future of the number of bytes sent.
   * @throws {TypeError} If `sock` is not a `Socket` or `file` not a
   *   `Deno.FsFile`, or `offset`/`count` is not an integer.
   * @throws {RangeError} For a `SOCK_DGRAM` socket, a negative `offset` or a
   *   `count` that is not positive.
   * @throws {RuntimeError} If the loop is closed, or a transport owns `sock`.
   * @throws {SendfileNotAvailableError} (through the future) With `fallback: false`.
   * @throws {OSError} (through the future) What `sockSendall` fails with.
   *
   * @example Part of a file over a socket
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run } from "@asyncio/deno";
   * import { AF_INET, Socket } from "@asyncio/deno/socket";
   * const path = Deno.makeTempFileSync();
   * Deno.writeTextFileSync(path, "hello, file");
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   using listener = new Socket(AF_INET);
   *   listener.bind(["127.0.0.1", 0]);
   *   listener.listen();
   *   using client = new Socket(AF_INET);
   *   await loop.sockConnect(client, listener.getsockname());
   *   const [conn] = await loop.sockAccept(listener);
   *   using _ = conn;
   *   using file = Deno.openSync(path);
   *   assert(await loop.sockSendfile(client, file, 7, 4) === 4);
   *   assert(new TextDecoder().decode(await loop.sockRecv(conn, 100)) === "file");
   *   assert(file.seekSync(0, Deno.SeekMode.Current) === 11);
   * });
   * ```
   */
  sockSendfile(
    sock: SocketLike,
    file: Deno.FsFile,
    offset?: number,
    count?: number | null,
    options?: SendfileOptions,
  ): Future<number> {
    return services(this, "sockSendfile").sockSendfile(sock, file, offset, count, options);
  }

  /**
   * Receives one datagram on a `SOCK_DGRAM` `Socket`: its first `bufsize`
   * bytes (the rest of a longer datagram is dropped, as in asyncio) and the
   * address it came from. Concurrent calls are served in order; a datagram
   * that arrives for a call that was cancelled goes to the next one.
   *
   * @typeParam S The socket type: the address is typed by its family.
   * @param sock A `SOCK_DGRAM` `Socket`.
   * @param bufsize The most bytes to return.
   * @returns A future of `[data, address]`.
   * @throws {TypeError} If `sock` is not a `SOCK_DGRAM` `Socket`, or
   *   `bufsize` is not an integer.
   * @throws {RangeError} If `bufsize` is negative.
   * @throws {OSError} `EBADF` once closed; a receive error through the future.
   * @throws {RuntimeError} If the loop is closed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run } from "@asyncio/deno";
   * import { AF_INET, SOCK_DGRAM, Socket } from "@asyncio/deno/socket";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   using a = new Socket(AF_INET, SOCK_DGRAM);
   *   a.bind(["127.0.0.1", 0]);
   *   using b = new Socket(AF_INET, SOCK_DGRAM);
   *   b.bind(["127.0.0.1", 0]);
   *   await loop.sockSendto(b, new Uint8Array([1, 2, 3]), a.getsockname());
   *   const [data, from] = await loop.sockRecvfrom(a, 2);
   *   assert.deepEqual([...data], [1, 2]); // the third byte is dropped
   *   assert.deepEqual(from, b.getsockname());
   * });
   * ```
   */
  sockRecvfrom<S extends SocketLike>(
    sock: S,
    bufsize: number,
  ): Future<[Uint8Array, AddressOf<S["family"]>]> {
    return services(this, "sockRecvfrom").sockRecvfrom(sock, bufsize);
  }

  /**
   * Receives one datagram into `buf` (as `sockRecvfrom`): at most `nbytes`
   * bytes (0 or omitted: `buf.length`).
   *
   * @typeParam S The socket type: the address is typed by its family.
   * @param sock A `SOCK_DGRAM` `Socket`.
   * @param buf Where to copy the bytes.
   * @param nbytes The most bytes to copy (0: `buf.length`).
   * @returns A future of `[count, address]`.
   * @throws {TypeError} If `sock` is not a `SOCK_DGRAM` `Socket` or `buf` not bytes.
   * @throws {RangeError} If `nbytes` is negative or greater than `buf.length`.
   * @throws {OSError} `EBADF` once closed; a receive error through the future.
   * @throws {RuntimeError} If the loop is closed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run } from "@asyncio/deno";
   * import { AF_INET, SOCK_DGRAM, Socket } from "@asyncio/deno/socket";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   using a = new Socket(AF_INET, SOCK_DGRAM);
   *   a.bind(["127.0.0.1", 0]);
   *   using b = new Socket(AF_INET, SOCK_DGRAM);
   *   await loop.sockSendto(b, new TextEncoder().encode("hello"), a.getsockname());
   *   const buf = new Uint8Array(16);
   *   const [n] = await loop.sockRecvfromInto(a, buf);
   *   assert(new TextDecoder().decode(buf.subarray(0, n)) === "hello");
   * });
   * ```
   */
  sockRecvfromInto<S extends SocketLike>(
    sock: S,
    buf: Uint8Array,
    nbytes?: number,
  ): Future<[number, AddressOf<S["family"]>]> {
    return services(this, "sockRecvfromInto").sockRecvfromInto(sock, buf, nbytes);
  }

  /**
   * Sends one datagram to `address` from a `SOCK_DGRAM` `Socket` (bound to
   * any address and port first if it never was), and resolves with its
   * length once the OS has taken it. As asyncio's, it calls `sock.sendto()`
   * and, while that would block (a send in flight), tries again when the
   * socket becomes writable.
   *
   * @param sock A `SOCK_DGRAM` `Socket`.
   * @param data The bytes (one datagram).
   * @param address `[host, port]` (`AF_INET6`: also with flowinfo and scope id).
   * @returns A future of the number of bytes sent.
   * @throws {TypeError} If `sock` is not a `SOCK_DGRAM` `Socket`, or the
   *   address does not fit its family.
   * @throws {OSError} `EBADF` once closed; a send error through the future.
   * @throws {RuntimeError} If the loop is closed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run } from "@asyncio/deno";
   * import { AF_INET, SOCK_DGRAM, Socket } from "@asyncio/deno/socket";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   using server = new Socket(AF_INET, SOCK_DGRAM);
   *   server.bind(["127.0.0.1", 0]);
   *   using client = new Socket(AF_INET, SOCK_DGRAM); // bound by its first send
   *   const n = await loop.sockSendto(client, new Uint8Array(100), server.getsockname());
   *   assert(n === 100 && client.getsockname()[1] !== 0);
   *   const [data] = await loop.sockRecvfrom(server, 1024);
   *   assert(data.length === 100);
   * });
   * ```
   */
  sockSendto(sock: SocketLike, data: Uint8Array, address: SocketAddress): Future<number> {
    return services(this, "sockSendto").sockSendto(sock, data, address);
  }

  /**
   * Calls `callback(...args)` whenever the process receives `signal`. The
   * callback runs as a loop callback (never inside Deno's listener), so an
   * error goes to the exception handler. Adding a handler for a signal that
   * has one replaces it. `close()` removes every handler of the loop.
   *
   * Differences from asyncio: signals are Deno signal names, not numbers.
   * Deno refuses SIGSEGV, SIGILL and SIGFPE as well as SIGKILL and SIGSTOP.
   * Removing or replacing a handler also drops a delivery still queued for
   * it. While a handler is installed, the signal's default action (such as
   * ending the process on SIGINT or SIGTERM) does not happen.
   *
   * @param signal A Deno signal name such as `"SIGINT"` or `"SIGUSR1"`.
   * @param callback A plain function (not a generator or async function:
   *   start a task from it instead).
   * @param args Arguments for `callback`.
   * @throws {NotImplementedError} On Windows (the matrix).
   * @throws {TypeError} If `callback` is not a plain function, or `signal`
   *   is not a signal name.
   * @throws {RangeError} If this OS has no such signal.
   * @throws {RuntimeError} If the signal cannot be caught (`"SIGKILL"`, ...)
   *   or the loop is closed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SelectorEventLoop } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * const got = loop.createFuture<string>();
   * loop.addSignalHandler("SIGUSR1", (name: string) => got.setResult(name), "usr1");
   * Deno.kill(Deno.pid, "SIGUSR1");
   * assert((await loop.runUntilComplete(got)) === "usr1");
   * loop.close(); // removes the handler
   * ```
   */
  addSignalHandler<A extends unknown[]>(
    signal: Deno.Signal,
    callback: (...args: A) => unknown,
    ...args: A
  ): void {
    services(this, "addSignalHandler").addSignalHandler(signal, callback, ...args);
  }

  /**
   * Removes the handler of `signal`.
   *
   * @param signal A Deno signal name.
   * @returns Whether a handler was removed.
   * @throws {NotImplementedError} On Windows (the matrix).
   * @throws {TypeError} If `signal` is not a signal name.
   * @throws {RangeError} If this OS has no such signal.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SelectorEventLoop } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * loop.addSignalHandler("SIGUSR2", () => {});
   * assert(loop.removeSignalHandler("SIGUSR2"));
   * assert(!loop.removeSignalHandler("SIGUSR2"));
   * loop.close();
   * ```
   */
  removeSignalHandler(signal: Deno.Signal): boolean {
    return services(this, "removeSignalHandler").removeSignalHandler(signal);
  }
}

/**
 * asyncio's `AbstractServer`: the interface of what `createServer`,
 * `createUnixServer` and `startServer` return. Every method throws
 * `NotImplementedError`; `Server` implements them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NotImplementedError, Server } from "@asyncio/deno";
 * import { AbstractServer } from "@asyncio/deno/protocols";
 * assert.throws(() => new AbstractServer().close(), NotImplementedError);
 * assert(Server.prototype instanceof AbstractServer);
 * ```
 */
export class AbstractServer<
  A extends [host: string, port: number] | string = [host: string, port: number] | string,
> implements AsyncDisposable {
  /**
   * Stops listening.
   *
   * @throws {NotImplementedError} Unless a subclass implements it.
   */
  close(): void {
    throw new NotImplementedError("AbstractServer.close() is not implemented");
  }

  /**
   * Closes every connection of the server.
   *
   * @throws {NotImplementedError} Unless a subclass implements it.
   */
  closeClients(): void {
    throw new NotImplementedError("AbstractServer.closeClients() is not implemented");
  }

  /**
   * Aborts every connection of the server.
   *
   * @throws {NotImplementedError} Unless a subclass implements it.
   */
  abortClients(): void {
    throw new NotImplementedError("AbstractServer.abortClients() is not implemented");
  }

  /**
   * The loop the server runs on.
   *
   * @returns The loop.
   * @throws {NotImplementedError} Unless a subclass implements it.
   */
  getLoop(): AbstractEventLoop {
    throw new NotImplementedError("AbstractServer.getLoop() is not implemented");
  }

  /**
   * Whether the server is accepting connections.
   *
   * @returns Whether it serves.
   * @throws {NotImplementedError} Unless a subclass implements it.
   */
  isServing(): boolean {
    throw new NotImplementedError("AbstractServer.isServing() is not implemented");
  }

  /**
   * Starts accepting connections.
   *
   * @returns A future done once serving.
   * @throws {NotImplementedError} Unless a subclass implements it.
   */
  startServing(): Future<void> {
    throw new NotImplementedError("AbstractServer.startServing() is not implemented");
  }

  /**
   * Serves until cancelled.
   *
   * @returns A future that never completes normally.
   * @throws {NotImplementedError} Unless a subclass implements it.
   */
  serveForever(): Future<never> {
    throw new NotImplementedError("AbstractServer.serveForever() is not implemented");
  }

  /**
   * The listening sockets (empty once closed).
   *
   * Differences from asyncio: asyncio's `AbstractServer` leaves `sockets`
   * to its `Server`; here the interface declares it, so that what
   * `createServer` returns is fully typed.
   *
   * @returns The sockets.
   * @throws {NotImplementedError} Unless a subclass implements it.
   */
  get sockets(): ServerSocket<A>[] {
    throw new NotImplementedError("AbstractServer.sockets is not implemented");
  }

  /**
   * Waits until the server is closed.
   *
   * @returns A future done once closed.
   * @throws {NotImplementedError} Unless a subclass implements it.
   */
  waitClosed(): Future<void> {
    throw new NotImplementedError("AbstractServer.waitClosed() is not implemented");
  }

  /**
   * `await using server = ...`: `close()`, then waits for `waitClosed()`.
   *
   * @returns A promise settled once closed.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.waitClosed();
  }
}

function unimplemented(loop: AbstractEventLoop, feature: string): never {
  const name = loop.constructor.name;
  throw new NotImplementedError({
    feature,
    os: "any",
    loop: name,
    reason: `${name} does not implement it (AbstractEventLoop only declares it)`,
  });
}

/** The loop's I/O services; NotImplementedError (naming `feature`) without them. */
function services(loop: AbstractEventLoop, feature: IoMethodName): IoServices {
  const io = loop._services;
  if (io !== null) return io;
  const name = loop.constructor.name;
  throw new NotImplementedError({
    feature,
    os: "any",
    loop: name,
    reason: `${name} has no I/O; use SelectorEventLoop (the default) or ProactorEventLoop`,
  });
}

/**
 * Throws TypeError unless `value` is an event loop (an `AbstractEventLoop`).
 *
 * @param value The value to check.
 * @param name Its name, for the message.
 * @throws {TypeError} If it is not a loop.
 */
export function checkLoop(value: unknown, name: string): asserts value is AbstractEventLoop {
  if (!(value instanceof AbstractEventLoop)) {
    throw new TypeError(`${name} must be an event loop: got ${describe(value)}`);
  }
}

// The running loop of this realm (the main module or one Worker). Module
// state is per realm, which is exactly asyncio's "per thread".
let runningLoop: AbstractEventLoop | null = null;

/**
 * Returns the loop running in this realm.
 *
 * @returns The running loop.
 * @throws {RuntimeError} When no loop is running.
 *
 * @example Inside a task
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run } from "@asyncio/deno";
 * const loop = await run(function* () {
 *   return getRunningLoop();
 * }());
 * assert(loop.isClosed());
 * ```
 */
export function getRunningLoop(): AbstractEventLoop {
  if (runningLoop === null) throw new RuntimeError("no running event loop");
  return runningLoop;
}

/** @ignore The running loop or null. */
export function _getRunningLoop(): AbstractEventLoop | null {
  return runningLoop;
}

/** @ignore Records the running loop; used by the loops themselves. */
export function _setRunningLoop(loop: AbstractEventLoop | null): void {
  runningLoop = loop;
}

// The current loop of this realm: what `setEventLoop()` set, or what the
// default policy's `getEventLoop()` created. `undefined` until the first
// `setEventLoop()` (the default policy creates a loop only then, in the main
// realm); `null` after `setEventLoop(null)`. The policy layer is the facade
// that reads and writes it; the core uses it where asyncio calls
// `get_event_loop()`: `new Future()`, `ensureFuture()`, `gather()` and the
// stream classes without a loop, outside a running loop.
let currentLoop: AbstractEventLoop | null | undefined = undefined;

/**
 * The realm's current loop: `undefined` if none was ever set (or the policy
 * was replaced since), `null` after `setEventLoop(null)`.
 *
 * @returns The loop, `null` or `undefined`.
 * @ignore
 */
export function _getCurrentLoop(): AbstractEventLoop | null | undefined {
  return currentLoop;
}

/**
 * Sets the realm's current loop (`undefined`: as if none was ever set).
 *
 * @param loop The loop, `null` or `undefined`.
 * @ignore
 */
export function _setCurrentLoop(loop: AbstractEventLoop | null | undefined): void {
  currentLoop = loop;
}

/**
 * The running loop, else the realm's current loop (asyncio 3.14's
 * `get_event_loop()`, which no longer creates one).
 *
 * @returns The loop.
 * @throws {RuntimeError} When no loop runs and none is current.
 * @ignore
 */
export function _getEventLoop(): AbstractEventLoop {
  const loop = runningLoop ?? currentLoop;
  if (loop === null || loop === undefined) {
    throw new RuntimeError(
      "There is no current event loop: create one with newEventLoop() and setEventLoop(), " +
        "get it with getEventLoop(), or use run()",
    );
  }
  return loop;
}
