/**
 * `sleep`.
 *
 * @module
 */

import { getRunningLoop } from "./events.ts";
import type { Coroutine } from "./events.ts";
import type { BaseEventLoop } from "./base_event_loop.ts";
import { checkSeconds } from "./_validate.ts";
import { type AwaitableCoroutine, awaitableCoroutines } from "./tasks.ts";

function wakeSleeper(fut: import("./futures.ts").Future<unknown>, result: unknown): void {
  if (!fut.done()) fut.setResult(result);
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
 * @returns A coroutine (awaitable too).
 * @throws {TypeError} If `delay` is not a number (when awaited).
 * @throws {RangeError} If `delay` is NaN (when awaited).
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
 */
export function sleep<T = undefined>(delay: number, result?: T): AwaitableCoroutine<T>;
export function* sleep<T = undefined>(delay: number, result?: T): Coroutine<T> {
  if (delay === 0) {
    // The task switch: give way for one iteration, no timer (the hot path).
    yield;
    return result as T;
  }
  checkSeconds(delay, "delay", true);
  if (delay < 0) {
    yield; // as asyncio: a negative delay is sleep(0)
    return result as T;
  }
  const loop = getRunningLoop() as BaseEventLoop;
  const fut = loop.createFuture<T>();
  const h = loop.callLater(delay, wakeSleeper, fut, result);
  try {
    return yield* fut;
  } finally {
    h.cancel();
  }
}

awaitableCoroutines(sleep);
