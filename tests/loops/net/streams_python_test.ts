// Streams against peers we did not write: a Python asyncio streams client
// against our startServer(), and our openConnection() against a Python
// asyncio streams server. Skipped when python3 is missing.

import assert from "node:assert/strict";
import { openConnection, startServer, wrapFuture } from "../../../mod.ts";
import { dec, enc, hasProgram, onLoop, portOf, runCommand, startPortProcess } from "./_net.ts";
import { closeServer, echoHandler } from "./_streams.ts";

const available = await hasProgram("python3");

// Connects, echoes 200 lines and a 1 MB block, half-closes, expects EOF.
const PY_CLIENT = `
import asyncio, sys
async def main(port):
    r, w = await asyncio.open_connection("127.0.0.1", port)
    for i in range(200):
        w.write(f"line {i}\\n".encode())
        await w.drain()
        line = await r.readline()
        assert line == f"line {i}\\n".encode(), line
    block = bytes(range(256)) * 4096
    w.write(block)
    await w.drain()
    assert await r.readexactly(len(block)) == block
    w.write_eof()
    assert await r.read() == b""
    w.close()
    await w.wait_closed()
    print("client ok")
asyncio.run(main(int(sys.argv[1])))
`;

// Serves one client: answers each line upper-cased, then a summary at EOF.
const PY_SERVER = `
import asyncio
async def main():
    done = asyncio.get_running_loop().create_future()
    async def handle(r, w):
        n = 0
        async for line in r:
            n += 1
            w.write(line.upper())
            await w.drain()
        w.write(f"{n} lines\\n".encode())
        await w.drain()
        w.close()
        await w.wait_closed()
        done.set_result(None)
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await asyncio.wait_for(done, 30)
asyncio.run(main())
`;

Deno.test({
  name: "startServer() serves a Python asyncio streams client",
  ignore: !available,
  fn: async () => {
    await onLoop(function* () {
      const server = yield* startServer(echoHandler, "127.0.0.1", 0);
      const out = yield* wrapFuture(
        runCommand("python3", ["-c", PY_CLIENT, String(portOf(server))]),
      );
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stdout.trim(), "client ok");
      yield* closeServer(server);
    });
  },
});

Deno.test({
  name: "openConnection() talks to a Python asyncio streams server",
  ignore: !available,
  fn: async () => {
    const peer = await startPortProcess("python3", ["-c", PY_SERVER]);
    try {
      await onLoop(function* () {
        const [reader, writer] = yield* openConnection("127.0.0.1", peer.port);
        for (const word of ["alpha", "beta", "gamma"]) {
          writer.write(enc.encode(`${word}\n`));
          yield* writer.drain();
          assert.equal(dec.decode(yield* reader.readline()), `${word.toUpperCase()}\n`);
        }
        writer.writeEof();
        assert.equal(dec.decode(yield* reader.read()), "3 lines\n");
        writer.close();
        yield* writer.waitClosed();
      });
      const out = await peer.finished;
      assert.equal(out.code, 0, out.stderr);
    } finally {
      await peer.kill();
    }
  },
});
