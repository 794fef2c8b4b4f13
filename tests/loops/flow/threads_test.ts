import assert from "node:assert/strict";
import {
  type Coroutine,
  createTask,
  isCoroutine,
  isCoroutineFunction,
  run,
  RuntimeError,
  SelectorEventLoop,
  sleep,
  toThread,
} from "../../../mod.ts";
import { InlineExecutor, moduleTask } from "../../../loops/executor/mod.ts";

function add(a: number, b: number): number {
  return a + b;
}

Deno.test("toThread() runs the function with its arguments on the default executor", async () => {
  const result = await run(function* () {
    return yield* toThread(add, 20, 22);
  }());
  assert.equal(result, 42);
});

Deno.test("toThread() runs in another realm, not on the loop's", async () => {
  (globalThis as { marker?: string }).marker = "main";
  try {
    const seen = await run(function* () {
      return yield* toThread(() => (globalThis as { marker?: string }).marker ?? "none");
    }());
    assert.equal(seen, "none");
  } finally {
    delete (globalThis as { marker?: string }).marker;
  }
});

Deno.test("toThread() is lazy: calling it runs nothing and needs no loop", () => {
  assert.ok(isCoroutineFunction(toThread));
  const coro = toThread(add, 1, 2); // no running loop: nothing looked up yet
  assert.ok(isCoroutine(coro));
  coro.return(undefined as never);
});

Deno.test("toThread() driven without a running loop raises RuntimeError", () => {
  const coro = toThread(add, 1, 2);
  assert.throws(() => coro.next(), RuntimeError);
});

Deno.test("toThread() is awaitable from an async function while the loop goes on", async () => {
  let ticks = 0;
  const result = await run(async () => {
    const ticker = createTask(function* (): Coroutine<void> {
      while (true) {
        ticks++;
        yield* sleep(0.001);
      }
    }());
    const sum = await toThread((n: number) => {
      const end = Date.now() + 50; // busy in its own realm for 50 ms
      while (Date.now() < end) { /* spin */ }
      return n * 2;
    }, 21);
    ticker.cancel();
    return sum;
  });
  assert.equal(result, 42);
  assert.ok(ticks > 1, `the loop ran while the function did (ticks: ${ticks})`);
});

Deno.test("toThread() passes the function's exception on", async () => {
  await assert.rejects(
    run(function* () {
      return yield* toThread(() => {
        throw new RangeError("bad value");
      });
    }()),
    (e: unknown) => e instanceof Error && e.message.includes("bad value"),
  );
});

Deno.test("toThread() uses the loop's default executor, as run_in_executor(None)", async () => {
  const loop = new SelectorEventLoop();
  try {
    loop.setDefaultExecutor(new InlineExecutor());
    // An InlineExecutor runs in this realm: the marker is visible.
    (globalThis as { marker?: string }).marker = "inline";
    const seen = await loop.runUntilComplete(
      toThread(() => (globalThis as { marker?: string }).marker ?? "none"),
    );
    assert.equal(seen, "inline");
  } finally {
    delete (globalThis as { marker?: string }).marker;
    await loop.runUntilComplete(loop.shutdownDefaultExecutor());
    loop.close();
  }
});

Deno.test("toThread() runs a module task", async () => {
  const task = moduleTask<(...values: number[]) => number>(
    new URL("../executor/_executor_tasks.ts", import.meta.url),
    "sum",
  );
  const result = await run(function* () {
    return yield* toThread(task, 1, 2, 3);
  }());
  assert.equal(result, 6);
});
