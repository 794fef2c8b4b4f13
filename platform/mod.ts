/**
 * The platform: detection (`currentPlatform()`, `simulatePlatform()`),
 * selectors, and the support matrix that says, for a loop kind and an OS,
 * whether each asyncio feature is supported and why not. Loops ask the
 * matrix, never `Deno.build.os`; `NotImplementedError` carries its answer.
 *
 * @example Ask the matrix
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulatePlatform, supports } from "@asyncio/deno/platform";
 *
 * const windows = simulatePlatform("windows");
 * const pipes = supports("connectReadPipe", { loop: "selector", platform: windows });
 * assert.equal(pipes.supported, false);
 * assert.match(pipes.reason ?? "", /proactor/);
 * assert.equal(supports("createConnection", { loop: "proactor", platform: windows }).supported, true);
 * ```
 *
 * ## Support matrix
 *
 * <!-- matrix:start -->
 *
 * | Feature                | Selector: linux | Selector: darwin                                                    | Selector: windows | Selector: others | Proactor: linux | Proactor: darwin | Proactor: windows | Proactor: others |
 * | ---------------------- | --------------- | ------------------------------------------------------------------- | ----------------- | ---------------- | --------------- | ---------------- | ----------------- | ---------------- |
 * | _(loop exists)_        | ✓               | ✓                                                                   | ✓                 | ✓                | ✗ (1)           | ✗ (1)            | ✓                 | ✗ (1)            |
 * | createConnection       | ✓               | ✓                                                                   | ✓                 | ✓                | —               | —                | ✓                 | —                |
 * | createConnection(ssl)  | ✓               | ✓                                                                   | ✓                 | ✓                | —               | —                | ✗ (2)             | —                |
 * | createServer           | ✓               | ✓                                                                   | ✓                 | ✓                | —               | —                | ✓                 | —                |
 * | createServer(ssl)      | ✓               | ✓                                                                   | ✓                 | ✓                | —               | —                | ✗ (2)             | —                |
 * | startTls               | ✓               | ✓                                                                   | ✓                 | ✓                | —               | —                | ✗ (2)             | —                |
 * | createUnixConnection   | ✓               | ✓                                                                   | ✗ (3)             | ✓                | —               | —                | ✗ (3)             | —                |
 * | createUnixServer       | ✓               | ✓                                                                   | ✗ (3)             | ✓                | —               | —                | ✗ (3)             | —                |
 * | createDatagramEndpoint | ✓               | ✓                                                                   | ✓                 | ✓                | —               | —                | ✗ (4)             | —                |
 * | addReader              | ✓               | ✓                                                                   | sockets only (5)  | ✓                | —               | —                | ✗ (6)             | —                |
 * | addWriter              | ✓               | ✓                                                                   | sockets only (5)  | ✓                | —               | —                | ✗ (6)             | —                |
 * | removeReader           | ✓               | ✓                                                                   | ✓                 | ✓                | —               | —                | ✗ (6)             | —                |
 * | removeWriter           | ✓               | ✓                                                                   | ✓                 | ✓                | —               | —                | ✗ (6)             | —                |
 * | sockRecv               | ✓               | ✓                                                                   | ✓                 | ✓                | —               | —                | ✓                 | —                |
 * | sockSendall            | ✓               | ✓                                                                   | ✓                 | ✓                | —               | —                | ✓                 | —                |
 * | sockConnect            | ✓               | ✓                                                                   | ✓                 | ✓                | —               | —                | ✓                 | —                |
 * | sockAccept             | ✓               | ✓                                                                   | ✓                 | ✓                | —               | —                | ✓                 | —                |
 * | connectReadPipe        | ✓               | ✓                                                                   | ✗ (7)             | ✓                | —               | —                | ✓                 | —                |
 * | connectWritePipe       | ✓               | ✓                                                                   | ✗ (7)             | ✓                | —               | —                | ✓                 | —                |
 * | characterDevices       | ✓               | ✗ on macOS ≤ 10.5 (8); ✗ with KqueueSelector on macOS 10.6–10.8 (9) | ✗ (10)            | ✓                | —               | —                | ✓                 | —                |
 * | subprocessExec         | ✓               | ✓                                                                   | ✗ (11)            | ✓                | —               | —                | ✓                 | —                |
 * | subprocessShell        | ✓               | ✓                                                                   | ✗ (11)            | ✓                | —               | —                | ✓                 | —                |
 * | addSignalHandler       | ✓               | ✓                                                                   | ✗ (12)            | ✓                | —               | —                | ✗ (12)            | —                |
 * | removeSignalHandler    | ✓               | ✓                                                                   | ✗ (12)            | ✓                | —               | —                | ✗ (12)            | —                |
 * | setChildWatcher        | ✓               | ✓                                                                   | ✗ (13)            | ✓                | —               | —                | ✗ (13)            | —                |
 * | getChildWatcher        | ✓               | ✓                                                                   | ✗ (13)            | ✓                | —               | —                | ✗ (13)            | —                |
 * | runInExecutor          | ✓               | ✓                                                                   | ✓                 | ✓                | —               | —                | ✓                 | —                |
 * | getaddrinfo            | ✓               | ✓                                                                   | ✓                 | ✓                | —               | —                | ✓                 | —                |
 * | getnameinfo            | ✓               | ✓                                                                   | ✓                 | ✓                | —               | —                | ✓                 | —                |
 *
 * ✓ supported, ✗ not supported. "linux" includes android; "others" is freebsd, netbsd, aix, solaris,
 * illumos.
 *
 * 1. ProactorEventLoop is built on I/O completion ports, which only Windows has. Source: asyncio docs,
 *    Available event loops › ProactorEventLoop (Availability: Windows). Cells marked — do not apply.
 * 2. The proactor loop has no TLS layer; use the selector loop for SSL. Source: asyncio docs, Platform
 *    support › Windows › ProactorEventLoop specific limits (SSL; startTls follows).
 * 3. AF_UNIX sockets belong to Unix; Windows loops have no Unix domain sockets. Source: asyncio docs,
 *    Platform support › Windows › common limits.
 * 4. The proactor loop has no UDP transport. Source: asyncio docs, Platform support › Windows ›
 *    ProactorEventLoop specific limits.
 * 5. On Windows select() watches sockets only, not files, pipes or devices. Source: asyncio docs,
 *    Platform support › Windows › SelectorEventLoop specific limits.
 * 6. A proactor completes operations instead of reporting readiness, so there is no file descriptor to
 *    watch. Source: asyncio docs, Platform support › Windows › ProactorEventLoop specific limits.
 * 7. On Windows select() cannot watch pipes; use the proactor loop. Source: asyncio docs, Platform
 *    support › Windows › SelectorEventLoop specific limits.
 * 8. Mac OS X 10.5 and older cannot watch character devices such as PTYs at all (this covers
 *    connectReadPipe, connectWritePipe, addReader and addWriter on one). Source: asyncio docs,
 *    Platform support › Mac OS X. Deno itself needs a far newer macOS, so only a simulated platform
 *    reaches this row.
 * 9. On OS X 10.6–10.8 kqueue cannot watch character devices such as PTYs; create the loop with
 *    selector "SelectSelector" or "PollSelector" instead. Source: asyncio docs, Platform support › Mac
 *    OS X. Deno itself needs a far newer macOS, so only a simulated platform reaches this row.
 * 10. On Windows select() watches sockets only, so no character devices either. Source: asyncio docs,
 *     Available event loops › SelectorEventLoop (Windows: sockets only).
 * 11. Subprocesses talk through pipes, which select() cannot watch on Windows; use the proactor loop.
 *     Source: asyncio docs, Platform support › Windows › SelectorEventLoop specific limits.
 * 12. Windows has no POSIX signals to install handlers for. Source: asyncio docs, Platform support ›
 *     Windows › common limits.
 * 13. Child watchers are a Unix policy concept; on Windows the proactor loop watches its subprocesses
 *     itself and there is nothing to configure. Source: asyncio docs, Platform support › Windows ›
 *     common limits (set_child_watcher; getChildWatcher follows).
 *
 * <!-- matrix:end -->
 *
 * @module
 */

export {
  currentPlatform,
  detectPlatform,
  OS_NAMES,
  type OsName,
  type Platform,
  simulatePlatform,
  type SimulatePlatformOptions,
} from "./detect.ts";
export {
  availableSelectors,
  type ConcreteSelectorName,
  resolveSelector,
  SELECTOR_NAMES,
  selectorAvailable,
  type SelectorName,
} from "./selectors.ts";
export {
  type DarwinKernelRange,
  type Feature,
  FEATURES,
  LOOP_KINDS,
  type LoopKind,
  type MatrixRow,
  matrixRows,
  type ObjectKind,
} from "./matrix_rows.ts";
export {
  checkLoopAvailable,
  checkSupported,
  loopAvailability,
  loopAvailable,
  type Support,
  type SupportDetails,
  type SupportQuery,
  supports,
} from "./matrix.ts";
export { renderMatrix } from "./matrix_table.ts";
