// Unix domain sockets: connecting, and listening with asyncio's handling of
// the socket file (a stale socket is replaced, anything else is an error; the
// file is removed when the server closes, if it is still ours and
// `cleanupSocket` is on).
//
// Deno unlinks the listener's path whenever the listener's resource is
// dropped (on close(), or when a pending accept() settles after it),
// whatever file is there by then. To keep asyncio's rule, the close of our
// listener is wrapped: a file that is not ours to remove is hard-linked aside
// first and put back once Deno has unlinked the path. A listening AF_UNIX
// `Socket` is guarded the same way, so a server over it (`sock`) keeps the
// rule too.

import type { BaseEventLoop } from "../../core/base_event_loop.ts";
import type { Coroutine } from "../../core/events.ts";
import type { CreateUnixServerOptions } from "../../core/io_options.ts";
import { NotImplementedError } from "../../core/exceptions.ts";
import { OSError } from "../os_errors.ts";
import type { BaseProtocol } from "../../core/protocols.ts";
import { finishServer, Server } from "../server.ts";
import { hostCall } from "../host_call.ts";
import { errnoOf, mapIoError } from "../errors.ts";
import { describe } from "../../core/checks.ts";
import type { StreamTransport } from "./stream.ts";
import { acceptPlain, startStream } from "./tcp.ts";

/** `createUnixConnection`: the coroutine behind the loop method. */
export function* unixConnection<P extends BaseProtocol>(
  loop: BaseEventLoop,
  protocolFactory: () => P,
  path: string,
): Coroutine<[StreamTransport, P]> {
  let conn: Deno.UnixConn;
  try {
    conn = yield* hostCall(
      loop,
      () => Deno.connect({ transport: "unix", path }),
      (c) => c.close(),
    );
  } catch (e) {
    throw mapIoError(e, `connect to ${path}`, path);
  }
  return yield* startStream(loop, conn, protocolFactory, { kind: "unix socket" });
}

/**
 * Checks a listen backlog as Python's `socket.listen` takes it: an integer
 * (anything else is a TypeError); a negative one means 0. Returns it.
 * @ignore
 */
export function checkBacklog(backlog: unknown, name = "options.backlog"): number {
  if (typeof backlog !== "number" || !Number.isInteger(backlog)) {
    throw new TypeError(`${name} must be an integer: got ${describe(backlog)}`);
  }
  return Math.max(0, backlog);
}

/**
 * Checks a Unix server's or socket's `backlog` synchronously: a value that
 * is not an integer is a TypeError (as for TCP); any value is
 * NotImplementedError, since Deno's Unix listener takes no backlog (it is
 * never silently ignored). `name` is the argument's name in messages.
 */
export function checkUnixBacklog(backlog: unknown, name = "options.backlog"): void {
  if (backlog === undefined) return;
  checkBacklog(backlog, name);
  throw new NotImplementedError(
    `${name}: Deno.listen takes no backlog for Unix sockets (it uses its own)`,
  );
}

// asyncio's error when the path is taken by something else than a socket.
function addressInUse(path: string): OSError {
  return new OSError(`Address ${JSON.stringify(path)} is already in use`, {
    code: "EADDRINUSE",
    errno: errnoOf("EADDRINUSE"),
    filename: path,
  });
}

// Removes a socket file left by an earlier server; refuses other files.
function removeStaleSocket(path: string): void {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw mapIoError(e, `stat ${path}`, path);
  }
  if (info.isSocket !== true) throw addressInUse(path);
  try {
    Deno.removeSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw mapIoError(e, `remove stale socket ${path}`, path);
  }
}

function inodeOf(path: string): number | null {
  try {
    return Deno.lstatSync(path).ino;
  } catch {
    return null;
  }
}

// Links the file at `path` aside unless it is the inode we may remove;
// returns where it went, or null (nothing there, ours, or no hard links).
function setAside(path: string, removable: number | null): string | null {
  const ino = inodeOf(path);
  if (ino === null || (removable !== null && ino === removable)) return null;
  const aside = `${path}.${crypto.randomUUID()}.keep`;
  try {
    Deno.linkSync(path, aside);
    return aside;
  } catch {
    return null; // The file cannot be kept: Deno removes it with its listener.
  }
}

function putBack(aside: string, path: string): void {
  try {
    Deno.renameSync(aside, path);
  } catch {
    try {
      Deno.removeSync(aside); // The path was taken again meanwhile.
    } catch {
      // Gone already.
    }
  }
}

/**
 * How closing a guarded Unix listener treats the file at its path: Deno's
 * unlink removes only the listener's own socket file (`inode`, taken when
 * guarded), and only while `removeOwn` is on; any other file is kept.
 * @ignore
 */
export interface SocketFileGuard {
  readonly path: string;
  readonly inode: number | null;
  removeOwn: boolean;
}

/**
 * Wraps `listener.close()` (and tracks its pending accept) so that Deno's
 * unlink of the path keeps asyncio's rule; call it right after
 * `Deno.listen`, before any accept.
 *
 * @ignore
 */
export function guardSocketFile(
  listener: Deno.UnixListener,
  path: string,
  removeOwn: boolean,
): SocketFileGuard {
  // Without the inode nothing is removed rather than risk someone else's file.
  const guard: SocketFileGuard = { path, inode: inodeOf(path), removeOwn };
  const denoAccept = listener.accept.bind(listener);
  const denoClose = listener.close.bind(listener);
  let pending: Promise<unknown> | null = null;
  listener.accept = () => {
    const p = denoAccept();
    pending = p;
    const settled = () => {
      if (pending === p) pending = null;
    };
    p.then(settled, settled);
    return p;
  };
  listener.close = () => {
    const aside = setAside(path, guard.removeOwn ? guard.inode : null);
    try {
      denoClose();
    } finally {
      if (aside !== null) {
        // With an accept pending, Deno unlinks when it settles.
        if (pending === null) putBack(aside, path);
        else pending.then(() => putBack(aside, path), () => putBack(aside, path));
      }
    }
  };
  return guard;
}

/** `createUnixServer`: the coroutine behind the loop method. */
export function* unixServer(
  loop: BaseEventLoop,
  protocolFactory: () => BaseProtocol,
  path: string,
  options: CreateUnixServerOptions,
): Coroutine<Server> {
  removeStaleSocket(path);
  let listener: Deno.UnixListener;
  try {
    listener = Deno.listen({ transport: "unix", path });
  } catch (e) {
    const err = mapIoError(e, `error while attempting to bind on address ${JSON.stringify(path)}`);
    throw err instanceof OSError && err.code === "EADDRINUSE" ? addressInUse(path) : err;
  }
  guardSocketFile(listener, path, options.cleanupSocket ?? true);
  const server = new Server(
    loop,
    [listener],
    protocolFactory,
    (conn, protocol, srv) => acceptPlain(loop, conn, protocol, srv, "unix socket"),
  );
  return yield* finishServer(server, options.startServing ?? true);
}
