// Every core: an echo server spread over Workers, one event loop each, all
// serving the same port.
//
//   deno run --unstable-net --allow-net --allow-read examples/multicore_echo.ts [--workers N] [--port P]
//     [--work MICROSECONDS]
//
// The main thread starts N Workers (default: one per CPU). Each Worker is a
// realm of its own: it imports the library afresh, so it has its own event
// loop policy, its own current loop and its own child watcher, and `run()`
// there makes and closes that Worker's loop; nothing is shared with the main
// thread or the other Workers. Each Worker's server listens on the same
// address with `reusePort` (SO_REUSEPORT): the kernel spreads incoming
// connections over the listening sockets, and each connection is served by
// one Worker's loop from its accept to its close. `reusePort` needs Deno's
// `--unstable-net`; without it the example says so and exits with 2.
//
// It prints `serving on HOST:PORT with N workers` once every Worker
// listens. SIGINT (Ctrl+C) or SIGTERM stops it: each Worker closes its server
// and its connections, then the main thread prints how many connections and
// bytes each Worker served and exits. `--work` makes each chunk cost that
// much CPU before it is echoed (a stand-in for a handler that does
// something; the benchmark uses it to show the Workers scale with the work).

import { getRunningLoop, run } from "../mod.ts";
import { Protocol, type Transport } from "../loops/protocols_mod.ts";

/** What a Worker is told: start serving (on `port`, 0 for any; `work` rounds per chunk), or stop. */
type ToWorker = { type: "start"; host: string; port: number; work: number } | { type: "stop" };
/** What a Worker answers: listening on `port`, failed, or stopped with its counts. */
type FromWorker =
  | { type: "ready"; port: number }
  | { type: "failed"; error: string }
  | { type: "stopped"; connections: number; bytes: number };

/** The counts of one Worker's server. */
const served = { connections: 0, bytes: 0 };
/** Rounds of busy work per chunk (`--work`, calibrated from microseconds). */
let workRounds = 0;
let sink = 0;

/** CPU work of `rounds` rounds: the stand-in for a handler's work. */
function busy(rounds: number): void {
  let x = sink;
  for (let i = 0; i < rounds; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  sink = x;
}

/** How many rounds of `busy()` take `micros` microseconds on this machine (best of 5). */
function calibrate(micros: number): number {
  const probe = 2_000_000;
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    busy(probe);
    best = Math.min(best, performance.now() - start);
  }
  return Math.round((probe / (best * 1000)) * micros);
}

/** Writes back every chunk it receives; closes when the client has finished sending. */
class CountingEcho extends Protocol {
  #transport: Transport | null = null;

  override connectionMade(transport: Transport): void {
    this.#transport = transport;
    served.connections++;
  }

  override dataReceived(data: Uint8Array): void {
    served.bytes += data.length;
    if (workRounds > 0) busy(workRounds);
    this.#transport!.write(data);
  }
}

/** A Worker: one loop serving `host:port` with reusePort until the main thread says stop. */
function worker(): void {
  const scope = self as unknown as {
    postMessage(message: FromWorker): void;
    onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
    close(): void;
  };
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => stop = resolve);
  scope.onmessage = async ({ data }) => {
    if (data.type === "stop") {
      stop();
      return;
    }
    workRounds = data.work;
    try {
      await run(async () => {
        const server = await getRunningLoop().createServer(
          () => new CountingEcho(),
          data.host,
          data.port,
          { reusePort: true, backlog: 1024 },
        );
        scope.postMessage({ type: "ready", port: server.sockets[0].getsockname()[1] });
        await stopped;
        server.close();
        server.closeClients();
        await server.waitClosed();
      });
      scope.postMessage({ type: "stopped", ...served });
    } catch (e) {
      scope.postMessage({ type: "failed", error: String(e) });
    }
    scope.close();
  };
}

/** Whether Deno runs with --unstable-net (what reusePort needs). */
function hasUnstableNet(): boolean {
  return typeof (Deno as { listenDatagram?: unknown }).listenDatagram === "function";
}

function option(name: string, fallback: number): number {
  const at = Deno.args.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(Deno.args[at + 1]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} takes a whole number, got ${Deno.args[at + 1]}`);
    Deno.exit(2);
  }
  return value;
}

/** Starts a Worker serving `host:port`; resolves with the port once it listens. */
function startWorker(w: Worker, host: string, port: number, work: number): Promise<number> {
  return new Promise((resolve, reject) => {
    w.onmessage = ({ data }: MessageEvent<FromWorker>) => {
      if (data.type === "ready") resolve(data.port);
      else if (data.type === "failed") reject(new Error(data.error));
    };
    w.onerror = (e) => {
      e.preventDefault();
      reject(new Error(e.message));
    };
    w.postMessage({ type: "start", host, port, work } satisfies ToWorker);
  });
}

/** Asks a Worker to stop; resolves with its counts. */
function stopWorker(w: Worker): Promise<{ connections: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    w.onmessage = ({ data }: MessageEvent<FromWorker>) => {
      if (data.type === "stopped") resolve(data);
      else if (data.type === "failed") reject(new Error(data.error));
    };
    w.postMessage({ type: "stop" } satisfies ToWorker);
  });
}

async function main(): Promise<void> {
  if (!hasUnstableNet()) {
    console.error(
      "multicore_echo.ts: every Worker listens on the same port with reusePort, which needs " +
        "Deno's --unstable-net flag:\n  deno run --unstable-net --allow-net --allow-read examples/multicore_echo.ts",
    );
    Deno.exit(2);
  }
  const count = option("workers", navigator.hardwareConcurrency) || 1;
  const host = "127.0.0.1";
  const workers = Array.from(
    { length: count },
    () => new Worker(import.meta.url, { type: "module" }),
  );
  let port: number;
  try {
    // The first Worker takes the port (any free one for 0); the others join it.
    const micros = option("work", 0);
    const work = micros > 0 ? calibrate(micros) : 0;
    port = await startWorker(workers[0], host, option("port", 0), work);
    await Promise.all(workers.slice(1).map((w) => startWorker(w, host, port, work)));
  } catch (e) {
    console.error(`multicore_echo.ts: a worker could not listen: ${(e as Error).message}`);
    for (const w of workers) w.terminate();
    Deno.exit(1);
  }
  console.log(`serving on ${host}:${port} with ${count} workers`);
  const signalled = new Promise<void>((resolve) => {
    const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
    for (const signal of signals) Deno.addSignalListener(signal, () => resolve());
  });
  await signalled;
  const counts = await Promise.all(workers.map(stopWorker));
  counts.forEach((c, i) => {
    console.log(`worker ${i + 1}: ${c.connections} connections, ${c.bytes} bytes`);
  });
  Deno.exit(0);
}

if (typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === "function") {
  worker();
} else if (import.meta.main) await main();
