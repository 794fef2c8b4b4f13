// The I/O state of a `Socket`: its connection or listener, the receive
// buffer and the pending read, the accept queue, the send queue, and the
// readiness it reports to readers and writers (see `_readiness.ts`).
//
// Receiving keeps one pending `conn.read()` into a private buffer whose bytes
// wait in a ByteQueue for the next `sockRecv`/`recv`. A read is only started
// while someone wants data (a `sockRecv` waiter or a reader) and the buffer
// is empty, so at most one read's worth (64 KiB) is buffered. Accepting
// keeps one pending `listener.accept()` the same way.

import type { BaseEventLoop } from "../core/base_event_loop.ts";
import { RuntimeError } from "../core/exceptions.ts";
import type { Future } from "../core/futures.ts";
import { BlockingIOError, BrokenPipeError } from "./os_errors.ts";
import { ByteQueue } from "./_byte_queue.ts";
import { closedError, Watchable } from "./readiness.ts";
import { SendQueue } from "./_send_queue.ts";
import { errnoOf, mapIoError } from "./errors.ts";
import type { StreamConn } from "./transports/stream.ts";

/** Size of one host read. */
const READ_SIZE = 64 * 1024;
const EMPTY = new Uint8Array(0);

// Listening sockets closed while an accept was in flight. Deno releases such
// a socket (its port) only once that accept has settled, a moment after
// close(): a connection made meanwhile would be reset instead of refused.
const releasing = new Set<Promise<void>>();

/**
 * Settles once every listening socket closed so far has released its port
 * (null when none is pending): a connect from this process waits for it, so
 * closing a listener is final for it, as on every OS.
 *
 * @ignore
 */
export function listenersReleased(): Promise<void> | null {
  return releasing.size === 0 ? null : Promise.all(releasing).then(() => {});
}

/** Someone waiting for bytes: `sockRecv` (`into` null) or `sockRecvInto`. */
interface RecvWaiter {
  fut: Future<Uint8Array> | Future<number>;
  n: number;
  into: Uint8Array | null;
}

/** Someone waiting for a connection: `sockAccept`, or a `Server` through a listener. */
export interface AcceptWaiter {
  /** Whether the waiter still wants a connection (false once cancelled). */
  live(): boolean;
  resolve(conn: Deno.Conn): void;
  reject(e: Error): void;
}

/** @ignore The buffers, pending host operations and watches of one socket. */
export class SocketIo extends Watchable {
  #conn: Deno.Conn | null = null;
  #listener: Deno.Listener | null = null;
  #closed = false;
  #detached = false;
  // receiving
  #buffer = new ByteQueue();
  #eof = false;
  #readError: Error | null = null;
  #reading = false;
  #readBuf: Uint8Array | null = null;
  #recvWaiters: RecvWaiter[] = [];
  #readSettled: (() => void)[] = [];
  // accepting
  #conns: Deno.Conn[] = [];
  #acceptError: Error | null = null;
  #accepting = false;
  #acceptWaiters: AcceptWaiter[] = [];
  #acceptSettled: (() => void)[] = [];
  // sending
  #sends: SendQueue;
  // shutdown(): reads end (emulated); the write side is shut once the sends are out
  #readShut = false;
  #writeShut = false;
  #writeShutDone = false;

  constructor(what: () => string) {
    super(what);
    this.#sends = new SendQueue(what, () => {
      this._arm(this._writer);
      this.#maybeShutWrite();
    });
  }

  get conn(): Deno.Conn | null {
    return this.#conn;
  }

  get listener(): Deno.Listener | null {
    return this.#listener;
  }

  override _busy(): boolean {
    return this.#reading || this.#accepting || this.#sends.writing || this._reader !== null ||
      this._writer !== null || this.#recvWaiters.some((w) => !w.fut.done()) ||
      this.#acceptWaiters.some((w) => w.live());
  }

  /** Whether nothing would stop a transport from taking the connection over. */
  handOverProblem(): string | null {
    if (this._reader !== null || this._writer !== null) return "a reader or writer is registered";
    if (this.#recvWaiters.some((w) => !w.fut.done())) return "a sockRecv is waiting";
    if (this.#sends.busy) return "a send is in progress";
    if (this.#acceptWaiters.some((w) => w.live())) return "a sockAccept is waiting";
    return null;
  }

  /** Whether a read is in flight or bytes are buffered (TLS cannot start then). */
  hasPendingInput(): boolean {
    return this.#reading || this.#buffer.size > 0;
  }

  attachConn(conn: Deno.Conn): void {
    this.#conn = conn;
    this._arm(this._writer);
    this._requestRead();
  }

  attachListener(listener: Deno.Listener): void {
    this.#listener = listener;
    this._requestRead();
  }

  // ---- receiving ------------------------------------------------------------

  override _readable(): boolean {
    if (this.#listener !== null) return this.#conns.length > 0 || this.#acceptError !== null;
    return this.#buffer.size > 0 || this.#eof || this.#readError !== null || this.#readShut;
  }

  override _wantRead(): boolean {
    if (this.#closed || this.#detached || this._readable()) return false;
    if (this.#listener !== null) {
      return (this._reader !== null || this.#acceptWaiters.some((w) => w.live()));
    }
    return this.#conn !== null &&
      (this._reader !== null || this.#recvWaiters.some((w) => !w.fut.done()));
  }

  override _waited(): boolean {
    return this.#recvWaiters.some((w) => !w.fut.done()) ||
      this.#acceptWaiters.some((w) => w.live());
  }

  override _hostReadInFlight(): boolean {
    return this.#reading || this.#accepting;
  }

  /** @ignore Starts the wanted read or accept; the loop calls it. */
  override _startIo(): void {
    this._queued = false;
    if (this.#reading || this.#accepting || !this._wantRead()) return;
    if (this.#listener !== null) this.#startAccept(this._loop!, this.#listener);
    else this.#startRead(this._loop!, this.#conn!);
  }

  #startRead(loop: BaseEventLoop, conn: Deno.Conn): void {
    const buf = this.#readBuf ??= new Uint8Array(READ_SIZE);
    this.#readBuf = null; // in Deno's hands until the read settles
    this.#reading = true;
    loop._pendingIo++;
    conn.read(buf).then(
      (n) => {
        this.#readDone(loop);
        this.#readBuf = buf;
        if (this.#closed) return;
        if (n === null) this.#eof = true;
        else this.#buffer.push(buf.slice(0, n));
        this.#dispatch();
      },
      (e) => {
        this.#readDone(loop);
        if (this.#closed) return;
        this.#readError = mapIoError(e, `recv on ${this._what()}`);
        this.#dispatch();
      },
    );
  }

  #readDone(loop: BaseEventLoop): void {
    this.#reading = false;
    loop._pendingIo--;
    const settled = this.#readSettled;
    this.#readSettled = [];
    for (const f of settled) f();
  }

  /** Serves waiters in order, then wakes the reader and asks for more. */
  #dispatch(): void {
    const loop = this._loop;
    if (loop === null || loop.isClosed() || this.#detached) return; // data stays buffered
    const waiters = this.#recvWaiters;
    while (waiters.length > 0 && this._readable()) {
      const w = waiters.shift()!;
      if (w.fut.done()) continue; // cancelled: its data goes to the next taker
      try {
        if (w.into === null) (w.fut as Future<Uint8Array>).setResult(this.take(w.n));
        else (w.fut as Future<number>).setResult(this.takeInto(w.into));
      } catch (e) {
        w.fut.setException(e);
      }
    }
    this._arm(this._reader);
    this._requestRead();
  }

  /** Up to `n` buffered bytes; empty at EOF; a pending read error is thrown once. */
  take(n: number): Uint8Array {
    if (this.#readShut) return EMPTY;
    if (this.#buffer.size > 0) return this.#buffer.take(n);
    this.#throwPending();
    return EMPTY;
  }

  /** Copies buffered bytes into `into`; returns the count (0 at EOF). */
  takeInto(into: Uint8Array): number {
    if (this.#readShut) return 0;
    if (this.#buffer.size > 0) return this.#buffer.takeInto(into);
    this.#throwPending();
    return 0;
  }

  #throwPending(): void {
    const e = this.#readError;
    if (e === null) return;
    this.#readError = null;
    this.#eof = true; // after a reset the connection reads as ended
    throw e;
  }

  /** `sockRecv` / `sockRecvInto`: resolves at once when bytes (or EOF) are buffered. */
  recv<T extends Uint8Array | number>(
    loop: BaseEventLoop,
    n: number,
    into: Uint8Array | null,
  ): Future<T> {
    this.use(loop);
    const fut = loop.createFuture<T>();
    const waiter = { fut, n, into } as unknown as RecvWaiter;
    if (this.#recvWaiters.every((w) => w.fut.done()) && this._readable()) {
      this.#recvWaiters.length = 0;
      this.#recvWaiters.push(waiter);
      this.#dispatch();
    } else {
      this.#recvWaiters.push(waiter);
      this._requestRead();
    }
    return fut;
  }

  /** `Socket.recv()` / `recvInto()`: buffered bytes now, or BlockingIOError. */
  recvNow(n: number, into: Uint8Array | null): Uint8Array | number {
    if (!this._readable()) {
      this._requestRead();
      throw new BlockingIOError(`recv on ${this._what()}: Resource temporarily unavailable`, {
        code: "EAGAIN",
        errno: errnoOf("EAGAIN"),
      });
    }
    try {
      return into === null ? this.take(n) : this.takeInto(into);
    } finally {
      this._requestRead();
    }
  }

  // ---- accepting ------------------------------------------------------------

  #startAccept(loop: BaseEventLoop, listener: Deno.Listener): void {
    this.#accepting = true;
    loop._pendingIo++;
    listener.accept().then(
      (conn) => {
        this.#acceptDone(loop);
        if (this.#closed) {
          closeQuietly(conn);
          return;
        }
        this.#conns.push(conn);
        this.#dispatchAccept();
      },
      (e) => {
        this.#acceptDone(loop);
        if (this.#closed) return;
        this.#acceptError = mapIoError(e, `accept on ${this._what()}`);
        this.#dispatchAccept();
      },
    );
  }

  #acceptDone(loop: BaseEventLoop): void {
    this.#accepting = false;
    loop._pendingIo--;
    const settled = this.#acceptSettled;
    this.#acceptSettled = [];
    for (const f of settled) f();
  }

  /**
   * Settles once no host accept is in flight: Deno releases a closed
   * listener's socket (its port) only then.
   */
  listenerReleased(): Promise<void> {
    if (!this.#accepting) return Promise.resolve();
    return new Promise((resolve) => this.#acceptSettled.push(resolve));
  }

  #dispatchAccept(): void {
    const loop = this._loop;
    if (loop === null || loop.isClosed()) return; // the connection stays queued
    const waiters = this.#acceptWaiters;
    while (waiters.length > 0 && this._readable()) {
      const w = waiters.shift()!;
      if (!w.live()) continue;
      try {
        w.resolve(this.acceptNow());
      } catch (e) {
        w.reject(e as Error);
      }
    }
    this._arm(this._reader);
    this._requestRead();
  }

  /** A queued connection, or the pending accept error, or BlockingIOError. */
  acceptNow(): Deno.Conn {
    const conn = this.#conns.shift();
    if (conn !== undefined) {
      this._requestRead();
      return conn;
    }
    const e = this.#acceptError;
    if (e !== null) {
      this.#acceptError = null;
      this._requestRead();
      throw e;
    }
    throw new BlockingIOError(`accept on ${this._what()}: Resource temporarily unavailable`, {
      code: "EAGAIN",
      errno: errnoOf("EAGAIN"),
    });
  }

  /** `sockAccept`, or a `Server` accepting through this socket. */
  accept(loop: BaseEventLoop, waiter: AcceptWaiter): void {
    this.use(loop);
    if (this.#closed) {
      waiter.reject(closedError(`accept on ${this._what()}`));
      return;
    }
    this.#acceptWaiters.push(waiter);
    if (this._readable()) this.#dispatchAccept();
    else this._requestRead();
  }

  // ---- sending --------------------------------------------------------------

  override _writable(): boolean {
    if (this.#conn === null || this.#closed || this.#detached) return false;
    return this.#sends.error !== null || !this.#sends.busy;
  }

  /** `sockSendall`: `data` (a private copy) is sent after everything queued before. */
  sendall(loop: BaseEventLoop, data: Uint8Array): Future<void> {
    this.use(loop);
    if (this.#writeShut) {
      const fut = loop.createFuture<void>();
      fut.setException(this.#brokenPipe("send"));
      return fut;
    }
    return this.#sends.sendall(loop, this.#conn!, data);
  }

  /** `Socket.send()`: starts sending a copy of `data` if idle, else BlockingIOError. */
  sendNow(data: Uint8Array): number {
    if (this._loop === null) {
      throw new RuntimeError(`send on ${this._what()}: the socket was never used with a loop`);
    }
    if (this.#writeShut) throw this.#brokenPipe("send");
    return this.#sends.sendNow(this._loop, this.#conn!, data);
  }

  #brokenPipe(what: string): BrokenPipeError {
    return new BrokenPipeError(`${what} on ${this._what()}: Broken pipe (the write side is shut)`, {
      code: "EPIPE",
      errno: errnoOf("EPIPE"),
    });
  }

  /**
   * `Socket.shutdown()`: `read` ends reading (what was received and not
   * taken is dropped, later reads see end of stream: Deno cannot shut the
   * read side down, so this is emulated); `write` shuts the write side down
   * once everything sent before has gone out (the peer sees end of stream).
   */
  shutdown(read: boolean, write: boolean): void {
    if (read && !this.#readShut) {
      this.#readShut = true;
      this.#buffer.clear();
      this.#dispatch();
    }
    if (write && !this.#writeShut) {
      this.#writeShut = true;
      this.#maybeShutWrite();
    }
  }

  #maybeShutWrite(): void {
    const conn = this.#conn;
    if (!this.#writeShut || this.#writeShutDone || this.#sends.busy || conn === null) return;
    if (this.#closed || this.#detached) return;
    this.#writeShutDone = true;
    const loop = this._loop;
    if (loop !== null) loop._pendingIo++;
    conn.closeWrite().then(
      () => {},
      () => {}, // the connection already ended: nothing left to shut
    ).finally(() => {
      if (loop !== null) loop._pendingIo--;
    });
  }

  // ---- handing over and closing ---------------------------------------------

  /**
   * Gives the connection to a transport: the raw connection, or (when bytes
   * are buffered or a read is in flight) a view that yields those first.
   */
  detach(): StreamConn {
    this.#detached = true;
    const conn = this.#conn!;
    if (!this.hasPendingInput() && !this.#eof && this.#readError === null) return conn;
    return {
      read: (p) => this.#readDetached(conn, p),
      write: (p) => conn.write(p),
      close: () => conn.close(),
      closeWrite: () => conn.closeWrite(),
    };
  }

  async #readDetached(conn: Deno.Conn, p: Uint8Array): Promise<number | null> {
    if (this.#reading) await new Promise<void>((resolve) => this.#readSettled.push(resolve));
    if (this.#buffer.size > 0) return this.takeInto(p);
    if (this.#readError !== null) this.#throwPending();
    if (this.#eof) return null;
    return conn.read(p);
  }

  /** Closes the connection or listener and settles everything pending. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.removeWatch(true);
    this.removeWatch(false);
    const loopOpen = this._loop !== null && !this._loop.isClosed();
    const exc = () => closedError(this._what());
    for (const w of this.#recvWaiters) if (!w.fut.done() && loopOpen) w.fut.setException(exc());
    this.#recvWaiters = [];
    for (const w of this.#acceptWaiters) if (w.live()) w.reject(exc());
    this.#acceptWaiters = [];
    // Bytes a send() already took still reach the peer: the connection is
    // closed once the write in flight has settled.
    const draining = this.#sends.close(exc, loopOpen);
    for (const c of this.#conns) closeQuietly(c);
    this.#conns = [];
    this.#buffer.clear();
    if (!this.#detached) {
      const conn = this.#conn;
      if (conn !== null) {
        if (draining === null) closeQuietly(conn);
        else draining.then(() => closeQuietly(conn));
      }
      if (this.#listener !== null) {
        closeQuietly(this.#listener);
        if (this.#accepting) {
          const released = this.listenerReleased();
          releasing.add(released);
          released.then(() => releasing.delete(released));
        }
      }
    }
  }
}

/** Closes a Deno resource that may already be closed. */
export function closeQuietly(resource: { close(): void }): void {
  try {
    resource.close();
  } catch {
    // Already closed.
  }
}
