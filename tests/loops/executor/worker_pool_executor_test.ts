// WorkerPoolExecutor on its own: errors and structured clone across the
// worker boundary, module tasks, crashed workers, shutdown semantics.

import assert from "node:assert/strict";
import { CancelledError } from "../../../mod.ts";
import { BrokenExecutor, moduleTask, WorkerPoolExecutor } from "../../../loops/executor/mod.ts";
import { bad } from "../../_helpers.ts";
import { block, cells, FINISHED, GO, mark, MARKED, STARTED, until } from "./_executor_fns.ts";

const TASKS = new URL("./_executor_tasks.ts", import.meta.url);

Deno.test("WorkerPoolExecutor carries errors back with name, message, stack and cause", async (t) => {
  await using pool = new WorkerPoolExecutor({ maxWorkers: 1 });
  await t.step("built-in errors keep their class and cause", async () => {
    const err = await pool.submit(() => {
      throw new TypeError("outer", { cause: new RangeError("inner") });
    }).catch((e) => e);
    assert.ok(err instanceof TypeError);
    assert.equal(err.message, "outer");
    assert.match(String(err.stack), /TypeError: outer/);
    assert.ok(err.cause instanceof RangeError && err.cause.message === "inner");
  });
  await t.step("custom errors keep their name and cloneable properties", async () => {
    const err = await pool.submit(() => {
      class MyError extends Error {
        code = "E42";
        fn = () => 1;
      }
      const e = new MyError("mine");
      e.name = "MyError";
      throw e;
    }).catch((e) => e as Error & { code?: string; fn?: unknown });
    assert.ok(err instanceof Error);
    assert.equal(err.name, "MyError");
    assert.equal(err.message, "mine");
    assert.equal(err.code, "E42");
    assert.equal(err.fn, undefined, "a function property cannot cross");
  });
  await t.step("other thrown values", async () => {
    await assert.rejects(
      pool.submit(() => {
        throw { code: 5 };
      }),
      (e) => (assert.deepEqual(e, { code: 5 }), true),
    );
    await assert.rejects(
      pool.submit(() => {
        throw () => 1;
      }),
      (e) => (assert.match(String(e), /^\(\)\s*=>\s*1$/), assert.equal(typeof e, "string"), true),
    );
  });
  await t.step("a variable of the enclosing scope gives an explained ReferenceError", async () => {
    const secret = 5;
    await assert.rejects(pool.submit(() => secret * 2), {
      name: "ReferenceError",
      message: /secret is not defined \(a function sent to a worker sees only its parameters/,
    });
  });
});

Deno.test("WorkerPoolExecutor reports what structured clone cannot carry", async () => {
  await using pool = new WorkerPoolExecutor({ maxWorkers: 1 });
  await assert.rejects(pool.submit((f: () => number) => f(), () => 1), {
    name: "TypeError",
    message: /^The arguments of <anonymous> cannot be sent to a worker/,
  });
  await assert.rejects(pool.submit(() => () => 1), {
    name: "TypeError",
    message: /^The result cannot be sent back from the worker/,
  });
  const bytes = await pool.submit((n: number) => new Uint8Array(n).fill(7), 3);
  assert.deepEqual(bytes, new Uint8Array([7, 7, 7]));
  assert.equal(pool.workerCount, 1, "the same worker served every call");
});

Deno.test("WorkerPoolExecutor runs module tasks", async () => {
  await using pool = new WorkerPoolExecutor({ maxWorkers: 1, name: "tasks" });
  assert.equal(await pool.submit(moduleTask(TASKS, "sum"), 1, 2, 3), 6);
  assert.equal(await pool.submit(moduleTask(TASKS, "workerName"), 1), "tasks-1");
  await assert.rejects(pool.submit(moduleTask(TASKS, "fail"), "nope"), (e: Error) => {
    assert.ok(e instanceof RangeError && e.message === "nope");
    assert.equal((e.cause as Error).message, "root cause");
    return true;
  });
  await assert.rejects(pool.submit(moduleTask(TASKS, "notAFunction")), {
    name: "TypeError",
    message: /has no exported function named "notAFunction"/,
  });
  await assert.rejects(pool.submit(moduleTask(new URL("./missing.ts", TASKS), "f")), Error);
  assert.equal(await pool.submit({ module: TASKS.href, export: "sum" }, 5), 5);
});

Deno.test("WorkerPoolExecutor replaces a worker that ends abnormally", async (t) => {
  await using pool = new WorkerPoolExecutor({ maxWorkers: 1 });
  const cases: [string, () => unknown, RegExp][] = [
    ["an uncaught error", () => {
      setTimeout(() => {
        throw new Error("boom");
      });
      return new Promise(() => {});
    }, /an error escaped the work: Error: boom/],
    ["an unhandled rejection", () => {
      Promise.reject(new RangeError("lost"));
      return new Promise(() => {});
    }, /an error escaped the work: RangeError: lost/],
    ["Deno.exit()", () => Deno.exit(7), /Deno\.exit\(7\)/],
    ["close()", () => {
      (globalThis as unknown as { close(): void }).close();
      return new Promise(() => {});
    }, /close\(\)/],
  ];
  for (const [name, fn, why] of cases) {
    await t.step(name, async () => {
      const err = await pool.submit(fn).catch((e) => e);
      assert.ok(err instanceof BrokenExecutor, String(err));
      assert.match(err.message, why);
      assert.equal(pool.workerCount, 0);
      assert.equal(await pool.submit(() => "again"), "again");
      assert.equal(pool.workerCount, 1);
    });
  }
});

Deno.test("WorkerPoolExecutor.shutdown() semantics", async (t) => {
  await t.step("wait: queued and running work finish, then the workers end", async () => {
    const pool = new WorkerPoolExecutor({ maxWorkers: 1 });
    const { sab, view } = cells();
    const first = pool.submit(block, sab);
    const second = pool.submit(mark, sab);
    await until(() => view[STARTED] === 1);
    const down = pool.shutdown();
    assert.throws(() => pool.submit(() => 1), { name: "RuntimeError", message: /after shutdown/ });
    Atomics.store(view, GO, 1);
    await down;
    assert.deepEqual(await Promise.all([first, second]), ["done", "ran"]);
    assert.equal(pool.workerCount, 0);
    await pool.shutdown(); // idempotent
  });
  await t.step("cancelFutures drops the queued work", async () => {
    const pool = new WorkerPoolExecutor({ maxWorkers: 1 });
    const { sab, view } = cells();
    const first = pool.submit(block, sab);
    const second = pool.submit(mark, sab);
    await until(() => view[STARTED] === 1);
    const down = pool.shutdown(true, { cancelFutures: true });
    await assert.rejects(second, CancelledError);
    Atomics.store(view, GO, 1);
    await down;
    assert.equal(await first, "done");
    assert.equal(view[MARKED], 0);
  });
  await t.step("no wait: the workers end at once", async () => {
    const pool = new WorkerPoolExecutor({ maxWorkers: 1 });
    const { sab, view } = cells();
    const first = pool.submit(block, sab);
    const second = pool.submit(mark, sab);
    await until(() => view[STARTED] === 1);
    await pool.shutdown(false);
    assert.equal(pool.workerCount, 0);
    await assert.rejects(first, { name: "CancelledError", message: /without waiting/ });
    await assert.rejects(second, { name: "CancelledError", message: /before the work started/ });
    // Deno cannot interrupt the running function: the worker ends when it returns.
    Atomics.store(view, GO, 1);
    await until(() => view[FINISHED] === 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(view[MARKED], 0, "no queued work ran");
  });
});

Deno.test("WorkerPoolExecutor.submitWithSignal() drops queued work on abort", async () => {
  await using pool = new WorkerPoolExecutor({ maxWorkers: 1 });
  const { sab, view } = cells();
  const running = new AbortController();
  const queued = new AbortController();
  const first = pool.submitWithSignal(running.signal, block, sab);
  const second = pool.submitWithSignal(queued.signal, mark, sab);
  await until(() => view[STARTED] === 1);
  running.abort();
  queued.abort();
  await assert.rejects(second, CancelledError);
  assert.equal(pool.queued, 0);
  Atomics.store(view, GO, 1);
  assert.equal(await first, "done", "running work cannot be interrupted");
  const aborted = AbortSignal.abort();
  await assert.rejects(pool.submitWithSignal(aborted, () => 1), CancelledError);
  assert.throws(() => pool.submitWithSignal(bad(null), () => 1), TypeError);
  assert.equal(view[MARKED], 0);
});

Deno.test("WorkerPoolExecutor checks its options", () => {
  assert.throws(() => new WorkerPoolExecutor({ maxWorkers: 0 }), RangeError);
  assert.throws(() => new WorkerPoolExecutor({ maxWorkers: 1.5 }), TypeError);
  assert.throws(() => new WorkerPoolExecutor({ maxWorkers: bad("2") }), TypeError);
  assert.throws(() => new WorkerPoolExecutor({ name: bad(3) }), TypeError);
  const pool = new WorkerPoolExecutor();
  assert.equal(pool.maxWorkers, Math.max(1, navigator.hardwareConcurrency));
  assert.equal(pool.workerCount, 0, "workers start on demand");
});
