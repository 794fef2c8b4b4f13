// Real sockets on the virtual-time TestLoop: time jumps wait for host I/O in
// flight (a pending read counts), so virtual timeouts do not fire before a
// real echo arrives, and long virtual sleeps still finish quickly.

import assert from "node:assert/strict";
import { sleep, waitFor } from "../../../mod.ts";
import { TestLoop } from "../../../loops/testing/mod.ts";
import { withLoop } from "../../_helpers.ts";
import { Echo, enc, portOf, Recorder, shutdown, until } from "../net/_net.ts";

Deno.test("TestLoop runs transports: virtual timeouts wait for real I/O", async () => {
  await withLoop(() => new TestLoop({ ioJumpAfter: 0.5 }), async (loop) => {
    await loop.runUntilComplete(function* () {
      const server = yield* loop.createServer(() => new Echo(), "127.0.0.1", 0);
      const [t, p] = yield* loop.createConnection(
        () => new Recorder(loop),
        "127.0.0.1",
        portOf(server),
      );
      const start = loop.time();
      t.write(enc.encode("ping"));
      // A 10-second virtual timeout around a real round trip: it must not fire.
      yield* waitFor(until(() => p.received === 4, "echo", 3600), 10);
      assert.ok(loop.time() - start < 10);
      // A long virtual sleep with an idle connection (a read pending) still
      // ends: the clock jumps after ioJumpAfter real seconds.
      const realStart = performance.now();
      yield* sleep(1000);
      assert.ok(loop.time() - start >= 1000);
      assert.ok(performance.now() - realStart < 5000);
      t.close();
      yield* p.lost;
      yield* shutdown(server);
    }());
  });
});
