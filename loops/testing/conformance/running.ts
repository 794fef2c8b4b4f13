// Conformance: runForever, runUntilComplete, stop, close, the running-loop
// registry and reentrancy.

import assert from "node:assert/strict";
import type { ConformanceTest } from "./_test.ts";
import {
  allTasks,
  type BaseEventLoop,
  CancelledError,
  Future,
  getRunningLoop,
  RuntimeError,
  sleep,
} from "./_deps.ts";
import { withLoop } from "./_support.ts";

const CLOSED = { name: "RuntimeError", message: "Event loop is closed" };

export function defineRunningCases(
  name: string,
  createLoop: () => BaseEventLoop,
  test: ConformanceTest,
): void {
  test(`${name}: stop() lets the current batch finish`, async () => {
    await withLoop(createLoop, async (loop) => {
      const log: string[] = [];
      loop.callSoon(() => {
        log.push("stopper");
        loop.stop();
      });
      loop.callSoon(() => {
        log.push("same batch");
        loop.callSoon(() => log.push("next batch"));
      });
      await loop.runForever();
      assert.deepEqual(log, ["stopper", "same batch"]);
      assert.equal(loop.isRunning(), false);
      // The leftover callback runs on the next run.
      loop.callSoon(() => loop.stop());
      await loop.runForever();
      assert.deepEqual(log, ["stopper", "same batch", "next batch"]);
    });
  });

  test(`${name}: stop() before runForever() runs one iteration then returns`, async (t) => {
    await t.step("ready callbacks run, the ones they schedule do not", async () => {
      await withLoop(createLoop, async (loop) => {
        const log: string[] = [];
        loop.callSoon(() => {
          log.push("first");
          loop.callSoon(() => log.push("second"));
        });
        loop.stop();
        await loop.runForever();
        assert.deepEqual(log, ["first"]);
        loop.stop();
        await loop.runForever();
        assert.deepEqual(log, ["first", "second"]);
      });
    });
    await t.step("with nothing scheduled, returns at once", async () => {
      await withLoop(createLoop, async (loop) => {
        const far = loop.callLater(3600, () => {});
        loop.stop();
        await loop.runForever();
        assert.equal(loop.isRunning(), false);
        assert.ok(!far.cancelled());
        far.cancel();
      });
    });
    await t.step("the stop request is used up by that run", async () => {
      await withLoop(createLoop, async (loop) => {
        loop.stop();
        await loop.runForever();
        const log: number[] = [];
        loop.callSoon(() => {
          log.push(1);
          loop.callSoon(() => {
            log.push(2);
            loop.stop();
          });
        });
        await loop.runForever();
        assert.deepEqual(log, [1, 2]);
      });
    });
  });

  test(`${name}: isRunning() and getRunningLoop() reflect the run`, async () => {
    await withLoop(createLoop, async (loop) => {
      assert.equal(loop.isRunning(), false);
      assert.throws(() => getRunningLoop(), RuntimeError);
      let inside: unknown[] = [];
      loop.callSoon(() => {
        inside = [loop.isRunning(), getRunningLoop()];
        loop.stop();
      });
      await loop.runForever();
      assert.deepEqual(inside, [true, loop]);
      assert.equal(loop.isRunning(), false);
      assert.throws(() => getRunningLoop(), { name: "RuntimeError", message: /no running/ });
    });
  });

  test(`${name}: close() throws RuntimeError while running`, async () => {
    await withLoop(createLoop, async (loop) => {
      let error: unknown = null;
      loop.callSoon(() => {
        try {
          loop.close();
        } catch (e) {
          error = e;
        }
        loop.stop();
      });
      await loop.runForever();
      assert.ok(error instanceof RuntimeError, String(error));
      assert.match((error as Error).message, /running/);
      assert.equal(loop.isClosed(), false);
    });
  });

  test(`${name}: close() is idempotent and clears the queues`, () => {
    const loop = createLoop();
    const ran: string[] = [];
    loop.callSoon(() => ran.push("soon"));
    const timer = loop.callLater(0.001, () => ran.push("timer"));
    timer.cancel();
    loop.callLater(0.002, () => ran.push("timer 2"));
    assert.equal(loop.isClosed(), false);
    loop.close();
    assert.equal(loop.isClosed(), true);
    loop.close();
    assert.equal(loop.isClosed(), true);
    assert.equal(loop._ready.length, 0);
    assert.equal(loop._timers.size, 0);
    assert.equal(loop._timerCancelledCount, 0);
    assert.deepEqual(ran, []);
  });

  test(`${name}: scheduling on a closed loop throws RuntimeError`, async (t) => {
    const loop = createLoop();
    loop.close();
    const cases: [string, () => unknown][] = [
      ["callSoon", () => loop.callSoon(() => {})],
      ["callSoonThreadsafe", () => loop.callSoonThreadsafe(() => {})],
      ["callLater", () => loop.callLater(1, () => {})],
      ["callAt", () => loop.callAt(1, () => {})],
      ["createTask", () => loop.createTask(sleep(0))],
      ["runForever", () => loop.runForever()],
      ["runUntilComplete", () => loop.runUntilComplete(sleep(0))],
    ];
    for (const [method, call] of cases) {
      await t.step(method, () => {
        assert.throws(call, CLOSED);
      });
    }
    await t.step("createFuture is allowed, as in asyncio (only scheduling fails)", () => {
      const fut = loop.createFuture<number>();
      assert.equal(fut.getLoop(), loop);
      fut.addDoneCallback(() => {});
      assert.throws(() => fut.setResult(1), CLOSED);
    });
  });

  test(`${name}: running a loop while another runs in the realm throws RuntimeError`, async () => {
    const other = createLoop();
    try {
      await withLoop(createLoop, async (loop) => {
        const errors: unknown[] = [];
        loop.callSoon(() => {
          for (const call of [() => other.runForever(), () => other.runUntilComplete(sleep(0))]) {
            try {
              call();
            } catch (e) {
              errors.push(e);
            }
          }
          loop.stop();
        });
        await loop.runForever();
        assert.equal(errors.length, 2);
        for (const e of errors) {
          assert.ok(e instanceof RuntimeError, String(e));
          assert.match(e.message, /another loop is running/);
        }
        // The refused runUntilComplete must not have left a task behind.
        assert.equal(allTasks(other).size, 0);
        assert.equal(other._ready.length, 0);
      });
      // Once the first loop stopped, the other one may run.
      assert.equal(await other.runUntilComplete(Promise.resolve("ok")), "ok");
    } finally {
      other.close();
    }
  });

  test(`${name}: runForever/runUntilComplete while running throw synchronously`, async (t) => {
    await t.step("from a callback", async () => {
      await withLoop(createLoop, async (loop) => {
        const errors: unknown[] = [];
        const fut = loop.createFuture();
        loop.callSoon(() => {
          try {
            loop.runForever();
          } catch (e) {
            errors.push(e);
          }
          try {
            loop.runUntilComplete(fut);
          } catch (e) {
            errors.push(e);
          }
          loop.stop();
        });
        await loop.runForever();
        assert.equal(errors.length, 2);
        for (const e of errors) {
          assert.ok(e instanceof RuntimeError);
          assert.match(e.message, /already running/);
        }
        // The refused call did not register anything on the future.
        assert.equal(fut._callbacks, null);
      });
    });
    await t.step("from outside while the loop waits", async () => {
      await withLoop(createLoop, async (loop) => {
        // Nothing is scheduled: the loop waits on the host until woken.
        const timer = setTimeout(() => loop.callSoonThreadsafe(() => loop.stop()), 5);
        const running = loop.runForever();
        assert.equal(loop.isRunning(), true);
        assert.throws(() => loop.runForever(), {
          name: "RuntimeError",
          message: /already running/,
        });
        assert.throws(() => loop.runUntilComplete(sleep(0)), RuntimeError);
        await running;
        clearTimeout(timer);
        assert.equal(loop.isRunning(), false);
      });
    });
  });

  test(`${name}: runUntilComplete resolves with the result of its argument`, async (t) => {
    await t.step("a future completed by a timer", async () => {
      await withLoop(createLoop, async (loop) => {
        const fut = loop.createFuture<number>();
        loop.callLater(0.002, () => fut.setResult(42));
        assert.equal(await loop.runUntilComplete(fut), 42);
      });
    });
    await t.step("a future that is already done", async () => {
      await withLoop(createLoop, async (loop) => {
        const fut = new Future<string>({ loop });
        fut.setResult("done");
        assert.equal(await loop.runUntilComplete(fut), "done");
      });
    });
    await t.step("a coroutine (wrapped in a task)", async () => {
      await withLoop(createLoop, async (loop) => {
        const result = await loop.runUntilComplete(function* () {
          const a: number = yield* sleep(0.002, 20);
          return a + 1;
        }());
        assert.equal(result, 21);
      });
    });
    await t.step("a task", async () => {
      await withLoop(createLoop, async (loop) => {
        const task = loop.createTask(sleep(0.001, "task"));
        assert.equal(await loop.runUntilComplete(task), "task");
        assert.ok(task.done());
      });
    });
    await t.step("a promise", async () => {
      await withLoop(createLoop, async (loop) => {
        assert.equal(await loop.runUntilComplete(Promise.resolve("p")), "p");
        const later = new Promise<number>((r) => setTimeout(() => r(7), 2));
        assert.equal(await loop.runUntilComplete(later), 7);
      });
    });
    await t.step("an async function's promise", async () => {
      await withLoop(createLoop, async (loop) => {
        const fut = loop.createFuture<number>();
        loop.callLater(0.001, () => fut.setResult(1));
        const result = await loop.runUntilComplete((async () => (await fut) + 1)());
        assert.equal(result, 2);
      });
    });
    await t.step("an iterable awaitable (an object with [Symbol.iterator])", async () => {
      await withLoop(createLoop, async (loop) => {
        const operation = {
          *[Symbol.iterator]() {
            yield* sleep(0.001);
            return "op";
          },
        };
        assert.equal(await loop.runUntilComplete(operation), "op");
      });
    });
  });

  test(`${name}: runUntilComplete rejects with the exception of its argument`, async (t) => {
    await t.step("a failing coroutine", async () => {
      await withLoop(createLoop, async (loop) => {
        const boom = new Error("boom");
        await assert.rejects(
          loop.runUntilComplete(function* () {
            yield* sleep(0.001);
            throw boom;
          }()),
          (e) => e === boom,
        );
      });
    });
    await t.step("a cancelled future", async () => {
      await withLoop(createLoop, async (loop) => {
        const fut = loop.createFuture();
        loop.callSoon(() => fut.cancel("gone"));
        await assert.rejects(loop.runUntilComplete(fut), (e) => {
          return e instanceof CancelledError && e.message === "gone";
        });
      });
    });
    await t.step("a rejected promise", async () => {
      await withLoop(createLoop, async (loop) => {
        await assert.rejects(loop.runUntilComplete(Promise.reject(new Error("nope"))), {
          message: "nope",
        });
      });
    });
  });

  test(`${name}: runUntilComplete rejects with RuntimeError when the loop stops first`, async () => {
    await withLoop(createLoop, async (loop) => {
      const fut = loop.createFuture<string>();
      loop.callSoon(() => loop.stop());
      await assert.rejects(loop.runUntilComplete(fut), {
        name: "RuntimeError",
        message: /stopped before Future completed/,
      });
      assert.equal(fut.done(), false);
      assert.equal(loop.isRunning(), false);
      // The future is untouched and the loop is reusable.
      loop.callSoon(() => fut.setResult("later"));
      assert.equal(await loop.runUntilComplete(fut), "later");
    });
  });

  test(`${name}: runUntilComplete returns without waiting for other timers`, async () => {
    await withLoop(createLoop, async (loop) => {
      let fired = false;
      const far = loop.callLater(3600, () => fired = true);
      assert.equal(await loop.runUntilComplete(sleep(0.001, "quick")), "quick");
      assert.equal(fired, false);
      assert.ok(loop.time() < far.when());
    });
  });
}
