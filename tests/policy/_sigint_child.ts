// Runs in a child process for runner_sigint_test.ts, which sends it real
// SIGINTs (they would end `deno test` itself). Prints what it observes, one
// line per event. Mode "once": main lets the cancellation through; mode
// "stubborn": main catches it and sleeps again, so a second SIGINT is needed.

import { run, sleep } from "../../mod.ts";

const stubborn = Deno.args[0] === "stubborn";

try {
  await run(function* main() {
    console.log("ready");
    try {
      yield* sleep(3600);
    } catch (e) {
      console.log(`main caught ${(e as Error).name}`);
      if (stubborn) yield* sleep(3600);
      throw e;
    } finally {
      console.log("main finally");
    }
  }());
  console.log("run returned");
} catch (e) {
  const err = e as Error;
  const cause = err.cause instanceof Error ? ` caused by ${err.cause.name}` : "";
  console.log(`run rejected with ${err.name}${cause}`);
}
// run() removed its SIGINT listener: the next SIGINT ends the process.
console.log("after run");
setTimeout(() => console.log("not interrupted"), 10_000);
