// examples/subprocess_pipeline.ts: runs as a script, and its pipeline works
// both on a running loop and on a loop of its own.

import assert from "node:assert/strict";
import { subprocessDemo, subprocessPipeline } from "../../examples/subprocess_pipeline.ts";
import { onLoop, runCommand } from "../loops/net/_net.ts";

const example = new URL("../../examples/subprocess_pipeline.ts", import.meta.url).pathname;

Deno.test("examples/subprocess_pipeline.ts runs as a script", async () => {
  const out = await runCommand(Deno.execPath(), ["run", "--allow-run", example]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /sort printed apple, apricot, avocado\n/);
  assert.match(out.stdout, /printf exited with 0, sort with 0\n/);
  assert.match(out.stdout, /terminated, returncode -15\n$/);
});

Deno.test("subprocessPipeline() filters through sort on the running loop", async () => {
  const lines: string[] = [];
  const sorted = await onLoop(() => subprocessPipeline((line) => lines.push(line)));
  assert.deepEqual(sorted, ["apple", "apricot", "avocado"]);
  assert.equal(lines.filter((l) => l.includes("filter kept")).length, 3);
});

Deno.test("subprocessDemo() runs its own loop when none is running", async () => {
  const lines: string[] = [];
  await subprocessDemo((line) => lines.push(line));
  assert.equal(lines.length, 7);
  assert.match(lines[0], /^subprocess: spawned printf \(pid \d+\)/);
});
