// Helpers shared by the streams tests: an echo handler, running an async
// function on a watched loop, catching a failure, closing a server.

import assert from "node:assert/strict";
import {
  type Coroutine,
  SelectorEventLoop,
  type StreamReader,
  type StreamWriter,
  wrapFuture,
} from "../../../mod.ts";
import type { AbstractServer } from "../../../loops/protocols_mod.ts";
import { type ExceptionWatcher, withLoop } from "../../_helpers.ts";

/** The echo handler as a coroutine: reads chunks and writes them back until EOF. */
export function* echoHandler(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
  for (;;) {
    const data = yield* reader.read(65536);
    if (data.length === 0) break;
    writer.write(data);
    yield* writer.drain();
  }
  writer.close();
}

/** Runs an async function on a new watched SelectorEventLoop (started once the loop runs). */
export function onLoopAsync<T>(
  main: (loop: SelectorEventLoop, exceptions: ExceptionWatcher) => Promise<T>,
): Promise<T> {
  return withLoop(
    () => new SelectorEventLoop(),
    (loop, exceptions) =>
      loop.runUntilComplete(function* () {
        return yield* wrapFuture(main(loop, exceptions));
      }()),
  );
}

/** Awaits `fut` and returns what it failed with; fails the test if it succeeds. */
export function* failure(fut: Iterable<unknown, unknown>): Coroutine<unknown> {
  try {
    yield* fut;
  } catch (e) {
    return e;
  }
  return assert.fail("expected a failure");
}

/** Closes a server and waits until it is closed. */
export function* closeServer(server: AbstractServer): Coroutine<void> {
  server.close();
  yield* server.waitClosed();
}
