/**
 * The template workbook (bảng tự chấm điểm as an .xlsx) for a clerk without the add-in: the domain core's
 * `layoutSheet` rendered cell for cell, with the same formulas and cached values, the same Excel validation (decimal
 * between 0 and the maximum on every input), the same protection (only input cells editable, no password) and the
 * hidden `_thidua` metadata sheet that identifies template, version, period and unit when the file comes back.
 */
import { parseAddress } from "../../../shared/src/a1.ts";
import {
  type CellStyle,
  layoutSheet,
  META_SHEET_NAME,
  metaToRows,
  type SheetContext,
  type SheetLayout,
} from "../../../shared/src/layout.ts";
import type { Entry, Template } from "../../../shared/src/schemas.ts";
import { type StyleId, type StyleSpec, Workbook } from "./writer.ts";

const BORDERED: StyleSpec = { border: "thin", align: { v: "center", wrap: true } };

/**
 * How each cell style of the layout looks: the same colours, fonts and locking as the add-in's table
 * (`addin/src/excel/styles.ts`), so a sheet looks the same whichever way it reached the clerk. Free-text input cells
 * are formatted as Text ("@"), as in the add-in, so that "=..." typed later stays text.
 */
const STYLE_SPECS: Record<CellStyle, StyleSpec> = {
  title: { font: { bold: true, size: 14 }, align: { h: "center", v: "center", wrap: true } },
  subtitle: { font: { bold: true, size: 11 }, align: { h: "center", v: "center" } },
  meta: { font: { italic: true, size: 10, color: "FF605E5C" }, align: { h: "center", v: "center" } },
  header: {
    font: { bold: true, size: 11 },
    fill: "FFDEECF9",
    border: "thin",
    align: { h: "center", v: "center", wrap: true },
  },
  part: { ...BORDERED, font: { bold: true, size: 11 }, fill: "FFF3F2F1" },
  group: { ...BORDERED, font: { bold: true, italic: true, size: 11 } },
  criterion: { ...BORDERED, font: { size: 11 } },
  input: { border: "thin", font: { size: 11 }, fill: "FFFFF4CE", align: { h: "right", v: "center" }, locked: false },
  inputText: { ...BORDERED, font: { size: 11 }, fill: "FFFFF4CE", numFmt: "@", locked: false },
  readonlyValue: { ...BORDERED, font: { size: 11 }, fill: "FFF3F2F1" },
  total: { ...BORDERED, font: { bold: true, size: 11 } },
  grandTotal: { ...BORDERED, font: { bold: true, size: 12 }, fill: "FFDEECF9" },
  note: { font: { italic: true, size: 10, color: "FF605E5C" }, align: { wrap: true } },
};

export interface TemplateWorkbookOptions {
  /** Reviewed scores, for a review sheet (`ctx.mode === "review"`). */
  reviewed?: readonly Entry[];
}

function styleIds(wb: Workbook) {
  const cache = new Map<string, StyleId>();
  return (style: CellStyle, numFmt?: string): StyleId => {
    const key = `${style}|${numFmt ?? ""}`;
    let id = cache.get(key);
    if (id === undefined) {
      const spec = STYLE_SPECS[style];
      id = wb.styles.add(numFmt ? { ...spec, numFmt } : spec);
      cache.set(key, id);
    }
    return id;
  };
}

function renderLayout(wb: Workbook, layout: SheetLayout): void {
  const sh = wb.addSheet(layout.sheetName);
  const style = styleIds(wb);
  sh.cols = layout.columns.map((c) => ({ width: c.width }));
  for (const c of layout.cells) {
    const s = style(c.style, c.numFmt);
    if (c.formula) sh.formula(c.row, c.col, c.formula, c.cached ?? null, s);
    else sh.set(c.row, c.col, c.value ?? null, s);
  }
  // Input cells without a value still need their unlocked, filled style.
  for (const i of layout.inputs) {
    for (const [ref, st] of [
      [i.scoreCell, layout.meta.mode === "review" ? "readonlyValue" : "input"],
      [i.evidenceCell, layout.meta.mode === "review" ? "readonlyValue" : "inputText"],
      [i.noteCell, layout.meta.mode === "review" ? "readonlyValue" : "inputText"],
      [i.reviewCell, "input"],
      [i.reviewNoteCell, "inputText"],
    ] as const) {
      if (!ref) continue;
      const at = parseAddress(ref)!;
      const numFmt = st === "input" || (st === "readonlyValue" && ref === i.scoreCell) ? "0.00" : undefined;
      sh.style(at.row, at.col, style(st, numFmt));
    }
  }
  for (const m of layout.merges) {
    const [a, b] = m.split(":");
    const s = parseAddress(a!)!;
    const e = parseAddress(b!)!;
    sh.merge(s.row, s.col, e.row, e.col);
  }
  sh.height(0, 30);
  sh.height(layout.headerRow, 32);
  for (let r = layout.headerRow + 1; r < layout.rowCount; r++) sh.fitHeight(r);
  // One validation per distinct maximum keeps the part small; Excel checks each cell against its own maximum.
  const byMax = new Map<number, string[]>();
  for (const v of layout.validations) byMax.set(v.max, [...(byMax.get(v.max) ?? []), v.range]);
  for (const [max, ranges] of byMax) {
    const maxVi = String(max).replace(".", ",");
    sh.validations.push({
      sqref: ranges.join(" "),
      min: 0,
      max,
      errorTitle: "Điểm không hợp lệ",
      error: `Nhập số điểm từ 0 đến ${maxVi} (tối đa hai chữ số thập phân).`,
      promptTitle: "Điểm",
      prompt: `Từ 0 đến ${maxVi} điểm`,
    });
  }
  sh.freeze = { rows: layout.frozenRows, cols: 0 };
  sh.protect = true;
  const [r1, r2] = layout.print.repeatRows.split(":").map(Number);
  sh.print = {
    orientation: layout.print.orientation,
    fitToWidth: layout.print.fitToWidth,
    repeatRows: [r1!, r2!],
    footer: "&CTrang &P/&N",
  };
}

/**
 * Builds the template workbook of a period for one unit; pass `entries` to prefill it (a returned sheet, say).
 * @example templateWorkbook(demoTemplate, { blocName, unitName, unitId, periodId, year: 2017, bonusCap: 5 })
 */
export function templateWorkbook(
  template: Template,
  ctx: SheetContext,
  entries: readonly Entry[] = [],
  options: TemplateWorkbookOptions = {},
): Uint8Array {
  const layout = layoutSheet(template, ctx, entries, options.reviewed ?? []);
  const wb = new Workbook();
  wb.props = {
    title: ctx.unitName ? `${template.name} – ${ctx.unitName}` : template.name,
    subject: ctx.blocName,
    creator: "thidua",
  };
  renderLayout(wb, layout);
  const meta = wb.addSheet(META_SHEET_NAME);
  meta.state = "veryHidden";
  meta.protect = true;
  metaToRows(layout.meta).forEach((r, i) => {
    r.forEach((v, c) => {
      meta.set(i, c, v);
    });
  });
  return wb.toBytes();
}
