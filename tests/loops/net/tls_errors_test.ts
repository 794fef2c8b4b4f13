// TLS failures as asyncio reports them (and its other TLS rules): the class (SSLError, or
// SSLCertVerificationError for a certificate), OpenSSL's wording first (what
// Python's ssl module says), rustls's detail after it, and OpenSSL's reason
// and X509 verification code. Real TLS on 127.0.0.1 with the test
// certificate (localhost, 127.0.0.1), and Python's own wording where python3
// is available.

import assert from "node:assert/strict";
import {
  type Coroutine,
  type SelectorEventLoop,
  SSLCertVerificationError,
  SSLContext,
  SSLError,
} from "../../../mod.ts";
import { Protocol, type Transport } from "../../../loops/protocols_mod.ts";
import { onLoop, portOf, shutdown } from "./_net.ts";
import { CERT_PATH, clientContext, serverContext, tlsEchoServer } from "./_tls.ts";
import { captureConsole } from "../../_helpers.ts";

/** What connecting to 127.0.0.1:`port` with `ctx` and `serverHostname` fails with. */
function* failure(
  loop: SelectorEventLoop,
  port: number,
  ctx: SSLContext,
  serverHostname?: string,
): Coroutine<Error> {
  try {
    const [t] = yield* loop.createConnection(() => new Protocol(), "127.0.0.1", port, {
      ssl: ctx,
      serverHostname,
    });
    t.close();
  } catch (e) {
    return e as Error;
  }
  return assert.fail("expected the TLS handshake to fail");
}

Deno.test("A certificate that fails verification is SSLCertVerificationError with OpenSSL's words", async (t) => {
  const cases: [string, SSLContext, string | undefined, number, string][] = [
    [
      "an unknown issuer",
      new SSLContext(),
      undefined,
      20,
      "unable to get local issuer certificate",
    ],
    [
      "an IP address the certificate does not cover",
      clientContext(),
      "127.0.0.2",
      64,
      "IP address mismatch, certificate is not valid for '127.0.0.2'",
    ],
    [
      "a host name the certificate does not cover",
      clientContext(),
      "example.com",
      62,
      "Hostname mismatch, certificate is not valid for 'example.com'",
    ],
  ];
  for (const [what, ctx, serverHostname, code, words] of cases) {
    await t.step(what, async () => {
      await onLoop(function* (loop, exceptions) {
        const [server, port] = yield* tlsEchoServer(loop);
        const e = yield* failure(loop, port, ctx, serverHostname);
        assert.ok(e instanceof SSLCertVerificationError, String(e));
        assert.ok(e instanceof SSLError);
        assert.equal(e.reason, "CERTIFICATE_VERIFY_FAILED");
        assert.equal(e.library, "SSL");
        assert.equal(e.verifyCode, code);
        assert.equal(e.verifyMessage, words);
        assert.ok(
          e.message.startsWith(
            `[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ${words} (`,
          ),
          e.message,
        );
        assert.match(e.message, /invalid peer certificate/); // rustls's detail is kept
        yield* shutdown(server);
        exceptions.take(); // the server's side of the failed handshake (debug only)
      });
    });
  }
});

Deno.test("TLS to a peer that does not speak it is SSLError WRONG_VERSION_NUMBER, as with OpenSSL", async () => {
  await onLoop(function* (loop) {
    const server = yield* loop.createServer(
      () =>
        new (class extends Protocol {
          override connectionMade(t: Transport) {
            t.write(new TextEncoder().encode("HTTP/1.0 400 Bad Request\r\n\r\n"));
            t.close();
          }
        })(),
      "127.0.0.1",
      0,
    );
    const e = yield* failure(loop, portOf(server), clientContext(), "localhost");
    assert.ok(e instanceof SSLError && !(e instanceof SSLCertVerificationError), String(e));
    assert.equal(e.reason, "WRONG_VERSION_NUMBER");
    assert.ok(e.message.startsWith("[SSL: WRONG_VERSION_NUMBER] wrong version number ("));
    yield* shutdown(server);
  });
});

/** Python's message for the same failure, without its `(_ssl.c:N)` tail, or null without python3. */
async function pythonWords(port: number, serverHostname: string): Promise<string | null> {
  const script = `
import socket, ssl, sys
ctx = ssl.create_default_context()
ctx.load_verify_locations(sys.argv[1])
s = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
try:
    ctx.wrap_socket(s, server_hostname=sys.argv[3])
except ssl.SSLCertVerificationError as e:
    print(e.verify_code, e.verify_message)
`;
  try {
    const out = await new Deno.Command("python3", {
      args: ["-c", script, CERT_PATH, String(port), serverHostname],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return new TextDecoder().decode(out.stdout).trim();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

Deno.test("The verification code and message match Python's ssl module", async (t) => {
  for (const name of ["127.0.0.2", "example.com"]) {
    await t.step(name, async () => {
      await onLoop(function* (loop, exceptions) {
        const [server, port] = yield* tlsEchoServer(loop);
        const python = yield* loop.createTask(pythonWords(port, name));
        const e = yield* failure(loop, port, clientContext(), name);
        yield* shutdown(server);
        exceptions.take();
        if (python === null) return; // no python3 here
        assert.ok(e instanceof SSLCertVerificationError, String(e));
        // Python ends its message with a period; ours has none (project style).
        assert.equal(`${e.verifyCode} ${e.verifyMessage}.`, python);
      });
    });
  }
});

Deno.test("Over TLS, eofReceived() returning true has no effect: a warning, and the transport closes (asyncio)", async () => {
  await onLoop(function* (loop) {
    const server = yield* loop.createServer(
      () =>
        new (class extends Protocol {
          override connectionMade(t: Transport) {
            t.write(new TextEncoder().encode("bye"));
            t.close();
          }
        })(),
      "127.0.0.1",
      0,
      { ssl: serverContext() },
    );
    const lost = loop.createFuture<Error | null>();
    const log = yield* loop.createTask(captureConsole("warn", async () => {
      const [t] = await loop.createConnection(
        () =>
          new (class extends Protocol {
            override eofReceived() {
              return true; // keep open: not possible over TLS
            }
            override connectionLost(exc: Error | null) {
              lost.setResult(exc);
            }
          })(),
        "127.0.0.1",
        portOf(server),
        { ssl: clientContext(), serverHostname: "localhost" },
      );
      assert.equal(await lost, null);
      assert.ok(t.isClosing());
    }));
    assert.deepEqual(log.calls, ["returning true from eofReceived() has no effect when using ssl"]);
    yield* shutdown(server);
  });
});
