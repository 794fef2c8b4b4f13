// Matrix-cell rows for the low-level socket features: readiness callbacks
// (addReader/addWriter and their removers) and the sock* coroutines, on
// the Python-like `Socket`.

import assert from "node:assert/strict";
import { Socket } from "../../../loops/net/socket_mod.ts";
import { bad } from "../../_helpers.ts";
import { acceptCounter, type CellContext, type FeatureEntry, settle } from "./context.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A new socket, closed by a clean-up. */
function socket(c: CellContext): Socket {
  const sock = new Socket();
  c.defer(() => sock.close());
  return sock;
}

/** A connected pair made with the cell's loop: `client` → `conn` (accepted). */
async function socketPair(c: CellContext): Promise<{ client: Socket; conn: Socket }> {
  const server = socket(c);
  server.listen();
  const client = socket(c);
  await c.loop.runUntilComplete(c.loop.sockConnect(client, server.getsockname()));
  const [conn] = await c.loop.runUntilComplete(c.loop.sockAccept(server));
  c.defer(() => conn.close());
  return { client, conn };
}

/** A regular file, for the cells about watching something other than a socket. */
function regularFile(c: CellContext): Deno.FsFile {
  const path = `${c.dir}/regular.txt`;
  Deno.writeTextFileSync(path, "data");
  const file = Deno.openSync(path, { read: true });
  c.defer(() => file.close());
  return file;
}

function addWatchEntry(reading: boolean): FeatureEntry {
  const method = reading ? "addReader" : "addWriter";
  return {
    method,
    kinds: ["socket", "file"],
    async attempt(c) {
      let calls = 0;
      const count = () => void calls++;
      if (c.kind === "file") {
        const file = regularFile(c);
        return {
          call: () => c.loop[method](bad(file), count),
          assertNoTrace: () => assert.equal(calls, 0),
        };
      }
      const { client, conn } = await socketPair(c);
      return {
        call: () => c.loop[method](reading ? conn : client, count),
        assertNoTrace: async () => {
          // Readable (data waits) and writable (connected): a watcher would have run.
          await c.loop.runUntilComplete(c.loop.sockSendall(client, enc.encode("x")));
          await settle(c);
          assert.equal(calls, 0, "no callback was registered");
        },
      };
    },
    async real(c) {
      const { client, conn } = await socketPair(c);
      const got = c.loop.createFuture<string>();
      if (reading) {
        c.loop.addReader(conn, () => {
          c.loop.removeReader(conn);
          got.setResult(dec.decode(conn.recv(100)));
        });
        await c.loop.runUntilComplete(c.loop.sockSendall(client, enc.encode("ready")));
      } else {
        c.loop.addWriter(client, () => {
          c.loop.removeWriter(client);
          got.setResult(`sent ${client.send(enc.encode("hello"))}`);
        });
      }
      assert.equal(await c.loop.runUntilComplete(got), reading ? "ready" : "sent 5");
    },
    pastCheck: (c) => c.loop[method](socket(c), bad(42)),
  };
}

function removeWatchEntry(reading: boolean): FeatureEntry {
  const method = reading ? "removeReader" : "removeWriter";
  return {
    method,
    attempt: (c) => ({ call: () => c.loop[method](socket(c)) }),
    real(c) {
      assert.equal(c.loop[method](socket(c)), false);
      return Promise.resolve();
    },
    pastCheck: (c) => assert.equal(c.loop[method](socket(c)), false),
  };
}

const sockConnect: FeatureEntry = {
  method: "sockConnect",
  attempt(c) {
    const counter = acceptCounter(c);
    return {
      call: () => c.loop.sockConnect(socket(c), ["127.0.0.1", counter.address as number]),
      assertNoTrace: () => assert.equal(counter.accepted(), 0),
    };
  },
  async real(c) {
    const { client } = await socketPair(c);
    assert.ok(Array.isArray(client.getpeername()));
  },
  pastCheck: (c) => c.loop.sockConnect(bad("not a socket"), ["127.0.0.1", 1]),
};

const sockAccept: FeatureEntry = {
  method: "sockAccept",
  attempt(c) {
    const server = socket(c);
    server.listen();
    return { call: () => c.loop.sockAccept(server) };
  },
  async real(c) {
    const { conn, client } = await socketPair(c);
    assert.deepEqual(conn.getpeername(), client.getsockname());
  },
  pastCheck: (c) => c.loop.sockAccept(bad<Socket>(null)),
};

const sockRecv: FeatureEntry = {
  method: "sockRecv",
  async attempt(c) {
    const { conn } = await socketPair(c);
    return { call: () => c.loop.sockRecv(conn, 10) };
  },
  async real(c) {
    const { client, conn } = await socketPair(c);
    client.send(enc.encode("hi"));
    assert.equal(dec.decode(await c.loop.runUntilComplete(c.loop.sockRecv(conn, 10))), "hi");
  },
  pastCheck: (c) => c.loop.sockRecv(bad(null), 10),
};

const sockSendall: FeatureEntry = {
  method: "sockSendall",
  async attempt(c) {
    const { client } = await socketPair(c);
    return { call: () => c.loop.sockSendall(client, enc.encode("x")) };
  },
  async real(c) {
    const { client, conn } = await socketPair(c);
    await c.loop.runUntilComplete(c.loop.sockSendall(client, enc.encode("all")));
    assert.equal(dec.decode(await c.loop.runUntilComplete(c.loop.sockRecv(conn, 10))), "all");
  },
  pastCheck: (c) => c.loop.sockSendall(bad(null), enc.encode("x")),
};

/** The socket rows of the table. */
export const SOCKET_ENTRIES = {
  addReader: addWatchEntry(true),
  addWriter: addWatchEntry(false),
  removeReader: removeWatchEntry(true),
  removeWriter: removeWatchEntry(false),
  sockConnect,
  sockAccept,
  sockRecv,
  sockSendall,
} satisfies Record<string, FeatureEntry>;
