// The write pipe transport: a write buffer over a Deno file or a
// WritableStream, with asyncio's flow control (pauseWriting above the high
// water mark, resumeWriting at the low one). One write is in flight at a
// time; data written meanwhile is buffered (copied) and sent in order, in
// writes of at most MAX_PIPE_WRITE bytes so a blocked pipe holds little.
//
// As in asyncio, writeEof() is close(): once the buffer is flushed the pipe
// is closed and connectionLost(null) follows. An OS error while writing
// (EPIPE: the reader went away) ends the transport with connectionLost(exc)
// and is not reported to the exception handler (asyncio logs it at debug
// level only).

import type { BaseEventLoop } from "../core/base_event_loop.ts";
import type { Coroutine } from "../core/events.ts";
import { BrokenPipeError, OSError } from "../net/os_errors.ts";
import type { BaseProtocol } from "../core/protocols.ts";
import { type PipeExtraInfo, WriteTransport } from "../core/transports.ts";
import { mapIoError } from "../net/errors.ts";
import { openSink, type PipeSink, type WritePipe } from "./pipe_ends.ts";
import { type PipeTransportOptions, startPipe } from "./read_pipe.ts";
import { toBytes } from "../net/transports/stream.ts";
import { FlowControlTransport } from "../net/transports/base.ts";

/** Largest single write to the pipe (a Linux pipe holds 64 KiB). */
const MAX_PIPE_WRITE = 64 * 1024;

/**
 * The write end of a pipe: a Deno file (`Deno.stdout`, a FIFO opened with
 * `Deno.open`, ...) or a `WritableStream<Uint8Array>`. Made by
 * `loop.connectWritePipe()`.
 *
 * Differences from asyncio: asyncio watches a FIFO for its reader going
 * away even while idle; Deno cannot poll a pipe, so here that is noticed at
 * the next write (`connectionLost(BrokenPipeError)`). For a stream, an error
 * of the stream itself is noticed at once.
 *
 * `getExtraInfo` keys (`PipeExtraInfo`): `pipe` (the object given to
 * `connectWritePipe`).
 *
 * @example Flow control: the protocol pauses above the high water mark
 * ```ts
 * import assert from "node:assert/strict";
 * import { SelectorEventLoop } from "@asyncio/deno";
 * import { Protocol } from "@asyncio/deno/protocols";
 * import { WritePipeTransport } from "./write_pipe.ts";
 * const loop = new SelectorEventLoop();
 * let paused = false;
 * class Producer extends Protocol {
 *   override pauseWriting() {
 *     paused = true;
 *   }
 * }
 * const slow = new WritableStream<Uint8Array>({
 *   write: () => new Promise((resolve) => setTimeout(resolve, 5)),
 * });
 * const [t] = await loop.runUntilComplete(loop.connectWritePipe(() => new Producer(), slow));
 * assert(t instanceof WritePipeTransport);
 * t.setWriteBufferLimits(1024);
 * t.write(new Uint8Array(4096));
 * assert(paused && t.getWriteBufferSize() === 4096);
 * t.abort(); // drops the buffer and aborts the stream
 * await loop.runUntilComplete(function* () {
 *   for (let i = 0; i < 10; i++) yield;
 * }());
 * loop.close();
 * await new Promise((resolve) => setTimeout(resolve, 20)); // the stream's own timer
 * ```
 */
export class WritePipeTransport<W extends WritePipe = WritePipe>
  extends FlowControlTransport<PipeExtraInfo<W>>
  implements WriteTransport<PipeExtraInfo<W>> {
  /** @ignore A `WriteTransport`. */
  static override readonly _implements: readonly (abstract new (...args: never[]) => object)[] = [
    WriteTransport,
  ];
  #sink: PipeSink;
  #chunks: Uint8Array[] = [];
  #chunkBytes = 0;
  #inFlight = 0;
  #ending = false; // the pipe is being (or was) released

  /** @ignore Wraps `pipe` (it takes a stream's writer at once). Call `_start()` next. */
  constructor(
    loop: BaseEventLoop,
    pipe: W,
    protocol: BaseProtocol,
    options: PipeTransportOptions = {},
  ) {
    super(loop, protocol, { ...options.extra, pipe });
    this.#sink = openSink(pipe, this.#onPeerError);
    this._onLost = options.onLost;
  }

  /**
   * Writes bytes: sent at once when the pipe is idle, otherwise buffered
   * (copied) and sent in order. After `close()`/`writeEof()` or a lost
   * pipe, data is dropped (with a warning after a few writes), as asyncio.
   *
   * @param data The bytes.
   * @throws {TypeError} If `data` is not a byte buffer.
   */
  write(data: Uint8Array): void {
    const bytes = toBytes(data);
    if (bytes.length === 0) return;
    if (this._connLost > 0 || this._closing) {
      this._dropWrite("pipe closed by peer or write(pipe, data) raised exception.");
      return;
    }
    // Deno reads the buffer when the write actually happens: keep our own copy.
    this.#chunks.push(bytes.slice());
    this.#chunkBytes += bytes.length;
    if (this.#inFlight === 0) this.#send();
    this._maybePauseProtocol();
  }

  #send(): void {
    const buf = this.#take();
    this.#inFlight = buf.length;
    this._loop._pendingIo++;
    this.#sink.write(buf).then(
      (n) => this.#onWritten(buf, n),
      (e) => this.#onWriteError(e),
    );
  }

  // The next write: the first chunk (split if too large), or small chunks joined.
  #take(): Uint8Array {
    const chunks = this.#chunks;
    const first = chunks[0];
    let out: Uint8Array;
    if (first.length >= MAX_PIPE_WRITE) {
      out = first.subarray(0, MAX_PIPE_WRITE);
      if (first.length === MAX_PIPE_WRITE) chunks.shift();
      else chunks[0] = first.subarray(MAX_PIPE_WRITE);
    } else {
      let size = 0;
      let count = 0;
      while (count < chunks.length && size + chunks[count].length <= MAX_PIPE_WRITE) {
        size += chunks[count++].length;
      }
      out = count === 1 ? first : new Uint8Array(size);
      if (count > 1) {
        for (let i = 0, at = 0; i < count; at += chunks[i++].length) out.set(chunks[i], at);
      }
      chunks.splice(0, count);
    }
    this.#chunkBytes -= out.length;
    return out;
  }

  #onWritten(buf: Uint8Array, n: number): void {
    this._loop._pendingIo--;
    this.#inFlight = 0;
    if (this.#ending) return;
    if (n < buf.length) {
      this.#chunks.unshift(buf.subarray(n));
      this.#chunkBytes += buf.length - n;
    }
    if (this.#chunkBytes > 0) this.#send();
    this._maybeResumeProtocol();
    if (this.#chunkBytes === 0 && this.#inFlight === 0 && this._closing) this.#finish();
  }

  #onWriteError(e: unknown): void {
    this._loop._pendingIo--;
    this.#inFlight = 0;
    if (this.#ending) return;
    this._connLost++;
    const exc = mapIoError(e, "write to pipe");
    if (exc instanceof OSError) this._forceClose(exc);
    else this._fatalError(exc, "Fatal write error on pipe transport");
  }

  // The stream failed by itself. A write in flight reports its own error.
  #onPeerError = (e: unknown): void => {
    if (this.#ending || this.#inFlight > 0) return;
    const pending = this.#chunkBytes > 0;
    this._forceClose(pending ? new BrokenPipeError("pipe closed by peer", { cause: e }) : null);
  };

  /**
   * Bytes written but not yet taken by the pipe.
   *
   * @returns The size.
   */
  override getWriteBufferSize(): number {
    return this.#inFlight + this.#chunkBytes;
  }

  /**
   * Writes several buffers, in order.
   *
   * @param list The buffers.
   * @throws {TypeError} If an item is not a byte buffer.
   */
  writelines(list: Iterable<Uint8Array>): void {
    for (const data of list) this.write(data);
  }

  /** Always true: `writeEof()` closes the pipe once the buffer is flushed. */
  canWriteEof(): boolean {
    return true;
  }

  /** Closes the pipe once the buffer is flushed (the reader sees EOF); same as `close()`. */
  writeEof(): void {
    if (this._closing) return;
    this._closing = true;
    if (this.getWriteBufferSize() === 0) this.#finish();
  }

  /** Flushes the buffer, closes the pipe, then calls `connectionLost(null)`. */
  override close(): void {
    this.writeEof();
  }

  // Flushed and closing: close the pipe, wait for that, then connectionLost.
  #finish(): void {
    if (this.#ending) return;
    this.#ending = true;
    let closing: Promise<void> | void;
    try {
      closing = this.#sink.close();
    } catch (e) {
      closing = Promise.reject(e);
    }
    if (closing === undefined) {
      this._scheduleConnectionLost(null);
      return;
    }
    this._loop._pendingIo++;
    closing.then(
      () => {
        this._loop._pendingIo--;
        this._scheduleConnectionLost(null);
      },
      (e) => {
        this._loop._pendingIo--;
        this._scheduleConnectionLost(mapIoError(e, "close pipe"));
      },
    );
  }

  /**
   * Closes at once, dropping buffered data; `connectionLost(exc)` follows.
   * A write still in flight is not waited for (a blocked FIFO write may
   * only end when the reader reads or goes away); it settles unobserved.
   * @ignore
   */
  _forceClose(exc: Error | null): void {
    if (this.#ending) return;
    this.#ending = true;
    this._closing = true;
    this._connLost++;
    this.#chunks = [];
    this.#chunkBytes = 0;
    this.#inFlight = 0; // abandoned: no longer ours to count
    this.#sink.abort();
    this._scheduleConnectionLost(exc);
  }

  /** @ignore `<WritePipeTransport open bufsize=0>`: the state, then the buffer size. */
  override _describe(): string[] {
    return [this._state(), `bufsize=${this.getWriteBufferSize()}`];
  }
}

/** `loop.connectWritePipe()`: the coroutine behind the method. */
export function connectWritePipe<P extends BaseProtocol, W extends WritePipe>(
  loop: BaseEventLoop,
  protocolFactory: () => P,
  pipe: W,
): Coroutine<[WritePipeTransport<W>, P]> {
  return startPipe(loop, protocolFactory, (p) => new WritePipeTransport(loop, pipe, p));
}
