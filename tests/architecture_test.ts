// The layout's rules, checked on the sources (ARCHITECTURE.md, "Layers"):
// an import only points down the layers (type imports included), and no
// import circle has more than three files.

import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** Layers, lowest first; a file may import its own layer and the ones below. */
const LAYERS: [string, RegExp][] = [
  ["core", /^loops\/core\//],
  ["flow", /^loops\/flow\//],
  ["net", /^loops\/net\//],
  ["process", /^loops\/process\//],
  ["executor", /^loops\/executor\//],
  ["loops", /^loops\/[^/]+\.ts$/],
  ["testing", /^loops\/testing\//],
  ["policy", /^policy\//],
  ["entries", /^(mod\.ts|[a-z_]+\/mod\.ts)$/],
];
/** What each layer may import besides itself (platform/ is data every layer may read). */
const ALLOWED: Record<string, string[]> = {
  core: ["platform"],
  flow: ["core", "platform"],
  net: ["core", "flow", "platform"],
  process: ["core", "flow", "net", "platform"],
  executor: ["core", "flow", "platform"],
  loops: ["core", "flow", "net", "process", "executor", "platform"],
  testing: ["core", "flow", "net", "process", "executor", "loops", "platform"],
  policy: ["core", "flow", "net", "process", "executor", "loops", "platform"],
  platform: ["core"],
  entries: ["core", "flow", "net", "process", "executor", "loops", "testing", "policy", "platform"],
};

function layerOf(path: string): string | null {
  if (path.startsWith("platform/") && !path.endsWith("/mod.ts")) return "platform";
  for (const [name, re] of LAYERS) if (re.test(path)) return name;
  return null;
}

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(new URL(dir, ROOT))) {
    const p = `${dir}${e.name}`;
    if (e.isDirectory) out.push(...await sources(`${p}/`));
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"|import\("(\.[^"]+)"\)/g;

async function graph(): Promise<Map<string, string[]>> {
  const files = [
    ...await sources("loops/"),
    ...await sources("policy/"),
    ...await sources(
      "platform/",
    ),
  ];
  const g = new Map<string, string[]>();
  for (const file of files) {
    const text = await Deno.readTextFile(new URL(file, ROOT));
    const deps: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      const url = new URL(spec, new URL(file, ROOT));
      deps.push(url.href.slice(ROOT.href.length));
    }
    g.set(file, deps);
  }
  return g;
}

Deno.test("Imports only point down the layers (type imports included)", async () => {
  const wrong: string[] = [];
  for (const [file, deps] of await graph()) {
    const from = layerOf(file);
    if (from === null) continue;
    for (const dep of deps) {
      const to = layerOf(dep);
      if (to === null || to === from) continue;
      if (!(ALLOWED[from] ?? []).includes(to)) {
        wrong.push(`${file} (${from}) imports ${dep} (${to})`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

Deno.test("No import circle has more than three files", async () => {
  const g = await graph();
  // Tarjan's strongly connected components.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const big: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 3) big.push(scc.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  assert.deepEqual(big, []);
});
