// Test utilities shared by the suites. The loop helpers (an exception-
// handler watcher that fails a test when a loop reported an error nobody
// expected, a wrapper that creates, watches and always closes a loop,
// console capture, ...) live beside the loop conformance suite, which a
// user of "@asyncio/deno/testing" runs too; this file re-exports them and
// adds what only this project's tests use. Only Deno and node:assert are used.

import { AssertionError } from "node:assert/strict";

export {
  bad,
  busyWait,
  captureConsole,
  type Captured,
  collectGarbageUntil,
  describeContext,
  type ExceptionWatcher,
  hostTick,
  watchExceptions,
  withLoop,
} from "../loops/testing/conformance/_support.ts";

/** Asserts that `fn` throws synchronously and returns the error. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new AssertionError({ message: "Expected the function to throw synchronously" });
}
