/**
 * The consolidated bloc table (bảng tổng hợp) and the criteria x units matrix, computed once here for the worker
 * to serve, the add-in to write into Excel and the workbook writer to render. Points in this structure are plain
 * decimal numbers (95.5), converted from exact hundredths at the very end.
 */

import type { z } from "zod";
import { type Tally, tallyBallots } from "./ballot.ts";
import { classifyValues } from "./classify.ts";
import { councilFlagCap, type NominationResult, nominate } from "./nominate.ts";
import { toNumber } from "./points.ts";
import { rankUnits, type SeparatedBy } from "./rank.ts";
import type {
  Ballot,
  CriterionKind,
  Entry,
  Flags,
  LocalisedText,
  Period,
  Rulebook,
  Template,
  Unit,
} from "./schemas.ts";
import { scoreUnitValues } from "./scoring.ts";
import { leafIndex, scoreMax } from "./template.ts";

export interface ConsolidateInput {
  period: Pick<Period, "id" | "year" | "members">;
  template: Template;
  rulebook: Rulebook;
  units: readonly Unit[];
  /** Latest accepted self-scores per unit id; a unit without a sheet is ranked with what it has (nothing). */
  submissions: Readonly<Record<string, readonly Entry[] | undefined>>;
  /** Reviewed scores per unit id. */
  reviews?: Readonly<Record<string, readonly Entry[] | undefined>>;
  flags?: Readonly<Record<string, Flags | undefined>>;
  /** The counted ballots, or null/undefined while voting has not happened. */
  ballots?: readonly Ballot[] | null;
}

export interface BlocRow {
  /** Số thứ tự in rank order. */
  stt: number;
  unitId: string;
  name: string;
  shortName: string;
  submitted: boolean;
  selfTotal: number;
  /** Total after review; null when nothing was reviewed. */
  reviewedTotal: number | null;
  base: number;
  bonus: number;
  deduction: number;
  total: number;
  parts: Record<string, number>;
  rank: number;
  separatedBy: SeparatedBy;
  band: { key: string; label: z.output<typeof LocalisedText> } | null;
  votes: number | null;
  voteBase: number | null;
  /** Percent with two decimals (57.14), null before voting. */
  votePct: number | null;
  votePassed: boolean;
  award: { key: string; name: z.output<typeof LocalisedText> } | null;
  notNominatedReason: string | null;
  violation: boolean;
  withdrawn: boolean;
  /** Score criteria without any value. */
  missing: string[];
}

export interface MatrixCriterion {
  code: string;
  title: string;
  kind: CriterionKind;
  max: number;
  partCode: string;
}

export interface BlocTable {
  periodId: string;
  year: number;
  templateId: string;
  templateVersion: number;
  rulebookId: string;
  rulebookVersion: number;
  scoreMax: number;
  rows: BlocRow[];
  matrix: {
    criteria: MatrixCriterion[];
    /** Unit ids in the order of `rows`. */
    unitIds: string[];
    /** values[c][u]: effective points of criterion c for unit u; null when missing. */
    values: (number | null)[][];
  };
  tally: Tally | null;
  nominations: NominationResult;
  leadingUnitId: string | null;
}

/**
 * Consolidates a period: scores, classification, ranking (with votes once voting is done), tally and nominations.
 * @example consolidate({ period, template, rulebook, units, submissions }).rows[0].rank // 1
 */
export function consolidate(input: ConsolidateInput): BlocTable {
  const { period, template, rulebook } = input;
  const unitsById = new Map(input.units.map((u) => [u.id, u]));
  /** Totals per unit, and its effective points in leaf order for classification and the matrix. */
  const scores = new Map<string, ReturnType<typeof scoreUnitValues>>();
  for (const id of period.members)
    scores.set(id, scoreUnitValues(template, rulebook, input.submissions[id] ?? [], input.reviews?.[id]));
  const tally = input.ballots ? tallyBallots(period.members, input.ballots, rulebook) : null;
  const votesOf = new Map(tally?.units.map((u) => [u.unitId, u]) ?? []);
  const ranked = rankUnits(
    period.members.map((id) => ({ unitId: id, totals: scores.get(id)!.totals, votes: votesOf.get(id)?.votes })),
    rulebook.tieBreak,
  );
  const bands = new Map(
    period.members.map((id) => {
      const s = scores.get(id)!;
      const violation = input.flags?.[id]?.violation ?? false;
      return [
        id,
        s.missing.length ? null : classifyValues(template, rulebook, s.values, s.totals.total, violation).band,
      ];
    }),
  );
  const nominations = nominate(
    rulebook,
    ranked.map((r) => ({
      unitId: r.unitId,
      rank: r.rank,
      bandKey: bands.get(r.unitId)?.key ?? null,
      violation: input.flags?.[r.unitId]?.violation ?? false,
      withdrawn: input.flags?.[r.unitId]?.withdrawn ?? false,
      votePassed: votesOf.get(r.unitId)?.passed ?? false,
    })),
    { quorumFailed: tally !== null && !tally.quorumMet },
  );
  const nominationOf = new Map(nominations.nominations.map((n) => [n.unitId, n]));
  const awardsByKey = new Map(rulebook.awards.map((a) => [a.key, a]));
  const partsToNumbers = (parts: Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const k in parts) out[k] = toNumber(parts[k]!);
    return out;
  };

  const rows: BlocRow[] = ranked.map((r, i) => {
    const s = scores.get(r.unitId)!;
    const unit = unitsById.get(r.unitId);
    const band = bands.get(r.unitId) ?? null;
    const t = votesOf.get(r.unitId);
    const n = nominationOf.get(r.unitId);
    const award = n?.award ? awardsByKey.get(n.award) : undefined;
    return {
      stt: i + 1,
      unitId: r.unitId,
      name: unit?.name ?? r.unitId,
      shortName: unit?.shortName ?? r.unitId,
      submitted: (input.submissions[r.unitId]?.length ?? 0) > 0,
      selfTotal: toNumber(s.self.total),
      reviewedTotal: s.reviewed ? toNumber(s.totals.total) : null,
      base: toNumber(s.totals.base),
      bonus: toNumber(s.totals.bonus),
      deduction: toNumber(s.totals.deduction),
      total: toNumber(s.totals.total),
      parts: partsToNumbers(s.totals.parts),
      rank: r.rank,
      separatedBy: r.separatedBy,
      band: band ? { key: band.key, label: band.label } : null,
      votes: t ? t.votes : null,
      voteBase: t ? t.shareDen : null,
      votePct: t ? toNumber(t.sharePct) : null,
      votePassed: t?.passed ?? false,
      award: award ? { key: award.key, name: award.name } : null,
      notNominatedReason: n?.reason ?? null,
      violation: input.flags?.[r.unitId]?.violation ?? false,
      withdrawn: input.flags?.[r.unitId]?.withdrawn ?? false,
      missing: s.missing,
    };
  });
  const { leaves } = leafIndex(template);
  const unitIds = rows.map((r) => r.unitId);
  return {
    periodId: period.id,
    year: period.year,
    templateId: template.id,
    templateVersion: template.version,
    rulebookId: rulebook.id,
    rulebookVersion: rulebook.version,
    scoreMax: toNumber(scoreMax(template)),
    rows,
    matrix: {
      criteria: leaves.map((l) => ({
        code: l.code,
        title: l.title,
        kind: l.kind,
        max: toNumber(l.max),
        partCode: l.partCode,
      })),
      unitIds,
      values: matrixValues(
        leaves.length,
        unitIds.map((u) => scores.get(u)!.values),
      ),
    },
    tally,
    nominations,
    leadingUnitId: nominations.leadingUnitId,
  };
}

/** values[c][u] in points, each row made at its final length. */
function matrixValues(leafCount: number, byUnit: readonly (readonly (number | null)[])[]): (number | null)[][] {
  const out = new Array<(number | null)[]>(leafCount);
  const units = byUnit.length;
  for (let c = 0; c < leafCount; c++) {
    const row = new Array<number | null>(units);
    for (let j = 0; j < units; j++) {
      const v = byUnit[j]![c];
      row[j] = v === null || v === undefined ? null : v / 100;
    }
    out[c] = row;
  }
  return out;
}

export interface CouncilView {
  leadingUnits: { periodId: string; unitId: string }[];
  /** At most this many may receive Cờ thi đua của Chính phủ. */
  governmentFlagCap: number;
}

/** The council-level view across blocs: their leading units and the cap on the Government flag. */
export function councilView(tables: readonly BlocTable[], rulebook: Pick<Rulebook, "councilShare">): CouncilView {
  const leadingUnits = tables
    .filter((t) => t.leadingUnitId !== null)
    .map((t) => ({ periodId: t.periodId, unitId: t.leadingUnitId! }));
  return { leadingUnits, governmentFlagCap: councilFlagCap(leadingUnits.length, rulebook.councilShare) };
}
