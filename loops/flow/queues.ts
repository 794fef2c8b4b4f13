/**
 * Queues for tasks: `Queue` (FIFO), `PriorityQueue`, `LifoQueue`, and their
 * errors `QueueEmpty`, `QueueFull`, `QueueShutDown`, as asyncio 3.13's
 * (including `shutdown()`).
 *
 * @module
 */

import type { AbstractEventLoop, Coroutine } from "../core/events.ts";
import type { Future } from "../core/futures.ts";
import { _boundLoop, Event } from "./locks.ts";
import { RingQueue } from "../core/ring_queue.ts";
import { type AwaitableCoroutine, awaitableCoroutines } from "../core/tasks.ts";
import { checkCallback, describe } from "../core/checks.ts";

/**
 * Raised by `getNowait()` when the queue is empty.
 *
 * @example Taking from an empty queue
 * ```ts
 * import assert from "node:assert/strict";
 * import { Queue, QueueEmpty } from "@asyncio/deno";
 * assert.throws(() => new Queue().getNowait(), QueueEmpty);
 * ```
 */
export class QueueEmpty extends Error {
  /** Creates the error. */
  constructor(message = "", options?: ErrorOptions) {
    super(message, options);
    this.name = "QueueEmpty";
  }
}

/**
 * Raised by `putNowait()` when the queue is full.
 *
 * @example Putting into a full queue
 * ```ts
 * import assert from "node:assert/strict";
 * import { Queue, QueueFull } from "@asyncio/deno";
 * const q = new Queue<number>(1);
 * q.putNowait(1);
 * assert.throws(() => q.putNowait(2), QueueFull);
 * ```
 */
export class QueueFull extends Error {
  /** Creates the error. */
  constructor(message = "", options?: ErrorOptions) {
    super(message, options);
    this.name = "QueueFull";
  }
}

/**
 * Raised by `put()`/`putNowait()` on a queue that was shut down, and by
 * `get()`/`getNowait()` once it is also empty (at once after
 * `shutdown(true)`).
 *
 * @example Putting into a shut-down queue
 * ```ts
 * import assert from "node:assert/strict";
 * import { Queue, QueueShutDown } from "@asyncio/deno";
 * const q = new Queue<string>();
 * q.shutdown();
 * assert.throws(() => q.putNowait("x"), QueueShutDown);
 * ```
 */
export class QueueShutDown extends Error {
  /** Creates the error. */
  constructor(message = "", options?: ErrorOptions) {
    super(message, options);
    this.name = "QueueShutDown";
  }
}

/** Options for `new Queue()` and `new LifoQueue()`. */
export interface QueueOptions {
  /** How many items fit; 0 or less (the default) means no limit. */
  maxsize?: number;
}

/** Options for `new PriorityQueue()`. */
export interface PriorityQueueOptions<T> extends QueueOptions {
  /**
   * Orders items, lowest first: negative if `a` comes before `b`, positive
   * if after, 0 if either may. The default compares numbers, bigints and
   * booleans by value, strings by code point, and arrays element by element
   * like Python tuples; other items throw `TypeError`.
   */
  compare?: (a: T, b: T) => number;
}

// Where a queue keeps its items; `shift()` takes the next one to get.
interface ItemStore<T> {
  readonly length: number;
  push(item: T): void;
  shift(): T;
  toArray(): T[];
}

class Stack<T> implements ItemStore<T> {
  #items: T[] = [];
  get length(): number {
    return this.#items.length;
  }
  push(item: T): void {
    this.#items.push(item);
  }
  shift(): T {
    return this.#items.pop() as T;
  }
  toArray(): T[] {
    return this.#items.slice();
  }
}

// A binary min-heap on `compare`, as Python's heapq.
class Heap<T> implements ItemStore<T> {
  #items: T[] = [];
  #compare: (a: T, b: T) => number;
  constructor(compare: (a: T, b: T) => number) {
    this.#compare = compare;
  }
  get length(): number {
    return this.#items.length;
  }
  push(item: T): void {
    const items = this.#items;
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#compare(item, items[parent]) >= 0) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = item;
  }
  shift(): T {
    const items = this.#items;
    const top = items[0];
    const last = items.pop() as T;
    const n = items.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.#compare(items[child + 1], items[child]) < 0) child++;
      if (this.#compare(items[child], last) >= 0) break;
      items[i] = items[child];
      i = child;
    }
    items[i] = last;
    return top;
  }
  toArray(): T[] {
    return this.#items.slice();
  }
}

// Python's order for ints, strings and tuples, on JavaScript values.
function kindOf(v: unknown): number {
  switch (typeof v) {
    case "number":
    case "bigint":
    case "boolean":
      return 0;
    case "string":
      return 1;
    default:
      return Array.isArray(v) ? 2 : -1;
  }
}

// UTF-16 code units ordered as the code points they belong to: surrogates
// (astral characters) sort after U+E000..U+FFFF.
function codePointKey(unit: number): number {
  return unit < 0xd800 ? unit : unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}

function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointKey(x) - codePointKey(y);
  }
  return a.length - b.length;
}

function defaultCompare(a: unknown, b: unknown): number {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== kb || ka < 0) {
    throw new TypeError(
      `PriorityQueue cannot order ${describe(a)} and ${describe(b)}: ` +
        "the default order compares numbers, strings and arrays of them; pass options.compare",
    );
  }
  if (ka === 1) return compareStrings(a as string, b as string);
  if (ka === 2) {
    const x = a as unknown[];
    const y = b as unknown[];
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) {
      if (x[i] === y[i]) continue;
      const c = defaultCompare(x[i], y[i]);
      if (c !== 0) return c;
    }
    return x.length - y.length;
  }
  // deno-lint-ignore no-explicit-any
  return (a as any) < (b as any) ? -1 : (a as any) > (b as any) ? 1 : 0;
}

function checkMaxsize(options: unknown): number {
  let maxsize: unknown = 0;
  if (typeof options === "number") maxsize = options;
  else if (options !== undefined && options !== null) {
    if (typeof options !== "object") {
      throw new TypeError(`options must be an object or a number: got ${describe(options)}`);
    }
    maxsize = (options as QueueOptions).maxsize ?? 0;
  }
  if (typeof maxsize !== "number") {
    throw new TypeError(`maxsize must be a number: got ${describe(maxsize)}`);
  }
  if (Number.isNaN(maxsize)) throw new RangeError("maxsize must not be NaN");
  return maxsize;
}

// A short rendering of queued items for toString().
function formatItem(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(formatItem).join(", ")}]`;
  if (typeof v === "bigint") return `${v}n`;
  if (v !== null && typeof v === "object") {
    try {
      if (v.toString !== Object.prototype.toString) return String(v);
    } catch {
      // described below
    }
    return describe(v);
  }
  return String(v);
}

function wakeUpNext(waiters: RingQueue<Future<void>>): void {
  while (waiters.length > 0) {
    const waiter = waiters.shift();
    if (!waiter.done()) {
      waiter.setResult(undefined);
      return;
    }
  }
}

/**
 * A FIFO queue for producer and consumer tasks (asyncio's `Queue`). With a
 * `maxsize`, `put()` waits while the queue is full; `get()` waits while it
 * is empty. `taskDone()` and `join()` track when every item put has been
 * processed; `shutdown()` ends it.
 *
 * Differences from asyncio: options are an object, `{ maxsize }` (a number
 * is accepted too); `taskDone()` called too often is a `RangeError`.
 *
 * @typeParam T The item type.
 *
 * @example A producer and two workers
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTask, Queue, sleep } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * const q = new Queue<number>({ maxsize: 2 });
 * let total = 0;
 * function* worker() {
 *   for (;;) {
 *     const n = yield* q.get();
 *     yield* sleep(n);
 *     total += n;
 *     q.taskDone();
 *   }
 * }
 * await loop.runUntilComplete(function* () {
 *   const workers = [createTask(worker()), createTask(worker())];
 *   for (const n of [1, 2, 3, 4]) yield* q.put(n);
 *   yield* q.join();
 *   for (const w of workers) w.cancel();
 * }());
 * assert(total === 10 && loop.time() === 6);
 * loop.close();
 * ```
 */
export class Queue<T> {
  /** @ignore */ _maxsize: number;
  /** @ignore */ _queue: ItemStore<T>;
  /** @ignore */ _getters: RingQueue<Future<void>> = new RingQueue();
  /** @ignore */ _putters: RingQueue<Future<void>> = new RingQueue();
  /** @ignore */ _unfinishedTasks = 0;
  /** @ignore */ _isShutdown = false;
  /** @ignore the loop this queue is bound to */ _loop: AbstractEventLoop | null = null;
  #finished: Event | null = null;

  /**
   * Creates an empty queue.
   *
   * @param options `{ maxsize }`, or the maxsize itself: how many items fit
   *   (0 or less, the default: no limit).
   * @throws {TypeError} If `options` is neither an object nor a number, or
   *   `maxsize` is not a number.
   * @throws {RangeError} If `maxsize` is NaN.
   */
  constructor(options?: QueueOptions | number) {
    this._maxsize = checkMaxsize(options);
    this._queue = new RingQueue<T>();
  }

  /** How many items fit (0 or less: no limit). */
  get maxsize(): number {
    return this._maxsize;
  }

  /** The number of items in the queue. */
  qsize(): number {
    return this._queue.length;
  }

  /** Whether the queue holds no item. */
  empty(): boolean {
    return this._queue.length === 0;
  }

  /** Whether the queue holds `maxsize` items (never, without a maxsize). */
  full(): boolean {
    return this._maxsize > 0 && this._queue.length >= this._maxsize;
  }

  /**
   * Puts an item into the queue, waiting while it is full.
   *
   * @param item The item.
   * @returns A coroutine (awaitable too).
   * @throws {QueueShutDown} If the queue is shut down, or is shut down while
   *   this waits.
   * @throws {CancelledError} If the waiting task is cancelled; the item is
   *   then not put.
   */
  put(item: T): AwaitableCoroutine<void>;
  *put(item: T): Coroutine<void> {
    while (this.full()) {
      if (this._isShutdown) throw shutDown();
      const putter = _boundLoop(this).createFuture<void>();
      this._putters.push(putter);
      try {
        yield putter; // a task drives this coroutine: it resumes it when woken
      } catch (e) {
        putter.cancel();
        this._putters.remove(putter); // getNowait() or shutdown() may have taken it
        // Woken by getNowait() but not putting: wake the next in line.
        if (!this.full() && !putter.cancelled()) wakeUpNext(this._putters);
        throw e;
      }
    }
    this.putNowait(item);
  }

  /**
   * Puts an item into the queue at once.
   *
   * @param item The item.
   * @throws {QueueFull} If the queue is full.
   * @throws {QueueShutDown} If the queue is shut down.
   */
  putNowait(item: T): void {
    if (this._isShutdown) throw shutDown();
    if (this.full()) throw new QueueFull(`The queue is full: maxsize=${this._maxsize}`);
    this._queue.push(item);
    this._unfinishedTasks++;
    this.#finished?.clear();
    if (this._getters.length > 0) wakeUpNext(this._getters);
  }

  /**
   * Takes the next item, waiting while the queue is empty.
   *
   * @returns A coroutine of the item (awaitable too).
   * @throws {QueueShutDown} If the queue is shut down and empty, or shut down
   *   with `immediate`.
   * @throws {CancelledError} If the waiting task is cancelled; no item is
   *   then taken.
   */
  get(): AwaitableCoroutine<T>;
  *get(): Coroutine<T> {
    while (this._queue.length === 0) {
      if (this._isShutdown) throw shutDown();
      const getter = _boundLoop(this).createFuture<void>();
      this._getters.push(getter);
      try {
        yield getter; // a task drives this coroutine: it resumes it when woken
      } catch (e) {
        getter.cancel();
        this._getters.remove(getter); // putNowait() or shutdown() may have taken it
        // Woken by putNowait() but not getting: wake the next in line.
        if (this._queue.length > 0 && !getter.cancelled()) wakeUpNext(this._getters);
        throw e;
      }
    }
    return this.getNowait();
  }

  /**
   * Takes the next item at once.
   *
   * @returns The item.
   * @throws {QueueEmpty} If the queue is empty.
   * @throws {QueueShutDown} If the queue is empty and shut down.
   */
  getNowait(): T {
    if (this._queue.length === 0) {
      if (this._isShutdown) throw shutDown();
      throw new QueueEmpty("The queue is empty");
    }
    const item = this._queue.shift();
    if (this._putters.length > 0) wakeUpNext(this._putters);
    return item;
  }

  /**
   * Marks one item taken with `get()` as processed; `join()` returns once
   * every item put is.
   *
   * @throws {RangeError} If called more times than items were put.
   */
  taskDone(): void {
    if (this._unfinishedTasks <= 0) throw new RangeError("taskDone() called too many times");
    if (--this._unfinishedTasks === 0) this.#finished?.set();
  }

  /**
   * Waits until every item put has been taken and marked with `taskDone()`.
   *
   * @returns A coroutine (awaitable too).
   * @throws {CancelledError} If the waiting task is cancelled.
   */
  join(): AwaitableCoroutine<void>;
  *join(): Coroutine<void> {
    if (this._unfinishedTasks > 0) yield* (this.#finished ??= new Event()).wait();
  }

  /**
   * Shuts the queue down: `put()` and `putNowait()` raise `QueueShutDown`
   * from now on, and so do `get()` and `getNowait()` once the queue is empty.
   * With `immediate`, the queue is emptied at once (each item removed counts
   * as done for `join()`). Every task waiting in `put()` or `get()` wakes to
   * see it.
   *
   * @param immediate Drop the remaining items (default false).
   * @throws {TypeError} If `immediate` is not a boolean.
   */
  shutdown(immediate = false): void {
    if (typeof immediate !== "boolean") {
      throw new TypeError(`immediate must be a boolean: got ${describe(immediate)}`);
    }
    this._isShutdown = true;
    if (immediate) {
      while (this._queue.length > 0) {
        this._queue.shift();
        if (this._unfinishedTasks > 0) this._unfinishedTasks--;
      }
      if (this._unfinishedTasks === 0) this.#finished?.set();
    }
    for (const waiters of [this._getters, this._putters]) {
      while (waiters.length > 0) {
        const waiter = waiters.shift();
        if (!waiter.done()) waiter.setResult(undefined);
      }
    }
  }

  /** @ignore What `toString()` shows after the class name. */
  _format(): string {
    let result = `maxsize=${this._maxsize}`;
    if (this._queue.length > 0) {
      result += ` _queue=[${this._queue.toArray().map(formatItem).join(", ")}]`;
    }
    if (this._getters.length > 0) result += ` _getters[${this._getters.length}]`;
    if (this._putters.length > 0) result += ` _putters[${this._putters.length}]`;
    if (this._unfinishedTasks) result += ` tasks=${this._unfinishedTasks}`;
    if (this._isShutdown) result += " shutdown";
    return result;
  }

  /** A description such as `<Queue maxsize=0 _queue=[1, 2] tasks=2>`. */
  toString(): string {
    return `<${this.constructor.name} ${this._format()}>`;
  }
}

function shutDown(): QueueShutDown {
  return new QueueShutDown("The queue is shut down");
}

/**
 * A queue that returns the lowest item first (asyncio's `PriorityQueue`),
 * typically `[priority, data]` arrays. The default order compares numbers,
 * strings and arrays element by element, as Python compares ints, strings
 * and tuples; `compare` sets another.
 *
 * Differences from asyncio: JavaScript has no total order over its values,
 * so items the default order cannot compare (objects, mixed kinds) throw
 * `TypeError` unless a `compare` is given (Python would raise `TypeError`
 * for them as well).
 *
 * @typeParam T The item type.
 *
 * @example Priorities, lowest first
 * ```ts
 * import assert from "node:assert/strict";
 * import { PriorityQueue } from "@asyncio/deno";
 * const q = new PriorityQueue<[number, string]>();
 * q.putNowait([2, "write"]);
 * q.putNowait([1, "read"]);
 * q.putNowait([2, "close"]);
 * assert.deepEqual([q.getNowait(), q.getNowait(), q.getNowait()], [
 *   [1, "read"],
 *   [2, "close"],
 *   [2, "write"],
 * ]);
 * ```
 *
 * @example An order of your own
 * ```ts
 * import assert from "node:assert/strict";
 * import { PriorityQueue } from "@asyncio/deno";
 * const q = new PriorityQueue<{ due: number }>({ compare: (a, b) => a.due - b.due });
 * q.putNowait({ due: 5 });
 * q.putNowait({ due: 1 });
 * assert(q.getNowait().due === 1);
 * ```
 */
export class PriorityQueue<T> extends Queue<T> {
  /**
   * Creates an empty priority queue.
   *
   * @param options `{ maxsize, compare }`, or the maxsize itself.
   * @throws {TypeError} If `options` is neither an object nor a number,
   *   `maxsize` is not a number, or `compare` is not a function.
   * @throws {RangeError} If `maxsize` is NaN.
   */
  constructor(options?: PriorityQueueOptions<T> | number) {
    super(options);
    const compare = typeof options === "object" && options !== null ? options.compare : undefined;
    if (compare !== undefined) checkCallback(compare, "options.compare");
    this._queue = new Heap<T>(compare ?? defaultCompare);
  }
}

/**
 * A queue that returns the most recently put item first (asyncio's
 * `LifoQueue`).
 *
 * @typeParam T The item type.
 *
 * @example Last in, first out
 * ```ts
 * import assert from "node:assert/strict";
 * import { LifoQueue } from "@asyncio/deno";
 * const q = new LifoQueue<number>();
 * for (const n of [1, 2, 3]) q.putNowait(n);
 * assert.deepEqual([q.getNowait(), q.getNowait(), q.getNowait()], [3, 2, 1]);
 * ```
 */
export class LifoQueue<T> extends Queue<T> {
  /**
   * Creates an empty LIFO queue.
   *
   * @param options `{ maxsize }`, or the maxsize itself.
   * @throws {TypeError} If `options` is neither an object nor a number, or
   *   `maxsize` is not a number.
   * @throws {RangeError} If `maxsize` is NaN.
   */
  constructor(options?: QueueOptions | number) {
    super(options);
    this._queue = new Stack<T>();
  }
}

awaitableCoroutines(Queue.prototype.put, Queue.prototype.get, Queue.prototype.join);
