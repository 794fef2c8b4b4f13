/**
 * `DefaultEventLoopPolicy`: one loop (and one child watcher) per realm.
 *
 * @module
 */

import { AbstractEventLoop } from "../loops/core/events.ts";
import { SelectorEventLoop } from "../loops/selector_event_loop.ts";
import { ProactorEventLoop } from "../loops/proactor_event_loop.ts";
import { RuntimeError } from "../loops/core/exceptions.ts";
import { describe } from "../loops/core/checks.ts";
import { currentPlatform, OS_NAMES, type Platform } from "../platform/detect.ts";
import { checkSupported } from "../platform/matrix.ts";
import { LOOP_KINDS, type LoopKind } from "../platform/matrix_rows.ts";
import { AbstractEventLoopPolicy } from "./abstract_policy.ts";
import {
  _defaultChildWatcherFactory,
  checkChildWatcher,
  type ChildWatcherLike,
} from "./child_watcher_registry.ts";

/** Whether this realm is a Web Worker (asyncio: not the main thread). @internal */
export function _inWorker(): boolean {
  return typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined";
}

/**
 * Options of {@linkcode DefaultEventLoopPolicy}.
 *
 * @example A policy that behaves as on Windows
 * ```ts
 * import assert from "node:assert/strict";
 * import { DefaultEventLoopPolicy, type DefaultEventLoopPolicyOptions, simulatePlatform } from "@asyncio/deno";
 * const options: DefaultEventLoopPolicyOptions = { platform: simulatePlatform("windows") };
 * const policy = new DefaultEventLoopPolicy(options);
 * assert(policy.platform.os === "windows" && policy.loopKind === "selector");
 * ```
 */
export interface DefaultEventLoopPolicyOptions {
  /**
   * The platform new loops behave as, and whose limits the policy's own
   * methods follow (default: this machine).
   */
  platform?: Platform;
  /**
   * The loop class `newEventLoop()` creates: `"selector"` (default, every
   * OS) or `"proactor"` (asyncio's `WindowsProactorEventLoopPolicy`).
   */
  loopKind?: LoopKind;
}

function checkPolicyOptions(options: DefaultEventLoopPolicyOptions): void {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`options must be an object: got ${describe(options)}`);
  }
  const { platform, loopKind } = options;
  if (
    platform !== undefined &&
    (platform === null || typeof platform !== "object" || !OS_NAMES.includes(platform.os))
  ) {
    throw new TypeError(`options.platform must be a Platform: got ${describe(platform)}`);
  }
  if (loopKind !== undefined && !LOOP_KINDS.includes(loopKind)) {
    throw new TypeError(
      `options.loopKind must be one of ${LOOP_KINDS.join(", ")}: got ${describe(loopKind)}`,
    );
  }
}

/**
 * The default policy. Its context is the current realm, Deno's equivalent
 * of asyncio's thread: the main module, or one Worker (each Worker has its
 * own module state, hence its own policy, loop and child watcher). In the
 * main realm `getEventLoop()` creates a loop on first use unless
 * `setEventLoop()` was called; in a Worker it throws `RuntimeError` until a
 * loop is set. New loops are `SelectorEventLoop`s, the default everywhere
 * (or `ProactorEventLoop`s with `loopKind: "proactor"`).
 *
 * The policy's `getEventLoop()` answers with the loop it manages; the module
 * function `getEventLoop()` first returns the running loop, if any.
 *
 * Differences from asyncio: a platform can be injected to simulate another
 * OS; a set child watcher is attached to the loop passed to `setEventLoop()`
 * in every realm (asyncio: main thread only, because SIGCHLD goes there;
 * Deno waits for each child with a promise, in any realm).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DefaultEventLoopPolicy } from "@asyncio/deno";
 * const policy = new DefaultEventLoopPolicy();
 * const loop = policy.getEventLoop();
 * assert(policy.getEventLoop() === loop);
 * loop.close();
 * ```
 */
export class DefaultEventLoopPolicy extends AbstractEventLoopPolicy {
  /** The platform new loops behave as; it decides child watcher support. */
  readonly platform: Platform;
  /** The loop class `newEventLoop()` creates. */
  readonly loopKind: LoopKind;
  #loop: AbstractEventLoop | null = null;
  #setCalled = false;
  #watcher: ChildWatcherLike | null = null;

  /**
   * Creates the policy.
   *
   * @param options `platform` (default: this machine) and `loopKind`
   *   (default `"selector"`).
   * @throws {TypeError} If an option has the wrong type.
   */
  constructor(options: DefaultEventLoopPolicyOptions = {}) {
    super();
    checkPolicyOptions(options);
    this.platform = options.platform ?? currentPlatform();
    this.loopKind = options.loopKind ?? "selector";
  }

  /**
   * The loop of this realm, created on first use in the main realm.
   *
   * @returns The loop.
   * @throws {RuntimeError} In a Worker, or after `setEventLoop(null)`, when no
   *   loop is set.
   */
  getEventLoop(): AbstractEventLoop {
    if (this.#loop === null && !this.#setCalled && !_inWorker()) {
      this.setEventLoop(this.newEventLoop());
    }
    if (this.#loop === null) {
      throw new RuntimeError(
        `There is no current event loop in ${_inWorker() ? "this Worker" : "the main realm"}: ` +
          "create one with newEventLoop() and setEventLoop(), or use run()",
      );
    }
    return this.#loop;
  }

  /**
   * Sets the loop of this realm. A child watcher already set is attached
   * to it.
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
    if (this.#watcher !== null) this.#watcher.attachLoop(loop);
  }

  /**
   * Creates a loop of the policy's class on the policy's platform.
   *
   * @returns A new loop.
   * @throws {NotImplementedError} With `loopKind: "proactor"` when the
   *   platform is not Windows.
   */
  newEventLoop(): AbstractEventLoop {
    const options = { platform: this.platform };
    return this.loopKind === "proactor"
      ? new ProactorEventLoop(options)
      : new SelectorEventLoop(options);
  }

  /**
   * The child watcher of this policy (Unix). If none was set, the default
   * watcher is created (through the factory the subprocess layer registers)
   * and attached to the policy's current loop.
   *
   * @returns The watcher.
   * @throws {NotImplementedError} On Windows (`feature` `"getChildWatcher"`),
   *   before anything else.
   * @throws {RuntimeError} If no watcher was set and no default watcher is
   *   available.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { type ChildWatcherLike, DefaultEventLoopPolicy, simulatePlatform } from "@asyncio/deno";
   * const watcher: ChildWatcherLike = {
   *   addChildHandler() {},
   *   removeChildHandler: () => false,
   *   attachLoop() {},
   *   close() {},
   * };
   * const policy = new DefaultEventLoopPolicy({ platform: simulatePlatform("linux") });
   * policy.setChildWatcher(watcher);
   * assert(policy.getChildWatcher() === watcher);
   * ```
   */
  override getChildWatcher(): ChildWatcherLike {
    checkSupported("getChildWatcher", this.loopKind, this.platform);
    if (this.#watcher === null) {
      const factory = _defaultChildWatcherFactory();
      if (factory === null) {
        throw new RuntimeError(
          "No child watcher is available: none was set with setChildWatcher() and no default " +
            "watcher is registered (the subprocess layer registers it)",
        );
      }
      const watcher: unknown = factory();
      checkChildWatcher(watcher, "the default child watcher factory's result");
      watcher.attachLoop(this.#loop);
      this.#watcher = watcher;
    }
    return this.#watcher;
  }

  /**
   * Sets the child watcher of this policy (Unix). The previous watcher, if
   * another one, is closed. The new one is not attached to a loop here:
   * `setEventLoop()` attaches it, or call its `attachLoop()`.
   *
   * @param watcher The watcher, or `null` to drop it.
   * @throws {NotImplementedError} On Windows (`feature` `"setChildWatcher"`),
   *   before anything else.
   * @throws {TypeError} If `watcher` lacks a `ChildWatcherLike` method.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { DefaultEventLoopPolicy, NotImplementedError, simulatePlatform } from "@asyncio/deno";
   * const windows = new DefaultEventLoopPolicy({ platform: simulatePlatform("windows") });
   * try {
   *   windows.setChildWatcher(null);
   *   throw new Error("unreachable");
   * } catch (e) {
   *   assert(e instanceof NotImplementedError && e.feature === "setChildWatcher");
   * }
   * ```
   */
  override setChildWatcher(watcher: ChildWatcherLike | null): void {
    checkSupported("setChildWatcher", this.loopKind, this.platform);
    if (watcher !== null) checkChildWatcher(watcher, "watcher");
    const previous = this.#watcher;
    this.#watcher = watcher;
    if (previous !== null && previous !== watcher) previous.close();
  }
}
