// A writing transport's side of flow control (asyncio's _FlowControlMixin):
// the water marks, and `pauseWriting()` / `resumeWriting()` on the protocol
// when the transport's write buffer crosses them. One instance per stream,
// pipe or datagram transport; the transport says when its buffer grew
// (`maybePause`) or shrank (`maybeResume`).

import type { AbstractEventLoop } from "../../core/events.ts";
import type { BaseProtocol } from "../../core/protocols.ts";
import { describe } from "../../core/checks.ts";

/** Default high water mark of the write buffer (asyncio's 64 KiB). */
export const DEFAULT_HIGH_WATER = 64 * 1024;

/**
 * Resolves `setWriteBufferLimits(high, low)` as asyncio does: high defaults
 * to 64 KiB (or 4 × low), low to high / 4; returns `[high, low]`. A value
 * that is not a number is a TypeError (as in asyncio); marks out of order,
 * negative or NaN a RangeError (asyncio's ValueError).
 */
export function waterMarks(high?: number, low?: number): [high: number, low: number] {
  for (const [name, value] of [["high", high], ["low", low]] as const) {
    if (value !== undefined && value !== null && typeof value !== "number") {
      throw new TypeError(`${name} must be a number: got ${describe(value)}`);
    }
  }
  const h = high ?? (low === undefined ? DEFAULT_HIGH_WATER : 4 * low);
  const l = low ?? Math.floor(h / 4);
  if (!(typeof h === "number" && typeof l === "number" && h >= l && l >= 0)) {
    throw new RangeError(`high (${high}) must be >= low (${low}) must be >= 0`);
  }
  return [h, l];
}

/** What the flow control needs from its transport. */
interface FlowTransport {
  _loop: AbstractEventLoop;
  getWriteBufferSize(): number;
  getProtocol(): BaseProtocol;
}

/** The water marks of one transport and whether its protocol is paused. */
export class WriteFlow {
  #transport: FlowTransport;
  #high = DEFAULT_HIGH_WATER;
  #low = DEFAULT_HIGH_WATER / 4;
  #paused = false;

  constructor(transport: FlowTransport) {
    this.#transport = transport;
  }

  /** `setWriteBufferLimits()`: validates, then pauses or resumes as needed. */
  setLimits(high?: number, low?: number): void {
    [this.#high, this.#low] = waterMarks(high, low);
    this.maybePause();
    this.maybeResume();
  }

  /** `getWriteBufferLimits()`: `[low, high]`. */
  limits(): [low: number, high: number] {
    return [this.#low, this.#high];
  }

  /** After the buffer grew: `pauseWriting()` once it is over the high mark. */
  maybePause(): void {
    if (this.#paused || this.#transport.getWriteBufferSize() <= this.#high) return;
    this.#paused = true;
    this.#call("pauseWriting");
  }

  /**
   * After the buffer shrank: `resumeWriting()`, as a loop callback, once it
   * is down to the low mark.
   */
  maybeResume(): void {
    if (!this.#paused || this.#transport.getWriteBufferSize() > this.#low) return;
    this.#paused = false;
    const loop = this.#transport._loop;
    if (!loop.isClosed()) loop.callSoon(() => this.#call("resumeWriting"));
  }

  #call(name: "pauseWriting" | "resumeWriting"): void {
    const transport = this.#transport;
    const protocol = transport.getProtocol();
    try {
      protocol[name]();
    } catch (exception) {
      transport._loop.callExceptionHandler({
        message: `protocol.${name}() failed`,
        exception,
        transport,
        protocol,
      });
    }
  }
}
