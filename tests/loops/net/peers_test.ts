// Peers the project did not write: a Python asyncio client against our
// server, our client against a Python asyncio server, and curl against the
// example HTTP server (in-process, and the example run as a script).

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type Coroutine, wrapFuture } from "../../../mod.ts";
import { EchoServerProtocol } from "../../../examples/echo_protocol.ts";
import { startHttpServer } from "../../../examples/http_server.ts";
import {
  concat,
  hasProgram,
  onLoop,
  pattern,
  portOf,
  Recorder,
  runCommand,
  shutdown,
  startPortProcess,
} from "./_net.ts";

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const HAS_PYTHON = await hasProgram("python3");
const HAS_CURL = await hasProgram("curl");

Deno.test({
  name: "A Python asyncio client echoes through our protocol server",
  ignore: !HAS_PYTHON,
  fn: async () => {
    await onLoop(function* (loop) {
      const server = yield* loop.createServer(
        () => new EchoServerProtocol(),
        "127.0.0.1",
        0,
      );
      const out = yield* wrapFuture(
        runCommand("python3", [here("./_py_echo_client.py"), String(portOf(server))]),
      );
      assert.equal(out.code, 0, out.stderr);
      const total = 1 + 100 + 1500 + 65536 + 1024 * 1024 + 7;
      // Our server closes after the client's EOF: Python sees eof, then lost.
      assert.equal(out.stdout.trim(), `ok ${total} made,eof,lost`);
      yield* shutdown(server);
    });
  },
});

Deno.test({
  name: "Our client echoes through a Python asyncio server",
  ignore: !HAS_PYTHON,
  fn: async () => {
    const peer = await startPortProcess("python3", [here("./_py_echo_server.py")]);
    try {
      await onLoop(function* (loop) {
        const [t, p] = yield* loop.createConnection(
          () => new Recorder(loop),
          "127.0.0.1",
          peer.port,
        );
        const data = pattern(3 * 1024 * 1024, 11);
        t.write(data.subarray(0, 1000));
        t.writelines([data.subarray(1000, 200_000), data.subarray(200_000)]);
        t.writeEof();
        yield* p.lost; // Python closes after our EOF (its eof_received returns None)
        assert.equal(p.lostError, null);
        assert.deepEqual(p.events.filter((e) => !e.endsWith("Writing")), [
          "made",
          "data",
          "eof",
          "lost",
        ]);
        assert.deepEqual(concat(p.chunks), data);
      });
      const out = await peer.finished;
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stdout.trim(), `served ${3 * 1024 * 1024}`);
    } finally {
      await peer.kill();
    }
  },
});

/** Runs curl with `args` while the loop keeps serving. */
function* curl(args: string[]): Coroutine<{ code: number; stdout: string; stderr: string }> {
  return yield* wrapFuture(runCommand("curl", ["--silent", "--show-error", ...args]));
}

/** Runs `body` with the example HTTP server serving on 127.0.0.1. */
function* withHttpServer(body: (base: string) => Coroutine<void>): Coroutine<void> {
  const server = yield* startHttpServer("127.0.0.1", 0);
  try {
    yield* body(`http://127.0.0.1:${portOf(server)}`);
  } finally {
    yield* shutdown(server);
  }
}

Deno.test({
  name: "curl against the example HTTP server: GET, HEAD, 404, 405, keep-alive, HTTP/1.0",
  ignore: !HAS_CURL,
  fn: async (t) => {
    await t.step("GET / and HEAD /: same headers, no body for HEAD", async () => {
      await onLoop(() =>
        withHttpServer(function* (base) {
          const get = yield* curl(["-i", `${base}/`]);
          assert.equal(get.code, 0, get.stderr);
          assert.match(get.stdout, /^HTTP\/1\.1 200 OK\r\n/);
          assert.match(get.stdout, /\r\nContent-Length: 29\r\n/);
          assert.match(get.stdout, /\r\n\r\nHello from asyncio for Deno!\n$/);
          const head = yield* curl(["-I", `${base}/`]);
          assert.equal(head.code, 0, head.stderr);
          assert.match(head.stdout, /^HTTP\/1\.1 200 OK\r\n/);
          assert.match(head.stdout, /\r\nContent-Length: 29\r\n/);
          assert.ok(head.stdout.endsWith("\r\n\r\n"), "no body after HEAD");
        })
      );
    });
    await t.step("404 and 405", async () => {
      await onLoop(() =>
        withHttpServer(function* (base) {
          const missing = yield* curl(["-o", "/dev/null", "-w", "%{http_code}", `${base}/nope`]);
          assert.equal(missing.stdout, "404");
          const post = yield* curl(["-i", "-X", "POST", "--data", "x=1", `${base}/`]);
          assert.match(post.stdout, /^HTTP\/1\.1 405 Method Not Allowed\r\n/);
          assert.match(post.stdout, /\r\nAllow: GET, HEAD\r\n/);
        })
      );
    });
    await t.step("keep-alive: two requests, one connection", async () => {
      await onLoop(() =>
        withHttpServer(function* (base) {
          const out = yield* curl(["-v", `${base}/info`, `${base}/info`]);
          assert.equal(out.code, 0, out.stderr);
          const bodies = out.stdout.trim().split("\n").map((l) => JSON.parse(l));
          assert.deepEqual(bodies.map((b) => b.requestOnConnection), [1, 2]);
          assert.deepEqual(bodies[0].peer, bodies[1].peer, "the same client socket");
          assert.match(out.stderr, /Re-using existing connection|Reusing existing/i);
        })
      );
    });
    await t.step("HTTP/1.0 closes after the response", async () => {
      await onLoop(() =>
        withHttpServer(function* (base) {
          const out = yield* curl(["-i", "--http1.0", `${base}/`]);
          assert.equal(out.code, 0, out.stderr);
          assert.match(out.stdout, /\r\nConnection: close\r\n/);
        })
      );
    });
  },
});

Deno.test({
  name: "examples/http_server.ts runs as a script, serves curl, and stops on SIGTERM",
  ignore: !HAS_CURL || Deno.build.os === "windows",
  fn: async () => {
    const script = fileURLToPath(new URL("../../../examples/http_server.ts", import.meta.url));
    const child = await startPortProcess(Deno.execPath(), [
      "run",
      "--allow-net",
      script,
      "--port",
      "0",
    ]);
    try {
      const out = await runCommand("curl", ["--silent", `http://127.0.0.1:${child.port}/`]);
      assert.equal(out.stdout, "Hello from asyncio for Deno!\n");
    } finally {
      await child.kill("SIGTERM");
    }
    const result = await child.finished;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), "stopped");
  },
});
