// The options of loop.subprocessExec()/subprocessShell(): asyncio's stdio
// constants, the checks (bad input throws before anything is spawned), and
// the translation into Deno.Command options (a SpawnPlan).

import { currentPlatform } from "../../platform/detect.ts";
import { NotImplementedError } from "../core/exceptions.ts";
import { describe } from "../core/checks.ts";
import type { StdioOption, SubprocessOptions } from "../core/io_types.ts";

/**
 * asyncio's `subprocess.PIPE`: connect the stream to the parent through a
 * pipe. The default for every stream of `loop.subprocessExec()`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createSubprocessExec, PIPE, run } from "@asyncio/deno";
 * const out = await run(async () => {
 *   const proc = await createSubprocessExec("echo", "hi", { stdout: PIPE });
 *   const [stdout] = await proc.communicate();
 *   return new TextDecoder().decode(stdout!);
 * });
 * assert(out === "hi\n");
 * ```
 */
export const PIPE: -1 = -1;
/**
 * asyncio's `subprocess.STDOUT`, for `stderr` only: send the child's stderr
 * where its stdout goes. With `stdout: PIPE` both arrive on fd 1, but Deno
 * cannot merge the two into one pipe: they are read as two pipes, so the
 * order of data between them is not kept (see `loop.subprocessExec`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createSubprocessShell, PIPE, run, STDOUT } from "@asyncio/deno";
 * const out = await run(async () => {
 *   const proc = await createSubprocessShell("echo oops >&2", { stdout: PIPE, stderr: STDOUT });
 *   const [stdout, stderr] = await proc.communicate();
 *   assert(stderr === null);
 *   return new TextDecoder().decode(stdout!);
 * });
 * assert(out === "oops\n");
 * ```
 */
export const STDOUT: -2 = -2;
/**
 * asyncio's `subprocess.DEVNULL`: connect the stream to the null device.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createSubprocessExec, DEVNULL, run } from "@asyncio/deno";
 * const code = await run(async () => {
 *   const proc = await createSubprocessExec("echo", "unseen", { stdout: DEVNULL });
 *   return await proc.wait();
 * });
 * assert(code === 0);
 * ```
 */
export const DEVNULL: -3 = -3;

// The options types live in the core (the loop interface names them).
export type { StdioOption, SubprocessOptions };

/** What the subprocess transport needs to spawn a child and wire its pipes. */
export interface SpawnPlan {
  /** The program: a path or a name looked up in PATH. */
  program: string | URL;
  /** The options of `new Deno.Command()`. */
  command: Deno.CommandOptions;
  /** Whether stderr is delivered as fd 1 (`stderr: STDOUT` with `stdout: PIPE`). */
  mergeStderr: boolean;
  /** How to name the child in messages. */
  label: string;
}

const KNOWN = new Set<string>([
  "stdin",
  "stdout",
  "stderr",
  "cwd",
  "env",
  "clearEnv",
  "user",
  "group",
  "shell",
  "bufsize",
  "universalNewlines",
  "text",
  "encoding",
  "errors",
  "preexecFn",
  "closeFds",
  "passFds",
  "startNewSession",
  "processGroup",
  "executable",
  "restoreSignals",
  "extraGroups",
  "umask",
  "startupinfo",
  "creationflags",
  "pipesize",
]);

type DenoStdio = "piped" | "inherit" | "null";

function stdio(value: unknown, name: string): DenoStdio {
  if (value === undefined || value === PIPE) return "piped";
  if (value === null || value === "inherit") return "inherit";
  if (value === DEVNULL) return "null";
  if (value === STDOUT) throw new RangeError(`${name} cannot be STDOUT: only stderr can`);
  if (typeof value === "number" || (typeof value === "object" && value !== null)) {
    throw new NotImplementedError(
      `${name}: Deno.Command cannot connect a child to a file or descriptor; ` +
        `use PIPE and copy the data, DEVNULL, or null to inherit: got ${describe(value)}`,
    );
  }
  throw new TypeError(
    `${name} must be PIPE, DEVNULL, null or "inherit": got ${describe(value)}`,
  );
}

function denoCannot(option: string, why: string): never {
  throw new NotImplementedError(`options.${option}: ${why}`);
}

// Options that must keep asyncio's required value (ValueError there: RangeError here).
function checkBytesMode(o: SubprocessOptions): void {
  if ((o.bufsize ?? 0) !== 0) throw new RangeError(`options.bufsize must be 0: got ${o.bufsize}`);
  if (o.universalNewlines) throw new RangeError("options.universalNewlines must be false");
  if (o.text) throw new RangeError("options.text must be false: the streams carry bytes");
  if (o.encoding != null) {
    throw new RangeError("options.encoding must be null: the streams carry bytes");
  }
  if (o.errors != null) {
    throw new RangeError("options.errors must be null: the streams carry bytes");
  }
}

function checkUnsupported(o: SubprocessOptions): void {
  if (o.preexecFn != null) denoCannot("preexecFn", "Deno runs no code in the child before exec");
  if (o.closeFds === false) denoCannot("closeFds", "Deno always closes the other descriptors");
  if (o.passFds !== undefined && o.passFds.length > 0) {
    denoCannot("passFds", "Deno passes no extra descriptors");
  }
  if (o.startNewSession) denoCannot("startNewSession", "Deno cannot call setsid() in the child");
  if (o.processGroup != null) {
    denoCannot("processGroup", "Deno cannot set the child's process group");
  }
  if (o.executable != null) denoCannot("executable", "Deno cannot set a different argv[0]");
  if (o.restoreSignals === false) denoCannot("restoreSignals", "Deno always restores them");
  if (o.extraGroups != null) denoCannot("extraGroups", "Deno cannot set supplementary groups");
  if ((o.umask ?? -1) !== -1) denoCannot("umask", "Deno does not set the child's umask");
  if (o.startupinfo != null) {
    denoCannot("startupinfo", "Deno.Command takes no Windows startup info");
  }
  if ((o.creationflags ?? 0) !== 0) {
    denoCannot("creationflags", "Deno.Command takes no Windows creation flags");
  }
  if (o.pipesize !== undefined && o.pipesize !== -1) {
    denoCannot("pipesize", "Deno does not resize pipes");
  }
}

function checkId(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`${name} must be an integer id: got ${describe(value)}`);
  }
  if (value < 0) throw new RangeError(`${name} cannot be negative: got ${value}`);
  return value;
}

function checkEnv(env: unknown): Record<string, string> | undefined {
  if (env === undefined || env === null) return undefined;
  if (typeof env !== "object" || Array.isArray(env)) {
    throw new TypeError(`options.env must be an object of strings: got ${describe(env)}`);
  }
  for (const [key, value] of Object.entries(env)) {
    if (typeof value !== "string") {
      throw new TypeError(`options.env.${key} must be a string: got ${describe(value)}`);
    }
    // Deno would pass "A=B" as variable A with a value starting "B=".
    if (key.includes("=")) {
      throw new RangeError(
        `options.env: illegal environment variable name: ${JSON.stringify(key)}`,
      );
    }
    checkNoNul(key, "options.env key");
    checkNoNul(value, `options.env.${key}`);
  }
  return env as Record<string, string>;
}

// What reaches the child as a C string cannot hold a NUL (asyncio: ValueError).
function checkNoNul(value: string, name: string): string {
  if (value.includes("\0")) throw new RangeError(`${name}: embedded null byte`);
  return value;
}

function checkOptionsObject(options: unknown): asserts options is SubprocessOptions {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`options must be an object: got ${describe(options)}`);
  }
}

/** Checks the options and turns them into Deno.Command options (args, stdio, cwd, env). */
function commandOptions(
  options: SubprocessOptions,
  args: string[],
): [Deno.CommandOptions, boolean] {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new TypeError(`Unknown subprocess option: ${key}`);
  }
  checkBytesMode(options);
  checkUnsupported(options);
  const stdin = stdio(options.stdin, "options.stdin");
  const stdout = stdio(options.stdout, "options.stdout");
  const toStdout = options.stderr === STDOUT;
  const stderr = toStdout ? stdout : stdio(options.stderr, "options.stderr");
  const { cwd, clearEnv } = options;
  if (cwd instanceof URL) checkFileUrl(cwd, "options.cwd");
  else if (typeof cwd === "string") checkNoNul(cwd, "options.cwd");
  else if (cwd !== undefined && cwd !== null) {
    throw new TypeError(`options.cwd must be a string or a file URL: got ${describe(cwd)}`);
  }
  if (clearEnv !== undefined && typeof clearEnv !== "boolean") {
    throw new TypeError(`options.clearEnv must be a boolean: got ${describe(clearEnv)}`);
  }
  const env = checkEnv(options.env);
  const command: Deno.CommandOptions = { args, stdin, stdout, stderr };
  if (cwd != null) command.cwd = cwd;
  if (env !== undefined) command.env = env;
  command.clearEnv = clearEnv ?? env !== undefined;
  const uid = checkId(options.user, "options.user");
  const gid = checkId(options.group, "options.group");
  if (uid !== undefined) command.uid = uid;
  if (gid !== undefined) command.gid = gid;
  return [command, toStdout && stdout === "piped"];
}

/**
 * The plan of `subprocessExec(program, args, options)`.
 *
 * @throws {TypeError} On a bad program, argument or option (a URL other than `file:` too).
 * @throws {RangeError} On an option that must keep asyncio's value (`text`, `bufsize`, ...),
 *   a NUL character in the program, an argument, `cwd` or `env`, an `env` name with `=`, or
 *   a negative `user`/`group`.
 * @throws {NotImplementedError} On a Popen option Deno cannot honour.
 */
export function planExec(program: unknown, args: unknown, options: SubprocessOptions): SpawnPlan {
  if (program instanceof URL) checkFileUrl(program, "program");
  else if (typeof program !== "string" || program === "") {
    throw new TypeError(
      `program must be a non-empty string or a file URL: got ${describe(program)}`,
    );
  } else checkNoNul(program, "program");
  if (!Array.isArray(args)) {
    throw new TypeError(`args must be an array of strings: got ${describe(args)}`);
  }
  const argv = args.map((arg: unknown, i) => {
    if (arg instanceof URL) return urlPath(checkFileUrl(arg, `args[${i}]`));
    if (typeof arg !== "string") {
      throw new TypeError(`args[${i}] must be a string or a file URL: got ${describe(arg)}`);
    }
    return checkNoNul(arg, `args[${i}]`);
  });
  checkOptionsObject(options);
  if (options.shell) throw new RangeError("options.shell must be false for subprocessExec");
  const [command, mergeStderr] = commandOptions(options, argv);
  return { program, command, mergeStderr, label: String(program) };
}

// Path-like arguments (asyncio's os.fspath): Deno's path-like is a file URL.
function checkFileUrl(url: URL, name: string): URL {
  if (url.protocol !== "file:") {
    throw new TypeError(`${name} must be a file URL: got a ${url.protocol} URL (${url.href})`);
  }
  return url;
}

// A file URL as a path of this OS (as Deno reads a URL program or cwd).
function urlPath(url: URL): string {
  const path = decodeURIComponent(url.pathname);
  if (currentPlatform().os !== "windows") return path;
  const local = path.replace(/^\/([A-Za-z]:)/, "$1").replaceAll("/", "\\");
  return url.hostname === "" ? local : `\\\\${url.hostname}${local}`;
}

// Windows' command interpreter; reading the variable needs --allow-env.
function comSpec(): string {
  try {
    return Deno.env.get("ComSpec") ?? "cmd.exe";
  } catch {
    return "cmd.exe";
  }
}

/**
 * The plan of `subprocessShell(cmd, options)`: `/bin/sh -c cmd`, or on
 * Windows `cmd.exe /d /s /c "cmd"` (`%ComSpec%` if set, arguments passed raw).
 *
 * @throws {RangeError} If `cmd` is not a string (asyncio: ValueError) or holds a NUL.
 * @throws {TypeError} On a bad option.
 */
export function planShell(cmd: unknown, options: SubprocessOptions, windows: boolean): SpawnPlan {
  if (typeof cmd !== "string") {
    throw new RangeError(`cmd must be a string: got ${describe(cmd)}`); // asyncio: ValueError
  }
  checkNoNul(cmd, "cmd");
  checkOptionsObject(options);
  if (options.shell === false) {
    throw new RangeError("options.shell must be true (or absent) for subprocessShell");
  }
  const rest = { ...options };
  delete rest.shell;
  if (windows) {
    const [command, mergeStderr] = commandOptions(rest, ["/d", "/s", "/c", `"${cmd}"`]);
    command.windowsRawArguments = true;
    const comspec = comSpec();
    return { program: comspec, command, mergeStderr, label: cmd };
  }
  const [command, mergeStderr] = commandOptions(rest, ["-c", cmd]);
  return { program: "/bin/sh", command, mergeStderr, label: cmd };
}
