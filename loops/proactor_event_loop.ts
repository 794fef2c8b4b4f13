/**
 * `ProactorEventLoop`: the completion-based loop of Windows.
 *
 * @module
 */

import { IoEventLoop, type IoLoopOptions } from "./io_event_loop.ts";
import { currentPlatform } from "../platform/detect.ts";
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
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProactorEventLoop, simulatePlatform } from "@asyncio/deno";
 * const loop = new ProactorEventLoop({ platform: simulatePlatform("windows") });
 * assert(!loop.supports("createDatagramEndpoint"));
 * assert(loop.clockResolution === 0.0156); // Windows' usual timer resolution
 * loop.close();
 * ```
 */
export class ProactorEventLoop extends IoEventLoop {
  /** Always `"proactor"`. */
  readonly kind: LoopKind = "proactor";

  /**
   * Creates the loop.
   *
   * @param options `platform` (must be Windows), `clock`, `clockResolution`, `debug`.
   * @throws {NotImplementedError} If the platform is not Windows.
   */
  constructor(options: IoLoopOptions = {}) {
    checkLoopAvailable("proactor", options.platform ?? currentPlatform());
    super(options);
  }
}
