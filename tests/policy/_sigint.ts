// SIGINT for runner tests without a real signal (a real SIGINT would end
// `deno test` itself): while `withSimulatedSigint` runs,
// Deno.addSignalListener/removeSignalListener keep SIGINT listeners in a set,
// and `interrupt()` calls them as Deno would. Other signals go to Deno.

import { AssertionError } from "node:assert/strict";

/** The simulated SIGINT of one test. */
export interface SimulatedSigint {
  /** The SIGINT listeners installed now. */
  readonly listeners: ReadonlySet<() => void>;
  /** How many SIGINT listeners were added in all. */
  readonly added: number;
  /** Delivers a SIGINT to every listener (as Deno does, from the host). */
  interrupt(): void;
}

/**
 * Runs `fn` with SIGINT simulated. Fails if a SIGINT arrived while no
 * listener was installed (Deno would have ended the process) or if a
 * listener is still installed at the end.
 */
export async function withSimulatedSigint<R>(
  fn: (sigint: SimulatedSigint) => Promise<R>,
): Promise<R> {
  const denoNs = Deno as unknown as Record<string, unknown>;
  const add = Deno.addSignalListener;
  const remove = Deno.removeSignalListener;
  const listeners = new Set<() => void>();
  let added = 0;
  let lost = 0;
  const sigint: SimulatedSigint = {
    listeners,
    get added() {
      return added;
    },
    interrupt() {
      if (listeners.size === 0) lost++;
      for (const listener of [...listeners]) listener();
    },
  };
  denoNs.addSignalListener = (signal: Deno.Signal, handler: () => void) => {
    if (signal !== "SIGINT") return add(signal, handler);
    added++;
    listeners.add(handler);
  };
  denoNs.removeSignalListener = (signal: Deno.Signal, handler: () => void) => {
    if (signal !== "SIGINT") return remove(signal, handler);
    listeners.delete(handler);
  };
  let result: R;
  try {
    result = await fn(sigint);
  } finally {
    denoNs.addSignalListener = add;
    denoNs.removeSignalListener = remove;
  }
  if (lost > 0) {
    throw new AssertionError({ message: `${lost} SIGINT(s) arrived with no listener installed` });
  }
  if (listeners.size > 0) {
    throw new AssertionError({ message: `${listeners.size} SIGINT listener(s) left installed` });
  }
  return result;
}
