// The stream transport when things go wrong, on real TCP connections: a
// protocol callback that throws (reported with asyncio's context keys, the
// transport closed), a bad BufferedProtocol buffer, writes after the
// connection is lost (dropped, a warning after 5), and a peer that vanished.

import assert from "node:assert/strict";
import {
  BrokenPipeError,
  ConnectionResetError,
  type SelectorEventLoop,
  sleep,
} from "../../../mod.ts";
import { BufferedProtocol, type Transport } from "../../../loops/protocols_mod.ts";
import {
  connectRecorder,
  echoServer,
  enc,
  onLoop,
  pattern,
  Recorder,
  shutdown,
  until,
} from "./_net.ts";

class Boom extends Error {}

/** A Recorder that throws from one callback. */
class Thrower extends Recorder {
  constructor(loop: SelectorEventLoop, readonly where: string) {
    super(loop);
  }
  override connectionMade(t: Transport): void {
    super.connectionMade(t);
    if (this.where === "connectionMade") throw new Boom("made");
  }
  override dataReceived(data: Uint8Array): void {
    super.dataReceived(data);
    if (this.where === "dataReceived") throw new Boom("data");
  }
  override eofReceived(): boolean | void {
    super.eofReceived();
    if (this.where === "eofReceived") throw new Boom("eof");
  }
  override connectionLost(exc: Error | null): void {
    super.connectionLost(exc);
    if (this.where === "connectionLost") throw new Boom("lost");
  }
}

Deno.test("An exception in a protocol callback reaches the exception handler and closes the transport", async (t) => {
  const cases: [string, string][] = [
    ["dataReceived", "Fatal error: protocol.dataReceived() call failed."],
    ["eofReceived", "Fatal error: protocol.eofReceived() call failed."],
    ["connectionLost", "Exception in protocol.connectionLost()"],
  ];
  for (const [where, message] of cases) {
    await t.step(where, async () => {
      await onLoop(function* (loop, exceptions) {
        let serverSide: Thrower | null = null;
        const [server, port] = yield* echoServer(loop, () => serverSide = new Thrower(loop, where));
        const [ct, client] = yield* connectRecorder(loop, port);
        ct.write(enc.encode("x"));
        ct.writeEof();
        yield* until(() => serverSide !== null && serverSide.lost.done(), "server lost");
        yield* client.lost;
        const reports = exceptions.take();
        assert.equal(reports.length, 1, reports.map((r) => r.message).join("; "));
        const [ctx] = reports;
        assert.equal(ctx.message, message);
        assert.ok(ctx.exception instanceof Boom);
        assert.equal(ctx.transport, serverSide!.transport);
        assert.equal(ctx.protocol, serverSide);
        const lostWith = serverSide!.lostError;
        if (where === "connectionLost") assert.equal(lostWith, null);
        else assert.equal(lostWith, ctx.exception, "connectionLost gets the exception");
        assert.equal(serverSide!.transport!.isClosing(), true);
        assert.equal(serverSide!.events.filter((e) => e === "lost").length, 1);
        yield* shutdown(server);
      });
    });
  }
});

Deno.test("An exception in connectionMade() is reported and the connection goes on (asyncio)", async () => {
  await onLoop(function* (loop, exceptions) {
    let serverSide: Thrower | null = null;
    const [server, port] = yield* echoServer(
      loop,
      () => serverSide = new Thrower(loop, "connectionMade"),
    );
    const [ct, client] = yield* connectRecorder(loop, port);
    yield* until(() => serverSide !== null && serverSide.transport !== null, "server made");
    const [ctx] = exceptions.take();
    assert.equal(ctx.message, "Exception in protocol.connectionMade()");
    assert.ok(ctx.exception instanceof Boom);
    assert.equal(ctx.protocol, serverSide);
    assert.equal(serverSide!.transport!.isClosing(), false);
    // It still reads: what the client sends arrives.
    ct.write(enc.encode("still here"));
    yield* until(() => serverSide!.text().includes("still here"), "data after the error");
    ct.close();
    yield* client.lost;
    yield* shutdown(server);
  });
});

Deno.test("An exception in pauseWriting()/resumeWriting() is reported, the transport stays open", async () => {
  await onLoop(function* (loop, exceptions) {
    const [server, port] = yield* echoServer(loop);
    const [t, client] = yield* loop.createConnection(
      () =>
        new (class extends Recorder {
          override pauseWriting() {
            throw new Boom("pause");
          }
          override resumeWriting() {
            throw new Boom("resume");
          }
        })(loop),
      "127.0.0.1",
      port,
    );
    t.setWriteBufferLimits(0);
    t.write(pattern(10));
    yield* until(() => client.received === 10, "echo");
    yield* sleep(0.01);
    const messages = exceptions.take().map((c) => c.message);
    assert.deepEqual(messages, [
      "protocol.pauseWriting() failed",
      "protocol.resumeWriting() failed",
    ]);
    assert.equal(t.isClosing(), false);
    t.close();
    yield* client.lost;
    yield* shutdown(server);
  });
});

Deno.test("BufferedProtocol.getBuffer() returning an empty buffer is a fatal error", async () => {
  await onLoop(function* (loop, exceptions) {
    const [server, port] = yield* echoServer(loop);
    const lost = loop.createFuture<Error | null>();
    const [t] = yield* loop.createConnection(
      () =>
        new (class extends BufferedProtocol {
          override getBuffer() {
            return new Uint8Array(0);
          }
          override connectionLost(exc: Error | null) {
            lost.setResult(exc);
          }
        })(),
      "127.0.0.1",
      port,
    );
    const exc = yield* lost;
    assert.ok(exc instanceof RangeError);
    const [ctx] = exceptions.take();
    assert.equal(ctx.message, "Fatal error: protocol.getBuffer() call failed.");
    assert.equal(ctx.transport, t);
    assert.equal(t.isClosing(), true);
    yield* shutdown(server);
  });
});

Deno.test("Transport.write() after the connection is lost is dropped with a warning after 5 attempts", async () => {
  await onLoop(function* (loop) {
    const [server, port] = yield* echoServer(loop);
    const [t, client] = yield* connectRecorder(loop, port);
    t.close();
    yield* client.lost;
    const calls: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => calls.push(args.join(" "));
    let before: number;
    try {
      for (let i = 1; i <= 4; i++) t.write(enc.encode("x"));
      before = calls.length;
      t.write(enc.encode("x"));
      t.write(enc.encode("x"));
    } finally {
      console.warn = original;
    }
    assert.equal(before, 0, "the first four are dropped silently");
    assert.deepEqual(calls, ["socket.send() raised exception.", "socket.send() raised exception."]);
    assert.equal(t.getWriteBufferSize(), 0);
    yield* shutdown(server);
  });
});

Deno.test("Transport.write() after the peer vanished never crashes", async () => {
  await onLoop(function* (loop) {
    let serverSide: Recorder | null = null;
    const [server, port] = yield* echoServer(loop, () => serverSide = new Recorder(loop));
    const [t, client] = yield* connectRecorder(loop, port, true); // keeps writing after EOF
    yield* until(() => serverSide?.made.done() === true, "accept");
    serverSide!.transport!.abort();
    yield* serverSide!.lost;
    // Keep writing until the lost connection is noticed.
    const original = console.warn;
    console.warn = () => {};
    try {
      for (let i = 0; i < 1000 && !client.lost.done(); i++) {
        t.write(pattern(1024));
        yield* sleep(0.001);
      }
      yield* client.lost;
      for (let i = 0; i < 10; i++) t.write(pattern(10));
    } finally {
      console.warn = original;
    }
    assert.equal(client.events.filter((e) => e === "lost").length, 1);
    assert.ok(
      client.lostError instanceof BrokenPipeError ||
        client.lostError instanceof ConnectionResetError,
      `lost with ${client.lostError}`,
    );
    yield* shutdown(server);
  });
});
