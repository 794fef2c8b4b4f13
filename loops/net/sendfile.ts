// The bodies of `loop.sendfile()` and `loop.sockSendfile()`, as asyncio's
// base_events.py has them. Deno has no zero-copy sendfile (no os.sendfile,
// no TransmitFile), so the "native" path of a transport that would try it
// (a TCP or Unix stream transport: asyncio's TRY_NATIVE) and of a socket
// raises SendfileNotAvailableError, and the fallback does the work as
// asyncio's does: read the file in blocks, write each one (a transport,
// respecting its flow control) or `sockSendall` it (a socket), then leave
// the file's position just after what was sent.

import type { BaseEventLoop } from "../core/base_event_loop.ts";
import type { Coroutine } from "../core/events.ts";
import { RuntimeError, SendfileNotAvailableError } from "../core/exceptions.ts";
import { type Future, wrapFuture } from "../core/futures.ts";
import type { SendfileOptions } from "../core/io_options.ts";
import { type BaseProtocol, Protocol } from "../core/protocols.ts";
import type { BaseTransport } from "../core/transports.ts";
import { Task } from "../core/tasks.ts";
import { describe } from "../core/checks.ts";
import { ConnectionError } from "./os_errors.ts";
import { SOCK_STREAM } from "./resolve.ts";
import { asSocket, checkNotOwned } from "./sock_ops.ts";
import type { Socket } from "./socket.ts";
import { FlowControlTransport } from "./transports/base.ts";

/**
 * What a transport says of sendfile (asyncio's `_SendfileMode`), in its
 * `_sendfileCompatible` property; a transport without one is unsupported.
 */
export type SendfileMode = "unsupported" | "tryNative" | "fallback";

/**
 * The block size of the transport fallback: 64 KiB, where asyncio reads
 * 16 KiB. Each block costs a trip to the host (the file read); measured on
 * 64 MB over loopback, 16 KiB blocks sent at 22-29% of the speed of a
 * plain-Deno `file.readable.pipeTo(conn.writable)` in the same run, 64 KiB
 * blocks at 49-67%.
 */
export const TRANSPORT_BLOCK_SIZE = 64 * 1024;
/** The block size of the socket fallback (asyncio's SENDFILE_FALLBACK_READBUFFER_SIZE). */
const SOCKET_BLOCK_SIZE = 256 * 1024;

function checkOpenLoop(loop: BaseEventLoop): void {
  if (loop.isClosed()) throw new RuntimeError("Event loop is closed");
}

function fallbackOption(options: SendfileOptions): boolean {
  const fallback = options?.fallback ?? true;
  if (typeof fallback !== "boolean") {
    throw new TypeError(`options.fallback must be a boolean: got ${describe(fallback)}`);
  }
  return fallback;
}

/** asyncio's `_check_sendfile_params` for a file, an offset and a count (ValueError: RangeError). */
function checkParams(file: unknown, offset: unknown, count: unknown): Deno.FsFile {
  if (!(file instanceof Deno.FsFile)) {
    throw new TypeError(`file must be a Deno.FsFile: got ${describe(file)}`);
  }
  if (count !== undefined && count !== null) {
    if (typeof count !== "number" || !Number.isInteger(count)) {
      throw new TypeError(`count must be a positive integer (got ${describe(count)})`);
    }
    if (count <= 0) throw new RangeError(`count must be a positive integer (got ${count})`);
  }
  if (typeof offset !== "number" || !Number.isInteger(offset)) {
    throw new TypeError(`offset must be a non-negative integer (got ${describe(offset)})`);
  }
  if (offset < 0) throw new RangeError(`offset must be a non-negative integer (got ${offset})`);
  return file;
}

/** The mode a transport declares (asyncio's `getattr(transport, '_sendfile_compatible', UNSUPPORTED)`). */
function modeOf(transport: object): SendfileMode {
  const mode = (transport as { _sendfileCompatible?: unknown })._sendfileCompatible;
  return mode === "tryNative" || mode === "fallback" ? mode : "unsupported";
}

/**
 * Reads from a file's position, one block at a time. A read cannot be
 * stopped once started, and it moves the position when it completes: if
 * the fallback is cancelled meanwhile, `settle()` waits for it before the
 * position is set (asyncio's thread may move it after).
 */
class FileReader {
  #reading: Promise<number | null> | null = null;
  constructor(readonly loop: BaseEventLoop, readonly file: Deno.FsFile) {}

  /** Reads into `view`: the count, 0 at the end of the file. */
  *read(view: Uint8Array): Coroutine<number> {
    const reading = this.file.read(view);
    this.#reading = reading;
    const n = yield* wrapFuture(reading, this.loop);
    this.#reading = null;
    return n ?? 0;
  }

  /** Waits until no read is in flight. */
  *settle(): Coroutine<void> {
    const reading = this.#reading;
    this.#reading = null;
    if (reading !== null) yield* wrapFuture(reading.then(() => {}, () => {}), this.loop);
  }
}

/** `file.seek(position)`. */
function seek(file: Deno.FsFile, position: number): void {
  file.seekSync(position, Deno.SeekMode.Start);
}

// ---- loop.sendfile --------------------------------------------------------------

/** `loop.sendfile()`: checks as asyncio does, in its order, then sends. */
export function sendfile(
  loop: BaseEventLoop,
  transport: BaseTransport,
  file: Deno.FsFile,
  offset: number = 0,
  count: number | null = null,
  options: SendfileOptions = {},
): Future<number> {
  checkOpenLoop(loop);
  const fallback = fallbackOption(options);
  if (
    transport === null || typeof transport !== "object" || typeof transport.isClosing !== "function"
  ) {
    throw new TypeError(`transport must be a transport: got ${describe(transport)}`);
  }
  if (transport.isClosing()) throw new RuntimeError("Transport is closing");
  const mode = modeOf(transport);
  if (mode === "unsupported") {
    throw new RuntimeError(`sendfile is not supported for transport ${transport}`);
  }
  if (mode === "fallback" && !fallback) {
    throw new RuntimeError(
      `fallback is disabled and native sendfile is not supported for transport ${transport}`,
    );
  }
  const f = checkParams(file, offset, count);
  return new Task(sendfileWork(loop, transport, f, offset, count, mode, fallback), { loop });
}

function* sendfileWork(
  loop: BaseEventLoop,
  transport: BaseTransport,
  file: Deno.FsFile,
  offset: number,
  count: number | null,
  mode: SendfileMode,
  fallback: boolean,
): Coroutine<number> {
  if (mode === "tryNative") {
    try {
      return yield* sendfileNative(transport);
    } catch (e) {
      if (!(e instanceof SendfileNotAvailableError) || !fallback) throw e;
    }
  }
  return yield* sendfileFallback(loop, transport, file, offset, count);
}

// asyncio's `_sendfile_native`: there is no sendfile syscall to call.
// deno-lint-ignore require-yield
function* sendfileNative(transport: BaseTransport): Coroutine<number> {
  throw new SendfileNotAvailableError(
    `sendfile syscall is not supported: Deno has no zero-copy sendfile (transport ${transport})`,
  );
}

/**
 * asyncio's `_SendfileFallbackProtocol`: while the fallback writes, it
 * stands in for the transport's protocol, keeps reading paused, and turns
 * `pauseWriting`/`resumeWriting` into something `drain()` can wait for.
 */
class SendfileFallbackProtocol extends Protocol {
  readonly #transport: FlowControlTransport;
  readonly #proto: BaseProtocol;
  readonly #shouldResumeReading: boolean;
  readonly #shouldResumeWriting: boolean;
  #writeReady: Future<boolean> | null = null;

  constructor(transport: BaseTransport) {
    super();
    if (!(transport instanceof FlowControlTransport)) {
      throw new TypeError("transport should be a FlowControlTransport instance");
    }
    const t = transport as FlowControlTransport & { isReading(): boolean; pauseReading(): void };
    this.#transport = t;
    this.#proto = t.getProtocol();
    this.#shouldResumeReading = t.isReading();
    this.#shouldResumeWriting = t._protocolPaused;
    t.pauseReading();
    t.setProtocol(this);
    if (this.#shouldResumeWriting) this.#writeReady = t._loop.createFuture<boolean>();
  }

  *drain(): Coroutine<void> {
    if (this.#transport.isClosing()) throw new ConnectionError("Connection closed by peer");
    const fut = this.#writeReady;
    if (fut !== null) yield* fut;
  }

  override connectionMade(): void {
    throw new RuntimeError("Invalid state: connection should have been established already.");
  }

  override connectionLost(exc: Error | null): void {
    const fut = this.#writeReady;
    if (fut !== null && !fut.done()) {
      // Never happens if the peer disconnects after the whole content was
      // sent: a disconnection is always an error from the caller's view.
      fut.setException(exc ?? new ConnectionError("Connection is closed by peer"));
    }
    this.#proto.connectionLost(exc);
  }

  override pauseWriting(): void {
    if (this.#writeReady !== null) return;
    this.#writeReady = this.#transport._loop.createFuture<boolean>();
  }

  override resumeWriting(): void {
    const fut = this.#writeReady;
    if (fut === null) return;
    if (!fut.done()) fut.setResult(false);
    this.#writeReady = null;
  }

  override dataReceived(): void {
    throw new RuntimeError("Invalid state: reading should be paused");
  }

  override eofReceived(): boolean | void {
    throw new RuntimeError("Invalid state: reading should be paused");
  }

  restore(): void {
    const t = this.#transport as FlowControlTransport & { resumeReading(): void };
    t.setProtocol(this.#proto);
    if (this.#shouldResumeReading) t.resumeReading();
    // Nobody waits for it any more: the protocol is switched back.
    this.#writeReady?.cancel();
    if (this.#shouldResumeWriting) this.#proto.resumeWriting();
  }
}

function* sendfileFallback(
  loop: BaseEventLoop,
  transport: BaseTransport,
  file: Deno.FsFile,
  offset: number,
  count: number | null,
): Coroutine<number> {
  if (offset) seek(file, offset);
  let blocksize = count ? Math.min(count, TRANSPORT_BLOCK_SIZE) : TRANSPORT_BLOCK_SIZE;
  let totalSent = 0;
  const proto = new SendfileFallbackProtocol(transport);
  const reader = new FileReader(loop, file);
  try {
    for (;;) {
      if (count) {
        blocksize = Math.min(count - totalSent, blocksize);
        if (blocksize <= 0) return totalSent;
      }
      // A buffer per block: the transport may keep a view of what it was
      // given until it is sent.
      const view = new Uint8Array(blocksize);
      const read = yield* reader.read(view);
      if (!read) return totalSent; // EOF
      yield* proto.drain();
      (transport as unknown as { write(data: Uint8Array): void }).write(view.subarray(0, read));
      totalSent += read;
    }
  } finally {
    proto.restore();
    yield* reader.settle();
    if (totalSent > 0) seek(file, offset + totalSent);
  }
}

// ---- loop.sockSendfile ----------------------------------------------------------

/** `loop.sockSendfile()`: checks as asyncio does, then sends. */
export function sockSendfile(
  loop: BaseEventLoop,
  sock: unknown,
  file: Deno.FsFile,
  offset: number = 0,
  count: number | null = null,
  options: SendfileOptions = {},
): Future<number> {
  checkOpenLoop(loop);
  const fallback = fallbackOption(options);
  const s = asSocket(sock);
  checkNotOwned(s);
  if (s.type !== SOCK_STREAM) {
    throw new RangeError("only SOCK_STREAM type sockets are supported");
  }
  const f = checkParams(file, offset, count);
  return new Task(sockSendfileWork(loop, s, f, offset, count, fallback), { loop });
}

function* sockSendfileWork(
  loop: BaseEventLoop,
  sock: Socket,
  file: Deno.FsFile,
  offset: number,
  count: number | null,
  fallback: boolean,
): Coroutine<number> {
  try {
    return yield* sockSendfileNative(sock, file);
  } catch (e) {
    if (!(e instanceof SendfileNotAvailableError) || !fallback) throw e;
  }
  return yield* sockSendfileFallback(loop, sock, file, offset, count);
}

// asyncio's `_sock_sendfile_native` where os.sendfile is missing.
// deno-lint-ignore require-yield
function* sockSendfileNative(sock: Socket, file: Deno.FsFile): Coroutine<number> {
  throw new SendfileNotAvailableError(
    `syscall sendfile is not available for socket ${sock} and file ${describe(file)} ` +
      "combination: Deno has no zero-copy sendfile",
  );
}

function* sockSendfileFallback(
  loop: BaseEventLoop,
  sock: Socket,
  file: Deno.FsFile,
  offset: number,
  count: number | null,
): Coroutine<number> {
  if (offset) seek(file, offset);
  let blocksize = count ? Math.min(count, SOCKET_BLOCK_SIZE) : SOCKET_BLOCK_SIZE;
  const buf = new Uint8Array(blocksize);
  let totalSent = 0;
  const reader = new FileReader(loop, file);
  try {
    for (;;) {
      if (count) {
        blocksize = Math.min(count - totalSent, blocksize);
        if (blocksize <= 0) break;
      }
      const view = buf.subarray(0, blocksize);
      const read = yield* reader.read(view);
      if (!read) break; // EOF
      // sockSendall sends a copy: the buffer can be read into again.
      yield* loop.sockSendall(sock, view.subarray(0, read));
      totalSent += read;
    }
    return totalSent;
  } finally {
    yield* reader.settle();
    if (totalSent > 0) seek(file, offset + totalSent);
  }
}
