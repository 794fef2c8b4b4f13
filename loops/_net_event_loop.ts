/**
 * The network part of the I/O loops: the platform and its matrix checks,
 * connections, servers, TLS, Unix sockets, UDP and name resolution on
 * Deno's APIs. `IoEventLoop` builds on it.
 *
 * @module
 */

import { BaseEventLoop } from "./core/base_event_loop.ts";
import type { LoopOptions } from "./core/events.ts";
import { NotImplementedError } from "./core/exceptions.ts";
import { GaiError } from "./net/os_errors.ts";
import type { Future } from "./core/futures.ts";
import type {
  ConnectAcceptedSocketOptions,
  CreateConnectionOptions,
  CreateDatagramEndpointOptions,
  CreateServerOptions,
  CreateUnixConnectionOptions,
  CreateUnixServerOptions,
  StartTlsOptions,
} from "./net/io_options.ts";
import type { BaseProtocol } from "./core/protocols.ts";
import {
  type AddrInfo,
  EAI_NONAME,
  type GetaddrinfoOptions,
  ipFamily,
  resolveAddrInfo,
  resolveNameInfo,
  type SockAddr,
} from "./net/resolve.ts";
import type { Server } from "./net/server.ts";
import { Socket } from "./net/socket.ts";
import { checkClientContext, resolveSsl, serverTlsOptions, SSLContext } from "./net/ssl.ts";
import { Task } from "./core/tasks.ts";
import type { Transport } from "./core/transports.ts";
import { checkCallback, checkSeconds, describe } from "./core/checks.ts";
import { hasUnstableNet } from "./net/deno_features.ts";
import { StreamTransport } from "./net/transports/stream.ts";
import {
  SSL_HANDSHAKE_TIMEOUT,
  startStream,
  tcpConnection,
  tcpServer,
  tlsUpgrade,
} from "./net/transports/tcp.ts";
import {
  checkBacklog,
  checkUnixBacklog,
  unixConnection,
  unixServer,
} from "./net/transports/unix.ts";
import {
  checkConnectionSock,
  checkServerSock,
  sockConnection,
  sockServer,
} from "./net/transports/sock.ts";
import type { UdpTransport } from "./net/transports/datagram.ts";
import { checkDatagramOptions, datagramEndpoint } from "./net/transports/datagram_endpoint.ts";
import { currentPlatform, type Platform } from "../platform/detect.ts";
import { checkSupported, type SupportDetails, supports } from "../platform/matrix.ts";
import type { Feature, LoopKind } from "../platform/matrix_rows.ts";

/** Options every I/O loop accepts. */
export interface IoLoopOptions extends LoopOptions {
  /**
   * The platform the loop behaves as (default: this machine). Inject
   * `simulatePlatform("windows")` to get Windows' limits on any OS.
   */
  platform?: Platform;
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
/**
 * The I/O loops' network methods and their platform checks. Not used
 * directly: see `IoEventLoop`, `SelectorEventLoop`, `ProactorEventLoop`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NetEventLoop, ProactorEventLoop, simulatePlatform } from "@asyncio/deno";
 * const loop = new ProactorEventLoop({ platform: simulatePlatform("windows") });
 * assert(loop instanceof NetEventLoop && loop.platform.os === "windows");
 * loop.close();
 * ```
 */
export abstract class NetEventLoop extends BaseEventLoop {
  /** The platform whose limits the loop follows. */
  readonly platform: Platform;

  /** The loop kind the matrix knows it as. */
  abstract readonly kind: LoopKind;

  /**
   * Creates the loop.
   *
   * @param options The platform, the clock and its resolution (default: the
   *   platform's), debug mode.
   */
  constructor(options: IoLoopOptions = {}) {
    const platform = options.platform ?? currentPlatform();
    super({ ...options, clockResolution: options.clockResolution ?? platform.clockResolution });
    this.platform = platform;
  }

  /** Extra facts for matrix checks (the selector loop adds its selector). @internal */
  _supportDetails(): SupportDetails {
    return {};
  }

  /**
   * Whether this loop supports a feature on its platform, per the matrix.
   *
   * @param feature A camelCased asyncio method name, an SSL variant such as
   *   `"createServer(ssl)"`, or `"characterDevices"`.
   * @param details The object kind, for features that depend on it.
   * @returns Whether the call would be allowed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProactorEventLoop, simulatePlatform } from "@asyncio/deno";
   * const loop = new ProactorEventLoop({ platform: simulatePlatform("windows") });
   * assert(!loop.supports("createUnixServer") && loop.supports("createServer"));
   * loop.close();
   * ```
   */
  supports(feature: Feature, details: SupportDetails = {}): boolean {
    return supports(feature, {
      ...this._supportDetails(),
      ...details,
      loop: this.kind,
      platform: this.platform,
    }).supported;
  }

  /** Throws NotImplementedError unless the matrix allows `feature`. @internal */
  _check(feature: Feature, details: SupportDetails = {}): void {
    checkSupported(feature, this.kind, this.platform, { ...this._supportDetails(), ...details });
  }

  /** Runs an I/O coroutine as a task of this loop. @internal */
  _spawn<T>(coro: Generator<unknown, T, unknown>): Future<T> {
    return new Task<T>(coro, { loop: this });
  }

  /**
   * Opens a TCP connection to `host`:`port` (each resolved address in turn,
   * or Happy Eyeballs with `happyEyeballsDelay`), optionally with TLS, and
   * makes a protocol for it.
   *
   * @typeParam P The protocol type.
   * Host and port are resolved through `this.getaddrinfo()` (as asyncio
   * does; a numeric host is used as it is): a port may be a service name
   * (`"http"`), and host null means the loopback addresses.
   *
   * @param protocolFactory Makes the protocol.
   * @param host The host name or address (null: loopback).
   * @param port The port: a number, a numeric string or a service name.
   * @param options `ssl`, `serverHostname`, `family`, `happyEyeballsDelay`, ...;
   *   or `sock`: a connected `Socket` to wrap instead (host and port null; with
   *   `ssl`, `serverHostname` is required). The transport then owns the socket.
   * @returns A future of `[transport, protocol]`.
   * @throws {NotImplementedError} If the matrix forbids it (SSL on the proactor
   *   loop) or an option Deno cannot honour is given (`localAddr`; an `ssl`
   *   context with `verifyMode` `CERT_NONE`, as Deno always verifies the
   *   server certificate; with `sock`, a client certificate, as Deno.startTls
   *   cannot present one).
   * @throws {RangeError} Where asyncio raises ValueError: host/port together
   *   with `sock`, or neither; `serverHostname`, `sslHandshakeTimeout` or
   *   `sslShutdownTimeout` without `ssl`; `ssl` without a host or
   *   `serverHostname`; an option that only applies without `sock` given with
   *   it; a port out of range, a non-positive timeout.
   * @throws {TypeError} On arguments of the wrong type.
   * @throws {GaiError} For host `""` (as getaddrinfo); from the future, for a
   *   name or service that is not known.
   *
   * @example
   * ```ts
   * import { Protocol, SelectorEventLoop, type Transport } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * class Hello extends Protocol {
   *   override connectionMade(t: Transport) {
   *     t.write(new TextEncoder().encode("hello"));
   *   }
   * }
   * const server = await loop.runUntilComplete(loop.createServer(() => new Protocol(), "127.0.0.1", 0));
   * const port = server.sockets[0].getsockname()[1] as number;
   * const [transport] = await loop.runUntilComplete(loop.createConnection(() => new Hello(), "127.0.0.1", port));
   * transport.close();
   * server.close();
   * await loop.runUntilComplete(server.waitClosed());
   * loop.close();
   * ```
   */
  override createConnection<P extends BaseProtocol>(
    protocolFactory: () => P,
    host?: string | null,
    port?: number | string | null,
    options: CreateConnectionOptions = {},
  ): Future<[Transport, P]> {
    const ssl = resolveSsl(options.ssl, "options.ssl");
    this._check(ssl === null ? "createConnection" : "createConnection(ssl)");
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
      this.#checkConnectionOptions(options, ssl, h);
      return this._spawn(
        tcpConnection(this, protocolFactory, h, p, ssl, serverHostname, options),
      );
    }
    if (!hasSock) {
      throw new RangeError("host and port was not specified and no sock specified");
    }
    const sock = checkConnectionSock(options.sock, false, options, ssl);
    // With sock the upgrade is Deno.startTls: no client certificate.
    if (ssl !== null) checkClientContext(ssl, "createConnection({ sock, ssl })", true);
    return this._spawn(sockConnection(this, protocolFactory, sock, ssl, serverHostname, options));
  }

  #checkConnectionOptions(
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

  /**
   * Wraps a connection accepted outside the loop (a connected `Socket`, e.g.
   * from `sockAccept`, or a `Deno.Conn`) in a transport and a protocol, as
   * `createServer` does for the connections it accepts. The transport then
   * owns the connection.
   *
   * Differences from asyncio: no `ssl` (Deno cannot start TLS as the server
   * on a connection it already accepted; serve with `createServer({ ssl })`).
   *
   * @typeParam P The protocol type.
   * @param protocolFactory Makes the protocol.
   * @param sock A connected `Socket`, or a `Deno.Conn`.
   * @param options `sslHandshakeTimeout`, `sslShutdownTimeout` (only with `ssl`).
   * @returns A future of `[transport, protocol]`, done once `connectionMade` ran.
   * @throws {RangeError} With `sslHandshakeTimeout`/`sslShutdownTimeout` but no `ssl`.
   * @throws {NotImplementedError} With `ssl`.
   * @throws {TypeError} If `sock` is neither a `Socket` nor a `Deno.Conn`.
   * @throws {OSError} If the `Socket` is not connected.
   * @throws {RuntimeError} If a transport or server owns the `Socket`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Protocol, SelectorEventLoop, Socket } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * const lost = loop.createFuture<void>();
   * class Hello extends Protocol {
   *   override connectionLost() {
   *     lost.setResult(undefined);
   *   }
   * }
   * using listener = new Socket();
   * listener.listen();
   * using client = new Socket();
   * const port = (listener.getsockname() as [string, number])[1];
   * await loop.runUntilComplete(loop.sockConnect(client, ["127.0.0.1", port]));
   * const [conn] = await loop.runUntilComplete(loop.sockAccept(listener));
   * const [transport] = await loop.runUntilComplete(
   *   loop.connectAcceptedSocket(() => new Hello(), conn),
   * );
   * transport.write(new TextEncoder().encode("hi"));
   * const got = await loop.runUntilComplete(loop.sockRecv(client, 2));
   * assert(new TextDecoder().decode(got) === "hi");
   * transport.close();
   * await loop.runUntilComplete(lost);
   * loop.close();
   * ```
   */
  override connectAcceptedSocket<P extends BaseProtocol>(
    protocolFactory: () => P,
    sock: Socket | Deno.Conn,
    options: ConnectAcceptedSocketOptions = {},
  ): Future<[Transport, P]> {
    const ssl = resolveSsl(options.ssl, "options.ssl");
    this._check("createConnection");
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
      return this._spawn(
        startStream(this, sock, protocolFactory, { kind: unix ? "unix socket" : "socket" }),
      );
    }
    const s = checkConnectionSock(sock, false, {}, null);
    return this._spawn(sockConnection(this, protocolFactory, s, null, null, {}));
  }

  /**
   * Starts a TCP (or TLS) server on `host` (a name, a list of names, or
   * null for every interface) and `port` (0: any free port).
   *
   * The hosts are resolved through `this.getaddrinfo()` with `AI_PASSIVE`
   * (as asyncio does; a numeric host is used as it is): host null or `""`
   * means every interface, and the port may be a service name.
   * Differences from asyncio: Deno's `"::"` socket is dual-stack (Deno cannot
   * set `IPV6_V6ONLY`), so where both wildcard addresses are resolved one
   * socket on `"::"` serves both.
   *
   * @param protocolFactory Makes a protocol for each connection.
   * @param host Where to listen.
   * @param port The port (0: any free port; a number, numeric string or service name).
   * @param options `ssl`, `backlog`, `reusePort`, `keepAlive`, `startServing`, ...;
   *   or `sock`: a bound or listening `Socket` to serve (host and port null).
   * @returns A future of the `Server`.
   * @throws {RangeError} Where asyncio raises ValueError: host/port together
   *   with `sock`, or none of them; `sslHandshakeTimeout`/`sslShutdownTimeout`
   *   without `ssl`; a port out of range.
   * @throws {TypeError} On arguments of the wrong type.
   * @throws {OSError} (from the future) If an address cannot be bound, or
   *   `getaddrinfo()` returns nothing.
   * @throws {NotImplementedError} If the matrix forbids it, or `reusePort`
   *   without Deno's `--unstable-net` flag, or `reuseAddress: false`, or `ssl` with `sock`,
   *   or an `ssl` context asking for client certificates (`verifyMode` other than
   *   `CERT_NONE`, or CA certificates loaded): Deno.listenTls cannot request them.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Protocol, SelectorEventLoop } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * const server = await loop.runUntilComplete(loop.createServer(() => new Protocol(), "127.0.0.1", 0));
   * assert(server.isServing());
   * server.close();
   * await loop.runUntilComplete(server.waitClosed());
   * loop.close();
   * ```
   */
  override createServer(
    protocolFactory: () => BaseProtocol,
    host?: string | string[] | null,
    port?: number | string | null,
    options: CreateServerOptions = {},
  ): Future<Server> {
    const ssl = resolveSsl(options.ssl, "options.ssl");
    this._check(ssl === null ? "createServer" : "createServer(ssl)");
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
      this.#checkServerOptions(options, ssl);
      return this._spawn(tcpServer(this, protocolFactory, host ?? null, p, ssl, options));
    }
    if (!hasSock) throw new RangeError("Neither host/port nor sock were specified");
    const sock = checkServerSock(options.sock, false, options);
    return this._spawn(sockServer(this, protocolFactory, sock, options));
  }

  #checkServerOptions(options: CreateServerOptions, ssl: SSLContext | null): void {
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

  /**
   * Opens a connection to the Unix socket at `path`.
   *
   * @typeParam P The protocol type.
   * @param protocolFactory Makes the protocol.
   * @param path The socket path.
   * @param options `sock`: a connected AF_UNIX `Socket` to wrap (path null).
   *   `ssl` is not available (Deno has no TLS over Unix sockets).
   * @returns A future of `[transport, protocol]`.
   * @throws {NotImplementedError} On Windows (AF_UNIX), or with `ssl`.
   * @throws {RangeError} With `serverHostname`, `sslHandshakeTimeout` or
   *   `sslShutdownTimeout` (they need `ssl`); with both `path` and `sock`, or
   *   neither; with an empty path or a `sock` that is not AF_UNIX.
   *
   * @example
   * ```ts
   * import { Protocol, SelectorEventLoop } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * const path = Deno.makeTempDirSync() + "/demo.sock";
   * const server = await loop.runUntilComplete(loop.createUnixServer(() => new Protocol(), path));
   * const [t] = await loop.runUntilComplete(loop.createUnixConnection(() => new Protocol(), path));
   * t.close();
   * server.close();
   * await loop.runUntilComplete(server.waitClosed());
   * loop.close();
   * ```
   */
  override createUnixConnection<P extends BaseProtocol>(
    protocolFactory: () => P,
    path?: string | null,
    options: CreateUnixConnectionOptions = {},
  ): Future<[Transport, P]> {
    this._check("createUnixConnection");
    checkCallback(protocolFactory, "protocolFactory");
    if (resolveSsl(options.ssl, "options.ssl") !== null) {
      denoCannot("options.ssl", "Deno cannot run TLS over a Unix socket");
    }
    checkSslOnly(options, null);
    const hasSock = options.sock !== undefined && options.sock !== null;
    if (path !== null && path !== undefined) {
      if (hasSock) throw new RangeError("path and sock can not be specified at the same time");
      return this._spawn(unixConnection(this, protocolFactory, checkPath(path)));
    }
    if (!hasSock) throw new RangeError("no path and sock were specified");
    const sock = checkConnectionSock(options.sock, true, options, null);
    return this._spawn(sockConnection(this, protocolFactory, sock, null, null, options));
  }

  /**
   * Starts a server on the Unix socket at `path`. A stale socket file left
   * there is removed first (any other file is an error); with
   * `cleanupSocket` (default) the file is removed when the server closes.
   *
   * @param protocolFactory Makes a protocol for each connection.
   * @param path The socket path.
   * @param options `startServing`, `cleanupSocket`; or `sock`: a
   *   bound or listening AF_UNIX `Socket` to serve (path null).
   * @returns A future of the `Server`.
   * @throws {NotImplementedError} On Windows (AF_UNIX), or with `ssl` or
   *   `backlog` (Deno's Unix listener takes none).
   * @throws {RangeError} With `sslHandshakeTimeout` or `sslShutdownTimeout` (no
   *   `ssl`); with both `path` and `sock`, or neither; with an empty path or
   *   a `sock` that is not AF_UNIX.
   * @throws {OSError} (from the future) `EADDRINUSE` if a file that is not a socket is at `path`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Protocol, SelectorEventLoop } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * const path = Deno.makeTempDirSync() + "/srv.sock";
   * const server = await loop.runUntilComplete(loop.createUnixServer(() => new Protocol(), path));
   * assert(server.sockets[0].getsockname() === path);
   * server.close();
   * await loop.runUntilComplete(server.waitClosed());
   * loop.close();
   * ```
   */
  override createUnixServer(
    protocolFactory: () => BaseProtocol,
    path?: string | null,
    options: CreateUnixServerOptions = {},
  ): Future<Server> {
    this._check("createUnixServer");
    checkCallback(protocolFactory, "protocolFactory");
    if (resolveSsl(options.ssl, "options.ssl") !== null) {
      denoCannot("options.ssl", "Deno cannot run TLS over a Unix socket");
    }
    checkSslOnly(options, null);
    checkUnixBacklog(options.backlog);
    const hasSock = options.sock !== undefined && options.sock !== null;
    if (path !== null && path !== undefined) {
      if (hasSock) throw new RangeError("path and sock can not be specified at the same time");
      return this._spawn(unixServer(this, protocolFactory, checkPath(path), options));
    }
    if (!hasSock) throw new RangeError("path was not specified, and no sock specified");
    const sock = checkServerSock(options.sock, true, options);
    return this._spawn(sockServer(this, protocolFactory, sock, options));
  }

  /**
   * Creates a UDP endpoint: binds `localAddr` (or an ephemeral port), makes
   * the protocol, and calls its `connectionMade` before resolving. With
   * `remoteAddr`, `sendto()` defaults to that peer and datagrams from other
   * addresses are dropped.
   *
   * The socket comes from `Deno.listenDatagram` when Deno runs with
   * `--unstable-net`, otherwise from `node:dgram`, which needs no flag
   * (`getExtraInfo("backend")` tells which).
   *
   * Differences from asyncio: the endpoint is never connected at the OS level
   * (Deno cannot), so an ICMP "port unreachable" is not reported as
   * `ConnectionRefusedError`; with `Deno.listenDatagram` broadcasting is
   * always allowed; `reusePort` and `sock` are not available; asyncio's
   * ValueErrors are RangeErrors.
   *
   * @typeParam P The protocol type.
   * @param protocolFactory Makes the protocol (a `DatagramProtocol`).
   * @param options `localAddr`, `remoteAddr`, `family`, `allowBroadcast`, ...
   * @returns A future of `[transport, protocol]`.
   * @throws {NotImplementedError} If the matrix forbids it (the proactor loop),
   *   or with `reusePort`, `sock` or `family: AF_UNIX`.
   * @throws {TypeError} On malformed arguments: `localAddr`/`remoteAddr`
   *   must be `[host, port]` pairs (asyncio's "2-tuple is expected").
   * @throws {RangeError} With `reuseAddress: true`, or without any address
   *   and without `family`.
   * @throws {OSError} `EAFNOSUPPORT` for a family other than `AF_INET`/`AF_INET6`.
   *
   * @example Echo over loopback
   * ```ts
   * import assert from "node:assert/strict";
   * import {
   *   DatagramProtocol,
   *   type DatagramTransport,
   *   gather,
   *   SelectorEventLoop,
   * } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * const reply = loop.createFuture<string>();
   * class Echo extends DatagramProtocol {
   *   transport: DatagramTransport | null = null;
   *   lost = loop.createFuture<void>();
   *   override connectionMade(t: DatagramTransport) {
   *     this.transport = t;
   *   }
   *   override datagramReceived(data: Uint8Array, addr: [string, number]) {
   *     this.transport!.sendto(data, addr);
   *   }
   *   override connectionLost() {
   *     this.lost.setResult(undefined);
   *   }
   * }
   * class Client extends Echo {
   *   override datagramReceived(data: Uint8Array) {
   *     reply.setResult(new TextDecoder().decode(data));
   *   }
   * }
   * const [server, echo] = await loop.runUntilComplete(
   *   loop.createDatagramEndpoint(() => new Echo(), { localAddr: ["127.0.0.1", 0] }),
   * );
   * const [client, me] = await loop.runUntilComplete(
   *   loop.createDatagramEndpoint(() => new Client(), {
   *     remoteAddr: server.getExtraInfo("sockname") as [string, number],
   *   }),
   * );
   * client.sendto(new TextEncoder().encode("ping"));
   * assert(await loop.runUntilComplete(reply) === "ping");
   * client.close();
   * server.close();
   * await loop.runUntilComplete(gather(echo.lost, me.lost));
   * loop.close();
   * ```
   */
  override createDatagramEndpoint<P extends BaseProtocol>(
    protocolFactory: () => P,
    options: CreateDatagramEndpointOptions = {},
  ): Future<[UdpTransport, P]> {
    this._check("createDatagramEndpoint");
    checkCallback(protocolFactory, "protocolFactory");
    const plan = checkDatagramOptions(options);
    return this._spawn(datagramEndpoint(this, protocolFactory, plan));
  }

  /**
   * Upgrades an open connection to TLS as the client (STARTTLS). Reading
   * stops, buffered writes are flushed, the handshake runs, and the returned
   * transport continues with `protocol` (its `connectionMade` is not called
   * again). The old transport must not be used afterwards.
   *
   * Differences from asyncio: only the client side (Deno has no API to start
   * TLS as a server on an accepted connection), and only while no read is
   * pending on the connection. A transport starts its next read when the loop
   * next waits for I/O, so call `startTls` from `dataReceived()` (or from a
   * coroutine woken by it, e.g. on the peer's "go ahead" reply) before the
   * loop goes idle; otherwise it fails with `RuntimeError` and the plaintext
   * transport stays usable.
   *
   * @param transport A TCP transport of this loop.
   * @param protocol The protocol for the TLS transport.
   * @param sslcontext The client context.
   * @param options `serverHostname`, `sslHandshakeTimeout`.
   * @returns A future of the TLS transport.
   * @throws {NotImplementedError} On the proactor loop, with `serverSide: true`,
   *   with a client certificate loaded (Deno.startTls cannot present one: use
   *   `createConnection(host, port, { ssl })`), or with a `CERT_NONE` context
   *   (Deno always verifies the server certificate).
   * @throws {RuntimeError} (from the future) If a read is pending on the transport.
   */
  override startTls(
    transport: Transport,
    protocol: BaseProtocol,
    sslcontext: SSLContext,
    options: StartTlsOptions = {},
  ): Future<Transport> {
    this._check("startTls");
    if (options.serverSide) {
      denoCannot(
        "startTls(serverSide: true)",
        "Deno has no API to start TLS as the server on an accepted connection; " +
          "listen with createServer({ ssl }) instead",
      );
    }
    if (!(transport instanceof StreamTransport) || transport._loop !== this) {
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
    return this._spawn(tlsUpgrade(this, transport, protocol, sslcontext, hostname, timeout));
  }

  /**
   * Resolves `host` and `port` with the operating system's resolver
   * (`/etc/hosts` applies), as `socket.getaddrinfo` does. Service names
   * (`"http"`) come from `/etc/services` (a built-in table of common services
   * where it is missing). `flags` takes `AI_PASSIVE`, `AI_CANONNAME`,
   * `AI_NUMERICHOST`, `AI_NUMERICSERV`, `AI_V4MAPPED`, `AI_ALL` and
   * `AI_ADDRCONFIG`; other bits fail with `EAI_BADFLAGS`, as on Linux.
   *
   * Differences from asyncio: `canonname` (with `AI_CANONNAME`) is the name
   * as given, as Deno cannot report the resolver's canonical name; `""` as
   * host means the same as null (Python rejects it).
   *
   * @param host A host name or address (null: loopback; with `AI_PASSIVE`, the wildcard addresses).
   * @param port A port number, numeric string, service name, or null.
   * @param options `family`, `type`, `proto`, `flags`.
   * @throws {GaiError} (from the future) With `code`/`errno` `EAI_NONAME` for an unknown host, `EAI_SERVICE` for an unknown service, `EAI_FAMILY` for a family other than `AF_UNSPEC`/`AF_INET`/`AF_INET6`.
   * @returns A future of `[family, type, proto, canonname, sockaddr][]`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { AF_INET, SelectorEventLoop, SOCK_STREAM } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * const infos = await loop.runUntilComplete(
   *   loop.getaddrinfo("localhost", 80, { family: AF_INET, type: SOCK_STREAM }),
   * );
   * assert(infos[0][4][0] === "127.0.0.1" && infos[0][4][1] === 80);
   * loop.close();
   * ```
   */
  override getaddrinfo(
    host: string | null,
    port: number | string | null,
    options: GetaddrinfoOptions = {},
  ): Future<AddrInfo[]> {
    this._check("getaddrinfo");
    return this._spawn(resolveAddrInfo(this, host, port, options));
  }

  /**
   * Looks up the host and service names of a numeric address.
   *
   * @param sockaddr `[host, port]` (IPv6: `[host, port, flowinfo, scopeId]`).
   * @param flags `NI_NUMERICHOST`, `NI_NUMERICSERV`, `NI_NAMEREQD`, `NI_DGRAM`, `NI_NOFQDN`; other bits fail with `EAI_BADFLAGS`, as on Linux.
   * @throws {GaiError} (from the future) `EAI_NONAME` for a non-numeric host, or with `NI_NAMEREQD` for an address without a name.
   * @returns A future of `[host, service]`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SelectorEventLoop } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * const [, service] = await loop.runUntilComplete(loop.getnameinfo(["127.0.0.1", 22]));
   * assert(typeof service === "string");
   * loop.close();
   * ```
   */
  override getnameinfo(sockaddr: SockAddr, flags = 0): Future<[string, string]> {
    this._check("getnameinfo");
    return this._spawn(resolveNameInfo(this, sockaddr, flags));
  }
}
