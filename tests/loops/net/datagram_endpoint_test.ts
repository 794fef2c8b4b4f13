// createDatagramEndpoint(): option checks before any side effect, the
// platform matrix, peers we did not write (Python's asyncio), and the
// Deno.listenDatagram backend, run in a `deno test --unstable-net` subprocess.

import assert from "node:assert/strict";
import {
  type Coroutine,
  type CreateDatagramEndpointOptions,
  NotImplementedError,
  OSError,
  ProactorEventLoop,
  SelectorEventLoop,
  wrapFuture,
} from "../../../mod.ts";
import { AF_INET, AF_UNIX } from "../../../loops/net/socket_mod.ts";
import { simulatePlatform } from "../../../platform/mod.ts";
import { hasUnstableNet } from "../../../loops/net/deno_features.ts";
import { bad, thrownBy } from "../../_helpers.ts";
import {
  addrOf,
  backendTest,
  closeAll,
  Echo,
  enc,
  local,
  open,
  plainTest,
  Rec,
  until,
} from "./_datagram.ts";

type ErrorClass = new (...args: never[]) => Error;

const BAD_OPTIONS: [string, unknown, ErrorClass, RegExp?][] = [
  ["options null", null, TypeError],
  ["sock", { sock: {}, localAddr: ["127.0.0.1", 0] }, NotImplementedError, /options\.sock/],
  ["reuseAddress true", { reuseAddress: true, family: AF_INET }, RangeError, /SO_REUSEADDR/],
  ["reuseAddress not boolean", { reuseAddress: 1, family: AF_INET }, TypeError],
  ["reusePort", { reusePort: true, family: AF_INET }, NotImplementedError, /SO_REUSEPORT/],
  ["family AF_UNIX", { family: AF_UNIX }, NotImplementedError, /Unix datagram/],
  // asyncio's socket.socket(99) raises OSError EAFNOSUPPORT.
  ["family 99", { family: 99 }, OSError, /Address family not supported/],
  ["family string", { family: "inet" }, TypeError],
  ["proto TCP", { proto: 6, family: AF_INET }, NotImplementedError, /options\.proto/],
  ["flags", { flags: 4, family: AF_INET }, NotImplementedError, /options\.flags/],
  ["allowBroadcast string", { allowBroadcast: "yes", family: AF_INET }, TypeError],
  ["localAddr string", { localAddr: "127.0.0.1:0" }, TypeError, /options\.localAddr/],
  // asyncio: TypeError "2-tuple is expected"
  ["localAddr of 4 items", { localAddr: ["::1", 0, 0, 0] }, TypeError, /2-tuple is expected/],
  ["remoteAddr of 3 items", { remoteAddr: ["127.0.0.1", 9, 0] }, TypeError, /2-tuple/],
  ["localAddr port", { localAddr: ["127.0.0.1", 70_000] }, RangeError],
  ["remoteAddr empty host", { remoteAddr: ["", 9] }, TypeError, /options\.remoteAddr/],
  ["remoteAddr port string", { remoteAddr: ["127.0.0.1", "9"] }, TypeError],
  ["no address, no family", {}, RangeError, /unexpected address family/],
  ["unknown backend", { family: AF_INET, _backend: "bsd" }, TypeError],
];

plainTest("createDatagramEndpoint() checks its options before opening anything", () => {
  const loop = new SelectorEventLoop();
  let made = 0;
  const factory = () => {
    made++;
    return new Rec(loop as SelectorEventLoop);
  };
  try {
    for (const [what, options, cls, message] of BAD_OPTIONS) {
      const err = thrownBy(() => loop.createDatagramEndpoint(factory, bad(options)));
      assert.ok(err instanceof cls, `${what}: got ${err}`);
      if (message !== undefined) assert.match((err as Error).message, message, what);
    }
    assert.throws(
      () => loop.createDatagramEndpoint(bad("factory"), { family: AF_INET }),
      TypeError,
    );
    if (!hasUnstableNet()) {
      const err = thrownBy(() =>
        loop.createDatagramEndpoint(factory, { family: AF_INET, _backend: "deno" })
      );
      assert.ok(err instanceof NotImplementedError);
      assert.match(err.message, /--unstable-net/);
    }
    assert.equal(made, 0);
  } finally {
    loop.close();
  }
});

plainTest("ProactorEventLoop.createDatagramEndpoint() is not supported", () => {
  const loop = new ProactorEventLoop({ platform: simulatePlatform("windows") });
  let made = 0;
  try {
    assert.equal(loop.supports("createDatagramEndpoint"), false);
    const err = thrownBy(() =>
      loop.createDatagramEndpoint(() => {
        made++;
        return new Rec(loop as unknown as SelectorEventLoop);
      }, { localAddr: ["127.0.0.1", 0] })
    );
    assert.ok(err instanceof NotImplementedError);
    assert.equal(err.feature, "createDatagramEndpoint");
    assert.equal(err.loop, "proactor");
    assert.equal(made, 0); // and the sanitizers see no socket
  } finally {
    loop.close();
  }
});

backendTest("localAddr and remoteAddr are resolved and paired by family", function* (
  loop,
  backend,
) {
  const options: CreateDatagramEndpointOptions = {
    localAddr: ["127.0.0.1", 0],
    remoteAddr: ["::1", 9],
  };
  try {
    yield* open(loop, backend, options);
    assert.fail("expected a RangeError");
  } catch (e) {
    assert.ok(e instanceof RangeError, String(e));
  }
  const [t, r] = yield* open(loop, backend, { localAddr: ["localhost", 0], family: AF_INET });
  assert.equal(addrOf(t)[0], "127.0.0.1"); // names are resolved
  yield* closeAll(r);
});

const NO_NET_SCRIPT = `
import { SelectorEventLoop } from "${new URL("../../../mod.ts", import.meta.url)}";
import { DatagramProtocol } from "${new URL("../../../loops/protocols_mod.ts", import.meta.url)}";
const loop = new SelectorEventLoop();
try {
  await loop.runUntilComplete(
    loop.createDatagramEndpoint(() => new DatagramProtocol(), { localAddr: ["127.0.0.1", 0] }),
  );
  console.log("opened");
} catch (e) {
  console.log(\`\${e.name}: \${e.message}\`);
}
loop.close();
`;

plainTest("without --allow-net the error names the flag and the process lives", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const script = `${dir}/no_net.ts`;
    await Deno.writeTextFile(script, NO_NET_SCRIPT);
    for (const flags of [[], ["--unstable-net"]]) {
      await t.step(flags.length === 0 ? "node:dgram" : "Deno.listenDatagram", async () => {
        const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
          args: ["run", "--no-check", "--allow-read", ...flags, script],
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).output();
        const out = new TextDecoder().decode(stdout);
        assert.equal(code, 0, new TextDecoder().decode(stderr));
        assert.match(out, /^PermissionError: bind\(.*--allow-net/);
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---- Python's asyncio as the peer -------------------------------------------

const HAS_PYTHON = (() => {
  try {
    return new Deno.Command("python3", { args: ["--version"] }).outputSync().success;
  } catch {
    return false;
  }
})();

const PY_ECHO_SERVER = `
import asyncio
class Echo(asyncio.DatagramProtocol):
    def connection_made(self, t):
        self.t = t
    def datagram_received(self, data, addr):
        self.t.sendto(b"py:" + data, addr)
        if data == b"bye":
            done.set_result(None)
async def main():
    global done
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    t, _ = await loop.create_datagram_endpoint(Echo, local_addr=("127.0.0.1", 0))
    print(t.get_extra_info("sockname")[1], flush=True)
    try:
        await asyncio.wait_for(done, 20)
    finally:
        t.close()
asyncio.run(main())
`;

const PY_CLIENT = `
import asyncio, json, sys
class Client(asyncio.DatagramProtocol):
    def __init__(self):
        self.got = []
        self.done = asyncio.get_running_loop().create_future()
    def datagram_received(self, data, addr):
        self.got.append(data.decode())
        if len(self.got) == 3:
            self.done.set_result(None)
async def main():
    loop = asyncio.get_running_loop()
    t, p = await loop.create_datagram_endpoint(Client, remote_addr=("127.0.0.1", int(sys.argv[1])))
    for m in ["a", "bb", "ccc"]:
        t.sendto(m.encode())
    await asyncio.wait_for(p.done, 20)
    print(json.dumps(p.got))
    t.close()
asyncio.run(main())
`;

/** Runs python3; `firstLine` resolves with its first line of output, `done` with all of it. */
function python(code: string, ...args: string[]) {
  const child = new Deno.Command("python3", {
    args: ["-c", code, ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let resolveLine: (line: string) => void = () => {};
  const firstLine = new Promise<string>((r) => resolveLine = r);
  const stdout = (async () => {
    let text = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      if (text.includes("\n")) resolveLine(text.slice(0, text.indexOf("\n")));
    }
    resolveLine(text);
    return text;
  })();
  const done = Promise.all([stdout, new Response(child.stderr).text(), child.status]);
  return { firstLine, done };
}

function* finished(py: ReturnType<typeof python>): Coroutine<string> {
  const [out, err, status] = yield* wrapFuture(py.done);
  assert.equal(status.code, 0, `python3 failed:\n${err}`);
  return out;
}

backendTest("our endpoint talks to a Python asyncio UDP echo server", function* (
  loop,
  backend,
) {
  const py = python(PY_ECHO_SERVER);
  const port = Number(yield* wrapFuture(py.firstLine));
  assert.ok(port > 0, "the server's port");
  const [client, rec] = yield* open(loop, backend, { remoteAddr: ["127.0.0.1", port] });
  const big = "x".repeat(5000);
  for (const m of ["one", "two", big]) client.sendto(enc.encode(m));
  yield* until(() => rec.datagrams.length === 3, "three echoes");
  assert.deepEqual(rec.texts(), ["py:one", "py:two", `py:${big}`]);
  client.sendto(enc.encode("bye"));
  yield* finished(py);
  yield* closeAll(rec);
}, { ignore: !HAS_PYTHON });

backendTest("a Python asyncio UDP client talks to our echo endpoint", function* (
  loop,
  backend,
) {
  const [server, echo] = yield* local(loop, backend, new Echo(loop, "deno:"));
  const out = yield* finished(python(PY_CLIENT, String(addrOf(server)[1])));
  assert.deepEqual(JSON.parse(out), ["deno:a", "deno:bb", "deno:ccc"]);
  assert.deepEqual(echo.texts(), ["a", "bb", "ccc"]);
  yield* closeAll(echo);
}, { ignore: !HAS_PYTHON });

// ---- the Deno.listenDatagram backend ------------------------------------------

// This process has no --unstable-net (when it has, every scenario above ran on
// both backends already): run the backend scenarios of both UDP test files in
// a subprocess that has the flag, on the "deno" backend only.
plainTest("UDP scenarios pass on the Deno.listenDatagram backend (--unstable-net)", async () => {
  const files = ["datagram_test.ts", "datagram_endpoint_test.ts"]
    .map((f) => new URL(f, import.meta.url).pathname);
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["test", "--unstable-net", "--allow-all", "--no-check", ...files],
    cwd: new URL("../../../", import.meta.url).pathname,
    env: { ASYNCIO_UDP_BACKEND: "deno", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  const err = new TextDecoder().decode(stderr);
  assert.equal(code, 0, `the subprocess failed:\n${out}\n${err}`);
  const steps = out.match(/^\s+\[deno\] \.\.\. ok/gm)?.length ?? 0;
  const passed = [...out.matchAll(/ok \| (\d+) passed \((\d+) steps?\)/g)];
  assert.equal(passed.length, 1, out);
  assert.equal(Number(passed[0][1]), steps, out); // every scenario ran, once, on "deno"
  assert.equal(Number(passed[0][2]), steps, out);
  assert.ok(steps >= 20, `only ${steps} scenarios ran:\n${out}`);
}, { ignore: hasUnstableNet() });
