/**
 * Scoring (tính điểm) in integer hundredths: effective score (reviewed over self), base, bonus with its cap,
 * deduction, total, self total and part subtotals, exactly as DOMAIN.md's computation section states.
 */
import type { Hundredths } from "./points.ts";
import { toHundredths } from "./points.ts";
import type { Entry, Rulebook, Template } from "./schemas.ts";
import { leafIndex } from "./validate.ts";

export interface Totals {
  base: Hundredths;
  /** Bonus after the cap. */
  bonus: Hundredths;
  /** Bonus as entered, before the cap. */
  bonusRaw: Hundredths;
  deduction: Hundredths;
  total: Hundredths;
  /** Subtotal of each part over its leaves (score parts add to base; a bonus part shows its uncapped sum). */
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

function byCode(entries: readonly Entry[] | undefined): Map<string, Hundredths | null> {
  const m = new Map<string, Hundredths | null>();
  if (entries) for (const e of entries) m.set(e.criterion, e.score);
  return m;
}

function totalsOf(template: Template, rulebook: Rulebook, value: (code: string) => Hundredths | null): Totals {
  const { leaves } = leafIndex(template);
  let base = 0;
  let bonusRaw = 0;
  let deduction = 0;
  const parts: Record<string, Hundredths> = {};
  for (const p of template.parts) parts[p.code] = 0;
  for (const leaf of leaves) {
    const v = value(leaf.code) ?? 0;
    parts[leaf.partCode] = (parts[leaf.partCode] ?? 0) + v;
    if (leaf.kind === "score") base += v;
    else if (leaf.kind === "bonus") bonusRaw += v;
    else deduction += v;
  }
  const bonus = Math.min(bonusRaw, toHundredths(rulebook.bonusCap));
  return { base, bonus, bonusRaw, deduction, total: base + bonus - deduction, parts };
}

/**
 * Scores one unit. `reviewed` holds the secretariat's scores for the criteria it reviewed.
 * @example scoreUnit(template, rulebook, selfEntries, reviewEntries).totals.total // hundredths
 */
export function scoreUnit(
  template: Template,
  rulebook: Rulebook,
  selfEntries: readonly Entry[],
  reviewedEntries?: readonly Entry[],
): UnitScore {
  const self = byCode(selfEntries);
  const rev = byCode(reviewedEntries);
  const { leaves } = leafIndex(template);
  const effective: Record<string, Hundredths | null> = {};
  const missing: string[] = [];
  let reviewed = false;
  for (const leaf of leaves) {
    const r = rev.get(leaf.code);
    let v: Hundredths | null;
    if (r !== undefined && r !== null) {
      v = r;
      reviewed = true;
    } else v = self.get(leaf.code) ?? null;
    if (v === null && leaf.kind === "score") missing.push(leaf.code);
    effective[leaf.code] = v === null && leaf.kind !== "score" ? 0 : v;
  }
  return {
    effective,
    totals: totalsOf(template, rulebook, (c) => effective[c] ?? null),
    self: totalsOf(template, rulebook, (c) => self.get(c) ?? null),
    reviewed,
    missing,
  };
}
