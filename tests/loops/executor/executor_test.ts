// runInExecutor and the loop's default executor: parallel work on Web
// Workers, cancellation, shutdownDefaultExecutor, close(), Runner, and the
// executors on the main thread.

import assert from "node:assert/strict";
import {
  BaseEventLoop,
  CancelledError,
  getRunningLoop,
  NotImplementedError,
  run,
  RuntimeError,
  SelectorEventLoop,
  sleep,
  waitFor,
} from "../../../mod.ts";
import { TestLoop } from "../../../loops/testing/mod.ts";
import {
  type Executor,
  InlineExecutor,
  moduleTask,
  WorkerPoolExecutor,
} from "../../../loops/executor/mod.ts";
import { bad, captureConsole, thrownBy, withLoop } from "../../_helpers.ts";
import { block, cells, FINISHED, GO, mark, MARKED, meet, STARTED, until } from "./_executor_fns.ts";
import type { LoopIo } from "../../../loops/io.ts";

const TASKS = new URL("./_executor_tasks.ts", import.meta.url);

/** The loop's default executor (made on first use), from its I/O services. */
function defaultExecutorOf(loop: BaseEventLoop): Executor {
  return (loop._services as LoopIo).defaultExecutor();
}

function poolOf(loop: BaseEventLoop): WorkerPoolExecutor {
  const executor = defaultExecutorOf(loop);
  assert.ok(executor instanceof WorkerPoolExecutor);
  return executor;
}

Deno.test("SelectorEventLoop.runInExecutor() runs a function in a worker of the default pool", async () => {
  await withLoop(() => new SelectorEventLoop(), async (loop) => {
    const where = () => [typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope];
    const fut = loop.runInExecutor(null, where);
    assert.deepEqual(await loop.runUntilComplete(fut), ["function"]);
    const pool = poolOf(loop);
    assert.equal(pool.maxWorkers, Math.max(1, navigator.hardwareConcurrency));
    assert.equal(pool.workerCount, 1);
  });
});

Deno.test("SelectorEventLoop.runInExecutor() runs two CPU-bound functions at the same time", async () => {
  await withLoop(() => new SelectorEventLoop(), async (loop) => {
    loop.setDefaultExecutor(new WorkerPoolExecutor({ maxWorkers: 2 }));
    const { sab } = cells();
    const both = await loop.runUntilComplete(Promise.all([
      loop.runInExecutor(null, meet, sab, 10_000),
      loop.runInExecutor(null, meet, sab, 10_000),
    ]));
    const [a, b] = both;
    assert.ok(a.met && b.met, "each function saw the other one running");
    assert.notEqual(a.worker, b.worker);
    assert.ok(a.start < b.end && b.start < a.end, `intervals overlap: ${JSON.stringify(both)}`);
  });
});

Deno.test("SelectorEventLoop.runInExecutor() works from coroutines and with module tasks", async () => {
  await withLoop(() => new SelectorEventLoop(), async (loop) => {
    const sum = moduleTask<(...n: number[]) => number>(TASKS, "sum");
    const result = await loop.runUntilComplete(function* () {
      const a = yield* loop.runInExecutor(null, sum, 1, 2, 3);
      const b = yield* loop.runInExecutor(null, async (x: number) => {
        await new Promise((r) => setTimeout(r, 1));
        return x + 1;
      }, a);
      return b;
    }());
    assert.equal(result, 7);
  });
});

Deno.test("SelectorEventLoop.runInExecutor() cancels queued work but not running work", async () => {
  await withLoop(() => new SelectorEventLoop(), async (loop) => {
    loop.setDefaultExecutor(new WorkerPoolExecutor({ maxWorkers: 1 }));
    const { sab, view } = cells();
    const running = loop.runInExecutor(null, block, sab);
    const queued = loop.runInExecutor(null, mark, sab);
    await loop.runUntilComplete(until(() => view[STARTED] === 1));
    assert.ok(running.cancel() && queued.cancel());
    await loop.runUntilComplete(sleep(0.01)); // the done callbacks abort the work
    Atomics.store(view, GO, 1);
    Atomics.notify(view, GO);
    assert.equal(await loop.runUntilComplete(loop.runInExecutor(null, () => "after")), "after");
    assert.equal(view[FINISHED], 1, "the running work went on");
    assert.equal(view[MARKED], 0, "the queued work was dropped");
    assert.ok(running.cancelled() && queued.cancelled());
  });
});

Deno.test("SelectorEventLoop.close() terminates the default executor's workers", async () => {
  const loop = new SelectorEventLoop();
  const { sab, view } = cells();
  const fut = loop.runInExecutor(null, block, sab);
  const pool = poolOf(loop);
  for (let i = 1; i < pool.maxWorkers; i++) loop.runInExecutor(null, block, sab);
  loop.runInExecutor(null, mark, sab);
  pool.submit(mark, sab).catch(() => {});
  await loop.runUntilComplete(until(() => view[STARTED] === pool.maxWorkers));
  assert.equal(pool.queued, 2);
  loop.close();
  assert.equal(pool.workerCount, 0);
  assert.equal(pool.queued, 0);
  assert.ok(!fut.done(), "a closed loop leaves its futures as they were");
  // Deno cannot interrupt the running function: the worker ends when it returns.
  Atomics.store(view, GO, 1);
  Atomics.notify(view, GO);
  await until(() => view[FINISHED] === pool.maxWorkers);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(view[MARKED], 0, "no queued work ran after close()");
  assert.throws(() => pool.submit(() => 1), RuntimeError);
  assert.throws(() => loop.runInExecutor(null, () => 1), { message: "Event loop is closed" });
});

Deno.test("SelectorEventLoop.shutdownDefaultExecutor() waits for the work, then ends the workers", async (t) => {
  await t.step("waits", async () => {
    await withLoop(() => new SelectorEventLoop(), async (loop) => {
      const { sab, view } = cells();
      const fut = loop.runInExecutor(null, block, sab);
      const pool = poolOf(loop);
      await loop.runUntilComplete(until(() => view[STARTED] === 1));
      const down = loop.shutdownDefaultExecutor();
      const err = thrownBy(() => loop.runInExecutor(null, () => 1));
      assert.ok(err instanceof RuntimeError && /shutdown has been called/.test(err.message));
      setTimeout(() => Atomics.store(view, GO, 1), 50);
      await loop.runUntilComplete(down);
      assert.equal(fut.result(), "done");
      assert.equal(pool.workerCount, 0);
      // Another executor can still be given explicitly.
      const inline = new InlineExecutor();
      assert.equal(await loop.runUntilComplete(loop.runInExecutor(inline, () => 5)), 5);
    });
  });
  await t.step("terminates after the timeout", async () => {
    await withLoop(() => new SelectorEventLoop(), async (loop) => {
      const { sab, view } = cells();
      loop.runInExecutor(null, block, sab);
      const pool = poolOf(loop);
      await loop.runUntilComplete(until(() => view[STARTED] === 1));
      const { calls } = await captureConsole("warn", async () => {
        await loop.runUntilComplete(loop.shutdownDefaultExecutor(0.05));
      });
      assert.equal(calls.length, 1);
      assert.match(calls[0], /did not finish its work within 0\.05 seconds/);
      assert.equal(pool.workerCount, 0);
      Atomics.store(view, GO, 1); // lets the abandoned worker's function return
    });
  });
  await t.step("nothing to do without a default executor", async () => {
    await withLoop(() => new SelectorEventLoop(), async (loop) => {
      await loop.runUntilComplete(loop.shutdownDefaultExecutor());
      assert.throws(() => loop.shutdownDefaultExecutor(-1), RangeError);
    });
  });
});

Deno.test("run() shuts the default executor down before closing the loop", async () => {
  const pool = new WorkerPoolExecutor({ maxWorkers: 1 });
  const v = await run(function* () {
    const loop = getRunningLoop();
    loop.setDefaultExecutor(pool);
    return yield* loop.runInExecutor(null, (n: number) => n * 3, 14);
  }());
  assert.equal(v, 42);
  assert.equal(pool.workerCount, 0);
  assert.throws(() => pool.submit(() => 1), RuntimeError);
});

Deno.test("SelectorEventLoop.setDefaultExecutor() checks and uses its argument", async () => {
  await withLoop(() => new SelectorEventLoop(), async (loop) => {
    for (const value of [null, undefined, 1, {}, { submit() {} }, () => {}]) {
      assert.throws(() => loop.setDefaultExecutor(bad(value)), {
        name: "TypeError",
        message: /^executor must be an executor/,
      });
    }
    const seen: unknown[] = [];
    const custom: Executor = {
      submit: (work, ...args) => {
        seen.push(args);
        return Promise.resolve(typeof work === "function" ? work(...args) : null) as never;
      },
      shutdown: () => Promise.resolve(),
    };
    loop.setDefaultExecutor(custom);
    assert.equal(await loop.runUntilComplete(loop.runInExecutor(null, (a: number) => a, 9)), 9);
    assert.deepEqual(seen, [[9]]);
  });
});

Deno.test("SelectorEventLoop.runInExecutor() rejects bad arguments before doing anything", async () => {
  await withLoop(() => new SelectorEventLoop(), (loop) => {
    assert.throws(() => loop.runInExecutor(bad({}), () => 1), /^TypeError: executor must be/);
    assert.throws(
      () => loop.runInExecutor(null, bad<() => number>(42)),
      /work must be a function or a module/,
    );
    assert.throws(
      () => loop.runInExecutor(null, function* () {}),
      /generator function: coroutines cannot run in an executor/,
    );
    assert.throws(() => loop.runInExecutor(null, Math.max), /native code/);
    assert.throws(() => loop.runInExecutor(null, ((a: number) => a).bind(null, 1)), /bound/);
    const obj = {
      method(a: number) {
        return a;
      },
    };
    assert.throws(() => loop.runInExecutor(null, obj.method, 1), /does not compile on its own/);
    assert.throws(() => loop.runInExecutor(null, bad<() => number>(class A {})), /is a class/);
    assert.throws(
      () => loop.runInExecutor(null, bad<() => number>({ module: "./relative.ts", export: "f" })),
      /work\.module must be an absolute URL/,
    );
    assert.throws(() => moduleTask(TASKS, ""), /export must be the name/);
    assert.equal(defaultExecutorOf(loop).constructor, WorkerPoolExecutor);
    assert.equal(poolOf(loop).workerCount, 0, "nothing was started");
  });
});

Deno.test("runInExecutor() needs an I/O loop", () => {
  using loop = new BaseEventLoop();
  assert.throws(() => loop.runInExecutor(null, () => 1), NotImplementedError);
  assert.throws(() => loop.setDefaultExecutor(new InlineExecutor()), NotImplementedError);
  assert.ok(loop.shutdownDefaultExecutor().done(), "nothing to shut down");
});

Deno.test("SelectorEventLoop.runInExecutor() on a TestLoop waits for the work before jumping time", async () => {
  await withLoop(() => new TestLoop(), async (loop) => {
    const spin = (ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end);
      return ms;
    };
    const v = await loop.runUntilComplete(function* () {
      return yield* waitFor(loop.runInExecutor(null, spin, 100), 10);
    }());
    assert.equal(v, 100);
  });
});

Deno.test("InlineExecutor runs closures on the main thread", async () => {
  const inline = new InlineExecutor();
  let hits = 0;
  const hit = (n: number) => (hits += n);
  const results = await Promise.all([inline.submit(hit, 2), inline.submit(hit, 3)]);
  assert.deepEqual(results, [2, 5]);
  await assert.rejects(
    inline.submit(() => {
      throw new CancelledError("inner");
    }),
    CancelledError,
  );
  assert.equal(await inline.submit(moduleTask(TASKS, "sum"), 4, 5), 9);
  await assert.rejects(inline.submit(moduleTask(TASKS, "notAFunction")), /no exported function/);
  const pending = inline.submit(() => new Promise((r) => setTimeout(() => r("late"), 20)));
  await inline.shutdown();
  assert.equal(await pending, "late");
  assert.throws(() => inline.submit(() => 1), /after shutdown/);
});
