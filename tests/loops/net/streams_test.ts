// Streams on real sockets (127.0.0.1 and a Unix socket): echo from a
// generator coroutine and from an async function, the three kinds of
// clientConnected, errors in it, half-close, close/waitClosed, and the
// module functions' argument checks. Flow control is in
// streams_flow_test.ts, TLS in streams_tls_test.ts, Python peers in
// streams_python_test.ts.

import assert from "node:assert/strict";
import {
  createTask,
  currentTask,
  openConnection,
  openUnixConnection,
  run,
  RuntimeError,
  SelectorEventLoop,
  sleep,
  startServer,
  startUnixServer,
  type StreamReader,
  type StreamWriter,
  type Task,
} from "../../../mod.ts";
import { bad, thrownBy, withLoop } from "../../_helpers.ts";
import { dec, enc, onLoop, portOf, until } from "./_net.ts";
import { closeServer, echoHandler, failure, onLoopAsync } from "./_streams.ts";

Deno.test("openConnection() and startServer() echo lines from a generator coroutine", async () => {
  await onLoop(function* () {
    const server = yield* startServer(echoHandler, "127.0.0.1", 0);
    const [reader, writer] = yield* openConnection("127.0.0.1", portOf(server));
    for (let i = 0; i < 50; i++) {
      writer.write(enc.encode(`line ${i}\n`));
      yield* writer.drain();
      assert.equal(dec.decode(yield* reader.readline()), `line ${i}\n`);
    }
    writer.writelines([enc.encode("a"), enc.encode("b\n")]);
    assert.equal(dec.decode(yield* reader.readuntil("\n")), "ab\n");
    const peer = writer.getExtraInfo("peername");
    assert.deepEqual(peer, ["127.0.0.1", portOf(server)]);
    assert.ok(writer.canWriteEof());
    writer.close();
    assert.ok(writer.isClosing());
    yield* writer.waitClosed();
    yield* closeServer(server);
  });
});

Deno.test("openConnection() and startServer() echo from an async function", async () => {
  await onLoopAsync(async () => {
    {
      const server = await startServer(
        async (reader, writer) => {
          for await (const line of reader) {
            writer.write(line);
            await writer.drain();
          }
          writer.close();
        },
        "127.0.0.1",
        0,
        { limit: 1 << 20 },
      );
      const [reader, writer] = await openConnection("127.0.0.1", portOf(server));
      const payload = new Uint8Array(200_000).fill(97);
      writer.write(payload);
      writer.write(enc.encode("\nshort\n"));
      await writer.drain();
      writer.writeEof();
      const all = await reader.read();
      assert.equal(all.length, payload.length + 7);
      assert.equal(dec.decode(all.subarray(-7)), "\nshort\n");
      assert.ok(reader.atEof());
      writer.close();
      await writer.waitClosed();
      server.close();
      await server.waitClosed();
    }
  });
});

Deno.test("startServer() accepts a plain, a generator and an async clientConnected", async (t) => {
  const kinds: Record<string, (r: StreamReader, w: StreamWriter) => unknown> = {
    plain: (_r, w) => {
      w.write(enc.encode("plain"));
      w.close();
    },
    generator: function* (r, w) {
      const name = yield* r.readline();
      w.write(enc.encode(`hello ${dec.decode(name)}`));
      w.close();
    },
    async: async (r, w) => {
      const name = await r.readline();
      w.write(enc.encode(`hi ${dec.decode(name)}`));
      await w.drain();
      w.close();
    },
  };
  const expected: Record<string, string> = {
    plain: "plain",
    generator: "hello bob\n",
    async: "hi bob\n",
  };
  for (const [kind, cb] of Object.entries(kinds)) {
    await t.step(kind, async () => {
      await onLoop(function* () {
        const server = yield* startServer(cb as never, "127.0.0.1", 0);
        const [reader, writer] = yield* openConnection("127.0.0.1", portOf(server));
        writer.write(enc.encode("bob\n"));
        assert.equal(dec.decode(yield* reader.read()), expected[kind]);
        writer.close();
        yield* writer.waitClosed();
        yield* closeServer(server);
      });
    });
  }
});

Deno.test("startServer(): an exception in clientConnected is reported and closes the connection", async (t) => {
  const failing: Record<string, (r: StreamReader, w: StreamWriter) => unknown> = {
    generator: function* (r) {
      yield* r.readline();
      throw new Error("handler failed");
    },
    async: async (r) => {
      await r.readline();
      throw new Error("handler failed");
    },
  };
  for (const [kind, cb] of Object.entries(failing)) {
    await t.step(kind, async () => {
      await onLoop(function* (_loop, exceptions) {
        const server = yield* startServer(cb as never, "127.0.0.1", 0);
        const [reader, writer] = yield* openConnection("127.0.0.1", portOf(server));
        writer.write(enc.encode("go\n"));
        assert.equal((yield* reader.read()).length, 0, "the server closed the connection");
        const reports = exceptions.take();
        assert.equal(reports.length, 1);
        assert.equal(reports[0].message, "Unhandled exception in client_connected_cb");
        assert.equal((reports[0].exception as Error).message, "handler failed");
        writer.close();
        yield* writer.waitClosed();
        yield* closeServer(server);
      });
    });
  }
});

Deno.test("startServer(): cancelling the handler's task closes its connection", async () => {
  await onLoop(function* () {
    let handler: Task<unknown> | null = null;
    const server = yield* startServer(
      function* (r) {
        handler = currentTask();
        yield* r.read(); // waits forever
      },
      "127.0.0.1",
      0,
    );
    const [reader, writer] = yield* openConnection("127.0.0.1", portOf(server));
    yield* until(() => handler !== null, "the handler to start");
    handler!.cancel();
    assert.equal((yield* reader.read()).length, 0);
    assert.ok(handler!.cancelled());
    writer.close();
    yield* writer.waitClosed();
    yield* closeServer(server);
  });
});

Deno.test("StreamWriter.writeEof() half-closes while the reader keeps reading", async () => {
  await onLoop(function* () {
    const server = yield* startServer(
      function* (r, w) {
        const request = yield* r.read(); // until the client's EOF
        w.write(enc.encode(`got ${request.length} bytes`));
        yield* sleep(0.02);
        w.write(enc.encode(", bye"));
        w.close();
      },
      "127.0.0.1",
      0,
    );
    const [reader, writer] = yield* openConnection("127.0.0.1", portOf(server));
    writer.write(new Uint8Array(3000));
    writer.writeEof();
    assert.ok(!writer.isClosing());
    assert.ok(thrownBy(() => writer.write(enc.encode("late"))) instanceof RuntimeError);
    assert.equal(dec.decode(yield* reader.read()), "got 3000 bytes, bye");
    assert.ok(reader.atEof());
    assert.ok(!writer.isClosing(), "both sides shut down, but the transport stays open");
    writer.close();
    yield* writer.waitClosed();
    yield* closeServer(server);
  });
});

Deno.test("StreamWriter.close() and waitClosed(); drain() after close follows asyncio 3.12", async () => {
  await onLoop(function* () {
    const server = yield* startServer(echoHandler, "127.0.0.1", 0);
    const [reader, writer] = yield* openConnection("127.0.0.1", portOf(server));
    writer.write(enc.encode("ping"));
    assert.equal(dec.decode(yield* reader.readexactly(4)), "ping", "the server side is up");
    writer.write(enc.encode("x"));
    writer.close();
    const drained = writer.drain();
    assert.ok(!drained.done(), "drain() after close() lets the loop run first");
    yield* drained; // the connection is still flushing: no error yet
    yield* writer.waitClosed();
    assert.ok(writer.waitClosed().done());
    try {
      yield* writer.drain();
      assert.fail("drain() after the connection was lost must fail");
    } catch (e) {
      assert.equal((e as Error).name, "ConnectionResetError");
      assert.equal((e as Error).message, "Connection lost");
    }
    assert.equal((yield* reader.read()).length, 0, "the reader saw EOF");
    yield* closeServer(server);
  });
});

Deno.test("StreamWriter.drain() raises the connection's error once it is lost", async () => {
  await onLoop(function* (_loop, exceptions) {
    const server = yield* startServer((_r, w) => w.transport.abort(), "127.0.0.1", 0);
    const [reader, writer] = yield* openConnection("127.0.0.1", portOf(server));
    const chunk = new Uint8Array(65536);
    let error: unknown = null;
    for (let i = 0; i < 2000 && error === null; i++) {
      try {
        writer.write(chunk);
        yield* writer.drain();
      } catch (e) {
        error = e;
      }
    }
    assert.ok(error instanceof Error, "drain() failed");
    assert.match(error.name, /ConnectionResetError|BrokenPipeError/);
    assert.equal(yield* failure(reader.read()), error, "the reader holds the same error");
    assert.equal(yield* failure(writer.waitClosed()), error);
    assert.equal(yield* failure(writer.drain()), error);
    exceptions.take();
    yield* closeServer(server);
  });
});

Deno.test("openUnixConnection() and startUnixServer() echo over a Unix socket", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await onLoop(function* () {
      const path = `${dir}/echo.sock`;
      const server = yield* startUnixServer(echoHandler, path, { limit: 1024 });
      const [reader, writer] = yield* openUnixConnection(path, { limit: 16 });
      writer.write(enc.encode("a fairly long line\nshort\n"));
      try {
        yield* reader.readline();
        assert.fail("expected the line to exceed the limit of 16");
      } catch (e) {
        assert.ok(e instanceof RangeError);
      }
      assert.equal(dec.decode(yield* reader.readline()), "short\n");
      assert.equal(writer.getExtraInfo("peername"), path);
      writer.close();
      yield* writer.waitClosed();
      yield* closeServer(server);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("StreamWriter supports await using, and describes itself", async () => {
  await onLoopAsync(async () => {
    await using server = await startServer(echoHandler, "127.0.0.1", 0);
    const [reader, writer] = await openConnection("127.0.0.1", portOf(server));
    {
      await using w = writer;
      w.write(enc.encode("bye"));
      assert.equal(dec.decode(await reader.readexactly(3)), "bye");
      assert.match(String(w), /^<StreamWriter transport=<StreamTransport socket open> reader=/);
    }
    assert.ok(writer.isClosing() && writer.waitClosed().done());
    assert.match(String(reader), /eof/);
  });
});

Deno.test("openConnection() and startServer() check their arguments when driven", async () => {
  // Lazy: calling one without a loop throws nothing; awaiting it outside a loop does.
  const unstarted = openConnection("127.0.0.1", 1);
  await assert.rejects(async () => await unstarted, RuntimeError, "no loop");
  await onLoop(function* () {
    const calls: [() => Iterable<unknown, unknown>, new (...a: never[]) => Error][] = [
      [() => startServer(bad(null), "127.0.0.1", 0), TypeError],
      [() => startServer(() => {}, "127.0.0.1", 0, { limit: 0 }), RangeError],
      [() => openConnection("127.0.0.1", bad(true)), TypeError],
      [() => openConnection("127.0.0.1", 70000), RangeError],
      [() => openConnection("127.0.0.1", 80, { limit: -1 }), RangeError],
      [() => openUnixConnection("/nonexistent/dir/s.sock", { limit: bad("big") }), TypeError],
      [() => startUnixServer(bad(7), "/nonexistent/dir/s.sock"), TypeError],
    ];
    for (const [call, cls] of calls) {
      const coro = call(); // nothing is checked until it is driven
      const e = yield* failure(coro);
      assert.ok(e instanceof cls, `${call}: ${e}`);
    }
    try {
      yield* openConnection("127.0.0.1", 1);
      assert.fail("expected a refused connection");
    } catch (e) {
      assert.equal((e as Error).name, "ConnectionRefusedError");
    }
  });
});

/** A port nothing listens on (bound once by the OS, then released). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

Deno.test("The stream functions are lazy: calling one binds, connects and looks up nothing", async (t) => {
  await t.step("startServer() without driving it binds nothing", async () => {
    const port = freePort();
    const server = startServer(echoHandler, "127.0.0.1", port); // no loop runs: no error either
    await onLoop(function* () {
      startServer(echoHandler, "127.0.0.1", port); // called in a task, never driven
      yield* sleep(0.05);
    });
    Deno.listen({ hostname: "127.0.0.1", port }).close(); // the port is still free
    assert.equal(typeof server.next, "function");
  });
  await t.step("loop.runUntilComplete(startServer(...)) from outside the loop", async () => {
    await withLoop(() => new SelectorEventLoop(), async (loop) => {
      const server = await loop.runUntilComplete(startServer(echoHandler, "127.0.0.1", 0));
      const [reader, writer] = await loop.runUntilComplete(
        openConnection("127.0.0.1", portOf(server)),
      );
      writer.write(enc.encode("ping\n"));
      assert.equal(dec.decode(await loop.runUntilComplete(reader.readline())), "ping\n");
      writer.close();
      await loop.runUntilComplete(writer.waitClosed());
      await loop.runUntilComplete(closeServer(server));
    });
  });
  await t.step("createTask(x) and run(x) drive them on their loop", async () => {
    const port = await run(function* () {
      const task = createTask(startServer(echoHandler, "127.0.0.1", 0));
      const server = yield* task;
      const connecting = createTask(openConnection("127.0.0.1", portOf(server)));
      const [, writer] = yield* connecting;
      writer.close();
      yield* writer.waitClosed();
      const port = portOf(server);
      yield* closeServer(server);
      return port;
    }());
    assert.ok(port > 0);
    const [reader, writer] = await run(async () => {
      // An async function awaits them on the loop that runs it.
      const server = await startServer((_r, w) => w.close(), "127.0.0.1", 0);
      const pair = await openConnection("127.0.0.1", portOf(server));
      await pair[0].read();
      pair[1].close();
      await pair[1].waitClosed();
      server.close();
      await server.waitClosed();
      return pair;
    });
    assert.ok(reader.atEof() && writer.isClosing());
  });
});
