// Argument checks shared by the public API. Messages name the argument.

import { AbstractEventLoop } from "./events.ts";

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "function") return `function ${value.name || "<anonymous>"}`;
  if (typeof value === "object") return (value.constructor?.name ?? "object") + " object";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  }
  return `${typeof value} ${String(value)}`;
}

/** Throws TypeError unless `value` is a function. */
export function checkCallback(value: unknown, name = "callback"): void {
  if (typeof value !== "function") {
    throw new TypeError(`${name} must be a function: got ${describe(value)}`);
  }
}

/** Throws TypeError unless `value` is an event loop. */
export function checkLoop(value: unknown, name: string): asserts value is AbstractEventLoop {
  if (!(value instanceof AbstractEventLoop)) {
    throw new TypeError(`${name} must be an event loop: got ${describe(value)}`);
  }
}

/** Throws TypeError unless a number, RangeError if NaN (or negative unless allowed). */
export function checkSeconds(value: unknown, name: string, allowNegative = false): void {
  if (typeof value !== "number") {
    throw new TypeError(`${name} must be a number of seconds: got ${describe(value)}`);
  }
  if (Number.isNaN(value)) throw new RangeError(`${name} must not be NaN`);
  if (!allowNegative && value < 0) {
    throw new RangeError(`${name} must not be negative: got ${value}`);
  }
}

/** Whether `value` is promise-like (has a callable `then`). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function";
}

/** Whether `value` is a coroutine object (a generator, or anything shaped like one). */
export function isCoroutine(value: unknown): value is Generator<unknown, unknown, unknown> {
  return value !== null && typeof value === "object" &&
    typeof (value as Generator).next === "function" &&
    typeof (value as Generator).throw === "function";
}
