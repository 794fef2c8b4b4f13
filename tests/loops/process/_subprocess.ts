// Helpers of the subprocess tests: a SubprocessProtocol that records every
// callback in order (and checks asyncio's ordering rules as it goes), and a
// way to run a Deno script as the child.

import assert from "node:assert/strict";
import type { BaseEventLoop, Future } from "../../../mod.ts";
import { SubprocessProtocol, type SubprocessTransport } from "../../../loops/protocols_mod.ts";
import { concat, dec } from "../net/_net.ts";

/** Records the callbacks of a subprocess protocol, checking their order. */
export class ProcRecorder extends SubprocessProtocol {
  events: string[] = [];
  chunks: Uint8Array[][] = [[], [], []];
  pipeErrors: (Error | null | undefined)[] = [undefined, undefined, undefined];
  transport: SubprocessTransport | null = null;
  made: Future<void>;
  exited: Future<void>;
  lost: Future<Error | null>;

  constructor(loop: BaseEventLoop) {
    super();
    this.made = loop.createFuture<void>();
    this.exited = loop.createFuture<void>();
    this.lost = loop.createFuture<Error | null>();
  }

  override connectionMade(t: SubprocessTransport): void {
    assert.equal(this.events.length, 0, "connectionMade comes first");
    this.transport = t;
    this.events.push("made");
    this.made.setResult(undefined);
  }

  override pipeDataReceived(fd: number, data: Uint8Array): void {
    assert.ok(fd === 1 || fd === 2, `data on fd ${fd}`);
    assert.equal(this.pipeErrors[fd], undefined, `data on fd ${fd} after its pipe was lost`);
    this.#checkOpen(`pipeDataReceived(${fd})`);
    if (this.events.at(-1) !== `data${fd}`) this.events.push(`data${fd}`);
    this.chunks[fd].push(data);
  }

  override pipeConnectionLost(fd: number, exc: Error | null): void {
    assert.equal(this.pipeErrors[fd], undefined, `pipe ${fd} lost twice`);
    this.#checkOpen(`pipeConnectionLost(${fd})`);
    this.pipeErrors[fd] = exc;
    this.events.push(`pipeLost${fd}`);
  }

  override processExited(): void {
    assert.ok(!this.exited.done(), "processExited called twice");
    this.#checkOpen("processExited");
    this.events.push("exited");
    this.exited.setResult(undefined);
  }

  override connectionLost(exc: Error | null): void {
    this.#checkOpen("connectionLost");
    assert.ok(this.exited.done(), "connectionLost before processExited");
    this.events.push("lost");
    this.lost.setResult(exc);
  }

  #checkOpen(what: string): void {
    assert.ok(this.made.done(), `${what} before connectionMade`);
    assert.ok(!this.lost.done(), `${what} after connectionLost`);
  }

  /** Everything received on `fd`. */
  data(fd: number): Uint8Array {
    return concat(this.chunks[fd]);
  }

  /** Everything received on `fd`, as text. */
  text(fd: number): string {
    return dec.decode(this.data(fd));
  }

  /** The number of bytes received on `fd`. */
  received(fd: number): number {
    return this.chunks[fd].reduce((n, c) => n + c.length, 0);
  }
}

/** The program and arguments that run `code` with this Deno (`deno eval`). */
export function denoEval(code: string): [program: string, args: string[]] {
  return [Deno.execPath(), ["eval", "--no-check", code]];
}
