// A producer/consumer pipeline: a producer puts work on a bounded Queue, a
// TaskGroup of workers processes it, and the whole run has a time limit.
// When the limit passes, timeout() cancels the group, the group cancels its
// workers, and nothing is left running.
//
//   deno run examples/pipeline.ts [seconds]      (default 0.3: it times out)

import {
  CancelledError,
  type Coroutine,
  Queue,
  QueueShutDown,
  run,
  sleep,
  taskGroup,
  timeout,
  TimeoutError,
} from "../mod.ts";

/** What one run of the pipeline did. */
export interface PipelineReport {
  produced: number;
  processed: number[];
  cancelledWorkers: number;
  timedOut: boolean;
}

/**
 * Runs the pipeline: `items` jobs of `jobSeconds` each through `workers`
 * workers, under a limit of `limitSeconds` (null: none).
 */
export function* pipeline(
  items: number,
  workers: number,
  jobSeconds: number,
  limitSeconds: number | null,
  log: (line: string) => void = () => {},
): Coroutine<PipelineReport> {
  const report: PipelineReport = {
    produced: 0,
    processed: [],
    cancelledWorkers: 0,
    timedOut: false,
  };
  const queue = new Queue<number>({ maxsize: workers });

  function* producer(): Coroutine<void> {
    for (let i = 1; i <= items; i++) {
      yield* queue.put(i); // waits while the queue is full: backpressure
      report.produced++;
    }
    yield* queue.join(); // every job taken and done
    queue.shutdown(); // wakes the idle workers with QueueShutDown
  }

  function* worker(name: string): Coroutine<void> {
    try {
      for (;;) {
        const job = yield* queue.get();
        try {
          yield* sleep(jobSeconds);
          report.processed.push(job);
          log(`${name} finished job ${job}`);
        } finally {
          queue.taskDone();
        }
      }
    } catch (e) {
      if (e instanceof QueueShutDown) return; // no more work
      if (e instanceof CancelledError) report.cancelledWorkers++;
      throw e;
    }
  }

  try {
    yield* timeout(limitSeconds, function* () {
      yield* taskGroup(function* (tg) {
        tg.createTask(producer(), { name: "producer" });
        for (let w = 1; w <= workers; w++) {
          tg.createTask(worker(`worker ${w}`), { name: `worker ${w}` });
        }
      });
    });
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    report.timedOut = true;
    log(`timed out after ${limitSeconds} s: the group cancelled its tasks`);
  }
  return report;
}

if (import.meta.main) {
  const limit = Number(Deno.args[0] ?? 0.3);
  const report = await run(pipeline(20, 3, 0.05, limit, console.log));
  console.log(
    `produced ${report.produced}, processed ${report.processed.length}, ` +
      `cancelled workers ${report.cancelledWorkers}, timed out: ${report.timedOut}`,
  );
}
