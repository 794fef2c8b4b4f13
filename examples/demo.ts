// `deno task demo`: tasks, timers and cancellation on a real event loop,
// printing what happened and when. Later parts add network and subprocess work.

import {
  CancelledError,
  type Coroutine,
  createTask,
  gather,
  getRunningLoop,
  run,
  sleep,
  TimeoutError,
  waitFor,
} from "../mod.ts";

const t0 = performance.now();
function log(line: string): void {
  console.log(`[${((performance.now() - t0) / 1000).toFixed(3)} s] ${line}`);
}

function* worker(name: string, steps: number, delay: number): Coroutine<string> {
  try {
    for (let i = 1; i <= steps; i++) {
      yield* sleep(delay);
      log(`${name}: step ${i}/${steps}`);
    }
    return `${name} finished`;
  } catch (e) {
    if (e instanceof CancelledError) log(`${name}: cancelled (${e.message || "no message"})`);
    throw e;
  } finally {
    log(`${name}: cleanup ran`);
  }
}

function* main(): Coroutine<void> {
  const loop = getRunningLoop();
  log(`running on ${loop}`);

  // Timers: callLater and callAt run plain callbacks on the loop.
  loop.callLater(0.05, () => log("timer: callLater(0.05) fired"));
  loop.callAt(loop.time() + 0.025, () => log("timer: callAt(now + 0.025) fired"));

  // Tasks run concurrently; gather collects their results in order.
  const results = yield* gather(worker("fast", 2, 0.02), worker("medium", 2, 0.03));
  log(`gather -> ${JSON.stringify(results)}`);

  // Cancellation reaches the coroutine at its suspension point.
  const slow = createTask(worker("slow", 100, 0.05), { name: "slow" });
  yield* sleep(0.12);
  slow.cancel("demo is done waiting");
  try {
    yield* slow;
  } catch (e) {
    log(`awaiting the cancelled task raised ${(e as Error).name}`);
  }

  // waitFor cancels the inner work when the time runs out.
  try {
    yield* waitFor(worker("bounded", 10, 0.05), 0.08);
  } catch (e) {
    if (e instanceof TimeoutError) log("waitFor(0.08 s) timed out as expected");
    else throw e;
  }
}

await run(main());
log("loop closed; demo complete");
