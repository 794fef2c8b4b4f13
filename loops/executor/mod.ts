/**
 * Executors for `loop.runInExecutor()` and `toThread()`: a pool of Web
 * Workers (asyncio's `ProcessPoolExecutor`: work runs in another realm, so
 * it is given as a self-contained function or as a module export with
 * `moduleTask(url, name)`), an inline executor, and what an executor must
 * have.
 *
 * @example CPU work on a Worker pool
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run, wrapFuture } from "@asyncio/deno";
 * import { WorkerPoolExecutor } from "@asyncio/deno/executor";
 *
 * const total = await run(function* () {
 *   const pool = new WorkerPoolExecutor({ maxWorkers: 2 });
 *   try {
 *     const sum = (n: number) => {
 *       let s = 0;
 *       for (let i = 1; i <= n; i++) s += i;
 *       return s;
 *     };
 *     return yield* getRunningLoop().runInExecutor(pool, sum, 1000);
 *   } finally {
 *     yield* wrapFuture(pool.shutdown());
 *   }
 * }());
 * assert.equal(total, 500500);
 * ```
 *
 * @module
 */

export { BrokenExecutor } from "../core/exceptions.ts";
export {
  type Executor,
  InlineExecutor,
  isExecutor,
  type ModuleTask,
  moduleTask,
  type ShutdownOptions,
  type Work,
  type WorkFunction,
  type WorkResult,
} from "./executor.ts";
export { WorkerPoolExecutor, type WorkerPoolExecutorOptions } from "./worker_pool_executor.ts";
