/**
 * Small hand-made templates and rulebooks for the core's unit tests: few enough criteria that every expected number
 * in a test can be checked by hand (the arithmetic is written beside each assertion). Not exported from the index.
 */
import type { Band, Entry, LeafCriterion, Rulebook, Template } from "./schemas.ts";

export const leaf = (
  code: string,
  max: number,
  step: number,
  kind: LeafCriterion["kind"] = "score",
  evidenceRequired = false,
): LeafCriterion => ({ code, title: `Tiêu chí ${code}`, kind, max, step, evidenceRequired, guidance: "" });

/**
 * Score maximum 30 (I: 20, II: 10); bonus up to 6 (III.1); deduction up to 5 (III.2).
 *
 *   I      I.1 (10, step 0.5, evidence)   I.2 { I.2.a (5, 0.25)  I.2.b (5, 0.25) }
 *   II     II.1 (10, step 1)
 *   III    III.1 { III.1.a bonus (3, 0.5)  III.1.b bonus (3, 0.5, evidence) }   III.2 { III.2.a deduction (5, 0.5) }
 */
export const tinyTemplate: Template = {
  id: "tiny",
  version: 3,
  name: "Bảng chấm điểm thử",
  parts: [
    {
      code: "I",
      title: "Nhiệm vụ chuyên môn",
      max: 20,
      criteria: [
        leaf("I.1", 10, 0.5, "score", true),
        {
          code: "I.2",
          title: "Nhóm I.2",
          max: 10,
          guidance: "",
          children: [leaf("I.2.a", 5, 0.25), leaf("I.2.b", 5, 0.25)],
        },
      ],
    },
    { code: "II", title: "Phối hợp", max: 10, criteria: [leaf("II.1", 10, 1)] },
    {
      code: "III",
      title: "Điểm thưởng và điểm trừ",
      criteria: [
        {
          code: "III.1",
          title: "Điểm thưởng",
          guidance: "",
          children: [leaf("III.1.a", 3, 0.5, "bonus"), leaf("III.1.b", 3, 0.5, "bonus", true)],
        },
        { code: "III.2", title: "Điểm trừ", guidance: "", children: [leaf("III.2.a", 5, 0.5, "deduction")] },
      ],
    },
  ],
};

export const band = (key: string, minPct: number, floorPct: number, requireNoViolation = false): Band => ({
  key,
  label: { vi: `Mức ${key}`, en: `Band ${key}` },
  minPct,
  floorPct,
  requireNoViolation,
});

/** DOMAIN.md's default bands and the demo's vote and award rules, with a bonus cap of 4. */
export const tinyRulebook: Rulebook = {
  id: "tiny-qc",
  version: 1,
  name: "Quy chế thử",
  legalBasis: "",
  bonusCap: 4,
  bands: [band("xs", 90, 85), band("tot", 80, 80), band("ht", 70, 70), band("kht", 0, 0)],
  tieBreak: ["deduction", "part:I", "base"],
  choicesPerBallot: 2,
  quorum: { num: 2, den: 3 },
  shareBase: "members",
  threshold: { num: 1, den: 2 },
  thresholdRule: "gt",
  awards: [
    {
      key: "flag-gov",
      name: { vi: "Cờ thi đua của Chính phủ", en: "Government flag" },
      maxCount: 1,
      minBand: "xs",
      requiresVote: true,
      violationExcludes: true,
    },
    {
      key: "flag-city",
      name: { vi: "Cờ thi đua của UBND Thành phố", en: "City flag" },
      maxCount: 2,
      minBand: "xs",
      requiresVote: true,
      violationExcludes: true,
    },
    {
      key: "merit",
      name: { vi: "Bằng khen", en: "Certificate of merit" },
      maxCount: 2,
      minBand: "tot",
      requiresVote: false,
      violationExcludes: false,
    },
  ],
  councilShare: { num: 1, den: 5 },
};

/** Entries in hundredths from `{ code: points }`; null means left blank. */
export function entries(points: Record<string, number | null>, evidence = "BC số 1"): Entry[] {
  return Object.entries(points).map(([criterion, p]) => ({
    criterion,
    score: p === null ? null : Math.round(p * 100),
    evidence,
    note: "",
  }));
}

/** A full sheet of the tiny template: I.1 9, I.2.a 4.5, I.2.b 4.75, II.1 8, bonus 1 + 0.5, deduction 0. */
export const fullPoints = {
  "I.1": 9,
  "I.2.a": 4.5,
  "I.2.b": 4.75,
  "II.1": 8,
  "III.1.a": 1,
  "III.1.b": 0.5,
  "III.2.a": 0,
} as const;
