// The examples no other test runs as programs: examples/echo_streams.ts in
// its server and client modes (two processes on loopback), and `deno task
// demo` (examples/demo.ts) run to completion. Every child runs under a
// deadline, so a hung example fails its test instead of hanging the run.

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));

interface Output {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs `deno args` to completion, killing it (and reporting it) after `seconds`. */
async function runDeno(args: string[], seconds: number, cwd = root): Promise<Output> {
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, seconds * 1000);
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args,
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: abort.signal,
    }).output();
    const dec = new TextDecoder();
    return {
      code: out.code,
      stdout: dec.decode(out.stdout),
      stderr: dec.decode(out.stderr),
      timedOut,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** The streams echo server running as a child process. */
interface ServerProcess {
  /** The port the server printed. */
  port: number;
  /** The line it printed first. */
  banner: string;
  /** Terminates it and waits for it to exit; returns the rest of its output. */
  stop(): Promise<{ status: Deno.CommandStatus; stdout: string; stderr: string }>;
}

/** Starts `echo_streams.ts server`, waiting (at most `seconds`) for the line naming its port. */
async function startStreamsServer(seconds = 30): Promise<ServerProcess> {
  const abort = new AbortController();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", example("echo_streams.ts"), "server"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: abort.signal,
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const timer = setTimeout(() => abort.abort(), seconds * 1000);
  let text = "";
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
  } finally {
    clearTimeout(timer);
  }
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += value;
    }
  })();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // Already exited.
    }
    const [status, all, err] = await Promise.all([child.status, rest, stderr]);
    return { status, stdout: all.slice(all.indexOf("\n") + 1), stderr: err };
  };
  const banner = text.split("\n")[0];
  const match = /^echo server on 127\.0\.0\.1:(\d+) \(Ctrl-C to stop\)$/.exec(banner);
  if (match === null) {
    const out = await stop();
    throw new Error(`the server did not print its port: ${JSON.stringify(text)}\n${out.stderr}`);
  }
  return { port: Number(match[1]), banner, stop };
}

Deno.test("examples/echo_streams.ts runs: a client process against a server process", async (t) => {
  const server = await startStreamsServer();
  try {
    assert.ok(server.port > 0 && server.port < 65536, server.banner);
    const client = (...rest: string[]) =>
      runDeno(
        ["run", "--allow-net", example("echo_streams.ts"), "client", String(server.port), ...rest],
        60,
      );
    await t.step("the default message", async () => {
      const out = await client();
      assert.equal(out.timedOut, false, "the client did not finish in time");
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stdout, "reply: hello\n");
    });
    await t.step("a message with spaces and non-ASCII text", async () => {
      const out = await client("héllo, wörld — ✓");
      assert.equal(out.timedOut, false, "the client did not finish in time");
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stdout, "reply: héllo, wörld — ✓\n");
    });
    await t.step("a large message is echoed whole", async () => {
      const message = "0123456789abcdef".repeat(4096); // 64 KiB: more than one read
      const out = await client(message);
      assert.equal(out.timedOut, false, "the client did not finish in time");
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stdout, `reply: ${message}\n`);
    });
  } finally {
    const out = await server.stop();
    // Still serving until terminated: nothing else printed, no error.
    assert.equal(out.status.signal, "SIGTERM");
    assert.equal(out.stdout, "");
    assert.equal(out.stderr, "");
  }
});

Deno.test("examples/echo_streams.ts client fails when nothing listens", async () => {
  // Take a free port, then release it: connecting there is refused.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const out = await runDeno(
    ["run", "--allow-net", example("echo_streams.ts"), "client", String(port)],
    60,
  );
  assert.equal(out.timedOut, false, "the client did not finish in time");
  assert.notEqual(out.code, 0);
  assert.equal(out.stdout, "");
  assert.match(out.stderr, /ConnectionRefusedError/);
});

/** The `demo` task's command line from deno.json, checked to be a `deno run` of demo.ts. */
async function demoTaskArgs(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(`${root}deno.json`));
  const task: string = config.tasks.demo;
  const words = task.trim().split(/\s+/);
  assert.deepEqual(words.slice(0, 2), ["deno", "run"], `the demo task is ${task}`);
  assert.equal(words.at(-1), "examples/demo.ts", `the demo task is ${task}`);
  return words.slice(1);
}

Deno.test("deno task demo runs examples/demo.ts to completion", async () => {
  // Runs the task's own command line (with its permissions) directly, so the
  // deadline can kill the example itself rather than a task runner above it.
  const out = await runDeno(await demoTaskArgs(), 120);
  assert.equal(out.timedOut, false, `the demo did not finish in time:\n${out.stdout}`);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stderr, "");
  const lines = out.stdout.trimEnd().split("\n");
  for (const line of lines) assert.match(line, /^\[\d+\.\d{3} s\] /, "every line is timestamped");
  const text = lines.map((line) => line.replace(/^\[\d+\.\d{3} s\] /, "")).join("\n") + "\n";
  const expected: RegExp[] = [
    // Tasks, timers and cancellation.
    /^running on <SelectorEventLoop running=true closed=false/,
    /^timer: callAt\(now \+ 0\.025\) fired\n/m,
    /^timer: callLater\(0\.05\) fired\n/m,
    /^fast: step 2\/2\nfast: cleanup ran\n/m,
    /^medium: cleanup ran\n/m,
    /^gather -> \["fast finished","medium finished"\]\n/m,
    /^slow: cancelled \(demo is done waiting\)\nslow: cleanup ran\n/m,
    /^awaiting the cancelled task raised CancelledError\n/m,
    /^bounded: cancelled \(no message\)\nbounded: cleanup ran\n/m,
    /^waitFor\(0\.08 s\) timed out as expected\n/m,
    // The echo server and its clients.
    /^network: echo server \(a Protocol\) listening on 127\.0\.0\.1:\d+\n/m,
    /^network: 8 stream clients echoed 16000 messages of 100 B in .*nothing lost: true\n/m,
    /^network: 8 stream clients echoed 4000 messages of 16384 B in .*nothing lost: true\n/m,
    /^network: server closed\n/m,
    // The subprocess pipeline.
    /^subprocess: spawned printf \(pid \d+\) \| filter \| sort \(pid \d+\)\n/m,
    /^subprocess: sort printed apple, apricot, avocado\n/m,
    /^subprocess: printf exited with 0, sort with 0\n/m,
    /^subprocess: sleep 60 \(pid \d+\) terminated, returncode -15\n/m,
    /^loops closed; demo complete\n$/m,
  ];
  for (const pattern of expected) assert.match(text, pattern);
  assert.doesNotMatch(text, /nothing lost: false/);
  assert.doesNotMatch(text, /slow: step 100\/100|bounded: step 10\/10/, "cancelled work stopped");
  // The sections come in order: tasks, network, subprocesses, the end.
  const at = (s: string) => text.indexOf(s);
  assert.ok(at("waitFor(0.08 s)") < at("network: echo server"), "tasks before network");
  assert.ok(at("network: server closed") < at("subprocess: spawned"), "network before pipeline");
  assert.ok(at("returncode -15") < at("demo complete"), "pipeline before the end");
});
