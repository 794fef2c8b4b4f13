// Unit tests of run() and Runner.

import assert from "node:assert/strict";
import {
  type AbstractEventLoop,
  BaseEventLoop,
  CancelledError,
  createTask,
  DefaultEventLoopPolicy,
  getEventLoop,
  getEventLoopPolicy,
  getRunningLoop,
  newEventLoop,
  run,
  Runner,
  RuntimeError,
  setEventLoop,
  setEventLoopPolicy,
  sleep,
  type Task,
} from "../../mod.ts";
import { TestLoop } from "../../loops/testing/mod.ts";
import { bad } from "../_helpers.ts";

/** Runs `fn` with a fresh default policy and restores one afterwards. */
async function withFreshPolicy(fn: () => Promise<void>): Promise<void> {
  setEventLoopPolicy(null);
  try {
    await fn();
  } finally {
    setEventLoopPolicy(null);
  }
}

Deno.test("run() returns the result of main and closes its loop", async () => {
  await withFreshPolicy(async () => {
    const seen: { loop?: AbstractEventLoop } = {};
    const value = await run(function* () {
      seen.loop = getRunningLoop();
      yield* sleep(0.001);
      return 5;
    }());
    assert.equal(value, 5);
    assert.ok(seen.loop instanceof BaseEventLoop);
    assert.equal(seen.loop.isClosed(), true);
    assert.equal(seen.loop.isRunning(), false);
    assert.throws(() => getRunningLoop(), RuntimeError);
  });
});

Deno.test("run() accepts a promise", async () => {
  await withFreshPolicy(async () => {
    assert.equal(await run(Promise.resolve("promised")), "promised");
  });
});

Deno.test("run() cancels leftover tasks and closes the loop", async (t) => {
  for (
    const [label, options] of [["default loop", {}], ["TestLoop", {
      loopFactory: () => new TestLoop(),
    }]] as const
  ) {
    await t.step(label, async () => {
      await withFreshPolicy(async () => {
        const log: string[] = [];
        let leftover: Task<void> | null = null;
        let loop: AbstractEventLoop | null = null;
        const value = await run(
          function* () {
            loop = getRunningLoop();
            leftover = createTask(function* () {
              try {
                yield* sleep(3600);
              } finally {
                log.push("leftover cleaned up");
              }
            }());
            yield* sleep(0);
            return "main done";
          }(),
          options,
        );
        assert.equal(value, "main done");
        assert.deepEqual(log, ["leftover cleaned up"]);
        assert.equal(leftover!.cancelled(), true);
        assert.equal(loop!.isClosed(), true);
      });
    });
  }
});

Deno.test("run() rejects with the exception of main, after cleaning up", async () => {
  await withFreshPolicy(async () => {
    let loop: AbstractEventLoop | null = null;
    let leftover: Task<void> | null = null;
    await assert.rejects(
      run(function* () {
        loop = getRunningLoop();
        leftover = createTask(sleep(3600));
        yield* sleep(0);
        throw new URIError("main failed");
      }()),
      URIError,
    );
    assert.equal(leftover!.cancelled(), true);
    assert.equal(loop!.isClosed(), true);
  });
});

Deno.test("run(main, { debug }) sets the loop's debug mode", async () => {
  await withFreshPolicy(async () => {
    const debugOf = function* () {
      yield* sleep(0);
      return getRunningLoop().getDebug();
    };
    assert.equal(await run(debugOf(), { debug: true }), true);
    assert.equal(await run(debugOf(), { debug: false }), false);
    assert.equal(await run(debugOf()), false);
  });
});

Deno.test("run(main, { loopFactory }) runs on the factory's loop", async () => {
  await withFreshPolicy(async () => {
    const current = newEventLoop();
    setEventLoop(current);
    try {
      const made: TestLoop[] = [];
      const [kind, time] = await run(
        function* () {
          yield* sleep(3600);
          return [getRunningLoop().constructor.name, getRunningLoop().time()];
        }(),
        { loopFactory: () => made[made.push(new TestLoop()) - 1] },
      );
      assert.deepEqual([kind, time], ["TestLoop", 3600]);
      assert.equal(made.length, 1);
      assert.equal(made[0].isClosed(), true);
      // A factory's loop is not made the current loop: the policy is untouched.
      assert.equal(getEventLoop(), current);
    } finally {
      setEventLoop(null);
      current.close();
    }
  });
});

Deno.test("run() without a factory sets the current loop while it runs, then clears it", async () => {
  await withFreshPolicy(async () => {
    const [running, policyLoop] = await run(function* () {
      yield* sleep(0);
      // getEventLoop() would return the running loop: ask the policy itself.
      return [getRunningLoop(), getEventLoopPolicy().getEventLoop()];
    }());
    assert.equal(policyLoop, running);
    assert.equal(running.isClosed(), true);
    // As in asyncio: after run(), the main realm has no current loop.
    assert.throws(() => getEventLoop(), { name: "RuntimeError", message: /no current event loop/ });
  });
});

Deno.test("run() and Runner.run() refuse to run inside a running loop", async () => {
  await withFreshPolicy(async () => {
    const runner = new Runner({ loopFactory: () => new TestLoop() });
    try {
      const errors = await run(
        function* () {
          const found: unknown[] = [];
          for (const call of [() => run(sleep(0)), () => runner.run(sleep(0))]) {
            try {
              call();
            } catch (e) {
              found.push(e);
            }
          }
          yield* sleep(0);
          return found;
        }(),
        { loopFactory: () => new TestLoop() },
      );
      assert.equal(errors.length, 2);
      for (const e of errors) {
        assert.ok(e instanceof RuntimeError);
        assert.match(e.message, /cannot be called from a running event loop/);
      }
    } finally {
      await runner.close();
    }
  });
});

Deno.test("run() refuses what is not a coroutine, a promise or a function", async () => {
  // asyncio: ValueError "a coroutine was expected, got 5" (RangeError here).
  assert.throws(() => run(bad<Promise<void>>(5)), {
    name: "RangeError",
    message:
      /^a coroutine was expected as main \(or a promise, or a function returning one\): got number 5$/,
  });
  await assert.rejects(() => run(bad<() => Promise<void>>(() => 5)), {
    name: "RangeError",
    message: /^a coroutine was expected from main\(\) \(or a promise\): got number 5$/,
  });
  const runner = new Runner({ loopFactory: () => new TestLoop() });
  try {
    assert.throws(() => runner.run(bad<Promise<void>>(123)), {
      name: "RangeError",
      message: /^a coroutine was expected as main .*: got number 123$/,
    });
    await assert.rejects(() => runner.run(bad<() => Promise<void>>(() => undefined)), {
      name: "RangeError",
      message: /^a coroutine was expected from main\(\) \(or a promise\): got undefined/,
    });
  } finally {
    await runner.close();
  }
  assert.throws(() => run(sleep(0), { loopFactory: bad("loop") }), {
    name: "TypeError",
    message: /^options\.loopFactory must be a function/,
  });
});

Deno.test("run() calls a function main once the loop is running", async () => {
  const seen: boolean[] = [];
  const a = await run(async () => {
    seen.push(getRunningLoop().isRunning());
    await Promise.resolve();
    return 1;
  });
  const b = await run(function* () {
    seen.push(getRunningLoop().isRunning());
    yield* sleep(0);
    return 2;
  });
  assert.deepEqual([a, b, seen], [1, 2, [true, true]]);
});

Deno.test("Runner reuses one loop across runs", async () => {
  const runner = new Runner({ loopFactory: () => new TestLoop() });
  const loop = runner.getLoop();
  assert.equal(runner.getLoop(), loop);
  let background: Task<string> | null = null;
  const first = await runner.run(function* () {
    background = createTask(sleep(10, "background"));
    yield* sleep(1);
    return getRunningLoop();
  }());
  assert.equal(first, loop);
  assert.equal(background!.done(), false, "tasks survive between runs");
  const second = await runner.run(function* () {
    return yield* background!;
  }());
  assert.equal(second, "background");
  assert.equal(loop.time(), 10);
  await runner.close();
  assert.equal(loop.isClosed(), true);
  await runner.close();
  assert.throws(() => runner.getLoop(), { name: "RuntimeError", message: "Runner is closed" });
  assert.throws(() => runner.run(sleep(0)), { name: "RuntimeError", message: "Runner is closed" });
});

Deno.test("Runner.close() cancels the tasks left between runs", async () => {
  const runner = new Runner({ loopFactory: () => new TestLoop() });
  let leftover: Task<void> | null = null;
  await runner.run(function* () {
    leftover = createTask(sleep(3600));
    yield* sleep(0);
  }());
  await runner.close();
  assert.equal(leftover!.cancelled(), true);
  await assert.rejects(Promise.resolve(leftover!), CancelledError);
});

Deno.test("Runner works with await using", async () => {
  let loop: AbstractEventLoop;
  {
    await using runner = new Runner({ loopFactory: () => new TestLoop(), debug: true });
    loop = runner.getLoop();
    assert.equal(loop.getDebug(), true);
    assert.equal(await runner.run(sleep(5, "scoped")), "scoped");
    assert.equal(loop.isClosed(), false);
  }
  assert.equal(loop.isClosed(), true);
});

Deno.test("Runner creates no loop until it is needed", async () => {
  let made = 0;
  const runner = new Runner({
    loopFactory: () => {
      made++;
      return new TestLoop();
    },
  });
  await runner.close();
  assert.equal(made, 0);
});

Deno.test("Runner checks what its loopFactory returns", async () => {
  const runner = new Runner({ loopFactory: bad(() => ({})) });
  try {
    assert.throws(() => runner.getLoop(), {
      name: "TypeError",
      message: /^the result of options\.loopFactory must be an event loop: got Object object/,
    });
  } finally {
    await runner.close();
  }
});

Deno.test("Runner checks what the policy's newEventLoop() returns", async () => {
  class BadPolicy extends DefaultEventLoopPolicy {
    override newEventLoop(): AbstractEventLoop {
      return bad({});
    }
  }
  setEventLoopPolicy(new BadPolicy());
  try {
    const runner = new Runner();
    assert.throws(() => runner.getLoop(), {
      name: "TypeError",
      message: /^the result of the policy's newEventLoop\(\) must be an event loop: got Object/,
    });
    await runner.close();
  } finally {
    setEventLoopPolicy(null);
  }
});

Deno.test("Runner.close() while its loop runs rejects and leaves the runner usable", async () => {
  const runner = new Runner({ loopFactory: () => new TestLoop() });
  const loop = runner.getLoop();
  const value = await runner.run(async () => {
    // asyncio: RuntimeError (its run_until_complete refuses a running loop).
    await assert.rejects(runner.close(), {
      name: "RuntimeError",
      message: "Runner.close() cannot be called while the runner's loop is running",
    });
    return "main went on";
  });
  assert.equal(value, "main went on");
  assert.equal(loop.isClosed(), false);
  assert.equal(await runner.run(sleep(1, "again")), "again");
  await runner.close();
  assert.equal(loop.isClosed(), true);
});

Deno.test("Runner.close() called twice at once settles both when the loop is closed", async () => {
  const runner = new Runner({ loopFactory: () => new TestLoop() });
  const loop = runner.getLoop();
  await runner.run(function* () {
    createTask(sleep(3600));
    yield* sleep(0);
  }());
  const first = runner.close();
  const second = runner.close();
  assert.equal(second, first);
  await second;
  assert.equal(loop.isClosed(), true);
});
