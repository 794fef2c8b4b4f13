// The two kinds of pipe the pipe transports accept — a Deno file (anything
// with read()/write() and close(): Deno.stdin, Deno.stdout, Deno.FsFile on a
// FIFO, a device or a regular file) and a Web stream — behind one small
// interface each, plus what the platform matrix needs to know about them.

import type { ObjectKind } from "../../platform/matrix_rows.ts";
import { describe } from "../core/checks.ts";
import { toBytes } from "../net/transports/stream.ts";
import type { ReadableFile, ReadPipe, WritableFile, WritePipe } from "../core/io_types.ts";

// The pipe types live in the core (the loop interface names them).
export type { ReadableFile, ReadPipe, WritableFile, WritePipe };

/** The read end as the transport sees it. */
export interface PipeSource {
  /** The next chunk (owned by the caller), or `null` at EOF. */
  read(): Promise<Uint8Array | null>;
  /** Releases the pipe; a pending read settles soon after. */
  close(): void;
}

/** The write end as the transport sees it. */
export interface PipeSink {
  /** Writes (part of) `buf`; resolves with the byte count written. */
  write(buf: Uint8Array): Promise<number>;
  /** Closes the pipe for writing after what was written. */
  close(): Promise<void> | void;
  /** Closes at once; never throws. */
  abort(): void;
}

/** Size of the reusable buffer a file is read into. */
const READ_BUFFER_SIZE = 64 * 1024;

function isFunction(x: unknown): boolean {
  return typeof x === "function";
}

/**
 * The matrix's object kind of a pipe: `"characterDevice"` for a terminal or
 * another character device (`/dev/null`), `"file"` for a regular file,
 * `"pipe"` for FIFOs, sockets, Web streams and anything it cannot tell.
 */
export function pipeKind(pipe: unknown): ObjectKind {
  if (pipe === null || typeof pipe !== "object") return "pipe";
  if (pipe instanceof ReadableStream || pipe instanceof WritableStream) return "pipe";
  const file = pipe as { isTerminal?: () => boolean; statSync?: () => Deno.FileInfo };
  try {
    if (isFunction(file.isTerminal) && file.isTerminal!() === true) return "characterDevice";
    if (!isFunction(file.statSync)) return "pipe";
    const info = file.statSync!();
    if (info.isCharDevice === true) return "characterDevice";
    return info.isFile ? "file" : "pipe";
  } catch {
    return "pipe"; // a closed file: the first read or write reports it
  }
}

/** Throws TypeError unless `pipe` can be read: a file with read()/close(), or an unlocked stream. */
export function checkReadPipe(pipe: unknown): asserts pipe is ReadPipe {
  if (pipe instanceof ReadableStream) {
    if (pipe.locked) throw new TypeError("pipe is locked: the ReadableStream already has a reader");
    return;
  }
  const f = pipe as Partial<ReadableFile> | null;
  if (f === null || typeof f !== "object" || !isFunction(f.read) || !isFunction(f.close)) {
    throw new TypeError(
      `pipe must be a Deno file (read() and close()) or a ReadableStream: got ${describe(pipe)}`,
    );
  }
}

/** Throws TypeError unless `pipe` can be written: a file with write()/close(), or an unlocked stream. */
export function checkWritePipe(pipe: unknown): asserts pipe is WritePipe {
  if (pipe instanceof WritableStream) {
    if (pipe.locked) throw new TypeError("pipe is locked: the WritableStream already has a writer");
    return;
  }
  const f = pipe as Partial<WritableFile> | null;
  if (f === null || typeof f !== "object" || !isFunction(f.write) || !isFunction(f.close)) {
    throw new TypeError(
      `pipe must be a Deno file (write() and close()) or a WritableStream: got ${describe(pipe)}`,
    );
  }
}

class FileSource implements PipeSource {
  #file: ReadableFile;
  #buf: Uint8Array | null = null;
  constructor(file: ReadableFile) {
    this.#file = file;
  }
  async read(): Promise<Uint8Array | null> {
    this.#buf ??= new Uint8Array(READ_BUFFER_SIZE);
    const n = await this.#file.read(this.#buf);
    return n === null ? null : this.#buf.slice(0, n);
  }
  close(): void {
    try {
      this.#file.close();
    } catch {
      // Already closed (by its owner, or by Deno after an error).
    }
  }
}

class StreamSource implements PipeSource {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }
  async read(): Promise<Uint8Array | null> {
    for (;;) {
      const { value, done } = await this.#reader.read();
      if (done) return null;
      const bytes = toBytes(value, "a chunk read from the pipe");
      if (bytes.length > 0) return bytes;
    }
  }
  close(): void {
    // Cancelling resolves a pending read with `done` and releases the source.
    this.#reader.cancel().catch(() => {});
  }
}

class FileSink implements PipeSink {
  #file: WritableFile;
  constructor(file: WritableFile) {
    this.#file = file;
  }
  write(buf: Uint8Array): Promise<number> {
    return this.#file.write(buf);
  }
  close(): void {
    this.abort();
  }
  abort(): void {
    try {
      this.#file.close();
    } catch {
      // Already closed.
    }
  }
}

class StreamSink implements PipeSink {
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  constructor(stream: WritableStream<Uint8Array>, onPeerError: (e: unknown) => void) {
    this.#writer = stream.getWriter();
    // The stream errored by itself (its sink failed or someone aborted it).
    this.#writer.closed.catch(onPeerError);
  }
  write(buf: Uint8Array): Promise<number> {
    return this.#writer.write(buf).then(() => buf.length);
  }
  close(): Promise<void> {
    return this.#writer.close();
  }
  abort(): void {
    this.#writer.abort().catch(() => {});
  }
}

/** Opens the read end of a checked pipe (takes the stream's reader). */
export function openSource(pipe: ReadPipe): PipeSource {
  return pipe instanceof ReadableStream ? new StreamSource(pipe) : new FileSource(pipe);
}

/** Opens the write end of a checked pipe (takes the stream's writer). */
export function openSink(pipe: WritePipe, onPeerError: (e: unknown) => void): PipeSink {
  return pipe instanceof WritableStream ? new StreamSink(pipe, onPeerError) : new FileSink(pipe);
}
