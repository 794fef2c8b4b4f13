// The transport interfaces: getExtraInfo typed by key and kind, addresses
// typed by family, and instanceof for the classes that implement an
// interface without extending it. Most assertions here are checked twice:
// by the type checker (an `Is<...>` that does not hold fails `deno check`)
// and at run time.

import assert from "node:assert/strict";
import { wrapFuture } from "../../../mod.ts";
import {
  BaseTransport,
  DatagramProtocol,
  DatagramTransport,
  type Inet6Address,
  type InetAddress,
  type PipeExtraInfo,
  Protocol,
  ReadTransport,
  SubprocessProtocol,
  SubprocessTransport,
  Transport,
  type TransportSocket,
  WriteTransport,
} from "../../../loops/protocols_mod.ts";
import { AF_INET, AF_INET6, AF_UNIX, Socket } from "../../../loops/net/socket_mod.ts";
import { UdpTransport } from "../../../loops/net/transports/datagram.ts";
import { StreamTransport } from "../../../loops/net/transports/stream.ts";
import { ReadPipeTransport } from "../../../loops/process/read_pipe.ts";
import { DenoSubprocessTransport } from "../../../loops/process/subprocess_transport.ts";
import { WritePipeTransport } from "../../../loops/process/write_pipe.ts";
import { onLoop } from "../net/_net.ts";

/** `true` when `A` and `B` are the same type; anything else fails the type check. */
type Is<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function typeIs<T extends true>(): T | void {}

Deno.test("getExtraInfo() of a TCP transport: typed addresses and socket, no cast", async () => {
  await onLoop(function* (loop) {
    const server = yield* loop.createServer(() => new Protocol(), "127.0.0.1", 0);
    const [host, port] = server.sockets[0].getsockname();
    typeIs<Is<typeof port, number>>();
    const [t] = yield* loop.createConnection(() => new Protocol(), host, port);
    const peer = t.getExtraInfo("peername");
    typeIs<Is<typeof peer, InetAddress>>();
    assert.deepEqual(peer, ["127.0.0.1", port]);
    const socket = t.getExtraInfo("socket");
    typeIs<Is<typeof socket, TransportSocket<InetAddress>>>();
    assert.deepEqual(socket.getpeername(), peer);
    const ssl = t.getExtraInfo("sslcontext"); // a TLS key: absent on plain TCP
    assert.equal(ssl, undefined);
    const other = t.getExtraInfo("no such key", 7); // any other key: unknown
    typeIs<Is<typeof other, unknown>>();
    assert.equal(other, 7);
    t.close();
    server.close();
    yield* server.waitClosed();
  });
});

Deno.test("getExtraInfo() of a Unix transport and server: paths", async () => {
  await onLoop(function* (loop) {
    const path = `${Deno.makeTempDirSync()}/s.sock`;
    const server = yield* loop.createUnixServer(() => new Protocol(), path);
    const name = server.sockets[0].getsockname();
    typeIs<Is<typeof name, string>>();
    const [t] = yield* loop.createUnixConnection(() => new Protocol(), path);
    const peer = t.getExtraInfo("peername");
    typeIs<Is<typeof peer, string>>();
    assert.equal(peer, path);
    t.close();
    server.close();
    yield* server.waitClosed();
  });
});

Deno.test("a server over a Socket is typed by the socket's family", async () => {
  await onLoop(function* (loop) {
    const sock = new Socket(AF_INET);
    sock.bind(["127.0.0.1", 0]);
    const server = yield* loop.createServer(() => new Protocol(), null, null, { sock });
    const name = server.sockets[0].getsockname();
    typeIs<Is<typeof name, InetAddress>>();
    assert.deepEqual(name, sock.getsockname());
    server.close();
    yield* server.waitClosed();
  });
});

Deno.test("getExtraInfo() of a datagram endpoint and a subprocess", async () => {
  await onLoop(function* (loop) {
    const [udp] = yield* loop.createDatagramEndpoint(() => new DatagramProtocol(), {
      localAddr: ["127.0.0.1", 0],
    });
    const name = udp.getExtraInfo("sockname");
    typeIs<Is<typeof name, InetAddress | Inet6Address>>();
    const peer = udp.getExtraInfo("peername");
    typeIs<Is<typeof peer, InetAddress | Inet6Address | null>>();
    assert.equal(peer, null);
    assert.equal(name[0], "127.0.0.1");
    udp.close();
    const [sub] = yield* loop.subprocessExec(() => new SubprocessProtocol(), "true", [], {
      stdin: null,
      stdout: null,
      stderr: null,
    });
    const child = sub.getExtraInfo("subprocess");
    typeIs<Is<typeof child, Deno.ChildProcess>>();
    assert.equal((yield* wrapFuture(child.status)).code, 0);
    sub.close();
  });
});

Deno.test("getExtraInfo() of a pipe gives the pipe, typed as given", async () => {
  await onLoop(function* (loop) {
    const stream = ReadableStream.from<Uint8Array>([]);
    const [t] = yield* loop.connectReadPipe(() => new Protocol(), stream);
    const pipe = t.getExtraInfo("pipe");
    typeIs<Is<typeof pipe, ReadableStream<Uint8Array>>>();
    assert.equal(pipe, stream);
    t.close();
  });
});

Deno.test("Socket: addresses typed by the family", () => {
  using v4 = new Socket(AF_INET);
  using v6 = new Socket(AF_INET6);
  using unix = new Socket(AF_UNIX);
  using any = new Socket(v4.family as number);
  const a = v4.getsockname();
  const b = v6.getsockname();
  const c = unix.getsockname();
  const d = any.getsockname();
  typeIs<Is<typeof a, InetAddress>>();
  typeIs<Is<typeof b, Inet6Address>>();
  typeIs<Is<typeof c, string>>();
  typeIs<Is<typeof d, InetAddress | Inet6Address | string>>();
  assert.deepEqual([a, b, c], [["0.0.0.0", 0], ["::", 0, 0, 0], ""]);
});

Deno.test("instanceof: each transport is an instance of its asyncio interface only", () => {
  const is = (cls: abstract new (...args: never[]) => object) =>
    [
      BaseTransport,
      ReadTransport,
      WriteTransport,
      Transport,
      DatagramTransport,
      SubprocessTransport,
    ]
      .map((iface) => Object.create(cls.prototype) instanceof iface);
  //                                    base  read   write  trans  dgram  subproc
  assert.deepEqual(is(StreamTransport), [true, true, true, true, false, false]);
  assert.deepEqual(is(UdpTransport), [true, false, false, false, true, false]);
  assert.deepEqual(is(ReadPipeTransport), [true, true, false, false, false, false]);
  assert.deepEqual(is(WritePipeTransport), [true, false, true, false, false, false]);
  assert.deepEqual(is(DenoSubprocessTransport), [true, false, false, false, false, true]);
  class Mine extends Transport {}
  assert.deepEqual(is(Mine), [true, true, true, true, false, false]);
  class MyStream extends StreamTransport {}
  assert.ok(Object.create(MyStream.prototype) instanceof Transport);
  assert.ok(!(Object.create(null) instanceof BaseTransport) && !({} instanceof ReadTransport));
});

Deno.test("SubprocessTransport.getPipeTransport() is typed by the fd", async () => {
  await onLoop(function* (loop) {
    const [t] = yield* loop.subprocessExec(() => new SubprocessProtocol(), "cat", []);
    const stdin = t.getPipeTransport(0);
    const stdout = t.getPipeTransport(1);
    typeIs<Is<typeof stdin, WriteTransport<PipeExtraInfo> | null>>();
    assert.ok(stdin instanceof WriteTransport && stdout instanceof ReadTransport);
    assert.ok(stdout.isReading());
    stdin.close();
    t.close();
  });
});
