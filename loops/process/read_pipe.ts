// The read pipe transport: a read pump over a Deno file or a ReadableStream
// with flow control (a paused transport starts no read, so nothing piles up),
// and asyncio's order connectionMade → dataReceived* → eofReceived →
// connectionLost(null). The write pipe transport is in pipe_write.ts.
//
// Like the stream transport, reads are not started at once but queued on the
// loop (`_ioStarts`) and started when it next goes to the host, and the
// transport itself is the runnable that delivers a chunk (no handle per
// chunk). connectionLost is called only once the pipe is released and no read
// is in flight, so when it runs nothing of the transport is left on the host.

import type { BaseEventLoop } from "../core/base_event_loop.ts";
import type { Coroutine } from "../core/events.ts";
import type { BaseProtocol, BufferedProtocol, Protocol } from "../core/protocols.ts";
import { ReadTransport } from "../core/transports.ts";
import { mapIoError } from "../net/errors.ts";
import { OSError } from "../net/os_errors.ts";
import { openSource, type PipeSource, type ReadPipe } from "./pipe_ends.ts";
import { toBytes } from "../net/transports/stream.ts";
import { callConnectionLost, soonOrNow, startTransport } from "../net/transports/lifecycle.ts";

/**
 * Options of the pipe transports' internal constructors (the subprocess
 * transport builds its pipes with them).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { PipeTransportOptions } from "@asyncio/deno";
 * const options: PipeTransportOptions = {
 *   extra: { fd: 1 },
 *   onLost: (exc) => assert(exc === null),
 * };
 * assert(options.extra?.fd === 1);
 * ```
 */
export interface PipeTransportOptions {
  /** Extra information on top of `pipe`. */
  extra?: Record<string, unknown>;
  /**
   * Called right after `protocol.connectionLost(exc)`, in the same loop
   * callback (the subprocess transport counts its closed pipes with it).
   */
  onLost?: (exc: Error | null) => void;
}

/**
 * The read end of a pipe: a Deno file (`Deno.stdin`, a FIFO opened with
 * `Deno.open`, ...) or a `ReadableStream<Uint8Array>`. Made by
 * `loop.connectReadPipe()`.
 *
 * An exception raised by `connectionMade`, `dataReceived` or `eofReceived`
 * is reported to the loop's exception handler and reading goes on, as in
 * asyncio's Unix pipe transport.
 *
 * Differences from asyncio: regular files are accepted too (asyncio's Unix
 * loops refuse them because epoll cannot watch them; Deno reads them fine).
 * A `BufferedProtocol` is supported, as by asyncio's proactor pipes (an
 * exception from `getBuffer`/`bufferUpdated` closes the transport, as there).
 *
 * `getExtraInfo` keys: `pipe` (the object given to `connectReadPipe`).
 *
 * @example Reading a stream, pausing after the first chunk
 * ```ts
 * import assert from "node:assert/strict";
 * import { type BaseTransport, Protocol, ReadPipeTransport, SelectorEventLoop } from "@asyncio/deno";
 * const loop = new SelectorEventLoop();
 * const chunks: string[] = [];
 * class FirstOnly extends Protocol {
 *   transport: ReadPipeTransport | null = null;
 *   override connectionMade(t: BaseTransport) {
 *     this.transport = t as ReadPipeTransport;
 *   }
 *   override dataReceived(data: Uint8Array) {
 *     chunks.push(new TextDecoder().decode(data));
 *     this.transport!.pauseReading(); // no further read is started
 *   }
 * }
 * const stream = ReadableStream.from([new TextEncoder().encode("a"), new TextEncoder().encode("b")]);
 * const [t] = await loop.runUntilComplete(loop.connectReadPipe(() => new FirstOnly(), stream));
 * assert(t instanceof ReadPipeTransport && t.getExtraInfo("pipe") === stream);
 * await loop.runUntilComplete(function* () {
 *   while (chunks.length === 0) yield;
 * }());
 * assert(!t.isReading() && chunks.join() === "a");
 * t.close(); // cancels the stream
 * loop.close();
 * ```
 */
export class ReadPipeTransport extends ReadTransport {
  /** @internal */ _loop: BaseEventLoop;
  #protocol: BaseProtocol;
  #source: PipeSource;
  #onLost: ((exc: Error | null) => void) | undefined;
  #readQueued = false;
  #readInFlight = false;
  #pending: Uint8Array | null | undefined = undefined; // undefined: nothing read yet
  #paused = false;
  #closing = false;
  #lostExc: Error | null | undefined = undefined; // set once the end is decided
  #lostScheduled = false;
  #closed = false;

  /**
   * Wraps `pipe` (it takes a stream's reader at once). Call `_start()` next.
   * @internal
   */
  constructor(
    loop: BaseEventLoop,
    pipe: ReadPipe,
    protocol: BaseProtocol,
    options: PipeTransportOptions = {},
  ) {
    super();
    this._loop = loop;
    this.#protocol = protocol;
    this.#source = openSource(pipe);
    this._extra = { ...options.extra, pipe };
    this.#onLost = options.onLost;
  }

  /**
   * Schedules `connectionMade`, the first read, then `onReady`. As in
   * asyncio, reading starts even if `connectionMade` throws (the error is
   * reported). @internal
   */
  _start(onReady?: () => void): void {
    this._loop.callSoon(() => {
      if (this.#closing) return;
      try {
        this.#protocol.connectionMade(this);
      } catch (e) {
        this.#report(e, "Exception in protocol.connectionMade()");
      }
      this.#startRead();
    });
    if (onReady !== undefined) this._loop.callSoon(onReady);
  }

  #report(exception: unknown, message: string): void {
    this._loop.callExceptionHandler({
      message,
      exception,
      transport: this,
      protocol: this.#protocol,
    });
  }

  #startRead(): void {
    if (this.#readQueued || this.#readInFlight || this.#pending !== undefined) return;
    if (this.#paused || this.#closing) return;
    this.#readQueued = true;
    this._loop._queueIo(this);
  }

  /** Starts the queued read; the loop calls it. @internal */
  _startIo(): void {
    this.#readQueued = false;
    if (this.#readInFlight || this.#pending !== undefined || this.#paused || this.#closing) return;
    this.#readInFlight = true;
    this._loop._pendingIo++;
    this.#source.read().then(this.#onRead, this.#onReadError);
  }

  #onRead = (chunk: Uint8Array | null): void => {
    this.#readInFlight = false;
    this._loop._pendingIo--;
    if (this.#closing) {
      this.#maybeScheduleLost();
      return;
    }
    this.#pending = chunk;
    if (!this.#paused) this._loop._callSoonRunnable(this);
  };

  #onReadError = (e: unknown): void => {
    this.#readInFlight = false;
    this._loop._pendingIo--;
    if (this.#closing) {
      this.#maybeScheduleLost(); // our own close cancelled the read
      return;
    }
    this._fatalError(mapIoError(e, "read from pipe"), "Fatal read error on pipe transport");
  };

  /** Delivers the chunk (or EOF) read last; the loop calls it. @internal */
  _run(): void {
    const chunk = this.#pending;
    if (chunk === undefined || this.#paused || this.#closing) return;
    this.#pending = undefined;
    if (chunk === null) {
      this.#onEof();
      return;
    }
    if (isBuffered(this.#protocol)) {
      try {
        feedBuffered(this.#protocol, chunk);
      } catch (e) {
        this._fatalError(e, "Fatal error: protocol.bufferUpdated() call failed.");
        return;
      }
    } else {
      try {
        (this.#protocol as Protocol).dataReceived(chunk);
      } catch (e) {
        // asyncio's Unix pipe reports it (from the reader callback) and reads on.
        this.#report(e, "Exception in protocol.dataReceived()");
      }
    }
    this.#startRead();
  }

  // asyncio closes a read pipe at EOF whatever eofReceived() returns.
  #onEof(): void {
    this.#release(null);
    try {
      (this.#protocol as Protocol).eofReceived?.();
    } catch (e) {
      this.#report(e, "Exception in protocol.eofReceived()");
    }
  }

  /** Whether data is being delivered (not paused, not closing). */
  override isReading(): boolean {
    return !this.#paused && !this.#closing;
  }

  /** Stops reading: no read is started until `resumeReading()`. */
  override pauseReading(): void {
    if (this.#closing || this.#paused) return;
    this.#paused = true;
  }

  /** Resumes reading and delivering data. */
  override resumeReading(): void {
    if (this.#closing || !this.#paused) return;
    this.#paused = false;
    if (this.#pending !== undefined) this._loop._callSoonRunnable(this);
    else this.#startRead();
  }

  /** Whether the transport is closing or closed. */
  override isClosing(): boolean {
    return this.#closing;
  }

  /**
   * Closes the pipe (a stream is cancelled, a file closed); then
   * `connectionLost(null)` is called.
   */
  override close(): void {
    this.#release(null);
  }

  /**
   * Reports an error to the exception handler (`EIO`, what a closed
   * terminal gives, only in debug mode, as asyncio), then closes. @internal
   */
  _fatalError(exc: unknown, message: string): void {
    const error = exc instanceof Error ? exc : new Error(String(exc));
    if (!(error instanceof OSError && error.code === "EIO") || this._loop.getDebug()) {
      this._loop.callExceptionHandler({
        message,
        exception: error,
        transport: this,
        protocol: this.#protocol,
      });
    }
    this.#release(error);
  }

  #release(exc: Error | null): void {
    if (this.#lostExc !== undefined) return;
    this.#closing = true;
    this.#lostExc = exc;
    this.#pending = undefined;
    this.#source.close();
    this.#maybeScheduleLost();
  }

  #maybeScheduleLost(): void {
    if (this.#lostScheduled || this.#readInFlight || this.#lostExc === undefined) return;
    this.#lostScheduled = true;
    const exc = this.#lostExc;
    soonOrNow(this._loop, () => {
      this.#closed = true;
      callConnectionLost(this._loop, this, exc, this.#onLost);
    });
  }

  /** Replaces the protocol. */
  override setProtocol(protocol: BaseProtocol): void {
    this.#protocol = protocol;
  }

  /** The current protocol. */
  override getProtocol(): BaseProtocol {
    return this.#protocol;
  }

  /** A description such as `<ReadPipeTransport open>`. */
  override toString(): string {
    const state = this.#closed ? "closed" : this.#closing ? "closing" : "open";
    return `<${this.constructor.name} ${state}>`;
  }
}

function isBuffered(protocol: BaseProtocol): protocol is BufferedProtocol {
  return typeof (protocol as BufferedProtocol).getBuffer === "function" &&
    typeof (protocol as BufferedProtocol).bufferUpdated === "function";
}

// A BufferedProtocol gets the chunk copied into its buffers, as many as it takes.
function feedBuffered(protocol: BufferedProtocol, chunk: Uint8Array): void {
  for (let at = 0; at < chunk.length;) {
    const buf = toBytes(protocol.getBuffer(chunk.length - at), "getBuffer() result");
    if (buf.length === 0) throw new RangeError("getBuffer() returned an empty buffer");
    const n = Math.min(buf.length, chunk.length - at);
    buf.set(chunk.subarray(at, at + n));
    at += n;
    protocol.bufferUpdated(n);
  }
}

/**
 * Runs the protocol factory, starts the transport and waits until
 * `connectionMade` ran (asyncio's waiter).
 */
export function* startPipe<P extends BaseProtocol, T extends { _start(r: () => void): void }>(
  loop: BaseEventLoop,
  protocolFactory: () => P,
  make: (protocol: P) => T & { close(): void },
): Coroutine<[T, P]> {
  const protocol = protocolFactory();
  const transport = make(protocol);
  yield* startTransport(loop, transport);
  return [transport, protocol];
}

/** `loop.connectReadPipe()`: the coroutine behind the method. */
export function connectReadPipe<P extends BaseProtocol>(
  loop: BaseEventLoop,
  protocolFactory: () => P,
  pipe: ReadPipe,
): Coroutine<[ReadPipeTransport, P]> {
  return startPipe(loop, protocolFactory, (p) => new ReadPipeTransport(loop, pipe, p));
}
