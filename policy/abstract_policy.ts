/**
 * `AbstractEventLoopPolicy`: the interface of event loop policies.
 *
 * @module
 */

import type { AbstractEventLoop } from "../loops/events.ts";
import { NotImplementedError } from "../loops/exceptions.ts";
import type { ChildWatcherLike } from "./child_watcher_registry.ts";

/**
 * The policy interface: it manages the event loop of the current context
 * and, on Unix, the child watcher.
 *
 * Subclasses implement `getEventLoop`, `setEventLoop` and `newEventLoop`;
 * `getChildWatcher`/`setChildWatcher` throw `NotImplementedError` unless
 * overridden (as in asyncio's abstract policy).
 *
 * @example A custom policy
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   AbstractEventLoop, AbstractEventLoopPolicy, getEventLoop, setEventLoopPolicy, TestLoop,
 * } from "@asyncio/deno";
 * class TestPolicy extends AbstractEventLoopPolicy {
 *   loop: AbstractEventLoop | null = null;
 *   getEventLoop() { return this.loop ??= this.newEventLoop(); }
 *   setEventLoop(loop: AbstractEventLoop | null) { this.loop = loop; }
 *   newEventLoop() { return new TestLoop(); }
 * }
 * setEventLoopPolicy(new TestPolicy());
 * const loop = getEventLoop();
 * assert(loop instanceof TestLoop);
 * loop.close();
 * setEventLoopPolicy(null);
 * ```
 */
export abstract class AbstractEventLoopPolicy {
  /**
   * The event loop of the current context. Never null: returns a loop or
   * throws.
   */
  abstract getEventLoop(): AbstractEventLoop;
  /** Sets the event loop of the current context (`null` clears it). */
  abstract setEventLoop(loop: AbstractEventLoop | null): void;
  /** Creates a new loop by this policy's rules; it is not made current. */
  abstract newEventLoop(): AbstractEventLoop;

  /**
   * The child watcher subprocesses use (Unix).
   *
   * @returns The watcher.
   * @throws {NotImplementedError} Unless a subclass provides it.
   */
  getChildWatcher(): ChildWatcherLike {
    throw new NotImplementedError(`${this.constructor.name} does not implement getChildWatcher()`);
  }

  /**
   * Sets the child watcher subprocesses use (Unix).
   *
   * @param _watcher The watcher, or `null`.
   * @throws {NotImplementedError} Unless a subclass provides it.
   */
  setChildWatcher(_watcher: ChildWatcherLike | null): void {
    throw new NotImplementedError(`${this.constructor.name} does not implement setChildWatcher()`);
  }
}
