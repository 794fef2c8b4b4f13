/**
 * Streams: asyncio's high-level connection API. `openConnection` and
 * `openUnixConnection` give a `[StreamReader, StreamWriter]` pair;
 * `startServer` and `startUnixServer` call back with one pair per client;
 * `openStreams` makes a pair over a connection Deno already made.
 * They accept asyncio's keyword arguments as an options object (`limit` plus
 * the options of `createConnection`, `createServer`, ...).
 *
 * Like every asyncio coroutine function here, they are lazy: calling one
 * runs nothing and looks up no loop; it starts when driven (`yield*` in a
 * coroutine, `await` in an async function while a loop runs,
 * `loop.runUntilComplete(x)`, `createTask(x)`, `run(x)`), on the loop that
 * drives it.
 *
 * @module
 */

import {
  type AbstractEventLoop,
  type AbstractServer,
  type Coroutine,
  getRunningLoop,
} from "../core/events.ts";
import type {
  CreateConnectionOptions,
  CreateServerOptions,
  CreateUnixConnectionOptions,
  CreateUnixServerOptions,
} from "../core/io_options.ts";
import { type AwaitableCoroutine, awaitableCoroutines } from "../core/tasks.ts";
import type { SocketExtraInfo, StreamAddress, Transport } from "../core/transports.ts";
import { StreamReader } from "./stream_reader.ts";
import { checkLimit, DEFAULT_LIMIT } from "./stream_limits.ts";
import { type ClientConnectedCallback, StreamReaderProtocol } from "./stream_protocol.ts";
import { StreamWriter } from "./stream_writer.ts";
import { checkCallback } from "../core/checks.ts";

export { StreamReader, type StreamReaderOptions } from "./stream_reader.ts";
export { DEFAULT_LIMIT, type Separator } from "./stream_limits.ts";
export {
  type ClientConnectedCallback,
  StreamReaderProtocol,
  type StreamReaderProtocolOptions,
} from "./stream_protocol.ts";
export { type StreamStartTlsOptions, StreamWriter } from "./stream_writer.ts";

/** The buffer limit the stream functions accept besides the loop method's options. */
export interface StreamLimitOption {
  /** The `StreamReader` buffer limit in bytes (default 64 KiB). */
  limit?: number;
}

/** Options of `openConnection()`: `limit` and `createConnection`'s options. */
export interface OpenConnectionOptions extends CreateConnectionOptions, StreamLimitOption {}
/** Options of `startServer()`: `limit` and `createServer`'s options. */
export interface StartServerOptions extends CreateServerOptions, StreamLimitOption {}
/** Options of `openUnixConnection()`: `limit` and `createUnixConnection`'s options. */
export interface OpenUnixConnectionOptions extends CreateUnixConnectionOptions, StreamLimitOption {}
/** Options of `startUnixServer()`: `limit` and `createUnixServer`'s options. */
export interface StartUnixServerOptions extends CreateUnixServerOptions, StreamLimitOption {}

function splitLimit<O extends StreamLimitOption>(options: O): [number, Omit<O, "limit">] {
  const { limit, ...rest } = options ?? ({} as O);
  return [checkLimit(limit ?? DEFAULT_LIMIT, "options.limit"), rest];
}

/**
 * Opens a TCP (or TLS) connection and returns a reader and a writer for it.
 *
 * A coroutine function, lazy as in asyncio: calling it runs nothing and
 * looks up no loop; the connection starts when the coroutine is driven
 * (`yield*` in a coroutine, `await` in an async function while a loop runs,
 * `loop.runUntilComplete(x)`, `createTask(x)`, `run(x)`), on that loop.
 *
 * @param host The host name or address.
 * @param port The port.
 * @param options `limit`, and `createConnection`'s options (`ssl`,
 *   `serverHostname`, `happyEyeballsDelay`, ...).
 * @returns A coroutine of `[reader, writer]` (awaitable too).
 * @throws {RuntimeError} (when driven) If no loop is running.
 * @throws {TypeError} (when driven) On bad arguments (as `loop.createConnection`).
 * @throws {RangeError} (when driven) If `options.limit` is not positive.
 *
 * @example From outside a running loop, as in the asyncio documentation
 * ```ts
 * import assert from "node:assert/strict";
 * import { newEventLoop, openConnection, startServer } from "@asyncio/deno";
 * const loop = newEventLoop();
 * const server = await loop.runUntilComplete(startServer((_r, w) => w.close(), "127.0.0.1", 0));
 * const [, port] = server.sockets[0].getsockname();
 * const [reader, writer] = await loop.runUntilComplete(openConnection("127.0.0.1", port));
 * assert((await loop.runUntilComplete(reader.read())).length === 0); // the server closed
 * writer.close();
 * await loop.runUntilComplete(writer.waitClosed());
 * server.close();
 * await loop.runUntilComplete(server.waitClosed());
 * loop.close();
 * ```
 *
 * @example An echo round trip from an async function
 * ```ts
 * import assert from "node:assert/strict";
 * import { openConnection, run, startServer, type StreamReader, type StreamWriter } from "@asyncio/deno";
 * await run(async () => {
 *   const server = await startServer(async (r: StreamReader, w: StreamWriter) => {
 *     w.write(await r.readline());
 *     await w.drain();
 *     w.close();
 *   }, "127.0.0.1", 0);
 *   const [, port] = server.sockets[0].getsockname();
 *   const [reader, writer] = await openConnection("127.0.0.1", port);
 *   writer.write(new TextEncoder().encode("ping\n"));
 *   assert(new TextDecoder().decode(await reader.readline()) === "ping\n");
 *   writer.close();
 *   await writer.waitClosed();
 *   server.close();
 *   await server.waitClosed();
 * });
 * ```
 */
export function openConnection<S = undefined>(
  host?: string | null,
  port?: number | null,
  options?: OpenConnectionOptions & { sock?: S },
): AwaitableCoroutine<[StreamReader, StreamWriter<SocketExtraInfo<StreamAddress<S>>>]>;
export function* openConnection<S = undefined>(
  host?: string | null,
  port?: number | null,
  options: OpenConnectionOptions & { sock?: S } = {},
): Coroutine<[StreamReader, StreamWriter<SocketExtraInfo<StreamAddress<S>>>]> {
  const loop = getRunningLoop();
  const [limit, rest] = splitLimit(options);
  const reader = new StreamReader({ limit, loop });
  const protocol = new StreamReaderProtocol(reader, null, { loop });
  const [transport] = yield* loop.createConnection(() => protocol, host, port, rest);
  return [reader, new StreamWriter(transport, protocol, reader, loop)];
}

/**
 * Wraps a connection Deno already made (`Deno.connect`, `Deno.connectTls`,
 * a listener's `accept()`, a Unix connection) in a reader and a writer, as
 * `openConnection` does for the connections it makes; the writer then owns
 * the connection (closing it closes the connection). With `reader.readable`
 * and `writer.writable` the pair plugs into web streams.
 *
 * A coroutine function, lazy as in asyncio: calling it runs nothing and
 * looks up no loop; it starts when driven (`yield*` in a coroutine, `await`
 * in an async function while a loop runs, `loop.runUntilComplete(x)`,
 * `createTask(x)`, `run(x)`), on that loop.
 *
 * @param conn The connection.
 * @param options `limit`: the reader's buffer limit (default 64 KiB).
 * @returns A coroutine of `[reader, writer]` (awaitable too).
 * @throws {RuntimeError} (when driven) If no loop is running.
 * @throws {TypeError} (when driven) If `conn` is not a `Deno.Conn`.
 * @throws {RangeError} (when driven) If `options.limit` is not positive.
 *
 * @example An echo over a connection from Deno.connect
 * ```ts
 * import assert from "node:assert/strict";
 * import { openStreams, run } from "@asyncio/deno";
 * using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const echo = (async () => {
 *   const conn = await listener.accept();
 *   await conn.readable.pipeTo(conn.writable);
 * })();
 * await run(async () => {
 *   const conn = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
 *   const [reader, writer] = await openStreams(conn);
 *   writer.write(new TextEncoder().encode("ping\n"));
 *   assert(new TextDecoder().decode(await reader.readline()) === "ping\n");
 *   writer.close();
 *   await writer.waitClosed();
 * });
 * await echo;
 * ```
 */
export function openStreams(
  conn: Deno.Conn,
  options?: StreamLimitOption,
): AwaitableCoroutine<[StreamReader, StreamWriter<SocketExtraInfo>]>;
export function* openStreams(
  conn: Deno.Conn,
  options: StreamLimitOption = {},
): Coroutine<[StreamReader, StreamWriter<SocketExtraInfo>]> {
  const loop = getRunningLoop();
  const [limit] = splitLimit(options);
  const reader = new StreamReader({ limit, loop });
  const protocol = new StreamReaderProtocol(reader, null, { loop });
  const [transport] = yield* loop.connectAcceptedSocket(() => protocol, conn);
  return [
    reader,
    new StreamWriter(transport as Transport<SocketExtraInfo>, protocol, reader, loop),
  ];
}

/**
 * Starts a TCP (or TLS) server that calls `clientConnected(reader, writer)`
 * for each client. A generator function's coroutine runs as a task; an
 * async function's promise is awaited by a task. If that task fails, the
 * error goes to the loop's exception handler and the connection is closed.
 *
 * A coroutine function, lazy as in asyncio: calling it runs nothing, binds
 * nothing and looks up no loop; the server starts when the coroutine is
 * driven (`yield*` in a coroutine, `await` in an async function while a loop
 * runs, `loop.runUntilComplete(x)`, `createTask(x)`, `run(x)`), on that loop.
 *
 * @param clientConnected The per-client callback.
 * @param host Where to listen (null: every interface).
 * @param port The port (0: any free port).
 * @param options `limit`, and `createServer`'s options (`ssl`, `backlog`, ...).
 * @returns A coroutine of the `Server` (awaitable too).
 * @throws {RuntimeError} (when driven) If no loop is running.
 * @throws {TypeError} (when driven) If `clientConnected` is not a function, or on bad options.
 * @throws {RangeError} (when driven) If `options.limit` is not positive.
 *
 * @example An echo server written as a coroutine
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Coroutine, openConnection, run, startServer, StreamReader, StreamWriter } from "@asyncio/deno";
 * function* echo(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
 *   for (;;) {
 *     const data = yield* reader.read(65536);
 *     if (data.length === 0) break;
 *     writer.write(data);
 *     yield* writer.drain();
 *   }
 *   writer.close();
 * }
 * await run(function* () {
 *   const server = yield* startServer(echo, "127.0.0.1", 0);
 *   const [, port] = server.sockets[0].getsockname();
 *   const [reader, writer] = yield* openConnection("127.0.0.1", port);
 *   writer.write(new TextEncoder().encode("abc"));
 *   writer.writeEof();
 *   assert(new TextDecoder().decode(yield* reader.read()) === "abc");
 *   writer.close();
 *   server.close();
 *   yield* server.waitClosed();
 * }());
 * ```
 */
export function startServer<S = undefined>(
  clientConnected: ClientConnectedCallback,
  host?: string | string[] | null,
  port?: number | null,
  options?: StartServerOptions & { sock?: S },
): AwaitableCoroutine<AbstractServer<StreamAddress<S>>>;
export function* startServer<S = undefined>(
  clientConnected: ClientConnectedCallback,
  host?: string | string[] | null,
  port?: number | null,
  options: StartServerOptions & { sock?: S } = {},
): Coroutine<AbstractServer<StreamAddress<S>>> {
  const [loop, factory, rest] = serverParts(clientConnected, options);
  return yield* loop.createServer(factory, host, port, rest);
}

/**
 * Opens a connection to a Unix socket and returns a reader and a writer.
 *
 * A coroutine function, lazy as in asyncio: calling it runs nothing and
 * looks up no loop; it connects when driven (`yield*` in a coroutine,
 * `await` in an async function while a loop runs,
 * `loop.runUntilComplete(x)`, `createTask(x)`, `run(x)`), on that loop.
 *
 * @param path The socket path.
 * @param options `limit`, and `createUnixConnection`'s options.
 * @returns A coroutine of `[reader, writer]` (awaitable too).
 * @throws {RuntimeError} (when driven) If no loop is running.
 * @throws {NotImplementedError} (when driven) Where the platform has no Unix sockets.
 * @throws {TypeError} (when driven) On bad arguments (as `loop.createUnixConnection`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openUnixConnection, run, startUnixServer } from "@asyncio/deno";
 * const path = Deno.makeTempDirSync() + "/streams.sock";
 * await run(async () => {
 *   const server = await startUnixServer((_r, w) => {
 *     w.write(new TextEncoder().encode("hi"));
 *     w.close();
 *   }, path);
 *   const [reader, writer] = await openUnixConnection(path);
 *   assert(new TextDecoder().decode(await reader.read()) === "hi");
 *   writer.close();
 *   server.close();
 *   await server.waitClosed();
 * });
 * ```
 */
export function openUnixConnection(
  path?: string | null,
  options?: OpenUnixConnectionOptions,
): AwaitableCoroutine<[StreamReader, StreamWriter<SocketExtraInfo<string>>]>;
export function* openUnixConnection(
  path?: string | null,
  options: OpenUnixConnectionOptions = {},
): Coroutine<[StreamReader, StreamWriter<SocketExtraInfo<string>>]> {
  const loop = getRunningLoop();
  const [limit, rest] = splitLimit(options);
  const reader = new StreamReader({ limit, loop });
  const protocol = new StreamReaderProtocol(reader, null, { loop });
  const [transport] = yield* loop.createUnixConnection(() => protocol, path, rest);
  return [reader, new StreamWriter(transport, protocol, reader, loop)];
}

/**
 * Starts a Unix socket server that calls `clientConnected(reader, writer)`
 * for each client (as `startServer`).
 *
 * A coroutine function, lazy as in asyncio: calling it runs nothing, binds
 * nothing and looks up no loop; the server starts when driven (`yield*` in a
 * coroutine, `await` in an async function while a loop runs,
 * `loop.runUntilComplete(x)`, `createTask(x)`, `run(x)`), on that loop.
 *
 * @param clientConnected The per-client callback.
 * @param path The socket path (a stale socket file there is replaced).
 * @param options `limit`, and `createUnixServer`'s options.
 * @returns A coroutine of the `Server` (awaitable too).
 * @throws {RuntimeError} (when driven) If no loop is running.
 * @throws {NotImplementedError} (when driven) Where the platform has no Unix sockets.
 * @throws {TypeError} (when driven) If `clientConnected` is not a function, or on bad options.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { run, startUnixServer } from "@asyncio/deno";
 * const path = Deno.makeTempDirSync() + "/srv.sock";
 * await run(async () => {
 *   const server = await startUnixServer((_r, w) => w.close(), path);
 *   assert(server.sockets[0].getsockname() === path);
 *   server.close();
 *   await server.waitClosed();
 * });
 * ```
 */
export function startUnixServer(
  clientConnected: ClientConnectedCallback,
  path?: string | null,
  options?: StartUnixServerOptions,
): AwaitableCoroutine<AbstractServer<string>>;
export function* startUnixServer(
  clientConnected: ClientConnectedCallback,
  path?: string | null,
  options: StartUnixServerOptions = {},
): Coroutine<AbstractServer<string>> {
  const [loop, factory, rest] = serverParts(clientConnected, options);
  return yield* loop.createUnixServer(factory, path, rest);
}

// What both servers need: the running loop, a protocol factory giving each
// client a reader of the requested limit, and the options left for the loop.
function serverParts<O extends StreamLimitOption>(
  clientConnected: ClientConnectedCallback,
  options: O,
): [AbstractEventLoop, () => StreamReaderProtocol, Omit<O, "limit">] {
  checkCallback(clientConnected, "clientConnected");
  const loop = getRunningLoop();
  const [limit, rest] = splitLimit(options);
  const factory = () =>
    new StreamReaderProtocol(new StreamReader({ limit, loop }), clientConnected, { loop });
  return [loop, factory, rest];
}

awaitableCoroutines(openConnection, openStreams, startServer, openUnixConnection, startUnixServer);
