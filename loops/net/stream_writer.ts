// StreamWriter: a transport plus drain() (flow control), waitClosed() and
// startTls(). drain() on an open connection costs no allocation when the
// transport is not paused (a future that is already done), or one future
// when it is.

import { type AbstractEventLoop, checkLoop, type Coroutine } from "../core/events.ts";
import { NotImplementedError } from "../core/exceptions.ts";
import { Future } from "../core/futures.ts";
import type { StartTlsOptions } from "../core/io_options.ts";
import { checkClientContext, SSLContext } from "./ssl.ts";
import type { ExtraInfo, Transport } from "../core/transports.ts";
import type { StreamReader } from "./stream_reader.ts";
import type { StreamReaderProtocol } from "./stream_protocol.ts";
import { describe } from "../core/checks.ts";
import { writableOf } from "./web_streams.ts";

/** Options of `StreamWriter.startTls()`. */
export type StreamStartTlsOptions = Omit<StartTlsOptions, "serverSide">;

function isStreamProtocol(value: unknown): value is StreamReaderProtocol {
  return value !== null && typeof value === "object" &&
    typeof (value as StreamReaderProtocol)._drainHelper === "function" &&
    typeof (value as StreamReaderProtocol)._getCloseWaiter === "function";
}

/**
 * The writing half of a stream connection: `write`, `writelines`, `drain`
 * (wait while the transport's buffer is over its high water mark),
 * `writeEof`, `close`, `waitClosed`, `startTls`.
 *
 * Methods that are coroutines in asyncio return a `Future`: `yield*` it in
 * a coroutine or `await` it in an async function.
 *
 * Differences from asyncio: `await using writer` closes it and waits until
 * it is closed (asyncio has no context manager for writers).
 *
 * @typeParam E The map of the `getExtraInfo` keys of its transport:
 *   `SocketExtraInfo<InetAddress>` for what `openConnection` returns.
 *
 * @example Writing with flow control
 * ```ts
 * import assert from "node:assert/strict";
 * import { openConnection, run, startServer } from "@asyncio/deno";
 * await run(function* () {
 *   const server = yield* startServer((_r, w) => w.close(), "127.0.0.1", 0);
 *   const [, port] = server.sockets[0].getsockname();
 *   const [reader, writer] = yield* openConnection("127.0.0.1", port);
 *   assert(writer.getExtraInfo("peername")[1] === port);
 *   writer.write(new TextEncoder().encode("hello"));
 *   yield* writer.drain();
 *   assert((yield* reader.read()).length === 0); // the server closed
 *   writer.close();
 *   yield* writer.waitClosed();
 *   server.close();
 *   yield* server.waitClosed();
 * }());
 * ```
 */
export class StreamWriter<E extends ExtraInfo = ExtraInfo> {
  #transport: Transport<E>;
  #protocol: StreamReaderProtocol;
  #reader: StreamReader | null;
  #loop: AbstractEventLoop;
  #writable: WritableStream<Uint8Array> | null = null;

  /**
   * Wraps a transport. `openConnection` and `startServer` create writers;
   * construct one yourself only for a connection you made with
   * `StreamReaderProtocol`.
   *
   * @param transport The transport.
   * @param protocol Its `StreamReaderProtocol`.
   * @param reader The reader of the same connection, or null.
   * @param loop The loop.
   * @throws {TypeError} On bad arguments.
   */
  constructor(
    transport: Transport<E>,
    protocol: StreamReaderProtocol,
    reader: StreamReader | null,
    loop: AbstractEventLoop,
  ) {
    if (transport === null || typeof transport !== "object") {
      throw new TypeError(`transport must be a transport: got ${describe(transport)}`);
    }
    if (!isStreamProtocol(protocol)) {
      throw new TypeError(`protocol must be a StreamReaderProtocol: got ${describe(protocol)}`);
    }
    checkLoop(loop, "loop");
    this.#transport = transport;
    this.#protocol = protocol;
    this.#reader = reader;
    this.#loop = loop;
  }

  /** The transport (after `startTls()`, the TLS one). */
  get transport(): Transport<E> {
    return this.#transport;
  }

  /**
   * The writer as a `WritableStream<Uint8Array>` (the same one each time):
   * each chunk is copied and written, and the write resolves once `drain()`
   * does, so a producer (`pipeTo`) waits while the transport's buffer is
   * over its high water mark. Closing the stream closes the writer and
   * waits until it is closed; aborting it aborts the transport (buffered
   * data is dropped). Write errors (a lost connection) error the stream.
   *
   * @example Piping into a connection
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, openConnection, run, startServer } from "@asyncio/deno";
   * await run(async () => {
   *   const received = getRunningLoop().createFuture<string>();
   *   await using server = await startServer(async (reader, writer) => {
   *     received.setResult(new TextDecoder().decode(await reader.read()));
   *     writer.close();
   *   }, "127.0.0.1", 0);
   *   const [, writer] = await openConnection("127.0.0.1", server.sockets[0].getsockname()[1]);
   *   const words = ReadableStream.from(["web ", "streams"]).pipeThrough(new TextEncoderStream());
   *   await words.pipeTo(writer.writable); // closes the writer at the end
   *   assert(await received === "web streams");
   * });
   * ```
   */
  get writable(): WritableStream<Uint8Array> {
    return this.#writable ??= writableOf(this);
  }

  /**
   * Writes bytes (buffered by the transport; see `drain()`).
   *
   * @param data The bytes.
   */
  write(data: Uint8Array): void {
    this.#transport.write(data);
  }

  /**
   * Writes several buffers, in order.
   *
   * @param data The buffers.
   */
  writelines(data: Iterable<Uint8Array>): void {
    this.#transport.writelines(data);
  }

  /** Closes the write side once the buffer is flushed (half-close). */
  writeEof(): void {
    this.#transport.writeEof();
  }

  /** Whether `writeEof()` is supported (TCP and Unix sockets; not TLS). */
  canWriteEof(): boolean {
    return this.#transport.canWriteEof();
  }

  /** Closes the connection once buffered data is sent. */
  close(): void {
    this.#transport.close();
  }

  /** Whether the connection is closing or closed. */
  isClosing(): boolean {
    return this.#transport.isClosing();
  }

  /**
   * Waits until the connection is lost.
   *
   * @returns A future; it fails with the connection's error if there was one.
   */
  waitClosed(): Future<void> {
    return this.#protocol._getCloseWaiter();
  }

  /**
   * Transport information: `peername`, `sockname`, `socket`, `sslcontext`,
   * ... (`E` says which, and their types; as `BaseTransport.getExtraInfo`).
   *
   * @typeParam K The key.
   * @param name The key.
   * @returns The value, or `undefined` if the transport has no such key.
   */
  getExtraInfo<K extends keyof ExtraInfo>(name: K): E[K];
  /**
   * Optional information about the transport, with a default for a key it
   * does not have.
   *
   * @typeParam K The key.
   * @typeParam D The default's type.
   * @param name The key.
   * @param defaultValue Returned when the transport has no such key.
   * @returns The value, or `defaultValue`.
   */
  getExtraInfo<K extends keyof ExtraInfo, D>(name: K, defaultValue: D): E[K] | D;
  /**
   * Information under a key outside `ExtraInfo` (its value is `unknown`).
   *
   * @param name Any other key.
   * @param defaultValue Returned when the transport has no such key.
   * @returns The value, or `defaultValue`.
   */
  getExtraInfo(name: string, defaultValue?: unknown): unknown;
  getExtraInfo(name: string, defaultValue?: unknown): unknown {
    return this.#transport.getExtraInfo(name, defaultValue);
  }

  /**
   * Waits until it is appropriate to write again: returns at once unless
   * the transport's buffer went over its high water mark, then waits until
   * it is back under the low one. Call it after writes:
   * `writer.write(data); yield* writer.drain();`.
   *
   * After `close()` (asyncio 3.12): it first lets the loop run once, so a
   * lost connection is noticed; once the connection is lost it fails with
   * the connection's error, or `ConnectionResetError` after a clean close.
   *
   * @returns A future.
   */
  drain(): Future<void> {
    const exc = this.#reader?.exception() ?? null;
    if (exc !== null) {
      const fut = new Future<void>({ loop: this.#loop });
      fut.setException(exc);
      return fut;
    }
    if (this.#transport.isClosing()) return this.#loop.createTask(drainClosing(this.#protocol));
    return this.#protocol._drainHelper();
  }

  /**
   * Upgrades the connection to TLS as the client (STARTTLS): flushes the
   * write buffer, then hands the connection to `loop.startTls()`; reading
   * and writing continue over TLS with the same reader and writer.
   *
   * Differences from asyncio: Deno cannot start TLS as the server on an
   * accepted connection, so this throws `NotImplementedError` on the server
   * side; call it only when the peer has nothing more to send in plaintext.
   *
   * @param sslcontext The client context.
   * @param options `serverHostname`, `sslHandshakeTimeout`, `sslShutdownTimeout`
   *   (validated only: Deno never waits for the peer's TLS close_notify).
   * @returns A future that completes once the handshake is done.
   * @throws {NotImplementedError} On the server side of a connection, with a
   *   client certificate loaded (Deno.startTls cannot present one: use
   *   `openConnection(host, port, { ssl })`), or with a `CERT_NONE` context
   *   (Deno always verifies the server certificate).
   * @throws {TypeError} If `sslcontext` is not an `SSLContext`.
   */
  startTls(sslcontext: SSLContext, options: StreamStartTlsOptions = {}): Future<void> {
    if (this.#protocol._isServerSide()) {
      throw new NotImplementedError(
        "StreamWriter.startTls() on the server side: Deno has no API to start TLS as the " +
          "server on an accepted connection; use startServer(..., { ssl }) instead",
      );
    }
    if (!(sslcontext instanceof SSLContext)) {
      throw new TypeError(`sslcontext must be an SSLContext: got ${describe(sslcontext)}`);
    }
    checkClientContext(sslcontext, "StreamWriter.startTls()", true);
    // Stop reading now: Deno upgrades only a connection with no read pending.
    this.#transport.pauseReading();
    return this.#loop.createTask(this.#upgrade(sslcontext, options));
  }

  *#upgrade(sslcontext: SSLContext, options: StreamStartTlsOptions): Coroutine<void> {
    const old = this.#transport;
    const protocol = this.#protocol;
    try {
      yield* this.drain();
      const transport = yield* this.#loop.startTls(old, protocol, sslcontext, {
        serverHostname: options.serverHostname,
        sslHandshakeTimeout: options.sslHandshakeTimeout,
        sslShutdownTimeout: options.sslShutdownTimeout,
      });
      this.#transport = transport;
      protocol._replaceTransport(transport);
    } catch (e) {
      // A refused upgrade leaves the plain transport usable; a failed one has
      // told the protocol (loop.startTls calls connectionLost).
      if (!old.isClosing()) old.resumeReading();
      throw e;
    }
  }

  /** `await using writer = ...`: closes and waits until closed (errors ignored). */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    try {
      await this.waitClosed();
    } catch {
      // The connection's error was reported to whoever read or drained.
    }
  }

  /** A description such as `<StreamWriter transport=<StreamTransport socket open>>`. */
  toString(): string {
    const reader = this.#reader === null ? "" : ` reader=${this.#reader}`;
    return `<StreamWriter transport=${this.#transport}${reader}>`;
  }
}

// drain() after close(): let the loop run once so connectionLost() can be
// called, then wait as usual (asyncio 3.12).
function* drainClosing(protocol: StreamReaderProtocol): Coroutine<void> {
  yield;
  yield* protocol._drainHelper();
}
