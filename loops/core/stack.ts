// Where debug mode records that an object was created: the current stack,
// minus the library's own frames at the top, so the first line is the
// caller's.

// Frames of any module under loops/ (the parent of this directory) are the
// library's, except the loop conformance suite's: it plays a user's tests.
const LOOPS_DIR = new URL("../", import.meta.url).href;
const CONFORMANCE_DIR = new URL("../testing/conformance/", import.meta.url).href;

function isLibraryFrame(line: string): boolean {
  return line.includes(LOOPS_DIR) && !line.includes(CONFORMANCE_DIR);
}

/** The stack of the caller of the library, one frame per line (debug mode). */
export function sourceTraceback(): string {
  const lines = (new Error().stack ?? "").split("\n");
  let i = 1;
  while (i < lines.length && isLibraryFrame(lines[i])) i++;
  return lines.slice(i < lines.length ? i : 1).join("\n");
}
