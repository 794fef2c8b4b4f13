// Unix domain socket servers and their socket file, on real sockets: a stale
// socket is replaced, any other file is refused (asyncio's OSError
// EADDRINUSE) and kept, the file is removed on close only when it is still
// the server's and cleanupSocket is on; options Deno cannot honour throw.

import assert from "node:assert/strict";
import { constants } from "node:os";
import {
  NotImplementedError,
  openUnixConnection,
  OSError,
  SelectorEventLoop,
  sleep,
  SSLContext,
  startUnixServer,
} from "../../../mod.ts";
import { Protocol } from "../../../loops/protocols_mod.ts";
import { AF_UNIX, Socket } from "../../../loops/net/socket_mod.ts";
import { bad, thrownBy, withLoop } from "../../_helpers.ts";
import { dec, enc, onLoop, until } from "./_net.ts";
import { closeServer, echoHandler } from "./_streams.ts";
import type { Coroutine } from "../../../mod.ts";
import type { AbstractServer } from "../../../loops/protocols_mod.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

// Echoes one line through the server at `path`.
function* echoOnce(path: string): Coroutine<void> {
  const [reader, writer] = yield* openUnixConnection(path);
  writer.write(enc.encode("ping\n"));
  assert.equal(dec.decode(yield* reader.readline()), "ping\n");
  writer.close();
  yield* writer.waitClosed();
}

// Closes the server, then waits until the listener is gone for good and the
// directory listing is `expected`. Deno unlinks the path only when the
// listener's pending accept settles, a host turn or so after close(), and
// the server then puts back a file that was not its to remove: the listing
// is checked again over a few host turns, so an early look cannot pass.
function* closeAndSettle(server: AbstractServer, dir: string, expected: string[]): Coroutine<void> {
  yield* closeServer(server);
  const want = JSON.stringify(expected);
  const listing = () => JSON.stringify(names(dir));
  yield* until(() => listing() === want, `the directory to hold ${want}`);
  for (let i = 0; i < 5; i++) {
    yield* sleep(0.01);
    assert.equal(listing(), want, "the directory listing changed after close");
  }
}

Deno.test("createUnixServer() replaces a stale socket file left by a dead process", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/stale.sock`;
    // Python does not unlink on exit: the socket file stays, with no listener.
    const py = new Deno.Command("python3", {
      args: ["-c", "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", path],
    });
    assert.equal((await py.output()).code, 0);
    assert.equal(Deno.lstatSync(path).isSocket, true);
    await assert.rejects(Deno.connect({ transport: "unix", path }), Deno.errors.ConnectionRefused);
    await onLoop(function* () {
      const server = yield* startUnixServer(echoHandler, path);
      // (The new file may reuse the stale one's inode number: serving is the proof.)
      assert.equal(Deno.lstatSync(path).isSocket, true);
      yield* echoOnce(path);
      yield* closeAndSettle(server, dir, []);
    });
  });
});

Deno.test("createUnixServer() refuses a file that is not a socket, as asyncio: OSError EADDRINUSE", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/data.txt`;
    Deno.writeTextFileSync(path, "keep me");
    await onLoop(function* (loop) {
      let err: unknown = null;
      try {
        yield* loop.createUnixServer(() => new Protocol(), path);
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof OSError, `expected an OSError: got ${err}`);
      assert.equal(err.name, "OSError");
      assert.equal(err.code, "EADDRINUSE");
      assert.equal(err.errno, constants.errno.EADDRINUSE);
      assert.equal(err.filename, path);
      assert.match(err.message, /already in use/);
    });
    assert.equal(Deno.readTextFileSync(path), "keep me");
  });
});

Deno.test("createUnixServer() removes its socket file on close (cleanupSocket)", async (t) => {
  await t.step("default: the file is removed", async () => {
    await withDir(async (dir) => {
      await onLoop(function* () {
        const server = yield* startUnixServer(echoHandler, `${dir}/s.sock`);
        yield* echoOnce(`${dir}/s.sock`);
        yield* closeAndSettle(server, dir, []);
      });
    });
  });
  await t.step("cleanupSocket: false keeps the file, and the next server replaces it", async () => {
    await withDir(async (dir) => {
      const path = `${dir}/s.sock`;
      await onLoop(function* () {
        const server = yield* startUnixServer(echoHandler, path, { cleanupSocket: false });
        const ino = Deno.lstatSync(path).ino;
        yield* closeAndSettle(server, dir, ["s.sock"]);
        const kept = Deno.lstatSync(path);
        assert.equal(kept.isSocket, true);
        assert.equal(kept.ino, ino);
        const next = yield* startUnixServer(echoHandler, path);
        yield* echoOnce(path);
        yield* closeAndSettle(next, dir, []);
      });
    });
  });
  await t.step("a file put at the path after binding is not the server's to remove", async () => {
    await withDir(async (dir) => {
      const path = `${dir}/s.sock`;
      await onLoop(function* () {
        const server = yield* startUnixServer(echoHandler, path);
        Deno.removeSync(path);
        Deno.writeTextFileSync(path, "someone else's");
        yield* closeAndSettle(server, dir, ["s.sock"]);
      });
      assert.equal(Deno.readTextFileSync(path), "someone else's");
    });
  });
});

// A bound and listening AF_UNIX Socket at `path`, for the `sock` option.
function listeningUnix(path: string): Socket {
  const sock = new Socket(AF_UNIX);
  sock.bind(path);
  sock.listen();
  return sock;
}

Deno.test("createUnixServer({ sock }) removes the socket file on close only if ours (cleanupSocket)", async (t) => {
  await t.step("default: the file is removed", async () => {
    await withDir(async (dir) => {
      const path = `${dir}/s.sock`;
      await onLoop(function* () {
        const server = yield* startUnixServer(echoHandler, null, { sock: listeningUnix(path) });
        yield* echoOnce(path);
        yield* closeAndSettle(server, dir, []);
      });
    });
  });
  await t.step("cleanupSocket: false keeps the file", async () => {
    await withDir(async (dir) => {
      const path = `${dir}/s.sock`;
      await onLoop(function* () {
        const sock = listeningUnix(path);
        const ino = Deno.lstatSync(path).ino;
        const server = yield* startUnixServer(echoHandler, null, { sock, cleanupSocket: false });
        yield* echoOnce(path);
        yield* closeAndSettle(server, dir, ["s.sock"]);
        const kept = Deno.lstatSync(path);
        assert.equal(kept.isSocket, true);
        assert.equal(kept.ino, ino);
        assert.equal(sock.fileno(), -1, "the server closed the socket");
        const next = yield* startUnixServer(echoHandler, path);
        yield* echoOnce(path);
        yield* closeAndSettle(next, dir, []);
      });
    });
  });
  await t.step("a file put at the path after binding is not the server's to remove", async () => {
    await withDir(async (dir) => {
      const path = `${dir}/s.sock`;
      await onLoop(function* () {
        const sock = listeningUnix(path);
        Deno.removeSync(path);
        Deno.writeTextFileSync(path, "someone else's");
        const server = yield* startUnixServer(echoHandler, null, { sock });
        yield* closeAndSettle(server, dir, ["s.sock"]);
      });
      assert.equal(Deno.readTextFileSync(path), "someone else's");
    });
  });
});

Deno.test("createUnixServer() refuses backlog: Deno's Unix listener takes none", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/b.sock`;
    await withLoop(() => new SelectorEventLoop(), (loop) => {
      const factory = () => new Protocol();
      const err = thrownBy(() => loop.createUnixServer(factory, path, { backlog: 5 }));
      assert.ok(err instanceof NotImplementedError);
      assert.match(err.message, /options\.backlog/);
      // As Python's listen(): a non-integer is a TypeError; a negative one is a backlog too.
      for (const backlog of [1.5, bad<number>("5")]) {
        const e = thrownBy(() => loop.createUnixServer(factory, path, { backlog }));
        assert.ok(e instanceof TypeError, `backlog ${String(backlog)}: ${e}`);
      }
      assert.ok(
        thrownBy(() => loop.createUnixServer(factory, path, { backlog: -1 })) instanceof
          NotImplementedError,
      );
      assert.deepEqual(names(dir), [], "nothing was bound");
    });
    await onLoop(function* () {
      let err: unknown = null;
      try {
        yield* startUnixServer(echoHandler, path, { backlog: 10 });
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof NotImplementedError);
    });
  });
});

Deno.test("createUnixConnection() and createUnixServer() refuse TLS options without ssl", async () => {
  await withLoop(() => new SelectorEventLoop(), (loop) => {
    const factory = () => new Protocol();
    for (
      const [name, value] of [
        ["serverHostname", "example.com"],
        ["sslHandshakeTimeout", 5],
        ["sslShutdownTimeout", 5],
      ] as const
    ) {
      const err = thrownBy(() => loop.createUnixConnection(factory, "/x.sock", { [name]: value }));
      assert.ok(err instanceof RangeError, `${name}: ${err}`);
      assert.equal(err.message, `options.${name} is only meaningful with ssl`);
    }
    for (const name of ["sslHandshakeTimeout", "sslShutdownTimeout"] as const) {
      const err = thrownBy(() => loop.createUnixServer(factory, "/x.sock", { [name]: 5 }));
      assert.ok(err instanceof RangeError, `${name}: ${err}`);
      assert.equal(err.message, `options.${name} is only meaningful with ssl`);
    }
    const err = thrownBy(() => loop.createUnixConnection(factory, "/x.sock", { ssl: true }));
    assert.ok(err instanceof NotImplementedError);
  });
});

Deno.test("sslShutdownTimeout must be a positive number, and needs ssl", async () => {
  await withLoop(() => new SelectorEventLoop(), (loop) => {
    const factory = () => new Protocol();
    const connect = (sslShutdownTimeout: number) => () =>
      loop.createConnection(factory, "127.0.0.1", 1, { ssl: true, sslShutdownTimeout });
    for (const bad_ of [0, -1, Number.NaN]) {
      const err = thrownBy(connect(bad_));
      assert.ok(err instanceof RangeError, `${bad_}: ${err}`);
      assert.match(err.message, /options\.sslShutdownTimeout/);
    }
    assert.ok(thrownBy(connect(bad<number>("5"))) instanceof TypeError);
    const server = thrownBy(() =>
      loop.createServer(factory, "127.0.0.1", 0, { sslShutdownTimeout: 5 })
    );
    assert.ok(server instanceof RangeError);
    const plain = thrownBy(() =>
      loop.createConnection(factory, "127.0.0.1", 1, { sslShutdownTimeout: 5 })
    );
    assert.ok(plain instanceof RangeError);
  });
  await onLoop(function* (loop) {
    const server = yield* loop.createServer(() => new Protocol(), "127.0.0.1", 0);
    const port = server.sockets[0].getsockname();
    const [t, p] = yield* loop.createConnection(() => new Protocol(), "127.0.0.1", port[1]);
    const err = thrownBy(() =>
      loop.startTls(t, p, new SSLContext("clientAuth"), { sslShutdownTimeout: 0 })
    );
    assert.ok(err instanceof RangeError, `${err}`);
    t.close();
    server.close();
    server.closeClients();
    yield* server.waitClosed();
  });
});
