/**
 * The I/O of the concrete loops, composed in one place: the `IoServices`
 * that `SelectorEventLoop`, `ProactorEventLoop` and `TestLoop` are built
 * with. Each I/O method of `AbstractEventLoop` lands here under its own
 * name; the platform matrix check (`NotImplementedError` naming the
 * feature, the OS, the loop and why, before any side effect) is applied
 * here and only here, then the mechanism module does the work:
 *
 * - `net/loop_net.ts`: connections, servers, TLS, Unix sockets, UDP, the resolver;
 * - `net/sock_ops.ts`: `sock*` operations and readiness callbacks;
 * - `net/sendfile.ts`: `sendfile` and `sockSendfile`;
 * - `process/loop_process.ts`: pipes and subprocesses (`process/signals.ts`: signal handlers);
 * - `executor/loop_executor.ts`: `runInExecutor` and the default executor.
 *
 * One services object serves one loop and holds its per-loop state (signal
 * handlers, default executor), which `loop.close()` releases.
 *
 * @module
 */

import type { BaseEventLoop, BaseEventLoopOptions } from "./core/base_event_loop.ts";
import type { IoServices, LoopOptions } from "./core/events.ts";
import type { Future } from "./core/futures.ts";
import type { Executor, SocketLike } from "./core/io_types.ts";
import type { AddressOf } from "./core/transports.ts";
import { Task } from "./core/tasks.ts";
import * as net from "./net/loop_net.ts";
import {
  addWatch,
  objectKind,
  removeWatch,
  sockAccept,
  sockConnect,
  sockRecv,
  sockRecvfrom,
  sockRecvfromInto,
  sockRecvInto,
  sockSendall,
  sockSendto,
} from "./net/sock_ops.ts";
import { sendfile, sockSendfile } from "./net/sendfile.ts";
import { resolveSsl } from "./net/ssl.ts";
import * as proc from "./process/loop_process.ts";
import { pipeKind } from "./process/pipe_ends.ts";
import { checkSignal, SignalHandlers } from "./process/signals.ts";
import { LoopExecutor } from "./executor/loop_executor.ts";
import type { Platform } from "../platform/detect.ts";
import { checkSupported, type SupportDetails, supports } from "../platform/matrix.ts";
import type { Feature, LoopKind } from "../platform/matrix_rows.ts";

/** Options every I/O loop accepts. */
export interface IoLoopOptions extends LoopOptions {
  /**
   * The platform the loop behaves as (default: this machine). Inject
   * `simulatePlatform("windows")` to get Windows' limits on any OS.
   */
  platform?: Platform;
}

/** The I/O services of a concrete loop (what `createIoServices` returns). */
export interface LoopIo extends IoServices {
  /** The loop kind the matrix knows the loop as. */
  readonly kind: LoopKind;
  /** The platform whose limits the loop follows. */
  readonly platform: Platform;
  /** The loop's default executor, made on first use. */
  defaultExecutor(): Executor;
}

/**
 * The options a concrete I/O loop passes to `BaseEventLoop`: the clock
 * resolution defaults to the platform's, and the services are those of
 * `kind` on `platform`.
 *
 * @param options What the loop's constructor was given.
 * @param kind The loop kind.
 * @param platform The platform (already defaulted).
 * @param details Matrix facts of the loop itself (the selector loop's selector).
 * @returns The options for `BaseEventLoop`.
 */
export function ioLoopOptions(
  options: IoLoopOptions,
  kind: LoopKind,
  platform: Platform,
  details: SupportDetails = {},
): BaseEventLoopOptions {
  return {
    ...options,
    clockResolution: options.clockResolution ?? platform.clockResolution,
    services: (loop) => createIoServices(loop, kind, platform, details),
  };
}

/** `feature`, or its `(ssl)` variant when the `ssl` argument asks for TLS (checked first, as asyncio). */
function withSsl(feature: "createConnection" | "createServer", ssl: unknown): Feature {
  return resolveSsl(ssl, "options.ssl") === null ? feature : `${feature}(ssl)`;
}

/**
 * Makes the I/O services of one loop of `kind` on `platform`.
 *
 * @param loop The loop (being constructed: only kept).
 * @param kind The loop kind.
 * @param platform The platform whose matrix applies.
 * @param details Matrix facts of the loop itself (the selector loop's selector).
 * @returns The services.
 */
export function createIoServices(
  loop: BaseEventLoop,
  kind: LoopKind,
  platform: Platform,
  details: SupportDetails = {},
): LoopIo {
  // The one place the platform matrix is asked before an I/O call.
  const check = (feature: Feature, more?: SupportDetails): void => {
    checkSupported(feature, kind, platform, more === undefined ? details : { ...details, ...more });
  };
  let signals: SignalHandlers | null = null;
  const executors = new LoopExecutor(loop);
  return {
    kind,
    platform,
    supports(feature, more = {}) {
      return supports(feature, { ...details, ...more, loop: kind, platform }).supported;
    },

    // ---- network (net/loop_net.ts)
    getaddrinfo(host, port, options) {
      check("getaddrinfo");
      return net.getaddrinfo(loop, host, port, options);
    },
    getnameinfo(sockaddr, flags) {
      check("getnameinfo");
      return net.getnameinfo(loop, sockaddr, flags);
    },
    createConnection(protocolFactory, host, port, options) {
      check(withSsl("createConnection", options?.ssl));
      return net.createConnection(loop, protocolFactory, host, port, options);
    },
    createServer(protocolFactory, host, port, options) {
      check(withSsl("createServer", options?.ssl));
      return net.createServer(loop, protocolFactory, host, port, options);
    },
    startTls(transport, protocol, sslcontext, options) {
      check("startTls");
      return net.startTls(loop, transport, protocol, sslcontext, options);
    },
    createUnixConnection(protocolFactory, path, options) {
      check("createUnixConnection");
      return net.createUnixConnection(loop, protocolFactory, path, options);
    },
    createUnixServer(protocolFactory, path, options) {
      check("createUnixServer");
      return net.createUnixServer(loop, protocolFactory, path, options);
    },
    connectAcceptedSocket(protocolFactory, sock, options) {
      resolveSsl(options?.ssl, "options.ssl");
      check("createConnection");
      return net.connectAcceptedSocket(loop, protocolFactory, sock, options);
    },
    createDatagramEndpoint(protocolFactory, options) {
      check("createDatagramEndpoint");
      return net.createDatagramEndpoint(loop, protocolFactory, options);
    },
    // The transport exists, so the loop supported making it: no check of its own.
    sendfile(transport, file, offset, count, options) {
      return sendfile(loop, transport, file, offset, count, options);
    },

    // ---- sockets and readiness (net/sock_ops.ts)
    sockRecv(sock, nbytes) {
      check("sockRecv");
      return sockRecv(loop, sock, nbytes);
    },
    sockRecvInto(sock, buf) {
      check("sockRecv");
      return sockRecvInto(loop, sock, buf);
    },
    sockSendall(sock, data) {
      check("sockSendall");
      return sockSendall(loop, sock, data);
    },
    sockConnect(sock, address) {
      check("sockConnect");
      return new Task(sockConnect(loop, sock, address), { loop });
    },
    sockAccept<S extends SocketLike>(sock: S) {
      check("sockAccept");
      // Only a `Socket` passes; the connection it accepts is one too.
      return sockAccept(loop, sock) as unknown as Future<[S, AddressOf<S["family"]>]>;
    },
    sockSendfile(sock, file, offset, count, options) {
      check("sockSendall");
      return sockSendfile(loop, sock, file, offset, count, options);
    },
    // UDP sockets: the matrix's receive and send rows apply.
    sockRecvfrom<S extends SocketLike>(sock: S, bufsize: number) {
      check("sockRecv");
      // The address is typed by the socket's family (the socket is a `Socket`).
      return sockRecvfrom(loop, sock, bufsize) as Future<[Uint8Array, AddressOf<S["family"]>]>;
    },
    sockRecvfromInto<S extends SocketLike>(sock: S, buf: Uint8Array, nbytes?: number) {
      check("sockRecv");
      return sockRecvfromInto(loop, sock, buf, nbytes) as Future<
        [number, AddressOf<S["family"]>]
      >;
    },
    sockSendto(sock, data, address) {
      check("sockSendall");
      return sockSendto(loop, sock, data, address);
    },
    addReader(fd, callback, ...args) {
      check("addReader", { kind: objectKind(fd) });
      addWatch(loop, fd, true, callback, args);
    },
    removeReader(fd) {
      check("removeReader", { kind: objectKind(fd) });
      return removeWatch(loop, fd, true);
    },
    addWriter(fd, callback, ...args) {
      check("addWriter", { kind: objectKind(fd) });
      addWatch(loop, fd, false, callback, args);
    },
    removeWriter(fd) {
      check("removeWriter", { kind: objectKind(fd) });
      return removeWatch(loop, fd, false);
    },

    // ---- pipes, subprocesses, signals (process/)
    connectReadPipe(protocolFactory, pipe) {
      check("connectReadPipe", { kind: pipeKind(pipe) });
      return proc.connectReadPipe(loop, protocolFactory, pipe);
    },
    connectWritePipe(protocolFactory, pipe) {
      check("connectWritePipe", { kind: pipeKind(pipe) });
      return proc.connectWritePipe(loop, protocolFactory, pipe);
    },
    subprocessExec(protocolFactory, program, args, options) {
      check("subprocessExec");
      return proc.subprocessExec(loop, protocolFactory, program, args, options);
    },
    subprocessShell(protocolFactory, cmd, options) {
      check("subprocessShell");
      return proc.subprocessShell(loop, protocolFactory, cmd, options);
    },
    addSignalHandler(signal, callback, ...args) {
      check("addSignalHandler");
      signals ??= new SignalHandlers(loop);
      signals.add(signal, callback, args);
    },
    removeSignalHandler(signal) {
      check("removeSignalHandler");
      if (signals !== null) return signals.remove(signal);
      checkSignal(signal);
      return false;
    },
    hasSignalHandler(signal) {
      return signals?.has(signal) ?? false;
    },

    // ---- executors (executor/loop_executor.ts)
    runInExecutor(executor, work, ...args) {
      check("runInExecutor");
      return executors.run(executor, work, args);
    },
    setDefaultExecutor(executor) {
      executors.setDefault(executor);
    },
    shutdownDefaultExecutor(timeout) {
      return executors.shutdownDefault(timeout);
    },
    defaultExecutor() {
      return executors.defaultExecutor();
    },

    // ---- the loop's life cycle
    runningChanged() {
      signals?.syncKeepAlive();
    },
    close() {
      signals?.removeAll();
      executors.close();
    },
  };
}
