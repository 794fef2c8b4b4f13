// Conformance: callSoon, callLater, callAt and what one iteration runs.

import assert from "node:assert/strict";
import type { ConformanceTest } from "./_test.ts";
import { type BaseEventLoop, Handle, TimerHandle } from "./_deps.ts";
import { withLoop } from "./_support.ts";

/** Stops `loop` once its timers up to `delay` seconds from now have fired. */
function stopAfter(loop: BaseEventLoop, delay: number): void {
  loop.callLater(delay, () => loop.stop());
}

export function defineSchedulingCases(
  name: string,
  createLoop: () => BaseEventLoop,
  test: ConformanceTest,
): void {
  test(`${name}: callSoon runs callbacks in FIFO order`, async (t) => {
    await t.step("many callbacks, one iteration", async () => {
      await withLoop(createLoop, async (loop) => {
        const order: number[] = [];
        for (let i = 0; i < 50; i++) loop.callSoon((n: number) => order.push(n), i);
        loop.callSoon(() => loop.stop());
        await loop.runForever();
        assert.deepEqual(order, Array.from({ length: 50 }, (_, i) => i));
      });
    });
    await t.step("callbacks scheduled by callbacks keep their relative order", async () => {
      await withLoop(createLoop, async (loop) => {
        const order: string[] = [];
        loop.callSoon(() => {
          order.push("a");
          loop.callSoon(() => order.push("a1"));
          loop.callSoon(() => order.push("a2"));
        });
        loop.callSoon(() => {
          order.push("b");
          loop.callSoon(() => order.push("b1"));
        });
        stopAfter(loop, 0.001);
        await loop.runForever();
        assert.deepEqual(order, ["a", "b", "a1", "a2", "b1"]);
      });
    });
    await t.step("callSoonThreadsafe joins the same queue", async () => {
      await withLoop(createLoop, async (loop) => {
        const order: number[] = [];
        loop.callSoon(() => order.push(1));
        loop.callSoonThreadsafe(() => order.push(2));
        loop.callSoon(() => order.push(3));
        loop.callSoon(() => loop.stop());
        await loop.runForever();
        assert.deepEqual(order, [1, 2, 3]);
      });
    });
  });

  test(`${name}: callSoon passes arguments and returns a cancellable Handle`, async () => {
    await withLoop(createLoop, async (loop) => {
      const seen: unknown[][] = [];
      loop.callSoon(() => seen.push([]));
      loop.callSoon((a: number) => seen.push([a]), 1);
      loop.callSoon((a: string, b: boolean, c: null) => seen.push([a, b, c]), "x", true, null);
      const h = loop.callSoon(() => seen.push(["cancelled"]));
      assert.ok(h instanceof Handle);
      assert.equal(h.cancelled(), false);
      h.cancel();
      h.cancel();
      assert.equal(h.cancelled(), true);
      loop.callSoon(() => loop.stop());
      await loop.runForever();
      assert.deepEqual(seen, [[], [1], ["x", true, null]]);
    });
  });

  test(`${name}: a handle cancelled by an earlier callback of the same iteration does not run`, async () => {
    await withLoop(createLoop, async (loop) => {
      const ran: string[] = [];
      let later: Handle | null = null;
      loop.callSoon(() => {
        ran.push("first");
        later!.cancel();
      });
      later = loop.callSoon(() => ran.push("second"));
      loop.callSoon(() => loop.stop());
      await loop.runForever();
      assert.deepEqual(ran, ["first"]);
    });
  });

  test(`${name}: callLater runs timers in order of their deadlines`, async () => {
    await withLoop(createLoop, async (loop) => {
      const order: number[] = [];
      const delays = [0.012, 0.004, 0.008, 0, 0.016];
      for (const d of delays) loop.callLater(d, () => order.push(d));
      stopAfter(loop, 0.02);
      await loop.runForever();
      assert.deepEqual(order, [...delays].sort((a, b) => a - b));
    });
  });

  test(`${name}: callLater returns a TimerHandle due at time() + delay`, async () => {
    await withLoop(createLoop, (loop) => {
      const before = loop.time();
      const h = loop.callLater(0.01, () => {});
      const after = loop.time();
      assert.ok(h instanceof TimerHandle);
      assert.ok(h.when() >= before + 0.01 && h.when() <= after + 0.01, `when()=${h.when()}`);
      const at = loop.callAt(before + 5, () => {});
      assert.equal(at.when(), before + 5);
      h.cancel();
      at.cancel();
    });
  });

  test(`${name}: a timer never fires before its deadline`, async () => {
    await withLoop(createLoop, async (loop) => {
      let firedAt = -1;
      const start = loop.time();
      const h = loop.callLater(0.01, () => {
        firedAt = loop.time();
        loop.stop();
      });
      await loop.runForever();
      assert.ok(firedAt >= h.when() - loop.clockResolution, `fired at ${firedAt - start}`);
    });
  });

  test(`${name}: timers with equal deadlines run in scheduling order`, async (t) => {
    await t.step("callAt with one deadline", async () => {
      await withLoop(createLoop, async (loop) => {
        const order: number[] = [];
        const when = loop.time() + 0.005;
        for (let i = 0; i < 20; i++) loop.callAt(when, (n: number) => order.push(n), i);
        loop.callAt(when, () => loop.stop());
        await loop.runForever();
        assert.deepEqual(order, Array.from({ length: 20 }, (_, i) => i));
      });
    });
    await t.step("interleaved with another deadline", async () => {
      await withLoop(createLoop, async (loop) => {
        const order: string[] = [];
        const t0 = loop.time();
        loop.callAt(t0 + 0.006, () => order.push("late-1"));
        loop.callAt(t0 + 0.003, () => order.push("early-1"));
        loop.callAt(t0 + 0.006, () => order.push("late-2"));
        loop.callAt(t0 + 0.003, () => order.push("early-2"));
        loop.callAt(t0 + 0.01, () => loop.stop());
        await loop.runForever();
        assert.deepEqual(order, ["early-1", "early-2", "late-1", "late-2"]);
      });
    });
  });

  test(`${name}: a cancelled timer does not run`, async () => {
    await withLoop(createLoop, async (loop) => {
      const ran: number[] = [];
      const a = loop.callLater(0.002, () => ran.push(1));
      loop.callLater(0.004, () => ran.push(2));
      const c = loop.callLater(0.004, () => ran.push(3));
      a.cancel();
      loop.callLater(0.001, () => c.cancel());
      stopAfter(loop, 0.008);
      await loop.runForever();
      assert.deepEqual(ran, [2]);
      assert.ok(a.cancelled() && c.cancelled());
    });
  });

  test(`${name}: a due timer runs after the callbacks that were already ready`, async () => {
    await withLoop(createLoop, async (loop) => {
      const order: string[] = [];
      loop.callLater(0, () => order.push("timer"));
      loop.callSoon(() => order.push("soon"));
      stopAfter(loop, 0.002);
      await loop.runForever();
      assert.deepEqual(order, ["soon", "timer"]);
    });
  });

  test(`${name}: an iteration runs exactly the callbacks ready when it began`, async (t) => {
    await t.step("callSoon from a callback waits for the next iteration", async () => {
      await withLoop(createLoop, async (loop) => {
        const log: string[] = [];
        loop.callSoon(() => {
          log.push("a");
          loop.callSoon(() => log.push("c"));
        });
        loop.callSoon(() => {
          log.push("b");
          loop.stop();
        });
        await loop.runForever();
        assert.deepEqual(log, ["a", "b"]);
        loop.stop();
        await loop.runForever();
        assert.deepEqual(log, ["a", "b", "c"]);
      });
    });
    await t.step("a timer that becomes due during the iteration waits too", async () => {
      await withLoop(createLoop, async (loop) => {
        const log: string[] = [];
        loop.callSoon(() => {
          loop.callLater(0, () => log.push("timer"));
          loop.stop();
        });
        await loop.runForever();
        assert.deepEqual(log, []);
        loop.stop();
        await loop.runForever();
        assert.deepEqual(log, ["timer"]);
      });
    });
    await t.step("a chain of callSoon advances one link per iteration", async () => {
      await withLoop(createLoop, async (loop) => {
        // Two chains started together must interleave link by link.
        const log: string[] = [];
        const chain = (tag: string, n: number) => {
          log.push(`${tag}${n}`);
          if (n < 3) loop.callSoon(chain, tag, n + 1);
          else if (tag === "b") loop.stop();
        };
        loop.callSoon(chain, "a", 0);
        loop.callSoon(chain, "b", 0);
        await loop.runForever();
        assert.deepEqual(log, ["a0", "b0", "a1", "b1", "a2", "b2", "a3", "b3"]);
      });
    });
  });
}
