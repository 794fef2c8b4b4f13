// Socket of type SOCK_DGRAM and the loop's UDP socket methods (sockRecvfrom,
// sockRecvfromInto, sockSendto) on real sockets over 127.0.0.1 (and ::1
// when the host has IPv6): binding, datagram boundaries, order, waiting,
// cancellation keeping datagrams, the non-blocking methods and readiness,
// closing, and errors.

import assert from "node:assert/strict";
import {
  BlockingIOError,
  CancelledError,
  type Coroutine,
  NotImplementedError,
  OSError,
  RuntimeError,
  sleep,
  waitFor,
} from "../../../mod.ts";
import { Protocol } from "../../../loops/protocols_mod.ts";
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  SOCK_DGRAM,
  SOCK_STREAM,
  Socket,
} from "../../../loops/net/socket_mod.ts";
import { dec, enc, onLoop, until } from "./_net.ts";

const IPV6 = (() => {
  try {
    Deno.listen({ hostname: "::1", port: 0 }).close();
    return true;
  } catch {
    return false;
  }
})();

function udp(host = "127.0.0.1"): Socket<typeof AF_INET> {
  const sock = new Socket(AF_INET, SOCK_DGRAM);
  sock.bind([host, 0]);
  return sock;
}

const isErrno = (code: string) => (e: unknown) => e instanceof OSError && e.code === code;

Deno.test("Socket(AF_INET, SOCK_DGRAM) binds at once and reports its address", () => {
  using sock = new Socket(AF_INET, SOCK_DGRAM);
  assert.equal(sock.type, SOCK_DGRAM);
  assert.deepEqual(sock.getsockname(), ["0.0.0.0", 0]);
  sock.bind(["127.0.0.1", 0]);
  const [host, port] = sock.getsockname();
  assert.equal(host, "127.0.0.1");
  assert.ok(port > 0);
  assert.match(String(sock), /type=SOCK_DGRAM/);
  assert.throws(() => sock.bind(["127.0.0.1", 0]), isErrno("EINVAL"));
  assert.throws(() => sock.getpeername(), isErrno("ENOTCONN"));
  assert.throws(() => sock.listen(), isErrno("EOPNOTSUPP"));
  assert.throws(() => sock.send(enc.encode("x")), isErrno("EDESTADDRREQ"));
  sock.close();
  assert.equal(sock.fileno(), -1);
  assert.throws(() => sock.recvfrom(10), isErrno("EBADF"));
});

Deno.test("Socket SOCK_DGRAM: bind errors, hosts, families", async (t) => {
  await t.step("a port in use is EADDRINUSE at bind()", () => {
    using a = udp();
    using b = new Socket(AF_INET, SOCK_DGRAM);
    assert.throws(() => b.bind(a.getsockname()), isErrno("EADDRINUSE"));
  });
  await t.step('"" is every interface, "localhost" the loopback address', () => {
    using any = new Socket(AF_INET, SOCK_DGRAM);
    any.bind(["", 0]);
    assert.equal(any.getsockname()[0], "0.0.0.0");
    using local = new Socket(AF_INET, SOCK_DGRAM);
    local.bind(["localhost", 0]);
    assert.equal(local.getsockname()[0], "127.0.0.1");
  });
  await t.step("a name that needs a lookup cannot be bound synchronously", () => {
    using sock = new Socket(AF_INET, SOCK_DGRAM);
    assert.throws(() => sock.bind(["example.invalid", 0]), NotImplementedError);
  });
  await t.step("Unix datagram sockets are not available; other types are RangeErrors", () => {
    assert.throws(() => new Socket(AF_UNIX, SOCK_DGRAM), NotImplementedError);
    assert.throws(() => new Socket(AF_INET, 5), RangeError);
  });
});

Deno.test("loop.sockSendto() / sockRecvfrom(): a datagram and its reply", async () => {
  await onLoop(function* (loop) {
    using server = udp();
    using client = new Socket(AF_INET, SOCK_DGRAM);
    // An unbound socket is bound by its first send, as the kernel does.
    const n = yield* loop.sockSendto(client, enc.encode("ping"), server.getsockname());
    assert.equal(n, 4);
    const [, port] = client.getsockname();
    assert.ok(port > 0);
    const [data, from] = yield* loop.sockRecvfrom(server, 1024);
    assert.equal(dec.decode(data), "ping");
    assert.deepEqual(from, ["127.0.0.1", port]);
    yield* loop.sockSendto(server, enc.encode("pong"), from);
    const [reply, source] = yield* loop.sockRecvfrom(client, 1024);
    assert.equal(dec.decode(reply), "pong");
    assert.deepEqual(source, server.getsockname());
  });
});

Deno.test("loop.sockRecvfrom() keeps datagram boundaries and order; a short buffer truncates", async () => {
  await onLoop(function* (loop) {
    using a = udp();
    using b = udp();
    for (const word of ["one", "two", "three"]) {
      yield* loop.sockSendto(b, enc.encode(word), a.getsockname());
    }
    const [first] = yield* loop.sockRecvfrom(a, 1024);
    const [second] = yield* loop.sockRecvfrom(a, 2); // "tw": the rest is dropped
    const [third] = yield* loop.sockRecvfrom(a, 1024);
    assert.deepEqual([dec.decode(first), dec.decode(second), dec.decode(third)], [
      "one",
      "tw",
      "three",
    ]);
    // An empty datagram is a datagram.
    yield* loop.sockSendto(b, new Uint8Array(0), a.getsockname());
    const [empty, from] = yield* loop.sockRecvfrom(a, 10);
    assert.equal(empty.length, 0);
    assert.deepEqual(from, b.getsockname());
  });
});

Deno.test("loop.sockRecvfromInto() copies at most nbytes into the buffer", async () => {
  await onLoop(function* (loop) {
    using a = udp();
    using b = udp();
    const buf = new Uint8Array(8).fill(0xff);
    assert.throws(() => loop.sockRecvfromInto(a, buf, 9), RangeError);
    assert.throws(() => loop.sockRecvfromInto(a, buf, -1), RangeError);
    yield* loop.sockSendto(b, enc.encode("abcdef"), a.getsockname());
    const [n, from] = yield* loop.sockRecvfromInto(a, buf, 4);
    assert.equal(n, 4);
    assert.deepEqual([...buf], [97, 98, 99, 100, 0xff, 0xff, 0xff, 0xff]);
    assert.deepEqual(from, b.getsockname());
    yield* loop.sockSendto(b, enc.encode("xyz"), a.getsockname());
    const [m] = yield* loop.sockRecvfromInto(a, buf); // nbytes 0: the whole buffer
    assert.equal(m, 3);
    assert.equal(dec.decode(buf.subarray(0, 3)), "xyz");
  });
});

Deno.test("loop.sockRecvfrom(): waiting calls are served in order; a cancelled one loses nothing", async () => {
  await onLoop(function* (loop) {
    using a = udp();
    using b = udp();
    const first = loop.sockRecvfrom(a, 100);
    const cancelled = loop.sockRecvfrom(a, 100);
    const third = loop.sockRecvfrom(a, 100);
    cancelled.cancel();
    yield* sleep(0.01);
    assert.ok(!first.done() && !third.done());
    yield* loop.sockSendto(b, enc.encode("1"), a.getsockname());
    yield* loop.sockSendto(b, enc.encode("2"), a.getsockname());
    assert.equal(dec.decode((yield* first)[0]), "1");
    assert.equal(dec.decode((yield* third)[0]), "2");
    assert.ok(cancelled.cancelled());
    // A timeout that expires leaves the next datagram for the next call.
    yield* assertRejects(
      waitFor(loop.sockRecvfrom(a, 100), 0.02),
      (e) => e.name === "TimeoutError",
    );
    yield* loop.sockSendto(b, enc.encode("3"), a.getsockname());
    assert.equal(dec.decode((yield* loop.sockRecvfrom(a, 100))[0]), "3");
  });
});

Deno.test("Socket SOCK_DGRAM: closing fails the waiting calls with EBADF", async () => {
  await onLoop(function* (loop) {
    const a = udp();
    const waiting = loop.sockRecvfrom(a, 100);
    yield* sleep(0);
    a.close();
    yield* assertRejects(waiting, isErrno("EBADF"));
    assert.throws(() => loop.sockRecvfrom(a, 100), isErrno("EBADF"));
    assert.throws(() => loop.sockSendto(a, enc.encode("x"), ["127.0.0.1", 9]), isErrno("EBADF"));
  });
});

Deno.test("Socket.sendto()/recvfrom(): non-blocking, with BlockingIOError", async () => {
  await onLoop(function* () {
    using a = udp();
    using b = udp();
    assert.throws(() => a.recvfrom(10), BlockingIOError);
    assert.throws(() => a.recvfromInto(new Uint8Array(4)), BlockingIOError);
    assert.equal(b.sendto(enc.encode("hi"), a.getsockname()), 2);
    // One send is in flight at a time.
    assert.throws(() => b.sendto(enc.encode("again"), a.getsockname()), BlockingIOError);
    const [data, from] = yield* retryNow(() => a.recvfrom(100));
    assert.equal(dec.decode(data), "hi");
    assert.deepEqual(from, b.getsockname());
    assert.throws(() => a.recv(10), BlockingIOError);
    yield* retryNow(() => b.sendto(enc.encode("later"), a.getsockname()));
    const buf = new Uint8Array(10);
    assert.equal(yield* retryNow(() => a.recvInto(buf)), 5);
    assert.equal(dec.decode(buf.subarray(0, 5)), "later");
  });
});

/** Calls `fn` each iteration until it stops throwing BlockingIOError. */
function* retryNow<T>(fn: () => T): Coroutine<T> {
  for (let i = 0; i < 5000; i++) {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof BlockingIOError)) throw e;
      yield* sleep(0.001);
    }
  }
  throw new Error("still blocking");
}

function* assertRejects(
  fut: PromiseLike<unknown> & Iterable<unknown>,
  check: (e: Error & { code?: string }) => boolean,
): Coroutine<void> {
  try {
    yield* fut as Iterable<unknown>;
  } catch (e) {
    assert.ok(check(e as Error), `unexpected error: ${e}`);
    return;
  }
  assert.fail("expected a rejection");
}

Deno.test("loop.sockSendto() waits while a send is in flight, then sends", async () => {
  await onLoop(function* (loop) {
    using a = udp();
    using b = udp();
    const sends = ["x", "y", "z"].map((w) => loop.sockSendto(b, enc.encode(w), a.getsockname()));
    for (const s of sends) assert.equal(yield* s, 1);
    const got: string[] = [];
    for (let i = 0; i < 3; i++) got.push(dec.decode((yield* loop.sockRecvfrom(a, 10))[0]));
    assert.deepEqual(got, ["x", "y", "z"]);
  });
});

Deno.test("loop.addReader()/addWriter() on a SOCK_DGRAM socket", async () => {
  await onLoop(function* (loop) {
    using a = udp();
    using b = udp();
    const received: string[] = [];
    loop.addReader(a, () => {
      received.push(dec.decode(a.recvfrom(100)[0]));
    });
    let writable = 0;
    loop.addWriter(b, () => {
      writable++;
      loop.removeWriter(b);
    });
    yield* loop.sockSendto(b, enc.encode("r1"), a.getsockname());
    yield* loop.sockSendto(b, enc.encode("r2"), a.getsockname());
    yield* until(() => received.length === 2, "both datagrams through the reader");
    assert.deepEqual(received, ["r1", "r2"]);
    assert.equal(writable, 1);
    assert.ok(loop.removeReader(a));
    assert.ok(!loop.removeReader(a));
  });
});

Deno.test("SOCK_DGRAM sockets are refused where a stream socket is expected", async () => {
  await onLoop(function* (loop) {
    using sock = udp();
    assert.throws(() => loop.sockConnect(sock, ["127.0.0.1", 9]), NotImplementedError);
    assert.throws(() => loop.sockRecv(sock, 10), isErrno("ENOTCONN"));
    assert.throws(() => loop.sockSendall(sock, enc.encode("x")), isErrno("ENOTCONN"));
    assert.throws(() => loop.sockAccept(sock), isErrno("EINVAL"));
    assert.throws(
      () => loop.createConnection(() => new Protocol(), null, null, { sock }),
      RangeError,
    );
    assert.throws(() => loop.createServer(() => new Protocol(), null, null, { sock }), RangeError);
    assert.throws(() => loop.connectAcceptedSocket(() => new Protocol(), sock), RangeError);
    using stream = new Socket(AF_INET, SOCK_STREAM);
    assert.throws(() => loop.sockRecvfrom(stream, 10), TypeError);
    assert.throws(() => loop.sockSendto(stream, enc.encode("x"), ["127.0.0.1", 9]), TypeError);
    assert.throws(() => loop.sockSendto(sock, enc.encode("x"), "/tmp/x" as never), TypeError);
    assert.throws(() => loop.sockRecvfrom(sock, -1), RangeError);
    yield* sleep(0);
  });
});

Deno.test("loop.sockRecvfrom() on a closed loop is a RuntimeError", async () => {
  const loop = new (await import("../../../mod.ts")).SelectorEventLoop();
  loop.close();
  using sock = udp();
  assert.throws(() => loop.sockRecvfrom(sock, 10), RuntimeError);
});

Deno.test({
  name: "Socket(AF_INET6, SOCK_DGRAM): four-part addresses",
  ignore: !IPV6,
  async fn() {
    await onLoop(function* (loop) {
      using a = new Socket(AF_INET6, SOCK_DGRAM);
      a.bind(["::1", 0]);
      using b = new Socket(AF_INET6, SOCK_DGRAM);
      const addr = a.getsockname();
      assert.equal(addr.length, 4);
      yield* loop.sockSendto(b, enc.encode("six"), addr);
      const [data, from] = yield* loop.sockRecvfrom(a, 10);
      assert.equal(dec.decode(data), "six");
      assert.equal(from.length, 4);
      assert.equal(from[0], "::1");
    });
  },
});

Deno.test("loop.sockRecvfrom(): a cancelled task leaves the datagram for the next call", async () => {
  await onLoop(function* (loop) {
    using a = udp();
    using b = udp();
    const task = loop.createTask(function* () {
      return yield* loop.sockRecvfrom(a, 100);
    }());
    yield* sleep(0);
    task.cancel();
    try {
      yield* task;
    } catch (e) {
      assert.ok(e instanceof CancelledError);
    }
    yield* loop.sockSendto(b, enc.encode("kept"), a.getsockname());
    assert.equal(dec.decode((yield* loop.sockRecvfrom(a, 100))[0]), "kept");
  });
});
