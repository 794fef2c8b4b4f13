/**
 * `gather`.
 *
 * @module
 */

import { _getEventLoop, type AbstractEventLoop, type Awaitable } from "../core/events.ts";
import { Future, SharedDoneCallback } from "../core/futures.ts";
import { ensureFuture } from "../core/tasks.ts";
import { isCoroutine, isThenable } from "../core/checks.ts";

/** Options for `gather`, passed as the last argument. */
export interface GatherOptions {
  /** Deliver exceptions as results instead of failing the gather. */
  returnExceptions?: boolean;
}

/** The results of `gather` over a tuple of awaitables. */
export type GatherResults<A extends readonly unknown[]> = {
  -readonly [K in keyof A]: A[K] extends Awaitable<infer R> ? R : never;
};

/**
 * The future `gather` returns; cancelling it cancels every child.
 *
 * @typeParam T The results array type.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CancelledError, gather, GatheringFuture, run, sleep } from "@asyncio/deno";
 * const raised = await run(function* () {
 *   const g = gather(sleep(10), sleep(10));
 *   assert(g instanceof GatheringFuture);
 *   g.cancel(); // cancels both children; the gather then raises CancelledError
 *   try {
 *     yield* g;
 *     return null;
 *   } catch (e) {
 *     return e;
 *   }
 * }());
 * assert(raised instanceof CancelledError);
 * ```
 */
export class GatheringFuture<T extends unknown[]> extends Future<T> {
  /** @ignore */ _children: Future<unknown>[];
  /** @ignore */ _cancelRequested = false;
  #returnExceptions: boolean;
  #finished = 0;
  #completed = 0;

  /** Created by `gather`. */
  constructor(children: Future<unknown>[], loop: AbstractEventLoop, returnExceptions = false) {
    super({ loop });
    this._children = children;
    this.#returnExceptions = returnExceptions;
  }

  /**
   * @ignore A child is done: a child with a result that is not the last to
   * finish is only counted, here and now, since `_childDone` would do nothing
   * else with it; the others are queued for `_childDone`, as asyncio queues
   * its done callback. The last is always queued, so the gather completes
   * where asyncio's would, after the callbacks queued before it.
   */
  _childDoneNow(fut: Future<unknown>): boolean {
    if (++this.#completed === this._children.length) return false;
    if (fut._state !== 2 || fut._exception !== undefined) return false;
    this.#finished++;
    return true;
  }

  /** @ignore asyncio's gather `_done_callback`, once per child occurrence. */
  _childDone(fut: Future<unknown>): void {
    this.#finished++;
    if (this.done()) {
      if (!fut.cancelled()) fut.exception(); // mark it retrieved
      return;
    }
    if (!this.#returnExceptions) {
      if (fut.cancelled()) {
        this.setException(fut._makeCancelledError());
        return;
      }
      const exc = fut.exception();
      if (exc !== null) {
        this.setException(exc);
        return;
      }
    }
    const children = this._children;
    if (this.#finished < children.length) return;
    const results = new Array(children.length);
    for (let i = 0; i < children.length; i++) {
      const f = children[i];
      if (f.cancelled()) results[i] = f._makeCancelledError();
      else {
        const exc = f.exception();
        results[i] = exc !== null ? exc : f.result();
      }
    }
    // A cancelled gather raises CancelledError whatever returnExceptions says,
    // as an exception (asyncio 3.12): the children may have refused.
    if (this._cancelRequested) {
      this.setException(children[children.length - 1]._makeCancelledError());
    } else this.setResult(results as unknown as T);
  }

  /**
   * Cancels every child that is not done.
   *
   * @param msg The cancel message.
   * @returns Whether any child was cancelled.
   */
  override cancel(msg?: string): boolean {
    if (this.done()) return false;
    let any = false;
    for (const child of this._children) if (child.cancel(msg)) any = true;
    if (any) this._cancelRequested = true;
    return any;
  }
}

function isOptions(x: unknown): x is GatherOptions {
  return x !== null && typeof x === "object" && !(x instanceof Future) && !isCoroutine(x) &&
    !isThenable(x) && !(Symbol.iterator in x);
}

/**
 * Runs awaitables concurrently and returns a future of all their results, in
 * order. Coroutines are wrapped in tasks. The first exception fails the
 * gather (the others keep running) unless `returnExceptions` is set, in which
 * case exceptions (and `CancelledError`s) are results. Cancelling the gather
 * cancels the children.
 *
 * @typeParam A The awaitables' tuple type.
 * @param args The awaitables, optionally followed by `{ returnExceptions }`.
 * @returns A future of the results.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gather, run, sleep } from "@asyncio/deno";
 * const results = await run(function* () {
 *   return yield* gather(sleep(0.02, "a"), sleep(0.01, "b"), Promise.resolve(3));
 * }());
 * assert(results.join() === "a,b,3");
 * ```
 *
 * @example Collecting failures
 * ```ts
 * import assert from "node:assert/strict";
 * import { gather, run } from "@asyncio/deno";
 * const results = await run(function* () {
 *   return yield* gather(Promise.reject(new Error("x")), Promise.resolve(1), {
 *     returnExceptions: true,
 *   });
 * }());
 * assert(results[0] instanceof Error && results[1] === 1);
 * ```
 */
export function gather<A extends readonly Awaitable<unknown>[]>(
  ...args: [...A] | [...A, GatherOptions]
): GatheringFuture<GatherResults<A>> {
  let aws = args as unknown[];
  let returnExceptions = false;
  if (aws.length > 0 && isOptions(aws[aws.length - 1])) {
    returnExceptions = Boolean((aws[aws.length - 1] as GatherOptions).returnExceptions);
    aws = aws.slice(0, -1);
  }
  let loop: AbstractEventLoop | undefined;
  for (let i = 0; i < aws.length; i++) {
    const a = aws[i];
    if (a instanceof Future) {
      loop = a._loop;
      break;
    }
  }
  loop ??= _getEventLoop();
  // A coroutine or promise given twice is wrapped once (asyncio); futures
  // need no map: a future given twice is simply counted twice below.
  let wrapped: Map<unknown, Future<unknown>> | null = null;
  // The rest-parameter array (or its slice) is this call's own: it becomes
  // the children in place, no second array of 100,000 entries.
  const children = aws as Future<unknown>[];
  for (let i = 0; i < aws.length; i++) {
    const a = aws[i];
    if (a instanceof Future) {
      // What ensureFuture(a, loop) checks, without its per-call work.
      if (a._loop !== loop) {
        throw new RangeError(
          "The future belongs to a different loop than the one specified as the loop argument",
        );
      }
      continue; // already in place
    }
    wrapped ??= new Map();
    let f = wrapped.get(a);
    if (f === undefined) {
      f = ensureFuture(a as Awaitable<unknown>, loop);
      wrapped.set(a, f);
    }
    children[i] = f;
  }
  const outer = new GatheringFuture<GatherResults<A>>(children, loop, returnExceptions);
  if (children.length === 0) {
    outer.setResult([] as unknown as GatherResults<A>);
    return outer;
  }
  // One done callback per child occurrence (a future given twice counts twice).
  const callback = new SharedDoneCallback(
    loop,
    (f) => outer._childDone(f),
    (f) => outer._childDoneNow(f),
  );
  for (let i = 0; i < children.length; i++) callback.watch(children[i]);
  return outer;
}
