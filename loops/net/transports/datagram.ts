// UDP: the datagram transport. The socket itself is one of two backends
// (datagram_backend.ts); `createDatagramEndpoint`'s work is in
// datagram_endpoint.ts. Everything asyncio specifies about the transport
// happens here, the same for both backends.
//
// Receiving: each datagram is queued and the transport itself is put on the
// ready queue once per datagram, so delivery keeps arrival order and costs no
// handle. Sending: one datagram in flight at a time (the backends reorder
// concurrent sends), the rest queued, with asyncio's flow control.

import type { BaseEventLoop } from "../../core/base_event_loop.ts";
import type { BaseProtocol, DatagramProtocol } from "../../core/protocols.ts";
import {
  type Address,
  type DatagramExtraInfo,
  DatagramTransport,
  type Inet6Address,
  type InetAddress,
} from "../../core/transports.ts";
import { RingQueue } from "../../core/ring_queue.ts";
import { mapIoError } from "../errors.ts";
import { describe } from "../../core/checks.ts";
import { toBytes } from "./stream.ts";
import {
  type DatagramBackend,
  datagramExtra,
  type DatagramSink,
  sockaddr,
} from "./datagram_backend.ts";
import { FlowControlTransport } from "./base.ts";

/** What each queued datagram adds to the write buffer size besides its bytes (asyncio's). */
const HEADER_SIZE = 8;

/** A peer as the transport keeps it: numeric host and port. */
interface Peer {
  host: string;
  port: number;
}

interface Outgoing {
  data: Uint8Array;
  host: string;
  port: number;
}

/**
 * Checks a `[host, port]` address; returns `[host, port]`, or throws
 * TypeError/RangeError. `sizes`: the lengths allowed (an IPv6 destination
 * may carry flowinfo and scope id; asyncio's endpoint addresses are pairs).
 */
export function checkAddr(addr: unknown, name: string, sizes: number[] = [2, 4]): [string, number] {
  if (!Array.isArray(addr) || !sizes.includes(addr.length)) {
    const what = sizes.length === 1
      ? "a [host, port] pair (asyncio: 2-tuple is expected)"
      : "[host, port]";
    throw new TypeError(`${name} must be ${what}: got ${describe(addr)}`);
  }
  if (typeof addr[0] !== "string" || addr[0] === "") {
    throw new TypeError(`${name}[0] must be a host name or address: got ${describe(addr[0])}`);
  }
  const port = addr[1];
  if (typeof port !== "number" || !Number.isInteger(port)) {
    throw new TypeError(`${name}[1] must be an integer port: got ${describe(port)}`);
  }
  if (port < 0 || port > 65535) throw new RangeError(`${name}[1] must be 0-65535: got ${port}`);
  return [addr[0], port];
}

/**
 * A UDP endpoint's transport, made by `loop.createDatagramEndpoint()`; not
 * meant to be constructed directly. Besides `DatagramTransport`'s API it has
 * the flow-control water marks of asyncio's datagram transports.
 *
 * Differences from asyncio: a "connected" endpoint (`remoteAddr`) is
 * emulated — Deno cannot connect a UDP socket — so datagrams from other
 * addresses are dropped by the transport rather than the OS, and an ICMP
 * "port unreachable" is not reported as `ConnectionRefusedError`.
 *
 * `getExtraInfo` keys (`DatagramExtraInfo`): `sockname`, `peername` (the
 * remote address of a connected endpoint, else `null`), `socket`, and
 * `backend` (`"deno"` or `"node"`, the route to the socket).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SelectorEventLoop } from "@asyncio/deno";
 * import { DatagramProtocol } from "@asyncio/deno/protocols";
 * import { UdpTransport } from "./datagram.ts";
 * const loop = new SelectorEventLoop();
 * const lost = loop.createFuture<void>();
 * class Quiet extends DatagramProtocol {
 *   override connectionLost() {
 *     lost.setResult(undefined);
 *   }
 * }
 * const [transport] = await loop.runUntilComplete(
 *   loop.createDatagramEndpoint(() => new Quiet(), { localAddr: ["127.0.0.1", 0] }),
 * );
 * assert(transport instanceof UdpTransport);
 * transport.close();
 * await loop.runUntilComplete(lost);
 * loop.close();
 * ```
 */
export class UdpTransport extends FlowControlTransport<DatagramExtraInfo>
  implements DatagramTransport<DatagramExtraInfo> {
  /** @ignore A `DatagramTransport`. */
  static override readonly _implements: readonly (abstract new (...args: never[]) => object)[] = [
    DatagramTransport,
  ];
  #backend: DatagramBackend;
  /** Where `sendto()` without an address goes. */
  #remote: Peer | null;
  /** Another spelling of the remote host `sendto()` accepts (the one given). */
  #remoteAlias: string | null;
  /** Whether datagrams from other addresses are dropped (a connected endpoint). */
  #filter: boolean;

  #received = new RingQueue<[Uint8Array, InetAddress | Inet6Address]>(16);
  #queue = new RingQueue<Outgoing>(16);
  #sending: Promise<void> | null = null;
  #bufferSize = 0;
  #finishing = false;

  /** @ignore */
  constructor(
    loop: BaseEventLoop,
    backend: DatagramBackend,
    protocol: BaseProtocol,
    remote: { peer: Peer; alias: string; connected: boolean } | null,
  ) {
    const filter = remote?.connected ?? false;
    super(loop, protocol, datagramExtra(backend, filter ? remote!.peer : null));
    this.#backend = backend;
    this.#remote = remote?.peer ?? null;
    this.#remoteAlias = remote?.alias ?? null;
    this.#filter = filter;
    // An open endpoint is host work in progress (its receive), as a stream's read is.
    loop._pendingIo++;
  }

  /** @ignore Starts receiving, once `connectionMade` ran (unless it closed the endpoint). */
  override _startReading(): void {
    if (!this._closing) this.#backend.start(this.#sink);
  }

  // ---- receiving ------------------------------------------------------------

  #sink: DatagramSink = {
    datagram: (data, host, port) => {
      if (this._closing || this._loop.isClosed()) return;
      const remote = this.#remote;
      if (this.#filter && (host !== remote!.host || port !== remote!.port)) return;
      this.#received.push([data, sockaddr(host, port)]);
      this._loop._callSoonRunnable(this);
    },
    error: (e) => {
      if (this._closing || this._loop.isClosed()) return;
      this.#reportError(mapIoError(e, "recvfrom() on a datagram socket"));
    },
  };

  /**
   * Delivers the oldest received datagram; the loop calls it. As asyncio
   * (which calls datagram_received outside its error handling), an
   * exception from the protocol is reported and the endpoint keeps
   * receiving.
   *
   * @ignore
   */
  _run(): void {
    if (this.#received.length === 0 || this._closing) return;
    const [data, addr] = this.#received.shift();
    this._callProtocol(
      "datagramReceived",
      () => (this._protocol as DatagramProtocol).datagramReceived(data, addr),
    );
  }

  #reportError(exc: Error): void {
    this._loop.callSoon(() => {
      if (this.#finishing) return;
      this._callProtocol(
        "errorReceived",
        () => (this._protocol as DatagramProtocol).errorReceived(exc),
      );
    });
  }

  // ---- sending --------------------------------------------------------------

  /**
   * Sends one datagram (an empty one too). Datagrams are queued and handed
   * to the OS one at a time, in order; a failure goes to the protocol's
   * `errorReceived()` and the endpoint stays open. After the endpoint is
   * closed, datagrams are dropped (with a warning after a few attempts).
   *
   * @param data The payload.
   * @param addr The destination `[host, port]`; required unless the
   *   endpoint has a `remoteAddr`, and then it must be that address if given.
   * @throws {TypeError} If `data` is not a byte buffer, or `addr` is missing
   *   or malformed.
   * @throws {RangeError} If `addr` differs from the endpoint's `remoteAddr`
   *   (asyncio's ValueError), or its port is out of range.
   */
  sendto(data: Uint8Array, addr?: Address | null): void {
    const bytes = toBytes(data);
    const [host, port] = this.#destination(addr);
    if (this._connLost > 0) {
      this._dropWrite("socket.send() raised exception.");
      return;
    }
    // The backend reads the buffer when the send happens: keep our own copy.
    this.#queue.push({ data: bytes.slice(), host, port });
    this.#bufferSize += bytes.length + HEADER_SIZE;
    if (this.#sending === null) this.#sendNext();
    this._maybePauseProtocol();
  }

  #destination(addr: Address | null | undefined): [string, number] {
    const remote = this.#remote;
    if (remote === null) {
      if (addr === undefined || addr === null) {
        throw new TypeError("sendto() needs an address: the endpoint has no remoteAddr");
      }
      return checkAddr(addr, "addr");
    }
    if (addr !== undefined && addr !== null) {
      const [host, port] = checkAddr(addr, "addr");
      if (port !== remote.port || (host !== remote.host && host !== this.#remoteAlias)) {
        throw new RangeError(
          `Invalid address: must be null or ${JSON.stringify([remote.host, remote.port])}: ` +
            `got ${JSON.stringify([host, port])}`,
        );
      }
    }
    return [remote.host, remote.port];
  }

  #sendNext(): void {
    const item = this.#queue.shift();
    this._loop._pendingIo++;
    this.#sending = this.#backend.send(item.data, item.host, item.port).then(
      () => this.#onSent(item, null),
      (e) => this.#onSent(item, e ?? new Error("send failed")),
    );
  }

  #onSent(item: Outgoing, err: unknown): void {
    this._loop._pendingIo--;
    this.#sending = null;
    if (this.#finishing) return; // aborted: the buffer was dropped
    this.#bufferSize -= item.data.length + HEADER_SIZE;
    if (err !== null && !this._loop.isClosed()) {
      const where = JSON.stringify([item.host, item.port]);
      this.#reportError(mapIoError(err, `sendto(${where})`));
    }
    if (this.#queue.length > 0) this.#sendNext();
    this._maybeResumeProtocol();
    if (this._closing && this.#sending === null) this.#finish(null);
  }

  /**
   * Bytes queued or being sent, plus 8 per datagram (asyncio's accounting):
   * what the water marks of `setWriteBufferLimits()` apply to.
   *
   * @returns The size.
   */
  override getWriteBufferSize(): number {
    return this.#bufferSize;
  }

  // ---- closing --------------------------------------------------------------

  /**
   * Closes the endpoint: no more datagrams are delivered, queued ones are
   * still sent, then the socket is closed and `connectionLost(null)` called.
   */
  override close(): void {
    if (this._closing) return;
    this._closing = true;
    this.#received.clear();
    if (this.#sending === null) this.#finish(null);
  }

  /** @ignore Closes at once: queued datagrams are dropped; `connectionLost(exc)` follows. */
  _forceClose(exc: Error | null): void {
    if (this.#finishing) return;
    this._closing = true;
    this.#received.clear();
    this.#queue.clear();
    this.#bufferSize = 0;
    this.#finish(exc);
  }

  // Closes the socket, waits until its receive and any send in flight have
  // settled (no operation outlives the endpoint), then calls connectionLost
  // exactly once.
  #finish(exc: Error | null): void {
    if (this.#finishing) return;
    this.#finishing = true;
    this._connLost++;
    const sending = this.#sending ?? undefined;
    Promise.all([this.#backend.close(), sending]).then(() => {
      this._loop._pendingIo--;
      this._scheduleConnectionLost(exc);
    });
  }

  /** @ignore `<UdpTransport 127.0.0.1:5353 open>`: the address, then the state. */
  override _describe(): string[] {
    const state = this.#finishing ? "closed" : this._closing ? "closing" : "open";
    return [`${this.#backend.host}:${this.#backend.port}`, state];
  }
}
