// Unit tests of gather.

import assert from "node:assert/strict";
import {
  CancelledError,
  type Coroutine,
  createTask,
  Future,
  gather,
  GatheringFuture,
  setEventLoop,
  setEventLoopPolicy,
  sleep,
} from "../../../mod.ts";
import { TestLoop } from "../../../loops/testing/mod.ts";
import { withLoop } from "../../_helpers.ts";

const newLoop = () => new TestLoop();

function* failAfter(delay: number, message: string): Coroutine<never> {
  yield* sleep(delay);
  throw new Error(message);
}

Deno.test("gather() returns the results in argument order, typed", async () => {
  await withLoop(newLoop, async (loop) => {
    const results = await loop.runUntilComplete(function* () {
      const fut = loop.createFuture<boolean>();
      loop.callLater(2, () => fut.setResult(true));
      const r = yield* gather(sleep(3, "slowest"), sleep(1, 2), Promise.resolve(3n), fut);
      const typed: [string, number, bigint, boolean] = r;
      // @ts-expect-error: the first result is a string
      const wrong: [number, number, bigint, boolean] = r;
      return [typed, wrong][0];
    }());
    assert.deepEqual(results, ["slowest", 2, 3n, true]);
    assert.equal(loop.time(), 3);
  });
});

Deno.test("gather() with no awaitables is done at once with []", async () => {
  await withLoop(newLoop, async (loop) => {
    // Outside a running loop gather() takes the current loop (asyncio 3.12
    // would make one; here, as in 3.14, there must be one: differences.md).
    setEventLoop(loop);
    let outer;
    try {
      outer = gather();
    } finally {
      setEventLoopPolicy(null);
    }
    assert.ok(outer instanceof GatheringFuture);
    assert.equal(outer.getLoop(), loop);
    assert.equal(outer.done(), true);
    assert.deepEqual(outer.result(), []);
    assert.deepEqual(
      await loop.runUntilComplete(function* () {
        return yield* gather({ returnExceptions: true });
      }()),
      [],
    );
  });
});

Deno.test("gather() awaits a repeated awaitable once", async () => {
  await withLoop(newLoop, async (loop) => {
    let runs = 0;
    const coro = function* () {
      runs++;
      yield* sleep(1);
      return "shared";
    }();
    const fut = loop.createFuture<number>();
    loop.callSoon(() => fut.setResult(1));
    const outer = gather(coro, coro, fut, fut);
    assert.equal(outer._children[0], outer._children[1]);
    assert.deepEqual(await loop.runUntilComplete(outer), ["shared", "shared", 1, 1]);
    assert.equal(runs, 1);
  });
});

Deno.test("gather() takes its loop from its future arguments", async () => {
  await withLoop(newLoop, async (loop) => {
    const fut = loop.createFuture<string>();
    // Not running, and the promise alone would need a default loop.
    const outer = gather(Promise.resolve(1), fut);
    assert.equal(outer.getLoop(), loop);
    loop.callSoon(() => fut.setResult("x"));
    assert.deepEqual(await loop.runUntilComplete(outer), [1, "x"]);
  });
});

Deno.test("gather() retrieves the exceptions it does not propagate", async () => {
  await withLoop(newLoop, async (loop) => {
    const first = loop.createTask(failAfter(1, "first"));
    const second = loop.createTask(failAfter(2, "second"));
    await assert.rejects(loop.runUntilComplete(gather(first, second)), { message: "first" });
    await loop.runUntilComplete(sleep(5));
    assert.equal(second.done(), true);
    // Marked retrieved by gather: no "exception was never retrieved" later.
    assert.equal(second._logTraceback, false);
  });
});

Deno.test("gather() with returnExceptions reports a child's cancellation as a result", async () => {
  await withLoop(newLoop, async (loop) => {
    const child = loop.createTask(sleep(10));
    const other = loop.createTask(sleep(2, "other"));
    loop.callLater(1, () => child.cancel("child only"));
    const results = await loop.runUntilComplete(gather(child, other, { returnExceptions: true }));
    assert.ok(results[0] instanceof CancelledError);
    assert.equal((results[0] as CancelledError).message, "child only");
    assert.equal(results[1], "other");
  });
});

Deno.test("gather() fails with CancelledError when a child is cancelled", async () => {
  await withLoop(newLoop, async (loop) => {
    const child = loop.createTask(sleep(10));
    const other = loop.createTask(sleep(2));
    const outer = gather(child, other);
    loop.callLater(1, () => child.cancel("child"));
    await assert.rejects(
      loop.runUntilComplete(outer),
      (e) => e instanceof CancelledError && e.message === "child",
    );
    // Like asyncio: finished with the CancelledError, not cancelled itself.
    assert.equal(outer.cancelled(), false);
    assert.equal(other.cancelled(), false);
    await loop.runUntilComplete(other);
  });
});

Deno.test("GatheringFuture.cancel()", async (t) => {
  await t.step("propagates cancellation even with returnExceptions", async () => {
    await withLoop(newLoop, async (loop) => {
      const stubborn = loop.createTask(function* () {
        try {
          yield* sleep(10);
        } catch {
          // refuses the cancellation
        }
        return "refused";
      }());
      const plain = loop.createTask(sleep(10));
      const outer = gather(stubborn, plain, { returnExceptions: true });
      loop.callLater(1, () => assert.equal(outer.cancel("all"), true));
      await assert.rejects(
        loop.runUntilComplete(outer),
        (e) => e instanceof CancelledError && e.message === "all",
      );
      // asyncio 3.12: the gather ends with CancelledError as its exception,
      // not cancelled (a child refused).
      assert.equal(outer.cancelled(), false);
      assert.ok(outer.exception() instanceof CancelledError);
      assert.equal(stubborn.result(), "refused");
      assert.equal(plain.cancelled(), true);
    });
  });
  await t.step("returns false when every child is already done", async () => {
    await withLoop(newLoop, async (loop) => {
      const a = loop.createFuture<number>();
      const outer = gather(a);
      a.setResult(1);
      assert.equal(outer.cancel(), false, "the child could not be cancelled");
      assert.deepEqual(await loop.runUntilComplete(outer), [1]);
    });
  });
  await t.step("cancelling the task awaiting gather() in a loop of gathers", async () => {
    // asyncio's test_cancel_gather_2: the task's cancel message comes out.
    await withLoop(newLoop, async (loop) => {
      const task = loop.createTask(function* () {
        for (;;) yield* gather(sleep(0.05), { returnExceptions: true });
      }());
      loop.callLater(0.2, () => task.cancel("my message"));
      await assert.rejects(
        loop.runUntilComplete(task),
        (e) => e instanceof CancelledError && e.message === "my message",
      );
    });
  });
});

Deno.test("gather() children keep running after the first failure", async () => {
  await withLoop(newLoop, async (loop) => {
    const log: string[] = [];
    const result = await loop.runUntilComplete(function* () {
      const slow = createTask(function* () {
        yield* sleep(5);
        log.push("slow finished");
      }());
      try {
        yield* gather(failAfter(1, "fast failure"), slow);
      } catch (e) {
        log.push((e as Error).message);
      }
      yield* slow;
      return log;
    }());
    assert.deepEqual(result, ["fast failure", "slow finished"]);
  });
});

Deno.test("gather() completes where asyncio's done callback of its last child runs", async (t) => {
  // asyncio queues gather's done callback when each child completes; the
  // gather completes in that callback for the last child. A callback queued
  // just before the last child completes runs before it, one queued just
  // after runs after it.
  for (const returnExceptions of [false, true]) {
    await t.step(`returnExceptions: ${returnExceptions}`, async () => {
      await withLoop(newLoop, async (loop) => {
        const seen = await loop.runUntilComplete(function* () {
          const [a, b, c] = [loop.createFuture(), loop.createFuture(), loop.createFuture()];
          const g = gather(a, b, c, b, { returnExceptions });
          const seen: string[] = [];
          const probe = (name: string) => () => seen.push(`${name}:${g.done()}`);
          loop.callSoon(() => {
            a.setResult(1);
            loop.callSoon(probe("after a"));
            b.setResult(2); // given twice: two callbacks, as asyncio
            loop.callSoon(probe("before c"));
            c.setResult(3); // the last to complete
            loop.callSoon(probe("after c"));
          });
          const r = yield* g;
          seen.push(`result:${r.join()}`);
          return seen;
        }());
        assert.deepEqual(seen, [
          "after a:false",
          "before c:false",
          "after c:true",
          "result:1,2,3,2",
        ]);
      });
    });
  }
  await t.step("a failure first, then the rest", async () => {
    await withLoop(newLoop, async (loop) => {
      const seen = await loop.runUntilComplete(function* () {
        const [a, b] = [loop.createFuture(), loop.createFuture()];
        const g = gather(a, b, { returnExceptions: true });
        const seen: string[] = [];
        const probe = (name: string) => () => seen.push(`${name}:${g.done()}`);
        loop.callSoon(() => {
          loop.callSoon(probe("first"));
          a.setException(new RangeError("x"));
          loop.callSoon(probe("between"));
          b.setResult(2);
          loop.callSoon(probe("after"));
        });
        const r = yield* g;
        seen.push(`result:${r.map((v) => v instanceof RangeError ? "RangeError" : v).join()}`);
        return seen;
      }());
      assert.deepEqual(seen, ["first:false", "between:false", "after:true", "result:RangeError,2"]);
    });
  });
});

Deno.test("gather() with a future class that overrides addDoneCallback", async () => {
  const added: string[] = [];
  class Watched<T> extends Future<T> {
    override addDoneCallback(fn: (fut: Future<T>) => unknown): void {
      added.push("cb");
      super.addDoneCallback(fn);
    }
  }
  await withLoop(newLoop, async (loop) => {
    const results = await loop.runUntilComplete(function* () {
      const futs = [new Watched<number>({ loop }), new Watched<number>({ loop })];
      loop.callSoon(() => futs.forEach((f, i) => f.setResult(i)));
      return yield* gather(futs[0], sleep(1, "s"), futs[1], futs[0]);
    }());
    assert.deepEqual(results, [0, "s", 1, 0]);
    assert.equal(added.length, 3);
  });
});
