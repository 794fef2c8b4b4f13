// CPython 3.12's Lib/test/test_asyncio/test_timeouts.py, ported to this
// project as Deno tests.
//
// How cases are translated:
// - Each ported case is one Deno.test named "<CPython class>.<method>", with
//   a comment above it naming the source; only the call syntax changes.
// - unittest.IsolatedAsyncioTestCase runs each test coroutine as a task on a
//   fresh loop of an `asyncio.Runner(debug=True)`; here `asyncTest` runs the
//   body with `runUntilComplete` on a fresh `TestLoop({ debug: true })`
//   (virtual time: the real sleeps of the CPython tests take no real time),
//   watched and closed by `withLoop`.
// - `async def` → generator functions, `await x` → `yield* x`;
//   `async with asyncio.timeout(d) as cm: BODY` →
//   `yield* timeout(d, function* (cm) { BODY })`, and `timeout_at(when)` →
//   `timeoutAt(when, ...)`; `None` → `null`. Where the case uses `cm` after
//   the block, the body stores it in a variable of the test.
//   `asyncio.timeout(d)` evaluated without entering it → `new Timeout(
//   loop.time() + d)` (asyncio's timeout() is exactly that).
// - `time.sleep(s)` (blocking the loop's thread while its clock runs on) →
//   `loop.clock.advance(s)`: the virtual clock moves while nothing else runs.
// - `with self.assertRaises(X) as cm: await ...` → `yield* assertRaises(X,
//   ...)`, which returns the exception; `assertRaisesRegex(X, re)` around a
//   plain call → `assertRaisesRegex(X, re, fn)`. Exceptions:
//   TimeoutError / asyncio.TimeoutError → TimeoutError, asyncio.CancelledError
//   → CancelledError, RuntimeError → our RuntimeError, KeyError and
//   ZeroDivisionError → local Error classes. `exc.__cause__` → `cause`.
// - `repr(cm)` → `String(cm)`. Python spells a float with a decimal point
//   (`10.0`) and None as `None`; JavaScript prints `10` and `null`, so the
//   expected strings use the JavaScript spellings.
// - Where 3.12 and 3.13 differ, 3.12 is followed: 3.13 adds assertions on
//   Python's implicit exception context (`__context__`) to a few cases and
//   replaces test_timeout_exception_cause by them; those additions are not
//   ported (JavaScript has no implicit exception context).

import assert from "node:assert/strict";
import {
  CancelledError,
  type Coroutine,
  createTask,
  currentTask,
  getRunningLoop,
  RuntimeError,
  sleep,
  Timeout,
  timeout,
  timeoutAt,
  TimeoutError,
} from "../../mod.ts";
import { assertRaises, assertRaisesRegex, asyncTest } from "./_unittest.ts";

class KeyError extends Error {
  override name = "KeyError";
}

class ZeroDivisionError extends Error {
  override name = "ZeroDivisionError";
}

// ---------------------------------------------------------------------------
// TimeoutTests

// CPython 3.12 test_timeouts.py TimeoutTests.test_timeout_basic
Deno.test("TimeoutTests.test_timeout_basic", async () => {
  await asyncTest(function* () {
    let cm!: Timeout;
    yield* assertRaises(
      TimeoutError,
      timeout(0.01, function* (c) {
        cm = c;
        yield* sleep(10);
      }),
    );
    assert.ok(cm.expired());
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_timeout_at_basic
Deno.test("TimeoutTests.test_timeout_at_basic", async () => {
  await asyncTest(function* () {
    const loop = getRunningLoop();

    let cm!: Timeout;
    let deadline!: number;
    yield* assertRaises(
      TimeoutError,
      function* () {
        deadline = loop.time() + 0.01;
        yield* timeoutAt(deadline, function* (c) {
          cm = c;
          yield* sleep(10);
        });
      }(),
    );
    assert.ok(cm.expired());
    assert.equal(deadline, cm.when());
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_nested_timeouts
Deno.test("TimeoutTests.test_nested_timeouts", async () => {
  await asyncTest(function* () {
    const loop = getRunningLoop();
    let cancelled = false;
    let cm1!: Timeout;
    let cm2!: Timeout;
    yield* assertRaises(
      TimeoutError,
      function* () {
        const deadline = loop.time() + 0.01;
        yield* timeoutAt(deadline, function* (c1) {
          cm1 = c1;
          // Only the topmost context manager should raise TimeoutError
          try {
            yield* timeoutAt(deadline, function* (c2) {
              cm2 = c2;
              yield* sleep(10);
            });
          } catch (e) {
            if (e instanceof CancelledError) cancelled = true;
            throw e;
          }
        });
      }(),
    );
    assert.ok(cancelled);
    assert.ok(cm1.expired());
    assert.ok(cm2.expired());
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_waiter_cancelled
Deno.test("TimeoutTests.test_waiter_cancelled", async () => {
  await asyncTest(function* () {
    let cancelled = false;
    yield* assertRaises(
      TimeoutError,
      timeout(0.01, function* () {
        try {
          yield* sleep(10);
        } catch (e) {
          if (e instanceof CancelledError) cancelled = true;
          throw e;
        }
      }),
    );
    assert.ok(cancelled);
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_timeout_not_called
Deno.test("TimeoutTests.test_timeout_not_called", async () => {
  await asyncTest(function* () {
    const loop = getRunningLoop();
    const cm = yield* timeout(10, function* (c) {
      yield* sleep(0.01);
      return c;
    });
    const t1 = loop.time();

    assert.equal(cm.expired(), false);
    assert.ok(cm.when()! > t1);
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_timeout_disabled
Deno.test("TimeoutTests.test_timeout_disabled", async () => {
  await asyncTest(function* () {
    const cm = yield* timeout(null, function* (c) {
      yield* sleep(0.01);
      return c;
    });

    assert.equal(cm.expired(), false);
    assert.equal(cm.when(), null);
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_timeout_at_disabled
Deno.test("TimeoutTests.test_timeout_at_disabled", async () => {
  await asyncTest(function* () {
    const cm = yield* timeoutAt(null, function* (c) {
      yield* sleep(0.01);
      return c;
    });

    assert.equal(cm.expired(), false);
    assert.equal(cm.when(), null);
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_timeout_zero
Deno.test("TimeoutTests.test_timeout_zero", async () => {
  await asyncTest(function* () {
    const loop = getRunningLoop();
    const t0 = loop.time();
    let cm!: Timeout;
    yield* assertRaises(
      TimeoutError,
      timeout(0, function* (c) {
        cm = c;
        yield* sleep(10);
      }),
    );
    const t1 = loop.time();
    assert.ok(cm.expired());
    assert.ok(t0 <= cm.when()! && cm.when()! <= t1);
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_timeout_zero_sleep_zero
Deno.test("TimeoutTests.test_timeout_zero_sleep_zero", async () => {
  await asyncTest(function* () {
    const loop = getRunningLoop();
    const t0 = loop.time();
    let cm!: Timeout;
    yield* assertRaises(
      TimeoutError,
      timeout(0, function* (c) {
        cm = c;
        yield* sleep(0);
      }),
    );
    const t1 = loop.time();
    assert.ok(cm.expired());
    assert.ok(t0 <= cm.when()! && cm.when()! <= t1);
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_timeout_in_the_past_sleep_zero
Deno.test("TimeoutTests.test_timeout_in_the_past_sleep_zero", async () => {
  await asyncTest(function* () {
    const loop = getRunningLoop();
    const t0 = loop.time();
    let cm!: Timeout;
    yield* assertRaises(
      TimeoutError,
      timeout(-11, function* (c) {
        cm = c;
        yield* sleep(0);
      }),
    );
    const t1 = loop.time();
    assert.ok(cm.expired());
    assert.ok(t0 >= cm.when()! && cm.when()! <= t1);
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_foreign_exception_passed
Deno.test("TimeoutTests.test_foreign_exception_passed", async () => {
  await asyncTest(function* () {
    let cm!: Timeout;
    yield* assertRaises(
      KeyError,
      timeout(0.01, function* (c) {
        cm = c;
        throw new KeyError();
      }),
    );
    assert.equal(cm.expired(), false);
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_foreign_exception_on_timeout
Deno.test("TimeoutTests.test_foreign_exception_on_timeout", async () => {
  await asyncTest(function* () {
    function* crash(): Coroutine<void> {
      try {
        yield* sleep(1);
      } finally {
        // deno-lint-ignore no-unsafe-finally
        throw new ZeroDivisionError("division by zero");
      }
    }
    yield* assertRaises(
      ZeroDivisionError,
      timeout(0.01, function* () {
        yield* crash();
      }),
    );
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_foreign_cancel_doesnt_timeout_if_not_expired
Deno.test("TimeoutTests.test_foreign_cancel_doesnt_timeout_if_not_expired", async () => {
  await asyncTest(function* () {
    let cm!: Timeout;
    yield* assertRaises(
      CancelledError,
      timeout(10, function* (c) {
        cm = c;
        currentTask()!.cancel();
        yield* sleep(10);
      }),
    );
    assert.equal(cm.expired(), false);
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_outer_task_is_not_cancelled
Deno.test("TimeoutTests.test_outer_task_is_not_cancelled", async () => {
  await asyncTest(function* () {
    function* outer(): Coroutine<void> {
      yield* assertRaises(
        TimeoutError,
        timeout(0.001, function* () {
          yield* sleep(10);
        }),
      );
    }

    const task = createTask(outer());
    yield* task;
    assert.equal(task.cancelled(), false);
    assert.ok(task.done());
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_nested_timeouts_concurrent
Deno.test("TimeoutTests.test_nested_timeouts_concurrent", async () => {
  await asyncTest(function* (loop) {
    yield* assertRaises(
      TimeoutError,
      timeout(0.002, function* () {
        yield* assertRaises(
          TimeoutError,
          timeout(0.1, function* () {
            // Pretend we crunch some numbers.
            loop.clock.advance(0.01); // time.sleep(0.01)
            yield* sleep(1);
          }),
        );
      }),
    );
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_nested_timeouts_loop_busy
Deno.test("TimeoutTests.test_nested_timeouts_loop_busy", async () => {
  await asyncTest(function* (testLoop) {
    // After the inner timeout is an expensive operation which should
    // be stopped by the outer timeout.
    const loop = getRunningLoop();
    // Disable a message about long running task
    testLoop.slowCallbackDuration = 10;
    const t0 = loop.time();
    yield* assertRaises(
      TimeoutError,
      timeout(0.1, function* () { // (1)
        yield* assertRaises(
          TimeoutError,
          timeout(0.01, function* () { // (2)
            // Pretend the loop is busy for a while.
            testLoop.clock.advance(0.1); // time.sleep(0.1)
            yield* sleep(1);
          }),
        );
        // TimeoutError was cought by (2)
        yield* sleep(10); // This sleep should be interrupted by (1)
      }),
    );
    const t1 = loop.time();
    assert.ok(t0 <= t1 && t1 <= t0 + 1);
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_reschedule
Deno.test("TimeoutTests.test_reschedule", async () => {
  await asyncTest(function* () {
    const loop = getRunningLoop();
    const fut = loop.createFuture<Timeout>();
    const deadline1 = loop.time() + 10;
    const deadline2 = deadline1 + 20;

    function* f(): Coroutine<void> {
      yield* timeoutAt(deadline1, function* (cm) {
        fut.setResult(cm);
        yield* sleep(50);
      });
    }

    const task = createTask(f());
    const cm = yield* fut;

    assert.equal(cm.when(), deadline1);
    cm.reschedule(deadline2);
    assert.equal(cm.when(), deadline2);
    cm.reschedule(null);
    assert.equal(cm.when(), null);

    task.cancel();

    yield* assertRaises(CancelledError, task);
    assert.equal(cm.expired(), false);
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_repr_active
Deno.test("TimeoutTests.test_repr_active", async () => {
  await asyncTest(function* () {
    yield* timeout(10, function* (cm) {
      assert.match(String(cm), /<Timeout \[active\] when=\d+(\.\d*)?>/);
    });
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_repr_expired
Deno.test("TimeoutTests.test_repr_expired", async () => {
  await asyncTest(function* () {
    let cm!: Timeout;
    yield* assertRaises(
      TimeoutError,
      timeout(0.01, function* (c) {
        cm = c;
        yield* sleep(10);
      }),
    );
    assert.equal(String(cm), "<Timeout [expired]>");
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_repr_finished
Deno.test("TimeoutTests.test_repr_finished", async () => {
  await asyncTest(function* () {
    const cm = yield* timeout(10, function* (c) {
      yield* sleep(0);
      return c;
    });

    assert.equal(String(cm), "<Timeout [finished]>");
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_repr_disabled
Deno.test("TimeoutTests.test_repr_disabled", async () => {
  await asyncTest(function* () {
    yield* timeout(null, function* (cm) {
      assert.equal(String(cm), "<Timeout [active] when=null>");
    });
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_nested_timeout_in_finally
Deno.test("TimeoutTests.test_nested_timeout_in_finally", async () => {
  await asyncTest(function* () {
    yield* assertRaises(
      TimeoutError,
      timeout(0.01, function* () {
        try {
          yield* sleep(1);
        } finally {
          yield* assertRaises(
            TimeoutError,
            timeout(0.01, function* () {
              yield* sleep(10);
            }),
          );
        }
      }),
    );
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_timeout_after_cancellation
Deno.test("TimeoutTests.test_timeout_after_cancellation", async () => {
  await asyncTest(function* () {
    try {
      currentTask()!.cancel();
      yield* sleep(1); // work which will be cancelled
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
    } finally {
      yield* assertRaises(
        TimeoutError,
        timeout(0.0, function* () {
          yield* sleep(1); // some cleanup
        }),
      );
    }
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_cancel_in_timeout_after_cancellation
Deno.test("TimeoutTests.test_cancel_in_timeout_after_cancellation", async () => {
  await asyncTest(function* () {
    try {
      currentTask()!.cancel();
      yield* sleep(1); // work which will be cancelled
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
    } finally {
      yield* assertRaises(
        CancelledError,
        timeout(1.0, function* () {
          currentTask()!.cancel();
          yield* sleep(2); // some cleanup
        }),
      );
    }
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_timeout_exception_cause
// (3.12 only: 3.13 replaced it by the __context__ assertions noted above.)
Deno.test("TimeoutTests.test_timeout_exception_cause", async () => {
  await asyncTest(function* () {
    const exc = yield* assertRaises(
      TimeoutError,
      timeout(0, function* () {
        yield* sleep(1);
      }),
    );
    const cause = exc.cause;
    assert.ok(cause instanceof CancelledError);
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_timeout_finished
Deno.test("TimeoutTests.test_timeout_finished", async () => {
  await asyncTest(function* () {
    const cm = yield* timeout(0.01, function* (c) {
      return c;
    });
    assertRaisesRegex(RuntimeError, /finished/, () => cm.reschedule(0.02));
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_timeout_expired
Deno.test("TimeoutTests.test_timeout_expired", async () => {
  await asyncTest(function* () {
    let cm!: Timeout;
    yield* assertRaises(
      TimeoutError,
      timeout(0.01, function* (c) {
        cm = c;
        yield* sleep(1);
      }),
    );
    assertRaisesRegex(RuntimeError, /expired/, () => cm.reschedule(0.02));
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_timeout_expiring
Deno.test("TimeoutTests.test_timeout_expiring", async () => {
  await asyncTest(function* () {
    yield* timeout(0.01, function* (cm) {
      yield* assertRaises(CancelledError, sleep(1));
      assertRaisesRegex(RuntimeError, /expiring/, () => cm.reschedule(0.02));
    });
  });
});

// CPython 3.12 test_timeouts.py TimeoutTests.test_timeout_not_entered
Deno.test("TimeoutTests.test_timeout_not_entered", async () => {
  // deno-lint-ignore require-yield
  await asyncTest(function* () {
    const cm = new Timeout(getRunningLoop().time() + 0.01); // asyncio.timeout(0.01)
    assertRaisesRegex(RuntimeError, /has not been entered/, () => cm.reschedule(0.02));
  });
});
