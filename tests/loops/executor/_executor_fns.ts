// Self-contained functions the executor tests send to workers (each is
// sent as its source text, so none uses anything outside itself), and the
// shared-memory cells they coordinate through.

/** Cell indexes of the Int32Array over the shared buffer. */
export const GO = 0, FINISHED = 1, STARTED = 2, MARKED = 3, MET = 4;

/** A shared buffer of 8 int32 cells. */
export function cells(): { sab: SharedArrayBuffer; view: Int32Array } {
  const sab = new SharedArrayBuffer(32);
  return { sab, view: new Int32Array(sab) };
}

/**
 * Arrives at a two-party barrier and waits (up to `timeoutMs`) for the
 * other party: it can only meet it if both run at the same time. Returns
 * the wall-clock interval it ran, measured in the worker.
 */
export function meet(
  sab: SharedArrayBuffer,
  timeoutMs: number,
): { start: number; end: number; met: boolean; worker: string } {
  const cell = new Int32Array(sab);
  const start = performance.timeOrigin + performance.now();
  Atomics.add(cell, 4, 1);
  Atomics.notify(cell, 4);
  const deadline = Date.now() + timeoutMs;
  while (Atomics.load(cell, 4) < 2 && Date.now() < deadline) Atomics.wait(cell, 4, 1, 10);
  const met = Atomics.load(cell, 4) >= 2;
  let x = 0;
  for (let i = 0; i < 2e6; i++) x += i % 7;
  const end = performance.timeOrigin + performance.now() + (x < 0 ? 1 : 0);
  return { start, end, met, worker: (globalThis as { name?: string }).name ?? "" };
}

/** Counts itself in STARTED, waits until GO is set, then counts itself in FINISHED. */
export function block(sab: SharedArrayBuffer): string {
  const cell = new Int32Array(sab);
  Atomics.add(cell, 2, 1);
  while (Atomics.load(cell, 0) === 0) Atomics.wait(cell, 0, 0, 20);
  Atomics.add(cell, 1, 1);
  return "done";
}

/** Counts itself in MARKED. */
export function mark(sab: SharedArrayBuffer): string {
  Atomics.add(new Int32Array(sab), 3, 1);
  return "ran";
}

/** Resolves when `cond()` holds, polling every few milliseconds (at most `ms`). */
export async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
