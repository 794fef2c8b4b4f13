/**
 * `Task`: drives a coroutine (a generator) step by step on its loop, with
 * asyncio's cancellation semantics.
 *
 * @module
 */

import {
  _getEventLoop,
  _getRunningLoop,
  type AbstractEventLoop,
  type Awaitable,
  checkLoop,
  type Coroutine,
  getRunningLoop,
  type TaskFactory,
} from "./events.ts";
import { CancelledError, InvalidStateError, RuntimeError } from "./exceptions.ts";
import { Future, wrapFuture } from "./futures.ts";
import { checkCallback, describe, isCoroutine, isInstance, isThenable } from "./checks.ts";
import { abortMessage, checkAbortSignal, whenAborted } from "./abort.ts";

/** Options for `new Task()` and `createTask()`. */
export interface TaskOptions {
  /** The task's name (default `Task-N`). */
  name?: string;
  /** Cancels the task when it aborts (the abort reason is the cancel message). */
  signal?: AbortSignal;
}

/** Options for `new Task()`. */
export interface TaskConstructorOptions extends TaskOptions {
  /** The loop (default: the running loop, else the policy's loop). */
  loop?: AbstractEventLoop;
  /**
   * Run the first step at once, inside the constructor, when the loop is
   * running (asyncio's `eager_start`, what `eagerTaskFactory` sets): a
   * coroutine that finishes without waiting makes a task that is already
   * done and never scheduled.
   */
  eagerStart?: boolean;
}

let taskCounter = 0;

// A task's bits of `_flags` (the future's LOG_TRACEBACK is bit 0): the next
// step throws `_sendValue`; a cancellation waits for the next step; and, from
// bit 3 up, the count of cancellation requests (`cancelling()`).
const SEND_THROW = 2;
const MUST_CANCEL = 4;
const CANCEL_UNIT = 8;
const CANCEL_SHIFT = 3;
const futureAddDoneCallback = Future.prototype.addDoneCallback;

/** What a task's step needs from its loop (BaseEventLoop provides it). */
interface TaskLoop extends AbstractEventLoop {
  /** Puts a runnable (a task step) on the ready queue. */
  _callSoonRunnable(r: { _run(): void }): void;
  /** The task taking a step right now. */
  _currentTask: Task<unknown> | null;
  /** The tasks not done that have waited for a future (see `allTasks`). */
  _tasks: TaskList;
  /** The ready queue (scanned by `allTasks` for the tasks not listed). */
  _ready?: { readonly length: number; at(i: number): unknown };
}

/**
 * The tasks of a loop that are not done and have waited for a future at
 * least once (with the ready queue and the current task, what `allTasks`
 * reports): an array, each task holding its index, so that listing and
 * finishing a task allocates nothing and costs a task one field. Removing
 * moves the last task into the hole: the order is not kept (asyncio's is a
 * set). A task is listed when it first waits, not when it is made: a task
 * that finishes in its first step (100,000 gathered ones) never touches the
 * list, and until it waits it is always on the ready queue or taking a step.
 *
 * @ignore
 */
export class TaskList implements Iterable<Task<unknown>> {
  #items: Task<unknown>[] = [];

  /** Adds a task (once). */
  add(task: Task<unknown>): void {
    if (task._taskIndex !== -1) return;
    task._taskIndex = this.#items.length;
    this.#items.push(task);
  }

  /** Removes a task; returns whether it was there. */
  delete(task: Task<unknown>): boolean {
    const i = task._taskIndex;
    if (i === -1) return false;
    const items = this.#items;
    const last = items.pop()!;
    if (last !== task) {
      items[i] = last;
      last._taskIndex = i;
    }
    task._taskIndex = -1;
    return true;
  }

  *[Symbol.iterator](): Generator<Task<unknown>> {
    // A copy: the tasks may finish (and move) while the caller iterates.
    yield* this.#items.slice();
  }
}

function* awaitPromise<T>(promise: PromiseLike<T>): Coroutine<T> {
  return yield* wrapFuture(promise);
}

function* awaitIterable<T>(awaitable: Iterable<unknown, T>): Coroutine<T> {
  return yield* awaitable;
}

// An awaitable object that is neither a future, a coroutine nor a promise:
// anything with [Symbol.iterator] (an operation written as `*[Symbol.iterator]()`).
// Arrays are iterable too, but passing one is a mistake (gather takes spread
// arguments), so they are refused.
function isIterableAwaitable(value: unknown): value is Iterable<unknown, unknown> {
  if (value === null || typeof value !== "object") return false;
  try {
    return !Array.isArray(value) &&
      typeof (value as Iterable<unknown>)[Symbol.iterator] === "function";
  } catch {
    return false; // a revoked Proxy
  }
}

/**
 * A future that runs a coroutine. Each step of the coroutine is one
 * callback on the loop. `cancel()` throws `CancelledError` into the coroutine
 * where it is suspended, so `try/finally` and `catch` work, and the coroutine
 * may suppress it.
 *
 * Differences from asyncio: a task may also wrap a promise (or an async
 * function's promise); cancelling such a task cancels the task, but cannot
 * interrupt the promise's own work.
 *
 * @typeParam T The result type.
 *
 * @example Cancelling a task
 * ```ts
 * import assert from "node:assert/strict";
 * import { CancelledError, sleep } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * const log: string[] = [];
 * const task = loop.createTask(function* () {
 *   try {
 *     yield* sleep(10);
 *   } finally {
 *     log.push("cleanup");
 *   }
 * }());
 * loop.callLater(1, () => task.cancel("enough"));
 * try {
 *   await loop.runUntilComplete(task);
 * } catch (e) {
 *   assert(e instanceof CancelledError && e.message === "enough");
 * }
 * assert(log[0] === "cleanup" && task.cancelled());
 * loop.close();
 * ```
 */
export class Task<T = unknown> extends Future<T> {
  // Declared and set in the constructor (see Future).
  /** @ignore */ declare _coro: Coroutine<T>;
  /** @ignore the name, or the number of the default name `Task-N` */ declare _name:
    | string
    | number;
  /** @ignore */ declare _futWaiter: Future<unknown> | null;
  /** @ignore where the task is in its loop's TaskList (-1: not listed) */
  declare _taskIndex: number;

  /**
   * @ignore The value (or exception) for the next step. A pending task has
   * no result yet, so it is kept in `_result` (one field less per task):
   * `_run` takes it out before the step, and only the step finishes the task.
   */
  get _sendValue(): unknown {
    return this._result;
  }
  /** @ignore */
  set _sendValue(value: unknown) {
    this._result = value as T;
  }

  /** @ignore a cancellation waits for the next step (in `_flags`) */
  get _mustCancel(): boolean {
    return (this._flags & MUST_CANCEL) !== 0;
  }
  /** @ignore */
  set _mustCancel(on: boolean) {
    this._flags = on ? this._flags | MUST_CANCEL : this._flags & ~MUST_CANCEL;
  }

  /** @ignore whether the next step throws `_sendValue` (in `_flags`) */
  get _sendThrow(): boolean {
    return (this._flags & SEND_THROW) !== 0;
  }
  /** @ignore */
  set _sendThrow(on: boolean) {
    this._flags = on ? this._flags | SEND_THROW : this._flags & ~SEND_THROW;
  }

  /** @ignore the pending cancellation requests (in `_flags`) */
  get _numCancelsRequested(): number {
    return this._flags >>> CANCEL_SHIFT;
  }
  /** @ignore */
  set _numCancelsRequested(n: number) {
    this._flags = (this._flags & (CANCEL_UNIT - 1)) + n * CANCEL_UNIT;
  }

  /** @ignore the coroutine or promise as given (a promise is run by a wrapper coroutine) */
  get _origin(): Coroutine<T> | PromiseLike<T> | null {
    const rare = this._rare;
    return rare !== null && "origin" in rare
      ? rare.origin as Coroutine<T> | PromiseLike<T> | null
      : this._coro;
  }
  /** @ignore */
  set _origin(origin: Coroutine<T> | PromiseLike<T> | null) {
    if (origin !== this._coro || this._rare !== null) (this._rare ??= {}).origin = origin;
  }

  /** @ignore aborted when the task is asked to cancel (see `abortSignal()`) */
  get _abort(): AbortController | null {
    return this._rare?.abort ?? null;
  }
  /** @ignore */
  set _abort(controller: AbortController | null) {
    (this._rare ??= {}).abort = controller;
  }

  /** @ignore stops listening to the `signal` option */
  get _unlinkSignal(): (() => void) | null {
    return this._rare?.unlinkSignal ?? null;
  }
  /** @ignore */
  set _unlinkSignal(fn: (() => void) | null) {
    (this._rare ??= {}).unlinkSignal = fn;
  }

  /**
   * Creates a task and schedules its first step. Prefer `createTask()`.
   *
   * @param coro A coroutine object, or a promise-like.
   * @param options The loop and the name.
   * @throws {TypeError} If `coro` is neither a coroutine nor a promise.
   * @throws {RuntimeError} If the loop is closed.
   */
  constructor(coro: Coroutine<T> | PromiseLike<T>, options: TaskConstructorOptions = {}) {
    super(options);
    this._futWaiter = null;
    this._taskIndex = -1;
    if (isCoroutine(coro)) this._coro = coro;
    else if (isThenable(coro)) this._coro = awaitPromise(coro) as Coroutine<T>;
    else if (typeof coro === "function") {
      throw new TypeError(
        `a coroutine was expected: got ${
          describe(coro)
        }; call the generator function to get a coroutine`,
      );
    } else throw new TypeError(`a coroutine or a promise was expected: got ${describe(coro)}`);
    this._origin = coro;
    // The default name is made when asked for: most tasks are never named.
    const name = options.name;
    this._name = name === undefined ? ++taskCounter : String(name);
    const loop = this._loop as TaskLoop;
    const signal = options.signal;
    checkAbortSignal(signal);
    if (options.eagerStart && loop.isRunning()) {
      // Registered during the first step, as asyncio's eager tasks are.
      loop._tasks.add(this as Task<unknown>);
      this._run();
      if (this.done()) this._origin = null; // as asyncio: get_coro() is None
      else if (options.signal !== undefined) this._linkSignal(options.signal);
      return;
    }
    loop._callSoonRunnable(this); // listed when it first waits (TaskList)
    if (signal !== undefined) this._linkSignal(signal);
  }

  /** @ignore Cancels the task when `signal` aborts, until the task is done. */
  _linkSignal(signal: AbortSignal): void {
    if (this.done() || this._unlinkSignal !== null) return;
    this._unlinkSignal = whenAborted(signal, () => this.cancel(abortMessage(signal)));
  }

  /** The task's name. */
  getName(): string {
    const name = this._name;
    return typeof name === "string" ? name : (this._name = `Task-${name}`);
  }

  /** Renames the task. */
  setName(name: unknown): void {
    this._name = String(name);
  }

  /**
   * The coroutine (or promise) the task runs; `null` for an eager task that
   * finished in its first step (as asyncio).
   */
  getCoro(): Coroutine<T> | PromiseLike<T> | null {
    return this._origin;
  }

  /** How many cancellation requests are pending (`cancel()` minus `uncancel()`). */
  cancelling(): number {
    return this._flags >>> CANCEL_SHIFT;
  }

  /**
   * Withdraws one cancellation request.
   *
   * @returns The remaining number of requests.
   */
  uncancel(): number {
    if (this._flags >= CANCEL_UNIT) {
      this._flags -= CANCEL_UNIT;
      if (this._flags < CANCEL_UNIT) this._flags &= ~MUST_CANCEL;
    }
    return this._flags >>> CANCEL_SHIFT;
  }

  /**
   * Requests cancellation: the coroutine receives `CancelledError(msg)` at
   * its current suspension point (or at its next one, if it is running).
   *
   * @param msg The cancel message.
   * @returns `false` if the task is already done, otherwise `true`.
   */
  override cancel(msg?: string): boolean {
    if (this.done()) return false;
    this._flags += CANCEL_UNIT;
    if (this._abort !== null && !this._abort.signal.aborted) {
      this._abort.abort(new CancelledError(msg ?? ""));
    }
    if (this._futWaiter !== null && this._futWaiter.cancel(msg)) return true;
    this._flags |= MUST_CANCEL;
    this._cancelMessage = msg;
    return true;
  }

  /**
   * `using task = loop.createTask(...)` cancels the task at the end of the
   * scope if it is still running (structured clean-up without a TaskGroup).
   */
  [Symbol.dispose](): void {
    this.cancel();
  }

  /** Tasks complete by themselves. @throws {RuntimeError} Always. */
  override setResult(_result: T): never {
    throw new RuntimeError("Task does not support setResult()");
  }

  /** Tasks complete by themselves. @throws {RuntimeError} Always. */
  override setException(_exception: unknown): never {
    throw new RuntimeError("Task does not support setException()");
  }

  /** @ignore Runs one step from the ready queue. */
  _run(): void {
    let value: unknown = undefined;
    let isThrow = false;
    // A done task's `_result` is its result, not a value to send (and
    // `_step` refuses to run it).
    if (this._state === 0) {
      value = this._result; // _sendValue
      this._result = undefined;
      const flags = this._flags;
      isThrow = (flags & SEND_THROW) !== 0;
      if (isThrow) this._flags = flags & ~SEND_THROW;
    }
    try {
      this._step(value, isThrow);
    } catch (exception) {
      this._loop.callExceptionHandler({
        message: `Task step failed: ${this}`,
        exception,
        task: this,
      });
    }
  }

  /**
   * The future the task awaits is done: take its outcome and queue the next
   * step (the task itself is the runnable: no handle).
   *
   * @ignore
   */
  _wakeFrom(fut: Future<unknown>): void {
    takeOutcome(this as Task<unknown>, fut);
    (this._loop as TaskLoop)._callSoonRunnable(this);
  }

  /** @ignore The same, stepping at once (inside the current callback). */
  _wakeNow(fut: Future<unknown>): void {
    takeOutcome(this as Task<unknown>, fut);
    this._run();
  }

  /** @ignore Resumes the coroutine with a value or an exception. */
  _step(value: unknown, isThrow: boolean): void {
    if (this._state !== 0) throw new InvalidStateError(`_step(): already done: ${this}`);
    if ((this._flags & MUST_CANCEL) !== 0) {
      // A CancelledError already on its way in (the awaited future was
      // cancelled) is delivered as it is, with its own message.
      if (!isThrow || !isInstance(value, CancelledError)) {
        value = this._makeCancelledError();
        isThrow = true;
      }
      this._flags &= ~MUST_CANCEL;
    }
    this._futWaiter = null;
    const loop = this._loop as TaskLoop;
    const previous = loop._currentTask;
    // A step inside another task's step (a reader waking its task at once):
    // the outer task, maybe in its first step, is on neither the ready
    // queue nor the list, so it is listed now.
    if (previous !== null) loop._tasks.add(previous);
    loop._currentTask = this as Task<unknown>;
    let r: IteratorResult<unknown, T>;
    try {
      r = isThrow ? this._coro.throw(value) : this._coro.next(value);
    } catch (e) {
      loop._currentTask = previous;
      finishTask(this as Task<unknown>);
      if (isInstance(e, CancelledError)) {
        this._cancelledExc = e;
        super.cancel(e.message);
      } else super.setException(e === undefined ? new Error("coroutine threw undefined") : e);
      return;
    }
    loop._currentTask = previous;
    if (r.done) {
      finishTask(this as Task<unknown>);
      if ((this._flags & MUST_CANCEL) !== 0) {
        this._flags &= ~MUST_CANCEL;
        super.cancel(this._cancelMessage);
      } else super.setResult(r.value);
      return;
    }
    awaitYielded(this as Task<unknown>, r.value, loop);
  }

  /** @ignore a task asked to cancel that has not acted on it yet is `cancelling` */
  override _stateName(): string {
    return this._flags >= CANCEL_UNIT && !this.done() ? "cancelling" : super._stateName();
  }

  /** A description such as `<Task pending name='Task-1'>` (`cancelling` once asked to). */
  override toString(): string {
    return super.toString().replace(/^<Task (\w+)/, `<Task $1 name='${this.getName()}'`);
  }
}

// A task's helpers are functions, not private methods: a class with a
// private method gives each instance a brand, one more word per task.

// The future a task awaited is done: its outcome becomes the next step's
// value (or the exception thrown in).
function takeOutcome(task: Task<unknown>, fut: Future<unknown>): void {
  if (task._state !== 0) return; // done: `_result` is the task's own
  if (fut._state === 2 && fut._exception === undefined) {
    task._result = fut._result; // _sendValue
    task._flags &= ~SEND_THROW;
    return;
  }
  try {
    fut.result();
  } catch (e) {
    task._result = e; // _sendValue
    task._flags |= SEND_THROW;
  }
}

// What the coroutine yielded: nothing (give way for one iteration), a
// future of this loop, or a promise-like. Anything else is an error thrown
// back into the coroutine.
function awaitYielded(task: Task<unknown>, yielded: unknown, loop: TaskLoop): void {
  if (yielded === undefined) {
    loop._callSoonRunnable(task);
    return;
  }
  let fut: Future<unknown>;
  if (isInstance(yielded, Future)) fut = yielded;
  else if (isThenable(yielded) && !isCoroutine(yielded)) fut = wrapFuture(yielded, loop);
  else {
    const hint = isCoroutine(yielded) ? "; use yield* to await a coroutine" : "";
    throwIn(
      task,
      new RuntimeError(
        `Task got bad yield: ${
          describe(yielded)
        }; yield* a Future, a Promise or a coroutine${hint}`,
      ),
      loop,
    );
    return;
  }
  if (fut._loop !== loop) {
    throwIn(
      task,
      new RuntimeError(`Task ${task} got Future ${fut} attached to a different loop`),
      loop,
    );
  } else if (fut === (task as unknown)) {
    throwIn(task, new RuntimeError(`Task cannot await on itself: ${task}`), loop);
  } else {
    loop._tasks.add(task); // listed at its first wait
    // A future class of the user's that overrides addDoneCallback is
    // called as asyncio calls it; the others take the task itself.
    if (fut.addDoneCallback === futureAddDoneCallback) fut._addWaker(task);
    else fut.addDoneCallback((f) => task._wakeNow(f));
    task._futWaiter = fut;
    if ((task._flags & MUST_CANCEL) !== 0 && fut.cancel(task._cancelMessage)) {
      task._flags &= ~MUST_CANCEL;
    }
  }
}

function throwIn(task: Task<unknown>, exc: Error, loop: TaskLoop): void {
  task._result = exc; // _sendValue
  task._flags |= SEND_THROW;
  loop._callSoonRunnable(task);
}

// The task is finishing: it leaves the loop's list and its signal.
function finishTask(task: Task<unknown>): void {
  (task._loop as TaskLoop)._tasks.delete(task);
  if (task._rare !== null && task._unlinkSignal !== null) {
    task._unlinkSignal();
    task._unlinkSignal = null;
  }
}

/**
 * Turns an awaitable into a future of `loop`: a future is returned as it is,
 * a coroutine (or any other object with `[Symbol.iterator]`, such as an
 * operation object, but not an array) is wrapped in a task, a promise-like
 * in a future.
 *
 * @typeParam T The result type.
 * @param awaitable A future, a coroutine or a promise-like.
 * @param loop The loop (default: the running loop, else the policy's loop).
 * @returns A future.
 * @throws {TypeError} For anything else, or a `loop` that is not an event loop.
 * @throws {RangeError} For a future of another loop (asyncio's ValueError).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ensureFuture } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * const task = ensureFuture(function* () { return 3; }(), loop);
 * assert(await loop.runUntilComplete(task) === 3);
 * loop.close();
 * ```
 */
export function ensureFuture<T>(
  awaitable: Future<T> | Coroutine<T> | PromiseLike<T> | Iterable<unknown, T>,
  loop?: AbstractEventLoop,
): Future<T> {
  if (loop !== undefined) checkLoop(loop, "loop");
  if (awaitable instanceof Future) {
    if (loop !== undefined && awaitable._loop !== loop) {
      throw new RangeError(
        "The future belongs to a different loop than the one specified as the loop argument",
      );
    }
    return awaitable;
  }
  if (isCoroutine(awaitable)) {
    const l = (loop ?? _getEventLoop()) as TaskLoop;
    return l.createTask(awaitable as Coroutine<T>);
  }
  if (isThenable(awaitable)) return wrapFuture(awaitable as PromiseLike<T>, loop);
  if (isIterableAwaitable(awaitable)) {
    const l = (loop ?? _getEventLoop()) as TaskLoop;
    return l.createTask(awaitIterable(awaitable as Iterable<unknown, T>));
  }
  throw notAwaitable(awaitable);
}

function notAwaitable(value: unknown): TypeError {
  if (Array.isArray(value)) {
    return new TypeError(
      "An asyncio Future, a coroutine or a promise is required: got an Array; " +
        "pass the awaitables as separate arguments (gather(...items))",
    );
  }
  return new TypeError(
    `An asyncio Future, a coroutine or a promise is required: got ${describe(value)}`,
  );
}

/**
 * Awaits any awaitable in the calling task, as asyncio's `await x` does: a
 * coroutine is driven inline (no task of its own), a future or a promise is
 * awaited.
 *
 * @ignore
 */
export function* awaitInTask<T>(awaitable: Awaitable<T>): Coroutine<T> {
  if (awaitable instanceof Future || isCoroutine(awaitable)) {
    return yield* awaitable as Iterable<unknown, T>;
  }
  if (isThenable(awaitable)) return yield* wrapFuture(awaitable as PromiseLike<T>);
  if (isIterableAwaitable(awaitable)) return yield* awaitable as Iterable<unknown, T>;
  throw notAwaitable(awaitable);
}

/**
 * Schedules a coroutine as a task on the running loop.
 *
 * @typeParam T The result type.
 * @param coro A coroutine object (or a promise).
 * @param options The task's name.
 * @returns The task.
 * @throws {RuntimeError} If no loop is running.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTask, run, sleep } from "@asyncio/deno";
 * const out = await run(function* () {
 *   const t = createTask(function* () { yield* sleep(0.01); return 2; }());
 *   return (yield* t) * 21;
 * }());
 * assert(out === 42);
 * ```
 */
export function createTask<T>(coro: Coroutine<T> | PromiseLike<T>, options?: TaskOptions): Task<T> {
  const loop = _getRunningLoop();
  if (loop === null) throw new RuntimeError("no running event loop");
  return (loop as TaskLoop).createTask(coro, options);
}

/**
 * The task taking a step right now on `loop` (default: the running loop).
 *
 * @param loop The loop.
 * @returns The task, or `null` outside of any task.
 * @throws {RuntimeError} If no loop is given and none is running.
 * @throws {TypeError} If `loop` is not an event loop.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { currentTask, run } from "@asyncio/deno";
 * const name = await run(function* () { return currentTask()!.getName(); }());
 * assert(name.startsWith("Task-"));
 * ```
 */
export function currentTask(loop?: AbstractEventLoop): Task<unknown> | null {
  if (loop !== undefined) checkLoop(loop, "loop");
  const l = loop ?? _getRunningLoop();
  if (l === null) throw new RuntimeError("no running event loop");
  return (l as TaskLoop)._currentTask ?? null;
}

/**
 * The tasks of `loop` (default: the running loop) that are not done yet.
 *
 * @param loop The loop.
 * @returns A new set of tasks.
 * @throws {RuntimeError} If no loop is given and none is running.
 * @throws {TypeError} If `loop` is not an event loop.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { allTasks, run } from "@asyncio/deno";
 * const n = await run(function* () { return allTasks().size; }());
 * assert(n === 1);
 * ```
 */
export function allTasks(loop?: AbstractEventLoop): Set<Task<unknown>> {
  if (loop !== undefined) checkLoop(loop, "loop");
  const l = loop ?? _getRunningLoop();
  if (l === null) throw new RuntimeError("no running event loop");
  const loopTasks = l as TaskLoop;
  const tasks = new Set<Task<unknown>>(loopTasks._tasks ?? []);
  // The tasks that have not waited yet are not listed: they are on the
  // ready queue, or the current task (see TaskList).
  const ready = loopTasks._ready;
  if (ready !== undefined) {
    for (let i = 0; i < ready.length; i++) {
      const r = ready.at(i);
      if (r instanceof Task && !r.done()) tasks.add(r);
    }
  }
  const current = loopTasks._currentTask;
  if (current != null && !current.done()) tasks.add(current);
  return tasks;
}

/**
 * A coroutine that an async function can also `await`: `yield*` it in a
 * generator coroutine, or `await` it, which runs it as a task on the
 * running loop (what `await ensureFuture(coro)` does).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type AwaitableCoroutine, run, sleep } from "@asyncio/deno";
 * const later: AwaitableCoroutine<string> = sleep(0.01, "done");
 * assert.equal(await run(async () => await later), "done");
 * ```
 */
export type AwaitableCoroutine<T> = Coroutine<T> & PromiseLike<T>;

// `then` shared by the coroutine objects of the functions below: awaiting one
// runs it as a task on the running loop (RuntimeError if none).
function awaitAsTask(
  this: Coroutine<unknown>,
  onfulfilled?: ((value: unknown) => unknown) | null,
  onrejected?: ((reason: unknown) => unknown) | null,
): PromiseLike<unknown> {
  return ensureFuture(this, getRunningLoop()).then(onfulfilled, onrejected);
}

/**
 * Makes the coroutine objects of generator functions awaitable from async
 * functions, at no cost to `yield*`: `then` goes on the function's
 * prototype, which every coroutine object it creates inherits.
 *
 * @ignore
 */
export function awaitableCoroutines(...fns: ((...args: never[]) => Coroutine<unknown>)[]): void {
  for (const fn of fns) {
    Object.defineProperty(fn.prototype, "then", {
      value: awaitAsTask,
      writable: true,
      configurable: true,
    });
  }
}

/**
 * Makes a task factory that starts tasks eagerly (asyncio's
 * `create_eager_task_factory`): `loop.createTask(coro)` runs the coroutine
 * at once, up to its first real wait, instead of at the next iteration.
 *
 * @param TaskClass The task class to construct (`Task` or a subclass); it
 *   receives `{ ...options, loop, eagerStart: true }`.
 * @returns A factory for `loop.setTaskFactory()`.
 * @throws {TypeError} If `TaskClass` is not a function.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createEagerTaskFactory, Task } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * class Named<T> extends Task<T> {}
 * const loop = new TestLoop();
 * loop.setTaskFactory(createEagerTaskFactory(Named));
 * const done = await loop.runUntilComplete(function* () {
 *   const t = loop.createTask(function* () { return 1; }());
 *   return t instanceof Named && t.done();
 * }());
 * assert(done);
 * loop.close();
 * ```
 */
export function createEagerTaskFactory(
  TaskClass: new <T>(
    coro: Coroutine<T> | PromiseLike<T>,
    options?: TaskConstructorOptions,
  ) => Task<T>,
): TaskFactory {
  checkCallback(TaskClass, "TaskClass");
  return <T>(loop: AbstractEventLoop, coro: Coroutine<T> | PromiseLike<T>, options?: TaskOptions) =>
    new TaskClass<T>(coro, { ...options, loop, eagerStart: true });
}

/**
 * A task factory that starts every task eagerly (asyncio's
 * `eager_task_factory`): `loop.setTaskFactory(eagerTaskFactory)`. A task
 * whose coroutine finishes without waiting is done as soon as it is created,
 * which saves a loop iteration per task (asyncio 3.12's speed-up for
 * cache-hit style coroutines).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { eagerTaskFactory, sleep } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * loop.setTaskFactory(eagerTaskFactory);
 * const log: string[] = [];
 * await loop.runUntilComplete(function* () {
 *   const t = loop.createTask(function* () {
 *     log.push("started");
 *     yield* sleep(1);
 *     log.push("resumed");
 *   }());
 *   log.push("created");
 *   yield* t;
 * }());
 * assert.deepEqual(log, ["started", "created", "resumed"]);
 * loop.close();
 * ```
 */
export const eagerTaskFactory: TaskFactory = createEagerTaskFactory(Task);

/**
 * An `AbortSignal` that aborts when the current task is asked to cancel: pass
 * it to `fetch` and any Deno API that takes a signal, so cancelling the task
 * also stops that work. The reason is a `CancelledError` with the cancel
 * message. One signal per task; it never un-aborts (even if the task then
 * suppresses the cancellation).
 *
 * @returns A coroutine of the signal.
 * @throws {RuntimeError} Outside a task.
 *
 * @example Cancelling a task cancels what it awaits on the host
 * ```ts
 * import assert from "node:assert/strict";
 * import { abortSignal, CancelledError, sleep, wrapFuture } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * let seen: unknown = null;
 * const task = loop.createTask(function* () {
 *   const signal = yield* abortSignal();
 *   signal.addEventListener("abort", () => seen = signal.reason);
 *   yield* sleep(60);
 * }());
 * loop.callLater(1, () => task.cancel("enough"));
 * await loop.runUntilComplete(task).catch(() => {});
 * assert(seen instanceof CancelledError && seen.message === "enough");
 * loop.close();
 * ```
 */
export function abortSignal(): AwaitableCoroutine<AbortSignal>;
// deno-lint-ignore require-yield
export function* abortSignal(): Coroutine<AbortSignal> {
  const task = currentTask();
  if (task === null) throw new RuntimeError("abortSignal() must be called inside a task");
  if (task._abort === null) {
    task._abort = new AbortController();
    if (task.cancelling() > 0) task._abort.abort(new CancelledError(task._cancelMessage ?? ""));
  }
  return task._abort.signal;
}

awaitableCoroutines(abortSignal);
