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
 * import assert from "node:assert/strict";
 * import { ConnectionRefusedError, OSError } from "@asyncio/deno";
 * const err = new ConnectionRefusedError("Connect call failed", { code: "ECONNREFUSED" });
 * assert(err instanceof OSError && err.code === "ECONNREFUSED");
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

/**
 * Python's `ConnectionError`: the base of the connection failures below.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConnectionError, ConnectionRefusedError } from "@asyncio/deno";
 * assert(new ConnectionRefusedError("refused") instanceof ConnectionError);
 * ```
 */
export class ConnectionError extends OSError {}
/**
 * The peer closed the connection while we were writing (`EPIPE`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BrokenPipeError, OSError } from "@asyncio/deno";
 * const err = new BrokenPipeError("what failed");
 * assert(err instanceof OSError && err.name === "BrokenPipeError");
 * ```
 */
export class BrokenPipeError extends ConnectionError {}
/**
 * The connection was aborted on this side (`ECONNABORTED`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConnectionAbortedError, OSError } from "@asyncio/deno";
 * const err = new ConnectionAbortedError("what failed");
 * assert(err instanceof OSError && err.name === "ConnectionAbortedError");
 * ```
 */
export class ConnectionAbortedError extends ConnectionError {}
/**
 * Nobody listens at the address (`ECONNREFUSED`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConnectionRefusedError, OSError } from "@asyncio/deno";
 * const err = new ConnectionRefusedError("what failed");
 * assert(err instanceof OSError && err.name === "ConnectionRefusedError");
 * ```
 */
export class ConnectionRefusedError extends ConnectionError {}
/**
 * The peer reset the connection (`ECONNRESET`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConnectionResetError, OSError } from "@asyncio/deno";
 * const err = new ConnectionResetError("what failed");
 * assert(err instanceof OSError && err.name === "ConnectionResetError");
 * ```
 */
export class ConnectionResetError extends ConnectionError {}
/**
 * A file or socket path does not exist (`ENOENT`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FileNotFoundError, OSError } from "@asyncio/deno";
 * const err = new FileNotFoundError("what failed");
 * assert(err instanceof OSError && err.name === "FileNotFoundError");
 * ```
 */
export class FileNotFoundError extends OSError {}
/**
 * A file or socket path already exists (`EEXIST`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FileExistsError, OSError } from "@asyncio/deno";
 * const err = new FileExistsError("what failed");
 * assert(err instanceof OSError && err.name === "FileExistsError");
 * ```
 */
export class FileExistsError extends OSError {}
/**
 * The OS refused the operation (`EACCES`/`EPERM`), or Deno lacks a permission flag.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PermissionError, OSError } from "@asyncio/deno";
 * const err = new PermissionError("what failed");
 * assert(err instanceof OSError && err.name === "PermissionError");
 * ```
 */
export class PermissionError extends OSError {}
/**
 * A blocking call was interrupted (`EINTR`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { InterruptedError, OSError } from "@asyncio/deno";
 * const err = new InterruptedError("what failed");
 * assert(err instanceof OSError && err.name === "InterruptedError");
 * ```
 */
export class InterruptedError extends OSError {}
/**
 * A directory was given where a file was expected (`EISDIR`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { IsADirectoryError, OSError } from "@asyncio/deno";
 * const err = new IsADirectoryError("what failed");
 * assert(err instanceof OSError && err.name === "IsADirectoryError");
 * ```
 */
export class IsADirectoryError extends OSError {}
/**
 * A file was given where a directory was expected (`ENOTDIR`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NotADirectoryError, OSError } from "@asyncio/deno";
 * const err = new NotADirectoryError("what failed");
 * assert(err instanceof OSError && err.name === "NotADirectoryError");
 * ```
 */
export class NotADirectoryError extends OSError {}
/**
 * Python's `socket.gaierror`: a host name or service could not be resolved.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { GaiError, OSError } from "@asyncio/deno";
 * const err = new GaiError("what failed");
 * assert(err instanceof OSError && err.name === "GaiError");
 * ```
 */
export class GaiError extends OSError {}
/** The details an `SSLError` carries besides an `OSError`'s. */
export interface SSLErrorOptions extends OSErrorOptions {
  /** OpenSSL's reason mnemonic, such as `"CERTIFICATE_VERIFY_FAILED"`, when known. */
  reason?: string | null;
  /** OpenSSL's library name (`"SSL"`), when known. */
  library?: string | null;
}

/**
 * Python's `ssl.SSLError`: a TLS handshake or TLS stream failed (a peer that
 * does not speak TLS or stopped mid-record, a TLS alert from the peer, no
 * common ALPN protocol). Certificate verification failures are the subclass
 * `SSLCertVerificationError`.
 *
 * The message starts with OpenSSL's wording, as Python's does (`[SSL:
 * WRONG_VERSION_NUMBER] wrong version number`), and ends with Deno's
 * (rustls) own detail in parentheses; `reason` holds OpenSSL's mnemonic.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SSLError, OSError } from "@asyncio/deno";
 * const err = new SSLError("what failed", { reason: "WRONG_VERSION_NUMBER" });
 * assert(err instanceof OSError && err.name === "SSLError" && err.reason === "WRONG_VERSION_NUMBER");
 * ```
 */
export class SSLError extends OSError {
  /** OpenSSL's reason mnemonic (`"CERTIFICATE_VERIFY_FAILED"`, ...), or `null`. */
  readonly reason: string | null;
  /** OpenSSL's library name (`"SSL"`), or `null`. */
  readonly library: string | null;

  /** Creates the error. */
  constructor(message = "", options: SSLErrorOptions = {}) {
    super(message, options);
    this.reason = options.reason ?? null;
    this.library = options.library ?? null;
  }
}

/** The details an `SSLCertVerificationError` carries besides an `SSLError`'s. */
export interface SSLCertVerificationErrorOptions extends SSLErrorOptions {
  /** OpenSSL's X509 verification error code (20: unable to get local issuer certificate, ...). */
  verifyCode?: number | null;
  /** OpenSSL's text for `verifyCode`. */
  verifyMessage?: string | null;
}

/**
 * Python's `ssl.SSLCertVerificationError`: the peer's certificate failed
 * verification (an unknown issuer, a name it does not cover, expired, ...).
 * `verifyCode` and `verifyMessage` are OpenSSL's, as in Python, e.g. 20
 * `"unable to get local issuer certificate"`, 62 `"Hostname mismatch,
 * certificate is not valid for 'x'"`, 64 `"IP address mismatch, ..."`.
 *
 * Differences from Python: it is not also a `ValueError` (JavaScript has
 * single inheritance); rustls cannot tell a self-signed certificate from an
 * unknown issuer, so both are code 20.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SSLCertVerificationError, SSLError } from "@asyncio/deno";
 * const err = new SSLCertVerificationError("certificate verify failed", { verifyCode: 20 });
 * assert(err instanceof SSLError && err.verifyCode === 20);
 * ```
 */
export class SSLCertVerificationError extends SSLError {
  /** OpenSSL's X509 verification error code, or `null`. */
  readonly verifyCode: number | null;
  /** OpenSSL's text for the verification error, or `null`. */
  readonly verifyMessage: string | null;

  /** Creates the error. */
  constructor(message = "", options: SSLCertVerificationErrorOptions = {}) {
    super(message, options);
    this.verifyCode = options.verifyCode ?? null;
    this.verifyMessage = options.verifyMessage ?? null;
  }
}
/**
 * A non-blocking socket operation would have to wait (`EAGAIN`): raised by
 * `Socket.recv()`, `send()` and `accept()` when nothing is ready.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BlockingIOError, OSError } from "@asyncio/deno";
 * const err = new BlockingIOError("what failed");
 * assert(err instanceof OSError && err.name === "BlockingIOError");
 * ```
 */
export class BlockingIOError extends OSError {}
/**
 * An operation on a child process failed (`ECHILD`): no such child is known.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ChildProcessError, OSError } from "@asyncio/deno";
 * const err = new ChildProcessError("what failed");
 * assert(err instanceof OSError && err.name === "ChildProcessError");
 * ```
 */
export class ChildProcessError extends OSError {}
/**
 * No such process (`ESRCH`): raised when signalling a child process whose
 * subprocess transport has already finished.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProcessLookupError, OSError } from "@asyncio/deno";
 * const err = new ProcessLookupError("what failed");
 * assert(err instanceof OSError && err.name === "ProcessLookupError");
 * ```
 */
export class ProcessLookupError extends OSError {}
