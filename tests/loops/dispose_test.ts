// Everything that closes is Disposable or AsyncDisposable (shared/API.md):
// loops, servers, transports, streams, processes, executors; a Handle or a
// Task disposes by cancelling. Each is checked at run time (`using` /
// `await using` ends it) and at compile time (assignable to the interface).

import assert from "node:assert/strict";
import {
  createSubprocessExec,
  openConnection,
  PIPE,
  run,
  SelectorEventLoop,
  sleep,
  startServer,
  type StreamReader,
  type StreamWriter,
} from "../../mod.ts";
import { TestLoop } from "../../loops/testing/mod.ts";
import {
  BaseTransport,
  DatagramProtocol,
  Protocol,
  SubprocessProtocol,
} from "../../loops/protocols_mod.ts";
import { AF_INET, SOCK_DGRAM, Socket } from "../../loops/net/socket_mod.ts";
import { InlineExecutor, WorkerPoolExecutor } from "../../loops/executor/mod.ts";
import { onLoop, portOf, Recorder } from "./net/_net.ts";

Deno.test("Transports are Disposable: `using` closes them and connectionLost follows", async (t) => {
  await t.step("every transport class inherits it from BaseTransport", () => {
    assert.equal(typeof BaseTransport.prototype[Symbol.dispose], "function");
  });
  await t.step("TCP", async () => {
    await onLoop(function* (loop) {
      const server = yield* loop.createServer(() => new Protocol(), "127.0.0.1", 0);
      let proto: Recorder;
      {
        const [transport, p] = yield* loop.createConnection(
          () => new Recorder(loop),
          "127.0.0.1",
          portOf(server),
        );
        using t: Disposable = transport;
        proto = p;
        void t;
      }
      assert.equal(yield* proto.lost, null);
      server.close();
      server.closeClients();
      yield* server.waitClosed();
    });
  });
  await t.step("UDP", async () => {
    await onLoop(function* (loop) {
      const lost = loop.createFuture<void>();
      {
        const [transport] = yield* loop.createDatagramEndpoint(
          () =>
            new (class extends DatagramProtocol {
              override connectionLost() {
                lost.setResult(undefined);
              }
            })(),
          { localAddr: ["127.0.0.1", 0] },
        );
        using _: Disposable = transport;
      }
      yield* lost;
    });
  });
  await t.step("a write pipe and a read pipe", async () => {
    await onLoop(function* (loop) {
      let writeProto: Recorder;
      let readProto: Recorder;
      {
        const [w, wp] = yield* loop.connectWritePipe(
          () => new Recorder(loop),
          new WritableStream(),
        );
        const [r, rp] = yield* loop.connectReadPipe(() => new Recorder(loop), new ReadableStream());
        using _w: Disposable = w;
        using _r: Disposable = r;
        writeProto = wp;
        readProto = rp;
      }
      yield* writeProto.lost;
      yield* readProto.lost;
    });
  });
  await t.step("a subprocess transport", async () => {
    await onLoop(function* (loop) {
      const exited = loop.createFuture<void>();
      {
        const [transport] = yield* loop.subprocessExec(
          () =>
            new (class extends SubprocessProtocol {
              override processExited() {
                exited.setResult(undefined);
              }
            })(),
          Deno.execPath(),
          ["eval", "await new Promise((r) => setTimeout(r, 60_000))"],
          { stdin: PIPE, stdout: PIPE, stderr: PIPE },
        );
        using _: Disposable = transport;
      }
      yield* exited; // closing the transport killed the child
    });
  });
});

Deno.test("Streams, servers and processes are AsyncDisposable", async () => {
  await run(async () => {
    let writerRef: StreamWriter;
    {
      await using server = await startServer(
        (_r: StreamReader, w: StreamWriter) => w.close(),
        "127.0.0.1",
        0,
      );
      const [reader, writer] = await openConnection(
        "127.0.0.1",
        server.sockets[0].getsockname()[1],
      );
      await using _writer: AsyncDisposable = writer;
      writerRef = writer;
      assert.equal((await reader.read()).length, 0);
    }
    assert.ok(writerRef.isClosing());
    let pid = 0;
    {
      await using proc: AsyncDisposable & { pid: number } = await createSubprocessExec(
        Deno.execPath(),
        "eval",
        "await new Promise((r) => setTimeout(r, 60_000))",
        { stdin: PIPE },
      );
      pid = proc.pid;
    }
    assert.ok(pid > 0);
  });
});

Deno.test("Loops, executors and Sockets are Disposable or AsyncDisposable", async () => {
  let loop: SelectorEventLoop;
  {
    using l: Disposable = new SelectorEventLoop();
    loop = l as SelectorEventLoop;
  }
  assert.ok(loop.isClosed());
  let inline: InlineExecutor;
  {
    await using ex: AsyncDisposable = new InlineExecutor();
    inline = ex as InlineExecutor;
    await inline.submit(() => 1);
  }
  assert.throws(() => inline.submit(() => 1));
  {
    await using _pool: AsyncDisposable = new WorkerPoolExecutor({ maxWorkers: 1 });
  }
  let tcp: Socket;
  let udp: Socket;
  {
    using a: Disposable = new Socket(AF_INET);
    using b: Disposable = new Socket(AF_INET, SOCK_DGRAM);
    tcp = a as Socket;
    udp = b as Socket;
  }
  assert.equal(tcp.fileno(), -1);
  assert.equal(udp.fileno(), -1);
});

Deno.test("A Handle and a Task dispose by cancelling", async () => {
  const loop = new TestLoop();
  try {
    let handle;
    {
      using h: Disposable = loop.callLater(10, () => {});
      handle = h as ReturnType<typeof loop.callLater>;
    }
    assert.ok(handle.cancelled());
    const task = loop.createTask(function* () {
      yield* sleep(10);
    }());
    {
      using _: Disposable = task;
    }
    await assert.rejects(loop.runUntilComplete(task));
    assert.ok(task.cancelled());
  } finally {
    loop.close();
  }
});
