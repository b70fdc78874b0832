/**
 * Renders our workbook model with exceljs, for the side-by-side benchmark only (exceljs never enters the worker
 * bundle): the same sheets, cells, formulas with cached values, styles, merges, widths, heights, frozen panes,
 * validation, protection and print setup, so that both libraries do the same work.
 */
import type { StyleSpec, Workbook } from "../worker/src/workbook/writer.ts";

// biome-ignore lint/suspicious/noExplicitAny: exceljs's browser build is untyped here.
type ExcelJsModule = any;

function styleOf(spec: StyleSpec): Record<string, unknown> {
  const style: Record<string, unknown> = {};
  if (spec.font)
    style.font = {
      name: spec.font.name ?? "Times New Roman",
      size: spec.font.size ?? 12,
      bold: spec.font.bold,
      italic: spec.font.italic,
      underline: spec.font.underline,
      color: spec.font.color ? { argb: spec.font.color } : undefined,
    };
  if (spec.fill) style.fill = { type: "pattern", pattern: "solid", fgColor: { argb: spec.fill } };
  if (spec.border) {
    const thin = { style: "thin" };
    style.border =
      spec.border === "thin"
        ? { top: thin, left: thin, bottom: thin, right: thin }
        : spec.border === "bottom"
          ? { bottom: thin }
          : { top: thin };
  }
  if (spec.numFmt) style.numFmt = spec.numFmt;
  if (spec.align)
    style.alignment = {
      horizontal: spec.align.h,
      vertical: spec.align.v,
      wrapText: spec.align.wrap,
      indent: spec.align.indent,
    };
  if (spec.locked === false) style.protection = { locked: false };
  return style;
}

export async function toExcelJs(ExcelJS: ExcelJsModule, model: Workbook): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = model.props.creator ?? "thidua";
  const styles = new Map<number, Record<string, unknown>>();
  for (const sh of model.sheets) {
    const ws = wb.addWorksheet(sh.name, {
      state: sh.state,
      views: sh.freeze ? [{ state: "frozen", xSplit: sh.freeze.cols, ySplit: sh.freeze.rows }] : [],
    });
    ws.columns = sh.cols.map((c) => ({ width: c.width, hidden: c.hidden }));
    sh.forEachCell((r, c, v, f, s) => {
      const cell = ws.getCell(r + 1, c + 1);
      cell.value = f !== undefined ? { formula: f, result: v } : v;
      if (s) {
        let st = styles.get(s);
        if (!st) {
          st = styleOf(model.styles.spec(s));
          styles.set(s, st);
        }
        cell.style = st;
      }
    });
    for (const [r, h] of sh.rowHeights) ws.getRow(r + 1).height = h;
    for (const m of sh.merges) ws.mergeCells(m);
    for (const d of sh.validations)
      for (const ref of d.sqref.split(" "))
        ws.getCell(ref).dataValidation = {
          type: "decimal",
          operator: "between",
          allowBlank: true,
          showErrorMessage: true,
          formulae: [d.min, d.max],
          errorTitle: d.errorTitle,
          error: d.error,
        };
    if (sh.protect) await ws.protect("", { formatColumns: true, formatRows: true });
    const p = sh.print;
    if (p) {
      ws.pageSetup = {
        paperSize: 9,
        orientation: p.orientation ?? "portrait",
        fitToPage: !!p.fitToWidth,
        fitToWidth: 1,
        fitToHeight: 0,
        printTitlesRow: p.repeatRows ? `${p.repeatRows[0]}:${p.repeatRows[1]}` : undefined,
      };
      if (p.header || p.footer) ws.headerFooter = { oddHeader: p.header, oddFooter: p.footer };
    }
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
