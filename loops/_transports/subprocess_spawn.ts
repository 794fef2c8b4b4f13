// Spawning a child for loop.subprocessExec()/subprocessShell(): the
// coroutine behind them, and the registration of each child with the
// policy's child watcher (found through a hook policy/ installs, since
// loops/ never imports policy/).

import type { BaseEventLoop } from "../base_event_loop.ts";
import type { Coroutine } from "../events.ts";
import type { BaseProtocol } from "../protocols.ts";
import { mapIoError } from "../_errors.ts";
import type { SpawnPlan } from "../_subprocess_options.ts";
import { DenoSubprocessTransport } from "./subprocess.ts";
import { startTransport } from "./_lifecycle.ts";

/** What the subprocess layer needs of the policy's child watcher. */
interface WatcherLike {
  addChildHandler(pid: number, callback: () => void): void;
  registerProcess?(child: Deno.ChildProcess): number;
  isActive?(): boolean;
}

let watcherProvider: (() => WatcherLike | null) | null = null;

/**
 * Installs how the subprocess layer finds the policy's child watcher
 * (`loops/` never imports `policy/`; policy/subprocess_watcher.ts installs
 * it). `null` uninstalls. @internal
 */
export function _setChildWatcherProvider(provider: (() => WatcherLike | null) | null): void {
  watcherProvider = provider;
}

/** The installed provider, or `null`. @internal */
export function _getChildWatcherProvider(): (() => WatcherLike | null) | null {
  return watcherProvider;
}

function noop(): void {}

// Tells the policy's child watcher (if any, and active) about the child, as
// asyncio's Unix loop does. The handler is a no-op: the exit is learned from
// the child's status promise; a user handler added later replaces it.
function registerChild(loop: BaseEventLoop, child: Deno.ChildProcess): void {
  if (watcherProvider === null) return;
  try {
    const watcher = watcherProvider();
    if (watcher === null || watcher.isActive?.() === false) return;
    watcher.registerProcess?.(child);
    watcher.addChildHandler(child.pid, noop);
  } catch (e) {
    loop.callExceptionHandler({
      message: `The child watcher failed to register process ${child.pid}`,
      exception: e,
    });
  }
}

/**
 * `loop.subprocessExec()`/`subprocessShell()`: the coroutine behind them.
 * Spawns the child, wires its pipes, and resolves once `connectionMade` ran.
 * If waiting is cancelled, the transport is closed (the child killed) and
 * its end is awaited before the cancellation propagates, as asyncio.
 */
export function* spawnSubprocess<P extends BaseProtocol>(
  loop: BaseEventLoop,
  protocolFactory: () => P,
  plan: SpawnPlan,
): Coroutine<[DenoSubprocessTransport, P]> {
  const protocol = protocolFactory();
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(plan.program, plan.command).spawn();
  } catch (e) {
    throw mapIoError(e, `spawn ${plan.label}`, plan.label);
  }
  const transport = new DenoSubprocessTransport(loop, child, protocol, plan);
  registerChild(loop, child);
  yield* startTransport(loop, transport, () => transport._wait());
  return [transport, protocol];
}
