// How the default exception handler renders asyncio's context: the message,
// the other keys sorted (a nested context one level deep), then the
// exception's stack.

import type { ExceptionContext } from "./events.ts";
import { describe } from "./checks.ts";

/** The text `defaultExceptionHandler` logs for `context`. */
export function formatExceptionContext(context: ExceptionContext): string {
  const lines = [context.message || "Unhandled exception in event loop"];
  for (const key of Object.keys(context).sort()) {
    if (key === "message" || key === "exception") continue;
    const value = context[key];
    if (key === "sourceTraceback") lines.push(`Object created at:\n${value}`);
    else lines.push(`${key}: ${describeValue(value)}`);
  }
  if ("exception" in context) {
    const e = context.exception;
    lines.push(e instanceof Error && e.stack ? e.stack : String(e));
  }
  return lines.join("\n");
}

function describeValue(value: unknown, depth = 0): string {
  if (value === null || typeof value !== "object") return describe(value);
  if (value.toString !== Object.prototype.toString) return String(value);
  const proto = Object.getPrototypeOf(value);
  if (depth > 0 || (proto !== Object.prototype && proto !== null)) return describe(value);
  const entries = Object.entries(value).map(([k, v]) => `${k}: ${describeValue(v, 1)}`);
  return `{ ${entries.join(", ")} }`;
}
