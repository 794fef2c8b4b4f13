// Unit tests of Task and the task module functions.

import assert from "node:assert/strict";
import {
  type AbstractEventLoop,
  allTasks,
  CancelledError,
  type Coroutine,
  createTask,
  currentTask,
  eagerTaskFactory,
  ensureFuture,
  gather,
  RuntimeError,
  sleep,
  Task,
  type TaskFactory,
  waitFor,
} from "../../../mod.ts";
import { TestLoop } from "../../../loops/testing/mod.ts";
import { bad, withLoop } from "../../_helpers.ts";

const newLoop = () => new TestLoop();

Deno.test("Task takes one step per loop callback", async () => {
  await withLoop(newLoop, async (loop) => {
    const log: string[] = [];
    loop.createTask(function* () {
      for (let i = 0; i < 3; i++) {
        log.push(`task ${i}`);
        yield;
      }
    }());
    const chain = (i: number) => {
      log.push(`callback ${i}`);
      if (i < 2) loop.callSoon(chain, i + 1);
    };
    loop.callSoon(chain, 0);
    await loop.runUntilComplete(sleep(1));
    assert.deepEqual(log, [
      "task 0",
      "callback 0",
      "task 1",
      "callback 1",
      "task 2",
      "callback 2",
    ]);
  });
});

Deno.test("Task returns its coroutine's value or exception", async () => {
  await withLoop(newLoop, async (loop) => {
    const ok = loop.createTask(function* () {
      yield* sleep(1);
      return "value";
    }());
    assert.equal(await loop.runUntilComplete(ok), "value");
    assert.equal(ok.result(), "value");
    const failing = loop.createTask(function* () {
      yield* sleep(1);
      throw new SyntaxError("inside");
    }());
    await assert.rejects(loop.runUntilComplete(failing), SyntaxError);
    assert.ok(failing.exception() instanceof SyntaxError);
    const thrownUndefined = loop.createTask(function* () {
      yield;
      throw undefined;
    }());
    await assert.rejects(loop.runUntilComplete(thrownUndefined), { message: /threw undefined/ });
  });
});

Deno.test("Task names: Task-N by default, settable", async () => {
  await withLoop(newLoop, async (loop) => {
    const a = loop.createTask(sleep(0));
    const b = loop.createTask(sleep(0));
    assert.match(a.getName(), /^Task-\d+$/);
    const n = Number(a.getName().slice(5));
    assert.equal(b.getName(), `Task-${n + 1}`);
    const named = loop.createTask(sleep(0), { name: "worker" });
    assert.equal(named.getName(), "worker");
    named.setName(42);
    assert.equal(named.getName(), "42");
    assert.equal(String(named), "<Task pending name='42'>");
    await loop.runUntilComplete(named);
    assert.equal(String(named), "<Task finished name='42' result=undefined>");
  });
});

Deno.test("Task.getCoro() returns what it runs", async () => {
  await withLoop(newLoop, async (loop) => {
    const coro = sleep(0, 1);
    const task = loop.createTask(coro);
    assert.equal(task.getCoro(), coro);
    const promise = Promise.resolve(2);
    const wrapping = loop.createTask(promise);
    assert.equal(wrapping.getCoro(), promise);
    await loop.runUntilComplete(wrapping);
    await loop.runUntilComplete(task);
  });
});

Deno.test("Task cannot be completed from outside", async () => {
  await withLoop(newLoop, async (loop) => {
    const task = loop.createTask(sleep(0));
    assert.throws(() => task.setResult(undefined), {
      name: "RuntimeError",
      message: /setResult/,
    });
    assert.throws(() => task.setException(new Error("x")), RuntimeError);
    await loop.runUntilComplete(task);
  });
});

Deno.test("setTaskFactory() replaces how createTask() builds tasks", async () => {
  await withLoop(newLoop, async (loop) => {
    assert.equal(loop.getTaskFactory(), null);
    const made: [AbstractEventLoop, string | undefined][] = [];
    const factory: TaskFactory = (l, coro, options) => {
      made.push([l, options?.name]);
      return new Task(coro, { ...options, loop: l });
    };
    loop.setTaskFactory(factory);
    assert.equal(loop.getTaskFactory(), factory);
    const task = loop.createTask(sleep(0, 1), { name: "made" });
    assert.equal(await loop.runUntilComplete(task), 1);
    // runUntilComplete(coroutine) and ensureFuture go through it too.
    await loop.runUntilComplete(sleep(0));
    ensureFuture(sleep(0), loop).cancel();
    assert.deepEqual(made, [[loop, "made"], [loop, undefined], [loop, undefined]]);
    loop.setTaskFactory(null);
    assert.equal(loop.getTaskFactory(), null);
    await loop.runUntilComplete(sleep(0));
    assert.equal(made.length, 3);
  });
});

Deno.test("currentTask() is the task taking a step", async () => {
  await withLoop(newLoop, async (loop) => {
    assert.throws(() => currentTask(), { name: "RuntimeError", message: /no running/ });
    assert.equal(currentTask(loop), null);
    let inCallback: unknown = "unset";
    const seen: unknown[] = [];
    const task = loop.createTask(function* () {
      seen.push(currentTask());
      yield* sleep(1);
      seen.push(currentTask(loop));
      loop.callSoon(() => inCallback = currentTask());
      yield;
    }());
    await loop.runUntilComplete(task);
    assert.deepEqual(seen, [task, task]);
    assert.equal(inCallback, null);
    assert.equal(currentTask(loop), null);
    assert.throws(() => currentTask(bad({})), {
      name: "TypeError",
      message: /^loop must be an event loop/,
    });
  });
});

Deno.test("allTasks() lists the tasks not done yet", async () => {
  await withLoop(newLoop, async (loop) => {
    const a = loop.createTask(sleep(1));
    const b = loop.createTask(sleep(2));
    assert.deepEqual(allTasks(loop), new Set([a, b]));
    const seen = await loop.runUntilComplete(function* () {
      yield* a;
      return allTasks();
    }());
    assert.equal(seen.has(a), false);
    assert.equal(seen.has(b), true);
    assert.equal(seen.size, 2, "b and the task running the coroutine");
    b.cancel();
    await assert.rejects(loop.runUntilComplete(b), CancelledError);
    assert.equal(allTasks(loop).size, 0);
    assert.throws(() => allTasks(), RuntimeError);
    assert.throws(() => allTasks(bad(1)), { name: "TypeError", message: /^loop must be/ });
  });
});

Deno.test("createTask() needs a running loop", async () => {
  const coro = sleep(0);
  assert.throws(() => createTask(coro), { name: "RuntimeError", message: /no running event loop/ });
  await withLoop(newLoop, async (loop) => {
    // Wrapped in an array: a promise cannot resolve to a thenable such as a Task.
    // deno-lint-ignore require-yield
    const [task] = await loop.runUntilComplete(function* () {
      return [createTask(sleep(1, "inner"), { name: "child" })];
    }());
    assert.equal(task.getLoop(), loop);
    assert.equal(task.getName(), "child");
    assert.equal(await loop.runUntilComplete(task), "inner");
  });
});

Deno.test("Task wraps a promise", async (t) => {
  await t.step("result and rejection", async () => {
    await withLoop(newLoop, async (loop) => {
      const task = loop.createTask(new Promise<string>((r) => setTimeout(() => r("late"), 2)));
      assert.equal(await loop.runUntilComplete(task), "late");
      const failing = loop.createTask(Promise.reject(new Error("promise failed")));
      await assert.rejects(loop.runUntilComplete(failing), { message: "promise failed" });
    });
  });
  await t.step("an async function's promise", async () => {
    await withLoop(newLoop, async (loop) => {
      const fut = loop.createFuture<number>();
      loop.callLater(1, () => fut.setResult(4));
      const task = loop.createTask((async () => (await fut) * 2)());
      assert.equal(await loop.runUntilComplete(task), 8);
    });
  });
  await t.step("cancelling the task does not stop the promise", async () => {
    await withLoop(newLoop, async (loop) => {
      let finished = false;
      const work = new Promise<void>((r) =>
        setTimeout(() => {
          finished = true;
          r();
        }, 5)
      );
      const task = loop.createTask(work);
      loop.callSoon(() => task.cancel());
      await assert.rejects(loop.runUntilComplete(task), CancelledError);
      assert.equal(finished, false);
      await work;
      assert.equal(finished, true);
    });
  });
});

Deno.test("Task refuses what it cannot run", () => {
  using loop = new TestLoop();
  assert.throws(() => loop.createTask(bad<Coroutine>(function* notCalled() {})), {
    name: "TypeError",
    message: /function notCalled.*call the generator function/,
  });
  assert.throws(() => new Task(bad<Coroutine>(5), { loop }), {
    name: "TypeError",
    message: /a coroutine or a promise was expected: got number 5/,
  });
  assert.throws(() => new Task(sleep(0), { loop: bad("x") }), {
    name: "TypeError",
    message: /^options\.loop must be an event loop/,
  });
  assert.equal(loop._ready.length, 0);
});

Deno.test("A coroutine that yields a non-awaitable gets asyncio's RuntimeError mentioning yield*", async (t) => {
  const cases: [string, unknown, RegExp][] = [
    ["a number", 5, /Task got bad yield: number 5; yield\* a Future/],
    ["a plain object", { a: 1 }, /Task got bad yield: Object object/],
    ["a coroutine without yield*", sleep(0), /use yield\* to await a coroutine/],
  ];
  for (const [label, value, message] of cases) {
    await t.step(label, async () => {
      await withLoop(newLoop, async (loop) => {
        const caught = await loop.runUntilComplete(function* () {
          try {
            yield value;
            return null;
          } catch (e) {
            return e;
          }
        }());
        assert.ok(caught instanceof RuntimeError, String(caught));
        assert.match(caught.message, message);
      });
    });
  }
  await t.step("uncaught, it fails the task", async () => {
    await withLoop(newLoop, async (loop) => {
      await assert.rejects(
        loop.runUntilComplete(function* () {
          yield "oops";
        }()),
        { name: "RuntimeError", message: /yield\*/ },
      );
    });
  });
});

Deno.test("A bare yield gives way for one iteration; yielding a promise awaits it", async () => {
  await withLoop(newLoop, async (loop) => {
    const result = await loop.runUntilComplete(function* (): Coroutine<unknown> {
      const v = yield Promise.resolve("from promise");
      yield;
      return v;
    }());
    assert.equal(result, "from promise");
  });
});

Deno.test("A task awaiting itself gets a RuntimeError", async () => {
  await withLoop(newLoop, async (loop) => {
    const task: Task<unknown> = loop.createTask(function* (): Coroutine<unknown> {
      try {
        yield* currentTask()!;
        return "no error";
      } catch (e) {
        return e;
      }
    }());
    const caught = await loop.runUntilComplete(task);
    assert.ok(caught instanceof RuntimeError);
    assert.match(caught.message, /cannot await on itself/);
  });
});

Deno.test("A task awaiting a future of another loop gets a RuntimeError", async () => {
  using other = new TestLoop();
  await withLoop(newLoop, async (loop) => {
    const foreign = other.createFuture();
    const caught = await loop.runUntilComplete(function* () {
      try {
        yield* foreign;
        return null;
      } catch (e) {
        return e;
      }
    }());
    assert.ok(caught instanceof RuntimeError);
    assert.match(caught.message, /attached to a different loop/);
    assert.deepEqual(foreign._callbacks, null, "nothing was registered on it");
  });
});

Deno.test("Task delivers the CancelledError of a cancelled awaited future as it is", async () => {
  // The awaited future is cancelled with one message, then the task itself
  // is cancelled before it woke up: asyncio delivers the first error.
  await withLoop(newLoop, async (loop) => {
    const fut = loop.createFuture();
    const task = loop.createTask(function* () {
      yield* fut;
    }());
    loop.callSoon(() => {
      fut.cancel("future's own");
      task.cancel("task's");
    });
    await assert.rejects(
      loop.runUntilComplete(task),
      (e) => e instanceof CancelledError && e.message === "future's own",
    );
  });
});

Deno.test("ensureFuture() wraps what it is given", async (t) => {
  await t.step("futures, coroutines, promises and iterables", async () => {
    await withLoop(newLoop, async (loop) => {
      const fut = loop.createFuture();
      assert.equal(ensureFuture(fut), fut);
      assert.equal(ensureFuture(fut, loop), fut);
      const task = ensureFuture(sleep(1, "c"), loop);
      assert.ok(task instanceof Task);
      const wrapped = ensureFuture(Promise.resolve("p"), loop);
      assert.equal(wrapped.getLoop(), loop);
      const iterable = ensureFuture({
        *[Symbol.iterator]() {
          yield* sleep(1);
          return "i";
        },
      }, loop);
      assert.ok(iterable instanceof Task);
      fut.setResult("f");
      const all = await loop.runUntilComplete(function* () {
        return [yield* fut, yield* task, yield* wrapped, yield* iterable];
      }());
      assert.deepEqual(all, ["f", "c", "p", "i"]);
    });
  });
  await t.step("bad input", async () => {
    await withLoop(newLoop, (loop) => {
      using other = new TestLoop();
      assert.throws(() => ensureFuture(other.createFuture(), loop), {
        name: "RangeError",
        message: /different loop/,
      });
      assert.throws(() => ensureFuture(bad<Coroutine>(5), loop), {
        name: "TypeError",
        message: /got number 5/,
      });
      assert.throws(() => ensureFuture(bad<Coroutine>([sleep(0)]), loop), {
        name: "TypeError",
        message: /got an Array; pass the awaitables as separate arguments/,
      });
      assert.throws(() => ensureFuture(sleep(0), bad({})), {
        name: "TypeError",
        message: /^loop must be an event loop: got Object object/,
      });
      assert.equal(loop._ready.length, 0);
    });
  });
});

Deno.test("No thrown value leaves a task or a future inconsistent (a revoked Proxy)", async (t) => {
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };
  // assert.rejects cannot look at a revoked Proxy, and a promise cannot
  // resolve to one (it is asked for `then`): the reason comes in a box.
  const rejection = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      return { reason: e };
    }
    throw new Error("expected a rejection");
  };
  await t.step("thrown by a coroutine: the task fails with it", async () => {
    await withLoop(newLoop, async (loop) => {
      const value = revoked();
      const task = loop.createTask(function* () {
        yield* sleep(1);
        throw value;
      }());
      assert.ok((await rejection(loop.runUntilComplete(task))).reason === value);
      assert.equal(task.done(), true);
      assert.equal(task.exception(), value);
      assert.match(String(task), /^<Task finished name='Task-\d+' exception=object/);
    });
  });
  await t.step("waitFor() of such a task raises it instead of hanging", async () => {
    await withLoop(newLoop, async (loop) => {
      const value = revoked();
      const task = loop.createTask(function* () {
        yield* sleep(0.1);
        throw value;
      }());
      const outcome = await loop.runUntilComplete(function* () {
        try {
          yield* waitFor(task, 0.2);
          return "returned";
        } catch (e) {
          return e === value ? "raised it" : e;
        }
      }());
      assert.equal(outcome, "raised it");
    });
  });
  await t.step("yielded by a coroutine: a bad yield, not a stuck task", async () => {
    await withLoop(newLoop, async (loop) => {
      const caught = await loop.runUntilComplete(function* () {
        try {
          yield revoked();
          return null;
        } catch (e) {
          return e;
        }
      }());
      assert.ok(caught instanceof RuntimeError);
      assert.match(caught.message, /^Task got bad yield: object \(unreadable\)/);
    });
  });
  await t.step("given to setException: done callbacks still run", async () => {
    await withLoop(newLoop, async (loop) => {
      const value = revoked();
      const fut = loop.createFuture();
      let called = 0;
      fut.addDoneCallback(() => called++);
      fut.setException(value);
      assert.ok((await rejection(loop.runUntilComplete(fut))).reason === value);
      assert.equal(called, 1);
    });
  });
});

Deno.test("loop.createTask() names the task a custom factory made", async () => {
  await withLoop(newLoop, async (loop) => {
    loop.setTaskFactory((l, coro) => new Task(coro, { loop: l }));
    const task = loop.createTask(sleep(0), { name: "named" });
    assert.equal(task.getName(), "named");
    await loop.runUntilComplete(task);
  });
});

Deno.test("Handle and Task dispose by cancelling", async () => {
  await withLoop(newLoop, async (loop) => {
    const ran: string[] = [];
    let task: Task<void> | null = null;
    {
      using h = loop.callLater(1, () => ran.push("timer"));
      using t = loop.createTask(function* () {
        yield* sleep(5);
        ran.push("task");
      }());
      task = t;
      assert.equal(h.cancelled(), false);
    }
    await loop.runUntilComplete(sleep(10));
    assert.deepEqual(ran, []);
    assert.ok(task.cancelled());
  });
});

Deno.test("A task refuses an async generator instead of spinning on it", async () => {
  await withLoop(newLoop, (loop) => {
    async function* agen() {
      yield 1;
    }
    assert.throws(() => loop.createTask(bad<Coroutine<number>>(agen())), {
      name: "TypeError",
      message: /^a coroutine or a promise was expected: got (AsyncGenerator|object)/,
    });
  });
});

Deno.test("allTasks() sees the tasks that have not waited for a future yet", async (t) => {
  // Such tasks are not in the loop's list (it is for tasks that waited):
  // allTasks() finds them on the ready queue and as the current task.
  await t.step("made, not started; only giving way; the current task", async () => {
    await withLoop(newLoop, async (loop) => {
      const seen = await loop.runUntilComplete(function* () {
        const idle = loop.createTask(function* () {
          for (let i = 0; i < 3; i++) yield* sleep(0); // on the ready queue each time
        }());
        const fresh = loop.createTask(sleep(0));
        const here = currentTask()!;
        const first = allTasks();
        yield* sleep(0);
        const second = allTasks();
        yield* idle;
        yield* fresh;
        return [first, second, here, idle, fresh] as const;
      }());
      const [first, second, here, idle, fresh] = seen;
      assert.deepEqual(first, new Set([here, idle, fresh]));
      assert.deepEqual(second, new Set([here, idle, fresh]));
      assert.equal(allTasks(loop).size, 0);
    });
  });
  await t.step("an eager task started inside another task's first step", async () => {
    await withLoop(newLoop, async (loop) => {
      loop.setTaskFactory(eagerTaskFactory);
      // deno-lint-ignore require-yield
      const outer = loop.createTask(function* () {
        // deno-lint-ignore require-yield
        const inner = loop.createTask(function* () {
          return allTasks(); // taken inside the outer task's first step
        }());
        return inner.result();
      }());
      const seen = await loop.runUntilComplete(outer);
      loop.setTaskFactory(null);
      assert.ok(seen.has(outer), "the outer task is taking its first step");
      assert.equal(seen.size, 2);
    });
  });
  await t.step("a task that finished in its first step is listed nowhere", async () => {
    await withLoop(newLoop, async (loop) => {
      // deno-lint-ignore require-yield
      function* value(i: number): Coroutine<number> {
        return i;
      }
      const tasks = Array.from({ length: 5 }, (_, i) => loop.createTask(value(i)));
      assert.equal(allTasks(loop).size, 5);
      const results = await loop.runUntilComplete(gather(...tasks));
      assert.deepEqual(results, [0, 1, 2, 3, 4]);
      assert.equal(allTasks(loop).size, 0);
    });
  });
});
