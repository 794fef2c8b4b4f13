// Helpers of the pipe tests: real FIFOs made with mkfifo in a temporary
// directory, Web streams that record what happens to them, and reading a
// whole file concurrently with the loop.

import assert from "node:assert/strict";
import { concat } from "../net/_net.ts";

/** Runs `fn` with the path of a fresh FIFO; removes it afterwards. */
export async function withFifo<R>(fn: (path: string) => Promise<R>): Promise<R> {
  const dir = await Deno.makeTempDir({ prefix: "asyncio-pipe-" });
  const path = `${dir}/fifo`;
  const made = await new Deno.Command("mkfifo", { args: [path] }).output();
  assert.ok(made.success, "mkfifo failed");
  try {
    return await fn(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Opens both ends of a FIFO (each open waits for the other): `[readEnd, writeEnd]`. */
export async function openFifo(path: string): Promise<[Deno.FsFile, Deno.FsFile]> {
  const reading = Deno.open(path, { read: true });
  const w = await Deno.open(path, { write: true });
  return [await reading, w];
}

/** Reads `file` to EOF, then closes it. */
export async function readAll(file: Deno.FsFile): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await file.read(buf);
      if (n === null) return concat(chunks);
      chunks.push(buf.slice(0, n));
    }
  } finally {
    file.close();
  }
}

/** A WritableStream that keeps what it is given, optionally slowly. */
export class SinkRecorder {
  chunks: Uint8Array[] = [];
  closed = false;
  aborted: unknown = undefined;
  /** How many writes the stream had taken but not finished, at most. */
  maxPending = 0;
  #pending = 0;
  readonly stream: WritableStream<Uint8Array>;

  constructor(options: { delayMs?: number; fail?: () => unknown } = {}) {
    const { delayMs = 0, fail } = options;
    this.stream = new WritableStream<Uint8Array>({
      write: async (chunk) => {
        this.maxPending = Math.max(this.maxPending, ++this.#pending);
        try {
          if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
          if (fail !== undefined) throw fail();
          this.chunks.push(chunk.slice());
        } finally {
          this.#pending--;
        }
      },
      close: () => void (this.closed = true),
      abort: (reason) => void (this.aborted = reason ?? "aborted"),
    }, new CountQueuingStrategy({ highWaterMark: 1 }));
  }

  /** Everything written, concatenated. */
  data(): Uint8Array {
    return concat(this.chunks);
  }
}
