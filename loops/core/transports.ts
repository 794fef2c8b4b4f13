/**
 * Transport interfaces, as asyncio defines them. The loops return concrete
 * subclasses; these abstract classes name the API and are what user code
 * should type against.
 *
 * `getExtraInfo(name)` is typed by key: each transport class has a map of
 * the keys it serves (`SocketExtraInfo`, `DatagramExtraInfo`,
 * `PipeExtraInfo`, `SubprocessExtraInfo`) as its type parameter, and the
 * addresses in them are typed by family (`InetAddress`, `Inet6Address`, a
 * path for Unix sockets).
 *
 * @module
 */

import { NotImplementedError } from "./exceptions.ts";
import type { SSLContextLike } from "./io_types.ts";
import type { BaseProtocol } from "./protocols.ts";

/**
 * A network address: `[host, port]` for IP sockets (asyncio's tuples; IPv6
 * may carry `[host, port, flowinfo, scopeId]`), or a path for Unix sockets.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Address } from "@asyncio/deno/protocols";
 * const addresses: Address[] = [["127.0.0.1", 80], ["::1", 80, 0, 0], "/tmp/app.sock"];
 * assert(addresses.length === 3);
 * ```
 */
export type Address = [host: string, port: number, ...rest: number[]] | string;

/**
 * An `AF_INET` address, asyncio's `(host, port)`. Stream transports and
 * servers report IPv6 addresses in this shape too (asyncio gives the
 * four-tuple there; a `Socket` and a datagram endpoint do).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { InetAddress } from "@asyncio/deno/protocols";
 * const [host, port]: InetAddress = ["127.0.0.1", 8080];
 * assert(host === "127.0.0.1" && port === 8080);
 * ```
 */
export type InetAddress = [host: string, port: number];

/**
 * An `AF_INET6` address, asyncio's `(host, port, flowinfo, scope_id)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Inet6Address } from "@asyncio/deno/protocols";
 * const [host, port, , scopeId]: Inet6Address = ["::1", 8080, 0, 0];
 * assert(host === "::1" && port === 8080 && scopeId === 0);
 * ```
 */
export type Inet6Address = [host: string, port: number, flowinfo: number, scopeId: number];

/**
 * The address of a socket of each family, keyed by the family's number:
 * `AF_UNIX` (1) a path, `AF_INET` (2) an `InetAddress`, `AF_INET6` (10) an
 * `Inet6Address`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type FamilyAddresses } from "@asyncio/deno/protocols";
 * import { AF_INET6 } from "@asyncio/deno/socket";
 * const any: FamilyAddresses[typeof AF_INET6] = ["::", 0, 0, 0];
 * assert(any.length === 4);
 * ```
 */
export interface FamilyAddresses {
  /** `AF_UNIX`: the socket's path. */
  1: string;
  /** `AF_INET`: `[host, port]`. */
  2: InetAddress;
  /** `AF_INET6`: `[host, port, flowinfo, scopeId]`. */
  10: Inet6Address;
}

/**
 * The address of a socket of family `F` (`typeof AF_INET`, ...); for a
 * family not known when type checking (`number`), any of them.
 *
 * @typeParam F The family.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type AddressOf } from "@asyncio/deno/protocols";
 * import { AF_INET } from "@asyncio/deno/socket";
 * const [host, port]: AddressOf<typeof AF_INET> = ["127.0.0.1", 80];
 * assert(host.length > 0 && port === 80);
 * ```
 */
export type AddressOf<F extends number> = F extends keyof FamilyAddresses ? FamilyAddresses[F]
  : InetAddress | Inet6Address | string;

/**
 * The address a stream transport or a server reports (`peername`,
 * `sockname`, `server.sockets[i].getsockname()`), from what it was made
 * over: `undefined` (no socket given: TCP) an `InetAddress`; a socket, by its
 * family: a path for `AF_UNIX`, an `InetAddress` for `AF_INET` and
 * `AF_INET6` (see `InetAddress`); anything else, either.
 *
 * @typeParam S The socket given (the `sock` option), or `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { StreamAddress } from "@asyncio/deno/protocols";
 * import type { AF_UNIX, Socket } from "@asyncio/deno/socket";
 * const tcp: StreamAddress<undefined> = ["127.0.0.1", 80];
 * const unix: StreamAddress<Socket<typeof AF_UNIX>> = "/tmp/app.sock";
 * assert(tcp[1] === 80 && unix.endsWith(".sock"));
 * ```
 */
export type StreamAddress<S = undefined> = [S] extends [undefined] ? InetAddress
  : S extends { readonly family: infer F } ? F extends 1 ? string
    : F extends 2 | 10 ? InetAddress
    : InetAddress | string
  : InetAddress | string;

/**
 * A socket as `getExtraInfo("socket")` shows it: its family and addresses,
 * and the TCP options Deno can set.
 *
 * @typeParam A The address type: `InetAddress` for TCP, a path for Unix
 *   sockets.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TransportSocket } from "@asyncio/deno/protocols";
 * const socket: TransportSocket<string> = {
 *   family: "AF_UNIX",
 *   getsockname: () => "/tmp/app.sock",
 *   getpeername: () => "",
 * };
 * assert(socket.getsockname().endsWith(".sock"));
 * ```
 */
export interface TransportSocket<A extends Address = Address> {
  /** `"AF_INET"`, `"AF_INET6"` or `"AF_UNIX"`. */
  readonly family: string;
  /**
   * The local address.
   *
   * @returns The address.
   */
  getsockname(): A;
  /**
   * The remote address.
   *
   * @returns The address.
   * @throws {OSError} `ENOTCONN` for an unconnected datagram endpoint.
   */
  getpeername(): A;
  /**
   * `TCP_NODELAY` (TCP only; on by default).
   *
   * @param on Whether to set it.
   */
  setNoDelay?(on: boolean): void;
  /**
   * `SO_KEEPALIVE` (TCP only).
   *
   * @param on Whether to set it.
   */
  setKeepAlive?(on: boolean): void;
}

/**
 * Every key `getExtraInfo()` serves, each optional: a transport has the
 * keys of its kind. The maps of the kinds (`SocketExtraInfo`, ...) extend
 * this one and say which keys are always there and with what type. Keys
 * asyncio documents that Deno cannot fill (`ssl_object`) are absent; any
 * other name may still be asked for (its value is `unknown`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { BaseTransport, ExtraInfo } from "@asyncio/deno/protocols";
 * function peer(t: BaseTransport<ExtraInfo>): string {
 *   const name = t.getExtraInfo("peername");
 *   return typeof name === "string" || name == null ? String(name) : `${name[0]}:${name[1]}`;
 * }
 * assert(typeof peer === "function");
 * ```
 */
export interface ExtraInfo {
  /** The remote address (sockets; `null` for an unconnected datagram endpoint). */
  peername?: Address | null;
  /** The local address (sockets). */
  sockname?: Address;
  /** The socket (sockets). */
  socket?: TransportSocket;
  /** The TLS context (TLS transports): the `SSLContext` given. */
  sslcontext?: SSLContextLike;
  /** The peer's certificate (TLS): Deno does not expose it, so `undefined`. */
  peercert?: undefined;
  /** The cipher (TLS): Deno does not expose it, so `undefined`. */
  cipher?: undefined;
  /** The compression (TLS): always `null`. */
  compression?: null;
  /** The ALPN protocol agreed in the handshake (TLS), or `null`. */
  alpnProtocol?: string | null;
  /** The pipe given to `connectReadPipe`/`connectWritePipe` (pipes). */
  pipe?: unknown;
  /** Which of the child's streams a subprocess pipe carries: 0, 1 or 2. */
  fd?: number;
  /** The child process (subprocess transports). */
  subprocess?: Deno.ChildProcess;
  /** The route to a datagram socket: `"deno"` or `"node"`. */
  backend?: "deno" | "node";
}

/**
 * What a socket transport serves (TCP, TLS, Unix sockets): `peername`,
 * `sockname`, `socket`, and over TLS `sslcontext`, `peercert`, `cipher`,
 * `compression`, `alpnProtocol`.
 *
 * @typeParam A The address type: `InetAddress` for TCP and TLS, a path
 *   for Unix sockets.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run } from "@asyncio/deno";
 * import { type InetAddress, Protocol, type SocketExtraInfo, type Transport } from "@asyncio/deno/protocols";
 * await run(async () => {
 *   const loop = getRunningLoop();
 *   await using server = await loop.createServer(() => new Protocol(), "127.0.0.1", 0);
 *   const [, port] = server.sockets[0].getsockname();
 *   const [t]: [Transport<SocketExtraInfo<InetAddress>>, Protocol] = await loop.createConnection(
 *     () => new Protocol(),
 *     "127.0.0.1",
 *     port,
 *   );
 *   const [host, peerPort] = t.getExtraInfo("peername");
 *   assert(host === "127.0.0.1" && peerPort === port);
 *   t.close();
 * });
 * ```
 */
export interface SocketExtraInfo<A extends Address = Address> extends ExtraInfo {
  /** The remote address. */
  peername: A;
  /** The local address. */
  sockname: A;
  /** The socket. */
  socket: TransportSocket<A>;
}

/**
 * What a datagram (UDP) endpoint serves: `sockname`, `peername` (the
 * remote address of a connected endpoint, else `null`), `socket` and
 * `backend`. IPv6 addresses are four-tuples, as in asyncio.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run } from "@asyncio/deno";
 * import { DatagramProtocol } from "@asyncio/deno/protocols";
 * await run(async () => {
 *   const [t] = await getRunningLoop().createDatagramEndpoint(() => new DatagramProtocol(), {
 *     localAddr: ["127.0.0.1", 0],
 *   });
 *   const [host, port] = t.getExtraInfo("sockname");
 *   assert(host === "127.0.0.1" && port > 0 && t.getExtraInfo("peername") === null);
 *   t.close();
 * });
 * ```
 */
export interface DatagramExtraInfo extends ExtraInfo {
  /** The local address. */
  sockname: InetAddress | Inet6Address;
  /** The remote address of a connected endpoint, else `null`. */
  peername: InetAddress | Inet6Address | null;
  /** The socket. */
  socket: TransportSocket<InetAddress | Inet6Address>;
  /** The route to the socket: Deno's own UDP API, or node:dgram. */
  backend: "deno" | "node";
}

/**
 * What a pipe transport serves: `pipe` (the object given to
 * `connectReadPipe`/`connectWritePipe`), and `fd` for a child's pipe.
 *
 * @typeParam P The pipe's type.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SelectorEventLoop } from "@asyncio/deno";
 * import { Protocol } from "@asyncio/deno/protocols";
 * const loop = new SelectorEventLoop();
 * const stream = ReadableStream.from<Uint8Array>([]);
 * const [t] = await loop.runUntilComplete(loop.connectReadPipe(() => new Protocol(), stream));
 * assert(t.getExtraInfo("pipe") === stream);
 * t.close();
 * loop.close();
 * ```
 */
export interface PipeExtraInfo<P = unknown> extends ExtraInfo {
  /** The pipe. */
  pipe: P;
}

/**
 * What a subprocess transport serves: `subprocess`, the `Deno.ChildProcess`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SelectorEventLoop } from "@asyncio/deno";
 * import { SubprocessProtocol } from "@asyncio/deno/protocols";
 * const loop = new SelectorEventLoop();
 * const [t] = await loop.runUntilComplete(
 *   loop.subprocessExec(() => new SubprocessProtocol(), "true", [], { stdin: null, stdout: null, stderr: null }),
 * );
 * const child = t.getExtraInfo("subprocess");
 * assert(child.pid === t.getPid());
 * await child.status;
 * t.close();
 * loop.close();
 * ```
 */
export interface SubprocessExtraInfo extends ExtraInfo {
  /** The child process. */
  subprocess: Deno.ChildProcess;
}

function abstract(name: string): never {
  throw new NotImplementedError(`${name}() is not implemented by this transport`);
}

// Whether class `cls` is `target`, extends it, or implements it through an
// `_implements` list (its own, a parent's, or an implemented class's).
function implementsClass(cls: unknown, target: unknown): boolean {
  for (let c = cls; typeof c === "function"; c = Object.getPrototypeOf(c)) {
    if (c === target) return true;
    if (!Object.hasOwn(c, "_implements")) continue;
    const declared =
      (c as unknown as { _implements: readonly (abstract new (...args: never[]) => object)[] })
        ._implements;
    for (const i of declared) if (implementsClass(i, target)) return true;
  }
  return false;
}

/**
 * What every transport has: extra information, closing, and its protocol.
 *
 * @typeParam E The map of the `getExtraInfo` keys the transport serves.
 *
 * @example Typing against the interface
 * ```ts
 * import assert from "node:assert/strict";
 * import type { BaseTransport } from "@asyncio/deno/protocols";
 * function describePeer(t: BaseTransport): string {
 *   return String(t.getExtraInfo("peername", "unknown"));
 * }
 * assert(typeof describePeer === "function");
 * ```
 */
export abstract class BaseTransport<E extends ExtraInfo = ExtraInfo> {
  /**
   * The interface classes this class implements without extending them.
   * asyncio's transports inherit from several classes
   * (`_SelectorSocketTransport` is a `_SelectorTransport` and a
   * `Transport`); a TypeScript class has one parent. So the library's
   * transports extend their implementation base and list their interface
   * here, and `instanceof` holds for it, as for a class registered with
   * Python's `ABC.register()`.
   *
   * @ignore
   */
  static readonly _implements: readonly (abstract new (...args: never[]) => object)[] = [];

  /**
   * `instanceof` for the transport classes: the prototype chain, or an
   * `_implements` list on the way.
   *
   * @param value What is tested.
   * @returns Whether `value` is an instance of this class or of a class implementing it.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== "object" || value === null) return false;
    return implementsClass((value as { constructor?: unknown }).constructor, this);
  }

  /**
   * Optional information about the transport: `peername`, `sockname`,
   * `socket`, `sslcontext`, `peercert`, `cipher`, `compression`, `pipe`,
   * `subprocess`, ... depending on the kind (`E` says which, and their
   * types). A name outside `ExtraInfo` is allowed too; its value is
   * `unknown`.
   *
   * @typeParam K The key.
   * @param name The key.
   * @returns The value, or `undefined` if the transport has no such key.
   */
  getExtraInfo<K extends keyof ExtraInfo>(name: K): E[K];
  /**
   * Optional information about the transport, with a default for a key it
   * does not have.
   *
   * @typeParam K The key.
   * @typeParam D The default's type.
   * @param name The key.
   * @param defaultValue Returned when the transport has no such key.
   * @returns The value, or `defaultValue`.
   */
  getExtraInfo<K extends keyof ExtraInfo, D>(name: K, defaultValue: D): E[K] | D;
  /**
   * Information under a key outside `ExtraInfo` (its value is `unknown`).
   *
   * @param name Any other key.
   * @param defaultValue Returned when the transport has no such key.
   * @returns The value, or `defaultValue`.
   */
  getExtraInfo(name: string, defaultValue?: unknown): unknown;
  getExtraInfo(name: string, defaultValue?: unknown): unknown {
    const extra = this._extra;
    return Object.hasOwn(extra, name) ? extra[name as keyof ExtraInfo] : defaultValue;
  }

  /** @ignore What `getExtraInfo` serves; concrete transports fill it in. */
  _extra: ExtraInfo = {};

  /** Whether the transport is closing or closed. */
  isClosing(): boolean {
    return abstract("isClosing");
  }

  /**
   * Closes the transport: buffered data is flushed, then the protocol's
   * `connectionLost(null)` is called.
   */
  close(): void {
    abstract("close");
  }

  /**
   * Sets a new protocol; the transport calls it from now on.
   *
   * @param _protocol The protocol.
   */
  setProtocol(_protocol: BaseProtocol): void {
    abstract("setProtocol");
  }

  /** The current protocol. */
  getProtocol(): BaseProtocol {
    return abstract("getProtocol");
  }

  /**
   * `using transport = ...`: `close()` at the end of the scope (buffered
   * data is still sent, then `connectionLost(null)` is called).
   */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * The read side of a transport. `instanceof ReadTransport` also holds for a
 * `Transport`, which is both a read and a write transport (as in asyncio,
 * where `Transport` inherits from both).
 *
 * @typeParam E The map of the `getExtraInfo` keys the transport serves.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ReadTransport } from "@asyncio/deno/protocols";
 * import { StreamTransport } from "../net/transports/stream.ts";
 * // A stream transport is readable (and writable).
 * assert(Object.create(StreamTransport.prototype) instanceof ReadTransport);
 * ```
 */
export abstract class ReadTransport<E extends ExtraInfo = ExtraInfo> extends BaseTransport<E> {
  /** Whether the transport is receiving. */
  isReading(): boolean {
    return abstract("isReading");
  }

  /** Stops delivering data to the protocol until `resumeReading()`. */
  pauseReading(): void {
    abstract("pauseReading");
  }

  /** Resumes delivering data to the protocol. */
  resumeReading(): void {
    abstract("resumeReading");
  }
}

/**
 * The write side of a transport, with flow control: when the write buffer
 * goes over the high water mark the protocol's `pauseWriting()` is called,
 * and `resumeWriting()` when it drains to the low water mark.
 *
 * @typeParam E The map of the `getExtraInfo` keys the transport serves.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WriteTransport } from "@asyncio/deno/protocols";
 * function flush(t: WriteTransport, data: Uint8Array) {
 *   t.write(data);
 *   return t.getWriteBufferSize();
 * }
 * assert(typeof flush === "function");
 * ```
 */
export abstract class WriteTransport<E extends ExtraInfo = ExtraInfo> extends BaseTransport<E> {
  /**
   * Sets the flow-control water marks in bytes. With only `high`, low is
   * `high / 4`; with neither, high is 64 KiB.
   *
   * @param _high The high water mark.
   * @param _low The low water mark.
   * @throws {RangeError} Unless `high >= low >= 0`.
   */
  setWriteBufferLimits(_high?: number, _low?: number): void {
    abstract("setWriteBufferLimits");
  }

  /** The water marks: `[low, high]`. */
  getWriteBufferLimits(): [low: number, high: number] {
    return abstract("getWriteBufferLimits");
  }

  /** Bytes written by the protocol but not yet handed to the OS. */
  getWriteBufferSize(): number {
    return abstract("getWriteBufferSize");
  }

  /**
   * Writes bytes; they are sent as soon as possible, in order.
   *
   * @param _data The bytes.
   */
  write(_data: Uint8Array): void {
    abstract("write");
  }

  /**
   * Writes several buffers, in order.
   *
   * @param list The buffers.
   */
  writelines(list: Iterable<Uint8Array>): void {
    for (const data of list) this.write(data);
  }

  /** Closes the write side after the buffered data is sent (half-close). */
  writeEof(): void {
    abstract("writeEof");
  }

  /** Whether `writeEof()` is supported. */
  canWriteEof(): boolean {
    return abstract("canWriteEof");
  }

  /** Closes at once: buffered data is dropped, `connectionLost(null)` follows. */
  abort(): void {
    abstract("abort");
  }
}

/**
 * A bidirectional stream transport (TCP, TLS, Unix sockets, pipes).
 *
 * @typeParam E The map of the `getExtraInfo` keys the transport serves:
 *   `SocketExtraInfo<InetAddress>` for what `createConnection` returns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run } from "@asyncio/deno";
 * import { Protocol, type Transport } from "@asyncio/deno/protocols";
 * await run(async () => {
 *   const loop = getRunningLoop();
 *   await using server = await loop.createServer(() => new Protocol(), "127.0.0.1", 0);
 *   const port = server.sockets[0].getsockname()[1];
 *   const [t]: [Transport, Protocol] = await loop.createConnection(() => new Protocol(), "127.0.0.1", port);
 *   assert(t.isReading() && t.getWriteBufferLimits()[1] === 65536);
 *   t.close();
 * });
 * ```
 */
export abstract class Transport<E extends ExtraInfo = ExtraInfo> extends WriteTransport<E> {
  /** @ignore A `Transport` is a `ReadTransport` too. */
  static override readonly _implements: readonly (abstract new (...args: never[]) => object)[] = [
    ReadTransport,
  ];

  /** Whether the transport is receiving. */
  isReading(): boolean {
    return abstract("isReading");
  }

  /** Stops delivering data to the protocol until `resumeReading()`. */
  pauseReading(): void {
    abstract("pauseReading");
  }

  /** Resumes delivering data to the protocol. */
  resumeReading(): void {
    abstract("resumeReading");
  }
}

/**
 * A datagram (UDP) transport.
 *
 * @typeParam E The map of the `getExtraInfo` keys the transport serves.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run } from "@asyncio/deno";
 * import { DatagramProtocol } from "@asyncio/deno/protocols";
 * await run(async () => {
 *   const [t] = await getRunningLoop().createDatagramEndpoint(() => new DatagramProtocol(), {
 *     localAddr: ["127.0.0.1", 0],
 *   });
 *   assert(t.getWriteBufferSize() === 0);
 *   t.close();
 * });
 * ```
 */
export abstract class DatagramTransport<E extends ExtraInfo = DatagramExtraInfo>
  extends BaseTransport<E> {
  /**
   * Sends one datagram.
   *
   * @param _data The payload.
   * @param _addr The destination (required unless the endpoint is connected).
   */
  sendto(_data: Uint8Array, _addr?: Address): void {
    abstract("sendto");
  }

  /** Closes at once, dropping queued datagrams. */
  abort(): void {
    abstract("abort");
  }

  /** Bytes queued but not yet sent. */
  getWriteBufferSize(): number {
    return abstract("getWriteBufferSize");
  }
}

/**
 * The transport of a child process.
 *
 * @typeParam E The map of the `getExtraInfo` keys the transport serves.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run } from "@asyncio/deno";
 * import { SubprocessProtocol } from "@asyncio/deno/protocols";
 * const code = await run(async () => {
 *   const loop = getRunningLoop();
 *   const exited = loop.createFuture<void>();
 *   class P extends SubprocessProtocol {
 *     override connectionLost() {
 *       exited.setResult(undefined);
 *     }
 *   }
 *   const [t] = await loop.subprocessExec(() => new P(), "true", [], { stdin: null, stdout: null, stderr: null });
 *   await exited;
 *   return t.getReturncode();
 * });
 * assert(code === 0);
 * ```
 */
export abstract class SubprocessTransport<E extends ExtraInfo = SubprocessExtraInfo>
  extends BaseTransport<E> {
  /** The child's process id. */
  getPid(): number {
    return abstract("getPid");
  }

  /** The exit code, or `null` while the child runs (negative: killed by that signal). */
  getReturncode(): number | null {
    return abstract("getReturncode");
  }

  /**
   * The transport of the child's stdin.
   *
   * @param fd 0.
   * @returns A write transport, or `null` if stdin is not a pipe.
   */
  getPipeTransport(fd: 0): WriteTransport<PipeExtraInfo> | null;
  /**
   * The transport of the child's stdout (1) or stderr (2).
   *
   * @param fd 1 or 2.
   * @returns A read transport, or `null` if that stream is not a pipe.
   */
  getPipeTransport(fd: 1 | 2): ReadTransport<PipeExtraInfo> | null;
  /**
   * The transport of one of the child's pipes.
   *
   * @param fd 0 (stdin), 1 (stdout) or 2 (stderr).
   * @returns The pipe's transport, or `null` if it is not a pipe.
   */
  getPipeTransport(fd: number): BaseTransport<PipeExtraInfo> | null;
  getPipeTransport(_fd: number): BaseTransport<PipeExtraInfo> | null {
    return abstract("getPipeTransport");
  }

  /**
   * Sends a signal to the child.
   *
   * @param _signal A Deno signal name such as `"SIGTERM"`.
   */
  sendSignal(_signal: Deno.Signal): void {
    abstract("sendSignal");
  }

  /** Sends `SIGTERM`. */
  terminate(): void {
    abstract("terminate");
  }

  /** Sends `SIGKILL`. */
  kill(): void {
    abstract("kill");
  }
}
