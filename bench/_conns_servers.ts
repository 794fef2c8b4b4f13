// The Deno echo servers of `deno task bench:conns`, one per process:
//
//   deno run --allow-net bench/_conns_servers.ts protocol|streams|raw BACKLOG [BUFFER]
//
// Each listens on 127.0.0.1 (any free port) with the given listen backlog,
// prints the port on its first line, and echoes until it is killed:
//
// - protocol: our Protocol echo (examples/echo_protocol.ts) on the default loop;
// - streams: our streams echo (examples/echo_streams.ts);
// - raw: plain Deno, one `conn.read(buf)` / `conn.write` loop per
//   connection with a BUFFER-byte read buffer of its own (a pending read
//   holds its buffer for as long as the connection idles).

import { getRunningLoop, run, startServer } from "../mod.ts";
import { EchoServerProtocol } from "../examples/echo_protocol.ts";
import { echo } from "../examples/echo_streams.ts";

async function raw(backlog: number, size: number): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0, tcpBacklog: backlog });
  console.log((listener.addr as Deno.NetAddr).port);
  for await (const conn of listener) {
    (async () => {
      const buf = new Uint8Array(size);
      try {
        for (;;) {
          const n = await conn.read(buf);
          if (n === null) break;
          await conn.write(buf.subarray(0, n));
        }
      } catch {
        // The client went away.
      } finally {
        conn.close();
      }
    })();
  }
}

const [kind, backlogArg, bufferArg] = Deno.args;
const backlog = Number(backlogArg ?? 1024);
if (kind === "raw") await raw(backlog, Number(bufferArg ?? 65536));
else if (kind === "protocol" || kind === "streams") {
  await run(function* () {
    const server = yield* (kind === "streams"
      ? startServer(echo, "127.0.0.1", 0, { backlog })
      : getRunningLoop().createServer(
        () =>
          new EchoServerProtocol(),
        "127.0.0.1",
        0,
        {
          backlog,
        },
      ));
    console.log(server.sockets[0].getsockname()[1]);
    yield* server.serveForever();
  }());
} else {
  console.error("usage: _conns_servers.ts protocol|streams|raw BACKLOG [BUFFER]");
  Deno.exit(2);
}
