/**
 * The option objects of the loop's network methods: asyncio's keyword
 * arguments, camelCased. An option Deno cannot honour throws a clear error
 * when given; it is never silently ignored.
 *
 * @module
 */

import type { SSLContextLike } from "./io_types.ts";

/** Options of `loop.createConnection()`. */
export interface CreateConnectionOptions {
  /** TLS: an `SSLContext`, or `true` for the default client context. */
  ssl?: SSLContextLike | boolean | null;
  /** `AF_INET` or `AF_INET6` to restrict name resolution (default: any). */
  family?: number;
  /** Accepted for compatibility: only 0 (the default protocol) is supported. */
  proto?: number;
  /** Accepted for compatibility: only 0 is supported. */
  flags?: number;
  /** An already connected socket (from `sockConnect`) to wrap instead of connecting. */
  sock?: unknown;
  /** A local address to bind: Deno cannot bind before connecting, so this throws. */
  localAddr?: [string, number] | null;
  /** The name to check the server's certificate against (default: `host`). */
  serverHostname?: string | null;
  /** Seconds to wait for the TLS handshake (default 60). */
  sslHandshakeTimeout?: number | null;
  /**
   * Seconds to wait for the TLS shutdown (default 30): a positive number, or
   * a RangeError.
   *
   * Differences from asyncio: Deno closes a TLS connection by sending its
   * close_notify without waiting for the peer's, so the shutdown never
   * waits and this bound always holds; the value is only validated.
   */
  sslShutdownTimeout?: number | null;
  /** Happy Eyeballs (RFC 8305): seconds between connection attempts. */
  happyEyeballsDelay?: number | null;
  /** Address family interleaving of Happy Eyeballs: only 1 (Deno's) is supported. */
  interleave?: number | null;
  /** Raise every connection error (an `AggregateError`) instead of one. */
  allErrors?: boolean;
}

/** Options of `loop.createServer()`. */
export interface CreateServerOptions {
  /** TLS: an `SSLContext` with `loadCertChain()` done. */
  ssl?: SSLContextLike | null;
  /** `AF_INET` or `AF_INET6` to restrict which addresses are bound. */
  family?: number;
  /** getaddrinfo flags for the hosts: `AI_PASSIVE` (the default) or 0. */
  flags?: number;
  /** A bound or listening `Socket` to serve (host and port must then be null). */
  sock?: unknown;
  /** The listen backlog (default 100). */
  backlog?: number;
  /** Deno always sets `SO_REUSEADDR` on listening sockets; `false` throws. */
  reuseAddress?: boolean | null;
  /** `SO_REUSEPORT`: needs Deno's `--unstable-net` flag; throws without it. */
  reusePort?: boolean | null;
  /** Turn on TCP keep-alive for accepted connections. */
  keepAlive?: boolean | null;
  /** Seconds to wait for each client's TLS handshake (default 60). */
  sslHandshakeTimeout?: number | null;
  /**
   * Seconds to wait for the TLS shutdown (default 30): a positive number, or
   * a RangeError.
   *
   * Differences from asyncio: Deno closes a TLS connection by sending its
   * close_notify without waiting for the peer's, so the shutdown never
   * waits and this bound always holds; the value is only validated.
   */
  sslShutdownTimeout?: number | null;
  /** Start accepting at once (default true). */
  startServing?: boolean;
}

/** Options of `loop.createUnixConnection()`. */
export interface CreateUnixConnectionOptions {
  /** TLS over the Unix socket: not available on Deno, so this throws. */
  ssl?: SSLContextLike | boolean | null;
  /** An already connected Unix socket to wrap. */
  sock?: unknown;
  /** Only meaningful with `ssl` (not available here): a RangeError without it. */
  serverHostname?: string | null;
  /** Only meaningful with `ssl` (not available here): a RangeError without it. */
  sslHandshakeTimeout?: number | null;
  /** Only meaningful with `ssl` (not available here): a RangeError without it. */
  sslShutdownTimeout?: number | null;
}

/** Options of `loop.createUnixServer()`. */
export interface CreateUnixServerOptions {
  /** TLS over the Unix socket: not available on Deno, so this throws. */
  ssl?: SSLContextLike | null;
  /** A bound or listening AF_UNIX `Socket` to serve (path must then be null). */
  sock?: unknown;
  /**
   * The listen backlog: Deno's Unix listener takes none (it uses its own),
   * so any value throws NotImplementedError (a bad one a RangeError).
   */
  backlog?: number;
  /** Only meaningful with `ssl` (not available here): a RangeError without it. */
  sslHandshakeTimeout?: number | null;
  /** Only meaningful with `ssl` (not available here): a RangeError without it. */
  sslShutdownTimeout?: number | null;
  /** Start accepting at once (default true). */
  startServing?: boolean;
  /**
   * Remove the socket file when the server closes, if it is still the one
   * the server bound (default true, as asyncio 3.13). With `false` the file
   * stays (a stale socket, replaced by the next server on that path).
   */
  cleanupSocket?: boolean;
}

/** Options of `loop.startTls()`. */
export interface StartTlsOptions {
  /** Upgrade as the server: Deno has no server-side upgrade, so `true` throws. */
  serverSide?: boolean;
  /** The name to check the server's certificate against. */
  serverHostname?: string | null;
  /** Seconds to wait for the handshake (default 60). */
  sslHandshakeTimeout?: number | null;
  /**
   * Seconds to wait for the TLS shutdown (default 30): a positive number, or
   * a RangeError.
   *
   * Differences from asyncio: Deno closes a TLS connection by sending its
   * close_notify without waiting for the peer's, so the shutdown never
   * waits and this bound always holds; the value is only validated.
   */
  sslShutdownTimeout?: number | null;
}

/** Options of `loop.createDatagramEndpoint()`. */
export interface CreateDatagramEndpointOptions {
  /** The address to bind, `[host, port]` (port 0: any free port). */
  localAddr?: [string, number] | null;
  /**
   * The peer: `sendto()` without an address goes there, and datagrams from
   * other addresses are dropped (a "connected" endpoint).
   */
  remoteAddr?: [string, number] | null;
  /** `AF_INET` or `AF_INET6`; required when neither address is given. */
  family?: number;
  /** Accepted for compatibility: 0 or `IPPROTO_UDP`. */
  proto?: number;
  /** Accepted for compatibility: 0 or `AI_PASSIVE` (1). */
  flags?: number;
  /** Refused as asyncio refuses it (SO_REUSEADDR exposes the port's datagrams): `true` throws. */
  reuseAddress?: boolean | null;
  /** `SO_REUSEPORT`: Deno cannot set it on UDP sockets, so `true` throws. */
  reusePort?: boolean | null;
  /** `SO_BROADCAST`: allow sending to broadcast addresses. */
  allowBroadcast?: boolean | null;
  /** An existing socket: not available on Deno, so this throws. */
  sock?: unknown;
  /** @ignore Forces the route to the socket, for tests. */
  _backend?: "deno" | "node";
}

/** Options of `loop.connectAcceptedSocket()`. */
export interface ConnectAcceptedSocketOptions {
  /**
   * TLS as the server: not available on Deno (it cannot start TLS on a
   * connection it accepted), so this throws `NotImplementedError`.
   */
  ssl?: SSLContextLike | boolean | null;
  /** Only meaningful with `ssl`: a RangeError without it. */
  sslHandshakeTimeout?: number | null;
  /** Only meaningful with `ssl`: a RangeError without it. */
  sslShutdownTimeout?: number | null;
}

/** Options of `loop.sendfile()` and `loop.sockSendfile()`. */
export interface SendfileOptions {
  /**
   * Read and send the file in blocks when no native sendfile is available
   * (default `true`; on Deno there never is one). `false`: fail instead, with
   * `SendfileNotAvailableError` (or `RuntimeError` for a TLS transport, which
   * has only the fallback).
   */
  fallback?: boolean;
}
