/**
 * The Excel gateway (cổng Excel): the only module of the add-in that touches the `Excel` and `Office` globals.
 * Everything else talks to the small `WorkbookGateway` interface, implemented here over office.js and in
 * `fakeWorkbook.ts` in memory (tests and the browser demo).
 *
 * Round trips are what users feel, so each step queues all its work and calls `context.sync()` once: laying out a
 * sheet takes two (look, then write), reading one, marking errors one. A write larger than Excel on the web's 5 MB
 * request limit is split at `chunkBytes` (one extra sync per chunk, never a sync per cell or row).
 */

import { columnLetter, rangeAddress } from "../../../shared/src/a1.ts";
import {
  META_SHEET_NAME,
  metaToRows,
  rowsToMeta,
  type SheetLayout,
  type SheetMeta,
} from "../../../shared/src/layout.ts";
import type { AuthoringGateway } from "./authoring.ts";
import { SheetMissingError } from "./sheetMissing.ts";
import {
  asExcelText,
  type CellFormat,
  charsToPoints,
  ERROR_FILL,
  ERROR_FONT,
  type Rect,
  rectangles,
  STYLE_FORMATS,
  TEXT_STYLES,
} from "./styles.ts";

export type CellValue = string | number | boolean | null;

/** What the running Excel can do, from `isSetSupported`. ExcelApi 1.7 is Office 2019, common in agencies. */
export interface Capabilities {
  /** `web`: the web app, no workbook at all (`noWorkbook.ts`). */
  host: "excel" | "demo" | "web";
  /** Highest ExcelApi minor version found (7 for 1.7). */
  apiMinor: number;
  /** Excel's own validation of input cells: ExcelApi 1.8. */
  dataValidation: boolean;
  /** Paper size, orientation, fit to width and print titles: ExcelApi 1.9. */
  printSetup: boolean;
}

/** A plain sheet such as the bloc table or the matrix: values plus presentation, written in one step. */
export interface GridSheet {
  name: string;
  /** Strings are always written as text; formulas go in `formulas`. */
  values: CellValue[][];
  formulas?: { row: number; col: number; formula: string }[];
  columnWidths: number[];
  formats: { rect: Rect; format: Partial<CellFormat>; numFmt?: string }[];
  merges?: string[];
  frozenRows?: number;
  /** A three-colour scale on a numeric range (e.g. totals). */
  colorScale?: string;
  /** Cells equal to `text` in `range` get `fill` (e.g. the top classification). */
  highlight?: { range: string; text: string; fill: string }[];
  chart?: { title: string; categories: string; values: string; anchor: string };
  protect?: boolean;
}

export interface WriteOptions {
  /** All cells locked (a unit's sheet opened by the secretariat). */
  readOnly?: boolean;
  activate?: boolean;
}

/**
 * Which sheet: its worksheet id (ExcelApi 1.1, survives a rename) when known, else its name. `AddinMeta` is one.
 */
export interface SheetRef {
  sheetName: string;
  sheetId?: string | undefined;
}

export { SheetMissingError } from "./sheetMissing.ts";

export interface WorkbookGateway {
  readonly capabilities: Capabilities;
  /** Its own authoring of criteria tables, where it is not Excel's (the in-memory workbook). */
  authoring?(): AuthoringGateway;
  /**
   * Lays out a self-scoring or review sheet and records its metadata in the very hidden `_thidua` sheet. Returns the
   * metadata as recorded (with the worksheet's id and its current name). With `meta.sheetId`, the sheet of that id is
   * re-laid even if the clerk renamed it.
   */
  writeLayout(layout: SheetLayout & { meta: AddinMeta }, options?: WriteOptions): Promise<AddinMeta>;
  /** Every thidua sheet this workbook knows, from `_thidua` (survives save, reopen and e-mail). */
  readMeta(): Promise<AddinMeta[]>;
  /** `range.values` of the top-left `rows` x `cols` of a sheet: numbers, text, "" for empty. */
  readValues(sheet: string | SheetRef, rows: number, cols: number): Promise<CellValue[][]>;
  /**
   * Marks `cells` as wrong and puts `restore` back to their layout look; with `metas`, rewrites `_thidua` in the
   * same step (a push records its new base revision without another round trip).
   */
  markErrors(
    sheet: string | SheetRef,
    cells: readonly string[],
    restore: readonly { cell: string; style: keyof typeof STYLE_FORMATS }[],
    metas?: readonly AddinMeta[],
  ): Promise<void>;
  selectCell(sheet: string | SheetRef, cell: string): Promise<void>;
  /** Writes plain sheets (bloc table, matrix) in one step. */
  writeSheets(sheets: readonly GridSheet[]): Promise<void>;
}

export const sheetRef = (s: string | SheetRef): SheetRef => (typeof s === "string" ? { sheetName: s } : s);

/** Excel compares sheet names without case. */
export const sameSheetName = (a: string, b: string) => a.toLocaleLowerCase() === b.toLocaleLowerCase();

/**
 * Bytes a request may carry. Excel on the web refuses a request over 5 MB ("Resource limits and performance
 * optimization" on Microsoft Learn); 4 MB leaves room for office.js's envelope and for our estimate being short.
 */
export const DEFAULT_CHUNK_BYTES = 4_000_000;

/** What office.js adds for one queued operation (its action and object path records) on top of the arguments. */
export const OP_BYTES = 200;

/** The ExcelApi minor version and feature flags from `Office.context.requirements.isSetSupported`. */
export function detectCapabilities(isSetSupported: (name: string, version: string) => boolean): Capabilities {
  let apiMinor = 0;
  for (let m = 1; m <= 20; m++) if (isSetSupported("ExcelApi", `1.${m}`)) apiMinor = m;
  return { host: "excel", apiMinor, dataValidation: apiMinor >= 8, printSetup: apiMinor >= 9 };
}

/** The values grid for Excel: text escaped so it can never become a formula, null as "" (null means "unchanged"). */
export function toExcelValues(values: readonly (readonly CellValue[])[]): (string | number | boolean)[][] {
  return values.map((row) =>
    row.map((v) => (v === null || v === undefined ? "" : typeof v === "string" ? asExcelText(v) : v)),
  );
}

/** Layout cells grouped by style, as rectangles, for one format operation each. */
export function layoutFormatRects(layout: SheetLayout): { style: keyof typeof STYLE_FORMATS; rect: Rect }[] {
  const byStyle = new Map<keyof typeof STYLE_FORMATS, { row: number; col: number }[]>();
  for (const c of layout.cells) {
    const list = byStyle.get(c.style) ?? [];
    list.push(c);
    byStyle.set(c.style, list);
  }
  const out: { style: keyof typeof STYLE_FORMATS; rect: Rect }[] = [];
  for (const [style, cells] of byStyle) for (const rect of rectangles(cells)) out.push({ style, rect });
  return out;
}

/**
 * The number format of every cell of a layout, as the grid Excel receives before the values: points "0.00" where the
 * layout says so, Text ("@") on free-text inputs and on every cell that holds text (codes such as "1.10", titles,
 * evidence and notes: Excel would otherwise read "12/05/2024" as a date, "1.000" as 1), General elsewhere.
 */
export function layoutNumberFormatGrid(layout: SheetLayout): string[][] {
  const grid = Array.from({ length: layout.rowCount }, () => Array<string>(layout.colCount).fill("General"));
  for (const c of layout.cells) {
    const fmt = c.numFmt ?? (TEXT_STYLES.has(c.style) || typeof c.value === "string" ? "@" : undefined);
    if (fmt) grid[c.row]![c.col] = fmt;
  }
  return grid;
}

/**
 * The number format grid of a plain sheet: General, the sheet's own formats (points), and Text on every cell whose
 * value is text, so that a criterion code "1.10" or a unit called "2017" stays what it is.
 */
export function gridNumberFormats(spec: GridSheet, rows: number, cols: number): string[][] {
  const grid = Array.from({ length: rows }, () => Array<string>(cols).fill("General"));
  for (const f of spec.formats) {
    if (!f.numFmt) continue;
    for (let r = f.rect.r1; r <= Math.min(f.rect.r2, rows - 1); r++)
      for (let c = f.rect.c1; c <= Math.min(f.rect.c2, cols - 1); c++) grid[r]![c] = f.numFmt;
  }
  spec.values.forEach((row, r) => {
    row.forEach((v, c) => {
      if (typeof v === "string" && v !== "") grid[r]![c] = "@";
    });
  });
  return grid;
}

/** A grid padded to `cols` columns, as Excel's values (null as ""). */
export function paddedValues(spec: GridSheet): { values: (string | number | boolean)[][]; rows: number; cols: number } {
  const rows = spec.values.length;
  const cols = Math.max(1, ...spec.values.map((r) => r.length));
  const values = toExcelValues(spec.values.map((r) => [...r, ...Array<CellValue>(cols - r.length).fill(null)]));
  return { values, rows, cols };
}

/** The grid Excel receives for a layout: formulas where the layout has them, escaped text, numbers. */
export function layoutFormulasGrid(layout: SheetLayout): (string | number)[][] {
  const grid = Array.from({ length: layout.rowCount }, () => Array<string | number>(layout.colCount).fill(""));
  for (const c of layout.cells) {
    const row = grid[c.row]!;
    if (c.formula) row[c.col] = c.formula;
    else if (typeof c.value === "string") row[c.col] = asExcelText(c.value);
    else if (typeof c.value === "number") row[c.col] = c.value;
  }
  return grid;
}

/**
 * The core's sheet metadata plus what the add-in itself keeps with a sheet: the server revision the copy is based
 * on (for the stale-copy check) and the unit's name for a sheet the secretariat opened.
 */
export type AddinMeta = SheetMeta & { baseRevision?: number | null; readOnly?: boolean; sheetId?: string };

/** All metadata blocks as one grid: block i in columns 2i and 2i+1. */
export function metaGrid(metas: readonly AddinMeta[]): (string | number)[][] {
  const blocks = metas.map((m) => {
    const rows = metaToRows(m);
    if (m.baseRevision !== undefined && m.baseRevision !== null) rows.push(["baseRevision", m.baseRevision]);
    if (m.readOnly) rows.push(["readOnly", 1]);
    if (m.sheetId) rows.push(["sheetId", m.sheetId]);
    return rows;
  });
  const height = Math.max(1, ...blocks.map((b) => b.length));
  return Array.from({ length: height }, (_, r) =>
    blocks.flatMap((b) => {
      const row = b[r];
      return row
        ? [asExcelText(String(row[0])), typeof row[1] === "number" ? row[1] : asExcelText(String(row[1]))]
        : ["", ""];
    }),
  );
}

/** Text ("@") where the metadata grid holds text (ids such as "001" stay text), General for numbers. */
export function metaNumberFormats(grid: readonly (readonly (string | number)[])[]): string[][] {
  return grid.map((r) => r.map((v) => (typeof v === "string" && v !== "" ? "@" : "General")));
}

/** Reads the `_thidua` grid back into metadata blocks. */
export function metasFromGrid(grid: readonly (readonly unknown[])[]): AddinMeta[] {
  const width = Math.max(0, ...grid.map((r) => r.length));
  const out: AddinMeta[] = [];
  for (let c = 0; c + 1 < width; c += 2) {
    const rows = grid.map((r) => [r[c], r[c + 1]]);
    const meta: AddinMeta | null = rowsToMeta(rows);
    if (!meta) continue;
    // Numbers may come back as text if a cell was Text-formatted when they were written: read both.
    const base = rows.find((r) => r[0] === "baseRevision")?.[1];
    const baseNumber = typeof base === "string" && /^\d+$/.test(base) ? Number(base) : base;
    if (typeof baseNumber === "number" && Number.isInteger(baseNumber)) meta.baseRevision = baseNumber;
    if (rows.some((r) => r[0] === "readOnly" && (r[1] === 1 || r[1] === "1"))) meta.readOnly = true;
    const id = rows.find((r) => r[0] === "sheetId")?.[1];
    if (typeof id === "string" && id !== "") meta.sheetId = id;
    out.push(meta);
  }
  return out;
}

/** Merges `meta` into the known blocks, replacing the one for the same sheet (same id, or same name). */
export function upsertMeta(existing: readonly AddinMeta[], meta: AddinMeta): AddinMeta[] {
  const same = (m: AddinMeta) =>
    (meta.sheetId !== undefined && m.sheetId === meta.sheetId) || sameSheetName(m.sheetName, meta.sheetName);
  return [...existing.filter((m) => !same(m)), meta];
}

const rectAddress = (r: Rect) => rangeAddress(r.r1, r.c1, r.r2, r.c2);

/**
 * Bytes of `v` as JSON in UTF-8, as office.js sends it: strings with their quotes and escapes, Vietnamese letters at
 * two or three bytes each.
 * @example jsonBytes([["Điểm", 1.5]]) // 16
 */
export function jsonBytes(v: unknown): number {
  if (typeof v === "string") {
    let n = 2;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      n += c < 0x20 ? 6 : c === 34 || c === 92 ? 2 : c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? 1 : 3;
    }
    return n;
  }
  if (typeof v === "number" || typeof v === "boolean") return JSON.stringify(v).length;
  if (v === null || v === undefined) return 4;
  if (Array.isArray(v)) {
    let n = 1 + Math.max(1, v.length);
    for (const x of v) n += jsonBytes(x);
    return n;
  }
  return new TextEncoder().encode(JSON.stringify(v)).length;
}

/**
 * One budget for all the writes of a step: every operation is counted (its arguments plus office.js's envelope)
 * before it is queued, and the batch is sent (`context.sync()`) when the next one would not fit.
 */
class RequestBudget {
  private pending = 0;
  constructor(
    private readonly context: Excel.RequestContext,
    readonly limit: number,
  ) {}

  async add(bytes: number) {
    if (this.pending > 0 && this.pending + bytes > this.limit) {
      await this.context.sync();
      this.pending = 0;
    }
    this.pending += bytes;
  }
}

/**
 * Writes a grid and its number formats in row chunks under `budget`: formats first, so text lands in Text cells and
 * is never parsed as a number or a date.
 */
async function writeGrid(
  sheet: Excel.Worksheet,
  grid: readonly (readonly (string | number | boolean)[])[],
  formats: readonly (readonly string[])[],
  kind: "values" | "formulas",
  budget: RequestBudget,
) {
  const cols = grid[0]?.length ?? 0;
  let start = 0;
  while (start < grid.length) {
    let end = start;
    let bytes = 2 * OP_BYTES;
    while (end < grid.length) {
      const row = jsonBytes(grid[end]) + jsonBytes(formats[end]) + 2;
      if (end > start && bytes + row > budget.limit / 2) break;
      bytes += row;
      end++;
    }
    await budget.add(bytes);
    const range = sheet.getRangeByIndexes(start, 0, end - start, cols);
    range.numberFormat = formats.slice(start, end) as string[][];
    range[kind] = grid.slice(start, end) as (string | number | boolean)[][];
    start = end;
  }
}

/** Whether an office.js error carries `code` (e.g. `ItemNotFound`: the sheet does not exist). */
function hasCode(e: unknown, code: string): boolean {
  return typeof e === "object" && e !== null && "code" in e && (e as { code: unknown }).code === code;
}

const isItemNotFound = (e: unknown) => hasCode(e, "ItemNotFound");

async function readRows(
  context: Excel.RequestContext,
  sheet: Excel.Worksheet,
  start: number,
  count: number,
  cols: number,
): Promise<CellValue[][]> {
  const range = sheet.getRangeByIndexes(start, 0, count, cols);
  range.load("values");
  try {
    await context.sync();
    return range.values as CellValue[][];
  } catch (e) {
    if (!hasCode(e, "ResponsePayloadSizeLimitExceeded") || count < 2) throw e;
    const half = Math.ceil(count / 2);
    const top = await readRows(context, sheet, start, half, cols);
    return [...top, ...(await readRows(context, sheet, start + half, count - half, cols))];
  }
}

function applyFormat(range: Excel.Range, f: Partial<CellFormat>) {
  if (f.fill) range.format.fill.color = f.fill;
  if (f.fontColor) range.format.font.color = f.fontColor;
  if (f.bold !== undefined) range.format.font.bold = f.bold;
  if (f.italic !== undefined) range.format.font.italic = f.italic;
  if (f.size) range.format.font.size = f.size;
  if (f.wrap !== undefined) range.format.wrapText = f.wrap;
  if (f.hAlign) range.format.horizontalAlignment = f.hAlign as Excel.HorizontalAlignment;
  if (f.locked !== undefined) range.format.protection.locked = f.locked;
}

const PROTECTION: Excel.WorksheetProtectionOptions = {
  allowFormatColumns: true,
  allowFormatRows: true,
  allowFormatCells: false,
  allowInsertRows: false,
  allowDeleteRows: false,
  allowSort: false,
  allowAutoFilter: false,
};

type Run = <T>(batch: (context: Excel.RequestContext) => Promise<T>) => Promise<T>;

/** The workbook's sheets as the first sync of a step sees them: nothing is loaded from a sheet that may not exist. */
interface SheetInfo {
  name: string;
  id: string;
}

async function listSheets(context: Excel.RequestContext): Promise<SheetInfo[]> {
  const sheets = context.workbook.worksheets;
  sheets.load("items/name,items/id");
  await context.sync();
  return sheets.items.map((w) => ({ name: w.name, id: w.id }));
}

function findSheet(list: readonly SheetInfo[], ref: SheetRef): SheetInfo | undefined {
  return (
    (ref.sheetId ? list.find((w) => w.id === ref.sheetId) : undefined) ??
    list.find((w) => sameSheetName(w.name, ref.sheetName))
  );
}

/**
 * The gateway over office.js. `run` is `Excel.run` (tests pass a double); `capabilities` come from
 * `detectCapabilities(Office.context.requirements.isSetSupported)`.
 *
 * Safe on a workbook that lacks a sheet by construction: a step that needs to know which sheets exist loads the sheet
 * list first and only then touches them; a step on one known sheet goes straight to `getItem` (by id, which survives
 * a rename) and, only if Excel answers `ItemNotFound`, looks at the list once to find it by name or to say it is gone.
 */
export class ExcelGateway implements WorkbookGateway {
  constructor(
    readonly capabilities: Capabilities,
    private readonly run: Run = (batch) => Excel.run(batch),
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {}

  /**
   * Three syncs: the sheet list; the sheet added (for its id) and `_thidua` read, when there is something to do;
   * then every write under the request budget (more syncs only past 4 MB).
   */
  async writeLayout(layout: SheetLayout & { meta: AddinMeta }, options: WriteOptions = {}): Promise<AddinMeta> {
    return this.run(async (context) => {
      const sheets = context.workbook.worksheets;
      const list = await listSheets(context);
      const found = findSheet(list, { sheetName: layout.sheetName, sheetId: layout.meta.sheetId });
      const metaExists = list.some((w) => sameSheetName(w.name, META_SHEET_NAME));
      let sheet: Excel.Worksheet;
      let metaUsed: Excel.Range | null = null;
      if (metaExists) {
        metaUsed = sheets.getItem(META_SHEET_NAME).getUsedRangeOrNullObject(true);
        metaUsed.load("values");
      }
      if (found) sheet = sheets.getItem(found.id);
      else {
        sheet = sheets.add(layout.sheetName);
        sheet.load("id,name");
      }
      if (metaUsed || !found) await context.sync();
      const written: AddinMeta = {
        ...layout.meta,
        sheetName: found?.name ?? sheet.name,
        sheetId: found?.id ?? sheet.id,
      };

      const budget = new RequestBudget(context, this.chunkBytes);
      if (found) {
        sheet.protection.unprotect();
        const all = sheet.getRange();
        all.clear("All");
        if (this.capabilities.dataValidation) all.dataValidation.clear();
        all.conditionalFormats.clearAll();
        all.unmerge();
        await budget.add(5 * OP_BYTES);
      }
      await writeGrid(sheet, layoutFormulasGrid(layout), layoutNumberFormatGrid(layout), "formulas", budget);
      for (const { style, rect } of layoutFormatRects(layout)) {
        await budget.add(8 * OP_BYTES);
        const f = STYLE_FORMATS[style];
        applyFormat(sheet.getRange(rectAddress(rect)), options.readOnly ? { ...f, locked: true } : f);
      }
      for (const m of layout.merges) {
        await budget.add(OP_BYTES);
        sheet.getRange(m).merge(false);
      }
      for (const [i, c] of layout.columns.entries()) {
        await budget.add(OP_BYTES);
        sheet.getRange(`${columnLetter(i)}:${columnLetter(i)}`).format.columnWidth = charsToPoints(c.width);
      }
      if (this.capabilities.dataValidation && !options.readOnly) {
        for (const v of layout.validations) {
          await budget.add(3 * OP_BYTES);
          const dv = sheet.getRange(v.range).dataValidation;
          dv.rule = { decimal: { formula1: v.min, formula2: v.max, operator: "Between" } };
          dv.errorAlert = {
            showAlert: true,
            style: "Stop",
            title: "Điểm không hợp lệ",
            message: `Nhập số từ ${v.min} đến ${String(v.max).replace(".", ",")}.`,
          };
        }
      }
      await budget.add(8 * OP_BYTES);
      sheet.freezePanes.freezeRows(layout.frozenRows);
      if (this.capabilities.printSetup) {
        sheet.pageLayout.paperSize = "A4";
        sheet.pageLayout.orientation = layout.print.orientation === "landscape" ? "Landscape" : "Portrait";
        sheet.pageLayout.zoom = { horizontalFitToPages: 1, verticalFitToPages: 0 };
        sheet.pageLayout.setPrintTitleRows(`$${layout.print.repeatRows.replace(":", ":$")}`);
      }
      sheet.protection.protect(PROTECTION);

      const known = metaUsed && !metaUsed.isNullObject ? metasFromGrid(metaUsed.values) : [];
      await this.queueMeta(context, budget, upsertMeta(known, written), metaExists);
      if (options.activate !== false) sheet.activate();
      await context.sync();
      return written;
    });
  }

  /** Rewrites `_thidua` (adding it, very hidden, where it is missing): Text where it holds text. */
  private async queueMeta(
    context: Excel.RequestContext,
    budget: RequestBudget,
    metas: readonly AddinMeta[],
    exists: boolean,
  ) {
    const sheets = context.workbook.worksheets;
    const target = exists ? sheets.getItem(META_SHEET_NAME) : sheets.add(META_SHEET_NAME);
    if (exists) target.getRange().clear("Contents");
    target.visibility = "VeryHidden";
    const mg = metaGrid(metas);
    await writeGrid(target, mg, metaNumberFormats(mg), "values", budget);
  }

  /** One sync (two on a workbook without `_thidua`: Excel answers `ItemNotFound`, and there is nothing to read). */
  async readMeta(): Promise<AddinMeta[]> {
    try {
      return await this.run(async (context) => {
        const used = context.workbook.worksheets.getItem(META_SHEET_NAME).getUsedRangeOrNullObject(true);
        used.load("values");
        await context.sync();
        return used.isNullObject ? [] : metasFromGrid(used.values);
      });
    } catch (e) {
      if (isItemNotFound(e)) return [];
      throw e;
    }
  }

  /**
   * Runs `batch` on one sheet: by id (or by name without one) in one sync; when Excel answers `ItemNotFound`, once
   * more after looking at the sheet list (a sheet renamed before its id was kept, or `_thidua` missing); throws
   * `SheetMissingError` when the sheet is gone.
   */
  private async onSheet<T>(
    target: string | SheetRef,
    batch: (context: Excel.RequestContext, sheet: Excel.Worksheet, list: SheetInfo[] | null) => Promise<T>,
  ): Promise<T> {
    const ref = sheetRef(target);
    try {
      return await this.run((context) =>
        batch(context, context.workbook.worksheets.getItem(ref.sheetId ?? ref.sheetName), null),
      );
    } catch (e) {
      if (!isItemNotFound(e)) throw e;
    }
    const list = await this.run(listSheets);
    const found = findSheet(list, ref);
    if (!found) throw new SheetMissingError(ref.sheetName);
    return this.run((context) => batch(context, context.workbook.worksheets.getItem(found.id), list));
  }

  /**
   * One sync. Excel on the web also refuses a response over 5 MB (`ResponsePayloadSizeLimitExceeded`); only then,
   * which takes thousands of long texts, the rows are read again in halves.
   */
  async readValues(sheet: string | SheetRef, rows: number, cols: number): Promise<CellValue[][]> {
    return this.onSheet(sheet, (context, ws) => readRows(context, ws, 0, rows, cols));
  }

  /** One sync: unprotect, format, protect again, all in the same batch. */
  async markErrors(
    target: string | SheetRef,
    cells: readonly string[],
    restore: readonly { cell: string; style: keyof typeof STYLE_FORMATS }[],
    metas?: readonly AddinMeta[],
  ): Promise<void> {
    await this.onSheet(target, async (context, sheet, list) => {
      const budget = new RequestBudget(context, this.chunkBytes);
      sheet.protection.unprotect();
      for (const r of restore) {
        await budget.add(3 * OP_BYTES);
        const range = sheet.getRange(r.cell);
        const f = STYLE_FORMATS[r.style];
        range.format.fill.color = f.fill ?? "#FFFFFF";
        range.format.font.color = f.fontColor ?? "#000000";
        range.format.font.bold = f.bold ?? false;
      }
      for (const c of cells) {
        await budget.add(3 * OP_BYTES);
        const range = sheet.getRange(c);
        range.format.fill.color = ERROR_FILL;
        range.format.font.color = ERROR_FONT;
        range.format.font.bold = true;
      }
      sheet.protection.protect(PROTECTION);
      if (metas) {
        const exists = !list || list.some((w) => sameSheetName(w.name, META_SHEET_NAME));
        await this.queueMeta(context, budget, metas, exists);
      }
      await context.sync();
    });
  }

  /** One sync. */
  async selectCell(target: string | SheetRef, cell: string): Promise<void> {
    await this.onSheet(target, async (context, sheet) => {
      sheet.activate();
      sheet.getRange(cell).select();
      await context.sync();
    });
  }

  /**
   * Three syncs for any number of sheets: the sheet list; the charts of the sheets that exist (skipped when none
   * does); then every write under the request budget, split into more syncs only past 4 MB.
   */
  async writeSheets(specs: readonly GridSheet[]): Promise<void> {
    await this.run(async (context) => {
      const sheets = context.workbook.worksheets;
      const list = await listSheets(context);
      const existing = specs.map((s) => {
        const info = list.find((w) => sameSheetName(w.name, s.name));
        if (!info) return null;
        const ws = sheets.getItem(info.id);
        ws.charts.load("items/name");
        return ws;
      });
      if (existing.some((w) => w)) await context.sync();
      const budget = new RequestBudget(context, this.chunkBytes);
      for (const [i, spec] of specs.entries()) {
        const old = existing[i];
        let sheet: Excel.Worksheet;
        if (!old) sheet = sheets.add(spec.name);
        else {
          sheet = old;
          sheet.protection.unprotect();
          for (const ch of old.charts.items) ch.delete();
          const all = sheet.getRange();
          all.clear("All");
          all.conditionalFormats.clearAll();
          all.unmerge();
          await budget.add((4 + old.charts.items.length) * OP_BYTES);
        }
        const { values, rows, cols } = paddedValues(spec);
        if (rows > 0) await writeGrid(sheet, values, gridNumberFormats(spec, rows, cols), "values", budget);
        for (const f of spec.formulas ?? []) {
          await budget.add(OP_BYTES + jsonBytes(f.formula));
          sheet.getRangeByIndexes(f.row, f.col, 1, 1).formulas = [[f.formula]];
        }
        for (const f of spec.formats) {
          await budget.add(8 * OP_BYTES);
          applyFormat(sheet.getRange(rectAddress(f.rect)), f.format);
        }
        for (const m of spec.merges ?? []) {
          await budget.add(OP_BYTES);
          sheet.getRange(m).merge(false);
        }
        for (const [c, w] of spec.columnWidths.entries()) {
          await budget.add(OP_BYTES);
          sheet.getRange(`${columnLetter(c)}:${columnLetter(c)}`).format.columnWidth = charsToPoints(w);
        }
        await budget.add(12 * OP_BYTES);
        if (spec.frozenRows) sheet.freezePanes.freezeRows(spec.frozenRows);
        if (spec.colorScale) {
          const cf = sheet.getRange(spec.colorScale).conditionalFormats.add("ColorScale");
          cf.colorScale.criteria = {
            minimum: { type: "LowestValue", color: "#F8696B" },
            midpoint: { formula: "50", type: "Percentile", color: "#FFEB84" },
            maximum: { type: "HighestValue", color: "#63BE7B" },
          };
        }
        for (const h of spec.highlight ?? []) {
          const cf = sheet.getRange(h.range).conditionalFormats.add("ContainsText");
          cf.textComparison.format.fill.color = h.fill;
          cf.textComparison.rule = { operator: "Contains", text: h.text };
        }
        if (spec.chart) {
          const chart = sheet.charts.add("ColumnClustered", sheet.getRange(spec.chart.values), "Columns");
          chart.title.text = spec.chart.title;
          chart.series.getItemAt(0).setXAxisValues(sheet.getRange(spec.chart.categories));
          chart.legend.visible = false;
          chart.setPosition(spec.chart.anchor);
        }
        if (spec.protect) sheet.protection.protect(PROTECTION);
        if (i === 0) sheet.activate();
      }
      await context.sync();
    });
  }
}
