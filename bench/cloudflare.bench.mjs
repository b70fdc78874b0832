#!/usr/bin/env node
/**
 * CPU of the worker's heavy routes inside workerd (`npm run bench:cloudflare`), against the Workers Free plan's 10 ms
 * of CPU per request. `wrangler dev` serves bench/workerd/routes.ts (the routes' own code after their D1 reads);
 * each request repeats the work `reps` times. Workerd freezes its clocks during a request, so CPU is read from
 * outside: the workerd processes' user + system time in /proc/<pid>/stat before and after each request (all its
 * threads, the collector's included), minus an empty request's, divided by `reps`. Wall time of the same requests is
 * reported beside it. Medians over rounds.
 *
 *   npm run bench:cloudflare              # pull, table, ranking (built before/now; kept) at 100, 500, 1,000 x 120; push ratio
 *   npm run bench:cloudflare -- --only=ranking-texts,ranking --alternate --separate --rounds=11 --units=100
 *                                         # the ranking workbook from the stored texts (round 7) and from the cells
 *   npm run bench:cloudflare -- --quick   # fewer rounds
 *   npm run bench:cloudflare -- --only=ranking,table --units=100,500   # some routes and sizes, no push ratio
 *   npm run bench:cloudflare -- --only=ranking-entries,ranking --alternate --rounds=15   # one request of each in
 *                                                            # turn per round (same reps): a comparison in one run
 *   ... --separate      # each repetition its own request (its garbage and collection counted, as in production)
 *   ... --reps=10 --rounds=21 --each-round   # repetitions at 100 units, rounds, and every round's CPU printed
 */
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { wranglerDev } from "./wrangler-dev.mjs";

const QUICK = process.argv.includes("--quick");
const ALTERNATE = process.argv.includes("--alternate");
const SEPARATE = process.argv.includes("--separate");
const EACH_ROUND = process.argv.includes("--each-round");
const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const ONLY = arg("only")?.split(",");
const UNITS = arg("units")?.split(",").map(Number);
const TICK_MS = 1000 / 100; // USER_HZ: 100 on Linux

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The processes under `pid` (wrangler starts workerd as a grandchild). */
function descendants(pid) {
  const parent = new Map();
  const comm = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      comm.set(Number(d), stat.slice(stat.indexOf("(") + 1, close));
      parent.set(Number(d), Number(stat.slice(close + 2).split(" ")[1]));
    } catch {
      // gone
    }
  }
  const out = [];
  for (const [p] of parent) {
    let q = p;
    while (q > 1 && q !== pid) q = parent.get(q) ?? 0;
    if (q === pid) out.push({ pid: p, comm: comm.get(p) });
  }
  return out;
}

/** user + system CPU of a process in ms. */
function cpuOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

async function main() {
  const { child, port, stop } = await wranglerDev("bench/workerd/routes.jsonc");
  try {
    // wrangler dev runs two workerd processes (its proxy and the runtime that runs the worker): both are counted.
    const pids = descendants(child.pid)
      .filter((p) => /workerd/.test(p.comm))
      .map((p) => p.pid);
    if (pids.length === 0) throw new Error("workerd process not found");
    const cpuNow = () => pids.reduce((s, pid) => s + cpuOf(pid), 0);
    const hit = async (what, units, criteria, reps) => {
      const c0 = cpuNow();
      const t0 = performance.now();
      const r = await fetch(`http://127.0.0.1:${port}/${what}?units=${units}&criteria=${criteria}&reps=${reps}`);
      const text = await r.text();
      if (!r.ok) throw new Error(`/${what}: ${r.status} ${text.slice(0, 500)}`);
      const size = Number(text);
      return { wall: performance.now() - t0, cpu: cpuNow() - c0, size };
    };
    /** CPU and wall per repetition of `what`, net of an empty request, medians of `rounds`. */
    const measure = async (what, units, criteria, reps, rounds) =>
      (await measureAlternately([what], units, criteria, reps, rounds))[0];
    /**
     * The same for several routes, one request of each in turn in every round (`--alternate`), so that a change of
     * the machine's speed during the run weighs on all of them alike: for comparisons as ratios measured in one run.
     */
    const measureAlternately = async (whats, units, criteria, reps, rounds) => {
      for (const what of whats) await hit(what, units, criteria, Math.max(1, reps >> 1)); // warm-up (and generation)
      const cpu = whats.map(() => []);
      const wall = whats.map(() => []);
      for (let i = 0; i < rounds; i++)
        for (let w = 0; w < whats.length; w++) {
          if (SEPARATE) {
            // `reps` requests of one repetition each, against as many empty ones: every request's own garbage
            // and its collection counted, as in production, where a request builds one workbook.
            const sum = async (what) => {
              const t = { cpu: 0, wall: 0 };
              for (let k = 0; k < reps; k++) {
                const x = await hit(what, units, criteria, 1);
                t.cpu += x.cpu;
                t.wall += x.wall;
              }
              return t;
            };
            const empty = await sum("noop");
            const a = await sum(whats[w]);
            cpu[w].push((a.cpu - empty.cpu) / reps);
            wall[w].push((a.wall - empty.wall) / reps);
            continue;
          }
          const empty = await hit("noop", units, criteria, 1);
          const a = await hit(whats[w], units, criteria, reps);
          cpu[w].push((a.cpu - empty.cpu) / reps);
          wall[w].push((a.wall - empty.wall) / reps);
        }
      if (EACH_ROUND)
        for (const [w, what] of whats.entries()) console.log(what, cpu[w].map((x) => x.toFixed(1)).join(" "));
      return whats.map((_, w) => ({ cpu: median(cpu[w]), wall: median(wall[w]), cpuMin: Math.min(...cpu[w]) }));
    };
    const rounds = Number(arg("rounds") ?? (QUICK ? 5 : 9));
    console.log(
      `workerd (wrangler dev), ${os.cpus()[0]?.model ?? "cpu"} x ${os.cpus().length}, load average ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")}; CPU of the workerd process per request, medians of ${rounds} rounds`,
    );
    console.log("\n| route work | units x criteria | CPU per request | (min) | wall per request |");
    console.log("|---|---|---:|---:|---:|");
    const rows = [];
    for (const [units, reps] of [
      [100, Number(arg("reps") ?? 40)],
      [500, 8],
      [1000, 4],
    ].filter(([u]) => !UNITS || UNITS.includes(u))) {
      const whats = ONLY?.filter((w) => w !== "push") ?? [
        "pull",
        "table",
        "table-scores-entries",
        "table-scores",
        "ranking-entries",
        "ranking-texts",
        "ranking",
        "ranking-stored",
      ];
      const repsOf = (what) => (what === "pull" || what === "ranking-stored" ? reps * 5 : reps);
      const results = ALTERNATE ? await measureAlternately(whats, units, 120, reps, rounds) : [];
      for (const [w, what] of whats.entries()) {
        const r = ALTERNATE ? results[w] : await measure(what, units, 120, repsOf(what), rounds);
        rows.push({ what, units, ...r });
        const name =
          {
            pull: "a clerk's pull (GET /sheet?unit=)",
            table: "bloc table, entries parsed (GET /table until round 5)",
            "table-scores-entries": "bloc table from the scores, an object per criterion (GET /table in round 5)",
            "table-scores": "bloc table from the scores as columns (GET /table)",
            ranking: "ranking workbook from the sheets' stored cells (GET /ranking.xlsx)",
            "ranking-texts": "ranking workbook from the stored texts (round 7)",
            "table-scores-arrays": "bloc table from the scores, codes as arrays (until round 8)",
            "ranking-entries": "ranking workbook, every sheet parsed and written again (until round 6)",
            "ranking-stored": "ranking workbook of a closed period, kept (GET /ranking.xlsx after the first)",
            "ranking-input": "ranking: the stored entries parsed",
            "ranking-consolidate": "ranking: parsed + consolidated",
            "ranking-hash": "ranking: parsed + consolidated + input hashes",
          }[what] ?? what;
        console.log(
          `| ${name} | ${units} x 120 | ${r.cpu.toFixed(2)} ms | ${r.cpuMin.toFixed(2)} | ${r.wall.toFixed(2)} ms |`,
        );
      }
    }
    if (ONLY && !ONLY.includes("push")) return;
    console.log(
      "\n| push body | JSON.parse | validation + hashing + scoring + stored JSON (with the parse) | ratio | the same and the ranking workbook's cells (`storedSheet`) | ratio |",
    );
    console.log("|---|---:|---:|---:|---:|---:|");
    for (const criteria of [50, 120]) {
      const parse = [];
      const texts = [];
      const push = [];
      const ratios = [];
      const textRatios = [];
      for (let i = 0; i < rounds; i++) {
        const p = await measure("parse", 1, criteria, 4000, 1);
        const t = await measure("push-texts", 1, criteria, 1000, 1);
        const q = await measure("push", 1, criteria, 1000, 1);
        parse.push(p.cpu);
        texts.push(t.cpu);
        push.push(q.cpu);
        textRatios.push(t.cpu / p.cpu);
        ratios.push(q.cpu / p.cpu);
      }
      const us = (xs) => `${(median(xs) * 1000).toFixed(1)} µs`;
      console.log(
        `| ${criteria} criteria | ${us(parse)} | ${us(texts)} | ${median(textRatios).toFixed(2)} | ${us(push)} | ${median(ratios).toFixed(2)} |`,
      );
    }
  } finally {
    stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
