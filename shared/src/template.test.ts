import { describe, expect, it } from "vitest";
import { demoRulebook, demoTemplate } from "./demo.ts";
import { Rulebook, Template } from "./schemas.ts";
import { checkRulebook, checkTemplate, leafIndex, leavesOf, scoreMax } from "./template.ts";
import { band, leaf, tinyRulebook, tinyTemplate } from "./test-fixtures.ts";

const codesOf = (errors: { code: string; criterion?: string }[]) => errors.map((e) => [e.code, e.criterion]);

describe("checkTemplate", () => {
  it("passes the tiny and the demo templates", () => {
    expect(checkTemplate(tinyTemplate)).toEqual([]);
    expect(checkTemplate(demoTemplate)).toEqual([]);
    expect(Template.safeParse(demoTemplate).success).toBe(true);
  });

  it("finds every problem at once: duplicate code, max off the step, sums, mixed group", () => {
    const bad: Template = {
      id: "bad",
      version: 1,
      name: "Mẫu lỗi",
      parts: [
        {
          code: "I",
          title: "Phần I",
          max: 12, // the leaves add up to 10 + 1.1 = 11.1
          criteria: [leaf("I.1", 10, 0.5), leaf("I.2", 1.1, 0.25)], // 1.1 is not a multiple of 0.25
        },
        {
          code: "II",
          title: "Phần II",
          criteria: [
            leaf("I.1", 5, 1), // the code of a criterion of part I
            {
              code: "II.2",
              title: "Nhóm trộn",
              max: 4, // 2 + 1 = 3
              guidance: "",
              children: [leaf("II.2.a", 2, 1), leaf("II.2.b", 1, 1, "bonus")],
            },
          ],
        },
      ],
    };
    expect(codesOf(checkTemplate(bad))).toEqual([
      ["TEMPLATE_MAX_NOT_MULTIPLE_OF_STEP", "I.2"],
      ["TEMPLATE_SUM_MISMATCH", "I"],
      ["TEMPLATE_DUPLICATE_CODE", "I.1"],
      ["TEMPLATE_MIXED_GROUP", "II.2"],
      ["TEMPLATE_SUM_MISMATCH", "II.2"],
    ]);
    const sum = checkTemplate(bad).find((e) => e.criterion === "I")!;
    expect(sum.params).toEqual({ declared: "12", sum: "11.1" });
  });

  it("needs at least one score criterion", () => {
    const onlyBonus: Template = {
      id: "b",
      version: 1,
      name: "Chỉ có điểm thưởng",
      parts: [{ code: "I", title: "Thưởng", criteria: [leaf("I.1", 5, 1, "bonus")] }],
    };
    expect(codesOf(checkTemplate(onlyBonus))).toEqual([["TEMPLATE_NO_SCORE_CRITERION", undefined]]);
  });

  it("a duplicate between a part and a leaf code is caught too", () => {
    const t: Template = {
      ...tinyTemplate,
      parts: [...tinyTemplate.parts, { code: "IV", title: "x", criteria: [leaf("II", 1, 1)] }],
    };
    expect(codesOf(checkTemplate(t))).toEqual([["TEMPLATE_DUPLICATE_CODE", "II"]]);
  });

  it("flattens leaves in template order with their part and group; the score maximum is the 100%", () => {
    expect(leavesOf(tinyTemplate).map((l) => [l.code, l.partCode, l.groupCode, l.kind, l.max])).toEqual([
      ["I.1", "I", null, "score", 1000],
      ["I.2.a", "I", "I.2", "score", 500],
      ["I.2.b", "I", "I.2", "score", 500],
      ["II.1", "II", null, "score", 1000],
      ["III.1.a", "III", "III.1", "bonus", 300],
      ["III.1.b", "III", "III.1", "bonus", 300],
      ["III.2.a", "III", "III.2", "deduction", 500],
    ]);
    // 10 + 5 + 5 + 10 = 30 points; bonus and deduction maxima are not part of it
    expect(scoreMax(tinyTemplate)).toBe(3000);
    // the demo: 40 + 15 + 20 + 25 = 100
    expect(scoreMax(demoTemplate)).toBe(10000);
    expect(leafIndex(tinyTemplate)).toBe(leafIndex(tinyTemplate));
    expect([...leafIndex(tinyTemplate).groups]).toEqual(["I", "I.2", "II", "III", "III.1", "III.2"]);
  });
});

describe("checkRulebook", () => {
  it("passes the demo rulebook with the demo template", () => {
    expect(checkRulebook(demoRulebook, demoTemplate)).toEqual([]);
    expect(Rulebook.safeParse(demoRulebook).success).toBe(true);
    expect(checkRulebook(tinyRulebook, tinyTemplate)).toEqual([]);
  });

  it("finds unordered bands, a missing fallback band, unknown bands and parts, duplicate keys", () => {
    const bad: Rulebook = {
      ...tinyRulebook,
      bands: [band("tot", 80, 80), band("xs", 90, 85), band("ht", 70, 70)],
      tieBreak: ["deduction", "part:IX", "deduction"],
      awards: [
        { ...tinyRulebook.awards[0]!, minBand: "khong-co" },
        { ...tinyRulebook.awards[1]!, key: "tot" },
      ],
    };
    expect(checkRulebook(bad, tinyTemplate).map((e) => [e.code, e.params])).toEqual([
      ["RULEBOOK_BANDS_UNORDERED", undefined],
      ["RULEBOOK_NO_FALLBACK_BAND", undefined],
      ["RULEBOOK_DUPLICATE_KEY", { key: "tot" }],
      ["RULEBOOK_DUPLICATE_KEY", { key: "deduction" }],
      ["RULEBOOK_UNKNOWN_BAND", { award: "flag-gov", band: "khong-co" }],
      ["RULEBOOK_UNKNOWN_PART", { key: "part:IX" }],
    ]);
  });

  it("checks part keys only against a template when one is given", () => {
    const r: Rulebook = { ...tinyRulebook, tieBreak: ["part:IX"] };
    expect(checkRulebook(r)).toEqual([]);
    expect(checkRulebook(r, tinyTemplate).map((e) => e.code)).toEqual(["RULEBOOK_UNKNOWN_PART"]);
  });
});
