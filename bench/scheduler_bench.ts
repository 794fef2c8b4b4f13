// Scheduler hot-path benchmarks. Each group has a plain-JS baseline measured
// in the same run, so `deno bench` prints our cost as a ratio to it.
// `deno task bench:report` turns the numbers into rates and checks targets.
// One bench iteration does a whole workload (OPS[group] operations); `n`
// keeps the number of iterations small because each one is large.

import { BaseEventLoop, gather, Lock, Queue, sleep, taskGroup } from "../mod.ts";
import { TestLoop } from "../loops/testing/mod.ts";
import type { Coroutine, Future } from "../mod.ts";
import { PlainHeap, PlainRing, trampoline } from "./_baselines.ts";
import {
  CALLBACKS,
  GATHERED,
  GROUP_TASKS,
  LOCK_ROUNDS,
  LOCK_TASKS,
  PINGPONGS,
  QUEUE_ITEMS,
  SWITCHES_PER_TASK,
  TASKS,
  TIMERS,
} from "./_workloads.ts";

// Each iteration is a whole workload, so a few iterations are enough.
const RUNS = { n: 10, warmup: 3 };

// ---- callSoon chain: each callback schedules the next ----------------------

Deno.bench("plain ring chain", { group: "callSoon chain", baseline: true, ...RUNS }, () => {
  const q = new PlainRing();
  let left = CALLBACKS;
  const tick = () => {
    if (--left > 0) q.push(tick);
  };
  q.push(tick);
  q.run();
});

Deno.bench("loop.callSoon chain", { group: "callSoon chain", ...RUNS }, async (b) => {
  const loop = new BaseEventLoop();
  let left = CALLBACKS;
  const tick = () => {
    if (--left > 0) loop.callSoon(tick);
    else loop.stop();
  };
  loop.callSoon(tick);
  b.start();
  await loop.runForever();
  b.end();
  loop.close();
});

// ---- callSoon fan: all scheduled up front, run in one iteration -----------

Deno.bench("plain ring fan", { group: "callSoon fan", baseline: true, ...RUNS }, () => {
  const q = new PlainRing();
  let count = 0;
  const cb = () => {
    count++;
  };
  for (let i = 0; i < CALLBACKS; i++) q.push(cb);
  q.run();
  if (count !== CALLBACKS) throw new Error("lost callbacks");
});

Deno.bench("loop.callSoon fan", { group: "callSoon fan", ...RUNS }, async (b) => {
  const loop = new BaseEventLoop();
  let count = 0;
  const cb = () => {
    count++;
  };
  b.start();
  for (let i = 0; i < CALLBACKS; i++) loop.callSoon(cb);
  loop.stop();
  await loop.runForever();
  b.end();
  loop.close();
  if (count !== CALLBACKS) throw new Error("lost callbacks");
});

// ---- timers: schedule, cancel half, fire the rest -------------------------

function delays(): Float64Array {
  const d = new Float64Array(TIMERS);
  let x = 12345;
  for (let i = 0; i < TIMERS; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    d[i] = (x % 100_000) / 1000; // 0 .. 100 s, virtual
  }
  return d;
}
const DELAYS = delays();

Deno.bench("plain binary heap", { group: "timers", baseline: true, ...RUNS }, () => {
  const heap = new PlainHeap();
  let fired = 0;
  const cb = () => {
    fired++;
  };
  const ts = [];
  for (let i = 0; i < TIMERS; i++) ts.push(heap.push(DELAYS[i], cb));
  for (let i = 0; i < TIMERS; i += 2) ts[i].cancelled = true;
  while (heap.a.length > 0) {
    const t = heap.pop();
    if (!t.cancelled) t.cb();
  }
  if (fired !== TIMERS / 2) throw new Error("wrong count");
});

Deno.bench("loop.callLater", { group: "timers", ...RUNS }, async (b) => {
  const loop = new TestLoop();
  let fired = 0;
  const cb = () => {
    fired++;
  };
  b.start();
  const hs = [];
  for (let i = 0; i < TIMERS; i++) hs.push(loop.callLater(DELAYS[i], cb));
  for (let i = 0; i < TIMERS; i += 2) hs[i].cancel();
  loop.callLater(101, () => loop.stop());
  await loop.runForever();
  b.end();
  loop.close();
  if (fired !== TIMERS / 2) throw new Error("wrong count");
});

// ---- task switches: 100 tasks x 10,000 `yield* sleep(0)` -------------------

Deno.bench(
  "plain generator trampoline",
  { group: "task switches", baseline: true, ...RUNS },
  () => {
    function* g() {
      for (let i = 0; i < SWITCHES_PER_TASK; i++) yield;
    }
    trampoline(Array.from({ length: TASKS }, g));
  },
);

Deno.bench(
  "tasks yield* sleep(0)",
  { group: "task switches", ...RUNS },
  async (b) => {
    const loop = new BaseEventLoop();
    function* worker(): Coroutine<void> {
      for (let i = 0; i < SWITCHES_PER_TASK; i++) yield* sleep(0);
    }
    b.start();
    await loop.runUntilComplete(
      gather(...Array.from({ length: TASKS }, () => loop.createTask(worker()))),
    );
    b.end();
    loop.close();
  },
);

// ---- future ping-pong: two tasks hand a future back and forth --------------

Deno.bench(
  "promise ping-pong",
  { group: "future ping-pong", baseline: true, ...RUNS },
  async () => {
    let resolvePing!: (n: number) => void;
    let resolvePong!: (n: number) => void;
    const pinger = async () => {
      for (let i = 0; i < PINGPONGS; i++) {
        const pong = new Promise<number>((r) => (resolvePong = r));
        resolvePing(i);
        await pong;
      }
    };
    const ponger = async () => {
      for (let i = 0; i < PINGPONGS; i++) {
        const ping = new Promise<number>((r) => (resolvePing = r));
        if (i > 0) resolvePong(i);
        await ping;
      }
      resolvePong(PINGPONGS);
    };
    const p2 = ponger();
    await Promise.all([pinger(), p2]);
  },
);

Deno.bench("future ping-pong", { group: "future ping-pong", ...RUNS }, async (b) => {
  const loop = new BaseEventLoop();
  let ping: Future<number> = loop.createFuture();
  let pong: Future<number> = loop.createFuture();
  function* pinger(): Coroutine<void> {
    for (let i = 0; i < PINGPONGS; i++) {
      const p = ping;
      p.setResult(i);
      yield* pong;
    }
  }
  function* ponger(): Coroutine<void> {
    for (let i = 0; i < PINGPONGS; i++) {
      yield* ping;
      ping = loop.createFuture();
      const p = pong;
      pong = loop.createFuture();
      p.setResult(i);
    }
  }
  b.start();
  await loop.runUntilComplete(gather(loop.createTask(ponger()), loop.createTask(pinger())));
  b.end();
  loop.close();
});

// ---- createTask + gather of 100,000 coroutines ---------------------------

Deno.bench(
  "Promise.all of async functions",
  { group: "gather", baseline: true, ...RUNS },
  async () => {
    // deno-lint-ignore require-await
    const f = async (i: number) => i;
    const ps = [];
    for (let i = 0; i < GATHERED; i++) ps.push(f(i));
    await Promise.all(ps);
  },
);

Deno.bench("createTask + gather", { group: "gather", ...RUNS }, async (b) => {
  const loop = new BaseEventLoop();
  // deno-lint-ignore require-yield
  function* co(i: number): Coroutine<number> {
    return i;
  }
  b.start();
  await loop.runUntilComplete(function* () {
    const tasks = [];
    for (let i = 0; i < GATHERED; i++) tasks.push(loop.createTask(co(i)));
    return yield* gather(...tasks);
  }());
  b.end();
  loop.close();
});

// ---- queue hand-off: a producer and a consumer through Queue(maxsize 1) -----

Deno.bench(
  "promise channel hand-off",
  { group: "queue hand-off", baseline: true, ...RUNS },
  async () => {
    // The plain-JS equivalent: a one-slot channel of promises.
    let slot: number | undefined;
    let wakeGet: (() => void) | null = null;
    let wakePut: (() => void) | null = null;
    const put = async (v: number) => {
      while (slot !== undefined) await new Promise<void>((r) => wakePut = r);
      slot = v;
      wakeGet?.();
      wakeGet = null;
    };
    const get = async () => {
      while (slot === undefined) await new Promise<void>((r) => wakeGet = r);
      const v = slot;
      slot = undefined;
      wakePut?.();
      wakePut = null;
      return v;
    };
    let sum = 0;
    await Promise.all([
      (async () => {
        for (let i = 0; i < QUEUE_ITEMS; i++) await put(i);
      })(),
      (async () => {
        for (let i = 0; i < QUEUE_ITEMS; i++) sum += await get();
      })(),
    ]);
    if (sum !== (QUEUE_ITEMS * (QUEUE_ITEMS - 1)) / 2) throw new Error("lost items");
  },
);

Deno.bench("Queue put/get", { group: "queue hand-off", ...RUNS }, async (b) => {
  const loop = new BaseEventLoop();
  let sum = 0;
  b.start();
  await loop.runUntilComplete(function* () {
    const q = new Queue<number>(1);
    const producer = loop.createTask(function* () {
      for (let i = 0; i < QUEUE_ITEMS; i++) yield* q.put(i);
    }());
    for (let i = 0; i < QUEUE_ITEMS; i++) sum += yield* q.get();
    yield* producer;
  }());
  b.end();
  loop.close();
  if (sum !== (QUEUE_ITEMS * (QUEUE_ITEMS - 1)) / 2) throw new Error("lost items");
});

// ---- lock hand-off among 100 tasks: acquire, sleep(0), release -------------

Deno.bench(
  "promise mutex hand-off",
  { group: "lock hand-off", baseline: true, ...RUNS },
  async () => {
    // The plain-JS equivalent: a FIFO mutex of promises, and a macrotask-free
    // yield (a resolved promise) where the tasks sleep(0).
    const waiters: (() => void)[] = [];
    let locked = false;
    const acquire = async () => {
      if (!locked) {
        locked = true;
        return;
      }
      await new Promise<void>((r) => waiters.push(r));
    };
    const release = () => {
      const next = waiters.shift();
      if (next !== undefined) next();
      else locked = false;
    };
    let count = 0;
    await Promise.all(Array.from({ length: LOCK_TASKS }, async () => {
      for (let i = 0; i < LOCK_ROUNDS; i++) {
        await acquire();
        await Promise.resolve();
        count++;
        release();
      }
    }));
    if (count !== LOCK_TASKS * LOCK_ROUNDS) throw new Error("lost rounds");
  },
);

Deno.bench("Lock acquire/release", { group: "lock hand-off", ...RUNS }, async (b) => {
  const loop = new BaseEventLoop();
  const lock = new Lock();
  let count = 0;
  function* worker(): Coroutine<void> {
    for (let i = 0; i < LOCK_ROUNDS; i++) {
      yield* lock.acquire();
      try {
        yield* sleep(0);
        count++;
      } finally {
        lock.release();
      }
    }
  }
  b.start();
  await loop.runUntilComplete(
    gather(...Array.from({ length: LOCK_TASKS }, () => loop.createTask(worker()))),
  );
  b.end();
  loop.close();
  if (count !== LOCK_TASKS * LOCK_ROUNDS) throw new Error("lost rounds");
});

// ---- taskGroup spawning 100,000 tasks --------------------------------------

Deno.bench(
  "Promise.all of async functions (100k)",
  { group: "taskGroup", baseline: true, ...RUNS },
  async () => {
    // deno-lint-ignore require-await
    const f = async (i: number) => i;
    const ps = [];
    for (let i = 0; i < GROUP_TASKS; i++) ps.push(f(i));
    await Promise.all(ps);
  },
);

Deno.bench("taskGroup of 100k tasks", { group: "taskGroup", ...RUNS }, async (b) => {
  const loop = new BaseEventLoop();
  // deno-lint-ignore require-yield
  function* co(i: number): Coroutine<number> {
    return i;
  }
  b.start();
  // deno-lint-ignore require-yield
  await loop.runUntilComplete(taskGroup(function* (tg) {
    for (let i = 0; i < GROUP_TASKS; i++) tg.createTask(co(i));
  }));
  b.end();
  loop.close();
});
