// `Server` from async functions: `startServing()`, `serveForever()` and
// `waitClosed()` return futures that `await` really waits for; and
// `closeClients()`/`abortClients()` end connections still in their TLS
// handshake.

import assert from "node:assert/strict";
import {
  CancelledError,
  RuntimeError,
  SelectorEventLoop,
  sleep,
  TimeoutError,
  waitFor,
} from "../../../mod.ts";
import { hostTick, withLoop } from "../../_helpers.ts";
import { enc, portOf, Recorder, until } from "./_net.ts";
import { serverContext } from "./_tls.ts";

/**
 * Runs the async `main(loop)` on a new watched SelectorEventLoop (as
 * `onLoop` does for generator coroutines), then checks that every host
 * operation the loop started has settled.
 */
function onLoopAsync(main: (loop: SelectorEventLoop) => Promise<void>): Promise<void> {
  return withLoop(() => new SelectorEventLoop(), async (loop) => {
    await loop.runUntilComplete(main(loop));
    for (let i = 0; i < 200 && loop._pendingIo !== 0; i++) await hostTick(5);
    assert.equal(loop._pendingIo, 0, "host operations still in flight after the test");
  });
}

/** A protocol factory that records the protocols it makes in `made`. */
function recording(loop: SelectorEventLoop, made: Recorder[]): () => Recorder {
  return () => {
    made.push(new Recorder(loop));
    return made.at(-1)!;
  };
}

function rawConnect(port: number): Promise<Deno.TcpConn> {
  return Deno.connect({ hostname: "127.0.0.1", port });
}

Deno.test("await Server.waitClosed() waits until the last connection is gone", async () => {
  await onLoopAsync(async (loop) => {
    const accepted: Recorder[] = [];
    const server = await loop.createServer(recording(loop, accepted), "127.0.0.1", 0);
    const conn = await rawConnect(portOf(server));
    await loop.createTask(until(() => accepted[0]?.made.done() === true, "accept"));
    server.close();
    let closed = false;
    const waiting = (async () => {
      await server.waitClosed();
      closed = true;
    })();
    await loop.createTask(sleep(0.05));
    assert.equal(closed, false, "waitClosed() returned while a connection was open");
    conn.close();
    await waiting;
    assert.equal(closed, true);
    assert.ok(accepted[0].lost.done(), "the connection is gone");
    await server.waitClosed(); // done at once now
  });
});

Deno.test("await Server.startServing() starts accepting", async () => {
  await onLoopAsync(async (loop) => {
    const accepted: Recorder[] = [];
    const server = await loop.createServer(recording(loop, accepted), "127.0.0.1", 0, {
      startServing: false,
    });
    assert.equal(server.isServing(), false);
    await server.startServing();
    assert.equal(server.isServing(), true);
    const conn = await rawConnect(portOf(server));
    await loop.createTask(until(() => accepted[0]?.made.done() === true, "accept"));
    conn.close();
    server.close();
    await server.waitClosed();
    await assert.rejects(async () => await server.startServing(), RuntimeError);
  });
});

Deno.test("await Server.serveForever() serves until the server is closed or it is cancelled", async (t) => {
  for (const end of ["close()", "cancel()"]) {
    await t.step(`ended by ${end}`, () =>
      onLoopAsync(async (loop) => {
        const accepted: Recorder[] = [];
        const server = await loop.createServer(recording(loop, accepted), "127.0.0.1", 0, {
          startServing: false,
        });
        const forever = server.serveForever();
        const serving = (async (): Promise<unknown> => {
          try {
            await forever;
            return "returned";
          } catch (e) {
            return e;
          }
        })();
        await loop.createTask(sleep(0.02));
        assert.equal(forever.done(), false, "serveForever() ended at once");
        assert.equal(server.isServing(), true);
        const conn = await rawConnect(portOf(server));
        await loop.createTask(until(() => accepted[0]?.made.done() === true, "accept"));
        conn.close();
        await accepted[0].lost;
        if (end === "close()") server.close();
        else forever.cancel();
        const outcome = await serving;
        assert.ok(outcome instanceof CancelledError, String(outcome));
        assert.equal(server.isServing(), false);
        assert.deepEqual(server.sockets, []);
        await server.waitClosed();
      }));
  }
});

/** Reads `conn` to its end: "eof", "reset", or "open" if nothing ends it within `seconds`. */
async function readToEnd(conn: Deno.Conn, seconds: number): Promise<string> {
  const timer = setTimeout(() => conn.close(), seconds * 1000);
  const buf = new Uint8Array(1024);
  try {
    while (true) {
      if (await conn.read(buf) === null) return "eof";
    }
  } catch (e) {
    return e instanceof Deno.errors.ConnectionReset ? "reset" : "open";
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // Closed by the timer.
    }
  }
}

Deno.test("Server.closeClients()/abortClients() end a connection still in its TLS handshake", async (t) => {
  for (const how of ["closeClients", "abortClients"] as const) {
    await t.step(how, () =>
      onLoopAsync(async (loop) => {
        loop.setDebug(true); // a network error would be reported in debug mode
        const accepted: Recorder[] = [];
        const server = await loop.createServer(recording(loop, accepted), "127.0.0.1", 0, {
          ssl: serverContext(),
          sslHandshakeTimeout: 30,
        });
        // A TCP client that never starts the handshake.
        const conn = await rawConnect(portOf(server));
        await loop.createTask(sleep(0.1)); // accepted; the server waits in the handshake
        server.close();
        server[how]();
        try {
          await loop.createTask(waitFor(server.waitClosed(), 5));
        } catch (e) {
          conn.close(); // ends the handshake, so that the server closes
          await server.waitClosed();
          throw e instanceof TimeoutError
            ? new Error(`${how}() left the connection in its handshake`, { cause: e })
            : e;
        }
        assert.equal(accepted.length, 1);
        assert.equal(accepted[0].made.done(), false, "no connectionMade before a handshake");
        // Deno keeps the socket of a TLS connection closed in its handshake
        // until the client sends something: then the client sees the end.
        await conn.write(enc.encode("not a TLS record\r\n"));
        assert.notEqual(await readToEnd(conn, 5), "open");
      }));
  }
});
