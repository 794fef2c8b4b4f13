// Child process of connection_errors_test.ts, run without --allow-net:
// prints the errors createConnection() and createServer() give.

import { type Future, SelectorEventLoop } from "../../../mod.ts";
import { Protocol } from "../../../loops/protocols_mod.ts";

const loop = new SelectorEventLoop();
const attempts: (() => Future<unknown>)[] = [
  () => loop.createConnection(() => new Protocol(), "127.0.0.1", 9),
  () => loop.createServer(() => new Protocol(), "127.0.0.1", 0),
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
