// CPython 3.12's Lib/test/test_asyncio/test_locks.py, with the cases 3.13
// adds (its Condition no-lost-wake-up cases and test_acquire_fifo_order_4,
// marked "CPython 3.13"), ported to this project as Deno tests.
//
// How cases are translated:
// - Each ported case is one Deno.test named "<CPython class>.<method>", with
//   a comment above it naming the source; only the call syntax changes.
// - unittest.IsolatedAsyncioTestCase runs each test coroutine as a task on a
//   fresh loop in debug mode; here `asyncTest` runs the body with
//   `runUntilComplete` on a fresh `TestLoop({ debug: true })` (virtual time:
//   the sleeps take no real time), watched and closed by `withLoop`. Plain
//   `def test_...` cases run without a loop.
// - `async def` → generator functions, `await x` → `yield* x`;
//   `asyncio.create_task(c)` → `createTask(c)`, `loop.call_soon(task.cancel)`
//   → `loop.callSoon(() => task.cancel())`; `async with lock:` (Lock,
//   Condition, Semaphore) → a block with `using _held = yield* lock.hold();`;
//   `async with barrier as i:` → `const i = yield* barrier.wait();` (a
//   Barrier's __aexit__ does nothing); `async with asyncio.TaskGroup() as tg:`
//   → `yield* taskGroup(function* (tg) { ... })`; `async with
//   asyncio.timeout(d):` → `yield* timeout(d, function* () { ... })`.
// - `await lock` on a primitive (TypeError in Python) → `yield* lock`, which
//   is V8's TypeError; its message is V8's ("... is not iterable") instead of
//   the interpreter's "object Lock can't be used in 'await' expression".
// - `cls(loop=loop)` → `new cls({ loop })` (JavaScript has no keyword
//   arguments): the TypeError's message names the class and the option, as
//   `Cls() got an unexpected option 'loop'`.
// - Exceptions: ValueError → RangeError, RuntimeError → our RuntimeError,
//   asyncio.CancelledError / TimeoutError / BrokenBarrierError → ours.
// - `repr(x)` → `String(x)`. JavaScript objects have no address, so a
//   description is `<Lock [locked]>` where Python's is `<asyncio.locks.Lock
//   object at 0x... [locked]>`: RGX_REPR is the same pattern without the
//   "object at <address>" part.
// - White-box attributes keep their camelCased names (`_waiters`, `_value`,
//   `_count`, `_lock`, `_loop`); a deque's `len()` → `.length`, `[0]` →
//   `.at(0)`, an empty or absent deque is what `assertFalse` accepts.
//   `mock.Mock()` appended to a waiter deque → a placeholder object.

import assert from "node:assert/strict";
import {
  Barrier,
  BoundedSemaphore,
  BrokenBarrierError,
  CancelledError,
  Condition,
  type Coroutine,
  createTask,
  Event,
  type Future,
  gather,
  getRunningLoop,
  Lock,
  RuntimeError,
  Semaphore,
  sleep,
  type Task,
  taskGroup,
  timeout,
  TimeoutError,
  wait,
  waitFor,
} from "../../mod.ts";
import { TestLoop } from "../../loops/testing/mod.ts";
import { RingQueue } from "../../loops/core/ring_queue.ts";
import { bad } from "../_helpers.ts";
import { assertRaises, asyncTest } from "./_unittest.ts";

const RGX_REPR = new RegExp(
  String.raw`^<(?<class>.*?) \[(?<extras>` +
    String.raw`(set|unset|locked|unlocked|filling|draining|resetting|broken)` +
    String.raw`(, value:\d)?` +
    String.raw`(, waiters:\d+)?` +
    String.raw`(, waiters:\d+\/\d+)?` + // barrier
    String.raw`)\]>$`,
);

// What `await x` of a non-awaitable raises here: V8's TypeError.
const NOT_AWAITABLE = /is not iterable/;

// `with self.assertRaisesRegex(cls, regex): <body that awaits>`.
function* assertRaisesRegex(
  // deno-lint-ignore no-explicit-any
  cls: abstract new (...args: any[]) => Error,
  regex: RegExp,
  body: Iterable<unknown, unknown>,
): Coroutine<void> {
  const e = yield* assertRaises(cls, body);
  assert.match(e.message, regex);
}

// `await x` where x is not awaitable.
function awaitNonAwaitable(x: unknown): Iterable<unknown, unknown> {
  return bad<Iterable<unknown, unknown>>(x);
}

// `len(deque)`, where asyncio may hold None instead of an empty deque.
function len(d: RingQueue<unknown> | null): number {
  return d === null ? 0 : d.length;
}

// ---------------------------------------------------------------------------
// LockTests

// CPython 3.12 test_locks.py LockTests.test_repr
Deno.test("LockTests.test_repr", async () => {
  await asyncTest(function* () {
    const lock = new Lock();
    assert.ok(String(lock).endsWith("[unlocked]>"));
    assert.match(String(lock), RGX_REPR);

    yield* lock.acquire();
    assert.ok(String(lock).endsWith("[locked]>"));
    assert.match(String(lock), RGX_REPR);
  });
});

// CPython 3.12 test_locks.py LockTests.test_lock
Deno.test("LockTests.test_lock", async () => {
  await asyncTest(function* () {
    const lock = new Lock();

    yield* assertRaisesRegex(TypeError, NOT_AWAITABLE, awaitNonAwaitable(lock));

    assert.equal(lock.locked(), false);
  });
});

// CPython 3.12 test_locks.py LockTests.test_lock_doesnt_accept_loop_parameter
Deno.test("LockTests.test_lock_doesnt_accept_loop_parameter", async () => {
  // deno-lint-ignore require-yield
  await asyncTest(function* () {
    const primitivesCls = [Lock, Condition, Event, Semaphore, BoundedSemaphore];

    const loop = getRunningLoop();

    for (const cls of primitivesCls) {
      assert.throws(
        () => new (cls as new (arg: unknown) => unknown)({ loop }),
        (e: unknown) => {
          assert.ok(e instanceof TypeError);
          assert.match(e.message, new RegExp(`${cls.name}\\(\\) got an unexpected option 'loop'`));
          return true;
        },
      );
    }
  });
});

// CPython 3.12 test_locks.py LockTests.test_lock_by_with_statement
Deno.test("LockTests.test_lock_by_with_statement", async () => {
  await asyncTest(function* () {
    const primitives = [new Lock(), new Condition(), new Semaphore(), new BoundedSemaphore()];

    for (const lock of primitives) {
      yield* sleep(0.01);
      assert.equal(lock.locked(), false);
      yield* assertRaisesRegex(TypeError, NOT_AWAITABLE, awaitNonAwaitable(lock));
      assert.equal(lock.locked(), false);
    }
  });
});

// CPython 3.12 test_locks.py LockTests.test_acquire
Deno.test("LockTests.test_acquire", async () => {
  await asyncTest(function* () {
    const lock = new Lock();
    const result: number[] = [];

    assert.equal(yield* lock.acquire(), true);

    function* c1(result: number[]) {
      if (yield* lock.acquire()) result.push(1);
      return true;
    }

    function* c2(result: number[]) {
      if (yield* lock.acquire()) result.push(2);
      return true;
    }

    function* c3(result: number[]) {
      if (yield* lock.acquire()) result.push(3);
      return true;
    }

    const t1 = createTask(c1(result));
    const t2 = createTask(c2(result));

    yield* sleep(0);
    assert.deepEqual(result, []);

    lock.release();
    yield* sleep(0);
    assert.deepEqual(result, [1]);

    yield* sleep(0);
    assert.deepEqual(result, [1]);

    const t3 = createTask(c3(result));

    lock.release();
    yield* sleep(0);
    assert.deepEqual(result, [1, 2]);

    lock.release();
    yield* sleep(0);
    assert.deepEqual(result, [1, 2, 3]);

    assert.ok(t1.done());
    assert.ok(t1.result());
    assert.ok(t2.done());
    assert.ok(t2.result());
    assert.ok(t3.done());
    assert.ok(t3.result());
  });
});

// CPython 3.12 test_locks.py LockTests.test_acquire_cancel
Deno.test("LockTests.test_acquire_cancel", async () => {
  await asyncTest(function* (loop) {
    const lock = new Lock();
    assert.ok(yield* lock.acquire());

    const task = createTask(lock.acquire());
    loop.callSoon(() => task.cancel());
    yield* assertRaises(CancelledError, task);
    assert.equal(len(lock._waiters), 0);
  });
});

// CPython 3.12 test_locks.py LockTests.test_cancel_race
Deno.test("LockTests.test_cancel_race", async () => {
  await asyncTest(function* (loop) {
    // Several tasks:
    // - A acquires the lock
    // - B is blocked in acquire()
    // - C is blocked in acquire()
    //
    // Now, concurrently:
    // - B is cancelled
    // - A releases the lock
    //
    // If B's waiter is marked cancelled but not yet removed from
    // _waiters, A's release() call will crash when trying to set
    // B's waiter; instead, it should move on to C's waiter.

    // Setup: A has the lock, b and c are waiting.
    const lock = new Lock();

    function* lockit(_name: string, blocker: Future<unknown> | null) {
      yield* lock.acquire();
      try {
        if (blocker !== null) yield* blocker;
      } finally {
        lock.release();
      }
    }

    const fa = loop.createFuture();
    const ta = createTask(lockit("A", fa));
    yield* sleep(0);
    assert.ok(lock.locked());
    const tb = createTask(lockit("B", null));
    yield* sleep(0);
    assert.equal(len(lock._waiters), 1);
    const tc = createTask(lockit("C", null));
    yield* sleep(0);
    assert.equal(len(lock._waiters), 2);

    // Create the race and check.
    // Without the fix this failed at the last assert.
    fa.setResult(null);
    tb.cancel();
    assert.ok(lock._waiters!.at(0).cancelled());
    yield* sleep(0);
    assert.equal(lock.locked(), false);
    assert.ok(ta.done());
    assert.ok(tb.cancelled());
    yield* tc;
  });
});

// CPython 3.12 test_locks.py LockTests.test_cancel_release_race
Deno.test("LockTests.test_cancel_release_race", async () => {
  await asyncTest(function* (loop) {
    // Issue 32734
    // Acquire 4 locks, cancel second, release first
    // and 2 locks are taken at once.
    const lock = new Lock();
    let lockCount = 0;
    let callCount = 0;

    function* lockit() {
      callCount += 1;
      yield* lock.acquire();
      lockCount += 1;
    }

    function trigger() {
      t1.cancel();
      lock.release();
    }

    yield* lock.acquire();

    const t1 = createTask(lockit());
    const t2 = createTask(lockit());
    const t3 = createTask(lockit());

    // Start scheduled tasks
    yield* sleep(0);

    loop.callSoon(trigger);
    // Wait for cancellation
    yield* assertRaises(CancelledError, t1);

    // Make sure only one lock was taken
    assert.equal(lockCount, 1);
    // While 3 calls were made to lockit()
    assert.equal(callCount, 3);
    assert.ok(t1.cancelled() && t2.done());

    // Cleanup the task that is stuck on acquire.
    t3.cancel();
    yield* sleep(0);
    assert.ok(t3.cancelled());
  });
});

// CPython 3.12 test_locks.py LockTests.test_finished_waiter_cancelled
Deno.test("LockTests.test_finished_waiter_cancelled", async () => {
  await asyncTest(function* () {
    const lock = new Lock();

    yield* lock.acquire();
    assert.ok(lock.locked());

    const tb = createTask(lock.acquire());
    yield* sleep(0);
    assert.equal(len(lock._waiters), 1);

    // Create a second waiter, wake up the first, and cancel it.
    // Without the fix, the second was not woken up.
    const tc = createTask(lock.acquire());
    tb.cancel();
    lock.release();
    yield* sleep(0);

    assert.ok(lock.locked());
    assert.ok(tb.cancelled());

    // Cleanup
    yield* tc;
  });
});

// CPython 3.12 test_locks.py LockTests.test_release_not_acquired
Deno.test("LockTests.test_release_not_acquired", async () => {
  // deno-lint-ignore require-yield
  await asyncTest(function* () {
    const lock = new Lock();

    assert.throws(() => lock.release(), RuntimeError);
  });
});

// CPython 3.12 test_locks.py LockTests.test_release_no_waiters
Deno.test("LockTests.test_release_no_waiters", async () => {
  await asyncTest(function* () {
    const lock = new Lock();
    yield* lock.acquire();
    assert.ok(lock.locked());

    lock.release();
    assert.equal(lock.locked(), false);
  });
});

// CPython 3.12 test_locks.py LockTests.test_context_manager
Deno.test("LockTests.test_context_manager", async () => {
  await asyncTest(function* () {
    const lock = new Lock();
    assert.equal(lock.locked(), false);

    {
      using _held = yield* lock.hold();
      assert.ok(lock.locked());
    }

    assert.equal(lock.locked(), false);
  });
});

// ---------------------------------------------------------------------------
// EventTests

// CPython 3.12 test_locks.py EventTests.test_repr
Deno.test("EventTests.test_repr", () => {
  const ev = new Event();
  assert.ok(String(ev).endsWith("[unset]>"));
  const match = RGX_REPR.exec(String(ev));
  assert.equal(match?.groups?.extras, "unset");

  ev.set();
  assert.ok(String(ev).endsWith("[set]>"));
  assert.match(String(ev), RGX_REPR);

  ev._waiters.push(bad<Future<true>>({}));
  assert.ok(String(ev).includes("waiters:1"));
  assert.match(String(ev), RGX_REPR);
});

// CPython 3.12 test_locks.py EventTests.test_wait
Deno.test("EventTests.test_wait", async () => {
  await asyncTest(function* () {
    const ev = new Event();
    assert.equal(ev.isSet(), false);

    const result: number[] = [];

    function* c1(result: number[]) {
      if (yield* ev.wait()) result.push(1);
    }

    function* c2(result: number[]) {
      if (yield* ev.wait()) result.push(2);
    }

    function* c3(result: number[]) {
      if (yield* ev.wait()) result.push(3);
    }

    const t1 = createTask(c1(result));
    const t2 = createTask(c2(result));

    yield* sleep(0);
    assert.deepEqual(result, []);

    const t3 = createTask(c3(result));

    ev.set();
    yield* sleep(0);
    assert.deepEqual(result, [3, 1, 2]);

    assert.ok(t1.done());
    assert.equal(t1.result(), undefined);
    assert.ok(t2.done());
    assert.equal(t2.result(), undefined);
    assert.ok(t3.done());
    assert.equal(t3.result(), undefined);
  });
});

// CPython 3.12 test_locks.py EventTests.test_wait_on_set
Deno.test("EventTests.test_wait_on_set", async () => {
  await asyncTest(function* () {
    const ev = new Event();
    ev.set();

    const res = yield* ev.wait();
    assert.ok(res);
  });
});

// CPython 3.12 test_locks.py EventTests.test_wait_cancel
Deno.test("EventTests.test_wait_cancel", async () => {
  await asyncTest(function* (loop) {
    const ev = new Event();

    const wait = createTask(ev.wait());
    loop.callSoon(() => wait.cancel());
    yield* assertRaises(CancelledError, wait);
    assert.equal(ev._waiters.length, 0);
  });
});

// CPython 3.12 test_locks.py EventTests.test_clear
Deno.test("EventTests.test_clear", async () => {
  // deno-lint-ignore require-yield
  await asyncTest(function* () {
    const ev = new Event();
    assert.equal(ev.isSet(), false);

    ev.set();
    assert.ok(ev.isSet());

    ev.clear();
    assert.equal(ev.isSet(), false);
  });
});

// CPython 3.12 test_locks.py EventTests.test_clear_with_waiters
Deno.test("EventTests.test_clear_with_waiters", async () => {
  await asyncTest(function* () {
    const ev = new Event();
    const result: number[] = [];

    function* c1(result: number[]) {
      if (yield* ev.wait()) result.push(1);
      return true;
    }

    const t = createTask(c1(result));
    yield* sleep(0);
    assert.deepEqual(result, []);

    ev.set();
    ev.clear();
    assert.equal(ev.isSet(), false);

    ev.set();
    ev.set();
    assert.equal(ev._waiters.length, 1);

    yield* sleep(0);
    assert.deepEqual(result, [1]);
    assert.equal(ev._waiters.length, 0);

    assert.ok(t.done());
    assert.ok(t.result());
  });
});

// ---------------------------------------------------------------------------
// ConditionTests

// CPython 3.12 test_locks.py ConditionTests.test_wait
Deno.test("ConditionTests.test_wait", async () => {
  await asyncTest(function* () {
    const cond = new Condition();
    const result: number[] = [];

    function* c1(result: number[]) {
      yield* cond.acquire();
      if (yield* cond.wait()) result.push(1);
      return true;
    }

    function* c2(result: number[]) {
      yield* cond.acquire();
      if (yield* cond.wait()) result.push(2);
      return true;
    }

    function* c3(result: number[]) {
      yield* cond.acquire();
      if (yield* cond.wait()) result.push(3);
      return true;
    }

    const t1 = createTask(c1(result));
    const t2 = createTask(c2(result));
    const t3 = createTask(c3(result));

    yield* sleep(0);
    assert.deepEqual(result, []);
    assert.equal(cond.locked(), false);

    assert.ok(yield* cond.acquire());
    cond.notify();
    yield* sleep(0);
    assert.deepEqual(result, []);
    assert.ok(cond.locked());

    cond.release();
    yield* sleep(0);
    assert.deepEqual(result, [1]);
    assert.ok(cond.locked());

    cond.notify(2);
    yield* sleep(0);
    assert.deepEqual(result, [1]);
    assert.ok(cond.locked());

    cond.release();
    yield* sleep(0);
    assert.deepEqual(result, [1, 2]);
    assert.ok(cond.locked());

    cond.release();
    yield* sleep(0);
    assert.deepEqual(result, [1, 2, 3]);
    assert.ok(cond.locked());

    assert.ok(t1.done());
    assert.ok(t1.result());
    assert.ok(t2.done());
    assert.ok(t2.result());
    assert.ok(t3.done());
    assert.ok(t3.result());
  });
});

// CPython 3.12 test_locks.py ConditionTests.test_wait_cancel
Deno.test("ConditionTests.test_wait_cancel", async () => {
  await asyncTest(function* (loop) {
    const cond = new Condition();
    yield* cond.acquire();

    const wait = createTask(cond.wait());
    loop.callSoon(() => wait.cancel());
    yield* assertRaises(CancelledError, wait);
    assert.equal(cond._waiters.length, 0);
    assert.ok(cond.locked());
  });
});

// CPython 3.12 test_locks.py ConditionTests.test_wait_cancel_contested
Deno.test("ConditionTests.test_wait_cancel_contested", async () => {
  await asyncTest(function* (loop) {
    const cond = new Condition();

    yield* cond.acquire();
    assert.ok(cond.locked());

    const waitTask = createTask(cond.wait());
    yield* sleep(0);
    assert.equal(cond.locked(), false);

    // Notify, but contest the lock before cancelling
    yield* cond.acquire();
    assert.ok(cond.locked());
    cond.notify();
    loop.callSoon(() => waitTask.cancel());
    loop.callSoon(() => cond.release());

    try {
      yield* waitTask;
    } catch (e) {
      // Should not happen, since no cancellation points
      if (!(e instanceof CancelledError)) throw e;
    }

    assert.ok(cond.locked());
  });
});

// CPython 3.12 test_locks.py ConditionTests.test_wait_cancel_after_notify
Deno.test("ConditionTests.test_wait_cancel_after_notify", async () => {
  await asyncTest(function* () {
    // See bpo-32841
    let waited = false;

    const cond = new Condition();

    function* waitOnCond() {
      using _held = yield* cond.hold();
      waited = true; // Make sure this area was reached
      yield* cond.wait();
    }

    const waiter = createTask(waitOnCond());
    yield* sleep(0); // Start waiting

    yield* cond.acquire();
    cond.notify();
    yield* sleep(0); // Get to acquire()
    waiter.cancel();
    yield* sleep(0); // Activate cancellation
    cond.release();
    yield* sleep(0); // Cancellation should occur

    assert.ok(waiter.cancelled());
    assert.ok(waited);
  });
});

// CPython 3.12 test_locks.py ConditionTests.test_wait_unacquired
Deno.test("ConditionTests.test_wait_unacquired", async () => {
  await asyncTest(function* () {
    const cond = new Condition();
    yield* assertRaises(RuntimeError, cond.wait());
  });
});

// CPython 3.12 test_locks.py ConditionTests.test_wait_for
Deno.test("ConditionTests.test_wait_for", async () => {
  await asyncTest(function* () {
    const cond = new Condition();
    let presult = false;

    function predicate() {
      return presult;
    }

    const result: number[] = [];

    function* c1(result: number[]) {
      yield* cond.acquire();
      if (yield* cond.waitFor(predicate)) {
        result.push(1);
        cond.release();
      }
      return true;
    }

    const t = createTask(c1(result));

    yield* sleep(0);
    assert.deepEqual(result, []);

    yield* cond.acquire();
    cond.notify();
    cond.release();
    yield* sleep(0);
    assert.deepEqual(result, []);

    presult = true;
    yield* cond.acquire();
    cond.notify();
    cond.release();
    yield* sleep(0);
    assert.deepEqual(result, [1]);

    assert.ok(t.done());
    assert.ok(t.result());
  });
});

// CPython 3.12 test_locks.py ConditionTests.test_wait_for_unacquired
Deno.test("ConditionTests.test_wait_for_unacquired", async () => {
  await asyncTest(function* () {
    const cond = new Condition();

    // predicate can return true immediately
    const res = yield* cond.waitFor(() => [1, 2, 3]);
    assert.deepEqual(res, [1, 2, 3]);

    yield* assertRaises(RuntimeError, cond.waitFor(() => false));
  });
});

// CPython 3.12 test_locks.py ConditionTests.test_notify
Deno.test("ConditionTests.test_notify", async () => {
  await asyncTest(function* () {
    const cond = new Condition();
    const result: number[] = [];

    function* c1(result: number[]) {
      yield* cond.acquire();
      if (yield* cond.wait()) {
        result.push(1);
        cond.release();
      }
      return true;
    }

    function* c2(result: number[]) {
      yield* cond.acquire();
      if (yield* cond.wait()) {
        result.push(2);
        cond.release();
      }
      return true;
    }

    function* c3(result: number[]) {
      yield* cond.acquire();
      if (yield* cond.wait()) {
        result.push(3);
        cond.release();
      }
      return true;
    }

    const t1 = createTask(c1(result));
    const t2 = createTask(c2(result));
    const t3 = createTask(c3(result));

    yield* sleep(0);
    assert.deepEqual(result, []);

    yield* cond.acquire();
    cond.notify(1);
    cond.release();
    yield* sleep(0);
    assert.deepEqual(result, [1]);

    yield* cond.acquire();
    cond.notify(1);
    cond.notify(2048);
    cond.release();
    yield* sleep(0);
    assert.deepEqual(result, [1, 2, 3]);

    assert.ok(t1.done());
    assert.ok(t1.result());
    assert.ok(t2.done());
    assert.ok(t2.result());
    assert.ok(t3.done());
    assert.ok(t3.result());
  });
});

// CPython 3.12 test_locks.py ConditionTests.test_notify_all
Deno.test("ConditionTests.test_notify_all", async () => {
  await asyncTest(function* () {
    const cond = new Condition();

    const result: number[] = [];

    function* c1(result: number[]) {
      yield* cond.acquire();
      if (yield* cond.wait()) {
        result.push(1);
        cond.release();
      }
      return true;
    }

    function* c2(result: number[]) {
      yield* cond.acquire();
      if (yield* cond.wait()) {
        result.push(2);
        cond.release();
      }
      return true;
    }

    const t1 = createTask(c1(result));
    const t2 = createTask(c2(result));

    yield* sleep(0);
    assert.deepEqual(result, []);

    yield* cond.acquire();
    cond.notifyAll();
    cond.release();
    yield* sleep(0);
    assert.deepEqual(result, [1, 2]);

    assert.ok(t1.done());
    assert.ok(t1.result());
    assert.ok(t2.done());
    assert.ok(t2.result());
  });
});

// CPython 3.12 test_locks.py ConditionTests.test_notify_unacquired
Deno.test("ConditionTests.test_notify_unacquired", () => {
  const cond = new Condition();
  assert.throws(() => cond.notify(), RuntimeError);
});

// CPython 3.12 test_locks.py ConditionTests.test_notify_all_unacquired
Deno.test("ConditionTests.test_notify_all_unacquired", () => {
  const cond = new Condition();
  assert.throws(() => cond.notifyAll(), RuntimeError);
});

// CPython 3.12 test_locks.py ConditionTests.test_repr
Deno.test("ConditionTests.test_repr", async () => {
  await asyncTest(function* () {
    const cond = new Condition();
    assert.ok(String(cond).includes("unlocked"));
    assert.match(String(cond), RGX_REPR);

    yield* cond.acquire();
    assert.ok(String(cond).includes("locked"));

    cond._waiters.push(bad<Future<boolean>>({}));
    assert.ok(String(cond).includes("waiters:1"));
    assert.match(String(cond), RGX_REPR);

    cond._waiters.push(bad<Future<boolean>>({}));
    assert.ok(String(cond).includes("waiters:2"));
    assert.match(String(cond), RGX_REPR);
  });
});

// CPython 3.12 test_locks.py ConditionTests.test_context_manager
Deno.test("ConditionTests.test_context_manager", async () => {
  await asyncTest(function* () {
    const cond = new Condition();
    assert.equal(cond.locked(), false);
    {
      using _held = yield* cond.hold();
      assert.ok(cond.locked());
    }
    assert.equal(cond.locked(), false);
  });
});

// CPython 3.12 test_locks.py ConditionTests.test_explicit_lock
Deno.test("ConditionTests.test_explicit_lock", async () => {
  await asyncTest(function* () {
    function* f(lock: Lock | null = null, cond: Condition | null = null) {
      if (lock === null) lock = new Lock();
      if (cond === null) cond = new Condition(lock);
      assert.equal(cond._lock, lock);
      assert.equal(lock.locked(), false);
      assert.equal(cond.locked(), false);
      {
        using _held = yield* cond.hold();
        assert.ok(lock.locked());
        assert.ok(cond.locked());
      }
      assert.equal(lock.locked(), false);
      assert.equal(cond.locked(), false);
      {
        using _held = yield* lock.hold();
        assert.ok(lock.locked());
        assert.ok(cond.locked());
      }
      assert.equal(lock.locked(), false);
      assert.equal(cond.locked(), false);
    }

    // All should work in the same way.
    yield* f();
    yield* f(new Lock());
    const lock = new Lock();
    yield* f(lock, new Condition(lock));
  });
});

// CPython 3.12 test_locks.py ConditionTests.test_ambiguous_loops
Deno.test("ConditionTests.test_ambiguous_loops", async () => {
  await asyncTest(function* () {
    const loop = new TestLoop();

    function* wrongLoopInLock() {
      // actively disallowed since 3.10
      assert.throws(() => new (Lock as new (arg: unknown) => Lock)({ loop }), TypeError);
      const lock = new Lock();
      lock._loop = loop; // use private API for testing
      using _held = yield* lock.hold();
      // acquired immediately via the fast-path
      // without interaction with any event loop.
      const cond = new Condition(lock);
      // cond.acquire() will trigger waiting on the lock
      // and it will discover the event loop mismatch.
      yield* assertRaisesRegex(
        RuntimeError,
        /is bound to a different event loop/,
        cond.acquire(),
      );
    }

    function* wrongLoopInCond() {
      // Same analogy here with the condition's loop.
      const lock = new Lock();
      using _held = yield* lock.hold();
      assert.throws(
        () => new (Condition as new (a: unknown, b: unknown) => Condition)(lock, { loop }),
        TypeError,
      );
      const cond = new Condition(lock);
      cond._loop = loop;
      yield* assertRaisesRegex(
        RuntimeError,
        /is bound to a different event loop/,
        cond.wait(),
      );
    }

    try {
      yield* wrongLoopInLock();
      yield* wrongLoopInCond();
    } finally {
      loop.close(); // addCleanup(loop.close)
    }
  });
});

// CPython 3.12 test_locks.py ConditionTests.test_timeout_in_block
Deno.test("ConditionTests.test_timeout_in_block", async () => {
  await asyncTest(function* () {
    const condition = new Condition();
    using _held = yield* condition.hold();
    yield* assertRaises(TimeoutError, waitFor(condition.wait(), 0.5));
  });
});

// CPython 3.13 test_locks.py ConditionTests.test_cancelled_error_wakeup
Deno.test("ConditionTests.test_cancelled_error_wakeup", async () => {
  await asyncTest(function* () {
    // Test that a cancelled error, received when awaiting wakeup,
    // will be re-raised un-modified.
    const wake = false;
    let raised: CancelledError | null = null;
    const cond = new Condition();

    function* func() {
      using _held = yield* cond.hold();
      const err = yield* assertRaises(CancelledError, cond.waitFor(() => wake));
      raised = err;
      throw raised;
    }

    const task = createTask(func());
    yield* sleep(0);
    // Task is waiting on the condition, cancel it there.
    task.cancel("foo");
    const err = yield* assertRaises(CancelledError, task);
    assert.equal(err.message, "foo");
    // We should have got the _same_ exception instance as the one
    // originally raised.
    assert.equal(err, raised);
  });
});

// CPython 3.13 test_locks.py ConditionTests.test_cancelled_error_re_aquire
Deno.test("ConditionTests.test_cancelled_error_re_aquire", async () => {
  await asyncTest(function* () {
    // Test that a cancelled error, received when re-aquiring lock,
    // will be re-raised un-modified.
    let wake = false;
    let raised: CancelledError | null = null;
    const cond = new Condition();

    function* func() {
      using _held = yield* cond.hold();
      const err = yield* assertRaises(CancelledError, cond.waitFor(() => wake));
      raised = err;
      throw raised;
    }

    const task = createTask(func());
    yield* sleep(0);
    // Task is waiting on the condition
    yield* cond.acquire();
    wake = true;
    cond.notify();
    yield* sleep(0);
    // Task is now trying to re-acquire the lock, cancel it there.
    task.cancel("foo");
    cond.release();
    const err = yield* assertRaises(CancelledError, task);
    assert.equal(err.message, "foo");
    // We should have got the _same_ exception instance as the one
    // originally raised.
    assert.equal(err, raised);
  });
});

// CPython 3.13 test_locks.py ConditionTests.test_cancelled_wakeup
Deno.test("ConditionTests.test_cancelled_wakeup", async () => {
  await asyncTest(function* () {
    // Test that a task cancelled at the "same" time as it is woken
    // up as part of a Condition.notify() does not result in a lost wakeup.
    // This test simulates a cancel while the target task is awaiting initial
    // wakeup on the wakeup queue.
    const condition = new Condition();
    let state = 0;
    function* consumer() {
      using _held = yield* condition.hold();
      for (;;) {
        yield* condition.waitFor(() => state !== 0);
        if (state < 0) return;
        state -= 1;
      }
    }

    // create two consumers
    const c = [createTask(consumer()), createTask(consumer())];
    // wait for them to settle
    yield* sleep(0);
    {
      using _held = yield* condition.hold();
      // produce one item and wake up one
      state += 1;
      condition.notify(1);

      // Cancel it while it is awaiting to be run.
      // This cancellation could come from the outside
      c[0].cancel();

      // now wait for the item to be consumed
      // if it doesn't means that our "notify" didn"t take hold.
      // because it raced with a cancel()
      try {
        yield* timeout(0.01, function* () {
          yield* condition.waitFor(() => state === 0);
        });
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
      }
      assert.equal(state, 0);

      // clean up
      state = -1;
      condition.notifyAll();
    }
    yield* c[1];
  });
});

// CPython 3.13 test_locks.py ConditionTests.test_cancelled_wakeup_relock
Deno.test("ConditionTests.test_cancelled_wakeup_relock", async () => {
  await asyncTest(function* () {
    // Test that a task cancelled at the "same" time as it is woken
    // up as part of a Condition.notify() does not result in a lost wakeup.
    // This test simulates a cancel while the target task is acquiring the lock
    // again.
    const condition = new Condition();
    let state = 0;
    function* consumer() {
      using _held = yield* condition.hold();
      for (;;) {
        yield* condition.waitFor(() => state !== 0);
        if (state < 0) return;
        state -= 1;
      }
    }

    // create two consumers
    const c = [createTask(consumer()), createTask(consumer())];
    // wait for them to settle
    yield* sleep(0);
    {
      using _held = yield* condition.hold();
      // produce one item and wake up one
      state += 1;
      condition.notify(1);

      // now we sleep for a bit.  This allows the target task to wake up and
      // settle on re-aquiring the lock
      yield* sleep(0);

      // Cancel it while awaiting the lock
      // This cancel could come the outside.
      c[0].cancel();

      // now wait for the item to be consumed
      // if it doesn't means that our "notify" didn"t take hold.
      // because it raced with a cancel()
      try {
        yield* timeout(0.01, function* () {
          yield* condition.waitFor(() => state === 0);
        });
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
      }
      assert.equal(state, 0);

      // clean up
      state = -1;
      condition.notifyAll();
    }
    yield* c[1];
  });
});

// ---------------------------------------------------------------------------
// SemaphoreTests

// CPython 3.12 test_locks.py SemaphoreTests.test_initial_value_zero
Deno.test("SemaphoreTests.test_initial_value_zero", () => {
  const sem = new Semaphore(0);
  assert.ok(sem.locked());
});

// CPython 3.12 test_locks.py SemaphoreTests.test_repr
Deno.test("SemaphoreTests.test_repr", async () => {
  await asyncTest(function* () {
    const sem = new Semaphore();
    assert.ok(String(sem).endsWith("[unlocked, value:1]>"));
    assert.match(String(sem), RGX_REPR);

    yield* sem.acquire();
    assert.ok(String(sem).endsWith("[locked]>"));
    assert.ok(!String(sem).includes("waiters"));
    assert.match(String(sem), RGX_REPR);

    if (sem._waiters === null) sem._waiters = new RingQueue();

    sem._waiters.push(bad<Future<true>>({}));
    assert.ok(String(sem).includes("waiters:1"));
    assert.match(String(sem), RGX_REPR);

    sem._waiters.push(bad<Future<true>>({}));
    assert.ok(String(sem).includes("waiters:2"));
    assert.match(String(sem), RGX_REPR);
  });
});

// CPython 3.12 test_locks.py SemaphoreTests.test_semaphore
Deno.test("SemaphoreTests.test_semaphore", async () => {
  await asyncTest(function* () {
    const sem = new Semaphore();
    assert.equal(sem._value, 1);

    yield* assertRaisesRegex(TypeError, NOT_AWAITABLE, awaitNonAwaitable(sem));

    assert.equal(sem.locked(), false);
    assert.equal(sem._value, 1);
  });
});

// CPython 3.12 test_locks.py SemaphoreTests.test_semaphore_value
Deno.test("SemaphoreTests.test_semaphore_value", () => {
  assert.throws(() => new Semaphore(-1), RangeError);
});

// CPython 3.12 test_locks.py SemaphoreTests.test_acquire
Deno.test("SemaphoreTests.test_acquire", async () => {
  await asyncTest(function* () {
    const sem = new Semaphore(3);
    const result: number[] = [];

    assert.ok(yield* sem.acquire());
    assert.ok(yield* sem.acquire());
    assert.equal(sem.locked(), false);

    function* c1(result: number[]) {
      yield* sem.acquire();
      result.push(1);
      return true;
    }

    function* c2(result: number[]) {
      yield* sem.acquire();
      result.push(2);
      return true;
    }

    function* c3(result: number[]) {
      yield* sem.acquire();
      result.push(3);
      return true;
    }

    function* c4(result: number[]) {
      yield* sem.acquire();
      result.push(4);
      return true;
    }

    const t1 = createTask(c1(result));
    const t2 = createTask(c2(result));
    const t3 = createTask(c3(result));

    yield* sleep(0);
    assert.deepEqual(result, [1]);
    assert.ok(sem.locked());
    assert.equal(len(sem._waiters), 2);
    assert.equal(sem._value, 0);

    const t4 = createTask(c4(result));

    sem.release();
    sem.release();
    assert.equal(sem._value, 0);

    yield* sleep(0);
    assert.equal(sem._value, 0);
    assert.equal(result.length, 3);
    assert.ok(sem.locked());
    assert.equal(len(sem._waiters), 1);
    assert.equal(sem._value, 0);

    assert.ok(t1.done());
    assert.ok(t1.result());
    const raceTasks = [t2, t3, t4];
    const doneTasks = raceTasks.filter((t) => t.done() && t.result());
    assert.equal(doneTasks.length, 2);

    // cleanup locked semaphore
    sem.release();
    yield* gather(...raceTasks);
  });
});

// CPython 3.12 test_locks.py SemaphoreTests.test_acquire_cancel
Deno.test("SemaphoreTests.test_acquire_cancel", async () => {
  await asyncTest(function* (loop) {
    const sem = new Semaphore();
    yield* sem.acquire();

    const acquire = createTask(sem.acquire());
    loop.callSoon(() => acquire.cancel());
    yield* assertRaises(CancelledError, acquire);
    assert.ok(
      len(sem._waiters) === 0 ||
        sem._waiters!.toArray().every((waiter) => waiter.done()),
    );
  });
});

// CPython 3.12 test_locks.py SemaphoreTests.test_acquire_cancel_before_awoken
Deno.test("SemaphoreTests.test_acquire_cancel_before_awoken", async () => {
  await asyncTest(function* () {
    const sem = new Semaphore(0);

    const t1 = createTask(sem.acquire());
    const t2 = createTask(sem.acquire());
    const t3 = createTask(sem.acquire());
    const t4 = createTask(sem.acquire());

    yield* sleep(0);

    t1.cancel();
    t2.cancel();
    sem.release();

    yield* sleep(0);
    yield* sleep(0);
    const numDone = [t3, t4].filter((t) => t.done()).length;
    assert.equal(numDone, 1);
    assert.ok(t3.done());
    assert.equal(t4.done(), false);

    t3.cancel();
    t4.cancel();
    yield* sleep(0);
  });
});

// CPython 3.12 test_locks.py SemaphoreTests.test_acquire_hang
Deno.test("SemaphoreTests.test_acquire_hang", async () => {
  await asyncTest(function* () {
    const sem = new Semaphore(0);

    const t1 = createTask(sem.acquire());
    const t2 = createTask(sem.acquire());
    yield* sleep(0);

    t1.cancel();
    sem.release();
    yield* sleep(0);
    yield* sleep(0);
    assert.ok(sem.locked());
    assert.ok(t2.done());
  });
});

// CPython 3.12 test_locks.py SemaphoreTests.test_acquire_no_hang
Deno.test("SemaphoreTests.test_acquire_no_hang", async () => {
  await asyncTest(function* () {
    const sem = new Semaphore(1);

    function* c1() {
      {
        using _held = yield* sem.hold();
        yield* sleep(0);
      }
      t2.cancel();
    }

    function* c2() {
      using _held = yield* sem.hold();
      assert.ok(false);
    }

    const t1 = createTask(c1());
    const t2 = createTask(c2());

    const [r1, r2] = yield* gather(t1, t2, { returnExceptions: true });
    assert.ok(r1 === undefined);
    assert.ok(r2 instanceof CancelledError);

    yield* waitFor(sem.acquire(), 1.0);
  });
});

// CPython 3.12 test_locks.py SemaphoreTests.test_release_not_acquired
Deno.test("SemaphoreTests.test_release_not_acquired", () => {
  const sem = new BoundedSemaphore();

  assert.throws(() => sem.release(), RangeError);
});

// CPython 3.12 test_locks.py SemaphoreTests.test_release_no_waiters
Deno.test("SemaphoreTests.test_release_no_waiters", async () => {
  await asyncTest(function* () {
    const sem = new Semaphore();
    yield* sem.acquire();
    assert.ok(sem.locked());

    sem.release();
    assert.equal(sem.locked(), false);
  });
});

// CPython 3.12 test_locks.py SemaphoreTests.test_acquire_fifo_order
Deno.test("SemaphoreTests.test_acquire_fifo_order", async () => {
  await asyncTest(function* () {
    const sem = new Semaphore(1);
    const result: string[] = [];

    function* coro(tag: string) {
      yield* sem.acquire();
      result.push(`${tag}_1`);
      yield* sleep(0.01);
      sem.release();

      yield* sem.acquire();
      result.push(`${tag}_2`);
      yield* sleep(0.01);
      sem.release();
    }

    yield* taskGroup(function* (tg) {
      tg.createTask(coro("c1"));
      tg.createTask(coro("c2"));
      tg.createTask(coro("c3"));
    });

    assert.deepEqual(result, ["c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"]);
  });
});

// CPython 3.12 test_locks.py SemaphoreTests.test_acquire_fifo_order_2
Deno.test("SemaphoreTests.test_acquire_fifo_order_2", async () => {
  await asyncTest(function* () {
    const sem = new Semaphore(1);
    const result: number[] = [];

    function* c1(result: number[]) {
      yield* sem.acquire();
      result.push(1);
      return true;
    }

    function* c2(result: number[]) {
      yield* sem.acquire();
      result.push(2);
      sem.release();
      yield* sem.acquire();
      result.push(4);
      return true;
    }

    function* c3(result: number[]) {
      yield* sem.acquire();
      result.push(3);
      return true;
    }

    const t1 = createTask(c1(result));
    const t2 = createTask(c2(result));
    const t3 = createTask(c3(result));

    yield* sleep(0);

    sem.release();
    sem.release();

    const tasks = [t1, t2, t3];
    yield* gather(...tasks);
    assert.deepEqual(result, [1, 2, 3, 4]);
  });
});

// CPython 3.12 test_locks.py SemaphoreTests.test_acquire_fifo_order_3
Deno.test("SemaphoreTests.test_acquire_fifo_order_3", async () => {
  await asyncTest(function* () {
    const sem = new Semaphore(0);
    const result: number[] = [];

    function* c1(result: number[]) {
      yield* sem.acquire();
      result.push(1);
      return true;
    }

    function* c2(result: number[]) {
      yield* sem.acquire();
      result.push(2);
      return true;
    }

    function* c3(result: number[]) {
      yield* sem.acquire();
      result.push(3);
      return true;
    }

    const t1 = createTask(c1(result));
    const t2 = createTask(c2(result));
    const t3 = createTask(c3(result));

    yield* sleep(0);

    t1.cancel();

    yield* sleep(0);

    sem.release();
    sem.release();

    const tasks = [t1, t2, t3];
    yield* gather(...tasks, { returnExceptions: true });
    assert.deepEqual(result, [2, 3]);
  });
});

// CPython 3.13 test_locks.py SemaphoreTests.test_acquire_fifo_order_4
Deno.test("SemaphoreTests.test_acquire_fifo_order_4", async () => {
  await asyncTest(function* () {
    // Test that a successfule `acquire()` will wake up multiple Tasks
    // that were waiting in the Semaphore queue due to FIFO rules.
    const sem = new Semaphore(0);
    const result: number[] = [];

    function* c1(result: number[]) {
      // First task immediatlly waits for semaphore.  It will be awoken by c2.
      assert.equal(sem._value, 0);
      yield* sem.acquire();
      // We should have woken up all waiting tasks now.
      assert.equal(sem._value, 0);
      // Create a fourth task.  It should run after c3, not c2.
      t4 = createTask(c4(result));
      result.push(1);
      return true;
    }

    function* c2(result: number[]) {
      // The second task begins by releasing semaphore three times,
      // for c1, c2, and c3.
      sem.release();
      sem.release();
      sem.release();
      assert.equal(sem._value, 2);
      // It is locked, because c1 hasn't woken up yet.
      assert.ok(sem.locked());
      yield* sem.acquire();
      result.push(2);
      return true;
    }

    function* c3(result: number[]) {
      yield* sem.acquire();
      assert.ok(sem.locked());
      result.push(3);
      return true;
    }

    // deno-lint-ignore require-yield
    function* c4(result: number[]) {
      result.push(4);
      return true;
    }

    const t1 = createTask(c1(result));
    const t2 = createTask(c2(result));
    const t3 = createTask(c3(result));
    let t4: Task<boolean> | null = null;

    yield* sleep(0);
    // Three tasks are in the queue, the first hasn't woken up yet.
    assert.equal(sem._value, 2);
    assert.equal(len(sem._waiters), 3);
    yield* sleep(0);

    const tasks = [t1, t2, t3, t4!];
    yield* gather(...tasks);
    assert.deepEqual(result, [1, 2, 3, 4]);
  });
});

// ---------------------------------------------------------------------------
// BarrierTests

// asyncSetUp: self.N = 5; make_tasks and gather_tasks as the CPython class.
const BARRIER_N = 5;

function makeTasks<T>(n: number, coro: () => Coroutine<T>): Task<T>[] {
  const tasks: Task<T>[] = [];
  for (let i = 0; i < n; i++) tasks.push(createTask(coro()));
  return tasks;
}

function* gatherTasks<T>(n: number, coro: () => Coroutine<T>): Coroutine<[T[], Task<T>[]]> {
  const tasks = makeTasks(n, coro);
  const res = (yield* gather(...tasks)) as T[];
  return [res, tasks];
}

// CPython 3.12 test_locks.py BarrierTests.test_barrier
Deno.test("BarrierTests.test_barrier", async () => {
  await asyncTest(function* () {
    const barrier = new Barrier(BARRIER_N);
    assert.ok(String(barrier).includes("filling"));
    yield* assertRaisesRegex(TypeError, NOT_AWAITABLE, awaitNonAwaitable(barrier));

    assert.ok(String(barrier).includes("filling"));
  });
});

// CPython 3.12 test_locks.py BarrierTests.test_repr
Deno.test("BarrierTests.test_repr", async () => {
  await asyncTest(function* () {
    const barrier = new Barrier(BARRIER_N);

    assert.match(String(barrier), RGX_REPR);
    assert.ok(String(barrier).includes("filling"));

    const waiters: Task<void>[] = [];
    function* wait(barrier: Barrier) {
      yield* barrier.wait();
    }

    const incr = 2;
    for (let i = 0; i < incr; i++) waiters.push(createTask(wait(barrier)));
    yield* sleep(0);

    assert.match(String(barrier), RGX_REPR);
    assert.ok(String(barrier).includes(`waiters:${incr}/${BARRIER_N}`));
    assert.ok(String(barrier).includes("filling"));

    // create missing waiters
    const missing = barrier.parties - barrier.nWaiting;
    for (let i = 0; i < missing; i++) waiters.push(createTask(wait(barrier)));
    yield* sleep(0);

    assert.match(String(barrier), RGX_REPR);
    assert.ok(String(barrier).includes("draining"));

    // add a part of waiters
    for (let i = 0; i < incr; i++) waiters.push(createTask(wait(barrier)));
    yield* sleep(0);
    // and reset
    yield* barrier.reset();

    assert.match(String(barrier), RGX_REPR);
    assert.ok(String(barrier).includes("resetting"));

    // add a part of waiters again
    for (let i = 0; i < incr; i++) waiters.push(createTask(wait(barrier)));
    yield* sleep(0);
    // and abort
    yield* barrier.abort();

    assert.match(String(barrier), RGX_REPR);
    assert.ok(String(barrier).includes("broken"));
    assert.ok(barrier.broken);

    // suppress unhandled exceptions
    yield* gather(...waiters, { returnExceptions: true });
  });
});

// CPython 3.12 test_locks.py BarrierTests.test_barrier_parties
Deno.test("BarrierTests.test_barrier_parties", async () => {
  // deno-lint-ignore require-yield
  await asyncTest(function* () {
    assert.throws(() => new Barrier(0), RangeError);
    assert.throws(() => new Barrier(-4), RangeError);

    assert.ok(new Barrier(BARRIER_N) instanceof Barrier);
  });
});

// CPython 3.12 test_locks.py BarrierTests.test_context_manager
Deno.test("BarrierTests.test_context_manager", async () => {
  await asyncTest(function* () {
    const N = 3;
    const barrier = new Barrier(N);
    const results: number[] = [];

    function* coro() {
      const i = yield* barrier.wait();
      results.push(i);
    }

    yield* gatherTasks(N, coro);

    assert.deepEqual(results.toSorted(), [0, 1, 2]);
    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
});

// CPython 3.12 test_locks.py BarrierTests.test_filling_one_task
Deno.test("BarrierTests.test_filling_one_task", async () => {
  await asyncTest(function* () {
    const barrier = new Barrier(1);

    function* f() {
      const _i = yield* barrier.wait();
      return true;
    }

    const ret = yield* f();

    assert.ok(ret);
    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
});

// CPython 3.12 test_locks.py BarrierTests.test_filling_one_task_twice
Deno.test("BarrierTests.test_filling_one_task_twice", async () => {
  await asyncTest(function* () {
    const barrier = new Barrier(1);

    const t1 = createTask(barrier.wait());
    yield* sleep(0);
    assert.equal(barrier.nWaiting, 0);

    const t2 = createTask(barrier.wait());
    yield* sleep(0);

    assert.equal(t1.result(), t2.result());
    assert.equal(t1.done(), t2.done());

    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
});

// CPython 3.12 test_locks.py BarrierTests.test_filling_task_by_task
Deno.test("BarrierTests.test_filling_task_by_task", async () => {
  await asyncTest(function* () {
    const N = 3;
    const barrier = new Barrier(N);

    const t1 = createTask(barrier.wait());
    yield* sleep(0);
    assert.equal(barrier.nWaiting, 1);
    assert.ok(String(barrier).includes("filling"));

    const t2 = createTask(barrier.wait());
    yield* sleep(0);
    assert.equal(barrier.nWaiting, 2);
    assert.ok(String(barrier).includes("filling"));

    const t3 = createTask(barrier.wait());
    yield* sleep(0);

    yield* wait([t1, t2, t3]);

    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
});

// CPython 3.12 test_locks.py BarrierTests.test_filling_tasks_wait_twice
Deno.test("BarrierTests.test_filling_tasks_wait_twice", async () => {
  await asyncTest(function* () {
    const barrier = new Barrier(BARRIER_N);
    const results: boolean[] = [];

    function* coro() {
      yield* barrier.wait();
      results.push(true);

      yield* barrier.wait();
      results.push(false);
    }

    yield* gatherTasks(BARRIER_N, coro);

    assert.equal(results.length, BARRIER_N * 2);
    assert.equal(results.filter((r) => r === true).length, BARRIER_N);
    assert.equal(results.filter((r) => r === false).length, BARRIER_N);

    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
});

// CPython 3.12 test_locks.py BarrierTests.test_filling_tasks_check_return_value
Deno.test("BarrierTests.test_filling_tasks_check_return_value", async () => {
  await asyncTest(function* () {
    const barrier = new Barrier(BARRIER_N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];

    function* coro() {
      yield* barrier.wait();
      results1.push(true);

      const i = yield* barrier.wait();
      results2.push(true);
      return i;
    }

    const [res] = yield* gatherTasks(BARRIER_N, coro);

    assert.equal(results1.length, BARRIER_N);
    assert.ok(results1.every(Boolean));
    assert.equal(results2.length, BARRIER_N);
    assert.ok(results2.every(Boolean));
    assert.deepEqual(res.toSorted(), [0, 1, 2, 3, 4]);

    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
});

// CPython 3.12 test_locks.py BarrierTests.test_draining_state
Deno.test("BarrierTests.test_draining_state", async () => {
  await asyncTest(function* () {
    const barrier = new Barrier(BARRIER_N);
    const results: boolean[] = [];

    function* coro() {
      yield* barrier.wait();
      // barrier state change to filling for the last task release
      results.push(String(barrier).includes("draining"));
    }

    yield* gatherTasks(BARRIER_N, coro);

    assert.equal(results.length, BARRIER_N);
    assert.equal(results.at(-1), false);
    assert.ok(results.slice(0, BARRIER_N - 1).every(Boolean));

    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
});

// CPython 3.12 test_locks.py BarrierTests.test_blocking_tasks_while_draining
Deno.test("BarrierTests.test_blocking_tasks_while_draining", async () => {
  await asyncTest(function* () {
    const rewait = 2;
    const barrier = new Barrier(BARRIER_N);
    const barrierNowaiting = new Barrier(BARRIER_N - rewait);
    let rewaitN = rewait;

    function* coro() {
      // first time waiting
      yield* barrier.wait();

      // after wainting once for all tasks
      if (rewaitN > 0) {
        rewaitN -= 1;
        // wait again only for rewait tasks
        yield* barrier.wait();
      } else {
        // wait for end of draining state`
        yield* barrierNowaiting.wait();
        // wait for other waiting tasks
        yield* barrier.wait();
      }
    }

    // a success means that barrier_nowaiting
    // was waited for exactly N-rewait=3 times
    yield* gatherTasks(BARRIER_N, coro);
  });
});

// CPython 3.12 test_locks.py BarrierTests.test_filling_tasks_cancel_one
Deno.test("BarrierTests.test_filling_tasks_cancel_one", async () => {
  await asyncTest(function* () {
    const N = 3;
    const barrier = new Barrier(N);
    const results: boolean[] = [];

    function* coro() {
      yield* barrier.wait();
      results.push(true);
    }

    const t1 = createTask(coro());
    yield* sleep(0);
    assert.equal(barrier.nWaiting, 1);

    const t2 = createTask(coro());
    yield* sleep(0);
    assert.equal(barrier.nWaiting, 2);

    t1.cancel();
    yield* sleep(0);
    assert.equal(barrier.nWaiting, 1);
    yield* assertRaises(CancelledError, t1);
    assert.ok(t1.cancelled());

    const t3 = createTask(coro());
    yield* sleep(0);
    assert.equal(barrier.nWaiting, 2);

    const t4 = createTask(coro());
    yield* gather(t2, t3, t4);

    assert.equal(results.length, N);
    assert.ok(results.every(Boolean));

    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
});

// CPython 3.12 test_locks.py BarrierTests.test_reset_barrier
Deno.test("BarrierTests.test_reset_barrier", async () => {
  await asyncTest(function* () {
    const barrier = new Barrier(1);

    createTask(barrier.reset());
    yield* sleep(0);

    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
});

// CPython 3.12 test_locks.py BarrierTests.test_reset_barrier_while_tasks_waiting
Deno.test("BarrierTests.test_reset_barrier_while_tasks_waiting", async () => {
  await asyncTest(function* () {
    const barrier = new Barrier(BARRIER_N);
    const results: boolean[] = [];

    function* coro() {
      try {
        yield* barrier.wait();
      } catch (e) {
        if (!(e instanceof BrokenBarrierError)) throw e;
        results.push(true);
      }
    }

    function* coroReset() {
      yield* barrier.reset();
    }

    // N-1 tasks waiting on barrier with N parties
    const tasks = makeTasks(BARRIER_N - 1, coro);
    yield* sleep(0);

    // reset the barrier
    createTask(coroReset());
    yield* gather(...tasks);

    assert.equal(results.length, BARRIER_N - 1);
    assert.ok(results.every(Boolean));
    assert.equal(barrier.nWaiting, 0);
    assert.ok(!String(barrier).includes("resetting"));
    assert.equal(barrier.broken, false);
  });
});

// CPython 3.12 test_locks.py BarrierTests.test_reset_barrier_when_tasks_half_draining
Deno.test("BarrierTests.test_reset_barrier_when_tasks_half_draining", async () => {
  await asyncTest(function* () {
    const barrier = new Barrier(BARRIER_N);
    const results1: boolean[] = [];
    const restOfTasks = Math.floor(BARRIER_N / 2);

    function* coro() {
      try {
        yield* barrier.wait();
      } catch (e) {
        if (!(e instanceof BrokenBarrierError)) throw e;
        // catch here waiting tasks
        results1.push(true);
        return;
      }
      // here drained task outside the barrier
      if (restOfTasks === barrier._count) {
        // tasks outside the barrier
        yield* barrier.reset();
      }
    }

    yield* gatherTasks(BARRIER_N, coro);

    assert.deepEqual(results1, Array(restOfTasks).fill(true));
    assert.equal(barrier.nWaiting, 0);
    assert.ok(!String(barrier).includes("resetting"));
    assert.equal(barrier.broken, false);
  });
});

// CPython 3.12 test_locks.py BarrierTests.test_reset_barrier_when_tasks_half_draining_half_blocking
Deno.test(
  "BarrierTests.test_reset_barrier_when_tasks_half_draining_half_blocking",
  async () => {
    await asyncTest(function* () {
      const barrier = new Barrier(BARRIER_N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      const blockingTasks = Math.floor(BARRIER_N / 2);
      let count = 0;

      function* coro() {
        try {
          yield* barrier.wait();
        } catch (e) {
          if (!(e instanceof BrokenBarrierError)) throw e;
          // here catch still waiting tasks
          results1.push(true);

          // so now waiting again to reach nb_parties
          yield* barrier.wait();
          return;
        }
        count += 1;
        if (count > blockingTasks) {
          // reset now: raise asyncio.BrokenBarrierError for waiting tasks
          yield* barrier.reset();

          // so now waiting again to reach nb_parties
          yield* barrier.wait();
        } else {
          try {
            yield* barrier.wait();
          } catch (e) {
            if (!(e instanceof BrokenBarrierError)) throw e;
            // here no catch - blocked tasks go to wait
            results2.push(true);
          }
        }
      }

      yield* gatherTasks(BARRIER_N, coro);

      assert.deepEqual(results1, Array(blockingTasks).fill(true));
      assert.deepEqual(results2, []);
      assert.equal(barrier.nWaiting, 0);
      assert.ok(!String(barrier).includes("resetting"));
      assert.equal(barrier.broken, false);
    });
  },
);

// CPython 3.12 test_locks.py BarrierTests.test_reset_barrier_while_tasks_waiting_and_waiting_again
Deno.test("BarrierTests.test_reset_barrier_while_tasks_waiting_and_waiting_again", async () => {
  await asyncTest(function* () {
    const barrier = new Barrier(BARRIER_N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];

    function* coro1() {
      try {
        yield* barrier.wait();
      } catch (e) {
        if (!(e instanceof BrokenBarrierError)) throw e;
        results1.push(true);
      } finally {
        yield* barrier.wait();
        results2.push(true);
      }
    }

    function* coro2() {
      yield* barrier.wait();
      results2.push(true);
    }

    const tasks = makeTasks(BARRIER_N - 1, coro1);

    // reset barrier, N-1 waiting tasks raise an BrokenBarrierError
    createTask(barrier.reset());
    yield* sleep(0);

    // complete waiting tasks in the `finally`
    createTask(coro2());

    yield* gather(...tasks);

    assert.equal(barrier.broken, false);
    assert.equal(results1.length, BARRIER_N - 1);
    assert.ok(results1.every(Boolean));
    assert.equal(results2.length, BARRIER_N);
    assert.ok(results2.every(Boolean));

    assert.equal(barrier.nWaiting, 0);
  });
});

// CPython 3.12 test_locks.py BarrierTests.test_reset_barrier_while_tasks_draining
Deno.test("BarrierTests.test_reset_barrier_while_tasks_draining", async () => {
  await asyncTest(function* () {
    const barrier = new Barrier(BARRIER_N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const results3: boolean[] = [];
    let count = 0;

    function* coro() {
      const _i = yield* barrier.wait();
      count += 1;
      if (count === BARRIER_N) {
        // last task exited from barrier
        yield* barrier.reset();

        // wait here to reach the `parties`
        yield* barrier.wait();
      } else {
        try {
          // second waiting
          yield* barrier.wait();

          // N-1 tasks here
          results1.push(true);
        } catch (e) {
          if (!(e instanceof Error)) throw e;
          // never goes here
          results2.push(true);
        }
      }

      // Now, pass the barrier again
      // last wait, must be completed
      const _k = yield* barrier.wait();
      results3.push(true);
    }

    yield* gatherTasks(BARRIER_N, coro);

    assert.equal(barrier.broken, false);
    assert.ok(results1.every(Boolean));
    assert.equal(results1.length, BARRIER_N - 1);
    assert.equal(results2.length, 0);
    assert.equal(results3.length, BARRIER_N);
    assert.ok(results3.every(Boolean));

    assert.equal(barrier.nWaiting, 0);
  });
});

// CPython 3.12 test_locks.py BarrierTests.test_abort_barrier
Deno.test("BarrierTests.test_abort_barrier", async () => {
  await asyncTest(function* () {
    const barrier = new Barrier(1);

    createTask(barrier.abort());
    yield* sleep(0);

    assert.equal(barrier.nWaiting, 0);
    assert.ok(barrier.broken);
  });
});

// CPython 3.12 test_locks.py BarrierTests.test_abort_barrier_when_tasks_half_draining_half_blocking
Deno.test(
  "BarrierTests.test_abort_barrier_when_tasks_half_draining_half_blocking",
  async () => {
    await asyncTest(function* () {
      const barrier = new Barrier(BARRIER_N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      const blockingTasks = Math.floor(BARRIER_N / 2);
      let count = 0;

      function* coro() {
        try {
          yield* barrier.wait();
        } catch (e) {
          if (!(e instanceof BrokenBarrierError)) throw e;
          // here catch tasks waiting to drain
          results1.push(true);
          return;
        }
        count += 1;
        if (count > blockingTasks) {
          // abort now: raise asyncio.BrokenBarrierError for all tasks
          yield* barrier.abort();
        } else {
          try {
            yield* barrier.wait();
          } catch (e) {
            if (!(e instanceof BrokenBarrierError)) throw e;
            // here catch blocked tasks (already drained)
            results2.push(true);
          }
        }
      }

      yield* gatherTasks(BARRIER_N, coro);

      assert.ok(barrier.broken);
      assert.deepEqual(results1, Array(blockingTasks).fill(true));
      assert.deepEqual(results2, Array(BARRIER_N - blockingTasks - 1).fill(true));
      assert.equal(barrier.nWaiting, 0);
      assert.ok(!String(barrier).includes("resetting"));
    });
  },
);

// CPython 3.12 test_locks.py BarrierTests.test_abort_barrier_when_exception
Deno.test("BarrierTests.test_abort_barrier_when_exception", async () => {
  await asyncTest(function* () {
    // test from threading.Barrier: see `lock_tests.test_reset`
    const barrier = new Barrier(BARRIER_N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];

    function* coro() {
      try {
        const i = yield* barrier.wait();
        if (i === Math.floor(BARRIER_N / 2)) throw new RuntimeError();
        yield* barrier.wait();
        results1.push(true);
      } catch (e) {
        if (e instanceof BrokenBarrierError) results2.push(true);
        else if (e instanceof RuntimeError) yield* barrier.abort();
        else throw e;
      }
    }

    yield* gatherTasks(BARRIER_N, coro);

    assert.ok(barrier.broken);
    assert.equal(results1.length, 0);
    assert.equal(results2.length, BARRIER_N - 1);
    assert.ok(results2.every(Boolean));
    assert.equal(barrier.nWaiting, 0);
  });
});

// CPython 3.12 test_locks.py BarrierTests.test_abort_barrier_when_exception_then_resetting
Deno.test("BarrierTests.test_abort_barrier_when_exception_then_resetting", async () => {
  await asyncTest(function* () {
    // test from threading.Barrier: see `lock_tests.test_abort_and_reset``
    const barrier1 = new Barrier(BARRIER_N);
    const barrier2 = new Barrier(BARRIER_N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const results3: boolean[] = [];

    function* coro() {
      try {
        const i = yield* barrier1.wait();
        if (i === Math.floor(BARRIER_N / 2)) throw new RuntimeError();
        yield* barrier1.wait();
        results1.push(true);
      } catch (e) {
        if (e instanceof BrokenBarrierError) results2.push(true);
        else if (e instanceof RuntimeError) yield* barrier1.abort();
        else throw e;
      }

      // Synchronize and reset the barrier.  Must synchronize first so
      // that everyone has left it when we reset, and after so that no
      // one enters it before the reset.
      const i = yield* barrier2.wait();
      if (i === Math.floor(BARRIER_N / 2)) yield* barrier1.reset();
      yield* barrier2.wait();
      yield* barrier1.wait();
      results3.push(true);
    }

    yield* gatherTasks(BARRIER_N, coro);

    assert.equal(barrier1.broken, false);
    assert.equal(results1.length, 0);
    assert.equal(results2.length, BARRIER_N - 1);
    assert.ok(results2.every(Boolean));
    assert.equal(results3.length, BARRIER_N);
    assert.ok(results3.every(Boolean));

    assert.equal(barrier1.nWaiting, 0);
  });
});
