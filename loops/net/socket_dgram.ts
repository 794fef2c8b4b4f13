// The I/O state of a `Socket` of type `SOCK_DGRAM`: its UDP socket (one of
// the two routes of transports/datagram_backend.ts, bound at once as
// Python's `bind()` binds), the datagrams received and not yet taken, the
// `sockRecvfrom` waiters, the one send in flight, and the readiness it
// reports to readers and writers (see readiness.ts).
//
// Receiving: the route delivers every datagram as it arrives (Deno gives no
// way to leave them in the kernel), so they wait here, in order, up to
// MAX_QUEUED_BYTES; past that a datagram is dropped, as a full receive
// buffer drops it. Sending: one datagram in flight at a time (both routes
// complete sends started together in reverse order); `sendto()` throws
// BlockingIOError meanwhile, and `sockSendto` waits, as asyncio's does for
// a socket whose buffer is full.

import type { BaseEventLoop } from "../core/base_event_loop.ts";
import type { Future } from "../core/futures.ts";
import type { Inet6Address, InetAddress } from "../core/transports.ts";
import { BlockingIOError } from "./os_errors.ts";
import { closedError, Watchable } from "./readiness.ts";
import { errnoOf, mapIoError } from "./errors.ts";
import {
  type BackendName,
  type DatagramBackend,
  defaultBackend,
  openBackendSync,
  sockaddr,
} from "./transports/datagram_backend.ts";

/** The most bytes of received datagrams kept for the next `recvfrom` (a receive buffer). */
export const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

/** A datagram's source, in asyncio's shape for the socket's family. */
export type DatagramAddress = InetAddress | Inet6Address;

/** Someone waiting for a datagram: `sockRecvfrom` (`into` null) or `sockRecvfromInto`. */
interface RecvWaiter {
  fut: Future<[Uint8Array, DatagramAddress]> | Future<[number, DatagramAddress]>;
  n: number;
  into: Uint8Array | null;
}

/** @ignore The UDP socket, received datagrams, waiters and the send in flight of one `Socket`. */
export class DatagramIo extends Watchable {
  readonly #ipv6: boolean;
  readonly #route: BackendName;
  #backend: DatagramBackend | null = null;
  #closed = false;
  // receiving
  #received: [Uint8Array, DatagramAddress][] = [];
  #receivedBytes = 0;
  #recvError: Error | null = null;
  #recvWaiters: RecvWaiter[] = [];
  // sending
  #sending: Promise<Error | null> | null = null;
  #sendError: Error | null = null;
  #whenWritable: (() => void)[] = [];

  constructor(what: () => string, ipv6: boolean, route: BackendName = defaultBackend()) {
    super(what);
    this.#ipv6 = ipv6;
    this.#route = route;
  }

  /** Whether the socket is bound (by `bind()`, or by the first `sendto()`). */
  get bound(): boolean {
    return this.#backend !== null;
  }

  /** The bound address, or null. */
  address(): DatagramAddress | null {
    const b = this.#backend;
    return b === null ? null : sockaddr(b.host, b.port);
  }

  /** Which route the socket uses (`"deno"` or `"node"`), once bound. */
  get route(): BackendName | null {
    return this.#backend?.name ?? null;
  }

  /**
   * Binds at once to a numeric `host` and `port`.
   *
   * @throws {OSError} What the bind failed with (`EADDRINUSE`, ...), mapped.
   */
  bind(host: string, port: number): void {
    const where = `bind on address ${JSON.stringify([host, port])}`;
    let backend: DatagramBackend;
    try {
      backend = openBackendSync(this.#route, { host, port, ipv6: this.#ipv6, broadcast: true });
    } catch (e) {
      throw mapIoError(e, where);
    }
    this.#backend = backend;
    backend.start({
      datagram: (data, h, p) => this.#onDatagram(data, sockaddr(h, p)),
      error: (e) => this.#failed(mapIoError(e, `recvfrom on ${this._what()}`)),
    });
  }

  /** As the kernel binds a socket that sends before it was bound: any address, any port. */
  #autobind(): void {
    if (this.#backend === null) this.bind(this.#ipv6 ? "::" : "0.0.0.0", 0);
  }

  // ---- receiving ------------------------------------------------------------

  #onDatagram(data: Uint8Array, from: DatagramAddress): void {
    if (this.#closed) return;
    if (this.#receivedBytes + data.length > MAX_QUEUED_BYTES) return; // a full buffer drops it
    this.#received.push([data, from]);
    this.#receivedBytes += data.length;
    this.#dispatch();
  }

  #failed(e: Error): void {
    if (this.#closed) return;
    this.#recvError = e;
    this.#dispatch();
  }

  override _readable(): boolean {
    return this.#received.length > 0 || this.#recvError !== null;
  }

  // The route receives on its own: there is never a read to start.
  override _wantRead(): boolean {
    return false;
  }

  override _hostReadInFlight(): boolean {
    return false;
  }

  override _startIo(): void {
    this._queued = false;
  }

  override _busy(): boolean {
    return this.#sending !== null || this._reader !== null || this._writer !== null ||
      this.#recvWaiters.some((w) => !w.fut.done());
  }

  /** Serves waiters in order, then wakes the reader. */
  #dispatch(): void {
    const loop = this._loop;
    if (loop === null || loop.isClosed()) return; // the datagrams stay queued
    const waiters = this.#recvWaiters;
    while (waiters.length > 0 && this._readable()) {
      const w = waiters.shift()!;
      if (w.fut.done()) continue; // cancelled: its datagram goes to the next taker
      try {
        const [got, from] = this.take(w.n, w.into);
        (w.fut as Future<[unknown, DatagramAddress]>).setResult([got, from]);
      } catch (e) {
        w.fut.setException(e);
      }
    }
    this._arm(this._reader);
  }

  /**
   * The oldest datagram: its first `n` bytes (the rest is dropped, as
   * `recvfrom` drops it), or copied into `into` (up to `n` bytes). A receive
   * error is thrown once.
   */
  take(n: number, into: Uint8Array | null): [Uint8Array | number, DatagramAddress] {
    const next = this.#received.shift();
    if (next === undefined) {
      const e = this.#recvError!;
      this.#recvError = null;
      throw e;
    }
    const [data, from] = next;
    this.#receivedBytes -= data.length;
    if (into === null) return [data.length > n ? data.slice(0, n) : data, from];
    const count = Math.min(n, data.length);
    into.set(data.subarray(0, count));
    return [count, from];
  }

  /** `Socket.recvfrom()` / `recvfromInto()`: a datagram now, or BlockingIOError. */
  recvNow(n: number, into: Uint8Array | null): [Uint8Array | number, DatagramAddress] {
    if (this.#closed) throw closedError(`recvfrom on ${this._what()}`);
    if (!this._readable()) {
      throw new BlockingIOError(`recvfrom on ${this._what()}: Resource temporarily unavailable`, {
        code: "EAGAIN",
        errno: errnoOf("EAGAIN"),
      });
    }
    return this.take(n, into);
  }

  /**
   * `sockRecvfrom` / `sockRecvfromInto`: resolves at once when a datagram
   * waits (and no earlier call does). A waiting call counts as host work in
   * flight, so a virtual-time loop waits for it before jumping time.
   */
  recv<T extends Uint8Array | number>(
    loop: BaseEventLoop,
    n: number,
    into: Uint8Array | null,
  ): Future<[T, DatagramAddress]> {
    this.use(loop);
    const fut = loop.createFuture<[T, DatagramAddress]>();
    const waiter = { fut, n, into } as unknown as RecvWaiter;
    if (this.#closed) {
      fut.setException(closedError(`recvfrom on ${this._what()}`));
      return fut;
    }
    this.#recvWaiters = this.#recvWaiters.filter((w) => !w.fut.done());
    this.#recvWaiters.push(waiter);
    if (this._readable()) this.#dispatch();
    if (!fut.done()) {
      loop._pendingIo++;
      fut.addDoneCallback(() => loop._pendingIo--);
    }
    return fut;
  }

  // ---- sending --------------------------------------------------------------

  override _writable(): boolean {
    return !this.#closed && this.#sending === null;
  }

  /**
   * `Socket.sendto()`: starts sending a copy of `data` to `host`:`port`
   * (binding first if the socket was never bound); BlockingIOError while a
   * send is in flight; the error an earlier send failed with is thrown once.
   */
  sendNow(data: Uint8Array, host: string, port: number): number {
    if (this.#closed) throw closedError(`sendto on ${this._what()}`);
    const e = this.#sendError;
    if (e !== null) {
      this.#sendError = null;
      throw e;
    }
    if (this.#sending !== null) {
      throw new BlockingIOError(`sendto on ${this._what()}: Resource temporarily unavailable`, {
        code: "EAGAIN",
        errno: errnoOf("EAGAIN"),
      });
    }
    this.#autobind();
    const loop = this._loop;
    if (loop !== null) loop._pendingIo++;
    const where = `sendto ${JSON.stringify([host, port])} on ${this._what()}`;
    const sending = this.#backend!.send(data.slice(), host, port).then(
      () => null,
      (err) => mapIoError(err, where),
    ).then((err) => {
      if (loop !== null) loop._pendingIo--;
      this.#sending = null;
      if (err !== null && !this.#closed) this.#sendError = err;
      const waiters = this.#whenWritable;
      this.#whenWritable = [];
      for (const w of waiters) w();
      this._arm(this._writer);
      return err;
    });
    this.#sending = sending;
    return data.length;
  }

  /**
   * The outcome of the send in flight (null: none is, or it succeeded),
   * taken: its error is not thrown again by the next `sendto()`.
   */
  async takeSendOutcome(): Promise<Error | null> {
    const sending = this.#sending;
    if (sending === null) return null;
    const err = await sending;
    if (err !== null && this.#sendError === err) this.#sendError = null;
    return err;
  }

  /** Calls `fn` once no send is in flight (at once if none is). */
  whenWritable(fn: () => void): void {
    if (this.#sending === null || this.#closed) fn();
    else this.#whenWritable.push(fn);
  }

  // ---- closing --------------------------------------------------------------

  /** Closes the UDP socket; waiting calls fail with `EBADF`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.removeWatch(true);
    this.removeWatch(false);
    const loopOpen = this._loop !== null && !this._loop.isClosed();
    for (const w of this.#recvWaiters) {
      if (!w.fut.done() && loopOpen) w.fut.setException(closedError(this._what()));
    }
    this.#recvWaiters = [];
    this.#received = [];
    this.#receivedBytes = 0;
    const waiters = this.#whenWritable;
    this.#whenWritable = [];
    for (const w of waiters) w();
    void this.#backend?.close();
  }
}
