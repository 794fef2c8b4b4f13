// The load client of the echo benchmark, in its own process:
//
//   deno run --allow-net bench/_echo_load.ts PORT CONNECTIONS SIZE SECONDS
//
// Opens CONNECTIONS connections to 127.0.0.1:PORT; on each, sends a SIZE-byte
// message and waits for the whole echo before sending the next. After a
// short warm-up it counts complete round trips for SECONDS seconds and
// prints one JSON line: {"messages": n, "seconds": s, "rate": n / s}.
// Plain Deno only, so every server is loaded by the same client.

const WARMUP_SECONDS = 0.5;

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let at = 0;
  while (at < data.length) at += await conn.write(data.subarray(at));
}

/** Round trips on one connection until `state.stop`; counts those in the window. */
async function pingPong(
  conn: Deno.Conn,
  message: Uint8Array,
  state: { counting: boolean; stop: boolean; messages: number },
): Promise<void> {
  const buf = new Uint8Array(Math.max(message.length, 64 * 1024));
  while (!state.stop) {
    await writeAll(conn, message);
    let got = 0;
    while (got < message.length) {
      const n = await conn.read(buf);
      if (n === null) throw new Error("the server closed the connection");
      got += n;
    }
    if (got !== message.length) throw new Error(`echoed ${got} bytes for ${message.length}`);
    if (state.counting) state.messages++;
  }
}

async function main(): Promise<void> {
  const [port, connections, size, seconds] = Deno.args.map(Number);
  const message = new Uint8Array(size).map((_, i) => i & 0xff);
  const conns = await Promise.all(
    Array.from({ length: connections }, () => Deno.connect({ hostname: "127.0.0.1", port })),
  );
  const state = { counting: false, stop: false, messages: 0 };
  const done = Promise.all(conns.map((c) => pingPong(c, message, state)));
  await new Promise((r) => setTimeout(r, WARMUP_SECONDS * 1000));
  state.counting = true;
  const start = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  state.counting = false;
  const elapsed = (performance.now() - start) / 1000;
  const messages = state.messages;
  state.stop = true;
  await done;
  for (const c of conns) c.close();
  console.log(JSON.stringify({ messages, seconds: elapsed, rate: messages / elapsed }));
}

await main();
