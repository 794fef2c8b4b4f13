// Readiness emulation: Deno has no select/poll, so a watched object keeps at
// most one host operation in flight per direction and reports "ready" from
// what that operation produced (see `_socket_io.ts` for sockets):
//
// - readable: a pending read (or accept) completed and its result is kept
//   for the next taker — received bytes, end of stream, an error, or an
//   accepted connection. Nothing read is dropped: a reader removed while its
//   read is pending leaves the bytes for the next `recv`/`sockRecv`.
// - writable: connected, and no write in flight (Deno writes asynchronously,
//   so this approximates "the send buffer has room").
// - Readers and writers are level-triggered, like select(): a ready callback
//   runs once per loop iteration for as long as the condition holds. When
//   the condition ends (the buffer was drained), the next read is queued and
//   started when the loop next goes to the host (`loop._ioStarts`), as a
//   transport's reads are.

import type { BaseEventLoop, IoStarter, Runnable } from "../core/base_event_loop.ts";
import type { Handle } from "../core/events.ts";
import { RuntimeError } from "../core/exceptions.ts";
import { OSError } from "./os_errors.ts";
import { errnoOf } from "./errors.ts";

/** `EBADF`: the operation's socket is closed. */
export function closedError(what: string): OSError {
  return new OSError(`${what}: Bad file descriptor (the socket is closed)`, {
    code: "EBADF",
    errno: errnoOf("EBADF"),
  });
}

/** A registered reader or writer: the runnable the loop runs while it is ready. */
class Watch implements Runnable {
  scheduled = false;
  active = true;
  constructor(readonly owner: Watchable, readonly reading: boolean, public handle: Handle) {}

  _run(): void {
    this.scheduled = false;
    if (!this.active) return;
    this.handle._run();
    this.owner._rearm(this);
  }
}

/**
 * Something readers and writers can watch: it says when it is readable or
 * writable and starts the host read that can make it readable.
 *
 * @ignore
 */
export abstract class Watchable implements IoStarter {
  /** The loop the object's operations run on (set by the first one). */
  _loop: BaseEventLoop | null = null;
  _reader: Watch | null = null;
  _writer: Watch | null = null;
  /** Whether this object waits in `loop._ioStarts`. */
  _queued = false;
  /** Describes the object in messages. */
  readonly _what: () => string;

  constructor(what: () => string) {
    this._what = what;
  }

  /** Whether a reader would run now. */
  abstract _readable(): boolean;
  /** Whether a writer would run now. */
  abstract _writable(): boolean;
  /** Whether a host read (or accept) should be started. */
  abstract _wantRead(): boolean;
  /** Whether a host read (or accept) is in flight. */
  abstract _hostReadInFlight(): boolean;
  /** Whether anything pending ties the object to its loop. */
  abstract _busy(): boolean;
  /** Starts the wanted host read; the loop calls it. */
  abstract _startIo(): void;

  get loop(): BaseEventLoop | null {
    return this._loop;
  }

  /** Binds the object's I/O to `loop` (an object in use elsewhere cannot move). */
  use(loop: BaseEventLoop): void {
    if (this._loop === loop) return;
    const old = this._loop;
    if (old !== null && !old.isClosed() && this._busy()) {
      throw new RuntimeError(`${this._what()} is in use by another event loop`);
    }
    // A closed loop's readers and writers went with it (as its selector did).
    if (old !== null && old.isClosed()) {
      this.removeWatch(true);
      this.removeWatch(false);
    }
    this._loop = loop;
    this._queued = false;
  }

  /** Whether a caller waits for the read itself (not only a reader): start it at once. */
  _waited(): boolean {
    return false;
  }

  /**
   * Starts the host read if one is wanted and none is in flight or queued:
   * at once for a waiting `sockRecv`/`sockAccept`, else (for a reader) when
   * the loop next goes to the host, polling once per trip like a selector.
   */
  _requestRead(): void {
    const loop = this._loop;
    if (this._queued || loop === null || loop.isClosed()) return;
    if (this._hostReadInFlight() || !this._wantRead()) return;
    if (this._waited()) {
      this._startIo();
      return;
    }
    this._queued = true;
    loop._queueIo(this);
  }

  /** Registers (or replaces, as asyncio does) the reader or writer callback. */
  addWatch(loop: BaseEventLoop, reading: boolean, handle: Handle): void {
    this.use(loop);
    const existing = reading ? this._reader : this._writer;
    let watch: Watch;
    if (existing !== null) {
      existing.handle.cancel();
      existing.handle = handle;
      watch = existing;
    } else {
      watch = new Watch(this, reading, handle);
      if (reading) this._reader = watch;
      else this._writer = watch;
    }
    this._arm(watch);
    if (reading) this._requestRead();
  }

  /** Unregisters the reader or writer; returns whether one was registered. */
  removeWatch(reading: boolean): boolean {
    const watch = reading ? this._reader : this._writer;
    if (watch === null) return false;
    watch.active = false;
    watch.handle.cancel();
    if (reading) this._reader = null;
    else this._writer = null;
    return true;
  }

  /** Schedules the watch for the next iteration if it is ready. */
  _arm(watch: Watch | null): void {
    const loop = this._loop;
    if (watch === null || !watch.active || watch.scheduled) return;
    if (loop === null || loop.isClosed()) return;
    if (!(watch.reading ? this._readable() : this._writable())) return;
    watch.scheduled = true;
    loop._callSoonRunnable(watch);
  }

  /** After a watch ran: again next iteration while ready, else read more. */
  _rearm(watch: Watch): void {
    this._arm(watch);
    if (watch.reading) this._requestRead();
  }
}
