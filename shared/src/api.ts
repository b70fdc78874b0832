/**
 * What the HTTP API adds to the domain: the request bodies that are not sheets (transitions, returns, tokens, unit
 * edits), the period lifecycle (vòng đời kỳ thi đua) as a rule both the worker and the add-in can ask, the checks a
 * period must pass before it is stored, the canonical form of a sheet's entries that its content hash is taken over,
 * and the criterion-by-criterion comparison of two revisions. Pure: no clock, no randomness, no I/O.
 */
import * as z from "zod";
import { type DomainError, domainError } from "./errors.ts";
import { type Hundredths, toNumber } from "./points.ts";
import {
  type Entry,
  Id,
  IsoDateTime,
  LIMITS,
  nfc,
  type Period,
  type PeriodState,
  requiredText,
  text,
  VOTING_CHANNELS,
} from "./schemas.ts";
import type { SheetLines } from "./scoring.ts";
import { checkTrustees } from "./setup.ts";

// ---------------------------------------------------------------------------------------------------------------
// Request bodies

/** POST /periods/:periodId/transitions. */
export const PeriodTransition = z.strictObject({
  to: z.enum(["draft", "open", "review", "voting", "closed"]),
  reason: text(LIMITS.longText).default(""),
  /** Only with `to: "voting"`: how the period votes, fixed from then on (paper when not given). */
  channel: z.enum(VOTING_CHANNELS).optional(),
});
export type PeriodTransition = z.output<typeof PeriodTransition>;

/**
 * POST /periods/:periodId/deadline: gia hạn nộp, a new submission deadline with the reason the units will read in
 * the audit log.
 */
export const DeadlineChange = z.strictObject({
  submissionDeadline: IsoDateTime,
  reason: requiredText(LIMITS.longText),
});
export type DeadlineChange = z.output<typeof DeadlineChange>;

/** POST /periods/:periodId/units/:unitId/return: trả lại bảng điểm, with the reason the unit will read. */
export const ReturnSheet = z.strictObject({ reason: requiredText(LIMITS.longText) });
export type ReturnSheet = z.output<typeof ReturnSheet>;

/** PUT /units/:unitId: the writable fields of a unit (its id never changes). */
export const UnitUpdate = z.strictObject({ name: requiredText(LIMITS.shortText), shortName: requiredText(80) });
export type UnitUpdate = z.output<typeof UnitUpdate>;

export const TOKEN_ROLES = ["council", "secretariat", "clerk", "board"] as const;
/** Voter codes and trustee codes are issued per period by the voting routes, never by POST /tokens. */
export const ROLES = [...TOKEN_ROLES, "voter", "trustee"] as const;
export type Role = (typeof ROLES)[number];

/**
 * POST /tokens. A secretariat or board token is scoped to one bloc, a clerk token to one unit; voter codes are only
 * issued by POST /periods/:periodId/voting/codes.
 */
export const TokenRequest = z
  .strictObject({
    role: z.enum(TOKEN_ROLES),
    blocId: Id.optional(),
    unitId: Id.optional(),
    label: requiredText(LIMITS.shortText),
    expiresAt: IsoDateTime.optional(),
  })
  .superRefine((t, ctx) => {
    const needsBloc = t.role === "secretariat" || t.role === "board";
    if (needsBloc && !t.blocId) ctx.addIssue({ code: "custom", path: ["blocId"], message: "required for this role" });
    // A clerk's token may name the bloc whose periods it reaches (a secretariat's always names its own).
    if (t.role === "council" && t.blocId)
      ctx.addIssue({ code: "custom", path: ["blocId"], message: "not allowed for this role" });
    if (t.role === "clerk" && !t.unitId) ctx.addIssue({ code: "custom", path: ["unitId"], message: "required" });
    if (t.role !== "clerk" && t.unitId) ctx.addIssue({ code: "custom", path: ["unitId"], message: "not allowed" });
  });
export type TokenRequest = z.output<typeof TokenRequest>;

// ---------------------------------------------------------------------------------------------------------------
// Lifecycle

/** Who may move a period, and which way: draft -> open -> review -> voting -> closed; closed -> review reopens. */
const TRANSITIONS: Record<PeriodState, Partial<Record<PeriodState, { roles: Role[]; reason: boolean }>>> = {
  draft: { open: { roles: ["council", "secretariat"], reason: false } },
  open: {
    review: { roles: ["council", "secretariat"], reason: false },
    draft: { roles: ["council"], reason: true },
  },
  review: { voting: { roles: ["council", "secretariat"], reason: false } },
  voting: { closed: { roles: ["council", "secretariat"], reason: false } },
  closed: { review: { roles: ["council"], reason: true } },
};

/**
 * Whether `role` may move a period from `from` to `to`. Returns null when allowed, else the reason as an error:
 * `INVALID_TRANSITION` (no such step), `FORBIDDEN` (the step exists but needs another role, e.g. reopening a closed
 * period needs the council secretariat), or `REASON_REQUIRED`.
 * @example checkTransition("closed", "review", "council", "") // { code: "REASON_REQUIRED" }
 */
export function checkTransition(from: PeriodState, to: PeriodState, role: Role, reason: string): DomainError | null {
  const step = TRANSITIONS[from][to];
  if (!step) return domainError("INVALID_TRANSITION", { path: "/to" }, { from, to });
  if (!step.roles.includes(role)) return domainError("FORBIDDEN", { path: "/to" });
  if (step.reason && reason.trim() === "") return domainError("REASON_REQUIRED", { path: "/reason" });
  return null;
}

/** Sheets are accepted while the period is open, and from a unit whose sheet was returned while it is in review. */
export function acceptsSubmission(
  state: PeriodState,
  returned: boolean,
  deadline: string,
  now: Date,
): DomainError | null {
  if (returned && (state === "open" || state === "review")) return null;
  if (state !== "open") return domainError("PERIOD_NOT_OPEN", {}, { state });
  if (now.getTime() > Date.parse(deadline)) return domainError("DEADLINE_PASSED", {}, { deadline });
  return null;
}

/**
 * Whether the submission deadline may move to `deadline`: only while the period is a draft or open (later, a late
 * sheet comes in by returning that unit's sheet), and only to a moment still ahead (an earlier one would shut the
 * door on units without a word: moving to review does that, openly).
 */
export function checkDeadlineChange(state: PeriodState, deadline: string, now: Date): DomainError | null {
  if (state !== "draft" && state !== "open") return domainError("DEADLINE_NOT_CHANGEABLE", {}, { state });
  if (Date.parse(deadline) <= now.getTime())
    return domainError("DEADLINE_NOT_IN_FUTURE", { path: "/submissionDeadline" }, { deadline });
  return null;
}

/** The states in which the secretariat enters reviewed scores and returns sheets, and sets flags. */
export const REVIEW_STATES: readonly PeriodState[] = ["review"];
export const FLAG_STATES: readonly PeriodState[] = ["review", "voting"];

/**
 * Checks a period against the reference data it names: every member is a known unit, the leader and deputy are
 * members, no member twice, the trustees none or two or more and distinct. Template and rulebook are checked with `checkTemplate` / `checkRulebook`.
 */
export function checkPeriod(period: Period, knownUnitIds: ReadonlySet<string>): DomainError[] {
  const errors: DomainError[] = [];
  const seen = new Set<string>();
  period.members.forEach((u, i) => {
    if (!knownUnitIds.has(u)) errors.push(domainError("PERIOD_UNKNOWN_UNIT", { path: `/members/${i}` }, { unit: u }));
    if (seen.has(u)) errors.push(domainError("PERIOD_DUPLICATE_MEMBER", { path: `/members/${i}` }, { unit: u }));
    seen.add(u);
  });
  if (!seen.has(period.leaderUnitId))
    errors.push(domainError("PERIOD_LEADER_NOT_MEMBER", { path: "/leaderUnitId" }, { unit: period.leaderUnitId }));
  if (period.deputyUnitId !== null && !seen.has(period.deputyUnitId))
    errors.push(domainError("PERIOD_LEADER_NOT_MEMBER", { path: "/deputyUnitId" }, { unit: period.deputyUnitId }));
  errors.push(...checkTrustees(period.trustees ?? []));
  return errors;
}

/**
 * Next year's period of a bloc, made from this year's: the same members, leader, deputy, template and rulebook, the
 * year (and the year in the id) moved on, a new deadline, in draft. What changes with the year (a member merged, a
 * new template version) is changed before it opens.
 * @example nextYearPeriod(khoiViii2017, "2018-12-15T17:00:00+07:00").id // "khoi-viii-2018"
 */
export function nextYearPeriod(period: Period, submissionDeadline: string): Period {
  const year = period.year + 1;
  const old = String(period.year);
  const at = period.id.lastIndexOf(old);
  const id =
    at >= 0 ? period.id.slice(0, at) + String(year) + period.id.slice(at + old.length) : `${period.id}-${year}`;
  // Field by field: a period as the API lists it carries more (createdAt, ...), which a new period must not.
  return {
    id,
    blocId: period.blocId,
    year,
    members: [...period.members],
    leaderUnitId: period.leaderUnitId,
    deputyUnitId: period.deputyUnitId,
    trustees: (period.trustees ?? []).map((t) => ({ ...t })),
    templateId: period.templateId,
    templateVersion: period.templateVersion,
    rulebookId: period.rulebookId,
    rulebookVersion: period.rulebookVersion,
    submissionDeadline,
    state: "draft",
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Revisions

/**
 * The canonical text of validated entries, over which a revision's content hash (SHA-256) is taken: template order,
 * fixed key order, points in hundredths. The same sheet gives the same text on any machine.
 */
export function canonicalEntries(entries: readonly Entry[] | SheetLines): string {
  if (!Array.isArray(entries)) return linesJson(entries as SheetLines, false);
  return JSON.stringify(
    entries.map((e) => ({ criterion: e.criterion, score: e.score, evidence: e.evidence, note: e.note })),
  );
}

/**
 * A sheet's entries as the worker stores them (the `entries` column of submissions and reviews): JSON with every
 * entry's keys in sorted order, each string NFC-normalised (validation gives them NFC already, so that is a quick
 * check; never the text as a whole, where NFC would join an escape's letter with a combining mark): their canonical
 * JSON (worker/src/workbook/hash.ts `canonicalJson`: keys sorted, no white space, NFC). A ranking workbook's
 * provenance then takes a stored text as it is (worker/src/repository.ts `sheetTexts`) instead of parsing
 * and writing every sheet again. Rows stored before 2026-12-05 have the keys in the order criterion, score, evidence,
 * note (worker/src/repository.ts `storedCanonically` tells them apart).
 * @example entriesText([{ criterion: "1.1", score: 150, evidence: "", note: "" }]) // '[{"criterion":"1.1","evidence":"","note":"","score":150}]'
 */
export function entriesText(entries: readonly Entry[] | SheetLines): string {
  if (!Array.isArray(entries)) return linesJson(entries as SheetLines, true);
  const out = new Array<Entry>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    out[i] = { criterion: nfc(e.criterion), evidence: nfc(e.evidence), note: nfc(e.note), score: e.score };
  }
  return JSON.stringify(out);
}

/** A character JSON.stringify writes escaped (a lone surrogate included), or one half of a pair: let it write those. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what JSON escapes.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * A character that JSON escapes, or one that NFC may change (`nfc`'s ranges, which hold the surrogates): text
 * without one is written between quotes as it is, for both texts, after one test.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what JSON escapes.
const NOT_PLAIN = /[\u0300-\u1dff\u1f00-\uffff"\\\u0000-\u001f]/;

/** JSON.stringify(s), without its call for the usual code or text (nothing in it to escape). */
function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** `jsonString(s)`, or with `stored` `jsonString(nfc(s))`: one test for the usual text, none for an empty one. */
function jsonText(s: string, stored: boolean): string {
  if (s === "") return '""';
  if (!NOT_PLAIN.test(s)) return `"${s}"`;
  return jsonString(stored ? nfc(s) : s);
}

/**
 * The codes of a template's frozen array (what a full sheet's lines share) as JSON strings, found once: a criterion
 * code is letters, digits and dots, so both texts write it the same. Null for any other array, or a code that is not
 * plain.
 */
const QUOTED_CODES = new WeakMap<readonly string[], readonly string[] | null>();
function quotedCodes(codes: readonly string[]): readonly string[] | null {
  if (!Object.isFrozen(codes)) return null;
  let quoted = QUOTED_CODES.get(codes);
  if (quoted === undefined) {
    quoted = codes.every((c) => !NOT_PLAIN.test(c)) ? codes.map((c) => `"${c}"`) : null;
    QUOTED_CODES.set(codes, quoted);
  }
  return quoted;
}

/**
 * A sheet given as columns written as `canonicalEntries` (`stored` false) or `entriesText` (`stored` true) write its
 * entries, character for character (validate.test.ts holds them together), without an object per line.
 */
function linesJson(lines: SheetLines, stored: boolean): string {
  const { codes, scores, texts } = lines;
  const quoted = quotedCodes(codes);
  let out = "[";
  for (let i = 0; i < codes.length; i++) {
    const t = texts[i]!;
    const score = scores[i];
    const s = score === null || score === undefined ? "null" : String(score);
    const code = quoted !== null ? quoted[i]! : jsonText(codes[i]!, stored);
    const evidence = jsonText(t.evidence ?? "", stored);
    const note = jsonText(t.note ?? "", stored);
    if (i > 0) out += ",";
    if (stored) out += `{"criterion":${code},"evidence":${evidence},"note":${note},"score":${s}}`;
    else out += `{"criterion":${code},"score":${s},"evidence":${evidence},"note":${note}}`;
  }
  return out + "]";
}

/** An entry as the API shows it: points as a decimal number. */
export interface WireEntry {
  criterion: string;
  score: number | null;
  evidence: string;
  note: string;
}

export function toWireEntry(e: Entry): WireEntry {
  return {
    criterion: e.criterion,
    score: e.score === null ? null : toNumber(e.score),
    evidence: e.evidence,
    note: e.note,
  };
}

export interface EntryChange {
  criterion: string;
  from: WireEntry | null;
  to: WireEntry | null;
  /** to.score - from.score in points, when both are numbers. */
  delta: number | null;
}

/**
 * Criterion-by-criterion differences between two revisions, in the order of `order` (the template's leaf codes).
 * Only criteria whose score, evidence or note changed are listed.
 */
export function compareEntries(order: readonly string[], from: readonly Entry[], to: readonly Entry[]): EntryChange[] {
  const a = new Map(from.map((e) => [e.criterion, e]));
  const b = new Map(to.map((e) => [e.criterion, e]));
  const codes = [...order, ...[...a.keys(), ...b.keys()].filter((c) => !order.includes(c))];
  const out: EntryChange[] = [];
  for (const code of new Set(codes)) {
    const x = a.get(code);
    const y = b.get(code);
    if (!x && !y) continue;
    if (x && y && x.score === y.score && x.evidence === y.evidence && x.note === y.note) continue;
    const delta: Hundredths | null = x?.score != null && y?.score != null ? y.score - x.score : null;
    out.push({
      criterion: code,
      from: x ? toWireEntry(x) : null,
      to: y ? toWireEntry(y) : null,
      delta: delta === null ? null : toNumber(delta),
    });
  }
  return out;
}
