// An echo server and client written with streams.
//
//   deno run --allow-net examples/echo_streams.ts server [port]   # serve on 127.0.0.1
//   deno run --allow-net examples/echo_streams.ts client port [message]
//
// `startEchoServer` is exported for benchmarks: it starts the server on the
// running loop and returns the Server.

import {
  type Coroutine,
  openConnection,
  run,
  startServer,
  type StreamReader,
  type StreamWriter,
} from "../mod.ts";
import type { AbstractServer, InetAddress } from "../loops/protocols_mod.ts";

/** Echoes every chunk back until the client closes its side. */
export function* echo(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
  try {
    for (;;) {
      const data = yield* reader.read(65536);
      if (data.length === 0) break;
      writer.write(data);
      yield* writer.drain();
    }
  } finally {
    writer.close();
  }
}

/**
 * Starts the streams echo server on the running loop.
 *
 * @param host Where to listen (default 127.0.0.1).
 * @param port The port (default 0: any free port).
 * @returns A coroutine of the server; its port is `server.sockets[0].getsockname()[1]`.
 */
export function* startEchoServer(
  host = "127.0.0.1",
  port = 0,
): Coroutine<AbstractServer<InetAddress>> {
  return yield* startServer(echo, host, port);
}

function* serve(port: number): Coroutine<void> {
  const server = yield* startEchoServer("127.0.0.1", port);
  const [host, bound] = server.sockets[0].getsockname();
  console.log(`echo server on ${host}:${bound} (Ctrl-C to stop)`);
  yield* server.serveForever();
}

function* client(port: number, message: string): Coroutine<void> {
  const [reader, writer] = yield* openConnection("127.0.0.1", port);
  writer.write(new TextEncoder().encode(message));
  writer.writeEof();
  const reply = yield* reader.read();
  console.log(`reply: ${new TextDecoder().decode(reply)}`);
  writer.close();
  yield* writer.waitClosed();
}

if (import.meta.main) {
  const [mode = "server", port = "0", message = "hello"] = Deno.args;
  if (mode === "server") await run(serve(Number(port)));
  else if (mode === "client") await run(client(Number(port), message));
  else console.error("usage: echo_streams.ts server [port] | client port [message]");
}
