/**
 * `TestLoop`: an event loop on virtual time, for deterministic tests.
 *
 * @module
 */

import { BaseEventLoop } from "../core/base_event_loop.ts";
import { _getRunningLoop, _setRunningLoop, type Clock } from "../core/events.ts";
import { RuntimeError } from "../core/exceptions.ts";
import { checkSeconds } from "../core/checks.ts";
import { ioLoopOptions } from "../io.ts";
import type { SelectorEventLoopOptions } from "../selector_event_loop.ts";
import { currentPlatform, type Platform } from "../../platform/detect.ts";
import type { LoopKind } from "../../platform/matrix_rows.ts";
import { type ConcreteSelectorName, resolveSelector } from "../../platform/selectors.ts";

/**
 * A clock that only moves when told to.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { VirtualClock } from "@asyncio/deno/testing";
 * const clock = new VirtualClock(10);
 * clock.advance(5);
 * assert(clock.now() === 15);
 * ```
 */
export class VirtualClock implements Clock {
  #now: number;

  /**
   * Creates the clock.
   *
   * @param start The initial time in seconds.
   */
  constructor(start = 0) {
    checkSeconds(start, "start", true);
    this.#now = start;
  }

  /** The current virtual time in seconds. */
  now(): number {
    return this.#now;
  }

  /**
   * Moves the clock forward.
   *
   * @param seconds How far (non-negative).
   * @throws {RangeError} If negative or NaN.
   */
  advance(seconds: number): void {
    checkSeconds(seconds, "seconds");
    this.#now += seconds;
  }
}

/** Options for `TestLoop`. */
export interface TestLoopOptions extends Omit<SelectorEventLoopOptions, "clock"> {
  /** The initial virtual time (default 0). */
  start?: number;
  /**
   * Jump to the next timer whenever the loop would otherwise wait
   * (default true). With false, only `advance()` moves time.
   */
  autoAdvance?: boolean;
  /**
   * While host operations (I/O, wrapped promises) are pending, real seconds
   * to wait for them before jumping to the next timer anyway (default 1).
   */
  ioJumpAfter?: number;
}

/**
 * An event loop whose clock is virtual. When nothing is ready and no host
 * operation is pending, time jumps straight to the next timer, so an hour
 * of timers runs in milliseconds, in a deterministic order.
 * `advance(seconds)` moves time by hand. Real I/O works on it too: it is a
 * `BaseEventLoop` built with the I/O services of a `SelectorEventLoop`
 * (same matrix, same `selector`, `platform` and `supports()`).
 *
 * Pending host operations are those the loop knows of: promises awaited
 * through the loop (`wrapFuture`, yielded promises) and the loop's own I/O.
 * While one is pending the loop waits for it for up to `ioJumpAfter` real
 * seconds before jumping.
 *
 * @example An hour in an instant
 * ```ts
 * import assert from "node:assert/strict";
 * import { sleep } from "@asyncio/deno";
 * import { TestLoop } from "@asyncio/deno/testing";
 * const loop = new TestLoop();
 * let ticks = 0;
 * await loop.runUntilComplete(function* () {
 *   for (let i = 0; i < 3600; i++) {
 *     yield* sleep(1);
 *     ticks++;
 *   }
 * }());
 * assert(ticks === 3600 && loop.time() === 3600);
 * loop.close();
 * ```
 */
export class TestLoop extends BaseEventLoop {
  /** Always `"selector"`: the I/O is a selector loop's. */
  readonly kind: LoopKind = "selector";
  /** The platform whose limits the loop follows. */
  readonly platform: Platform;
  /** The selector whose matrix rows apply. */
  readonly selector: ConcreteSelectorName;
  /** The virtual clock. */
  readonly clock: VirtualClock;
  #autoAdvance: boolean;
  #ioJumpAfter: number;
  #ioIdleSince = -1;

  /**
   * Creates the loop.
   *
   * @param options Start time, auto-advance, I/O grace, debug; `platform`
   *   and `selector` as for `SelectorEventLoop`.
   * @throws {NotImplementedError} If the selector does not exist on the platform.
   */
  constructor(options: TestLoopOptions = {}) {
    if (options.start !== undefined) checkSeconds(options.start, "options.start", true);
    const clock = new VirtualClock(options.start ?? 0);
    const platform = options.platform ?? currentPlatform();
    const selector = resolveSelector(options.selector, platform);
    const base = { ...options, clock, clockResolution: options.clockResolution ?? 1e-9 };
    super(ioLoopOptions(base, "selector", platform, { selector }));
    this.platform = platform;
    this.selector = selector;
    this.clock = clock;
    this.#autoAdvance = options.autoAdvance ?? true;
    const jump = options.ioJumpAfter ?? 1;
    checkSeconds(jump, "options.ioJumpAfter");
    this.#ioJumpAfter = jump;
  }

  /**
   * Moves virtual time forward by `seconds`. If the loop is not running,
   * it then runs every callback that is ready or due, until none is left;
   * meanwhile the loop counts as running (`getRunningLoop()` returns it, so
   * tasks can step), and a `stop()` from a callback ends that early.
   *
   * @param seconds How far (non-negative).
   * @throws {TypeError} If `seconds` is not a number.
   * @throws {RangeError} If negative or NaN.
   * @throws {RuntimeError} If the loop is closed, or it is not running and
   *   another loop runs in this realm.
   *
   * @example Manual stepping
   * ```ts
   * import assert from "node:assert/strict";
   * import { TestLoop } from "@asyncio/deno/testing";
   * const loop = new TestLoop({ autoAdvance: false });
   * const fired: number[] = [];
   * loop.callLater(1, () => fired.push(1));
   * loop.callLater(5, () => fired.push(5));
   * loop.advance(2);
   * assert(fired.join() === "1");
   * loop.advance(3);
   * assert(fired.join() === "1,5");
   * loop.close();
   * ```
   */
  advance(seconds: number): void {
    if (this._closed) throw new RuntimeError("Event loop is closed");
    checkSeconds(seconds, "seconds");
    if (this._running) {
      this.clock.advance(seconds);
      this._wake();
      return;
    }
    if (_getRunningLoop() !== null) {
      throw new RuntimeError("Cannot run the event loop while another loop is running");
    }
    this.clock.advance(seconds);
    this._running = true;
    _setRunningLoop(this);
    try {
      do {
        this._runOnce();
        if (this._stopping) break;
      } while (this._ready.length > 0 || this._nextTimerDelay() < this._clockResolution);
    } finally {
      this._stopping = false;
      this._running = false;
      _setRunningLoop(null);
    }
  }

  /** @ignore */
  override _runOnce(): number {
    const n = super._runOnce();
    if (n > 0) this.#ioIdleSince = -1;
    return n;
  }

  /** @ignore */
  override _idle(delay: number): number {
    if (!this.#autoAdvance || delay === Infinity) return Infinity;
    if (this._pendingIo > 0 || this._ioStarts.length > 0) {
      const now = performance.now();
      if (this.#ioIdleSince < 0) this.#ioIdleSince = now;
      const left = this.#ioJumpAfter - (now - this.#ioIdleSince) / 1000;
      if (left > 0) return left;
    }
    this.#ioIdleSince = -1;
    this.clock.advance(delay);
    return -1;
  }
}
