// A subprocess pipeline: `printf` produces lines, our code filters them and
// feeds the survivors to `sort` through its stdin, then reads `sort`'s
// output; finally a `sleep` child is terminated with a signal.
//
//   deno run --allow-run examples/subprocess_pipeline.ts
//
// `subprocessDemo(log)` is what `deno task demo` runs.

import {
  type Coroutine,
  createSubprocessExec,
  createTask,
  getRunningLoop,
  PIPE,
  run,
} from "../mod.ts";

const FRUITS = ["banana", "apple", "cherry", "avocado", "blueberry", "apricot", "date"];
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Runs the pipeline on the running loop, logging each step.
 *
 * @param log Where to write what happened, one line at a time.
 * @returns The lines `sort` printed.
 */
export function* subprocessPipeline(log: (line: string) => void): Coroutine<string[]> {
  const producer = yield* createSubprocessExec("printf", "%s\\n", ...FRUITS, { stdout: PIPE });
  const sorter = yield* createSubprocessExec("sort", { stdin: PIPE, stdout: PIPE });
  log(`subprocess: spawned printf (pid ${producer.pid}) | filter | sort (pid ${sorter.pid})`);

  // The filter: keep the fruits starting with "a", streaming them into sort.
  for (;;) {
    const line = decoder.decode(yield* producer.stdout!.readline()).trimEnd();
    if (line === "") break;
    if (!line.startsWith("a")) continue;
    log(`subprocess: filter kept "${line}"`);
    sorter.stdin!.write(encoder.encode(line + "\n"));
    yield* sorter.stdin!.drain();
  }
  sorter.stdin!.close(); // sort sees EOF and prints
  const sorted = decoder.decode(yield* sorter.stdout!.read()).trimEnd().split("\n");
  log(`subprocess: sort printed ${sorted.join(", ")}`);
  const codes = [yield* producer.wait(), yield* sorter.wait()];
  log(`subprocess: printf exited with ${codes[0]}, sort with ${codes[1]}`);

  // Signals: terminate a child that would run for a minute.
  const sleeper = yield* createSubprocessExec("sleep", "60");
  sleeper.terminate();
  log(`subprocess: sleep 60 (pid ${sleeper.pid}) terminated, returncode ${yield* sleeper.wait()}`);
  return sorted;
}

/**
 * The demo's subprocess part: runs `subprocessPipeline` on the running loop,
 * or on a loop of its own (with `run()`) when none is running.
 *
 * @param log Where to write what happened.
 */
export async function subprocessDemo(log: (line: string) => void): Promise<void> {
  let running = true;
  try {
    getRunningLoop();
  } catch {
    running = false;
  }
  if (running) await createTask(subprocessPipeline(log));
  else await run(subprocessPipeline(log));
}

if (import.meta.main) {
  const t0 = performance.now();
  await subprocessDemo((line) => {
    console.log(`[${((performance.now() - t0) / 1000).toFixed(3)} s] ${line}`);
  });
}
