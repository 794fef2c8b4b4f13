// The subprocess transport: a Deno.ChildProcess, its pipes wrapped in the
// pipe transports (stdin: WritePipeTransport; stdout/stderr:
// ReadPipeTransport), and asyncio's protocol order:
//
//   connectionMade(transport)
//   pipeDataReceived(fd, data)*      (per fd, before that fd's pipeConnectionLost)
//   pipeConnectionLost(fd, exc)      (once per pipe)
//   processExited()                  (before or after the pipes close, as it happens)
//   connectionLost(null)             (last, once the child exited AND every pipe closed)
//
// The exit is learned from the child's own `status` promise, never from a
// child watcher: the policy's watcher, if there is one, is only told about
// the child. Everything reaches the protocol as a loop callback.

import type { BaseEventLoop } from "../core/base_event_loop.ts";
import { returncodeOf } from "./child_watcher.ts";
import type { Future } from "../core/futures.ts";
import { ProcessLookupError } from "../net/os_errors.ts";
import { type BaseProtocol, Protocol } from "../core/protocols.ts";
import {
  type BaseTransport,
  type PipeExtraInfo,
  ReadTransport,
  type SubprocessExtraInfo,
  SubprocessTransport,
} from "../core/transports.ts";
import { mapIoError } from "../net/errors.ts";
import { checkSignal } from "./signals.ts";
import type { SpawnPlan } from "./subprocess_options.ts";
import { ReadPipeTransport } from "./read_pipe.ts";
import { WritePipeTransport } from "./write_pipe.ts";
import { TransportBase } from "../net/transports/base.ts";

/** One of the child's fds as the protocol sees it (fd 1 may be fed by two pipes). */
interface PipeSlot {
  readonly fd: number;
  /** What `getPipeTransport(fd)` returns. */
  transport: ReadTransport<PipeExtraInfo> | WritePipeTransport;
  /** Pipe transports of this fd not yet lost. */
  open: number;
  /** The first error a pipe of this fd ended with. */
  exc: Error | null;
}

/** Forwards one pipe transport's events to the subprocess transport. */
class PipeProto extends Protocol {
  constructor(readonly owner: DenoSubprocessTransport, readonly slot: PipeSlot) {
    super();
  }
  override dataReceived(data: Uint8Array): void {
    this.owner._pipeDataReceived(this.slot.fd, data);
  }
  override connectionLost(exc: Error | null): void {
    this.owner._pipeLost(this.slot, exc);
  }
  override pauseWriting(): void {
    this.owner._flowControl("pauseWriting");
  }
  override resumeWriting(): void {
    this.owner._flowControl("resumeWriting");
  }
}

/**
 * Fd 1 of a child spawned with `stderr: STDOUT`: its stdout and stderr
 * pipes read as one (Deno cannot merge them into one pipe). Pausing, resuming
 * and closing apply to both.
 */
class MergedReadTransport extends ReadTransport<PipeExtraInfo> {
  constructor(readonly parts: readonly ReadPipeTransport[]) {
    super();
    this._extra = parts[0]._extra;
  }
  override isReading(): boolean {
    return this.parts.every((p) => p.isReading());
  }
  override pauseReading(): void {
    for (const p of this.parts) p.pauseReading();
  }
  override resumeReading(): void {
    for (const p of this.parts) p.resumeReading();
  }
  override isClosing(): boolean {
    return this.parts.every((p) => p.isClosing());
  }
  override close(): void {
    for (const p of this.parts) p.close();
  }
  override setProtocol(protocol: BaseProtocol): void {
    for (const p of this.parts) p.setProtocol(protocol);
  }
  override getProtocol(): BaseProtocol {
    return this.parts[0].getProtocol();
  }
  override toString(): string {
    return `<MergedReadTransport ${this.parts.join(" ")}>`;
  }
}

/**
 * The transport of a child process started by `loop.subprocessExec()` or
 * `loop.subprocessShell()`, on a `Deno.ChildProcess`. Extra info:
 * `subprocess` (the `Deno.ChildProcess`).
 *
 * `close()` closes the pipes and kills the child if it still runs (SIGKILL,
 * as asyncio). Signalling a child whose transport has finished (its
 * `connectionLost` ran) throws `ProcessLookupError`; signalling one that has
 * exited but whose pipes are still open does nothing.
 *
 * Once the loop is closed the protocol is not called any more (a child
 * that exits later only sets the return code). An exception raised by a
 * protocol callback is reported to the loop's exception handler and the
 * transport goes on (the child keeps running, its pipes keep delivering),
 * as in asyncio.
 *
 * `getExtraInfo` keys (`SubprocessExtraInfo`): `subprocess` (the
 * `Deno.ChildProcess`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SelectorEventLoop } from "@asyncio/deno";
 * import { SubprocessProtocol } from "@asyncio/deno/protocols";
 * import { DenoSubprocessTransport } from "./subprocess_transport.ts";
 * const loop = new SelectorEventLoop();
 * const [t] = await loop.runUntilComplete(
 *   loop.subprocessExec(() => new SubprocessProtocol(), "sleep", ["30"], { stdin: null }),
 * );
 * assert(t instanceof DenoSubprocessTransport);
 * assert(t.getExtraInfo("subprocess") instanceof Deno.ChildProcess);
 * t.terminate();
 * const code = await loop.runUntilComplete((t as DenoSubprocessTransport)._wait());
 * assert(code === -15 && t.getReturncode() === -15);
 * loop.close();
 * ```
 */
export class DenoSubprocessTransport extends TransportBase<SubprocessExtraInfo>
  implements SubprocessTransport<SubprocessExtraInfo> {
  /** @ignore A `SubprocessTransport`. */
  static override readonly _implements: readonly (abstract new (...args: never[]) => object)[] = [
    SubprocessTransport,
  ];
  #child: Deno.ChildProcess | null;
  #pid: number;
  #slots: (PipeSlot | null)[] = [null, null, null];
  #pipes: (ReadPipeTransport | WritePipeTransport)[] = [];
  #slotsOpen = 0;
  #returncode: number | null = null;
  #exitedOnHost = false;
  #exitWaiters: Future<number>[] | null = [];

  /** @ignore Wraps a spawned child and its pipes. Call `_start()` next. */
  constructor(
    loop: BaseEventLoop,
    child: Deno.ChildProcess,
    protocol: BaseProtocol,
    plan: SpawnPlan,
  ) {
    super(loop, protocol, { subprocess: child });
    this.#child = child;
    this.#pid = child.pid;
    const { stdin, stdout, stderr } = plan.command;
    if (stdin === "piped") this.#addWriteSlot(child.stdin);
    const reads: ReadableStream<Uint8Array>[] = [];
    if (stdout === "piped") reads.push(child.stdout);
    if (stderr === "piped" && plan.mergeStderr) reads.push(child.stderr);
    if (reads.length > 0) this.#addReadSlot(1, reads);
    if (stderr === "piped" && !plan.mergeStderr) this.#addReadSlot(2, [child.stderr]);
  }

  #addSlot(fd: number, open: number): PipeSlot {
    const slot: PipeSlot = { fd, transport: null!, open, exc: null };
    this.#slots[fd] = slot;
    this.#slotsOpen++;
    return slot;
  }

  #addWriteSlot(stream: WritableStream<Uint8Array>): void {
    const slot = this.#addSlot(0, 1);
    const t = new WritePipeTransport(this._loop, stream, new PipeProto(this, slot));
    slot.transport = t;
    this.#pipes.push(t);
  }

  #addReadSlot(fd: number, streams: ReadableStream<Uint8Array>[]): void {
    const slot = this.#addSlot(fd, streams.length);
    const parts = streams.map((s) =>
      new ReadPipeTransport(this._loop, s, new PipeProto(this, slot), { extra: { fd } })
    );
    slot.transport = parts.length === 1 ? parts[0] : new MergedReadTransport(parts);
    this.#pipes.push(...parts);
  }

  /**
   * Schedules `connectionMade`, starts the pipes, calls `onReady` once
   * `connectionMade` ran, and waits for the child's exit.
   *
   * @ignore
   */
  override _start(onReady: () => void): void {
    const loop = this._loop;
    loop.callSoon(this.#connectionMade);
    for (const t of this.#pipes) t._start();
    loop.callSoon(onReady);
    loop._pendingIo++;
    this.#child!.status.then(this.#onStatus, this.#onStatusError);
  }

  #connectionMade = (): void => {
    this.#callProtocol("connectionMade", this);
  };

  #onStatus = (status: Deno.CommandStatus): void => {
    this.#exited(returncodeOf(status));
  };

  // Deno's status promise does not reject for a spawned child; if it ever
  // did, the exit is reported as asyncio's watchers report an unknown one.
  #onStatusError = (): void => {
    this.#exited(255);
  };

  #exited(returncode: number): void {
    this._loop._pendingIo--;
    this.#exitedOnHost = true;
    if (!this._loop.isClosed()) this._loop.callSoon(this.#processExited, returncode);
    else {
      this.#returncode = returncode;
      this.#tryFinish();
    }
  }

  #processExited = (returncode: number): void => {
    this.#returncode = returncode;
    // A write pipe notices its reader is gone only when a write fails: an
    // idle stdin is closed now (a write in flight fails with EPIPE itself).
    const stdin = this.#slots[0];
    if (stdin !== null && stdin.open > 0) {
      const t = stdin.transport as WritePipeTransport;
      if (t.getWriteBufferSize() === 0) t.abort();
    }
    this.#callProtocol("processExited");
    this.#tryFinish();
  };

  /** @ignore Data from one of the child's pipes. */
  _pipeDataReceived(fd: number, data: Uint8Array): void {
    this.#callProtocol("pipeDataReceived", fd, data);
  }

  /** @ignore A pipe transport was lost; the fd is lost once all its pipes are. */
  _pipeLost(
    slot: { readonly fd: number; open: number; exc: Error | null },
    exc: Error | null,
  ): void {
    if (exc !== null && slot.exc === null) slot.exc = exc;
    if (--slot.open > 0) return;
    this.#slotsOpen--;
    this.#callProtocol("pipeConnectionLost", slot.fd, slot.exc);
    this.#tryFinish();
  }

  /** @ignore The stdin pipe crossed a water mark: tell the protocol. */
  _flowControl(method: "pauseWriting" | "resumeWriting"): void {
    this.#callProtocol(method);
  }

  // connectionLost once the child exited and every pipe closed; on a closed
  // loop (the pipe transports end synchronously there) at once.
  #tryFinish(): void {
    if (this._lostScheduled || this.#returncode === null || this.#slotsOpen > 0) return;
    this._scheduleConnectionLost(null);
  }

  /**
   * `connectionLost(null)` (unless the loop is closed), then the child is
   * released and `_wait()` resolves.
   *
   * @ignore
   */
  override _callConnectionLost(): void {
    try {
      this.#callProtocol("connectionLost", null);
    } finally {
      this._closed = true;
      this.#child = null;
      const waiters = this.#exitWaiters!;
      this.#exitWaiters = null;
      if (!this._loop.isClosed()) {
        for (const w of waiters) if (!w.done()) w.setResult(this.#returncode!);
      }
    }
  }

  // A protocol callback; what it throws is reported, as asyncio's loop
  // callbacks are, and nothing else changes. Once the loop is closed, the
  // protocol is not called any more.
  #callProtocol(method: string, ...args: unknown[]): void {
    if (this._loop.isClosed()) return;
    const protocol = this._protocol as unknown as Record<string, (...a: unknown[]) => void>;
    this._callProtocol(method, () => protocol[method](...args));
  }

  /**
   * A future of the return code: at once if the child has exited, else once
   * the transport has finished (`connectionLost` ran).
   *
   * @ignore
   */
  _wait(): Future<number> {
    const fut = this._loop.createFuture<number>();
    if (this.#returncode !== null) fut.setResult(this.#returncode);
    else this.#exitWaiters!.push(fut);
    return fut;
  }

  /** The child's process id. */
  getPid(): number {
    return this.#pid;
  }

  /** The return code: exit code, or minus the signal number; `null` while running. */
  getReturncode(): number | null {
    return this.#returncode;
  }

  /**
   * The transport of stdin: a `WritePipeTransport`.
   *
   * @param fd 0.
   * @returns The transport, or `null` if stdin is not a pipe.
   */
  getPipeTransport(fd: 0): WritePipeTransport | null;
  /**
   * The transport of stdout (1) or stderr (2).
   *
   * @param fd 1 or 2.
   * @returns The transport, or `null` if that stream is not a pipe.
   */
  getPipeTransport(fd: 1 | 2): ReadTransport<PipeExtraInfo> | null;
  /**
   * The transport of a pipe: 0 (stdin, a `WritePipeTransport`), 1 (stdout),
   * 2 (stderr).
   *
   * @param fd The child's fd.
   * @returns The transport, or `null` if that stream is not a pipe.
   */
  getPipeTransport(fd: number): BaseTransport<PipeExtraInfo> | null;
  getPipeTransport(fd: number): BaseTransport<PipeExtraInfo> | null {
    return this.#slots[fd]?.transport ?? null;
  }

  /**
   * Sends a signal to the child; nothing happens if it has already exited.
   *
   * @param signal A Deno signal name such as `"SIGTERM"`.
   * @throws {ProcessLookupError} If the transport has finished.
   * @throws {TypeError} If `signal` is not a signal name.
   */
  sendSignal(signal: Deno.Signal): void {
    const sig = checkSignal(signal);
    const child = this.#child;
    if (child === null) {
      throw new ProcessLookupError(`Process ${this.#pid} has exited and was reaped`, {
        code: "ESRCH",
      });
    }
    if (this.#exitedOnHost) return;
    try {
      child.kill(sig);
    } catch (e) {
      // Deno throws TypeError once it knows the child exited (the signal was checked).
      if (e instanceof TypeError) return;
      throw mapIoError(e, `send ${sig} to process ${this.#pid}`);
    }
  }

  /** Sends `SIGTERM`. @throws {ProcessLookupError} If the transport has finished. */
  terminate(): void {
    this.sendSignal("SIGTERM");
  }

  /** Sends `SIGKILL`. @throws {ProcessLookupError} If the transport has finished. */
  kill(): void {
    this.sendSignal("SIGKILL");
  }

  /** Closes the pipes and kills the child (SIGKILL) if it still runs. */
  override close(): void {
    if (this._closing) return;
    this._closing = true;
    for (const slot of this.#slots) if (slot !== null) slot.transport.close();
    if (this.#returncode === null && !this.#exitedOnHost && this.#child !== null) {
      try {
        this.#child.kill("SIGKILL");
      } catch {
        // It exited meanwhile.
      }
    }
  }

  /** @ignore Closes at once: the same as `close()` (asyncio's `_process_exited` path ends it). */
  _forceClose(_exc: Error | null): void {
    this.close();
  }

  /**
   * `<DenoSubprocessTransport pid=42 returncode=0 stdin=...>`: closed (once
   * `close()` was called), pid, return code and pipes.
   *
   * @ignore
   */
  override _describe(): string[] {
    const info = [];
    if (this._closing) info.push("closed");
    info.push(`pid=${this.#pid}`);
    info.push(this.#returncode === null ? "running" : `returncode=${this.#returncode}`);
    for (const [fd, name] of ["stdin", "stdout", "stderr"].entries()) {
      const slot = this.#slots[fd];
      if (slot !== null) info.push(`${name}=${slot.transport}`);
    }
    return info;
  }
}
