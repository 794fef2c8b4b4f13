import assert from "node:assert/strict";
import { NotImplementedError } from "../../loops/core/exceptions.ts";
import { OS_NAMES, type Platform, simulatePlatform } from "../../platform/detect.ts";
import {
  checkLoopAvailable,
  checkSupported,
  loopAvailability,
  loopAvailable,
  type SupportDetails,
  supports,
} from "../../platform/matrix.ts";
import {
  type Feature,
  FEATURES,
  LOOP_KINDS,
  type LoopKind,
  matrixRows,
} from "../../platform/matrix_rows.ts";
import { renderMatrix } from "../../platform/matrix_table.ts";

/** The Windows limits of the asyncio docs, written out independently of the data. */
const WINDOWS_COMMON: Feature[] = [
  "createUnixConnection",
  "createUnixServer",
  "addSignalHandler",
  "removeSignalHandler",
  "setChildWatcher",
  "getChildWatcher",
];
const WINDOWS_UNSUPPORTED: Record<LoopKind, Feature[]> = {
  selector: [
    ...WINDOWS_COMMON,
    "connectReadPipe",
    "connectWritePipe",
    "subprocessExec",
    "subprocessShell",
    "characterDevices",
  ],
  proactor: [
    ...WINDOWS_COMMON,
    "createConnection(ssl)",
    "createServer(ssl)",
    "startTls",
    "createDatagramEndpoint",
    "addReader",
    "addWriter",
    "removeReader",
    "removeWriter",
  ],
};
const WINDOWS_SOCKETS_ONLY: Feature[] = ["addReader", "addWriter"];

/** Asserts that `checkSupported` throws a fully filled NotImplementedError. */
function assertUnsupported(
  feature: Feature,
  loop: LoopKind,
  platform: Platform,
  details: SupportDetails = {},
): NotImplementedError {
  let caught: unknown;
  try {
    checkSupported(feature, loop, platform, details);
  } catch (err) {
    caught = err;
  }
  const where = `${feature} / ${loop} / ${platform.os} ${platform.release}`;
  assert.ok(caught instanceof NotImplementedError, `expected NotImplementedError: ${where}`);
  assert.equal(caught.name, "NotImplementedError");
  assert.equal(caught.feature, feature);
  assert.equal(caught.os, platform.os);
  assert.equal(caught.loop, loop);
  assert.ok(caught.reason.trim().length > 0, `empty reason: ${where}`);
  assert.ok(caught.message.includes(caught.reason));
  const answer = supports(feature, { ...details, loop, platform });
  assert.equal(answer.supported, false);
  assert.equal(answer.reason, caught.reason);
  assert.ok(answer.source !== undefined && answer.source.length > 0, `no source: ${where}`);
  return caught;
}

function assertSupported(
  feature: Feature,
  loop: LoopKind,
  platform: Platform,
  details: SupportDetails = {},
): void {
  const where = `${feature} / ${loop} / ${platform.os} ${platform.release}`;
  checkSupported(feature, loop, platform, details);
  const answer = supports(feature, { ...details, loop, platform });
  assert.equal(answer.supported, true, where);
  assert.equal(answer.partial, undefined, where);
}

Deno.test("checkSupported() enforces every Windows cell", async (t) => {
  const windows = simulatePlatform("windows");
  for (const loop of LOOP_KINDS) {
    await t.step(`${loop} loop`, () => {
      for (const feature of FEATURES) {
        if (WINDOWS_UNSUPPORTED[loop].includes(feature)) {
          assertUnsupported(feature, loop, windows);
        } else if (loop === "selector" && WINDOWS_SOCKETS_ONLY.includes(feature)) {
          const answer = supports(feature, { loop, platform: windows });
          assert.equal(answer.supported, true);
          assert.equal(answer.partial, "sockets only");
        } else {
          assertSupported(feature, loop, windows);
        }
      }
    });
  }
});

Deno.test("supports() answers Windows selector readers by object kind", () => {
  const windows = simulatePlatform("windows");
  for (const feature of WINDOWS_SOCKETS_ONLY) {
    assertSupported(feature, "selector", windows, { kind: "socket" });
    for (const kind of ["file", "pipe", "characterDevice"] as const) {
      assertUnsupported(feature, "selector", windows, { kind });
    }
    checkSupported(feature, "selector", windows); // without a kind: partial, no throw
  }
  assertSupported("removeReader", "selector", windows, { kind: "pipe" });
});

Deno.test("supports() finds every feature supported on Linux, macOS and the BSDs", async (t) => {
  const platforms = [
    simulatePlatform("linux"),
    simulatePlatform("android"),
    simulatePlatform("darwin"),
    simulatePlatform("darwin", { release: "13.0.0" }),
    simulatePlatform("darwin", { release: "23.1.0" }),
    simulatePlatform("freebsd"),
    simulatePlatform("netbsd"),
    simulatePlatform("solaris"),
    simulatePlatform("illumos"),
    simulatePlatform("aix"),
  ];
  for (const platform of platforms) {
    await t.step(`${platform.os} ${platform.release}`, () => {
      for (const feature of FEATURES) {
        assertSupported(feature, "selector", platform);
        assertSupported(feature, "selector", platform, { kind: "characterDevice" });
      }
    });
  }
});

Deno.test("the proactor loop exists only on Windows", () => {
  for (const os of OS_NAMES) {
    const platform = simulatePlatform(os);
    assert.equal(loopAvailable("selector", platform), true);
    assert.equal(loopAvailable("proactor", platform), os === "windows", os);
    checkLoopAvailable("selector", platform);
    if (os === "windows") continue;
    assert.equal(loopAvailability("proactor", platform).supported, false);
    assert.throws(() => checkLoopAvailable("proactor", platform), (err: unknown) => {
      assert.ok(err instanceof NotImplementedError);
      assert.equal(err.feature, "ProactorEventLoop");
      assert.equal(err.os, os);
      assert.equal(err.loop, "proactor");
      return err.reason.includes("Windows");
    });
    for (const feature of FEATURES) assertUnsupported(feature, "proactor", platform);
  }
});

Deno.test("checkSupported() enforces every cell of every matrix row", () => {
  let cells = 0;
  for (const row of matrixRows()) {
    const range = row.darwinKernel;
    const release = range === undefined ? "" : `${range.min ?? range.max}.0.0`;
    const details: SupportDetails = { selector: row.selectors?.[0], kind: row.kinds?.[0] };
    for (const os of row.os) {
      const platform = simulatePlatform(os, { release });
      for (const loop of row.loops) {
        for (const feature of row.features) {
          assertUnsupported(feature, loop, platform, details);
          cells++;
        }
      }
    }
  }
  assert.ok(cells > 40, `only ${cells} cells`);
});

Deno.test("matrix rows are frozen and say where they come from", () => {
  const rows = matrixRows();
  assert.ok(Object.isFrozen(rows));
  for (const row of rows) {
    assert.ok(Object.isFrozen(row) && Object.isFrozen(row.features) && Object.isFrozen(row.os));
    assert.equal(row.supported, false);
    assert.ok(row.features.length > 0 && row.loops.length > 0 && row.os.length > 0);
    assert.ok(row.reason.length > 0);
    assert.match(row.source, /^asyncio docs, /);
    for (const feature of row.features) assert.ok(FEATURES.includes(feature), feature);
    if (row.kinds !== undefined) assert.ok(row.partial !== undefined);
    if (row.darwinKernel !== undefined) {
      assert.deepEqual(row.os, ["darwin"]);
      assert.match(row.note ?? "", /simulated/);
    }
  }
  assert.throws(() => (rows as unknown[]).push({}), TypeError);
});

Deno.test("macOS character devices: 10.5 and older, 10.6–10.8 with kqueue, 10.9+", async (t) => {
  const mac = (release: string) => simulatePlatform("darwin", { release });
  const pipe: SupportDetails = { kind: "characterDevice" };
  await t.step("10.5 and older: never, whatever the selector", () => {
    for (const release of ["9.8.0", "8.11.1"]) {
      for (const selector of [undefined, "SelectSelector", "PollSelector"] as const) {
        assertUnsupported("characterDevices", "selector", mac(release), { selector });
        assertUnsupported("connectReadPipe", "selector", mac(release), { ...pipe, selector });
        assertUnsupported("addReader", "selector", mac(release), { ...pipe, selector });
      }
      assertSupported("connectReadPipe", "selector", mac(release), { kind: "pipe" });
    }
  });
  await t.step("10.6–10.8: not with the default KqueueSelector", () => {
    for (const release of ["10.8.0", "11.4.2", "12.6.0"]) {
      for (const selector of [undefined, "DefaultSelector", "KqueueSelector"] as const) {
        const err = assertUnsupported("connectReadPipe", "selector", mac(release), {
          ...pipe,
          selector,
        });
        assert.match(err.reason, /SelectSelector/);
        assert.match(err.reason, /PollSelector/);
        assertUnsupported("characterDevices", "selector", mac(release), { selector });
      }
      for (const selector of ["SelectSelector", "PollSelector"] as const) {
        assertSupported("connectReadPipe", "selector", mac(release), { ...pipe, selector });
        assertSupported("characterDevices", "selector", mac(release), { selector });
      }
      assertSupported("connectReadPipe", "selector", mac(release));
    }
  });
  await t.step("10.9 and newer, or an unknown release: supported", () => {
    for (const release of ["13.0.0", "19.6.0", "23.1.0", ""]) {
      assertSupported("connectReadPipe", "selector", mac(release), pipe);
      assertSupported("characterDevices", "selector", mac(release));
    }
  });
});

Deno.test("supports() rejects unknown features, loops and selectors", () => {
  const platform = simulatePlatform("linux");
  assert.throws(() => supports("sendfile" as Feature, { loop: "selector", platform }), TypeError);
  assert.throws(() => supports("addReader", { loop: "iocp" as LoopKind, platform }), TypeError);
  assert.throws(
    () => checkSupported("addReader", "selector", platform, { selector: "Nope" as "PollSelector" }),
    TypeError,
  );
  assert.throws(() => loopAvailable("uring" as LoopKind, platform), TypeError);
});

Deno.test("renderMatrix() renders every feature for every loop and OS group", () => {
  const table = renderMatrix();
  const lines = table.split("\n");
  const header = lines[0].split("|").map((c) => c.trim()).filter((c) => c !== "");
  assert.equal(header.length, 1 + LOOP_KINDS.length * 4);
  for (const loop of ["Selector", "Proactor"]) {
    for (const os of ["linux", "darwin", "windows", "others"]) {
      assert.ok(header.includes(`${loop}: ${os}`), `${loop}: ${os}`);
    }
  }
  for (const feature of FEATURES) {
    const line = lines.find((l) => l.startsWith(`| ${feature} `));
    assert.ok(line !== undefined, feature);
    assert.equal(line.split("|").length, header.length + 2, feature);
  }
  assert.match(lines.find((l) => l.startsWith("| addReader "))!, /sockets only/);
  assert.match(lines.find((l) => l.startsWith("| characterDevices "))!, /10\.6–10\.8/);
  const prose = table.replace(/\s+/g, " ");
  for (const row of matrixRows()) {
    const reason = row.reason.charAt(0).toUpperCase() + row.reason.slice(1);
    assert.ok(prose.includes(reason), `missing footnote: ${row.reason}`);
  }
  assert.equal(renderMatrix(), table);
});
