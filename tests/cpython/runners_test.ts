// CPython 3.12's Lib/test/test_asyncio/test_runners.py, ported to this
// project as Deno tests (one Deno.test per CPython case, named
// "<Class>.<method>").
//
// How cases are translated:
// - BaseTest's setUp installs a TestPolicy whose new_event_loop() makes a
//   fresh loop and whose set_event_loop() records it; tearDown checks that the
//   recorded loop was closed and had shutdown_asyncgens() run. `baseTest()`
//   does the same around each case. CPython's loop is a BaseEventLoop with a
//   mocked selector; here it is a `TestLoop` (virtual time), or, for the
//   SIGINT cases, whose `call_later(0.1, interrupt_self)` must fire while the
//   task keeps the loop busy, a `BaseEventLoop` on the real clock. Both
//   record `shutdownAsyncgens()`.
// - `asyncio.run(coro)` is `await run(coro)`, `runner.run(coro)` is
//   `await runner.run(coro)`; checks asyncio makes synchronously may happen
//   either synchronously or in the returned promise here, so assertRaises
//   becomes `assert.rejects(async () => ...)`, which accepts both.
//   `with asyncio.Runner() as runner:` is `withRunner()`: enter creates the
//   loop (`getLoop()`), exit closes the runner.
// - asyncio's ValueError is RangeError; `1/0` is a thrown ZeroDivisionError
//   (a local class); mocks are recording functions.
// - `_thread.interrupt_main()` simulates a SIGINT arriving, and so does
//   `interruptSelf()` here: it calls the SIGINT listeners registered through
//   `Deno.addSignalListener` (captured while `withSigintSimulation` runs; a
//   real SIGINT would abort `deno test` itself). A SIGINT with no listener
//   would end a Deno process, so it fails the case. KeyboardInterrupt is
//   matched by name. Cases that would wait
//   forever if the signal went unhandled get a valve that makes them fail
//   instead of hang.

import assert from "node:assert/strict";
import {
  type AbstractEventLoop,
  AbstractEventLoopPolicy,
  BaseEventLoop,
  CancelledError,
  type Coroutine,
  createTask,
  currentTask,
  type Future,
  getEventLoop,
  getEventLoopPolicy,
  getRunningLoop,
  type Main,
  run,
  Runner,
  RuntimeError,
  setEventLoopPolicy,
  sleep,
  Task,
  type TaskFactory,
} from "../../mod.ts";
import { TestLoop } from "../../loops/testing/mod.ts";
import { bad } from "../_helpers.ts";

/** Python's ZeroDivisionError, for `1/0`. */
class ZeroDivisionError extends Error {
  override name = "ZeroDivisionError";
}

/** A loop that records whether shutdownAsyncgens() ran (BaseTest.new_loop). */
interface RecordingLoop extends AbstractEventLoop {
  shutdownAgRun: boolean;
}

class VirtualLoop extends TestLoop implements RecordingLoop {
  shutdownAgRun = false;
  // deno-lint-ignore require-yield
  override *shutdownAsyncgens(): Coroutine<void> {
    this.shutdownAgRun = true;
  }
}

class RealClockLoop extends BaseEventLoop implements RecordingLoop {
  shutdownAgRun = false;
  // deno-lint-ignore require-yield
  override *shutdownAsyncgens(): Coroutine<void> {
    this.shutdownAgRun = true;
  }
}

const newLoop = (): RecordingLoop => new VirtualLoop();
const newRealClockLoop = (): RecordingLoop => new RealClockLoop();

/** test_runners.TestPolicy. */
class TestPolicy extends AbstractEventLoopPolicy {
  loop: AbstractEventLoop | null = null;

  constructor(public loopFactory: () => AbstractEventLoop) {
    super();
  }

  getEventLoop(): AbstractEventLoop {
    // shouldn't ever be called by run()
    throw new RuntimeError();
  }

  newEventLoop(): AbstractEventLoop {
    return this.loopFactory();
  }

  setEventLoop(loop: AbstractEventLoop | null): void {
    if (loop !== null) {
      // we want to check if the loop is closed in tearDown
      this.loop = loop;
    }
  }
}

/** BaseTest's setUp and tearDown around `fn`. */
async function baseTest(
  fn: () => void | Promise<void>,
  loopFactory: () => AbstractEventLoop = newLoop,
): Promise<void> {
  setEventLoopPolicy(new TestPolicy(loopFactory));
  try {
    await fn();
    const policy = getEventLoopPolicy();
    if (policy instanceof TestPolicy && policy.loop !== null) {
      assert.ok(policy.loop.isClosed());
      assert.ok((policy.loop as RecordingLoop).shutdownAgRun);
    }
  } finally {
    setEventLoopPolicy(null);
  }
}

/** `with runner:` — enter initializes the loop (raising if closed), exit closes the runner. */
async function withRunner(runner: Runner, body: (r: Runner) => unknown): Promise<void> {
  runner.getLoop();
  try {
    await body(runner);
  } finally {
    await runner.close();
  }
}

/**
 * Simulated SIGINT delivery, as `_thread.interrupt_main()` simulates a signal
 * arriving: while `withSigintSimulation` runs, `Deno.addSignalListener` and
 * `Deno.removeSignalListener` keep SIGINT listeners in a list instead of
 * registering them with Deno (a real SIGINT would abort `deno test` itself),
 * and `interruptSelf()` calls them. With no listener installed, Deno's
 * default action would end the process (Python's default handler raises
 * KeyboardInterrupt): that is recorded, and fails the case at the end.
 */
interface SigintSimulation {
  listeners: Set<() => void>;
  unhandled: number;
}

let sigint: SigintSimulation | null = null;

/** `_thread.interrupt_main()`. */
function interruptSelf(): void {
  const sim = sigint;
  if (sim === null) throw new Error("interruptSelf() outside withSigintSimulation()");
  if (sim.listeners.size === 0) {
    sim.unhandled++;
    return;
  }
  for (const listener of [...sim.listeners]) listener();
}

async function withSigintSimulation(fn: () => Promise<void>): Promise<void> {
  const denoNs = Deno as unknown as Record<string, unknown>;
  const add = Deno.addSignalListener;
  const remove = Deno.removeSignalListener;
  const sim: SigintSimulation = { listeners: new Set(), unhandled: 0 };
  sigint = sim;
  denoNs.addSignalListener = (signal: Deno.Signal, handler: () => void) => {
    if (signal === "SIGINT") sim.listeners.add(handler);
    else add(signal, handler);
  };
  denoNs.removeSignalListener = (signal: Deno.Signal, handler: () => void) => {
    if (signal === "SIGINT") sim.listeners.delete(handler);
    else remove(signal, handler);
  };
  try {
    await fn();
  } finally {
    denoNs.addSignalListener = add;
    denoNs.removeSignalListener = remove;
    sigint = null;
  }
  if (sim.unhandled > 0) {
    throw new assert.AssertionError({
      message: "SIGINT arrived while no SIGINT listener was installed: Deno would have ended " +
        "the process (Python's default handler raises KeyboardInterrupt)",
    });
  }
}

/** Whether the case cannot go on: a simulated SIGINT went unhandled. */
function interruptLost(): boolean {
  return sigint !== null && sigint.unhandled > 0;
}

/**
 * Fails `fut` with an error once a simulated SIGINT went unhandled or after
 * `seconds` of real time, unless it is done: a case that would wait for it
 * forever then fails instead. Returns a function that disarms the valve.
 */
function valve(fut: Future<unknown>, seconds = 5): () => void {
  const deadline = performance.now() + seconds * 1000;
  const timer = setInterval(() => {
    if (!interruptLost() && performance.now() < deadline) return;
    clearInterval(timer);
    const loop = fut.getLoop();
    if (!loop.isClosed() && !fut.done()) {
      loop.callSoonThreadsafe(() => {
        if (!fut.done()) fut.setException(new Error("the interrupt never reached the task"));
      });
    }
  }, 10);
  return () => clearInterval(timer);
}

/** `with self.subTest(obj=o):` — labels a failure with the value. */
async function subTest(obj: unknown, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof Error) e.message = `[obj=${String(obj)}] ${e.message}`;
    throw e;
  }
}

// ---------------------------------------------------------------------------
// RunTests
// ---------------------------------------------------------------------------

// CPython 3.12 test_runners.py RunTests.test_asyncio_run_return
Deno.test("RunTests.test_asyncio_run_return", async () => {
  await baseTest(async () => {
    function* main(): Coroutine<number> {
      yield* sleep(0);
      return 42;
    }
    assert.equal(await run(main()), 42);
  });
});

// CPython 3.12 test_runners.py RunTests.test_asyncio_run_raises
Deno.test("RunTests.test_asyncio_run_raises", async () => {
  await baseTest(async () => {
    function* main(): Coroutine<void> {
      yield* sleep(0);
      throw new RangeError("spam");
    }
    await assert.rejects(async () => await run(main()), { name: "RangeError", message: /spam/ });
  });
});

// CPython 3.12 test_runners.py RunTests.test_asyncio_run_only_coro
Deno.test({
  name: "RunTests.test_asyncio_run_only_coro",
  async fn() {
    await baseTest(async () => {
      for (const o of [1, () => undefined]) {
        await subTest(o, async () => {
          await assert.rejects(async () => await run(bad<Main<unknown>>(o)), {
            name: "RangeError",
            message: /a coroutine was expected/,
          });
        });
      }
    });
  },
});

// CPython 3.12 test_runners.py RunTests.test_asyncio_run_debug
// (the halves that patch PYTHONASYNCIODEBUG's default are Python-only)
Deno.test("RunTests.test_asyncio_run_debug", async () => {
  await baseTest(async () => {
    // deno-lint-ignore require-yield
    function* main(expected: boolean): Coroutine<void> {
      const loop = getEventLoop();
      assert.equal(loop.getDebug(), expected);
    }
    await run(main(false), { debug: false });
    await run(main(true), { debug: true });
  });
});

// CPython 3.12 test_runners.py RunTests.test_asyncio_run_from_running_loop
Deno.test("RunTests.test_asyncio_run_from_running_loop", async () => {
  await baseTest(async () => {
    // deno-lint-ignore require-yield
    function* main(): Coroutine<void> {
      const coro = main();
      try {
        void run(coro);
      } finally {
        coro.return(undefined);
      }
    }
    await assert.rejects(async () => await run(main()), {
      name: "RuntimeError",
      message: /cannot be called from a running/,
    });
  });
});

// CPython 3.12 test_runners.py RunTests.test_asyncio_run_cancels_hanging_tasks
Deno.test("RunTests.test_asyncio_run_cancels_hanging_tasks", async () => {
  await baseTest(async () => {
    let loTask: Task<void> | null = null;
    function* leftover(): Coroutine<void> {
      yield* sleep(0.1);
    }
    // deno-lint-ignore require-yield
    function* main(): Coroutine<number> {
      loTask = createTask(leftover());
      return 123;
    }
    assert.equal(await run(main()), 123);
    assert.ok(loTask!.done());
  });
});

// CPython 3.12 test_runners.py RunTests.test_asyncio_run_reports_hanging_tasks_errors
Deno.test("RunTests.test_asyncio_run_reports_hanging_tasks_errors", async () => {
  await baseTest(async () => {
    let loTask: Task<void> | null = null;
    const calls: Record<string, unknown>[] = [];
    const callExcHandlerMock = (context: Record<string, unknown>) => {
      calls.push(context);
    };

    function* leftover(): Coroutine<void> {
      try {
        yield* sleep(0.1);
      } catch (e) {
        if (e instanceof CancelledError) throw new ZeroDivisionError("division by zero");
        throw e;
      }
    }
    // deno-lint-ignore require-yield
    function* main(): Coroutine<number> {
      const loop = getRunningLoop();
      loop.callExceptionHandler = callExcHandlerMock;
      loTask = createTask(leftover());
      return 123;
    }

    assert.equal(await run(main()), 123);
    assert.ok(loTask!.done());

    const context = calls.at(-1)!;
    assert.deepEqual(Object.keys(context).sort(), ["exception", "message", "task"]);
    // asyncio: r'asyncio.run.*shutdown' (asyncio.run is run here)
    assert.match(context.message as string, /run.*shutdown/);
    assert.equal(context.task, loTask);
    assert.ok(context.exception instanceof ZeroDivisionError);
  });
});

// CPython 3.12 test_runners.py RunTests.test_asyncio_run_closes_gens_after_hanging_tasks_errors
// DEVIATION: docs/differences.md: async generators are not tracked (shutdownAsyncgens() does nothing), so run() cannot finalize the suspended async generator this case checks
Deno.test({
  name: "RunTests.test_asyncio_run_closes_gens_after_hanging_tasks_errors",
  ignore: true,
  fn() {},
});

// CPython 3.12 test_runners.py RunTests.test_asyncio_run_set_event_loop
Deno.test("RunTests.test_asyncio_run_set_event_loop", async () => {
  await baseTest(async () => {
    function* main(): Coroutine<number> {
      yield* sleep(0);
      return 42;
    }
    const policy = getEventLoopPolicy();
    const calls: unknown[] = [];
    policy.setEventLoop = (loop) => {
      calls.push(loop);
    };
    await run(main());
    assert.ok(calls.length > 0);
  });
});

// CPython 3.12 test_runners.py RunTests.test_asyncio_run_without_uncancel
// (3.13 adds set_name() to the wrapper task; nothing else differs)
Deno.test({
  name: "RunTests.test_asyncio_run_without_uncancel",
  async fn() {
    // CPython's Task wrapper forwards everything but uncancel().
    const taskWithoutUncancel: TaskFactory = (loop, coro, options) => {
      const task = new Task(coro, { ...options, loop });
      Object.defineProperty(task, "uncancel", { value: undefined });
      return task;
    };

    let disarm = () => {};
    function* main(): Coroutine<void> {
      interruptSelf();
      const never = getRunningLoop().createFuture<void>(); // asyncio.Event().wait()
      disarm = valve(never);
      yield* never;
    }

    const newEventLoop = () => {
      const loop = newLoop() as VirtualLoop;
      loop.setTaskFactory(taskWithoutUncancel);
      return loop;
    };

    await baseTest(async () => {
      setEventLoopPolicy(new TestPolicy(newEventLoop));
      await withSigintSimulation(async () => {
        try {
          await assert.rejects(async () => await run(main()), CancelledError);
        } finally {
          disarm();
        }
      });
    });
  },
});

// CPython 3.12 test_runners.py RunTests.test_asyncio_run_loop_factory
Deno.test("RunTests.test_asyncio_run_loop_factory", async () => {
  await baseTest(async () => {
    const loop = newLoop();
    const factoryCalls: unknown[][] = [];
    const factory = (...args: unknown[]) => {
      factoryCalls.push(args);
      return loop;
    };

    // deno-lint-ignore require-yield
    function* main(): Coroutine<void> {
      assert.equal(getRunningLoop(), loop);
    }

    await run(main(), { loopFactory: factory });
    assert.deepEqual(factoryCalls, [[]]);
  });
});

// ---------------------------------------------------------------------------
// RunnerTests
// ---------------------------------------------------------------------------

// CPython 3.12 test_runners.py RunnerTests.test_non_debug
Deno.test("RunnerTests.test_non_debug", async () => {
  await baseTest(async () => {
    await withRunner(new Runner({ debug: false }), (runner) => {
      assert.equal(runner.getLoop().getDebug(), false);
    });
  });
});

// CPython 3.12 test_runners.py RunnerTests.test_debug
Deno.test("RunnerTests.test_debug", async () => {
  await baseTest(async () => {
    await withRunner(new Runner({ debug: true }), (runner) => {
      assert.equal(runner.getLoop().getDebug(), true);
    });
  });
});

// CPython 3.12 test_runners.py RunnerTests.test_custom_factory
// (asyncio uses a mock.Mock() as the loop; here the factory must return a loop)
Deno.test("RunnerTests.test_custom_factory", async () => {
  await baseTest(async () => {
    const loop = newLoop();
    await withRunner(new Runner({ loopFactory: () => loop }), (runner) => {
      assert.equal(runner.getLoop(), loop);
    });
  });
});

// CPython 3.12 test_runners.py RunnerTests.test_run
Deno.test("RunnerTests.test_run", async () => {
  await baseTest(async () => {
    function* f(): Coroutine<string> {
      yield* sleep(0);
      return "done";
    }

    const runner = new Runner();
    let loop: AbstractEventLoop | null = null;
    await withRunner(runner, async () => {
      assert.equal("done", await runner.run(f()));
      loop = runner.getLoop();
    });

    assert.throws(() => runner.getLoop(), { name: "RuntimeError", message: /Runner is closed/ });
    assert.ok(loop!.isClosed());
  });
});

// CPython 3.12 test_runners.py RunnerTests.test_run_non_coro
Deno.test({
  name: "RunnerTests.test_run_non_coro",
  async fn() {
    await baseTest(async () => {
      await withRunner(new Runner(), async (runner) => {
        await assert.rejects(async () => await runner.run(bad<Main<unknown>>(123)), {
          name: "RangeError",
          message: /a coroutine was expected/,
        });
      });
    });
  },
});

// CPython 3.12 test_runners.py RunnerTests.test_run_future
// DEVIATION: docs/running.md, docs/differences.md: run()/Runner.run() accept a promise, and a Future is PromiseLike, so a future is run rather than refused with "a coroutine was expected"
Deno.test({ name: "RunnerTests.test_run_future", ignore: true, fn() {} });

// CPython 3.12 test_runners.py RunnerTests.test_explicit_close
Deno.test("RunnerTests.test_explicit_close", async () => {
  await baseTest(async () => {
    const runner = new Runner();
    const loop = runner.getLoop();
    await runner.close();
    assert.throws(() => runner.getLoop(), { name: "RuntimeError", message: /Runner is closed/ });
    assert.ok(loop.isClosed());
  });
});

// CPython 3.12 test_runners.py RunnerTests.test_double_close
Deno.test("RunnerTests.test_double_close", async () => {
  await baseTest(async () => {
    const runner = new Runner();
    const loop = runner.getLoop();

    await runner.close();
    assert.ok(loop.isClosed());

    // the second call is no-op
    await runner.close();
    assert.ok(loop.isClosed());
  });
});

// CPython 3.12 test_runners.py RunnerTests.test_second_with_block_raises
Deno.test("RunnerTests.test_second_with_block_raises", async () => {
  await baseTest(async () => {
    const ret: number[] = [];
    // deno-lint-ignore require-yield
    function* f(arg: number): Coroutine<void> {
      ret.push(arg);
    }

    const runner = new Runner();
    await withRunner(runner, async () => {
      await runner.run(f(1));
    });

    await assert.rejects(
      () =>
        withRunner(runner, async () => {
          await runner.run(f(2));
        }),
      { name: "RuntimeError", message: /Runner is closed/ },
    );

    assert.deepEqual(ret, [1]);
  });
});

// CPython 3.12 test_runners.py RunnerTests.test_recursive_run
// (the "coroutine was never awaited" RuntimeWarning is Python-only)
Deno.test("RunnerTests.test_recursive_run", async () => {
  await baseTest(async () => {
    function* g(): Coroutine<void> {}
    // deno-lint-ignore require-yield
    function* f(): Coroutine<void> {
      void runner.run(g());
    }

    const runner = new Runner();
    await withRunner(runner, async () => {
      await assert.rejects(async () => await runner.run(f()), {
        name: "RuntimeError",
        message: /Runner\.run\(\) cannot be called from a running event loop/,
      });
    });
  });
});

// CPython 3.12 test_runners.py RunnerTests.test_interrupt_call_soon
Deno.test({
  name: "RunnerTests.test_interrupt_call_soon",
  async fn() {
    // The only case when task is not suspended by waiting a future
    // or another task
    const deadline = performance.now() + 5000; // valve: real time
    function* coro(): Coroutine<void> {
      let raised = false;
      try {
        for (;;) {
          yield* sleep(0);
          if (interruptLost() || performance.now() > deadline) {
            throw new Error("the interrupt never reached the task");
          }
        }
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        raised = true;
      }
      assert.ok(raised, "CancelledError not raised");
      throw new CancelledError();
    }

    await baseTest(async () => {
      await withSigintSimulation(async () => {
        await withRunner(new Runner(), async (runner) => {
          runner.getLoop().callLater(0.1, interruptSelf);
          await assert.rejects(async () => await runner.run(coro()), {
            name: "KeyboardInterrupt",
          });
        });
      });
    }, newRealClockLoop);
  },
});

// CPython 3.12 test_runners.py RunnerTests.test_interrupt_wait
Deno.test({
  name: "RunnerTests.test_interrupt_wait",
  async fn() {
    // interrupting when waiting a future cancels both future and main task
    function* coro(fut: Future<void>): Coroutine<void> {
      let raised = false;
      try {
        yield* fut;
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        raised = true;
      }
      assert.ok(raised, "CancelledError not raised");
      throw new CancelledError();
    }

    await baseTest(async () => {
      await withSigintSimulation(async () => {
        await withRunner(new Runner(), async (runner) => {
          const fut = runner.getLoop().createFuture<void>();
          const disarm = valve(fut);
          try {
            runner.getLoop().callLater(0.1, interruptSelf);
            await assert.rejects(async () => await runner.run(coro(fut)), {
              name: "KeyboardInterrupt",
            });
            assert.ok(fut.cancelled());
          } finally {
            disarm();
          }
        });
      });
    }, newRealClockLoop);
  },
});

// CPython 3.12 test_runners.py RunnerTests.test_interrupt_cancelled_task
Deno.test({
  name: "RunnerTests.test_interrupt_cancelled_task",
  async fn() {
    // interrupting cancelled main task doesn't raise KeyboardInterrupt
    function* subtask(task: Task<unknown>): Coroutine<void> {
      yield* sleep(0);
      task.cancel();
      interruptSelf();
    }
    function* coro(): Coroutine<void> {
      createTask(subtask(currentTask()!));
      yield* sleep(10);
    }

    await baseTest(async () => {
      await withSigintSimulation(async () => {
        await withRunner(new Runner(), async (runner) => {
          await assert.rejects(async () => await runner.run(coro()), CancelledError);
        });
      });
    }, newRealClockLoop);
  },
});

// CPython 3.12 test_runners.py RunnerTests.test_signal_install_not_supported_ok
Deno.test("RunnerTests.test_signal_install_not_supported_ok", async () => {
  // signal.signal() can throw if the "main thread" doesn't have signals enabled
  // (Deno.addSignalListener is signal.signal here)
  function* coro(): Coroutine<void> {}

  await baseTest(async () => {
    await withRunner(new Runner(), async (runner) => {
      const denoNs = Deno as unknown as Record<string, unknown>;
      const original = denoNs.addSignalListener;
      denoNs.addSignalListener = () => {
        throw new RangeError("signal only works in main thread of the main interpreter");
      };
      try {
        await runner.run(coro());
      } finally {
        denoNs.addSignalListener = original;
      }
    });
  });
});

// CPython 3.12 test_runners.py RunnerTests.test_set_event_loop_called_once
Deno.test("RunnerTests.test_set_event_loop_called_once", async () => {
  await baseTest(async () => {
    function* coro(): Coroutine<void> {}

    const policy = getEventLoopPolicy();
    const calls: unknown[] = [];
    policy.setEventLoop = (loop) => {
      calls.push(loop);
    };
    const runner = new Runner();
    await runner.run(coro());
    await runner.run(coro());

    assert.equal(calls.length, 1);
    await runner.close();
  });
});
