// Unit tests of wait and waitFor.

import assert from "node:assert/strict";
import {
  CancelledError,
  type Coroutine,
  createTask,
  FIRST_COMPLETED,
  type Future,
  sleep,
  TimeoutError,
  wait,
  waitFor,
} from "../../../mod.ts";
import { TestLoop } from "../../../loops/testing/mod.ts";
import { bad, withLoop } from "../../_helpers.ts";

const newLoop = () => new TestLoop();

Deno.test("wait() refuses bad arguments", async (t) => {
  const cases: [string, () => Coroutine<unknown>, string, RegExp][] = [
    ["coroutines", () => wait([bad<Future<void>>(sleep(1))]), "TypeError", /Passing coroutines/],
    ["an empty set", () => wait([]), "RangeError", /^fs must not be empty/],
    [
      "a bad returnWhen",
      () => wait([Promise.resolve()], { returnWhen: bad("SOMETIMES") }),
      "RangeError",
      /^options\.returnWhen must be .*: got "SOMETIMES"/,
    ],
    [
      "a NaN timeout",
      () => wait([Promise.resolve()], { timeout: NaN }),
      "RangeError",
      /^options\.timeout must not be NaN/,
    ],
    [
      "a string timeout",
      () => wait([Promise.resolve()], { timeout: bad("1") }),
      "TypeError",
      /^options\.timeout must be a number/,
    ],
  ];
  for (const [label, make, name, message] of cases) {
    await t.step(label, async () => {
      await withLoop(newLoop, async (loop) => {
        await assert.rejects(loop.runUntilComplete(make()), { name, message });
      });
    });
  }
});

Deno.test("wait() with a negative timeout returns at once", async () => {
  await withLoop(newLoop, async (loop) => {
    const [done, pending] = await loop.runUntilComplete(function* () {
      const t = createTask(sleep(10));
      const r = yield* wait([t], { timeout: -5 });
      t.cancel();
      return r;
    }());
    assert.equal(done.size, 0);
    assert.equal(pending.size, 1);
    assert.equal(loop.time(), 0);
  });
});

Deno.test("wait() wraps promises and accepts futures that are already done", async () => {
  await withLoop(newLoop, async (loop) => {
    const fut = loop.createFuture<number>();
    fut.setResult(1);
    const [done, pending] = await loop.runUntilComplete(function* () {
      return yield* wait<number>([fut, Promise.resolve(2)], { returnWhen: FIRST_COMPLETED });
    }());
    assert.ok(done.has(fut));
    assert.equal(done.size + pending.size, 2);
    for (const f of [...done, ...pending]) assert.equal(f.getLoop(), loop);
  });
});

Deno.test("wait() leaves no callbacks on the futures once it returns", async () => {
  await withLoop(newLoop, async (loop) => {
    const slow = loop.createTask(sleep(100));
    await loop.runUntilComplete(wait([slow], { timeout: 1 }));
    assert.equal(slow._callbacks, null);
    assert.equal(loop.time(), 1);
    slow.cancel();
    await assert.rejects(loop.runUntilComplete(slow), CancelledError);
  });
});

Deno.test("waitFor() refuses a bad timeout", async () => {
  await withLoop(newLoop, async (loop) => {
    await assert.rejects(loop.runUntilComplete(waitFor(sleep(1), NaN)), {
      name: "RangeError",
      message: /^timeout must not be NaN/,
    });
    await assert.rejects(loop.runUntilComplete(waitFor(sleep(1), bad("1"))), {
      name: "TypeError",
      message: /^timeout must be a number/,
    });
  });
});

Deno.test("waitFor() in virtual time: exact deadlines", async () => {
  await withLoop(newLoop, async (loop) => {
    assert.equal(await loop.runUntilComplete(waitFor(sleep(9.5, "in time"), 10)), "in time");
    assert.equal(loop.time(), 9.5);
    await assert.rejects(loop.runUntilComplete(waitFor(sleep(10.5), 10)), TimeoutError);
    assert.equal(loop.time(), 19.5);
  });
});

Deno.test("waitFor() returns the result when the inner task refuses the cancellation", async () => {
  await withLoop(newLoop, async (loop) => {
    const result = await loop.runUntilComplete(waitFor(
      function* () {
        try {
          yield* sleep(10);
        } catch {
          // refuses
        }
        return "refused";
      }(),
      1,
    ));
    assert.equal(result, "refused");
  });
});

Deno.test("waitFor() propagates the inner exception", async () => {
  await withLoop(newLoop, async (loop) => {
    const failing = function* () {
      yield* sleep(1);
      throw new SyntaxError("inner");
    };
    await assert.rejects(loop.runUntilComplete(waitFor(failing(), 10)), SyntaxError);
    await assert.rejects(loop.runUntilComplete(waitFor(failing(), null)), SyntaxError);
  });
});

Deno.test("waitFor() accepts a promise", async () => {
  await withLoop(newLoop, async (loop) => {
    const v = await loop.runUntilComplete(waitFor(Promise.resolve("promised"), 5));
    assert.equal(v, "promised");
  });
});
