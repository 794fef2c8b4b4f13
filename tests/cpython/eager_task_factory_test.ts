// CPython 3.12's Lib/test/test_asyncio/test_eager_task_factory.py, ported to
// this project as Deno tests (one case that 3.13 added is ported too and says
// so).
//
// How cases are translated:
// - Each ported case is one Deno.test named "<CPython class>.<method>", with
//   a comment above it naming the source; only the call syntax changes, never
//   what a case asserts.
// - The C/Python mixins are ported in one flavour each, under the mixin's
//   name for EagerTaskFactoryLoopTests (CPython runs it for _PyTask and
//   _CTask) and under the concrete names NonEagerTests / EagerTests (Task =
//   asyncio.Task) for the task-counting cases; `self.Task` → `Task`.
// - `self.loop = asyncio.new_event_loop()` → `new TestLoop()` (virtual time:
//   no case needs real I/O; `asyncio.sleep(0.1)` then takes no real time),
//   created, watched and closed by withLoop. `asyncio.create_eager_task_factory`
//   → `createEagerTaskFactory`; `self.set_event_loop(self.loop)` only
//   registers the loop for closing, which withLoop does.
// - `self.run_coro(coro)` → `runCoro(loop, coro)`: as in CPython, it hands
//   `coro` itself to run_until_complete (its `coro_runner` is never used), so
//   the main task is created while the loop is not running yet and is not
//   started eagerly.
// - `async def` → `function*`, `await x` → `yield* x`;
//   `loop.run_until_complete` → `await loop.runUntilComplete`. Assertions
//   made inside coroutines fail the task, and so the run.
// - asyncio.CancelledError → CancelledError; `exc.args[0]` → `exc.message`.
// - AsyncTaskCounter's CountingTask is a function in CPython that
//   create_eager_task_factory calls like a class: here it is a function
//   that `new` can call (it returns the task it makes).
// - `// BUG:` marks a faithful port that fails because the library differs
//   from asyncio in an undocumented way (ignored so the suite stays green;
//   remove `ignore` to see it fail). No case here needed a DEVIATION skip.
// - Left out: test_recursive_taskgroups (asyncio.TaskGroup does not exist
//   here yet).

import assert from "node:assert/strict";
import {
  allTasks,
  type BaseEventLoop,
  CancelledError,
  type Coroutine,
  createEagerTaskFactory,
  currentTask,
  type Future,
  gather,
  sleep,
  Task,
  type TaskConstructorOptions,
  type TaskFactory,
} from "../../mod.ts";
import { TestLoop } from "../../loops/testing/mod.ts";
import { withLoop } from "../_helpers.ts";

// ---- helpers ----------------------------------------------------------------

type TaskClass = Parameters<typeof createEagerTaskFactory>[0];

// EagerTaskFactoryLoopTests.setUp: a new loop whose task factory is
// create_eager_task_factory(self.Task); `fn` gets the loop and the factory.
function withEagerLoop(
  fn: (loop: TestLoop, eagerTaskFactory: TaskFactory) => Promise<void>,
): Promise<void> {
  return withLoop(() => new TestLoop(), async (loop) => {
    const eagerTaskFactory = createEagerTaskFactory(Task);
    loop.setTaskFactory(eagerTaskFactory);
    await fn(loop, eagerTaskFactory);
  });
}

// EagerTaskFactoryLoopTests.run_coro: runs `coro` on the test loop (passed to
// run_until_complete as it is, as CPython's helper does).
function runCoro<T>(loop: TestLoop, coro: Coroutine<T>): Promise<T> {
  return loop.runUntilComplete(coro);
}

// AsyncTaskCounter: installs a task factory on `loop` that counts the tasks
// created without eager_start.
class AsyncTaskCounter {
  suspenseCount = 0;
  taskCount = 0;

  constructor(loop: BaseEventLoop, { taskClass, eager }: { taskClass: TaskClass; eager: boolean }) {
    const countingTask = <T>(
      coro: Coroutine<T> | PromiseLike<T>,
      { eagerStart = false, ...kwargs }: TaskConstructorOptions = {},
    ): Task<T> => {
      if (!eagerStart) this.taskCount += 1;
      return new taskClass<T>(coro, { ...kwargs, eagerStart });
    };
    // A function (not an arrow) so that createEagerTaskFactory's `new` works.
    function CountingTask<T>(
      coro: Coroutine<T> | PromiseLike<T>,
      options?: TaskConstructorOptions,
    ): Task<T> {
      return countingTask(coro, options);
    }

    let factory: TaskFactory;
    if (eager) factory = createEagerTaskFactory(CountingTask as unknown as TaskClass);
    else factory = (loop, coro, kwargs) => countingTask(coro, { ...kwargs, loop });
    loop.setTaskFactory(factory);
  }

  get(): number {
    return this.taskCount;
  }
}

function* awaitableChain(depth: number): Coroutine<number> {
  if (depth === 0) return 0;
  return 1 + (yield* awaitableChain(depth - 1));
}

function* recursiveGather(width: number, depth: number): Coroutine<void> {
  if (depth === 0) return;

  const children: Coroutine<void>[] = [];
  for (let i = 0; i < width; i++) children.push(recursiveGather(width, depth - 1));
  yield* gather(...children);
}

// BaseTaskCountingTests.setUp: a new loop with an AsyncTaskCounter on it.
function withCountingLoop(
  eager: boolean,
  fn: (loop: TestLoop, counter: AsyncTaskCounter) => Promise<void>,
): Promise<void> {
  return withLoop(() => new TestLoop(), async (loop) => {
    const counter = new AsyncTaskCounter(loop, { taskClass: Task, eager });
    await fn(loop, counter);
  });
}

// ---- EagerTaskFactoryLoopTests ----------------------------------------------

// CPython 3.12 test_eager_task_factory.py EagerTaskFactoryLoopTests.test_eager_task_factory_set
Deno.test("EagerTaskFactoryLoopTests.test_eager_task_factory_set", async () => {
  await withEagerLoop(async (loop, eagerTaskFactory) => {
    assert.notEqual(eagerTaskFactory, null);
    assert.notEqual(eagerTaskFactory, undefined);
    assert.equal(loop.getTaskFactory(), eagerTaskFactory);

    function* noop(): Coroutine<void> {}

    function* run(): Coroutine<void> {
      const t = loop.createTask(noop());
      assert.ok(t instanceof Task);
      yield* t;
    }

    await runCoro(loop, run());
  });
});

// CPython 3.12 test_eager_task_factory.py EagerTaskFactoryLoopTests.test_await_future_during_eager_step
Deno.test("EagerTaskFactoryLoopTests.test_await_future_during_eager_step", async () => {
  await withEagerLoop(async (loop) => {
    // deno-lint-ignore require-yield
    function* setResult(fut: Future<string>, val: string): Coroutine<void> {
      fut.setResult(val);
    }

    function* run(): Coroutine<string> {
      const fut = loop.createFuture<string>();
      const t = loop.createTask(setResult(fut, "my message"));
      // assert the eager step completed the task
      assert.ok(t.done());
      return yield* fut;
    }

    assert.equal(await runCoro(loop, run()), "my message");
  });
});

// CPython 3.12 test_eager_task_factory.py EagerTaskFactoryLoopTests.test_eager_completion
Deno.test("EagerTaskFactoryLoopTests.test_eager_completion", async () => {
  await withEagerLoop(async (loop) => {
    // deno-lint-ignore require-yield
    function* coro(): Coroutine<string> {
      return "hello";
    }

    function* run(): Coroutine<string> {
      const t = loop.createTask(coro());
      // assert the eager step completed the task
      assert.ok(t.done());
      return yield* t;
    }

    assert.equal(await runCoro(loop, run()), "hello");
  });
});

// CPython 3.12 test_eager_task_factory.py EagerTaskFactoryLoopTests.test_block_after_eager_step
Deno.test("EagerTaskFactoryLoopTests.test_block_after_eager_step", async () => {
  await withEagerLoop(async (loop) => {
    function* coro(): Coroutine<string> {
      yield* sleep(0.1);
      return "finished after blocking";
    }

    function* run(): Coroutine<string> {
      const t = loop.createTask(coro());
      assert.ok(!t.done());
      const result = yield* t;
      assert.ok(t.done());
      return result;
    }

    assert.equal(await runCoro(loop, run()), "finished after blocking");
  });
});

// CPython 3.12 test_eager_task_factory.py EagerTaskFactoryLoopTests.test_cancellation_after_eager_completion
Deno.test("EagerTaskFactoryLoopTests.test_cancellation_after_eager_completion", async () => {
  await withEagerLoop(async (loop) => {
    // deno-lint-ignore require-yield
    function* coro(): Coroutine<string> {
      return "finished without blocking";
    }

    function* run(): Coroutine<string> {
      const t = loop.createTask(coro());
      t.cancel();
      const result = yield* t;
      // finished task can't be cancelled
      assert.ok(!t.cancelled());
      return result;
    }

    assert.equal(await runCoro(loop, run()), "finished without blocking");
  });
});

// CPython 3.12 test_eager_task_factory.py EagerTaskFactoryLoopTests.test_cancellation_after_eager_step_blocks
Deno.test("EagerTaskFactoryLoopTests.test_cancellation_after_eager_step_blocks", async () => {
  await withEagerLoop(async (loop) => {
    function* coro(): Coroutine<string> {
      yield* sleep(0.1);
      return "finished after blocking";
    }

    function* run(): Coroutine<void> {
      const t = loop.createTask(coro());
      t.cancel("cancellation message");
      assert.ok(t.cancelling() > 0);
      yield* t;
    }

    let caught: unknown;
    await assert.rejects(runCoro(loop, run()), (e) => {
      caught = e;
      return e instanceof CancelledError;
    });

    assert.equal("cancellation message", (caught as CancelledError).message);
  });
});

// CPython 3.12 test_eager_task_factory.py EagerTaskFactoryLoopTests.test_current_task
Deno.test("EagerTaskFactoryLoopTests.test_current_task", async () => {
  await withEagerLoop(async (loop) => {
    let capturedCurrentTask: Task<unknown> | null = null;

    function* coro(): Coroutine<void> {
      capturedCurrentTask = currentTask();
      // verify the task before and after blocking is identical
      yield* sleep(0.1);
      assert.equal(currentTask(), capturedCurrentTask);
    }

    function* run(): Coroutine<void> {
      const t = loop.createTask(coro());
      assert.equal(capturedCurrentTask, t);
      yield* t;
    }

    await runCoro(loop, run());
    capturedCurrentTask = null;
  });
});

// CPython 3.12 test_eager_task_factory.py EagerTaskFactoryLoopTests.test_all_tasks_with_eager_completion
Deno.test({
  name: "EagerTaskFactoryLoopTests.test_all_tasks_with_eager_completion",
  async fn() {
    await withEagerLoop(async (loop) => {
      let capturedAllTasks: Set<Task<unknown>> | null = null;

      // deno-lint-ignore require-yield
      function* coro(): Coroutine<void> {
        capturedAllTasks = allTasks();
      }

      // deno-lint-ignore require-yield
      function* run(): Coroutine<void> {
        const t = loop.createTask(coro());
        assert.ok(capturedAllTasks!.has(t));
        assert.ok(!allTasks().has(t));
      }

      await runCoro(loop, run());
    });
  },
});

// CPython 3.12 test_eager_task_factory.py EagerTaskFactoryLoopTests.test_all_tasks_with_blocking
Deno.test({
  name: "EagerTaskFactoryLoopTests.test_all_tasks_with_blocking",
  async fn() {
    await withEagerLoop(async (loop) => {
      let capturedEagerAllTasks: Set<Task<unknown>> | null = null;

      function* coro(fut1: Future<void>, fut2: Future<void>): Coroutine<void> {
        capturedEagerAllTasks = allTasks();
        yield* fut1;
        fut2.setResult();
      }

      function* run(): Coroutine<void> {
        const fut1 = loop.createFuture<void>();
        const fut2 = loop.createFuture<void>();
        const t = loop.createTask(coro(fut1, fut2));
        assert.ok(capturedEagerAllTasks!.has(t));
        assert.ok(allTasks().has(t));
        fut1.setResult();
        yield* fut2;
        assert.ok(!allTasks().has(t));
      }

      await runCoro(loop, run());
    });
  },
});

// CPython 3.13 test_eager_task_factory.py EagerTaskFactoryLoopTests.test_issue122332
// (added in 3.13; 3.12.1's pure-Python Task behaves the same: __eager_start
// sets _coro to None when the eager step finishes the task, so get_coro()
// returns None; asyncio's docs for get_coro say so).
Deno.test({
  name: "EagerTaskFactoryLoopTests.test_issue122332",
  async fn() {
    await withEagerLoop(async (loop) => {
      function* coro(): Coroutine<void> {}

      function* run(): Coroutine<void> {
        const task = loop.createTask(coro());
        yield* task;
        assert.equal(task.getCoro(), null);
      }

      await runCoro(loop, run());
    });
  },
});

// ---- NonEagerTests / EagerTests (BaseTaskCountingTests) ---------------------

// CPython 3.12 test_eager_task_factory.py NonEagerTests.test_awaitables_chain
Deno.test("NonEagerTests.test_awaitables_chain", async () => {
  await withCountingLoop(false, async (loop, counter) => {
    const observedDepth = await loop.runUntilComplete(awaitableChain(100));
    assert.equal(observedDepth, 100);
    assert.equal(counter.get(), 1);
  });
});

// CPython 3.12 test_eager_task_factory.py NonEagerTests.test_recursive_gather
Deno.test("NonEagerTests.test_recursive_gather", async () => {
  await withCountingLoop(false, async (loop, counter) => {
    await loop.runUntilComplete(recursiveGather(5, 4));
    assert.equal(counter.get(), 781); // 1 + 5 + 5^2 + 5^3 + 5^4
  });
});

// CPython 3.12 test_eager_task_factory.py EagerTests.test_awaitables_chain
Deno.test("EagerTests.test_awaitables_chain", async () => {
  await withCountingLoop(true, async (loop, counter) => {
    const observedDepth = await loop.runUntilComplete(awaitableChain(100));
    assert.equal(observedDepth, 100);
    assert.equal(counter.get(), 0);
  });
});

// CPython 3.12 test_eager_task_factory.py EagerTests.test_recursive_gather
Deno.test("EagerTests.test_recursive_gather", async () => {
  await withCountingLoop(true, async (loop, counter) => {
    await loop.runUntilComplete(recursiveGather(5, 4));
    assert.equal(counter.get(), 0);
  });
});
