// The two routes to a UDP socket on Deno, behind one small interface the
// datagram transport uses:
//
// - "deno": Deno.listenDatagram, Deno's own API. It exists only when Deno
//   runs with --unstable-net (without the flag Deno removes it from its
//   namespace), so it is chosen only then.
// - "node": node:dgram, which works without any flag. It is the stable route
//   (the `node:` module is used because Deno's own API is unavailable).
//
// Measured on Deno 2.9.6, and handled here or in the transport:
// - Both complete sends started in the same tick in REVERSE order, so the
//   transport keeps one send in flight at a time.
// - Neither can connect a UDP socket at the OS level (node:dgram's
//   `connect()` only records the address), so the transport emulates a
//   connected endpoint: it sends to the peer and drops other datagrams.
// - Neither sets SO_REUSEPORT on UDP (node:dgram ignores `reusePort`).
// - Deno.listenDatagram always sets SO_BROADCAST; node:dgram sets it on demand.
// - node:dgram throws Deno's NotCapable from a callback when --allow-net is
//   missing (an uncaught error that ends the process), so the permission is
//   checked before binding.

import dgram from "node:dgram";
import dns from "node:dns";
import { NotImplementedError } from "../../core/exceptions.ts";
import { OSError } from "../os_errors.ts";
import type {
  DatagramExtraInfo,
  Inet6Address,
  InetAddress,
  TransportSocket,
} from "../../core/transports.ts";
import { hasUnstableNet } from "../deno_features.ts";
import { errnoOf } from "../errors.ts";
import { AF_INET6, ipFamily } from "../resolve.ts";

/** The name of a UDP route. */
export type BackendName = "deno" | "node";

/** Where a backend delivers what it receives. */
export interface DatagramSink {
  /** One datagram from `host`:`port` (the data is the sink's to keep). */
  datagram(data: Uint8Array, host: string, port: number): void;
  /** A receive operation failed; receiving goes on. */
  error(e: unknown): void;
}

/** A bound UDP socket. */
export interface DatagramBackend {
  /** Which route this is. */
  readonly name: BackendName;
  /** The bound numeric address. */
  readonly host: string;
  /** The bound port. */
  readonly port: number;
  /** Starts delivering datagrams (and receive errors) to `sink`. */
  start(sink: DatagramSink): void;
  /** Sends one datagram; settles when the OS has taken it or refused it. */
  send(data: Uint8Array, host: string, port: number): Promise<void>;
  /** Closes the socket; resolves once every pending receive has settled. */
  close(): Promise<void>;
}

/** What to bind. */
export interface BindRequest {
  /** A numeric address (`"0.0.0.0"`, `"::"`, `"127.0.0.1"`, ...). */
  host: string;
  /** The port (0: any free port). */
  port: number;
  /** Whether the address is IPv6. */
  ipv6: boolean;
  /** Whether to set SO_BROADCAST. */
  broadcast: boolean;
}

/** The route used when none is forced: Deno's own API when the flag allows it. */
export function defaultBackend(): BackendName {
  return hasUnstableNet() ? "deno" : "node";
}

/** Why the "deno" route is unavailable in this process. */
export const NO_UNSTABLE_NET = "Deno.listenDatagram needs Deno's --unstable-net flag " +
  "(without it the API is absent; the node:dgram route is used by default)";

/** Binds a UDP socket on the named route. */
export function openBackend(name: BackendName, req: BindRequest): Promise<DatagramBackend> {
  try {
    if (name === "deno") return Promise.resolve(DenoBackend.open(req));
    return NodeBackend.open(req);
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Binds a UDP socket on the named route at once, as Python's `bind()` does
 * (a `Socket` of type `SOCK_DGRAM`): the host must be numeric. Throws what
 * the bind failed with (Deno's or Node's error, not yet mapped).
 */
export function openBackendSync(name: BackendName, req: BindRequest): DatagramBackend {
  return name === "deno" ? DenoBackend.open(req) : NodeBackend.openSync(req);
}

// ---- Deno.listenDatagram ------------------------------------------------------

interface DenoDatagramConn {
  receive(p?: Uint8Array): Promise<[Uint8Array, Deno.Addr]>;
  send(p: Uint8Array, addr: Deno.NetAddr): Promise<number>;
  close(): void;
  readonly addr: Deno.Addr;
}

type ListenDatagram = (
  options: { hostname: string; port: number; transport: "udp" },
) => DenoDatagramConn;

/** The largest UDP payload (65535 minus the IPv4 and UDP headers). */
const MAX_DATAGRAM = 65507;

function isCloseError(e: unknown): boolean {
  return e instanceof Deno.errors.BadResource || e instanceof Deno.errors.Interrupted;
}

class DenoBackend implements DatagramBackend {
  readonly name = "deno";
  readonly host: string;
  readonly port: number;
  #conn: DenoDatagramConn;
  #buf = new Uint8Array(MAX_DATAGRAM + 1);
  #sink: DatagramSink | null = null;
  #closed = false;
  #receiving: Promise<void> = Promise.resolve();

  static open(req: BindRequest): DenoBackend {
    const listen = (Deno as unknown as { listenDatagram?: ListenDatagram }).listenDatagram;
    if (typeof listen !== "function") throw new NotImplementedError(NO_UNSTABLE_NET);
    return new DenoBackend(listen({ hostname: req.host, port: req.port, transport: "udp" }));
  }

  private constructor(conn: DenoDatagramConn) {
    this.#conn = conn;
    const addr = conn.addr as Deno.NetAddr;
    this.host = addr.hostname;
    this.port = addr.port;
  }

  start(sink: DatagramSink): void {
    this.#sink = sink;
    this.#receive();
  }

  // One receive in flight at a time, into a reused buffer; the sink gets a copy.
  #receive(): void {
    if (this.#closed) return;
    this.#receiving = this.#conn.receive(this.#buf).then(([data, addr]) => {
      if (this.#closed) return;
      const from = addr as Deno.NetAddr;
      this.#sink!.datagram(data.slice(), from.hostname, from.port);
      this.#receive();
    }, (e) => {
      if (this.#closed) return;
      this.#sink!.error(e);
      if (!isCloseError(e)) this.#receive();
    });
  }

  send(data: Uint8Array, host: string, port: number): Promise<void> {
    return this.#conn.send(data, { transport: "udp", hostname: host, port }).then(() => {});
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      try {
        this.#conn.close();
      } catch {
        // Already closed.
      }
    }
    return this.#receiving;
  }
}

// ---- node:dgram ---------------------------------------------------------------

type LookupCallback = (err: Error | null, address: string, family: number) => void;

/** node:dgram's `lookup`: a numeric host answered at once, a name by `dns.lookup`. */
function numericLookup(host: string, options: unknown, callback: LookupCallback): void {
  const family = ipFamily(host);
  if (family !== 0) callback(null, host, family === AF_INET6 ? 6 : 4);
  else dns.lookup(host, options as dns.LookupOptions, callback as never);
}

function checkNetPermission(host: string, port: number): void {
  const where = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  const descriptor = { name: "net", host: where } as const;
  let state = Deno.permissions.querySync(descriptor).state;
  if (state === "prompt") state = Deno.permissions.requestSync(descriptor).state;
  if (state !== "granted") {
    // What Deno.listenDatagram throws; mapped to PermissionError by the caller.
    throw new Deno.errors.NotCapable(
      `Requires net access to "${where}", run again with the --allow-net flag`,
    );
  }
}

class NodeBackend implements DatagramBackend {
  readonly name = "node";
  readonly host: string;
  readonly port: number;
  #sock: dgram.Socket;
  #sink: DatagramSink | null = null;
  #early: [Uint8Array, string, number][] = [];
  #unsent = new Set<(err: Error | null) => void>();
  #closing: Promise<void> | null = null;

  static open(req: BindRequest): Promise<NodeBackend> {
    checkNetPermission(req.host, req.port);
    const sock = dgram.createSocket({ type: req.ipv6 ? "udp6" : "udp4" });
    return new Promise<NodeBackend>((resolve, reject) => {
      const fail = (e: unknown) => {
        try {
          sock.close();
        } catch {
          // Not bound: nothing to close.
        }
        reject(e);
      };
      sock.once("error", fail);
      sock.bind({ address: req.host, port: req.port }, () => {
        sock.off("error", fail);
        try {
          if (req.broadcast) sock.setBroadcast(true);
        } catch (e) {
          fail(e);
          return;
        }
        resolve(new NodeBackend(sock));
      });
    });
  }

  /**
   * Binds at once. node:dgram binds right after its `lookup` answers, and
   * reports a bind error through an "error" event in the same call: with a
   * lookup that answers a numeric host synchronously (names still go to
   * `dns.lookup`), `bind()` has bound, or failed, when it returns.
   */
  static openSync(req: BindRequest): NodeBackend {
    checkNetPermission(req.host, req.port);
    const sock = dgram.createSocket({ type: req.ipv6 ? "udp6" : "udp4", lookup: numericLookup });
    let failure: unknown = null;
    const fail = (e: unknown) => failure ??= e;
    sock.once("error", fail);
    try {
      sock.bind({ address: req.host, port: req.port });
      if (failure === null && req.broadcast) sock.setBroadcast(true);
    } catch (e) {
      failure ??= e;
    }
    sock.off("error", fail);
    if (failure === null) {
      try {
        return new NodeBackend(sock);
      } catch (e) {
        failure = e; // not bound after all: sock.address() failed
      }
    }
    try {
      sock.close();
    } catch {
      // Not bound: nothing to close.
    }
    throw failure;
  }

  private constructor(sock: dgram.Socket) {
    this.#sock = sock;
    const addr = sock.address();
    this.host = addr.address;
    this.port = addr.port;
    // node:dgram receives from the moment it is bound: keep what arrives
    // before the transport starts.
    sock.on("message", (msg, rinfo) => {
      const data = new Uint8Array(msg); // a plain, exactly sized copy
      if (this.#sink === null) this.#early.push([data, rinfo.address, rinfo.port]);
      else this.#sink.datagram(data, rinfo.address, rinfo.port);
    });
    sock.on("error", (e) => this.#sink?.error(e));
  }

  start(sink: DatagramSink): void {
    this.#sink = sink;
    const early = this.#early;
    this.#early = [];
    for (const [data, host, port] of early) sink.datagram(data, host, port);
  }

  send(data: Uint8Array, host: string, port: number): Promise<void> {
    if (this.#closing !== null) return Promise.reject(new Deno.errors.BadResource("closed"));
    return new Promise<void>((resolve, reject) => {
      const settle = (err: Error | null) => {
        this.#unsent.delete(settle);
        if (err) reject(err);
        else resolve();
      };
      this.#unsent.add(settle);
      // node:dgram validates synchronously (e.g. port 0 throws RangeError).
      try {
        this.#sock.send(data, port, host, settle);
      } catch (e) {
        settle(e as Error);
      }
    });
  }

  close(): Promise<void> {
    if (this.#closing === null) {
      this.#closing = new Promise<void>((resolve) => {
        try {
          this.#sock.close(() => resolve());
        } catch {
          resolve(); // already closed
        }
      }).then(() => {
        // node:dgram never calls back a send the close overtook.
        for (const settle of [...this.#unsent]) settle(new Deno.errors.BadResource("closed"));
      });
    }
    return this.#closing;
  }
}

// ---- what getExtraInfo() shows -------------------------------------------------

/** An address in asyncio's shape. */
export function sockaddr(host: string, port: number): InetAddress | Inet6Address {
  // asyncio's shapes: IPv6 addresses carry flowinfo and scope id.
  return host.includes(":") ? [host, port, 0, 0] : [host, port];
}

/** The extra info of a transport over `backend`, connected to `peer` or not. */
export function datagramExtra(
  backend: DatagramBackend,
  peer: { host: string; port: number } | null,
): DatagramExtraInfo {
  const sockname = sockaddr(backend.host, backend.port);
  const peername = peer === null ? null : sockaddr(peer.host, peer.port);
  const socket: TransportSocket<InetAddress | Inet6Address> = {
    family: backend.host.includes(":") ? "AF_INET6" : "AF_INET",
    getsockname: () => sockname,
    getpeername: () => {
      if (peername === null) {
        throw new OSError("getpeername(): the datagram socket is not connected", {
          code: "ENOTCONN",
          errno: errnoOf("ENOTCONN"),
        });
      }
      return peername;
    },
  };
  return { sockname, peername, socket, backend: backend.name };
}
