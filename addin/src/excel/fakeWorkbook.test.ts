/**
 * The in-memory workbook: a laid-out sheet round-trips through it, its formulas give the core's totals, and it keeps
 * Excel's rules on protection, validation and text that looks like a formula.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { demoEntries, demoTemplate } from "../../../shared/src/demo.ts";
import { layoutSheet, readSheet } from "../../../shared/src/layout.ts";
import { validateEntries } from "../../../shared/src/validate.ts";
import { excelGeneralValue } from "./coerce.ts";
import { FakeWorkbook } from "./fakeWorkbook.ts";
import { evaluate } from "./formula.ts";

const ctx = {
  blocName: "Khối thi đua VIII",
  unitName: "Viện Kiểm sát nhân dân Thành phố",
  unitId: "vks-tphcm",
  periodId: "khoi-viii-2017",
  year: 2017,
  bonusCap: 5,
};

const valid = (unitId: string) => validateEntries(demoTemplate, demoEntries(unitId)).entries;

describe("FakeWorkbook", () => {
  it("round-trips a filled sheet: layout -> workbook -> readSheet gives the same entries", async () => {
    for (const unitId of ["ca-tphcm", "vks-tphcm", "cthads-tphcm"]) {
      const entries = valid(unitId);
      const layout = layoutSheet(demoTemplate, { ...ctx, unitId }, entries);
      const wb = new FakeWorkbook();
      await wb.writeLayout(layout);
      const [meta] = await wb.readMeta();
      expect(meta).toEqual({ ...layout.meta, sheetId: wb.findSheet(layout.sheetName)!.id });
      const grid = await wb.readValues(meta!.sheetName, layout.rowCount, layout.colCount);
      const back = validateEntries(demoTemplate, readSheet(meta!, grid));
      expect(back.errors).toEqual([]);
      expect(back.entries).toEqual(entries);
    }
  });

  it("evaluates every formula of the layout to the core's cached value (self and review sheets)", async () => {
    const self = valid("pccc-tphcm");
    const reviewed = self
      .slice(0, 5)
      .map((e) => ({ ...e, score: e.score === null ? null : Math.max(0, e.score - 25) }));
    for (const mode of ["self", "review"] as const) {
      const layout = layoutSheet(demoTemplate, { ...ctx, mode }, self, mode === "review" ? reviewed : []);
      const wb = new FakeWorkbook();
      await wb.writeLayout(layout);
      for (const c of layout.cells.filter((x) => x.formula))
        expect([c.formula, wb.valueAt(layout.sheetName, c.row, c.col)]).toEqual([c.formula, c.cached]);
    }
  });

  it("recomputes totals when a clerk types, as Excel would", async () => {
    const layout = layoutSheet(demoTemplate, ctx, valid("vks-tphcm"));
    const wb = new FakeWorkbook();
    await wb.writeLayout(layout);
    const first = layout.inputs[0]!;
    const totalCell = layout.totals.total;
    const before = wb.valueAt(layout.sheetName, layout.rowCount - 1, 3) as number;
    const old = wb.valueAt(layout.sheetName, first.row, 3) as number;
    expect(wb.edit(layout.sheetName, first.scoreCell, "1,5")).toEqual({ ok: true });
    expect(wb.valueAt(layout.sheetName, layout.rowCount - 1, 3)).toBeCloseTo(before - old + 1.5, 9);
    expect(totalCell).toBe(`D${layout.rowCount}`);
  });

  it("keeps protection and validation: locked cells refuse edits, inputs refuse values above the maximum", async () => {
    const layout = layoutSheet(demoTemplate, ctx);
    const wb = new FakeWorkbook();
    await wb.writeLayout(layout);
    expect(wb.edit(layout.sheetName, "B8", "x")).toMatchObject({ ok: false, reason: "protected" });
    const i = layout.inputs[0]!;
    expect(wb.edit(layout.sheetName, i.scoreCell, "99")).toMatchObject({ ok: false, reason: "validation" });
    expect(wb.edit(layout.sheetName, i.evidenceCell, "Báo cáo 12/BC")).toEqual({ ok: true });
    expect(wb.sheets.get("_thidua")!.visibility).toBe("VeryHidden");
    expect(wb.visibleSheets().map((s) => s.name)).not.toContain("_thidua");
  });

  it("keeps text that looks like a formula as text, from the server and from a person", async () => {
    const evil = '=HYPERLINK("http://evil","x")';
    const layout = layoutSheet(demoTemplate, ctx, [
      { criterion: "I.1.a", score: 400, evidence: evil, note: "+1 cho sáng kiến" },
    ]);
    const wb = new FakeWorkbook();
    await wb.writeLayout(layout);
    const i = layout.inputs.find((x) => x.criterion === "I.1.a")!;
    expect(wb.cellAt(layout.sheetName, i.evidenceCell)).toMatchObject({ value: evil });
    expect(wb.cellAt(layout.sheetName, i.evidenceCell)?.formula).toBeUndefined();
    expect(wb.cellAt(layout.sheetName, i.noteCell)?.formula).toBeUndefined();
    wb.edit(layout.sheetName, layout.inputs[1]!.noteCell, "=1+1");
    expect(wb.cellAt(layout.sheetName, layout.inputs[1]!.noteCell)).toMatchObject({ value: "=1+1" });
    await wb.writeSheets([{ name: "Bảng", values: [["@cmd", "=2*3", "-x"]], columnWidths: [], formats: [] }]);
    expect(await wb.readValues("Bảng", 1, 3)).toEqual([["@cmd", "=2*3", "-x"]]);
  });

  it("keeps the metadata of several sheets (self and review) side by side", async () => {
    const wb = new FakeWorkbook();
    await wb.writeLayout(layoutSheet(demoTemplate, ctx));
    await wb.writeLayout(layoutSheet(demoTemplate, { ...ctx, mode: "review" }));
    await wb.writeLayout(layoutSheet(demoTemplate, ctx));
    expect((await wb.readMeta()).map((m) => m.mode).sort()).toEqual(["review", "self"]);
  });
});

describe("Excel's parsing of strings written into General cells (US-English, whatever the locale)", () => {
  it.each([
    ["12/05/2024", 45631],
    ["50%", 0.5],
    ["1.000", 1],
    ["TRUE", true],
    ["false", false],
    ["001", 1],
    ["1.10", 1.1],
    ["1,000", 1000],
    ["2024-12-05", 45631],
    ["13/05/2024", "13/05/2024"],
    ["Báo cáo 12/BC", "Báo cáo 12/BC"],
    ["1,5", "1,5"],
  ])("%s becomes %s", async (typed, stored) => {
    expect(excelGeneralValue(typed)).toBe(stored);
    const wb = new FakeWorkbook();
    await wb.writeSheets([{ name: "General", values: [[typed]], columnWidths: [], formats: [] }]);
    // The in-memory workbook writes text into Text cells, as the gateway does: the value stays what was written.
    expect(await wb.readValues("General", 1, 1)).toEqual([[typed]]);
    const s = wb.sheet("General");
    wb.setNumFmt(s, 1, 0, "General");
    wb.put(s, 1, 0, typed, false);
    expect(wb.valueAt("General", 1, 0)).toBe(stored);
  });
});

describe("formula evaluator", () => {
  it("adds hundredths without binary noise under ROUND", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 30 }), (hs) => {
        const cells = hs.map((h) => h / 100);
        const v = evaluate(`=ROUND(SUM(A1:A${cells.length}),2)`, (r) => cells[r] ?? null);
        return v === hs.reduce((s, h) => s + h, 0) / 100;
      }),
    );
  });
  it("knows MIN, IF and SUMPRODUCT as our layouts use them; unknown functions give #NAME?", () => {
    const grid: Record<string, number | null> = { "0,0": 3, "1,0": null, "0,1": 2, "1,1": 4 };
    const look = (r: number, c: number) => grid[`${r},${c}`] ?? null;
    expect(evaluate("=MIN(ROUND(SUM(A1:A2),2),5)", look)).toBe(3);
    expect(evaluate('=IF(A2="",B2,A2)', look)).toBe(4);
    expect(evaluate('=SUMPRODUCT((A1:A2="")*B1:B2+(A1:A2<>"")*A1:A2)', look)).toBe(7);
    expect(evaluate("=WEBSERVICE(A1)", look)).toBe("#NAME?");
  });
});
