// Unit tests of taskGroup and TaskGroup beyond the CPython port: the bodies
// JavaScript adds (async and plain functions), laziness, results, thrown
// values that are not errors, eager tasks, timeouts around a group, and the
// cancel counts a group leaves behind.

import assert from "node:assert/strict";
import {
  allTasks,
  CancelledError,
  type Coroutine,
  createTask,
  currentTask,
  eagerTaskFactory,
  ExceptionGroup,
  KeyboardInterrupt,
  run,
  RuntimeError,
  sleep,
  type Task,
  TaskGroup,
  taskGroup,
  type TaskGroupBody,
  timeout,
  TimeoutError,
} from "../../../mod.ts";
import { TestLoop } from "../../../loops/testing/mod.ts";
import { bad, withLoop } from "../../_helpers.ts";

const newLoop = () => new TestLoop();

function* failAfter(delay: number, error: unknown): Coroutine<never> {
  yield* sleep(delay);
  throw error;
}

// Runs `body` as the main task and returns what it raised.
function* raisedBy(body: Iterable<unknown, unknown>): Coroutine<unknown> {
  try {
    yield* body;
  } catch (e) {
    return e;
  }
  throw new assert.AssertionError({ message: "nothing was raised" });
}

Deno.test("taskGroup() is lazy: nothing runs and no loop is looked up until driven", async () => {
  let called = false;
  const coro = taskGroup(function* () {
    called = true;
    yield* sleep(1);
    return "ran";
  });
  assert.equal(called, false);
  await withLoop(newLoop, async (loop) => {
    assert.equal(await loop.runUntilComplete(coro), "ran");
    assert.equal(called, true);
    assert.equal(loop.time(), 1);
  });
});

Deno.test("taskGroup() returns the body's result once every task is done", async () => {
  await withLoop(newLoop, async (loop) => {
    const [value, task] = await loop.runUntilComplete(taskGroup(function* (tg) {
      const t = tg.createTask(sleep(5, "late"));
      yield* sleep(1);
      return ["body", t] as const;
    }));
    assert.equal(value, "body");
    assert.equal(task.result(), "late");
    assert.equal(loop.time(), 5);
  });
});

Deno.test("taskGroup() refuses a body that is not a function when driven", async () => {
  await withLoop(newLoop, async (loop) => {
    const coro = taskGroup(bad<TaskGroupBody<unknown>>(42));
    await assert.rejects(loop.runUntilComplete(coro), {
      name: "TypeError",
      message: "body must be a function: got number 42",
    });
  });
});

Deno.test("taskGroup() outside a task throws RuntimeError naming the parent task", async () => {
  await withLoop(newLoop, async (loop) => {
    const gen = taskGroup(function* () {});
    let caught: unknown = null;
    loop.callSoon(() => {
      try {
        gen.next();
      } catch (e) {
        caught = e;
      }
    });
    await loop.runUntilComplete(sleep(0));
    assert.ok(caught instanceof RuntimeError);
    assert.match(caught.message, /^TaskGroup <TaskGroup> cannot determine the parent task$/);
  });
});

Deno.test("an async function body is awaited; its tasks are waited for", async () => {
  await withLoop(() => new TestLoop({ ioJumpAfter: 0.001 }), async (loop) => {
    const result = await loop.runUntilComplete(taskGroup(async (tg) => {
      const a = tg.createTask(sleep(1, 1));
      const b = tg.createTask(sleep(2, 2));
      return (await a) + (await b);
    }));
    assert.equal(result, 3);
    assert.equal(loop.time(), 2);
  });
});

Deno.test("an async function body that fails fails the group with its error", async () => {
  await withLoop(() => new TestLoop({ ioJumpAfter: 0.001 }), async (loop) => {
    const cancelled: string[] = [];
    const eg = await loop.runUntilComplete(raisedBy(taskGroup(async (tg) => {
      tg.createTask(function* () {
        try {
          yield* sleep(10);
        } catch (e) {
          if (e instanceof CancelledError) cancelled.push("child");
          throw e;
        }
      }());
      await sleep(1);
      throw new RangeError("from the body");
    })));
    assert.ok(eg instanceof ExceptionGroup);
    assert.equal(eg.exceptions.length, 1);
    assert.equal((eg.exceptions[0] as Error).message, "from the body");
    assert.deepEqual(cancelled, ["child"]);
  });
});

Deno.test("a plain function body starts tasks and the group waits for them", async () => {
  await withLoop(newLoop, async (loop) => {
    const tasks: Task<string>[] = [];
    await loop.runUntilComplete(taskGroup((tg) => {
      for (const name of ["a", "b", "c"]) tasks.push(tg.createTask(sleep(1, name)));
    }));
    assert.deepEqual(tasks.map((t) => t.result()), ["a", "b", "c"]);
  });
});

Deno.test("await taskGroup(...) works from an async function", async () => {
  const result = await run(async () => {
    return await taskGroup(function* (tg) {
      const t = tg.createTask(sleep(0.01, 21));
      return 2 * (yield* t);
    });
  });
  assert.equal(result, 42);
});

Deno.test("the ExceptionGroup holds the failures in the order they happened", async () => {
  await withLoop(newLoop, async (loop) => {
    const e1 = new Error("first");
    const e2 = new Error("second");
    const eg = await loop.runUntilComplete(raisedBy(taskGroup((tg) => {
      // Both fail in the same iteration, before the group cancels them.
      tg.createTask(failAfter(1, e1));
      tg.createTask(failAfter(1, e2));
      tg.createTask(sleep(10));
    })));
    assert.ok(eg instanceof ExceptionGroup);
    assert.equal(eg.message, "unhandled errors in a TaskGroup");
    assert.deepEqual(eg.exceptions, [e1, e2]);
    assert.equal(loop.time(), 1);
  });
});

Deno.test("the body's own failure comes after the tasks' failures", async () => {
  await withLoop(newLoop, async (loop) => {
    const child = new Error("child");
    const own = new Error("own");
    const eg = await loop.runUntilComplete(raisedBy(taskGroup(function* (tg) {
      tg.createTask(failAfter(1, child));
      try {
        yield* sleep(10);
      } finally {
        // deno-lint-ignore no-unsafe-finally
        throw own;
      }
    })));
    assert.ok(eg instanceof ExceptionGroup);
    assert.deepEqual(eg.exceptions, [child, own]);
  });
});

Deno.test("values that are not errors are failures too (null, a string)", async () => {
  await withLoop(newLoop, async (loop) => {
    const eg = await loop.runUntilComplete(raisedBy(taskGroup((tg) => {
      tg.createTask(failAfter(1, null));
      tg.createTask(failAfter(1, "text"));
    })));
    assert.ok(eg instanceof ExceptionGroup);
    assert.deepEqual(eg.exceptions, [null, "text"]);
  });
});

Deno.test("a KeyboardInterrupt of a task is raised as it is, not in a group", async () => {
  await withLoop(newLoop, async (loop) => {
    const ki = new KeyboardInterrupt();
    const raised = await loop.runUntilComplete(raisedBy(taskGroup((tg) => {
      tg.createTask(failAfter(1, ki));
      tg.createTask(failAfter(1, new Error("other")));
    })));
    assert.equal(raised, ki);
  });
});

Deno.test("after a failure the calling task is not left cancelled", async () => {
  await withLoop(newLoop, async (loop) => {
    const after = await loop.runUntilComplete(function* () {
      try {
        yield* taskGroup(function* (tg) {
          tg.createTask(failAfter(1, new Error("x")));
          yield* sleep(10); // cancelled by the group
        });
      } catch (e) {
        assert.ok(e instanceof ExceptionGroup);
      }
      assert.equal(currentTask()!.cancelling(), 0);
      yield* sleep(5); // runs: the group withdrew its cancel request
      return loop.time();
    }());
    assert.equal(after, 6);
  });
});

Deno.test("a cancellation from outside passes through once the tasks are done", async () => {
  await withLoop(newLoop, async (loop) => {
    const log: string[] = [];
    const parent = loop.createTask(taskGroup(function* (tg) {
      tg.createTask(function* () {
        try {
          yield* sleep(10);
        } catch (e) {
          log.push("child cancelled");
          yield* sleep(1); // cleanup that takes time
          log.push("child cleaned up");
          throw e;
        }
      }());
      yield* sleep(10);
    }));
    loop.callLater(1, () => parent.cancel("stop"));
    await assert.rejects(loop.runUntilComplete(parent), CancelledError);
    assert.deepEqual(log, ["child cancelled", "child cleaned up"]);
    assert.equal(loop.time(), 2);
    assert.ok(parent.cancelled());
  });
});

Deno.test("cancelling the calling task twice while the group waits still waits for the tasks", async () => {
  await withLoop(newLoop, async (loop) => {
    let cleaned = false;
    const parent = loop.createTask(taskGroup((tg) => {
      tg.createTask(function* () {
        try {
          yield* sleep(10);
        } finally {
          yield* sleep(3);
          cleaned = true;
        }
      }());
    }));
    loop.callLater(1, () => parent.cancel());
    loop.callLater(2, () => parent.cancel());
    await assert.rejects(loop.runUntilComplete(parent), CancelledError);
    assert.ok(cleaned);
    assert.equal(loop.time(), 4);
  });
});

Deno.test("a failure wins over a cancellation from outside, which stays requested", async () => {
  await withLoop(newLoop, async (loop) => {
    let raised: unknown = null;
    const parent = loop.createTask(function* () {
      raised = yield* raisedBy(taskGroup(function* (tg) {
        tg.createTask(function* () {
          try {
            yield* sleep(10);
          } catch {
            throw new Error("failed in cleanup");
          }
        }());
        yield* sleep(10);
      }));
      assert.equal(currentTask()!.cancelling(), 1);
    }());
    loop.callLater(1, () => parent.cancel());
    // asyncio 3.13: the group raises the failures and asks to cancel the
    // task again, so the outside request is not lost.
    await assert.rejects(loop.runUntilComplete(parent), CancelledError);
    assert.ok(raised instanceof ExceptionGroup);
    assert.equal((raised.exceptions[0] as Error).message, "failed in cleanup");
  });
});

Deno.test("timeout() around a group: TimeoutError, or the group when a task failed", async (t) => {
  await t.step("tasks that only get cancelled: TimeoutError", async () => {
    await withLoop(newLoop, async (loop) => {
      const raised = await loop.runUntilComplete(raisedBy(timeout(1, function* () {
        yield* taskGroup((tg) => {
          tg.createTask(sleep(10));
          tg.createTask(sleep(20));
        });
      })));
      assert.ok(raised instanceof TimeoutError);
      assert.equal(loop.time(), 1);
    });
  });
  // asyncio 3.13 test_timeouts.py test_timeout_taskgroup, without its
  // assertions on __context__ (JavaScript has no implicit exception context).
  await t.step("a task failing in its cleanup: the ExceptionGroup", async () => {
    class ZeroDivisionError extends Error {}
    await withLoop(newLoop, async (loop) => {
      function* task() {
        try {
          yield* sleep(2); // Will be interrupted after 0.01 second
        } finally {
          // deno-lint-ignore no-unsafe-finally
          throw new ZeroDivisionError(); // Crash in cleanup
        }
      }
      const eg = await loop.runUntilComplete(raisedBy(timeout(0.01, function* () {
        yield* taskGroup(function* (tg) {
          tg.createTask(task());
          try {
            throw new RangeError();
          } finally {
            yield* sleep(1);
          }
        });
      })));
      assert.ok(eg instanceof ExceptionGroup);
      assert.equal(eg.exceptions.length, 1);
      assert.ok(eg.exceptions[0] instanceof ZeroDivisionError);
    });
  });
});

Deno.test("createTask() passes the name on and refuses once the group is done", async () => {
  await withLoop(newLoop, async (loop) => {
    const tg = await loop.runUntilComplete(function* () {
      let group!: TaskGroup;
      yield* taskGroup(function* (g) {
        group = g;
        assert.equal(g.createTask(sleep(0), { name: "named" }).getName(), "named");
      });
      return [group];
    }());
    let ran = false;
    const coro = function* () {
      ran = true;
      yield* sleep(0);
    }();
    assert.throws(() => tg[0].createTask(coro), {
      name: "RuntimeError",
      message: "TaskGroup <TaskGroup entered> is finished",
    });
    assert.deepEqual(coro.next(), { done: true, value: undefined }); // closed
    assert.equal(ran, false);
  });
});

Deno.test("createTask() refuses while the group shuts down after a failure", async () => {
  await withLoop(newLoop, async (loop) => {
    let refusal: unknown = null;
    await loop.runUntilComplete(raisedBy(taskGroup(function* (tg) {
      tg.createTask(failAfter(1, new Error("x")));
      try {
        yield* sleep(10);
      } catch (e) {
        try {
          tg.createTask(sleep(1));
        } catch (r) {
          refusal = r;
        }
        throw e;
      }
    })));
    assert.ok(refusal instanceof RuntimeError);
    assert.match(
      refusal.message,
      /^TaskGroup <TaskGroup errors=1 cancelling> is shutting down$/,
    );
  });
});

Deno.test("createTask() refuses what is not a coroutine or a promise", async () => {
  await withLoop(newLoop, async (loop) => {
    await loop.runUntilComplete(taskGroup(function* (tg) {
      assert.throws(() => tg.createTask(bad<Coroutine<unknown>>(42)), TypeError);
      yield* sleep(0);
    }));
  });
});

Deno.test("TaskGroup.toString() shows tasks, errors and the state", async () => {
  const tg = new TaskGroup();
  assert.equal(String(tg), "<TaskGroup>");
  await withLoop(newLoop, async (loop) => {
    const seen: string[] = [];
    await loop.runUntilComplete(raisedBy(tg._run(function* () {
      seen.push(String(tg));
      tg.createTask(sleep(5));
      tg.createTask(failAfter(1, new Error("x")));
      seen.push(String(tg));
      try {
        yield* sleep(10);
      } catch (e) {
        seen.push(String(tg));
        throw e;
      }
    })));
    assert.deepEqual(seen, [
      "<TaskGroup entered>",
      "<TaskGroup tasks=2 entered>",
      "<TaskGroup tasks=1 errors=1 cancelling>",
    ]);
  });
});

Deno.test("tasks of an eager task factory that finish at once are not waited for", async () => {
  await withLoop(newLoop, async (loop) => {
    loop.setTaskFactory(eagerTaskFactory);
    const [sync, later] = await loop.runUntilComplete(taskGroup((tg) => {
      // deno-lint-ignore require-yield
      const sync = tg.createTask(function* () {
        return "now";
      }());
      assert.ok(sync.done());
      assert.equal(tg._tasks.size, 0);
      const later = tg.createTask(sleep(1, "later"));
      return [sync, later];
    }));
    assert.equal(sync.result(), "now");
    assert.equal(later.result(), "later");
  });
});

Deno.test("an eager task that fails at once fails the group", async () => {
  await withLoop(newLoop, async (loop) => {
    loop.setTaskFactory(eagerTaskFactory);
    const eg = await loop.runUntilComplete(raisedBy(taskGroup(function* (tg) {
      const other = tg.createTask(sleep(10));
      // deno-lint-ignore require-yield
      tg.createTask(function* () {
        throw new Error("at once");
      }());
      yield* sleep(10);
      return other;
    })));
    assert.ok(eg instanceof ExceptionGroup);
    assert.equal((eg.exceptions[0] as Error).message, "at once");
    assert.equal(loop.time(), 0);
  });
});

Deno.test("groups nest: a failing inner group fails the outer one", async () => {
  await withLoop(newLoop, async (loop) => {
    const eg = await loop.runUntilComplete(raisedBy(taskGroup(function* (outer) {
      outer.createTask(sleep(10));
      yield* taskGroup(function* (inner) {
        inner.createTask(failAfter(1, new Error("deep")));
      });
    })));
    assert.ok(eg instanceof ExceptionGroup);
    const inner = eg.exceptions[0];
    assert.ok(inner instanceof ExceptionGroup);
    assert.equal((inner.exceptions[0] as Error).message, "deep");
    assert.equal(allTasks(loop).size, 0);
  });
});

Deno.test("taskGroup() inside a task created by createTask()", async () => {
  const n = await run(function* () {
    const t = createTask(taskGroup((tg) => {
      const parts = [1, 2, 3].map((i) => tg.createTask(sleep(0.001 * i, i)));
      return parts;
    }));
    const parts = yield* t;
    return parts.reduce((sum, p) => sum + p.result(), 0);
  }());
  assert.equal(n, 6);
});

Deno.test("a failure and a result in the same iteration: the group ends as asyncio's", async () => {
  // The tasks that finish with a result leave the group when they finish;
  // a failure, and the last task to finish, go through the ready queue as
  // asyncio's done callback does. The outcome is asyncio 3.13's.
  await withLoop(newLoop, async (loop) => {
    const seen = await loop.runUntilComplete(function* () {
      const aGo = loop.createFuture();
      const bGo = loop.createFuture();
      const seen: string[] = [];
      let tb: Task<number> | undefined;
      let tc: Task<void> | undefined;
      try {
        yield* taskGroup(function* (tg) {
          tg.createTask(function* () {
            yield* aGo;
            throw new RangeError("a");
          }());
          tb = tg.createTask(function* () {
            yield* bGo;
            return 2;
          }());
          tc = tg.createTask(sleep(10));
          loop.callSoon(() => {
            aGo.setResult(null);
            bGo.setResult(null);
          });
          yield* sleep(0);
          yield* sleep(0);
          seen.push(`body: ${tg}`);
        });
      } catch (e) {
        assert.ok(e instanceof ExceptionGroup);
        seen.push(`group: ${e.exceptions.map((x) => (x as Error).message)}`);
      }
      seen.push(`b=${tb!.result()} c cancelled=${tc!.cancelled()}`);
      seen.push(`cancelling=${currentTask()!.cancelling()}`);
      return seen;
    }());
    assert.deepEqual(seen, [
      // asyncio shows tasks=3: its count drops when the done callback runs,
      // ours when a task with a result finishes (docs/differences.md).
      "body: <TaskGroup tasks=2 entered>",
      "group: a",
      "b=2 c cancelled=true",
      "cancelling=0",
    ]);
  });
});
