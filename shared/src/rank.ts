/**
 * Ranking (xếp hạng): by total, descending; ties go through the rulebook's tie-break chain; units still equal share
 * a rank (1, 2, 2, 4). The result records which key separated each unit from the one above it.
 */
import type { Hundredths } from "./points.ts";
import type { TieBreakKey } from "./schemas.ts";
import type { Totals } from "./scoring.ts";

export interface RankInput {
  unitId: string;
  totals: Totals;
  /** Votes received, once voting is done; undefined before. */
  votes?: number | undefined;
}

/** What separated a unit from the unit ranked just above it. */
export type SeparatedBy = "total" | TieBreakKey | null;

export interface RankedUnit {
  unitId: string;
  rank: number;
  total: Hundredths;
  /** null for the first unit and for a unit sharing its rank with the one above. */
  separatedBy: SeparatedBy;
}

/** The value compared for a key; higher is better (deduction is negated). Undefined when the key cannot apply. */
function keyValue(u: RankInput, key: TieBreakKey): number | undefined {
  if (key === "deduction") return -u.totals.deduction;
  if (key === "base") return u.totals.base;
  if (key === "votes") return u.votes;
  return u.totals.parts[key.slice(5)] ?? 0;
}

/** The first key on which `a` and `b` differ (total, then the chain), or null when nothing separates them. */
function separator(a: RankInput, b: RankInput, chain: readonly TieBreakKey[]): SeparatedBy {
  if (a.totals.total !== b.totals.total) return "total";
  for (const key of chain) {
    const va = keyValue(a, key);
    const vb = keyValue(b, key);
    if (va === undefined || vb === undefined) continue; // e.g. `votes` before voting is done
    if (va !== vb) return key;
  }
  return null;
}

/** Negative when `a` ranks above `b`, positive when below, 0 when nothing separates them. */
function compare(a: RankInput, b: RankInput, chain: readonly TieBreakKey[]): number {
  const key = separator(a, b, chain);
  if (key === null) return 0;
  return key === "total" ? b.totals.total - a.totals.total : keyValue(b, key)! - keyValue(a, key)!;
}

/**
 * Ranks units. The order of the input does not matter: units left fully equal are listed by id, sharing a rank.
 * @example rankUnits(units, ["deduction", "part:I", "base"])[0].rank // 1
 */
export function rankUnits(units: readonly RankInput[], tieBreak: readonly TieBreakKey[]): RankedUnit[] {
  const sorted = [...units].sort(
    (a, b) => compare(a, b, tieBreak) || (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0),
  );
  const out: RankedUnit[] = [];
  sorted.forEach((u, i) => {
    if (i === 0) {
      out.push({ unitId: u.unitId, rank: 1, total: u.totals.total, separatedBy: null });
      return;
    }
    const prev = sorted[i - 1]!;
    const by = separator(prev, u, tieBreak);
    const rank = by === null ? out[i - 1]!.rank : i + 1;
    out.push({ unitId: u.unitId, rank, total: u.totals.total, separatedBy: by });
  });
  return out;
}
