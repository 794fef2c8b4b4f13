// What the bench scripts share: their `--name value` options, medians, the
// padded columns of their tables, and the first line a server they start
// prints (its port).

/**
 * The number given as `--name value` on the command line, or `fallback`.
 *
 * @param name The option's name, without the dashes.
 * @param fallback Its value when absent.
 * @returns The number.
 */
export function option(name: string, fallback: number): number {
  const at = Deno.args.indexOf(`--${name}`);
  return at >= 0 ? Number(Deno.args[at + 1]) : fallback;
}

/** The median (the mean of the two middle values for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `text` padded to `width`: left-aligned, or right-aligned when `right`. */
export function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/**
 * Reads a child's stdout up to its first newline and returns that line (the
 * rest is left unread; stdout stays locked to the decoder).
 *
 * @param child The process, spawned with `stdout: "piped"`.
 * @param what What it is, for the error when it exits first.
 */
export async function firstLine(child: Deno.ChildProcess, what: string): Promise<string> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${what} exited before printing its first line`);
    text += value;
  }
  reader.releaseLock();
  return text.split("\n")[0];
}
