// Memory per idle connection: how much a server's resident memory grows per
// connection it holds while the connection idles. Each server runs in its
// own process on 127.0.0.1; a client in another process
// (bench/_conns_client.py) opens CONNECTIONS connections to it, echoes 100
// bytes once on each and keeps them all open; the server's RSS growth
// (/proc/PID/status, VmRSS) over that, divided by CONNECTIONS, is the figure.
// Before measuring, a warm-up client opens and closes a tenth as many
// connections, so the JIT and the allocators have warmed up on the same path.
//
// The servers, each measured in the same run, in turn (round by round, so a
// change in machine load hits them alike):
// - ours: the Protocol echo and the streams echo (bench/_conns_servers.ts);
// - plain Deno with a 64 KiB, a 16 KiB and a 1 KiB read buffer per
//   connection (a pending `conn.read(buf)` holds its buffer while idle);
// - CPython asyncio and uvloop, Protocol and streams (bench/_conns_peer.py;
//   skipped when python3 or uvloop is missing).
//
//   deno task bench:conns                     (10,000 connections, 1 round)
//   deno run --allow-all bench/conns_bench.ts --connections 5000 --rounds 3 --settle 2 \
//     --only ours,"1 kib"      (the servers whose names contain one of these)
//
// Target: our Protocol and streams servers hold at most 10 KB (10,000
// bytes) per idle connection; the exit code is 1 if one is over. The
// soft limit on open files is raised to the hard limit for the servers
// (through `sh -c ulimit`) and the client (Python's setrlimit).

// node:url: Deno has no built-in to turn a file URL into a path (Windows-safe).
import { fileURLToPath } from "node:url";
import { median, option, pad } from "./_script.ts";

const CONNECTIONS = option("connections", 10_000);
const ROUNDS = option("rounds", 1);
/** Seconds to let a server settle before reading its memory. */
const SETTLE = option("settle", 1.5);
const BACKLOG = 1024;
const TARGET_BYTES = 10_000;
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/** A server to measure: its name, what it is held to, and its command line. */
interface ServerSpec {
  name: string;
  /** Held to TARGET_BYTES (ours), or a reference. */
  target: boolean;
  command: string[];
}

const deno = (kind: string, ...rest: string[]) => [
  Deno.execPath(),
  "run",
  "--allow-net",
  here("./_conns_servers.ts"),
  kind,
  String(BACKLOG),
  ...rest,
];
const python = (runtime: string, kind: string) => [
  "python3",
  here("./_conns_peer.py"),
  runtime,
  kind,
  String(BACKLOG),
];

async function succeeds(cmd: string, ...args: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output();
    return out.success;
  } catch {
    return false;
  }
}

async function servers(): Promise<ServerSpec[]> {
  const list: ServerSpec[] = [
    { name: "ours, Protocol", target: true, command: deno("protocol") },
    { name: "ours, streams", target: true, command: deno("streams") },
    { name: "plain Deno, 64 KiB buffer", target: false, command: deno("raw", "65536") },
    { name: "plain Deno, 16 KiB buffer", target: false, command: deno("raw", "16384") },
    { name: "plain Deno, 1 KiB buffer", target: false, command: deno("raw", "1024") },
  ];
  if (await succeeds("python3", "-c", "import asyncio")) {
    list.push(
      { name: "CPython asyncio, Protocol", target: false, command: python("asyncio", "protocol") },
      { name: "CPython asyncio, streams", target: false, command: python("asyncio", "streams") },
    );
    if (await succeeds("python3", "-c", "import uvloop")) {
      list.push(
        { name: "uvloop, Protocol", target: false, command: python("uvloop", "protocol") },
        { name: "uvloop, streams", target: false, command: python("uvloop", "streams") },
      );
    } else console.log("uvloop is not installed: its rows are skipped");
  } else console.log("python3 is not available: the CPython rows are skipped");
  const only = Deno.args.indexOf("--only");
  if (only < 0) return list;
  const wanted = Deno.args[only + 1].toLowerCase().split(",");
  return list.filter((s) => wanted.some((w) => s.name.toLowerCase().includes(w)));
}

/** Reads lines from a child's stdout. */
class Lines {
  #reader: ReadableStreamDefaultReader<string>;
  #text = "";

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  }

  async next(what: string): Promise<string> {
    while (!this.#text.includes("\n")) {
      const { value, done } = await this.#reader.read();
      if (done) throw new Error(`${what}: the process exited first`);
      this.#text += value;
    }
    const at = this.#text.indexOf("\n");
    const line = this.#text.slice(0, at);
    this.#text = this.#text.slice(at + 1);
    return line;
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }
}

/** Spawns `command` with the soft limit on open files raised to the hard limit. */
function spawnRaised(command: string[], stdin: "piped" | "null"): Deno.ChildProcess {
  return new Deno.Command("sh", {
    args: ["-c", 'ulimit -n "$(ulimit -Hn)" && exec "$@"', "sh", ...command],
    stdin,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

/** Resident memory of a process in bytes (Linux /proc). */
function rss(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = /VmRSS:\s+(\d+) kB/.exec(status);
  if (kb === null) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb[1]) * 1024;
}

const sleep = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000));

/** A client run: opens `count` connections, echoes once on each, holds them until `close()`. */
async function openClients(port: number, count: number) {
  const child = spawnRaised(
    ["python3", here("./_conns_client.py"), String(port), String(count)],
    "piped",
  );
  const lines = new Lines(child.stdout);
  const report = JSON.parse(await lines.next("the client")) as {
    open: number;
    echoed: number;
    seconds: number;
  };
  return {
    report,
    async close(): Promise<void> {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode("close\n"));
      await writer.close();
      await child.status;
      await lines.cancel();
    },
  };
}

/** One measurement of one server. */
interface Measured {
  perConnection: number;
  echoed: number;
  seconds: number;
}

async function measure(spec: ServerSpec): Promise<Measured> {
  const server = spawnRaised(spec.command, "null");
  const lines = new Lines(server.stdout);
  try {
    const port = Number(await lines.next(`the ${spec.name} server`));
    const warm = await openClients(port, Math.max(1, Math.round(CONNECTIONS / 10)));
    await warm.close();
    await sleep(SETTLE);
    const before = rss(server.pid);
    const clients = await openClients(port, CONNECTIONS);
    await sleep(SETTLE);
    const after = rss(server.pid);
    await clients.close();
    return {
      perConnection: (after - before) / CONNECTIONS,
      echoed: clients.report.echoed,
      seconds: clients.report.seconds,
    };
  } finally {
    server.kill("SIGKILL");
    await server.status;
    await lines.cancel();
  }
}

const bytes = (n: number) => Math.round(n).toLocaleString("en-US");

async function main(): Promise<void> {
  console.log(
    `memory per idle connection: ${CONNECTIONS.toLocaleString("en-US")} connections per ` +
      `server, ${ROUNDS} round(s), Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} CPUs`,
  );
  const specs = await servers();
  const results = new Map<string, Measured[]>();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const spec of specs) {
      const m = await measure(spec);
      results.set(spec.name, [...(results.get(spec.name) ?? []), m]);
      console.log(
        `round ${round}: ${spec.name}: ${bytes(m.perConnection)} B/connection ` +
          `(${m.echoed} echoed, connected in ${m.seconds} s)`,
      );
    }
  }
  const medianOf = (name: string) => median(results.get(name)!.map((m) => m.perConnection));
  const floor = results.has("plain Deno, 1 KiB buffer")
    ? medianOf("plain Deno, 1 KiB buffer")
    : null;
  const asyncio = results.has("CPython asyncio, Protocol")
    ? medianOf("CPython asyncio, Protocol")
    : null;
  console.log(
    `\n${pad("server", 28)}${pad("bytes/connection", 18, true)}${pad("vs Deno 1 KiB", 15, true)}` +
      `${pad("vs asyncio", 12, true)}${pad("target", 12, true)}  per round`,
  );
  let ok = true;
  for (const spec of specs) {
    const all = results.get(spec.name)!;
    const value = medianOf(spec.name);
    const lost = all.some((m) => m.echoed !== CONNECTIONS);
    const met = !spec.target || (value <= TARGET_BYTES && !lost);
    ok &&= met;
    console.log(
      pad(spec.name, 28) + pad(bytes(value), 18, true) +
        pad(floor === null ? "–" : `${(value / floor).toFixed(2)}×`, 15, true) +
        pad(asyncio === null ? "–" : `${(value / asyncio).toFixed(1)}×`, 12, true) +
        pad(spec.target ? `≤ ${bytes(TARGET_BYTES)}` : "ref.", 12, true) + (met ? "  " : " !") +
        all.map((m) => bytes(m.perConnection)).join(" ") + (lost ? " (echoes lost)" : ""),
    );
  }
  if (!ok) Deno.exitCode = 1;
}

if (import.meta.main) await main();
