// Socket and the loop's sock* methods on real sockets (127.0.0.1 and Unix):
// the socket's own API, echo with sock* only, ordering, cancellation keeping
// data, closing, and errors. Python as the peer: socket_peers_test.ts; the
// `sock` option of the transport methods: _transports/sock_test.ts.

import assert from "node:assert/strict";
import {
  CancelledError,
  ConnectionRefusedError,
  type Coroutine,
  GaiError,
  NotImplementedError,
  OSError,
  SelectorEventLoop,
  sleep,
  waitFor,
} from "../../../mod.ts";
import { TestLoop } from "../../../loops/testing/mod.ts";
import { Protocol } from "../../../loops/protocols_mod.ts";
import { AF_INET, AF_INET6, AF_UNIX, SOCK_DGRAM, Socket } from "../../../loops/net/socket_mod.ts";
import { bad, withLoop } from "../../_helpers.ts";
import { concat, dec, enc, onLoop, pattern } from "./_net.ts";
import {
  accept,
  listening,
  PATIENCE,
  recv,
  settle,
  socketPair,
  tempSocketPath,
} from "./_socket_pair.ts";

Deno.test("Socket() has asyncio's defaults and validates family and type", () => {
  using sock = new Socket();
  assert.equal(sock.family, AF_INET);
  assert.equal(sock.getblocking(), false);
  assert.equal(sock.gettimeout(), 0);
  assert.deepEqual(sock.getsockname(), ["0.0.0.0", 0]);
  using six = new Socket(AF_INET6);
  assert.deepEqual(six.getsockname(), ["::", 0, 0, 0]);
  assert.throws(() => new Socket(99), RangeError);
  assert.throws(() => new Socket(AF_UNIX, SOCK_DGRAM), NotImplementedError);
  assert.throws(() => new Socket(AF_INET, 42), RangeError);
  sock.setblocking(false);
  assert.throws(() => sock.setblocking(true), NotImplementedError);
});

Deno.test("Socket.fileno() is unique, stable, and -1 once closed", () => {
  const a = new Socket();
  const b = new Socket(AF_UNIX);
  assert.ok(a.fileno() >= 3 && b.fileno() > a.fileno());
  assert.equal(a.fileno(), a.fileno());
  a.close();
  a.close();
  assert.equal(a.fileno(), -1);
  b[Symbol.dispose]();
  assert.equal(b.fileno(), -1);
  assert.throws(() => a.getsockname(), (e: unknown) => e instanceof OSError && e.code === "EBADF");
});

Deno.test("Socket.bind() records the address and listen() binds it", async (t) => {
  await t.step("TCP: the real port appears after listen()", () => {
    using sock = new Socket(AF_INET);
    sock.bind(["127.0.0.1", 0]);
    assert.deepEqual(sock.getsockname(), ["127.0.0.1", 0]);
    sock.listen();
    const [host, port] = sock.getsockname();
    assert.equal(host, "127.0.0.1");
    assert.ok(port > 0);
    sock.listen(); // listening again is a no-op
  });
  await t.step("an empty host means every interface", () => {
    using sock = new Socket();
    sock.bind(["", 0]);
    assert.deepEqual(sock.getsockname(), ["0.0.0.0", 0]);
  });
  await t.step("listen() without bind() takes any port", () => {
    using sock = new Socket(AF_INET);
    sock.listen();
    assert.ok(sock.getsockname()[1] > 0);
  });
  await t.step("Unix", () => {
    const path = tempSocketPath();
    using sock = new Socket(AF_UNIX);
    sock.bind(path);
    sock.listen();
    assert.equal(sock.getsockname(), path);
    assert.ok(Deno.lstatSync(path).isSocket);
  });
  await t.step("errors", () => {
    using sock = new Socket();
    assert.throws(() => sock.bind(bad(["127.0.0.1"])), TypeError);
    assert.throws(() => sock.bind(["127.0.0.1", 70000]), RangeError); // Python: OverflowError
    assert.throws(() => sock.bind(["127.0.0.1", 1.5]), TypeError);
    // Python: gaierror -9 (EAI_ADDRFAMILY), as getaddrinfo within the socket's family.
    assert.throws(() => sock.bind(["::1", 0]), {
      name: GaiError.name,
      code: "EAI_ADDRFAMILY",
      errno: -9,
    });
    sock.bind(["127.0.0.1", 0]);
    assert.throws(
      () => sock.bind(["127.0.0.1", 0]),
      (e: unknown) => (e as OSError).code === "EINVAL",
    );
    using unix = new Socket(AF_UNIX);
    assert.throws(() => unix.bind(bad(["x", 1])), TypeError);
    assert.throws(() => unix.listen(), (e: unknown) => (e as OSError).code === "EINVAL");
  });
  await t.step("a numeric host is read as getaddrinfo reads it", () => {
    using sock = new Socket(AF_INET);
    sock.bind(["127.0.0.010", 0]); // inet_aton: 127.0.0.8
    sock.listen();
    assert.equal(sock.getsockname()[0], "127.0.0.8");
  });
  await t.step("a port in use fails at listen()", () => {
    using first = listening();
    using second = new Socket();
    second.bind(first.getsockname());
    assert.throws(() => second.listen(), (e: unknown) => (e as OSError).code === "EADDRINUSE");
  });
});

Deno.test("Socket.listen() refuses a backlog on AF_UNIX: Deno's Unix listener takes none", async (t) => {
  await t.step("an explicit backlog throws NotImplementedError and binds nothing", () => {
    const path = tempSocketPath();
    using sock = new Socket(AF_UNIX);
    sock.bind(path);
    for (const backlog of [5, 0, -1]) {
      assert.throws(
        () => sock.listen(backlog),
        (e: unknown) => e instanceof NotImplementedError && /backlog/.test(e.message),
        `backlog ${backlog}`,
      );
    }
    assert.equal(sock._state, "bound");
    assert.throws(() => Deno.lstatSync(path), Deno.errors.NotFound);
  });
  await t.step("a non-integer backlog is still a TypeError", () => {
    using sock = new Socket(AF_UNIX);
    sock.bind(tempSocketPath());
    for (const backlog of [1.5, bad<number>("5"), NaN]) {
      assert.throws(() => sock.listen(backlog), TypeError, `backlog ${String(backlog)}`);
    }
  });
  await t.step("an omitted backlog listens, and listening again is a no-op", () => {
    const path = tempSocketPath();
    using sock = new Socket(AF_UNIX);
    sock.bind(path);
    sock.listen();
    sock.listen(undefined);
    assert.equal(sock._state, "listening");
    assert.ok(Deno.lstatSync(path).isSocket);
    assert.throws(() => sock.listen(5), NotImplementedError, "not ignored when listening either");
  });
  await t.step("IP sockets still take one", () => {
    using sock = new Socket();
    sock.bind(["127.0.0.1", 0]);
    sock.listen(5);
    assert.equal(sock._state, "listening");
  });
  await t.step("createServer({ sock, backlog }) on AF_UNIX throws at once", async () => {
    await withLoop(() => new SelectorEventLoop(), (loop) => {
      const path = tempSocketPath();
      using sock = new Socket(AF_UNIX);
      sock.bind(path);
      assert.throws(
        () => loop.createServer(() => new Protocol(), null, null, { sock, backlog: 5 }),
        (e: unknown) => e instanceof NotImplementedError && /options\.backlog/.test(e.message),
      );
      assert.equal(sock._state, "bound");
      assert.equal(sock._owner, null);
    });
  });
});

Deno.test("Socket.getpeername() needs a connection", () => {
  using sock = new Socket();
  assert.throws(() => sock.getpeername(), (e: unknown) => (e as OSError).code === "ENOTCONN");
  assert.throws(() => sock.recv(1), (e: unknown) => (e as OSError).code === "ENOTCONN");
  assert.throws(() => sock.accept(), (e: unknown) => (e as OSError).code === "EINVAL");
});

function* echoWithSockOps(loop: SelectorEventLoop, family: number): Coroutine<void> {
  {
    using pair = yield* socketPair(loop, family);
    const { client, server } = pair;
    assert.deepEqual(client.getpeername(), server.getsockname());
    if (family !== AF_UNIX) assert.deepEqual(server.getpeername(), client.getsockname());
    const echo = loop.createTask(function* () {
      for (;;) {
        const data = yield* recv(loop, server, 4096);
        if (data.length === 0) break;
        yield* loop.sockSendall(server, data);
      }
      server.close();
    }());
    const payload = pattern(300_000);
    const sending = loop.sockSendall(client, payload);
    const chunks: Uint8Array[] = [];
    let received = 0;
    while (received < payload.length) {
      const chunk = yield* recv(loop, client, 65536);
      assert.ok(chunk.length > 0, "unexpected EOF");
      chunks.push(chunk);
      received += chunk.length;
    }
    yield* sending;
    assert.deepEqual(concat(chunks), payload);
    client.close();
    yield* echo;
  }
}

Deno.test("loop.sockRecv()/sockSendall() echo on 127.0.0.1 with sock* methods only", async () => {
  await onLoop((loop) => echoWithSockOps(loop, AF_INET));
});

Deno.test("loop.sockRecv()/sockSendall() echo on a Unix socket", async () => {
  await onLoop((loop) => echoWithSockOps(loop, AF_UNIX));
});

Deno.test("loop.sock*() work from async functions, after the loop went idle", async () => {
  await withLoop(() => new SelectorEventLoop(), (loop) =>
    loop.runUntilComplete((async () => {
      using listener = listening();
      using client = new Socket();
      await loop.sockConnect(client, listener.getsockname());
      const [conn] = await loop.sockAccept(listener);
      using _ = conn;
      // Each call below starts its read from a promise continuation, while
      // the loop waits on the host: the read must still start.
      const reading = loop.sockRecv(conn, 10);
      await sleep(0.02);
      await loop.sockSendall(client, enc.encode("async"));
      assert.equal(dec.decode(await loop.createTask(waitFor(reading, PATIENCE))), "async");
      const got = loop.createFuture<string>();
      await sleep(0.02);
      loop.addReader(client, () => {
        loop.removeReader(client);
        got.setResult(dec.decode(client.recv(10)));
      });
      await sleep(0.02);
      await loop.sockSendall(conn, enc.encode("back"));
      assert.equal(await loop.createTask(waitFor(got, PATIENCE)), "back");
    })()));
});

Deno.test("loop.sockConnect() resolves a host name within the socket's family", async () => {
  await onLoop(function* (loop) {
    using listener = listening();
    const [, port] = listener.getsockname();
    using client = new Socket(AF_INET);
    yield* loop.sockConnect(client, ["localhost", port]);
    assert.equal(client.getpeername()[0], "127.0.0.1");
    const [conn] = yield* accept(loop, listener);
    conn.close();
  });
});

Deno.test("loop.sockRecv() serves concurrent calls in order", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    const a = loop.sockRecv(pair.server, 3);
    const b = loop.sockRecv(pair.server, 3);
    const c = loop.sockRecvInto(pair.server, new Uint8Array(3));
    yield* loop.sockSendall(pair.client, enc.encode("abcdefghi"));
    assert.equal(dec.decode(yield* a), "abc");
    assert.equal(dec.decode(yield* b), "def");
    assert.equal(yield* c, 3);
  });
});

Deno.test("loop.sockRecv() cancelled while waiting leaves the data for the next call", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    const waiting = loop.sockRecv(pair.server, 100);
    yield* settle(loop); // the read is now pending in Deno
    waiting.cancel();
    yield* loop.sockSendall(pair.client, enc.encode("kept"));
    yield* settle(loop); // the pending read completes for nobody
    assert.equal(dec.decode(yield* recv(loop, pair.server, 100)), "kept");
    // A timeout in waitFor is a cancellation too.
    yield* assertRejects(waitFor(loop.sockRecv(pair.server, 100), 0.05), "TimeoutError");
    yield* loop.sockSendall(pair.client, enc.encode("again"));
    assert.equal(dec.decode(yield* recv(loop, pair.server, 100)), "again");
  });
});

function* assertRejects(
  x: Coroutine<unknown> | PromiseLike<unknown>,
  name: string,
): Coroutine<Error> {
  try {
    yield* (x as Coroutine<unknown>);
  } catch (e) {
    assert.equal((e as Error).name, name);
    return e as Error;
  }
  assert.fail(`expected ${name}`);
}

Deno.test("loop.sockRecv() returns bytes buffered before EOF, then empty arrays", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    yield* loop.sockSendall(pair.client, enc.encode("last words"));
    pair.client.close();
    let text = "";
    for (;;) {
      const chunk = yield* recv(loop, pair.server, 4);
      if (chunk.length === 0) break;
      assert.ok(chunk.length <= 4);
      text += dec.decode(chunk);
    }
    assert.equal(text, "last words");
    assert.equal((yield* recv(loop, pair.server, 4)).length, 0);
    assert.equal(yield* loop.sockRecvInto(pair.server, new Uint8Array(4)), 0);
    assert.equal((yield* recv(loop, pair.server, 0)).length, 0);
  });
});

Deno.test("loop.sockSendall() sends concurrent calls in call order", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    const parts = [pattern(200_000, 1), pattern(10, 2), pattern(150_000, 3)];
    const sends = parts.map((p) => loop.sockSendall(pair.client, p));
    const expected = concat(parts);
    const got: Uint8Array[] = [];
    let n = 0;
    while (n < expected.length) {
      const chunk = yield* recv(loop, pair.server, 1 << 20);
      got.push(chunk);
      n += chunk.length;
    }
    for (const s of sends) yield* s;
    assert.deepEqual(concat(got), expected);
  });
});

Deno.test("loop.sockSendall() cancelled before it started sends nothing", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    const first = pattern(3 << 20, 4);
    const sending = loop.sockSendall(pair.client, first);
    const dropped = loop.sockSendall(pair.client, enc.encode("dropped"));
    dropped.cancel();
    const last = loop.sockSendall(pair.client, enc.encode("!"));
    let n = 0;
    const want = first.length + 1;
    const chunks: Uint8Array[] = [];
    while (n < want) {
      const chunk = yield* recv(loop, pair.server, 1 << 20);
      chunks.push(chunk);
      n += chunk.length;
    }
    yield* sending;
    yield* last;
    const all = concat(chunks);
    assert.equal(all.length, want);
    assert.equal(dec.decode(all.subarray(first.length)), "!");
  });
});

Deno.test("loop.sockAccept() cancelled while waiting leaves the connection queued", async () => {
  await onLoop(function* (loop) {
    using listener = listening();
    const waiting = loop.sockAccept(listener);
    yield* settle(loop);
    waiting.cancel();
    using client = new Socket();
    yield* loop.sockConnect(client, listener.getsockname());
    yield* settle(loop);
    const [conn, peer] = yield* accept(loop, listener);
    using _ = conn;
    assert.deepEqual(peer, client.getsockname());
    assert.deepEqual(conn.getpeername(), client.getsockname());
  });
});

Deno.test("loop.sockConnect() to a closed port raises ConnectionRefusedError", async () => {
  await onLoop(function* (loop) {
    const probe = listening();
    const address = probe.getsockname();
    probe.close();
    using sock = new Socket();
    yield* assertRejects(loop.sockConnect(sock, address), "ConnectionRefusedError");
    yield* assertRejects(loop.sockConnect(sock, address), "ConnectionRefusedError");
    using unix = new Socket(AF_UNIX);
    yield* assertRejects(loop.sockConnect(unix, tempSocketPath()), "FileNotFoundError");
    const e = yield* assertRejects(
      loop.sockConnect(new Socket(), address),
      "ConnectionRefusedError",
    );
    assert.ok(e instanceof ConnectionRefusedError && e.code === "ECONNREFUSED");
  });
});

Deno.test("loop.sock*() reject bad arguments and states synchronously", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    assert.throws(() => loop.sockRecv(bad({}), 1), TypeError);
    assert.throws(() => loop.sockRecv(pair.client, -1), RangeError);
    assert.throws(() => loop.sockRecv(pair.client, 1.5), TypeError);
    assert.throws(() => loop.sockRecvInto(pair.client, bad("x")), TypeError);
    assert.throws(() => loop.sockSendall(pair.client, bad(5)), TypeError);
    assert.throws(
      () => loop.sockAccept(pair.client),
      (e: unknown) => (e as OSError).code === "EINVAL",
    );
    assert.throws(
      () => loop.sockConnect(pair.client, ["127.0.0.1", 1]),
      (e: unknown) => (e as OSError).code === "EISCONN",
    );
    assert.throws(() => loop.sockConnect(pair.listener, ["127.0.0.1", 1]), OSError);
    using bound = new Socket();
    bound.bind(["127.0.0.1", 0]);
    assert.throws(() => loop.sockConnect(bound, ["127.0.0.1", 1]), NotImplementedError);
    using fresh = new Socket();
    assert.throws(() => loop.sockConnect(fresh, bad("127.0.0.1:80")), TypeError);
    assert.throws(
      () => loop.sockRecv(fresh, 1),
      (e: unknown) => (e as OSError).code === "ENOTCONN",
    );
    fresh.close();
    assert.throws(
      () => loop.sockSendall(fresh, new Uint8Array(1)),
      (e: unknown) => (e as OSError).code === "EBADF",
    );
  });
});

Deno.test("Socket.close() fails pending operations with EBADF and settles them", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    const recv = loop.sockRecv(pair.server, 10);
    const accept = loop.sockAccept(pair.listener);
    yield* settle(loop);
    pair.server.close();
    pair.listener.close();
    for (const fut of [recv, accept]) {
      const e = yield* assertRejects(fut, "OSError");
      assert.equal((e as OSError).code, "EBADF");
    }
    yield* settle(loop); // Deno's cancelled read and accept settle
  });
});

/**
 * An address where a connect stays pending: a listener with a backlog of 0
 * whose only slot is taken, so the kernel drops further SYNs.
 */
function* fullListener(loop: SelectorEventLoop): Coroutine<[Socket, Socket]> {
  const listener = new Socket();
  listener.bind(["127.0.0.1", 0]);
  listener.listen(0);
  const filler = new Socket();
  yield* loop.sockConnect(filler, listener.getsockname());
  return [listener, filler];
}

Deno.test("Socket.close() during sockConnect aborts it", async () => {
  await onLoop(function* (loop) {
    const [listener, filler] = yield* fullListener(loop);
    using _l = listener;
    using _f = filler;
    const sock = new Socket();
    const connecting = loop.sockConnect(sock, listener.getsockname());
    yield* sleep(0.05);
    assert.equal(connecting.done(), false);
    sock.close();
    const e = yield* assertRejects(connecting, "OSError");
    assert.equal((e as OSError).code, "EBADF");
  });
});

Deno.test("loop.sockConnect() cancelled leaves the socket unconnected", async () => {
  await onLoop(function* (loop) {
    const [listener, filler] = yield* fullListener(loop);
    using _l = listener;
    using _f = filler;
    using sock = new Socket();
    const connecting = loop.sockConnect(sock, listener.getsockname());
    yield* sleep(0.05);
    connecting.cancel();
    yield* assertRejects(connecting, "CancelledError");
    assert.throws(() => sock.getpeername(), OSError);
    using other = listening();
    yield* loop.sockConnect(sock, other.getsockname());
    const [conn] = yield* accept(loop, other);
    conn.close();
  });
});

Deno.test("a task cancelled in loop.sockRecv() raises CancelledError", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    const task = loop.createTask(loop.sockRecv(pair.server, 5));
    yield* settle(loop);
    task.cancel();
    yield* assertRejects(task, "CancelledError");
    assert.ok(task.cancelled());
    yield* loop.sockSendall(pair.client, enc.encode("after"));
    assert.equal(dec.decode(yield* recv(loop, pair.server, 5)), "after");
    assert.ok(new CancelledError() instanceof Error);
  });
});

Deno.test("loop.sock*() work on the virtual-time TestLoop", async () => {
  await withLoop(() => new TestLoop(), (loop) =>
    loop.runUntilComplete(function* () {
      using pair = yield* socketPair(loop);
      const reading = loop.sockRecv(pair.server, 10);
      // A far timer must not fire while the read is pending on the host:
      // the loop counts it as host work and waits before jumping time.
      const timer = loop.createTask(sleep(3600));
      const send = setTimeout(() => loop.sockSendall(pair.client, enc.encode("virtual")), 50);
      try {
        assert.equal(dec.decode(yield* reading), "virtual");
      } finally {
        clearTimeout(send);
      }
      assert.equal(timer.done(), false);
      timer.cancel();
    }()));
});

Deno.test("Socket.close() right after send() lets the bytes reach the peer, as the kernel does", async (t) => {
  for (const size of [1024, 4 * 1024 * 1024]) {
    await t.step(`${size} bytes`, async () => {
      await onLoop(function* (loop) {
        using pair = yield* socketPair(loop);
        const data = pattern(size);
        const writable = loop.createFuture<void>();
        loop.addWriter(pair.client, () => {
          loop.removeWriter(pair.client);
          writable.setResult(undefined);
        });
        yield* writable;
        assert.equal(pair.client.send(data), size); // all of it taken, in flight
        pair.client.close();
        const chunks: Uint8Array[] = [];
        for (;;) {
          const chunk = yield* loop.sockRecv(pair.server, 1 << 20);
          if (chunk.length === 0) break; // EOF after the data
          chunks.push(chunk);
        }
        assert.deepEqual(concat(chunks), data);
      });
    });
  }
});

Deno.test("Socket.close() fails pending sockSendall() futures, but not the bytes in flight", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    const first = loop.sockSendall(pair.client, pattern(1024));
    const second = loop.sockSendall(pair.client, pattern(2048, 1));
    pair.client.close();
    let failed: unknown = null;
    try {
      yield* second;
    } catch (e) {
      failed = e;
    }
    assert.ok(failed instanceof OSError && failed.code === "EBADF", String(failed));
    // The first write was handed to Deno before close(): its bytes arrive.
    const chunks: Uint8Array[] = [];
    for (;;) {
      const chunk = yield* loop.sockRecv(pair.server, 1 << 16);
      if (chunk.length === 0) break;
      chunks.push(chunk);
    }
    assert.deepEqual(concat(chunks), pattern(1024));
    if (first.done()) first.exception(); // failed with the others: retrieved
    else first.cancel();
  });
});

Deno.test("The sock* methods on a closed loop throw RuntimeError and leave the socket as it was", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    using fresh = new Socket();
    const closed = new SelectorEventLoop();
    closed.close();
    const calls: [string, () => unknown][] = [
      ["sockRecv", () => closed.sockRecv(pair.server, 10)],
      ["sockRecvInto", () => closed.sockRecvInto(pair.server, new Uint8Array(10))],
      ["sockSendall", () => closed.sockSendall(pair.client, enc.encode("lost"))],
      ["sockAccept", () => closed.sockAccept(pair.listener)],
      ["sockConnect", () => closed.sockConnect(fresh, pair.listener.getsockname())],
    ];
    for (const [name, call] of calls) {
      assert.throws(call, { name: "RuntimeError", message: "Event loop is closed" }, name);
    }
    // Nothing was sent, and the fresh socket can still connect.
    yield* loop.sockSendall(pair.client, enc.encode("kept"));
    assert.equal(dec.decode(yield* recv(loop, pair.server, 10)), "kept");
    yield* loop.sockConnect(fresh, pair.listener.getsockname());
    const [third] = yield* accept(loop, pair.listener);
    third.close();
  });
});
