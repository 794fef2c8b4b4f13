// Unit tests of ExceptionGroup: construction, subgroup/split with each kind
// of condition (as Python's BaseExceptionGroup), derive, and what JavaScript
// adds (any thrown value as a member, AggregateError's `errors`).

import assert from "node:assert/strict";
import { ExceptionGroup } from "../../../mod.ts";
import { bad } from "../../_helpers.ts";

class ValueError extends Error {}
class TypeError_ extends Error {}

// Python's test_exception_group.py create_simple_eg shape: a nested group.
function nested(): {
  eg: ExceptionGroup;
  inner: ExceptionGroup;
  v1: ValueError;
  t1: TypeError_;
  v2: ValueError;
} {
  const v1 = new ValueError("v1");
  const t1 = new TypeError_("t1");
  const v2 = new ValueError("v2");
  const inner = new ExceptionGroup("inner", [t1, v2]);
  const eg = new ExceptionGroup("outer", [v1, inner], { cause: "why" });
  return { eg, inner, v1, t1, v2 };
}

// The shape of a group: its members, nested groups as arrays.
function shape(x: unknown): unknown {
  return x instanceof ExceptionGroup ? x.exceptions.map(shape) : x;
}

Deno.test("ExceptionGroup is an AggregateError with Python's fields", () => {
  const a = new Error("a");
  const eg = new ExceptionGroup("many", [a, "b"], { cause: a });
  assert.ok(eg instanceof AggregateError && eg instanceof Error);
  assert.equal(eg.name, "ExceptionGroup");
  assert.equal(eg.message, "many");
  assert.deepEqual(eg.exceptions, [a, "b"]);
  assert.deepEqual(eg.errors, [a, "b"]);
  assert.equal(eg.cause, a);
  assert.ok(Object.isFrozen(eg.exceptions));
  assert.equal(String(eg), "ExceptionGroup: many (2 sub-exceptions)");
  assert.equal(String(new ExceptionGroup("one", [a])), "ExceptionGroup: one (1 sub-exception)");
});

Deno.test("ExceptionGroup takes any iterable and copies it", () => {
  const members = new Set([new Error("x"), null, undefined]);
  const eg = new ExceptionGroup("m", members);
  members.clear();
  assert.equal(eg.exceptions.length, 3);
});

Deno.test("ExceptionGroup refuses bad arguments", async (t) => {
  const cases: [string, () => unknown, string, RegExp][] = [
    [
      "a message that is not a string",
      () => new ExceptionGroup(bad(1), [1]),
      "TypeError",
      /^message must be a string: got number 1$/,
    ],
    [
      "no iterable",
      () => new ExceptionGroup("m", bad(5)),
      "TypeError",
      /^exceptions must be an iterable: got number 5$/,
    ],
    [
      "a string",
      () => new ExceptionGroup("m", bad("ab")),
      "TypeError",
      /^exceptions must be an iterable: got "ab"$/,
    ],
    [
      "null",
      () => new ExceptionGroup("m", bad(null)),
      "TypeError",
      /^exceptions must be an iterable: got null$/,
    ],
    [
      "an empty list",
      () => new ExceptionGroup("m", []),
      "RangeError",
      /^exceptions must not be empty$/,
    ],
  ];
  for (const [label, make, name, message] of cases) {
    await t.step(label, () => {
      assert.throws(make, { name, message });
    });
  }
});

Deno.test("subgroup() by class keeps the nesting and drops empty groups", () => {
  const { eg, v1, v2, t1 } = nested();
  const values = eg.subgroup(ValueError)!;
  assert.deepEqual(shape(values), [v1, [v2]]);
  assert.equal(values.message, "outer");
  assert.equal((values.exceptions[1] as ExceptionGroup).message, "inner");
  assert.deepEqual(shape(eg.subgroup(TypeError_)), [[t1]]);
  assert.equal(eg.subgroup(SyntaxError), null);
});

Deno.test("subgroup() returns the group itself when it matches as a whole", () => {
  const { eg, inner } = nested();
  assert.equal(eg.subgroup(Error), eg);
  assert.equal(eg.subgroup(ExceptionGroup), eg);
  assert.equal(eg.subgroup((e) => e === eg), eg);
  // A nested group that matches is kept whole (the same object).
  assert.equal(eg.subgroup((e) => e === inner)!.exceptions[0], inner);
});

Deno.test("subgroup() with an array of classes, and the empty array", () => {
  const { eg, v1, t1, v2 } = nested();
  assert.deepEqual(shape(eg.subgroup([TypeError_, ValueError])), [v1, [t1, v2]]);
  assert.equal(eg.subgroup([]), null);
});

Deno.test("the predicate sees the group, the nested groups and the leaves", () => {
  const { eg, inner, v1, t1, v2 } = nested();
  const seen: unknown[] = [];
  eg.subgroup((e) => {
    seen.push(e);
    return false;
  });
  assert.deepEqual(seen, [eg, v1, inner, t1, v2]);
});

Deno.test("an ES5 error constructor is a class; other functions are predicates", () => {
  function OldError(this: Error) {}
  OldError.prototype = Object.create(Error.prototype);
  const old = new (OldError as unknown as new () => Error)();
  const eg = new ExceptionGroup("m", [old, new Error("x")]);
  assert.deepEqual(shape(eg.subgroup(OldError as unknown as new () => Error)), [old]);
  // A plain function (with an ordinary prototype) is called as a predicate.
  const pred = function (e: unknown) {
    return e === old;
  };
  assert.deepEqual(shape(eg.subgroup(pred)), [old]);
});

Deno.test("subgroup()/split() refuse a condition of another kind", async (t) => {
  const eg = new ExceptionGroup("m", [new Error("x")]);
  for (const bogus of [42, "Error", null, [Error, 3], {}]) {
    await t.step(String(bogus), () => {
      const message =
        /^condition must be an error class, an array of error classes or a predicate: got /;
      assert.throws(() => eg.subgroup(bad(bogus)), { name: "TypeError", message });
      assert.throws(() => eg.split(bad(bogus)), { name: "TypeError", message });
    });
  }
});

Deno.test("split() gives the match and the rest, each of the same shape", () => {
  const { eg, v1, t1, v2 } = nested();
  const [match, rest] = eg.split(ValueError);
  assert.deepEqual(shape(match), [v1, [v2]]);
  assert.deepEqual(shape(rest), [[t1]]);
  assert.deepEqual(eg.split(Error), [eg, null]);
  const [none, all] = eg.split(SyntaxError);
  assert.equal(none, null);
  assert.deepEqual(shape(all), [v1, [t1, v2]]);
  assert.notEqual(all, eg); // the rest is a new group, as in Python
});

Deno.test("split() handles members that are not errors", () => {
  const eg = new ExceptionGroup("m", [null, "text", undefined, new Error("e")]);
  const [match, rest] = eg.split((e) => e === null || e === undefined);
  assert.deepEqual(match!.exceptions, [null, undefined]);
  assert.equal(rest!.exceptions.length, 2);
  assert.equal(rest!.exceptions[0], "text");
});

Deno.test("the parts keep the original's cause and stack", () => {
  const { eg } = nested();
  const [match, rest] = eg.split(ValueError);
  for (const part of [match!, rest!]) {
    assert.equal(part.cause, "why");
    assert.equal(part.stack, eg.stack);
  }
  const plain = new ExceptionGroup("no cause", [new Error("x"), new ValueError()]);
  assert.ok(!Object.hasOwn(plain.subgroup(ValueError)!, "cause"));
});

Deno.test("derive() makes the parts; a subclass keeps its class through it", () => {
  class MyGroup extends ExceptionGroup {
    code: number;
    constructor(message: string, exceptions: Iterable<unknown>, code: number) {
      super(message, exceptions);
      this.code = code;
    }
    override derive(exceptions: Iterable<unknown>): MyGroup {
      return new MyGroup(this.message, exceptions, this.code);
    }
  }
  const eg = new MyGroup("mine", [new ValueError(), new TypeError_()], 7);
  const [match, rest] = eg.split(ValueError);
  assert.ok(match instanceof MyGroup && rest instanceof MyGroup);
  assert.equal(match.code, 7);
  // Without an override, the parts are plain ExceptionGroups (as Python's).
  class Plain extends ExceptionGroup {}
  const part = new Plain("p", [new ValueError(), new TypeError_()]).subgroup(ValueError)!;
  assert.equal(part.constructor, ExceptionGroup);
});

Deno.test("derive() must return an ExceptionGroup", () => {
  class Broken extends ExceptionGroup {
    override derive(): ExceptionGroup {
      return bad({});
    }
  }
  const eg = new Broken("b", [new ValueError(), new TypeError_()]);
  assert.throws(() => eg.subgroup(ValueError), {
    name: "TypeError",
    message: "derive() must return an ExceptionGroup: got Object object",
  });
});
