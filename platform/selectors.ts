/**
 * Which I/O selectors (Python's `selectors` classes) exist on which OS, and
 * which one `DefaultSelector` stands for.
 *
 * `SelectorEventLoop` takes an optional selector name; it resolves it here
 * before doing anything else.
 *
 * @module
 */

import { NotImplementedError } from "../loops/core/exceptions.ts";
import { OS_NAMES, type OsName, type Platform } from "./detect.ts";

/**
 * A selector class that names one system call.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type ConcreteSelectorName, resolveSelector, simulatePlatform } from "@asyncio/deno/platform";
 * const name: ConcreteSelectorName = resolveSelector(undefined, simulatePlatform("freebsd"));
 * assert(name === "KqueueSelector");
 * ```
 */
export type ConcreteSelectorName =
  | "SelectSelector"
  | "PollSelector"
  | "EpollSelector"
  | "KqueueSelector"
  | "DevpollSelector";

/**
 * A selector class name, as in Python's `selectors` module.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type SelectorName, selectorAvailable, simulatePlatform } from "@asyncio/deno/platform";
 * const name: SelectorName = "DevpollSelector";
 * assert(selectorAvailable(name, simulatePlatform("illumos")));
 * ```
 */
export type SelectorName = "DefaultSelector" | ConcreteSelectorName;

/** Where one selector exists, and why it does not exist elsewhere. */
interface SelectorRule {
  readonly name: ConcreteSelectorName;
  readonly os: readonly OsName[];
  readonly reason: string;
}

const UNIX: readonly OsName[] = OS_NAMES.filter((os) => os !== "windows");

/** Most efficient first: `DefaultSelector` is the first available one. */
const SELECTOR_RULES: readonly SelectorRule[] = freezeRules([
  { name: "EpollSelector", os: ["linux", "android"], reason: "epoll is a Linux system call" },
  {
    name: "KqueueSelector",
    os: ["darwin", "freebsd", "netbsd"],
    reason: "kqueue exists only on macOS and the BSDs",
  },
  {
    name: "DevpollSelector",
    os: ["solaris", "illumos"],
    reason: "/dev/poll exists only on Solaris and illumos",
  },
  {
    name: "PollSelector",
    os: UNIX,
    reason: "poll() is a Unix call; Windows only has select(), and for sockets only",
  },
  { name: "SelectSelector", os: OS_NAMES, reason: "select() exists everywhere" },
]);

function freezeRules(rules: readonly SelectorRule[]): readonly SelectorRule[] {
  return Object.freeze(
    rules.map((rule) => Object.freeze({ ...rule, os: Object.freeze([...rule.os]) })),
  );
}

/**
 * Every selector name, `DefaultSelector` first, then most efficient first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SELECTOR_NAMES } from "@asyncio/deno/platform";
 * assert(SELECTOR_NAMES[0] === "DefaultSelector" && SELECTOR_NAMES.length === 6);
 * ```
 */
export const SELECTOR_NAMES: readonly SelectorName[] = Object.freeze([
  "DefaultSelector",
  ...SELECTOR_RULES.map((rule) => rule.name),
]);

function ruleOf(name: SelectorName): SelectorRule | undefined {
  if (!SELECTOR_NAMES.includes(name)) {
    throw new TypeError(`selector must be one of ${SELECTOR_NAMES.join(", ")}: got ${name}`);
  }
  return SELECTOR_RULES.find((rule) => rule.name === name);
}

/**
 * The concrete selectors available on a platform, most efficient first.
 *
 * @param platform The platform to ask about.
 * @returns The available selector names; never empty (`SelectSelector` is last).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { availableSelectors, simulatePlatform } from "@asyncio/deno/platform";
 * const names = availableSelectors(simulatePlatform("darwin"));
 * assert(names.join() === "KqueueSelector,PollSelector,SelectSelector");
 * ```
 */
export function availableSelectors(platform: Platform): ConcreteSelectorName[] {
  return SELECTOR_RULES.filter((rule) => rule.os.includes(platform.os)).map((rule) => rule.name);
}

/**
 * Whether a selector exists on a platform. `DefaultSelector` always does.
 *
 * Select everywhere; poll on every Unix; epoll on Linux and Android; kqueue
 * on macOS, FreeBSD and NetBSD; /dev/poll on Solaris and illumos. On Windows
 * only `SelectSelector` exists, and it only watches sockets.
 *
 * @param name The selector class name.
 * @param platform The platform to ask about.
 * @returns `true` if the selector can be used on `platform`.
 * @throws {TypeError} If `name` is not a {@linkcode SelectorName}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { selectorAvailable, simulatePlatform } from "@asyncio/deno/platform";
 * const linux = simulatePlatform("linux");
 * assert(selectorAvailable("EpollSelector", linux));
 * assert(!selectorAvailable("KqueueSelector", linux));
 * assert(!selectorAvailable("PollSelector", simulatePlatform("windows")));
 * ```
 */
export function selectorAvailable(name: SelectorName, platform: Platform): boolean {
  const rule = ruleOf(name);
  return rule === undefined || rule.os.includes(platform.os);
}

/**
 * Resolves a selector name to the concrete selector a loop will use:
 * `DefaultSelector` (or no name) is the most efficient available one, in the
 * order epoll, kqueue, /dev/poll, poll, select.
 *
 * @param name The requested selector, or `undefined` for the default.
 * @param platform The platform the loop runs on.
 * @returns The concrete selector name.
 * @throws {NotImplementedError} If the selector does not exist on `platform`
 *   (`feature` is the selector name, `loop` is `"selector"`).
 * @throws {TypeError} If `name` is not a {@linkcode SelectorName}.
 *
 * @example Defaults per OS, and an unavailable selector
 * ```ts
 * import assert from "node:assert/strict";
 * import { NotImplementedError } from "@asyncio/deno";
 * import { resolveSelector, simulatePlatform } from "@asyncio/deno/platform";
 * assert(resolveSelector(undefined, simulatePlatform("linux")) === "EpollSelector");
 * const windows = simulatePlatform("windows");
 * assert(resolveSelector("DefaultSelector", windows) === "SelectSelector");
 * try {
 *   resolveSelector("EpollSelector", simulatePlatform("darwin"));
 *   throw new Error("unreachable");
 * } catch (err) {
 *   assert(err instanceof NotImplementedError && err.feature === "EpollSelector");
 * }
 * ```
 */
export function resolveSelector(
  name: SelectorName | undefined,
  platform: Platform,
): ConcreteSelectorName {
  const rule = ruleOf(name ?? "DefaultSelector");
  if (rule === undefined) return availableSelectors(platform)[0];
  if (!rule.os.includes(platform.os)) {
    throw new NotImplementedError({
      feature: rule.name,
      os: platform.os,
      loop: "selector",
      reason: `${rule.reason}; available here: ${availableSelectors(platform).join(", ")}`,
    });
  }
  return rule.name;
}
