// The two ends of every transport's life, in one place: asyncio's waiter (a
// new transport schedules `connectionMade` and its first read as loop
// callbacks; the coroutine that made it waits for that), and the final
// `connectionLost`, a loop callback too, or at once if the loop is closed.

import type { AbstractEventLoop, Coroutine } from "../../core/events.ts";
import type { BaseProtocol } from "../../core/protocols.ts";

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

/**
 * Runs `fn` as a loop callback, or at once if the loop is closed: a
 * transport still ends (and releases its resources) after its loop closed.
 */
export function soonOrNow(loop: AbstractEventLoop, fn: () => void): void {
  if (loop.isClosed()) fn();
  else loop.callSoon(fn);
}

/** Calls `protocol.connectionLost(exc)` then the `onLost` hook, reporting what throws. */
export function callConnectionLost(
  loop: AbstractEventLoop,
  transport: { getProtocol(): BaseProtocol },
  exc: Error | null,
  onLost?: (exc: Error | null) => void,
): void {
  const protocol = transport.getProtocol();
  try {
    protocol.connectionLost(exc);
  } catch (e) {
    loop.callExceptionHandler({
      message: "Exception in protocol.connectionLost()",
      exception: e,
      transport,
      protocol,
    });
  }
  if (onLost !== undefined) {
    try {
      onLost(exc);
    } catch (e) {
      loop.callExceptionHandler({ message: "Exception in a pipe's onLost hook", exception: e });
    }
  }
}
