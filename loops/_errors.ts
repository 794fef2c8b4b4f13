// The one place where errors from Deno (and from the `node:` modules the I/O
// layer uses) become asyncio's OSError family. Matching is by class and by
// error code, never by message text.

import { constants } from "node:os";
import { TimeoutError } from "./exceptions.ts";
import {
  BrokenPipeError,
  ConnectionAbortedError,
  ConnectionRefusedError,
  ConnectionResetError,
  FileExistsError,
  FileNotFoundError,
  GaiError,
  InterruptedError,
  IsADirectoryError,
  NotADirectoryError,
  OSError,
  type OSErrorOptions,
  PermissionError,
  SSLError,
} from "./os_errors.ts";

type OSErrorClass = new (message?: string, options?: OSErrorOptions) => OSError;

const BY_CODE: Record<string, OSErrorClass> = {
  EPIPE: BrokenPipeError,
  ECONNABORTED: ConnectionAbortedError,
  ECONNREFUSED: ConnectionRefusedError,
  ECONNRESET: ConnectionResetError,
  ENOENT: FileNotFoundError,
  EEXIST: FileExistsError,
  EACCES: PermissionError,
  EPERM: PermissionError,
  EINTR: InterruptedError,
  EISDIR: IsADirectoryError,
  ENOTDIR: NotADirectoryError,
  ENOTFOUND: GaiError,
  EAI_AGAIN: GaiError,
  EAI_NONAME: GaiError,
  EAI_FAIL: GaiError,
  EAI_NODATA: GaiError,
  EAI_SERVICE: GaiError,
  EAI_FAMILY: GaiError,
};

// Deno error classes without a `code` of their own.
const BY_DENO_CLASS: [new (...args: never[]) => Error, OSErrorClass, string | null][] = [
  [Deno.errors.BrokenPipe, BrokenPipeError, "EPIPE"],
  [Deno.errors.ConnectionAborted, ConnectionAbortedError, "ECONNABORTED"],
  [Deno.errors.ConnectionRefused, ConnectionRefusedError, "ECONNREFUSED"],
  [Deno.errors.ConnectionReset, ConnectionResetError, "ECONNRESET"],
  [Deno.errors.NotFound, FileNotFoundError, "ENOENT"],
  [Deno.errors.AlreadyExists, FileExistsError, "EEXIST"],
  [Deno.errors.PermissionDenied, PermissionError, "EACCES"],
  [Deno.errors.NotCapable, PermissionError, null],
  [Deno.errors.Interrupted, InterruptedError, "EINTR"],
  [Deno.errors.IsADirectory, IsADirectoryError, "EISDIR"],
  [Deno.errors.NotADirectory, NotADirectoryError, "ENOTDIR"],
  [Deno.errors.AddrInUse, OSError, "EADDRINUSE"],
  [Deno.errors.AddrNotAvailable, OSError, "EADDRNOTAVAIL"],
  [Deno.errors.NotConnected, OSError, "ENOTCONN"],
  [Deno.errors.NetworkUnreachable, OSError, "ENETUNREACH"],
];

/** The numeric errno of this OS for a symbolic code, or null. */
export function errnoOf(code: string | null): number | null {
  if (code === null) return null;
  const n = (constants.errno as Record<string, number | undefined>)[code];
  return n === undefined ? null : n;
}

function codeOf(e: unknown): string | null {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : null;
}

/**
 * Maps an error thrown by a Deno or `node:` I/O call to asyncio's OSError
 * family (or `TimeoutError`), with `what` (e.g. "connect to 127.0.0.1:80")
 * in the message and the original as `cause`. Errors that are not I/O errors
 * (TypeError, our own errors) are returned as they are.
 */
export function mapIoError(e: unknown, what: string, filename: string | null = null): Error {
  if (e instanceof OSError || e instanceof TimeoutError) return e;
  if (!(e instanceof Error)) return new OSError(`${what}: ${String(e)}`, { cause: e, filename });
  if (e instanceof Deno.errors.TimedOut) {
    return new TimeoutError(`${what}: ${e.message}`, { cause: e });
  }
  let code = codeOf(e);
  let cls: OSErrorClass | undefined = code === null ? undefined : BY_CODE[code];
  if (cls === undefined) {
    for (const [denoClass, ours, denoCode] of BY_DENO_CLASS) {
      if (e instanceof denoClass) {
        cls = ours;
        code ??= denoCode;
        break;
      }
    }
  }
  if (cls === undefined) {
    if (code === null && e.constructor !== Error) return e; // not an I/O error
    cls = OSError;
  }
  return new cls(`${what}: ${e.message}`, { cause: e, code, errno: errnoOf(code), filename });
}

/**
 * Maps an error from a TLS handshake or a TLS connection: Deno's
 * `InvalidData` (a certificate or protocol failure) and `UnexpectedEof` (the
 * peer left mid-handshake or mid-record) become `SSLError`; anything else
 * goes through `mapIoError`.
 */
export function mapTlsError(e: unknown, what: string): Error {
  if (e instanceof Deno.errors.InvalidData || e instanceof Deno.errors.UnexpectedEof) {
    return new SSLError(`${what}: ${e.message}`, { cause: e });
  }
  return mapIoError(e, what);
}

/**
 * The kernel's answer to a connect to port 0 (`ECONNREFUSED`), which Deno
 * refuses to attempt (it throws a RangeError instead).
 */
export function refusedPortZero(host: string): ConnectionRefusedError {
  return new ConnectionRefusedError(
    `Connect call failed ${JSON.stringify([host, 0])}: Connection refused`,
    { code: "ECONNREFUSED", errno: errnoOf("ECONNREFUSED") },
  );
}

/** Whether an error means the peer went away (reset, broken pipe, aborted). */
export function isConnectionLost(e: unknown): boolean {
  return e instanceof ConnectionResetError || e instanceof BrokenPipeError ||
    e instanceof ConnectionAbortedError;
}
