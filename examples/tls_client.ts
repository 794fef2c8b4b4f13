// A TLS client written as a Protocol: connects, sends an HTTP/1.1 GET with
// `Connection: close`, prints the negotiated ALPN protocol, the status line
// and how many bytes came back.
//
//   deno run --allow-all examples/tls_client.ts                  # offline: a local server
//   deno run --allow-net examples/tls_client.ts example.com      # port 443
//   deno run --allow-net examples/tls_client.ts example.com:8443 /path
//
// Without a host it starts a local TLS server (on the same loop) with a
// certificate generated for the run by `openssl` (or, without openssl, the
// test certificate under tests/fixtures/tls), trusts that certificate, and
// connects to it — so it works without internet access.

import { type Coroutine, type Future, getRunningLoop, OSError, run, SSLContext } from "../mod.ts";
import {
  type AbstractServer,
  type InetAddress,
  Protocol,
  type Transport,
} from "../loops/protocols_mod.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Sends one request and collects the whole response (the server closes). */
class HttpsGet extends Protocol {
  #chunks: Uint8Array[] = [];
  readonly response: Future<string>;

  constructor(readonly host: string, readonly path: string) {
    super();
    this.response = getRunningLoop().createFuture<string>();
  }

  override connectionMade(transport: Transport): void {
    const request = `GET ${this.path} HTTP/1.1\r\nHost: ${this.host}\r\n` +
      "User-Agent: asyncio-deno-example\r\nConnection: close\r\n\r\n";
    transport.write(encoder.encode(request));
  }

  override dataReceived(data: Uint8Array): void {
    this.#chunks.push(data);
  }

  override connectionLost(exc: Error | null): void {
    if (exc !== null) this.response.setException(exc);
    else this.response.setResult(this.#chunks.map((c) => decoder.decode(c)).join(""));
  }
}

/**
 * Fetches `path` from `host`:`port` over TLS and returns a one-line summary.
 *
 * @param host The server's name (checked against its certificate).
 * @param port The port.
 * @param path The path to request.
 * @param ssl The client context (default: the system's roots).
 * @returns A coroutine of the summary.
 */
export function* fetchSummary(
  host: string,
  port: number,
  path = "/",
  ssl: SSLContext = new SSLContext(),
): Coroutine<string> {
  ssl.setAlpnProtocols(["http/1.1"]);
  const loop = getRunningLoop();
  const [transport, protocol] = yield* loop.createConnection(
    () => new HttpsGet(host, path),
    host,
    port,
    { ssl },
  );
  const alpn = transport.getExtraInfo("alpnProtocol") ?? "none";
  const text = yield* protocol.response;
  const status = text.split("\r\n")[0];
  return `${host}:${port} ALPN=${alpn} -> ${status} (${encoder.encode(text).length} bytes)`;
}

/** Makes a certificate for localhost with openssl; falls back to the test fixture. */
async function localCertificate(): Promise<{ cert: string; key: string; source: string }> {
  const dir = await Deno.makeTempDir({ prefix: "asyncio-tls-example-" });
  try {
    const { code } = await new Deno.Command("openssl", {
      args: [
        ..."req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost".split(" "),
        ...["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        // Deno's TLS (rustls) refuses a CA certificate as a server certificate.
        ...["-addext", "basicConstraints=critical,CA:FALSE"],
        ...["-keyout", `${dir}/key.pem`, "-out", `${dir}/cert.pem`],
      ],
      stdout: "null",
      stderr: "null",
    }).output();
    if (code !== 0) throw new Error(`openssl exited with ${code}`);
    const cert = await Deno.readTextFile(`${dir}/cert.pem`);
    const key = await Deno.readTextFile(`${dir}/key.pem`);
    return { cert, key, source: "generated with openssl for this run" };
  } catch {
    const fixture = new URL("../tests/fixtures/tls/", import.meta.url);
    const cert = await Deno.readTextFile(new URL("cert.pem", fixture));
    const key = await Deno.readTextFile(new URL("key.pem", fixture));
    return { cert, key, source: "the test certificate (openssl not available)" };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Answers every request with a fixed page and closes. */
class HelloPage extends Protocol {
  override connectionMade(transport: Transport): void {
    const body = "Hello over TLS from asyncio for Deno!\n";
    transport.write(encoder.encode(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    ));
    transport.close();
  }
}

/** Runs a local TLS server, fetches from it, and shuts it down. */
function* offline(cert: string, key: string): Coroutine<string> {
  const serverCtx = new SSLContext("clientAuth");
  serverCtx.loadCertChain(cert, key);
  serverCtx.setAlpnProtocols(["http/1.1"]);
  const server: AbstractServer<InetAddress> = yield* getRunningLoop().createServer(
    () => new HelloPage(),
    "127.0.0.1",
    0,
    { ssl: serverCtx },
  );
  try {
    const [, port] = server.sockets[0].getsockname();
    const clientCtx = new SSLContext();
    clientCtx.loadVerifyLocations({ cadata: cert });
    return yield* fetchSummary("localhost", port, "/", clientCtx);
  } finally {
    server.close();
    yield* server.waitClosed();
  }
}

if (import.meta.main) {
  const [target, path = "/"] = Deno.args;
  if (target === undefined) {
    const { cert, key, source } = await localCertificate();
    console.log(`local TLS server, certificate ${source}`);
    console.log(await run(offline(cert, key)));
  } else {
    const [host, port = "443"] = target.split(":");
    try {
      console.log(await run(fetchSummary(host, Number(port), path)));
    } catch (e) {
      if (!(e instanceof OSError)) throw e;
      console.error(`${e.name}: ${e.message}`); // unreachable, refused, bad certificate, ...
      Deno.exitCode = 1;
    }
  }
}
