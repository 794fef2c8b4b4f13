// SubprocessStreamProtocol: the protocol between a subprocess transport and
// the streams of a Process (asyncio's subprocess.SubprocessStreamProtocol),
// with the flow control StreamWriter.drain() waits on for stdin.

import type { AbstractEventLoop } from "../core/events.ts";
import { Future } from "../core/futures.ts";
import { SubprocessProtocol } from "../core/protocols.ts";
import type { SubprocessTransport, Transport } from "../core/transports.ts";
import { StreamReader } from "../net/stream_reader.ts";
import type { StreamReaderProtocol } from "../net/stream_protocol.ts";
import { StreamWriter } from "../net/stream_writer.ts";
import { checkLimit } from "../net/stream_limits.ts";
import { FlowControl } from "../net/flow_control.ts";

/**
 * The protocol behind `Process` (asyncio's `SubprocessStreamProtocol`):
 * feeds the stdout/stderr readers, gives stdin a `StreamWriter` with flow
 * control, and closes the transport once the child exited and its output
 * pipes are closed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getRunningLoop, Process, run } from "@asyncio/deno";
 * import { SubprocessStreamProtocol } from "@asyncio/deno/protocols";
 * const text = await run(async () => {
 *   const loop = getRunningLoop();
 *   const [t, p] = await loop.subprocessExec(
 *     () => new SubprocessStreamProtocol(65536, loop), "echo", ["hi"], { stdin: null, stderr: null },
 *   );
 *   const out = await p.stdout!.read();
 *   await new Process(t, p, loop).wait(); // what createSubprocessExec() returns
 *   return new TextDecoder().decode(out);
 * });
 * assert(text === "hi\n");
 * ```
 */
export class SubprocessStreamProtocol extends SubprocessProtocol {
  /** The writer of the child's stdin, when it is a pipe. */
  stdin: StreamWriter | null = null;
  /** The reader of the child's stdout, when it is a pipe. */
  stdout: StreamReader | null = null;
  /** The reader of the child's stderr, when it is a pipe. */
  stderr: StreamReader | null = null;
  /** @ignore */ _loop: AbstractEventLoop;
  #limit: number;
  #transport: SubprocessTransport | null = null;
  #processExited = false;
  #pipeFds: number[] = [];
  #stdinClosed: Future<void>;
  #flow: FlowControl;

  /**
   * Creates the protocol.
   *
   * @param limit The readers' buffer limit in bytes.
   * @param loop The loop.
   */
  constructor(limit: number, loop: AbstractEventLoop) {
    super();
    this.#limit = checkLimit(limit, "limit");
    this._loop = loop;
    this.#stdinClosed = new Future<void>({ loop });
    this.#flow = new FlowControl(loop);
  }

  /** Creates the readers and the writer for the pipes the child has. */
  override connectionMade(transport: SubprocessTransport): void {
    this.#transport = transport;
    for (const fd of [1, 2]) {
      const pipe = transport.getPipeTransport(fd);
      if (pipe === null) continue;
      const reader = new StreamReader({ limit: this.#limit, loop: this._loop });
      reader.setTransport(pipe as Transport);
      if (fd === 1) this.stdout = reader;
      else this.stderr = reader;
      this.#pipeFds.push(fd);
    }
    const stdin = transport.getPipeTransport(0);
    if (stdin !== null) {
      // StreamWriter needs only _drainHelper() and _getCloseWaiter() of its protocol.
      const self = this as unknown as StreamReaderProtocol;
      this.stdin = new StreamWriter(stdin as Transport, self, null, this._loop);
    }
  }

  /** Feeds the reader of `fd`. */
  override pipeDataReceived(fd: number, data: Uint8Array): void {
    const reader = fd === 1 ? this.stdout : fd === 2 ? this.stderr : null;
    reader?._feed(data);
  }

  /** Ends the reader of `fd` (EOF or the error); for stdin, ends `drain()` and `waitClosed()`. */
  override pipeConnectionLost(fd: number, exc: Error | null): void {
    if (fd === 0) {
      this.stdin?.close();
      this.#connectionLost(exc);
      if (exc === null) this.#stdinClosed.setResult(undefined);
      else {
        this.#stdinClosed.setException(exc);
        this.#stdinClosed.exception(); // reported through drain(), not as "never retrieved"
      }
      return;
    }
    const reader = fd === 1 ? this.stdout : fd === 2 ? this.stderr : null;
    if (reader !== null) {
      if (exc === null) reader.feedEof();
      else reader.setException(exc);
    }
    const i = this.#pipeFds.indexOf(fd);
    if (i !== -1) this.#pipeFds.splice(i, 1);
    this.#maybeCloseTransport();
  }

  /** Notes the exit; the transport closes once the output pipes are closed too. */
  override processExited(): void {
    this.#processExited = true;
    this.#maybeCloseTransport();
  }

  #maybeCloseTransport(): void {
    if (this.#pipeFds.length === 0 && this.#processExited && this.#transport !== null) {
      this.#transport.close();
      this.#transport = null;
    }
  }

  /** The stdin buffer went over its high water mark: `drain()` waits. */
  override pauseWriting(): void {
    this.#flow.pause();
  }

  /** The stdin buffer went under its low water mark: `drain()` returns. */
  override resumeWriting(): void {
    this.#flow.resume();
  }

  #connectionLost(exc: Error | null): void {
    this.#flow.lost(exc);
  }

  /** @ignore What `stdin.drain()` waits for. */
  _drainHelper(): Future<void> {
    return this.#flow.drainHelper();
  }

  /** @ignore What `stdin.waitClosed()` returns. */
  _getCloseWaiter(): Future<void> {
    return this.#stdinClosed;
  }

  /** @ignore Not a server connection (StreamWriter asks). */
  _isServerSide(): boolean {
    return false;
  }

  /** A description such as `<SubprocessStreamProtocol stdout=<StreamReader>>`. */
  override toString(): string {
    const info = ["SubprocessStreamProtocol"];
    if (this.stdin !== null) info.push(`stdin=${this.stdin}`);
    if (this.stdout !== null) info.push(`stdout=${this.stdout}`);
    if (this.stderr !== null) info.push(`stderr=${this.stderr}`);
    return `<${info.join(" ")}>`;
  }
}
