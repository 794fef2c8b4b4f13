// Conformance: debug mode reports (slow callbacks, source tracebacks) and
// the report of a future whose exception nobody retrieved.

import assert from "node:assert/strict";
import type { ConformanceTest } from "./_test.ts";
import { type BaseEventLoop, sleep } from "./_deps.ts";
import { busyWait, captureConsole, collectGarbageUntil, withLoop } from "./_support.ts";

const THIS_FILE = "debug.ts";
// The slow-callback threshold of these tests: large enough that a trivial
// callback never reaches it on a loaded machine, small enough to stay quick.
const SLOW = 0.05;

// Created in helper functions so that no frame of the test keeps them.
function loseFutureException(loop: BaseEventLoop, message: string): void {
  const fut = loop.createFuture();
  fut.setException(new Error(message));
}

function loseTaskException(loop: BaseEventLoop, message: string): void {
  loop.createTask(function* () {
    yield* sleep(0);
    throw new Error(message);
  }());
}

export function defineDebugCases(
  name: string,
  createLoop: () => BaseEventLoop,
  test: ConformanceTest,
): void {
  test(`${name}: debug mode reports slow callbacks with console.warn`, async (t) => {
    const runSlow = (debug: boolean) =>
      withLoop(createLoop, async (loop) => {
        loop.setDebug(debug);
        assert.equal(loop.getDebug(), debug);
        loop.slowCallbackDuration = SLOW;
        const { calls } = await captureConsole("warn", async () => {
          loop.callSoon(function slowCallback() {
            busyWait(2 * SLOW);
          });
          loop.callSoon(function quickCallback() {});
          loop.callSoon(() => loop.stop());
          await loop.runForever();
        });
        return calls;
      });
    await t.step("on: the slow callback is reported, the quick one is not", async () => {
      const calls = await runSlow(true);
      assert.equal(calls.length, 1, calls.join("\n"));
      assert.match(calls[0], /^Executing <Handle slowCallback\(\)> took \d+\.\d{3} seconds$/);
    });
    await t.step("off: nothing is reported", async () => {
      assert.deepEqual(await runSlow(false), []);
    });
    await t.step("a slow task step is reported with the task", async () => {
      await withLoop(createLoop, async (loop) => {
        loop.setDebug(true);
        loop.slowCallbackDuration = SLOW;
        const { calls } = await captureConsole("warn", async () => {
          await loop.runUntilComplete(loop.createTask(
            function* () {
              busyWait(2 * SLOW);
              yield* sleep(0);
            }(),
            { name: "sluggish" },
          ));
        });
        assert.equal(calls.length, 1, calls.join("\n"));
        assert.match(calls[0], /^Executing <Task .*name='sluggish'.*> took/);
      });
    });
  });

  test(`${name}: debug mode records where a handle was created`, async (t) => {
    await t.step("on: the context carries sourceTraceback", async () => {
      await withLoop(createLoop, async (loop, exceptions) => {
        loop.setDebug(true);
        loop.callSoon(() => {
          throw new Error("traced");
        });
        loop.callLater(0.001, () => {
          throw new Error("traced timer");
        });
        loop.callLater(0.002, () => loop.stop());
        await loop.runForever();
        const reports = exceptions.take();
        assert.equal(reports.length, 2);
        for (const ctx of reports) {
          assert.equal(typeof ctx.sourceTraceback, "string");
          assert.ok(ctx.sourceTraceback!.includes(THIS_FILE), ctx.sourceTraceback);
          // The loop's own frames are cut off: the first line is the caller.
          assert.ok(!ctx.sourceTraceback!.split("\n")[0].includes("base_event_loop.ts"));
        }
      });
    });
    await t.step("off: no sourceTraceback", async () => {
      await withLoop(createLoop, async (loop, exceptions) => {
        loop.callSoon(() => {
          throw new Error("untraced");
        });
        loop.callSoon(() => loop.stop());
        await loop.runForever();
        const [ctx] = exceptions.take();
        assert.equal("sourceTraceback" in ctx, false);
      });
    });
  });

  test(`${name}: an exception never retrieved is reported when collected`, async (t) => {
    await t.step("a future and a task", async () => {
      await withLoop(createLoop, async (loop, exceptions) => {
        loseFutureException(loop, "lost by a future");
        loseTaskException(loop, "lost by a task");
        await loop.runUntilComplete(sleep(0.001));
        assert.equal(exceptions.contexts.length, 0, "reported before collection");
        const seen = await collectGarbageUntil(() => exceptions.contexts.length >= 2);
        assert.ok(seen, "the collected futures were not reported");
        const reports = exceptions.take().sort((a, b) => a.message.localeCompare(b.message));
        assert.deepEqual(reports.map((c) => c.message), [
          "Future exception was never retrieved",
          "Task exception was never retrieved",
        ]);
        assert.deepEqual(reports.map((c) => (c.exception as Error).message), [
          "lost by a future",
          "lost by a task",
        ]);
      });
    });
    await t.step("in debug mode the report says where the future was created", async () => {
      await withLoop(createLoop, async (loop, exceptions) => {
        loop.setDebug(true);
        loseFutureException(loop, "traced loss");
        const seen = await collectGarbageUntil(() => exceptions.contexts.length >= 1);
        assert.ok(seen, "the collected future was not reported");
        const [ctx] = exceptions.take();
        assert.ok(ctx.sourceTraceback?.includes(THIS_FILE), ctx.sourceTraceback);
      });
    });
    await t.step("a retrieved exception is not reported", async () => {
      await withLoop(createLoop, async (loop, exceptions) => {
        let collected = false;
        const registry = new FinalizationRegistry(() => collected = true);
        (() => {
          const fut = loop.createFuture();
          fut.setException(new Error("retrieved"));
          assert.equal((fut.exception() as Error).message, "retrieved");
          registry.register(fut, 0);
        })();
        assert.ok(await collectGarbageUntil(() => collected), "the future was not collected");
        await collectGarbageUntil(() => false, 2);
        exceptions.assertNone();
      });
    });
  });
}
