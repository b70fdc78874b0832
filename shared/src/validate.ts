/**
 * Validation of a sheet against its template (kiểm tra bảng điểm). Finds every problem in one pass, never only the
 * first, and never throws on arbitrary input: a clerk fixing a sheet wants the whole list at once.
 */
import { type DomainError, domainError } from "./errors.ts";
import { formatPointsEn, type Hundredths, parsePoints } from "./points.ts";
import { type Entry, type EntryInput, ReviewPush, SubmissionPush, type Template, zodErrors } from "./schemas.ts";
import { type Leaf, leavesOf } from "./template.ts";

export type EntryMode = "submission" | "review";

/** Leaves by code, cached per template object (templates are immutable). */
const leafIndexCache = new WeakMap<Template, { leaves: Leaf[]; byCode: Map<string, Leaf>; groups: Set<string> }>();

export function leafIndex(template: Template) {
  let idx = leafIndexCache.get(template);
  if (!idx) {
    const leaves = leavesOf(template);
    const groups = new Set<string>();
    for (const p of template.parts) {
      groups.add(p.code);
      for (const c of p.criteria) if ("children" in c) groups.add(c.code);
    }
    idx = { leaves, byCode: new Map(leaves.map((l) => [l.code, l])), groups };
    leafIndexCache.set(template, idx);
  }
  return idx;
}

function describe(raw: unknown): string {
  if (typeof raw === "string") return raw.slice(0, 40);
  return String(raw);
}

/**
 * Checks entries against a template. In `submission` mode every `score` criterion must be filled (0 is a value) and
 * evidence is required where the template says so; in `review` mode only the reviewed criteria are given.
 * Blank bonus and deduction criteria count as 0. Returns the entries in template order, with points in hundredths.
 */
export function validateEntries(
  template: Template,
  inputs: readonly EntryInput[],
  mode: EntryMode = "submission",
): { entries: Entry[]; errors: DomainError[] } {
  const { leaves, byCode, groups } = leafIndex(template);
  const errors: DomainError[] = [];
  const found = new Map<string, { entry: Entry; cell: string | undefined }>();
  inputs.forEach((input, i) => {
    const code = input.criterion.trim();
    const where = { criterion: code, cell: input.cell, path: `/entries/${i}` };
    const leaf = byCode.get(code);
    if (!leaf) {
      errors.push(domainError(groups.has(code) ? "NOT_AN_INPUT_CRITERION" : "UNKNOWN_CRITERION", where));
      return;
    }
    if (found.has(code)) {
      errors.push(domainError("DUPLICATE_CRITERION", where));
      return;
    }
    let score: Hundredths | null = null;
    const parsed = parsePoints(input.score);
    if (parsed.ok) {
      score = parsed.hundredths;
      const value = formatPointsEn(score);
      if (score > leaf.max)
        errors.push(domainError("SCORE_ABOVE_MAX", where, { value, max: formatPointsEn(leaf.max) }));
      else if (leaf.step > 0 && score % leaf.step !== 0)
        errors.push(domainError("SCORE_NOT_MULTIPLE_OF_STEP", where, { value, step: formatPointsEn(leaf.step) }));
    } else if (parsed.reason !== "empty") {
      const value = describe(input.score);
      const code2 =
        parsed.reason === "negative"
          ? "SCORE_NEGATIVE"
          : parsed.reason === "too_many_decimals"
            ? "SCORE_TOO_MANY_DECIMALS"
            : parsed.reason === "too_large"
              ? "SCORE_ABOVE_MAX"
              : "SCORE_INVALID";
      errors.push(
        domainError(code2, where, code2 === "SCORE_ABOVE_MAX" ? { value, max: formatPointsEn(leaf.max) } : { value }),
      );
    }
    const entry: Entry = { criterion: code, score, evidence: input.evidence ?? "", note: input.note ?? "" };
    found.set(code, { entry, cell: input.cell });
  });
  const entries: Entry[] = [];
  for (const leaf of leaves) {
    const f = found.get(leaf.code);
    if (mode === "submission") {
      // A score left blank is only a "missing" error when the entry itself did not already fail to parse.
      const failed = f && f.entry.score === null && errors.some((e) => e.criterion === leaf.code);
      if (leaf.kind === "score" && (!f || f.entry.score === null) && !failed)
        errors.push(domainError("SCORE_MISSING", { criterion: leaf.code, cell: f?.cell }));
      if (
        leaf.evidenceRequired &&
        f &&
        f.entry.score !== null &&
        f.entry.score > 0 &&
        f.entry.evidence === "" &&
        leaf.kind !== "deduction"
      )
        errors.push(domainError("EVIDENCE_REQUIRED", { criterion: leaf.code, cell: f.cell }));
    }
    if (f) entries.push(f.entry);
  }
  return { entries, errors };
}

export interface ValidatedSubmission {
  ok: boolean;
  push: SubmissionPush | null;
  entries: Entry[];
  errors: DomainError[];
}

/**
 * Validates a push body of any shape against the period's template: schema first (422-style errors with paths),
 * then template identity and version, then every entry. Never throws.
 */
export function validateSubmission(template: Template, body: unknown): ValidatedSubmission {
  const parsed = SubmissionPush.safeParse(body);
  if (!parsed.success) return { ok: false, push: null, entries: [], errors: zodErrors(parsed.error) };
  const push = parsed.data;
  const errors: DomainError[] = [];
  if (push.templateId !== template.id)
    errors.push(
      domainError("TEMPLATE_MISMATCH", { path: "/templateId" }, { received: push.templateId, expected: template.id }),
    );
  else if (push.templateVersion !== template.version)
    errors.push(
      domainError(
        "TEMPLATE_VERSION_MISMATCH",
        { path: "/templateVersion" },
        { received: push.templateVersion, expected: template.version },
      ),
    );
  if (errors.length) return { ok: false, push, entries: [], errors };
  const result = validateEntries(template, push.entries, "submission");
  return { ok: result.errors.length === 0, push, entries: result.entries, errors: result.errors };
}

/** Validates a review body (điểm thẩm định): only the criteria the secretariat reviewed. Never throws. */
export function validateReview(template: Template, body: unknown) {
  const parsed = ReviewPush.safeParse(body);
  if (!parsed.success)
    return { ok: false, push: null, entries: [] as Entry[], errors: zodErrors(parsed.error) as DomainError[] };
  const result = validateEntries(template, parsed.data.entries, "review");
  const entries = result.entries.filter((e) => e.score !== null);
  return { ok: result.errors.length === 0, push: parsed.data, entries, errors: result.errors };
}
