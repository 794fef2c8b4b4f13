// Registers PromiseChildWatcher as the watcher DefaultEventLoopPolicy
// creates when none was set. loops/ never imports policy/, so the
// registration lives here; mod.ts imports this module for its effect.

import { PromiseChildWatcher } from "../loops/process/child_watcher.ts";
import { _setDefaultChildWatcherFactory } from "./child_watcher_registry.ts";

_setDefaultChildWatcherFactory(() => new PromiseChildWatcher());
