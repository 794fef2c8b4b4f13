/**
 * `sleep`.
 *
 * @module
 */

import { getRunningLoop } from "../core/events.ts";
import { CancelledError } from "../core/exceptions.ts";
import type { Coroutine } from "../core/events.ts";
import type { BaseEventLoop } from "../core/base_event_loop.ts";
import { checkSeconds, markCoroutineFunction } from "../core/checks.ts";
import { abortMessage, checkAbortSignal, whenAborted } from "../core/abort.ts";
import { type AwaitableCoroutine, awaitableCoroutines, ensureFuture } from "../core/tasks.ts";

function wakeSleeper(fut: import("../core/futures.ts").Future<unknown>, result: unknown): void {
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
 * import { sleep } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * const v = await loop.runUntilComplete(sleep(60, "later"));
 * assert(v === "later" && loop.time() === 60);
 * loop.close();
 * ```
 *
 * @example Cut short by an AbortSignal
 * ```ts
 * import assert from "node:assert/strict";
 * import { CancelledError, sleep } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
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
): AwaitableCoroutine<T> {
  // The task switch (the hot path): one small object, no generator.
  if (delay === 0 && options === undefined) {
    return new SleepZero(result as T) as unknown as AwaitableCoroutine<T>;
  }
  return sleepFor(delay, result as T, options);
}

const YIELDED: IteratorResult<unknown, never> = Object.freeze({ value: undefined, done: false });
const DONE_UNDEFINED: IteratorResult<never, undefined> = Object.freeze({
  value: undefined,
  done: true,
});

/**
 * `sleep(0)` as a hand-written coroutine object: it yields once (the task
 * gives way for one iteration), then returns its result. Behaves as the
 * generator it replaces (next/throw/return, awaitable), without allocating
 * one: a task spinning on `yield* sleep(0)` makes far less garbage.
 */
class SleepZero<T> extends Iterator<unknown, T, unknown> implements PromiseLike<T> {
  #state = 0; // 0: not started, 1: suspended at its yield, 2: done
  #result: T;

  constructor(result: T) {
    super();
    this.#result = result;
  }

  next(): IteratorResult<unknown, T> {
    if (this.#state === 0) {
      this.#state = 1;
      return YIELDED;
    }
    this.#state = 2;
    const result = this.#result;
    this.#result = undefined as T;
    return result === undefined ? DONE_UNDEFINED as IteratorResult<unknown, T> : {
      value: result,
      done: true,
    };
  }

  override throw(e: unknown): IteratorResult<unknown, T> {
    this.#state = 2;
    throw e;
  }

  override return(value: T): IteratorResult<unknown, T> {
    this.#state = 2;
    return { value, done: true };
  }

  /** Awaiting it from an async function runs it as a task on the running loop. */
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): PromiseLike<R1 | R2> {
    return ensureFuture<T>(this, getRunningLoop()).then(onfulfilled, onrejected);
  }

  override get [Symbol.toStringTag](): string {
    return "Generator";
  }
}

function sleepFor<T>(delay: number, result: T, options?: SleepOptions): AwaitableCoroutine<T>;
function* sleepFor<T>(delay: number, result: T, options?: SleepOptions): Coroutine<T> {
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

awaitableCoroutines(sleepFor);
markCoroutineFunction(sleep);
