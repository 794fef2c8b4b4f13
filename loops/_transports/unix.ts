// Unix domain sockets: connecting, and listening with asyncio's handling of
// the socket file (a stale socket is replaced, anything else is an error; the
// file is removed when the server closes, if it is still ours).

import type { BaseEventLoop } from "../base_event_loop.ts";
import type { Coroutine } from "../events.ts";
import type { CreateUnixServerOptions } from "../io_options.ts";
import { FileExistsError } from "../os_errors.ts";
import type { BaseProtocol } from "../protocols.ts";
import { Server } from "../server.ts";
import { hostCall } from "../_host.ts";
import { mapIoError } from "../_errors.ts";
import type { StreamTransport } from "./stream.ts";
import { startStream } from "./tcp.ts";

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

// Removes a socket file left by an earlier server; refuses other files.
function removeStaleSocket(path: string): void {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw mapIoError(e, `stat ${path}`, path);
  }
  if (info.isSocket !== true) {
    throw new FileExistsError(`${path} exists and is not a socket: Address already in use`, {
      code: "EADDRINUSE",
      filename: path,
    });
  }
  try {
    Deno.removeSync(path);
  } catch (e) {
    throw mapIoError(e, `remove stale socket ${path}`, path);
  }
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
    throw mapIoError(e, `error while attempting to bind on address ${JSON.stringify(path)}`, path);
  }
  let inode: number | null = null;
  try {
    inode = Deno.lstatSync(path).ino;
  } catch {
    // Without the inode the cleanup below is skipped rather than risk
    // removing someone else's file.
  }
  const cleanup = options.cleanupSocket ?? true;
  const onClose = () => {
    if (!cleanup || inode === null) return;
    try {
      if (Deno.lstatSync(path).ino === inode) Deno.removeSync(path);
    } catch {
      // Gone already, or not ours to remove.
    }
  };
  const server = new Server(
    loop,
    [listener],
    protocolFactory,
    (conn, protocol, srv) => startStream(loop, conn, protocol, { kind: "unix socket", owner: srv }),
    onClose,
  );
  if (options.startServing ?? true) {
    server._startServing();
    yield;
  }
  return server;
}
