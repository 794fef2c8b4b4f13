// A small HTTP/1.1 server written as a Protocol: GET and HEAD, keep-alive
// (with pipelining and an idle timeout), Content-Length on every response,
// 404, 405, 400. No dependencies beyond the library.
//
//   deno run --allow-net examples/http_server.ts [--host 127.0.0.1] [--port 8080]
//   curl -i http://127.0.0.1:8080/            # "Hello from asyncio for Deno!"
//   curl -i http://127.0.0.1:8080/info        # the request as JSON
//
// It prints `listening on http://HOST:PORT/` first, and stops cleanly on
// SIGINT or SIGTERM (printing `stopped`). `startHttpServer` is exported so
// tests can run it on their own loop.

import {
  type Coroutine,
  createTask,
  getRunningLoop,
  NotImplementedError,
  run,
  type TimerHandle,
} from "../mod.ts";
import {
  type AbstractServer,
  type InetAddress,
  Protocol,
  type Transport,
} from "../loops/protocols_mod.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Largest request head accepted (request line and headers). */
const MAX_HEAD_BYTES = 16 * 1024;
/** Seconds an idle keep-alive connection stays open. */
const IDLE_TIMEOUT = 5;

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Content Too Large",
  431: "Request Header Fields Too Large",
  501: "Not Implemented",
};

/** A parsed request head. */
export interface Request {
  method: string;
  path: string;
  version: "HTTP/1.0" | "HTTP/1.1";
  headers: Map<string, string>;
}

/** A response before serialization. */
interface Response {
  status: number;
  body: string;
  type?: string;
  extra?: Record<string, string>;
}

/** Parses a request head (without the blank line), or returns null if malformed. */
export function parseHead(head: string): Request | null {
  const lines = head.split("\r\n");
  const parts = lines[0].split(" ");
  if (parts.length !== 3 || !/^[A-Z]+$/.test(parts[0]) || !parts[1].startsWith("/")) return null;
  if (parts[2] !== "HTTP/1.1" && parts[2] !== "HTTP/1.0") return null;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0) return null;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const previous = headers.get(name);
    headers.set(name, previous === undefined ? value : `${previous}, ${value}`);
  }
  return { method: parts[0], path: parts[1], version: parts[2], headers };
}

/** Whether the connection stays open after answering `req` (HTTP/1.1 default: yes). */
function wantsKeepAlive(req: Request): boolean {
  const connection = (req.headers.get("connection") ?? "").toLowerCase();
  if (req.version === "HTTP/1.0") return connection.includes("keep-alive");
  return !connection.includes("close");
}

/** The application: what each path answers. */
function route(req: Request, info: Record<string, unknown>): Response {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return { status: 405, body: "Method Not Allowed\n", extra: { Allow: "GET, HEAD" } };
  }
  const path = req.path.split("?")[0];
  if (path === "/") return { status: 200, body: "Hello from asyncio for Deno!\n" };
  if (path === "/info") {
    const headers = Object.fromEntries(req.headers);
    const body = JSON.stringify({ method: req.method, path: req.path, headers, ...info }) + "\n";
    return { status: 200, body, type: "application/json" };
  }
  return { status: 404, body: "Not Found\n" };
}

/** Serializes a response; HEAD gets the headers GET would, without the body. */
function serialize(res: Response, head: boolean, keepAlive: boolean): Uint8Array {
  const body = encoder.encode(res.body);
  const lines = [
    `HTTP/1.1 ${res.status} ${STATUS_TEXT[res.status]}`,
    `Content-Type: ${res.type ?? "text/plain; charset=utf-8"}`,
    `Content-Length: ${body.length}`,
    `Date: ${new Date().toUTCString()}`,
    "Server: asyncio-deno-example",
    `Connection: ${keepAlive ? "keep-alive" : "close"}`,
    ...Object.entries(res.extra ?? {}).map(([k, v]) => `${k}: ${v}`),
  ];
  const headBytes = encoder.encode(lines.join("\r\n") + "\r\n\r\n");
  if (head) return headBytes;
  const out = new Uint8Array(headBytes.length + body.length);
  out.set(headBytes);
  out.set(body, headBytes.length);
  return out;
}

/** Finds "\r\n\r\n" in `buf`; returns the index of its first byte or -1. */
function findHeadEnd(buf: Uint8Array): number {
  for (let i = 0; i + 3 < buf.length; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) return i;
  }
  return -1;
}

/** One HTTP connection: parses requests as bytes arrive and answers each in order. */
export class HttpProtocol extends Protocol {
  #transport: Transport | null = null;
  #buffer = new Uint8Array(0);
  #requests = 0;
  #idle: TimerHandle | null = null;
  #done = false;

  override connectionMade(transport: Transport): void {
    this.#transport = transport;
    this.#armIdleTimer();
  }

  override dataReceived(data: Uint8Array): void {
    if (this.#done) return;
    const joined = new Uint8Array(this.#buffer.length + data.length);
    joined.set(this.#buffer);
    joined.set(data, this.#buffer.length);
    this.#buffer = joined;
    while (!this.#done && this.#handleOne()) {
      // Pipelined requests: answer each complete one, in order.
    }
    this.#armIdleTimer();
  }

  // Handles the request at the start of the buffer; false if it is incomplete.
  #handleOne(): boolean {
    const end = findHeadEnd(this.#buffer);
    if (end < 0) {
      if (this.#buffer.length > MAX_HEAD_BYTES) this.#fail(431);
      return false;
    }
    const req = parseHead(decoder.decode(this.#buffer.subarray(0, end)));
    if (req === null) return this.#fail(400);
    if (req.headers.has("transfer-encoding")) return this.#fail(501);
    const length = Number(req.headers.get("content-length") ?? "0");
    if (!Number.isSafeInteger(length) || length < 0) return this.#fail(400);
    if (length > MAX_HEAD_BYTES) return this.#fail(413);
    const total = end + 4 + length;
    if (this.#buffer.length < total) return false; // the body (ignored) is not all here
    this.#buffer = this.#buffer.slice(total);
    this.#respond(req);
    return true;
  }

  #respond(req: Request): void {
    this.#requests++;
    const keepAlive = wantsKeepAlive(req);
    const info = {
      peer: this.#transport!.getExtraInfo("peername"),
      requestOnConnection: this.#requests,
    };
    this.#transport!.write(serialize(route(req, info), req.method === "HEAD", keepAlive));
    if (!keepAlive) this.#finish();
  }

  #fail(status: number): false {
    const res = { status, body: `${STATUS_TEXT[status]}\n` };
    this.#transport!.write(serialize(res, false, false));
    this.#finish();
    return false;
  }

  // Closes after the buffered responses are sent.
  #finish(): void {
    this.#done = true;
    this.#transport!.close();
  }

  #armIdleTimer(): void {
    this.#idle?.cancel();
    if (this.#done) return;
    this.#idle = getRunningLoop().callLater(IDLE_TIMEOUT, () => this.#finish());
  }

  // The client finished sending: answer what is complete, then close.
  override eofReceived(): void {
    this.#done = true;
  }

  override connectionLost(): void {
    this.#idle?.cancel();
    this.#idle = null;
  }
}

/**
 * Starts the HTTP server on the running loop.
 *
 * @param host Where to listen (default 127.0.0.1).
 * @param port The port (default 0: any free port).
 * @returns A coroutine of the server.
 */
export function* startHttpServer(
  host = "127.0.0.1",
  port = 0,
): Coroutine<AbstractServer<InetAddress>> {
  return yield* getRunningLoop().createServer(() => new HttpProtocol(), host, port);
}

/** Serves until SIGINT or SIGTERM, then closes every connection and returns. */
function* main(host: string, port: number): Coroutine<void> {
  const loop = getRunningLoop();
  const server = yield* startHttpServer(host, port);
  const [boundHost, boundPort] = server.sockets[0].getsockname();
  console.log(`listening on http://${boundHost}:${boundPort}/`);
  const serving = createTask(server.serveForever());
  const stop = () => {
    server.close();
    server.closeClients(); // idle keep-alive connections too
    serving.cancel();
  };
  const signals: Deno.Signal[] = [];
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    try {
      loop.addSignalHandler(signal, stop);
      signals.push(signal);
    } catch (e) {
      if (!(e instanceof NotImplementedError)) throw e; // no such signal here
    }
  }
  try {
    yield* serving;
  } catch {
    // Cancelled by a signal: serveForever() closed the server and waited.
  }
  for (const signal of signals) loop.removeSignalHandler(signal);
  console.log("stopped");
}

function option(name: string, fallback: string): string {
  const at = Deno.args.indexOf(`--${name}`);
  return at >= 0 && at + 1 < Deno.args.length ? Deno.args[at + 1] : fallback;
}

if (import.meta.main) {
  await run(main(option("host", "127.0.0.1"), Number(option("port", "8080"))));
}
