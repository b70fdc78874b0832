import { describe, expect, it } from "vitest";
import { councilView } from "./blocTable.ts";
import { councilFlagCap, type NominationCandidate, nominate } from "./nominate.ts";
import { tinyRulebook } from "./test-fixtures.ts";

// tinyRulebook's awards, highest first: flag-gov (1, band xs, vote, violation excludes),
// flag-city (2, xs, vote, violation excludes), merit (2, band tot or better, no vote, violation allowed).
const cand = (
  unitId: string,
  rank: number,
  bandKey: string | null = "xs",
  o: Partial<Pick<NominationCandidate, "violation" | "withdrawn" | "votePassed">> = {},
): NominationCandidate => ({ unitId, rank, bandKey, violation: false, withdrawn: false, votePassed: true, ...o });

const awards = (cs: NominationCandidate[], quorumFailed = false) =>
  nominate(tinyRulebook, cs, { quorumFailed }).nominations.map((n) => [n.unitId, n.award ?? n.reason]);

describe("nominate (DOMAIN.md computation 6)", () => {
  it("gives awards in rulebook order, each up to its maxCount, walking units in rank order", () => {
    const r = nominate(
      tinyRulebook,
      [6, 2, 4, 1, 5, 3].map((rank) => cand(`u${rank}`, rank)),
    );
    expect(r.nominations.map((n) => [n.unitId, n.award ?? n.reason])).toEqual([
      ["u1", "flag-gov"],
      ["u2", "flag-city"],
      ["u3", "flag-city"],
      ["u4", "merit"],
      ["u5", "merit"],
      ["u6", "full"],
    ]);
    expect(r.byAward).toEqual({ "flag-gov": ["u1"], "flag-city": ["u2", "u3"], merit: ["u4", "u5"] });
    expect(r.leadingUnitId).toBe("u1");
  });

  it("records a tie at an award's last place instead of hiding who was taken first", () => {
    // ua and ub share rank 1; flag-gov has room for one. The walk takes ua (by id); the table must say so.
    const r = nominate(tinyRulebook, [cand("ub", 1), cand("ua", 1), cand("uc", 3)]);
    expect(r.nominations.map((n) => [n.unitId, n.award ?? n.reason])).toEqual([
      ["ua", "flag-gov"],
      ["ub", "flag-city"],
      ["uc", "flag-city"],
    ]);
    expect(r.contested).toEqual([{ award: "flag-gov", rank: 1, given: ["ua"], leftOut: ["ub"] }]);
    expect(r.leadingUnitId).toBe("ua");
  });

  it("records no contest when tied units all fit, or the one left out did not qualify anyway", () => {
    // u2a and u2b share rank 2 and flag-city has room for both.
    expect(nominate(tinyRulebook, [cand("u1", 1), cand("u2b", 2), cand("u2a", 2)]).contested).toEqual([]);
    // ub shares rank 1 but is only Tốt: it was never a candidate for the flag.
    expect(nominate(tinyRulebook, [cand("ua", 1), cand("ub", 1, "tot")]).contested).toEqual([]);
    // Three units tied for the two merit certificates: one contest, two given, one left out.
    const r = nominate(tinyRulebook, [cand("ua", 1, "tot"), cand("ub", 1, "tot"), cand("uc", 1, "tot")]);
    expect(r.contested).toEqual([{ award: "merit", rank: 1, given: ["ua", "ub"], leftOut: ["uc"] }]);
  });

  it("holds back an award below its lowest band", () => {
    expect(awards([cand("u1", 1, "tot"), cand("u2", 2, "ht"), cand("u3", 3, null)])).toEqual([
      ["u1", "merit"], // Tốt: no flag (needs xs), but the merit certificate (needs Tốt)
      ["u2", "band"], // Hoàn thành: nothing
      ["u3", "band"], // not classified (a score missing): nothing
    ]);
  });

  it("requires a passed vote where the award says so", () => {
    expect(
      awards([
        cand("u1", 1, "xs", { votePassed: false }),
        cand("u2", 2, "xs", { votePassed: false }),
        cand("u3", 3, "xs", { votePassed: false }),
        cand("u4", 4, "xs"),
      ]),
    ).toEqual([
      ["u1", "merit"],
      ["u2", "merit"],
      ["u3", "full"], // flags need the vote; the merit certificates, which do not, are gone: that decided
      ["u4", "flag-gov"],
    ]);
  });

  it("gives the reason that decided for the award the unit came closest to (DOMAIN.md, Reasons)", () => {
    // Issue 11: a unit that needs no vote for the merit certificate but finds it full was told "vote not passed"
    // (the top award's condition). The certificate is the award it came closest to: it was full.
    const merits = [cand("m1", 1, "tot"), cand("m2", 2, "tot")];
    expect(awards([...merits, cand("u3", 3, "xs", { votePassed: false })])).toEqual([
      ["m1", "merit"],
      ["m2", "merit"],
      ["u3", "full"],
    ]);
    // Violation excludes it from the flags; the certificates allow a violation but are full.
    expect(awards([...merits, cand("u3", 3, "xs", { violation: true })])[2]).toEqual(["u3", "full"]);
    // Tốt: below the flags' band; the certificates (Tốt) are full.
    expect(awards([...merits, cand("u3", 3, "tot")])[2]).toEqual(["u3", "full"]);
    // With a certificate free, the same units get it: no reason at all.
    expect(awards([cand("m1", 1, "tot"), cand("u3", 3, "xs", { votePassed: false })])[1]).toEqual(["u3", "merit"]);
    // Below every band: the band decided.
    expect(awards([cand("u1", 1, "ht")])).toEqual([["u1", "band"]]);
  });

  it("excludes a unit with a violation from the awards that say so", () => {
    const r = nominate(tinyRulebook, [cand("u1", 1, "xs", { violation: true }), cand("u2", 2)]);
    expect(r.nominations.map((n) => [n.unitId, n.award])).toEqual([
      ["u1", "merit"], // no flag; the merit certificate allows it
      ["u2", "flag-gov"],
    ]);
    expect(r.leadingUnitId).toBe("u2");
    const strict = { ...tinyRulebook, awards: tinyRulebook.awards.map((a) => ({ ...a, violationExcludes: true })) };
    expect(nominate(strict, [cand("u1", 1, "xs", { violation: true })]).nominations[0]).toEqual({
      unitId: "u1",
      award: null,
      reason: "violation",
    });
  });

  it("gives a withdrawn first-ranked unit nothing; the next unit leads the bloc", () => {
    const r = nominate(tinyRulebook, [
      cand("first", 1, "xs", { withdrawn: true }),
      cand("second", 2),
      cand("third", 3),
    ]);
    expect(r.nominations).toEqual([
      { unitId: "first", award: null, reason: "withdrawn" },
      { unitId: "second", award: "flag-gov", reason: null },
      { unitId: "third", award: "flag-city", reason: null },
    ]);
    expect(r.leadingUnitId).toBe("second");
  });

  it("has no leading unit when nobody receives the top award", () => {
    expect(
      nominate(tinyRulebook, [cand("u1", 1, "tot"), cand("u2", 2, "xs", { votePassed: false })]).leadingUnitId,
    ).toBe(null);
  });

  it("nominates nothing when the vote failed its quorum, not even awards without a vote", () => {
    expect(awards([cand("u1", 1), cand("u2", 2, "tot"), cand("u3", 3, "xs", { withdrawn: true })], true)).toEqual([
      ["u1", "quorum"],
      ["u2", "quorum"],
      ["u3", "withdrawn"],
    ]);
    // A unit below every award's band was not stopped by the failed vote.
    expect(awards([cand("u1", 1, "ht")], true)).toEqual([["u1", "band"]]);
    expect(nominate(tinyRulebook, [cand("u1", 1)], { quorumFailed: true }).leadingUnitId).toBeNull();
  });
});

describe("councilFlagCap: the Government flag for at most 20% of the blocs' leading units", () => {
  it("rounds down", () => {
    const fifth = { num: 1, den: 5 };
    // 12 x 20% = 2.4 -> 2; 10 -> 2; 5 -> 1; 4 x 20% = 0.8 -> 0
    expect([12, 10, 9, 5, 4, 0].map((n) => councilFlagCap(n, fifth))).toEqual([2, 2, 1, 1, 0, 0]);
    expect(councilFlagCap(40, fifth)).toBe(8);
    expect(councilFlagCap(7, { num: 1, den: 3 })).toBe(2);
  });

  it("is shown beside the candidates in the council view", () => {
    const table = (periodId: string, leadingUnitId: string | null) =>
      ({ periodId, leadingUnitId }) as Parameters<typeof councilView>[0][number];
    const view = councilView(
      [table("k1", "a"), table("k2", null), table("k3", "c"), table("k4", "d"), table("k5", "e"), table("k6", "f")],
      tinyRulebook,
    );
    // five blocs have a leading unit: 5 x 20% = 1
    expect(view.leadingUnits.map((l) => l.unitId)).toEqual(["a", "c", "d", "e", "f"]);
    expect(view.governmentFlagCap).toBe(1);
  });
});
