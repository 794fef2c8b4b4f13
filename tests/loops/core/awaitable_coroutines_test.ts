// sleep(), wait() and waitFor() are coroutines that async functions can
// await as well: `await sleep(1)` runs the coroutine as a task on the
// running loop, as `await ensureFuture(sleep(1))` does.

import assert from "node:assert/strict";
import {
  createTask,
  FIRST_COMPLETED,
  getRunningLoop,
  run,
  RuntimeError,
  sleep,
  TimeoutError,
  wait,
  waitFor,
  wrapFuture,
} from "../../../mod.ts";
import { TestLoop } from "../../../loops/testing/mod.ts";

Deno.test("await sleep() in an async function really sleeps and returns the result", async () => {
  const loop = new TestLoop();
  try {
    const measure = async () => {
      const t0 = getRunningLoop().time();
      const v = await sleep(30, "later");
      return [v, getRunningLoop().time() - t0] as const;
    };
    // The async function starts once the loop runs (inside the coroutine).
    const [v, elapsed] = await loop.runUntilComplete(function* () {
      return yield* wrapFuture(measure());
    }());
    assert.equal(v, "later");
    assert.equal(elapsed, 30);
  } finally {
    loop.close();
  }
});

Deno.test("await waitFor() and await wait() from an async function", async () => {
  await run(async () => {
    assert.equal(await waitFor(sleep(0.01, 5), 5), 5);
    await assert.rejects(async () => await waitFor(sleep(10), 0.02), TimeoutError);
    const fast = createTask(sleep(0.01, "a"));
    const slow = createTask(sleep(10, "b"));
    const [done, pending] = await wait([fast, slow], { returnWhen: FIRST_COMPLETED });
    assert.deepEqual([done.has(fast), pending.has(slow)], [true, true]);
    slow.cancel();
  });
});

Deno.test("yield* sleep() still works, and a bare yield of a coroutine is still refused", async () => {
  await run(function* () {
    assert.equal(yield* sleep(0.01, 1), 1);
    let error: unknown = null;
    try {
      yield sleep(0.01);
    } catch (e) {
      error = e;
    }
    assert(error instanceof RuntimeError && /use yield\* to await a coroutine/.test(error.message));
  }());
});

Deno.test("await sleep() with no running loop rejects with RuntimeError", async () => {
  await assert.rejects(async () => await sleep(0.01), RuntimeError);
});
