// TLS on real sockets: createServer({ ssl }) with createConnection({ ssl }),
// certificate and host name checks, serverHostname, ALPN, handshake
// timeouts, extra info, client certificates (against a Python server), server
// contexts that ask for client certificates. startTls: start_tls_test.ts.

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  ConnectionAbortedError,
  type Coroutine,
  type CreateConnectionOptions,
  NotImplementedError,
  openConnection,
  OSError,
  SelectorEventLoop,
  sleep,
  SSLContext,
  SSLError,
  startServer,
  type VerifyMode,
} from "../../../mod.ts";
import { type AbstractServer, Protocol } from "../../../loops/protocols_mod.ts";
import { AF_INET, AF_INET6 } from "../../../loops/net/socket_mod.ts";
import { bad, thrownBy } from "../../_helpers.ts";
import {
  dec,
  Echo,
  enc,
  hasProgram,
  onLoop,
  pattern,
  portOf,
  Recorder,
  shutdown,
  startPortProcess,
  until,
} from "./_net.ts";
import {
  CERT,
  CERT_PATH,
  clientContext,
  KEY,
  KEY_PATH,
  serverContext,
  tlsEchoServer,
} from "./_tls.ts";

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
    assert.equal(t.getExtraInfo("peername")[1], port);
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
        // closeClients() would end a handshake the server has not seen fail yet.
        if (debug) yield* until(() => exceptions.contexts.length > 0, "the server's report");
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

// Deno.listenTls cannot ask for client certificates: a Python server does,
// and tells the client how many TCP connections it has accepted and whether
// a certificate came with this one.
Deno.test({
  name: "createConnection() with a client certificate: one connection, the certificate is sent",
  ignore: !(await hasProgram("python3")),
  fn: async () => {
    const script = fileURLToPath(new URL("./_client_cert_server.py", import.meta.url));
    const peer = await startPortProcess("python3", [script, CERT_PATH, KEY_PATH, "4"]);
    try {
      await onLoop(function* (loop) {
        function* reply(ctx: SSLContext, options: CreateConnectionOptions = {}) {
          const [t, p] = yield* loop.createConnection(
            () => new Recorder(loop),
            "localhost",
            peer.port,
            {
              ssl: ctx,
              ...options,
            },
          );
          yield* until(() => p.text().endsWith("\n"), "the server's reply");
          const peername = t.getExtraInfo("peername");
          t.close();
          yield* p.lost;
          return [p.text(), peername];
        }
        const withCert = clientContext();
        withCert.loadCertChain(CERT, KEY);
        assert.deepEqual((yield* reply(withCert))[0], "1:cert\n", "a single TCP connection");
        assert.deepEqual((yield* reply(withCert))[0], "2:cert\n");
        assert.deepEqual((yield* reply(clientContext()))[0], "3:nocert\n");
        // family picks the addresses when the name need not match.
        const byAddress = clientContext();
        byAddress.loadCertChain(CERT, KEY);
        byAddress.checkHostname = false;
        const [text, peername] = yield* reply(byAddress, {
          family: AF_INET,
          happyEyeballsDelay: 0.1,
        });
        assert.equal(text, "4:cert\n");
        assert.deepEqual(peername, ["127.0.0.1", peer.port]);
        try {
          // The server listens on 127.0.0.1 only: an IPv6 address cannot reach it.
          yield* reply(byAddress, { family: AF_INET6 });
          assert.fail("connected over IPv4 despite family AF_INET6");
        } catch (e) {
          assert.ok(e instanceof OSError, String(e));
        }
      });
      const out = await peer.finished;
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stdout, "", "no failed handshake");
    } finally {
      await peer.kill();
    }
  },
});

Deno.test("createConnection() with a client certificate refuses what Deno.connectTls cannot do", () => {
  const loop = new SelectorEventLoop();
  try {
    const ctx = clientContext();
    ctx.loadCertChain(CERT, KEY);
    let e = thrownBy(() =>
      loop.createConnection(() => new Protocol(), "localhost", 1, {
        ssl: ctx,
        serverHostname: "other",
      })
    );
    assert.ok(e instanceof NotImplementedError, String(e));
    assert.match(e.message, /serverHostname with a client certificate/);
    e = thrownBy(() =>
      loop.createConnection(() => new Protocol(), "localhost", 1, { ssl: ctx, family: AF_INET })
    );
    assert.ok(e instanceof NotImplementedError, String(e));
    assert.match(e.message, /options\.family with a client certificate and a host name/);
  } finally {
    loop.close();
  }
});

Deno.test("createConnection({ happyEyeballsDelay }) keeps to options.family", async (t) => {
  for (const ssl of [false, true]) {
    await t.step(ssl ? "TLS" : "TCP", async () => {
      await onLoop(function* (loop) {
        const [server, port] = ssl ? yield* tlsEchoServer(loop) : yield* tcpEchoServer(loop);
        const options = { ssl: ssl ? clientContext() : null, happyEyeballsDelay: 0.05 };
        const [tr, p] = yield* loop.createConnection(() => new Recorder(loop), "localhost", port, {
          ...options,
          family: AF_INET,
        });
        assert.deepEqual(tr.getExtraInfo("peername"), ["127.0.0.1", port]);
        tr.close();
        yield* p.lost;
        // The server listens on 127.0.0.1 only: IPv6 cannot reach it (and
        // without an IPv6 localhost there is nothing to try).
        try {
          yield* loop.createConnection(() => new Protocol(), "localhost", port, {
            ...options,
            family: AF_INET6,
          });
          assert.fail("connected over IPv4 despite family AF_INET6");
        } catch (e) {
          assert.ok(e instanceof OSError, String(e));
        }
        yield* shutdown(server);
      });
    });
  }
});

function* tcpEchoServer(loop: SelectorEventLoop): Coroutine<[AbstractServer, number]> {
  const server = yield* loop.createServer(() => new Echo(), "127.0.0.1", 0);
  return [server, portOf(server)];
}

// Deno.listenTls cannot request client certificates: a server context that
// asks for them is refused before anything is bound, rather than serving
// clients without one.
Deno.test("createServer() refuses a context that asks for client certificates", async (t) => {
  const asking: [string, () => SSLContext, RegExp][] = [
    ["verifyMode CERT_REQUIRED", () => withMode("CERT_REQUIRED"), /verifyMode CERT_REQUIRED/],
    ["verifyMode CERT_OPTIONAL", () => withMode("CERT_OPTIONAL"), /verifyMode CERT_OPTIONAL/],
    ["CA locations", () => {
      const ctx = serverContext();
      ctx.loadVerifyLocations({ cadata: CERT });
      return ctx;
    }, /CA certificates from loadVerifyLocations\(\)/],
    ["a client context", () => {
      const ctx = new SSLContext();
      ctx.loadCertChain(CERT, KEY);
      return ctx;
    }, /verifyMode CERT_REQUIRED/],
  ];
  for (const [what, make, named] of asking) {
    await t.step(what, async () => {
      await onLoop(function* (loop) {
        const port = freePort();
        const errors: [string, unknown][] = [[
          "createServer",
          thrownBy(() =>
            loop.createServer(() => new Protocol(), "127.0.0.1", port, { ssl: make() })
          ),
        ]];
        try {
          // A coroutine function: it throws once driven.
          yield* startServer(() => {}, "127.0.0.1", port, { ssl: make() });
          errors.push(["startServer", null]);
        } catch (e) {
          errors.push(["startServer", e]);
        }
        for (const [name, e] of errors) {
          assert.ok(e instanceof NotImplementedError, `${name}: ${e}`);
          assert.match(e.message, named);
          assert.match(e.message, /Deno\.listenTls cannot request or verify client certificates/);
        }
        yield* sleep(0); // anything spawned would have started by now
        // Nothing was bound: the port is still free.
        Deno.listen({ hostname: "127.0.0.1", port }).close();
      });
    });
  }
  await t.step("CERT_NONE without CA locations serves", async () => {
    await onLoop(function* (loop) {
      const ctx = withMode("CERT_REQUIRED");
      ctx.verifyMode = "CERT_NONE";
      const [server] = yield* tlsEchoServer(loop, ctx);
      yield* shutdown(server);
    });
  });
});

function withMode(mode: VerifyMode): SSLContext {
  const ctx = serverContext();
  ctx.verifyMode = mode;
  return ctx;
}

function freePort(): number {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = probe.addr.port;
  probe.close();
  return port;
}

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
      RangeError,
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

// Deno.connectTls verifies every server certificate (only a runtime flag
// turns that off): a CERT_NONE context cannot be honoured by a client.
Deno.test("createConnection({ ssl }) refuses a CERT_NONE context before connecting", async () => {
  await onLoop(function* (loop) {
    const port = freePort();
    const noCa = new SSLContext("clientAuth");
    noCa.loadVerifyLocations({ cadata: CERT }); // trusting a CA does not change it
    for (const ctx of [new SSLContext("clientAuth"), serverContext(), noCa]) {
      const e = thrownBy(() =>
        loop.createConnection(() => new Protocol(), "127.0.0.1", port, { ssl: ctx })
      );
      assert.ok(e instanceof NotImplementedError, String(e));
      assert.match(
        e.message,
        /^createConnection\(\{ ssl \}\): a client context with verifyMode CERT_NONE .*Deno always verifies the server certificate/,
      );
    }
    let viaStreams: unknown = null;
    try {
      yield* openConnection("127.0.0.1", port, { ssl: serverContext() }); // throws once driven
    } catch (e) {
      viaStreams = e;
    }
    assert.ok(viaStreams instanceof NotImplementedError, String(viaStreams));
    // Verification on, host name check off: Deno can do that (see above).
    const noHostname = clientContext();
    noHostname.checkHostname = false;
    const refused = loop.createConnection(() => new Protocol(), "127.0.0.1", port, {
      ssl: noHostname,
    });
    try {
      yield* refused;
      assert.fail("connected to a closed port");
    } catch (e) {
      assert.ok(e instanceof OSError, String(e)); // refused by the closed port, not by us
    }
  });
});
