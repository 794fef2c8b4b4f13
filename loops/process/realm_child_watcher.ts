/**
 * The realm's child watcher: what a child watcher must have
 * ({@linkcode ChildWatcherLike}), and the watcher of this realm, made on
 * first use (a `PromiseChildWatcher` attached to the realm's current loop).
 * `DefaultEventLoopPolicy.getChildWatcher()`/`setChildWatcher()` are its
 * facade; the subprocess layer registers every child it spawns with it.
 * Module state is per realm, as asyncio's policy state is per thread.
 *
 * @module
 */

import { _getCurrentLoop, type AbstractEventLoop } from "../core/events.ts";
import { RuntimeError } from "../core/exceptions.ts";
import { describe } from "../core/checks.ts";
import { PromiseChildWatcher } from "./child_watcher.ts";

/**
 * A child watcher as the policy and the subprocess layer see it (asyncio's
 * `AbstractChildWatcher`): it reports the exit of child processes by
 * calling `callback(pid, returncode, ...args)` on the loop it is attached
 * to. `AbstractChildWatcher` and `PromiseChildWatcher` match it.
 *
 * @example A watcher that only records what it is asked
 * ```ts
 * import assert from "node:assert/strict";
 * import type { AbstractEventLoop, ChildWatcherLike } from "@asyncio/deno";
 * class Recorder implements ChildWatcherLike {
 *   loop: AbstractEventLoop | null = null;
 *   pids = new Set<number>();
 *   addChildHandler(pid: number) {
 *     this.pids.add(pid);
 *   }
 *   removeChildHandler(pid: number) {
 *     return this.pids.delete(pid);
 *   }
 *   attachLoop(loop: AbstractEventLoop | null) {
 *     this.loop = loop;
 *   }
 *   close() {
 *     this.pids.clear();
 *   }
 * }
 * const recorder = new Recorder();
 * const watcher: ChildWatcherLike = recorder;
 * watcher.addChildHandler(42, () => {});
 * assert(recorder.pids.has(42) && watcher.removeChildHandler(42));
 * ```
 */
export interface ChildWatcherLike {
  /**
   * Calls `callback(pid, returncode, ...args)` when process `pid` exits;
   * replaces an earlier handler for the same pid.
   */
  addChildHandler(pid: number, callback: ChildExitCallback, ...args: unknown[]): void;
  /** Removes the handler for `pid`; returns whether there was one. */
  removeChildHandler(pid: number): boolean;
  /** Delivers callbacks on `loop` from now on (`null`: detach). */
  attachLoop(loop: AbstractEventLoop | null): void;
  /** Releases what the watcher holds; it is not used afterwards. */
  close(): void;
  /** Tells the watcher about a child the subprocess layer spawned (optional). */
  registerProcess?(child: Deno.ChildProcess): number;
  /** Whether the watcher can deliver callbacks now (optional: assumed). */
  isActive?(): boolean;
}

/**
 * What a child watcher calls when a child exits:
 * `callback(pid, returncode, ...args)`.
 *
 * @example
 * ```ts
 * import type { ChildExitCallback } from "@asyncio/deno";
 * const log: ChildExitCallback = (pid, returncode) => console.log(pid, returncode);
 * log(1234, 0);
 * ```
 */
// deno-lint-ignore no-explicit-any
export type ChildExitCallback = (pid: number, returncode: number, ...args: any[]) => unknown;

const WATCHER_METHODS = ["addChildHandler", "removeChildHandler", "attachLoop", "close"] as const;

/**
 * Whether `value` has the methods of a {@linkcode ChildWatcherLike}.
 *
 * @param value Anything.
 * @returns `true` if it can serve as a child watcher.
 * @ignore
 */
export function isChildWatcherLike(value: unknown): value is ChildWatcherLike {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
  const record = value as Record<string, unknown>;
  return WATCHER_METHODS.every((name) => typeof record[name] === "function");
}

/**
 * Throws TypeError unless `value` is a {@linkcode ChildWatcherLike}.
 *
 * @param value Anything.
 * @param name Its name, for the message.
 * @throws {TypeError} If a method is missing.
 * @ignore
 */
export function checkChildWatcher(
  value: unknown,
  name: string,
): asserts value is ChildWatcherLike {
  if (!isChildWatcherLike(value)) {
    const missing = value !== null && typeof value === "object"
      ? WATCHER_METHODS.filter((m) => typeof (value as Record<string, unknown>)[m] !== "function")
      : [...WATCHER_METHODS];
    throw new TypeError(
      `${name} must be a child watcher or null (missing ${missing.join(", ")}): got ${
        describe(value)
      }`,
    );
  }
}

/** Creates the realm's default child watcher. @ignore */
export type ChildWatcherFactory = () => ChildWatcherLike;

// The child watcher of this realm (asyncio: of the policy, per thread):
// made on first use by the default factory, a PromiseChildWatcher, and
// attached to the realm's current loop. DefaultEventLoopPolicy is its
// facade (getChildWatcher/setChildWatcher); the subprocess layer registers
// every child with it. Module state is per realm.
let realmWatcher: ChildWatcherLike | null = null;
let defaultFactory: ChildWatcherFactory | null = () => new PromiseChildWatcher();

/**
 * The realm's child watcher; if none is set, the default one is made now
 * and attached to the realm's current loop.
 *
 * @returns The watcher.
 * @throws {RuntimeError} If none is set and no default factory is set.
 * @throws {TypeError} If the factory made something that is not a watcher.
 * @ignore
 */
export function _getChildWatcher(): ChildWatcherLike {
  return realmWatcher ??= _makeDefaultChildWatcher(_getCurrentLoop() ?? null);
}

/**
 * Makes a default child watcher (with the realm's default factory) and
 * attaches it to `loop`. The realm's watcher and a policy's own watcher
 * (a `DefaultEventLoopPolicy` not installed) are made by it.
 *
 * @param loop The loop to attach it to, or `null`.
 * @returns The new watcher.
 * @throws {RuntimeError} If no default factory is set.
 * @throws {TypeError} If the factory made something that is not a watcher.
 * @ignore
 */
export function _makeDefaultChildWatcher(loop: AbstractEventLoop | null): ChildWatcherLike {
  if (defaultFactory === null) {
    throw new RuntimeError(
      "No child watcher is available: none was set with setChildWatcher() and the default " +
        "watcher factory was removed",
    );
  }
  const watcher: unknown = defaultFactory();
  checkChildWatcher(watcher, "the default child watcher factory's result");
  watcher.attachLoop(loop);
  return watcher;
}

/**
 * The realm's child watcher if one is set or was made, else `null`.
 *
 * @returns The watcher or `null`.
 * @ignore
 */
export function _peekChildWatcher(): ChildWatcherLike | null {
  return realmWatcher;
}

/**
 * Sets the realm's child watcher (`null`: the default one is made on next
 * use). Neither closes the previous one nor attaches the new one.
 *
 * @param watcher The watcher, or `null`.
 * @returns The previous watcher, or `null`.
 * @ignore
 */
export function _setChildWatcher(watcher: ChildWatcherLike | null): ChildWatcherLike | null {
  const previous = realmWatcher;
  realmWatcher = watcher;
  return previous;
}

/**
 * Replaces how the realm's default watcher is made (tests); `null` leaves
 * none, so `_getChildWatcher()` without a watcher set throws.
 *
 * @param factory Creates a watcher, or `null`.
 * @throws {TypeError} If `factory` is neither a function nor `null`.
 * @ignore
 */
export function _setDefaultChildWatcherFactory(factory: ChildWatcherFactory | null): void {
  if (factory !== null && typeof factory !== "function") {
    throw new TypeError(`factory must be a function or null: got ${describe(factory)}`);
  }
  defaultFactory = factory;
}

/**
 * How the realm's default watcher is made, or `null`.
 *
 * @returns The factory or `null`.
 * @ignore
 */
export function _defaultChildWatcherFactory(): ChildWatcherFactory | null {
  return defaultFactory;
}
