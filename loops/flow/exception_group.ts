/**
 * `ExceptionGroup`: Python's exception group, as an `AggregateError`.
 *
 * @module
 */

import { describe, isInstance } from "../core/checks.ts";

/**
 * What `subgroup()` and `split()` match against: an error class (every
 * instance matches, subclasses included), an array of error classes, or a
 * predicate called with each exception, nested groups included.
 */
export type ExceptionGroupCondition =
  // deno-lint-ignore no-explicit-any
  | (abstract new (...args: any[]) => unknown)
  // deno-lint-ignore no-explicit-any
  | readonly (abstract new (...args: any[]) => unknown)[]
  | ((exception: unknown) => unknown);

type Matcher = (exception: unknown) => boolean;

// An error class: a function whose prototype is Error.prototype or inherits
// from it. Arrow functions have no prototype, and a plain function's
// prototype is an ordinary object, so those are predicates.
function isErrorClass(value: unknown): value is abstract new (...args: never[]) => unknown {
  if (typeof value !== "function") return false;
  const proto = (value as { prototype?: unknown }).prototype;
  return proto === Error.prototype || isInstance(proto, Error);
}

function toMatcher(condition: unknown): Matcher {
  if (isErrorClass(condition)) return (e) => isInstance(e, condition);
  if (Array.isArray(condition) && condition.every(isErrorClass)) {
    const classes = condition.slice();
    return (e) => classes.some((cls) => isInstance(e, cls));
  }
  if (typeof condition === "function") return (e) => Boolean(condition(e));
  throw new TypeError(
    "condition must be an error class, an array of error classes or a predicate: got " +
      describe(condition),
  );
}

/**
 * A group of unrelated exceptions raised together: Python's
 * `ExceptionGroup`, which `taskGroup()` raises with the failures of its
 * tasks. It is an `AggregateError`, so `errors` holds the same values as
 * `exceptions`.
 *
 * Differences from Python: the arguments come in Python's order (message
 * first), not `AggregateError`'s; any thrown value may be a member (JavaScript
 * can throw anything), so there is no separate `BaseExceptionGroup`; a class
 * condition is an error class (its `prototype` is `Error.prototype` or
 * inherits from it), and any other function is a predicate. Derived groups
 * keep the original's `cause` and `stack` (Python's `__cause__` and
 * `__traceback__`).
 *
 * @example Handling part of a group
 * ```ts
 * import assert from "node:assert/strict";
 * import { ExceptionGroup } from "@asyncio/deno";
 * const eg = new ExceptionGroup("many", [new TypeError("a"), new RangeError("b")]);
 * const [types, rest] = eg.split(TypeError);
 * assert(types!.exceptions[0] instanceof TypeError);
 * assert(rest!.exceptions.length === 1 && rest!.message === "many");
 * assert(eg.subgroup(SyntaxError) === null);
 * ```
 */
export class ExceptionGroup extends AggregateError {
  /** The member exceptions, in order (Python's tuple). */
  readonly exceptions: readonly unknown[];

  /**
   * Creates a group.
   *
   * @param message What went wrong, as a whole.
   * @param exceptions The members: a non-empty iterable (not a string).
   * @param options `cause`, as for any error.
   * @throws {TypeError} If `message` is not a string or `exceptions` is not
   *   an iterable.
   * @throws {RangeError} If `exceptions` is empty.
   */
  constructor(message: string, exceptions: Iterable<unknown>, options?: ErrorOptions) {
    if (typeof message !== "string") {
      throw new TypeError(`message must be a string: got ${describe(message)}`);
    }
    if (
      exceptions === null || typeof exceptions !== "object" ||
      typeof (exceptions as Iterable<unknown>)[Symbol.iterator] !== "function"
    ) {
      throw new TypeError(`exceptions must be an iterable: got ${describe(exceptions)}`);
    }
    const members = Object.freeze(Array.from(exceptions));
    if (members.length === 0) throw new RangeError("exceptions must not be empty");
    super(members, message, options);
    this.name = "ExceptionGroup";
    this.exceptions = members;
  }

  /**
   * The exceptions that match `condition`, in a group of the same shape, or
   * `null` if none does. The condition is checked on this group and on every
   * nested group first: a group that matches is kept whole.
   *
   * @param condition An error class, an array of them, or a predicate.
   * @returns A group (this one if it matches as a whole), or `null`.
   * @throws {TypeError} If `condition` is none of those.
   *
   * @example Nested groups keep their shape
   * ```ts
   * import assert from "node:assert/strict";
   * import { ExceptionGroup } from "@asyncio/deno";
   * const inner = new ExceptionGroup("inner", [new TypeError("t"), new RangeError("r")]);
   * const eg = new ExceptionGroup("outer", [new TypeError("x"), inner]);
   * const types = eg.subgroup((e) => e instanceof TypeError)!;
   * assert(types.exceptions.length === 2);
   * assert((types.exceptions[1] as ExceptionGroup).exceptions.length === 1);
   * ```
   */
  subgroup(condition: ExceptionGroupCondition): ExceptionGroup | null {
    return orNull(splitRecursive(this, toMatcher(condition), false)[0]);
  }

  /**
   * Splits the group in two: the exceptions that match `condition` and the
   * rest, each in a group of the same shape (or `null` when empty).
   *
   * @param condition An error class, an array of them, or a predicate.
   * @returns `[match, rest]`.
   * @throws {TypeError} If `condition` is none of those.
   *
   * @example Matching any of several classes
   * ```ts
   * import assert from "node:assert/strict";
   * import { ExceptionGroup } from "@asyncio/deno";
   * const eg = new ExceptionGroup("two", [new TypeError("a"), new Error("b")]);
   * const [match, rest] = eg.split([TypeError, RangeError]);
   * assert(match!.exceptions.length === 1 && rest!.exceptions.length === 1);
   * ```
   */
  split(condition: ExceptionGroupCondition): [ExceptionGroup | null, ExceptionGroup | null] {
    const [match, rest] = splitRecursive(this, toMatcher(condition), true);
    return [orNull(match), orNull(rest)];
  }

  /**
   * A group with this one's message around other exceptions: what
   * `subgroup()` and `split()` build their parts with. A subclass overrides
   * it to keep its own class and fields in those parts.
   *
   * @param exceptions The members of the new group.
   * @returns A new `ExceptionGroup`.
   *
   * @example The message of the new group
   * ```ts
   * import assert from "node:assert/strict";
   * import { ExceptionGroup } from "@asyncio/deno";
   * const eg = new ExceptionGroup("m", [new Error("a")]);
   * assert(eg.derive([new Error("b")]).message === "m");
   * ```
   */
  derive(exceptions: Iterable<unknown>): ExceptionGroup {
    return new ExceptionGroup(this.message, exceptions);
  }

  /**
   * The name, then Python's `str()` of the group: the message and the count,
   * e.g. `ExceptionGroup: boom (2 sub-exceptions)`.
   */
  override toString(): string {
    const n = this.exceptions.length;
    return `${this.name}: ${this.message} (${n} sub-exception${n > 1 ? "s" : ""})`;
  }
}

// Nothing on that side of a split (`null` and `undefined` can be thrown).
const NONE: unique symbol = Symbol("none");

// Python's exceptiongroup_split_recursive: a full match keeps the value as it
// is; a group that does not match as a whole is split member by member.
function splitRecursive(exc: unknown, matches: Matcher, withRest: boolean): [unknown, unknown] {
  if (matches(exc)) return [exc, NONE];
  if (!isInstance(exc, ExceptionGroup)) return [NONE, withRest ? exc : NONE];
  const matched: unknown[] = [];
  const rest: unknown[] = [];
  for (const member of exc.exceptions) {
    const [m, r] = splitRecursive(member, matches, withRest);
    if (m !== NONE) matched.push(m);
    if (r !== NONE) rest.push(r);
  }
  return [subset(exc, matched), withRest ? subset(exc, rest) : NONE];
}

// The top level of a split is always a group (or nothing).
function orNull(part: unknown): ExceptionGroup | null {
  return part === NONE ? null : part as ExceptionGroup;
}

// A group like `orig` around `members` (null when there are none), with its
// cause and stack.
function subset(orig: ExceptionGroup, members: unknown[]): ExceptionGroup | typeof NONE {
  if (members.length === 0) return NONE;
  const eg = orig.derive(members);
  if (!isInstance(eg, ExceptionGroup)) {
    throw new TypeError(`derive() must return an ExceptionGroup: got ${describe(eg)}`);
  }
  const own = (value: unknown) => ({ value, writable: true, configurable: true });
  if (Object.hasOwn(orig, "cause")) Object.defineProperty(eg, "cause", own(orig.cause));
  Object.defineProperty(eg, "stack", own(orig.stack));
  return eg;
}
