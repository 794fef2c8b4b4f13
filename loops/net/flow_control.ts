// asyncio's FlowControlMixin, as a part protocols hold: the transport calls
// pause/resume at its water marks, StreamWriter.drain() waits on it.

import type { AbstractEventLoop } from "../core/events.ts";
import { Future } from "../core/futures.ts";
import { ConnectionResetError } from "./os_errors.ts";

// What drain() returns while writing is not paused: one done future per
// loop, shared by every connection (a done future cannot change; awaiting
// it returns at once), so an idle connection keeps none of its own.
const readyFutures = new WeakMap<AbstractEventLoop, Future<void>>();

function readyFuture(loop: AbstractEventLoop): Future<void> {
  let fut = readyFutures.get(loop);
  if (fut === undefined) {
    fut = new Future<void>({ loop });
    fut.setResult(undefined);
    readyFutures.set(loop, fut);
  }
  return fut;
}

/** The write-side flow control of a protocol that feeds a `StreamWriter`. */
export class FlowControl {
  #loop: AbstractEventLoop;
  #paused = false;
  #lost = false;
  #waiters: Future<void>[] | null = null;

  constructor(loop: AbstractEventLoop) {
    this.#loop = loop;
  }

  /** The transport went over its high water mark. */
  pause(): void {
    this.#paused = true;
  }

  /** The transport drained to its low water mark: release the waiters. */
  resume(): void {
    this.#paused = false;
    this.#wake(null);
  }

  /** The connection is gone: waiters fail with `exc` (or succeed on a clean close). */
  lost(exc: Error | null): void {
    this.#lost = true;
    if (this.#paused) this.#wake(exc);
  }

  /** What `drain()` waits for: done at once unless writing is paused. */
  drainHelper(): Future<void> {
    if (this.#lost) {
      const fut = new Future<void>({ loop: this.#loop });
      fut.setException(new ConnectionResetError("Connection lost"));
      return fut;
    }
    if (!this.#paused) return readyFuture(this.#loop);
    const waiter = new Future<void>({ loop: this.#loop });
    // Cancelled drains leave done waiters behind: sweep them now and then.
    if (this.#waiters === null) this.#waiters = [waiter];
    else {
      if (this.#waiters.length > 8) this.#waiters = this.#waiters.filter((w) => !w.done());
      this.#waiters.push(waiter);
    }
    return waiter;
  }

  #wake(exc: Error | null): void {
    const waiters = this.#waiters;
    if (waiters === null) return;
    this.#waiters = null;
    for (const w of waiters) {
      if (w.done()) continue;
      if (exc === null) w.setResult(undefined);
      else w.setException(exc);
    }
  }
}
