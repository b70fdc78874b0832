/**
 * An in-memory workbook (sổ tính trong bộ nhớ) implementing the same `WorkbookGateway` as Excel, faithfully enough
 * for the pane's tests and the browser demo: A1 addresses, values and formulas (evaluated), number formats, cell
 * formats, Excel's input validation, sheet protection with unlocked input cells, merges, frozen rows, hidden and
 * very hidden sheets, charts and conditional formats as records, worksheet ids that survive a rename. It follows
 * Excel's rules where they matter to us: a string written through `values`/`formulas` that starts with "=" becomes a
 * formula unless it has the quote prefix (') or the cell is formatted as Text ("@"); any other string written into a
 * General cell is parsed with US-English rules (`coerce.ts`: "12/05/2024" becomes a date, "1.10" the number 1.1).
 * Like the gateway, it applies number formats before it writes values.
 */

import { address, parseAddress } from "../../../shared/src/a1.ts";
import { META_SHEET_NAME, type SheetLayout } from "../../../shared/src/layout.ts";
import type { AuthoringGateway } from "./authoring.ts";
import { excelGeneralValue } from "./coerce.ts";
import { FakeAuthoring } from "./fakeAuthoring.ts";
import { evaluate, type Scalar } from "./formula.ts";
import {
  type AddinMeta,
  type Capabilities,
  type CellValue,
  type GridSheet,
  gridNumberFormats,
  layoutFormatRects,
  layoutFormulasGrid,
  layoutNumberFormatGrid,
  metaGrid,
  metaNumberFormats,
  metasFromGrid,
  paddedValues,
  SheetMissingError,
  type SheetRef,
  sameSheetName,
  sheetRef,
  upsertMeta,
  type WorkbookGateway,
  type WriteOptions,
} from "./gateway.ts";
import { type CellFormat, ERROR_FILL, ERROR_FONT, STYLE_FORMATS } from "./styles.ts";

export interface FakeCell {
  /** The constant, or the formula's last value. */
  value: Scalar;
  formula?: string;
  numFmt?: string;
  format: Partial<CellFormat>;
  /** Excel's "quote prefix": the text was entered with a leading apostrophe. */
  quotePrefix?: boolean;
}

export interface FakeSheet {
  /** Excel's worksheet id: kept when the sheet is renamed. */
  id: string;
  name: string;
  visibility: "Visible" | "Hidden" | "VeryHidden";
  cells: Map<string, FakeCell>;
  merges: string[];
  /** Decimal rules (min..max), or a list of allowed texts (the authoring sheet's kind column). */
  validations: { range: string; min: number; max: number; list?: readonly string[] }[];
  protected: boolean;
  frozenRows: number;
  columnWidths: number[];
  colorScales: string[];
  highlights: { range: string; text: string; fill: string }[];
  charts: { title: string; categories: string; values: string; anchor: string }[];
  print: SheetLayout["print"] | null;
}

/** What Excel answers to a typed value; `message` is Excel's dialog text (Vietnamese, as Excel in vi-VN shows it). */
export type EditResult =
  | { ok: true }
  | { ok: false; reason: "protected"; message: string }
  | { ok: false; reason: "validation"; message: string; min: number; max: number };

const key = (row: number, col: number) => `${row},${col}`;

function cellsOf(a1: string): { row: number; col: number }[] {
  const [a, b] = a1.split(":");
  const s = parseAddress(a!);
  const e = parseAddress(b ?? a!);
  if (!s || !e) throw new Error(`bad address ${a1}`);
  const out: { row: number; col: number }[] = [];
  for (let r = s.row; r <= e.row; r++) for (let c = s.col; c <= e.col; c++) out.push({ row: r, col: c });
  return out;
}

/** Counts of gateway steps, to compare with the real gateway's sync counts. */
export interface FakeStats {
  steps: number;
  writes: number;
}

export class FakeWorkbook implements WorkbookGateway {
  readonly sheets = new Map<string, FakeSheet>();
  activeSheet: string | null = null;
  selection: { sheet: string; cell: string } | null = null;
  /** The cell the person last picked in the demo grid (what Excel calls the selection; read by `authoring.ts`). */
  picked: { sheet: string; cell: string } | null = null;
  readonly stats: FakeStats = { steps: 0, writes: 0 };

  authoring(): AuthoringGateway {
    return new FakeAuthoring(this);
  }
  private nextId = 1;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly capabilities: Capabilities = { host: "demo", apiMinor: 17, dataValidation: true, printSetup: true },
  ) {
    this.sheet("Sheet1");
  }

  /** Called after every change (the demo grid redraws). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed() {
    for (const l of this.listeners) l();
  }

  /** A sheet by id or by name (Excel compares names without case), or undefined. */
  findSheet(key: string): FakeSheet | undefined {
    const exact = this.sheets.get(key);
    if (exact) return exact;
    for (const s of this.sheets.values()) if (s.id === key || sameSheetName(s.name, key)) return s;
    return undefined;
  }

  /** The sheet of `ref`: by its id when it has one, else by name; throws `SheetMissingError` when it is gone. */
  resolve(ref: string | SheetRef): FakeSheet {
    const r = sheetRef(ref);
    const s = (r.sheetId ? this.findSheet(r.sheetId) : undefined) ?? this.findSheet(r.sheetName);
    if (!s) throw new SheetMissingError(r.sheetName);
    return s;
  }

  /** A clerk renames a sheet (its id stays). */
  rename(oldName: string, newName: string) {
    const s = this.findSheet(oldName);
    if (!s) throw new Error(`no sheet ${oldName}`);
    this.sheets.delete(s.name);
    s.name = newName;
    this.sheets.set(newName, s);
    if (this.activeSheet === oldName) this.activeSheet = newName;
    this.changed();
  }

  /** A clerk deletes a sheet. */
  deleteSheet(name: string) {
    const s = this.findSheet(name);
    if (s) this.sheets.delete(s.name);
    this.changed();
  }

  sheet(name: string): FakeSheet {
    let s = this.findSheet(name);
    if (!s) {
      s = {
        id: `{00000000-000${this.nextId++}-0000-0000-000000000000}`,
        name,
        visibility: "Visible",
        cells: new Map(),
        merges: [],
        validations: [],
        protected: false,
        frozenRows: 0,
        columnWidths: [],
        colorScales: [],
        highlights: [],
        charts: [],
        print: null,
      };
      this.sheets.set(name, s);
    }
    return s;
  }

  private clearSheet(s: FakeSheet) {
    s.cells.clear();
    s.merges = [];
    s.validations = [];
    s.colorScales = [];
    s.highlights = [];
    s.charts = [];
    s.protected = false;
  }

  /** Excel's rules for a value written by the API into one cell. */
  put(s: FakeSheet, row: number, col: number, v: string | number | boolean, asFormula: boolean) {
    const cell = s.cells.get(key(row, col)) ?? { value: null, format: {} };
    delete cell.formula;
    cell.quotePrefix = false;
    if (typeof v !== "string") cell.value = v;
    else if (v === "") cell.value = null;
    else if (v.startsWith("'")) {
      cell.value = v.slice(1);
      cell.quotePrefix = true;
    } else if (cell.numFmt === "@") cell.value = v;
    else if (/^[=+\-@]/.test(v) && (asFormula || v.startsWith("=") || Number.isNaN(Number(v)))) {
      cell.formula = v.startsWith("=") ? v : `=${v}`;
      cell.value = null;
    } else cell.value = excelGeneralValue(v);
    s.cells.set(key(row, col), cell);
  }

  /** Sets the number format of one cell (as `range.numberFormat` does), keeping its value. */
  setNumFmt(s: FakeSheet, row: number, col: number, numFmt: string) {
    const cell = s.cells.get(key(row, col)) ?? { value: null, format: {} };
    if (numFmt === "General") delete cell.numFmt;
    else cell.numFmt = numFmt;
    s.cells.set(key(row, col), cell);
  }

  /** Number formats, then values (or formulas), as the gateway queues them. */
  private putGrid(
    s: FakeSheet,
    grid: readonly (readonly (string | number | boolean)[])[],
    formats: readonly (readonly string[])[],
    asFormula: boolean,
  ) {
    formats.forEach((row, r) => {
      row.forEach((f, c) => {
        if (f !== "General" || s.cells.has(key(r, c))) this.setNumFmt(s, r, c, f);
      });
    });
    grid.forEach((row, r) => {
      row.forEach((v, c) => {
        if (v !== "" || s.cells.has(key(r, c))) this.put(s, r, c, v, asFormula);
      });
    });
  }

  format(s: FakeSheet, a1: string, f: Partial<CellFormat>, numFmt?: string) {
    for (const { row, col } of cellsOf(a1)) {
      const cell = s.cells.get(key(row, col)) ?? { value: null, format: {} };
      cell.format = { ...cell.format, ...f };
      if (numFmt) cell.numFmt = numFmt;
      s.cells.set(key(row, col), cell);
    }
  }

  /** The value a cell shows, formulas evaluated against the current cells. */
  valueAt(sheetName: string, row: number, col: number, depth = 0): Scalar {
    const s = this.findSheet(sheetName);
    const cell = s?.cells.get(key(row, col));
    if (!cell) return null;
    if (!cell.formula) return cell.value;
    if (depth > 50) return "#REF!";
    return evaluate(cell.formula, (r, c) => this.valueAt(sheetName, r, c, depth + 1));
  }

  cellAt(sheetName: string, a1: string): FakeCell | undefined {
    const p = parseAddress(a1);
    return p ? this.findSheet(sheetName)?.cells.get(key(p.row, p.col)) : undefined;
  }

  /** Size of the used area of a sheet. */
  usedSize(sheetName: string): { rows: number; cols: number } {
    let rows = 0;
    let cols = 0;
    for (const [k, c] of this.findSheet(sheetName)?.cells ?? []) {
      if (c.value === null && !c.formula) continue;
      const [r, col] = k.split(",").map(Number) as [number, number];
      rows = Math.max(rows, r + 1);
      cols = Math.max(cols, col + 1);
    }
    return { rows, cols };
  }

  /**
   * A person typing into a cell, as Excel handles it: refused on a locked cell of a protected sheet, checked by the
   * cell's data validation, "95,5" read as a number (vi-VN), "=..." as a formula unless the cell is Text.
   */
  edit(sheetName: string, a1: string, typed: string): EditResult {
    const s = this.findSheet(sheetName);
    const p = parseAddress(a1);
    if (!s || !p) throw new Error(`no cell ${sheetName}!${a1}`);
    const cell = s.cells.get(key(p.row, p.col));
    const locked = cell?.format.locked ?? true;
    if (s.protected && locked)
      return { ok: false, reason: "protected", message: "Ô này được khóa; chỉ nhập vào các ô điểm và ghi chú." };
    const text = typed.trim();
    const asNumber = /^\d+([.,]\d+)?$/.test(text) ? Number(text.replace(",", ".")) : null;
    const rules = s.validations.filter((v) => cellsOf(v.range).some((c) => c.row === p.row && c.col === p.col));
    const list = rules.find((v) => v.list);
    if (list?.list && text !== "" && !list.list.includes(text))
      return {
        ok: false,
        reason: "validation",
        message: `Giá trị không hợp lệ. Chọn một trong: ${list.list.join(", ")}.`,
        min: 0,
        max: 0,
      };
    const rule = rules.find((v) => !v.list);
    if (rule && text !== "" && (asNumber === null || asNumber < rule.min || asNumber > rule.max))
      return {
        ok: false,
        reason: "validation",
        message: `Điểm không hợp lệ. Nhập số từ ${rule.min} đến ${String(rule.max).replace(".", ",")}.`,
        min: rule.min,
        max: rule.max,
      };
    if (asNumber !== null && cell?.numFmt !== "@") this.put(s, p.row, p.col, asNumber, false);
    else this.put(s, p.row, p.col, text, false);
    this.changed();
    return { ok: true };
  }

  visibleSheets(): FakeSheet[] {
    return [...this.sheets.values()].filter((s) => s.visibility === "Visible");
  }

  // ---------------------------------------------------------------------------------------------- WorkbookGateway

  async writeLayout(layout: SheetLayout & { meta: AddinMeta }, options: WriteOptions = {}): Promise<AddinMeta> {
    this.stats.steps++;
    const existing =
      (layout.meta.sheetId ? this.findSheet(layout.meta.sheetId) : undefined) ?? this.findSheet(layout.sheetName);
    const s = existing ?? this.sheet(layout.sheetName);
    this.clearSheet(s);
    this.putGrid(s, layoutFormulasGrid(layout), layoutNumberFormatGrid(layout), true);
    for (const { style, rect } of layoutFormatRects(layout)) {
      const f = STYLE_FORMATS[style];
      for (let r = rect.r1; r <= rect.r2; r++)
        for (let c = rect.c1; c <= rect.c2; c++)
          this.format(s, address(r, c), options.readOnly ? { ...f, locked: true } : f);
    }
    s.merges = [...layout.merges];
    s.columnWidths = layout.columns.map((c) => c.width);
    s.validations =
      this.capabilities.dataValidation && !options.readOnly ? layout.validations.map((v) => ({ ...v })) : [];
    s.frozenRows = layout.frozenRows;
    s.print = this.capabilities.printSetup ? layout.print : null;
    s.protected = true;
    const written: AddinMeta = { ...layout.meta, sheetName: s.name, sheetId: s.id };
    const known = this.findSheet(META_SHEET_NAME) ? metasFromGrid(this.gridOf(META_SHEET_NAME)) : [];
    this.writeMeta(upsertMeta(known, written));
    if (options.activate !== false) this.activeSheet = s.name;
    this.stats.writes += layout.cells.length;
    this.changed();
    return written;
  }

  private writeMeta(metas: readonly AddinMeta[]) {
    const meta = this.sheet(META_SHEET_NAME);
    this.clearSheet(meta);
    const grid = metaGrid(metas);
    this.putGrid(meta, grid, metaNumberFormats(grid), false);
    meta.visibility = "VeryHidden";
  }

  private gridOf(sheetName: string): Scalar[][] {
    const { rows, cols } = this.usedSize(sheetName);
    return Array.from({ length: rows }, (_, r) =>
      Array.from({ length: cols }, (_, c) => this.valueAt(sheetName, r, c) ?? ""),
    );
  }

  async readMeta(): Promise<AddinMeta[]> {
    this.stats.steps++;
    return this.findSheet(META_SHEET_NAME) ? metasFromGrid(this.gridOf(META_SHEET_NAME)) : [];
  }

  async readValues(sheet: string | SheetRef, rows: number, cols: number): Promise<CellValue[][]> {
    this.stats.steps++;
    const s = this.resolve(sheet);
    return Array.from({ length: rows }, (_, r) =>
      Array.from({ length: cols }, (_, c) => {
        const v = this.valueAt(s.name, r, c);
        return v === null ? "" : v;
      }),
    );
  }

  async markErrors(
    sheet: string | SheetRef,
    cells: readonly string[],
    restore: readonly { cell: string; style: keyof typeof STYLE_FORMATS }[],
    metas?: readonly AddinMeta[],
  ): Promise<void> {
    this.stats.steps++;
    const s = this.resolve(sheet);
    if (metas) this.writeMeta(metas);
    for (const r of restore) {
      const f = STYLE_FORMATS[r.style];
      this.format(s, r.cell, { fill: f.fill ?? "#FFFFFF", fontColor: f.fontColor ?? "#000000", bold: f.bold ?? false });
    }
    for (const c of cells) this.format(s, c, { fill: ERROR_FILL, fontColor: ERROR_FONT, bold: true });
    this.changed();
  }

  async selectCell(sheet: string | SheetRef, cell: string): Promise<void> {
    this.stats.steps++;
    const s = this.resolve(sheet);
    this.activeSheet = s.name;
    this.selection = { sheet: s.name, cell };
    this.changed();
  }

  async writeSheets(specs: readonly GridSheet[]): Promise<void> {
    this.stats.steps++;
    for (const spec of specs) {
      const s = this.sheet(spec.name);
      this.clearSheet(s);
      const { values, rows, cols } = paddedValues(spec);
      this.putGrid(s, values, gridNumberFormats(spec, rows, cols), false);
      for (const f of spec.formulas ?? []) this.put(s, f.row, f.col, f.formula, true);
      for (const f of spec.formats) {
        const a1 = `${address(f.rect.r1, f.rect.c1)}:${address(f.rect.r2, f.rect.c2)}`;
        this.format(s, a1, f.format);
      }
      s.merges = [...(spec.merges ?? [])];
      s.columnWidths = [...spec.columnWidths];
      s.frozenRows = spec.frozenRows ?? 0;
      if (spec.colorScale) s.colorScales.push(spec.colorScale);
      s.highlights.push(...(spec.highlight ?? []));
      if (spec.chart) s.charts.push(spec.chart);
      s.protected = spec.protect ?? false;
    }
    if (specs[0]) this.activeSheet = specs[0].name;
    this.changed();
  }
}
