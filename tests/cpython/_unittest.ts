// What the CPython ports take from unittest: IsolatedAsyncioTestCase's way of
// running a test coroutine, and assertRaises/assertRaisesRegex.

import assert, { AssertionError } from "node:assert/strict";
import type { Coroutine } from "../../mod.ts";
import { TestLoop } from "../../loops/testing/mod.ts";
import { withLoop } from "../_helpers.ts";

/**
 * IsolatedAsyncioTestCase: the test coroutine runs as a task on a fresh loop
 * in debug mode (a `TestLoop`: virtual time), watched and closed by `withLoop`.
 */
export async function asyncTest(body: (loop: TestLoop) => Coroutine<void>): Promise<void> {
  await withLoop(() => new TestLoop({ debug: true }), async (loop) => {
    await loop.runUntilComplete(body(loop));
  });
}

/** `with self.assertRaises(cls): <body that awaits>`; returns the exception. */
export function* assertRaises<E>(
  // deno-lint-ignore no-explicit-any
  cls: abstract new (...args: any[]) => E,
  body: Iterable<unknown, unknown>,
): Coroutine<E> {
  try {
    yield* body;
  } catch (e) {
    if (!(e instanceof cls)) throw e;
    return e;
  }
  throw new AssertionError({ message: `${cls.name} not raised` });
}

/** `with self.assertRaisesRegex(cls, regex): <plain call>`. */
export function assertRaisesRegex(
  // deno-lint-ignore no-explicit-any
  cls: abstract new (...args: any[]) => Error,
  regex: RegExp,
  fn: () => unknown,
): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `${cls.name} not raised: ${e}`);
    assert.match(e.message, regex);
    return true;
  });
}
