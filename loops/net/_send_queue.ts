// The send side of a Socket: one queue whose writes go to Deno one at a time
// and complete in order (Deno writes are asynchronous and may be partial).
// `sockSendall` waits for its entry; `Socket.send()` only starts when idle.

import type { BaseEventLoop } from "../core/base_event_loop.ts";
import type { Future } from "../core/futures.ts";
import { BlockingIOError } from "./os_errors.ts";
import { errnoOf, mapIoError } from "./errors.ts";

/** Bytes to send; `fut` is null for `Socket.send()`. */
interface WriteEntry {
  data: Uint8Array;
  sent: number;
  fut: Future<void> | null;
}

/** @ignore The ordered writes of one connection. */
export class SendQueue {
  #what: () => string;
  #onIdle: () => void;
  #writes: WriteEntry[] = [];
  #writing = false;
  #error: Error | null = null;
  #closed = false;
  /** After close(): called once the write still in flight has settled. */
  #drained: (() => void) | null = null;

  /**
   * @param what Describes the socket in messages.
   * @param onIdle Called when the last queued write has completed (or failed).
   */
  constructor(what: () => string, onIdle: () => void) {
    this.#what = what;
    this.#onIdle = onIdle;
  }

  /** Whether a write is in flight or queued. */
  get busy(): boolean {
    return this.#writing || this.#writes.length > 0;
  }

  /** Whether a write is in flight (Deno has the bytes). */
  get writing(): boolean {
    return this.#writing;
  }

  /** The error of a failed `send()` nobody has seen yet. */
  get error(): Error | null {
    return this.#error;
  }

  /** `sockSendall`: sends `data` (a private copy) after everything queued. */
  sendall(loop: BaseEventLoop, conn: Deno.Conn, data: Uint8Array): Future<void> {
    const fut = loop.createFuture<void>();
    if (this.#error !== null) fut.setException(this.#error);
    else if (data.length === 0 && !this.busy) fut.setResult(undefined);
    else {
      this.#writes.push({ data, sent: 0, fut });
      this.#pump(loop, conn);
    }
    return fut;
  }

  /** `Socket.send()`: starts sending a copy of `data` when idle, else BlockingIOError. */
  sendNow(loop: BaseEventLoop, conn: Deno.Conn, data: Uint8Array): number {
    const e = this.#error;
    if (e !== null) {
      this.#error = null;
      throw e;
    }
    if (this.busy) {
      throw new BlockingIOError(`send on ${this.#what()}: Resource temporarily unavailable`, {
        code: "EAGAIN",
        errno: errnoOf("EAGAIN"),
      });
    }
    if (data.length > 0) {
      this.#writes.push({ data: data.slice(), sent: 0, fut: null });
      this.#pump(loop, conn);
    }
    return data.length;
  }

  #pump(loop: BaseEventLoop, conn: Deno.Conn): void {
    const writes = this.#writes;
    // A sendall cancelled before any of its bytes left is dropped whole.
    while (writes.length > 0 && writes[0].sent === 0 && writes[0].fut?.cancelled()) writes.shift();
    if (this.#writing || writes.length === 0) return;
    const entry = writes[0];
    this.#writing = true;
    loop._pendingIo++;
    conn.write(entry.data.subarray(entry.sent)).then(
      (n) => {
        this.#writing = false;
        loop._pendingIo--;
        entry.sent += n;
        if (this.#closed) {
          // A send() the socket reported sent is finished after close().
          if (entry.fut === null && entry.sent < entry.data.length) this.#pump(loop, conn);
          else this.#settleDrain();
          return;
        }
        if (entry.sent >= entry.data.length) {
          writes.shift();
          if (entry.fut !== null && !entry.fut.done() && !loop.isClosed()) {
            entry.fut.setResult(undefined);
          }
        } else if (entry.fut?.cancelled()) {
          writes.shift(); // as asyncio: a cancelled sendall stops part-way
        }
        this.#next(loop, conn);
      },
      (e) => {
        this.#writing = false;
        loop._pendingIo--;
        if (this.#closed) {
          this.#settleDrain();
          return;
        }
        this.#fail(mapIoError(e, `send on ${this.#what()}`), !loop.isClosed());
        this.#next(loop, conn);
      },
    );
  }

  #next(loop: BaseEventLoop, conn: Deno.Conn): void {
    this.#pump(loop, conn);
    if (!this.#writing) this.#onIdle();
  }

  #fail(exc: Error, loopOpen: boolean): void {
    let reported = false;
    for (const entry of this.#writes) {
      if (entry.fut === null || entry.fut.done() || !loopOpen) continue;
      entry.fut.setException(exc);
      reported = true;
    }
    this.#writes = [];
    if (!reported) this.#error = exc; // for the next send()
  }

  /**
   * The socket is closing: fails the `sockSendall` futures still pending
   * with `exc`, and, as the kernel keeps what a socket was given, lets the
   * write in flight finish (all of a `send()`, which reported its bytes
   * sent). Returns a promise settled once nothing is in flight (the
   * connection can then be closed), or null when nothing is.
   */
  close(exc: () => Error, loopOpen: boolean): Promise<void> | null {
    if (this.#closed) return null;
    this.#closed = true;
    for (const e of this.#writes) {
      if (e.fut !== null && !e.fut.done() && loopOpen) e.fut.setException(exc());
    }
    const inFlight = this.#writing ? this.#writes[0] : undefined;
    this.#writes = inFlight === undefined ? [] : [inFlight];
    if (!this.#writing) return null;
    return new Promise((resolve) => this.#drained = resolve);
  }

  #settleDrain(): void {
    this.#writes = [];
    const drained = this.#drained;
    this.#drained = null;
    drained?.();
  }
}
