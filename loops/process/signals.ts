// Signal handlers of an event loop, on Deno.addSignalListener. The Deno
// listener never runs the user's callback itself: it puts the handler's
// Handle on the loop's ready queue (which wakes a waiting loop), so the
// callback runs as a loop callback, in order, with errors going to the
// loop's exception handler.

// The host's own signal table: Deno has no API listing the signals of this
// OS (it only throws for the ones it lacks), node:os does.
import { constants } from "node:os";
import type { BaseEventLoop } from "../core/base_event_loop.ts";
import { Handle } from "../core/events.ts";
import { RuntimeError } from "../core/exceptions.ts";
import { checkCallback, describe } from "../core/checks.ts";

/** Every name of Deno's `Deno.Signal` type; which ones exist depends on the OS. */
const DENO_SIGNALS: ReadonlySet<string> = new Set<Deno.Signal>([
  "SIGABRT",
  "SIGALRM",
  "SIGBREAK",
  "SIGBUS",
  "SIGCHLD",
  "SIGCONT",
  "SIGEMT",
  "SIGFPE",
  "SIGHUP",
  "SIGILL",
  "SIGINFO",
  "SIGINT",
  "SIGIO",
  "SIGPOLL",
  "SIGUNUSED",
  "SIGKILL",
  "SIGPIPE",
  "SIGPROF",
  "SIGPWR",
  "SIGQUIT",
  "SIGSEGV",
  "SIGSTKFLT",
  "SIGSTOP",
  "SIGSYS",
  "SIGTERM",
  "SIGTRAP",
  "SIGTSTP",
  "SIGTTIN",
  "SIGTTOU",
  "SIGURG",
  "SIGUSR1",
  "SIGUSR2",
  "SIGVTALRM",
  "SIGWINCH",
  "SIGXCPU",
  "SIGXFSZ",
]); // deno-fmt-ignore

/** Signals no process can catch (POSIX), and the fault signals Deno keeps for itself. */
const UNCATCHABLE: Readonly<Record<string, string>> = {
  SIGKILL: "",
  SIGSTOP: "",
  SIGSEGV: ": Deno keeps the fault signals SIGSEGV, SIGILL and SIGFPE for itself",
  SIGILL: ": Deno keeps the fault signals SIGSEGV, SIGILL and SIGFPE for itself",
  SIGFPE: ": Deno keeps the fault signals SIGSEGV, SIGILL and SIGFPE for itself",
};

const hostSignals = constants.signals as Readonly<Record<string, number | undefined>>;

function nameOfNumber(n: number): string | undefined {
  return Object.keys(hostSignals).find((name) => hostSignals[name] === n && DENO_SIGNALS.has(name));
}

/**
 * Checks a signal argument: a Deno signal name that exists on this OS.
 *
 * @throws {TypeError} If it is not a string, or not a signal name at all.
 * @throws {RangeError} If this OS has no such signal (`"SIGINFO"` on Linux).
 */
export function checkSignal(signal: unknown): Deno.Signal {
  if (typeof signal !== "string") {
    const name = typeof signal === "number" ? nameOfNumber(signal) : undefined;
    const hint = name === undefined ? "" : ` (use "${name}")`;
    throw new TypeError(
      `signal must be a Deno signal name such as "SIGINT": got ${describe(signal)}${hint}`,
    );
  }
  if (!DENO_SIGNALS.has(signal)) throw new TypeError(`Unknown signal: ${describe(signal)}`);
  if (hostSignals[signal] === undefined) {
    throw new RangeError(`Signal not available on this system: ${signal}`);
  }
  return signal as Deno.Signal;
}

function isCoroutineFunction(fn: unknown): boolean {
  const kind = (fn as { constructor?: { name?: string } }).constructor?.name;
  return kind === "GeneratorFunction" || kind === "AsyncFunction" ||
    kind === "AsyncGeneratorFunction";
}

/** Period of the timer that keeps the process alive (it never needs to fire). */
const KEEP_ALIVE_MS = 0x3fffffff;

function noop(): void {}

interface Entry {
  handle: Handle;
  listener: () => void;
}

/** The signal handlers one loop installed. */
export class SignalHandlers {
  #loop: BaseEventLoop;
  #entries = new Map<Deno.Signal, Entry>();
  #keepAlive: ReturnType<typeof setInterval> | undefined = undefined;

  constructor(loop: BaseEventLoop) {
    this.#loop = loop;
  }

  /** How many signals have a handler. */
  get size(): number {
    return this.#entries.size;
  }

  /** Installs (or replaces) the handler of `signal`. */
  add(signal: unknown, callback: unknown, args: unknown[]): void {
    checkCallback(callback);
    if (isCoroutineFunction(callback)) {
      throw new TypeError(
        "coroutines cannot be used with addSignalHandler(): start a task from a plain callback",
      );
    }
    const sig = checkSignal(signal);
    if (sig in UNCATCHABLE) {
      throw new RuntimeError(`sig ${sig} cannot be caught${UNCATCHABLE[sig]}`);
    }
    if (this.#loop.isClosed()) throw new RuntimeError("Event loop is closed");
    const handle = new Handle(
      callback as (...a: unknown[]) => unknown,
      args.length === 0 ? null : args,
      this.#loop,
    );
    const listener = () => this.#deliver(sig, handle);
    try {
      Deno.addSignalListener(sig, listener);
    } catch (e) {
      // Our tables should have caught it; never let a refusal escape raw.
      throw new RuntimeError(`sig ${sig} cannot be caught: ${(e as Error).message}`, { cause: e });
    }
    this.#drop(sig);
    this.#entries.set(sig, { handle, listener });
    this.syncKeepAlive();
  }

  /** Removes the handler of `signal`; whether there was one. */
  /** Whether a handler is installed for `sig`. */
  has(sig: Deno.Signal): boolean {
    return this.#entries.has(sig);
  }

  remove(signal: unknown): boolean {
    const sig = checkSignal(signal);
    const removed = this.#drop(sig);
    this.syncKeepAlive();
    return removed;
  }

  /** Removes every handler (the loop is closing). */
  removeAll(): void {
    for (const sig of [...this.#entries.keys()]) this.#drop(sig);
    this.syncKeepAlive();
  }

  /**
   * Deno's signal listeners do not keep the process alive, but a running
   * asyncio loop waits for its signals (it blocks in select). So while the
   * loop runs with a handler installed, a timer that never fires holds the
   * process; the loop calls this when it starts and stops running.
   */
  syncKeepAlive(): void {
    const wanted = this.#entries.size > 0 && this.#loop.isRunning();
    if (wanted && this.#keepAlive === undefined) {
      this.#keepAlive = setInterval(noop, KEEP_ALIVE_MS);
    } else if (!wanted && this.#keepAlive !== undefined) {
      clearInterval(this.#keepAlive);
      this.#keepAlive = undefined;
    }
  }

  #drop(sig: Deno.Signal): boolean {
    const entry = this.#entries.get(sig);
    if (entry === undefined) return false;
    this.#entries.delete(sig);
    entry.handle.cancel();
    Deno.removeSignalListener(sig, entry.listener);
    return true;
  }

  // Runs inside Deno's listener: only queue the handle (asyncio's
  // _handle_signal); the loop runs it.
  #deliver(sig: Deno.Signal, handle: Handle): void {
    if (this.#entries.get(sig)?.handle !== handle || this.#loop.isClosed()) return;
    this.#loop._callSoonRunnable(handle);
  }
}
