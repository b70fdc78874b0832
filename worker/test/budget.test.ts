/**
 * The D1 round-trip budget of every route. On Cloudflare each sequential D1 step is a network round trip to the
 * database's primary (20-40 ms from a distant colo), so the budget is at most 2 sequential steps per request: the
 * token and the period (with its template and rulebook, and for a write route of the vote the vote's rows) in one
 * batch, the route's reads or its write with the audit record in a second. The table below has one row per route of the app (a new route without a row fails), each
 * called through the real app with a metered D1 binding; a change that adds a round trip fails here.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  demoBallots,
  demoEntries,
  demoPeriod,
  demoTemplate,
  makeTrusteeKey,
  partialDecrypt,
  sealBallot,
} from "../../shared/src/index.ts";
import { createApp } from "../src/app.ts";
import { type SeedResult, seedDemo } from "../src/seed.ts";
import { meterD1 } from "./d1meter.ts";
import { api, BOOT, call, futureDeadline } from "./helpers.ts";
import { castSealed, type Election, random } from "./sealedVote.ts";

const P = "khoi-viii-2017";
const U = "ca-tphcm";
const U2 = "vks-tphcm";

/** Next year's period of the bloc the budget table makes, drafted by the council from the demo template and rulebook. */
function nextPeriodDraft() {
  return {
    ...demoPeriod(futureDeadline()),
    id: "budget-bloc-2018",
    blocId: "budget-bloc",
    year: 2018,
    members: [U, U2],
    leaderUnitId: U,
    deputyUnitId: null,
    state: "draft",
  };
}
const app = createApp();
const meter = meterD1((env as unknown as { DB: D1Database }).DB);

interface Measured {
  status: number;
  calls: number;
  steps: number;
  body: unknown;
  bytes: Uint8Array;
  headers: Headers;
}

/** One request through the app with the metered binding. */
async function metered(
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Measured> {
  const h: Record<string, string> = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  let payload: BodyInit | undefined;
  if (body instanceof Uint8Array) {
    payload = body as Uint8Array<ArrayBuffer>;
    h["content-type"] ??= "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    h["content-type"] ??= "application/json";
  }
  const url = path.startsWith("http") ? path : `http://thidua.test/api/v1${path}`;
  meter.reset();
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(url, { method, headers: h, body: payload }), { ...env, DB: meter.db }, ctx);
  await waitOnExecutionContext(ctx);
  const bytes = new Uint8Array(await res.arrayBuffer());
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    // a workbook
  }
  return { status: res.status, calls: meter.calls, steps: meter.steps, body: parsed, bytes, headers: res.headers };
}

const push = (unitId: string, base: number | null, clientId: string) => ({
  templateId: demoTemplate.id,
  templateVersion: demoTemplate.version,
  baseRevision: base,
  clientId,
  entries: demoEntries(unitId),
});

interface Budget {
  /** The request, in the period's state at that point of the year. */
  run: (t: SeedResult["tokens"] & { voter: string; link: string; upload: Uint8Array }) => Promise<Measured>;
  status: number;
  calls: number;
  steps: number;
}

/**
 * Requests measured along the way that are not a route's row of their own: the same route in another state (the
 * publication of a sealed vote, which checks its decryption first). Each is held to 2 steps as well.
 */
const alsoMeasured: [string, Measured][] = [];

/** The sealed vote along the year: trustees' codes and secret shares, voters' codes, the box's aggregate. */
const vote = {
  trusteeCodes: new Map<string, string>(),
  secrets: new Map<string, string>(),
  voterCodes: new Map<string, string>(),
  election: null as Election | null,
  aggregate: null as unknown,
};

/** Publishes a trustee's share (the secret stays here, as in the trustee's downloaded file). */
function trusteeKey(id: string, code: string) {
  const { secret, key } = makeTrusteeKey(P, id, random);
  vote.secrets.set(id, secret);
  return { code, key };
}

/** Every route of the app, in the order of a year (the period moves from open to closed along the way). */
const BUDGET: [string, Budget][] = [
  ["GET /api/v1/health", { run: () => metered("GET", "/health", null), status: 200, calls: 0, steps: 0 }],
  ["GET /api/v1/openapi.json", { run: () => metered("GET", "/openapi.json", null), status: 200, calls: 0, steps: 0 }],
  ["GET /api/v1/docs", { run: () => metered("GET", "/docs", null), status: 200, calls: 0, steps: 0 }],
  ["GET /api/v1/me", { run: (t) => metered("GET", "/me", t.clerks[U]!), status: 200, calls: 1, steps: 1 }],
  ["GET /api/v1/units", { run: (t) => metered("GET", "/units", t.board), status: 200, calls: 2, steps: 2 }],
  [
    "POST /api/v1/units",
    {
      run: (t) => metered("POST", "/units", t.council, { id: "budget-unit", name: "Đơn vị đo", shortName: "Đo" }),
      status: 201,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "GET /api/v1/units/:unitId",
    { run: (t) => metered("GET", `/units/${U}`, t.board), status: 200, calls: 2, steps: 2 },
  ],
  [
    "PUT /api/v1/units/:unitId",
    {
      run: (t) => metered("PUT", "/units/budget-unit", t.council, { name: "Đơn vị đo lường", shortName: "Đo" }),
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
  // The blocs a clerk's code reaches, the blocs and their compositions: three reads side by side after the token.
  ["GET /api/v1/blocs", { run: (t) => metered("GET", "/blocs", t.clerks[U]!), status: 200, calls: 4, steps: 2 }],
  [
    "POST /api/v1/blocs",
    {
      // With a composition: the named units are read in the batch that creates the bloc, guarded by them.
      run: (t) =>
        metered("POST", "/blocs", t.council, {
          id: "budget-bloc",
          name: "Khối đo",
          kind: "khoi",
          members: [U, U2],
          leaderUnitId: U,
        }),
      status: 201,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "GET /api/v1/blocs/:blocId",
    { run: (t) => metered("GET", "/blocs/khoi-viii", t.clerks[U]!), status: 200, calls: 4, steps: 2 },
  ],
  [
    "PUT /api/v1/blocs/:blocId",
    {
      run: (t) =>
        metered("PUT", "/blocs/khoi-viii", t.council, {
          name: "Khối thi đua VIII",
          kind: "khoi",
          members: [U],
          leaderUnitId: U,
        }),
      status: 200,
      // The bloc and the named units read in the batch that writes the change and its audit, guarded by them.
      calls: 2,
      steps: 2,
    },
  ],
  [
    "GET /api/v1/templates/:templateId/versions",
    {
      run: (t) => metered("GET", `/templates/${demoTemplate.id}/versions`, t.board),
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "GET /api/v1/rulebooks/:rulebookId/versions",
    { run: (t) => metered("GET", "/rulebooks/khoi-viii-qc/versions", t.board), status: 200, calls: 2, steps: 2 },
  ],
  ["GET /api/v1/templates", { run: (t) => metered("GET", "/templates", t.board), status: 200, calls: 2, steps: 2 }],
  [
    "POST /api/v1/templates",
    {
      run: (t) => metered("POST", "/templates", t.council, { ...demoTemplate, version: 99 }),
      status: 201,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "GET /api/v1/templates/:templateId/versions/:version/workbook.xlsx",
    {
      run: (t) => metered("GET", `/templates/${demoTemplate.id}/versions/1/workbook.xlsx`, t.board),
      status: 200,
      calls: 3,
      steps: 2,
    },
  ],
  [
    "GET /api/v1/templates/:templateId/versions/:version",
    {
      run: (t) => metered("GET", `/templates/${demoTemplate.id}/versions/1`, t.board),
      status: 200,
      calls: 1,
      steps: 1,
    },
  ],
  ["GET /api/v1/rulebooks", { run: (t) => metered("GET", "/rulebooks", t.board), status: 200, calls: 2, steps: 2 }],
  [
    "POST /api/v1/rulebooks",
    { run: (t) => metered("POST", "/rulebooks", t.council, {}), status: 422, calls: 1, steps: 1 },
  ],
  [
    "GET /api/v1/rulebooks/:rulebookId/versions/:version",
    {
      run: (t) => metered("GET", "/rulebooks/khoi-viii-qc/versions/1", t.board),
      status: 200,
      calls: 1,
      steps: 1,
    },
  ],
  // The period list of each kind of caller (a clerk's goes through the member index).
  ["GET /api/v1/periods", { run: (t) => metered("GET", "/periods", t.clerks[U]!), status: 200, calls: 2, steps: 2 }],
  [
    "POST /api/v1/periods",
    {
      // The council drafts next year's period of the bloc made above, from the demo template and rulebook.
      run: (t) => metered("POST", "/periods", t.council, nextPeriodDraft()),
      status: 201,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "GET /api/v1/periods/:periodId",
    { run: (t) => metered("GET", `/periods/${P}`, t.clerks[U]!), status: 200, calls: 1, steps: 1 },
  ],
  // A clerk's pull: one request, two steps (token + period + rules; the bundle and the unit's latest revision).
  [
    "GET /api/v1/periods/:periodId/sheet",
    {
      run: (t) => metered("GET", `/periods/${P}/sheet?unit=${U}`, t.clerks[U]!),
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "POST /api/v1/periods/:periodId/units/:unitId/submissions",
    {
      run: (t) => metered("POST", `/periods/${P}/units/${U}/submissions`, t.clerks[U]!, push(U, 1, "budget-push-2")),
      status: 201,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "POST /api/v1/periods/:periodId/units/:unitId/upload",
    {
      run: (t) => metered("POST", `/periods/${P}/units/${U2}/upload`, t.clerks[U2]!, t.upload),
      status: 201,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "GET /api/v1/periods/:periodId/units/:unitId/submissions",
    {
      run: (t) => metered("GET", `/periods/${P}/units/${U}/submissions`, t.clerks[U]!),
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "GET /api/v1/periods/:periodId/units/:unitId/submissions/:revision",
    {
      run: (t) => metered("GET", `/periods/${P}/units/${U}/submissions/1`, t.clerks[U]!),
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "GET /api/v1/periods/:periodId/units/:unitId/submissions/compare",
    {
      run: (t) => metered("GET", `/periods/${P}/units/${U}/submissions/compare?from=1&to=2`, t.clerks[U]!),
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "GET /api/v1/periods/:periodId/units/:unitId/template.xlsx",
    {
      run: (t) => metered("GET", `/periods/${P}/units/${U}/template.xlsx`, t.clerks[U]!),
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "POST /api/v1/periods/:periodId/deadline",
    {
      run: (t) =>
        metered("POST", `/periods/${P}/deadline`, t.secretariat, {
          submissionDeadline: futureDeadline(40),
          reason: "Gia hạn để đo",
        }),
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "GET /api/v1/periods/:periodId/status",
    { run: (t) => metered("GET", `/periods/${P}/status`, t.secretariat), status: 200, calls: 2, steps: 2 },
  ],
  [
    "GET /api/v1/periods/:periodId/audit",
    { run: (t) => metered("GET", `/periods/${P}/audit`, t.secretariat), status: 200, calls: 2, steps: 2 },
  ],
  [
    "POST /api/v1/periods/:periodId/transitions",
    {
      run: (t) => metered("POST", `/periods/${P}/transitions`, t.secretariat, { to: "review" }),
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "PUT /api/v1/periods/:periodId/units/:unitId/review",
    {
      run: (t) =>
        metered("PUT", `/periods/${P}/units/${U}/review`, t.secretariat, {
          baseRevision: null,
          clientId: "budget-review-1",
          note: "Thẩm định",
          entries: [],
        }),
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "GET /api/v1/periods/:periodId/units/:unitId/review",
    { run: (t) => metered("GET", `/periods/${P}/units/${U}/review`, t.clerks[U]!), status: 200, calls: 2, steps: 2 },
  ],
  [
    "POST /api/v1/periods/:periodId/units/:unitId/return",
    {
      run: (t) => metered("POST", `/periods/${P}/units/${U2}/return`, t.secretariat, { reason: "Thiếu minh chứng" }),
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "PUT /api/v1/periods/:periodId/units/:unitId/flags",
    {
      run: (t) =>
        metered("PUT", `/periods/${P}/units/${U}/flags`, t.secretariat, { violation: false, withdrawn: false }),
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "GET /api/v1/periods/:periodId/table",
    {
      run: (t) => metered("GET", `/periods/${P}/table`, t.secretariat),
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
  // Voting opens electronically: the trustees get their codes and publish their shares before any voter code.
  [
    "POST /api/v1/periods/:periodId/voting/trustee-codes",
    {
      run: async (t) => {
        await api("POST", `/periods/${P}/transitions`, t.secretariat, { to: "voting", channel: "electronic" });
        const m = await metered("POST", `/periods/${P}/voting/trustee-codes`, t.secretariat);
        for (const c of (m.body as { codes: { trusteeId: string; code: string }[] }).codes)
          vote.trusteeCodes.set(c.trusteeId, c.code);
        return m;
      },
      status: 201,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "POST /api/v1/periods/:periodId/voting/trustee-key",
    {
      run: async () => {
        const [head, ...rest] = [...vote.trusteeCodes];
        const [firstId, firstCode] = head!;
        const first = trusteeKey(firstId!, firstCode!);
        const m = await metered("POST", `/periods/${P}/voting/trustee-key`, first.code, first.key);
        for (const [id, code] of rest) {
          const k = trusteeKey(id, code);
          const r = await api("POST", `/periods/${P}/voting/trustee-key`, k.code, k.key);
          if (r.status !== 201) throw new Error(JSON.stringify(r.body));
        }
        return m;
      },
      status: 201,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "GET /api/v1/periods/:periodId/voting/election",
    {
      run: async (t) => {
        const m = await metered("GET", `/periods/${P}/voting/election`, t.secretariat);
        const e = m.body as { members: string[]; choicesPerBallot: number; electionKey: string };
        vote.election = {
          ctx: { periodId: P, members: e.members, choicesPerBallot: e.choicesPerBallot, electionKey: e.electionKey },
          secrets: vote.secrets,
          trusteeCodes: vote.trusteeCodes,
        };
        return m;
      },
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "POST /api/v1/periods/:periodId/voting/codes",
    {
      run: async (t) => {
        const m = await metered("POST", `/periods/${P}/voting/codes`, t.secretariat);
        for (const c of (m.body as { codes: { unitId: string; code: string }[] }).codes)
          vote.voterCodes.set(c.unitId, c.code);
        return m;
      },
      status: 201,
      calls: 2,
      steps: 2,
    },
  ],
  ["GET /api/v1/me/ballot", { run: (t) => metered("GET", "/me/ballot", t.voter), status: 200, calls: 2, steps: 2 }],
  [
    "POST /api/v1/ballots",
    {
      // The first unit's sealed ballot is measured; the other units cast theirs so that the quorum is met.
      run: async (t) => {
        const m = await metered(
          "POST",
          "/ballots",
          t.voter,
          sealBallot(vote.election!.ctx, demoBallots[0]!.choices, random),
        );
        for (const [i, code] of [...vote.voterCodes.values()].entries()) {
          if (code === t.voter) continue;
          const r = await castSealed(vote.election!, code, demoBallots[i % demoBallots.length]!.choices);
          if (r.status !== 201) throw new Error(JSON.stringify(r.body));
        }
        return m;
      },
      status: 201,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "POST /api/v1/periods/:periodId/voting/paper",
    {
      // One channel per period: a paper batch is refused in an electronic vote (the round came with the token).
      run: (t) =>
        metered("POST", `/periods/${P}/voting/paper`, t.secretariat, {
          ballots: demoBallots.slice(1, 3).map((b) => ({ choices: b.choices })),
        }),
      status: 409,
      calls: 1,
      steps: 1,
    },
  ],
  [
    "GET /api/v1/periods/:periodId/voting/record",
    {
      run: (t) => metered("GET", `/periods/${P}/voting/record`, t.secretariat),
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "POST /api/v1/periods/:periodId/voting/close",
    {
      run: async (t) => {
        const m = await metered("POST", `/periods/${P}/voting/close`, t.secretariat);
        vote.aggregate = (m.body as { aggregate: unknown }).aggregate;
        return m;
      },
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "POST /api/v1/periods/:periodId/voting/decryption",
    {
      run: async () => {
        const e = vote.election!;
        const part = (id: string) => partialDecrypt(e.ctx, id, e.secrets.get(id)!, vote.aggregate as never, random);
        const [head, ...rest] = [...e.trusteeCodes];
        const [firstId, firstCode] = head!;
        const m = await metered("POST", `/periods/${P}/voting/decryption`, firstCode!, part(firstId!));
        for (const [id, code] of rest) {
          const r = await api("POST", `/periods/${P}/voting/decryption`, code, part(id));
          if (r.status !== 201) throw new Error(JSON.stringify(r.body));
        }
        return m;
      },
      status: 201,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "POST /api/v1/periods/:periodId/voting/fail",
    {
      // Every trustee decrypted (the row before): the council's declaration is refused from the prefetched rows.
      run: (t) => metered("POST", `/periods/${P}/voting/fail`, t.council, { reason: "Mất tệp khoá" }),
      status: 409,
      calls: 1,
      steps: 1,
    },
  ],
  [
    "GET /api/v1/periods/:periodId/voting/tally",
    {
      run: (t) => metered("GET", `/periods/${P}/voting/tally`, t.board),
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "GET /api/v1/periods/:periodId/ranking.xlsx",
    {
      run: (t) => metered("GET", `/periods/${P}/ranking.xlsx`, t.board),
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "POST /api/v1/periods/:periodId/ranking-link",
    // The link is a row (so that it can die with its token) written with its audit in one batch.
    { run: (t) => metered("POST", `/periods/${P}/ranking-link`, t.board), status: 201, calls: 2, steps: 2 },
  ],
  [
    "GET /api/v1/periods/:periodId/links",
    { run: (t) => metered("GET", `/periods/${P}/links`, t.secretariat), status: 200, calls: 2, steps: 2 },
  ],
  [
    "DELETE /api/v1/periods/:periodId/links/:linkId",
    {
      run: async (t) => {
        const made = await api("POST", `/periods/${P}/ranking-link`, t.board);
        const id = (made.body as { id: string }).id;
        return metered("DELETE", `/periods/${P}/links/${id}`, t.secretariat);
      },
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "DELETE /api/v1/periods/:periodId/links",
    { run: (t) => metered("DELETE", `/periods/${P}/links`, t.secretariat), status: 200, calls: 2, steps: 2 },
  ],
  [
    "GET /api/v1/council/:year",
    {
      run: async (t) => {
        // Publishing the sealed vote: its round, count and decryptions come with the token, then the write.
        const closing = await metered("POST", `/periods/${P}/transitions`, t.secretariat, { to: "closed" });
        alsoMeasured.push(["POST /api/v1/periods/:periodId/transitions (voting -> closed, sealed vote)", closing]);
        return metered("GET", "/council/2017", t.council);
      },
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
  // The caller's scope (the periods a secretariat runs) is a condition inside the read or the guarded write.
  ["GET /api/v1/tokens", { run: (t) => metered("GET", "/tokens", t.secretariat), status: 200, calls: 2, steps: 2 }],
  [
    "POST /api/v1/tokens",
    {
      run: (t) => metered("POST", "/tokens", t.secretariat, { role: "board", blocId: "khoi-viii", label: "Đo" }),
      status: 201,
      calls: 2,
      steps: 2,
    },
  ],
  [
    "DELETE /api/v1/tokens/:tokenId",
    {
      run: async (t) => {
        const made = await api("POST", "/tokens", t.secretariat, { role: "board", blocId: "khoi-viii", label: "Hủy" });
        return metered("DELETE", `/tokens/${made.body.id}`, t.secretariat);
      },
      status: 200,
      calls: 2,
      steps: 2,
    },
  ],
];

let seed: SeedResult;
let extra: { voter: string; link: string; upload: Uint8Array };
beforeAll(async () => {
  seed = await seedDemo(call, BOOT, futureDeadline());
  // Revision 1 of two units, so that revision 2 and the comparison exist.
  for (const u of [U, U2]) {
    const r = await api("POST", `/periods/${P}/units/${u}/submissions`, seed.tokens.clerks[u], push(u, null, `b-${u}`));
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  }
  const tpl = await SELF_bytes(`/periods/${P}/units/${U2}/template.xlsx`, seed.tokens.clerks[U2]!);
  extra = { voter: "", link: "", upload: tpl };
});

async function SELF_bytes(path: string, token: string): Promise<Uint8Array> {
  const ctx = createExecutionContext();
  const res = await app.fetch(
    new Request(`http://thidua.test/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } }),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return new Uint8Array(await res.arrayBuffer());
}

describe("D1 round trips per route", () => {
  it("every route of the app has a budget row", () => {
    const routes = [
      ...new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`)),
    ].sort();
    expect(routes.filter((r) => !BUDGET.some(([k]) => k === r))).toEqual([]);
  });

  it("each route stays within its calls and sequential steps (at most 2 on every route)", async () => {
    const rows: string[] = [];
    const over: string[] = [];
    const t = { ...seed.tokens, ...extra };
    for (const [route, b] of BUDGET) {
      const m = await b.run(t);
      if (route === "POST /api/v1/periods/:periodId/voting/codes")
        t.voter = (m.body as { codes: { unitId: string; code: string }[] }).codes[0]!.code;
      rows.push(`| ${route} | ${m.calls} | ${m.steps} | ${m.status} |`);
      if (m.status !== b.status) over.push(`${route}: status ${m.status} ${JSON.stringify(m.body).slice(0, 200)}`);
      if (m.steps > 2 || m.steps > b.steps) over.push(`${route}: ${m.steps} steps > ${b.steps}`);
      if (m.calls > b.calls) over.push(`${route}: ${m.calls} calls > ${b.calls}`);
    }
    for (const [what, m] of alsoMeasured) {
      rows.push(`| ${what} | ${m.calls} | ${m.steps} | ${m.status} |`);
      if (m.status !== 200 || m.steps > 2) over.push(`${what}: status ${m.status}, ${m.steps} steps > 2`);
    }
    console.log(rows.join("\n"));
    expect(alsoMeasured.length).toBe(1);
    expect(over).toEqual([]);
  });

  it("a closed period's ranking workbook is made once: every later download, by link or bearer, is one step", async () => {
    // The period is closed by now (the council's year row published the vote). The first download reads and builds
    // as before (2 steps before the answer), then keeps the file after the answer (`waitUntil`: one write more).
    const first = await metered("GET", `/periods/${P}/ranking.xlsx`, seed.tokens.board);
    expect(first.status).toBe(200);
    expect([first.calls, first.steps]).toEqual([3, 3]);
    const link = await metered("POST", `/periods/${P}/ranking-link`, seed.tokens.board);
    const m = await metered("GET", (link.body as { url: string }).url, null);
    expect(m.status).toBe(200);
    const bearer = await metered("GET", `/periods/${P}/ranking.xlsx`, seed.tokens.board);
    expect(bearer.status).toBe(200);
    // The token (or the link's row), the period and its kept workbook in the authentication's one batch.
    expect([m.calls, m.steps, bearer.calls, bearer.steps]).toEqual([1, 1, 1, 1]);
    expect(m.bytes).toEqual(first.bytes);
    expect(bearer.bytes).toEqual(first.bytes);
  });

  it("a period is refused from the rows read with the token: its id taken, its template unknown, a unit unknown", async () => {
    // The budget table's POST /periods made budget-bloc-2018 (the routes run in order, before this test).
    const draft = nextPeriodDraft();
    const taken = await metered("POST", "/periods", seed.tokens.council, draft);
    expect(taken.status).toBe(409);
    expect((taken.body as { error: { code: string } }).error.code).toBe("ALREADY_EXISTS");
    const unknown = await metered("POST", "/periods", seed.tokens.council, {
      ...draft,
      id: "budget-bloc-2019",
      year: 2019,
      templateVersion: 98, // the table above published version 99
      members: [U, U2, "no-such-unit"],
    });
    expect(unknown.status).toBe(422);
    const details = (unknown.body as { error: { details: { code: string; path?: string }[] } }).error.details;
    expect(details).toContainEqual(expect.objectContaining({ code: "NOT_FOUND", path: "/templateId" }));
    expect(details.map((d) => d.path)).toContain("/members/2");
    // The token and the rows in one batch; nothing written.
    expect([taken.calls, taken.steps, unknown.calls, unknown.steps]).toEqual([1, 1, 1, 1]);
  });

  it("a clerk's pull is one request whose answer holds the unit's latest revision", async () => {
    const m = await metered("GET", `/periods/${P}/sheet?unit=${U}`, seed.tokens.clerks[U]!);
    expect(m.status).toBe(200);
    const body = m.body as { latest: { unitId: string; revision: number; entries: unknown[] } | null };
    expect(body.latest?.unitId).toBe(U);
    expect(body.latest?.revision).toBe(2);
    expect(body.latest?.entries.length).toBe(demoEntries(U).length);
    expect(m.steps).toBeLessThanOrEqual(2);
  });
});
