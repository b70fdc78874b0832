#!/usr/bin/env node
/**
 * Load run (`npm run load`; not part of `npm test`). Starts `wrangler dev` on a free loopback port with a fresh local
 * D1 state directory, seeds a period of 50 units, and lets 50 concurrent clients push 2,000 sheets in all (40 each,
 * every push based on the previous revision). Clients retry like the add-in does: on a network error, a 5xx or a 429
 * they resend the same body with the same clientId; and 10% of accepted pushes are sent a second time on purpose (a
 * response "lost" on the way back). Afterwards it reads every unit's revision list back and checks that every
 * accepted push is present exactly once and nothing else is. Then it measures, in this process, the CPU time of the
 * worker's per-push computation (the domain core's validation, canonical hash and scoring) as a ratio to JSON.parse
 * of the same body, and the gzip size of the `wrangler deploy --dry-run` bundle.
 *
 * Then the race: each unit sends further pushes, and every one of them is sent by several senders at the same
 * moment (the same body and clientId, as an add-in retrying on one connection while its first attempt is still in
 * flight on another), each sender retrying as above. Exactly one of each must be stored; every sender must get the
 * same revision and content hash (one 201 first answer, the others replays); no 5xx. The check afterwards covers both
 * phases: lost, duplicated, unexpected.
 *
 * Options (env): LOAD_CLIENTS (50), LOAD_PUSHES (2000), LOAD_TIMEOUT_S (300), LOAD_RACE_PUSHES (200),
 * LOAD_RACE_SENDERS (5).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { applyMigrations, httpCall, ROOT, startWorker, stopAll, WORKER_DIR } from "../../scripts/start.mjs";

const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 50);
const PUSHES = Number(process.env.LOAD_PUSHES ?? 2000);
const TIMEOUT_MS = Number(process.env.LOAD_TIMEOUT_S ?? 300) * 1000;
const PER_CLIENT = Math.ceil(PUSHES / CLIENTS);
const PERIOD = "load-2017";
const RACE_PUSHES = Number(process.env.LOAD_RACE_PUSHES ?? 200);
const RACE_SENDERS = Number(process.env.LOAD_RACE_SENDERS ?? 5);

const core = await import(pathToFileURL(path.join(ROOT, "shared", "src", "index.ts")).href);

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The sheet a clerk would push for revision `n`: the demo entries with one note changed, so each revision differs. */
function sheetFor(n, base, clientId) {
  const entries = core.demoEntries("btl-tphcm").map((e) => ({ ...e }));
  const e = entries[n % entries.length];
  e.note = `Lần nộp ${n}: đã cập nhật số liệu`;
  return {
    templateId: core.demoTemplate.id,
    templateVersion: core.demoTemplate.version,
    baseRevision: base,
    clientId,
    entries,
  };
}

async function seedLoad(url, bootstrap) {
  const call = httpCall(url);
  const ok = async (m, p, b, statuses = [200, 201]) => {
    const r = await call(m, p, bootstrap, b);
    if (!statuses.includes(r.status)) throw new Error(`${m} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const units = Array.from({ length: CLIENTS }, (_, i) => `load-u${String(i + 1).padStart(2, "0")}`);
  for (const id of units) await ok("POST", "/units", { id, name: `Đơn vị tải ${id}`, shortName: id });
  await ok("POST", "/blocs", { id: "khoi-load", name: "Khối thử tải", kind: "khoi" });
  await ok("POST", "/templates", core.demoTemplate);
  await ok("POST", "/rulebooks", core.demoRulebook);
  const deadline = new Date(Date.now() + 86400_000).toISOString().replace(/\.\d+Z$/, "+00:00");
  await ok("POST", "/periods", {
    ...core.demoPeriod(deadline),
    id: PERIOD,
    blocId: "khoi-load",
    members: units,
    leaderUnitId: units[0],
    deputyUnitId: null,
  });
  await ok("POST", `/periods/${PERIOD}/transitions`, { to: "open" });
  const tokens = [];
  for (const unitId of units)
    tokens.push({
      unitId,
      token: (await ok("POST", "/tokens", { role: "clerk", unitId, label: `Tải ${unitId}` })).token,
    });
  return tokens;
}

/** Sends one push, retrying like the add-in on a network error, a 5xx or a 429 (same body, same clientId). */
function makeSender(url, stats, latencies, stopAt) {
  return async (unitId, token, body) => {
    for (let attempt = 0; attempt < 20; attempt++) {
      if (Date.now() > stopAt) throw new Error("load run timed out");
      const t0 = performance.now();
      let status = 0;
      let json = null;
      let replay = false;
      try {
        const r = await fetch(`${url}/api/v1/periods/${PERIOD}/units/${unitId}/submissions`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        status = r.status;
        if (status >= 500) stats.serverErrors++;
        json = await r.json();
        replay = r.headers.get("x-idempotent-replay") === "true";
        if (replay) stats.replays++;
      } catch (e) {
        // A connection reset, or a body cut short (its status, if any, was counted above): resend.
        status = 0;
        const kind = e?.cause?.code ?? e?.name ?? "error";
        stats.transportErrors[kind] = (stats.transportErrors[kind] ?? 0) + 1;
      }
      latencies.push(performance.now() - t0);
      stats.requests++;
      stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
      if (status === 201) return { ...json, replay };
      if (status === 0 || status >= 500 || status === 429) {
        stats.retries++;
        await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
        continue;
      }
      stats.errors++;
      throw new Error(`${unitId}: unexpected ${status} ${JSON.stringify(json)}`);
    }
    throw new Error(`${unitId}: gave up after 20 attempts`);
  };
}

const newStats = () => ({
  requests: 0,
  retries: 0,
  replays: 0,
  deliberateRepeats: 0,
  errors: 0,
  serverErrors: 0,
  statuses: {},
  transportErrors: {},
});

async function runClients(url, clients) {
  const latencies = [];
  const accepted = new Map(); // clientId -> { unitId, revision }
  const bases = new Map(); // unitId -> latest revision
  const stats = newStats();
  const send = makeSender(url, stats, latencies, Date.now() + TIMEOUT_MS);
  const t0 = performance.now();
  await Promise.all(
    clients.map(async ({ unitId, token }, ci) => {
      let base = null;
      for (let n = 1; n <= PER_CLIENT && ci * PER_CLIENT + n <= PUSHES; n++) {
        const clientId = `load-${unitId}-${n}-${Math.random().toString(36).slice(2, 10)}`;
        const body = sheetFor(n, base, clientId);
        const answer = await send(unitId, token, body);
        if (!accepted.has(clientId)) accepted.set(clientId, { unitId, revision: answer.revision });
        if (Math.random() < 0.1) {
          // The answer "was lost": the add-in sends the same push again and must get the same answer.
          stats.deliberateRepeats++;
          const again = await send(unitId, token, body);
          if (again.revision !== answer.revision || again.contentHash !== answer.contentHash)
            throw new Error(`repeat of ${clientId} gave a different answer`);
        }
        base = answer.revision;
      }
      bases.set(unitId, base);
    }),
  );
  const wallMs = performance.now() - t0;
  return { latencies, accepted, stats, wallMs, bases };
}

/**
 * The idempotent retry path under real concurrency: each push is sent by RACE_SENDERS senders at once. Returns the
 * race's own figures; its accepted pushes join `accepted` for the final check.
 */
async function runRaces(url, clients, bases, accepted) {
  const latencies = [];
  const stats = newStats();
  const send = makeSender(url, stats, latencies, Date.now() + TIMEOUT_MS);
  let firstAnswers = 0;
  let disagreements = 0;
  /** Pushes that more than one sender was told were stored for the first time (must be none). */
  let doubleFirsts = 0;
  const perClient = Math.ceil(RACE_PUSHES / clients.length);
  const t0 = performance.now();
  await Promise.all(
    clients.map(async ({ unitId, token }, ci) => {
      let base = bases.get(unitId) ?? null;
      for (let n = 1; n <= perClient && ci * perClient + n <= RACE_PUSHES; n++) {
        const clientId = `race-${unitId}-${n}-${Math.random().toString(36).slice(2, 10)}`;
        const body = sheetFor(1000 + n, base, clientId);
        const answers = await Promise.all(Array.from({ length: RACE_SENDERS }, () => send(unitId, token, body)));
        const firsts = answers.filter((a) => !a.replay).length;
        firstAnswers += firsts;
        if (firsts > 1) doubleFirsts++;
        const first = answers[0];
        if (answers.some((a) => a.revision !== first.revision || a.contentHash !== first.contentHash)) disagreements++;
        accepted.set(clientId, { unitId, revision: first.revision });
        base = first.revision;
      }
    }),
  );
  const wallMs = performance.now() - t0;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    pushes: RACE_PUSHES,
    sendersPerPush: RACE_SENDERS,
    requests: stats.requests,
    wallSeconds: +(wallMs / 1000).toFixed(2),
    // At most one per push: fewer when the sender that got the first answer lost it to a reset and was answered
    // again from the stored push.
    firstAnswers,
    doubleFirsts,
    idempotentReplays: stats.replays,
    disagreements,
    serverErrors: stats.serverErrors,
    retries: stats.retries,
    statuses: stats.statuses,
    transportErrors: stats.transportErrors,
    latencyMs: { p50: +percentile(sorted, 50).toFixed(1), p99: +percentile(sorted, 99).toFixed(1) },
  };
}

async function verify(url, clients, accepted) {
  let present = 0;
  let duplicates = 0;
  let unexpected = 0;
  const byClientId = new Map();
  for (const { unitId, token } of clients) {
    const r = await fetch(`${url}/api/v1/periods/${PERIOD}/units/${unitId}/submissions`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { revisions } = await r.json();
    for (const rev of revisions) byClientId.set(rev.clientId, (byClientId.get(rev.clientId) ?? 0) + 1);
  }
  for (const [clientId, count] of byClientId) {
    if (!accepted.has(clientId)) unexpected++;
    if (count > 1) duplicates += count - 1;
  }
  for (const clientId of accepted.keys()) if (byClientId.get(clientId) === 1) present++;
  return {
    stored: [...byClientId.values()].reduce((a, b) => a + b, 0),
    present,
    lost: accepted.size - present,
    duplicates,
    unexpected,
  };
}

/** CPU time of the worker's per-push computation vs JSON.parse of the same body, in this process. */
async function cpuRatio() {
  const body = JSON.stringify(sheetFor(1, null, "cpu-ratio-client-0001"));
  const template = core.demoTemplate;
  const rulebook = core.demoRulebook;
  const N = 4000;
  const measure = async (fn) => {
    for (let i = 0; i < 200; i++) await fn(); // warm-up
    const start = process.cpuUsage();
    for (let i = 0; i < N; i++) await fn();
    const d = process.cpuUsage(start);
    return (d.user + d.system) / N; // microseconds
  };
  const parseOnly = await measure(() => JSON.parse(body));
  const push = await measure(async () => {
    const parsed = JSON.parse(body);
    const v = core.validateSubmission(template, parsed);
    const canonical = core.canonicalEntries(v.entries);
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical));
    const s = core.scoreUnit(template, rulebook, v.entries);
    core.entriesText(v.entries); // the stored text
    JSON.stringify(s.self);
  });
  return { bodyBytes: body.length, parseUs: parseOnly, pushUs: push, ratio: push / parseOnly };
}

function bundleSize() {
  const out = mkdtempSync(path.join(tmpdir(), "thidua-bundle-"));
  try {
    const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", out], {
      cwd: WORKER_DIR,
      encoding: "utf8",
      env: { ...process.env, PATH: `${path.join(ROOT, "node_modules", ".bin")}${path.delimiter}${process.env.PATH}` },
    });
    if (r.status !== 0) return { error: r.stderr.slice(-500) };
    const files = readdirSync(out).filter((f) => f.endsWith(".js"));
    let raw = 0;
    let gz = 0;
    for (const f of files) {
      const buf = readFileSync(path.join(out, f));
      raw += statSync(path.join(out, f)).size;
      gz += gzipSync(buf, { level: 9 }).length;
    }
    return { files, rawKiB: raw / 1024, gzipKiB: gz / 1024 };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function main() {
  for (const sig of ["SIGINT", "SIGTERM"])
    process.on(sig, () => {
      stopAll();
      process.exit(130);
    });
  const stateDir = mkdtempSync(path.join(tmpdir(), "thidua-load-"));
  const port = await freePort();
  const bootstrap = `load_${createHash("sha256").update(String(Math.random())).digest("hex")}`;
  try {
    applyMigrations({ persistTo: stateDir });
    const { url } = await startWorker({ port, persistTo: stateDir, quiet: true, vars: { BOOTSTRAP_TOKEN: bootstrap } });
    console.log(`worker on ${url}, state in ${stateDir}`);
    const clients = await seedLoad(url, bootstrap);
    console.log(`${clients.length} clients, ${PUSHES} pushes (${PER_CLIENT} each), with retries and 10% repeats…`);
    const { latencies, accepted, stats, wallMs, bases } = await runClients(url, clients);
    const mainAccepted = accepted.size;
    console.log(`race: ${RACE_PUSHES} pushes, each sent by ${RACE_SENDERS} senders at once…`);
    const race = await runRaces(url, clients, bases, accepted);
    const check = await verify(url, clients, accepted);
    const sorted = [...latencies].sort((a, b) => a - b);
    const report = {
      clients: clients.length,
      acceptedPushes: mainAccepted,
      requests: stats.requests,
      wallSeconds: +(wallMs / 1000).toFixed(2),
      throughputPushesPerSecond: +(accepted.size / (wallMs / 1000)).toFixed(1),
      throughputRequestsPerSecond: +(stats.requests / (wallMs / 1000)).toFixed(1),
      latencyMs: {
        p50: +percentile(sorted, 50).toFixed(1),
        p99: +percentile(sorted, 99).toFixed(1),
        max: +sorted[sorted.length - 1].toFixed(1),
      },
      statuses: stats.statuses,
      retries: stats.retries,
      transportErrors: stats.transportErrors,
      deliberateRepeats: stats.deliberateRepeats,
      idempotentReplays: stats.replays,
      errors: stats.errors,
      serverErrors: stats.serverErrors,
      race,
      ...check,
    };
    stopAll();
    report.cpu = await cpuRatio();
    report.bundle = bundleSize();
    console.log(JSON.stringify(report, null, 2));
    const racedOnce = race.doubleFirsts === 0 && race.disagreements === 0;
    if (
      check.lost !== 0 ||
      check.duplicates !== 0 ||
      check.unexpected !== 0 ||
      mainAccepted !== PUSHES ||
      accepted.size !== PUSHES + RACE_PUSHES ||
      stats.serverErrors + race.serverErrors !== 0 ||
      !racedOnce
    ) {
      console.error("FAILED: lost, duplicated or unexpected pushes, a 5xx, or racing senders that disagreed");
      process.exitCode = 1;
    }
  } finally {
    stopAll();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  stopAll();
  process.exit(1);
});
