/**
 * Subprocesses with streams: asyncio's `create_subprocess_exec` and
 * `create_subprocess_shell`, giving a `Process` whose pipes are a
 * `StreamWriter` (stdin) and `StreamReader`s (stdout, stderr), on
 * `loop.subprocessExec`/`subprocessShell`.
 *
 * Like every asyncio coroutine function here, they are lazy: calling one
 * runs nothing and looks up no loop; the child is spawned when the coroutine
 * is driven (`yield*` in a coroutine, `await` in an async function while a
 * loop runs, `loop.runUntilComplete(x)`, `createTask(x)`, `run(x)`), on the
 * loop that drives it.
 *
 * @module
 */

import { type AbstractEventLoop, type Coroutine, getRunningLoop } from "../core/events.ts";
import type { Future } from "../core/futures.ts";
import { gather } from "../flow/gather.ts";
import { type AwaitableCoroutine, awaitableCoroutines } from "../core/tasks.ts";
import { BrokenPipeError, ConnectionResetError } from "../net/os_errors.ts";
import type { SubprocessTransport } from "../core/transports.ts";
import type { StreamReader } from "../net/stream_reader.ts";
import type { StreamWriter } from "../net/stream_writer.ts";
import { SubprocessStreamProtocol } from "./_subprocess_protocol.ts";
import { checkLimit, DEFAULT_LIMIT } from "../net/stream_limits.ts";
import type { SubprocessOptions } from "./subprocess_options.ts";
import type { DenoSubprocessTransport } from "./subprocess_transport.ts";
import { toBytes } from "../net/transports/stream.ts";
import { describe } from "../core/checks.ts";

export { SubprocessStreamProtocol } from "./_subprocess_protocol.ts";
export {
  DEVNULL,
  PIPE,
  type StdioOption,
  STDOUT,
  type SubprocessOptions,
} from "./subprocess_options.ts";

/** Options of `createSubprocessExec`/`createSubprocessShell`: `limit` plus the loop method's. */
export interface CreateSubprocessOptions extends SubprocessOptions {
  /** The buffer limit of the stdout/stderr `StreamReader`s in bytes (default 64 KiB). */
  limit?: number;
}

/**
 * A child process started by `createSubprocessExec`/`createSubprocessShell`.
 * Methods that are coroutines in asyncio return a `Future`: `yield*` it in a
 * coroutine or `await` it in an async function.
 *
 * Differences from asyncio: `await using proc = ...` kills the child if it
 * still runs and waits for it.
 *
 * @example Feeding stdin and reading stdout
 * ```ts
 * import assert from "node:assert/strict";
 * import { createSubprocessExec, PIPE, run } from "@asyncio/deno";
 * const [out, code] = await run(function* () {
 *   const proc = yield* createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE });
 *   const [stdout] = yield* proc.communicate(new TextEncoder().encode("meow"));
 *   return [new TextDecoder().decode(stdout!), proc.returncode] as const;
 * }());
 * assert(out === "meow" && code === 0);
 * ```
 */
export class Process {
  /** The child's process id. */
  readonly pid: number;
  /** The writer of the child's stdin (`stdin: PIPE`), else `null`. */
  readonly stdin: StreamWriter | null;
  /** The reader of the child's stdout (`stdout: PIPE`), else `null`. */
  readonly stdout: StreamReader | null;
  /** The reader of the child's stderr (`stderr: PIPE`), else `null`. */
  readonly stderr: StreamReader | null;
  #transport: DenoSubprocessTransport;
  #loop: AbstractEventLoop;

  /**
   * Wraps a transport and its protocol; `createSubprocessExec` and
   * `createSubprocessShell` create processes.
   *
   * @param transport The subprocess transport.
   * @param protocol Its `SubprocessStreamProtocol`.
   * @param loop The loop.
   */
  constructor(
    transport: SubprocessTransport,
    protocol: SubprocessStreamProtocol,
    loop: AbstractEventLoop,
  ) {
    this.#transport = transport as DenoSubprocessTransport;
    this.#loop = loop;
    this.pid = transport.getPid();
    this.stdin = protocol.stdin;
    this.stdout = protocol.stdout;
    this.stderr = protocol.stderr;
  }

  /** The return code once the child exited (minus the signal number if killed), else `null`. */
  get returncode(): number | null {
    return this.#transport.getReturncode();
  }

  /**
   * Waits for the child to exit. With `stdout: PIPE` or `stderr: PIPE`,
   * read the output (or use `communicate()`): a child that fills a pipe
   * nobody reads waits forever, as in asyncio.
   *
   * @returns A future of the return code.
   */
  wait(): Future<number> {
    return this.#transport._wait();
  }

  /**
   * Sends `input` to stdin (if it is a pipe) and closes it, reads stdout and
   * stderr to the end (those that are pipes), and waits for the exit. Writing
   * and reading run concurrently, so large input and output cannot
   * deadlock. A child that exits without reading all its input is not an
   * error (`BrokenPipeError` and `ConnectionResetError` on stdin are ignored).
   *
   * @param input Bytes for stdin, or `null`. Ignored unless stdin is a pipe (as asyncio).
   * @returns A future of `[stdout, stderr]`: the bytes, or `null` for a stream that is not a pipe.
   * @throws {TypeError} If `input` is not bytes.
   */
  communicate(
    input: Uint8Array | null = null,
  ): Future<[stdout: Uint8Array | null, stderr: Uint8Array | null]> {
    const bytes = input === null ? null : toBytes(input, "input");
    return this.#loop.createTask(this.#communicate(bytes));
  }

  *#communicate(input: Uint8Array | null): Coroutine<[Uint8Array | null, Uint8Array | null]> {
    const [, stdout, stderr] = yield* gather(
      this.stdin === null ? nothing() : this.#feedStdin(this.stdin, input),
      this.stdout === null ? nothing() : this.#readStream(1, this.stdout),
      this.stderr === null ? nothing() : this.#readStream(2, this.stderr),
    );
    yield* this.wait();
    return [stdout, stderr];
  }

  *#feedStdin(stdin: StreamWriter, input: Uint8Array | null): Coroutine<void> {
    try {
      if (input !== null) stdin.write(input);
      yield* stdin.drain();
    } catch (e) {
      if (!(e instanceof BrokenPipeError || e instanceof ConnectionResetError)) throw e;
    }
    stdin.close();
  }

  *#readStream(fd: number, stream: StreamReader): Coroutine<Uint8Array> {
    const output = yield* stream.read();
    this.#transport.getPipeTransport(fd)?.close();
    return output;
  }

  /**
   * Sends a signal to the child; nothing happens if it has exited but its
   * pipes are still open.
   *
   * @param signal A Deno signal name such as `"SIGINT"`.
   * @throws {ProcessLookupError} After `wait()` returned (the transport finished).
   * @throws {TypeError} If `signal` is not a signal name.
   */
  sendSignal(signal: Deno.Signal): void {
    this.#transport.sendSignal(signal);
  }

  /** Sends `SIGTERM`. @throws {ProcessLookupError} After `wait()` returned. */
  terminate(): void {
    this.#transport.terminate();
  }

  /** Sends `SIGKILL`. @throws {ProcessLookupError} After `wait()` returned. */
  kill(): void {
    this.#transport.kill();
  }

  /** `await using proc = ...`: closes the pipes, kills the child if it runs, waits for it. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.#transport.close();
    await this.wait();
  }

  /** A description such as `<Process 1234>`. */
  toString(): string {
    return `<Process ${this.pid}>`;
  }
}

// deno-lint-ignore require-yield
function* nothing(): Coroutine<null> {
  return null;
}

// The high level's defaults differ from the loop method's: streams are
// inherited unless given.
function splitOptions(options: CreateSubprocessOptions): [number, SubprocessOptions] {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`options must be an object: got ${describe(options)}`);
  }
  const { limit, ...rest } = options;
  rest.stdin ??= null;
  rest.stdout ??= null;
  rest.stderr ??= null;
  return [checkLimit(limit ?? DEFAULT_LIMIT, "options.limit"), rest];
}

function isOptions(value: unknown): value is CreateSubprocessOptions {
  return value !== null && typeof value === "object" && !(value instanceof URL) &&
    !Array.isArray(value); // an array is a misplaced argument list: args[i] names it
}

/**
 * Runs `program` with arguments as a child process and returns a `Process`.
 * Arguments follow the program; an options object may come last:
 * `createSubprocessExec("ls", "-l", "/tmp", { stdout: PIPE })`.
 *
 * A coroutine function, lazy as in asyncio: calling it runs nothing, spawns
 * nothing and looks up no loop; the child is spawned when the coroutine is
 * driven (`yield*` in a coroutine, `await` in an async function while a loop
 * runs, `loop.runUntilComplete(x)`, `createTask(x)`, `run(x)`), on that
 * loop. Cancelling it while the child starts kills and reaps the child.
 *
 * Differences from asyncio: keyword arguments are the trailing options
 * object; path-like arguments are file URLs (turned into paths). The streams
 * default to `null` (inherited), as in asyncio.
 *
 * @param program The program: a name looked up in `PATH`, a path, or a file URL.
 * @param argsAndOptions Its arguments (strings or file URLs), then optionally
 *   the options: `stdin`/`stdout`/`stderr` (`PIPE`, `DEVNULL`, `null`;
 *   `stderr: STDOUT`), `limit`, `cwd`, `env`, `clearEnv`, ... (see
 *   `loop.subprocessExec`).
 * @returns A coroutine of the `Process` (awaitable too).
 * @throws {RuntimeError} (when driven) If no loop is running, or the policy's
 *   child watcher is not active.
 * @throws {TypeError} (when driven) On a bad program, argument or option.
 * @throws {RangeError} (when driven) On an option that must keep asyncio's
 *   value (`text`, `bufsize`, ...), a bad `limit`, or a NUL in an argument.
 * @throws {FileNotFoundError} (when driven) If the program does not exist.
 * @throws {PermissionError} (when driven) Without `--allow-run`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createSubprocessExec, PIPE, run } from "@asyncio/deno";
 * const line = await run(async () => {
 *   const proc = await createSubprocessExec("printf", "%s\\n", "one", "two", { stdout: PIPE });
 *   const first = await proc.stdout!.readline();
 *   await proc.communicate();
 *   return new TextDecoder().decode(first);
 * });
 * assert(line === "one\n");
 * ```
 */
export function createSubprocessExec(
  program: string | URL,
  ...argsAndOptions: (string | URL)[] | [...(string | URL)[], CreateSubprocessOptions]
): AwaitableCoroutine<Process>;
export function* createSubprocessExec(
  program: string | URL,
  ...argsAndOptions: (string | URL)[] | [...(string | URL)[], CreateSubprocessOptions]
): Coroutine<Process> {
  const loop = getRunningLoop();
  const rest: unknown[] = argsAndOptions;
  const last = rest.length > 0 ? rest[rest.length - 1] : undefined;
  const options = isOptions(last) ? last : {};
  const args = isOptions(last) ? rest.slice(0, -1) : rest;
  const [limit, loopOptions] = splitOptions(options);
  const factory = () => new SubprocessStreamProtocol(limit, loop);
  const [transport, protocol] = yield* loop.subprocessExec(
    factory,
    program,
    args as string[],
    loopOptions,
  );
  return new Process(transport, protocol, loop);
}

/**
 * Runs `cmd` with the shell (`/bin/sh -c cmd`) and returns a `Process`.
 *
 * A coroutine function, lazy as in asyncio: calling it runs nothing, spawns
 * nothing and looks up no loop; the shell is spawned when the coroutine is
 * driven (`yield*` in a coroutine, `await` in an async function while a loop
 * runs, `loop.runUntilComplete(x)`, `createTask(x)`, `run(x)`), on that
 * loop. Cancelling it while the child starts kills and reaps the child.
 *
 * @param cmd The command line.
 * @param options `stdin`/`stdout`/`stderr` (default `null`: inherited),
 *   `limit`, `cwd`, `env`, ... (see `loop.subprocessExec`).
 * @returns A coroutine of the `Process` (awaitable too).
 * @throws {RuntimeError} (when driven) If no loop is running, or the policy's
 *   child watcher is not active.
 * @throws {RangeError} (when driven) If `cmd` is not a string (asyncio:
 *   ValueError), or on an option that must keep asyncio's value.
 * @throws {TypeError} (when driven) On a bad option.
 *
 * @example From a coroutine
 * ```ts
 * import assert from "node:assert/strict";
 * import { createSubprocessShell, PIPE, run } from "@asyncio/deno";
 * const count = await run(function* () {
 *   const proc = yield* createSubprocessShell("printf 'a\\nb\\nc\\n' | wc -l", { stdout: PIPE });
 *   const [out] = yield* proc.communicate();
 *   return Number(new TextDecoder().decode(out!).trim());
 * }());
 * assert(count === 3);
 * ```
 */
export function createSubprocessShell(
  cmd: string,
  options?: CreateSubprocessOptions,
): AwaitableCoroutine<Process>;
export function* createSubprocessShell(
  cmd: string,
  options: CreateSubprocessOptions = {},
): Coroutine<Process> {
  const loop = getRunningLoop();
  const [limit, loopOptions] = splitOptions(options);
  const factory = () => new SubprocessStreamProtocol(limit, loop);
  const [transport, protocol] = yield* loop.subprocessShell(factory, cmd, loopOptions);
  return new Process(transport, protocol, loop);
}

// (createSubprocessExec's required rest of arguments does not fit never[].)
awaitableCoroutines(createSubprocessExec as unknown as (...args: never[]) => Coroutine<Process>);
awaitableCoroutines(createSubprocessShell);
