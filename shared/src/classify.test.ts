import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bandAndWhy, bandRank, classify, classifyValues } from "./classify.ts";
import { demoRulebook } from "./demo.ts";
import type { Rulebook } from "./schemas.ts";
import { scoreUnit } from "./scoring.ts";
import { leafIndex } from "./template.ts";
import { band, entries, fullPoints, tinyRulebook, tinyTemplate } from "./test-fixtures.ts";

/** Classifies a sheet of the tiny template (score maximum 30: 90% = 27, 80% = 24, 70% = 21). */
function bandOf(points: Record<string, number | null>, violation = false, rulebook: Rulebook = tinyRulebook) {
  const s = scoreUnit(tinyTemplate, rulebook, entries(points));
  return classify(tinyTemplate, rulebook, s.effective, s.totals.total, violation);
}

describe("classify (DOMAIN.md computation 3)", () => {
  it("gives the top band when the total and every floor are met", () => {
    const c = bandOf({ ...fullPoints, "II.1": 9 });
    // total = 9 + 4.5 + 4.75 + 9 + 1.5 = 28.75 >= 27; lowest share 4.5/5 = 90% >= 85%
    expect(c.band?.key).toBe("xs");
    expect(c.missed).toEqual([]);
  });

  it("loses a band to a per-criterion floor although the total is high enough", () => {
    const c = bandOf(fullPoints);
    // total 27.75 >= 27 (90%), but II.1 is 8/10 = 80% < the top band's floor of 85%: Tốt (80%, floor 80%) instead
    expect(c.band?.key).toBe("tot");
    expect(c.missed).toEqual([{ band: "xs", reason: "floor", criterion: "II.1" }]);
  });

  it("treats the threshold and the floor as inclusive (>=)", () => {
    // exactly 90%: 9 + 4.5 + 4.5 + 9 = 27 = 0.9 x 30, every criterion at 90%
    expect(bandOf({ ...fullPoints, "I.2.b": 4.5, "II.1": 9, "III.1.a": 0, "III.1.b": 0 }).band?.key).toBe("xs");
    // exactly the floor: I.1 8.5/10 = 85%, total 8.5 + 4.5 + 4.75 + 9 + 1.5 = 28.25
    expect(bandOf({ ...fullPoints, "I.1": 8.5, "II.1": 9 }).band?.key).toBe("xs");
    // a quarter point under 90%: 26.75 < 27
    const under = bandOf({ ...fullPoints, "I.2.b": 4.25, "II.1": 9, "III.1.a": 0, "III.1.b": 0 });
    expect(under.band?.key).toBe("tot");
    expect(under.missed).toEqual([{ band: "xs", reason: "total" }]);
  });

  it("counts the bonus toward the band's total and the deduction against it", () => {
    // base 8.5 + 4.25 + 4.25 + 9 = 26 < 27; with bonus 3: 29 >= 27, and every criterion >= 85%
    expect(bandOf({ "I.1": 8.5, "I.2.a": 4.25, "I.2.b": 4.25, "II.1": 9, "III.1.a": 3 }).band?.key).toBe("xs");
    // the same sheet with a 2.5-point deduction: 26 + 3 - 2.5 = 26.5 < 27
    expect(
      bandOf({ "I.1": 8.5, "I.2.a": 4.25, "I.2.b": 4.25, "II.1": 9, "III.1.a": 3, "III.2.a": 2.5 }).band?.key,
    ).toBe("tot");
  });

  it("loses a band to a violation only when the band requires none", () => {
    const strict: Rulebook = {
      ...tinyRulebook,
      bands: [band("xs", 90, 85, true), band("tot", 80, 80), band("ht", 70, 70), band("kht", 0, 0)],
    };
    const sheet = { ...fullPoints, "II.1": 9 }; // 28.75, floors met: top band on the numbers
    expect(bandOf(sheet, false, strict).band?.key).toBe("xs");
    const violated = bandOf(sheet, true, strict);
    expect(violated.band?.key).toBe("tot");
    expect(violated.missed).toEqual([{ band: "xs", reason: "violation" }]);
    // the default bands do not look at violations
    expect(bandOf(sheet, true).band?.key).toBe("xs");
  });

  it("walks down to Hoàn thành and Không hoàn thành", () => {
    // 7 + 3.5 + 3.5 + 7 = 21 = 70%, every criterion 70%: Hoàn thành
    expect(bandOf({ "I.1": 7, "I.2.a": 3.5, "I.2.b": 3.5, "II.1": 7 }).band?.key).toBe("ht");
    // 20.75 < 21
    const low = bandOf({ "I.1": 7, "I.2.a": 3.5, "I.2.b": 3.25, "II.1": 7 });
    expect(low.band?.key).toBe("kht");
    expect(low.missed.map((m) => m.band)).toEqual(["xs", "tot", "ht"]);
    // a zero on one criterion fails every floor above 0 whatever the total: 10 + 5 + 5 + 0 + bonus 4 = 24
    expect(bandOf({ "I.1": 10, "I.2.a": 5, "I.2.b": 5, "II.1": 0, "III.1.a": 3, "III.1.b": 3 }).band?.key).toBe("kht");
  });

  it("ranks band keys from the highest; unknown and null below all", () => {
    expect(bandRank(tinyRulebook, "xs")).toBe(0);
    expect(bandRank(tinyRulebook, "kht")).toBe(3);
    expect(bandRank(tinyRulebook, null)).toBe(4);
    expect(bandRank(tinyRulebook, "nope")).toBe(4);
  });
});

describe("the bloc table's band and reason (property)", () => {
  it("bandAndWhy gives classifyValues's band and the last band it missed, for any points and violation", () => {
    const { leaves } = leafIndex(tinyTemplate);
    const rulebooks = [tinyRulebook, demoRulebook, { ...tinyRulebook, bands: [...tinyRulebook.bands].reverse() }];
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null }), {
          minLength: leaves.length,
          maxLength: leaves.length,
        }),
        fc.integer({ min: -500, max: 4000 }),
        fc.boolean(),
        fc.nat({ max: rulebooks.length - 1 }),
        (raw, total, violation, r) => {
          const rulebook = rulebooks[r]!;
          const values = raw.map((v, i) => (v === null ? null : v % (Math.round(leaves[i]!.max * 100) + 1)));
          const c = classifyValues(tinyTemplate, rulebook, values, total, violation);
          const b = bandAndWhy(tinyTemplate, rulebook, values, total, violation);
          expect(rulebook.bands[b.index] ?? null).toBe(c.band);
          expect(b.why).toEqual(c.missed.at(-1) ?? null);
        },
      ),
      { numRuns: 500 },
    );
  });
});
