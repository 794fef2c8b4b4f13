/**
 * `wait` and `waitFor`.
 *
 * @module
 */

import { type Awaitable, type Coroutine, getRunningLoop } from "../core/events.ts";
import { CancelledError, TimeoutError } from "../core/exceptions.ts";
import { abortMessage, checkAbortSignal } from "../core/abort.ts";
import { Future } from "../core/futures.ts";
import {
  type AwaitableCoroutine,
  awaitableCoroutines,
  awaitInTask,
  ensureFuture,
} from "../core/tasks.ts";
import { Timeout, type TimeoutOptions } from "./timeouts.ts";
import { checkSeconds, describe, isCoroutine, isThenable } from "../core/checks.ts";
import type { BaseEventLoop } from "../core/base_event_loop.ts";

/**
 * `wait()` returns when any future finishes or is cancelled.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTask, FIRST_COMPLETED, run, sleep, wait } from "@asyncio/deno";
 * const n = await run(function* () {
 *   const slow = createTask(sleep(10));
 *   const [done] = yield* wait([createTask(sleep(0.01)), slow], { returnWhen: FIRST_COMPLETED });
 *   slow.cancel();
 *   return done.size;
 * }());
 * assert(n === 1);
 * ```
 */
export const FIRST_COMPLETED = "FIRST_COMPLETED";
/**
 * `wait()` returns when any future finishes with an exception (or all are done).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTask, FIRST_EXCEPTION, run, sleep, wait } from "@asyncio/deno";
 * const n = await run(function* () {
 *   const fail = createTask(Promise.reject(new Error("x")));
 *   const slow = createTask(sleep(10));
 *   const [done] = yield* wait([fail, slow], { returnWhen: FIRST_EXCEPTION });
 *   slow.cancel();
 *   fail.exception();
 *   return done.size;
 * }());
 * assert(n === 1);
 * ```
 */
export const FIRST_EXCEPTION = "FIRST_EXCEPTION";
/**
 * `wait()` returns when all futures are done.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ALL_COMPLETED, createTask, run, sleep, wait } from "@asyncio/deno";
 * const [done, pending] = await run(function* () {
 *   const [d, p] = yield* wait([createTask(sleep(0.01))], { returnWhen: ALL_COMPLETED });
 *   return [d.size, p.size];
 * }());
 * assert(done === 1 && pending === 0);
 * ```
 */
export const ALL_COMPLETED = "ALL_COMPLETED";

/** When `wait()` returns. */
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

/** Options for `wait()`. */
export interface WaitOptions {
  /** Seconds before returning anyway (default: no limit). */
  timeout?: number | null;
  /** When to return (default `ALL_COMPLETED`). */
  returnWhen?: ReturnWhen;
}

function releaseWaiter(waiter: Future<unknown>): void {
  if (!waiter.done()) waiter.setResult(undefined);
}

/**
 * Waits for futures (or tasks, or promises) until `returnWhen` holds or
 * `timeout` seconds pass, and returns `[done, pending]`. Nothing is
 * cancelled on timeout.
 *
 * @param fs The futures; coroutines are refused, as in asyncio 3.11+ (wrap
 *   them with `createTask` first).
 * @param options `timeout` and `returnWhen`.
 * @returns The sets of done and pending futures.
 * @throws {TypeError} If `fs` is a future, a coroutine or a promise instead of
 *   an iterable of them, or holds a coroutine or a non-awaitable.
 * @throws {RangeError} If `fs` is empty, or `returnWhen`/`timeout` is invalid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTask, FIRST_COMPLETED, run, sleep, wait } from "@asyncio/deno";
 * const [doneCount, pendingCount] = await run(function* () {
 *   const a = createTask(sleep(0.01, "a"));
 *   const b = createTask(sleep(10, "b"));
 *   const [done, pending] = yield* wait([a, b], { returnWhen: FIRST_COMPLETED });
 *   b.cancel();
 *   return [done.size, pending.size];
 * }());
 * assert(doneCount === 1 && pendingCount === 1);
 * ```
 */
export function wait<T>(
  fs: Iterable<Future<T> | PromiseLike<T>>,
  options?: WaitOptions,
): AwaitableCoroutine<[Set<Future<T>>, Set<Future<T>>]>;
export function* wait<T>(
  fs: Iterable<Future<T> | PromiseLike<T>>,
  options: WaitOptions = {},
): Coroutine<[Set<Future<T>>, Set<Future<T>>]> {
  const { timeout = null, returnWhen = ALL_COMPLETED } = options;
  if (
    returnWhen !== FIRST_COMPLETED && returnWhen !== FIRST_EXCEPTION && returnWhen !== ALL_COMPLETED
  ) {
    throw new RangeError(
      `options.returnWhen must be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED: got ${
        describe(returnWhen)
      }`,
    );
  }
  if (timeout !== null) checkSeconds(timeout, "options.timeout", true);
  // A future or a coroutine is iterable here, but not a list of futures:
  // refused before anything runs, as in asyncio.
  if (fs instanceof Future || isCoroutine(fs) || isThenable(fs)) {
    throw new TypeError(`fs must be an iterable of futures: got ${describe(fs)}`);
  }
  const loop = getRunningLoop() as BaseEventLoop;
  const futures = new Set<Future<T>>();
  for (const f of fs) {
    if (isCoroutine(f)) {
      throw new TypeError("Passing coroutines to wait() is forbidden: wrap them with createTask()");
    }
    futures.add(ensureFuture(f, loop));
  }
  if (futures.size === 0) throw new RangeError("fs must not be empty: the set of futures is empty");
  let counter = futures.size;
  const waiter = loop.createFuture<void>();
  const timer = timeout === null
    ? null
    : loop.callLater(Math.max(timeout, 0), releaseWaiter, waiter);
  const onDone = (f: Future<T>) => {
    counter--;
    if (
      counter <= 0 || returnWhen === FIRST_COMPLETED ||
      (returnWhen === FIRST_EXCEPTION && !f.cancelled() && f.exception() !== null)
    ) {
      timer?.cancel();
      releaseWaiter(waiter);
    }
  };
  for (const f of futures) f.addDoneCallback(onDone);
  try {
    yield* waiter;
  } finally {
    timer?.cancel();
    for (const f of futures) f.removeDoneCallback(onDone);
  }
  const done = new Set<Future<T>>();
  const pending = new Set<Future<T>>();
  for (const f of futures) (f.done() ? done : pending).add(f);
  return [done, pending];
}

// Cancels `fut` and waits until it is really done (its coroutine may run
// cleanup code first, or even refuse the cancellation).
function* cancelAndWait(fut: Future<unknown>, loop: BaseEventLoop): Coroutine<void> {
  const waiter = loop.createFuture<void>();
  const cb = () => releaseWaiter(waiter);
  fut.addDoneCallback(cb);
  try {
    fut.cancel();
    yield* waiter;
  } finally {
    fut.removeDoneCallback(cb);
  }
}

/**
 * Awaits `awaitable` with a time limit, as asyncio 3.12's `wait_for`: a
 * coroutine runs inline in the calling task (a future or promise is
 * awaited) inside a `timeout()` scope. On timeout it is cancelled and
 * `TimeoutError` is raised (its `cause` is the `CancelledError`); if the
 * caller is cancelled, so is what it awaits, and the caller gets the
 * `CancelledError` even when the awaitable completed in the same iteration.
 * `timeout: null` waits forever; `timeout <= 0` times out unless the
 * awaitable is already done.
 *
 * @typeParam T The result type.
 * @param awaitable A future, a coroutine or a promise.
 * @param timeout Seconds, or null.
 * @param options A `signal` that cancels the wait (and what it awaits) when it aborts.
 * @returns A coroutine of the result.
 * @throws {TimeoutError} When the time runs out.
 * @throws {CancelledError} If `options.signal` aborts.
 * @throws {RangeError} If `timeout` is NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { run, sleep, TimeoutError, waitFor } from "@asyncio/deno";
 * const outcome = await run(function* () {
 *   try {
 *     yield* waitFor(sleep(10), 0.01);
 *     return "finished";
 *   } catch (e) {
 *     return e instanceof TimeoutError ? "timed out" : "other";
 *   }
 * }());
 * assert(outcome === "timed out");
 * ```
 */
export function waitFor<T>(
  awaitable: Awaitable<T>,
  timeout: number | null,
  options?: TimeoutOptions,
): AwaitableCoroutine<T>;
export function* waitFor<T>(
  awaitable: Awaitable<T>,
  timeout: number | null,
  options: TimeoutOptions = {},
): Coroutine<T> {
  if (timeout !== null) checkSeconds(timeout, "timeout", true);
  const loop = getRunningLoop() as BaseEventLoop;
  checkAbortSignal(options.signal);
  if (options.signal?.aborted) throw new CancelledError(abortMessage(options.signal));
  if (timeout !== null && timeout <= 0) {
    // No time at all: done already, or cancelled and waited for.
    const fut = ensureFuture(awaitable, loop);
    if (fut.done()) return fut.result();
    yield* cancelAndWait(fut, loop);
    if (!fut.cancelled()) return fut.result();
    throw new TimeoutError("waitFor() timed out", { cause: fut._makeCancelledError() });
  }
  const cm = new Timeout(timeout === null ? null : loop.time() + timeout, options);
  cm._message = "waitFor() timed out";
  return yield* cm._run<T>(() => awaitInTask(awaitable));
}

awaitableCoroutines(wait, waitFor);
