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
  const { leaves, scoreMax: max } = leafIndex(template);
  const missed: Classification["missed"] = [];
  for (const band of rulebook.bands) {
    const minPct = toHundredths(band.minPct); // percent in hundredths: 90% -> 9000
    const floorPct = toHundredths(band.floorPct);
    // total >= max * minPct / 100, with minPct in hundredths of a percent: total * 10000 >= max * minPct
    if (total * 10000 < max * minPct) {
      missed.push({ band: band.key, reason: "total" });
      continue;
    }
    let below: string | null = null;
    // A floor of 0% holds for every score (none is negative).
    for (let i = 0; floorPct > 0 && i < leaves.length; i++) {
      const l = leaves[i]!;
      if (l.kind === "score" && (values[i] ?? 0) * 10000 < l.max * floorPct) {
        below = l.code;
        break;
      }
    }
    if (below !== null) {
      missed.push({ band: band.key, reason: "floor", criterion: below });
      continue;
    }
    if (band.requireNoViolation && violation) {
      missed.push({ band: band.key, reason: "violation" });
      continue;
    }
    return { band, missed };
  }
  return { band: null, missed };
}

/** Index of a band in the rulebook (0 is the highest); bands not found rank below every band. */
export function bandRank(rulebook: Rulebook, key: string | null | undefined): number {
  const i = rulebook.bands.findIndex((b) => b.key === key);
  return i < 0 ? rulebook.bands.length : i;
}
