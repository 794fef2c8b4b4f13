// The loop conformance suite: the behaviour every event loop class must
// share, registered as Deno tests by `defineLoopConformance(name, createLoop)`.
// tests/loops/conformance_test.ts runs it against BaseEventLoop (real clock)
// and TestLoop (virtual time); the I/O loops run it from their own tests.
//
// Rules for the cases: real-time delays stay tiny (0.001–0.02 s) so the
// real-clock loops run them quickly; nothing asserts on elapsed real time;
// every loop is created through `withLoop`, which fails the test on an
// unexpected exception-handler report and always closes the loop.

import type { BaseEventLoop } from "../mod.ts";
import { defineSchedulingCases } from "./_conformance/scheduling.ts";
import { defineRunningCases } from "./_conformance/running.ts";
import { defineErrorCases } from "./_conformance/errors.ts";
import { defineCancellationCases } from "./_conformance/cancellation.ts";
import { defineCombinatorCases } from "./_conformance/combinators.ts";
import { defineDebugCases } from "./_conformance/debug.ts";
import { defineBadInputCases } from "./_conformance/bad_input.ts";

/** Creates a fresh, unstarted loop for one test case. */
export type LoopFactory = () => BaseEventLoop;

/**
 * Registers the conformance cases for one loop class. Test names are flat:
 * `${name}: <behaviour>`; variants are `t.step`s.
 *
 * @param name The loop's name in test names (e.g. "BaseEventLoop").
 * @param createLoop Creates a fresh loop; each case closes its own.
 */
export function defineLoopConformance(name: string, createLoop: LoopFactory): void {
  defineSchedulingCases(name, createLoop);
  defineRunningCases(name, createLoop);
  defineErrorCases(name, createLoop);
  defineCancellationCases(name, createLoop);
  defineCombinatorCases(name, createLoop);
  defineDebugCases(name, createLoop);
  defineBadInputCases(name, createLoop);
}
