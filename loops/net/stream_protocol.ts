// StreamReaderProtocol: the protocol between a transport and a
// StreamReader/StreamWriter pair, with asyncio's flow control for drain().

import {
  _getEventLoop,
  type AbstractEventLoop,
  checkLoop,
  type Coroutine,
} from "../core/events.ts";
import { Future } from "../core/futures.ts";
import { Protocol } from "../core/protocols.ts";
import type { Task } from "../core/tasks.ts";
import type { BaseTransport, Transport } from "../core/transports.ts";
import { StreamReader } from "./stream_reader.ts";
import { StreamWriter } from "./stream_writer.ts";
import { checkCallback, describe, isCoroutine, isThenable } from "../core/checks.ts";
import { FlowControl } from "./flow_control.ts";

/**
 * What `startServer` calls for each connection: a plain function, a
 * generator function (its coroutine runs as a task) or an async function
 * (its promise is awaited by a task).
 */
export type ClientConnectedCallback = (
  reader: StreamReader,
  writer: StreamWriter,
) => void | Coroutine<unknown> | PromiseLike<unknown>;

/** Options of `new StreamReaderProtocol()`. */
export interface StreamReaderProtocolOptions {
  /** The loop (default: the running loop, else the policy's loop). */
  loop?: AbstractEventLoop;
}

/**
 * Adapts a transport to a `StreamReader` (data, EOF, errors go to the
 * reader) and provides the flow control `StreamWriter.drain()` waits on.
 * With `clientConnected` (servers), it creates the `StreamWriter` when the
 * connection is made and calls it; a coroutine or promise it returns runs
 * as a task, kept until the connection is lost. If that task fails, the
 * error goes to the exception handler and the transport is closed; if it is
 * cancelled, the transport is closed (asyncio 3.12).
 *
 * Differences from asyncio: the reader is held strongly (asyncio keeps a
 * weak reference to detect streams collected before connecting).
 *
 * @example A protocol for a hand-made connection
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run, StreamReader, StreamWriter } from "@asyncio/deno";
 * import { StreamReaderProtocol } from "@asyncio/deno/protocols";
 * await run(async () => {
 *   const loop = getRunningLoop();
 *   const bye = () => new StreamReaderProtocol(new StreamReader(), (_r, w) => w.close());
 *   const server = await loop.createServer(bye, "127.0.0.1", 0);
 *   const port = server.sockets[0].getsockname()[1];
 *   const reader = new StreamReader();
 *   const protocol = new StreamReaderProtocol(reader);
 *   const [transport] = await loop.createConnection(() => protocol, "127.0.0.1", port);
 *   const writer = new StreamWriter(transport, protocol, reader, loop);
 *   assert((await reader.read()).length === 0); // the server closed
 *   writer.close();
 *   await writer.waitClosed();
 *   server.close();
 *   await server.waitClosed();
 * });
 * ```
 */
export class StreamReaderProtocol extends Protocol {
  /** @ignore */ _loop: AbstractEventLoop;
  #reader: StreamReader | null;
  #clientConnected: ClientConnectedCallback | null;
  #serverSide: boolean;
  #writer: StreamWriter | null = null;
  #task: Task<unknown> | null = null;
  #transport: Transport | null = null;
  #overSsl = false;
  // Made when first asked for (most connections never are): until then,
  // how the connection ended is kept in #lostWith.
  #closed: Future<void> | null = null;
  #lostWith: Error | null = null;
  #lost = false;
  #flow: FlowControl;

  /**
   * Creates the protocol.
   *
   * @param streamReader The reader to feed, or null.
   * @param clientConnected Called with `(reader, writer)` once connected.
   * @param options The loop.
   * @throws {TypeError} On a bad reader, callback or loop.
   */
  constructor(
    streamReader: StreamReader | null,
    clientConnected: ClientConnectedCallback | null = null,
    options: StreamReaderProtocolOptions = {},
  ) {
    super();
    if (streamReader !== null && !(streamReader instanceof StreamReader)) {
      throw new TypeError(
        `streamReader must be a StreamReader or null: got ${describe(streamReader)}`,
      );
    }
    if (clientConnected !== null) checkCallback(clientConnected, "clientConnected");
    const loop = options.loop ?? _getEventLoop();
    checkLoop(loop, "options.loop");
    this._loop = loop;
    this.#reader = streamReader;
    this.#clientConnected = clientConnected;
    this.#serverSide = clientConnected !== null;
    this.#flow = new FlowControl(loop);
  }

  /** The task running the client-connected callback's coroutine, if any. */
  get task(): Task<unknown> | null {
    return this.#task;
  }

  /** @ignore Whether this is the server side of a connection. */
  _isServerSide(): boolean {
    return this.#serverSide;
  }

  /**
   * Gives the transport to the reader; for servers, creates the writer and
   * calls `clientConnected`.
   *
   * @param transport The new connection's transport.
   */
  override connectionMade(transport: BaseTransport): void {
    const t = transport as Transport;
    this.#transport = t;
    this.#reader?.setTransport(t);
    this.#overSsl = t.getExtraInfo("sslcontext") != null;
    const cb = this.#clientConnected;
    if (cb === null) return;
    this.#clientConnected = null;
    const writer = new StreamWriter(t, this, this.#reader, this._loop);
    this.#writer = writer;
    const res = cb(this.#reader!, writer);
    if (isCoroutine(res) || isThenable(res)) {
      const task = this._loop.createTask(res as Coroutine<unknown> | PromiseLike<unknown>);
      this.#task = task;
      task.addDoneCallback(this.#onTaskDone);
    }
  }

  #onTaskDone = (task: Future<unknown>): void => {
    const transport = this.#transport!;
    if (task.cancelled()) {
      transport.close();
      return;
    }
    const exc = task.exception();
    if (exc === null) return;
    this._loop.callExceptionHandler({
      message: "Unhandled exception in client_connected_cb",
      exception: exc,
      transport,
      protocol: this,
    });
    transport.close();
  };

  /**
   * Ends the reader (EOF, or the error), resolves `waitClosed()` and wakes
   * writers waiting in `drain()`.
   *
   * @param exc The error, or null for a clean close.
   */
  override connectionLost(exc: Error | null): void {
    if (this.#lost) return;
    this.#lost = true;
    const reader = this.#reader;
    if (reader !== null) {
      if (exc === null) reader.feedEof();
      else reader.setException(exc);
    }
    this.#lostWith = exc;
    const closed = this.#closed;
    if (closed !== null && !closed.done()) this.#settleClosed(closed);
    this.#flow.lost(exc);
    this.#reader = null;
    this.#writer = null;
  }

  /**
   * Feeds the reader.
   *
   * @param data The bytes received.
   */
  override dataReceived(data: Uint8Array): void {
    this.#reader?._feed(data);
  }

  /**
   * Ends the reader; keeps the connection half-open (except over TLS).
   *
   * @returns Whether to keep the transport open.
   */
  override eofReceived(): boolean {
    this.#reader?.feedEof();
    return !this.#overSsl;
  }

  /** The transport's buffer went over the high water mark: `drain()` waits. */
  override pauseWriting(): void {
    this.#flow.pause();
  }

  /** The transport's buffer went under the low water mark: `drain()` returns. */
  override resumeWriting(): void {
    this.#flow.resume();
  }

  /** @ignore What `drain()` waits for once it is not failing already. */
  _drainHelper(): Future<void> {
    return this.#flow.drainHelper();
  }

  /** @ignore The future `waitClosed()` returns. */
  _getCloseWaiter(): Future<void> {
    if (this.#closed === null) {
      this.#closed = new Future<void>({ loop: this._loop });
      if (this.#lost) this.#settleClosed(this.#closed);
    }
    return this.#closed;
  }

  #settleClosed(closed: Future<void>): void {
    const exc = this.#lostWith;
    if (exc === null) closed.setResult(undefined);
    else {
      closed.setException(exc);
      closed.exception(); // reported through the reader and drain(), not as "never retrieved"
    }
  }

  /** @ignore Continues on the transport of a TLS upgrade. */
  _replaceTransport(transport: Transport): void {
    this.#transport = transport;
    this.#overSsl = transport.getExtraInfo("sslcontext") != null;
    this.#reader?._replaceTransport(transport);
  }

  /** A description such as `<StreamReaderProtocol reader=<StreamReader>>`. */
  override toString(): string {
    return `<StreamReaderProtocol reader=${this.#reader ?? "none"}>`;
  }
}
