// The stream transport's API on real TCP connections over 127.0.0.1:
// callback order, writing (immediate, coalesced, copied), half-close,
// closing and aborting, extra info, flow-control settings, protocol
// switching, BufferedProtocol. Failures: transports_errors_test.ts.

import assert from "node:assert/strict";
import { RuntimeError, sleep, wrapFuture } from "../../../mod.ts";
import { BufferedProtocol, Protocol } from "../../../loops/protocols_mod.ts";
import { StreamTransport } from "../../../loops/net/transports/stream.ts";
import { bad } from "../../_helpers.ts";
import {
  BufferedEcho,
  connectRecorder,
  dec,
  echoServer,
  enc,
  onLoop,
  pattern,
  Recorder,
  shutdown,
  until,
} from "./_net.ts";

Deno.test("Protocol callbacks run connectionMade, dataReceived*, eofReceived, connectionLost once", async () => {
  await onLoop(function* (loop) {
    let serverSide: Recorder | null = null;
    const [server, port] = yield* echoServer(loop, () => serverSide = new Recorder(loop));
    const [t, client] = yield* connectRecorder(loop, port);
    assert.deepEqual(client.events, ["made"]);
    t.write(enc.encode("one"));
    t.write(enc.encode("two"));
    yield* until(() => serverSide !== null && serverSide.received === 6, "server data");
    t.writeEof();
    yield* serverSide!.lost;
    assert.deepEqual(serverSide!.events, ["made", "data", "eof", "lost"]);
    assert.equal(serverSide!.text(), "onetwo");
    assert.equal(serverSide!.lostError, null);
    yield* client.lost; // the server closed after EOF: the client sees EOF too
    assert.deepEqual(client.events, ["made", "eof", "lost"]);
    yield* shutdown(server);
  });
});

Deno.test("Transport.write() and writelines() deliver every byte in order", async () => {
  await onLoop(function* (loop) {
    const [server, port] = yield* echoServer(loop);
    const [t, client] = yield* connectRecorder(loop, port);
    const expected: number[] = [];
    for (let i = 0; i < 50; i++) {
      const chunk = pattern(1 + i * 97, i);
      if (i % 2 === 0) t.write(chunk);
      else t.writelines([chunk.subarray(0, 3), chunk.subarray(3)]);
      expected.push(...chunk);
    }
    t.write(new Uint16Array([0x4241]).buffer as ArrayBuffer as never); // an ArrayBuffer
    t.write(new DataView(new Uint8Array([0x43]).buffer) as never); // a view
    expected.push(0x41, 0x42, 0x43);
    yield* until(() => client.received === expected.length, "echo");
    assert.deepEqual([...client.data()], expected);
    t.close();
    yield* client.lost;
    yield* shutdown(server);
  });
});

Deno.test("dataReceived() chunks are the protocol's: a buffer of their own, never reused", async () => {
  await onLoop(function* (loop) {
    const [server, port] = yield* echoServer(loop);
    const [t, client] = yield* connectRecorder(loop, port);
    const sent: Uint8Array[] = [];
    // One message at a time, so that every echo arrives in reads of its own
    // while the chunks of the earlier ones are still kept.
    for (let i = 0; i < 20; i++) {
      const message = pattern(1 + i * 1500, i);
      sent.push(message);
      const before = client.received;
      t.write(message);
      yield* until(() => client.received === before + message.length, `echo ${i}`);
    }
    for (const chunk of client.chunks) {
      assert.equal(chunk.byteOffset, 0);
      assert.equal(chunk.buffer.byteLength, chunk.length);
    }
    const buffers = new Set(client.chunks.map((c) => c.buffer));
    assert.equal(buffers.size, client.chunks.length, "no two chunks share memory");
    // Every kept chunk still holds what was received (later reads wrote elsewhere).
    const all = sent.flatMap((m) => [...m]);
    assert.deepEqual([...client.data()], all);
    t.close();
    yield* client.lost;
    yield* shutdown(server);
  });
});

Deno.test("Transport.write() rejects non-bytes and ignores empty data", async () => {
  await onLoop(function* (loop) {
    const [server, port] = yield* echoServer(loop);
    const [t, client] = yield* connectRecorder(loop, port);
    assert.throws(() => t.write(bad("text")), TypeError);
    assert.throws(() => t.write(bad(null)), TypeError);
    assert.throws(() => t.writelines([enc.encode("a"), bad(7)]), TypeError);
    t.write(new Uint8Array(0));
    t.writelines([]);
    assert.equal(t.getWriteBufferSize(), 0, "writelines() checks every item before writing");
    t.write(enc.encode("z"));
    yield* until(() => client.received === 1, "echo");
    assert.equal(client.text(), "z");
    t.close();
    yield* client.lost;
    yield* shutdown(server);
  });
});

Deno.test("Transport.write() copies data it has to queue behind another write", async () => {
  await onLoop(function* (loop) {
    const [server, port] = yield* echoServer(loop);
    const [t, client] = yield* connectRecorder(loop, port);
    t.write(enc.encode("first")); // idle: handed to Deno (which sends it at once)
    const buf = enc.encode("aaaa");
    t.write(buf); // queued behind the first: copied
    buf.fill(0x62);
    t.write(buf); // queued: copied
    buf.fill(0x63);
    yield* until(() => client.received === 13, "echo");
    assert.equal(client.text(), "firstaaaabbbb");
    t.close();
    yield* client.lost;
    yield* shutdown(server);
  });
});

/** Wraps a real connection and records every write Deno is asked to do. */
function recordingConn(conn: Deno.TcpConn, writes: Uint8Array[]) {
  return {
    read: (p: Uint8Array) => conn.read(p),
    write: (p: Uint8Array) => {
      writes.push(p.slice());
      return conn.write(p);
    },
    close: () => conn.close(),
    closeWrite: () => conn.closeWrite(),
  };
}

Deno.test("Transport.write() writes at once when idle and coalesces while busy", async () => {
  await onLoop(function* (loop) {
    const [server, port] = yield* echoServer(loop);
    const conn = yield* wrapFuture(Deno.connect({ hostname: "127.0.0.1", port }));
    const writes: Uint8Array[] = [];
    const proto = new Recorder(loop);
    const t = new StreamTransport(loop, recordingConn(conn, writes), proto, {});
    t._start();
    yield* proto.made;
    t.write(enc.encode("first"));
    assert.equal(writes.length, 1, "an idle transport hands the data to Deno at once");
    t.write(enc.encode("second"));
    t.write(enc.encode("third"));
    t.writelines([enc.encode("-"), enc.encode("fourth")]);
    assert.equal(writes.length, 1, "a busy transport buffers");
    assert.equal(t.getWriteBufferSize(), 5 + 6 + 5 + 7);
    yield* until(() => proto.received === 23, "echo");
    assert.deepEqual(writes.map((w) => dec.decode(w)), ["first", "secondthird-fourth"]);
    assert.equal(t.getWriteBufferSize(), 0);
    t.close();
    yield* proto.lost;
    yield* shutdown(server);
  });
});

Deno.test("Transport.writeEof() half-closes and canWriteEof() says so", async () => {
  await onLoop(function* (loop) {
    let serverSide: Recorder | null = null;
    const [server, port] = yield* echoServer(loop, () => serverSide = new Recorder(loop, true));
    const [t, client] = yield* connectRecorder(loop, port);
    assert.equal(t.canWriteEof(), true);
    t.write(enc.encode("question"));
    t.writeEof();
    t.writeEof(); // idempotent
    assert.throws(() => t.write(enc.encode("more")), RuntimeError);
    assert.equal(t.isClosing(), false, "half-closed is not closing");
    yield* until(() => serverSide?.events.includes("eof") === true, "server EOF");
    assert.equal(serverSide!.text(), "question");
    // eofReceived() returned true: the server's write side is still open.
    assert.equal(serverSide!.transport!.isClosing(), false);
    serverSide!.transport!.write(enc.encode("answer"));
    serverSide!.transport!.close();
    yield* client.lost;
    assert.equal(client.text(), "answer");
    assert.deepEqual(client.events, ["made", "data", "eof", "lost"]);
    yield* serverSide!.lost;
    yield* shutdown(server);
  });
});

Deno.test("Protocol.eofReceived() returning a falsy value closes the transport", async () => {
  await onLoop(function* (loop) {
    let serverSide: Recorder | null = null;
    const [server, port] = yield* echoServer(loop, () => serverSide = new Recorder(loop, false));
    const [t, client] = yield* connectRecorder(loop, port);
    t.writeEof();
    yield* until(() => serverSide !== null && serverSide.lost.done(), "server close");
    assert.deepEqual(serverSide!.events, ["made", "eof", "lost"]);
    assert.equal(serverSide!.transport!.isClosing(), true);
    yield* client.lost;
    yield* shutdown(server);
  });
});

Deno.test("Transport.close() flushes buffered data, then calls connectionLost(null) once", async () => {
  await onLoop(function* (loop) {
    let serverSide: Recorder | null = null;
    const [server, port] = yield* echoServer(loop, () => serverSide = new Recorder(loop));
    const [t, client] = yield* connectRecorder(loop, port);
    const big = pattern(4 * 1024 * 1024, 7);
    t.write(big);
    t.write(enc.encode("tail"));
    assert.ok(t.getWriteBufferSize() > 0);
    t.close();
    t.close(); // idempotent
    assert.equal(t.isClosing(), true);
    assert.equal(t.isReading(), false);
    assert.equal(client.lost.done(), false, "connectionLost waits for the flush");
    yield* client.lost;
    assert.equal(client.lostError, null);
    assert.equal(t.getWriteBufferSize(), 0);
    yield* until(() => serverSide !== null && serverSide.lost.done(), "server EOF");
    const got = serverSide!.data();
    assert.equal(got.length, big.length + 4);
    assert.deepEqual(got.subarray(0, big.length), big);
    assert.equal(dec.decode(got.subarray(big.length)), "tail");
    yield* sleep(0.01);
    // Flow control still runs while closing, as in asyncio.
    assert.deepEqual(client.events, ["made", "pauseWriting", "resumeWriting", "lost"]);
    yield* shutdown(server);
  });
});

Deno.test("Transport.abort() drops buffered data and calls connectionLost(null)", async () => {
  await onLoop(function* (loop) {
    let serverSide: Recorder | null = null;
    const [server, port] = yield* echoServer(loop, () => serverSide = new Recorder(loop));
    const [t, client] = yield* connectRecorder(loop, port);
    t.write(pattern(1024 * 1024));
    for (let i = 0; i < 20; i++) t.write(pattern(1024 * 1024, i));
    t.abort();
    t.abort();
    t.close(); // no effect after abort
    assert.equal(t.isClosing(), true);
    assert.equal(yield* client.lost, null);
    yield* until(() => serverSide !== null && serverSide.lost.done(), "server sees the end");
    assert.ok(serverSide!.received < 21 * 1024 * 1024, "the buffered megabytes were dropped");
    assert.deepEqual(client.events, ["made", "pauseWriting", "lost"]);
    yield* shutdown(server);
  });
});

Deno.test("Transport.getExtraInfo() gives peername, sockname and socket", async () => {
  await onLoop(function* (loop) {
    let serverSide: Recorder | null = null;
    const [server, port] = yield* echoServer(loop, () => serverSide = new Recorder(loop));
    const [t, client] = yield* connectRecorder(loop, port);
    yield* until(() => serverSide !== null && serverSide.made.done(), "accept");
    const peer = t.getExtraInfo("peername");
    const local = t.getExtraInfo("sockname");
    assert.deepEqual(peer, ["127.0.0.1", port]);
    assert.equal(local[0], "127.0.0.1");
    const st = serverSide!.transport!;
    assert.deepEqual(st.getExtraInfo("peername"), local);
    assert.deepEqual(st.getExtraInfo("sockname"), peer);
    const sock = t.getExtraInfo("socket");
    assert.equal(sock.family, "AF_INET");
    assert.deepEqual(sock.getpeername(), peer);
    assert.deepEqual(sock.getsockname(), local);
    sock.setNoDelay!(false);
    sock.setKeepAlive!(true);
    assert.equal(t.getExtraInfo("sslcontext"), undefined);
    assert.equal(t.getExtraInfo("nonsense", "fallback"), "fallback");
    assert.match(String(t), /^<StreamTransport socket open>$/);
    t.close();
    assert.match(String(t), /closing/);
    yield* client.lost;
    assert.match(String(t), /closed/);
    yield* shutdown(server);
  });
});

Deno.test("Transport.setWriteBufferLimits() validates and getWriteBufferLimits() reports", async () => {
  await onLoop(function* (loop) {
    const [server, port] = yield* echoServer(loop);
    const [t, client] = yield* connectRecorder(loop, port);
    assert.deepEqual(t.getWriteBufferLimits(), [16 * 1024, 64 * 1024]);
    t.setWriteBufferLimits(1000);
    assert.deepEqual(t.getWriteBufferLimits(), [250, 1000]);
    t.setWriteBufferLimits(undefined, 300);
    assert.deepEqual(t.getWriteBufferLimits(), [300, 1200]);
    t.setWriteBufferLimits(10, 10);
    assert.deepEqual(t.getWriteBufferLimits(), [10, 10]);
    t.setWriteBufferLimits(0);
    assert.deepEqual(t.getWriteBufferLimits(), [0, 0]);
    t.setWriteBufferLimits();
    assert.deepEqual(t.getWriteBufferLimits(), [16 * 1024, 64 * 1024]);
    for (const [high, low] of [[10, 11], [-1, undefined], [undefined, -4], [5, -1]]) {
      assert.throws(() => t.setWriteBufferLimits(high, low), RangeError, `${high}/${low}`);
    }
    assert.throws(() => t.setWriteBufferLimits(bad("10")), TypeError); // as asyncio ("10" // 4)
    assert.throws(() => t.setWriteBufferLimits(100, bad("1")), /low must be a number/);
    assert.throws(() => t.setWriteBufferLimits(NaN), RangeError);
    assert.deepEqual(t.getWriteBufferLimits(), [16 * 1024, 64 * 1024], "unchanged after errors");
    t.close();
    yield* client.lost;
    yield* shutdown(server);
  });
});

Deno.test("Transport calls pauseWriting() over the high water mark and resumeWriting() at the low", async () => {
  await onLoop(function* (loop) {
    const [server, port] = yield* echoServer(loop);
    const [t, client] = yield* connectRecorder(loop, port);
    t.setWriteBufferLimits(100, 50);
    t.write(pattern(100)); // in flight: exactly at the mark, not over
    assert.equal(t.getWriteBufferSize(), 100);
    assert.deepEqual(client.events, ["made"]);
    t.write(pattern(1));
    assert.deepEqual(client.events, ["made", "pauseWriting"], "paused synchronously in write()");
    t.write(pattern(1000)); // already paused: no second call
    yield* until(() => client.received === 1101, "echo");
    yield* until(() => client.events.includes("resumeWriting"), "resumeWriting");
    assert.deepEqual(client.events.filter((e) => e !== "data"), [
      "made",
      "pauseWriting",
      "resumeWriting",
    ]);
    // Raising the limits above the buffered size does not pause; lowering below it does.
    const count = (name: string) => client.events.filter((e) => e === name).length;
    t.setWriteBufferLimits(0);
    t.write(pattern(10));
    assert.equal(count("pauseWriting"), 2);
    yield* until(() => count("resumeWriting") === 2, "resume again");
    t.close();
    yield* client.lost;
    yield* shutdown(server);
  });
});

Deno.test("Transport.pauseReading() stops dataReceived until resumeReading()", async () => {
  await onLoop(function* (loop) {
    const [server, port] = yield* echoServer(loop);
    const [t, client] = yield* connectRecorder(loop, port);
    assert.equal(t.isReading(), true);
    t.pauseReading();
    t.pauseReading(); // idempotent
    assert.equal(t.isReading(), false);
    t.write(enc.encode("while paused"));
    yield* sleep(0.1);
    assert.equal(client.received, 0, "no data while paused");
    t.resumeReading();
    t.resumeReading();
    assert.equal(t.isReading(), true);
    yield* until(() => client.received === 12, "data after resume");
    assert.equal(client.text(), "while paused");
    t.close();
    assert.equal(t.isReading(), false);
    t.resumeReading(); // no effect once closing
    assert.equal(t.isReading(), false);
    yield* client.lost;
    yield* shutdown(server);
  });
});

class Upper extends Protocol {
  got: string[] = [];
  override dataReceived(data: Uint8Array): void {
    this.got.push(dec.decode(data).toUpperCase());
  }
}

Deno.test("Transport.setProtocol() switches where data goes; getProtocol() tells", async () => {
  await onLoop(function* (loop) {
    const [server, port] = yield* echoServer(loop);
    const [t, client] = yield* connectRecorder(loop, port);
    assert.equal(t.getProtocol(), client);
    t.write(enc.encode("abc"));
    yield* until(() => client.received === 3, "first echo");
    const upper = new Upper();
    t.setProtocol(upper);
    assert.equal(t.getProtocol(), upper);
    t.write(enc.encode("def"));
    yield* until(() => upper.got.join("") === "DEF", "echo to the new protocol");
    assert.equal(client.received, 3);
    // Switching to a BufferedProtocol works too.
    const buffered = new (class extends BufferedProtocol {
      buf = new Uint8Array(2);
      got = "";
      override getBuffer() {
        return this.buf;
      }
      override bufferUpdated(n: number) {
        this.got += dec.decode(this.buf.subarray(0, n));
      }
    })();
    t.setProtocol(buffered);
    t.write(enc.encode("ghijk"));
    yield* until(() => buffered.got === "ghijk", "echo into the buffer");
    t.close();
    yield* sleep(0.01);
    yield* shutdown(server);
  });
});

Deno.test("BufferedProtocol receives into its own buffer", async () => {
  await onLoop(function* (loop) {
    const protocols: BufferedEcho[] = [];
    const [server, port] = yield* echoServer(loop, () => {
      const p = new BufferedEcho();
      protocols.push(p);
      return p;
    });
    const [t, client] = yield* connectRecorder(loop, port);
    const data = pattern(100_000, 3);
    t.write(data);
    yield* until(() => client.received === data.length, "echo");
    assert.deepEqual(client.data(), data);
    assert.ok(protocols[0].sizeHints.length >= 100, "a 1000-byte buffer needs many reads");
    assert.ok(protocols[0].sizeHints.every((h) => h === -1));
    t.close();
    yield* client.lost;
    yield* shutdown(server);
  });
});

Deno.test("a Transport is both a ReadTransport and a WriteTransport, as in asyncio", async () => {
  const { ReadTransport, WriteTransport, Transport } = await import(
    "../../../loops/protocols_mod.ts"
  );
  const { StreamTransport } = await import("../../../loops/net/transports/stream.ts");
  const proto = StreamTransport.prototype;
  assert.ok(Object.create(proto) instanceof ReadTransport);
  assert.ok(Object.create(proto) instanceof WriteTransport);
  assert.ok(Object.create(proto) instanceof Transport);
  assert.ok(!({} instanceof ReadTransport));
});

Deno.test("getExtraInfo() knows only its own keys, not Object.prototype's", async () => {
  const { StreamTransport } = await import("../../../loops/net/transports/stream.ts");
  const t = Object.create(StreamTransport.prototype) as InstanceType<typeof StreamTransport>;
  t._extra = { peername: ["127.0.0.1", 1] };
  assert.deepEqual(t.getExtraInfo("peername"), ["127.0.0.1", 1]);
  assert.equal(t.getExtraInfo("toString", "none"), "none");
  assert.equal(t.getExtraInfo("constructor"), undefined);
});
