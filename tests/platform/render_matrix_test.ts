import assert from "node:assert/strict";
import { renderMatrix } from "../../platform/matrix_table.ts";
import {
  extractMatrixBlock,
  MATRIX_END,
  MATRIX_START,
  replaceMatrixBlock,
  sameMatrixBlock,
} from "../../platform/render_matrix.ts";

const SCRIPT = new URL("../../platform/render_matrix.ts", import.meta.url);

async function runScript(...args: string[]): Promise<{ code: number; stdout: string }> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", SCRIPT.href, ...args],
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout } = await command.output();
  return { code, stdout: new TextDecoder().decode(stdout) };
}

Deno.test("replaceMatrixBlock() and extractMatrixBlock() round-trip", () => {
  const doc = `# Title\n\n${MATRIX_START}\nold\n${MATRIX_END}\n\nafter\n`;
  const updated = replaceMatrixBlock(doc, "new\nlines");
  assert.equal(updated, `# Title\n\n${MATRIX_START}\n\nnew\nlines\n\n${MATRIX_END}\n\nafter\n`);
  assert.equal(replaceMatrixBlock(updated, "new\nlines"), updated);
  assert.equal(extractMatrixBlock(updated), "new\nlines");
  assert.throws(() => extractMatrixBlock("no markers"), SyntaxError);
  assert.throws(() => replaceMatrixBlock(`${MATRIX_END}\n${MATRIX_START}`, "x"), SyntaxError);
});

Deno.test("sameMatrixBlock() ignores table spacing and prose wrapping only", () => {
  const table = renderMatrix();
  const squeezed = table.split("\n").map((line) =>
    line.startsWith("|") ? line.replace(/ +\|/g, " |").replace(/-{3,}/g, "---") : line
  ).join("\n");
  assert.notEqual(squeezed, table);
  assert.ok(sameMatrixBlock(table, squeezed));
  assert.ok(sameMatrixBlock(table, table.replace(/\n {3,4}/g, " ")));
  assert.ok(!sameMatrixBlock(table, table.replace("sockets only", "files only")));
});

Deno.test("render_matrix.ts prints, checks and writes the README block", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const printed = await runScript();
    assert.equal(printed.code, 0);
    assert.equal(printed.stdout, renderMatrix() + "\n");

    const readme = `${dir}/README.md`;
    await Deno.writeTextFile(readme, `intro\n\n${MATRIX_START}\nstale\n${MATRIX_END}\n`);
    assert.equal((await runScript("--check", readme)).code, 1);
    assert.equal((await runScript("--write", readme)).code, 0);
    assert.equal(extractMatrixBlock(await Deno.readTextFile(readme)), renderMatrix());
    assert.equal((await runScript("--check", readme)).code, 0);

    await Deno.writeTextFile(readme, "no markers\n");
    assert.equal((await runScript("--check", readme)).code, 2);
    assert.equal((await runScript("--bogus")).code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Runs a deno.json task's command with its own permission flags, on another README. */
async function runTask(command: string, readme: string): Promise<number> {
  const words = command.split(/\s+/);
  assert.deepEqual(words.slice(0, 2), ["deno", "run"]);
  assert.equal(words.at(-1), "README.md");
  const args = [...words.slice(1, -1), readme];
  const root = new URL("../../", import.meta.url);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    stdout: "null",
    stderr: "null",
  }).output();
  return code;
}

Deno.test("deno.json's matrix tasks write and check README with the permissions they grant", async () => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
  ) as { tasks: Record<string, string> };
  const write = config.tasks["matrix:write"];
  const check = config.tasks["matrix:check"];
  assert.match(config.tasks["matrix"], /platform\/render_matrix\.ts$/, "matrix only prints");
  assert.match(write, /platform\/render_matrix\.ts --write README\.md$/);
  assert.match(check, /platform\/render_matrix\.ts --check README\.md$/);
  assert.ok(!check.includes("--allow-write"), "checking needs no write access");
  const dir = await Deno.makeTempDir();
  try {
    const readme = `${dir}/README.md`;
    await Deno.writeTextFile(readme, `intro\n\n${MATRIX_START}\nstale\n${MATRIX_END}\n`);
    assert.equal(await runTask(check, readme), 1, "a stale table fails the check");
    assert.equal(await runTask(write, readme), 0);
    assert.equal(await runTask(check, readme), 0);
    assert.equal(extractMatrixBlock(await Deno.readTextFile(readme)), renderMatrix());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
