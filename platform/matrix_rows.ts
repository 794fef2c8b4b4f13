/**
 * The data of the platform support matrix: the feature names, the loop kinds
 * and the rows that say where a feature is not supported, and why.
 *
 * The rows restate the "Platform support" section of the asyncio event loop
 * documentation (Python 3.4 era) in our own words; each names the statement
 * it comes from. Query them through `platform/matrix.ts`.
 *
 * @module
 */

import { OS_NAMES, type OsName } from "./detect.ts";
import type { ConcreteSelectorName } from "./selectors.ts";

/**
 * The two loop implementations: `SelectorEventLoop` and `ProactorEventLoop`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type LoopKind, simulatePlatform, supports } from "@asyncio/deno/platform";
 * const loop: LoopKind = "proactor";
 * const platform = simulatePlatform("windows");
 * assert(!supports("createDatagramEndpoint", { loop, platform }).supported);
 * ```
 */
export type LoopKind = "selector" | "proactor";

/**
 * Both loop kinds, selector first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LOOP_KINDS } from "@asyncio/deno/platform";
 * assert(LOOP_KINDS.join() === "selector,proactor");
 * ```
 */
export const LOOP_KINDS: readonly LoopKind[] = Object.freeze(["selector", "proactor"]);

/**
 * Every feature the matrix knows: loop (and policy) methods by their
 * camelCased asyncio names, SSL variants as separate features, and
 * `characterDevices` (watching a character device such as a PTY).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FEATURES } from "@asyncio/deno/platform";
 * assert(FEATURES.includes("createUnixServer") && FEATURES.includes("createServer(ssl)"));
 * ```
 */
export const FEATURES: readonly Feature[] = Object.freeze([
  "createConnection",
  "createConnection(ssl)",
  "createServer",
  "createServer(ssl)",
  "startTls",
  "createUnixConnection",
  "createUnixServer",
  "createDatagramEndpoint",
  "addReader",
  "addWriter",
  "removeReader",
  "removeWriter",
  "sockRecv",
  "sockSendall",
  "sockConnect",
  "sockAccept",
  "connectReadPipe",
  "connectWritePipe",
  "characterDevices",
  "subprocessExec",
  "subprocessShell",
  "addSignalHandler",
  "removeSignalHandler",
  "setChildWatcher",
  "getChildWatcher",
  "runInExecutor",
  "getaddrinfo",
  "getnameinfo",
]);

/**
 * A feature name from {@linkcode FEATURES}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Feature, simulatePlatform, supports } from "@asyncio/deno/platform";
 * const feature: Feature = "createServer(ssl)";
 * const platform = simulatePlatform("linux");
 * assert(supports(feature, { loop: "selector", platform }).supported);
 * ```
 */
export type Feature =
  | "createConnection"
  | "createConnection(ssl)"
  | "createServer"
  | "createServer(ssl)"
  | "startTls"
  | "createUnixConnection"
  | "createUnixServer"
  | "createDatagramEndpoint"
  | "addReader"
  | "addWriter"
  | "removeReader"
  | "removeWriter"
  | "sockRecv"
  | "sockSendall"
  | "sockConnect"
  | "sockAccept"
  | "connectReadPipe"
  | "connectWritePipe"
  | "characterDevices"
  | "subprocessExec"
  | "subprocessShell"
  | "addSignalHandler"
  | "removeSignalHandler"
  | "setChildWatcher"
  | "getChildWatcher"
  | "runInExecutor"
  | "getaddrinfo"
  | "getnameinfo";

/**
 * What a call watches or wraps, for rows that depend on it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type ObjectKind, simulatePlatform, supports } from "@asyncio/deno/platform";
 * const kind: ObjectKind = "socket";
 * const platform = simulatePlatform("windows");
 * assert(supports("addReader", { loop: "selector", platform, kind }).supported);
 * ```
 */
export type ObjectKind = "socket" | "file" | "pipe" | "characterDevice";

/**
 * An inclusive range of Darwin kernel major numbers (`10`–`12` is macOS 10.6–10.8).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matrixRows } from "@asyncio/deno/platform";
 * const ranges = matrixRows().flatMap((row) => row.darwinKernel ? [row.darwinKernel] : []);
 * assert(ranges.some((r) => r.min === 10 && r.max === 12));
 * ```
 */
export interface DarwinKernelRange {
  /** The lowest major number the row applies to. */
  readonly min?: number;
  /** The highest major number the row applies to. */
  readonly max?: number;
}

/**
 * One rule of the matrix: where the listed features are not supported.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type MatrixRow, matrixRows } from "@asyncio/deno/platform";
 * const windowsOnly: MatrixRow[] = matrixRows().filter((row) => row.os.join() === "windows");
 * assert(windowsOnly.every((row) => row.reason !== "" && row.source !== ""));
 * ```
 */
export interface MatrixRow {
  /** The features the rule covers. */
  readonly features: readonly Feature[];
  /** The loop kinds it applies to. */
  readonly loops: readonly LoopKind[];
  /** The operating systems it applies to. */
  readonly os: readonly OsName[];
  /** On Darwin, only these kernel releases (an unknown release matches no range). */
  readonly darwinKernel?: DarwinKernelRange;
  /** For the selector loop, only when it uses one of these selectors. */
  readonly selectors?: readonly ConcreteSelectorName[];
  /** Only for these object kinds; other kinds stay supported (see `partial`). */
  readonly kinds?: readonly ObjectKind[];
  /** Always `false`: rows list what is missing; everything else is supported. */
  readonly supported: false;
  /** For a `kinds` row: what still works, e.g. `"sockets only"`. */
  readonly partial?: string;
  /** Why, in words. */
  readonly reason: string;
  /** The documentation statement the rule comes from. */
  readonly source: string;
  /** Anything else worth knowing about the rule. */
  readonly note?: string;
}

const ALL_LOOPS = LOOP_KINDS;
const SELECTOR: readonly LoopKind[] = ["selector"];
const PROACTOR: readonly LoopKind[] = ["proactor"];
const WINDOWS: readonly OsName[] = ["windows"];
const DARWIN: readonly OsName[] = ["darwin"];
const DOCS = "asyncio docs, Platform support";
const MACOS_NOTE = "Deno itself needs a far newer macOS, so only a simulated platform reaches " +
  "this row";

const ROWS: readonly MatrixRow[] = deepFreeze<MatrixRow[]>([
  {
    features: ["createUnixConnection", "createUnixServer"],
    loops: ALL_LOOPS,
    os: WINDOWS,
    supported: false,
    reason: "AF_UNIX sockets belong to Unix; Windows loops have no Unix domain sockets",
    source: `${DOCS} › Windows › common limits`,
  },
  {
    features: ["addSignalHandler", "removeSignalHandler"],
    loops: ALL_LOOPS,
    os: WINDOWS,
    supported: false,
    reason: "Windows has no POSIX signals to install handlers for",
    source: `${DOCS} › Windows › common limits`,
  },
  {
    features: ["setChildWatcher", "getChildWatcher"],
    loops: ALL_LOOPS,
    os: WINDOWS,
    supported: false,
    reason: "child watchers are a Unix policy concept; on Windows the proactor loop watches " +
      "its subprocesses itself and there is nothing to configure",
    source: `${DOCS} › Windows › common limits (set_child_watcher; getChildWatcher follows)`,
  },
  {
    features: ["addReader", "addWriter"],
    loops: SELECTOR,
    os: WINDOWS,
    kinds: ["file", "pipe", "characterDevice"],
    supported: false,
    partial: "sockets only",
    reason: "on Windows select() watches sockets only, not files, pipes or devices",
    source: `${DOCS} › Windows › SelectorEventLoop specific limits`,
  },
  {
    features: ["connectReadPipe", "connectWritePipe"],
    loops: SELECTOR,
    os: WINDOWS,
    supported: false,
    reason: "on Windows select() cannot watch pipes; use the proactor loop",
    source: `${DOCS} › Windows › SelectorEventLoop specific limits`,
  },
  {
    features: ["subprocessExec", "subprocessShell"],
    loops: SELECTOR,
    os: WINDOWS,
    supported: false,
    reason: "subprocesses talk through pipes, which select() cannot watch on Windows; use the " +
      "proactor loop",
    source: `${DOCS} › Windows › SelectorEventLoop specific limits`,
  },
  {
    features: ["characterDevices"],
    loops: SELECTOR,
    os: WINDOWS,
    supported: false,
    reason: "on Windows select() watches sockets only, so no character devices either",
    source: "asyncio docs, Available event loops › SelectorEventLoop (Windows: sockets only)",
  },
  {
    features: ["createConnection(ssl)", "createServer(ssl)", "startTls"],
    loops: PROACTOR,
    os: OS_NAMES,
    supported: false,
    reason: "the proactor loop has no TLS layer; use the selector loop for SSL",
    source: `${DOCS} › Windows › ProactorEventLoop specific limits (SSL; startTls follows)`,
  },
  {
    features: ["createDatagramEndpoint"],
    loops: PROACTOR,
    os: OS_NAMES,
    supported: false,
    reason: "the proactor loop has no UDP transport",
    source: `${DOCS} › Windows › ProactorEventLoop specific limits`,
  },
  {
    features: ["addReader", "addWriter", "removeReader", "removeWriter"],
    loops: PROACTOR,
    os: OS_NAMES,
    supported: false,
    reason: "a proactor completes operations instead of reporting readiness, so there is no " +
      "file descriptor to watch",
    source: `${DOCS} › Windows › ProactorEventLoop specific limits`,
  },
  {
    features: ["characterDevices"],
    loops: ALL_LOOPS,
    os: DARWIN,
    darwinKernel: { max: 9 },
    supported: false,
    reason: "Mac OS X 10.5 and older cannot watch character devices such as PTYs at all " +
      "(this covers connectReadPipe, connectWritePipe, addReader and addWriter on one)",
    source: `${DOCS} › Mac OS X`,
    note: MACOS_NOTE,
  },
  {
    features: ["characterDevices"],
    loops: SELECTOR,
    os: DARWIN,
    darwinKernel: { min: 10, max: 12 },
    selectors: ["KqueueSelector"],
    supported: false,
    reason: "on OS X 10.6–10.8 kqueue cannot watch character devices such as PTYs; create " +
      'the loop with selector "SelectSelector" or "PollSelector" instead',
    source: `${DOCS} › Mac OS X`,
    note: MACOS_NOTE,
  },
]);

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/**
 * The rules of the matrix, in order. Each row lists features that are not
 * supported for some loops on some OSes; a cell no row covers is supported.
 *
 * @returns The frozen rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matrixRows } from "@asyncio/deno/platform";
 * const row = matrixRows().find((r) => r.features.includes("createUnixServer"));
 * assert(row?.os.includes("windows") && row.supported === false);
 * ```
 */
export function matrixRows(): readonly MatrixRow[] {
  return ROWS;
}
