/**
 * asyncio for Deno: Python asyncio's event loop layer on Deno's own APIs.
 * Loops, policies, futures, tasks with real cancellation, and a virtual-time
 * loop for deterministic tests. Coroutines are generator functions driven by
 * tasks: `yield*` a future, a task or another coroutine to await it.
 *
 * @example Tasks, timers and cancellation
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTask, gather, run, sleep } from "@asyncio/deno";
 *
 * function* worker(name: string, delay: number) {
 *   yield* sleep(delay);
 *   return `${name} done`;
 * }
 *
 * const results = await run(function* () {
 *   const slow = createTask(worker("slow", 10));
 *   const both = yield* gather(worker("a", 0.01), worker("b", 0.02));
 *   slow.cancel();
 *   return both;
 * }());
 * assert(results.join() === "a done,b done");
 * ```
 *
 * @module
 */

export * from "./loops/core/exceptions.ts";
export {
  AbstractEventLoop,
  type Awaitable,
  type Clock,
  type Coroutine,
  type ExceptionContext,
  type ExceptionHandler,
  getRunningLoop,
  Handle,
  type IoMethodName,
  type IoServices,
  type LoopOptions,
  realClock,
  type TaskFactory,
  TimerHandle,
} from "./loops/core/events.ts";
export {
  BaseEventLoop,
  type BaseEventLoopOptions,
  type IoStarter,
  type Runnable,
} from "./loops/core/base_event_loop.ts";
export { Future, type FutureOptions, wrapFuture } from "./loops/core/futures.ts";
export {
  abortSignal,
  allTasks,
  type AwaitableCoroutine,
  createEagerTaskFactory,
  createTask,
  currentTask,
  eagerTaskFactory,
  ensureFuture,
  Task,
  type TaskConstructorOptions,
  type TaskOptions,
} from "./loops/core/tasks.ts";
export { sleep, type SleepOptions } from "./loops/flow/sleep.ts";
export {
  gather,
  GatheringFuture,
  type GatherOptions,
  type GatherResults,
} from "./loops/flow/gather.ts";
export {
  ALL_COMPLETED,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  type ReturnWhen,
  wait,
  waitFor,
  type WaitOptions,
} from "./loops/flow/wait.ts";
export { shield } from "./loops/flow/shield.ts";
export {
  Timeout,
  timeout,
  timeoutAt,
  type TimeoutBody,
  type TimeoutOptions,
} from "./loops/flow/timeouts.ts";
export { TaskGroup, taskGroup, type TaskGroupBody } from "./loops/flow/taskgroups.ts";
export { ExceptionGroup, type ExceptionGroupCondition } from "./loops/flow/exception_group.ts";
export {
  asCompleted,
  type AsCompletedIterator,
  type AsCompletedOptions,
  type DoneFuture,
} from "./loops/flow/as_completed.ts";
export { isCoroutine, isCoroutineFunction, isFuture } from "./loops/flow/inspect.ts";
export {
  Barrier,
  BoundedSemaphore,
  BrokenBarrierError,
  Condition,
  Event,
  Lock,
  Semaphore,
} from "./loops/flow/locks.ts";
export {
  LifoQueue,
  PriorityQueue,
  type PriorityQueueOptions,
  Queue,
  QueueEmpty,
  QueueFull,
  type QueueOptions,
  QueueShutDown,
} from "./loops/flow/queues.ts";
export {
  BaseProtocol,
  BufferedProtocol,
  DatagramProtocol,
  Protocol,
  SubprocessProtocol,
} from "./loops/core/protocols.ts";
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
} from "./loops/core/transports.ts";
export { AbstractServer, Server, type ServerSocket } from "./loops/net/server.ts";
export { type StreamConn, StreamTransport } from "./loops/net/transports/stream.ts";
export {
  createDefaultContext,
  type SSLArg,
  SSLContext,
  type SSLPurpose,
  type VerifyMode,
} from "./loops/net/ssl.ts";
export type { ConnectAcceptedSocketOptions, SendfileOptions } from "./loops/core/io_options.ts";
export type {
  CreateConnectionOptions,
  CreateServerOptions,
  CreateUnixConnectionOptions,
  CreateUnixServerOptions,
  StartTlsOptions,
} from "./loops/core/io_options.ts";
export type { SocketLike, SSLContextLike } from "./loops/core/io_types.ts";
export {
  type AddrInfo,
  AF_INET,
  AF_INET6,
  AF_UNIX,
  AF_UNSPEC,
  type GetaddrinfoOptions,
  IPPROTO_TCP,
  IPPROTO_UDP,
  SOCK_DGRAM,
  SOCK_RAW,
  SOCK_STREAM,
  type SockAddr,
} from "./loops/net/resolve.ts";
export * from "./loops/net/os_errors.ts";
export type { IoLoopOptions } from "./loops/io.ts";
export { SelectorEventLoop, type SelectorEventLoopOptions } from "./loops/selector_event_loop.ts";
export { ProactorEventLoop } from "./loops/proactor_event_loop.ts";
export { TestLoop, type TestLoopOptions, VirtualClock } from "./loops/testing/test_loop.ts";
export {
  AbstractEventLoopPolicy,
  DefaultEventLoopPolicy,
  getEventLoop,
  getEventLoopPolicy,
  newEventLoop,
  setEventLoop,
  setEventLoopPolicy,
} from "./policy/policy.ts";
export { type Main, run, Runner, type RunnerOptions, type RunOptions } from "./policy/runner.ts";
export {
  currentPlatform,
  detectPlatform,
  OS_NAMES,
  type OsName,
  type Platform,
  simulatePlatform,
  type SimulatePlatformOptions,
} from "./platform/detect.ts";
export { darwinMajor, macosVersion } from "./platform/darwin.ts";
export {
  availableSelectors,
  type ConcreteSelectorName,
  resolveSelector,
  SELECTOR_NAMES,
  selectorAvailable,
  type SelectorName,
} from "./platform/selectors.ts";
export {
  type DarwinKernelRange,
  type Feature,
  FEATURES,
  LOOP_KINDS,
  type LoopKind,
  type MatrixRow,
  matrixRows,
  type ObjectKind,
} from "./platform/matrix_rows.ts";
export {
  checkLoopAvailable,
  checkSupported,
  loopAvailability,
  loopAvailable,
  type Support,
  type SupportDetails,
  type SupportQuery,
  supports,
} from "./platform/matrix.ts";
export { renderMatrix } from "./platform/matrix_table.ts";
export {
  type ChildExitCallback,
  type ChildWatcherLike,
  type DefaultEventLoopPolicyOptions,
} from "./policy/policy.ts";
export { UdpTransport } from "./loops/net/transports/datagram.ts";
export type { CreateDatagramEndpointOptions } from "./loops/core/io_options.ts";
export {
  type ClientConnectedCallback,
  DEFAULT_LIMIT,
  openConnection,
  type OpenConnectionOptions,
  openStreams,
  openUnixConnection,
  type OpenUnixConnectionOptions,
  type Separator,
  startServer,
  type StartServerOptions,
  startUnixServer,
  type StartUnixServerOptions,
  type StreamLimitOption,
  StreamReader,
  type StreamReaderOptions,
  StreamReaderProtocol,
  type StreamReaderProtocolOptions,
  type StreamStartTlsOptions,
  StreamWriter,
} from "./loops/net/streams.ts";
export { type PipeTransportOptions, ReadPipeTransport } from "./loops/process/read_pipe.ts";
export { WritePipeTransport } from "./loops/process/write_pipe.ts";
export type { ReadableFile, ReadPipe, WritableFile, WritePipe } from "./loops/process/pipe_ends.ts";
export {
  type Executor,
  InlineExecutor,
  isExecutor,
  type ModuleTask,
  moduleTask,
  type ShutdownOptions,
  type Work,
  type WorkFunction,
  type WorkResult,
} from "./loops/executor/executor.ts";
export {
  WorkerPoolExecutor,
  type WorkerPoolExecutorOptions,
} from "./loops/executor/worker_pool_executor.ts";
export {
  type FileDescriptorLike,
  SHUT_RD,
  SHUT_RDWR,
  SHUT_WR,
  Socket,
  type SocketAddress,
  type SocketState,
} from "./loops/net/socket.ts";
export {
  AbstractChildWatcher,
  type ChildCallback,
  PromiseChildWatcher,
  returncodeOf,
} from "./loops/process/child_watcher.ts";
export {
  createSubprocessExec,
  type CreateSubprocessOptions,
  createSubprocessShell,
  DEVNULL,
  PIPE,
  Process,
  type StdioOption,
  STDOUT,
  type SubprocessOptions,
  SubprocessStreamProtocol,
} from "./loops/process/subprocess.ts";
export { DenoSubprocessTransport } from "./loops/process/subprocess_transport.ts";
export {
  AI_ADDRCONFIG,
  AI_ALL,
  AI_CANONNAME,
  AI_NUMERICHOST,
  AI_NUMERICSERV,
  AI_PASSIVE,
  AI_V4MAPPED,
  EAI_ADDRFAMILY,
  EAI_BADFLAGS,
  EAI_FAMILY,
  EAI_NONAME,
  EAI_SERVICE,
  EAI_SOCKTYPE,
  NI_DGRAM,
  NI_NAMEREQD,
  NI_NOFQDN,
  NI_NUMERICHOST,
  NI_NUMERICSERV,
} from "./loops/net/resolve.ts";
