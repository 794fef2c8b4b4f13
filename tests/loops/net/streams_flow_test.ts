// Flow control of streams on real sockets: drain() against a peer that does
// not read (the writer waits, the buffer stays bounded, writing resumes when
// the peer reads), and the reader pausing its transport while more than
// twice its limit is buffered.

import assert from "node:assert/strict";
import {
  type Coroutine,
  createTask,
  openConnection,
  sleep,
  startServer,
  type StreamReader,
  type StreamWriter,
} from "../../../mod.ts";
import { onLoop, portOf, until } from "./_net.ts";
import { closeServer } from "./_streams.ts";

const TOTAL = 100 * 1024 * 1024;
const CHUNK = 256 * 1024;

/**
 * Waits until `blocked()` has held for `quiet` seconds with `progress()`
 * unchanged (the kernel's socket buffers absorb data for a while first);
 * returns false if `finished()` comes first.
 */
function* stuck(
  blocked: () => boolean,
  progress: () => number,
  finished: () => boolean,
  quiet = 0.1,
): Coroutine<boolean> {
  let last = -1;
  let since = performance.now();
  const deadline = performance.now() + 30_000;
  while (!finished() && performance.now() < deadline) {
    if (!blocked() || progress() !== last) {
      last = progress();
      since = performance.now();
    } else if (performance.now() - since >= quiet * 1000) return true;
    yield* sleep(0.005);
  }
  return false;
}

/** Reads and counts everything until EOF. */
function* drainReader(reader: StreamReader): Coroutine<number> {
  let n = 0;
  for (;;) {
    const data = yield* reader.read(1 << 20);
    if (data.length === 0) return n;
    n += data.length;
  }
}

Deno.test("StreamWriter.drain() waits while the peer does not read, bounded, then resumes", async () => {
  await onLoop(function* (loop) {
    const release = loop.createFuture<void>();
    let received = -1;
    const server = yield* startServer(
      function* (r: StreamReader, w: StreamWriter) {
        yield* release; // read nothing until released
        received = yield* drainReader(r);
        w.close();
      },
      "127.0.0.1",
      0,
    );
    const [reader, writer] = yield* openConnection("127.0.0.1", portOf(server));
    const [, high] = writer.transport.getWriteBufferLimits();
    const chunk = new Uint8Array(CHUNK).fill(7);
    let written = 0;
    let maxBuffered = 0;
    let waiting = false;
    let waits = 0;
    const producer = createTask(function* () {
      while (written < TOTAL) {
        writer.write(chunk);
        written += chunk.length;
        maxBuffered = Math.max(maxBuffered, writer.transport.getWriteBufferSize());
        const drained = writer.drain();
        if (!drained.done()) {
          waits++;
          waiting = true;
          yield* drained;
          waiting = false;
        }
      }
      writer.writeEof();
    }());
    const blocked = yield* stuck(() => waiting, () => written, () => producer.done());
    assert.ok(blocked, `drain() never stayed blocked (${written} bytes written)`);
    release.setResult(undefined);
    yield* producer;
    yield* until(() => received >= 0, "the server to read everything", 30);
    assert.equal(received, TOTAL, "nothing lost");
    assert.ok(waits >= 1);
    assert.ok(
      maxBuffered <= high + CHUNK,
      `buffered ${maxBuffered} > high water mark ${high} + one write ${CHUNK}`,
    );
    assert.equal((yield* reader.read()).length, 0);
    writer.close();
    yield* writer.waitClosed();
    yield* closeServer(server);
  });
});

Deno.test("StreamReader pauses reading over 2 × limit and resumes when read", async () => {
  const limit = 64 * 1024;
  const total = 16 * 1024 * 1024;
  await onLoop(function* () {
    let sent = 0;
    let serverWaiting = false;
    const server = yield* startServer(
      function* (_r: StreamReader, w: StreamWriter) {
        const chunk = new Uint8Array(CHUNK).fill(1);
        while (sent < total) {
          w.write(chunk);
          sent += chunk.length;
          const drained = w.drain();
          serverWaiting = !drained.done();
          yield* drained;
          serverWaiting = false;
        }
        w.close();
      },
      "127.0.0.1",
      0,
    );
    const [reader, writer] = yield* openConnection("127.0.0.1", portOf(server), { limit });
    const blocked = yield* stuck(() => serverWaiting, () => sent, () => sent >= total);
    assert.ok(blocked, "the client never stopped reading");
    assert.ok(!writer.transport.isReading(), "the client's transport is paused");
    const state = String(reader);
    const buffered = Number(/ (\d+) bytes/.exec(state)?.[1] ?? 0);
    assert.match(state, /paused/);
    assert.ok(buffered > 2 * limit, `paused with only ${buffered} bytes buffered`);
    assert.ok(buffered <= 2 * limit + 64 * 1024, `${buffered} bytes buffered: more than one read`);
    yield* sleep(0.05);
    assert.match(String(reader), new RegExp(` ${buffered} bytes`), "nothing more was read");
    assert.equal(yield* drainReader(reader), total);
    assert.equal(sent, total);
    writer.close();
    yield* writer.waitClosed();
    yield* closeServer(server);
  });
});
