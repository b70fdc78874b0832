/**
 * Classification (xếp loại): the first band, from the highest, whose total threshold, per-criterion floors and
 * violation rule the unit meets. Thresholds are percentages of maxima, compared exactly by cross-multiplication.
 */
import type { Hundredths } from "./points.ts";
import { toHundredths } from "./points.ts";
import type { Band, Rulebook, Template } from "./schemas.ts";
import { leafIndex } from "./template.ts";

export interface Classification {
  band: Band | null;
  /** Bands passed over, each with the reason, for the explanation shown to people. */
  missed: { band: string; reason: "total" | "floor" | "violation"; criterion?: string }[];
}

/**
 * Classifies a unit from its effective scores and total.
 * @example classify(template, rulebook, effective, total, false).band?.key // "xuat_sac"
 */
export function classify(
  template: Template,
  rulebook: Rulebook,
  effective: Record<string, Hundredths | null>,
  total: Hundredths,
  violation: boolean,
): Classification {
  const { leaves } = leafIndex(template);
  return classifyValues(
    template,
    rulebook,
    leaves.map((l) => effective[l.code] ?? null),
    total,
    violation,
  );
}

/** `classify` with the effective points as an array in leaf order (`leafIndex(template).leaves`). */
export function classifyValues(
  template: Template,
  rulebook: Pick<Rulebook, "bands">,
  values: readonly (Hundredths | null)[],
  total: Hundredths,
  violation: boolean,
): Classification {
  const missed: Classification["missed"] = [];
  for (const band of rulebook.bands) {
    const why = bandCheck(template, band, values, total, violation);
    if (why === MET) return { band, missed };
    missed.push(missOf(template, band, why));
  }
  return { band: null, missed };
}

/**
 * What the bloc table shows of `classifyValues`: the index of the band met in `rulebook.bands` (`bands.length` when
 * none) and the last band missed (`missed.at(-1)`, null when the first band is met), without a record of every band
 * passed over.
 */
export function bandAndWhy(
  template: Template,
  rulebook: Pick<Rulebook, "bands">,
  values: readonly (Hundredths | null)[],
  total: Hundredths,
  violation: boolean,
): { index: number; why: Classification["missed"][number] | null } {
  const { bands } = rulebook;
  let index = 0;
  let why = MET;
  for (; index < bands.length; index++) {
    const w = bandCheck(template, bands[index]!, values, total, violation);
    if (w === MET) break;
    why = w;
  }
  return { index, why: index === 0 ? null : missOf(template, bands[index - 1]!, why) };
}

/**
 * `bandCheck`'s answers: the band is met; its total threshold is not; a violation excludes it; or (>= 0) the index of
 * the first leaf below its floor.
 */
const MET = -1;
const BELOW_TOTAL = -2;
const VIOLATION = -3;

/** Whether a unit meets `band`: `MET`, or why not (the first reason in the order of DOMAIN.md). */
function bandCheck(
  template: Template,
  band: Band,
  values: readonly (Hundredths | null)[],
  total: Hundredths,
  violation: boolean,
): number {
  const { leaves, scoreMax: max } = leafIndex(template);
  const minPct = toHundredths(band.minPct); // percent in hundredths: 90% -> 9000
  const floorPct = toHundredths(band.floorPct);
  // total >= max * minPct / 100, with minPct in hundredths of a percent: total * 10000 >= max * minPct
  if (total * 10000 < max * minPct) return BELOW_TOTAL;
  // A floor of 0% holds for every score (none is negative).
  for (let i = 0; floorPct > 0 && i < leaves.length; i++) {
    const l = leaves[i]!;
    if (l.kind === "score" && (values[i] ?? 0) * 10000 < l.max * floorPct) return i;
  }
  if (band.requireNoViolation && violation) return VIOLATION;
  return MET;
}

function missOf(template: Template, band: Band, why: number): Classification["missed"][number] {
  if (why === BELOW_TOTAL) return { band: band.key, reason: "total" };
  if (why === VIOLATION) return { band: band.key, reason: "violation" };
  return { band: band.key, reason: "floor", criterion: leafIndex(template).leaves[why]!.code };
}

/** Index of a band in the rulebook (0 is the highest); bands not found rank below every band. */
export function bandRank(rulebook: Rulebook, key: string | null | undefined): number {
  const { bands } = rulebook;
  for (let i = 0; i < bands.length; i++) if (bands[i]!.key === key) return i;
  return bands.length;
}
