// loop.subprocessExec()/subprocessShell() and the subprocess transport,
// with real processes: protocol order, pipes, stdio options, signals,
// close(), flow control of a flooding child, and cancellation.

import assert from "node:assert/strict";
import {
  BrokenPipeError,
  DEVNULL,
  ProcessLookupError,
  SelectorEventLoop,
  STDOUT,
} from "../../../mod.ts";
import { TestLoop } from "../../../loops/testing/mod.ts";
import { SubprocessProtocol, type SubprocessTransport } from "../../../loops/protocols_mod.ts";
import { ReadPipeTransport } from "../../../loops/process/read_pipe.ts";
import { WritePipeTransport } from "../../../loops/process/write_pipe.ts";
import {
  _getChildWatcherProvider,
  _setChildWatcherProvider,
} from "../../../loops/process/subprocess_spawn.ts";
import { bad, thrownBy, withLoop } from "../../_helpers.ts";
import { enc, onLoop, until } from "../net/_net.ts";
import { denoEval, ProcRecorder } from "./_subprocess.ts";

Deno.test("SelectorEventLoop.subprocessExec() calls the protocol in asyncio's order", async () => {
  await onLoop(function* (loop) {
    const [t, p] = yield* loop.subprocessExec(
      () => new ProcRecorder(loop),
      "sh",
      ["-c", "echo out; echo err >&2"],
    );
    assert.ok(p.made.done(), "the future resolves after connectionMade");
    assert.equal(p.transport, t);
    assert.equal(yield* p.lost, null);
    assert.deepEqual(p.events.filter((e) => e.startsWith("pipeLost")).sort(), [
      "pipeLost0",
      "pipeLost1",
      "pipeLost2",
    ]);
    assert.equal(p.events.at(-1), "lost");
    assert.equal(p.events.filter((e) => e === "exited").length, 1);
    assert.ok(p.events.indexOf("data1") < p.events.indexOf("pipeLost1"));
    assert.ok(p.events.indexOf("data2") < p.events.indexOf("pipeLost2"));
    assert.equal(p.text(1), "out\n");
    assert.equal(p.text(2), "err\n");
    assert.deepEqual(p.pipeErrors, [null, null, null]);
    assert.equal(t.getReturncode(), 0);
  });
});

Deno.test("SubprocessTransport gives the pid, the pipes and the Deno.ChildProcess", async () => {
  await onLoop(function* (loop) {
    const [t, p] = yield* loop.subprocessExec(() => new ProcRecorder(loop), "cat", []);
    const child = t.getExtraInfo("subprocess");
    assert.ok(child instanceof Deno.ChildProcess);
    assert.equal(t.getPid(), child.pid);
    assert.ok(t.getPipeTransport(0) instanceof WritePipeTransport);
    assert.ok(t.getPipeTransport(1) instanceof ReadPipeTransport);
    assert.ok(t.getPipeTransport(2) instanceof ReadPipeTransport);
    assert.equal(t.getPipeTransport(3), null);
    assert.equal(t.getReturncode(), null);
    assert.equal(t.getExtraInfo("nope", 7), 7);
    assert.match(String(t), /^<DenoSubprocessTransport pid=\d+ running stdin=/);
    const stdin = t.getPipeTransport(0)!;
    stdin.write(enc.encode("through cat"));
    stdin.close();
    yield* p.lost;
    assert.equal(p.text(1), "through cat");
    assert.equal(t.getReturncode(), 0);
    assert.ok(!t.isClosing(), "only close() makes it closing");
    assert.match(String(t), /returncode=0/);
  });
});

Deno.test("SelectorEventLoop.subprocessShell() runs /bin/sh -c and reports the exit code", async () => {
  await onLoop(function* (loop) {
    const [t, p] = yield* loop.subprocessShell(
      () => new ProcRecorder(loop),
      "printf '%s' \"$0\"; exit 3",
      { stdin: null, stderr: null },
    );
    yield* p.lost;
    assert.equal(p.text(1), "/bin/sh");
    assert.equal(t.getReturncode(), 3);
    assert.equal(t.getPipeTransport(0), null);
    assert.equal(t.getPipeTransport(2), null);
  });
});

Deno.test("SelectorEventLoop.subprocessExec() honours DEVNULL, inherit and stderr: STDOUT", async (t) => {
  await t.step("DEVNULL and inherit give no pipe transport", async () => {
    await onLoop(function* (loop) {
      const [tr, p] = yield* loop.subprocessExec(() => new ProcRecorder(loop), "echo", ["x"], {
        stdin: DEVNULL,
        stdout: DEVNULL,
        stderr: "inherit",
      });
      yield* p.lost;
      assert.deepEqual([0, 1, 2].map((fd) => tr.getPipeTransport(fd)), [null, null, null]);
      assert.deepEqual(p.events, ["made", "exited", "lost"]);
    });
  });
  await t.step("stderr: STDOUT delivers both streams as fd 1", async () => {
    await onLoop(function* (loop) {
      const [tr, p] = yield* loop.subprocessShell(
        () => new ProcRecorder(loop),
        "echo one; sleep 0.05; echo two >&2; sleep 0.05; echo three",
        { stdin: null, stderr: STDOUT },
      );
      assert.equal(tr.getPipeTransport(2), null);
      const fd1 = tr.getPipeTransport(1)!;
      assert.ok(fd1.isReading());
      yield* p.lost;
      assert.equal(p.text(1), "one\ntwo\nthree\n");
      assert.equal(p.chunks[2].length, 0);
      assert.equal(p.events.filter((e) => e === "pipeLost1").length, 1, "fd 1 is lost once");
      assert.ok(fd1.isClosing());
    });
  });
  await t.step("stderr: STDOUT with stdout inherited inherits stderr too", async () => {
    await onLoop(function* (loop) {
      const [tr, p] = yield* loop.subprocessExec(() => new ProcRecorder(loop), "true", [], {
        stdout: DEVNULL,
        stderr: STDOUT,
      });
      yield* p.lost;
      assert.equal(tr.getPipeTransport(1), null);
      assert.equal(tr.getPipeTransport(2), null);
    });
  });
});

Deno.test("SelectorEventLoop.subprocessExec() sets cwd and replaces the environment with env", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await onLoop(function* (loop) {
      const script = 'printf "%s|%s|%s" "$PWD" "$ONLY" "${HOME:-unset}"';
      const [, p] = yield* loop.subprocessExec(() => new ProcRecorder(loop), "/bin/sh", [
        "-c",
        script,
      ], { stdin: null, cwd: dir, env: { ONLY: "yes" } });
      yield* p.lost;
      assert.equal(p.text(1), `${dir}|yes|unset`);
      const [, q] = yield* loop.subprocessExec(() => new ProcRecorder(loop), "/bin/sh", [
        "-c",
        script,
      ], { stdin: null, env: { ONLY: "added" }, clearEnv: false });
      yield* q.lost;
      assert.equal(q.text(1).split("|")[1], "added");
      assert.notEqual(q.text(1).split("|")[2], "unset", "clearEnv: false keeps the parent's");
    });
  } finally {
    await Deno.remove(dir);
  }
});

Deno.test("SubprocessTransport.terminate(), kill() and sendSignal() signal the child", async (t) => {
  for (
    const [name, act, code] of [
      ["terminate", (tr: ProcRecorder["transport"]) => tr!.terminate(), -15],
      ["kill", (tr: ProcRecorder["transport"]) => tr!.kill(), -9],
      ["sendSignal", (tr: ProcRecorder["transport"]) => tr!.sendSignal("SIGUSR1"), -10],
    ] as const
  ) {
    await t.step(name, async () => {
      await onLoop(function* (loop) {
        const [tr, p] = yield* loop.subprocessExec(() => new ProcRecorder(loop), "sleep", ["30"]);
        act(tr);
        yield* p.lost;
        assert.equal(tr.getReturncode(), code);
        const e = thrownBy(() => tr.kill());
        assert.ok(e instanceof ProcessLookupError, String(e));
        assert.equal(e.code, "ESRCH");
      });
    });
  }
  await t.step("a trapped signal runs the child's handler", async () => {
    await onLoop(function* (loop) {
      const [tr, p] = yield* loop.subprocessShell(
        () => new ProcRecorder(loop),
        "trap 'echo got; exit 0' USR2; echo ready; while :; do sleep 0.01; done",
        { stdin: null },
      );
      yield* until(() => p.text(1) === "ready\n", "the trap to be set");
      tr.sendSignal("SIGUSR2");
      yield* p.lost;
      assert.equal(p.text(1), "ready\ngot\n");
      assert.equal(tr.getReturncode(), 0);
    });
  });
  await t.step("bad signals are rejected before anything is sent", async () => {
    await onLoop(function* (loop) {
      const [tr, p] = yield* loop.subprocessExec(() => new ProcRecorder(loop), "sleep", ["30"]);
      assert.throws(() => tr.sendSignal(bad("SIGNOPE")), TypeError);
      assert.throws(() => tr.sendSignal(bad(15)), /use "SIGTERM"/);
      assert.equal(tr.getReturncode(), null);
      tr.kill();
      yield* p.lost;
    });
  });
});

Deno.test("SubprocessTransport signals after the exit but before the end do nothing", async () => {
  await onLoop(function* (loop) {
    // The child exits at once but a grandchild keeps stdout open for a while.
    const [tr, p] = yield* loop.subprocessShell(() => new ProcRecorder(loop), "sleep 0.3 &", {
      stdin: null,
      stderr: null,
    });
    yield* p.exited;
    assert.equal(tr.getReturncode(), 0);
    tr.kill(); // exited: nothing to signal, no error
    assert.ok(!p.lost.done());
    yield* p.lost;
    assert.throws(() => tr.kill(), ProcessLookupError);
  });
});

Deno.test("SubprocessTransport.close() closes the pipes and kills a running child", async () => {
  await onLoop(function* (loop) {
    const [tr, p] = yield* loop.subprocessExec(() => new ProcRecorder(loop), "sleep", ["30"]);
    tr.close();
    assert.ok(tr.isClosing());
    tr.close(); // idempotent
    assert.equal(yield* p.lost, null);
    assert.equal(tr.getReturncode(), -9);
    assert.deepEqual(p.pipeErrors.map((e) => e === null || e instanceof BrokenPipeError), [
      true,
      true,
      true,
    ]);
  });
});

Deno.test("SubprocessTransport: a flooding child is not read while the pipe is paused", async () => {
  const total = 32 * 1024 * 1024;
  await onLoop(function* (loop) {
    let paused = false;
    class Pausing extends ProcRecorder {
      override pipeDataReceived(fd: number, data: Uint8Array): void {
        super.pipeDataReceived(fd, data);
        if (!paused && this.received(1) >= 256 * 1024) {
          paused = true;
          this.transport!.getPipeTransport(1)!.pauseReading();
        }
      }
    }
    const [tr, p] = yield* loop.subprocessExec(() => new Pausing(loop), "head", [
      "-c",
      String(total),
      "/dev/zero",
    ], { stdin: null });
    yield* until(() => paused, "the pipe to be paused");
    const atPause = p.received(1);
    const start = loop.time();
    yield* until(() => loop.time() - start > 0.3, "time to pass");
    assert.ok(p.received(1) <= atPause + 64 * 1024, `read ${p.received(1) - atPause} more bytes`);
    assert.equal(tr.getReturncode(), null, "head is blocked on the full pipe");
    assert.equal(p.events.includes("exited"), false);
    tr.getPipeTransport(1)!.resumeReading();
    yield* p.lost;
    assert.equal(p.received(1), total);
    assert.equal(tr.getReturncode(), 0);
  });
});

Deno.test("SubprocessTransport: killing a child that is being written to ends cleanly", async () => {
  await onLoop(function* (loop, exceptions) {
    const [tr, p] = yield* loop.subprocessExec(() => new ProcRecorder(loop), "sleep", ["30"]);
    const stdin = tr.getPipeTransport(0)!;
    stdin.write(new Uint8Array(1024 * 1024)); // far more than the pipe holds: a write blocks
    yield* until(() => stdin.getWriteBufferSize() < 1024 * 1024, "the first write to start");
    tr.kill();
    assert.equal(yield* p.lost, null);
    assert.ok(p.pipeErrors[0] instanceof BrokenPipeError, String(p.pipeErrors[0]));
    assert.equal(tr.getReturncode(), -9);
    assert.equal(p.events.filter((e) => e === "lost").length, 1);
    stdin.write(enc.encode("dropped")); // after the loss: dropped silently
    exceptions.assertNone();
  });
});

Deno.test("SubprocessTransport: an idle stdin is closed when the child exits", async () => {
  await onLoop(function* (loop) {
    const [tr, p] = yield* loop.subprocessExec(() => new ProcRecorder(loop), "true", []);
    yield* p.lost;
    assert.equal(p.pipeErrors[0], null);
    assert.ok((tr.getPipeTransport(0)!).isClosing());
  });
});

Deno.test("SubprocessTransport: an exception in a protocol callback is reported, and it goes on", async (t) => {
  await t.step(
    "pipeDataReceived() throws: every chunk still arrives, the child is not killed",
    async () => {
      await onLoop(function* (loop, exceptions) {
        class Throws extends ProcRecorder {
          override pipeDataReceived(fd: number, data: Uint8Array): void {
            super.pipeDataReceived(fd, data);
            throw new Error("boom");
          }
        }
        const [tr, p] = yield* loop.subprocessShell(
          () => new Throws(loop),
          "echo one; sleep 0.05; echo two; exit 4",
          { stdin: null },
        );
        yield* p.lost;
        const reports = exceptions.take();
        assert.ok(reports.length >= 2, "one report per chunk");
        const [ctx] = reports;
        assert.equal(ctx.message, "Exception in protocol.pipeDataReceived()");
        assert.equal((ctx.exception as Error).message, "boom");
        assert.equal(ctx.transport, tr);
        assert.equal(ctx.protocol, p);
        assert.equal(p.text(1), "one\ntwo\n");
        assert.ok(!tr.isClosing(), "asyncio only reports it");
        assert.equal(tr.getReturncode(), 4, "the child ran to its end");
      });
    },
  );
  await t.step(
    "connectionMade() and processExited() throw: the protocol is still driven",
    async () => {
      await onLoop(function* (loop, exceptions) {
        class Throws extends ProcRecorder {
          override connectionMade(tr: SubprocessTransport): void {
            super.connectionMade(tr);
            throw new Error("made");
          }
          override processExited(): void {
            super.processExited();
            throw new Error("exited");
          }
        }
        const [tr, p] = yield* loop.subprocessExec(() => new Throws(loop), "echo", ["hi"], {
          stdin: null,
        });
        assert.equal(yield* p.lost, null);
        assert.deepEqual(exceptions.take().map((c) => (c.exception as Error).message), [
          "made",
          "exited",
        ]);
        assert.equal(p.text(1), "hi\n");
        assert.equal(tr.getReturncode(), 0);
      });
    },
  );
});

Deno.test("SelectorEventLoop.subprocessExec() cancelled while starting kills the child", async () => {
  await onLoop(function* (loop) {
    let protocol: ProcRecorder | null = null;
    const fut = loop.subprocessExec(() => protocol = new ProcRecorder(loop), "sleep", ["30"]);
    yield; // the task spawns the child and waits for connectionMade
    assert.ok(protocol !== null, "spawned");
    fut.cancel();
    yield* until(() => fut.done(), "the cancellation to finish");
    assert.ok(fut.cancelled());
    const p = protocol as ProcRecorder;
    assert.ok(p.lost.done(), "the child's end was awaited");
    assert.equal(p.transport!.getReturncode(), -9);
  });
});

Deno.test("SelectorEventLoop.subprocessExec() works from an async function and on TestLoop", async (t) => {
  await t.step("async function", async () => {
    await withLoop(() => new SelectorEventLoop(), async (loop) => {
      await loop.runUntilComplete((async () => {
        const [tr, p] = await loop.subprocessExec(() => new ProcRecorder(loop), "echo", ["hi"]);
        await p.lost;
        assert.equal(p.text(1), "hi\n");
        assert.equal(tr.getReturncode(), 0);
      })());
    });
  });
  await t.step("TestLoop waits for a running child before jumping time", async () => {
    // No pipe and no child watcher: only the transport's own wait for the exit counts.
    const provider = _getChildWatcherProvider();
    _setChildWatcherProvider(null);
    try {
      await withLoop(() => new TestLoop(), async (loop) => {
        await loop.runUntilComplete(function* () {
          const [tr, p] = yield* loop.subprocessExec(() => new ProcRecorder(loop), "sleep", [
            "0.2",
          ], { stdin: null, stdout: null, stderr: null });
          const exitedAtTimer = loop.createFuture<boolean>();
          loop.callLater(60, () => exitedAtTimer.setResult(p.exited.done()));
          assert.equal(yield* exitedAtTimer, true, "time jumped while the child ran");
          yield* p.lost;
          assert.equal(tr.getReturncode(), 0);
        }());
      });
    } finally {
      _setChildWatcherProvider(provider);
    }
  });
});

Deno.test("SubprocessTransport: a plain SubprocessProtocol needs no overrides", async () => {
  await onLoop(function* (loop) {
    const [tr] = yield* loop.subprocessExec(() => new SubprocessProtocol(), "echo", ["ignored"]);
    const code = loop.createFuture<number>();
    const poll = () => {
      if (tr.getReturncode() === null) loop.callLater(0.005, poll);
      else code.setResult(tr.getReturncode()!);
    };
    poll();
    assert.equal(yield* code, 0);
    yield* until(() => tr.getPipeTransport(1)!.isClosing(), "stdout to close");
  });
});

Deno.test("SelectorEventLoop.subprocessExec() runs a Deno script (Deno.execPath())", async () => {
  await onLoop(function* (loop) {
    const [program, args] = denoEval(
      "const t = await new Response(Deno.stdin.readable).text();" +
        "console.log(t.toUpperCase()); console.error('note'); Deno.exit(7);",
    );
    const [tr, p] = yield* loop.subprocessExec(() => new ProcRecorder(loop), program, args);
    const stdin = tr.getPipeTransport(0)!;
    stdin.write(enc.encode("shout"));
    stdin.writeEof();
    yield* p.lost;
    assert.equal(p.text(1), "SHOUT\n");
    assert.equal(p.text(2), "note\n");
    assert.equal(tr.getReturncode(), 7);
  });
});

Deno.test("SubprocessTransport: a child that exits after the loop closed is noted quietly", async () => {
  // Without the policy's watcher, which would warn that the child's loop is closed (as asyncio).
  const provider = _getChildWatcherProvider();
  _setChildWatcherProvider(null);
  try {
    const loop = new SelectorEventLoop();
    const p = new ProcRecorder(loop);
    const [tr] = await loop.runUntilComplete(
      loop.subprocessExec(() => p, "sleep", ["0.05"], { stdin: null, stdout: null, stderr: null }),
    );
    loop.close();
    await tr.getExtraInfo("subprocess").status;
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(tr.getReturncode(), 0);
    assert.deepEqual(p.events, ["made"], "no callback after the loop closed");
    assert.throws(() => tr.kill(), ProcessLookupError, "the transport finished");
  } finally {
    _setChildWatcherProvider(provider);
  }
});

Deno.test({
  name: "SelectorEventLoop.subprocessExec() runs the child as another user and group",
  ignore: Deno.uid() !== 0, // only root may switch to another user
  fn: async () => {
    await onLoop(function* (loop) {
      const [tr, p] = yield* loop.subprocessShell(() => new ProcRecorder(loop), "id -u; id -g", {
        stdin: null,
        user: 65534,
        group: 65534,
      });
      yield* p.lost;
      assert.equal(tr.getReturncode(), 0);
      assert.equal(p.text(1), "65534\n65534\n");
    });
  },
});
