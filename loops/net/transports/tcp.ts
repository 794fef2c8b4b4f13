// TCP and TLS: connecting (name resolution, each address in turn or Happy
// Eyeballs, cancellation), listening, the TLS handshake, and the client-side
// upgrade of `startTls`. The coroutines here are driven by tasks the loop
// creates; they never touch the platform matrix (the loop checked it).

import type { BaseEventLoop } from "../../core/base_event_loop.ts";
import type { Coroutine } from "../../core/events.ts";
import { CancelledError, TimeoutError } from "../../core/exceptions.ts";
import type { CreateConnectionOptions, CreateServerOptions } from "../../core/io_options.ts";
import { ConnectionAbortedError, OSError } from "../os_errors.ts";
import type { BaseProtocol } from "../../core/protocols.ts";
import {
  AI_PASSIVE,
  connectHost,
  ensureResolved,
  ipFamily,
  resolvePort,
  SOCK_STREAM,
} from "../resolve.ts";
import { finishServer, Server } from "../server.ts";
import { serverTlsOptions, type SSLContext } from "../ssl.ts";
import { waitFor } from "../../flow/wait.ts";
import { hostCall } from "../host_call.ts";
import { errnoOf, mapIoError, mapTlsError, refusedPortZero } from "../errors.ts";
import { StreamTransport, type TransportOwner } from "./stream.ts";
import { startTransport } from "./base.ts";
import type { InetAddress, SocketExtraInfo, TransportSocket } from "../../core/transports.ts";

export type { TransportSocket } from "../../core/transports.ts";

/** asyncio's default TLS handshake timeout, seconds. */
export const SSL_HANDSHAKE_TIMEOUT = 60;

function closeQuietly(conn: { close(): void }): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

function addrOf(addr: Deno.Addr): InetAddress | string {
  // Deno.startTls returns a connection whose addresses lack `transport`:
  // a port number is what marks a network address.
  if (addr.transport === "tcp" || addr.transport === "udp" || "port" in addr) {
    return [(addr as Deno.NetAddr).hostname, (addr as Deno.NetAddr).port];
  }
  return (addr as Deno.UnixAddr).path ?? "";
}

// `getExtraInfo("socket")` of a stream transport. Classes, not object
// literals of closures: every connection has one, so its methods are
// shared (a server holding many idle connections pays a few fields each).
class ConnSocket implements TransportSocket<InetAddress | string> {
  readonly family: string;
  #local: InetAddress | string;
  #peer: InetAddress | string;

  constructor(local: InetAddress | string, peer: InetAddress | string) {
    this.family = typeof peer === "string"
      ? "AF_UNIX"
      : peer[0].includes(":")
      ? "AF_INET6"
      : "AF_INET";
    this.#local = local;
    this.#peer = peer;
  }

  getsockname(): InetAddress | string {
    return this.#local;
  }

  getpeername(): InetAddress | string {
    return this.#peer;
  }
}

/** A TCP connection's socket: the options Deno can set, too. */
class TcpConnSocket extends ConnSocket {
  #conn: Deno.TcpConn;

  constructor(conn: Deno.TcpConn, local: InetAddress | string, peer: InetAddress | string) {
    super(local, peer);
    this.#conn = conn;
  }

  setNoDelay(on: boolean): void {
    this.#conn.setNoDelay(on);
  }

  setKeepAlive(on: boolean): void {
    this.#conn.setKeepAlive(on);
  }
}

/** The extra info of a stream transport over `conn`. */
export function streamExtra(
  conn: Deno.Conn,
  ssl: SSLContext | null,
): SocketExtraInfo<InetAddress | string> {
  const peername = addrOf(conn.remoteAddr);
  const sockname = addrOf(conn.localAddr);
  const tcp = conn as Deno.TcpConn;
  const socket = typeof tcp.setNoDelay === "function"
    ? new TcpConnSocket(tcp, sockname, peername)
    : new ConnSocket(sockname, peername);
  const extra: SocketExtraInfo<InetAddress | string> = { peername, sockname, socket };
  if (ssl !== null) {
    extra.sslcontext = ssl;
    extra.peercert = undefined; // Deno does not expose the peer certificate
    extra.cipher = undefined;
    extra.compression = null;
  }
  return extra;
}

/** What a stream transport is made with: its TLS context, kind, owner and more extra info. */
export interface StreamOptions {
  ssl?: SSLContext | null;
  kind?: string;
  owner?: (TransportOwner & { _attach(t: StreamTransport): void }) | null;
  extra?: Record<string, unknown>;
}

/** The transport over `conn`, attached to its owner; not started yet. */
export function streamTransport(
  loop: BaseEventLoop,
  conn: Deno.Conn,
  protocol: BaseProtocol,
  options: StreamOptions = {},
): StreamTransport {
  const ssl = options.ssl ?? null;
  const extra = streamExtra(conn, ssl);
  const transport = new StreamTransport(
    loop,
    conn,
    protocol,
    options.extra === undefined ? extra : { ...extra, ...options.extra },
    {
      owner: options.owner ?? null,
      kind: options.kind ?? (ssl === null ? "socket" : "ssl"),
      canWriteEof: ssl === null && typeof conn.closeWrite === "function",
    },
  );
  options.owner?._attach(transport);
  return transport;
}

/**
 * A server's plain connection: its transport, started at once
 * (`connectionMade`, then reading, as loop callbacks). Nothing waits for
 * it, so no coroutine, task or future is made for it.
 */
export function acceptPlain(
  loop: BaseEventLoop,
  conn: Deno.Conn,
  protocol: BaseProtocol,
  owner: Server,
  kind?: string,
): null {
  streamTransport(loop, conn, protocol, { owner, kind })._start();
  return null;
}

/**
 * Creates the protocol (unless given) and the transport over `conn`, starts
 * it (`connectionMade`, then reading) and waits until that has happened.
 */
export function* startStream<P extends BaseProtocol>(
  loop: BaseEventLoop,
  conn: Deno.Conn,
  protocolOrFactory: P | (() => P),
  options: StreamOptions & { connectionMade?: boolean } = {},
): Coroutine<[StreamTransport, P]> {
  let protocol: P;
  try {
    protocol = typeof protocolOrFactory === "function" ? protocolOrFactory() : protocolOrFactory;
  } catch (e) {
    closeQuietly(conn);
    throw e;
  }
  const transport = streamTransport(loop, conn, protocol, options);
  const connectionMade = options.connectionMade ?? true;
  yield* startTransport(loop, {
    _start: (onReady) => transport._start(onReady, connectionMade),
    close: () => transport.close(),
  });
  return [transport, protocol];
}

/**
 * Connects a TCP socket: each address `host` resolves to in turn (through
 * `loop.getaddrinfo()`, as asyncio does), or Happy Eyeballs.
 */
function* connectTcp(
  loop: BaseEventLoop,
  host: string | null,
  port: number | string | null,
  options: CreateConnectionOptions,
): Coroutine<Deno.TcpConn> {
  const delay = options.happyEyeballsDelay;
  // Deno's Happy Eyeballs resolves the name itself and cannot be limited to
  // one family: with `family`, the addresses of that family are tried in turn.
  const family = options.family ?? 0;
  if (
    delay !== null && delay !== undefined && family === 0 && host !== null && ipFamily(host) === 0
  ) {
    const p = resolvePort(port, SOCK_STREAM);
    try {
      if (p === 0) throw refusedPortZero(host);
      return yield* hostCall(
        loop,
        (signal) =>
          Deno.connect({
            hostname: host,
            port: p,
            signal,
            autoSelectFamily: true,
            autoSelectFamilyAttemptDelay: Math.max(10, Math.round(delay * 1000)),
          }),
        closeQuietly,
      );
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      throw mapIoError(e, `Connect call failed ${JSON.stringify([host, p])}`);
    }
  }
  const infos = yield* ensureResolved(loop, host, port, { family, type: SOCK_STREAM });
  if (infos.length === 0) throw new OSError("getaddrinfo() returned empty list");
  const errors: Error[] = [];
  for (const info of infos) {
    const address = connectHost(info[4]);
    const p = info[4][1];
    try {
      if (p === 0) throw refusedPortZero(address);
      return yield* hostCall(
        loop,
        (signal) => Deno.connect({ hostname: address, port: p, signal }),
        closeQuietly,
      );
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      errors.push(mapIoError(e, `Connect call failed ${JSON.stringify([address, p])}`));
    }
  }
  throw connectionError(errors, options.allErrors === true);
}

// asyncio: one error is raised as it is; several identical ones as the first;
// different ones as an OSError listing them (or all of them, with allErrors).
function connectionError(errors: Error[], allErrors: boolean): Error {
  if (allErrors) return new AggregateError(errors, "create_connection failed");
  if (errors.length === 1) return errors[0];
  const first = String(errors[0].message);
  if (errors.every((e) => e.message === first)) return errors[0];
  return new OSError(`Multiple exceptions: ${errors.map((e) => e.message).join(", ")}`, {
    cause: errors[0],
  });
}

/** Runs the TLS handshake on `conn` within `timeout` seconds. */
export function* handshake(
  loop: BaseEventLoop,
  conn: Deno.TlsConn,
  timeout: number,
  what: string,
): Coroutine<Deno.TlsHandshakeInfo> {
  try {
    return yield* waitFor(hostCall(loop, () => conn.handshake()), timeout);
  } catch (e) {
    closeQuietly(conn);
    if (e instanceof TimeoutError) {
      // asyncio raises ConnectionAbortedError here, not TimeoutError.
      throw new ConnectionAbortedError(
        `SSL handshake is taking longer than ${timeout} seconds: aborting the connection`,
        { cause: e, code: "ECONNABORTED", errno: errnoOf("ECONNABORTED") },
      );
    }
    if (e instanceof CancelledError) throw e;
    throw mapTlsError(e, what);
  }
}

function tlsClientOptions(ctx: SSLContext, hostname: string): Deno.StartTlsOptions {
  return {
    hostname,
    caCerts: ctx.caCerts.length > 0 ? ctx.caCerts : undefined,
    alpnProtocols: ctx.alpnProtocols.length > 0 ? ctx.alpnProtocols : undefined,
    unsafelyDisableHostnameVerification: !ctx.checkHostname,
  };
}

/** Upgrades a connected TCP socket to TLS as the client and shakes hands. */
export function* tlsClient(
  loop: BaseEventLoop,
  conn: Deno.TcpConn,
  ctx: SSLContext,
  hostname: string,
  timeout: number,
): Coroutine<[Deno.TlsConn, string | null]> {
  let tls: Deno.TlsConn;
  try {
    tls = yield* hostCall(
      loop,
      () => Deno.startTls(conn, tlsClientOptions(ctx, hostname)),
      closeQuietly,
    );
  } catch (e) {
    closeQuietly(conn);
    throw e instanceof CancelledError ? e : mapTlsError(e, `TLS upgrade with ${hostname}`);
  }
  const info = yield* handshake(loop, tls, timeout, `TLS handshake with ${hostname}`);
  return [tls, info.alpnProtocol];
}

/** `createConnection`: the coroutine behind the loop method. */
export function* tcpConnection<P extends BaseProtocol>(
  loop: BaseEventLoop,
  protocolFactory: () => P,
  host: string | null,
  port: number | string | null,
  ssl: SSLContext | null,
  serverHostname: string | null,
  options: CreateConnectionOptions,
): Coroutine<[StreamTransport, P]> {
  const extra: Record<string, unknown> = {};
  let conn: Deno.Conn;
  if (ssl !== null && ssl.certChain !== null) {
    // Client authentication needs Deno.connectTls (startTls takes no certificate).
    const [tls, alpn] = yield* connectTlsWithCert(loop, host!, port, ssl, options);
    conn = tls;
    extra.alpnProtocol = alpn;
  } else {
    conn = yield* connectTcp(loop, host, port, options);
    if (ssl !== null) {
      const timeout = options.sslHandshakeTimeout ?? SSL_HANDSHAKE_TIMEOUT;
      const [tls, alpn] = yield* tlsClient(
        loop,
        conn as Deno.TcpConn,
        ssl,
        serverHostname!,
        timeout,
      );
      conn = tls;
      extra.alpnProtocol = alpn;
    }
  }
  return yield* startStream(loop, conn, protocolFactory, { ssl, extra });
}

/**
 * Connects with Deno.connectTls, which sends the client certificate and
 * checks the server's against the host it is given. A host name is passed
 * as it is (Deno resolves it and races the families, `happyEyeballsDelay`
 * apart); with `family`, the addresses of that family are tried in turn,
 * which the loop allows only when the name need not match (an address
 * literal, or `checkHostname` false).
 */
function* connectTlsWithCert(
  loop: BaseEventLoop,
  host: string,
  service: number | string | null,
  ssl: SSLContext,
  options: CreateConnectionOptions,
): Coroutine<[Deno.TlsConn, string | null]> {
  const family = options.family ?? 0;
  const port = resolvePort(service, SOCK_STREAM);
  const targets = family === 0
    ? [host]
    : (yield* ensureResolved(loop, host, port, { family, type: SOCK_STREAM })).map((i) =>
      connectHost(i[4])
    );
  const delay = options.happyEyeballsDelay;
  const errors: Error[] = [];
  for (const target of targets) {
    let tls: Deno.TlsConn;
    try {
      if (port === 0) throw refusedPortZero(target);
      tls = yield* hostCall(
        loop,
        () =>
          Deno.connectTls({
            ...tlsClientOptions(ssl, target),
            port,
            cert: ssl.certChain!,
            key: ssl.privateKey!,
            ...(delay !== null && delay !== undefined
              ? { autoSelectFamilyAttemptDelay: Math.max(10, Math.round(delay * 1000)) }
              : {}),
          }),
        closeQuietly,
      );
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      errors.push(mapTlsError(e, `Connect call failed ${JSON.stringify([target, port])}`));
      continue;
    }
    const timeout = options.sslHandshakeTimeout ?? SSL_HANDSHAKE_TIMEOUT;
    const info = yield* handshake(loop, tls, timeout, `TLS handshake with ${host}`);
    return [tls, info.alpnProtocol];
  }
  throw connectionError(errors, options.allErrors === true);
}

/**
 * The addresses a server binds for `host`: each host of a list (`""` is
 * null: every interface) resolved through `loop.getaddrinfo()` with
 * `AI_PASSIVE`, as asyncio does; the union, in order.
 */
function* bindAddresses(
  loop: BaseEventLoop,
  host: string | string[] | null,
  port: number | string | null,
  family: number,
  flags: number,
): Coroutine<[string, number][]> {
  const hosts = host === "" || host === null ? [null] : typeof host === "string" ? [host] : host;
  const out = new Map<string, [string, number]>();
  for (const h of hosts) {
    const name = h === "" ? null : h;
    const infos = yield* ensureResolved(loop, name, port, { family, type: SOCK_STREAM, flags });
    if (infos.length === 0) {
      throw new OSError(`getaddrinfo(${JSON.stringify(name)}) returned empty list`);
    }
    for (const info of infos) {
      const address = connectHost(info[4]);
      out.set(`${address} ${info[4][1]}`, [address, info[4][1]]);
    }
  }
  return [...out.values()];
}

function listenOne(
  address: string,
  port: number,
  options: CreateServerOptions,
  ssl: SSLContext | null,
): Deno.Listener {
  const base = {
    hostname: address,
    port,
    tcpBacklog: Math.max(0, options.backlog ?? 100), // as Python's listen(): negative is 0
    ...(options.reusePort ? { reusePort: true } : {}),
  };
  if (ssl === null) return Deno.listen(base);
  // The loop already validated it; this is the one conversion (and check).
  return Deno.listenTls({ ...base, ...serverTlsOptions(ssl) });
}

/** `createServer`: the coroutine behind the loop method. */
export function* tcpServer(
  loop: BaseEventLoop,
  protocolFactory: () => BaseProtocol,
  host: string | string[] | null,
  port: number | string | null,
  ssl: SSLContext | null,
  options: CreateServerOptions,
): Coroutine<Server> {
  const flags = options.flags ?? AI_PASSIVE;
  const addresses = yield* bindAddresses(loop, host, port, options.family ?? 0, flags);
  const listeners: Deno.Listener[] = [];
  // Deno cannot set IPV6_V6ONLY: its "::" socket is dual-stack and serves
  // IPv4 too, so "0.0.0.0" on the same port is left out once "::" is bound
  // (binding both would fail with EADDRINUSE; asyncio binds both, v6-only).
  const dualStack = new Set<number>();
  const ordered = [
    ...addresses.filter(([a]) => a === "::"),
    ...addresses.filter(([a]) => a !== "::"),
  ];
  for (const [address, p] of ordered) {
    if (address === "0.0.0.0" && dualStack.has(p)) continue;
    try {
      const listener = listenOne(address, p, options, ssl);
      listeners.push(listener);
      if (address === "::") dualStack.add((listener.addr as Deno.NetAddr).port).add(p);
    } catch (e) {
      const err = mapIoError(
        e,
        `error while attempting to bind on address ${JSON.stringify([address, p])}`,
      );
      // As asyncio: an address whose family is not enabled is skipped; so is
      // "::" where "0.0.0.0" on the same port can stand in for it.
      if (err instanceof OSError && err.code === "EADDRNOTAVAIL") continue;
      if (address === "::" && ordered.some(([a, q]) => a === "0.0.0.0" && q === p)) continue;
      for (const l of listeners) closeQuietly(l);
      throw err;
    }
  }
  if (listeners.length === 0) {
    throw new OSError(
      `could not bind on any address out of ${JSON.stringify(addresses)}`,
    );
  }
  const keepAlive = options.keepAlive === true;
  const timeout = options.sslHandshakeTimeout ?? SSL_HANDSHAKE_TIMEOUT;
  const server = new Server(loop, listeners, protocolFactory, (conn, protocol, srv) => {
    if (keepAlive) (conn as Deno.TcpConn).setKeepAlive?.(true);
    if (ssl === null) return acceptPlain(loop, conn, protocol, srv);
    return (signal) => acceptTls(loop, conn as Deno.TlsConn, protocol, srv, ssl, timeout, signal);
  });
  return yield* finishServer(server, options.startServing ?? true);
}

// A server's TLS connection: the handshake, then the transport.
function* acceptTls(
  loop: BaseEventLoop,
  conn: Deno.TlsConn,
  protocol: BaseProtocol,
  server: Server,
  ssl: SSLContext,
  timeout: number,
  signal: AbortSignal,
): Coroutine<[StreamTransport, BaseProtocol] | null> {
  // Server.closeClients()/abortClients() end a connection in its handshake:
  // closing it interrupts the handshake, which then ends quietly. (Deno
  // keeps the socket until the client sends something or goes away.)
  const abort = () => closeQuietly(conn);
  signal.addEventListener("abort", abort);
  let alpnProtocol: string | null;
  try {
    alpnProtocol =
      (yield* handshake(loop, conn, timeout, "TLS handshake with client")).alpnProtocol;
  } catch (e) {
    if (signal.aborted && !(e instanceof CancelledError)) return null;
    throw e;
  } finally {
    signal.removeEventListener("abort", abort);
  }
  return yield* startStream(loop, conn, protocol, { ssl, owner: server, extra: { alpnProtocol } });
}

/** `startTls`: the coroutine behind the loop method. */
export function* tlsUpgrade(
  loop: BaseEventLoop,
  transport: StreamTransport,
  protocol: BaseProtocol,
  ctx: SSLContext,
  hostname: string,
  timeout: number,
): Coroutine<StreamTransport> {
  const conn = yield* transport._detachForTls();
  try {
    const [tls, alpn] = yield* tlsClient(loop, conn as Deno.TcpConn, ctx, hostname, timeout);
    const [t] = yield* startStream(loop, tls, protocol, {
      ssl: ctx,
      extra: { alpnProtocol: alpn },
      connectionMade: false,
    });
    return t;
  } catch (e) {
    // The plain transport is retired and the connection closed: nobody else
    // will tell the protocol that it is gone.
    try {
      protocol.connectionLost(e instanceof Error ? e : new Error(String(e)));
    } catch (lostError) {
      loop.callExceptionHandler({
        message: "Exception in protocol.connectionLost()",
        exception: lostError,
        protocol,
      });
    }
    throw e;
  }
}
