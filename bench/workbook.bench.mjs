#!/usr/bin/env node
/**
 * Workbook benchmark: our writer (SpreadsheetML by hand on fflate) against exceljs 4.4.0 (its browser build, the one
 * that runs in workerd) side by side in one run, on the real ranking workbook at 7 (the demo bloc), 100 and 1,000
 * units (generated from the demo template with a seeded generator). Both render the same model, so they do the same
 * work. Measured in Node 22 (same V8 as workerd; workerd freezes timers during a request, so CPU cannot be measured
 * there from inside): CPU time of this process (process.cpuUsage, user + system) per build, median of several runs
 * after warm-up, plus the minified+gzipped size of each bundle.
 *
 *   npm run bench:workbook            # print the table
 *   npm run bench:workbook -- --write # also write bench/RESULTS-workbook.md
 *   npm run bench:workbook -- --workerd --write # also measure inside workerd (wrangler dev)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cache = path.join(root, "node_modules/.cache/bench");
const require = createRequire(import.meta.url);

async function bundle(entry, out, minify) {
  await build({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    minify,
    outfile: path.join(cache, out),
    logLevel: "error",
  });
  return path.join(cache, out);
}

const entry = await bundle("bench/workbook-entry.ts", "workbook-entry.mjs", false);
const lib = await import(pathToFileURL(entry).href);
const exceljsPath = require.resolve("exceljs/dist/exceljs.bare.min.js");
const ExcelJS = require(exceljsPath);

// Bundle sizes: what the worker would ship.
const ours = readFileSync(await bundle("worker/src/workbook/index.ts", "workbook-min.mjs", true));
const theirs = readFileSync(exceljsPath);
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;

function cpuMs(start) {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function once(fn) {
  const t = performance.now();
  const c = process.cpuUsage();
  const bytes = await fn();
  return { cpu: cpuMs(c), wall: performance.now() - t, size: bytes.length };
}

/**
 * Runs the contenders interleaved (A, B, C, A, B, C, ...) so that a change of load on the machine hits all of them
 * alike; reports per contender the median and minimum CPU, and the median of the per-round ratios.
 */
async function compare(contenders, runs, warmup) {
  for (let i = 0; i < warmup; i++) for (const fn of Object.values(contenders)) await fn();
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) for (const [k, fn] of Object.entries(contenders)) samples[k].push(await once(fn));
  const out = {};
  for (const [k, xs] of Object.entries(samples))
    out[k] = {
      cpu: median(xs.map((x) => x.cpu)),
      min: Math.min(...xs.map((x) => x.cpu)),
      wall: median(xs.map((x) => x.wall)),
      size: xs[0].size,
      all: xs.map((x) => x.cpu),
    };
  return out;
}

const sizes = [
  { units: 7, runs: 61, warmup: 15 },
  { units: 100, runs: 21, warmup: 4 },
  { units: 1000, runs: 9, warmup: 1 },
];
const rows = [];
for (const s of sizes) {
  const input = s.units === 7 ? lib.demoInput() : lib.generatedInput(s.units);
  const table = lib.consolidate(input);
  const ctx = lib.rankingContext(input, "closed");
  // As the worker does it: input hashes with Web Crypto, then the model, then the bytes. Both libraries get the same
  // hashes and the same model; only the writing differs. "sync" is the pure path (SHA-256 in JavaScript).
  const model = async () => lib.buildRankingWorkbook(table, { ...ctx, hashes: await lib.hashInputsAsync(ctx.inputs) });
  const r = await compare(
    {
      ours: async () => (await model()).toBytes(),
      exceljs: async () => lib.toExcelJs(ExcelJS, await model()),
      sync: async () => lib.buildRankingWorkbook(table, ctx).toBytes(),
    },
    s.runs,
    s.warmup,
  );
  const perRound = median(r.exceljs.all.map((e, i) => e / r.ours.all[i]));
  const row = {
    units: s.units,
    runs: s.runs,
    ours: r.ours,
    exceljs: r.exceljs,
    sync: r.sync,
    ratio: r.exceljs.cpu / r.ours.cpu,
    perRound,
  };
  rows.push(row);
  console.log(
    `${s.units} units: ours ${r.ours.cpu.toFixed(2)} ms CPU (min ${r.ours.min.toFixed(2)}; JS SHA-256 ${r.sync.cpu.toFixed(2)}), ${kib(r.ours.size)}; ` +
      `exceljs ${r.exceljs.cpu.toFixed(1)} ms CPU (min ${r.exceljs.min.toFixed(1)}), ${kib(r.exceljs.size)}; ratio ${row.ratio.toFixed(1)}x (per round ${perRound.toFixed(1)}x)`,
  );
}

/**
 * The same comparison inside workerd: `wrangler dev` serves bench/workerd/worker.ts, each request builds the workbook
 * `reps` times with one library, and requests are timed from here (workerd freezes its clocks during a request; a
 * request without I/O lasts as long as its CPU work). Per build = (request - empty request) / reps.
 */
async function inWorkerd() {
  const { spawn } = await import("node:child_process");
  const port = 8799;
  const child = spawn(
    process.execPath,
    [
      path.join(root, "node_modules/wrangler/bin/wrangler.js"),
      "dev",
      "--config",
      "bench/workerd/wrangler.jsonc",
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
    ],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  try {
    await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("wrangler dev did not start")), 60_000);
      child.stdout.on("data", (d) => {
        if (String(d).includes("Ready on")) {
          clearTimeout(t);
          resolve();
        }
      });
      child.on("exit", () => reject(new Error("wrangler dev exited")));
    });
    const hit = async (who, units, reps) => {
      const t = performance.now();
      const r = await fetch(`http://127.0.0.1:${port}/${who}?units=${units}&reps=${reps}`);
      const size = Number(await r.text());
      return { ms: performance.now() - t, size };
    };
    const out = [];
    for (const s of [
      { units: 7, reps: 40, rounds: 11 },
      { units: 100, reps: 8, rounds: 9 },
      { units: 1000, reps: 1, rounds: 5 },
    ]) {
      for (const who of ["ours", "exceljs", "noop"]) await hit(who, s.units, Math.max(1, s.reps >> 2)); // warm-up
      const ours = [];
      const excel = [];
      let sizes = {};
      for (let i = 0; i < s.rounds; i++) {
        const empty = (await hit("noop", s.units, s.reps)).ms;
        const a = await hit("ours", s.units, s.reps);
        const b = await hit("exceljs", s.units, s.reps);
        ours.push((a.ms - empty) / s.reps);
        excel.push((b.ms - empty) / s.reps);
        sizes = { ours: a.size, exceljs: b.size };
      }
      const row = {
        units: s.units,
        rounds: s.rounds,
        reps: s.reps,
        ours: median(ours),
        oursMin: Math.min(...ours),
        exceljs: median(excel),
        exceljsMin: Math.min(...excel),
        perRound: median(excel.map((e, i) => e / ours[i])),
        sizes,
      };
      out.push(row);
      console.log(
        `workerd ${s.units} units: ours ${row.ours.toFixed(2)} ms (min ${row.oursMin.toFixed(2)}); exceljs ${row.exceljs.toFixed(1)} ms (min ${row.exceljsMin.toFixed(1)}); ratio ${(row.exceljs / row.ours).toFixed(1)}x (per round ${row.perRound.toFixed(1)}x)`,
      );
    }
    return out;
  } finally {
    process.kill(-child.pid, "SIGTERM");
  }
}

const workerd = process.argv.includes("--workerd") ? await inWorkerd() : null;
const workerdTable = workerd
  ? [
      "| units | rounds x builds | ours: per build, median (min) | exceljs: per build, median (min) | exceljs / ours: medians | per round |",
      "|---:|---:|---:|---:|---:|---:|",
      ...workerd.map(
        (r) =>
          `| ${r.units} | ${r.rounds} x ${r.reps} | ${r.ours.toFixed(2)} ms (${r.oursMin.toFixed(2)}) | ${r.exceljs.toFixed(1)} ms (${r.exceljsMin.toFixed(1)}) | ${(r.exceljs / r.ours).toFixed(1)}x | ${r.perRound.toFixed(1)}x |`,
      ),
    ].join("\n")
  : "";
if (workerdTable) console.log(`\n${workerdTable}`);

const table = [
  "| units | runs | ours: CPU median (min) | ours, JS SHA-256: CPU median | ours: wall | ours: file | exceljs: CPU median (min) | exceljs: wall | exceljs: file | exceljs / ours: medians | per round |",
  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...rows.map(
    (r) =>
      `| ${r.units} | ${r.runs} | ${r.ours.cpu.toFixed(2)} ms (${r.ours.min.toFixed(2)}) | ${r.sync.cpu.toFixed(2)} ms | ${r.ours.wall.toFixed(2)} ms | ${kib(r.ours.size)} | ` +
      `${r.exceljs.cpu.toFixed(1)} ms (${r.exceljs.min.toFixed(1)}) | ${r.exceljs.wall.toFixed(1)} ms | ${kib(r.exceljs.size)} | ${r.ratio.toFixed(1)}x | ${r.perRound.toFixed(1)}x |`,
  ),
].join("\n");
const bundles = `| bundle | minified | gzip |\n|---|---:|---:|\n| ours (worker/src/workbook, with fflate) | ${kib(ours.length)} | ${kib(gzipSync(ours).length)} |\n| exceljs 4.4.0 browser build (exceljs.bare.min.js) | ${kib(theirs.length)} | ${kib(gzipSync(theirs).length)} |`;
console.log(`\n${table}\n\n${bundles}`);

if (process.argv.includes("--write")) {
  const env = `Node ${process.version}, ${os.cpus()[0]?.model ?? "cpu"} x ${os.cpus().length}, load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}, ${new Date().toISOString()}`;
  const md = `# Workbook benchmark: our writer vs exceljs

Command: \`npm run bench:workbook -- --workerd --write\` (\`bench/workbook.bench.mjs\`), ${env}.
The workload is the real ranking workbook (bloc table with formulas, matrix, tally, nominations, provenance with the
SHA-256 of every input, very hidden inputs sheet): the demo bloc at 7 units, then blocs generated from the demo
template with a seeded generator. Both libraries render the same model (\`bench/exceljs-adapter.ts\`); exceljs is its
browser build, the one that runs in workerd (its Node build fails there on \`process.umask\`).

In **Node**, CPU time of the process per build (\`process.cpuUsage()\`, user + system, so exceljs's asynchronous zip
work and the garbage collector's threads count too):

${table}

${
  workerdTable
    ? `In **workerd** (\`npm run bench:workbook -- --workerd\`: \`wrangler dev\` serving bench/workerd/worker.ts; each request builds
the workbook several times with one library and is timed from outside, minus an empty request):

${workerdTable}
`
    : ""
}
${bundles}

Targets: the 7-unit ranking workbook within the Workers Free plan's 10 ms of CPU, and at least 5x less CPU than exceljs
at every size.

## Reading the figures
- "ours" is the worker's path: the SHA-256 of the inputs with Web Crypto (\`hashInputsAsync\`), the model, the bytes.
  "ours, JS SHA-256" is the pure path (\`hashInputs\` in JavaScript), used by scripts and tests. The exceljs column
  gets the same hashes and the same model, so the ratio compares the writing alone plus the shared work.
- The runs are interleaved (ours, exceljs, ours-JS, ours, ...) so that a change of load hits every contender alike;
  "per round" is the median of the per-round ratios. The machine has 2 cores shared with other sessions' test runs:
  medians move by 30-50% between runs (see the load average above), minima less.
- Where the CPU goes (V8 profile, 7 units): deflate (fflate) is about half of the writer's time, the XML strings and
  their UTF-8 encoding a quarter, the rest the model. So the writer keeps deflate for the parts where it pays: parts
  under 4 KiB are stored, and the very hidden sheet with the inputs' canonical JSON is stored uncompressed (inline
  strings), which is why our file is larger than exceljs's (56 KiB against 25 KiB at 7 units, 3 MiB against 0.5 MiB
  at 1,000 units). A slicing-by-8 CRC-32 replaces fflate's byte-at-a-time one for the stored parts.
- Tried and dropped: native deflate (\`CompressionStream("deflate-raw")\`): slower than fflate in Node on our parts
  (about 0.7 ms of fixed cost per part), and no measurable gain in workerd through \`wrangler dev\`.
- Verdict: the 7-unit workbook is far inside 10 ms of CPU (about 3-5 ms, in Node and in workerd). The 5x target is
  not met reliably: exceljs takes 4-5x our CPU at 7 units, about 4x at 100 units, and 4.5-7x at 1,000 units, depending
  on the run. What is left of ours is mostly fflate's deflate of the sheets' XML; the next step would be emitting
  fewer bytes (the matrix sheet is most of them) or a faster deflate.
`;
  writeFileSync(path.join(root, "bench/RESULTS-workbook.md"), md);
  console.log("\nwrote bench/RESULTS-workbook.md");
}
