// The host hand-off of a busy loop: a task that never waits (`yield*
// sleep(0)` forever) must not starve I/O. Before the host poll, such a loop
// handed off with setImmediate, which Deno serves without polling the OS: a
// loopback round trip took ~490 ms and a spawn ~250 ms; both now take about
// a millisecond. The bounds below are liveness checks with a wide margin,
// not speed targets (`deno task bench:latency` measures the latency).

import assert from "node:assert/strict";
import {
  type Coroutine,
  createSubprocessExec,
  getRunningLoop,
  openConnection,
  SelectorEventLoop,
  sleep,
} from "../../../mod.ts";
import { Protocol, type Transport } from "../../../loops/protocols_mod.ts";
import { HostPoller } from "../../../loops/core/_host_poll.ts";
import { withLoop } from "../../_helpers.ts";

class Echo extends Protocol {
  #transport: Transport | null = null;
  override connectionMade(transport: Transport): void {
    this.#transport = transport;
  }
  override dataReceived(data: Uint8Array): void {
    this.#transport!.write(data);
  }
}

/** Runs `work` beside a task spinning on sleep(0); returns [real ms, spinner steps]. */
function* besideSpinner(work: () => Coroutine<void>): Coroutine<[number, number]> {
  let stop = false;
  let spins = 0;
  const spinner = getRunningLoop().createTask(function* () {
    while (!stop) {
      spins++;
      yield* sleep(0);
    }
  }());
  yield* sleep(0);
  const t0 = performance.now();
  try {
    yield* work();
  } finally {
    stop = true;
    yield* spinner;
  }
  return [performance.now() - t0, spins];
}

Deno.test("A busy loop still serves loopback I/O promptly", async () => {
  await withLoop(() => new SelectorEventLoop(), async (loop) => {
    const server = await loop.runUntilComplete(loop.createServer(() => new Echo(), "127.0.0.1", 0));
    const [, port] = server.sockets[0].getsockname();
    const ROUND_TRIPS = 20;
    const [ms, spins] = await loop.runUntilComplete(besideSpinner(function* () {
      const [reader, writer] = yield* openConnection("127.0.0.1", port);
      for (let i = 0; i < ROUND_TRIPS; i++) {
        writer.write(new Uint8Array([i]));
        assert.deepEqual(yield* reader.readexactly(1), new Uint8Array([i]));
      }
      writer.close();
      yield* writer.waitClosed();
    }));
    server.close();
    await loop.runUntilComplete(server.waitClosed());
    assert.ok(spins > ROUND_TRIPS, "the spinner ran meanwhile");
    // Starved, 20 round trips took ~10 s.
    assert.ok(ms < 2000, `${ROUND_TRIPS} round trips beside a spinner took ${ms.toFixed(0)} ms`);
  });
});

Deno.test("A busy loop still reaps its children promptly", async () => {
  await withLoop(() => new SelectorEventLoop(), async (loop) => {
    const SPAWNS = 12;
    const [ms] = await loop.runUntilComplete(besideSpinner(function* () {
      for (let i = 0; i < SPAWNS; i++) {
        const proc = yield* createSubprocessExec("/bin/true");
        assert.equal(yield* proc.wait(), 0);
      }
    }));
    // Starved, each spawn took ~250 ms.
    assert.ok(ms < 1500, `${SPAWNS} spawns beside a spinner took ${ms.toFixed(0)} ms`);
  });
});

Deno.test("HostPoller polls through a timer, then a loopback pair it closes", async () => {
  const poller = new HostPoller();
  try {
    assert.equal(poller.kind, "timer");
    assert.ok(poller.minIntervalMs > 0, "timer polls are spaced out");
    await poller.poll();
    // The pair is opened in the background on first use (net is granted here).
    for (let i = 0; i < 100 && (poller.kind as string) !== "socket"; i++) await poller.poll();
    assert.equal(poller.kind, "socket");
    assert.equal(poller.minIntervalMs, 0);
    const a = poller.poll();
    assert.equal(poller.poll(), a, "a poll in flight is joined, not doubled");
    await a;
  } finally {
    await poller.close();
  }
  await poller.close();
});
