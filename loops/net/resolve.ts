/**
 * `getaddrinfo` and `getnameinfo` on the operating system's resolver (so
 * `/etc/hosts` and the system's name service apply), with asyncio's result
 * shapes, plus the socket constants they use. The `AI_*`, `NI_*` and `EAI_*`
 * values are Linux's (as Python's `socket` module has them on Linux); the
 * project interprets them itself, so they mean the same on every OS.
 *
 * @module
 */

import dns from "node:dns";
import type { AbstractEventLoop, Coroutine } from "../core/events.ts";
import type { AddrInfo, GetaddrinfoOptions, SockAddr } from "../core/io_types.ts";
import { GaiError, OSError } from "./os_errors.ts";
import { hostCall } from "./host_call.ts";
import { errnoOf, mapIoError } from "./errors.ts";
import { describe } from "../core/checks.ts";
import { serviceName, servicePort } from "./_services.ts";
import { awaitInTask } from "../core/tasks.ts";

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

/**
 * getaddrinfo: wildcard addresses for a null host, to bind a server (`socket.AI_PASSIVE`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run } from "@asyncio/deno";
 * import { AF_INET, AI_PASSIVE } from "@asyncio/deno/socket";
 * const infos = await run(() =>
 *   getRunningLoop().getaddrinfo(null, 80, { family: AF_INET, flags: AI_PASSIVE })
 * );
 * assert.deepEqual(infos[0][4], ["0.0.0.0", 80]);
 * ```
 */
export const AI_PASSIVE = 1;
/** getaddrinfo: put the host's canonical name in the first result (`socket.AI_CANONNAME`). */
export const AI_CANONNAME = 2;
/** getaddrinfo: the host must be a numeric address, no lookup (`socket.AI_NUMERICHOST`). */
export const AI_NUMERICHOST = 4;
/** getaddrinfo: with `AF_INET6`, return IPv4 addresses as `::ffff:a.b.c.d` (`socket.AI_V4MAPPED`). */
export const AI_V4MAPPED = 8;
/** getaddrinfo: with `AI_V4MAPPED`, return IPv6 and mapped IPv4 addresses (`socket.AI_ALL`). */
export const AI_ALL = 16;
/** getaddrinfo: only families the host has a non-loopback address of (`socket.AI_ADDRCONFIG`). */
export const AI_ADDRCONFIG = 32;
/** getaddrinfo: the port must be numeric, no service lookup (`socket.AI_NUMERICSERV`). */
export const AI_NUMERICSERV = 1024;
/**
 * getnameinfo: the numeric host instead of its name (`socket.NI_NUMERICHOST`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, run } from "@asyncio/deno";
 * import { NI_NUMERICHOST, NI_NUMERICSERV } from "@asyncio/deno/socket";
 * const name = await run(() =>
 *   getRunningLoop().getnameinfo(["127.0.0.1", 80], NI_NUMERICHOST | NI_NUMERICSERV)
 * );
 * assert.deepEqual(name, ["127.0.0.1", "80"]);
 * ```
 */
export const NI_NUMERICHOST = 1;
/** getnameinfo: the numeric port instead of the service name (`socket.NI_NUMERICSERV`). */
export const NI_NUMERICSERV = 2;
/** getnameinfo: drop the local domain from the host name (`socket.NI_NOFQDN`). */
export const NI_NOFQDN = 4;
/** getnameinfo: fail with `EAI_NONAME` when the address has no name (`socket.NI_NAMEREQD`). */
export const NI_NAMEREQD = 8;
/** getnameinfo: look the service up for UDP, not TCP (`socket.NI_DGRAM`). */
export const NI_DGRAM = 16;
/** GaiError errno: bad `flags` value (`socket.EAI_BADFLAGS`). */
export const EAI_BADFLAGS: number = -1;
/** GaiError errno: the name or service is not known (`socket.EAI_NONAME`). */
export const EAI_NONAME: number = -2;
/** GaiError errno: the socket type is not supported (`socket.EAI_SOCKTYPE`). */
export const EAI_SOCKTYPE: number = -7;
/** GaiError errno: the service is not known for the socket type (`socket.EAI_SERVICE`). */
export const EAI_SERVICE: number = -8;
/** GaiError errno: the address has no address of the requested family (`socket.EAI_ADDRFAMILY`). */
export const EAI_ADDRFAMILY: number = -9;
/** GaiError errno: the address family is not supported (`socket.EAI_FAMILY`). */
export const EAI_FAMILY: number = -6;

// The flag bits glibc accepts (the IDN bits 64-512 of getaddrinfo and 32-128
// of getnameinfo included; they change nothing here: Deno's resolver already
// takes Unicode names). Any other bit is EAI_BADFLAGS, as on Linux.
const AI_KNOWN = 0x7ff;
const NI_KNOWN = 0xff;

const EAI_ERRNO = {
  EAI_BADFLAGS,
  EAI_NONAME,
  EAI_SOCKTYPE,
  EAI_SERVICE,
  EAI_ADDRFAMILY,
  EAI_FAMILY,
} as const;

function gaiError(code: keyof typeof EAI_ERRNO, message: string, cause?: unknown): GaiError {
  return new GaiError(message, { code, errno: EAI_ERRNO[code], cause });
}

// The result and option types live in the core (the loop interface names them).
export type { AddrInfo, GetaddrinfoOptions, SockAddr };

const TYPES: [number, number][] = [[SOCK_STREAM, IPPROTO_TCP], [SOCK_DGRAM, IPPROTO_UDP], [
  SOCK_RAW,
  0,
]];

/** A resolved address: the address text, its family (`AF_INET`/`AF_INET6`) and IPv6 scope id. */
type Address = [address: string, family: number, scopeId: number];

function checkPort(port: unknown): number {
  if (typeof port !== "number" || !Number.isInteger(port)) {
    throw new TypeError(`port must be an integer or a numeric string: got ${describe(port)}`);
  }
  if (port < 0 || port > 65535) throw new RangeError(`port must be 0-65535: got ${port}`);
  return port;
}

function checkFlags(flags: unknown, known: number, what: string): number {
  if (typeof flags !== "number" || !Number.isInteger(flags)) {
    throw new TypeError(`flags must be an integer: got ${describe(flags)}`);
  }
  if ((flags & ~known) !== 0 || flags < 0) {
    throw gaiError("EAI_BADFLAGS", `${what}: bad value for flags: ${flags}`);
  }
  return flags;
}

/** @ignore A numeric host as getaddrinfo reads it: its family, canonical text and scope. */
export interface NumericHost {
  /** `AF_INET` or `AF_INET6`. */
  family: number;
  /** The address as inet_ntop writes it (`127.0.0.8` for `127.0.0.010`, `::1` for `0:0::1`). */
  address: string;
  /** An IPv6 zone after `%` (an interface name or index), or null. */
  scope: string | null;
}

// glibc's inet_aton, which getaddrinfo uses for numeric IPv4 hosts: one to
// four parts, each decimal, octal (a leading 0) or hex (0x); the last part
// fills the bytes left (`127.1` is 127.0.0.1); nothing may follow.
function parseIPv4(text: string): string | null {
  const bytes: number[] = [];
  let i = 0;
  let val = 0;
  let digit = false;
  for (;;) {
    if (!/[0-9]/.test(text[i] ?? "")) return null;
    let base = 10;
    digit = false;
    val = 0;
    if (text[i] === "0") {
      i++;
      if (text[i] === "x" || text[i] === "X") {
        base = 16;
        i++;
      } else {
        base = 8;
        digit = true;
      }
    }
    for (;;) {
      const c = text[i] ?? "";
      const d = /[0-9]/.test(c)
        ? c.charCodeAt(0) - 48
        : base === 16 && /[a-fA-F]/.test(c)
        ? c.toLowerCase().charCodeAt(0) - 87
        : -1;
      if (d < 0 || (base === 8 && d >= 8)) {
        if (base === 8 && d >= 8 && d <= 9) return null;
        break;
      }
      val = val * base + d;
      if (val > 0xffffffff) return null;
      digit = true;
      i++;
    }
    if (text[i] !== ".") break;
    if (bytes.length > 2 || val > 0xff) return null;
    bytes.push(val);
    i++;
  }
  if (i !== text.length || !digit) return null;
  const max = [0xffffffff, 0xffffff, 0xffff, 0xff][bytes.length];
  if (val > max) return null;
  for (let k = 3 - bytes.length; k >= 0; k--) bytes.push((val >>> (8 * k)) & 0xff);
  return bytes.join(".");
}

// inet_pton's strict dotted quad (the tail of an IPv6 address): four decimal
// parts of at most three digits, no leading zeros.
function parseDottedQuad(text: string): number[] | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return null;
    out.push(Number(p));
  }
  return out;
}

// inet_pton(AF_INET6): the eight 16-bit words, or null.
function parseIPv6Words(text: string): number[] | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (half: string): number[] | null => {
    if (half === "") return [];
    const out: number[] = [];
    const parts = half.split(":");
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k];
      if (k === parts.length - 1 && p.includes(".")) {
        const quad = parseDottedQuad(p);
        if (quad === null) return null;
        out.push((quad[0] << 8) | quad[1], (quad[2] << 8) | quad[3]);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  if (head === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  // A dotted quad may only end the address.
  if (halves[0].includes(".")) return null;
  const tail = groups(halves[1]);
  if (tail === null || head.length + tail.length > 7) return null;
  return [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
}

// inet_ntop(AF_INET6), glibc's way: lower-case hex, the longest run of two
// or more zero words (the first of equal runs) as "::", and the last 32 bits
// as a dotted quad for IPv4-compatible and IPv4-mapped addresses.
function formatIPv6(words: number[]): string {
  let bestBase = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) [bestBase, bestLen] = [i, j - i];
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ":";
      continue;
    }
    if (i !== 0) out += ":";
    if (
      i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))
    ) {
      out += `${words[6] >> 8}.${words[6] & 0xff}.${words[7] >> 8}.${words[7] & 0xff}`;
      break;
    }
    out += words[i].toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) out += ":";
  return out;
}

/**
 * Reads `host` as getaddrinfo does before any lookup: an IPv4 address in
 * inet_aton's forms (`127.0.0.010` is 127.0.0.8, `127.1` is 127.0.0.1), or
 * an IPv6 address as inet_pton reads it, optionally with a `%zone`. Returns
 * null for anything else (a name to look up).
 *
 * @ignore
 */
export function parseNumericHost(host: string): NumericHost | null {
  const v4 = parseIPv4(host);
  if (v4 !== null) return { family: AF_INET, address: v4, scope: null };
  const pct = host.indexOf("%");
  const bare = pct < 0 ? host : host.slice(0, pct);
  const scope = pct < 0 ? null : host.slice(pct + 1);
  if (scope === "") return null;
  const words = parseIPv6Words(bare);
  if (words === null) return null;
  return { family: AF_INET6, address: formatIPv6(words), scope };
}

/**
 * Whether `host` is a numeric IPv4 or IPv6 address (as getaddrinfo reads
 * one: see `parseNumericHost`); returns its family, or 0 for a name.
 */
export function ipFamily(host: string): number {
  return parseNumericHost(host)?.family ?? 0;
}

/**
 * The interface index of an IPv6 zone: a number as it is, an interface name
 * through the system (null when unknown or not readable without a prompt).
 */
function scopeIndex(scope: string): number | null {
  if (/^[0-9]+$/.test(scope)) return Number(scope);
  if (scope.includes("/") || scope.startsWith(".")) return null;
  const file = `/sys/class/net/${scope}/ifindex`;
  try {
    if (Deno.permissions.querySync({ name: "read", path: file }).state === "granted") {
      return Number(Deno.readTextFileSync(file).trim());
    }
  } catch {
    // Not Linux, or no such interface: ask Deno below.
  }
  try {
    const q = Deno.permissions.querySync({ name: "sys", kind: "networkInterfaces" });
    if (q.state !== "granted") return null;
    const found = Deno.networkInterfaces().find((i) => i.name === scope && i.family === "IPv6");
    return found?.scopeid ?? null;
  } catch {
    return null;
  }
}

/**
 * The `[type, proto, port]` triples to return: the socket kinds `type` and
 * `proto` allow, each with the port of `service` for its protocol (a service
 * name is looked up for TCP and UDP; kinds it has no port for are left out).
 */
function socketKinds(type: number, proto: number, service: unknown, flags: number) {
  if (type !== 0 && !TYPES.some(([t]) => t === type)) {
    throw gaiError("EAI_SOCKTYPE", `getaddrinfo: socket type not supported: ${type}`);
  }
  const kinds = TYPES.filter(([t, p]) =>
    (type === 0 || t === type) && (proto === 0 || p === proto)
  );
  if (kinds.length === 0) {
    throw gaiError(
      "EAI_SOCKTYPE",
      `getaddrinfo: protocol ${proto} does not fit socket type ${type}`,
    );
  }
  if (service === null || service === undefined) return kinds.map(([t, p]) => [t, p, 0]);
  if (typeof service === "string" && /^\d+$/.test(service)) service = Number(service);
  if (typeof service !== "string") {
    const port = checkPort(service);
    return kinds.map(([t, p]) => [t, p, port]);
  }
  if (flags & AI_NUMERICSERV) {
    throw gaiError("EAI_NONAME", `getaddrinfo: service is not numeric: ${JSON.stringify(service)}`);
  }
  const out: [number, number, number][] = [];
  for (const [t, p] of kinds) {
    if (t === SOCK_RAW) continue; // services are TCP or UDP ports
    const port = servicePort(service, t === SOCK_STREAM ? "tcp" : "udp");
    if (port !== null) out.push([t, p, port]);
  }
  if (out.length === 0) {
    throw gaiError("EAI_SERVICE", `getaddrinfo: unknown service ${JSON.stringify(service)}`);
  }
  return out;
}

/** Looks `name` up with the OS resolver (`/etc/hosts`, DNS, ...). */
function* lookup(loop: AbstractEventLoop, name: string, family: number): Coroutine<Address[]> {
  type Result = { address: string; family: number }[];
  const found = yield* hostCall(loop, () =>
    new Promise<Result>((resolve, reject) => {
      const hint = family === AF_INET ? 4 : family === AF_INET6 ? 6 : 0;
      dns.lookup(name, { all: true, family: hint }, (err, result) => {
        if (err === null) resolve(result as Result);
        else if (err.code === "ENOTFOUND") {
          reject(
            gaiError("EAI_NONAME", `getaddrinfo(${JSON.stringify(name)}): name not known`, err),
          );
        } else reject(mapIoError(err, `getaddrinfo(${JSON.stringify(name)})`));
      });
    }));
  return found.map((a): Address => {
    const numeric = parseNumericHost(a.address);
    const scopeId = numeric?.scope == null ? 0 : scopeIndex(numeric.scope) ?? 0;
    return [numeric?.address ?? a.address, a.family === 6 ? AF_INET6 : AF_INET, scopeId];
  });
}

/** The families the host has a non-loopback address of (null: unknown, no permission). */
function configuredFamilies(): Set<number> | null {
  try {
    const q = Deno.permissions.querySync({ name: "sys", kind: "networkInterfaces" });
    if (q.state !== "granted") return null;
    const out = new Set<number>();
    for (const i of Deno.networkInterfaces()) {
      if (i.address.startsWith("127.") || i.address === "::1") continue;
      out.add(i.family === "IPv6" ? AF_INET6 : AF_INET);
    }
    return out;
  } catch {
    return null;
  }
}

/** Applies `family`, `AI_V4MAPPED`/`AI_ALL` and `AI_ADDRCONFIG` to `found`. */
function pickAddresses(found: Address[], family: number, flags: number, what: string): Address[] {
  let out = found;
  if (family === AF_INET6 && (flags & AI_V4MAPPED)) {
    const v6 = found.filter(([, f]) => f === AF_INET6);
    const mapped = found.filter(([, f]) => f === AF_INET).map(([a]): Address => [
      `::ffff:${a}`,
      AF_INET6,
      0,
    ]);
    out = v6.length > 0 && !(flags & AI_ALL) ? v6 : [...v6, ...mapped];
  } else if (family !== AF_UNSPEC) {
    out = found.filter(([, f]) => f === family);
  }
  if (flags & AI_ADDRCONFIG) {
    const configured = configuredFamilies();
    if (configured !== null) out = out.filter(([, f]) => configured.has(f));
  }
  if (out.length === 0) {
    throw gaiError("EAI_ADDRFAMILY", `${what}: no address of the requested family`);
  }
  return out;
}

/** The addresses of `host` (null: the wildcard or loopback addresses). */
function* hostAddresses(
  loop: AbstractEventLoop,
  host: string | null,
  family: number,
  flags: number,
): Coroutine<Address[]> {
  if (host === null) {
    // As glibc orders them: IPv4 first for binding, IPv6 first for connecting.
    if (flags & AI_PASSIVE) return [["0.0.0.0", AF_INET, 0], ["::", AF_INET6, 0]];
    return [["::1", AF_INET6, 0], ["127.0.0.1", AF_INET, 0]];
  }
  const numeric = parseNumericHost(host);
  if (numeric !== null) {
    const scopeId = numeric.scope === null ? 0 : scopeIndex(numeric.scope);
    if (scopeId === null) {
      throw gaiError(
        "EAI_NONAME",
        `getaddrinfo(${JSON.stringify(host)}): unknown network interface ${
          JSON.stringify(numeric.scope)
        }`,
      );
    }
    return [[numeric.address, numeric.family, scopeId]];
  }
  if (flags & AI_NUMERICHOST) {
    throw gaiError(
      "EAI_NONAME",
      `getaddrinfo: host is not a numeric address: ${JSON.stringify(host)}`,
    );
  }
  const hint = family === AF_INET6 && (flags & AI_V4MAPPED) ? AF_UNSPEC : family;
  return yield* lookup(loop, host, hint);
}

/** @ignore The `getaddrinfo` work, for coroutines of the I/O layer. */
export function* resolveAddrInfo(
  loop: AbstractEventLoop,
  host: string | null | undefined,
  port: unknown,
  options: GetaddrinfoOptions = {},
): Coroutine<AddrInfo[]> {
  const { family = AF_UNSPEC, type = 0, proto = 0 } = options;
  if (typeof family !== "number" || !Number.isInteger(family)) {
    throw new TypeError(`family must be an integer: got ${describe(family)}`);
  }
  if (family !== AF_UNSPEC && family !== AF_INET && family !== AF_INET6) {
    // As glibc (Python: gaierror -6), AF_UNIX included.
    throw gaiError("EAI_FAMILY", `getaddrinfo: ai_family not supported: ${family}`);
  }
  const flags = checkFlags(options.flags ?? 0, AI_KNOWN, "getaddrinfo");
  const name = host === null || host === undefined || host === "" ? null : host;
  if (name !== null && typeof name !== "string") {
    throw new TypeError(`host must be a string: got ${describe(host)}`);
  }
  if (name === null && (flags & AI_CANONNAME)) {
    throw gaiError("EAI_BADFLAGS", "getaddrinfo: AI_CANONNAME needs a host");
  }
  const kinds = socketKinds(type, proto, port, flags);
  const found = yield* hostAddresses(loop, name, family, flags);
  const what = `getaddrinfo(${JSON.stringify(name)})`;
  const out: AddrInfo[] = [];
  for (const [address, fam, scopeId] of pickAddresses(found, family, flags, what)) {
    for (const [t, pr, p] of kinds) {
      const sockaddr: SockAddr = fam === AF_INET6 ? [address, p, 0, scopeId] : [address, p];
      const canon = out.length === 0 && (flags & AI_CANONNAME) ? name! : "";
      out.push([fam, t, pr, canon, sockaddr]);
    }
  }
  return out;
}

/**
 * The port number of `port` for sockets of `type` (as getaddrinfo would
 * report it): an integer as it is, a numeric string, a service name from
 * the services database; null is 0.
 *
 * @throws {GaiError} `EAI_SERVICE` for a service name that is not known.
 * @ignore
 */
export function resolvePort(port: number | string | null, type: number): number {
  if (port === null || port === "") return 0;
  if (typeof port === "number") return port;
  if (/^[0-9]+$/.test(port)) return checkPort(Number(port));
  const found = servicePort(port, type === SOCK_DGRAM ? "udp" : "tcp");
  if (found === null) {
    throw gaiError("EAI_SERVICE", `getaddrinfo: unknown service ${JSON.stringify(port)}`);
  }
  return found;
}

/**
 * asyncio's `_ensure_resolved`, for the loop's own connections, servers and
 * endpoints: a numeric host with a numeric port (what asyncio's
 * `_ipaddr_info` recognizes) is used as it is, anything else is resolved
 * through `loop.getaddrinfo()`, so a loop subclass (or a test) that
 * overrides it is used.
 *
 * @ignore
 */
export function* ensureResolved(
  loop: AbstractEventLoop,
  host: string | null,
  port: number | string | null,
  options: { family?: number; type: number; flags?: number },
): Coroutine<AddrInfo[]> {
  const info = numericAddrInfo(host, port, options.family ?? AF_UNSPEC, options.type);
  if (info !== null) return [info];
  return yield* awaitInTask(loop.getaddrinfo(host, port, options));
}

// asyncio's _ipaddr_info: the getaddrinfo answer for a numeric IP host and
// port, or null when getaddrinfo must be asked. As there, an IPv6 zone
// (`%eth0`) goes to getaddrinfo, and only inet_pton's IPv4 form counts.
function numericAddrInfo(
  host: string | null,
  port: number | string | null,
  family: number,
  type: number,
): AddrInfo | null {
  if (host === null || host.includes("%")) return null;
  const proto = type === SOCK_STREAM ? IPPROTO_TCP : type === SOCK_DGRAM ? IPPROTO_UDP : -1;
  if (proto < 0) return null;
  let p: number;
  if (port === null || port === "") p = 0;
  else if (typeof port === "number" && Number.isInteger(port)) p = port;
  else if (typeof port === "string" && /^[0-9]+$/.test(port)) p = Number(port);
  else return null;
  if (p < 0 || p > 65535) return null;
  if ((family === AF_UNSPEC || family === AF_INET) && parseDottedQuad(host) !== null) {
    return [AF_INET, type, proto, "", [host, p]];
  }
  if (family === AF_UNSPEC || family === AF_INET6) {
    const words = parseIPv6Words(host);
    if (words !== null) return [AF_INET6, type, proto, "", [host, p, 0, 0]];
  }
  return null;
}

/**
 * The host text to hand Deno for a resolved socket address: the address,
 * with `%scopeId` for a scoped IPv6 one.
 *
 * @ignore
 */
export function connectHost(sockaddr: SockAddr): string {
  return sockaddr.length === 4 && sockaddr[3] !== 0 ? `${sockaddr[0]}%${sockaddr[3]}` : sockaddr[0];
}

/** The canonical text of a numeric address, with `%interface` for an IPv6 scope id. */
function numericText(numeric: NumericHost, scopeId: number): string {
  if (numeric.family !== AF_INET6 || scopeId === 0) return numeric.address;
  return `${numeric.address}%${interfaceName(scopeId) ?? scopeId}`;
}

/** The name of the network interface with index `scopeId`, if Deno reports it. */
function interfaceName(scopeId: number): string | null {
  try {
    const q = Deno.permissions.querySync({ name: "sys", kind: "networkInterfaces" });
    if (q.state !== "granted") return null;
    return Deno.networkInterfaces().find((i) => i.scopeid === scopeId)?.name ?? null;
  } catch {
    return null;
  }
}

/** Removes the local domain (the host name's part after its first dot) from `name`. */
function stripLocalDomain(name: string): string {
  let hostname: string;
  try {
    if (Deno.permissions.querySync({ name: "sys", kind: "hostname" }).state !== "granted") {
      return name;
    }
    hostname = Deno.hostname();
  } catch {
    return name;
  }
  const dot = hostname.indexOf(".");
  if (dot < 0) return name;
  const suffix = hostname.slice(dot);
  return name.length > suffix.length && name.endsWith(suffix)
    ? name.slice(0, -suffix.length)
    : name;
}

/** The name of `host` from the OS resolver, or null when it has none. */
function* reverseLookup(
  loop: AbstractEventLoop,
  host: string,
  port: number,
): Coroutine<string | null> {
  return yield* hostCall(loop, () =>
    new Promise<string | null>((resolve, reject) => {
      dns.lookupService(host, port, (err, hostname) => {
        if (err === null) resolve(hostname);
        else if (err.code === "ENOTFOUND") resolve(null);
        else reject(mapIoError(err, `getnameinfo(${JSON.stringify(host)})`));
      });
    }));
}

/** @ignore The `getnameinfo` work, for coroutines of the I/O layer. */
export function* resolveNameInfo(
  loop: AbstractEventLoop,
  sockaddr: SockAddr,
  flags: number = 0,
): Coroutine<[host: string, service: string]> {
  if (
    !Array.isArray(sockaddr) || sockaddr.length < 2 || sockaddr.length > 4 ||
    typeof sockaddr[0] !== "string"
  ) {
    throw new TypeError(`sockaddr must be [host, port]: got ${describe(sockaddr)}`);
  }
  checkFlags(flags, NI_KNOWN, "getnameinfo");
  const [host, rawPort] = sockaddr;
  const port = checkPort(
    typeof rawPort === "string" && /^\d+$/.test(rawPort) ? Number(rawPort) : rawPort,
  );
  const parsed = parseNumericHost(host);
  if (parsed === null) {
    throw gaiError("EAI_NONAME", `getnameinfo: ${JSON.stringify(host)} is not a numeric address`);
  }
  if (parsed.family === AF_INET && sockaddr.length !== 2) {
    // Python's socket.getnameinfo raises OSError here.
    throw new OSError("getnameinfo: IPv4 sockaddr must be 2 tuple", {
      code: "EINVAL",
      errno: errnoOf("EINVAL"),
    });
  }
  const service = flags & NI_NUMERICSERV
    ? String(port)
    : serviceName(port, flags & NI_DGRAM ? "udp" : "tcp") ?? String(port);
  const numeric = numericText(parsed, sockaddr.length === 4 ? Number(sockaddr[3]) : 0);
  if (flags & NI_NUMERICHOST) return [numeric, service];
  const name = yield* reverseLookup(loop, parsed.address, port);
  if (name === null) {
    if (flags & NI_NAMEREQD) {
      throw gaiError("EAI_NONAME", `getnameinfo: ${JSON.stringify(host)} has no name`);
    }
    return [numeric, service];
  }
  return [flags & NI_NOFQDN ? stripLocalDomain(name) : name, service];
}
