// Unit tests of SelectorEventLoop: the selector choice and its
// availability per OS, the matrix rows the selector decides, supports(),
// and the clock resolution taken from the platform.

import assert from "node:assert/strict";
import { NotImplementedError, SelectorEventLoop } from "../../mod.ts";
import { VirtualClock } from "../../loops/testing/mod.ts";
import {
  type ConcreteSelectorName,
  currentPlatform,
  FEATURES,
  OS_NAMES,
  type OsName,
  type Platform,
  SELECTOR_NAMES,
  type SelectorName,
  simulatePlatform,
} from "../../platform/mod.ts";
import { bad, thrownBy } from "../_helpers.ts";

/** Python's `selectors` availability per OS, best first (written out, not read from the data). */
const AVAILABLE: Record<OsName, ConcreteSelectorName[]> = {
  linux: ["EpollSelector", "PollSelector", "SelectSelector"],
  android: ["EpollSelector", "PollSelector", "SelectSelector"],
  darwin: ["KqueueSelector", "PollSelector", "SelectSelector"],
  freebsd: ["KqueueSelector", "PollSelector", "SelectSelector"],
  netbsd: ["KqueueSelector", "PollSelector", "SelectSelector"],
  solaris: ["DevpollSelector", "PollSelector", "SelectSelector"],
  illumos: ["DevpollSelector", "PollSelector", "SelectSelector"],
  aix: ["PollSelector", "SelectSelector"],
  windows: ["SelectSelector"],
};

Deno.test("SelectorEventLoop() uses the platform's DefaultSelector", async (t) => {
  await t.step("this Linux machine: epoll", () => {
    using loop = new SelectorEventLoop();
    assert.equal(loop.kind, "selector");
    assert.equal(loop.platform, currentPlatform());
    assert.equal(loop.selector, "EpollSelector");
  });
  for (const os of OS_NAMES) {
    await t.step(`simulated ${os}: ${AVAILABLE[os][0]}`, () => {
      const platform = simulatePlatform(os);
      using loop = new SelectorEventLoop({ platform });
      assert.equal(loop.selector, AVAILABLE[os][0]);
      using explicit = new SelectorEventLoop({ platform, selector: "DefaultSelector" });
      assert.equal(explicit.selector, AVAILABLE[os][0]);
    });
  }
});

/** Asserts the NotImplementedError of a selector that does not exist on `platform`. */
function assertSelectorRefused(selector: SelectorName, platform: Platform): void {
  const err = thrownBy(() => new SelectorEventLoop({ selector, platform }));
  const where = `${selector} on ${platform.os}`;
  assert.ok(err instanceof NotImplementedError, `expected NotImplementedError: ${where}`);
  assert.equal(err.feature, selector);
  assert.equal(err.os, platform.os);
  assert.equal(err.loop, "selector");
  assert.ok(err.reason.includes(`available here: ${AVAILABLE[platform.os].join(", ")}`), where);
}

Deno.test("SelectorEventLoop(selector) follows Python's selector availability", async (t) => {
  await t.step("on this Linux machine", () => {
    for (const selector of ["EpollSelector", "PollSelector", "SelectSelector"] as const) {
      using loop = new SelectorEventLoop(selector);
      assert.equal(loop.selector, selector);
    }
    assertSelectorRefused("KqueueSelector", currentPlatform());
    assertSelectorRefused("DevpollSelector", currentPlatform());
  });
  await t.step("KqueueSelector works on a simulated macOS", () => {
    const platform = simulatePlatform("darwin", { release: "12.6.0" });
    using loop = new SelectorEventLoop({ selector: "KqueueSelector", platform });
    assert.equal(loop.selector, "KqueueSelector");
    assertSelectorRefused("EpollSelector", platform);
  });
  await t.step("simulated Windows has SelectSelector only", () => {
    const platform = simulatePlatform("windows");
    using loop = new SelectorEventLoop({ selector: "SelectSelector", platform });
    assert.equal(loop.selector, "SelectSelector");
    for (const selector of ["EpollSelector", "KqueueSelector", "PollSelector", "DevpollSelector"]) {
      assertSelectorRefused(selector as SelectorName, platform);
    }
  });
  await t.step("every OS × every selector", () => {
    for (const os of OS_NAMES) {
      const platform = simulatePlatform(os);
      for (const selector of SELECTOR_NAMES) {
        if (selector === "DefaultSelector" || AVAILABLE[os].includes(selector)) {
          using loop = new SelectorEventLoop({ selector, platform });
          assert.ok(AVAILABLE[os].includes(loop.selector), `${selector} on ${os}`);
        } else {
          assertSelectorRefused(selector, platform);
        }
      }
    }
  });
  await t.step("an unknown selector is a TypeError", () => {
    assert.throws(() => new SelectorEventLoop(bad("IocpSelector")), {
      name: "TypeError",
      message: /^selector must be one of DefaultSelector, .*: got IocpSelector/,
    });
  });
});

Deno.test("SelectorEventLoop.supports() answers from the matrix for its platform", async (t) => {
  await t.step("Linux supports every feature", () => {
    using loop = new SelectorEventLoop();
    for (const feature of FEATURES) assert.equal(loop.supports(feature), true, feature);
  });
  await t.step(
    "Windows: no AF_UNIX, signals, pipes or subprocesses; readers for sockets only",
    () => {
      using loop = new SelectorEventLoop({ platform: simulatePlatform("windows") });
      for (
        const feature of [
          "createUnixServer",
          "createUnixConnection",
          "addSignalHandler",
          "connectReadPipe",
          "subprocessExec",
          "characterDevices",
        ] as const
      ) {
        assert.equal(loop.supports(feature), false, feature);
      }
      assert.equal(loop.supports("createConnection(ssl)"), true);
      assert.equal(loop.supports("addReader"), true, "partially: sockets");
      assert.equal(loop.supports("addReader", { kind: "socket" }), true);
      assert.equal(loop.supports("addReader", { kind: "file" }), false);
      assert.equal(loop.supports("addWriter", { kind: "pipe" }), false);
    },
  );
});

Deno.test("SelectorEventLoop's selector decides the macOS character device rows", async (t) => {
  const cases: [release: string, selector: SelectorName, supported: boolean][] = [
    ["9.8.0", "DefaultSelector", false], // 10.5: no character devices at all
    ["9.8.0", "SelectSelector", false],
    ["11.4.0", "DefaultSelector", false], // 10.7: kqueue cannot watch them...
    ["11.4.0", "KqueueSelector", false],
    ["11.4.0", "PollSelector", true], // ...the documented workaround
    ["11.4.0", "SelectSelector", true],
    ["13.0.0", "DefaultSelector", true], // 10.9: fixed
  ];
  for (const [release, selector, supported] of cases) {
    await t.step(`Darwin ${release}, ${selector}: ${supported}`, () => {
      const platform = simulatePlatform("darwin", { release });
      using loop = new SelectorEventLoop({ selector, platform });
      assert.equal(loop.supports("characterDevices"), supported);
      assert.equal(loop.supports("connectReadPipe", { kind: "characterDevice" }), supported);
      assert.equal(loop.supports("connectReadPipe", { kind: "pipe" }), true);
    });
  }
});

Deno.test("SelectorEventLoop's clockResolution follows the platform", async (t) => {
  await t.step("the measured resolution of this machine", () => {
    using loop = new SelectorEventLoop();
    assert.equal(loop.clockResolution, currentPlatform().clockResolution);
    assert.ok(loop.clockResolution > 0 && loop.clockResolution <= 0.001);
  });
  await t.step("a simulated platform's resolution", () => {
    using loop = new SelectorEventLoop({ platform: simulatePlatform("windows") });
    assert.equal(loop.clockResolution, 0.0156);
  });
  await t.step("an explicit clockResolution wins", () => {
    using loop = new SelectorEventLoop({
      platform: simulatePlatform("windows"),
      clockResolution: 0.002,
    });
    assert.equal(loop.clockResolution, 0.002);
  });
});

Deno.test("SelectorEventLoop on Linux runs timers 10 ms apart in separate iterations", () => {
  const clock = new VirtualClock();
  using loop = new SelectorEventLoop({ clock });
  assert.ok(loop.clockResolution < 0.01, "premise: Linux's clock is finer than 10 ms");
  const fired: string[] = [];
  loop.callLater(0.010, () => fired.push("a"));
  loop.callLater(0.020, () => fired.push("b"));
  clock.advance(0.010);
  assert.equal(loop._runOnce(), 1);
  assert.deepEqual(fired, ["a"]);
  clock.advance(0.010);
  assert.equal(loop._runOnce(), 1);
  assert.deepEqual(fired, ["a", "b"]);
});
