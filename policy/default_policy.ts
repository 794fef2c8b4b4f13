/**
 * `DefaultEventLoopPolicy`: while it is the realm's policy, the facade of
 * the realm's current loop (held by loops/core/events.ts) and the realm's
 * child watcher (held by loops/process/realm_child_watcher.ts); before and
 * after, the keeper of a loop and a watcher of its own.
 *
 * @module
 */

import { _getCurrentLoop, _setCurrentLoop, AbstractEventLoop } from "../loops/core/events.ts";
import { SelectorEventLoop } from "../loops/selector_event_loop.ts";
import { ProactorEventLoop } from "../loops/proactor_event_loop.ts";
import { RuntimeError } from "../loops/core/exceptions.ts";
import { describe } from "../loops/core/checks.ts";
import { currentPlatform, OS_NAMES, type Platform } from "../platform/detect.ts";
import { checkSupported } from "../platform/matrix.ts";
import { LOOP_KINDS, type LoopKind } from "../platform/matrix_rows.ts";
import { AbstractEventLoopPolicy } from "./abstract_policy.ts";
import {
  _getChildWatcher,
  _makeDefaultChildWatcher,
  _peekChildWatcher,
  _setChildWatcher,
  checkChildWatcher,
  type ChildWatcherLike,
} from "../loops/process/realm_child_watcher.ts";

/** Whether this realm is a Web Worker (asyncio: not the main thread). @ignore */
export function _inWorker(): boolean {
  return typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined";
}

/**
 * Options of {@linkcode DefaultEventLoopPolicy}.
 *
 * @example A policy that behaves as on Windows
 * ```ts
 * import assert from "node:assert/strict";
 * import { DefaultEventLoopPolicy, type DefaultEventLoopPolicyOptions } from "@asyncio/deno";
 * import { simulatePlatform } from "@asyncio/deno/platform";
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

// Set by DefaultEventLoopPolicy's static block: they reach its private state.
let bindPolicy: (policy: DefaultEventLoopPolicy) => void;
let unbindPolicy: (policy: DefaultEventLoopPolicy) => void;

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
 * own module state, hence its own loop and child watcher). In the main
 * realm `getEventLoop()` creates a loop on first use unless `setEventLoop()`
 * was called; in a Worker it throws `RuntimeError` until a loop is set. New
 * loops are `SelectorEventLoop`s, the default everywhere (or
 * `ProactorEventLoop`s with `loopKind: "proactor"`).
 *
 * Each instance has its own loop and child watcher, as in asyncio. While
 * it is the realm's policy (installed with `setEventLoopPolicy()`, or the
 * default one `getEventLoopPolicy()` made), they are the realm's: they live
 * in the layers that use them, so `new Future()` outside a running loop
 * and every spawned child find them without asking the policy, and the
 * policy is their facade. Installing a policy makes the loop and watcher it
 * holds the realm's; replacing it gives them back to it. The policy's
 * `getEventLoop()` answers with its loop; the module function
 * `getEventLoop()` first returns the running loop, if any.
 *
 * Differences from asyncio: a platform can be injected to simulate another
 * OS; a set child watcher is attached to the loop passed to
 * `setEventLoop()` in every realm (asyncio: main thread only, because
 * SIGCHLD goes there; Deno waits for each child with a promise, in any
 * realm); a subclass that overrides `getEventLoop()` or
 * `getChildWatcher()` without calling these is not asked by `new Future()`
 * or by the subprocess layer (docs/differences.md).
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
  // The loop (`undefined`: never set) and watcher of a policy that is not
  // the realm's; `null` while it is, when the realm's slots hold them.
  #own: { loop: AbstractEventLoop | null | undefined; watcher: ChildWatcherLike | null } | null = {
    loop: undefined,
    watcher: null,
  };

  static {
    bindPolicy = (policy) => {
      const own = policy.#own;
      if (own === null) return;
      policy.#own = null;
      if (own.loop !== undefined) _setCurrentLoop(own.loop);
      if (own.watcher !== null) _setChildWatcher(own.watcher);
    };
    unbindPolicy = (policy) => {
      if (policy.#own !== null) return;
      policy.#own = { loop: _getCurrentLoop(), watcher: _peekChildWatcher() };
      _setCurrentLoop(undefined);
      _setChildWatcher(null);
    };
  }

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
   * The policy's loop (the realm's current loop while the policy is the
   * realm's), created on first use in the main realm.
   *
   * @returns The loop.
   * @throws {RuntimeError} In a Worker, or after `setEventLoop(null)`, when no
   *   loop is set.
   */
  getEventLoop(): AbstractEventLoop {
    if (this.#loop() === undefined && !_inWorker()) this.setEventLoop(this.newEventLoop());
    const loop = this.#loop();
    if (loop === null || loop === undefined) {
      throw new RuntimeError(
        `There is no current event loop in ${_inWorker() ? "this Worker" : "the main realm"}: ` +
          "create one with newEventLoop() and setEventLoop(), or use run()",
      );
    }
    return loop;
  }

  /**
   * Sets the policy's loop (the realm's current loop while the policy is
   * the realm's). The policy's child watcher, if set or made, is attached
   * to it.
   *
   * @param loop A loop, or `null`.
   * @throws {TypeError} If `loop` is not an event loop.
   */
  setEventLoop(loop: AbstractEventLoop | null): void {
    if (loop !== null && !(loop instanceof AbstractEventLoop)) {
      throw new TypeError(`loop must be an event loop or null: got ${describe(loop)}`);
    }
    if (this.#own === null) {
      _setCurrentLoop(loop);
      _peekChildWatcher()?.attachLoop(loop);
    } else {
      this.#own.loop = loop;
      this.#own.watcher?.attachLoop(loop);
    }
  }

  #loop(): AbstractEventLoop | null | undefined {
    return this.#own === null ? _getCurrentLoop() : this.#own.loop;
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
   * The policy's child watcher (Unix; the realm's while the policy is the
   * realm's, which every spawned child is registered with). If none was
   * set, the default watcher (a `PromiseChildWatcher`) is created and
   * attached to the policy's loop.
   *
   * @returns The watcher.
   * @throws {NotImplementedError} On Windows (`feature` `"getChildWatcher"`),
   *   before anything else.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { type ChildWatcherLike, DefaultEventLoopPolicy } from "@asyncio/deno";
   * import { simulatePlatform } from "@asyncio/deno/platform";
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
    const own = this.#own;
    if (own === null) return _getChildWatcher();
    return own.watcher ??= _makeDefaultChildWatcher(own.loop ?? null);
  }

  /**
   * Sets the policy's child watcher (Unix; the realm's while the policy is
   * the realm's: subprocesses register their children with it, and a
   * watcher set before `setEventLoopPolicy(policy)` becomes the realm's
   * then). The previous watcher, if
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
   * import { DefaultEventLoopPolicy, NotImplementedError } from "@asyncio/deno";
   * import { simulatePlatform } from "@asyncio/deno/platform";
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
    let previous: ChildWatcherLike | null;
    if (this.#own === null) previous = _setChildWatcher(watcher);
    else [previous, this.#own.watcher] = [this.#own.watcher, watcher];
    if (previous !== null && previous !== watcher) previous.close();
  }
}

/**
 * Makes `policy` the realm's: the loop and the watcher it holds (if set)
 * become the realm's current loop and child watcher. `setEventLoopPolicy()`
 * calls it after clearing the realm's; `getEventLoopPolicy()` calls it on
 * the default policy it makes, which adopts what the realm has.
 *
 * @param policy The policy.
 * @ignore
 */
export function _bindPolicy(policy: DefaultEventLoopPolicy): void {
  bindPolicy(policy);
}

/**
 * Gives the realm's current loop and child watcher back to `policy`, which
 * is no longer the realm's, and clears them (neither is closed).
 *
 * @param policy The policy.
 * @ignore
 */
export function _unbindPolicy(policy: DefaultEventLoopPolicy): void {
  unbindPolicy(policy);
}
