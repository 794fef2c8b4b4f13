/**
 * `AbstractEventLoopPolicy`: the interface of event loop policies.
 *
 * @module
 */

import type { AbstractEventLoop } from "../loops/core/events.ts";
import { NotImplementedError } from "../loops/core/exceptions.ts";
import type { ChildWatcherLike } from "../loops/process/realm_child_watcher.ts";

/**
 * The policy interface: it manages the event loop of the current context
 * and, on Unix, the child watcher.
 *
 * Subclasses implement `getEventLoop`, `setEventLoop` and `newEventLoop`
 * (TypeScript requires it: they are `abstract`); `getChildWatcher` and
 * `setChildWatcher` are optional. As in asyncio, every one of these methods
 * throws `NotImplementedError` when it is called on a policy that does not
 * provide it (a JavaScript subclass, or the base class itself).
 *
 * @example A custom policy
 * ```ts
 * import assert from "node:assert/strict";
 * import { AbstractEventLoop, AbstractEventLoopPolicy, getEventLoop, setEventLoopPolicy } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
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
 *
 * @example A method a subclass does not provide
 * ```ts
 * import assert from "node:assert/strict";
 * import { AbstractEventLoopPolicy, NotImplementedError } from "@asyncio/deno";
 * // TypeScript refuses this; JavaScript (and asyncio) allow it.
 * const Bare = AbstractEventLoopPolicy as unknown as new () => AbstractEventLoopPolicy;
 * assert.throws(() => new Bare().newEventLoop(), NotImplementedError);
 * ```
 */
export abstract class AbstractEventLoopPolicy {
  /**
   * The event loop of the current context. Never null: returns a loop or
   * throws.
   *
   * @returns The loop.
   * @throws {NotImplementedError} Unless a subclass provides it.
   */
  abstract getEventLoop(): AbstractEventLoop;
  /**
   * Sets the event loop of the current context (`null` clears it).
   *
   * @param loop The loop, or `null`.
   * @throws {NotImplementedError} Unless a subclass provides it.
   */
  abstract setEventLoop(loop: AbstractEventLoop | null): void;
  /**
   * Creates a new loop by this policy's rules; it is not made current.
   *
   * @returns The new loop.
   * @throws {NotImplementedError} Unless a subclass provides it.
   */
  abstract newEventLoop(): AbstractEventLoop;

  /**
   * The child watcher subprocesses use (Unix).
   *
   * @returns The watcher.
   * @throws {NotImplementedError} Unless a subclass provides it.
   */
  getChildWatcher(): ChildWatcherLike {
    throw notImplemented(this, "getChildWatcher");
  }

  /**
   * Sets the child watcher subprocesses use (Unix).
   *
   * @param _watcher The watcher, or `null`.
   * @throws {NotImplementedError} Unless a subclass provides it.
   */
  setChildWatcher(_watcher: ChildWatcherLike | null): void {
    throw notImplemented(this, "setChildWatcher");
  }

  // The abstract methods stay abstract for TypeScript (a subclass that lacks
  // one does not compile), and exist at run time as asyncio's do: a policy
  // that does not provide one throws NotImplementedError, not "is not a
  // function".
  static {
    for (const method of ["getEventLoop", "setEventLoop", "newEventLoop"] as const) {
      Object.defineProperty(this.prototype, method, {
        value: {
          [method](this: object): never {
            throw notImplemented(this, method);
          },
        }[method],
        writable: true,
        configurable: true,
      });
    }
  }
}

function notImplemented(policy: object, method: string): NotImplementedError {
  return new NotImplementedError(`${policy.constructor.name} does not implement ${method}()`);
}
