import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkBallot, type Tally, tallyBallots } from "./ballot.ts";
import type { Ballot, Rulebook } from "./schemas.ts";
import { tinyRulebook } from "./test-fixtures.ts";

const members = ["a", "b", "c", "d", "e", "f"];
type VoteRules = Pick<Rulebook, "choicesPerBallot" | "quorum" | "shareBase" | "threshold" | "thresholdRule">;
const rules = (o: Partial<VoteRules> = {}): VoteRules => ({
  choicesPerBallot: 2,
  quorum: { num: 2, den: 3 },
  shareBase: "members",
  threshold: { num: 1, den: 2 },
  thresholdRule: "gt",
  ...o,
});
const b = (...choices: string[]): Ballot => ({ choices });

/** Six ballots for six members: two invalid (over-filled, outside unit), one blank; a named 3 times. */
const meeting: Ballot[] = [b("a", "b"), b("a", "c"), b("a"), b(), b("a", "b", "c"), b("a", "x")];
const unitOf = (t: Tally, id: string) => t.units.find((u) => u.unitId === id)!;

describe("tallyBallots (DOMAIN.md computation 5)", () => {
  it("records the numbers of a biên bản kiểm phiếu", () => {
    const t = tallyBallots(members, meeting, rules());
    expect(t).toMatchObject({ issued: 6, returned: 6, valid: 4, invalid: 2, blank: 1, quorumMet: true });
    // only valid ballots count: a 3 (ballots 1-3), b 1, c 1; the invalid ballots' names are not counted
    expect(t.units.map((u) => [u.unitId, u.votes])).toEqual([
      ["a", 3],
      ["b", 1],
      ["c", 1],
      ["d", 0],
      ["e", 0],
      ["f", 0],
    ]);
    expect(t.invalidReasons.map((e) => e.code)).toEqual(["BALLOT_TOO_MANY_CHOICES", "BALLOT_UNKNOWN_UNIT"]);
    expect(t.invalidReasons[0]!.params).toEqual({ count: 3, max: 2 });
  });

  it("compares the share at exactly 50% strictly (gt) or not (gte)", () => {
    // share over members: a has 3/6 = 50.00%
    const gt = tallyBallots(members, meeting, rules({ thresholdRule: "gt" }));
    expect(unitOf(gt, "a")).toMatchObject({ votes: 3, shareNum: 3, shareDen: 6, sharePct: 5000, passed: false });
    const gte = tallyBallots(members, meeting, rules({ thresholdRule: "gte" }));
    expect(unitOf(gte, "a").passed).toBe(true);
    expect(unitOf(gte, "b").passed).toBe(false);
  });

  it("takes the share over members or over valid ballots, as the rulebook says", () => {
    // over valid ballots: a has 3/4 = 75% > 50%; b 1/4 = 25%
    const t = tallyBallots(members, meeting, rules({ shareBase: "valid" }));
    expect(unitOf(t, "a")).toMatchObject({ shareDen: 4, sharePct: 7500, passed: true });
    expect(unitOf(t, "b")).toMatchObject({ shareDen: 4, sharePct: 2500, passed: false });
    // a third: 1/3 = 33.33% shown with two decimals
    const third = tallyBallots(["a", "b", "c"], [b("a"), b("b"), b("c")], rules());
    expect(unitOf(third, "a").sharePct).toBe(3333);
  });

  it("fails the vote below the quorum: no count per unit is kept, only the numbers of ballots", () => {
    // 3 ballots returned of 6 members: 3/6 < 2/3
    const few = [b("a", "b"), b("a"), b("a")];
    const t = tallyBallots(members, few, rules({ thresholdRule: "gte", shareBase: "valid" }));
    expect(t.quorumMet).toBe(false);
    // 2/3 of 6 members = 4 ballots needed
    expect(t.quorumNeeded).toBe(4);
    // Three ballots read off a per-unit count would no longer be secret (issue 11, item 5).
    expect(t.units).toEqual([]);
    expect(t).toMatchObject({ returned: 3, valid: 3, invalid: 0 });
    // 4 of 6 is exactly 2/3: the quorum is met
    expect(tallyBallots(members, [...few, b()], rules()).quorumMet).toBe(true);
    // invalid ballots are still ballots returned
    expect(tallyBallots(members, [...few, b("zz")], rules()).quorumMet).toBe(true);
  });

  it("counts a blank ballot as valid", () => {
    const t = tallyBallots(["a", "b"], [b(), b("a")], rules());
    expect(t).toMatchObject({ returned: 2, valid: 2, invalid: 0, blank: 1 });
    // a: 1/2 = 50%, not more than half
    expect(unitOf(t, "a").passed).toBe(false);
  });

  it("takes the number of ballots issued when given", () => {
    expect(tallyBallots(members, meeting, rules(), 7).issued).toBe(7);
  });

  it("reports what makes one ballot invalid", () => {
    expect(checkBallot(b("a", "b"), members, 2)).toBeNull();
    expect(checkBallot(b(), members, 2)).toBeNull();
    expect(checkBallot(b("a", "b", "c"), members, 2)?.code).toBe("BALLOT_TOO_MANY_CHOICES");
    expect(checkBallot(b("a", "nope"), members, 2)?.code).toBe("BALLOT_UNKNOWN_UNIT");
    expect(checkBallot(b("a", "a"), members, 2)?.code).toBe("BALLOT_DUPLICATE_CHOICE");
    const t = tallyBallots(members, [b("a", "a")], rules({ quorum: { num: 0, den: 1 } }));
    expect(t).toMatchObject({ valid: 0, invalid: 1 });
    expect(unitOf(t, "a").votes).toBe(0);
  });

  it("uses the demo rulebook's rule: 2 names, quorum 2/3, more than half of the members", () => {
    expect(tinyRulebook).toMatchObject({ choicesPerBallot: 2, shareBase: "members", thresholdRule: "gt" });
    // 7 members, a named on 4 ballots: 4/7 = 57.14% > 50%
    const seven = ["a", "b", "c", "d", "e", "f", "g"];
    const t = tallyBallots(seven, [b("a"), b("a", "b"), b("a", "c"), b("a"), b("b"), b()], tinyRulebook);
    expect(unitOf(t, "a")).toMatchObject({ votes: 4, sharePct: 5714, passed: true });
    expect(unitOf(t, "b")).toMatchObject({ votes: 2, sharePct: 2857, passed: false });
  });
});

describe("tallyBallots never throws (property)", () => {
  it("turns any JSON in place of ballots into a tally, a malformed ballot counted invalid", () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 8 }), (junk) => {
        const t = tallyBallots(members, junk as Ballot[], rules());
        expect(t.returned).toBe(junk.length);
        expect(t.valid + t.invalid).toBe(t.returned);
        expect(t.invalidReasons).toHaveLength(t.invalid);
      }),
    );
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        const t = tallyBallots(members, junk as Ballot[], rules());
        expect(t.valid + t.invalid).toBe(t.returned);
      }),
    );
  });

  it("counts a ballot whose choices are not unit ids as invalid", () => {
    const t = tallyBallots(members, [{ choices: [1, null] } as unknown as Ballot, null as unknown as Ballot], rules());
    expect(t).toMatchObject({ returned: 2, valid: 0, invalid: 2 });
    expect(t.invalidReasons.map((e) => e.code)).toEqual(["INVALID_INPUT", "INVALID_INPUT"]);
  });
});
