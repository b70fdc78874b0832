/**
 * Authoring a criteria table in Excel (soạn bảng tiêu chí): reading the range the person selected (a bloc's own table,
 * in its own layout) and laying out the authoring sheet "Soạn bảng tiêu chí" with data validation where the host
 * supports it. Beside the main gateway (`gateway.ts`), which it leaves untouched: `authoringFor(gateway)` gives the
 * office.js implementation in Excel and the in-memory one over the demo's `FakeWorkbook`. Reading is one
 * `context.sync()` (the selection, the sheet's used area and the region around the selection are queued together);
 * laying out is two,
 * as the gateway's layouts are (look whether the sheet exists, then write everything).
 */
import { address, parseAddress } from "../../../shared/src/a1.ts";
import { AUTHORING_HEADERS, AUTHORING_KINDS, type CellValue } from "../../../shared/src/index.ts";
import type { GridSheet, WorkbookGateway } from "./gateway.ts";

export const AUTHORING_SHEET = "Soạn bảng tiêu chí";

/** A range as read: its sheet, its top-left cell, its values and, where the host gives them, each row's indent. */
export interface SelectedRange {
  sheetName: string;
  /** "B2:E35". */
  address: string;
  /** "B2". */
  origin: string;
  values: CellValue[][];
  /** Excel's indent level of each row's cells (the greatest across the row's cells), when supported. */
  indents?: number[];
  /**
   * Set when one cell was picked in an Excel without `getSurroundingRegion` (ExcelApi 1.13: Excel 2016/2019
   * perpetual): the whole used area of the sheet was read instead of the table's columns. The pane says so.
   */
  wholeSheet?: true;
}

/** A block of cells by zero-based indexes, both ends included. */
export interface CellBox {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

/**
 * Excel's surrounding region (Range.getSurroundingRegion, the current region of Ctrl+Shift+*): from the cell, grows
 * while the row or column just outside it holds a non-blank cell within (or diagonally next to) its span; so a
 * blank row or column stops it. The in-memory workbook uses this to behave as Excel does.
 */
export function surroundingRegion(blank: (row: number, col: number) => boolean, at: { row: number; col: number }) {
  const b: CellBox = { r1: at.row, c1: at.col, r2: at.row, c2: at.col };
  const rowFilled = (r: number) => {
    for (let c = Math.max(0, b.c1 - 1); c <= b.c2 + 1; c++) if (!blank(r, c)) return true;
    return false;
  };
  const colFilled = (c: number) => {
    for (let r = Math.max(0, b.r1 - 1); r <= b.r2 + 1; r++) if (!blank(r, c)) return true;
    return false;
  };
  for (let grew = true; grew; ) {
    const before = `${b.r1},${b.c1},${b.r2},${b.c2}`;
    if (b.r1 > 0 && rowFilled(b.r1 - 1)) b.r1--;
    if (rowFilled(b.r2 + 1)) b.r2++;
    if (b.c1 > 0 && colFilled(b.c1 - 1)) b.c1--;
    if (colFilled(b.c2 + 1)) b.c2++;
    grew = before !== `${b.r1},${b.c1},${b.r2},${b.c2}`;
  }
  return b;
}

/**
 * The block read when one cell of a bloc's table is picked: the columns of the region around it, over every used
 * row of the sheet. Excel's region alone stops at the first blank row, and bloc tables have blank rows between
 * their parts (the bonus and deduction part is often after one), so a table would lose its end, or its header when
 * the cell is below the gap; title, header, totals and footnote rows are skipped by the import. Without the region
 * (Excel before ExcelApi 1.13), the whole used area.
 */
export function tableBlock(used: CellBox, region: CellBox | null): CellBox {
  return region ? { r1: used.r1, r2: used.r2, c1: region.c1, c2: region.c2 } : used;
}

export interface AuthoringGateway {
  /**
   * The selected range; when one cell is selected, the table around it (Excel's current region). Null when nothing
   * is selected.
   */
  readSelection(): Promise<SelectedRange | null>;
  /** Lays out the authoring sheet with these rows (header first) and activates it; returns its name. */
  writeAuthoringSheet(rows: readonly (readonly (string | number)[])[]): Promise<string>;
}

/**
 * The authoring implementation for a gateway: the gateway's own where it has one (the in-memory workbook of the demo
 * and the tests), else office.js. Asked of the gateway rather than tested by class, so that the production bundle,
 * which leaves the demo out, never imports the in-memory workbook.
 */
export function authoringFor(gateway: WorkbookGateway): AuthoringGateway {
  return gateway.authoring?.() ?? new OfficeAuthoring(gateway.capabilities.apiMinor);
}

/** Column widths of the authoring sheet, in characters. */
const WIDTHS = [10, 60, 14, 12, 10, 14, 50];

/** The authoring sheet as a plain grid: header bold and frozen, text wrapped. */
export function authoringGrid(rows: readonly (readonly (string | number)[])[]): GridSheet {
  const values = rows.length ? rows.map((r) => [...r]) : [[...AUTHORING_HEADERS]];
  const last = Math.max(values.length - 1, 1);
  return {
    name: AUTHORING_SHEET,
    values,
    columnWidths: WIDTHS,
    frozenRows: 1,
    formats: [
      { rect: { r1: 0, c1: 0, r2: 0, c2: 6 }, format: { bold: true, fill: "#DDEBF7", wrap: true } },
      { rect: { r1: 1, c1: 0, r2: last + 200, c2: 6 }, format: { wrap: true, locked: false } },
      { rect: { r1: 1, c1: 0, r2: last + 200, c2: 0 }, format: { locked: false }, numFmt: "@" },
    ],
  };
}

/** The authoring sheet's validation: the kind from a list, maxima and steps decimals of at least 0. */
export function authoringValidation(rows: number): { kind: string; points: string[]; list: string[] } {
  const end = Math.max(rows, 2) + 200;
  return {
    kind: `C2:C${end}`,
    points: [`D2:D${end}`, `E2:E${end}`],
    list: Object.values(AUTHORING_KINDS),
  };
}

type Run = <T>(batch: (context: Excel.RequestContext) => Promise<T>) => Promise<T>;

/** The office.js implementation; `run` is `Excel.run` (tests pass the office mock's). */
export class OfficeAuthoring implements AuthoringGateway {
  constructor(
    private readonly apiMinor: number,
    private readonly run: Run = (batch) => Excel.run(batch),
  ) {}

  /**
   * One sync: the selection, the sheet's used area and (ExcelApi 1.13) the region around the selection, with their
   * values and (ExcelApi 1.9) indent levels. One cell picked: `tableBlock` of the used area and the region.
   */
  async readSelection(): Promise<SelectedRange | null> {
    return this.run(async (context) => {
      const selected = context.workbook.getSelectedRange();
      selected.load(["address", "values", "cellCount"]);
      const sheet = selected.worksheet;
      sheet.load("name");
      const used = sheet.getUsedRange(true);
      used.load(["address", "values", "rowIndex", "columnIndex", "rowCount", "columnCount"]);
      const region = this.apiMinor >= 13 ? selected.getSurroundingRegion() : null;
      region?.load(["rowIndex", "columnIndex", "rowCount", "columnCount"]);
      const indentProps = { format: { indentLevel: true } };
      const selectedIndents = this.apiMinor >= 9 ? selected.getCellProperties(indentProps) : null;
      const usedIndents = this.apiMinor >= 9 ? used.getCellProperties(indentProps) : null;
      await context.sync();
      const rowIndents = (rows: Excel.CellProperties[][] | undefined) =>
        rows?.map((row) => Math.max(0, ...row.map((p) => p.format?.indentLevel ?? 0)));
      if (selected.cellCount !== 1) {
        const bare = selected.address.replace(/^.*!/, "").replace(/\$/g, "");
        const origin = bare.split(":")[0]!;
        if (!parseAddress(origin)) return null;
        const indents = rowIndents(selectedIndents?.value);
        return {
          sheetName: sheet.name,
          address: bare,
          origin,
          values: selected.values as CellValue[][],
          ...(indents ? { indents } : {}),
        };
      }
      const u: CellBox = {
        r1: used.rowIndex,
        c1: used.columnIndex,
        r2: used.rowIndex + used.rowCount - 1,
        c2: used.columnIndex + used.columnCount - 1,
      };
      const block = tableBlock(
        u,
        region
          ? {
              r1: region.rowIndex,
              c1: region.columnIndex,
              r2: region.rowIndex + region.rowCount - 1,
              c2: region.columnIndex + region.columnCount - 1,
            }
          : null,
      );
      const cut = <T>(rows: T[][]) => rows.map((row) => row.slice(block.c1 - u.c1, block.c2 - u.c1 + 1));
      const indents = rowIndents(usedIndents ? cut(usedIndents.value) : undefined);
      const origin = address(block.r1, block.c1);
      return {
        sheetName: sheet.name,
        address: `${origin}:${address(block.r2, block.c2)}`,
        origin,
        values: cut(used.values as CellValue[][]),
        ...(indents ? { indents } : {}),
        ...(region ? {} : { wholeSheet: true as const }),
      };
    });
  }

  /** Two syncs: whether the sheet exists; then the sheet (made or cleared), values, formats, validation. */
  async writeAuthoringSheet(rows: readonly (readonly (string | number)[])[]): Promise<string> {
    const grid = authoringGrid(rows);
    return this.run(async (context) => {
      const sheets = context.workbook.worksheets;
      const existing = sheets.getItemOrNullObject(AUTHORING_SHEET);
      existing.load("isNullObject");
      await context.sync();
      const sheet = existing.isNullObject ? sheets.add(AUTHORING_SHEET) : existing;
      if (!existing.isNullObject) sheet.getRange().clear("All");
      const width = grid.values[0]!.length;
      const height = grid.values.length;
      // The codes' column is Text BEFORE the values go in: Excel reads a string written to a General cell with
      // US-English rules ("1.10" becomes the number 1.1, "1/2" a date). An apostrophe keeps "=…" from becoming a
      // formula.
      sheet.getRangeByIndexes(0, 0, height, 1).numberFormat = grid.values.map(() => ["@"]);
      sheet.getRangeByIndexes(0, 0, height, width).values = grid.values.map((r) =>
        r.map((v) => (typeof v === "string" && /^[=+\-@]/.test(v) ? `'${v}` : (v ?? ""))),
      );
      const header = sheet.getRangeByIndexes(0, 0, 1, width);
      header.format.font.bold = true;
      header.format.fill.color = "#DDEBF7";
      sheet.getRangeByIndexes(0, 0, height, width).format.wrapText = true;
      grid.columnWidths.forEach((w, c) => {
        sheet.getRangeByIndexes(0, c, 1, 1).format.columnWidth = w * 7;
      });
      sheet.freezePanes.freezeRows(1);
      if (this.apiMinor >= 8) {
        const v = authoringValidation(grid.values.length);
        const kind = sheet.getRange(v.kind).dataValidation;
        kind.clear();
        kind.rule = { list: { inCellDropDown: true, source: v.list.join(",") } };
        for (const r of v.points) {
          const dv = sheet.getRange(r).dataValidation;
          dv.clear();
          dv.rule = {
            decimal: { formula1: 0, operator: "GreaterThanOrEqualTo" },
          };
        }
      }
      sheet.activate();
      sheet.getRange("A2").select();
      await context.sync();
      return AUTHORING_SHEET;
    });
  }
}
