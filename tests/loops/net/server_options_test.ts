// `createServer()`'s listen options, observed from outside: the backlog
// bounds the handshakes the kernel completes, keepAlive shows in `ss`.

import assert from "node:assert/strict";
import { SelectorEventLoop, wrapFuture } from "../../../mod.ts";
import { Protocol } from "../../../loops/protocols_mod.ts";
import { hostTick, withLoop } from "../../_helpers.ts";
import { hasProgram, onLoop, portOf, Recorder, runCommand, shutdown, until } from "./_net.ts";

Deno.test("createServer() passes backlog to the listener", async () => {
  await withLoop(() => new SelectorEventLoop(), async (loop) => {
    const server = await loop.runUntilComplete(
      loop.createServer(() => new Protocol(), "127.0.0.1", 0, { startServing: false, backlog: 1 }),
    );
    const port = portOf(server);
    // Nothing accepts: the kernel completes as many handshakes as the backlog
    // allows (Linux: backlog + 1) and drops the other SYNs for a while.
    const stop = new AbortController();
    const conns: Deno.TcpConn[] = [];
    const attempts = Array.from(
      { length: 6 },
      () =>
        Deno.connect({ hostname: "127.0.0.1", port, signal: stop.signal })
          .then((c) => void conns.push(c), () => {}),
    );
    await hostTick(300);
    const completed = conns.length;
    stop.abort();
    await Promise.all(attempts);
    for (const c of conns) c.close();
    server.close();
    await loop.runUntilComplete(server.waitClosed());
    assert.ok(completed >= 1 && completed < 6, `${completed} of 6 connects completed`);
  });
});

Deno.test("createServer({ keepAlive }) sets SO_KEEPALIVE on accepted sockets", async (t) => {
  const ss = await hasProgram("ss");
  for (const keepAlive of [true, false]) {
    await t.step({
      name: `keepAlive ${keepAlive}`,
      ignore: !ss, // `ss` (iproute2) shows the keepalive timer; Deno cannot read the option
      fn: () =>
        onLoop(function* (loop) {
          const accepted: Recorder[] = [];
          const server = yield* loop.createServer(
            () => {
              accepted.push(new Recorder(loop));
              return accepted.at(-1)!;
            },
            "127.0.0.1",
            0,
            { keepAlive },
          );
          const port = portOf(server);
          const [tr] = yield* loop.createConnection(() => new Protocol(), "127.0.0.1", port);
          yield* until(() => accepted.length === 1 && accepted[0].made.done(), "accept");
          const out = yield* wrapFuture(
            runCommand("ss", ["-tnoH", "state", "established", `( sport = :${port} )`]),
          );
          assert.equal(out.code, 0, out.stderr);
          assert.match(out.stdout, new RegExp(`127\\.0\\.0\\.1:${port}\\b`), "the accepted socket");
          assert.equal(/keepalive/.test(out.stdout), keepAlive, out.stdout);
          tr.close();
          yield* shutdown(server);
        }),
    });
  }
});
