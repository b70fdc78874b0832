import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blocRowFigures, type ConsolidateInput, consolidate } from "./blocTable.ts";
import { demoBallots, demoEntries, demoFlags, demoPeriod, demoRulebook, demoTemplate, demoUnits } from "./demo.ts";
import type { Entry } from "./schemas.ts";
import { type ScoreColumns, scoreColumns } from "./scoring.ts";
import { leavesOf } from "./template.ts";
import { entries, fullPoints, tinyRulebook, tinyTemplate } from "./test-fixtures.ts";
import { validateSubmission } from "./validate.ts";

/** The demo year as the worker sees it: every clerk's push validated, then consolidated. */
function demoInput(): ConsolidateInput {
  const period = demoPeriod();
  const submissions: Record<string, Entry[]> = {};
  for (const id of period.members) {
    const v = validateSubmission(demoTemplate, {
      templateId: demoTemplate.id,
      templateVersion: demoTemplate.version,
      baseRevision: null,
      clientId: `demo-${id}`,
      entries: demoEntries(id),
    });
    expect(v.errors).toEqual([]);
    submissions[id] = v.entries;
  }
  return {
    period,
    template: demoTemplate,
    rulebook: demoRulebook,
    units: demoUnits,
    submissions,
    flags: demoFlags,
    ballots: demoBallots,
  };
}

describe("consolidate: Khối thi đua VIII, 2017", () => {
  const table = consolidate(demoInput());
  const row = (id: string) => table.rows.find((r) => r.unitId === id)!;

  it("ranks the seven units by total, the tie at 95.25 broken by part I", () => {
    expect(table.rows.map((r) => [r.rank, r.shortName, r.total, r.separatedBy])).toEqual([
      [1, "Công an TP", 102.75, null],
      [2, "Bộ Tư lệnh TP", 99.75, "total"],
      [3, "Viện KSND TP", 99.25, "total"],
      [4, "Sở CS PCCC", 98.75, "total"],
      [5, "TAND TP", 95.25, "total"],
      [6, "BCH BĐBP TP", 95.25, "part:I"],
      [7, "Cục THADS TP", 94.25, "total"],
    ]);
    // TAND and BĐBP: both 95.25, no deduction; part I 37.75 against 37.5
    expect([row("tand-tphcm").parts.I, row("bdbp-tphcm").parts.I]).toEqual([37.75, 37.5]);
    expect(table.rows.map((r) => r.stt)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("shows the bonus capped and the deduction subtracted", () => {
    // Công an: base 97.75, bonus 3 + 2 + 2 = 7 capped at 5: 102.75
    expect(row("ca-tphcm")).toMatchObject({ base: 97.75, bonus: 5, deduction: 0, total: 102.75, selfTotal: 102.75 });
    // Cục THADS: base 95.75 + bonus 0.5 - deduction 2 = 94.25; its part V is 0.5 - 2 = -1.5
    expect(row("cthads-tphcm")).toMatchObject({ base: 95.75, bonus: 0.5, deduction: 2, total: 94.25 });
    expect(row("cthads-tphcm").parts.V).toBe(-1.5);
    expect(row("ca-tphcm").reviewedTotal).toBeNull();
  });

  it("counts the ballots: 7 issued and returned, one blank, 4/7 for the army and the procuracy", () => {
    expect(table.tally).toMatchObject({ issued: 7, returned: 7, valid: 7, invalid: 0, blank: 1, quorumMet: true });
    expect(row("btl-tphcm")).toMatchObject({ votes: 4, voteBase: 7, votePct: 57.14, votePassed: true });
    expect(row("vks-tphcm")).toMatchObject({ votes: 4, votePct: 57.14, votePassed: true });
    // 3/7 = 42.86%: not more than half
    expect(row("pccc-tphcm")).toMatchObject({ votes: 3, votePct: 42.86, votePassed: false });
  });

  it("gives the withdrawn first-ranked unit nothing and makes the next flag winner the leading unit", () => {
    expect(row("ca-tphcm")).toMatchObject({ rank: 1, withdrawn: true, award: null, notNominatedReason: "withdrawn" });
    expect(table.leadingUnitId).toBe("btl-tphcm");
    expect(row("btl-tphcm").award?.name.vi).toBe("Cờ thi đua của Chính phủ");
    expect(row("vks-tphcm").award?.name.vi).toBe("Cờ thi đua của UBND Thành phố");
    expect(row("pccc-tphcm").award?.key).toBe("bang-khen-ct-ubnd");
    expect(row("tand-tphcm").award?.key).toBe("bang-khen-ct-ubnd");
    // the two certificates are given: BĐBP (no vote for a flag) gets nothing. It came closest to a certificate (no
    // vote needed, band met): the reason that decided is that they were full, not the flags' vote (issue 11).
    expect(row("bdbp-tphcm")).toMatchObject({ award: null, notNominatedReason: "full" });
  });

  it("gives the unit with a violation no flag", () => {
    // The violation kept it from the flags; a certificate allows a violation, and the certificates were full.
    expect(row("cthads-tphcm")).toMatchObject({ violation: true, award: null, notNominatedReason: "full" });
    expect(table.nominations.byAward["co-chinh-phu"]).toEqual(["btl-tphcm"]);
    expect(table.nominations.byAward["co-ubnd-tp"]).toEqual(["vks-tphcm"]);
  });

  it("classifies every unit Hoàn thành xuất sắc", () => {
    expect(new Set(table.rows.map((r) => r.band?.label.vi))).toEqual(new Set(["Hoàn thành xuất sắc"]));
  });

  it("gives the criteria x units matrix in rank order", () => {
    expect(table.matrix.unitIds).toEqual(table.rows.map((r) => r.unitId));
    // 13 + 6 + 7 + 8 criteria in parts I-IV, 3 bonus and 3 deduction in part V
    expect(table.matrix.criteria).toHaveLength(40);
    expect(table.matrix.values).toHaveLength(40);
    const i = table.matrix.criteria.findIndex((c) => c.code === "V.1.a");
    // Công an's bonus V.1.a is 3 (before the cap), Cục THADS's deduction V.2.a is 2
    expect(table.matrix.values[i]![0]).toBe(3);
    const d = table.matrix.criteria.findIndex((c) => c.code === "V.2.a");
    expect(table.matrix.values[d]![6]).toBe(2);
    expect(table.scoreMax).toBe(100);
  });

  it("nominates nothing when fewer than 2/3 of the ballots come back", () => {
    // 4 of 7: 4 x 3 = 12 < 2 x 7 = 14
    const t = consolidate({ ...demoInput(), ballots: demoBallots.slice(0, 4) });
    expect(t.tally?.quorumMet).toBe(false);
    expect(t.rows.every((r) => r.award === null && !r.votePassed)).toBe(true);
    expect(t.leadingUnitId).toBeNull();
  });

  it("a sealed vote the council declared failed: only the numbers, nothing nominated, the reason says the vote failed", () => {
    const reason = "Người giữ khoá mất tệp khoá";
    const t = consolidate({
      ...demoInput(),
      ballots: null,
      sealedVote: { returned: 7, counts: null, recordHash: "0".repeat(64), failedReason: reason },
    });
    expect(t.tally).toMatchObject({ issued: 7, returned: 7, units: [], failedReason: reason });
    expect(t.rows.every((r) => r.award === null && !r.votePassed && r.votes === null)).toBe(true);
    expect(t.leadingUnitId).toBeNull();
    // Units that met an award's band were stopped by the failed vote, never by "below the quorum".
    const reasons = t.nominations.nominations.map((n) => n.reason);
    expect(reasons).toContain("failed");
    expect(reasons).not.toContain("quorum");
    expect(reasons).not.toContain("vote");
  });

  it("before the vote: no tally, vote-free awards only, nobody leads yet", () => {
    const t = consolidate({ ...demoInput(), ballots: null });
    expect(t.tally).toBeNull();
    expect(t.rows[1]).toMatchObject({ unitId: "btl-tphcm", votes: null, award: { key: "bang-khen-ct-ubnd" } });
    expect(t.leadingUnitId).toBeNull();
  });

  it("takes a review into the total and the ranking; the self total stays", () => {
    // the secretariat reviews Bộ Tư lệnh's I.4 from 4 to 3.5: 99.75 - 0.5 = 99.25, level with the procuracy;
    // no deductions either, part I 38.25 against 38.75: the procuracy goes first
    const review = (score: number) =>
      consolidate({
        ...demoInput(),
        reviews: { "btl-tphcm": [{ criterion: "I.4", score, evidence: "", note: "Thiếu tài liệu" }] },
      });
    const t = review(350);
    const btl = t.rows.find((r) => r.unitId === "btl-tphcm")!;
    expect(btl).toMatchObject({ selfTotal: 99.75, reviewedTotal: 99.25, total: 99.25, rank: 3, separatedBy: "part:I" });
    expect(t.rows[1]).toMatchObject({ unitId: "vks-tphcm", rank: 2 });
    // the procuracy now leads; the army still passed the vote and takes the city flag
    expect(t.leadingUnitId).toBe("vks-tphcm");
    expect(btl.award?.key).toBe("co-ubnd-tp");
    // reviewed down to 2 of 4 (50%), I.4 is below every band's floor: Không hoàn thành, no award
    const low = review(200).rows.find((r) => r.unitId === "btl-tphcm")!;
    expect(low).toMatchObject({ total: 97.75, award: null, notNominatedReason: "band" });
    expect(low.band?.label.vi).toBe("Không hoàn thành");
  });
});

describe("consolidate: a small bloc by hand", () => {
  it("ranks a unit without a sheet last, unclassified and unnominated", () => {
    const t = consolidate({
      period: { id: "p", year: 2026, members: ["a", "b", "c"] },
      template: tinyTemplate,
      rulebook: { ...tinyRulebook, awards: [{ ...tinyRulebook.awards[2]!, minBand: "kht" }] },
      units: [],
      submissions: { a: entries({ ...fullPoints, "II.1": 9 }), b: entries(fullPoints) },
    });
    // a: 28.75; b: 27.75; c: nothing
    expect(t.rows.map((r) => [r.unitId, r.total, r.band?.key ?? null, r.award?.key ?? null, r.submitted])).toEqual([
      ["a", 28.75, "xs", "merit", true],
      ["b", 27.75, "tot", "merit", true],
      ["c", 0, null, null, false],
    ]);
    expect(t.rows[2]!.missing).toEqual(["I.1", "I.2.a", "I.2.b", "II.1"]);
    expect(t.rows[2]!.notNominatedReason).toBe("band");
    expect(t.rows.map((r) => r.rank)).toEqual([1, 2, null]);
    // Its matrix column is blank throughout, bonus and deduction too (nothing was sent, not a 0).
    expect(t.matrix.values.map((v) => v[2])).toEqual(t.matrix.criteria.map(() => null));
    expect(t.matrix.values[4]).toEqual([1, 1, null]);
  });

  it("gives a unit without a sheet no rank and no points, and lets no ranked unit below it", () => {
    // b sent a sheet of zeros with 5 points deducted: total -5, below the 0 a unit without a sheet would have. The
    // unit that sent nothing takes no place; b is second of two, not third of three.
    const zeros = { "I.1": 0, "I.2.a": 0, "I.2.b": 0, "II.1": 0, "III.1.a": 0, "III.1.b": 0, "III.2.a": 5 };
    const t = consolidate({
      period: { id: "p", year: 2026, members: ["c", "b", "a", "d"] },
      template: tinyTemplate,
      rulebook: tinyRulebook,
      units: [],
      submissions: { a: entries(fullPoints), b: entries(zeros), d: [] },
    });
    expect(t.rows.map((r) => [r.stt, r.unitId, r.rank, r.submitted])).toEqual([
      [1, "a", 1, true],
      [2, "b", 2, true],
      [3, "c", null, false],
      [4, "d", null, false],
    ]);
    expect(t.rows[1]!.total).toBe(-5);
    // What every screen and the workbook print for these rows.
    expect(t.rows.map((r) => blocRowFigures(r))).toEqual([
      { selfTotal: 27.75, reviewedTotal: null, base: 26.25, bonus: 1.5, deduction: 0, total: 27.75, rank: 1 },
      { selfTotal: -5, reviewedTotal: null, base: 0, bonus: 0, deduction: 5, total: -5, rank: 2 },
      { selfTotal: null, reviewedTotal: null, base: null, bonus: null, deduction: null, total: null, rank: null },
      { selfTotal: null, reviewedTotal: null, base: null, bonus: null, deduction: null, total: null, rank: null },
    ]);
  });
});

describe("consolidate from the sheets' scores alone (ScoreColumns), as the worker reads them", () => {
  const leaves = leavesOf(demoTemplate);
  /** A sheet of the demo template: each line blank or a score in hundredths, some lines left out, in any order. */
  const sheet = fc
    .tuple(
      fc.array(fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null }), {
        minLength: leaves.length,
        maxLength: leaves.length,
      }),
      fc.array(fc.boolean(), { minLength: leaves.length, maxLength: leaves.length }),
      fc.boolean(),
      fc.boolean(),
    )
    .map(([scores, kept, dropSome, shuffle]): Entry[] => {
      const out: Entry[] = [];
      leaves.forEach((l, i) => {
        if (dropSome && !kept[i]) return;
        const max = Math.round(l.max * 100);
        const v = scores[i] ?? null;
        out.push({ criterion: l.code, score: v === null ? null : v % (max + 1), evidence: "BC số 1", note: "" });
      });
      return shuffle ? out.reverse() : out;
    });

  it("gives the same table as the entries, and never writes into the columns it was given", () => {
    const members = demoPeriod().members;
    fc.assert(
      fc.property(
        fc.array(fc.option(sheet, { nil: undefined }), { minLength: members.length, maxLength: members.length }),
        fc.array(fc.option(sheet, { nil: undefined }), { minLength: members.length, maxLength: members.length }),
        (sheets, reviews) => {
          const byEntries: Record<string, Entry[]> = {};
          const byColumns: Record<string, ScoreColumns> = {};
          const byShared: Record<string, ScoreColumns> = {};
          const revEntries: Record<string, Entry[]> = {};
          const revColumns: Record<string, ScoreColumns> = {};
          members.forEach((id, i) => {
            const s = sheets[i];
            if (s) [byEntries[id], byColumns[id], byShared[id]] = [s, scoreColumns(s), scoreColumns(s, demoTemplate)];
            // A review of a few lines of some sheets.
            const r = reviews[i]?.slice(0, 3);
            if (r && i % 2 === 0) [revEntries[id], revColumns[id]] = [r, scoreColumns(r)];
          });
          const before = JSON.stringify([byColumns, revColumns]);
          const input = { ...demoInput(), submissions: byEntries, reviews: revEntries };
          const fromEntries = consolidate(input);
          const fromColumns = consolidate({ ...input, submissions: byColumns, reviews: revColumns });
          expect(fromColumns).toEqual(fromEntries);
          // Sheets in template order that share the template's codes, read without comparing them, give it too.
          expect(consolidate({ ...input, submissions: byShared, reviews: revColumns })).toEqual(fromEntries);
          // A blank bonus or deduction counts 0 and a reviewed score replaces the unit's in the table, never in the
          // arrays the caller holds (the worker's parsed rows).
          expect(JSON.stringify([byColumns, revColumns])).toBe(before);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("keeps one array of codes for every sheet in template order, and a sheet's own for any other", () => {
    const input = demoInput();
    const [a, b] = input.period.members;
    const full = input.submissions[a!]! as Entry[];
    const shared = scoreColumns(full, demoTemplate);
    expect(shared.codes).toBe(scoreColumns(input.submissions[b!]! as Entry[], demoTemplate).codes);
    expect(shared.codes).toEqual(leaves.map((l) => l.code));
    expect(Object.isFrozen(shared.codes)).toBe(true);
    expect(shared.scores).toEqual(full.map((e) => e.score));
    // Out of order, or a line short: its own codes, in its own order.
    const reversed = scoreColumns([...full].reverse(), demoTemplate);
    expect(reversed.codes).not.toBe(shared.codes);
    expect(reversed.codes).toEqual([...full].reverse().map((e) => e.criterion));
    const short = scoreColumns(full.slice(1), demoTemplate);
    expect(short.codes).toEqual(full.slice(1).map((e) => e.criterion));
    // The table is the same whichever way the sheets came.
    const sharedAll = Object.fromEntries(
      input.period.members.map((id) => [id, scoreColumns(input.submissions[id]! as Entry[], demoTemplate)]),
    );
    expect(consolidate({ ...input, submissions: sharedAll })).toEqual(consolidate(input));
  });

  it("shows a blank bonus as 0 in the matrix while the sheet's own scores keep it blank", () => {
    const input = demoInput();
    const [first] = input.period.members;
    const columns = scoreColumns(input.submissions[first!]! as Entry[]);
    const bonus = leaves.findIndex((l) => l.kind === "bonus");
    const scores = [...columns.scores];
    scores[bonus] = null;
    const table = consolidate({ ...input, submissions: { ...input.submissions, [first!]: { ...columns, scores } } });
    const u = table.matrix.unitIds.indexOf(first!);
    expect(table.matrix.values[bonus]![u]).toBe(0);
    expect(scores[bonus]).toBeNull();
  });
});
