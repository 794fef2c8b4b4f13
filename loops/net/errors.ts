// The one place where errors from Deno (and from the `node:` modules the I/O
// layer uses) become asyncio's OSError family. Matching is by class and by
// error code, never by message text.

import { constants } from "node:os";
import { TimeoutError } from "../core/exceptions.ts";
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
  SSLCertVerificationError,
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
 * peer left mid-handshake or mid-record) become `SSLError` (a certificate
 * failure: `SSLCertVerificationError`) with OpenSSL's wording first, as
 * asyncio's messages have it; anything else goes through `mapIoError`.
 */
export function mapTlsError(e: unknown, what: string): Error {
  if (e instanceof Deno.errors.UnexpectedEof) {
    return new SSLError(
      `[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol (${what}: ${e.message})`,
      { cause: e, reason: "UNEXPECTED_EOF_WHILE_READING", library: "SSL" },
    );
  }
  if (e instanceof Deno.errors.InvalidData) return tlsFailure(e, what);
  return mapIoError(e, what);
}

// Deno reports every rustls failure as InvalidData with rustls's own text,
// its only account of what failed: so, unlike the rest of this module, the
// TLS failures are told apart by that text. What is not recognized keeps
// rustls's words alone.
function tlsFailure(e: Error, what: string): SSLError {
  const detail = `${what}: ${e.message}`;
  const cert = /^invalid peer certificate: (.*)$/s.exec(e.message);
  if (cert !== null) {
    const [verifyCode, verifyMessage] = certificateProblem(cert[1]);
    const text = verifyMessage === null
      ? "certificate verify failed"
      : `certificate verify failed: ${verifyMessage}`;
    return new SSLCertVerificationError(`[SSL: CERTIFICATE_VERIFY_FAILED] ${text} (${detail})`, {
      cause: e,
      reason: "CERTIFICATE_VERIFY_FAILED",
      library: "SSL",
      verifyCode,
      verifyMessage,
    });
  }
  const [reason, text] = protocolProblem(e.message);
  if (reason === null) return new SSLError(detail, { cause: e });
  return new SSLError(`[SSL: ${reason}] ${text} (${detail})`, {
    cause: e,
    reason,
    library: "SSL",
  });
}

// rustls's CertificateError (its Debug or Display text) as OpenSSL's X509
// verification code and message.
function certificateProblem(text: string): [number | null, string | null] {
  const name = /not valid for name "([^"]*)"/.exec(text);
  if (name !== null) {
    return /^[0-9.]+$|:/.test(name[1])
      ? [64, `IP address mismatch, certificate is not valid for '${name[1]}'`]
      : [62, `Hostname mismatch, certificate is not valid for '${name[1]}'`];
  }
  const known: [RegExp, number, string][] = [
    [/^NotValidForName/, 62, "Hostname mismatch, certificate is not valid"],
    [/^UnknownIssuer/, 20, "unable to get local issuer certificate"],
    [/^(Expired|certificate expired)/, 10, "certificate has expired"],
    [/^(NotValidYet|certificate not valid yet)/, 9, "certificate is not yet valid"],
    [/^Revoked/, 23, "certificate revoked"],
    [/^BadSignature/, 7, "certificate signature failure"],
    [/^(InvalidPurpose|certificate does not allow)/, 26, "unsupported certificate purpose"],
    [/^UnhandledCriticalExtension/, 34, "unhandled critical extension"],
    [/CaUsedAsEndEntity/, 24, "invalid CA certificate"],
  ];
  for (const [re, code, message] of known) if (re.test(text)) return [code, message];
  return [null, null];
}

// TLS alerts that SSLv3 already had: OpenSSL names them SSLV3_ALERT_*.
const SSLV3_ALERTS = new Set([
  "CloseNotify",
  "UnexpectedMessage",
  "BadRecordMac",
  "DecompressionFailure",
  "HandshakeFailure",
  "NoCertificate",
  "BadCertificate",
  "UnsupportedCertificate",
  "CertificateRevoked",
  "CertificateExpired",
  "CertificateUnknown",
  "IllegalParameter",
]);

// Other rustls failures as OpenSSL's reason and text, or [null, null].
function protocolProblem(text: string): [string | null, string] {
  const alert = /^received fatal alert: (\w+)$/.exec(text);
  if (alert !== null) {
    const words = alert[1].replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
    const prefix = SSLV3_ALERTS.has(alert[1]) ? "sslv3" : "tlsv1";
    return [
      `${prefix}_alert_${words.replaceAll(" ", "_")}`.toUpperCase(),
      `${prefix} alert ${words}`,
    ];
  }
  if (/^received corrupt message of type InvalidContentType/.test(text)) {
    return ["WRONG_VERSION_NUMBER", "wrong version number"];
  }
  if (/NoCipherSuitesInCommon/.test(text)) return ["NO_SHARED_CIPHER", "no shared cipher"];
  return [null, ""];
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
