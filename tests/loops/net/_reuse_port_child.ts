// Child process of server_test.ts: two servers on one port with reusePort.
// Run with --unstable-net it prints the port; without, it prints the error
// and shows the process is still alive.

import { SelectorEventLoop } from "../../../mod.ts";
import { Protocol } from "../../../loops/protocols_mod.ts";

const loop = new SelectorEventLoop();
try {
  const a = await loop.runUntilComplete(
    loop.createServer(() => new Protocol(), "127.0.0.1", 0, { reusePort: true }),
  );
  const port = a.sockets[0].getsockname()[1];
  const b = await loop.runUntilComplete(
    loop.createServer(() => new Protocol(), "127.0.0.1", port, { reusePort: true }),
  );
  console.log(`two servers on port ${port}`);
  a.close();
  b.close();
  await loop.runUntilComplete(a.waitClosed());
  await loop.runUntilComplete(b.waitClosed());
} catch (e) {
  console.log(`${(e as Error).name}: ${(e as Error).message}`);
}
loop.close();
console.log("still alive");
