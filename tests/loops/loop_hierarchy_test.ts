// The loop hierarchy fits on a napkin (ARCHITECTURE.md, "Loops"):
// AbstractEventLoop → BaseEventLoop → SelectorEventLoop / ProactorEventLoop /
// TestLoop, and I/O is composed (the loop's IoServices), not inherited.

import assert from "node:assert/strict";
import * as asyncio from "../_all_entries.ts";
import {
  AbstractEventLoop,
  BaseEventLoop,
  type IoMethodName,
  NotImplementedError,
  ProactorEventLoop,
  SelectorEventLoop,
} from "../../mod.ts";
import { TestLoop } from "../../loops/testing/mod.ts";
import { currentPlatform, simulatePlatform } from "../../platform/mod.ts";
import { createIoServices } from "../../loops/io.ts";

/** Every I/O method of the interface (the compiler checks the list is complete). */
const IO_METHODS = [
  "runInExecutor",
  "setDefaultExecutor",
  "shutdownDefaultExecutor",
  "getaddrinfo",
  "getnameinfo",
  "createConnection",
  "createServer",
  "startTls",
  "createUnixConnection",
  "createUnixServer",
  "connectAcceptedSocket",
  "sendfile",
  "createDatagramEndpoint",
  "connectReadPipe",
  "connectWritePipe",
  "subprocessShell",
  "subprocessExec",
  "addReader",
  "removeReader",
  "addWriter",
  "removeWriter",
  "sockRecv",
  "sockRecvInto",
  "sockSendall",
  "sockConnect",
  "sockAccept",
  "sockSendfile",
  "sockRecvfrom",
  "sockRecvfromInto",
  "sockSendto",
  "addSignalHandler",
  "removeSignalHandler",
] as const satisfies readonly IoMethodName[];
const complete: Exclude<IoMethodName, typeof IO_METHODS[number]> extends never ? true : false =
  true;

const CONCRETE = [
  ["SelectorEventLoop", () => new SelectorEventLoop()],
  ["ProactorEventLoop", () => new ProactorEventLoop({ platform: simulatePlatform("windows") })],
  ["TestLoop", () => new TestLoop()],
] as const;

/** The classes from `loop`'s own class up to (not including) Object. */
function classChain(loop: object): string[] {
  const names: string[] = [];
  for (let p = Object.getPrototypeOf(loop); p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    names.push(p.constructor.name);
  }
  return names;
}

Deno.test("Each concrete loop is three classes from AbstractEventLoop", async (t) => {
  for (const [name, make] of CONCRETE) {
    await t.step(name, () => {
      using loop = make();
      assert.deepEqual(classChain(loop), [name, "BaseEventLoop", "AbstractEventLoop"]);
    });
  }
});

Deno.test("the entries export no loop class besides the interface, the scheduler and the three loops", () => {
  const loops = Object.entries(asyncio)
    .filter(([, v]) => typeof v === "function" && v.prototype instanceof AbstractEventLoop)
    .map(([k]) => k)
    .sort();
  assert.deepEqual(loops, ["BaseEventLoop", "ProactorEventLoop", "SelectorEventLoop", "TestLoop"]);
});

Deno.test("Only AbstractEventLoop declares the I/O methods: no class forwards them", () => {
  assert.ok(complete);
  for (const method of IO_METHODS) {
    assert.equal(typeof AbstractEventLoop.prototype[method], "function", method);
    for (const cls of [BaseEventLoop, SelectorEventLoop, ProactorEventLoop, TestLoop]) {
      assert.ok(!Object.hasOwn(cls.prototype, method), `${cls.name} declares ${method}`);
    }
  }
});

Deno.test("A loop's I/O methods call its services; without them NotImplementedError", async (t) => {
  await t.step("the concrete loops are built with services that have every method", () => {
    for (const [name, make] of CONCRETE) {
      using loop = make();
      const services = loop._services;
      assert.ok(services !== null, name);
      for (const method of IO_METHODS) {
        assert.equal(typeof services[method], "function", `${name}: ${method}`);
      }
    }
  });
  await t.step("a BaseEventLoop without services raises before doing anything", () => {
    using loop = new BaseEventLoop();
    assert.equal(loop._services, null);
    assert.throws(() => loop.getnameinfo(["127.0.0.1", 80]), NotImplementedError);
    assert.throws(() => loop.addReader(0, () => {}), (e: unknown) => {
      assert.ok(e instanceof NotImplementedError);
      assert.equal(e.feature, "addReader");
      assert.equal(e.loop, "BaseEventLoop");
      return true;
    });
    assert.equal(loop.supports("getnameinfo"), false);
  });
  await t.step("a method of a loop goes to the services it was built with", async () => {
    const calls: string[] = [];
    const loop = new BaseEventLoop({
      services: (l) => ({
        ...createIoServices(l, "selector", currentPlatform()),
        getnameinfo(sockaddr, flags) {
          calls.push(`getnameinfo ${sockaddr[0]}`);
          const fut = l.createFuture<[string, string]>();
          fut.setResult(["host", String(flags ?? 0)]);
          return fut;
        },
      }),
    });
    try {
      const name = await loop.runUntilComplete(loop.getnameinfo(["10.0.0.1", 80], 2));
      assert.deepEqual(name, ["host", "2"]);
      assert.deepEqual(calls, ["getnameinfo 10.0.0.1"]);
    } finally {
      loop.close();
    }
  });
});
