// Argument handling of the streams API: the buffer limit, read sizes and
// readuntil() separators.

import { toBytes } from "./transports/stream.ts";
import { describe } from "../core/checks.ts";

/** asyncio's default buffer limit: 64 KiB. */
export const DEFAULT_LIMIT = 64 * 1024;

/** The default separator: `\n`. */
export const NEWLINE = [new Uint8Array([10])];
const encoder = new TextEncoder();

/** What `readuntil()` accepts as separator: bytes, text (UTF-8), or several of them. */
export type Separator = Uint8Array | string | readonly (Uint8Array | string)[];

/** Throws TypeError/RangeError unless `limit` is a positive number. */
export function checkLimit(limit: unknown, name = "limit"): number {
  if (typeof limit !== "number") {
    throw new TypeError(`${name} must be a number: got ${describe(limit)}`);
  }
  if (!(limit > 0)) throw new RangeError(`${name} must be positive: got ${limit}`);
  return limit;
}

/** Throws TypeError unless `n` is an integer. */
export function checkCount(n: unknown, name: string): number {
  if (typeof n !== "number" || !Number.isInteger(n)) {
    throw new TypeError(`${name} must be an integer: got ${describe(n)}`);
  }
  return n;
}

/** The separators as byte arrays, shortest first (the shortest match wins). */
export function separators(separator: unknown): Uint8Array[] {
  const one = (s: unknown): Uint8Array => {
    const bytes = typeof s === "string" ? encoder.encode(s) : toBytes(s, "separator");
    if (bytes.length === 0) throw new RangeError("Separator should be at least one-byte string");
    return bytes;
  };
  if (typeof separator === "string" || ArrayBuffer.isView(separator)) return [one(separator)];
  if (!Array.isArray(separator)) {
    throw new TypeError(
      `separator must be bytes, a string or an array of them: got ${describe(separator)}`,
    );
  }
  if (separator.length === 0) throw new RangeError("Separator should contain at least one element");
  return separator.map(one).sort((a, b) => a.length - b.length);
}
