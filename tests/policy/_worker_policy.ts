// Runs inside a Worker for policy_test.ts: a Worker realm has no current
// event loop until one is set. Posts a report of what it observed.

import { getEventLoop, newEventLoop, run, setEventLoop, sleep } from "../../mod.ts";

function describeError(fn: () => unknown): string {
  try {
    fn();
    return "no error";
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
}

const report: Record<string, unknown> = {};
report.getEventLoop = describeError(() => getEventLoop());
const loop = newEventLoop();
setEventLoop(loop);
report.afterSetEventLoop = getEventLoop() === loop;
setEventLoop(null);
loop.close();
report.run = await run(sleep(0.001, "ran in the worker"));
// The Worker global scope's postMessage (the default types describe a window).
(globalThis as unknown as { postMessage(message: unknown): void }).postMessage(report);
