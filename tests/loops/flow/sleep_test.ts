// Unit tests of sleep.

import assert from "node:assert/strict";
import { CancelledError, RuntimeError, sleep } from "../../../mod.ts";
import { TestLoop } from "../../../loops/testing/mod.ts";
import { bad, withLoop } from "../../_helpers.ts";

const newLoop = () => new TestLoop();

Deno.test("sleep() completes after the delay with its result", async () => {
  await withLoop(newLoop, async (loop) => {
    assert.equal(await loop.runUntilComplete(sleep(2.5, "later")), "later");
    assert.equal(loop.time(), 2.5);
    assert.equal(await loop.runUntilComplete(sleep(1)), undefined);
    assert.equal(loop.time(), 3.5);
  });
});

Deno.test("sleep(0) gives way for exactly one iteration, without a timer", async () => {
  await withLoop(newLoop, async (loop) => {
    const log: string[] = [];
    const chain = (i: number) => {
      log.push(`callback ${i}`);
      if (i < 2) loop.callSoon(chain, i + 1);
    };
    await loop.runUntilComplete(function* () {
      loop.callSoon(chain, 0);
      log.push("before");
      yield* sleep(0);
      log.push("after one");
      assert.equal(loop._timers.size, 0);
      yield* sleep(0);
      log.push("after two");
    }());
    assert.deepEqual(log.slice(0, 5), [
      "before",
      "callback 0",
      "after one",
      "callback 1",
      "after two",
    ]);
    assert.equal(loop.time(), 0);
  });
});

Deno.test("sleep() cancelled: its timer is cancelled too", async () => {
  await withLoop(newLoop, async (loop) => {
    const task = loop.createTask(sleep(3600));
    loop.callLater(1, () => task.cancel("woken early"));
    await assert.rejects(
      loop.runUntilComplete(task),
      (e) => e instanceof CancelledError && e.message === "woken early",
    );
    assert.equal(loop.time(), 1);
    const [timer] = loop._timers.items;
    assert.ok(timer === undefined || timer.cancelled(), "the 3600 s timer is cancelled");
  });
});

Deno.test("sleep() refuses bad delays when awaited, naming the argument", async (t) => {
  const cases: [string, unknown, string, RegExp][] = [
    ["NaN", NaN, "RangeError", /^delay must not be NaN/],
    ["a string", "1", "TypeError", /^delay must be a number of seconds/],
  ];
  for (const [label, delay, name, message] of cases) {
    await t.step(label, async () => {
      await withLoop(newLoop, async (loop) => {
        await assert.rejects(loop.runUntilComplete(sleep(bad<number>(delay))), { name, message });
      });
    });
  }
});

Deno.test("sleep() with a negative delay is sleep(0), as in asyncio", async () => {
  await withLoop(newLoop, async (loop) => {
    const order: string[] = [];
    loop.callSoon(() => order.push("callback"));
    const v = await loop.runUntilComplete(function* () {
      const r = yield* sleep(-1, "r");
      order.push("after sleep");
      return r;
    }());
    assert.equal(v, "r");
    assert.equal(loop.time(), 0);
    assert.deepEqual(order, ["callback", "after sleep"]);
  });
});

Deno.test("sleep() with a delay needs a running loop", () => {
  const coro = sleep(1);
  assert.throws(
    () => coro.next(),
    (e) => e instanceof RuntimeError && /no running event loop/.test(e.message),
  );
  const zero = sleep(0, "z");
  assert.deepEqual(zero.next(), { value: undefined, done: false });
  assert.deepEqual(zero.next(), { value: "z", done: true });
});
