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

export {
  CancelledError,
  IncompleteReadError,
  InvalidStateError,
  KeyboardInterrupt,
  LimitOverrunError,
  type NotImplementedDetails,
  NotImplementedError,
  RuntimeError,
  SendfileNotAvailableError,
  TimeoutError,
} from "./loops/core/exceptions.ts";
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
  type TaskFactory,
  TimerHandle,
} from "./loops/core/events.ts";
export { BaseEventLoop, type BaseEventLoopOptions } from "./loops/core/base_event_loop.ts";
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
export { toThread } from "./loops/flow/threads.ts";
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
export { Server, type ServerSocket } from "./loops/net/server.ts";
export {
  createDefaultContext,
  type SSLArg,
  SSLContext,
  type SSLPurpose,
  type VerifyMode,
} from "./loops/net/ssl.ts";
export type {
  ConnectAcceptedSocketOptions,
  CreateConnectionOptions,
  CreateDatagramEndpointOptions,
  CreateServerOptions,
  CreateUnixConnectionOptions,
  CreateUnixServerOptions,
  SendfileOptions,
  StartTlsOptions,
} from "./loops/core/io_options.ts";
export type { SSLContextLike } from "./loops/core/io_types.ts";
export {
  BlockingIOError,
  BrokenPipeError,
  ChildProcessError,
  ConnectionAbortedError,
  ConnectionError,
  ConnectionRefusedError,
  ConnectionResetError,
  FileExistsError,
  FileNotFoundError,
  GaiError,
  InterruptedError,
  IsADirectoryError,
  NotADirectoryError,
  OSError,
  type OSErrorOptions,
  PermissionError,
  ProcessLookupError,
  SSLCertVerificationError,
  type SSLCertVerificationErrorOptions,
  SSLError,
  type SSLErrorOptions,
} from "./loops/net/os_errors.ts";
export type { IoLoopOptions } from "./loops/io.ts";
export { SelectorEventLoop, type SelectorEventLoopOptions } from "./loops/selector_event_loop.ts";
export { ProactorEventLoop } from "./loops/proactor_event_loop.ts";
export {
  AbstractEventLoopPolicy,
  type ChildExitCallback,
  type ChildWatcherLike,
  DefaultEventLoopPolicy,
  type DefaultEventLoopPolicyOptions,
  getEventLoop,
  getEventLoopPolicy,
  newEventLoop,
  setEventLoop,
  setEventLoopPolicy,
} from "./policy/policy.ts";
export { type Main, run, Runner, type RunnerOptions, type RunOptions } from "./policy/runner.ts";
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
  type StreamStartTlsOptions,
  StreamWriter,
} from "./loops/net/streams.ts";
export type { ReadableFile, ReadPipe, WritableFile, WritePipe } from "./loops/process/pipe_ends.ts";
export {
  AbstractChildWatcher,
  type ChildCallback,
  PromiseChildWatcher,
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
} from "./loops/process/subprocess.ts";

// Types owned by other entries that the signatures of this entry name,
// re-exported as types so that this entry's documentation stands alone
// (`deno doc --lint` of each entry). docs/names.md lists them under
// "Re-exported types" of this entry and each under the entry that owns it.
export type { SocketLike } from "./loops/core/io_types.ts";
export type { BaseProtocol } from "./loops/core/protocols.ts";
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
} from "./loops/core/transports.ts";
export type {
  Executor,
  ModuleTask,
  ShutdownOptions,
  Work,
  WorkFunction,
  WorkResult,
} from "./loops/executor/executor.ts";
export type { AddrInfo, GetaddrinfoOptions, SockAddr } from "./loops/net/resolve.ts";
export type { AbstractServer } from "./loops/net/server.ts";
export type { FileDescriptorLike, SocketAddress } from "./loops/net/socket.ts";
export type { OsName, Platform } from "./platform/detect.ts";
export type { SupportDetails } from "./platform/matrix.ts";
export type { Feature, LoopKind, ObjectKind } from "./platform/matrix_rows.ts";
export type { ConcreteSelectorName, SelectorName } from "./platform/selectors.ts";
