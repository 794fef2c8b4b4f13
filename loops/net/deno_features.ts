// Runtime capabilities of this Deno process that are not about the OS (the
// OS is platform/'s business): which flags the process was started with.

/**
 * Whether Deno runs with `--unstable-net`. Deno removes the unstable network
 * APIs from its namespace without the flag, so their presence tells; calling
 * a gated option without the flag would make Deno exit the process.
 */
export function hasUnstableNet(): boolean {
  return typeof (Deno as { listenDatagram?: unknown }).listenDatagram === "function";
}
