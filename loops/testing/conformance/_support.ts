// What the conformance cases (and the project's own tests, through
// tests/_helpers.ts) use to run a loop in a test: an exception-handler
// watcher that fails a test when a loop reported an error nobody expected,
// a wrapper that creates, watches and always closes a loop, console
// capture, and a few small helpers. Not exported from any entry point.

import { AssertionError } from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import type { BaseEventLoop, ExceptionContext } from "./_deps.ts";

/** Collects what a loop passed to its exception handler. */
export interface ExceptionWatcher {
  /** Everything reported so far (not yet taken). */
  readonly contexts: ExceptionContext[];
  /** Returns and forgets the reports so far: the test expected them. */
  take(): ExceptionContext[];
  /** Throws an AssertionError describing every report not taken. */
  assertNone(): void;
  /** Puts the previous handler back. */
  restore(): void;
}

/** A readable summary of one exception context, for failure messages. */
export function describeContext(ctx: ExceptionContext): string {
  const e = ctx.exception;
  const detail = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
  return `${ctx.message}${"exception" in ctx ? `\n  ${detail}` : ""}`;
}

/**
 * Installs an exception handler on `loop` that records each context instead
 * of logging it. Call `take()` for reports the test expects and
 * `assertNone()` at the end: an assertion that failed inside a loop callback
 * lands here too, so it fails the test instead of vanishing in a log.
 */
export function watchExceptions(loop: BaseEventLoop): ExceptionWatcher {
  const previous = loop.getExceptionHandler();
  let contexts: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, ctx) => {
    contexts.push(ctx);
  });
  return {
    get contexts() {
      return contexts;
    },
    take() {
      const taken = contexts;
      contexts = [];
      return taken;
    },
    assertNone() {
      if (contexts.length === 0) return;
      const text = contexts.map(describeContext).join("\n---\n");
      contexts = [];
      throw new AssertionError({
        message: `The loop's exception handler was called unexpectedly:\n${text}`,
      });
    },
    restore() {
      loop.setExceptionHandler(previous);
    },
  };
}

/** Yields to the host once (a macrotask), letting timers and I/O run. */
export function hostTick(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Creates a loop with `createLoop`, watches its exception handler, runs
 * `fn`, asserts no unexpected report, and always closes the loop (stopping
 * it first if a failure left it running, so the sanitizers stay quiet).
 */
export async function withLoop<L extends BaseEventLoop, R>(
  createLoop: () => L,
  fn: (loop: L, exceptions: ExceptionWatcher) => R | Promise<R>,
): Promise<R> {
  const loop = createLoop();
  const exceptions = watchExceptions(loop);
  try {
    const result = await fn(loop, exceptions);
    exceptions.assertNone();
    return result;
  } finally {
    for (let i = 0; loop.isRunning() && i < 1000; i++) {
      loop.stop();
      await hostTick(1);
    }
    if (!loop.isRunning()) loop.close();
  }
}

/** What a captured console method received, one string per call. */
export interface Captured {
  calls: string[];
}

/**
 * Replaces `console[method]` while `fn` runs and returns what it received
 * (each call's arguments joined with spaces). The original is restored even
 * if `fn` throws.
 */
export async function captureConsole<R>(
  method: "error" | "warn" | "log",
  fn: (captured: Captured) => R | Promise<R>,
): Promise<Captured & { result: R }> {
  const original = console[method];
  const captured: Captured = { calls: [] };
  console[method] = (...args: unknown[]) => {
    captured.calls.push(args.map((a) => typeof a === "string" ? a : Deno.inspect(a)).join(" "));
  };
  try {
    const result = await fn(captured);
    return { ...captured, result };
  } finally {
    console[method] = original;
  }
}

/** Spins the CPU for `seconds` of real time (to make a slow callback). */
export function busyWait(seconds: number): void {
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    // spin
  }
}

/**
 * Casts a deliberately wrong value to the type a parameter expects, for
 * bad-input tests (keeps `any` out of the test code).
 */
export function bad<T>(value: unknown): T {
  return value as T;
}

let gcFunction: (() => void) | null | undefined;

// V8's gc() for this process: `--expose-gc` set at run time applies to new
// contexts, so a fresh node:vm context hands out the function. Returns null
// where that is unavailable; callers then fall back to allocation pressure.
function exposedGc(): (() => void) | null {
  if (gcFunction === undefined) {
    try {
      v8.setFlagsFromString("--expose-gc");
      const fn = vm.runInNewContext("gc");
      gcFunction = typeof fn === "function" ? fn as () => void : null;
    } catch {
      gcFunction = null;
    }
  }
  return gcFunction;
}

/**
 * Runs garbage collections (and lets FinalizationRegistry callbacks run)
 * until `condition()` holds or `attempts` rounds passed.
 *
 * @returns Whether the condition holds at the end.
 */
export async function collectGarbageUntil(
  condition: () => boolean,
  attempts = 50,
): Promise<boolean> {
  const gc = exposedGc();
  for (let i = 0; i < attempts && !condition(); i++) {
    if (gc !== null) gc();
    else {
      let junk: unknown[] = [];
      for (let k = 0; k < 200_000; k++) junk.push({ k });
      junk = [];
    }
    await hostTick();
  }
  return condition();
}
