// Transports and servers over a `Socket` the caller made: the `sock` option
// of createConnection, createServer, createUnixConnection and
// createUnixServer. The transport or server takes the socket over: the
// socket's own operations then throw RuntimeError, and closing the socket
// closes what took it.

import type { BaseEventLoop } from "../../core/base_event_loop.ts";
import type { Coroutine } from "../../core/events.ts";
import { NotImplementedError, RuntimeError } from "../../core/exceptions.ts";
import type {
  CreateConnectionOptions,
  CreateServerOptions,
  CreateUnixServerOptions,
} from "../../core/io_options.ts";
import { OSError } from "../os_errors.ts";
import type { BaseProtocol } from "../../core/protocols.ts";
import { AF_UNIX, SOCK_STREAM } from "../resolve.ts";
import { finishServer, Server, type ServerListener } from "../server.ts";
import type { Socket, SocketOwner } from "../socket.ts";
import type { SSLContext } from "../ssl.ts";
import { asSocket, checkNotOwned } from "../sock_ops.ts";
import { errnoOf } from "../errors.ts";
import { StreamTransport } from "./stream.ts";
import { acceptPlain, SSL_HANDSHAKE_TIMEOUT, streamExtra, tlsClient } from "./tcp.ts";
import { startTransport } from "./base.ts";
import { checkBacklog, checkUnixBacklog } from "./unix.ts";

/** The socket's claim on its transport (set once the transport exists). */
class TransportClaim implements SocketOwner {
  transport: StreamTransport | null = null;
  toString(): string {
    return this.transport === null ? "a transport being created" : `transport ${this.transport}`;
  }
  close(): void {
    this.transport?.abort();
  }
}

/** The socket's claim on its server. */
class ServerClaim implements SocketOwner {
  server: Server | null = null;
  toString(): string {
    return `server ${this.server}`;
  }
  close(): void {
    this.server?.close();
  }
}

// An option that only applies to a socket the loop creates: a conflicting
// value (RangeError), not a wrong type.
function rejectWithSock(options: Record<string, unknown>, names: string[]): void {
  for (const name of names) {
    const v = options[name];
    if (v !== undefined && v !== null && v !== 0 && v !== false) {
      throw new RangeError(`options.${name} cannot be combined with options.sock`);
    }
  }
}

// asyncio's ValueError "A Stream Socket was expected, got ...".
function checkStreamSock(sock: Socket): void {
  if (sock.type !== SOCK_STREAM) {
    throw new RangeError(`options.sock must be a stream socket (SOCK_STREAM): got ${sock}`);
  }
}

// asyncio's ValueError "A UNIX Domain Stream Socket was expected, got ...".
function checkUnixSock(sock: Socket): void {
  if (sock.family !== AF_UNIX) {
    throw new RangeError(`options.sock must be an AF_UNIX socket: got ${sock}`);
  }
}

function checkHandOver(sock: Socket): void {
  checkNotOwned(sock);
  const problem = sock._io.handOverProblem();
  if (problem !== null) {
    throw new RuntimeError(`options.sock: ${problem} on ${sock}; the transport would race it`);
  }
}

/**
 * Validates `createConnection`/`createUnixConnection` with `sock` (the loop
 * checked that no host/port/path came with it, and the TLS options): a
 * connected stream socket (Unix for `unix`), no option that only applies
 * to connecting.
 */
export function checkConnectionSock(
  sockOption: unknown,
  unix: boolean,
  options: CreateConnectionOptions,
  ssl: SSLContext | null,
): Socket {
  const sock = asSocket(sockOption, "options.sock");
  if (unix) checkUnixSock(sock);
  checkStreamSock(sock);
  rejectWithSock(options as Record<string, unknown>, [
    "family",
    "proto",
    "flags",
    "localAddr",
    "happyEyeballsDelay",
    "interleave",
  ]);
  checkHandOver(sock);
  sock._checkStream("createConnection");
  if (ssl !== null && sock._io.hasPendingInput()) {
    throw new RuntimeError(
      `options.sock: ${sock} has received data or has a read pending; Deno can only start TLS ` +
        "on a connection with neither",
    );
  }
  return sock;
}

/** The transport over a connected socket (TLS first with `ssl`). */
export function* sockConnection<P extends BaseProtocol>(
  loop: BaseEventLoop,
  protocolFactory: () => P,
  sock: Socket,
  ssl: SSLContext | null,
  serverHostname: string | null,
  options: CreateConnectionOptions,
): Coroutine<[StreamTransport, P]> {
  checkHandOver(sock);
  sock._checkStream("createConnection");
  const claim = new TransportClaim();
  sock._owner = claim;
  const raw = sock._io.conn!;
  let conn = sock._io.detach();
  try {
    let extra = streamExtra(raw, null);
    if (ssl !== null) {
      const timeout = options.sslHandshakeTimeout ?? SSL_HANDSHAKE_TIMEOUT;
      const hostname = serverHostname!;
      const [tls, alpn] = yield* tlsClient(loop, raw as Deno.TcpConn, ssl, hostname, timeout);
      conn = tls;
      extra = { ...streamExtra(tls, ssl), alpnProtocol: alpn };
    }
    const protocol = protocolFactory();
    const transport = new StreamTransport(loop, conn, protocol, extra, {
      kind: sock.family === AF_UNIX ? "unix socket" : ssl === null ? "socket" : "ssl",
      canWriteEof: ssl === null && typeof raw.closeWrite === "function",
    });
    claim.transport = transport;
    yield* started(loop, transport);
    return [transport, protocol];
  } catch (e) {
    if (claim.transport === null) {
      try {
        conn.close();
      } catch {
        // Closed by the failed TLS handshake already.
      }
    }
    sock.close();
    throw e;
  }
}

/** Starts the transport (`connectionMade`, then reading) and waits until it has. */
function started(loop: BaseEventLoop, transport: StreamTransport): Coroutine<void> {
  return startTransport(loop, transport);
}

/**
 * Validates `createServer`/`createUnixServer` with `sock` (the loop checked
 * that no host/port/path came with it): a bound or listening stream socket,
 * no option that only applies to creating sockets.
 */
export function checkServerSock(
  sockOption: unknown,
  unix: boolean,
  options: CreateServerOptions | CreateUnixServerOptions,
): Socket {
  const sock = asSocket(sockOption, "options.sock");
  if (unix) checkUnixSock(sock);
  checkStreamSock(sock);
  if (options.ssl !== undefined && options.ssl !== null) {
    throw new NotImplementedError(
      "options.ssl with options.sock: Deno only serves TLS on listeners it creates with " +
        "Deno.listenTls; pass host and port instead",
    );
  }
  rejectWithSock(options as Record<string, unknown>, [
    "family",
    "flags",
    "reuseAddress",
    "reusePort",
    "sslHandshakeTimeout",
  ]);
  if (sock.family === AF_UNIX) checkUnixBacklog(options.backlog);
  if (options.backlog !== undefined) checkBacklog(options.backlog);
  checkHandOver(sock);
  const state = sock._state;
  if (state === "closed") sock._checkListening("createServer");
  if (state === "connected" || state === "connecting") {
    throw new OSError(`options.sock: ${sock} is ${state}, not bound or listening`, {
      code: "EINVAL",
      errno: errnoOf("EINVAL"),
    });
  }
  return sock;
}

/** Serves a listening socket (listening first if it is only bound). */
export function* sockServer(
  loop: BaseEventLoop,
  protocolFactory: () => BaseProtocol,
  sock: Socket,
  options: CreateServerOptions & CreateUnixServerOptions,
): Coroutine<Server> {
  checkHandOver(sock);
  const unix = sock.family === AF_UNIX;
  // A Unix socket takes no backlog (checkServerSock refused one).
  if (sock._state !== "listening") {
    sock.listen(unix ? undefined : checkBacklog(options.backlog ?? 100));
  }
  const claim = new ServerClaim();
  sock._owner = claim;
  // As createUnixServer: on close, remove the socket file if still ours.
  if (sock._socketFile !== null) sock._socketFile.removeOwn = options.cleanupSocket ?? true;
  const kind = unix ? "unix socket" : "socket";
  const keepAlive = options.keepAlive === true;
  const server = new Server(
    loop,
    [new SocketListener(sock, loop)],
    protocolFactory,
    (c, p, srv) => {
      if (keepAlive) (c as Deno.TcpConn).setKeepAlive?.(true);
      return acceptPlain(loop, c, p, srv, kind);
    },
  );
  claim.server = server;
  return yield* finishServer(server, options.startServing ?? true);
}

/**
 * A listening Socket seen as a Deno listener, so `Server` can accept from it:
 * accepts go through the socket's accept queue (a connection the socket had
 * already accepted is served first).
 */
class SocketListener implements ServerListener {
  #sock: Socket;
  #loop: BaseEventLoop;

  constructor(sock: Socket, loop: BaseEventLoop) {
    this.#sock = sock;
    this.#loop = loop;
  }

  get addr(): Deno.Addr {
    return this.#sock._io.listener!.addr;
  }

  accept(): Promise<Deno.Conn> {
    return new Promise((resolve, reject) => {
      this.#sock._io.accept(this.#loop, { live: () => true, resolve, reject });
    });
  }

  close(): void {
    this.#sock.close();
  }

  _fileno(): number {
    return this.#sock.fileno();
  }

  _released(): Promise<void> {
    return this.#sock._io.listenerReleased();
  }

  ref(): void {
    this.#sock._io.listener?.ref();
  }

  unref(): void {
    this.#sock._io.listener?.unref();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Deno.Conn> {
    while (this.#sock._state === "listening") {
      try {
        yield await this.accept();
      } catch {
        return;
      }
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
