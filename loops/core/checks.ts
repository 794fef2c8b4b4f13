// Argument checks shared by the public API. Messages name the argument.
// (Whether a value is a loop: `checkLoop` in events.ts, beside the class.)

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  try {
    if (typeof value === "function") return `function ${value.name || "<anonymous>"}`;
    if (typeof value === "object") {
      // A generator's constructor has no name: its toStringTag says what it is.
      const name = value.constructor?.name || Object.prototype.toString.call(value).slice(8, -1);
      return `${name} object`;
    }
  } catch {
    // A revoked Proxy throws on every look; it still gets a description.
    return `${typeof value} (unreadable)`;
  }
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  }
  return `${typeof value} ${String(value)}`;
}

/**
 * `value instanceof cls` that answers false instead of throwing: any value
 * can be thrown, and `instanceof` on a revoked Proxy throws.
 */
export function isInstance<T>(
  value: unknown,
  cls: abstract new (...args: never[]) => T,
): value is T {
  try {
    return value instanceof cls;
  } catch {
    return false;
  }
}

/** `String(value)`, or a description when that throws (a revoked Proxy, a hostile toString). */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return describe(value);
  }
}

// deno-lint-ignore no-explicit-any
type AnyFunction = (...args: any[]) => unknown;
const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor as AnyFunction;
const AsyncGeneratorFunction = Object.getPrototypeOf(async function* () {})
  .constructor as AnyFunction;

/** Marks a plain function that returns coroutines (such as `sleep`) as a coroutine function. */
const COROUTINE_FUNCTION = Symbol("asyncio.coroutineFunction");

/** Marks `fn` as a coroutine function (what a generator function is by its nature). */
export function markCoroutineFunction(fn: object): void {
  Object.defineProperty(fn, COROUTINE_FUNCTION, { value: true });
}

/** Whether `fn` was marked with `markCoroutineFunction`. */
export function isMarkedCoroutineFunction(fn: unknown): boolean {
  return typeof fn === "function" &&
    (fn as unknown as Record<symbol, unknown>)[COROUTINE_FUNCTION] === true;
}

/** Whether `value` is a generator function, or a function marked as returning coroutines. */
export function isGeneratorFunction(value: unknown): boolean {
  return value instanceof GeneratorFunction || value instanceof AsyncGeneratorFunction ||
    isMarkedCoroutineFunction(value);
}

/**
 * Throws TypeError unless `callback` is a plain function: a generator
 * function would only create a coroutine that never runs (asyncio: "coroutines
 * cannot be used with call_soon()"). On the scheduler's hot path: one type
 * check and one property load.
 */
export function checkLoopCallback(callback: unknown, method: string): void {
  if (typeof callback !== "function") {
    throw new TypeError(`callback must be a function: got ${describe(callback)}`);
  }
  const ctor = callback.constructor;
  if (
    ctor === GeneratorFunction || ctor === AsyncGeneratorFunction ||
    (callback as unknown as Record<symbol, unknown>)[COROUTINE_FUNCTION] === true
  ) {
    throw new TypeError(
      `coroutines cannot be used with ${method}(): got ${
        describe(callback)
      }; schedule it with createTask(fn()) instead`,
    );
  }
}

/** Throws TypeError unless `value` is a function. */
export function checkCallback(value: unknown, name = "callback"): void {
  if (typeof value !== "function") {
    throw new TypeError(`${name} must be a function: got ${describe(value)}`);
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
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
  try {
    return typeof (value as { then?: unknown }).then === "function";
  } catch {
    return false; // a revoked Proxy, a throwing getter: not awaitable
  }
}

const isPrototypeOf = Object.prototype.isPrototypeOf;
const GENERATOR_PROTOTYPE: object = Object.getPrototypeOf(function* () {}.prototype);

/** Whether `value` is a coroutine object (a generator, or anything shaped like one). */
export function isCoroutine(value: unknown): value is Generator<unknown, unknown, unknown> {
  if (value === null || typeof value !== "object") return false;
  try {
    // A generator object made by a generator function (the usual case)
    // inherits from %GeneratorPrototype%: a walk of two prototypes, where the
    // property lookups below are megamorphic once a program has a few
    // generator functions (measured: 30 ns less per createTask).
    if (isPrototypeOf.call(GENERATOR_PROTOTYPE, value)) return true;
    // An async generator has next/throw too, but yields promises of steps:
    // a task cannot drive it.
    return typeof (value as Generator).next === "function" &&
      typeof (value as Generator).throw === "function" &&
      !(Symbol.asyncIterator in value);
  } catch {
    return false;
  }
}
