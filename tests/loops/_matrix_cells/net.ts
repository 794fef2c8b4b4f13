// Matrix-cell rows for the network features: TCP and TLS connections and
// servers, STARTTLS, Unix sockets, UDP endpoints and name resolution.

import assert from "node:assert/strict";
import { SelectorEventLoop } from "../../../mod.ts";
import type { AbstractServer, Transport } from "../../../loops/protocols_mod.ts";
import { bad } from "../../_helpers.ts";
import { clientContext, serverContext } from "../_matrix_tls.ts";
import {
  acceptCounter,
  assertHostPort,
  type CellContext,
  closeTransport,
  exists,
  type FeatureEntry,
  freePort,
  neverMade,
  portIsFree,
  Probe,
  settle,
} from "./context.ts";

/** The options that turn a plain call into its SSL variant. */
function sslFor(ssl: boolean) {
  return ssl ? { ssl: clientContext(), serverHostname: "localhost" } : {};
}

/** Starts a server of the cell's loop on 127.0.0.1 (TLS with `ssl`); closed by a clean-up. */
async function startServer(
  c: CellContext,
  ssl: boolean,
): Promise<{ server: AbstractServer; port: number }> {
  const options = ssl ? { ssl: serverContext() } : {};
  const server = await c.loop.runUntilComplete(
    c.loop.createServer(() => new Probe(c.loop), "127.0.0.1", 0, options),
  );
  c.defer(async () => {
    server.close();
    await c.loop.runUntilComplete(server.waitClosed());
  });
  const [, port] = server.sockets[0].getsockname();
  return { server, port };
}

/** Opens a connection of the cell's loop (TLS with `ssl`); closed by a clean-up. */
async function connect(c: CellContext, port: number, ssl: boolean): Promise<[Transport, Probe]> {
  const [t, p] = await c.loop.runUntilComplete(
    c.loop.createConnection(() => new Probe(c.loop), "127.0.0.1", port, sslFor(ssl)),
  );
  c.defer(() => closeTransport(c, t, p));
  return [t, p];
}

function createConnectionEntry(ssl: boolean): FeatureEntry {
  return {
    method: "createConnection",
    attempt(c) {
      const counter = acceptCounter(c);
      const port = counter.address as number;
      return {
        call: () => c.loop.createConnection(neverMade(), "127.0.0.1", port, sslFor(ssl)),
        assertNoTrace: () => assert.equal(counter.accepted(), 0, "no connection was made"),
      };
    },
    async real(c) {
      const { port } = await startServer(c, ssl);
      const [t, p] = await connect(c, port, ssl);
      assert.equal(await c.loop.runUntilComplete(p.made), t);
      assert.deepEqual(t.getExtraInfo("peername"), ["127.0.0.1", port]);
      assert.equal(t.getExtraInfo("sslcontext") !== undefined, ssl);
    },
    pastCheck: (c) => c.loop.createConnection(neverMade(), "127.0.0.1", 70000, sslFor(ssl)),
  };
}

function createServerEntry(ssl: boolean): FeatureEntry {
  const options = () => ssl ? { ssl: serverContext() } : {};
  return {
    method: "createServer",
    attempt(c) {
      const port = freePort();
      return {
        call: () => c.loop.createServer(neverMade(), "127.0.0.1", port, options()),
        assertNoTrace: () => assert.ok(portIsFree(port), `port ${port} was not bound`),
      };
    },
    async real(c) {
      const { server, port } = await startServer(c, ssl);
      assert.ok(server.isServing());
      assert.equal(portIsFree(port), false);
      const [t] = await connect(c, port, ssl);
      assert.equal(t.isClosing(), false);
    },
    pastCheck: (c) => c.loop.createServer(neverMade(), "127.0.0.1", 70000, options()),
  };
}

const startTls: FeatureEntry = {
  method: "startTls",
  async attempt(c) {
    const { port } = await startServer(c, false);
    const [t, p] = await connect(c, port, false);
    return {
      call: () => c.loop.startTls(t, p, clientContext(), { serverHostname: "localhost" }),
      assertNoTrace: () => assert.equal(t.isClosing(), false, "the plain transport is intact"),
    };
  },
  async real(c) {
    const { port } = await startServer(c, true);
    const [plain, p] = await connect(c, port, false);
    const tls = await c.loop.runUntilComplete(
      c.loop.startTls(plain, p, clientContext(), { serverHostname: "localhost" }),
    );
    c.defer(() => closeTransport(c, tls, p));
    assert.notEqual(tls, plain);
    assert.ok(tls.getExtraInfo("sslcontext") !== undefined);
  },
  pastCheck: (c) => c.loop.startTls(bad<Transport>({}), new Probe(c.loop), clientContext()),
};

const createUnixConnection: FeatureEntry = {
  method: "createUnixConnection",
  attempt(c) {
    const counter = acceptCounter(c, `${c.dir}/refused.sock`);
    return {
      call: () => c.loop.createUnixConnection(neverMade(), counter.address as string),
      assertNoTrace: () => assert.equal(counter.accepted(), 0, "no connection was made"),
    };
  },
  async real(c) {
    const path = `${c.dir}/real.sock`;
    const server = await c.loop.runUntilComplete(
      c.loop.createUnixServer(() => new Probe(c.loop), path),
    );
    c.defer(async () => {
      server.close();
      await c.loop.runUntilComplete(server.waitClosed());
    });
    const [t, p] = await c.loop.runUntilComplete(
      c.loop.createUnixConnection(() => new Probe(c.loop), path),
    );
    c.defer(() => closeTransport(c, t, p));
    assert.equal(t.getExtraInfo("peername"), path);
  },
  pastCheck: (c) => c.loop.createUnixConnection(neverMade(), ""),
};

const createUnixServer: FeatureEntry = {
  method: "createUnixServer",
  attempt(c) {
    const path = `${c.dir}/refused.sock`;
    return {
      call: () => c.loop.createUnixServer(neverMade(), path),
      assertNoTrace: async () => assert.equal(await exists(path), false, "no socket file"),
    };
  },
  async real(c) {
    const path = `${c.dir}/real.sock`;
    const server = await c.loop.runUntilComplete(c.loop.createUnixServer(neverMade(), path));
    c.defer(async () => {
      server.close();
      await c.loop.runUntilComplete(server.waitClosed());
    });
    assert.equal(server.sockets[0].getsockname(), path);
    assert.ok(await exists(path));
  },
  pastCheck: (c) => c.loop.createUnixServer(neverMade(), ""),
};

/** Binds a UDP endpoint on 127.0.0.1:`port` with a real Linux loop, then closes it; returns the port. */
async function bindUdp(port: number): Promise<number> {
  using loop = new SelectorEventLoop();
  const [t, p] = await loop.runUntilComplete(
    loop.createDatagramEndpoint(() => new Probe(loop), { localAddr: ["127.0.0.1", port] }),
  );
  const [, bound] = t.getExtraInfo("sockname");
  t.close();
  await loop.runUntilComplete(p.lost);
  return bound;
}

const createDatagramEndpoint: FeatureEntry = {
  method: "createDatagramEndpoint",
  async attempt(c) {
    const port = await bindUdp(0);
    return {
      call: () => c.loop.createDatagramEndpoint(neverMade(), { localAddr: ["127.0.0.1", port] }),
      assertNoTrace: async () => assert.equal(await bindUdp(port), port, "the port is still free"),
    };
  },
  async real(c) {
    const [t, p] = await c.loop.runUntilComplete(
      c.loop.createDatagramEndpoint(() => new Probe(c.loop), { localAddr: ["127.0.0.1", 0] }),
    );
    c.defer(async () => {
      t.close();
      await c.loop.runUntilComplete(p.lost);
    });
    assertHostPort(t.getExtraInfo("sockname"), "a bound UDP address");
  },
  pastCheck: (c) => c.loop.createDatagramEndpoint(bad(null)),
};

const getaddrinfo: FeatureEntry = {
  method: "getaddrinfo",
  attempt: (c) => ({ call: () => c.loop.getaddrinfo("127.0.0.1", 80) }),
  async real(c) {
    const infos = await c.loop.runUntilComplete(c.loop.getaddrinfo("localhost", 80));
    assert.ok(infos.length > 0);
    assert.ok(infos.every((info) => (info[4] as unknown[])[1] === 80));
  },
  pastCheck: (c) => c.loop.getaddrinfo("localhost", 70000),
};

const getnameinfo: FeatureEntry = {
  method: "getnameinfo",
  attempt: (c) => ({ call: () => c.loop.getnameinfo(["127.0.0.1", 80]) }),
  async real(c) {
    const [host, service] = await c.loop.runUntilComplete(c.loop.getnameinfo(["127.0.0.1", 80]));
    assert.equal(typeof host, "string");
    assert.equal(typeof service, "string");
    await settle(c, 1);
  },
  pastCheck: (c) => c.loop.getnameinfo(bad("127.0.0.1:80")),
};

/** The network rows of the table. */
export const NET_ENTRIES = {
  "createConnection": createConnectionEntry(false),
  "createConnection(ssl)": createConnectionEntry(true),
  "createServer": createServerEntry(false),
  "createServer(ssl)": createServerEntry(true),
  startTls,
  createUnixConnection,
  createUnixServer,
  createDatagramEndpoint,
  getaddrinfo,
  getnameinfo,
} satisfies Record<string, FeatureEntry>;
