// The load client of the echo benchmark, in its own process:
//
//   deno run --allow-net bench/_echo_load.ts SIZE CONNECTIONS SECONDS SLICE PORT [PORT ...]
//
// Opens CONNECTIONS connections to each 127.0.0.1:PORT. On a connection it
// sends a SIZE-byte message and waits for the whole echo before sending the
// next. Only one server is loaded at a time: the servers take turns in
// slices of SLICE seconds until each has been loaded for SECONDS in all, so
// a change in machine load during the run (this machine is shared) hits
// every server alike instead of whichever ran at that moment. A slice starts
// only when the previous server's connections have all finished their round
// trip, and counts the round trips completed within it. Each server gets a
// warm-up slice first. Prints one JSON line: {"rates": [msg/s per PORT],
// "totals": [every round trip per PORT, warm-up included]}.
// Plain Deno only, so every server is loaded by the same client.

const WARMUP_SECONDS = 0.5;

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let at = 0;
  while (at < data.length) at += await conn.write(data.subarray(at));
}

/** The connections to one server, and whether they may send. */
class Target {
  counting = false;
  messages = 0;
  /** Every round trip, warm-up and slice ends included. */
  total = 0;
  #active = false;
  #running = 0;
  #wakeUp: (() => void)[] = [];
  #idle: (() => void) | null = null;

  constructor(readonly conns: Deno.Conn[]) {}

  /** Lets the connections send until `stop()`. */
  start(): void {
    this.#active = true;
    const waiting = this.#wakeUp;
    this.#wakeUp = [];
    for (const w of waiting) w();
  }

  /** Stops sending; resolves when every connection has finished its round trip. */
  stop(): Promise<void> {
    this.#active = false;
    if (this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle = resolve);
  }

  /** Round trips on `conn` while active, for ever (until the process exits). */
  async pingPong(conn: Deno.Conn, message: Uint8Array): Promise<void> {
    const buf = new Uint8Array(Math.max(message.length, 64 * 1024));
    for (;;) {
      if (!this.#active) await new Promise<void>((r) => this.#wakeUp.push(r));
      this.#running++;
      await writeAll(conn, message);
      let got = 0;
      while (got < message.length) {
        const n = await conn.read(buf);
        if (n === null) throw new Error("the server closed the connection");
        got += n;
      }
      if (got !== message.length) throw new Error(`echoed ${got} bytes for ${message.length}`);
      if (this.counting) this.messages++;
      this.total++;
      if (--this.#running === 0 && !this.#active) this.#idle?.();
    }
  }
}

const sleep = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000));

/** Loads `target` for `seconds`; returns the seconds actually measured. */
async function slice(target: Target, seconds: number, count: boolean): Promise<number> {
  target.counting = count;
  const start = performance.now();
  target.start();
  await sleep(seconds);
  target.counting = false;
  const elapsed = (performance.now() - start) / 1000;
  await target.stop();
  return elapsed;
}

async function main(): Promise<void> {
  const [size, connections, seconds, sliceSeconds, ...ports] = Deno.args.map(Number);
  const message = new Uint8Array(size).map((_, i) => i & 0xff);
  const targets: Target[] = [];
  for (const port of ports) {
    const conns = await Promise.all(
      Array.from({ length: connections }, () => Deno.connect({ hostname: "127.0.0.1", port })),
    );
    const target = new Target(conns);
    for (const c of conns) {
      target.pingPong(c, message).catch((e) => {
        console.error(String(e));
        Deno.exit(1);
      });
    }
    targets.push(target);
  }
  for (const t of targets) await slice(t, WARMUP_SECONDS, false);
  const measured = targets.map(() => 0);
  const slices = Math.max(1, Math.round(seconds / sliceSeconds));
  for (let s = 0; s < slices; s++) {
    for (let i = 0; i < targets.length; i++) {
      measured[i] += await slice(targets[i], sliceSeconds, true);
    }
  }
  console.log(JSON.stringify({
    rates: targets.map((t, i) => t.messages / measured[i]),
    totals: targets.map((t) => t.total),
  }));
  // The connections end with the process (the servers see a reset or EOF).
  Deno.exit(0);
}

await main();
