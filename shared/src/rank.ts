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

/**
 * The value compared for a key; higher is better (deduction is negated). Undefined when the key cannot apply.
 * `part`: the part's code of a `part:` key (cut once per ranking, not per unit).
 */
function keyValue(u: RankInput, key: TieBreakKey, part: string): number | undefined {
  if (key === "deduction") return -u.totals.deduction;
  if (key === "base") return u.totals.base;
  if (key === "votes") return u.votes;
  return u.totals.parts[part] ?? 0;
}

/** Units a sort by total alone can order (a key of total and position stays an exact integer), 2^21. */
const POSITIONS = 2 ** 21;

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
  const parts = tieBreak.map((key) => key.slice(5));
  let least = 0;
  let most = 0;
  /** A key that cannot apply to some unit (NaN): then the units are sorted as a whole, as the rule compares them. */
  let gaps = false;
  for (let i = 0; i < n; i++) {
    const u = units[i]!;
    const total = u.totals.total;
    table[i * width] = total;
    if (total < least) least = total;
    if (total > most) most = total;
    for (let k = 0; k < tieBreak.length; k++) {
      const v = keyValue(u, tieBreak[k]!, parts[k]!);
      if (v === undefined) gaps = true;
      table[i * width + k + 1] = v ?? Number.NaN;
    }
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
  const compare = (a: number, b: number): number => {
    const k = separator(a, b);
    if (k >= 0) return table[b * width + k]! - table[a * width + k]!;
    const ia = units[a]!.unitId;
    const ib = units[b]!.unitId;
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  };
  // Without gaps the chain orders units as a dictionary orders words: sorting by total first, then each run of equal
  // totals by the chain, gives the same order as one sort by the chain.
  const order = gaps ? null : byTotal(table, width, n, least, most);
  if (order === null) {
    const all = new Array<number>(n);
    for (let i = 0; i < n; i++) all[i] = i;
    all.sort(compare);
    return ranked(units, tieBreak, all, separator);
  }
  // Units of equal total are ordered by the chain, run by run.
  for (let a = 0; a < n; ) {
    const t = table[order[a]! * width];
    let b = a + 1;
    while (b < n && table[order[b]! * width] === t) b++;
    if (b - a > 16) {
      const run = Array.from(order.subarray(a, b)).sort(compare);
      for (let k = 0; k < run.length; k++) order[a + k] = run[k]!;
    } else
      for (let k = a + 1; k < b; k++) {
        // A short run (the usual case) by insertion, in place.
        const x = order[k]!;
        let m = k;
        for (; m > a && compare(order[m - 1]!, x) > 0; m--) order[m] = order[m - 1]!;
        order[m] = x;
      }
    a = b;
  }
  return ranked(units, tieBreak, order, separator);
}

/**
 * Positions by total, highest first, as a typed array sorted without a comparator: each unit's key is its distance
 * below the highest total times 2^21, plus its position. Null when the totals are not integers of a size that keeps
 * those keys exact (never for hundredths of any real sheet); the caller then sorts with the comparator.
 */
function byTotal(table: Float64Array, width: number, n: number, least: number, most: number): Uint32Array | null {
  if (n > POSITIONS || !Number.isSafeInteger(least) || !Number.isSafeInteger(most) || most - least >= 2 ** 31)
    return null;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const total = table[i * width]!;
    if (!Number.isInteger(total)) return null;
    keys[i] = (most - total) * POSITIONS + i;
  }
  keys.sort();
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = keys[i]! % POSITIONS;
  return order;
}

function ranked(
  units: readonly RankInput[],
  tieBreak: readonly TieBreakKey[],
  order: ArrayLike<number>,
  separator: (a: number, b: number) => number,
): RankedUnit[] {
  const n = units.length;
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
