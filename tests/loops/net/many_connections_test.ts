// Ten thousand concurrent connections on one server of ours: a client
// process (_many_clients.ts) opens them all, echoes 100 bytes of its own
// once on each and keeps them open; the server (a Protocol echo on a
// SelectorEventLoop in this process) must hold all of them at once, echo
// every byte, and close them all cleanly (the sanitizers check that every
// connection's resource is closed and no read is left in flight).
//
// It needs 10,000 open files in this process (plus what the test runner
// holds), so it runs where the soft limit allows it (Linux; CI's machine
// and the development VM allow 20,000) and is ignored elsewhere.

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { wrapFuture } from "../../../mod.ts";
import { Protocol, type Transport } from "../../../loops/protocols_mod.ts";
import { onLoop, portOf, until } from "./_net.ts";

const COUNT = 10_000;

/** The soft limit on open files of this process (Linux), or null where unknown. */
function openFilesLimit(): number | null {
  try {
    const limits = Deno.readTextFileSync("/proc/self/limits");
    const soft = /^Max open files\s+(\S+)/m.exec(limits)?.[1];
    return soft === undefined ? null : soft === "unlimited" ? Infinity : Number(soft);
  } catch {
    return null;
  }
}

const limit = openFilesLimit();
const enough = limit !== null && limit >= COUNT + 2_000;

/** Reads a child's stdout line by line. */
class Lines {
  #reader: ReadableStreamDefaultReader<string>;
  #text = "";

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  }

  async next(): Promise<string> {
    while (!this.#text.includes("\n")) {
      const { value, done } = await this.#reader.read();
      if (done) throw new Error(`the client exited first (output: ${JSON.stringify(this.#text)})`);
      this.#text += value;
    }
    const at = this.#text.indexOf("\n");
    const line = this.#text.slice(0, at);
    this.#text = this.#text.slice(at + 1);
    return line;
  }

  async rest(): Promise<void> {
    while (!(await this.#reader.read()).done) {
      // Drain to the end.
    }
  }
}

Deno.test({
  name: `A server holds ${
    COUNT.toLocaleString("en-US")
  } concurrent connections and echoes once on each, nothing lost`,
  ignore: !enough,
  async fn() {
    await onLoop(function* (loop) {
      let live = 0;
      let most = 0;
      let made = 0;
      let bytes = 0;
      const errors: (Error | null)[] = [];
      class Echo extends Protocol {
        transport: Transport | null = null;
        override connectionMade(transport: Transport): void {
          this.transport = transport;
          made++;
          most = Math.max(most, ++live);
        }
        override dataReceived(data: Uint8Array): void {
          bytes += data.length;
          this.transport!.write(data);
        }
        override connectionLost(exc: Error | null): void {
          live--;
          if (exc !== null) errors.push(exc);
        }
      }
      const server = yield* loop.createServer(() => new Echo(), "127.0.0.1", 0, { backlog: 1024 });
      const client = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-net",
          fileURLToPath(new URL("./_many_clients.ts", import.meta.url)),
          String(portOf(server)),
          String(COUNT),
        ],
        stdin: "null",
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      const lines = new Lines(client.stdout);
      try {
        const report = JSON.parse(yield* wrapFuture(lines.next()));
        assert.deepEqual(report, { open: COUNT, echoed: COUNT, wrong: 0 });
        assert.equal(made, COUNT);
        assert.equal(most, COUNT, "every connection open at once");
        assert.equal(bytes, COUNT * 100, "every byte received");
        // The server closes them all; the client sees each end.
        server.close();
        server.closeClients();
        yield* server.waitClosed();
        yield* until(() => live === 0, "every connectionLost", 60);
        assert.equal(yield* wrapFuture(lines.next()), "closed");
      } finally {
        server.close(); // (again: after a failure, so that the client ends)
        server.closeClients();
        yield* server.waitClosed();
        yield* wrapFuture(lines.rest());
        const status = yield* wrapFuture(client.status);
        assert.equal(status.code, 0);
      }
      assert.deepEqual(errors, []);
    });
  },
});
