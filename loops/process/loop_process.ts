/**
 * The process mechanism of the I/O loops: pipes and subprocesses on Deno's
 * APIs, as functions of the loop. The loop's `IoServices` (assembled in
 * `loops/io.ts`) call them after the platform matrix allowed the call; its
 * signal handlers are the per-loop `SignalHandlers` of `signals.ts`. Each
 * function validates its arguments synchronously, then starts the work as
 * a task of the loop. The methods' documentation is on `AbstractEventLoop`.
 *
 * @module
 */

import type { BaseEventLoop } from "../core/base_event_loop.ts";
import type { Future } from "../core/futures.ts";
import type { ReadPipe, SubprocessOptions, WritePipe } from "../core/io_types.ts";
import type { BaseProtocol } from "../core/protocols.ts";
import { Task } from "../core/tasks.ts";
import { checkCallback } from "../core/checks.ts";
import { checkReadPipe, checkWritePipe } from "./pipe_ends.ts";
import { connectReadPipe as startReadPipe, type ReadPipeTransport } from "./read_pipe.ts";
import { connectWritePipe as startWritePipe, type WritePipeTransport } from "./write_pipe.ts";
import { spawnSubprocess } from "./subprocess_spawn.ts";
import { planExec, planShell } from "./subprocess_options.ts";
import type { DenoSubprocessTransport } from "./subprocess_transport.ts";
import { currentPlatform } from "../../platform/detect.ts";

/** `loop.connectReadPipe()`: wraps the read end of a pipe in a transport. */
export function connectReadPipe<P extends BaseProtocol, R extends ReadPipe>(
  loop: BaseEventLoop,
  protocolFactory: () => P,
  pipe: R,
): Future<[ReadPipeTransport<R>, P]> {
  checkCallback(protocolFactory, "protocolFactory");
  checkReadPipe(pipe);
  return new Task(startReadPipe(loop, protocolFactory, pipe), { loop });
}

/** `loop.connectWritePipe()`: wraps the write end of a pipe in a transport. */
export function connectWritePipe<P extends BaseProtocol, W extends WritePipe>(
  loop: BaseEventLoop,
  protocolFactory: () => P,
  pipe: W,
): Future<[WritePipeTransport<W>, P]> {
  checkCallback(protocolFactory, "protocolFactory");
  checkWritePipe(pipe);
  return new Task(startWritePipe(loop, protocolFactory, pipe), { loop });
}

/** `loop.subprocessExec()`: checks the options (nothing is spawned on bad input), then spawns. */
export function subprocessExec<P extends BaseProtocol>(
  loop: BaseEventLoop,
  protocolFactory: () => P,
  program: string | URL,
  args: readonly string[] = [],
  options: SubprocessOptions = {},
): Future<[DenoSubprocessTransport, P]> {
  checkCallback(protocolFactory, "protocolFactory");
  const plan = planExec(program, args, options);
  return new Task(spawnSubprocess(loop, protocolFactory, plan), { loop });
}

/** `loop.subprocessShell()`: as `subprocessExec`, through the platform's shell. */
export function subprocessShell<P extends BaseProtocol>(
  loop: BaseEventLoop,
  protocolFactory: () => P,
  cmd: string,
  options: SubprocessOptions = {},
): Future<[DenoSubprocessTransport, P]> {
  checkCallback(protocolFactory, "protocolFactory");
  const plan = planShell(cmd, options, currentPlatform().os === "windows");
  return new Task(spawnSubprocess(loop, protocolFactory, plan), { loop });
}
