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
import { type ExtraInfo, type PipeExtraInfo, ReadTransport } from "../core/transports.ts";
import { mapIoError } from "../net/errors.ts";
import { OSError } from "../net/os_errors.ts";
import { openSource, type PipeSource, type ReadPipe } from "./pipe_ends.ts";
import { toBytes } from "../net/transports/stream.ts";
import { startTransport, TransportBase } from "../net/transports/base.ts";

/**
 * Options of the pipe transports' internal constructors (the subprocess
 * transport builds its pipes with them).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { PipeTransportOptions } from "./read_pipe.ts";
 * const options: PipeTransportOptions = {
 *   extra: { fd: 1 },
 *   onLost: (exc) => assert(exc === null),
 * };
 * assert(options.extra?.fd === 1);
 * ```
 */
export interface PipeTransportOptions {
  /** Extra information on top of `pipe`. */
  extra?: ExtraInfo;
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
 * `getExtraInfo` keys (`PipeExtraInfo`): `pipe` (the object given to
 * `connectReadPipe`).
 *
 * @example Reading a stream, pausing after the first chunk
 * ```ts
 * import assert from "node:assert/strict";
 * import { SelectorEventLoop } from "@asyncio/deno";
 * import { Protocol, type ReadTransport } from "@asyncio/deno/protocols";
 * import { ReadPipeTransport } from "./read_pipe.ts";
 * const loop = new SelectorEventLoop();
 * const chunks: string[] = [];
 * class FirstOnly extends Protocol {
 *   transport: ReadTransport | null = null;
 *   override connectionMade(t: ReadTransport) {
 *     this.transport = t;
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
export class ReadPipeTransport<R extends ReadPipe = ReadPipe>
  extends TransportBase<PipeExtraInfo<R>>
  implements ReadTransport<PipeExtraInfo<R>> {
  /** @ignore A `ReadTransport`. */
  static override readonly _implements: readonly (abstract new (...args: never[]) => object)[] = [
    ReadTransport,
  ];
  #source: PipeSource;
  #readQueued = false;
  #readInFlight = false;
  #pending: Uint8Array | null | undefined = undefined; // undefined: nothing read yet
  #paused = false;
  #lostExc: Error | null | undefined = undefined; // set once the end is decided

  /**
   * Wraps `pipe` (it takes a stream's reader at once). Call `_start()` next.
   * @ignore
   */
  constructor(
    loop: BaseEventLoop,
    pipe: R,
    protocol: BaseProtocol,
    options: PipeTransportOptions = {},
  ) {
    super(loop, protocol, { ...options.extra, pipe });
    this.#source = openSource(pipe);
    this._onLost = options.onLost;
  }

  /**
   * The first read, once `connectionMade` ran (also if it threw, as in
   * asyncio).
   *
   * @ignore
   */
  override _startReading(): void {
    this.#startRead();
  }

  #startRead(): void {
    if (this.#readQueued || this.#readInFlight || this.#pending !== undefined) return;
    if (this.#paused || this._closing) return;
    this.#readQueued = true;
    this._loop._queueIo(this);
  }

  /** @ignore Starts the queued read; the loop calls it. */
  _startIo(): void {
    this.#readQueued = false;
    if (this.#readInFlight || this.#pending !== undefined || this.#paused || this._closing) return;
    this.#readInFlight = true;
    this._loop._pendingIo++;
    this.#source.read().then(this.#onRead, this.#onReadError);
  }

  #onRead = (chunk: Uint8Array | null): void => {
    this.#readInFlight = false;
    this._loop._pendingIo--;
    if (this._closing) {
      this.#maybeScheduleLost();
      return;
    }
    this.#pending = chunk;
    if (!this.#paused) this._loop._callSoonRunnable(this);
  };

  #onReadError = (e: unknown): void => {
    this.#readInFlight = false;
    this._loop._pendingIo--;
    if (this._closing) {
      this.#maybeScheduleLost(); // our own close cancelled the read
      return;
    }
    this._fatalError(mapIoError(e, "read from pipe"), "Fatal read error on pipe transport");
  };

  /** @ignore Delivers the chunk (or EOF) read last; the loop calls it. */
  _run(): void {
    const chunk = this.#pending;
    if (chunk === undefined || this.#paused || this._closing) return;
    this.#pending = undefined;
    if (chunk === null) {
      this.#onEof();
      return;
    }
    if (isBuffered(this._protocol)) {
      try {
        feedBuffered(this._protocol, chunk);
      } catch (e) {
        this._fatalError(e, "Fatal error: protocol.bufferUpdated() call failed.");
        return;
      }
    } else {
      try {
        (this._protocol as Protocol).dataReceived(chunk);
      } catch (e) {
        // asyncio's Unix pipe reports it (from the reader callback) and reads on.
        this._report("Exception in protocol.dataReceived()", e);
      }
    }
    this.#startRead();
  }

  // asyncio closes a read pipe at EOF whatever eofReceived() returns.
  #onEof(): void {
    this.#release(null);
    try {
      (this._protocol as Protocol).eofReceived?.();
    } catch (e) {
      this._report("Exception in protocol.eofReceived()", e);
    }
  }

  /** Whether data is being delivered (not paused, not closing). */
  isReading(): boolean {
    return !this.#paused && !this._closing;
  }

  /** Stops reading: no read is started until `resumeReading()`. */
  pauseReading(): void {
    if (this._closing || this.#paused) return;
    this.#paused = true;
  }

  /** Resumes reading and delivering data. */
  resumeReading(): void {
    if (this._closing || !this.#paused) return;
    this.#paused = false;
    if (this.#pending !== undefined) this._loop._callSoonRunnable(this);
    else this.#startRead();
  }

  /**
   * Closes the pipe (a stream is cancelled, a file closed); then
   * `connectionLost(null)` is called.
   */
  override close(): void {
    this.#release(null);
  }

  /**
   * `EIO` (what a closed terminal gives) ends the pipe unreported, except
   * in debug mode, as in asyncio.
   *
   * @ignore
   */
  override _quiet(exc: Error): boolean {
    return exc instanceof OSError && exc.code === "EIO" && !this._loop.getDebug();
  }

  /** @ignore Closes the pipe at once; `connectionLost(exc)` follows. */
  _forceClose(exc: Error | null): void {
    this.#release(exc);
  }

  #release(exc: Error | null): void {
    if (this.#lostExc !== undefined) return;
    this._closing = true;
    this.#lostExc = exc;
    this.#pending = undefined;
    this.#source.close();
    this.#maybeScheduleLost();
  }

  // connectionLost once the end is decided and no read is in flight, so
  // that nothing of the transport is left on the host when it runs.
  #maybeScheduleLost(): void {
    if (this.#readInFlight || this.#lostExc === undefined) return;
    this._scheduleConnectionLost(this.#lostExc);
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
export function connectReadPipe<P extends BaseProtocol, R extends ReadPipe>(
  loop: BaseEventLoop,
  protocolFactory: () => P,
  pipe: R,
): Coroutine<[ReadPipeTransport<R>, P]> {
  return startPipe(loop, protocolFactory, (p) => new ReadPipeTransport(loop, pipe, p));
}
