/**
 * The socket part of the I/O loops: `sock*` operations and the emulated
 * readiness callbacks (`addReader`/`addWriter`) on the project's `Socket`
 * objects.
 *
 * @module
 */

import { NetEventLoop } from "./_net_event_loop.ts";
import type { Future } from "./core/futures.ts";
import type { FileDescriptorLike, Socket, SocketAddress } from "./net/socket.ts";
import {
  addWatch,
  objectKind,
  removeWatch,
  sockAccept,
  sockConnect,
  sockRecv,
  sockRecvInto,
  sockSendall,
} from "./net/sock_ops.ts";

/**
 * The I/O loops' socket operations and readiness callbacks. Not used
 * directly: see `IoEventLoop`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SelectorEventLoop, SockEventLoop } from "@asyncio/deno";
 * const loop = new SelectorEventLoop();
 * assert(loop instanceof SockEventLoop && loop.supports("addReader"));
 * loop.close();
 * ```
 */
export abstract class SockEventLoop extends NetEventLoop {
  /**
   * Connects `sock` to `address`; a host name is resolved within the
   * socket's family (the first address is used, as asyncio does).
   *
   * @param sock A new (unbound) `Socket`.
   * @param address `[host, port]` (AF_INET/AF_INET6) or a path (AF_UNIX).
   * @returns A future that resolves once connected.
   * @throws {TypeError} If `sock` is not a Socket or the address does not fit.
   * @throws {RuntimeError} If the loop is closed, or a transport or server owns `sock`.
   * @throws {NotImplementedError} If `sock` is bound (Deno cannot bind first).
   * @throws {ConnectionRefusedError} (through the future) If nobody listens there.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { ConnectionRefusedError, getRunningLoop, run, Socket } from "@asyncio/deno";
   * await run(async () => {
   *   using probe = new Socket();
   *   probe.listen();
   *   const port = (probe.getsockname() as [string, number])[1];
   *   probe.close(); // nobody listens on that port any more
   *   using sock = new Socket();
   *   try {
   *     await getRunningLoop().sockConnect(sock, ["127.0.0.1", port]);
   *   } catch (e) {
   *     assert(e instanceof ConnectionRefusedError);
   *   }
   * });
   * ```
   */
  override sockConnect(sock: Socket, address: SocketAddress): Future<void> {
    this._check("sockConnect");
    return this._spawn(sockConnect(this, sock, address));
  }

  /**
   * Accepts a connection on a listening `Socket`. A connection that arrives
   * while the waiting future is cancelled stays queued for the next call.
   *
   * @param sock A listening `Socket`.
   * @returns A future of `[connection, peer address]`.
   * @throws {OSError} `EINVAL` unless listening; `EBADF` once closed.
   * @throws {RuntimeError} If the loop is closed, or a server owns `sock`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run, Socket } from "@asyncio/deno";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   using server = new Socket();
   *   server.bind(["127.0.0.1", 0]);
   *   server.listen();
   *   using client = new Socket();
   *   await loop.sockConnect(client, server.getsockname());
   *   const [conn, peer] = await loop.sockAccept(server);
   *   conn.close();
   *   assert((peer as [string, number])[0] === "127.0.0.1");
   * });
   * ```
   */
  override sockAccept(sock: Socket): Future<[Socket, SocketAddress]> {
    this._check("sockAccept");
    return sockAccept(this, sock);
  }

  /**
   * Receives up to `nbytes` bytes from a connected `Socket`; an empty array
   * means end of stream. Concurrent calls are served in order; bytes that
   * arrive for a call that was cancelled go to the next one.
   *
   * @param sock A connected `Socket`.
   * @param nbytes The most bytes to return.
   * @returns A future of the bytes (already resolved when bytes were buffered).
   * @throws {OSError} `ENOTCONN`/`EBADF`; the connection's error through the future.
   * @throws {RuntimeError} If the loop is closed, or a transport owns `sock`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run, Socket } from "@asyncio/deno";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   using server = new Socket();
   *   server.listen();
   *   using client = new Socket();
   *   await loop.sockConnect(client, ["127.0.0.1", (server.getsockname() as [string, number])[1]]);
   *   const [conn] = await loop.sockAccept(server);
   *   conn.close();
   *   assert((await loop.sockRecv(client, 10)).length === 0); // EOF
   * });
   * ```
   */
  override sockRecv(sock: Socket, nbytes: number): Future<Uint8Array> {
    this._check("sockRecv");
    return sockRecv(this, sock, nbytes);
  }

  /**
   * Receives bytes into `buf` (as `sockRecv`, up to `buf.length`).
   *
   * @param sock A connected `Socket`.
   * @param buf Where to copy the bytes.
   * @returns A future of the count (0 at end of stream).
   * @throws {OSError} `ENOTCONN`/`EBADF`; the connection's error through the future.
   * @throws {RuntimeError} If the loop is closed, or a transport owns `sock`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run, Socket } from "@asyncio/deno";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   using server = new Socket();
   *   server.listen();
   *   using client = new Socket();
   *   await loop.sockConnect(client, ["127.0.0.1", (server.getsockname() as [string, number])[1]]);
   *   const [conn] = await loop.sockAccept(server);
   *   using _ = conn;
   *   await loop.sockSendall(conn, new Uint8Array([1, 2, 3]));
   *   const buf = new Uint8Array(8);
   *   const n = await loop.sockRecvInto(client, buf);
   *   assert(n >= 1 && buf[0] === 1);
   * });
   * ```
   */
  override sockRecvInto(sock: Socket, buf: Uint8Array): Future<number> {
    this._check("sockRecv");
    return sockRecvInto(this, sock, buf);
  }

  /**
   * Sends all of `data` (a copy is taken at once). Sends on one socket go
   * out in call order. If the future is cancelled, the rest of `data` is
   * not sent (some of it may have been, as in asyncio).
   *
   * @param sock A connected `Socket`.
   * @param data The bytes.
   * @returns A future that resolves when everything was written.
   * @throws {OSError} `ENOTCONN`/`EBADF`; write errors through the future.
   * @throws {RuntimeError} If the loop is closed, or a transport owns `sock`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run, Socket } from "@asyncio/deno";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   using server = new Socket();
   *   server.listen();
   *   using client = new Socket();
   *   await loop.sockConnect(client, ["127.0.0.1", (server.getsockname() as [string, number])[1]]);
   *   const [conn] = await loop.sockAccept(server);
   *   using _ = conn;
   *   await loop.sockSendall(client, new TextEncoder().encode("hi"));
   *   assert(new TextDecoder().decode(await loop.sockRecv(conn, 2)) === "hi");
   * });
   * ```
   */
  override sockSendall(sock: Socket, data: Uint8Array): Future<void> {
    this._check("sockSendall");
    return sockSendall(this, sock, data);
  }

  /**
   * Calls `callback(...args)` whenever `fd` is readable: level-triggered, as
   * with select(), so it runs once per loop iteration while received bytes
   * (or end of stream, or an error) wait to be read with `sock.recv()`, or a
   * connection waits for `sock.accept()`. Registering again replaces the
   * callback.
   *
   * Differences from asyncio: Deno has no readiness API, so readiness is
   * emulated with one pending read (or accept) whose result is kept for the
   * next `recv`/`sockRecv`/`accept` — nothing is lost when the reader is
   * removed. Only `Socket` objects (or their `fileno()`) can be watched.
   *
   * @param fd A `Socket` or its `fileno()`.
   * @param callback The callback.
   * @param args Its arguments.
   * @throws {NotImplementedError} On the proactor loop; on Windows' selector
   *   loop for non-sockets; for any Deno file or stdio stream.
   * @throws {RuntimeError} If the loop is closed, or a transport or server owns the socket.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run, Socket } from "@asyncio/deno";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   using server = new Socket();
   *   server.listen();
   *   using client = new Socket();
   *   await loop.sockConnect(client, ["127.0.0.1", (server.getsockname() as [string, number])[1]]);
   *   const [conn] = await loop.sockAccept(server);
   *   using _ = conn;
   *   const got = loop.createFuture<string>();
   *   loop.addReader(conn, () => {
   *     loop.removeReader(conn);
   *     got.setResult(new TextDecoder().decode(conn.recv(100)));
   *   });
   *   await loop.sockSendall(client, new TextEncoder().encode("ready"));
   *   assert(await got === "ready");
   * });
   * ```
   */
  override addReader<A extends unknown[]>(
    fd: FileDescriptorLike,
    callback: (...args: A) => unknown,
    ...args: A
  ): void {
    this._check("addReader", { kind: objectKind(fd) });
    addWatch(this, fd, true, callback, args);
  }

  /**
   * Stops watching `fd` for reading. A read in flight keeps its bytes for
   * the next `recv`/`sockRecv`.
   *
   * @param fd A `Socket` or its `fileno()`.
   * @returns Whether a reader was registered (false once the loop is closed, as in asyncio).
   * @throws {NotImplementedError} On the proactor loop.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run, Socket } from "@asyncio/deno";
   * await run(async () => {
   *   using sock = new Socket();
   *   assert(getRunningLoop().removeReader(sock) === false);
   * });
   * ```
   */
  override removeReader(fd: FileDescriptorLike): boolean {
    this._check("removeReader", { kind: objectKind(fd) });
    return removeWatch(this, fd, true);
  }

  /**
   * Calls `callback(...args)` whenever `fd` is writable: level-triggered,
   * once per loop iteration while the socket is connected and no send is in
   * flight (Deno writes asynchronously, so "writable" means "the last
   * `send()` has completed"). Registering again replaces the callback.
   *
   * @param fd A `Socket` or its `fileno()`.
   * @param callback The callback.
   * @param args Its arguments.
   * @throws {NotImplementedError} As `addReader`.
   * @throws {RuntimeError} If the loop is closed, or a transport or server owns the socket.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run, Socket } from "@asyncio/deno";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   using server = new Socket();
   *   server.listen();
   *   using client = new Socket();
   *   await loop.sockConnect(client, ["127.0.0.1", (server.getsockname() as [string, number])[1]]);
   *   const [conn] = await loop.sockAccept(server);
   *   using _ = conn;
   *   const sent = loop.createFuture<number>();
   *   loop.addWriter(client, () => {
   *     loop.removeWriter(client);
   *     sent.setResult(client.send(new TextEncoder().encode("hello")));
   *   });
   *   assert(await sent === 5);
   *   assert((await loop.sockRecv(conn, 5)).length > 0);
   * });
   * ```
   */
  override addWriter<A extends unknown[]>(
    fd: FileDescriptorLike,
    callback: (...args: A) => unknown,
    ...args: A
  ): void {
    this._check("addWriter", { kind: objectKind(fd) });
    addWatch(this, fd, false, callback, args);
  }

  /**
   * Stops watching `fd` for writing.
   *
   * @param fd A `Socket` or its `fileno()`.
   * @returns Whether a writer was registered (false once the loop is closed, as in asyncio).
   * @throws {NotImplementedError} On the proactor loop.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run, Socket } from "@asyncio/deno";
   * await run(async () => {
   *   using sock = new Socket();
   *   assert(getRunningLoop().removeWriter(sock.fileno()) === false);
   * });
   * ```
   */
  override removeWriter(fd: FileDescriptorLike): boolean {
    this._check("removeWriter", { kind: objectKind(fd) });
    return removeWatch(this, fd, false);
  }
}
