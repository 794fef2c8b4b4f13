// StreamReader on its own, fed by hand on a TestLoop: every read kind,
// partial data across chunks, separators spanning chunks, EOF and limit
// errors, flow control of the transport, cancellation that loses no data,
// and reading from both generator coroutines and async functions.

import assert from "node:assert/strict";
import {
  CancelledError,
  type Coroutine,
  createTask,
  IncompleteReadError,
  LimitOverrunError,
  NotImplementedError,
  RuntimeError,
  sleep,
  StreamReader,
  TimeoutError,
  waitFor,
} from "../../../mod.ts";
import { TestLoop } from "../../../loops/testing/mod.ts";
import { Transport } from "../../../loops/protocols_mod.ts";
import { bad, thrownBy, withLoop } from "../../_helpers.ts";
import { failure } from "./_streams.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string) => enc.encode(s);
const s = (u: Uint8Array) => dec.decode(u);

/** Runs `main(reader, loop)` on a fresh TestLoop. */
function onReader<T>(
  main: (reader: StreamReader, loop: TestLoop) => Coroutine<T>,
  limit?: number,
): Promise<T> {
  return withLoop(() => new TestLoop(), (loop) => {
    const reader = new StreamReader({ loop, limit });
    return loop.runUntilComplete(main(reader, loop));
  });
}

/** Feeds `chunks` one per loop iteration, then EOF if asked. */
function feedLater(reader: StreamReader, chunks: string[], eof = false): void {
  createTask(function* () {
    for (const c of chunks) {
      yield* sleep(0);
      reader.feedData(b(c));
    }
    if (eof) reader.feedEof();
  }());
}

Deno.test("StreamReader.read() returns buffered bytes at once and waits when empty", async () => {
  await onReader(function* (reader) {
    reader.feedData(b("abcdef"));
    const first = reader.read(4);
    assert.ok(first.done(), "buffered data gives a done future");
    assert.equal(s(yield* first), "abcd");
    assert.equal(s(yield* reader.read(100)), "ef");
    const pending = reader.read(10);
    assert.ok(!pending.done());
    feedLater(reader, ["xyz"]);
    assert.equal(s(yield* pending), "xyz");
    assert.equal((yield* reader.read(0)).length, 0);
    reader.feedEof();
    assert.equal((yield* reader.read(5)).length, 0);
    assert.ok(reader.atEof());
  });
});

Deno.test("StreamReader.read(-1) reads until EOF across chunks", async () => {
  await onReader(function* (reader) {
    reader.feedData(b("one "));
    feedLater(reader, ["two ", "three"], true);
    assert.equal(s(yield* reader.read()), "one two three");
    assert.equal((yield* reader.read()).length, 0);
  }, 4);
});

Deno.test("StreamReader.readline() handles partial lines, chunks and EOF", async () => {
  await onReader(function* (reader) {
    reader.feedData(b("first\nsec"));
    assert.equal(s(yield* reader.readline()), "first\n");
    feedLater(reader, ["ond", "\nthi", "rd"], true);
    assert.equal(s(yield* reader.readline()), "second\n");
    assert.equal(s(yield* reader.readline()), "third");
    assert.equal((yield* reader.readline()).length, 0);
  });
});

Deno.test("StreamReader.readexactly() waits for enough data and fails at EOF with .partial", async () => {
  await onReader(function* (reader) {
    feedLater(reader, ["ab", "cd", "efg"]);
    assert.equal(s(yield* reader.readexactly(5)), "abcde");
    assert.equal(s(yield* reader.readexactly(1)), "f");
    assert.equal((yield* reader.readexactly(0)).length, 0);
    feedLater(reader, ["hi"], true);
    try {
      yield* reader.readexactly(10);
      assert.fail("expected IncompleteReadError");
    } catch (e) {
      assert.ok(e instanceof IncompleteReadError);
      assert.equal(s(e.partial), "ghi");
      assert.equal(e.expected, 10);
    }
    assert.ok(reader.atEof());
  });
  const e = thrownBy(() => new StreamReader({ loop: new TestLoop() }).readexactly(-1));
  assert.ok(e instanceof RangeError);
});

Deno.test("StreamReader.readuntil() finds separators spanning chunks", async (t) => {
  await t.step("one multi-byte separator", async () => {
    await onReader(function* (reader) {
      feedLater(reader, ["head", "er\r", "\nbody\r", "\n"]);
      assert.equal(s(yield* reader.readuntil("\r\n")), "header\r\n");
      assert.equal(s(yield* reader.readuntil(b("\r\n"))), "body\r\n");
    });
  });
  await t.step("several separators: the shortest match wins", async () => {
    await onReader(function* (reader) {
      reader.feedData(b("a;;b|c"));
      assert.equal(s(yield* reader.readuntil([";;", "|"])), "a;;");
      assert.equal(s(yield* reader.readuntil(["|", ";;"])), "b|");
      reader.feedData(b("xyz\r\n"));
      assert.equal(s(yield* reader.readuntil(["\n", "\r\n"])), "cxyz\r\n");
    });
  });
  await t.step("EOF before the separator: IncompleteReadError with the partial data", async () => {
    await onReader(function* (reader) {
      feedLater(reader, ["no end", " here\r"], true);
      try {
        yield* reader.readuntil("\r\n");
        assert.fail("expected IncompleteReadError");
      } catch (e) {
        assert.ok(e instanceof IncompleteReadError);
        assert.equal(s(e.partial), "no end here\r");
        assert.equal(e.expected, null);
      }
    });
  });
  await t.step("bad separators throw at once", () => {
    const reader = new StreamReader({ loop: new TestLoop() });
    assert.ok(thrownBy(() => reader.readuntil("")) instanceof RangeError);
    assert.ok(thrownBy(() => reader.readuntil([])) instanceof RangeError);
    assert.ok(thrownBy(() => reader.readuntil(bad(5))) instanceof TypeError);
  });
});

Deno.test("StreamReader.readuntil() raises LimitOverrunError and keeps the buffer", async (t) => {
  await t.step("separator not found within the limit", async () => {
    await onReader(function* (reader) {
      reader.feedData(b("01234"));
      feedLater(reader, ["56789", "ABCDEF"]);
      try {
        yield* reader.readuntil("\n");
        assert.fail("expected LimitOverrunError");
      } catch (e) {
        assert.ok(e instanceof LimitOverrunError);
        assert.ok(e.consumed > 8);
      }
      assert.equal(s(yield* reader.readexactly(16)), "0123456789ABCDEF", "the data is still there");
    }, 8);
  });
  await t.step("separator found past the limit", async () => {
    await onReader(function* (reader) {
      reader.feedData(b("0123456789\nrest"));
      const err = yield* failure(reader.readuntil("\n"));
      assert.ok(err instanceof LimitOverrunError && err.consumed === 10);
      assert.equal(s(yield* reader.read(100)), "0123456789\nrest");
    }, 8);
  });
});

Deno.test("StreamReader.readline() drops an over-long line and raises RangeError", async () => {
  await onReader(function* (reader) {
    reader.feedData(b("0123456789\nok\n"));
    const err = yield* failure(reader.readline());
    assert.ok(err instanceof RangeError && err.cause instanceof LimitOverrunError);
    assert.equal(s(yield* reader.readline()), "ok\n", "the long line was dropped");
    reader.feedData(b("abcdefghijkl"));
    assert.ok((yield* failure(reader.readline())) instanceof RangeError);
    reader.feedData(b("mn\n"));
    assert.equal(s(yield* reader.readline()), "mn\n", "the buffer was cleared");
  }, 8);
});

Deno.test("StreamReader async iteration yields lines until EOF", async () => {
  await withLoop(() => new TestLoop(), async (loop) => {
    const reader = new StreamReader({ loop });
    const lines = await loop.runUntilComplete((async () => {
      loop.callSoon(() => {
        reader.feedData(b("a\nb"));
        loop.callSoon(() => {
          reader.feedData(b("\nc"));
          loop.callSoon(() => reader.feedEof());
        });
      });
      const out: string[] = [];
      for await (const line of reader) out.push(s(line));
      return out;
    })());
    assert.deepEqual(lines, ["a\n", "b\n", "c"]);
  });
});

Deno.test("StreamReader.setException() fails the waiting read and every later one", async () => {
  await onReader(function* (reader, loop) {
    reader.feedData(b("kept"));
    const boom = new Error("boom");
    const pending = reader.readexactly(10);
    loop.callSoon(() => reader.setException(boom));
    assert.equal(yield* failure(pending), boom);
    assert.equal(yield* failure(reader.read()), boom);
    assert.equal(yield* failure(reader.readline()), boom);
    assert.equal(reader.exception(), boom);
  });
});

Deno.test("StreamReader rejects a second read while one is waiting", async () => {
  await onReader(function* (reader) {
    const first = reader.read(10);
    const err = yield* failure(reader.readline());
    assert.ok(err instanceof RuntimeError);
    assert.match(err.message, /readline\(\) called while another coroutine is already waiting/);
    reader.feedData(b("x"));
    assert.equal(s(yield* first), "x");
  });
});

Deno.test("StreamReader.feedData() copies, and refuses data after EOF", async () => {
  await onReader(function* (reader) {
    const chunk = b("abc");
    reader.feedData(chunk);
    chunk[0] = 120;
    assert.equal(s(yield* reader.read(3)), "abc");
    reader.feedEof();
    assert.ok(thrownBy(() => reader.feedData(b("late"))) instanceof RuntimeError);
    assert.ok(thrownBy(() => reader.feedData(bad("text"))) instanceof TypeError);
  });
  assert.ok(
    thrownBy(() => new StreamReader({ limit: 0, loop: new TestLoop() })) instanceof RangeError,
  );
});

Deno.test("StreamReader: a cancelled read loses no data", async (t) => {
  await t.step("cancelled while waiting", async () => {
    await onReader(function* (reader) {
      const task = createTask(function* () {
        return yield* reader.readexactly(4);
      }());
      yield* sleep(0);
      reader.feedData(b("ab"));
      task.cancel();
      assert.ok((yield* failure(task)) instanceof CancelledError);
      reader.feedData(b("cd"));
      assert.equal(s(yield* reader.readexactly(4)), "abcd");
    });
  });
  await t.step("cancelled after the data arrived, before the task resumed", async () => {
    await onReader(function* (reader, loop) {
      const task = createTask(function* () {
        return yield* reader.readline();
      }());
      yield* sleep(0);
      loop.callSoon(() => {
        reader.feedData(b("line\nmore"));
        task.cancel("stop");
      });
      const err = yield* failure(task);
      assert.ok(err instanceof CancelledError && err.message === "stop");
      assert.equal(s(yield* reader.readline()), "line\n", "the line was given back");
    });
  });
  await t.step("read(-1) cancelled midway puts back what it had", async () => {
    await onReader(function* (reader) {
      const fut = reader.read();
      reader.feedData(b("partial "));
      reader.feedData(b("data"));
      assert.ok(fut.cancel());
      reader.feedEof();
      assert.equal(s(yield* reader.read()), "partial data");
    });
  });
  await t.step("a delivered result is not taken back", async () => {
    await onReader(function* (reader) {
      reader.feedData(b("xy"));
      const fut = reader.read(1);
      assert.equal(s(yield* fut), "x");
      assert.ok(!fut.cancel());
      assert.equal(s(yield* reader.read(5)), "y");
    });
  });
});

Deno.test("StreamReader: waitFor() on a read times out and the next read still works", async () => {
  await onReader(function* (reader, loop) {
    try {
      yield* waitFor(reader.readline(), 1);
      assert.fail("expected a timeout");
    } catch (e) {
      assert.ok(e instanceof TimeoutError);
    }
    assert.equal(loop.time(), 1);
    loop.callLater(0.5, () => reader.feedData(b("late line\n")));
    assert.equal(s(yield* waitFor(reader.readline(), 1)), "late line\n");
  });
});

/** A transport that only records flow-control calls. */
class FlowTransport extends Transport {
  calls: string[] = [];
  canPause = true;
  override pauseReading(): void {
    if (!this.canPause) throw new NotImplementedError("no pausing");
    this.calls.push("pause");
  }
  override resumeReading(): void {
    this.calls.push("resume");
  }
  override isClosing(): boolean {
    return false;
  }
}

Deno.test("StreamReader pauses the transport over 2 × limit and resumes at the limit", async () => {
  await onReader(function* (reader) {
    const transport = new FlowTransport();
    reader.setTransport(transport);
    assert.ok(thrownBy(() => reader.setTransport(transport)) instanceof RuntimeError);
    reader.feedData(new Uint8Array(10));
    reader.feedData(new Uint8Array(10));
    assert.deepEqual(transport.calls, []);
    reader.feedData(new Uint8Array(1));
    assert.deepEqual(transport.calls, ["pause"], "21 bytes > 2 × 10");
    yield* reader.read(5);
    assert.deepEqual(transport.calls, ["pause"], "16 bytes: still over the limit");
    yield* reader.read(6);
    assert.deepEqual(transport.calls, ["pause", "resume"], "10 bytes: at the limit");
    reader.feedData(new Uint8Array(20));
    assert.deepEqual(transport.calls, ["pause", "resume", "pause"]);
    const big = reader.readexactly(40); // more than is buffered: must not wait paused
    assert.deepEqual(transport.calls, ["pause", "resume", "pause", "resume"]);
    reader.feedData(new Uint8Array(20));
    assert.equal((yield* big).length, 40);
  }, 10);
  await onReader(function* (reader) {
    const transport = new FlowTransport();
    transport.canPause = false;
    reader.setTransport(transport);
    reader.feedData(new Uint8Array(50));
    reader.feedData(new Uint8Array(50));
    assert.equal((yield* reader.read(1000)).length, 100, "buffers everything if it cannot pause");
  }, 10);
});

Deno.test("StreamReader reads from an async function with await", async () => {
  await withLoop(() => new TestLoop(), async (loop) => {
    const reader = new StreamReader({ loop });
    const out = await loop.runUntilComplete((async () => {
      loop.callSoon(() => {
        reader.feedData(b("12345\nxy"));
        loop.callSoon(() => reader.feedEof());
      });
      const line = await reader.readline();
      const two = await reader.readexactly(2);
      const rest = await reader.read();
      return [s(line), s(two), rest.length];
    })());
    assert.deepEqual(out, ["12345\n", "xy", 0]);
    assert.match(String(reader), /StreamReader eof/);
  });
});

Deno.test("StreamReader: a waiting read decides on everything fed before it runs, as asyncio", async (t) => {
  await t.step("readline() over the limit drops the whole line fed in one callback", async () => {
    await onReader(function* (reader, loop) {
      const transport = new FlowTransport();
      reader.setTransport(transport);
      const line = reader.readline();
      loop.callSoon(() => {
        reader.feedData(b("chunk1"));
        reader.feedData(b("chunk2"));
        reader.feedData(b("chunk3\n"));
        reader.feedEof();
      });
      const err = yield* failure(line);
      assert.ok(err instanceof RangeError, String(err));
      assert.ok(err.cause instanceof LimitOverrunError);
      assert.equal(err.cause.consumed, 18);
      assert.equal((yield* reader.readline()).length, 0, "the 19-byte line was discarded");
      assert.ok(reader.atEof());
      assert.deepEqual(transport.calls, ["pause", "resume"], "19 bytes > 2 × 7, then cleared");
    }, 7);
  });
  await t.step("read(n) returns what several feeds of one callback gave", async () => {
    await onReader(function* (reader, loop) {
      const pending = reader.read(100);
      loop.callSoon(() => {
        reader.feedData(b("ab"));
        reader.feedData(b("cd"));
      });
      assert.equal(s(yield* pending), "abcd");
    });
  });
  await t.step("the read completes on a later iteration, not inside feedData()", async () => {
    await onReader(function* (reader) {
      const pending = reader.readexactly(2);
      reader.feedData(b("xy"));
      assert.ok(!pending.done(), "feedData() only wakes the read");
      assert.equal(s(yield* pending), "xy");
    });
  });
  await t.step(
    "setException() after data in the same callback: the read gets the data",
    async () => {
      await onReader(function* (reader, loop) {
        const pending = reader.read(10);
        const boom = new Error("boom");
        loop.callSoon(() => {
          reader.feedData(b("data"));
          reader.setException(boom);
        });
        assert.equal(s(yield* pending), "data");
        assert.equal(yield* failure(reader.read(10)), boom);
      });
    },
  );
  await t.step(
    "a read woken by data that still cannot complete fails once the stream failed",
    async () => {
      await onReader(function* (reader, loop) {
        const pending = reader.readexactly(10);
        const boom = new Error("boom");
        loop.callSoon(() => {
          reader.feedData(b("short"));
          reader.setException(boom);
        });
        assert.equal(yield* failure(pending), boom, "no endless wait");
      });
    },
  );
});

Deno.test("StreamReader pauses the transport while a read waits too, and read(-1) resumes it", async () => {
  await onReader(function* (reader, loop) {
    const transport = new FlowTransport();
    reader.setTransport(transport);
    const all = reader.read();
    loop.callSoon(() => {
      reader.feedData(new Uint8Array(21));
      assert.deepEqual(transport.calls, ["pause"], "21 bytes > 2 × 10 with read(-1) waiting");
      loop.callSoon(() => reader.feedEof());
    });
    assert.equal((yield* all).length, 21);
    assert.deepEqual(transport.calls, ["pause", "resume"]);
  }, 10);
});

Deno.test("StreamReader: read(-1) cancelled after taking some data puts it back", async () => {
  await onReader(function* (reader) {
    const fut = reader.read();
    reader.feedData(b("partial "));
    yield* sleep(0); // the read wakes and takes "partial ", then waits for EOF
    reader.feedData(b("data"));
    assert.ok(fut.cancel());
    reader.feedEof();
    assert.equal(s(yield* reader.read()), "partial data");
  });
});
