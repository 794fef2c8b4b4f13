// How the conformance cases register a test: `Deno.test` by default, or
// the registrar given to defineLoopConformance().

/**
 * Registers one conformance test: `Deno.test`'s `(name, fn)` form, which
 * is what {@linkcode defineLoopConformance} calls (default: `Deno.test`).
 *
 * @example A registrar that only collects the names
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ConformanceTest } from "@asyncio/deno/testing";
 * const names: string[] = [];
 * const collect: ConformanceTest = (name) => void names.push(name);
 * collect("MyLoop: a case", async () => {});
 * assert.deepEqual(names, ["MyLoop: a case"]);
 * ```
 */
export type ConformanceTest = (
  name: string,
  fn: (t: Deno.TestContext) => void | Promise<void>,
) => void;
