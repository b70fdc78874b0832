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

Command: \`npm run bench:workbook -- --write\` (\`bench/workbook.bench.mjs\`). Measured in **Node** (${env}).
Workerd runs the same V8 but freezes timers during a request, so CPU time cannot be read from inside it; Node with
\`process.cpuUsage()\` (user + system CPU of the process, so exceljs's asynchronous zip work is counted too) is the
closest honest measure. The workload is the real ranking workbook (bloc table with formulas, matrix, tally,
nominations, provenance with SHA-256 of every input, very hidden inputs sheet): the demo bloc at 7 units, then blocs
generated from the demo template with a seeded generator. Both libraries render the same model (\`bench/exceljs-adapter.ts\`);
exceljs is its browser build, the one that runs in workerd (its Node build fails there on \`process.umask\`).

${table}

${bundles}

Targets: the 7-unit ranking workbook within the Workers Free plan's 10 ms of CPU, and at least 5x less CPU than exceljs
at every size.
`;
  writeFileSync(path.join(root, "bench/RESULTS-workbook.md"), md);
  console.log("\nwrote bench/RESULTS-workbook.md");
}
