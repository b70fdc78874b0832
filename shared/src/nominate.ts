/**
 * Nomination (đề nghị khen thưởng): awards in rulebook order, highest first; units walked in rank order; a unit
 * gets the first award it qualifies for that still has room; withdrawn units get none. The first unit given the top
 * award is the bloc's leading unit (đơn vị dẫn đầu). At council level the Government flag goes to at most
 * councilShare of the blocs' leading units.
 */
import { bandRank } from "./classify.ts";
import type { Fraction } from "./points.ts";
import type { Rulebook } from "./schemas.ts";

export interface NominationCandidate {
  unitId: string;
  rank: number;
  bandKey: string | null;
  violation: boolean;
  withdrawn: boolean;
  /** Whether the unit passed the vote; false when voting failed or has not happened. */
  votePassed: boolean;
}

/**
 * Why a unit got no award (DOMAIN.md, "Reasons"): withdrawn, band below the award's minimum, violation, vote not
 * passed, vote failed for want of quorum (`quorum`), vote declared failed by the council (`failed`), or the award
 * already full.
 */
export type NotNominatedReason = "withdrawn" | "band" | "vote" | "violation" | "quorum" | "failed" | "full";

export interface Nomination {
  unitId: string;
  award: string | null;
  /**
   * When no award: the reason that decided for the award the unit came closest to (the one whose conditions it met
   * furthest: band, then violation, then vote, then room), the highest such award on a tie.
   */
  reason: NotNominatedReason | null;
}

/**
 * How far a unit got through an award's conditions, checked in this order: band, violation, vote (or the quorum),
 * room. A unit that met every condition but found the award full came closest of all.
 */
const STAGE: Record<NotNominatedReason, number> = {
  withdrawn: 0,
  band: 1,
  violation: 2,
  vote: 3,
  quorum: 3,
  failed: 3,
  full: 4,
};

/**
 * Units sharing a rank that qualified for an award with room for only some of them. The rules do not say who goes
 * first among equals; the walk takes them by unit id, and this record lets the table say so, so that the bloc
 * settles it (a vote, a review) instead of trusting an order nobody chose.
 */
export interface ContestedPlace {
  award: string;
  rank: number;
  /** The units of that rank given the award (taken by unit id). */
  given: string[];
  /** The units of that rank that qualified but found it full. */
  leftOut: string[];
}

export interface NominationResult {
  nominations: Nomination[];
  /** Award key -> unit ids in rank order. */
  byAward: Record<string, string[]>;
  leadingUnitId: string | null;
  /** Ties at the last place of an award (usually none). */
  contested: ContestedPlace[];
}

/**
 * Walks the candidates in rank order. When the vote was held and failed its quorum (`quorumFailed`), nothing is
 * nominated at all (DOMAIN.md, computation 5), not even awards that need no vote: a unit that met an award's band
 * and violation conditions gets reason `quorum` (the failed vote decided), one that did not gets that reason.
 * A vote the council declared failed (`voteFailed`: its tally could not be decrypted) is the same, with reason
 * `failed`: the ballots were never counted, so "below the quorum" would be false.
 * @example nominate(rulebook, candidates).leadingUnitId
 */
export function nominate(
  rulebook: Pick<Rulebook, "awards" | "bands">,
  candidates: readonly NominationCandidate[],
  options: { quorumFailed?: boolean; voteFailed?: boolean } = {},
): NominationResult {
  const ordered = [...candidates].sort((a, b) => a.rank - b.rank || (a.unitId < b.unitId ? -1 : 1));
  const { awards } = rulebook;
  const byAward: Record<string, string[]> = {};
  for (const a of awards) byAward[a.key] = [];
  // Each award's list, and the rank of its lowest band, looked up once rather than per unit.
  const lists = awards.map((a) => byAward[a.key]!);
  const minBandRank = awards.map((a) => bandRank(rulebook as Rulebook, a.minBand));
  const nominations: Nomination[] = new Array(ordered.length);
  /** The rank of each unit given an award. */
  const rankOf = new Map<string, number>();
  const contested: ContestedPlace[] = [];
  /** A unit that qualified for award `k` but found it full: a contest when a unit of its rank holds a place. */
  const noteFull = (k: number, c: NominationCandidate) => {
    const list = lists[k]!;
    const award = awards[k]!.key;
    const given: string[] = [];
    for (const u of list) if (rankOf.get(u) === c.rank) given.push(u);
    if (given.length === 0) return;
    for (const x of contested)
      if (x.award === award && x.rank === c.rank) {
        x.leftOut.push(c.unitId);
        return;
      }
    contested.push({ award, rank: c.rank, given, leftOut: [c.unitId] });
  };
  for (let i = 0; i < ordered.length; i++) {
    const c = ordered[i]!;
    if (c.withdrawn) {
      nominations[i] = { unitId: c.unitId, award: null, reason: "withdrawn" };
      continue;
    }
    const band = bandRank(rulebook as Rulebook, c.bandKey);
    let given: string | null = null;
    let closest: NotNominatedReason | null = null;
    for (let k = 0; k < awards.length; k++) {
      const award = awards[k]!;
      let reason: NotNominatedReason | null = null;
      if (band > minBandRank[k]!) reason = "band";
      else if (award.violationExcludes && c.violation) reason = "violation";
      else if (options.quorumFailed) reason = "quorum";
      else if (options.voteFailed) reason = "failed";
      else if (award.requiresVote && !c.votePassed) reason = "vote";
      else if (lists[k]!.length >= award.maxCount) {
        reason = "full";
        noteFull(k, c);
      }
      if (reason === null) {
        given = award.key;
        lists[k]!.push(c.unitId);
        rankOf.set(c.unitId, c.rank);
        break;
      }
      // The award the unit came closest to decides its reason; on a tie, the higher award (met first) keeps it.
      if (closest === null || STAGE[reason] > STAGE[closest]) closest = reason;
    }
    nominations[i] = { unitId: c.unitId, award: given, reason: given ? null : (closest ?? "band") };
  }
  const top = rulebook.awards[0];
  const leadingUnitId = top ? (byAward[top.key]?.[0] ?? null) : null;
  return { nominations, byAward, leadingUnitId, contested };
}

/**
 * The council-level cap: how many of the blocs' leading units may receive the Government flag (Cờ thi đua của
 * Chính phủ), at most councilShare of them (20% under letter 5007/BNV-TĐKT of 2023), rounded down.
 * @example councilFlagCap(12, { num: 1, den: 5 }) // 2
 */
export function councilFlagCap(leadingUnits: number, councilShare: Fraction): number {
  return Math.floor((leadingUnits * councilShare.num) / councilShare.den);
}
