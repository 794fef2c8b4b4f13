// CPython 3.12's Lib/test/test_asyncio/test_events.py, ported to this library.
//
// How cases are translated:
// - Each Deno.test is one CPython test method, named `Class.method`, with a
//   comment naming its source. Only the call syntax is translated; what a case
//   asserts is kept. assertEqual/assertIs → assert.equal/deepEqual,
//   assertRaises(X) → assert.throws/assert.rejects with the mapped class
//   (ValueError → RangeError, RuntimeError → our RuntimeError, ...). A call
//   that returns a future or a promise "raises" when it throws or rejects, so
//   such calls are checked with `assert.rejects(async () => ...)`.
// - `EventLoopTestsMixin` and `SubprocessTestsMixin` run on one flavour: the
//   default `SelectorEventLoop` (epoll on Linux, CPython's EPollEventLoopTests)
//   when a case needs real I/O or real time, and the virtual-time `TestLoop`
//   when it does not. The C/Python twins of GetEventLoopTestsMixin are ported
//   once.
// - CPython's helper threads and blocking sockets become concurrent host code
//   (Deno.connect, Deno.listen, setTimeout, a Worker): they are the peer, not
//   the code under test. `test_utils.run_test_server` is a small HTTP/1.0
//   server on Deno.listen. `os.pipe()` is a FIFO (mkfifo). The child programs
//   echo.py, echo2.py and echo3.py run with `python3 -c`.
// - Servers listen on 127.0.0.1 (CPython: '0.0.0.0') and port 0, as this
//   project's tests must; the address asserted is the one bound.
// - mock.Mock callbacks and loops are small recording functions and stubs.
//   Lines that check Python-only mechanics (warnings, private attributes,
//   signal.getsignal) are left out, with a comment saying so.
// - A case that checks independent things of which only some hit a BUG or a
//   DEVIATION is split into `t.step`s, and only those steps are ignored.
// - Where 3.12 and 3.13 differ, the case says which it follows.
// - `// DEVIATION:` marks a case skipped because it asserts something the
//   docs/differences.md documents as different; `// BUG:` marks a faithful port that fails
//   because the library differs from asyncio in an undocumented way (ignored
//   so the suite stays green; remove `ignore` to see it fail).

import assert from "node:assert/strict";
import { constants } from "node:os";
import * as asyncio from "../_all_entries.ts";
import {
  AbstractEventLoop,
  AbstractEventLoopPolicy,
  allTasks,
  type BaseEventLoop,
  BlockingIOError,
  CancelledError,
  type Coroutine,
  DefaultEventLoopPolicy,
  type Future,
  getEventLoop,
  getEventLoopPolicy,
  getRunningLoop,
  Handle,
  newEventLoop,
  NotImplementedError,
  OSError,
  RuntimeError,
  SelectorEventLoop,
  setEventLoop,
  setEventLoopPolicy,
  sleep,
  SSLContext,
  SSLError,
  TimerHandle,
  waitFor,
} from "../../mod.ts";
import { TestLoop } from "../../loops/testing/mod.ts";
import {
  DatagramProtocol,
  type DatagramTransport,
  Protocol,
  type ReadTransport,
  SubprocessProtocol,
  type SubprocessTransport,
  Transport,
  type WriteTransport,
} from "../../loops/protocols_mod.ts";
import {
  AF_INET,
  AF_INET6,
  NI_NUMERICHOST,
  NI_NUMERICSERV,
  Socket,
} from "../../loops/net/socket_mod.ts";
import { WorkerPoolExecutor } from "../../loops/executor/mod.ts";
import { _getRunningLoop, type HandleOwner } from "../../loops/core/events.ts";
import { bad, hostTick, withLoop } from "../_helpers.ts";

const MOD = new URL("../../mod.ts", import.meta.url).href;
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

const newTestLoop = () => new TestLoop();
const newLoop = () => new SelectorEventLoop();

// test_utils.CLOCK_RES
const CLOCK_RES = 0.050;

// socket_helper.IPV6_ENABLED
const IPV6_ENABLED = (() => {
  try {
    Deno.listen({ hostname: "::1", port: 0 }).close();
    return true;
  } catch {
    return false;
  }
})();

// CPython's test certificates (Lib/test/certdata): keycert3.pem (a leaf for
// "localhost" signed by the test CA) and pycacert.pem (that CA), PEM parts only.
const SIGNED_KEY = `-----BEGIN PRIVATE KEY-----
MIIG/gIBADANBgkqhkiG9w0BAQEFAASCBugwggbkAgEAAoIBgQDFtLOteQlQojN7
ztkux7m0hmGKkP1hh0hbKqTcD87jkLAqAwZWenjZMjCbbZ3vP+AObCIkYIKzPXY7
Yi+H5M3O2mXIDxoHGjL/GWtoEyDNXvm9UC+MRuSOq2MaLHHQG0Rx2TxcYrMVUM7b
93rpN1LGRrCv1gISXM4EvEJooAR7Aadj0pG/o0fqDAdFjH6QZbhn1iZle+eGbjcf
dgH/H0F8dn1PPGoViHXicbsQ4kB6002Pf+aXP4b2QKAbflyNHEKHPHEOOTXrFjMd
c+bqKW24epEsMZI59qx9hU/4Rvp3/v+vEwTL7Nm7ilptzZn2cvGCW39LC0nNYLOz
kO3H8xwA75h6uykdB+WO/v2CKIK9M/ZO+9QNrmaokfKDamCk39b8hlCwNL6LsVpv
d3XTS5Wn4YWn92EqiltUJJoPo7pc7VTdWCg4zVFn4Q8Zh4NFNn/qTB8lEMgrsNTV
5cyZ7zhoBiUMSO45bmo2NsnE7ce/JUhlqe5uh0PT1MIBgTV+oDMCAwEAAQKCAYEA
udsy4gwblqK0tVnxz0lQqYV+os3EdO/BNHr1Oi7eNg2pngTz603812mYSjUVOHma
vtQmkH3twGQyBoc52Y1dcGzdK+IOfMjDUg7qao840ffL3I1J9ZwbdodlhZBsec94
W3J1jP/4DDzICf8vm5g3h0+i/9m2Xt7BibAU2dg7/grC+lNUUoxDqaEfIOF/hW0q
muq1c8e0EisAROIh5FzUqhWVnWxU6eM7tuFlkuyu4whLLHB3LI466Lo+CTqT9M+v
jJYlvS5+AZW3qMBp6WOI8C+VIiBL178mo+Igkyyy5AYXcWeNkjp6ygRWvtWXIhCv
CI29mf+BP/54jAY0rQRXJ2UcSHXmM6PTDkE/L2OKeiY1Ou8gLOwun3yBVdbkXJMb
PWmUW4N8qSIJQ+vE2TDqmkqAT6m+ilzOXl1O+LLTvGyMnOiiSLXK9mC4ND3tqaQu
hvKivnI1doErcWUaIf1DHiJmLrGxrTCUKjCEoefqVq2/dDdtCfx7CqUvjl3DYKMB
AoHBAP+Vdi6D07gZFepEGCaJ+YH6cxEyO73CNnea/F1whVAzOv91kHS32jC9PAI3
/wYlX+DLcN9mVF/q62V4SLZYfOxTPW4vWO0A45URe9s9Z795fdAcQ5jt3QFOVSnk
3XSaCkIOwckuwabGJi4+foiUEOnLLzQi1/g7x12dwejxVNhqhz5KFkOQPv8fQRed
sb5LVLYDeprsB2Vsx0fHwg4z9FvTIxLBeI7+sJD30lNpYZrCl/T9x4e1SV2Rwn2W
bghxgQKBwQDGBx07biZK9RB5g4qPl+G6vz0M+/KBfpwQbMYxSyct7u6gfGD9mWBO
qocIIr39Unac3kUL237Cn3HbgiGCRe7Mwd7XqnSSGWM5oWSlVQxEKTXYUlTbd9O9
DKuyQGOl/AMEwD4ZbEOfQNmnd1U4nh1AV052FQY8Ry/atGFT9fApA/5X/bbenOwQ
YGDsokLzPf2BIDncpE+VNevUMoMI7EnySgjjfpL+cRld0qpLqBMo2h5VddeJ/5YM
1YcNfMQiw7MCgcEAwXqXuKa7A8aZvHpH/gS9CRRbP01TxFbdfLWrDeE8SnY9111c
Ob9kQTk/0D4rpK9uYXIgxD1m6iWghXQFN2TNTOnGuz7EhsYBgrt1k4Zsn5qND5oV
4hNPFsoB1nEW5EooMdGSCYaHuoSOKrvMdgAAvbu+xC0MaTJ3vfrK7Fik7h/WueTD
7emohuFWGVabU38bZZ5EljrPboxmX4Rs9uuFtG2lQ3GKnlVXvKaeZd6EsO9WsXPc
NHOcUmUhYokaSvIBAoHAGCxGJTsM8Zl4qVylTWH87A7sJOmccLJD2r1sdBf4cGL6
PhzwugQ+/VtToGqdRo8Ka5u2Ufw5PQi5nVIFRSHERLpluW3VTQBMXHyXDJeVJ7zg
Fcf3E9NMxYcGbnvtrhVVSP8ulWvh1U7VQtwOSxsB9xixOzjVygXmkYvzVYxwBJG4
OoV+DS6aomUhb8Fe6tJmX5zPc1+bV1t9ril8VVqCrFDdROfuiaDEt+8/Wnzp2dLG
YShBZ1cLugVWtw7D4nqBAoHAF29k64iAxY5Y4OOibVkqjUCPyqG2oxiXqgO7CxZp
FGUat5UtV2mIBlSENs1o5AZ1nPlgWtPtg0xVCaG2t/Rq7ugvUfAnAhUK6zX8FS+T
gCXE+7iKuuIJiCo13/iAwF/CLfuXvj4CZ71ta0wX9w99f1FcPEk0x+ytiyuWJK8K
tyubL34JwNrnkh/8e3LcV3L88Sk9ZmxeTz31f3cA3Fy2ZJOAUMD9dKXeKtY7azzt
MkhXedRsdLSKqMh0VGeGHoLS
-----END PRIVATE KEY-----
`;
const SIGNED_CERT = `-----BEGIN CERTIFICATE-----
MIIF8TCCBFmgAwIBAgIJAMstgJlaaVJcMA0GCSqGSIb3DQEBCwUAME0xCzAJBgNV
BAYTAlhZMSYwJAYDVQQKDB1QeXRob24gU29mdHdhcmUgRm91bmRhdGlvbiBDQTEW
MBQGA1UEAwwNb3VyLWNhLXNlcnZlcjAeFw0xODA4MjkxNDIzMTZaFw0zNzEwMjgx
NDIzMTZaMF8xCzAJBgNVBAYTAlhZMRcwFQYDVQQHDA5DYXN0bGUgQW50aHJheDEj
MCEGA1UECgwaUHl0aG9uIFNvZnR3YXJlIEZvdW5kYXRpb24xEjAQBgNVBAMMCWxv
Y2FsaG9zdDCCAaIwDQYJKoZIhvcNAQEBBQADggGPADCCAYoCggGBAMW0s615CVCi
M3vO2S7HubSGYYqQ/WGHSFsqpNwPzuOQsCoDBlZ6eNkyMJttne8/4A5sIiRggrM9
djtiL4fkzc7aZcgPGgcaMv8Za2gTIM1e+b1QL4xG5I6rYxoscdAbRHHZPFxisxVQ
ztv3euk3UsZGsK/WAhJczgS8QmigBHsBp2PSkb+jR+oMB0WMfpBluGfWJmV754Zu
Nx92Af8fQXx2fU88ahWIdeJxuxDiQHrTTY9/5pc/hvZAoBt+XI0cQoc8cQ45NesW
Mx1z5uopbbh6kSwxkjn2rH2FT/hG+nf+/68TBMvs2buKWm3NmfZy8YJbf0sLSc1g
s7OQ7cfzHADvmHq7KR0H5Y7+/YIogr0z9k771A2uZqiR8oNqYKTf1vyGULA0voux
Wm93ddNLlafhhaf3YSqKW1Qkmg+julztVN1YKDjNUWfhDxmHg0U2f+pMHyUQyCuw
1NXlzJnvOGgGJQxI7jluajY2ycTtx78lSGWp7m6HQ9PUwgGBNX6gMwIDAQABo4IB
wDCCAbwwFAYDVR0RBA0wC4IJbG9jYWxob3N0MA4GA1UdDwEB/wQEAwIFoDAdBgNV
HSUEFjAUBggrBgEFBQcDAQYIKwYBBQUHAwIwDAYDVR0TAQH/BAIwADAdBgNVHQ4E
FgQUhXUQJdAsgFAkGltXcN61y3GpO3swfQYDVR0jBHYwdIAUs4qgorpx8agkedSk
WyU2FR5JyM2hUaRPME0xCzAJBgNVBAYTAlhZMSYwJAYDVQQKDB1QeXRob24gU29m
dHdhcmUgRm91bmRhdGlvbiBDQTEWMBQGA1UEAwwNb3VyLWNhLXNlcnZlcoIJAMst
gJlaaVJbMIGDBggrBgEFBQcBAQR3MHUwPAYIKwYBBQUHMAKGMGh0dHA6Ly90ZXN0
Y2EucHl0aG9udGVzdC5uZXQvdGVzdGNhL3B5Y2FjZXJ0LmNlcjA1BggrBgEFBQcw
AYYpaHR0cDovL3Rlc3RjYS5weXRob250ZXN0Lm5ldC90ZXN0Y2Evb2NzcC8wQwYD
VR0fBDwwOjA4oDagNIYyaHR0cDovL3Rlc3RjYS5weXRob250ZXN0Lm5ldC90ZXN0
Y2EvcmV2b2NhdGlvbi5jcmwwDQYJKoZIhvcNAQELBQADggGBAJXzVrvVjHC90d7a
Y7Ap19tgJ9ZZ/WEbMMbQXXN9NOFo4yimieZgvYnTDvRyrXJ2+IYh/XU8+G2+nATh
ggNpbK7QVbpe8sr1D47W2Y3IVkb0+Kx0Khl7jkdwH/v7vWkCoaVKbiEcBBQVVb+/
JEPIFwO+Pizq28ivHf1S39YVSZ7CRGnv8UVDg7IezxQcEz/+nHHL5xsYVjanr0Tx
C6F5REb5Q0Yp2LDKSU1lYNP2jnS8Yp4ejUspmrQN8KJ3WzTkES+nJcXlB3YSrr51
cxXkCn1TOFY/eW1uyu2Aq1btfosc5+PUYjAicOcpsgM8/vo98DbATRGimdMpMSe4
xbgVozxPm3NeK7L7y/11R7gXvSHY5sG5/3OB2CUIbQheHKWDUN5n5trQjlrT8iqx
P7iAIQdqcRVtBetRs1mN1BVGfgKoEwEWmb0DzHBxKiMWeK/R1QGdBLRjk5oEOpIu
5n5zk6X+UJu9DupUhm985RR3/sIoWkoO1y2M6e1hKbJT/2wEvA==
-----END CERTIFICATE-----
`;
const SIGNING_CA = `-----BEGIN CERTIFICATE-----
MIIEbTCCAtWgAwIBAgIJAMstgJlaaVJbMA0GCSqGSIb3DQEBCwUAME0xCzAJBgNV
BAYTAlhZMSYwJAYDVQQKDB1QeXRob24gU29mdHdhcmUgRm91bmRhdGlvbiBDQTEW
MBQGA1UEAwwNb3VyLWNhLXNlcnZlcjAeFw0xODA4MjkxNDIzMTZaFw0zNzEwMjgx
NDIzMTZaME0xCzAJBgNVBAYTAlhZMSYwJAYDVQQKDB1QeXRob24gU29mdHdhcmUg
Rm91bmRhdGlvbiBDQTEWMBQGA1UEAwwNb3VyLWNhLXNlcnZlcjCCAaIwDQYJKoZI
hvcNAQEBBQADggGPADCCAYoCggGBALGE009cBICRT4JJujAL9+jL+RTvPZ8LPwpi
/BsgpSDRYF+HWh8W0e2XcKbaGwMsfqBbPE4vFn4OiSmJ4RANONpqd183E7Moj3tc
dq2e6NP1nvWDqhAHjeZRmPB8DVLyDCEe2LmZJqklAye7XKsuMyei1iOog4dEKZ+X
tSRv17kK/Sjuu/tBWOodmd1EhquYvhzcy6mJHTZcqehHtfRSSKq1pGfvPtfi0zPe
mCnYerBZXOexDsz9n+v21ToOC8/+Cz2iv0UYzpTnqVVgiNTYhFB5BS5BA3SuZyb2
WxIImM4Kl+0BD4lPF1z6Ph01JEeSMr/3pBgrPNBImeGizaPMUFMgtcbjZoV7VxDs
M0/Bd+cbfoHGxPNFIMCR3RN2ewOv9naOooNjV91jvLtaHBdSitYGSMwPx9NP6Noi
bIb5TlymKQc72FZMWbMgSQd7lITPK8McGk6HZJK6QuHmrX0d9lSQbyvps8xLKzMm
I/1lwDzwea3JwYHvNwTgJz6w7hW+UQIDAQABo1AwTjAdBgNVHQ4EFgQUs4qgorpx
8agkedSkWyU2FR5JyM0wHwYDVR0jBBgwFoAUs4qgorpx8agkedSkWyU2FR5JyM0w
DAYDVR0TBAUwAwEB/zANBgkqhkiG9w0BAQsFAAOCAYEAazIv5wUY6lzJlfTgwgxB
XxoKlcnHfQXuilYpNVBAt/6fe1scw2kvoMvSuJEvUBli9ycYbZV7UxYVolrcFOP7
sTKpadumM0c8ux/S3HD5ai4M2Ixt5V0dQzxOkd6gyNqgSw6dXrYPSknwe7ZTnv01
FFvjTbQYpjZh6I8zm9QF+VRm3+DLGKNO3BeooLPBqPTWncp/aFMa15Xa6NOeSABx
lZkRB8+WwH3OfTDoT+GDFjOh/1mbPkznOjgBnw9nTP0ti0rUAUY3M+gTaxWpHWh2
RaKCM2kmMGAFyI+9tHWrvnqLSGhwQLQbUcXmeq1rT9sXwGBnLmNhmyxImbh2RaCe
zO8zHlBOq3LDZciyebM1gyF404tsOhjoZTI5uMCdcS81NorAF2LYiz7hIhgrTGOm
Dp0K+qtbNfuIkXdMjYydqc/8q8LmWgV7fgRuOc+Tzmc7esuvtjbh+3FkRdSm8M7v
dQSZaZrliAoQAnSJ7HWERIBI38H36TfOzpKSXIkiCHMf
-----END CERTIFICATE-----
`;

// ---- helpers: CPython's test_utils and the protocols of test_events.py ----

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** test_utils.run_until: runs the loop until `pred()` holds (fails after `timeout` s). */
async function runUntil(loop: BaseEventLoop, pred: () => boolean, timeout = 10): Promise<void> {
  const end = performance.now() + timeout * 1000;
  while (!pred()) {
    if (performance.now() > end) assert.fail("run_until: timed out");
    await loop.runUntilComplete(sleep(0.001));
  }
}

/** test_utils.run_briefly */
async function runBriefly(loop: BaseEventLoop): Promise<void> {
  await loop.runUntilComplete(sleep(0));
}

/** socket.socketpair(): two connected stream sockets, made with the loop. */
async function socketpair(loop: BaseEventLoop): Promise<[Socket, Socket]> {
  const listener = new Socket();
  listener.bind(["127.0.0.1", 0]);
  listener.listen();
  const a = new Socket();
  try {
    const [, [b]] = await loop.runUntilComplete(Promise.all([
      loop.sockConnect(a, listener.getsockname()),
      loop.sockAccept(listener),
    ]));
    return [a, b];
  } finally {
    listener.close();
  }
}

/** A fresh path for a Unix socket (test_utils.gen_unix_socket_path). */
function genUnixSocketPath(): string {
  return `${Deno.makeTempDirSync({ prefix: "asyncio-events-" })}/sock`;
}

/**
 * test_utils.run_test_server / run_test_unix_server: an HTTP/1.0 server
 * answering every request with "Test message", then closing.
 */
function withTestServer(fn: (address: [string, number]) => Promise<void>): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  return serveTest(listener, () => fn([listener.addr.hostname, listener.addr.port]));
}

/** test_utils.run_test_unix_server: the same on the Unix socket at `unixPath`. */
function withTestUnixServer(fn: (path: string) => Promise<void>, unixPath: string): Promise<void> {
  const listener = Deno.listen({ transport: "unix", path: unixPath });
  return serveTest(listener, () => fn(unixPath), () => Deno.remove(unixPath).catch(() => {}));
}

async function serveTest(
  listener: Deno.Listener,
  fn: () => Promise<void>,
  cleanup?: () => Promise<void>,
): Promise<void> {
  const served: Promise<void>[] = [];
  const accepting = (async () => {
    try {
      for await (const conn of listener) served.push(serveHttp(conn));
    } catch {
      // the listener was closed
    }
  })();
  try {
    await fn();
  } finally {
    listener.close();
    await accepting;
    await Promise.all(served);
    await cleanup?.();
  }
}

async function serveHttp(conn: Deno.Conn): Promise<void> {
  try {
    let request = "";
    const buf = new Uint8Array(4096);
    while (!request.includes("\r\n\r\n")) {
      const n = await conn.read(buf);
      if (n === null) break;
      request += dec(buf.subarray(0, n));
    }
    await conn.write(
      enc("HTTP/1.0 200 OK\r\nContent-type: text/plain\r\nContent-Length: 12\r\n\r\nTest message"),
    );
  } catch {
    // the client went away
  } finally {
    conn.close();
  }
}

class MyBaseProto extends Protocol {
  connected: Future<void> | null = null;
  done: Future<void> | null = null;
  transport: Transport | null = null;
  state = "INITIAL";
  nbytes = 0;

  constructor(loop?: AbstractEventLoop) {
    super();
    if (loop !== undefined) {
      this.connected = loop.createFuture<void>();
      this.done = loop.createFuture<void>();
    }
  }

  _assertState(...expected: string[]): void {
    if (!expected.includes(this.state)) {
      throw new assert.AssertionError({
        message: `state: '${this.state}', expected: ${JSON.stringify(expected)}`,
      });
    }
  }

  override connectionMade(transport: Transport): void {
    this.transport = transport;
    this._assertState("INITIAL");
    this.state = "CONNECTED";
    if (this.connected) this.connected.setResult(undefined);
  }

  override dataReceived(data: Uint8Array): void {
    this._assertState("CONNECTED");
    this.nbytes += data.length;
  }

  override eofReceived(): void {
    this._assertState("CONNECTED");
    this.state = "EOF";
  }

  override connectionLost(_exc: Error | null): void {
    this._assertState("CONNECTED", "EOF");
    this.state = "CLOSED";
    if (this.done) this.done.setResult(undefined);
  }
}

class MyProto extends MyBaseProto {
  override connectionMade(transport: Transport): void {
    super.connectionMade(transport);
    transport.write(enc("GET / HTTP/1.0\r\nHost: example.com\r\n\r\n"));
  }
}

class MyDatagramProto extends DatagramProtocol {
  done: Future<void> | null = null;
  state = "INITIAL";
  nbytes = 0;
  transport: DatagramTransport | null = null;

  constructor(loop?: AbstractEventLoop) {
    super();
    if (loop !== undefined) this.done = loop.createFuture<void>();
  }

  _assertState(expected: string): void {
    if (this.state !== expected) {
      throw new assert.AssertionError({
        message: `state: '${this.state}', expected: '${expected}'`,
      });
    }
  }

  override connectionMade(transport: DatagramTransport): void {
    this.transport = transport;
    this._assertState("INITIAL");
    this.state = "INITIALIZED";
  }

  override datagramReceived(data: Uint8Array, _addr: asyncio.Address): void {
    this._assertState("INITIALIZED");
    this.nbytes += data.length;
  }

  override errorReceived(_exc: Error): void {
    this._assertState("INITIALIZED");
  }

  override connectionLost(_exc: Error | null): void {
    this._assertState("INITIALIZED");
    this.state = "CLOSED";
    if (this.done) this.done.setResult(undefined);
  }
}

class MyReadPipeProto extends Protocol {
  done: Future<void> | null = null;
  state: string[] = ["INITIAL"];
  nbytes = 0;
  transport: ReadTransport | null = null;

  constructor(loop?: AbstractEventLoop) {
    super();
    if (loop !== undefined) this.done = loop.createFuture<void>();
  }

  _assertState(expected: string[]): void {
    assert.deepEqual(this.state, expected);
  }

  override connectionMade(transport: Transport): void {
    this.transport = transport;
    this._assertState(["INITIAL"]);
    this.state.push("CONNECTED");
  }

  override dataReceived(data: Uint8Array): void {
    this._assertState(["INITIAL", "CONNECTED"]);
    this.nbytes += data.length;
  }

  override eofReceived(): void {
    this._assertState(["INITIAL", "CONNECTED"]);
    this.state.push("EOF");
  }

  override connectionLost(_exc: Error | null): void {
    if (!this.state.includes("EOF")) this.state.push("EOF"); // It is okay if EOF is missed.
    this._assertState(["INITIAL", "CONNECTED", "EOF"]);
    this.state.push("CLOSED");
    if (this.done) this.done.setResult(undefined);
  }
}

class MyWritePipeProto extends asyncio.BaseProtocol {
  done: Future<void> | null = null;
  state = "INITIAL";
  transport: WriteTransport | null = null;

  constructor(loop?: AbstractEventLoop) {
    super();
    if (loop !== undefined) this.done = loop.createFuture<void>();
  }

  _assertState(expected: string): void {
    assert.equal(this.state, expected);
  }

  override connectionMade(transport: asyncio.BaseTransport): void {
    this.transport = transport as WriteTransport;
    this._assertState("INITIAL");
    this.state = "CONNECTED";
  }

  override connectionLost(_exc: Error | null): void {
    this._assertState("CONNECTED");
    this.state = "CLOSED";
    if (this.done) this.done.setResult(undefined);
  }
}

/** A small asyncio.Event (the library has none): set(), clear(), wait(). */
class SimpleEvent {
  #set = false;
  #waiters: Future<void>[] = [];
  constructor(readonly loop: AbstractEventLoop) {}

  set(): void {
    if (this.#set) return;
    this.#set = true;
    for (const w of this.#waiters) if (!w.done()) w.setResult(undefined);
    this.#waiters = [];
  }

  clear(): void {
    this.#set = false;
  }

  *wait(): Coroutine<void> {
    if (this.#set) return;
    const f = this.loop.createFuture<void>();
    this.#waiters.push(f);
    yield* f;
  }
}

class MySubprocessProtocol extends SubprocessProtocol {
  state = "INITIAL";
  transport: SubprocessTransport | null = null;
  connected: Future<void>;
  completed: Future<void>;
  disconnects: Record<number, Future<Error | null>>;
  data: Record<number, Uint8Array> = { 1: new Uint8Array(), 2: new Uint8Array() };
  returncode: number | null = null;
  gotData: Record<number, SimpleEvent>;

  constructor(loop: AbstractEventLoop) {
    super();
    this.connected = loop.createFuture<void>();
    this.completed = loop.createFuture<void>();
    this.disconnects = {
      0: loop.createFuture<Error | null>(),
      1: loop.createFuture<Error | null>(),
      2: loop.createFuture<Error | null>(),
    };
    this.gotData = { 1: new SimpleEvent(loop), 2: new SimpleEvent(loop) };
  }

  _assertState(expected: string): void {
    if (this.state !== expected) {
      throw new assert.AssertionError({
        message: `state: '${this.state}', expected: '${expected}'`,
      });
    }
  }

  override connectionMade(transport: SubprocessTransport): void {
    this.transport = transport;
    this._assertState("INITIAL");
    this.state = "CONNECTED";
    this.connected.setResult(undefined);
  }

  override connectionLost(_exc: Error | null): void {
    this._assertState("CONNECTED");
    this.state = "CLOSED";
    this.completed.setResult(undefined);
  }

  override pipeDataReceived(fd: number, data: Uint8Array): void {
    this._assertState("CONNECTED");
    this.data[fd] = concat(this.data[fd], data);
    this.gotData[fd].set();
  }

  override pipeConnectionLost(fd: number, exc: Error | null): void {
    this._assertState("CONNECTED");
    if (exc) this.disconnects[fd].setException(exc);
    else this.disconnects[fd].setResult(exc);
  }

  override processExited(): void {
    this._assertState("CONNECTED");
    this.returncode = this.transport!.getReturncode();
  }
}

// Lib/test/test_asyncio/echo.py, echo2.py, echo3.py
const ECHO_PY = `import os
while True:
    buf = os.read(0, 1024)
    if not buf:
        break
    os.write(1, buf)
`;
const ECHO2_PY = `import os
buf = os.read(0, 1024)
os.write(1, b'OUT:'+buf)
os.write(2, b'ERR:'+buf)
`;
const ECHO3_PY = `import os
while True:
    buf = os.read(0, 1024)
    if not buf:
        break
    try:
        os.write(1, b'OUT:'+buf)
    except OSError as ex:
        os.write(2, b'ERR:' + ex.__class__.__name__.encode('ascii'))
`;

/** Runs `fn` with the path of a fresh FIFO (the translation of os.pipe()). */
async function withFifo(fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "asyncio-events-pipe-" });
  const path = `${dir}/fifo`;
  const made = await new Deno.Command("mkfifo", { args: [path] }).output();
  assert.ok(made.success, "mkfifo failed");
  try {
    await fn(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Opens both ends of a FIFO: `[readEnd, writeEnd]`. */
async function openFifo(path: string): Promise<[Deno.FsFile, Deno.FsFile]> {
  const reading = Deno.open(path, { read: true });
  const w = await Deno.open(path, { write: true });
  return [await reading, w];
}

// ============================================================================
// EventLoopTestsMixin
// ============================================================================

// CPython 3.12 test_events.py EventLoopTestsMixin.test_run_until_complete_nesting
Deno.test("EventLoopTestsMixin.test_run_until_complete_nesting", async () => {
  await withLoop(newTestLoop, async (loop) => {
    function* coro1(): Coroutine<void> {
      yield* sleep(0);
    }
    // deno-lint-ignore require-yield
    function* coro2(): Coroutine<void> {
      assert.ok(loop.isRunning());
      loop.runUntilComplete(coro1());
    }
    // (The "coroutine was never awaited" RuntimeWarning is Python-only.)
    await assert.rejects(loop.runUntilComplete(coro2()), RuntimeError);
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_run_until_complete
Deno.test("EventLoopTestsMixin.test_run_until_complete", async () => {
  // Real time: this case is about the loop's clock and its host timer.
  await withLoop(newLoop, async (loop) => {
    const delay = 0.100;
    const t0 = loop.time();
    await loop.runUntilComplete(sleep(delay));
    const dt = loop.time() - t0;
    assert.ok(dt >= delay - CLOCK_RES, `${dt}`);
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_run_until_complete_stopped
Deno.test("EventLoopTestsMixin.test_run_until_complete_stopped", async () => {
  await withLoop(newTestLoop, async (loop) => {
    function* cb(): Coroutine<void> {
      loop.stop();
      yield* sleep(0.1);
    }
    const task = cb();
    await assert.rejects(loop.runUntilComplete(task), RuntimeError);
    // Cleanup (CPython's tearDown): let the leftover task finish.
    for (const t of allTasks(loop)) t.cancel();
    await runBriefly(loop);
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_call_later
Deno.test("EventLoopTestsMixin.test_call_later", async () => {
  await withLoop(newTestLoop, async (loop) => {
    const results: string[] = [];
    function callback(arg: string) {
      results.push(arg);
      loop.stop();
    }
    loop.callLater(0.1, callback, "hello world");
    await loop.runForever();
    assert.deepEqual(results, ["hello world"]);
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_call_soon
Deno.test("EventLoopTestsMixin.test_call_soon", async () => {
  await withLoop(newTestLoop, async (loop) => {
    const results: [string, string][] = [];
    function callback(arg1: string, arg2: string) {
      results.push([arg1, arg2]);
      loop.stop();
    }
    loop.callSoon(callback, "hello", "world");
    await loop.runForever();
    assert.deepEqual(results, [["hello", "world"]]);
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_call_soon_threadsafe
Deno.test("EventLoopTestsMixin.test_call_soon_threadsafe", async () => {
  // The other thread is a host macrotask: it runs outside the loop and
  // schedules its callback before the main code schedules its own.
  await withLoop(newTestLoop, async (loop) => {
    const results: string[] = [];
    function callback(arg: string) {
      results.push(arg);
      if (results.length >= 2) loop.stop();
    }
    await new Promise<void>((release) =>
      setTimeout(() => {
        loop.callSoonThreadsafe(callback, "hello");
        release();
      }, 0)
    );
    loop.callSoon(callback, "world");
    await loop.runForever();
    assert.deepEqual(results, ["hello", "world"]);
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_call_soon_threadsafe_same_thread
Deno.test("EventLoopTestsMixin.test_call_soon_threadsafe_same_thread", async () => {
  await withLoop(newTestLoop, async (loop) => {
    const results: string[] = [];
    function callback(arg: string) {
      results.push(arg);
      if (results.length >= 2) loop.stop();
    }
    loop.callSoonThreadsafe(callback, "hello");
    loop.callSoon(callback, "world");
    await loop.runForever();
    assert.deepEqual(results, ["hello", "world"]);
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_run_in_executor
Deno.test("EventLoopTestsMixin.test_run_in_executor", async () => {
  // threading.get_ident() → which realm runs the code (a Worker or the main one).
  const ident = () => typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope;
  await withLoop(newLoop, async (loop) => {
    const run = (arg: string) => [
      arg,
      typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope,
    ];
    const f2 = loop.runInExecutor(null, run, "yo");
    const [res, threadId] = await loop.runUntilComplete(f2);
    assert.equal(res, "yo");
    assert.notEqual(threadId, ident());
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_run_in_executor_cancel
Deno.test("EventLoopTestsMixin.test_run_in_executor_cancel", async () => {
  await withLoop(newLoop, async (loop) => {
    let called = false;
    const patchedCallSoon = () => {
      called = true;
    };
    const run = () => {
      const end = performance.now() + 50; // time.sleep(0.05)
      while (performance.now() < end) {
        // spin
      }
    };
    const f2 = loop.runInExecutor(null, run);
    f2.cancel();
    await loop.runUntilComplete(loop.shutdownDefaultExecutor());
    loop.close();
    loop.callSoon = bad(patchedCallSoon);
    loop.callSoonThreadsafe = bad(patchedCallSoon);
    await hostTick(400);
    assert.equal(called, false);
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_reader_callback
Deno.test("EventLoopTestsMixin.test_reader_callback", async () => {
  await withLoop(newLoop, async (loop) => {
    const [r, w] = await socketpair(loop);
    try {
      const bytesRead: number[] = [];
      const reader = () => {
        let data: Uint8Array;
        try {
          data = r.recv(1024);
        } catch (e) {
          // Spurious readiness notifications are possible.
          if (e instanceof BlockingIOError) return;
          throw e;
        }
        if (data.length > 0) bytesRead.push(...data);
        else {
          assert.ok(loop.removeReader(r.fileno()));
          r.close();
        }
      };
      loop.addReader(r.fileno(), reader);
      loop.callSoon((d: Uint8Array) => w.send(d), enc("abc"));
      await runUntil(loop, () => bytesRead.length >= 3);
      loop.callSoon((d: Uint8Array) => w.send(d), enc("def"));
      await runUntil(loop, () => bytesRead.length >= 6);
      loop.callSoon(() => w.close());
      loop.callSoon(() => loop.stop());
      await loop.runForever();
      assert.equal(dec(new Uint8Array(bytesRead)), "abcdef");
    } finally {
      loop.removeReader(r);
      r.close();
      w.close();
    }
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_writer_callback
Deno.test({
  name: "EventLoopTestsMixin.test_writer_callback",
  async fn() {
    await withLoop(newLoop, async (loop) => {
      const [r, w] = await socketpair(loop);
      try {
        const writer = (data: Uint8Array) => {
          w.send(data);
          loop.stop();
        };
        const data = enc("x".repeat(1024));
        loop.addWriter(w.fileno(), writer, data);
        await loop.runForever();

        assert.ok(loop.removeWriter(w.fileno()));
        assert.ok(!loop.removeWriter(w.fileno()));

        w.close();
        // r.recv() on a blocking socket → sockRecv.
        const read = await loop.runUntilComplete(loop.sockRecv(r, data.length * 2));
        r.close();
        assert.deepEqual(read, data);
      } finally {
        r.close();
        w.close();
      }
    });
  },
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_add_signal_handler
// The signal handled is SIGUSR1 rather than SIGINT: `deno test` itself ends the
// run on SIGINT. Checking signal.getsignal() afterwards is Python-only.
Deno.test("EventLoopTestsMixin.test_add_signal_handler", async () => {
  await withLoop(newLoop, async (loop) => {
    let caught = 0;
    function myHandler() {
      caught += 1;
    }
    // Check error behavior first.
    assert.throws(() => loop.addSignalHandler(bad("boom"), myHandler), TypeError);
    assert.throws(() => loop.removeSignalHandler(bad("boom")), TypeError);
    // (The checks with signal numbers NSIG+1, 0 and -1 are the DEVIATION case below.)
    assert.throws(() => loop.addSignalHandler("SIGKILL", myHandler), RuntimeError);
    // Removing SIGKILL doesn't raise, since we don't call signal().
    assert.equal(loop.removeSignalHandler("SIGKILL"), false);
    // Now set a handler and handle it.
    loop.addSignalHandler("SIGUSR1", myHandler);

    Deno.kill(Deno.pid, "SIGUSR1");
    await runUntil(loop, () => caught > 0);

    // Removing it should restore the default handler.
    assert.equal(loop.removeSignalHandler("SIGUSR1"), true);
    // Removing again returns False.
    assert.equal(loop.removeSignalHandler("SIGUSR1"), false);
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_add_signal_handler
// DEVIATION: its checks with signal numbers (NSIG+1, 0, -1 → ValueError) do not apply: signals
// are Deno's names and a number is a TypeError (docs/processes.md "Signals", docs/differences.md).
Deno.test({
  name: "EventLoopTestsMixin.test_add_signal_handler (signal numbers)",
  ignore: true,
  fn() {},
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_signal_handling_while_selecting
Deno.test("EventLoopTestsMixin.test_signal_handling_while_selecting", async () => {
  // signal.setitimer(ITIMER_REAL, 0.01) → a host timer sending SIGALRM.
  await withLoop(newLoop, async (loop) => {
    let caught = 0;
    function myHandler() {
      caught += 1;
      loop.stop();
    }
    loop.addSignalHandler("SIGALRM", myHandler);
    const timer = setTimeout(() => Deno.kill(Deno.pid, "SIGALRM"), 10); // Send SIGALRM once.
    try {
      loop.callLater(60, () => loop.stop());
      await loop.runForever();
      assert.equal(caught, 1);
    } finally {
      clearTimeout(timer);
    }
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_signal_handling_args
Deno.test("EventLoopTestsMixin.test_signal_handling_args", async () => {
  await withLoop(newLoop, async (loop) => {
    const someArgs = [42] as const;
    let caught = 0;
    function myHandler(...args: unknown[]) {
      caught += 1;
      assert.deepEqual(args, [...someArgs]);
      loop.stop();
    }
    loop.addSignalHandler("SIGALRM", myHandler, ...someArgs);
    const timer = setTimeout(() => Deno.kill(Deno.pid, "SIGALRM"), 100); // Send SIGALRM once.
    try {
      loop.callLater(60, () => loop.stop());
      await loop.runForever();
      assert.equal(caught, 1);
    } finally {
      clearTimeout(timer);
    }
  });
});

async function basetestCreateConnection(
  loop: SelectorEventLoop,
  connectionFut: Future<[Transport, MyProto]>,
  checkSockname = true,
): Promise<void> {
  const [tr, pr] = await loop.runUntilComplete(connectionFut);
  assert.ok(tr instanceof Transport);
  assert.ok(pr instanceof Protocol);
  assert.equal(pr.transport, tr);
  if (checkSockname) assert.ok(tr.getExtraInfo("sockname") != null);
  await loop.runUntilComplete(pr.done!);
  assert.ok(pr.nbytes > 0);
  tr.close();
}

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_connection
Deno.test("EventLoopTestsMixin.test_create_connection", async () => {
  await withLoop(newLoop, async (loop) => {
    await withTestServer(async (address) => {
      const [host, port] = address;
      const connFut = loop.createConnection(() => new MyProto(loop), host, port);
      await basetestCreateConnection(loop, connFut);
    });
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_unix_connection
Deno.test("EventLoopTestsMixin.test_create_unix_connection", async () => {
  await withLoop(newLoop, async (loop) => {
    await withTestUnixServer(async (address) => {
      const connFut = loop.createUnixConnection(() => new MyProto(loop), address);
      await basetestCreateConnection(loop, connFut);
    }, genUnixSocketPath());
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_ssl_connection
// DEVIATION: it connects with test_utils.dummy_ssl_context() (CERT_NONE), which a client cannot
// use here (Deno verifies every server certificate), and checks peercert/ssl_object extra info,
// which is not exposed (docs/tls.md).
Deno.test({ name: "EventLoopTestsMixin.test_create_ssl_connection", ignore: true, fn() {} });

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_ssl_unix_connection
// DEVIATION: TLS over a Unix socket is not available: Deno has none, and the loop throws
// NotImplementedError (docs/differences.md "What Deno cannot do", which defers to the JSDoc of
// createUnixConnection); it also needs a CERT_NONE client context (docs/tls.md).
Deno.test({ name: "EventLoopTestsMixin.test_create_ssl_unix_connection", ignore: true, fn() {} });

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_connection_local_addr
// DEVIATION: local_addr (binding before connecting) is refused: Deno cannot do it
// (docs/differences.md "What Deno cannot do").
Deno.test({ name: "EventLoopTestsMixin.test_create_connection_local_addr", ignore: true, fn() {} });

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_connection_local_addr_skip_different_family
// DEVIATION: local_addr is refused (docs/differences.md "What Deno cannot do").
Deno.test({
  name: "EventLoopTestsMixin.test_create_connection_local_addr_skip_different_family",
  ignore: true,
  fn() {},
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_connection_local_addr_nomatch_family
// DEVIATION: local_addr is refused (docs/differences.md "What Deno cannot do").
Deno.test({
  name: "EventLoopTestsMixin.test_create_connection_local_addr_nomatch_family",
  ignore: true,
  fn() {},
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_connection_local_addr_in_use
// DEVIATION: local_addr is refused (docs/differences.md "What Deno cannot do").
Deno.test({
  name: "EventLoopTestsMixin.test_create_connection_local_addr_in_use",
  ignore: true,
  fn() {},
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_connect_accepted_socket
Deno.test({
  name: "EventLoopTestsMixin.test_connect_accepted_socket",
  async fn() {
    await withLoop(newLoop, async (loop) => {
      class MyProto2 extends MyBaseProto {
        override connectionLost(exc: Error | null): void {
          super.connectionLost(exc);
          loop.callSoon(() => loop.stop());
        }
        override dataReceived(data: Uint8Array): void {
          super.dataReceived(data);
          this.transport!.write(expectedResponse);
        }
      }
      const lsock = new Socket(AF_INET);
      lsock.bind(["127.0.0.1", 0]);
      lsock.listen(1);
      const [, port] = lsock.getsockname();

      const message = enc("test data");
      let response: Uint8Array | null = null;
      const expectedResponse = enc("roger");

      // The client thread.
      const client = (async () => {
        try {
          const csock = await Deno.connect({ hostname: "127.0.0.1", port });
          await csock.write(message);
          const buf = new Uint8Array(99);
          const n = await csock.read(buf);
          response = buf.slice(0, n ?? 0);
          csock.close();
        } catch (exc) {
          console.log("Failure in client thread in test_connect_accepted_socket", exc);
        }
      })();

      let conn: Socket | null = null;
      try {
        [conn] = await loop.runUntilComplete(loop.sockAccept(lsock));
        const proto = new MyProto2(loop);
        await loop.runUntilComplete(loop.connectAcceptedSocket(() => proto, conn, { ssl: null }));
        await loop.runForever();
        proto.transport!.close();
        lsock.close();

        await client;
        assert.equal(proto.state, "CLOSED");
        assert.equal(proto.nbytes, message.length);
        assert.deepEqual(response, expectedResponse);
      } finally {
        conn?.close();
        lsock.close();
        await client;
      }
    });
  },
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_ssl_connect_accepted_socket
// DEVIATION: TLS as the server on an accepted connection: Deno has no server-side upgrade
// (docs/tls.md, docs/differences.md "What Deno cannot do").
Deno.test({ name: "EventLoopTestsMixin.test_ssl_connect_accepted_socket", ignore: true, fn() {} });

// CPython 3.12 test_events.py EventLoopTestsMixin.test_connect_accepted_socket_ssl_timeout_for_plain_socket
Deno.test({
  name: "EventLoopTestsMixin.test_connect_accepted_socket_ssl_timeout_for_plain_socket",
  async fn() {
    await withLoop(newLoop, async (loop) => {
      const sock = new Socket();
      try {
        await assert.rejects(
          async () => {
            const coro = loop.connectAcceptedSocket(() => new MyProto(), sock, {
              sslHandshakeTimeout: 60,
            });
            await loop.runUntilComplete(coro);
          },
          { name: "RangeError", message: /sslHandshakeTimeout is only meaningful with ssl/ },
        );
      } finally {
        sock.close();
      }
    });
  },
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_server_multiple_hosts_ipv4
// CPython mocks the socket module and getaddrinfo so that 1.2.3.4 and 5.6.7.8 "bind"; here the
// hosts are two real loopback addresses, the first one listed twice.
Deno.test("EventLoopTestsMixin.test_create_server_multiple_hosts_ipv4", async () => {
  await withLoop(newLoop, async (loop) => {
    const hosts = ["127.0.0.1", "127.0.0.2", "127.0.0.1"];
    const uniqueHosts = new Set(hosts);
    const f = loop.createServer(() => new MyProto(loop), hosts, 0);
    const server = await loop.runUntilComplete(f);
    try {
      const serverHosts = new Set(
        server.sockets.map((sock) => sock.getsockname()[0]),
      );
      assert.deepEqual(serverHosts, uniqueHosts);
    } finally {
      server.close();
      await loop.runUntilComplete(server.waitClosed());
    }
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_server
Deno.test("EventLoopTestsMixin.test_create_server", async () => {
  await withLoop(newLoop, async (loop) => {
    const proto = new MyProto(loop);
    const f = loop.createServer(() => proto, "127.0.0.1", 0);
    const server = await loop.runUntilComplete(f);
    assert.equal(server.sockets.length, 1);
    const sock = server.sockets[0];
    const [host, port] = sock.getsockname();
    assert.equal(host, "127.0.0.1");
    const client = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await client.write(enc("xxx"));

      await loop.runUntilComplete(proto.connected!);
      assert.equal("CONNECTED", proto.state);

      await runUntil(loop, () => proto.nbytes > 0);
      assert.equal(3, proto.nbytes);

      // extra info is available
      assert.ok(proto.transport!.getExtraInfo("sockname") != null);
      const peername = proto.transport!.getExtraInfo("peername");
      assert.ok(Array.isArray(peername));
      assert.equal("127.0.0.1", peername[0]);

      // close connection
      proto.transport!.close();
      await loop.runUntilComplete(proto.done!);

      assert.equal("CLOSED", proto.state);
    } finally {
      // the client socket must be closed after to avoid ECONNRESET upon
      // recv()/send() on the serving socket
      client.close();
      // close server
      server.close();
      await loop.runUntilComplete(server.waitClosed());
    }
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_server_reuse_port
// DEVIATION: reuse_port needs Deno's --unstable-net (it throws without it), and there is no
// getsockopt() to read SO_REUSEPORT back (docs/networking.md "Protocols and transports").
Deno.test({ name: "EventLoopTestsMixin.test_create_server_reuse_port", ignore: true, fn() {} });

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_unix_server
Deno.test("EventLoopTestsMixin.test_create_unix_server", async () => {
  await withLoop(newLoop, async (loop) => {
    const proto = new MyProto(loop);
    const path = genUnixSocketPath();
    const server = await loop.runUntilComplete(loop.createUnixServer(() => proto, path));
    assert.equal(server.sockets.length, 1);

    const client = await Deno.connect({ transport: "unix", path });
    try {
      await client.write(enc("xxx"));

      await loop.runUntilComplete(proto.connected!);
      assert.equal("CONNECTED", proto.state);
      await runUntil(loop, () => proto.nbytes > 0);
      assert.equal(3, proto.nbytes);

      // close connection
      proto.transport!.close();
      await loop.runUntilComplete(proto.done!);

      assert.equal("CLOSED", proto.state);
    } finally {
      client.close();
      server.close();
      await loop.runUntilComplete(server.waitClosed());
      await Deno.remove(path).catch(() => {});
    }
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_unix_server_path_socket_error
Deno.test({
  name: "EventLoopTestsMixin.test_create_unix_server_path_socket_error",
  async fn() {
    await withLoop(newLoop, async (loop) => {
      const proto = new MyProto(loop);
      const sock = new Socket();
      try {
        await assert.rejects(
          async () => {
            const f = loop.createUnixServer(() => proto, "/test", { sock });
            await loop.runUntilComplete(f);
          },
          { name: "RangeError", message: /path and sock can not be specified at the same time/ },
        );
      } finally {
        sock.close();
      }
    });
  },
});

/** _make_ssl_server: a TLS server on 127.0.0.1 with the given certificate. */
async function makeSslServer(
  loop: SelectorEventLoop,
  factory: () => asyncio.BaseProtocol,
  certfile: string,
  keyfile: string,
): Promise<[asyncio.AbstractServer, string, number]> {
  const sslcontext = new SSLContext("clientAuth"); // ssl.PROTOCOL_TLS_SERVER
  sslcontext.loadCertChain(certfile, keyfile);
  const server = await loop.runUntilComplete(
    loop.createServer(factory, "127.0.0.1", 0, { ssl: sslcontext }),
  );
  const [host, port] = server.sockets[0].getsockname();
  assert.equal(host, "127.0.0.1");
  return [server, host, port];
}

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_server_ssl
// DEVIATION: the client uses test_utils.dummy_ssl_context() (CERT_NONE), which Deno cannot
// honour, and it checks peercert/ssl_object extra info, which is not exposed (docs/tls.md).
Deno.test({ name: "EventLoopTestsMixin.test_create_server_ssl", ignore: true, fn() {} });

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_unix_server_ssl
// DEVIATION: TLS over Unix sockets is not available: Deno has none, and the loop throws
// NotImplementedError (docs/differences.md "What Deno cannot do", which defers to the JSDoc of createUnixServer).
Deno.test({ name: "EventLoopTestsMixin.test_create_unix_server_ssl", ignore: true, fn() {} });

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_server_ssl_verify_failed
Deno.test({
  name: "EventLoopTestsMixin.test_create_server_ssl_verify_failed",
  async fn() {
    await withLoop(newLoop, async (loop, exceptions) => {
      const proto = new MyProto(loop);
      const [server, host, port] = await makeSslServer(
        loop,
        () => proto,
        SIGNED_CERT,
        SIGNED_KEY,
      );
      try {
        const sslcontextClient = new SSLContext("serverAuth"); // PROTOCOL_TLS_CLIENT
        sslcontextClient.verifyMode = "CERT_REQUIRED";
        sslcontextClient.checkHostname = true;

        // no CA loaded
        const fC = loop.createConnection(() => new MyProto(), host, port, {
          ssl: sslcontextClient,
        });
        // mock.patch.object(loop, 'call_exception_handler'): reports are dropped below.
        await assert.rejects(loop.runUntilComplete(fC), (e: unknown) => {
          assert.ok(e instanceof SSLError, String(e));
          assert.match(e.message, /certificate.verify.failed/i);
          return true;
        });
        // execute the loop to log the connection error
        await runBriefly(loop);
        exceptions.take();

        // close connection
        assert.equal(proto.transport, null);
      } finally {
        server.close();
        await loop.runUntilComplete(server.waitClosed());
        exceptions.take();
      }
    });
  },
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_unix_server_ssl_verify_failed
// DEVIATION: TLS over Unix sockets is not available: Deno has none, and the loop throws
// NotImplementedError (docs/differences.md "What Deno cannot do", which defers to the JSDoc of createUnixServer).
Deno.test({
  name: "EventLoopTestsMixin.test_create_unix_server_ssl_verify_failed",
  ignore: true,
  fn() {},
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_server_ssl_match_failed
// 3.13 also accepts CERTIFICATE_VERIFY_FAILED (AWS-LC's wording); this port accepts both.
Deno.test({
  name: "EventLoopTestsMixin.test_create_server_ssl_match_failed",
  async fn() {
    await withLoop(newLoop, async (loop, exceptions) => {
      const proto = new MyProto(loop);
      const [server, host, port] = await makeSslServer(
        loop,
        () => proto,
        SIGNED_CERT,
        SIGNED_KEY,
      );
      try {
        const sslcontextClient = new SSLContext("serverAuth");
        sslcontextClient.verifyMode = "CERT_REQUIRED";
        sslcontextClient.loadVerifyLocations({ cadata: SIGNING_CA });
        sslcontextClient.checkHostname = true;

        // incorrect server_hostname
        const fC = loop.createConnection(() => new MyProto(), host, port, {
          ssl: sslcontextClient,
        });
        await assert.rejects(loop.runUntilComplete(fC), (e: unknown) => {
          // ssl.CertificateError is an ssl.SSLError
          assert.ok(e instanceof SSLError, String(e));
          assert.match(
            e.message,
            /IP address mismatch, certificate is not valid for '127\.0\.0\.1'|CERTIFICATE_VERIFY_FAILED/,
          );
          return true;
        });
        exceptions.take();

        // close connection
        // transport is None because TLS ALERT aborted the handshake
        assert.equal(proto.transport, null);
      } finally {
        server.close();
        await loop.runUntilComplete(server.waitClosed());
        exceptions.take();
      }
    });
  },
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_unix_server_ssl_verified
// DEVIATION: TLS over Unix sockets is not available: Deno has none, and the loop throws
// NotImplementedError (docs/differences.md "What Deno cannot do", which defers to the JSDoc of createUnixServer).
Deno.test({
  name: "EventLoopTestsMixin.test_create_unix_server_ssl_verified",
  ignore: true,
  fn() {},
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_server_ssl_verified
Deno.test("EventLoopTestsMixin.test_create_server_ssl_verified", async (t) => {
  await withLoop(newLoop, async (loop) => {
    const proto = new MyProto(loop);
    const [server, host, port] = await makeSslServer(
      loop,
      () => proto,
      SIGNED_CERT,
      SIGNED_KEY,
    );
    let client: Transport | null = null;
    try {
      const sslcontextClient = new SSLContext("serverAuth");
      sslcontextClient.verifyMode = "CERT_REQUIRED";
      sslcontextClient.loadVerifyLocations({ cadata: SIGNING_CA });
      sslcontextClient.checkHostname = true;

      // Connection succeeds with correct CA and server hostname.
      const fC = loop.createConnection(() => new MyProto(), host, port, {
        ssl: sslcontextClient,
        serverHostname: "localhost",
      });
      [client] = await loop.runUntilComplete(fC);
      await loop.runUntilComplete(proto.connected!);

      // extra info is available: check_ssl_extra_info(client, peername=(host, port),
      // peercert=test_utils.PEERCERT)
      const c = client;
      await t.step("sockname and peername", () => {
        assert.ok(c.getExtraInfo("sockname") != null);
        assert.deepEqual(c.getExtraInfo("peername"), [host, port]);
      });
      // DEVIATION: the peer certificate is not exposed (docs/tls.md: peercert is undefined).
      await t.step({ name: "peercert", ignore: true, fn() {} });
      // DEVIATION: the extra info 'cipher', 'compression' and 'ssl_object' is not available: Deno
      // reports neither the cipher nor the TLS session (docs/tls.md).
      await t.step({
        name: "cipher, compression and ssl_object",
        ignore: true,
        fn() {
          // test SSL cipher
          const cipher: unknown = c.getExtraInfo("cipher"); // asyncio: (name, protocol, bits)
          assert.ok(Array.isArray(cipher), String(cipher));
          assert.equal(cipher.length, 3, String(cipher));
          assert.equal(typeof cipher[0], "string");
          assert.equal(typeof cipher[1], "string");
          assert.equal(typeof cipher[2], "number");
          // test SSL object
          const sslobj = c.getExtraInfo("ssl_object") as
            | {
              compression(): unknown;
              cipher(): unknown;
            }
            | null
            | undefined;
          assert.ok(sslobj != null);
          assert.deepEqual(sslobj.compression(), c.getExtraInfo("compression"));
          assert.deepEqual(sslobj.cipher(), c.getExtraInfo("cipher"));
        },
      });

      // close connection
      proto.transport!.close();
      client.close();
      server.close();
      await loop.runUntilComplete(proto.done!);
    } finally {
      client?.close();
      server.close();
      await loop.runUntilComplete(server.waitClosed());
    }
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_server_sock
Deno.test({
  name: "EventLoopTestsMixin.test_create_server_sock",
  async fn() {
    await withLoop(newLoop, async (loop) => {
      const proto = loop.createFuture<MyProto>();
      class TestMyProto extends MyProto {
        override connectionMade(transport: Transport): void {
          super.connectionMade(transport);
          proto.setResult(this);
        }
      }
      // socket.create_server(('0.0.0.0', 0))
      const sockOb = new Socket(AF_INET);
      sockOb.bind(["127.0.0.1", 0]);
      sockOb.listen();

      const f = loop.createServer(() => new TestMyProto(), null, null, { sock: sockOb });
      const server = await loop.runUntilComplete(f);
      try {
        const sock = server.sockets[0];
        assert.equal((sock as unknown as { fileno(): number }).fileno(), sockOb.fileno());

        const [host, port] = sock.getsockname();
        assert.equal(host, "127.0.0.1");
        const client = await Deno.connect({ hostname: "127.0.0.1", port });
        await client.write(enc("xxx"));
        client.close();
      } finally {
        server.close();
        // Cleanup: close the accepted connection, if any (CPython leaves it to tearDown).
        await runBriefly(loop);
        if (proto.done()) proto.result().transport!.close();
        await loop.runUntilComplete(server.waitClosed());
        sockOb.close();
      }
    });
  },
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_server_addr_in_use
Deno.test("EventLoopTestsMixin.test_create_server_addr_in_use", async () => {
  await withLoop(newLoop, async (loop) => {
    const sockOb = new Socket(AF_INET);
    sockOb.bind(["127.0.0.1", 0]);
    sockOb.listen();

    const server = await loop.runUntilComplete(
      loop.createServer(() => new MyProto(), null, null, { sock: sockOb }),
    );
    try {
      const sock = server.sockets[0];
      const [host, port] = sock.getsockname();

      await assert.rejects(
        async () => {
          const f = loop.createServer(() => new MyProto(), host, port);
          await loop.runUntilComplete(f);
        },
        (e: unknown) => {
          assert.ok(e instanceof OSError, String(e));
          assert.equal(e.errno, constants.errno.EADDRINUSE);
          return true;
        },
      );
    } finally {
      server.close();
      await loop.runUntilComplete(server.waitClosed());
      sockOb.close();
    }
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_server_close
Deno.test({
  name: "EventLoopTestsMixin.test_server_close",
  async fn() {
    await withLoop(newLoop, async (loop) => {
      const f = loop.createServer(() => new MyProto(), "127.0.0.1", 0);
      const server = await loop.runUntilComplete(f);
      const sock = server.sockets[0];
      const [, port] = sock.getsockname();

      const client = await Deno.connect({ hostname: "127.0.0.1", port });
      await client.write(enc("xxx"));
      client.close();

      server.close();

      await assert.rejects(
        Deno.connect({ hostname: "127.0.0.1", port }),
        Deno.errors.ConnectionRefused,
      );
      // Cleanup: let the accepted connection end.
      await loop.runUntilComplete(waitFor(server.waitClosed(), 5));
    });
  },
});

async function testCreateDatagramEndpoint(
  t: Deno.TestContext,
  localAddr: [string, number],
  family: number,
): Promise<void> {
  await withLoop(newLoop, async (loop) => {
    class TestMyDatagramProto extends MyDatagramProto {
      constructor() {
        super(loop);
      }
      override datagramReceived(data: Uint8Array, addr: asyncio.Address): void {
        super.datagramReceived(data, addr);
        this.transport!.sendto(concat(enc("resp:"), data), addr);
      }
    }

    const coro = loop.createDatagramEndpoint(() => new TestMyDatagramProto(), {
      localAddr,
      family,
    });
    const [sTransport, server] = await loop.runUntilComplete(coro);
    let transport: DatagramTransport | null = null;
    try {
      const sockname = sTransport.getExtraInfo("sockname");
      const [host, port] = await loop.runUntilComplete(
        loop.getnameinfo(sockname, NI_NUMERICHOST | NI_NUMERICSERV),
      );

      // DEVIATION: datagram transports are not instanceof Transport (asyncio's DatagramTransport
      // extends BaseTransport; that its selector transports are Transports is an accident of
      // CPython's class layout; docs/differences.md).
      await t.step({
        name: "the endpoint is an asyncio.Transport",
        ignore: true,
        fn() {
          assert.ok(sTransport instanceof Transport, "the endpoint is an asyncio.Transport");
        },
      });
      assert.ok(server instanceof TestMyDatagramProto);
      assert.equal("INITIALIZED", server.state);
      assert.equal(server.transport, sTransport);

      const coro2 = loop.createDatagramEndpoint(() => new MyDatagramProto(loop), {
        remoteAddr: [host, Number(port)],
      });
      const [t2, client] = await loop.runUntilComplete(coro2);
      transport = t2;

      // DEVIATION: as above, not instanceof Transport.
      const t2Transport = transport;
      await t.step({
        name: "the client endpoint is an asyncio.Transport",
        ignore: true,
        fn() {
          assert.ok(t2Transport instanceof Transport, "the endpoint is an asyncio.Transport");
        },
      });
      assert.ok(client instanceof MyDatagramProto);
      assert.equal("INITIALIZED", client.state);
      assert.equal(client.transport, transport);

      transport.sendto(enc("xxx"));
      await runUntil(loop, () => server.nbytes > 0);
      assert.equal(3, server.nbytes);
      await runUntil(loop, () => client.nbytes > 0);

      // received
      assert.equal(8, client.nbytes);

      // extra info is available
      assert.ok(transport.getExtraInfo("sockname") != null);

      // close connection
      transport.close();
      await loop.runUntilComplete(client.done!);
      assert.equal("CLOSED", client.state);
      server.transport!.close();
    } finally {
      transport?.close();
      sTransport.close();
      await runBriefly(loop);
    }
  });
}

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_datagram_endpoint
Deno.test({
  name: "EventLoopTestsMixin.test_create_datagram_endpoint",
  async fn(t) {
    await testCreateDatagramEndpoint(t, ["127.0.0.1", 0], AF_INET);
  },
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_datagram_endpoint_ipv6
Deno.test({
  name: "EventLoopTestsMixin.test_create_datagram_endpoint_ipv6",
  ignore: !IPV6_ENABLED,
  async fn(t) {
    await testCreateDatagramEndpoint(t, ["::1", 0], AF_INET6);
  },
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_create_datagram_endpoint_sock
// DEVIATION: createDatagramEndpoint({ sock }) throws NotImplementedError (docs/networking.md "UDP").
Deno.test({
  name: "EventLoopTestsMixin.test_create_datagram_endpoint_sock",
  ignore: true,
  fn() {},
});

// CPython 3.13 test_events.py EventLoopTestsMixin.test_datagram_send_to_non_listening_address
// (new in 3.13). The endpoints bind 127.0.0.1:0 with local_addr instead of being given a bound
// socket (sock= is not available, docs/networking.md "UDP").
Deno.test("EventLoopTestsMixin.test_datagram_send_to_non_listening_address", async () => {
  await withLoop(newLoop, async (loop) => {
    class Proto extends DatagramProtocol {
      _receivedDatagram: Future<Uint8Array> | null = null;

      override datagramReceived(data: Uint8Array, _addr: asyncio.Address): void {
        this._receivedDatagram!.setResult(data);
      }

      *waitForDatagramReceived(): Coroutine<Uint8Array> {
        this._receivedDatagram = loop.createFuture<Uint8Array>();
        const result = yield* waitFor(this._receivedDatagram, 10);
        this._receivedDatagram = null;
        return result;
      }
    }
    const createEndpoint = () =>
      loop.runUntilComplete(
        loop.createDatagramEndpoint(() => new Proto(), {
          localAddr: ["127.0.0.1", 0],
          family: AF_INET,
        }),
      );

    const [transport1, protocol1] = await createEndpoint();
    const addr1 = transport1.getExtraInfo("sockname");
    const [transport2, protocol2] = await createEndpoint();
    const addr2 = transport2.getExtraInfo("sockname");
    try {
      // creating and immediately closing this to try to get an address that
      // is not listening
      const [transport3] = await createEndpoint();
      const addr3 = transport3.getExtraInfo("sockname");
      transport3.abort();

      transport1.sendto(enc("a"), addr2);
      assert.equal(dec(await loop.runUntilComplete(protocol2.waitForDatagramReceived())), "a");

      transport2.sendto(enc("b"), addr1);
      assert.equal(dec(await loop.runUntilComplete(protocol1.waitForDatagramReceived())), "b");

      // this should send to an address that isn't listening
      transport1.sendto(enc("c"), addr3);
      await loop.runUntilComplete(sleep(0));

      // transport 1 should still be able to receive messages after sending to
      // an address that wasn't listening
      transport2.sendto(enc("d"), addr1);
      assert.equal(dec(await loop.runUntilComplete(protocol1.waitForDatagramReceived())), "d");
    } finally {
      transport1.close();
      transport2.close();
      await runBriefly(loop);
    }
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_read_pipe
Deno.test("EventLoopTestsMixin.test_read_pipe", async () => {
  await withFifo(async (path) => {
    await withLoop(newLoop, async (loop) => {
      const proto = new MyReadPipeProto(loop);
      const [rpipe, wpipe] = await openFifo(path);
      let wOpen = true;
      try {
        const connect = function* (): Coroutine<void> {
          const [t, p] = yield* loop.connectReadPipe(() => proto, rpipe);
          assert.equal(p, proto);
          assert.equal(t, proto.transport);
          assert.deepEqual(["INITIAL", "CONNECTED"], proto.state);
          assert.equal(0, proto.nbytes);
        };
        await loop.runUntilComplete(connect());

        await wpipe.write(enc("1"));
        await runUntil(loop, () => proto.nbytes >= 1);
        assert.equal(1, proto.nbytes);

        await wpipe.write(enc("2345"));
        await runUntil(loop, () => proto.nbytes >= 5);
        assert.deepEqual(["INITIAL", "CONNECTED"], proto.state);
        assert.equal(5, proto.nbytes);

        wpipe.close();
        wOpen = false;
        await loop.runUntilComplete(proto.done!);
        assert.deepEqual(["INITIAL", "CONNECTED", "EOF", "CLOSED"], proto.state);
        // extra info is available
        assert.ok(proto.transport!.getExtraInfo("pipe") != null);
      } finally {
        if (wOpen) wpipe.close();
        proto.transport?.close();
        await runBriefly(loop);
      }
    });
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_unclosed_pipe_transport
Deno.test("EventLoopTestsMixin.test_unclosed_pipe_transport", async () => {
  await withFifo(async (path) => {
    // This test reproduces the issue #314 on GitHub
    const loop = newLoop();
    const readProto = new MyReadPipeProto(loop);
    const writeProto = new MyWritePipeProto(loop);

    const [rpipeobj, wpipeobj] = await openFifo(path);

    function* connect(): Coroutine<[ReadTransport, WriteTransport]> {
      const [readTransport] = yield* loop.connectReadPipe(() => readProto, rpipeobj);
      const [writeTransport] = yield* loop.connectWritePipe(() => writeProto, wpipeobj);
      return [readTransport, writeTransport];
    }

    // Run and close the loop without closing the transports
    const [readTransport, writeTransport] = await loop.runUntilComplete(connect());
    loop.close();

    // These 'repr' calls used to raise an AttributeError
    assert.match(String(readTransport), /open/);
    assert.match(String(writeTransport), /open/);

    // Clean up
    wpipeobj.close();
    await hostTick(50);
    try {
      rpipeobj.close();
    } catch {
      // already closed
    }
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_write_pipe
Deno.test("EventLoopTestsMixin.test_write_pipe", async () => {
  await withFifo(async (path) => {
    await withLoop(newLoop, async (loop) => {
      const [rpipe, pipeobj] = await openFifo(path);
      let rOpen = true;
      try {
        const proto = new MyWritePipeProto(loop);
        const connect = loop.connectWritePipe(() => proto, pipeobj);
        const [transport, p] = await loop.runUntilComplete(connect);
        assert.equal(p, proto);
        assert.equal(transport, proto.transport);
        assert.equal("CONNECTED", proto.state);

        transport.write(enc("1"));

        // os.read(rpipe, 1024) → reads of the FIFO's read end, concurrent with the loop.
        let data: Uint8Array = new Uint8Array();
        const readUntil = (n: number) => {
          let finished = false;
          (async () => {
            const buf = new Uint8Array(1024);
            while (data.length < n) {
              const got = await rpipe.read(buf);
              if (got === null) break;
              data = concat(data, buf.subarray(0, got));
            }
            finished = true;
          })();
          return () => finished;
        };

        await runUntil(loop, readUntil(1));
        assert.equal(dec(data), "1");

        transport.write(enc("2345"));
        await runUntil(loop, readUntil(5));
        assert.equal(dec(data), "12345");
        assert.equal("CONNECTED", proto.state);

        rpipe.close();
        rOpen = false;

        // extra info is available
        assert.ok(proto.transport!.getExtraInfo("pipe") != null);

        // close connection
        proto.transport!.close();
        await loop.runUntilComplete(proto.done!);
        assert.equal("CLOSED", proto.state);
      } finally {
        if (rOpen) rpipe.close();
      }
    });
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_write_pipe_disconnect_on_close
// DEVIATION: asyncio's write pipe transport notices at once that the reader went away; here that
// is noticed at the next write, since Deno cannot poll a pipe (docs/processes.md "Pipes"). (The case also
// turns a socket into a pipe file object, which Deno cannot.)
Deno.test({
  name: "EventLoopTestsMixin.test_write_pipe_disconnect_on_close",
  ignore: true,
  fn() {},
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_prompt_cancellation
Deno.test("EventLoopTestsMixin.test_prompt_cancellation", async () => {
  await withLoop(newLoop, async (loop) => {
    const [r, w] = await socketpair(loop);
    try {
      const f = loop.createTask(loop.sockRecv(r, 1));

      const main = function* (): Coroutine<string | null> {
        let res: string | null;
        try {
          loop.callSoon(() => f.cancel());
          yield* f;
          res = null;
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          res = "cancelled";
        } finally {
          loop.stop();
        }
        return res;
      };

      const t = loop.createTask(main());
      await loop.runForever();

      assert.equal(t.result(), "cancelled");
      assert.throws(() => f.result(), CancelledError);
    } finally {
      r.close();
      w.close();
      await runBriefly(loop);
    }
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_timeout_rounding
Deno.test("EventLoopTestsMixin.test_timeout_rounding", async () => {
  await withLoop(newLoop, async (loop) => {
    let runOnceCounter = 0;
    const origRunOnce = loop._runOnce.bind(loop);
    loop._runOnce = () => {
      runOnceCounter += 1;
      return origRunOnce();
    };

    function* wait(): Coroutine<void> {
      yield* sleep(1e-2);
      yield* sleep(1e-4);
      yield* sleep(1e-6);
      yield* sleep(1e-8);
      yield* sleep(1e-10);
    }

    await loop.runUntilComplete(wait());
    // The ideal number of call is 12, but on some platforms, the selector
    // may sleep at little bit less than timeout depending on the resolution
    // of the clock used by the kernel. Tolerate a few useless calls on
    // these platforms.
    assert.ok(runOnceCounter <= 20, `${runOnceCounter} iterations`);
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_remove_fds_after_closing
Deno.test({
  name: "EventLoopTestsMixin.test_remove_fds_after_closing",
  async fn() {
    await withLoop(newLoop, async (outer) => {
      const [r, w] = await socketpair(outer);
      try {
        const loop = newLoop();
        const callback = () => {};
        loop.addReader(r, callback);
        loop.addWriter(w, callback);
        loop.close();
        assert.equal(loop.removeReader(r), false);
        assert.equal(loop.removeWriter(w), false);
      } finally {
        r.close();
        w.close();
      }
    });
  },
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_add_fds_after_closing
Deno.test({
  name: "EventLoopTestsMixin.test_add_fds_after_closing",
  async fn() {
    await withLoop(newLoop, async (outer) => {
      const [r, w] = await socketpair(outer);
      try {
        const loop = newLoop();
        const callback = () => {};
        loop.close();
        assert.throws(() => loop.addReader(r, callback), RuntimeError);
        assert.throws(() => loop.addWriter(w, callback), RuntimeError);
      } finally {
        r.close();
        w.close();
      }
    });
  },
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_close_running_event_loop
Deno.test("EventLoopTestsMixin.test_close_running_event_loop", async () => {
  await withLoop(newTestLoop, async (loop) => {
    // deno-lint-ignore require-yield
    function* closeLoop(l: BaseEventLoop): Coroutine<void> {
      l.close();
    }
    const coro = closeLoop(loop);
    await assert.rejects(loop.runUntilComplete(coro), RuntimeError);
  });
});

// CPython 3.12 test_events.py EventLoopTestsMixin.test_close
Deno.test("EventLoopTestsMixin.test_close", async () => {
  await withLoop(newLoop, async (loop) => {
    loop.close();

    function* test(): Coroutine<void> {}

    const func = () => false;
    const coro = test();
    try {
      // operation blocked when the loop is closed
      await assert.rejects(async () => await loop.runForever(), RuntimeError);
      await assert.rejects(async () => {
        const fut = loop.createFuture();
        await loop.runUntilComplete(fut);
      }, RuntimeError);
      assert.throws(() => loop.callSoon(func), RuntimeError);
      assert.throws(() => loop.callSoonThreadsafe(func), RuntimeError);
      assert.throws(() => loop.callLater(1.0, func), RuntimeError);
      assert.throws(() => loop.callAt(loop.time() + .0, func), RuntimeError);
      assert.throws(() => loop.createTask(coro), RuntimeError);
      assert.throws(() => loop.addSignalHandler("SIGTERM", func), RuntimeError);

      // run_in_executor test is tricky: the method is a coroutine,
      // but run_until_complete cannot be called on closed loop.
      // Thus iterate once explicitly.
      await assert.rejects(async () => await loop.runInExecutor(null, func), RuntimeError);
    } finally {
      coro.return();
    }
  });
});

// ============================================================================
// SubprocessTestsMixin
// ============================================================================

const SIGTERM = constants.signals.SIGTERM;
const SIGKILL = constants.signals.SIGKILL;
const SIGHUP = constants.signals.SIGHUP;

function checkTerminated(returncode: number | null): void {
  assert.equal(-SIGTERM, returncode);
}

function checkKilled(returncode: number | null): void {
  assert.equal(-SIGKILL, returncode);
}

/** Runs a case on a real loop and closes whatever child transport it left. */
async function withSubprocessLoop(
  fn: (loop: SelectorEventLoop, transports: SubprocessTransport[]) => Promise<void>,
): Promise<void> {
  await withLoop(newLoop, async (loop) => {
    const transports: SubprocessTransport[] = [];
    try {
      await fn(loop, transports);
    } finally {
      for (const t of transports) t.close();
      await runBriefly(loop);
    }
  });
}

function execPython(loop: SelectorEventLoop, prog: string, options = {}) {
  return loop.subprocessExec(
    () => new MySubprocessProtocol(loop),
    "python3",
    ["-c", prog],
    options,
  );
}

// CPython 3.12 test_events.py SubprocessTestsMixin.test_subprocess_exec
Deno.test("SubprocessTestsMixin.test_subprocess_exec", async () => {
  await withSubprocessLoop(async (loop, cleanup) => {
    const connect = execPython(loop, ECHO_PY);
    const [transp, proto] = await loop.runUntilComplete(connect);
    cleanup.push(transp);
    assert.ok(proto instanceof MySubprocessProtocol);
    await loop.runUntilComplete(proto.connected);
    assert.equal("CONNECTED", proto.state);

    const stdin = transp.getPipeTransport(0) as WriteTransport;
    stdin.write(enc("Python The Winner"));
    await loop.runUntilComplete(proto.gotData[1].wait());
    transp.close();
    await loop.runUntilComplete(proto.completed);
    checkKilled(proto.returncode);
    assert.equal(dec(proto.data[1]), "Python The Winner");
  });
});

// CPython 3.12 test_events.py SubprocessTestsMixin.test_subprocess_interactive
Deno.test("SubprocessTestsMixin.test_subprocess_interactive", async () => {
  await withSubprocessLoop(async (loop, cleanup) => {
    const connect = execPython(loop, ECHO_PY);
    const [transp, proto] = await loop.runUntilComplete(connect);
    cleanup.push(transp);
    assert.ok(proto instanceof MySubprocessProtocol);
    await loop.runUntilComplete(proto.connected);
    assert.equal("CONNECTED", proto.state);

    const stdin = transp.getPipeTransport(0) as WriteTransport;
    stdin.write(enc("Python "));
    await loop.runUntilComplete(proto.gotData[1].wait());
    proto.gotData[1].clear();
    assert.equal(dec(proto.data[1]), "Python ");

    stdin.write(enc("The Winner"));
    await loop.runUntilComplete(proto.gotData[1].wait());
    assert.equal(dec(proto.data[1]), "Python The Winner");

    transp.close();
    await loop.runUntilComplete(proto.completed);
    checkKilled(proto.returncode);
  });
});

// CPython 3.12 test_events.py SubprocessTestsMixin.test_subprocess_shell
Deno.test("SubprocessTestsMixin.test_subprocess_shell", async () => {
  await withSubprocessLoop(async (loop, cleanup) => {
    const connect = loop.subprocessShell(() => new MySubprocessProtocol(loop), "echo Python");
    const [transp, proto] = await loop.runUntilComplete(connect);
    cleanup.push(transp);
    assert.ok(proto instanceof MySubprocessProtocol);
    await loop.runUntilComplete(proto.connected);

    transp.getPipeTransport(0)!.close();
    await loop.runUntilComplete(proto.completed);
    assert.equal(0, proto.returncode);
    assert.ok(Object.values(proto.disconnects).every((f) => f.done()));
    assert.equal(dec(proto.data[1]).replace(/[\r\n]+$/, ""), "Python");
    assert.equal(dec(proto.data[2]), "");
    transp.close();
  });
});

// CPython 3.12 test_events.py SubprocessTestsMixin.test_subprocess_exitcode
Deno.test("SubprocessTestsMixin.test_subprocess_exitcode", async () => {
  await withSubprocessLoop(async (loop, cleanup) => {
    const connect = loop.subprocessShell(() => new MySubprocessProtocol(loop), "exit 7", {
      stdin: null,
      stdout: null,
      stderr: null,
    });
    const [transp, proto] = await loop.runUntilComplete(connect);
    cleanup.push(transp);
    assert.ok(proto instanceof MySubprocessProtocol);
    await loop.runUntilComplete(proto.completed);
    assert.equal(7, proto.returncode);
    transp.close();
  });
});

// CPython 3.12 test_events.py SubprocessTestsMixin.test_subprocess_close_after_finish
Deno.test("SubprocessTestsMixin.test_subprocess_close_after_finish", async () => {
  await withSubprocessLoop(async (loop, cleanup) => {
    const connect = loop.subprocessShell(() => new MySubprocessProtocol(loop), "exit 7", {
      stdin: null,
      stdout: null,
      stderr: null,
    });
    const [transp, proto] = await loop.runUntilComplete(connect);
    cleanup.push(transp);
    assert.ok(proto instanceof MySubprocessProtocol);
    assert.equal(transp.getPipeTransport(0), null);
    assert.equal(transp.getPipeTransport(1), null);
    assert.equal(transp.getPipeTransport(2), null);
    await loop.runUntilComplete(proto.completed);
    assert.equal(7, proto.returncode);
    assert.equal(transp.close(), undefined);
  });
});

// CPython 3.12 test_events.py SubprocessTestsMixin.test_subprocess_kill
Deno.test("SubprocessTestsMixin.test_subprocess_kill", async () => {
  await withSubprocessLoop(async (loop, cleanup) => {
    const [transp, proto] = await loop.runUntilComplete(execPython(loop, ECHO_PY));
    cleanup.push(transp);
    assert.ok(proto instanceof MySubprocessProtocol);
    await loop.runUntilComplete(proto.connected);

    transp.kill();
    await loop.runUntilComplete(proto.completed);
    checkKilled(proto.returncode);
    transp.close();
  });
});

// CPython 3.12 test_events.py SubprocessTestsMixin.test_subprocess_terminate
Deno.test("SubprocessTestsMixin.test_subprocess_terminate", async () => {
  await withSubprocessLoop(async (loop, cleanup) => {
    const [transp, proto] = await loop.runUntilComplete(execPython(loop, ECHO_PY));
    cleanup.push(transp);
    assert.ok(proto instanceof MySubprocessProtocol);
    await loop.runUntilComplete(proto.connected);

    transp.terminate();
    await loop.runUntilComplete(proto.completed);
    checkTerminated(proto.returncode);
    transp.close();
  });
});

// CPython 3.12 test_events.py SubprocessTestsMixin.test_subprocess_send_signal
// (Resetting the parent's SIGHUP disposition first is Python-only.)
Deno.test("SubprocessTestsMixin.test_subprocess_send_signal", async () => {
  await withSubprocessLoop(async (loop, cleanup) => {
    const [transp, proto] = await loop.runUntilComplete(execPython(loop, ECHO_PY));
    cleanup.push(transp);
    assert.ok(proto instanceof MySubprocessProtocol);
    await loop.runUntilComplete(proto.connected);

    transp.sendSignal("SIGHUP");
    await loop.runUntilComplete(proto.completed);
    assert.equal(-SIGHUP, proto.returncode);
    transp.close();
  });
});

// CPython 3.12 test_events.py SubprocessTestsMixin.test_subprocess_stderr
Deno.test("SubprocessTestsMixin.test_subprocess_stderr", async () => {
  await withSubprocessLoop(async (loop, cleanup) => {
    const [transp, proto] = await loop.runUntilComplete(execPython(loop, ECHO2_PY));
    cleanup.push(transp);
    assert.ok(proto instanceof MySubprocessProtocol);
    await loop.runUntilComplete(proto.connected);

    const stdin = transp.getPipeTransport(0) as WriteTransport;
    stdin.write(enc("test"));

    await loop.runUntilComplete(proto.completed);

    transp.close();
    assert.equal(dec(proto.data[1]), "OUT:test");
    assert.ok(dec(proto.data[2]).startsWith("ERR:test"), dec(proto.data[2]));
    assert.equal(0, proto.returncode);
  });
});

// CPython 3.12 test_events.py SubprocessTestsMixin.test_subprocess_stderr_redirect_to_stdout
// DEVIATION: with stderr=STDOUT Deno reads the two streams through separate pipes, so the order
// 'OUT:test' then 'ERR:test' that the case asserts is not kept (docs/processes.md "Subprocesses").
Deno.test({
  name: "SubprocessTestsMixin.test_subprocess_stderr_redirect_to_stdout",
  ignore: true,
  fn() {},
});

// CPython 3.12 test_events.py SubprocessTestsMixin.test_subprocess_close_client_stream
Deno.test("SubprocessTestsMixin.test_subprocess_close_client_stream", async () => {
  await withSubprocessLoop(async (loop, cleanup) => {
    const [transp, proto] = await loop.runUntilComplete(execPython(loop, ECHO3_PY));
    cleanup.push(transp);
    assert.ok(proto instanceof MySubprocessProtocol);
    await loop.runUntilComplete(proto.connected);

    const stdin = transp.getPipeTransport(0) as WriteTransport;
    const stdout = transp.getPipeTransport(1)!;
    stdin.write(enc("test"));
    await loop.runUntilComplete(proto.gotData[1].wait());
    assert.equal(dec(proto.data[1]), "OUT:test");

    stdout.close();
    await loop.runUntilComplete(proto.disconnects[1]);
    stdin.write(enc("xxx"));
    await loop.runUntilComplete(proto.gotData[2].wait());
    assert.equal(dec(proto.data[2]), "ERR:BrokenPipeError");
    transp.close();
    await loop.runUntilComplete(proto.completed);
    checkKilled(proto.returncode);
  });
});

// CPython 3.12 test_events.py SubprocessTestsMixin.test_subprocess_wait_no_same_group
// DEVIATION: start_new_session is a Popen option Deno cannot honour; it raises
// NotImplementedError (docs/processes.md "Subprocesses").
Deno.test({
  name: "SubprocessTestsMixin.test_subprocess_wait_no_same_group",
  ignore: true,
  fn() {},
});

// CPython 3.12 test_events.py SubprocessTestsMixin.test_subprocess_exec_invalid_args
Deno.test("SubprocessTestsMixin.test_subprocess_exec_invalid_args", async () => {
  await withLoop(newLoop, async (loop) => {
    function* connect(kwds: asyncio.SubprocessOptions): Coroutine<void> {
      yield* loop.subprocessExec(() => new SubprocessProtocol(), "pwd", [], kwds);
    }
    await assert.rejects(loop.runUntilComplete(connect({ universalNewlines: true })), RangeError);
    await assert.rejects(loop.runUntilComplete(connect({ bufsize: 4096 })), RangeError);
    await assert.rejects(loop.runUntilComplete(connect({ shell: true })), RangeError);
  });
});

// CPython 3.12 test_events.py SubprocessTestsMixin.test_subprocess_shell_invalid_args
Deno.test({
  name: "SubprocessTestsMixin.test_subprocess_shell_invalid_args",
  async fn() {
    await withLoop(newLoop, async (loop) => {
      function* connect(
        cmd: unknown = null,
        kwds: asyncio.SubprocessOptions = {},
      ): Coroutine<void> {
        if (!cmd) cmd = "pwd";
        yield* loop.subprocessShell(() => new SubprocessProtocol(), cmd as string, kwds);
      }
      await assert.rejects(loop.runUntilComplete(connect(["ls", "-l"])), RangeError);
      await assert.rejects(
        loop.runUntilComplete(connect(null, { universalNewlines: true })),
        RangeError,
      );
      await assert.rejects(loop.runUntilComplete(connect(null, { bufsize: 4096 })), RangeError);
      await assert.rejects(loop.runUntilComplete(connect(null, { shell: false })), RangeError);
    });
  },
});

// ============================================================================
// HandleTests (with a stub loop: mock.Mock() with get_debug() returning True)
// ============================================================================

function stubLoop(): HandleOwner & { reports: asyncio.ExceptionContext[] } {
  const reports: asyncio.ExceptionContext[] = [];
  return {
    reports,
    callExceptionHandler(context) {
      reports.push(context);
    },
    getDebug: () => true,
    _timerCancelled() {},
  };
}

// CPython 3.12 test_events.py HandleTests.test_handle
Deno.test("HandleTests.test_handle", () => {
  function callback(...args: unknown[]) {
    return args;
  }
  const args: unknown[] = [];
  const h = new Handle(callback, args, stubLoop());
  assert.equal(h._callback, callback);
  assert.equal(h._args, args);
  assert.ok(!h.cancelled());

  h.cancel();
  assert.ok(h.cancelled());
});

// CPython 3.12 test_events.py HandleTests.test_callback_with_exception
Deno.test({
  name: "HandleTests.test_callback_with_exception",
  fn() {
    function callback() {
      throw new RangeError();
    }
    const loop = stubLoop();
    const h = new Handle(callback, [], loop);
    h._run();

    assert.equal(loop.reports.length, 1);
    const context = loop.reports[0];
    assert.deepEqual(Object.keys(context).sort(), [
      "exception",
      "handle",
      "message",
      "sourceTraceback",
    ]);
    assert.match(context.message, /^Exception in callback.*/);
    assert.equal(context.handle, h);
    assert.equal(context.sourceTraceback, h._sourceTraceback);
  },
});

// CPython 3.12 test_events.py HandleTests.test_handle_source_traceback
Deno.test("HandleTests.test_handle_source_traceback", async () => {
  await withLoop(() => getEventLoopPolicy().newEventLoop() as SelectorEventLoop, (loop) => {
    loop.setDebug(true);
    const noop = () => {};
    const file = new URL(import.meta.url).pathname.split("/").pop()!;

    function checkSourceTraceback(h: Handle) {
      const callerLine = new Error().stack!.split("\n")[2];
      const lineno = Number(/:(\d+):\d+\)?$/.exec(callerLine)![1]) - 1;
      assert.equal(typeof h._sourceTraceback, "string");
      const innermost = h._sourceTraceback!.split("\n")[0];
      assert.match(innermost, new RegExp(`${file}:${lineno}:`), h._sourceTraceback);
    }

    // call_soon
    let h: Handle = loop.callSoon(noop);
    checkSourceTraceback(h);

    // call_soon_threadsafe
    h = loop.callSoonThreadsafe(noop);
    checkSourceTraceback(h);

    // call_later
    h = loop.callLater(0, noop);
    checkSourceTraceback(h);

    // call_at
    h = loop.callLater(0, noop);
    checkSourceTraceback(h);
  });
});

// ============================================================================
// TimerTests
// ============================================================================

// CPython 3.12 test_events.py TimerTests.test_when
Deno.test("TimerTests.test_when", () => {
  const when = performance.now() / 1000;
  const h = new TimerHandle(when, () => false, [], stubLoop());
  assert.equal(when, h.when());
});

// CPython 3.12 test_events.py TimerTests.test_timer
Deno.test("TimerTests.test_timer", () => {
  function callback(...args: unknown[]) {
    return args;
  }
  const args = [1, 2, 3];
  const when = performance.now() / 1000;
  const h = new TimerHandle(when, callback, args, stubLoop());
  assert.equal(h._callback, callback);
  assert.equal(h._args, args);
  assert.ok(!h.cancelled());

  // cancel
  h.cancel();
  assert.ok(h.cancelled());
  assert.equal(h._callback, null);
  assert.equal(h._args, null);
});

// ============================================================================
// AbstractEventLoopTests
// ============================================================================

/** asyncio.AbstractEventLoop(): the abstract class, instantiated as Python allows. */
function abstractLoop(): AbstractEventLoop {
  return new (AbstractEventLoop as unknown as new () => AbstractEventLoop)();
}

// CPython 3.12 test_events.py AbstractEventLoopTests.test_not_implemented
Deno.test("AbstractEventLoopTests.test_not_implemented", async (t) => {
  const f = () => {};
  const loop = abstractLoop();
  await t.step({
    name: "loop lifecycle, scheduling, exception handler and debug methods",
    fn() {
      assert.throws(() => loop.runForever(), NotImplementedError);
      assert.throws(() => loop.runUntilComplete(bad<never>(null)), NotImplementedError);
      assert.throws(() => loop.stop(), NotImplementedError);
      assert.throws(() => loop.isRunning(), NotImplementedError);
      assert.throws(() => loop.isClosed(), NotImplementedError);
      assert.throws(() => loop.close(), NotImplementedError);
      assert.throws(() => loop.createTask(bad<never>(null)), NotImplementedError);
      assert.throws(() => loop.callLater(bad(null), bad(null)), NotImplementedError);
      assert.throws(() => loop.callAt(bad(f), f), NotImplementedError);
      assert.throws(() => loop.callSoon(bad(null)), NotImplementedError);
      assert.throws(() => loop.time(), NotImplementedError);
      assert.throws(() => loop.callSoonThreadsafe(bad(null)), NotImplementedError);
      assert.throws(() => loop.setExceptionHandler(bad(f)), NotImplementedError);
      assert.throws(() => loop.defaultExceptionHandler(bad(f)), NotImplementedError);
      assert.throws(() => loop.callExceptionHandler(bad(f)), NotImplementedError);
      assert.throws(() => loop.getDebug(), NotImplementedError);
      assert.throws(() => loop.setDebug(bad(f)), NotImplementedError);
    },
  });
  await t.step("executor, reader/writer and signal methods", () => {
    assert.throws(() => loop.setDefaultExecutor(bad(f)), NotImplementedError);
    assert.throws(() => loop.addReader(1, f), NotImplementedError);
    assert.throws(() => loop.removeReader(1), NotImplementedError);
    assert.throws(() => loop.addWriter(1, f), NotImplementedError);
    assert.throws(() => loop.removeWriter(1), NotImplementedError);
    assert.throws(() => loop.addSignalHandler(bad(1), f), NotImplementedError);
    assert.throws(() => loop.removeSignalHandler(bad(1)), NotImplementedError);
    assert.throws(() => loop.removeSignalHandler(bad(1)), NotImplementedError);
  });
});

// CPython 3.12 test_events.py AbstractEventLoopTests.test_not_implemented_async
Deno.test("AbstractEventLoopTests.test_not_implemented_async", async (t) => {
  // `await loop.x(...)` raises: the call throws, or what it returns rejects.
  async function raisesNotImplemented(call: () => unknown): Promise<void> {
    await assert.rejects(async () => await call(), NotImplementedError);
  }
  const f = () => {};
  const sentinel = bad<never>({});
  const loop = abstractLoop();
  await t.step("I/O methods", async () => {
    await withLoop(() => newEventLoop() as SelectorEventLoop, async (real) => {
      async function inner() {
        await raisesNotImplemented(() => loop.runInExecutor(bad(f), f));
        await raisesNotImplemented(() => loop.getaddrinfo("localhost", 8080));
        await raisesNotImplemented(() => loop.getnameinfo(["localhost", 8080]));
        await raisesNotImplemented(() => loop.createConnection(bad(f)));
        await raisesNotImplemented(() => loop.createServer(bad(f)));
        await raisesNotImplemented(() => loop.createDatagramEndpoint(bad(f)));
        await raisesNotImplemented(() => loop.sockRecv(bad(f), 10));
        await raisesNotImplemented(() => loop.sockRecvInto(bad(f), bad(10)));
        await raisesNotImplemented(() => loop.sockSendall(bad(f), bad(10)));
        await raisesNotImplemented(() => loop.sockConnect(bad(f), bad(f)));
        await raisesNotImplemented(() => loop.sockAccept(bad<Socket>(f)));
        await raisesNotImplemented(() => loop.connectReadPipe(bad(f), sentinel));
        await raisesNotImplemented(() => loop.connectWritePipe(bad(f), sentinel));
        await raisesNotImplemented(() => loop.subprocessShell(bad(f), sentinel));
        await raisesNotImplemented(() => loop.subprocessExec(bad(f), sentinel));
      }
      await real.runUntilComplete(inner());
    });
  });
  await t.step("sock_sendfile and sendfile", async () => {
    await raisesNotImplemented(() => loop.sockSendfile(bad(f), bad(f)));
    await raisesNotImplemented(() => loop.sendfile(bad(f), bad(f)));
  });
});

// ============================================================================
// PolicyTests
// ============================================================================

/** asyncio.AbstractEventLoopPolicy(), instantiated as Python allows. */
function abstractPolicy(): AbstractEventLoopPolicy {
  return new (AbstractEventLoopPolicy as unknown as new () => AbstractEventLoopPolicy)();
}

// CPython 3.12 test_events.py PolicyTests.test_event_loop_policy
Deno.test("PolicyTests.test_event_loop_policy", async (t) => {
  const policy = abstractPolicy();
  await t.step("getEventLoop, setEventLoop, newEventLoop", () => {
    assert.throws(() => policy.getEventLoop(), NotImplementedError);
    assert.throws(() => policy.setEventLoop(bad({})), NotImplementedError);
    assert.throws(() => policy.newEventLoop(), NotImplementedError);
  });
  await t.step("getChildWatcher, setChildWatcher", () => {
    assert.throws(() => policy.getChildWatcher(), NotImplementedError);
    assert.throws(() => policy.setChildWatcher(bad({})), NotImplementedError);
  });
});

// CPython 3.12 test_events.py PolicyTests.test_get_event_loop
// (The DeprecationWarning and the check of policy._local are Python-only.)
Deno.test("PolicyTests.test_get_event_loop", () => {
  const policy = new DefaultEventLoopPolicy();
  const loop = policy.getEventLoop();
  try {
    assert.ok(loop instanceof AbstractEventLoop);
    assert.equal(loop, policy.getEventLoop());
  } finally {
    loop.close();
  }
});

// CPython 3.12 test_events.py PolicyTests.test_get_event_loop_calls_set_event_loop
Deno.test("PolicyTests.test_get_event_loop_calls_set_event_loop", () => {
  const policy = new DefaultEventLoopPolicy();
  const original = policy.setEventLoop.bind(policy);
  const calls: unknown[][] = [];
  policy.setEventLoop = (...args) => {
    calls.push(args);
    return original(...args);
  };
  const loop = policy.getEventLoop();
  try {
    // policy._local._loop must be set through .set_event_loop()
    // (the unix DefaultEventLoopPolicy needs this call to attach
    // the child watcher correctly)
    assert.deepEqual(calls.at(-1), [loop]);
  } finally {
    loop.close();
  }
});

// CPython 3.12 test_events.py PolicyTests.test_get_event_loop_after_set_none
Deno.test("PolicyTests.test_get_event_loop_after_set_none", () => {
  const policy = new DefaultEventLoopPolicy();
  policy.setEventLoop(null);
  assert.throws(() => policy.getEventLoop(), RuntimeError);
});

// CPython 3.12 test_events.py PolicyTests.test_get_event_loop_thread
// The other thread is a Worker (a realm of its own).
Deno.test("PolicyTests.test_get_event_loop_thread", async () => {
  const code = `import { DefaultEventLoopPolicy, RuntimeError } from ${JSON.stringify(MOD)};
let outcome;
try {
  new DefaultEventLoopPolicy().getEventLoop();
  outcome = "no error";
} catch (e) {
  outcome = e instanceof RuntimeError ? "RuntimeError" : String(e);
}
postMessage(outcome);`;
  const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
  const worker = new Worker(url, { type: "module" });
  try {
    const outcome = await new Promise((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(e.message));
      };
    });
    // assertRaises(RuntimeError, policy.get_event_loop)
    assert.equal(outcome, "RuntimeError");
  } finally {
    worker.terminate();
    URL.revokeObjectURL(url);
  }
});

// CPython 3.12 test_events.py PolicyTests.test_new_event_loop
Deno.test("PolicyTests.test_new_event_loop", () => {
  const policy = new DefaultEventLoopPolicy();
  const loop = policy.newEventLoop();
  assert.ok(loop instanceof AbstractEventLoop);
  loop.close();
});

// CPython 3.12 test_events.py PolicyTests.test_set_event_loop
Deno.test("PolicyTests.test_set_event_loop", () => {
  const policy = new DefaultEventLoopPolicy();
  const oldLoop = policy.newEventLoop();
  policy.setEventLoop(oldLoop);

  assert.throws(() => policy.setEventLoop(bad({})), TypeError);

  const loop = policy.newEventLoop();
  policy.setEventLoop(loop);
  assert.equal(loop, policy.getEventLoop());
  assert.notEqual(oldLoop, policy.getEventLoop());
  loop.close();
  oldLoop.close();
});

// CPython 3.12 test_events.py PolicyTests.test_get_event_loop_policy
Deno.test("PolicyTests.test_get_event_loop_policy", () => {
  const policy = getEventLoopPolicy();
  assert.ok(policy instanceof AbstractEventLoopPolicy);
  assert.equal(policy, getEventLoopPolicy());
});

// CPython 3.12 test_events.py PolicyTests.test_set_event_loop_policy
Deno.test("PolicyTests.test_set_event_loop_policy", () => {
  try {
    assert.throws(() => setEventLoopPolicy(bad({})), TypeError);

    const oldPolicy = getEventLoopPolicy();

    const policy = new DefaultEventLoopPolicy();
    setEventLoopPolicy(policy);
    assert.equal(policy, getEventLoopPolicy());
    assert.notEqual(policy, oldPolicy);
  } finally {
    setEventLoopPolicy(null); // tearDownModule
  }
});

// ============================================================================
// GetEventLoopTestsMixin (TestPyGetEventLoop; the C twin is the same here)
// ============================================================================

/** The mixin's setUp/tearDown: a new current loop, closed and unset afterwards. */
async function withCurrentLoop(fn: (loop: AbstractEventLoop) => Promise<void>): Promise<void> {
  const loop = newEventLoop();
  setEventLoop(loop);
  try {
    await fn(loop);
  } finally {
    loop.close();
    setEventLoop(null);
    setEventLoopPolicy(null); // tearDownModule
  }
}

// CPython 3.12 test_events.py GetEventLoopTestsMixin.test_get_event_loop_new_process
// ProcessPoolExecutor → a WorkerPoolExecutor (the function runs in a Worker realm).
Deno.test("GetEventLoopTestsMixin.test_get_event_loop_new_process", async () => {
  await withCurrentLoop(async (selfLoop) => {
    // _test_get_event_loop_new_process__sub_proc, run in the other realm.
    async function subProc(mod: string): Promise<string> {
      const lib = await import(mod);
      // deno-lint-ignore require-yield
      function* doit() {
        return "hello";
      }
      const loop = lib.newEventLoop();
      lib.setEventLoop(loop);
      try {
        return await loop.runUntilComplete(doit());
      } finally {
        loop.close();
      }
    }

    function* main(): Coroutine<string> {
      const pool = new WorkerPoolExecutor();
      try {
        return yield* selfLoop.runInExecutor(pool, subProc, MOD);
      } finally {
        pool.shutdown();
      }
    }

    assert.equal(await selfLoop.runUntilComplete(main()), "hello");
  });
});

// CPython 3.12 test_events.py GetEventLoopTestsMixin.test_get_event_loop_returns_running_loop
Deno.test("GetEventLoopTestsMixin.test_get_event_loop_returns_running_loop", async () => {
  await withCurrentLoop(async () => {
    class TestError extends Error {}

    class Policy extends DefaultEventLoopPolicy {
      override getEventLoop(): AbstractEventLoop {
        throw new TestError();
      }
    }

    const oldPolicy = getEventLoopPolicy();
    let loop: AbstractEventLoop | null = null;
    try {
      setEventLoopPolicy(new Policy());
      loop = newEventLoop();

      assert.throws(() => getEventLoop(), TestError);
      setEventLoop(null);
      assert.throws(() => getEventLoop(), TestError);

      assert.throws(() => getRunningLoop(), { name: "RuntimeError", message: /no running/ });
      assert.equal(_getRunningLoop(), null);

      const l = loop;
      // deno-lint-ignore require-yield
      const func = function* (): Coroutine<void> {
        assert.equal(getEventLoop(), l);
        assert.equal(getRunningLoop(), l);
        assert.equal(_getRunningLoop(), l);
      };

      await loop.runUntilComplete(func());

      setEventLoop(loop);
      assert.throws(() => getEventLoop(), TestError);
      setEventLoop(null);
      assert.throws(() => getEventLoop(), TestError);
    } finally {
      setEventLoopPolicy(oldPolicy);
      if (loop !== null) loop.close();
    }

    assert.throws(() => getRunningLoop(), { name: "RuntimeError", message: /no running/ });
    assert.equal(_getRunningLoop(), null);
  });
});

// CPython 3.12 test_events.py GetEventLoopTestsMixin.test_get_event_loop_returns_running_loop2
// (The DeprecationWarning of the implicit loop creation is Python-only.)
Deno.test("GetEventLoopTestsMixin.test_get_event_loop_returns_running_loop2", async () => {
  await withCurrentLoop(async () => {
    const oldPolicy = getEventLoopPolicy();
    let loop: AbstractEventLoop | null = null;
    let loop2: AbstractEventLoop | null = null;
    try {
      setEventLoopPolicy(new DefaultEventLoopPolicy());
      loop = newEventLoop();

      loop2 = getEventLoop();
      setEventLoop(null);
      assert.throws(() => getEventLoop(), { name: "RuntimeError", message: /no current/ });

      assert.throws(() => getRunningLoop(), { name: "RuntimeError", message: /no running/ });
      assert.equal(_getRunningLoop(), null);

      const l = loop;
      // deno-lint-ignore require-yield
      const func = function* (): Coroutine<void> {
        assert.equal(getEventLoop(), l);
        assert.equal(getRunningLoop(), l);
        assert.equal(_getRunningLoop(), l);
      };

      await loop.runUntilComplete(func());

      setEventLoop(loop);
      assert.equal(getEventLoop(), loop);

      setEventLoop(null);
      assert.throws(() => getEventLoop(), { name: "RuntimeError", message: /no current/ });
    } finally {
      setEventLoopPolicy(oldPolicy);
      if (loop !== null) loop.close();
      loop2?.close();
    }

    assert.throws(() => getRunningLoop(), { name: "RuntimeError", message: /no running/ });
    assert.equal(_getRunningLoop(), null);
  });
});

// ============================================================================
// TestServer, TestAbstractServer
// ============================================================================

// CPython 3.12 test_events.py TestServer.test_get_loop
Deno.test("TestServer.test_get_loop", async () => {
  const loop = newEventLoop();
  try {
    const proto = new MyProto(loop);
    const server = await loop.runUntilComplete(
      loop.createServer(() => proto, "127.0.0.1", 0),
    );
    assert.equal(server.getLoop(), loop);
    server.close();
    await loop.runUntilComplete(server.waitClosed());
  } finally {
    loop.close();
  }
});

interface AbstractServerLike {
  close(): void;
  waitClosed(): Future<void>;
  getLoop(): AbstractEventLoop;
}

/** events.AbstractServer(), looked up at run time: the library does not declare it. */
function abstractServer(): AbstractServerLike {
  const cls = (asyncio as unknown as Record<string, new () => AbstractServerLike>)[
    "AbstractServer"
  ];
  return new cls();
}

// CPython 3.12 test_events.py TestAbstractServer.test_close
Deno.test({
  name: "TestAbstractServer.test_close",
  fn() {
    assert.throws(() => abstractServer().close(), NotImplementedError);
  },
});

// CPython 3.12 test_events.py TestAbstractServer.test_wait_closed
Deno.test({
  name: "TestAbstractServer.test_wait_closed",
  async fn() {
    const loop = newEventLoop();
    try {
      await assert.rejects(
        async () => await loop.runUntilComplete(abstractServer().waitClosed()),
        NotImplementedError,
      );
    } finally {
      loop.close();
    }
  },
});

// CPython 3.12 test_events.py TestAbstractServer.test_get_loop
Deno.test({
  name: "TestAbstractServer.test_get_loop",
  fn() {
    assert.throws(() => abstractServer().getLoop(), NotImplementedError);
  },
});
