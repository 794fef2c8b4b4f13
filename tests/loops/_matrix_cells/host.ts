// Matrix-cell rows for the host features: pipes and character devices,
// signals, the policy's child watcher, and the executor.

import assert from "node:assert/strict";
import { DefaultEventLoopPolicy } from "../../../mod.ts";
import {
  _defaultChildWatcherFactory,
  _setDefaultChildWatcherFactory,
} from "../../../loops/process/realm_child_watcher.ts";
import { bad } from "../../_helpers.ts";
import { RecordingWatcher } from "../../policy/_recording_watcher.ts";
import { type CellContext, type FeatureEntry, neverMade, Probe, settle } from "./context.ts";

const enc = new TextEncoder();
/** A signal whose default action is to do nothing, so sending it to ourselves is harmless. */
const HARMLESS_SIGNAL = "SIGWINCH";

/** A readable stream that records whether anything pulled from it. */
function watchedSource(): { stream: ReadableStream<Uint8Array>; pulled: () => boolean } {
  let pulled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled = true;
      controller.close();
    },
  }, { highWaterMark: 0 });
  return { stream, pulled: () => pulled };
}

/** A writable stream that records what was written to it. */
function watchedSink(): { stream: WritableStream<Uint8Array>; written: Uint8Array[] } {
  const written: Uint8Array[] = [];
  const stream = new WritableStream<Uint8Array>({ write: (chunk) => void written.push(chunk) });
  return { stream, written };
}

const connectReadPipe: FeatureEntry = {
  method: "connectReadPipe",
  kind: "pipe",
  attempt(c) {
    const source = watchedSource();
    return {
      call: () => c.loop.connectReadPipe(neverMade(), source.stream),
      assertNoTrace: () => {
        assert.equal(source.stream.locked, false, "nobody took a reader");
        assert.equal(source.pulled(), false, "nothing was read");
      },
    };
  },
  async real(c) {
    const p = new Probe(c.loop);
    const stream = ReadableStream.from([enc.encode("hello")]);
    await c.loop.runUntilComplete(c.loop.connectReadPipe(() => p, stream));
    assert.equal(await c.loop.runUntilComplete(p.lost), null);
    assert.equal(new TextDecoder().decode(p.data[0]), "hello");
  },
  pastCheck: (c) => c.loop.connectReadPipe(bad(null), watchedSource().stream),
};

const connectWritePipe: FeatureEntry = {
  method: "connectWritePipe",
  kind: "pipe",
  attempt(c) {
    const sink = watchedSink();
    return {
      call: () => c.loop.connectWritePipe(neverMade(), sink.stream),
      assertNoTrace: () => assert.equal(sink.stream.locked, false, "nobody took a writer"),
    };
  },
  async real(c) {
    const p = new Probe(c.loop);
    const sink = watchedSink();
    const [t] = await c.loop.runUntilComplete(c.loop.connectWritePipe(() => p, sink.stream));
    t.write(enc.encode("hello"));
    t.close();
    assert.equal(await c.loop.runUntilComplete(p.lost), null);
    assert.deepEqual(sink.written, [enc.encode("hello")]);
  },
  pastCheck: (c) => c.loop.connectWritePipe(bad(null), watchedSink().stream),
};

/** /dev/null: a character device every Unix has; closed by a clean-up unless a transport took it. */
function openCharDevice(c: CellContext): Deno.FsFile {
  const file = Deno.openSync("/dev/null", { read: true });
  c.defer(() => {
    try {
      file.close();
    } catch (e) {
      if (!(e instanceof Deno.errors.BadResource)) throw e;
    }
  });
  return file;
}

// A character device is watched through connectReadPipe: the refusal names
// that method, with the reason of the character-device row.
const characterDevices: FeatureEntry = {
  method: "connectReadPipe",
  errorFeature: "connectReadPipe",
  kind: "characterDevice",
  attempt(c) {
    const file = openCharDevice(c);
    return {
      call: () => c.loop.connectReadPipe(neverMade(), file),
      assertNoTrace: () => assert.equal(file.statSync().isCharDevice, true, "the file is open"),
    };
  },
  async real(c) {
    const file = openCharDevice(c);
    const p = new Probe(c.loop);
    await c.loop.runUntilComplete(c.loop.connectReadPipe(() => p, file));
    assert.equal(await c.loop.runUntilComplete(p.lost), null, "EOF from /dev/null");
  },
  pastCheck: (c) => c.loop.connectReadPipe(bad(null), openCharDevice(c)),
};

const addSignalHandler: FeatureEntry = {
  method: "addSignalHandler",
  attempt(c) {
    let calls = 0;
    return {
      call: () => c.loop.addSignalHandler(HARMLESS_SIGNAL, () => calls++),
      assertNoTrace: async () => {
        Deno.kill(Deno.pid, HARMLESS_SIGNAL);
        await settle(c, 20);
        assert.equal(calls, 0, "no handler was installed");
      },
    };
  },
  async real(c) {
    const got = c.loop.createFuture<string>();
    c.loop.addSignalHandler(HARMLESS_SIGNAL, (v: string) => got.setResult(v), "delivered");
    c.defer(() => c.loop.removeSignalHandler(HARMLESS_SIGNAL));
    Deno.kill(Deno.pid, HARMLESS_SIGNAL);
    assert.equal(await c.loop.runUntilComplete(got), "delivered");
  },
  pastCheck: (c) => c.loop.addSignalHandler(HARMLESS_SIGNAL, bad(42)),
};

const removeSignalHandler: FeatureEntry = {
  method: "removeSignalHandler",
  attempt: (c) => ({ call: () => c.loop.removeSignalHandler(HARMLESS_SIGNAL) }),
  real(c) {
    c.loop.addSignalHandler(HARMLESS_SIGNAL, () => {});
    assert.equal(c.loop.removeSignalHandler(HARMLESS_SIGNAL), true);
    assert.equal(c.loop.removeSignalHandler(HARMLESS_SIGNAL), false);
    return Promise.resolve();
  },
  pastCheck: (c) => c.loop.removeSignalHandler(bad("SIGNOPE")),
};

/** The policy a cell's loop would come from: same platform, same loop kind. */
function policyOf(c: CellContext): DefaultEventLoopPolicy {
  return new DefaultEventLoopPolicy({ platform: c.platform, loopKind: c.loopKind });
}

/** Registers a default-watcher factory that records what it made; restored by a clean-up. */
function recordingFactory(c: CellContext): RecordingWatcher[] {
  const made: RecordingWatcher[] = [];
  const previous = _defaultChildWatcherFactory();
  _setDefaultChildWatcherFactory(() => made[made.push(new RecordingWatcher("default")) - 1]);
  c.defer(() => _setDefaultChildWatcherFactory(previous));
  return made;
}

const setChildWatcher: FeatureEntry = {
  method: null,
  attempt(c) {
    const policy = policyOf(c);
    const watcher = new RecordingWatcher();
    return {
      call: () => policy.setChildWatcher(watcher),
      assertNoTrace: () => {
        policy.setEventLoop(c.loop); // would attach a watcher that had been set
        assert.deepEqual(watcher.calls, [], "the watcher was not set");
      },
    };
  },
  real(c) {
    const policy = policyOf(c);
    const watcher = new RecordingWatcher();
    policy.setChildWatcher(watcher);
    assert.equal(policy.getChildWatcher(), watcher);
    return Promise.resolve();
  },
  pastCheck: (c) => policyOf(c).setChildWatcher(bad(42)),
};

const getChildWatcher: FeatureEntry = {
  method: null,
  attempt(c) {
    const made = recordingFactory(c);
    const policy = policyOf(c);
    return {
      call: () => policy.getChildWatcher(),
      assertNoTrace: () => assert.equal(made.length, 0, "no watcher was created"),
    };
  },
  real(c) {
    const made = recordingFactory(c);
    const policy = policyOf(c);
    policy.setEventLoop(c.loop);
    assert.equal(policy.getChildWatcher(), made[0]);
    assert.deepEqual(made[0].attached(), [c.loop]);
    return Promise.resolve();
  },
  pastCheck(c) {
    const made = recordingFactory(c);
    assert.equal(policyOf(c).getChildWatcher(), made[0]);
  },
};

const runInExecutor: FeatureEntry = {
  method: "runInExecutor",
  attempt: (c) => ({ call: () => c.loop.runInExecutor(null, (a: number) => a + 1, 1) }),
  async real(c) {
    const result = await c.loop.runUntilComplete(
      c.loop.runInExecutor(null, (a: number) => a + 1, 1),
    );
    assert.equal(result, 2);
    await c.loop.runUntilComplete(c.loop.shutdownDefaultExecutor());
  },
  pastCheck: (c) => c.loop.runInExecutor(bad(42), () => 1),
};

/** The host rows of the table. */
export const HOST_ENTRIES = {
  connectReadPipe,
  connectWritePipe,
  characterDevices,
  addSignalHandler,
  removeSignalHandler,
  setChildWatcher,
  getChildWatcher,
  runInExecutor,
} satisfies Record<string, FeatureEntry>;
