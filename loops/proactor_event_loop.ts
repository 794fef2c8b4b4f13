/**
 * `ProactorEventLoop`: the completion-based loop of Windows.
 *
 * @module
 */

import { BaseEventLoop } from "./core/base_event_loop.ts";
import { type IoLoopOptions, ioLoopOptions } from "./io.ts";
import { currentPlatform, type Platform } from "../platform/detect.ts";
import { checkLoopAvailable } from "../platform/matrix.ts";
import type { LoopKind } from "../platform/matrix_rows.ts";

/**
 * asyncio's event loop for Windows, built on I/O completion ports.
 * Availability: Windows. It has no SSL, no UDP and no
 * `addReader`/`addWriter` (the platform matrix enforces it). On another OS
 * the constructor throws `NotImplementedError`, unless a Windows platform is
 * injected (`simulatePlatform("windows")`), which is how its limits can be
 * exercised anywhere.
 *
 * It is a `BaseEventLoop` (the scheduler) built with the I/O services of
 * its kind (`loops/io.ts`): Deno performs the I/O the same way as for
 * `SelectorEventLoop`, and the two differ in what the matrix allows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProactorEventLoop } from "@asyncio/deno";
 * import { simulatePlatform } from "@asyncio/deno/platform";
 * const loop = new ProactorEventLoop({ platform: simulatePlatform("windows") });
 * assert(!loop.supports("createDatagramEndpoint"));
 * assert(loop.clockResolution === 0.0156); // Windows' usual timer resolution
 * loop.close();
 * ```
 */
export class ProactorEventLoop extends BaseEventLoop {
  /** Always `"proactor"`. */
  readonly kind: LoopKind = "proactor";
  /** The platform whose limits the loop follows. */
  readonly platform: Platform;

  /**
   * Creates the loop.
   *
   * @param options `platform` (must be Windows), `clock`, `clockResolution`, `debug`.
   * @throws {NotImplementedError} If the platform is not Windows.
   */
  constructor(options: IoLoopOptions = {}) {
    const platform = options.platform ?? currentPlatform();
    checkLoopAvailable("proactor", platform);
    super(ioLoopOptions(options, "proactor", platform));
    this.platform = platform;
  }
}
