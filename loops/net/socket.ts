/**
 * `Socket`: a Python-`socket`-like object for the loop's low-level socket
 * operations (`sockConnect`, `sockAccept`, `sockRecv`, `sockRecvInto`,
 * `sockSendall`; `sockRecvfrom`, `sockRecvfromInto`, `sockSendto` for UDP)
 * and readiness callbacks (`addReader`, `addWriter`), on Deno's TCP and Unix
 * stream sockets and on UDP sockets.
 *
 * @module
 */

import { NotImplementedError } from "../core/exceptions.ts";
import { GaiError } from "./os_errors.ts";
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  EAI_ADDRFAMILY,
  ipFamily,
  parseNumericHost,
  SOCK_DGRAM,
  SOCK_STREAM,
} from "./resolve.ts";
import type { BaseEventLoop } from "../core/base_event_loop.ts";
import type { SocketLike } from "../core/io_types.ts";
import type { AddressOf } from "../core/transports.ts";
import { closedError } from "./readiness.ts";
import { SocketIo } from "./socket_io.ts";
import { DatagramIo } from "./socket_dgram.ts";
import { mapIoError } from "./errors.ts";
import { describe } from "../core/checks.ts";
import { toBytes } from "./transports/stream.ts";
import { checkUnixBacklog, guardSocketFile, type SocketFileGuard } from "./transports/unix.ts";
import {
  allocateFileno,
  checkCount,
  checkSocketAddress,
  FAMILY_NAMES,
  fromDenoAddr,
  osError,
  type SocketAddress,
} from "./sock_addr.ts";

export type { FileDescriptorLike, SocketAddress } from "./sock_addr.ts";

/** @ignore asyncio's `nbytes` of `recvfrom_into`: 0 means the whole buffer. */
export function checkNbytes(nbytes: unknown, into: Uint8Array): number {
  checkCount(nbytes, "nbytes");
  if ((nbytes as number) > into.length) {
    throw new RangeError(
      `nbytes is greater than the length of the buffer: ${nbytes} > ${into.length}`,
    );
  }
  return (nbytes as number) || into.length;
}

/** @ignore Who took the socket over (a transport or a server): closing the socket closes it. */
export interface SocketOwner {
  toString(): string;
  close(): void;
}

/** The life cycle of a `Socket`. */
export type SocketState = "new" | "bound" | "connecting" | "connected" | "listening" | "closed";

/** `Socket.shutdown()`: no more receiving (`socket.SHUT_RD`). */
export const SHUT_RD = 0;
/** `Socket.shutdown()`: no more sending (`socket.SHUT_WR`). */
export const SHUT_WR = 1;
/** `Socket.shutdown()`: neither (`socket.SHUT_RDWR`). */
export const SHUT_RDWR = 2;

/** Python's default `listen()` backlog, `min(SOMAXCONN, 128)`. */
const DEFAULT_BACKLOG = 128;

const openSockets = new Map<number, Socket>();

/** @ignore The open socket whose `fileno()` is `fd`, if any. */
export function socketByFileno(fd: number): Socket | undefined {
  return openSockets.get(fd);
}

/**
 * A stream socket (TCP over IPv4/IPv6, or a Unix socket) or a UDP socket
 * (`SOCK_DGRAM`, IPv4/IPv6) for the loop's `sock*` methods and readiness
 * callbacks — the counterpart of Python's non-blocking `socket.socket`.
 *
 * Connect with `loop.sockConnect(sock, address)`; serve with `bind()`,
 * `listen()` and `loop.sockAccept(sock)`; exchange data with
 * `loop.sockRecv`/`sockRecvInto`/`sockSendall`, or from reader/writer
 * callbacks with the non-blocking `recv`/`recvInto`/`send`/`accept`, which
 * throw `BlockingIOError` when nothing is ready.
 *
 * Differences from Python: Deno cannot bind without listening, so `bind()`
 * only records the address and `listen()` binds and listens in one step
 * (address errors such as `EADDRINUSE` appear at `listen()`, and
 * `getsockname()` shows the real port only after it); a bound socket cannot
 * connect (Deno cannot bind before connecting). `fileno()` is a small
 * integer this library assigns (Deno exposes no file descriptors): unique
 * in this process, never reused, usable with `addReader`/`addWriter`, and
 * -1 once closed. Sockets are always non-blocking (`setblocking(true)`
 * throws).
 *
 * UDP (`new Socket(AF_INET, SOCK_DGRAM)`): `bind()` binds at once (a numeric
 * host, `""` or `"localhost"`: Deno cannot resolve a name synchronously),
 * and a socket that sends before it was bound is bound to any address and
 * port, as the kernel does. Exchange datagrams with `loop.sockSendto` /
 * `sockRecvfrom` / `sockRecvfromInto`, or the non-blocking `sendto` /
 * `recvfrom` / `recvfromInto`. The socket comes from the route
 * `loop.createDatagramEndpoint` uses (`node:dgram`, or `Deno.listenDatagram`
 * with `--unstable-net`). Differences from Python: a datagram socket cannot
 * be connected (Deno cannot connect a UDP socket: `sockConnect` throws
 * `NotImplementedError`; give the address to each `sockSendto`); Deno
 * receives every datagram as it arrives, so they wait in the socket (up to
 * 4 MiB; more are dropped, as a full receive buffer drops them); one send is
 * in flight at a time (`sendto` throws `BlockingIOError` meanwhile, which
 * `sockSendto` waits out); `AF_UNIX` datagram sockets are not available.
 *
 * @example A client and a server on 127.0.0.1
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run } from "@asyncio/deno";
 * import { AF_INET, Socket } from "@asyncio/deno/socket";
 * await run(async () => {
 *   const loop = getRunningLoop();
 *   using server = new Socket(AF_INET);
 *   server.bind(["127.0.0.1", 0]);
 *   server.listen();
 *   using client = new Socket(AF_INET);
 *   await loop.sockConnect(client, server.getsockname());
 *   const [conn] = await loop.sockAccept(server);
 *   using _ = conn;
 *   await loop.sockSendall(client, new TextEncoder().encode("ping"));
 *   const data = await loop.sockRecv(conn, 100);
 *   assert(new TextDecoder().decode(data) === "ping");
 * });
 * ```
 *
 * @example UDP: a datagram and its reply
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run } from "@asyncio/deno";
 * import { AF_INET, SOCK_DGRAM, Socket } from "@asyncio/deno/socket";
 * await run(async () => {
 *   const loop = getRunningLoop();
 *   using server = new Socket(AF_INET, SOCK_DGRAM);
 *   server.bind(["127.0.0.1", 0]);
 *   using client = new Socket(AF_INET, SOCK_DGRAM);
 *   await loop.sockSendto(client, new TextEncoder().encode("ping"), server.getsockname());
 *   const [data, from] = await loop.sockRecvfrom(server, 1024);
 *   await loop.sockSendto(server, data, from);
 *   const [reply] = await loop.sockRecvfrom(client, 1024);
 *   assert(new TextDecoder().decode(reply) === "ping");
 * });
 * ```
 */
export class Socket<F extends number = number> implements Disposable, SocketLike {
  /** `AF_INET`, `AF_INET6` or `AF_UNIX`. */
  readonly family: F;
  /** `SOCK_STREAM` or `SOCK_DGRAM`. */
  readonly type: number;
  /** @ignore */ readonly _io: SocketIo;
  /** @ignore The UDP side of a `SOCK_DGRAM` socket (null for a stream socket). */
  readonly _dgram: DatagramIo | null;
  /** @ignore */ _owner: SocketOwner | null = null;
  /** @ignore How closing a listening AF_UNIX socket treats its path. */
  _socketFile: SocketFileGuard | null = null;
  #fileno: number;
  #state: SocketState = "new";
  #bound: SocketAddress | null = null;
  #connectAbort: AbortController | null = null;

  /**
   * Creates an unconnected socket.
   *
   * @param family `AF_INET` (default), `AF_INET6` or `AF_UNIX`.
   * @param type `SOCK_STREAM` (default) or `SOCK_DGRAM` (UDP).
   * @throws {RangeError} On an unknown family or type.
   * @throws {NotImplementedError} For `AF_UNIX` with `SOCK_DGRAM`.
   */
  constructor(family: F = AF_INET as F, type: number = SOCK_STREAM) {
    if (!(family in FAMILY_NAMES)) {
      throw new RangeError(`family must be AF_INET, AF_INET6 or AF_UNIX: got ${describe(family)}`);
    }
    if (type !== SOCK_STREAM && type !== SOCK_DGRAM) {
      throw new RangeError(`type must be SOCK_STREAM or SOCK_DGRAM: got ${describe(type)}`);
    }
    if (type === SOCK_DGRAM && family === AF_UNIX) {
      throw new NotImplementedError(
        "Socket(AF_UNIX, SOCK_DGRAM): Deno has no stable Unix datagram sockets",
      );
    }
    this.family = family;
    this.type = type;
    this.#fileno = allocateFileno();
    openSockets.set(this.#fileno, this);
    const fd = this.#fileno;
    this._io = new SocketIo(() => `socket fd=${fd}`);
    this._dgram = type === SOCK_DGRAM
      ? new DatagramIo(() => `socket fd=${fd}`, family === AF_INET6)
      : null;
  }

  /** @ignore A socket for a connection Deno made (accepted). */
  static _fromConn<F extends number>(
    family: F,
    conn: Deno.Conn,
    loop: BaseEventLoop | null,
  ): Socket<F> {
    const sock = new Socket(family);
    sock.#state = "connected";
    if (loop !== null) sock._io.use(loop);
    sock._io.attachConn(conn);
    return sock;
  }

  /** @ignore The life-cycle state. */
  get _state(): SocketState {
    return this.#state;
  }

  /**
   * Records the address to listen on: `listen()` binds it (see the class
   * notes). For IP families, host `""` means every interface.
   *
   * A `SOCK_DGRAM` socket binds at once (host: an address, `""` for every
   * interface, or `"localhost"`).
   *
   * @param address `[host, port]` (port 0: any free port) or a path.
   * @throws {TypeError} If the address does not fit the family.
   * @throws {RangeError} If the port is not 0-65535.
   * @throws {GaiError} `EAI_ADDRFAMILY` for an address of the other IP family.
   * @throws {OSError} If the socket is already bound, connected or closed;
   *   for UDP, what the bind fails with (`EADDRINUSE`, ...).
   * @throws {NotImplementedError} For UDP, a host name other than `"localhost"`.
   */
  bind(address: SocketAddress): void {
    this.#checkOpen("bind");
    const addr = checkSocketAddress(this.family, address, "address");
    if (this.#state !== "new" || this._dgram?.bound) {
      const state = this.#state === "new" ? "bound" : this.#state;
      throw osError("bind", "EINVAL", `the socket is already ${state}: Invalid argument`);
    }
    if (this._dgram !== null) {
      const [host, port] = addr as [string, number];
      this._dgram.bind(this.#numericHost(host), port);
    }
    this.#bound = addr;
    this.#state = "bound";
  }

  /** The address a UDP socket binds for `host`: it must not need a lookup. */
  #numericHost(host: string): string {
    const ipv6 = this.family === AF_INET6;
    if (host === "") return ipv6 ? "::" : "0.0.0.0";
    if (host === "localhost") return ipv6 ? "::1" : "127.0.0.1";
    const numeric = parseNumericHost(host);
    if (numeric === null) {
      throw new NotImplementedError(
        `bind(${JSON.stringify(host)}) on a SOCK_DGRAM socket: Deno cannot resolve a name ` +
          "synchronously; give an address",
      );
    }
    return numeric.address;
  }

  /**
   * Binds the recorded address (an IP socket never bound gets any free port
   * on every interface) and starts listening. Listening again is a no-op.
   *
   * Differences from Python: an `AF_UNIX` socket takes no `backlog` (Deno's
   * Unix listener uses its own), so passing one throws NotImplementedError
   * rather than being ignored.
   *
   * @param backlog The queue of pending connections (default 128; negative
   *   means 0). IP sockets only.
   * @throws {TypeError} If `backlog` is not an integer.
   * @throws {NotImplementedError} If `backlog` is given for an `AF_UNIX` socket.
   * @throws {OSError} If the address cannot be bound (`EADDRINUSE`, ...), or
   *   the socket is connected, or an `AF_UNIX` socket was never bound.
   */
  listen(backlog?: number): void {
    this.#checkOpen("listen");
    if (this._dgram !== null) throw osError("listen", "EOPNOTSUPP", "Operation not supported");
    if (backlog !== undefined && (typeof backlog !== "number" || !Number.isInteger(backlog))) {
      throw new TypeError(`backlog must be an integer: got ${describe(backlog)}`);
    }
    if (this.family === AF_UNIX && backlog !== undefined) {
      checkUnixBacklog(Math.max(0, backlog), "backlog");
    }
    if (this.#state === "listening") return;
    if (this.#state === "connected" || this.#state === "connecting") {
      throw osError("listen", "EINVAL", `the socket is ${this.#state}: Invalid argument`);
    }
    if (this.#bound === null) {
      if (this.family === AF_UNIX) {
        throw osError("listen", "EINVAL", "bind an AF_UNIX socket to a path first");
      }
      this.#bound = this.family === AF_INET6 ? ["", 0, 0, 0] : ["", 0];
    }
    const listener = this.#listen(this.#bound, Math.max(0, backlog ?? DEFAULT_BACKLOG));
    this.#state = "listening";
    this._io.attachListener(listener);
  }

  #listen(addr: SocketAddress, backlog: number): Deno.Listener {
    const where = `bind on address ${JSON.stringify(addr)}`;
    if (typeof addr === "string") {
      let listener: Deno.UnixListener;
      try {
        listener = Deno.listen({ transport: "unix", path: addr });
      } catch (e) {
        throw mapIoError(e, where, addr);
      }
      // Deno unlinks the path on close: only our own file (see unix.ts).
      this._socketFile = guardSocketFile(listener, addr, true);
      return listener;
    }
    // A numeric host as getaddrinfo reads it (127.0.0.010 is 127.0.0.8).
    const hostname = addr[0] === ""
      ? this.family === AF_INET6 ? "::" : "0.0.0.0"
      : parseNumericHost(addr[0])?.address ?? addr[0];
    let listener: Deno.TcpListener;
    try {
      listener = Deno.listen({ hostname, port: addr[1], tcpBacklog: backlog });
    } catch (e) {
      throw mapIoError(e, where);
    }
    if (ipFamily(listener.addr.hostname) !== this.family) {
      listener.close(); // a host name resolved to the other family
      throw new GaiError(
        `${where}: no ${
          FAMILY_NAMES[this.family]
        } address: Address family for hostname not supported`,
        { code: "EAI_ADDRFAMILY", errno: EAI_ADDRFAMILY },
      );
    }
    return listener;
  }

  /**
   * The local address: the real one once listening or connected, the
   * recorded one after `bind()`, a wildcard before.
   *
   * @returns `[host, port]` (`AF_INET`), `[host, port, flowinfo, scopeId]`
   *   (`AF_INET6`) or a path (`AF_UNIX`).
   * @throws {OSError} `EBADF` once closed.
   */
  getsockname(): AddressOf<F> {
    this.#checkOpen("getsockname");
    return this.#localAddress() as AddressOf<F>;
  }

  #localAddress(): SocketAddress {
    const bound = this._dgram?.address();
    if (bound !== undefined && bound !== null) return bound;
    const io = this._io;
    if (io.listener !== null) return fromDenoAddr(io.listener.addr, this.family);
    if (io.conn !== null) return fromDenoAddr(io.conn.localAddr, this.family);
    const addr = this.#bound;
    if (addr === null) {
      if (this.family === AF_UNIX) return "";
      return this.family === AF_INET6 ? ["::", 0, 0, 0] : ["0.0.0.0", 0];
    }
    if (typeof addr === "string" || addr[0] !== "") return addr;
    return this.family === AF_INET6 ? ["::", addr[1], 0, 0] : ["0.0.0.0", addr[1]];
  }

  /**
   * The remote address of a connected socket.
   *
   * @returns `[host, port]` (`AF_INET`), `[host, port, flowinfo, scopeId]`
   *   (`AF_INET6`) or a path (`AF_UNIX`; `""` for an unnamed peer).
   * @throws {OSError} `ENOTCONN` unless connected; `EBADF` once closed.
   */
  getpeername(): AddressOf<F> {
    this.#checkOpen("getpeername");
    const conn = this._io.conn;
    if (conn === null) {
      throw osError("getpeername", "ENOTCONN", "Transport endpoint is not connected");
    }
    return fromDenoAddr(conn.remoteAddr, this.family) as AddressOf<F>;
  }

  /**
   * Non-blocking receive (for reader callbacks): up to `n` bytes already
   * received, or an empty array at end of stream.
   *
   * @param n The most bytes to return.
   * @returns The bytes.
   * @throws {BlockingIOError} If nothing has arrived yet.
   * @throws {OSError} `ENOTCONN`/`EBADF`, or the connection's error.
   */
  recv(n: number): Uint8Array {
    if (this._dgram !== null) return this.recvfrom(n)[0];
    this._checkStream("recv");
    checkCount(n, "n");
    return this._io.recvNow(n, null) as Uint8Array;
  }

  /**
   * Non-blocking receive into `buffer`.
   *
   * @param buffer Where to copy the bytes.
   * @returns How many bytes were copied (0 at end of stream).
   * @throws {BlockingIOError} If nothing has arrived yet.
   */
  recvInto(buffer: Uint8Array): number {
    if (this._dgram !== null) return this.recvfromInto(buffer)[0];
    this._checkStream("recvInto");
    return this._io.recvNow(0, toBytes(buffer, "buffer")) as number;
  }

  /**
   * Non-blocking send (for writer callbacks): starts sending a copy of
   * `data` if no send is in flight. Deno writes asynchronously, so the whole
   * of `data` is taken at once and the socket stays unwritable until it has
   * been written.
   *
   * @param data The bytes.
   * @returns `data.length`.
   * @throws {BlockingIOError} While an earlier send is in flight.
   * @throws {OSError} The error an earlier send ended with.
   */
  send(data: Uint8Array): number {
    if (this._dgram !== null) {
      this.#checkOpen("send");
      throw osError("send", "EDESTADDRREQ", "Destination address required (use sendto)");
    }
    this._checkStream("send");
    return this._io.sendNow(toBytes(data));
  }

  /**
   * Non-blocking receive of one datagram (`SOCK_DGRAM`): its first `bufsize`
   * bytes (the rest of a longer datagram is dropped, as in Python) and its
   * source.
   *
   * @param bufsize The most bytes to return.
   * @returns `[data, address]`.
   * @throws {BlockingIOError} If no datagram has arrived.
   * @throws {OSError} `EBADF` once closed; a receive error of the socket.
   * @throws {TypeError} On a stream socket, or if `bufsize` is not an integer.
   *
   * @example Taking datagrams once a reader says they are there
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run } from "@asyncio/deno";
   * import { AF_INET, SOCK_DGRAM, Socket } from "@asyncio/deno/socket";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   using server = new Socket(AF_INET, SOCK_DGRAM);
   *   server.bind(["127.0.0.1", 0]);
   *   using client = new Socket(AF_INET, SOCK_DGRAM);
   *   const got = loop.createFuture<string>();
   *   loop.addReader(server, () => {
   *     const [data] = server.recvfrom(1024); // readable: a datagram waits
   *     loop.removeReader(server);
   *     got.setResult(new TextDecoder().decode(data));
   *   });
   *   await loop.sockSendto(client, new TextEncoder().encode("hi"), server.getsockname());
   *   assert.equal(await got, "hi");
   * });
   * ```
   */
  recvfrom(bufsize: number): [Uint8Array, AddressOf<F>] {
    const io = this._datagram("recvfrom");
    checkCount(bufsize, "bufsize");
    return io.recvNow(bufsize, null) as [Uint8Array, AddressOf<F>];
  }

  /**
   * Non-blocking receive of one datagram into `buffer` (`SOCK_DGRAM`).
   *
   * @param buffer Where to copy the bytes.
   * @param nbytes The most bytes to copy (0 or omitted: `buffer.length`).
   * @returns `[count, address]`.
   * @throws {BlockingIOError} If no datagram has arrived.
   * @throws {RangeError} If `nbytes` is greater than `buffer.length`.
   *
   * @example Nothing has arrived yet: BlockingIOError
   * ```ts
   * import assert from "node:assert/strict";
   * import { BlockingIOError } from "@asyncio/deno";
   * import { AF_INET, SOCK_DGRAM, Socket } from "@asyncio/deno/socket";
   * using sock = new Socket(AF_INET, SOCK_DGRAM);
   * sock.bind(["127.0.0.1", 0]);
   * assert.throws(() => sock.recvfromInto(new Uint8Array(16)), BlockingIOError);
   * ```
   */
  recvfromInto(buffer: Uint8Array, nbytes = 0): [number, AddressOf<F>] {
    const io = this._datagram("recvfromInto");
    const into = toBytes(buffer, "buffer");
    const n = checkNbytes(nbytes, into);
    return io.recvNow(n, into) as [number, AddressOf<F>];
  }

  /**
   * Non-blocking send of one datagram (`SOCK_DGRAM`): starts sending a copy
   * of `data` to `address` if no send is in flight (a socket never bound is
   * bound first to any address and port). Deno sends asynchronously: an
   * error of the send is thrown by the next `sendto()` (`loop.sockSendto`
   * reports it for its own datagram).
   *
   * @param data The bytes.
   * @param address `[host, port]` (`AF_INET6`: also `[host, port, flowinfo, scopeId]`).
   * @returns `data.length`.
   * @throws {BlockingIOError} While an earlier send is in flight.
   * @throws {OSError} `EBADF` once closed; the error an earlier send ended with.
   * @throws {TypeError} On a stream socket, or if the address does not fit the family.
   *
   * @example One send in flight at a time
   * ```ts
   * import assert from "node:assert/strict";
   * import { BlockingIOError, getRunningLoop, run } from "@asyncio/deno";
   * import { AF_INET, SOCK_DGRAM, Socket } from "@asyncio/deno/socket";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   using server = new Socket(AF_INET, SOCK_DGRAM);
   *   server.bind(["127.0.0.1", 0]);
   *   using client = new Socket(AF_INET, SOCK_DGRAM);
   *   loop.addWriter(client, () => {}); // the socket now belongs to this loop
   *   loop.removeWriter(client);
   *   assert.equal(client.sendto(new Uint8Array(8), server.getsockname()), 8);
   *   assert.throws(() => client.sendto(new Uint8Array(8), server.getsockname()), BlockingIOError);
   *   const [data] = await loop.sockRecvfrom(server, 100);
   *   assert.equal(data.length, 8);
   * });
   * ```
   */
  sendto(data: Uint8Array, address: AddressOf<F> | [host: string, port: number]): number {
    const io = this._datagram("sendto");
    const bytes = toBytes(data);
    const [host, port] = checkSocketAddress(this.family, address, "address") as [string, number];
    if (port === 0) {
      // What the kernel says of a datagram sent to port 0.
      throw osError("sendto", "EINVAL", "Invalid argument (port 0)");
    }
    const n = io.sendNow(bytes, host, port);
    this.#state = "bound";
    return n;
  }

  /** @ignore The UDP side, or TypeError for a stream socket. */
  _datagram(what: string): DatagramIo {
    this.#checkOpen(what);
    if (this._dgram === null) {
      throw new TypeError(`${what}: ${this} is not a SOCK_DGRAM socket`);
    }
    return this._dgram;
  }

  /**
   * Non-blocking accept (for reader callbacks on a listening socket).
   *
   * @returns `[connection, peer address]`.
   * @throws {BlockingIOError} If no connection is waiting.
   * @throws {OSError} `EINVAL` unless listening.
   */
  accept(): [Socket<F>, AddressOf<F>] {
    this._checkListening("accept");
    const conn = this._io.acceptNow();
    const sock = Socket._fromConn(this.family, conn, this._io.loop);
    return [sock, fromDenoAddr(conn.remoteAddr, this.family) as AddressOf<F>];
  }

  /**
   * Shuts down one or both directions of a connected stream socket, as
   * Python's `shutdown()`: `SHUT_WR` sends end of stream to the peer once
   * everything sent before has gone out (later sends fail with
   * `BrokenPipeError`); `SHUT_RD` ends receiving (later receives return
   * end of stream); `SHUT_RDWR` both. The socket stays open until `close()`.
   *
   * Differences from Python: Deno cannot shut the read side down, so
   * `SHUT_RD` is emulated (bytes received and not taken are dropped; the
   * peer is not told).
   *
   * @param how `SHUT_RD`, `SHUT_WR` or `SHUT_RDWR`.
   * @throws {OSError} `ENOTCONN` unless connected; `EINVAL` for another `how`;
   *   `EBADF` once closed.
   *
   * @example Half-closing: the peer sees end of stream and can still answer
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run } from "@asyncio/deno";
   * import { AF_INET, SHUT_WR, Socket } from "@asyncio/deno/socket";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   using listener = new Socket(AF_INET);
   *   listener.listen();
   *   using client = new Socket(AF_INET);
   *   await loop.sockConnect(client, ["127.0.0.1", listener.getsockname()[1]]);
   *   const [conn] = await loop.sockAccept(listener);
   *   using _ = conn;
   *   await loop.sockSendall(client, new TextEncoder().encode("bye"));
   *   client.shutdown(SHUT_WR);
   *   assert(new TextDecoder().decode(await loop.sockRecv(conn, 10)) === "bye");
   *   assert((await loop.sockRecv(conn, 10)).length === 0); // end of stream
   *   await loop.sockSendall(conn, new TextEncoder().encode("ok"));
   *   assert(new TextDecoder().decode(await loop.sockRecv(client, 10)) === "ok");
   * });
   * ```
   */
  shutdown(how: number): void {
    this._checkStream("shutdown");
    if (how !== SHUT_RD && how !== SHUT_WR && how !== SHUT_RDWR) {
      throw osError("shutdown", "EINVAL", `Invalid argument: how=${describe(how)}`);
    }
    this._io.shutdown(how !== SHUT_WR, how !== SHUT_RD);
  }

  /**
   * Sockets are always non-blocking: `false` is accepted, `true` throws.
   *
   * @param flag Whether to block.
   * @throws {NotImplementedError} For `true` (JavaScript cannot block the thread).
   */
  setblocking(flag: boolean): void {
    if (flag) {
      throw new NotImplementedError(
        "setblocking(true): JavaScript cannot block the thread; use the loop's sock* methods",
      );
    }
  }

  /** Always `false`: sockets never block. */
  getblocking(): boolean {
    return false;
  }

  /** Always `0` (non-blocking), as asyncio expects of its sockets. */
  gettimeout(): number {
    return 0;
  }

  /** The number this library assigned to the socket (not an OS descriptor), or -1 once closed. */
  fileno(): number {
    return this.#state === "closed" ? -1 : this.#fileno;
  }

  /**
   * Closes the socket: pending operations fail with `EBADF`, readers and
   * writers are dropped, a connect in progress is aborted. As with the
   * kernel, bytes a `send()` already took (and the write in flight of a
   * `sockSendall`) still reach the peer: the connection is released once
   * that write has settled. A socket taken over by a transport or server
   * closes that transport (abort) or server. Idempotent.
   */
  close(): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    openSockets.delete(this.#fileno);
    this.#connectAbort?.abort();
    this.#connectAbort = null;
    const owner = this._owner;
    if (owner !== null) owner.close();
    this._io.close();
    this._dgram?.close();
  }

  /** `using sock = new Socket()` closes it at the end of the scope. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** A description such as `<Socket fd=3, family=AF_INET, type=SOCK_STREAM, laddr=...>`. */
  toString(): string {
    const parts = [
      `fd=${this.fileno()}`,
      `family=${FAMILY_NAMES[this.family]}`,
      `type=${this.type === SOCK_DGRAM ? "SOCK_DGRAM" : "SOCK_STREAM"}`,
    ];
    if (this.#state !== "closed") {
      parts.push(`laddr=${JSON.stringify(this.getsockname())}`);
      if (this._io.conn !== null) parts.push(`raddr=${JSON.stringify(this.getpeername())}`);
    }
    return `<Socket ${parts.join(", ")}>`;
  }

  // ---- for the loop ---------------------------------------------------------

  #checkOpen(what: string): void {
    if (this.#state === "closed") throw closedError(what);
  }

  /** @ignore Throws unless connected (and not closed). */
  _checkStream(what: string): void {
    this.#checkOpen(what);
    if (this.#state !== "connected") {
      throw osError(what, "ENOTCONN", "Transport endpoint is not connected");
    }
  }

  /** @ignore Throws unless listening (and not closed). */
  _checkListening(what: string): void {
    this.#checkOpen(what);
    if (this.#state !== "listening") {
      throw osError(what, "EINVAL", "the socket is not listening: Invalid argument");
    }
  }

  /** @ignore Marks the socket connecting; closing it aborts the returned signal. */
  _beginConnect(): AbortSignal {
    if (this.#state === "connecting") {
      throw osError("sockConnect", "EALREADY", "Operation already in progress");
    }
    if (this.#state === "connected") {
      throw osError("sockConnect", "EISCONN", "Transport endpoint is already connected");
    }
    if (this.#state === "listening") {
      throw osError("sockConnect", "EINVAL", "the socket is listening: Invalid argument");
    }
    if (this.#state === "bound") {
      throw new NotImplementedError(
        "sockConnect on a bound socket: Deno cannot bind a local address before connecting",
      );
    }
    this.#state = "connecting";
    this.#connectAbort = new AbortController();
    return this.#connectAbort.signal;
  }

  /** @ignore Ends a connect: connected with `conn`, or back to new on failure. */
  _endConnect(conn: Deno.Conn | null, loop: BaseEventLoop): void {
    this.#connectAbort = null;
    if (this.#state !== "connecting") return;
    if (conn === null) {
      this.#state = "new";
      return;
    }
    this.#state = "connected";
    this._io.use(loop);
    this._io.attachConn(conn);
  }
}
