// `createDatagramEndpoint`'s work: the option checks (synchronous, before any
// side effect) and the coroutine that resolves the addresses, binds the
// first workable one and starts the transport. The loop checked the matrix.

import type { BaseEventLoop } from "../../core/base_event_loop.ts";
import type { Coroutine } from "../../core/events.ts";
import { CancelledError, NotImplementedError } from "../../core/exceptions.ts";
import type { CreateDatagramEndpointOptions } from "../../core/io_options.ts";
import type { BaseProtocol } from "../../core/protocols.ts";
import {
  type AddrInfo,
  AF_INET,
  AF_INET6,
  AF_UNIX,
  AF_UNSPEC,
  connectHost,
  ensureResolved,
  IPPROTO_UDP,
  SOCK_DGRAM,
} from "../resolve.ts";
import { OSError } from "../os_errors.ts";
import { hostCall } from "../host_call.ts";
import { errnoOf, mapIoError } from "../errors.ts";
import { describe } from "../../core/checks.ts";
import { hasUnstableNet } from "../deno_features.ts";
import { checkAddr, UdpTransport } from "./datagram.ts";
import {
  type BackendName,
  type DatagramBackend,
  defaultBackend,
  NO_UNSTABLE_NET,
  openBackend,
} from "./datagram_backend.ts";
import { startTransport } from "./base.ts";

/** The checked options. */
export interface DatagramPlan {
  backend: BackendName;
  family: number;
  localAddr: [string, number] | null;
  remoteAddr: [string, number] | null;
  broadcast: boolean;
}

function cannot(option: string, why: string): never {
  throw new NotImplementedError(`${option}: ${why}`);
}

function optionalBoolean(value: unknown, name: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean") {
    throw new TypeError(`${name} must be a boolean: got ${describe(value)}`);
  }
  return value;
}

function checkNumber(value: unknown, name: string, allowed: number[]): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`${name} must be an integer: got ${describe(value)}`);
  }
  if (!allowed.includes(value)) cannot(name, `only ${allowed.join(" or ")} is supported`);
  return value;
}

function checkFamily(value: unknown): number {
  if (value === undefined || value === null) return AF_UNSPEC;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`options.family must be an integer: got ${describe(value)}`);
  }
  if (value === AF_UNIX) cannot("options.family", "Unix datagram sockets are not available");
  if (value !== AF_UNSPEC && value !== AF_INET && value !== AF_INET6) {
    // What asyncio's socket.socket(family) raises: OSError EAFNOSUPPORT.
    throw new OSError(`options.family ${value}: Address family not supported by protocol`, {
      code: "EAFNOSUPPORT",
      errno: errnoOf("EAFNOSUPPORT"),
    });
  }
  return value;
}

function checkBackend(value: unknown): BackendName {
  if (value === undefined || value === null) return defaultBackend();
  if (value !== "deno" && value !== "node") {
    throw new TypeError(`options._backend must be "deno" or "node": got ${describe(value)}`);
  }
  if (value === "deno" && !hasUnstableNet()) cannot("options._backend", NO_UNSTABLE_NET);
  return value;
}

// The options asyncio refuses, and those Deno cannot honour.
function checkSocketOptions(options: CreateDatagramEndpointOptions): void {
  if (options.sock !== undefined && options.sock !== null) {
    cannot("options.sock", "Deno cannot wrap a socket it did not create");
  }
  if (optionalBoolean(options.reuseAddress, "options.reuseAddress")) {
    throw new RangeError(
      "options.reuseAddress must not be true: SO_REUSEADDR lets other sockets bound to the " +
        "port receive its datagrams (asyncio refuses it since Python 3.8.1)",
    );
  }
  if (optionalBoolean(options.reusePort, "options.reusePort")) {
    cannot(
      "options.reusePort",
      "Deno cannot set SO_REUSEPORT on a UDP socket (Deno.listenDatagram has no such " +
        "option, even with --unstable-net, and node:dgram in Deno ignores it)",
    );
  }
}

/**
 * Checks `createDatagramEndpoint`'s options as asyncio does (its ValueErrors
 * are RangeErrors here); an option Deno cannot honour throws
 * NotImplementedError. Nothing is opened.
 */
export function checkDatagramOptions(options: CreateDatagramEndpointOptions): DatagramPlan {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`options must be an object: got ${describe(options)}`);
  }
  checkSocketOptions(options);
  const family = checkFamily(options.family);
  checkNumber(options.proto, "options.proto", [0, IPPROTO_UDP]);
  checkNumber(options.flags, "options.flags", [0, 1]);
  const broadcast = optionalBoolean(options.allowBroadcast, "options.allowBroadcast");
  const localAddr = options.localAddr == null
    ? null
    : checkAddr(options.localAddr, "options.localAddr", [2]);
  const remoteAddr = options.remoteAddr == null
    ? null
    : checkAddr(options.remoteAddr, "options.remoteAddr", [2]);
  if (localAddr === null && remoteAddr === null && family === AF_UNSPEC) {
    throw new RangeError(
      "unexpected address family: give options.family (AF_INET or AF_INET6) when neither " +
        "localAddr nor remoteAddr is given",
    );
  }
  return { backend: checkBackend(options._backend), family, localAddr, remoteAddr, broadcast };
}

/** One way to open the endpoint: a family with a local and maybe a remote address. */
interface Candidate {
  ipv6: boolean;
  local: [string, number];
  remote: [string, number] | null;
}

function* resolve(
  loop: BaseEventLoop,
  addr: [string, number] | null,
  family: number,
): Coroutine<AddrInfo[] | null> {
  if (addr === null) return null;
  const infos = yield* ensureResolved(loop, addr[0], addr[1], { family, type: SOCK_DGRAM });
  if (infos.length === 0) throw new OSError("getaddrinfo() returned empty list");
  return infos;
}

// asyncio pairs the local and remote addresses by family and tries each pair.
function* candidates(loop: BaseEventLoop, plan: DatagramPlan): Coroutine<Candidate[]> {
  const locals = yield* resolve(loop, plan.localAddr, plan.family);
  const remotes = yield* resolve(loop, plan.remoteAddr, plan.family);
  if (locals === null && remotes === null) {
    const ipv6 = plan.family === AF_INET6;
    return [{ ipv6, local: [ipv6 ? "::" : "0.0.0.0", 0], remote: null }];
  }
  const families: number[] = [];
  for (const info of [...(locals ?? []), ...(remotes ?? [])]) {
    if (!families.includes(info[0])) families.push(info[0]);
  }
  const out: Candidate[] = [];
  for (const fam of families) {
    const l = locals?.find((info) => info[0] === fam);
    const r = remotes?.find((info) => info[0] === fam);
    if ((locals !== null && l === undefined) || (remotes !== null && r === undefined)) continue;
    const ipv6 = fam === AF_INET6;
    out.push({
      ipv6,
      local: l === undefined ? [ipv6 ? "::" : "0.0.0.0", 0] : [connectHost(l[4]), l[4][1]],
      remote: r === undefined ? null : [connectHost(r[4]), r[4][1]],
    });
  }
  if (out.length === 0) {
    throw new RangeError(
      "can not get address information: localAddr and remoteAddr share no address family",
    );
  }
  return out;
}

function* bindFirst(
  loop: BaseEventLoop,
  plan: DatagramPlan,
  list: Candidate[],
): Coroutine<[DatagramBackend, Candidate]> {
  const errors: Error[] = [];
  for (const c of list) {
    const req = { host: c.local[0], port: c.local[1], ipv6: c.ipv6, broadcast: plan.broadcast };
    try {
      const backend = yield* hostCall(loop, () => openBackend(plan.backend, req), (b) => {
        void b.close();
      });
      return [backend, c];
    } catch (e) {
      if (e instanceof CancelledError || e instanceof NotImplementedError) throw e;
      errors.push(mapIoError(e, `bind(${JSON.stringify(c.local)})`));
    }
  }
  throw errors[0];
}

/**
 * Resolves, binds, makes the protocol and the transport, and waits until
 * `connectionMade` has run, as asyncio does.
 */
export function* datagramEndpoint<P extends BaseProtocol>(
  loop: BaseEventLoop,
  protocolFactory: () => P,
  plan: DatagramPlan,
): Coroutine<[UdpTransport, P]> {
  const [backend, chosen] = yield* bindFirst(loop, plan, yield* candidates(loop, plan));
  let protocol: P;
  try {
    protocol = protocolFactory();
  } catch (e) {
    yield* hostCall(loop, () => backend.close());
    throw e;
  }
  const remote = chosen.remote === null ? null : {
    peer: { host: chosen.remote[0], port: chosen.remote[1] },
    alias: plan.remoteAddr![0],
    // asyncio does not connect when broadcasting: any sender is heard.
    connected: !plan.broadcast,
  };
  const transport = new UdpTransport(loop, backend, protocol, remote);
  yield* startTransport(loop, transport);
  return [transport, protocol];
}
