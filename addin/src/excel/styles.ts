/**
 * How each cell style of the domain layout looks (định dạng ô). One table for Excel, the in-memory workbook and the
 * demo grid, so the three never drift apart. Colours are Fluent-neutral and print well in black and white.
 */
import type { CellStyle } from "../../../shared/src/layout.ts";

export interface CellFormat {
  fill?: string;
  fontColor?: string;
  bold?: boolean;
  italic?: boolean;
  size?: number;
  wrap?: boolean;
  hAlign?: "Left" | "Center" | "Right";
  /** Unlocked cells stay editable when the sheet is protected. */
  locked: boolean;
}

/** Fill of a cell that the check found wrong; removed when the cell is fixed. */
export const ERROR_FILL = "#FDE7E9";
export const ERROR_FONT = "#A4262C";

export const STYLE_FORMATS: Record<CellStyle, CellFormat> = {
  title: { bold: true, size: 14, hAlign: "Center", locked: true },
  subtitle: { bold: true, size: 11, hAlign: "Center", locked: true },
  meta: { italic: true, fontColor: "#605E5C", hAlign: "Center", locked: true },
  header: { bold: true, fill: "#DEECF9", wrap: true, hAlign: "Center", locked: true },
  part: { bold: true, fill: "#F3F2F1", wrap: true, locked: true },
  group: { bold: true, italic: true, wrap: true, locked: true },
  criterion: { wrap: true, locked: true },
  input: { fill: "#FFF4CE", hAlign: "Right", locked: false },
  inputText: { fill: "#FFF4CE", wrap: true, locked: false },
  readonlyValue: { fill: "#F3F2F1", locked: true },
  total: { bold: true, locked: true },
  grandTotal: { bold: true, fill: "#DEECF9", size: 12, locked: true },
  note: { italic: true, fontColor: "#605E5C", locked: true },
};

/** Styles whose cells hold free text typed by people: formatted as Text ("@") so "=..." stays text. */
export const TEXT_STYLES: ReadonlySet<CellStyle> = new Set(["inputText"]);

/**
 * A string that Excel would read as a formula or strip (leading = + - @ or an apostrophe) gets Excel's quote prefix,
 * which makes the cell a text constant: the apostrophe is not part of the value and is not shown.
 * @example asExcelText("=HYPERLINK(\"x\")") // "'=HYPERLINK(\"x\")"
 */
export function asExcelText(s: string): string {
  return /^[=+\-@']/.test(s) ? `'${s}` : s;
}

/** Points a column of `chars` characters wide measures in Excel (points), at the default Calibri 11. */
export function charsToPoints(chars: number): number {
  return Math.round((chars * 7 + 5) * 0.75 * 100) / 100;
}

/**
 * Rectangles covering a set of cells: vertical runs per column, then joined across neighbouring columns with the
 * same run. Few ranges means few operations in a batch.
 * @example rectangles([{row:0,col:0},{row:1,col:0}]) // [{r1:0,c1:0,r2:1,c2:0}]
 */
export function rectangles(cells: readonly { row: number; col: number }[]): Rect[] {
  const byCol = new Map<number, number[]>();
  for (const c of cells) {
    const list = byCol.get(c.col) ?? [];
    list.push(c.row);
    byCol.set(c.col, list);
  }
  const runs = new Map<string, number[]>();
  for (const [col, rows] of byCol) {
    rows.sort((a, b) => a - b);
    let start = rows[0]!;
    let prev = start;
    const flush = () => {
      const key = `${start}:${prev}`;
      const cols = runs.get(key) ?? [];
      cols.push(col);
      runs.set(key, cols);
    };
    for (const r of rows.slice(1)) {
      if (r === prev) continue;
      if (r === prev + 1) {
        prev = r;
        continue;
      }
      flush();
      start = prev = r;
    }
    flush();
  }
  const out: Rect[] = [];
  for (const [key, cols] of runs) {
    const [r1, r2] = key.split(":").map(Number) as [number, number];
    cols.sort((a, b) => a - b);
    let c1 = cols[0]!;
    let prev = c1;
    for (const c of cols.slice(1)) {
      if (c === prev + 1) {
        prev = c;
        continue;
      }
      out.push({ r1, c1, r2, c2: prev });
      c1 = prev = c;
    }
    out.push({ r1, c1, r2, c2: prev });
  }
  return out.sort((a, b) => a.r1 - b.r1 || a.c1 - b.c1);
}

export interface Rect {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}
