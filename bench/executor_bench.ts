// Parallel speed-up of CPU-bound work through loop.runInExecutor() and the
// default executor (a pool of Web Workers sized to the machine), against
// the same chunks run one after another on the main thread (the baseline).
// `deno bench --allow-all bench/executor_bench.ts` prints the ratio; on a
// 2-core machine expect close to 2x. Starting the workers is setup, outside
// the timed part.

import { gather, SelectorEventLoop } from "../mod.ts";
import { WorkerPoolExecutor } from "../loops/executor/mod.ts";

/** How many chunks of the range one iteration counts primes in. */
const CHUNKS = 8;
/** The numbers each chunk sieves. */
const CHUNK_SIZE = 4_000_000;
const RUNS = { n: 10, warmup: 2 };
/** Chunks each worker runs before timing starts. */
const WARM_CHUNKS = 32;

/** Counts the primes in [lo, hi) with a segmented sieve: self-contained, so it can go to a worker. */
function countPrimes(lo: number, hi: number): number {
  const limit = Math.floor(Math.sqrt(hi)) + 1;
  const small = new Uint8Array(limit + 1);
  const seg = new Uint8Array(hi - lo);
  for (let p = 2; p <= limit; p++) {
    if (small[p]) continue;
    for (let m = p * p; m <= limit; m += p) small[m] = 1;
    for (let m = Math.max(p * p, Math.ceil(lo / p) * p); m < hi; m += p) seg[m - lo] = 1;
  }
  let count = 0;
  for (let i = Math.max(lo, 2); i < hi; i++) if (!seg[i - lo]) count++;
  return count;
}

const ranges: [number, number][] = Array.from(
  { length: CHUNKS },
  (_, i) => [i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE],
);
const EXPECTED = ranges.reduce((sum, [lo, hi]) => sum + countPrimes(lo, hi), 0);

function check(total: number): void {
  if (total !== EXPECTED) throw new Error(`wrong prime count: ${total} !== ${EXPECTED}`);
}

Deno.bench("serial on the main thread", { group: "prime sieve", baseline: true, ...RUNS }, () => {
  check(ranges.reduce((sum, [lo, hi]) => sum + countPrimes(lo, hi), 0));
});

const workers = Math.max(1, navigator.hardwareConcurrency);

Deno.bench(
  `runInExecutor, default pool (${workers} workers)`,
  { group: "prime sieve", ...RUNS },
  async (b) => {
    const loop = new SelectorEventLoop();
    const pool = new WorkerPoolExecutor();
    loop.setDefaultExecutor(pool);
    // Start every worker and let each compile and optimize the function on
    // a few full-size chunks before timing (V8 tiers code up per thread).
    const warm = Array.from(
      { length: pool.maxWorkers * WARM_CHUNKS },
      (_, i) => loop.runInExecutor(null, countPrimes, ...ranges[i % CHUNKS]),
    );
    await loop.runUntilComplete(gather(...warm));
    b.start();
    const counts = await loop.runUntilComplete(
      gather(...ranges.map(([lo, hi]) => loop.runInExecutor(null, countPrimes, lo, hi))),
    );
    b.end();
    check(counts.reduce((a, c) => a + c, 0));
    await loop.runUntilComplete(loop.shutdownDefaultExecutor());
    loop.close();
  },
);

// `deno run --allow-all bench/executor_bench.ts`: the same comparison as a
// script, with serial and parallel rounds interleaved on one warmed pool,
// printing the best time of each and their ratio (the least disturbed by
// other work on a shared machine).
if (import.meta.main) {
  const rounds = 20;
  const loop = new SelectorEventLoop();
  const parallel = () =>
    loop.runUntilComplete(
      gather(...ranges.map(([lo, hi]) => loop.runInExecutor(null, countPrimes, lo, hi))),
    );
  let serialBest = Infinity, poolBest = Infinity;
  for (let r = 0; r < rounds + 5; r++) {
    let t = performance.now();
    check(ranges.reduce((sum, [lo, hi]) => sum + countPrimes(lo, hi), 0));
    const serial = performance.now() - t;
    t = performance.now();
    check((await parallel()).reduce((a, c) => a + c, 0));
    const pooled = performance.now() - t;
    if (r >= 5) [serialBest, poolBest] = [Math.min(serialBest, serial), Math.min(poolBest, pooled)];
  }
  await loop.runUntilComplete(loop.shutdownDefaultExecutor());
  loop.close();
  console.log(`${CHUNKS} prime-sieve chunks, best of ${rounds} (first 5 rounds warm up):`);
  console.log(`  serial on the main thread: ${serialBest.toFixed(1)} ms`);
  console.log(`  runInExecutor, default pool (${workers} workers): ${poolBest.toFixed(1)} ms`);
  console.log(`  speed-up: ${(serialBest / poolBest).toFixed(2)}x`);
}
