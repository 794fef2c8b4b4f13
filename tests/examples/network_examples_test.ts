// The network examples: each runs as a script (`deno run`), and the HTTP
// server's protocol handles pipelining, request bodies, bad requests and
// the idle timeout when spoken to directly.

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type Coroutine, type SelectorEventLoop, sleep } from "../../mod.ts";
import { echoClient, startEchoServer } from "../../examples/echo_protocol.ts";
import { parseHead, startHttpServer } from "../../examples/http_server.ts";
import { enc, onLoop, portOf, Recorder, runCommand, shutdown, until } from "../loops/net/_net.ts";

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

Deno.test("examples/echo_protocol.ts runs: server and client on loopback", async () => {
  const out = await runCommand(Deno.execPath(), [
    "run",
    "--allow-net",
    example("echo_protocol.ts"),
  ]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /^echo server on 127\.0\.0\.1:\d+\n/);
  assert.match(out.stdout, /echoed: hello\necho.*asyncio\necho.*for Deno\nserver closed\n$/);
});

Deno.test("examples/echo_protocol.ts exports a server and a client", async () => {
  await onLoop(function* () {
    const server = yield* startEchoServer();
    const replies = yield* echoClient(portOf(server), ["a", "é".repeat(40_000), "z"]);
    assert.deepEqual(replies, ["a", "é".repeat(40_000), "z"]);
    yield* shutdown(server);
  });
});

Deno.test("examples/tls_client.ts runs offline against its own TLS server", async () => {
  const out = await runCommand(Deno.execPath(), ["run", "--allow-all", example("tls_client.ts")]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /^local TLS server, certificate /);
  assert.match(out.stdout, /localhost:\d+ ALPN=http\/1\.1 -> HTTP\/1\.1 200 OK \(\d+ bytes\)/);
});

/** Sends `request` raw to the example HTTP server; returns what came back before it closed. */
function* rawHttp(loop: SelectorEventLoop, request: string): Coroutine<string> {
  const server = yield* startHttpServer();
  try {
    const [t, p] = yield* loop.createConnection(
      () => new Recorder(loop),
      "127.0.0.1",
      portOf(server),
    );
    t.write(enc.encode(request));
    yield* p.lost;
    return p.text();
  } finally {
    yield* shutdown(server);
  }
}

Deno.test("HttpProtocol answers pipelined requests in order, skipping request bodies", async () => {
  await onLoop(function* (loop) {
    const text = yield* rawHttp(
      loop,
      "GET /info?a=1 HTTP/1.1\r\nHost: x\r\n\r\n" +
        "GET /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
        "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    assert.deepEqual(statuses, ["200", "404", "200"]);
    assert.match(text, /"path":"\/info\?a=1"/);
    assert.match(text, /"requestOnConnection":1/);
    assert.ok(text.endsWith("Connection: close\r\n\r\n"), "HEAD: headers only, then closed");
  });
});

Deno.test("HttpProtocol rejects bad requests with 400/501 and closes", async (t) => {
  const cases: [string, string][] = [
    ["garbage\r\n\r\n", "400"],
    ["GET / HTTP/2.0\r\n\r\n", "400"],
    ["GET / HTTP/1.1\r\nno colon here\r\n\r\n", "400"],
    ["GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "400"],
    ["GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", "501"],
    [`GET / HTTP/1.1\r\nX: ${"a".repeat(20_000)}`, "431"],
  ];
  for (const [request, status] of cases) {
    await t.step(`${JSON.stringify(request.slice(0, 40))} -> ${status}`, async () => {
      await onLoop(function* (loop) {
        const text = yield* rawHttp(loop, request);
        assert.match(text, new RegExp(`^HTTP/1\\.1 ${status} `));
        assert.match(text, /\r\nConnection: close\r\n/);
      });
    });
  }
});

Deno.test("HttpProtocol waits for a request split across packets", async () => {
  await onLoop(function* (loop) {
    const server = yield* startHttpServer();
    const [t, p] = yield* loop.createConnection(
      () => new Recorder(loop),
      "127.0.0.1",
      portOf(server),
    );
    for (const piece of ["GE", "T / HT", "TP/1.1\r\nHo", "st: x\r\n", "\r\n"]) {
      t.write(enc.encode(piece));
      yield* sleep(0.01);
    }
    yield* until(() => p.text().endsWith("Hello from asyncio for Deno!\n"), "the response");
    assert.equal([...p.text().matchAll(/HTTP\/1\.1/g)].length, 1);
    t.close();
    yield* p.lost;
    yield* shutdown(server);
  });
});

Deno.test("parseHead() parses the request line and folds repeated headers", () => {
  const req = parseHead("GET /x HTTP/1.0\r\nA: 1\r\na: 2\r\nB:3");
  assert.ok(req !== null);
  assert.equal(req.method, "GET");
  assert.equal(req.version, "HTTP/1.0");
  assert.equal(req.headers.get("a"), "1, 2");
  assert.equal(req.headers.get("b"), "3");
  assert.equal(parseHead("GET x HTTP/1.1"), null);
  assert.equal(parseHead("get / HTTP/1.1"), null);
});
