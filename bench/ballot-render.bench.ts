/**
 * The ballot's first render on a phone with the CPU throttled 4x (bench/RESULTS-web.md): the web build served by
 * `wrangler dev` with a local D1 seeded with Khối VIII, an electronic vote open, one voter code. Loads, alternately,
 * this tree's ballot page (`/ballot#code=…`) and the same page as built from another commit (`--against REF`,
 * default `main`, served beside it as `/ballot-old`), on the same Worker, database and code, so that both figures
 * share the machine's load of the moment and their ratio can be trusted when the absolute times cannot.
 *
 * What is measured is what a voter waits for: from the navigation's start to the member units visible, i.e. the
 * first frame painted after `#ballot-units label` entered the page (a mutation observer installed before the page's
 * own scripts, then the next animation frame and a task after it). Wrangler's start, the build and the seeding
 * are outside the figure. The 1-minute load average is sampled at every load and printed with the medians.
 *
 * Run: `npx tsx bench/ballot-render.bench.ts [runs] [--against REF]` (default 9 of each). Needs /usr/bin/chromium.
 * With `TRACE=1`, the first load of each page also writes a Chromium trace to /tmp/trace-{new,old}.json.
 */
import { execFileSync, execSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { makeTrusteeKey } from "../shared/src/index.ts";
import { browser, buildWeb, REPO, seed, startWorker, VISIBLE_PROBE } from "../test/browser/harness.ts";

const args = process.argv.slice(2);
const againstAt = args.indexOf("--against");
const against = againstAt >= 0 ? args[againstAt + 1]! : "main";
const runs = Number(args.find((a, i) => /^\d+$/.test(a) && (againstAt < 0 || i !== againstAt + 1)) ?? 9);

/** The web build of another commit: its addin/ and shared/ trees, built with this tree's node_modules. */
function buildAt(ref: string): string {
  const src = mkdtempSync(join(tmpdir(), "thidua-old-src-"));
  execSync(`git archive ${ref} addin shared package.json tsconfig.json tsconfig.base.json | tar -x -C ${src}`, {
    cwd: REPO,
    stdio: "pipe",
  });
  symlinkSync(join(REPO, "node_modules"), join(src, "node_modules"));
  const out = join(src, "out");
  execFileSync(
    join(REPO, "node_modules/.bin/vite"),
    ["build", "--config", join(src, "addin/vite.config.ts"), "--mode", "web"],
    { cwd: src, env: { ...process.env, THIDUA_ADDIN_OUT: out }, stdio: "pipe" },
  );
  return src;
}

const web = buildWeb();
const oldSrc = buildAt(against);
// The old page beside the new one: its HTML as /ballot-old, its assets (content-hashed names) in the same folder.
cpSync(join(oldSrc, "out/ballot.html"), join(web, "ballot-old.html"));
for (const f of readdirSync(join(oldSrc, "out/assets")))
  if (!existsSync(join(web, "assets", f))) cpSync(join(oldSrc, "out/assets", f), join(web, "assets", f));
const worker = await startWorker("http://unused.invalid", web);
try {
  const s = await seed(worker, new Date(Date.now() + 30 * 86400_000).toISOString());
  const call = (method: string, path: string, body?: unknown, token = s.tokens.secretariat) =>
    fetch(`${worker.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? null : JSON.stringify(body),
    }).then((r) => r.json());
  await call("POST", `/periods/${s.periodId}/transitions`, { to: "review" });
  // Voter codes exist only in an electronic (sealed) vote: two trustees publish their keys first, as in web.test.ts.
  await call("POST", `/periods/${s.periodId}/transitions`, { to: "voting", channel: "electronic" });
  const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
  const issued = (await call("POST", `/periods/${s.periodId}/voting/trustee-codes`)) as {
    codes: { trusteeId: string; code: string }[];
  };
  for (const t of issued.codes)
    await call(
      "POST",
      `/periods/${s.periodId}/voting/trustee-key`,
      makeTrusteeKey(s.periodId, t.trusteeId, random).key,
      t.code,
    );
  const { codes } = (await call("POST", `/periods/${s.periodId}/voting/codes`)) as { codes: { code: string }[] };
  const code = codes[0]!.code;
  const chrome = await browser({ width: 390, height: 844 });
  const kinds = { new: "ballot", old: "ballot-old" } as const;
  const results: Record<keyof typeof kinds, number[]> = { new: [], old: [] };
  const detail: Record<keyof typeof kinds, string[]> = { new: [], old: [] };
  const loads: number[] = [];
  try {
    for (let i = 0; i < runs; i++)
      for (const kind of ["new", "old"] as const) {
        const tab = await chrome.context.newPage();
        // Before any of the page's scripts (an init script is not subject to the page's CSP).
        // A string, not a function: tsx wraps named functions in a helper the page does not have.
        await tab.addInitScript(VISIBLE_PROBE);
        const cdp = await chrome.context.newCDPSession(tab);
        await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
        loads.push(loadavg()[0]!);
        const tracing = process.env.TRACE && i === 0;
        const events: Record<string, unknown>[] = [];
        if (tracing) {
          cdp.on("Tracing.dataCollected", (d) => events.push(...(d.value as Record<string, unknown>[])));
          await cdp.send("Tracing.start", {
            categories:
              "devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,blink.user_timing,loading,toplevel",
            transferMode: "ReportEvents",
          });
        }
        const visible = tab.waitForEvent("console", {
          predicate: (m) => m.text() === "thidua:visible",
          timeout: 120_000,
        });
        await tab.goto(`${worker.url}/${kinds[kind]}#code=${encodeURIComponent(code)}`, { waitUntil: "commit" });
        await visible;
        const t = await tab.evaluate(() => {
          const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
          const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime;
          const res = performance
            .getEntriesByType("resource")
            .map(
              (r) =>
                `${new URL(r.name).pathname.replace(/-[\w-]{8,}\./, ".")} ${Math.round(r.startTime)}-${Math.round(r.responseEnd)}`,
            );
          return {
            at: (window as unknown as { __visible: number }).__visible,
            html: Math.round(nav.responseEnd),
            fcp: Math.round(fcp ?? -1),
            res,
          };
        });
        if (tracing) {
          const done = new Promise((r) => cdp.once("Tracing.tracingComplete", r));
          await cdp.send("Tracing.end");
          await done;
          (await import("node:fs")).writeFileSync(`/tmp/trace-${kind}.json`, JSON.stringify(events));
        }
        results[kind].push(Math.round(t.at));
        detail[kind].push(`${Math.round(t.at)} ms: html ${t.html}; ${t.res.join("; ")}; first paint ${t.fcp}`);
        await tab.close();
      }
  } finally {
    await chrome.stop();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const kind of ["new", "old"] as const) {
    console.log(kind === "new" ? "/ballot (this tree):" : `/ballot as built from ${against}:`);
    for (const d of detail[kind]) console.log(`  ${d}`);
    console.log(`  median ${median(results[kind])} ms of ${[...results[kind]].sort((a, b) => a - b).join(", ")}`);
  }
  console.log(`ratio old/new: ${(median(results.old) / median(results.new)).toFixed(2)}`);
  console.log(
    `load average (1 min) during the loads: median ${median(loads).toFixed(1)}, ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`,
  );
} finally {
  await worker.stop();
  rmSync(web, { recursive: true, force: true });
  rmSync(oldSrc, { recursive: true, force: true });
}
