// `Server` on real TCP listeners: closing and waiting, serving on demand and
// forever, the sockets, closing and aborting clients, `await using`,
// several hosts, every interface, the listen options, and the options Deno
// cannot honour.

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  CancelledError,
  type Coroutine,
  type CreateServerOptions,
  createTask,
  type Future,
  getRunningLoop,
  NotImplementedError,
  OSError,
  run,
  RuntimeError,
  SelectorEventLoop,
  sleep,
} from "../../../mod.ts";
import { TestLoop } from "../../../loops/testing/mod.ts";
import { AbstractServer, Protocol } from "../../../loops/protocols_mod.ts";
import { AF_INET, Socket } from "../../../loops/net/socket_mod.ts";
import { bad, thrownBy, withLoop } from "../../_helpers.ts";
import { echoServer, enc, onLoop, portOf, Recorder, runCommand, shutdown, until } from "./_net.ts";

/** Connects a Recorder client to 127.0.0.1:`port`. */
function* client(loop: SelectorEventLoop, port: number): Coroutine<Recorder> {
  const [, p] = yield* loop.createConnection(() => new Recorder(loop), "127.0.0.1", port);
  return p;
}

/** What awaiting `fut` throws (the test fails if it does not throw). */
/** A server on 127.0.0.1 whose protocols are Recorders, listed in `accepted` as made. */
function* recordingServer(
  loop: SelectorEventLoop,
  options?: CreateServerOptions,
): Coroutine<[AbstractServer, Recorder[]]> {
  const accepted: Recorder[] = [];
  const server = yield* loop.createServer(
    () => {
      const p = new Recorder(loop);
      accepted.push(p);
      return p;
    },
    "127.0.0.1",
    0,
    options,
  );
  return [server, accepted];
}

function* failure(fut: Future<unknown>): Coroutine<unknown> {
  try {
    yield* fut;
  } catch (e) {
    return e;
  }
  return assert.fail("expected a failure");
}

/** A Deno connection that completes the TCP handshake with the listener's backlog. */
function rawConnect(port: number): Promise<Deno.TcpConn> {
  return Deno.connect({ hostname: "127.0.0.1", port });
}

Deno.test("Server.close() stops listening; waitClosed() returns once closed", async () => {
  await onLoop(function* (loop) {
    const [server, port] = yield* echoServer(loop);
    assert.equal(server.isServing(), true);
    assert.equal(server.getLoop(), loop);
    assert.equal(server.sockets.length, 1);
    assert.equal(server.sockets[0].family, "AF_INET");
    assert.deepEqual(server.sockets[0].getsockname(), ["127.0.0.1", port]);
    assert.equal(String(server), `<Server sockets=[127.0.0.1:${port}]>`);
    server.close();
    server.close(); // idempotent
    assert.equal(server.isServing(), false);
    assert.deepEqual(server.sockets, []);
    yield* server.waitClosed();
    yield* server.waitClosed(); // still fine afterwards
    // Nobody listens any more.
    try {
      yield* loop.createConnection(() => new Protocol(), "127.0.0.1", port);
      assert.fail("connected to a closed server");
    } catch (e) {
      assert.ok(e instanceof OSError, String(e));
    }
  });
});

Deno.test("Server.close() keeps existing connections until closeClients(); waitClosed() waits for them", async () => {
  await onLoop(function* (loop) {
    const [server, accepted] = yield* recordingServer(loop);
    const port = portOf(server);
    const c1 = yield* client(loop, port);
    const c2 = yield* client(loop, port);
    yield* until(() => accepted.length === 2 && accepted.every((p) => p.made.done()), "accepts");
    server.close();
    const waiter = createTask(server.waitClosed());
    yield* sleep(0.05);
    assert.equal(waiter.done(), false, "waitClosed() waits for the connections");
    // The connections still work both ways.
    c1.transport!.write(enc.encode("still here"));
    yield* until(() => accepted[0].received === 10, "data after close()");
    accepted[0].transport!.write(enc.encode("yes"));
    yield* until(() => c1.received === 3, "reply after close()");
    server.closeClients();
    yield* waiter;
    yield* c1.lost;
    yield* c2.lost;
    assert.deepEqual(accepted.map((p) => p.lostError), [null, null]);
  });
});

Deno.test("Server.abortClients() aborts every connection, dropping their buffers", async () => {
  await onLoop(function* (loop) {
    const [server, accepted] = yield* recordingServer(loop);
    const c = yield* client(loop, portOf(server));
    c.transport!.pauseReading();
    yield* until(() => accepted.length === 1 && accepted[0].made.done(), "accept");
    const big = new Uint8Array(32 * 1024 * 1024);
    accepted[0].transport!.write(big);
    server.abortClients();
    server.close();
    yield* server.waitClosed();
    assert.equal(accepted[0].lostError, null);
    c.transport!.resumeReading();
    yield* c.lost;
    assert.ok(c.received < big.length, "the buffered bytes were dropped");
  });
});

Deno.test("createServer({ startServing: false }) listens but accepts only after startServing()", async () => {
  await onLoop(function* (loop) {
    const [server, accepted] = yield* recordingServer(loop, { startServing: false });
    assert.equal(server.isServing(), false);
    const port = portOf(server);
    // The kernel completes the handshake (the socket listens) ...
    const c = yield* client(loop, port);
    yield* sleep(0.05);
    assert.equal(accepted.length, 0, "... but nothing is accepted yet");
    yield* server.startServing();
    assert.equal(server.isServing(), true);
    yield* until(() => accepted.length === 1 && accepted[0].made.done(), "accept");
    yield* server.startServing(); // again: no effect
    c.transport!.close();
    yield* shutdown(server);
    assert.ok((yield* failure(server.startServing())) instanceof RuntimeError);
  });
});

Deno.test("Server.serveForever() serves until cancelled, then closes the server", async () => {
  await onLoop(function* (loop) {
    const server = yield* loop.createServer(() => new Recorder(loop), "127.0.0.1", 0, {
      startServing: false,
    });
    const forever = createTask(server.serveForever());
    yield* sleep(0);
    assert.equal(server.isServing(), true);
    const second = createTask(server.serveForever());
    yield* sleep(0);
    assert.ok(second.exception() instanceof RuntimeError, "only one serveForever() at a time");
    const c = yield* client(loop, portOf(server));
    yield* c.made;
    c.transport!.close();
    yield* c.lost;
    forever.cancel();
    try {
      yield* forever;
      assert.fail("serveForever() returned");
    } catch (e) {
      assert.ok(e instanceof CancelledError);
    }
    assert.equal(server.isServing(), false);
    assert.deepEqual(server.sockets, []);
    yield* server.waitClosed();
    assert.ok((yield* failure(server.serveForever())) instanceof RuntimeError);
  });
});

Deno.test("Server.close() ends a pending serveForever()", async () => {
  await onLoop(function* (loop) {
    const [server] = yield* echoServer(loop);
    const forever = createTask(server.serveForever());
    yield* sleep(0.01);
    server.close();
    try {
      yield* forever;
      assert.fail("serveForever() returned");
    } catch (e) {
      assert.ok(e instanceof CancelledError);
    }
    yield* server.waitClosed();
  });
});

Deno.test("Server supports await using: closed and waited for at the end of the scope", async () => {
  let kept: AbstractServer | null = null;
  await run(async () => {
    const loop = getRunningLoop();
    await using server = await loop.createServer(() => new Protocol(), "127.0.0.1", 0);
    kept = server;
    assert.equal(server.isServing(), true);
  });
  assert.equal(kept!.isServing(), false);
  assert.deepEqual(kept!.sockets, []);
});

Deno.test("createServer() binds several hosts, and every interface for host null", async (t) => {
  await t.step("a list of hosts: one socket per address", async () => {
    await onLoop(function* (loop) {
      const server = yield* loop.createServer(
        () => new Protocol(),
        ["127.0.0.1", "127.0.0.2", "127.0.0.1"],
        0,
      );
      const names = server.sockets.map((s) => s.getsockname());
      assert.deepEqual(names.map((n) => n[0]), ["127.0.0.1", "127.0.0.2"], "duplicates dropped");
      for (const [host, port] of names) {
        const [tr] = yield* loop.createConnection(() => new Protocol(), host, port);
        tr.close();
      }
      yield* shutdown(server);
    });
  });
  await t.step("host null: reachable on 127.0.0.1", async () => {
    await onLoop(function* (loop) {
      const server = yield* loop.createServer(() => new Protocol(), null, 0);
      assert.equal(server.sockets.length, 1);
      const [host, port] = server.sockets[0].getsockname();
      assert.ok(host === "::" || host === "0.0.0.0", host);
      const c = yield* client(loop, port);
      c.transport!.close();
      yield* c.lost;
      yield* shutdown(server);
    });
  });
  await t.step("host null, family AF_INET: 0.0.0.0", async () => {
    await onLoop(function* (loop) {
      const server = yield* loop.createServer(() => new Protocol(), null, 0, { family: AF_INET });
      assert.equal(server.sockets[0].getsockname()[0], "0.0.0.0");
      yield* shutdown(server);
    });
  });
  await t.step("localhost", async () => {
    await onLoop(function* (loop) {
      const server = yield* loop.createServer(() => new Protocol(), "localhost", 0);
      assert.ok(server.sockets.length >= 1);
      yield* shutdown(server);
    });
  });
});

Deno.test("createServer() validates backlog as Python's listen(): an integer, negative means 0", async () => {
  const loop = new SelectorEventLoop();
  try {
    for (const backlog of [1.5, Number.NaN, bad<number>("5")]) {
      assert.throws(
        () => loop.createServer(() => new Protocol(), "127.0.0.1", 0, { backlog }),
        TypeError,
      );
    }
    const server = await loop.runUntilComplete(
      loop.createServer(() => new Protocol(), "127.0.0.1", 0, { backlog: -1 }),
    );
    server.close();
    await loop.runUntilComplete(server.waitClosed());
  } finally {
    loop.close();
  }
});

Deno.test("createServer() on a port in use fails with OSError EADDRINUSE", async () => {
  await onLoop(function* (loop) {
    const [server, port] = yield* echoServer(loop);
    try {
      yield* loop.createServer(() => new Protocol(), "127.0.0.1", port);
      assert.fail("bound twice");
    } catch (e) {
      assert.ok(e instanceof OSError, String(e));
      assert.equal(e.code, "EADDRINUSE");
      assert.match(e.message, /error while attempting to bind on address/);
    }
    yield* shutdown(server);
  });
});

Deno.test("createServer() refuses options Deno cannot honour, before any side effect", () => {
  const loop = new SelectorEventLoop();
  try {
    const factory = () => new Protocol();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ reuseAddress: false }, /SO_REUSEADDR/],
      [{ flags: 4 }, /flags/],
    ];
    for (const [options, re] of cases) {
      const e = thrownBy(() => loop.createServer(factory, "127.0.0.1", 0, options));
      assert.ok(e instanceof NotImplementedError, String(e));
      assert.match(e.message, re);
    }
    assert.throws(() => loop.createServer(bad(null), "127.0.0.1", 0), TypeError);
    assert.throws(() => loop.createServer(factory, bad(5), 0), TypeError);
    assert.throws(() => loop.createServer(factory, "127.0.0.1", 70000), RangeError);
    assert.throws(() => loop.createServer(factory, "127.0.0.1", 1.5), TypeError);
  } finally {
    loop.close();
  }
});

Deno.test("createServer({ reusePort }) needs --unstable-net: a clear NotImplementedError, and the process lives", async () => {
  const hasFlag = typeof (Deno as { listenDatagram?: unknown }).listenDatagram === "function";
  if (!hasFlag) {
    const loop = new SelectorEventLoop();
    try {
      const e = thrownBy(() =>
        loop.createServer(() => new Protocol(), "127.0.0.1", 0, { reusePort: true })
      );
      assert.ok(e instanceof NotImplementedError);
      assert.match(e.message, /--unstable-net/);
      assert.match(e.message, /reusePort/);
    } finally {
      loop.close();
    }
  }
  // In a child with the flag, two servers share a port.
  const script = fileURLToPath(new URL("./_reuse_port_child.ts", import.meta.url));
  const out = await runCommand(Deno.execPath(), ["run", "--allow-all", "--unstable-net", script]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /two servers on port \d+/);
  // Without the flag the child prints the error and exits normally.
  const without = await runCommand(Deno.execPath(), ["run", "--allow-all", script]);
  assert.equal(without.code, 0, without.stderr);
  assert.match(without.stdout, /NotImplementedError: .*--unstable-net/);
  assert.match(without.stdout, /still alive/);
});

class Failing extends Error {}

Deno.test("A failing protocol factory is reported and the connection closed; the server goes on", async () => {
  await onLoop(function* (loop, exceptions) {
    let fail = true;
    const server = yield* loop.createServer(
      () => {
        if (fail) throw new Failing("no protocol");
        return new Recorder(loop);
      },
      "127.0.0.1",
      0,
    );
    const c = yield* client(loop, portOf(server));
    yield* c.lost; // the server closed the connection
    const [ctx] = exceptions.take();
    assert.equal(ctx.message, "Error on transport creation for incoming connection");
    assert.ok(ctx.exception instanceof Failing);
    assert.equal(ctx.server, server);
    fail = false;
    const c2 = yield* client(loop, portOf(server));
    c2.transport!.write(enc.encode("x"));
    c2.transport!.close();
    yield* c2.lost;
    yield* shutdown(server);
  });
});

Deno.test("Server keeps accepting while connections come and go", async () => {
  await withLoop(() => new SelectorEventLoop(), async (loop) => {
    let made = 0;
    const server = await loop.runUntilComplete(
      loop.createServer(
        () =>
          new (class extends Protocol {
            override connectionMade() {
              made++;
            }
          })(),
        "127.0.0.1",
        0,
      ),
    );
    const port = portOf(server);
    const conns = await Promise.all(Array.from({ length: 20 }, () => rawConnect(port)));
    await loop.runUntilComplete(until(() => made === 20, "20 connections made"));
    for (const c of conns) c.close();
    await loop.runUntilComplete(sleep(0.05));
    assert.equal(made, 20);
    server.close();
    server.closeClients();
    await loop.runUntilComplete(server.waitClosed());
  });
});

Deno.test("Server.waitClosed() means the port is free: close, wait, bind the same port, many times", async (t) => {
  // Deno frees a listening socket only once its pending accept() has
  // settled; waitClosed() waits for that, so rebinding never fails.
  const factory = () => new Protocol();
  await t.step("TCP, on a running loop", async () => {
    await onLoop(function* (loop) {
      const first = yield* loop.createServer(factory, "127.0.0.1", 0);
      const port = portOf(first);
      first.close();
      yield* first.waitClosed();
      for (let i = 0; i < 25; i++) {
        const server = yield* loop.createServer(factory, "127.0.0.1", port);
        yield* sleep(0); // its accept is in flight
        server.close();
        yield* server.waitClosed();
      }
      const [last, recorder] = yield* recordingServer(loop);
      last.close();
      yield* last.waitClosed();
      assert.deepEqual(recorder, []);
    });
  });
  await t.step("a server made from a Socket", async () => {
    await onLoop(function* (loop) {
      let port = 0;
      for (let i = 0; i < 10; i++) {
        const sock = new Socket();
        sock.bind(["127.0.0.1", port]);
        const server = yield* loop.createServer(factory, null, null, { sock });
        port = portOf(server);
        yield* sleep(0);
        server.close();
        yield* server.waitClosed();
      }
    });
  });
  await t.step("a Unix server", async () => {
    const dir = Deno.makeTempDirSync();
    try {
      await onLoop(function* (loop) {
        const path = `${dir}/s.sock`;
        for (let i = 0; i < 10; i++) {
          const server = yield* loop.createUnixServer(factory, path);
          yield* sleep(0);
          server.close();
          yield* server.waitClosed();
          assert.throws(() => Deno.lstatSync(path), Deno.errors.NotFound);
        }
      });
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  });
});

Deno.test("After Server.close() with the loop stopped, a new connect is refused at once", async () => {
  await withLoop(() => new SelectorEventLoop(), async (loop) => {
    const server = await loop.runUntilComplete(
      loop.createServer(() => new Protocol(), "127.0.0.1", 0),
    );
    const port = portOf(server);
    const conn = await rawConnect(port); // accepted once the loop runs
    await conn.write(enc.encode("x"));
    conn.close();
    server.close();
    await assert.rejects(rawConnect(port), Deno.errors.ConnectionRefused);
    await loop.runUntilComplete(server.waitClosed());
  });
});

Deno.test("Server.sockets[i].fileno(): the Socket's for a server made from one, else a unique number", async () => {
  await onLoop(function* (loop) {
    const sock = new Socket();
    sock.bind(["127.0.0.1", 0]);
    const fromSock = yield* loop.createServer(() => new Protocol(), null, null, { sock });
    assert.equal(fromSock.sockets[0].fileno(), sock.fileno());
    const [plain] = yield* echoServer(loop);
    const fd = plain.sockets[0].fileno();
    assert.ok(Number.isInteger(fd) && fd > 2 && fd !== sock.fileno());
    assert.equal(plain.sockets[0].fileno(), fd);
    using other = new Socket();
    assert.notEqual(other.fileno(), fd);
    yield* shutdown(fromSock);
    yield* shutdown(plain);
  });
});

Deno.test("AbstractServer: every method throws NotImplementedError; Server implements them", async () => {
  const abstract = new AbstractServer();
  for (
    const call of [
      () => abstract.close(),
      () => abstract.closeClients(),
      () => abstract.abortClients(),
      () => abstract.getLoop(),
      () => abstract.isServing(),
      () => abstract.startServing(),
      () => abstract.serveForever(),
      () => abstract.waitClosed(),
    ]
  ) {
    assert.throws(call, NotImplementedError);
  }
  await assert.rejects(() => abstract[Symbol.asyncDispose](), NotImplementedError);
  await onLoop(function* (loop) {
    const [server] = yield* echoServer(loop);
    assert.ok(server instanceof AbstractServer);
    yield* shutdown(server);
  });
});

Deno.test("A listening server does not hold virtual time back: TestLoop jumps at once", async () => {
  await withLoop(() => new TestLoop(), async (loop) => {
    const server = await loop.runUntilComplete(
      loop.createServer(() => new Protocol(), "127.0.0.1", 0),
    );
    const started = performance.now();
    await loop.runUntilComplete(sleep(3600));
    assert.ok(performance.now() - started < 500, "waited on the host for the accept");
    server.close();
    await loop.runUntilComplete(server.waitClosed());
  });
});

Deno.test("Cancelling createServer() as it starts serving closes the server: nothing is left listening", async (t) => {
  for (const kind of ["tcp", "unix"] as const) {
    await t.step(kind, async () => {
      const dir = Deno.makeTempDirSync();
      try {
        await onLoop(function* (loop) {
          const path = `${dir}/c.sock`;
          const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
          const port = probe.addr.port;
          probe.close();
          const fut = kind === "tcp"
            ? loop.createServer(() => new Protocol(), "127.0.0.1", port)
            : loop.createUnixServer(() => new Protocol(), path);
          yield* sleep(0); // the task is now past binding, at asyncio's sleep(0)
          fut.cancel();
          const e = yield* failure(fut);
          assert.ok(e instanceof CancelledError, String(e));
          yield* sleep(0.05); // the closed listener's accept settles
          if (kind === "tcp") Deno.listen({ hostname: "127.0.0.1", port }).close();
          else assert.throws(() => Deno.lstatSync(path), Deno.errors.NotFound);
        });
      } finally {
        Deno.removeSync(dir, { recursive: true });
      }
    });
  }
});
