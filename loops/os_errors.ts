/**
 * Python's `OSError` family, raised by the I/O layer. Errors from Deno
 * (`Deno.errors.*`, and Node-style errors from `node:` modules) are mapped to
 * these classes in one place, `loops/_errors.ts`; the original error is kept
 * as `cause`.
 *
 * @module
 */

/** The details an `OSError` carries. */
export interface OSErrorOptions extends ErrorOptions {
  /** The symbolic error code, such as `"ECONNREFUSED"`, when known. */
  code?: string | null;
  /** The numeric error code of this OS, when known. */
  errno?: number | null;
  /** The file name or address involved. */
  filename?: string | null;
}

/**
 * Python's `OSError`: an operating-system level I/O failure. Carries the
 * symbolic `code` (`"ECONNRESET"`, ...) and the numeric `errno` when known.
 *
 * @example
 * ```ts
 * import { ConnectionRefusedError, OSError } from "@asyncio/deno";
 * const err = new ConnectionRefusedError("Connect call failed", { code: "ECONNREFUSED" });
 * console.assert(err instanceof OSError && err.code === "ECONNREFUSED");
 * ```
 */
export class OSError extends Error {
  /** The symbolic error code, or `null`. */
  readonly code: string | null;
  /** The numeric error code, or `null`. */
  readonly errno: number | null;
  /** The file name or address involved, or `null`. */
  readonly filename: string | null;

  /** Creates the error. */
  constructor(message = "", options: OSErrorOptions = {}) {
    super(message, options);
    this.name = new.target.name;
    this.code = options.code ?? null;
    this.errno = options.errno ?? null;
    this.filename = options.filename ?? null;
  }
}

/** Python's `ConnectionError`: the base of the connection failures below. */
export class ConnectionError extends OSError {}
/** The peer closed the connection while we were writing (`EPIPE`). */
export class BrokenPipeError extends ConnectionError {}
/** The connection was aborted on this side (`ECONNABORTED`). */
export class ConnectionAbortedError extends ConnectionError {}
/** Nobody listens at the address (`ECONNREFUSED`). */
export class ConnectionRefusedError extends ConnectionError {}
/** The peer reset the connection (`ECONNRESET`). */
export class ConnectionResetError extends ConnectionError {}
/** A file or socket path does not exist (`ENOENT`). */
export class FileNotFoundError extends OSError {}
/** A file or socket path already exists (`EEXIST`). */
export class FileExistsError extends OSError {}
/** The OS refused the operation (`EACCES`/`EPERM`), or Deno lacks a permission flag. */
export class PermissionError extends OSError {}
/** A blocking call was interrupted (`EINTR`). */
export class InterruptedError extends OSError {}
/** A directory was given where a file was expected (`EISDIR`). */
export class IsADirectoryError extends OSError {}
/** A file was given where a directory was expected (`ENOTDIR`). */
export class NotADirectoryError extends OSError {}
/** Python's `socket.gaierror`: a host name or service could not be resolved. */
export class GaiError extends OSError {}
/**
 * Python's `ssl.SSLError`: a TLS handshake or TLS stream failed (an untrusted
 * certificate, a host name the certificate does not cover, no common ALPN
 * protocol, a peer that does not speak TLS or stopped mid-record).
 *
 * Differences from Python: there are no subclasses such as
 * `SSLCertVerificationError`; Deno reports every TLS failure with one error
 * class, and the message says which it was.
 */
export class SSLError extends OSError {}
/**
 * A non-blocking socket operation would have to wait (`EAGAIN`): raised by
 * `Socket.recv()`, `send()` and `accept()` when nothing is ready.
 */
export class BlockingIOError extends OSError {}
/** An operation on a child process failed (`ECHILD`): no such child is known. */
export class ChildProcessError extends OSError {}
/**
 * No such process (`ESRCH`): raised when signalling a child process whose
 * subprocess transport has already finished.
 */
export class ProcessLookupError extends OSError {}
