/**
 * Transport interfaces, as asyncio defines them. The loops return concrete
 * subclasses; these abstract classes name the API and are what user code
 * should type against.
 *
 * @module
 */

import { NotImplementedError } from "./exceptions.ts";
import type { BaseProtocol } from "./protocols.ts";

/**
 * A network address: `[host, port]` for IP sockets (asyncio's tuples; IPv6
 * may carry `[host, port, flowinfo, scopeId]`), or a path for Unix sockets.
 */
export type Address = [host: string, port: number, ...rest: number[]] | string;

function abstract(name: string): never {
  throw new NotImplementedError(`${name}() is not implemented by this transport`);
}

/**
 * What every transport has: extra information, closing, and its protocol.
 *
 * @example Typing against the interface
 * ```ts
 * import assert from "node:assert/strict";
 * import type { BaseTransport } from "@asyncio/deno";
 * function describePeer(t: BaseTransport): string {
 *   return String(t.getExtraInfo("peername", "unknown"));
 * }
 * assert(typeof describePeer === "function");
 * ```
 */
export abstract class BaseTransport {
  /**
   * Optional information about the transport: `peername`, `sockname`,
   * `socket`, `sslcontext`, `peercert`, `cipher`, `compression`, `pipe`,
   * `subprocess`, ... depending on the kind.
   *
   * @param name The key.
   * @param defaultValue Returned when the key is unknown.
   * @returns The value.
   */
  getExtraInfo(name: string, defaultValue?: unknown): unknown {
    const extra = this._extra;
    return Object.hasOwn(extra, name) ? extra[name] : defaultValue;
  }

  /** What `getExtraInfo` serves; concrete transports fill it in. @internal */
  _extra: Record<string, unknown> = {};

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
}

/**
 * The read side of a transport. `instanceof ReadTransport` also holds for a
 * `Transport`, which is both a read and a write transport (as in asyncio,
 * where `Transport` inherits from both).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ReadTransport, StreamTransport } from "@asyncio/deno";
 * // A stream transport is readable (and writable).
 * assert(Object.create(StreamTransport.prototype) instanceof ReadTransport);
 * ```
 */
export abstract class ReadTransport extends BaseTransport {
  /** Also true for a `Transport`. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return Function.prototype[Symbol.hasInstance].call(this, value) ||
      (this === ReadTransport && value instanceof Transport);
  }

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
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WriteTransport } from "@asyncio/deno";
 * function flush(t: WriteTransport, data: Uint8Array) {
 *   t.write(data);
 *   return t.getWriteBufferSize();
 * }
 * assert(typeof flush === "function");
 * ```
 */
export abstract class WriteTransport extends BaseTransport {
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
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, Protocol, run, type Transport } from "@asyncio/deno";
 * await run(async () => {
 *   const loop = getRunningLoop();
 *   await using server = await loop.createServer(() => new Protocol(), "127.0.0.1", 0);
 *   const port = (server.sockets[0].getsockname() as [string, number])[1];
 *   const [t]: [Transport, Protocol] = await loop.createConnection(() => new Protocol(), "127.0.0.1", port);
 *   assert(t.isReading() && t.getWriteBufferLimits()[1] === 65536);
 *   t.close();
 * });
 * ```
 */
export abstract class Transport extends WriteTransport {
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
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DatagramProtocol, getRunningLoop, run } from "@asyncio/deno";
 * await run(async () => {
 *   const [t] = await getRunningLoop().createDatagramEndpoint(() => new DatagramProtocol(), {
 *     localAddr: ["127.0.0.1", 0],
 *   });
 *   assert(t.getWriteBufferSize() === 0);
 *   t.close();
 * });
 * ```
 */
export abstract class DatagramTransport extends BaseTransport {
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
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run, SubprocessProtocol } from "@asyncio/deno";
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
export abstract class SubprocessTransport extends BaseTransport {
  /** The child's process id. */
  getPid(): number {
    return abstract("getPid");
  }

  /** The exit code, or `null` while the child runs (negative: killed by that signal). */
  getReturncode(): number | null {
    return abstract("getReturncode");
  }

  /**
   * The transport of one of the child's pipes.
   *
   * @param _fd 0 (stdin), 1 (stdout) or 2 (stderr).
   * @returns The pipe's transport, or `null` if it is not a pipe.
   */
  getPipeTransport(_fd: number): BaseTransport | null {
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
