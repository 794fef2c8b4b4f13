// A child watcher that only records the calls it gets, for the policy
// tests (the real watcher belongs to the subprocess layer).

import type { AbstractEventLoop, ChildExitCallback, ChildWatcherLike } from "../../mod.ts";

/** One call a RecordingWatcher received. */
export type WatcherCall =
  | { method: "attachLoop"; loop: AbstractEventLoop | null }
  | { method: "close" }
  | { method: "addChildHandler"; pid: number }
  | { method: "removeChildHandler"; pid: number };

/** Records every call; `closed` after close(). */
export class RecordingWatcher implements ChildWatcherLike {
  readonly calls: WatcherCall[] = [];
  readonly handlers = new Map<number, ChildExitCallback>();
  closed = false;

  constructor(readonly label = "watcher") {}

  addChildHandler(pid: number, callback: ChildExitCallback): void {
    this.calls.push({ method: "addChildHandler", pid });
    this.handlers.set(pid, callback);
  }

  removeChildHandler(pid: number): boolean {
    this.calls.push({ method: "removeChildHandler", pid });
    return this.handlers.delete(pid);
  }

  attachLoop(loop: AbstractEventLoop | null): void {
    this.calls.push({ method: "attachLoop", loop });
  }

  close(): void {
    this.calls.push({ method: "close" });
    this.closed = true;
  }

  /** The loops passed to attachLoop, in order. */
  attached(): (AbstractEventLoop | null)[] {
    return this.calls.flatMap((c) => c.method === "attachLoop" ? [c.loop] : []);
  }
}
