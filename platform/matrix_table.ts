/**
 * Renders the support matrix as a markdown table: the generated copies in
 * docs/platform.md and in the module doc of the `./platform` entry
 * (platform/mod.ts) are its output, kept honest by `deno task matrix:check`.
 *
 * @module
 */

import { macosVersion } from "./darwin.ts";
import { OS_NAMES, type OsName, simulatePlatform } from "./detect.ts";
import { loopAvailability, loopAvailable } from "./matrix.ts";
import {
  type Feature,
  FEATURES,
  LOOP_KINDS,
  type LoopKind,
  type MatrixRow,
  matrixRows,
} from "./matrix_rows.ts";

/** The table's OS columns and the operating systems each stands for. */
const OS_COLUMNS: readonly { readonly title: string; readonly os: readonly OsName[] }[] = [
  { title: "linux", os: ["linux", "android"] },
  { title: "darwin", os: ["darwin"] },
  { title: "windows", os: ["windows"] },
  {
    title: "others",
    os: OS_NAMES.filter((os) => !["linux", "android", "darwin", "windows"].includes(os)),
  },
];

/** The project's `deno fmt` line width, so the output is already formatted. */
const WIDTH = 100;

const LOOP_TITLES: Record<LoopKind, string> = { selector: "Selector", proactor: "Proactor" };

/** Numbers footnotes in order of first use. */
class Footnotes {
  readonly items: string[] = [];
  readonly #numbers = new Map<unknown, number>();

  ref(key: unknown, text: string): string {
    let n = this.#numbers.get(key);
    if (n === undefined) {
      n = this.items.length + 1;
      this.#numbers.set(key, n);
      this.items.push(text);
    }
    return `(${n})`;
  }
}

function rowFootnote(row: MatrixRow): string {
  const note = row.note === undefined ? "" : ` ${row.note}.`;
  return `${capitalize(row.reason)}. Source: ${row.source}.${note}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The condition under which a conditional row applies, for a cell. */
function conditionLabel(row: MatrixRow): string {
  if (row.kinds !== undefined) return row.partial ?? `✗ for ${row.kinds.join(", ")}`;
  const parts: string[] = ["✗"];
  if (row.selectors !== undefined) parts.push(`with ${row.selectors.join(", ")}`);
  const range = row.darwinKernel;
  if (range !== undefined) {
    const low = range.min === undefined ? undefined : macosVersion(range.min);
    const high = range.max === undefined ? undefined : macosVersion(range.max);
    if (low === undefined) parts.push(`on macOS ≤ ${high}`);
    else if (high === undefined) parts.push(`on macOS ≥ ${low}`);
    else parts.push(`on macOS ${low}–${high}`);
  }
  return parts.join(" ");
}

function isConditional(row: MatrixRow): boolean {
  return row.kinds !== undefined || row.selectors !== undefined || row.darwinKernel !== undefined;
}

function cell(feature: Feature, loop: LoopKind, os: readonly OsName[], notes: Footnotes): string {
  const rows = matrixRows().filter((row) =>
    row.features.includes(feature) && row.loops.includes(loop) &&
    row.os.some((o) => os.includes(o))
  );
  if (rows.length === 0) return "✓";
  const full = rows.find((row) => !isConditional(row));
  if (full !== undefined) return `✗ ${notes.ref(full, rowFootnote(full))}`;
  return rows.map((row) => `${conditionLabel(row)} ${notes.ref(row, rowFootnote(row))}`)
    .join("; ");
}

function availabilityCell(loop: LoopKind, os: readonly OsName[], notes: Footnotes): string {
  const answers = os.map((o) => loopAvailability(loop, simulatePlatform(o)));
  const missing = answers.find((answer) => !answer.supported);
  if (missing === undefined) return "✓";
  const text = `${missing.reason}. Source: ${missing.source}. Cells marked — do not apply.`;
  return `✗ ${notes.ref(missing.reason, text)}`;
}

/** Greedy word wrap at {@linkcode WIDTH}, as `deno fmt` wraps prose. */
function wrap(text: string, prefix: string): string[] {
  const indent = " ".repeat(prefix.length);
  const lines: string[] = [];
  let line = prefix;
  for (const word of text.split(/\s+/)) {
    if (line.length > indent.length && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = indent + word;
    } else {
      line += (line.length > indent.length ? " " : "") + word;
    }
  }
  lines.push(line);
  return lines;
}

/** Pads every cell of every line to its column's width, as `deno fmt` does. */
function alignTable(lines: readonly string[][]): string[] {
  const widths = lines[0].map((_, i) => Math.max(3, ...lines.map((l) => [...l[i]].length)));
  const pad = (text: string, i: number) => text + " ".repeat(widths[i] - [...text].length);
  return lines.map((cells, li) =>
    li === 1
      ? `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`
      : `| ${cells.map(pad).join(" | ")} |`
  );
}

/**
 * Renders the matrix as markdown: one line per feature, one column per
 * (loop kind, OS group) pair — linux (and android), darwin, windows and the
 * other Unix systems — with ✓, ✗ or a condition such as "sockets only", and
 * numbered footnotes giving each reason and its documentation source. Cells
 * of a loop kind that does not exist on an OS show —.
 *
 * @returns The table and its footnotes, ending without a newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderMatrix } from "@asyncio/deno/platform";
 * const table = renderMatrix();
 * assert(table.includes("| createUnixServer ") && table.includes("sockets only"));
 * ```
 */
export function renderMatrix(): string {
  const notes = new Footnotes();
  const header = ["Feature"];
  const available = ["_(loop exists)_"];
  for (const loop of LOOP_KINDS) {
    for (const column of OS_COLUMNS) {
      header.push(`${LOOP_TITLES[loop]}: ${column.title}`);
      available.push(availabilityCell(loop, column.os, notes));
    }
  }
  const lines: string[][] = [header, header.map(() => ""), available];
  for (const feature of FEATURES) {
    const cells: string[] = [feature];
    for (const loop of LOOP_KINDS) {
      for (const column of OS_COLUMNS) {
        const exists = column.os.some((o) => loopAvailable(loop, simulatePlatform(o)));
        cells.push(exists ? cell(feature, loop, column.os, notes) : "—");
      }
    }
    lines.push(cells);
  }
  const others = OS_COLUMNS[3].os.join(", ");
  const legend = `✓ supported, ✗ not supported. "linux" includes android; "others" is ${others}.`;
  return [
    ...alignTable(lines),
    "",
    ...wrap(legend, ""),
    "",
    ...notes.items.flatMap((text, i) => wrap(text, `${i + 1}. `)),
  ].join("\n");
}
