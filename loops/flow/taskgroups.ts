/**
 * `taskGroup` and `TaskGroup`: asyncio's `async with TaskGroup() as tg`.
 *
 * @module
 */

import { type AbstractEventLoop, type Coroutine, getRunningLoop } from "../core/events.ts";
import { CancelledError, KeyboardInterrupt, RuntimeError } from "../core/exceptions.ts";
import { ExceptionGroup } from "./exception_group.ts";
import { type Future, SharedDoneCallback, wrapFuture } from "../core/futures.ts";
import {
  type AwaitableCoroutine,
  awaitableCoroutines,
  currentTask,
  type Task,
  type TaskOptions,
} from "../core/tasks.ts";
import { checkCallback, isCoroutine, isInstance, isThenable } from "../core/checks.ts";

/**
 * The body of a `taskGroup()`: a generator function (it runs inline in the
 * calling task), an async function (it is awaited), or a plain function
 * that only starts tasks (what it returns is the result).
 */
export type TaskGroupBody<T> = (tg: TaskGroup) => Coroutine<T> | PromiseLike<T> | T;

// Python's _is_base_error: SystemExit and KeyboardInterrupt end the group
// with themselves, not inside a group. JavaScript has no SystemExit.
function isBaseError(exc: unknown): boolean {
  return isInstance(exc, KeyboardInterrupt);
}

// What a body returned, awaited in the caller's task: a coroutine is driven
// inline, a promise (an async function's) is awaited.
function* awaitInline(value: unknown): Coroutine<unknown> {
  if (isCoroutine(value)) return yield* value;
  if (isThenable(value)) return yield* wrapFuture(value);
  return value;
}

/**
 * A group of tasks that ends only when all of them have: asyncio's
 * `TaskGroup`, handed to the body of `taskGroup()`. The first task that fails
 * (with anything but `CancelledError`) cancels the others and the body, and
 * the group then raises an `ExceptionGroup` of every failure. A cancellation
 * of the task running the group passes through once the tasks are done.
 *
 * @example Starting tasks from a task of the group
 * ```ts
 * import assert from "node:assert/strict";
 * import { sleep, type TaskGroup, taskGroup } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * const seen: string[] = [];
 * function* crawl(tg: TaskGroup, page: string, depth: number) {
 *   yield* sleep(1);
 *   seen.push(page);
 *   if (depth > 0) for (const k of "ab") tg.createTask(crawl(tg, page + k, depth - 1));
 * }
 * await loop.runUntilComplete(taskGroup((tg) => {
 *   tg.createTask(crawl(tg, "/", 2));
 * }));
 * assert(seen.length === 7 && loop.time() === 3);
 * loop.close();
 * ```
 */
export class TaskGroup {
  /** @ignore the tasks not done yet */ _tasks: PendingTasks = new PendingTasks();
  #entered = false;
  #exiting = false;
  #aborting = false;
  #loop: AbstractEventLoop | null = null;
  #parentTask: Task<unknown> | null = null;
  #parentCancelRequested = false;
  #errors: unknown[] = [];
  #baseError: unknown = null;
  #onCompletedFut: Future<boolean> | null = null;
  /** The done callback of every task (one object, not a handle per task). */
  #taskDone: SharedDoneCallback | null = null;
  /** Tasks done whose #onTaskDone is queued. */
  #queued = 0;

  /**
   * A description such as `<TaskGroup tasks=2 errors=1 cancelling>`: the
   * tasks not done (a failed task, and the last one, until the group has
   * handled them), the failures so far, and `entered` or `cancelling`.
   */
  toString(): string {
    let info = "";
    if (this._tasks.size > 0) info += ` tasks=${this._tasks.size}`;
    if (this.#errors.length > 0) info += ` errors=${this.#errors.length}`;
    if (this.#aborting) info += " cancelling";
    else if (this.#entered) info += " entered";
    return `<TaskGroup${info}>`;
  }

  /**
   * Starts a task in the group (as `createTask()` does); the group waits for
   * it.
   *
   * @typeParam T The task's result type.
   * @param coro A coroutine object (or a promise).
   * @param options The task's name.
   * @returns The task.
   * @throws {RuntimeError} If the group has not been entered, is finished,
   *   or is shutting down after a failure or a cancellation (a coroutine
   *   refused is closed, so it never runs).
   * @throws {TypeError} If `coro` is neither a coroutine nor a promise.
   *
   * @example Naming a task and awaiting it in the body
   * ```ts
   * import assert from "node:assert/strict";
   * import { sleep, taskGroup } from "@asyncio/deno";
   * import { TestLoop } from "@asyncio/deno/testing";
   * const loop = new TestLoop();
   * const names = await loop.runUntilComplete(taskGroup(function* (tg) {
   *   const t = tg.createTask(sleep(1, "x"), { name: "worker" });
   *   return [t.getName(), yield* t];
   * }));
   * assert.deepEqual(names, ["worker", "x"]);
   * loop.close();
   * ```
   */
  createTask<T>(coro: Coroutine<T> | PromiseLike<T>, options?: TaskOptions): Task<T> {
    let refusal: string | null = null;
    if (!this.#entered) refusal = "has not been entered";
    else if (this.#exiting && this._tasks.size === 0) refusal = "is finished";
    else if (this.#aborting) refusal = "is shutting down";
    if (refusal !== null) {
      if (isCoroutine(coro)) coro.return(undefined as T);
      throw new RuntimeError(`TaskGroup ${this} ${refusal}`);
    }
    const task = this.#loop!.createTask(coro, options);
    // An eager task may be done already: no callback to wait for then.
    this._tasks.add(task);
    if (task.done()) this.#taskFinished(task);
    else {
      this.#taskDone ??= new SharedDoneCallback(
        this.#loop!,
        this.#onTaskDone as never,
        this.#onTaskDoneNow as never,
      );
      this.#taskDone.watch(task);
    }
    return task;
  }

  /**
   * Runs `body` inside the group (asyncio's `__aenter__` .. `__aexit__`);
   * `taskGroup()` is the public way in.
   *
   * @ignore
   */
  *_run<T>(body: () => unknown): Coroutine<T> {
    if (this.#entered) throw new RuntimeError(`TaskGroup ${this} has already been entered`);
    this.#loop ??= getRunningLoop();
    const parent = currentTask(this.#loop);
    if (parent === null) {
      throw new RuntimeError(`TaskGroup ${this} cannot determine the parent task`);
    }
    this.#parentTask = parent;
    this.#entered = true;
    let result: T;
    try {
      try {
        result = (yield* awaitInline(body())) as T;
      } catch (e) {
        yield* this.#exit(true, e);
        throw e;
      }
      yield* this.#exit(false, undefined);
    } finally {
      // Closed mid-body (the generator's return()): nothing can be awaited
      // any more, but the tasks are not left running unowned.
      if (!this.#exiting) this.#abort();
    }
    return result;
  }

  // asyncio's __aexit__: wait for every task (cancelling them all if the
  // body failed or the parent is cancelled), then decide what to raise.
  *#exit(raised: boolean, exc: unknown): Coroutine<void> {
    this.#exiting = true;
    if (raised && isBaseError(exc) && this.#baseError === null) this.#baseError = exc;
    let propagate: unknown = raised && isInstance(exc, CancelledError) ? exc : null;
    if (raised && !this.#aborting) this.#abort();
    // A loop, because the wait can be cancelled more than once (the parent
    // cancelled repeatedly, or by us while aborting).
    while (this._tasks.size > 0) {
      this.#onCompletedFut ??= this.#loop!.createFuture<boolean>();
      try {
        yield* this.#onCompletedFut;
      } catch (e) {
        if (!isInstance(e, CancelledError)) throw e;
        if (!this.#aborting) {
          // The parent is cancelled from outside while the tasks run.
          propagate = e;
          this.#abort();
        }
      }
      this.#onCompletedFut = null;
    }
    if (this.#baseError !== null) throw this.#baseError;
    const parent = this.#parentTask!;
    // Our own cancel request is withdrawn; a cancellation passes through
    // only if others remain.
    if (this.#parentCancelRequested && parent.uncancel() === 0) propagate = null;
    // Failures have priority over a cancellation.
    if (propagate !== null && this.#errors.length === 0) throw propagate;
    if (raised && !isInstance(exc, CancelledError)) this.#errors.push(exc);
    if (this.#errors.length === 0) return;
    // A parent cancelled from outside: uncancel and cancel again, which
    // keeps its count and makes it see the cancellation at its next await.
    if (parent.cancelling() > 0) {
      parent.uncancel();
      parent.cancel();
    }
    const errors = this.#errors;
    this.#errors = [];
    throw new ExceptionGroup("unhandled errors in a TaskGroup", errors);
  }

  #abort(): void {
    this.#aborting = true;
    for (const t of this._tasks) if (!t.done()) t.cancel();
  }

  // A task that finished with a result or was cancelled only leaves the set
  // (asyncio's `_on_task_done` does nothing else with it), unless it is the
  // last to finish: so that is done now rather than through the ready
  // queue. Failures and the last task to finish are queued for #onTaskDone,
  // as asyncio queues it, so the set empties where asyncio's does.
  #onTaskDoneNow = (task: Task<unknown>): boolean => {
    if (
      this._tasks.size - this.#queued <= 1 ||
      (task._state === 2 && task._exception !== undefined)
    ) {
      this.#queued++;
      return false;
    }
    this._tasks.delete(task);
    return true;
  };

  #onTaskDone = (task: Task<unknown>): void => {
    this.#queued--;
    this.#taskFinished(task);
  };

  #taskFinished(task: Task<unknown>): void {
    this._tasks.delete(task);
    const waiter = this.#onCompletedFut;
    if (waiter !== null && this._tasks.size === 0 && !waiter.done()) waiter.setResult(true);
    if (task.cancelled()) return;
    const exc = task.exception(); // marks it retrieved
    if (exc === null && task._exception === undefined) return;
    this.#errors.push(exc);
    if (isBaseError(exc) && this.#baseError === null) this.#baseError = exc;
    const parent = this.#parentTask!;
    if (parent.done()) {
      this.#loop!.callExceptionHandler({
        message: `Task ${task} has errored out but its parent task ${parent} is already completed`,
        exception: exc,
        task,
      });
      return;
    }
    if (!this.#aborting && !this.#parentCancelRequested) {
      // Interrupt the body (or the wait in #exit); #exit withdraws this
      // request, so the parent is not left cancelled by us.
      this.#abort();
      this.#parentCancelRequested = true;
      parent.cancel();
    }
  }
}

/**
 * Runs `body(tg)` with a task group: asyncio's `async with TaskGroup() as
 * tg:`. Tasks started with `tg.createTask()` run concurrently; `taskGroup`
 * returns the body's result once the body and every task are done. The
 * first task that fails cancels the other tasks and the body, and
 * `taskGroup` raises an `ExceptionGroup` of the failures (a failure of the
 * body itself is one of them). If the calling task is cancelled, the tasks
 * are cancelled and, once they are done, the `CancelledError` passes
 * through, unless a task failed: failures win.
 *
 * A generator body runs inline in the calling task, so the group can
 * interrupt it. An async function body is awaited: the group stops waiting
 * for it, but cannot interrupt its own work (as for any promise). A plain
 * function body suits a group that only starts tasks.
 *
 * @typeParam T The body's result type.
 * @param body `function* (tg) { ... }`, `async (tg) => { ... }` or
 *   `(tg) => { ... }`.
 * @returns A coroutine of the body's result (awaitable from async functions).
 * @throws {ExceptionGroup} The failures of the tasks and the body.
 * @throws {CancelledError} If the calling task is cancelled and nothing failed.
 * @throws {KeyboardInterrupt} As it is, when a task or the body raised it.
 * @throws {TypeError} If `body` is not a function (when driven).
 * @throws {RuntimeError} Outside a task (when driven).
 *
 * @example Waiting for all tasks
 * ```ts
 * import assert from "node:assert/strict";
 * import { sleep, taskGroup } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * const [a, b] = await loop.runUntilComplete(taskGroup((tg) => {
 *   const a = tg.createTask(sleep(1, "a"));
 *   const b = tg.createTask(sleep(2, "b"));
 *   return [a, b];
 * }));
 * assert(a.result() === "a" && b.result() === "b" && loop.time() === 2);
 * loop.close();
 * ```
 *
 * @example The first failure cancels the rest
 * ```ts
 * import assert from "node:assert/strict";
 * import { ExceptionGroup, sleep, taskGroup } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * function* fail() {
 *   yield* sleep(1);
 *   throw new RangeError("bad value");
 * }
 * const outcome = await loop.runUntilComplete(function* () {
 *   try {
 *     yield* taskGroup((tg) => {
 *       tg.createTask(fail());
 *       tg.createTask(sleep(3600)); // cancelled at t=1
 *     });
 *     return null;
 *   } catch (e) {
 *     return e;
 *   }
 * }());
 * assert(outcome instanceof ExceptionGroup && loop.time() === 1);
 * assert(outcome.exceptions[0] instanceof RangeError);
 * loop.close();
 * ```
 */
export function taskGroup<T>(body: TaskGroupBody<T>): AwaitableCoroutine<T>;
export function* taskGroup<T>(body: TaskGroupBody<T>): Coroutine<T> {
  checkCallback(body, "body");
  const tg = new TaskGroup();
  return yield* tg._run<T>(() => body(tg));
}

awaitableCoroutines(taskGroup);

/**
 * The tasks of a group not done yet: asyncio's set, as an array that forgets
 * finished tasks in bulk (a Set entry added and removed per task cost more
 * than the task). Only finished tasks are removed.
 *
 * @ignore
 */
export class PendingTasks implements Iterable<Task<unknown>> {
  #items: Task<unknown>[] = [];
  #pending = 0;

  /** How many tasks are not done. */
  get size(): number {
    return this.#pending;
  }

  /** Adds a task that is not done. */
  add(task: Task<unknown>): void {
    this.#items.push(task);
    this.#pending++;
  }

  /** Forgets a task that just finished. */
  delete(_task: Task<unknown>): void {
    const pending = --this.#pending;
    const items = this.#items;
    // Drop the finished ones, in place, once they are three in four:
    // amortized O(1), and no work at all for a group whose tasks all finish
    // together (the length is reset when none is left).
    if (pending === 0) items.length = 0;
    else if (items.length > 64 && pending * 4 < items.length) {
      let kept = 0;
      for (let i = 0; i < items.length; i++) {
        const t = items[i];
        if (t._state === 0) items[kept++] = t;
      }
      items.length = kept;
    }
  }

  *[Symbol.iterator](): Generator<Task<unknown>> {
    for (const t of this.#items) if (!t.done()) yield t;
  }
}
