import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { demoRulebook } from "./demo.ts";
import {
  Ballot,
  cleanText,
  EntryInput,
  Flags,
  LIMITS,
  nfc,
  Period,
  Ratio,
  Rulebook,
  SubmissionPush,
  Template,
  Unit,
} from "./schemas.ts";
import { tinyTemplate } from "./test-fixtures.ts";

const unit = { id: "vks-tphcm", name: "Viện Kiểm sát nhân dân Thành phố", shortName: "Viện KSND TP" };

describe("schemas", () => {
  it("refuse unknown keys in strict objects", () => {
    expect(Unit.safeParse({ ...unit, role: "admin" }).success).toBe(false);
    expect(Flags.safeParse({ violation: false, withdrawn: false, extra: 1 }).success).toBe(false);
    const r = SubmissionPush.safeParse({
      templateId: "t",
      templateVersion: 1,
      baseRevision: null,
      clientId: "c-12345678",
      entries: [],
      submittedBy: "someone",
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ code: "unrecognized_keys", keys: ["submittedBy"] });
  });

  it("refuse a `__proto__` key, as JSON.parse creates it", () => {
    const body = JSON.parse(
      '{"id":"vks-tphcm","name":"Viện KSND","shortName":"VKS","__proto__":{"admin":true}}',
    ) as unknown;
    expect(Unit.safeParse(body).success).toBe(false);
    expect(EntryInput.safeParse(JSON.parse('{"criterion":"I.1","__proto__":null}')).success).toBe(false);
  });

  it("normalise text to NFC and trim it: a decomposed Viện comes out composed", () => {
    const decomposed = "Vie\u0323\u0302n Kiểm sát";
    expect(decomposed).not.toBe("Viện Kiểm sát");
    const r = Unit.parse({ ...unit, name: `  ${decomposed}  ` });
    expect(r.name).toBe("Viện Kiểm sát");
    expect(r.name.length).toBe(13);
    expect(EntryInput.parse({ criterion: "I.1", evidence: "Báo ca\u0301o\n" }).evidence).toBe("Báo cáo");
  });

  it("cap string lengths and list sizes", () => {
    expect(Unit.safeParse({ ...unit, name: "x".repeat(LIMITS.shortText) }).success).toBe(true);
    expect(Unit.safeParse({ ...unit, name: "x".repeat(LIMITS.shortText + 1) }).success).toBe(false);
    expect(Unit.safeParse({ ...unit, id: "a".repeat(LIMITS.id + 1) }).success).toBe(false);
    expect(Unit.safeParse({ ...unit, name: "   " }).success).toBe(false);
    expect(EntryInput.safeParse({ criterion: "I.1", evidence: "x".repeat(LIMITS.longText + 1) }).success).toBe(false);
    expect(EntryInput.safeParse({ criterion: "I.1", score: "9".repeat(41) }).success).toBe(false);
    const entries = Array.from({ length: LIMITS.entries + 1 }, () => ({ criterion: "I.1" }));
    const push = { templateId: "t", templateVersion: 1, baseRevision: null, clientId: "c-12345678", entries };
    expect(SubmissionPush.safeParse(push).success).toBe(false);
    expect(SubmissionPush.safeParse({ ...push, entries: entries.slice(1) }).success).toBe(true);
    expect(Ballot.safeParse({ choices: Array(LIMITS.choicesPerBallot + 1).fill("a") }).success).toBe(false);
  });

  it("refuse ids that could be anything else, cells that are not A1 addresses", () => {
    expect(Unit.safeParse({ ...unit, id: "../x" }).success).toBe(false);
    expect(Unit.safeParse({ ...unit, id: "a b" }).success).toBe(false);
    expect(EntryInput.safeParse({ criterion: "I.1", cell: "D8" }).success).toBe(true);
    expect(EntryInput.safeParse({ criterion: "I.1", cell: "=HYPERLINK()" }).success).toBe(false);
  });

  it("keep template points to two decimals and ratios at most 1", () => {
    const withMax = (max: number) => ({
      ...tinyTemplate,
      parts: [{ code: "I", title: "I", criteria: [{ code: "I.1", title: "x", kind: "score", max, step: 0.25 }] }],
    });
    expect(Template.safeParse(withMax(2.25)).success).toBe(true);
    expect(Template.safeParse(withMax(2.125)).success).toBe(false);
    expect(Template.safeParse(withMax(-1)).success).toBe(false);
    expect(Ratio.safeParse({ num: 2, den: 3 }).success).toBe(true);
    expect(Ratio.safeParse({ num: 4, den: 3 }).success).toBe(false);
    expect(Ratio.safeParse({ num: 1, den: 0 }).success).toBe(false);
  });

  it("accept the demo rulebook and fill defaults", () => {
    const { legalBasis: _, ...noBasis } = demoRulebook;
    expect(Rulebook.parse(noBasis).legalBasis).toBe("");
    const p = Period.parse({
      id: "p",
      blocId: "b",
      year: 2017,
      members: ["a"],
      leaderUnitId: "a",
      templateId: "t",
      templateVersion: 1,
      rulebookId: "r",
      rulebookVersion: 1,
      submissionDeadline: "2017-12-15T17:00:00+07:00",
    });
    expect(p).toMatchObject({ state: "draft", deputyUnitId: null });
  });
});

describe("nfc and cleanText agree with String.prototype.normalize (property)", () => {
  it("for any text", () => {
    const arb = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 30 }),
      fc.string({ unit: "binary", maxLength: 30 }),
      fc.string({ maxLength: 30 }),
      fc.constantFrom("Vie\u0323\u0302n", "\u212b", "e\u0301", " \u00a0ạ\u3000", "\ud800", "ơ\u0301", "\u1e9b\u0323"),
    );
    fc.assert(
      fc.property(arb, arb, (a, b) => {
        const s = a + b;
        expect(nfc(s)).toBe(s.normalize("NFC"));
        expect(cleanText(s)).toBe(s.normalize("NFC").trim());
      }),
      { numRuns: 2000 },
    );
  });
});
