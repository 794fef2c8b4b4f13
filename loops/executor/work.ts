// What crosses between the main realm and an executor worker: the work
// (a function's source, or a module specifier and an export name), the
// checks that catch work which cannot cross before it is sent, and errors
// turned into plain records and back. Shared by loops/executor.ts (main
// side) and loops/_executor_worker.ts (worker side), so it imports nothing
// at run time.

import type { ModuleTask, WorkFunction } from "../core/io_types.ts";
export type { ModuleTask, WorkFunction };

/** @ignore A function task or a module task, with its arguments. */
export type WorkMessage =
  | { id: number; source: string; name: string; args: unknown[] }
  | { id: number; module: string; export: string; args: unknown[] };

/** @ignore An error as a plain, cloneable record. */
export interface ErrorRecord {
  $error: true;
  name: string;
  message: string;
  stack?: string;
  cause?: unknown;
  props?: Record<string, unknown>;
}

/** @ignore What a worker answers. */
export type ReplyMessage =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: unknown }
  | { broken: string };

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return `${value.constructor?.name ?? "object"} object`;
  if (typeof value === "string") return JSON.stringify(value.slice(0, 40));
  return `${typeof value} ${String(value)}`;
}

/** Whether `fn` is a generator function (our coroutine function). */
export function isGeneratorFunction(fn: unknown): boolean {
  const kind = (fn as { constructor?: { name?: string } })?.constructor?.name;
  return kind === "GeneratorFunction" || kind === "AsyncGeneratorFunction";
}

/** Whether `work` looks like a module task. */
export function isModuleTask(work: unknown): work is ModuleTask {
  return work !== null && typeof work === "object" && "module" in work && "export" in work;
}

/** The wrapper that turns a function's source back into a function. */
export function compileSource(source: string): () => WorkFunction {
  return new Function(`"use strict";\nreturn (${source}\n);`) as () => WorkFunction;
}

function sourceProblem(fn: WorkFunction, source: string): string | null {
  const name = fn.name === "" ? "an anonymous function" : `function ${fn.name}`;
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    return fn.name.startsWith("bound ")
      ? `${name} is a bound function: bind() hides the source; pass the bound values as arguments`
      : `${name} is native code: wrap it, as in (...a) => Math.max(...a)`;
  }
  if (/^class\b/.test(source)) return `${name} is a class: a worker can only call functions`;
  try {
    compileSource(source);
  } catch {
    return `the source of ${name} does not compile on its own (a method or an accessor?): ` +
      "define it as a function declaration or an arrow function";
  }
  return null;
}

const checkedSources = new WeakMap<WorkFunction, string>();

/** A function's source, checked to compile on its own; throws TypeError if it cannot be sent. */
export function functionSource(fn: WorkFunction): string {
  const known = checkedSources.get(fn);
  if (known !== undefined) return known;
  const source = Function.prototype.toString.call(fn);
  const problem = sourceProblem(fn, source);
  if (problem !== null) throw new TypeError(`Cannot send the function to a worker: ${problem}`);
  checkedSources.set(fn, source);
  return source;
}

/** The module task's URL as a string; throws TypeError unless it is a valid task. */
export function checkModuleTask(task: ModuleTask, name: string): string {
  const spec = task.module instanceof URL ? task.module.href : task.module;
  if (typeof spec !== "string" || !URL.canParse(spec)) {
    throw new TypeError(
      `${name}.module must be an absolute URL such as new URL("../core/tasks.ts", import.meta.url): ` +
        `got ${describeValue(task.module)}`,
    );
  }
  if (typeof task.export !== "string" || task.export === "") {
    throw new TypeError(
      `${name}.export must be the name of an exported function: got ${describeValue(task.export)}`,
    );
  }
  return spec;
}

/** Throws TypeError unless `work` is a function or a module task. */
export function checkWork(work: unknown, name = "work"): void {
  if (isGeneratorFunction(work)) {
    throw new TypeError(
      `${name} is a generator function: coroutines cannot run in an executor ` +
        "(run them as tasks; give the executor plain or async functions)",
    );
  }
  if (typeof work === "function") return;
  if (isModuleTask(work)) {
    checkModuleTask(work, name);
    return;
  }
  throw new TypeError(
    `${name} must be a function or a module task { module, export }: got ${describeValue(work)}`,
  );
}

/** A short name of the work for messages. */
export function workLabel(work: WorkFunction | ModuleTask): string {
  if (typeof work === "function") return work.name === "" ? "<anonymous>" : work.name;
  return `${work.export} from ${String(work.module)}`;
}

/** The message that carries `work` to a worker; throws TypeError if it cannot be sent. */
export function workMessage(id: number, work: unknown, args: unknown[]): WorkMessage {
  checkWork(work);
  if (typeof work === "function") {
    const fn = work as WorkFunction;
    return { id, source: functionSource(fn), name: fn.name, args };
  }
  const task = work as ModuleTask;
  return { id, module: checkModuleTask(task, "work"), export: task.export, args };
}

function cloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

const RESERVED = new Set(["name", "message", "stack", "cause"]);

/** Turns a thrown value into something structured clone can carry. */
export function serializeError(e: unknown, depth = 0): unknown {
  if (!(e instanceof Error)) return cloneable(e) ? { $thrown: e } : { $thrown: String(e) };
  const record: ErrorRecord = { $error: true, name: e.name, message: e.message };
  if (typeof e.stack === "string") record.stack = e.stack;
  if ("cause" in e && depth < 8) {
    const cause = e.cause instanceof Error ? serializeError(e.cause, depth + 1) : e.cause;
    if (cloneable(cause)) record.cause = cause;
  }
  for (const [key, value] of Object.entries(e)) {
    if (!RESERVED.has(key) && cloneable(value)) (record.props ??= {})[key] = value;
  }
  return record;
}

const CONSTRUCTORS: Record<string, ErrorConstructor> = {
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
};

/** Turns a record made by `serializeError` back into the thrown value. */
export function reviveError(data: unknown): unknown {
  if (data === null || typeof data !== "object") return data;
  if ("$thrown" in data) return data.$thrown;
  if (!("$error" in data)) return data;
  const r = data as ErrorRecord;
  const Ctor = Object.hasOwn(CONSTRUCTORS, r.name) ? CONSTRUCTORS[r.name] : Error;
  const options = "cause" in r ? { cause: reviveError(r.cause) } : undefined;
  const error = new Ctor(r.message, options);
  if (error.name !== r.name) {
    Object.defineProperty(error, "name", { value: r.name, writable: true, configurable: true });
  }
  if (r.stack !== undefined) {
    Object.defineProperty(error, "stack", { value: r.stack, writable: true, configurable: true });
  }
  if (r.props !== undefined) Object.assign(error, r.props);
  return error;
}
