/**
 * Handles, the event loop interface and the per-realm running-loop registry.
 *
 * @module
 */

import { NotImplementedError, RuntimeError } from "./exceptions.ts";
import { sourceTraceback } from "./stack.ts";
import type { Future } from "./futures.ts";
import type {
  ConnectAcceptedSocketOptions,
  CreateConnectionOptions,
  CreateDatagramEndpointOptions,
  CreateServerOptions,
  CreateUnixConnectionOptions,
  CreateUnixServerOptions,
  StartTlsOptions,
} from "../net/io_options.ts";
import type { BaseProtocol } from "./protocols.ts";
import type { AddrInfo, GetaddrinfoOptions, SockAddr } from "../net/resolve.ts";
import type { Server } from "../net/server.ts";
import type { FileDescriptorLike, Socket, SocketAddress } from "../net/socket.ts";
import type { SSLContext } from "../net/ssl.ts";
import type { Task, TaskOptions } from "./tasks.ts";
import type { DatagramTransport, ReadTransport, Transport, WriteTransport } from "./transports.ts";
import type { ReadPipe, WritePipe } from "../process/pipe_ends.ts";
import type { Executor, Work, WorkFunction, WorkResult } from "../executor/executor.ts";
import type { SubprocessTransport } from "./transports.ts";
import type { SubprocessOptions } from "../process/subprocess_options.ts";

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
 * import { BaseEventLoop, realClock } from "@asyncio/deno";
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
 * import { TestLoop } from "@asyncio/deno";
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
  /** @internal */ _callback: AnyFn | null;
  /** @internal */ _args: unknown[] | null;
  /** @internal */ _loop: HandleOwner;
  /** @internal */ _cancelled = false;
  /** @internal */ _sourceTraceback: string | undefined;

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

  /** Runs the callback; errors go to the loop's exception handler. @internal */
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

  /** @internal */
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
 * import { TestLoop } from "@asyncio/deno";
 * const loop = new TestLoop();
 * const h = loop.callLater(5, () => {});
 * assert(h.when() === loop.time() + 5);
 * h.cancel();
 * loop.close();
 * ```
 */
export class TimerHandle extends Handle {
  /** @internal */ _when: number;
  /** @internal */ _seq = 0;
  /** @internal whether it sits in the loop's heap */ _scheduled = false;

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

/**
 * The interface every event loop implements (asyncio's
 * `AbstractEventLoop`). Use `BaseEventLoop` or one of its subclasses.
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
  // As asyncio's: every method raises NotImplementedError until a subclass
  // provides it (BaseEventLoop provides the scheduler, the I/O loops the rest).

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

  // ---- I/O: asyncio's AbstractEventLoop raises NotImplementedError for every
  // method a loop does not provide; so do these defaults. SelectorEventLoop
  // and ProactorEventLoop implement them (as the platform matrix allows).

  /** Opens a TCP (or TLS) connection; resolves with `[transport, protocol]`. */
  createConnection<P extends BaseProtocol>(
    _protocolFactory: () => P,
    _host?: string | null,
    _port?: number | string | null,
    _options?: CreateConnectionOptions,
  ): Future<[Transport, P]> {
    return noIo(this, "createConnection");
  }
  /** Wraps a connection accepted elsewhere (a `Socket` or a `Deno.Conn`) in a transport. */
  connectAcceptedSocket<P extends BaseProtocol>(
    _protocolFactory: () => P,
    _sock: Socket | Deno.Conn,
    _options?: ConnectAcceptedSocketOptions,
  ): Future<[Transport, P]> {
    return noIo(this, "connectAcceptedSocket");
  }
  /** Starts a TCP (or TLS) server. */
  createServer(
    _protocolFactory: () => BaseProtocol,
    _host?: string | string[] | null,
    _port?: number | string | null,
    _options?: CreateServerOptions,
  ): Future<Server> {
    return noIo(this, "createServer");
  }
  /** Opens a Unix socket connection. */
  createUnixConnection<P extends BaseProtocol>(
    _protocolFactory: () => P,
    _path?: string | null,
    _options?: CreateUnixConnectionOptions,
  ): Future<[Transport, P]> {
    return noIo(this, "createUnixConnection");
  }
  /** Starts a Unix socket server. */
  createUnixServer(
    _protocolFactory: () => BaseProtocol,
    _path?: string | null,
    _options?: CreateUnixServerOptions,
  ): Future<Server> {
    return noIo(this, "createUnixServer");
  }
  /** Creates a UDP endpoint; resolves with `[transport, protocol]`. */
  createDatagramEndpoint<P extends BaseProtocol>(
    _protocolFactory: () => P,
    _options?: CreateDatagramEndpointOptions,
  ): Future<[DatagramTransport, P]> {
    return noIo(this, "createDatagramEndpoint");
  }
  /** Upgrades a connection to TLS; resolves with the new transport. */
  startTls(
    _transport: Transport,
    _protocol: BaseProtocol,
    _sslcontext: SSLContext,
    _options?: StartTlsOptions,
  ): Future<Transport> {
    return noIo(this, "startTls");
  }
  /** Resolves a host and port with the OS resolver. */
  getaddrinfo(
    _host: string | null,
    _port: number | string | null,
    _options?: GetaddrinfoOptions,
  ): Future<AddrInfo[]> {
    return noIo(this, "getaddrinfo");
  }
  /** Looks up the host and service names of an address. */
  getnameinfo(_sockaddr: SockAddr, _flags?: number): Future<[string, string]> {
    return noIo(this, "getnameinfo");
  }
  /** Connects a `Socket` to an address. */
  sockConnect(_sock: Socket, _address: SocketAddress): Future<void> {
    return noIo(this, "sockConnect");
  }
  /** Accepts a connection on a listening `Socket`; resolves with `[socket, address]`. */
  sockAccept(_sock: Socket): Future<[Socket, SocketAddress]> {
    return noIo(this, "sockAccept");
  }
  /** Receives up to `nbytes` bytes from a connected `Socket` (empty at EOF). */
  sockRecv(_sock: Socket, _nbytes: number): Future<Uint8Array> {
    return noIo(this, "sockRecv");
  }
  /** Receives bytes into `buf`; resolves with the count. */
  sockRecvInto(_sock: Socket, _buf: Uint8Array): Future<number> {
    return noIo(this, "sockRecvInto");
  }
  /** Sends all of `data` on a connected `Socket`. */
  sockSendall(_sock: Socket, _data: Uint8Array): Future<void> {
    return noIo(this, "sockSendall");
  }
  /** Calls `callback(...args)` while `fd` is readable. */
  addReader<A extends unknown[]>(
    _fd: FileDescriptorLike,
    _callback: (...args: A) => unknown,
    ..._args: A
  ): void {
    noIo(this, "addReader");
  }
  /** Stops watching `fd` for reading; returns whether it was watched. */
  removeReader(_fd: FileDescriptorLike): boolean {
    return noIo(this, "removeReader");
  }
  /** Calls `callback(...args)` while `fd` is writable. */
  addWriter<A extends unknown[]>(
    _fd: FileDescriptorLike,
    _callback: (...args: A) => unknown,
    ..._args: A
  ): void {
    noIo(this, "addWriter");
  }
  /** Stops watching `fd` for writing; returns whether it was watched. */
  removeWriter(_fd: FileDescriptorLike): boolean {
    return noIo(this, "removeWriter");
  }
  /** Wraps the read end of a pipe; resolves with `[transport, protocol]`. */
  connectReadPipe<P extends BaseProtocol>(
    _protocolFactory: () => P,
    _pipe: ReadPipe,
  ): Future<[ReadTransport, P]> {
    return noIo(this, "connectReadPipe");
  }
  /** Wraps the write end of a pipe; resolves with `[transport, protocol]`. */
  connectWritePipe<P extends BaseProtocol>(
    _protocolFactory: () => P,
    _pipe: WritePipe,
  ): Future<[WriteTransport, P]> {
    return noIo(this, "connectWritePipe");
  }
  /**
   * Runs `program` with `args` as a child process; resolves with
   * `[transport, protocol]` once `connectionMade` ran.
   */
  subprocessExec<P extends BaseProtocol>(
    _protocolFactory: () => P,
    _program: string | URL,
    _args?: readonly string[],
    _options?: SubprocessOptions,
  ): Future<[SubprocessTransport, P]> {
    return noIo(this, "subprocessExec");
  }
  /** Runs `cmd` with the shell as a child process; resolves with `[transport, protocol]`. */
  subprocessShell<P extends BaseProtocol>(
    _protocolFactory: () => P,
    _cmd: string,
    _options?: SubprocessOptions,
  ): Future<[SubprocessTransport, P]> {
    return noIo(this, "subprocessShell");
  }
  /** Calls `callback(...args)` as a loop callback whenever `signal` arrives. */
  addSignalHandler<A extends unknown[]>(
    _signal: Deno.Signal,
    _callback: (...args: A) => unknown,
    ..._args: A
  ): void {
    noIo(this, "addSignalHandler");
  }
  /** Removes the handler of `signal`; returns whether there was one. */
  removeSignalHandler(_signal: Deno.Signal): boolean {
    return noIo(this, "removeSignalHandler");
  }
  /** Runs `work(...args)` in `executor` (`null`: the default one); resolves with its result. */
  runInExecutor<F extends WorkFunction>(
    _executor: Executor | null,
    _work: Work<F>,
    ..._args: Parameters<F>
  ): Future<WorkResult<F>> {
    return noIo(this, "runInExecutor");
  }
  /** Sets the executor `runInExecutor(null, ...)` uses. */
  setDefaultExecutor(_executor: Executor): void {
    noIo(this, "setDefaultExecutor");
  }
  /**
   * Shuts the default executor down and waits for it. A loop without
   * executors has nothing to shut down: this default resolves at once.
   */
  shutdownDefaultExecutor(_timeout?: number | null): Future<void> {
    const fut = this.createFuture<void>();
    fut.setResult(undefined);
    return fut;
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

function noIo(loop: AbstractEventLoop, feature: string): never {
  const name = loop.constructor.name;
  throw new NotImplementedError({
    feature,
    os: "any",
    loop: name,
    reason: `${name} has no I/O; use SelectorEventLoop (the default) or ProactorEventLoop`,
  });
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

/** The running loop or null. @internal */
export function _getRunningLoop(): AbstractEventLoop | null {
  return runningLoop;
}

/** Records the running loop; used by the loops themselves. @internal */
export function _setRunningLoop(loop: AbstractEventLoop | null): void {
  runningLoop = loop;
}

// How `Future`, `ensureFuture` and friends find a loop when none runs. The
// policy module installs `getEventLoop` here; loops/ never imports policy/.
let defaultLoopProvider: () => AbstractEventLoop = getRunningLoop;

/** The running loop, else the policy's loop for this realm. @internal */
export function _getEventLoop(): AbstractEventLoop {
  return runningLoop ?? defaultLoopProvider();
}

/** Installs the fallback used by `_getEventLoop`. @internal */
export function _setDefaultLoopProvider(provider: () => AbstractEventLoop): void {
  defaultLoopProvider = provider;
}
