/**
 * Synchronization primitives: `Lock`, `Event`, `Condition`, `Semaphore`,
 * `BoundedSemaphore`, `Barrier` and `BrokenBarrierError`, as asyncio 3.13's.
 *
 * Waiters are served in FIFO order. The methods that are coroutines in
 * asyncio (`acquire()`, `wait()`, `waitFor()`, `reset()`, `abort()`) and
 * `hold()` are lazy generator methods: `yield*` them in a coroutine, or
 * `await` them in an async function. A waiting method resumes through the
 * task driving it (it yields its waiter future, as `Task` expects). A
 * primitive binds to the running loop the first time it has to wait, as
 * asyncio's do.
 *
 * @module
 */

import { type AbstractEventLoop, type Coroutine, getRunningLoop } from "../core/events.ts";
import { CancelledError, RuntimeError } from "../core/exceptions.ts";
import type { Future } from "../core/futures.ts";
import { type AwaitableCoroutine, awaitableCoroutines } from "../core/tasks.ts";
import { checkCallback, describe, isInstance } from "../core/checks.ts";
import { RingQueue } from "../core/ring_queue.ts";

// asyncio's _LoopBoundMixin: a primitive binds to the running loop the first
// time it needs one (to create a waiter future) and refuses any other loop.
/** @ignore Something bound to a loop on first use. */
export interface _LoopBound {
  _loop: AbstractEventLoop | null;
}

/** @ignore The loop `owner` is bound to, binding it to the running loop first. */
export function _boundLoop(owner: _LoopBound): AbstractEventLoop {
  const loop = getRunningLoop();
  if (owner._loop === null) owner._loop = loop;
  else if (loop !== owner._loop) {
    throw new RuntimeError(`${owner} is bound to a different event loop`);
  }
  return loop;
}

function withWaiters(extra: string, waiters: RingQueue<unknown> | null): string {
  return waiters !== null && waiters.length > 0 ? `${extra}, waiters:${waiters.length}` : extra;
}

// Releases what `hold()` acquired, once.
class Held implements Disposable {
  #owner: { release(): void } | null;
  constructor(owner: { release(): void }) {
    this.#owner = owner;
  }
  [Symbol.dispose](): void {
    const owner = this.#owner;
    if (owner === null) return;
    this.#owner = null;
    owner.release();
  }
}

/**
 * A mutual exclusion lock for tasks (asyncio's `Lock`). It is not owned by
 * a task: any task may release it. Tasks blocked in `acquire()` get the lock
 * in the order they asked for it.
 *
 * Differences from asyncio: `async with lock:` is
 * `using held = yield* lock.hold();` (`hold()` acquires and returns a
 * `Disposable` that releases).
 *
 * @example Holding the lock for a block
 * ```ts
 * import assert from "node:assert/strict";
 * import { gather, Lock, sleep } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * const lock = new Lock();
 * const log: string[] = [];
 * function* worker(name: string) {
 *   using _held = yield* lock.hold();
 *   log.push(`${name} in`);
 *   yield* sleep(1);
 *   log.push(`${name} out`);
 * }
 * await loop.runUntilComplete(function* () {
 *   yield* gather(worker("a"), worker("b"));
 * }());
 * assert.deepEqual(log, ["a in", "a out", "b in", "b out"]);
 * assert(!lock.locked() && loop.time() === 2);
 * loop.close();
 * ```
 */
export class Lock {
  /** @ignore */ _waiters: RingQueue<Future<true>> | null = null;
  /** @ignore */ _locked = false;
  /** @ignore the loop this lock is bound to */ _loop: AbstractEventLoop | null = null;

  /**
   * Creates an unlocked lock.
   *
   * @throws {TypeError} If given an argument (asyncio's `loop` parameter is gone).
   */
  constructor() {
    if (arguments.length > 0) extraArgument("Lock", "no arguments", arguments[0]);
  }

  /** Whether the lock is held. */
  locked(): boolean {
    return this._locked;
  }

  /**
   * Acquires the lock, waiting (FIFO) while another holder has it.
   *
   * @returns A coroutine of `true` (awaitable too).
   * @throws {CancelledError} If the waiting task is cancelled; the lock is
   *   then not acquired.
   * @throws {RuntimeError} If the lock is bound to another loop.
   */
  acquire(): AwaitableCoroutine<true>;
  *acquire(): Coroutine<true> {
    // Fair: nobody jumps the queue, unless every waiter in it is cancelled.
    if (!this._locked && (this._waiters === null || allCancelled(this._waiters))) {
      this._locked = true;
      return true;
    }
    const fut = _boundLoop(this).createFuture<true>();
    const waiters = this._waiters ??= new RingQueue();
    waiters.push(fut);
    try {
      try {
        yield fut; // a task drives this coroutine: it resumes it with the result
      } finally {
        waiters.remove(fut);
      }
    } catch (e) {
      // Not claimed by us: make sure the next waiter in line runs.
      if (isInstance(e, CancelledError) && !this._locked) this.#wakeUpFirst();
      throw e;
    }
    this._locked = true;
    return true;
  }

  /**
   * Acquires the lock and returns a `Disposable` that releases it:
   * `using held = yield* lock.hold();` is asyncio's `async with lock:`.
   * Disposing a second time does nothing.
   *
   * @returns A coroutine of the `Disposable` (awaitable too).
   * @throws {CancelledError} If the waiting task is cancelled.
   * @throws {RuntimeError} If the lock is bound to another loop.
   */
  hold(): AwaitableCoroutine<Disposable>;
  *hold(): Coroutine<Disposable> {
    if (!this._locked && (this._waiters === null || this._waiters.length === 0)) {
      this._locked = true;
    } else yield* this.acquire();
    return new Held(this);
  }

  /**
   * Releases the lock and lets the first waiter (if any) take it.
   *
   * @throws {RuntimeError} If the lock is not held.
   */
  release(): void {
    if (!this._locked) throw new RuntimeError("Lock is not acquired");
    this._locked = false;
    this.#wakeUpFirst();
  }

  #wakeUpFirst(): void {
    const waiters = this._waiters;
    if (waiters === null || waiters.length === 0) return;
    const fut = waiters.at(0);
    // A done waiter is already on its way to take the lock (or to pass it on).
    if (!fut.done()) fut.setResult(true);
  }

  /** A description such as `<Lock [locked, waiters:2]>`. */
  toString(): string {
    return `<${this.constructor.name} [${
      withWaiters(this._locked ? "locked" : "unlocked", this._waiters)
    }]>`;
  }
}

function allCancelled(waiters: RingQueue<Future<unknown>>): boolean {
  for (let i = 0; i < waiters.length; i++) if (!waiters.at(i).cancelled()) return false;
  return true;
}

// asyncio's primitives lost their `loop` parameter in 3.10: refuse an extra
// argument (JavaScript would ignore it), naming `loop` when that is what came.
function extraArgument(cls: string, takes: string, arg: unknown): never {
  if (arg !== null && typeof arg === "object" && "loop" in arg) {
    throw new TypeError(
      `${cls}() got an unexpected option 'loop': it binds to the running loop when first used`,
    );
  }
  throw new TypeError(`${cls}() takes ${takes}: got ${describe(arg)}`);
}

/**
 * An event flag tasks can wait for (asyncio's `Event`): `set()` wakes every
 * waiter, and `wait()` returns at once while the flag is set.
 *
 * @example Waiting for a signal from another task
 * ```ts
 * import assert from "node:assert/strict";
 * import { Event } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * const ready = new Event();
 * loop.callLater(5, () => ready.set());
 * await loop.runUntilComplete(ready.wait());
 * assert(ready.isSet() && loop.time() === 5);
 * loop.close();
 * ```
 */
export class Event {
  /** @ignore */ _waiters: RingQueue<Future<true>> = new RingQueue();
  /** @ignore */ _value = false;
  /** @ignore the loop this event is bound to */ _loop: AbstractEventLoop | null = null;

  /**
   * Creates an event whose flag is not set.
   *
   * @throws {TypeError} If given an argument (asyncio's `loop` parameter is gone).
   */
  constructor() {
    if (arguments.length > 0) extraArgument("Event", "no arguments", arguments[0]);
  }

  /** Whether the flag is set. */
  isSet(): boolean {
    return this._value;
  }

  /** Sets the flag and wakes every task waiting for it. */
  set(): void {
    if (this._value) return;
    this._value = true;
    const waiters = this._waiters;
    for (let i = 0; i < waiters.length; i++) {
      const fut = waiters.at(i);
      if (!fut.done()) fut.setResult(true);
    }
  }

  /** Clears the flag: `wait()` blocks again until the next `set()`. */
  clear(): void {
    this._value = false;
  }

  /**
   * Waits until the flag is set.
   *
   * @returns A coroutine of `true` (awaitable too).
   * @throws {CancelledError} If the waiting task is cancelled.
   * @throws {RuntimeError} If the event is bound to another loop.
   */
  wait(): AwaitableCoroutine<true>;
  *wait(): Coroutine<true> {
    if (this._value) return true;
    const fut = _boundLoop(this).createFuture<true>();
    this._waiters.push(fut);
    try {
      yield fut;
      return true;
    } finally {
      this._waiters.remove(fut);
    }
  }

  /** A description such as `<Event [unset, waiters:1]>`. */
  toString(): string {
    return `<${this.constructor.name} [${
      withWaiters(this._value ? "set" : "unset", this._waiters)
    }]>`;
  }
}

/**
 * A condition variable (asyncio's `Condition`): tasks holding its lock wait
 * in `wait()` until another task calls `notify()`. As in asyncio 3.13, a
 * waiter that is cancelled after being notified passes the notification on,
 * so no wake-up is lost; `wait()` may therefore return spuriously, and
 * `waitFor(predicate)` is the safe way to wait.
 *
 * Differences from asyncio: `async with cond:` is
 * `using held = yield* cond.hold();`; the lock given must be a `Lock`; the
 * predicate's result is tested with JavaScript's truthiness (`[]` is true).
 *
 * @example A producer and a consumer
 * ```ts
 * import assert from "node:assert/strict";
 * import { Condition, createTask } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * const cond = new Condition();
 * const items: number[] = [];
 * const got = await loop.runUntilComplete(function* () {
 *   const consumer = createTask(function* () {
 *     using _held = yield* cond.hold();
 *     yield* cond.waitFor(() => items.length > 0);
 *     return items.shift();
 *   }());
 *   yield* cond.acquire();
 *   items.push(7);
 *   cond.notify();
 *   cond.release();
 *   return yield* consumer;
 * }());
 * assert(got === 7);
 * loop.close();
 * ```
 */
export class Condition {
  /** @ignore */ _lock: Lock;
  /** @ignore */ _waiters: RingQueue<Future<boolean>> = new RingQueue();
  /** @ignore the loop this condition is bound to */ _loop: AbstractEventLoop | null = null;

  /**
   * Creates a condition on `lock`, or on a new `Lock`.
   *
   * @param lock The underlying lock (default: a new one).
   * @throws {TypeError} If `lock` is given and is not a `Lock`.
   */
  constructor(lock?: Lock | null) {
    if (arguments.length > 1) extraArgument("Condition", "at most 1 argument", arguments[1]);
    if (lock === undefined || lock === null) lock = new Lock();
    else if (!isInstance(lock, Lock)) {
      if (typeof lock === "object" && "loop" in lock) {
        extraArgument("Condition", "at most 1 argument", lock);
      }
      throw new TypeError(`lock must be a Lock: got ${describe(lock)}`);
    }
    this._lock = lock;
  }

  /** Whether the underlying lock is held. */
  locked(): boolean {
    return this._lock._locked;
  }

  /**
   * Acquires the underlying lock.
   *
   * @returns A coroutine of `true` (awaitable too).
   * @throws {CancelledError} If the waiting task is cancelled.
   * @throws {RuntimeError} If the lock is bound to another loop.
   */
  acquire(): AwaitableCoroutine<true>;
  *acquire(): Coroutine<true> {
    return yield* this._lock.acquire();
  }

  /**
   * Acquires the underlying lock and returns a `Disposable` that releases
   * it: `using held = yield* cond.hold();` is asyncio's `async with cond:`.
   *
   * @returns A coroutine of the `Disposable` (awaitable too).
   * @throws {CancelledError} If the waiting task is cancelled.
   */
  hold(): AwaitableCoroutine<Disposable>;
  *hold(): Coroutine<Disposable> {
    yield* this._lock.acquire();
    return new Held(this._lock);
  }

  /**
   * Releases the underlying lock.
   *
   * @throws {RuntimeError} If the lock is not held.
   */
  release(): void {
    this._lock.release();
  }

  /**
   * Releases the lock, waits until notified, and re-acquires the lock
   * before returning, even when cancelled. It may return spuriously: check
   * the state again (or use `waitFor()`).
   *
   * @returns A coroutine of `true` (awaitable too).
   * @throws {RuntimeError} If the lock is not held by anyone, or the
   *   condition is bound to another loop.
   * @throws {CancelledError} If the task is cancelled while waiting (the lock
   *   is held again when it is raised).
   */
  wait(): AwaitableCoroutine<true>;
  *wait(): Coroutine<true> {
    if (!this.locked()) throw new RuntimeError("Cannot wait on un-acquired lock");
    const fut = _boundLoop(this).createFuture<boolean>();
    this.release();
    try {
      try {
        this._waiters.push(fut);
        try {
          yield fut;
          return true;
        } finally {
          this._waiters.remove(fut);
        }
      } finally {
        yield* this.#reacquire();
      }
    } catch (e) {
      // This task may have been notified before it failed: pass the
      // notification on (a spurious wake-up is allowed, a lost one is not).
      this._notify(1);
      throw e;
    }
  }

  // The lock must be held again however the wait ended; a cancellation while
  // re-acquiring is retried, and the last one is raised afterwards.
  *#reacquire(): Coroutine<void> {
    let error: unknown = undefined;
    let cancelled = false;
    for (;;) {
      try {
        yield* this._lock.acquire();
        break;
      } catch (e) {
        if (!isInstance(e, CancelledError)) throw e;
        error = e;
        cancelled = true;
      }
    }
    if (cancelled) throw error;
  }

  /**
   * Waits until `predicate()` is truthy, calling `wait()` as often as needed;
   * the lock must be held unless the predicate is true at once.
   *
   * @typeParam T The predicate's result type.
   * @param predicate Called with the lock held.
   * @returns A coroutine of the predicate's last (truthy) result.
   * @throws {TypeError} If `predicate` is not a function (when driven).
   * @throws {RuntimeError} If it has to wait and the lock is not held.
   * @throws {CancelledError} If the task is cancelled while waiting.
   */
  waitFor<T>(predicate: () => T): AwaitableCoroutine<T>;
  *waitFor<T>(predicate: () => T): Coroutine<T> {
    checkCallback(predicate, "predicate");
    let result = predicate();
    while (!result) {
      yield* this.wait();
      result = predicate();
    }
    return result;
  }

  /**
   * Wakes up to `n` waiting tasks. Each returns from `wait()` only once it
   * has the lock again, which the caller still holds.
   *
   * @param n How many waiters to wake (default 1).
   * @throws {RuntimeError} If the lock is not held.
   * @throws {TypeError} If `n` is not a number.
   * @throws {RangeError} If `n` is NaN.
   */
  notify(n = 1): void {
    if (typeof n !== "number") throw new TypeError(`n must be a number: got ${describe(n)}`);
    if (Number.isNaN(n)) throw new RangeError("n must not be NaN");
    if (!this.locked()) throw new RuntimeError("Cannot notify on un-acquired lock");
    this._notify(n);
  }

  /** @ignore Wakes up to `n` waiters that are not woken already. */
  _notify(n: number): void {
    const waiters = this._waiters;
    let woken = 0;
    for (let i = 0; i < waiters.length && woken < n; i++) {
      const fut = waiters.at(i);
      if (!fut.done()) {
        woken++;
        fut.setResult(false);
      }
    }
  }

  /**
   * Wakes every waiting task.
   *
   * @throws {RuntimeError} If the lock is not held.
   */
  notifyAll(): void {
    this.notify(this._waiters.length);
  }

  /** A description such as `<Condition [locked, waiters:1]>`. */
  toString(): string {
    return `<${this.constructor.name} [${
      withWaiters(this.locked() ? "locked" : "unlocked", this._waiters)
    }]>`;
  }
}

/**
 * A counting semaphore (asyncio's `Semaphore`): `acquire()` takes one unit
 * and waits (FIFO) while there is none; `release()` gives one back. Releasing
 * more often than acquiring raises the count above its start, which
 * `BoundedSemaphore` refuses.
 *
 * Differences from asyncio: `async with sem:` is
 * `using held = yield* sem.hold();`; asyncio's `ValueError` is `RangeError`.
 *
 * @example At most two at a time
 * ```ts
 * import assert from "node:assert/strict";
 * import { gather, Semaphore, sleep } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * const sem = new Semaphore(2);
 * function* job() {
 *   using _held = yield* sem.hold();
 *   yield* sleep(1);
 * }
 * await loop.runUntilComplete(function* () {
 *   yield* gather(job(), job(), job(), job());
 * }());
 * assert(loop.time() === 2);
 * loop.close();
 * ```
 */
export class Semaphore {
  /** @ignore */ _waiters: RingQueue<Future<true>> | null = null;
  /** @ignore */ _value: number;
  /** @ignore the loop this semaphore is bound to */ _loop: AbstractEventLoop | null = null;

  /**
   * Creates a semaphore holding `value` units.
   *
   * @param value The initial count (default 1).
   * @throws {TypeError} If `value` is not a number.
   * @throws {RangeError} If `value` is negative or NaN.
   */
  constructor(value = 1) {
    if (arguments.length > 1) extraArgument(new.target.name, "at most 1 argument", arguments[1]);
    if (typeof value !== "number") {
      if (value !== null && typeof value === "object" && "loop" in value) {
        extraArgument(new.target.name, "at most 1 argument", value);
      }
      throw new TypeError(`value must be a number: got ${describe(value)}`);
    }
    if (!(value >= 0)) {
      throw new RangeError(`Semaphore initial value must be >= 0: got ${value}`);
    }
    this._value = value;
  }

  /** Whether `acquire()` would wait: no unit is left, or others wait first. */
  locked(): boolean {
    if (this._value === 0) return true;
    const waiters = this._waiters;
    if (waiters === null) return false;
    for (let i = 0; i < waiters.length; i++) if (!waiters.at(i).cancelled()) return true;
    return false;
  }

  /**
   * Takes one unit, waiting (FIFO) while none is free or others wait first.
   *
   * @returns A coroutine of `true` (awaitable too).
   * @throws {CancelledError} If the waiting task is cancelled (the unit it
   *   may have been given passes to the next waiter).
   * @throws {RuntimeError} If the semaphore is bound to another loop.
   */
  acquire(): AwaitableCoroutine<true>;
  *acquire(): Coroutine<true> {
    if (!this.locked()) {
      this._value--;
      return true;
    }
    const fut = _boundLoop(this).createFuture<true>();
    const waiters = this._waiters ??= new RingQueue();
    waiters.push(fut);
    try {
      try {
        yield fut; // a task drives this coroutine: it resumes it with the result
      } finally {
        waiters.remove(fut);
      }
    } catch (e) {
      // Given a unit by release() but not taking it: give it back.
      if (isInstance(e, CancelledError) && fut.done() && !fut.cancelled()) this._value++;
      throw e;
    } finally {
      // Waiters that came while others were first in line may go now.
      while (this._value > 0) {
        if (!this.#wakeUpNext()) break; // nobody left to wake
      }
    }
    return true;
  }

  /**
   * Takes one unit and returns a `Disposable` that gives it back:
   * `using held = yield* sem.hold();` is asyncio's `async with sem:`.
   *
   * @returns A coroutine of the `Disposable` (awaitable too).
   * @throws {CancelledError} If the waiting task is cancelled.
   */
  hold(): AwaitableCoroutine<Disposable>;
  *hold(): Coroutine<Disposable> {
    yield* this.acquire();
    return new Held(this);
  }

  /**
   * Gives one unit back, waking the first waiter if there is one.
   *
   * @throws {RangeError} On a `BoundedSemaphore` released above its initial value.
   */
  release(): void {
    this._value++;
    this.#wakeUpNext();
  }

  // Hands a unit to the first waiter not woken yet.
  #wakeUpNext(): boolean {
    const waiters = this._waiters;
    if (waiters === null) return false;
    for (let i = 0; i < waiters.length; i++) {
      const fut = waiters.at(i);
      if (!fut.done()) {
        this._value--;
        fut.setResult(true);
        return true;
      }
    }
    return false;
  }

  /** A description such as `<Semaphore [unlocked, value:2]>`. */
  toString(): string {
    const extra = this.locked() ? "locked" : `unlocked, value:${this._value}`;
    return `<${this.constructor.name} [${withWaiters(extra, this._waiters)}]>`;
  }
}

/**
 * A semaphore that refuses to be released above its initial value
 * (asyncio's `BoundedSemaphore`): a `release()` without a matching
 * `acquire()` is a bug, caught here.
 *
 * @example Releasing more often than acquiring
 * ```ts
 * import assert from "node:assert/strict";
 * import { BoundedSemaphore } from "@asyncio/deno";
 * const sem = new BoundedSemaphore(1);
 * assert.throws(() => sem.release(), RangeError);
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  #bound: number;

  /**
   * Creates a bounded semaphore holding `value` units, its maximum.
   *
   * @param value The initial and maximum count (default 1).
   * @throws {TypeError} If `value` is not a number.
   * @throws {RangeError} If `value` is negative or NaN.
   */
  constructor(value = 1) {
    if (arguments.length > 1) {
      extraArgument("BoundedSemaphore", "at most 1 argument", arguments[1]);
    }
    super(value);
    this.#bound = value;
  }

  /**
   * Gives one unit back.
   *
   * @throws {RangeError} If that would exceed the initial value.
   */
  override release(): void {
    if (this._value >= this.#bound) {
      throw new RangeError("BoundedSemaphore released too many times");
    }
    super.release();
  }
}

/**
 * Raised by `Barrier.wait()` when the barrier is broken (`abort()`) or reset
 * while the task waits. As in asyncio, a `RuntimeError`.
 *
 * @example The error is a RuntimeError
 * ```ts
 * import assert from "node:assert/strict";
 * import { BrokenBarrierError, RuntimeError } from "@asyncio/deno";
 * const e = new BrokenBarrierError("Barrier aborted");
 * assert(e instanceof RuntimeError && e.name === "BrokenBarrierError");
 * ```
 */
export class BrokenBarrierError extends RuntimeError {
  /** Creates the error. */
  constructor(message = "", options?: ErrorOptions) {
    super(message, options);
    this.name = "BrokenBarrierError";
  }
}

const FILLING = "filling";
const DRAINING = "draining";
const RESETTING = "resetting";
const BROKEN = "broken";
type BarrierState = typeof FILLING | typeof DRAINING | typeof RESETTING | typeof BROKEN;

/**
 * A barrier for a fixed number of tasks (asyncio's `Barrier`): each task
 * blocks in `wait()` until `parties` tasks wait, then all go on together,
 * and the barrier can be used again.
 *
 * Differences from asyncio: `async with barrier as i:` is
 * `const i = yield* barrier.wait();`.
 *
 * @example Three tasks meet
 * ```ts
 * import assert from "node:assert/strict";
 * import { Barrier, gather, sleep } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * const barrier = new Barrier(3);
 * function* party(delay: number) {
 *   yield* sleep(delay);
 *   yield* barrier.wait();
 *   return loop.time();
 * }
 * const times = await loop.runUntilComplete(function* () {
 *   return yield* gather(party(1), party(2), party(3));
 * }());
 * assert.deepEqual(times, [3, 3, 3]);
 * loop.close();
 * ```
 */
export class Barrier {
  /** @ignore */ _cond: Condition = new Condition();
  /** @ignore */ _parties: number;
  /** @ignore */ _state: BarrierState = FILLING;
  /** @ignore how many tasks are in the barrier */ _count = 0;

  /**
   * Creates a barrier for `parties` tasks.
   *
   * @param parties How many tasks must wait before all are released.
   * @throws {TypeError} If `parties` is not a number.
   * @throws {RangeError} If `parties` is not an integer above 0.
   */
  constructor(parties: number) {
    if (arguments.length > 1) extraArgument("Barrier", "1 argument", arguments[1]);
    if (typeof parties !== "number") {
      throw new TypeError(`parties must be a number: got ${describe(parties)}`);
    }
    if (!Number.isInteger(parties) || parties < 1) {
      throw new RangeError(`parties must be an integer > 0: got ${parties}`);
    }
    this._parties = parties;
  }

  /**
   * Waits until `parties` tasks wait, then returns this task's arrival
   * index, from 0 to `parties - 1`, unique among them.
   *
   * @returns A coroutine of the index (awaitable too).
   * @throws {BrokenBarrierError} If the barrier is broken, or is reset or
   *   aborted while the task waits.
   * @throws {CancelledError} If the waiting task is cancelled.
   */
  wait(): AwaitableCoroutine<number>;
  *wait(): Coroutine<number> {
    using _held = yield* this._cond.hold();
    yield* this.#block();
    try {
      const index = this._count++;
      if (index + 1 === this._parties) {
        this._state = DRAINING; // release everyone; newcomers block until drained
        this._cond.notifyAll();
      } else yield* this.#wait();
      return index;
    } finally {
      this._count--;
      this.#exit();
    }
  }

  // Blocks while the barrier drains or resets; raises if it is broken.
  *#block(): Coroutine<void> {
    yield* this._cond.waitFor(() => this._state !== DRAINING && this._state !== RESETTING);
    if (this._state === BROKEN) throw new BrokenBarrierError("Barrier aborted");
  }

  // Waits in the barrier until it is released; raises if reset or broken.
  *#wait(): Coroutine<void> {
    yield* this._cond.waitFor(() => this._state !== FILLING);
    if (this._state === BROKEN || this._state === RESETTING) {
      throw new BrokenBarrierError("Abort or reset of barrier");
    }
  }

  // The last task out lets the tasks waiting for the drain in.
  #exit(): void {
    if (this._count !== 0) return;
    if (this._state === RESETTING || this._state === DRAINING) this._state = FILLING;
    this._cond.notifyAll();
  }

  /**
   * Returns the barrier to its initial state; tasks waiting in it get
   * `BrokenBarrierError`.
   *
   * @returns A coroutine (awaitable too).
   */
  reset(): AwaitableCoroutine<void>;
  *reset(): Coroutine<void> {
    using _held = yield* this._cond.hold();
    if (this._count > 0) {
      if (this._state !== RESETTING) this._state = RESETTING;
    } else this._state = FILLING;
    this._cond.notifyAll();
  }

  /**
   * Breaks the barrier: waiting tasks and every later `wait()` get
   * `BrokenBarrierError` (until `reset()`).
   *
   * @returns A coroutine (awaitable too).
   */
  abort(): AwaitableCoroutine<void>;
  *abort(): Coroutine<void> {
    using _held = yield* this._cond.hold();
    this._state = BROKEN;
    this._cond.notifyAll();
  }

  /** How many tasks must wait for the barrier to release them. */
  get parties(): number {
    return this._parties;
  }

  /** How many tasks wait in the barrier while it fills (0 otherwise). */
  get nWaiting(): number {
    return this._state === FILLING ? this._count : 0;
  }

  /** Whether the barrier is broken. */
  get broken(): boolean {
    return this._state === BROKEN;
  }

  /** A description such as `<Barrier [filling, waiters:2/5]>`. */
  toString(): string {
    const waiting = this.broken ? "" : `, waiters:${this.nWaiting}/${this._parties}`;
    return `<${this.constructor.name} [${this._state}${waiting}]>`;
  }
}

awaitableCoroutines(
  Lock.prototype.acquire,
  Lock.prototype.hold,
  Event.prototype.wait,
  Condition.prototype.acquire,
  Condition.prototype.hold,
  Condition.prototype.wait,
  Condition.prototype.waitFor,
  Semaphore.prototype.acquire,
  Semaphore.prototype.hold,
  Barrier.prototype.wait,
  Barrier.prototype.reset,
  Barrier.prototype.abort,
);
