// Unit tests of the scheduler: the timer heap and its compaction, lazy
// cancellation, clock-resolution grouping, host integration (no busy
// waiting, yielding to the host when busy), options and disposal.

import assert from "node:assert/strict";
import process from "node:process";
import {
  BaseEventLoop,
  type Clock,
  type ExceptionContext,
  Handle,
  RuntimeError,
  sleep,
  type TimerHandle,
} from "../../../mod.ts";
import { captureConsole, hostTick, withLoop } from "../../_helpers.ts";

/** A clock the test moves by hand. */
class ManualClock implements Clock {
  t = 0;
  now(): number {
    return this.t;
  }
}

function manualLoop(clockResolution?: number): [BaseEventLoop, ManualClock] {
  const clock = new ManualClock();
  return [new BaseEventLoop({ clock, clockResolution }), clock];
}

/** Schedules `n` timers at 1000, 1001, ... and returns their handles. */
function farTimers(loop: BaseEventLoop, n: number, fired: number[] = []): TimerHandle[] {
  return Array.from({ length: n }, (_, i) => loop.callAt(1000 + i, () => fired.push(i)));
}

Deno.test("BaseEventLoop compacts the timer heap when >100 timers and >50% are cancelled", async (t) => {
  await t.step("150 timers, 100 cancelled: rebuilt", () => {
    const [loop] = manualLoop();
    try {
      const handles = farTimers(loop, 150);
      for (const h of handles.slice(25, 125)) h.cancel();
      assert.equal(loop._timerCancelledCount, 100);
      loop._runOnce();
      assert.equal(loop._timers.size, 50);
      assert.equal(loop._timerCancelledCount, 0);
      for (const h of handles.slice(25, 125)) assert.equal(h._scheduled, false);
      for (const h of [...handles.slice(0, 25), ...handles.slice(125)]) {
        assert.equal(h._scheduled, true);
      }
    } finally {
      loop.close();
    }
  });
  await t.step("101 timers, 51 cancelled (over half): rebuilt", () => {
    const [loop] = manualLoop();
    try {
      const handles = farTimers(loop, 101);
      for (const h of handles.slice(50)) h.cancel();
      loop._runOnce();
      assert.equal(loop._timers.size, 50);
      assert.equal(loop._timerCancelledCount, 0);
    } finally {
      loop.close();
    }
  });
  await t.step("101 timers, 50 cancelled (not over half): kept", () => {
    const [loop] = manualLoop();
    try {
      const handles = farTimers(loop, 101);
      for (const h of handles.slice(51)) h.cancel();
      loop._runOnce();
      assert.equal(loop._timers.size, 101);
      assert.equal(loop._timerCancelledCount, 50);
    } finally {
      loop.close();
    }
  });
  await t.step("100 timers, 99 cancelled (not over 100 timers): kept", () => {
    const [loop] = manualLoop();
    try {
      const handles = farTimers(loop, 100);
      for (const h of handles.slice(1)) h.cancel();
      loop._runOnce();
      assert.equal(loop._timers.size, 100);
      assert.equal(loop._timerCancelledCount, 99);
    } finally {
      loop.close();
    }
  });
  await t.step("the rebuilt heap still fires in deadline order", () => {
    const [loop, clock] = manualLoop();
    try {
      const fired: number[] = [];
      // Scheduled in a scrambled order, so heap order matters.
      const handles = Array.from({ length: 300 }, (_, i) => {
        const k = (i * 7) % 300;
        return loop.callAt(1000 + k, () => fired.push(k));
      });
      for (const h of handles) if ((h.when() - 1000) % 3 !== 0) h.cancel();
      loop._runOnce();
      assert.equal(loop._timers.size, 100);
      clock.t = 2000;
      loop._runOnce();
      assert.deepEqual(fired, Array.from({ length: 100 }, (_, i) => i * 3));
    } finally {
      loop.close();
    }
  });
});

Deno.test("BaseEventLoop drops cancelled timers lazily", async (t) => {
  await t.step("cancelled timers at the head are popped by the next iteration", () => {
    const [loop] = manualLoop();
    try {
      const handles = farTimers(loop, 10);
      for (const h of handles.slice(0, 3)) h.cancel();
      assert.equal(loop._timers.size, 10, "cancel() does not touch the heap");
      loop._runOnce();
      assert.equal(loop._timers.size, 7);
      assert.equal(loop._timerCancelledCount, 0);
      assert.equal(handles[0]._scheduled, false);
    } finally {
      loop.close();
    }
  });
  await t.step("a cancelled timer behind a live one stays until it reaches the top", () => {
    const [loop, clock] = manualLoop();
    try {
      const fired: number[] = [];
      const handles = farTimers(loop, 5, fired);
      handles[2].cancel();
      loop._runOnce();
      assert.equal(loop._timers.size, 5);
      assert.equal(loop._timerCancelledCount, 1);
      clock.t = 1001.5; // timers 0 and 1 are due
      loop._runOnce();
      assert.deepEqual(fired, [0, 1]);
      assert.equal(loop._timers.size, 3);
      loop._runOnce(); // now the cancelled one is at the top
      assert.equal(loop._timers.size, 2);
      assert.equal(loop._timerCancelledCount, 0);
    } finally {
      loop.close();
    }
  });
  await t.step("the cancelled count is exact", () => {
    const [loop, clock] = manualLoop();
    try {
      const a = loop.callAt(1, () => {});
      const b = loop.callAt(2, () => {});
      a.cancel();
      a.cancel();
      assert.equal(loop._timerCancelledCount, 1, "cancelling twice counts once");
      clock.t = 2;
      loop.callSoon(() => b.cancel()); // b is due and moved to the ready queue first
      loop._runOnce();
      assert.equal(loop._timerCancelledCount, 0, "a timer cancelled after leaving the heap");
      assert.equal(loop._timers.size, 0);
    } finally {
      loop.close();
    }
  });
});

Deno.test("BaseEventLoop runs timers due within clockResolution in the same iteration", async (t) => {
  await t.step("resolution 0.1", () => {
    const [loop] = manualLoop(0.1);
    try {
      const fired: number[] = [];
      for (const when of [0.15, 0.0999, 0.05, 0.1]) loop.callAt(when, () => fired.push(when));
      assert.equal(loop.clockResolution, 0.1);
      assert.equal(loop._runOnce(), 2);
      assert.deepEqual(fired, [0.05, 0.0999]);
    } finally {
      loop.close();
    }
  });
  await t.step("default resolution is 1 microsecond", () => {
    const [loop] = manualLoop();
    try {
      const fired: number[] = [];
      loop.callAt(0.0000009, () => fired.push(1));
      loop.callAt(0.000001, () => fired.push(2));
      assert.equal(loop.clockResolution, 1e-6);
      loop._runOnce();
      assert.deepEqual(fired, [1]);
    } finally {
      loop.close();
    }
  });
  await t.step("bad resolutions are refused", () => {
    assert.throws(() => new BaseEventLoop({ clockResolution: NaN }), {
      name: "RangeError",
      message: /options\.clockResolution/,
    });
    assert.throws(() => new BaseEventLoop({ clockResolution: -1 }), {
      name: "RangeError",
      message: /options\.clockResolution must not be negative/,
    });
  });
});

Deno.test("BaseEventLoop uses its injected clock and options", () => {
  const clock = new ManualClock();
  clock.t = 42;
  using loop = new BaseEventLoop({ clock, debug: true });
  assert.equal(loop.time(), 42);
  assert.equal(loop.callLater(1, () => {}).when(), 43);
  assert.equal(loop.getDebug(), true);
  assert.equal(String(loop), "<BaseEventLoop running=false closed=false debug=true>");
  using plain = new BaseEventLoop();
  assert.equal(plain.getDebug(), false);
  const a = plain.time();
  const b = plain.time();
  assert.ok(b >= a && Math.abs(a - performance.now() / 1000) < 1, "real clock in seconds");
});

Deno.test("BaseEventLoop supports using (Symbol.dispose closes it)", async () => {
  let escaped: BaseEventLoop;
  {
    using loop = new BaseEventLoop();
    escaped = loop;
    assert.equal(await loop.runUntilComplete(sleep(0.001, "in scope")), "in scope");
    assert.equal(loop.isClosed(), false);
  }
  assert.equal(escaped.isClosed(), true);
  await withLoop(() => new BaseEventLoop(), async (loop) => {
    let error: unknown = null;
    loop.callSoon(() => {
      try {
        loop[Symbol.dispose]();
      } catch (e) {
        error = e;
      }
      loop.stop();
    });
    await loop.runForever();
    assert.ok(error instanceof RuntimeError, "disposing a running loop throws");
  });
});

Deno.test("Handle and TimerHandle describe themselves", () => {
  const [loop] = manualLoop();
  try {
    const h = loop.callSoon(function tick() {});
    assert.ok(h instanceof Handle);
    assert.equal(String(h), "<Handle tick()>");
    const th = loop.callAt(5, function tock() {});
    assert.equal(String(th), "<TimerHandle tock() when=5>");
    th.cancel();
    assert.match(String(th), /^<TimerHandle cancelled/);
    assert.equal(String(loop.callSoon(() => {})), "<Handle <anonymous>()>");
  } finally {
    loop.close();
  }
});

Deno.test("BaseEventLoop wakes from a host wait when a callback is scheduled", async () => {
  await withLoop(() => new BaseEventLoop(), async (loop) => {
    const far = loop.callLater(3600, () => {});
    const log: string[] = [];
    const timer = setTimeout(() => {
      loop.callSoonThreadsafe(() => {
        log.push("woken");
        loop.stop();
      });
    }, 5);
    await loop.runForever();
    clearTimeout(timer);
    far.cancel();
    assert.deepEqual(log, ["woken"]);
  });
});

Deno.test("BaseEventLoop yields to the host while it is busy", async () => {
  await withLoop(() => new BaseEventLoop(), async (loop) => {
    // A task that only ever yields keeps the ready queue non-empty; the host
    // timer can fire only if the loop returns to the host on its own.
    let flag = false;
    const timer = setTimeout(() => flag = true, 5);
    let spins = 0;
    await loop.runUntilComplete(function* () {
      while (!flag) {
        spins++;
        yield;
      }
    }());
    clearTimeout(timer);
    assert.ok(spins > 0);
  });
});

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

// A correctness check of "no busy waiting", not a speed target: a loop that
// polled instead of waiting on a host timer would burn about the whole wait.
Deno.test("BaseEventLoop does not busy-wait for a far timer or when idle", async (t) => {
  await t.step("one timer 2 s away", async () => {
    await withLoop(() => new BaseEventLoop(), async (loop) => {
      let fired = false;
      loop.callLater(2, () => {
        fired = true;
        loop.stop();
      });
      const before = cpuSeconds();
      await loop.runForever();
      const used = cpuSeconds() - before;
      assert.equal(fired, true);
      assert.ok(used < 0.3, `used ${used.toFixed(3)} s of CPU while waiting 2 s`);
    });
  });
  await t.step("nothing scheduled for 1 s", async () => {
    await withLoop(() => new BaseEventLoop(), async (loop) => {
      const timer = setTimeout(() => loop.callSoonThreadsafe(() => loop.stop()), 1000);
      const before = cpuSeconds();
      await loop.runForever();
      const used = cpuSeconds() - before;
      clearTimeout(timer);
      assert.ok(used < 0.3, `used ${used.toFixed(3)} s of CPU while idle for 1 s`);
    });
  });
});

Deno.test("BaseEventLoop leaves no host timer behind after stopping", async () => {
  // The ops sanitizer fails this test if a host timer or immediate is left.
  const loop = new BaseEventLoop();
  try {
    loop.callLater(0.002, () => loop.stop());
    loop.callLater(3600, () => {});
    await loop.runForever();
    loop.callSoon(() => loop.stop());
    await loop.runForever();
  } finally {
    loop.close();
  }
  await hostTick();
});

Deno.test("BaseEventLoop refuses an infinite clockResolution", () => {
  // Every timer would be "due within the resolution" and fire at once.
  for (const clockResolution of [Infinity, -Infinity]) {
    assert.throws(() => new BaseEventLoop({ clockResolution }), {
      name: "RangeError",
      message: /^options\.clockResolution must /,
    });
  }
});

Deno.test("A broken default exception handler is logged once, not called again", async () => {
  class BrokenDefault extends BaseEventLoop {
    calls = 0;
    override defaultExceptionHandler(): void {
      this.calls++;
      throw new Error("handler broke");
    }
  }
  const loop = new BrokenDefault();
  try {
    const { calls } = await captureConsole("error", () => {
      loop.callExceptionHandler({ message: "original", exception: new Error("boom") });
    });
    assert.equal(loop.calls, 1);
    assert.equal(calls.length, 1);
    assert.match(calls[0], /^Exception in default exception handler .*handler broke/s);
  } finally {
    loop.close();
  }
});

Deno.test("A broken custom exception handler goes to the default handler, then the log", async () => {
  const loop = new BaseEventLoop();
  try {
    loop.setExceptionHandler(() => {
      throw new Error("custom broke");
    });
    const seen: ExceptionContext[] = [];
    loop.defaultExceptionHandler = (ctx) => {
      seen.push(ctx);
      throw new Error("default broke too");
    };
    const { calls } = await captureConsole("error", () => {
      loop.callExceptionHandler({ message: "original" });
    });
    assert.equal(seen.length, 1);
    assert.equal(seen[0].message, "Unhandled error in exception handler");
    assert.equal((seen[0].exception as Error).message, "custom broke");
    assert.equal((seen[0].context as ExceptionContext).message, "original");
    assert.equal(calls.length, 1);
    assert.match(
      calls[0],
      /^Exception in default exception handler while handling an unexpected error in custom exception handler .*default broke too/s,
    );
  } finally {
    loop.close();
  }
});

Deno.test("callSoon() and callSoonThreadsafe() pass exactly the arguments given", async () => {
  await withLoop(() => new BaseEventLoop(), async (loop) => {
    const calls: unknown[][] = [];
    const record = (...a: unknown[]) => calls.push(a);
    const list = [1, 2];
    loop.callSoon(record);
    loop.callSoon(record, undefined);
    loop.callSoon(record, list);
    loop.callSoon(record, "a", null, 3);
    loop.callSoonThreadsafe(record, "t", 1);
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    assert.deepEqual(calls, [[], [undefined], [[1, 2]], ["a", null, 3], ["t", 1]]);
    assert.equal(calls[2][0], list, "an array argument is passed as it is");
  });
});
