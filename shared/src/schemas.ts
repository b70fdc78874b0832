/**
 * The one schema source for every payload (Zod). The add-in checks with these before it sends, the worker on receipt,
 * and the OpenAPI document is generated from them. Objects are strict (an unknown key such as `role` or `__proto__`
 * is refused), every string and list is capped, and text is NFC-normalised on the way in.
 */
import * as z from "zod";
import { isPoints } from "./points.ts";

/** Caps shared by schemas and the worker's limits. */
export const LIMITS = {
  id: 64,
  code: 32,
  shortText: 200,
  title: 500,
  longText: 4000,
  criteria: 2000,
  parts: 30,
  childrenPerCriterion: 100,
  units: 500,
  bands: 10,
  awards: 10,
  tieBreak: 20,
  entries: 2000,
  ballots: 1000,
  choicesPerBallot: 50,
} as const;

/**
 * `s.normalize("NFC")`, skipping the normaliser when every character is one that is NFC whatever surrounds it: below
 * U+0300 (ASCII, Latin-1, Latin Extended A/B: ă, đ, ơ, ư) or a precomposed Latin letter of U+1E00-U+1EFF (ạ, ệ, ữ).
 * That is almost all Vietnamese text, and the check costs far less than the normaliser.
 * @example nfc("Vie\u0323\u0302n") // "Viện"
 */
export function nfc(s: string): string {
  return MAY_NEED_NFC.test(s) ? s.normalize("NFC") : s;
}

/** A character outside the ranges that are NFC whatever surrounds them (a lone surrogate included). */
const MAY_NEED_NFC = /[\u0300-\u1dff\u1f00-\uffff]/;

/** True when `c` may be white space or a line terminator as String.prototype.trim sees them (conservative). */
function mayBeSpace(c: number): boolean {
  return c <= 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x3000) || c === 0xfeff;
}

/**
 * Text as it is stored: NFC-normalised and trimmed (what the schemas' `text()` gives).
 * @example cleanText("  Vie\u0323\u0302n ") // "Viện"
 */
export function cleanText(s: string): string {
  const t = nfc(s);
  const n = t.length;
  return n > 0 && (mayBeSpace(t.charCodeAt(0)) || mayBeSpace(t.charCodeAt(n - 1))) ? t.trim() : t;
}

/** NFC-normalised, trimmed text with a length cap. */
export const text = (max: number) =>
  z
    .string()
    .max(max * 4)
    .transform(cleanText)
    .pipe(z.string().max(max));

/** Text that must not be empty after trimming. */
export const requiredText = (max: number) =>
  z
    .string()
    .max(max * 4)
    .transform(cleanText)
    .pipe(z.string().min(1).max(max));

export const Id = z
  .string()
  .min(1)
  .max(LIMITS.id)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "id: letters, digits, '.', '_' or '-'");

/** Criterion and part codes: "I", "II.3", "II.3.b". */
export const CriterionCode = z
  .string()
  .min(1)
  .max(LIMITS.code)
  .regex(/^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$/, "code: segments of letters or digits separated by '.'");

/** Points as a JSON number with at most two decimals, non-negative. */
export const Points = z.number().refine(isPoints, { message: "points: a non-negative number with at most 2 decimals" });

/** Points as people type them: a number, or text such as "95,5". Parsed by the core, which reports errors per cell. */
export const PointsInput = z.union([z.number(), z.string().max(40), z.null()]);

export const LocalisedText = z.strictObject({ vi: requiredText(LIMITS.title), en: requiredText(LIMITS.title) });

export const Ratio = z
  .strictObject({ num: z.int().min(0).max(1_000_000), den: z.int().min(1).max(1_000_000) })
  .refine((r) => r.num <= r.den, { message: "ratio must be at most 1" });

export const IsoDateTime = z.iso.datetime({ offset: true });

// ---------------------------------------------------------------------------------------------------------------
// Reference data

/** Đơn vị: a member unit. Its id is stable across years, renumbering and renaming. */
export const Unit = z.strictObject({
  id: Id,
  name: requiredText(LIMITS.shortText),
  shortName: requiredText(80),
});
export type Unit = z.output<typeof Unit>;

/**
 * Khối or cụm thi đua. Its members, leader (khối trưởng) and deputy (khối phó) are its current composition: the
 * default for its next period. A period keeps its own list, so a unit may move between blocs from one year to the next.
 */
export const Bloc = z.strictObject({
  id: Id,
  name: requiredText(LIMITS.shortText),
  kind: z.enum(["khoi", "cum"]),
  members: z.array(Id).max(LIMITS.units).optional(),
  leaderUnitId: Id.nullable().optional(),
  deputyUnitId: Id.nullable().optional(),
});
export type Bloc = z.output<typeof Bloc>;

/** A change of a bloc: its name, kind and composition (the id never changes). */
export const BlocUpdate = z.strictObject({
  name: requiredText(LIMITS.shortText),
  kind: z.enum(["khoi", "cum"]),
  members: z.array(Id).max(LIMITS.units).default([]),
  leaderUnitId: Id.nullable().default(null),
  deputyUnitId: Id.nullable().default(null),
});
export type BlocUpdate = z.output<typeof BlocUpdate>;

export const CRITERION_KINDS = ["score", "bonus", "deduction"] as const;
export type CriterionKind = (typeof CRITERION_KINDS)[number];

/** A leaf criterion (tiêu chí): what a clerk scores. */
export const LeafCriterion = z.strictObject({
  code: CriterionCode,
  title: requiredText(LIMITS.title),
  kind: z.enum(CRITERION_KINDS),
  max: Points,
  step: Points.refine((s) => s > 0, { message: "step must be positive" }),
  evidenceRequired: z.boolean().default(false),
  guidance: text(LIMITS.longText).default(""),
});
export type LeafCriterion = z.output<typeof LeafCriterion>;

/** A criterion with one level of sub-criteria. `max`, when given, must equal the sum of the children's maxima. */
export const GroupCriterion = z.strictObject({
  code: CriterionCode,
  title: requiredText(LIMITS.title),
  max: Points.optional(),
  guidance: text(LIMITS.longText).default(""),
  children: z.array(LeafCriterion).min(1).max(LIMITS.childrenPerCriterion),
});
export type GroupCriterion = z.output<typeof GroupCriterion>;

export const Criterion = z.union([GroupCriterion, LeafCriterion]);
export type Criterion = z.output<typeof Criterion>;

/** Phần I, II, ... of a scoring table. */
export const Part = z.strictObject({
  code: CriterionCode,
  title: requiredText(LIMITS.title),
  max: Points.optional(),
  criteria: z.array(Criterion).min(1).max(LIMITS.criteria),
});
export type Part = z.output<typeof Part>;

/** Bảng chấm điểm: immutable once published; a change is a new version. */
export const Template = z.strictObject({
  id: Id,
  version: z.int().min(1).max(1_000_000),
  name: requiredText(LIMITS.title),
  parts: z.array(Part).min(1).max(LIMITS.parts),
});
export type Template = z.output<typeof Template>;

/** A classification band (mức xếp loại). `minPct` and `floorPct` are percentages of maxima (90 means 90%). */
export const Band = z.strictObject({
  key: Id,
  label: LocalisedText,
  minPct: Points.refine((p) => p <= 100, { message: "at most 100" }),
  floorPct: Points.refine((p) => p <= 100, { message: "at most 100" }),
  requireNoViolation: z.boolean().default(false),
});
export type Band = z.output<typeof Band>;

/** A tie-break key: `deduction`, `base`, `votes` or `part:<code>`. */
export const TieBreakKey = z.union([
  z.enum(["deduction", "base", "votes"]),
  z.templateLiteral(["part:", z.string().regex(/^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$/)]),
]);
export type TieBreakKey = z.output<typeof TieBreakKey>;

/** An award (danh hiệu, hình thức khen thưởng) the bloc may propose. */
export const Award = z.strictObject({
  key: Id,
  name: LocalisedText,
  maxCount: z.int().min(0).max(LIMITS.units),
  minBand: Id,
  requiresVote: z.boolean(),
  violationExcludes: z.boolean(),
});
export type Award = z.output<typeof Award>;

/** Quy chế chấm điểm và bình xét: every number that varies between blocs and years. */
export const Rulebook = z.strictObject({
  id: Id,
  version: z.int().min(1).max(1_000_000),
  name: requiredText(LIMITS.title),
  legalBasis: text(LIMITS.title).default(""),
  bonusCap: Points,
  bands: z.array(Band).min(1).max(LIMITS.bands),
  tieBreak: z.array(TieBreakKey).max(LIMITS.tieBreak),
  choicesPerBallot: z.int().min(1).max(LIMITS.choicesPerBallot),
  quorum: Ratio,
  shareBase: z.enum(["members", "valid"]),
  threshold: Ratio,
  thresholdRule: z.enum(["gt", "gte"]),
  awards: z.array(Award).max(LIMITS.awards),
  councilShare: Ratio,
});
export type Rulebook = z.output<typeof Rulebook>;

export const PERIOD_STATES = ["draft", "open", "review", "voting", "closed"] as const;
export type PeriodState = (typeof PERIOD_STATES)[number];

/** A trustee of a period's sealed vote: a stable id (used in the proofs) and the name people read. */
export const Trustee = z.strictObject({ id: Id, name: requiredText(LIMITS.shortText) });
export type Trustee = z.output<typeof Trustee>;

/** How a period votes, fixed when voting opens: sealed ballots cast online, or counted paper ballots. */
export const VOTING_CHANNELS = ["electronic", "paper"] as const;
export type VotingChannel = (typeof VOTING_CHANNELS)[number];

/** Kỳ thi đua: a bloc and a year. */
export const Period = z.strictObject({
  id: Id,
  blocId: Id,
  year: z.int().min(2000).max(2200),
  members: z.array(Id).min(1).max(LIMITS.units),
  leaderUnitId: Id,
  deputyUnitId: Id.nullable().default(null),
  templateId: Id,
  templateVersion: z.int().min(1),
  rulebookId: Id,
  rulebookVersion: z.int().min(1),
  submissionDeadline: IsoDateTime,
  state: z.enum(PERIOD_STATES).default("draft"),
  /**
   * Người giữ khoá: the people who together hold the key of an electronic (sealed) vote, e.g. the bloc leader's
   * secretariat and the council's representative. An electronic vote needs at least two; each keeps a secret share.
   */
  trustees: z.array(Trustee).max(5).default([]),
});
export type Period = z.output<typeof Period>;

// ---------------------------------------------------------------------------------------------------------------
// Submissions, reviews, flags, ballots

/** One line of a sheet as a client sends it. `cell` lets errors point back at Excel. */
export const EntryInput = z.strictObject({
  criterion: z.string().max(LIMITS.code * 2),
  score: PointsInput.optional(),
  evidence: text(LIMITS.longText).optional(),
  note: text(LIMITS.longText).optional(),
  cell: z
    .string()
    .regex(/^[A-Z]{1,3}[0-9]{1,7}$/)
    .optional(),
});
export type EntryInput = z.output<typeof EntryInput>;

/** Generated by the client once per push (submission or review); a retry reuses it, so it is stored once. */
export const ClientId = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

/** A push of a self-scoring sheet (nộp bảng tự chấm điểm). Who and when come from the server, never the body. */
export const SubmissionPush = z.strictObject({
  templateId: Id,
  templateVersion: z.int().min(1),
  /** The revision the clerk's copy was based on; null for the first push. */
  baseRevision: z.int().min(0).nullable(),
  /** Generated by the client once per push; a retry reuses it. */
  clientId: ClientId,
  entries: z.array(EntryInput).max(LIMITS.entries),
});
export type SubmissionPush = z.output<typeof SubmissionPush>;

/** A validated entry, with points in hundredths. */
export interface Entry {
  criterion: string;
  /** Hundredths, or null when left blank. */
  score: number | null;
  evidence: string;
  note: string;
}

/** Điểm thẩm định: reviewed scores for one unit, entered by the secretariat. */
export const ReviewPush = z.strictObject({
  baseRevision: z.int().min(0).nullable(),
  clientId: ClientId,
  entries: z.array(EntryInput).max(LIMITS.entries),
  note: text(LIMITS.longText).default(""),
});
export type ReviewPush = z.output<typeof ReviewPush>;

/** Per unit and period. Both keep the unit in the ranking. */
export const Flags = z.strictObject({
  violation: z.boolean(),
  withdrawn: z.boolean(),
  reason: text(LIMITS.longText).default(""),
});
export type Flags = z.output<typeof Flags>;

/** One secret ballot (phiếu bầu): the unit ids it names. Blank is valid. */
export const Ballot = z.strictObject({
  choices: z.array(z.string().max(LIMITS.id)).max(LIMITS.choicesPerBallot),
});
export type Ballot = z.output<typeof Ballot>;

/** Counted paper ballots entered by the secretariat. */
export const PaperBallots = z.strictObject({
  ballots: z.array(Ballot).max(LIMITS.ballots),
});
export type PaperBallots = z.output<typeof PaperBallots>;

/**
 * The council declares an electronic vote failed when its tally cannot be decrypted (a trustee lost the key): the
 * reason is required and kept in the vote's record and the audit.
 */
export const FailVote = z.strictObject({
  reason: text(LIMITS.longText).pipe(z.string().min(1)),
});
export type FailVote = z.output<typeof FailVote>;

/** Turns a Zod failure into domain errors, one per issue, each with its path. */
export function zodErrors(error: z.ZodError): {
  code: "INVALID_INPUT";
  path: string;
  params: { path: string; detail: string; issue: string; minimum?: number; maximum?: number };
}[] {
  return error.issues.map((issue) => {
    const path = "/" + issue.path.map(String).join("/");
    // `detail` stays for developers reading the API; users read the catalogue's words built from `issue`.
    const bounds = {
      ...("minimum" in issue ? { minimum: Number(issue.minimum) } : {}),
      ...("maximum" in issue ? { maximum: Number(issue.maximum) } : {}),
    };
    return {
      code: "INVALID_INPUT" as const,
      path,
      params: { path, detail: issue.message, issue: issue.code, ...bounds },
    };
  });
}
