// Every entry point's exports in one namespace, for the CPython ports that
// write `asyncio.X` as Python does (`import * as asyncio from
// "../_all_entries.ts"`). Each name is exported by exactly one entry.

export * from "../mod.ts";
export * from "../loops/testing/mod.ts";
export * from "../loops/protocols_mod.ts";
export * from "../loops/net/socket_mod.ts";
export * from "../loops/executor/mod.ts";
export * from "../platform/mod.ts";
