// asyncio's transport waiter, in one place: a new transport schedules
// `connectionMade` (and its first read) as loop callbacks, and the coroutine
// that made it waits until that has happened before returning it.

import type { AbstractEventLoop, Coroutine } from "../events.ts";

/** What every transport offers for this: start, and close on failure. */
export interface Startable {
  _start(onReady: () => void): void;
  close(): void;
}

/**
 * Starts `transport` and waits until its `connectionMade` ran. If the wait
 * is cancelled, the transport is closed (then `onCancel` runs, e.g. to reap
 * a child) and the cancellation propagates.
 */
export function* startTransport(
  loop: AbstractEventLoop,
  transport: Startable,
  onCancel?: () => Iterable<unknown, unknown>,
): Coroutine<void> {
  const waiter = loop.createFuture<void>();
  transport._start(() => {
    if (!waiter.done()) waiter.setResult(undefined);
  });
  try {
    yield* waiter;
  } catch (e) {
    transport.close();
    if (onCancel !== undefined) yield* onCancel();
    throw e;
  }
}
