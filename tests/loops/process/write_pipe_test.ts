// The write pipe transport on real FIFOs, files and Web streams, flow
// control against a slow stream, and both pipe transports on a child
// process's stdin/stdout and on a child Deno's own Deno.stdin/Deno.stdout.

import assert from "node:assert/strict";
import { BrokenPipeError } from "../../../mod.ts";
import { Protocol, type WriteTransport } from "../../../loops/protocols_mod.ts";
import { dec, enc, onLoop, pattern, Recorder, until } from "../net/_net.ts";
import { openFifo, readAll, SinkRecorder, withFifo } from "./_pipes.ts";

const MOD = new URL("../../../mod.ts", import.meta.url).href;
const PROTOCOLS = new URL("../../../loops/protocols_mod.ts", import.meta.url).href;

function writer(p: Recorder): WriteTransport {
  return p.transport as unknown as WriteTransport;
}

Deno.test("SelectorEventLoop.connectWritePipe() writes a FIFO; writeEof() flushes, closes, then lost", async () => {
  await withFifo(async (path) => {
    const [r, w] = await openFifo(path);
    const reading = readAll(r);
    const big = pattern(1 << 20, 7);
    await onLoop(function* (loop) {
      const [t, p] = yield* loop.connectWritePipe(() => new Recorder(loop), w);
      assert.equal(t.getExtraInfo("pipe"), w);
      assert.ok(t.canWriteEof());
      t.write(enc.encode("head:"));
      t.writelines([big, enc.encode(":tail")]);
      assert.ok(t.getWriteBufferSize() > 0);
      t.writeEof();
      assert.ok(t.isClosing());
      assert.equal(yield* p.lost, null);
      assert.equal(t.getWriteBufferSize(), 0);
      assert.deepEqual(p.events, ["made", "pauseWriting", "resumeWriting", "lost"]);
    });
    const got = await reading;
    assert.equal(dec.decode(got.subarray(0, 5)), "head:");
    assert.deepEqual(got.subarray(5, 5 + big.length), big);
    assert.equal(dec.decode(got.subarray(5 + big.length)), ":tail");
    assert.throws(() => w.writeSync(new Uint8Array(1)), Deno.errors.BadResource, "left open");
  });
});

Deno.test("SelectorEventLoop.connectWritePipe() writes a regular file", async () => {
  const path = await Deno.makeTempFile();
  try {
    await onLoop(function* (loop) {
      const file = Deno.openSync(path, { write: true });
      const [t, p] = yield* loop.connectWritePipe(() => new Recorder(loop), file);
      t.write(pattern(100_000, 5));
      t.close();
      assert.equal(yield* p.lost, null);
    });
    assert.deepEqual(await Deno.readFile(path), pattern(100_000, 5));
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("WritePipeTransport: EPIPE ends it with connectionLost(BrokenPipeError), unreported", async () => {
  await withFifo(async (path) => {
    const [r, w] = await openFifo(path);
    r.close(); // the reader goes away
    await onLoop(function* (loop) {
      const [t, p] = yield* loop.connectWritePipe(() => new Recorder(loop), w);
      t.write(enc.encode("nobody reads this"));
      const exc = yield* p.lost;
      assert.ok(exc instanceof BrokenPipeError, String(exc));
      assert.equal(exc.code, "EPIPE");
      assert.ok(t.isClosing());
    });
  });
});

Deno.test("WritePipeTransport drops writes after close, warning after a few", async () => {
  await onLoop(function* (loop) {
    const sink = new SinkRecorder();
    const [t, p] = yield* loop.connectWritePipe(() => new Recorder(loop), sink.stream);
    t.write(enc.encode("kept"));
    t.close();
    const warnings: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args);
    try {
      for (let i = 0; i < 7; i++) t.write(enc.encode("dropped"));
    } finally {
      console.warn = warn;
    }
    assert.ok(warnings.length > 0 && warnings.length < 7, `${warnings.length} warnings`);
    assert.throws(() => t.write("text" as unknown as Uint8Array), TypeError);
    yield* p.lost;
    assert.equal(dec.decode(sink.data()), "kept");
    assert.ok(sink.closed);
  });
});

Deno.test("SelectorEventLoop.connectWritePipe() writes a WritableStream in order; close() closes it", async () => {
  await onLoop(function* (loop) {
    const sink = new SinkRecorder();
    const [t, p] = yield* loop.connectWritePipe(() => new Recorder(loop), sink.stream);
    for (let i = 0; i < 50; i++) t.write(enc.encode(`${i},`));
    t.writelines([enc.encode("a"), enc.encode("b")]);
    t.close();
    assert.equal(yield* p.lost, null);
    const expected = Array.from({ length: 50 }, (_, i) => `${i},`).join("") + "ab";
    assert.equal(dec.decode(sink.data()), expected);
    assert.ok(sink.closed && sink.aborted === undefined);
    assert.ok(sink.maxPending <= 1, "more than one write in flight");
  });
});

Deno.test("WritePipeTransport flow control against a slow stream keeps the buffer bounded", async () => {
  await onLoop(function* (loop) {
    const sink = new SinkRecorder({ delayMs: 1 });
    const total = 256 * 1024;
    const chunk = 4096;
    const source = pattern(total, 3);
    let sent = 0;
    let maxBuffer = 0;
    let pauses = 0;
    let resumes = 0;
    const finished = loop.createFuture<void>();
    class Producer extends Protocol {
      t: WriteTransport | null = null;
      paused = false;
      override connectionMade(t: WriteTransport): void {
        this.t = t;
        t.setWriteBufferLimits(16 * 1024, 4 * 1024);
        this.pump();
      }
      pump(): void {
        const t = this.t!;
        while (!this.paused && sent < total) {
          t.write(source.subarray(sent, sent + chunk));
          sent += chunk;
          maxBuffer = Math.max(maxBuffer, t.getWriteBufferSize());
        }
        if (sent === total) t.close();
      }
      override pauseWriting(): void {
        pauses++;
        this.paused = true;
      }
      override resumeWriting(): void {
        resumes++;
        this.paused = false;
        this.pump();
      }
      override connectionLost(): void {
        finished.setResult();
      }
    }
    const [t] = yield* loop.connectWritePipe(() => new Producer(), sink.stream);
    assert.deepEqual(t.getWriteBufferLimits(), [4 * 1024, 16 * 1024]);
    yield* finished;
    assert.ok(pauses > 1 && resumes === pauses, `pauses ${pauses}, resumes ${resumes}`);
    assert.ok(maxBuffer <= 16 * 1024 + chunk, `buffer grew to ${maxBuffer}`);
    assert.deepEqual(sink.data(), source);
    assert.throws(() => t.setWriteBufferLimits(1, 2), RangeError);
  });
});

Deno.test("WritePipeTransport.abort() drops the buffer and aborts the stream", async () => {
  await onLoop(function* (loop) {
    const sink = new SinkRecorder({ delayMs: 2 });
    const [t, p] = yield* loop.connectWritePipe(() => new Recorder(loop), sink.stream);
    for (let i = 0; i < 20; i++) t.write(pattern(70 * 1024, i));
    t.abort();
    assert.ok(t.isClosing());
    assert.equal(t.getWriteBufferSize(), 0);
    assert.equal(yield* p.lost, null);
    yield* until(() => sink.aborted !== undefined, "the stream to be aborted");
    assert.ok(sink.data().length < 20 * 70 * 1024);
    assert.ok(!sink.closed);
  });
});

Deno.test("WritePipeTransport write errors of a stream", async (t) => {
  await t.step("an I/O error: connectionLost(BrokenPipeError), unreported", async () => {
    await onLoop(function* (loop) {
      const sink = new SinkRecorder({ fail: () => new Deno.errors.BrokenPipe("gone") });
      const [tr, p] = yield* loop.connectWritePipe(() => new Recorder(loop), sink.stream);
      tr.write(enc.encode("x"));
      assert.ok((yield* p.lost) instanceof BrokenPipeError);
    });
  });
  await t.step("another error: reported, then connectionLost(it)", async () => {
    await onLoop(function* (loop, exceptions) {
      const oops = new TypeError("oops");
      const sink = new SinkRecorder({ fail: () => oops });
      const [tr, p] = yield* loop.connectWritePipe(() => new Recorder(loop), sink.stream);
      tr.write(enc.encode("x"));
      assert.equal(yield* p.lost, oops);
      const [ctx] = exceptions.take();
      assert.equal(ctx.message, "Fatal write error on pipe transport");
    });
  });
  await t.step("the stream errors while idle: connectionLost(null)", async () => {
    await onLoop(function* (loop) {
      let controller!: WritableStreamDefaultController;
      const stream = new WritableStream<Uint8Array>({ start: (c) => void (controller = c) });
      const [, p] = yield* loop.connectWritePipe(() => new Recorder(loop), stream);
      controller.error(new Error("peer gone"));
      assert.equal(yield* p.lost, null);
    });
  });
});

Deno.test("Pipe transports over a child process's stdin and stdout (cat)", async () => {
  const child = new Deno.Command("cat", { stdin: "piped", stdout: "piped" }).spawn();
  const data = pattern(300 * 1024, 11);
  await onLoop(function* (loop) {
    const [out, reader] = yield* loop.connectReadPipe(() => new Recorder(loop), child.stdout);
    const [input, writerP] = yield* loop.connectWritePipe(() => new Recorder(loop), child.stdin);
    input.write(data);
    input.writeEof();
    assert.equal(yield* writerP.lost, null);
    assert.equal(yield* reader.lost, null);
    assert.deepEqual(reader.data(), data);
    assert.deepEqual(reader.events, ["made", "data", "eof", "lost"]);
    assert.ok(out.isClosing());
    assert.equal(writer(writerP), input);
  });
  assert.ok((await child.status).success);
});

Deno.test("Pipe transports over Deno.stdin and Deno.stdout (in a child Deno)", async () => {
  const script = `
    import { SelectorEventLoop } from "${MOD}";
    import { Protocol } from "${PROTOCOLS}";
    const loop = new SelectorEventLoop();
    const done = loop.createFuture();
    class Done extends Protocol {
      connectionLost(exc) { done.setResult(exc); }
    }
    const [out] = await loop.runUntilComplete(loop.connectWritePipe(() => new Done(), Deno.stdout));
    class Upper extends Protocol {
      dataReceived(d) { out.write(new TextEncoder().encode(new TextDecoder().decode(d).toUpperCase())); }
      connectionLost() { out.close(); }
    }
    await loop.runUntilComplete(loop.connectReadPipe(() => new Upper(), Deno.stdin));
    const exc = await loop.runUntilComplete(done);
    loop.close();
    if (exc !== null) throw exc;
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(enc.encode("hello "));
  await w.write(enc.encode("pipes"));
  await w.close();
  const { success, stdout, stderr } = await child.output();
  assert.ok(success, dec.decode(stderr));
  assert.equal(dec.decode(stdout), "HELLO PIPES");
});

Deno.test("WritePipeTransport: connectionMade() throwing is reported and the pipe stays usable", async () => {
  const sink = new SinkRecorder();
  await onLoop(function* (loop, exceptions) {
    class Thrower extends Recorder {
      override connectionMade(t: Parameters<Recorder["connectionMade"]>[0]): void {
        super.connectionMade(t);
        throw new Error("made");
      }
    }
    const [t, p] = yield* loop.connectWritePipe(() => new Thrower(loop), sink.stream);
    const [ctx] = exceptions.take();
    assert.equal(ctx.message, "Exception in protocol.connectionMade()");
    assert.ok(!t.isClosing(), "as asyncio: only reported");
    t.write(enc.encode("still works"));
    t.close();
    assert.equal(yield* p.lost, null);
  });
  assert.equal(dec.decode(sink.data()), "still works");
});
