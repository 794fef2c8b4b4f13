// The worker side of WorkerPoolExecutor: one Web Worker runs one piece of
// work at a time. A function task arrives as source text and is compiled
// here (cached by source); a module task is imported and its export called.
// The answer carries the result, or the error as a plain record. A worker
// that is about to end by itself (Deno.exit, close) or in which an error
// escaped the work says so, so the pool can fail the work it was running
// and replace the worker instead of waiting forever.

import {
  compileSource,
  type ReplyMessage,
  serializeError,
  type WorkFunction,
  type WorkMessage,
} from "./work.ts";

interface WorkerScope {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;

// Compiled functions by source; bounded so a stream of distinct closures
// cannot grow it forever.
const MAX_COMPILED = 256;
const compiled = new Map<string, WorkFunction>();

function compile(source: string): WorkFunction {
  let fn = compiled.get(source);
  if (fn === undefined) {
    fn = compileSource(source)();
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
    compiled.set(source, fn);
  }
  return fn;
}

async function load(msg: WorkMessage): Promise<WorkFunction> {
  if ("source" in msg) return compile(msg.source);
  const mod = await import(msg.module);
  const fn = mod[msg.export];
  if (typeof fn !== "function") {
    throw new TypeError(`Module ${msg.module} has no exported function named "${msg.export}"`);
  }
  return fn as WorkFunction;
}

// A function task only sees its parameters and the globals: a
// ReferenceError most likely means it used a variable of its old scope.
function explain(e: unknown, msg: WorkMessage): unknown {
  if ("source" in msg && e instanceof ReferenceError) {
    e.message += " (a function sent to a worker sees only its parameters and the globals: " +
      "pass values as arguments, or use a module task)";
  }
  return e;
}

function reply(message: ReplyMessage): void {
  scope.postMessage(message);
}

async function run(msg: WorkMessage): Promise<void> {
  let value: unknown;
  try {
    value = await (await load(msg))(...msg.args);
  } catch (e) {
    reply({ id: msg.id, ok: false, error: serializeError(explain(e, msg)) });
    return;
  }
  try {
    reply({ id: msg.id, ok: true, value });
  } catch (e) {
    const error = new TypeError(
      `The result cannot be sent back from the worker (structured clone carries data, ` +
        `not functions, class instances' methods or host objects): ${(e as Error).message}`,
    );
    reply({ id: msg.id, ok: false, error: serializeError(error) });
  }
}

scope.onmessage = (e: MessageEvent) => {
  run(e.data as WorkMessage);
};

const exit = Deno.exit;
Deno.exit = (code?: number): never => {
  reply({ broken: `it called Deno.exit(${code ?? ""})` });
  return exit(code);
};
const close = scope.close.bind(scope);
scope.close = () => {
  reply({ broken: "it called close()" });
  close();
};

// An error that escapes the work (a throwing timer, an unhandled rejection)
// leaves the worker in an unknown state: report it (instead of letting Deno
// print it and end the worker) and let the pool replace the worker.
function escaped(e: Event, error: unknown): void {
  e.preventDefault();
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  reply({ broken: `an error escaped the work: ${text}` });
}
addEventListener("error", (e) => escaped(e, (e as ErrorEvent).error));
addEventListener("unhandledrejection", (e) => escaped(e, (e as PromiseRejectionEvent).reason));
