// An echo server and client written with Protocols (the callback API).
//
//   deno run --allow-net examples/echo_protocol.ts                  # both, on loopback
//   deno run --allow-net examples/echo_protocol.ts server [port]    # serve on 127.0.0.1
//   deno run --allow-net examples/echo_protocol.ts client port [message ...]
//
// `EchoServerProtocol` (a Protocol: each chunk arrives as a new Uint8Array
// the protocol owns), `ZeroCopyEchoProtocol` (a BufferedProtocol: data is
// received into the protocol's own buffer and written back from it) and
// `startEchoServer` are exported for benchmarks and tests.

import { type Coroutine, type Future, getRunningLoop, run } from "../mod.ts";
import {
  type AbstractServer,
  BufferedProtocol,
  type InetAddress,
  Protocol,
  type Transport,
} from "../loops/protocols_mod.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Writes back every chunk it receives; closes when the client has finished sending. */
export class EchoServerProtocol extends Protocol {
  #transport: Transport | null = null;

  override connectionMade(transport: Transport): void {
    this.#transport = transport;
  }

  override dataReceived(data: Uint8Array): void {
    this.#transport!.write(data);
  }

  // Returning nothing (falsy) closes the transport after the buffered
  // echoes are sent.
  override eofReceived(): void {}
}

/**
 * The echo without a copy or an allocation per message: a BufferedProtocol
 * receives into one buffer and writes back from it. The buffer must not be
 * refilled while a write from it is pending, so the write buffer limits are
 * 0 and flow control says when the write is done: `pauseWriting()` (a write
 * is pending) pauses reading, `resumeWriting()` (it was sent) resumes it.
 */
export class ZeroCopyEchoProtocol extends BufferedProtocol {
  #transport: Transport | null = null;
  #buffer = new Uint8Array(64 * 1024);

  override connectionMade(transport: Transport): void {
    this.#transport = transport;
    transport.setWriteBufferLimits(0);
  }

  override getBuffer(_sizeHint: number): Uint8Array {
    return this.#buffer;
  }

  override bufferUpdated(nbytes: number): void {
    this.#transport!.write(this.#buffer.subarray(0, nbytes));
  }

  override pauseWriting(): void {
    this.#transport!.pauseReading();
  }

  override resumeWriting(): void {
    this.#transport!.resumeReading();
  }
}

/**
 * Starts the protocol echo server on the running loop.
 *
 * @param host Where to listen (default 127.0.0.1).
 * @param port The port (default 0: any free port).
 * @param zeroCopy Use `ZeroCopyEchoProtocol` instead of `EchoServerProtocol`.
 * @returns A coroutine of the server.
 */
export function* startEchoServer(
  host = "127.0.0.1",
  port = 0,
  zeroCopy = false,
): Coroutine<AbstractServer<InetAddress>> {
  const factory = zeroCopy ? () => new ZeroCopyEchoProtocol() : () => new EchoServerProtocol();
  return yield* getRunningLoop().createServer(factory, host, port);
}

/** Sends messages one at a time, each after the previous echo came back whole. */
class EchoClientProtocol extends Protocol {
  #transport: Transport | null = null;
  #pending: string[];
  #expected = "";
  #received = "";
  readonly replies: string[] = [];
  readonly done: Future<string[]>;

  constructor(messages: string[]) {
    super();
    this.#pending = [...messages];
    this.done = getRunningLoop().createFuture<string[]>();
  }

  override connectionMade(transport: Transport): void {
    this.#transport = transport;
    this.#sendNext();
  }

  #sendNext(): void {
    const next = this.#pending.shift();
    if (next === undefined) {
      this.#transport!.writeEof(); // half-close: the server closes after echoing
      return;
    }
    this.#expected = next;
    this.#received = "";
    this.#transport!.write(encoder.encode(next));
  }

  override dataReceived(data: Uint8Array): void {
    this.#received += decoder.decode(data, { stream: true });
    if (this.#received.length < this.#expected.length) return;
    this.replies.push(this.#received);
    this.#sendNext();
  }

  override connectionLost(exc: Error | null): void {
    if (exc !== null) this.done.setException(exc);
    else this.done.setResult(this.replies);
  }
}

/**
 * Connects to an echo server, sends each message, and returns the echoes.
 *
 * @param port The server's port on 127.0.0.1.
 * @param messages What to send.
 * @returns A coroutine of the replies.
 */
export function* echoClient(port: number, messages: string[]): Coroutine<string[]> {
  const loop = getRunningLoop();
  const [, protocol] = yield* loop.createConnection(
    () => new EchoClientProtocol(messages),
    "127.0.0.1",
    port,
  );
  return yield* protocol.done;
}

function* serve(port: number): Coroutine<void> {
  const server = yield* startEchoServer("127.0.0.1", port);
  const [host, bound] = server.sockets[0].getsockname();
  console.log(`echo server on ${host}:${bound} (Ctrl-C to stop)`);
  yield* server.serveForever();
}

function* both(messages: string[]): Coroutine<void> {
  const server = yield* startEchoServer();
  const [, port] = server.sockets[0].getsockname();
  console.log(`echo server on 127.0.0.1:${port}`);
  const replies = yield* echoClient(port, messages);
  for (const reply of replies) console.log(`echoed: ${reply}`);
  server.close();
  yield* server.waitClosed();
  console.log("server closed");
}

if (import.meta.main) {
  const [mode = "both", ...rest] = Deno.args;
  if (mode === "server") await run(serve(Number(rest[0] ?? 0)));
  else if (mode === "client") {
    const replies = await run(
      echoClient(Number(rest[0]), rest.slice(1).length ? rest.slice(1) : ["hello"]),
    );
    for (const reply of replies) console.log(`echoed: ${reply}`);
  } else if (mode === "both") await run(both(["hello", "asyncio", "for Deno"]));
  else console.error("usage: echo_protocol.ts [both | server [port] | client port [message ...]]");
}
