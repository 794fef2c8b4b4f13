// Echo benchmark: our protocol echo servers (a Protocol, and the zero-copy
// BufferedProtocol) and our streams echo server against a raw `Deno.listen`
// echo server (the baseline), each in its own process on 127.0.0.1, loaded
// in turn by the same load client in another process (bench/_echo_load.ts:
// 50 connections, one message in flight per connection). Rounds are
// interleaved finely: all the servers run at once, and the load client
// loads one at a time, in turn, in slices of 0.25 s until each has had its
// seconds, so drifts in machine load (this machine is shared) hit every
// server alike. The table shows the median rate over the rounds and the
// median of the per-round ratios.
//
// Two more plain-Deno servers are measured as references, not targets:
// raw-owned copies each read into a Uint8Array of its own before writing it
// back (the one thing a Protocol or a StreamReader must do that the raw
// server does not: hand its user a chunk the user owns), and raw-readable
// uses Deno's own chunk API, `conn.readable`. The "vs owned" column compares
// every server with raw-owned.
//
//   deno task bench:echo                  (3 rounds, 3 s per server per round)
//   deno run --allow-all bench/echo_bench.ts --rounds 5 --seconds 6 --slice 0.25 \
//     --connections 50 --size 16384
//
// Targets (settled in the developers' guide, explained in bench/README.md):
// an API that hands its user a chunk the user owns (Protocol.dataReceived,
// StreamReader.read) is held to raw-owned, the plain-Deno echo that does the
// same: Protocol >= 95% of raw-owned, streams >= 85% of raw-owned. The
// zero-copy BufferedProtocol is held to raw itself: >= 95% of raw. The exit
// code is 1 if a target is missed.

// node:url: Deno has no built-in to turn a file URL into a path (Windows-safe).
import { fileURLToPath } from "node:url";
import { firstLine, median, option, pad } from "./_script.ts";

const SERVERS = ["raw", "raw-owned", "raw-readable", "protocol", "buffered", "streams"] as const;
type ServerKind = typeof SERVERS[number];
/** A server's target: the ratio it must reach to one of the baselines. */
interface Target {
  ratio: number;
  /** raw, or raw-owned for the APIs that hand their user a chunk it owns. */
  of: "raw" | "raw-owned";
}

/** Each server's target; null: a reference, not held to one. */
const TARGETS: Record<ServerKind, Target | null> = {
  "raw": null,
  "raw-owned": null,
  "raw-readable": null,
  "protocol": { ratio: 0.95, of: "raw-owned" },
  "buffered": { ratio: 0.95, of: "raw" },
  "streams": { ratio: 0.85, of: "raw-owned" },
};

const ROUNDS = option("rounds", 3);
const SECONDS = option("seconds", 3);
const SLICE = option("slice", 0.25);
const CONNECTIONS = option("connections", 50);
const SIZES = Deno.args.includes("--size") ? [option("size", 100)] : [100, 16 * 1024];
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/** Starts an echo server process and returns it with the port it printed. */
async function startServer(kind: ServerKind): Promise<[Deno.ChildProcess, number]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", here("./_echo_servers.ts"), kind],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  return [child, Number(await firstLine(child, `the ${kind} server`))];
}

async function stopServer(child: Deno.ChildProcess): Promise<void> {
  child.kill("SIGKILL");
  await child.status;
  await child.stdout.cancel().catch(() => {});
}

/** CPU seconds (user + system) a process has used, where /proc tells (Linux). */
function cpuSeconds(pid: number): number | null {
  try {
    const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
    // utime and stime: fields 14 and 15 of stat(5), in clock ticks (100 per second).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** A round's result for one server. */
interface Measured {
  rate: number;
  /** Server CPU (user + system) per round trip in µs; null where unknown. */
  cpu: number | null;
}

/**
 * One round at one message size: a fresh process for every server, all
 * loaded by one load client that gives each in turn a slice of SLICE
 * seconds until each has had SECONDS. Returns each server's messages/s and
 * CPU per message (over every round trip it served, warm-up included).
 */
async function measureRound(size: number): Promise<Measured[]> {
  const servers: Deno.ChildProcess[] = [];
  try {
    const ports: number[] = [];
    for (const kind of SERVERS) {
      const [server, port] = await startServer(kind);
      servers.push(server);
      ports.push(port);
    }
    const before = servers.map((s) => cpuSeconds(s.pid));
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        here("./_echo_load.ts"),
        ...[size, CONNECTIONS, SECONDS, SLICE, ...ports].map(String),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    if (out.code !== 0) throw new Error(`load client failed: ${stderr}`);
    const after = servers.map((s) => cpuSeconds(s.pid));
    const { rates, totals } = JSON.parse(new TextDecoder().decode(out.stdout));
    return servers.map((_, i) => {
      const [b, a] = [before[i], after[i]];
      const cpu = a === null || b === null ? null : ((a - b) / totals[i]) * 1e6;
      return { rate: rates[i], cpu };
    });
  } finally {
    for (const server of servers) await stopServer(server);
  }
}

function sizeName(size: number): string {
  return size % 1024 === 0 ? `${size / 1024} KiB` : `${size} B`;
}

/**
 * Prints the table and returns whether every target was met. A ratio is
 * the median of the per-round ratios: each round measures every server
 * under the same machine load (the rates themselves drift with whatever
 * else the machine does). CPU is the server's own, per round trip: less
 * sensitive to that drift, it shows where a difference comes from.
 */
function report(results: Map<string, Measured[]>): boolean {
  let ok = true;
  console.log(
    `\n${pad("server", 13)}${pad("size", 8, true)}${pad("msg/s (median)", 16, true)}` +
      `${pad("vs raw", 9, true)}${pad("vs owned", 10, true)}${pad("CPU/msg", 10, true)}` +
      `${pad("target", 11, true)}  per round: msg/s (vs raw)`,
  );
  for (const size of SIZES) {
    const raw = results.get(`raw/${size}`)!.map((m) => m.rate);
    const owned = results.get(`raw-owned/${size}`)!.map((m) => m.rate);
    for (const kind of SERVERS) {
      const all = results.get(`${kind}/${size}`)!;
      const rates = all.map((m) => m.rate);
      const ratios = rates.map((r, i) => r / raw[i]);
      const ratio = median(ratios);
      const toOwned = median(rates.map((r, i) => r / owned[i]));
      const cpus = all.flatMap((m) => m.cpu === null ? [] : [m.cpu]);
      const cpu = cpus.length === 0 ? "–" : `${median(cpus).toFixed(1)} µs`;
      const target = TARGETS[kind];
      const met = target === null || (target.of === "raw" ? ratio : toOwned) >= target.ratio;
      ok &&= met;
      const shown = kind === "raw"
        ? "baseline"
        : target === null
        ? "ref."
        : `${target.ratio * 100}% ${target.of === "raw" ? "raw" : "own"}`;
      const rounds = rates.map((r, i) => `${Math.round(r)} (${Math.round(ratios[i] * 100)}%)`);
      console.log(
        pad(kind, 13) + pad(sizeName(size), 8, true) +
          pad(Math.round(median(rates)).toLocaleString("en-US"), 16, true) +
          pad(`${(ratio * 100).toFixed(1)}%`, 9, true) +
          pad(`${(toOwned * 100).toFixed(1)}%`, 10, true) + pad(cpu, 10, true) +
          pad(shown, 11, true) + (met ? "  " : " !") + rounds.join(" "),
      );
    }
  }
  return ok;
}

async function main(): Promise<void> {
  console.log(
    `echo benchmark: ${CONNECTIONS} connections per server, ${SECONDS} s per server in ` +
      `${SLICE} s slices, ${ROUNDS} rounds, Deno ${Deno.version.deno}, ` +
      `${navigator.hardwareConcurrency} CPUs`,
  );
  const results = new Map<string, Measured[]>();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const size of SIZES) {
      const measured = await measureRound(size);
      SERVERS.forEach((kind, i) => {
        const key = `${kind}/${size}`;
        results.set(key, [...(results.get(key) ?? []), measured[i]]);
      });
      console.log(
        `round ${round}, ${sizeName(size)}: ` +
          SERVERS.map((kind, i) => `${kind} ${Math.round(measured[i].rate)}`).join(", "),
      );
    }
  }
  if (!report(results)) Deno.exitCode = 1;
}

await main();
