// Matrix-cell rows for subprocesses. The loop methods are being written
// while this table is: the calls go through `invoke` (no static types), and
// the runner marks the cells pending until the loop implements the method.
// When subprocessExec/subprocessShell land, check the argument order in
// `execCall`/`shellCall` against their signatures.

import assert from "node:assert/strict";
import type { Future } from "../../../mod.ts";
import { SubprocessProtocol } from "../../../loops/protocols_mod.ts";
import { bad } from "../../_helpers.ts";
import { type CellContext, exists, type FeatureEntry, settle } from "./context.ts";

/** Calls a loop method by name (for methods that may not exist yet). */
function invoke(c: CellContext, method: string, ...args: unknown[]): unknown {
  const fn = (c.loop as unknown as Record<string, (...a: unknown[]) => unknown>)[method];
  return fn.apply(c.loop, args);
}

/** asyncio's `subprocess_exec(protocol_factory, program, *args)`. */
function execCall(c: CellContext, factory: unknown, program: string, ...args: string[]): unknown {
  return invoke(c, "subprocessExec", factory, program, args);
}

/** asyncio's `subprocess_shell(protocol_factory, cmd)`. */
function shellCall(c: CellContext, factory: unknown, cmd: string): unknown {
  return invoke(c, "subprocessShell", factory, cmd);
}

/** Records the exit of the process. */
class ExitProbe extends SubprocessProtocol {
  exited: Future<void>;
  constructor(c: CellContext) {
    super();
    this.exited = c.loop.createFuture();
  }
  override processExited(): void {
    this.exited.setResult(undefined);
  }
}

/** Runs `touch marker` through `spawn`, waits for the exit, and checks the file. */
async function touchForReal(
  c: CellContext,
  spawn: (factory: () => ExitProbe, marker: string) => unknown,
): Promise<void> {
  const marker = `${c.dir}/spawned`;
  const probe = new ExitProbe(c);
  const started = spawn(() => probe, marker) as Future<[{ close(): void }, ExitProbe]>;
  const [transport] = await c.loop.runUntilComplete(started);
  await c.loop.runUntilComplete(probe.exited);
  transport.close();
  await settle(c);
  assert.ok(await exists(marker), "the process ran");
}

function subprocessEntry(shell: boolean): FeatureEntry {
  const spawn = (c: CellContext, factory: unknown, marker: string) =>
    shell ? shellCall(c, factory, `touch '${marker}'`) : execCall(c, factory, "touch", marker);
  return {
    method: shell ? "subprocessShell" : "subprocessExec",
    attempt(c) {
      const marker = `${c.dir}/spawned`;
      return {
        call: () => spawn(c, () => new ExitProbe(c), marker),
        assertNoTrace: async () => {
          await settle(c, 50);
          assert.equal(await exists(marker), false, "no process was spawned");
        },
      };
    },
    real: (c) => touchForReal(c, (factory, marker) => spawn(c, factory, marker)),
    pastCheck: (c) => spawn(c, bad(null), `${c.dir}/never`),
  };
}

/** The subprocess rows of the table. */
export const SUBPROCESS_ENTRIES = {
  subprocessExec: subprocessEntry(false),
  subprocessShell: subprocessEntry(true),
} satisfies Record<string, FeatureEntry>;
