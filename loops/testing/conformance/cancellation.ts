// Conformance: task cancellation as asyncio defines it.

import assert from "node:assert/strict";
import type { ConformanceTest } from "./_test.ts";
import {
  type BaseEventLoop,
  CancelledError,
  type Coroutine,
  currentTask,
  sleep,
  type Task,
} from "./_deps.ts";
import { withLoop } from "./_support.ts";

function isCancelled(message: string) {
  return (e: unknown) => e instanceof CancelledError && e.message === message;
}

export function defineCancellationCases(
  name: string,
  createLoop: () => BaseEventLoop,
  test: ConformanceTest,
): void {
  test(`${name}: cancelling a task runs its finally block`, async (t) => {
    await t.step("plain cleanup", async () => {
      await withLoop(createLoop, async (loop) => {
        const log: string[] = [];
        const task = loop.createTask(function* () {
          try {
            log.push("start");
            yield* sleep(3600);
            log.push("not reached");
          } finally {
            log.push("finally");
          }
        }());
        loop.callLater(0.002, () => task.cancel());
        await assert.rejects(loop.runUntilComplete(task), CancelledError);
        assert.deepEqual(log, ["start", "finally"]);
        assert.equal(task.cancelled(), true);
        assert.equal(task.done(), true);
      });
    });
    await t.step("cleanup that awaits before finishing", async () => {
      await withLoop(createLoop, async (loop) => {
        const log: string[] = [];
        const task = loop.createTask(function* () {
          try {
            yield* sleep(3600);
          } finally {
            yield* sleep(0.001);
            log.push("async cleanup done");
          }
        }());
        loop.callLater(0.001, () => task.cancel());
        await assert.rejects(loop.runUntilComplete(task), CancelledError);
        assert.deepEqual(log, ["async cleanup done"]);
        assert.equal(task.cancelled(), true);
      });
    });
  });

  test(`${name}: cancelling a task awaiting a future cancels the future`, async () => {
    await withLoop(createLoop, async (loop) => {
      const fut = loop.createFuture<number>();
      let seen: unknown = null;
      const task = loop.createTask(function* () {
        try {
          return yield* fut;
        } catch (e) {
          seen = e;
          throw e;
        }
      }());
      loop.callSoon(() => {
        assert.equal(task.cancel("bye"), true);
        // The awaited future is cancelled at once, with the message.
        assert.equal(fut.cancelled(), true);
      });
      await assert.rejects(loop.runUntilComplete(task), isCancelled("bye"));
      assert.ok(seen instanceof CancelledError);
      assert.equal(seen.message, "bye");
      assert.equal(task.cancelled(), true);
      assert.throws(() => task.result(), isCancelled("bye"));
      assert.throws(() => fut.result(), isCancelled("bye"));
    });
  });

  test(`${name}: a coroutine may suppress cancellation`, async () => {
    await withLoop(createLoop, async (loop) => {
      const task = loop.createTask(function* () {
        try {
          yield* sleep(3600);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
        }
        yield* sleep(0.001);
        return "survived";
      }());
      loop.callLater(0.001, () => task.cancel());
      assert.equal(await loop.runUntilComplete(task), "survived");
      assert.equal(task.cancelled(), false);
      assert.equal(task.cancelling(), 1);
    });
  });

  test(`${name}: cancelling() counts requests and uncancel() withdraws them`, async (t) => {
    await t.step("counting", async () => {
      await withLoop(createLoop, async (loop) => {
        const task = loop.createTask(sleep(3600));
        assert.equal(task.cancelling(), 0);
        assert.equal(task.cancel(), true);
        assert.equal(task.cancel(), true);
        assert.equal(task.cancelling(), 2);
        assert.equal(task.uncancel(), 1);
        assert.equal(task.cancelling(), 1);
        await assert.rejects(loop.runUntilComplete(task), CancelledError);
        assert.equal(task.cancel(), false, "cancel() of a done task returns false");
        assert.equal(task.uncancel(), 0);
        assert.equal(task.uncancel(), 0, "never below zero");
      });
    });
    await t.step("withdrawing the only request before it is delivered", async () => {
      await withLoop(createLoop, async (loop) => {
        const task = loop.createTask(function* () {
          yield* sleep(0.001);
          return "ran normally";
        }());
        task.cancel();
        task.uncancel();
        assert.equal(await loop.runUntilComplete(task), "ran normally");
        assert.equal(task.cancelled(), false);
      });
    });
  });

  test(`${name}: a task cancelled before its first step never runs its body`, async () => {
    await withLoop(createLoop, async (loop) => {
      let started = false;
      const task = loop.createTask(function* () {
        started = true;
        yield* sleep(0);
      }());
      task.cancel("early");
      await assert.rejects(loop.runUntilComplete(task), isCancelled("early"));
      assert.equal(started, false);
    });
  });

  test(`${name}: a task cancelled while running sees it at its next suspension`, async (t) => {
    await t.step("at the next await", async () => {
      await withLoop(createLoop, async (loop) => {
        const log: string[] = [];
        const task = loop.createTask(function* () {
          currentTask()!.cancel("self");
          log.push("still running");
          try {
            yield* sleep(0.001);
          } catch (e) {
            log.push(`caught ${(e as Error).message}`);
            throw e;
          }
        }());
        await assert.rejects(loop.runUntilComplete(task), isCancelled("self"));
        assert.deepEqual(log, ["still running", "caught self"]);
      });
    });
    await t.step("returning right away still ends cancelled", async () => {
      await withLoop(createLoop, async (loop) => {
        // deno-lint-ignore require-yield
        const task = loop.createTask(function* (): Coroutine<string> {
          (currentTask() as Task<string>).cancel("now");
          return "ignored";
        }());
        await assert.rejects(loop.runUntilComplete(task), isCancelled("now"));
        assert.equal(task.cancelled(), true);
      });
    });
  });

  test(`${name}: cancelling a task awaiting another task cancels the inner one`, async () => {
    await withLoop(createLoop, async (loop) => {
      const inner = loop.createTask(sleep(3600));
      const outer = loop.createTask(function* () {
        return yield* inner;
      }());
      loop.callLater(0.001, () => outer.cancel("chain"));
      await assert.rejects(loop.runUntilComplete(outer), isCancelled("chain"));
      assert.equal(inner.cancelled(), true);
      assert.equal(outer.cancelled(), true);
    });
  });
}
