import assert from "node:assert/strict";
import { NotImplementedError } from "../../loops/core/exceptions.ts";
import { OS_NAMES, type OsName, simulatePlatform } from "../../platform/detect.ts";
import {
  availableSelectors,
  type ConcreteSelectorName,
  resolveSelector,
  SELECTOR_NAMES,
  selectorAvailable,
  type SelectorName,
} from "../../platform/selectors.ts";

/** Python's `selectors` availability, most efficient first, written out per OS. */
const EXPECTED: Record<OsName, ConcreteSelectorName[]> = {
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

Deno.test("availableSelectors() lists each OS's selectors, best first", () => {
  for (const os of OS_NAMES) {
    assert.deepEqual(availableSelectors(simulatePlatform(os)), EXPECTED[os], os);
  }
});

Deno.test("selectorAvailable() follows the per-OS table", () => {
  for (const os of OS_NAMES) {
    const platform = simulatePlatform(os);
    assert.ok(selectorAvailable("DefaultSelector", platform), os);
    for (const name of SELECTOR_NAMES.filter((n) => n !== "DefaultSelector")) {
      const expected = EXPECTED[os].includes(name as ConcreteSelectorName);
      assert.equal(selectorAvailable(name, platform), expected, `${name} on ${os}`);
    }
  }
});

Deno.test("resolveSelector() picks the best selector for DefaultSelector", () => {
  for (const os of OS_NAMES) {
    const platform = simulatePlatform(os);
    assert.equal(resolveSelector(undefined, platform), EXPECTED[os][0], os);
    assert.equal(resolveSelector("DefaultSelector", platform), EXPECTED[os][0], os);
  }
});

Deno.test("resolveSelector() returns an available concrete selector unchanged", () => {
  for (const os of OS_NAMES) {
    const platform = simulatePlatform(os);
    for (const name of EXPECTED[os]) assert.equal(resolveSelector(name, platform), name);
  }
});

Deno.test("resolveSelector() throws NotImplementedError for a missing selector", async (t) => {
  const cases: [SelectorName, OsName][] = [
    ["EpollSelector", "darwin"],
    ["EpollSelector", "windows"],
    ["KqueueSelector", "linux"],
    ["DevpollSelector", "freebsd"],
    ["PollSelector", "windows"],
  ];
  for (const [name, os] of cases) {
    await t.step(`${name} on ${os}`, () => {
      assert.throws(
        () => resolveSelector(name, simulatePlatform(os)),
        (err: unknown) => {
          assert.ok(err instanceof NotImplementedError);
          assert.equal(err.feature, name);
          assert.equal(err.os, os);
          assert.equal(err.loop, "selector");
          assert.ok(err.reason.length > 0);
          return true;
        },
      );
    });
  }
});

Deno.test("selector functions reject unknown names with TypeError", () => {
  const linux = simulatePlatform("linux");
  const bogus = "IocpSelector" as SelectorName;
  assert.throws(() => selectorAvailable(bogus, linux), TypeError);
  assert.throws(() => resolveSelector(bogus, linux), TypeError);
});

Deno.test("SELECTOR_NAMES is frozen and complete", () => {
  assert.ok(Object.isFrozen(SELECTOR_NAMES));
  assert.deepEqual([...SELECTOR_NAMES].sort(), [
    "DefaultSelector",
    "DevpollSelector",
    "EpollSelector",
    "KqueueSelector",
    "PollSelector",
    "SelectSelector",
  ]);
});
