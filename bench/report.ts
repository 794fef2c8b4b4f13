// Runs the scheduler benchmarks and prints, per group, our rate, the plain-JS
// baseline's rate measured in the same run, the ratio, and the issue's targets.
//
//   deno task bench:report            (exit code 1 if a target is missed)
//
// Rates use the fastest iteration of each bench ("best of n"), which is the
// least disturbed by other work on a shared machine; the average is shown too.

import { OPS } from "./_workloads.ts";

interface BenchStats {
  n: number;
  min: number;
  avg: number;
}
interface BenchEntry {
  group: string | null;
  name: string;
  baseline: boolean;
  results: { ok?: BenchStats; failed?: string }[];
}

/** Targets from the issue: a minimum rate (ops/s) and a minimum ratio to the baseline. */
const TARGETS: Record<string, { rate: number; ratio: number }> = {
  "callSoon chain": { rate: 20_000_000, ratio: 0.2 },
  "task switches": { rate: 10_000_000, ratio: 0.25 },
  "timers": { rate: 600_000, ratio: 0.5 },
};

/** Rates measured separately on these machines and given in the issue (ops/s). */
const REFERENCE: Record<string, { cpython: number; uvloop: number }> = {
  "callSoon chain": { cpython: 270_000, uvloop: 480_000 },
  "task switches": { cpython: 1_100_000, uvloop: 1_800_000 },
  "timers": { cpython: 240_000, uvloop: 220_000 },
};

function millions(rate: number): string {
  return (rate / 1e6).toFixed(2) + " M/s";
}

async function runBenches(): Promise<BenchEntry[]> {
  const file = new URL("./scheduler_bench.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["bench", "--json", "--allow-all", file],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`deno bench failed with code ${out.code}`);
  return JSON.parse(new TextDecoder().decode(out.stdout)).benches as BenchEntry[];
}

function stats(entry: BenchEntry): BenchStats {
  const r = entry.results[0];
  if (r?.ok === undefined) throw new Error(`bench "${entry.name}" failed: ${r?.failed}`);
  return r.ok;
}

const benches = await runBenches();
const groups = [...new Set(benches.map((b) => b.group ?? ""))];
const rows: string[] = [
  "| group | ours (best) | ours (avg) | baseline (best) | ratio | target | CPython / uvloop | met |",
  "|---|---|---|---|---|---|---|---|",
];
let missed = 0;
for (const group of groups) {
  const ops = OPS[group];
  const base = benches.find((b) => b.group === group && b.baseline);
  const ours = benches.find((b) => b.group === group && !b.baseline);
  if (ops === undefined || base === undefined || ours === undefined) continue;
  const oursRate = ops / (stats(ours).min / 1e9);
  const oursAvg = ops / (stats(ours).avg / 1e9);
  const baseRate = ops / (stats(base).min / 1e9);
  const ratio = oursRate / baseRate;
  const target = TARGETS[group];
  const ref = REFERENCE[group];
  const met = target === undefined ? "" : oursRate >= target.rate && ratio >= target.ratio;
  if (met === false) missed++;
  rows.push(
    `| ${group} | ${millions(oursRate)} | ${millions(oursAvg)} | ${millions(baseRate)} | ${
      (ratio * 100).toFixed(0)
    }% | ${target ? `≥ ${millions(target.rate)}, ≥ ${target.ratio * 100}%` : "–"} | ${
      ref ? `${millions(ref.cpython)} / ${millions(ref.uvloop)}` : "–"
    } | ${met === "" ? "" : met ? "yes" : "NO"} |`,
  );
}
console.log(rows.join("\n"));
if (missed > 0) {
  console.log(`\n${missed} target(s) missed`);
  Deno.exit(1);
}
