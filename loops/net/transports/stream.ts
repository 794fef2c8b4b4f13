// The stream transport over a Deno connection (TCP, TLS, Unix socket): the
// read pump, the write buffer with flow control, half-close and closing.
//
// Every protocol callback runs as a loop callback. Data delivery is the hot
// path: the transport itself is the runnable put on the ready queue (no
// handle allocated), and the next read starts right after the protocol has
// taken the previous chunk, so a paused transport really stops reading.

import type { BaseEventLoop } from "../../core/base_event_loop.ts";
import { NotImplementedError, RuntimeError } from "../../core/exceptions.ts";
import type { BaseProtocol, BufferedProtocol, Protocol } from "../../core/protocols.ts";
import {
  type Address,
  type ExtraInfo,
  type SocketExtraInfo,
  Transport,
} from "../../core/transports.ts";
import { OSError } from "../os_errors.ts";
import { mapIoError, mapTlsError } from "../errors.ts";
import { describe } from "../../core/checks.ts";
import { FlowControlTransport } from "./base.ts";

/** The Deno connection surface the transport uses (Deno.Conn and friends). */
export interface StreamConn {
  /** Reads into `p`; resolves with the count, or null at EOF. */
  read(p: Uint8Array): Promise<number | null>;
  /** Writes from `p`; resolves with the count written. */
  write(p: Uint8Array): Promise<number>;
  /** Releases the connection. */
  close(): void;
  /** Shuts down the write side, when the connection can. */
  closeWrite?(): Promise<void>;
}

/** Who wants to know when a transport is gone (a `Server`). */
export interface TransportOwner {
  _detach(transport: StreamTransport): void;
}

// The read buffer. A pending `conn.read(buf)` holds `buf` for as long as the
// connection waits for data (Deno cannot wait for readiness without lending
// a buffer), so an idle connection costs what its next read lends. Our own
// buffer (not a BufferedProtocol's) is therefore sized by what the
// connection receives: it starts at READ_BUFFER_MIN; a read that fills it
// means more data is waiting, so the next read takes four times as much, up
// to READ_BUFFER_MAX; a read that gets a sixteenth of it or less makes the
// next read a quarter as large, down to READ_BUFFER_MIN (not when that read
// took the rest of one that filled its buffer). The gap between the two (4x
// up, 16x before going down) keeps a steady message size on one buffer
// size: one read per message and no new buffer per message. A burst
// after the connection shrank climbs 256 B, 1, 4, 16, 64 KiB (four small
// reads, then 64 KiB ones); an idle connection lends about four times what
// it last received (256 bytes for small messages). No clock: a rule that
// shrank after long waits cost ~10% of the 16 KiB echo throughput on a busy
// machine, where a round trip often waits long. Measured in bench/README.md
// ("Memory per connection").
/** What an idle connection's pending read holds after small messages. */
const READ_BUFFER_MIN = 256;
/** The largest read buffer (as asyncio's max_size of a read, 256 KiB, is to asyncio). */
const READ_BUFFER_MAX = 64 * 1024;
/** Largest single write when coalescing buffered chunks. */
const MAX_COALESCED_WRITE = 1024 * 1024;

const EMPTY = new Uint8Array(0);

/** Converts what `write()` accepts into bytes, or throws TypeError. */
export function toBytes(data: unknown, name = "data"): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  throw new TypeError(`${name} must be a Uint8Array or another byte buffer: got ${describe(data)}`);
}

/** Copies `data` into a BufferedProtocol's buffers (after a protocol switch). */
function feedBuffered(protocol: BufferedProtocol, data: Uint8Array): void {
  let at = 0;
  while (at < data.length) {
    const buf = toBytes(protocol.getBuffer(data.length - at), "getBuffer() result");
    if (buf.length === 0) throw new RangeError("getBuffer() returned an empty buffer");
    const n = Math.min(buf.length, data.length - at);
    buf.set(data.subarray(at, at + n));
    protocol.bufferUpdated(n);
    at += n;
  }
}

/**
 * A bidirectional stream transport over a Deno connection.
 *
 * Created by the loop (`createConnection`, `createServer`, ...); not meant
 * to be constructed directly.
 *
 * `getExtraInfo` keys (`SocketExtraInfo`): `peername`, `sockname`, `socket`,
 * and for TLS `sslcontext`, `peercert`, `cipher`, `compression`,
 * `alpnProtocol`.
 *
 * @typeParam A The address type: `InetAddress` for TCP and TLS, a path for
 *   Unix sockets.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run } from "@asyncio/deno";
 * import { Protocol } from "@asyncio/deno/protocols";
 * import { StreamTransport } from "./stream.ts";
 * await run(async () => {
 *   const loop = getRunningLoop();
 *   await using server = await loop.createServer(() => new Protocol(), "127.0.0.1", 0);
 *   const port = server.sockets[0].getsockname()[1];
 *   const [t] = await loop.createConnection(() => new Protocol(), "127.0.0.1", port);
 *   assert(t instanceof StreamTransport && t.canWriteEof());
 *   t.close();
 * });
 * ```
 */
export class StreamTransport<A extends Address = Address>
  extends FlowControlTransport<SocketExtraInfo<A>>
  implements Transport<SocketExtraInfo<A>> {
  /** @ignore A `Transport`. */
  static override readonly _implements: readonly (abstract new (...args: never[]) => object)[] = [
    Transport,
  ];
  /** @ignore */ _conn: StreamConn;
  #owner: TransportOwner | null;
  #buffered = false;
  #kind: string;

  // read side
  #readBuf: Uint8Array = EMPTY;
  #readTarget: Uint8Array = EMPTY;
  /** The size of our next read into our own buffer. */
  #readSize = READ_BUFFER_MIN;
  /** Whether our last read filled its buffer (the next one takes the rest). */
  #lastReadFull = false;
  // The BufferedProtocol whose buffer the read in flight fills (null: our own
  // buffer). If setProtocol() switched protocols meanwhile, the bytes are
  // delivered to the new one as data instead.
  #readFor: BaseProtocol | null = null;
  #readQueued = false;
  #readInFlight = false;
  #hasPending = false;
  #pendingN: number | null = 0;
  #paused = false;
  #eofReceived = false;

  // write side
  #chunks: Uint8Array[] | null = null; // made when first needed, as #drainWaiters
  #sending: Uint8Array = EMPTY;
  #chunkBytes = 0;
  #inFlight = 0;
  #eofRequested = false;
  #eofWritten = false;
  #canWriteEof: boolean;
  #drainWaiters: (() => void)[] | null = null;

  /** @ignore */
  constructor(
    loop: BaseEventLoop,
    conn: StreamConn,
    protocol: BaseProtocol,
    extra: ExtraInfo,
    options: { owner?: TransportOwner | null; kind?: string; canWriteEof?: boolean } = {},
  ) {
    super(loop, protocol, extra);
    this._conn = conn;
    this.#setProtocolKind(protocol);
    this.#owner = options.owner ?? null;
    this.#kind = options.kind ?? "socket";
    this.#canWriteEof = options.canWriteEof ?? typeof conn.closeWrite === "function";
    // TCP_NODELAY on every TCP connection, as asyncio's transports set it
    // (base_events._set_nodelay); Deno leaves Nagle's algorithm on. Without
    // it a reply written in two pieces (as after a small first read, see
    // READ_BUFFER_MIN) waits for the peer's delayed ACK: 40 ms on Linux.
    const tcp = conn as { setNoDelay?: (on: boolean) => void };
    if (typeof tcp.setNoDelay === "function") {
      try {
        tcp.setNoDelay(true);
      } catch {
        // Already closed: the first read or write reports it.
      }
    }
  }

  /** @ignore The first read, once `connectionMade` ran. */
  override _startReading(): void {
    this.#startRead();
  }

  #setProtocolKind(protocol: BaseProtocol): void {
    this.#buffered = typeof (protocol as BufferedProtocol).getBuffer === "function" &&
      typeof (protocol as BufferedProtocol).bufferUpdated === "function";
  }

  // ---- reading --------------------------------------------------------------

  // Reads start when the loop next goes to the host (see BaseEventLoop
  // `_startIo`), not at once: until then the connection has no pending read,
  // which Deno.startTls needs, and a protocol that pauses in the meantime
  // gets no data it did not ask for.
  #startRead(): void {
    if (this.#readQueued || this.#readInFlight || this.#hasPending || this.#paused) return;
    if (this._closing || this.#eofReceived) return;
    this.#readQueued = true;
    this._loop._queueIo(this);
  }

  /** @ignore Starts the queued read; the loop calls it. */
  _startIo(): void {
    this.#readQueued = false;
    if (this.#readInFlight || this.#hasPending || this.#paused || this._closing) return;
    if (this.#eofReceived) return;
    let target: Uint8Array;
    this.#readFor = null;
    if (this.#buffered) {
      try {
        target = toBytes((this._protocol as BufferedProtocol).getBuffer(-1), "getBuffer() result");
        if (target.length === 0) throw new RangeError("getBuffer() returned an empty buffer");
        this.#readFor = this._protocol;
      } catch (e) {
        this._fatalError(e, "Fatal error: protocol.getBuffer() call failed.");
        return;
      }
    } else {
      if (this.#readBuf.length !== this.#readSize) this.#readBuf = new Uint8Array(this.#readSize);
      target = this.#readBuf;
    }
    this.#readTarget = target;
    this.#readInFlight = true;
    this._loop._pendingIo++;
    this._conn.read(target).then(this.#onRead, this.#onReadError);
  }

  #onRead = (n: number | null): void => {
    this.#readInFlight = false;
    this._loop._pendingIo--;
    if (this._closed || this._closing || this._loop.isClosed()) return;
    if (this.#readFor === null && n !== null) this.#sizeNextRead(n);
    this.#pendingN = n;
    this.#hasPending = true;
    if (!this.#paused) this._loop._callSoonRunnable(this);
  };

  // Sizes our next read (see READ_BUFFER_MIN): four times larger after a
  // read that filled the buffer, four times smaller after one that got a
  // sixteenth of it or less (unless it took the rest of a read that filled
  // its buffer: a message of 300 bytes is read as 256 + 44, then whole).
  #sizeNextRead(n: number): void {
    const size = this.#readTarget.length;
    const full = n >= size;
    if (full) this.#readSize = Math.min(size * 4, READ_BUFFER_MAX);
    else if (n <= size >> 4 && !this.#lastReadFull) {
      this.#readSize = Math.max(size >> 2, READ_BUFFER_MIN);
    }
    this.#lastReadFull = full;
  }

  #onReadError = (e: unknown): void => {
    this.#readInFlight = false;
    this._loop._pendingIo--;
    if (this._closed || this._closing) return; // our own close cancelled the read
    const exc = this.#mapError(e, `read from ${this.#kind}`);
    // As asyncio: an OSError is a network condition, given to connectionLost
    // only; anything else is also reported to the exception handler.
    if (exc instanceof OSError) this._forceClose(exc);
    else this._fatalError(exc, `Fatal read error on ${this.#kind} transport`);
  };

  /** @ignore Delivers the chunk (or EOF) read last; the loop calls it. */
  _run(): void {
    if (!this.#hasPending || this.#paused || this._closing) return;
    this.#hasPending = false;
    const n = this.#pendingN;
    if (n === null) {
      this.#onEof();
      return;
    }
    if (n > 0) {
      try {
        if (this.#readFor === this._protocol) {
          (this._protocol as BufferedProtocol).bufferUpdated(n);
        } else if (!this.#buffered) {
          (this._protocol as Protocol).dataReceived(this.#readTarget.slice(0, n));
        } else feedBuffered(this._protocol as BufferedProtocol, this.#readTarget.subarray(0, n));
      } catch (e) {
        const what = this.#buffered ? "bufferUpdated" : "dataReceived";
        this._fatalError(e, `Fatal error: protocol.${what}() call failed.`);
        return;
      }
    }
    this.#startRead();
  }

  #onEof(): void {
    this.#eofReceived = true;
    let keepOpen: boolean | void;
    try {
      keepOpen = (this._protocol as Protocol).eofReceived?.();
    } catch (e) {
      this._fatalError(e, "Fatal error: protocol.eofReceived() call failed.");
      return;
    }
    if (keepOpen === true && this.#kind === "ssl") {
      // As asyncio's SSL transport: TLS cannot stay half-open here.
      console.warn("returning true from eofReceived() has no effect when using ssl");
      keepOpen = false;
    }
    if (keepOpen !== true) this.close();
  }

  /** Whether the transport is receiving (not paused, not closing). */
  isReading(): boolean {
    return !this.#paused && !this._closing;
  }

  /** Stops delivering data; no read is started until `resumeReading()`. */
  pauseReading(): void {
    if (this._closing || this.#paused) return;
    this.#paused = true;
  }

  /** Resumes delivering data. */
  resumeReading(): void {
    if (this._closing || !this.#paused) return;
    this.#paused = false;
    if (this.#hasPending) this._loop._callSoonRunnable(this);
    else this.#startRead();
  }

  // ---- writing --------------------------------------------------------------

  /**
   * Writes bytes: handed to Deno at once when the connection is idle (Deno
   * sends what the socket takes immediately), otherwise copied into the
   * write buffer and sent in order, coalesced.
   *
   * Like asyncio 3.12+ (which keeps a memoryview of what `send()` could not
   * take), a buffer written while the connection is idle is referenced, not
   * copied, until it is sent: do not modify it before the write buffer has
   * drained if the socket may be full. Data queued behind another write is
   * always copied.
   *
   * @param data The bytes.
   * @throws {TypeError} If `data` is not a byte buffer.
   * @throws {RuntimeError} After `writeEof()`.
   */
  write(data: Uint8Array): void {
    const bytes = toBytes(data);
    if (this.#eofRequested) throw new RuntimeError("Cannot call write() after writeEof()");
    if (bytes.length === 0) return;
    if (this._connLost > 0) {
      this._dropWrite(`${this.#kind}.send() raised exception.`);
      return;
    }
    // Idle: no copy (copying every write cost ~1/4 of the CPU of a 16 KiB
    // echo). Busy: the caller may reuse its buffer before we send it: copy.
    if (this.#inFlight === 0 && this.#chunkBytes === 0) this.#send(bytes);
    else {
      const copy = bytes.slice();
      (this.#chunks ??= []).push(copy);
      this.#chunkBytes += copy.length;
    }
    this._maybePauseProtocol();
  }

  /**
   * Writes several buffers, in order. Every item is checked first, so a bad
   * one writes nothing.
   *
   * @param list The buffers.
   * @throws {TypeError} If an item is not a byte buffer.
   */
  writelines(list: Iterable<Uint8Array>): void {
    const items = Array.from(list, (d, i) => toBytes(d, `list[${i}]`));
    for (const bytes of items) this.write(bytes);
  }

  // One write in flight at a time; the callbacks are allocated once.
  #send(buf: Uint8Array): void {
    this.#sending = buf;
    this.#inFlight = buf.length;
    this._loop._pendingIo++;
    this._conn.write(buf).then(this.#onWriteDone, this.#onWriteFailed);
  }

  #onWriteDone = (n: number): void => this.#onWritten(n);
  #onWriteFailed = (e: unknown): void => this.#onWriteError(e);

  #onWritten(n: number): void {
    const buf = this.#sending;
    this.#sending = EMPTY;
    this._loop._pendingIo--;
    this.#inFlight = 0;
    if (this._closed) return;
    if (n < buf.length) {
      this.#send(buf.subarray(n));
      this._maybeResumeProtocol();
      return;
    }
    if (this.#chunkBytes > 0) {
      this.#send(this.#takeChunks());
      this._maybeResumeProtocol();
      return;
    }
    this._maybeResumeProtocol();
    if (this.#drainWaiters !== null) {
      const waiters = this.#drainWaiters;
      this.#drainWaiters = null;
      for (const w of waiters) w();
    }
    if (this._closing) this._scheduleConnectionLost(null);
    else if (this.#eofRequested) this.#shutdownWrite();
  }

  #takeChunks(): Uint8Array {
    const chunks = this.#chunks!; // #chunkBytes > 0
    if (chunks.length === 1 || chunks[0].length >= MAX_COALESCED_WRITE) {
      const first = chunks.shift()!;
      this.#chunkBytes -= first.length;
      return first;
    }
    let size = 0;
    let count = 0;
    while (count < chunks.length && size + chunks[count].length <= MAX_COALESCED_WRITE) {
      size += chunks[count++].length;
    }
    const out = new Uint8Array(size);
    let at = 0;
    for (let i = 0; i < count; i++) {
      out.set(chunks[i], at);
      at += chunks[i].length;
    }
    chunks.splice(0, count);
    this.#chunkBytes -= size;
    return out;
  }

  #onWriteError(e: unknown): void {
    this.#sending = EMPTY;
    this._loop._pendingIo--;
    this.#inFlight = 0;
    if (this._closed) return;
    const exc = this.#mapError(e, `write to ${this.#kind}`);
    if (exc instanceof OSError) this._forceClose(exc);
    else this._fatalError(exc, `Fatal write error on ${this.#kind} transport`);
  }

  #mapError(e: unknown, what: string): Error {
    return this.#kind === "ssl" ? mapTlsError(e, what) : mapIoError(e, what);
  }

  #shutdownWrite(): void {
    if (this.#eofWritten) return;
    this.#eofWritten = true;
    this._loop._pendingIo++;
    this._conn.closeWrite!().then(
      () => this._loop._pendingIo--,
      (e) => {
        this._loop._pendingIo--;
        if (!this._closed) this._forceClose(mapIoError(e, `shut down ${this.#kind}`));
      },
    );
  }

  /** Bytes written but not yet confirmed sent by the OS. */
  override getWriteBufferSize(): number {
    return this.#inFlight + this.#chunkBytes;
  }

  /** Closes the write side once the buffer is flushed. */
  writeEof(): void {
    if (this._closing || this.#eofRequested) return;
    if (!this.#canWriteEof) {
      throw new NotImplementedError(
        `writeEof() is not supported by this ${this.#kind} transport: it cannot half-close`,
      );
    }
    this.#eofRequested = true;
    if (this.getWriteBufferSize() === 0) this.#shutdownWrite();
  }

  /** Whether `writeEof()` is supported (TCP and Unix sockets: yes; TLS: no). */
  canWriteEof(): boolean {
    return this.#canWriteEof;
  }

  // ---- closing --------------------------------------------------------------

  /**
   * Closes the transport: buffered data is still sent, then
   * `connectionLost(null)` is called and the connection closed.
   */
  override close(): void {
    if (this._closing) return;
    this._closing = true;
    if (this.getWriteBufferSize() === 0) {
      this._connLost++;
      this._scheduleConnectionLost(null);
    }
  }

  /** @ignore Closes at once, dropping buffered data. */
  _forceClose(exc: Error | null): void {
    if (this._lostScheduled) return;
    this.#chunks = null;
    this.#chunkBytes = 0;
    const waiters = this.#drainWaiters ?? [];
    this.#drainWaiters = null;
    for (const w of waiters) w();
    if (!this._closing) this._closing = true;
    this._connLost++;
    this._scheduleConnectionLost(exc);
  }

  /** @ignore Closes the connection and leaves the server, after `connectionLost`. */
  override _release(): void {
    try {
      this._conn.close();
    } catch {
      // Already closed by Deno (e.g. after a reset): nothing to release.
    }
    this.#owner?._detach(this);
    this.#owner = null;
  }

  // ---- startTls -------------------------------------------------------------

  /**
   * Hands the connection over for a TLS upgrade: stops reading, waits until
   * the write buffer is flushed, and retires this transport without closing
   * the connection or calling the protocol.
   *
   * @ignore
   */
  *_detachForTls(): Generator<unknown, StreamConn, unknown> {
    if (this._closing) throw new RuntimeError("startTls(): the transport is closing");
    // Checked before pausing, so a refused upgrade leaves the transport as it was.
    if (this.#readInFlight || (this.#hasPending && this.#pendingN !== 0)) {
      throw new RuntimeError(
        "startTls(): data is being received on the transport; Deno can only upgrade a " +
          "connection with no pending read (call startTls from dataReceived(), or from a " +
          "coroutine woken by it, before the loop waits for more data)",
      );
    }
    this.pauseReading();
    if (this.getWriteBufferSize() > 0) {
      const drained = this._loop.createFuture<void>();
      (this.#drainWaiters ??= []).push(() => {
        if (!drained.done()) drained.setResult(undefined);
      });
      yield* drained;
    }
    if (this._closing) throw new RuntimeError("startTls(): the transport was closed");
    this._closing = true;
    this._lostScheduled = true;
    this._closed = true;
    this._connLost++;
    this.#owner?._detach(this);
    this.#owner = null;
    return this._conn;
  }

  // ---- the rest -------------------------------------------------------------

  /**
   * Replaces the protocol.
   *
   * @param protocol The protocol.
   */
  override setProtocol(protocol: BaseProtocol): void {
    this._protocol = protocol;
    this.#setProtocolKind(protocol);
  }

  /**
   * What `loop.sendfile()` does with the transport (asyncio's
   * `_sendfile_compatible`): a TLS transport goes straight to the fallback,
   * the others try the native path first.
   *
   * @ignore
   */
  get _sendfileCompatible(): "tryNative" | "fallback" {
    return this.#kind === "ssl" ? "fallback" : "tryNative";
  }

  /** @ignore `<StreamTransport socket open>`: the kind, then the state. */
  override _describe(): string[] {
    return [this.#kind, this._state()];
  }
}
