import assert from "node:assert/strict";
import {
  currentPlatform,
  detectPlatform,
  OS_NAMES,
  type OsName,
  simulatePlatform,
} from "../../platform/detect.ts";
import { darwinMajor, macosVersion } from "../../platform/darwin.ts";

Deno.test("detectPlatform() reads this Linux machine", () => {
  const p = detectPlatform();
  assert.equal(p.os, "linux");
  assert.equal(p.os, Deno.build.os);
  assert.equal(p.simulated, false);
  assert.ok(Object.isFrozen(p));
});

Deno.test("detectPlatform() measures a positive clock resolution of at most 1 ms", () => {
  for (let i = 0; i < 5; i++) {
    const { clockResolution } = detectPlatform();
    assert.ok(clockResolution >= 1e-9, `too small: ${clockResolution}`);
    assert.ok(clockResolution <= 0.001, `too coarse: ${clockResolution}`);
  }
});

Deno.test("detectPlatform() reads the kernel release when sys access is granted", () => {
  const granted = Deno.permissions.querySync({ name: "sys", kind: "osRelease" }).state ===
    "granted";
  const { release } = detectPlatform();
  assert.equal(release, granted ? Deno.osRelease() : "");
});

Deno.test("currentPlatform() detects once and caches", () => {
  const p = currentPlatform();
  assert.equal(currentPlatform(), p);
  assert.equal(p.os, Deno.build.os);
  assert.equal(p.simulated, false);
});

Deno.test("simulatePlatform() builds frozen test platforms", async (t) => {
  await t.step("Windows defaults to a 15.6 ms clock", () => {
    const p = simulatePlatform("windows");
    assert.deepEqual(p, { os: "windows", release: "", clockResolution: 0.0156, simulated: true });
    assert.ok(Object.isFrozen(p));
  });
  await t.step("every other OS defaults to a 1 µs clock", () => {
    for (const os of OS_NAMES.filter((o) => o !== "windows")) {
      assert.equal(simulatePlatform(os).clockResolution, 1e-6, os);
    }
  });
  await t.step("release and clock resolution can be given", () => {
    const p = simulatePlatform("darwin", { release: "12.6.0", clockResolution: 0.0005 });
    assert.equal(p.release, "12.6.0");
    assert.equal(p.clockResolution, 0.0005);
  });
  await t.step("bad input throws", () => {
    assert.throws(() => simulatePlatform("beos" as OsName), TypeError);
    assert.throws(() => simulatePlatform("linux", { clockResolution: 0 }), RangeError);
    assert.throws(() => simulatePlatform("linux", { clockResolution: NaN }), RangeError);
    assert.throws(() => simulatePlatform("linux", { clockResolution: Infinity }), RangeError);
    assert.throws(
      () => simulatePlatform("linux", { release: 12 as unknown as string }),
      TypeError,
    );
  });
});

Deno.test("OS_NAMES lists every Deno.build.os value once", () => {
  assert.equal(new Set(OS_NAMES).size, OS_NAMES.length);
  assert.ok(OS_NAMES.includes(Deno.build.os));
  assert.ok(Object.isFrozen(OS_NAMES));
});

Deno.test("darwinMajor() parses Darwin kernel releases", () => {
  assert.equal(darwinMajor("12.6.0"), 12);
  assert.equal(darwinMajor("9.8.0"), 9);
  assert.equal(darwinMajor("23.1.0"), 23);
  assert.equal(darwinMajor("13"), 13);
  assert.equal(darwinMajor(""), undefined);
  assert.equal(darwinMajor("Darwin 12"), undefined);
  assert.equal(darwinMajor("x.1"), undefined);
});

Deno.test("macosVersion() maps Darwin kernels to macOS versions", () => {
  const expected: [string | number, string | undefined][] = [
    ["8.11.1", "10.4"],
    ["9.8.0", "10.5"],
    ["10.8.0", "10.6"],
    ["11.4.2", "10.7"],
    ["12.6.0", "10.8"],
    ["13.0.0", "10.9"],
    [19, "10.15"],
    [20, "11"],
    ["24.1.0", "15"],
    [25, "26"],
    [4, undefined],
    ["", undefined],
  ];
  for (const [release, version] of expected) {
    assert.equal(macosVersion(release), version, String(release));
  }
});
