// UDP endpoints on real loopback sockets: echo, connected and unconnected
// endpoints, ordering, sizes, errors, closing, extra info and flow control,
// on every backend this process has (see _datagram.ts).

import assert from "node:assert/strict";
import { type Coroutine, OSError, sleep, wrapFuture } from "../../../mod.ts";
import type { Address, DatagramTransport } from "../../../loops/protocols_mod.ts";
import { AF_INET, AF_INET6 } from "../../../loops/net/socket_mod.ts";
import { bad, captureConsole } from "../../_helpers.ts";
import {
  addrOf,
  backendTest,
  closeAll,
  dec,
  Echo,
  enc,
  local,
  open,
  Rec,
  until,
} from "./_datagram.ts";

backendTest("createDatagramEndpoint() echoes between two endpoints on 127.0.0.1", function* (
  loop,
  backend,
) {
  const [server, echo] = yield* local(loop, backend, new Echo(loop, "re:"));
  const [client, rec] = yield* open(loop, backend, { remoteAddr: addrOf(server) });
  assert.deepEqual(rec.events, ["made"]);
  assert.equal(client.getExtraInfo("backend"), backend);
  client.sendto(enc.encode("hello"));
  yield* until(() => rec.datagrams.length === 1, "the echo");
  assert.deepEqual(rec.texts(), ["re:hello"]);
  assert.deepEqual(rec.datagrams[0][1], addrOf(server));
  const [, from] = echo.datagrams[0];
  assert.equal(from[1], addrOf(client)[1]);
  yield* closeAll(rec, echo);
  assert.deepEqual(rec.events, ["made", "datagram", "lost"]);
  assert.equal(yield* rec.lost, null);
});

backendTest("UdpTransport.sendto() needs an address on an unconnected endpoint", function* (
  loop,
  backend,
) {
  const [a, ra] = yield* local(loop, backend);
  const [b, rb] = yield* local(loop, backend);
  assert.throws(() => a.sendto(enc.encode("x")), TypeError);
  a.sendto(enc.encode("to b"), addrOf(b));
  b.sendto(enc.encode("to a"), addrOf(a));
  yield* until(() => ra.datagrams.length === 1 && rb.datagrams.length === 1, "both datagrams");
  assert.deepEqual(rb.datagrams[0], [enc.encode("to b"), addrOf(a)]);
  assert.deepEqual(ra.datagrams[0], [enc.encode("to a"), addrOf(b)]);
  assert.equal(a.getExtraInfo("peername"), null);
  yield* closeAll(ra, rb);
});

backendTest("a connected endpoint drops datagrams from other addresses", function* (
  loop,
  backend,
) {
  const [server, rs] = yield* local(loop, backend);
  const [other, ro] = yield* local(loop, backend);
  const [client, rc] = yield* open(loop, backend, { remoteAddr: addrOf(server) });
  client.sendto(enc.encode("hi"));
  yield* until(() => rs.datagrams.length === 1, "the client's datagram");
  const clientAddr = rs.datagrams[0][1];
  other.sendto(enc.encode("intruder"), clientAddr);
  yield* until(() => other.getWriteBufferSize() === 0, "the intruder's send");
  server.sendto(enc.encode("reply"), clientAddr);
  yield* until(() => rc.datagrams.length === 1, "the reply");
  yield* sleep(0.01);
  assert.deepEqual(rc.texts(), ["reply"]);
  assert.deepEqual(client.getExtraInfo("peername"), addrOf(server));
  yield* closeAll(rs, ro, rc);
});

backendTest("UdpTransport.sendto() on a connected endpoint checks the address", function* (
  loop,
  backend,
) {
  const [server, rs] = yield* local(loop, backend);
  const port = addrOf(server)[1];
  const [client, rc] = yield* open(loop, backend, {
    remoteAddr: ["localhost", port],
    family: AF_INET,
  });
  assert.throws(() => client.sendto(enc.encode("x"), ["127.0.0.1", port + 1]), RangeError);
  assert.throws(() => client.sendto(enc.encode("x"), ["10.0.0.1", port]), RangeError);
  client.sendto(enc.encode("a"), ["127.0.0.1", port]);
  client.sendto(enc.encode("b"), ["localhost", port]); // the name it was given
  client.sendto(enc.encode("c"), null);
  yield* until(() => rs.datagrams.length === 3, "three datagrams");
  assert.deepEqual(rs.texts(), ["a", "b", "c"]);
  assert.deepEqual(client.getExtraInfo("peername"), ["127.0.0.1", port]);
  yield* closeAll(rs, rc);
});

backendTest("datagrams arrive in the order they were sent", function* (loop, backend) {
  const [a, ra] = yield* local(loop, backend);
  const [b, rb] = yield* local(loop, backend);
  // Batches small enough never to fill the receive buffer, large enough that
  // concurrent sends would come out reordered.
  for (let batch = 0; batch < 10; batch++) {
    for (let i = 0; i < 50; i++) a.sendto(enc.encode(String(batch * 50 + i)), addrOf(b));
    yield* until(() => rb.datagrams.length === (batch + 1) * 50, `batch ${batch}`);
  }
  assert.deepEqual(rb.texts(), Array.from({ length: 500 }, (_, i) => String(i)));
  yield* closeAll(ra, rb);
});

backendTest("a 60 KB datagram arrives whole; an empty one arrives empty", function* (
  loop,
  backend,
) {
  const [a, ra] = yield* local(loop, backend);
  const [b, rb] = yield* local(loop, backend);
  const big = Uint8Array.from({ length: 60_000 }, (_, i) => (i * 7) & 255);
  a.sendto(big, addrOf(b));
  a.sendto(new Uint8Array(0), addrOf(b));
  yield* until(() => rb.datagrams.length === 2, "two datagrams");
  assert.deepEqual(rb.datagrams[0][0], big);
  assert.equal(rb.datagrams[1][0].length, 0);
  yield* closeAll(ra, rb);
});

backendTest("a send failure goes to errorReceived() and the endpoint stays open", function* (
  loop,
  backend,
) {
  const [a, ra] = yield* local(loop, backend);
  const [b, rb] = yield* local(loop, backend);
  a.sendto(new Uint8Array(65_508), addrOf(b)); // one byte over the UDP maximum
  a.sendto(enc.encode("after"), addrOf(b));
  yield* until(() => ra.errors.length === 1 && rb.datagrams.length === 1, "error and datagram");
  assert.ok(ra.errors[0] instanceof OSError);
  assert.equal((ra.errors[0] as OSError).code, "EMSGSIZE");
  assert.deepEqual(rb.texts(), ["after"]);
  assert.ok(!a.isClosing());
  assert.deepEqual(ra.events, ["made", "error"]);
  yield* closeAll(ra, rb);
});

backendTest("UdpTransport.sendto() rejects bad data and bad addresses", function* (
  loop,
  backend,
) {
  const [a, ra] = yield* local(loop, backend);
  for (const data of ["text", 42, null, [1, 2]]) {
    assert.throws(() => a.sendto(bad(data), ["127.0.0.1", 9]), TypeError);
  }
  const badAddrs = ["127.0.0.1:9", ["127.0.0.1"], [1, 2], ["h", "80"], ["h", 1.5], ["", 9]];
  for (const addr of badAddrs) {
    assert.throws(() => a.sendto(enc.encode("x"), bad(addr)), TypeError, String(addr));
  }
  assert.throws(() => a.sendto(enc.encode("x"), ["127.0.0.1", 70_000]), RangeError);
  assert.equal(a.getWriteBufferSize(), 0);
  // Other byte buffers are accepted.
  a.sendto(bad(new DataView(new ArrayBuffer(3))), addrOf(a));
  a.sendto(bad(new Uint16Array([1, 2]).buffer), addrOf(a));
  yield* until(() => ra.datagrams.length === 2, "the datagrams to itself");
  assert.deepEqual(ra.datagrams.map(([d]) => d.length), [3, 4]);
  yield* closeAll(ra);
});

backendTest("UdpTransport.sendto() after close drops, then warns", function* (loop, backend) {
  const [a, ra] = yield* local(loop, backend);
  const [b, rb] = yield* local(loop, backend);
  a.close();
  const { calls } = yield* wrapFuture(captureConsole("warn", () => {
    for (let i = 0; i < 10; i++) a.sendto(enc.encode("late"), addrOf(b));
  }));
  assert.equal(calls.length, 6); // from the 5th dropped datagram on, as asyncio
  assert.match(calls[0], /socket\.send\(\) raised exception/);
  assert.equal(a.getWriteBufferSize(), 0);
  yield* ra.lost;
  b.sendto(enc.encode("ping"), addrOf(b));
  yield* until(() => rb.datagrams.length === 1, "b's own datagram");
  assert.deepEqual(rb.texts(), ["ping"]); // nothing from a
  yield* closeAll(rb);
});

backendTest("UdpTransport.close() sends what is queued, then calls connectionLost once", function* (
  loop,
  backend,
) {
  const [a, ra] = yield* local(loop, backend);
  const [b, rb] = yield* local(loop, backend);
  for (let i = 0; i < 20; i++) a.sendto(enc.encode(`m${i}`), addrOf(b));
  assert.ok(a.getWriteBufferSize() > 0);
  a.close();
  assert.ok(a.isClosing());
  a.close();
  assert.equal(yield* ra.lost, null);
  a.abort();
  assert.equal(ra.bufferAtLost, 0);
  yield* until(() => rb.datagrams.length === 20, "the flushed datagrams");
  yield* sleep(0.01);
  assert.equal(ra.lostCount, 1);
  assert.deepEqual(rb.texts(), Array.from({ length: 20 }, (_, i) => `m${i}`));
  yield* closeAll(rb);
});

backendTest("UdpTransport.abort() drops queued datagrams", function* (loop, backend) {
  const [a, ra] = yield* local(loop, backend);
  const [b, rb] = yield* local(loop, backend);
  for (let i = 0; i < 20; i++) a.sendto(enc.encode(`m${i}`), addrOf(b));
  a.abort();
  assert.equal(a.getWriteBufferSize(), 0);
  assert.equal(yield* ra.lost, null);
  b.sendto(enc.encode("self"), addrOf(b));
  yield* until(() => rb.texts().includes("self"), "b's own datagram");
  assert.ok(rb.datagrams.length <= 2, `got ${rb.texts()}`); // at most the one in flight
  a.close();
  yield* sleep(0.01);
  assert.equal(ra.lostCount, 1);
  yield* closeAll(rb);
});

backendTest("UdpTransport.abort() after close() drops what is still queued", function* (
  loop,
  backend,
) {
  const [a, ra] = yield* local(loop, backend);
  for (let i = 0; i < 20; i++) a.sendto(enc.encode(`m${i}`), addrOf(a));
  a.close();
  a.abort();
  assert.equal(a.getWriteBufferSize(), 0);
  assert.equal(yield* ra.lost, null);
  yield* sleep(0.01);
  assert.equal(ra.lostCount, 1);
  assert.deepEqual(ra.datagrams, []); // closing stops delivery at once
});

backendTest("no datagram is delivered after close()", function* (loop, backend) {
  const [a, ra] = yield* local(loop, backend);
  const [b, rb] = yield* local(loop, backend);
  for (let i = 0; i < 5; i++) b.sendto(enc.encode("x"), addrOf(a));
  yield* until(() => b.getWriteBufferSize() === 0, "the sends");
  a.close(); // the datagrams may be queued for delivery already
  yield* ra.lost;
  assert.equal(ra.events.at(-1), "lost");
  assert.ok(!ra.events.slice(ra.events.indexOf("lost")).includes("datagram"));
  yield* closeAll(rb);
});

backendTest("getExtraInfo() reports the addresses and the socket", function* (loop, backend) {
  const [a, ra] = yield* local(loop, backend);
  const [host, port] = addrOf(a);
  assert.equal(host, "127.0.0.1");
  assert.ok(port > 0);
  assert.equal(a.getExtraInfo("peername"), null);
  assert.equal(a.getExtraInfo("nothing", "default"), "default");
  const sock = a.getExtraInfo("socket");
  assert.equal(sock.family, "AF_INET");
  assert.deepEqual(sock.getsockname(), [host, port]);
  assert.throws(() => sock.getpeername(), (e) => e instanceof OSError && e.code === "ENOTCONN");
  const [c, rc] = yield* open(loop, backend, { remoteAddr: [host, port] });
  assert.deepEqual(c.getExtraInfo("peername"), [host, port]);
  assert.deepEqual(c.getExtraInfo("socket").getpeername(), [host, port]);
  assert.match(String(a), /^<UdpTransport 127\.0\.0\.1:\d+ open>$/);
  assert.equal(a.getProtocol(), ra);
  yield* closeAll(ra, rc);
});

backendTest("an IPv6 endpoint on ::1 uses asyncio's 4-item addresses", function* (
  loop,
  backend,
) {
  const [a, ra] = yield* open(loop, backend, { localAddr: ["::1", 0] }, new Echo(loop));
  const port = addrOf(a)[1];
  assert.deepEqual(a.getExtraInfo("sockname"), ["::1", port, 0, 0]);
  assert.equal(a.getExtraInfo("socket").family, "AF_INET6");
  const [, rb] = yield* open(loop, backend, { remoteAddr: ["::1", port], family: AF_INET6 });
  rb.transport!.sendto(enc.encode("six"));
  yield* until(() => rb.datagrams.length === 1, "the IPv6 echo");
  assert.deepEqual(rb.datagrams[0][1], ["::1", port, 0, 0]);
  yield* closeAll(ra, rb);
});

backendTest("family alone binds an ephemeral wildcard port", function* (loop, backend) {
  const [server, echo] = yield* local(loop, backend, new Echo(loop));
  const [a, ra] = yield* open(loop, backend, { family: AF_INET });
  assert.equal(addrOf(a)[0], "0.0.0.0");
  a.sendto(enc.encode("hey"), addrOf(server));
  yield* until(() => ra.datagrams.length === 1, "the echo");
  assert.deepEqual(ra.texts(), ["hey"]);
  yield* closeAll(ra, echo);
});

backendTest("flow control pauses and resumes the protocol at the water marks", function* (
  loop,
  backend,
) {
  const [a, ra] = yield* local(loop, backend);
  a.setWriteBufferLimits(100);
  assert.deepEqual(a.getWriteBufferLimits(), [25, 100]);
  assert.throws(() => a.setWriteBufferLimits(10, 20), RangeError);
  for (let i = 0; i < 10; i++) a.sendto(new Uint8Array(50), addrOf(a));
  assert.deepEqual(ra.events, ["made", "pause"]);
  assert.equal(a.getWriteBufferSize(), 10 * (50 + 8));
  yield* until(() => ra.datagrams.length === 10, "the datagrams");
  yield* until(() => ra.events.includes("resume"), "resumeWriting()");
  assert.equal(a.getWriteBufferSize(), 0);
  assert.deepEqual(ra.events.filter((e) => e === "pause" || e === "resume"), ["pause", "resume"]);
  yield* closeAll(ra);
});

backendTest(
  "an exception in datagramReceived() is reported; the endpoint keeps receiving",
  function* (
    loop,
    backend,
    exceptions,
  ) {
    const boom = new Error("boom");
    class Faulty extends Rec {
      override datagramReceived(data: Uint8Array, addr: Address): void {
        super.datagramReceived(data, addr);
        if (dec.decode(data) === "bad") throw boom;
      }
    }
    const [a, ra] = yield* local(loop, backend, new Faulty(loop));
    a.sendto(enc.encode("bad"), addrOf(a));
    a.sendto(enc.encode("good"), addrOf(a));
    yield* until(() => ra.datagrams.length === 2, "both datagrams");
    assert.deepEqual(ra.texts(), ["bad", "good"]);
    const [ctx] = exceptions.take();
    assert.equal(ctx.message, "Exception in protocol.datagramReceived()");
    assert.equal(ctx.exception, boom);
    assert.equal(ctx.transport, a);
    assert.equal(ctx.protocol, ra);
    assert.ok(!a.isClosing());
    yield* closeAll(ra);
    assert.equal(yield* ra.lost, null);
  },
);

backendTest(
  "an exception in errorReceived() or connectionMade() is reported; the endpoint stays open",
  function* (
    loop,
    backend,
    exceptions,
  ) {
    const boom = new Error("boom");
    class Faulty extends Rec {
      override connectionMade(t: DatagramTransport): void {
        super.connectionMade(t);
        throw boom;
      }
      override errorReceived(exc: Error): void {
        super.errorReceived(exc);
        throw boom;
      }
    }
    const [a, ra] = yield* local(loop, backend, new Faulty(loop));
    assert.deepEqual(exceptions.take().map((c) => c.message), [
      "Exception in protocol.connectionMade()",
    ]);
    const [b, rb] = yield* local(loop, backend);
    a.sendto(new Uint8Array(65_508), addrOf(b)); // one byte over the UDP maximum: EMSGSIZE
    a.sendto(enc.encode("after"), addrOf(b));
    yield* until(() => ra.errors.length === 1 && rb.datagrams.length === 1, "error and datagram");
    const [ctx] = exceptions.take();
    assert.equal(ctx.message, "Exception in protocol.errorReceived()");
    assert.equal(ctx.exception, boom);
    assert.ok(!a.isClosing());
    b.sendto(enc.encode("to a"), addrOf(a));
    yield* until(() => ra.datagrams.length === 1, "a datagram to the endpoint");
    yield* closeAll(ra, rb);
  },
);

backendTest("setProtocol() sends later datagrams to the new protocol", function* (
  loop,
  backend,
) {
  const [a, first] = yield* local(loop, backend);
  const second = new Rec(loop);
  a.setProtocol(second);
  assert.equal(a.getProtocol(), second);
  a.sendto(enc.encode("x"), addrOf(a));
  yield* until(() => second.datagrams.length === 1, "the datagram");
  assert.equal(first.datagrams.length, 0);
  a.close();
  yield* second.lost;
  assert.equal(first.lostCount, 0);
});

backendTest("binding a port in use fails with EADDRINUSE", function* (loop, backend) {
  const [a, ra] = yield* local(loop, backend);
  let made = 0;
  yield* assertRejects(
    loop.createDatagramEndpoint(() => {
      made++;
      return new Rec(loop);
    }, { localAddr: addrOf(a), _backend: backend }),
    (e) => e instanceof OSError && e.code === "EADDRINUSE",
  );
  assert.equal(made, 0);
  yield* closeAll(ra);
});

backendTest("allowBroadcast lets an endpoint send to a broadcast address", function* (
  loop,
  backend,
) {
  const [rx, rr] = yield* open(loop, backend, { localAddr: ["0.0.0.0", 0] });
  const target: [string, number] = ["127.255.255.255", addrOf(rx)[1]];
  const [tx, rt] = yield* open(loop, backend, { remoteAddr: target, allowBroadcast: true });
  assert.equal(tx.getExtraInfo("peername"), null); // asyncio does not connect when broadcasting
  tx.sendto(enc.encode("all"));
  yield* until(() => rr.datagrams.length === 1, "the broadcast");
  const [plain, rp] = yield* local(loop, backend);
  plain.sendto(enc.encode("plain"), target);
  yield* until(() => rp.errors.length + rr.datagrams.length > 1, "the plain send's outcome");
  if (backend === "node") {
    assert.ok(rp.errors[0] instanceof OSError); // SO_BROADCAST is off by default
  } else {
    assert.deepEqual(rr.texts(), ["all", "plain"]); // Deno.listenDatagram always sets it
  }
  yield* closeAll(rr, rt, rp);
});

backendTest("cancelling createDatagramEndpoint() leaves nothing open", function* (
  loop,
  backend,
) {
  for (const ticks of [0, 1, 2, 3]) {
    const fut = open(loop, backend, { localAddr: ["127.0.0.1", 0] });
    const task = loop.createTask(fut);
    for (let i = 0; i < ticks; i++) yield* sleep(0);
    task.cancel();
    try {
      const [t, p] = yield* task;
      yield* closeAll(p); // finished before the cancel landed
      assert.ok(t.isClosing());
    } catch (e) {
      assert.equal((e as Error).name, "CancelledError");
    }
  }
});

function* assertRejects(
  fut: PromiseLike<unknown> & Iterable<unknown>,
  check: (e: unknown) => boolean,
): Coroutine<void> {
  try {
    yield* fut as Iterable<unknown, unknown>;
  } catch (e) {
    assert.ok(check(e), `unexpected error: ${e}`);
    return;
  }
  assert.fail("expected a rejection");
}
