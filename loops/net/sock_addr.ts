// Socket addresses: their shapes per family, checking and normalizing them,
// converting Deno's addresses, and the small errors the socket layer raises.

import { GaiError, OSError } from "./os_errors.ts";
import { AF_INET, AF_INET6, AF_UNIX, EAI_ADDRFAMILY, ipFamily } from "./resolve.ts";
import type { FileDescriptorLike, SocketAddress } from "../core/io_types.ts";
import { errnoOf } from "./errors.ts";
import { describe } from "../core/checks.ts";

// The address types live in the core (the loop interface names them).
export type { FileDescriptorLike, SocketAddress };

/** The first number `fileno()` hands out (0–2 look like stdio). */
const FIRST_FILENO = 3;
let nextFileno = FIRST_FILENO;

/**
 * A new `fileno()` number: unique in this process and never reused (Deno
 * exposes no descriptors; sockets and server sockets share this counter).
 * @ignore
 */
export function allocateFileno(): number {
  return nextFileno++;
}

export function osError(what: string, code: string, text: string): OSError {
  return new OSError(`${what}: ${text}`, { code, errno: errnoOf(code) });
}

export const FAMILY_NAMES: Record<number, string> = {
  [AF_INET]: "AF_INET",
  [AF_INET6]: "AF_INET6",
  [AF_UNIX]: "AF_UNIX",
};

/**
 * Checks and normalizes an address for a socket of `family`.
 *
 * @throws {TypeError} If its shape does not fit the family.
 * @throws {GaiError} If an IP literal belongs to the other family.
 * @ignore
 */
export function checkSocketAddress(family: number, address: unknown, name: string): SocketAddress {
  if (family === AF_UNIX) {
    if (typeof address !== "string" || address === "") {
      throw new TypeError(`${name} must be a non-empty path for AF_UNIX: got ${describe(address)}`);
    }
    return address;
  }
  const sizes = family === AF_INET6 ? [2, 4] : [2];
  const a = address as unknown[];
  if (!Array.isArray(a) || !sizes.includes(a.length) || typeof a[0] !== "string") {
    const shape = family === AF_INET6
      ? "[host, port] or [host, port, flowinfo, scopeId]"
      : "[host, port]";
    throw new TypeError(`${name} must be ${shape}: got ${describe(address)}`);
  }
  const port = a[1];
  if (typeof port !== "number" || !Number.isInteger(port)) {
    throw new TypeError(`${name}: the port must be an integer: got ${describe(port)}`);
  }
  if (port < 0 || port > 65535) {
    // Python: OverflowError "port must be 0-65535".
    throw new RangeError(`${name}: the port must be 0-65535: got ${port}`);
  }
  const host = a[0] as string;
  const literal = ipFamily(host);
  if (literal !== 0 && literal !== family) {
    // As getaddrinfo for the socket's family (Python: gaierror -9).
    throw new GaiError(
      `${name}: ${host} is not an ${FAMILY_NAMES[family]} address: ` +
        "Address family for hostname not supported",
      { code: "EAI_ADDRFAMILY", errno: EAI_ADDRFAMILY },
    );
  }
  return family === AF_INET6 ? [host, port, Number(a[2] ?? 0), Number(a[3] ?? 0)] : [host, port];
}

/** @ignore A Deno address as a `SocketAddress` of `family`. */
export function fromDenoAddr(addr: Deno.Addr, family: number): SocketAddress {
  if (addr.transport === "unix" || addr.transport === "unixpacket") {
    return (addr as Deno.UnixAddr).path ?? "";
  }
  const { hostname, port } = addr as Deno.NetAddr;
  return family === AF_INET6 ? [hostname, port, 0, 0] : [hostname, port];
}

/** @ignore Throws unless `n` is a non-negative integer. */
export function checkCount(n: unknown, name: string): void {
  if (typeof n !== "number" || !Number.isInteger(n)) {
    throw new TypeError(`${name} must be an integer: got ${describe(n)}`);
  }
  if (n < 0) throw new RangeError(`${name} must not be negative: got ${n}`);
}
