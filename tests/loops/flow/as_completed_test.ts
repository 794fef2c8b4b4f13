// Unit tests of asCompleted beyond the CPython port: argument checks,
// failures and cancellations of what is awaited, promises as input, a waiter
// cancelled while it waits, and the two iterations sharing one count.

import assert from "node:assert/strict";
import {
  asCompleted,
  CancelledError,
  type Coroutine,
  createTask,
  type Future,
  run,
  setEventLoop,
  setEventLoopPolicy,
  sleep,
  TimeoutError,
} from "../../../mod.ts";
import { TestLoop } from "../../../loops/testing/mod.ts";
import { bad, withLoop } from "../../_helpers.ts";

const newLoop = () => new TestLoop({ ioJumpAfter: 0.001 });

function* failAfter(delay: number, error: unknown): Coroutine<never> {
  yield* sleep(delay);
  throw error;
}

Deno.test("asCompleted() refuses what is not an iterable of awaitables", async (t) => {
  await withLoop(newLoop, async (loop) => {
    const fut = loop.createFuture();
    const coro = sleep(1);
    const cases: [string, unknown, RegExp][] = [
      ["a future", fut, /^aws must be an iterable of awaitables: got Future object$/],
      ["a coroutine", coro, /^aws must be an iterable of awaitables: got /],
      [
        "a promise",
        Promise.resolve(),
        /^aws must be an iterable of awaitables: got Promise object$/,
      ],
      ["a number", 3, /^aws must be an iterable of awaitables: got number 3$/],
      ["a string", "ab", /^aws must be an iterable of awaitables: got "ab"$/],
      ["null", null, /^aws must be an iterable of awaitables: got null$/],
      [
        "a member that is not awaitable",
        [5],
        /^An asyncio Future, a coroutine or a promise is required: got number 5$/,
      ],
    ];
    // asCompleted() takes the current loop before it looks at the members,
    // as asyncio's does: outside a running loop there must be one.
    setEventLoop(loop);
    try {
      for (const [label, aws, message] of cases) {
        await t.step(label, () => {
          assert.throws(() => asCompleted(bad<never>(aws)), { name: "TypeError", message });
        });
      }
    } finally {
      setEventLoopPolicy(null);
    }
    await t.step("a timeout that is not a number", () => {
      assert.throws(() => asCompleted([fut], { timeout: bad("1") }), {
        name: "TypeError",
        message: /^options\.timeout must be a number of seconds/,
      });
      assert.throws(() => asCompleted([fut], { timeout: NaN }), {
        name: "RangeError",
        message: "options.timeout must not be NaN",
      });
    });
    fut.cancel();
    coro.return(undefined);
  });
});

Deno.test("asCompleted([]) ends both iterations at once", async () => {
  await run(async () => {
    const it = asCompleted([], { timeout: 1 });
    assert.deepEqual(Array.from(it), []);
    for await (const _ of it) assert.fail("nothing to hand out");
  });
});

Deno.test("plain iteration: a failure is thrown by its coroutine, in completion order", async () => {
  await withLoop(newLoop, async (loop) => {
    const boom = new RangeError("boom");
    const out = await loop.runUntilComplete(function* () {
      const results: unknown[] = [];
      for (const next of asCompleted([sleep(3, "slow"), failAfter(1, boom), sleep(2, "mid")])) {
        try {
          results.push(yield* next);
        } catch (e) {
          results.push(e);
        }
      }
      return results;
    }());
    assert.deepEqual(out, [boom, "mid", "slow"]);
  });
});

Deno.test("plain iteration: a cancelled task gives CancelledError", async () => {
  await withLoop(newLoop, async (loop) => {
    const out = await loop.runUntilComplete(function* () {
      const t = createTask(sleep(10));
      loop.callLater(1, () => t.cancel("enough"));
      const [next] = asCompleted([t]);
      try {
        yield* next;
        return null;
      } catch (e) {
        return e;
      }
    }());
    assert.ok(out instanceof CancelledError);
    assert.equal(out.message, "enough");
  });
});

Deno.test("async iteration hands out the futures, failed or cancelled as they are", async () => {
  await withLoop(newLoop, async (loop) => {
    const boom = new Error("boom");
    // deno-lint-ignore require-yield
    const result = await loop.runUntilComplete(function* () {
      const ok = createTask(sleep(2, "ok"));
      const bad_ = createTask(failAfter(1, boom));
      const gone = createTask(sleep(10));
      loop.callLater(3, () => gone.cancel());
      const p = (async () => {
        const seen: unknown[] = [];
        for await (const f of asCompleted([ok, bad_, gone])) {
          if (f.cancelled()) seen.push("cancelled");
          else if (f.exception() !== null) seen.push(f.exception());
          else seen.push(f.result());
        }
        return seen;
      })();
      return [p];
    }());
    assert.deepEqual(await loop.runUntilComplete(result[0]), [boom, "ok", "cancelled"]);
  });
});

Deno.test("a promise is awaited through a future, which async iteration hands out", async () => {
  const out = await run(async () => {
    const p = Promise.resolve("resolved");
    const seen: unknown[] = [];
    for await (const f of asCompleted([p])) {
      seen.push(f !== (p as unknown), f.result());
    }
    for (const next of asCompleted([Promise.resolve(7)])) seen.push(await next);
    return seen;
  });
  assert.deepEqual(out, [true, "resolved", 7]);
});

Deno.test("a waiter cancelled while it waits passes its completion on", async (t) => {
  await t.step("cancelled before anything finished", async () => {
    await withLoop(newLoop, async (loop) => {
      const out = await loop.runUntilComplete(function* () {
        const [first, second] = asCompleted([sleep(1, "a"), sleep(2, "b")]);
        const w1 = createTask(first as Coroutine<string>);
        const w2 = createTask(second as Coroutine<string>);
        yield* sleep(0.5);
        w1.cancel(); // never gets a completion
        const v = yield* w2;
        return [v, w1.cancelled(), loop.time()];
      }());
      // w2 got the first completion, not the one w1 would have had after it.
      assert.deepEqual(out, ["a", true, 1]);
    });
  });
  await t.step("cancelled once woken, before it took the completion", async () => {
    await withLoop(newLoop, async (loop) => {
      const out = await loop.runUntilComplete(function* () {
        const a = createTask(sleep(1, "a"));
        const [first, second] = asCompleted([a, sleep(2, "b")]);
        const w1 = createTask(first as Coroutine<string>);
        const w2 = createTask(second as Coroutine<string>);
        // Runs right after asCompleted's own callback woke w1.
        a.addDoneCallback(() => w1.cancel());
        const v = yield* w2;
        return [v, w1.cancelled(), loop.time()];
      }());
      assert.deepEqual(out, ["a", true, 1]);
    });
  });
});

Deno.test("a timeout cancels nothing; later completions are dropped", async () => {
  await withLoop(newLoop, async (loop) => {
    const [outcomes, slow] = await loop.runUntilComplete(function* () {
      const slow = createTask(sleep(5, "slow"));
      const outcomes: unknown[] = [];
      for (const next of asCompleted([slow, sleep(1, "fast")], { timeout: 2 })) {
        try {
          outcomes.push(yield* next);
        } catch (e) {
          outcomes.push(e instanceof TimeoutError ? `timeout at ${loop.time()}` : e);
        }
      }
      return [outcomes, slow] as const;
    }());
    assert.deepEqual(outcomes, ["fast", "timeout at 2"]);
    assert.ok(!slow.done());
    assert.equal(await loop.runUntilComplete(slow), "slow");
  });
});

Deno.test("a negative timeout times out at the next iteration", async () => {
  await withLoop(newLoop, async (loop) => {
    const out = await loop.runUntilComplete(function* () {
      const t = createTask(sleep(1));
      const [next] = asCompleted([t], { timeout: -1 });
      try {
        yield* next;
        return "not timed out";
      } catch (e) {
        t.cancel();
        return e instanceof TimeoutError ? loop.time() : e;
      }
    }());
    assert.equal(out, 0);
  });
});

Deno.test("async iteration raises TimeoutError and can go on raising it", async () => {
  await withLoop(newLoop, async (loop) => {
    // deno-lint-ignore require-yield
    const out = await loop.runUntilComplete(function* () {
      const slow = createTask(sleep(5));
      const p = (async () => {
        const it = asCompleted([slow, createTask(sleep(10))], { timeout: 1 });
        const errors: unknown[] = [];
        for (let i = 0; i < 3; i++) {
          try {
            for await (const _ of it) assert.fail("nothing finishes in time");
          } catch (e) {
            errors.push(e instanceof TimeoutError ? "timeout" : e);
          }
        }
        return errors;
      })();
      return [p, slow];
    }());
    // Two futures, two TimeoutErrors; then the iteration is over.
    assert.deepEqual(await loop.runUntilComplete(out[0]), ["timeout", "timeout"]);
    (out[1] as Future<unknown>).cancel();
  });
});

Deno.test("plain and async iteration share the count; duplicates count once", async () => {
  await withLoop(newLoop, async (loop) => {
    const t = await loop.runUntilComplete(function* () {
      const a = createTask(sleep(1, "a"));
      const it = asCompleted([a, a, sleep(2, "b")]);
      const plain = it[Symbol.iterator]();
      const first = plain.next();
      assert.equal(first.done, false);
      const value = yield* first.value!;
      const p = (async () => {
        const rest: unknown[] = [];
        for await (const f of it) rest.push(f.result());
        return rest;
      })();
      return [value, p, plain] as const;
    }());
    assert.equal(t[0], "a");
    assert.deepEqual(await loop.runUntilComplete(t[1]), ["b"]);
    assert.equal(t[2].next().done, true);
  });
});

Deno.test("a plain coroutine can be awaited from an async function", async () => {
  const out = await run(async () => {
    const results: string[] = [];
    for (const next of asCompleted([sleep(0.02, "x"), sleep(0.01, "y")])) {
      results.push(await next);
    }
    return results;
  });
  assert.deepEqual(out, ["y", "x"]);
});
