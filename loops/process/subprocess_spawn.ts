// Spawning a child for loop.subprocessExec()/subprocessShell(): the
// coroutine behind them, and the registration of each child with the
// realm's child watcher (realm_child_watcher.ts; the policy's
// getChildWatcher()/setChildWatcher() read and write the same watcher).

import type { BaseEventLoop } from "../core/base_event_loop.ts";
import type { Coroutine } from "../core/events.ts";
import { RuntimeError } from "../core/exceptions.ts";
import type { BaseProtocol } from "../core/protocols.ts";
import { mapIoError } from "../net/errors.ts";
import type { SpawnPlan } from "./subprocess_options.ts";
import { DenoSubprocessTransport } from "./subprocess_transport.ts";
import { startTransport } from "../net/transports/base.ts";
import { currentPlatform } from "../../platform/detect.ts";
import { checkSupported } from "../../platform/matrix.ts";
import { _getChildWatcher } from "./realm_child_watcher.ts";

/** What the subprocess layer needs of the realm's child watcher. */
interface WatcherLike {
  addChildHandler(pid: number, callback: () => void): void;
  registerProcess?(child: Deno.ChildProcess): number;
  isActive?(): boolean;
}

// The realm's child watcher, where this machine has child watchers (not on
// Windows, as DefaultEventLoopPolicy.getChildWatcher() says); none if it
// cannot be had.
function realmWatcher(): WatcherLike | null {
  try {
    checkSupported("getChildWatcher", "selector", currentPlatform());
    return _getChildWatcher();
  } catch {
    return null;
  }
}

let watcherProvider: (() => WatcherLike | null) | null = realmWatcher;

/**
 * Replaces how the subprocess layer finds the child watcher it registers
 * children with (tests; default: the realm's watcher). `null`: none.
 *
 * @param provider Returns the watcher or `null`; or `null`.
 * @ignore
 */
export function _setChildWatcherProvider(provider: (() => WatcherLike | null) | null): void {
  watcherProvider = provider;
}

/**
 * The provider in use, or `null`.
 *
 * @returns The provider.
 * @ignore
 */
export function _getChildWatcherProvider(): (() => WatcherLike | null) | null {
  return watcherProvider;
}

function noop(): void {}

// The realm's child watcher, checked before anything is spawned, as
// asyncio's Unix loop does: one that says it is not active refuses the
// child (RuntimeError). No watcher (Windows): null.
function activeWatcher(): WatcherLike | null {
  const watcher = watcherProvider === null ? null : watcherProvider();
  if (watcher !== null && watcher.isActive?.() === false) {
    throw new RuntimeError(
      "The child watcher is not active, so subprocess support is not installed: " +
        "attach it to a loop that is not closed (or use one that is always active)",
    );
  }
  return watcher;
}

// Tells the watcher about the child, as asyncio's Unix loop does. The
// handler is a no-op: the exit is learned from the child's status promise;
// a user handler added later replaces it.
function registerChild(
  loop: BaseEventLoop,
  watcher: WatcherLike | null,
  child: Deno.ChildProcess,
): void {
  if (watcher === null) return;
  try {
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
 * Checks the policy's child watcher, spawns the child, wires its pipes, and
 * resolves once `connectionMade` ran. If waiting is cancelled, the
 * transport is closed (the child killed) and its end is awaited before the
 * cancellation propagates, as asyncio.
 */
export function* spawnSubprocess<P extends BaseProtocol>(
  loop: BaseEventLoop,
  protocolFactory: () => P,
  plan: SpawnPlan,
): Coroutine<[DenoSubprocessTransport, P]> {
  const protocol = protocolFactory();
  const watcher = activeWatcher();
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(plan.program, plan.command).spawn();
  } catch (e) {
    throw mapIoError(e, `spawn ${plan.label}`, plan.label);
  }
  const transport = new DenoSubprocessTransport(loop, child, protocol, plan);
  registerChild(loop, watcher, child);
  yield* startTransport(loop, transport, () => transport._wait());
  return [transport, protocol];
}
