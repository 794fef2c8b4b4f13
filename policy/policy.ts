/**
 * Event loop policies and the module functions that go through the current
 * policy: `getEventLoop`, `setEventLoop`, `newEventLoop`,
 * `getEventLoopPolicy`, `setEventLoopPolicy`.
 *
 * Two ways to get a loop, as in asyncio:
 *
 * - **`run(main, { loopFactory })` / `Runner`** — the modern path: a loop
 *   is created for the program (by `loopFactory`, or by the policy when
 *   none is given), runs it, and is finalized and closed at the end. Choose
 *   the loop class with `loopFactory` (`() => new TestLoop()`,
 *   `() => new SelectorEventLoop("PollSelector")`). Use this in new code.
 * - **Policies** — the older path: the current policy owns "the current
 *   loop" of each realm (`getEventLoop()`, `setEventLoop()`) and decides
 *   the class of new loops (`newEventLoop()`). Setting a custom policy
 *   changes the loop every library that calls `getEventLoop()` or `run()`
 *   without a factory gets; the policy also holds the Unix child watcher.
 *
 * CPython deprecated the policy system in 3.14 (`asyncio.run(...,
 * loop_factory=...)` and `asyncio.Runner` replace it) and removed it on its
 * main branch; it is here because the asyncio this project follows
 * documents it, and because code written for it still uses it.
 *
 * @example The modern path: choose the loop with loopFactory
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run, sleep } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const t = await run(function* () {
 *   yield* sleep(3600); // virtual time: instant
 *   return getRunningLoop().time();
 * }(), { loopFactory: () => new TestLoop() });
 * assert(t === 3600);
 * ```
 *
 * @example The policy path: a policy decides the loop class for everyone
 * ```ts
 * import assert from "node:assert/strict";
 * import { type AbstractEventLoop, DefaultEventLoopPolicy, getRunningLoop, run, setEventLoopPolicy, sleep } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * class VirtualTimePolicy extends DefaultEventLoopPolicy {
 *   override newEventLoop(): AbstractEventLoop {
 *     return new TestLoop();
 *   }
 * }
 * setEventLoopPolicy(new VirtualTimePolicy());
 * try {
 *   const t = await run(function* () {
 *     yield* sleep(60);
 *     return getRunningLoop().time();
 *   }());
 *   assert(t === 60);
 * } finally {
 *   setEventLoopPolicy(null);
 * }
 * ```
 *
 * @module
 */

import { _getRunningLoop, _setCurrentLoop, type AbstractEventLoop } from "../loops/core/events.ts";
import { _setChildWatcher } from "../loops/process/realm_child_watcher.ts";
import { describe } from "../loops/core/checks.ts";
import { AbstractEventLoopPolicy } from "./abstract_policy.ts";
import { _bindPolicy, _unbindPolicy, DefaultEventLoopPolicy } from "./default_policy.ts";

export { AbstractEventLoopPolicy } from "./abstract_policy.ts";
export { DefaultEventLoopPolicy, type DefaultEventLoopPolicyOptions } from "./default_policy.ts";
export type { ChildExitCallback, ChildWatcherLike } from "../loops/process/realm_child_watcher.ts";

let policy: AbstractEventLoopPolicy | null = null;

/**
 * The current policy (the default one unless another was set).
 *
 * @returns The policy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DefaultEventLoopPolicy, getEventLoopPolicy } from "@asyncio/deno";
 * assert(getEventLoopPolicy() instanceof DefaultEventLoopPolicy);
 * ```
 */
export function getEventLoopPolicy(): AbstractEventLoopPolicy {
  if (policy === null) {
    const made = new DefaultEventLoopPolicy();
    _bindPolicy(made); // adopts the realm's loop and watcher, if any
    policy = made;
  }
  return policy;
}

/**
 * Sets the current policy; `null` restores the default one (made on next
 * use). The realm's current loop and child watcher are the policy's, as in
 * asyncio: the old policy takes its loop and watcher back (neither is
 * closed), and a `DefaultEventLoopPolicy` brings the loop and watcher set
 * on it before (a fresh one brings none: its `getEventLoop()` creates a
 * loop on first use). Another policy class leaves the realm without a
 * current loop: `new Future()` outside a running loop does not ask it
 * (docs/differences.md).
 *
 * @param newPolicy A policy or null.
 * @throws {TypeError} If it is not an `AbstractEventLoopPolicy`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DefaultEventLoopPolicy, getEventLoopPolicy, setEventLoopPolicy } from "@asyncio/deno";
 * const mine = new DefaultEventLoopPolicy();
 * setEventLoopPolicy(mine);
 * assert(getEventLoopPolicy() === mine);
 * setEventLoopPolicy(null);
 * assert(getEventLoopPolicy() !== mine);
 * ```
 */
export function setEventLoopPolicy(newPolicy: AbstractEventLoopPolicy | null): void {
  if (newPolicy !== null && !(newPolicy instanceof AbstractEventLoopPolicy)) {
    throw new TypeError(
      `policy must be an AbstractEventLoopPolicy or null: got ${describe(newPolicy)}`,
    );
  }
  if (policy instanceof DefaultEventLoopPolicy) _unbindPolicy(policy);
  _setCurrentLoop(undefined);
  _setChildWatcher(null);
  policy = newPolicy;
  if (policy instanceof DefaultEventLoopPolicy) _bindPolicy(policy);
}

/**
 * The current event loop. While a loop is running in this realm (called
 * from one of its callbacks or tasks, or from code they call), that running
 * loop; otherwise `getEventLoopPolicy().getEventLoop()`: with the default
 * policy, the loop set for this realm, created on first use in the main
 * realm. Never returns null.
 *
 * This is asyncio's `get_event_loop()` since Python 3.12: the running loop
 * first, else the policy's loop; the policy's own `getEventLoop()` does not
 * look at the running loop. Inside coroutines prefer `getRunningLoop()`,
 * which cannot create a loop by accident.
 *
 * @returns A loop.
 * @throws {RuntimeError} When no loop runs and the policy has none for this
 *   context (a Worker without `setEventLoop()`, or after `setEventLoop(null)`).
 *
 * @example Outside and inside a running loop
 * ```ts
 * import assert from "node:assert/strict";
 * import { getEventLoop } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const current = getEventLoop();
 * assert(getEventLoop() === current);
 * const other = new TestLoop();
 * const seen = await other.runUntilComplete(function* () {
 *   return getEventLoop();
 * }());
 * assert(seen === other && getEventLoop() === current);
 * other.close();
 * current.close();
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
 * import assert from "node:assert/strict";
 * import { getEventLoop, newEventLoop, setEventLoop } from "@asyncio/deno";
 * const loop = newEventLoop();
 * setEventLoop(loop);
 * assert(getEventLoop() === loop);
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
 * import assert from "node:assert/strict";
 * import { newEventLoop } from "@asyncio/deno";
 * const loop = newEventLoop();
 * assert(!loop.isRunning());
 * loop.close();
 * ```
 */
export function newEventLoop(): AbstractEventLoop {
  return getEventLoopPolicy().newEventLoop();
}
