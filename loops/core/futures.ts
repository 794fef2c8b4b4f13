/**
 * `Future`: a result that arrives later, awaitable with `yield*` in
 * coroutines and with `await` in async functions.
 *
 * @module
 */

import {
  _getEventLoop,
  type AbstractEventLoop,
  callbackName,
  checkLoop,
  type ExceptionContext,
} from "./events.ts";
import { CancelledError, InvalidStateError, RuntimeError } from "./exceptions.ts";
import { checkCallback, describe, isInstance, safeString } from "./checks.ts";
import { sourceTraceback } from "./stack.ts";

const PENDING = 0;
const CANCELLED = 1;
const FINISHED = 2;
const STATE_NAMES = ["pending", "cancelled", "finished"];

/** `_flags`: the exception was never retrieved (asyncio's `_log_traceback`). */
const LOG_TRACEBACK = 1;

/**
 * A done callback that is an object: a task waiting on the future registers
 * itself, so a wake-up allocates no closure and no handle.
 *
 * @ignore
 */
export interface Waker {
  /** Schedules the wake-up for when the loop next runs callbacks (what `callSoon(cb, fut)` does). */
  _wakeFrom(fut: Future<unknown>): void;
  /** Wakes up now, inside the current callback. */
  _wakeNow(fut: Future<unknown>): void;
}

// deno-lint-ignore no-explicit-any
type DoneCallback = ((fut: any) => unknown) | Waker;

/**
 * Runs a done callback at once, in the current loop callback (the stream
 * reader delivers a read to the task that waits for it this way).
 *
 * @ignore
 */
export function runDoneCallback(cb: DoneCallback, fut: Future<unknown>): void {
  if (typeof cb === "function") cb(fut);
  else cb._wakeNow(fut);
}

/** @ignore The rarely used state of a future or task (see `Future._rare`). */
export interface FutureRare {
  cancelMessage?: string;
  cancelledExc?: CancelledError | null;
  onCancel?: (() => void) | null;
  sourceTraceback?: string;
  /** A task's coroutine or promise as given, when not its `_coro` (null: dropped). */
  origin?: unknown;
  /** A task's abort controller (`abortSignal()`). */
  abort?: AbortController | null;
  /** Stops a task listening to its `signal` option. */
  unlinkSignal?: (() => void) | null;
}

const NO_OPTIONS: FutureOptions = Object.freeze({});

/**
 * One done callback shared by many futures (a gather's children, a task
 * group's tasks): registered as their waker, it runs `onDone(fut)` for each
 * future at that future's own place in the ready queue, as asyncio's
 * `call_soon` of the callback would, but with itself as the runnable: no
 * handle and no argument array per future.
 *
 * `handledNow(fut)`, when given, runs as each future completes and returns
 * true when it has done all that `onDone(fut)` would do and nothing in it
 * could be observed later than now (a gather child that is neither failed,
 * cancelled nor the last only counts itself). Such a future is not queued:
 * of 100,000 gathered tasks, 99,999 need no second trip through the ready
 * queue.
 *
 * @ignore
 */
export class SharedDoneCallback implements Waker {
  #loop: AbstractEventLoop & { _callSoonRunnable?(r: { _run(): void }): void };
  #onDone: (fut: Future<unknown>) => void;
  #handledNow: ((fut: Future<unknown>) => boolean) | null;
  #queue: (Future<unknown> | undefined)[] = [];
  #head = 0;

  constructor(
    loop: AbstractEventLoop,
    onDone: (fut: Future<unknown>) => void,
    handledNow: ((fut: Future<unknown>) => boolean) | null = null,
  ) {
    this.#loop = loop;
    this.#onDone = onDone;
    this.#handledNow = handledNow;
  }

  /** Registers on `fut` (through addDoneCallback when a future class overrides it). */
  watch(fut: Future<unknown>): void {
    if (fut.addDoneCallback === futureAddDoneCallback) fut._addWaker(this);
    else {
      fut.addDoneCallback((f) => {
        if (this.#handledNow === null || !this.#handledNow(f)) this.#onDone(f);
      });
    }
  }

  /** @ignore */
  _wakeFrom(fut: Future<unknown>): void {
    if (this.#handledNow !== null && this.#handledNow(fut)) return;
    this.#queue.push(fut);
    const loop = this.#loop;
    if (loop._callSoonRunnable !== undefined) loop._callSoonRunnable(this);
    else loop.callSoon(() => this._run());
  }

  /** @ignore */
  _wakeNow(fut: Future<unknown>): void {
    this.#onDone(fut);
  }

  /** @ignore Runs the callback for the oldest future done. */
  _run(): void {
    const queue = this.#queue;
    const fut = queue[this.#head]!;
    queue[this.#head++] = undefined;
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
    }
    try {
      this.#onDone(fut);
    } catch (exception) {
      this.#loop.callExceptionHandler({
        message: `Exception in callback ${callbackName(this.#onDone)}(${fut})`,
        exception,
        future: fut,
      });
    }
  }
}

/** Options for `new Future()`. */
export interface FutureOptions {
  /** The loop; default: the running loop, else the policy's loop. */
  loop?: AbstractEventLoop;
}

// Futures whose exception nobody retrieved are reported when collected.
// The held value must not reference the future itself, not even through the
// exception: a V8 error keeps the receivers and functions of the frames it
// was thrown through alive (a failing task's own `_step`, for one), so the
// held value carries a detached copy of it (see `detachError`).
const unretrieved = new FinalizationRegistry<ExceptionContext & { loop: AbstractEventLoop }>(
  ({ loop, ...context }) => {
    try {
      loop.callExceptionHandler(context);
    } catch {
      // The loop may be gone in any state; nothing sensible remains to do.
    }
  },
);

// A copy of an error that shares its class, name, message and stack but
// none of its references; other values are kept as they are.
function detachError(exception: unknown): unknown {
  if (!isInstance(exception, Error)) return exception;
  const copy = Object.create(Object.getPrototypeOf(exception)) as Error;
  const own = (value: unknown) => ({ value, writable: true, configurable: true });
  Object.defineProperties(copy, {
    name: own(exception.name),
    message: own(exception.message),
    stack: own(exception.stack),
  });
  return copy;
}

// A short rendering of a result for toString(): `1`, `"text"`, `<Handle f()>`.
function formatResult(value: unknown): string {
  switch (typeof value) {
    case "number":
    case "boolean":
    case "undefined":
    case "symbol":
      return String(value);
    case "bigint":
      return `${value}n`;
    case "object":
      try {
        if (value !== null && value.toString !== Object.prototype.toString) return String(value);
      } catch {
        // unreadable (a revoked Proxy): described below
      }
  }
  return describe(value);
}

/**
 * A future: pending, then finished with a result or an exception, or
 * cancelled. Done callbacks are always scheduled with `loop.callSoon`, never
 * called synchronously.
 *
 * It is a `PromiseLike` (`await fut` in async functions) and iterable
 * (`const v = yield* fut` in coroutines, typed).
 *
 * Differences from asyncio: an exception that is never retrieved is reported
 * to the loop's exception handler when the future is garbage-collected (as
 * asyncio does in `__del__`), which in JavaScript happens at an unspecified
 * time. The report has no `future` key (the future is gone by then) and, for
 * an `Error`, carries a copy with the same class, name, message and stack:
 * holding the original would keep the future alive.
 *
 * @typeParam T The result type.
 *
 * @example Awaiting a future from a coroutine
 * ```ts
 * import assert from "node:assert/strict";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * const fut = loop.createFuture<string>();
 * loop.callLater(1, () => fut.setResult("ready"));
 * const value = await loop.runUntilComplete(function* () {
 *   const v: string = yield* fut;
 *   return v.toUpperCase();
 * }());
 * assert(value === "READY");
 * loop.close();
 * ```
 */
export class Future<T = unknown> implements PromiseLike<T>, Iterable<unknown, T> {
  // Declared and set in the constructor, not class fields: V8 defines class
  // fields one by one through a separate initializer, which made a task cost
  // twice as much to make.
  /** @ignore */ declare _state: number;
  /** @ignore */ declare _result: T | undefined;
  /** @ignore */ declare _exception: unknown;
  /** @ignore */ declare _loop: AbstractEventLoop;
  // Typed loosely so that Future<T> stays covariant in T.
  /**
   * @ignore The done callbacks in order: one is held as it is (most futures
   * have a single waiter: no array), more in an array.
   */
  declare _callbacks: DoneCallback | DoneCallback[] | null;
  /**
   * @ignore Small flags in one field (a task per coroutine adds up):
   * `LOG_TRACEBACK` here, a task's own in the bits above it.
   */
  declare _flags: number;
  /**
   * @ignore What few futures need, made on first use, so that the many
   * that never need it stay small (a task per coroutine adds up).
   */
  declare _rare: FutureRare | null;

  /**
   * Creates a pending future.
   *
   * @param options The loop (default: the running loop, else the policy's).
   * @throws {TypeError} If `options` is not an object or `options.loop` is
   *   not an event loop.
   */
  constructor(options: FutureOptions = NO_OPTIONS) {
    if (options === null || typeof options !== "object") {
      throw new TypeError(`options must be an object: got ${describe(options)}`);
    }
    const loop = options.loop ?? _getEventLoop();
    checkLoop(loop, "options.loop");
    this._state = PENDING;
    this._result = undefined;
    this._exception = undefined;
    this._loop = loop;
    this._callbacks = null;
    this._flags = 0;
    this._rare = null;
    if (loop.getDebug()) this._sourceTraceback = sourceTraceback();
  }

  /** @ignore whether the exception was never retrieved (in `_flags`) */
  get _logTraceback(): boolean {
    return (this._flags & LOG_TRACEBACK) !== 0;
  }
  /** @ignore */
  set _logTraceback(on: boolean) {
    this._flags = on ? this._flags | LOG_TRACEBACK : this._flags & ~LOG_TRACEBACK;
  }

  /** @ignore */
  get _cancelMessage(): string | undefined {
    return this._rare?.cancelMessage;
  }
  /** @ignore */
  set _cancelMessage(msg: string | undefined) {
    if (msg !== undefined || this._rare !== null) (this._rare ??= {}).cancelMessage = msg;
  }

  /** @ignore the CancelledError that cancelled a task */
  get _cancelledExc(): CancelledError | null {
    return this._rare?.cancelledExc ?? null;
  }
  /** @ignore */
  set _cancelledExc(exc: CancelledError | null) {
    (this._rare ??= {}).cancelledExc = exc;
  }

  /** @ignore called once when the future is cancelled (wrapFuture's abort) */
  get _onCancel(): (() => void) | null {
    return this._rare?.onCancel ?? null;
  }
  /** @ignore */
  set _onCancel(fn: (() => void) | null) {
    (this._rare ??= {}).onCancel = fn;
  }

  /** @ignore where it was made (debug mode) */
  get _sourceTraceback(): string | undefined {
    return this._rare?.sourceTraceback;
  }
  /** @ignore */
  set _sourceTraceback(stack: string | undefined) {
    (this._rare ??= {}).sourceTraceback = stack;
  }

  /** The loop the future is bound to. */
  getLoop(): AbstractEventLoop {
    return this._loop;
  }

  /** Whether the future was cancelled. */
  cancelled(): boolean {
    return this._state === CANCELLED;
  }

  /** Whether the future is done: finished or cancelled. */
  done(): boolean {
    return this._state !== PENDING;
  }

  /**
   * The result.
   *
   * @returns The result.
   * @throws {CancelledError} If cancelled.
   * @throws {InvalidStateError} If not done yet.
   * @throws The exception, if the future finished with one.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Future } from "@asyncio/deno";
   * import { TestLoop } from "@asyncio/deno/testing";
   * const loop = new TestLoop();
   * const fut = new Future<number>({ loop });
   * fut.setResult(1);
   * assert(fut.result() === 1);
   * loop.close();
   * ```
   */
  result(): T {
    if (this._state === CANCELLED) throw this._makeCancelledError();
    if (this._state === PENDING) throw new InvalidStateError("Result is not ready.");
    if ((this._flags & LOG_TRACEBACK) !== 0) retrieved(this);
    if (this._exception !== undefined) throw this._exception;
    return this._result as T;
  }

  /**
   * The exception the future finished with, or `null`.
   *
   * @returns The exception or null.
   * @throws {CancelledError} If cancelled.
   * @throws {InvalidStateError} If not done yet.
   */
  exception(): unknown {
    if (this._state === CANCELLED) throw this._makeCancelledError();
    if (this._state === PENDING) throw new InvalidStateError("Exception is not set.");
    if ((this._flags & LOG_TRACEBACK) !== 0) retrieved(this);
    return this._exception === undefined ? null : this._exception;
  }

  /**
   * Adds a callback run (through `loop.callSoon`) with the future once it is
   * done; if it is done already, the callback is scheduled now.
   *
   * @param fn The callback.
   * @throws {TypeError} If `fn` is not a function.
   */
  addDoneCallback(fn: (fut: Future<T>) => unknown): void {
    checkCallback(fn, "fn");
    if (this._state !== PENDING) this._loop.callSoon(fn, this);
    else pushCallback(this, fn);
  }

  /**
   * @ignore Takes the done callbacks (in order) so that completing the
   * future schedules none of them; `null` if there are none.
   */
  _takeCallbacks(): DoneCallback[] | null {
    const cbs = this._callbacks;
    this._callbacks = null;
    return cbs === null ? null : Array.isArray(cbs) ? cbs : [cbs];
  }

  /**
   * Removes every registration of `fn`.
   *
   * @param fn The callback.
   * @returns How many were removed.
   */
  removeDoneCallback(fn: (fut: Future<T>) => unknown): number {
    const cbs = this._callbacks;
    if (cbs === null) return 0;
    if (!Array.isArray(cbs)) {
      if (cbs !== fn) return 0;
      this._callbacks = null;
      return 1;
    }
    const kept = cbs.filter((f) => f !== fn);
    this._callbacks = kept.length === 0 ? null : kept.length === 1 ? kept[0] : kept;
    return cbs.length - kept.length;
  }

  /**
   * Cancels the future and schedules its callbacks.
   *
   * @param msg The message of the `CancelledError` awaiting code receives.
   * @returns `false` if already done, otherwise `true`.
   */
  cancel(msg?: string): boolean {
    // As asyncio: a cancel request counts as looking at the outcome.
    if ((this._flags & LOG_TRACEBACK) !== 0) retrieved(this);
    if (this._state !== PENDING) return false;
    this._state = CANCELLED;
    this._cancelMessage = msg;
    if (this._onCancel !== null) {
      const onCancel = this._onCancel;
      this._onCancel = null;
      onCancel();
    }
    scheduleCallbacks(this as Future<unknown>);
    return true;
  }

  /**
   * Marks the future done with `result`.
   *
   * @param result The result.
   * @throws {InvalidStateError} If already done.
   */
  setResult(result: T): void {
    if (this._state !== PENDING) {
      throw new InvalidStateError(`${STATE_NAMES[this._state]}: ${this}`);
    }
    this._result = result;
    this._state = FINISHED;
    scheduleCallbacks(this as Future<unknown>);
  }

  /**
   * Marks the future done with an exception.
   *
   * @param exception The error (any value except `undefined`).
   * @throws {InvalidStateError} If already done.
   * @throws {TypeError} If `exception` is undefined.
   */
  setException(exception: unknown): void {
    if (this._state !== PENDING) {
      throw new InvalidStateError(`${STATE_NAMES[this._state]}: ${this}`);
    }
    if (exception === undefined) throw new TypeError("exception must not be undefined");
    // Everything that looks at the value comes before the state changes.
    const report = {
      loop: this._loop,
      message: `${this.constructor.name} exception was never retrieved`,
      exception: detachError(exception),
      ...(this._sourceTraceback !== undefined ? { sourceTraceback: this._sourceTraceback } : {}),
    };
    this._exception = exception;
    this._state = FINISHED;
    this._flags |= LOG_TRACEBACK;
    unretrieved.register(this, report, this);
    scheduleCallbacks(this as Future<unknown>);
  }

  /** @ignore Registers a waker (a task awaiting this future). */
  _addWaker(waker: Waker): void {
    if (this._state !== PENDING) waker._wakeFrom(this as Future<unknown>);
    else pushCallback(this, waker);
  }

  /** @ignore The CancelledError to raise for a cancelled future. */
  _makeCancelledError(): CancelledError {
    if (this._cancelledExc !== null) return this._cancelledExc;
    return new CancelledError(this._cancelMessage ?? "");
  }

  /**
   * Awaits the future in a coroutine: `const v = yield* fut`.
   *
   * @returns An iterator that yields the future to its task once, then
   *   returns the result (or throws the exception).
   * @throws {RuntimeError} If it is resumed while the future is still
   *   pending: something other than a task drove it ("await wasn't used
   *   with future", as in asyncio).
   */
  *[Symbol.iterator](): Generator<unknown, T, unknown> {
    if (this._state === PENDING) {
      yield this;
      if (this._state === PENDING) throw new RuntimeError("await wasn't used with future");
    }
    return this.result();
  }

  /**
   * Awaits the future from an async function (`await fut`). The loop must be
   * running for a pending future to complete.
   *
   * @param onfulfilled Called with the result.
   * @param onrejected Called with the exception (a `CancelledError` if cancelled).
   * @returns A promise.
   */
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return new Promise<T>((resolve, reject) => {
      const settle = (f: Future<T>) => {
        try {
          resolve(f.result());
        } catch (e) {
          reject(e);
        }
      };
      if (this._state !== PENDING) settle(this);
      else this.addDoneCallback(settle);
    }).then(onfulfilled, onrejected);
  }

  /** @ignore The state as `toString()` shows it. */
  _stateName(): string {
    return STATE_NAMES[this._state];
  }

  /** A description such as `<Future pending>` or `<Future finished result=1>`. */
  toString(): string {
    let s = `<${this.constructor.name} ${this._stateName()}`;
    if (this._state === FINISHED) {
      s += this._exception !== undefined
        ? ` exception=${safeString(this._exception)}`
        : ` result=${formatResult(this._result)}`;
    }
    return s + ">";
  }
}

const futureAddDoneCallback = Future.prototype.addDoneCallback;

/**
 * Wraps a promise-like in a `Future` of `loop` (default: the running loop),
 * so coroutines can `yield* wrapFuture(promise)`. Cancelling the future does
 * not stop the promise's work; its outcome is then ignored. Give a function
 * `(signal) => promise` instead, and cancelling the future aborts `signal`:
 * that is how `fetch` and every Deno API that takes an `AbortSignal` become
 * cancellable from a task. The loop counts the promise as pending I/O until
 * it settles (the virtual-time loop does not jump its clock meanwhile).
 *
 * @typeParam T The result type.
 * @param promise The promise-like, or a function that starts the work with
 *   an `AbortSignal` and returns its promise.
 * @param loop The loop.
 * @returns A future that settles like the promise.
 * @throws {TypeError} If `loop` is not an event loop.
 *
 * @example Awaiting a promise
 * ```ts
 * import assert from "node:assert/strict";
 * import { wrapFuture } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * const v = await loop.runUntilComplete(function* () {
 *   return yield* wrapFuture(Promise.resolve(5));
 * }());
 * assert(v === 5);
 * loop.close();
 * ```
 *
 * @example Cancelling aborts the work
 * ```ts
 * import assert from "node:assert/strict";
 * import { wrapFuture } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * let aborted = false;
 * const fut = wrapFuture((signal) =>
 *   new Promise<void>((resolve) => {
 *     signal.addEventListener("abort", () => { aborted = true; resolve(); });
 *   }), loop);
 * loop.callSoon(() => fut.cancel());
 * await loop.runUntilComplete(fut).catch(() => {});
 * assert(aborted);
 * loop.close();
 * ```
 */
export function wrapFuture<T>(
  promise: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>),
  loop?: AbstractEventLoop,
): Future<T> {
  if (loop !== undefined) checkLoop(loop, "loop");
  if (promise instanceof Future) return promise;
  const fut = new Future<T>(loop === undefined ? {} : { loop });
  if (typeof promise === "function") {
    const controller = new AbortController();
    fut._onCancel = () => controller.abort(fut._makeCancelledError());
    promise = promise(controller.signal);
  }
  const l = fut._loop as AbstractEventLoop & { _pendingIo?: number };
  if (l._pendingIo !== undefined) l._pendingIo++;
  const settle = (ok: boolean, value: unknown) => {
    if (l._pendingIo !== undefined) l._pendingIo--;
    if (fut.done() || l.isClosed()) return;
    if (ok) fut.setResult(value as T);
    else {fut.setException(
        value === undefined ? new Error("Promise rejected with undefined") : value,
      );}
  };
  promise.then((v) => settle(true, v), (e) => settle(false, e));
  return fut;
}

// The future's helpers are functions, not private methods: a class with a
// private method gives each instance a brand, one more word per future and
// per task (a task per coroutine adds up).

function pushCallback(fut: Future<unknown>, cb: DoneCallback): void {
  const cbs = fut._callbacks;
  if (cbs === null) fut._callbacks = cb;
  else if (Array.isArray(cbs)) cbs.push(cb);
  else fut._callbacks = [cbs, cb];
}

// The exception was looked at: no report when the future is collected.
function retrieved(fut: Future<unknown>): void {
  fut._flags &= ~LOG_TRACEBACK;
  unretrieved.unregister(fut);
}

// Schedules the done callbacks (wakes the wakers) of a future just done.
function scheduleCallbacks(fut: Future<unknown>): void {
  const cbs = fut._callbacks;
  if (cbs === null) return;
  fut._callbacks = null;
  if (!Array.isArray(cbs)) {
    if (typeof cbs === "function") fut._loop.callSoon(cbs, fut);
    else cbs._wakeFrom(fut);
    return;
  }
  const loop = fut._loop;
  for (let i = 0; i < cbs.length; i++) {
    const cb = cbs[i];
    if (typeof cb === "function") loop.callSoon(cb, fut);
    else cb._wakeFrom(fut);
  }
}
