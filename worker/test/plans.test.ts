/**
 * No full scan on a hot path. A database holding 10 years x 40 blocs x 10 units x 5 revisions (filled with a few
 * recursive statements), then the push, pull, status, table, tally, ranking and period-list routes are called through
 * the app with a metered D1 binding that keeps every statement; each one is then asked for its query plan (EXPLAIN
 * QUERY PLAN, with its own bound values). A `SCAN` of a table that grows with the years fails the test: those reads
 * must go through an index (SEARCH), whatever the number of years behind them.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { demoEntries, demoTemplate } from "../../shared/src/index.ts";
import { createApp } from "../src/app.ts";
import { type SeedResult, seedDemo } from "../src/seed.ts";
import { VotingStore } from "../src/votingStore.ts";
import { meterD1, type Recorded } from "./d1meter.ts";
import { BOOT, call, DB, futureDeadline } from "./helpers.ts";

const P = "khoi-viii-2017";
const U = "ca-tphcm";
const GROWING = [
  "submissions",
  "reviews",
  "returns",
  "flags",
  "ballots",
  "audit",
  "periods",
  "tokens",
  "period_members",
  "voting_rounds",
  "trustee_keys",
  "sealed_ballots",
  "partial_decryptions",
  "ranking_books",
];
const YEARS = 10;
const BLOCS = 40;
const UNITS = 10;
const REVISIONS = 5;

/**
 * The years of history, in a few statements: units, blocs, periods, revisions, reviews, flags, ballots, audit, and
 * a sealed vote in every period (its round, two trustees' shares and decryptions, a sealed ballot per unit).
 */
async function fillYears(): Promise<void> {
  const seq = (n: number, name: string) =>
    `${name}(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM ${name} WHERE i + 1 < ${n})`;
  const at = "2020-01-01T00:00:00.000Z";
  await DB.batch([
    DB.prepare(
      `WITH RECURSIVE ${seq(BLOCS, "b")}, ${seq(UNITS, "u")} INSERT INTO units (id, name, short_name, created_at, updated_at) SELECT 'u-' || b.i || '-' || u.i, 'Đơn vị ' || b.i || '-' || u.i, 'ĐV' || u.i, '${at}', '${at}' FROM b, u`,
    ),
    DB.prepare(
      `WITH RECURSIVE ${seq(BLOCS, "b")} INSERT INTO blocs (id, name, kind, created_at) SELECT 'b-' || b.i, 'Khối ' || b.i, 'khoi', '${at}' FROM b`,
    ),
    // Bloc 0's periods also count the demo unit as a member, so a clerk of it has ten years of periods to list.
    DB.prepare(
      `WITH RECURSIVE ${seq(BLOCS, "b")}, ${seq(YEARS, "y")} INSERT INTO periods (id, bloc_id, year, state, body, created_at, updated_at) ` +
        `SELECT 'p-' || b.i || '-' || (2007 + y.i), 'b-' || b.i, 2007 + y.i, 'closed', json_object('id', 'p-' || b.i || '-' || (2007 + y.i), 'blocId', 'b-' || b.i, 'year', 2007 + y.i, ` +
        `'members', (WITH RECURSIVE ${seq(UNITS, "m")} SELECT json_group_array('u-' || b.i || '-' || m.i) FROM m) , 'templateId', '${demoTemplate.id}', 'templateVersion', 1, 'rulebookId', 'khoi-viii-qc', 'rulebookVersion', 1, 'submissionDeadline', '${at}'), '${at}', '${at}' FROM b, y`,
    ),
    DB.prepare(
      "INSERT INTO period_members (unit_id, period_id) SELECT 'ca-tphcm', id FROM periods WHERE bloc_id = 'b-0'",
    ),
    DB.prepare(
      `WITH RECURSIVE ${seq(UNITS, "u")}, ${seq(REVISIONS, "r")} INSERT INTO submissions (bloc_id, period_id, unit_id, revision, template_id, template_version, entries, content_hash, client_id, totals, actor_token, actor_label, received_at, late) ` +
        `SELECT p.bloc_id, p.id, 'u-' || substr(p.bloc_id, 3) || '-' || u.i, r.i + 1, '${demoTemplate.id}', 1, '[]', 'h', 'c-' || u.i || '-' || r.i, '{"total":0}', 't', 'Cán bộ', '${at}', 0 FROM periods p, u, r WHERE p.id LIKE 'p-%'`,
    ),
    DB.prepare(
      `WITH RECURSIVE ${seq(UNITS, "u")} INSERT INTO reviews (bloc_id, period_id, unit_id, revision, entries, note, content_hash, client_id, actor_token, actor_label, received_at) ` +
        `SELECT p.bloc_id, p.id, 'u-' || substr(p.bloc_id, 3) || '-' || u.i, 1, '[]', '', 'h', 'r-' || u.i, 't', 'Thư ký', '${at}' FROM periods p, u WHERE p.id LIKE 'p-%'`,
    ),
    DB.prepare(
      `INSERT INTO flags (bloc_id, period_id, unit_id, violation, withdrawn, reason, updated_at, actor_label) SELECT p.bloc_id, p.id, 'u-' || substr(p.bloc_id, 3) || '-0', 0, 0, '', '${at}', 'Thư ký' FROM periods p WHERE p.id LIKE 'p-%'`,
    ),
    DB.prepare(
      `INSERT INTO returns (bloc_id, period_id, unit_id, reason, returned_at, actor_label, open) SELECT p.bloc_id, p.id, 'u-' || substr(p.bloc_id, 3) || '-1', 'Thiếu', '${at}', 'Thư ký', 0 FROM periods p WHERE p.id LIKE 'p-%'`,
    ),
    DB.prepare(
      `WITH RECURSIVE ${seq(UNITS, "u")} INSERT INTO ballots (id, bloc_id, period_id, choices) SELECT hex(randomblob(12)), p.bloc_id, p.id, '[]' FROM periods p, u WHERE p.id LIKE 'p-%'`,
    ),
    // The ballots before the rounds: a closed box takes none (migration 0004's trigger).
    DB.prepare(
      `WITH RECURSIVE ${seq(UNITS, "u")} INSERT INTO sealed_ballots (id, bloc_id, period_id, fingerprint, body) SELECT hex(randomblob(12)), p.bloc_id, p.id, hex(randomblob(16)), '{}' FROM periods p, u WHERE p.id LIKE 'p-%'`,
    ),
    DB.prepare(
      `INSERT INTO voting_rounds (period_id, bloc_id, channel, trustees, opened_at, box_closed, aggregate) SELECT id, bloc_id, 'electronic', '[]', '${at}', 1, '[]' FROM periods WHERE id LIKE 'p-%'`,
    ),
    DB.prepare(
      `WITH RECURSIVE ${seq(2, "k")} INSERT INTO trustee_keys (period_id, trustee_id, body) SELECT p.id, 't-' || k.i, '{}' FROM periods p, k WHERE p.id LIKE 'p-%'`,
    ),
    DB.prepare(
      `WITH RECURSIVE ${seq(2, "k")} INSERT INTO partial_decryptions (period_id, trustee_id, body) SELECT p.id, 't-' || k.i, '{}' FROM periods p, k WHERE p.id LIKE 'p-%'`,
    ),
    DB.prepare(
      `INSERT INTO audit (bloc_id, period_id, unit_id, at, actor_token, actor_role, actor_label, action, detail, request_id) SELECT bloc_id, period_id, unit_id, '${at}', 't', 'clerk', 'Cán bộ', 'submission.push', '{}', 'r' FROM submissions WHERE period_id LIKE 'p-%'`,
    ),
    DB.prepare(
      `WITH RECURSIVE ${seq(UNITS, "u")} INSERT INTO tokens (id, hash, role, bloc_id, unit_id, period_id, label, created_at, created_by, used) SELECT hex(randomblob(8)), hex(randomblob(16)), 'voter', p.bloc_id, 'u-' || substr(p.bloc_id, 3) || '-' || u.i, p.id, 'voter', '${at}', 'test', 1 FROM periods p, u WHERE p.id LIKE 'p-%'`,
    ),
  ]);
}

const app = createApp();
const meter = meterD1(DB);

async function metered(method: string, path: string, token: string | null, body?: unknown): Promise<number> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers["content-type"] = "application/json";
  const ctx = createExecutionContext();
  const res = await app.fetch(
    new Request(`http://thidua.test/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    { ...env, DB: meter.db },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  if (res.status === 422) console.log(text.slice(0, 300));
  return res.status;
}

/** The query plan's lines that scan a table growing with the years. */
async function scans(r: Recorded): Promise<string[]> {
  const plan = await DB.prepare(`EXPLAIN QUERY PLAN ${r.sql}`)
    .bind(...r.params)
    .all<{ detail: string }>();
  const bad = new RegExp(`^SCAN (${GROWING.join("|")})\\b`);
  return plan.results.map((p) => p.detail).filter((d) => bad.test(d));
}

let seed: SeedResult;
beforeAll(async () => {
  seed = await seedDemo(call, BOOT, futureDeadline());
  await fillYears();
});

describe("query plans on ten years of data", () => {
  it("holds the years: 400 periods, 20,000 revisions", async () => {
    const n = await DB.prepare(
      "SELECT (SELECT COUNT(*) FROM periods) AS p, (SELECT COUNT(*) FROM submissions) AS s",
    ).first<{ p: number; s: number }>();
    expect(n!.p).toBe(YEARS * BLOCS + 1);
    expect(n!.s).toBe(YEARS * BLOCS * UNITS * REVISIONS);
  });

  it("no statement of the push, pull, status, table, tally, ranking and period-list routes scans a growing table", async () => {
    const clerk = seed.tokens.clerks[U]!;
    const sec = seed.tokens.secretariat;
    const push = (base: number | null, clientId: string) => ({
      templateId: demoTemplate.id,
      templateVersion: 1,
      baseRevision: base,
      clientId,
      entries: demoEntries(U),
    });
    meter.reset();
    const statuses = [
      await metered("POST", `/periods/${P}/units/${U}/submissions`, clerk, push(null, "plan-push-0001")),
      await metered("POST", `/periods/${P}/units/${U}/submissions`, clerk, push(null, "plan-push-0001")), // a retry
      await metered("POST", `/periods/${P}/units/${U}/submissions`, clerk, push(0, "plan-push-0002")), // stale
      await metered("GET", `/periods/${P}/sheet?unit=${U}`, clerk),
      await metered("GET", `/periods/${P}/units/${U}/submissions`, clerk),
      await metered("GET", `/periods/${P}/status`, sec),
      await metered("GET", `/periods/${P}/table`, sec),
      await metered("GET", `/periods/${P}/voting/tally`, sec),
      await metered("GET", `/periods/${P}/ranking.xlsx`, sec),
      await metered("GET", "/periods", clerk),
      await metered("GET", "/periods", sec),
      await metered("GET", "/periods?year=2017", seed.tokens.council),
      await metered("GET", "/council/2012", seed.tokens.council),
      // The sealed vote's reads, on a published period of those years and in the authentication's batch of its
      // write routes (refused here for the state or the role, after their reads).
      await metered("GET", "/periods/p-3-2012/voting/record", seed.tokens.council),
      await metered("GET", "/periods/p-3-2012/voting/tally", seed.tokens.council),
      await metered("GET", "/periods/p-3-2012/voting/election", seed.tokens.council),
      // A published period's ranking workbook: made and kept at the first download, read back at the second.
      await metered("GET", "/periods/p-3-2012/ranking.xlsx", seed.tokens.council),
      await metered("GET", "/periods/p-3-2012/ranking.xlsx", seed.tokens.council),
      await metered("POST", `/periods/${P}/voting/close`, sec),
      await metered("POST", `/periods/${P}/transitions`, sec, { to: "closed" }),
      await metered("POST", "/ballots", clerk, {}),
    ];
    expect(statuses).toEqual([
      201, 201, 409, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 423, 409, 403,
    ]);
    const seen = new Set<string>();
    const found: string[] = [];
    for (const r of meter.statements) {
      if (seen.has(r.sql)) continue;
      seen.add(r.sql);
      for (const line of await scans(r)) found.push(`${line}  <=  ${r.sql.slice(0, 160)}`);
    }
    expect(seen.size).toBeGreaterThan(10);
    // The sealed vote's tables were read (the routes above reached those statements) through their indexes.
    for (const table of ["voting_rounds", "trustee_keys", "sealed_ballots", "partial_decryptions"])
      expect([...seen].filter((q) => q.includes(`FROM ${table}`)).length, table).toBeGreaterThan(2);
    // The kept workbook was written (its stale parts dropped first) and read back.
    expect([...seen].filter((q) => q.includes("ranking_books")).length).toBeGreaterThanOrEqual(3);
    expect(found).toEqual([]);
    // The second download was served from the kept book: one call (the authentication's batch), no data read.
    meter.reset();
    expect(await metered("GET", "/periods/p-3-2012/ranking.xlsx", seed.tokens.council)).toBe(200);
    expect(meter.calls).toBe(1);
  });

  it("the ballot trigger's count reads one period through the index", async () => {
    const plan = await DB.prepare("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM ballots WHERE bloc_id = ? AND period_id = ?")
      .bind("b-3", "p-3-2012")
      .all<{ detail: string }>();
    const lines = plan.results.map((p) => p.detail);
    expect(
      lines.some((l) => /SEARCH ballots USING (COVERING )?INDEX ballots_period/.test(l)),
      lines.join("\n"),
    ).toBe(true);
  });
});

describe("query plans of the writes that check inside their batch", () => {
  it("a sealed ballot's cast, an access code's issue and revocation, a bloc's change: no scan of a growing table", async () => {
    const sec = seed.tokens.secretariat;
    meter.reset();
    const made = await app.fetch(
      new Request("http://thidua.test/api/v1/tokens", {
        method: "POST",
        headers: { authorization: `Bearer ${sec}`, "content-type": "application/json" },
        body: JSON.stringify({ role: "clerk", unitId: "vks-tphcm", label: "Đo kế hoạch" }),
      }),
      { ...env, DB: meter.db },
      createExecutionContext(),
    );
    expect(made.status).toBe(201);
    const id = ((await made.json()) as { id: string }).id;
    expect(await metered("DELETE", `/tokens/${id}`, sec)).toBe(200);
    expect(
      await metered("PUT", "/blocs/b-3", seed.tokens.council, {
        name: "Khối 3",
        kind: "khoi",
        members: ["u-3-0", "u-3-1"],
        leaderUnitId: "u-3-0",
      }),
    ).toBe(200);
    // The cast's batch, as castBallot sends it (a voter code's cast needs a whole election; the statements suffice).
    const store = new VotingStore(meter.db, { id: "p-3-2012", blocId: "b-3" });
    const rec = (stmt: D1PreparedStatement) => (stmt as unknown as { __rec: Recorded }).__rec;
    const cast = [store.fingerprintQ("f"), store.insertSealedWithCode("id", "f", {} as never, "t")].map(rec);
    const found: string[] = [];
    for (const r of [...meter.statements, ...cast])
      for (const line of await scans(r)) found.push(`${line}  <=  ${r.sql.slice(0, 160)}`);
    expect(meter.statements.some((r) => r.sql.includes("UPDATE tokens AS t"))).toBe(true);
    expect(found).toEqual([]);
  });
});
