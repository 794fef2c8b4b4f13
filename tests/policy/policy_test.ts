// Unit tests of the event loop policies and the module functions.

import assert from "node:assert/strict";
import {
  type AbstractEventLoop,
  AbstractEventLoopPolicy,
  BaseEventLoop,
  DefaultEventLoopPolicy,
  Future,
  getEventLoop,
  getEventLoopPolicy,
  getRunningLoop,
  newEventLoop,
  run,
  RuntimeError,
  SelectorEventLoop,
  setEventLoop,
  setEventLoopPolicy,
  sleep,
} from "../../mod.ts";
import { TestLoop } from "../../loops/testing/mod.ts";
import { bad } from "../_helpers.ts";
import { RecordingWatcher } from "./_recording_watcher.ts";

/** Runs `fn` with a fresh default policy and restores one afterwards. */
async function withFreshPolicy(fn: () => void | Promise<void>): Promise<void> {
  setEventLoopPolicy(null);
  try {
    await fn();
  } finally {
    setEventLoopPolicy(null);
  }
}

Deno.test("getEventLoop() creates the main realm's loop once", async () => {
  await withFreshPolicy(() => {
    const loop = getEventLoop();
    try {
      assert.ok(loop instanceof SelectorEventLoop, "the default loop everywhere");
      assert.equal(getEventLoop(), loop);
      assert.equal(getEventLoopPolicy().getEventLoop(), loop);
      assert.equal(loop.isRunning(), false);
    } finally {
      loop.close();
    }
  });
});

Deno.test("setEventLoop() and newEventLoop()", async () => {
  await withFreshPolicy(() => {
    const a = newEventLoop();
    const b = newEventLoop();
    try {
      assert.ok(a instanceof BaseEventLoop);
      assert.notEqual(a, b);
      setEventLoop(a);
      assert.equal(getEventLoop(), a, "newEventLoop() does not make b current");
      setEventLoop(b);
      assert.equal(getEventLoop(), b);
      setEventLoop(null);
      assert.throws(() => getEventLoop(), {
        name: "RuntimeError",
        message: /no current event loop in the main realm/,
      });
      assert.throws(() => setEventLoop(bad({})), {
        name: "TypeError",
        message: /^loop must be an event loop or null: got Object object/,
      });
    } finally {
      a.close();
      b.close();
    }
  });
});

Deno.test("setEventLoopPolicy(null) restores the default; a non-policy is refused", async () => {
  await withFreshPolicy(() => {
    const mine = new DefaultEventLoopPolicy();
    setEventLoopPolicy(mine);
    assert.equal(getEventLoopPolicy(), mine);
    assert.throws(() => setEventLoopPolicy(bad({ getEventLoop() {} })), {
      name: "TypeError",
      message: /^policy must be an AbstractEventLoopPolicy or null: got Object object/,
    });
    assert.equal(getEventLoopPolicy(), mine, "a refused policy changes nothing");
    setEventLoopPolicy(null);
    const restored = getEventLoopPolicy();
    assert.ok(restored instanceof DefaultEventLoopPolicy);
    assert.notEqual(restored, mine);
    assert.equal(getEventLoopPolicy(), restored);
  });
});

Deno.test("each DefaultEventLoopPolicy manages its own loop; the installed one's is the realm's", async () => {
  await withFreshPolicy(() => {
    const p1 = new DefaultEventLoopPolicy();
    const p2 = new DefaultEventLoopPolicy();
    const l1 = p1.getEventLoop();
    const l2 = p2.getEventLoop();
    try {
      assert.notEqual(l1, l2);
      assert.equal(p1.getEventLoop(), l1);
      assert.throws(() => p1.setEventLoop(bad(3)), TypeError);
      setEventLoopPolicy(p2);
      assert.equal(getEventLoop(), l2);
      assert.equal(new Future().getLoop(), l2, "outside a running loop: the realm's loop");
      setEventLoopPolicy(p1);
      assert.equal(new Future().getLoop(), l1);
      assert.equal(p2.getEventLoop(), l2, "a replaced policy keeps its loop");
    } finally {
      l1.close();
      l2.close();
    }
  });
});

Deno.test("setEventLoopPolicy() starts the realm afresh, as asyncio's new policy", async () => {
  await withFreshPolicy(() => {
    const before = getEventLoop();
    setEventLoop(null);
    assert.throws(() => getEventLoop(), RuntimeError, "after setEventLoop(null)");
    setEventLoopPolicy(new DefaultEventLoopPolicy());
    assert.throws(() => new Future(), RuntimeError, "no loop until one is made or set");
    const after = getEventLoop();
    try {
      assert.notEqual(after, before);
      assert.equal(new Future().getLoop(), after);
    } finally {
      before.close();
      after.close();
    }
  });
});

class TestLoopPolicy extends DefaultEventLoopPolicy {
  created = 0;
  override newEventLoop(): AbstractEventLoop {
    this.created++;
    return new TestLoop();
  }
}

Deno.test("a custom policy is used by the module functions", async (t) => {
  await t.step("a DefaultEventLoopPolicy subclass", async () => {
    await withFreshPolicy(async () => {
      const policy = new TestLoopPolicy();
      setEventLoopPolicy(policy);
      const current = getEventLoop();
      const fresh = newEventLoop();
      try {
        assert.ok(current instanceof TestLoop);
        assert.ok(fresh instanceof TestLoop);
        assert.equal(policy.created, 2);
        // run() takes its loop from the policy: virtual time here.
        const [kind, time] = await run(function* () {
          yield* sleep(3600);
          return [getRunningLoop().constructor.name, getRunningLoop().time()];
        }());
        assert.deepEqual([kind, time], ["TestLoop", 3600]);
        assert.equal(policy.created, 3);
      } finally {
        current.close();
        fresh.close();
      }
    });
  });
  await t.step("a direct AbstractEventLoopPolicy implementation", async () => {
    await withFreshPolicy(() => {
      class Fixed extends AbstractEventLoopPolicy {
        loop: AbstractEventLoop | null = null;
        getEventLoop(): AbstractEventLoop {
          return this.loop ??= this.newEventLoop();
        }
        setEventLoop(loop: AbstractEventLoop | null): void {
          this.loop = loop;
        }
        newEventLoop(): AbstractEventLoop {
          return new TestLoop({ start: 7 });
        }
      }
      setEventLoopPolicy(new Fixed());
      const loop = getEventLoop();
      try {
        assert.equal(loop.time(), 7);
        assert.equal(getEventLoop(), loop);
        // Futures created without a loop outside a running loop use the
        // realm's current loop, which only DefaultEventLoopPolicy keeps
        // (docs/differences.md): a policy of its own is not asked.
        assert.throws(() => new Future(), RuntimeError);
      } finally {
        loop.close();
      }
    });
  });
});

Deno.test("getEventLoop() inside a running loop returns the running loop", async () => {
  await withFreshPolicy(async () => {
    const current = newEventLoop();
    setEventLoop(current);
    const running = new TestLoop();
    try {
      const seen = await running.runUntilComplete(function* () {
        yield* sleep(1);
        return [getEventLoop(), new Future().getLoop()];
      }());
      assert.deepEqual(seen, [running, running]);
      assert.equal(getEventLoop(), current, "outside the run the policy's loop again");
      // From a plain callback too; the policy itself still answers with its own loop.
      let fromCallback: unknown[] = [];
      running.callSoon(() => {
        fromCallback = [getEventLoop(), getEventLoopPolicy().getEventLoop()];
        running.stop();
      });
      await running.runForever();
      assert.deepEqual(fromCallback, [running, current]);
    } finally {
      running.close();
      setEventLoop(null);
      current.close();
    }
  });
});

Deno.test("getRunningLoop() throws RuntimeError when no loop runs", async () => {
  assert.throws(() => getRunningLoop(), {
    name: "RuntimeError",
    message: "no running event loop",
  });
  using loop = new TestLoop();
  let inside: unknown = null;
  loop.callSoon(() => {
    inside = getRunningLoop();
    loop.stop();
  });
  await loop.runForever();
  assert.equal(inside, loop);
  assert.throws(() => getRunningLoop(), RuntimeError);
});

interface WorkerReport {
  policyClass: string;
  getEventLoop: string;
  getEventLoopAgain: string;
  newEventLoopClass: string;
  afterSetEventLoop: boolean;
  watcherAttached: boolean;
  getChildWatcher: boolean;
  run: string;
}

/** Starts tests/policy/_worker_policy.ts in a real Worker and returns its report. */
async function runPolicyWorker(): Promise<WorkerReport> {
  const worker = new Worker(new URL("./_worker_policy.ts", import.meta.url).href, {
    type: "module",
  });
  try {
    return await new Promise<WorkerReport>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<WorkerReport>) => resolve(e.data);
      worker.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        reject(new Error(`worker failed: ${e.message}`));
      };
    });
  } finally {
    worker.terminate();
  }
}

class MainRealmPolicy extends DefaultEventLoopPolicy {}

Deno.test("each Worker has its own policy state; getEventLoop() throws there until a loop is set", async () => {
  await withFreshPolicy(async () => {
    // The main realm's state, which the Worker must not see or touch.
    const mainPolicy = new MainRealmPolicy();
    setEventLoopPolicy(mainPolicy);
    const mainWatcher = new RecordingWatcher("main");
    mainPolicy.setChildWatcher(mainWatcher);
    const report = await runPolicyWorker();
    assert.equal(report.policyClass, "DefaultEventLoopPolicy");
    assert.match(
      report.getEventLoop,
      /^RuntimeError: There is no current event loop in this Worker/,
    );
    assert.match(report.getEventLoopAgain, /^RuntimeError: There is no current event loop/);
    assert.equal(report.newEventLoopClass, "SelectorEventLoop");
    assert.equal(report.afterSetEventLoop, true);
    assert.equal(report.watcherAttached, true);
    assert.equal(report.getChildWatcher, true);
    assert.equal(report.run, "ran in the worker");
    // The main realm's policy, watcher and on-demand loop are untouched.
    assert.equal(getEventLoopPolicy(), mainPolicy);
    assert.equal(mainPolicy.getChildWatcher(), mainWatcher);
    assert.deepEqual(mainWatcher.calls, []);
    const loop = getEventLoop();
    assert.ok(loop instanceof SelectorEventLoop);
    assert.deepEqual(mainWatcher.attached(), [loop]);
    loop.close();
  });
});
