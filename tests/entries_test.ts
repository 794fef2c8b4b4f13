// Each entry point of deno.json works when it is the only module a program
// imports (nothing is wired at import time: the realm's loop and child
// watcher live in the layers that use them), and what a program sees does
// not depend on the order in which it imports the entries. Every scenario
// runs in a fresh `deno run` child, so no module is loaded beforehand.

import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** deno.json's entry points: key → absolute file URL. */
const ENTRIES: Record<string, string> = await (async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))) as {
    exports: Record<string, string>;
  };
  return Object.fromEntries(
    Object.entries(config.exports).map(([key, file]) => [key, new URL(file, ROOT).href]),
  );
})();

/** Runs `code` (an ES module) in a fresh Deno process; returns what it printed as JSON. */
async function runFresh(code: string): Promise<unknown> {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, code);
    const { code: status, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "--no-lock", file],
      cwd: Deno.cwd(),
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(stderr);
    assert.equal(status, 0, `the child failed:\n${err}`);
    return JSON.parse(new TextDecoder().decode(stdout));
  } finally {
    await Deno.remove(file);
  }
}

/** What each entry, imported alone as `lib`, must be able to do; prints a JSON result. */
const ALONE: Record<string, string> = {
  // A loop, a coroutine, the realm's current loop for new Future(), and a
  // subprocess registered with the watcher set on the policy (what modules
  // imported for their side effects used to wire).
  ".": `
const told = [];
lib.getEventLoopPolicy().setChildWatcher({
  addChildHandler: (pid) => void told.push(pid),
  removeChildHandler: () => false,
  attachLoop() {},
  close() {},
});
const outcome = await lib.run(function* () {
  yield* lib.sleep(0.001);
  const proc = yield* lib.createSubprocessExec("sh", "-c", "exit 3");
  const code = yield* proc.wait();
  return { code, pid: proc.pid };
}());
const known = told.includes(outcome.pid);
// run() leaves no current loop behind (asyncio's Runner sets None): set one.
const loop = lib.newEventLoop();
lib.setEventLoop(loop);
const sameLoop = new lib.Future().getLoop() === loop && lib.getEventLoop() === loop;
loop.close();
console.log(JSON.stringify({ code: outcome.code, known, sameLoop }));`,
  // A virtual-time loop runs a coroutine: an hour passes at once.
  "./testing": `
const loop = new lib.TestLoop();
const value = await loop.runUntilComplete(function* () {
  const fut = loop.createFuture();
  loop.callLater(3600, () => fut.setResult("late"));
  return yield* fut;
}());
const time = loop.time();
loop.close();
const names = [];
lib.defineLoopConformance("X", () => new lib.TestLoop(), { test: (n) => names.push(n) });
console.log(JSON.stringify({ value, time, registered: names.length > 0 }));`,
  "./platform": `
const windows = lib.simulatePlatform("windows");
console.log(JSON.stringify({
  pipesOnWindows: lib.supports("connectReadPipe", { loop: "selector", platform: windows }).supported,
  tcpHere: lib.supports("createConnection", { loop: "selector", platform: lib.currentPlatform() }).supported,
}));`,
  "./protocols": `
const p = new lib.Protocol();
p.connectionMade({});
p.dataReceived(new Uint8Array(1));
const t = Object.create(lib.Transport.prototype);
console.log(JSON.stringify({
  eof: p.eofReceived() ?? null,
  both: t instanceof lib.ReadTransport && t instanceof lib.WriteTransport,
}));`,
  "./socket": `
using sock = new lib.Socket(lib.AF_INET);
sock.bind(["127.0.0.1", 0]);
sock.listen();
const [host, port] = sock.getsockname();
console.log(JSON.stringify({ host, bound: port > 0, family: sock.family === lib.AF_INET }));`,
  "./executor": `
const executor = new lib.InlineExecutor();
const sum = await executor.submit((a, b) => a + b, 2, 3);
await executor.shutdown();
console.log(JSON.stringify({ sum }));`,
};

const EXPECTED: Record<string, unknown> = {
  ".": { code: 3, known: true, sameLoop: true },
  "./testing": { value: "late", time: 3600, registered: true },
  "./platform": { pipesOnWindows: false, tcpHere: true },
  "./protocols": { eof: null, both: true },
  "./socket": { host: "127.0.0.1", bound: true, family: true },
  "./executor": { sum: 5 },
};

Deno.test("each entry point works when it is the only module imported", async (t) => {
  assert.deepEqual(Object.keys(ENTRIES).sort(), Object.keys(ALONE).sort(), "a scenario per entry");
  for (const [key, url] of Object.entries(ENTRIES)) {
    await t.step(key, async () => {
      const code = `import * as lib from ${JSON.stringify(url)};\n${ALONE[key]}`;
      assert.deepEqual(await runFresh(code), EXPECTED[key]);
    });
  }
});

// One program that uses every entry; only the order of its imports changes.
const EVERYTHING = `
const [main, testing, platform] = [mods["."], mods["./testing"], mods["./platform"]];
const policy = main.getEventLoopPolicy();
const told = [];
policy.setChildWatcher({
  addChildHandler: (pid) => void told.push(pid),
  removeChildHandler: () => false,
  attachLoop() {},
  close() {},
});
const hadLoop = (() => { try { new main.Future(); return true; } catch { return false; } })();
const outcome = await main.run(function* () {
  const proc = yield* main.createSubprocessExec("true");
  yield* proc.wait();
  return { pid: proc.pid, kind: main.getRunningLoop().constructor.name };
}());
const known = told.includes(outcome.pid);
const virtual = await main.run(function* () {
  yield* main.sleep(60);
  return main.getRunningLoop().time();
}(), { loopFactory: () => new testing.TestLoop() });
const loop = main.newEventLoop();
main.setEventLoop(loop);
const futureLoop = new main.Future().getLoop() === loop;
loop.close();
console.log(JSON.stringify({
  hadLoop, kind: outcome.kind, known, virtual, futureLoop,
  defaultPolicy: policy instanceof main.DefaultEventLoopPolicy,
  matrix: platform.supports("subprocessExec", { loop: "selector", platform: platform.currentPlatform() }).supported,
}));`;

Deno.test("what a program sees does not depend on the order it imports the entries in", async () => {
  const keys = Object.keys(ENTRIES);
  const orders = [keys, [...keys].reverse(), [...keys.slice(1), keys[0]]];
  const results: unknown[] = [];
  for (const order of orders) {
    const imports = order.map((key) =>
      `mods[${JSON.stringify(key)}] = await import(${JSON.stringify(ENTRIES[key])});`
    ).join("\n");
    results.push(await runFresh(`const mods = {};\n${imports}\n${EVERYTHING}`));
  }
  assert.deepEqual(results[0], {
    hadLoop: false,
    kind: "SelectorEventLoop",
    known: true,
    virtual: 60,
    futureLoop: true,
    defaultPolicy: true,
    matrix: true,
  });
  assert.deepEqual(results[1], results[0]);
  assert.deepEqual(results[2], results[0]);
});
