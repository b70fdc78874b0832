/**
 * Benchmark of the domain core (not a timed test): validates and consolidates push bodies read from JSON text, and
 * reports the cost as a ratio to `JSON.parse` of the same text, measured in the same run (parsing is the floor:
 * nothing can consolidate what it has not read).
 *
 *   npm run bench:core            # both sizes, plus a linearity sweep
 *   npm run bench:core -- --quick # fewer rounds
 *   npm run bench:core -- --no-sweep # the two sizes and the push only
 *   npm run bench:core -- --units=100,1000 # the sweep at these unit counts only (50 and 120 criteria each)
 *   node --cpu-prof bench/core.bench.ts --loop [--bloc] [--consolidate]   # a loop to profile, no output
 *
 * It runs on Node's own TypeScript support (type stripping), i.e. the core's code as a bundler ships it; tsx would
 * add a `__name()` call to every closure it creates (esbuild's keepNames), which is not what runs in production.
 *
 * Sizes: (a) a bloc of 7 units x 50 criteria; (b) a city of 40 blocs x 12 units x 120 criteria.
 * Each round times, over the same array of JSON texts (one push body per unit):
 *   parse     = JSON.parse of every body
 *   pipeline  = JSON.parse + validateSubmission of every body, keeping its scores (the codes and scores of its `lines`: a
 *               sheet in template order shares the template's codes, as the worker's `knownCodes` gives them; the
 *               worker's push hashes and stores the same columns, and reads no `entries`), + consolidate of
 *               every bloc from those scores (ballots and flags included): the product's path, where each push is
 *               validated in its own request and the bloc table consolidates the stored scores (SQLite takes them out
 *               of the stored entries: worker/src/repository.ts `SCORES_OF`); no sheet's texts outlive its push
 *   held      = the same with every validated sheet kept whole (entries with their evidence and notes) until the
 *               bloc is consolidated: the pipeline of rounds 1-6, which no route runs (kept for comparison)
 * and reports medians of CPU time and ratio = pipeline / parse (the core's own share is ratio - 1), the held
 * pipeline's ratio beside it, plus the split of the core's share between validation and consolidation.
 *
 * The push: one sheet per request, what worker/src/service.ts `pushSubmission` computes before it writes: validation,
 * the canonical text and its SHA-256 (node:crypto here, crypto.subtle there: the same digest of the same bytes), the
 * stored text and the scores, from the sheet's columns (`lines`). Beside it, the same from its entries (`entries`,
 * made on first read): the push of rounds 1-9. Timed per sheet over 200 sheets, in blocks of ~200 ms as above, as a
 * ratio to JSON.parse of the body.
 */
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import {
  type Ballot,
  canonicalEntries,
  consolidate,
  demoRulebook,
  entriesText,
  type Flags,
  type Rulebook,
  type SheetScores,
  scoreUnit,
  type Template,
  validateSubmission,
} from "../shared/src/index.ts";
import { makeBody, makeTemplate } from "./fixtures.ts";

const QUICK = process.argv.includes("--quick");
/** The CPU time of one timed block: long enough to span several of the collector's cycles at every size. */
const BLOCK_MS = 200;

interface Bloc {
  periodId: string;
  members: string[];
  bodies: string[];
  ballots: Ballot[];
  flags: Record<string, Flags>;
}

function makeCity(blocCount: number, unitsPerBloc: number, template: Template): Bloc[] {
  const blocs: Bloc[] = [];
  for (let b = 0; b < blocCount; b++) {
    const members = Array.from({ length: unitsPerBloc }, (_, u) => `b${b}-u${u}`);
    const bodies = members.map((_, u) => makeBody(template, b * 1000 + u + 1));
    const ballots = members.map((_, u) => ({
      choices: [members[u % 3]!, members[(u % 3) + 1]!],
    }));
    const flags: Record<string, Flags> = {
      [members[0]!]: { violation: false, withdrawn: true, reason: "" },
      [members[members.length - 1]!]: { violation: true, withdrawn: false, reason: "" },
    };
    blocs.push({ periodId: `p${b}`, members, bodies, ballots, flags });
  }
  return blocs;
}

/** Each bloc's sheets validated, their scores by unit id: what consolidation alone starts from. */
function scoresOf(blocs: Bloc[], template: Template): Record<string, SheetScores>[] {
  return blocs.map((b) =>
    Object.fromEntries(
      b.bodies.map((body, i) => {
        const { codes, scores } = validateSubmission(template, JSON.parse(body)).lines;
        return [b.members[i]!, { codes, scores }];
      }),
    ),
  );
}

function parseAll(blocs: Bloc[]): number {
  let n = 0;
  for (const bloc of blocs)
    for (const body of bloc.bodies) n += (JSON.parse(body) as { entries: unknown[] }).entries.length;
  return n;
}

/** `held`: every validated sheet kept whole until consolidation; otherwise only its scores. */
function pipeline(blocs: Bloc[], template: Template, rulebook: Rulebook, held = false): number {
  let n = 0;
  for (const bloc of blocs) {
    const submissions: Record<string, SheetScores> = {};
    bloc.bodies.forEach((body, i) => {
      const v = validateSubmission(template, JSON.parse(body));
      if (!v.ok) throw new Error(`bench data invalid: ${JSON.stringify(v.errors.slice(0, 3))}`);
      // The sheet's scores alone (the codes are the template's): what the bloc table reads from storage.
      submissions[bloc.members[i]!] = held ? v.entries : { codes: v.lines.codes, scores: v.lines.scores };
    });
    const table = consolidate({
      period: { id: bloc.periodId, year: 2017, members: bloc.members },
      template,
      rulebook,
      units: [],
      submissions,
      flags: bloc.flags,
      ballots: bloc.ballots,
    });
    n += table.rows.length;
  }
  return n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * CPU time of this process in ms (user + system). The machines here are shared: wall time counts the waits for a
 * core another process holds, CPU time does not. It does count the collector's helper threads, which is fair.
 */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Row {
  name: string;
  cells: number;
  bytes: number;
  /** Median ms of CPU per call. */
  parse: number;
  validate: number;
  consolidate: number;
  pipe: number;
  /** Median over rounds of pipeline / parse. */
  ratio: number;
  /** Median over rounds of held pipeline / parse. */
  heldRatio: number;
}

function measure(name: string, blocCount: number, units: number, criteria: number): Row {
  const template = makeTemplate(criteria);
  const blocs = makeCity(blocCount, units, template);
  const bytes = blocs.reduce((s, b) => s + b.bodies.reduce((t, x) => t + Buffer.byteLength(x), 0), 0);
  const cells = blocCount * units * criteria;
  // For the split of the core's cost: validation alone (parse + validate, minus parse) and consolidation alone.
  const validated = scoresOf(blocs, template);
  const parseValidate = () => {
    let n = 0;
    for (const b of blocs)
      for (const body of b.bodies) n += validateSubmission(template, JSON.parse(body)).lines.scores.length;
    return n;
  };
  const consolidateOnly = () => {
    let n = 0;
    blocs.forEach((b, i) => {
      n += consolidate({
        period: { id: b.periodId, year: 2017, members: b.members },
        template,
        rulebook: demoRulebook,
        units: [],
        submissions: validated[i]!,
        flags: b.flags,
        ballots: b.ballots,
      }).rows.length;
    });
    return n;
  };
  const full = () => pipeline(blocs, template, demoRulebook);
  const held = () => pipeline(blocs, template, demoRulebook, true);
  const parse = () => parseAll(blocs);
  // Warm up for a fixed time, not a fixed count, so that the small size too reaches the optimising compiler.
  const warmUntil = performance.now() + (QUICK ? 700 : 2000);
  while (performance.now() < warmUntil) {
    parse();
    full();
    parseValidate();
    consolidateOnly();
  }
  // Blocks of ~200 ms of work, each spanning several minor collections, so that each kind of block pays for the
  // collections its own allocation brings. With blocks of 25 ms (until round 11), a block at 1,000 units was one
  // call, and the collector's phase locked to the sequence of blocks for the whole run: either every JSON.parse
  // block held a collection or none did, and the ratio at 1,000 x 50 came out 1.43-1.44 or 1.52-1.53 by the
  // process (bench/RESULTS-cloudflare.md, round 11).
  const t0 = performance.now();
  full();
  const reps = Math.max(1, Math.round(BLOCK_MS / Math.max(performance.now() - t0, 0.001)));
  const block = (fn: () => number) => {
    let sink = 0;
    const a = cpuMs();
    for (let i = 0; i < reps; i++) sink += fn();
    const ms = (cpuMs() - a) / reps;
    if (sink < 0) console.log(sink);
    return ms;
  };
  const rounds = QUICK ? 5 : 11;
  const p: number[] = [];
  const q: number[] = [];
  const pv: number[] = [];
  const c: number[] = [];
  const ratio: number[] = [];
  const heldRatio: number[] = [];
  // The four measurements alternate block by block, and each round gives its own ratio.
  for (let r = 0; r < rounds; r++) {
    const tp = block(parse);
    const tq = block(full);
    pv.push(block(parseValidate));
    c.push(block(consolidateOnly));
    p.push(tp);
    q.push(tq);
    ratio.push(tq / tp);
  }
  // The held pipeline after them, in rounds of its own with its parse: the collector's work that its kept sheets
  // leave behind (promotion, old-generation marking) would otherwise be charged to the blocks that follow it.
  for (let r = 0; r < rounds; r++) {
    const tp = block(parse);
    heldRatio.push(block(held) / tp);
  }
  const mp = median(p);
  return {
    name,
    cells,
    bytes,
    parse: mp,
    validate: median(pv) - mp,
    consolidate: median(c),
    pipe: median(q),
    ratio: median(ratio),
    heldRatio: median(heldRatio),
  };
}

/** The push's work on one body, from the sheet's columns or (`fromEntries`) from its entries. */
function pushWork(template: Template, body: string, fromEntries: boolean): number {
  const v = validateSubmission(template, JSON.parse(body));
  if (!v.ok) throw new Error("bench data invalid");
  const sheet = fromEntries ? v.entries : v.lines;
  const hash = createHash("sha256").update(canonicalEntries(sheet)).digest("hex");
  const stored = entriesText(sheet);
  const totals = JSON.stringify(scoreUnit(template, demoRulebook, sheet).self);
  return hash.length + stored.length + totals.length;
}

interface PushRow {
  criteria: number;
  bytes: number;
  /** Median µs of CPU per sheet. */
  parse: number;
  lines: number;
  entries: number;
  /** Medians over rounds of the push's cost / parse. */
  ratio: number;
  entriesRatio: number;
}

function measurePush(criteria: number): PushRow {
  const template = makeTemplate(criteria);
  const bodies = Array.from({ length: 200 }, (_, u) => makeBody(template, u + 1));
  const bytes = Math.round(bodies.reduce((s, b) => s + Buffer.byteLength(b), 0) / bodies.length);
  let reps = 5;
  const run = (fn: (b: string) => number) => {
    let sink = 0;
    const a = cpuMs();
    for (let k = 0; k < reps; k++) for (const b of bodies) sink += fn(b);
    if (sink < 0) console.log(sink);
    return ((cpuMs() - a) * 1000) / (reps * bodies.length);
  };
  const parse = (b: string) => (JSON.parse(b) as { entries: unknown[] }).entries.length;
  const lines = (b: string) => pushWork(template, b, false);
  const entries = (b: string) => pushWork(template, b, true);
  const warmUntil = performance.now() + (QUICK ? 700 : 2000);
  while (performance.now() < warmUntil) {
    run(parse);
    run(lines);
    run(entries);
  }
  // Blocks of ~BLOCK_MS, as above.
  reps = Math.max(1, Math.round((BLOCK_MS * 1000) / (run(lines) * bodies.length)));
  const p: number[] = [];
  const l: number[] = [];
  const e: number[] = [];
  const ratio: number[] = [];
  const entriesRatio: number[] = [];
  for (let r = 0; r < (QUICK ? 5 : 11); r++) {
    const tp = run(parse);
    const tl = run(lines);
    const te = run(entries);
    p.push(tp);
    l.push(tl);
    e.push(te);
    ratio.push(tl / tp);
    entriesRatio.push(te / tp);
  }
  return {
    criteria,
    bytes,
    parse: median(p),
    lines: median(l),
    entries: median(e),
    ratio: median(ratio),
    entriesRatio: median(entriesRatio),
  };
}

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);

if (process.argv.includes("--loop")) {
  // For a profiler: node --cpu-prof bench/core.bench.ts --loop [--bloc]
  const bloc = process.argv.includes("--bloc");
  const template = makeTemplate(bloc ? 50 : 120);
  const blocs = bloc ? makeCity(1, 7, template) : makeCity(40, 12, template);
  if (process.argv.includes("--consolidate")) {
    const validated = scoresOf(blocs, template);
    for (let i = 0; i < (bloc ? 50000 : 300); i++)
      blocs.forEach((b, j) => {
        consolidate({
          period: { id: b.periodId, year: 2017, members: b.members },
          template,
          rulebook: demoRulebook,
          units: [],
          submissions: validated[j]!,
          flags: b.flags,
          ballots: b.ballots,
        });
      });
  } else for (let i = 0; i < (bloc ? 20000 : 100); i++) pipeline(blocs, template, demoRulebook);
  process.exit(0);
}

console.log(`node ${process.version}, ${process.platform}/${process.arch}, CPU time, medians of rounds`);
console.log(
  "| size | JSON bytes | JSON.parse | validate | consolidate | parse + validate + consolidate | ratio to JSON.parse | sheets held: ratio |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
for (const [name, b, u, c] of [
  ["bloc: 7 units x 50 criteria", 1, 7, 50],
  ["city: 40 blocs x 12 units x 120 criteria", 40, 12, 120],
] as const) {
  const r = measure(name, b, u, c);
  console.log(
    `| ${r.name} | ${r.bytes} | ${fmt(r.parse)} | ${fmt(r.validate)} | ${fmt(r.consolidate)} | ${fmt(r.pipe)} | ${r.ratio.toFixed(2)} | ${r.heldRatio.toFixed(2)} |`,
  );
}

console.log(
  "\nThe push, per sheet (validation, canonical text and SHA-256, stored text, scores; from the columns, and from entries):",
);
console.log(
  "| criteria | JSON bytes | JSON.parse | push | ratio to JSON.parse | push from entries | ratio to JSON.parse |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const c of [50, 120]) {
  const r = measurePush(c);
  console.log(
    `| ${r.criteria} | ${r.bytes} | ${r.parse.toFixed(1)} µs | ${r.lines.toFixed(1)} µs | ${r.ratio.toFixed(2)} | ${r.entries.toFixed(1)} µs | ${r.entriesRatio.toFixed(2)} |`,
  );
}

// Linearity: one bloc per size, units and criteria swept separately; the cost per cell and the ratio should stay flat.
if (process.argv.includes("--no-sweep")) process.exit(0);
const only = process.argv.find((a) => a.startsWith("--units="));
const unitSizes = only ? only.slice(8).split(",").map(Number) : [7, 100, 500, 1000];
console.log("\nLinearity (one bloc per size; units and criteria swept separately; CPU per unit x criterion cell):");
console.log(
  "| units x criteria | cells | JSON.parse | validate | consolidate | parse + validate + consolidate | per cell | ratio to JSON.parse | sheets held: ratio |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const c of [50, 120])
  for (const u of unitSizes) {
    const r = measure(`${u} x ${c}`, 1, u, c);
    console.log(
      `| ${u} x ${c} | ${r.cells} | ${fmt(r.parse)} | ${fmt(r.validate)} | ${fmt(r.consolidate)} | ${fmt(r.pipe)} | ${((r.pipe * 1e6) / r.cells).toFixed(0)} ns | ${r.ratio.toFixed(2)} | ${r.heldRatio.toFixed(2)} |`,
    );
  }
