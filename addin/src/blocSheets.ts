/**
 * The bloc table (bảng tổng hợp) and the criteria x units matrix as plain sheets for the gateway: values, formats,
 * the colour scale on totals, the highlight of the top classification and the chart of totals by unit. Pure.
 */
import {
  type BlocRow,
  type BlocTable,
  blocRowFigures,
  columnLetter,
  interpolate,
  type Locale,
  resultWords,
} from "../../shared/src/index.ts";
import type { SheetBundle } from "./api.ts";
import type { CellValue, GridSheet } from "./excel/gateway.ts";
import { ERROR_FONT } from "./excel/styles.ts";
import { UI, type UiKey } from "./i18n.ts";

const HEADER = { bold: true, fill: "#DEECF9", wrap: true, hAlign: "Center" as const };

/**
 * Why a unit got its classification and not the one above: "dưới mức sàn ở tiêu chí I.4 (mức Hoàn thành)".
 * Empty for the top band or an unclassified unit.
 */
export function bandWhyText(
  row: Pick<BlocRow, "bandWhy">,
  rulebook: Pick<SheetBundle["rulebook"], "bands"> | undefined,
  lang: Locale,
): string {
  const why = row.bandWhy;
  if (!why) return "";
  const band = rulebook?.bands.find((b) => b.key === why.band)?.label[lang] ?? why.band;
  return interpolate(UI[lang][`bandWhy_${why.reason}`], { band, criterion: why.criterion ?? "" });
}

/** The flags of a row as words: "Vi phạm; Rút khỏi bình xét". */
export function flagsText(row: Pick<BlocRow, "violation" | "withdrawn">, lang: Locale): string {
  return [row.violation ? UI[lang].flagViolation : "", row.withdrawn ? UI[lang].flagWithdrawn : ""]
    .filter(Boolean)
    .join("; ");
}

export function blocSheets(
  table: BlocTable,
  bundle: Pick<SheetBundle, "bloc" | "units"> & { rulebook?: SheetBundle["rulebook"] },
  lang: Locale,
): GridSheet[] {
  const s = (k: UiKey) => UI[lang][k];
  const headers: UiKey[] = [
    "table_stt",
    "table_unit",
    "table_self",
    "table_reviewed",
    "table_bonus",
    "table_deduction",
    "table_total",
    "table_rank",
    "table_band",
    "table_votes",
    "table_award",
    "table_flags",
  ];
  const first = 3;
  const values: CellValue[][] = [
    [s("table_title").replace("{year}", String(table.year))],
    [bundle.bloc.name],
    headers.map(s),
    ...table.rows.map((r) => {
      const why = bandWhyText(r, bundle.rulebook, lang);
      // A unit without a sheet has no score to show and no rank: it says so instead of 0,00 and a place, as the
      // ranking workbook does (both print through `blocRowFigures`).
      const f = blocRowFigures(r);
      return [
        r.stt,
        r.name,
        f.selfTotal,
        f.reviewedTotal,
        f.bonus,
        f.deduction,
        f.total,
        f.rank ?? resultWords[lang].notSubmitted,
        r.band ? r.band.label[lang] + (why ? ` (${why})` : "") : "",
        r.votes === null
          ? ""
          : `${r.votes}/${r.voteBase ?? "?"} (${String(r.votePct ?? 0).replace(".", lang === "vi" ? "," : ".")}%)`,
        r.award ? r.award.name[lang] : "",
        flagsText(r, lang),
      ];
    }),
  ];
  const last = first + table.rows.length - 1;
  const lastCol = headers.length - 1;
  const n = table.rows.length;
  // Ties at an award's last place: said under the table, one line each, so that nobody reads an order by id as a
  // decision.
  const unitName = new Map(table.rows.map((r) => [r.unitId, r.name]));
  const awardName = new Map(table.rows.flatMap((r) => (r.award ? [[r.award.key, r.award.name[lang]] as const] : [])));
  const notes = (table.nominations.contested ?? []).map((c) =>
    interpolate(s("table_contested"), {
      units: [...c.given, ...c.leftOut].map((u) => unitName.get(u) ?? u).join(", "),
      rank: c.rank,
      award: awardName.get(c.award) ?? c.award,
      given: c.given.length,
    }),
  );
  if (notes.length) values.push([], ...notes.map((t) => [t]));
  const topBand = table.rows.find((r) => r.band)?.band;
  const blocTable: GridSheet = {
    name: s("table_sheet"),
    values,
    columnWidths: [5, 36, 9, 10, 9, 9, 10, 8, 32, 14, 30, 18],
    merges: [`A1:${columnLetter(lastCol)}1`, `A2:${columnLetter(lastCol)}2`],
    formats: [
      { rect: { r1: 0, c1: 0, r2: 1, c2: lastCol }, format: { bold: true, hAlign: "Center", size: 13 } },
      { rect: { r1: 2, c1: 0, r2: 2, c2: lastCol }, format: HEADER },
      ...(n
        ? [
            { rect: { r1: first, c1: 2, r2: last, c2: 6 }, format: {}, numFmt: "0.00" },
            { rect: { r1: first, c1: 6, r2: last, c2: 6 }, format: { bold: true } },
            { rect: { r1: first, c1: 1, r2: last, c2: 1 }, format: { wrap: true } },
          ]
        : []),
      ...notes.map((_, i) => ({
        rect: { r1: last + 2 + i, c1: 0, r2: last + 2 + i, c2: lastCol },
        // Not wrapped nor merged: the line runs on over the empty cells to its right, where a merged cell would
        // keep one line's height and hide the rest.
        format: { bold: true, fontColor: ERROR_FONT },
      })),
    ],
    frozenRows: first,
    protect: true,
    ...(n
      ? {
          colorScale: `G${first + 1}:G${last + 1}`,
          chart: {
            title: s("chartTitle"),
            categories: `B${first + 1}:B${last + 1}`,
            values: `G${first + 1}:G${last + 1}`,
            anchor: `B${last + 3 + (notes.length ? notes.length + 1 : 0)}`,
          },
        }
      : {}),
    ...(topBand
      ? { highlight: [{ range: `I${first + 1}:I${last + 1}`, text: topBand.label[lang], fill: "#DFF6DD" }] }
      : {}),
  };

  const names = new Map(bundle.units.map((u) => [u.id, u.shortName]));
  const m = table.matrix;
  const matrixValues: CellValue[][] = [
    [s("matrix_code"), s("matrix_title"), s("matrix_max"), ...m.unitIds.map((u) => names.get(u) ?? u)],
    ...m.criteria.map((c, i) => [c.code, c.title, c.max, ...(m.values[i] ?? [])]),
  ];
  const mLastCol = 2 + m.unitIds.length;
  const matrix: GridSheet = {
    name: s("matrix_sheet"),
    values: matrixValues,
    columnWidths: [9, 50, 8, ...m.unitIds.map(() => 12)],
    formats: [
      { rect: { r1: 0, c1: 0, r2: 0, c2: mLastCol }, format: HEADER },
      ...(m.criteria.length
        ? [{ rect: { r1: 1, c1: 2, r2: m.criteria.length, c2: mLastCol }, format: {}, numFmt: "0.00" }]
        : []),
    ],
    frozenRows: 1,
    protect: true,
  };
  return [blocTable, matrix];
}
