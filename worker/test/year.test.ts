/**
 * The whole Khối VIII 2017 year through the API, against real D1: seven pushes, one returned and re-pushed, reviews,
 * flags, sealed ballots by voter code (trustees' shares, decryption of the sums only), publication; the published table equals the domain core's
 * `consolidate` on the same inputs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  consolidate,
  demoBallots,
  demoEntries,
  demoFlags,
  demoPeriod,
  demoRulebook,
  demoTemplate,
  demoUnits,
  type Entry,
  leafIndex,
  tallyBallots,
  validateReview,
  validateSubmission,
} from "../../shared/src/index.ts";
import { sha256Hex } from "../src/auth.ts";
import { knownCodes, Repository, readAll, scoredSheet } from "../src/repository.ts";
import { type SeedResult, seedDemo } from "../src/seed.ts";
import { api, BOOT, call, clientId, DB, futureDeadline } from "./helpers.ts";
import { castSealed, closeAndDecrypt, type Election, openElectronic, voterCodes } from "./sealedVote.ts";

const P = "khoi-viii-2017";
const units = demoUnits.map((u) => u.id);
let seed: SeedResult;
let election: Election;
/** The clear-text count of the demo ballots: what the trustees' decryption must give. */
const demoTally = tallyBallots(
  demoUnits.map((u) => u.id),
  demoBallots,
  demoRulebook,
);
const pushBody = (unitId: string, base: number | null, id = clientId(unitId)) => ({
  templateId: demoTemplate.id,
  templateVersion: demoTemplate.version,
  baseRevision: base,
  clientId: id,
  entries: demoEntries(unitId),
});

// What the core will be given at the end, built alongside the API calls.
const submissions: Record<string, Entry[]> = {};
const reviews: Record<string, Entry[]> = {};

beforeAll(async () => {
  seed = await seedDemo(call, BOOT, futureDeadline());
});

describe("the Khối VIII 2017 year", () => {
  it("seven clerks push their sheets; each gets revision 1 with its totals", async () => {
    for (const u of units) {
      const body = pushBody(u, null);
      const r = await api("POST", `/periods/${P}/units/${u}/submissions`, seed.tokens.clerks[u], body);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ unitId: u, revision: 1, late: false });
      expect(r.body.contentHash).toMatch(/^[0-9a-f]{64}$/);
      const v = validateSubmission(demoTemplate, body);
      submissions[u] = v.entries;
    }
    const status = await api("GET", `/periods/${P}/status`, seed.tokens.secretariat);
    expect(status.body.units.map((x: { status: string }) => x.status)).toEqual(units.map(() => "submitted"));
  });

  it("a retry with the same clientId returns the first answer and stores nothing", async () => {
    const u = "vks-tphcm";
    const body = pushBody(u, 1, "retry-vks-0001");
    const first = await api("POST", `/periods/${P}/units/${u}/submissions`, seed.tokens.clerks[u], body);
    expect(first.status).toBe(201);
    const again = await api("POST", `/periods/${P}/units/${u}/submissions`, seed.tokens.clerks[u], body);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("x-idempotent-replay")).toBe("true");
    const rows = await DB.prepare("SELECT COUNT(*) AS n FROM submissions WHERE unit_id = ? AND client_id = ?")
      .bind(u, "retry-vks-0001")
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);
    const audits = await DB.prepare(
      "SELECT COUNT(*) AS n FROM audit WHERE unit_id = ? AND action = 'submission.push' AND detail LIKE '%retry-vks-0001%'",
    )
      .bind(u)
      .first<{ n: number }>();
    expect(audits?.n).toBe(1);
    // Same clientId with other content is refused.
    const other = { ...body, entries: body.entries.slice(1) };
    const reused = await api("POST", `/periods/${P}/units/${u}/submissions`, seed.tokens.clerks[u], other);
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe("CLIENT_ID_REUSED");
  });

  it("a push based on an older revision is refused with 409 saying who pushed what", async () => {
    const u = "vks-tphcm";
    const r = await api("POST", `/periods/${P}/units/${u}/submissions`, seed.tokens.secretariat, pushBody(u, 1));
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("CONFLICT_STALE_REVISION");
    expect(r.body.error.params).toMatchObject({ base: 1, latest: 2, who: "Cán bộ thi đua Viện KSND TP" });
    expect(r.body.error.message).toContain("Cán bộ thi đua Viện KSND TP");
    expect(r.body.error.messageEn).toContain("revision 2");
    expect(r.body.error.details).toHaveLength(1);
  });

  it("a sheet with errors is refused with every error, and nothing is stored", async () => {
    const u = "btl-tphcm";
    const body = pushBody(u, 1);
    body.entries = body.entries.map((e) =>
      e.criterion === "I.5" ? { ...e, score: 1.1, cell: "D14" } : e.criterion === "II.1" ? { ...e, score: "abc" } : e,
    );
    body.entries.push({ criterion: "IX.9", score: 1 });
    const r = await api("POST", `/periods/${P}/units/${u}/submissions`, seed.tokens.clerks[u], body);
    expect(r.status).toBe(422);
    const codes = r.body.error.details.map((d: { code: string }) => d.code).sort();
    expect(codes).toEqual(["SCORE_INVALID", "SCORE_NOT_MULTIPLE_OF_STEP", "UNKNOWN_CRITERION"]);
    expect(r.body.error.details.find((d: { criterion: string }) => d.criterion === "I.5").cell).toBe("D14");
    const list = await api("GET", `/periods/${P}/units/${u}/submissions`, seed.tokens.clerks[u]);
    expect(list.body.revisions).toHaveLength(1);
  });

  it("the secretariat closes submissions; a late push is refused as the period is in review", async () => {
    const t = await api("POST", `/periods/${P}/transitions`, seed.tokens.secretariat, { to: "review" });
    expect(t.status).toBe(200);
    expect(t.body.state).toBe("review");
    const u = "ca-tphcm";
    const r = await api("POST", `/periods/${P}/units/${u}/submissions`, seed.tokens.clerks[u], pushBody(u, 1));
    expect(r.status).toBe(423);
    expect(r.body.error.code).toBe("PERIOD_NOT_OPEN");
  });

  it("one sheet is returned with a reason, re-pushed by its clerk, and the revisions compare", async () => {
    const u = "tand-tphcm";
    const ret = await api("POST", `/periods/${P}/units/${u}/return`, seed.tokens.secretariat, {
      reason: "Thiếu tài liệu kiểm chứng cho tiêu chí I.3.a",
    });
    expect(ret.status).toBe(200);
    let status = await api("GET", `/periods/${P}/status`, seed.tokens.secretariat);
    const row = status.body.units.find((x: { unitId: string }) => x.unitId === u);
    expect(row).toMatchObject({
      status: "returned",
      returned: { reason: "Thiếu tài liệu kiểm chứng cho tiêu chí I.3.a" },
    });
    const sheet = await api("GET", `/periods/${P}/sheet`, seed.tokens.clerks[u]);
    expect(Object.keys(sheet.body.returned)).toEqual([u]);
    expect(sheet.body.revisions).toEqual({ [u]: 1 });

    const body = pushBody(u, 1);
    body.entries = body.entries.map((e) =>
      e.criterion === "I.3.a" ? { ...e, evidence: "Báo cáo 25/BC-TAND ngày 01/12/2017 (bổ sung)" } : e,
    );
    const r = await api("POST", `/periods/${P}/units/${u}/submissions`, seed.tokens.clerks[u], body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.revision).toBe(2);
    submissions[u] = validateSubmission(demoTemplate, body).entries;
    status = await api("GET", `/periods/${P}/status`, seed.tokens.secretariat);
    expect(status.body.units.find((x: { unitId: string }) => x.unitId === u).status).toBe("submitted");

    const cmp = await api("GET", `/periods/${P}/units/${u}/submissions/compare?from=1&to=2`, seed.tokens.clerks[u]);
    expect(cmp.status).toBe(200);
    expect(cmp.body.changes).toHaveLength(1);
    expect(cmp.body.changes[0]).toMatchObject({ criterion: "I.3.a", delta: 0 });
    const rev1 = await api("GET", `/periods/${P}/units/${u}/submissions/1`, seed.tokens.board);
    expect(rev1.status).toBe(200);
    expect(rev1.body.entries).toHaveLength(demoEntries(u).length);
  });

  it("the secretariat enters reviewed scores and flags", async () => {
    const reviewBodies: Record<string, unknown> = {
      "pccc-tphcm": {
        baseRevision: null,
        clientId: clientId("rv"),
        entries: [{ criterion: "I.4", score: 3 }],
        note: "Kiểm tra chéo",
      },
      "btl-tphcm": {
        baseRevision: null,
        clientId: clientId("rv"),
        entries: [
          { criterion: "II.4", score: 2.5 },
          { criterion: "V.1.a", score: 0.5 },
        ],
      },
    };
    for (const [u, body] of Object.entries(reviewBodies)) {
      const r = await api("PUT", `/periods/${P}/units/${u}/review`, seed.tokens.secretariat, body);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.revision).toBe(1);
      reviews[u] = validateReview(demoTemplate, body).entries;
    }
    const again = await api("GET", `/periods/${P}/units/pccc-tphcm/review`, seed.tokens.clerks["pccc-tphcm"]);
    expect(again.body).toMatchObject({ revision: 1, entries: [{ criterion: "I.4", score: 3 }] });
    for (const [u, f] of Object.entries(demoFlags)) {
      const r = await api("PUT", `/periods/${P}/units/${u}/flags`, seed.tokens.secretariat, f);
      expect(r.status).toBe(200);
    }
    const clerkTable = await api("GET", `/periods/${P}/table`, seed.tokens.clerks["ca-tphcm"]);
    expect(clerkTable.status).toBe(403);
    expect(clerkTable.body.error.code).toBe("RESULTS_NOT_PUBLISHED");
  });

  it("voting: two trustees publish their shares; seven units cast sealed ballots with single-use codes", async () => {
    election = await openElectronic(P, seed.tokens.secretariat);
    const byUnit = await voterCodes(P, seed.tokens.secretariat);
    expect(byUnit.size).toBe(7);
    for (const [i, u] of units.entries()) {
      const r = await castSealed(election, byUnit.get(u)!, demoBallots[i]!.choices);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      const tally = await api("GET", `/periods/${P}/voting/tally`, seed.tokens.secretariat);
      expect(tally.body).toMatchObject({ visible: false, returned: i + 1, tally: null });
    }
    const reused = await castSealed(election, byUnit.get(units[0]!)!, []);
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe("VOTER_CODE_USED");
    // One channel per period: no paper ballot enters an electronic vote.
    const paper = await api("POST", `/periods/${P}/voting/paper`, seed.tokens.secretariat, { ballots: [] });
    expect(paper.status).toBe(409);
    await closeAndDecrypt(election, seed.tokens.secretariat);
    const tally = await api("GET", `/periods/${P}/voting/tally`, seed.tokens.board);
    expect(tally.body.visible).toBe(true);
    expect(tally.body.tally).toMatchObject({ issued: 7, returned: 7, valid: 7, quorumMet: true });
  });

  it("publication: the clerk's table equals the domain core's consolidate on the same inputs", async () => {
    expect((await api("POST", `/periods/${P}/transitions`, seed.tokens.secretariat, { to: "closed" })).status).toBe(
      200,
    );
    const r = await api("GET", `/periods/${P}/table`, seed.tokens.clerks["tand-tphcm"]);
    expect(r.status).toBe(200);
    const expected = consolidate({
      period: demoPeriod(),
      template: demoTemplate,
      rulebook: demoRulebook,
      units: demoUnits,
      submissions,
      reviews,
      flags: demoFlags,
      sealedVote: {
        returned: 7,
        counts: demoTally.units.map((u) => u.votes),
        recordHash: await sha256Hex(
          JSON.stringify((await api("GET", `/periods/${P}/voting/record`, seed.tokens.board)).body),
        ),
      },
    });
    expect(r.body).toEqual({ ...JSON.parse(JSON.stringify(expected)), state: "closed", published: true });
    expect(r.body.leadingUnitId).not.toBeNull();
    // SQLite gives each stored sheet's codes in its entries' order: the table reads every sheet with the template's
    // one array of codes, known by identity (scoring compares no code per sheet).
    const { scores } = await readAll(DB, {
      scores: new Repository(DB).forPeriod({ id: P, blocId: "khoi-viii" }).latestScoresQ(),
    });
    const known = knownCodes(demoTemplate);
    expect([...scores.keys()].sort()).toEqual([...units].sort());
    for (const [, row] of scores) expect(scoredSheet(row, known).codes).toBe(leafIndex(demoTemplate).codes);

    const council = await api("GET", "/council/2017", seed.tokens.council);
    expect(council.status).toBe(200);
    expect(council.body.leadingUnits).toEqual([{ periodId: P, unitId: expected.leadingUnitId }]);
    expect(council.body.governmentFlagCap).toBe(0);

    const after = await api(
      "POST",
      `/periods/${P}/units/ca-tphcm/flags`,
      seed.tokens.secretariat,
      demoFlags["ca-tphcm"],
    );
    expect(after.status).toBe(404); // no such route (flags are PUT)
    const late = await api("PUT", `/periods/${P}/units/ca-tphcm/flags`, seed.tokens.secretariat, demoFlags["ca-tphcm"]);
    expect(late.status).toBe(423);
  });

  it("reopening a published period needs the council and a reason, and is audited", async () => {
    const bySec = await api("POST", `/periods/${P}/transitions`, seed.tokens.secretariat, {
      to: "review",
      reason: "x",
    });
    expect(bySec.status).toBe(403);
    const noReason = await api("POST", `/periods/${P}/transitions`, seed.tokens.council, { to: "review" });
    expect(noReason.status).toBe(422);
    expect(noReason.body.error.code).toBe("REASON_REQUIRED");
    const reopened = await api("POST", `/periods/${P}/transitions`, seed.tokens.council, {
      to: "review",
      reason: "Hội đồng yêu cầu thẩm định lại tiêu chí II.4",
    });
    expect(reopened.status).toBe(200);
    expect(reopened.body.state).toBe("review");
    expect((await api("GET", `/periods/${P}/table`, seed.tokens.clerks["ca-tphcm"])).status).toBe(403);
    const audit = await api("GET", `/periods/${P}/audit?limit=500`, seed.tokens.secretariat);
    expect(audit.body.entries[0]).toMatchObject({
      action: "period.transition",
      actor: { role: "council" },
      detail: { from: "closed", to: "review", reason: "Hội đồng yêu cầu thẩm định lại tiêu chí II.4" },
    });
    const actions = new Set(audit.body.entries.map((e: { action: string }) => e.action));
    for (const a of [
      "period.create",
      "period.transition",
      "submission.push",
      "submission.return",
      "review.push",
      "flags.set",
      "voting.codes",
      "voting.trustee-codes",
      "voting.trustee-key",
      "ballot.cast",
      "voting.close",
      "voting.decryption",
    ])
      expect(actions, a).toContain(a);
    const cast = audit.body.entries.filter((e: { action: string }) => e.action === "ballot.cast");
    expect(cast).toHaveLength(7);
    for (const e of cast) expect(e.detail).toEqual({});
  });
});
