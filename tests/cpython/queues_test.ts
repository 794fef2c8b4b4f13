// CPython 3.12's Lib/test/test_asyncio/test_queues.py, with the shutdown
// cases 3.13 adds (_QueueShutdownTestMixin, marked "CPython 3.13"), ported
// to this project as Deno tests.
//
// How cases are translated:
// - Each ported case is one Deno.test named "<CPython class>.<method>", with
//   a comment above it naming the source; only the call syntax changes. A
//   mixin's cases run once per CPython class that uses it (QueueJoinTests,
//   LifoQueueJoinTests, PriorityQueueJoinTests; the same for shutdown).
// - unittest.IsolatedAsyncioTestCase runs each test coroutine as a task on a
//   fresh loop in debug mode; here `asyncTest` runs the body with
//   `runUntilComplete` on a fresh `TestLoop({ debug: true })` (virtual time),
//   watched and closed by `withLoop`. Plain `def test_...` cases run without
//   a loop.
// - `async def` → generator functions, `await x` → `yield* x`;
//   `asyncio.create_task(c)` / `loop.create_task(c)` → `createTask(c)`;
//   `async with asyncio.TaskGroup() as tg:` → `yield* taskGroup(function*
//   (tg) { ... })`; `asyncio.Queue(maxsize=n)` → `new Queue({ maxsize: n })`,
//   `asyncio.Queue(n)` → `new Queue(n)`; `q.shutdown(immediate=x)` →
//   `q.shutdown(x)`; `loop.call_later(d, f, x)` → `loop.callLater(d, f, x)`.
// - Exceptions: ValueError → RangeError, asyncio.QueueEmpty / QueueFull /
//   QueueShutDown / CancelledError / TimeoutError → ours.
// - `repr(q)` and `str(q)` → `String(q)`, which is asyncio's str() form
//   (`<Queue maxsize=0 ...>`). White-box attributes keep their camelCased
//   names (`_getters`, `_putters`, `_unfinishedTasks`, `_format()`); a
//   deque's `append` → `push`, `len()` → `.length`.

import assert from "node:assert/strict";
import {
  CancelledError,
  type Coroutine,
  createTask,
  Event,
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  sleep,
  type Task,
  taskGroup,
  TimeoutError,
  waitFor,
} from "../../mod.ts";
import { assertRaises, asyncTest } from "./_unittest.ts";

type QueueClass = new <T>(options?: { maxsize?: number } | number) => Queue<T>;

// ---------------------------------------------------------------------------
// QueueBasicTests

// _test_repr_or_str(fn, expect_id): the parts that do not depend on the id.
function* testReprOrStr(fn: (q: Queue<number>) => string): Coroutine<void> {
  let q = new Queue<number>();
  assert.ok(fn(q).startsWith("<Queue"), fn(q));

  // getters
  q = new Queue<number>();
  let getter!: Task<number>;
  yield* taskGroup(function* (tg) {
    // Start a task that waits to get.
    getter = tg.createTask(q.get());
    // Let it start waiting.
    yield* sleep(0);
    assert.ok(fn(q).includes("_getters[1]"));
    // resume q.get coroutine to finish generator
    q.putNowait(0);
  });

  assert.equal(yield* getter, 0);

  // putters
  q = new Queue<number>({ maxsize: 1 });
  let putter!: Task<void>;
  yield* taskGroup(function* (tg) {
    q.putNowait(1);
    // Start a task that waits to put.
    putter = tg.createTask(q.put(2));
    // Let it start waiting.
    yield* sleep(0);
    assert.ok(fn(q).includes("_putters[1]"));
    // resume q.put coroutine to finish generator
    q.getNowait();
  });

  assert.ok(putter.done());

  q = new Queue<number>();
  q.putNowait(1);
  assert.ok(fn(q).includes("_queue=[1]"));
}

// CPython 3.12 test_queues.py QueueBasicTests.test_repr
Deno.test("QueueBasicTests.test_repr", async (t) => {
  await t.step("the description (expect_id=True's other checks)", async () => {
    await asyncTest(function* () {
      yield* testReprOrStr(String);
    });
  });
  // DEVIATION: repr(q) shows hex(id(q)); JavaScript objects have no address
  // or id, so the one description (asyncio's str() form) shows none.
  await t.step({ name: "the id in repr()", ignore: true, fn() {} });
});

// CPython 3.12 test_queues.py QueueBasicTests.test_str
Deno.test("QueueBasicTests.test_str", async () => {
  await asyncTest(function* () {
    yield* testReprOrStr(String);
    // expect_id=False: no address in str()
    assert.doesNotMatch(String(new Queue()), / at 0x[0-9a-f]+/);
  });
});

// CPython 3.12 test_queues.py QueueBasicTests.test_generic_alias
// DEVIATION: asyncio.Queue[int] is a runtime GenericAlias; TypeScript's
// Queue<number> exists at compile time only, so there is nothing to inspect.
Deno.test({ name: "QueueBasicTests.test_generic_alias", ignore: true, fn() {} });

// CPython 3.12 test_queues.py QueueBasicTests.test_empty
Deno.test("QueueBasicTests.test_empty", async () => {
  await asyncTest(function* () {
    const q = new Queue<number>();
    assert.ok(q.empty());
    yield* q.put(1);
    assert.equal(q.empty(), false);
    assert.equal(yield* q.get(), 1);
    assert.ok(q.empty());
  });
});

// CPython 3.12 test_queues.py QueueBasicTests.test_full
Deno.test("QueueBasicTests.test_full", async () => {
  await asyncTest(function* () {
    let q = new Queue<number>();
    assert.equal(q.full(), false);

    q = new Queue<number>({ maxsize: 1 });
    yield* q.put(1);
    assert.ok(q.full());
  });
});

// CPython 3.12 test_queues.py QueueBasicTests.test_order
Deno.test("QueueBasicTests.test_order", async () => {
  await asyncTest(function* () {
    const q = new Queue<number>();
    for (const i of [1, 3, 2]) yield* q.put(i);

    const items = [];
    for (let i = 0; i < 3; i++) items.push(yield* q.get());
    assert.deepEqual(items, [1, 3, 2]);
  });
});

// CPython 3.12 test_queues.py QueueBasicTests.test_maxsize
Deno.test("QueueBasicTests.test_maxsize", async () => {
  await asyncTest(function* () {
    const q = new Queue<number>({ maxsize: 2 });
    assert.equal(q.maxsize, 2);
    const haveBeenPut: number[] = [];

    function* putter() {
      for (let i = 0; i < 3; i++) {
        yield* q.put(i);
        haveBeenPut.push(i);
      }
      return true;
    }

    const t = createTask(putter());
    for (let i = 0; i < 2; i++) yield* sleep(0);

    // The putter is blocked after putting two items.
    assert.deepEqual(haveBeenPut, [0, 1]);
    assert.equal(yield* q.get(), 0);

    // Let the putter resume and put last item.
    yield* sleep(0);
    assert.deepEqual(haveBeenPut, [0, 1, 2]);
    assert.equal(yield* q.get(), 1);
    assert.equal(yield* q.get(), 2);

    assert.ok(t.done());
    assert.ok(t.result());
  });
});

// ---------------------------------------------------------------------------
// QueueGetTests

// CPython 3.12 test_queues.py QueueGetTests.test_blocking_get
Deno.test("QueueGetTests.test_blocking_get", async () => {
  await asyncTest(function* () {
    const q = new Queue<number>();
    q.putNowait(1);

    assert.equal(yield* q.get(), 1);
  });
});

// CPython 3.12 test_queues.py QueueGetTests.test_get_with_putters
Deno.test("QueueGetTests.test_get_with_putters", async () => {
  await asyncTest(function* (loop) {
    const q = new Queue<number>(1);
    yield* q.put(1);

    const waiter = loop.createFuture<void>();
    q._putters.push(waiter);

    assert.equal(yield* q.get(), 1);
    assert.ok(waiter.done());
    assert.equal(waiter.result(), undefined);
  });
});

// CPython 3.12 test_queues.py QueueGetTests.test_blocking_get_wait
Deno.test("QueueGetTests.test_blocking_get_wait", async () => {
  await asyncTest(function* (loop) {
    const q = new Queue<number>();
    const started = new Event();
    let finished = false;

    function* queueGet() {
      started.set();
      const res = yield* q.get();
      finished = true;
      return res;
    }

    const queueGetTask = createTask(queueGet());
    yield* started.wait();
    assert.equal(finished, false);
    loop.callLater(0.01, (x: number) => q.putNowait(x), 1);
    const res = yield* queueGetTask;
    assert.ok(finished);
    assert.equal(res, 1);
  });
});

// CPython 3.12 test_queues.py QueueGetTests.test_nonblocking_get
Deno.test("QueueGetTests.test_nonblocking_get", () => {
  const q = new Queue<number>();
  q.putNowait(1);
  assert.equal(q.getNowait(), 1);
});

// CPython 3.12 test_queues.py QueueGetTests.test_nonblocking_get_exception
Deno.test("QueueGetTests.test_nonblocking_get_exception", () => {
  const q = new Queue<number>();
  assert.throws(() => q.getNowait(), QueueEmpty);
});

// CPython 3.12 test_queues.py QueueGetTests.test_get_cancelled_race
Deno.test("QueueGetTests.test_get_cancelled_race", async () => {
  await asyncTest(function* () {
    const q = new Queue<string>();

    const t1 = createTask(q.get());
    const t2 = createTask(q.get());

    yield* sleep(0);
    t1.cancel();
    yield* sleep(0);
    assert.ok(t1.done());
    yield* q.put("a");
    yield* sleep(0);
    assert.equal(yield* t2, "a");
  });
});

// CPython 3.12 test_queues.py QueueGetTests.test_get_with_waiting_putters
Deno.test("QueueGetTests.test_get_with_waiting_putters", async () => {
  await asyncTest(function* () {
    const q = new Queue<string>({ maxsize: 1 });
    createTask(q.put("a"));
    createTask(q.put("b"));
    assert.equal(yield* q.get(), "a");
    assert.equal(yield* q.get(), "b");
  });
});

// CPython 3.12 test_queues.py QueueGetTests.test_why_are_getters_waiting
Deno.test("QueueGetTests.test_why_are_getters_waiting", async () => {
  await asyncTest(function* () {
    function* consumer(queue: Queue<number>, numExpected: number) {
      for (let i = 0; i < numExpected; i++) yield* queue.get();
    }

    function* producer(queue: Queue<number>, numItems: number) {
      for (let i = 0; i < numItems; i++) yield* queue.put(i);
    }

    const producerNumItems = 5;

    const q = new Queue<number>(1);
    yield* taskGroup(function* (tg) {
      tg.createTask(producer(q, producerNumItems));
      tg.createTask(consumer(q, producerNumItems));
    });
  });
});

// CPython 3.12 test_queues.py QueueGetTests.test_cancelled_getters_not_being_held_in_self_getters
Deno.test("QueueGetTests.test_cancelled_getters_not_being_held_in_self_getters", async () => {
  await asyncTest(function* () {
    const queue = new Queue<number>({ maxsize: 5 });

    yield* assertRaises(TimeoutError, waitFor(queue.get(), 0.1));

    assert.equal(queue._getters.length, 0);
  });
});

// ---------------------------------------------------------------------------
// QueuePutTests

// CPython 3.12 test_queues.py QueuePutTests.test_blocking_put
Deno.test("QueuePutTests.test_blocking_put", async () => {
  await asyncTest(function* () {
    const q = new Queue<number>();

    // No maxsize, won't block.
    yield* q.put(1);
    assert.equal(yield* q.get(), 1);
  });
});

// CPython 3.12 test_queues.py QueuePutTests.test_blocking_put_wait
Deno.test("QueuePutTests.test_blocking_put_wait", async () => {
  await asyncTest(function* (loop) {
    const q = new Queue<number>({ maxsize: 1 });
    const started = new Event();
    let finished = false;

    function* queuePut() {
      started.set();
      yield* q.put(1);
      yield* q.put(2);
      finished = true;
    }

    loop.callLater(0.01, () => q.getNowait());
    const queuePutTask = createTask(queuePut());
    yield* started.wait();
    assert.equal(finished, false);
    yield* queuePutTask;
    assert.ok(finished);
  });
});

// CPython 3.12 test_queues.py QueuePutTests.test_nonblocking_put
Deno.test("QueuePutTests.test_nonblocking_put", () => {
  const q = new Queue<number>();
  q.putNowait(1);
  assert.equal(q.getNowait(), 1);
});

// CPython 3.12 test_queues.py QueuePutTests.test_get_cancel_drop_one_pending_reader
Deno.test("QueuePutTests.test_get_cancel_drop_one_pending_reader", async () => {
  await asyncTest(function* () {
    const q = new Queue<number>();

    let reader = createTask(q.get());

    yield* sleep(0);

    q.putNowait(1);
    q.putNowait(2);
    reader.cancel();

    try {
      yield* reader;
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
      // try again
      reader = createTask(q.get());
      yield* reader;
    }

    const result = reader.result();
    // if we get 2, it means 1 got dropped!
    assert.equal(result, 1);
  });
});

// CPython 3.12 test_queues.py QueuePutTests.test_get_cancel_drop_many_pending_readers
Deno.test("QueuePutTests.test_get_cancel_drop_many_pending_readers", async () => {
  await asyncTest(function* () {
    const q = new Queue<number>();

    let reader2!: Task<number>;
    let reader3!: Task<number>;
    yield* taskGroup(function* (tg) {
      const reader1 = tg.createTask(q.get());
      reader2 = tg.createTask(q.get());
      reader3 = tg.createTask(q.get());

      yield* sleep(0);

      q.putNowait(1);
      q.putNowait(2);
      reader1.cancel();

      yield* assertRaises(CancelledError, reader1);

      yield* reader3;
    });

    // It is undefined in which order concurrent readers receive results.
    assert.deepEqual(new Set([reader2.result(), reader3.result()]), new Set([1, 2]));
  });
});

// CPython 3.12 test_queues.py QueuePutTests.test_put_cancel_drop
Deno.test("QueuePutTests.test_put_cancel_drop", async () => {
  await asyncTest(function* () {
    const q = new Queue<number>(1);

    q.putNowait(1);

    // putting a second item in the queue has to block (qsize=1)
    let writer = createTask(q.put(2));
    yield* sleep(0);

    const value1 = q.getNowait();
    assert.equal(value1, 1);

    writer.cancel();
    try {
      yield* writer;
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
      // try again
      writer = createTask(q.put(2));
      yield* writer;
    }

    const value2 = q.getNowait();
    assert.equal(value2, 2);
    assert.equal(q.qsize(), 0);
  });
});

// CPython 3.12 test_queues.py QueuePutTests.test_nonblocking_put_exception
Deno.test("QueuePutTests.test_nonblocking_put_exception", () => {
  const q = new Queue<number>({ maxsize: 1 });
  q.putNowait(1);
  assert.throws(() => q.putNowait(2), QueueFull);
});

// CPython 3.12 test_queues.py QueuePutTests.test_float_maxsize
Deno.test("QueuePutTests.test_float_maxsize", async () => {
  await asyncTest(function* () {
    let q = new Queue<number>({ maxsize: 1.3 });
    q.putNowait(1);
    q.putNowait(2);
    assert.ok(q.full());
    assert.throws(() => q.putNowait(3), QueueFull);

    q = new Queue<number>({ maxsize: 1.3 });

    yield* q.put(1);
    yield* q.put(2);
    assert.ok(q.full());
  });
});

// CPython 3.12 test_queues.py QueuePutTests.test_put_cancelled
Deno.test("QueuePutTests.test_put_cancelled", async () => {
  await asyncTest(function* () {
    const q = new Queue<number>();

    function* queuePut() {
      yield* q.put(1);
      return true;
    }

    const t = createTask(queuePut());

    assert.equal(yield* q.get(), 1);
    assert.ok(t.done());
    assert.ok(t.result());
  });
});

// CPython 3.12 test_queues.py QueuePutTests.test_put_cancelled_race
Deno.test("QueuePutTests.test_put_cancelled_race", async () => {
  await asyncTest(function* () {
    const q = new Queue<string>({ maxsize: 1 });

    const putA = createTask(q.put("a"));
    const putB = createTask(q.put("b"));
    const putC = createTask(q.put("X"));

    yield* sleep(0);
    assert.ok(putA.done());
    assert.equal(putB.done(), false);

    putC.cancel();
    yield* sleep(0);
    assert.ok(putC.done());
    assert.equal(q.getNowait(), "a");
    yield* sleep(0);
    assert.equal(q.getNowait(), "b");

    yield* putB;
  });
});

// CPython 3.12 test_queues.py QueuePutTests.test_put_with_waiting_getters
Deno.test("QueuePutTests.test_put_with_waiting_getters", async () => {
  await asyncTest(function* () {
    const q = new Queue<string>();
    const t = createTask(q.get());
    yield* sleep(0);
    yield* q.put("a");
    assert.equal(yield* t, "a");
  });
});

// CPython 3.12 test_queues.py QueuePutTests.test_why_are_putters_waiting
Deno.test("QueuePutTests.test_why_are_putters_waiting", async () => {
  await asyncTest(function* () {
    const queue = new Queue<number>(2);

    function* putter(item: number) {
      yield* queue.put(item);
    }

    function* getter() {
      yield* sleep(0);
      const num = queue.qsize();
      for (let i = 0; i < num; i++) queue.getNowait();
    }

    yield* taskGroup(function* (tg) {
      tg.createTask(getter());
      tg.createTask(putter(0));
      tg.createTask(putter(1));
      tg.createTask(putter(2));
      tg.createTask(putter(3));
    });
  });
});

// CPython 3.12 test_queues.py QueuePutTests.test_cancelled_puts_not_being_held_in_self_putters
Deno.test("QueuePutTests.test_cancelled_puts_not_being_held_in_self_putters", async () => {
  await asyncTest(function* () {
    // Full queue.
    const queue = new Queue<number>({ maxsize: 1 });
    queue.putNowait(1);

    // Task waiting for space to put an item in the queue.
    const putTask = createTask(queue.put(1));
    yield* sleep(0);

    // Check that the putter is correctly removed from queue._putters when
    // the task is canceled.
    assert.equal(queue._putters.length, 1);
    putTask.cancel();
    yield* assertRaises(CancelledError, putTask);
    assert.equal(queue._putters.length, 0);
  });
});

// CPython 3.12 test_queues.py QueuePutTests.test_cancelled_put_silence_value_error_exception
Deno.test("QueuePutTests.test_cancelled_put_silence_value_error_exception", async () => {
  await asyncTest(function* () {
    // Full Queue.
    const queue = new Queue<number>(1);
    queue.putNowait(1);

    // Task waiting for space to put a item in the queue.
    const putTask = createTask(queue.put(1));
    yield* sleep(0);

    // get_nowait() remove the future of put_task from queue._putters.
    queue.getNowait();
    // When canceled, queue.put is going to remove its future from
    // self._putters but it was removed previously by queue.get_nowait().
    putTask.cancel();

    // The ValueError exception triggered by queue._putters.remove(putter)
    // inside queue.put should be silenced.
    // If the ValueError is silenced we should catch a CancelledError.
    yield* assertRaises(CancelledError, putTask);
  });
});

// ---------------------------------------------------------------------------
// LifoQueueTests, PriorityQueueTests

// CPython 3.12 test_queues.py LifoQueueTests.test_order
Deno.test("LifoQueueTests.test_order", async () => {
  await asyncTest(function* () {
    const q = new LifoQueue<number>();
    for (const i of [1, 3, 2]) yield* q.put(i);

    const items = [];
    for (let i = 0; i < 3; i++) items.push(yield* q.get());
    assert.deepEqual(items, [2, 3, 1]);
  });
});

// CPython 3.12 test_queues.py PriorityQueueTests.test_order
Deno.test("PriorityQueueTests.test_order", async () => {
  await asyncTest(function* () {
    const q = new PriorityQueue<number>();
    for (const i of [1, 3, 2]) yield* q.put(i);

    const items = [];
    for (let i = 0; i < 3; i++) items.push(yield* q.get());
    assert.deepEqual(items, [1, 2, 3]);
  });
});

// ---------------------------------------------------------------------------
// _QueueJoinTestMixin: QueueJoinTests, LifoQueueJoinTests, PriorityQueueJoinTests

const JOIN_CLASSES: [string, QueueClass][] = [
  ["QueueJoinTests", Queue],
  ["LifoQueueJoinTests", LifoQueue],
  ["PriorityQueueJoinTests", PriorityQueue],
];

for (const [cls, qClass] of JOIN_CLASSES) {
  // CPython 3.12 test_queues.py _QueueJoinTestMixin.test_task_done_underflow
  Deno.test(`${cls}.test_task_done_underflow`, () => {
    const q = new qClass<number>();
    assert.throws(() => q.taskDone(), RangeError);
  });

  // CPython 3.12 test_queues.py _QueueJoinTestMixin.test_task_done
  Deno.test(`${cls}.test_task_done`, async () => {
    await asyncTest(function* () {
      const q = new qClass<number>();
      for (let i = 0; i < 100; i++) q.putNowait(i);

      let accumulator = 0;

      // Two workers get items from the queue and call task_done after each.
      // Join the queue and assert all items have been processed.
      let running = true;

      function* worker() {
        while (running) {
          const item = yield* q.get();
          accumulator += item;
          q.taskDone();
        }
      }

      yield* taskGroup(function* (tg) {
        const tasks = [];
        for (let index = 0; index < 2; index++) tasks.push(tg.createTask(worker()));

        yield* q.join();
        assert.equal(accumulator, (99 * 100) / 2);

        // close running generators
        running = false;
        for (let i = 0; i < tasks.length; i++) q.putNowait(0);
      });
    });
  });

  // CPython 3.12 test_queues.py _QueueJoinTestMixin.test_join_empty_queue
  Deno.test(`${cls}.test_join_empty_queue`, async () => {
    await asyncTest(function* () {
      const q = new qClass<number>();

      // Test that a queue join()s successfully, and before anything else
      // (done twice for insurance).

      yield* q.join();
      yield* q.join();
    });
  });

  // CPython 3.12 test_queues.py _QueueJoinTestMixin.test_format
  Deno.test(`${cls}.test_format`, async () => {
    // deno-lint-ignore require-yield
    await asyncTest(function* () {
      const q = new qClass<number>();
      assert.equal(q._format(), "maxsize=0");

      q._unfinishedTasks = 2;
      assert.equal(q._format(), "maxsize=0 tasks=2");
    });
  });
}

// ---------------------------------------------------------------------------
// _QueueShutdownTestMixin: QueueShutdownTests, LifoQueueShutdownTests,
// PriorityQueueShutdownTests

const SHUTDOWN_CLASSES: [string, QueueClass][] = [
  ["QueueShutdownTests", Queue],
  ["LifoQueueShutdownTests", LifoQueue],
  ["PriorityQueueShutdownTests", PriorityQueue],
];

// `with self.assertRaisesShutdown(): <body that awaits>`.
function assertRaisesShutdown(body: Iterable<unknown, unknown>): Coroutine<QueueShutDown> {
  return assertRaises(QueueShutDown, body);
}

for (const [cls, qClass] of SHUTDOWN_CLASSES) {
  // CPython 3.13 test_queues.py _QueueShutdownTestMixin.test_format
  Deno.test(`${cls}.test_format`, async () => {
    // deno-lint-ignore require-yield
    await asyncTest(function* () {
      const q = new qClass<string>();
      q.shutdown();
      assert.equal(q._format(), "maxsize=0 shutdown");
    });
  });

  // CPython 3.13 test_queues.py _QueueShutdownTestMixin.test_shutdown_empty
  Deno.test(`${cls}.test_shutdown_empty`, async () => {
    await asyncTest(function* () {
      // Test shutting down an empty queue

      // Setup empty queue, and join() and get() tasks
      const q = new qClass<string>();
      const getTask = createTask(q.get());
      yield* sleep(0); // want get task pending before shutdown

      // Perform shut-down
      q.shutdown(false); // unfinished tasks: 0 -> 0

      assert.equal(q.qsize(), 0);

      // Ensure join() task successfully finishes
      yield* q.join();

      // Ensure get() task is finished, and raised ShutDown
      yield* sleep(0);
      assert.ok(getTask.done());
      yield* assertRaisesShutdown(getTask);

      // Ensure put() and get() raise ShutDown
      yield* assertRaisesShutdown(q.put("data"));
      assert.throws(() => q.putNowait("data"), QueueShutDown);

      yield* assertRaisesShutdown(q.get());
      assert.throws(() => q.getNowait(), QueueShutDown);
    });
  });

  // CPython 3.13 test_queues.py _QueueShutdownTestMixin.test_shutdown_nonempty
  Deno.test(`${cls}.test_shutdown_nonempty`, async () => {
    await asyncTest(function* () {
      // Test shutting down a non-empty queue

      // Setup full queue with 1 item, and join() and put() tasks
      const q = new qClass<string>({ maxsize: 1 });

      q.putNowait("data");
      const joinTask = createTask(q.join());
      const putTask = createTask(q.put("data2"));

      // Ensure put() task is not finished
      yield* sleep(0);
      assert.equal(putTask.done(), false);

      // Perform shut-down
      q.shutdown(false); // unfinished tasks: 1 -> 1

      assert.equal(q.qsize(), 1);

      // Ensure put() task is finished, and raised ShutDown
      yield* sleep(0);
      assert.ok(putTask.done());
      yield* assertRaisesShutdown(putTask);

      // Ensure get() succeeds on enqueued item
      assert.equal(yield* q.get(), "data");

      // Ensure join() task is not finished
      yield* sleep(0);
      assert.equal(joinTask.done(), false);

      // Ensure put() and get() raise ShutDown
      yield* assertRaisesShutdown(q.put("data"));
      assert.throws(() => q.putNowait("data"), QueueShutDown);

      yield* assertRaisesShutdown(q.get());
      assert.throws(() => q.getNowait(), QueueShutDown);

      // Ensure there is 1 unfinished task, and join() task succeeds
      q.taskDone();

      yield* sleep(0);
      assert.ok(joinTask.done());
      yield* joinTask;

      assert.throws(() => q.taskDone(), RangeError, "Didn't appear to mark all tasks done");
    });
  });

  // CPython 3.13 test_queues.py _QueueShutdownTestMixin.test_shutdown_immediate
  Deno.test(`${cls}.test_shutdown_immediate`, async () => {
    await asyncTest(function* () {
      // Test immediately shutting down a queue

      // Setup queue with 1 item, and a join() task
      const q = new qClass<string>();
      q.putNowait("data");
      const joinTask = createTask(q.join());

      // Perform shut-down
      q.shutdown(true); // unfinished tasks: 1 -> 0

      assert.equal(q.qsize(), 0);

      // Ensure join() task has successfully finished
      yield* sleep(0);
      assert.ok(joinTask.done());
      yield* joinTask;

      // Ensure put() and get() raise ShutDown
      yield* assertRaisesShutdown(q.put("data"));
      assert.throws(() => q.putNowait("data"), QueueShutDown);

      yield* assertRaisesShutdown(q.get());
      assert.throws(() => q.getNowait(), QueueShutDown);

      // Ensure there are no unfinished tasks
      assert.throws(() => q.taskDone(), RangeError, "Didn't appear to mark all tasks done");
    });
  });

  // CPython 3.13 test_queues.py _QueueShutdownTestMixin.test_shutdown_immediate_with_unfinished
  Deno.test(`${cls}.test_shutdown_immediate_with_unfinished`, async () => {
    await asyncTest(function* () {
      // Test immediately shutting down a queue with unfinished tasks

      // Setup queue with 2 items (1 retrieved), and a join() task
      const q = new qClass<string>();
      q.putNowait("data");
      q.putNowait("data");
      const joinTask = createTask(q.join());
      assert.equal(yield* q.get(), "data");

      // Perform shut-down
      q.shutdown(true); // unfinished tasks: 2 -> 1

      assert.equal(q.qsize(), 0);

      // Ensure join() task is not finished
      yield* sleep(0);
      assert.equal(joinTask.done(), false);

      // Ensure put() and get() raise ShutDown
      yield* assertRaisesShutdown(q.put("data"));
      assert.throws(() => q.putNowait("data"), QueueShutDown);

      yield* assertRaisesShutdown(q.get());
      assert.throws(() => q.getNowait(), QueueShutDown);

      // Ensure there is 1 unfinished task
      q.taskDone();
      assert.throws(() => q.taskDone(), RangeError, "Didn't appear to mark all tasks done");

      // Ensure join() task has successfully finished
      yield* sleep(0);
      assert.ok(joinTask.done());
      yield* joinTask;
    });
  });
}
