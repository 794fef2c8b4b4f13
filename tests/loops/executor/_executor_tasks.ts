// Module tasks for the executor tests: the worker imports this module and
// calls the named export.

/** Adds its arguments. */
export function sum(...values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Resolves after `ms` milliseconds with the worker's name. */
export async function workerName(ms: number): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (globalThis as { name?: string }).name ?? "";
}

/** Throws an error with a cause. */
export function fail(message: string): never {
  throw new RangeError(message, { cause: new Error("root cause") });
}

/** Not a function. */
export const notAFunction = 42;
