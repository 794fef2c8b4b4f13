/**
 * The platform support matrix: which loop method works with which loop kind
 * on which OS, and why not. Loops call {@linkcode checkSupported} before any
 * side effect; nothing else in the project decides support from the OS.
 *
 * The rows live in `platform/matrix_rows.ts`.
 *
 * @module
 */

import { NotImplementedError } from "../loops/core/exceptions.ts";
import { darwinMajor } from "./darwin.ts";
import type { OsName, Platform } from "./detect.ts";
import {
  type DarwinKernelRange,
  type Feature,
  FEATURES,
  LOOP_KINDS,
  type LoopKind,
  type MatrixRow,
  matrixRows,
  type ObjectKind,
} from "./matrix_rows.ts";
import { availableSelectors, SELECTOR_NAMES, type SelectorName } from "./selectors.ts";

const PROACTOR_AVAILABILITY = Object.freeze({
  os: Object.freeze(["windows"] as OsName[]),
  reason: "ProactorEventLoop is built on I/O completion ports, which only Windows has",
  source: "asyncio docs, Available event loops › ProactorEventLoop (Availability: Windows)",
});

/**
 * The answer of {@linkcode supports}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulatePlatform, type Support, supports } from "@asyncio/deno/platform";
 * const answer: Support = supports("startTls", {
 *   loop: "proactor",
 *   platform: simulatePlatform("windows"),
 * });
 * assert(!answer.supported && answer.source?.includes("asyncio docs"));
 * ```
 */
export interface Support {
  /** Whether the call may proceed. */
  readonly supported: boolean;
  /** Why not (or, with `partial`, what is excluded). */
  readonly reason?: string;
  /** The documentation statement behind the answer. */
  readonly source?: string;
  /** Set when support depends on the object kind, e.g. `"sockets only"`. */
  readonly partial?: string;
}

/**
 * Extra facts some rows depend on.
 *
 * @example
 * ```ts
 * import { checkSupported, simulatePlatform, type SupportDetails } from "@asyncio/deno/platform";
 * const details: SupportDetails = { kind: "characterDevice", selector: "PollSelector" };
 * const mac = simulatePlatform("darwin", { release: "12.6.0" });
 * checkSupported("connectReadPipe", "selector", mac, details); // poll copes with PTYs on 10.8
 * ```
 */
export interface SupportDetails {
  /** What the call watches or wraps; `"characterDevice"` also checks `characterDevices`. */
  kind?: ObjectKind;
  /** The selector loop's selector (default: the platform's `DefaultSelector`). */
  selector?: SelectorName;
}

/**
 * A question to {@linkcode supports}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulatePlatform, type SupportQuery, supports } from "@asyncio/deno/platform";
 * const query: SupportQuery = { loop: "selector", platform: simulatePlatform("darwin") };
 * assert(supports("addSignalHandler", query).supported);
 * ```
 */
export interface SupportQuery extends SupportDetails {
  /** The loop kind. */
  loop: LoopKind;
  /** The platform the loop runs on. */
  platform: Platform;
}

/**
 * Whether a loop kind exists on a platform, with the reason and source when
 * it does not: the selector loop exists everywhere, the proactor loop on
 * Windows only.
 *
 * @param kind The loop kind.
 * @param platform The platform to ask about.
 * @returns `{ supported: true }`, or `supported: false` with `reason` and `source`.
 * @throws {TypeError} If `kind` is not a {@linkcode LoopKind}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loopAvailability, simulatePlatform } from "@asyncio/deno/platform";
 * const answer = loopAvailability("proactor", simulatePlatform("linux"));
 * assert(!answer.supported && answer.reason?.includes("Windows"));
 * ```
 */
export function loopAvailability(kind: LoopKind, platform: Platform): Support {
  checkLoopKind(kind);
  if (kind === "selector" || PROACTOR_AVAILABILITY.os.includes(platform.os)) {
    return { supported: true };
  }
  const { reason, source } = PROACTOR_AVAILABILITY;
  return { supported: false, reason, source };
}

/**
 * Whether a loop kind exists on a platform (see {@linkcode loopAvailability}).
 *
 * @param kind The loop kind.
 * @param platform The platform to ask about.
 * @returns `true` if a loop of that kind can be created there.
 * @throws {TypeError} If `kind` is not a {@linkcode LoopKind}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loopAvailable, simulatePlatform } from "@asyncio/deno/platform";
 * assert(loopAvailable("proactor", simulatePlatform("windows")));
 * assert(!loopAvailable("proactor", simulatePlatform("linux")));
 * ```
 */
export function loopAvailable(kind: LoopKind, platform: Platform): boolean {
  return loopAvailability(kind, platform).supported;
}

/**
 * Throws unless a loop kind exists on a platform; loop constructors call it.
 *
 * @param kind The loop kind.
 * @param platform The platform the loop would run on.
 * @throws {NotImplementedError} If it does not (`feature` is `"ProactorEventLoop"`).
 * @throws {TypeError} If `kind` is not a {@linkcode LoopKind}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NotImplementedError } from "@asyncio/deno";
 * import { checkLoopAvailable, simulatePlatform } from "@asyncio/deno/platform";
 * checkLoopAvailable("selector", simulatePlatform("linux"));
 * try {
 *   checkLoopAvailable("proactor", simulatePlatform("darwin"));
 *   throw new Error("unreachable");
 * } catch (err) {
 *   assert(err instanceof NotImplementedError && err.feature === "ProactorEventLoop");
 * }
 * ```
 */
export function checkLoopAvailable(kind: LoopKind, platform: Platform): void {
  const answer = loopAvailability(kind, platform);
  if (!answer.supported) {
    const reason = answer.reason ?? "not available";
    throw new NotImplementedError({
      feature: "ProactorEventLoop",
      os: platform.os,
      loop: kind,
      reason,
    });
  }
}

function checkLoopKind(kind: LoopKind): void {
  if (!LOOP_KINDS.includes(kind)) {
    throw new TypeError(`loop must be one of ${LOOP_KINDS.join(", ")}: got ${String(kind)}`);
  }
}

function checkQuery(feature: Feature, query: SupportQuery): void {
  if (!(FEATURES as readonly string[]).includes(feature)) {
    throw new TypeError(`Unknown feature: ${String(feature)}`);
  }
  checkLoopKind(query.loop);
  if (query.selector !== undefined && !SELECTOR_NAMES.includes(query.selector)) {
    throw new TypeError(`Unknown selector: ${String(query.selector)}`);
  }
}

function inRange(release: string, range: DarwinKernelRange): boolean {
  const major = darwinMajor(release);
  if (major === undefined) return false;
  return major >= (range.min ?? -Infinity) && major <= (range.max ?? Infinity);
}

/** How a row applies to a query: not at all, fully, or pending the object kind. */
function applies(row: MatrixRow, feature: Feature, q: SupportQuery): "no" | "yes" | "partial" {
  const { os, release } = q.platform;
  if (!row.features.includes(feature) || !row.loops.includes(q.loop) || !row.os.includes(os)) {
    return "no";
  }
  if (row.darwinKernel !== undefined && !inRange(release, row.darwinKernel)) return "no";
  if (row.selectors !== undefined) {
    const selector = q.selector === undefined || q.selector === "DefaultSelector"
      ? availableSelectors(q.platform)[0]
      : q.selector;
    if (q.loop !== "selector" || !row.selectors.includes(selector)) return "no";
  }
  if (row.kinds === undefined) return "yes";
  if (q.kind === undefined) return "partial";
  return row.kinds.includes(q.kind) ? "yes" : "no";
}

/**
 * Asks the matrix whether a feature works for a loop kind on a platform.
 *
 * A loop kind that does not exist on the platform supports nothing. Rows that
 * depend on the object kind answer `supported: true` with `partial` set when
 * `kind` is not given; pass `kind` for a definite answer. A `kind` of
 * `"characterDevice"` also consults the `characterDevices` rows.
 *
 * @param feature The camelCased asyncio method name (or SSL variant).
 * @param query The loop kind, the platform and optional details.
 * @returns The answer, with the reason and its source when not (fully) supported.
 * @throws {TypeError} If the feature, loop kind or selector is unknown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulatePlatform, supports } from "@asyncio/deno/platform";
 * const windows = simulatePlatform("windows");
 * assert(!supports("addSignalHandler", { loop: "selector", platform: windows }).supported);
 * const reader = supports("addReader", { loop: "selector", platform: windows });
 * assert(reader.supported && reader.partial === "sockets only");
 * const file = supports("addReader", { loop: "selector", platform: windows, kind: "file" });
 * assert(!file.supported);
 * ```
 */
export function supports(feature: Feature, query: SupportQuery): Support {
  checkQuery(feature, query);
  const { platform } = query;
  const availability = loopAvailability(query.loop, platform);
  if (!availability.supported) return availability;
  const features: Feature[] = [feature];
  if (query.kind === "characterDevice" && feature !== "characterDevices") {
    features.push("characterDevices");
  }
  let partial: MatrixRow | undefined;
  for (const f of features) {
    for (const row of matrixRows()) {
      const how = applies(row, f, query);
      if (how === "yes") return { supported: false, reason: row.reason, source: row.source };
      if (how === "partial") partial ??= row;
    }
  }
  if (partial === undefined) return { supported: true };
  return {
    supported: true,
    reason: partial.reason,
    source: partial.source,
    partial: partial.partial,
  };
}

/**
 * The single enforcement point: loops call it before any side effect.
 *
 * @param feature The camelCased asyncio method name (or SSL variant).
 * @param loop The loop kind asking.
 * @param platform The platform the loop runs on.
 * @param details The object kind and the selector, when rows depend on them.
 * @throws {NotImplementedError} If {@linkcode supports} answers `supported: false`;
 *   it carries `feature`, `os`, `loop` and `reason`.
 * @throws {TypeError} If the feature, loop kind or selector is unknown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NotImplementedError } from "@asyncio/deno";
 * import { checkSupported, simulatePlatform } from "@asyncio/deno/platform";
 * checkSupported("createUnixServer", "selector", simulatePlatform("linux"));
 * try {
 *   checkSupported("createUnixServer", "proactor", simulatePlatform("windows"));
 *   throw new Error("unreachable");
 * } catch (err) {
 *   if (!(err instanceof NotImplementedError)) throw err;
 *   assert(err.feature === "createUnixServer" && err.os === "windows");
 *   assert(err.loop === "proactor" && err.reason.length > 0);
 * }
 * ```
 */
export function checkSupported(
  feature: Feature,
  loop: LoopKind,
  platform: Platform,
  details: SupportDetails = {},
): void {
  const answer = supports(feature, { ...details, loop, platform });
  if (!answer.supported) {
    const reason = answer.reason ?? "not supported";
    throw new NotImplementedError({ feature, os: platform.os, loop, reason });
  }
}
