// Unit tests of shield.

import assert from "node:assert/strict";
import { CancelledError, type Coroutine, shield, sleep } from "../../../mod.ts";
import { TestLoop } from "../../../loops/testing/mod.ts";
import { collectGarbageUntil, withLoop } from "../../_helpers.ts";

const newLoop = () => new TestLoop();

Deno.test("shield() of a done future returns that future", async () => {
  await withLoop(newLoop, (loop) => {
    const fut = loop.createFuture<number>();
    fut.setResult(1);
    assert.equal(shield(fut), fut);
  });
});

Deno.test("shield(): cancelling the outer future leaves the inner one running", async () => {
  await withLoop(newLoop, async (loop) => {
    const inner = loop.createTask(sleep(5, "inner result"));
    const outer = shield(inner);
    assert.notEqual(outer, inner);
    assert.equal(outer.cancel(), true);
    assert.equal(outer.cancelled(), true);
    assert.equal(await loop.runUntilComplete(inner), "inner result");
    assert.equal(inner.cancelled(), false);
  });
});

Deno.test("shield() of a coroutine wraps it in a task of the running loop", async () => {
  await withLoop(newLoop, async (loop) => {
    const value = await loop.runUntilComplete(function* () {
      const outer = shield(sleep(1, "wrapped"));
      assert.equal(outer.getLoop(), loop);
      return yield* outer;
    }());
    assert.equal(value, "wrapped");
  });
});

function* failLater(): Coroutine<never> {
  yield* sleep(2);
  throw new Error("failed after the shield was cancelled");
}

// Leaves a failing task behind a cancelled shield, dropping every reference.
function shieldAndCancel(loop: TestLoop): void {
  const outer = shield(loop.createTask(failLater()));
  outer.cancel();
}

Deno.test("shield(): a failure after the outer future was cancelled is still reported", async () => {
  // asyncio drops its callback from the inner future once the outer one is
  // done, so the inner exception is not silently marked retrieved.
  await withLoop(newLoop, async (loop, exceptions) => {
    shieldAndCancel(loop);
    await loop.runUntilComplete(sleep(5));
    const seen = await collectGarbageUntil(() => exceptions.contexts.length > 0);
    assert.ok(seen, "the inner task's exception was swallowed");
    const [ctx] = exceptions.take();
    assert.equal(ctx.message, "Task exception was never retrieved");
    assert.match((ctx.exception as Error).message, /failed after the shield was cancelled/);
  });
});

Deno.test("shield(): once the outer future is done, the inner exception stays unretrieved", async () => {
  await withLoop(newLoop, async (loop) => {
    const inner = loop.createFuture<number>();
    const outer = shield(inner);
    outer.cancel();
    await loop.runUntilComplete(sleep(0));
    inner.setException(new Error("nobody looked"));
    await loop.runUntilComplete(sleep(0));
    assert.equal(outer.cancelled(), true);
    assert.equal(inner._logTraceback, true, "the shield marked it retrieved");
    assert.equal((inner.exception() as Error).message, "nobody looked");
  });
});

Deno.test("shield(): cancelling the inner work cancels the outer future", async () => {
  await withLoop(newLoop, async (loop) => {
    const inner = loop.createTask(sleep(10));
    const outer = shield(inner);
    loop.callLater(1, () => inner.cancel());
    await assert.rejects(loop.runUntilComplete(outer), CancelledError);
    assert.equal(outer.cancelled(), true);
  });
});
