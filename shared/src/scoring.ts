/**
 * Scoring (tính điểm) in integer hundredths: effective score (reviewed over self), base, bonus with its cap,
 * deduction, total, self total and part subtotals, exactly as DOMAIN.md's computation section states.
 */
import type { Hundredths } from "./points.ts";
import { toHundredths } from "./points.ts";
import type { Entry, Rulebook, Template } from "./schemas.ts";
import { KIND_BONUS, KIND_SCORE, type Leaf, type LeafIndex, leafIndex } from "./template.ts";

export interface Totals {
  base: Hundredths;
  /** Bonus after the cap. */
  bonus: Hundredths;
  /** Bonus as entered, before the cap. */
  bonusRaw: Hundredths;
  deduction: Hundredths;
  total: Hundredths;
  /**
   * Subtotal of each part over its leaves, signed as in the total: score and bonus points add, deductions subtract
   * (a part of bonus and deduction criteria shows bonus - deduction; a bonus part shows its uncapped sum).
   */
  parts: Record<string, Hundredths>;
}

export interface UnitScore {
  /** Effective points per leaf criterion: reviewed if reviewed, else self, else 0 for blank bonus/deduction. */
  effective: Record<string, Hundredths | null>;
  /** The formula over effective scores. */
  totals: Totals;
  /** The same formula over self-scores alone. */
  self: Totals;
  /** True when at least one criterion has a reviewed score. */
  reviewed: boolean;
  /** Score criteria left without a value (neither self nor reviewed): the unit cannot be fully classified. */
  missing: string[];
}

/**
 * A sheet's scores without its texts: the criteria's codes and their scores (hundredths; null when blank) in the
 * same order. The worker's bloc table, council year and ranking workbook read a stored sheet this way (SQLite takes
 * them out of the stored entries: worker/src/repository.ts `SCORES_OF`), so consolidating a big bloc makes no
 * object per criterion: at 1,000 units x 120 criteria those 120,000 objects, promoted by the collector, made the
 * table's cost per unit grow with the bloc.
 * @example { codes: ["I.1", "I.2"], scores: [150, null] }
 */
export interface ScoreColumns {
  readonly codes: readonly string[];
  readonly scores: readonly (Hundredths | null)[];
}

/**
 * A checked sheet as columns (what `validateSubmission` gives as `lines`): its codes and scores, and for its texts the
 * objects they were read from, the push's checked inputs or the entries. Line i is `{ criterion: codes[i], score:
 * scores[i], evidence: texts[i].evidence ?? "", note: texts[i].note ?? "" }` (`lineEntries` makes those objects;
 * `canonicalEntries` and `entriesText` write the sheet's JSON straight from the columns). Validation then makes no
 * object per line: at 1,000 sheets of 50 lines it allocated 4.7 MB with them, 1.2 MB without (JSON.parse: 8.2 MB).
 */
export interface SheetLines extends ScoreColumns {
  readonly texts: readonly Readonly<{ evidence?: string | undefined; note?: string | undefined }>[];
}

/** The entries of a sheet given as columns with its texts. */
export function lineEntries(lines: SheetLines): Entry[] {
  const { codes, scores, texts } = lines;
  const out = new Array<Entry>(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const t = texts[i]!;
    out[i] = { criterion: codes[i]!, score: scores[i]!, evidence: t.evidence ?? "", note: t.note ?? "" };
  }
  return out;
}

/** A sheet's entries as columns with their texts; in template order, it shares the template's codes. */
export function entryLines(entries: readonly Entry[], template?: Template): SheetLines {
  const { codes, scores } = scoreColumns(entries, template);
  return { codes, scores, texts: entries };
}

/** A sheet as scoring reads it: its entries, or its scores alone (`ScoreColumns`). */
export type SheetScores = readonly Entry[] | ScoreColumns;

/** The number of lines of a sheet. */
export function sheetLength(sheet: SheetScores | undefined): number {
  if (sheet === undefined) return 0;
  return isColumns(sheet) ? sheet.codes.length : sheet.length;
}

function isColumns(sheet: SheetScores): sheet is ScoreColumns {
  return !Array.isArray(sheet);
}

/**
 * A sheet's scores as columns: entries are read once; columns are returned as they are. Given the template, a sheet
 * of one line per leaf in template order shares the template's array of codes (`leafIndex(template).codes`) instead
 * of a copy of its own: what a bloc's thousand sheets keep until they are consolidated is then their scores.
 */
export function scoreColumns(sheet: SheetScores, template?: Template): ScoreColumns {
  if (isColumns(sheet)) return sheet;
  const n = sheet.length;
  const scores = new Array<Hundredths | null>(n);
  for (let i = 0; i < n; i++) scores[i] = sheet[i]!.score;
  const leafCodes = template ? leafIndex(template).codes : null;
  let inOrder = leafCodes !== null && leafCodes.length === n;
  for (let i = 0; inOrder && i < n; i++) inOrder = sheet[i]!.criterion === leafCodes![i];
  if (inOrder) return { codes: leafCodes!, scores };
  const codes = new Array<string>(n);
  for (let i = 0; i < n; i++) codes[i] = sheet[i]!.criterion;
  return { codes, scores };
}

/**
 * Scores per leaf, in leaf order: the line's score, null when the line is there but blank, undefined when absent.
 * Validated sheets come in template order, so one walk usually suffices; otherwise a map (the last line wins).
 */
function valuesByLeaf(idx: LeafIndex, sheet: SheetScores | undefined): (Hundredths | null | undefined)[] {
  const { leaves } = idx;
  const out = new Array<Hundredths | null | undefined>(leaves.length);
  if (sheet === undefined || sheetLength(sheet) === 0) return out;
  const { codes, scores } = scoreColumns(sheet);
  let j = 0;
  if (idx.byCode.size === leaves.length) {
    for (let i = 0; i < leaves.length; i++) {
      if (j < codes.length && codes[j] === leaves[i]!.code) {
        out[i] = scores[j]!;
        j++;
      }
    }
    if (j === codes.length) return out;
  }
  const m = new Map<string, Hundredths | null>();
  for (let k = 0; k < codes.length; k++) m.set(codes[k]!, scores[k]!);
  for (let i = 0; i < leaves.length; i++) out[i] = m.get(leaves[i]!.code);
  return out;
}

/**
 * Running sums of the formula for one set of values. Two are kept and reset for each unit (`EFFECTIVE`, `OWN`):
 * their totals are copied out before the next unit, and a bloc of a thousand units then makes none.
 */
class Sums {
  base = 0;
  bonusRaw = 0;
  deduction = 0;
  parts: number[] = [];
  reset(partCount: number): this {
    this.base = 0;
    this.bonusRaw = 0;
    this.deduction = 0;
    const { parts } = this;
    if (parts.length !== partCount) this.parts = new Array<number>(partCount);
    for (let p = 0; p < partCount; p++) this.parts[p] = 0;
    return this;
  }
  add(kind: Leaf["kind"], part: number, v: Hundredths): void {
    if (kind === "score") {
      this.base += v;
      this.parts[part]! += v;
    } else if (kind === "bonus") {
      this.bonusRaw += v;
      this.parts[part]! += v;
    } else {
      this.deduction += v;
      this.parts[part]! -= v;
    }
  }
  totals(idx: LeafIndex, bonusCap: Hundredths): Totals {
    const { partCodes } = idx;
    const parts: Record<string, Hundredths> = { ...idx.zeroParts };
    for (let p = 0; p < partCodes.length; p++) parts[partCodes[p]!] = this.parts[p]!;
    const bonus = Math.min(this.bonusRaw, bonusCap);
    const { base, bonusRaw, deduction } = this;
    return { base, bonus, bonusRaw, deduction, total: base + bonus - deduction, parts };
  }
}

const EFFECTIVE = new Sums();
const OWN = new Sums();

/**
 * Scores one unit. `reviewed` holds the secretariat's scores for the criteria it reviewed.
 * @example scoreUnit(template, rulebook, selfEntries, reviewEntries).totals.total // hundredths
 */
export function scoreUnit(
  template: Template,
  rulebook: Pick<Rulebook, "bonusCap">,
  selfEntries: SheetScores,
  reviewedEntries?: SheetScores,
): UnitScore {
  const { leaves } = leafIndex(template);
  const { values, ...rest } = scoreUnitValues(template, rulebook, selfEntries, reviewedEntries);
  const effective: Record<string, Hundredths | null> = {};
  for (let i = 0; i < leaves.length; i++) effective[leaves[i]!.code] = values[i]!;
  return { effective, ...rest };
}

/**
 * The sheet's scores in leaf order when it holds one line per leaf in template order (what validation gives for a
 * full sheet, and what is stored): read in place, no copy. Otherwise null.
 */
function alignedScores(idx: LeafIndex, sheet: SheetScores): readonly (Hundredths | null)[] | null {
  const { leaves } = idx;
  if (sheetLength(sheet) !== leaves.length) return null;
  if (isColumns(sheet)) {
    const { codes } = sheet;
    if (codes === idx.codes) return sheet.scores;
    for (let i = 0; i < leaves.length; i++) if (codes[i] !== leaves[i]!.code) return null;
    return sheet.scores;
  }
  for (let i = 0; i < leaves.length; i++) if (sheet[i]!.criterion !== leaves[i]!.code) return null;
  return scoreColumns(sheet).scores;
}

/**
 * `scoreUnit` with the effective points as an array in leaf order (`leafIndex(template).leaves`) instead of a
 * record by code: what the bloc table and classification read, without a lookup by code per cell. `values` may be
 * the sheet's own array of scores (a full sheet in template order whose values need no change): read it, never
 * write to it. Without a review `totals` and `self` are the same object.
 */
export function scoreUnitValues(
  template: Template,
  rulebook: Pick<Rulebook, "bonusCap">,
  selfEntries: SheetScores,
  reviewedEntries?: SheetScores,
): Omit<UnitScore, "effective"> & { values: readonly (Hundredths | null)[] } {
  const idx = leafIndex(template);
  const { leaves, partOf, partCodes } = idx;
  const cap = toHundredths(rulebook.bonusCap);
  // A full sheet in template order is read in place; anything else is first laid out by leaf (an array of our own).
  const aligned = alignedScores(idx, selfEntries);
  const self: readonly (Hundredths | null | undefined)[] = aligned ?? valuesByLeaf(idx, selfEntries);
  const rev = reviewedEntries && sheetLength(reviewedEntries) > 0 ? valuesByLeaf(idx, reviewedEntries) : null;
  const eff = EFFECTIVE.reset(partCodes.length);
  // Without a review the self-scores are the effective ones: one set of sums serves both.
  if (!rev) return selfOnly(idx, cap, self, aligned !== null && !Array.isArray(selfEntries), eff);
  const own = OWN.reset(partCodes.length);
  // The effective values are written over `self` where it is ours, and where it is the caller's only once one
  // differs (a blank bonus or deduction counts 0, a reviewed score replaces the unit's): a bloc of full sheets
  // makes no array per unit.
  let values = self as (Hundredths | null)[];
  let borrowed = aligned !== null && !Array.isArray(selfEntries);
  const missing: string[] = [];
  let reviewed = false;
  for (let i = 0; i < leaves.length; i++) {
    const leaf = leaves[i]!;
    const s = self[i] ?? null;
    let v: Hundredths | null = s;
    const r = rev[i];
    if (r !== undefined && r !== null) {
      v = r;
      reviewed = true;
    }
    if (s !== null) own.add(leaf.kind, partOf[i]!, s);
    let out: Hundredths | null = v;
    if (v === null) {
      if (leaf.kind === "score") missing.push(leaf.code);
      else out = 0;
    } else eff.add(leaf.kind, partOf[i]!, v);
    if (out !== self[i]) {
      if (borrowed) {
        values = self.slice() as (Hundredths | null)[];
        borrowed = false;
      }
      values[i] = out;
    }
  }
  return { totals: eff.totals(idx, cap), self: own.totals(idx, cap), reviewed, missing, values };
}

/**
 * `scoreUnitValues` of a sheet without a review, the bloc table's usual case: one walk over the values with the sums
 * in locals and each leaf's kind and part read from the index's arrays. `borrowed`: `self` is the caller's array.
 */
function selfOnly(
  idx: LeafIndex,
  cap: Hundredths,
  self: readonly (Hundredths | null | undefined)[],
  borrowed: boolean,
  eff: Sums,
): Omit<UnitScore, "effective"> & { values: readonly (Hundredths | null)[] } {
  const { kinds, partOf, codes } = idx;
  const parts = eff.parts;
  let base = 0;
  let bonusRaw = 0;
  let deduction = 0;
  let values = self as (Hundredths | null)[];
  const missing: string[] = [];
  for (let i = 0; i < kinds.length; i++) {
    const v = self[i];
    const kind = kinds[i];
    if (v === null || v === undefined) {
      // A blank bonus or deduction counts 0; a blank score is missing (and stays null).
      const out = kind === KIND_SCORE ? null : 0;
      if (kind === KIND_SCORE) missing.push(codes[i]!);
      if (out !== v) {
        if (borrowed) {
          values = self.slice() as (Hundredths | null)[];
          borrowed = false;
        }
        values[i] = out;
      }
    } else if (kind === KIND_SCORE) {
      base += v;
      parts[partOf[i]!]! += v;
    } else if (kind === KIND_BONUS) {
      bonusRaw += v;
      parts[partOf[i]!]! += v;
    } else {
      deduction += v;
      parts[partOf[i]!]! -= v;
    }
  }
  eff.base = base;
  eff.bonusRaw = bonusRaw;
  eff.deduction = deduction;
  const totals = eff.totals(idx, cap);
  return { totals, self: totals, reviewed: false, missing, values };
}
