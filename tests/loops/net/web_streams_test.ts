// Web streams over asyncio streams: reader.readable (a pull-based byte
// ReadableStream), writer.writable (a WritableStream whose backpressure is
// drain()) and openStreams(conn) over a connection Deno made. Real
// connections on 127.0.0.1; the sanitizers and the loop's count of host
// operations in flight check that everything is released.

import assert from "node:assert/strict";
import {
  openConnection,
  openStreams,
  type SelectorEventLoop,
  startServer,
  StreamReader,
  type StreamWriter,
} from "../../../mod.ts";
import { hostTick } from "../../_helpers.ts";
import { onLoopAsync } from "./_streams.ts";
import { concat, dec, enc, pattern } from "./_net.ts";

const MB = 1024 * 1024;

/** `total` bytes of `pattern()` as a stream of `chunk`-sized pieces (fresh arrays). */
function source(
  total: number,
  chunk = 64 * 1024,
  produced?: { n: number },
): ReadableStream<Uint8Array> {
  const data = pattern(total);
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= total) {
        controller.close();
        return;
      }
      const piece = data.slice(at, at + chunk);
      at += piece.length;
      if (produced !== undefined) produced.n = at;
      controller.enqueue(piece);
    },
  }, { highWaterMark: 0 });
}

/** Everything a byte stream yields, concatenated. */
async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return concat(chunks);
}

/** Polls `cond` on the host until it holds (a test never hangs). */
async function until(cond: () => boolean, what: string, seconds = 10): Promise<void> {
  const end = performance.now() + seconds * 1000;
  while (!cond()) {
    if (performance.now() > end) assert.fail(`Timed out waiting for ${what}`);
    await hostTick(2);
  }
}

/** A server whose handler pipes its reader's readable into its writer's writable. */
async function pipeEchoServer(loop: SelectorEventLoop) {
  const piped: Promise<void>[] = [];
  const server = await startServer(
    (reader: StreamReader, writer: StreamWriter) => {
      piped.push(reader.readable.pipeTo(writer.writable));
    },
    "127.0.0.1",
    0,
  );
  void loop;
  return { server, port: server.sockets[0].getsockname()[1], piped };
}

Deno.test("5 MB through reader.readable → writer.writable (pipeTo) arrive intact", async () => {
  await onLoopAsync(async (loop) => {
    const { server, port, piped } = await pipeEchoServer(loop);
    const [reader, writer] = await openConnection("127.0.0.1", port);
    const total = 5 * MB;
    // The client keeps its write side open for the echo: preventClose, then EOF.
    const sending = source(total, 100_000).pipeTo(writer.writable, { preventClose: true })
      .then(() => writer.writeEof());
    const received = await collect(reader.readable);
    await sending;
    await Promise.all(piped); // the server's pipe ended at EOF and closed its writer
    assert.equal(received.length, total);
    assert.deepEqual(received, pattern(total));
    writer.close();
    await writer.waitClosed();
    server.close();
    await server.waitClosed();
  });
});

Deno.test("reader.readable pulls only when asked: backpressure pauses the transport and the producer", async () => {
  await onLoopAsync(async () => {
    const produced = { n: 0 };
    const total = 32 * MB;
    let serverDone: Promise<void> = Promise.resolve();
    const server = await startServer(
      (_reader: StreamReader, writer: StreamWriter) => {
        serverDone = source(total, 64 * 1024, produced).pipeTo(writer.writable);
      },
      "127.0.0.1",
      0,
    );
    const [reader, writer] = await openConnection("127.0.0.1", server.sockets[0].getsockname()[1]);
    // Nobody reads: the reader pauses its transport past 2 × limit ...
    await until(() => !writer.transport.isReading(), "the client transport to pause");
    // ... the kernel buffers fill, drain() waits, and the producer stops: it
    // makes no progress for 100 ms (under load, filling the buffers may take
    // a while) long before everything was produced.
    let stalled = -1;
    for (let polls = 0; produced.n !== stalled; polls++) {
      assert.ok(polls < 100, "the producer never stopped while nobody read");
      stalled = produced.n;
      await hostTick(100);
    }
    assert.ok(stalled < total, `everything (${stalled} bytes) was produced before any read`);
    // Reading resumes everything, and it arrives intact.
    const received = await collect(reader.readable);
    await serverDone;
    assert.equal(received.length, total);
    assert.deepEqual(received, pattern(total));
    writer.close();
    await writer.waitClosed();
    server.close();
    await server.waitClosed();
  });
});

Deno.test("reader.readable: a BYOB read gets at most its view; EOF closes the stream", async () => {
  await onLoopAsync(async () => {
    const server = await startServer(
      (_r: StreamReader, w: StreamWriter) => {
        w.write(enc.encode("hello world"));
        w.close();
      },
      "127.0.0.1",
      0,
    );
    const [reader, writer] = await openConnection("127.0.0.1", server.sockets[0].getsockname()[1]);
    assert.equal(reader.readable, reader.readable, "the same stream each time");
    const byob = reader.readable.getReader({ mode: "byob" });
    const first = await byob.read(new Uint8Array(4));
    assert.equal(dec.decode(first.value), "hell");
    let rest = "";
    for (;;) {
      const { value, done } = await byob.read(new Uint8Array(64));
      if (done) break;
      rest += dec.decode(value);
    }
    assert.equal(rest, "o world");
    writer.close();
    server.close();
    await server.waitClosed();
  });
});

Deno.test("reader.readable over a reader fed by hand: data, EOF and errors", async (t) => {
  await t.step("data then EOF", async () => {
    await onLoopAsync(async (loop) => {
      const reader = new StreamReader({ loop });
      reader.feedData(enc.encode("abc"));
      loop.callLater(0.01, () => {
        reader.feedData(enc.encode("def"));
        reader.feedEof();
      });
      assert.equal(dec.decode(await collect(reader.readable)), "abcdef");
    });
  });
  await t.step("the reader's exception errors the stream", async () => {
    await onLoopAsync(async (loop) => {
      const reader = new StreamReader({ loop });
      const boom = new Error("boom");
      loop.callLater(0.01, () => reader.setException(boom));
      await assert.rejects(collect(reader.readable), (e) => e === boom);
    });
  });
  await t.step(
    "cancelling with a read waiting cancels the read; the reader stays usable",
    async () => {
      await onLoopAsync(async (loop) => {
        const reader = new StreamReader({ loop });
        const r = reader.readable.getReader();
        const pending = r.read();
        await hostTick(5);
        await r.cancel();
        assert.deepEqual(await pending, { value: undefined, done: true });
        reader.feedData(enc.encode("later"));
        assert.equal(dec.decode(await reader.read(10)), "later");
      });
    },
  );
});

Deno.test("cancelling reader.readable closes the connection", async () => {
  await onLoopAsync(async (loop) => {
    const seen = loop.createFuture<string>();
    const server = await startServer(
      async (reader: StreamReader, writer: StreamWriter) => {
        const data = await reader.read(); // until EOF: the client closed
        seen.setResult(`eof after ${data.length} bytes`);
        writer.close();
      },
      "127.0.0.1",
      0,
    );
    const [reader, writer] = await openConnection("127.0.0.1", server.sockets[0].getsockname()[1]);
    const r = reader.readable.getReader();
    const pending = r.read(); // waiting for data that never comes
    await hostTick(5);
    await r.cancel("not interested");
    assert.equal((await pending).done, true);
    assert.ok(writer.isClosing());
    await writer.waitClosed();
    assert.equal(await seen, "eof after 0 bytes");
    server.close();
    await server.waitClosed();
  });
});

Deno.test("writer.writable: close() closes the writer; abort() aborts the transport", async (t) => {
  await t.step("close", async () => {
    await onLoopAsync(async (loop) => {
      const got = loop.createFuture<string>();
      const server = await startServer(
        async (reader: StreamReader, writer: StreamWriter) => {
          got.setResult(dec.decode(await reader.read()));
          writer.close();
        },
        "127.0.0.1",
        0,
      );
      const [, writer] = await openConnection("127.0.0.1", server.sockets[0].getsockname()[1]);
      const w = writer.writable.getWriter();
      const buf = enc.encode("first ");
      await w.write(buf);
      buf.fill(0); // the producer may reuse its buffer once write() resolved
      await w.write(enc.encode("second"));
      await w.close();
      assert.ok(writer.isClosing());
      assert.equal(await got, "first second");
      server.close();
      await server.waitClosed();
    });
  });
  await t.step("abort", async () => {
    await onLoopAsync(async (loop) => {
      const ended = loop.createFuture<void>();
      const server = await startServer(
        async (reader: StreamReader, writer: StreamWriter) => {
          try {
            await reader.read();
          } catch {
            // A reset is as good as EOF here.
          }
          ended.setResult(undefined);
          writer.close();
        },
        "127.0.0.1",
        0,
      );
      const [, writer] = await openConnection("127.0.0.1", server.sockets[0].getsockname()[1]);
      const w = writer.writable.getWriter();
      await w.write(enc.encode("partial"));
      await w.abort(new Error("stop"));
      assert.ok(writer.isClosing());
      await ended;
      server.close();
      await server.waitClosed();
    });
  });
  await t.step("a chunk that is not bytes errors the stream", async () => {
    await onLoopAsync(async () => {
      const server = await startServer(
        (_r: StreamReader, w: StreamWriter) => w.close(),
        "127.0.0.1",
        0,
      );
      const [, writer] = await openConnection("127.0.0.1", server.sockets[0].getsockname()[1]);
      const w = writer.writable.getWriter();
      await assert.rejects(w.write("text" as unknown as Uint8Array), TypeError);
      writer.close();
      await writer.waitClosed();
      server.close();
      await server.waitClosed();
    });
  });
});

Deno.test("openStreams() wraps a connection Deno made (client and server side)", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  await onLoopAsync(async () => {
    const accepted = listener.accept();
    const [creader, cwriter] = await openStreams(
      await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port }),
    );
    const [sreader, swriter] = await openStreams(await accepted, { limit: 1024 });
    assert.equal(sreader.limit, 1024);
    assert.deepEqual(cwriter.getExtraInfo("peername"), swriter.getExtraInfo("sockname"));
    cwriter.write(enc.encode("ping\n"));
    assert.equal(dec.decode(await sreader.readline()), "ping\n");
    // Web streams on top: the server echoes with pipeTo.
    const echo = sreader.readable.pipeTo(swriter.writable);
    cwriter.write(enc.encode("over web streams"));
    cwriter.writeEof();
    assert.equal(dec.decode(await creader.read()), "over web streams");
    await echo;
    cwriter.close();
    await cwriter.waitClosed();
    await swriter.waitClosed();
  });
});

Deno.test("openStreams() is lazy and checks its arguments when driven", async () => {
  const coro = openStreams({} as Deno.Conn); // nothing runs, no loop is looked up
  await onLoopAsync(async () => {
    await assert.rejects(async () => await coro, TypeError);
  });
});
