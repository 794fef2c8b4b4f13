/**
 * Testing with loops: `TestLoop`, an event loop on virtual time (timers
 * fire without waiting: when nothing is ready the clock jumps to the next
 * deadline), its `VirtualClock`, and the loop conformance suite
 * (`defineLoopConformance`) that registers the behaviour every loop built
 * on `BaseEventLoop` must share as Deno tests, for another loop
 * implementation.
 *
 * @example An hour of timers in no time
 * ```ts
 * import assert from "node:assert/strict";
 * import { run, sleep, waitFor, TimeoutError } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 *
 * const outcome = await run(function* () {
 *   try {
 *     yield* waitFor(sleep(3600), 60);
 *     return "finished";
 *   } catch (e) {
 *     if (e instanceof TimeoutError) return "timed out after 60 virtual seconds";
 *     throw e;
 *   }
 * }(), { loopFactory: () => new TestLoop() });
 * assert.equal(outcome, "timed out after 60 virtual seconds");
 * ```
 *
 * @module
 */

export { realClock } from "../core/events.ts";
export { TestLoop, type TestLoopOptions, VirtualClock } from "./test_loop.ts";
export {
  type ConformanceTest,
  defineLoopConformance,
  type LoopConformanceOptions,
  type LoopFactory,
} from "./conformance.ts";
