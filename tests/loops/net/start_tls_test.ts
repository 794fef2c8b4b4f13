// loop.startTls(): the client-side upgrade of a plaintext connection
// (STARTTLS) against a Python asyncio server (Deno has no server-side
// upgrade, Python's loop.start_tls(server_side=True) does), and what Deno
// cannot do.

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  type Future,
  NotImplementedError,
  openConnection,
  RuntimeError,
  type SelectorEventLoop,
  sleep,
  type SSLContext,
} from "../../../mod.ts";
import { Protocol, type Transport } from "../../../loops/protocols_mod.ts";
import { Socket } from "../../../loops/net/socket_mod.ts";
import { bad, thrownBy } from "../../_helpers.ts";
import {
  dec,
  Echo,
  enc,
  hasProgram,
  onLoop,
  portOf,
  Recorder,
  shutdown,
  startPortProcess,
  until,
} from "./_net.ts";
import { CERT, CERT_PATH, clientContext, KEY, KEY_PATH, serverContext } from "./_tls.ts";

/** A client that waits for "GO\n", then upgrades the connection from dataReceived's wake-up. */
class StartTlsClient extends Protocol {
  transport: Transport | null = null;
  text = "";
  go: Future<void>;
  constructor(loop: SelectorEventLoop) {
    super();
    this.go = loop.createFuture<void>();
  }
  override connectionMade(t: Transport): void {
    this.transport = t;
    t.write(enc.encode("STARTTLS\n"));
  }
  override dataReceived(data: Uint8Array): void {
    this.text += dec.decode(data);
    if (this.text === "GO\n" && !this.go.done()) this.go.setResult(undefined);
  }
}

Deno.test({
  name: "loop.startTls() upgrades a client connection (STARTTLS against a Python asyncio server)",
  ignore: !(await hasProgram("python3")),
  fn: async () => {
    const script = fileURLToPath(new URL("./_starttls_server.py", import.meta.url));
    const peer = await startPortProcess("python3", [script, CERT_PATH, KEY_PATH]);
    try {
      await onLoop(function* (loop) {
        const [plain, starter] = yield* loop.createConnection(
          () => new StartTlsClient(loop),
          "127.0.0.1",
          peer.port,
        );
        yield* starter.go; // resolved by dataReceived: no read is pending yet
        const proto = new Recorder(loop);
        const ctx = clientContext();
        const tls = yield* loop.startTls(plain, proto, ctx, { serverHostname: "localhost" });
        assert.notEqual(tls, plain);
        assert.equal(plain.isClosing(), true, "the plaintext transport is retired");
        assert.deepEqual(proto.events, [], "connectionMade is not called again");
        assert.equal(tls.getProtocol(), proto);
        assert.equal(tls.getExtraInfo("sslcontext"), ctx);
        assert.deepEqual(tls.getExtraInfo("peername"), plain.getExtraInfo("peername"));
        tls.write(enc.encode("secret"));
        yield* until(() => proto.text() === "echo:secret", "encrypted echo");
        tls.close();
        yield* proto.lost;
      });
      const out = await peer.finished;
      assert.equal(out.code, 0, out.stderr);
      assert.doesNotMatch(out.stdout, /server error/);
    } finally {
      await peer.kill();
    }
  },
});

Deno.test("loop.startTls() refuses what Deno cannot do", async (t) => {
  await t.step("serverSide: NotImplementedError saying Deno has no API", async () => {
    await onLoop(function* (loop) {
      const server = yield* loop.createServer(() => new Protocol(), "127.0.0.1", 0);
      const [tr, p] = yield* loop.createConnection(
        () => new Recorder(loop),
        "127.0.0.1",
        portOf(server),
      );
      const e = thrownBy(() => loop.startTls(tr, p, serverContext(), { serverSide: true }));
      assert.ok(e instanceof NotImplementedError, String(e));
      assert.match(e.message, /Deno has no API to start TLS as the server/);
      assert.throws(() => loop.startTls(bad<Transport>({}), p, clientContext()), TypeError);
      assert.throws(() => loop.startTls(tr, p, bad({})), TypeError);
      tr.close();
      yield* p.lost;
      yield* shutdown(server);
    });
  });
  await t.step("a read in flight: RuntimeError, and the transport keeps working", async () => {
    await onLoop(function* (loop) {
      const server = yield* loop.createServer(() => new Echo(), "127.0.0.1", 0);
      const [tr, p] = yield* loop.createConnection(
        () => new Recorder(loop),
        "127.0.0.1",
        portOf(server),
      );
      yield* sleep(0.01); // the loop waited: a read is pending now
      try {
        yield* loop.startTls(tr, p, clientContext());
        assert.fail("upgraded");
      } catch (e) {
        assert.ok(e instanceof RuntimeError, String(e));
        assert.match(e.message, /no pending read/);
      }
      assert.equal(tr.isReading(), true);
      tr.write(enc.encode("still plain"));
      yield* until(() => p.text() === "still plain", "plain echo");
      tr.close();
      yield* p.lost;
      yield* shutdown(server);
    });
  });
});

/** A client context trusting the test certificate, with it as client certificate too. */
function withClientCert(): SSLContext {
  const ctx = clientContext();
  ctx.loadCertChain(CERT, KEY);
  return ctx;
}

/** Checks `e` is the refusal of `route` for a client certificate or a CERT_NONE context. */
function assertRefused(e: unknown, route: string, cert: boolean): void {
  assert.ok(e instanceof NotImplementedError, String(e));
  assert.ok(e.message.startsWith(route), e.message);
  assert.match(
    e.message,
    cert
      ? /Deno\.startTls cannot present a client certificate; connect with createConnection\(host, port/
      : /verifyMode CERT_NONE.*Deno always verifies the server certificate/,
  );
}

// Deno.startTls takes no certificate, and Deno verifies every server: the
// upgrade routes refuse such contexts at once, leaving the connection as it was.
Deno.test("loop.startTls() and createConnection({ sock, ssl }) refuse a client certificate and CERT_NONE", async () => {
  await onLoop(function* (loop) {
    const server = yield* loop.createServer(() => new Echo(), "127.0.0.1", 0);
    const [tr, p] = yield* loop.createConnection(
      () => new Recorder(loop),
      "127.0.0.1",
      portOf(server),
    );
    for (const [ctx, cert] of [[withClientCert(), true], [serverContext(), false]] as const) {
      assertRefused(thrownBy(() => loop.startTls(tr, p, ctx)), "loop.startTls()", cert);
      using sock = new Socket();
      yield* loop.sockConnect(sock, ["127.0.0.1", portOf(server)]);
      const e = thrownBy(() =>
        loop.createConnection(() => new Protocol(), null, null, {
          sock,
          ssl: ctx,
          serverHostname: "localhost",
        })
      );
      assertRefused(e, "createConnection({ sock, ssl })", cert);
      yield* loop.sockSendall(sock, enc.encode("mine")); // still ours, and plain
      assert.equal(dec.decode(yield* loop.sockRecv(sock, 16)), "mine");
    }
    assert.equal(tr.isReading(), true);
    tr.write(enc.encode("still plain"));
    yield* until(() => p.text() === "still plain", "plain echo");
    tr.close();
    yield* p.lost;
    server.close();
    server.closeClients();
    yield* server.waitClosed();
  });
});

Deno.test("StreamWriter.startTls() refuses a client certificate and CERT_NONE synchronously", async () => {
  await onLoop(function* (loop) {
    const server = yield* loop.createServer(() => new Echo(), "127.0.0.1", 0);
    const [reader, writer] = yield* openConnection("127.0.0.1", portOf(server));
    for (const [ctx, cert] of [[withClientCert(), true], [serverContext(), false]] as const) {
      assertRefused(thrownBy(() => writer.startTls(ctx)), "StreamWriter.startTls()", cert);
    }
    assert.equal(writer.transport.isReading(), true, "reading was not paused");
    writer.write(enc.encode("plain\n"));
    assert.equal(dec.decode(yield* reader.readline()), "plain\n");
    writer.close();
    yield* writer.waitClosed();
    server.close();
    server.closeClients();
    yield* server.waitClosed();
  });
});
