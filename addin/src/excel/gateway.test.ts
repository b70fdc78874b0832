/**
 * The real Excel gateway against office-addin-mock: what it asks Excel to do, and how many round trips it takes.
 */
import { describe, expect, it } from "vitest";
import { demoTemplate } from "../../../shared/src/demo.ts";
import { layoutSheet, META_SHEET_NAME } from "../../../shared/src/layout.ts";
import { ExcelGateway, metaGrid } from "./gateway.ts";
import { mockWorkbook } from "./officeMock.ts";
import { syntheticTemplate } from "./synthetic.ts";

const full = { host: "excel" as const, apiMinor: 17, dataValidation: true, printSetup: true };
const office2019 = { host: "excel" as const, apiMinor: 7, dataValidation: false, printSetup: false };
const ctx = {
  blocName: "Khối thi đua VIII",
  unitName: '=HYPERLINK("http://evil","Công an TP")',
  unitId: "ca-tphcm",
  periodId: "khoi-viii-2017",
  year: 2017,
  bonusCap: 5,
};

describe("ExcelGateway (office-addin-mock)", () => {
  it.each([50, 300, 1000, 2000])("lays out a %i-criterion template in at most 3 syncs", async (n) => {
    const wb = mockWorkbook();
    const gw = new ExcelGateway(full, wb.run);
    await gw.writeLayout(layoutSheet(syntheticTemplate(n), ctx));
    expect(wb.syncs()).toBeLessThanOrEqual(3);
  });

  it("splits a write larger than the request budget into chunks, never a sync per row", async () => {
    const wb = mockWorkbook();
    const layout = layoutSheet(syntheticTemplate(1000), ctx);
    await new ExcelGateway(full, wb.run, 100_000).writeLayout(layout);
    const valueWrites = wb.ranges.filter((r) => r.formulas && r.sheet === layout.sheetName);
    expect(valueWrites.length).toBeGreaterThan(1);
    expect(wb.syncs()).toBeGreaterThan(3);
    expect(wb.syncs()).toBeLessThan(layout.rowCount / 50);
    const rows = valueWrites.reduce((s, r) => s + (r.formulas?.length ?? 0), 0);
    expect(rows).toBe(layout.rowCount);
  });

  it("re-lays an existing sheet: unprotects and clears it instead of adding one", async () => {
    const wb = mockWorkbook({ "Tự chấm điểm": [], [META_SHEET_NAME]: metaGrid([]) });
    await new ExcelGateway(full, wb.run).writeLayout(layoutSheet(demoTemplate, ctx));
    expect(wb.calls).toContain("Tự chấm điểm.unprotect");
    expect(wb.calls).toContain("Tự chấm điểm!ALL.clear(All)");
    expect(wb.calls.filter((c) => c.startsWith("add("))).toEqual([]);
    expect(wb.calls.lastIndexOf("Tự chấm điểm.protect")).toBeGreaterThan(wb.calls.indexOf("Tự chấm điểm.unprotect"));
    expect(wb.syncs()).toBe(2);
  });

  it("writes formulas, validation, frozen rows, print setup, protection and the very hidden metadata", async () => {
    const wb = mockWorkbook();
    const layout = layoutSheet(demoTemplate, ctx);
    await new ExcelGateway(full, wb.run).writeLayout(layout);
    const grid = wb.ranges.find((r) => r.formulas && r.sheet === layout.sheetName)!.formulas!;
    const total = layout.cells.find((c) => c.style === "grandTotal" && c.formula)!;
    expect(grid[total.row]![total.col]).toBe(total.formula);
    const validated = wb.ranges.filter((r) => r.dataValidation.rule);
    expect(validated.map((r) => r.address)).toEqual(layout.validations.map((v) => v.range));
    expect(validated[0]!.dataValidation.rule).toMatchObject({ decimal: { formula1: 0, operator: "Between" } });
    expect(wb.calls).toContain(`${layout.sheetName}.freezeRows(${layout.frozenRows})`);
    expect(wb.calls).toContain(`${layout.sheetName}.printTitleRows($6:$6)`);
    const unlocked = wb.ranges.filter((r) => r.format.protection.locked === false).map((r) => r.address);
    expect(unlocked.length).toBeGreaterThan(0);
    expect(unlocked.every((a) => /^[DEF]\d+(:[DEF]\d+)?$/.test(a))).toBe(true);
    const meta = wb.ranges.find((r) => r.sheet === META_SHEET_NAME && r.address !== "USED" && r.values)!;
    expect(meta.values![0]).toEqual(["format", "thidua-sheet"]);
  });

  it("on Office 2019 (ExcelApi 1.7) leaves out validation and print setup, and still lays out the sheet", async () => {
    const wb = mockWorkbook();
    const layout = layoutSheet(demoTemplate, ctx);
    await new ExcelGateway(office2019, wb.run).writeLayout(layout);
    expect(wb.ranges.some((r) => r.dataValidation.rule)).toBe(false);
    expect(wb.calls.some((c) => c.includes("printTitleRows"))).toBe(false);
    expect(wb.syncs()).toBeLessThanOrEqual(3);
  });

  it("writes text from the server with Excel's quote prefix, never as a formula", async () => {
    const wb = mockWorkbook();
    const evil = '=HYPERLINK("http://evil","bấm vào đây")';
    const entries = [{ criterion: "I.1.a", score: 400, evidence: evil, note: "-1 điểm do trễ hạn" }];
    const layout = layoutSheet(demoTemplate, ctx, entries);
    await new ExcelGateway(full, wb.run).writeLayout(layout);
    const grid = wb.ranges.find((r) => r.formulas && r.sheet === layout.sheetName)!.formulas!;
    const input = layout.inputs.find((i) => i.criterion === "I.1.a")!;
    expect(grid[input.row]![4]).toBe(`'${evil}`);
    expect(grid[input.row]![5]).toBe("'-1 điểm do trễ hạn");
    const texts = grid.flat().filter((v): v is string => typeof v === "string" && v !== "");
    const formulas = new Set(layout.cells.filter((c) => c.formula).map((c) => c.formula));
    for (const t of texts) if (/^[=+\-@]/.test(t)) expect(formulas.has(t)).toBe(true);
    // Free-text input cells are formatted as Text, so what a clerk types there stays text as well.
    const textFormatted = wb.ranges.filter((r) => r.numberFormat?.[0]?.[0] === "@").map((r) => r.address);
    expect(textFormatted.some((a) => a.startsWith("E"))).toBe(true);
    await new ExcelGateway(full, wb.run).writeSheets([
      { name: "Bảng tổng hợp", values: [["=1+1", "@SUM(A1)", "-2+3", "'quoted", 95.5]], columnWidths: [], formats: [] },
    ]);
    const row = wb.ranges.find((r) => r.sheet === "Bảng tổng hợp" && r.values)!.values![0];
    expect(row).toEqual(["'=1+1", "'@SUM(A1)", "'-2+3", "''quoted", 95.5]);
  });

  it("reads the metadata and a sheet's values in one sync each; push = read + mark = 2 syncs", async () => {
    const layout = layoutSheet(demoTemplate, ctx);
    const wb = mockWorkbook({ [META_SHEET_NAME]: metaGrid([layout.meta]) });
    const gw = new ExcelGateway(full, wb.run);
    const metas = await gw.readMeta();
    expect(metas).toEqual([layout.meta]);
    expect(wb.syncs()).toBe(1);
    await gw.readValues(layout.sheetName, layout.rowCount, layout.colCount);
    await gw.markErrors(layout.sheetName, ["D9"], [{ cell: "D10", style: "input" }]);
    expect(wb.syncs()).toBe(3);
    const marked = wb.ranges.find((r) => r.address === "D9")!;
    expect(marked.format.fill.color).toBe("#FDE7E9");
    expect(wb.ranges.find((r) => r.address === "D10")!.format.fill.color).toBe("#FFF4CE");
    // After a push: the marks and the new base revision in _thidua go in the same single sync.
    await gw.markErrors(layout.sheetName, [], [{ cell: "D9", style: "input" }], [{ ...layout.meta, baseRevision: 4 }]);
    expect(wb.syncs()).toBe(4);
    const meta = wb.ranges.filter((r) => r.sheet === META_SHEET_NAME && r.values).at(-1)!;
    expect(meta.values).toContainEqual(["baseRevision", 4]);
  });

  it("writes the bloc table and the matrix with chart and conditional formats in 2 syncs", async () => {
    const wb = mockWorkbook();
    await new ExcelGateway(full, wb.run).writeSheets([
      {
        name: "Bảng tổng hợp",
        values: [
          ["STT", "Đơn vị", "Tổng"],
          [1, "A", 95],
        ],
        columnWidths: [5, 30, 10],
        formats: [],
        colorScale: "C2:C2",
        highlight: [{ range: "B2:B2", text: "Hoàn thành xuất sắc", fill: "#DFF6DD" }],
        chart: { title: "Tổng điểm", categories: "B2:B2", values: "C2:C2", anchor: "E2" },
      },
      { name: "Ma trận", values: [["Mã", "A"]], columnWidths: [8, 10], formats: [] },
    ]);
    expect(wb.syncs()).toBe(2);
    expect(wb.calls).toContain("Bảng tổng hợp.charts.add(ColumnClustered)");
    expect(wb.calls).toContain("Bảng tổng hợp!C2:C2.conditionalFormats.add(ColorScale)");
  });
});
