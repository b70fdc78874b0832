import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatPointsEn, formatPointsVi, parsePoints, toNumber } from "./points.ts";
import type { Entry } from "./schemas.ts";
import { scoreUnit } from "./scoring.ts";
import { leafIndex } from "./template.ts";
import { entries, fullPoints, tinyRulebook, tinyTemplate } from "./test-fixtures.ts";

const score = (self: Entry[], reviewed?: Entry[], cap = 4) =>
  scoreUnit(tinyTemplate, { ...tinyRulebook, bonusCap: cap }, self, reviewed);

describe("scoreUnit (DOMAIN.md computation 1-2)", () => {
  it("adds base, capped bonus and deduction into the total", () => {
    const s = score(entries({ ...fullPoints, "III.1.a": 3, "III.1.b": 2.5, "III.2.a": 1.5 }));
    // base = 9 + 4.5 + 4.75 + 8 = 26.25; bonus raw = 3 + 2.5 = 5.5, capped at 4; deduction 1.5
    // total = 26.25 + 4 - 1.5 = 28.75
    expect(s.totals).toMatchObject({ base: 2625, bonusRaw: 550, bonus: 400, deduction: 150, total: 2875 });
    expect(s.missing).toEqual([]);
  });

  it("keeps a bonus under the cap as entered", () => {
    const s = score(entries(fullPoints));
    // bonus 1 + 0.5 = 1.5 < cap 4; total = 26.25 + 1.5 - 0 = 27.75
    expect(s.totals).toMatchObject({ bonus: 150, bonusRaw: 150, total: 2775 });
  });

  it("caps the bonus at exactly the cap and at a zero cap", () => {
    const atCap = score(entries({ ...fullPoints, "III.1.a": 3, "III.1.b": 1 }));
    // 3 + 1 = 4 = cap: bonus 4, total 26.25 + 4 = 30.25
    expect(atCap.totals).toMatchObject({ bonus: 400, total: 3025 });
    const noBonus = score(entries(fullPoints), undefined, 0);
    // cap 0: bonus 0, total = base 26.25
    expect(noBonus.totals).toMatchObject({ bonusRaw: 150, bonus: 0, total: 2625 });
  });

  it("takes the reviewed score over the self-score, criterion by criterion", () => {
    const self = entries(fullPoints);
    const reviewed = entries({ "I.1": 7, "III.1.a": 0 });
    const s = score(self, reviewed);
    // effective: I.1 7 (reviewed), I.2.a 4.5, I.2.b 4.75, II.1 8; bonus 0 (reviewed) + 0.5
    // base = 7 + 4.5 + 4.75 + 8 = 24.25; bonus 0.5; total 24.75
    expect(s.effective["I.1"]).toBe(700);
    expect(s.effective["III.1.a"]).toBe(0);
    expect(s.effective["I.2.a"]).toBe(450);
    expect(s.totals).toMatchObject({ base: 2425, bonus: 50, total: 2475 });
    expect(s.reviewed).toBe(true);
    // selfTotal ignores the review: 26.25 + 1.5 = 27.75
    expect(s.self.total).toBe(2775);
  });

  it("treats a blank reviewed score as not reviewed", () => {
    const s = score(entries(fullPoints), entries({ "I.1": null }));
    expect(s.effective["I.1"]).toBe(900);
    expect(s.reviewed).toBe(false);
    expect(s.totals.total).toBe(s.self.total);
  });

  it("counts blank bonus and deduction criteria as 0 and a blank score criterion as missing", () => {
    const s = score(entries({ "I.1": 9, "I.2.a": 4.5, "I.2.b": null, "II.1": 8, "III.1.a": null }));
    expect(s.effective["III.1.a"]).toBe(0);
    expect(s.effective["III.1.b"]).toBe(0);
    expect(s.effective["III.2.a"]).toBe(0);
    expect(s.effective["I.2.b"]).toBeNull();
    expect(s.missing).toEqual(["I.2.b"]);
    // what is there still adds up: 9 + 4.5 + 8 = 21.5
    expect(s.totals).toMatchObject({ base: 2150, bonus: 0, deduction: 0, total: 2150 });
  });

  it("reports every score criterion of an empty sheet as missing", () => {
    expect(score([]).missing).toEqual(["I.1", "I.2.a", "I.2.b", "II.1"]);
    expect(score([]).totals.total).toBe(0);
  });

  it("gives part subtotals, a deduction subtracting inside its part", () => {
    const s = score(entries({ ...fullPoints, "III.1.a": 3, "III.1.b": 2.5, "III.2.a": 1.5 }));
    // I = 9 + 4.5 + 4.75 = 18.25; II = 8; III = 3 + 2.5 - 1.5 = 4 (uncapped bonus minus deduction)
    expect(s.totals.parts).toEqual({ I: 1825, II: 800, III: 400 });
    // a unit with more deductions has the lower part III, as in the total
    const more = score(entries({ ...fullPoints, "III.1.a": 3, "III.1.b": 2.5, "III.2.a": 3 }));
    expect(more.totals.parts.III).toBe(250);
  });

  it("reads entries in any order, and the last of two entries for one criterion", () => {
    const ordered = score(entries(fullPoints));
    const shuffled = score([...entries(fullPoints)].reverse());
    expect(shuffled.totals).toEqual(ordered.totals);
    const twice = score([...entries(fullPoints), ...entries({ "II.1": 10 })]);
    // II.1 8 -> 10: total 27.75 + 2 = 29.75
    expect(twice.totals.total).toBe(2975);
  });

  it("exposes the effective scores by code as a plain record", () => {
    const s = score(entries(fullPoints));
    expect(JSON.parse(JSON.stringify(s)).effective).toEqual({
      "I.1": 900,
      "I.2.a": 450,
      "I.2.b": 475,
      "II.1": 800,
      "III.1.a": 100,
      "III.1.b": 50,
      "III.2.a": 0,
    });
  });
});

/** Arbitrary valid points for each leaf of the tiny template (hundredths, multiples of the step), some blank. */
const sheet = fc.tuple(
  ...leafIndex(tinyTemplate).leaves.map((l) =>
    fc.option(
      fc.integer({ min: 0, max: l.max / l.step }).map((k) => k * l.step),
      { freq: 8 },
    ),
  ),
);
const toEntries = (values: (number | null)[]): Entry[] =>
  leafIndex(tinyTemplate).leaves.map((l, i) => ({
    criterion: l.code,
    score: values[i] ?? null,
    evidence: "",
    note: "",
  }));

describe("scoring invariants (property)", () => {
  it("total = base + min(bonus, cap) - deduction, base = sum of the score parts, parts = sum of their leaves", () => {
    fc.assert(
      fc.property(sheet, sheet, fc.integer({ min: 0, max: 800 }), (selfV, revV, capH) => {
        const s = scoreUnit(tinyTemplate, { bonusCap: capH / 100 }, toEntries(selfV), toEntries(revV));
        const t = s.totals;
        expect(t.total).toBe(t.base + Math.min(t.bonusRaw, capH) - t.deduction);
        expect(t.bonus).toBe(Math.min(t.bonusRaw, capH));
        // parts I and II hold only score criteria: their sum is the base
        expect(t.base).toBe((t.parts.I ?? 0) + (t.parts.II ?? 0));
        // part III holds bonus and deduction: uncapped bonus minus deduction
        expect(t.parts.III).toBe(t.bonusRaw - t.deduction);
        // so the sum of all parts is the total whenever the cap does not bite
        if (t.bonusRaw <= capH) expect(Object.values(t.parts).reduce((a, b) => a + b, 0)).toBe(t.total);
        // effective = reviewed if given, else self
        leafIndex(tinyTemplate).leaves.forEach((l, i) => {
          const expected = revV[i] ?? selfV[i] ?? (l.kind === "score" ? null : 0);
          expect(s.effective[l.code]).toBe(expected);
        });
        // self total: the same formula over self-scores alone
        const own = scoreUnit(tinyTemplate, { bonusCap: capH / 100 }, toEntries(selfV));
        expect(s.self).toEqual(own.totals);
      }),
    );
  });
});

describe("no float drift (property)", () => {
  it("sums of many 0.1, 0.25 and 0.01 steps are exact and print as short decimals", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("0,1", "0.25", "0.01", "0,05", 0.1, 0.25, 0.01), { maxLength: 400 }),
        (xs) => {
          let h = 0;
          let exactTenThousandths = 0;
          for (const x of xs) {
            const p = parsePoints(x);
            if (!p.ok) throw new Error(`unreadable ${x}`);
            h += p.hundredths;
            exactTenThousandths += Math.round(Number(String(x).replace(",", ".")) * 10000);
          }
          expect(h * 100).toBe(exactTenThousandths);
          const n = toNumber(h);
          // the number prints as at most two decimals: no 0.30000000000000004
          expect(String(n)).toMatch(/^\d+(\.\d{1,2})?$/);
          expect(formatPointsEn(h)).toBe(String(n));
          expect(formatPointsVi(h)).toBe(String(n).replace(".", ","));
          // and it reads back to the same hundredths
          expect(parsePoints(n)).toEqual({ ok: true, hundredths: h });
        },
      ),
    );
  });

  it("a sheet of thirty 0.1-point criteria totals exactly 3", () => {
    const template = {
      ...tinyTemplate,
      parts: [
        {
          code: "I",
          title: "Phần I",
          criteria: Array.from({ length: 30 }, (_, i) => ({
            code: `I.${i + 1}`,
            title: "x",
            kind: "score" as const,
            max: 0.1,
            step: 0.1,
            evidenceRequired: false,
            guidance: "",
          })),
        },
      ],
    };
    const s = scoreUnit(
      template,
      { bonusCap: 0 },
      Array.from({ length: 30 }, (_, i) => ({ criterion: `I.${i + 1}`, score: 10, evidence: "", note: "" })),
    );
    // 30 x 0.1 = 3 exactly (in binary floating point the running sum is 3.0000000000000013)
    expect(toNumber(s.totals.total)).toBe(3);
  });
});
