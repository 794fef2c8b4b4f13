/**
 * Protocols and transports: the callback-style layer under streams, for
 * the loop's low-level I/O methods (`loop.createConnection`,
 * `loop.createServer`, `loop.createDatagramEndpoint`,
 * `loop.subprocessExec`, `loop.connectReadPipe`, ...). A protocol receives
 * events (`connectionMade`, `dataReceived`, `connectionLost`); the
 * transport it is given writes and closes. The transport classes here are
 * the interfaces asyncio declares (`Transport`, `DatagramTransport`, ...),
 * with `getExtraInfo()` typed by key; the concrete transports are internal.
 *
 * @example An echo server and a client, with protocols
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run } from "@asyncio/deno";
 * import { Protocol, type Transport } from "@asyncio/deno/protocols";
 *
 * class Echo extends Protocol {
 *   transport: Transport | null = null;
 *   override connectionMade(transport: Transport) {
 *     this.transport = transport;
 *   }
 *   override dataReceived(data: Uint8Array) {
 *     this.transport!.write(data);
 *     this.transport!.close();
 *   }
 * }
 *
 * class Client extends Protocol {
 *   received = "";
 *   done = getRunningLoop().createFuture<string>();
 *   override connectionMade(transport: Transport) {
 *     transport.write(new TextEncoder().encode("hello"));
 *   }
 *   override dataReceived(data: Uint8Array) {
 *     this.received += new TextDecoder().decode(data);
 *   }
 *   override connectionLost() {
 *     this.done.setResult(this.received);
 *   }
 * }
 *
 * const reply = await run(function* () {
 *   const loop = getRunningLoop();
 *   const server = yield* loop.createServer(() => new Echo(), "127.0.0.1", 0);
 *   const [, port] = server.sockets[0].getsockname();
 *   const [, client] = yield* loop.createConnection(() => new Client(), "127.0.0.1", port);
 *   const text = yield* client.done;
 *   server.close();
 *   yield* server.waitClosed();
 *   return text;
 * }());
 * assert.equal(reply, "hello");
 * ```
 *
 * @module
 */

export {
  BaseProtocol,
  BufferedProtocol,
  DatagramProtocol,
  Protocol,
  SubprocessProtocol,
} from "./core/protocols.ts";
export {
  type Address,
  type AddressOf,
  BaseTransport,
  type DatagramExtraInfo,
  DatagramTransport,
  type ExtraInfo,
  type FamilyAddresses,
  type Inet6Address,
  type InetAddress,
  type PipeExtraInfo,
  ReadTransport,
  type SocketExtraInfo,
  type StreamAddress,
  type SubprocessExtraInfo,
  SubprocessTransport,
  Transport,
  type TransportSocket,
  WriteTransport,
} from "./core/transports.ts";
export { AbstractServer } from "./net/server.ts";
export { StreamReaderProtocol, type StreamReaderProtocolOptions } from "./net/streams.ts";
export { SubprocessStreamProtocol } from "./process/subprocess.ts";
