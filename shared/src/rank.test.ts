import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type RankInput, rankUnits } from "./rank.ts";
import type { TieBreakKey } from "./schemas.ts";

/** A unit's totals in hundredths; `base` defaults so that total = base + bonus - deduction with no bonus. */
function unit(
  unitId: string,
  total: number,
  o: { deduction?: number; base?: number; partI?: number; votes?: number } = {},
): RankInput {
  const deduction = o.deduction ?? 0;
  const base = o.base ?? total + deduction;
  const bonus = total - base + deduction;
  return {
    unitId,
    totals: { base, bonus, bonusRaw: bonus, deduction, total, parts: { I: o.partI ?? 0, II: base - (o.partI ?? 0) } },
    votes: o.votes,
  };
}

const demoChain: TieBreakKey[] = ["deduction", "part:I", "base"];
const view = (units: RankInput[], chain: TieBreakKey[] = demoChain) =>
  rankUnits(units, chain).map((r) => [r.unitId, r.rank, r.separatedBy]);

describe("rankUnits (DOMAIN.md computation 4)", () => {
  it("orders by total, descending", () => {
    expect(view([unit("b", 9000), unit("a", 9550), unit("c", 8000)])).toEqual([
      ["a", 1, null],
      ["b", 2, "total"],
      ["c", 3, "total"],
    ]);
  });

  it("breaks a tie on total by fewer deduction points", () => {
    // both 95: A lost 1 point to deductions (96 - 1), B none (95 - 0)
    expect(view([unit("A", 9500, { deduction: 100 }), unit("B", 9500)])).toEqual([
      ["B", 1, null],
      ["A", 2, "deduction"],
    ]);
  });

  it("breaks a tie on total and deduction by the higher subtotal of part I", () => {
    expect(view([unit("A", 9500, { partI: 3800 }), unit("B", 9500, { partI: 3900 })])).toEqual([
      ["B", 1, null],
      ["A", 2, "part:I"],
    ]);
  });

  it("breaks a tie on total, deduction and part I by the higher base (more of it from criteria than bonus)", () => {
    // A: base 94 + bonus 1; B: base 95 + bonus 0
    expect(view([unit("A", 9500, { base: 9400, partI: 3800 }), unit("B", 9500, { base: 9500, partI: 3800 })])).toEqual([
      ["B", 1, null],
      ["A", 2, "base"],
    ]);
  });

  it("breaks a tie by votes once voting is done, and ignores the key before", () => {
    const chain: TieBreakKey[] = ["deduction", "votes"];
    expect(view([unit("A", 9500, { votes: 3 }), unit("B", 9500, { votes: 5 })], chain)).toEqual([
      ["B", 1, null],
      ["A", 2, "votes"],
    ]);
    // before voting (votes undefined) the units stay tied and share the rank
    expect(view([unit("A", 9500), unit("B", 9500)], chain)).toEqual([
      ["A", 1, null],
      ["B", 1, null],
    ]);
  });

  it("applies the keys in the rulebook's order", () => {
    // A: more deduction but a higher base; B: no deduction, lower base. Same total 95.
    const a = unit("A", 9500, { deduction: 100, base: 9600 });
    const b = unit("B", 9500, { deduction: 0, base: 9400 });
    expect(view([a, b], ["deduction", "base"])[0]).toEqual(["B", 1, null]);
    expect(view([a, b], ["base", "deduction"])[0]).toEqual(["A", 1, null]);
  });

  it("leaves units still equal after every key sharing a rank: 1, 2, 2, 4", () => {
    const r = view([unit("d", 8000), unit("c", 9000), unit("b", 9000), unit("a", 9500)]);
    expect(r).toEqual([
      ["a", 1, null],
      ["b", 2, "total"],
      ["c", 2, null],
      ["d", 4, "total"],
    ]);
  });

  it("records which key separated each neighbouring pair", () => {
    const r = rankUnits(
      [
        unit("u1", 9800),
        unit("u2", 9500, { deduction: 0, partI: 3900 }),
        unit("u3", 9500, { deduction: 0, partI: 3800, base: 9500 }),
        unit("u4", 9500, { deduction: 0, partI: 3800, base: 9400 }),
        unit("u5", 9500, { deduction: 50, partI: 3950 }),
        unit("u6", 9500, { deduction: 50, partI: 3950 }),
      ],
      demoChain,
    );
    expect(r.map((x) => [x.unitId, x.rank, x.separatedBy])).toEqual([
      ["u1", 1, null],
      ["u2", 2, "total"],
      ["u3", 3, "part:I"],
      ["u4", 4, "base"],
      ["u5", 5, "deduction"],
      ["u6", 5, null],
    ]);
    expect(r[0]!.total).toBe(9800);
  });

  it("ranks nobody when there is nobody, and one unit first", () => {
    expect(rankUnits([], demoChain)).toEqual([]);
    expect(view([unit("only", 0)])).toEqual([["only", 1, null]]);
  });
});

describe("ranking ignores input order (property)", () => {
  const arbUnit = fc.record({
    total: fc.integer({ min: 9000, max: 9010 }),
    deduction: fc.integer({ min: 0, max: 2 }),
    partI: fc.integer({ min: 3800, max: 3802 }),
    baseDelta: fc.integer({ min: 0, max: 2 }),
    votes: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  });
  const arbChain = fc.shuffledSubarray<TieBreakKey>(["deduction", "base", "part:I", "votes"]);

  it("gives the same ranks, order and separations for any permutation", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(arbUnit, { minLength: 1, maxLength: 12, selector: (u) => JSON.stringify(u) }),
        arbChain,
        fc.infiniteStream(fc.nat()),
        (specs, chain, noise) => {
          const units = specs.map((s, i) =>
            unit(`u${i}`, s.total, {
              deduction: s.deduction,
              base: s.total + s.deduction - s.baseDelta,
              partI: s.partI,
              votes: s.votes,
            }),
          );
          // every unit has votes, or none: votes exist only once voting is done
          const voted = units.map((u) => ({ ...u, votes: u.votes ?? 0 }));
          for (const set of [units.map((u) => ({ ...u, votes: undefined })), voted]) {
            const expected = rankUnits(set, chain);
            const it = noise[Symbol.iterator]();
            const shuffled = [...set]
              .map((u) => ({ u, k: it.next().value as number }))
              .sort((a, b) => a.k - b.k)
              .map((x) => x.u);
            expect(rankUnits(shuffled, chain)).toEqual(expected);
            // ranks never go down the list, and a shared rank means no key separated the pair
            for (let i = 1; i < expected.length; i++) {
              expect(expected[i]!.rank).toBeGreaterThanOrEqual(expected[i - 1]!.rank);
              expect(expected[i]!.rank === expected[i - 1]!.rank).toBe(expected[i]!.separatedBy === null);
              if (expected[i]!.separatedBy !== null) expect(expected[i]!.rank).toBe(i + 1);
            }
          }
        },
      ),
    );
  });
});

/**
 * DOMAIN.md computation 4 read literally, one pair at a time: compare the totals, then each key of the chain in
 * order, skipping a key that cannot apply to either unit; units equal on everything share a rank and are listed by id.
 * `rankUnits` reads each unit's values once into a table of numbers; this is what it must still give.
 */
function rankByPairs(units: readonly RankInput[], chain: readonly TieBreakKey[]) {
  const value = (u: RankInput, key: TieBreakKey) =>
    key === "deduction"
      ? -u.totals.deduction
      : key === "base"
        ? u.totals.base
        : key === "votes"
          ? u.votes
          : (u.totals.parts[key.slice(5)] ?? 0);
  const separator = (a: RankInput, b: RankInput): TieBreakKey | "total" | null => {
    if (a.totals.total !== b.totals.total) return "total";
    for (const key of chain) {
      const [va, vb] = [value(a, key), value(b, key)];
      if (va !== undefined && vb !== undefined && va !== vb) return key;
    }
    return null;
  };
  const sorted = [...units].sort((a, b) => {
    const key = separator(a, b);
    if (key === "total") return b.totals.total - a.totals.total;
    if (key !== null) return value(b, key)! - value(a, key)!;
    return a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0;
  });
  const out: { unitId: string; rank: number; total: number; separatedBy: TieBreakKey | "total" | null }[] = [];
  sorted.forEach((u, i) => {
    const by = i === 0 ? null : separator(sorted[i - 1]!, u);
    out.push({
      unitId: u.unitId,
      rank: i === 0 || by === null ? (out[i - 1]?.rank ?? 1) : i + 1,
      total: u.totals.total,
      separatedBy: by,
    });
  });
  return out;
}

describe("ranking equals the pairwise rule (property)", () => {
  it("gives the ranks, order and separations of comparing units pair by pair, with votes on some units only and a part some units lack", () => {
    const arb = fc.record({
      total: fc.integer({ min: 9000, max: 9003 }),
      deduction: fc.integer({ min: 0, max: 2 }),
      base: fc.integer({ min: 9000, max: 9002 }),
      partI: fc.option(fc.integer({ min: 3800, max: 3801 }), { nil: undefined }),
      votes: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
    });
    const chains = fc.shuffledSubarray<TieBreakKey>(["deduction", "base", "part:I", "part:II", "votes"]);
    fc.assert(
      fc.property(fc.array(arb, { maxLength: 40 }), chains, (specs, chain) => {
        const units: RankInput[] = specs.map((s, i) => ({
          unitId: `u${(i * 7) % 41}-${i}`,
          totals: {
            base: s.base,
            bonus: 0,
            bonusRaw: 0,
            deduction: s.deduction,
            total: s.total,
            parts: (s.partI === undefined ? {} : { I: s.partI }) as Record<string, number>,
          },
          votes: s.votes,
        }));
        expect(rankUnits(units, chain)).toEqual(rankByPairs(units, chain));
      }),
      { numRuns: 400 },
    );
  });
});
