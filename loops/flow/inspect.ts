/**
 * `isFuture`, `isCoroutine` and `isCoroutineFunction`: asyncio's
 * `isfuture`, `iscoroutine` and `iscoroutinefunction`.
 *
 * @module
 */

import type { Coroutine } from "../core/events.ts";
import { Future } from "../core/futures.ts";
import {
  isCoroutine as isCoroutineLike,
  isInstance,
  isMarkedCoroutineFunction,
} from "../core/checks.ts";

// The constructor of generator functions (not a global).
const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor as abstract new (
  ...args: never[]
) => unknown;

/**
 * Whether `value` is a future: a `Future`, a `Task` or any other subclass
 * (asyncio's `isfuture`). Promises are not futures.
 *
 * @param value Anything.
 * @returns `true` for a `Future` instance.
 *
 * @example Futures and tasks, not promises
 * ```ts
 * import assert from "node:assert/strict";
 * import { isFuture } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * assert(isFuture(loop.createFuture()) && !isFuture(Promise.resolve()));
 * loop.close();
 * ```
 */
export function isFuture(value: unknown): value is Future<unknown> {
  return isInstance(value, Future);
}

/**
 * Whether `value` is a coroutine object (asyncio's `iscoroutine`): what a
 * generator function returns, or any object a task drives the same way (with
 * `next` and `throw` methods). An async generator is not one (its methods
 * return promises), nor is a promise.
 *
 * @param value Anything.
 * @returns `true` for a coroutine object.
 *
 * @example Coroutine objects, not their functions
 * ```ts
 * import assert from "node:assert/strict";
 * import { isCoroutine, sleep } from "@asyncio/deno";
 * function* work() {
 *   yield* sleep(1);
 * }
 * assert(isCoroutine(work()) && isCoroutine(sleep(1)));
 * assert(!isCoroutine(work) && !isCoroutine(Promise.resolve()));
 * ```
 */
export function isCoroutine(value: unknown): value is Coroutine<unknown> {
  if (!isCoroutineLike(value)) return false;
  try {
    return typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !==
      "function";
  } catch {
    return false;
  }
}

/**
 * Whether `fn` is a coroutine function (asyncio's `iscoroutinefunction`):
 * here, a generator function (`function*`, a generator method, or one bound
 * with `bind`), whose call makes a coroutine object.
 *
 * Differences from asyncio: an `async` function is not a coroutine function,
 * although `await` plays the role of asyncio's `await` in it: calling it
 * starts it at once and returns a promise, which a task can await but not
 * cancel. Async generator functions are not coroutine functions either.
 *
 * @param fn Anything.
 * @returns `true` for a generator function.
 *
 * @example Generator functions, not async functions
 * ```ts
 * import assert from "node:assert/strict";
 * import { isCoroutineFunction, sleep } from "@asyncio/deno";
 * assert(isCoroutineFunction(function* () {}) && isCoroutineFunction(sleep));
 * assert(!isCoroutineFunction(async () => {}) && !isCoroutineFunction(() => 1));
 * ```
 */
export function isCoroutineFunction(fn: unknown): fn is (...args: never[]) => Coroutine<unknown> {
  return isInstance(fn, GeneratorFunction) || isMarkedCoroutineFunction(fn);
}
