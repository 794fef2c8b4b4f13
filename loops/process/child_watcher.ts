/**
 * Child watchers: asyncio's Unix API that reports the exit of child
 * processes to an event loop. `PromiseChildWatcher` is built on the
 * `status` promise of each `Deno.ChildProcess` it is told about.
 *
 * @module
 */

// The host's signal numbers: Deno reports a killed child's signal by name
// and has no table of numbers; node:os has the one of this OS.
import { constants } from "node:os";
import { _getRunningLoop, AbstractEventLoop } from "../core/events.ts";
import { RuntimeError } from "../core/exceptions.ts";
import { ChildProcessError } from "../net/os_errors.ts";
import { checkCallback, describe } from "../core/checks.ts";

/** Exited children nobody asked about that a watcher remembers by default, at most. */
const MAX_UNCLAIMED_EXITS = 1024;
/** What a child handler receives: the pid, the return code, then its own arguments. */
export type ChildCallback<A extends unknown[]> = (
  pid: number,
  returncode: number,
  ...args: A
) => unknown;

/**
 * asyncio's `AbstractChildWatcher`: calls `callback(pid, returncode,
 * ...args)` on an event loop when a child process exits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AbstractChildWatcher, PromiseChildWatcher } from "@asyncio/deno";
 * using watcher = new PromiseChildWatcher();
 * assert(watcher instanceof AbstractChildWatcher);
 * ```
 */
export abstract class AbstractChildWatcher {
  /** Calls `callback(pid, returncode, ...args)` when process `pid` exits. */
  abstract addChildHandler<A extends unknown[]>(
    pid: number | Deno.ChildProcess,
    callback: ChildCallback<A>,
    ...args: A
  ): void;
  /** Removes the handler for `pid`; returns whether there was one. */
  abstract removeChildHandler(pid: number): boolean;
  /** Delivers callbacks on `loop` (`null`: detach). */
  abstract attachLoop(loop: AbstractEventLoop | null): void;
  /** Drops every handler and process; the watcher is not used afterwards. */
  abstract close(): void;
  /** Whether the watcher can deliver callbacks now. */
  abstract isActive(): boolean;
  /** `using watcher = ...` closes it at the end of the scope. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * The return code asyncio reports for a finished child: its exit code, or
 * minus the signal number if a signal killed it.
 *
 * @param status A `Deno.CommandStatus`.
 * @returns The return code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { returncodeOf } from "./child_watcher.ts";
 * assert(returncodeOf({ success: false, code: 143, signal: "SIGTERM" }) === -15);
 * assert(returncodeOf({ success: false, code: 3, signal: null }) === 3);
 * ```
 */
export function returncodeOf(status: Deno.CommandStatus): number {
  if (status.signal === null) return status.code;
  const n = (constants.signals as Record<string, number | undefined>)[status.signal];
  if (n !== undefined) return -n;
  return status.code > 128 ? -(status.code - 128) : status.code;
}

type LoopWithIo = AbstractEventLoop & { _pendingIo?: number };

interface Handler {
  callback: ChildCallback<unknown[]>;
  args: unknown[];
  /** The loop running when it was added: the fallback for delivery. */
  loop: LoopWithIo;
}

interface Child {
  pid: number;
  returncode: number | null;
  handler: Handler | null;
}

function checkPid(pid: unknown): number {
  if (typeof pid !== "number" || !Number.isInteger(pid) || pid <= 0) {
    throw new TypeError(`pid must be a positive integer: got ${describe(pid)}`);
  }
  return pid;
}

function isChildProcess(value: unknown): value is Deno.ChildProcess {
  return value instanceof Deno.ChildProcess;
}

function countIo(loop: LoopWithIo, delta: number): void {
  if (loop._pendingIo !== undefined) loop._pendingIo += delta;
}

/**
 * The default child watcher (in the role of asyncio's
 * `ThreadedChildWatcher`/`PidfdChildWatcher`): it learns of each child
 * from its `Deno.ChildProcess` (`registerProcess`, or a `ChildProcess`
 * given to `addChildHandler`) and waits on its `status` promise, so it
 * needs no signal handler and no thread. The callback runs as a callback
 * of the attached loop (else, or if that loop is closed, of the loop that
 * was running when the handler was added), at once if the child already
 * exited. The return code is the
 * exit code, or minus the signal number for a child killed by a signal.
 *
 * Differences from asyncio: Deno has no `waitpid()` for arbitrary pids, so
 * `addChildHandler(pid)` for a process the watcher was never told about
 * throws `ChildProcessError` (asyncio reports return code 255 with a warning).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PromiseChildWatcher, SelectorEventLoop } from "@asyncio/deno";
 * const loop = new SelectorEventLoop();
 * using watcher = new PromiseChildWatcher();
 * watcher.attachLoop(loop);
 * const exited = loop.createFuture<number>();
 * const child = new Deno.Command("sh", { args: ["-c", "exit 3"] }).spawn();
 * watcher.addChildHandler(child, (_pid, code) => exited.setResult(code));
 * assert((await loop.runUntilComplete(exited)) === 3);
 * loop.close();
 * ```
 */
export class PromiseChildWatcher extends AbstractChildWatcher {
  #loop: LoopWithIo | null = null;
  #children = new Map<number, Child>();
  #unclaimed: Child[] = [];
  #maxUnclaimed: number;
  #closed = false;

  /**
   * Creates a watcher.
   *
   * @param options `maxUnclaimedExits`: how many exited children without a
   *   handler it remembers for a handler added later (default 1024; the
   *   oldest are forgotten).
   * @throws {RangeError} If `maxUnclaimedExits` is not a non-negative integer.
   */
  constructor(options: { maxUnclaimedExits?: number } = {}) {
    super();
    const max = options.maxUnclaimedExits ?? MAX_UNCLAIMED_EXITS;
    if (!Number.isInteger(max) || max < 0) {
      throw new RangeError(
        `options.maxUnclaimedExits must be a non-negative integer: got ${describe(max)}`,
      );
    }
    this.#maxUnclaimed = max;
  }

  /**
   * Starts watching a child process (idempotent); the subprocess layer
   * registers every child it spawns.
   *
   * @param child A spawned `Deno.ChildProcess`.
   * @returns Its pid.
   * @throws {TypeError} If `child` is not a `Deno.ChildProcess`.
   * @throws {RuntimeError} If the watcher is closed.
   */
  registerProcess(child: Deno.ChildProcess): number {
    if (!isChildProcess(child)) {
      throw new TypeError(`child must be a Deno.ChildProcess: got ${describe(child)}`);
    }
    this.#checkOpen();
    const pid = child.pid;
    const known = this.#children.get(pid);
    if (known !== undefined && known.returncode === null) return pid;
    const entry: Child = { pid, returncode: null, handler: null };
    this.#children.set(pid, entry);
    child.status.then(
      (status) => this.#exited(entry, returncodeOf(status)),
      () => this.#exited(entry, 255),
    );
    return pid;
  }

  /**
   * Calls `callback(pid, returncode, ...args)` as a loop callback when the
   * child exits, or soon if it already did; replaces an earlier handler
   * for the same child.
   *
   * @typeParam A The extra arguments' types.
   * @param pid A registered pid, or a `Deno.ChildProcess` (registered now).
   * @param callback The handler.
   * @param args Extra arguments for it.
   * @throws {TypeError} If `callback` is not a function or `pid` is not a pid.
   * @throws {ChildProcessError} If no registered child has this pid.
   * @throws {RuntimeError} If the watcher is closed, or no loop is attached
   *   and none is running.
   */
  addChildHandler<A extends unknown[]>(
    pid: number | Deno.ChildProcess,
    callback: ChildCallback<A>,
    ...args: A
  ): void {
    checkCallback(callback);
    const p = isChildProcess(pid) ? this.registerProcess(pid) : checkPid(pid);
    this.#checkOpen();
    const entry = this.#children.get(p);
    if (entry === undefined) {
      throw new ChildProcessError(
        `Unknown child process pid ${p}: the watcher only knows processes given to ` +
          "registerProcess() (or to addChildHandler() as a Deno.ChildProcess)",
        { code: "ECHILD" },
      );
    }
    const attached = this.#loop !== null && !this.#loop.isClosed() ? this.#loop : null;
    const loop = attached ?? (_getRunningLoop() as LoopWithIo | null) ?? this.#loop;
    if (loop === null) {
      throw new RuntimeError(
        "Cannot add child handler: the child watcher has no loop attached and no loop is running",
      );
    }
    this.#dropHandler(entry);
    entry.handler = { callback: callback as ChildCallback<unknown[]>, args, loop };
    if (entry.returncode !== null) this.#deliver(entry);
    else countIo(loop, 1);
  }

  /**
   * Removes the handler for `pid`; the child stays registered.
   *
   * @param pid The pid.
   * @returns Whether there was a handler.
   * @throws {TypeError} If `pid` is not a pid.
   */
  removeChildHandler(pid: number): boolean {
    const entry = this.#children.get(checkPid(pid));
    if (entry === undefined || entry.handler === null) return false;
    this.#dropHandler(entry);
    return true;
  }

  /**
   * Delivers callbacks on `loop` from now on; `null` detaches (callbacks
   * then go to the loop running when each handler was added).
   *
   * @param loop An event loop, or `null`.
   * @throws {TypeError} If `loop` is neither.
   */
  attachLoop(loop: AbstractEventLoop | null): void {
    if (loop !== null && !(loop instanceof AbstractEventLoop)) {
      throw new TypeError(`loop must be an event loop or null: got ${describe(loop)}`);
    }
    this.#loop = loop;
  }

  /** Drops every handler and registration and detaches the loop. Idempotent. */
  close(): void {
    for (const entry of this.#children.values()) this.#dropHandler(entry);
    this.#children.clear();
    this.#unclaimed = [];
    this.#loop = null;
    this.#closed = true;
  }

  /**
   * Whether callbacks can be delivered: the watcher is open and a loop is
   * attached (and not closed) or running. Subprocesses are spawned from a
   * running loop, so an open watcher is always active for them, as asyncio's
   * `ThreadedChildWatcher` is.
   *
   * @returns Whether it is active.
   */
  isActive(): boolean {
    if (this.#closed) return false;
    if (this.#loop !== null && !this.#loop.isClosed()) return true;
    return _getRunningLoop() !== null;
  }

  #checkOpen(): void {
    if (this.#closed) throw new RuntimeError("The child watcher is closed");
  }

  #dropHandler(entry: Child): void {
    const handler = entry.handler;
    if (handler === null) return;
    entry.handler = null;
    if (entry.returncode === null) countIo(handler.loop, -1);
  }

  #exited(entry: Child, returncode: number): void {
    if (this.#children.get(entry.pid) !== entry) return;
    entry.returncode = returncode;
    if (entry.handler !== null) {
      countIo(entry.handler.loop, -1);
      this.#deliver(entry);
      return;
    }
    // Kept so that a handler added later still gets the return code; the
    // oldest such entries are forgotten so a long-running program's watcher
    // does not grow without bound.
    this.#unclaimed.push(entry);
    if (this.#unclaimed.length > this.#maxUnclaimed) {
      const old = this.#unclaimed.shift()!;
      if (this.#children.get(old.pid) === old && old.handler === null) {
        this.#children.delete(old.pid);
      }
    }
  }

  // The child is done with: forget it (its pid may be reused) and schedule
  // the callback on the attached loop, or, if none is attached or it was
  // closed, on the loop that was running when the handler was added.
  #deliver(entry: Child): void {
    const { callback, args, loop: fallback } = entry.handler!;
    entry.handler = null;
    this.#children.delete(entry.pid);
    const attached = this.#loop;
    const loop = attached !== null && !attached.isClosed() ? attached : fallback;
    if (loop.isClosed()) {
      console.warn(`Loop ${loop.constructor.name} that handles pid ${entry.pid} is closed`);
      return;
    }
    loop.callSoonThreadsafe(callback, entry.pid, entry.returncode!, ...args);
  }
}
