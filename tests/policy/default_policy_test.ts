// Unit tests of DefaultEventLoopPolicy's options and its child watcher
// methods (Unix only: on Windows both refuse before touching anything).

import assert from "node:assert/strict";
import {
  type AbstractEventLoop,
  AbstractEventLoopPolicy,
  type ChildWatcherLike,
  DefaultEventLoopPolicy,
  newEventLoop,
  NotImplementedError,
  ProactorEventLoop,
  RuntimeError,
  SelectorEventLoop,
  setEventLoopPolicy,
} from "../../mod.ts";
import { TestLoop } from "../../loops/testing/mod.ts";
import { currentPlatform, type Platform, simulatePlatform } from "../../platform/mod.ts";
import {
  _defaultChildWatcherFactory,
  _setDefaultChildWatcherFactory,
  type ChildWatcherFactory,
  isChildWatcherLike,
} from "../../loops/process/realm_child_watcher.ts";
import { _peekChildWatcher } from "../../loops/process/realm_child_watcher.ts";
import { _getCurrentLoop } from "../../loops/core/events.ts";
import { bad, thrownBy } from "../_helpers.ts";
import { RecordingWatcher } from "./_recording_watcher.ts";

/**
 * Runs `fn` in a fresh realm state (no current loop, no child watcher:
 * what `setEventLoopPolicy(null)` leaves) and leaves a fresh one behind.
 */
async function fresh(fn: () => void | Promise<void>): Promise<void> {
  setEventLoopPolicy(null);
  try {
    await fn();
  } finally {
    setEventLoopPolicy(null);
  }
}

/** Runs `fn` (in a fresh realm state) with `factory` as the realm's default watcher factory. */
async function withFactory(
  factory: ChildWatcherFactory | null,
  fn: () => void | Promise<void>,
): Promise<void> {
  const previous = _defaultChildWatcherFactory();
  _setDefaultChildWatcherFactory(factory);
  try {
    await fresh(fn);
  } finally {
    _setDefaultChildWatcherFactory(previous);
  }
}

const linux = simulatePlatform("linux");
const darwin = simulatePlatform("darwin", { release: "23.1.0" });
const windows = simulatePlatform("windows");

Deno.test("DefaultEventLoopPolicy creates SelectorEventLoops on its platform", async (t) => {
  await t.step("this machine by default", () => {
    const policy = new DefaultEventLoopPolicy();
    assert.equal(policy.platform, currentPlatform());
    assert.equal(policy.loopKind, "selector");
    using loop = policy.newEventLoop() as SelectorEventLoop;
    assert.ok(loop instanceof SelectorEventLoop);
    assert.equal(loop.platform, currentPlatform());
  });
  await t.step("an injected platform", () => {
    const policy = new DefaultEventLoopPolicy({ platform: windows });
    using loop = policy.newEventLoop() as SelectorEventLoop;
    assert.ok(loop instanceof SelectorEventLoop);
    assert.equal(loop.platform, windows);
    assert.equal(loop.selector, "SelectSelector");
  });
  await t.step('loopKind: "proactor" creates ProactorEventLoops (Windows only)', () => {
    const policy = new DefaultEventLoopPolicy({ platform: windows, loopKind: "proactor" });
    using loop = policy.newEventLoop() as ProactorEventLoop;
    assert.ok(loop instanceof ProactorEventLoop);
    const onLinux = new DefaultEventLoopPolicy({ platform: linux, loopKind: "proactor" });
    const err = thrownBy(() => onLinux.newEventLoop());
    assert.ok(err instanceof NotImplementedError);
    assert.equal(err.feature, "ProactorEventLoop");
  });
});

Deno.test("DefaultEventLoopPolicy refuses bad options", () => {
  assert.throws(() => new DefaultEventLoopPolicy(bad(null)), {
    name: "TypeError",
    message: /^options must be an object: got null/,
  });
  assert.throws(() => new DefaultEventLoopPolicy({ platform: bad({ os: "beos" }) }), {
    name: "TypeError",
    message: /^options\.platform must be a Platform: got Object object/,
  });
  assert.throws(() => new DefaultEventLoopPolicy({ loopKind: bad("uring") }), {
    name: "TypeError",
    message: /^options\.loopKind must be one of selector, proactor: got "uring"/,
  });
});

Deno.test("AbstractEventLoopPolicy's child watcher methods throw NotImplementedError", () => {
  class Minimal extends AbstractEventLoopPolicy {
    getEventLoop(): AbstractEventLoop {
      throw new Error("unused");
    }
    setEventLoop(): void {}
    newEventLoop(): AbstractEventLoop {
      return new TestLoop();
    }
  }
  const policy = new Minimal();
  assert.throws(() => policy.getChildWatcher(), {
    name: "NotImplementedError",
    message: "Minimal does not implement getChildWatcher()",
  });
  assert.throws(() => policy.setChildWatcher(new RecordingWatcher()), {
    name: "NotImplementedError",
    message: "Minimal does not implement setChildWatcher()",
  });
});

Deno.test("AbstractEventLoopPolicy's loop methods throw NotImplementedError unless provided", async (t) => {
  // TypeScript makes subclasses implement them; JavaScript subclasses may not.
  const Base = AbstractEventLoopPolicy as unknown as new () => object;
  class JsPolicy extends Base {}
  for (const policy of [new Base(), new JsPolicy()] as AbstractEventLoopPolicy[]) {
    const name = policy.constructor.name;
    await t.step(name, () => {
      assert.throws(() => policy.getEventLoop(), {
        name: "NotImplementedError",
        message: `${name} does not implement getEventLoop()`,
      });
      assert.throws(() => policy.setEventLoop(null), {
        name: "NotImplementedError",
        message: `${name} does not implement setEventLoop()`,
      });
      assert.throws(() => policy.newEventLoop(), {
        name: "NotImplementedError",
        message: `${name} does not implement newEventLoop()`,
      });
    });
  }
  // Subclasses that provide them are unaffected, and the module functions
  // report a missing method the same way.
  setEventLoopPolicy(new JsPolicy() as AbstractEventLoopPolicy);
  try {
    assert.throws(() => newEventLoop(), {
      name: "NotImplementedError",
      message: "JsPolicy does not implement newEventLoop()",
    });
  } finally {
    setEventLoopPolicy(null);
  }
});

Deno.test("DefaultEventLoopPolicy.setChildWatcher() sets the watcher getChildWatcher() returns", async (t) => {
  for (const platform of [linux, darwin, currentPlatform()]) {
    await t.step(`${platform.os}${platform.simulated ? " (simulated)" : ""}`, () =>
      fresh(() => {
        const policy = new DefaultEventLoopPolicy({ platform });
        const first = new RecordingWatcher("first");
        policy.setChildWatcher(first);
        assert.equal(policy.getChildWatcher(), first);
        assert.deepEqual(first.calls, [], "setting a watcher does not attach it");
        // Setting the same watcher again keeps it open.
        policy.setChildWatcher(first);
        assert.equal(first.closed, false);
        // A new watcher replaces the old one, which is closed.
        const second = new RecordingWatcher("second");
        policy.setChildWatcher(second);
        assert.equal(first.closed, true);
        assert.equal(policy.getChildWatcher(), second);
        policy.setChildWatcher(null);
        assert.equal(second.closed, true);
      }));
  }
});

Deno.test("DefaultEventLoopPolicy.setChildWatcher() refuses what is not a watcher", () =>
  fresh(() => {
    const policy = new DefaultEventLoopPolicy({ platform: linux });
    const kept = new RecordingWatcher();
    policy.setChildWatcher(kept);
    assert.throws(() => policy.setChildWatcher(bad({ close() {}, attachLoop() {} })), {
      name: "TypeError",
      message:
        /^watcher must be a child watcher or null \(missing addChildHandler, removeChildHandler\): got Object object/,
    });
    assert.throws(() => policy.setChildWatcher(bad(7)), TypeError);
    assert.equal(policy.getChildWatcher(), kept, "a refused watcher changes nothing");
    assert.equal(kept.closed, false);
    assert.equal(isChildWatcherLike(kept), true);
    assert.equal(isChildWatcherLike({ close() {} }), false);
  }));

Deno.test("DefaultEventLoopPolicy.setEventLoop() attaches the child watcher", () =>
  fresh(() => {
    const policy = new DefaultEventLoopPolicy({ platform: linux });
    const watcher = new RecordingWatcher();
    policy.setChildWatcher(watcher);
    using loop = new TestLoop();
    policy.setEventLoop(loop);
    policy.setEventLoop(null);
    assert.deepEqual(watcher.attached(), [loop, null]);
  }));

Deno.test("DefaultEventLoopPolicy.getChildWatcher() without a watcher or factory throws RuntimeError", async () => {
  await withFactory(null, () => {
    const policy = new DefaultEventLoopPolicy({ platform: linux });
    const err = thrownBy(() => policy.getChildWatcher());
    assert.ok(err instanceof RuntimeError);
    assert.match(err.message, /^No child watcher is available: none was set with setChildWatcher/);
  });
});

Deno.test("DefaultEventLoopPolicy.getChildWatcher() creates the default watcher once, lazily", async () => {
  const made: RecordingWatcher[] = [];
  await withFactory(() => made[made.push(new RecordingWatcher("default")) - 1], () => {
    const policy = new DefaultEventLoopPolicy({ platform: linux });
    using loop = new TestLoop();
    policy.setEventLoop(loop);
    assert.equal(made.length, 0, "nothing is created before it is asked for");
    const watcher = policy.getChildWatcher();
    assert.equal(made.length, 1);
    assert.equal(watcher, made[0]);
    assert.deepEqual(made[0].attached(), [loop], "attached to the policy's loop");
    assert.equal(policy.getChildWatcher(), watcher);
    assert.equal(made.length, 1);
    // Another policy has its own watcher.
    const other = new DefaultEventLoopPolicy({ platform: linux });
    assert.notEqual(other.getChildWatcher(), watcher);
    assert.deepEqual(made[1].attached(), [null], "no loop set on that policy yet");
  });
});

Deno.test("DefaultEventLoopPolicy: the installed policy's loop and watcher are the realm's", async () => {
  const made: RecordingWatcher[] = [];
  await withFactory(() => made[made.push(new RecordingWatcher("default")) - 1], () => {
    const policy = new DefaultEventLoopPolicy({ platform: linux });
    const watcher = new RecordingWatcher("set before install");
    policy.setChildWatcher(watcher);
    using loop = new TestLoop();
    policy.setEventLoop(loop);
    assert.equal(_peekChildWatcher(), null, "not installed: the realm has none");
    assert.equal(_getCurrentLoop(), undefined);
    setEventLoopPolicy(policy);
    assert.equal(_peekChildWatcher(), watcher, "installed: the watcher set on it is the realm's");
    assert.equal(_getCurrentLoop(), loop);
    assert.equal(policy.getEventLoop(), loop);
    // A watcher set now goes to the realm.
    const next = new RecordingWatcher("set after install");
    policy.setChildWatcher(next);
    assert.equal(watcher.closed, true);
    assert.equal(_peekChildWatcher(), next);
    // Replaced: the policy takes its loop and watcher back, the realm is empty.
    setEventLoopPolicy(null);
    assert.equal(_peekChildWatcher(), null);
    assert.equal(_getCurrentLoop(), undefined);
    assert.equal(policy.getChildWatcher(), next);
    assert.equal(policy.getEventLoop(), loop);
    assert.equal(next.closed, false, "neither is closed");
    assert.equal(made.length, 0);
  });
});

Deno.test("DefaultEventLoopPolicy.getChildWatcher() checks what the factory returns", async () => {
  await withFactory(() => bad<ChildWatcherLike>({ close() {} }), () => {
    const policy = new DefaultEventLoopPolicy({ platform: linux });
    assert.throws(() => policy.getChildWatcher(), {
      name: "TypeError",
      message: /^the default child watcher factory's result must be a child watcher/,
    });
  });
  assert.throws(() => _setDefaultChildWatcherFactory(bad("watcher")), {
    name: "TypeError",
    message: /^factory must be a function or null: got "watcher"/,
  });
});

/** Asserts a NotImplementedError from the child watcher check of a Windows policy. */
function assertWindowsRefusal(err: unknown, feature: string, platform: Platform, loop: string) {
  assert.ok(err instanceof NotImplementedError, `expected NotImplementedError: got ${err}`);
  assert.equal(err.feature, feature);
  assert.equal(err.os, platform.os);
  assert.equal(err.loop, loop);
  assert.ok(err.reason.length > 0);
}

Deno.test("DefaultEventLoopPolicy child watcher methods are unsupported on Windows", async (t) => {
  for (const loopKind of ["selector", "proactor"] as const) {
    await t.step(`${loopKind} policy`, async () => {
      const made: RecordingWatcher[] = [];
      await withFactory(() => made[made.push(new RecordingWatcher()) - 1], () => {
        const policy = new DefaultEventLoopPolicy({ platform: windows, loopKind });
        const watcher = new RecordingWatcher();
        const setErr = thrownBy(() => policy.setChildWatcher(watcher));
        assertWindowsRefusal(setErr, "setChildWatcher", windows, loopKind);
        const getErr = thrownBy(() => policy.getChildWatcher());
        assertWindowsRefusal(getErr, "getChildWatcher", windows, loopKind);
        // The check comes first: even a bad argument gets NotImplementedError.
        const badErr = thrownBy(() => policy.setChildWatcher(bad(42)));
        assertWindowsRefusal(badErr, "setChildWatcher", windows, loopKind);
        // ... and nothing happened: no watcher created, attached or closed.
        assert.equal(made.length, 0);
        assert.deepEqual(watcher.calls, []);
        using loop = new TestLoop();
        policy.setEventLoop(loop);
        assert.deepEqual(watcher.calls, []);
      });
    });
  }
});
