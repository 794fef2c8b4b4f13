// Unit tests of the virtual-time TestLoop and VirtualClock.

import assert from "node:assert/strict";
import {
  BaseEventLoop,
  createTask,
  gather,
  getRunningLoop,
  RuntimeError,
  sleep,
  wrapFuture,
} from "../../../mod.ts";
import { TestLoop, VirtualClock } from "../../../loops/testing/mod.ts";
import { withLoop } from "../../_helpers.ts";

Deno.test("VirtualClock moves only when told to", () => {
  const clock = new VirtualClock();
  assert.equal(clock.now(), 0);
  clock.advance(1.5);
  assert.equal(clock.now(), 1.5);
  clock.advance(0);
  assert.equal(clock.now(), 1.5);
  assert.equal(new VirtualClock(-10).now(), -10);
  assert.throws(() => clock.advance(-1), { name: "RangeError", message: /^seconds must not be/ });
  assert.throws(() => clock.advance(NaN), RangeError);
  assert.throws(() => new VirtualClock(NaN), { name: "RangeError", message: /^start/ });
});

Deno.test("TestLoop options", async (t) => {
  await t.step("start, clock and resolution", () => {
    using loop = new TestLoop({ start: 100 });
    assert.equal(loop.time(), 100);
    assert.equal(loop.clock.now(), 100);
    assert.equal(loop.clockResolution, 1e-9);
    loop.clock.advance(5);
    assert.equal(loop.time(), 105);
  });
  await t.step("bad values name the option", () => {
    assert.throws(() => new TestLoop({ start: NaN }), { message: /^options\.start/ });
    assert.throws(() => new TestLoop({ ioJumpAfter: -1 }), {
      name: "RangeError",
      message: /^options\.ioJumpAfter must not be negative/,
    });
  });
});

// One hour of mixed timers: ten tasks with different periods plus one-shot
// callLater timers. Returns the log of (virtual time, event).
async function anHourOfTimers(): Promise<string[]> {
  const log: string[] = [];
  await withLoop(() => new TestLoop(), async (loop) => {
    for (let i = 1; i <= 60; i++) loop.callLater(i * 60, () => log.push(`${loop.time()} minute`));
    await loop.runUntilComplete(function* () {
      const workers = Array.from({ length: 10 }, (_, k) =>
        createTask(function* () {
          const period = k + 1;
          let ticks = 0;
          while (loop.time() + period <= 3600) {
            yield* sleep(period);
            ticks++;
          }
          log.push(`${loop.time()} worker ${k} done after ${ticks}`);
          return ticks;
        }()));
      return yield* gather(...workers);
    }());
    assert.equal(loop.time(), 3600);
  });
  return log;
}

Deno.test("TestLoop runs an hour of timers in virtual time, deterministically", async () => {
  const first = await anHourOfTimers();
  const second = await anHourOfTimers();
  assert.deepEqual(first, second);
  assert.equal(first.filter((l) => l.endsWith("minute")).length, 60);
  assert.ok(first.includes("3600 worker 0 done after 3600"));
  assert.ok(first.includes("3598 worker 6 done after 514"));
  // Timers fire at their exact virtual deadlines.
  assert.ok(first.includes("60 minute") && first.includes("3600 minute"));
});

Deno.test("TestLoop jumps straight to the next timer", async () => {
  await withLoop(() => new TestLoop(), async (loop) => {
    const times: number[] = [];
    loop.callLater(10, () => times.push(loop.time()));
    loop.callLater(2.5, () => times.push(loop.time()));
    loop.callLater(86400, () => {
      times.push(loop.time());
      loop.stop();
    });
    await loop.runForever();
    assert.deepEqual(times, [2.5, 10, 86400]);
  });
});

Deno.test("TestLoop.advance() moves time by hand", async (t) => {
  await t.step("runs the timers that became due, and only those", () => {
    using loop = new TestLoop({ autoAdvance: false });
    const fired: number[] = [];
    loop.callLater(1, () => fired.push(1));
    loop.callLater(5, () => fired.push(5));
    loop.callLater(5, () => loop.callLater(0, () => fired.push(50)));
    loop.advance(2);
    assert.deepEqual(fired, [1]);
    assert.equal(loop.time(), 2);
    loop.advance(3);
    assert.deepEqual(fired, [1, 5, 50], "callbacks scheduled by due ones run too");
    loop.advance(0);
    assert.equal(loop.time(), 5);
  });
  await t.step("runs tasks as a running loop would", () => {
    using loop = new TestLoop({ autoAdvance: false });
    const log: string[] = [];
    const task = loop.createTask(function* () {
      log.push(`start, running loop is this one: ${getRunningLoop() === loop}`);
      yield* sleep(10);
      log.push("woke");
      return "done";
    }());
    loop.advance(0);
    assert.deepEqual(log, ["start, running loop is this one: true"]);
    assert.equal(loop.isRunning(), false, "not running between advances");
    assert.throws(() => getRunningLoop(), RuntimeError);
    loop.advance(9.5);
    assert.equal(task.done(), false);
    loop.advance(0.5);
    assert.deepEqual(log.slice(1), ["woke"]);
    assert.equal(task.result(), "done");
  });
  await t.step("stop() from a callback ends the advance early", async () => {
    using loop = new TestLoop({ autoAdvance: false });
    const fired: number[] = [];
    loop.callLater(1, () => {
      fired.push(1);
      loop.callSoon(() => fired.push(2));
      loop.stop();
    });
    loop.advance(5);
    assert.deepEqual(fired, [1]);
    // The stop request was used up: the next run does not stop at once.
    loop.callSoon(() => loop.callSoon(() => loop.stop()));
    await loop.runForever();
    assert.deepEqual(fired, [1, 2]);
  });
  await t.step("refused on a closed loop, with bad input, or while another loop runs", async () => {
    const loop = new TestLoop({ autoAdvance: false });
    assert.throws(() => loop.advance(-1), { name: "RangeError", message: /^seconds/ });
    assert.throws(() => loop.advance(NaN), RangeError);
    assert.equal(loop.time(), 0);
    const other = new BaseEventLoop();
    try {
      let error: unknown = null;
      other.callSoon(() => {
        try {
          loop.advance(1);
        } catch (e) {
          error = e;
        }
        other.stop();
      });
      await other.runForever();
      assert.ok(error instanceof RuntimeError, String(error));
      assert.match(error.message, /another loop is running/);
      assert.equal(loop.time(), 0, "time did not move");
    } finally {
      other.close();
    }
    loop.close();
    assert.throws(() => loop.advance(1), { name: "RuntimeError", message: "Event loop is closed" });
  });
});

Deno.test("TestLoop with autoAdvance false waits for advance()", async () => {
  await withLoop(() => new TestLoop({ autoAdvance: false }), async (loop) => {
    const steps = [3, 2];
    // The loop waits on the host; each host timer moves virtual time.
    const pump = () => {
      const s = steps.shift();
      if (s !== undefined) {
        loop.advance(s);
        timer = setTimeout(pump, 2);
      }
    };
    let timer = setTimeout(pump, 2);
    try {
      const result = await loop.runUntilComplete(sleep(5, "woken by advance"));
      assert.equal(result, "woken by advance");
      assert.equal(loop.time(), 5);
    } finally {
      clearTimeout(timer);
    }
  });
});

Deno.test("TestLoop waits for pending host work before jumping", async (t) => {
  await t.step("a promise that settles in time: no jump meanwhile", async () => {
    await withLoop(() => new TestLoop({ ioJumpAfter: 5 }), async (loop) => {
      const far = loop.callLater(100, () => {});
      const seenAt = await loop.runUntilComplete(function* () {
        yield* wrapFuture(new Promise((r) => setTimeout(r, 20)));
        return loop.time();
      }());
      assert.equal(seenAt, 0, "virtual time stood still while the promise was pending");
      far.cancel();
    });
  });
  await t.step("a promise slower than ioJumpAfter: time jumps anyway", async () => {
    await withLoop(() => new TestLoop({ ioJumpAfter: 0.005 }), async (loop) => {
      const jumped: number[] = [];
      loop.callLater(100, () => jumped.push(loop.time()));
      const seenAt = await loop.runUntilComplete(function* () {
        yield* wrapFuture(new Promise((r) => setTimeout(r, 300)));
        return loop.time();
      }());
      assert.deepEqual(jumped, [100]);
      assert.equal(seenAt, 100);
    });
  });
  await t.step("no pending work: jumps at once", async () => {
    await withLoop(() => new TestLoop({ ioJumpAfter: 60 }), async (loop) => {
      assert.equal(loop._pendingIo, 0);
      assert.equal(await loop.runUntilComplete(sleep(1000, "instant")), "instant");
      assert.equal(loop.time(), 1000);
    });
  });
});
