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

// Types owned by other entries that the signatures of this entry name,
// re-exported as types so that this entry's documentation stands alone
// (`deno doc --lint` of each entry). docs/names.md lists them under
// "Re-exported types" of this entry and each under the entry that owns it.
export type { RuntimeError } from "../core/exceptions.ts";
