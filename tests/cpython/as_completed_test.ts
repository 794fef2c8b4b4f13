// The as_completed cases of CPython 3.13's Lib/test/test_asyncio/test_tasks.py
// (BaseTaskTests), ported to this project as Deno tests: asCompleted follows
// 3.13 (plain and async iteration, the original futures out of async
// iteration, a resumable iterator).
//
// How cases are translated:
// - Each ported case is one Deno.test named "<CPython class>.<method>", with
//   a comment above it naming the source; only the call syntax changes. Only
//   the BaseTaskTests mixin is ported, under its name. subTest loops are
//   t.step()s.
// - `self.loop` (BaseTaskTests.setUp) is a TestLoop whose task factory is
//   `new_task` (name 'TestTask'); `self.new_task(loop, coro)` →
//   `newTask(loop, coro)`; `self.new_future(loop)` → `new Future({ loop })`.
// - `self.new_test_loop(gen)` and `asyncio.new_event_loop()` → a TestLoop
//   (virtual time); the `gen` scripts only steer CPython's fake clock and are
//   not translated (this TestLoop jumps to the next timer by itself); the
//   cases' `loop.time()` assertions are kept. `loop.advance_time(s)` (moves
//   the clock only) → `loop.clock.advance(s)`. The loops get a short
//   `ioJumpAfter`: an async function's promise is host work the loop waits
//   for before jumping time, which by default is one real second each time.
// - `async def` functions iterated with plain `for` → generator functions,
//   `await x` → `yield* x`. Those with `async for` (and the runners compared
//   with them in a subTest) → async functions; since an async function
//   starts when called while a coroutine waits to be driven, passing one
//   where CPython passes the coroutine object (`run_until_complete(foo())`,
//   `new_task(loop, foo())`, `await foo()`) → `lazy(() => foo())`, a
//   coroutine that calls it once driven and awaits its promise.
//   `list(it)` → `Array.from(it)`; `[f async for f in it]` → a for await loop.
//   A value of async iteration is typed `DoneFuture` (no `then`); `await f`
//   on it → `await future(f)`, which only restores its `Future` type.
// - Exceptions: asyncio.TimeoutError → TimeoutError, RuntimeError → our
//   RuntimeError, TypeError → TypeError. `self.addCleanup(a.close)` on an
//   unawaited coroutine → `a.return()` at the end.
// - CPython's TestCase calls `set_event_loop(None)`: the case that depends on
//   the global loop runs in `withNoGlobalLoop` (a fresh DefaultEventLoopPolicy
//   with `setEventLoop(null)`, the previous policy put back afterwards).

import assert from "node:assert/strict";
import {
  type AbstractEventLoop,
  asCompleted,
  type Coroutine,
  DefaultEventLoopPolicy,
  type DoneFuture,
  ensureFuture,
  Future,
  getEventLoopPolicy,
  RuntimeError,
  setEventLoop,
  setEventLoopPolicy,
  sleep,
  Task,
  TimeoutError,
  wait,
  wrapFuture,
} from "../../mod.ts";
import { TestLoop } from "../../loops/testing/mod.ts";
import { withLoop } from "../_helpers.ts";

// BaseTaskTests.new_task: Task(coro, loop=loop, name=name).
function newTask<T>(loop: AbstractEventLoop, coro: Coroutine<T> | PromiseLike<T>): Task<T> {
  return new Task<T>(coro, { loop, name: "TestTask" });
}

// self.new_test_loop(gen) / asyncio.new_event_loop().
const newTestLoop = () => new TestLoop({ ioJumpAfter: 0.001 });

// BaseTaskTests.setUp: self.loop with the new_task task factory.
function setUpLoop(): TestLoop {
  const loop = newTestLoop();
  loop.setTaskFactory((l, coro) => newTask(l, coro));
  return loop;
}

// `f` out of async iteration, typed as the Future it is (DoneFuture leaves
// `then` out of the type, so that TypeScript's for await keeps it a future).
function future<T>(f: DoneFuture<T>): Future<T> {
  return f as Future<T>;
}

// An async function's call as the coroutine object CPython passes around.
function* lazy<T>(call: () => Promise<T>): Coroutine<T> {
  return yield* wrapFuture(call());
}

async function withNoGlobalLoop<R>(fn: () => R | Promise<R>): Promise<R> {
  const previous = getEventLoopPolicy();
  setEventLoopPolicy(new DefaultEventLoopPolicy());
  setEventLoop(null);
  try {
    return await fn();
  } finally {
    setEventLoopPolicy(previous);
  }
}

// test_tasks.coroutine_function.
function* coroutine_function(): Coroutine<void> {}

// CPython 3.13 test_tasks.py BaseTaskTests.test_as_completed
Deno.test("BaseTaskTests.test_as_completed", async (t) => {
  let loop!: TestLoop;
  let completed: Set<string>;
  let time_shifted: boolean;

  function* sleeper(dt: number, x: string) {
    yield* sleep(dt);
    completed.add(x);
    if (!time_shifted && completed.has("a") && completed.has("b")) {
      time_shifted = true;
      loop.clock.advance(0.14);
    }
    return x;
  }

  function* try_iterator(awaitables: Coroutine<string>[]) {
    const values: string[] = [];
    for (const f of asCompleted(awaitables)) values.push(yield* f);
    return values;
  }

  async function try_async_iterator(awaitables: Coroutine<string>[]) {
    const values: string[] = [];
    for await (const f of asCompleted(awaitables)) values.push(await future(f));
    return values;
  }

  const foos: [string, (aws: Coroutine<string>[]) => Coroutine<string[]>][] = [
    ["try_iterator", try_iterator],
    ["try_async_iterator", (aws) => lazy(() => try_async_iterator(aws))],
  ];
  for (const [method, foo] of foos) {
    await t.step(`method=${method}`, async () => {
      await withLoop(newTestLoop, async (l) => {
        loop = l;
        // disable "slow callback" warning
        loop.slowCallbackDuration = 1.0;

        completed = new Set();
        time_shifted = false;

        const a = sleeper(0.01, "a");
        const b = sleeper(0.01, "b");
        const c = sleeper(0.15, "c");

        const res = await loop.runUntilComplete(newTask(loop, foo([b, c, a])));
        assert.ok(Math.abs(0.15 - loop.time()) < 1e-7);
        assert.ok(res.slice(0, 2).includes("a"));
        assert.ok(res.slice(0, 2).includes("b"));
        assert.equal(res[2], "c");
      });
    });
  }
});

// CPython 3.13 test_tasks.py BaseTaskTests.test_as_completed_same_tasks_in_as_out
Deno.test("BaseTaskTests.test_as_completed_same_tasks_in_as_out", async () => {
  // Ensures that asynchronously iterating as_completed's iterator
  // yields awaitables are the same awaitables that were passed in when
  // those awaitables are futures.
  async function try_async_iterator(awaitables: Iterable<Coroutine<unknown> | Future<unknown>>) {
    const awaitables_out = new Set<unknown>();
    for await (const out_aw of asCompleted(awaitables)) awaitables_out.add(out_aw);
    return awaitables_out;
  }

  // deno-lint-ignore require-yield
  function* coro(i: unknown) {
    return i;
  }

  await withLoop(newTestLoop, async (loop) => {
    // Coroutines shouldn't be yielded back as finished coroutines
    // can't be re-used.
    let awaitables_in = new Set<Coroutine<unknown> | Future<unknown>>(
      [coro(0), coro(1), coro(2), coro(3)],
    );
    let awaitables_out = await loop.runUntilComplete(
      lazy(() => try_async_iterator(awaitables_in)),
    );
    if ([...awaitables_in].some((aw) => awaitables_out.has(aw))) {
      assert.fail("Got original coroutines out of as_completed iterator.");
    }

    // Tasks should be yielded back.
    const coro_obj_a = coro("a");
    const task_b = loop.createTask(coro("b"));
    const coro_obj_c = coro("c");
    const task_d = loop.createTask(coro("d"));
    awaitables_in = new Set([coro_obj_a, task_b, coro_obj_c, task_d]);
    awaitables_out = await loop.runUntilComplete(
      lazy(() => try_async_iterator(awaitables_in)),
    );
    const both = [...awaitables_in].filter((aw) => awaitables_out.has(aw));
    if (both.length !== 2 || !both.includes(task_b) || !both.includes(task_d)) {
      assert.fail("Only tasks should be yielded from as_completed iterator as-is.");
    }
  });
});

// CPython 3.13 test_tasks.py BaseTaskTests.test_as_completed_with_timeout
Deno.test("BaseTaskTests.test_as_completed_with_timeout", async (t) => {
  let loop!: TestLoop;
  let a!: Task<string>;
  let b!: Task<string>;
  type Value = [1, string] | [2, unknown];

  function* try_iterator() {
    const values: Value[] = [];
    for (const f of asCompleted([a, b], { timeout: 0.12 })) {
      if (values.length > 0) loop.clock.advance(0.02);
      try {
        const v = yield* f;
        values.push([1, v]);
      } catch (exc) {
        if (!(exc instanceof TimeoutError)) throw exc;
        values.push([2, exc]);
      }
    }
    return values;
  }

  async function try_async_iterator() {
    const values: Value[] = [];
    try {
      for await (const f of asCompleted([a, b], { timeout: 0.12 })) {
        const v = await future(f);
        values.push([1, v]);
        loop.clock.advance(0.02);
      }
    } catch (exc) {
      if (!(exc instanceof TimeoutError)) throw exc;
      values.push([2, exc]);
    }
    return values;
  }

  const foos: [string, () => Coroutine<Value[]>][] = [
    ["try_iterator", try_iterator],
    ["try_async_iterator", () => lazy(try_async_iterator)],
  ];
  for (const [method, foo] of foos) {
    await t.step(`method=${method}`, async () => {
      await withLoop(newTestLoop, async (l) => {
        loop = l;
        a = loop.createTask(sleep(0.1, "a"));
        b = loop.createTask(sleep(0.15, "b"));

        const res = await loop.runUntilComplete(newTask(loop, foo()));
        assert.equal(res.length, 2, String(res));
        assert.deepEqual(res[0], [1, "a"]);
        assert.equal(res[1][0], 2);
        assert.ok(res[1][1] instanceof TimeoutError);
        assert.ok(Math.abs(0.12 - loop.time()) < 1e-7);

        // move forward to close generator
        loop.clock.advance(10);
        await loop.runUntilComplete(wait([a, b]));
      });
    });
  }
});

// CPython 3.13 test_tasks.py BaseTaskTests.test_as_completed_with_unused_timeout
Deno.test("BaseTaskTests.test_as_completed_with_unused_timeout", async (t) => {
  let a!: Coroutine<string>;

  function* try_iterator() {
    for (const f of asCompleted([a], { timeout: 1 })) {
      const v = yield* f;
      assert.equal(v, "a");
    }
  }

  async function try_async_iterator() {
    for await (const f of asCompleted([a], { timeout: 1 })) {
      const v = await future(f);
      assert.equal(v, "a");
    }
  }

  const foos: [string, () => Coroutine<void>][] = [
    ["try_iterator", try_iterator],
    ["try_async_iterator", () => lazy(try_async_iterator)],
  ];
  for (const [method, foo] of foos) {
    await t.step(`method=${method}`, async () => {
      a = sleep(0.01, "a");
      await withLoop(newTestLoop, async (loop) => {
        await loop.runUntilComplete(newTask(loop, foo()));
      });
    });
  }
});

// CPython 3.13 test_tasks.py BaseTaskTests.test_as_completed_resume_iterator
Deno.test("BaseTaskTests.test_as_completed_resume_iterator", async (t) => {
  // Test that as_completed returns an iterator that can be resumed
  // the next time iteration is performed (i.e. if __iter__ is called
  // again)
  function* try_iterator(awaitables: Coroutine<number>[]) {
    let iterations = 0;
    const iterator = asCompleted(awaitables);
    const collected: number[] = [];
    for (const f of iterator) {
      collected.push(yield* f);
      iterations += 1;
      if (iterations === 2) break;
    }
    assert.equal(collected.length, 2);

    // Resume same iterator:
    for (const f of iterator) collected.push(yield* f);
    return collected;
  }

  async function try_async_iterator(awaitables: Coroutine<number>[]) {
    let iterations = 0;
    const iterator = asCompleted(awaitables);
    const collected: number[] = [];
    for await (const f of iterator) {
      collected.push(await future(f));
      iterations += 1;
      if (iterations === 2) break;
    }
    assert.equal(collected.length, 2);

    // Resume same iterator:
    for await (const f of iterator) collected.push(await future(f));
    return collected;
  }

  // deno-lint-ignore require-yield
  function* coro(i: number) {
    return i;
  }

  await withLoop(newTestLoop, async (loop) => {
    const foos: [string, (aws: Coroutine<number>[]) => Coroutine<number[]>][] = [
      ["try_iterator", try_iterator],
      ["try_async_iterator", (aws) => lazy(() => try_async_iterator(aws))],
    ];
    for (const [method, foo] of foos) {
      await t.step(`method=${method}`, async () => {
        const results = await loop.runUntilComplete(foo([coro(0), coro(1), coro(2), coro(3)]));
        assert.deepEqual([...results].sort(), [0, 1, 2, 3]);
      });
    }
  });
});

// CPython 3.13 test_tasks.py BaseTaskTests.test_as_completed_reverse_wait
Deno.test("BaseTaskTests.test_as_completed_reverse_wait", async () => {
  // Tests the plain iterator style of as_completed iteration to
  // ensure that the first future awaited resolves to the first
  // completed awaitable from the set we passed in, even if it wasn't
  // the first future generated by as_completed.
  await withLoop(newTestLoop, async (loop) => {
    const a = sleep(0.05, "a");
    const b = sleep(0.10, "b");
    const fs = new Set([a, b]);

    function* test() {
      const futs = Array.from(asCompleted(fs));
      assert.equal(futs.length, 2);

      const x = yield* futs[1];
      assert.equal(x, "a");
      assert.ok(Math.abs(0.05 - loop.time()) < 1e-7);
      loop.clock.advance(0.05);
      const y = yield* futs[0];
      assert.equal(y, "b");
      assert.ok(Math.abs(0.10 - loop.time()) < 1e-7);
    }

    await loop.runUntilComplete(test());
  });
});

// CPython 3.13 test_tasks.py BaseTaskTests.test_as_completed_concurrent
Deno.test("BaseTaskTests.test_as_completed_concurrent", async (t) => {
  // Ensure that more than one future or coroutine yielded from
  // as_completed can be awaited concurrently.
  // deno-lint-ignore require-await
  async function try_iterator(fs: Set<Coroutine<string>>) {
    return Array.from(asCompleted(fs));
  }

  async function try_async_iterator(fs: Set<Coroutine<string>>) {
    const out: Future<string>[] = [];
    for await (const f of asCompleted(fs)) out.push(future(f));
    return out;
  }

  const runners: [string, (fs: Set<Coroutine<string>>) => Promise<unknown[]>][] = [
    ["try_iterator", try_iterator],
    ["try_async_iterator", try_async_iterator],
  ];
  for (const [method, runner] of runners) {
    await t.step(`method=${method}`, async () => {
      const a = sleep(0.05, "a");
      const b = sleep(0.05, "b");
      const fs = new Set([a, b]);

      function* test() {
        const futs = yield* lazy(() => runner(fs));
        assert.equal(futs.length, 2);
        const [done, _pending] = yield* wait(
          futs.map((fut) => ensureFuture(fut as Coroutine<string> | Future<string>)),
        );
        assert.deepEqual(new Set([...done].map((f) => f.result())), new Set(["a", "b"]));
      }

      await withLoop(newTestLoop, async (loop) => {
        await loop.runUntilComplete(test());
      });
    });
  }
});

// CPython 3.13 test_tasks.py BaseTaskTests.test_as_completed_duplicate_coroutines
Deno.test("BaseTaskTests.test_as_completed_duplicate_coroutines", async (t) => {
  // deno-lint-ignore require-yield
  function* coro(s: string) {
    return s;
  }

  function* try_iterator() {
    const result: string[] = [];
    const c = coro("ham");
    for (const f of asCompleted([c, c, coro("spam")])) result.push(yield* f);
    return result;
  }

  async function try_async_iterator() {
    const result: string[] = [];
    const c = coro("ham");
    for await (const f of asCompleted([c, c, coro("spam")])) result.push(await future(f));
    return result;
  }

  const runners: [string, () => Coroutine<string[]>][] = [
    ["try_iterator", try_iterator],
    ["try_async_iterator", () => lazy(try_async_iterator)],
  ];
  for (const [method, runner] of runners) {
    await t.step(`method=${method}`, async () => {
      await withLoop(setUpLoop, async (loop) => {
        const fut = newTask(loop, runner());
        await loop.runUntilComplete(fut);
        const result = fut.result();
        assert.deepEqual(new Set(result), new Set(["ham", "spam"]));
        assert.equal(result.length, 2);
      });
    });
  }
});

// CPython 3.13 test_tasks.py BaseTaskTests.test_as_completed_coroutine_without_loop
Deno.test("BaseTaskTests.test_as_completed_coroutine_without_loop", async () => {
  // deno-lint-ignore require-yield
  function* coro() {
    return 42;
  }

  const a = coro();
  try {
    await withNoGlobalLoop(() => {
      assert.throws(
        () => {
          const futs = asCompleted([a]);
          Array.from(futs);
        },
        (e: unknown) => e instanceof RuntimeError && /no current event loop/.test(e.message),
      );
    });
  } finally {
    a.return(undefined as unknown as number);
  }
});

// CPython 3.13 test_tasks.py BaseTaskTests.test_as_completed_coroutine_use_running_loop
Deno.test("BaseTaskTests.test_as_completed_coroutine_use_running_loop", async () => {
  await withLoop(newTestLoop, async (loop) => {
    // deno-lint-ignore require-yield
    function* coro() {
      return 42;
    }

    function* test() {
      const futs = Array.from(asCompleted([coro()]));
      assert.equal(futs.length, 1);
      assert.equal(yield* futs[0], 42);
    }

    await loop.runUntilComplete(test());
  });
});

// CPython 3.13 test_tasks.py BaseTaskTests.test_as_completed_invalid_args
Deno.test("BaseTaskTests.test_as_completed_invalid_args", async () => {
  // as_completed() expects a list of futures, not a future instance
  // TypeError should be raised either on iterator construction or first
  // iteration
  await withLoop(setUpLoop, async (loop) => {
    // Plain iterator
    let fut = new Future({ loop });
    assert.throws(() => {
      const iterator = asCompleted(fut as never);
      iterator[Symbol.iterator]().next();
    }, TypeError);
    let coro = coroutine_function();
    assert.throws(() => {
      const iterator = asCompleted(coro as never);
      iterator[Symbol.iterator]().next();
    }, TypeError);
    coro.return();

    // Async iterator
    async function try_async_iterator(aw: unknown) {
      for await (const _f of asCompleted(aw as never)) break;
    }

    fut = new Future({ loop });
    await assert.rejects(loop.runUntilComplete(lazy(() => try_async_iterator(fut))), TypeError);
    coro = coroutine_function();
    await assert.rejects(loop.runUntilComplete(lazy(() => try_async_iterator(coro))), TypeError);
    coro.return();
  });
});
