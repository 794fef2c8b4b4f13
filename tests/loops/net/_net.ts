// Helpers shared by the network tests: a protocol that records every
// callback, an echo protocol, a way to run a coroutine on a fresh watched
// SelectorEventLoop, and small waiting utilities. Real sockets only.

import assert from "node:assert/strict";
import { type Coroutine, type Future, SelectorEventLoop, sleep } from "../../../mod.ts";
import {
  type AbstractServer,
  BufferedProtocol,
  type InetAddress,
  Protocol,
  type SocketExtraInfo,
  type Transport,
} from "../../../loops/protocols_mod.ts";
import { type ExceptionWatcher, hostTick, withLoop } from "../../_helpers.ts";

export const enc = new TextEncoder();
export const dec = new TextDecoder();

/**
 * Runs `main(loop, exceptions)` to completion on a new watched
 * SelectorEventLoop, then checks that the loop's count of host operations in
 * flight (`_pendingIo`) returns to 0: every read and write the transports
 * started has settled (the sanitizers check the same from Deno's side).
 */
export function onLoop<T>(
  main: (loop: SelectorEventLoop, exceptions: ExceptionWatcher) => Coroutine<T>,
): Promise<T> {
  return withLoop(() => new SelectorEventLoop(), async (loop, exceptions) => {
    const result = await loop.runUntilComplete(main(loop, exceptions));
    for (let i = 0; i < 200 && loop._pendingIo !== 0; i++) await hostTick(5);
    assert.equal(loop._pendingIo, 0, "host operations still in flight after the test");
    return result;
  });
}

/**
 * Polls `cond` every few milliseconds until it holds; fails after `timeout`
 * seconds with `what` in the message (a test never hangs on a lost event).
 */
export function* until(cond: () => boolean, what: string, timeout = 10): Coroutine<void> {
  const end = performance.now() + timeout * 1000;
  while (!cond()) {
    if (performance.now() > end) assert.fail(`Timed out waiting for ${what}`);
    yield* sleep(0.002);
  }
}

/** A protocol recording every callback in `events`, with futures for the milestones. */
export class Recorder extends Protocol {
  events: string[] = [];
  chunks: Uint8Array[] = [];
  received = 0;
  transport: Transport | null = null;
  made: Future<void>;
  lost: Future<Error | null>;
  eofResult: boolean | void;
  lostError: Error | null | undefined = undefined;

  constructor(loop: SelectorEventLoop, eofResult: boolean | void = undefined) {
    super();
    this.made = loop.createFuture<void>();
    this.lost = loop.createFuture<Error | null>();
    this.eofResult = eofResult;
  }

  override connectionMade(t: Transport): void {
    this.transport = t;
    this.events.push("made");
    this.made.setResult(undefined);
  }

  override dataReceived(data: Uint8Array): void {
    if (this.events.at(-1) !== "data") this.events.push("data");
    this.chunks.push(data);
    this.received += data.length;
  }

  override eofReceived(): boolean | void {
    this.events.push("eof");
    return this.eofResult;
  }

  override connectionLost(exc: Error | null): void {
    this.events.push("lost");
    this.lostError = exc;
    if (this.lost.done()) throw new Error("connectionLost called twice");
    this.lost.setResult(exc);
  }

  override pauseWriting(): void {
    this.events.push("pauseWriting");
  }

  override resumeWriting(): void {
    this.events.push("resumeWriting");
  }

  /** Everything received, concatenated. */
  data(): Uint8Array {
    return concat(this.chunks);
  }

  /** Everything received, as text. */
  text(): string {
    return dec.decode(this.data());
  }
}

/** Writes back everything it receives; closes when the peer does. */
export class Echo extends Protocol {
  transport: Transport | null = null;
  override connectionMade(t: Transport): void {
    this.transport = t;
  }
  override dataReceived(data: Uint8Array): void {
    this.transport!.write(data);
  }
}

/** A BufferedProtocol echo (reads into its own buffer, writes the bytes back). */
export class BufferedEcho extends BufferedProtocol {
  transport: Transport | null = null;
  buf = new Uint8Array(1000);
  sizeHints: number[] = [];
  override connectionMade(t: Transport): void {
    this.transport = t;
  }
  override getBuffer(sizeHint: number): Uint8Array {
    this.sizeHints.push(sizeHint);
    return this.buf;
  }
  override bufferUpdated(n: number): void {
    this.transport!.write(this.buf.subarray(0, n));
  }
}

/** Opens a Recorder client to 127.0.0.1:`port` (`eofResult`: what its eofReceived() returns). */
export function* connectRecorder(
  loop: SelectorEventLoop,
  port: number,
  eofResult?: boolean,
): Coroutine<[Transport<SocketExtraInfo<InetAddress>>, Recorder]> {
  const [t, p] = yield* loop.createConnection(
    () => new Recorder(loop, eofResult),
    "127.0.0.1",
    port,
  );
  return [t, p];
}

/** Concatenates byte chunks. */
export function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The port of a server's first listening socket. */
export function portOf(server: AbstractServer): number {
  const name = server.sockets[0].getsockname();
  assert.ok(Array.isArray(name), "expected a TCP server");
  return name[1];
}

/** Starts an echo server on 127.0.0.1 and returns it with its port. */
export function* echoServer(
  loop: SelectorEventLoop,
  factory: () => Protocol | BufferedProtocol = () => new Echo(),
): Coroutine<[AbstractServer, number]> {
  const server = yield* loop.createServer(factory, "127.0.0.1", 0);
  return [server, portOf(server)];
}

/** Closes a server and its clients and waits until it is closed. */
export function* shutdown(server: AbstractServer): Coroutine<void> {
  server.close();
  server.closeClients();
  yield* server.waitClosed();
}

/** Deterministic bytes (a repeating pattern offset by `seed`). */
export function pattern(size: number, seed = 0): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

/** Runs a command to completion and returns its exit code and output. */
export async function runCommand(
  cmd: string,
  args: string[],
  options: { stdin?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(cmd, {
    args,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: options.env,
  }).spawn();
  if (options.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(enc.encode(options.stdin));
    await w.close();
  }
  const out = await child.output();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Whether a program is on PATH. */
export async function hasProgram(name: string): Promise<boolean> {
  try {
    const r = await runCommand("sh", ["-c", `command -v ${name}`]);
    return r.code === 0;
  } catch {
    return false;
  }
}

/** A child process that prints its port at the end of its first line (a peer, an example). */
export interface PortProcess {
  /** The port the child printed. */
  port: number;
  /** Resolves when the child exits: its code and the rest of its output. */
  finished: Promise<{ code: number; stdout: string; stderr: string }>;
  /** Sends a signal (default SIGTERM) if the child still runs, and waits for it. */
  kill(signal?: Deno.Signal): Promise<void>;
  /** The child's process id. */
  pid: number;
}

/** Starts `cmd args` and waits for the port it prints first. */
export async function startPortProcess(cmd: string, args: string[]): Promise<PortProcess> {
  const child = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stderrText = new Response(child.stderr).text();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += value;
    }
  })();
  const finished = Promise.all([child.status, rest, stderrText]).then(([status, , stderr]) => ({
    code: status.code,
    stdout: text.slice(text.indexOf("\n") + 1),
    stderr,
  }));
  // The first line is the port, or ends with it ("listening on http://host:port/").
  const port = Number(/(\d+)\/?$/.exec(text.split("\n")[0].trim())?.[1]);
  if (!Number.isInteger(port) || port <= 0) {
    try {
      child.kill();
    } catch {
      // Already gone.
    }
    const out = await finished;
    throw new Error(`${cmd} did not print a port: ${text}${out.stderr}`);
  }
  return {
    port,
    finished,
    pid: child.pid,
    async kill(signal: Deno.Signal = "SIGTERM") {
      try {
        child.kill(signal);
      } catch {
        // Already exited.
      }
      await finished;
    },
  };
}
