// Signal handlers with real signals sent to this process (and, where the
// process must be allowed to die or must be kept alive, to a child Deno).

import assert from "node:assert/strict";
import { constants } from "node:os";
import {
  NotImplementedError,
  ProactorEventLoop,
  RuntimeError,
  SelectorEventLoop,
} from "../../../mod.ts";
import { simulatePlatform } from "../../../platform/mod.ts";
import { bad, hostTick, thrownBy, withLoop } from "../../_helpers.ts";

const MOD = new URL("../../../mod.ts", import.meta.url).href;

/**
 * While a test removes handlers and then sends the signal, this listener
 * keeps the default action (ending the process) away.
 */
function guard(signal: Deno.Signal): { count: number; [Symbol.dispose](): void } {
  const state = { count: 0, [Symbol.dispose]: () => Deno.removeSignalListener(signal, listener) };
  const listener = () => void state.count++;
  Deno.addSignalListener(signal, listener);
  return state;
}

/** Sends `signal` to this process and lets the host deliver it. */
async function raise(signal: Deno.Signal, seen: () => number, before: number): Promise<void> {
  Deno.kill(Deno.pid, signal);
  for (let i = 0; i < 500 && seen() === before; i++) await hostTick(2);
  assert.ok(seen() > before, `${signal} was not delivered`);
}

/** Runs the loop until `cond` holds (real signals arrive on the host's schedule). */
async function runUntil(loop: SelectorEventLoop, cond: () => boolean): Promise<void> {
  await loop.runUntilComplete(function* () {
    const end = performance.now() + 10_000;
    while (!cond() && performance.now() < end) yield* sleepMs(loop, 2);
  }());
  assert.ok(cond(), "Timed out waiting in the loop");
}

function* sleepMs(loop: SelectorEventLoop, ms: number) {
  const f = loop.createFuture<void>();
  loop.callLater(ms / 1000, () => f.setResult());
  yield* f;
}

/** Runs a Deno script in a child process and returns its status and output. */
async function runChild(code: string): Promise<{ status: Deno.CommandStatus; out: string }> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "piped",
    stderr: "piped",
  });
  const { code: exit, signal, success, stdout, stderr } = await cmd.output();
  const out = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  return { status: { code: exit, signal, success }, out };
}

Deno.test("SelectorEventLoop.addSignalHandler() queues the callback for the loop, with its args", async () => {
  await withLoop(() => new SelectorEventLoop(), async (loop) => {
    const calls: unknown[][] = [];
    let runningInside = false;
    loop.addSignalHandler(
      "SIGUSR1",
      (...args: unknown[]) => {
        calls.push(args);
        runningInside = loop.isRunning();
      },
      "a",
      2,
    );
    using g = guard("SIGUSR1");
    // The loop is not running: Deno's listener fires, the callback must wait.
    await raise("SIGUSR1", () => g.count, 0);
    await hostTick(20);
    assert.equal(calls.length, 0, "the callback ran inside Deno's listener");
    await runUntil(loop, () => calls.length === 1);
    assert.deepEqual(calls, [["a", 2]]);
    assert.ok(runningInside);
    assert.ok(loop.removeSignalHandler("SIGUSR1"));
  });
});

Deno.test("SelectorEventLoop.addSignalHandler() wakes a waiting loop", async () => {
  await withLoop(() => new SelectorEventLoop(), async (loop) => {
    const got = loop.createFuture<string>();
    loop.addSignalHandler("SIGUSR2", () => got.setResult("usr2"));
    loop.callSoon(() => Deno.kill(Deno.pid, "SIGUSR2"));
    assert.equal(await loop.runUntilComplete(got), "usr2");
  });
});

Deno.test("SelectorEventLoop.addSignalHandler() replaces the handler of the same signal", async () => {
  await withLoop(() => new SelectorEventLoop(), async (loop) => {
    const seen: string[] = [];
    using g = guard("SIGUSR1");
    loop.addSignalHandler("SIGUSR1", () => seen.push("first"));
    // A delivery queued for the first handler is dropped by the replacement.
    await raise("SIGUSR1", () => g.count, 0);
    loop.addSignalHandler("SIGUSR1", (tag: string) => seen.push(tag), "second");
    await raise("SIGUSR1", () => g.count, 1);
    await runUntil(loop, () => seen.length > 0);
    await loop.runUntilComplete(sleepMs(loop, 20));
    assert.deepEqual(seen, ["second"]);
  });
});

Deno.test("SelectorEventLoop.removeSignalHandler() removes the handler and says whether there was one", async () => {
  await withLoop(() => new SelectorEventLoop(), async (loop) => {
    let calls = 0;
    assert.equal(loop.removeSignalHandler("SIGUSR2"), false);
    loop.addSignalHandler("SIGUSR2", () => void calls++);
    assert.equal(loop.removeSignalHandler("SIGUSR2"), true);
    assert.equal(loop.removeSignalHandler("SIGUSR2"), false);
    using g = guard("SIGUSR2");
    await raise("SIGUSR2", () => g.count, 0);
    await loop.runUntilComplete(sleepMs(loop, 20));
    assert.equal(calls, 0);
    assert.equal(loop.removeSignalHandler("SIGKILL"), false);
  });
});

Deno.test("SelectorEventLoop signal callbacks report errors to the exception handler", async () => {
  await withLoop(() => new SelectorEventLoop(), async (loop, exceptions) => {
    const boom = new Error("boom");
    let after = false;
    loop.addSignalHandler("SIGUSR1", function onUsr1() {
      throw boom;
    });
    loop.callSoon(() => Deno.kill(Deno.pid, "SIGUSR1"));
    await runUntil(loop, () => exceptions.contexts.length > 0);
    const [ctx] = exceptions.take();
    assert.equal(ctx.exception, boom);
    assert.match(ctx.message, /onUsr1/);
    assert.ok(ctx.handle !== undefined);
    loop.callSoon(() => void (after = true));
    await runUntil(loop, () => after); // the loop goes on
    loop.removeSignalHandler("SIGUSR1");
  });
});

Deno.test("SelectorEventLoop.addSignalHandler() rejects bad signals and callbacks, adding nothing", async (t) => {
  await withLoop(() => new SelectorEventLoop(), async (loop) => {
    const ok = () => {};
    await t.step("unknown names and numbers: TypeError naming them", () => {
      const e1 = thrownBy(() => loop.addSignalHandler(bad("SIGFOO"), ok));
      assert.ok(e1 instanceof TypeError && /Unknown signal: "SIGFOO"/.test(e1.message));
      const e2 = thrownBy(() => loop.addSignalHandler(bad("sigint"), ok));
      assert.ok(e2 instanceof TypeError && e2.message.includes('"sigint"'));
      const e3 = thrownBy(() => loop.addSignalHandler(bad(2), ok));
      assert.ok(e3 instanceof TypeError && /number 2 \(use "SIGINT"\)/.test(e3.message));
      assert.throws(() => loop.removeSignalHandler(bad("SIGFOO")), TypeError);
    });
    await t.step("a signal this OS lacks: RangeError", () => {
      const missing = ["SIGINFO", "SIGEMT", "SIGPWR", "SIGSTKFLT"].find((s) =>
        !(s in constants.signals)
      );
      assert.ok(missing !== undefined);
      const e = thrownBy(() => loop.addSignalHandler(missing as Deno.Signal, ok));
      assert.ok(e instanceof RangeError && e.message.includes(missing));
    });
    await t.step("uncatchable signals: RuntimeError as asyncio", () => {
      for (const sig of ["SIGKILL", "SIGSTOP"] as const) {
        const e = thrownBy(() => loop.addSignalHandler(sig, ok));
        assert.ok(e instanceof RuntimeError);
        assert.equal(e.message, `sig ${sig} cannot be caught`);
      }
      for (const sig of ["SIGSEGV", "SIGILL", "SIGFPE"] as const) {
        const e = thrownBy(() => loop.addSignalHandler(sig, ok));
        assert.ok(e instanceof RuntimeError && e.message.includes(sig) && /Deno/.test(e.message));
      }
    });
    await t.step("callbacks: functions only, no coroutines", () => {
      assert.throws(() => loop.addSignalHandler("SIGUSR1", bad(null)), TypeError);
      assert.throws(() => loop.addSignalHandler("SIGUSR1", function* () {}), /coroutines/);
      assert.throws(() => loop.addSignalHandler("SIGUSR1", async () => {}), /coroutines/);
    });
    for (const sig of ["SIGUSR1", "SIGKILL", "SIGSEGV"] as const) {
      assert.equal(loop.removeSignalHandler(sig), false);
    }
  });
  const closed = new SelectorEventLoop();
  closed.close();
  assert.throws(() => closed.addSignalHandler("SIGUSR1", () => {}), RuntimeError);
});

Deno.test("SelectorEventLoop signal handlers raise NotImplementedError on Windows first", () => {
  for (
    const loop of [
      new SelectorEventLoop({ platform: simulatePlatform("windows") }),
      new ProactorEventLoop({ platform: simulatePlatform("windows") }),
    ]
  ) {
    try {
      // Even with bad arguments: the matrix is asked before anything else.
      const e = thrownBy(() => loop.addSignalHandler(bad("nope"), bad(null)));
      assert.ok(e instanceof NotImplementedError);
      assert.equal(e.feature, "addSignalHandler");
      assert.equal(e.os, "windows");
      assert.match(e.reason, /signals/);
      assert.throws(() => loop.removeSignalHandler("SIGINT"), NotImplementedError);
    } finally {
      loop.close();
    }
  }
});

Deno.test("SelectorEventLoop.close() removes every signal listener the loop added", async (t) => {
  // In a child: once no listener is left, SIGUSR1's default action ends it.
  const script = (close: boolean) => `
    import { SelectorEventLoop } from "${MOD}";
    const loop = new SelectorEventLoop();
    loop.addSignalHandler("SIGUSR1", () => {});
    loop.addSignalHandler("SIGUSR2", () => {});
    ${close ? "loop.close();" : ""}
    Deno.kill(Deno.pid, "SIGUSR1");
    await new Promise((r) => setTimeout(r, 300));
    console.log("survived");
  `;
  await t.step("closed: the signal ends the process", async () => {
    const { status, out } = await runChild(script(true));
    assert.equal(status.signal, "SIGUSR1", out);
    assert.ok(!out.includes("survived"));
  });
  await t.step("not closed (control): the listener keeps it alive", async () => {
    const { status, out } = await runChild(script(false));
    assert.ok(status.success, out);
    assert.ok(out.includes("survived"));
  });
});

Deno.test("SelectorEventLoop keeps the process alive while it runs waiting for a signal", async () => {
  // Nothing but the handler keeps this test's event loop busy: the sender is
  // an unref'd child. Deno's signal listener alone would let the test end
  // with "Promise resolution is still pending".
  await withLoop(() => new SelectorEventLoop(), async (loop) => {
    const got = loop.createFuture<string>();
    loop.addSignalHandler("SIGUSR1", () => got.setResult("got"));
    const sender = new Deno.Command("sh", {
      args: ["-c", `sleep 0.2; kill -USR1 ${Deno.pid}`],
      stdout: "null",
      stderr: "null",
    }).spawn();
    sender.unref();
    try {
      assert.equal(await loop.runUntilComplete(got), "got");
    } finally {
      sender.ref();
      await sender.status;
    }
  });
});
