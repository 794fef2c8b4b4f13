// CPython 3.12's Lib/test/test_asyncio/test_waitfor.py, ported to this
// project as Deno tests.
//
// How cases are translated:
// - Each ported case is one Deno.test named "<CPython class>.<method>", with
//   a comment above it naming the source.
// - unittest.IsolatedAsyncioTestCase runs each test coroutine as a task on a
//   fresh loop; here `asyncTest` runs the body with `runUntilComplete` on a
//   fresh `TestLoop` (virtual time: the real sleeps of the CPython tests take
//   no real time), watched and closed by `withLoop`.
// - `async def` → generator functions, `await x` → `yield* x`;
//   `asyncio.wait_for(aw, t)` → `waitFor(aw, t)`, `timeout=None` → `null`;
//   `time.monotonic()` → `loop.time()` (the loop's clock, virtual here).
// - `with self.assertRaises(X) as cm: await ...` → `yield* assertRaises(X, ...)`,
//   which returns the exception; asyncio's implicit exception chaining
//   (`cm.exception.__context__`) is the error's `cause` here.
// - `self.subTest(...)` → a plain loop with the value in the failure message.
// - Where 3.12 and 3.13 differ (only comment wording in this file), 3.12 is
//   followed.

import assert from "node:assert/strict";
import {
  CancelledError,
  type Coroutine,
  createTask,
  type Future,
  getRunningLoop,
  shield,
  sleep,
  TimeoutError,
  wait,
  waitFor,
} from "../../mod.ts";
import { assertRaises, asyncTest } from "./_unittest.ts";

// The following value can be used as a very small timeout:
// it passes check "timeout > 0", but has almost
// no effect on the test performance
const _EPSILON = 0.0001;

// support.LONG_TIMEOUT
const LONG_TIMEOUT = 5 * 60;

/** Task will run for this defined time, ignoring cancel requests */
class SlowTask {
  static TASK_TIMEOUT = 0.2;
  readonly TASK_TIMEOUT = SlowTask.TASK_TIMEOUT;
  exited = false;

  *run(): Coroutine<void> {
    const loop = getRunningLoop();
    const exitat = loop.time() + this.TASK_TIMEOUT;

    while (true) {
      const tosleep = exitat - loop.time();
      if (tosleep <= 0) break;

      try {
        yield* sleep(tosleep);
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
      }
    }

    this.exited = true;
  }
}

// ---------------------------------------------------------------------------
// AsyncioWaitForTest

// CPython 3.12 test_waitfor.py AsyncioWaitForTest.test_asyncio_wait_for_cancelled
Deno.test("AsyncioWaitForTest.test_asyncio_wait_for_cancelled", async () => {
  await asyncTest(function* () {
    const t = new SlowTask();

    const waitfortask = createTask(waitFor(t.run(), t.TASK_TIMEOUT * 2));
    yield* sleep(0);
    waitfortask.cancel();
    yield* wait(new Set([waitfortask]));

    assert.equal(t.exited, true);
  });
});

// CPython 3.12 test_waitfor.py AsyncioWaitForTest.test_asyncio_wait_for_timeout
Deno.test("AsyncioWaitForTest.test_asyncio_wait_for_timeout", async () => {
  await asyncTest(function* () {
    const t = new SlowTask();

    try {
      yield* waitFor(t.run(), t.TASK_TIMEOUT / 2);
    } catch (e) {
      if (!(e instanceof TimeoutError)) throw e;
    }

    assert.equal(t.exited, true);
  });
});

// CPython 3.12 test_waitfor.py AsyncioWaitForTest.test_wait_for_timeout_less_then_0_or_0_future_done
Deno.test(
  "AsyncioWaitForTest.test_wait_for_timeout_less_then_0_or_0_future_done",
  async () => {
    await asyncTest(function* () {
      const loop = getRunningLoop();

      const fut = loop.createFuture<string>();
      fut.setResult("done");

      const ret = yield* waitFor(fut, 0);

      assert.equal(ret, "done");
      assert.equal(fut.done(), true);
    });
  },
);

// CPython 3.12 test_waitfor.py AsyncioWaitForTest.test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started
Deno.test(
  "AsyncioWaitForTest.test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started",
  async () => {
    await asyncTest(function* () {
      let fooStarted = false;

      function* foo(): Coroutine<void> {
        fooStarted = true;
        yield* [];
      }

      yield* assertRaises(TimeoutError, waitFor(foo(), 0));

      assert.equal(fooStarted, false);
    });
  },
);

// CPython 3.12 test_waitfor.py AsyncioWaitForTest.test_wait_for_timeout_less_then_0_or_0
Deno.test("AsyncioWaitForTest.test_wait_for_timeout_less_then_0_or_0", async () => {
  await asyncTest(function* () {
    const loop = getRunningLoop();

    for (const timeout of [0, -1]) {
      // subTest(timeout=timeout)
      let fooRunning: boolean | null = null;
      const started = loop.createFuture<null>();

      const foo = function* (): Coroutine<string> {
        fooRunning = true;
        started.setResult(null);
        try {
          yield* sleep(10);
        } finally {
          fooRunning = false;
        }
        return "done";
      };

      const fut = createTask(foo());
      yield* started;

      yield* assertRaises(TimeoutError, waitFor(fut, timeout));

      assert.equal(fut.done(), true, `timeout=${timeout}`);
      // it should have been cancelled due to the timeout
      assert.equal(fut.cancelled(), true, `timeout=${timeout}`);
      assert.equal(fooRunning, false, `timeout=${timeout}`);
    }
  });
});

// CPython 3.12 test_waitfor.py AsyncioWaitForTest.test_wait_for
Deno.test("AsyncioWaitForTest.test_wait_for", async () => {
  await asyncTest(function* () {
    let fooRunning: boolean | null = null;

    function* foo(): Coroutine<string> {
      fooRunning = true;
      try {
        yield* sleep(LONG_TIMEOUT);
      } finally {
        fooRunning = false;
      }
      return "done";
    }

    const fut = createTask(foo());

    yield* assertRaises(TimeoutError, waitFor(fut, 0.1));
    assert.equal(fut.done(), true);
    // it should have been cancelled due to the timeout
    assert.equal(fut.cancelled(), true);
    assert.equal(fooRunning, false);
  });
});

// CPython 3.12 test_waitfor.py AsyncioWaitForTest.test_wait_for_blocking
Deno.test("AsyncioWaitForTest.test_wait_for_blocking", async () => {
  await asyncTest(function* () {
    function* coro(): Coroutine<string> {
      yield* [];
      return "done";
    }

    const res = yield* waitFor(coro(), null);
    assert.equal(res, "done");
  });
});

// CPython 3.12 test_waitfor.py AsyncioWaitForTest.test_wait_for_race_condition
Deno.test("AsyncioWaitForTest.test_wait_for_race_condition", async () => {
  await asyncTest(function* () {
    const loop = getRunningLoop();

    const fut = loop.createFuture<string>();
    const task = waitFor(fut, 0.2);
    loop.callSoon((v: string) => fut.setResult(v), "ok");
    const res = yield* task;
    assert.equal(res, "ok");
  });
});

// CPython 3.12 test_waitfor.py AsyncioWaitForTest.test_wait_for_cancellation_race_condition
Deno.test("AsyncioWaitForTest.test_wait_for_cancellation_race_condition", async () => {
  await asyncTest(function* () {
    function* inner(): Coroutine<number> {
      yield* assertRaises(CancelledError, sleep(1));
      return 1;
    }

    const result = yield* waitFor(inner(), 0.01);
    assert.equal(result, 1);
  });
});

// CPython 3.12 test_waitfor.py AsyncioWaitForTest.test_wait_for_waits_for_task_cancellation
Deno.test("AsyncioWaitForTest.test_wait_for_waits_for_task_cancellation", async () => {
  await asyncTest(function* () {
    let taskDone = false;

    function* inner(): Coroutine<void> {
      try {
        yield* sleep(10);
      } catch (e) {
        if (e instanceof CancelledError) yield* sleep(_EPSILON);
        throw e;
      } finally {
        taskDone = true;
      }
    }

    const innerTask = createTask(inner());

    const exception = yield* assertRaises(TimeoutError, waitFor(innerTask, _EPSILON));

    assert.equal(taskDone, true);
    const chained = exception.cause;
    assert.equal((chained as object | undefined)?.constructor, CancelledError);
  });
});

// CPython 3.12 test_waitfor.py AsyncioWaitForTest.test_wait_for_waits_for_task_cancellation_w_timeout_0
Deno.test(
  "AsyncioWaitForTest.test_wait_for_waits_for_task_cancellation_w_timeout_0",
  async () => {
    await asyncTest(function* () {
      let taskDone = false;

      function* foo(): Coroutine<void> {
        function* inner(): Coroutine<void> {
          try {
            yield* sleep(10);
          } catch (e) {
            if (e instanceof CancelledError) yield* sleep(_EPSILON);
            throw e;
          } finally {
            taskDone = true;
          }
        }

        const innerTask = createTask(inner());
        yield* sleep(_EPSILON);
        yield* waitFor(innerTask, 0);
      }

      const exception = yield* assertRaises(TimeoutError, foo());

      assert.equal(taskDone, true);
      const chained = exception.cause;
      assert.equal((chained as object | undefined)?.constructor, CancelledError);
    });
  },
);

// CPython 3.12 test_waitfor.py AsyncioWaitForTest.test_wait_for_reraises_exception_during_cancellation
Deno.test(
  "AsyncioWaitForTest.test_wait_for_reraises_exception_during_cancellation",
  async () => {
    await asyncTest(function* () {
      class FooException extends Error {}

      function* foo(): Coroutine<void> {
        function* inner(): Coroutine<void> {
          try {
            yield* sleep(0.2);
          } finally {
            // deno-lint-ignore no-unsafe-finally
            throw new FooException();
          }
        }

        const innerTask = createTask(inner());

        yield* waitFor(innerTask, _EPSILON);
      }

      yield* assertRaises(FooException, foo());
    });
  },
);

// CPython 3.12 test_waitfor.py AsyncioWaitForTest._test_cancel_wait_for
function* testCancelWaitFor(timeout: number | null): Coroutine<void> {
  const loop = getRunningLoop();

  function* blockingCoroutine(): Coroutine<void> {
    const fut = loop.createFuture();
    // Block: fut result is never set
    yield* fut;
  }

  const task = createTask(blockingCoroutine());

  const wait = createTask(waitFor(task, timeout));
  loop.callSoon(() => wait.cancel());

  yield* assertRaises(CancelledError, wait);

  // Python issue #23219: cancelling the wait must also cancel the task
  assert.equal(task.cancelled(), true);
}

// CPython 3.12 test_waitfor.py AsyncioWaitForTest.test_cancel_blocking_wait_for
Deno.test("AsyncioWaitForTest.test_cancel_blocking_wait_for", async () => {
  await asyncTest(() => testCancelWaitFor(null));
});

// CPython 3.12 test_waitfor.py AsyncioWaitForTest.test_cancel_wait_for
Deno.test("AsyncioWaitForTest.test_cancel_wait_for", async () => {
  await asyncTest(() => testCancelWaitFor(60.0));
});

// CPython 3.12 test_waitfor.py AsyncioWaitForTest.test_wait_for_cancel_suppressed
// GH-86296: Suppressing CancelledError is discouraged but if a task
// suppresses CancelledError and returns a value, `wait_for` should return
// the value instead of raising CancelledError. This is the same behavior as
// `asyncio.timeout`.
Deno.test("AsyncioWaitForTest.test_wait_for_cancel_suppressed", async () => {
  await asyncTest(function* () {
    function* return42(): Coroutine<number | undefined> {
      try {
        yield* sleep(10);
      } catch (e) {
        if (e instanceof CancelledError) return 42;
        throw e;
      }
      return undefined;
    }

    const res = yield* waitFor(return42(), 0.1);
    assert.equal(res, 42);
  });
});

// CPython 3.12 test_waitfor.py AsyncioWaitForTest.test_wait_for_issue86296
// GH-86296: The task should get cancelled and not run to completion.
// inner completes in one cycle of the event loop so it completes before the
// task is cancelled.
Deno.test({
  name: "AsyncioWaitForTest.test_wait_for_issue86296",
  async fn() {
    await asyncTest(function* () {
      function* inner(): Coroutine<string> {
        yield* [];
        return "done";
      }

      const innerTask = createTask(inner());
      let reachedEnd = false;

      function* waitForCoro(): Coroutine<void> {
        yield* waitFor(innerTask, 100);
        yield* sleep(1);
        reachedEnd = true;
      }

      const task = createTask(waitForCoro());
      assert.equal(task.done(), false);
      // Run the task
      yield* sleep(0);
      task.cancel();
      yield* assertRaises(CancelledError, task);
      assert.equal(innerTask.done(), true);
      assert.equal(yield* innerTask, "done");
      assert.equal(reachedEnd, false);
    });
  },
});

// ---------------------------------------------------------------------------
// WaitForShieldTests

// CPython 3.12 test_waitfor.py WaitForShieldTests.test_zero_timeout
// `asyncio.shield` creates a new task which wraps the passed in awaitable and
// shields it from cancellation so with timeout=0 the task returned by
// `asyncio.shield` aka shielded_task gets cancelled immediately and the task
// wrapped by it is scheduled to run.
Deno.test("WaitForShieldTests.test_zero_timeout", async () => {
  await asyncTest(function* () {
    function* coro(): Coroutine<string> {
      yield* sleep(0.01);
      return "done";
    }

    const task = createTask(coro());
    let shieldedTask!: Future<string>;
    yield* assertRaises(
      TimeoutError,
      function* () {
        shieldedTask = shield(task);
        yield* waitFor(shieldedTask, 0);
      }(),
    );

    // Task is running in background
    assert.equal(task.done(), false);
    assert.equal(task.cancelled(), false);
    assert.equal(shieldedTask.cancelled(), true);

    // Wait for the task to complete
    yield* sleep(0.1);
    assert.equal(task.done(), true);
  });
});

// CPython 3.12 test_waitfor.py WaitForShieldTests.test_none_timeout
// With timeout=None the timeout is disabled so it runs till completion.
Deno.test("WaitForShieldTests.test_none_timeout", async () => {
  await asyncTest(function* () {
    function* coro(): Coroutine<string> {
      yield* sleep(0.1);
      return "done";
    }

    const task = createTask(coro());
    yield* waitFor(shield(task), null);

    assert.equal(task.done(), true);
    assert.equal(yield* task, "done");
  });
});

// CPython 3.12 test_waitfor.py WaitForShieldTests.test_shielded_timeout
// shield prevents the task from being cancelled.
Deno.test("WaitForShieldTests.test_shielded_timeout", async () => {
  await asyncTest(function* () {
    function* coro(): Coroutine<string> {
      yield* sleep(0.1);
      return "done";
    }

    const task = createTask(coro());
    yield* assertRaises(TimeoutError, waitFor(shield(task), 0.01));

    assert.equal(task.done(), false);
    assert.equal(task.cancelled(), false);
    assert.equal(yield* task, "done");
  });
});
