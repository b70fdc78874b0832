import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalEntries, entriesText } from "./api.ts";
import { demoRulebook } from "./demo.ts";
import type { DomainError } from "./errors.ts";
import { type EntryInput, ReviewPush, SubmissionPush, zodErrors } from "./schemas.ts";
import { scoreUnit } from "./scoring.ts";
import { leafIndex } from "./template.ts";
import { fullPoints, tinyTemplate } from "./test-fixtures.ts";
import { validateEntries, validateReview, validateSubmission } from "./validate.ts";

/** A complete, valid sheet of the tiny template as a clerk's push carries it, with cells D8.. */
const rowOf: Record<string, number> = {
  "I.1": 8,
  "I.2.a": 10,
  "I.2.b": 11,
  "II.1": 13,
  "III.1.a": 16,
  "III.1.b": 17,
  "III.2.a": 19,
};
const input = (criterion: string, score: EntryInput["score"], extra: Partial<EntryInput> = {}): EntryInput => ({
  criterion,
  score,
  cell: `D${rowOf[criterion] ?? 99}`,
  ...extra,
});
const goodSheet = (): EntryInput[] =>
  Object.entries(fullPoints).map(([c, p]) =>
    input(c, p, c === "I.1" || c === "III.1.b" ? { evidence: "Báo cáo số 12/BC" } : {}),
  );
const push = (entries: unknown, o: Record<string, unknown> = {}) => ({
  templateId: "tiny",
  templateVersion: 3,
  baseRevision: null,
  clientId: "c-0123456789",
  entries,
  ...o,
});
const brief = (errors: DomainError[]) => errors.map((e) => [e.code, e.criterion, e.cell]);

describe("validateEntries", () => {
  it("accepts a complete sheet and returns entries in template order, in hundredths", () => {
    const r = validateEntries(tinyTemplate, [...goodSheet()].reverse());
    expect(r.errors).toEqual([]);
    expect(r.entries.map((e) => [e.criterion, e.score])).toEqual([
      ["I.1", 900],
      ["I.2.a", 450],
      ["I.2.b", 475],
      ["II.1", 800],
      ["III.1.a", 100],
      ["III.1.b", 50],
      ["III.2.a", 0],
    ]);
    expect(r.entries[0]).toEqual({ criterion: "I.1", score: 900, evidence: "Báo cáo số 12/BC", note: "" });
  });

  it("reports every problem of a sheet in one pass, each with its criterion and cell", () => {
    const sheet: EntryInput[] = [
      input("I.1", 10.5, { evidence: "BC 1" }), // above max 10
      input("I.2.a", 4.3), // not a multiple of 0.25
      input("I.2.b", "abc"), // not a number
      input("II.1", null), // blank score criterion
      input("III.1.a", -1), // negative
      input("III.1.b", "1,125"), // three decimals
      { criterion: "III.2.a", score: 0, cell: "D19" },
      { criterion: "IX.9", score: 1, cell: "D40" }, // unknown
      { criterion: "I.2", score: 10, cell: "D9" }, // a group, not an input
      { criterion: "III.2.a", score: 1, cell: "D41" }, // twice
    ];
    const r = validateEntries(tinyTemplate, sheet);
    expect(brief(r.errors)).toEqual([
      ["SCORE_ABOVE_MAX", "I.1", "D8"],
      ["SCORE_NOT_MULTIPLE_OF_STEP", "I.2.a", "D10"],
      ["SCORE_INVALID", "I.2.b", "D11"],
      ["SCORE_NEGATIVE", "III.1.a", "D16"],
      ["SCORE_TOO_MANY_DECIMALS", "III.1.b", "D17"],
      ["UNKNOWN_CRITERION", "IX.9", "D40"],
      ["NOT_AN_INPUT_CRITERION", "I.2", "D9"],
      ["DUPLICATE_CRITERION", "III.2.a", "D41"],
      ["SCORE_MISSING", "II.1", "D13"],
    ]);
    expect(r.errors[0]!.params).toEqual({ value: "10.5", max: "10" });
    expect(r.errors[1]!.params).toEqual({ value: "4.3", step: "0.25" });
    expect(r.errors[2]!.params).toEqual({ value: "abc" });
    expect(r.errors[0]!.path).toBe("/entries/0");
    // an unreadable score is reported once, as unreadable, not also as missing
    expect(r.errors.filter((e) => e.criterion === "I.2.b")).toHaveLength(1);
  });

  it("reports a score criterion with no entry at all as missing, without a cell", () => {
    const r = validateEntries(
      tinyTemplate,
      goodSheet().filter((e) => e.criterion !== "I.2.a"),
    );
    expect(r.errors).toEqual([{ code: "SCORE_MISSING", criterion: "I.2.a" }]);
  });

  it("takes 0 as a score and leaves blank bonus and deduction criteria alone", () => {
    const r = validateEntries(tinyTemplate, [
      input("I.1", 0),
      input("I.2.a", "0"),
      input("I.2.b", 0),
      input("II.1", 0),
      input("III.1.a", ""),
    ]);
    expect(r.errors).toEqual([]);
    // 0 needs no evidence even where evidence is required
    expect(r.entries.find((e) => e.criterion === "III.1.a")?.score).toBeNull();
  });

  it("requires evidence for a positive score where the template says so, bonus included, deduction not", () => {
    const sheet = goodSheet().map((e) => ({ ...e, evidence: undefined }) as EntryInput);
    const r = validateEntries(tinyTemplate, [...sheet.filter((e) => e.criterion !== "III.2.a"), input("III.2.a", 1)]);
    expect(brief(r.errors)).toEqual([
      ["EVIDENCE_REQUIRED", "I.1", "D8"],
      ["EVIDENCE_REQUIRED", "III.1.b", "D17"],
    ]);
    // white space is not evidence
    const blank = goodSheet().map((e) => (e.criterion === "I.1" ? { ...e, evidence: "   " } : e));
    expect(brief(validateSubmission(tinyTemplate, push(blank)).errors)).toEqual([["EVIDENCE_REQUIRED", "I.1", "D8"]]);
  });

  it("reads Vietnamese decimals and refuses what is not two-decimal points", () => {
    const r = validateEntries(tinyTemplate, [
      ...goodSheet().filter((e) => e.criterion !== "I.2.b" && e.criterion !== "II.1"),
      input("I.2.b", "4,75"),
      input("II.1", "1e1"),
    ]);
    expect(r.entries.find((e) => e.criterion === "I.2.b")?.score).toBe(475);
    expect(brief(r.errors)).toEqual([["SCORE_INVALID", "II.1", "D13"]]);
    const huge = validateEntries(tinyTemplate, [input("I.1", "99999999999")]);
    expect(huge.errors[0]).toMatchObject({ code: "SCORE_ABOVE_MAX", criterion: "I.1", params: { max: "10" } });
    expect(validateEntries(tinyTemplate, [input("I.1", Number.NaN)]).errors[0]?.code).toBe("SCORE_INVALID");
  });
});

describe("validateSubmission", () => {
  it("accepts a well-formed push", () => {
    const r = validateSubmission(tinyTemplate, push(goodSheet()));
    expect(r.ok).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.entries).toHaveLength(7);
  });

  it("refuses a sheet of another template or another version of it", () => {
    const other = validateSubmission(tinyTemplate, push(goodSheet(), { templateId: "khac" }));
    expect(other.errors).toEqual([
      { code: "TEMPLATE_MISMATCH", path: "/templateId", params: { received: "khac", expected: "tiny" } },
    ]);
    const old = validateSubmission(tinyTemplate, push(goodSheet(), { templateVersion: 2 }));
    expect(old.ok).toBe(false);
    expect(old.errors).toEqual([
      { code: "TEMPLATE_VERSION_MISMATCH", path: "/templateVersion", params: { received: 2, expected: 3 } },
    ]);
  });

  it("turns a malformed body into INVALID_INPUT errors with paths, every one of them", () => {
    const r = validateSubmission(tinyTemplate, {
      ...push([
        { criterion: "I.1", score: { x: 1 } },
        { criterion: "I.2.a", role: "admin" },
      ]),
      clientId: "x",
    });
    expect(r.ok).toBe(false);
    expect(r.push).toBeNull();
    expect(r.errors.map((e) => [e.code, e.path])).toEqual(
      expect.arrayContaining([
        ["INVALID_INPUT", "/clientId"],
        ["INVALID_INPUT", "/entries/0/score"],
        ["INVALID_INPUT", "/entries/1"],
      ]),
    );
  });

  it("refuses a `__proto__` key in a body read from JSON", () => {
    const body = JSON.parse(`{"templateId":"tiny","templateVersion":3,"baseRevision":null,"clientId":"c-0123456789",
      "entries":[{"criterion":"I.1","score":9,"__proto__":{"admin":true}}]}`);
    const r = validateSubmission(tinyTemplate, body);
    expect(r.ok).toBe(false);
    expect(r.errors[0]).toMatchObject({ code: "INVALID_INPUT", path: "/entries/0" });
  });

  it("normalises evidence to NFC and trims it", () => {
    const decomposed = "Vie\u0323\u0302n KSND";
    const r = validateSubmission(
      tinyTemplate,
      push(goodSheet().map((e) => (e.criterion === "I.1" ? { ...e, evidence: `  ${decomposed} ` } : e))),
    );
    expect(r.entries[0]!.evidence).toBe("Viện KSND");
    expect(r.entries[0]!.evidence).toBe("Viện KSND".normalize("NFC"));
  });
});

describe("validateReview", () => {
  const review = (entries: unknown) => ({ baseRevision: 1, clientId: "r-0123456789", entries });

  it("checks only the reviewed criteria and drops blank ones", () => {
    const r = validateReview(tinyTemplate, review([input("I.1", 7), input("II.1", null)]));
    expect(r.ok).toBe(true);
    expect(r.entries.map((e) => [e.criterion, e.score])).toEqual([["I.1", 700]]);
    expect(r.push?.note).toBe("");
  });

  it("still checks maxima and steps of reviewed scores", () => {
    const r = validateReview(tinyTemplate, review([input("I.1", 11), input("II.1", 7.5)]));
    expect(brief(r.errors)).toEqual([
      ["SCORE_ABOVE_MAX", "I.1", "D8"],
      ["SCORE_NOT_MULTIPLE_OF_STEP", "II.1", "D13"],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties

const codes = ["I.1", "I.2.a", "I.2.b", "II.1", "III.1.a", "III.1.b", "III.2.a", "I.2", "IX", " I.1 ", ""];
const arbScore = fc.oneof(
  fc.integer({ min: 0, max: 1200 }).map((h) => h / 100),
  fc.constantFrom("4,75", "95.5", " 3 ", "abc", "", "-1", "1,125", null, Number.NaN, -0, 1e21),
  fc.double(),
  fc.string({ maxLength: 45 }),
);
const arbText = fc.oneof(
  fc.constantFrom("Báo cáo số 1", "  Vie\u0323\u0302n  ", "\u00a0x\u3000", "Ω", "\u212b", "a".repeat(4001)),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 10 }),
);
const arbEntry = fc.record(
  {
    criterion: fc.oneof(fc.constantFrom(...codes), fc.string({ maxLength: 70 })),
    score: arbScore,
    evidence: arbText,
    note: arbText,
    cell: fc.constantFrom("D8", "AB1234567", "d8", "D0", "ABCD1", "D12345678", "8", "D"),
    role: fc.constant("admin"),
  },
  { requiredKeys: ["criterion"] },
);
const arbPush = fc.record(
  {
    templateId: fc.constantFrom("tiny", "khac", "", "-x", "a".repeat(65)),
    templateVersion: fc.constantFrom(3, 2, 0, 1.5, "3"),
    baseRevision: fc.constantFrom(null, 0, 4, -1, 2.5),
    clientId: fc.constantFrom("c-0123456789", "short", "bad id!!!", "x".repeat(65)),
    entries: fc.array(arbEntry, { maxLength: 10 }),
    note: fc.constant("ghi chú"),
  },
  { requiredKeys: ["templateId", "templateVersion", "baseRevision", "clientId", "entries"] },
);

describe("validation never throws and reports errors as data (property)", () => {
  const check = (body: unknown) => {
    for (const r of [validateSubmission(tinyTemplate, body), validateReview(tinyTemplate, body)]) {
      expect(Array.isArray(r.errors)).toBe(true);
      expect(r.ok).toBe(r.errors.length === 0);
      for (const e of r.errors) expect(typeof e.code).toBe("string");
    }
  };
  it("on arbitrary values", () => {
    fc.assert(fc.property(fc.anything(), check), { numRuns: 300 });
  });
  it("on arbitrary JSON", () => {
    fc.assert(fc.property(fc.jsonValue(), check), { numRuns: 300 });
  });
  it("on nearly valid pushes", () => {
    fc.assert(fc.property(arbPush, check), { numRuns: 300 });
  });
});

describe("the fast path reads a push exactly as the schema does (property)", () => {
  it("gives the same push, key for key, or the same schema errors", () => {
    fc.assert(
      fc.property(arbPush, fc.boolean(), (body, viaJson) => {
        const b = viaJson ? JSON.parse(JSON.stringify(body)) : body;
        const r = validateSubmission(tinyTemplate, b);
        const z = SubmissionPush.safeParse(b);
        if (z.success) {
          // The same keys and values; an entry's keys may come in the body's own order.
          expect(r.push).toEqual(z.data);
          expect(Object.keys(r.push!)).toEqual(Object.keys(z.data));
          // The fast path validates each entry in the walk that checks its shape: the same entries, the same errors.
          if (z.data.templateId === tinyTemplate.id && z.data.templateVersion === tinyTemplate.version) {
            const ref = validateEntries(tinyTemplate, z.data.entries, "submission");
            expect(r.entries).toEqual(ref.entries);
            expect(r.errors).toEqual(ref.errors);
          }
        } else {
          expect(r.push).toBeNull();
          expect(r.errors).toEqual(zodErrors(z.error));
        }
        const rv = validateReview(tinyTemplate, b);
        const zv = ReviewPush.safeParse(b);
        if (zv.success) {
          expect(rv.push).toEqual(zv.data);
          expect(Object.keys(rv.push!)).toEqual(Object.keys(zv.data));
          const ref = validateEntries(tinyTemplate, zv.data.entries, "review");
          expect(rv.entries).toEqual(ref.entries.filter((e) => e.score !== null));
          expect(rv.errors).toEqual(ref.errors);
        } else expect(rv.errors).toEqual(zodErrors(zv.error));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("the walk for a clean sheet agrees with the general path (property)", () => {
  // Sheets that are valid or one step away from it: every criterion in order, then some of them changed, dropped
  // or swapped, so that both the clean walk and its fall back to the general path are exercised.
  const leafCodes = Object.keys(fullPoints) as (keyof typeof fullPoints)[];
  const arbChange = fc.record({
    at: fc.nat({ max: leafCodes.length - 1 }),
    how: fc.constantFrom(
      "text score",
      "above max",
      "off step",
      "blank",
      "drop",
      "swap",
      "spaced evidence",
      "nfd note",
      "escaped evidence",
      "surrogate note",
      "none",
    ),
  });
  const arbSheet = fc.record({
    changes: fc.array(arbChange, { maxLength: 3 }),
    evidence: fc.array(fc.boolean(), { minLength: leafCodes.length, maxLength: leafCodes.length }),
    review: fc.boolean(),
  });
  it("gives the same entries and errors as validateEntries on Zod's output", () => {
    fc.assert(
      fc.property(arbSheet, ({ changes, evidence, review: asReview }) => {
        const entries: Record<string, unknown>[] = leafCodes.map((code, i) => {
          const e: Record<string, unknown> = { criterion: code, score: fullPoints[code], cell: `D${8 + i}` };
          if (evidence[i]) e.evidence = `Báo cáo số ${i}`;
          return e;
        });
        for (const { at, how } of changes) {
          const e = entries[at];
          if (!e) continue;
          if (how === "text score") e.score = String(e.score).replace(".", ",");
          else if (how === "above max") e.score = 99;
          else if (how === "off step") e.score = 0.01;
          else if (how === "blank") e.score = null;
          else if (how === "drop") entries.splice(at, 1);
          else if (how === "swap" && at + 1 < entries.length) [entries[at], entries[at + 1]] = [entries[at + 1]!, e];
          else if (how === "spaced evidence") e.evidence = "  Biên bản  ";
          else if (how === "nfd note") e.note = "Vie\u0323\u0302n";
          else if (how === "escaped evidence") e.evidence = 'Quyết định "số 5" \\ 2019\tđính kèm \u0001';
          else if (how === "surrogate note") e.note = "Tệp 📄 và \ud800 lẻ";
        }
        const body = asReview
          ? { baseRevision: 1, clientId: "c-0123456789", entries }
          : {
              templateId: tinyTemplate.id,
              templateVersion: tinyTemplate.version,
              baseRevision: null,
              clientId: "c-0123456789",
              entries,
            };
        const json = JSON.parse(JSON.stringify(body));
        if (asReview) {
          const z = ReviewPush.parse(json);
          const ref = validateEntries(tinyTemplate, z.entries, "review");
          const r = validateReview(tinyTemplate, json);
          expect(r.entries).toEqual(ref.entries.filter((e) => e.score !== null));
          expect(r.errors).toEqual(ref.errors);
          expect(r.push).toEqual(z);
        } else {
          const z = SubmissionPush.parse(json);
          const ref = validateEntries(tinyTemplate, z.entries, "submission");
          const r = validateSubmission(tinyTemplate, json);
          // The columns the worker hashes and stores give the same text, character for character, as the entries.
          expect(canonicalEntries(r.lines)).toBe(canonicalEntries(ref.entries));
          expect(entriesText(r.lines)).toBe(entriesText(ref.entries));
          expect(scoreUnit(tinyTemplate, demoRulebook, r.lines)).toEqual(
            scoreUnit(tinyTemplate, demoRulebook, ref.entries),
          );
          if (r.lines.codes.length === leafCodes.length && r.ok)
            expect(r.lines.codes).toBe(leafIndex(tinyTemplate).codes);
          expect(r.entries).toEqual(ref.entries);
          expect(r.errors).toEqual(ref.errors);
          expect(r.ok).toBe(ref.errors.length === 0);
          expect(r.push).toEqual(z);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("the fast path reads plain data only", () => {
  it("an entry whose keys come from a prototype goes through the schema, and the push holds them as its own", () => {
    const entries = Object.entries(fullPoints).map(([criterion, score], i) => {
      const e = Object.create({ criterion }) as Record<string, unknown>;
      Object.assign(e, { score, cell: `D${8 + i}`, evidence: "Báo cáo" });
      return e;
    });
    const body = {
      templateId: tinyTemplate.id,
      templateVersion: tinyTemplate.version,
      baseRevision: null,
      clientId: "c-0123456789",
      entries,
    };
    const r = validateSubmission(tinyTemplate, body);
    const z = SubmissionPush.parse(body);
    expect(r.ok).toBe(true);
    expect(JSON.stringify(r.push)).toBe(JSON.stringify(z));
    expect(JSON.parse(JSON.stringify(r.push)).entries[0].criterion).toBe("I.1");
  });
});
