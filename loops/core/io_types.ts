/**
 * The vocabulary of the loop's I/O signatures: what `AbstractEventLoop`
 * names in its socket, resolver, TLS, pipe, subprocess and executor methods.
 * Pure types, so that the core can declare the whole asyncio interface
 * without importing the layers that implement it (net/, process/,
 * executor/). Where a signature names one of their classes (`Socket`,
 * `SSLContext`), the core names the structural interface the class
 * implements here.
 *
 * @module
 */

/**
 * What the loop's socket methods need from a socket: the project's `Socket`
 * implements it. `sockAccept` returns a socket of the class it was given.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AF_INET, Socket, type SocketLike } from "@asyncio/deno/socket";
 * using sock = new Socket();
 * const like: SocketLike = sock;
 * assert(like.family === AF_INET && typeof like.fileno() === "number");
 * ```
 */
export interface SocketLike {
  /** `AF_INET`, `AF_INET6` or `AF_UNIX`. */
  readonly family: number;
  /** The socket type (`SOCK_STREAM`). */
  readonly type: number;
  /** The socket's number, unique in this process. */
  fileno(): number;
  /** Closes the socket. */
  close(): void;
}

/**
 * A socket address: `[host, port]` for `AF_INET`, `[host, port, flowinfo,
 * scopeId]` for `AF_INET6` (`[host, port]` is accepted as input), a path
 * for `AF_UNIX`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { SocketAddress } from "@asyncio/deno/socket";
 * const tcp: SocketAddress = ["127.0.0.1", 8080];
 * const unix: SocketAddress = "/tmp/app.sock";
 * assert(Array.isArray(tcp) && typeof unix === "string");
 * ```
 */
export type SocketAddress =
  | [host: string, port: number]
  | [host: string, port: number, flowinfo: number, scopeId: number]
  | string;

/**
 * What `addReader`/`addWriter` accept: a `Socket`, its `fileno()`, or a
 * Deno file or stdio stream (which the matrix may refuse, and which cannot
 * be watched on Deno: see `addReader`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type FileDescriptorLike, Socket } from "@asyncio/deno/socket";
 * using sock = new Socket();
 * const targets: FileDescriptorLike[] = [sock, sock.fileno(), Deno.stdin];
 * assert(targets.length === 3);
 * ```
 */
export type FileDescriptorLike =
  | SocketLike
  | number
  | Deno.FsFile
  | typeof Deno.stdin
  | typeof Deno.stdout
  | typeof Deno.stderr;

/** An IP socket address: `[host, port]` (IPv6: `[host, port, flowinfo, scopeId]`). */
export type SockAddr = [host: string, port: number] | [string, number, number, number];

/** One `getaddrinfo` result: `[family, type, proto, canonname, sockaddr]`. */
export type AddrInfo = [
  family: number,
  type: number,
  proto: number,
  canonname: string,
  sockaddr: SockAddr,
];

/** Options of `getaddrinfo`, as asyncio's keyword arguments. */
export interface GetaddrinfoOptions {
  /** `AF_INET`, `AF_INET6` or `AF_UNSPEC` (default). */
  family?: number;
  /** `SOCK_STREAM`, `SOCK_DGRAM`, `SOCK_RAW`, or 0 for every type (default). */
  type?: number;
  /** `IPPROTO_TCP`, `IPPROTO_UDP`, or 0 (default). */
  proto?: number;
  /** `AI_*` bits: `AI_PASSIVE`, `AI_CANONNAME`, `AI_NUMERICHOST`, `AI_NUMERICSERV`, `AI_V4MAPPED`, `AI_ALL`, `AI_ADDRCONFIG`. */
  flags?: number;
}

/**
 * What the loop's TLS methods accept as a context: the project's
 * `SSLContext` implements it (the loop refuses any other object with a
 * `TypeError`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SSLContext, type SSLContextLike } from "@asyncio/deno";
 * const ctx: SSLContextLike = new SSLContext();
 * assert(ctx.purpose === "serverAuth" && ctx.verifyMode === "CERT_REQUIRED");
 * ```
 */
export interface SSLContextLike {
  /** `"serverAuth"`: a client context; `"clientAuth"`: a server context. */
  readonly purpose: "serverAuth" | "clientAuth";
  /** `"CERT_NONE"`, `"CERT_OPTIONAL"` or `"CERT_REQUIRED"`. */
  readonly verifyMode: "CERT_NONE" | "CERT_OPTIONAL" | "CERT_REQUIRED";
  /** Whether the server's host name must match its certificate (clients). */
  checkHostname: boolean;
  /** The certificate chain (PEM), for servers or client authentication. */
  readonly certChain: string | null;
  /** Loads a certificate chain and its private key (PEM text). */
  loadCertChain(certfile: string, keyfile: string): void;
}

/**
 * A listening socket as `server.sockets` shows it.
 *
 * @typeParam A The address type: `InetAddress` for a TCP server (IPv6
 *   too: see `InetAddress`), a path for a Unix server.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run, type ServerSocket } from "@asyncio/deno";
 * import { Protocol } from "@asyncio/deno/protocols";
 * await run(async () => {
 *   await using server = await getRunningLoop().createServer(() => new Protocol(), "127.0.0.1", 0);
 *   const sock: ServerSocket = server.sockets[0];
 *   const [host, port] = server.sockets[0].getsockname();
 *   assert(sock.family === "AF_INET" && host === "127.0.0.1" && port > 0);
 * });
 * ```
 */
export interface ServerSocket<
  A extends [host: string, port: number] | string = [host: string, port: number] | string,
> {
  /** The family: `"AF_INET"`, `"AF_INET6"` or `"AF_UNIX"`. */
  readonly family: string;
  /**
   * The local address, as `getsockname()` would return it.
   *
   * @returns `[host, port]`, or the path of a Unix server.
   */
  getsockname(): A;
  /**
   * The socket's number: the given `Socket`'s `fileno()` for a server made
   * from `sock`, otherwise a number from the same counter (Deno exposes no
   * descriptors), unique in this process.
   */
  fileno(): number;
}

/**
 * A Deno file the read pipe transport can read: `Deno.stdin`, a `Deno.FsFile`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ReadableFile } from "@asyncio/deno";
 * const file: ReadableFile = Deno.stdin;
 * assert(typeof file.read === "function");
 * ```
 */
export interface ReadableFile {
  /** Reads into `p`; resolves with the byte count, or `null` at EOF. */
  read(p: Uint8Array): Promise<number | null>;
  /** Closes the file (a pending read is cancelled). */
  close(): void;
  /** Whether it is a terminal (a character device). */
  isTerminal?(): boolean;
}

/**
 * A Deno file the write pipe transport can write: `Deno.stdout`, a `Deno.FsFile`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { WritableFile } from "@asyncio/deno";
 * const file: WritableFile = Deno.stdout;
 * assert(typeof file.write === "function");
 * ```
 */
export interface WritableFile {
  /** Writes (part of) `p`; resolves with the byte count written. */
  write(p: Uint8Array): Promise<number>;
  /** Closes the file. */
  close(): void;
  /** Whether it is a terminal (a character device). */
  isTerminal?(): boolean;
}

/**
 * What `connectReadPipe` accepts: a Deno file or a byte stream.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ReadPipe } from "@asyncio/deno";
 * const pipes: ReadPipe[] = [Deno.stdin, ReadableStream.from<Uint8Array>([])];
 * assert(pipes.length === 2);
 * ```
 */
export type ReadPipe = ReadableFile | ReadableStream<Uint8Array>;
/**
 * What `connectWritePipe` accepts: a Deno file or a byte stream.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { WritePipe } from "@asyncio/deno";
 * const pipes: WritePipe[] = [Deno.stdout, new WritableStream<Uint8Array>()];
 * assert(pipes.length === 2);
 * ```
 */
export type WritePipe = WritableFile | WritableStream<Uint8Array>;

/**
 * Where a child's stdin, stdout or stderr goes: `PIPE` (-1), `DEVNULL`
 * (-3), or `null`/`"inherit"` (the parent's own stream).
 */
export type StdioOption = -1 | -3 | "inherit" | null;

/**
 * Options of `loop.subprocessExec()`/`subprocessShell()` (asyncio's keyword
 * arguments, camelCased). Popen options that Deno cannot honour are listed
 * so that passing them gives a clear error instead of being ignored.
 */
export interface SubprocessOptions {
  /** The child's stdin (low level default: `PIPE`). */
  stdin?: StdioOption;
  /** The child's stdout (low level default: `PIPE`). */
  stdout?: StdioOption;
  /** The child's stderr, or `STDOUT` (-2) to send it where stdout goes (low level default: `PIPE`). */
  stderr?: StdioOption | -2;
  /** The working directory of the child. */
  cwd?: string | URL | null;
  /**
   * The child's whole environment (as asyncio: it replaces the parent's).
   * With `clearEnv: false` it is added to the parent's environment instead.
   */
  env?: Record<string, string> | null;
  /**
   * Whether the child starts from an empty environment (plus `env`).
   * Default: `true` when `env` is given, else `false`.
   */
  clearEnv?: boolean;
  /** Run the child as this user id (Unix; an integer: names are not resolved). */
  user?: number | null;
  /** Run the child with this group id (Unix; an integer). */
  group?: number | null;
  /** Must be `false` for `subprocessExec` and `true` (or absent) for `subprocessShell`. */
  shell?: boolean;
  /** Must be 0 (asyncio: pipes are unbuffered). */
  bufsize?: number;
  /** Must be false: data is bytes. */
  universalNewlines?: boolean;
  /** Must be false: data is bytes. */
  text?: boolean | null;
  /** Must be null: data is bytes. */
  encoding?: string | null;
  /** Must be null: data is bytes. */
  errors?: string | null;
  /** Not supported: Deno runs no code in the child before exec. */
  preexecFn?: unknown;
  /** Only `true` (Deno always closes the parent's other descriptors). */
  closeFds?: boolean;
  /** Not supported: Deno passes no extra descriptors. */
  passFds?: readonly number[];
  /** Not supported: Deno cannot call setsid() in the child. */
  startNewSession?: boolean;
  /** Not supported: Deno cannot set the child's process group. */
  processGroup?: number | null;
  /** Not supported: Deno cannot set a different argv[0]. */
  executable?: string | null;
  /** Only `true` (Deno restores default signal dispositions in the child). */
  restoreSignals?: boolean;
  /** Not supported. */
  extraGroups?: readonly number[] | null;
  /** Only -1 (Deno does not set the child's umask). */
  umask?: number;
  /** Not supported (Windows Popen options). */
  startupinfo?: unknown;
  /** Not supported (Windows Popen options). */
  creationflags?: number;
  /** Not supported: Deno does not resize pipes. */
  pipesize?: number;
}

/** A function an executor can run: any arguments, any result. */
// deno-lint-ignore no-explicit-any
export type WorkFunction = (...args: any[]) => unknown;

/**
 * Work given as a module export: the worker imports `module` (an absolute
 * URL) and calls its export `export`. The type parameter only carries the
 * function's type for `submit`/`runInExecutor`; build one with `moduleTask`.
 */
export interface ModuleTask<F extends WorkFunction = WorkFunction> {
  /** The module's absolute URL (`new URL("../core/tasks.ts", import.meta.url)`). */
  readonly module: string | URL;
  /** The name of the exported function. */
  readonly export: string;
  /** @ignore Never set: carries the function type. */
  readonly _fn?: F;
}

/** What an executor runs: a function, or a module task for function `F`. */
export type Work<F extends WorkFunction> = F | ModuleTask<F>;

/** The settled result of work `F`. */
export type WorkResult<F extends WorkFunction> = Awaited<ReturnType<F>>;

/** Options of `Executor.shutdown`. */
export interface ShutdownOptions {
  /** Drop the work that has not started yet (it rejects with `CancelledError`). */
  cancelFutures?: boolean;
}

/**
 * An executor (Python's `concurrent.futures.Executor`): `submit` schedules
 * work and returns a promise of its result; `shutdown` stops it.
 *
 * @example A custom executor that runs functions on the main thread
 * ```ts
 * import assert from "node:assert/strict";
 * import { SelectorEventLoop } from "@asyncio/deno";
 * import { type Executor } from "@asyncio/deno/executor";
 * const direct: Executor = {
 *   async submit(work, ...args) {
 *     if (typeof work !== "function") throw new TypeError("functions only");
 *     return await work(...args) as never;
 *   },
 *   async shutdown() {},
 * };
 * const loop = new SelectorEventLoop();
 * const n = await loop.runUntilComplete(loop.runInExecutor(direct, (a: number) => a + 1, 1));
 * assert(n === 2);
 * loop.close();
 * ```
 */
export interface Executor {
  /** Schedules `work(...args)`; the promise settles with its outcome. */
  submit<F extends WorkFunction>(work: Work<F>, ...args: Parameters<F>): Promise<WorkResult<F>>;
  /**
   * Like `submit`; aborting `signal` drops the work if it has not started
   * (the promise rejects with `CancelledError`). Optional: `runInExecutor`
   * uses it when present so that cancelling its future drops queued work.
   */
  submitWithSignal?<F extends WorkFunction>(
    signal: AbortSignal,
    work: Work<F>,
    ...args: Parameters<F>
  ): Promise<WorkResult<F>>;
  /**
   * Accepts no more work. With `wait` (default) the promise resolves once
   * the scheduled work is done and the resources are released.
   */
  shutdown(wait?: boolean, options?: ShutdownOptions): Promise<void>;
}
