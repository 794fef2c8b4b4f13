// Child process of many_connections_test.ts, the clients:
//
//   deno run --allow-net tests/loops/net/_many_clients.ts PORT COUNT
//
// Opens COUNT connections to 127.0.0.1:PORT (at most IN_FLIGHT connects at
// a time, so the server's accept queue never overflows), sends 100 bytes
// of its own on each (its index, padded) and reads them back, keeping every
// connection open. Prints one JSON line once all are open and echoed:
// {"open": N, "echoed": N, "wrong": N}; then reads each connection to its
// end (the server closes them) and prints "closed". A failure prints its
// error and exits with 1.

const IN_FLIGHT = 200;
const SIZE = 100;
const [port, count] = Deno.args.map(Number);
const enc = new TextEncoder();

const conns: Deno.Conn[] = [];
let echoed = 0;
let wrong = 0;
let next = 0;

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  for (let at = 0; at < data.length;) at += await conn.write(data.subarray(at));
}

async function one(index: number): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  conns.push(conn);
  const message = enc.encode(`connection ${index} `.padEnd(SIZE, "."));
  await writeAll(conn, message);
  const back = new Uint8Array(SIZE);
  for (let got = 0; got < SIZE;) {
    const n = await conn.read(back.subarray(got));
    if (n === null) throw new Error(`connection ${index}: closed after ${got} bytes`);
    got += n;
  }
  if (back.every((b, i) => b === message[i])) echoed++;
  else wrong++;
}

async function worker(): Promise<void> {
  while (next < count) await one(next++);
}

try {
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, worker));
  console.log(JSON.stringify({ open: conns.length, echoed, wrong }));
  const byte = new Uint8Array(1);
  await Promise.all(conns.map(async (conn) => {
    try {
      while (await conn.read(byte) !== null) {
        // Nothing more is sent; wait for the end.
      }
    } finally {
      conn.close();
    }
  }));
  console.log("closed");
} catch (e) {
  console.log(`error: ${e}`);
  for (const conn of conns) {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }
  Deno.exit(1);
}
