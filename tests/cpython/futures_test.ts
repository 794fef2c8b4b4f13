// CPython 3.12's Lib/test/test_asyncio/test_futures.py, ported to this
// project as Deno tests.
//
// How cases are translated:
// - Each ported case is one Deno.test named "<CPython class>.<method>", with
//   a comment above it naming the source. Only one flavour of the C/Python
//   mixins is ported; the Base* mixin names are used (BaseFutureTests,
//   BaseFutureDoneCallbackTests).
// - `self.new_test_loop()` → `new TestLoop()` (virtual time), created,
//   watched and closed by `withLoop`. CPython's test_utils.TestCase also calls
//   `set_event_loop(None)`; the cases that depend on the global loop install
//   a fresh DefaultEventLoopPolicy with `setEventLoop(null)` (`withNoGlobalLoop`)
//   and put the previous policy back afterwards.
// - `loop.run_until_complete(x)` → `await loop.runUntilComplete(x)`;
//   `test_utils.run_briefly(loop)` → `runBriefly(loop)`, the same "task that
//   yields once" run to completion.
// - `asyncio.Future(loop=loop)` → `new Future({ loop })`; snake_case methods
//   → camelCase; `None` → `null`/`undefined` as the API uses them; Python
//   exceptions → the mapped classes (RuntimeError → our RuntimeError).
// - mock.Mock callbacks → small recording functions; `m_log.error` (what
//   asyncio's default exception handler calls) → the loop's exception handler,
//   recorded by withLoop's watcher; `del fut` + `gc_collect()` → dropping the
//   last reference and `collectGarbageUntil`.
// - `concurrent.futures.ThreadPoolExecutor` → `WorkerPoolExecutor` (its
//   `submit` returns a promise, this project's concurrent future).
// - Where 3.12 and 3.13 differ, the comment says which is followed.

import assert from "node:assert/strict";
import {
  CancelledError,
  DefaultEventLoopPolicy,
  Future,
  getEventLoopPolicy,
  InvalidStateError,
  RuntimeError,
  setEventLoop,
  setEventLoopPolicy,
  wrapFuture,
} from "../../mod.ts";
import { TestLoop } from "../../loops/testing/mod.ts";
import { WorkerPoolExecutor } from "../../loops/executor/mod.ts";
import { bad, collectGarbageUntil, type ExceptionWatcher, withLoop } from "../_helpers.ts";

const newTestLoop = () => new TestLoop();

// test_utils.run_briefly: run a task that yields once, to completion.
async function runBriefly(loop: TestLoop): Promise<void> {
  await loop.runUntilComplete(function* () {
    yield;
  }());
}

// What test_utils.TestCase sets up: no global loop (set_event_loop(None)).
async function withNoGlobalLoop<R>(fn: () => R | Promise<R>): Promise<R> {
  const previous = getEventLoopPolicy();
  setEventLoopPolicy(new DefaultEventLoopPolicy());
  setEventLoop(null);
  try {
    return await fn();
  } finally {
    setEventLoopPolicy(previous);
  }
}

// Garbage-collects a few rounds; true if the loop's exception handler was
// called meanwhile (asyncio's `m_log.error.called`).
function loggedAfterGc(exceptions: ExceptionWatcher, rounds = 5): Promise<boolean> {
  return collectGarbageUntil(() => exceptions.contexts.length > 0, rounds);
}

// ---------------------------------------------------------------------------
// BaseFutureTests

// CPython 3.12 test_futures.py BaseFutureTests.test_initial_state
Deno.test("BaseFutureTests.test_initial_state", async () => {
  await withLoop(newTestLoop, (loop) => {
    const f = new Future({ loop });
    assert.equal(f.cancelled(), false);
    assert.equal(f.done(), false);
    f.cancel();
    assert.equal(f.cancelled(), true);
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_constructor_without_loop
Deno.test("BaseFutureTests.test_constructor_without_loop", async () => {
  await withNoGlobalLoop(async () => {
    await withLoop(newTestLoop, () => {
      assert.throws(() => new Future(), { name: "RuntimeError", message: /no current event loop/ });
    });
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_constructor_use_running_loop
Deno.test("BaseFutureTests.test_constructor_use_running_loop", async () => {
  await withNoGlobalLoop(async () => {
    await withLoop(newTestLoop, async (loop) => {
      // runUntilComplete cannot resolve to a Future (docs/differences.md), so it is boxed.
      const [f] = await loop.runUntilComplete(function* () {
        yield* [];
        return [new Future()];
      }());
      assert.equal(f._loop, loop);
      assert.equal(f.getLoop(), loop);
    });
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_constructor_use_global_loop
// (deprecated in 3.10, undeprecated in 3.12)
Deno.test("BaseFutureTests.test_constructor_use_global_loop", async () => {
  await withNoGlobalLoop(async () => {
    await withLoop(newTestLoop, (loop) => {
      setEventLoop(loop);
      try {
        const f = new Future();
        assert.equal(f._loop, loop);
        assert.equal(f.getLoop(), loop);
      } finally {
        setEventLoop(null);
      }
    });
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_constructor_positional
Deno.test({
  name: "BaseFutureTests.test_constructor_positional",
  async fn() {
    await withNoGlobalLoop(async () => {
      await withLoop(newTestLoop, () => {
        // Make sure Future doesn't accept a positional argument
        assert.throws(() => new Future(bad(42)), TypeError);
      });
    });
  },
});

// CPython 3.12 test_futures.py BaseFutureTests.test_future_cancel_message_getter
Deno.test("BaseFutureTests.test_future_cancel_message_getter", async () => {
  await withLoop(newTestLoop, async (loop) => {
    const f = new Future({ loop });
    assert.ok("_cancelMessage" in f);
    assert.equal(f._cancelMessage, undefined);

    f.cancel("my message");
    await assert.rejects(loop.runUntilComplete(f), CancelledError);
    assert.equal(f._cancelMessage, "my message");
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_future_cancel_message_setter
Deno.test("BaseFutureTests.test_future_cancel_message_setter", async () => {
  await withLoop(newTestLoop, async (loop) => {
    const f = new Future({ loop });
    f.cancel("my message");
    f._cancelMessage = "my new message";
    assert.equal(f._cancelMessage, "my new message");

    // Also check that the value is used for cancel().
    await assert.rejects(loop.runUntilComplete(f), CancelledError);
    assert.equal(f._cancelMessage, "my new message");
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_cancel
Deno.test("BaseFutureTests.test_cancel", async () => {
  await withLoop(newTestLoop, (loop) => {
    const f = new Future({ loop });
    assert.equal(f.cancel(), true);
    assert.equal(f.cancelled(), true);
    assert.equal(f.done(), true);
    assert.throws(() => f.result(), CancelledError);
    assert.throws(() => f.exception(), CancelledError);
    assert.throws(() => f.setResult(null), InvalidStateError);
    assert.throws(() => f.setException(null), InvalidStateError);
    assert.equal(f.cancel(), false);
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_result
Deno.test("BaseFutureTests.test_result", async () => {
  await withLoop(newTestLoop, (loop) => {
    const f = new Future<number | null>({ loop });
    assert.throws(() => f.result(), InvalidStateError);

    f.setResult(42);
    assert.equal(f.cancelled(), false);
    assert.equal(f.done(), true);
    assert.equal(f.result(), 42);
    assert.equal(f.exception(), null);
    assert.throws(() => f.setResult(null), InvalidStateError);
    assert.throws(() => f.setException(null), InvalidStateError);
    assert.equal(f.cancel(), false);
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_exception
// The StopIteration lines (3.12: TypeError; 3.13: wrapped in RuntimeError)
// are not ported: JavaScript has no StopIteration.
Deno.test("BaseFutureTests.test_exception", async () => {
  await withLoop(newTestLoop, (loop) => {
    const exc = new RuntimeError();
    const f = new Future<unknown>({ loop });
    assert.throws(() => f.exception(), InvalidStateError);

    f.setException(exc);
    assert.equal(f.cancelled(), false);
    assert.equal(f.done(), true);
    assert.throws(() => f.result(), RuntimeError);
    assert.equal(f.exception(), exc);
    assert.throws(() => f.setResult(null), InvalidStateError);
    assert.throws(() => f.setException(null), InvalidStateError);
    assert.equal(f.cancel(), false);
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_yield_from_twice
Deno.test("BaseFutureTests.test_yield_from_twice", async () => {
  await withLoop(newTestLoop, (loop) => {
    const f = new Future<number>({ loop });

    function* fixture(): Generator<unknown, void, unknown> {
      yield "A";
      const x = yield* f;
      yield ["B", x];
      const y = yield* f;
      yield ["C", y];
    }

    const g = fixture();
    assert.equal(g.next().value, "A"); // yield 'A'.
    assert.equal(g.next().value, f); // First yield from f.
    f.setResult(42);
    assert.deepEqual(g.next().value, ["B", 42]); // yield 'B', x.
    // The second "yield from f" does not yield f.
    assert.deepEqual(g.next().value, ["C", 42]); // yield 'C', y.
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_iter
Deno.test({
  name: "BaseFutureTests.test_iter",
  async fn() {
    await withLoop(newTestLoop, (loop) => {
      const fut = new Future({ loop });

      function* coro() {
        yield* fut;
      }

      function test() {
        const [_arg1, _arg2] = coro();
      }

      assert.throws(test, { name: "RuntimeError", message: /await wasn't used/ });
      fut.cancel();
    });
  },
});

// CPython 3.12 test_futures.py BaseFutureTests.test_tb_logger_abandoned
Deno.test("BaseFutureTests.test_tb_logger_abandoned", async () => {
  await withLoop(newTestLoop, async (loop, exceptions) => {
    (() => {
      new Future({ loop });
    })();
    assert.equal(await loggedAfterGc(exceptions), false);
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_tb_logger_not_called_after_cancel
Deno.test({
  name: "BaseFutureTests.test_tb_logger_not_called_after_cancel",
  async fn() {
    await withLoop(newTestLoop, async (loop, exceptions) => {
      (() => {
        const fut = new Future({ loop });
        fut.setException(new Error());
        fut.cancel();
      })();
      assert.equal(await loggedAfterGc(exceptions), false);
    });
  },
});

// CPython 3.12 test_futures.py BaseFutureTests.test_tb_logger_result_unretrieved
Deno.test("BaseFutureTests.test_tb_logger_result_unretrieved", async () => {
  await withLoop(newTestLoop, async (loop, exceptions) => {
    (() => {
      const fut = new Future({ loop });
      fut.setResult(42);
    })();
    assert.equal(await loggedAfterGc(exceptions), false);
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_tb_logger_result_retrieved
Deno.test("BaseFutureTests.test_tb_logger_result_retrieved", async () => {
  await withLoop(newTestLoop, async (loop, exceptions) => {
    (() => {
      const fut = new Future({ loop });
      fut.setResult(42);
      fut.result();
    })();
    assert.equal(await loggedAfterGc(exceptions), false);
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_tb_logger_exception_unretrieved
Deno.test("BaseFutureTests.test_tb_logger_exception_unretrieved", async () => {
  await withLoop(newTestLoop, async (loop, exceptions) => {
    (() => {
      const fut = new Future({ loop });
      fut.setException(new RuntimeError("boom"));
    })();
    await runBriefly(loop);
    assert.equal(await loggedAfterGc(exceptions, 50), true);
    exceptions.take();
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_tb_logger_exception_retrieved
Deno.test("BaseFutureTests.test_tb_logger_exception_retrieved", async () => {
  await withLoop(newTestLoop, async (loop, exceptions) => {
    (() => {
      const fut = new Future({ loop });
      fut.setException(new RuntimeError("boom"));
      fut.exception();
    })();
    assert.equal(await loggedAfterGc(exceptions), false);
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_tb_logger_exception_result_retrieved
Deno.test("BaseFutureTests.test_tb_logger_exception_result_retrieved", async () => {
  await withLoop(newTestLoop, async (loop, exceptions) => {
    (() => {
      const fut = new Future({ loop });
      fut.setException(new RuntimeError("boom"));
      assert.throws(() => fut.result(), RuntimeError);
    })();
    assert.equal(await loggedAfterGc(exceptions), false);
  });
});

// A self-contained work function for the executor (threading.get_ident()
// → whether the code runs in a Worker, which differs from the main thread).
function runInWorker(arg: string): [string, boolean] {
  return [
    arg,
    typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined",
  ];
}

// CPython 3.12 test_futures.py BaseFutureTests.test_wrap_future
Deno.test("BaseFutureTests.test_wrap_future", async () => {
  await withLoop(newTestLoop, async (loop) => {
    const ex = new WorkerPoolExecutor({ maxWorkers: 1 });
    try {
      const f1 = ex.submit(runInWorker, "oi");
      const f2 = wrapFuture(f1, loop);
      const [res, ident] = await loop.runUntilComplete(f2);
      assert.ok(f2 instanceof Future);
      assert.equal(res, "oi");
      assert.notEqual(ident, runInWorker("main")[1]);
    } finally {
      await ex.shutdown(true);
    }
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_wrap_future_future
Deno.test("BaseFutureTests.test_wrap_future_future", async () => {
  await withLoop(newTestLoop, (loop) => {
    const f1 = new Future({ loop });
    const f2 = wrapFuture(f1);
    assert.equal(f1, f2);
    f1.cancel();
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_wrap_future_without_loop
Deno.test("BaseFutureTests.test_wrap_future_without_loop", async () => {
  await withNoGlobalLoop(async () => {
    await withLoop(newTestLoop, async () => {
      const ex = new WorkerPoolExecutor({ maxWorkers: 1 });
      try {
        const f1 = ex.submit(runInWorker, "oi");
        assert.throws(() => wrapFuture(f1), {
          name: "RuntimeError",
          message: /no current event loop/,
        });
        await f1;
      } finally {
        await ex.shutdown(true);
      }
    });
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_wrap_future_use_running_loop
Deno.test("BaseFutureTests.test_wrap_future_use_running_loop", async () => {
  await withNoGlobalLoop(async () => {
    await withLoop(newTestLoop, async (loop) => {
      const ex = new WorkerPoolExecutor({ maxWorkers: 1 });
      try {
        const f1 = ex.submit(runInWorker, "oi");
        // runUntilComplete cannot resolve to a Future (docs/differences.md), so it is boxed.
        const [f2] = await loop.runUntilComplete(function* () {
          yield* [];
          return [wrapFuture(f1)];
        }());
        assert.equal(loop, f2._loop);
        await loop.runUntilComplete(f2);
      } finally {
        await ex.shutdown(true);
      }
    });
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_wrap_future_use_global_loop
// (deprecated in 3.10, undeprecated in 3.12)
Deno.test("BaseFutureTests.test_wrap_future_use_global_loop", async () => {
  await withNoGlobalLoop(async () => {
    await withLoop(newTestLoop, async (loop) => {
      setEventLoop(loop);
      const ex = new WorkerPoolExecutor({ maxWorkers: 1 });
      try {
        const f1 = ex.submit(runInWorker, "oi");
        const f2 = wrapFuture(f1);
        assert.equal(loop, f2._loop);
        await loop.runUntilComplete(f2);
      } finally {
        setEventLoop(null);
        await ex.shutdown(true);
      }
    });
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_wrap_future_cancel
// DEVIATION: cancelling the wrapping future cannot cancel the wrapped promise (docs/differences.md "Tasks accept promises": a promise's own work cannot be interrupted; promises have no cancelled()).
Deno.test({ name: "BaseFutureTests.test_wrap_future_cancel", ignore: true, fn() {} });

// CPython 3.12 test_futures.py BaseFutureTests.test_wrap_future_cancel2
Deno.test("BaseFutureTests.test_wrap_future_cancel2", async () => {
  await withLoop(newTestLoop, async (loop) => {
    let setResult!: (v: number) => void;
    const f1 = new Promise<number>((resolve) => setResult = resolve);
    const f2 = wrapFuture(f1, loop);
    setResult(42);
    f2.cancel();
    await runBriefly(loop);
    assert.equal(await f1, 42);
    assert.equal(f2.cancelled(), true);
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_future_source_traceback
// `_source_traceback` is a list of frames in asyncio and a stack string (one
// frame per line, the caller's first) here.
Deno.test("BaseFutureTests.test_future_source_traceback", async () => {
  await withLoop(newTestLoop, (loop) => {
    loop.setDebug(true);

    function test_future_source_traceback(): [Future, number] {
      const future = new Future({ loop });
      const lineno = Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split("\n")[1])![1]) - 1;
      return [future, lineno];
    }
    const [future, lineno] = test_future_source_traceback();
    assert.equal(typeof future._sourceTraceback, "string");
    const frame = future._sourceTraceback!.split("\n")[0];
    assert.match(frame, /\btest_future_source_traceback\b/);
    assert.ok(frame.includes(`${new URL(import.meta.url).href}:${lineno}:`), frame);
  });
});

// CPython 3.12 test_futures.py BaseFutureTests.test_future_exception_never_retrieved
// DEVIATION: the report carries a detached copy of the exception, not the exception itself (docs/differences.md "Never-retrieved exceptions" are reported on garbage collection; the Future JSDoc explains the copy: holding the original would keep the future alive).
Deno.test({
  name: "BaseFutureTests.test_future_exception_never_retrieved",
  ignore: true,
  fn() {},
});

// CPython 3.12 test_futures.py BaseFutureTests.test_future_exception_never_retrieved_debug
// DEVIATION: same as test_future_exception_never_retrieved (the report carries a copy of the exception, docs/differences.md "Never-retrieved exceptions").
Deno.test({
  name: "BaseFutureTests.test_future_exception_never_retrieved_debug",
  ignore: true,
  fn() {},
});

// CPython 3.12 test_futures.py BaseFutureTests.test_future_stop_iteration_args
// The StopIteration that ends `fut.__iter__()` is the iterator's final
// `{ done: true, value }` here.
Deno.test("BaseFutureTests.test_future_stop_iteration_args", async () => {
  await withLoop(newTestLoop, (loop) => {
    const fut = new Future<[number, number]>({ loop });
    fut.setResult([1, 2]);
    const fi = fut[Symbol.iterator]();
    const step = fi.next();
    assert.equal(step.done, true, "StopIteration was expected");
    assert.deepEqual(step.value, [1, 2]);
  });
});

// ---------------------------------------------------------------------------
// BaseFutureDoneCallbackTests

// _make_callback: a callback function that appends thing to bag.
function makeCallback<T>(bag: T[], thing: T): (f: Future<unknown>) => void {
  return function bagAppender(_future) {
    bag.push(thing);
  };
}

// CPython 3.12 test_futures.py BaseFutureDoneCallbackTests.test_callbacks_remove_first_callback
Deno.test("BaseFutureDoneCallbackTests.test_callbacks_remove_first_callback", async () => {
  await withLoop(newTestLoop, async (loop) => {
    const bag: number[] = [];
    const f = new Future<string>({ loop });

    const cb1 = makeCallback(bag, 42);
    const cb2 = makeCallback(bag, 17);
    const cb3 = makeCallback(bag, 100);

    f.addDoneCallback(cb1);
    f.addDoneCallback(cb2);
    f.addDoneCallback(cb3);

    f.removeDoneCallback(cb1);
    f.removeDoneCallback(cb1);

    assert.deepEqual(bag, []);
    f.setResult("foo");

    await runBriefly(loop);

    assert.deepEqual(bag, [17, 100]);
    assert.equal(f.result(), "foo");
  });
});

// CPython 3.12 test_futures.py BaseFutureDoneCallbackTests.test_callbacks_remove_first_and_second_callback
Deno.test(
  "BaseFutureDoneCallbackTests.test_callbacks_remove_first_and_second_callback",
  async () => {
    await withLoop(newTestLoop, async (loop) => {
      const bag: number[] = [];
      const f = new Future<string>({ loop });

      const cb1 = makeCallback(bag, 42);
      const cb2 = makeCallback(bag, 17);
      const cb3 = makeCallback(bag, 100);

      f.addDoneCallback(cb1);
      f.addDoneCallback(cb2);
      f.addDoneCallback(cb3);

      f.removeDoneCallback(cb1);
      f.removeDoneCallback(cb2);
      f.removeDoneCallback(cb1);

      assert.deepEqual(bag, []);
      f.setResult("foo");

      await runBriefly(loop);

      assert.deepEqual(bag, [100]);
      assert.equal(f.result(), "foo");
    });
  },
);

// CPython 3.12 test_futures.py BaseFutureDoneCallbackTests.test_callbacks_remove_third_callback
Deno.test("BaseFutureDoneCallbackTests.test_callbacks_remove_third_callback", async () => {
  await withLoop(newTestLoop, async (loop) => {
    const bag: number[] = [];
    const f = new Future<string>({ loop });

    const cb1 = makeCallback(bag, 42);
    const cb2 = makeCallback(bag, 17);
    const cb3 = makeCallback(bag, 100);

    f.addDoneCallback(cb1);
    f.addDoneCallback(cb2);
    f.addDoneCallback(cb3);

    f.removeDoneCallback(cb3);
    f.removeDoneCallback(cb3);

    assert.deepEqual(bag, []);
    f.setResult("foo");

    await runBriefly(loop);

    assert.deepEqual(bag, [42, 17]);
    assert.equal(f.result(), "foo");
  });
});

// CPython 3.12 test_futures.py BaseFutureDoneCallbackTests.test_callbacks_invoked_on_set_result
Deno.test("BaseFutureDoneCallbackTests.test_callbacks_invoked_on_set_result", async () => {
  await withLoop(newTestLoop, async (loop) => {
    const bag: number[] = [];
    const f = new Future<string>({ loop });
    f.addDoneCallback(makeCallback(bag, 42));
    f.addDoneCallback(makeCallback(bag, 17));

    assert.deepEqual(bag, []);
    f.setResult("foo");

    await runBriefly(loop);

    assert.deepEqual(bag, [42, 17]);
    assert.equal(f.result(), "foo");
  });
});

// CPython 3.12 test_futures.py BaseFutureDoneCallbackTests.test_callbacks_invoked_on_set_exception
Deno.test("BaseFutureDoneCallbackTests.test_callbacks_invoked_on_set_exception", async () => {
  await withLoop(newTestLoop, async (loop) => {
    const bag: number[] = [];
    const f = new Future({ loop });
    f.addDoneCallback(makeCallback(bag, 100));

    assert.deepEqual(bag, []);
    const exc = new RuntimeError();
    f.setException(exc);

    await runBriefly(loop);

    assert.deepEqual(bag, [100]);
    assert.equal(f.exception(), exc);
  });
});

// CPython 3.12 test_futures.py BaseFutureDoneCallbackTests.test_remove_done_callback
Deno.test("BaseFutureDoneCallbackTests.test_remove_done_callback", async () => {
  await withLoop(newTestLoop, async (loop) => {
    const bag: number[] = [];
    const f = new Future<string>({ loop });
    const cb1 = makeCallback(bag, 1);
    const cb2 = makeCallback(bag, 2);
    const cb3 = makeCallback(bag, 3);

    // Add one cb1 and one cb2.
    f.addDoneCallback(cb1);
    f.addDoneCallback(cb2);

    // One instance of cb2 removed. Now there's only one cb1.
    assert.equal(f.removeDoneCallback(cb2), 1);

    // Never had any cb3 in there.
    assert.equal(f.removeDoneCallback(cb3), 0);

    // After this there will be 6 instances of cb1 and one of cb2.
    f.addDoneCallback(cb2);
    for (let i = 0; i < 5; i++) f.addDoneCallback(cb1);

    // Remove all instances of cb1. One cb2 remains.
    assert.equal(f.removeDoneCallback(cb1), 6);

    assert.deepEqual(bag, []);
    f.setResult("foo");

    await runBriefly(loop);

    assert.deepEqual(bag, [2]);
    assert.equal(f.result(), "foo");
  });
});

// CPython 3.12 test_futures.py BaseFutureDoneCallbackTests.test_schedule_callbacks_list_mutation_1
// (bpo-28963: a done callback that removes later callbacks must not break
// the scheduling of the others)
Deno.test("BaseFutureDoneCallbackTests.test_schedule_callbacks_list_mutation_1", async () => {
  await withLoop(newTestLoop, async (loop) => {
    const str = (f: Future<number>) => String(f);
    const mut = (f: Future<number>) => {
      f.removeDoneCallback(str);
    };

    const fut = new Future<number>({ loop });
    fut.addDoneCallback(mut);
    fut.addDoneCallback(str);
    fut.addDoneCallback(str);
    fut.setResult(1);
    await runBriefly(loop);
  });
});
