/**
 * The loop conformance suite: the behaviour every event loop built on
 * `BaseEventLoop` must share (scheduling, running and stopping, the
 * exception handler, cancellation, the combinators, debug mode, bad input),
 * registered as Deno tests. The project runs it against `BaseEventLoop`,
 * `TestLoop`, `SelectorEventLoop` with each selector, and
 * `ProactorEventLoop`; run it against your own loop class the same way.
 *
 * @module
 */

import type { BaseEventLoop } from "../core/base_event_loop.ts";
import { describe } from "../core/checks.ts";
import type { ConformanceTest } from "./conformance/_test.ts";
import { defineSchedulingCases } from "./conformance/scheduling.ts";
import { defineRunningCases } from "./conformance/running.ts";
import { defineErrorCases } from "./conformance/errors.ts";
import { defineCancellationCases } from "./conformance/cancellation.ts";
import { defineCombinatorCases } from "./conformance/combinators.ts";
import { defineDebugCases } from "./conformance/debug.ts";
import { defineBadInputCases } from "./conformance/bad_input.ts";

export type { ConformanceTest } from "./conformance/_test.ts";

/**
 * Creates a fresh, unstarted loop for one conformance case.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type LoopFactory, TestLoop } from "@asyncio/deno/testing";
 * const createLoop: LoopFactory = () => new TestLoop();
 * const loop = createLoop();
 * assert(!loop.isRunning());
 * loop.close();
 * ```
 */
export type LoopFactory = () => BaseEventLoop;

/**
 * Options of {@linkcode defineLoopConformance}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LoopConformanceOptions } from "@asyncio/deno/testing";
 * const options: LoopConformanceOptions = { test: Deno.test };
 * assert(typeof options.test === "function");
 * ```
 */
export interface LoopConformanceOptions {
  /** How each case is registered (default: `Deno.test`). */
  test?: ConformanceTest;
}

/**
 * Registers the conformance cases for one loop class as Deno tests. Test
 * names are flat (`${name}: <behaviour>`), variants are `t.step`s. Each case
 * creates its loop with `createLoop`, fails if the loop's exception handler
 * was called unexpectedly, and closes the loop at the end. Real-time delays
 * stay tiny (0.001–0.02 s) and nothing asserts on elapsed real time, so a
 * real-clock loop runs the suite in seconds. Some cases look at
 * `BaseEventLoop`'s ready queue and timer heap, so the loop must be a
 * `BaseEventLoop` (any I/O services).
 *
 * @param name The loop's name in the test names (e.g. `"MyLoop"`).
 * @param createLoop Creates a fresh loop; each case closes its own.
 * @param options `test`: how cases are registered (default `Deno.test`).
 * @throws {TypeError} If `name` is not a string, `createLoop` not a function,
 *   or `options.test` not a function.
 *
 * @example Run the suite against a loop class (in a test file)
 * ```ts
 * import assert from "node:assert/strict";
 * import { defineLoopConformance, TestLoop } from "@asyncio/deno/testing";
 * // In a test file: defineLoopConformance("TestLoop", () => new TestLoop());
 * // Here the cases are only collected, to show what is registered.
 * const names: string[] = [];
 * defineLoopConformance("TestLoop", () => new TestLoop(), {
 *   test: (name) => void names.push(name),
 * });
 * assert(names.length > 40);
 * assert(names.every((n) => n.startsWith("TestLoop: ")));
 * ```
 */
export function defineLoopConformance(
  name: string,
  createLoop: LoopFactory,
  options: LoopConformanceOptions = {},
): void {
  if (typeof name !== "string") {
    throw new TypeError(`name must be a string: got ${describe(name)}`);
  }
  if (typeof createLoop !== "function") {
    throw new TypeError(`createLoop must be a function: got ${describe(createLoop)}`);
  }
  if (options === null || typeof options !== "object") {
    throw new TypeError(`options must be an object: got ${describe(options)}`);
  }
  if (options.test !== undefined && typeof options.test !== "function") {
    throw new TypeError(`options.test must be a function: got ${describe(options.test)}`);
  }
  const test: ConformanceTest = options.test ?? ((n, fn) => Deno.test(n, fn));
  defineSchedulingCases(name, createLoop, test);
  defineRunningCases(name, createLoop, test);
  defineErrorCases(name, createLoop, test);
  defineCancellationCases(name, createLoop, test);
  defineCombinatorCases(name, createLoop, test);
  defineDebugCases(name, createLoop, test);
  defineBadInputCases(name, createLoop, test);
}
