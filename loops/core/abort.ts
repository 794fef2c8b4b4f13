// AbortSignal plumbing shared by the functions that take `{ signal }`: an
// abort cancels, with the abort reason as the cancel message.

import { describe } from "./checks.ts";

/** Throws TypeError unless `signal` is an AbortSignal (or undefined). */
export function checkAbortSignal(
  signal: unknown,
  name = "options.signal",
): asserts signal is AbortSignal | undefined {
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`${name} must be an AbortSignal: got ${describe(signal)}`);
  }
}

/** The cancel message for an aborted signal: its reason's message, or the reason as text. */
export function abortMessage(signal: AbortSignal): string {
  const reason = signal.reason;
  if (reason instanceof Error) return reason.message;
  return reason === undefined ? "aborted" : String(reason);
}

/**
 * Calls `onAbort` once when `signal` aborts (at once if it has). Returns a
 * function that stops listening.
 */
export function whenAborted(signal: AbortSignal, onAbort: () => void): () => void {
  if (signal.aborted) {
    onAbort();
    return noop;
  }
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}

function noop(): void {}
