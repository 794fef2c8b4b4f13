/**
 * `SelectorEventLoop`: the default loop on every platform.
 *
 * @module
 */

import { BaseEventLoop } from "./core/base_event_loop.ts";
import { type IoLoopOptions, ioLoopOptions } from "./io.ts";
import { currentPlatform, type Platform } from "../platform/detect.ts";
import type { LoopKind } from "../platform/matrix_rows.ts";
import {
  type ConcreteSelectorName,
  resolveSelector,
  type SelectorName,
} from "../platform/selectors.ts";

/** Options of `SelectorEventLoop`. */
export interface SelectorEventLoopOptions extends IoLoopOptions {
  /**
   * The selector, by the name of Python's `selectors` class (default
   * `"DefaultSelector"`: the best one the platform has). It must exist on
   * the platform; it decides the rows of the matrix that depend on it (on
   * macOS 10.6–10.8, `KqueueSelector` cannot watch character devices).
   */
  selector?: SelectorName;
}

/**
 * The event loop asyncio uses by default everywhere: readiness-based I/O as
 * Python's `selectors` module provides it. Deno does the actual I/O; the
 * selector choice follows Python's availability rules (epoll on Linux,
 * kqueue on macOS and the BSDs, poll on Unix, select everywhere; on Windows
 * select only, for sockets only) and the platform matrix applies.
 *
 * It is a `BaseEventLoop` (the scheduler) built with the I/O services of
 * its kind (`loops/io.ts`); every I/O method is declared and documented on
 * `AbstractEventLoop`.
 *
 * @example The default selector, and an explicit one
 * ```ts
 * import assert from "node:assert/strict";
 * import { SelectorEventLoop } from "@asyncio/deno";
 * const loop = new SelectorEventLoop();
 * const poll = new SelectorEventLoop("PollSelector");
 * assert(poll.selector === "PollSelector" && loop.kind === "selector");
 * poll.close();
 * loop.close();
 * ```
 *
 * @example Windows' limits, simulated
 * ```ts
 * import assert from "node:assert/strict";
 * import { NotImplementedError, SelectorEventLoop } from "@asyncio/deno";
 * import { simulatePlatform } from "@asyncio/deno/platform";
 * const loop = new SelectorEventLoop({ platform: simulatePlatform("windows") });
 * assert(loop.selector === "SelectSelector" && !loop.supports("subprocessExec"));
 * try {
 *   loop.createUnixServer(() => ({}) as never, "/tmp/x.sock");
 * } catch (e) {
 *   assert(e instanceof NotImplementedError && e.os === "windows");
 * }
 * loop.close();
 * ```
 */
export class SelectorEventLoop extends BaseEventLoop {
  /** Always `"selector"`. */
  readonly kind: LoopKind = "selector";
  /** The platform whose limits the loop follows. */
  readonly platform: Platform;
  /** The selector in use (never `"DefaultSelector"`: the one it stands for). */
  readonly selector: ConcreteSelectorName;

  /**
   * Creates the loop.
   *
   * @param options A selector name, or options (`selector`, `platform`,
   *   `clock`, `clockResolution`, `debug`).
   * @throws {NotImplementedError} If the selector does not exist on the platform.
   */
  constructor(options: SelectorEventLoopOptions | SelectorName = {}) {
    const opts = typeof options === "string" ? { selector: options } : options;
    const platform = opts.platform ?? currentPlatform();
    const selector = resolveSelector(opts.selector, platform);
    super(ioLoopOptions(opts, "selector", platform, { selector }));
    this.platform = platform;
    this.selector = selector;
  }
}
