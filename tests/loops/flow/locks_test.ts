// Unit tests of the synchronization primitives (loops/flow/locks.ts): what
// the CPython port does not cover —
// the JavaScript surface (awaiting from async functions, laziness, hold() and
// `using`), argument checks, loop binding, fairness at scale.

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
  gather,
  Lock,
  run,
  RuntimeError,
  Semaphore,
  sleep,
  timeout,
  TimeoutError,
} from "../../../mod.ts";
import { TestLoop } from "../../../loops/testing/mod.ts";
import { bad, thrownBy, withLoop } from "../../_helpers.ts";

const newLoop = () => new TestLoop();

Deno.test("Lock: acquire() and release() from an async function, with await", async () => {
  await run(async () => {
    const lock = new Lock();
    assert.equal(await lock.acquire(), true);
    const second = createTask(lock.acquire());
    await sleep(0);
    assert.equal(second.done(), false);
    lock.release();
    assert.equal(await second, true);
    assert.ok(lock.locked());
    lock.release();
    assert.equal(lock.locked(), false);
  });
});

Deno.test("Lock: acquire() is lazy: calling it without driving it takes nothing", async () => {
  await withLoop(newLoop, async (loop) => {
    const lock = new Lock();
    const coro = lock.acquire();
    assert.equal(lock.locked(), false);
    assert.equal(lock._loop, null, "no loop looked up");
    assert.equal(await loop.runUntilComplete(coro), true);
    assert.ok(lock.locked());
  });
});

Deno.test("Lock: hold() releases at the end of a using block, also on a throw", async () => {
  await withLoop(newLoop, async (loop) => {
    const lock = new Lock();
    await loop.runUntilComplete(function* () {
      {
        using _held = yield* lock.hold();
        assert.ok(lock.locked());
      }
      assert.equal(lock.locked(), false);
      try {
        using _held = yield* lock.hold();
        throw new RangeError("inside");
      } catch (e) {
        assert.ok(e instanceof RangeError);
      }
      assert.equal(lock.locked(), false);
    }());
  });
});

Deno.test("Lock, Semaphore: hold() from an async function with await", async () => {
  await run(async () => {
    for (const lock of [new Lock(), new Semaphore(1)]) {
      {
        using _held = await lock.hold();
        assert.ok(lock.locked());
      }
      assert.equal(lock.locked(), false);
    }
  });
});

Deno.test("Lock: disposing a hold twice releases once", async () => {
  await withLoop(newLoop, async (loop) => {
    const lock = new Lock();
    const held = await loop.runUntilComplete(lock.hold());
    held[Symbol.dispose]();
    assert.equal(lock.locked(), false);
    await loop.runUntilComplete(lock.acquire()); // someone else holds it now
    held[Symbol.dispose]();
    assert.ok(lock.locked(), "the stale hold did not release the new holder");
  });
});

Deno.test("Lock: a hold that was cancelled while waiting holds nothing", async () => {
  await withLoop(newLoop, async (loop) => {
    const lock = new Lock();
    let entered = false;
    await loop.runUntilComplete(function* () {
      yield* lock.acquire();
      const waiter = createTask(function* () {
        using _held = yield* lock.hold();
        entered = true;
      }());
      yield* sleep(0);
      waiter.cancel();
      yield* sleep(0);
      assert.ok(waiter.cancelled());
      assert.ok(lock.locked(), "still ours");
      lock.release();
    }());
    assert.equal(entered, false);
    assert.equal(lock.locked(), false);
  });
});

Deno.test("Lock: 100 tasks get the lock in the order they asked", async () => {
  await withLoop(newLoop, async (loop) => {
    const lock = new Lock();
    const order: number[] = [];
    function* worker(i: number): Coroutine<void> {
      for (let round = 0; round < 3; round++) {
        using _held = yield* lock.hold();
        order.push(i);
        yield* sleep(0);
      }
    }
    await loop.runUntilComplete(function* () {
      const tasks = [];
      for (let i = 0; i < 100; i++) tasks.push(createTask(worker(i)));
      yield* gather(...tasks);
    }());
    const expected = [];
    for (let round = 0; round < 3; round++) for (let i = 0; i < 100; i++) expected.push(i);
    assert.deepEqual(order, expected);
    assert.equal(lock._waiters!.length, 0);
  });
});

Deno.test("Lock: release() when not held is RuntimeError 'Lock is not acquired'", () => {
  const e = thrownBy(() => new Lock().release());
  assert.ok(e instanceof RuntimeError);
  assert.equal(e.message, "Lock is not acquired");
});

Deno.test("Lock: bound to the loop it first waited on; another loop is RuntimeError", async () => {
  const lock = new Lock();
  await withLoop(newLoop, async (loop) => {
    await loop.runUntilComplete(function* () {
      yield* lock.acquire();
      const t = createTask(lock.acquire()); // waits: binds the lock to this loop
      yield* sleep(0);
      assert.equal(lock._loop, loop);
      lock.release();
      yield* t;
    }());
  });
  await withLoop(newLoop, async (other) => {
    // Uncontended acquire and release need no loop.
    await other.runUntilComplete(function* () {
      yield* sleep(0);
    }());
    await assert.rejects(
      other.runUntilComplete(lock.acquire()),
      (e) =>
        e instanceof RuntimeError &&
        e.message === "<Lock [locked]> is bound to a different event loop",
    );
    lock.release();
    assert.equal(await other.runUntilComplete(lock.acquire()), true, "the fast path needs no loop");
  });
});

Deno.test("Lock, Event: constructors take no argument", () => {
  for (const cls of [Lock, Event]) {
    const ctor = cls as new (arg: unknown) => unknown;
    const e = thrownBy(() => new ctor(1));
    assert.ok(e instanceof TypeError);
    assert.equal(e.message, `${cls.name}() takes no arguments: got number 1`);
  }
});

Deno.test("Event: wait() from an async function; set() wakes every waiter", async () => {
  await run(async () => {
    const ev = new Event();
    const waiters = [createTask(ev.wait()), createTask(ev.wait())];
    await sleep(0);
    assert.equal(ev._waiters.length, 2);
    ev.set();
    assert.deepEqual(await gather(...waiters), [true, true]);
    assert.equal(await ev.wait(), true);
    ev.clear();
    assert.equal(ev.isSet(), false);
  });
});

Deno.test("Event: a waiter cancelled by a timeout leaves no trace", async () => {
  await withLoop(newLoop, async (loop) => {
    const ev = new Event();
    await loop.runUntilComplete(function* () {
      try {
        yield* timeout(5, function* () {
          yield* ev.wait();
        });
        assert.fail("not reached");
      } catch (e) {
        assert.ok(e instanceof TimeoutError);
      }
    }());
    assert.equal(loop.time(), 5);
    assert.equal(ev._waiters.length, 0);
    assert.equal(String(ev), "<Event [unset]>");
  });
});

Deno.test("Condition: hold(), waitFor() and notifyAll() from async functions", async () => {
  await run(async () => {
    const cond = new Condition();
    let ready = 0;
    const consumers = [1, 2, 3].map((i) =>
      createTask(
        (async () => {
          using _held = await cond.hold();
          await cond.waitFor(() => ready >= i);
          return i;
        })(),
      )
    );
    for (let i = 1; i <= 3; i++) {
      await sleep(0);
      using _held = await cond.hold();
      ready = i;
      cond.notifyAll();
    }
    assert.deepEqual(await gather(...consumers), [1, 2, 3]);
    assert.equal(cond.locked(), false);
  });
});

Deno.test("Condition: wait() re-acquires the lock before a cancellation reaches the task", async () => {
  await withLoop(newLoop, async (loop) => {
    const cond = new Condition();
    const seen: boolean[] = [];
    await loop.runUntilComplete(function* () {
      const waiter = createTask(function* () {
        yield* cond.acquire();
        try {
          yield* cond.wait();
        } catch (e) {
          seen.push(e instanceof CancelledError, cond.locked());
          cond.release();
          throw e;
        }
      }());
      yield* sleep(0);
      yield* cond.acquire(); // the waiter must queue for the lock
      waiter.cancel();
      yield* sleep(0);
      yield* sleep(0);
      assert.equal(waiter.done(), false, "waits for the lock");
      cond.release();
      yield* sleep(0);
      assert.ok(waiter.cancelled());
    }());
    assert.deepEqual(seen, [true, true]);
  });
});

Deno.test("Condition: argument checks", async (t) => {
  await t.step("lock must be a Lock", () => {
    const e = thrownBy(() => new Condition(bad<Lock>(new Semaphore())));
    assert.ok(e instanceof TypeError);
    assert.equal(e.message, "lock must be a Lock: got Semaphore object");
  });
  await t.step("at most one argument", () => {
    const ctor = Condition as new (a: unknown, b: unknown) => Condition;
    const e = thrownBy(() => new ctor(null, 2));
    assert.ok(e instanceof TypeError);
    assert.equal(e.message, "Condition() takes at most 1 argument: got number 2");
  });
  await t.step("notify(n): n must be a number, not NaN", () => {
    const cond = new Condition();
    assert.throws(() => cond.notify(bad<number>("1")), TypeError);
    assert.throws(() => cond.notify(NaN), RangeError);
  });
  await t.step("waitFor(predicate): a function, checked when driven", async () => {
    await withLoop(newLoop, async (loop) => {
      const cond = new Condition();
      const coro = cond.waitFor(bad<() => boolean>(true));
      await assert.rejects(
        loop.runUntilComplete(coro),
        (e) =>
          e instanceof TypeError && e.message === "predicate must be a function: got boolean true",
      );
    });
  });
  await t.step("wait() and notify() without the lock: RuntimeError", async () => {
    await withLoop(newLoop, async (loop) => {
      const cond = new Condition();
      await assert.rejects(
        loop.runUntilComplete(cond.wait()),
        (e) => e instanceof RuntimeError && e.message === "Cannot wait on un-acquired lock",
      );
      const e = thrownBy(() => cond.notify());
      assert.ok(e instanceof RuntimeError);
      assert.equal(e.message, "Cannot notify on un-acquired lock");
    });
  });
});

Deno.test("Semaphore: at most `value` holders, in FIFO order", async () => {
  await withLoop(newLoop, async (loop) => {
    const sem = new Semaphore(2);
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    function* job(i: number): Coroutine<void> {
      using _held = yield* sem.hold();
      order.push(i);
      inside++;
      most = Math.max(most, inside);
      yield* sleep(1);
      inside--;
    }
    await loop.runUntilComplete(function* () {
      yield* gather(job(0), job(1), job(2), job(3), job(4));
    }());
    assert.equal(most, 2);
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
    assert.equal(loop.time(), 3);
    assert.equal(String(sem), "<Semaphore [unlocked, value:2]>");
  });
});

Deno.test("Semaphore, BoundedSemaphore: argument checks and messages", async (t) => {
  await t.step("value must be a number", () => {
    const e = thrownBy(() => new Semaphore(bad<number>("2")));
    assert.ok(e instanceof TypeError);
    assert.equal(e.message, 'value must be a number: got "2"');
  });
  await t.step("value must be >= 0 and not NaN", () => {
    for (const v of [-1, NaN]) {
      const e = thrownBy(() => new BoundedSemaphore(v));
      assert.ok(e instanceof RangeError);
      assert.equal(e.message, `Semaphore initial value must be >= 0: got ${v}`);
    }
  });
  await t.step("BoundedSemaphore released too often: RangeError", () => {
    const sem = new BoundedSemaphore(2);
    const e = thrownBy(() => sem.release());
    assert.ok(e instanceof RangeError);
    assert.equal(e.message, "BoundedSemaphore released too many times");
    assert.equal(String(sem), "<BoundedSemaphore [unlocked, value:2]>");
  });
  await t.step("the loop option of old asyncio is named", () => {
    const ctor = BoundedSemaphore as new (a: unknown, b: unknown) => BoundedSemaphore;
    const e = thrownBy(() => new ctor(1, { loop: null }));
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /^BoundedSemaphore\(\) got an unexpected option 'loop'/);
  });
  await t.step("a BoundedSemaphore's hold() releases through its own release()", async () => {
    await withLoop(newLoop, async (loop) => {
      const sem = new BoundedSemaphore(1);
      const held = await loop.runUntilComplete(sem.hold());
      held[Symbol.dispose]();
      assert.throws(() => sem.release(), RangeError);
    });
  });
});

Deno.test("Barrier: parties meet, indexes are unique, async functions too", async () => {
  await run(async () => {
    const barrier = new Barrier(3);
    const indexes = await gather(
      barrier.wait(),
      (async () => await barrier.wait())(),
      (async () => {
        await sleep(0.01);
        return await barrier.wait();
      })(),
    );
    assert.deepEqual(indexes.toSorted(), [0, 1, 2]);
    assert.equal(barrier.nWaiting, 0);
    assert.equal(String(barrier), "<Barrier [filling, waiters:0/3]>");
  });
});

Deno.test("Barrier: abort() breaks it for waiting and later tasks; reset() mends it", async () => {
  await withLoop(newLoop, async (loop) => {
    const barrier = new Barrier(2);
    await loop.runUntilComplete(function* () {
      const waiter = createTask(barrier.wait());
      yield* sleep(0);
      yield* barrier.abort();
      const outcome = yield* gather(waiter, { returnExceptions: true });
      assert.ok(outcome[0] instanceof BrokenBarrierError);
      assert.ok(outcome[0] instanceof RuntimeError);
      assert.equal((outcome[0] as Error).message, "Abort or reset of barrier");
      assert.ok(barrier.broken);
      assert.equal(String(barrier), "<Barrier [broken]>");
      try {
        yield* barrier.wait();
        assert.fail("not reached");
      } catch (e) {
        assert.ok(e instanceof BrokenBarrierError && e.message === "Barrier aborted");
      }
      yield* barrier.reset();
      assert.equal(barrier.broken, false);
      yield* gather(barrier.wait(), barrier.wait());
    }());
  });
});

Deno.test("Barrier: parties must be an integer above 0", () => {
  for (
    const [value, cls, message] of [
      ["3", TypeError, 'parties must be a number: got "3"'],
      [1.5, RangeError, "parties must be an integer > 0: got 1.5"],
      [0, RangeError, "parties must be an integer > 0: got 0"],
      [NaN, RangeError, "parties must be an integer > 0: got NaN"],
    ] as const
  ) {
    const e = thrownBy(() => new Barrier(bad<number>(value)));
    assert.ok(e instanceof cls);
    assert.equal((e as Error).message, message);
  }
});

Deno.test("toString(): asyncio's descriptions without the address", async () => {
  await withLoop(newLoop, async (loop) => {
    const lock = new Lock();
    const sem = new Semaphore(0);
    await loop.runUntilComplete(function* () {
      yield* lock.acquire();
      const tasks = [createTask(lock.acquire()), createTask(sem.acquire())];
      yield* sleep(0);
      assert.equal(String(lock), "<Lock [locked, waiters:1]>");
      assert.equal(String(sem), "<Semaphore [locked, waiters:1]>");
      assert.equal(String(new Condition(lock)), "<Condition [locked]>");
      lock.release();
      sem.release();
      yield* gather(...tasks);
    }());
  });
});
