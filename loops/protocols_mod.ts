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

// Types owned by other entries that the signatures of this entry name,
// re-exported as types so that this entry's documentation stands alone
// (`deno doc --lint` of each entry). docs/names.md lists them under
// "Re-exported types" of this entry and each under the entry that owns it.
export type {
  AbstractEventLoop,
  Awaitable,
  Coroutine,
  ExceptionContext,
  ExceptionHandler,
  Handle,
  TaskFactory,
  TimerHandle,
} from "./core/events.ts";
export type { Future } from "./core/futures.ts";
export type {
  ConnectAcceptedSocketOptions,
  CreateConnectionOptions,
  CreateDatagramEndpointOptions,
  CreateServerOptions,
  CreateUnixConnectionOptions,
  CreateUnixServerOptions,
  SendfileOptions,
  StartTlsOptions,
} from "./core/io_options.ts";
export type { SocketLike, SSLContextLike } from "./core/io_types.ts";
export type { Task, TaskOptions } from "./core/tasks.ts";
export type {
  Executor,
  ModuleTask,
  ShutdownOptions,
  Work,
  WorkFunction,
  WorkResult,
} from "./executor/executor.ts";
export type { AddrInfo, GetaddrinfoOptions, SockAddr } from "./net/resolve.ts";
export type { ServerSocket } from "./net/server.ts";
export type { FileDescriptorLike, SocketAddress } from "./net/socket.ts";
export type { SSLContext, SSLPurpose, VerifyMode } from "./net/ssl.ts";
export type {
  Separator,
  StreamReader,
  StreamStartTlsOptions,
  StreamWriter,
} from "./net/streams.ts";
export type { ReadableFile, ReadPipe, WritableFile, WritePipe } from "./process/pipe_ends.ts";
export type { StdioOption, SubprocessOptions } from "./process/subprocess.ts";
