// Conformance: the exception handler and the contexts the loop reports.

import assert from "node:assert/strict";
import type { ConformanceTest } from "./_test.ts";
import {
  type AbstractEventLoop,
  type BaseEventLoop,
  type ExceptionContext,
  Handle,
  TimerHandle,
} from "./_deps.ts";
import { captureConsole, withLoop } from "./_support.ts";

export function defineErrorCases(
  name: string,
  createLoop: () => BaseEventLoop,
  test: ConformanceTest,
): void {
  test(`${name}: a failing callback is reported to the custom handler`, async (t) => {
    await t.step("callSoon: message, exception and handle", async () => {
      await withLoop(createLoop, async (loop, exceptions) => {
        const boom = new Error("boom");
        const calls: [AbstractEventLoop, ExceptionContext][] = [];
        loop.setExceptionHandler((l, ctx) => calls.push([l, ctx]));
        const h = loop.callSoon(function failing() {
          throw boom;
        });
        loop.callSoon(() => loop.stop());
        await loop.runForever();
        assert.equal(calls.length, 1);
        const [l, ctx] = calls[0];
        assert.equal(l, loop);
        assert.equal(ctx.exception, boom);
        assert.equal(ctx.handle, h);
        assert.ok(ctx.handle instanceof Handle);
        assert.match(ctx.message, /Exception in callback/);
        assert.match(ctx.message, /failing/);
        exceptions.assertNone();
      });
    });
    await t.step("callLater: the TimerHandle", async () => {
      await withLoop(createLoop, async (loop, exceptions) => {
        const h = loop.callLater(0.001, () => {
          throw new RangeError("late");
        });
        loop.callLater(0.002, () => loop.stop());
        await loop.runForever();
        const [ctx] = exceptions.take();
        assert.ok(ctx.handle instanceof TimerHandle);
        assert.equal(ctx.handle, h);
        assert.ok(ctx.exception instanceof RangeError);
      });
    });
    await t.step("a thrown non-Error value is reported as it is", async () => {
      await withLoop(createLoop, async (loop, exceptions) => {
        loop.callSoon(() => {
          throw "a string";
        });
        loop.callSoon(() => loop.stop());
        await loop.runForever();
        const [ctx] = exceptions.take();
        assert.equal(ctx.exception, "a string");
      });
    });
  });

  test(`${name}: the loop keeps running after a callback throws`, async () => {
    await withLoop(createLoop, async (loop, exceptions) => {
      const log: string[] = [];
      loop.callSoon(() => {
        throw new Error("first");
      });
      loop.callSoon(() => log.push("same iteration"));
      loop.callLater(0.002, () => {
        throw new Error("second");
      });
      loop.callLater(0.004, () => {
        log.push("later timer");
        loop.stop();
      });
      await loop.runForever();
      assert.deepEqual(log, ["same iteration", "later timer"]);
      assert.deepEqual(exceptions.take().map((c) => (c.exception as Error).message), [
        "first",
        "second",
      ]);
    });
  });

  test(`${name}: an exception handler that throws is logged, not fatal`, async () => {
    await withLoop(createLoop, async (loop) => {
      const log: string[] = [];
      loop.setExceptionHandler(() => {
        throw new Error("handler broke");
      });
      const { calls } = await captureConsole("error", async () => {
        loop.callSoon(() => {
          throw new Error("original");
        });
        loop.callSoon(() => log.push("still running"));
        loop.callSoon(() => loop.stop());
        await loop.runForever();
      });
      assert.deepEqual(log, ["still running"]);
      assert.equal(calls.length, 1);
      assert.match(calls[0], /Unhandled error in exception handler/);
      assert.match(calls[0], /handler broke/);
      assert.match(calls[0], /original/);
    });
  });

  test(`${name}: setExceptionHandler(null) restores the default handler`, async () => {
    await withLoop(createLoop, async (loop) => {
      const custom = () => {};
      loop.setExceptionHandler(custom);
      assert.equal(loop.getExceptionHandler(), custom);
      loop.setExceptionHandler(null);
      assert.equal(loop.getExceptionHandler(), null);
      const { calls } = await captureConsole("error", async () => {
        loop.callSoon(function kaboom() {
          throw new Error("to the default handler");
        });
        loop.callSoon(() => loop.stop());
        await loop.runForever();
      });
      assert.equal(calls.length, 1);
      assert.match(calls[0], /Exception in callback/);
      assert.match(calls[0], /to the default handler/);
    });
  });

  test(`${name}: defaultExceptionHandler logs the context with console.error`, async (t) => {
    await t.step("message, other keys and the exception's stack", async () => {
      await withLoop(createLoop, async (loop) => {
        const h = loop.callSoon(function namedCallback() {});
        h.cancel();
        const err = new Error("described");
        const { calls } = await captureConsole("error", () => {
          loop.defaultExceptionHandler({
            message: "Something failed",
            exception: err,
            handle: h,
            extra: 5,
          });
        });
        assert.equal(calls.length, 1);
        const text = calls[0];
        assert.ok(text.startsWith("Something failed"), text);
        assert.match(text, /handle: <Handle/);
        assert.match(text, /extra: number 5/);
        assert.ok(text.includes(err.stack!), text);
      });
    });
    await t.step("without an exception", async () => {
      await withLoop(createLoop, async (loop) => {
        const { calls } = await captureConsole("error", () => {
          loop.defaultExceptionHandler({ message: "Only words" });
        });
        assert.deepEqual(calls, ["Only words"]);
      });
    });
    await t.step("callExceptionHandler uses it when no custom handler is set", async () => {
      await withLoop(createLoop, async (loop, exceptions) => {
        exceptions.restore();
        const { calls } = await captureConsole("error", () => {
          loop.callExceptionHandler({ message: "reported", exception: new Error("x") });
        });
        assert.equal(calls.length, 1);
        assert.match(calls[0], /^reported/);
      });
    });
  });
}
