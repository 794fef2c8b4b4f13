// The `sock` option of createConnection, createServer, createUnixConnection
// and createUnixServer: a transport or server over a Socket made with the
// sock* methods, which then owns it.

import assert from "node:assert/strict";
import { NotImplementedError, OSError, RuntimeError, SSLContext } from "../../../../mod.ts";
import { AF_INET, AF_UNIX, Socket } from "../../../../loops/net/socket_mod.ts";
import { bad } from "../../../_helpers.ts";
import { dec, Echo, enc, onLoop, Recorder, until } from "../_net.ts";
import { listening, recv, settle, socketPair, tempSocketPath } from "../_socket_pair.ts";

Deno.test("loop.createConnection({ sock }) wraps a connected socket", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    // Bytes received by the socket before the hand-over reach the protocol first.
    yield* loop.sockSendall(pair.server, enc.encode("early "));
    const cancelled = loop.sockRecv(pair.client, 1);
    cancelled.cancel();
    yield* settle(loop);
    const [transport, protocol] = yield* loop.createConnection(
      () => new Recorder(loop),
      null,
      null,
      { sock: pair.client },
    );
    assert.deepEqual(transport.getExtraInfo("peername"), pair.client.getpeername());
    assert.throws(() => loop.sockRecv(pair.client, 1), RuntimeError);
    assert.throws(() => loop.addReader(pair.client, () => {}), /is used by transport/);
    yield* loop.sockSendall(pair.server, enc.encode("late"));
    yield* until(() => protocol.text() === "early late", "both chunks");
    transport.write(enc.encode("back"));
    assert.equal(dec.decode(yield* recv(loop, pair.server, 10)), "back");
    transport.close();
    yield* protocol.lost;
    assert.equal((yield* recv(loop, pair.server, 10)).length, 0);
    pair.client.close(); // the transport is gone: a no-op for it
  });
});

Deno.test("loop.createConnection({ sock }) validates the socket and options", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    const factory = () => new Echo();
    using fresh = new Socket();
    assert.throws(
      () => loop.createConnection(factory, "127.0.0.1", 1, { sock: pair.client }),
      RangeError,
    );
    assert.throws(() => loop.createConnection(factory, null, null, { sock: {} }), TypeError);
    assert.throws(() => loop.createConnection(factory, null, null, { sock: fresh }), OSError);
    assert.throws(
      () => loop.createConnection(factory, null, null, { sock: pair.client, family: AF_INET }),
      RangeError,
    );
    assert.throws(
      () => loop.createConnection(factory, null, null, { sock: pair.client, ssl: true }),
      { name: "RangeError", message: /serverHostname must be set when using ssl without a host/ },
    );
    loop.addReader(pair.client, () => {});
    assert.throws(
      () => loop.createConnection(factory, null, null, { sock: pair.client }),
      RuntimeError,
    );
    loop.removeReader(pair.client);
    assert.throws(
      () => loop.createUnixConnection(factory, null, { sock: pair.client }),
      /AF_UNIX/,
    );
  });
});

Deno.test("loop.createConnection({ sock }) closing the socket aborts the transport", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    const [, protocol] = yield* loop.createConnection(() => new Recorder(loop), null, null, {
      sock: pair.client,
    });
    pair.client.close();
    assert.equal(yield* protocol.lost, null);
    assert.equal(pair.client.fileno(), -1);
  });
});

Deno.test("loop.createServer({ sock }) serves a bound or listening socket", async (t) => {
  for (const listenFirst of [false, true]) {
    await t.step(listenFirst ? "listening" : "bound", async () => {
      await onLoop(function* (loop) {
        const sock = new Socket(AF_INET);
        sock.bind(["127.0.0.1", 0]);
        if (listenFirst) sock.listen();
        const server = yield* loop.createServer(() => new Echo(), null, null, { sock });
        assert.throws(() => loop.sockAccept(sock), /is used by server/);
        const address = sock.getsockname();
        assert.deepEqual(server.sockets[0].getsockname(), address);
        const [transport, protocol] = yield* loop.createConnection(
          () => new Recorder(loop),
          address[0],
          address[1],
        );
        transport.write(enc.encode("ping"));
        yield* until(() => protocol.text() === "ping", "the echo");
        transport.close();
        server.close();
        yield* server.waitClosed();
        assert.equal(sock.fileno(), -1);
      });
    });
  }
});

Deno.test("loop.createServer({ sock }) serves a connection accepted before the hand-over", async () => {
  await onLoop(function* (loop) {
    const sock = listening();
    const pending = loop.sockAccept(sock);
    yield* settle(loop);
    pending.cancel(); // the accept stays pending in Deno
    using client = new Socket();
    yield* loop.sockConnect(client, sock.getsockname());
    const server = yield* loop.createServer(() => new Echo(), null, null, { sock });
    yield* loop.sockSendall(client, enc.encode("hi"));
    assert.equal(dec.decode(yield* recv(loop, client, 10)), "hi");
    sock.close(); // closes the server
    assert.equal(server.isServing(), false);
    server.closeClients();
    yield* server.waitClosed();
  });
});

Deno.test("loop.createServer({ sock }) validates the socket and options", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    const factory = () => new Echo();
    assert.throws(
      () => loop.createServer(factory, "127.0.0.1", 0, { sock: pair.listener }),
      RangeError,
    );
    assert.throws(() => loop.createServer(factory, null, null, { sock: pair.client }), OSError);
    assert.throws(
      () => loop.createServer(factory, null, null, { sock: pair.listener, reusePort: true }),
      RangeError,
    );
    assert.throws(
      () => loop.createUnixServer(factory, null, { sock: pair.listener }),
      /AF_UNIX/,
    );
  });
});

Deno.test("loop.createUnixServer/createUnixConnection({ sock }) work on Unix sockets", async () => {
  await onLoop(function* (loop) {
    const path = tempSocketPath();
    const listener = new Socket(AF_UNIX);
    listener.bind(path);
    const server = yield* loop.createUnixServer(() => new Echo(), null, { sock: listener });
    using client = new Socket(AF_UNIX);
    yield* loop.sockConnect(client, path);
    const [transport, protocol] = yield* loop.createUnixConnection(
      () => new Recorder(loop),
      null,
      { sock: client },
    );
    transport.write(enc.encode("unix"));
    yield* until(() => protocol.text() === "unix", "the echo");
    transport.close();
    yield* protocol.lost;
    server.close();
    yield* server.waitClosed();
    assert.throws(() => Deno.lstatSync(path), Deno.errors.NotFound); // cleaned up
  });
});

const CERT = Deno.readTextFileSync(new URL("../../../fixtures/tls/cert.pem", import.meta.url));
const KEY = Deno.readTextFileSync(new URL("../../../fixtures/tls/key.pem", import.meta.url));

Deno.test("loop.createConnection({ sock, ssl }) starts TLS on the connected socket", async () => {
  await onLoop(function* (loop) {
    const serverCtx = new SSLContext("clientAuth");
    serverCtx.loadCertChain(CERT, KEY);
    const server = yield* loop.createServer(() => new Echo(), "127.0.0.1", 0, { ssl: serverCtx });
    const address = server.sockets[0].getsockname();
    const clientCtx = new SSLContext();
    clientCtx.loadVerifyLocations({ cadata: CERT });
    using sock = new Socket();
    yield* loop.sockConnect(sock, address);
    const [transport, protocol] = yield* loop.createConnection(
      () => new Recorder(loop),
      null,
      null,
      { sock, ssl: clientCtx, serverHostname: "localhost" },
    );
    assert.equal(transport.getExtraInfo("sslcontext"), clientCtx);
    transport.write(enc.encode("secret"));
    yield* until(() => protocol.text() === "secret", "the TLS echo");
    transport.close();
    yield* protocol.lost;
    server.close();
    server.closeClients();
    yield* server.waitClosed();
  });
});

Deno.test("loop.createConnection({ sock, ssl }) refuses a socket with received data", async () => {
  await onLoop(function* (loop) {
    using pair = yield* socketPair(loop);
    const waiting = loop.sockRecv(pair.client, 1);
    yield* settle(loop); // the read is pending in Deno
    waiting.cancel();
    yield* loop.sockSendall(pair.server, enc.encode("plain"));
    yield* settle(loop); // and has completed into the socket's buffer
    assert.throws(
      () =>
        loop.createConnection(() => new Echo(), null, null, {
          sock: pair.client,
          ssl: new SSLContext(),
          serverHostname: "localhost",
        }),
      /Deno can only start TLS/,
    );
  });
});

Deno.test("loop.connectAcceptedSocket() wraps an accepted Socket or Deno.Conn", async (t) => {
  await t.step("a Socket from sockAccept", async () => {
    await onLoop(function* (loop) {
      using pair = yield* socketPair(loop);
      const [transport, protocol] = yield* loop.connectAcceptedSocket(
        () => new Recorder(loop),
        pair.server,
      );
      assert.deepEqual(protocol.events, ["made"]);
      assert.throws(() => loop.sockRecv(pair.server, 1), /is used by transport/);
      yield* loop.sockSendall(pair.client, enc.encode("ping"));
      yield* until(() => protocol.text() === "ping", "the data");
      transport.write(enc.encode("pong"));
      assert.equal(dec.decode(yield* recv(loop, pair.client, 10)), "pong");
      transport.close();
      assert.equal(yield* protocol.lost, null);
    });
  });
  await t.step("a Deno.Conn accepted by Deno", async () => {
    await onLoop(function* (loop) {
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      try {
        const [client, conn] = yield* loop.createTask(Promise.all([
          Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port }),
          listener.accept(),
        ]));
        const [transport, protocol] = yield* loop.connectAcceptedSocket(() => new Echo(), conn);
        assert.deepEqual(transport.getExtraInfo("sockname"), ["127.0.0.1", listener.addr.port]);
        yield* loop.createTask(client.write(enc.encode("echo")));
        const buf = new Uint8Array(10);
        const n = yield* loop.createTask(client.read(buf));
        assert.equal(dec.decode(buf.subarray(0, n ?? 0)), "echo");
        assert.ok(protocol instanceof Echo);
        transport.close();
        client.close();
      } finally {
        listener.close();
      }
    });
  });
  await t.step("errors: TLS options without ssl, ssl itself, not a connection", async () => {
    await onLoop(function* (loop) {
      using pair = yield* socketPair(loop);
      using fresh = new Socket();
      const f = () => new Echo();
      assert.throws(() => loop.connectAcceptedSocket(f, pair.server, { sslHandshakeTimeout: 1 }), {
        name: "RangeError",
        message: "options.sslHandshakeTimeout is only meaningful with ssl",
      });
      assert.throws(
        () => loop.connectAcceptedSocket(f, pair.server, { ssl: new SSLContext("clientAuth") }),
        NotImplementedError,
      );
      assert.throws(() => loop.connectAcceptedSocket(f, bad<Socket>({})), TypeError);
      assert.throws(() => loop.connectAcceptedSocket(f, fresh), OSError);
      yield* settle(loop);
    });
  });
});
