/**
 * `SSLContext`: the TLS settings `createConnection`, `createServer`,
 * `startTls` and the streams accept as `ssl`, shaped after Python's
 * `ssl.SSLContext` but limited to what Deno's TLS (rustls) can do.
 *
 * @module
 */

import { NotImplementedError } from "../core/exceptions.ts";
import { describe } from "../core/checks.ts";
import type { SSLContextLike } from "../core/io_types.ts";

/** Which side a context is for (Python's `ssl.Purpose`). */
export type SSLPurpose = "serverAuth" | "clientAuth";

/** Peer certificate checking (Python's `ssl.CERT_*`). */
export type VerifyMode = "CERT_NONE" | "CERT_OPTIONAL" | "CERT_REQUIRED";

/**
 * TLS settings. A client context (the default, `Purpose.SERVER_AUTH` in
 * Python) verifies the server against the system roots plus any CA
 * certificates loaded; a server context needs `loadCertChain()`.
 *
 * Differences from Python: certificates and keys are PEM strings (read them
 * with `Deno.readTextFile`); `verifyMode` `CERT_NONE` cannot be honoured by
 * Deno without the `--unsafely-ignore-certificate-errors` flag, so setting it
 * on a client context throws, and using a `CERT_NONE` context (such as a
 * `"clientAuth"` one) as a client throws `NotImplementedError`; a client
 * certificate (`loadCertChain()` on a client context) is sent only by
 * `createConnection(host, port, { ssl })`: `startTls()` and
 * `createConnection({ sock, ssl })` upgrade with `Deno.startTls`, which
 * cannot present one, so they throw `NotImplementedError`; a server cannot ask for client certificates (`Deno.listenTls` has
 * no such option), so serving with `verifyMode` other than `CERT_NONE` or
 * with CA certificates loaded throws `NotImplementedError`; protocol
 * versions and ciphers are rustls's choice.
 *
 * @example A client context trusting a private CA
 * ```ts
 * import assert from "node:assert/strict";
 * import { SSLContext } from "@asyncio/deno";
 * const ctx = new SSLContext("serverAuth");
 * ctx.loadVerifyLocations({ cadata: "-----BEGIN CERTIFICATE-----\n..." });
 * ctx.setAlpnProtocols(["h2", "http/1.1"]);
 * assert(ctx.checkHostname && ctx.caCerts.length === 1);
 * ```
 */
export class SSLContext implements SSLContextLike {
  /** `"serverAuth"`: a client context; `"clientAuth"`: a server context. */
  readonly purpose: SSLPurpose;
  /** Whether the server's host name must match its certificate (clients). */
  checkHostname = true;
  /** Extra CA certificates (PEM) trusted besides the system roots. */
  readonly caCerts: string[] = [];
  /** The certificate chain (PEM), for servers or client authentication. */
  certChain: string | null = null;
  /** The private key (PEM) matching `certChain`. */
  privateKey: string | null = null;
  /** ALPN protocols to offer or accept. */
  alpnProtocols: string[] = [];
  #verifyMode: VerifyMode = "CERT_REQUIRED";

  /**
   * Creates a context.
   *
   * @param purpose `"serverAuth"` (default) for clients, `"clientAuth"` for servers.
   * @throws {TypeError} If `purpose` is neither.
   */
  constructor(purpose: SSLPurpose = "serverAuth") {
    if (purpose !== "serverAuth" && purpose !== "clientAuth") {
      throw new TypeError(`purpose must be "serverAuth" or "clientAuth": got ${describe(purpose)}`);
    }
    this.purpose = purpose;
    if (purpose === "clientAuth") {
      this.checkHostname = false;
      this.#verifyMode = "CERT_NONE";
    }
  }

  /** How the peer's certificate is checked. */
  get verifyMode(): VerifyMode {
    return this.#verifyMode;
  }

  /**
   * Sets how the peer's certificate is checked.
   *
   * @throws {NotImplementedError} For `CERT_NONE` on a client context: Deno
   *   always verifies server certificates (unless run with
   *   `--unsafely-ignore-certificate-errors`). (`CERT_OPTIONAL` and
   *   `CERT_REQUIRED` can be set on a server context, but `createServer`
   *   then refuses it: Deno cannot request client certificates.)
   */
  set verifyMode(mode: VerifyMode) {
    if (mode !== "CERT_NONE" && mode !== "CERT_OPTIONAL" && mode !== "CERT_REQUIRED") {
      throw new TypeError(`verifyMode must be a CERT_* name: got ${describe(mode)}`);
    }
    if (mode === "CERT_NONE" && this.purpose === "serverAuth") {
      throw new NotImplementedError(
        "verifyMode CERT_NONE is not available: Deno always verifies server certificates " +
          "(run Deno with --unsafely-ignore-certificate-errors to skip verification)",
      );
    }
    this.#verifyMode = mode;
  }

  /**
   * Sets the certificate chain and private key (PEM text).
   *
   * @param certfile The certificate chain, PEM.
   * @param keyfile The private key, PEM.
   * @throws {TypeError} If either is not a PEM string.
   */
  loadCertChain(certfile: string, keyfile: string): void {
    checkPem(certfile, "certfile");
    checkPem(keyfile, "keyfile");
    this.certChain = certfile;
    this.privateKey = keyfile;
  }

  /**
   * Adds trusted CA certificates (PEM text).
   *
   * @param options `cadata`: one or more PEM certificates.
   * @throws {TypeError} If `cadata` is not a PEM string.
   */
  loadVerifyLocations(options: { cadata: string }): void {
    checkPem(options?.cadata, "cadata");
    this.caCerts.push(options.cadata);
  }

  /**
   * Sets the ALPN protocols.
   *
   * @param protocols Protocol names such as `"http/1.1"`.
   */
  setAlpnProtocols(protocols: string[]): void {
    if (!Array.isArray(protocols) || protocols.some((p) => typeof p !== "string")) {
      throw new TypeError(`protocols must be an array of strings: got ${describe(protocols)}`);
    }
    this.alpnProtocols = [...protocols];
  }
}

/**
 * A client context with the default settings (Python's
 * `ssl.create_default_context()`): system roots, host name checking.
 *
 * @param purpose `"serverAuth"` (default) or `"clientAuth"`.
 * @returns A new context.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createDefaultContext } from "@asyncio/deno";
 * assert(createDefaultContext().verifyMode === "CERT_REQUIRED");
 * ```
 */
export function createDefaultContext(purpose: SSLPurpose = "serverAuth"): SSLContext {
  return new SSLContext(purpose);
}

function checkPem(value: unknown, name: string): void {
  if (typeof value !== "string" || !value.includes("-----BEGIN")) {
    throw new TypeError(`${name} must be PEM text (read the file first): got ${describe(value)}`);
  }
}

/** What the `ssl` argument may be: a context, or `true` for the default one. */
export type SSLArg = SSLContext | boolean | null | undefined;

/** @ignore Resolves the `ssl` argument to a context or null. */
export function resolveSsl(ssl: unknown, name = "ssl"): SSLContext | null {
  if (ssl === undefined || ssl === null || ssl === false) return null;
  if (ssl === true) return createDefaultContext();
  if (ssl instanceof SSLContext) return ssl;
  throw new TypeError(`${name} must be an SSLContext, true or null: got ${describe(ssl)}`);
}

/**
 * Checks that `ctx` can be honoured as a client context on `route` (for
 * messages, such as `"loop.startTls()"`). The loops call it while
 * validating the arguments of a client method, before any side effect.
 * `viaStartTls`: the route upgrades an open connection with Deno.startTls,
 * which takes no client certificate.
 *
 * @throws {NotImplementedError} If `verifyMode` is `CERT_NONE` (such as a
 *   `"clientAuth"` context): Deno always verifies the server certificate; or
 *   if `viaStartTls` and a client certificate is loaded.
 *
 * @ignore
 */
export function checkClientContext(ctx: SSLContext, route: string, viaStartTls: boolean): void {
  if (ctx.verifyMode === "CERT_NONE") {
    throw new NotImplementedError(
      `${route}: a client context with verifyMode CERT_NONE (such as ` +
        'new SSLContext("clientAuth"), a server context): Deno always verifies the server ' +
        "certificate against the system roots and loadVerifyLocations() (only the " +
        '--unsafely-ignore-certificate-errors flag skips it); use a "serverAuth" context',
    );
  }
  if (viaStartTls && ctx.certChain !== null) {
    throw new NotImplementedError(
      `${route}: a client certificate from loadCertChain(): Deno.startTls cannot present a ` +
        "client certificate; connect with createConnection(host, port, { ssl }) instead, " +
        "which uses Deno.connectTls",
    );
  }
}

/** @ignore What `Deno.listenTls` takes from a server context. */
export interface ListenTlsFields {
  cert: string;
  key: string;
  alpnProtocols?: string[];
}

/**
 * Checks that `ctx` can be served by `Deno.listenTls` and returns the TLS
 * part of its options. The loops call it while validating the arguments of
 * a server method (so a refusal comes before anything is bound) and again
 * where they build the listener.
 *
 * @throws {TypeError} Without `loadCertChain()`.
 * @throws {NotImplementedError} If the context asks for client certificates
 *   (`verifyMode` other than `CERT_NONE`, or CA certificates loaded):
 *   Deno.listenTls can neither request nor verify them, and accepting
 *   clients without one would silently weaken the server.
 *
 * @ignore
 */
export function serverTlsOptions(ctx: SSLContext, name = "options.ssl"): ListenTlsFields {
  if (ctx.certChain === null || ctx.privateKey === null) {
    throw new TypeError(`${name}: a server context needs loadCertChain(cert, key) first`);
  }
  const asks = ctx.verifyMode !== "CERT_NONE"
    ? `verifyMode ${ctx.verifyMode}`
    : ctx.caCerts.length > 0
    ? "CA certificates from loadVerifyLocations()"
    : null;
  if (asks !== null) {
    throw new NotImplementedError(
      `${name}: ${asks} on a server context: Deno.listenTls cannot request or verify ` +
        'client certificates (serve with new SSLContext("clientAuth"), verifyMode CERT_NONE)',
    );
  }
  return {
    cert: ctx.certChain,
    key: ctx.privateKey,
    ...(ctx.alpnProtocols.length > 0 ? { alpnProtocols: [...ctx.alpnProtocols] } : {}),
  };
}
