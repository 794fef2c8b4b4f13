// TLS material and helpers for the TLS tests. The certificate is kept under
// tests/fixtures/tls (see generate.sh there) rather than generated per run:
// the tests then need no openssl (Windows machines lack it, macOS ships
// LibreSSL), and its fixed validity (2000-2100) holds whatever the machine's
// clock says.

import { fileURLToPath } from "node:url";
import { type Coroutine, type SelectorEventLoop, SSLContext } from "../../../mod.ts";
import type { AbstractServer } from "../../../loops/protocols_mod.ts";
import { portOf, Recorder } from "./_net.ts";

/** Paths and PEM text of the test certificate (localhost, 127.0.0.1) and its key. */
export const CERT_PATH = fileURLToPath(new URL("../../fixtures/tls/cert.pem", import.meta.url));
export const KEY_PATH = fileURLToPath(new URL("../../fixtures/tls/key.pem", import.meta.url));
export const CERT = Deno.readTextFileSync(CERT_PATH);
export const KEY = Deno.readTextFileSync(KEY_PATH);

/** A server context with the test certificate (and ALPN protocols). */
export function serverContext(alpn: string[] = []): SSLContext {
  const ctx = new SSLContext("clientAuth");
  ctx.loadCertChain(CERT, KEY);
  if (alpn.length > 0) ctx.setAlpnProtocols(alpn);
  return ctx;
}

/** A client context trusting the test certificate (and ALPN protocols). */
export function clientContext(alpn: string[] = []): SSLContext {
  const ctx = new SSLContext();
  ctx.loadVerifyLocations({ cadata: CERT });
  if (alpn.length > 0) ctx.setAlpnProtocols(alpn);
  return ctx;
}

/** A TLS echo server on 127.0.0.1 recording its protocols. */
export function* tlsEchoServer(
  loop: SelectorEventLoop,
  ctx = serverContext(),
  accepted: Recorder[] = [],
  options: { sslHandshakeTimeout?: number } = {},
): Coroutine<[AbstractServer, number]> {
  const server = yield* loop.createServer(
    () => {
      const p = new (class extends Recorder {
        override dataReceived(data: Uint8Array) {
          super.dataReceived(data);
          this.transport!.write(data);
        }
      })(loop);
      accepted.push(p);
      return p;
    },
    "127.0.0.1",
    0,
    { ssl: ctx, ...options },
  );
  return [server, portOf(server)];
}
