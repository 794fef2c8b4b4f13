// Runs inside a Worker for policy_test.ts: a Worker realm has its own
// policy state (the policy object, its loop, its child watcher) and no
// current event loop until one is set. Posts a report of what it observed.

import {
  getEventLoop,
  getEventLoopPolicy,
  newEventLoop,
  run,
  SelectorEventLoop,
  setEventLoop,
  sleep,
} from "../../mod.ts";
import { RecordingWatcher } from "./_recording_watcher.ts";

function describeError(fn: () => unknown): string {
  try {
    fn();
    return "no error";
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
}

const report: Record<string, unknown> = {};
// The main realm set a custom policy before starting this Worker.
report.policyClass = getEventLoopPolicy().constructor.name;
report.getEventLoop = describeError(() => getEventLoop());
report.getEventLoopAgain = describeError(() => getEventLoopPolicy().getEventLoop());
const loop = newEventLoop();
report.newEventLoopClass = loop instanceof SelectorEventLoop ? "SelectorEventLoop" : "other";
const watcher = new RecordingWatcher("worker");
if (Deno.build.os !== "windows") getEventLoopPolicy().setChildWatcher(watcher);
setEventLoop(loop);
report.afterSetEventLoop = getEventLoop() === loop;
report.watcherAttached = watcher.attached().length === 1 && watcher.attached()[0] === loop;
report.getChildWatcher = getEventLoopPolicy().getChildWatcher() === watcher;
setEventLoop(null);
loop.close();
report.run = await run(sleep(0.001, "ran in the worker"));
// The Worker global scope's postMessage (the default types describe a window).
(globalThis as unknown as { postMessage(message: unknown): void }).postMessage(report);
