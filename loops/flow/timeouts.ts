/**
 * `timeout`, `timeoutAt` and `Timeout`: asyncio's `async with timeout(...)`.
 * `waitFor` is built on them, as in asyncio 3.12.
 *
 * @module
 */

import { type Coroutine, getRunningLoop, type Handle } from "../core/events.ts";
import { CancelledError, RuntimeError, TimeoutError } from "../core/exceptions.ts";
import { wrapFuture } from "../core/futures.ts";
import {
  type AwaitableCoroutine,
  awaitableCoroutines,
  currentTask,
  type Task,
} from "../core/tasks.ts";
import {
  checkCallback,
  checkSeconds,
  isCoroutine,
  isInstance,
  isThenable,
} from "../core/checks.ts";
import { abortMessage, checkAbortSignal, whenAborted } from "../core/abort.ts";

const CREATED = 0;
const ENTERED = 1;
const EXPIRING = 2;
const EXPIRED = 3;
const EXITED = 4;
const STATE_NAMES = ["created", "active", "expiring", "expired", "finished"];

/** Options for `timeout()`, `timeoutAt()` and `new Timeout()`. */
export interface TimeoutOptions {
  /**
   * Cancels the body when it aborts, as an outer cancellation would: the
   * scope raises `CancelledError` (with the abort reason), not `TimeoutError`.
   */
  signal?: AbortSignal;
}

/** The body of a `timeout()` scope: a generator function or an async function. */
export type TimeoutBody<T> = (cm: Timeout) => Coroutine<T> | PromiseLike<T>;

/**
 * A timeout scope (asyncio's `Timeout`), handed to the body of `timeout()` /
 * `timeoutAt()`. When the deadline passes, the task running the body is
 * cancelled, and the scope turns that cancellation into `TimeoutError` (its
 * `cause` is the `CancelledError`). A cancellation that comes from elsewhere
 * passes through unchanged.
 *
 * @example Moving the deadline from inside the body
 * ```ts
 * import assert from "node:assert/strict";
 * import { sleep, timeout } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * const result = await loop.runUntilComplete(timeout(1, function* (cm) {
 *   cm.reschedule(loop.time() + 10);
 *   yield* sleep(5);
 *   return cm.expired();
 * }));
 * assert(result === false && loop.time() === 5);
 * loop.close();
 * ```
 */
export class Timeout {
  #when: number | null;
  #state = CREATED;
  #task: Task<unknown> | null = null;
  #cancelling = 0;
  #handle: Handle | null = null;
  #signal: AbortSignal | undefined;
  #unlinkSignal: (() => void) | null = null;
  #aborted = false;
  /** @ignore the TimeoutError message */ _message = "Timeout expired";

  /**
   * Creates a scope with an absolute deadline in the loop's `time()` scale.
   * Prefer `timeout()` / `timeoutAt()`, which also run the body in it.
   *
   * @param when The deadline, or `null` for none.
   * @param options A `signal` that cancels the body when it aborts.
   * @throws {TypeError} If `when` is neither a number nor null, or
   *   `options.signal` is not an AbortSignal.
   * @throws {RangeError} If `when` is NaN.
   */
  constructor(when: number | null, options: TimeoutOptions = {}) {
    if (when !== null) checkSeconds(when, "when", true);
    checkAbortSignal(options.signal);
    this.#when = when;
    this.#signal = options.signal;
  }

  /** The deadline in the loop's time scale, or `null` when there is none. */
  when(): number | null {
    return this.#when;
  }

  /**
   * Moves the deadline (`null` removes it). A deadline already past expires
   * the scope at the next iteration.
   *
   * @param when The new deadline, or `null`.
   * @throws {RuntimeError} If the scope is not active (not entered yet,
   *   expiring, expired or finished).
   * @throws {TypeError} If `when` is neither a number nor null.
   * @throws {RangeError} If `when` is NaN.
   */
  reschedule(when: number | null): void {
    if (this.#state !== ENTERED) {
      if (this.#state === CREATED) throw new RuntimeError("Timeout has not been entered");
      throw new RuntimeError(`Cannot change state of ${STATE_NAMES[this.#state]} Timeout`);
    }
    if (when !== null) checkSeconds(when, "when", true);
    this.#when = when;
    this.#handle?.cancel();
    this.#handle = null;
    if (when === null) return;
    const loop = getRunningLoop();
    this.#handle = when <= loop.time()
      ? loop.callSoon(this.#onTimeout)
      : loop.callAt(when, this.#onTimeout);
  }

  /** Whether the deadline passed (the scope is expiring or expired). */
  expired(): boolean {
    return this.#state === EXPIRING || this.#state === EXPIRED;
  }

  /** A description such as `<Timeout [active] when=5>`. */
  toString(): string {
    const rounded = this.#when === null ? null : Math.round(this.#when * 1000) / 1000;
    const when = this.#state === ENTERED ? ` when=${rounded}` : "";
    return `<Timeout [${STATE_NAMES[this.#state]}]${when}>`;
  }

  #onTimeout = (): void => {
    this.#handle = null;
    this.#state = EXPIRING;
    this.#task!.cancel();
  };

  /** @ignore Runs `body` inside the scope (asyncio's `__aenter__` .. `__aexit__`). */
  *_run<T>(body: () => unknown): Coroutine<T> {
    if (this.#state !== CREATED) throw new RuntimeError("Timeout has already been entered");
    const task = currentTask();
    if (task === null) throw new RuntimeError("Timeout should be used inside a task");
    const signal = this.#signal;
    if (signal?.aborted) throw new CancelledError(abortMessage(signal));
    this.#state = ENTERED;
    this.#task = task;
    this.#cancelling = task.cancelling();
    this.reschedule(this.#when);
    if (signal !== undefined) {
      this.#unlinkSignal = whenAborted(signal, () => {
        if (this.#state !== ENTERED) return;
        this.#aborted = true;
        task.cancel(abortMessage(signal));
      });
    }
    let result: T;
    try {
      result = (yield* awaitInline(body())) as T;
    } catch (e) {
      this.#exit(e, true);
      throw e;
    }
    this.#exit(undefined, false);
    return result;
  }

  // asyncio's __aexit__: an expiry withdraws its own cancel request, and the
  // CancelledError it caused becomes TimeoutError unless more requests came.
  #exit(error: unknown, raised: boolean): void {
    this.#handle?.cancel();
    this.#handle = null;
    this.#unlinkSignal?.();
    this.#unlinkSignal = null;
    // An abort is an outer cancellation: its request is withdrawn, its
    // CancelledError goes on as it is.
    if (this.#aborted) this.#task!.uncancel();
    if (this.#state !== EXPIRING) {
      this.#state = EXITED;
      return;
    }
    this.#state = EXPIRED;
    if (this.#task!.uncancel() <= this.#cancelling && raised && isInstance(error, CancelledError)) {
      throw new TimeoutError(this._message, { cause: error });
    }
  }
}

// Awaits what a body returned, in the caller's task: a coroutine is driven
// inline (not wrapped in a task), a future or promise is awaited.
function* awaitInline(value: unknown): Coroutine<unknown> {
  if (isCoroutine(value)) return yield* value;
  if (isThenable(value)) return yield* wrapFuture(value);
  return value;
}

/**
 * Runs `body(cm)` with a time limit of `delay` seconds: asyncio's
 * `async with asyncio.timeout(delay) as cm:`. When the time runs out, the
 * body is cancelled (a `CancelledError` at its current `yield*`) and
 * `timeout` raises `TimeoutError`. `null` sets no limit (`cm.reschedule()`
 * can set one later). A generator body runs inline in the calling task; an
 * async function body is awaited, and cancelling cannot interrupt its own
 * work (as for any promise).
 *
 * @typeParam T The body's result type.
 * @param delay Seconds (a delay ≤ 0 expires at the next iteration), or null.
 * @param body `function* (cm) { ... }` or `async (cm) => { ... }`.
 * @param options A `signal` that cancels the body (CancelledError, not TimeoutError).
 * @returns A coroutine of the body's result (awaitable from async functions).
 * @throws {TimeoutError} When the time runs out (its `cause` is the `CancelledError`).
 * @throws {TypeError} If `delay` is neither a number nor null, or `body` is
 *   not a function (when driven).
 * @throws {RangeError} If `delay` is NaN (when driven).
 * @throws {RuntimeError} Outside a task.
 *
 * @example Giving up on slow work
 * ```ts
 * import assert from "node:assert/strict";
 * import { sleep, timeout, TimeoutError } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * const outcome = await loop.runUntilComplete(function* () {
 *   try {
 *     yield* timeout(2, function* () {
 *       yield* sleep(60);
 *     });
 *     return "finished";
 *   } catch (e) {
 *     return e instanceof TimeoutError ? `timed out at ${loop.time()}` : "other";
 *   }
 * }());
 * assert(outcome === "timed out at 2");
 * loop.close();
 * ```
 */
export function timeout<T>(
  delay: number | null,
  body: TimeoutBody<T>,
  options?: TimeoutOptions,
): AwaitableCoroutine<T>;
export function* timeout<T>(
  delay: number | null,
  body: TimeoutBody<T>,
  options?: TimeoutOptions,
): Coroutine<T> {
  if (delay !== null) checkSeconds(delay, "delay", true);
  checkCallback(body, "body");
  const when = delay === null ? null : getRunningLoop().time() + delay;
  const cm = new Timeout(when, options);
  return yield* cm._run<T>(() => body(cm));
}

/**
 * Like `timeout()`, with an absolute deadline in the loop's `time()` scale:
 * asyncio's `async with asyncio.timeout_at(when) as cm:`.
 *
 * @typeParam T The body's result type.
 * @param when The deadline, or null for none.
 * @param body `function* (cm) { ... }` or `async (cm) => { ... }`.
 * @param options A `signal` that cancels the body (CancelledError, not TimeoutError).
 * @returns A coroutine of the body's result (awaitable from async functions).
 * @throws {TimeoutError} When the deadline passes.
 * @throws {TypeError} If `when` is neither a number nor null, or `body` is
 *   not a function (when driven).
 * @throws {RangeError} If `when` is NaN (when driven).
 * @throws {RuntimeError} Outside a task.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sleep, timeoutAt } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * const v = await loop.runUntilComplete(timeoutAt(loop.time() + 10, function* (cm) {
 *   yield* sleep(1);
 *   return cm.when();
 * }));
 * assert(v === 10);
 * loop.close();
 * ```
 */
export function timeoutAt<T>(
  when: number | null,
  body: TimeoutBody<T>,
  options?: TimeoutOptions,
): AwaitableCoroutine<T>;
export function* timeoutAt<T>(
  when: number | null,
  body: TimeoutBody<T>,
  options?: TimeoutOptions,
): Coroutine<T> {
  checkCallback(body, "body");
  const cm = new Timeout(when, options);
  return yield* cm._run<T>(() => body(cm));
}

awaitableCoroutines(timeout, timeoutAt);
