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

import { _getRunningLoop, type AbstractEventLoop, type Coroutine } from "../loops/events.ts";
import { RuntimeError } from "../loops/exceptions.ts";
import { wrapFuture } from "../loops/futures.ts";
import { gather } from "../loops/gather.ts";
import { allTasks } from "../loops/tasks.ts";
import { checkCallback, checkLoop, describe, isCoroutine, isThenable } from "../loops/_validate.ts";
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
}

/**
 * What `run` and `Runner.run` accept: a coroutine, a promise, or a function
 * returning one, which is called once the loop is running (so an async
 * function's body, which starts as soon as it is called, sees the loop).
 */
export type Main<T> = Coroutine<T> | PromiseLike<T> | (() => Coroutine<T> | PromiseLike<T>);

function checkMain(main: unknown): void {
  if (!isCoroutine(main) && !isThenable(main) && typeof main !== "function") {
    throw new TypeError(
      `main must be a coroutine, a promise or a function returning one: got ${describe(main)}`,
    );
  }
}

function* callMain<T>(fn: () => Coroutine<T> | PromiseLike<T>): Coroutine<T> {
  const main: unknown = fn();
  if (isCoroutine(main)) return yield* main as Coroutine<T>;
  if (isThenable(main)) return yield* wrapFuture(main as PromiseLike<T>);
  throw new TypeError(`main() must return a coroutine or a promise: got ${describe(main)}`);
}

function asCoroutine<T>(main: Main<T>): Coroutine<T> | PromiseLike<T> {
  return typeof main === "function" ? callMain(main) : main;
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
  #setLoop = false;

  /**
   * Creates a runner; the loop is created on first use.
   *
   * @param options `debug` and `loopFactory`.
   * @throws {TypeError} If `options.loopFactory` is given but not a function.
   */
  constructor(options: RunnerOptions = {}) {
    if (options.loopFactory !== undefined) {
      checkCallback(options.loopFactory, "options.loopFactory");
    }
    this.#options = options;
  }

  /**
   * The runner's loop, created if needed.
   *
   * @returns The loop.
   * @throws {RuntimeError} If the runner is closed.
   * @throws {TypeError} If `options.loopFactory` returned something else than a loop.
   */
  getLoop(): AbstractEventLoop {
    if (this.#closed) throw new RuntimeError("Runner is closed");
    if (this.#loop === null) {
      const factory = this.#options.loopFactory;
      if (factory === undefined) {
        this.#loop = getEventLoopPolicy().newEventLoop();
        getEventLoopPolicy().setEventLoop(this.#loop);
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
   * @typeParam T The result type.
   * @param main A coroutine, a promise, or a function returning one (called
   *   once the loop runs).
   * @returns The result.
   * @throws {RuntimeError} Synchronously, if a loop is already running.
   * @throws {TypeError} Synchronously, if `main` is none of those.
   */
  run<T>(main: Main<T>): Promise<T> {
    if (_getRunningLoop() !== null) {
      throw new RuntimeError("Runner.run() cannot be called from a running event loop");
    }
    checkMain(main);
    const loop = this.getLoop();
    return loop.runUntilComplete(loop.createTask(asCoroutine(main)));
  }

  /**
   * Cancels the loop's remaining tasks, waits for them, and closes the loop.
   * Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const loop = this.#loop;
    if (loop === null) return;
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
 * loop: the usual entry point of a program.
 *
 * @typeParam T The result type.
 * @param main A coroutine (or a promise).
 * @param options `debug` and `loopFactory`.
 * @returns The result of `main`.
 * @throws {RuntimeError} Synchronously, if a loop is already running.
 * @throws {TypeError} Synchronously, if `main` is not a coroutine or promise,
 *   or `options.loopFactory` is not a function.
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
  options: RunnerOptions = {},
): Promise<T> {
  if (_getRunningLoop() !== null) {
    throw new RuntimeError("run() cannot be called from a running event loop");
  }
  checkMain(main);
  const runner = new Runner(options);
  let result: Promise<T>;
  try {
    result = runner.run(main);
  } catch (e) {
    return runner.close().then(() => Promise.reject(e));
  }
  return result.then(
    (v) => runner.close().then(() => v),
    (e) => runner.close().then(() => Promise.reject(e)),
  );
}
