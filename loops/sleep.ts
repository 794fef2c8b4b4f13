/**
 * `sleep`.
 *
 * @module
 */

import { getRunningLoop } from "./events.ts";
import { CancelledError } from "./exceptions.ts";
import type { Coroutine } from "./events.ts";
import type { BaseEventLoop } from "./base_event_loop.ts";
import { checkSeconds } from "./_validate.ts";
import { abortMessage, checkAbortSignal, whenAborted } from "./_abort.ts";
import { type AwaitableCoroutine, awaitableCoroutines } from "./tasks.ts";

function wakeSleeper(fut: import("./futures.ts").Future<unknown>, result: unknown): void {
  if (!fut.done()) fut.setResult(result);
}

/** Options for `sleep()`. */
export interface SleepOptions {
  /** Ends the sleep with `CancelledError` when it aborts (the reason is the message). */
  signal?: AbortSignal;
}

/**
 * A coroutine that completes after `delay` seconds with `result`.
 * `yield* sleep(0)` gives way to the other ready callbacks for exactly one
 * iteration, without a timer. Like asyncio's, it does nothing until awaited:
 * `yield* sleep(1)` in a generator coroutine, `await sleep(1)` in an async
 * function (which runs it as a task on the running loop).
 *
 * @typeParam T The result type.
 * @param delay Seconds (a negative delay is the same as 0).
 * @param result The value to return.
 * @param options A `signal` that cuts the sleep short with `CancelledError`.
 * @returns A coroutine (awaitable too).
 * @throws {TypeError} If `delay` is not a number or `options.signal` not an
 *   AbortSignal (when awaited).
 * @throws {RangeError} If `delay` is NaN (when awaited).
 * @throws {CancelledError} If `options.signal` aborts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sleep, TestLoop } from "@asyncio/deno";
 * const loop = new TestLoop();
 * const v = await loop.runUntilComplete(sleep(60, "later"));
 * assert(v === "later" && loop.time() === 60);
 * loop.close();
 * ```
 *
 * @example Cut short by an AbortSignal
 * ```ts
 * import assert from "node:assert/strict";
 * import { CancelledError, sleep, TestLoop } from "@asyncio/deno";
 * const loop = new TestLoop();
 * const controller = new AbortController();
 * loop.callLater(5, () => controller.abort("stop"));
 * const e = await loop.runUntilComplete(sleep(60, null, { signal: controller.signal }))
 *   .catch((e) => e);
 * assert(e instanceof CancelledError && e.message === "stop" && loop.time() === 5);
 * loop.close();
 * ```
 */
export function sleep<T = undefined>(
  delay: number,
  result?: T,
  options?: SleepOptions,
): AwaitableCoroutine<T>;
export function* sleep<T = undefined>(
  delay: number,
  result?: T,
  options?: SleepOptions,
): Coroutine<T> {
  if (delay === 0 && options === undefined) {
    // The task switch: give way for one iteration, no timer (the hot path).
    yield;
    return result as T;
  }
  checkSeconds(delay, "delay", true);
  const signal = options?.signal;
  checkAbortSignal(signal);
  if (signal?.aborted) throw new CancelledError(abortMessage(signal));
  if (delay <= 0) {
    yield; // as asyncio: a negative delay is sleep(0)
    if (signal?.aborted) throw new CancelledError(abortMessage(signal));
    return result as T;
  }
  const loop = getRunningLoop() as BaseEventLoop;
  const fut = loop.createFuture<T>();
  const h = loop.callLater(delay, wakeSleeper, fut, result);
  const unlink = signal === undefined ? null : whenAborted(signal, () => {
    fut.cancel(abortMessage(signal));
  });
  try {
    return yield* fut;
  } finally {
    h.cancel();
    unlink?.();
  }
}

awaitableCoroutines(sleep);
