// `deno task demo`: tasks, timers and cancellation on a real event loop, an
// echo server and clients on loopback with their throughput, and a subprocess
// pipeline, printing what happened and when.

import {
  CancelledError,
  type Coroutine,
  createTask,
  gather,
  getRunningLoop,
  openConnection,
  run,
  sleep,
  TimeoutError,
  waitFor,
} from "../mod.ts";
import { startEchoServer } from "./echo_protocol.ts";
import { subprocessPipeline } from "./subprocess_pipeline.ts";

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

/** One streams client: sends `count` messages of `size` bytes, each after the last echo. */
function* echoClient(port: number, size: number, count: number): Coroutine<number> {
  const [reader, writer] = yield* openConnection("127.0.0.1", port);
  const message = new Uint8Array(size).fill(0x61);
  let received = 0;
  for (let i = 0; i < count; i++) {
    writer.write(message);
    received += (yield* reader.readexactly(size)).length;
  }
  writer.close();
  yield* writer.waitClosed();
  return received;
}

function* network(): Coroutine<void> {
  const server = yield* startEchoServer("127.0.0.1", 0);
  const port = server.sockets[0].getsockname()[1];
  log(`network: echo server (a Protocol) listening on 127.0.0.1:${port}`);
  for (const size of [100, 16 * 1024]) {
    const clients = 8;
    const count = size === 100 ? 2000 : 500;
    const t0 = performance.now();
    const received = yield* gather(
      ...Array.from({ length: clients }, () => echoClient(port, size, count)),
    );
    const seconds = (performance.now() - t0) / 1000;
    const total = received.reduce((a, b) => a + b, 0);
    log(
      `network: ${clients} stream clients echoed ${clients * count} messages of ${size} B ` +
        `in ${seconds.toFixed(2)} s: ${Math.round((clients * count) / seconds)} msg/s, ` +
        `${(total / seconds / 1e6).toFixed(1)} MB/s, nothing lost: ${
          total === clients * count * size
        }`,
    );
  }
  server.close();
  yield* server.waitClosed();
  log("network: server closed");
}

await run(main());
await run(network());
await run(function* () {
  yield* subprocessPipeline((line) => log(line));
}());
log("loops closed; demo complete");
