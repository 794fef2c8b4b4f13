// The host poll of BaseEventLoop: one trip through Deno's event loop that is
// sure to ask the OS for I/O readiness, so a loop that stays busy still lets
// socket reads, accepts, child exits, signals and Worker messages in.
//
// Why a dedicated mechanism (measured on Deno 2.9.6, see ARCHITECTURE.md):
// Deno polls the OS only when its event loop runs out of work and parks, or
// every ~60 turns. A `setImmediate` turn never parks, so a loop that hands
// off with it sees a ready socket ~500 ms late. What parks at once, and for
// little time, is waiting on an event the loop itself makes happen: a byte
// written to a loopback TCP pair the loop owns, then read back (~20 µs a
// trip). The read can only complete through the OS poll, which completes
// every other ready operation too. The pair is used when the program may use
// the network on 127.0.0.1 (checked with `Deno.permissions.querySync`, so
// nobody is ever prompted). Without that permission a poll is a 0 ms
// `setTimeout`, which parks but idles ~1-2 ms (Deno's timer granularity),
// so the loop polls that way at most every few milliseconds. (A thread-pool
// round trip such as `crypto.subtle.digest` polls the OS under `deno run`
// but not reliably under `deno test`.)

/** How a poll reaches the OS: the loopback pair, or a 0 ms timer. */
type PollKind = "socket" | "timer";

/** The least time (ms) between two timer polls: each idles ~1-2 ms. */
const TIMER_POLL_INTERVAL_MS = 4;

const ONE_BYTE = new Uint8Array([1]);

function netOnLoopbackGranted(): boolean {
  try {
    return Deno.permissions.querySync({ name: "net", host: "127.0.0.1" }).state === "granted";
  } catch {
    return false;
  }
}

/** A loopback TCP pair: writing to `tx` makes `rx` readable. */
interface Pair {
  tx: Deno.TcpConn;
  rx: Deno.TcpConn;
}

async function openPair(): Promise<Pair> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const { port } = listener.addr as Deno.NetAddr;
    const [tx, rx] = await Promise.all([
      Deno.connect({ hostname: "127.0.0.1", port }),
      listener.accept() as Promise<Deno.TcpConn>,
    ]);
    tx.setNoDelay(true);
    return { tx, rx };
  } finally {
    listener.close();
  }
}

/**
 * Polls the host's I/O once per `poll()`. One per loop, made on first use and
 * closed with the loop.
 *
 * @ignore
 */
export class HostPoller {
  #pair: Pair | null = null;
  #opening: Promise<void> | null = null;
  #socketWanted = netOnLoopbackGranted();
  #sink = new Uint8Array(64);
  /** The poll in flight: a second `poll()` meanwhile joins it. */
  #inFlight: Promise<void> | null = null;
  #closed = false;

  /** How the next poll will reach the OS. */
  get kind(): PollKind {
    return this.#pair !== null ? "socket" : "timer";
  }

  /** The least time (ms) a busy loop should let pass between two polls of this kind. */
  get minIntervalMs(): number {
    return this.#pair !== null ? 0 : TIMER_POLL_INTERVAL_MS;
  }

  /** Resolves once the host has polled the OS for I/O (never rejects). */
  poll(): Promise<void> {
    if (this.#inFlight !== null) return this.#inFlight;
    if (this.#pair === null && this.#socketWanted && this.#opening === null) this.#open();
    const p = this.#pair !== null ? this.#pollSocket(this.#pair) : this.#pollTimer();
    this.#inFlight = p;
    return p;
  }

  #pollSocket(pair: Pair): Promise<void> {
    pair.tx.write(ONE_BYTE).catch(() => {});
    return pair.rx.read(this.#sink).then(this.#done, this.#done);
  }

  #pollTimer(): Promise<void> {
    return new Promise<void>((resolve) => setTimeout(resolve, 0)).then(this.#done);
  }

  #done = (): void => {
    this.#inFlight = null;
  };

  #open(): void {
    this.#opening = openPair().then(
      (pair) => {
        if (this.#closed) closePair(pair);
        else this.#pair = pair;
      },
      () => {
        // Refused after all (a sandbox, no loopback): stay on the timer.
        this.#socketWanted = false;
      },
    );
  }

  /**
   * Closes the pair. A poll in flight ends (its read fails) and resolves.
   * Returns a promise settled once a pair still being opened is closed too.
   */
  close(): Promise<void> {
    this.#closed = true;
    const pair = this.#pair;
    this.#pair = null;
    if (pair !== null) closePair(pair);
    return this.#opening ?? Promise.resolve();
  }
}

function closePair(pair: Pair): void {
  for (const conn of [pair.tx, pair.rx]) {
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
}
