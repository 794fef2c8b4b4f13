/**
 * Prints the platform support matrix as markdown, or keeps the generated
 * copies of it in sync: docs/platform.md, and any file with the markers (a
 * module doc too: there every line of the block carries the comment's
 * ` * ` prefix).
 *
 * ```sh
 * deno run platform/render_matrix.ts                                  # print
 * deno run --allow-read platform/render_matrix.ts --check docs/platform.md [more files]
 * deno run --allow-read --allow-write platform/render_matrix.ts --write docs/platform.md
 * ```
 *
 * The block lies between `<!-- matrix:start -->` and `<!-- matrix:end -->`.
 * `--check` exits with 1 when a file's block differs from the generated
 * table (spacing inside table lines and the wrapping of prose are ignored,
 * so `deno fmt` may realign it) and 2 on a usage error or missing markers.
 *
 * @module
 */

import { renderMatrix } from "./matrix_table.ts";

/**
 * The line that opens the generated block in a markdown file.
 *
 * @example Markers around a block
 * ```ts
 * import assert from "node:assert/strict";
 * import { MATRIX_END, MATRIX_START, replaceMatrixBlock } from "./render_matrix.ts";
 * const doc = replaceMatrixBlock(`${MATRIX_START}\n${MATRIX_END}`, "table");
 * assert(doc === `${MATRIX_START}\n\ntable\n\n${MATRIX_END}`);
 * ```
 */
export const MATRIX_START = "<!-- matrix:start -->";

/**
 * The line that closes the generated block in a markdown file.
 *
 * @example The closing marker
 * ```ts
 * import assert from "node:assert/strict";
 * import { MATRIX_END } from "./render_matrix.ts";
 * assert(MATRIX_END === "<!-- matrix:end -->");
 * ```
 */
export const MATRIX_END = "<!-- matrix:end -->";

/** Where the block lies, and the prefix (such as ` * `) before the opening marker. */
function locate(text: string): { start: number; end: number; prefix: string } {
  const start = text.indexOf(MATRIX_START);
  const end = text.indexOf(MATRIX_END);
  if (start < 0 || end < 0 || end < start) {
    throw new SyntaxError(`Matrix markers not found: expected ${MATRIX_START} then ${MATRIX_END}`);
  }
  const prefix = text.slice(text.lastIndexOf("\n", start) + 1, start);
  return { start: start + MATRIX_START.length, end, prefix };
}

/**
 * The text between the markers, without the surrounding blank lines. In a
 * doc comment (markers after ` * `) each line loses that prefix.
 *
 * @param text A markdown document, or a source file whose doc comment holds the block.
 * @returns The block's content.
 * @throws {SyntaxError} If the markers are missing or out of order.
 *
 * @example A block in markdown and in a doc comment
 * ```ts
 * import assert from "node:assert/strict";
 * import { extractMatrixBlock } from "./render_matrix.ts";
 * const doc = "a\n<!-- matrix:start -->\n| x |\n<!-- matrix:end -->\nb";
 * assert(extractMatrixBlock(doc) === "| x |");
 * const comment = " * <!-- matrix:start -->\n *\n * | x |\n *\n * <!-- matrix:end -->\n";
 * assert(extractMatrixBlock(comment) === "| x |");
 * ```
 */
export function extractMatrixBlock(text: string): string {
  const { start, end, prefix } = locate(text);
  const bare = prefix.trimEnd();
  return text.slice(start, end).split("\n").map((line) =>
    prefix !== "" && line.startsWith(prefix)
      ? line.slice(prefix.length)
      : bare !== "" && line.startsWith(bare)
      ? line.slice(bare.length)
      : line
  ).join("\n").replace(/^(?:[ \t]*\r?\n)+/, "").replace(/(?:\r?\n[ \t]*)+$/, "");
}

/**
 * Replaces the text between the markers with `content`, keeping the markers
 * and a blank line on each side (as `deno fmt` wants around a table). In a
 * doc comment (markers after ` * `) each line gets that prefix.
 *
 * @param text A markdown document, or a source file whose doc comment holds the block.
 * @param content The new block content.
 * @returns The updated document.
 * @throws {SyntaxError} If the markers are missing or out of order.
 *
 * @example Replacing a stale block
 * ```ts
 * import assert from "node:assert/strict";
 * import { extractMatrixBlock, replaceMatrixBlock } from "./render_matrix.ts";
 * const doc = "a\n<!-- matrix:start -->\nold\n<!-- matrix:end -->\nb";
 * assert(extractMatrixBlock(replaceMatrixBlock(doc, "new")) === "new");
 * const comment = " * <!-- matrix:start -->\n * <!-- matrix:end -->\n";
 * assert(replaceMatrixBlock(comment, "new") === comment.replace("-->\n", "-->\n *\n * new\n *\n"));
 * ```
 */
export function replaceMatrixBlock(text: string, content: string): string {
  const { start, end, prefix } = locate(text);
  const lines = ["", ...content.split("\n"), ""].map((line) =>
    line === "" ? prefix.trimEnd() : prefix + line
  );
  return `${text.slice(0, start)}\n${lines.join("\n")}\n${prefix}${text.slice(end)}`;
}

/**
 * Compares two blocks, ignoring the spacing inside table lines and how prose
 * is wrapped, so a table that `deno fmt` realigned or rewrapped still matches.
 *
 * @param a One block.
 * @param b The other block.
 * @returns `true` if they say the same.
 *
 * @example What counts as the same
 * ```ts
 * import assert from "node:assert/strict";
 * import { sameMatrixBlock } from "./render_matrix.ts";
 * assert(sameMatrixBlock("| a  | b |\n| -- | - |", "| a | b |\n| --- | --- |"));
 * assert(sameMatrixBlock("1. one two\n   three", "1. one two three"));
 * assert(!sameMatrixBlock("| a | b |", "| a | c |"));
 * ```
 */
export function sameMatrixBlock(a: string, b: string): boolean {
  return normalize(a) === normalize(b);
}

/** Table lines cell by cell; the prose between them as one space-separated run. */
function normalize(block: string): string {
  const out: string[] = [];
  let prose: string[] = [];
  const flush = () => {
    if (prose.length > 0) out.push(prose.join(" ").replace(/\s+/g, " ").trim());
    prose = [];
  };
  for (const raw of block.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line.startsWith("|")) {
      prose.push(line);
      continue;
    }
    flush();
    out.push(
      line.split("|").map((c) => c.trim()).map((c) => /^:?-+:?$/.test(c) ? "-" : c).join("|"),
    );
  }
  flush();
  return out.filter((line) => line !== "").join("\n");
}

/** Checks or writes one file; returns its exit code (0, 1 stale, 2 no markers). */
async function syncFile(mode: "--check" | "--write", path: string, table: string): Promise<number> {
  const text = await Deno.readTextFile(path);
  try {
    if (mode === "--write") {
      const updated = replaceMatrixBlock(text, table);
      if (updated !== text) await Deno.writeTextFile(path, updated);
      return 0;
    }
    if (sameMatrixBlock(extractMatrixBlock(text), table)) return 0;
    console.error(`${path}: the platform matrix is out of date; run deno task matrix:write`);
    return 1;
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    console.error(`${path}: ${err.message}`);
    return 2;
  }
}

async function main(args: readonly string[]): Promise<number> {
  const table = renderMatrix();
  if (args.length === 0) {
    console.log(table);
    return 0;
  }
  const [mode, ...paths] = args;
  if (paths.length === 0 || (mode !== "--check" && mode !== "--write")) {
    console.error("Usage: render_matrix.ts [--check FILE... | --write FILE...]");
    return 2;
  }
  let code = 0;
  for (const path of paths) code = Math.max(code, await syncFile(mode, path, table));
  return code;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
