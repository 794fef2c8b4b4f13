// The read buffer of a stream transport (loops/net/transports/stream.ts): a
// pending read lends its buffer for as long as the connection idles, so an
// idle connection's read is small, a read that fills the buffer makes the
// next one larger, reads that get little make the next ones smaller, and a
// BufferedProtocol's reads go into the protocol's buffer.
// What each read lends is observed by wrapping the connection's read(); the
// transport also sets TCP_NODELAY (a reply in two pieces must not wait).

import assert from "node:assert/strict";
import { BufferedProtocol, Protocol, type Transport } from "../../../../loops/protocols_mod.ts";
import { concat, connectRecorder, onLoop, pattern, portOf, shutdown, until } from "../_net.ts";

/** Records the size of the buffer each read of `transport`'s connection lends. */
function recordReads(transport: Transport, reads: Uint8Array[]): void {
  const conn = (transport as unknown as { _conn: Deno.Conn })._conn;
  const read = conn.read.bind(conn);
  conn.read = (buf: Uint8Array) => {
    reads.push(buf);
    return read(buf);
  };
}

/** Records every chunk, and what each read of its connection lends. */
class Reads extends Protocol {
  reads: Uint8Array[] = [];
  chunks: Uint8Array[] = [];
  /** How many reads had been made when each chunk arrived. */
  readsAt: number[] = [];
  received = 0;
  transport: Transport | null = null;
  override connectionMade(transport: Transport): void {
    this.transport = transport;
    recordReads(transport, this.reads);
  }
  override dataReceived(data: Uint8Array): void {
    this.chunks.push(data);
    this.readsAt.push(this.reads.length);
    this.received += data.length;
  }
}

const SMALL = 256;
const LARGE = 64 * 1024;

Deno.test("Stream transport: an idle connection lends a small read buffer; a burst after idling arrives intact in large reads", async () => {
  await onLoop(function* (loop) {
    let server: Reads | null = null;
    const srv = yield* loop.createServer(() => (server = new Reads()), "127.0.0.1", 0);
    const [client] = yield* connectRecorder(loop, portOf(srv));
    yield* until(() => server !== null && server.reads.length === 1, "the first read");
    const s = server!;
    assert.ok(s.reads[0].length <= SMALL, `the first read lends ${s.reads[0].length} bytes`);

    // A request of 100 bytes, then the connection idles: its next read is small.
    client.write(pattern(100));
    yield* until(() => s.received === 100 && s.reads.length === 2, "the 100 bytes");
    assert.ok(s.reads[1].length <= SMALL, `the idle read lends ${s.reads[1].length} bytes`);

    // 4 MiB after idling: a few small reads (256 B, 1, 4, 16 KiB), then 64 KiB ones
    // (not 16,384 reads of 256 bytes).
    const burst = pattern(4 * 1024 * 1024, 7);
    const before = { chunks: s.chunks.length, reads: s.reads.length };
    client.write(burst);
    yield* until(() => s.received === 100 + burst.length, "the 4 MiB", 30);
    assert.deepEqual(concat(s.chunks.slice(before.chunks)), burst, "the burst arrived intact");
    const calls = s.chunks.length - before.chunks;
    const reads = s.reads.slice(before.reads - 1); // from the read that was waiting
    const small = reads.filter((r) => r.length <= SMALL).length;
    assert.ok(calls <= burst.length / (16 * 1024), `${calls} dataReceived calls for 4 MiB`);
    assert.equal(Math.max(...reads.map((r) => r.length)), LARGE);
    assert.ok(small <= 1 + calls / 4, `${small} small reads of ${reads.length}`);
    client.close();
    yield* shutdown(srv);
  });
});

Deno.test("Stream transport: after large reads, reads that get little make the next ones smaller, down to 256 bytes", async () => {
  await onLoop(function* (loop) {
    let server: Reads | null = null;
    const srv = yield* loop.createServer(() => (server = new Reads()), "127.0.0.1", 0);
    const [client] = yield* connectRecorder(loop, portOf(srv));
    yield* until(() => server !== null, "the connection");
    const s = server!;
    let expected = 1024 * 1024;
    client.write(pattern(expected));
    yield* until(() => s.received === expected, "the first MiB", 30);
    // Each 10-byte message makes the next read a quarter as large, down to 256 B
    // (the read right after one that filled its buffer keeps its size).
    const sizes: number[] = [];
    for (let i = 0; i < 6; i++) {
      client.write(pattern(10));
      expected += 10;
      yield* until(() => s.received === expected, "10 bytes");
      yield* until(() => s.reads.length > s.readsAt.at(-1)!, "the next read");
      sizes.push(s.reads.at(-1)!.length);
    }
    assert.ok(sizes[0] >= 4 * 1024, `read sizes ${sizes}: the reads were large`);
    for (let i = 1; i < sizes.length; i++) {
      const step = sizes[i - 1] / sizes[i];
      assert.ok(step === 4 || (step === 1 && (i === 1 || sizes[i] === SMALL)), `${sizes}`);
    }
    assert.equal(sizes.at(-1), SMALL, `read sizes ${sizes}`);
    client.close();
    yield* shutdown(srv);
  });
});

Deno.test("Stream transport: messages of a steady size settle on one buffer size, one read each", async () => {
  await onLoop(function* (loop) {
    let server: Reads | null = null;
    const srv = yield* loop.createServer(() => (server = new Reads()), "127.0.0.1", 0);
    const [client] = yield* connectRecorder(loop, portOf(srv));
    yield* until(() => server !== null, "the connection");
    const s = server!;
    // 300 bytes: the first is read as 256 + 44, then each in one read of 1 KiB.
    for (let i = 1; i <= 8; i++) {
      client.write(pattern(300, i));
      yield* until(() => s.received === 300 * i, "300 bytes");
      yield* until(() => s.reads.length > s.readsAt.at(-1)!, "the next read");
    }
    assert.deepEqual(s.chunks.slice(2).map((c) => c.length), Array(7).fill(300));
    assert.deepEqual(s.reads.slice(2).map((r) => r.length), Array(s.reads.length - 2).fill(1024));
    client.close();
    yield* shutdown(srv);
  });
});

Deno.test("Stream transport: a BufferedProtocol's reads go into the buffer getBuffer() gives", async () => {
  await onLoop(function* (loop) {
    const reads: Uint8Array[] = [];
    let received = 0;
    const own = new Uint8Array(100_000);
    const srv = yield* loop.createServer(
      () =>
        new (class extends BufferedProtocol {
          override connectionMade(transport: Transport): void {
            recordReads(transport, reads);
          }
          override getBuffer(): Uint8Array {
            return own;
          }
          override bufferUpdated(n: number): void {
            received += n;
          }
        })(),
      "127.0.0.1",
      0,
    );
    const [client] = yield* connectRecorder(loop, portOf(srv));
    client.write(pattern(100));
    yield* until(() => received === 100 && reads.length >= 2, "the 100 bytes");
    client.write(pattern(300_000));
    yield* until(() => received === 300_100, "300,000 bytes");
    assert.ok(reads.every((r) => r === own), "every read lends the protocol's buffer");
    client.close();
    yield* shutdown(srv);
  });
});

Deno.test("Stream transport: TCP connections have TCP_NODELAY set, as asyncio's transports", async () => {
  // A reply written in two pieces (as after a small first read) must not
  // wait for the peer's delayed ACK. Deno leaves Nagle's algorithm on, so the
  // transport turns it off: seen here through TcpConn's setNoDelay.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const probe = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const accepted = await listener.accept();
  const proto = Object.getPrototypeOf(probe) as { setNoDelay(on: boolean): void };
  probe.close();
  accepted.close();
  listener.close();
  const original = proto.setNoDelay;
  const set: [unknown, boolean][] = [];
  proto.setNoDelay = function (this: unknown, on: boolean) {
    set.push([this, on]);
    return original.call(this, on);
  };
  try {
    await onLoop(function* (loop) {
      let server: Reads | null = null;
      const srv = yield* loop.createServer(() => (server = new Reads()), "127.0.0.1", 0);
      const [client, protocol] = yield* connectRecorder(loop, portOf(srv));
      yield* until(() => server !== null, "the connection");
      const conns = [client, protocol.transport!].map((t) =>
        (t as unknown as { _conn: Deno.Conn })._conn
      );
      yield* until(() => server!.reads.length > 0, "the first read");
      const serverConn = (server!.transport as unknown as { _conn: Deno.Conn })._conn;
      for (const conn of [...conns, serverConn]) {
        assert.ok(set.some(([c, on]) => c === conn && on), "setNoDelay(true) on each connection");
      }
      client.close();
      yield* shutdown(srv);
    });
  } finally {
    proto.setNoDelay = original;
  }
});
