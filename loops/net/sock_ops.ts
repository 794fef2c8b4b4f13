// The bodies of the loop's low-level socket methods (`sockConnect`,
// `sockAccept`, `sockRecv`, `sockRecvInto`, `sockSendall`; for UDP
// `sockRecvfrom`, `sockRecvfromInto`, `sockSendto`) and of its readiness
// methods (`addReader`, `addWriter`, `removeReader`,
// `removeWriter`). The loop checks the platform matrix first; these validate
// the arguments synchronously, then start the work.

import type { BaseEventLoop } from "../core/base_event_loop.ts";
import { type Coroutine, Handle } from "../core/events.ts";
import { CancelledError, NotImplementedError, RuntimeError } from "../core/exceptions.ts";
import { type Future, wrapFuture } from "../core/futures.ts";
import { BlockingIOError, OSError } from "./os_errors.ts";
import { connectHost, ensureResolved, SOCK_STREAM } from "./resolve.ts";
import { checkNbytes, Socket, socketByFileno } from "./socket.ts";
import type { DatagramAddress } from "./socket_dgram.ts";
import type { ObjectKind } from "../../platform/matrix_rows.ts";
import { closedError } from "./readiness.ts";
import { checkCount, checkSocketAddress, fromDenoAddr, type SocketAddress } from "./sock_addr.ts";
import { closeQuietly, listenersReleased } from "./socket_io.ts";
import { errnoOf, mapIoError, refusedPortZero } from "./errors.ts";
import { hostCall } from "./host_call.ts";
import { sourceTraceback } from "../core/stack.ts";
import { checkCallback, describe } from "../core/checks.ts";
import { toBytes } from "./transports/stream.ts";

const EMPTY = new Uint8Array(0);

/** Throws TypeError unless `sock` is a Socket. */
export function asSocket(sock: unknown, name = "sock"): Socket {
  if (!(sock instanceof Socket)) {
    throw new TypeError(`${name} must be a Socket: got ${describe(sock)}`);
  }
  return sock;
}

/** asyncio's `_ensure_fd_no_transport`: a socket a transport or server owns is off limits. */
export function checkNotOwned(sock: Socket): void {
  if (sock._owner !== null) {
    throw new RuntimeError(`File descriptor ${sock.fileno()} is used by ${sock._owner}`);
  }
}

/** asyncio's `_check_closed()`: no I/O is started for a closed loop. */
function checkOpenLoop(loop: BaseEventLoop): void {
  if (loop.isClosed()) throw new RuntimeError("Event loop is closed");
}

function streamSocket(loop: BaseEventLoop, sock: unknown, what: string): Socket {
  checkOpenLoop(loop);
  const s = asSocket(sock);
  checkNotOwned(s);
  s._checkStream(what);
  return s;
}

function resolved<T>(loop: BaseEventLoop, value: T): Future<T> {
  const fut = loop.createFuture<T>();
  fut.setResult(value);
  return fut;
}

/** `loop.sockRecv`. */
export function sockRecv(loop: BaseEventLoop, sock: unknown, nbytes: unknown): Future<Uint8Array> {
  const s = streamSocket(loop, sock, "sockRecv");
  checkCount(nbytes, "nbytes");
  if (nbytes === 0) return resolved(loop, EMPTY);
  return s._io.recv<Uint8Array>(loop, nbytes as number, null);
}

/** `loop.sockRecvInto`. */
export function sockRecvInto(loop: BaseEventLoop, sock: unknown, buf: unknown): Future<number> {
  const s = streamSocket(loop, sock, "sockRecvInto");
  const into = toBytes(buf, "buf");
  if (into.length === 0) return resolved(loop, 0);
  return s._io.recv<number>(loop, into.length, into);
}

/** `loop.sockSendall`. */
export function sockSendall(loop: BaseEventLoop, sock: unknown, data: unknown): Future<void> {
  const s = streamSocket(loop, sock, "sockSendall");
  // Deno reads the bytes when the write happens: send a private copy.
  return s._io.sendall(loop, toBytes(data).slice());
}

// ---- UDP ----------------------------------------------------------------------

function datagramSocket(loop: BaseEventLoop, sock: unknown, what: string): Socket {
  checkOpenLoop(loop);
  const s = asSocket(sock);
  checkNotOwned(s);
  s._datagram(what);
  return s;
}

/** `loop.sockRecvfrom`. */
export function sockRecvfrom(
  loop: BaseEventLoop,
  sock: unknown,
  bufsize: unknown,
): Future<[Uint8Array, DatagramAddress]> {
  const s = datagramSocket(loop, sock, "sockRecvfrom");
  checkCount(bufsize, "bufsize");
  return s._dgram!.recv<Uint8Array>(loop, bufsize as number, null);
}

/** `loop.sockRecvfromInto`. */
export function sockRecvfromInto(
  loop: BaseEventLoop,
  sock: unknown,
  buf: unknown,
  nbytes: unknown = 0,
): Future<[number, DatagramAddress]> {
  const s = datagramSocket(loop, sock, "sockRecvfromInto");
  const into = toBytes(buf, "buf");
  const n = checkNbytes(nbytes, into);
  return s._dgram!.recv<number>(loop, n, into);
}

/**
 * `loop.sockSendto`, as asyncio's: `sock.sendto()` at once; while it would
 * block (a send in flight), again each time the socket becomes writable.
 * The future settles with the outcome of the datagram's own send.
 */
export function sockSendto(
  loop: BaseEventLoop,
  sock: unknown,
  data: unknown,
  address: unknown,
): Future<number> {
  checkOpenLoop(loop);
  const s = asSocket(sock);
  // Only `sendto()` and `fileno()` are asked of `sock`, as asyncio asks only
  // them (its tests pass a mock standing in for the socket); the socket with
  // that number is the one whose readiness is waited for.
  const real = socketByFileno(s.fileno()) ?? s;
  checkNotOwned(real);
  const io = real._datagram("sockSendto");
  const bytes = toBytes(data);
  checkSocketAddress(real.family, address, "address");
  io.use(loop);
  const fut = loop.createFuture<number>();
  const attempt = (): void => {
    if (fut.done()) return;
    let n: number;
    try {
      n = s.sendto(bytes, address as [string, number]);
    } catch (e) {
      // Again once writable, in a later iteration (level-triggered, as a
      // selector's writer: never in a tight loop).
      if (e instanceof BlockingIOError) {
        io.whenWritable(() => {
          if (!fut.done() && !loop.isClosed()) loop.callSoon(attempt);
        });
      } else fut.setException(e);
      return;
    }
    io.takeSendOutcome().then((err) => {
      if (fut.done() || loop.isClosed()) return;
      if (err === null) fut.setResult(n);
      else fut.setException(err);
    });
  };
  attempt();
  if (!fut.done()) {
    loop._pendingIo++;
    fut.addDoneCallback(() => loop._pendingIo--);
  }
  return fut;
}

/** `loop.sockAccept`. */
export function sockAccept(loop: BaseEventLoop, sock: unknown): Future<[Socket, SocketAddress]> {
  checkOpenLoop(loop);
  const s = asSocket(sock);
  checkNotOwned(s);
  s._checkListening("sockAccept");
  const fut = loop.createFuture<[Socket, SocketAddress]>();
  s._io.accept(loop, {
    live: () => !fut.done(),
    resolve: (conn) =>
      fut.setResult([
        Socket._fromConn(s.family, conn, loop),
        fromDenoAddr(conn.remoteAddr, s.family),
      ]),
    reject: (e) => {
      if (!fut.done() && !loop.isClosed()) fut.setException(e);
    },
  });
  return fut;
}

/** `loop.sockConnect`: validates now, returns the coroutine that connects. */
export function sockConnect(loop: BaseEventLoop, sock: unknown, address: unknown): Coroutine<void> {
  checkOpenLoop(loop); // before the socket is marked connecting
  const s = asSocket(sock);
  checkNotOwned(s);
  if (s._state === "closed") throw closedError("sockConnect");
  if (s._dgram !== null) {
    throw new NotImplementedError(
      "sockConnect on a SOCK_DGRAM socket: Deno cannot connect a UDP socket; give the " +
        "address to each sockSendto, or use createDatagramEndpoint({ remoteAddr })",
    );
  }
  const addr = checkSocketAddress(s.family, address, "address");
  const signal = s._beginConnect();
  return connectSocket(loop, s, addr, signal);
}

function* connectSocket(
  loop: BaseEventLoop,
  sock: Socket,
  addr: SocketAddress,
  signal: AbortSignal,
): Coroutine<void> {
  let conn: Deno.Conn;
  try {
    conn = yield* openConn(loop, sock.family, addr, signal);
  } catch (e) {
    sock._endConnect(null, loop);
    if (!(e instanceof CancelledError) && sock._state === "closed") {
      throw closedError("sockConnect");
    }
    throw e;
  }
  if (sock._state === "closed") {
    closeQuietly(conn);
    throw closedError("sockConnect");
  }
  sock._endConnect(conn, loop);
}

function* openConn(
  loop: BaseEventLoop,
  family: number,
  addr: SocketAddress,
  closing: AbortSignal,
): Coroutine<Deno.Conn> {
  // A listener this process closed is gone for good before we connect.
  const released = listenersReleased();
  if (released !== null) yield* wrapFuture(released, loop);
  if (typeof addr === "string") {
    try {
      // Deno cannot abort a Unix connect; a late connection is closed.
      return yield* hostCall(
        loop,
        () => Deno.connect({ transport: "unix", path: addr }),
        closeQuietly,
      );
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      throw mapIoError(e, `Connect call failed ${JSON.stringify(addr)}`, addr);
    }
  }
  // Resolved within the socket's family (through loop.getaddrinfo() unless
  // numeric, as asyncio's _ensure_resolved); asyncio takes the first address.
  const infos = yield* ensureResolved(loop, addr[0], addr[1], { family, type: SOCK_STREAM });
  if (infos.length === 0) throw new OSError("getaddrinfo() returned empty list");
  const host = connectHost(infos[0][4]);
  const port = addr[1];
  try {
    if (port === 0) throw refusedPortZero(host);
    return yield* hostCall(
      loop,
      (signal) =>
        Deno.connect({ hostname: host, port, signal: AbortSignal.any([signal, closing]) }),
      closeQuietly,
    );
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    throw mapIoError(e, `Connect call failed ${JSON.stringify([host, port])}`);
  }
}

// ---- readiness ---------------------------------------------------------------

function fsFileKind(file: Deno.FsFile): ObjectKind {
  try {
    if (file.isTerminal()) return "characterDevice";
    const info = file.statSync();
    if (info.isCharDevice) return "characterDevice";
    if (info.isFifo) return "pipe";
    if (info.isSocket) return "socket";
  } catch {
    // A closed file: still a file as far as the matrix is concerned.
  }
  return "file";
}

/**
 * The object kind the matrix asks about (`"socket"` for a Socket or its
 * fileno, `"file"`/`"pipe"`/`"characterDevice"` for Deno files and stdio),
 * or undefined for anything else.
 */
export function objectKind(fileobj: unknown): ObjectKind | undefined {
  if (fileobj instanceof Socket) return "socket";
  if (typeof fileobj === "number") {
    return socketByFileno(fileobj) !== undefined ? "socket" : undefined;
  }
  const stdio = [Deno.stdin, Deno.stdout, Deno.stderr].find((s) => s === fileobj);
  if (stdio !== undefined) {
    // Deno cannot stat stdio: a terminal is a character device; anything else is taken for a pipe.
    return stdio.isTerminal() ? "characterDevice" : "pipe";
  }
  if (fileobj instanceof Deno.FsFile) return fsFileKind(fileobj);
  return undefined;
}

/** The Socket a readiness call is about, or the reason it cannot be watched. */
function watchedSocket(fileobj: unknown, what: string): Socket | null {
  if (fileobj instanceof Socket) return fileobj;
  if (typeof fileobj === "number") {
    const sock = socketByFileno(fileobj);
    if (sock !== undefined) return sock;
    if (Number.isInteger(fileobj)) return null;
    throw new TypeError(`${what}: a file descriptor must be an integer: got ${fileobj}`);
  }
  const kind = objectKind(fileobj);
  if (kind !== undefined) {
    throw new NotImplementedError(
      `${what} on a ${kind} other than a Socket: Deno has no readiness API, and watching it ` +
        "would mean reading its data ahead of its owner; only Socket objects can be watched",
    );
  }
  throw new TypeError(
    `${what}: expected a Socket, its fileno(), or a Deno file: got ${describe(fileobj)}`,
  );
}

/** `addReader` / `addWriter`. */
export function addWatch(
  loop: BaseEventLoop,
  fileobj: unknown,
  reading: boolean,
  callback: unknown,
  args: unknown[],
): void {
  const what = reading ? "addReader" : "addWriter";
  checkOpenLoop(loop);
  checkCallback(callback);
  const sock = watchedSocket(fileobj, what);
  if (sock === null) {
    throw new OSError(
      `${what}: ${fileobj} is not the fileno() of an open Socket (Deno exposes no file descriptors)`,
      { code: "EBADF", errno: errnoOf("EBADF") },
    );
  }
  checkNotOwned(sock);
  if (sock._state === "closed") throw closedError(what);
  const cb = callback as (...a: unknown[]) => unknown;
  const trace = loop.getDebug() ? sourceTraceback() : undefined;
  const io = sock._dgram ?? sock._io;
  io.addWatch(loop, reading, new Handle(cb, args.length > 0 ? args : null, loop, trace));
}

/**
 * `removeReader` / `removeWriter`: whether a callback was registered (never,
 * as asyncio answers, once the loop is closed).
 */
export function removeWatch(loop: BaseEventLoop, fileobj: unknown, reading: boolean): boolean {
  if (loop.isClosed()) return false;
  if (
    !(fileobj instanceof Socket) && typeof fileobj !== "number" && objectKind(fileobj) !== undefined
  ) {
    return false; // never watchable, so never watched
  }
  const sock = watchedSocket(fileobj, reading ? "removeReader" : "removeWriter");
  if (sock === null || sock._state === "closed") return false;
  checkNotOwned(sock);
  const io = sock._dgram ?? sock._io;
  if (io.loop !== loop) return false;
  return io.removeWatch(reading);
}
