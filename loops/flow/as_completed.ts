/**
 * `asCompleted`: asyncio 3.13's `as_completed`.
 *
 * @module
 */

import {
  _getEventLoop,
  type AbstractEventLoop,
  type Awaitable,
  type Coroutine,
} from "../core/events.ts";
import { TimeoutError } from "../core/exceptions.ts";
import { Future } from "../core/futures.ts";
import { type AwaitableCoroutine, awaitableCoroutines, ensureFuture } from "../core/tasks.ts";
import { checkSeconds, describe, isCoroutine, isThenable } from "../core/checks.ts";
import type { TimerHandle } from "../core/events.ts";
import { RingQueue } from "../core/ring_queue.ts";

/** Options for `asCompleted()`. */
export interface AsCompletedOptions {
  /** Seconds until `TimeoutError` for what is not done by then (default: no limit). */
  timeout?: number | null;
}

/**
 * A finished future as async iteration of `asCompleted()` hands it out: the
 * `Future` itself, typed without `then` (see `AsCompletedIterator`).
 *
 * @typeParam T The result type.
 */
export type DoneFuture<T> = Omit<Future<T>, "then">;

/**
 * What `asCompleted()` returns: iterable both ways, over the same completions.
 * Both iterators resume where the last iteration stopped (a `break` does not
 * end them).
 */
export interface AsCompletedIterator<T> {
  /**
   * Plain iteration: one coroutine per awaitable. The k-th of them that is
   * awaited returns the result (or throws the exception) of the k-th
   * awaitable to finish, or throws `TimeoutError` when the time ran out.
   */
  [Symbol.iterator](): IterableIterator<AwaitableCoroutine<T>>;
  /**
   * Async iteration: the futures as they finish, done; the tasks and futures
   * passed in come out as they are (a coroutine or promise as the future
   * made for it). Throws `TimeoutError` when the time ran out.
   *
   * The values are typed without `then`: TypeScript applies `Awaited` to
   * what `for await` hands out, which would type the future as its result.
   * Read the outcome with `result()` (the future is done), and compare the
   * value with the tasks passed in.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<DoneFuture<T>>;
}

// The state both iterators share: asyncio's _AsCompletedIterator, with its
// queue of finished futures inlined (`null` is the timeout sentinel).
class AsCompletedState<T> {
  readonly loop: AbstractEventLoop;
  /** The futures not done yet (emptied by a timeout). */
  readonly todo: Set<Future<T>>;
  /** How many more completions iteration hands out. */
  todoLeft: number;
  readonly done: RingQueue<Future<T> | null> = new RingQueue(16);
  /** Futures of the tasks waiting for something in `done`, FIFO. */
  readonly getters: Future<void>[] = [];
  timeoutHandle: TimerHandle | null = null;

  constructor(aws: Iterable<Awaitable<T>>, timeout: number | null) {
    const loop = _getEventLoop();
    this.loop = loop;
    const todo = new Set<Future<T>>();
    for (const aw of new Set(aws)) todo.add(ensureFuture(aw, loop));
    for (const f of todo) f.addDoneCallback(this.#onCompletion);
    if (todo.size > 0 && timeout !== null) {
      this.timeoutHandle = loop.callLater(timeout, this.#onTimeout);
    }
    this.todo = todo;
    this.todoLeft = todo.size;
  }

  #onTimeout = (): void => {
    for (const f of this.todo) {
      f.removeDoneCallback(this.#onCompletion);
      this.#put(null);
    }
    this.todo.clear();
  };

  #onCompletion = (f: Future<T>): void => {
    if (this.todo.size === 0) return; // the timeout came first
    this.todo.delete(f);
    this.#put(f);
    if (this.todo.size === 0) this.timeoutHandle?.cancel();
  };

  #put(item: Future<T> | null): void {
    this.done.push(item);
    this.wakeNextGetter();
  }

  wakeNextGetter(): void {
    while (this.getters.length > 0) {
      const getter = this.getters.shift()!;
      if (!getter.done()) {
        getter.setResult(undefined);
        return;
      }
    }
  }

  /** A getter given up (its waiter was cancelled): pass a wake-up on. */
  dropGetter(getter: Future<void>): void {
    getter.cancel();
    const i = this.getters.indexOf(getter);
    if (i >= 0) this.getters.splice(i, 1);
    if (this.done.length > 0 && !getter.cancelled()) this.wakeNextGetter();
  }

  /** The next finished future; TimeoutError for a timeout's sentinel. */
  take(): Future<T> {
    const f = this.done.shift();
    if (f === null) throw new TimeoutError("asCompleted() timed out");
    return f;
  }
}

// Plain iteration's coroutine: waits in the awaiting task for the next
// completion, then returns its result.
function* waitForOne<T>(state: AsCompletedState<T>): Coroutine<T> {
  while (state.done.length === 0) {
    const getter = state.loop.createFuture<void>();
    state.getters.push(getter);
    try {
      yield* getter;
    } catch (e) {
      state.dropGetter(getter);
      throw e;
    }
  }
  return state.take().result();
}

awaitableCoroutines(waitForOne);

class PlainCompletions<T> implements IterableIterator<AwaitableCoroutine<T>> {
  #state: AsCompletedState<T>;
  constructor(state: AsCompletedState<T>) {
    this.#state = state;
  }
  [Symbol.iterator](): this {
    return this;
  }
  next(): IteratorResult<AwaitableCoroutine<T>, undefined> {
    const state = this.#state;
    if (state.todoLeft === 0) return { done: true, value: undefined };
    state.todoLeft--;
    return { done: false, value: waitForOne(state) as AwaitableCoroutine<T> };
  }
}

class AsyncCompletions<T> implements AsyncIterableIterator<Future<T>> {
  #state: AsCompletedState<T>;
  constructor(state: AsCompletedState<T>) {
    this.#state = state;
  }
  [Symbol.asyncIterator](): this {
    return this;
  }
  async next(): Promise<IteratorResult<Future<T>, undefined>> {
    const state = this.#state;
    if (state.todoLeft === 0) return { done: true, value: undefined };
    state.todoLeft--;
    // Checked and taken in one synchronous stretch after each wake-up. The
    // future is not returned through a promise: JavaScript would adopt it.
    while (state.done.length === 0) {
      const getter = state.loop.createFuture<void>();
      state.getters.push(getter);
      try {
        await getter;
      } catch (e) {
        state.dropGetter(getter);
        throw e;
      }
    }
    return { done: false, value: state.take() };
  }
}

class AsCompleted<T> implements AsCompletedIterator<T> {
  #plain: PlainCompletions<T>;
  #async: AsyncCompletions<T>;
  constructor(state: AsCompletedState<T>) {
    this.#plain = new PlainCompletions(state);
    this.#async = new AsyncCompletions(state);
  }
  [Symbol.iterator](): PlainCompletions<T> {
    return this.#plain;
  }
  [Symbol.asyncIterator](): AsyncCompletions<T> {
    return this.#async;
  }
}

/**
 * Runs awaitables concurrently and hands them out in the order they finish,
 * as asyncio 3.13's `as_completed`. Coroutines and promises are wrapped in
 * tasks/futures at once (on the running loop, else the policy's loop);
 * duplicates count once.
 *
 * Plain iteration gives a coroutine per awaitable: the k-th one awaited
 * returns the result of the k-th completion (`yield* next` in a generator
 * coroutine, `await next` in an async function). Async iteration
 * (`for await`, in an async function while the loop runs) gives the finished
 * futures themselves, the very tasks and futures that were passed in. When
 * `timeout` seconds pass first, what is left raises `TimeoutError`: the
 * coroutines of plain iteration, or the async iterator. Nothing is cancelled
 * on timeout.
 *
 * @typeParam T The result type.
 * @param aws The awaitables: futures, tasks, coroutines or promises.
 * @param options `timeout` in seconds, or null for none.
 * @returns An iterable and async iterable over the completions.
 * @throws {TypeError} If `aws` is a single awaitable or not iterable, or
 *   holds something that is not awaitable.
 * @throws {RangeError} If `timeout` is NaN, or a future belongs to another
 *   loop than the running one.
 * @throws {RuntimeError} If there is no loop to run coroutines on.
 *
 * @example Results in completion order (plain iteration)
 * ```ts
 * import assert from "node:assert/strict";
 * import { asCompleted, sleep } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * const order = await loop.runUntilComplete(function* () {
 *   const out: string[] = [];
 *   for (const next of asCompleted([sleep(3, "slow"), sleep(1, "fast")])) {
 *     out.push(yield* next);
 *   }
 *   return out;
 * }());
 * assert.deepEqual(order, ["fast", "slow"]);
 * loop.close();
 * ```
 *
 * @example The tasks themselves (async iteration)
 * ```ts
 * import assert from "node:assert/strict";
 * import { asCompleted, createTask, run, sleep } from "@asyncio/deno";
 * const first = await run(async () => {
 *   const ipv4 = createTask(sleep(0.02, "v4"));
 *   const ipv6 = createTask(sleep(0.01, "v6"));
 *   for await (const task of asCompleted([ipv4, ipv6])) {
 *     if (task === ipv6) return task.result();
 *   }
 *   return "none";
 * });
 * assert(first === "v6");
 * ```
 */
export function asCompleted<T>(
  aws: Iterable<Awaitable<T>>,
  options: AsCompletedOptions = {},
): AsCompletedIterator<T> {
  if (
    aws instanceof Future || isCoroutine(aws) || isThenable(aws) || aws === null ||
    typeof aws !== "object" || typeof (aws as Iterable<unknown>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(`aws must be an iterable of awaitables: got ${describe(aws)}`);
  }
  const { timeout = null } = options;
  if (timeout !== null) checkSeconds(timeout, "options.timeout", true);
  return new AsCompleted(new AsCompletedState(aws, timeout));
}
