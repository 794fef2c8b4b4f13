// Unit tests of ProactorEventLoop: availability (Windows only, or an
// injected Windows platform), the matrix limits it reports, and Windows'
// coarse clock resolution.

import assert from "node:assert/strict";
import { type IoLoopOptions, NotImplementedError, ProactorEventLoop } from "../../mod.ts";
import { VirtualClock } from "../../loops/testing/mod.ts";
import {
  currentPlatform,
  type Feature,
  FEATURES,
  type OsName,
  simulatePlatform,
} from "../../platform/mod.ts";
import { thrownBy } from "../_helpers.ts";

/** The proactor loop's own limits in the asyncio docs (besides Windows' common ones). */
const PROACTOR_UNSUPPORTED: Feature[] = [
  "createConnection(ssl)",
  "createServer(ssl)",
  "startTls",
  "createDatagramEndpoint",
  "addReader",
  "addWriter",
  "removeReader",
  "removeWriter",
];
/** What no Windows loop has. */
const WINDOWS_UNSUPPORTED: Feature[] = [
  "createUnixConnection",
  "createUnixServer",
  "addSignalHandler",
  "removeSignalHandler",
  "setChildWatcher",
  "getChildWatcher",
];

/**
 * Options whose every read is recorded: a constructor that refuses before
 * building the loop reads `platform` and nothing else.
 */
function spiedOptions(options: IoLoopOptions): { options: IoLoopOptions; reads: string[] } {
  const reads: string[] = [];
  const spied = new Proxy(options, {
    get(target, key, receiver) {
      reads.push(String(key));
      return Reflect.get(target, key, receiver);
    },
  });
  return { options: spied, reads };
}

Deno.test("ProactorEventLoop() refuses a non-Windows platform before building anything", async (t) => {
  const cases: [label: string, options: IoLoopOptions, os: OsName][] = [
    ["this Linux machine (no platform injected)", { clock: new VirtualClock() }, "linux"],
    ["a simulated macOS", { platform: simulatePlatform("darwin"), debug: true }, "darwin"],
    ["a simulated FreeBSD", { platform: simulatePlatform("freebsd"), debug: true }, "freebsd"],
  ];
  for (const [label, plain, os] of cases) {
    await t.step(label, () => {
      const { options, reads } = spiedOptions(plain);
      const err = thrownBy(() => new ProactorEventLoop(options));
      assert.ok(err instanceof NotImplementedError, `expected NotImplementedError: got ${err}`);
      assert.equal(err.feature, "ProactorEventLoop");
      assert.equal(err.os, os);
      assert.equal(err.loop, "proactor");
      assert.match(err.reason, /only Windows has/);
      assert.match(err.message, /^ProactorEventLoop\(\) is not supported by the proactor/);
      // Nothing but the platform was looked at: no clock, no base loop.
      assert.deepEqual(reads, ["platform"]);
    });
  }
  assert.equal(currentPlatform().os, "linux", "premise: these tests run on Linux");
});

Deno.test("ProactorEventLoop on a simulated Windows reports the proactor limits", () => {
  using loop = new ProactorEventLoop({ platform: simulatePlatform("windows") });
  assert.equal(loop.kind, "proactor");
  assert.equal(loop.platform.os, "windows");
  for (const feature of FEATURES) {
    const expected = !PROACTOR_UNSUPPORTED.includes(feature) &&
      !WINDOWS_UNSUPPORTED.includes(feature);
    assert.equal(loop.supports(feature), expected, feature);
  }
  // Unlike the Windows selector loop, it has pipes and subprocesses.
  for (const feature of ["connectReadPipe", "subprocessExec", "characterDevices"] as const) {
    assert.equal(loop.supports(feature), true, feature);
  }
  assert.equal(loop.supports("addReader", { kind: "socket" }), false, "no readers at all");
});

Deno.test("ProactorEventLoop's clockResolution is Windows' (15.6 ms unless given)", () => {
  using typical = new ProactorEventLoop({ platform: simulatePlatform("windows") });
  assert.equal(typical.clockResolution, 0.0156);
  const best = simulatePlatform("windows", { clockResolution: 0.0005 });
  using fine = new ProactorEventLoop({ platform: best });
  assert.equal(fine.clockResolution, 0.0005);
});

Deno.test("ProactorEventLoop runs timers due within the clock resolution in one iteration", async (t) => {
  const run = (clockResolution?: number) => {
    const clock = new VirtualClock();
    const platform = simulatePlatform("windows", { clockResolution });
    using loop = new ProactorEventLoop({ platform, clock });
    const fired: string[] = [];
    loop.callLater(0.010, () => fired.push("a"));
    loop.callLater(0.020, () => fired.push("b"));
    loop.callLater(0.030, () => fired.push("c"));
    clock.advance(0.010);
    const ran = loop._runOnce();
    return { ran, fired };
  };
  await t.step("15.6 ms: the timers 10 ms apart fire together", () => {
    // At t = 10 ms, everything due before 25.6 ms is ready: a and b, not c.
    assert.deepEqual(run(), { ran: 2, fired: ["a", "b"] });
  });
  await t.step("0.5 ms (Windows' best): one at a time", () => {
    assert.deepEqual(run(0.0005), { ran: 1, fired: ["a"] });
  });
});
