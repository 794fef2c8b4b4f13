// Conformance: bad arguments to loop methods throw TypeError/RangeError
// naming the argument, and leave nothing scheduled.

import assert from "node:assert/strict";
import type { ConformanceTest } from "./_test.ts";
import type { BaseEventLoop } from "./_deps.ts";
import { bad, withLoop } from "./_support.ts";

type Cb = () => void;

export function defineBadInputCases(
  name: string,
  createLoop: () => BaseEventLoop,
  test: ConformanceTest,
): void {
  test(`${name}: bad callbacks throw TypeError naming the argument`, async (t) => {
    for (const value of [undefined, null, 5, "callLater", {}, Promise.resolve()]) {
      await t.step(String(value), async () => {
        await withLoop(createLoop, (loop) => {
          const cb = bad<Cb>(value);
          const expected = { name: "TypeError", message: /^callback must be a function/ };
          assert.throws(() => loop.callSoon(cb), expected);
          assert.throws(() => loop.callSoonThreadsafe(cb), expected);
          assert.throws(() => loop.callLater(1, cb), expected);
          assert.throws(() => loop.callAt(1, cb), expected);
          assert.equal(loop._ready.length, 0);
          assert.equal(loop._timers.size, 0);
        });
      });
    }
  });

  test(`${name}: bad delays throw TypeError/RangeError naming the argument`, async (t) => {
    const cases: [string, unknown, string, RegExp][] = [
      ["NaN", NaN, "RangeError", /^delay must not be NaN/],
      ["string", "1", "TypeError", /^delay must be a number of seconds: got "1"/],
      ["undefined", undefined, "TypeError", /^delay must be a number/],
      ["bigint", 1n, "TypeError", /^delay must be a number/],
    ];
    for (const [label, value, errorName, message] of cases) {
      await t.step(`callLater: ${label}`, async () => {
        await withLoop(createLoop, (loop) => {
          assert.throws(() => loop.callLater(bad<number>(value), () => {}), {
            name: errorName,
            message,
          });
          assert.equal(loop._timers.size, 0);
        });
      });
    }
    await t.step("callAt: NaN and non-numbers, but negative times are fine", async () => {
      await withLoop(createLoop, async (loop) => {
        assert.throws(() => loop.callAt(NaN, () => {}), {
          name: "RangeError",
          message: /^when must not be NaN/,
        });
        assert.throws(() => loop.callAt(bad<number>("soon"), () => {}), {
          name: "TypeError",
          message: /^when must be a number/,
        });
        let ran = false;
        loop.callAt(-1, () => ran = true);
        loop.callSoon(() => loop.callSoon(() => loop.stop()));
        await loop.runForever();
        assert.equal(ran, true);
      });
    });
    await t.step("callLater: negative delays are due at once, in deadline order", async () => {
      await withLoop(createLoop, async (loop) => {
        const order: string[] = [];
        loop.callLater(-0.5, () => order.push("-0.5"));
        loop.callLater(-2, () => order.push("-2"));
        loop.callLater(-Infinity, () => order.push("-Infinity"));
        loop.callLater(0, () => order.push("0"));
        loop.callSoon(() => loop.callSoon(() => loop.stop()));
        await loop.runForever();
        assert.deepEqual(order, ["-Infinity", "-2", "-0.5", "0"]);
      });
    });
    await t.step("callLater: Infinity never fires", async () => {
      await withLoop(createLoop, async (loop) => {
        let ran = false;
        const h = loop.callLater(Infinity, () => ran = true);
        assert.equal(h.when(), Infinity);
        await loop.runUntilComplete(Promise.resolve());
        assert.equal(ran, false);
        h.cancel();
      });
    });
  });

  test(`${name}: bad handlers, factories and awaitables throw TypeError`, async () => {
    await withLoop(createLoop, (loop) => {
      assert.throws(() => loop.setExceptionHandler(bad(5)), {
        name: "TypeError",
        message: /^handler must be a function/,
      });
      assert.equal(loop.getExceptionHandler() === null, false, "the watcher stays installed");
      assert.throws(() => loop.setTaskFactory(bad({})), {
        name: "TypeError",
        message: /^factory must be a function/,
      });
      assert.equal(loop.getTaskFactory(), null);
      assert.throws(() => loop.createTask(bad<PromiseLike<unknown>>(42)), TypeError);
      assert.throws(() => loop.createTask(bad<PromiseLike<unknown>>(function* gen() {})), {
        name: "TypeError",
        message: /call the generator function/,
      });
      assert.throws(() => loop.runUntilComplete(bad<PromiseLike<unknown>>(42)), TypeError);
      assert.equal(loop.isRunning(), false);
      assert.equal(loop._ready.length, 0);
    });
  });
}
