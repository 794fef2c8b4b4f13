// The loop's sock* methods against a peer this project did not write:
// Python's asyncio, as the server and as the client.

import assert from "node:assert/strict";
import { Socket } from "../../../loops/net/socket_mod.ts";
import { concat, dec, onLoop, pattern } from "./_net.ts";
import { accept, listening, recv } from "./_socket_pair.ts";

const PY_ECHO_SERVER = `
import asyncio, sys
async def handle(reader, writer):
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()
    writer.close()
    await writer.wait_closed()
    server.close()
async def main():
    global server
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    try:
        await server.serve_forever()
    except asyncio.CancelledError:
        pass
asyncio.run(main())
`;

const PY_ECHO_CLIENT = `
import asyncio, sys
async def main():
    reader, writer = await asyncio.open_connection("127.0.0.1", int(sys.argv[1]))
    payload = bytes((i * 7) & 255 for i in range(200000))
    writer.write(payload)
    await writer.drain()
    echoed = await reader.readexactly(len(payload))
    writer.close()
    await writer.wait_closed()
    print("ok" if echoed == payload else "mismatch", flush=True)
asyncio.run(main())
`;

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<[string, Promise<string>]> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += value;
    }
  })();
  return [text.split("\n")[0], rest];
}

Deno.test("loop.sock*() talk to a Python asyncio echo server", async () => {
  const child = new Deno.Command("python3", { args: ["-c", PY_ECHO_SERVER], stdout: "piped" })
    .spawn();
  const [portLine, rest] = await firstLine(child.stdout);
  try {
    await onLoop(function* (loop) {
      using sock = new Socket();
      yield* loop.sockConnect(sock, ["127.0.0.1", Number(portLine)]);
      const payload = pattern(250_000, 9);
      const sending = loop.sockSendall(sock, payload);
      const got: Uint8Array[] = [];
      let n = 0;
      while (n < payload.length) {
        const chunk = yield* recv(loop, sock, 65536);
        assert.ok(chunk.length > 0, "Python closed early");
        got.push(chunk);
        n += chunk.length;
      }
      yield* sending;
      assert.deepEqual(concat(got), payload);
    });
  } finally {
    await rest;
    const status = await child.status;
    assert.equal(status.code, 0);
  }
});

Deno.test("a Python asyncio client talks to a sock*-only echo server", async () => {
  await onLoop(function* (loop) {
    using listener = listening();
    const [, port] = listener.getsockname();
    const child = new Deno.Command("python3", {
      args: ["-c", PY_ECHO_CLIENT, String(port)],
      stdout: "piped",
    }).spawn();
    const [conn] = yield* accept(loop, listener);
    using _ = conn;
    for (;;) {
      const data = yield* recv(loop, conn, 65536);
      if (data.length === 0) break;
      yield* loop.sockSendall(conn, data);
    }
    const out = yield* loop.createTask(child.output());
    assert.equal(dec.decode(out.stdout).trim(), "ok");
  });
});
