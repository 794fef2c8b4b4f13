// docs/names.md lists every public name under the entry point that exports
// it. These tests keep it honest against deno.json's `exports`, as
// `deno doc --json` sees them: nothing exported goes undocumented, nothing
// listed is missing, and once deno.json has several entries, each entry's
// section is exactly what that entry exports.

import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const NAMES_MD = "docs/names.md";

/** The names a module exports (values and types), as `deno doc --json` reports them. */
async function exportsOf(file: string): Promise<Set<string>> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", file],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, `deno doc --json ${file} failed: ${new TextDecoder().decode(stderr)}`);
  const doc = JSON.parse(new TextDecoder().decode(stdout)) as {
    nodes: Record<string, { symbols: { name: string }[] }>;
  };
  const names = new Set<string>();
  for (const module of Object.values(doc.nodes)) {
    for (const symbol of module.symbols) names.add(symbol.name);
  }
  return names;
}

/** deno.json's entry points: `"."` → `"./mod.ts"`, and the others. */
async function entryPoints(): Promise<Map<string, string>> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))) as {
    exports: string | Record<string, string>;
  };
  const exports = typeof config.exports === "string" ? { ".": config.exports } : config.exports;
  return new Map(Object.entries(exports));
}

/**
 * What docs/names.md lists: the names each entry owns (its section's table
 * rows), the types it re-exports from other entries (its "Re-exported
 * types" paragraph), and the internal ones.
 */
interface Listed {
  /** Entry key (`"."`, `"./testing"`, ...) → names, in the order listed. */
  entries: Map<string, string[]>;
  /** Entry key → the types of other entries it re-exports. */
  reexported: Map<string, string[]>;
  internal: string[];
}

async function listedNames(): Promise<Listed> {
  const text = await Deno.readTextFile(new URL(NAMES_MD, ROOT));
  const entries = new Map<string, string[]>();
  const reexported = new Map<string, string[]>();
  const internal: string[] = [];
  let key: string | null = null;
  let current: string[] | null = null;
  let inReexported = false;
  for (const line of text.split("\n")) {
    const heading = line.match(/^## (.*)$/);
    if (heading !== null) {
      inReexported = false;
      const entry = heading[1].match(/^`@asyncio\/deno(\/[a-z_]+)?`$/);
      if (entry !== null) {
        key = entry[1] === undefined ? "." : `.${entry[1]}`;
        current = entries.get(key) ?? [];
        entries.set(key, current);
      } else {
        key = null;
        current = heading[1].startsWith("Internal") ? internal : null;
      }
      continue;
    }
    if (line.startsWith("### ")) {
      inReexported = key !== null && line === "### Re-exported types";
      continue;
    }
    if (inReexported && key !== null) {
      const names = [...line.matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((m) => m[1]);
      reexported.set(key, [...reexported.get(key) ?? [], ...names]);
      continue;
    }
    const row = line.match(/^\| `([A-Za-z_$][\w$]*)` +\|/);
    if (current !== null && row !== null) current.push(row[1]);
  }
  return { entries, reexported, internal };
}

function sorted(names: Iterable<string>): string[] {
  return [...names].sort();
}

Deno.test("docs/names.md lists each name once, under an entry or as internal", async () => {
  const { entries, internal } = await listedNames();
  assert.ok(entries.has("."), `${NAMES_MD} has a section for "@asyncio/deno"`);
  const all = [...[...entries.values()].flat(), ...internal];
  const repeated = sorted(new Set(all.filter((name, i) => all.indexOf(name) !== i)));
  assert.deepEqual(repeated, [], `${NAMES_MD} lists these names more than once`);
});

Deno.test("docs/names.md documents every export and lists no name that is not exported", async () => {
  const { entries, internal } = await listedNames();
  const exported = new Set<string>();
  for (const file of (await entryPoints()).values()) {
    for (const name of await exportsOf(file)) exported.add(name);
  }
  const listed = new Set([...entries.values()].flat());
  const undocumented = sorted([...exported].filter((n) => !listed.has(n) && !internal.includes(n)));
  assert.deepEqual(undocumented, [], `exported but not in ${NAMES_MD}: add a row for each`);
  const phantom = sorted([...listed].filter((n) => !exported.has(n)));
  assert.deepEqual(phantom, [], `in ${NAMES_MD} but exported by no entry: remove or rename`);
});

Deno.test("each entry point exports exactly the names its section of docs/names.md lists", async (t) => {
  const points = await entryPoints();
  if (points.size < 2) {
    // One entry (today's mod.ts) exports everything: the test above covers it.
    return;
  }
  const { entries, reexported, internal } = await listedNames();
  for (const [key, file] of points) {
    await t.step(key, async () => {
      const exported = await exportsOf(file);
      const again = reexported.get(key) ?? [];
      assert.deepEqual(
        sorted([...entries.get(key) ?? [], ...again]),
        sorted(exported),
        `the section of "${key}" in ${NAMES_MD} differs from what ${file} exports`,
      );
      const notOwnedElsewhere = again.filter((name) =>
        ![...entries].some(([other, names]) => other !== key && names.includes(name))
      );
      assert.deepEqual(
        notOwnedElsewhere,
        [],
        `"${key}" re-exports types that no other entry of ${NAMES_MD} owns`,
      );
      const leaked = internal.filter((name) => exported.has(name));
      assert.deepEqual(leaked, [], `${file} exports names ${NAMES_MD} calls internal`);
    });
  }
});
