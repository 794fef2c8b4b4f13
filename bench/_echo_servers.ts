// The echo servers the echo benchmark compares, one per process:
//
//   deno run --allow-net bench/_echo_servers.ts KIND
//
// Each listens on 127.0.0.1 (any free port), prints the port on its first
// line, and serves until it is killed (SIGTERM: a clean exit, so
// `deno run --cpu-prof bench/_echo_servers.ts protocol` writes a profile).
//
// - raw: the baseline, plain Deno (`Deno.listen`, one read/write loop per
//   connection), the fastest a Deno echo server is without a library;
// - raw-owned: the same loop, but each read is handed on as a Uint8Array of
//   its own (`buf.slice(0, n)`), which is what any API that gives its user
//   the received chunks (a Protocol, a StreamReader) has to do: the cost of
//   a fresh buffer per read in plain Deno, with no library around it;
// - raw-readable: plain Deno's own chunk API, `conn.readable` (a reader
//   per connection, each chunk written back);
// - protocol: our Protocol echo (examples/echo_protocol.ts) on a
//   SelectorEventLoop: each read is delivered as a new Uint8Array;
// - buffered: the same example's zero-copy BufferedProtocol echo (reads into
//   its own buffer, one message at a time, as the raw server does);
// - streams: our streams echo (examples/echo_streams.ts: StreamReader.read,
//   StreamWriter.write + drain).

import { run } from "../mod.ts";
import { startEchoServer as protocolEcho } from "../examples/echo_protocol.ts";
import { startEchoServer as streamsEcho } from "../examples/echo_streams.ts";

/**
 * The raw echo loop; with `owned`, each read is copied into a buffer of its
 * own before it is written back (raw-owned).
 */
function rawConnection(owned: boolean): (conn: Deno.Conn) => Promise<void> {
  return async (conn) => {
    const buf = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await conn.read(buf);
        if (n === null) break;
        await conn.write(owned ? buf.slice(0, n) : buf.subarray(0, n));
      }
    } catch {
      // The load client went away.
    } finally {
      conn.close();
    }
  };
}

async function rawReadableConnection(conn: Deno.Conn): Promise<void> {
  const reader = conn.readable.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      await conn.write(value);
    }
  } catch {
    // The load client went away.
  } finally {
    reader.releaseLock();
    try {
      conn.close();
    } catch {
      // The readable stream already closed it.
    }
  }
}

async function raw(serve: (conn: Deno.Conn) => Promise<void>): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  console.log((listener.addr as Deno.NetAddr).port);
  for await (const conn of listener) serve(conn);
}

// Exit cleanly on SIGTERM, so `--cpu-prof` can write its profile.
if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", () => Deno.exit(0));

const kind = Deno.args[0];
if (kind === "raw") await raw(rawConnection(false));
else if (kind === "raw-owned") await raw(rawConnection(true));
else if (kind === "raw-readable") await raw(rawReadableConnection);
else if (kind === "protocol" || kind === "buffered" || kind === "streams") {
  await run(function* () {
    const server = yield* (kind === "streams"
      ? streamsEcho()
      : protocolEcho("127.0.0.1", 0, kind === "buffered"));
    console.log(server.sockets[0].getsockname()[1]);
    yield* server.serveForever();
  }());
} else {
  console.error("usage: _echo_servers.ts raw|raw-owned|raw-readable|protocol|buffered|streams");
  Deno.exit(2);
}
