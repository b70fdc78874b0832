/**
 * Object-level authorisation of every route. The table below has one row per route of the app; the first test
 * enumerates `app.routes` and fails when a route has no row (so a new route without an authorisation test fails CI)
 * or a row names a route that no longer exists. Each row is then called as every principal: the allowed ones must
 * get past authorisation (not 401/403/404, never 500), the others must be refused (401 without a valid token, 403
 * for a wrong role or unit, 404 for another bloc's period).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { demoEntries, demoPeriod, demoTemplate } from "../../shared/src/index.ts";
import { createApp } from "../src/app.ts";
import { OPERATIONS } from "../src/openapi.ts";
import { PA, PB_SHARED, type PrincipalName, twoBlocs, UNIT_A1 } from "./fixture.ts";
import { api, BOOT } from "./helpers.ts";

type Row = {
  /** Principals that may pass authorisation on Khối VIII's objects. */
  allowed: PrincipalName[] | "public";
  body?: unknown;
  query?: string;
};

const READERS: PrincipalName[] = [
  "council",
  "secA",
  "secB",
  "boardA",
  "boardB",
  "clerkA1",
  "clerkA2",
  "clerkB",
  "clerkB2",
];
const AUTHENTICATED: PrincipalName[] = [...READERS, "voterA", "trusteeA"];
const IN_BLOC_A: PrincipalName[] = ["council", "secA", "boardA", "clerkA1", "clerkA2"];
const UNIT_A1_READERS: PrincipalName[] = ["council", "secA", "boardA", "clerkA1"];

const push = {
  templateId: demoTemplate.id,
  templateVersion: 1,
  baseRevision: null,
  clientId: "authz-stale-push",
  entries: demoEntries(UNIT_A1),
};

/** Every route of the app, by "METHOD /api/v1/path". */
const TABLE: Record<string, Row> = {
  "GET /api/v1/health": { allowed: "public" },
  "GET /api/v1/openapi.json": { allowed: "public" },
  "GET /api/v1/docs": { allowed: "public" },
  "GET /api/v1/me": { allowed: AUTHENTICATED },
  "GET /api/v1/me/ballot": { allowed: ["voterA"] },
  "GET /api/v1/units": { allowed: READERS },
  "POST /api/v1/units": { allowed: ["council"], body: { id: "authz-unit", name: "Đơn vị thử", shortName: "Thử" } },
  "GET /api/v1/units/:unitId": { allowed: READERS },
  "PUT /api/v1/units/:unitId": {
    allowed: ["council"],
    body: { name: "Công an Thành phố Hồ Chí Minh", shortName: "Công an TP" },
  },
  "GET /api/v1/blocs": { allowed: READERS },
  "POST /api/v1/blocs": { allowed: ["council"], body: { id: "authz-bloc", name: "Khối thử", kind: "khoi" } },
  "GET /api/v1/blocs/:blocId": { allowed: IN_BLOC_A },
  "PUT /api/v1/blocs/:blocId": {
    allowed: ["council"],
    body: { name: "Khối thi đua VIII – TP. Hồ Chí Minh", kind: "khoi" },
  },
  "GET /api/v1/templates": { allowed: READERS },
  // A bloc's secretariat publishes its own bloc's template and rulebook and creates its own bloc's periods; another
  // bloc's secretariat gets 403 SETUP_OTHER_BLOC (units and blocs stay with the council).
  "POST /api/v1/templates": {
    allowed: ["council", "secA"],
    body: { ...demoTemplate, id: "authz-template" },
    query: "?blocId=khoi-viii",
  },
  "GET /api/v1/templates/:templateId/versions": { allowed: READERS },
  "GET /api/v1/templates/:templateId/versions/:version": { allowed: READERS },
  "GET /api/v1/templates/:templateId/versions/:version/workbook.xlsx": { allowed: READERS },
  "GET /api/v1/rulebooks": { allowed: READERS },
  "POST /api/v1/rulebooks": { allowed: ["council", "secA"], body: {}, query: "?blocId=khoi-viii" },
  "GET /api/v1/rulebooks/:rulebookId/versions": { allowed: READERS },
  "GET /api/v1/rulebooks/:rulebookId/versions/:version": { allowed: READERS },
  "GET /api/v1/periods": { allowed: READERS },
  "POST /api/v1/periods": {
    allowed: ["council", "secA"],
    body: { ...demoPeriod("2099-12-31T17:00:00+07:00"), id: "authz-period" },
  },
  "GET /api/v1/periods/:periodId": { allowed: [...IN_BLOC_A, "voterA"] },
  "POST /api/v1/periods/:periodId/transitions": { allowed: ["council", "secA"], body: { to: "voting" } },
  "POST /api/v1/periods/:periodId/deadline": {
    allowed: ["council", "secA"],
    body: { submissionDeadline: "2099-12-31T17:00:00+07:00", reason: "Gia hạn do nghỉ lễ" },
  },
  "GET /api/v1/periods/:periodId/sheet": { allowed: [...IN_BLOC_A, "voterA"] },
  "GET /api/v1/periods/:periodId/status": { allowed: ["council", "secA", "boardA"] },
  "GET /api/v1/periods/:periodId/table": { allowed: ["council", "secA", "boardA"] },
  "GET /api/v1/periods/:periodId/audit": { allowed: ["council", "secA"] },
  "POST /api/v1/periods/:periodId/units/:unitId/submissions": { allowed: ["clerkA1", "secA"], body: push },
  "GET /api/v1/periods/:periodId/units/:unitId/submissions": { allowed: UNIT_A1_READERS },
  "GET /api/v1/periods/:periodId/units/:unitId/submissions/compare": {
    allowed: UNIT_A1_READERS,
    query: "?from=1&to=1",
  },
  "GET /api/v1/periods/:periodId/units/:unitId/submissions/:revision": { allowed: UNIT_A1_READERS },
  "PUT /api/v1/periods/:periodId/units/:unitId/review": {
    allowed: ["secA"],
    body: { baseRevision: null, clientId: "authz-review", entries: [] },
  },
  "GET /api/v1/periods/:periodId/units/:unitId/review": { allowed: UNIT_A1_READERS },
  "POST /api/v1/periods/:periodId/units/:unitId/return": { allowed: ["secA"], body: { reason: "Kiểm tra quyền" } },
  "PUT /api/v1/periods/:periodId/units/:unitId/flags": {
    allowed: ["secA"],
    body: { violation: false, withdrawn: false },
  },
  "POST /api/v1/periods/:periodId/voting/codes": { allowed: ["secA"] },
  "POST /api/v1/periods/:periodId/voting/paper": { allowed: ["secA"], body: { ballots: [] } },
  "GET /api/v1/periods/:periodId/voting/tally": { allowed: ["council", "secA", "boardA"] },
  "POST /api/v1/ballots": { allowed: ["voterA"], body: { choices: [] } },
  "POST /api/v1/periods/:periodId/voting/trustee-codes": { allowed: ["council", "secA"] },
  "GET /api/v1/periods/:periodId/voting/election": {
    allowed: ["council", "secA", "boardA", "clerkA1", "clerkA2", "voterA", "trusteeA"],
  },
  "POST /api/v1/periods/:periodId/voting/trustee-key": { allowed: ["trusteeA"], body: {} },
  "POST /api/v1/periods/:periodId/voting/close": { allowed: ["council", "secA"] },
  "POST /api/v1/periods/:periodId/voting/decryption": { allowed: ["trusteeA"], body: {} },
  // Only the council declares a vote failed; a secretariat gets 403.
  "POST /api/v1/periods/:periodId/voting/fail": { allowed: ["council"], body: { reason: "Mất tệp khoá" } },
  // Clerks read the public record once results are published (403 RESULTS_NOT_PUBLISHED before).
  "GET /api/v1/periods/:periodId/voting/record": { allowed: ["council", "secA", "boardA", "trusteeA"] },
  "GET /api/v1/council/:year": { allowed: ["council"] },
  // A bloc's secretariat manages its own board's and member units' codes: another bloc's secretariat gets 403 for
  // khoi-viii's board and 404 for its token.
  "GET /api/v1/tokens": { allowed: ["council", "secA", "secB"] },
  "POST /api/v1/tokens": {
    allowed: ["council", "secA"],
    body: { role: "board", blocId: "khoi-viii", label: "Thử quyền" },
  },
  "DELETE /api/v1/tokens/:tokenId": { allowed: ["council", "secA"] },
  // Workbooks: clerks get the ranking once results are published (403 RESULTS_NOT_PUBLISHED before).
  "GET /api/v1/periods/:periodId/ranking.xlsx": { allowed: ["council", "secA", "boardA"] },
  "POST /api/v1/periods/:periodId/ranking-link": { allowed: ["council", "secA", "boardA"] },
  "GET /api/v1/periods/:periodId/links": { allowed: ["council", "secA"] },
  "DELETE /api/v1/periods/:periodId/links": { allowed: ["council", "secA"] },
  "DELETE /api/v1/periods/:periodId/links/:linkId": { allowed: ["council", "secA"] },
  "GET /api/v1/periods/:periodId/units/:unitId/template.xlsx": { allowed: ["council", "secA", "clerkA1"] },
  "POST /api/v1/periods/:periodId/units/:unitId/upload": { allowed: ["clerkA1", "secA"], body: "not a workbook" },
};

function appRoutes(): string[] {
  const keys = createApp()
    .routes.filter((r) => r.method !== "ALL")
    .map((r) => `${r.method} ${r.path}`);
  return [...new Set(keys)].sort();
}

let tokens: Record<PrincipalName, string | null>;
beforeAll(async () => {
  tokens = await twoBlocs();
});

async function pathFor(route: string): Promise<string> {
  let p = route.replace(/^\S+ \/api\/v1/, "");
  if (p.includes(":linkId")) {
    const made = await api("POST", `/periods/${PA}/ranking-link`, BOOT);
    p = p.replace(":linkId", made.body.id);
  }
  if (p.includes(":tokenId")) {
    const t = await api("POST", "/tokens", BOOT, { role: "board", blocId: "khoi-viii", label: "to revoke" });
    p = p.replace(":tokenId", t.body.id);
  }
  return p
    .replace(":periodId", PA)
    .replace(":unitId", UNIT_A1)
    .replace(":blocId", "khoi-viii")
    .replace(":templateId", demoTemplate.id)
    .replace(":rulebookId", "khoi-viii-qc")
    .replace(":version", "1")
    .replace(":revision", "1")
    .replace(":year", "2017");
}

describe("authorisation", () => {
  it("every route of the app has a row in the authorisation table, and every row a route", () => {
    const routes = appRoutes();
    expect(routes.filter((r) => !(r in TABLE))).toEqual([]);
    expect(Object.keys(TABLE).filter((r) => !routes.includes(r))).toEqual([]);
  });

  it("every route of the app is in the OpenAPI document", () => {
    const documented = OPERATIONS.map((o) => `${o.method.toUpperCase()} /api/v1${o.path}`).sort();
    expect(documented).toEqual(appRoutes());
  });

  it.each(Object.keys(TABLE))("%s", async (route) => {
    const row = TABLE[route]!;
    const method = route.split(" ")[0]!;
    for (const who of Object.keys(tokens) as PrincipalName[]) {
      const path = (await pathFor(route)) + (row.query ?? "");
      // Anonymous calls are rate limited per client address: give each route its own, so that the many refused
      // calls of this table never add up to a 429 that would hide the 401 under test.
      const ip = `192.0.2.${(Object.keys(TABLE).indexOf(route) % 250) + 1}`;
      const r = await api(method, path, tokens[who], row.body, { "cf-connecting-ip": ip });
      const label = `${route} as ${who}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`;
      expect(r.status, label).not.toBe(500);
      // Nothing answered to a credentialed request may be stored by a browser or a proxy (errors included).
      if (tokens[who]) expect(r.headers.get("cache-control") ?? "", label).toContain("no-store");
      if (row.allowed === "public") {
        expect(r.status, label).toBe(200);
      } else if (row.allowed.includes(who)) {
        expect([401, 403, 404], label).not.toContain(r.status);
      } else if (who === "anon" || who === "revoked" || who === "expired") {
        expect(r.status, label).toBe(401);
        expect(r.body.error.code).toBe("UNAUTHENTICATED");
      } else {
        expect([403, 404], label).toContain(r.status);
        // Another bloc's principal that holds an allowed role is told the period does not exist, never "forbidden".
        // clerkB2 is bloc X's clerk code for Khối VIII's own unit: bloc X's secretariat issued it, so Khối VIII's
        // periods do not exist for it either.
        const crossBloc = who === "secB" || who === "boardB" || who === "clerkB" || who === "clerkB2";
        const roleAllowed = row.allowed.some((a) => a.replace(/[AB]\d?$/, "") === who.replace(/[AB]\d?$/, ""));
        if (crossBloc && roleAllowed && route.includes(":periodId")) expect(r.status, label).toBe(404);
      }
    }
  });

  it("another bloc's period is indistinguishable from a period that does not exist", async () => {
    const other = await api("GET", `/periods/${PA}`, tokens.secB);
    const none = await api("GET", "/periods/no-such-period", tokens.secB);
    expect(other.status).toBe(404);
    expect(none.status).toBe(404);
    expect(other.body.error.message.replace(PA, "X")).toBe(none.body.error.message.replace("no-such-period", "X"));
    const status = await api("GET", `/periods/${PA}/status`, tokens.boardB);
    expect(status.status).toBe(404);
  });

  it("the pull's latest revision goes only to those who may read the unit's revisions", async () => {
    const own = await api("GET", `/periods/${PA}/sheet?unit=${UNIT_A1}`, tokens.clerkA1);
    expect(own.status).toBe(200);
    expect(own.body.latest.unitId).toBe(UNIT_A1);
    expect((await api("GET", `/periods/${PA}/sheet?unit=${UNIT_A1}`, tokens.clerkA2)).status).toBe(403);
    expect((await api("GET", `/periods/${PA}/sheet?unit=${UNIT_A1}`, tokens.voterA)).status).toBe(403);
    expect((await api("GET", `/periods/${PA}/sheet?unit=ubnd-q1`, tokens.secA)).status).toBe(404);
    expect((await api("GET", `/periods/${PA}/sheet?unit=${UNIT_A1}`, tokens.boardA)).status).toBe(200);
  });

  it("a clerk reads and writes only its own unit's sheet", async () => {
    const r = await api("GET", `/periods/${PA}/units/${UNIT_A1}/submissions/1`, tokens.clerkA2);
    expect(r.status).toBe(403);
    const w = await api("POST", `/periods/${PA}/units/${UNIT_A1}/submissions`, tokens.clerkA2, push);
    expect(w.status).toBe(403);
    const sheet = await api("GET", `/periods/${PA}/sheet`, tokens.clerkA2);
    expect(Object.keys(sheet.body.revisions)).toEqual([]);
  });

  it("a clerk code issued by a bloc's secretariat reaches only that bloc's periods, even for a shared unit", async () => {
    // Bloc X's draft period lists Khối VIII's unit; bloc X's secretariat issued a clerk code for it (clerkB2).
    const me = await api("GET", "/me", tokens.clerkB2);
    expect(me.body).toMatchObject({ role: "clerk", unitId: UNIT_A1, blocId: "khoi-x" });
    const pushed = await api("POST", `/periods/${PA}/units/${UNIT_A1}/submissions`, tokens.clerkB2, {
      ...push,
      clientId: "authz-shared-unit-push",
    });
    expect(pushed.status).toBe(404);
    const sheet = await api("GET", `/periods/${PA}/sheet`, tokens.clerkB2);
    expect(sheet.status).toBe(404);
    const listed = await api("GET", "/periods", tokens.clerkB2);
    expect(listed.body.periods.map((p: { id: string }) => p.id)).toEqual([PB_SHARED]);
    expect((await api("GET", `/periods/${PB_SHARED}`, tokens.clerkB2)).status).toBe(200);
    expect((await api("GET", "/blocs/khoi-viii", tokens.clerkB2)).status).toBe(404);
    // The council's and Khối VIII's code for the same unit still reach Khối VIII's period.
    expect((await api("GET", `/periods/${PA}/sheet`, tokens.clerkA1)).status).toBe(200);
    // A secretariat cannot issue a code bound to another bloc.
    const foreign = await api("POST", "/tokens", tokens.secB, {
      role: "clerk",
      unitId: UNIT_A1,
      blocId: "khoi-viii",
      label: "Thử",
    });
    expect(foreign.status).toBe(403);
  });

  it("a secretariat lists and revokes only the tokens it could have issued", async () => {
    const idOf = async (t: string | null) => (await api("GET", "/me", t)).body.tokenId as string;
    const clerkA1 = await idOf(tokens.clerkA1);
    const clerkB2 = await idOf(tokens.clerkB2);
    const listB = (await api("GET", "/tokens", tokens.secB)).body.tokens.map((t: { id: string }) => t.id);
    expect(listB).toContain(clerkB2);
    expect(listB).not.toContain(clerkA1);
    const listA = (await api("GET", "/tokens", tokens.secA)).body.tokens.map((t: { id: string }) => t.id);
    expect(listA).toContain(clerkA1);
    expect(listA).not.toContain(clerkB2);
    // Bloc X's secretariat cannot revoke Khối VIII's clerk code for the unit they share, nor the other way round.
    expect((await api("DELETE", `/tokens/${clerkA1}`, tokens.secB)).status).toBe(404);
    expect((await api("DELETE", `/tokens/${clerkB2}`, tokens.secA)).status).toBe(404);
    expect((await api("GET", "/me", tokens.clerkA1)).status).toBe(200);
    expect((await api("GET", "/me", tokens.clerkB2)).status).toBe(200);
  });
});
