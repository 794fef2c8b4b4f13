// Unit tests of the queues (loops/queues.ts): what the CPython port does not
// cover — the JavaScript surface (awaiting from async functions, laziness,
// options), PriorityQueue's default order and `compare`, argument checks,
// messages, loop binding.

import assert from "node:assert/strict";
import {
  type Coroutine,
  createTask,
  gather,
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  run,
  RuntimeError,
  sleep,
} from "../../../mod.ts";
import { TestLoop } from "../../../loops/testing/mod.ts";
import { bad, thrownBy, withLoop } from "../../_helpers.ts";

const newLoop = () => new TestLoop();

Deno.test("Queue: put(), get() and join() from async functions", async () => {
  await run(async () => {
    const q = new Queue<number>(1);
    const consumer = createTask(
      (async () => {
        const got: number[] = [];
        for (let i = 0; i < 5; i++) {
          got.push(await q.get());
          q.taskDone();
        }
        return got;
      })(),
    );
    for (let i = 0; i < 5; i++) await q.put(i);
    await q.join();
    assert.deepEqual(await consumer, [0, 1, 2, 3, 4]);
  });
});

Deno.test("Queue: put() and get() are lazy: nothing happens until driven", async () => {
  await withLoop(newLoop, async (loop) => {
    const q = new Queue<string>();
    const put = q.put("a");
    const get = q.get();
    assert.equal(q.qsize(), 0);
    assert.equal(q._getters.length, 0);
    await loop.runUntilComplete(put);
    assert.equal(q.qsize(), 1);
    assert.equal(await loop.runUntilComplete(get), "a");
  });
});

Deno.test("Queue: a producer and a consumer hand off 10000 items through maxsize 1", async () => {
  await withLoop(newLoop, async (loop) => {
    const q = new Queue<number>({ maxsize: 1 });
    const n = 10000;
    const sum = await loop.runUntilComplete(function* () {
      const consumer = createTask(function* (): Coroutine<number> {
        let s = 0;
        for (let i = 0; i < n; i++) s += yield* q.get();
        return s;
      }());
      for (let i = 0; i < n; i++) yield* q.put(i);
      return yield* consumer;
    }());
    assert.equal(sum, (n * (n - 1)) / 2);
    assert.equal(q.qsize(), 0);
    assert.equal(String(q), "<Queue maxsize=1 tasks=10000>");
  });
});

Deno.test("Queue: options", async (t) => {
  await t.step("none, a number, an object, null", () => {
    assert.equal(new Queue().maxsize, 0);
    assert.equal(new Queue(3).maxsize, 3);
    assert.equal(new Queue({ maxsize: 4 }).maxsize, 4);
    assert.equal(new Queue({}).maxsize, 0);
    assert.equal(new LifoQueue(null as unknown as number).maxsize, 0);
  });
  await t.step("maxsize <= 0 or Infinity: never full", () => {
    for (const maxsize of [0, -1, Infinity]) {
      const q = new Queue<number>({ maxsize });
      for (let i = 0; i < 100; i++) q.putNowait(i);
      assert.equal(q.full(), false);
    }
  });
  await t.step("bad options: TypeError / RangeError naming them", () => {
    const cases: [unknown, typeof TypeError | typeof RangeError, string][] = [
      ["2", TypeError, 'options must be an object or a number: got "2"'],
      [{ maxsize: "2" }, TypeError, 'maxsize must be a number: got "2"'],
      [NaN, RangeError, "maxsize must not be NaN"],
      [{ maxsize: NaN }, RangeError, "maxsize must not be NaN"],
    ];
    for (const [options, cls, message] of cases) {
      for (const ctor of [Queue, LifoQueue, PriorityQueue]) {
        const e = thrownBy(() => new ctor(bad<number>(options)));
        assert.ok(e instanceof cls, `${ctor.name}(${String(options)})`);
        assert.equal((e as Error).message, message);
      }
    }
  });
  await t.step("compare must be a function", () => {
    const e = thrownBy(() => new PriorityQueue({ compare: bad<() => number>(1) }));
    assert.ok(e instanceof TypeError);
    assert.equal((e as Error).message, "options.compare must be a function: got number 1");
  });
});

Deno.test("Queue: the errors and their messages", () => {
  const q = new Queue<number>(1);
  let e = thrownBy(() => q.getNowait());
  assert.ok(e instanceof QueueEmpty);
  assert.equal(e.name, "QueueEmpty");
  assert.equal(e.message, "The queue is empty");
  q.putNowait(1);
  e = thrownBy(() => q.putNowait(2));
  assert.ok(e instanceof QueueFull);
  assert.equal(e.name, "QueueFull");
  assert.equal(e.message, "The queue is full: maxsize=1");
  q.shutdown();
  e = thrownBy(() => q.putNowait(2));
  assert.ok(e instanceof QueueShutDown);
  assert.equal(e.name, "QueueShutDown");
  assert.equal(e.message, "The queue is shut down");
  assert.equal(q.getNowait(), 1, "items put before shutdown() can still be taken");
  assert.throws(() => q.getNowait(), QueueShutDown);
  q.taskDone();
  e = thrownBy(() => q.taskDone());
  assert.ok(e instanceof RangeError);
  assert.equal(e.message, "taskDone() called too many times");
  e = thrownBy(() => q.shutdown(bad<boolean>("yes")));
  assert.ok(e instanceof TypeError);
  assert.equal(e.message, 'immediate must be a boolean: got "yes"');
});

Deno.test("Queue: shutdown() wakes waiting getters and putters with QueueShutDown", async () => {
  await withLoop(newLoop, async (loop) => {
    const empty = new Queue<number>();
    const full = new Queue<number>(1);
    full.putNowait(0);
    await loop.runUntilComplete(function* () {
      const getters = [createTask(empty.get()), createTask(empty.get())];
      const putters = [createTask(full.put(1)), createTask(full.put(2))];
      yield* sleep(0);
      empty.shutdown();
      full.shutdown(true);
      const outcomes = yield* gather(...getters, ...putters, { returnExceptions: true });
      for (const o of outcomes) assert.ok(o instanceof QueueShutDown);
      assert.equal(full.qsize(), 0);
      yield* full.join(); // the dropped item counts as done
    }());
    assert.equal(String(full), "<Queue maxsize=1 shutdown>");
  });
});

Deno.test("Queue: bound to the loop it first waited on; another loop is RuntimeError", async () => {
  const q = new Queue<number>();
  await withLoop(newLoop, async (loop) => {
    const getter = loop.createTask(q.get());
    await loop.runUntilComplete(sleep(0));
    q.putNowait(1);
    assert.equal(await loop.runUntilComplete(getter), 1);
  });
  await withLoop(newLoop, async (other) => {
    await assert.rejects(
      other.runUntilComplete(q.get()),
      (e) =>
        e instanceof RuntimeError &&
        e.message === "<Queue maxsize=0 tasks=1> is bound to a different event loop",
    );
    q.putNowait(2);
    assert.equal(await other.runUntilComplete(q.get()), 2, "no wait: no loop needed");
  });
});

Deno.test("LifoQueue: the latest item first, also to waiting getters", async () => {
  await withLoop(newLoop, async (loop) => {
    const q = new LifoQueue<string>();
    const got = await loop.runUntilComplete(function* () {
      const first = createTask(q.get());
      yield* sleep(0);
      q.putNowait("a");
      q.putNowait("b");
      q.putNowait("c");
      return [yield* first, yield* q.get(), yield* q.get()];
    }());
    assert.deepEqual(got, ["c", "b", "a"]);
    assert.equal(String(q), "<LifoQueue maxsize=0 tasks=3>");
  });
});

function drain<T>(q: PriorityQueue<T>): T[] {
  const out: T[] = [];
  while (!q.empty()) out.push(q.getNowait());
  return out;
}

Deno.test("PriorityQueue: the default order is Python's for ints, strings and tuples", async (t) => {
  await t.step("numbers, bigints and booleans compare by value", () => {
    const q = new PriorityQueue<number | bigint | boolean>();
    for (const v of [3, 10n, -1, true, 2.5, -2n, 0.5, false, -Infinity]) q.putNowait(v);
    assert.deepEqual(drain(q), [-Infinity, -2n, -1, false, 0.5, true, 2.5, 3, 10n]);
  });
  await t.step("strings by code point (astral characters after U+FFFD)", () => {
    const q = new PriorityQueue<string>();
    for (const v of ["b", "\u{1F600}", "\uFFFD", "a", "", "ab", "B"]) q.putNowait(v);
    assert.deepEqual(drain(q), ["", "B", "a", "ab", "b", "\uFFFD", "\u{1F600}"]);
  });
  await t.step("arrays element by element; a prefix comes first", () => {
    const q = new PriorityQueue<unknown[]>();
    const items = [[2, "b"], [0, "z"], [2, "a"], [2], [1, [3, 1]], [1, [3]], []];
    for (const v of items) q.putNowait(v);
    assert.deepEqual(drain(q), [[], [0, "z"], [1, [3]], [1, [3, 1]], [2], [2, "a"], [2, "b"]]);
  });
  await t.step("data after a distinct priority is never compared", () => {
    const q = new PriorityQueue<[number, { name: string }]>();
    q.putNowait([2, { name: "later" }]);
    q.putNowait([1, { name: "first" }]);
    assert.equal(q.getNowait()[1].name, "first");
  });
  await t.step("what Python cannot order either is TypeError", () => {
    const cases: [unknown, unknown][] = [[1, "1"], [{}, {}], [[1, {}], [1, {}]], [null, 0]];
    for (const [a, b] of cases) {
      const q = new PriorityQueue<unknown>();
      q.putNowait(a);
      const e = thrownBy(() => q.putNowait(b));
      assert.ok(e instanceof TypeError, `${String(a)} vs ${String(b)}`);
      assert.match(e.message, /^PriorityQueue cannot order .*: .*pass options\.compare$/);
    }
  });
});

Deno.test("PriorityQueue: compare sets the order; the heap agrees with a sort", () => {
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const values = Array.from({ length: 2000 }, () => Math.floor(random() * 500));
  const q = new PriorityQueue<{ due: number }>({ maxsize: 0, compare: (a, b) => b.due - a.due });
  for (const due of values) q.putNowait({ due });
  assert.equal(q.qsize(), values.length);
  assert.deepEqual(drain(q).map((x) => x.due), values.toSorted((a, b) => b - a));

  const plain = new PriorityQueue<number>();
  for (let i = 0; i < values.length; i++) {
    plain.putNowait(values[i]);
    if (i % 3 === 0) plain.getNowait(); // interleaved gets keep the heap honest
  }
  const rest = drain(plain);
  assert.deepEqual(rest, rest.toSorted((a, b) => a - b));
});

Deno.test("toString(): items, waiters, unfinished tasks, shutdown", async () => {
  await withLoop(newLoop, async (loop) => {
    const q = new Queue<unknown>(2);
    assert.equal(String(q), "<Queue maxsize=2>");
    q.putNowait("a");
    q.putNowait([1, 2n]);
    assert.equal(String(q), '<Queue maxsize=2 _queue=["a", [1, 2n]] tasks=2>');
    await loop.runUntilComplete(function* () {
      const putter = createTask(q.put(3));
      yield* sleep(0);
      assert.equal(String(q), '<Queue maxsize=2 _queue=["a", [1, 2n]] _putters[1] tasks=2>');
      q.getNowait();
      yield* putter;
    }());
    assert.equal(String(new PriorityQueue()), "<PriorityQueue maxsize=0>");
  });
});
