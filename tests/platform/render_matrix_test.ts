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

Deno.test("extractMatrixBlock() and replaceMatrixBlock() keep a doc comment's prefix", () => {
  const source =
    `/**\n * The matrix:\n *\n * ${MATRIX_START}\n * stale\n * ${MATRIX_END}\n *\n * @module\n */\n`;
  const table = renderMatrix();
  const updated = replaceMatrixBlock(source, table);
  for (const line of updated.split("\n").slice(1, -2)) assert.match(line, /^ \*( |$)/);
  assert.ok(!updated.includes("stale"));
  assert.ok(updated.endsWith(` * ${MATRIX_END}\n *\n * @module\n */\n`));
  assert.equal(extractMatrixBlock(updated), table);
  assert.equal(replaceMatrixBlock(updated, table), updated);
});

Deno.test("render_matrix.ts prints, checks and writes the generated copies", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const printed = await runScript();
    assert.equal(printed.code, 0);
    assert.equal(printed.stdout, renderMatrix() + "\n");

    const page = `${dir}/platform.md`;
    await Deno.writeTextFile(page, `intro\n\n${MATRIX_START}\nstale\n${MATRIX_END}\n`);
    assert.equal((await runScript("--check", page)).code, 1);
    assert.equal((await runScript("--write", page)).code, 0);
    assert.equal(extractMatrixBlock(await Deno.readTextFile(page)), renderMatrix());
    assert.equal((await runScript("--check", page)).code, 0);

    const source = `${dir}/mod.ts`;
    await Deno.writeTextFile(
      source,
      `/**\n * ${MATRIX_START}\n * ${MATRIX_END}\n * @module\n */\n`,
    );
    assert.equal((await runScript("--check", page, source)).code, 1, "one stale file fails");
    assert.equal((await runScript("--write", page, source)).code, 0);
    assert.equal((await runScript("--check", page, source)).code, 0);
    assert.equal(extractMatrixBlock(await Deno.readTextFile(source)), renderMatrix());

    await Deno.writeTextFile(page, "no markers\n");
    assert.equal((await runScript("--check", page)).code, 2);
    assert.equal((await runScript("--check")).code, 2);
    assert.equal((await runScript("--bogus", page)).code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The files a deno.json matrix task names after its mode flag. */
function taskFiles(command: string, mode: "--check" | "--write"): string[] {
  const words = command.split(/\s+/);
  assert.deepEqual(words.slice(0, 2), ["deno", "run"]);
  return words.slice(words.indexOf(mode) + 1);
}

/** Runs a deno.json task's command with its own permission flags, on other files. */
async function runTask(
  command: string,
  mode: "--check" | "--write",
  files: string[],
): Promise<number> {
  const words = command.split(/\s+/);
  const args = [...words.slice(1, words.indexOf(mode) + 1), ...files];
  const root = new URL("../../", import.meta.url);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    stdout: "null",
    stderr: "null",
  }).output();
  return code;
}

Deno.test("deno.json's matrix tasks write and check docs/platform.md with the permissions they grant", async () => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
  ) as { tasks: Record<string, string> };
  const write = config.tasks["matrix:write"];
  const check = config.tasks["matrix:check"];
  assert.match(config.tasks["matrix"], /platform\/render_matrix\.ts$/, "matrix only prints");
  assert.ok(taskFiles(check, "--check").includes("docs/platform.md"));
  assert.deepEqual(taskFiles(write, "--write"), taskFiles(check, "--check"), "one list of copies");
  assert.ok(!check.includes("--allow-write"), "checking needs no write access");
  const dir = await Deno.makeTempDir();
  try {
    const page = `${dir}/platform.md`;
    await Deno.writeTextFile(page, `intro\n\n${MATRIX_START}\nstale\n${MATRIX_END}\n`);
    assert.equal(await runTask(check, "--check", [page]), 1, "a stale table fails the check");
    assert.equal(await runTask(write, "--write", [page]), 0);
    assert.equal(await runTask(check, "--check", [page]), 0);
    assert.equal(extractMatrixBlock(await Deno.readTextFile(page)), renderMatrix());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every copy deno.json's matrix:check names is up to date", async () => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
  ) as { tasks: Record<string, string> };
  for (const file of taskFiles(config.tasks["matrix:check"], "--check")) {
    const text = await Deno.readTextFile(new URL(`../../${file}`, import.meta.url));
    assert.ok(sameMatrixBlock(extractMatrixBlock(text), renderMatrix()), `${file} is stale`);
  }
});
