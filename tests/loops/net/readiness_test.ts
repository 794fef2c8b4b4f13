// addReader/addWriter/removeReader/removeWriter on real sockets: readiness
// emulated with one pending read (or accept) whose result is kept, level-
// triggered repeats, nothing lost when a reader goes away, writers, handler
// replacement, errors, and the platform matrix on simulated Windows.

import assert from "node:assert/strict";
import {
  BlockingIOError,
  NotImplementedError,
  OSError,
  ProactorEventLoop,
  RuntimeError,
  SelectorEventLoop,
} from "../../../mod.ts";
import { Socket } from "../../../loops/net/socket_mod.ts";
import { simulatePlatform } from "../../../platform/mod.ts";
import { bad, withLoop } from "../../_helpers.ts";
import { dec, enc, onLoop, Recorder, until } from "./_net.ts";
import { accept, iterations, listening, recv, settle, socketPair } from "./_socket_pair.ts";

Deno.test("loop.addReader() fires when data arrives and recv() takes it", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    const got: string[] = [];
    loop.addReader(pair.server, (tag: string) => {
      got.push(tag + dec.decode(pair.server.recv(100)));
    }, "data:");
    yield* iterations(5);
    assert.deepEqual(got, [], "fired before any data");
    assert.throws(() => pair.server.recv(10), BlockingIOError);
    yield* loop.sockSendall(pair.client, enc.encode("hello"));
    yield* until(() => got.length === 1, "the reader");
    assert.deepEqual(got, ["data:hello"]);
    yield* iterations(5);
    assert.equal(got.length, 1, "fired again with nothing to read");
    assert.equal(loop.removeReader(pair.server), true);
  });
});

Deno.test("loop.addReader() fires on EOF, level-triggered until removed", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    let calls = 0;
    let eofs = 0;
    loop.addReader(pair.server, () => {
      calls++;
      if (pair.server.recv(10).length === 0) eofs++;
    });
    pair.client.close();
    yield* until(() => calls >= 1, "the reader at EOF");
    yield* iterations(5);
    assert.ok(calls >= 5, `EOF stays readable, as with select(): ${calls} calls`);
    assert.equal(eofs, calls);
    assert.equal(loop.removeReader(pair.server), true);
    const before = calls;
    yield* iterations(5);
    assert.equal(calls, before);
  });
});

Deno.test("loop.addReader() repeats each iteration while data is unread, then stops", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    const seen: string[] = [];
    loop.addReader(pair.server, () => {
      seen.push(dec.decode(pair.server.recv(1))); // one byte per call
    });
    yield* loop.sockSendall(pair.client, enc.encode("abcd"));
    yield* until(() => seen.length === 4, "four calls");
    yield* iterations(5);
    assert.deepEqual(seen, ["a", "b", "c", "d"], "fired with nothing left");
    yield* loop.sockSendall(pair.client, enc.encode("e"));
    yield* until(() => seen.length === 5, "the next byte (a new read started)");
    loop.removeReader(pair.server);
  });
});

Deno.test("loop.removeReader() loses no data: bytes wait for the next reader or sockRecv", async (t) => {
  await t.step("removed before reading what arrived", async () => {
    await onLoop(function* (loop) {
      using pair = yield* socketPair(loop);
      let calls = 0;
      loop.addReader(pair.server, () => {
        calls++;
        loop.removeReader(pair.server);
      });
      yield* loop.sockSendall(pair.client, enc.encode("kept"));
      yield* until(() => calls === 1, "the reader");
      yield* iterations(3);
      assert.equal(calls, 1);
      const again: string[] = [];
      loop.addReader(pair.server, () => {
        again.push(dec.decode(pair.server.recv(100)));
        loop.removeReader(pair.server);
      });
      yield* until(() => again.length === 1, "the new reader");
      assert.deepEqual(again, ["kept"]);
    });
  });
  await t.step("removed while its read is pending in Deno", async () => {
    await onLoop(function* (loop) {
      using pair = yield* socketPair(loop);
      let calls = 0;
      loop.addReader(pair.server, () => calls++);
      yield* settle(loop); // the read is now pending
      assert.equal(loop.removeReader(pair.server), true);
      yield* loop.sockSendall(pair.client, enc.encode("late"));
      yield* settle(loop); // the pending read completes with no reader
      assert.equal(calls, 0);
      assert.equal(dec.decode(yield* recv(loop, pair.server, 100)), "late");
    });
  });
});

Deno.test("loop.removeReader()/removeWriter() say whether a callback was registered", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    const s = pair.server;
    assert.equal(loop.removeReader(s), false);
    assert.equal(loop.removeWriter(s), false);
    loop.addReader(s, () => {});
    loop.addWriter(s.fileno(), () => {});
    assert.equal(loop.removeReader(s.fileno()), true);
    assert.equal(loop.removeReader(s), false);
    assert.equal(loop.removeWriter(s), true);
    assert.equal(loop.removeWriter(s), false);
    loop.addReader(s, () => {});
    s.close(); // closing drops the registrations
    assert.equal(loop.removeReader(s), false);
    assert.equal(loop.removeReader(123456789), false);
    yield* settle(loop);
  });
});

Deno.test("loop.addReader() on a listening socket fires when a connection waits", async () => {
  await onLoop(function* (loop) {
    using listener = listening();
    assert.throws(() => listener.accept(), BlockingIOError);
    const accepted: Socket[] = [];
    loop.addReader(listener, () => {
      const [conn, peer] = listener.accept();
      assert.deepEqual(peer, conn.getpeername());
      accepted.push(conn);
    });
    using a = new Socket();
    using b = new Socket();
    yield* loop.sockConnect(a, listener.getsockname());
    yield* loop.sockConnect(b, listener.getsockname());
    yield* until(() => accepted.length === 2, "two accepts");
    loop.removeReader(listener);
    using c = new Socket();
    yield* loop.sockConnect(c, listener.getsockname());
    const [conn] = yield* accept(loop, listener);
    assert.deepEqual(conn.getpeername(), c.getsockname());
    for (const s of [...accepted, conn]) s.close();
  });
});

Deno.test("loop.addWriter() fires while no send is in flight", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    const c = pair.client;
    let calls = 0;
    let blocked = 0;
    const big = new Uint8Array(4 << 20);
    loop.addWriter(c, () => {
      calls++;
      if (calls === 1) {
        assert.equal(c.send(big), big.length);
        try {
          c.send(enc.encode("x"));
        } catch (e) {
          if (e instanceof BlockingIOError) blocked++;
        }
      } else if (calls === 2) {
        loop.removeWriter(c);
      }
    });
    yield* until(() => calls === 1, "the first call");
    yield* iterations(5);
    assert.equal(calls, 1, "writable while the 4 MiB send was in flight");
    assert.equal(blocked, 1);
    let received = 0;
    while (received < big.length) received += (yield* recv(loop, pair.server, 1 << 20)).length;
    yield* until(() => calls === 2, "writable again");
    yield* iterations(3);
    assert.equal(calls, 2);
  });
});

Deno.test("loop.addWriter() on a connecting socket fires once connected", async () => {
  await onLoop(function* (loop) {
    using listener = listening();
    using sock = new Socket();
    let calls = 0;
    loop.addWriter(sock, () => {
      calls++;
      loop.removeWriter(sock);
    });
    yield* iterations(3);
    assert.equal(calls, 0);
    yield* loop.sockConnect(sock, listener.getsockname());
    yield* until(() => calls === 1, "the writer");
    const [conn] = yield* accept(loop, listener);
    conn.close();
  });
});

Deno.test("loop.addReader() again replaces the callback", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    const calls: string[] = [];
    loop.addReader(pair.server, () => calls.push("first"));
    loop.addReader(pair.server, () => {
      calls.push("second:" + dec.decode(pair.server.recv(10)));
      loop.removeReader(pair.server);
    });
    yield* loop.sockSendall(pair.client, enc.encode("x"));
    yield* until(() => calls.length > 0, "a callback");
    yield* iterations(3);
    assert.deepEqual(calls, ["second:x"]);
  });
});

Deno.test("loop.addReader() reports a callback's exception and keeps watching", async () => {
  await onLoop(function* (loop, exceptions) {
    using pair = yield* socketPair(loop);
    let calls = 0;
    loop.addReader(pair.server, function failing() {
      calls++;
      pair.server.recv(10);
      throw new Error("boom");
    });
    yield* loop.sockSendall(pair.client, enc.encode("1"));
    yield* until(() => calls === 1, "the first call");
    yield* loop.sockSendall(pair.client, enc.encode("2"));
    yield* until(() => calls === 2, "the second call");
    loop.removeReader(pair.server);
    const reports = exceptions.take();
    assert.equal(reports.length, 2);
    assert.match(reports[0].message, /failing/);
    assert.equal((reports[0].exception as Error).message, "boom");
  });
});

Deno.test("loop.addReader() rejects sockets owned by a transport and bad targets", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    const [transport, protocol] = yield* loop.createConnection(
      () => new Recorder(loop),
      null,
      null,
      {
        sock: pair.client,
      },
    );
    for (
      const call of [
        () => loop.addReader(pair.client, () => {}),
        () => loop.addWriter(pair.client.fileno(), () => {}),
        () => loop.removeReader(pair.client),
      ]
    ) {
      assert.throws(call, (e: unknown) =>
        e instanceof RuntimeError &&
        e.message.startsWith(`File descriptor ${pair.client.fileno()} is used by transport`));
    }
    transport.close();
    yield* protocol.lost;
    assert.throws(() => loop.addReader(bad({}), () => {}), TypeError);
    assert.throws(() => loop.addReader(pair.server, bad(null)), TypeError);
    assert.throws(
      () => loop.addReader(999_999_999, () => {}),
      (e: unknown) => e instanceof OSError && e.code === "EBADF",
    );
    const closed = new Socket();
    closed.close();
    assert.throws(
      () => loop.addReader(closed, () => {}),
      (e: unknown) => e instanceof OSError && e.code === "EBADF",
    );
  });
});

Deno.test("loop.addReader() refuses Deno files: they cannot be watched without reading them", async () => {
  await withLoop(() => new SelectorEventLoop(), (loop) => {
    const path = Deno.makeTempFileSync();
    using file = Deno.openSync(path, { read: true, write: true });
    assert.throws(() => loop.addReader(file, () => {}), NotImplementedError);
    assert.throws(() => loop.addWriter(file, () => {}), /file other than a Socket/);
    assert.equal(loop.removeReader(file), false);
    file.writeSync(enc.encode("untouched"));
    file.seekSync(0, Deno.SeekMode.Start);
    const buf = new Uint8Array(9);
    assert.equal(file.readSync(buf), 9);
    assert.equal(dec.decode(buf), "untouched");
    Deno.removeSync(path);
  });
});

Deno.test("the matrix on simulated Windows: selector watches sockets only, proactor nothing", async (t) => {
  const windows = simulatePlatform("windows");
  await t.step("SelectorEventLoop: sockets yes, files no", async () => {
    await withLoop(() => new SelectorEventLoop({ platform: windows }), async (loop) => {
      const path = Deno.makeTempFileSync();
      using file = Deno.openSync(path);
      const e = assertThrowsNotImplemented(() => loop.addReader(file, () => {}));
      assert.equal(e.feature, "addReader");
      assert.equal(e.os, "windows");
      assert.equal(e.loop, "selector");
      assert.equal(loop._ioStarts.length + loop._pendingIo, 0, "a side effect happened");
      Deno.removeSync(path);
      await loop.runUntilComplete(function* () {
        using pair = yield* socketPair(loop);
        let got = "";
        loop.addReader(pair.server, () => {
          got = dec.decode(pair.server.recv(10));
          loop.removeReader(pair.server);
        });
        yield* loop.sockSendall(pair.client, enc.encode("win"));
        yield* until(() => got === "win", "the reader");
      }());
    });
  });
  await t.step("ProactorEventLoop: no readiness at all, sock* methods work", async () => {
    await withLoop(() => new ProactorEventLoop({ platform: windows }), async (loop) => {
      await loop.runUntilComplete(function* () {
        using pair = yield* socketPair(loop);
        const pending = loop._pendingIo;
        for (
          const call of [
            () => loop.addReader(pair.server, () => {}),
            () => loop.addWriter(pair.server, () => {}),
            () => loop.removeReader(pair.server),
            () => loop.removeWriter(pair.server),
          ]
        ) {
          const e = assertThrowsNotImplemented(call);
          assert.equal(e.loop, "proactor");
        }
        assert.equal(loop._pendingIo, pending, "a read was started before refusing");
        yield* loop.sockSendall(pair.client, enc.encode("iocp"));
        assert.equal(dec.decode(yield* recv(loop, pair.server, 10)), "iocp");
      }());
    });
  });
});

function assertThrowsNotImplemented(fn: () => unknown): NotImplementedError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof NotImplementedError, `expected NotImplementedError, got ${e}`);
    return e;
  }
  assert.fail("expected NotImplementedError");
}

Deno.test("a Socket in use on one loop cannot be watched from another", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    loop.addReader(pair.server, () => {});
    const other = new SelectorEventLoop();
    try {
      assert.throws(() => other.addReader(pair.server, () => {}), /another event loop/);
      assert.equal(other.removeReader(pair.server), false);
    } finally {
      other.close();
    }
    assert.equal(loop.removeReader(pair.server), true);
  });
});

Deno.test("On a closed loop addReader()/addWriter() throw RuntimeError; removeReader()/removeWriter() return false", async () => {
  await onLoop(function* (outer) {
    using pair = yield* socketPair(outer);
    const closed = new SelectorEventLoop();
    let stale = 0;
    closed.addReader(pair.server, () => stale++);
    closed.addWriter(pair.client, () => stale++);
    closed.close();
    assert.throws(() => closed.addReader(pair.server, () => {}), {
      name: "RuntimeError",
      message: "Event loop is closed",
    });
    assert.throws(() => closed.addWriter(pair.client, () => {}), RuntimeError);
    assert.equal(closed.removeReader(pair.server), false);
    assert.equal(closed.removeWriter(pair.client), false);
    // The closed loop's callbacks went with it: another loop's reads and
    // readiness do not run them.
    const got: string[] = [];
    outer.addReader(pair.server, () => {
      outer.removeReader(pair.server);
      got.push(dec.decode(pair.server.recv(100)));
    });
    yield* outer.sockSendall(pair.client, enc.encode("after"));
    yield* until(() => got.length === 1, "the new reader");
    assert.deepEqual(got, ["after"]);
    assert.equal(stale, 0);
  });
});
