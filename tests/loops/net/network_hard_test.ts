// The hard cases of the stream transport on real sockets: a thousand
// concurrent echo connections, clients that reset abruptly, half-close in
// both directions, 100 MB to a peer that does not read (flow control keeps
// our buffer bounded), and pauseReading() leaving data in the kernel.

import assert from "node:assert/strict";
import {
  BrokenPipeError,
  ConnectionResetError,
  type Coroutine,
  type Future,
  gather,
  type SelectorEventLoop,
  sleep,
  wrapFuture,
} from "../../../mod.ts";
import { Protocol, type Transport } from "../../../loops/protocols_mod.ts";
import { enc, onLoop, pattern, portOf, Recorder, shutdown, until } from "./_net.ts";

/** How many concurrent connections the fd limit allows (2 fds each, plus slack). */
function connectionBudget(wanted: number): number {
  let limit = Infinity;
  try {
    const out = new Deno.Command("sh", { args: ["-c", "ulimit -n"] }).outputSync();
    const n = Number(new TextDecoder().decode(out.stdout).trim());
    if (Number.isFinite(n)) limit = n;
  } catch {
    // No shell: assume the limit is high enough.
  }
  return Math.max(10, Math.min(wanted, Math.floor((limit - 100) / 2)));
}

/** A client that sends `rounds` messages, each after the previous one's full echo. */
class PingPong extends Protocol {
  transport: Transport | null = null;
  received = 0;
  #pending = 0;
  #round = 0;
  done: Future<void>;
  constructor(loop: SelectorEventLoop, readonly message: Uint8Array, readonly rounds: number) {
    super();
    this.done = loop.createFuture<void>();
  }
  override connectionMade(t: Transport): void {
    this.transport = t;
    this.#send();
  }
  #send(): void {
    this.#pending = this.message.length;
    this.transport!.write(this.message);
  }
  override dataReceived(data: Uint8Array): void {
    this.received += data.length;
    this.#pending -= data.length;
    if (this.#pending > 0) return;
    if (this.#pending < 0) throw new Error("more bytes echoed than sent");
    if (++this.#round < this.rounds) this.#send();
    else this.transport!.close();
  }
  override connectionLost(exc: Error | null): void {
    if (exc !== null) this.done.setException(exc);
    else this.done.setResult(undefined);
  }
}

Deno.test("1,000 concurrent connections echo every byte", async () => {
  const n = connectionBudget(1000);
  if (n < 1000) console.warn(`fd limit: using ${n} connections instead of 1,000`);
  await onLoop(function* (loop) {
    let accepted = 0;
    let serverLost = 0;
    const server = yield* loop.createServer(
      () =>
        new (class extends Protocol {
          t: Transport | null = null;
          override connectionMade(t: Transport) {
            accepted++;
            this.t = t;
          }
          override dataReceived(d: Uint8Array) {
            this.t!.write(d);
          }
          override connectionLost(exc: Error | null) {
            assert.equal(exc, null);
            serverLost++;
          }
        })(),
      "127.0.0.1",
      0,
      { backlog: n },
    );
    const port = portOf(server);
    const message = pattern(1500, 9);
    const rounds = 10;
    const clients: PingPong[] = [];
    const connects = [];
    for (let i = 0; i < n; i++) {
      connects.push(loop.createConnection(
        () => {
          const p = new PingPong(loop, message, rounds);
          clients.push(p);
          return p;
        },
        "127.0.0.1",
        port,
      ));
    }
    yield* gather(...connects);
    yield* gather(...clients.map((c) => c.done));
    const total = clients.reduce((s, c) => s + c.received, 0);
    assert.equal(total, n * rounds * message.length);
    yield* until(() => serverLost === n, "every server connection closed");
    assert.equal(accepted, n);
    yield* shutdown(server);
  });
});

/** Runs `n` clients that each abort with unread data; returns what the server saw. */
function* resettingClients(
  loop: SelectorEventLoop,
  n: number,
  serverWrites: Uint8Array,
): Coroutine<(Error | null)[]> {
  const lost: (Error | null)[] = [];
  const server = yield* loop.createServer(
    () =>
      new (class extends Protocol {
        override connectionMade(t: Transport) {
          t.write(serverWrites); // unread by the client: its close sends a RST
        }
        override connectionLost(exc: Error | null) {
          lost.push(exc);
        }
      })(),
    "127.0.0.1",
    0,
  );
  const port = portOf(server);
  for (let i = 0; i < n; i++) {
    const [t, p] = yield* loop.createConnection(() => new Recorder(loop), "127.0.0.1", port);
    t.pauseReading();
    t.write(enc.encode("hello"));
    yield* sleep(0.005);
    t.abort();
    yield* p.lost;
  }
  yield* until(() => lost.length === n, "every server connection lost");
  yield* shutdown(server);
  return lost;
}

Deno.test("Clients that reset abruptly: the server sees connectionLost(null or a ConnectionError), no handler noise", async (t) => {
  // Deno reports a reset seen by a read as EOF, so an idle server gets
  // connectionLost(null) (asyncio would give ConnectionResetError or null,
  // depending on timing).
  await t.step("the server has nothing more to send", async () => {
    const lost = await onLoop((loop) => resettingClients(loop, 30, new Uint8Array(16 * 1024)));
    for (const e of lost) assert.equal(e, null);
  });
  // A server still writing sees the reset on the write: EPIPE or ECONNRESET.
  await t.step("the server is still sending", async () => {
    const big = new Uint8Array(16 * 1024 * 1024);
    const lost = await onLoop((loop) => resettingClients(loop, 20, big));
    for (const e of lost) {
      assert.ok(e instanceof BrokenPipeError || e instanceof ConnectionResetError, String(e));
    }
  });
});

Deno.test("Half-close: writeEof() then keep reading, in both directions", async (t) => {
  await t.step("client half-closes, server answers with 8 MB, then closes", async () => {
    await onLoop(function* (loop) {
      const answer = pattern(8 * 1024 * 1024, 5);
      let serverSide: Recorder | null = null;
      const server = yield* loop.createServer(
        () => {
          serverSide = new (class extends Recorder {
            override eofReceived() {
              super.eofReceived();
              this.transport!.write(answer);
              this.transport!.close();
              return true;
            }
          })(loop);
          return serverSide;
        },
        "127.0.0.1",
        0,
      );
      const [ct, client] = yield* loop.createConnection(
        () => new Recorder(loop),
        "127.0.0.1",
        portOf(server),
      );
      ct.write(pattern(1024 * 1024, 1));
      ct.writeEof();
      yield* client.lost;
      assert.deepEqual(client.data(), answer);
      const order = client.events.filter((e) => !e.endsWith("Writing"));
      assert.deepEqual(order, ["made", "data", "eof", "lost"]);
      assert.equal(serverSide!.received, 1024 * 1024);
      yield* shutdown(server);
    });
  });
  await t.step("server half-closes, client keeps sending, server keeps reading", async () => {
    await onLoop(function* (loop) {
      let serverSide: Recorder | null = null;
      const server = yield* loop.createServer(
        () => {
          serverSide = new Recorder(loop);
          return serverSide;
        },
        "127.0.0.1",
        0,
      );
      const [ct, client] = yield* loop.createConnection(
        () => new Recorder(loop, true),
        "127.0.0.1",
        portOf(server),
      );
      yield* until(() => serverSide?.made.done() === true, "accept");
      serverSide!.transport!.write(enc.encode("greeting"));
      serverSide!.transport!.writeEof();
      yield* until(() => client.events.includes("eof"), "client EOF");
      assert.equal(client.text(), "greeting");
      const more = pattern(3 * 1024 * 1024, 2);
      ct.write(more);
      ct.close();
      yield* serverSide!.lost;
      assert.deepEqual(serverSide!.data(), more);
      yield* client.lost;
      yield* shutdown(server);
    });
  });
});

/** Writes `total` bytes of numbered 64 KiB chunks, only while not paused. */
class Firehose extends Protocol {
  transport: Transport | null = null;
  sent = 0;
  maxBuffered = 0;
  pauses = 0;
  resumes = 0;
  #paused = false;
  #chunk = 0;
  finished: Future<void>;
  constructor(loop: SelectorEventLoop, readonly total: number) {
    super();
    this.finished = loop.createFuture<void>();
  }
  override connectionMade(t: Transport): void {
    this.transport = t;
    this.#pump();
  }
  override pauseWriting(): void {
    this.pauses++;
    this.#paused = true;
  }
  override resumeWriting(): void {
    this.resumes++;
    this.#paused = false;
    this.#pump();
  }
  #pump(): void {
    const t = this.transport!;
    while (!this.#paused && this.sent < this.total) {
      const chunk = CHUNK_BASE.slice();
      new DataView(chunk.buffer).setUint32(0, this.#chunk++);
      t.write(chunk);
      this.sent += chunk.length;
      this.maxBuffered = Math.max(this.maxBuffered, t.getWriteBufferSize());
    }
    if (this.sent >= this.total && !this.finished.done()) {
      t.close();
      this.finished.setResult(undefined);
    }
  }
}

const CHUNK = 64 * 1024;
const CHUNK_BASE = pattern(CHUNK, 77);

/** Reads a raw Deno connection to EOF, checking every byte of Firehose's stream. */
async function readAndCheck(conn: Deno.Conn): Promise<number> {
  const buf = new Uint8Array(256 * 1024);
  const header = new Uint8Array(4);
  const view = new DataView(header.buffer);
  let offset = 0;
  for (;;) {
    const n = await conn.read(buf);
    if (n === null) return offset;
    for (let i = 0; i < n; i++, offset++) {
      const pos = offset % CHUNK;
      let expected: number;
      if (pos < 4) {
        view.setUint32(0, Math.floor(offset / CHUNK));
        expected = header[pos];
      } else expected = CHUNK_BASE[pos];
      if (buf[i] !== expected) throw new Error(`byte ${offset} is ${buf[i]}, expected ${expected}`);
    }
  }
}

Deno.test("100 MB to a peer that does not read: pauseWriting() bounds the buffer, then every byte arrives", async () => {
  const total = 100 * 1024 * 1024;
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    await onLoop(function* (loop) {
      const accepting = listener.accept();
      const [t, hose] = yield* loop.createConnection(
        () => new Firehose(loop, total),
        "127.0.0.1",
        (listener.addr as Deno.NetAddr).port,
      );
      const peer = yield* wrapFuture(accepting);
      // The peer does not read: the writer must stop and wait.
      yield* until(() => hose.pauses > 0, "pauseWriting");
      yield* sleep(0.3);
      const stuckAt = hose.sent;
      yield* sleep(0.2);
      assert.equal(hose.sent, stuckAt, "nothing more is produced while paused");
      assert.ok(hose.sent < total, "the kernel cannot hold 100 MB");
      const [, high] = t.getWriteBufferLimits();
      assert.ok(t.getWriteBufferSize() <= high + CHUNK, `buffered ${t.getWriteBufferSize()}`);
      // Now the peer reads everything.
      const received = yield* wrapFuture(readAndCheck(peer));
      peer.close();
      yield* hose.finished;
      assert.equal(received, total);
      assert.ok(hose.maxBuffered <= high + CHUNK, `max buffered ${hose.maxBuffered}`);
      assert.ok(hose.resumes > 0 && hose.resumes <= hose.pauses);
    });
  } finally {
    listener.close();
  }
});

Deno.test("pauseReading() leaves data in the kernel: the sender backs up, nothing is delivered until resume", async () => {
  await onLoop(function* (loop) {
    let serverSide: Recorder | null = null;
    const server = yield* loop.createServer(
      () => {
        serverSide = new Recorder(loop);
        return serverSide;
      },
      "127.0.0.1",
      0,
    );
    const [ct, client] = yield* loop.createConnection(
      () => new Recorder(loop),
      "127.0.0.1",
      portOf(server),
    );
    yield* until(() => serverSide?.made.done() === true, "accept");
    const st = serverSide!.transport!;
    st.pauseReading();
    const total = 32 * 1024 * 1024;
    ct.write(pattern(total, 3));
    yield* sleep(0.3);
    const atPause = serverSide!.received;
    assert.ok(atPause <= 64 * 1024, `at most one read was in flight: got ${atPause}`);
    // The bytes wait in the kernel and in the sender's buffer, not in ours.
    assert.ok(ct.getWriteBufferSize() > 0, "the sender backed up");
    assert.ok(client.events.includes("pauseWriting"));
    yield* sleep(0.2);
    assert.equal(serverSide!.received, atPause, "no dataReceived while paused");
    st.resumeReading();
    yield* until(() => serverSide!.received === total, "every byte after resume", 30);
    assert.deepEqual(serverSide!.data(), pattern(total, 3));
    ct.close();
    yield* client.lost;
    yield* shutdown(server);
  });
});
