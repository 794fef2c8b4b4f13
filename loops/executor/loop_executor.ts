/**
 * The executor mechanism of the I/O loops: `runInExecutor` and the loop's
 * default executor (a `WorkerPoolExecutor` made on first use). One
 * `LoopExecutor` holds that per-loop state; the loop's `IoServices`
 * (assembled in `loops/io.ts`) own one and call it after the platform
 * matrix allowed the call. The methods' documentation is on
 * `AbstractEventLoop`.
 *
 * @module
 */

import type { BaseEventLoop } from "../core/base_event_loop.ts";
import { RuntimeError } from "../core/exceptions.ts";
import type { Future } from "../core/futures.ts";
import type { Executor, Work, WorkFunction, WorkResult } from "../core/io_types.ts";
import { Task } from "../core/tasks.ts";
import { checkSeconds } from "../core/checks.ts";
import { checkExecutor, shutdownExecutor, submitToExecutor } from "./executor.ts";
import { WorkerPoolExecutor } from "./worker_pool_executor.ts";

/** The executors of one loop: its default executor and whether it was shut down. */
export class LoopExecutor {
  #loop: BaseEventLoop;
  #default: Executor | null = null;
  #shutdownCalled = false;

  /**
   * Creates the loop's executor state (no executor is made until needed).
   *
   * @param loop The loop.
   */
  constructor(loop: BaseEventLoop) {
    this.#loop = loop;
  }

  /**
   * `loop.runInExecutor()`: submits `work(...args)` to `executor`, or to the
   * default executor when it is `null`.
   *
   * @param executor An executor, or `null`.
   * @param work A function or a module task.
   * @param args Its arguments.
   * @returns A future of the result.
   * @throws {RuntimeError} If the loop is closed or its default executor was shut down.
   * @throws {TypeError} If `executor` is not an executor, or `work` cannot be sent.
   */
  run<F extends WorkFunction>(
    executor: Executor | null,
    work: Work<F>,
    args: Parameters<F>,
  ): Future<WorkResult<F>> {
    if (this.#loop.isClosed()) throw new RuntimeError("Event loop is closed");
    if (executor !== null && executor !== undefined) checkExecutor(executor, "executor");
    else if (this.#shutdownCalled) throw new RuntimeError("Executor shutdown has been called");
    return submitToExecutor(this.#loop, executor ?? this.defaultExecutor(), work, args);
  }

  /**
   * The default executor, made on first use.
   *
   * @returns The executor.
   */
  defaultExecutor(): Executor {
    return this.#default ??= new WorkerPoolExecutor();
  }

  /**
   * `loop.setDefaultExecutor()`: the previous one is not shut down.
   *
   * @param executor An object with `submit()` and `shutdown()`.
   * @throws {TypeError} If it is not an executor.
   */
  setDefault(executor: Executor): void {
    checkExecutor(executor, "executor");
    this.#default = executor;
  }

  /**
   * `loop.shutdownDefaultExecutor()`: no new work on the default executor;
   * waits for it (warns and terminates after `timeout` seconds).
   *
   * @param timeout Seconds, or `null` for no limit.
   * @returns A future that resolves when the executor is down.
   * @throws {RangeError} If `timeout` is negative or NaN.
   */
  shutdownDefault(timeout: number | null = null): Future<void> {
    if (timeout !== null) checkSeconds(timeout, "timeout");
    this.#shutdownCalled = true;
    return new Task(shutdownExecutor(this.#default, timeout), { loop: this.#loop });
  }

  /** The loop closes: shuts the default executor down without waiting. */
  close(): void {
    this.#shutdownCalled = true;
    const executor = this.#default;
    this.#default = null;
    executor?.shutdown(false).catch(() => {});
  }
}
