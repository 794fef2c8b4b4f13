/**
 * `toThread`: asyncio's `to_thread`, a function run off the loop's thread.
 *
 * @module
 */

import { type Coroutine, getRunningLoop } from "../core/events.ts";
import type { Work, WorkFunction, WorkResult } from "../core/io_types.ts";
import { type AwaitableCoroutine, awaitableCoroutines } from "../core/tasks.ts";

/**
 * Runs `work(...args)` on the running loop's default executor and returns
 * its result: asyncio's `to_thread`, which is `run_in_executor(None, ...)`
 * on the running loop. The default executor is a pool of Web Workers (Deno
 * has no threads that share memory with the loop): `work` runs in another
 * realm, so it must be self-contained (it is sent as its source) or a module
 * export named with `moduleTask(url, name)`, and its arguments and result
 * must be structured-clonable. asyncio also copies the caller's contextvars
 * into the thread; there are no contextvars here.
 *
 * A coroutine function, lazy as in asyncio: calling it runs nothing and
 * looks up no loop; it starts when driven (`yield*` in a coroutine, `await`
 * in an async function while a loop runs, `createTask(x)`, `run(x)`).
 *
 * @typeParam F The function's type.
 * @param work A self-contained function, or a module task.
 * @param args Its arguments.
 * @returns A coroutine of the result.
 * @throws {RuntimeError} (when driven) If no loop is running, or the loop's
 *   default executor was shut down.
 * @throws {TypeError} (when driven) If `work` cannot be sent to a Worker (a
 *   generator function, a native, bound or class method, ...).
 *
 * @example CPU work off the loop
 * ```ts
 * import assert from "node:assert/strict";
 * import { run, toThread } from "@asyncio/deno";
 *
 * function fib(n: number): number {
 *   return n < 2 ? n : fib(n - 1) + fib(n - 2);
 * }
 * const result = await run(function* () {
 *   return yield* toThread(fib, 20);
 * }());
 * assert.equal(result, 6765);
 * ```
 */
export function toThread<F extends WorkFunction>(
  work: Work<F>,
  ...args: Parameters<F>
): AwaitableCoroutine<WorkResult<F>>;
export function* toThread<F extends WorkFunction>(
  work: Work<F>,
  ...args: Parameters<F>
): Coroutine<WorkResult<F>> {
  return yield* getRunningLoop().runInExecutor(null, work, ...args);
}

// The generic signature is not assignable to the helper's parameter type.
awaitableCoroutines(toThread as unknown as (...args: never[]) => Coroutine<unknown>);
