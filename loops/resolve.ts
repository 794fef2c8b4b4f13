/**
 * `getaddrinfo` and `getnameinfo` on the operating system's resolver (so
 * `/etc/hosts` and the system's name service apply), with asyncio's result
 * shapes, plus the socket constants they use.
 *
 * @module
 */

import dns from "node:dns";
import type { AbstractEventLoop, Coroutine } from "./events.ts";
import { GaiError } from "./os_errors.ts";
import { hostCall } from "./_host.ts";
import { mapIoError } from "./_errors.ts";
import { describe } from "./_validate.ts";

/** Any address family (`socket.AF_UNSPEC`). */
export const AF_UNSPEC = 0;
/** Unix domain sockets (`socket.AF_UNIX`). */
export const AF_UNIX = 1;
/** IPv4 (`socket.AF_INET`). */
export const AF_INET = 2;
/**
 * IPv6 (`socket.AF_INET6`). The value is Linux's; the project only compares
 * it with itself, so it means IPv6 on every OS.
 */
export const AF_INET6 = 10;
/** Stream sockets (`socket.SOCK_STREAM`). */
export const SOCK_STREAM = 1;
/** Datagram sockets (`socket.SOCK_DGRAM`). */
export const SOCK_DGRAM = 2;
/** Raw sockets (`socket.SOCK_RAW`). */
export const SOCK_RAW = 3;
/** TCP (`socket.IPPROTO_TCP`). */
export const IPPROTO_TCP = 6;
/** UDP (`socket.IPPROTO_UDP`). */
export const IPPROTO_UDP = 17;

/** An IP socket address: `[host, port]` (IPv6: `[host, port, flowinfo, scopeId]`). */
export type SockAddr = [host: string, port: number] | [string, number, number, number];

/** One `getaddrinfo` result: `[family, type, proto, canonname, sockaddr]`. */
export type AddrInfo = [
  family: number,
  type: number,
  proto: number,
  canonname: string,
  sockaddr: SockAddr,
];

/** Options of `getaddrinfo`, as asyncio's keyword arguments. */
export interface GetaddrinfoOptions {
  /** `AF_INET`, `AF_INET6` or `AF_UNSPEC` (default). */
  family?: number;
  /** `SOCK_STREAM`, `SOCK_DGRAM`, or 0 for every type (default). */
  type?: number;
  /** `IPPROTO_TCP`, `IPPROTO_UDP`, or 0 (default). */
  proto?: number;
  /** Accepted for compatibility; no flag changes the result here. */
  flags?: number;
}

const TYPES: [number, number][] = [[SOCK_STREAM, IPPROTO_TCP], [SOCK_DGRAM, IPPROTO_UDP], [
  SOCK_RAW,
  0,
]];

function checkPort(port: unknown): number {
  if (port === null || port === undefined) return 0;
  if (typeof port === "string" && /^\d+$/.test(port)) port = Number(port);
  if (typeof port === "string") {
    throw new GaiError(`getaddrinfo: unknown service ${JSON.stringify(port)}`, {
      code: "EAI_SERVICE",
    });
  }
  if (typeof port !== "number" || !Number.isInteger(port)) {
    throw new TypeError(`port must be an integer or a numeric string: got ${describe(port)}`);
  }
  if (port < 0 || port > 65535) throw new RangeError(`port must be 0-65535: got ${port}`);
  return port;
}

/** Whether `host` is an IPv4 or IPv6 literal; returns its family or 0. */
export function ipFamily(host: string): number {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return AF_INET;
  if (host.includes(":") && /^[0-9a-fA-F:.%]+$/.test(host)) return AF_INET6;
  return 0;
}

/** The `getaddrinfo` work, for coroutines of the I/O layer. @internal */
export function* resolveAddrInfo(
  loop: AbstractEventLoop,
  host: string | null | undefined,
  port: unknown,
  options: GetaddrinfoOptions = {},
): Coroutine<AddrInfo[]> {
  const { family = AF_UNSPEC, type = 0, proto = 0 } = options;
  if (family !== AF_UNSPEC && family !== AF_INET && family !== AF_INET6) {
    throw new RangeError(`family must be AF_UNSPEC, AF_INET or AF_INET6: got ${family}`);
  }
  const p = checkPort(port);
  const name = host === null || host === undefined || host === "" ? "localhost" : host;
  if (typeof name !== "string") throw new TypeError(`host must be a string: got ${describe(host)}`);
  const literal = ipFamily(name);
  let addresses: { address: string; family: number }[];
  if (literal !== 0) {
    addresses = [{ address: name, family: literal === AF_INET ? 4 : 6 }];
  } else {
    addresses = yield* hostCall(
      loop,
      () =>
        new Promise<{ address: string; family: number }[]>((resolve, reject) => {
          dns.lookup(
            name,
            { all: true, family: family === AF_INET ? 4 : family === AF_INET6 ? 6 : 0 },
            (err, result) => {
              if (err) reject(mapIoError(err, `getaddrinfo(${JSON.stringify(name)})`));
              else resolve(result as { address: string; family: number }[]);
            },
          );
        }),
    );
  }
  const out: AddrInfo[] = [];
  for (const a of addresses) {
    const fam = a.family === 6 ? AF_INET6 : AF_INET;
    if (family !== AF_UNSPEC && fam !== family) continue;
    const sockaddr: SockAddr = fam === AF_INET6 ? [a.address, p, 0, 0] : [a.address, p];
    for (const [t, pr] of TYPES) {
      if (type !== 0 && t !== type) continue;
      if (proto !== 0 && pr !== proto) continue;
      out.push([fam, t, pr, "", sockaddr]);
    }
  }
  if (out.length === 0) {
    throw new GaiError(`getaddrinfo(${JSON.stringify(name)}): no address of the requested kind`, {
      code: "EAI_NODATA",
    });
  }
  return out;
}

/** The `getnameinfo` work, for coroutines of the I/O layer. @internal */
export function* resolveNameInfo(
  loop: AbstractEventLoop,
  sockaddr: SockAddr,
  _flags = 0,
): Coroutine<[host: string, service: string]> {
  if (!Array.isArray(sockaddr) || typeof sockaddr[0] !== "string") {
    throw new TypeError(`sockaddr must be [host, port]: got ${describe(sockaddr)}`);
  }
  const [host, rawPort] = sockaddr;
  const port = checkPort(rawPort);
  if (ipFamily(host) === 0) {
    throw new GaiError(`getnameinfo: ${JSON.stringify(host)} is not a numeric address`, {
      code: "EAI_NONAME",
    });
  }
  return yield* hostCall(loop, () =>
    new Promise<[string, string]>((resolve, reject) => {
      dns.lookupService(host, port, (err, hostname, service) => {
        if (err) reject(mapIoError(err, `getnameinfo(${JSON.stringify(host)})`));
        else resolve([hostname, service]);
      });
    }));
}
