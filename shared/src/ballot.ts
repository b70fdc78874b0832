/**
 * The secret ballot (bỏ phiếu kín, suy tôn) and its count (kiểm phiếu). The tally holds the numbers of a biên bản
 * kiểm phiếu: issued, returned, valid, invalid, and per unit the votes and the share.
 */
import { type DomainError, domainError } from "./errors.ts";
import { compareFraction, type Fraction, type Hundredths, percentHundredths } from "./points.ts";
import type { Ballot, Rulebook } from "./schemas.ts";

/** Why a ballot is invalid, or null when it is valid (a blank ballot is valid). */
export function checkBallot(ballot: Ballot, members: readonly string[], choicesPerBallot: number): DomainError | null {
  return ballotProblem(ballot, new Set(members), choicesPerBallot);
}

function allStrings(xs: readonly unknown[]): boolean {
  for (const x of xs) if (typeof x !== "string") return false;
  return true;
}

function ballotProblem(ballot: Ballot, members: ReadonlySet<string>, choicesPerBallot: number): DomainError | null {
  // Ballots normally arrive checked by the schema; one that is not even a list of unit ids is invalid, not a crash.
  const choices: unknown = typeof ballot === "object" && ballot !== null ? ballot.choices : undefined;
  if (!Array.isArray(choices) || !allStrings(choices))
    return domainError("INVALID_INPUT", { path: "/choices" }, { path: "/choices", detail: "not a list of unit ids" });
  const list = choices as string[];
  if (list.length > choicesPerBallot)
    return domainError("BALLOT_TOO_MANY_CHOICES", {}, { count: list.length, max: choicesPerBallot });
  for (const c of list) if (!members.has(c)) return domainError("BALLOT_UNKNOWN_UNIT");
  // A ballot names a few units: comparing each pair is cheaper than a set.
  for (let i = 1; i < list.length; i++)
    for (let j = 0; j < i; j++) if (list[i] === list[j]) return domainError("BALLOT_DUPLICATE_CHOICE");
  return null;
}

export interface UnitTally {
  unitId: string;
  votes: number;
  /** votes / base, exact as a fraction, and as hundredths of a percent for display. */
  shareNum: number;
  shareDen: number;
  sharePct: Hundredths;
  passed: boolean;
}

export interface Tally {
  issued: number;
  returned: number;
  valid: number;
  invalid: number;
  /** Blank ballots among the valid ones; null for a sealed vote, whose single ballots are never decrypted. */
  blank: number | null;
  quorum: Fraction;
  /** Ballots that must come back for the vote to count: the smallest n with n >= quorum x members. */
  quorumNeeded: number;
  quorumMet: boolean;
  threshold: Fraction;
  thresholdRule: "gt" | "gte";
  shareBase: "members" | "valid";
  /** Per unit, in `members` order; empty when the vote failed for want of quorum (only the numbers are kept). */
  units: UnitTally[];
  /** Invalid ballots with the reason, in the order counted; they do not identify a voter. */
  invalidReasons: DomainError[];
  /**
   * Set when the council declared the vote failed (a sealed tally that could not be decrypted): its reason. Then
   * `units` is empty, only the numbers of ballots are kept, and nothing is nominated, as below the quorum.
   */
  failedReason?: string;
}

/**
 * Counts the ballots. `issued` defaults to one ballot per member unit. When the quorum is not met, the vote fails:
 * only the numbers of ballots are recorded, never a count per unit (a few ballots read off a tally would no longer be
 * secret), and no unit passes.
 * @example tallyBallots(members, ballots, rulebook).units.find(u => u.unitId === "ca").passed
 */
export function tallyBallots(
  members: readonly string[],
  ballots: readonly Ballot[],
  rulebook: Pick<Rulebook, "choicesPerBallot" | "quorum" | "shareBase" | "threshold" | "thresholdRule">,
  issued: number = members.length,
): Tally {
  const votes = new Map<string, number>();
  for (const m of members) votes.set(m, 0);
  let valid = 0;
  let blank = 0;
  const invalidReasons: DomainError[] = [];
  const counted: readonly Ballot[] = Array.isArray(ballots) ? ballots : [];
  const memberSet = new Set(members);
  for (const b of counted) {
    const problem = ballotProblem(b, memberSet, rulebook.choicesPerBallot);
    if (problem) {
      invalidReasons.push(problem);
      continue;
    }
    valid++;
    if (b.choices.length === 0) blank++;
    for (const c of b.choices) votes.set(c, (votes.get(c) ?? 0) + 1);
  }
  return tallyOf(members, votes, { issued, returned: counted.length, valid, blank, invalidReasons }, rulebook);
}

/**
 * The tally of a sealed (encrypted) vote from the decrypted count per unit, in `members` order, or null while it is
 * not decrypted (or the quorum was not met, so nothing was). Every sealed ballot was proved valid on receipt, so
 * valid = returned; how many were blank is not known (only sums are ever decrypted) and is recorded as null.
 * @example tallyCounts(members, [5, 2, 0], 7, rulebook).units[0].votes // 5
 */
export function tallyCounts(
  members: readonly string[],
  counts: readonly number[] | null,
  returned: number,
  rulebook: Pick<Rulebook, "choicesPerBallot" | "quorum" | "shareBase" | "threshold" | "thresholdRule">,
  issued: number = members.length,
): Tally {
  const votes = new Map<string, number>(members.map((m, i) => [m, counts?.[i] ?? 0]));
  return tallyOf(
    members,
    votes,
    { issued, returned, valid: returned, blank: null, invalidReasons: [] },
    rulebook,
    !counts,
  );
}

/**
 * The tally of a sealed vote the council declared failed with `reason` (its per-unit sums could not be decrypted):
 * only the numbers of ballots, no per-unit votes, and the reason.
 * @example declaredFailedTally(["a", "b", "c"], 3, rulebook, "Người giữ khoá mất tệp khoá").units // []
 */
export function declaredFailedTally(
  members: readonly string[],
  returned: number,
  rulebook: Pick<Rulebook, "choicesPerBallot" | "quorum" | "shareBase" | "threshold" | "thresholdRule">,
  reason: string,
): Tally {
  return { ...tallyCounts(members, null, returned, rulebook), failedReason: reason };
}

function tallyOf(
  members: readonly string[],
  votes: ReadonlyMap<string, number>,
  n: { issued: number; returned: number; valid: number; blank: number | null; invalidReasons: DomainError[] },
  rulebook: Pick<Rulebook, "choicesPerBallot" | "quorum" | "shareBase" | "threshold" | "thresholdRule">,
  hidden = false,
): Tally {
  const { issued, returned, valid, blank, invalidReasons } = n;
  const quorumMet = compareFraction(returned, members.length, rulebook.quorum) >= 0;
  const base = rulebook.shareBase === "members" ? members.length : valid;
  const units = (quorumMet && !hidden ? members : []).map((unitId): UnitTally => {
    const v = votes.get(unitId) ?? 0;
    const cmp = base === 0 ? -1 : compareFraction(v, base, rulebook.threshold);
    const over = rulebook.thresholdRule === "gt" ? cmp > 0 : cmp >= 0;
    return {
      unitId,
      votes: v,
      shareNum: v,
      shareDen: base,
      sharePct: percentHundredths(v, base),
      passed: quorumMet && over,
    };
  });
  return {
    issued,
    returned,
    valid,
    invalid: returned - valid,
    blank,
    quorum: rulebook.quorum,
    quorumNeeded: Math.ceil((members.length * rulebook.quorum.num) / rulebook.quorum.den),
    quorumMet,
    threshold: rulebook.threshold,
    thresholdRule: rulebook.thresholdRule,
    shareBase: rulebook.shareBase,
    units,
    invalidReasons,
  };
}
