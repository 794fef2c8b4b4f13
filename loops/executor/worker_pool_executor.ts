/**
 * `WorkerPoolExecutor`: the loop's default executor, a pool of Web Workers.
 *
 * @module
 */

import { BrokenExecutor, CancelledError, RuntimeError } from "../core/exceptions.ts";
import type { Executor, ShutdownOptions, Work, WorkResult } from "./executor.ts";
import {
  type ReplyMessage,
  reviveError,
  type WorkFunction,
  workLabel,
  type WorkMessage,
  workMessage,
} from "./work.ts";

/** Options of `WorkerPoolExecutor`. */
export interface WorkerPoolExecutorOptions {
  /** How many workers may run at once (default `navigator.hardwareConcurrency`, at least 1). */
  maxWorkers?: number;
  /** The workers' name prefix, shown in Deno's messages (default `"asyncio-executor"`). */
  name?: string;
}

const WORKER_URL = new URL("./_worker.ts", import.meta.url);
const QUEUED = 0, RUNNING = 1, SETTLED = 2;

interface Job {
  message: WorkMessage;
  label: string;
  state: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  signal: AbortSignal | null;
  onAbort: (() => void) | null;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

function defaultWorkers(): number {
  const n = globalThis.navigator?.hardwareConcurrency;
  return typeof n === "number" && n >= 1 ? Math.floor(n) : 1;
}

/**
 * Runs work in parallel on a pool of Web Workers (Python's
 * `ProcessPoolExecutor`, on threads with separate heaps). Workers start on
 * demand, up to `maxWorkers`, each running one piece of work at a time;
 * work beyond that waits in a FIFO queue.
 *
 * Work is either a self-contained function, sent as its source text (it
 * must not use variables of its enclosing scope; native, bound and class
 * methods are refused with a `TypeError`), or a module task
 * `{ module, export }` (see `moduleTask`). Arguments and results are copied
 * by structured clone: data crosses, functions and class identities do not.
 * Errors come back as `Error` objects with their name, message, stack,
 * cloneable own properties and `cause`. A worker that ends abnormally
 * fails its work with `BrokenExecutor` and is replaced.
 *
 * Live workers keep the process running: shut the executor down (closing
 * the loop does that for its default executor). Nothing can interrupt a
 * function while it runs: Deno's `Worker.terminate()` takes effect when
 * the worker's JavaScript returns to its event loop.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WorkerPoolExecutor } from "@asyncio/deno/executor";
 * await using pool = new WorkerPoolExecutor({ maxWorkers: 2 });
 * const squares = await Promise.all([1, 2, 3].map((n) => pool.submit((x: number) => x * x, n)));
 * assert(squares.join() === "1,4,9");
 * ```
 */
export class WorkerPoolExecutor implements Executor {
  /** The most workers that run at once. */
  readonly maxWorkers: number;
  #name: string;
  #queue = new Set<Job>();
  #workers = new Set<Slot>();
  #idle: Slot[] = [];
  #shutdown = false;
  #drained: PromiseWithResolvers<void> | null = null;
  #nextId = 1;
  #spawned = 0;

  /**
   * Creates the pool; no worker starts before work arrives.
   *
   * @param options `maxWorkers`, `name`.
   * @throws {TypeError} If `maxWorkers` is not an integer or `name` not a string.
   * @throws {RangeError} If `maxWorkers` is less than 1.
   */
  constructor(options: WorkerPoolExecutorOptions = {}) {
    const max = options.maxWorkers ?? defaultWorkers();
    if (typeof max !== "number" || !Number.isInteger(max)) {
      throw new TypeError(`options.maxWorkers must be an integer: got ${String(max)}`);
    }
    if (max < 1) throw new RangeError(`options.maxWorkers must be at least 1: got ${max}`);
    const name = options.name ?? "asyncio-executor";
    if (typeof name !== "string") throw new TypeError("options.name must be a string");
    this.maxWorkers = max;
    this.#name = name;
  }

  /** How many workers are alive now. */
  get workerCount(): number {
    return this.#workers.size;
  }

  /** How many pieces of work wait for a worker. */
  get queued(): number {
    return this.#queue.size;
  }

  /**
   * Schedules `work(...args)` on a worker.
   *
   * @typeParam F The function type.
   * @param work A self-contained function or a module task.
   * @param args Its arguments (structured-cloneable).
   * @returns A promise of the result.
   * @throws {TypeError} Synchronously, if the work cannot be sent to a worker.
   * @throws {RuntimeError} Synchronously, after `shutdown()`.
   */
  submit<F extends WorkFunction>(work: Work<F>, ...args: Parameters<F>): Promise<WorkResult<F>> {
    return this.#submit(null, work, args);
  }

  /**
   * `submit`, with an `AbortSignal` that drops the work if it has not
   * started yet (running work cannot be interrupted).
   *
   * @typeParam F The function type.
   * @param signal Aborting it cancels the queued work.
   * @param work A self-contained function or a module task.
   * @param args Its arguments.
   * @returns A promise of the result; rejects with `CancelledError` if dropped.
   */
  submitWithSignal<F extends WorkFunction>(
    signal: AbortSignal,
    work: Work<F>,
    ...args: Parameters<F>
  ): Promise<WorkResult<F>> {
    if (!(signal instanceof AbortSignal)) throw new TypeError("signal must be an AbortSignal");
    return this.#submit(signal, work, args);
  }

  #submit<R>(signal: AbortSignal | null, work: unknown, args: unknown[]): Promise<R> {
    const message = workMessage(this.#nextId++, work, args);
    if (this.#shutdown) throw new RuntimeError("Cannot schedule new work after shutdown");
    const { promise, resolve, reject } = Promise.withResolvers<R>();
    const job: Job = {
      message,
      label: workLabel(work as Work<WorkFunction>),
      state: QUEUED,
      resolve: resolve as (v: unknown) => void,
      reject,
      signal,
      onAbort: null,
    };
    if (signal !== null) {
      if (signal.aborted) {
        reject(new CancelledError("The work was cancelled before it was submitted"));
        return promise;
      }
      job.onAbort = () => this.#abort(job);
      signal.addEventListener("abort", job.onAbort, { once: true });
    }
    this.#queue.add(job);
    this.#pump();
    return promise;
  }

  /**
   * Stops accepting work. With `wait` (default) queued and running work
   * finishes, then every worker is terminated and the promise resolves;
   * `cancelFutures` drops the queued work first. Without `wait`, queued
   * work is dropped and every worker is terminated at once: running work
   * is abandoned (its promise rejects with `CancelledError`). Deno cannot
   * interrupt synchronous JavaScript in a worker, so a worker busy in a
   * function ends when that function returns or awaits. Idempotent.
   *
   * Differences from Python: `shutdown(false)` abandons the running work
   * and drops the queued work rather than leaving them to finish in the
   * background, because live workers would keep the process running.
   *
   * @param wait Wait for the scheduled work.
   * @param options `cancelFutures`.
   * @returns A promise that resolves when the pool is down (at once without `wait`).
   */
  shutdown(wait = true, options: ShutdownOptions = {}): Promise<void> {
    this.#shutdown = true;
    this.#drained ??= Promise.withResolvers<void>();
    if (!wait || options.cancelFutures === true) {
      for (const job of this.#queue) {
        this.#settle(
          job,
          false,
          new CancelledError("The executor was shut down before the work started"),
        );
      }
      this.#queue.clear();
    }
    const victims = wait ? [...this.#idle] : [...this.#workers];
    for (const slot of victims) {
      this.#retire(slot);
      if (slot.job !== null) {
        this.#settle(
          slot.job,
          false,
          new CancelledError("The executor was shut down without waiting"),
        );
      }
    }
    this.#checkDrained();
    return wait ? this.#drained.promise : Promise.resolve();
  }

  /** `await using pool = new WorkerPoolExecutor()` shuts it down (waiting) at scope end. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown(true);
  }

  // Starts queued work on idle workers, starting workers up to the limit.
  #pump(): void {
    for (const job of this.#queue) {
      const slot = this.#idle.pop() ?? this.#spawn(job);
      if (slot === null) break;
      this.#queue.delete(job);
      if (slot !== undefined) this.#start(slot, job);
    }
    this.#checkDrained();
  }

  // A new worker, null at the limit, undefined if it could not start (the
  // job was failed).
  #spawn(job: Job): Slot | null | undefined {
    if (this.#workers.size >= this.maxWorkers) return null;
    let worker: Worker;
    try {
      const name = `${this.#name}-${++this.#spawned}`;
      worker = new Worker(WORKER_URL, { type: "module", name });
    } catch (e) {
      this.#settle(job, false, new RuntimeError("Cannot start an executor worker", { cause: e }));
      return undefined;
    }
    const slot: Slot = { worker, job: null };
    worker.onmessage = (e: MessageEvent) => this.#onMessage(slot, e.data as ReplyMessage);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#onBroken(slot, `it failed: ${e.message}`);
    };
    worker.onmessageerror = () => this.#onBroken(slot, "its answer could not be deserialized");
    this.#workers.add(slot);
    return slot;
  }

  #start(slot: Slot, job: Job): void {
    job.state = RUNNING;
    slot.job = job;
    try {
      slot.worker.postMessage(job.message);
    } catch (e) {
      slot.job = null;
      this.#idle.push(slot);
      const error = new TypeError(
        `The arguments of ${job.label} cannot be sent to a worker (structured clone carries ` +
          `data, not functions, class instances' methods or host objects): ${(e as Error).message}`,
        { cause: e },
      );
      this.#settle(job, false, error);
    }
  }

  #onMessage(slot: Slot, data: ReplyMessage): void {
    if ("broken" in data) {
      this.#onBroken(slot, data.broken);
      return;
    }
    const job = slot.job;
    if (job === null || job.message.id !== data.id) return;
    slot.job = null;
    this.#settle(job, data.ok, data.ok ? data.value : reviveError(data.error));
    if (this.#shutdown && this.#queue.size === 0) this.#retire(slot);
    else this.#idle.push(slot);
    this.#pump();
  }

  // The worker ended or misbehaved: its work is lost; it is replaced on demand.
  #onBroken(slot: Slot, why: string): void {
    if (!this.#workers.has(slot)) return;
    this.#retire(slot);
    const job = slot.job;
    if (job !== null) {
      const message = `The worker running ${job.label} stopped abnormally (${why}); ` +
        "the work was lost and the worker will be replaced";
      this.#settle(job, false, new BrokenExecutor(message));
    }
    this.#pump();
  }

  #retire(slot: Slot): void {
    slot.worker.terminate();
    this.#workers.delete(slot);
    const i = this.#idle.indexOf(slot);
    if (i >= 0) this.#idle.splice(i, 1);
  }

  #abort(job: Job): void {
    if (job.state !== QUEUED) return;
    this.#queue.delete(job);
    this.#settle(job, false, new CancelledError("The work was cancelled before it started"));
    this.#checkDrained();
  }

  #settle(job: Job, ok: boolean, value: unknown): void {
    if (job.state === SETTLED) return;
    job.state = SETTLED;
    if (job.onAbort !== null) job.signal!.removeEventListener("abort", job.onAbort);
    if (ok) job.resolve(value);
    else job.reject(value);
  }

  #checkDrained(): void {
    if (this.#shutdown && this.#workers.size === 0 && this.#queue.size === 0) {
      this.#drained?.resolve();
    }
  }
}
