// The read pipe transport on real FIFOs, files, devices and Web streams,
// and the platform matrix rows of connectReadPipe/connectWritePipe.

import assert from "node:assert/strict";
import {
  ConnectionResetError,
  NotImplementedError,
  ProactorEventLoop,
  type ReadPipe,
  SelectorEventLoop,
  sleep,
  type WritePipe,
} from "../../../mod.ts";
import {
  BufferedProtocol,
  Protocol,
  type ReadTransport,
  type Transport,
} from "../../../loops/protocols_mod.ts";
import { simulatePlatform } from "../../../platform/mod.ts";
import { bad, thrownBy, withLoop } from "../../_helpers.ts";
import { dec, enc, onLoop, pattern, Recorder, until } from "../net/_net.ts";
import { openFifo, withFifo } from "./_pipes.ts";

Deno.test("SelectorEventLoop.connectReadPipe() reads a FIFO: made, data, EOF, then lost once", async () => {
  await withFifo(async (path) => {
    const [r, w] = await openFifo(path);
    const writing = (async () => {
      await w.write(enc.encode("hello "));
      await new Promise((res) => setTimeout(res, 20));
      await w.write(enc.encode("world"));
      w.close();
    })();
    await onLoop(function* (loop) {
      const [t, p] = yield* loop.connectReadPipe(() => new Recorder(loop), r);
      assert.equal(p.events[0], "made", "connectionMade ran before the future resolved");
      assert.equal(t.getExtraInfo("pipe"), r);
      assert.ok(t.isReading());
      assert.equal(yield* p.lost, null);
      assert.deepEqual(p.events, ["made", "data", "eof", "lost"]);
      assert.equal(p.text(), "hello world");
      assert.ok(t.isClosing() && !t.isReading());
    });
    await writing;
    assert.throws(() => r.readSync(new Uint8Array(1)), Deno.errors.BadResource, "left open");
  });
});

Deno.test("SelectorEventLoop.connectReadPipe() reads a ReadableStream, skipping empty chunks", async () => {
  await onLoop(function* (loop) {
    const stream = ReadableStream.from([enc.encode("a"), new Uint8Array(0), enc.encode("bc")]);
    const [t, p] = yield* loop.connectReadPipe(() => new Recorder(loop), stream);
    assert.equal(t.getExtraInfo("pipe"), stream);
    assert.equal(yield* p.lost, null);
    assert.deepEqual(p.events, ["made", "data", "eof", "lost"]);
    assert.deepEqual(p.chunks.map((c) => dec.decode(c)), ["a", "bc"]);
  });
});

Deno.test("SelectorEventLoop.connectReadPipe() reads a regular file and /dev/null", async () => {
  const file = await Deno.makeTempFile();
  try {
    await Deno.writeFile(file, pattern(200_000));
    await onLoop(function* (loop) {
      const f = Deno.openSync(file);
      const [, p] = yield* loop.connectReadPipe(() => new Recorder(loop), f);
      yield* p.lost;
      assert.deepEqual(p.data(), pattern(200_000));
      const devNull = Deno.openSync("/dev/null");
      const [, q] = yield* loop.connectReadPipe(() => new Recorder(loop), devNull);
      assert.equal(yield* q.lost, null);
      assert.deepEqual(q.events, ["made", "eof", "lost"]);
    });
  } finally {
    await Deno.remove(file);
  }
});

/** Pauses reading after every chunk. */
class Pauser extends Recorder {
  override dataReceived(data: Uint8Array): void {
    super.dataReceived(data);
    (this.transport as unknown as ReadTransport).pauseReading();
  }
}

Deno.test("ReadPipeTransport.pauseReading() stops reading the stream until resumeReading()", async () => {
  await onLoop(function* (loop) {
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(pattern(10, ++pulls));
        if (pulls === 3) c.close();
      },
    }, { highWaterMark: 0 }); // pulled only when a read asks
    const [t, p] = yield* loop.connectReadPipe(() => new Pauser(loop), stream);
    for (let n = 1; n <= 3; n++) {
      yield* until(() => p.chunks.length === n, `chunk ${n}`);
      yield* sleep(0.03);
      assert.equal(pulls, n, "a paused transport went on reading");
      assert.equal(p.chunks.length, n);
      assert.ok(!t.isReading());
      t.resumeReading();
      assert.ok(t.isReading());
    }
    assert.equal(yield* p.lost, null);
    assert.deepEqual(p.events, ["made", "data", "eof", "lost"]);
  });
});

Deno.test("ReadPipeTransport.close() cancels the stream; connectionLost(null), no EOF", async () => {
  await onLoop(function* (loop) {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull: () => new Promise<void>(() => {}), // nothing ever arrives
      cancel: () => void (cancelled = true),
    });
    const [t, p] = yield* loop.connectReadPipe(() => new Recorder(loop), stream);
    yield* sleep(0.01); // a read is pending
    t.close();
    t.close();
    assert.ok(t.isClosing());
    assert.equal(yield* p.lost, null);
    assert.ok(cancelled);
    assert.deepEqual(p.events, ["made", "lost"]);
  });
});

Deno.test("ReadPipeTransport.close() with a read pending on a FIFO: lost once the read ended", async () => {
  await withFifo(async (path) => {
    const [r, w] = await openFifo(path);
    try {
      await onLoop(function* (loop) {
        const [t, p] = yield* loop.connectReadPipe(() => new Recorder(loop), r);
        yield* sleep(0.02); // the read waits for data that never comes
        t.close();
        assert.equal(yield* p.lost, null);
        assert.deepEqual(p.events, ["made", "lost"]);
        assert.equal(loop._pendingIo, 0, "connectionLost ran with the read still pending");
      });
    } finally {
      w.close();
    }
  });
});

Deno.test("ReadPipeTransport reports read errors (then closes) and protocol errors (then goes on)", async (t) => {
  await t.step("an I/O error of the stream", async () => {
    await onLoop(function* (loop, exceptions) {
      const stream = new ReadableStream<Uint8Array>({
        pull: (c) => c.error(new Deno.errors.ConnectionReset("reset by peer")),
      });
      const [, p] = yield* loop.connectReadPipe(() => new Recorder(loop), stream);
      const exc = yield* p.lost;
      assert.ok(exc instanceof ConnectionResetError);
      const [ctx] = exceptions.take();
      assert.equal(ctx.message, "Fatal read error on pipe transport");
      assert.equal(ctx.exception, exc);
    });
  });
  await t.step("a chunk that is not bytes", async () => {
    await onLoop(function* (loop, exceptions) {
      const stream = ReadableStream.from(["text"]) as unknown as ReadableStream<Uint8Array>;
      const [, p] = yield* loop.connectReadPipe(() => new Recorder(loop), stream);
      assert.ok((yield* p.lost) instanceof TypeError);
      assert.equal(exceptions.take().length, 1);
    });
  });
  await t.step(
    "dataReceived() throws: reported, and reading goes on (asyncio's Unix pipe)",
    async () => {
      await onLoop(function* (loop, exceptions) {
        const boom = new Error("boom");
        const seen: string[] = [];
        class Thrower extends Recorder {
          override dataReceived(data: Uint8Array): void {
            seen.push(dec.decode(data));
            throw boom;
          }
        }
        const stream = ReadableStream.from([enc.encode("a"), enc.encode("b")]);
        const [t, p] = yield* loop.connectReadPipe(() => new Thrower(loop), stream);
        assert.equal(yield* p.lost, null, "ended by EOF, not by the error");
        assert.deepEqual(seen, ["a", "b"]);
        const reports = exceptions.take();
        assert.equal(reports.length, 2);
        assert.equal(reports[0].message, "Exception in protocol.dataReceived()");
        assert.equal(reports[0].exception, boom);
        assert.ok(reports[0].transport === t && reports[0].protocol === p);
      });
    },
  );
  await t.step("connectionMade() throws: reported, and reading starts anyway", async () => {
    await onLoop(function* (loop, exceptions) {
      class Thrower extends Recorder {
        override connectionMade(t: Transport): void {
          super.connectionMade(t);
          throw new Error("made");
        }
      }
      const stream = ReadableStream.from([enc.encode("data")]);
      const [, p] = yield* loop.connectReadPipe(() => new Thrower(loop), stream);
      assert.equal(yield* p.lost, null);
      assert.equal(p.text(), "data");
      const [ctx] = exceptions.take();
      assert.equal(ctx.message, "Exception in protocol.connectionMade()");
    });
  });
});

Deno.test("ReadPipeTransport feeds a BufferedProtocol through its buffers", async () => {
  await onLoop(function* (loop) {
    const done = loop.createFuture<void>();
    const updates: number[] = [];
    let text = "";
    class Small extends BufferedProtocol {
      buf = new Uint8Array(4);
      override getBuffer(): Uint8Array {
        return this.buf;
      }
      override bufferUpdated(n: number): void {
        updates.push(n);
        text += dec.decode(this.buf.subarray(0, n));
      }
      override connectionLost(): void {
        done.setResult();
      }
    }
    yield* loop.connectReadPipe(() => new Small(), ReadableStream.from([enc.encode("abcdefghij")]));
    yield* done;
    assert.deepEqual(updates, [4, 4, 2]);
    assert.equal(text, "abcdefghij");
  });
});

Deno.test("SelectorEventLoop.connectReadPipe() cancelled while connecting closes the pipe", async () => {
  await onLoop(function* (loop) {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({ cancel: () => void (cancelled = true) });
    const connecting = loop.connectReadPipe(() => new Protocol(), stream);
    yield* sleep(0);
    connecting.cancel();
    yield* until(() => cancelled, "the stream to be cancelled");
    assert.ok(connecting.cancelled());
  });
});

Deno.test("SelectorEventLoop.connectReadPipe()/connectWritePipe() reject what is not a pipe", async () => {
  await withLoop(() => new SelectorEventLoop(), (loop) => {
    const factory = () => new Protocol();
    assert.throws(
      () => loop.connectReadPipe(factory, bad<ReadPipe>({})),
      /pipe must be a Deno file/,
    );
    assert.throws(
      () => loop.connectReadPipe(factory, bad<ReadPipe>(new WritableStream())),
      TypeError,
    );
    assert.throws(
      () => loop.connectWritePipe(factory, bad<WritePipe>(new ReadableStream())),
      TypeError,
    );
    assert.throws(() => loop.connectWritePipe(factory, bad<WritePipe>(null)), /pipe must be/);
    const locked = new ReadableStream<Uint8Array>();
    const reader = locked.getReader();
    assert.throws(() => loop.connectReadPipe(factory, locked), /locked/);
    reader.releaseLock();
    assert.throws(() => loop.connectReadPipe(bad(null), locked), /protocolFactory/);
    assert.ok(!locked.locked, "a refused call took the stream");
  });
});

/** A terminal for the simulated-OS checks only: it must never be read. */
const fakeTty = {
  read: (): Promise<number | null> => Promise.reject(new Error("must not be read")),
  write: (): Promise<number> => Promise.reject(new Error("must not be written")),
  close: () => {},
  isTerminal: () => true,
};

Deno.test("connectReadPipe/connectWritePipe follow the matrix", async (t) => {
  const factory = () => new Protocol();
  await t.step("OS X 10.6–10.8 with kqueue: no character devices", async () => {
    const mac = simulatePlatform("darwin", { release: "11.4.0" });
    const loop = new SelectorEventLoop({ platform: mac });
    const devNull = Deno.openSync("/dev/null", { read: true, write: true });
    try {
      assert.equal(loop.selector, "KqueueSelector");
      for (const pipe of [fakeTty, devNull]) {
        for (
          const call of [
            () => loop.connectReadPipe(factory, pipe),
            () => loop.connectWritePipe(factory, pipe),
          ]
        ) {
          const e = thrownBy(call);
          assert.ok(e instanceof NotImplementedError, String(e));
          assert.match(e.feature, /^connect(Read|Write)Pipe$/);
          assert.match(e.reason, /SelectSelector.*PollSelector/);
        }
      }
      // A FIFO or a stream is no character device: allowed.
      const [tr, p] = await loop.runUntilComplete(
        loop.connectReadPipe(() => new Recorder(bad(loop)), ReadableStream.from([])),
      );
      await loop.runUntilComplete(p.lost);
      assert.ok(tr.isClosing());
    } finally {
      devNull.close();
      loop.close();
    }
  });
  await t.step("the same Mac with PollSelector: allowed, and /dev/null really read", async () => {
    const mac = simulatePlatform("darwin", { release: "11.4.0" });
    await withLoop(
      () => new SelectorEventLoop({ selector: "PollSelector", platform: mac }),
      async (loop) => {
        const devNull = Deno.openSync("/dev/null");
        const [, p] = await loop.runUntilComplete(
          loop.connectReadPipe(() => new Recorder(bad(loop)), devNull),
        );
        assert.equal(await loop.runUntilComplete(p.lost), null);
        assert.deepEqual(p.events, ["made", "eof", "lost"]);
      },
    );
  });
  await t.step("Mac OS X 10.5: no character devices with any selector", () => {
    const loop = new SelectorEventLoop({
      selector: "PollSelector",
      platform: simulatePlatform("darwin", { release: "9.8.0" }),
    });
    try {
      const e = thrownBy(() => loop.connectReadPipe(factory, fakeTty));
      assert.ok(e instanceof NotImplementedError && /10\.5/.test(e.reason));
    } finally {
      loop.close();
    }
  });
  await t.step("Windows: the selector loop has no pipes, the proactor loop has", async () => {
    const windows = simulatePlatform("windows");
    const selector = new SelectorEventLoop({ platform: windows });
    try {
      const stream = new ReadableStream<Uint8Array>();
      const e = thrownBy(() => selector.connectReadPipe(factory, stream));
      assert.ok(e instanceof NotImplementedError && e.os === "windows", String(e));
      assert.match(e.reason, /pipes/);
      assert.throws(
        () => selector.connectWritePipe(factory, new WritableStream()),
        NotImplementedError,
      );
      assert.ok(!stream.locked);
    } finally {
      selector.close();
    }
    await withLoop(() => new ProactorEventLoop({ platform: windows }), async (loop) => {
      const [, p] = await loop.runUntilComplete(
        loop.connectReadPipe(
          () => new Recorder(bad(loop)),
          ReadableStream.from([enc.encode("ok")]),
        ),
      );
      await loop.runUntilComplete(p.lost);
      assert.equal(p.text(), "ok");
    });
  });
});
