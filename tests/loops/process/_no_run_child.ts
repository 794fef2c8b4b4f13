// Child process of subprocess_errors_test.ts, run without --allow-run:
// prints the errors subprocessExec() and createSubprocessShell() give.

import { type Awaitable, createSubprocessShell, SelectorEventLoop } from "../../../mod.ts";
import { SubprocessProtocol } from "../../../loops/protocols_mod.ts";

const loop = new SelectorEventLoop();
const attempts: (() => Awaitable<unknown>)[] = [
  () => loop.subprocessExec(() => new SubprocessProtocol(), "echo", ["hi"]),
  () =>
    function* () {
      return yield* createSubprocessShell("echo hi");
    }(),
];
for (const attempt of attempts) {
  try {
    await loop.runUntilComplete(attempt());
    console.log("no error");
  } catch (e) {
    console.log(`${(e as Error).name}: ${(e as Error).message}`);
  }
}
loop.close();
