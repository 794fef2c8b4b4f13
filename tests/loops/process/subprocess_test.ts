// createSubprocessExec/createSubprocessShell and Process with real
// processes, from generator coroutines and from async functions.

import assert from "node:assert/strict";
import {
  BrokenPipeError,
  CancelledError,
  ConnectionResetError,
  type Coroutine,
  createSubprocessExec,
  createSubprocessShell,
  createTask,
  DefaultEventLoopPolicy,
  DEVNULL,
  getRunningLoop,
  PIPE,
  Process,
  ProcessLookupError,
  run,
  RuntimeError,
  type SelectorEventLoop,
  setEventLoopPolicy,
  STDOUT,
  StreamReader,
  StreamWriter,
  wrapFuture,
} from "../../../mod.ts";
import { bad, watchExceptions } from "../../_helpers.ts";
import { dec, enc, until } from "../net/_net.ts";
import { denoEval } from "./_subprocess.ts";
import { RecordingWatcher } from "../../policy/_recording_watcher.ts";

/** Runs `main` with `run()`; the loop's exception handler must stay silent. */
function runWatched<T>(main: () => Coroutine<T> | Promise<T>): Promise<T> {
  return run(function* () {
    const exceptions = watchExceptions(getRunningLoop() as SelectorEventLoop);
    const x = main();
    const result = x instanceof Promise ? yield* wrapFuture(x) : yield* x;
    exceptions.assertNone();
    return result;
  }());
}

Deno.test("createSubprocessExec() gives a Process with stream pipes (coroutine)", async () => {
  await runWatched(function* () {
    const proc = yield* createSubprocessExec("sh", "-c", "read x; echo got $x; echo e >&2", {
      stdin: PIPE,
      stdout: PIPE,
      stderr: PIPE,
    });
    assert.ok(proc instanceof Process);
    assert.ok(proc.stdin instanceof StreamWriter);
    assert.ok(proc.stdout instanceof StreamReader && proc.stderr instanceof StreamReader);
    assert.ok(Number.isInteger(proc.pid) && proc.pid > 0);
    assert.equal(String(proc), `<Process ${proc.pid}>`);
    assert.equal(proc.returncode, null);
    proc.stdin!.write(enc.encode("ping\n"));
    yield* proc.stdin!.drain();
    assert.equal(dec.decode(yield* proc.stdout!.readline()), "got ping\n");
    assert.equal(dec.decode(yield* proc.stderr!.read()), "e\n");
    assert.equal(yield* proc.wait(), 0);
    assert.equal(proc.returncode, 0);
    assert.equal((yield* proc.stdout!.read()).length, 0, "stdout at EOF");
  });
});

Deno.test("createSubprocessExec() works from an async function", async () => {
  const out = await runWatched(async () => {
    const proc = await createSubprocessExec("echo", "from", "async", { stdout: PIPE });
    const [stdout, stderr] = await proc.communicate();
    assert.equal(stderr, null);
    assert.equal(await proc.wait(), 0);
    return dec.decode(stdout!);
  });
  assert.equal(out, "from async\n");
});

Deno.test("createSubprocessExec() inherits the streams by default", async () => {
  await runWatched(async () => {
    const proc = await createSubprocessExec("true");
    assert.equal(proc.stdin, null);
    assert.equal(proc.stdout, null);
    assert.equal(proc.stderr, null);
    assert.deepEqual(await proc.communicate(enc.encode("ignored")), [null, null]);
    assert.equal(proc.returncode, 0);
  });
});

Deno.test("Process.communicate() moves 10 MB through cat without deadlock", async () => {
  const input = new Uint8Array(10 * 1024 * 1024);
  for (let i = 0; i < input.length; i++) input[i] = (i * 7 + (i >> 12)) & 0xff;
  await runWatched(function* () {
    const proc = yield* createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE });
    const [stdout, stderr] = yield* proc.communicate(input);
    assert.equal(stderr, null);
    assert.equal(stdout!.length, input.length);
    assert.ok(stdout!.every((b, i) => b === input[i]), "the bytes came back unchanged");
    assert.equal(proc.returncode, 0);
  });
});

Deno.test("Process.communicate() ignores a child that exits without reading its input", async () => {
  await runWatched(function* () {
    const proc = yield* createSubprocessExec("sh", "-c", "echo early", {
      stdin: PIPE,
      stdout: PIPE,
    });
    const [stdout] = yield* proc.communicate(new Uint8Array(4 * 1024 * 1024));
    assert.equal(dec.decode(stdout!), "early\n");
    assert.equal(proc.returncode, 0);
  });
});

Deno.test("Process.communicate() collects stderr merged into stdout with STDOUT", async () => {
  await runWatched(async () => {
    const proc = await createSubprocessShell("echo a; echo b >&2; exit 2", {
      stdout: PIPE,
      stderr: STDOUT,
    });
    assert.equal(proc.stderr, null);
    const [stdout, stderr] = await proc.communicate();
    assert.deepEqual(dec.decode(stdout!).split("\n").sort(), ["", "a", "b"]);
    assert.equal(stderr, null);
    assert.equal(proc.returncode, 2);
  });
});

Deno.test("Process stdout pauses the child at the reader's limit while nobody reads", async () => {
  const total = 20 * 1024 * 1024;
  const limit = 64 * 1024;
  await runWatched(function* () {
    const proc = yield* createSubprocessExec("head", "-c", String(total), "/dev/zero", {
      stdout: PIPE,
      limit,
    });
    const buffered = () => Number(/(\d+) bytes/.exec(String(proc.stdout))?.[1] ?? 0);
    yield* until(() => String(proc.stdout).includes("paused"), "the reader to pause");
    const loop = getRunningLoop();
    const start = loop.time();
    yield* until(() => loop.time() - start > 0.3, "time to pass");
    assert.ok(buffered() <= 2 * limit + 64 * 1024, `buffered ${buffered()} bytes`);
    assert.equal(proc.returncode, null, "head waits on the full pipe");
    let received = 0;
    for (;;) {
      const chunk = yield* proc.stdout!.read(1024 * 1024);
      if (chunk.length === 0) break;
      received += chunk.length;
    }
    assert.equal(received, total);
    assert.equal(yield* proc.wait(), 0);
  });
});

Deno.test("Process.terminate(), kill() and sendSignal() set negative return codes", async () => {
  await runWatched(function* () {
    const results: number[] = [];
    for (const act of ["terminate", "kill", "sendSignal"] as const) {
      const proc = yield* createSubprocessExec("sleep", "30");
      if (act === "sendSignal") proc.sendSignal("SIGINT");
      else proc[act]();
      results.push(yield* proc.wait());
      assert.throws(() => proc.kill(), ProcessLookupError, "signal after wait()");
    }
    assert.deepEqual(results, [-15, -9, -2]);
  });
});

Deno.test("Process: killing a child while writing to it ends cleanly", async () => {
  await runWatched(function* () {
    const proc = yield* createSubprocessExec("sleep", "30", { stdin: PIPE });
    proc.stdin!.write(new Uint8Array(4 * 1024 * 1024));
    const draining = proc.stdin!.drain(); // waits: far more than the pipe holds
    proc.kill();
    try {
      yield* draining;
      assert.fail("drain() returned although the pipe broke");
    } catch (e) {
      assert.ok(e instanceof BrokenPipeError || e instanceof ConnectionResetError, String(e));
    }
    assert.equal(yield* proc.wait(), -9);
    try {
      yield* proc.stdin!.waitClosed();
      assert.fail("stdin closed cleanly");
    } catch (e) {
      assert.ok(e instanceof BrokenPipeError, String(e));
    }
  });
});

Deno.test("createSubprocessShell() runs a pipeline and honours cwd and env", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await runWatched(async () => {
      const proc = await createSubprocessShell("printf 'b\\na\\n' | sort; pwd; echo $X", {
        stdout: PIPE,
        cwd: dir,
        env: { X: "only this", PATH: Deno.env.get("PATH")! },
      });
      const [stdout] = await proc.communicate();
      assert.equal(dec.decode(stdout!), `a\nb\n${dir}\nonly this\n`);
    });
  } finally {
    await Deno.remove(dir);
  }
});

Deno.test("createSubprocessExec() runs a Deno script and reports its exit code", async () => {
  await runWatched(async () => {
    const [program, args] = denoEval(
      "for await (const c of Deno.stdin.readable) await Deno.stdout.write(c.reverse());" +
        "Deno.exit(9);",
    );
    const proc = await createSubprocessExec(program, ...args, {
      stdin: PIPE,
      stdout: PIPE,
      stderr: DEVNULL,
    });
    const [stdout] = await proc.communicate(enc.encode("abc"));
    assert.equal(dec.decode(stdout!), "cba");
    assert.equal(proc.returncode, 9);
  });
});

Deno.test("await using a Process kills it if it still runs", async () => {
  await runWatched(async () => {
    let kept: Process | null = null;
    {
      await using proc = await createSubprocessExec("sleep", "30", { stdout: PIPE });
      kept = proc;
    }
    assert.equal(kept.returncode, -9);
  });
});

Deno.test("createSubprocessExec() rejects bad arguments once driven, and needs a running loop", async () => {
  // Lazy: calling it without a loop throws nothing; awaiting it outside one does.
  const unstarted = createSubprocessExec("true");
  await assert.rejects(async () => await unstarted, RuntimeError);
  await runWatched(function* () {
    const calls: (() => Iterable<unknown, unknown>)[] = [
      () => createSubprocessExec(bad(7)),
      () => createSubprocessExec("echo", "a", bad<string>(3)),
      () => createSubprocessExec("echo", { limit: 0 }),
      () => createSubprocessShell(bad(null)),
      () => createSubprocessShell("true", bad("opts")),
      () => createSubprocessExec("echo", new URL("https://example.com/x")),
      () => createSubprocessExec("echo", "a\0b"),
      () => createSubprocessExec("env", { env: { "A=B": "x" } }),
      () => createSubprocessExec("true", { user: -1 }),
      () => createSubprocessExec("echo", bad<string>(["-n", "x"])), // not spread
    ];
    const errors: Error[] = [];
    for (const call of calls) {
      const coro = call(); // nothing is checked, nothing spawned, until driven
      try {
        yield* coro;
        assert.fail(`${call} did not throw`);
      } catch (e) {
        errors.push(e as Error);
      }
    }
    assert.deepEqual(errors.map((e) => e.name), [
      "TypeError",
      "TypeError",
      "RangeError",
      "RangeError", // asyncio: ValueError("cmd must be a string")
      "TypeError",
      "TypeError",
      "RangeError", // asyncio: ValueError("embedded null byte")
      "RangeError", // asyncio: ValueError("illegal environment variable name")
      "RangeError", // Popen: ValueError("User ID cannot be negative")
      "TypeError",
    ]);
    assert.match(errors[1].message, /args\[1\]/);
    assert.match(errors[3].message, /cmd must be a string/);
    assert.match(errors[5].message, /args\[0\] must be a file URL: got a https: URL/);
    assert.match(errors[9].message, /args\[0\] must be a string or a file URL: got/);
  });
});

Deno.test("createSubprocessExec() and createSubprocessShell() spawn nothing until driven", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const marker = `${dir}/ran`;
    await runWatched(function* () {
      createSubprocessExec("touch", marker); // called, never driven
      createSubprocessShell(`touch '${marker}'`);
      const proc = yield* createSubprocessExec("true"); // a child that is driven, for comparison
      yield* proc.wait();
    });
    assert.throws(() => Deno.statSync(marker), Deno.errors.NotFound, "a child ran");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("createSubprocessExec() takes file URLs among the arguments, as path-likes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a b.txt`, "url arg");
    const out = await runWatched(function* () {
      const url = new URL(`file://${dir}/a%20b.txt`);
      const proc = yield* createSubprocessExec(new URL("file:///bin/cat"), url, { stdout: PIPE });
      const [stdout] = yield* proc.communicate();
      return dec.decode(stdout!);
    });
    assert.equal(out, "url arg");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Process.communicate() rejects input that is not bytes", async () => {
  await runWatched(async () => {
    const proc = await createSubprocessExec("cat", { stdin: PIPE, stdout: DEVNULL });
    assert.throws(() => proc.communicate(bad("text")), TypeError);
    await proc.communicate();
    assert.equal(proc.returncode, 0);
  });
});

Deno.test("createSubprocessShell() reads a `yes | head` stream line by line; false exits 1", async () => {
  await runWatched(function* () {
    const proc = yield* createSubprocessShell("yes | head -n 20000", { stdout: PIPE });
    let lines = 0;
    for (;;) {
      const line = yield* proc.stdout!.readline();
      if (line.length === 0) break;
      assert.equal(dec.decode(line), "y\n");
      lines++;
    }
    assert.equal(lines, 20000);
    assert.equal(yield* proc.wait(), 0);
    const no = yield* createSubprocessExec("false");
    assert.equal(yield* no.wait(), 1);
    assert.equal(no.returncode, 1);
  });
});

Deno.test("createSubprocessExec() cancelled while the child starts kills and reaps it", async () => {
  const policy = new DefaultEventLoopPolicy();
  const watcher = new RecordingWatcher();
  policy.setChildWatcher(watcher);
  setEventLoopPolicy(policy);
  try {
    const pid = await runWatched(function* () {
      const task = createTask(createSubprocessExec("sleep", "30"));
      while (watcher.handlers.size === 0) yield; // until the child is spawned
      assert.ok(!task.done(), "still waiting for its transport");
      task.cancel();
      try {
        yield* task;
        assert.fail("not cancelled");
      } catch (e) {
        assert.ok(e instanceof CancelledError, String(e));
      }
      return [...watcher.handlers.keys()][0];
    });
    // Killed and reaped before the cancellation came through: no such process.
    assert.throws(() => Deno.kill(pid, "SIGCONT"), Deno.errors.NotFound);
  } finally {
    setEventLoopPolicy(null);
  }
});
