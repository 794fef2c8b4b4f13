/**
 * Testing with loops: `TestLoop`, an event loop on virtual time (timers
 * fire without waiting: when nothing is ready the clock jumps to the next
 * deadline), its `VirtualClock`, and the loop conformance suite
 * (`defineLoopConformance`) that registers the behaviour every loop built
 * on `BaseEventLoop` must share as Deno tests, for another loop
 * implementation.
 *
 * @example An hour of timers in no time
 * ```ts
 * import assert from "node:assert/strict";
 * import { run, sleep, waitFor, TimeoutError } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 *
 * const outcome = await run(function* () {
 *   try {
 *     yield* waitFor(sleep(3600), 60);
 *     return "finished";
 *   } catch (e) {
 *     if (e instanceof TimeoutError) return "timed out after 60 virtual seconds";
 *     throw e;
 *   }
 * }(), { loopFactory: () => new TestLoop() });
 * assert.equal(outcome, "timed out after 60 virtual seconds");
 * ```
 *
 * @module
 */

export { realClock } from "../core/events.ts";
export { TestLoop, type TestLoopOptions, VirtualClock } from "./test_loop.ts";
export {
  type ConformanceTest,
  defineLoopConformance,
  type LoopConformanceOptions,
  type LoopFactory,
} from "./conformance.ts";

// Types owned by other entries that the signatures of this entry name,
// re-exported as types so that this entry's documentation stands alone
// (`deno doc --lint` of each entry). docs/names.md lists them under
// "Re-exported types" of this entry and each under the entry that owns it.
export type { OsName, Platform } from "../../platform/detect.ts";
export type { SupportDetails } from "../../platform/matrix.ts";
export type { Feature, LoopKind, ObjectKind } from "../../platform/matrix_rows.ts";
export type { ConcreteSelectorName, SelectorName } from "../../platform/selectors.ts";
export type { BaseEventLoop } from "../core/base_event_loop.ts";
export type {
  AbstractEventLoop,
  Awaitable,
  Clock,
  Coroutine,
  ExceptionContext,
  ExceptionHandler,
  Handle,
  LoopOptions,
  TaskFactory,
  TimerHandle,
} from "../core/events.ts";
export type { Future } from "../core/futures.ts";
export type {
  ConnectAcceptedSocketOptions,
  CreateConnectionOptions,
  CreateDatagramEndpointOptions,
  CreateServerOptions,
  CreateUnixConnectionOptions,
  CreateUnixServerOptions,
  SendfileOptions,
  StartTlsOptions,
} from "../core/io_options.ts";
export type { SocketLike, SSLContextLike } from "../core/io_types.ts";
export type { BaseProtocol } from "../core/protocols.ts";
export type { Task, TaskOptions } from "../core/tasks.ts";
export type {
  Address,
  AddressOf,
  BaseTransport,
  DatagramExtraInfo,
  DatagramTransport,
  ExtraInfo,
  FamilyAddresses,
  Inet6Address,
  InetAddress,
  PipeExtraInfo,
  ReadTransport,
  SocketExtraInfo,
  StreamAddress,
  SubprocessExtraInfo,
  SubprocessTransport,
  Transport,
  TransportSocket,
  WriteTransport,
} from "../core/transports.ts";
export type {
  Executor,
  ModuleTask,
  ShutdownOptions,
  Work,
  WorkFunction,
  WorkResult,
} from "../executor/executor.ts";
export type { IoLoopOptions } from "../io.ts";
export type { AddrInfo, GetaddrinfoOptions, SockAddr } from "../net/resolve.ts";
export type { AbstractServer, ServerSocket } from "../net/server.ts";
export type { FileDescriptorLike, SocketAddress } from "../net/socket.ts";
export type { ReadableFile, ReadPipe, WritableFile, WritePipe } from "../process/pipe_ends.ts";
export type { StdioOption, SubprocessOptions } from "../process/subprocess.ts";
export type { SelectorEventLoopOptions } from "../selector_event_loop.ts";
