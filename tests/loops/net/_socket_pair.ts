// Helpers of the Socket and readiness tests: a connected pair of Sockets
// (over 127.0.0.1 or a Unix socket) made with the sock* methods only, and a
// count of loop iterations.

import { type BaseEventLoop, type Coroutine, sleep, waitFor } from "../../../mod.ts";
import { AF_INET, AF_UNIX, Socket, type SocketAddress } from "../../../loops/net/socket_mod.ts";

/** A listening socket, a client connected to it and the accepted end. */
export class SocketPair implements Disposable {
  constructor(readonly listener: Socket, readonly client: Socket, readonly server: Socket) {}

  [Symbol.dispose](): void {
    this.client.close();
    this.server.close();
    this.listener.close();
  }
}

/** A fresh path for a Unix socket in a new temporary directory. */
export function tempSocketPath(name = "s.sock"): string {
  return `${Deno.makeTempDirSync()}/${name}`;
}

/** A listening socket on 127.0.0.1 (any port) or on a fresh Unix path. */
export function listening(): Socket<typeof AF_INET>;
export function listening<F extends number>(family: F): Socket<F>;
export function listening(family: number = AF_INET): Socket {
  const sock = new Socket(family);
  sock.bind(family === AF_UNIX ? tempSocketPath() : ["127.0.0.1", 0]);
  sock.listen();
  return sock;
}

/** Connects a pair with sockConnect and sockAccept. */
export function* socketPair(loop: BaseEventLoop, family = AF_INET): Coroutine<SocketPair> {
  const listener = listening(family);
  const client = new Socket(family);
  try {
    yield* loop.sockConnect(client, listener.getsockname());
    const [server] = yield* accept(loop, listener);
    return new SocketPair(listener, client, server);
  } catch (e) {
    client.close();
    listener.close();
    throw e;
  }
}

/** Lets `n` loop iterations pass. */
export function* iterations(n: number): Coroutine<void> {
  for (let i = 0; i < n; i++) yield* sleep(0);
}

/** Runs the loop until the host has had a chance to complete I/O a few times. */
export function* settle(_loop: BaseEventLoop, seconds = 0.02): Coroutine<void> {
  yield* sleep(seconds);
}

/** Seconds a test waits for data or a connection before failing (never hangs). */
export const PATIENCE = 5;

/** `loop.sockRecv`, failing with TimeoutError after PATIENCE seconds. */
export function* recv(loop: BaseEventLoop, sock: Socket, n: number): Coroutine<Uint8Array> {
  return yield* waitFor(loop.sockRecv(sock, n), PATIENCE);
}

/** `loop.sockAccept`, failing with TimeoutError after PATIENCE seconds. */
export function* accept(loop: BaseEventLoop, sock: Socket): Coroutine<[Socket, SocketAddress]> {
  return yield* waitFor(loop.sockAccept(sock), PATIENCE);
}
