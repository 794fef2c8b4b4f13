// The future a StreamReader read returns. It is the whole cost of a read:
// the reader completes it directly when data arrives (no task, no
// coroutine), and it delivers its own done callbacks from the ready queue
// (no handle allocated).
//
// Cancellation keeps asyncio's guarantee that a cancelled read loses no
// data. In asyncio the bytes are consumed only when the reading coroutine
// resumes, so cancelling it before that leaves them in the buffer. Here the
// bytes are consumed when the future completes; if it is cancelled after
// completing but before anyone saw the result (its callbacks have not run,
// `result()` was not called), it gives the bytes back to the reader and
// becomes cancelled, as the coroutine would have been.

import type { BaseEventLoop } from "../core/base_event_loop.ts";
import { type AbstractEventLoop, callbackName } from "../core/events.ts";
import { Future, runDoneCallback } from "../core/futures.ts";

const PENDING = 0;
const CANCELLED = 1;

/** @ignore What a read future needs from its reader. */
export interface ReadSource {
  /** The pending read was cancelled. */
  _readCancelled(fut: Future<Uint8Array>): void;
  /** Whether `fut` was the last read and may still give its bytes back. */
  _mayUnread(fut: Future<Uint8Array>): boolean;
  /** Puts bytes back in front of the buffer. */
  _unread(bytes: Uint8Array): void;
}

type DoneCallback = NonNullable<ReturnType<Future<unknown>["_takeCallbacks"]>>[number];

/** @ignore A read's future; see the module comment. */
export class ReadFuture extends Future<Uint8Array> {
  // Declared and set in the constructor, not class fields (see Future).
  /** The reader, while the bytes may still go back to it. */
  declare _source: ReadSource | null;
  /** The bytes this read took from the buffer (null: cannot give them back). */
  declare _consumed: Uint8Array | null;
  /** The done callbacks taken at completion, until `_run` runs them. */
  declare _pendingCallbacks: DoneCallback[] | null;

  constructor(loop: AbstractEventLoop, source: ReadSource) {
    super({ loop });
    this._source = source;
    this._consumed = null;
    this._pendingCallbacks = null;
  }

  /**
   * Completes the read with `result`, or with `exc` when it is defined.
   * `consumed`: the bytes taken from the reader's buffer.
   */
  _complete(result: Uint8Array | null, exc: unknown, consumed: Uint8Array | null): void {
    const callbacks = this._takeCallbacks(); // so the base class schedules nothing itself
    if (exc === undefined) super.setResult(result!);
    else super.setException(exc);
    this._consumed = consumed;
    if (callbacks === null) return;
    const loop = this._loop as Partial<BaseEventLoop> & AbstractEventLoop;
    if (loop.isClosed()) return;
    this._pendingCallbacks = callbacks;
    if (loop._callSoonRunnable !== undefined) loop._callSoonRunnable(this);
    else loop.callSoon(() => this._run());
  }

  /** @ignore Runs the done callbacks; the loop calls it. */
  _run(): void {
    const callbacks = this._pendingCallbacks;
    this._pendingCallbacks = null;
    this._source = null;
    this._consumed = null;
    if (callbacks === null) return;
    for (let i = 0; i < callbacks.length; i++) {
      try {
        runDoneCallback(callbacks[i], this as Future<unknown>);
      } catch (exception) {
        this._loop.callExceptionHandler({
          message: `Exception in callback ${callbackName(callbacks[i])}(${this})`,
          exception,
          future: this,
        });
      }
    }
  }

  /** The bytes read; see `Future.result`. */
  override result(): Uint8Array {
    this._source = null;
    return super.result();
  }

  /** The read's error or null; see `Future.exception`. */
  override exception(): unknown {
    this._source = null;
    return super.exception();
  }

  /**
   * Cancels the read. A pending read stops waiting; a read that completed
   * but whose result nobody has seen yet gives its bytes back to the reader
   * and becomes cancelled.
   *
   * @param msg The cancel message.
   * @returns Whether the read is now cancelled.
   */
  override cancel(msg?: string): boolean {
    const source = this._source;
    if (this._state === PENDING) {
      if (!super.cancel(msg)) return false;
      this._source = null;
      source?._readCancelled(this);
      return true;
    }
    const consumed = this._consumed;
    if (source === null || consumed === null || !source._mayUnread(this)) return false;
    if (this._exception !== undefined) super.exception(); // retrieved: no "never retrieved" report
    source._unread(consumed);
    this._state = CANCELLED;
    this._result = undefined;
    this._exception = undefined;
    this._cancelMessage = msg;
    this._source = null;
    this._consumed = null;
    return true;
  }
}
