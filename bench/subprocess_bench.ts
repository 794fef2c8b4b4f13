// Spawn benchmark: 300 `/bin/true` children, 20 at a time, through
// `createSubprocessExec()` + `wait()` (our loop, streams inherited as in
// asyncio) against raw `new Deno.Command("/bin/true").spawn()` + `status`
// (the baseline), in the same process. Rounds are interleaved (raw, ours,
// raw, ours, ...) so drifts in machine load hit both alike; the table shows
// the median spawns/s over rounds and the ratio to raw.
//
//   deno task bench:spawn
//   deno run --allow-all bench/subprocess_bench.ts --rounds 7 --spawns 300 --parallel 20
//
// Target: ours >= 90% of raw. The exit code is 1 if it is missed.

import { createSubprocessExec, type Process, run } from "../mod.ts";
import { median, option } from "./_script.ts";

const ROUNDS = option("rounds", 7);
const SPAWNS = option("spawns", 300);
const PARALLEL = option("parallel", 20);
const PROGRAM = "/bin/true";
const TARGET = 0.9;

/** Runs `spawn` SPAWNS times, PARALLEL at a time; returns spawns per second. */
async function measure(spawnOne: () => Promise<number>): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < SPAWNS) {
      next++;
      const code = await spawnOne();
      if (code !== 0) throw new Error(`${PROGRAM} exited with ${code}`);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return SPAWNS / ((performance.now() - start) / 1000);
}

/** The baseline: Deno's own API, nothing else. */
function rawSpawn(): Promise<number> {
  const child = new Deno.Command(PROGRAM).spawn();
  return child.status.then((s) => s.code);
}

/** Ours: createSubprocessExec + wait on a running loop. */
async function oursSpawn(): Promise<number> {
  const proc: Process = await createSubprocessExec(PROGRAM);
  return await proc.wait();
}

const raw: number[] = [];
const ours: number[] = [];
await run(async () => {
  await measure(rawSpawn); // warm-up of both paths, not counted
  await measure(oursSpawn);
  for (let round = 0; round < ROUNDS; round++) {
    raw.push(await measure(rawSpawn));
    ours.push(await measure(oursSpawn));
  }
});

const rawMedian = median(raw);
const oursMedian = median(ours);
const ratio = oursMedian / rawMedian;
const fmt = (n: number) => n.toFixed(0).padStart(8);
console.log(
  `spawn ${PROGRAM}: ${SPAWNS} per round, ${PARALLEL} at a time, ${ROUNDS} rounds (median)`,
);
console.log(`  raw Deno.Command    ${fmt(rawMedian)} spawns/s   rounds: ${raw.map(fmt).join("")}`);
console.log(
  `  createSubprocessExec${fmt(oursMedian)} spawns/s   rounds: ${ours.map(fmt).join("")}`,
);
console.log(`  ratio ${(ratio * 100).toFixed(1)}% of raw (target >= ${TARGET * 100}%)`);
if (ratio < TARGET) Deno.exitCode = 1;
