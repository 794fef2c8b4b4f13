// TLS on real sockets: createServer({ ssl }) with createConnection({ ssl }),
// certificate and host name checks, serverHostname, ALPN, handshake
// timeouts, extra info, client certificates. startTls: start_tls_test.ts.

import assert from "node:assert/strict";
import {
  ConnectionAbortedError,
  NotImplementedError,
  OSError,
  Protocol,
  SelectorEventLoop,
  sleep,
  SSLContext,
  SSLError,
} from "../../mod.ts";
import { bad, thrownBy } from "../_helpers.ts";
import { dec, Echo, enc, onLoop, pattern, portOf, Recorder, shutdown, until } from "./_net.ts";
import { CERT, clientContext, KEY, serverContext, tlsEchoServer } from "./_tls.ts";

Deno.test("createServer({ ssl }) and createConnection({ ssl }) echo over TLS", async () => {
  await onLoop(function* (loop) {
    const accepted: Recorder[] = [];
    const sctx = serverContext();
    const [server, port] = yield* tlsEchoServer(loop, sctx, accepted);
    const cctx = clientContext();
    const [t, client] = yield* loop.createConnection(() => new Recorder(loop), "localhost", port, {
      ssl: cctx,
    });
    const data = pattern(2 * 1024 * 1024, 4);
    t.write(data);
    yield* until(() => client.received === data.length, "TLS echo");
    assert.deepEqual(client.data(), data);
    // Extra info, both sides.
    assert.equal(t.getExtraInfo("sslcontext"), cctx);
    assert.equal(t.getExtraInfo("peercert"), undefined, "Deno does not expose certificates");
    assert.equal(t.getExtraInfo("compression"), null);
    assert.equal(t.getExtraInfo("alpnProtocol"), null);
    assert.equal((t.getExtraInfo("peername") as [string, number])[1], port);
    const st = accepted[0].transport!;
    assert.equal(st.getExtraInfo("sslcontext"), sctx);
    assert.deepEqual(st.getExtraInfo("peername"), t.getExtraInfo("sockname"));
    assert.match(String(t), /ssl open/);
    // TLS cannot half-close.
    assert.equal(t.canWriteEof(), false);
    assert.throws(() => t.writeEof(), NotImplementedError);
    t.write(enc.encode("last"));
    t.close();
    yield* client.lost;
    yield* accepted[0].lost;
    assert.equal(accepted[0].lostError, null);
    assert.equal(dec.decode(accepted[0].data().subarray(data.length)), "last");
    yield* shutdown(server);
  });
});

Deno.test("createConnection({ ssl }) rejects an untrusted certificate with SSLError", async (t) => {
  for (const debug of [false, true]) {
    await t.step(`server loop debug ${debug}: reported only in debug mode`, async () => {
      await onLoop(function* (loop, exceptions) {
        loop.setDebug(debug);
        const [server, port] = yield* tlsEchoServer(loop);
        try {
          yield* loop.createConnection(() => new Protocol(), "localhost", port, { ssl: true });
          assert.fail("connected");
        } catch (e) {
          assert.ok(e instanceof SSLError, String(e));
          assert.ok(e instanceof OSError);
          assert.match(e.message, /certificate/i);
        }
        yield* shutdown(server);
        const reports = exceptions.take();
        if (!debug) assert.deepEqual(reports, []);
        else {
          assert.equal(reports.length, 1);
          assert.equal(reports[0].message, "Error on transport creation for incoming connection");
          assert.ok(reports[0].exception instanceof SSLError);
        }
      });
    });
  }
});

Deno.test("createConnection({ ssl }) checks the host name; serverHostname overrides it", async (t) => {
  await t.step("a name the certificate does not cover: SSLError naming it", async () => {
    await onLoop(function* (loop) {
      const [server, port] = yield* tlsEchoServer(loop);
      try {
        yield* loop.createConnection(() => new Protocol(), "127.0.0.1", port, {
          ssl: clientContext(),
          serverHostname: "example.com",
        });
        assert.fail("connected");
      } catch (e) {
        assert.ok(e instanceof SSLError, String(e));
        assert.match(e.message, /example\.com/);
      }
      yield* shutdown(server);
    });
  });
  await t.step("connect to 127.0.0.1, check as localhost", async () => {
    await onLoop(function* (loop) {
      const [server, port] = yield* tlsEchoServer(loop);
      const [tr, p] = yield* loop.createConnection(() => new Recorder(loop), "127.0.0.1", port, {
        ssl: clientContext(),
        serverHostname: "localhost",
      });
      tr.write(enc.encode("hi"));
      yield* until(() => p.received === 2, "echo");
      tr.close();
      yield* p.lost;
      yield* shutdown(server);
    });
  });
  await t.step(
    "checkHostname false: any name is accepted, the chain is still checked",
    async () => {
      await onLoop(function* (loop) {
        const [server, port] = yield* tlsEchoServer(loop);
        const ctx = clientContext();
        ctx.checkHostname = false;
        const [tr, p] = yield* loop.createConnection(() => new Recorder(loop), "127.0.0.1", port, {
          ssl: ctx,
          serverHostname: "example.com",
        });
        tr.close();
        yield* p.lost;
        const untrusted = new SSLContext();
        untrusted.checkHostname = false;
        try {
          yield* loop.createConnection(() => new Protocol(), "127.0.0.1", port, { ssl: untrusted });
          assert.fail("connected");
        } catch (e) {
          assert.ok(e instanceof SSLError, String(e));
        }
        yield* shutdown(server);
      });
    },
  );
});

Deno.test("ALPN: the negotiated protocol is in extra info; no common protocol fails", async () => {
  await onLoop(function* (loop) {
    const accepted: Recorder[] = [];
    const [server, port] = yield* tlsEchoServer(loop, serverContext(["h2", "echo/1"]), accepted);
    const [t, p] = yield* loop.createConnection(() => new Recorder(loop), "localhost", port, {
      ssl: clientContext(["echo/1", "http/1.1"]),
    });
    assert.equal(t.getExtraInfo("alpnProtocol"), "echo/1");
    yield* until(() => accepted[0]?.made.done() === true, "accept");
    assert.equal(accepted[0].transport!.getExtraInfo("alpnProtocol"), "echo/1");
    t.close();
    yield* p.lost;
    try {
      yield* loop.createConnection(() => new Protocol(), "localhost", port, {
        ssl: clientContext(["spdy/1"]),
      });
      assert.fail("connected without a common protocol");
    } catch (e) {
      assert.ok(e instanceof SSLError, String(e));
    }
    yield* shutdown(server);
  });
});

Deno.test("TLS handshake timeouts: ConnectionAbortedError for the client; the server gives up on the connection", async (t) => {
  await t.step("client: the server never answers the handshake", async () => {
    await onLoop(function* (loop) {
      const server = yield* loop.createServer(() => new Protocol(), "127.0.0.1", 0);
      const start = loop.time();
      try {
        yield* loop.createConnection(() => new Protocol(), "localhost", portOf(server), {
          ssl: clientContext(),
          sslHandshakeTimeout: 0.2,
        });
        assert.fail("connected");
      } catch (e) {
        assert.ok(e instanceof ConnectionAbortedError, String(e));
        assert.match(e.message, /SSL handshake is taking longer than 0\.2 seconds/);
      }
      assert.ok(loop.time() - start >= 0.19);
      yield* shutdown(server);
    });
  });
  // Deno cannot abort a TLS handshake in progress: the server gives up on
  // the connection (no protocol, not counted by waitClosed()), but the socket
  // stays open until the client sends something or leaves.
  await t.step("server: a client that never starts the handshake is given up on", async () => {
    await onLoop(function* (loop, exceptions) {
      const accepted: Recorder[] = [];
      const [server, port] = yield* tlsEchoServer(loop, serverContext(), accepted, {
        sslHandshakeTimeout: 0.2,
      });
      const [plain, silent] = yield* loop.createConnection(
        () => new Recorder(loop),
        "127.0.0.1",
        port,
      );
      yield* until(() => accepted.length === 1, "accept");
      yield* sleep(0.4);
      assert.equal(accepted[0].made.done(), false, "connectionMade never ran");
      server.close();
      yield* server.waitClosed(); // does not wait for the abandoned connection
      assert.deepEqual(exceptions.take(), [], "not reported outside debug mode");
      plain.close();
      yield* silent.lost;
    });
  });
});

Deno.test("createConnection({ ssl }) to a server that does not speak TLS fails with SSLError", async () => {
  await onLoop(function* (loop) {
    // The echo server sends the ClientHello back: not a ServerHello.
    const server = yield* loop.createServer(() => new Echo(), "127.0.0.1", 0);
    try {
      yield* loop.createConnection(() => new Protocol(), "localhost", portOf(server), {
        ssl: clientContext(),
      });
      assert.fail("connected");
    } catch (e) {
      assert.ok(e instanceof SSLError, String(e));
    }
    yield* shutdown(server);
  });
});

Deno.test("A TLS peer that aborts: connectionLost() once, no handler noise", async () => {
  await onLoop(function* (loop) {
    const accepted: Recorder[] = [];
    const [server, port] = yield* tlsEchoServer(loop, serverContext(), accepted);
    const [t, p] = yield* loop.createConnection(() => new Recorder(loop), "localhost", port, {
      ssl: clientContext(),
    });
    t.write(enc.encode("x"));
    yield* until(() => p.received === 1, "echo");
    accepted[0].transport!.abort();
    const exc = yield* p.lost;
    assert.ok(exc === null || exc instanceof OSError, String(exc));
    assert.equal(p.events.filter((e) => e === "lost").length, 1);
    yield* shutdown(server);
  });
});

Deno.test("createConnection() with a client certificate uses Deno.connectTls", async () => {
  await onLoop(function* (loop) {
    const [server, port] = yield* tlsEchoServer(loop);
    const ctx = clientContext();
    ctx.loadCertChain(CERT, KEY);
    const [t, p] = yield* loop.createConnection(() => new Recorder(loop), "localhost", port, {
      ssl: ctx,
    });
    t.write(enc.encode("with a client certificate"));
    yield* until(() => p.received === 25, "echo");
    t.close();
    yield* p.lost;
    yield* shutdown(server);
  });
  const loop = new SelectorEventLoop();
  try {
    const ctx = clientContext();
    ctx.loadCertChain(CERT, KEY);
    const e = thrownBy(() =>
      loop.createConnection(() => new Protocol(), "localhost", 1, {
        ssl: ctx,
        serverHostname: "other",
      })
    );
    assert.ok(e instanceof NotImplementedError, String(e));
    assert.match(e.message, /serverHostname with a client certificate/);
  } finally {
    loop.close();
  }
});

Deno.test("createServer({ ssl }) needs a certificate; SSLContext refuses what Deno cannot do", () => {
  const loop = new SelectorEventLoop();
  try {
    assert.throws(
      () => loop.createServer(() => new Protocol(), "127.0.0.1", 0, { ssl: new SSLContext() }),
      TypeError,
    );
    assert.throws(
      () =>
        loop.createServer(() => new Protocol(), "127.0.0.1", 0, {
          sslHandshakeTimeout: 1,
        }),
      TypeError,
    );
    assert.throws(
      () =>
        loop.createServer(() => new Protocol(), "127.0.0.1", 0, {
          ssl: serverContext(),
          sslHandshakeTimeout: 0,
        }),
      RangeError,
    );
    const ctx = new SSLContext();
    assert.throws(() => ctx.verifyMode = "CERT_NONE", NotImplementedError);
    assert.throws(() => ctx.loadCertChain("not pem", KEY), TypeError);
    assert.throws(() => ctx.loadVerifyLocations({ cadata: bad(5) }), TypeError);
    assert.throws(() => ctx.setAlpnProtocols(bad("h2")), TypeError);
    assert.throws(() => new SSLContext(bad("both")), TypeError);
    assert.equal(new SSLContext("clientAuth").verifyMode, "CERT_NONE");
  } finally {
    loop.close();
  }
});
