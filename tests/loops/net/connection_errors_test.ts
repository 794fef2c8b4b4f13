// createConnection() failures on real sockets: refused, unresolvable,
// missing permission (a child process without --allow-net), cancelled
// while connecting (no leaked op), and options Deno cannot honour.

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  CancelledError,
  ConnectionRefusedError,
  createTask,
  GaiError,
  NotImplementedError,
  OSError,
  PermissionError,
  SelectorEventLoop,
  sleep,
  TimeoutError,
  waitFor,
} from "../../../mod.ts";
import { Protocol } from "../../../loops/protocols_mod.ts";
import { Socket } from "../../../loops/net/socket_mod.ts";
import { bad, thrownBy } from "../../_helpers.ts";
import { onLoop, Recorder, runCommand } from "./_net.ts";
import { constants } from "node:os";

/** A port nobody listens on (bound, then released). */
function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/**
 * A listener whose accept queue is full (never accepted from), so a further
 * connect stays pending: the kernel drops its SYNs. Returns the listener,
 * the connections filling it, and its port.
 */
async function fullBacklog(): Promise<[Deno.Listener, Deno.Conn[], number]> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0, tcpBacklog: 1 });
  const port = (listener.addr as Deno.NetAddr).port;
  const conns: Deno.Conn[] = [];
  for (let i = 0; i < 8; i++) {
    try {
      conns.push(
        await Deno.connect({ hostname: "127.0.0.1", port, signal: AbortSignal.timeout(200) }),
      );
    } catch {
      break; // full: this attempt hung
    }
  }
  return [listener, conns, port];
}

Deno.test("createConnection() to a closed port fails with ConnectionRefusedError (ECONNREFUSED)", async () => {
  const port = freePort();
  await onLoop(function* (loop) {
    try {
      yield* loop.createConnection(() => new Protocol(), "127.0.0.1", port);
      assert.fail("connected");
    } catch (e) {
      assert.ok(e instanceof ConnectionRefusedError, String(e));
      assert.ok(e instanceof OSError);
      assert.equal(e.code, "ECONNREFUSED");
      assert.equal(e.errno, constants.errno.ECONNREFUSED);
      assert.match(e.message, new RegExp(`Connect call failed \\["127\\.0\\.0\\.1",${port}\\]`));
      assert.ok(e.cause instanceof Error);
    }
  });
});

Deno.test("createConnection() to an unresolvable host fails with GaiError", async () => {
  await onLoop(function* (loop) {
    try {
      yield* loop.createConnection(() => new Protocol(), "no-such-host.invalid", 80);
      assert.fail("connected");
    } catch (e) {
      assert.ok(e instanceof GaiError, String(e));
      assert.ok(e instanceof OSError);
      assert.match(e.message, /no-such-host\.invalid/);
    }
  });
});

Deno.test("createConnection() with happyEyeballsDelay connects, and fails like the plain path", async () => {
  await onLoop(function* (loop) {
    const server = yield* loop.createServer(() => new Protocol(), "127.0.0.1", 0);
    const port = server.sockets[0].getsockname()[1];
    const [t, p] = yield* loop.createConnection(() => new Recorder(loop), "localhost", port, {
      happyEyeballsDelay: 0.05,
    });
    assert.equal(t.getExtraInfo("peername")[1], port);
    t.close();
    yield* p.lost;
    server.close();
    yield* server.waitClosed();
    try {
      yield* loop.createConnection(() => new Protocol(), "localhost", freePort(), {
        happyEyeballsDelay: 0.05,
      });
      assert.fail("connected");
    } catch (e) {
      assert.ok(e instanceof ConnectionRefusedError, String(e));
    }
  });
});

Deno.test("createConnection() without --allow-net fails with an error naming the flag", async () => {
  const child = fileURLToPath(new URL("./_no_net_child.ts", import.meta.url));
  const root = fileURLToPath(new URL("../../../", import.meta.url));
  const out = await runCommand(Deno.execPath(), [
    "run",
    "--no-prompt",
    `--allow-read=${root}`,
    child,
  ]);
  assert.equal(out.code, 0, out.stderr);
  const lines = out.stdout.trim().split("\n");
  assert.equal(lines.length, 2, out.stdout);
  for (const line of lines) {
    assert.match(line, /^PermissionError: /);
    assert.match(line, /--allow-net/);
  }
  void PermissionError;
});

Deno.test("Cancelling createConnection() while it connects leaves no pending op", async (t) => {
  const [listener, conns, port] = await fullBacklog();
  try {
    await t.step("waitFor() with a tiny timeout", async () => {
      await onLoop(function* (loop) {
        const start = loop.time();
        try {
          yield* waitFor(loop.createConnection(() => new Protocol(), "127.0.0.1", port), 0.05);
          assert.fail("connected");
        } catch (e) {
          assert.ok(e instanceof TimeoutError, String(e));
        }
        assert.ok(loop.time() - start < 5);
      });
    });
    await t.step("task.cancel()", async () => {
      await onLoop(function* (loop) {
        const task = createTask(
          loop.createConnection(() => new Protocol(), "127.0.0.1", port) as never,
        );
        yield* sleep(0.05);
        assert.equal(task.done(), false, "the connect is pending");
        task.cancel();
        try {
          yield* task;
          assert.fail("connected");
        } catch (e) {
          assert.ok(e instanceof CancelledError, String(e));
        }
      });
    });
    await t.step("the future returned by createConnection() itself", async () => {
      await onLoop(function* (loop) {
        const fut = loop.createConnection(() => new Protocol(), "127.0.0.1", port);
        yield* sleep(0.05);
        fut.cancel();
        yield* sleep(0.01);
        assert.equal(fut.cancelled(), true);
      });
    });
  } finally {
    for (const c of conns) c.close();
    listener.close();
  }
});

Deno.test("createConnection() refuses bad arguments and options Deno cannot honour", () => {
  const loop = new SelectorEventLoop();
  try {
    const f = () => new Protocol();
    const notImpl: [Record<string, unknown>, RegExp][] = [
      [{ localAddr: ["127.0.0.1", 0] }, /localAddr/],
      [{ proto: 6 }, /proto/],
      [{ flags: 1 }, /flags/],
      [{ interleave: 2 }, /interleave/],
    ];
    for (const [options, re] of notImpl) {
      const e = thrownBy(() => loop.createConnection(f, "127.0.0.1", 1, options));
      assert.ok(e instanceof NotImplementedError, String(e));
      assert.match(e.message, re);
    }
    // asyncio's ValueErrors are RangeErrors.
    assert.throws(
      () => loop.createConnection(f, "127.0.0.1", 1, { serverHostname: "x" }),
      { name: "RangeError", message: "options.serverHostname is only meaningful with ssl" },
    );
    assert.throws(
      () => loop.createConnection(f, "127.0.0.1", 1, { sslHandshakeTimeout: 1 }),
      { name: "RangeError", message: "options.sslHandshakeTimeout is only meaningful with ssl" },
    );
    assert.throws(
      () => loop.createConnection(f, "127.0.0.1", 1, { sslShutdownTimeout: 1 }),
      RangeError,
    );
    assert.throws(() => loop.createConnection(f, "", 1, { ssl: true }), {
      name: "RangeError",
      message: "options.serverHostname must be set when using ssl without a host",
    });
    assert.throws(() => loop.createConnection(f, null, 1, { ssl: true }), RangeError);
    assert.throws(
      () => loop.createConnection(f, "127.0.0.1", 1, { ssl: true, serverHostname: "" }),
      RangeError,
    );
    assert.throws(
      () => loop.createConnection(f, "127.0.0.1", 1, { ssl: true, serverHostname: bad(5) }),
      TypeError,
    );
    assert.throws(() => loop.createConnection(f), {
      name: "RangeError",
      message: "host and port was not specified and no sock specified",
    });
    using sock = new Socket();
    assert.throws(() => loop.createConnection(f, "127.0.0.1", 1, { sock }), {
      name: "RangeError",
      message: "host/port and sock can not be specified at the same time",
    });
    assert.throws(() => loop.createConnection(f, null, null, { ssl: true, sock }), RangeError);
    assert.throws(
      () => loop.createConnection(f, "127.0.0.1", 1, { happyEyeballsDelay: -1 }),
      RangeError,
    );
    // As getaddrinfo(""): no such name (Python's gaierror).
    assert.throws(() => loop.createConnection(f, "", 1), GaiError);
    assert.throws(() => loop.createConnection(f, bad(5), 1), TypeError);
    assert.throws(() => loop.createConnection(f, "127.0.0.1", bad({})), TypeError);
    assert.throws(() => loop.createConnection(f, "127.0.0.1", 1.5), TypeError);
    assert.throws(() => loop.createConnection(f, "127.0.0.1", -1), RangeError);
    assert.throws(() => loop.createConnection(f, "127.0.0.1", 65536), RangeError);
    assert.throws(() => loop.createConnection(bad(42), "127.0.0.1", 1), TypeError);
    assert.throws(() => loop.createConnection(f, "127.0.0.1", 1, { ssl: bad("yes") }), TypeError);
  } finally {
    loop.close();
  }
});

Deno.test("createConnection() takes a service name or numeric string as port, and host null (loopback), as asyncio", async (t) => {
  await t.step("an unknown service name is a GaiError EAI_SERVICE", async () => {
    await onLoop(function* (loop) {
      try {
        yield* loop.createConnection(() => new Protocol(), "127.0.0.1", "nonsense");
        assert.fail("expected a GaiError");
      } catch (e) {
        assert.ok(e instanceof GaiError, String(e));
        assert.equal(e.code, "EAI_SERVICE");
      }
    });
  });
  await t.step("a numeric string and a service name reach the server", async () => {
    await onLoop(function* (loop) {
      const server = yield* loop.createServer(() => new Protocol(), "127.0.0.1", 0);
      const port = server.sockets[0].getsockname()[1];
      const [t1] = yield* loop.createConnection(() => new Protocol(), "127.0.0.1", String(port));
      assert.deepEqual(t1.getExtraInfo("peername"), ["127.0.0.1", port]);
      t1.close();
      // "http" is port 80 (nobody listens there): refused, not a TypeError.
      try {
        yield* loop.createConnection(() => new Protocol(), "127.0.0.1", "http");
      } catch (e) {
        assert.ok(e instanceof OSError, String(e));
        assert.match(e.message, /127\.0\.0\.1",80\]/);
      }
      server.close();
      yield* server.waitClosed();
    });
  });
  await t.step("host null connects to the loopback addresses, port 0 is refused", async () => {
    await onLoop(function* (loop) {
      const server = yield* loop.createServer(() => new Protocol(), "127.0.0.1", 0);
      const port = server.sockets[0].getsockname()[1];
      const [t1] = yield* loop.createConnection(() => new Protocol(), null, port);
      assert.deepEqual(t1.getExtraInfo("peername"), ["127.0.0.1", port]);
      t1.close();
      server.close();
      yield* server.waitClosed();
      try {
        yield* loop.createConnection(() => new Protocol(), "127.0.0.1", 0);
        assert.fail("expected a refused connection");
      } catch (e) {
        assert.ok(e instanceof ConnectionRefusedError, String(e));
      }
    });
  });
});
