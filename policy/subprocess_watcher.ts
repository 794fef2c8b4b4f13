// Lets the subprocess layer find the policy's child watcher: every child
// spawned by loop.subprocessExec()/subprocessShell() is registered with it,
// as asyncio's Unix loop does. loops/ never imports policy/, so the hook is
// installed from here; mod.ts imports this module for its effect.

import { _setChildWatcherProvider } from "../loops/process/subprocess_spawn.ts";
import { getEventLoopPolicy } from "./policy.ts";

_setChildWatcherProvider(() => {
  try {
    return getEventLoopPolicy().getChildWatcher();
  } catch {
    // No watcher here (Windows, a policy without watchers): nothing to tell.
    return null;
  }
});
