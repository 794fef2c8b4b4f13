// Web streams over asyncio streams: `reader.readable` (a byte
// ReadableStream pulling from a StreamReader) and `writer.writable` (a
// WritableStream writing to a StreamWriter). Backpressure goes through as
// asyncio's own: the ReadableStream reads only when its consumer asks
// (highWaterMark 0), so unread data stays in the StreamReader, which pauses
// the transport past 2 × its limit; a write to the WritableStream resolves
// once `drain()` does, so a producer waits while the transport's buffer is
// over its high water mark.
//
// Closing follows Deno's `conn.readable`/`conn.writable`: cancelling the
// readable, or closing or aborting the writable, ends the connection.

import type { Future } from "../core/futures.ts";
import type { Transport } from "../core/transports.ts";
import { toBytes } from "./transports/stream.ts";

/** What the readable needs of a `StreamReader`. */
export interface ReadableSource {
  readonly limit: number;
  read(n: number): Future<Uint8Array>;
}

/** What the writable needs of a `StreamWriter`. */
export interface WritableSink {
  readonly transport: Transport;
  write(data: Uint8Array): void;
  drain(): Future<void>;
  close(): void;
  waitClosed(): Future<void>;
}

/**
 * A byte stream reading from `reader`: a BYOB read gets at most its view's
 * size, copied into the view; a default read gets up to `reader.limit`
 * bytes in a buffer of their own. Cancelling it cancels the read in flight
 * and closes the reader's transport (`transport()`; none: nothing to close).
 */
export function readableOf(
  reader: ReadableSource,
  transport: () => Transport | null,
): ReadableStream<Uint8Array> {
  let pending: Future<Uint8Array> | null = null;
  let cancelled = false;
  return new ReadableStream({
    type: "bytes",
    async pull(controller) {
      const request = controller.byobRequest;
      const view = request?.view == null
        ? null
        : new Uint8Array(request.view.buffer, request.view.byteOffset, request.view.byteLength);
      const read = reader.read(view?.length ?? reader.limit);
      pending = read;
      let data: Uint8Array;
      try {
        data = await read;
      } catch (e) {
        if (cancelled) return;
        throw e; // the connection's error errors the stream
      } finally {
        pending = null;
      }
      if (cancelled) return;
      if (data.length === 0) {
        controller.close();
        request?.respond(0);
      } else if (view !== null) {
        view.set(data);
        request!.respond(data.length);
      } else {
        // The reader's result may be a view of a larger chunk: the stream
        // takes (transfers) what it is given, so it gets a copy of its own.
        controller.enqueue(data.slice());
      }
    },
    cancel() {
      cancelled = true;
      pending?.cancel();
      const t = transport();
      if (t !== null && !t.isClosing()) t.close();
    },
  }, { highWaterMark: 0 });
}

/**
 * A stream writing to `writer`: each chunk is copied (a producer may reuse
 * its buffer once `write()` resolved, while the transport may still hold
 * the bytes), written, and `drain()`ed. `close()` closes the writer and
 * waits until it is closed; `abort()` aborts its transport (buffered data is
 * dropped) and waits too.
 */
export function writableOf(writer: WritableSink): WritableStream<Uint8Array> {
  return new WritableStream<Uint8Array>({
    async write(chunk) {
      writer.write(toBytes(chunk, "chunk").slice());
      await writer.drain();
    },
    async close() {
      writer.close();
      await writer.waitClosed();
    },
    async abort() {
      writer.transport.abort();
      try {
        await writer.waitClosed();
      } catch {
        // Aborted: what the connection failed with no longer matters.
      }
    },
  }, { highWaterMark: 1 });
}
