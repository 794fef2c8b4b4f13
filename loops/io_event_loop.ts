/**
 * `IoEventLoop`: the I/O layer `SelectorEventLoop` and `ProactorEventLoop`
 * share. Deno performs the I/O the same way for both; the two kinds differ
 * in what the platform matrix allows, which every method checks first,
 * before any side effect.
 *
 * @module
 */

import { BaseEventLoop } from "./base_event_loop.ts";
import type { LoopOptions } from "./events.ts";
import { NotImplementedError, RuntimeError } from "./exceptions.ts";
import type { Future } from "./futures.ts";
import type {
  CreateConnectionOptions,
  CreateDatagramEndpointOptions,
  CreateServerOptions,
  CreateUnixConnectionOptions,
  CreateUnixServerOptions,
  StartTlsOptions,
} from "./io_options.ts";
import type { BaseProtocol } from "./protocols.ts";
import {
  type AddrInfo,
  type GetaddrinfoOptions,
  resolveAddrInfo,
  resolveNameInfo,
  type SockAddr,
} from "./resolve.ts";
import type { Server } from "./server.ts";
import { resolveSsl, SSLContext } from "./ssl.ts";
import { Task } from "./tasks.ts";
import type { ReadTransport, Transport, WriteTransport } from "./transports.ts";
import { checkCallback, checkSeconds, describe } from "./_validate.ts";
import { hasUnstableNet } from "./_deno_features.ts";
import { StreamTransport } from "./_transports/stream.ts";
import { SSL_HANDSHAKE_TIMEOUT, tcpConnection, tcpServer, tlsUpgrade } from "./_transports/tcp.ts";
import { unixConnection, unixServer } from "./_transports/unix.ts";
import {
  checkConnectionSock,
  checkServerSock,
  sockConnection,
  sockServer,
} from "./_transports/sock.ts";
import type { FileDescriptorLike, Socket, SocketAddress } from "./socket.ts";
import {
  addWatch,
  objectKind,
  removeWatch,
  sockAccept,
  sockConnect,
  sockRecv,
  sockRecvInto,
  sockSendall,
} from "./_sock_ops.ts";
import type { UdpTransport } from "./_transports/datagram.ts";
import { checkDatagramOptions, datagramEndpoint } from "./_transports/datagram_endpoint.ts";
import {
  checkReadPipe,
  checkWritePipe,
  pipeKind,
  type ReadPipe,
  type WritePipe,
} from "./_transports/_pipe_ends.ts";
import { connectReadPipe } from "./_transports/pipe.ts";
import { connectWritePipe } from "./_transports/pipe_write.ts";
import { spawnSubprocess } from "./_transports/subprocess_spawn.ts";
import { planExec, planShell, type SubprocessOptions } from "./_subprocess_options.ts";
import type { SubprocessTransport } from "./transports.ts";
import { checkSignal, SignalHandlers } from "./_signals.ts";
import {
  checkExecutor,
  type Executor,
  shutdownExecutor,
  submitToExecutor,
  type Work,
  type WorkFunction,
  type WorkResult,
} from "./executor.ts";
import { WorkerPoolExecutor } from "./worker_pool_executor.ts";
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

/** Throws TypeError/RangeError unless `port` is a valid port (or null when allowed). */
function checkPort(port: unknown, name = "port"): number {
  if (typeof port !== "number" || !Number.isInteger(port)) {
    throw new TypeError(`${name} must be an integer: got ${describe(port)}`);
  }
  if (port < 0 || port > 65535) throw new RangeError(`${name} must be 0-65535: got ${port}`);
  return port;
}

function checkTimeout(value: unknown, name: string): void {
  if (value === null || value === undefined) return;
  checkSeconds(value, name);
  if (value === 0) throw new RangeError(`${name} must be a positive number: got 0`);
}

function denoCannot(option: string, why: string): never {
  throw new NotImplementedError(`${option}: ${why}`);
}

/**
 * The loop with I/O: connections, servers, TLS, Unix sockets and name
 * resolution on Deno's APIs, gated by the platform matrix. Use
 * `SelectorEventLoop` (the default everywhere) or `ProactorEventLoop`.
 *
 * Methods that are coroutines in asyncio return a `Future` here (a task
 * already scheduled), so they work both as `yield* loop.createConnection(...)`
 * in coroutines and as `await loop.createConnection(...)` in async functions.
 */
export abstract class IoEventLoop extends BaseEventLoop {
  /** The platform whose limits the loop follows. */
  readonly platform: Platform;
  /** The loop kind the matrix knows it as. */
  abstract readonly kind: LoopKind;
  #signals: SignalHandlers | null = null;
  #defaultExecutor: Executor | null = null;
  #executorShutdownCalled = false;

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
   * import { ProactorEventLoop, simulatePlatform } from "@asyncio/deno";
   * const loop = new ProactorEventLoop({ platform: simulatePlatform("windows") });
   * console.assert(!loop.supports("createUnixServer") && loop.supports("createServer"));
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
   * @param protocolFactory Makes the protocol.
   * @param host The host name or address.
   * @param port The port.
   * @param options `ssl`, `serverHostname`, `family`, `happyEyeballsDelay`, ...;
   *   or `sock`: a connected `Socket` to wrap instead (host and port null; with
   *   `ssl`, `serverHostname` is required). The transport then owns the socket.
   * @returns A future of `[transport, protocol]`.
   * @throws {NotImplementedError} If the matrix forbids it (SSL on the proactor
   *   loop) or an option Deno cannot honour is given (`localAddr`).
   * @throws {TypeError} On bad arguments.
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
    port?: number | null,
    options: CreateConnectionOptions = {},
  ): Future<[Transport, P]> {
    const ssl = resolveSsl(options.ssl, "options.ssl");
    this._check(ssl === null ? "createConnection" : "createConnection(ssl)");
    checkCallback(protocolFactory, "protocolFactory");
    if (options.sock !== undefined && options.sock !== null) {
      const sock = checkConnectionSock(options.sock, [host, port], false, options, ssl);
      return this._spawn(sockConnection(this, protocolFactory, sock, ssl, options));
    }
    if (typeof host !== "string" || host === "") {
      throw new TypeError(
        `host must be a non-empty string when no sock is given: got ${describe(host)}`,
      );
    }
    checkPort(port);
    this.#checkConnectionOptions(options, ssl);
    return this._spawn(tcpConnection(this, protocolFactory, host, port as number, ssl, options));
  }

  #checkConnectionOptions(options: CreateConnectionOptions, ssl: SSLContext | null): void {
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
    if (ssl === null) {
      if (options.serverHostname !== undefined && options.serverHostname !== null) {
        throw new TypeError("options.serverHostname is only meaningful with ssl");
      }
      if (options.sslHandshakeTimeout !== undefined && options.sslHandshakeTimeout !== null) {
        throw new TypeError("options.sslHandshakeTimeout is only meaningful with ssl");
      }
    }
    checkTimeout(options.sslHandshakeTimeout, "options.sslHandshakeTimeout");
    checkTimeout(options.sslShutdownTimeout, "options.sslShutdownTimeout");
    checkTimeout(options.happyEyeballsDelay, "options.happyEyeballsDelay");
  }

  /**
   * Starts a TCP (or TLS) server on `host` (a name, a list of names, or
   * null for every interface) and `port` (0: any free port).
   *
   * @param protocolFactory Makes a protocol for each connection.
   * @param host Where to listen.
   * @param port The port.
   * @param options `ssl`, `backlog`, `reusePort`, `keepAlive`, `startServing`, ...;
   *   or `sock`: a bound or listening `Socket` to serve (host and port null).
   * @returns A future of the `Server`.
   * @throws {NotImplementedError} If the matrix forbids it, or `reusePort`
   *   without Deno's `--unstable-net` flag, or `reuseAddress: false`, or `ssl` with `sock`.
   *
   * @example
   * ```ts
   * import { Protocol, SelectorEventLoop } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * const server = await loop.runUntilComplete(loop.createServer(() => new Protocol(), "127.0.0.1", 0));
   * console.assert(server.isServing());
   * server.close();
   * await loop.runUntilComplete(server.waitClosed());
   * loop.close();
   * ```
   */
  override createServer(
    protocolFactory: () => BaseProtocol,
    host?: string | string[] | null,
    port?: number | null,
    options: CreateServerOptions = {},
  ): Future<Server> {
    const ssl = resolveSsl(options.ssl, "options.ssl");
    this._check(ssl === null ? "createServer" : "createServer(ssl)");
    checkCallback(protocolFactory, "protocolFactory");
    if (options.sock !== undefined && options.sock !== null) {
      const sock = checkServerSock(options.sock, [host, port], false, options);
      return this._spawn(sockServer(this, protocolFactory, sock, options));
    }
    if (host !== null && host !== undefined && typeof host !== "string" && !Array.isArray(host)) {
      throw new TypeError(
        `host must be a string, an array of strings or null: got ${describe(host)}`,
      );
    }
    const p = port === null || port === undefined ? 0 : checkPort(port);
    this.#checkServerOptions(options, ssl);
    return this._spawn(tcpServer(this, protocolFactory, host, p, ssl, options));
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
    if (options.backlog !== undefined) {
      if (!Number.isInteger(options.backlog) || options.backlog < 0) {
        throw new RangeError(
          `options.backlog must be a non-negative integer: got ${describe(options.backlog)}`,
        );
      }
    }
    if (ssl !== null && (ssl.certChain === null || ssl.privateKey === null)) {
      throw new TypeError("options.ssl: a server context needs loadCertChain(cert, key) first");
    }
    if (ssl === null && options.sslHandshakeTimeout != null) {
      throw new TypeError("options.sslHandshakeTimeout is only meaningful with ssl");
    }
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
    if (options.sock !== undefined && options.sock !== null) {
      const sock = checkConnectionSock(options.sock, [path], true, options, null);
      return this._spawn(sockConnection(this, protocolFactory, sock, null, options));
    }
    if (typeof path !== "string" || path === "") {
      throw new TypeError(`path must be a non-empty string: got ${describe(path)}`);
    }
    return this._spawn(unixConnection(this, protocolFactory, path));
  }

  /**
   * Starts a server on the Unix socket at `path`. A stale socket file left
   * there is removed first (any other file is an error); with
   * `cleanupSocket` (default) the file is removed when the server closes.
   *
   * @param protocolFactory Makes a protocol for each connection.
   * @param path The socket path.
   * @param options `startServing`, `cleanupSocket`, `backlog`; or `sock`: a
   *   bound or listening AF_UNIX `Socket` to serve (path null).
   * @returns A future of the `Server`.
   * @throws {NotImplementedError} On Windows (AF_UNIX), or with `ssl`.
   *
   * @example
   * ```ts
   * import { Protocol, SelectorEventLoop } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * const path = Deno.makeTempDirSync() + "/srv.sock";
   * const server = await loop.runUntilComplete(loop.createUnixServer(() => new Protocol(), path));
   * console.assert(server.sockets[0].getsockname() === path);
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
    if (options.sock !== undefined && options.sock !== null) {
      const sock = checkServerSock(options.sock, [path], true, options);
      return this._spawn(sockServer(this, protocolFactory, sock, options));
    }
    if (typeof path !== "string" || path === "") {
      throw new TypeError(`path must be a non-empty string: got ${describe(path)}`);
    }
    return this._spawn(unixServer(this, protocolFactory, path, options));
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
   * @throws {TypeError} On malformed arguments.
   * @throws {RangeError} With `reuseAddress: true`, or without any address
   *   and without `family`.
   *
   * @example Echo over loopback
   * ```ts
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
   * console.assert(await loop.runUntilComplete(reply) === "ping");
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
   * @throws {NotImplementedError} On the proactor loop, or with `serverSide: true`.
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
    const peer = transport.getExtraInfo("peername");
    const hostname = options.serverHostname ?? (Array.isArray(peer) ? String(peer[0]) : "");
    const timeout = options.sslHandshakeTimeout ?? SSL_HANDSHAKE_TIMEOUT;
    return this._spawn(tlsUpgrade(this, transport, protocol, sslcontext, hostname, timeout));
  }

  /**
   * Connects `sock` to `address`; a host name is resolved within the
   * socket's family (the first address is used, as asyncio does).
   *
   * @param sock A new (unbound) `Socket`.
   * @param address `[host, port]` (AF_INET/AF_INET6) or a path (AF_UNIX).
   * @returns A future that resolves once connected.
   * @throws {TypeError} If `sock` is not a Socket or the address does not fit.
   * @throws {RuntimeError} If a transport or server owns `sock`.
   * @throws {NotImplementedError} If `sock` is bound (Deno cannot bind first).
   * @throws {ConnectionRefusedError} (through the future) If nobody listens there.
   *
   * @example
   * ```ts
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
   *     console.assert(e instanceof ConnectionRefusedError);
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
   * @throws {RuntimeError} If a server owns `sock`.
   *
   * @example
   * ```ts
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
   *   console.assert((peer as [string, number])[0] === "127.0.0.1");
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
   * @throws {RuntimeError} If a transport owns `sock`.
   *
   * @example
   * ```ts
   * import { getRunningLoop, run, Socket } from "@asyncio/deno";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   using server = new Socket();
   *   server.listen();
   *   using client = new Socket();
   *   await loop.sockConnect(client, ["127.0.0.1", (server.getsockname() as [string, number])[1]]);
   *   const [conn] = await loop.sockAccept(server);
   *   conn.close();
   *   console.assert((await loop.sockRecv(client, 10)).length === 0); // EOF
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
   *
   * @example
   * ```ts
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
   *   console.assert(n >= 1 && buf[0] === 1);
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
   *
   * @example
   * ```ts
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
   *   console.assert(new TextDecoder().decode(await loop.sockRecv(conn, 2)) === "hi");
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
   * @throws {RuntimeError} If a transport or server owns the socket.
   *
   * @example
   * ```ts
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
   *   console.assert(await got === "ready");
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
   * @returns Whether a reader was registered.
   * @throws {NotImplementedError} On the proactor loop.
   *
   * @example
   * ```ts
   * import { getRunningLoop, run, Socket } from "@asyncio/deno";
   * await run(async () => {
   *   using sock = new Socket();
   *   console.assert(getRunningLoop().removeReader(sock) === false);
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
   * @throws {RuntimeError} If a transport or server owns the socket.
   *
   * @example
   * ```ts
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
   *   console.assert(await sent === 5);
   *   console.assert((await loop.sockRecv(conn, 5)).length > 0);
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
   * @returns Whether a writer was registered.
   * @throws {NotImplementedError} On the proactor loop.
   *
   * @example
   * ```ts
   * import { getRunningLoop, run, Socket } from "@asyncio/deno";
   * await run(async () => {
   *   using sock = new Socket();
   *   console.assert(getRunningLoop().removeWriter(sock.fileno()) === false);
   * });
   * ```
   */
  override removeWriter(fd: FileDescriptorLike): boolean {
    this._check("removeWriter", { kind: objectKind(fd) });
    return removeWatch(this, fd, false);
  }

  /**
   * Resolves `host` and `port` with the operating system's resolver
   * (`/etc/hosts` applies), as `socket.getaddrinfo` does.
   *
   * @param host A host name or address (null: localhost).
   * @param port A port number, numeric string, or null.
   * @param options `family`, `type`, `proto`, `flags`.
   * @returns A future of `[family, type, proto, canonname, sockaddr][]`.
   *
   * @example
   * ```ts
   * import { AF_INET, SelectorEventLoop, SOCK_STREAM } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * const infos = await loop.runUntilComplete(
   *   loop.getaddrinfo("localhost", 80, { family: AF_INET, type: SOCK_STREAM }),
   * );
   * console.assert(infos[0][4][0] === "127.0.0.1" && infos[0][4][1] === 80);
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
   * @param sockaddr `[host, port]`.
   * @param flags Accepted for compatibility.
   * @returns A future of `[host, service]`.
   *
   * @example
   * ```ts
   * import { SelectorEventLoop } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * const [, service] = await loop.runUntilComplete(loop.getnameinfo(["127.0.0.1", 22]));
   * console.assert(typeof service === "string");
   * loop.close();
   * ```
   */
  override getnameinfo(sockaddr: SockAddr, flags = 0): Future<[string, string]> {
    this._check("getnameinfo");
    return this._spawn(resolveNameInfo(this, sockaddr, flags));
  }

  // ---- pipes and signals ----------------------------------------------------

  /**
   * Wraps the read end of a pipe in a transport: `connectionMade`, then
   * `dataReceived` for each chunk, `eofReceived` at EOF, then
   * `connectionLost(null)`; `pauseReading()` really stops reading.
   *
   * Differences from asyncio: regular files are accepted too, and Web
   * streams. `close()` closes the file (cancels the stream), as asyncio.
   *
   * @typeParam P The protocol type.
   * @param protocolFactory Makes the protocol.
   * @param pipe A Deno file with `read()`/`close()` (`Deno.stdin`, a FIFO
   *   opened with `Deno.open`, ...) or a `ReadableStream<Uint8Array>`.
   * @returns A future of `[transport, protocol]`; the transport's extra
   *   info `pipe` is `pipe`.
   * @throws {NotImplementedError} If the matrix forbids it (the selector loop
   *   on Windows; a character device on old macOS).
   * @throws {TypeError} If `pipe` is neither, or the stream is locked.
   *
   * @example
   * ```ts
   * import { Protocol, SelectorEventLoop } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * const done = loop.createFuture<string>();
   * let text = "";
   * class Collect extends Protocol {
   *   override dataReceived(data: Uint8Array) {
   *     text += new TextDecoder().decode(data);
   *   }
   *   override connectionLost() {
   *     done.setResult(text);
   *   }
   * }
   * const stream = ReadableStream.from([new TextEncoder().encode("hi")]);
   * await loop.runUntilComplete(loop.connectReadPipe(() => new Collect(), stream));
   * console.assert((await loop.runUntilComplete(done)) === "hi");
   * loop.close();
   * ```
   */
  override connectReadPipe<P extends BaseProtocol>(
    protocolFactory: () => P,
    pipe: ReadPipe,
  ): Future<[ReadTransport, P]> {
    this._check("connectReadPipe", { kind: pipeKind(pipe) });
    checkCallback(protocolFactory, "protocolFactory");
    checkReadPipe(pipe);
    return this._spawn(connectReadPipe(this, protocolFactory, pipe));
  }

  /**
   * Wraps the write end of a pipe in a transport with a write buffer and
   * flow control (`pauseWriting`/`resumeWriting` at the water marks).
   * `writeEof()` and `close()` flush, close the pipe, then call
   * `connectionLost(null)`; a write error such as `EPIPE` ends it with
   * `connectionLost(BrokenPipeError)`.
   *
   * @typeParam P The protocol type.
   * @param protocolFactory Makes the protocol.
   * @param pipe A Deno file with `write()`/`close()` (`Deno.stdout`, a FIFO
   *   opened with `Deno.open`, ...) or a `WritableStream<Uint8Array>`.
   * @returns A future of `[transport, protocol]`.
   * @throws {NotImplementedError} If the matrix forbids it.
   * @throws {TypeError} If `pipe` is neither, or the stream is locked.
   *
   * @example
   * ```ts
   * import { Protocol, SelectorEventLoop } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * const lost = loop.createFuture<Error | null>();
   * class Writer extends Protocol {
   *   override connectionLost(exc: Error | null) {
   *     lost.setResult(exc);
   *   }
   * }
   * let text = "";
   * const sink = new WritableStream<Uint8Array>({
   *   write: (chunk) => void (text += new TextDecoder().decode(chunk)),
   * });
   * const [t] = await loop.runUntilComplete(loop.connectWritePipe(() => new Writer(), sink));
   * t.write(new TextEncoder().encode("hello"));
   * t.close(); // flushes, closes the stream, then connectionLost(null)
   * console.assert((await loop.runUntilComplete(lost)) === null && text === "hello");
   * loop.close();
   * ```
   */
  override connectWritePipe<P extends BaseProtocol>(
    protocolFactory: () => P,
    pipe: WritePipe,
  ): Future<[WriteTransport, P]> {
    this._check("connectWritePipe", { kind: pipeKind(pipe) });
    checkCallback(protocolFactory, "protocolFactory");
    checkWritePipe(pipe);
    return this._spawn(connectWritePipe(this, protocolFactory, pipe));
  }

  /**
   * Runs `program` with `args` as a child process (`Deno.Command(...).spawn()`)
   * and connects a `SubprocessProtocol` to it: `connectionMade(transport)`,
   * `pipeDataReceived(fd, data)` for stdout (1) and stderr (2),
   * `pipeConnectionLost(fd, exc)` per pipe, `processExited()`, then
   * `connectionLost(null)` once the child exited and every pipe closed. The
   * program is found in `PATH` unless it is a path.
   *
   * Options: `stdin`/`stdout`/`stderr` each `PIPE` (the default), `DEVNULL`
   * or `null`/`"inherit"`; `stderr: STDOUT`; `cwd`; `env` (the child's whole
   * environment, as asyncio); `clearEnv`; `user`/`group` (numeric ids).
   *
   * Differences from asyncio: the arguments are an array (asyncio: `*args`).
   * With `stderr: STDOUT` and `stdout: PIPE`, Deno reads stderr through a
   * second pipe and delivers it as fd 1: the order between what the child
   * wrote to stdout and to stderr is not kept (run `sh -c 'exec "$0" "$@" 2>&1'`
   * for one merged pipe). `env` replaces the environment unless
   * `clearEnv: false` is given (then it is added to the parent's, Deno's
   * default). Popen options Deno cannot honour (`preexecFn`, `passFds`,
   * `startNewSession`, `closeFds: false`, ...) throw `NotImplementedError`.
   *
   * @typeParam P The protocol type.
   * @param protocolFactory Makes the protocol.
   * @param program The program: a name looked up in `PATH`, a path, or a file URL.
   * @param args Its arguments (strings).
   * @param options The stdio, `cwd`, `env`, `clearEnv`, ... options.
   * @returns A future of `[transport, protocol]`.
   * @throws {NotImplementedError} If the matrix forbids it (the selector loop
   *   on Windows), before anything is spawned; or an option Deno cannot honour.
   * @throws {TypeError} On a bad program, argument or option.
   * @throws {RangeError} If `text`, `encoding`, `bufsize`, ... are not asyncio's required values.
   * @throws {FileNotFoundError} (through the future) If the program does not exist.
   * @throws {PermissionError} (through the future) Without `--allow-run`, or if it
   *   cannot be executed.
   *
   * @example
   * ```ts
   * import { SelectorEventLoop, SubprocessProtocol } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * const done = loop.createFuture<string>();
   * let out = "";
   * class Collect extends SubprocessProtocol {
   *   override pipeDataReceived(_fd: number, data: Uint8Array) {
   *     out += new TextDecoder().decode(data);
   *   }
   *   override connectionLost() {
   *     done.setResult(out);
   *   }
   * }
   * const [t] = await loop.runUntilComplete(
   *   loop.subprocessExec(() => new Collect(), "echo", ["hello"], { stdin: null }),
   * );
   * console.assert((await loop.runUntilComplete(done)) === "hello\n" && t.getReturncode() === 0);
   * loop.close();
   * ```
   */
  override subprocessExec<P extends BaseProtocol>(
    protocolFactory: () => P,
    program: string | URL,
    args: readonly string[] = [],
    options: SubprocessOptions = {},
  ): Future<[SubprocessTransport, P]> {
    this._check("subprocessExec");
    checkCallback(protocolFactory, "protocolFactory");
    const plan = planExec(program, args, options);
    return this._spawn(spawnSubprocess(this, protocolFactory, plan));
  }

  /**
   * Runs `cmd` with the shell (`/bin/sh -c cmd`; on Windows
   * `cmd.exe /d /s /c "cmd"`) as a child process; see `subprocessExec` for
   * the protocol and the options.
   *
   * @typeParam P The protocol type.
   * @param protocolFactory Makes the protocol.
   * @param cmd The shell command line.
   * @param options As for `subprocessExec` (`shell`, if given, must be true).
   * @returns A future of `[transport, protocol]`.
   * @throws {NotImplementedError} If the matrix forbids it, before anything is spawned.
   * @throws {TypeError} If `cmd` is not a string, or on a bad option.
   *
   * @example
   * ```ts
   * import { SelectorEventLoop, SubprocessProtocol } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * const lost = loop.createFuture<void>();
   * class Watch extends SubprocessProtocol {
   *   override connectionLost() {
   *     lost.setResult(undefined);
   *   }
   * }
   * const [t] = await loop.runUntilComplete(
   *   loop.subprocessShell(() => new Watch(), "exit 3", { stdin: null }),
   * );
   * await loop.runUntilComplete(lost);
   * console.assert(t.getReturncode() === 3);
   * loop.close();
   * ```
   */
  override subprocessShell<P extends BaseProtocol>(
    protocolFactory: () => P,
    cmd: string,
    options: SubprocessOptions = {},
  ): Future<[SubprocessTransport, P]> {
    this._check("subprocessShell");
    checkCallback(protocolFactory, "protocolFactory");
    const plan = planShell(cmd, options, currentPlatform().os === "windows");
    return this._spawn(spawnSubprocess(this, protocolFactory, plan));
  }

  /**
   * Calls `callback(...args)` whenever the process receives `signal`. The
   * callback runs as a loop callback (never inside Deno's listener), so an
   * error goes to the exception handler. Adding a handler for a signal that
   * has one replaces it. `close()` removes every handler of the loop.
   *
   * Differences from asyncio: signals are Deno signal names, not numbers.
   * Deno refuses SIGSEGV, SIGILL and SIGFPE as well as SIGKILL and SIGSTOP.
   * Removing or replacing a handler also drops a delivery still queued for
   * it. While a handler is installed, the signal's default action (such as
   * ending the process on SIGINT or SIGTERM) does not happen.
   *
   * @param signal A Deno signal name such as `"SIGINT"` or `"SIGUSR1"`.
   * @param callback A plain function (not a generator or async function:
   *   start a task from it instead).
   * @param args Arguments for `callback`.
   * @throws {NotImplementedError} On Windows (the matrix).
   * @throws {TypeError} If `callback` is not a plain function, or `signal`
   *   is not a signal name.
   * @throws {RangeError} If this OS has no such signal.
   * @throws {RuntimeError} If the signal cannot be caught (`"SIGKILL"`, ...)
   *   or the loop is closed.
   *
   * @example
   * ```ts
   * import { SelectorEventLoop } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * const got = loop.createFuture<string>();
   * loop.addSignalHandler("SIGUSR1", (name: string) => got.setResult(name), "usr1");
   * Deno.kill(Deno.pid, "SIGUSR1");
   * console.assert((await loop.runUntilComplete(got)) === "usr1");
   * loop.close(); // removes the handler
   * ```
   */
  override addSignalHandler<A extends unknown[]>(
    signal: Deno.Signal,
    callback: (...args: A) => unknown,
    ...args: A
  ): void {
    this._check("addSignalHandler");
    this.#signals ??= new SignalHandlers(this);
    this.#signals.add(signal, callback, args);
  }

  /**
   * Removes the handler of `signal`.
   *
   * @param signal A Deno signal name.
   * @returns Whether a handler was removed.
   * @throws {NotImplementedError} On Windows (the matrix).
   * @throws {TypeError} If `signal` is not a signal name.
   * @throws {RangeError} If this OS has no such signal.
   *
   * @example
   * ```ts
   * import { SelectorEventLoop } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * loop.addSignalHandler("SIGUSR2", () => {});
   * console.assert(loop.removeSignalHandler("SIGUSR2"));
   * console.assert(!loop.removeSignalHandler("SIGUSR2"));
   * loop.close();
   * ```
   */
  override removeSignalHandler(signal: Deno.Signal): boolean {
    this._check("removeSignalHandler");
    if (this.#signals === null) {
      checkSignal(signal);
      return false;
    }
    return this.#signals.remove(signal);
  }

  /**
   * Runs the loop (see `BaseEventLoop.runForever`). While it runs with a
   * signal handler installed it keeps the process alive, as a loop blocked
   * in select does (Deno's signal listeners alone do not).
   *
   * @returns A promise that resolves when the loop stopped.
   * @throws {RuntimeError} Synchronously if the loop is closed or running.
   *
   * @example
   * ```ts
   * import { SelectorEventLoop } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * loop.callSoon(() => loop.stop());
   * await loop.runForever();
   * loop.close();
   * ```
   */
  override runForever(): Promise<void> {
    const run = super.runForever();
    this.#signals?.syncKeepAlive();
    return run.finally(() => this.#signals?.syncKeepAlive());
  }

  /**
   * Closes the loop (see `BaseEventLoop.close`) and releases what it holds
   * on the host: every signal handler it installed, and the default
   * executor, shut down without waiting (its workers are terminated).
   *
   * @throws {RuntimeError} If the loop is running.
   *
   * @example
   * ```ts
   * import { SelectorEventLoop } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * loop.addSignalHandler("SIGUSR1", () => {});
   * loop.close();
   * console.assert(loop.isClosed());
   * ```
   */
  override close(): void {
    super.close();
    this.#signals?.removeAll();
    this.#executorShutdownCalled = true;
    const executor = this.#defaultExecutor;
    this.#defaultExecutor = null;
    executor?.shutdown(false).catch(() => {});
  }

  /**
   * Runs `work(...args)` in `executor`, or in the loop's default executor
   * when `executor` is `null`: a `WorkerPoolExecutor` created on first use,
   * sized to the machine. Work is a self-contained function (its source is
   * sent to a worker: it must not use variables of its enclosing scope) or
   * a module task `{ module, export }`; arguments and results are copied by
   * structured clone. Cancelling the returned future drops the work if it
   * has not started; running work cannot be interrupted.
   *
   * Differences from asyncio: the default executor runs work in parallel on
   * Web Workers (asyncio uses threads), so the work cannot share objects
   * with the caller. Async functions are accepted (the worker awaits them).
   *
   * @typeParam F The function type.
   * @param executor An executor, or `null` for the default one.
   * @param work A function or a module task (see `moduleTask`).
   * @param args Its arguments.
   * @returns A future of the result.
   * @throws {TypeError} If `executor` is not an executor, or `work` cannot
   *   be sent (a generator function, native, bound or class method, ...).
   * @throws {RuntimeError} If the loop is closed or its default executor was shut down.
   *
   * @example
   * ```ts
   * import { SelectorEventLoop } from "@asyncio/deno";
   * function fib(n: number): number {
   *   return n < 2 ? n : fib(n - 1) + fib(n - 2);
   * }
   * const loop = new SelectorEventLoop();
   * const result = await loop.runUntilComplete(loop.runInExecutor(null, fib, 20));
   * console.assert(result === 6765);
   * loop.close(); // ends the default executor's workers
   * ```
   */
  override runInExecutor<F extends WorkFunction>(
    executor: Executor | null,
    work: Work<F>,
    ...args: Parameters<F>
  ): Future<WorkResult<F>> {
    this._check("runInExecutor");
    if (this.isClosed()) throw new RuntimeError("Event loop is closed");
    if (executor !== null && executor !== undefined) checkExecutor(executor, "executor");
    else if (this.#executorShutdownCalled) {
      throw new RuntimeError("Executor shutdown has been called");
    }
    return submitToExecutor(this, executor ?? this._defaultExecutor(), work, args);
  }

  /** The default executor, created on first use. @internal */
  _defaultExecutor(): Executor {
    return this.#defaultExecutor ??= new WorkerPoolExecutor();
  }

  /**
   * Sets the executor `runInExecutor(null, ...)` uses. The previous one is
   * not shut down.
   *
   * @param executor An object with `submit()` and `shutdown()`.
   * @throws {TypeError} If it is not an executor.
   *
   * @example
   * ```ts
   * import { SelectorEventLoop, WorkerPoolExecutor } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * loop.setDefaultExecutor(new WorkerPoolExecutor({ maxWorkers: 1 }));
   * const v = await loop.runUntilComplete(loop.runInExecutor(null, () => 42));
   * console.assert(v === 42);
   * await loop.runUntilComplete(loop.shutdownDefaultExecutor());
   * loop.close();
   * ```
   */
  override setDefaultExecutor(executor: Executor): void {
    checkExecutor(executor, "executor");
    this.#defaultExecutor = executor;
  }

  /**
   * Shuts the default executor down: no new work is accepted, the work
   * already scheduled finishes, then every worker ends. After `timeout`
   * seconds (default: no limit) it warns and terminates the workers.
   * `Runner` and `run()` call it before closing the loop.
   *
   * @param timeout Seconds, or `null`.
   * @returns A future that resolves when the executor is down.
   * @throws {RangeError} If `timeout` is negative or NaN.
   *
   * @example
   * ```ts
   * import { SelectorEventLoop } from "@asyncio/deno";
   * const loop = new SelectorEventLoop();
   * const v = await loop.runUntilComplete(loop.runInExecutor(null, (a: number) => a * 2, 21));
   * await loop.runUntilComplete(loop.shutdownDefaultExecutor());
   * console.assert(v === 42);
   * loop.close();
   * ```
   */
  override shutdownDefaultExecutor(timeout: number | null = null): Future<void> {
    if (timeout !== null) checkSeconds(timeout, "timeout");
    this.#executorShutdownCalled = true;
    return this._spawn(shutdownExecutor(this.#defaultExecutor, timeout));
  }
}
