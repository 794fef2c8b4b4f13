// A small crawler: it fetches pages with `fetch`, at most `limit` at a time
// (a Semaphore), follows the links it finds, and stops cleanly when its time
// is up: the timeout cancels the task group, each task's cancellation aborts
// its fetch (wrapFuture's AbortSignal), and no request is left running.
// Nothing outside this machine is reachable here, so it starts its own local
// HTTP server: a site whose pages link to each other, one of them slow.
//
//   deno run --allow-net examples/crawler.ts [seconds]   (default 1)

import {
  type Coroutine,
  run,
  Semaphore,
  taskGroup,
  timeout,
  TimeoutError,
  wrapFuture,
} from "../mod.ts";

/** What a crawl did. */
export interface CrawlReport {
  fetched: string[];
  /** The most fetches in flight at once. */
  maxInFlight: number;
  timedOut: boolean;
}

/** Crawls from `start`, `limit` fetches at a time, for at most `seconds` (null: no limit). */
export function* crawl(
  start: string,
  limit: number,
  seconds: number | null,
  log: (line: string) => void = () => {},
): Coroutine<CrawlReport> {
  const report: CrawlReport = { fetched: [], maxInFlight: 0, timedOut: false };
  const seen = new Set<string>([start]);
  const gate = new Semaphore(limit);
  let inFlight = 0;

  function* visit(url: string, tg: import("../mod.ts").TaskGroup): Coroutine<void> {
    let body: string;
    {
      using _held = yield* gate.hold(); // at most `limit` fetches at once
      inFlight++;
      report.maxInFlight = Math.max(report.maxInFlight, inFlight);
      try {
        // Cancelling this task aborts the request and its body.
        body = yield* wrapFuture(async (signal) => {
          const response = await fetch(url, { signal });
          return await response.text();
        });
      } finally {
        inFlight--;
      }
    }
    report.fetched.push(new URL(url).pathname);
    log(`fetched ${new URL(url).pathname}`);
    for (const [, href] of body.matchAll(/href="([^"]+)"/g)) {
      const next = new URL(href, url).href;
      if (!seen.has(next)) {
        seen.add(next);
        tg.createTask(visit(next, tg));
      }
    }
  }

  try {
    yield* timeout(seconds, function* () {
      yield* taskGroup(function* (tg) {
        tg.createTask(visit(start, tg));
      });
    });
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    report.timedOut = true;
    log(`stopped after ${seconds} s: pending fetches were aborted`);
  }
  return report;
}

/**
 * The local site: /page/N links to /page/2N and /page/2N+1 up to `pages`, and
 * /page/1 also to /slow, which answers only after 10 s. A plain HTTP/1.1
 * server on `Deno.listen` (one request per connection), so that it sees a
 * client give up: the connection closes under the waiting request.
 */
export function serveSite(pages: number): {
  url: string;
  requests: () => number;
  aborted: () => number;
  close(): Promise<void>;
} {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const enc = new TextEncoder();
  let requests = 0;
  let aborted = 0;
  const open = new Set<Promise<void>>();
  const respond = async (conn: Deno.Conn, body: string) => {
    const head = `HTTP/1.1 200 OK\r\ncontent-type: text/html\r\n` +
      `content-length: ${enc.encode(body).length}\r\nconnection: close\r\n\r\n`;
    await conn.write(enc.encode(head + body));
  };
  const serve = async (conn: Deno.Conn) => {
    const buf = new Uint8Array(4096);
    try {
      const n = await conn.read(buf);
      if (n === null) return;
      requests++;
      const path = new TextDecoder().decode(buf.subarray(0, n)).split(" ")[1] ?? "/";
      if (path === "/slow") {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const late = new Promise<"late">((r) => timer = setTimeout(() => r("late"), 10_000));
        const gone = conn.read(buf).then(() => "gone" as const, () => "gone" as const);
        const outcome = await Promise.race([late, gone]);
        clearTimeout(timer);
        if (outcome === "gone") aborted++;
        else await respond(conn, "slow");
        return;
      }
      const k = Number(path.split("/")[2] ?? 1);
      const links = [2 * k, 2 * k + 1].filter((j) => j <= pages).map((j) =>
        `<a href="/page/${j}">${j}</a>`
      );
      if (k === 1) links.push(`<a href="/slow">slow</a>`);
      await respond(conn, `<html>${links.join(" ")}</html>`);
    } catch {
      // the client went away
    } finally {
      conn.close();
    }
  };
  const accepting = (async () => {
    for await (const conn of listener) {
      const p = serve(conn).finally(() => open.delete(p));
      open.add(p);
    }
  })();
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/page/1`,
    requests: () => requests,
    aborted: () => aborted,
    async close() {
      listener.close();
      await accepting.catch(() => {});
      await Promise.all(open);
    },
  };
}

if (import.meta.main) {
  const seconds = Number(Deno.args[0] ?? 1);
  const site = serveSite(15);
  try {
    const report = await run(crawl(site.url, 3, seconds, console.log));
    console.log(
      `fetched ${report.fetched.length} pages, at most ${report.maxInFlight} at once; ` +
        `timed out: ${report.timedOut}`,
    );
  } finally {
    await site.close();
  }
  console.log(`the server saw ${site.requests()} requests, ${site.aborted()} aborted`);
}
