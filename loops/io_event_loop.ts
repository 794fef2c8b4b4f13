/**
 * `IoEventLoop`: the I/O layer `SelectorEventLoop` and `ProactorEventLoop`
 * share. Deno performs the I/O the same way for both; the two kinds differ
 * in what the platform matrix allows, which every method checks first,
 * before any side effect.
 *
 * @module
 */

import { SockEventLoop } from "./_sock_event_loop.ts";
export type { IoLoopOptions } from "./_net_event_loop.ts";
import { RuntimeError } from "./core/exceptions.ts";
import type { Future } from "./core/futures.ts";
import type { BaseProtocol } from "./core/protocols.ts";
import type { ReadTransport, WriteTransport } from "./core/transports.ts";
import { checkCallback, checkSeconds } from "./core/checks.ts";
import {
  checkReadPipe,
  checkWritePipe,
  pipeKind,
  type ReadPipe,
  type WritePipe,
} from "./process/pipe_ends.ts";
import { connectReadPipe } from "./process/read_pipe.ts";
import { connectWritePipe } from "./process/write_pipe.ts";
import { spawnSubprocess } from "./process/subprocess_spawn.ts";
import { planExec, planShell, type SubprocessOptions } from "./process/subprocess_options.ts";
import type { SubprocessTransport } from "./core/transports.ts";
import { checkSignal, SignalHandlers } from "./process/signals.ts";
import {
  checkExecutor,
  type Executor,
  shutdownExecutor,
  submitToExecutor,
  type Work,
  type WorkFunction,
  type WorkResult,
} from "./executor/executor.ts";
import { WorkerPoolExecutor } from "./executor/worker_pool_executor.ts";
import { currentPlatform } from "../platform/detect.ts";

/**
 * The loop with I/O on Deno's APIs, gated by the platform matrix:
 * connections, servers, TLS, Unix sockets, UDP and name resolution (from
 * `NetEventLoop`), socket operations and readiness callbacks (from
 * `SockEventLoop`), and here pipes, subprocesses, signal handlers and
 * executors. Use `SelectorEventLoop` (the default everywhere) or
 * `ProactorEventLoop`.
 *
 * Methods that are coroutines in asyncio return a `Future` here (a task
 * already scheduled), so they work both as `yield* loop.createConnection(...)`
 * in coroutines and as `await loop.createConnection(...)` in async functions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { IoEventLoop, SelectorEventLoop } from "@asyncio/deno";
 * const loop = new SelectorEventLoop();
 * assert(loop instanceof IoEventLoop && loop.supports("subprocessExec"));
 * loop.close();
 * ```
 */
export abstract class IoEventLoop extends SockEventLoop {
  #signals: SignalHandlers | null = null;
  #defaultExecutor: Executor | null = null;
  #executorShutdownCalled = false;

  // ---- pipes and signals ----------------------------------------------------

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
   * import { Protocol, SelectorEventLoop } from "@asyncio/deno";
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
  override connectReadPipe<P extends BaseProtocol>(
    protocolFactory: () => P,
    pipe: ReadPipe,
  ): Future<[ReadTransport, P]> {
    this._check("connectReadPipe", { kind: pipeKind(pipe) });
    checkCallback(protocolFactory, "protocolFactory");
    checkReadPipe(pipe);
    return this._spawn(connectReadPipe(this, protocolFactory, pipe));
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
   * import { Protocol, SelectorEventLoop } from "@asyncio/deno";
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
  override connectWritePipe<P extends BaseProtocol>(
    protocolFactory: () => P,
    pipe: WritePipe,
  ): Future<[WriteTransport, P]> {
    this._check("connectWritePipe", { kind: pipeKind(pipe) });
    checkCallback(protocolFactory, "protocolFactory");
    checkWritePipe(pipe);
    return this._spawn(connectWritePipe(this, protocolFactory, pipe));
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
   * import { SelectorEventLoop, SubprocessProtocol } from "@asyncio/deno";
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
  override subprocessExec<P extends BaseProtocol>(
    protocolFactory: () => P,
    program: string | URL,
    args: readonly string[] = [],
    options: SubprocessOptions = {},
  ): Future<[SubprocessTransport, P]> {
    this._check("subprocessExec");
    checkCallback(protocolFactory, "protocolFactory");
    const plan = planExec(program, args, options);
    return this._spawn(spawnSubprocess(this, protocolFactory, plan));
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
   * import { SelectorEventLoop, SubprocessProtocol } from "@asyncio/deno";
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
  override subprocessShell<P extends BaseProtocol>(
    protocolFactory: () => P,
    cmd: string,
    options: SubprocessOptions = {},
  ): Future<[SubprocessTransport, P]> {
    this._check("subprocessShell");
    checkCallback(protocolFactory, "protocolFactory");
    const plan = planShell(cmd, options, currentPlatform().os === "windows");
    return this._spawn(spawnSubprocess(this, protocolFactory, plan));
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
  override addSignalHandler<A extends unknown[]>(
    signal: Deno.Signal,
    callback: (...args: A) => unknown,
    ...args: A
  ): void {
    this._check("addSignalHandler");
    this.#signals ??= new SignalHandlers(this);
    this.#signals.add(signal, callback, args);
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
  /**
   * Whether this loop has a handler for `signal` (`addSignalHandler`); the
   * runner leaves SIGINT to such a handler, as asyncio's does. @internal
   */
  _hasSignalHandler(signal: Deno.Signal): boolean {
    return this.#signals?.has(signal) ?? false;
  }

  override removeSignalHandler(signal: Deno.Signal): boolean {
    this._check("removeSignalHandler");
    if (this.#signals === null) {
      checkSignal(signal);
      return false;
    }
    return this.#signals.remove(signal);
  }

  /**
   * Runs the loop (see `BaseEventLoop.runForever`). While it runs with a
   * signal handler installed it keeps the process alive, as a loop blocked
   * in select does (Deno's signal listeners alone do not).
   *
   * @returns A promise that resolves when the loop stopped.
   * @throws {RuntimeError} Synchronously if the loop is closed or running.
   *
   * @example
   * ```ts
   * import { SelectorEventLoop } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * loop.callSoon(() => loop.stop());
   * await loop.runForever();
   * loop.close();
   * ```
   */
  override runForever(): Promise<void> {
    const run = super.runForever();
    this.#signals?.syncKeepAlive();
    return run.finally(() => this.#signals?.syncKeepAlive());
  }

  /**
   * Closes the loop (see `BaseEventLoop.close`) and releases what it holds
   * on the host: every signal handler it installed, and the default
   * executor, shut down without waiting (its workers are terminated).
   *
   * @throws {RuntimeError} If the loop is running.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SelectorEventLoop } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * loop.addSignalHandler("SIGUSR1", () => {});
   * loop.close();
   * assert(loop.isClosed());
   * ```
   */
  override close(): void {
    super.close();
    this.#signals?.removeAll();
    this.#executorShutdownCalled = true;
    const executor = this.#defaultExecutor;
    this.#defaultExecutor = null;
    executor?.shutdown(false).catch(() => {});
  }

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
  override runInExecutor<F extends WorkFunction>(
    executor: Executor | null,
    work: Work<F>,
    ...args: Parameters<F>
  ): Future<WorkResult<F>> {
    this._check("runInExecutor");
    if (this.isClosed()) throw new RuntimeError("Event loop is closed");
    if (executor !== null && executor !== undefined) checkExecutor(executor, "executor");
    else if (this.#executorShutdownCalled) {
      throw new RuntimeError("Executor shutdown has been called");
    }
    return submitToExecutor(this, executor ?? this._defaultExecutor(), work, args);
  }

  /** The default executor, created on first use. @internal */
  _defaultExecutor(): Executor {
    return this.#defaultExecutor ??= new WorkerPoolExecutor();
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
   * import { SelectorEventLoop, WorkerPoolExecutor } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * loop.setDefaultExecutor(new WorkerPoolExecutor({ maxWorkers: 1 }));
   * const v = await loop.runUntilComplete(loop.runInExecutor(null, () => 42));
   * assert(v === 42);
   * await loop.runUntilComplete(loop.shutdownDefaultExecutor());
   * loop.close();
   * ```
   */
  override setDefaultExecutor(executor: Executor): void {
    checkExecutor(executor, "executor");
    this.#defaultExecutor = executor;
  }

  /**
   * Shuts the default executor down: no new work is accepted, the work
   * already scheduled finishes, then every worker ends. After `timeout`
   * seconds (default: no limit) it warns and terminates the workers.
   * `Runner` and `run()` call it before closing the loop.
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
  override shutdownDefaultExecutor(timeout: number | null = null): Future<void> {
    if (timeout !== null) checkSeconds(timeout, "timeout");
    this.#executorShutdownCalled = true;
    return this._spawn(shutdownExecutor(this.#defaultExecutor, timeout));
  }
}
