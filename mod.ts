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

export * from "./loops/exceptions.ts";
export {
  AbstractEventLoop,
  type Awaitable,
  type Clock,
  type Coroutine,
  type ExceptionContext,
  type ExceptionHandler,
  getRunningLoop,
  Handle,
  type LoopOptions,
  realClock,
  TimerHandle,
} from "./loops/events.ts";
export {
  BaseEventLoop,
  type IoStarter,
  type Runnable,
  type TaskFactory,
} from "./loops/base_event_loop.ts";
export { Future, type FutureOptions, wrapFuture } from "./loops/futures.ts";
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
} from "./loops/tasks.ts";
export { sleep, type SleepOptions } from "./loops/sleep.ts";
export { gather, GatheringFuture, type GatherOptions, type GatherResults } from "./loops/gather.ts";
export {
  ALL_COMPLETED,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  type ReturnWhen,
  wait,
  waitFor,
  type WaitOptions,
} from "./loops/wait.ts";
export { shield } from "./loops/shield.ts";
export {
  Timeout,
  timeout,
  timeoutAt,
  type TimeoutBody,
  type TimeoutOptions,
} from "./loops/timeouts.ts";
export { TaskGroup, taskGroup, type TaskGroupBody } from "./loops/taskgroups.ts";
export { ExceptionGroup, type ExceptionGroupCondition } from "./loops/exception_group.ts";
export {
  asCompleted,
  type AsCompletedIterator,
  type AsCompletedOptions,
  type DoneFuture,
} from "./loops/as_completed.ts";
export { isCoroutine, isCoroutineFunction, isFuture } from "./loops/inspect.ts";
export {
  Barrier,
  BoundedSemaphore,
  BrokenBarrierError,
  Condition,
  Event,
  Lock,
  Semaphore,
} from "./loops/locks.ts";
export {
  LifoQueue,
  PriorityQueue,
  type PriorityQueueOptions,
  Queue,
  QueueEmpty,
  QueueFull,
  type QueueOptions,
  QueueShutDown,
} from "./loops/queues.ts";
export {
  BaseProtocol,
  BufferedProtocol,
  DatagramProtocol,
  Protocol,
  SubprocessProtocol,
} from "./loops/protocols.ts";
export {
  type Address,
  BaseTransport,
  DatagramTransport,
  ReadTransport,
  SubprocessTransport,
  Transport,
  WriteTransport,
} from "./loops/transports.ts";
export { AbstractServer, Server, type ServerSocket } from "./loops/server.ts";
export { type StreamConn, StreamTransport } from "./loops/_transports/stream.ts";
export type { TransportSocket } from "./loops/_transports/tcp.ts";
export {
  createDefaultContext,
  type SSLArg,
  SSLContext,
  type SSLPurpose,
  type VerifyMode,
} from "./loops/ssl.ts";
export type { ConnectAcceptedSocketOptions } from "./loops/io_options.ts";
export type {
  CreateConnectionOptions,
  CreateServerOptions,
  CreateUnixConnectionOptions,
  CreateUnixServerOptions,
  StartTlsOptions,
} from "./loops/io_options.ts";
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
} from "./loops/resolve.ts";
export * from "./loops/os_errors.ts";
export { IoEventLoop, type IoLoopOptions } from "./loops/io_event_loop.ts";
export { NetEventLoop } from "./loops/_net_event_loop.ts";
export { SockEventLoop } from "./loops/_sock_event_loop.ts";
export { SelectorEventLoop, type SelectorEventLoopOptions } from "./loops/selector_event_loop.ts";
export { ProactorEventLoop } from "./loops/proactor_event_loop.ts";
export { TestLoop, type TestLoopOptions, VirtualClock } from "./loops/test_loop.ts";
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
  type ChildWatcherFactory,
  type ChildWatcherLike,
  type DefaultEventLoopPolicyOptions,
  isChildWatcherLike,
} from "./policy/policy.ts";
export { UdpTransport } from "./loops/_transports/datagram.ts";
export type { CreateDatagramEndpointOptions } from "./loops/io_options.ts";
export {
  type ClientConnectedCallback,
  DEFAULT_LIMIT,
  openConnection,
  type OpenConnectionOptions,
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
} from "./loops/streams.ts";
export { type PipeTransportOptions, ReadPipeTransport } from "./loops/_transports/pipe.ts";
export { WritePipeTransport } from "./loops/_transports/pipe_write.ts";
export type {
  ReadableFile,
  ReadPipe,
  WritableFile,
  WritePipe,
} from "./loops/_transports/_pipe_ends.ts";
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
} from "./loops/executor.ts";
export {
  WorkerPoolExecutor,
  type WorkerPoolExecutorOptions,
} from "./loops/worker_pool_executor.ts";
export {
  type FileDescriptorLike,
  Socket,
  type SocketAddress,
  type SocketState,
} from "./loops/socket.ts";
export {
  AbstractChildWatcher,
  type ChildCallback,
  PromiseChildWatcher,
  returncodeOf,
} from "./loops/child_watcher.ts";
import "./policy/default_child_watcher.ts";
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
} from "./loops/subprocess.ts";
export { DenoSubprocessTransport } from "./loops/_transports/subprocess.ts";
import "./policy/subprocess_watcher.ts";
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
} from "./loops/resolve.ts";
