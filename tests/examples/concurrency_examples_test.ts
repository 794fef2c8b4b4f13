// examples/pipeline.ts (Queue + TaskGroup + timeout) and examples/crawler.ts
// (fetch under a Semaphore, cancelled by a timeout, against a local server).

import assert from "node:assert/strict";
import { run } from "../../mod.ts";
import { TestLoop } from "../../loops/testing/mod.ts";
import { pipeline } from "../../examples/pipeline.ts";
import { crawl, serveSite } from "../../examples/crawler.ts";
import { runCommand } from "../loops/net/_net.ts";

const example = (name: string) => new URL(`../../examples/${name}`, import.meta.url).pathname;

Deno.test("pipeline(): every job processed when there is time", async () => {
  const loop = new TestLoop();
  try {
    const report = await loop.runUntilComplete(pipeline(20, 3, 0.05, null));
    assert.equal(report.produced, 20);
    assert.deepEqual(
      [...report.processed].sort((a, b) => a - b),
      [...Array(20)].map((_, i) => i + 1),
    );
    assert.equal(report.cancelledWorkers, 0);
    assert.equal(report.timedOut, false);
    assert.ok(Math.abs(loop.time() - 20 * 0.05 / 3) < 0.06, `virtual time ${loop.time()}`);
  } finally {
    loop.close();
  }
});

Deno.test("pipeline(): the timeout cancels the group and every worker", async () => {
  const loop = new TestLoop();
  try {
    const report = await loop.runUntilComplete(pipeline(20, 3, 0.05, 0.3));
    assert.equal(report.timedOut, true);
    assert.equal(report.cancelledWorkers, 3);
    assert.ok(
      report.processed.length < 20 && report.processed.length >= 15,
      String(report.processed),
    );
    assert.equal(loop.time(), 0.3);
  } finally {
    loop.close();
  }
});

Deno.test("crawl(): at most `limit` fetches at once, and the timeout aborts the slow one", async () => {
  const site = serveSite(7);
  try {
    const report = await run(crawl(site.url, 3, 1), { handleSigint: false });
    assert.equal(report.timedOut, true);
    assert.deepEqual(
      [...report.fetched].sort(),
      [1, 2, 3, 4, 5, 6, 7].map((k) => `/page/${k}`).sort(),
    );
    assert.ok(report.maxInFlight <= 3 && report.maxInFlight >= 2, String(report.maxInFlight));
  } finally {
    await site.close();
  }
  assert.equal(site.requests(), 8);
  assert.equal(site.aborted(), 1, "the slow request was aborted, not left running");
});

Deno.test("examples/pipeline.ts and examples/crawler.ts run as scripts", async () => {
  const p = await runCommand(Deno.execPath(), ["run", example("pipeline.ts")]);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /produced 20, processed 1[0-9], cancelled workers 3, timed out: true\n$/);
  const c = await runCommand(Deno.execPath(), ["run", "--allow-net", example("crawler.ts"), "1"]);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stdout, /fetched 15 pages, at most 3 at once; timed out: true\n/);
  assert.match(c.stdout, /the server saw 16 requests, 1 aborted\n$/);
});
