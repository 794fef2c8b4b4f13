/**
 * Sockets for the loop's `sock*` methods and readiness callbacks: a
 * non-blocking `Socket` (asyncio's `socket.socket`) on Deno's connections
 * and listeners, and the resolver's types and constants (`AF_INET`,
 * `SOCK_STREAM`, `AI_*`, `NI_*`, `EAI_*`), with Linux's values on every OS.
 *
 * @example A listening socket, a client socket and the loop's sock methods
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run } from "@asyncio/deno";
 * import { AF_INET, Socket } from "@asyncio/deno/socket";
 *
 * const echoed = await run(function* () {
 *   const loop = getRunningLoop();
 *   using listener = new Socket(AF_INET);
 *   listener.bind(["127.0.0.1", 0]);
 *   listener.listen();
 *   using client = new Socket(AF_INET);
 *   yield* loop.sockConnect(client, listener.getsockname());
 *   const [conn] = yield* loop.sockAccept(listener);
 *   using accepted = conn;
 *   yield* loop.sockSendall(client, new TextEncoder().encode("ping"));
 *   return new TextDecoder().decode(yield* loop.sockRecv(accepted, 100));
 * }());
 * assert.equal(echoed, "ping");
 * ```
 *
 * @module
 */

export type { SocketLike } from "../core/io_types.ts";
export {
  type AddrInfo,
  AF_INET,
  AF_INET6,
  AF_UNIX,
  AF_UNSPEC,
  AI_ADDRCONFIG,
  AI_ALL,
  AI_CANONNAME,
  AI_NUMERICHOST,
  AI_NUMERICSERV,
  AI_PASSIVE,
  AI_V4MAPPED,
  EAI_ADDRFAMILY,
  EAI_BADFLAGS,
  EAI_FAMILY,
  EAI_NONAME,
  EAI_SERVICE,
  EAI_SOCKTYPE,
  type GetaddrinfoOptions,
  IPPROTO_TCP,
  IPPROTO_UDP,
  NI_DGRAM,
  NI_NAMEREQD,
  NI_NOFQDN,
  NI_NUMERICHOST,
  NI_NUMERICSERV,
  SOCK_DGRAM,
  SOCK_RAW,
  SOCK_STREAM,
  type SockAddr,
} from "./resolve.ts";
export {
  type FileDescriptorLike,
  SHUT_RD,
  SHUT_RDWR,
  SHUT_WR,
  Socket,
  type SocketAddress,
  type SocketState,
} from "./socket.ts";

// Types owned by other entries that the signatures of this entry name,
// re-exported as types so that this entry's documentation stands alone
// (`deno doc --lint` of each entry). docs/names.md lists them under
// "Re-exported types" of this entry and each under the entry that owns it.
export type { AddressOf, FamilyAddresses, Inet6Address, InetAddress } from "../core/transports.ts";
