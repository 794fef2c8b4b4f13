/**
 * Protocols: the callbacks a transport calls. Subclass one and override the
 * methods you need; every default does nothing.
 *
 * All protocol callbacks run as loop callbacks: in order, one at a time, and
 * an exception thrown by one goes to the loop's exception handler and closes
 * the transport.
 *
 * @module
 */

import type {
  BaseTransport,
  DatagramTransport,
  Inet6Address,
  InetAddress,
  SubprocessTransport,
  Transport,
} from "./transports.ts";

/**
 * The callbacks every protocol has: `connectionMade`, `connectionLost`, and
 * the flow-control pair `pauseWriting`/`resumeWriting`.
 *
 * @example
 * ```ts
 * import { BaseProtocol } from "@asyncio/deno/protocols";
 * class Quiet extends BaseProtocol {}
 * new Quiet().pauseWriting(); // a no-op by default
 * ```
 */
export class BaseProtocol {
  /**
   * Called once when the connection is made.
   *
   * @param _transport The transport of the new connection.
   */
  connectionMade(_transport: BaseTransport): void {}

  /**
   * Called once when the connection is lost or closed.
   *
   * @param _exc The error, or `null` on a regular close or EOF.
   */
  connectionLost(_exc: Error | null): void {}

  /** Called when the transport's write buffer goes over the high water mark. */
  pauseWriting(): void {}

  /** Called when the transport's write buffer drains to the low water mark. */
  resumeWriting(): void {}
}

/**
 * A stream protocol: `connectionMade` → `dataReceived`* → `eofReceived`? →
 * `connectionLost`, exactly once each for the first and the last.
 *
 * @example An echo protocol
 * ```ts
 * import assert from "node:assert/strict";
 * import { Protocol, type Transport } from "@asyncio/deno/protocols";
 * class Echo extends Protocol {
 *   transport: Transport | null = null;
 *   override connectionMade(transport: Transport) {
 *     this.transport = transport;
 *   }
 *   override dataReceived(data: Uint8Array) {
 *     this.transport!.write(data);
 *   }
 * }
 * assert(new Echo().eofReceived() === undefined);
 * ```
 */
export class Protocol extends BaseProtocol {
  /**
   * Called once when the connection is made.
   *
   * @param _transport The transport of the new connection.
   */
  override connectionMade(_transport: Transport): void {}

  /**
   * Called with every chunk of data received.
   *
   * The chunk is a new array the protocol owns, with a buffer of its own
   * (`byteOffset` 0): keep it, modify it, write it. Producing it costs a
   * fresh allocation per read, which dominates at high rates of large reads;
   * a `BufferedProtocol` receives into a buffer it reuses instead.
   *
   * @param _data The bytes (the protocol may keep them).
   */
  dataReceived(_data: Uint8Array): void {}

  /**
   * Called when the peer has finished sending (half-close). Return `true` to
   * keep the connection open for writing; otherwise the transport closes.
   *
   * @returns `true` to keep the write side open.
   */
  eofReceived(): boolean | void {}
}

/**
 * A stream protocol that receives data directly into a buffer it owns,
 * saving a copy: the transport asks `getBuffer(sizeHint)`, reads into it, and
 * calls `bufferUpdated(nbytes)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BufferedProtocol } from "@asyncio/deno/protocols";
 * class Counter extends BufferedProtocol {
 *   buf = new Uint8Array(4096);
 *   total = 0;
 *   override getBuffer(_sizeHint: number) {
 *     return this.buf;
 *   }
 *   override bufferUpdated(nbytes: number) {
 *     this.total += nbytes;
 *   }
 * }
 * const c = new Counter();
 * c.bufferUpdated(c.getBuffer(-1).length);
 * assert(c.total === 4096);
 * ```
 */
export class BufferedProtocol extends BaseProtocol {
  /**
   * Called once when the connection is made.
   *
   * @param _transport The transport of the new connection.
   */
  override connectionMade(_transport: Transport): void {}

  /**
   * Returns the buffer the next read goes into (at least one byte long).
   *
   * @param _sizeHint The recommended minimum size, or -1 for any size.
   * @returns A buffer.
   */
  getBuffer(_sizeHint: number): Uint8Array {
    return new Uint8Array(65536);
  }

  /**
   * Called when `nbytes` bytes were written at the start of the last buffer.
   *
   * @param _nbytes How many bytes arrived.
   */
  bufferUpdated(_nbytes: number): void {}

  /**
   * Called when the peer has finished sending. Return `true` to keep the
   * write side open.
   *
   * @returns `true` to keep the write side open.
   */
  eofReceived(): boolean | void {}
}

/**
 * A datagram (UDP) protocol.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DatagramProtocol } from "@asyncio/deno/protocols";
 * const seen: string[] = [];
 * class Recorder extends DatagramProtocol {
 *   override datagramReceived(data: Uint8Array, addr: [string, number]) {
 *     seen.push(`${new TextDecoder().decode(data)} from ${addr[0]}`);
 *   }
 * }
 * new Recorder().datagramReceived(new TextEncoder().encode("hi"), ["127.0.0.1", 9]);
 * assert(seen[0] === "hi from 127.0.0.1");
 * ```
 */
export class DatagramProtocol extends BaseProtocol {
  /**
   * Called once when the endpoint is ready.
   *
   * @param _transport The datagram transport.
   */
  override connectionMade(_transport: DatagramTransport): void {}

  /**
   * Called with every datagram received.
   *
   * @param _data The payload.
   * @param _addr The sender's address: `[host, port]`, or for IPv6
   *   `[host, port, flowinfo, scopeId]`.
   */
  datagramReceived(_data: Uint8Array, _addr: InetAddress | Inet6Address): void {}

  /**
   * Called when a send or receive operation fails (the endpoint stays open).
   *
   * @param _exc The error.
   */
  errorReceived(_exc: Error): void {}
}

/**
 * The protocol of a child process: data from its pipes, their closing, and
 * its exit. `connectionLost` comes last, once the process has exited and
 * every pipe is closed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SubprocessProtocol } from "@asyncio/deno/protocols";
 * const events: string[] = [];
 * class Watch extends SubprocessProtocol {
 *   override processExited() {
 *     events.push("exited");
 *   }
 * }
 * new Watch().processExited();
 * assert(events[0] === "exited");
 * ```
 */
export class SubprocessProtocol extends BaseProtocol {
  /**
   * Called once when the process has started.
   *
   * @param _transport The subprocess transport.
   */
  override connectionMade(_transport: SubprocessTransport): void {}

  /**
   * Called with data the child wrote to its stdout (1) or stderr (2).
   *
   * @param _fd The pipe: 1 or 2.
   * @param _data The bytes.
   */
  pipeDataReceived(_fd: number, _data: Uint8Array): void {}

  /**
   * Called when one of the child's pipes is closed.
   *
   * @param _fd The pipe: 0, 1 or 2.
   * @param _exc The error, or `null` on a regular close.
   */
  pipeConnectionLost(_fd: number, _exc: Error | null): void {}

  /** Called when the child process has exited. */
  processExited(): void {}
}
