// loop.sendfile() and loop.sockSendfile() on real connections (127.0.0.1,
// TLS, a Unix socket) and real files: what is sent, the file's position
// afterwards (as asyncio leaves it), the fallback and its flow control, the
// transports that cannot send a file, cancellation and a peer that goes
// away. The ported CPython cases are in tests/cpython/sendfile_test.ts.

import assert from "node:assert/strict";
import {
  ConnectionError,
  type Coroutine,
  OSError,
  RuntimeError,
  SendfileNotAvailableError,
  sleep,
} from "../../../mod.ts";
import { DatagramProtocol, Protocol, type Transport } from "../../../loops/protocols_mod.ts";
import { AF_INET, SOCK_DGRAM, Socket } from "../../../loops/net/socket_mod.ts";
import { concat, onLoop, pattern, portOf, Recorder, until } from "./_net.ts";
import { clientContext, serverContext } from "./_tls.ts";
import { socketPair, tempSocketPath } from "./_socket_pair.ts";
import { TRANSPORT_BLOCK_SIZE } from "../../../loops/net/sendfile.ts";

const DATA = pattern(256 * 1024 + 1, 7);

/** A temporary file holding `data`, opened for reading (removed when disposed). */
function tempFile(data: Uint8Array = DATA): Deno.FsFile & Disposable {
  const path = Deno.makeTempFileSync({ prefix: "asyncio-sendfile-" });
  Deno.writeFileSync(path, data);
  const file = Deno.openSync(path);
  const dispose = file[Symbol.dispose].bind(file);
  Object.defineProperty(file, Symbol.dispose, {
    value: () => {
      dispose();
      Deno.removeSync(path);
    },
  });
  return file;
}

const tell = (file: Deno.FsFile) => file.seekSync(0, Deno.SeekMode.Current);

/** A server recording what its one client sends, and a client transport to it. */
function* connected(
  loop: Parameters<Parameters<typeof onLoop>[0]>[0],
  options: { tls?: boolean; unix?: boolean } = {},
): Coroutine<
  { client: Transport; clientProto: Recorder; server: Recorder; close(): Coroutine<void> }
> {
  const accepted = loop.createFuture<Recorder>();
  const factory = () => {
    const p = new Recorder(loop);
    if (!accepted.done()) accepted.setResult(p);
    return p;
  };
  let srv;
  let client: Transport;
  let clientProto: Recorder;
  if (options.unix) {
    const path = tempSocketPath();
    srv = yield* loop.createUnixServer(factory, path);
    [client, clientProto] = yield* loop.createUnixConnection(() => new Recorder(loop), path);
  } else {
    srv = yield* loop.createServer(factory, "127.0.0.1", 0, {
      ssl: options.tls ? serverContext() : null,
    });
    [client, clientProto] = yield* loop.createConnection(
      () => new Recorder(loop),
      "127.0.0.1",
      portOf(srv),
      { ssl: options.tls ? clientContext() : null },
    );
  }
  const server = yield* accepted;
  const listening = srv;
  return {
    client,
    clientProto,
    server,
    *close() {
      client.close();
      yield* clientProto.lost;
      yield* server.lost;
      listening.close();
      yield* listening.waitClosed();
    },
  };
}

for (const kind of ["tcp", "tls", "unix"] as const) {
  Deno.test(`loop.sendfile() sends a whole file over ${kind} and leaves the position after it`, async () => {
    await onLoop(function* (loop) {
      using file = tempFile();
      const c = yield* connected(loop, { tls: kind === "tls", unix: kind === "unix" });
      const sent = yield* loop.sendfile(c.client, file);
      assert.equal(sent, DATA.length);
      assert.equal(tell(file), DATA.length);
      // The protocol and reading are back as they were.
      assert.equal(c.client.getProtocol(), c.clientProto);
      assert.ok((c.client as unknown as { isReading(): boolean }).isReading());
      yield* c.close();
      assert.deepEqual(c.server.data(), DATA);
    });
  });
}

Deno.test("loop.sendfile(): offset and count, as asyncio positions the file", async (t) => {
  await t.step("offset and count: the bytes between, the position after them", async () => {
    await onLoop(function* (loop) {
      using file = tempFile();
      const c = yield* connected(loop);
      assert.equal(yield* loop.sendfile(c.client, file, 1000, 2000), 2000);
      assert.equal(tell(file), 3000);
      yield* c.close();
      assert.deepEqual(c.server.data(), DATA.subarray(1000, 3000));
    });
  });
  await t.step(
    "offset 0 reads from the current position; the position ends at 0 + sent",
    async () => {
      await onLoop(function* (loop) {
        using file = tempFile();
        file.seekSync(100, Deno.SeekMode.Start);
        const c = yield* connected(loop);
        assert.equal(yield* loop.sendfile(c.client, file, 0, 50), 50);
        assert.equal(tell(file), 50); // asyncio: file.seek(offset + total_sent)
        yield* c.close();
        assert.deepEqual(c.server.data(), DATA.subarray(100, 150));
      });
    },
  );
  await t.step("past the end: nothing is sent and the position is not moved back", async () => {
    await onLoop(function* (loop) {
      using file = tempFile();
      const c = yield* connected(loop);
      assert.equal(yield* loop.sendfile(c.client, file, DATA.length + 10), 0);
      assert.equal(tell(file), DATA.length + 10);
      yield* c.close();
      assert.equal(c.server.received, 0);
    });
  });
});

Deno.test("loop.sendfile(): data written before and after goes out in order", async () => {
  await onLoop(function* (loop) {
    using file = tempFile();
    const c = yield* connected(loop);
    const before = pattern(10_000, 1);
    const after = pattern(10_000, 2);
    c.client.write(before);
    assert.equal(yield* loop.sendfile(c.client, file), DATA.length);
    c.client.write(after);
    yield* c.close();
    assert.deepEqual(c.server.data(), concat([before, DATA, after]));
  });
});

Deno.test("loop.sendfile(): the fallback waits on the write buffer and pauses reading", async () => {
  await onLoop(function* (loop) {
    using file = tempFile(pattern(4 * 1024 * 1024, 3));
    const c = yield* connected(loop);
    const t = c.client as Transport & {
      isReading(): boolean;
      setWriteBufferLimits(high?: number, low?: number): void;
    };
    t.setWriteBufferLimits(16 * 1024);
    let maxBuffered = 0;
    let readingDuring = true;
    const probe = loop.createTask(function* () {
      for (;;) {
        maxBuffered = Math.max(maxBuffered, t.getWriteBufferSize());
        if (!t.isReading()) readingDuring = false;
        yield* sleep(0);
      }
    }());
    const sent = yield* loop.sendfile(t, file);
    probe.cancel();
    assert.equal(sent, 4 * 1024 * 1024);
    assert.ok(!readingDuring, "reading was paused while sending");
    assert.ok(t.isReading(), "reading resumes after");
    // One block at most is added over the high water mark.
    assert.ok(maxBuffered <= 16 * 1024 + TRANSPORT_BLOCK_SIZE, `buffered ${maxBuffered} bytes`);
    // The protocol saw none of the fallback's flow control.
    assert.ok(!c.clientProto.events.includes("pauseWriting"), c.clientProto.events.join());
    yield* c.close();
    assert.equal(c.server.received, 4 * 1024 * 1024);
  });
});

Deno.test("loop.sendfile(fallback: false): SendfileNotAvailableError, or RuntimeError over TLS", async (t) => {
  await t.step("TCP: the native path is not available", async () => {
    await onLoop(function* (loop) {
      using file = tempFile();
      const c = yield* connected(loop);
      const fut = loop.sendfile(c.client, file, 0, null, { fallback: false });
      try {
        yield* fut;
        assert.fail("expected SendfileNotAvailableError");
      } catch (e) {
        assert.ok(e instanceof SendfileNotAvailableError, String(e));
        assert.match(e.message, /not supported/);
      }
      assert.equal(tell(file), 0);
      yield* c.close();
      assert.equal(c.server.received, 0);
    });
  });
  await t.step("TLS: only the fallback exists, so asking for none is a RuntimeError", async () => {
    await onLoop(function* (loop) {
      using file = tempFile();
      const c = yield* connected(loop, { tls: true });
      assert.throws(
        () => loop.sendfile(c.client, file, 0, null, { fallback: false }),
        (e: unknown) => e instanceof RuntimeError && /fallback is disabled/.test(e.message),
      );
      yield* c.close();
    });
  });
});

Deno.test("loop.sendfile(): transports that cannot send a file, and bad arguments", async () => {
  await onLoop(function* (loop) {
    using file = tempFile();
    const [udp] = yield* loop.createDatagramEndpoint(() => new DatagramProtocol(), {
      localAddr: ["127.0.0.1", 0],
    });
    assert.throws(
      () => loop.sendfile(udp, file),
      (e: unknown) => e instanceof RuntimeError && /not supported/.test(e.message),
    );
    udp.close();
    const [pipe] = yield* loop.connectWritePipe(() => new Protocol(), new WritableStream());
    assert.throws(() => loop.sendfile(pipe, file), RuntimeError);
    pipe.close();
    const c = yield* connected(loop);
    assert.throws(() => loop.sendfile(c.client, "file" as never), TypeError);
    assert.throws(() => loop.sendfile(c.client, file, -1), RangeError);
    assert.throws(() => loop.sendfile(c.client, file, 1.5), TypeError);
    assert.throws(() => loop.sendfile(c.client, file, 0, 0), RangeError);
    assert.throws(() => loop.sendfile(c.client, file, 0, 2.5), TypeError);
    assert.throws(
      () => loop.sendfile(c.client, file, 0, null, { fallback: 1 as never }),
      TypeError,
    );
    c.client.close();
    assert.throws(
      () => loop.sendfile(c.client, file),
      (e: unknown) => e instanceof RuntimeError && /is closing/.test(e.message),
    );
    assert.equal(tell(file), 0);
    yield* c.close();
    yield* sleep(0.01);
  });
});

Deno.test("loop.sendfile(): cancelling stops it, puts the protocol back, positions the file", async () => {
  await onLoop(function* (loop) {
    const size = 16 * 1024 * 1024;
    using file = tempFile(pattern(size, 5));
    const c = yield* connected(loop);
    (c.client as unknown as { setWriteBufferLimits(h: number): void }).setWriteBufferLimits(16384);
    const fut = loop.sendfile(c.client, file);
    yield* until(() => c.server.received > 0, "the first block");
    fut.cancel();
    try {
      yield* fut;
    } catch {
      // CancelledError
    }
    assert.ok(fut.cancelled());
    assert.equal(c.client.getProtocol(), c.clientProto);
    const position = tell(file);
    assert.ok(position > 0 && position < size, `position ${position}`);
    yield* c.close();
    // Everything written before the cancellation was sent: what the server got is
    // a prefix of the file, up to the position.
    assert.equal(c.server.received, position);
    assert.deepEqual(c.server.data(), pattern(size, 5).subarray(0, position));
  });
});

Deno.test("loop.sendfile(): a peer that closes in the middle is a ConnectionError", async () => {
  await onLoop(function* (loop) {
    const size = 64 * 1024 * 1024; // more than the kernel buffers hold
    using file = tempFile(pattern(size, 9));
    const c = yield* connected(loop);
    const closer = loop.createTask(function* () {
      yield* until(() => c.server.received >= 1024, "the first bytes");
      c.server.transport!.close();
    }());
    try {
      yield* loop.sendfile(c.client, file);
      assert.fail("expected a ConnectionError");
    } catch (e) {
      assert.ok(e instanceof ConnectionError, String(e));
    }
    yield* closer;
    assert.ok(c.client.isClosing());
    const position = tell(file);
    assert.ok(position >= 1024 && position < size, `position ${position}`);
    yield* c.close();
  });
});

Deno.test("loop.sockSendfile() sends over a connected Socket", async (t) => {
  await t.step("whole file, part of it, an empty file, mixed with sockSendall", async () => {
    await onLoop(function* (loop) {
      using pair = yield* socketPair(loop);
      using file = tempFile();
      assert.equal(yield* loop.sockSendfile(pair.client, file), DATA.length);
      assert.equal(tell(file), DATA.length);
      assert.equal(yield* loop.sockSendfile(pair.client, file, 10, 20), 20);
      assert.equal(tell(file), 30);
      using empty = tempFile(new Uint8Array(0));
      assert.equal(yield* loop.sockSendfile(pair.client, empty), 0);
      assert.equal(tell(empty), 0);
      yield* loop.sockSendall(pair.client, new Uint8Array([1, 2, 3]));
      pair.client.close();
      const chunks: Uint8Array[] = [];
      for (;;) {
        const data = yield* loop.sockRecv(pair.server, 65536);
        if (data.length === 0) break;
        chunks.push(data);
      }
      assert.deepEqual(
        concat(chunks),
        concat([DATA, DATA.subarray(10, 30), new Uint8Array([1, 2, 3])]),
      );
    });
  });
  await t.step(
    "fallback: false is SendfileNotAvailableError; bad sockets and arguments",
    async () => {
      await onLoop(function* (loop) {
        using pair = yield* socketPair(loop);
        using file = tempFile();
        try {
          yield* loop.sockSendfile(pair.client, file, 0, null, { fallback: false });
          assert.fail("expected SendfileNotAvailableError");
        } catch (e) {
          assert.ok(e instanceof SendfileNotAvailableError, String(e));
        }
        assert.equal(tell(file), 0);
        using udp = new Socket(AF_INET, SOCK_DGRAM);
        assert.throws(() => loop.sockSendfile(udp, file), RangeError);
        assert.throws(() => loop.sockSendfile({} as Socket, file), TypeError);
        assert.throws(() => loop.sockSendfile(pair.client, file, -5), RangeError);
        assert.throws(() => loop.sockSendfile(pair.client, file, 0, -5), RangeError);
        // An unconnected socket: the send fails (asyncio reads a block first).
        using fresh = new Socket(AF_INET);
        try {
          yield* loop.sockSendfile(fresh, file);
          assert.fail("expected ENOTCONN");
        } catch (e) {
          assert.ok(e instanceof OSError && e.code === "ENOTCONN", String(e));
        }
      });
    },
  );
});
