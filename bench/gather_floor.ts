// What gathering 100,000 generator coroutines costs before asyncio's
// bookkeeping: Promise.all over 100,000 async functions beside floors that
// drive the same generators with less and less machinery, and our
// createTask + gather and taskGroup, measured in the same run (best of 15).
//
//   deno task bench:gather-floor
//   deno task bench:gather-floor --processes 8 (Promise.all, gather and
//     taskGroup alone in each of 8 fresh processes, best of 15 each: medians)
//
// The floors are not asyncio: no cancellation, no names, no loop, no
// all-tasks registry, no exception handling. They show how much of the
// distance to Promise.all comes from the task design itself (a generator and
// a task object per coroutine, a ready queue) and how much from the rest.
// bench/README.md ("gather and taskGroup") has the figures and the analysis.

import { BaseEventLoop, type Coroutine, gather, taskGroup } from "../mod.ts";
import { GATHERED as N } from "./_workloads.ts";
import { median, option } from "./_script.ts";

// deno-lint-ignore require-yield
function* co(i: number): Coroutine<number> {
  return i;
}

async function promiseAll(): Promise<void> {
  // deno-lint-ignore require-await
  const f = async (i: number) => i;
  const ps = [];
  for (let i = 0; i < N; i++) ps.push(f(i));
  await Promise.all(ps);
}

/** A generator and a two-field object per coroutine, stepped in a loop. */
class MiniTask {
  r: unknown = undefined;
  done = false;
  constructor(public g: Generator<unknown, number>) {}
}

function generatorsOnly(): unknown[] {
  const ts: MiniTask[] = [];
  for (let i = 0; i < N; i++) ts.push(new MiniTask(co(i)));
  const out = new Array(N);
  for (let i = 0; i < N; i++) {
    const r = ts[i].g.next();
    ts[i].r = r.value;
    ts[i].done = true;
    out[i] = r.value;
  }
  return out;
}

/**
 * One ready queue: each task steps once, is queued again as its own done
 * callback, and that stores its result (no closures, no handles).
 */
class SchedTask {
  r: unknown = undefined;
  done = false;
  constructor(public g: Generator<unknown, number>, public idx: number) {}
}

function minimalScheduler(): unknown[] {
  const ready: SchedTask[] = [];
  for (let i = 0; i < N; i++) ready.push(new SchedTask(co(i), i));
  const out = new Array(N);
  let left = N;
  for (let h = 0; h < ready.length; h++) {
    const x = ready[h];
    if (x.done) {
      out[x.idx] = x.r;
      left--;
      continue;
    }
    const r = x.g.next();
    x.r = r.value;
    x.done = true;
    ready.push(x);
  }
  if (left !== 0) throw new Error("a result was lost");
  return out;
}

/** The same scheduler with a task object as large as ours (11 fields, 14 words). */
class LargeTask {
  _state = 0;
  _result: unknown = undefined;
  _exception: unknown = undefined;
  _loop: unknown = null;
  _callbacks: unknown = null;
  _rare: unknown = null;
  _name: unknown = 0;
  _futWaiter: unknown = null;
  _flags = 0;
  constructor(public g: Generator<unknown, number>, public idx: number) {}
}

function minimalSchedulerLargeTask(): unknown[] {
  const ready: LargeTask[] = [];
  for (let i = 0; i < N; i++) ready.push(new LargeTask(co(i), i));
  const out = new Array(N);
  let left = N;
  for (let h = 0; h < ready.length; h++) {
    const x = ready[h];
    if (x._state === 1) {
      out[x.idx] = x._result;
      left--;
      continue;
    }
    const r = x.g.next();
    x._result = r.value;
    x._state = 1;
    ready.push(x);
  }
  if (left !== 0) throw new Error("a result was lost");
  return out;
}

async function oursGather(): Promise<void> {
  const loop = new BaseEventLoop();
  await loop.runUntilComplete(function* () {
    const tasks = [];
    for (let i = 0; i < N; i++) tasks.push(loop.createTask(co(i)));
    return yield* gather(...tasks);
  }());
  loop.close();
}

async function oursTaskGroup(): Promise<void> {
  const loop = new BaseEventLoop();
  await loop.runUntilComplete(taskGroup((g) => {
    for (let i = 0; i < N; i++) g.createTask(co(i));
  }));
  loop.close();
}

const ROUNDS = 15;

// Best of ROUNDS for each, the runs interleaved round by round.
async function bestOf(runs: [string, () => unknown][]): Promise<Map<string, number>> {
  const best = new Map<string, number>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, fn] of runs) {
      const t0 = performance.now();
      await fn();
      const dt = performance.now() - t0;
      best.set(name, Math.min(best.get(name) ?? Infinity, dt));
    }
  }
  return best;
}

// `--processes N`: Promise.all, gather and taskGroup alone, each process
// running each one ROUNDS times in turn (the child mode is `--alone`).
async function inProcesses(n: number): Promise<void> {
  const samples: Record<string, number>[] = [];
  for (let p = 0; p < n; p++) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", import.meta.filename!, "--alone"],
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error("a measuring process failed");
    samples.push(JSON.parse(new TextDecoder().decode(out.stdout)));
  }
  console.log(
    `| ${N.toLocaleString("en")} coroutines | median of ${n} processes | of Promise.all |`,
  );
  console.log("|---|---|---|");
  for (
    const [key, name] of [["base", "Promise.all"], ["gather", "ours: gather"], [
      "group",
      "ours: taskGroup",
    ]]
  ) {
    const ms = median(samples.map((s) => s[key]));
    const ratio = median(samples.map((s) => s.base / s[key]));
    console.log(`| ${name} | ${ms.toFixed(1)} ms | ${(ratio * 100).toFixed(0)}% |`);
  }
}

if (import.meta.main && Deno.args.includes("--alone")) {
  // One process of `--processes`: each workload ROUNDS times in a row.
  const result: Record<string, number> = {};
  for (
    const [key, fn] of [["base", promiseAll], ["gather", oursGather], [
      "group",
      oursTaskGroup,
    ]] as const
  ) {
    result[key] = (await bestOf([[key, fn]])).get(key)!;
  }
  console.log(JSON.stringify(result));
} else if (import.meta.main && option("processes", 0) > 0) {
  await inProcesses(option("processes", 0));
} else if (import.meta.main) {
  const runs: [string, () => unknown][] = [
    ["Promise.all of async functions (baseline)", promiseAll],
    ["floor: generators + a small object, no scheduler", generatorsOnly],
    ["floor: + one ready queue (no closures)", minimalScheduler],
    ["floor: + a task object of our size", minimalSchedulerLargeTask],
    ["ours: createTask + gather", oursGather],
    ["ours: taskGroup", oursTaskGroup],
  ];
  const best = await bestOf(runs);
  const base = best.get(runs[0][0])!;
  console.log(`| ${N.toLocaleString("en")} coroutines | best of ${ROUNDS} | of Promise.all |`);
  console.log("|---|---|---|");
  for (const [name] of runs) {
    const ms = best.get(name)!;
    console.log(`| ${name} | ${ms.toFixed(1)} ms | ${(base / ms * 100).toFixed(0)}% |`);
  }
}
