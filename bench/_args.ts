// The command-line options of the bench scripts: `--name value`.

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
