/**
 * The self-scoring sheet as pure data (bố cục bảng tự chấm điểm): template -> the grid a sheet shows (cells,
 * formulas with their cached values, formats, input cells, validation, protection, the map from each input cell to
 * its criterion) and the grid read back -> entries whose errors point at cells. The add-in writes this grid into
 * Excel and the workbook writer renders it into an .xlsx; both read sheets back through `readSheet`.
 */
import { address, columnLetter, rangeAddress } from "./a1.ts";
import { type DomainError, domainError } from "./errors.ts";
import { formatPointsVi, toHundredths, toNumber } from "./points.ts";
import type { Entry, EntryInput, Template, TieBreakKey } from "./schemas.ts";
import { scoreUnit } from "./scoring.ts";
import { isGroup, leafIndex } from "./template.ts";

export type CellStyle =
  | "title"
  | "subtitle"
  | "meta"
  | "header"
  | "part"
  | "group"
  | "criterion"
  | "input"
  | "inputText"
  | "readonlyValue"
  | "total"
  | "grandTotal"
  | "note";

export interface LayoutCell {
  row: number;
  col: number;
  /** A constant. Strings are always text, never formulas, whatever they start with. */
  value?: string | number | null;
  /** A formula without data from people in it, starting with "=". */
  formula?: string;
  /** The value the formula gives for the entries the sheet was laid out with. */
  cached?: number;
  style: CellStyle;
  /** Excel number format for numeric cells. */
  numFmt?: string;
}

export interface InputCell {
  criterion: string;
  kind: "score" | "bonus" | "deduction";
  row: number;
  scoreCell: string;
  evidenceCell: string;
  noteCell: string;
  /** Reviewed-score cell, in a review sheet. */
  reviewCell?: string;
  reviewNoteCell?: string;
  max: number;
  step: number;
  evidenceRequired: boolean;
}

export interface SheetContext {
  blocName: string;
  unitName: string;
  unitId: string;
  periodId: string;
  year: number;
  bonusCap: number;
  /** `self`: the clerk's sheet. `review`: the secretariat's sheet, self-scores read-only, reviewed scores beside. */
  mode?: "self" | "review";
  sheetName?: string;
}

export interface SheetLayout {
  sheetName: string;
  columns: { key: string; header: string; width: number }[];
  rowCount: number;
  colCount: number;
  cells: LayoutCell[];
  merges: string[];
  inputs: InputCell[];
  /** Each input range of points with Excel's own validation: decimal between 0 and max. */
  validations: { range: string; min: number; max: number }[];
  /** Rows above this stay frozen (header block and column headers). */
  frozenRows: number;
  headerRow: number;
  totals: { base: string; bonus: string; deduction: string; total: string };
  print: { paper: "A4"; orientation: "portrait" | "landscape"; fitToWidth: true; repeatRows: string };
  meta: SheetMeta;
}

/** What identifies a sheet later, kept in a hidden sheet `_thidua`: survives save, close, reopen and e-mail. */
export interface SheetMeta {
  format: "thidua-sheet";
  formatVersion: 1;
  templateId: string;
  templateVersion: number;
  periodId: string;
  unitId: string;
  mode: "self" | "review";
  sheetName: string;
  /** Criterion code -> zero-based row of its input cells. */
  rows: Record<string, number>;
}

export const META_SHEET_NAME = "_thidua";
export const POINTS_FORMAT = "0.00";

const SELF_COLUMNS = [
  { key: "code", header: "STT / Mã", width: 9 },
  { key: "title", header: "Nội dung tiêu chí", width: 60 },
  { key: "max", header: "Điểm tối đa", width: 11 },
  { key: "self", header: "Điểm tự chấm", width: 12 },
  { key: "evidence", header: "Tài liệu kiểm chứng", width: 30 },
  { key: "note", header: "Ghi chú", width: 24 },
];
const REVIEW_COLUMNS = [
  { key: "review", header: "Điểm thẩm định", width: 13 },
  { key: "reviewNote", header: "Ghi chú thẩm định", width: 28 },
];

const COL = { code: 0, title: 1, max: 2, self: 3, evidence: 4, note: 5, review: 6, reviewNote: 7 } as const;

/**
 * A criterion's title with the rules a clerk needs on the sheet itself: its step, whether it needs evidence, and
 * the template's guidance, so that they are read before typing rather than learnt from errors.
 * @example criterionText({ title: "Công tác A", step: 0.25, evidenceRequired: true, guidance: "" })
 * // "Công tác A\n[bước 0,25 · cần tài liệu kiểm chứng]"
 */
export function criterionText(leaf: { title: string; step: number; evidenceRequired: boolean; guidance: string }) {
  const rules = [`bước ${formatPointsVi(toHundredths(leaf.step))}`, leaf.evidenceRequired ? EVIDENCE_MARK : ""]
    .filter(Boolean)
    .join(" · ");
  return `${leaf.title}\n[${rules}]${leaf.guidance ? `\nHướng dẫn: ${leaf.guidance}` : ""}`;
}

/** The marker of a criterion that needs evidence, in its title cell. */
export const EVIDENCE_MARK = "cần tài liệu kiểm chứng";

/**
 * Errors placed where they are fixed on a sheet: a missing evidence reference at the evidence cell of its row,
 * not at the score cell that validation names.
 * @example placeOnSheet([{ code: "EVIDENCE_REQUIRED", cell: "D9" }])[0].cell // "E9"
 */
export function placeOnSheet<E extends { code: string; cell?: string }>(errors: readonly E[]): E[] {
  return errors.map((e) => {
    if (e.code !== "EVIDENCE_REQUIRED" || !e.cell) return e;
    const m = /^[A-Z]+(\d+)$/.exec(e.cell);
    return m ? { ...e, cell: `${columnLetter(COL.evidence)}${m[1]}` } : e;
  });
}

/** Excel sheet names: at most 31 characters, none of : \ / ? * [ ]. */
export function safeSheetName(name: string): string {
  const cleaned = name
    .replace(/[:\\/?*[\]]/g, " ")
    .replace(/^'+|'+$/g, "")
    .trim();
  return (cleaned || "Sheet").slice(0, 31);
}

/** Contiguous runs of rows as "D8:D12,D14" for SUM. */
function sumArgs(col: number, rows: number[]): string {
  if (rows.length === 0) return "0";
  const sorted = [...rows].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = sorted[0]!;
  let prev = start;
  const flush = () => parts.push(start === prev ? address(start, col) : rangeAddress(start, col, prev, col));
  for (const r of sorted.slice(1)) {
    if (r === prev + 1) {
      prev = r;
      continue;
    }
    flush();
    start = prev = r;
  }
  flush();
  return parts.join(",");
}

/**
 * Lays out the self-scoring sheet (or the review sheet) of a template for one unit. Pass `entries` (and `reviewed`)
 * to prefill inputs; formula cells then carry their cached values.
 * @example layoutSheet(template, ctx).inputs[0].scoreCell // "D9"
 */
export function layoutSheet(
  template: Template,
  ctx: SheetContext,
  entries: readonly Entry[] = [],
  reviewed: readonly Entry[] = [],
): SheetLayout {
  const mode = ctx.mode ?? "self";
  const columns = mode === "review" ? [...SELF_COLUMNS, ...REVIEW_COLUMNS] : SELF_COLUMNS;
  const lastCol = columns.length - 1;
  const cells: LayoutCell[] = [];
  const merges: string[] = [];
  const inputs: InputCell[] = [];
  const put = (c: LayoutCell) => cells.push(c);
  const title = mode === "review" ? "BẢNG THẨM ĐỊNH ĐIỂM THI ĐUA" : "BẢNG TỰ CHẤM ĐIỂM THI ĐUA";
  put({ row: 0, col: 0, value: `${title} NĂM ${ctx.year}`, style: "title" });
  merges.push(rangeAddress(0, 0, 0, lastCol));
  put({ row: 1, col: 0, value: `Khối thi đua: ${ctx.blocName}`, style: "subtitle" });
  merges.push(rangeAddress(1, 0, 1, lastCol));
  put({ row: 2, col: 0, value: `Đơn vị: ${ctx.unitName}`, style: "subtitle" });
  merges.push(rangeAddress(2, 0, 2, lastCol));
  put({
    row: 3,
    col: 0,
    // A template read before the year (no period yet) says so, instead of an empty period.
    value: `Mẫu: ${template.name} (phiên bản ${template.version}) · ${ctx.periodId ? `Kỳ: ${ctx.periodId}` : "Bản đọc trước, chưa có kỳ thi đua"}`,
    style: "meta",
  });
  merges.push(rangeAddress(3, 0, 3, lastCol));
  const headerRow = 5;
  columns.forEach((c, col) => {
    put({ row: headerRow, col, value: c.header, style: "header" });
  });

  const selfBy = new Map(entries.map((e) => [e.criterion, e]));
  const revBy = new Map(reviewed.map((e) => [e.criterion, e]));
  const score = scoreUnit(template, { bonusCap: ctx.bonusCap } as never, entries, reviewed);
  const selfTotals = score.self;
  const effTotals = score.totals;

  const rowsByKind: Record<"score" | "bonus" | "deduction", number[]> = { score: [], bonus: [], deduction: [] };
  let row = headerRow + 1;
  const writeLeafRow = (leaf: {
    code: string;
    title: string;
    kind: InputCell["kind"];
    max: number;
    step: number;
    evidenceRequired: boolean;
    guidance: string;
  }) => {
    const e = selfBy.get(leaf.code);
    const r = revBy.get(leaf.code);
    put({ row, col: COL.code, value: leaf.code, style: "criterion" });
    put({ row, col: COL.title, value: criterionText(leaf), style: "criterion" });
    put({ row, col: COL.max, value: leaf.max, style: "criterion", numFmt: POINTS_FORMAT });
    const inputStyle = mode === "review" ? "readonlyValue" : "input";
    const textStyle = mode === "review" ? "readonlyValue" : "inputText";
    put({
      row,
      col: COL.self,
      value: e?.score == null ? null : toNumber(e.score),
      style: inputStyle,
      numFmt: POINTS_FORMAT,
    });
    put({ row, col: COL.evidence, value: e?.evidence ?? null, style: textStyle });
    put({ row, col: COL.note, value: e?.note ?? null, style: textStyle });
    const input: InputCell = {
      criterion: leaf.code,
      kind: leaf.kind,
      row,
      scoreCell: address(row, COL.self),
      evidenceCell: address(row, COL.evidence),
      noteCell: address(row, COL.note),
      max: leaf.max,
      step: leaf.step,
      evidenceRequired: leaf.evidenceRequired,
    };
    if (mode === "review") {
      put({
        row,
        col: COL.review,
        value: r?.score == null ? null : toNumber(r.score),
        style: "input",
        numFmt: POINTS_FORMAT,
      });
      put({ row, col: COL.reviewNote, value: r?.note ?? null, style: "inputText" });
      input.reviewCell = address(row, COL.review);
      input.reviewNoteCell = address(row, COL.reviewNote);
    }
    inputs.push(input);
    rowsByKind[leaf.kind].push(row);
    row++;
  };

  const sumCols = mode === "review" ? [COL.self, COL.review] : [COL.self];
  for (const part of template.parts) {
    const partRow = row++;
    const partLeafRows: number[] = [];
    const partDeductionRows: number[] = [];
    let partMax = 0;
    put({ row: partRow, col: COL.code, value: part.code, style: "part" });
    put({ row: partRow, col: COL.title, value: part.title, style: "part" });
    for (const c of part.criteria) {
      const leaves = isGroup(c) ? c.children : [c];
      let groupRow = -1;
      if (isGroup(c)) {
        groupRow = row++;
        put({ row: groupRow, col: COL.code, value: c.code, style: "group" });
        put({ row: groupRow, col: COL.title, value: c.title, style: "group" });
      }
      const first = row;
      for (const l of leaves) {
        (l.kind === "deduction" ? partDeductionRows : partLeafRows).push(row);
        writeLeafRow({ ...l, max: l.max, step: l.step, evidenceRequired: l.evidenceRequired });
      }
      if (groupRow >= 0) {
        const gMax = leaves.reduce((s, l) => s + toHundredths(l.max), 0);
        put({ row: groupRow, col: COL.max, value: toNumber(gMax), style: "group", numFmt: POINTS_FORMAT });
        for (const col of sumCols) {
          const totalsH = leaves.reduce((s, l) => {
            const src =
              col === COL.self ? selfBy.get(l.code)?.score : (revBy.get(l.code)?.score ?? selfBy.get(l.code)?.score);
            return s + (src ?? 0);
          }, 0);
          put({
            row: groupRow,
            col,
            formula: `=ROUND(SUM(${rangeAddress(first, col, row - 1, col)}),2)`,
            cached: toNumber(totalsH),
            style: "group",
            numFmt: POINTS_FORMAT,
          });
        }
      }
      partMax += leaves.reduce((s, l) => s + toHundredths(l.max), 0);
    }
    put({ row: partRow, col: COL.max, value: toNumber(partMax), style: "part", numFmt: POINTS_FORMAT });
    for (const col of sumCols) {
      const t = col === COL.self ? selfTotals : effTotals;
      put({
        row: partRow,
        col,
        // Signed as in the total: deductions in a part subtract from its subtotal.
        formula: partDeductionRows.length
          ? `=ROUND(SUM(${sumArgs(col, partLeafRows)})-SUM(${sumArgs(col, partDeductionRows)}),2)`
          : `=ROUND(SUM(${sumArgs(col, partLeafRows)}),2)`,
        cached: toNumber(t.parts[part.code] ?? 0),
        style: "part",
        numFmt: POINTS_FORMAT,
      });
    }
  }

  row++;
  const totalRows = { base: row, bonus: row + 1, deduction: row + 2, total: row + 3 };
  put({ row: totalRows.base, col: COL.title, value: "Tổng điểm các tiêu chí chấm điểm", style: "total" });
  put({
    row: totalRows.bonus,
    col: COL.title,
    value: `Điểm thưởng (tối đa ${formatPointsVi(toHundredths(ctx.bonusCap))} điểm)`,
    style: "total",
  });
  put({ row: totalRows.deduction, col: COL.title, value: "Điểm trừ", style: "total" });
  put({ row: totalRows.total, col: COL.title, value: "TỔNG CỘNG", style: "grandTotal" });
  for (const col of sumCols) {
    const t = col === COL.self ? selfTotals : effTotals;
    const L = columnLetter(col);
    put({
      row: totalRows.base,
      col,
      formula: `=ROUND(SUM(${sumArgs(col, rowsByKind.score)}),2)`,
      cached: toNumber(t.base),
      style: "total",
      numFmt: POINTS_FORMAT,
    });
    put({
      row: totalRows.bonus,
      col,
      formula: `=MIN(ROUND(SUM(${sumArgs(col, rowsByKind.bonus)}),2),${ctx.bonusCap})`,
      cached: toNumber(t.bonus),
      style: "total",
      numFmt: POINTS_FORMAT,
    });
    put({
      row: totalRows.deduction,
      col,
      formula: `=ROUND(SUM(${sumArgs(col, rowsByKind.deduction)}),2)`,
      cached: toNumber(t.deduction),
      style: "total",
      numFmt: POINTS_FORMAT,
    });
    put({
      row: totalRows.total,
      col,
      formula: `=ROUND(${L}${totalRows.base + 1}+${L}${totalRows.bonus + 1}-${L}${totalRows.deduction + 1},2)`,
      cached: toNumber(t.total),
      style: "grandTotal",
      numFmt: POINTS_FORMAT,
    });
  }
  if (mode === "review") {
    // In the review sheet, the reviewed column sums effective scores: a blank reviewed cell falls back to self.
    for (const c of cells) {
      if (c.col === COL.review && c.formula && c.row >= headerRow + 1) {
        c.formula = c.formula.replace(/G(\d+)(?::G(\d+))?/g, (_m, a: string, b?: string) =>
          effectiveRef(Number(a), b ? Number(b) : undefined),
        );
      }
    }
  }
  const sheetName = safeSheetName(ctx.sheetName ?? (mode === "review" ? "Thẩm định" : "Tự chấm điểm"));
  const rowsMap: Record<string, number> = {};
  for (const i of inputs) rowsMap[i.criterion] = i.row;
  const validationCol = mode === "review" ? "reviewCell" : "scoreCell";
  return {
    sheetName,
    columns,
    rowCount: totalRows.total + 1,
    colCount: columns.length,
    cells,
    merges,
    inputs,
    validations: inputs.map((i) => ({ range: i[validationCol]!, min: 0, max: i.max })),
    frozenRows: headerRow + 1,
    headerRow,
    totals: {
      base: address(totalRows.base, mode === "review" ? COL.review : COL.self),
      bonus: address(totalRows.bonus, mode === "review" ? COL.review : COL.self),
      deduction: address(totalRows.deduction, mode === "review" ? COL.review : COL.self),
      total: address(totalRows.total, mode === "review" ? COL.review : COL.self),
    },
    print: { paper: "A4", orientation: "portrait", fitToWidth: true, repeatRows: `${headerRow + 1}:${headerRow + 1}` },
    meta: {
      format: "thidua-sheet",
      formatVersion: 1,
      templateId: template.id,
      templateVersion: template.version,
      periodId: ctx.periodId,
      unitId: ctx.unitId,
      mode,
      sheetName,
      rows: rowsMap,
    },
  };
}

/** In a review sheet, a reviewed subtotal counts the self-score where no reviewed score was entered. */
function effectiveRef(a: number, b?: number): string {
  if (b === undefined) return `IF(G${a}="",D${a},G${a})`;
  return `SUMPRODUCT((G${a}:G${b}="")*D${a}:D${b}+(G${a}:G${b}<>"")*G${a}:G${b})`;
}

/** The layout as a dense 2D grid of values (formulas as their text), for one write per step. */
export function layoutToGrid(layout: SheetLayout): {
  values: (string | number | null)[][];
  formulas: (string | null)[][];
} {
  const values = Array.from({ length: layout.rowCount }, () =>
    Array<string | number | null>(layout.colCount).fill(null),
  );
  const formulas = Array.from({ length: layout.rowCount }, () => Array<string | null>(layout.colCount).fill(null));
  for (const c of layout.cells) {
    if (c.formula) {
      formulas[c.row]![c.col] = c.formula;
      values[c.row]![c.col] = c.cached ?? null;
    } else values[c.row]![c.col] = c.value ?? null;
  }
  return { values, formulas };
}

/** The hidden metadata sheet as key/value rows. */
export function metaToRows(meta: SheetMeta): (string | number)[][] {
  const rows: (string | number)[][] = [
    ["format", meta.format],
    ["formatVersion", meta.formatVersion],
    ["templateId", meta.templateId],
    ["templateVersion", meta.templateVersion],
    ["periodId", meta.periodId],
    ["unitId", meta.unitId],
    ["mode", meta.mode],
    ["sheetName", meta.sheetName],
  ];
  for (const [code, r] of Object.entries(meta.rows)) rows.push([`row:${code}`, r]);
  return rows;
}

/** Reads the metadata rows back; null when they are not a thidua sheet's. */
export function rowsToMeta(rows: readonly (readonly unknown[])[]): SheetMeta | null {
  const kv = new Map<string, unknown>();
  const map: Record<string, number> = {};
  for (const r of rows) {
    const k = r[0];
    if (typeof k !== "string") continue;
    if (k.startsWith("row:")) {
      const n = Number(r[1]);
      if (Number.isInteger(n) && n >= 0) map[k.slice(4)] = n;
    } else kv.set(k, r[1]);
  }
  if (kv.get("format") !== "thidua-sheet") return null;
  const str = (k: string) => (kv.get(k) === undefined || kv.get(k) === null ? "" : String(kv.get(k)));
  const mode = str("mode") === "review" ? "review" : "self";
  return {
    format: "thidua-sheet",
    formatVersion: 1,
    templateId: str("templateId"),
    templateVersion: Number(str("templateVersion")),
    periodId: str("periodId"),
    unitId: str("unitId"),
    mode,
    sheetName: str("sheetName"),
    rows: map,
  };
}

type GridValue = string | number | boolean | null | undefined;

function cellText(v: GridValue): string | undefined {
  if (v === null || v === undefined || v === "") return undefined;
  return String(v).normalize("NFC");
}

/**
 * Reads a filled sheet back into entries, each carrying the address of its score cell so that errors point at it.
 * `grid[row][col]` holds what Excel's `range.values` gives (numbers, or text such as "95,5"; "" for empty).
 * Rows come from the metadata so a sheet whose rows were re-laid by the same template still reads right.
 * @example readSheet(meta, grid).map(e => e.cell) // ["D8", "D9", ...]
 */
export function readSheet(
  meta: SheetMeta,
  grid: readonly (readonly GridValue[])[],
  which: "self" | "review" = meta.mode,
  rows: Readonly<Record<string, number>> = meta.rows,
): EntryInput[] {
  const scoreCol = which === "review" ? COL.review : COL.self;
  const noteCol = which === "review" ? COL.reviewNote : COL.note;
  const out: EntryInput[] = [];
  for (const [criterion, row] of Object.entries(rows)) {
    const line = grid[row] ?? [];
    const raw = line[scoreCol];
    const score = raw === "" || raw === undefined || raw === null ? null : typeof raw === "boolean" ? String(raw) : raw;
    const entry: EntryInput = { criterion, score, cell: address(row, scoreCol) };
    const evidence = which === "self" ? cellText(line[COL.evidence]) : undefined;
    const note = cellText(line[noteCol]);
    if (evidence !== undefined) entry.evidence = evidence;
    if (note !== undefined) entry.note = note;
    out.push(entry);
  }
  return out;
}

/** What a criterion code looks like (the template schema's `CriterionCode`). */
const CODE_SHAPE = /^[A-Za-z0-9]{1,32}(\.[A-Za-z0-9]{1,32}){0,8}$/;

/**
 * Finds each leaf criterion's row by the code written in column A of a sheet, not by the rows the metadata remembers:
 * a sheet whose rows were moved (I.1.b above I.1.a) must read each score with its own criterion, never swapped. Every
 * problem is reported with its cells: a leaf code found on no row (`SHEET_CODE_MISSING`, at the cell the metadata
 * expected it), on two rows or more (`SHEET_CODE_DUPLICATED`, every cell listed), and a code-shaped text in column A
 * that names no criterion, group or part of the template (`SHEET_CODE_UNKNOWN`). Rows above the first template code
 * (title, header block) are not looked at.
 * @example locateCriteria(template, meta, grid).rows["I.1.a"] // 8
 */
export function locateCriteria(
  template: Template,
  meta: Pick<SheetMeta, "rows">,
  grid: readonly (readonly GridValue[])[],
): { rows: Record<string, number>; problems: DomainError[] } {
  const { leaves, byCode, groups } = leafIndex(template);
  const found = new Map<string, number[]>();
  const unknown: DomainError[] = [];
  let started = false;
  for (let r = 0; r < grid.length; r++) {
    const v = grid[r]?.[0];
    if (typeof v !== "string" && typeof v !== "number") continue;
    const text = String(v).trim().normalize("NFC");
    if (!text) continue;
    if (byCode.has(text)) {
      started = true;
      const at = found.get(text);
      if (at) at.push(r);
      else found.set(text, [r]);
    } else if (groups.has(text)) started = true;
    else if (started && CODE_SHAPE.test(text))
      unknown.push(domainError("SHEET_CODE_UNKNOWN", { cell: address(r, COL.code) }, { code: text }));
  }
  const rows: Record<string, number> = {};
  const problems: DomainError[] = [];
  for (const leaf of leaves) {
    const at = found.get(leaf.code);
    if (!at) {
      const expected = Object.hasOwn(meta.rows, leaf.code) ? meta.rows[leaf.code] : undefined;
      problems.push(
        domainError("SHEET_CODE_MISSING", {
          criterion: leaf.code,
          ...(expected !== undefined ? { cell: address(expected, COL.code) } : {}),
        }),
      );
    } else if (at.length > 1) {
      const cells = at.map((r) => address(r, COL.code));
      problems.push(
        domainError("SHEET_CODE_DUPLICATED", { criterion: leaf.code, cell: cells[1] }, { cells: cells.join(", ") }),
      );
    } else rows[leaf.code] = at[0]!;
  }
  problems.push(...unknown);
  return { rows, problems };
}

/**
 * Reads a filled sheet by criterion code (see `locateCriteria`): the entries of the criteria found on exactly one
 * row each, and the problems that must refuse the sheet (an upload answers 422 listing them).
 * @example const { entries, problems } = readSheetByCode(template, up.meta, up.grid)
 */
export function readSheetByCode(
  template: Template,
  meta: SheetMeta,
  grid: readonly (readonly GridValue[])[],
  which: "self" | "review" = meta.mode,
): { entries: EntryInput[]; problems: DomainError[] } {
  const { rows, problems } = locateCriteria(template, meta, grid);
  return { entries: readSheet(meta, grid, which, rows), problems };
}

/** Zero-based columns of a bloc table that the rank formula compares. */
export interface RankColumns {
  total: number;
  deduction: number;
  base: number;
  votes: number;
  /** Part code -> column of that part's subtotal. */
  parts: Record<string, number>;
}

/**
 * The rank of row `r` (zero-based; the units sit in rows `first`..`last`) as an Excel formula: 1 + the number of units
 * strictly ahead of it, comparing the total and then each tie-break key in order, exactly as `rankUnits` does (units
 * still equal share a rank). Only rows with a number in the total column count: a unit without a sheet leaves its
 * total blank and takes no rank, so it is never ahead of anyone. Written by any bloc table that wants a rank a reader
 * can see recomputed.
 * @example rankFormula(cols, ["deduction", "part:I", "base"], 8, 8, 14) // "=1+SUMPRODUCT(...)"
 */
export function rankFormula(
  cols: RankColumns,
  tieBreak: readonly TieBreakKey[],
  r: number,
  first: number,
  last: number,
): string {
  const rng = (c: number) => `$${columnLetter(c)}$${first + 1}:$${columnLetter(c)}$${last + 1}`;
  const cell = (c: number) => `${columnLetter(c)}${r + 1}`;
  const keys: { col: number; better: ">" | "<" }[] = [{ col: cols.total, better: ">" }];
  for (const k of tieBreak) {
    if (k === "deduction") keys.push({ col: cols.deduction, better: "<" });
    else if (k === "base") keys.push({ col: cols.base, better: ">" });
    else if (k === "votes") keys.push({ col: cols.votes, better: ">" });
    else keys.push({ col: cols.parts[k.slice(5)]!, better: ">" });
  }
  let expr = "";
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i]!;
    const ahead = `(${rng(k.col)}${k.better}${cell(k.col)})`;
    expr = expr ? `${ahead}+(${rng(k.col)}=${cell(k.col)})*(${expr})` : ahead;
  }
  return `=1+SUMPRODUCT(ISNUMBER(${rng(cols.total)})*(${expr}))`;
}
