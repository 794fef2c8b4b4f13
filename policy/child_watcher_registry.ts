/**
 * What a policy needs of a child watcher (`ChildWatcherLike`), and the slot
 * where the subprocess layer registers the factory of the default watcher,
 * which `DefaultEventLoopPolicy.getChildWatcher()` creates lazily.
 *
 * `loops/` never imports `policy/`: the watcher classes only have to match
 * {@linkcode ChildWatcherLike} structurally, and the factory is registered
 * from `policy/` (or `mod.ts`) with {@linkcode _setDefaultChildWatcherFactory}.
 *
 * @module
 */

import type { AbstractEventLoop } from "../loops/core/events.ts";
import { describe } from "../loops/core/checks.ts";

/**
 * A child watcher as the policy sees it (asyncio's `AbstractChildWatcher`):
 * it reports the exit of child processes by calling
 * `callback(pid, returncode, ...args)` on the loop it is attached to.
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

/** Creates the default child watcher. */
export type ChildWatcherFactory = () => ChildWatcherLike;

const METHODS = ["addChildHandler", "removeChildHandler", "attachLoop", "close"] as const;

/**
 * Whether `value` has the methods of a {@linkcode ChildWatcherLike}.
 *
 * @param value Anything.
 * @returns `true` if it can serve as a child watcher.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isChildWatcherLike } from "@asyncio/deno";
 * assert(!isChildWatcherLike({ close() {} }));
 * ```
 */
export function isChildWatcherLike(value: unknown): value is ChildWatcherLike {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
  const record = value as Record<string, unknown>;
  return METHODS.every((name) => typeof record[name] === "function");
}

/**
 * Throws TypeError unless `value` is a {@linkcode ChildWatcherLike}.
 *
 * @internal
 */
export function checkChildWatcher(
  value: unknown,
  name: string,
): asserts value is ChildWatcherLike {
  if (!isChildWatcherLike(value)) {
    const missing = value !== null && typeof value === "object"
      ? METHODS.filter((m) => typeof (value as Record<string, unknown>)[m] !== "function")
      : [...METHODS];
    throw new TypeError(
      `${name} must be a child watcher or null (missing ${missing.join(", ")}): got ${
        describe(value)
      }`,
    );
  }
}

let defaultFactory: ChildWatcherFactory | null = null;

/**
 * Registers how `DefaultEventLoopPolicy.getChildWatcher()` creates the
 * default watcher when none was set (`null` unregisters). The subprocess
 * layer calls it once; until then `getChildWatcher()` without a watcher set
 * throws `RuntimeError`. Registration is per realm, like all module state.
 *
 * @param factory Creates a watcher, or `null`.
 * @throws {TypeError} If `factory` is neither a function nor `null`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   _defaultChildWatcherFactory,
 *   _setDefaultChildWatcherFactory,
 * } from "./child_watcher_registry.ts";
 * import { type ChildWatcherLike, DefaultEventLoopPolicy, simulatePlatform } from "@asyncio/deno";
 * const none: ChildWatcherLike = {
 *   addChildHandler() {},
 *   removeChildHandler: () => false,
 *   attachLoop() {},
 *   close() {},
 * };
 * const previous = _defaultChildWatcherFactory();
 * _setDefaultChildWatcherFactory(() => none);
 * const policy = new DefaultEventLoopPolicy({ platform: simulatePlatform("linux") });
 * assert(policy.getChildWatcher() === none);
 * _setDefaultChildWatcherFactory(previous);
 * ```
 */
export function _setDefaultChildWatcherFactory(factory: ChildWatcherFactory | null): void {
  if (factory !== null && typeof factory !== "function") {
    throw new TypeError(`factory must be a function or null: got ${describe(factory)}`);
  }
  defaultFactory = factory;
}

/** The registered default-watcher factory, or `null`. @internal */
export function _defaultChildWatcherFactory(): ChildWatcherFactory | null {
  return defaultFactory;
}
