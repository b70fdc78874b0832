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
  host: "excel" | "demo";
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

export interface WorkbookGateway {
  readonly capabilities: Capabilities;
  /** Lays out a self-scoring or review sheet and records its metadata in the very hidden `_thidua` sheet. */
  writeLayout(layout: SheetLayout & { meta: AddinMeta }, options?: WriteOptions): Promise<void>;
  /** Every thidua sheet this workbook knows, from `_thidua` (survives save, reopen and e-mail). */
  readMeta(): Promise<AddinMeta[]>;
  /** `range.values` of the top-left `rows` x `cols` of a sheet: numbers, text, "" for empty. */
  readValues(sheetName: string, rows: number, cols: number): Promise<CellValue[][]>;
  /**
   * Marks `cells` as wrong and puts `restore` back to their layout look; with `metas`, rewrites `_thidua` in the
   * same step (a push records its new base revision without another round trip).
   */
  markErrors(
    sheetName: string,
    cells: readonly string[],
    restore: readonly { cell: string; style: keyof typeof STYLE_FORMATS }[],
    metas?: readonly AddinMeta[],
  ): Promise<void>;
  selectCell(sheetName: string, cell: string): Promise<void>;
  /** Writes plain sheets (bloc table, matrix) in one step. */
  writeSheets(sheets: readonly GridSheet[]): Promise<void>;
}

/** Requests below Excel on the web's 5 MB payload limit, with room for the envelope. */
export const DEFAULT_CHUNK_BYTES = 4_000_000;

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

/** Number formats of a layout as rectangles: points "0.00" on numeric cells, "@" on free-text inputs. */
export function layoutNumberFormatRects(layout: SheetLayout): { numFmt: string; rect: Rect }[] {
  const byFmt = new Map<string, { row: number; col: number }[]>();
  for (const c of layout.cells) {
    const fmt = c.numFmt ?? (TEXT_STYLES.has(c.style) ? "@" : undefined);
    if (!fmt) continue;
    const list = byFmt.get(fmt) ?? [];
    list.push(c);
    byFmt.set(fmt, list);
  }
  const out: { numFmt: string; rect: Rect }[] = [];
  for (const [numFmt, cells] of byFmt) for (const rect of rectangles(cells)) out.push({ numFmt, rect });
  return out;
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
export type AddinMeta = SheetMeta & { baseRevision?: number | null; readOnly?: boolean };

/** All metadata blocks as one grid: block i in columns 2i and 2i+1. */
export function metaGrid(metas: readonly AddinMeta[]): (string | number)[][] {
  const blocks = metas.map((m) => {
    const rows = metaToRows(m);
    if (m.baseRevision !== undefined && m.baseRevision !== null) rows.push(["baseRevision", m.baseRevision]);
    if (m.readOnly) rows.push(["readOnly", 1]);
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

/** Reads the `_thidua` grid back into metadata blocks. */
export function metasFromGrid(grid: readonly (readonly unknown[])[]): AddinMeta[] {
  const width = Math.max(0, ...grid.map((r) => r.length));
  const out: AddinMeta[] = [];
  for (let c = 0; c + 1 < width; c += 2) {
    const rows = grid.map((r) => [r[c], r[c + 1]]);
    const meta: AddinMeta | null = rowsToMeta(rows);
    if (!meta) continue;
    const base = rows.find((r) => r[0] === "baseRevision")?.[1];
    if (typeof base === "number" && Number.isInteger(base)) meta.baseRevision = base;
    if (rows.some((r) => r[0] === "readOnly" && r[1] === 1)) meta.readOnly = true;
    out.push(meta);
  }
  return out;
}

/** Merges `meta` into the known blocks, replacing the one for the same sheet. */
export function upsertMeta(existing: readonly AddinMeta[], meta: AddinMeta): AddinMeta[] {
  return [...existing.filter((m) => m.sheetName !== meta.sheetName), meta];
}

const rectAddress = (r: Rect) => rangeAddress(r.r1, r.c1, r.r2, r.c2);

/** Estimated bytes of a 2D array in the request: its JSON length plus per-cell overhead. */
function gridBytes(rows: readonly (readonly unknown[])[]): number {
  let n = 0;
  for (const r of rows) for (const v of r) n += (typeof v === "string" ? v.length * 2 : 12) + 4;
  return n;
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

/**
 * The gateway over office.js. `run` is `Excel.run` (tests pass a mock); `capabilities` come from
 * `detectCapabilities(Office.context.requirements.isSetSupported)`.
 */
export class ExcelGateway implements WorkbookGateway {
  constructor(
    readonly capabilities: Capabilities,
    private readonly run: Run = (batch) => Excel.run(batch),
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {}

  /** Two syncs: look at what exists (sheet, protection, metadata), then write everything (more only past 4 MB). */
  async writeLayout(layout: SheetLayout & { meta: AddinMeta }, options: WriteOptions = {}): Promise<void> {
    await this.run(async (context) => {
      const sheets = context.workbook.worksheets;
      const existing = sheets.getItemOrNullObject(layout.sheetName);
      existing.load("isNullObject");
      const metaSheet = sheets.getItemOrNullObject(META_SHEET_NAME);
      metaSheet.load("isNullObject");
      const metaUsed = metaSheet.getUsedRangeOrNullObject(true);
      metaUsed.load("values");
      await context.sync();

      let pending = 0;
      const budget = async (bytes: number) => {
        pending += bytes;
        if (pending > this.chunkBytes) {
          await context.sync();
          pending = bytes;
        }
      };
      let sheet: Excel.Worksheet;
      if (existing.isNullObject) sheet = sheets.add(layout.sheetName);
      else {
        sheet = existing;
        sheet.protection.unprotect();
        const all = sheet.getRange();
        all.clear("All");
        if (this.capabilities.dataValidation) all.dataValidation.clear();
        all.conditionalFormats.clearAll();
        all.unmerge();
      }
      const grid = layoutFormulasGrid(layout);
      // Rows go in chunks sized by bytes, so a huge template never exceeds the request limit.
      let start = 0;
      while (start < grid.length) {
        let end = start;
        let bytes = 0;
        while (end < grid.length && (end === start || bytes + gridBytes([grid[end]!]) < this.chunkBytes / 2)) {
          bytes += gridBytes([grid[end]!]);
          end++;
        }
        await budget(bytes);
        sheet.getRangeByIndexes(start, 0, end - start, layout.colCount).formulas = grid.slice(start, end);
        start = end;
      }
      for (const { numFmt, rect } of layoutNumberFormatRects(layout)) {
        await budget(200);
        const range = sheet.getRange(rectAddress(rect));
        range.numberFormat = Array.from({ length: rect.r2 - rect.r1 + 1 }, () =>
          Array<string>(rect.c2 - rect.c1 + 1).fill(numFmt),
        );
      }
      for (const { style, rect } of layoutFormatRects(layout)) {
        await budget(300);
        const f = STYLE_FORMATS[style];
        applyFormat(sheet.getRange(rectAddress(rect)), options.readOnly ? { ...f, locked: true } : f);
      }
      for (const m of layout.merges) sheet.getRange(m).merge(false);
      layout.columns.forEach((c, i) => {
        sheet.getRange(`${columnLetter(i)}:${columnLetter(i)}`).format.columnWidth = charsToPoints(c.width);
      });
      if (this.capabilities.dataValidation && !options.readOnly) {
        for (const v of layout.validations) {
          await budget(400);
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
      sheet.freezePanes.freezeRows(layout.frozenRows);
      if (this.capabilities.printSetup) {
        sheet.pageLayout.paperSize = "A4";
        sheet.pageLayout.orientation = layout.print.orientation === "landscape" ? "Landscape" : "Portrait";
        sheet.pageLayout.zoom = { horizontalFitToPages: 1, verticalFitToPages: 0 };
        sheet.pageLayout.setPrintTitleRows(`$${layout.print.repeatRows.replace(":", ":$")}`);
      }
      sheet.protection.protect(PROTECTION);

      const known = metaSheet.isNullObject ? [] : metasFromGrid(metaUsed.isNullObject ? [] : metaUsed.values);
      const metas = upsertMeta(known, layout.meta);
      const target = metaSheet.isNullObject ? sheets.add(META_SHEET_NAME) : metaSheet;
      if (!metaSheet.isNullObject) target.getRange().clear("Contents");
      const mg = metaGrid(metas);
      target.getRangeByIndexes(0, 0, mg.length, mg[0]!.length).values = mg;
      target.visibility = "VeryHidden";
      if (options.activate !== false) sheet.activate();
      await context.sync();
    });
  }

  /** One sync. */
  async readMeta(): Promise<AddinMeta[]> {
    return this.run(async (context) => {
      const used = context.workbook.worksheets.getItemOrNullObject(META_SHEET_NAME).getUsedRangeOrNullObject(true);
      used.load("values");
      await context.sync();
      return used.isNullObject ? [] : metasFromGrid(used.values);
    });
  }

  /** One sync. */
  async readValues(sheetName: string, rows: number, cols: number): Promise<CellValue[][]> {
    return this.run(async (context) => {
      const range = context.workbook.worksheets.getItem(sheetName).getRangeByIndexes(0, 0, rows, cols);
      range.load("values");
      await context.sync();
      return range.values as CellValue[][];
    });
  }

  /** One sync: unprotect, format, protect again, all in the same batch. */
  async markErrors(
    sheetName: string,
    cells: readonly string[],
    restore: readonly { cell: string; style: keyof typeof STYLE_FORMATS }[],
    metas?: readonly AddinMeta[],
  ): Promise<void> {
    await this.run(async (context) => {
      const sheet = context.workbook.worksheets.getItem(sheetName);
      if (metas) {
        const target = context.workbook.worksheets.getItem(META_SHEET_NAME);
        target.getRange().clear("Contents");
        const mg = metaGrid(metas);
        target.getRangeByIndexes(0, 0, mg.length, mg[0]!.length).values = mg;
      }
      sheet.protection.unprotect();
      for (const r of restore) {
        const range = sheet.getRange(r.cell);
        const f = STYLE_FORMATS[r.style];
        range.format.fill.color = f.fill ?? "#FFFFFF";
        range.format.font.color = f.fontColor ?? "#000000";
        range.format.font.bold = f.bold ?? false;
      }
      for (const c of cells) {
        const range = sheet.getRange(c);
        range.format.fill.color = ERROR_FILL;
        range.format.font.color = ERROR_FONT;
        range.format.font.bold = true;
      }
      sheet.protection.protect(PROTECTION);
      await context.sync();
    });
  }

  /** One sync. */
  async selectCell(sheetName: string, cell: string): Promise<void> {
    await this.run(async (context) => {
      const sheet = context.workbook.worksheets.getItem(sheetName);
      sheet.activate();
      sheet.getRange(cell).select();
      await context.sync();
    });
  }

  /** Two syncs for any number of sheets: look (existing sheets and their charts), then write. */
  async writeSheets(specs: readonly GridSheet[]): Promise<void> {
    await this.run(async (context) => {
      const sheets = context.workbook.worksheets;
      const existing = specs.map((s) => {
        const ws = sheets.getItemOrNullObject(s.name);
        ws.load("isNullObject");
        ws.charts.load("items/name");
        return ws;
      });
      await context.sync();
      let pending = 0;
      for (const [i, spec] of specs.entries()) {
        const old = existing[i]!;
        let sheet: Excel.Worksheet;
        if (old.isNullObject) sheet = sheets.add(spec.name);
        else {
          sheet = old;
          sheet.protection.unprotect();
          for (const ch of old.charts.items) ch.delete();
          const all = sheet.getRange();
          all.clear("All");
          all.conditionalFormats.clearAll();
          all.unmerge();
        }
        const rows = spec.values.length;
        const cols = Math.max(1, ...spec.values.map((r) => r.length));
        const values = toExcelValues(spec.values.map((r) => [...r, ...Array<CellValue>(cols - r.length).fill(null)]));
        pending += gridBytes(values);
        if (pending > this.chunkBytes) {
          await context.sync();
          pending = gridBytes(values);
        }
        if (rows > 0) sheet.getRangeByIndexes(0, 0, rows, cols).values = values;
        for (const f of spec.formulas ?? []) sheet.getRangeByIndexes(f.row, f.col, 1, 1).formulas = [[f.formula]];
        for (const f of spec.formats) {
          const range = sheet.getRange(rectAddress(f.rect));
          applyFormat(range, f.format);
          if (f.numFmt)
            range.numberFormat = Array.from({ length: f.rect.r2 - f.rect.r1 + 1 }, () =>
              Array<string>(f.rect.c2 - f.rect.c1 + 1).fill(f.numFmt!),
            );
        }
        for (const m of spec.merges ?? []) sheet.getRange(m).merge(false);
        spec.columnWidths.forEach((w, c) => {
          sheet.getRange(`${columnLetter(c)}:${columnLetter(c)}`).format.columnWidth = charsToPoints(w);
        });
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
      }
      const first = specs[0];
      if (first) sheets.getItem(first.name).activate();
      await context.sync();
    });
  }
}
