// What every transport of this library shares, in one place: asyncio's
// `_SelectorTransport` (the loop, the protocol, closing, the one
// `connectionLost`) as `TransportBase`, and its `_FlowControlMixin` (the
// write buffer's water marks) as `FlowControlTransport` for the transports
// that write. The concrete transports extend one of them and implement
// their asyncio interface class (`Transport`, `DatagramTransport`, ...; see
// `BaseTransport._implements`).
//
// The two ends of a transport's life are here too: asyncio's waiter (a new
// transport schedules `connectionMade` and its first read as loop
// callbacks; the coroutine that made it waits for that), and the final
// `connectionLost`, a loop callback too, or at once if the loop is closed.

import type { BaseEventLoop } from "../../core/base_event_loop.ts";
import type { AbstractEventLoop, Coroutine } from "../../core/events.ts";
import type { BaseProtocol } from "../../core/protocols.ts";
import { BaseTransport, type ExtraInfo } from "../../core/transports.ts";
import { describe } from "../../core/checks.ts";

/** Default high water mark of the write buffer (asyncio's 64 KiB). */
export const DEFAULT_HIGH_WATER = 64 * 1024;
/** Warn about writes to a lost connection after this many (asyncio's threshold). */
const LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;

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

/** What `startTransport` needs: start, and close on failure. */
export interface Startable {
  _start(onReady: () => void): void;
  close(): void;
}

/**
 * Starts `transport` and waits until its `connectionMade` ran. If the wait
 * is cancelled, the transport is closed (then `onCancel` runs, e.g. to reap
 * a child) and the cancellation propagates.
 */
export function* startTransport(
  loop: AbstractEventLoop,
  transport: Startable,
  onCancel?: () => Iterable<unknown, unknown>,
): Coroutine<void> {
  const waiter = loop.createFuture<void>();
  transport._start(() => {
    if (!waiter.done()) waiter.setResult(undefined);
  });
  try {
    yield* waiter;
  } catch (e) {
    transport.close();
    if (onCancel !== undefined) yield* onCancel();
    throw e;
  }
}

/**
 * Runs `fn` as a loop callback, or at once if the loop is closed: a
 * transport still ends (and releases its resources) after its loop closed.
 */
export function soonOrNow(loop: AbstractEventLoop, fn: () => void): void {
  if (loop.isClosed()) fn();
  else loop.callSoon(fn);
}

/**
 * The implementation every transport of this library extends (asyncio's
 * `_SelectorTransport`): its loop and protocol, `getExtraInfo` from the
 * extra info it was made with, `isClosing`, `toString`, reporting what a
 * protocol callback throws, and the end of its life: `connectionLost`
 * called exactly once, as a loop callback, then the resources released.
 *
 * Life cycle, with the hooks a transport overrides:
 * 1. `_start(onReady)`: `connectionMade` then `_startReading()`, as loop
 *    callbacks, then `onReady`; skipped if the transport closed meanwhile.
 * 2. Closing: `close()` and `_forceClose(exc)` are the transport's own; they
 *    set `_closing` and, once nothing is in flight, call
 *    `_scheduleConnectionLost(exc)`.
 * 3. `_callConnectionLost(exc)`: `protocol.connectionLost(exc)` (what it
 *    throws is reported), then `_onLost`, then `_closed` is set and
 *    `_release()` frees what the transport holds.
 *
 * @typeParam E The map of the `getExtraInfo` keys the transport serves.
 * @ignore
 */
export abstract class TransportBase<E extends ExtraInfo = ExtraInfo> extends BaseTransport<E> {
  /** @ignore */ _loop: BaseEventLoop;
  /** @ignore */ _protocol: BaseProtocol;
  /** @ignore `close()` was called or the transport failed. */
  _closing = false;
  /** @ignore `connectionLost` has run. */
  _closed = false;
  /** @ignore `connectionLost` is scheduled (or will never be called). */
  _lostScheduled = false;
  /**
   * asyncio's `_conn_lost`: non-zero once the transport can no longer
   * write; counts the writes dropped since.
   *
   * @ignore
   */
  _connLost = 0;
  /** @ignore Called right after `protocol.connectionLost(exc)` (the subprocess transport's pipes). */
  _onLost: ((exc: Error | null) => void) | undefined = undefined;

  /** @ignore */
  constructor(loop: BaseEventLoop, protocol: BaseProtocol, extra: ExtraInfo) {
    super();
    this._loop = loop;
    this._protocol = protocol;
    this._extra = extra;
  }

  /**
   * Replaces the protocol; the transport calls it from now on.
   *
   * @param protocol The protocol.
   */
  override setProtocol(protocol: BaseProtocol): void {
    this._protocol = protocol;
  }

  /**
   * The current protocol.
   *
   * @returns The protocol.
   */
  override getProtocol(): BaseProtocol {
    return this._protocol;
  }

  /**
   * Whether the transport is closing or closed.
   *
   * @returns Whether it is closing.
   */
  override isClosing(): boolean {
    return this._closing;
  }

  /**
   * A description such as `<ReadPipeTransport open>`.
   *
   * @returns The description.
   */
  override toString(): string {
    return `<${[this.constructor.name, ...this._describe()].join(" ")}>`;
  }

  /** @ignore The words of `toString()` after the class name. */
  _describe(): string[] {
    return [this._state()];
  }

  /** @ignore `"open"`, `"closing"` or `"closed"` (once `connectionLost` has run). */
  _state(): string {
    return this._closed ? "closed" : this._closing ? "closing" : "open";
  }

  // ---- starting -------------------------------------------------------------

  /**
   * Schedules `connectionMade` (unless told not to), then the start of
   * reading, then `onReady`: in that order, as loop callbacks. As in
   * asyncio, an exception from `connectionMade` is reported and the
   * transport goes on.
   *
   * @ignore
   */
  _start(onReady?: () => void, connectionMade = true): void {
    this._loop.callSoon(() => {
      if (this._closing) return;
      if (connectionMade) {
        this._callProtocol("connectionMade", () => this._protocol.connectionMade(this));
      }
      this._startReading();
    });
    if (onReady !== undefined) this._loop.callSoon(onReady);
  }

  /** @ignore Starts receiving, once `connectionMade` ran; a write-only transport does nothing. */
  _startReading(): void {}

  // ---- reporting ------------------------------------------------------------

  /** @ignore Reports `exception` to the loop's exception handler, with asyncio's context keys. */
  _report(message: string, exception: unknown): void {
    this._loop.callExceptionHandler({
      message,
      exception,
      transport: this,
      protocol: this._protocol,
    });
  }

  /**
   * Calls the protocol; what it throws is reported (`Exception in
   * protocol.<name>()`) and the transport goes on.
   *
   * @ignore
   */
  _callProtocol(name: string, call: () => void): void {
    try {
      call();
    } catch (exception) {
      this._report(`Exception in protocol.${name}()`, exception);
    }
  }

  /**
   * Reports an error to the exception handler (unless `_quiet(exc)`), then
   * closes at once with it.
   *
   * @ignore
   */
  _fatalError(exc: unknown, message: string): void {
    const error = exc instanceof Error ? exc : new Error(String(exc));
    if (!this._quiet(error)) this._report(message, exc);
    this._forceClose(error);
  }

  /** @ignore Whether a fatal error goes to `connectionLost` only, unreported. */
  _quiet(_exc: Error): boolean {
    return false;
  }

  /** @ignore Closes at once: buffered data is dropped, `connectionLost(exc)` follows. */
  abstract _forceClose(exc: Error | null): void;

  /**
   * Counts a write made after the transport could no longer write, and
   * warns as asyncio does once there were several.
   *
   * @ignore
   */
  _dropWrite(warning: string): void {
    if (this._connLost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) console.warn(warning);
    this._connLost++;
  }

  // ---- the end --------------------------------------------------------------

  /**
   * Schedules `connectionLost(exc)` as a loop callback (at once if the loop
   * is closed); later calls do nothing.
   *
   * @ignore
   */
  _scheduleConnectionLost(exc: Error | null): void {
    if (this._lostScheduled) return;
    this._lostScheduled = true;
    if (this._connLost === 0) this._connLost = 1; // later writes are dropped
    soonOrNow(this._loop, () => this._callConnectionLost(exc));
  }

  /**
   * Calls `protocol.connectionLost(exc)` then `_onLost`, reporting what
   * throws; then the transport is closed and `_release()` runs.
   *
   * @ignore
   */
  _callConnectionLost(exc: Error | null): void {
    try {
      this._callProtocol("connectionLost", () => this._protocol.connectionLost(exc));
      const onLost = this._onLost;
      if (onLost !== undefined) {
        try {
          onLost(exc);
        } catch (e) {
          this._loop.callExceptionHandler({
            message: "Exception in a pipe's onLost hook",
            exception: e,
          });
        }
      }
    } finally {
      this._closed = true;
      this._release();
    }
  }

  /** @ignore Releases what the transport holds, after `connectionLost`. */
  _release(): void {}
}

/**
 * A transport with a write buffer (asyncio's `_FlowControlMixin`): the
 * water marks, and the protocol's `pauseWriting()` when the buffer goes
 * over the high one, `resumeWriting()` (a loop callback) when it drains to
 * the low one. The transport calls `_maybePauseProtocol()` after its buffer
 * grew and `_maybeResumeProtocol()` after it shrank.
 *
 * @typeParam E The map of the `getExtraInfo` keys the transport serves.
 * @ignore
 */
export abstract class FlowControlTransport<E extends ExtraInfo = ExtraInfo>
  extends TransportBase<E> {
  #high = DEFAULT_HIGH_WATER;
  #low = DEFAULT_HIGH_WATER / 4;
  #protocolPaused = false;

  /**
   * Bytes written but not yet handed to the OS.
   *
   * @returns The size.
   */
  abstract getWriteBufferSize(): number;

  /**
   * Sets the water marks: `high` defaults to 64 KiB, `low` to `high / 4`.
   *
   * @param high The high water mark in bytes.
   * @param low The low water mark in bytes.
   * @throws {TypeError} If a mark is not a number.
   * @throws {RangeError} Unless `high >= low >= 0`.
   */
  setWriteBufferLimits(high?: number, low?: number): void {
    [this.#high, this.#low] = waterMarks(high, low);
    this._maybePauseProtocol();
    this._maybeResumeProtocol();
  }

  /**
   * The water marks.
   *
   * @returns `[low, high]`.
   */
  getWriteBufferLimits(): [low: number, high: number] {
    return [this.#low, this.#high];
  }

  /** Closes at once: buffered data is dropped, `connectionLost(null)` follows. */
  abort(): void {
    this._forceClose(null);
  }

  /** @ignore Whether the protocol was told `pauseWriting()` and not yet `resumeWriting()`. */
  get _protocolPaused(): boolean {
    return this.#protocolPaused;
  }

  /** @ignore After the buffer grew: `pauseWriting()` once it is over the high mark. */
  _maybePauseProtocol(): void {
    if (this.#protocolPaused || this.getWriteBufferSize() <= this.#high) return;
    this.#protocolPaused = true;
    this.#callFlow("pauseWriting");
  }

  /**
   * After the buffer shrank: `resumeWriting()`, as a loop callback, once it
   * is down to the low mark.
   *
   * @ignore
   */
  _maybeResumeProtocol(): void {
    if (!this.#protocolPaused || this.getWriteBufferSize() > this.#low) return;
    this.#protocolPaused = false;
    const loop = this._loop;
    if (!loop.isClosed()) loop.callSoon(() => this.#callFlow("resumeWriting"));
  }

  #callFlow(name: "pauseWriting" | "resumeWriting"): void {
    const protocol = this._protocol;
    try {
      protocol[name]();
    } catch (exception) {
      this._report(`protocol.${name}() failed`, exception);
    }
  }
}
