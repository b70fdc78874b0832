#!/usr/bin/env node
/**
 * Sealed-ballot benchmark (issue 16): what a vote costs where it runs.
 * - the voter's browser: sealing a ballot (encrypt + prove) for 7 and 40 member units in headless Chromium with 4x
 *   CPU throttling (DevTools' Emulation.setCPUThrottlingRate), timed in the page;
 * - the worker: checking a ballot on receipt, and checking a trustee's partial decryption, inside workerd
 *   (`wrangler dev` serving bench/workerd/ballot.ts; each request repeats the check, timed from outside minus an
 *   empty request with the same body);
 * - Node 22 (same V8 as workerd), CPU time (process.cpuUsage) of each step, including the trustee's decryption.
 *
 *   npm run bench:ballot [-- --write]   # --write: bench/RESULTS-ballot.md; --no-workerd skips workerd
 *   npm run bench:ballot -- --baseline <git ref>   # also checks with that ref's sealed.ts, interleaved, same run
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { tsImport } from "tsx/esm/api";
import { wranglerDev } from "./wrangler-dev.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const S = await tsImport("../shared/src/sealed.ts", import.meta.url);
// --baseline <ref>: that ref's sealed.ts goes into bench/workerd/baseline.ts for this run (restored at exit), and
// every check is also timed with it, interleaved with today's, on ballots it sealed itself.
const baselineAt = process.argv.indexOf("--baseline");
const baselineRef = baselineAt > 0 ? process.argv[baselineAt + 1] : null;
const baselineFile = path.join(root, "bench/workerd/baseline.ts");
const baselineDefault = readFileSync(baselineFile, "utf8");
if (baselineRef) {
  writeFileSync(baselineFile, execFileSync("git", ["show", `${baselineRef}:shared/src/sealed.ts`], { cwd: root }));
  process.on("exit", () => writeFileSync(baselineFile, baselineDefault));
}
const B = baselineRef ? await tsImport("./workerd/baseline.ts", import.meta.url) : null;
const random = (n) => crypto.getRandomValues(new Uint8Array(n));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f1 = (x) => x.toFixed(1);

function election(units, choicesPerBallot) {
  const members = Array.from({ length: units }, (_, i) => `don-vi-${i + 1}`);
  const shares = ["van-phong-khoi-truong", "dai-dien-hoi-dong"].map((id) => ({
    id,
    ...S.makeTrusteeKey("bench", id, random),
  }));
  const ctx = {
    periodId: "bench",
    members,
    choicesPerBallot,
    electionKey: S.combineElectionKey(shares.map((s) => s.key.publicKey)),
  };
  return { ctx, shares, members };
}

const SIZES = [
  { units: 7, choices: 2 },
  { units: 40, choices: 5 },
];

function cpu(fn) {
  const a = process.cpuUsage();
  const out = fn();
  const b = process.cpuUsage(a);
  return { ms: (b.user + b.system) / 1000, out };
}

// ---- Node
const node = [];
for (const { units, choices } of SIZES) {
  const { ctx, shares, members } = election(units, choices);
  const seal = [];
  const check = [];
  let ballot;
  const before = { seal: [], check: [], ballot: null };
  for (let i = 0; i < 7; i++) {
    const s = cpu(() => S.sealBallot(ctx, members.slice(0, choices), random));
    ballot = s.out;
    const c = cpu(() => S.checkSealedBallot(ctx, ballot));
    if (c.out !== null) throw new Error("an honest ballot was refused");
    if (i > 0) {
      seal.push(s.ms);
      check.push(c.ms);
    }
    if (B) {
      const bs = cpu(() => B.sealBallot(ctx, members.slice(0, choices), random));
      before.ballot = bs.out;
      const bc = cpu(() => B.checkSealedBallot(ctx, bs.out));
      if (bc.out !== null) throw new Error("the baseline refused an honest ballot");
      if (i > 0) {
        before.seal.push(bs.ms);
        before.check.push(bc.ms);
      }
    }
  }
  const ballots = Array.from({ length: units }, (_, i) =>
    S.sealBallot(ctx, members.slice(i % units, (i % units) + 1), random),
  );
  const aggregate = S.aggregateBallots(units, ballots);
  const decrypt = [];
  const checkPart = [];
  const combine = [];
  let part;
  for (let i = 0; i < 5; i++) {
    const d = cpu(() => S.partialDecrypt(ctx, shares[0].id, shares[0].secret, aggregate, random));
    part = d.out;
    const c = cpu(() => S.checkPartialDecryption(ctx, shares[0].key.publicKey, aggregate, part));
    const other = S.partialDecrypt(ctx, shares[1].id, shares[1].secret, aggregate, random);
    const k = cpu(() => S.combineDecryptions(aggregate, [part, other], units));
    decrypt.push(d.ms);
    checkPart.push(c.ms);
    combine.push(k.ms);
  }
  node.push({
    units,
    choices,
    bytes: JSON.stringify(ballot).length,
    seal: median(seal),
    check: median(check),
    decrypt: median(decrypt),
    checkPart: median(checkPart),
    combine: median(combine),
    sample: { ctx, ballot, aggregate, part, publicKey: shares[0].key.publicKey },
    before: B
      ? {
          bytes: JSON.stringify(before.ballot).length,
          seal: median(before.seal),
          check: median(before.check),
          sample: { ctx, ballot: before.ballot, aggregate, part, publicKey: shares[0].key.publicKey },
        }
      : null,
  });
  if (B)
    console.log(
      `node ${units} units, baseline ${baselineRef}: seal ${f1(median(before.seal))} ms, check ${f1(median(before.check))} ms, ballot ${JSON.stringify(before.ballot).length} bytes`,
    );
  console.log(
    `node ${units} units: seal ${f1(median(seal))} ms, check ${f1(median(check))} ms, trustee decrypt ${f1(median(decrypt))} ms, check decryption ${f1(median(checkPart))} ms, combine ${f1(median(combine))} ms, ballot ${JSON.stringify(ballot).length} bytes`,
  );
}

// ---- workerd
async function inWorkerd() {
  const { port, stop } = await wranglerDev("bench/workerd/ballot.wrangler.jsonc");
  try {
    const hit = async (p, body, reps) => {
      const t = performance.now();
      const r = await fetch(`http://127.0.0.1:${port}${p}?reps=${reps}`, { method: "POST", body });
      const ok = Number(await r.text());
      return { ms: performance.now() - t, ok };
    };
    const out = [];
    for (const n of node) {
      const body = JSON.stringify(n.sample);
      const reps = n.units === 7 ? 5 : 2;
      for (const p of ["/ballot", "/decryption", "/noop"]) await hit(p, body, 1); // warm-up
      const bodyBefore = n.before ? JSON.stringify(n.before.sample) : null;
      if (bodyBefore) for (const p of ["/baseline/ballot", "/baseline/decryption"]) await hit(p, bodyBefore, 1);
      const ballot = [];
      const part = [];
      const ballotBefore = [];
      const partBefore = [];
      for (let i = 0; i < 7; i++) {
        const empty = (await hit("/noop", body, reps)).ms;
        const a = await hit("/ballot", body, reps);
        const b = await hit("/decryption", body, reps);
        if (a.ok !== reps || b.ok !== reps) throw new Error("workerd refused an honest ballot or decryption");
        ballot.push((a.ms - empty) / reps);
        part.push((b.ms - empty) / reps);
        if (bodyBefore) {
          const emptyBefore = (await hit("/noop", bodyBefore, reps)).ms;
          const c = await hit("/baseline/ballot", bodyBefore, reps);
          const d = await hit("/baseline/decryption", bodyBefore, reps);
          if (c.ok !== reps || d.ok !== reps) throw new Error("the baseline refused an honest ballot or decryption");
          ballotBefore.push((c.ms - emptyBefore) / reps);
          partBefore.push((d.ms - emptyBefore) / reps);
        }
      }
      out.push({
        units: n.units,
        ballot: median(ballot),
        ballotMin: Math.min(...ballot),
        part: median(part),
        before: bodyBefore
          ? { ballot: median(ballotBefore), ballotMin: Math.min(...ballotBefore), part: median(partBefore) }
          : null,
      });
      console.log(
        `workerd ${n.units} units: check a ballot ${f1(median(ballot))} ms (min ${f1(Math.min(...ballot))}), check a decryption ${f1(median(part))} ms`,
      );
      if (bodyBefore)
        console.log(
          `workerd ${n.units} units, baseline ${baselineRef}: check a ballot ${f1(median(ballotBefore))} ms (min ${f1(Math.min(...ballotBefore))}), check a decryption ${f1(median(partBefore))} ms`,
        );
    }
    return out;
  } finally {
    stop();
  }
}

// ---- Chromium, 4x CPU throttling
async function inChromium() {
  const bundle = await build({
    stdin: {
      contents: `import * as S from "./shared/src/sealed.ts"; globalThis.S = S;`,
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    format: "iife",
    platform: "browser",
    minify: true,
    write: false,
    logLevel: "error",
  });
  const code = bundle.outputFiles[0].text;
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  try {
    const out = [];
    for (const n of node) {
      // A fresh page per size: a voter seals one ballot, so the first one (cold tables, cold JIT) is what they wait.
      const page = await browser.newPage();
      await page.addScriptTag({ content: code });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
      const times = await page.evaluate(
        ({ ctx, choices }) => {
          const random = (k) => crypto.getRandomValues(new Uint8Array(k));
          const S = globalThis.S;
          const ts = [];
          for (let i = 0; i < 6; i++) {
            const t = performance.now();
            const b = S.sealBallot(ctx, ctx.members.slice(0, choices), random);
            ts.push(performance.now() - t);
            if (!b.ciphertexts.length) throw new Error("no ballot");
          }
          return ts;
        },
        { ctx: n.sample.ctx, choices: n.choices },
      );
      const first = times[0];
      const warm = median(times.slice(1));
      await page.close();
      out.push({ units: n.units, first, warm });
      console.log(`chromium 4x ${n.units} units: seal first ${f1(first)} ms, then median ${f1(warm)} ms`);
    }
    return out;
  } finally {
    await browser.close();
  }
}

const chrome = await inChromium().catch((e) => {
  console.error(`chromium: ${e.message}`);
  return null;
});
const workerd = process.argv.includes("--no-workerd")
  ? null
  : await inWorkerd().catch((e) => {
      console.error(`workerd: ${e.message}`);
      return null;
    });

if (process.argv.includes("--write")) {
  const load = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
  const row = (u) => node.find((n) => n.units === u);
  const lines = [
    "# Sealed-ballot benchmark",
    "",
    `Command: \`npm run bench:ballot -- --write${baselineRef ? ` --baseline ${baselineRef}` : ""}\` (\`bench/ballot.bench.mjs\`), Node ${process.version}, ${os.cpus()[0]?.model ?? "?"} x ${os.cpus().length}, load average ${load}, ${new Date().toISOString()}.`,
    "Group: ristretto255 from `@noble/curves` 2.4.0; hashes `@noble/hashes` 2.4.0. A ballot holds one ciphertext and one",
    "0-or-1 proof per member unit and one 0..choicesPerBallot proof of the sum; 7 units with 2 choices (the demo",
    "rulebook), 40 units with 5 choices. Two trustees.",
    "",
    "## The voter's browser: seal a ballot (encrypt and prove), headless Chromium, 4x CPU throttling",
    "",
    "| units | first ballot (fresh page: what a voter waits) | next ballots, median |",
    "|---:|---:|---:|",
    ...(chrome ?? []).map((c) => `| ${c.units} | ${f1(c.first)} ms | ${f1(c.warm)} ms |`),
    "",
    "## The worker: check a ballot on receipt, check a trustee's partial decryption (workerd, per check)",
    "",
    "| units | ballot size | check a ballot, median (min) | check a partial decryption |",
    "|---:|---:|---:|---:|",
    ...(workerd ?? []).flatMap((w) => [
      `| ${w.units} | ${(row(w.units).bytes / 1024).toFixed(1)} KiB | ${f1(w.ballot)} ms (${f1(w.ballotMin)}) | ${f1(w.part)} ms |`,
      ...(w.before
        ? [
            `| ${w.units}, baseline \`${baselineRef}\` | ${(row(w.units).before.bytes / 1024).toFixed(1)} KiB | ${f1(w.before.ballot)} ms (${f1(w.before.ballotMin)}) | ${f1(w.before.part)} ms |`,
          ]
        : []),
    ]),
    "",
    "## Node 22, CPU time per step (median)",
    "",
    "| units | seal | check a ballot | trustee: decrypt its part | check a partial decryption | combine the parts |",
    "|---:|---:|---:|---:|---:|---:|",
    ...node.flatMap((n) => [
      `| ${n.units} | ${f1(n.seal)} ms | ${f1(n.check)} ms | ${f1(n.decrypt)} ms | ${f1(n.checkPart)} ms | ${f1(n.combine)} ms |`,
      ...(n.before
        ? [`| ${n.units}, baseline \`${baselineRef}\` | ${f1(n.before.seal)} ms | ${f1(n.before.check)} ms | | | |`]
        : []),
    ]),
    "",
  ];
  writeFileSync(path.join(root, "bench/RESULTS-ballot.md"), lines.join("\n"));
  console.log("wrote bench/RESULTS-ballot.md");
}
