/**
 * Scoring (tính điểm) in integer hundredths: effective score (reviewed over self), base, bonus with its cap,
 * deduction, total, self total and part subtotals, exactly as DOMAIN.md's computation section states.
 */
import type { Hundredths } from "./points.ts";
import { toHundredths } from "./points.ts";
import type { Entry, Rulebook, Template } from "./schemas.ts";
import { type Leaf, type LeafIndex, leafIndex } from "./template.ts";

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
 * Scores per leaf, in leaf order: the entry's score, null when the entry is there but blank, undefined when absent.
 * Validated entries come in template order, so one walk usually suffices; otherwise a map (the last entry wins).
 */
function valuesByLeaf(idx: LeafIndex, entries: readonly Entry[] | undefined): (Hundredths | null | undefined)[] {
  const { leaves } = idx;
  const out = new Array<Hundredths | null | undefined>(leaves.length);
  if (!entries || entries.length === 0) return out;
  let j = 0;
  if (idx.byCode.size === leaves.length) {
    for (let i = 0; i < leaves.length; i++) {
      const e = entries[j];
      if (e !== undefined && e.criterion === leaves[i]!.code) {
        out[i] = e.score;
        j++;
      }
    }
    if (j === entries.length) return out;
  }
  const m = new Map<string, Hundredths | null>();
  for (const e of entries) m.set(e.criterion, e.score);
  for (let i = 0; i < leaves.length; i++) out[i] = m.get(leaves[i]!.code);
  return out;
}

/** Running sums of the formula for one set of values. */
class Sums {
  base = 0;
  bonusRaw = 0;
  deduction = 0;
  readonly parts: number[];
  constructor(partCount: number) {
    this.parts = new Array<number>(partCount);
    for (let p = 0; p < partCount; p++) this.parts[p] = 0;
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

/**
 * Scores one unit. `reviewed` holds the secretariat's scores for the criteria it reviewed.
 * @example scoreUnit(template, rulebook, selfEntries, reviewEntries).totals.total // hundredths
 */
export function scoreUnit(
  template: Template,
  rulebook: Pick<Rulebook, "bonusCap">,
  selfEntries: readonly Entry[],
  reviewedEntries?: readonly Entry[],
): UnitScore {
  const { leaves } = leafIndex(template);
  const { values, ...rest } = scoreUnitValues(template, rulebook, selfEntries, reviewedEntries);
  const effective: Record<string, Hundredths | null> = {};
  for (let i = 0; i < leaves.length; i++) effective[leaves[i]!.code] = values[i]!;
  return { effective, ...rest };
}

/** True when `entries` hold one entry per leaf, in template order: what validation gives for a full sheet. */
function alignedWith(leaves: readonly Leaf[], entries: readonly Entry[]): boolean {
  if (entries.length !== leaves.length) return false;
  for (let i = 0; i < leaves.length; i++) if (entries[i]!.criterion !== leaves[i]!.code) return false;
  return true;
}

/**
 * `scoreUnit` with the effective points as an array in leaf order (`leafIndex(template).leaves`) instead of a
 * record by code: what the bloc table and classification read, without a lookup by code per cell.
 */
export function scoreUnitValues(
  template: Template,
  rulebook: Pick<Rulebook, "bonusCap">,
  selfEntries: readonly Entry[],
  reviewedEntries?: readonly Entry[],
): Omit<UnitScore, "effective"> & { values: (Hundredths | null)[] } {
  const idx = leafIndex(template);
  const { leaves, partOf, partCodes } = idx;
  const cap = toHundredths(rulebook.bonusCap);
  // A full sheet in template order is read in place; anything else is first laid out by leaf.
  const aligned = alignedWith(leaves, selfEntries);
  const self = aligned ? null : valuesByLeaf(idx, selfEntries);
  const rev = reviewedEntries && reviewedEntries.length > 0 ? valuesByLeaf(idx, reviewedEntries) : null;
  const eff = new Sums(partCodes.length);
  // Without a review the self-scores are the effective ones: one set of sums serves both.
  const own = rev ? new Sums(partCodes.length) : null;
  const values = new Array<Hundredths | null>(leaves.length);
  const missing: string[] = [];
  let reviewed = false;
  for (let i = 0; i < leaves.length; i++) {
    const leaf = leaves[i]!;
    const s = self ? (self[i] ?? null) : selfEntries[i]!.score;
    let v: Hundredths | null = s;
    if (rev) {
      const r = rev[i];
      if (r !== undefined && r !== null) {
        v = r;
        reviewed = true;
      }
      if (s !== null) own!.add(leaf.kind, partOf[i]!, s);
    }
    if (v === null) {
      if (leaf.kind === "score") missing.push(leaf.code);
      values[i] = leaf.kind === "score" ? null : 0;
    } else {
      values[i] = v;
      eff.add(leaf.kind, partOf[i]!, v);
    }
  }
  return {
    totals: eff.totals(idx, cap),
    self: (own ?? eff).totals(idx, cap),
    reviewed,
    missing,
    values,
  };
}
