/**
 * Templates (bảng chấm điểm) and rulebooks (quy chế): flattening into leaf criteria, and the consistency checks a
 * template and a rulebook must pass before a period may use them.
 */
import { type DomainError, domainError } from "./errors.ts";
import { formatPointsEn, type Hundredths, toHundredths } from "./points.ts";
import type { CriterionKind, GroupCriterion, LeafCriterion, Part, Rulebook, Template } from "./schemas.ts";

/** A leaf criterion with its part and group, points in hundredths. */
export interface Leaf {
  code: string;
  title: string;
  kind: CriterionKind;
  max: Hundredths;
  step: Hundredths;
  evidenceRequired: boolean;
  guidance: string;
  partCode: string;
  groupCode: string | null;
  /** Position in template order, for stable output. */
  index: number;
}

export function isGroup(c: LeafCriterion | GroupCriterion): c is GroupCriterion {
  return "children" in c;
}

/** The leaf criteria in template order. */
export function leavesOf(template: Template): Leaf[] {
  const out: Leaf[] = [];
  for (const part of template.parts) {
    for (const c of part.criteria) {
      if (isGroup(c)) for (const leaf of c.children) out.push(toLeaf(leaf, part.code, c.code, out.length));
      else out.push(toLeaf(c, part.code, null, out.length));
    }
  }
  return out;
}

function toLeaf(c: LeafCriterion, partCode: string, groupCode: string | null, index: number): Leaf {
  return {
    code: c.code,
    title: c.title,
    kind: c.kind,
    max: toHundredths(c.max),
    step: toHundredths(c.step),
    evidenceRequired: c.evidenceRequired,
    guidance: c.guidance,
    partCode,
    groupCode,
    index,
  };
}

/** What the core derives once per template object (templates are immutable once published). */
export interface LeafIndex {
  leaves: Leaf[];
  /**
   * The leaves' codes in order, one frozen array per template: a sheet of one line per leaf in template order keeps
   * this array as its codes (`scoreColumns(entries, template)`, the worker's `scoredSheet`), and scoring then knows
   * the sheet is in order by identity, without comparing its codes.
   */
  codes: readonly string[];
  byCode: Map<string, Leaf>;
  /** Codes of parts and groups: not inputs. */
  groups: Set<string>;
  /** Part codes in template order. */
  partCodes: string[];
  /** For each leaf (same order as `leaves`), the index of its part in `partCodes`. */
  partOf: number[];
  /** For each leaf, its kind as a number (`KIND_SCORE`, `KIND_BONUS`, `KIND_DEDUCTION`): scoring's loop reads these. */
  kinds: Uint8Array;
  /** Sum of the maxima of the `score` criteria. */
  scoreMax: Hundredths;
  /**
   * A record with every part code at 0, to copy: records of part subtotals made by copying it all share one shape,
   * where filling an empty object key by key would build each one through a chain of shapes.
   */
  zeroParts: Readonly<Record<string, number>>;
}

export const KIND_SCORE = 0;
export const KIND_BONUS = 1;
export const KIND_DEDUCTION = 2;

const leafIndexCache = new WeakMap<Template, LeafIndex>();

/** Leaves by code and the other derived data, cached per template object. */
export function leafIndex(template: Template): LeafIndex {
  let idx = leafIndexCache.get(template);
  if (!idx) {
    const leaves = leavesOf(template);
    const groups = new Set<string>();
    for (const p of template.parts) {
      groups.add(p.code);
      for (const c of p.criteria) if (isGroup(c)) groups.add(c.code);
    }
    const partCodes = template.parts.map((p) => p.code);
    const partOf = leaves.map((l) => partCodes.indexOf(l.partCode));
    let max = 0;
    for (const l of leaves) if (l.kind === "score") max += l.max;
    const zeroParts: Record<string, number> = {};
    for (const code of partCodes) zeroParts[code] = 0;
    idx = {
      leaves,
      codes: Object.freeze(leaves.map((l) => l.code)),
      byCode: new Map(leaves.map((l) => [l.code, l])),
      groups,
      partCodes,
      partOf,
      kinds: Uint8Array.from(leaves, (l) =>
        l.kind === "score" ? KIND_SCORE : l.kind === "bonus" ? KIND_BONUS : KIND_DEDUCTION,
      ),
      scoreMax: max,
      zeroParts,
    };
    leafIndexCache.set(template, idx);
  }
  return idx;
}

/** Sum of the maxima of the `score` criteria: the 100% against which bands are measured. */
export function scoreMax(template: Template): Hundredths {
  return leafIndex(template).scoreMax;
}

function partScoreMax(part: Part): Hundredths {
  let sum = 0;
  for (const c of part.criteria) {
    const leaves = isGroup(c) ? c.children : [c];
    for (const l of leaves) if (l.kind === "score") sum += toHundredths(l.max);
  }
  return sum;
}

/**
 * Checks a template: unique codes (parts, groups and leaves), each maximum a multiple of its step, declared maxima
 * equal to the sums below them, groups of one kind, and at least one `score` criterion. Returns every problem.
 */
export function checkTemplate(template: Template): DomainError[] {
  const errors: DomainError[] = [];
  const seen = new Set<string>();
  const claim = (code: string) => {
    if (seen.has(code)) errors.push(domainError("TEMPLATE_DUPLICATE_CODE", { criterion: code }));
    seen.add(code);
  };
  const checkLeaf = (l: LeafCriterion) => {
    claim(l.code);
    const max = toHundredths(l.max);
    const step = toHundredths(l.step);
    if (step > 0 && max % step !== 0)
      errors.push(
        domainError(
          "TEMPLATE_MAX_NOT_MULTIPLE_OF_STEP",
          { criterion: l.code },
          { max: formatPointsEn(max), step: formatPointsEn(step) },
        ),
      );
  };
  let scoreCount = 0;
  for (const part of template.parts) {
    claim(part.code);
    for (const c of part.criteria) {
      if (isGroup(c)) {
        claim(c.code);
        c.children.forEach(checkLeaf);
        const kinds = new Set(c.children.map((l) => l.kind));
        if (kinds.size > 1) errors.push(domainError("TEMPLATE_MIXED_GROUP", { criterion: c.code }));
        const sum = c.children.reduce((s, l) => s + toHundredths(l.max), 0);
        if (c.max !== undefined && toHundredths(c.max) !== sum)
          errors.push(
            domainError(
              "TEMPLATE_SUM_MISMATCH",
              { criterion: c.code },
              { declared: formatPointsEn(toHundredths(c.max)), sum: formatPointsEn(sum) },
            ),
          );
        scoreCount += c.children.filter((l) => l.kind === "score").length;
      } else {
        checkLeaf(c);
        if (c.kind === "score") scoreCount++;
      }
    }
    if (part.max !== undefined) {
      const leaves = part.criteria.flatMap((c) => (isGroup(c) ? c.children : [c]));
      const allScore = leaves.every((l) => l.kind === "score");
      const sum = allScore ? partScoreMax(part) : leaves.reduce((s, l) => s + toHundredths(l.max), 0);
      if (toHundredths(part.max) !== sum)
        errors.push(
          domainError(
            "TEMPLATE_SUM_MISMATCH",
            { criterion: part.code },
            { declared: formatPointsEn(toHundredths(part.max)), sum: formatPointsEn(sum) },
          ),
        );
    }
  }
  if (scoreCount === 0) errors.push(domainError("TEMPLATE_NO_SCORE_CRITERION"));
  return errors;
}

/**
 * Checks a rulebook, against the template it will be used with when given: bands ordered from the highest with a
 * final 0% band, awards naming known bands, unique keys, `part:` keys naming real parts.
 */
export function checkRulebook(rulebook: Rulebook, template?: Template): DomainError[] {
  const errors: DomainError[] = [];
  const bands = rulebook.bands;
  for (let i = 1; i < bands.length; i++) {
    if (toHundredths(bands[i]!.minPct) > toHundredths(bands[i - 1]!.minPct)) {
      errors.push(domainError("RULEBOOK_BANDS_UNORDERED"));
      break;
    }
  }
  const last = bands[bands.length - 1];
  if (!last || last.minPct !== 0 || last.floorPct !== 0) errors.push(domainError("RULEBOOK_NO_FALLBACK_BAND"));
  const keys = new Set<string>();
  for (const k of [...bands.map((b) => b.key), ...rulebook.awards.map((a) => a.key)]) {
    if (keys.has(k)) errors.push(domainError("RULEBOOK_DUPLICATE_KEY", {}, { key: k }));
    keys.add(k);
  }
  const tieKeys = new Set<string>();
  for (const k of rulebook.tieBreak) {
    if (tieKeys.has(k)) errors.push(domainError("RULEBOOK_DUPLICATE_KEY", {}, { key: k }));
    tieKeys.add(k);
  }
  const bandKeys = new Set(bands.map((b) => b.key));
  for (const a of rulebook.awards)
    if (!bandKeys.has(a.minBand))
      errors.push(domainError("RULEBOOK_UNKNOWN_BAND", {}, { award: a.key, band: a.minBand }));
  if (template) {
    const parts = new Set(template.parts.map((p) => p.code));
    for (const k of rulebook.tieBreak)
      if (k.startsWith("part:") && !parts.has(k.slice(5)))
        errors.push(domainError("RULEBOOK_UNKNOWN_PART", {}, { key: k }));
  }
  return errors;
}
