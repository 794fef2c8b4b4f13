// Unit tests of defineLoopConformance() itself (the suite's cases run in
// tests/loops/conformance_test.ts): what it registers, through the `test`
// option, and its argument checks.

import assert from "node:assert/strict";
import {
  type ConformanceTest,
  defineLoopConformance,
  TestLoop,
} from "../../../loops/testing/mod.ts";
import { bad } from "../../_helpers.ts";

Deno.test("defineLoopConformance() registers every case under the loop's name", () => {
  const names: string[] = [];
  const collect: ConformanceTest = (name, fn) => {
    assert.equal(typeof fn, "function");
    names.push(name);
  };
  defineLoopConformance("Mine", () => new TestLoop(), { test: collect });
  assert.ok(names.length > 40, `only ${names.length} cases`);
  assert.ok(names.every((n) => n.startsWith("Mine: ")), "flat names with the loop's name");
  assert.equal(new Set(names).size, names.length, "no case registered twice");
  for (
    const expected of [
      "Mine: callSoon runs callbacks in FIFO order",
      "Mine: cancelling a task runs its finally block",
    ]
  ) {
    assert.ok(names.includes(expected), expected);
  }
});

Deno.test("defineLoopConformance() runs a registered case with the loop it is given", async () => {
  const cases = new Map<string, (t: Deno.TestContext) => void | Promise<void>>();
  let made = 0;
  defineLoopConformance("Counted", () => {
    made++;
    return new TestLoop();
  }, { test: (name, fn) => void cases.set(name, fn) });
  const run = cases.get("Counted: callSoon passes arguments and returns a cancellable Handle");
  assert.ok(run !== undefined);
  await run(bad<Deno.TestContext>({}));
  assert.equal(made, 1, "one loop for the case, closed by it");
});

Deno.test("defineLoopConformance() refuses bad arguments with TypeError naming them", () => {
  const loop = () => new TestLoop();
  assert.throws(() => defineLoopConformance(bad(1), loop), {
    name: "TypeError",
    message: "name must be a string: got number 1",
  });
  assert.throws(() => defineLoopConformance("x", bad(null)), {
    name: "TypeError",
    message: "createLoop must be a function: got null",
  });
  assert.throws(() => defineLoopConformance("x", loop, bad(5)), {
    name: "TypeError",
    message: "options must be an object: got number 5",
  });
  assert.throws(() => defineLoopConformance("x", loop, { test: bad("Deno.test") }), {
    name: "TypeError",
    message: /^options\.test must be a function: got "Deno.test"/,
  });
});
