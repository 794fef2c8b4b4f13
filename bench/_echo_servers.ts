// The echo servers the echo benchmark compares, one per process:
//
//   deno run --allow-net bench/_echo_servers.ts raw|protocol|buffered|streams
//
// Each listens on 127.0.0.1 (any free port), prints the port on its first
// line, and serves until it is killed (SIGTERM: a clean exit, so
// `deno run --cpu-prof bench/_echo_servers.ts protocol` writes a profile).
//
// - raw: the baseline, plain Deno (`Deno.listen`, one read/write loop per
//   connection), the fastest a Deno echo server is without a library;
// - protocol: our Protocol echo (examples/echo_protocol.ts) on a
//   SelectorEventLoop: each read is delivered as a new Uint8Array;
// - buffered: the same example's zero-copy BufferedProtocol echo (reads into
//   its own buffer, one message at a time, as the raw server does);
// - streams: our streams echo (examples/echo_streams.ts: StreamReader.read,
//   StreamWriter.write + drain).

import { run } from "../mod.ts";
import { startEchoServer as protocolEcho } from "../examples/echo_protocol.ts";
import { startEchoServer as streamsEcho } from "../examples/echo_streams.ts";

async function rawConnection(conn: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      await conn.write(buf.subarray(0, n));
    }
  } catch {
    // The load client went away.
  } finally {
    conn.close();
  }
}

async function raw(): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  console.log((listener.addr as Deno.NetAddr).port);
  for await (const conn of listener) rawConnection(conn);
}

// Exit cleanly on SIGTERM, so `--cpu-prof` can write its profile.
if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", () => Deno.exit(0));

const kind = Deno.args[0];
if (kind === "raw") await raw();
else if (kind === "protocol" || kind === "buffered" || kind === "streams") {
  await run(function* () {
    const server = yield* (kind === "streams"
      ? streamsEcho()
      : protocolEcho("127.0.0.1", 0, kind === "buffered"));
    console.log((server.sockets[0].getsockname() as [string, number])[1]);
    yield* server.serveForever();
  }());
} else {
  console.error("usage: _echo_servers.ts raw|protocol|buffered|streams");
  Deno.exit(2);
}
