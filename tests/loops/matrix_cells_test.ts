// Every cell of the platform matrix, enforced by the loops themselves:
// FEATURES × loop kind × OS, where the OS is this Linux machine, a
// simulated macOS (kernels 9, 11 and 13, plus the PollSelector workaround
// on 11) or a simulated Windows.
//
// - An unsupported cell calls the method with real arguments and expects
//   NotImplementedError (feature, os, loop, the matrix's reason) thrown
//   synchronously, before any side effect: no task was started, and the
//   resource the call would have touched (a port, a socket file, a
//   connection, a pipe, a signal, a watcher, a process) shows no trace
//   after the loop ran a little.
// - A supported cell on this machine calls the method for real on
//   loopback; on a simulated OS it makes a call that gets past the check
//   and then fails on a bad argument (or succeeds harmlessly) — anything
//   but NotImplementedError.
// - A loop kind that does not exist on an OS (the proactor loop off
//   Windows) refuses at construction, so every cell there is covered by
//   that refusal.
//
// The rows (how to call each feature) are in tests/loops/_matrix_cells/.
// A row whose loop method is still the AbstractEventLoop default is
// registered as ignored ("pending"), so it starts running the day the
// method lands.

import assert from "node:assert/strict";
import {
  AbstractEventLoop,
  allTasks,
  NotImplementedError,
  ProactorEventLoop,
  SelectorEventLoop,
} from "../../mod.ts";
import {
  currentPlatform,
  type Feature,
  FEATURES,
  LOOP_KINDS,
  loopAvailable,
  type LoopKind,
  type ObjectKind,
  type Platform,
  type SelectorName,
  simulatePlatform,
  supports,
} from "../../platform/mod.ts";
import { thrownBy, withLoop } from "../_helpers.ts";
import {
  type CellContext,
  type FeatureEntry,
  type FeatureTable,
  settle,
} from "./_matrix_cells/context.ts";
import { NET_ENTRIES } from "./_matrix_cells/net.ts";
import { HOST_ENTRIES } from "./_matrix_cells/host.ts";
import { SOCKET_ENTRIES } from "./_matrix_cells/sockets.ts";
import { SUBPROCESS_ENTRIES } from "./_matrix_cells/subprocess.ts";

/** feature → how to exercise it. Extend the files in _matrix_cells/ for new features. */
const TABLE: FeatureTable = {
  ...NET_ENTRIES,
  ...SOCKET_ENTRIES,
  ...HOST_ENTRIES,
  ...SUBPROCESS_ENTRIES,
};

/** One OS column of the matrix. */
interface OsCase {
  label: string;
  platform: Platform;
  /** The selector loop's selector (default: the platform's DefaultSelector). */
  selector?: SelectorName;
  /** Only these loop kinds (default: both). */
  loops?: LoopKind[];
}

const darwin = (release: string) => simulatePlatform("darwin", { release });
const OS_CASES: OsCase[] = [
  { label: "linux", platform: currentPlatform() },
  { label: "darwin 9.8.0 (10.5, simulated)", platform: darwin("9.8.0") },
  { label: "darwin 11.4.0 (10.7, simulated)", platform: darwin("11.4.0") },
  {
    label: "darwin 11.4.0 with PollSelector (simulated)",
    platform: darwin("11.4.0"),
    selector: "PollSelector",
    loops: ["selector"],
  },
  { label: "darwin 13.0.0 (10.9, simulated)", platform: darwin("13.0.0") },
  { label: "windows (simulated)", platform: simulatePlatform("windows") },
];

/** Why a row cannot run yet, or null when it can. */
function pendingReason(entry: FeatureEntry): string | null {
  if (entry.method === null) return null;
  const base = (AbstractEventLoop.prototype as unknown as Record<string, unknown>)[entry.method];
  for (const proto of [SelectorEventLoop.prototype, ProactorEventLoop.prototype]) {
    const fn = (proto as unknown as Record<string, unknown>)[entry.method];
    if (typeof fn !== "function" || fn === base) return "method not implemented yet";
  }
  return null;
}

/** The object kinds to test one by one: the entry's kinds where support is partial. */
function kindsOf(entry: FeatureEntry, feature: Feature, loop: LoopKind, os: OsCase) {
  const answer = supports(feature, { loop, platform: os.platform, selector: os.selector });
  if (answer.partial !== undefined && entry.kinds !== undefined) return entry.kinds;
  return [entry.kind ?? entry.kinds?.[0]];
}

function createLoop(loop: LoopKind, os: OsCase): SelectorEventLoop | ProactorEventLoop {
  const platform = os.platform;
  return loop === "selector"
    ? new SelectorEventLoop({ platform, selector: os.selector })
    : new ProactorEventLoop({ platform });
}

/** Asserts the refusal of an unsupported cell. */
function assertRefused(
  err: unknown,
  feature: string,
  loop: LoopKind,
  platform: Platform,
  reason?: string,
): void {
  assert.ok(err instanceof NotImplementedError, `expected NotImplementedError: got ${err}`);
  assert.equal(err.feature, feature);
  assert.equal(err.os, platform.os);
  assert.equal(err.loop, loop);
  assert.ok(err.reason.trim().length > 0, "a reason is given");
  if (reason !== undefined) assert.equal(err.reason, reason);
}

async function unsupportedCell(
  entry: FeatureEntry,
  feature: Feature,
  c: CellContext,
  reason: string | undefined,
): Promise<void> {
  const attempt = await entry.attempt(c);
  const tasksBefore = allTasks(c.loop).size;
  const err = thrownBy(() => attempt.call());
  assertRefused(err, entry.errorFeature ?? feature, c.loopKind, c.platform, reason);
  assert.equal(allTasks(c.loop).size, tasksBefore, "no task was started");
  await settle(c);
  await attempt.assertNoTrace?.();
}

/** Makes a call that must get past the check: any outcome but NotImplementedError. */
async function pastCheckCell(entry: FeatureEntry, c: CellContext): Promise<void> {
  let error: unknown = undefined;
  try {
    const result = entry.pastCheck(c);
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") {
      await c.loop.runUntilComplete(result as PromiseLike<unknown>);
    }
  } catch (e) {
    error = e;
  }
  assert.ok(!(error instanceof NotImplementedError), `the call got past the check: ${error}`);
}

async function runCell(
  entry: FeatureEntry,
  feature: Feature,
  loopKind: LoopKind,
  os: OsCase,
  kind: ObjectKind | undefined,
): Promise<void> {
  const query = { loop: loopKind, platform: os.platform, selector: os.selector, kind };
  const answer = supports(feature, query);
  const dir = await Deno.makeTempDir({ prefix: "matrix_cell_" });
  try {
    await withLoop(() => createLoop(loopKind, os), async (loop) => {
      const cleanups: (() => unknown)[] = [];
      const c: CellContext = {
        loop,
        platform: os.platform,
        loopKind,
        kind,
        dir,
        defer: (fn) => cleanups.push(fn),
      };
      try {
        if (!answer.supported) {
          // The refusal carries the reason of the row that stopped the method called.
          const called = (entry.errorFeature ?? feature) as Feature;
          await unsupportedCell(entry, feature, c, supports(called, query).reason);
        } else if (os.platform.simulated) await pastCheckCell(entry, c);
        else await entry.real(c);
      } finally {
        for (const fn of cleanups.reverse()) await fn();
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A loop kind that does not exist on the OS: every feature is unsupported, and the loop refuses to exist. */
function assertNoLoop(feature: Feature, loop: LoopKind, platform: Platform): void {
  const answer = supports(feature, { loop, platform });
  assert.equal(answer.supported, false);
  const err = thrownBy(() => createLoop(loop, { label: "", platform }));
  assertRefused(err, "ProactorEventLoop", loop, platform, answer.reason);
}

for (const feature of FEATURES) {
  const entry = TABLE[feature];
  const pending = pendingReason(entry);
  Deno.test({
    name: `matrix cells of ${feature}${pending === null ? "" : ` (pending: ${pending})`}`,
    ignore: pending !== null,
    async fn(t) {
      for (const os of OS_CASES) {
        for (const loop of os.loops ?? LOOP_KINDS) {
          if (!loopAvailable(loop, os.platform)) {
            await t.step(
              `${loop} × ${os.label}: no such loop`,
              () => assertNoLoop(feature, loop, os.platform),
            );
            continue;
          }
          for (const kind of kindsOf(entry, feature, loop, os)) {
            const query = { loop, platform: os.platform, selector: os.selector, kind };
            const how = !supports(feature, query).supported
              ? "unsupported: refused before any side effect"
              : os.platform.simulated
              ? "supported: gets past the check"
              : "supported: called for real";
            const label = `${loop} × ${os.label}${kind === undefined ? "" : ` × ${kind}`}: ${how}`;
            await t.step(label, () => runCell(entry, feature, loop, os, kind));
          }
        }
      }
    },
  });
}
