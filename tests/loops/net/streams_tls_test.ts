// Streams over TLS on real sockets: openConnection/startServer with `ssl`,
// and StreamWriter.startTls() upgrading a connection (STARTTLS against a
// Python asyncio server, since Deno has no server-side upgrade). The
// certificate is the one under tests/fixtures/tls.

import assert from "node:assert/strict";
import {
  type Coroutine,
  NotImplementedError,
  openConnection,
  SSLContext,
  startServer,
  type StreamReader,
  type StreamWriter,
} from "../../../mod.ts";
import { bad, thrownBy } from "../../_helpers.ts";
import { dec, enc, hasProgram, onLoop, portOf, startPortProcess } from "./_net.ts";
import { closeServer, echoHandler, failure, onLoopAsync } from "./_streams.ts";

const CERT_PATH = new URL("../../fixtures/tls/cert.pem", import.meta.url).pathname;
const KEY_PATH = new URL("../../fixtures/tls/key.pem", import.meta.url).pathname;
const CERT = Deno.readTextFileSync(CERT_PATH);
const KEY = Deno.readTextFileSync(KEY_PATH);
const STARTTLS_SERVER = new URL("./_starttls_server.py", import.meta.url).pathname;

function serverContext(): SSLContext {
  const ctx = new SSLContext("clientAuth");
  ctx.loadCertChain(CERT, KEY);
  return ctx;
}

function clientContext(): SSLContext {
  const ctx = new SSLContext();
  ctx.loadVerifyLocations({ cadata: CERT });
  return ctx;
}

Deno.test("openConnection() and startServer() with ssl echo over TLS", async () => {
  await onLoop(function* () {
    const server = yield* startServer(echoHandler, "127.0.0.1", 0, { ssl: serverContext() });
    const ctx = clientContext();
    const [reader, writer] = yield* openConnection("127.0.0.1", portOf(server), {
      ssl: ctx,
      serverHostname: "localhost",
    });
    assert.equal(writer.getExtraInfo("sslcontext"), ctx);
    assert.ok(!writer.canWriteEof(), "no half-close over TLS");
    writer.write(enc.encode("over tls\n"));
    assert.equal(dec.decode(yield* reader.readline()), "over tls\n");
    const big = new Uint8Array(300_000).fill(9);
    writer.write(big);
    yield* writer.drain();
    assert.equal((yield* reader.readexactly(big.length)).length, big.length);
    writer.close();
    yield* writer.waitClosed();
    yield* closeServer(server);
  });
});

/** The STARTTLS dialogue of _starttls_server.py, then an encrypted echo. */
function* starttlsClient(port: number): Coroutine<[string, StreamWriter]> {
  const [reader, writer] = yield* openConnection("127.0.0.1", port);
  const plain = writer.transport;
  writer.write(enc.encode("STARTTLS\n"));
  assert.equal(dec.decode(yield* reader.readline()), "GO\n");
  const ctx = clientContext();
  yield* writer.startTls(ctx, { serverHostname: "localhost" });
  assert.notEqual(writer.transport, plain, "the writer moved to the TLS transport");
  assert.equal(writer.getExtraInfo("sslcontext"), ctx);
  writer.write(enc.encode("secret"));
  const reply = dec.decode(yield* reader.readexactly("echo:secret".length));
  return [reply, writer];
}

Deno.test("StreamWriter.startTls() upgrades a connection (STARTTLS against Python asyncio)", async (t) => {
  const available = await hasProgram("python3");
  await t.step({
    name: "from a generator coroutine",
    ignore: !available,
    fn: async () => {
      const peer = await startPortProcess("python3", [STARTTLS_SERVER, CERT_PATH, KEY_PATH]);
      try {
        await onLoop(function* () {
          const [reply, writer] = yield* starttlsClient(peer.port);
          assert.equal(reply, "echo:secret");
          writer.close();
          yield* writer.waitClosed();
        });
        const out = await peer.finished;
        assert.equal(out.code, 0, out.stderr);
        assert.doesNotMatch(out.stdout, /server error/);
      } finally {
        await peer.kill();
      }
    },
  });
  // From an async function: the continuation after `await reader.readline()`
  // runs as a microtask; the loop starts queued reads only in the next
  // macrotask, so the connection has no read pending when startTls runs.
  await t.step({
    name: "from an async function",
    ignore: !available,
    fn: async () => {
      const peer = await startPortProcess("python3", [STARTTLS_SERVER, CERT_PATH, KEY_PATH]);
      try {
        await onLoopAsync(async () => {
          const [reader, writer] = await openConnection("127.0.0.1", peer.port);
          writer.write(enc.encode("STARTTLS\n"));
          assert.equal(dec.decode(await reader.readline()), "GO\n");
          await writer.startTls(clientContext(), { serverHostname: "localhost" });
          writer.write(enc.encode("more"));
          assert.equal(dec.decode(await reader.readexactly(9)), "echo:more");
          writer.close();
          await writer.waitClosed();
          assert.equal((await reader.read()).length, 0);
        });
        const out = await peer.finished;
        assert.equal(out.code, 0, out.stderr);
      } finally {
        await peer.kill();
      }
    },
  });
});

Deno.test("StreamWriter.startTls(): a failed handshake ends the reader and waitClosed()", async () => {
  if (!(await hasProgram("python3"))) {
    console.warn("python3 not found: skipped");
    return;
  }
  const peer = await startPortProcess("python3", [STARTTLS_SERVER, CERT_PATH, KEY_PATH]);
  try {
    await onLoop(function* () {
      const [reader, writer] = yield* openConnection("127.0.0.1", peer.port);
      writer.write(enc.encode("STARTTLS\n"));
      assert.equal(dec.decode(yield* reader.readline()), "GO\n");
      const err = yield* failure(
        writer.startTls(clientContext(), { serverHostname: "wrong.test" }),
      );
      assert.ok(err instanceof Error);
      assert.equal(yield* failure(reader.read()), err, "the reader ends with the error");
      assert.equal(yield* failure(writer.waitClosed()), err);
    });
    await peer.finished;
  } finally {
    await peer.kill();
  }
});

Deno.test("StreamWriter.startTls() refuses the server side and bad contexts", async () => {
  await onLoop(function* () {
    const errors: unknown[] = [];
    const server = yield* startServer(
      (_r: StreamReader, w: StreamWriter) => {
        errors.push(thrownBy(() => w.startTls(serverContext())));
        w.close();
      },
      "127.0.0.1",
      0,
    );
    const [reader, writer] = yield* openConnection("127.0.0.1", portOf(server));
    assert.equal((yield* reader.read()).length, 0);
    assert.ok(errors[0] instanceof NotImplementedError);
    assert.match((errors[0] as Error).message, /server side/);
    assert.ok(thrownBy(() => writer.startTls(bad({}))) instanceof TypeError);
    writer.close();
    yield* writer.waitClosed();
    yield* closeServer(server);
  });
});
