// Helpers of the UDP tests: a protocol recording every callback, endpoint
// creation on a chosen backend, and `backendTest`, which runs a scenario once
// per UDP backend available in this process.
//
// The "deno" backend (Deno.listenDatagram) exists only under --unstable-net.
// The normal test run has no such flag, so datagram_test.ts re-runs the
// backend scenarios in a `deno test --unstable-net` subprocess with
// ASYNCIO_UDP_BACKEND=deno (see "UDP backend deno" there).

import assert from "node:assert/strict";
import { type Coroutine, type Future, SelectorEventLoop, sleep } from "../../../mod.ts";
import {
  type Address,
  DatagramProtocol,
  type DatagramTransport,
} from "../../../loops/protocols_mod.ts";
import { UdpTransport } from "../../../loops/net/transports/datagram.ts";
import type { CreateDatagramEndpointOptions } from "../../../mod.ts";
import { hasUnstableNet } from "../../../loops/net/deno_features.ts";
import { type ExceptionWatcher, withLoop } from "../../_helpers.ts";

export type Backend = "deno" | "node";

/** Set by the subprocess run: only the backend scenarios, on this backend. */
export const ONLY_BACKEND = Deno.env.get("ASYNCIO_UDP_BACKEND") as Backend | undefined;

/** The backends the scenarios run on in this process. */
export const BACKENDS: Backend[] = ONLY_BACKEND !== undefined
  ? [ONLY_BACKEND]
  : hasUnstableNet()
  ? ["node", "deno"]
  : ["node"];

/** How many scenarios `backendTest` registered (the subprocess must pass as many). */
export const registered = { backendTests: 0 };

export const enc = new TextEncoder();
export const dec = new TextDecoder();

/** A test that does not depend on the backend: skipped in the subprocess run. */
export function plainTest(
  name: string,
  fn: (t: Deno.TestContext) => void | Promise<void>,
  options: { ignore?: boolean } = {},
): void {
  Deno.test({ name, ignore: ONLY_BACKEND !== undefined || (options.ignore ?? false), fn });
}

/** A scenario run once per backend, each on a new watched SelectorEventLoop. */
export function backendTest(
  name: string,
  body: (loop: SelectorEventLoop, backend: Backend, exc: ExceptionWatcher) => Coroutine<void>,
  options: { ignore?: boolean } = {},
): void {
  registered.backendTests++;
  Deno.test({
    name,
    ignore: options.ignore ?? false,
    fn: async (t) => {
      for (const backend of BACKENDS) {
        await t.step(`[${backend}]`, () =>
          withLoop(
            () => new SelectorEventLoop(),
            (loop, exc) => loop.runUntilComplete(body(loop, backend, exc)),
          ));
      }
    },
  });
}

/** A datagram protocol that records every callback. */
export class Rec extends DatagramProtocol {
  events: string[] = [];
  datagrams: [Uint8Array, Address][] = [];
  errors: Error[] = [];
  transport: UdpTransport | null = null;
  made: Future<void>;
  lost: Future<Error | null>;
  lostCount = 0;
  bufferAtLost = -1;

  constructor(loop: SelectorEventLoop) {
    super();
    this.made = loop.createFuture<void>();
    this.lost = loop.createFuture<Error | null>();
  }

  override connectionMade(t: DatagramTransport): void {
    this.events.push("made");
    this.transport = t as UdpTransport;
    this.made.setResult(undefined);
  }

  override datagramReceived(data: Uint8Array, addr: Address): void {
    this.events.push("datagram");
    this.datagrams.push([data, addr]);
  }

  override errorReceived(exc: Error): void {
    this.events.push("error");
    this.errors.push(exc);
  }

  override pauseWriting(): void {
    this.events.push("pause");
  }

  override resumeWriting(): void {
    this.events.push("resume");
  }

  override connectionLost(exc: Error | null): void {
    this.events.push("lost");
    this.lostCount++;
    this.bufferAtLost = this.transport?.getWriteBufferSize() ?? -1;
    if (!this.lost.done()) this.lost.setResult(exc);
  }

  /** The payloads received, decoded. */
  texts(): string[] {
    return this.datagrams.map(([d]) => dec.decode(d));
  }
}

/** A recorder that sends every datagram back, prefixed with `prefix`. */
export class Echo extends Rec {
  constructor(loop: SelectorEventLoop, readonly prefix = "") {
    super(loop);
  }

  override datagramReceived(data: Uint8Array, addr: Address): void {
    super.datagramReceived(data, addr);
    const head = enc.encode(this.prefix);
    const out = new Uint8Array(head.length + data.length);
    out.set(head);
    out.set(data, head.length);
    this.transport!.sendto(out, addr);
  }
}

/** Opens an endpoint on `backend` with a protocol (a new `Rec` by default). */
export function* open<P extends Rec = Rec>(
  loop: SelectorEventLoop,
  backend: Backend,
  options: CreateDatagramEndpointOptions,
  protocol?: P,
): Coroutine<[UdpTransport, P]> {
  const [transport, proto] = yield* loop.createDatagramEndpoint(
    () => protocol ?? new Rec(loop) as P,
    { ...options, _backend: backend },
  );
  // The loop interface types it DatagramTransport; these tests use UdpTransport's extras.
  assert.ok(transport instanceof UdpTransport);
  return [transport, proto];
}

/** Opens an endpoint on 127.0.0.1 (any port). */
export function* local<P extends Rec = Rec>(
  loop: SelectorEventLoop,
  backend: Backend,
  protocol?: P,
): Coroutine<[UdpTransport, P]> {
  return yield* open(loop, backend, { localAddr: ["127.0.0.1", 0] }, protocol);
}

/** The bound `[host, port]` of an endpoint (without IPv6's flowinfo and scope id). */
export function addrOf(t: UdpTransport): [string, number] {
  const [host, port] = t.getExtraInfo("sockname");
  return [host, port];
}

/** Polls `cond` until it holds; fails after `timeout` seconds naming `what`. */
export function* until(cond: () => boolean, what: string, timeout = 10): Coroutine<void> {
  const end = performance.now() + timeout * 1000;
  while (!cond()) {
    if (performance.now() > end) assert.fail(`Timed out waiting for ${what}`);
    yield* sleep(0.002);
  }
}

/** Closes the endpoints and waits for their `connectionLost`. */
export function* closeAll(...protocols: Rec[]): Coroutine<void> {
  for (const p of protocols) p.transport?.close();
  for (const p of protocols) yield* p.lost;
}
