/**
 * The consolidated bloc table (bảng tổng hợp) and the criteria x units matrix, computed once here for the worker
 * to serve, the add-in to write into Excel and the workbook writer to render. Points in this structure are plain
 * decimal numbers (95.5), converted from exact hundredths at the very end.
 */

import type { z } from "zod";
import { declaredFailedTally, type Tally, tallyBallots, tallyCounts } from "./ballot.ts";
import { bandAndWhy } from "./classify.ts";
import { councilFlagCap, type NominationResult, nominate } from "./nominate.ts";
import { toNumber } from "./points.ts";
import { type RankInput, rankUnits, type SeparatedBy } from "./rank.ts";
import type { Ballot, Band, CriterionKind, Flags, LocalisedText, Period, Rulebook, Template, Unit } from "./schemas.ts";
import { type SheetScores, scoreUnitValues, sheetLength } from "./scoring.ts";
import { leafIndex, scoreMax } from "./template.ts";

export interface ConsolidateInput {
  period: Pick<Period, "id" | "year" | "members">;
  template: Template;
  rulebook: Rulebook;
  units: readonly Unit[];
  /**
   * Latest accepted self-scores per unit id: the sheet's entries, or its scores alone (`ScoreColumns`, what the
   * worker reads from storage). A unit without a sheet (none, or an empty one) takes no rank and shows no points
   * (`blocRowFigures`); it is listed after the ranked units.
   */
  submissions: Readonly<Record<string, SheetScores | undefined>>;
  /** Reviewed scores per unit id. */
  reviews?: Readonly<Record<string, SheetScores | undefined>>;
  flags?: Readonly<Record<string, Flags | undefined>>;
  /** The counted ballots, or null/undefined while voting has not happened. */
  ballots?: readonly Ballot[] | null;
  /**
   * A sealed vote's result, used instead of `ballots` when given: the ballots returned, the decrypted votes per unit
   * in `members` order (null when the vote failed for want of quorum), and the SHA-256 of its public record (the file
   * `npm run verify:ballot` checks), so that the ranking workbook's provenance names the vote it was computed from.
   * `failedReason`: the council declared the vote failed (its tally could not be decrypted), with this reason.
   */
  sealedVote?: { returned: number; counts: number[] | null; recordHash: string; failedReason?: string } | null;
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
  /** Rank among the units that submitted a sheet; null for a unit without one (it takes no rank). */
  rank: number | null;
  separatedBy: SeparatedBy;
  band: { key: string; label: z.output<typeof LocalisedText> } | null;
  /**
   * Why the unit is not in the band just above its own (the last band it missed): its total, a criterion below
   * that band's floor, or a violation. Null for the top band or a unit not classified.
   */
  bandWhy: { band: string; reason: "total" | "floor" | "violation"; criterion?: string } | null;
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
  const { members } = period;
  const flags = input.flags;
  const { partCodes, zeroParts } = leafIndex(template);
  // Everything per unit is kept by the unit's position in `members`: one lookup by id, then arrays.
  const position = new Map<string, number>();
  for (let i = 0; i < members.length; i++) position.set(members[i]!, i);
  /** Totals per unit, and its effective points in leaf order for classification and the matrix. */
  const scores = new Array<ReturnType<typeof scoreUnitValues>>(members.length);
  // Only the units that submitted a sheet are ranked; the others follow them by id, without a rank, so that a unit
  // that sent nothing never takes a place (nor pushes a unit whose deductions brought it below 0 down one).
  const submitted = new Array<boolean>(members.length);
  for (let i = 0; i < members.length; i++) {
    const id = members[i]!;
    const sheet = input.submissions[id];
    submitted[i] = hasSheet(sheet);
    scores[i] = scoreUnitValues(template, rulebook, sheet ?? [], input.reviews?.[id]);
  }
  const tally = input.sealedVote
    ? input.sealedVote.failedReason !== undefined
      ? declaredFailedTally(members, input.sealedVote.returned, rulebook, input.sealedVote.failedReason)
      : tallyCounts(members, input.sealedVote.counts, input.sealedVote.returned, rulebook)
    : input.ballots
      ? tallyBallots(members, input.ballots, rulebook)
      : null;
  /** The tally's line per unit, in `members` order (as `tallyBallots` lists them). */
  const votesOf = (i: number) => tally?.units[i];
  const rankInputs: RankInput[] = [];
  for (let i = 0; i < members.length; i++)
    if (submitted[i]) rankInputs.push({ unitId: members[i]!, totals: scores[i]!.totals, votes: votesOf(i)?.votes });
  const ranked: { unitId: string; rank: number | null; separatedBy: SeparatedBy }[] = rankUnits(
    rankInputs,
    rulebook.tieBreak,
  );
  const unranked = members.filter((_, i) => !submitted[i]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const id of unranked) ranked.push({ unitId: id, rank: null, separatedBy: null });
  /** Nomination walks in rank order: the units without a rank after the last one. */
  const walkRank = members.length + 1;
  // Each unit's band, and why not the band above (the last band it missed): a unit with a score missing has none.
  const bands = new Array<Band | null>(members.length);
  const whys = new Array<BlocRow["bandWhy"]>(members.length);
  for (let i = 0; i < members.length; i++) {
    const s = scores[i]!;
    if (s.missing.length) {
      bands[i] = null;
      whys[i] = null;
      continue;
    }
    const violation = flags?.[members[i]!]?.violation ?? false;
    const c = bandAndWhy(template, rulebook, s.values, s.totals.total, violation);
    bands[i] = rulebook.bands[c.index] ?? null;
    whys[i] = c.why;
  }
  const nominations = nominate(
    rulebook,
    ranked.map((r) => {
      const i = position.get(r.unitId)!;
      const f = flags?.[r.unitId];
      return {
        unitId: r.unitId,
        rank: r.rank ?? walkRank,
        bandKey: bands[i]?.key ?? null,
        violation: f?.violation ?? false,
        withdrawn: f?.withdrawn ?? false,
        votePassed: votesOf(i)?.passed ?? false,
      };
    }),
    {
      quorumFailed: tally !== null && !tally.quorumMet,
      voteFailed: tally !== null && tally.failedReason !== undefined,
    },
  );
  const nominationOf = new Array<NominationResult["nominations"][number] | undefined>(members.length);
  for (const n of nominations.nominations) {
    const i = position.get(n.unitId);
    if (i !== undefined) nominationOf[i] = n;
  }
  const unitOf = new Array<Unit | undefined>(members.length);
  for (const u of input.units) {
    const i = position.get(u.id);
    if (i !== undefined) unitOf[i] = u;
  }
  const partsToNumbers = (parts: Record<string, number>) => {
    const out: Record<string, number> = { ...zeroParts };
    for (const code of partCodes) out[code] = toNumber(parts[code]!);
    return out;
  };

  const rows: BlocRow[] = ranked.map((r, k) => {
    const i = position.get(r.unitId)!;
    const s = scores[i]!;
    const unit = unitOf[i];
    const band = bands[i] ?? null;
    const t = votesOf(i);
    const n = nominationOf[i];
    const award = n?.award ? rulebook.awards.find((a) => a.key === n.award) : undefined;
    const f = flags?.[r.unitId];
    return {
      stt: k + 1,
      unitId: r.unitId,
      name: unit?.name ?? r.unitId,
      shortName: unit?.shortName ?? r.unitId,
      submitted: submitted[i]!,
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
      bandWhy: whys[i] ?? null,
      votes: t ? t.votes : null,
      voteBase: t ? t.shareDen : null,
      votePct: t ? toNumber(t.sharePct) : null,
      votePassed: t?.passed ?? false,
      award: award ? { key: award.key, name: award.name } : null,
      notNominatedReason: n?.reason ?? null,
      violation: f?.violation ?? false,
      withdrawn: f?.withdrawn ?? false,
      missing: s.missing,
    };
  });
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
      criteria: leafIndex(template).leaves.map((l) => ({
        code: l.code,
        title: l.title,
        kind: l.kind,
        max: toNumber(l.max),
        partCode: l.partCode,
      })),
      unitIds,
      values: matrixValues(
        leafIndex(template).leaves.length,
        rows.map((r) => (r.submitted ? scores[position.get(r.unitId)!]!.values : null)),
      ),
    },
    tally,
    nominations,
    leadingUnitId: nominations.leadingUnitId,
  };
}

/**
 * values[c][u] in points, each row made at its final length; a unit without a sheet (null) is blank throughout. Read
 * unit by unit (each unit's values are one array), written into the criteria's rows: reading a column across a
 * thousand units' arrays missed the cache on every cell.
 */
function matrixValues(leafCount: number, byUnit: readonly (readonly (number | null)[] | null)[]): (number | null)[][] {
  const out = new Array<(number | null)[]>(leafCount);
  const units = byUnit.length;
  // A blank cell anywhere (a unit without a sheet, a score left out) makes the columns arrays of mixed values.
  let blank = false;
  for (let j = 0; j < units && !blank; j++) {
    const values = byUnit[j];
    if (!values) blank = true;
    else
      for (let c = 0; c < leafCount; c++)
        if (values[c] === null || values[c] === undefined) {
          blank = true;
          break;
        }
  }
  for (let c = 0; c < leafCount; c++) {
    const column = new Array<number | null>(units);
    // Without one, each column holds only numbers: V8 keeps them unboxed, and a division makes no object.
    if (!blank) for (let j = 0; j < units; j++) column[j] = byUnit[j]![c]! / 100;
    else
      for (let j = 0; j < units; j++) {
        const v = byUnit[j]?.[c];
        column[j] = v === null || v === undefined ? null : pointsOf(v);
      }
    out[c] = column;
  }
  return out;
}

/**
 * Points of a cell's hundredths, one number object per value: a point with decimals (2.75) is a heap object in an
 * array that also holds nulls, and a thousand units x 120 criteria made 120,000 of them per table (a column of
 * numbers alone needs none: `matrixValues`). The points of
 * 0.00-999.99 are made once, when first needed, and shared.
 */
const POINTS: (number | null)[] = [];
function pointsOf(h: number): number {
  if (!(h >= 0 && h < 100_000 && Number.isInteger(h))) return h / 100;
  if (h >= POINTS.length) {
    const from = POINTS.length;
    POINTS.length = Math.min(100_000, Math.max(h + 1, from * 2, 1024));
    for (let k = from; k < POINTS.length; k++) POINTS[k] = null;
  }
  const known = POINTS[h];
  if (known != null) return known;
  const made = h / 100;
  POINTS[h] = made;
  return made;
}

/** Whether a unit sent a sheet: at least one self-score line. */
export function hasSheet(sheet: SheetScores | undefined): boolean {
  return sheetLength(sheet) > 0;
}

/** The figures of a bloc table row as every screen and workbook prints them: null where nothing is printed. */
export interface BlocRowFigures {
  selfTotal: number | null;
  reviewedTotal: number | null;
  base: number | null;
  bonus: number | null;
  deduction: number | null;
  total: number | null;
  /** null: print `resultWords[lang].notSubmitted` instead of a rank. */
  rank: number | null;
}

/**
 * What a row shows: its points and its rank, or, for a unit without a sheet, no points and no rank ("Chưa nộp").
 * The pane's sheets, the web app's tables and the ranking workbook all print a row through this function.
 * @example blocRowFigures(row).rank ?? resultWords.vi.notSubmitted
 */
export function blocRowFigures(row: BlocRow): BlocRowFigures {
  if (!row.submitted)
    return { selfTotal: null, reviewedTotal: null, base: null, bonus: null, deduction: null, total: null, rank: null };
  return {
    selfTotal: row.selfTotal,
    reviewedTotal: row.reviewedTotal,
    base: row.base,
    bonus: row.bonus,
    deduction: row.deduction,
    total: row.total,
    rank: row.rank,
  };
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
