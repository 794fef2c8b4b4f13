/**
 * `shield`.
 *
 * @module
 */

import type { Awaitable } from "../core/events.ts";
import { Future } from "../core/futures.ts";
import { ensureFuture } from "../core/tasks.ts";

// Shielded inner futures stay referenced until done, even when nobody holds
// the outer one any more.
const shielded = new Set<Future<unknown>>();

function forget(inner: Future<unknown>): void {
  shielded.delete(inner);
}

/**
 * Protects an awaitable from cancellation: cancelling the returned future
 * (or the task awaiting it) does not cancel the inner work, which goes on.
 *
 * @typeParam T The result type.
 * @param awaitable A future, a coroutine or a promise.
 * @returns A future that mirrors the inner one unless it is cancelled itself.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { run, shield, sleep } from "@asyncio/deno";
 * const innerResult = await run(function* () {
 *   const inner = shield(sleep(0.01, "kept"));
 *   inner.cancel();
 *   return inner.cancelled();
 * }());
 * assert(innerResult === true);
 * ```
 */
export function shield<T>(awaitable: Awaitable<T>): Future<T> {
  const inner = ensureFuture(awaitable);
  if (inner.done()) return inner;
  const outer = new Future<T>({ loop: inner.getLoop() });
  shielded.add(inner);
  const onInnerDone = (f: Future<T>) => {
    if (outer.cancelled()) {
      if (!f.cancelled()) f.exception(); // mark it retrieved
      return;
    }
    if (f.cancelled()) outer.cancel();
    else {
      const exc = f.exception();
      if (exc !== null) outer.setException(exc);
      else outer.setResult(f.result());
    }
  };
  // Once the outer future is done (cancelled), the inner one is on its own:
  // an exception it ends with later is not silently marked retrieved here,
  // so it is reported like any other unretrieved exception.
  const onOuterDone = () => {
    if (!inner.done()) inner.removeDoneCallback(onInnerDone);
  };
  inner.addDoneCallback(forget);
  inner.addDoneCallback(onInnerDone);
  outer.addDoneCallback(onOuterDone);
  return outer;
}
