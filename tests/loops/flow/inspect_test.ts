// Unit tests of isFuture, isCoroutine and isCoroutineFunction.

import assert from "node:assert/strict";
import {
  createTask,
  Future,
  isCoroutine,
  isCoroutineFunction,
  isFuture,
  run,
  sleep,
} from "../../../mod.ts";
import { TestLoop } from "../../../loops/testing/mod.ts";

Deno.test("isFuture() is true for futures and tasks only", async () => {
  const loop = new TestLoop();
  try {
    assert.ok(isFuture(loop.createFuture()));
    assert.ok(isFuture(new Future({ loop })));
    const task = loop.createTask(sleep(0));
    assert.ok(isFuture(task));
    await loop.runUntilComplete(task);
  } finally {
    loop.close();
  }
  for (const x of [Promise.resolve(), sleep(0), { then() {} }, null, undefined, 1, Future]) {
    assert.equal(isFuture(x), false, String(x));
  }
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  assert.equal(isFuture(revoked.proxy), false);
});

Deno.test("isCoroutine() is true for coroutine objects, not for their functions", () => {
  function* gen() {
    yield* sleep(0);
  }
  class Method {
    *run() {}
  }
  const shaped = { next() {}, throw() {} }; // driven by a task like a generator
  for (const x of [gen(), sleep(1), new Method().run(), shaped]) {
    assert.equal(isCoroutine(x), true);
  }
  async function* agen() {}
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const others = [gen, Promise.resolve(), agen(), [1], null, "s", revoked.proxy];
  others.forEach((x, i) => assert.equal(isCoroutine(x), false, `others[${i}]`));
});

Deno.test("isCoroutineFunction() is true for generator functions only", async () => {
  class C {
    *method() {}
    static *staticMethod() {}
  }
  const gen = function* () {};
  for (const fn of [gen, gen.bind(null), C.prototype.method, C.staticMethod, sleep]) {
    assert.equal(isCoroutineFunction(fn), true);
  }
  async function asyncFn() {}
  async function* asyncGen() {}
  for (const fn of [asyncFn, asyncGen, () => sleep(0), function () {}, C, null, gen()]) {
    assert.equal(isCoroutineFunction(fn), false, String(fn));
  }
  // What a coroutine function makes is a coroutine a task can run.
  const v = await run(function* () {
    const t = createTask(function* () {
      yield* sleep(0);
      return 5;
    }());
    return yield* t;
  }());
  assert.equal(v, 5);
});

Deno.test("isCoroutine() sees generators of many functions, through a Proxy too", () => {
  // Generators of different functions have different shapes; the check is
  // by prototype (%GeneratorPrototype%), so each kind counts.
  const makers = Array.from(
    { length: 20 },
    (_, i) => new Function(`return function* g${i}() {}`)(),
  );
  for (const make of makers) assert.equal(isCoroutine(make()), true);
  assert.equal(isCoroutine(new Proxy(makers[0](), {})), true);
  // An object that merely inherits from a generator is shaped like one, as before.
  assert.equal(isCoroutine(Object.create(makers[1]())), true);
  const throwing = new Proxy({}, {
    getPrototypeOf() {
      throw new Error("no");
    },
  });
  assert.equal(isCoroutine(throwing), false);
});
