/**
 * `BaseEventLoop`: the scheduler. Ready queue, timers, the iteration, the
 * host integration, exception handling and debug mode. I/O is composed, not
 * inherited: the loop calls the `IoServices` it was built with (see
 * `loops/io.ts` for the ones of the concrete loops).
 *
 * @module
 */

import {
  _getRunningLoop,
  _setRunningLoop,
  AbstractEventLoop,
  type Awaitable,
  type Clock,
  type Coroutine,
  type ExceptionContext,
  type ExceptionHandler,
  Handle,
  type IoServices,
  type LoopOptions,
  realClock,
  type TaskFactory,
  TimerHandle,
} from "./events.ts";
import { RuntimeError } from "./exceptions.ts";
import { Future } from "./futures.ts";
import { ensureFuture, Task, TaskList, type TaskOptions } from "./tasks.ts";
import { RingQueue } from "./ring_queue.ts";
import { TimerQueue } from "./_timer_heap.ts";
import { checkCallback, checkLoopCallback, checkSeconds } from "./checks.ts";
import { sourceTraceback } from "./stack.ts";
import { formatExceptionContext } from "./_format_context.ts";
import { HostPoller } from "./_host_poll.ts";
import type { SupportDetails } from "../../platform/matrix.ts";
import type { Feature } from "../../platform/matrix_rows.ts";

/**
 * A busy loop with no host operation in flight gives the host a turn
 * (`setImmediate`: its macrotasks, not the OS) at least this often (ms) ...
 */
const HOST_YIELD_INTERVAL_MS = 4;
/**
 * ... and polls the host's I/O at least this often (ms), so that what it
 * does not track (Worker messages, signals, a promise of its own) gets in.
 */
const HOST_POLL_IDLE_MS = 50;
/**
 * While host operations the loop waits for are in flight, it polls more
 * often: right after a poll that brought something, this soon (ms), then
 * twice as late after each poll that brought nothing, up to the maximum.
 * Busy loops thus serve active connections within a fraction of a
 * millisecond and pay little (~20 µs a poll) for idle ones.
 */
const HOST_POLL_INTERVAL_IO_MIN_MS = 0.05;
const HOST_POLL_INTERVAL_IO_MAX_MS = 1;
/** How many callbacks run between two looks at the real clock for that. */
const HOST_CHECK_EVERY = 64;
/** The longest host timer (setTimeout's limit); longer waits simply re-wait. */
const MAX_HOST_TIMEOUT_MS = 0x7fffffff;
/** Default clock resolution when none is given (seconds). */
const DEFAULT_CLOCK_RESOLUTION = 1e-6;

/**
 * Anything the ready queue can run: a `Handle`, a `Task` taking a step, a
 * transport delivering what it read. Internal extension point of the loop.
 */
export interface Runnable {
  /** Runs once, as a loop callback; must not throw (report errors instead). */
  _run(): void;
}

/** Host I/O (a read) to start when the loop next goes to the host. Internal. */
export interface IoStarter {
  /** Starts the queued operation. */
  _startIo(): void;
}

/** Options of `new BaseEventLoop()`: the scheduler's, and the I/O the loop composes. */
export interface BaseEventLoopOptions extends LoopOptions {
  /**
   * Makes the loop's I/O services, once, from the loop being built (it
   * must only keep it: the subclass is not constructed yet). Without them
   * every I/O method raises `NotImplementedError`.
   */
  services?: (loop: BaseEventLoop) => IoServices;
}

/** Returned by `_idle()` when the loop may go on without waiting. */
const CONTINUE = -1;
/** Returned by `#runBatch()` when the loop stops. */
const STOPPED = -1;
/** Returned by `#runBatch()` when a busy loop should give the host a turn (macrotasks only). */
const YIELD = 0;
/** Returned by `#runBatch()` when a busy loop should poll the host's I/O once. */
const POLL = -2;

/**
 * The scheduler every loop shares: `callSoon`, timers, `runForever`,
 * `runUntilComplete`, `stop`, `close`, the exception handler and debug mode.
 *
 * Differences from asyncio: `runForever()` and `runUntilComplete()` return
 * promises (JavaScript cannot block); calling either on a running loop throws
 * `RuntimeError` synchronously. Timers with equal deadlines fire in the order
 * they were scheduled.
 *
 * @example Running callbacks and a timer
 * ```ts
 * import assert from "node:assert/strict";
 * import { BaseEventLoop } from "@asyncio/deno";
 * const loop = new BaseEventLoop();
 * const seen: string[] = [];
 * loop.callLater(0.01, () => { seen.push("timer"); loop.stop(); });
 * loop.callSoon((x: string) => seen.push(x), "soon");
 * await loop.runForever();
 * loop.close();
 * assert(seen.join() === "soon,timer");
 * ```
 */
export class BaseEventLoop extends AbstractEventLoop {
  /** Callbacks slower than this many seconds are reported in debug mode. */
  slowCallbackDuration = 0.1;

  /** @ignore */ _ready: RingQueue<Runnable> = new RingQueue(1024);
  /** @ignore */ _timers: TimerQueue<TimerHandle> = new TimerQueue();
  /** @ignore */ _clock: Clock;
  /** @ignore */ _clockResolution: number;
  /** @ignore */ _closed = false;
  /** @ignore */ _stopping = false;
  /** @ignore */ _running = false;
  /** @ignore */ _debug = false;
  /** @ignore */ _exceptionHandler: ExceptionHandler | null = null;
  /** @ignore */ _taskFactory: TaskFactory | null = null;
  #taskOptions: { loop: BaseEventLoop } | null = null;
  /** @ignore the task taking a step right now */ _currentTask: Task<unknown> | null = null;
  /** @ignore the tasks not done that have waited (allTasks adds the others) */
  _tasks: TaskList = new TaskList();
  /** @ignore operations the host will complete (promises, I/O) */ _pendingIo = 0;
  /** @ignore host I/O to start before the loop next waits or yields */ _ioStarts: IoStarter[] = [];
  #ioStartsSpare: IoStarter[] = [];
  #poller: HostPoller | null = null;
  #pollIntervalIo = HOST_POLL_INTERVAL_IO_MIN_MS;
  /** When the host last polled the OS for this loop (a poll, or a wait). */
  #lastPoll = 0;
  #hostImmediate: ReturnType<typeof setImmediate> | undefined = undefined;
  #wakeResolve: (() => void) | null = null;
  #hostTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  #ioImmediate: ReturnType<typeof setImmediate> | undefined = undefined;

  /**
   * Creates a loop.
   *
   * @param options The clock, its resolution, debug mode, and the I/O
   *   services (none: the I/O methods raise `NotImplementedError`).
   */
  constructor(options: BaseEventLoopOptions = {}) {
    super();
    this._clock = options.clock ?? realClock;
    const res = options.clockResolution ?? DEFAULT_CLOCK_RESOLUTION;
    checkSeconds(res, "options.clockResolution");
    if (!Number.isFinite(res)) {
      throw new RangeError(`options.clockResolution must be finite: got ${res}`);
    }
    this._clockResolution = res;
    if (options.debug) this._debug = true;
    if (options.services !== undefined) this._services = options.services(this);
  }

  // ---- scheduling -------------------------------------------------------

  /**
   * Schedules `callback(...args)` to run in the next iteration, after every
   * callback already scheduled (FIFO).
   *
   * @param callback The function to call.
   * @param args Its arguments.
   * @returns A handle that can cancel the call.
   * @throws {TypeError} If `callback` is not a function.
   * @throws {RuntimeError} If the loop is closed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { TestLoop } from "@asyncio/deno/testing";
   * const loop = new TestLoop();
   * const order: number[] = [];
   * for (const i of [1, 2, 3]) loop.callSoon((n: number) => order.push(n), i);
   * loop.callSoon(() => loop.stop());
   * await loop.runForever();
   * loop.close();
   * assert(order.join() === "1,2,3");
   * ```
   */
  override callSoon<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): Handle;
  override callSoon(callback: (...args: unknown[]) => unknown): Handle {
    if (this._closed) this.#throwClosed();
    checkLoopCallback(callback, "callSoon");
    // The arguments are read from `arguments`: a rest parameter would make
    // an empty array for every call without any (a third of what a chain of
    // callSoon calls allocated).
    const n = arguments.length;
    let args: unknown[] | null = null;
    if (n > 1) {
      args = new Array(n - 1);
      for (let i = 1; i < n; i++) args[i - 1] = arguments[i];
    }
    const h = new Handle(callback, args, this, this._debug ? sourceTraceback() : null);
    this._ready.push(h);
    if (this.#wakeResolve !== null) this._wake();
    return h;
  }

  /**
   * Same as `callSoon`, and wakes a waiting loop. JavaScript runs every
   * caller (promise callbacks, Worker messages) on the loop's own thread, so
   * this is safe from anywhere in the realm.
   *
   * @param callback The function to call.
   * @param args Its arguments.
   * @returns A handle that can cancel the call.
   *
   * @example
   * ```ts
   * import { TestLoop } from "@asyncio/deno/testing";
   * const loop = new TestLoop();
   * setTimeout(() => loop.callSoonThreadsafe(() => loop.stop()), 1);
   * await loop.runForever();
   * loop.close();
   * ```
   */
  override callSoonThreadsafe<A extends unknown[]>(
    callback: (...args: A) => unknown,
    ...args: A
  ): Handle {
    checkLoopCallback(callback, "callSoonThreadsafe");
    return this.callSoon(callback, ...args);
  }

  /**
   * Schedules `callback(...args)` after `delay` seconds.
   *
   * @param delay Seconds from now (`Infinity` never fires; a negative delay
   *   is due at once, and such timers fire in deadline order, as in asyncio).
   * @param callback The function to call.
   * @param args Its arguments.
   * @returns A `TimerHandle`.
   * @throws {TypeError} If `delay` is not a number or `callback` not a
   *   function (or a generator function: schedule a coroutine with `createTask`).
   * @throws {RangeError} If `delay` is NaN.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { TestLoop } from "@asyncio/deno/testing";
   * const loop = new TestLoop();
   * loop.callLater(3600, () => loop.stop());
   * await loop.runForever(); // virtual time: returns at once
   * assert(loop.time() === 3600);
   * loop.close();
   * ```
   */
  override callLater<A extends unknown[]>(
    delay: number,
    callback: (...args: A) => unknown,
    ...args: A
  ): TimerHandle {
    checkSeconds(delay, "delay", true);
    return this.#schedule(this.time() + delay, callback, args, "callLater");
  }

  /**
   * Schedules `callback(...args)` at the absolute loop time `when`.
   *
   * @param when A time in the scale of `loop.time()`.
   * @param callback The function to call.
   * @param args Its arguments.
   * @returns A `TimerHandle`.
   * @throws {TypeError} If `when` is not a number or `callback` not a function.
   * @throws {RangeError} If `when` is NaN.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { TestLoop } from "@asyncio/deno/testing";
   * const loop = new TestLoop();
   * const h = loop.callAt(loop.time() + 10, () => loop.stop());
   * await loop.runForever();
   * assert(loop.time() === h.when());
   * loop.close();
   * ```
   */
  override callAt<A extends unknown[]>(
    when: number,
    callback: (...args: A) => unknown,
    ...args: A
  ): TimerHandle {
    checkSeconds(when, "when", true);
    return this.#schedule(when, callback, args, "callAt");
  }

  #schedule(when: number, callback: unknown, args: unknown[], method: string): TimerHandle {
    if (this._closed) this.#throwClosed();
    checkLoopCallback(callback, method);
    const h = new TimerHandle(
      when,
      callback as (...a: unknown[]) => unknown,
      args.length === 0 ? null : args,
      this,
      this._debug ? sourceTraceback() : null,
    );
    this._timers.add(h);
    if (this.#wakeResolve !== null) this._wake();
    return h;
  }

  /** @ignore Puts a runnable (a task step) on the ready queue. */
  _callSoonRunnable(r: Runnable): void {
    if (this._closed) this.#throwClosed();
    this._ready.push(r);
    if (this.#wakeResolve !== null) this._wake();
  }

  /** @ignore called by TimerHandle.cancel() */
  _timerCancelled(_h: TimerHandle): void {
    this._timers.cancelledCount++;
  }

  /** @ignore How many scheduled timers are cancelled (for tests). */
  get _timerCancelledCount(): number {
    return this._timers.cancelledCount;
  }

  /**
   * The loop's monotonic time in seconds, from its clock.
   *
   * @returns Seconds.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { BaseEventLoop } from "@asyncio/deno";
   * const loop = new BaseEventLoop();
   * assert(loop.time() <= loop.time());
   * loop.close();
   * ```
   */
  override time(): number {
    return this._clock.now();
  }

  /** The clock resolution in seconds: timers due within it run together. */
  get clockResolution(): number {
    return this._clockResolution;
  }

  // ---- futures and tasks ------------------------------------------------

  /**
   * Creates a future attached to this loop.
   *
   * @returns A pending `Future`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { TestLoop } from "@asyncio/deno/testing";
   * const loop = new TestLoop();
   * const fut = loop.createFuture<number>();
   * loop.callSoon(() => fut.setResult(42));
   * assert(await loop.runUntilComplete(fut) === 42);
   * loop.close();
   * ```
   */
  override createFuture<T = unknown>(): Future<T> {
    return new Future<T>({ loop: this });
  }

  /**
   * Wraps a coroutine (or a promise) in a `Task` scheduled on this loop,
   * through the task factory when one is set.
   *
   * @param coro A coroutine object (call the generator function) or a promise.
   * @param options The task's name, and a `signal` that cancels it when it aborts.
   * @returns The task.
   * @throws {TypeError} If `coro` is neither, or `options.signal` is not an AbortSignal.
   * @throws {RuntimeError} If the loop is closed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { sleep } from "@asyncio/deno";
   * import { TestLoop } from "@asyncio/deno/testing";
   * const loop = new TestLoop();
   * const task = loop.createTask(function* () {
   *   yield* sleep(1);
   *   return "done";
   * }(), { name: "worker" });
   * assert(task.getName() === "worker");
   * assert(await loop.runUntilComplete(task) === "done");
   * loop.close();
   * ```
   */
  override createTask<T>(coro: Coroutine<T> | PromiseLike<T>, options?: TaskOptions): Task<T> {
    if (this._closed) this.#throwClosed();
    if (this._taskFactory === null) {
      // Without options (the usual call) one shared options object: no allocation per task.
      return new Task<T>(
        coro,
        options === undefined ? (this.#taskOptions ??= { loop: this }) : { ...options, loop: this },
      );
    }
    const task = this._taskFactory(this, coro, options);
    // As asyncio: the name is set on whatever the factory made (and the
    // signal linked, if the factory did not).
    if (options?.name !== undefined) task.setName(options.name);
    if (options?.signal !== undefined) task._linkSignal(options.signal);
    return task;
  }

  /**
   * Sets the factory `createTask` uses, or `null` for the default.
   *
   * @param factory `(loop, coro, options) => Task`, or `null`.
   * @throws {TypeError} If `factory` is neither a function nor null.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Task } from "@asyncio/deno";
   * import { TestLoop } from "@asyncio/deno/testing";
   * const loop = new TestLoop();
   * let made = 0;
   * loop.setTaskFactory((l, coro, opts) => { made++; return new Task(coro, { ...opts, loop: l }); });
   * await loop.runUntilComplete(function* () {}());
   * assert(made === 1);
   * loop.close();
   * ```
   */
  override setTaskFactory(factory: TaskFactory | null): void {
    if (factory !== null) checkCallback(factory, "factory");
    this._taskFactory = factory;
  }

  /** The task factory, or `null` when the default is used. */
  override getTaskFactory(): TaskFactory | null {
    return this._taskFactory;
  }

  // ---- running ------------------------------------------------------------

  /**
   * Runs the loop until `stop()` is called. While it runs with a signal
   * handler installed it keeps the process alive, as a loop blocked in
   * select does (Deno's signal listeners alone do not).
   *
   * @returns A promise that resolves when the loop has stopped.
   * @throws {RuntimeError} Synchronously, if the loop is closed or running,
   *   or another loop runs in this realm.
   *
   * @example
   * ```ts
   * import { TestLoop } from "@asyncio/deno/testing";
   * const loop = new TestLoop();
   * loop.callLater(1, () => loop.stop());
   * await loop.runForever();
   * loop.close();
   * ```
   */
  override runForever(): Promise<void> {
    this.#checkCanRun();
    this._running = true;
    _setRunningLoop(this);
    this.#lastPoll = performance.now();
    const run = this.#run();
    const io = this._services;
    if (io === null || io.runningChanged === undefined) return run;
    io.runningChanged();
    return run.finally(() => io.runningChanged!());
  }

  async #run(): Promise<void> {
    try {
      for (;;) {
        const wait = this.#runBatch();
        if (wait === STOPPED) break;
        if (wait !== POLL) {
          await this.#waitHost(wait);
          if (wait !== YIELD) this.#lastPoll = performance.now();
        } else {
          // While the loop waits, only the host schedules work: what is new
          // on the ready queue after the poll came from it.
          const before = this._ready.length;
          await this.#waitHost(POLL);
          this.#lastPoll = performance.now();
          this.#pollIntervalIo = this._ready.length > before
            ? HOST_POLL_INTERVAL_IO_MIN_MS
            : Math.min(this.#pollIntervalIo * 2, HOST_POLL_INTERVAL_IO_MAX_MS);
        }
      }
    } finally {
      this._stopping = false;
      this._running = false;
      _setRunningLoop(null);
      // Queued reads wait for the next run: a stopped loop reads nothing.
      if (this.#ioImmediate !== undefined) {
        clearImmediate(this.#ioImmediate);
        this.#ioImmediate = undefined;
      }
    }
  }

  /**
   * Runs iterations back to back until the loop stops (STOPPED), has to wait
   * for the host (returns real seconds), or has been busy long enough to
   * hand off: POLL (let the host poll its I/O once, then go on) while host
   * operations the loop waits for are in flight, at the adaptive interval;
   * otherwise YIELD (one macrotask turn) every 4 ms, and POLL once 50 ms have
   * passed without one.
   */
  #runBatch(): number {
    const start = performance.now();
    let ran = 0;
    for (;;) {
      ran += this._runOnce();
      if (this._stopping) return STOPPED;
      if (this._ready.length === 0) {
        const delay = this._nextTimerDelay();
        if (delay >= this._clockResolution) {
          const wait = this._idle(delay);
          if (wait !== CONTINUE) return wait;
        }
      }
      if (ran >= HOST_CHECK_EVERY) {
        ran = 0;
        const now = performance.now();
        if (this._pendingIo > 0) {
          const interval = Math.max(this.#pollIntervalIo, this.#poller?.minIntervalMs ?? 0);
          if (now - start >= interval) return POLL;
        } else if (now - start >= HOST_YIELD_INTERVAL_MS) {
          return now - this.#lastPoll >= HOST_POLL_IDLE_MS ? POLL : YIELD;
        }
      }
    }
  }

  /**
   * Queues host I/O (a transport's next read) to start when the loop next
   * goes to the host, and wakes a waiting loop so that it does.
   *
   * @ignore
   */
  _queueIo(starter: IoStarter): void {
    this._ioStarts.push(starter);
    if (this.#wakeResolve !== null) this._wake();
  }

  /**
   * Starts the queued host I/O. It runs in a macrotask scheduled when the
   * loop goes to the host, so after the promise continuations of that turn:
   * an async function resumed by a future can still act on a connection
   * (pause it, upgrade it to TLS) before its next read is in flight. I/O is
   * thus polled once per trip to the host, like a selector loop.
   *
   * @ignore
   */
  _startIo(): void {
    const list = this._ioStarts;
    if (list.length === 0) return;
    this._ioStarts = this.#ioStartsSpare;
    this.#ioStartsSpare = list;
    for (let i = 0; i < list.length; i++) list[i]._startIo();
    list.length = 0;
  }

  /**
   * One iteration: move due timers to the ready queue, then run exactly the
   * callbacks that were ready at that point. Callbacks they schedule wait for
   * the next iteration. This is the only place callbacks are called.
   * Returns how many callbacks it ran.
   * @ignore
   */
  _runOnce(): number {
    const timers = this._timers;
    if (timers.items.length > 0) {
      timers.dropCancelled();
      if (timers.items.length > 0) timers.popDue(this.time() + this._clockResolution, this._ready);
    }
    const ready = this._ready;
    const count = ready.length;
    let n = count;
    if (this._debug) this.#runReadyDebug(n);
    else while (n-- > 0) ready.shift()._run();
    return count;
  }

  // Debug drain: the same as the normal one, plus slow-callback reports.
  #runReadyDebug(n: number): void {
    const ready = this._ready;
    while (n-- > 0) {
      const r = ready.shift();
      const t0 = performance.now();
      r._run();
      const dt = (performance.now() - t0) / 1000;
      if (dt >= this.slowCallbackDuration) {
        console.warn(`Executing ${String(r)} took ${dt.toFixed(3)} seconds`);
      }
    }
  }

  /** @ignore Seconds until the earliest live timer (Infinity if none). */
  _nextTimerDelay(): number {
    this._timers.dropCancelled();
    const top = this._timers.peek();
    return top === undefined ? Infinity : top._when - this.time();
  }

  /**
   * Called when nothing is ready and the next timer is `delay` seconds away.
   * Returns how many real seconds to wait on the host, or CONTINUE after
   * making progress itself (the virtual-time loop jumps its clock here).
   * @ignore
   */
  _idle(delay: number): number {
    return delay;
  }

  // Note: creating a host timer may itself run pending microtasks (Deno's
  // Node-compatible timers do), and one of them may wake the loop before the
  // timer is recorded. So check, and cancel a timer nobody waits for.
  #waitHost(seconds: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wakeResolve = resolve;
      if (this._ioStarts.length > 0 && this.#ioImmediate === undefined) {
        this.#ioImmediate = setImmediate(this.#onIoImmediate);
      }
      if (seconds === YIELD) {
        const h = setImmediate(this.#onHostTimer);
        if (this.#wakeResolve === resolve) this.#hostImmediate = h;
        else clearImmediate(h);
      } else if (seconds === POLL) {
        // Not setImmediate: Deno's immediates do not poll the OS (see _host_poll.ts).
        this.#poller ??= new HostPoller();
        // Resumed in a macrotask: the promise reactions of the operations
        // this poll completed run first, whatever their order.
        this.#poller.poll().then(() => {
          if (this.#wakeResolve === resolve) setImmediate(this.#onPolled, resolve);
        });
      } else if (seconds !== Infinity) {
        const ms = Math.min(Math.ceil(seconds * 1000), MAX_HOST_TIMEOUT_MS);
        const t = setTimeout(this.#onHostTimer, ms);
        if (this.#wakeResolve === resolve) this.#hostTimer = t;
        else clearTimeout(t);
      }
    });
  }

  #onIoImmediate = (): void => {
    this.#ioImmediate = undefined;
    this._startIo();
  };

  #onPolled = (resolve: () => void): void => {
    if (this.#wakeResolve === resolve) this._wake();
  };

  #onHostTimer = (): void => {
    this.#hostTimer = undefined;
    this.#hostImmediate = undefined;
    this._wake();
  };

  /** @ignore Wakes a loop that waits on the host (no-op otherwise). */
  _wake(): void {
    const resolve = this.#wakeResolve;
    if (resolve === null) return;
    this.#wakeResolve = null;
    if (this.#hostTimer !== undefined) {
      clearTimeout(this.#hostTimer);
      this.#hostTimer = undefined;
    }
    if (this.#hostImmediate !== undefined) {
      clearImmediate(this.#hostImmediate);
      this.#hostImmediate = undefined;
    }
    resolve();
  }

  /**
   * Runs the loop until `future` is done and resolves with its result (or
   * rejects with its exception). A coroutine is wrapped in a task, a promise
   * in a future.
   *
   * @param future A future, a coroutine or a promise.
   * @returns The result.
   * @throws {RuntimeError} Synchronously if the loop is closed or running;
   *   the promise rejects with it if the loop stops before `future` is done.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { sleep } from "@asyncio/deno";
   * import { TestLoop } from "@asyncio/deno/testing";
   * const loop = new TestLoop();
   * const result = await loop.runUntilComplete(function* () {
   *   yield* sleep(2);
   *   return 7;
   * }());
   * assert(result === 7 && loop.time() === 2);
   * loop.close();
   * ```
   */
  override runUntilComplete<T>(future: Awaitable<T>): Promise<T> {
    // Checked before wrapping `future`, so a refused call leaves no task behind.
    this.#checkCanRun();
    const fut = ensureFuture(future, this);
    fut.addDoneCallback(stopLoopWhenDone);
    return this.runForever().then(
      () => {
        fut.removeDoneCallback(stopLoopWhenDone);
        if (!fut.done()) throw new RuntimeError("Event loop stopped before Future completed.");
        return fut.result();
      },
      (e) => {
        fut.removeDoneCallback(stopLoopWhenDone);
        throw e;
      },
    );
  }

  /**
   * Stops the loop: the current batch of callbacks finishes, then
   * `runForever()` resolves. Called before `runForever()`, that run does one
   * iteration and returns (asyncio 3.5.1+ semantics).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { TestLoop } from "@asyncio/deno/testing";
   * const loop = new TestLoop();
   * let ran = false;
   * loop.callSoon(() => { ran = true; });
   * loop.stop();
   * await loop.runForever();
   * assert(ran);
   * loop.close();
   * ```
   */
  override stop(): void {
    this._stopping = true;
    this._wake();
  }

  /** Whether the loop is running. */
  override isRunning(): boolean {
    return this._running;
  }

  /** Whether the loop was closed. */
  override isClosed(): boolean {
    return this._closed;
  }

  /**
   * Closes the loop: drops every pending callback and timer, and releases
   * what its I/O holds on the host: every signal handler it installed, and
   * the default executor, shut down without waiting (its workers are
   * terminated). Idempotent.
   *
   * @throws {RuntimeError} If the loop is running.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { BaseEventLoop } from "@asyncio/deno";
   * const loop = new BaseEventLoop();
   * loop.close();
   * loop.close();
   * assert(loop.isClosed());
   * ```
   */
  override close(): void {
    if (this._running) throw new RuntimeError("Cannot close a running event loop");
    if (this._closed) return;
    this._closed = true;
    this._ready.clear();
    this._ioStarts.length = 0;
    this._timers.clear();
    if (this.#poller !== null) {
      this.#poller.close();
      this.#poller = null;
    }
    this._services?.close?.();
  }

  /** `using loop = new BaseEventLoop()` closes it at the end of the scope. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Nothing to finalize: JavaScript async generators are not tracked by the
   * loop. Kept for asyncio compatibility (`Runner` calls it).
   */
  override *shutdownAsyncgens(): Coroutine<void> {}

  #checkCanRun(): void {
    if (this._closed) this.#throwClosed();
    if (this._running) throw new RuntimeError("This event loop is already running");
    if (_getRunningLoop() !== null) {
      throw new RuntimeError("Cannot run the event loop while another loop is running");
    }
  }

  #throwClosed(): never {
    throw new RuntimeError("Event loop is closed");
  }

  // ---- I/O ---------------------------------------------------------------

  /**
   * Whether this loop supports a feature on its platform, per the matrix
   * (false for every feature on a loop without I/O services).
   *
   * @param feature A camelCased asyncio method name, an SSL variant such as
   *   `"createServer(ssl)"`, or `"characterDevices"`.
   * @param details The object kind, for features that depend on it.
   * @returns Whether the call would be allowed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProactorEventLoop } from "@asyncio/deno";
   * import { simulatePlatform } from "@asyncio/deno/platform";
   * const loop = new ProactorEventLoop({ platform: simulatePlatform("windows") });
   * assert(!loop.supports("createUnixServer") && loop.supports("createServer"));
   * loop.close();
   * ```
   */
  supports(feature: Feature, details: SupportDetails = {}): boolean {
    return this._services?.supports(feature, details) ?? false;
  }

  /**
   * Whether this loop has a handler for `signal` (`addSignalHandler`); the
   * runner leaves SIGINT to such a handler, as asyncio's does.
   *
   * @ignore
   */
  _hasSignalHandler(signal: Deno.Signal): boolean {
    return this._services?.hasSignalHandler?.(signal) ?? false;
  }

  // ---- errors -------------------------------------------------------------

  /**
   * Sets the exception handler, `(loop, context) => void`, or `null` for the
   * default one.
   *
   * @param handler The handler or null.
   * @throws {TypeError} If `handler` is neither a function nor null.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { TestLoop } from "@asyncio/deno/testing";
   * const loop = new TestLoop();
   * const seen: unknown[] = [];
   * loop.setExceptionHandler((_loop, ctx) => seen.push(ctx.exception));
   * loop.callSoon(() => { throw new Error("boom"); });
   * loop.callSoon(() => loop.stop());
   * await loop.runForever();
   * loop.close();
   * assert((seen[0] as Error).message === "boom");
   * ```
   */
  override setExceptionHandler(handler: ExceptionHandler | null): void {
    if (handler !== null) checkCallback(handler, "handler");
    this._exceptionHandler = handler;
  }

  /** The custom exception handler, or `null`. */
  override getExceptionHandler(): ExceptionHandler | null {
    return this._exceptionHandler;
  }

  /**
   * Logs `context` with `console.error`: the message, the other keys, and the
   * exception's stack. Custom handlers may call it.
   *
   * @param context The asyncio exception context.
   */
  override defaultExceptionHandler(context: ExceptionContext): void {
    console.error(formatExceptionContext(context));
  }

  /**
   * Reports an error: to the custom handler if one is set, otherwise to
   * `defaultExceptionHandler`. As in asyncio, an error thrown by the custom
   * handler goes to `defaultExceptionHandler` ("Unhandled error in exception
   * handler"); one thrown by the default handler is logged with
   * `console.error` and never passed to it again.
   *
   * @param context At least `message`; see `ExceptionContext`.
   */
  override callExceptionHandler(context: ExceptionContext): void {
    const handler = this._exceptionHandler;
    if (handler === null) {
      try {
        this.defaultExceptionHandler(context);
      } catch (exception) {
        // A broken (overridden) default handler is not called again.
        console.error("Exception in default exception handler", exception);
      }
      return;
    }
    try {
      handler(this, context);
    } catch (exception) {
      try {
        this.defaultExceptionHandler({
          message: "Unhandled error in exception handler",
          exception,
          context,
        });
      } catch (second) {
        console.error(
          "Exception in default exception handler while handling an unexpected error " +
            "in custom exception handler",
          second,
        );
      }
    }
  }

  // ---- debug --------------------------------------------------------------

  /** Whether debug mode is on. */
  override getDebug(): boolean {
    return this._debug;
  }

  /**
   * Turns debug mode on or off: slow callbacks are reported, handles and
   * futures record where they were created.
   *
   * @param enabled On or off.
   */
  override setDebug(enabled: boolean): void {
    this._debug = Boolean(enabled);
  }

  /** A description such as `<BaseEventLoop running=false closed=false debug=false>`. */
  override toString(): string {
    return `<${this.constructor.name} running=${this._running} closed=${this._closed} debug=${this._debug}>`;
  }
}

function stopLoopWhenDone(fut: Future<unknown>): void {
  (fut.getLoop() as BaseEventLoop).stop();
}

// A context value for the log: objects with their own toString (handles,
// futures, errors) as themselves; a plain object, such as the context of a
// failed handler call, with its keys, so the original error is not lost.
