/**
 * `Runner` and `run`: the modern way to run a program on a fresh loop.
 *
 * Prefer them to the policy functions (`getEventLoop`, `setEventLoop`,
 * `setEventLoopPolicy`): the loop's whole life is in one place, and
 * `loopFactory` picks the loop class for this one program without changing
 * what other code gets. CPython deprecated policies in 3.14 in favour of
 * exactly this. Without a `loopFactory` the current policy's
 * `newEventLoop()` makes the loop, which is also the realm's current loop
 * while the runner is open, so policy-based code still finds it.
 *
 * @module
 */

import {
  _getRunningLoop,
  type AbstractEventLoop,
  checkLoop,
  type Coroutine,
} from "../loops/core/events.ts";
import { CancelledError, KeyboardInterrupt, RuntimeError } from "../loops/core/exceptions.ts";
import { type Future, wrapFuture } from "../loops/core/futures.ts";
import { gather } from "../loops/flow/gather.ts";
import { allTasks } from "../loops/core/tasks.ts";
import { checkCallback, describe, isCoroutine, isThenable } from "../loops/core/checks.ts";
import { _inWorker } from "./default_policy.ts";
import { checkAbortSignal } from "../loops/core/abort.ts";
import { getEventLoopPolicy } from "./policy.ts";

/** Options for `Runner` and `run`. */
export interface RunnerOptions {
  /** Run the loop in debug mode. */
  debug?: boolean;
  /**
   * Creates the loop (default: the policy's `newEventLoop()`, which is then
   * also set as the realm's current loop while the runner is open).
   */
  loopFactory?: () => AbstractEventLoop;
  /**
   * Whether `run()` turns SIGINT (Ctrl+C) into cancelling the main task, as
   * asyncio's does (default `true`; only in the main realm, never in a
   * Worker). A `loop.addSignalHandler("SIGINT", ...)` takes the signal
   * instead, as in asyncio. Pass `false` when the program handles SIGINT
   * itself with `Deno.addSignalListener`: asyncio leaves SIGINT alone when a
   * handler other than Python's default is installed, but Deno cannot tell
   * whether one is, and calls every listener, so the main task would be
   * cancelled as well.
   */
  handleSigint?: boolean;
}

/** Options for one `Runner.run()` call. */
export interface RunOptions {
  /** Cancels the main task when it aborts (the abort reason is the cancel message). */
  signal?: AbortSignal;
}

/**
 * What `run` and `Runner.run` accept: a coroutine, a promise, or a function
 * returning one, which is called once the loop is running (so an async
 * function's body, which starts as soon as it is called, sees the loop).
 */
export type Main<T> = Coroutine<T> | PromiseLike<T> | (() => Coroutine<T> | PromiseLike<T>);

// asyncio refuses a non-coroutine with ValueError ("a coroutine was
// expected, got 1"): RangeError here.
function checkMain(main: unknown): void {
  if (!isCoroutine(main) && !isThenable(main) && typeof main !== "function") {
    throw new RangeError(
      "a coroutine was expected as main (or a promise, or a function returning one): " +
        `got ${describe(main)}`,
    );
  }
}

function* callMain<T>(fn: () => Coroutine<T> | PromiseLike<T>): Coroutine<T> {
  const main: unknown = fn();
  if (isCoroutine(main)) return yield* main as Coroutine<T>;
  if (isThenable(main)) return yield* wrapFuture(main as PromiseLike<T>);
  throw new RangeError(
    `a coroutine was expected from main() (or a promise): got ${describe(main)}`,
  );
}

function checkOptions(options: RunnerOptions): void {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`options must be an object: got ${describe(options)}`);
  }
  if (options.loopFactory !== undefined) {
    checkCallback(options.loopFactory, "options.loopFactory");
  }
  const { handleSigint } = options;
  if (handleSigint !== undefined && typeof handleSigint !== "boolean") {
    throw new TypeError(`options.handleSigint must be a boolean: got ${describe(handleSigint)}`);
  }
}

function asCoroutine<T>(main: Main<T>): Coroutine<T> | PromiseLike<T> {
  return typeof main === "function" ? callMain(main) : main;
}

function noop(): void {}

/**
 * asyncio's `Runner._on_sigint`, on a Deno SIGINT listener that lives for
 * one `Runner.run()`. Deno calls the listener from the host, between loop
 * iterations, never in the middle of a callback.
 */
class SigintInterrupt {
  #loop: AbstractEventLoop;
  #task: Future<unknown>;
  #listener = (): void => this.#onSigint();
  #installed = true;
  /** How many SIGINTs arrived (asyncio's `_interrupt_count`). */
  #count = 0;
  /** Whether a SIGINT stopped the loop without waiting for the task. */
  interruptedNow = false;

  private constructor(loop: AbstractEventLoop, task: Future<unknown>) {
    this.#loop = loop;
    this.#task = task;
  }

  /**
   * Installs the listener, in the main realm only (asyncio: main thread
   * only). Like asyncio, goes on without one if the host refuses it.
   */
  static install(loop: AbstractEventLoop, task: Future<unknown>): SigintInterrupt | null {
    if (_inWorker()) return null;
    const sigint = new SigintInterrupt(loop, task);
    try {
      Deno.addSignalListener("SIGINT", sigint.#listener);
    } catch {
      return null;
    }
    return sigint;
  }

  /** Removes the listener; idempotent. */
  remove(): void {
    if (!this.#installed) return;
    this.#installed = false;
    Deno.removeSignalListener("SIGINT", this.#listener);
  }

  #onSigint(): void {
    // asyncio: loop.add_signal_handler(SIGINT) replaces the runner's handler.
    if (hasSigintHandler(this.#loop)) return;
    this.#count++;
    if (this.#count === 1 && !this.#task.done()) {
      this.#task.cancel();
      this.#loop.callSoonThreadsafe(noop); // wake a loop waiting on the host
      return;
    }
    // asyncio raises KeyboardInterrupt out of the loop at once: stop it
    // after this iteration, and run() rejects with it.
    this.interruptedNow = true;
    if (this.#loop.isRunning()) this.#loop.stop();
  }

  /** The error `run()` rejects with when the task failed with `error`. */
  outcome(error: unknown, task: Future<unknown>): unknown {
    if (this.interruptedNow) return this.keyboardInterrupt();
    if (error instanceof CancelledError && this.#count > 0) {
      const uncancel = (task as { uncancel?: unknown }).uncancel;
      if (typeof uncancel === "function" && uncancel.call(task) === 0) {
        return new KeyboardInterrupt("Interrupted by SIGINT: the main task was cancelled", {
          cause: error,
        });
      }
    }
    return error;
  }

  /** The error of a SIGINT that stopped the loop. */
  keyboardInterrupt(): KeyboardInterrupt {
    return new KeyboardInterrupt(
      "Interrupted by SIGINT: the loop was stopped without waiting for the main task",
    );
  }
}

/**
 * Whether the loop has a SIGINT handler of its own (`addSignalHandler`),
 * which in asyncio replaces the runner's. The I/O loops report it through
 * `_hasSignalHandler(signal)`; a loop without that method has none.
 */
function hasSigintHandler(loop: AbstractEventLoop): boolean {
  const query = (loop as { _hasSignalHandler?: unknown })._hasSignalHandler;
  return typeof query === "function" && query.call(loop, "SIGINT") === true;
}

/**
 * Runs coroutines on one loop it owns, and finalizes that loop on `close()`:
 * leftover tasks are cancelled and awaited, then the loop is closed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Runner, sleep } from "@asyncio/deno";
 * await using runner = new Runner();
 * const a = await runner.run(sleep(0.01, 1));
 * const b = await runner.run(sleep(0.01, 2));
 * assert(a + b === 3);
 * ```
 */
export class Runner {
  #options: RunnerOptions;
  #loop: AbstractEventLoop | null = null;
  #closed = false;
  #closing: Promise<void> | null = null;
  #setLoop = false;

  /**
   * Creates a runner; the loop is created on first use.
   *
   * @param options `debug`, `loopFactory` and `handleSigint`.
   * @throws {TypeError} If `options` is not an object, `options.loopFactory`
   *   is given but not a function, or `options.handleSigint` is given but not
   *   a boolean.
   */
  constructor(options: RunnerOptions = {}) {
    checkOptions(options);
    this.#options = { ...options };
  }

  /**
   * The runner's loop, created if needed.
   *
   * @returns The loop.
   * @throws {RuntimeError} If the runner is closed.
   * @throws {TypeError} If `options.loopFactory` (or the policy's
   *   `newEventLoop()`) returned something else than a loop.
   */
  getLoop(): AbstractEventLoop {
    if (this.#closed) throw new RuntimeError("Runner is closed");
    if (this.#loop === null) {
      const factory = this.#options.loopFactory;
      if (factory === undefined) {
        const loop: unknown = getEventLoopPolicy().newEventLoop();
        checkLoop(loop, "the result of the policy's newEventLoop()");
        this.#loop = loop;
        getEventLoopPolicy().setEventLoop(loop);
        this.#setLoop = true;
      } else {
        const loop: unknown = factory();
        checkLoop(loop, "the result of options.loopFactory");
        this.#loop = loop;
      }
      if (this.#options.debug !== undefined) this.#loop.setDebug(this.#options.debug);
    }
    return this.#loop;
  }

  /**
   * Runs `main` to completion on the runner's loop.
   *
   * While it runs in the main realm, SIGINT (Ctrl+C) is handled as asyncio
   * does (unless `handleSigint: false`): the first SIGINT cancels the main
   * task, and if the task ends cancelled by it, `run()` rejects with
   * `KeyboardInterrupt` instead of `CancelledError`; a SIGINT once the
   * task is done, or a second one, stops the loop without waiting for the
   * task and `run()` rejects with `KeyboardInterrupt` (the task is left to
   * `close()`, which cancels it). The SIGINT listener is removed when
   * `run()` settles.
   *
   * Differences from asyncio: JavaScript cannot interrupt running code, so
   * a SIGINT is handled when the loop next returns to the host (within a
   * few milliseconds, unless a callback blocks).
   *
   * @typeParam T The result type.
   * @param main A coroutine, a promise, or a function returning one (called
   *   once the loop runs).
   * @param options A `signal` that cancels the main task when it aborts.
   * @returns The result.
   * @throws {RangeError} Synchronously, if `main` is none of those (asyncio's
   *   ValueError); the promise rejects with it if a function `main` returns
   *   something else.
   * @throws {RuntimeError} Synchronously, if a loop is already running, or
   *   the runner is closed.
   * @throws {KeyboardInterrupt} In the promise, after a SIGINT (see above).
   *
   * @example Exiting as shells expect after Ctrl+C
   * ```ts
   * import assert from "node:assert/strict";
   * import { KeyboardInterrupt, Runner, sleep } from "@asyncio/deno";
   * await using runner = new Runner();
   * try {
   *   assert(await runner.run(sleep(0.01, "done")) === "done");
   * } catch (e) {
   *   if (e instanceof KeyboardInterrupt) Deno.exit(130); // 128 + SIGINT
   *   throw e;
   * }
   * ```
   */
  run<T>(main: Main<T>, options: RunOptions = {}): Promise<T> {
    checkMain(main);
    checkAbortSignal(options.signal);
    if (_getRunningLoop() !== null) {
      throw new RuntimeError("Runner.run() cannot be called from a running event loop");
    }
    const loop = this.getLoop();
    const task = loop.createTask(
      asCoroutine(main),
      options.signal === undefined ? undefined : { signal: options.signal },
    );
    const sigint = this.#options.handleSigint === false
      ? null
      : SigintInterrupt.install(loop, task);
    if (sigint === null) return loop.runUntilComplete(task);
    let done: Promise<T>;
    try {
      done = loop.runUntilComplete(task);
    } catch (e) {
      sigint.remove();
      throw e;
    }
    return done.then(
      (value) => {
        sigint.remove();
        if (sigint.interruptedNow) throw sigint.keyboardInterrupt();
        return value;
      },
      (e) => {
        sigint.remove();
        throw sigint.outcome(e, task);
      },
    );
  }

  /**
   * Cancels the loop's remaining tasks, waits for them, and closes the loop.
   * Idempotent: every call returns the same promise, settled once the loop
   * is closed.
   *
   * @returns A promise that resolves when the runner is closed.
   * @throws {RuntimeError} In the promise, if the runner's loop is running
   *   (called from a task of `run()`, or while a `run()` is pending); the
   *   runner is left as it was.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Runner, sleep } from "@asyncio/deno";
   * import { TestLoop } from "@asyncio/deno/testing";
   * const runner = new Runner({ loopFactory: () => new TestLoop() });
   * const loop = runner.getLoop();
   * await runner.run(sleep(1));
   * await runner.close();
   * assert(loop.isClosed());
   * ```
   */
  close(): Promise<void> {
    if (this.#closing !== null) return this.#closing;
    const loop = this.#loop;
    if (loop !== null && loop.isRunning()) {
      return Promise.reject(
        new RuntimeError("Runner.close() cannot be called while the runner's loop is running"),
      );
    }
    this.#closed = true;
    this.#closing = loop === null ? Promise.resolve() : this.#finalize(loop);
    return this.#closing;
  }

  async #finalize(loop: AbstractEventLoop): Promise<void> {
    try {
      await cancelAllTasks(loop);
      const l = loop as AbstractEventLoop & { shutdownAsyncgens?(): Coroutine<void> };
      if (l.shutdownAsyncgens) await loop.runUntilComplete(l.shutdownAsyncgens());
      // asyncio's THREAD_JOIN_TIMEOUT: after 300 s the workers are terminated.
      await loop.runUntilComplete(loop.shutdownDefaultExecutor(300));
    } finally {
      if (this.#setLoop) getEventLoopPolicy().setEventLoop(null);
      loop.close();
    }
  }

  /** `await using runner = new Runner()` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

async function cancelAllTasks(loop: AbstractEventLoop): Promise<void> {
  const tasks = allTasks(loop);
  if (tasks.size === 0) return;
  for (const t of tasks) t.cancel();
  await loop.runUntilComplete(gather(...tasks, { returnExceptions: true }));
  for (const t of tasks) {
    if (t.cancelled()) continue;
    const exception = t.exception();
    if (exception !== null) {
      loop.callExceptionHandler({
        message: "unhandled exception during run() shutdown",
        exception,
        task: t,
      });
    }
  }
}

/**
 * Runs `main` on a new loop, then cancels leftover tasks and closes the
 * loop: the usual entry point of a program. Ctrl+C (SIGINT) cancels `main`
 * and makes `run()` reject with `KeyboardInterrupt`, as in asyncio (see
 * `Runner.run()`; `handleSigint: false` leaves SIGINT alone).
 *
 * @typeParam T The result type.
 * @param main A coroutine, a promise, or a function returning one (called
 *   once the loop runs).
 * @param options `debug`, `loopFactory`, `handleSigint` (see `Runner`), and a
 *   `signal` that cancels the main task when it aborts.
 * @returns The result of `main`.
 * @throws {RuntimeError} Synchronously, if a loop is already running.
 * @throws {RangeError} Synchronously, if `main` is not a coroutine, a promise
 *   or a function (asyncio's ValueError); the promise rejects with it if a
 *   function `main` returns something else.
 * @throws {TypeError} Synchronously, if an option has the wrong type.
 * @throws {KeyboardInterrupt} In the promise, after a SIGINT.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { run, sleep } from "@asyncio/deno";
 * const v = await run(function* () {
 *   yield* sleep(0.01);
 *   return "hello";
 * }());
 * assert(v === "hello");
 * ```
 *
 * @example Choosing the loop class for this program only
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run, SelectorEventLoop } from "@asyncio/deno";
 * const selector = await run(
 *   async () => (getRunningLoop() as SelectorEventLoop).selector,
 *   { loopFactory: () => new SelectorEventLoop("PollSelector") },
 * );
 * assert(selector === "PollSelector");
 * ```
 *
 * @example An async function, called once the loop runs
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run } from "@asyncio/deno";
 * const running = await run(async () => getRunningLoop().isRunning());
 * assert(running);
 * ```
 */
export function run<T>(
  main: Main<T>,
  options: RunnerOptions & RunOptions = {},
): Promise<T> {
  if (_getRunningLoop() !== null) {
    throw new RuntimeError("run() cannot be called from a running event loop");
  }
  checkMain(main);
  const runner = new Runner(options);
  let result: Promise<T>;
  try {
    result = runner.run(main, { signal: options.signal });
  } catch (e) {
    return runner.close().then(() => Promise.reject(e));
  }
  return result.then(
    (v) => runner.close().then(() => v),
    (e) => runner.close().then(() => Promise.reject(e)),
  );
}
