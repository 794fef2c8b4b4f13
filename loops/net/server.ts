/**
 * `Server`: what `createServer`, `createUnixServer` and `startServer` return.
 *
 * @module
 */

import type { BaseEventLoop } from "../core/base_event_loop.ts";
import { AbstractServer, type Coroutine } from "../core/events.ts";
import type { ServerSocket } from "../core/io_types.ts";
import { CancelledError, RuntimeError } from "../core/exceptions.ts";
import type { Future } from "../core/futures.ts";
import { Task } from "../core/tasks.ts";
import type { BaseProtocol } from "../core/protocols.ts";
import { OSError } from "./os_errors.ts";
import { mapIoError } from "./errors.ts";
import { allocateFileno } from "./sock_addr.ts";
import type { StreamTransport } from "./transports/stream.ts";

/** Seconds to wait before accepting again after an accept error (asyncio's value). */
const ACCEPT_RETRY_DELAY = 1;

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

/**
 * What a listener may add for `Server`: its `fileno()` (a `Socket` it
 * serves), and a promise that settles once its socket is really released
 * (its host accept has settled).
 *
 * @ignore
 */
export interface ServerListener extends Deno.Listener {
  _fileno?(): number;
  _released?(): Promise<void>;
}

// AbstractServer (the interface class) and ServerSocket live in the core:
// the loop interface names them.
export { AbstractServer, type ServerSocket };

/**
 * Turns an accepted connection into a started transport (the loop supplies
 * it: plain, TLS, Unix). A plain connection starts at once and the handler
 * returns null; one that must wait first (a TLS handshake) returns the
 * coroutine that finishes it, which the server runs as a task given an
 * abort signal (`closeClients()` ends the handshake).
 *
 * @ignore
 */
export type AcceptHandler = (
  conn: Deno.Conn,
  protocol: BaseProtocol,
  server: Server,
) => ((signal: AbortSignal) => Coroutine<unknown>) | null;

/** One listener's accepts: the one in flight, and the callbacks made once for all of them. */
interface Accepts {
  listener: ServerListener;
  /** The host accept in flight, or null. */
  inFlight: Promise<Deno.Conn> | null;
  /** The connection accepted last, until the loop hands it over (`_run`). */
  conn: Deno.Conn | null;
  onAccepted: (conn: Deno.Conn) => void;
  onFailed: (e: unknown) => void;
  /** The loop's runnable: starts the connection, then the next accept. */
  _run: () => void;
}

/**
 * A server: listening sockets plus the connections accepted from them.
 *
 * `close()` stops listening (existing connections stay open);
 * `closeClients()`/`abortClients()` close them, connections still in their
 * TLS handshake included; `waitClosed()` waits until the server is closed
 * and every connection is gone. Supports `await using server = ...`.
 * `startServing()`, `serveForever()` and `waitClosed()` return a future:
 * `await` it in an async function, `yield*` it in a generator coroutine.
 *
 * A connection that cannot start for a network reason (an `OSError`: a
 * failed or timed-out TLS handshake, a client gone) is reported to the
 * exception handler in debug mode only, as asyncio does. Differences from
 * asyncio: any other error (a protocol factory that throws, a bug) is
 * always reported.
 *
 * @typeParam A The address its sockets report: `[host, port]` for a TCP
 *   server (`createServer`), a path for a Unix server (`createUnixServer`).
 *
 * @example Serving until the scope ends
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run } from "@asyncio/deno";
 * import { Protocol } from "@asyncio/deno/protocols";
 * await run(async () => {
 *   const loop = getRunningLoop();
 *   await using server = await loop.createServer(() => new Protocol(), "127.0.0.1", 0);
 *   const [host, port] = server.sockets[0].getsockname();
 *   assert(host === "127.0.0.1" && port > 0 && server.isServing());
 * });
 * ```
 */
export class Server<
  A extends [host: string, port: number] | string = [host: string, port: number] | string,
> extends AbstractServer<A> {
  #loop: BaseEventLoop;
  #listeners: ServerListener[];
  #protocolFactory: () => BaseProtocol;
  #onAccept: AcceptHandler;
  #serving = false;
  #closed = false;
  #transports = new Set<StreamTransport>();
  /** Connections accepted whose transport is not made yet (e.g. in the TLS handshake). */
  #accepting = 0;
  /** Their aborts: `closeClients()`/`abortClients()` end them too. */
  #pending = new Set<AbortController>();
  #waiters: Future<void>[] | null = [];
  #serveForeverFut: Future<void> | null = null;
  #sockets: ServerSocket<A>[];
  #onClose: (() => void) | null;
  /** Each listener's accepts (made when serving starts). */
  #accepts: Accepts[] | null = null;
  /** Whether the closed listeners' sockets are released (their accepts settled). */
  #released = false;

  /** @ignore Created by the loop. */
  constructor(
    loop: BaseEventLoop,
    listeners: ServerListener[],
    protocolFactory: () => BaseProtocol,
    onAccept: AcceptHandler,
    onClose: (() => void) | null = null,
  ) {
    super();
    this.#loop = loop;
    this.#listeners = listeners;
    this.#protocolFactory = protocolFactory;
    this.#onAccept = onAccept;
    this.#onClose = onClose;
    // The loop made the server over listeners of the kind `A` says.
    this.#sockets = listeners.map(socketOf) as ServerSocket<A>[];
  }

  /** The loop the server runs on. */
  override getLoop(): BaseEventLoop {
    return this.#loop;
  }

  /** The listening sockets (empty once closed). */
  override get sockets(): ServerSocket<A>[] {
    return this.#closed ? [] : [...this.#sockets];
  }

  /** Whether the server is accepting connections. */
  override isServing(): boolean {
    return this.#serving;
  }

  /** @ignore Starts accepting connections now (asyncio's `_start_serving`). */
  _startServing(): void {
    if (this.#serving || this.#closed) return;
    this.#serving = true;
    this.#accepts ??= this.#listeners.map((listener) => this.#acceptsOf(listener));
    for (const accepts of this.#accepts) this.#queueAccept(accepts);
  }

  /**
   * Starts accepting connections, if it was created with `startServing: false`.
   *
   * @returns A future (a task of the server's loop) that completes once the
   *   server is serving; it fails with `RuntimeError` if the server is closed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run } from "@asyncio/deno";
   * import { Protocol } from "@asyncio/deno/protocols";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   const server = await loop.createServer(() => new Protocol(), "127.0.0.1", 0, {
   *     startServing: false,
   *   });
   *   assert(!server.isServing());
   *   await server.startServing();
   *   assert(server.isServing());
   *   server.close();
   *   await server.waitClosed();
   * });
   * ```
   */
  override startServing(): Future<void> {
    return new Task(this.#startServingCoro(), { loop: this.#loop });
  }

  *#startServingCoro(): Coroutine<void> {
    if (this.#closed) throw new RuntimeError(`server ${this} is closed`);
    this._startServing();
    yield; // let the first accepts start, as asyncio's sleep(0)
  }

  /**
   * Serves until the awaiting task is cancelled or the server is closed;
   * then closes the server, waits for it to be closed and fails with
   * `CancelledError`.
   *
   * @returns A future (a task of the server's loop) that never completes
   *   normally; it fails with `RuntimeError` if the server is closed or
   *   already serving forever.
   *
   * @example Serving until `close()`
   * ```ts
   * import assert from "node:assert/strict";
   * import { CancelledError, getRunningLoop, run } from "@asyncio/deno";
   * import { Protocol } from "@asyncio/deno/protocols";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   const server = await loop.createServer(() => new Protocol(), "127.0.0.1", 0, {
   *     startServing: false,
   *   });
   *   loop.callLater(0.01, () => server.close());
   *   await assert.rejects(async () => await server.serveForever(), CancelledError);
   *   assert(!server.isServing());
   * });
   * ```
   */
  override serveForever(): Future<never> {
    return new Task(this.#serveForeverCoro(), { loop: this.#loop });
  }

  *#serveForeverCoro(): Coroutine<never> {
    if (this.#serveForeverFut !== null) {
      throw new RuntimeError(`server ${this} is already being awaited on serveForever()`);
    }
    if (this.#closed) throw new RuntimeError(`server ${this} is closed`);
    this._startServing();
    const fut = this.#loop.createFuture<void>();
    this.#serveForeverFut = fut;
    try {
      yield* fut;
      throw new RuntimeError("unreachable: serveForever() ended without cancellation");
    } catch (e) {
      if (e instanceof CancelledError) {
        this.close();
        yield* this.waitClosed();
      }
      throw e;
    } finally {
      this.#serveForeverFut = null;
    }
  }

  // Each accept is started by a loop callback (as a selector loop accepts
  // only while it runs): a server whose loop is not running then has no
  // accept in flight, so close() releases its socket at once and a later
  // connect is refused. (Not the loop's I/O queue: a server waiting for
  // clients is no pending work that virtual time should wait for.) An
  // accepted connection goes back to the loop through the ready queue, and
  // the next accept starts from there: the callbacks are made once per
  // listener, so accepting allocates nothing of ours.
  #acceptsOf(listener: ServerListener): Accepts {
    const accepts: Accepts = {
      listener,
      inFlight: null,
      conn: null,
      onAccepted: (conn) => {
        accepts.inFlight = null;
        if (this.#closed || this.#loop.isClosed()) {
          conn.close();
          return;
        }
        accepts.conn = conn;
        this.#loop._callSoonRunnable(accepts);
      },
      onFailed: (e) => {
        accepts.inFlight = null;
        if (this.#closed || this.#loop.isClosed()) return; // close() cancelled it
        this.#loop.callExceptionHandler({
          message: "socket.accept() failed; retrying in 1 second",
          exception: mapIoError(e, "accept"),
          server: this,
        });
        this.#loop.callLater(ACCEPT_RETRY_DELAY, () => this.#queueAccept(accepts));
      },
      _run: () => {
        const conn = accepts.conn;
        accepts.conn = null;
        if (conn !== null) this.#onConnection(conn);
        this.#accept(accepts);
      },
    };
    return accepts;
  }

  #queueAccept(accepts: Accepts): void {
    if (this.#closed || this.#loop.isClosed()) return;
    this.#loop.callSoon(() => this.#accept(accepts));
  }

  #accept(accepts: Accepts): void {
    if (this.#closed || !this.#serving || this.#loop.isClosed()) return;
    if (accepts.inFlight !== null || accepts.conn !== null) return;
    const accepting = accepts.listener.accept();
    accepts.inFlight = accepting;
    accepting.then(accepts.onAccepted, accepts.onFailed);
  }

  // A plain connection starts here (its transport attached at once); one
  // with a handshake to finish first runs it as a task.
  #onConnection(conn: Deno.Conn): void {
    if (this.#closed) {
      conn.close();
      return;
    }
    let protocol: BaseProtocol;
    try {
      protocol = this.#protocolFactory();
    } catch (e) {
      conn.close();
      this.#loop.callExceptionHandler({
        message: "Error on transport creation for incoming connection",
        exception: e,
        server: this,
      });
      return;
    }
    let finish: ((signal: AbortSignal) => Coroutine<unknown>) | null;
    try {
      finish = this.#onAccept(conn, protocol, this);
    } catch (e) {
      closeQuietly(conn);
      this.#acceptFailed(e, protocol);
      return;
    }
    if (finish === null) return;
    this.#accepting++;
    const abort = new AbortController();
    this.#pending.add(abort);
    const task = new Task(this.#acceptCoro(conn, finish, abort.signal), { loop: this.#loop });
    task.then(() => this.#accepted(abort), (e) => {
      this.#accepted(abort);
      if (this.#loop.isClosed() || e instanceof CancelledError) return;
      this.#acceptFailed(e, protocol);
    });
  }

  // As asyncio: a connection that could not start for a network reason (a
  // failed or timed-out TLS handshake, a client gone) is reported in debug
  // mode only. Other errors are bugs and always reported.
  #acceptFailed(e: unknown, protocol: BaseProtocol): void {
    if (e instanceof OSError && !this.#loop.getDebug()) return;
    this.#loop.callExceptionHandler({
      message: "Error on transport creation for incoming connection",
      exception: e,
      protocol,
      server: this,
    });
  }

  // A connection that closeClients() ended before its handshake started is
  // closed here; one in its handshake, by the handler (the signal).
  *#acceptCoro(
    conn: Deno.Conn,
    finish: (signal: AbortSignal) => Coroutine<unknown>,
    signal: AbortSignal,
  ): Coroutine<unknown> {
    if (signal.aborted) {
      conn.close();
      return null;
    }
    return yield* finish(signal);
  }

  // waitClosed() also waits for connections still being set up, as asyncio
  // counts a connection from accept on: otherwise the loop could be closed
  // under a TLS handshake, leaking its connection.
  #accepted(abort: AbortController): void {
    this.#pending.delete(abort);
    this.#accepting--;
    this.#maybeWakeup();
  }

  /** @ignore Records a transport of this server. */
  _attach(transport: StreamTransport): void {
    this.#transports.add(transport);
  }

  /** @ignore Forgets a transport once its connection is lost. */
  _detach(transport: StreamTransport): void {
    this.#transports.delete(transport);
    this.#maybeWakeup();
  }

  /**
   * Stops listening: the sockets are closed and no connection is accepted
   * any more. Connections already made stay open. Idempotent.
   *
   * A socket is released (its port free to bind again, connects refused)
   * once its host accept, if one is in flight, has settled: at once when the
   * loop is not running, else within the loop's next trip to the host;
   * `waitClosed()` waits for it.
   */
  override close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#serving = false;
    const releases: Promise<unknown>[] = [];
    for (const accepts of this.#accepts ?? []) {
      if (accepts.inFlight !== null) releases.push(accepts.inFlight);
      // Accepted, not yet handed over: nobody will.
      if (accepts.conn !== null) closeQuietly(accepts.conn);
      accepts.conn = null;
    }
    for (const listener of this.#listeners) {
      try {
        listener.close();
      } catch {
        // Already closed.
      }
      const released = listener._released?.();
      if (released !== undefined) releases.push(released);
    }
    this.#onClose?.();
    this.#serveForeverFut?.cancel();
    if (releases.length === 0) this.#released = true;
    else {
      // Host work the loop knows of, so virtual time waits for it.
      const loop = this.#loop;
      loop._pendingIo++;
      const done = () => {
        loop._pendingIo--;
        this.#released = true;
        this.#maybeWakeup();
      };
      Promise.allSettled(releases).then(done);
    }
    this.#maybeWakeup();
  }

  /**
   * Closes every connection of the server (buffered data is still sent),
   * connections still in their TLS handshake included.
   */
  override closeClients(): void {
    this.#abortPending();
    for (const t of [...this.#transports]) t.close();
  }

  /**
   * Aborts every connection of the server, connections still in their TLS
   * handshake included.
   */
  override abortClients(): void {
    this.#abortPending();
    for (const t of [...this.#transports]) t.abort();
  }

  // asyncio attaches a transport at accept time, before its TLS handshake,
  // so close_clients() reaches it; ours attaches after the handshake, so the
  // connections still being set up are ended through their abort signal.
  #abortPending(): void {
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const abort of pending) abort.abort();
  }

  // Closed, its sockets released, and no connection left (being set up included).
  #maybeWakeup(): void {
    if (!this.#closed || !this.#released) return;
    if (this.#loop.isClosed()) return; // nobody can await them any more
    if (this.#transports.size > 0 || this.#accepting > 0) return;
    const waiters = this.#waiters;
    this.#waiters = null;
    if (waiters === null) return;
    for (const w of waiters) if (!w.done()) w.setResult(undefined);
  }

  /**
   * Waits until the server is closed, its sockets are released (the port
   * can be bound again) and all its connections are gone (connections still
   * being set up, such as in their TLS handshake, too).
   *
   * @returns A future of the server's loop, done once the server is closed,
   *   its sockets released and its last connection gone (at once if that
   *   already happened).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { getRunningLoop, run } from "@asyncio/deno";
   * import { Protocol } from "@asyncio/deno/protocols";
   * await run(async () => {
   *   const loop = getRunningLoop();
   *   const server = await loop.createServer(() => new Protocol(), "127.0.0.1", 0);
   *   const closed = server.waitClosed();
   *   assert(!closed.done());
   *   server.close();
   *   await closed;
   *   assert(server.sockets.length === 0);
   * });
   * ```
   */
  override waitClosed(): Future<void> {
    const waiter = this.#loop.createFuture<void>();
    if (this.#waiters === null) waiter.setResult(undefined);
    else this.#waiters.push(waiter);
    return waiter;
  }

  /** A description such as `<Server sockets=[127.0.0.1:8080]>`. */
  override toString(): string {
    const names = this.sockets.map((s) => {
      const a = s.getsockname();
      return typeof a === "string" ? a : `${a[0]}:${a[1]}`;
    });
    return `<Server sockets=[${names.join(", ")}]>`;
  }
}

/**
 * The end of every `createServer`-like coroutine: starts serving (unless
 * `startServing` is false) and lets one iteration pass, as asyncio's
 * `sleep(0)`. If the caller is cancelled there, the server is closed rather
 * than left listening with nobody holding it.
 *
 * @ignore
 */
export function* finishServer(server: Server, startServing: boolean): Coroutine<Server> {
  if (!startServing) return server;
  server._startServing();
  try {
    yield; // let the first accepts start
  } catch (e) {
    server.close();
    throw e;
  }
  return server;
}

function socketOf(listener: ServerListener): ServerSocket {
  const addr = listener.addr;
  const fd = listener._fileno?.() ?? allocateFileno();
  const fileno = () => listener._fileno?.() ?? fd;
  if (addr.transport === "unix" || addr.transport === "unixpacket") {
    const path = (addr as Deno.UnixAddr).path;
    return { family: "AF_UNIX", getsockname: () => path, fileno };
  }
  const net = addr as Deno.NetAddr;
  return {
    family: net.hostname.includes(":") ? "AF_INET6" : "AF_INET",
    getsockname: () => [net.hostname, net.port],
    fileno,
  };
}
