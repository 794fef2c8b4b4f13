// run() and Runner.run() handle SIGINT as asyncio's Runner does: the first
// cancels the main task (run() then rejects with KeyboardInterrupt), a
// second one, or one once the task is done, rejects at once; the listener
// lives exactly as long as run(). In-process tests simulate SIGINT
// (./_sigint.ts); the last ones send real SIGINTs to a child process.

import assert from "node:assert/strict";
import {
  type Awaitable,
  CancelledError,
  currentTask,
  getRunningLoop,
  KeyboardInterrupt,
  run,
  Runner,
  SelectorEventLoop,
  sleep,
  type Task,
} from "../../mod.ts";
import { TestLoop } from "../../loops/testing/mod.ts";
import { bad } from "../_helpers.ts";
import { withSimulatedSigint } from "./_sigint.ts";

/** Calls `fn` from the host (a macrotask) after `ms`, as Deno delivers signals. */
function fromHost(ms: number, fn: () => void): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(() => {
      fn();
      resolve();
    }, ms)
  );
}

Deno.test("run(): the first SIGINT cancels main, and run() rejects with KeyboardInterrupt", async () => {
  await withSimulatedSigint(async (sigint) => {
    const log: string[] = [];
    const start = performance.now();
    const delivered = fromHost(20, () => sigint.interrupt());
    const outcome = run(function* () {
      try {
        yield* sleep(3600); // a real-clock loop waiting on the host: the SIGINT must wake it
      } finally {
        log.push("main finally");
      }
    }());
    assert.equal(sigint.listeners.size, 1, "installed while run() runs");
    const err = await outcome.then(() => null, (e) => e);
    await delivered;
    assert.ok(err instanceof KeyboardInterrupt, `got ${err}`);
    assert.match(err.message, /^Interrupted by SIGINT: the main task was cancelled/);
    assert.ok(err.cause instanceof CancelledError);
    assert.deepEqual(log, ["main finally"]);
    assert.ok(performance.now() - start < 2000);
    assert.equal(sigint.listeners.size, 0, "removed when run() settles");
  });
});

Deno.test("run(): a main that swallows the SIGINT's cancellation returns normally", async () => {
  await withSimulatedSigint(async (sigint) => {
    const delivered = fromHost(20, () => sigint.interrupt());
    const value = await run(function* () {
      try {
        yield* sleep(3600);
        return "slept";
      } catch (e) {
        assert.ok(e instanceof CancelledError);
        currentTask()!.uncancel();
        return "shut down gracefully";
      }
    }());
    await delivered;
    assert.equal(value, "shut down gracefully");
  });
});

Deno.test("run(): a SIGINT cancelling a main already cancelled rejects with CancelledError", async () => {
  // asyncio's test_interrupt_cancelled_task: uncancel() is not 0, so the
  // cancellation is not the SIGINT's alone.
  await withSimulatedSigint(async (sigint) => {
    await assert.rejects(
      run(function* () {
        currentTask()!.cancel();
        sigint.interrupt();
        yield* sleep(3600);
      }()),
      (e) => e instanceof CancelledError && !(e instanceof KeyboardInterrupt),
    );
  });
});

Deno.test("run(): a second SIGINT rejects at once, without waiting for main", async () => {
  await withSimulatedSigint(async (sigint) => {
    const log: string[] = [];
    const start = performance.now();
    const first = fromHost(20, () => sigint.interrupt());
    const outcome = run(function* () {
      try {
        yield* sleep(3600);
      } catch {
        log.push("main ignored the first SIGINT");
        yield* sleep(3600);
      } finally {
        log.push("main finally");
      }
    }());
    await first;
    await fromHost(20, () => sigint.interrupt());
    const err = await outcome.then(() => null, (e) => e);
    assert.ok(err instanceof KeyboardInterrupt, `got ${err}`);
    assert.match(err.message, /^Interrupted by SIGINT: the loop was stopped without waiting/);
    // run() then closed its runner, which cancelled main.
    assert.deepEqual(log, ["main ignored the first SIGINT", "main finally"]);
    assert.ok(performance.now() - start < 2000);
  });
});

Deno.test("Runner.run(): a second SIGINT leaves main pending, for close() to cancel", async () => {
  await withSimulatedSigint(async (sigint) => {
    const runner = new Runner();
    let main: Task<void> | null = null;
    try {
      const first = fromHost(20, () => sigint.interrupt());
      const outcome = runner.run(function* () {
        main = currentTask() as Task<void>;
        try {
          yield* sleep(3600);
        } catch {
          yield* sleep(3600);
        }
      }());
      await first;
      await fromHost(20, () => sigint.interrupt());
      await assert.rejects(outcome, KeyboardInterrupt);
      assert.equal(main!.done(), false);
      assert.equal(sigint.listeners.size, 0);
    } finally {
      await runner.close();
    }
    assert.equal(main!.cancelled(), true);
  });
});

Deno.test("run(): a SIGINT once main is done still rejects with KeyboardInterrupt", async () => {
  await withSimulatedSigint(async (sigint) => {
    await assert.rejects(
      run(function* () {
        // Runs in the iteration that also stops the loop.
        currentTask()!.addDoneCallback(() => sigint.interrupt());
        yield* sleep(0);
        return "done";
      }()),
      { name: "KeyboardInterrupt", message: /the loop was stopped without waiting/ },
    );
  });
});

Deno.test("Runner.run(): each run has its own listener and count", async () => {
  await withSimulatedSigint(async (sigint) => {
    await using runner = new Runner({ loopFactory: () => new SelectorEventLoop() });
    for (let i = 0; i < 2; i++) {
      const delivered = fromHost(10, () => sigint.interrupt());
      await assert.rejects(runner.run(sleep(3600)), {
        name: "KeyboardInterrupt",
        message: /the main task was cancelled/,
      });
      await delivered;
      assert.equal(sigint.listeners.size, 0);
    }
    assert.equal(await runner.run(sleep(0, "fine")), "fine");
    assert.equal(sigint.added, 3);
  });
});

Deno.test("Runner.run() removes its listener on success, failure and a refused run", async () => {
  await withSimulatedSigint(async (sigint) => {
    await using runner = new Runner({ loopFactory: () => new TestLoop() });
    assert.equal(await runner.run(sleep(1, "ok")), "ok");
    await assert.rejects(
      runner.run(function* () {
        yield* sleep(1);
        throw new URIError("failed");
      }()),
      URIError,
    );
    assert.equal(sigint.listeners.size, 0);

    class RefusingLoop extends TestLoop {
      refuse = true;
      override runUntilComplete<T>(future: Awaitable<T>): Promise<T> {
        if (!this.refuse) return super.runUntilComplete(future);
        this.refuse = false;
        throw new RangeError("refused");
      }
    }
    await using refusing = new Runner({ loopFactory: () => new RefusingLoop() });
    assert.throws(() => refusing.run(sleep(0)), { name: "RangeError", message: "refused" });
    assert.equal(sigint.listeners.size, 0);
  });
});

Deno.test("run(main, { handleSigint: false }) installs no SIGINT listener", async () => {
  await withSimulatedSigint(async (sigint) => {
    assert.equal(await run(sleep(0, "ran"), { handleSigint: false }), "ran");
    await using runner = new Runner({ handleSigint: false });
    assert.equal(await runner.run(sleep(0, "ran")), "ran");
    assert.equal(sigint.added, 0);
  });
  assert.throws(() => new Runner({ handleSigint: bad("no") }), {
    name: "TypeError",
    message: /^options\.handleSigint must be a boolean: got "no"/,
  });
  assert.throws(() => run(sleep(0), bad(null)), {
    name: "TypeError",
    message: /^options must be an object: got null/,
  });
});

Deno.test("run(): the loop's own SIGINT handler takes the signal instead of the runner", async () => {
  // asyncio: loop.add_signal_handler(SIGINT) replaces the runner's handler.
  // A loop reports its handlers through _hasSignalHandler(signal).
  class HandlerLoop extends TestLoop {
    sigintHandler = false;
    override _hasSignalHandler(signal: Deno.Signal): boolean {
      return signal === "SIGINT" && this.sigintHandler;
    }
  }
  await withSimulatedSigint(async (sigint) => {
    const value = await run(
      function* () {
        const loop = getRunningLoop() as HandlerLoop;
        loop.sigintHandler = true;
        sigint.interrupt();
        yield* sleep(1);
        loop.sigintHandler = false;
        return currentTask()!.cancelling();
      }(),
      { loopFactory: () => new HandlerLoop() },
    );
    assert.equal(value, 0, "the runner did not cancel main");
  });
});

Deno.test("run() in a Worker installs no SIGINT listener (asyncio: main thread only)", async () => {
  const mod = new URL("../../mod.ts", import.meta.url).href;
  const code = `import { run, sleep } from ${JSON.stringify(mod)};
const added = [];
const add = Deno.addSignalListener;
Deno.addSignalListener = (signal, handler) => { added.push(signal); add(signal, handler); };
const value = await run(sleep(0.001, "ran"));
postMessage({ value, added });`;
  const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
  const worker = new Worker(url, { type: "module" });
  try {
    const report = await new Promise((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(e.message));
      };
    });
    assert.deepEqual(report, { value: "ran", added: [] });
  } finally {
    worker.terminate();
    URL.revokeObjectURL(url);
  }
});

// ---------------------------------------------------------------------------
// Real SIGINTs, sent to a child process
// ---------------------------------------------------------------------------

/** A child running ./_sigint_child.ts, whose output lines can be awaited. */
class SigintChild {
  #process: Deno.ChildProcess;
  #text = "";
  #reading: Promise<void>;

  constructor(mode: "once" | "stubborn") {
    const script = new URL("./_sigint_child.ts", import.meta.url).pathname;
    const process = new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", script, mode],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#process = process;
    this.#reading = (async () => {
      for await (const chunk of process.stdout.pipeThrough(new TextDecoderStream())) {
        this.#text += chunk;
      }
    })();
  }

  /** The lines printed so far. */
  get lines(): string[] {
    return this.#text.split("\n").filter((l) => l !== "");
  }

  /** Waits until the child printed `line` (fails after 20 s). */
  async waitFor(line: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!this.lines.includes(line)) {
      if (Date.now() > deadline) throw new Error(`child never printed ${line}: ${this.lines}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  sigint(): void {
    this.#process.kill("SIGINT");
  }

  async status(): Promise<Deno.CommandStatus> {
    const status = await this.#process.status;
    await this.#reading;
    return status;
  }
}

Deno.test({
  name: "run() with a real SIGINT: KeyboardInterrupt, then the listener is gone",
  ignore: Deno.build.os === "windows", // Deno cannot send SIGINT to a child there
  async fn() {
    const child = new SigintChild("once");
    await child.waitFor("ready");
    child.sigint();
    await child.waitFor("after run");
    child.sigint(); // no listener left: Deno's default action ends the child
    const status = await child.status();
    assert.deepEqual(child.lines, [
      "ready",
      "main caught CancelledError",
      "main finally",
      "run rejected with KeyboardInterrupt caused by CancelledError",
      "after run",
    ]);
    assert.equal(status.signal, "SIGINT");
  },
});

Deno.test({
  name: "run() with two real SIGINTs: the second one does not wait for main",
  ignore: Deno.build.os === "windows",
  async fn() {
    const child = new SigintChild("stubborn");
    await child.waitFor("ready");
    child.sigint();
    await child.waitFor("main caught CancelledError");
    child.sigint();
    await child.waitFor("after run");
    child.sigint();
    const status = await child.status();
    assert.deepEqual(child.lines, [
      "ready",
      "main caught CancelledError",
      "main finally",
      "run rejected with KeyboardInterrupt",
      "after run",
    ]);
    assert.equal(status.signal, "SIGINT");
  },
});

Deno.test("run(): a SelectorEventLoop's addSignalHandler('SIGINT') takes the signal", async () => {
  await withSimulatedSigint(async (sigint) => {
    const seen: string[] = [];
    const value = await run(
      function* () {
        const loop = getRunningLoop();
        loop.addSignalHandler("SIGINT", () => seen.push("loop handler"));
        sigint.interrupt();
        yield* sleep(0.05);
        loop.removeSignalHandler("SIGINT");
        return currentTask()!.cancelling();
      }(),
      { loopFactory: () => new SelectorEventLoop() },
    );
    assert.equal(value, 0, "the runner did not cancel main");
    assert.deepEqual(seen, ["loop handler"]);
  });
});
