/**
 * The error classes of asyncio, plus `RuntimeError` and `NotImplementedError`
 * which JavaScript has no built-in equivalent for.
 *
 * Every class sets `name`, so `err.name` and `instanceof` both work.
 *
 * @module
 */

/**
 * Raised inside a coroutine when its task is cancelled, and by
 * `Future.result()` on a cancelled future. The cancel message, if any,
 * is the error's `message`.
 *
 * @example Catching a cancellation
 * ```ts
 * import assert from "node:assert/strict";
 * import { CancelledError } from "@asyncio/deno";
 * const err = new CancelledError("stop");
 * assert(err.name === "CancelledError" && err.message === "stop");
 * ```
 */
export class CancelledError extends Error {
  /** Creates the error with an optional cancel message. */
  constructor(message = "", options?: ErrorOptions) {
    super(message, options);
    this.name = "CancelledError";
  }
}

/**
 * Raised on an operation that is not allowed in the current state, such as
 * setting the result of a future that is already done.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { InvalidStateError } from "@asyncio/deno";
 * assert(new InvalidStateError("x").name === "InvalidStateError");
 * ```
 */
export class InvalidStateError extends Error {
  /** Creates the error. */
  constructor(message = "", options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidStateError";
  }
}

/**
 * Raised when an operation exceeded its deadline, e.g. by `waitFor`.
 *
 * Differences from asyncio: a separate class (JavaScript has no built-in
 * `TimeoutError` constructor); I/O timeouts from Deno map to it as well.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TimeoutError } from "@asyncio/deno";
 * assert(new TimeoutError().name === "TimeoutError");
 * ```
 */
export class TimeoutError extends Error {
  /** Creates the error. */
  constructor(message = "", options?: ErrorOptions) {
    super(message, options);
    this.name = "TimeoutError";
  }
}

/**
 * Raised by `StreamReader.readexactly()` / `readuntil()` when the stream ends
 * before the requested data arrived.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { IncompleteReadError } from "@asyncio/deno";
 * const err = new IncompleteReadError(new Uint8Array(2), 5);
 * assert(err.partial.length === 2 && err.expected === 5);
 * ```
 */
export class IncompleteReadError extends Error {
  /** The bytes read before the end of the stream. */
  readonly partial: Uint8Array;
  /** The total number of bytes expected, or `null` if unknown. */
  readonly expected: number | null;
  /** Creates the error from the partial data and the expected size. */
  constructor(partial: Uint8Array, expected: number | null) {
    super(
      `${partial.length} bytes read on a total of ${
        expected === null ? "undefined" : expected
      } expected bytes`,
    );
    this.name = "IncompleteReadError";
    this.partial = partial;
    this.expected = expected;
  }
}

/**
 * Raised by `StreamReader` when a separator was not found within its buffer
 * limit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LimitOverrunError } from "@asyncio/deno";
 * const err = new LimitOverrunError("Separator is not found", 10);
 * assert(err.consumed === 10);
 * ```
 */
export class LimitOverrunError extends Error {
  /** How many bytes are to be consumed before the separator. */
  readonly consumed: number;
  /** Creates the error. */
  constructor(message: string, consumed: number) {
    super(message);
    this.name = "LimitOverrunError";
    this.consumed = consumed;
  }
}

/**
 * Raised by `loop.sendfile()` when the native path is not available; the
 * caller may fall back to reading and writing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SendfileNotAvailableError } from "@asyncio/deno";
 * assert(new SendfileNotAvailableError().name === "SendfileNotAvailableError");
 * ```
 */
export class SendfileNotAvailableError extends Error {
  /** Creates the error. */
  constructor(message = "", options?: ErrorOptions) {
    super(message, options);
    this.name = "SendfileNotAvailableError";
  }
}

/**
 * Python's `RuntimeError`: an operation is invalid for the object's current
 * state, e.g. scheduling on a closed loop or running a loop twice.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RuntimeError } from "@asyncio/deno";
 * assert(new RuntimeError("Event loop is closed").name === "RuntimeError");
 * ```
 */
export class RuntimeError extends Error {
  /** Creates the error. */
  constructor(message = "", options?: ErrorOptions) {
    super(message, options);
    this.name = "RuntimeError";
  }
}

/**
 * Python's `KeyboardInterrupt`: the user interrupted the program with
 * SIGINT (Ctrl+C). `run()` and `Runner.run()` reject with it when a SIGINT
 * cancelled the main task and the task let the cancellation through, or at
 * once on a second SIGINT; the first case has the `CancelledError` as its
 * `cause`.
 *
 * Differences from asyncio: an `Error` like every class here (Python's
 * derives from `BaseException`, so `except Exception` does not catch it);
 * nothing raises it but the runner, and a program that does not catch it
 * ends with Deno's uncaught-error exit code 1, not 130.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CancelledError, KeyboardInterrupt } from "@asyncio/deno";
 * const err = new KeyboardInterrupt("", { cause: new CancelledError() });
 * assert(err.name === "KeyboardInterrupt" && err.cause instanceof CancelledError);
 * ```
 */
export class KeyboardInterrupt extends Error {
  /** Creates the error. */
  constructor(message = "", options?: ErrorOptions) {
    super(message, options);
    this.name = "KeyboardInterrupt";
  }
}

/** Where an unsupported feature was requested. */
export interface NotImplementedDetails {
  /** The asyncio method name, camelCased (e.g. `"createUnixServer"`). */
  feature: string;
  /** The operating system the loop runs on (a `Deno.build.os` value). */
  os: string;
  /** The loop kind (`"selector"` or `"proactor"`), or `"any"`. */
  loop: string;
  /** Why it is not supported, in words. */
  reason: string;
}

/**
 * Python's `NotImplementedError`: the feature is not available for this loop
 * on this platform. Carries the feature, the OS, the loop kind and a reason.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NotImplementedError } from "@asyncio/deno";
 * const err = new NotImplementedError({
 *   feature: "addSignalHandler",
 *   os: "windows",
 *   loop: "proactor",
 *   reason: "Windows has no POSIX signals",
 * });
 * assert(err.feature === "addSignalHandler" && err.os === "windows");
 * ```
 */
export class NotImplementedError extends Error {
  /** The asyncio method name, camelCased. */
  readonly feature: string;
  /** The operating system. */
  readonly os: string;
  /** The loop kind. */
  readonly loop: string;
  /** The reason, in words. */
  readonly reason: string;
  /** Creates the error from its details, or from a plain message. */
  constructor(details: NotImplementedDetails | string, options?: ErrorOptions) {
    const d: NotImplementedDetails = typeof details === "string"
      ? { feature: "", os: "", loop: "", reason: details }
      : details;
    super(
      d.feature === ""
        ? d.reason
        : `${d.feature}() is not supported by the ${d.loop} event loop on ${d.os}: ${d.reason}`,
      options,
    );
    this.name = "NotImplementedError";
    this.feature = d.feature;
    this.os = d.os;
    this.loop = d.loop;
    this.reason = d.reason;
  }
}

/**
 * Python's `concurrent.futures.BrokenExecutor`: the worker running a piece
 * of work ended abnormally (an uncaught error outside the work's own
 * promise, `Deno.exit()`, `close()`), so the work is lost. The pool
 * replaces the worker; the rest of its work goes on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RuntimeError } from "@asyncio/deno";
 * import { BrokenExecutor } from "@asyncio/deno/executor";
 * const err = new BrokenExecutor("worker ended");
 * assert(err instanceof RuntimeError && err.name === "BrokenExecutor");
 * ```
 */
export class BrokenExecutor extends RuntimeError {
  /** Creates the error. */
  constructor(message = "", options?: ErrorOptions) {
    super(message, options);
    this.name = "BrokenExecutor";
  }
}
