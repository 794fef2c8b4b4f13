// Awaiting a host operation (a Deno promise) from a coroutine, with real
// cancellation: a cancelled wait aborts the operation when it takes an
// AbortSignal, and a result that arrives too late (a connection, a listener)
// is disposed of instead of leaking.

import type { AbstractEventLoop, Coroutine } from "../core/events.ts";
import { wrapFuture } from "../core/futures.ts";

/**
 * Starts `start(signal)` and awaits it. If the awaiting task is cancelled,
 * the signal is aborted and a value that still arrives goes to `dispose`.
 */
export function* hostCall<T>(
  loop: AbstractEventLoop,
  start: (signal: AbortSignal) => PromiseLike<T>,
  dispose?: (value: T) => void,
): Coroutine<T> {
  const controller = new AbortController();
  const promise = start(controller.signal);
  const fut = wrapFuture(promise, loop);
  try {
    return yield* fut;
  } catch (e) {
    if (fut.done() && !fut.cancelled()) {
      // Finished, but the task was cancelled before it could take the value.
      if (fut.exception() === null && dispose !== undefined) dispose(fut.result());
    } else {
      controller.abort(e);
      fut.cancel();
      if (dispose !== undefined) promise.then(dispose, () => {});
    }
    throw e;
  }
}
