// examples/multicore_echo.ts: two Workers, one loop each, serve one port with
// reusePort (run as a child with --unstable-net); without the flag it says
// what it needs and exits non-zero.

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runCommand } from "../loops/net/_net.ts";

const example = fileURLToPath(new URL("../../examples/multicore_echo.ts", import.meta.url));
const CONNECTIONS = 64;

async function echoOnce(port: number, index: number): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const message = new TextEncoder().encode(`hello ${index}`);
    await conn.write(message);
    const back = new Uint8Array(message.length);
    for (let got = 0; got < back.length;) {
      const n = await conn.read(back.subarray(got));
      if (n === null) throw new Error("closed before the echo");
      got += n;
    }
    assert.deepEqual(back, message);
  } finally {
    conn.close();
  }
}

Deno.test({
  name: "examples/multicore_echo.ts: 2 workers serve one port, each takes connections",
  ignore: Deno.build.os !== "linux", // Deno sets SO_REUSEPORT on Linux only
  async fn() {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--unstable-net", "--allow-net", "--allow-read", example, "--workers", "2"],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    try {
      while (!text.includes("\n")) {
        const { value, done } = await stdout.read();
        if (done) break;
        text += value;
      }
      const port = /^serving on 127\.0\.0\.1:(\d+) with 2 workers\n/.exec(text)?.[1];
      assert.ok(port !== undefined, `first line: ${JSON.stringify(text)}`);
      for (let i = 0; i < CONNECTIONS; i++) await echoOnce(Number(port), i);
    } finally {
      child.kill("SIGTERM");
      for (;;) {
        const { value, done } = await stdout.read();
        if (done) break;
        text += value;
      }
    }
    const status = await child.status;
    const stderr = await new Response(child.stderr).text();
    assert.equal(status.code, 0, stderr);
    const counts = [...text.matchAll(/^worker (\d): (\d+) connections, (\d+) bytes$/gm)];
    assert.equal(counts.length, 2, text);
    const connections = counts.map((m) => Number(m[2]));
    // The kernel hashes each connection to one listener: with 64, both get some
    // (all on one has a probability of 2^-63).
    assert.ok(connections.every((n) => n > 0), text);
    assert.equal(connections[0] + connections[1], CONNECTIONS);
  },
});

Deno.test("examples/multicore_echo.ts without --unstable-net says it needs the flag and exits non-zero", async () => {
  const out = await runCommand(Deno.execPath(), ["run", "--allow-net", "--allow-read", example]);
  assert.equal(out.code, 2);
  assert.equal(out.stdout, "");
  assert.match(out.stderr, /reusePort, which needs Deno's --unstable-net flag/);
  assert.match(out.stderr, /deno run --unstable-net/);
});
