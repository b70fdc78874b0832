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

/**
 * Ranks units. The order of the input does not matter: units left fully equal are listed by id, sharing a rank.
 * Each unit's values are read once into one row of a table (total, then the chain's keys; NaN where a key cannot
 * apply, e.g. `votes` before voting is done), so the sort compares numbers, not records by key name.
 * @example rankUnits(units, ["deduction", "part:I", "base"])[0].rank // 1
 */
export function rankUnits(units: readonly RankInput[], tieBreak: readonly TieBreakKey[]): RankedUnit[] {
  const n = units.length;
  const width = tieBreak.length + 1;
  const table = new Float64Array(n * width);
  for (let i = 0; i < n; i++) {
    const u = units[i]!;
    table[i * width] = u.totals.total;
    for (let k = 0; k < tieBreak.length; k++) table[i * width + k + 1] = keyValue(u, tieBreak[k]!) ?? Number.NaN;
  }
  /** The first column on which units a and b differ (0: the total), or -1 when nothing separates them. */
  const separator = (a: number, b: number): number => {
    const ra = a * width;
    const rb = b * width;
    if (table[ra] !== table[rb]) return 0;
    for (let k = 1; k < width; k++) {
      const va = table[ra + k]!;
      const vb = table[rb + k]!;
      // NaN (a key that cannot apply) differs from everything and is skipped, as the key is.
      if (va !== vb && !Number.isNaN(va) && !Number.isNaN(vb)) return k;
    }
    return -1;
  };
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    const k = separator(a, b);
    if (k >= 0) return table[b * width + k]! - table[a * width + k]!;
    const ia = units[a]!.unitId;
    const ib = units[b]!.unitId;
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
  const out = new Array<RankedUnit>(n);
  for (let i = 0; i < n; i++) {
    const u = units[order[i]!]!;
    const k = i === 0 ? -1 : separator(order[i - 1]!, order[i]!);
    const rank = i === 0 ? 1 : k < 0 ? out[i - 1]!.rank : i + 1;
    const separatedBy: SeparatedBy = i === 0 || k < 0 ? null : k === 0 ? "total" : tieBreak[k - 1]!;
    out[i] = { unitId: u.unitId, rank, total: u.totals.total, separatedBy };
  }
  return out;
}
