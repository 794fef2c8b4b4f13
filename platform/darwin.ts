/**
 * Darwin kernel releases and the macOS versions they ship with.
 *
 * `Deno.osRelease()` on macOS returns the Darwin kernel release (e.g.
 * `"12.6.0"`), not the marketing version; the matrix's macOS rows are keyed
 * on the kernel's major number.
 *
 * @module
 */

/**
 * The major number of a Darwin kernel release string.
 *
 * @param release A release such as `"12.6.0"` (from `Deno.osRelease()`).
 * @returns The major number, or `undefined` if `release` does not start with one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { darwinMajor } from "./darwin.ts";
 * assert(darwinMajor("12.6.0") === 12);
 * assert(darwinMajor("") === undefined);
 * ```
 */
export function darwinMajor(release: string): number | undefined {
  const match = /^\s*(\d+)(?:\.|\s*$)/.exec(release);
  return match === null ? undefined : Number(match[1]);
}

/**
 * The macOS version shipped with a Darwin kernel: Darwin 9 is Mac OS X 10.5,
 * 10 is 10.6, 11 is 10.7, 12 is 10.8, 13 is 10.9, ... 19 is 10.15; Darwin 20
 * is macOS 11 up to Darwin 24 = macOS 15; Darwin 25 is macOS 26.
 *
 * @param release A Darwin release string (`"12.6.0"`) or its major number.
 * @returns The macOS version (`"10.8"`), or `undefined` for an unknown release
 *   or one older than Darwin 5 (Mac OS X 10.1).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { macosVersion } from "./darwin.ts";
 * assert(macosVersion("12.6.0") === "10.8");
 * assert(macosVersion(13) === "10.9");
 * assert(macosVersion("23.1.0") === "14");
 * ```
 */
export function macosVersion(release: string | number): string | undefined {
  const major = typeof release === "number" ? release : darwinMajor(release);
  if (major === undefined || !Number.isInteger(major) || major < 5) return undefined;
  if (major <= 19) return `10.${major - 4}`;
  if (major <= 24) return `${major - 9}`;
  return `${major + 1}`;
}
