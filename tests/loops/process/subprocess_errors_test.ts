// Errors of loop.subprocessExec()/subprocessShell() (bad arguments, missing
// programs and permissions, options Deno cannot honour), the platform
// matrix (nothing is spawned where it refuses), and the registration of
// children with the policy's child watcher.

import assert from "node:assert/strict";
import {
  DefaultEventLoopPolicy,
  DEVNULL,
  FileNotFoundError,
  NotImplementedError,
  PermissionError,
  PIPE,
  ProactorEventLoop,
  PromiseChildWatcher,
  SelectorEventLoop,
  setEventLoopPolicy,
  STDOUT,
  type SubprocessOptions,
  wrapFuture,
} from "../../../mod.ts";
import { SubprocessProtocol } from "../../../loops/protocols_mod.ts";
import { simulatePlatform } from "../../../platform/mod.ts";
import { planShell } from "../../../loops/process/subprocess_options.ts";
import { bad, thrownBy, withLoop } from "../../_helpers.ts";
import { onLoop } from "../net/_net.ts";
import { RecordingWatcher } from "../../policy/_recording_watcher.ts";
import { ProcRecorder } from "./_subprocess.ts";

/** A protocol factory that counts its calls (a call means a spawn was attempted). */
function counted(): { calls: number; factory: () => SubprocessProtocol } {
  const state = {
    calls: 0,
    factory: () => {
      state.calls++;
      return new SubprocessProtocol();
    },
  };
  return state;
}

Deno.test("SelectorEventLoop.subprocessExec() fails with FileNotFoundError for a missing program", async () => {
  await onLoop(function* (loop) {
    for (const program of ["no-such-program-xyz", "/no/such/dir/prog"]) {
      try {
        yield* loop.subprocessExec(() => new SubprocessProtocol(), program, []);
        assert.fail("spawned");
      } catch (e) {
        assert.ok(e instanceof FileNotFoundError, String(e));
        assert.ok(e.message.includes(program), e.message);
        assert.equal(e.filename, program);
        assert.equal(e.code, "ENOENT");
        assert.ok(e.cause instanceof Deno.errors.NotFound);
      }
    }
    try {
      yield* loop.subprocessExec(() => new SubprocessProtocol(), "true", [], { cwd: "/no/such" });
      assert.fail("spawned");
    } catch (e) {
      assert.ok(e instanceof FileNotFoundError, String(e));
    }
  });
});

Deno.test("SelectorEventLoop.subprocessExec() fails with PermissionError for a file it cannot run", async () => {
  const file = await Deno.makeTempFile();
  try {
    await onLoop(function* (loop) {
      try {
        yield* loop.subprocessExec(() => new SubprocessProtocol(), file, []);
        assert.fail("spawned");
      } catch (e) {
        assert.ok(e instanceof PermissionError, String(e));
        assert.equal(e.code, "EACCES");
      }
    });
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("Subprocesses without --allow-run fail with PermissionError naming the flag", async () => {
  const child = new URL("./_no_run_child.ts", import.meta.url).pathname;
  const root = new URL("../../../", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", `--allow-read=${root}`, child],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const lines = text.trim().split("\n");
  assert.equal(lines.length, 2, text);
  for (const line of lines) {
    assert.match(line, /^PermissionError: /);
    assert.match(line, /--allow-run/);
  }
});

Deno.test("SelectorEventLoop.subprocessExec() rejects bad arguments synchronously, spawning nothing", async () => {
  await withLoop(() => new SelectorEventLoop(), (loop) => {
    const c = counted();
    const exec = (program: unknown, args: unknown, options?: unknown) =>
      thrownBy(() => loop.subprocessExec(c.factory, bad(program), bad(args), bad(options)));
    const cases: [unknown, new (...a: never[]) => Error, RegExp][] = [
      [thrownBy(() => loop.subprocessExec(bad(null), "true")), TypeError, /protocolFactory/],
      [exec(42, []), TypeError, /program must be/],
      [exec("", []), TypeError, /program must be/],
      [exec("echo", "hi"), TypeError, /args must be an array/],
      [exec("echo", ["a", 2]), TypeError, /args\[1\] must be a string or a file URL: got number 2/],
      [exec("echo", [new URL("data:,x")]), TypeError, /args\[0\] must be a file URL: got a data:/],
      [exec(new URL("http://h/x"), []), TypeError, /program must be a file URL: got a http:/],
      [exec("echo", ["a\0b"]), RangeError, /args\[0\]: embedded null byte/],
      [exec("ec\0ho", []), RangeError, /program: embedded null byte/],
      [exec("echo", [], null), TypeError, /options must be an object/],
      [exec("echo", [], { stdio: PIPE }), TypeError, /Unknown subprocess option: stdio/],
      [exec("echo", [], { stdin: "pipe" }), TypeError, /options.stdin must be PIPE/],
      [exec("echo", [], { stdout: STDOUT }), RangeError, /only stderr can/],
      [exec("echo", [], { stdout: 1 }), NotImplementedError, /file or descriptor/],
      [exec("echo", [], { stdin: Deno.stdin }), NotImplementedError, /options.stdin/],
      [exec("echo", [], { env: { A: 1 } }), TypeError, /options.env.A must be a string/],
      [exec("echo", [], { env: { "A=B": "x" } }), RangeError, /illegal environment variable name/],
      [exec("echo", [], { env: { A: "x\0" } }), RangeError, /options.env.A: embedded null/],
      [exec("echo", [], { cwd: 5 }), TypeError, /options.cwd/],
      [exec("echo", [], { cwd: new URL("https://h/") }), TypeError, /options.cwd must be a file/],
      [exec("echo", [], { clearEnv: "yes" }), TypeError, /options.clearEnv/],
      [exec("echo", [], { user: -1 }), RangeError, /options.user cannot be negative/],
      [exec("echo", [], { group: 1.5 }), TypeError, /options.group must be an integer/],
      [exec("echo", [], { shell: true }), RangeError, /shell must be false/],
      [exec("echo", [], { text: true }), RangeError, /options.text must be false/],
      [exec("echo", [], { universalNewlines: true }), RangeError, /universalNewlines/],
      [exec("echo", [], { bufsize: 1 }), RangeError, /bufsize must be 0/],
      [exec("echo", [], { encoding: "utf-8" }), RangeError, /encoding must be null/],
      [exec("echo", [], { errors: "strict" }), RangeError, /errors must be null/],
      // asyncio: ValueError("cmd must be a string")
      [thrownBy(() => loop.subprocessShell(c.factory, bad(["ls"]))), RangeError, /cmd must be/],
      [thrownBy(() => loop.subprocessShell(c.factory, "ls", { shell: false })), RangeError, /true/],
    ];
    for (const [e, cls, pattern] of cases) {
      assert.ok(e instanceof cls, `${String(e)} is not a ${cls.name}`);
      assert.match((e as Error).message, pattern);
    }
    assert.equal(c.calls, 0, "nothing was spawned");
  });
});

Deno.test("SelectorEventLoop.subprocessExec() refuses Popen options Deno cannot honour", async () => {
  await withLoop(() => new SelectorEventLoop(), (loop) => {
    const c = counted();
    const unsupported: [SubprocessOptions, string][] = [
      [{ preexecFn: () => {} }, "preexecFn"],
      [{ closeFds: false }, "closeFds"],
      [{ passFds: [3] }, "passFds"],
      [{ startNewSession: true }, "startNewSession"],
      [{ processGroup: 0 }, "processGroup"],
      [{ executable: "/bin/ls" }, "executable"],
      [{ restoreSignals: false }, "restoreSignals"],
      [{ extraGroups: [1] }, "extraGroups"],
      [{ umask: 0o22 }, "umask"],
      [{ creationflags: 8 }, "creationflags"],
      [{ startupinfo: {} }, "startupinfo"],
      [{ pipesize: 1 << 20 }, "pipesize"],
    ];
    for (const [options, name] of unsupported) {
      const e = thrownBy(() => loop.subprocessExec(c.factory, "true", [], options));
      assert.ok(e instanceof NotImplementedError, `${name}: ${e}`);
      assert.match(e.message, new RegExp(`^options.${name}: Deno`));
    }
    // Their asyncio defaults are accepted.
    const defaults: SubprocessOptions = {
      closeFds: true,
      passFds: [],
      startNewSession: false,
      restoreSignals: true,
      umask: -1,
      bufsize: 0,
      text: false,
      universalNewlines: false,
      encoding: null,
      errors: null,
      shell: false,
      stdin: DEVNULL,
      stdout: DEVNULL,
      stderr: DEVNULL,
    };
    const fut = loop.subprocessExec(c.factory, "true", [], defaults);
    return loop.runUntilComplete(fut).then(([t]) => {
      assert.equal(c.calls, 1);
      t.close();
      return loop.runUntilComplete((t as unknown as { _wait(): PromiseLike<number> })._wait());
    });
  });
});

Deno.test("SelectorEventLoop on Windows refuses subprocesses before spawning anything", async () => {
  const dir = await Deno.makeTempDir();
  const marker = `${dir}/spawned`;
  try {
    for (const feature of ["subprocessExec", "subprocessShell"] as const) {
      await withLoop(
        () => new SelectorEventLoop({ platform: simulatePlatform("windows") }),
        (loop) => {
          const c = counted();
          assert.equal(loop.supports(feature), false);
          const e = thrownBy(() =>
            feature === "subprocessExec"
              ? loop.subprocessExec(c.factory, "touch", [marker])
              : loop.subprocessShell(c.factory, `touch ${marker}`)
          );
          assert.ok(e instanceof NotImplementedError, String(e));
          assert.equal(e.feature, feature);
          assert.equal(e.os, "windows");
          assert.equal(e.loop, "selector");
          // The matrix comes first: bad arguments get the same answer.
          assert.throws(() => loop.subprocessExec(bad(null), bad(1)), NotImplementedError);
          assert.equal(c.calls, 0);
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.throws(() => Deno.statSync(marker), Deno.errors.NotFound, "a child ran");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const proactor = new ProactorEventLoop({ platform: simulatePlatform("windows") });
  assert.ok(proactor.supports("subprocessExec") && proactor.supports("subprocessShell"));
  proactor.close();
});

Deno.test("subprocessShell's plan: /bin/sh -c on Unix, cmd.exe /d /s /c on Windows", () => {
  const unix = planShell("echo hi", { stdin: null }, false);
  assert.equal(unix.program, "/bin/sh");
  assert.deepEqual(unix.command.args, ["-c", "echo hi"]);
  assert.equal(unix.command.stdin, "inherit");
  assert.equal(unix.command.stdout, "piped");
  const windows = planShell("dir C:\\", { stderr: STDOUT }, true);
  assert.match(String(windows.program), /cmd\.exe$/i);
  assert.deepEqual(windows.command.args, ["/d", "/s", "/c", '"dir C:\\"']);
  assert.equal(windows.command.windowsRawArguments, true);
  assert.equal(windows.mergeStderr, true);
  assert.equal(windows.command.clearEnv, false);
});

/** Runs `sh -c "sleep 0.05; exit 5"` under `policy`; `onSpawn(pid)` is awaited after its end. */
async function spawnUnder(
  policy: DefaultEventLoopPolicy,
  onSpawn: (pid: number) => Promise<void> | void,
): Promise<void> {
  setEventLoopPolicy(policy);
  try {
    await onLoop(function* (loop) {
      const [tr, p] = yield* loop.subprocessExec(() => new ProcRecorder(loop), "sh", [
        "-c",
        "sleep 0.05; exit 5",
      ], { stdin: null });
      const checked = onSpawn(tr.getPid());
      yield* p.lost;
      assert.equal(tr.getReturncode(), 5);
      yield* wrapFuture(Promise.resolve(checked));
    });
  } finally {
    setEventLoopPolicy(null);
  }
}

Deno.test("Spawned children are registered with the policy's child watcher", async (t) => {
  await t.step("a watcher set on the policy is told about each child", async () => {
    const policy = new DefaultEventLoopPolicy();
    const watcher = new RecordingWatcher();
    policy.setChildWatcher(watcher);
    await spawnUnder(policy, (pid) => {
      assert.ok(watcher.calls.some((c) => c.method === "addChildHandler" && c.pid === pid));
    });
  });
  await t.step("the default watcher knows the child and reports its return code", async () => {
    const policy = new DefaultEventLoopPolicy();
    const watcher = policy.getChildWatcher();
    assert.ok(watcher instanceof PromiseChildWatcher);
    await spawnUnder(policy, async (pid) => {
      const code = Promise.withResolvers<number>();
      watcher.addChildHandler(pid, (_pid, returncode) => code.resolve(returncode));
      assert.equal(await code.promise, 5);
    });
    watcher.close();
  });
  await t.step("no watcher (a policy on Windows): spawning does not depend on it", async () => {
    const policy = new DefaultEventLoopPolicy({ platform: simulatePlatform("windows") });
    await spawnUnder(policy, () => {});
  });
  await t.step("a failing watcher is reported, and the child still runs", async () => {
    const policy = new DefaultEventLoopPolicy();
    const watcher = new RecordingWatcher();
    watcher.addChildHandler = () => {
      throw new Error("watcher broke");
    };
    policy.setChildWatcher(watcher);
    setEventLoopPolicy(policy);
    try {
      await onLoop(function* (loop, exceptions) {
        const [tr, p] = yield* loop.subprocessExec(() => new ProcRecorder(loop), "true", []);
        yield* p.lost;
        assert.equal(tr.getReturncode(), 0);
        const [ctx] = exceptions.take();
        assert.match(ctx.message, /child watcher failed to register process \d+/);
        assert.equal((ctx.exception as Error).message, "watcher broke");
      });
    } finally {
      setEventLoopPolicy(null);
    }
  });
});
