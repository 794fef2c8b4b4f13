/**
 * Platform detection: which OS the loop runs on, its release, and the
 * resolution of the monotonic clock.
 *
 * This is the only code in the project that reads `Deno.build.os` and
 * `Deno.osRelease()`. Everything else receives a {@linkcode Platform} value,
 * so tests can inject a simulated one.
 *
 * @module
 */

/**
 * The operating systems Deno is built for: the union of `Deno.build.os`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { OsName } from "@asyncio/deno/platform";
 * const os: OsName = Deno.build.os;
 * assert(typeof os === "string");
 * ```
 */
export type OsName =
  | "darwin"
  | "linux"
  | "android"
  | "windows"
  | "freebsd"
  | "netbsd"
  | "aix"
  | "solaris"
  | "illumos";

/**
 * Every {@linkcode OsName}, in a fixed order.
 *
 * @example Listing the operating systems
 * ```ts
 * import assert from "node:assert/strict";
 * import { OS_NAMES } from "@asyncio/deno/platform";
 * assert(OS_NAMES.includes("linux") && OS_NAMES.includes("windows"));
 * ```
 */
export const OS_NAMES: readonly OsName[] = Object.freeze(
  [
    "darwin",
    "linux",
    "android",
    "windows",
    "freebsd",
    "netbsd",
    "aix",
    "solaris",
    "illumos",
  ] as const satisfies readonly (typeof Deno.build.os)[],
);

/**
 * What the loops need to know about the machine. Loops accept one in their
 * options; get it from {@linkcode currentPlatform} or, in tests,
 * {@linkcode simulatePlatform}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Platform, simulatePlatform } from "@asyncio/deno/platform";
 * const p: Platform = simulatePlatform("linux", { release: "6.8.0" });
 * assert(p.os === "linux" && p.release === "6.8.0");
 * ```
 */
export interface Platform {
  /** The operating system (a `Deno.build.os` value). */
  readonly os: OsName;
  /** The kernel release (`Deno.osRelease()`, e.g. `"12.6.0"` on Darwin), or `""` if unknown. */
  readonly release: string;
  /** The smallest step of the monotonic clock, in seconds. */
  readonly clockResolution: number;
  /** Whether this value came from {@linkcode simulatePlatform} rather than the machine. */
  readonly simulated: boolean;
}

/**
 * Options of {@linkcode simulatePlatform}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type SimulatePlatformOptions, simulatePlatform } from "@asyncio/deno/platform";
 * const options: SimulatePlatformOptions = { clockResolution: 0.0005 };
 * assert(simulatePlatform("windows", options).clockResolution === 0.0005);
 * ```
 */
export interface SimulatePlatformOptions {
  /** The kernel release, e.g. `"12.6.0"` for Darwin 12 (OS X 10.8). Default: `""` (unknown). */
  release?: string;
  /**
   * The clock resolution in seconds. Default: `0.0156` on Windows (its clock
   * typically ticks every 15.6 ms; 0.5 ms at best), `1e-6` elsewhere.
   */
  clockResolution?: number;
}

/** Typical Windows monotonic clock tick (seconds); the best case is 0.5 ms. */
const WINDOWS_CLOCK_RESOLUTION = 0.0156;
/** Simulated clock resolution on every other OS (seconds). */
const UNIX_CLOCK_RESOLUTION = 1e-6;
/** No clock is reported finer than this (seconds). */
const MIN_CLOCK_RESOLUTION = 1e-9;
/** Reported when the clock did not move at all while sampling (seconds). */
const MAX_CLOCK_RESOLUTION = 0.1;
/** Consecutive clock reads that are always taken while sampling. */
const SAMPLE_READS = 300;
/** Steps of the clock to observe before trusting the smallest one. */
const SAMPLE_STEPS = 2;
/** Hard cap on reads, for a clock coarser than the sampling expected. */
const MAX_READS = 2_000_000;

/**
 * Measures the resolution of `performance.now()`: the smallest positive
 * difference between consecutive distinct readings, in seconds.
 *
 * Takes at least a few hundred reads; a coarse clock is read until it has
 * moved a couple of times (bounded by a read cap). The result is clamped to
 * [1e-9, 0.1].
 */
function measureClockResolution(): number {
  let prev = performance.now();
  let smallest = Infinity;
  let steps = 0;
  for (let reads = 0; reads < MAX_READS; reads++) {
    if (reads >= SAMPLE_READS && steps >= SAMPLE_STEPS) break;
    const now = performance.now();
    if (now > prev) {
      smallest = Math.min(smallest, now - prev);
      steps++;
      prev = now;
    }
  }
  const seconds = smallest / 1000;
  return Math.min(MAX_CLOCK_RESOLUTION, Math.max(MIN_CLOCK_RESOLUTION, seconds));
}

/**
 * Reads the kernel release without prompting: `""` unless the `sys`
 * permission for `osRelease` is already granted.
 */
function readRelease(): string {
  try {
    const status = Deno.permissions.querySync({ name: "sys", kind: "osRelease" });
    return status.state === "granted" ? Deno.osRelease() : "";
  } catch {
    return "";
  }
}

/**
 * Detects the real platform: `Deno.build.os`, `Deno.osRelease()` (or `""`
 * without `--allow-sys`; it never prompts) and the measured resolution of
 * `performance.now()`.
 *
 * Every call measures the clock again; use {@linkcode currentPlatform} for the
 * cached value.
 *
 * @returns A frozen, non-simulated {@linkcode Platform}.
 *
 * @example Detecting the machine
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectPlatform } from "@asyncio/deno/platform";
 * const p = detectPlatform();
 * assert(p.simulated === false && p.clockResolution > 0);
 * ```
 */
export function detectPlatform(): Platform {
  const os: OsName = Deno.build.os;
  return Object.freeze({
    os,
    release: readRelease(),
    clockResolution: measureClockResolution(),
    simulated: false,
  });
}

/**
 * Builds a platform value for tests, e.g. to ask the matrix about Windows
 * while running on Linux.
 *
 * @param os The operating system to pretend to be.
 * @param options The kernel release and the clock resolution.
 * @returns A frozen {@linkcode Platform} with `simulated: true`.
 * @throws {TypeError} If `os` is not an {@linkcode OsName} or the release is not a string.
 * @throws {RangeError} If `clockResolution` is not a positive finite number.
 *
 * @example A simulated Windows machine
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulatePlatform } from "@asyncio/deno/platform";
 * const win = simulatePlatform("windows");
 * assert(win.clockResolution === 0.0156 && win.simulated);
 * const mac = simulatePlatform("darwin", { release: "12.6.0" });
 * assert(mac.release === "12.6.0" && mac.clockResolution === 1e-6);
 * ```
 */
export function simulatePlatform(os: OsName, options: SimulatePlatformOptions = {}): Platform {
  if (!OS_NAMES.includes(os)) {
    throw new TypeError(`os must be one of ${OS_NAMES.join(", ")}: got ${String(os)}`);
  }
  const release = options.release ?? "";
  if (typeof release !== "string") {
    throw new TypeError(`options.release must be a string: got ${typeof release}`);
  }
  const clockResolution = options.clockResolution ??
    (os === "windows" ? WINDOWS_CLOCK_RESOLUTION : UNIX_CLOCK_RESOLUTION);
  if (typeof clockResolution !== "number" || !(clockResolution > 0 && clockResolution < Infinity)) {
    throw new RangeError(
      `options.clockResolution must be a positive number of seconds: got ${
        String(clockResolution)
      }`,
    );
  }
  return Object.freeze({ os, release, clockResolution, simulated: true });
}

let cached: Platform | undefined;

/**
 * The real platform, detected once per process and cached.
 *
 * @returns The same frozen {@linkcode Platform} on every call.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { currentPlatform } from "@asyncio/deno/platform";
 * assert(currentPlatform() === currentPlatform());
 * ```
 */
export function currentPlatform(): Platform {
  cached ??= detectPlatform();
  return cached;
}
