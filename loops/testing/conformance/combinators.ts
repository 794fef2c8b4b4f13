// Conformance: gather, waitFor, wait and shield on the loop under test.

import assert from "node:assert/strict";
import type { ConformanceTest } from "./_test.ts";
import {
  ALL_COMPLETED,
  type BaseEventLoop,
  CancelledError,
  createTask,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  type Future,
  gather,
  type ReturnWhen,
  shield,
  sleep,
  type Task,
  TimeoutError,
  wait,
  waitFor,
} from "./_deps.ts";
import { withLoop } from "./_support.ts";

function* failAfter(delay: number, message: string) {
  yield* sleep(delay);
  throw new Error(message);
}

function names(fs: Set<Future<unknown>>, all: Map<Future<unknown>, string>): string[] {
  return [...fs].map((f) => all.get(f)!).sort();
}

export function defineCombinatorCases(
  name: string,
  createLoop: () => BaseEventLoop,
  test: ConformanceTest,
): void {
  test(`${name}: gather propagates the first exception`, async () => {
    await withLoop(createLoop, async (loop) => {
      const results = await loop.runUntilComplete(function* () {
        const slow = createTask(sleep(0.004, "slow"));
        try {
          yield* gather(failAfter(0.001, "first"), failAfter(0.002, "second"), slow);
          return "no error";
        } catch (e) {
          // The other children keep running: gather does not cancel them.
          assert.equal(slow.cancelled(), false);
          return [(e as Error).message, yield* slow];
        }
      }());
      assert.deepEqual(results, ["first", "slow"]);
    });
  });

  test(`${name}: gather with returnExceptions collects results and errors`, async () => {
    await withLoop(createLoop, async (loop) => {
      const results = await loop.runUntilComplete(function* () {
        const doomed = createTask(sleep(3600));
        loop.callLater(0.001, () => doomed.cancel("dropped"));
        return yield* gather(
          sleep(0.002, "a"),
          failAfter(0.001, "bad"),
          doomed,
          Promise.resolve(3),
          { returnExceptions: true },
        );
      }());
      assert.equal(results[0], "a");
      assert.ok(results[1] instanceof Error && results[1].message === "bad");
      assert.ok(results[2] instanceof CancelledError);
      assert.equal((results[2] as CancelledError).message, "dropped");
      assert.equal(results[3], 3);
    });
  });

  test(`${name}: cancelling a gather cancels its children`, async (t) => {
    await t.step("cancel() on the gathering future", async () => {
      await withLoop(createLoop, async (loop) => {
        const a = loop.createTask(sleep(3600));
        const b = loop.createTask(sleep(3600));
        const outer = gather(a, b);
        loop.callLater(0.001, () => assert.equal(outer.cancel("stop all"), true));
        await assert.rejects(
          loop.runUntilComplete(outer),
          (e) => e instanceof CancelledError && e.message === "stop all",
        );
        assert.ok(a.cancelled() && b.cancelled());
        // As in asyncio, without returnExceptions the first cancelled child
        // ends the gather with its CancelledError as exception.
        assert.ok(outer.exception() instanceof CancelledError);
        assert.equal(outer.cancel(), false, "a done gather cannot be cancelled");
      });
    });
    await t.step("cancelling the task that awaits it", async () => {
      await withLoop(createLoop, async (loop) => {
        const children: Task<unknown>[] = [];
        const task = loop.createTask(function* () {
          children.push(createTask(sleep(3600)), createTask(sleep(3600)));
          yield* gather(...children);
        }());
        loop.callLater(0.001, () => task.cancel("parent"));
        await assert.rejects(
          loop.runUntilComplete(task),
          (e) => e instanceof CancelledError && e.message === "parent",
        );
        assert.equal(children.length, 2);
        assert.ok(children.every((c) => c.cancelled()));
      });
    });
  });

  test(`${name}: waitFor times out, cancels the inner task and raises TimeoutError`, async () => {
    await withLoop(createLoop, async (loop) => {
      const log: string[] = [];
      let inner: Task<void> | null = null;
      const outcome = await loop.runUntilComplete(function* () {
        inner = createTask(function* () {
          try {
            yield* sleep(3600);
          } finally {
            log.push("inner cleanup");
          }
        }());
        try {
          yield* waitFor(inner, 0.002);
          return "no timeout";
        } catch (e) {
          log.push("timeout seen");
          return e;
        }
      }());
      assert.ok(outcome instanceof TimeoutError, String(outcome));
      assert.ok(outcome.cause instanceof CancelledError);
      assert.equal(inner!.cancelled(), true);
      // The inner task finished its cleanup before waitFor raised.
      assert.deepEqual(log, ["inner cleanup", "timeout seen"]);
    });
  });

  test(`${name}: waitFor returns the result when in time`, async (t) => {
    await t.step("a coroutine", async () => {
      await withLoop(createLoop, async (loop) => {
        const v = await loop.runUntilComplete(waitFor(sleep(0.001, "fast"), 10));
        assert.equal(v, "fast");
      });
    });
    await t.step("timeout null waits without a limit", async () => {
      await withLoop(createLoop, async (loop) => {
        const v = await loop.runUntilComplete(waitFor(sleep(0.001, 9), null));
        assert.equal(v, 9);
      });
    });
    await t.step("timeout 0 with a done future returns its result", async () => {
      await withLoop(createLoop, async (loop) => {
        const fut = loop.createFuture<number>();
        fut.setResult(4);
        assert.equal(await loop.runUntilComplete(waitFor(fut, 0)), 4);
      });
    });
    await t.step("timeout 0 with a pending awaitable times out", async () => {
      await withLoop(createLoop, async (loop) => {
        await assert.rejects(loop.runUntilComplete(waitFor(sleep(1), 0)), TimeoutError);
      });
    });
  });

  test(`${name}: waitFor cancels the inner task when the outer one is cancelled`, async () => {
    await withLoop(createLoop, async (loop) => {
      const inner = loop.createTask(sleep(3600));
      const outer = loop.createTask(waitFor(inner, 3600));
      loop.callLater(0.001, () => outer.cancel("outer"));
      await assert.rejects(
        loop.runUntilComplete(outer),
        (e) => e instanceof CancelledError && e.message === "outer",
      );
      assert.equal(inner.cancelled(), true);
      assert.equal(outer.cancelled(), true);
    });
  });

  test(`${name}: wait() returns done and pending sets`, async (t) => {
    const run = (returnWhen: ReturnWhen, timeout: number | null = null) =>
      withLoop(createLoop, async (loop) => {
        const all = new Map<Future<unknown>, string>();
        const result = await loop.runUntilComplete(function* () {
          // Real-clock loops run this too: the gaps are wide enough that a
          // briefly stalled machine does not make two of them due together.
          const fast = createTask(sleep(0.005, "fast"));
          const failing = createTask(failAfter(0.03, "bad"));
          const slow = createTask(sleep(0.06, "slow"));
          all.set(fast, "fast").set(failing, "failing").set(slow, "slow");
          const [done, pending] = yield* wait<unknown>([fast, failing, slow], {
            returnWhen,
            timeout,
          });
          // wait() cancels nothing.
          const cancelled = [...pending].filter((f) => f.cancelled()).length;
          if (pending.size > 0) yield* wait([...pending]);
          failing.exception();
          return { done: names(done, all), pending: names(pending, all), cancelled };
        }());
        return result;
      });
    await t.step("FIRST_COMPLETED", async () => {
      const r = await run(FIRST_COMPLETED);
      assert.deepEqual(r, { done: ["fast"], pending: ["failing", "slow"], cancelled: 0 });
    });
    await t.step("FIRST_EXCEPTION", async () => {
      const r = await run(FIRST_EXCEPTION);
      assert.deepEqual(r, { done: ["failing", "fast"], pending: ["slow"], cancelled: 0 });
    });
    await t.step("ALL_COMPLETED", async () => {
      const r = await run(ALL_COMPLETED);
      assert.deepEqual(r, { done: ["failing", "fast", "slow"], pending: [], cancelled: 0 });
    });
    await t.step("timeout before anything finishes", async () => {
      const r = await run(ALL_COMPLETED, 0.001);
      assert.deepEqual(r.done, []);
      assert.equal(r.pending.length, 3);
    });
    await t.step("FIRST_EXCEPTION without exceptions waits for all", async () => {
      await withLoop(createLoop, async (loop) => {
        const [done, pending] = await loop.runUntilComplete(function* () {
          const a = createTask(sleep(0.001));
          const b = createTask(sleep(0.002));
          return yield* wait([a, b], { returnWhen: FIRST_EXCEPTION });
        }());
        assert.equal(done.size, 2);
        assert.equal(pending.size, 0);
      });
    });
  });

  test(`${name}: shield protects the inner work from cancellation`, async (t) => {
    await t.step("cancelling the awaiting task leaves the inner task running", async () => {
      await withLoop(createLoop, async (loop) => {
        const inner = loop.createTask(sleep(0.05, "kept"));
        const outer = loop.createTask(function* () {
          return yield* shield(inner);
        }());
        loop.callLater(0.001, () => outer.cancel());
        await assert.rejects(loop.runUntilComplete(outer), CancelledError);
        assert.equal(inner.done(), false);
        assert.equal(await loop.runUntilComplete(inner), "kept");
      });
    });
    await t.step("the shield mirrors the inner result and exception", async () => {
      await withLoop(createLoop, async (loop) => {
        const ok = loop.createTask(sleep(0.001, 5));
        assert.equal(await loop.runUntilComplete(shield(ok)), 5);
        const failing = loop.createTask(failAfter(0.001, "inner"));
        await assert.rejects(loop.runUntilComplete(shield(failing)), { message: "inner" });
        const inside = await loop.runUntilComplete(function* () {
          return yield* shield(sleep(0.001, "coroutine"));
        }());
        assert.equal(inside, "coroutine");
      });
    });
    await t.step("cancelling the inner work cancels the shield", async () => {
      await withLoop(createLoop, async (loop) => {
        const inner = loop.createTask(sleep(3600));
        const outer = shield(inner);
        loop.callLater(0.001, () => inner.cancel());
        await assert.rejects(loop.runUntilComplete(outer), CancelledError);
        assert.equal(outer.cancelled(), true);
      });
    });
  });
}
