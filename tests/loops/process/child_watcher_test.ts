// PromiseChildWatcher with real child processes: exit codes, signals,
// handlers added after the exit, removal, loops, and the policy's default.

import assert from "node:assert/strict";
import {
  AbstractChildWatcher,
  ChildProcessError,
  DefaultEventLoopPolicy,
  type Future,
  getRunningLoop,
  PromiseChildWatcher,
  SelectorEventLoop,
  sleep,
  waitFor,
} from "../../../mod.ts";
import { TestLoop } from "../../../loops/testing/mod.ts";
import { returncodeOf } from "../../../loops/process/child_watcher.ts";
import { bad, captureConsole, thrownBy, withLoop } from "../../_helpers.ts";

const unix = Deno.build.os !== "windows";

function spawn(cmd: string, ...args: string[]): Deno.ChildProcess {
  return new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).spawn();
}

type Report = [pid: number, returncode: number, ...extra: unknown[]];

/** A handler that settles `fut` with what it received, checking it runs as a loop callback. */
function recorder(loop: SelectorEventLoop | TestLoop, fut: Future<Report>) {
  return (pid: number, returncode: number, ...extra: unknown[]) => {
    assert.equal(getRunningLoop(), loop);
    fut.setResult([pid, returncode, ...extra]);
  };
}

Deno.test({
  name: "PromiseChildWatcher reports exit codes and signals as return codes",
  ignore: !unix,
  fn: async (t) => {
    const cases: [string, () => Deno.ChildProcess, number][] = [
      ["sleep 0.1 exits 0", () => spawn("sleep", "0.1"), 0],
      ['sh -c "exit 3"', () => spawn("sh", "-c", "exit 3"), 3],
      ["SIGTERM gives -15", () => {
        const child = spawn("sleep", "10");
        child.kill("SIGTERM");
        return child;
      }, -15],
      ["SIGKILL gives -9", () => {
        const child = spawn("sleep", "10");
        child.kill("SIGKILL");
        return child;
      }, -9],
    ];
    for (const [name, start, expected] of cases) {
      await t.step(name, async () => {
        await withLoop(() => new SelectorEventLoop(), async (loop) => {
          using watcher = new PromiseChildWatcher();
          watcher.attachLoop(loop);
          const child = start();
          const done = loop.createFuture<Report>();
          watcher.addChildHandler(child, recorder(loop, done), "extra", 7);
          assert.deepEqual(await loop.runUntilComplete(done), [child.pid, expected, "extra", 7]);
        });
      });
    }
  },
});

Deno.test({
  name: "PromiseChildWatcher.addChildHandler() after the exit schedules the callback",
  ignore: !unix,
  fn: async () => {
    await withLoop(() => new SelectorEventLoop(), async (loop) => {
      using watcher = new PromiseChildWatcher();
      watcher.attachLoop(loop);
      const child = spawn("sh", "-c", "exit 5");
      const pid = watcher.registerProcess(child);
      assert.equal(watcher.registerProcess(child), pid, "registering twice is harmless");
      await child.status;
      await new Promise((r) => setTimeout(r, 0)); // the watcher's own status callback
      const done = loop.createFuture<Report>();
      watcher.addChildHandler(pid, recorder(loop, done));
      assert.ok(!done.done(), "not called synchronously");
      assert.deepEqual(await loop.runUntilComplete(done), [pid, 5]);
      assert.throws(() => watcher.addChildHandler(pid, () => {}), ChildProcessError);
    });
  },
});

Deno.test({
  name: "PromiseChildWatcher.removeChildHandler() stops a callback",
  ignore: !unix,
  fn: async () => {
    await withLoop(() => new SelectorEventLoop(), async (loop) => {
      using watcher = new PromiseChildWatcher();
      watcher.attachLoop(loop);
      const child = spawn("sleep", "0.05");
      const calls: number[] = [];
      watcher.addChildHandler(child, (_pid, code) => calls.push(code));
      const replaced = loop.createFuture<Report>();
      watcher.addChildHandler(child.pid, recorder(loop, replaced), "second");
      assert.equal(watcher.removeChildHandler(child.pid), true);
      assert.equal(watcher.removeChildHandler(child.pid), false);
      assert.equal(watcher.removeChildHandler(12345678), false);
      await child.status;
      await loop.runUntilComplete(new Promise((r) => setTimeout(r, 20)));
      assert.deepEqual(calls, []);
      assert.ok(!replaced.done());
      // Still registered: a new handler gets the return code.
      const again = loop.createFuture<Report>();
      watcher.addChildHandler(child.pid, recorder(loop, again));
      assert.deepEqual(await loop.runUntilComplete(again), [child.pid, 0]);
    });
  },
});

Deno.test("PromiseChildWatcher rejects bad arguments and unknown pids", async () => {
  await withLoop(() => new SelectorEventLoop(), (loop) => {
    const watcher = new PromiseChildWatcher();
    assert.ok(watcher instanceof AbstractChildWatcher);
    watcher.attachLoop(loop);
    assert.throws(
      () => watcher.addChildHandler(1, bad<() => void>(null)),
      /^TypeError: callback must be/,
    );
    for (const pid of [0, -1, 1.5, "1", null]) {
      assert.throws(() => watcher.addChildHandler(bad(pid), () => {}), /pid must be a positive/);
      assert.throws(() => watcher.removeChildHandler(bad(pid)), TypeError);
    }
    const err = thrownBy(() => watcher.addChildHandler(Deno.pid, () => {}));
    assert.ok(err instanceof ChildProcessError);
    assert.equal(err.code, "ECHILD");
    assert.match(err.message, /^Unknown child process pid \d+/);
    assert.throws(() => watcher.registerProcess(bad({ pid: 1 })), /Deno\.ChildProcess/);
    assert.throws(() => watcher.attachLoop(bad({})), /loop must be an event loop or null/);
    watcher.close();
    watcher.close();
    assert.equal(watcher.isActive(), false);
    assert.throws(() => watcher.addChildHandler(1, () => {}), {
      name: "RuntimeError",
      message: "The child watcher is closed",
    });
  });
});

Deno.test({
  name: "PromiseChildWatcher delivers on the attached loop, else on the loop running at add time",
  ignore: !unix,
  fn: async () => {
    using watcher = new PromiseChildWatcher();
    const child = spawn("sleep", "0.05");
    watcher.registerProcess(child);
    assert.throws(() => watcher.addChildHandler(child.pid, () => {}), {
      name: "RuntimeError",
      message: /no loop attached and no loop is running/,
    });
    assert.equal(watcher.isActive(), false);
    await withLoop(() => new SelectorEventLoop(), async (loop) => {
      const done = loop.createFuture<Report>();
      await loop.runUntilComplete(function* () {
        yield* sleep(0);
        assert.equal(watcher.isActive(), true, "a loop is running");
        watcher.addChildHandler(child.pid, recorder(loop, done));
      }());
      assert.deepEqual(await loop.runUntilComplete(done), [child.pid, 0]);
    });
  },
});

Deno.test({
  name: "PromiseChildWatcher warns when the loop closed before the child exited",
  ignore: !unix,
  fn: async () => {
    const loop = new SelectorEventLoop();
    using watcher = new PromiseChildWatcher();
    watcher.attachLoop(loop);
    assert.equal(watcher.isActive(), true);
    const child = spawn("sleep", "0.05");
    watcher.addChildHandler(child, () => assert.fail("must not run"));
    loop.close();
    assert.equal(watcher.isActive(), false);
    const { calls } = await captureConsole("warn", async () => {
      await child.status;
      await new Promise((r) => setTimeout(r, 10));
    });
    assert.deepEqual(calls, [`Loop SelectorEventLoop that handles pid ${child.pid} is closed`]);
  },
});

Deno.test({
  name: "PromiseChildWatcher keeps a TestLoop from jumping past a running child",
  ignore: !unix,
  fn: async () => {
    await withLoop(() => new TestLoop(), async (loop) => {
      using watcher = new PromiseChildWatcher();
      watcher.attachLoop(loop);
      const done = loop.createFuture<Report>();
      const child = spawn("sleep", "0.2");
      watcher.addChildHandler(child, recorder(loop, done));
      const report = await loop.runUntilComplete(waitFor(done, 5));
      assert.deepEqual(report, [child.pid, 0]);
      assert.ok(loop.time() < 5, "virtual time did not jump to the timeout");
    });
  },
});

Deno.test({
  name: "DefaultEventLoopPolicy.getChildWatcher() creates a PromiseChildWatcher",
  ignore: !unix,
  fn: () => {
    const policy = new DefaultEventLoopPolicy();
    const watcher = policy.getChildWatcher();
    assert.ok(watcher instanceof PromiseChildWatcher);
    assert.equal(policy.getChildWatcher(), watcher);
    policy.setChildWatcher(null);
    assert.equal(watcher.isActive(), false, "replacing the watcher closed it");
  },
});

Deno.test("returncodeOf() maps Deno's status", () => {
  assert.equal(returncodeOf({ success: true, code: 0, signal: null }), 0);
  assert.equal(returncodeOf({ success: false, code: 1, signal: null }), 1);
  assert.equal(returncodeOf({ success: false, code: 137, signal: "SIGKILL" }), -9);
  assert.equal(returncodeOf({ success: false, code: 130, signal: "SIGINT" }), -2);
});

Deno.test("AbstractChildWatcher is an abstract interface with dispose", () => {
  let closed = 0;
  class Null extends AbstractChildWatcher {
    addChildHandler() {}
    removeChildHandler() {
      return false;
    }
    attachLoop() {}
    close() {
      closed++;
    }
    isActive() {
      return true;
    }
  }
  {
    using _w = new Null();
  }
  assert.equal(closed, 1);
});

Deno.test({
  name: "PromiseChildWatcher forgets the oldest exited children nobody asked about",
  ignore: !unix,
  fn: async () => {
    await withLoop(() => new SelectorEventLoop(), async (loop) => {
      using watcher = new PromiseChildWatcher({ maxUnclaimedExits: 2 });
      watcher.attachLoop(loop);
      const children = [spawn("true"), spawn("true"), spawn("true")];
      for (const child of children) {
        watcher.registerProcess(child);
        await child.status;
        await new Promise((r) => setTimeout(r, 0)); // the watcher's own status callback
      }
      assert.throws(() => watcher.addChildHandler(children[0].pid, () => {}), {
        name: "ChildProcessError",
      });
      const done = loop.createFuture<Report>();
      watcher.addChildHandler(children[2].pid, recorder(loop, done));
      assert.deepEqual(await loop.runUntilComplete(done), [children[2].pid, 0]);
    });
  },
});

Deno.test("PromiseChildWatcher refuses a bad maxUnclaimedExits", () => {
  assert.throws(() => new PromiseChildWatcher({ maxUnclaimedExits: -1 }), RangeError);
  assert.throws(() => new PromiseChildWatcher({ maxUnclaimedExits: 1.5 }), RangeError);
});
