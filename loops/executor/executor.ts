/**
 * Executors: where `loop.runInExecutor()` runs work away from the event
 * loop. `WorkerPoolExecutor` (the loop's default) runs it in parallel on a
 * pool of Web Workers, like Python's `concurrent.futures` pools; work is a
 * self-contained function (sent as source text) or a module task (a module
 * URL and an export name); arguments and results travel by structured clone.
 *
 * @module
 */

import type { AbstractEventLoop, Coroutine } from "../core/events.ts";
import { CancelledError, RuntimeError, TimeoutError } from "../core/exceptions.ts";
import { type Future, wrapFuture } from "../core/futures.ts";
import { waitFor } from "../flow/wait.ts";
import { checkWork, workMessage } from "./work.ts";
import type {
  Executor,
  ModuleTask,
  ShutdownOptions,
  Work,
  WorkFunction,
  WorkResult,
} from "../core/io_types.ts";
import { describe, isThenable } from "../core/checks.ts";

// The executor types live in the core (the loop interface names them).
export type { Executor, ModuleTask, ShutdownOptions, Work, WorkFunction, WorkResult };

/**
 * A typed module task: the worker imports `module` and calls `exportName`.
 *
 * @typeParam F The exported function's type (for `submit`/`runInExecutor`).
 * @param module The module's absolute URL.
 * @param exportName The export to call.
 * @returns The task.
 * @throws {TypeError} If `module` is not an absolute URL or `exportName` is empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { moduleTask } from "@asyncio/deno/executor";
 * const task = moduleTask<(n: number) => number>(new URL("./tasks.ts", import.meta.url), "fib");
 * assert(task.export === "fib");
 * ```
 */
export function moduleTask<F extends WorkFunction = WorkFunction>(
  module: string | URL,
  exportName: string,
): ModuleTask<F> {
  const task: ModuleTask<F> = { module, export: exportName };
  workMessage(0, task, []);
  return task;
}

/**
 * Whether `value` has an executor's `submit` and `shutdown` methods.
 *
 * @param value Anything.
 * @returns Whether it can serve as an executor.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isExecutor, WorkerPoolExecutor } from "@asyncio/deno/executor";
 * assert(isExecutor(new WorkerPoolExecutor()) && !isExecutor({ submit() {} }));
 * ```
 */
export function isExecutor(value: unknown): value is Executor {
  return value !== null && typeof value === "object" &&
    typeof (value as Executor).submit === "function" &&
    typeof (value as Executor).shutdown === "function";
}

/**
 * Runs work on the main thread, in a microtask after `submit` returns: for
 * functions that cannot be sent to a worker (closures, bound functions,
 * class methods). Arguments and results are passed as they are, not
 * copied; errors come back unchanged. A synchronous function blocks the
 * event loop while it runs, so this is no way to run CPU-bound work.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SelectorEventLoop } from "@asyncio/deno";
 * import { InlineExecutor } from "@asyncio/deno/executor";
 * const loop = new SelectorEventLoop();
 * const seen: number[] = [];
 * const add = (n: number) => seen.push(n); // a closure: it cannot go to a worker
 * await loop.runUntilComplete(loop.runInExecutor(new InlineExecutor(), add, 7));
 * assert(seen[0] === 7);
 * loop.close();
 * ```
 */
export class InlineExecutor implements Executor {
  #running = new Set<Promise<unknown>>();
  #shutdown = false;

  /**
   * Schedules `work(...args)` for the next microtask.
   *
   * @typeParam F The function type.
   * @param work A function or a module task.
   * @param args Its arguments.
   * @returns A promise of the result.
   * @throws {TypeError} Synchronously, if `work` is neither.
   * @throws {RuntimeError} Synchronously, after `shutdown()`.
   */
  submit<F extends WorkFunction>(work: Work<F>, ...args: Parameters<F>): Promise<WorkResult<F>> {
    checkWork(work);
    if (this.#shutdown) throw new RuntimeError("Cannot schedule new work after shutdown");
    const run = async (): Promise<WorkResult<F>> => {
      if (typeof work === "function") return await work(...args) as WorkResult<F>;
      const mod = await import(String(work.module));
      if (typeof mod[work.export] !== "function") {
        throw new TypeError(
          `Module ${work.module} has no exported function named "${work.export}"`,
        );
      }
      return await mod[work.export](...args);
    };
    const promise = Promise.resolve().then(run);
    const tracked = promise.then(() => {}, () => {});
    this.#running.add(tracked);
    tracked.then(() => this.#running.delete(tracked));
    return promise;
  }

  /**
   * Accepts no more work; with `wait` (default), resolves once the work
   * already submitted has settled.
   *
   * @param wait Wait for the submitted work.
   * @returns A promise.
   */
  shutdown(wait = true): Promise<void> {
    this.#shutdown = true;
    return wait ? Promise.all(this.#running).then(() => {}) : Promise.resolve();
  }

  /**
   * `await using executor = ...`: `shutdown(true)` at the end of the scope.
   *
   * @returns A promise settled once the submitted work has settled.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown(true);
  }
}

/** @ignore Throws TypeError unless `value` is an executor. */
export function checkExecutor(value: unknown, name: string): asserts value is Executor {
  if (!isExecutor(value)) {
    throw new TypeError(
      `${name} must be an executor (with submit() and shutdown()): got ${describe(value)}`,
    );
  }
}

/**
 * Submits `work` to `executor` and returns a future of `loop` for the
 * result. Cancelling the future aborts the submission's signal, which
 * drops the work if it has not started.
 *
 * @ignore
 */
export function submitToExecutor<R>(
  loop: AbstractEventLoop,
  executor: Executor,
  work: unknown,
  args: unknown[],
): Future<R> {
  checkWork(work);
  const controller = new AbortController();
  const w = work as Work<WorkFunction>;
  const promise: unknown = typeof executor.submitWithSignal === "function"
    ? executor.submitWithSignal(controller.signal, w, ...args)
    : executor.submit(w, ...args);
  if (!isThenable(promise)) {
    throw new TypeError(`executor.submit() must return a promise: got ${describe(promise)}`);
  }
  const fut = wrapFuture(promise as PromiseLike<R>, loop);
  fut.addDoneCallback((f) => {
    if (f.cancelled()) controller.abort(new CancelledError("runInExecutor() future cancelled"));
  });
  return fut;
}

/**
 * Shuts `executor` down and waits; after `timeout` seconds, warns and
 * shuts it down without waiting.
 *
 * @ignore
 */
export function* shutdownExecutor(
  executor: Executor | null,
  timeout: number | null,
): Coroutine<void> {
  if (executor === null) return;
  try {
    yield* waitFor(executor.shutdown(true), timeout);
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    console.warn(
      `The default executor did not finish its work within ${timeout} seconds: ` +
        "its workers were terminated",
    );
    yield* wrapFuture(executor.shutdown(false));
  }
}
