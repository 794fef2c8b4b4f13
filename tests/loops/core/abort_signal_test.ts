// AbortSignal both ways: `{ signal }` cancels sleep, waitFor, timeout,
// createTask and run; abortSignal() and wrapFuture((signal) => ...) hand a
// task's cancellation to the host (fetch, any Deno API taking a signal).

import assert from "node:assert/strict";
import {
  abortSignal,
  CancelledError,
  type Coroutine,
  currentTask,
  getRunningLoop,
  run,
  sleep,
  timeout,
  TimeoutError,
  waitFor,
  wrapFuture,
} from "../../../mod.ts";
import { TestLoop } from "../../../loops/testing/mod.ts";
import { withLoop } from "../../_helpers.ts";

const newLoop = () => new TestLoop();

function abortAt(loop: TestLoop, seconds: number, reason: unknown): AbortSignal {
  const controller = new AbortController();
  loop.callLater(seconds, () => controller.abort(reason));
  return controller.signal;
}

Deno.test("sleep({ signal }) ends with CancelledError when the signal aborts", async (t) => {
  await t.step("while sleeping", async () => {
    await withLoop(newLoop, async (loop) => {
      const signal = abortAt(loop, 2, "enough");
      const e = await loop.runUntilComplete(sleep(60, "r", { signal })).catch((e) => e);
      assert.ok(e instanceof CancelledError);
      assert.equal(e.message, "enough");
      assert.equal(loop.time(), 2);
      assert.equal(loop._timers.items.filter((h) => !h.cancelled()).length, 0, "timer cancelled");
    });
  });
  await t.step("already aborted, even for sleep(0)", async () => {
    await withLoop(newLoop, async (loop) => {
      for (const delay of [0, 5]) {
        const signal = AbortSignal.abort(new Error("gone"));
        const e = await loop.runUntilComplete(sleep(delay, null, { signal })).catch((e) => e);
        assert.ok(e instanceof CancelledError && e.message === "gone");
      }
      assert.equal(loop.time(), 0);
    });
  });
  await t.step("not aborted: sleeps and returns", async () => {
    await withLoop(newLoop, async (loop) => {
      const signal = new AbortController().signal;
      assert.equal(await loop.runUntilComplete(sleep(3, "r", { signal })), "r");
      assert.equal(loop.time(), 3);
    });
  });
  await t.step("a signal that is not an AbortSignal is a TypeError", async () => {
    await withLoop(newLoop, async (loop) => {
      await assert.rejects(
        loop.runUntilComplete(sleep(1, null, { signal: {} as AbortSignal })),
        { name: "TypeError", message: /^options\.signal must be an AbortSignal/ },
      );
    });
  });
});

Deno.test("waitFor({ signal }) cancels what it awaits and raises CancelledError", async () => {
  await withLoop(newLoop, async (loop) => {
    const log: string[] = [];
    function* inner(): Coroutine<string> {
      try {
        yield* sleep(60);
        return "finished";
      } finally {
        log.push(`inner cleanup at ${loop.time()}`);
      }
    }
    const outcome = await loop.runUntilComplete(function* () {
      const signal = abortAt(loop, 1, "stop waiting");
      try {
        yield* waitFor(inner(), 10, { signal });
        return "returned";
      } catch (e) {
        const task = currentTask()!;
        return e instanceof CancelledError
          ? `cancelled: ${e.message}, still cancelling: ${task.cancelling()}`
          : String(e);
      }
    }());
    assert.equal(outcome, "cancelled: stop waiting, still cancelling: 0");
    assert.deepEqual(log, ["inner cleanup at 1"]);
  });
});

Deno.test("timeout({ signal }): an abort is a cancellation, an expiry a TimeoutError", async () => {
  await withLoop(newLoop, async (loop) => {
    const aborted = await loop.runUntilComplete(function* () {
      const signal = abortAt(loop, 1, "abort");
      try {
        yield* timeout(5, function* () {
          yield* sleep(60);
        }, { signal });
      } catch (e) {
        return e;
      }
      return null;
    }());
    assert.ok(aborted instanceof CancelledError && !(aborted instanceof TimeoutError));
    assert.equal(loop.time(), 1);
    const expired = await loop.runUntilComplete(function* () {
      const signal = abortAt(loop, 10, "too late");
      try {
        yield* timeout(2, function* () {
          yield* sleep(60);
        }, { signal });
      } catch (e) {
        return e;
      }
      return null;
    }());
    assert.ok(expired instanceof TimeoutError);
    assert.equal(loop.time(), 3);
  });
});

Deno.test("createTask({ signal }) cancels the task when the signal aborts", async () => {
  await withLoop(newLoop, async (loop) => {
    const signal = abortAt(loop, 4, new Error("shut down"));
    const task = loop.createTask(sleep(60), { signal });
    const e = await loop.runUntilComplete(task).catch((e) => e);
    assert.ok(e instanceof CancelledError && e.message === "shut down");
    assert.ok(task.cancelled());
    const already = loop.createTask(sleep(60), { signal });
    await loop.runUntilComplete(already).catch(() => {});
    assert.ok(already.cancelled(), "an aborted signal cancels a new task at once");
    assert.equal(loop.time(), 4);
  });
});

Deno.test("run({ signal }) cancels the main task", async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort("bye"), 10);
  const e = await run(sleep(60), { signal: controller.signal, handleSigint: false }).catch((e) =>
    e
  );
  assert.ok(e instanceof CancelledError && e.message === "bye");
});

Deno.test("abortSignal() aborts when the current task is asked to cancel", async (t) => {
  await t.step("reason is the CancelledError with the message", async () => {
    await withLoop(newLoop, async (loop) => {
      let signal: AbortSignal | null = null;
      const task = loop.createTask(function* () {
        signal = yield* abortSignal();
        assert.equal(yield* abortSignal(), signal, "one signal per task");
        yield* sleep(60);
      }());
      loop.callLater(1, () => task.cancel("now"));
      await loop.runUntilComplete(task).catch(() => {});
      const s = signal as AbortSignal | null;
      assert.ok(s?.aborted);
      assert.ok(s.reason instanceof CancelledError && s.reason.message === "now");
    });
  });
  await t.step("outside a task it is a RuntimeError", async () => {
    assert.throws(() => abortSignal().next(), { name: "RuntimeError" });
    await withLoop(newLoop, async (loop) => {
      let error: unknown = null;
      loop.callSoon(() => {
        try {
          abortSignal().next();
        } catch (e) {
          error = e;
        }
      });
      await loop.runUntilComplete(sleep(1));
      assert.ok(error instanceof Error && error.name === "RuntimeError");
      assert.match(error.message, /inside a task/);
    });
  });
});

Deno.test("A fetch is aborted by the cancellation of the task awaiting it", async () => {
  let requestAborted: () => void = () => {};
  const aborted = new Promise<void>((resolve) => requestAborted = resolve);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) =>
      new Promise<Response>((resolve) => {
        // Never answers on its own: only the client's abort ends the request.
        req.signal.addEventListener("abort", () => {
          requestAborted();
          resolve(new Response("late"));
        });
      }),
  );
  try {
    const url = `http://127.0.0.1:${server.addr.port}/slow`;
    const outcome = await run(
      function* () {
        const task = getRunningLoop().createTask(function* () {
          const response = yield* wrapFuture((signal) => fetch(url, { signal }));
          return response.status;
        }());
        yield* sleep(0.05);
        task.cancel("user gave up");
        try {
          yield* task;
          return "completed";
        } catch (e) {
          return e instanceof CancelledError ? `cancelled: ${e.message}` : String(e);
        }
      }(),
      { handleSigint: false },
    );
    assert.equal(outcome, "cancelled: user gave up");
    await aborted; // the server saw the request go away
  } finally {
    await server.shutdown();
  }
});
