// StreamReader: buffered reading on top of a protocol (see streams.ts).
//
// A read is one ReadFuture and no coroutine, but it runs as asyncio's read
// coroutines do: a read that the buffer (or EOF) satisfies when it starts
// completes at once; otherwise it waits, and feedData/feedEof/setException
// only wake it (asyncio's `_wait_for_data` waiter). The reader itself is the
// runnable the wake puts on the ready queue (no handle allocated); when it
// runs, on a later iteration, the read decides on the whole buffer as it is
// then — so several chunks fed in one callback are seen together, as asyncio
// sees them — and its future's done callbacks (the awaiting task) run right
// away, in that same step.

import { _getEventLoop, type AbstractEventLoop, callbackName, checkLoop } from "../core/events.ts";
import {
  IncompleteReadError,
  LimitOverrunError,
  NotImplementedError,
  RuntimeError,
} from "../core/exceptions.ts";
import type { BaseEventLoop } from "../core/base_event_loop.ts";
import { type Future, runDoneCallback } from "../core/futures.ts";
import type { Transport } from "../core/transports.ts";
import { ReadFuture } from "./_read_future.ts";
import { ByteBuffer, concatBytes } from "./_byte_buffer.ts";
import {
  checkCount,
  checkLimit,
  DEFAULT_LIMIT,
  NEWLINE,
  type Separator,
  separators,
} from "./stream_limits.ts";
import { toBytes } from "./transports/stream.ts";
import { readableOf } from "./web_streams.ts";

// What the pending read waits for.
const NONE = 0;
const READ = 1; // read(n): at least one byte, or EOF
const READ_ALL = 2; // read(-1): EOF
const EXACT = 3; // readexactly(n)
const UNTIL = 4; // readuntil(separators)
const LINE = 5; // readline()

// Whether the waiting read was woken (its run is on the ready queue), and how.
const ASLEEP = 0;
const WOKEN = 1; // by data or EOF: decide on the buffer
const WOKEN_BY_ERROR = 2; // by setException(): fail with it

/** Options of `new StreamReader()`. */
export interface StreamReaderOptions {
  /** The buffer limit in bytes (default 64 KiB). */
  limit?: number;
  /** The loop (default: the running loop, else the policy's loop). */
  loop?: AbstractEventLoop;
}

/**
 * Buffered reading from a connection: `read`, `readline`, `readexactly`,
 * `readuntil`. Created by `openConnection`/`startServer`; a protocol feeds it
 * with `feedData`/`feedEof`.
 *
 * Every read returns a `Future`: `yield*` it in a coroutine or `await` it in
 * an async function. Only one read may wait at a time. As in asyncio, a read
 * the buffer cannot satisfy waits until data, EOF or an error wakes it, and
 * then, on a later loop iteration, decides on everything buffered by then.
 * `limit` bounds what `readline`/`readuntil` return, and reading from the
 * transport pauses whenever more than twice the limit is buffered.
 *
 * Differences from asyncio: results are `Uint8Array`s that may be views of
 * the chunk received from the connection (never written to again; copy one
 * with `slice()` before transferring its buffer); `readline()` raises
 * `RangeError` (asyncio: `ValueError`) when a line exceeds the limit, with
 * the `LimitOverrunError` as `cause`; a second read while one is waiting
 * fails with `RuntimeError` even if the buffer could satisfy it; `readuntil`
 * also takes text (UTF-8).
 *
 * @example Feeding a reader by hand
 * ```ts
 * import assert from "node:assert/strict";
 * import { StreamReader } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * const reader = new StreamReader({ loop });
 * reader.feedData(new TextEncoder().encode("hello\nworld"));
 * reader.feedEof();
 * const line = await loop.runUntilComplete(reader.readline());
 * const rest = await loop.runUntilComplete(reader.read());
 * assert(new TextDecoder().decode(line) === "hello\n");
 * assert(new TextDecoder().decode(rest) === "world" && reader.atEof());
 * loop.close();
 * ```
 */
export class StreamReader implements AsyncIterable<Uint8Array> {
  #limit: number;
  #loop: AbstractEventLoop;
  #buffer = new ByteBuffer();
  #eof = false;
  #exception: unknown = null;
  #transport: Transport | null = null;
  #paused = false;
  // the pending read
  #op = NONE;
  #fut: ReadFuture | null = null;
  #n = 0;
  #seps: Uint8Array[] = NEWLINE;
  #offset = 0;
  #acc: Uint8Array[] | null = null; // readAll's chunks so far
  #wake = ASLEEP;
  #deliverNow = false; // inside _run(): completions deliver at once
  // the read completed last, which may still give its bytes back
  #lastDone: ReadFuture | null = null;
  #readable: ReadableStream<Uint8Array> | null = null;

  /**
   * Creates a reader.
   *
   * @param options `limit` (default 64 KiB) and `loop`.
   * @throws {RangeError} If `limit` is not positive.
   */
  constructor(options: StreamReaderOptions = {}) {
    this.#limit = checkLimit(options.limit ?? DEFAULT_LIMIT, "options.limit");
    const loop = options.loop ?? _getEventLoop();
    checkLoop(loop, "options.loop");
    this.#loop = loop;
  }

  /** The buffer limit in bytes. */
  get limit(): number {
    return this.#limit;
  }

  /**
   * The reader as a byte `ReadableStream<Uint8Array>` (the same one each
   * time). It reads only when its consumer asks (a BYOB read gets at most
   * its view's size; a default read up to `limit` bytes, in a buffer of its
   * own), so data nobody asked for stays in the reader, which pauses the
   * transport past 2 × `limit`: backpressure reaches the connection. It
   * closes at EOF and errors with the connection's error. Cancelling it
   * closes the transport (as cancelling Deno's `conn.readable` closes the
   * connection). Use either the stream or the reader's own reads: only one
   * read may wait at a time.
   *
   * @example Reading a connection as a web stream
   * ```ts
   * import assert from "node:assert/strict";
   * import { openConnection, run, startServer } from "@asyncio/deno";
   * await run(async () => {
   *   await using server = await startServer((_reader, writer) => {
   *     writer.write(new TextEncoder().encode("hello, stream"));
   *     writer.close();
   *   }, "127.0.0.1", 0);
   *   const [reader, writer] = await openConnection("127.0.0.1", server.sockets[0].getsockname()[1]);
   *   assert(await new Response(reader.readable).text() === "hello, stream");
   *   writer.close();
   * });
   * ```
   */
  get readable(): ReadableStream<Uint8Array> {
    return this.#readable ??= readableOf(this, () => this.#transport);
  }

  /** The exception set by `setException()` (the connection's error), or null. */
  exception(): unknown {
    return this.#exception;
  }

  /**
   * Makes every later read fail with `exc`; a waiting read fails now.
   *
   * @param exc The error.
   */
  setException(exc: unknown): void {
    this.#exception = exc;
    this.#wakeUp(WOKEN_BY_ERROR);
  }

  /**
   * Sets the transport the reader pauses and resumes for flow control.
   *
   * @param transport The transport.
   * @throws {RuntimeError} If a transport is already set.
   */
  setTransport(transport: Transport): void {
    if (this.#transport !== null) throw new RuntimeError("Transport already set");
    this.#transport = transport;
  }

  /** @ignore Switches to the transport of a TLS upgrade. */
  _replaceTransport(transport: Transport): void {
    this.#transport = transport;
    this.#paused = false;
  }

  /** Marks the end of the stream; a waiting read completes. */
  feedEof(): void {
    this.#eof = true;
    this.#wakeUp(WOKEN);
  }

  /** Whether the stream ended and the buffer is empty. */
  atEof(): boolean {
    return this.#eof && this.#buffer.length === 0;
  }

  /**
   * Appends bytes to the buffer (copied); a waiting read may complete.
   *
   * @param data The bytes.
   * @throws {RuntimeError} After `feedEof()`.
   * @throws {TypeError} If `data` is not a byte buffer.
   */
  feedData(data: Uint8Array): void {
    this._feed(toBytes(data), false);
  }

  /** @ignore `feedData` for a chunk the caller gives up (kept without a copy). */
  _feed(data: Uint8Array, adopt = true): void {
    if (this.#eof) throw new RuntimeError("feedData() after feedEof()");
    if (data.length === 0) return;
    this.#buffer.push(data, adopt);
    this.#wakeUp(WOKEN);
    // As asyncio: pause whenever too much is buffered, a read waiting or not.
    if (!this.#paused && this.#transport !== null && this.#buffer.length > 2 * this.#limit) {
      try {
        this.#transport.pauseReading();
        this.#paused = true;
      } catch (e) {
        if (!(e instanceof NotImplementedError)) throw e;
        this.#transport = null; // cannot pause: buffer everything
      }
    }
  }

  #maybeResume(): void {
    if (this.#paused && this.#buffer.length <= this.#limit) {
      this.#paused = false;
      this.#transport!.resumeReading();
    }
  }

  // Waiting while paused would never end (readexactly(n) with n > 2 × limit):
  // a read that goes (back) to waiting resumes the transport (asyncio's
  // _wait_for_data).
  #resumeToWait(): void {
    if (this.#paused) {
      this.#paused = false;
      this.#transport!.resumeReading();
    }
  }

  // asyncio's _wakeup_waiter: the first wake of a waiting read schedules its
  // run; later feeds before that run change nothing but the buffer.
  #wakeUp(how: number): void {
    if (this.#fut === null || this.#wake !== ASLEEP) return;
    const loop = this.#loop as Partial<BaseEventLoop> & AbstractEventLoop;
    if (loop.isClosed()) return;
    this.#wake = how;
    if (loop._callSoonRunnable !== undefined) loop._callSoonRunnable(this);
    else loop.callSoon(() => this._run());
  }

  /**
   * The woken read decides on the buffer (the loop calls it). A read that
   * still cannot complete waits again, unless the stream failed meanwhile
   * (asyncio would wait forever then).
   *
   * @ignore
   */
  _run(): void {
    const how = this.#wake;
    this.#wake = ASLEEP;
    if (how === ASLEEP || this.#fut === null) return; // the read was cancelled
    this.#deliverNow = true;
    try {
      if (how === WOKEN_BY_ERROR) this.#finish(null, this.#exception, null);
      else if (!this.#attempt()) {
        if (this.#exception !== null) this.#finish(null, this.#exception, null);
        else this.#resumeToWait();
      }
    } finally {
      this.#deliverNow = false;
    }
  }

  /**
   * Reads up to `n` bytes: as soon as at least one byte is buffered. With
   * `n < 0` (default), reads until EOF. At EOF, or with `n === 0`, the
   * result is empty.
   *
   * @param n The most bytes to return; negative: everything until EOF.
   * @returns A future of the bytes.
   * @throws {TypeError} If `n` is not an integer.
   */
  read(n = -1): Future<Uint8Array> {
    checkCount(n, "n");
    if (n === 0 && this.#exception === null) return this.#done(new Uint8Array(0));
    return this.#begin("read", n < 0 ? READ_ALL : READ, n, NEWLINE);
  }

  /**
   * Reads one line, up to and including `\n`. At EOF the result is the
   * incomplete last line, or empty.
   *
   * @returns A future of the line.
   * @throws {RangeError} (through the future) If the line is longer than
   *   `limit`; the line (or the whole buffer, if no newline was found) is
   *   dropped.
   */
  readline(): Future<Uint8Array> {
    return this.#begin("readline", LINE, 0, NEWLINE);
  }

  /**
   * Reads exactly `n` bytes.
   *
   * @param n How many bytes.
   * @returns A future of the bytes.
   * @throws {IncompleteReadError} (through the future) If the stream ends
   *   first; `partial` holds what was read.
   * @throws {RangeError} If `n` is negative.
   */
  readexactly(n: number): Future<Uint8Array> {
    checkCount(n, "n");
    if (n < 0) throw new RangeError("readexactly size can not be less than zero");
    if (n === 0 && this.#exception === null) return this.#done(new Uint8Array(0));
    return this.#begin("readexactly", EXACT, n, NEWLINE);
  }

  /**
   * Reads until `separator` (included). With several separators, the
   * shortest match wins (as asyncio 3.13).
   *
   * @param separator Bytes or text, or an array of them (default `"\n"`).
   * @returns A future of the bytes.
   * @throws {LimitOverrunError} (through the future) If no separator is found
   *   within `limit` bytes; the data stays buffered.
   * @throws {IncompleteReadError} (through the future) If the stream ends
   *   first; `partial` holds what was read.
   * @throws {RangeError} If a separator is empty.
   */
  readuntil(separator: Separator = NEWLINE[0]): Future<Uint8Array> {
    return this.#begin("readuntil", UNTIL, 0, separators(separator));
  }

  #done(result: Uint8Array): ReadFuture {
    const fut = new ReadFuture(this.#loop, this);
    fut._complete(result, undefined, null);
    return fut;
  }

  #begin(name: string, op: number, n: number, seps: Uint8Array[]): ReadFuture {
    const fut = new ReadFuture(this.#loop, this);
    if (this.#fut !== null) {
      fut._complete(
        null,
        new RuntimeError(
          `${name}() called while another coroutine is already waiting for incoming data`,
        ),
        null,
      );
      return fut;
    }
    this.#lastDone = null;
    if (this.#exception !== null) {
      fut._complete(null, this.#exception, null);
      return fut;
    }
    this.#op = op;
    this.#n = n;
    this.#seps = seps;
    this.#offset = 0;
    this.#fut = fut;
    if (!this.#attempt()) this.#resumeToWait();
    return fut;
  }

  // Completes the pending read if the buffer (or EOF) allows it.
  #attempt(): boolean {
    const buf = this.#buffer;
    switch (this.#op) {
      case READ:
        if (buf.length > 0) return this.#succeed(buf.take(Math.min(this.#n, buf.length)));
        return this.#eof ? this.#succeed(new Uint8Array(0)) : false;
      case READ_ALL:
        if (buf.length > 0) (this.#acc ??= []).push(buf.take(buf.length));
        return this.#eof ? this.#succeed(concatBytes(this.#acc ?? [])) : false;
      case EXACT:
        if (buf.length >= this.#n) return this.#succeed(buf.take(this.#n));
        if (!this.#eof) return false;
        return this.#incomplete(this.#n);
      default:
        return this.#attemptUntil();
    }
  }

  // asyncio 3.13's readuntil: search from where no separator can start,
  // give up past the limit, and only then look at EOF.
  #attemptUntil(): boolean {
    const buf = this.#buffer;
    const seps = this.#seps;
    const buflen = buf.length;
    if (buflen - this.#offset >= seps[0].length) {
      let matchStart = -1;
      let matchEnd = -1;
      for (const sep of seps) {
        const i = buf.indexOf(sep, this.#offset);
        if (i !== -1 && (matchEnd === -1 || i + sep.length < matchEnd)) {
          matchStart = i;
          matchEnd = i + sep.length;
        }
      }
      if (matchEnd !== -1) {
        if (matchStart > this.#limit) {
          return this.#overrun("Separator is found, but chunk is longer than limit", matchStart);
        }
        return this.#succeed(buf.take(matchEnd));
      }
      this.#offset = Math.max(0, buflen + 1 - seps[seps.length - 1].length);
      if (this.#offset > this.#limit) {
        return this.#overrun("Separator is not found, and chunk exceed the limit", this.#offset);
      }
    }
    if (!this.#eof) return false;
    if (this.#op === LINE) return this.#succeed(buf.take(buflen));
    return this.#incomplete(null);
  }

  #succeed(result: Uint8Array): true {
    this.#finish(result, undefined, result);
    return true;
  }

  #incomplete(expected: number | null): true {
    const partial = this.#buffer.take(this.#buffer.length);
    this.#finish(null, new IncompleteReadError(partial, expected), partial);
    return true;
  }

  // LimitOverrunError keeps the data; readline drops the line instead and
  // raises RangeError (asyncio: ValueError).
  #overrun(message: string, consumed: number): true {
    const error = new LimitOverrunError(message, consumed);
    if (this.#op !== LINE) {
      this.#finish(null, error, new Uint8Array(0));
      return true;
    }
    const buf = this.#buffer;
    if (consumed < buf.length && buf.at(consumed) === 10) buf.take(consumed + 1);
    else buf.clear();
    this.#finish(null, new RangeError(message, { cause: error }), null);
    return true;
  }

  // Completes the read. A woken read hands its result to whoever waits (its
  // done callbacks: the awaiting task) in the same step, as the coroutine
  // of an asyncio read would go on with it.
  #finish(result: Uint8Array | null, exc: unknown, consumed: Uint8Array | null): void {
    const fut = this.#fut!;
    this.#fut = null;
    this.#op = NONE;
    this.#acc = null;
    this.#lastDone = fut;
    // Taken so that _complete schedules nothing.
    const callbacks = this.#deliverNow ? fut._takeCallbacks() : null;
    this.#deliverNow = false; // reads the callbacks start complete as usual
    fut._complete(result, exc, consumed);
    this.#maybeResume();
    if (callbacks !== null) this.#runCallbacks(fut, callbacks);
  }

  #runCallbacks(
    fut: ReadFuture,
    callbacks: NonNullable<ReturnType<Future<unknown>["_takeCallbacks"]>>,
  ): void {
    fut._source = null; // seen: its bytes are no longer given back
    fut._consumed = null;
    for (let i = 0; i < callbacks.length; i++) {
      try {
        runDoneCallback(callbacks[i], fut as Future<unknown>);
      } catch (exception) {
        this.#loop.callExceptionHandler({
          message: `Exception in callback ${callbackName(callbacks[i])}(${fut})`,
          exception,
          future: fut,
        });
      }
    }
  }

  /** @ignore The pending read was cancelled: forget it (read(-1) puts its bytes back). */
  _readCancelled(fut: Future<Uint8Array>): void {
    if (this.#fut !== fut) return;
    if (this.#acc !== null) this.#buffer.unshift(concatBytes(this.#acc));
    this.#fut = null;
    this.#op = NONE;
    this.#acc = null;
  }

  /** @ignore Whether `fut` may give its bytes back (no read started since). */
  _mayUnread(fut: Future<Uint8Array>): boolean {
    return this.#lastDone === fut && this.#fut === null;
  }

  /** @ignore Puts the bytes of a cancelled read back in front. */
  _unread(bytes: Uint8Array): void {
    this.#lastDone = null;
    this.#buffer.unshift(bytes);
  }

  /**
   * Iterates over lines until EOF (`for await (const line of reader)`).
   *
   * @returns An async iterator of lines.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  /** A description such as `<StreamReader 5 bytes eof>`. */
  toString(): string {
    const info = ["StreamReader"];
    if (this.#buffer.length > 0) info.push(`${this.#buffer.length} bytes`);
    if (this.#eof) info.push("eof");
    if (this.#limit !== DEFAULT_LIMIT) info.push(`limit=${this.#limit}`);
    if (this.#fut !== null) info.push(`waiter=${this.#fut}`);
    if (this.#exception !== null) info.push(`exception=${String(this.#exception)}`);
    if (this.#transport !== null) info.push(`transport=${this.#transport}`);
    if (this.#paused) info.push("paused");
    return `<${info.join(" ")}>`;
  }
}
