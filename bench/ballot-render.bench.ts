/**
 * The ballot's first render on a phone with the CPU throttled 4x (bench/RESULTS-web.md): the web build served by
 * `wrangler dev` with a local D1 seeded with Khối VIII, voting open, one voter code. Loads, alternately, the ballot
 * page (`/ballot#code=…`, its own entry: plain HTML, one API call) and the whole web app signed in with the same code
 * (`/#code=…`, the shell with Fluent, /me then /sheet: what /ballot served before), so that both figures share the
 * machine's load of the moment; prints each run, the medians and their ratio, with where the time goes.
 *
 * Run: `npx tsx bench/ballot-render.bench.ts [runs]` (default 9 of each). Needs /usr/bin/chromium.
 */
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { browser, buildWeb, seed, startWorker } from "../test/browser/harness.ts";

const runs = Number(process.argv[2] ?? 9);
const web = buildWeb();
const worker = await startWorker("http://unused.invalid", web);
try {
  const s = await seed(worker, new Date(Date.now() + 30 * 86400_000).toISOString());
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${worker.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${s.tokens.secretariat}`, "content-type": "application/json" },
      body: body === undefined ? null : JSON.stringify(body),
    }).then((r) => r.json());
  await call("POST", `/periods/${s.periodId}/transitions`, { to: "review" });
  await call("POST", `/periods/${s.periodId}/transitions`, { to: "voting" });
  const { codes } = (await call("POST", `/periods/${s.periodId}/voting/codes`)) as { codes: { code: string }[] };
  const code = codes[0]!.code;
  const chrome = await browser({ width: 390, height: 844 });
  const results: Record<"page" | "app", number[]> = { page: [], app: [] };
  const detail: Record<"page" | "app", string[]> = { page: [], app: [] };
  try {
    for (let i = 0; i < runs; i++)
      for (const kind of ["page", "app"] as const) {
        const tab = await chrome.context.newPage();
        const cdp = await chrome.context.newCDPSession(tab);
        await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
        await tab.goto(`${worker.url}/${kind === "page" ? "ballot" : ""}#code=${encodeURIComponent(code)}`);
        await tab.locator("#ballot-units label").first().waitFor({ timeout: 120_000 });
        const t = await tab.evaluate(() => {
          const mark = performance.getEntriesByName("thidua:ballot-drawn")[0]?.startTime;
          const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
          const res = performance
            .getEntriesByType("resource")
            .map(
              (r) =>
                `${new URL(r.name).pathname.replace(/-[\w-]{8,}\./, ".")} ${Math.round(r.startTime)}-${Math.round(r.responseEnd)}`,
            );
          return { at: mark ?? performance.now(), html: Math.round(nav.responseEnd), res };
        });
        results[kind].push(Math.round(t.at));
        detail[kind].push(`${Math.round(t.at)} ms: html ${t.html}; ${t.res.join("; ")}`);
        await tab.close();
      }
  } finally {
    await chrome.stop();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const kind of ["page", "app"] as const) {
    console.log(`${kind === "page" ? "/ballot (its own entry)" : "/ (the whole app, shell + Fluent)"}:`);
    for (const d of detail[kind]) console.log(`  ${d}`);
    console.log(`  median ${median(results[kind])} ms of ${results[kind].join(", ")}`);
  }
  console.log(`ratio app/page: ${(median(results.app) / median(results.page)).toFixed(2)}`);
  console.log(
    `load average (1, 5, 15 min): ${loadavg()
      .map((x) => x.toFixed(1))
      .join(", ")}`,
  );
} finally {
  await worker.stop();
  rmSync(web, { recursive: true, force: true });
}
