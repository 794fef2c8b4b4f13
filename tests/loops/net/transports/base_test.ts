// TransportBase and FlowControlTransport: what every transport shares lives
// in one place (asyncio's _SelectorTransport and _FlowControlMixin).

import assert from "node:assert/strict";
import { sleep } from "../../../../mod.ts";
import { Protocol } from "../../../../loops/protocols_mod.ts";
import { UdpTransport } from "../../../../loops/net/transports/datagram.ts";
import { StreamTransport } from "../../../../loops/net/transports/stream.ts";
import { ReadPipeTransport } from "../../../../loops/process/read_pipe.ts";
import { DenoSubprocessTransport } from "../../../../loops/process/subprocess_transport.ts";
import { WritePipeTransport } from "../../../../loops/process/write_pipe.ts";
import { FlowControlTransport, TransportBase } from "../../../../loops/net/transports/base.ts";
import { onLoop } from "../_net.ts";

const ALL = [
  StreamTransport,
  UdpTransport,
  ReadPipeTransport,
  WritePipeTransport,
  DenoSubprocessTransport,
];

Deno.test("every transport extends TransportBase; the writing ones FlowControlTransport", () => {
  for (const cls of ALL) {
    assert.ok(cls.prototype instanceof TransportBase, cls.name);
    const writes = cls === StreamTransport || cls === UdpTransport || cls === WritePipeTransport;
    assert.equal(cls.prototype instanceof FlowControlTransport, writes, cls.name);
  }
});

Deno.test("setProtocol, getProtocol, isClosing and toString are defined once, in TransportBase", () => {
  for (const name of ["getProtocol", "isClosing", "toString", "getExtraInfo"] as const) {
    for (const cls of ALL) {
      assert.equal(cls.prototype[name], TransportBase.prototype[name], `${cls.name}.${name}`);
    }
  }
  // Only the stream transport adds to setProtocol (it notes whether the
  // protocol is a BufferedProtocol).
  for (const cls of ALL) {
    if (cls === StreamTransport) continue;
    assert.equal(cls.prototype.setProtocol, TransportBase.prototype.setProtocol, cls.name);
  }
  for (const cls of [StreamTransport, UdpTransport, WritePipeTransport]) {
    for (const name of ["setWriteBufferLimits", "getWriteBufferLimits", "abort"] as const) {
      assert.equal(cls.prototype[name], FlowControlTransport.prototype[name], cls.name);
    }
  }
});

Deno.test("a pipe transport's life: made, closing, then connectionLost once, then closed", async () => {
  await onLoop(function* (loop) {
    const events: string[] = [];
    const lost = loop.createFuture<void>();
    class P extends Protocol {
      override connectionMade() {
        events.push("made");
      }
      override connectionLost(exc: Error | null) {
        events.push(`lost ${exc} ${t}`);
        lost.setResult(undefined);
      }
    }
    const sink = new WritableStream<Uint8Array>();
    const [t, p] = yield* loop.connectWritePipe(() => new P(), sink);
    assert.equal(t.getProtocol(), p);
    assert.equal(String(t), "<WritePipeTransport open bufsize=0>");
    t.close();
    assert.ok(t.isClosing());
    assert.equal(String(t), "<WritePipeTransport closing bufsize=0>");
    yield* lost;
    t.close(); // again: nothing more
    t.abort();
    yield* sleep(0);
    assert.deepEqual(events, ["made", "lost null <WritePipeTransport closing bufsize=0>"]);
    assert.equal(String(t), "<WritePipeTransport closed bufsize=0>");
  });
});
