/**
 * Event loop policies and the module functions that go through the current
 * policy: `getEventLoop`, `setEventLoop`, `newEventLoop`,
 * `getEventLoopPolicy`, `setEventLoopPolicy`.
 *
 * @module
 */

import { _getRunningLoop, _setDefaultLoopProvider, AbstractEventLoop } from "../loops/events.ts";
import { SelectorEventLoop } from "../loops/selector_event_loop.ts";
import { RuntimeError } from "../loops/exceptions.ts";
import { describe } from "../loops/_validate.ts";

/** Whether this realm is a Web Worker (asyncio: not the main thread). */
function inWorker(): boolean {
  return typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined";
}

/**
 * The policy interface: it manages the event loop of the current context.
 *
 * @example A custom policy
 * ```ts
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
 * console.assert(loop instanceof TestLoop);
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
}

/**
 * The default policy. Its context is the current realm, Deno's equivalent
 * of asyncio's thread: the main module, or one Worker (each Worker has its
 * own policy state). In the main realm `getEventLoop()` creates a loop on
 * first use unless `setEventLoop()` was called; in a Worker it throws
 * `RuntimeError` until a loop is set.
 *
 * @example
 * ```ts
 * import { DefaultEventLoopPolicy } from "@asyncio/deno";
 * const policy = new DefaultEventLoopPolicy();
 * const loop = policy.getEventLoop();
 * console.assert(policy.getEventLoop() === loop);
 * loop.close();
 * ```
 */
export class DefaultEventLoopPolicy extends AbstractEventLoopPolicy {
  #loop: AbstractEventLoop | null = null;
  #setCalled = false;

  /**
   * The loop of this realm, created on first use in the main realm.
   *
   * @returns The loop.
   * @throws {RuntimeError} In a Worker, or after `setEventLoop(null)`, when no
   *   loop is set.
   */
  getEventLoop(): AbstractEventLoop {
    if (this.#loop === null && !this.#setCalled && !inWorker()) {
      this.setEventLoop(this.newEventLoop());
    }
    if (this.#loop === null) {
      throw new RuntimeError(
        `There is no current event loop in ${inWorker() ? "this Worker" : "the main realm"}: ` +
          "create one with newEventLoop() and setEventLoop(), or use run()",
      );
    }
    return this.#loop;
  }

  /**
   * Sets the loop of this realm.
   *
   * @param loop A loop, or `null`.
   * @throws {TypeError} If `loop` is not an event loop.
   */
  setEventLoop(loop: AbstractEventLoop | null): void {
    if (loop !== null && !(loop instanceof AbstractEventLoop)) {
      throw new TypeError(`loop must be an event loop or null: got ${describe(loop)}`);
    }
    this.#setCalled = true;
    this.#loop = loop;
  }

  /**
   * Creates a loop of the default class.
   *
   * @returns A new loop.
   */
  newEventLoop(): AbstractEventLoop {
    return new SelectorEventLoop();
  }
}

let policy: AbstractEventLoopPolicy | null = null;

/**
 * The current policy (the default one unless another was set).
 *
 * @returns The policy.
 *
 * @example
 * ```ts
 * import { DefaultEventLoopPolicy, getEventLoopPolicy } from "@asyncio/deno";
 * console.assert(getEventLoopPolicy() instanceof DefaultEventLoopPolicy);
 * ```
 */
export function getEventLoopPolicy(): AbstractEventLoopPolicy {
  return policy ??= new DefaultEventLoopPolicy();
}

/**
 * Sets the current policy; `null` restores the default one.
 *
 * @param newPolicy A policy or null.
 * @throws {TypeError} If it is not an `AbstractEventLoopPolicy`.
 *
 * @example
 * ```ts
 * import { DefaultEventLoopPolicy, getEventLoopPolicy, setEventLoopPolicy } from "@asyncio/deno";
 * const mine = new DefaultEventLoopPolicy();
 * setEventLoopPolicy(mine);
 * console.assert(getEventLoopPolicy() === mine);
 * setEventLoopPolicy(null);
 * console.assert(getEventLoopPolicy() !== mine);
 * ```
 */
export function setEventLoopPolicy(newPolicy: AbstractEventLoopPolicy | null): void {
  if (newPolicy !== null && !(newPolicy instanceof AbstractEventLoopPolicy)) {
    throw new TypeError(
      `policy must be an AbstractEventLoopPolicy or null: got ${describe(newPolicy)}`,
    );
  }
  policy = newPolicy;
}

/**
 * The running loop when called from a callback or task; otherwise
 * `getEventLoopPolicy().getEventLoop()`. Never returns null.
 *
 * @returns A loop.
 * @throws {RuntimeError} When the policy has no loop for this context.
 *
 * @example
 * ```ts
 * import { getEventLoop } from "@asyncio/deno";
 * const loop = getEventLoop();
 * console.assert(getEventLoop() === loop);
 * ```
 */
export function getEventLoop(): AbstractEventLoop {
  return _getRunningLoop() ?? getEventLoopPolicy().getEventLoop();
}

/**
 * `getEventLoopPolicy().setEventLoop(loop)`.
 *
 * @param loop A loop or null.
 *
 * @example
 * ```ts
 * import { getEventLoop, newEventLoop, setEventLoop } from "@asyncio/deno";
 * const loop = newEventLoop();
 * setEventLoop(loop);
 * console.assert(getEventLoop() === loop);
 * setEventLoop(null);
 * loop.close();
 * ```
 */
export function setEventLoop(loop: AbstractEventLoop | null): void {
  getEventLoopPolicy().setEventLoop(loop);
}

/**
 * `getEventLoopPolicy().newEventLoop()`.
 *
 * @returns A new loop (not made current).
 *
 * @example
 * ```ts
 * import { newEventLoop } from "@asyncio/deno";
 * const loop = newEventLoop();
 * console.assert(!loop.isRunning());
 * loop.close();
 * ```
 */
export function newEventLoop(): AbstractEventLoop {
  return getEventLoopPolicy().newEventLoop();
}

_setDefaultLoopProvider(() => getEventLoopPolicy().getEventLoop());
