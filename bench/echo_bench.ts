// Echo benchmark: our protocol echo servers (a Protocol, and the zero-copy
// BufferedProtocol) and our streams echo server against a raw `Deno.listen`
// echo server (the baseline), each in its own process on 127.0.0.1, loaded
// in turn by the same load client in another process (bench/_echo_load.ts:
// 50 connections, one message in flight per connection). Rounds are
// interleaved (raw, protocol, buffered, streams, raw, ...) so drifts in
// machine load hit every server alike; the table shows the median rate and
// the median of the per-round ratios to raw.
//
//   deno task bench:echo                         (3 rounds of 4 s per run)
//   deno run --allow-all bench/echo_bench.ts --rounds 5 --seconds 6 --connections 50
//
// Targets: protocol echo >= 95% of raw Deno (both protocol servers are held
// to it), streams echo >= 85%. The exit code is 1 if a target is missed.

// node:url: Deno has no built-in to turn a file URL into a path (Windows-safe).
import { fileURLToPath } from "node:url";

const SERVERS = ["raw", "protocol", "buffered", "streams"] as const;
type ServerKind = typeof SERVERS[number];
const SIZES = [100, 16 * 1024];
const TARGETS: Record<ServerKind, number> = {
  raw: 1,
  protocol: 0.95,
  buffered: 0.95,
  streams: 0.85,
};

function option(name: string, fallback: number): number {
  const at = Deno.args.indexOf(`--${name}`);
  return at >= 0 ? Number(Deno.args[at + 1]) : fallback;
}

const ROUNDS = option("rounds", 3);
const SECONDS = option("seconds", 4);
const CONNECTIONS = option("connections", 50);
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/** Starts an echo server process and returns it with the port it printed. */
async function startServer(kind: ServerKind): Promise<[Deno.ChildProcess, number]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", here("./_echo_servers.ts"), kind],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the ${kind} server exited before printing its port`);
    text += value;
  }
  reader.releaseLock();
  return [child, Number(text.split("\n")[0])];
}

async function stopServer(child: Deno.ChildProcess): Promise<void> {
  child.kill("SIGKILL");
  await child.status;
  await child.stdout.cancel().catch(() => {});
}

/** One run: a fresh server process loaded for SECONDS; returns messages/s. */
async function measure(kind: ServerKind, size: number): Promise<number> {
  const [server, port] = await startServer(kind);
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        here("./_echo_load.ts"),
        ...[port, CONNECTIONS, size, SECONDS].map(String),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    if (out.code !== 0) throw new Error(`load client failed on ${kind}: ${stderr}`);
    return JSON.parse(new TextDecoder().decode(out.stdout)).rate;
  } finally {
    await stopServer(server);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/**
 * Prints the table and returns whether every target was met. The ratio to
 * raw is the median of the per-round ratios: each round measures every
 * server back to back, so a ratio compares runs made under the same machine
 * load (the rates themselves drift with whatever else the machine does).
 */
function report(rates: Map<string, number[]>): boolean {
  let ok = true;
  console.log(
    `\n${pad("server", 10)}${pad("size", 8, true)}${pad("msg/s (median)", 16, true)}` +
      `${pad("vs raw", 9, true)}${pad("target", 9, true)}  per round: msg/s (vs raw)`,
  );
  for (const size of SIZES) {
    const raw = rates.get(`raw/${size}`)!;
    for (const kind of SERVERS) {
      const all = rates.get(`${kind}/${size}`)!;
      const ratios = all.map((r, i) => r / raw[i]);
      const ratio = median(ratios);
      const met = kind === "raw" || ratio >= TARGETS[kind];
      ok &&= met;
      const target = kind === "raw" ? "baseline" : `${Math.round(TARGETS[kind] * 100)}%`;
      const rounds = all.map((r, i) => `${Math.round(r)} (${Math.round(ratios[i] * 100)}%)`);
      console.log(
        pad(kind, 10) + pad(size === 100 ? "100 B" : "16 KiB", 8, true) +
          pad(Math.round(median(all)).toLocaleString("en-US"), 16, true) +
          pad(`${(ratio * 100).toFixed(1)}%`, 9, true) + pad(target, 9, true) +
          (met ? "  " : " !") + rounds.join(" "),
      );
    }
  }
  return ok;
}

async function main(): Promise<void> {
  console.log(
    `echo benchmark: ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} rounds, ` +
      `Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} CPUs`,
  );
  const rates = new Map<string, number[]>();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const size of SIZES) {
      for (const kind of SERVERS) {
        const rate = await measure(kind, size);
        const key = `${kind}/${size}`;
        rates.set(key, [...(rates.get(key) ?? []), rate]);
        console.log(`round ${round}: ${pad(key, 16)} ${Math.round(rate)} msg/s`);
      }
    }
  }
  if (!report(rates)) Deno.exitCode = 1;
}

await main();
