// Every entry point's exports in one namespace, for the CPython ports that
// write `asyncio.X` as Python does (`import * as asyncio from
// "../_all_entries.ts"`). Each name belongs to one entry; an entry also
// re-exports, as types only, classes of other entries its signatures name
// (docs/names.md, "Re-exported types"). Through `export *` such a class could
// arrive as a type only, so the classes are exported here from the entries
// that own them, which takes precedence over the star exports.

export * from "../mod.ts";
export * from "../loops/testing/mod.ts";
export * from "../loops/protocols_mod.ts";
export * from "../loops/net/socket_mod.ts";
export * from "../loops/executor/mod.ts";
export * from "../platform/mod.ts";
export {
  AbstractEventLoop,
  BaseEventLoop,
  Future,
  Handle,
  RuntimeError,
  SSLContext,
  StreamReader,
  StreamWriter,
  Task,
  TimerHandle,
} from "../mod.ts";
export {
  AbstractServer,
  BaseProtocol,
  BaseTransport,
  DatagramTransport,
  ReadTransport,
  SubprocessTransport,
  Transport,
  WriteTransport,
} from "../loops/protocols_mod.ts";
