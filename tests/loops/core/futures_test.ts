// Unit tests of Future and wrapFuture.

import assert from "node:assert/strict";
import {
  CancelledError,
  type Coroutine,
  Future,
  InvalidStateError,
  wrapFuture,
} from "../../../mod.ts";
import { TestLoop } from "../../../loops/testing/mod.ts";
import { bad, collectGarbageUntil, withLoop } from "../../_helpers.ts";

const newLoop = () => new TestLoop();

Deno.test("Future starts pending", async () => {
  await withLoop(newLoop, (loop) => {
    const fut = new Future<number>({ loop });
    assert.equal(fut.getLoop(), loop);
    assert.equal(fut.done(), false);
    assert.equal(fut.cancelled(), false);
    assert.throws(() => fut.result(), { name: "InvalidStateError", message: /not ready/ });
    assert.throws(() => fut.exception(), InvalidStateError);
    assert.equal(String(fut), "<Future pending>");
  });
});

Deno.test("Future.setResult() finishes it with a result", async () => {
  await withLoop(newLoop, (loop) => {
    const fut = loop.createFuture<{ n: number }>();
    const value = { n: 1 };
    fut.setResult(value);
    assert.equal(fut.done(), true);
    assert.equal(fut.cancelled(), false);
    assert.equal(fut.result(), value);
    assert.equal(fut.exception(), null);
  });
});

Deno.test("Future.setException() finishes it with an exception", async (t) => {
  await t.step("result() throws it, exception() returns it", async () => {
    await withLoop(newLoop, (loop) => {
      const fut = loop.createFuture();
      const err = new TypeError("bad");
      fut.setException(err);
      assert.equal(fut.done(), true);
      assert.equal(fut.exception(), err);
      assert.throws(() => fut.result(), (e) => e === err);
    });
  });
  await t.step("any value but undefined is accepted", async () => {
    await withLoop(newLoop, (loop) => {
      const fut = loop.createFuture();
      assert.throws(() => fut.setException(undefined), {
        name: "TypeError",
        message: /exception must not be undefined/,
      });
      assert.equal(fut.done(), false);
      fut.setException("a string");
      assert.equal(fut.exception(), "a string");
    });
  });
});

Deno.test("Future refuses a second outcome with InvalidStateError", async (t) => {
  const cases: [string, (f: Future<number>) => void][] = [
    ["result", (f) => f.setResult(1)],
    ["exception", (f) => f.setException(new Error("x"))],
    ["cancel", (f) => f.cancel()],
  ];
  for (const [first, setFirst] of cases) {
    await t.step(`after ${first}`, async () => {
      await withLoop(newLoop, (loop) => {
        const fut = loop.createFuture<number>();
        setFirst(fut);
        const state = first === "cancel" ? "cancelled" : "finished";
        assert.throws(() => fut.setResult(2), {
          name: "InvalidStateError",
          message: new RegExp(`^${state}: <Future ${state}`),
        });
        assert.throws(() => fut.setException(new Error("late")), InvalidStateError);
        assert.equal(fut.cancel(), false);
        if (first === "exception") fut.exception();
      });
    });
  }
});

Deno.test("Future.cancel() carries its message in the CancelledError", async () => {
  await withLoop(newLoop, (loop) => {
    const fut = loop.createFuture();
    assert.equal(fut.cancel("reason"), true);
    assert.equal(fut.cancelled(), true);
    assert.equal(fut.done(), true);
    const isReason = (e: unknown) => e instanceof CancelledError && e.message === "reason";
    assert.throws(() => fut.result(), isReason);
    assert.throws(() => fut.exception(), isReason);
    const plain = loop.createFuture();
    plain.cancel();
    assert.throws(() => plain.result(), (e) => e instanceof CancelledError && e.message === "");
  });
});

Deno.test("Future done callbacks always go through callSoon", async (t) => {
  await t.step("setResult() schedules, never calls", async () => {
    await withLoop(newLoop, async (loop) => {
      const fut = loop.createFuture<number>();
      const seen: [string, Future<number>][] = [];
      fut.addDoneCallback((f) => seen.push(["a", f]));
      fut.addDoneCallback((f) => seen.push(["b", f]));
      fut.setResult(1);
      assert.deepEqual(seen, [], "not called synchronously");
      assert.equal(loop._ready.length, 2);
      loop.callSoon(() => loop.stop());
      await loop.runForever();
      assert.deepEqual(seen, [["a", fut], ["b", fut]]);
    });
  });
  await t.step("adding to a done future schedules too", async () => {
    await withLoop(newLoop, async (loop) => {
      const fut = loop.createFuture();
      fut.cancel();
      let called = 0;
      fut.addDoneCallback(() => called++);
      assert.equal(called, 0);
      assert.equal(loop._ready.length, 1);
      loop.callSoon(() => loop.stop());
      await loop.runForever();
      assert.equal(called, 1);
    });
  });
  await t.step("a failing callback goes to the exception handler", async () => {
    await withLoop(newLoop, async (loop, exceptions) => {
      const fut = loop.createFuture();
      let after = false;
      fut.addDoneCallback(() => {
        throw new Error("callback failed");
      });
      fut.addDoneCallback(() => after = true);
      fut.setResult(undefined);
      loop.callSoon(() => loop.stop());
      await loop.runForever();
      const [ctx] = exceptions.take();
      assert.equal((ctx.exception as Error).message, "callback failed");
      assert.ok(ctx.handle);
      assert.equal(after, true);
    });
  });
  await t.step("a non-function is refused", async () => {
    await withLoop(newLoop, (loop) => {
      assert.throws(() => loop.createFuture().addDoneCallback(bad(null)), {
        name: "TypeError",
        message: /^fn must be a function/,
      });
    });
  });
});

Deno.test("Future.removeDoneCallback() removes every registration and counts them", async () => {
  await withLoop(newLoop, async (loop) => {
    const fut = loop.createFuture();
    const calls: string[] = [];
    const f = () => calls.push("f");
    const g = () => calls.push("g");
    fut.addDoneCallback(f);
    fut.addDoneCallback(g);
    fut.addDoneCallback(f);
    assert.equal(fut.removeDoneCallback(f), 2);
    assert.equal(fut.removeDoneCallback(f), 0);
    assert.equal(fut.removeDoneCallback(() => {}), 0);
    fut.setResult(null);
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    assert.deepEqual(calls, ["g"]);
    assert.equal(fut.removeDoneCallback(g), 0, "nothing is registered once done");
  });
});

Deno.test("Future is awaitable with await (PromiseLike)", async (t) => {
  await t.step("from an async function while the loop runs", async () => {
    await withLoop(newLoop, async (loop) => {
      const fut = loop.createFuture<string>();
      loop.callLater(1, () => fut.setResult("awaited"));
      const result = await loop.runUntilComplete((async () => `${await fut}!`)());
      assert.equal(result, "awaited!");
    });
  });
  await t.step("a done future settles without the loop running", async () => {
    await withLoop(newLoop, async (loop) => {
      const ok = loop.createFuture<number>();
      ok.setResult(3);
      assert.equal(await ok, 3);
      const failed = loop.createFuture<number>();
      failed.setException(new Error("failed"));
      await assert.rejects(Promise.resolve(failed), { message: "failed" });
      const cancelled = loop.createFuture<number>();
      cancelled.cancel("gone");
      await assert.rejects(
        (async () => await cancelled)(),
        (e) => e instanceof CancelledError && e.message === "gone",
      );
    });
  });
  await t.step("then() passes values through its callbacks", async () => {
    await withLoop(newLoop, async (loop) => {
      const fut = loop.createFuture<number>();
      fut.setResult(2);
      assert.equal(await fut.then((v) => v * 10), 20);
      const bad = loop.createFuture<number>();
      bad.setException(new Error("e"));
      assert.equal(await bad.then(null, (e) => (e as Error).message), "e");
    });
  });
});

Deno.test("Future is awaitable with yield* in a coroutine, typed", async () => {
  await withLoop(newLoop, async (loop) => {
    const fut = loop.createFuture<number>();
    loop.callLater(1, () => fut.setResult(20));
    function* main(): Coroutine<number> {
      const n: number = yield* fut;
      // @ts-expect-error: the result of a Future<number> is not a string
      const s: string = yield* fut;
      return n + Number(s) + 1;
    }
    assert.equal(await loop.runUntilComplete(main()), 41);
    const failing = loop.createFuture<number>();
    loop.callLater(1, () => failing.setException(new RangeError("thrown in")));
    const caught = await loop.runUntilComplete(function* () {
      try {
        return yield* failing;
      } catch (e) {
        return e;
      }
    }());
    assert.ok(caught instanceof RangeError);
  });
});

Deno.test("Future.toString() describes the state and outcome", async () => {
  await withLoop(newLoop, (loop) => {
    const cases: [string, (f: Future<unknown>) => void][] = [
      ["<Future finished result=1>", (f) => f.setResult(1)],
      ['<Future finished result="text">', (f) => f.setResult("text")],
      ["<Future finished result=undefined>", (f) => f.setResult(undefined)],
      ["<Future finished result=null>", (f) => f.setResult(null)],
      ["<Future finished result=Object object>", (f) => f.setResult({})],
      ["<Future finished exception=Error: boom>", (f) => f.setException(new Error("boom"))],
      ["<Future cancelled>", (f) => f.cancel()],
    ];
    for (const [expected, settle] of cases) {
      const fut = loop.createFuture();
      settle(fut);
      assert.equal(String(fut), expected);
      if (!fut.cancelled()) fut.exception();
    }
  });
});

Deno.test("Future constructor checks its loop", () => {
  assert.throws(() => new Future({ loop: bad(5) }), {
    name: "TypeError",
    message: /^options\.loop must be an event loop: got number 5/,
  });
  assert.throws(() => new Future({ loop: bad({ callSoon() {} }) }), {
    name: "TypeError",
    message: /^options\.loop must be an event loop/,
  });
});

Deno.test("wrapFuture() turns a promise into a future of the loop", async (t) => {
  await t.step("resolution and rejection", async () => {
    await withLoop(newLoop, async (loop) => {
      const ok = wrapFuture(Promise.resolve(1), loop);
      assert.equal(ok.getLoop(), loop);
      assert.equal(await loop.runUntilComplete(ok), 1);
      const failed = wrapFuture(Promise.reject(new Error("rejected")), loop);
      await assert.rejects(loop.runUntilComplete(failed), { message: "rejected" });
    });
  });
  await t.step("a rejection with undefined becomes an Error", async () => {
    await withLoop(newLoop, async (loop) => {
      const fut = wrapFuture(Promise.reject(undefined), loop);
      await assert.rejects(loop.runUntilComplete(fut), { message: /rejected with undefined/ });
    });
  });
  await t.step("a future is returned as it is", async () => {
    await withLoop(newLoop, (loop) => {
      const fut = loop.createFuture();
      assert.equal(wrapFuture(fut, loop), fut);
    });
  });
  await t.step("cancelling the future ignores the promise's outcome", async () => {
    await withLoop(newLoop, async (loop) => {
      let resolve!: (v: number) => void;
      const promise = new Promise<number>((r) => resolve = r);
      const fut = wrapFuture(promise, loop);
      assert.equal(loop._pendingIo, 1, "the promise counts as pending host work");
      fut.cancel();
      resolve(5);
      await promise;
      await Promise.resolve();
      assert.equal(fut.cancelled(), true);
      assert.equal(loop._pendingIo, 0);
    });
  });
  await t.step("a non-loop is refused naming the argument", () => {
    assert.throws(() => wrapFuture(Promise.resolve(), bad("loop")), {
      name: "TypeError",
      message: /^loop must be an event loop: got "loop"/,
    });
  });
});

class CustomError extends Error {
  code = 7;
  constructor(message: string) {
    super(message);
    this.name = "CustomError";
  }
}

function loseException(loop: TestLoop, error: unknown): void {
  loop.createFuture().setException(error);
}

Deno.test("Future reports an unretrieved exception with a detached copy", async () => {
  await withLoop(newLoop, async (loop, exceptions) => {
    loseException(loop, new CustomError("custom"));
    assert.ok(await collectGarbageUntil(() => exceptions.contexts.length > 0), "not reported");
    const [ctx] = exceptions.take();
    assert.equal(ctx.message, "Future exception was never retrieved");
    assert.equal("future" in ctx, false);
    assert.equal("loop" in ctx, false);
    const e = ctx.exception as CustomError;
    assert.ok(e instanceof CustomError, "same class");
    assert.equal(e.name, "CustomError");
    assert.equal(e.message, "custom");
    assert.match(e.stack!, /CustomError: custom/);
    assert.match(e.stack!, /futures_test\.ts/);
  });
});

Deno.test("Future reports a non-Error exception value as it is", async () => {
  await withLoop(newLoop, async (loop, exceptions) => {
    loseException(loop, "plain string");
    assert.ok(await collectGarbageUntil(() => exceptions.contexts.length > 0), "not reported");
    assert.equal(exceptions.take()[0].exception, "plain string");
  });
});
