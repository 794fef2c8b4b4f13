// The shape of one row of the matrix-cell table (how to exercise one
// feature), the context a cell runs in, and small real-resource helpers
// the rows share: free ports, accept counters, a settling run of the loop.

import assert from "node:assert/strict";
import { type BaseEventLoop, type Future, wrapFuture } from "../../../mod.ts";
import { type BaseProtocol, Protocol, type Transport } from "../../../loops/protocols_mod.ts";
import type { Feature, LoopKind, ObjectKind, Platform } from "../../../platform/mod.ts";

/** Where one cell runs: a fresh loop of the cell's kind on the cell's platform. */
export interface CellContext {
  /** The loop (watched; closed by the runner after the cell). */
  readonly loop: BaseEventLoop;
  /** The platform the loop behaves as. */
  readonly platform: Platform;
  /** The loop kind of the cell. */
  readonly loopKind: LoopKind;
  /** For features whose support depends on it: the object kind the cell is about. */
  readonly kind: ObjectKind | undefined;
  /** A fresh temporary directory, removed after the cell. */
  readonly dir: string;
  /** Registers a clean-up, run (last first) while the loop is still open. */
  defer(fn: () => unknown): void;
}

/** A refused call and how to prove it left no trace. */
export interface Attempt {
  /** The call, with real arguments; it must throw NotImplementedError synchronously. */
  call(): unknown;
  /** Run after the loop ran a little: asserts the call had no side effect. */
  assertNoTrace?(): void | Promise<void>;
}

/**
 * How to exercise one feature. The runner picks the function by the cell:
 * `attempt` for an unsupported cell, `real` for a supported cell on this
 * machine, `pastCheck` for a supported cell on a simulated OS.
 */
export interface FeatureEntry {
  /** The loop method behind the feature; `null` for the policy's methods. */
  method: string | null;
  /** Exports of mod.ts the calls need besides the method (the cell is pending without them). */
  needs?: string[];
  /** The `feature` the refusal names, when not the feature itself. */
  errorFeature?: string;
  /** The object kind to ask the matrix about, when the calls use one kind. */
  kind?: ObjectKind;
  /** Where support is partial ("sockets only"): the kinds to test one by one. */
  kinds?: ObjectKind[];
  /** An unsupported cell: a real call that must be refused before any side effect. */
  attempt(c: CellContext): Attempt | Promise<Attempt>;
  /** A supported cell on this machine: the real call, checked and cleaned up. */
  real(c: CellContext): Promise<void>;
  /**
   * A supported cell on a simulated OS: a call that gets past the check
   * without real side effects (it fails on a bad argument, or succeeds
   * harmlessly). It must not throw NotImplementedError.
   */
  pastCheck(c: CellContext): unknown;
}

/** One entry per feature: adding a feature to FEATURES fails type checking until it has a row. */
export type FeatureTable = Record<Feature, FeatureEntry>;

/** Lets the loop run for a few milliseconds of real time, with host trips. */
export async function settle(c: CellContext, ms = 10): Promise<void> {
  await c.loop.runUntilComplete(wrapFuture(new Promise<void>((r) => setTimeout(r, ms)), c.loop));
}

/** A protocol with futures for connection made and lost. */
export class Probe extends Protocol {
  made: Future<Transport>;
  lost: Future<Error | null>;
  data: Uint8Array[] = [];

  constructor(loop: BaseEventLoop) {
    super();
    this.made = loop.createFuture();
    this.lost = loop.createFuture();
  }
  override connectionMade(t: Transport): void {
    if (!this.made.done()) this.made.setResult(t);
  }
  override dataReceived(data: Uint8Array): void {
    this.data.push(data);
  }
  override connectionLost(exc: Error | null): void {
    if (!this.lost.done()) this.lost.setResult(exc);
  }
}

/** Closes a transport and waits until its protocol saw connectionLost. */
export async function closeTransport(c: CellContext, t: Transport, p: Probe): Promise<void> {
  t.close();
  await c.loop.runUntilComplete(p.lost);
}

/** A protocol factory whose protocols must never be made (refused calls). */
export function neverMade(): () => BaseProtocol {
  return () => {
    throw new Error("the protocol factory of a refused call was called");
  };
}

/** A TCP port that was free a moment ago. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Whether nothing listens on 127.0.0.1:`port` (binding it succeeds). */
export function portIsFree(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.AddrInUse) return false;
    throw e;
  }
}

/** A listener that counts the connections it accepts (and closes them). */
export interface AcceptCounter {
  /** The TCP port, or the Unix socket path. */
  readonly address: number | string;
  /** Connections accepted so far. */
  accepted(): number;
}

/**
 * Listens on 127.0.0.1 (or on the Unix socket `path`) and counts accepted
 * connections; closed and awaited by a deferred clean-up.
 */
export function acceptCounter(c: CellContext, path?: string): AcceptCounter {
  const listener = path === undefined
    ? Deno.listen({ hostname: "127.0.0.1", port: 0 })
    : Deno.listen({ transport: "unix", path });
  let count = 0;
  const loop = (async () => {
    try {
      for await (const conn of listener) {
        count++;
        conn.close();
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.BadResource)) throw e;
    }
  })();
  c.defer(async () => {
    listener.close();
    await loop;
  });
  const address = path ?? (listener.addr as Deno.NetAddr).port;
  return { address, accepted: () => count };
}

/** Whether a path exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** Asserts that a value is a `[host, port]` pair with a real port. */
export function assertHostPort(value: unknown, what: string): void {
  assert.ok(Array.isArray(value) && typeof value[1] === "number" && value[1] > 0, what);
}
