/**
 * The network mechanism of the I/O loops: connections, servers, TLS, Unix
 * sockets, UDP and name resolution on Deno's APIs, as functions of the loop
 * (the loop's `IoServices`, assembled in `loops/io.ts`, call them after the
 * platform matrix allowed the call). Each validates its arguments
 * synchronously, as asyncio does, then starts the work as a task of the
 * loop. The methods' documentation is on `AbstractEventLoop`.
 *
 * @module
 */

import type { BaseEventLoop } from "../core/base_event_loop.ts";
import { NotImplementedError } from "../core/exceptions.ts";
import type { Future } from "../core/futures.ts";
import type {
  ConnectAcceptedSocketOptions,
  CreateConnectionOptions,
  CreateDatagramEndpointOptions,
  CreateServerOptions,
  CreateUnixConnectionOptions,
  CreateUnixServerOptions,
  StartTlsOptions,
} from "../core/io_options.ts";
import type {
  AddrInfo,
  GetaddrinfoOptions,
  SockAddr,
  SocketLike,
  SSLContextLike,
} from "../core/io_types.ts";
import type { BaseProtocol } from "../core/protocols.ts";
import { Task } from "../core/tasks.ts";
import type {
  Address,
  ExtraInfo,
  SocketExtraInfo,
  StreamAddress,
  Transport,
} from "../core/transports.ts";
import { checkCallback, checkSeconds, describe } from "../core/checks.ts";
import { GaiError } from "./os_errors.ts";
import { EAI_NONAME, ipFamily, resolveAddrInfo, resolveNameInfo } from "./resolve.ts";
import type { Server } from "./server.ts";
import { Socket } from "./socket.ts";
import { checkClientContext, resolveSsl, serverTlsOptions, SSLContext } from "./ssl.ts";
import { hasUnstableNet } from "./deno_features.ts";
import { StreamTransport } from "./transports/stream.ts";
import {
  SSL_HANDSHAKE_TIMEOUT,
  startStream,
  tcpConnection,
  tcpServer,
  tlsUpgrade,
} from "./transports/tcp.ts";
import { checkBacklog, checkUnixBacklog, unixConnection, unixServer } from "./transports/unix.ts";
import {
  checkConnectionSock,
  checkServerSock,
  sockConnection,
  sockServer,
} from "./transports/sock.ts";
import type { UdpTransport } from "./transports/datagram.ts";
import { checkDatagramOptions, datagramEndpoint } from "./transports/datagram_endpoint.ts";

/** Runs an I/O coroutine as a task of `loop`. */
function spawn<T>(loop: BaseEventLoop, coro: Generator<unknown, T, unknown>): Future<T> {
  return new Task<T>(coro, { loop });
}

/**
 * The future of a stream transport, typed by the address it reports
 * (`StreamAddress`: a path over an `AF_UNIX` socket, `[host, port]`
 * otherwise, as `streamExtra` makes them), which TypeScript cannot follow
 * through the coroutine that makes it.
 */
function withAddress<A extends Address, T>(fut: Future<[StreamTransport, T]>) {
  return fut as unknown as Future<[Transport<SocketExtraInfo<A>>, T]>;
}

/** The future of a server, typed by the address its sockets report (see `withAddress`). */
function serverWithAddress<A extends [host: string, port: number] | string>(fut: Future<Server>) {
  return fut as unknown as Future<Server<A>>;
}

/**
 * Checks a port as asyncio passes it to getaddrinfo: an integer 0-65535, a
 * numeric string or a service name (`"http"`, resolved later: an unknown
 * one is a GaiError), or null.
 */
function checkPort(port: unknown, name = "port"): number | string | null {
  if (port === null || port === undefined) return null;
  if (typeof port === "string") return port;
  if (typeof port !== "number" || !Number.isInteger(port)) {
    throw new TypeError(
      `${name} must be an integer, a service name or null: got ${describe(port)}`,
    );
  }
  if (port < 0 || port > 65535) throw new RangeError(`${name} must be 0-65535: got ${port}`);
  return port;
}

/** Throws TypeError unless `host` is a string or null. */
function checkHost(host: unknown): string | null {
  if (host === null || host === undefined) return null;
  if (typeof host !== "string") {
    throw new TypeError(`host must be a string or null: got ${describe(host)}`);
  }
  return host;
}

/**
 * The name to check the server's certificate against, as asyncio decides it
 * (its ValueErrors are RangeErrors): `serverHostname` only with `ssl`; with
 * `ssl`, `serverHostname` or else a non-empty `host`. Null without `ssl`.
 */
function sslHostname(options: { serverHostname?: unknown }, ssl: SSLContext | null, host: unknown) {
  const given = options.serverHostname;
  if (given !== undefined && given !== null && typeof given !== "string") {
    throw new TypeError(`options.serverHostname must be a string: got ${describe(given)}`);
  }
  if (ssl === null) {
    if (given !== undefined && given !== null) {
      throw new RangeError("options.serverHostname is only meaningful with ssl");
    }
    return null;
  }
  if (given === undefined || given === null) {
    if (typeof host !== "string" || host === "") {
      throw new RangeError("options.serverHostname must be set when using ssl without a host");
    }
    return host;
  }
  if (given === "") {
    throw new RangeError("options.serverHostname must not be empty: Deno needs a name to check");
  }
  return given;
}

function checkTimeout(value: unknown, name: string): void {
  if (value === null || value === undefined) return;
  checkSeconds(value, name);
  if (value === 0) throw new RangeError(`${name} must be a positive number: got 0`);
}

// asyncio's "... is only meaningful with ssl" ValueErrors (RangeErrors here).
function checkSslOnly(
  options: {
    serverHostname?: unknown;
    sslHandshakeTimeout?: unknown;
    sslShutdownTimeout?: unknown;
  },
  ssl: SSLContext | null,
): void {
  if (ssl !== null) return;
  for (const name of ["serverHostname", "sslHandshakeTimeout", "sslShutdownTimeout"] as const) {
    if (options[name] !== undefined && options[name] !== null) {
      throw new RangeError(`options.${name} is only meaningful with ssl`);
    }
  }
}

/** Throws TypeError unless `path` is a string, RangeError if it is empty. */
function checkPath(path: unknown): string {
  if (typeof path !== "string") {
    throw new TypeError(`path must be a string or null: got ${describe(path)}`);
  }
  if (path === "") throw new RangeError("path must not be empty");
  return path;
}

/** Whether `value` is a Deno connection (not a `Socket`). */
function isDenoConn(value: unknown): value is Deno.Conn {
  if (value === null || typeof value !== "object" || value instanceof Socket) return false;
  const c = value as Partial<Deno.Conn>;
  return typeof c.read === "function" && typeof c.write === "function" &&
    typeof c.close === "function" && c.remoteAddr !== undefined;
}

function denoCannot(option: string, why: string): never {
  throw new NotImplementedError(`${option}: ${why}`);
}

/** `loop.createConnection()` (documented on `AbstractEventLoop`): checks the arguments in asyncio's order, then connects. */
export function createConnection<P extends BaseProtocol, S = undefined>(
  loop: BaseEventLoop,
  protocolFactory: () => P,
  host?: string | null,
  port?: number | string | null,
  options: CreateConnectionOptions & { sock?: S } = {},
): Future<[Transport<SocketExtraInfo<StreamAddress<S>>>, P]> {
  const ssl = resolveSsl(options.ssl, "options.ssl");
  checkCallback(protocolFactory, "protocolFactory");
  // asyncio's order: the TLS options, then host/port against sock.
  const serverHostname = sslHostname(options, ssl, host);
  checkSslOnly(options, ssl);
  const hasSock = options.sock !== undefined && options.sock !== null;
  if ((host !== null && host !== undefined) || (port !== null && port !== undefined)) {
    if (hasSock) {
      throw new RangeError("host/port and sock can not be specified at the same time");
    }
    const h = checkHost(host);
    if (h === "") {
      throw new GaiError('getaddrinfo(""): Name or service not known', {
        code: "EAI_NONAME",
        errno: EAI_NONAME,
      });
    }
    const p = checkPort(port);
    checkConnectionOptions(options, ssl, h);
    return withAddress(
      spawn(loop, tcpConnection(loop, protocolFactory, h, p, ssl, serverHostname, options)),
    );
  }
  if (!hasSock) {
    throw new RangeError("host and port was not specified and no sock specified");
  }
  const sock = checkConnectionSock(options.sock, false, options, ssl);
  // With sock the upgrade is Deno.startTls: no client certificate.
  if (ssl !== null) checkClientContext(ssl, "createConnection({ sock, ssl })", true);
  return withAddress(
    spawn(loop, sockConnection(loop, protocolFactory, sock, ssl, serverHostname, options)),
  );
}

function checkConnectionOptions(
  options: CreateConnectionOptions,
  ssl: SSLContext | null,
  host: string | null,
): void {
  if (options.localAddr !== undefined && options.localAddr !== null) {
    denoCannot("options.localAddr", "Deno.connect cannot bind a local address first");
  }
  if ((options.proto ?? 0) !== 0) denoCannot("options.proto", "only protocol 0 is available");
  if ((options.flags ?? 0) !== 0) denoCannot("options.flags", "no getaddrinfo flag applies");
  if (
    options.interleave !== undefined && options.interleave !== null && options.interleave !== 1
  ) {
    denoCannot("options.interleave", "Deno's Happy Eyeballs interleaves one address per family");
  }
  if (ssl?.certChain != null && options.serverHostname != null) {
    denoCannot(
      "serverHostname with a client certificate",
      "Deno.connectTls checks the certificate against the host it connects to",
    );
  }
  if (
    ssl?.certChain != null && ssl.checkHostname && (options.family ?? 0) !== 0 &&
    (host === null || ipFamily(host) === 0)
  ) {
    denoCannot(
      "options.family with a client certificate and a host name",
      "Deno.connectTls resolves the name itself (any family) to check the certificate " +
        "against it; pass an address, or set checkHostname to false",
    );
  }
  checkTimeout(options.sslHandshakeTimeout, "options.sslHandshakeTimeout");
  checkTimeout(options.sslShutdownTimeout, "options.sslShutdownTimeout");
  checkTimeout(options.happyEyeballsDelay, "options.happyEyeballsDelay");
  if (ssl !== null) checkClientContext(ssl, "createConnection({ ssl })", false);
}

/** `loop.connectAcceptedSocket()`: wraps a connected `Socket` or a `Deno.Conn` in a transport. */
export function connectAcceptedSocket<P extends BaseProtocol, S extends SocketLike | Deno.Conn>(
  loop: BaseEventLoop,
  protocolFactory: () => P,
  sock: S,
  options: ConnectAcceptedSocketOptions = {},
): Future<[Transport<SocketExtraInfo<StreamAddress<S>>>, P]> {
  const ssl = resolveSsl(options.ssl, "options.ssl");
  checkCallback(protocolFactory, "protocolFactory");
  checkSslOnly(options, ssl);
  if (ssl !== null) {
    denoCannot(
      "connectAcceptedSocket({ ssl })",
      "Deno has no API to start TLS as the server on a connection it accepted; " +
        "listen with createServer({ ssl }) instead",
    );
  }
  checkTimeout(options.sslHandshakeTimeout, "options.sslHandshakeTimeout");
  if (isDenoConn(sock)) {
    const unix = sock.remoteAddr.transport === "unix";
    return withAddress(spawn(
      loop,
      startStream(loop, sock, protocolFactory, { kind: unix ? "unix socket" : "socket" }),
    ));
  }
  const s = checkConnectionSock(sock, false, {}, null);
  return withAddress(spawn(loop, sockConnection(loop, protocolFactory, s, null, null, {})));
}

/** `loop.createServer()`: checks the arguments, then listens. */
export function createServer<S = undefined>(
  loop: BaseEventLoop,
  protocolFactory: () => BaseProtocol,
  host?: string | string[] | null,
  port?: number | string | null,
  options: CreateServerOptions & { sock?: S } = {},
): Future<Server<StreamAddress<S>>> {
  const ssl = resolveSsl(options.ssl, "options.ssl");
  checkCallback(protocolFactory, "protocolFactory");
  checkSslOnly(options, ssl);
  const hasSock = options.sock !== undefined && options.sock !== null;
  if ((host !== null && host !== undefined) || (port !== null && port !== undefined)) {
    if (hasSock) {
      throw new RangeError("host/port and sock can not be specified at the same time");
    }
    if (
      host !== null && host !== undefined && typeof host !== "string" &&
      !(Array.isArray(host) && host.every((h) => typeof h === "string"))
    ) {
      throw new TypeError(
        `host must be a string, an array of strings or null: got ${describe(host)}`,
      );
    }
    const p = checkPort(port);
    checkServerOptions(options, ssl);
    return serverWithAddress(
      spawn(loop, tcpServer(loop, protocolFactory, host ?? null, p, ssl, options)),
    );
  }
  if (!hasSock) throw new RangeError("Neither host/port nor sock were specified");
  const sock = checkServerSock(options.sock, false, options);
  return serverWithAddress(spawn(loop, sockServer(loop, protocolFactory, sock, options)));
}

function checkServerOptions(options: CreateServerOptions, ssl: SSLContext | null): void {
  if (options.reuseAddress === false) {
    denoCannot("options.reuseAddress", "Deno always sets SO_REUSEADDR on listening sockets");
  }
  if (options.reusePort && !hasUnstableNet()) {
    denoCannot(
      "options.reusePort",
      "SO_REUSEPORT needs Deno's --unstable-net flag (without it Deno would exit the process)",
    );
  }
  if ((options.flags ?? 0) !== 0 && options.flags !== 1) {
    denoCannot("options.flags", "only AI_PASSIVE applies");
  }
  if (options.backlog !== undefined) checkBacklog(options.backlog);
  if (ssl !== null) serverTlsOptions(ssl); // throws for what Deno.listenTls cannot do
  checkTimeout(options.sslHandshakeTimeout, "options.sslHandshakeTimeout");
  checkTimeout(options.sslShutdownTimeout, "options.sslShutdownTimeout");
}

/** `loop.createUnixConnection()`. */
export function createUnixConnection<P extends BaseProtocol>(
  loop: BaseEventLoop,
  protocolFactory: () => P,
  path?: string | null,
  options: CreateUnixConnectionOptions = {},
): Future<[Transport<SocketExtraInfo<string>>, P]> {
  checkCallback(protocolFactory, "protocolFactory");
  if (resolveSsl(options.ssl, "options.ssl") !== null) {
    denoCannot("options.ssl", "Deno cannot run TLS over a Unix socket");
  }
  checkSslOnly(options, null);
  const hasSock = options.sock !== undefined && options.sock !== null;
  if (path !== null && path !== undefined) {
    if (hasSock) throw new RangeError("path and sock can not be specified at the same time");
    return withAddress(spawn(loop, unixConnection(loop, protocolFactory, checkPath(path))));
  }
  if (!hasSock) throw new RangeError("no path and sock were specified");
  const sock = checkConnectionSock(options.sock, true, options, null);
  return withAddress(
    spawn(loop, sockConnection(loop, protocolFactory, sock, null, null, options)),
  );
}

/** `loop.createUnixServer()`. */
export function createUnixServer(
  loop: BaseEventLoop,
  protocolFactory: () => BaseProtocol,
  path?: string | null,
  options: CreateUnixServerOptions = {},
): Future<Server<string>> {
  checkCallback(protocolFactory, "protocolFactory");
  if (resolveSsl(options.ssl, "options.ssl") !== null) {
    denoCannot("options.ssl", "Deno cannot run TLS over a Unix socket");
  }
  checkSslOnly(options, null);
  checkUnixBacklog(options.backlog);
  const hasSock = options.sock !== undefined && options.sock !== null;
  if (path !== null && path !== undefined) {
    if (hasSock) throw new RangeError("path and sock can not be specified at the same time");
    return serverWithAddress(
      spawn(loop, unixServer(loop, protocolFactory, checkPath(path), options)),
    );
  }
  if (!hasSock) throw new RangeError("path was not specified, and no sock specified");
  const sock = checkServerSock(options.sock, true, options);
  return serverWithAddress(spawn(loop, sockServer(loop, protocolFactory, sock, options)));
}

/** `loop.createDatagramEndpoint()`. */
export function createDatagramEndpoint<P extends BaseProtocol>(
  loop: BaseEventLoop,
  protocolFactory: () => P,
  options: CreateDatagramEndpointOptions = {},
): Future<[UdpTransport, P]> {
  checkCallback(protocolFactory, "protocolFactory");
  const plan = checkDatagramOptions(options);
  return spawn(loop, datagramEndpoint(loop, protocolFactory, plan));
}

/** `loop.startTls()`: the client side of STARTTLS. */
export function startTls<E extends ExtraInfo>(
  loop: BaseEventLoop,
  transport: Transport<E>,
  protocol: BaseProtocol,
  sslcontext: SSLContextLike,
  options: StartTlsOptions = {},
): Future<Transport<E>> {
  if (options.serverSide) {
    denoCannot(
      "startTls(serverSide: true)",
      "Deno has no API to start TLS as the server on an accepted connection; " +
        "listen with createServer({ ssl }) instead",
    );
  }
  if (!(transport instanceof StreamTransport) || transport._loop !== loop) {
    throw new TypeError(
      `transport must be a stream transport of this loop: got ${describe(transport)}`,
    );
  }
  if (!(sslcontext instanceof SSLContext)) {
    throw new TypeError(`sslcontext must be an SSLContext: got ${describe(sslcontext)}`);
  }
  checkTimeout(options.sslHandshakeTimeout, "options.sslHandshakeTimeout");
  checkTimeout(options.sslShutdownTimeout, "options.sslShutdownTimeout");
  checkClientContext(sslcontext, "loop.startTls()", true);
  const peer = transport.getExtraInfo("peername");
  const hostname = options.serverHostname ?? (Array.isArray(peer) ? String(peer[0]) : "");
  const timeout = options.sslHandshakeTimeout ?? SSL_HANDSHAKE_TIMEOUT;
  // The TLS transport reports the addresses of the plain one it replaces.
  const upgraded = spawn(
    loop,
    tlsUpgrade(loop, transport, protocol, sslcontext, hostname, timeout),
  );
  return upgraded as unknown as Future<Transport<E>>;
}

/** `loop.getaddrinfo()` on the OS resolver. */
export function getaddrinfo(
  loop: BaseEventLoop,
  host: string | null,
  port: number | string | null,
  options: GetaddrinfoOptions = {},
): Future<AddrInfo[]> {
  return spawn(loop, resolveAddrInfo(loop, host, port, options));
}

/** `loop.getnameinfo()`. */
export function getnameinfo(
  loop: BaseEventLoop,
  sockaddr: SockAddr,
  flags = 0,
): Future<[string, string]> {
  return spawn(loop, resolveNameInfo(loop, sockaddr, flags));
}
