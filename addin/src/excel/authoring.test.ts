import { describe, expect, it } from "vitest";
import { address } from "../../../shared/src/a1.ts";
import { blocTable2026 } from "../../../shared/src/criteriaTable.fixtures.ts";
import { authoringRows } from "../../../shared/src/criteriaTable.ts";
import { demoTemplate, importCriteriaTable } from "../../../shared/src/index.ts";
import { unitsFromRange } from "../ui/screens/setupUnits.ts";
import { AUTHORING_SHEET, authoringFor, OfficeAuthoring, surroundingRegion } from "./authoring.ts";
import { excelDouble } from "./excelDouble.ts";
import { FakeWorkbook } from "./fakeWorkbook.ts";

describe("authoring in the workbook", () => {
  it("reads the table around the picked cell, with its top-left address, in one step", async () => {
    const wb = new FakeWorkbook();
    const values = [[null, null, null], ...blocTable2026.map((r) => [null, ...r])];
    await wb.writeSheets([{ name: "Bảng", values: values as never, columnWidths: [], formats: [] }]);
    expect(await authoringFor(wb).readSelection()).toBeNull();
    wb.picked = { sheet: "Bảng", cell: "C9" };
    const before = wb.stats.steps;
    const range = (await authoringFor(wb).readSelection())!;
    expect(wb.stats.steps - before).toBe(1);
    expect(range).toMatchObject({ sheetName: "Bảng", origin: "B2", address: "B2:E35" });
    const r = importCriteriaTable(range.values, { origin: range.origin, id: "t", name: "T", version: 1 });
    expect(r.problems).toEqual([]);
    expect(r.cellOf["I.1.a"]).toBe("B9");
  });

  it("lays out the authoring sheet (header frozen, maxima and steps validated as decimals), and reads it back as the same template", async () => {
    const wb = new FakeWorkbook();
    const a = authoringFor(wb);
    expect(await a.writeAuthoringSheet(authoringRows(demoTemplate))).toBe(AUTHORING_SHEET);
    const sheet = wb.sheet(AUTHORING_SHEET);
    expect(sheet.frozenRows).toBe(1);
    expect(sheet.validations.map((v) => v.range)).toEqual([
      expect.stringMatching(/^D2:D/),
      expect.stringMatching(/^E2:E/),
    ]);
    expect(wb.cellAt(AUTHORING_SHEET, "A1")?.format.bold).toBe(true);
    wb.picked = { sheet: AUTHORING_SHEET, cell: "B5" };
    const range = (await a.readSelection())!;
    const r = importCriteriaTable(range.values, {
      origin: range.origin,
      id: demoTemplate.id,
      name: demoTemplate.name,
      version: demoTemplate.version,
    });
    expect(r.template).toEqual(demoTemplate);
  });

  it("reads units from a range of code, name and short name, skipping the header, each problem on its cell", () => {
    const { units, problems } = unitsFromRange(
      [
        ["Mã đơn vị", "Tên đơn vị", "Tên viết tắt"],
        ["ca-tphcm", "Công an Thành phố Hồ Chí Minh", "Công an TP"],
        ["vks-tphcm", "", ""],
        ["tand-tphcm", "Tòa án nhân dân Thành phố", ""],
      ],
      { row: 4, col: 1 },
      address,
    );
    expect(units.map((u) => [u.id, u.shortName, u.cell])).toEqual([
      ["ca-tphcm", "Công an TP", "B6"],
      ["tand-tphcm", "Tòa án nhân dân Thành phố", "B8"],
    ]);
    expect(problems.map((p) => p.cell)).toEqual(["C7"]);
  });

  it("in Excel, lays out the authoring sheet in two syncs, codes as text, the kind list and decimal maxima validated", async () => {
    const xl = excelDouble();
    const rows = authoringRows(demoTemplate);
    await new OfficeAuthoring(17, xl.run).writeAuthoringSheet(rows);
    expect(xl.syncs()).toBe(2);
    const sheet = xl.wb.sheet(AUTHORING_SHEET);
    expect(sheet.frozenRows).toBe(1);
    expect(sheet.validations.find((v) => v.range.startsWith("C2:C"))?.list).toEqual([
      "chấm điểm",
      "điểm thưởng",
      "điểm trừ",
    ]);
    expect(sheet.validations.filter((v) => !v.list).map((v) => v.range)).toEqual([
      expect.stringMatching(/^D2:D/),
      expect.stringMatching(/^E2:E/),
    ]);
    expect(xl.wb.cellAt(AUTHORING_SHEET, "A1")?.value).toBe("Mã");
    // Codes stay text: Excel would read "1.10" in a General cell as the number 1.1.
    const codes = rows.slice(1).map((_, i) => xl.wb.cellAt(AUTHORING_SHEET, `A${i + 2}`)?.value);
    expect(codes).toEqual(rows.slice(1).map((r) => r[0]));
    // Office 2019 (ExcelApi 1.7): no validation, the sheet still laid out.
    const old = excelDouble();
    await new OfficeAuthoring(7, old.run).writeAuthoringSheet(authoringRows(null));
    expect(old.wb.sheet(AUTHORING_SHEET).validations).toEqual([]);
    expect(old.syncs()).toBe(2);
  });

  it("Excel's surrounding region stops at a blank row or column, so it is not the whole of a bloc's table", () => {
    // The bloc's table from B2 (row index 1, column index 1), with its blank row before part IV (row 24).
    const grid = [[], ...blocTable2026.map((r) => [null, ...r])] as unknown[][];
    const blank = (r: number, c: number) => grid[r]?.[c] === null || grid[r]?.[c] === undefined;
    // From I.1.a's content (C9): the header down to the row before the gap; the title stops at the blank row 4.
    expect(surroundingRegion(blank, { row: 8, col: 2 })).toEqual({ r1: 4, c1: 1, r2: 22, c2: 4 });
    // From part IV: only what is below the gap.
    expect(surroundingRegion(blank, { row: 25, col: 2 })).toEqual({ r1: 24, c1: 1, r2: 34, c2: 4 });
  });

  describe("in Excel, one cell of a bloc's table picked", () => {
    /** The bloc's table from B2 and, after a blank column, the list of units in G (another table on the sheet). */
    async function book(apiMinor: number) {
      const xl = excelDouble();
      const values = [
        [],
        ...blocTable2026.map((r, i) => [null, ...r, null, i === 3 ? "Mã đơn vị" : i < 10 ? `don-vi-${i}` : null]),
      ];
      await xl.wb.writeSheets([{ name: "Bảng", values: values as never, columnWidths: [], formats: [] }]);
      return { xl, authoring: new OfficeAuthoring(apiMinor, xl.run) };
    }

    it("reads the whole table across its blank row (its part IV, its header), its columns only, in one sync", async () => {
      const { xl, authoring } = await book(17);
      for (const cell of ["C9", "C28"]) {
        xl.wb.picked = { sheet: "Bảng", cell };
        const before = xl.syncs();
        const range = (await authoring.readSelection())!;
        expect(xl.syncs() - before).toBe(1);
        expect(range).toMatchObject({ sheetName: "Bảng", origin: "B2", address: "B2:E35" });
        expect(range.wholeSheet).toBeUndefined();
        const r = importCriteriaTable(range.values, { origin: range.origin, id: "t", name: "T", version: 1 });
        expect(r.problems).toEqual([]);
        expect(r.template?.parts.map((p) => p.code)).toEqual(["I", "II", "III", "IV"]);
        expect(r.cellOf["IV.2.b"]).toBe("B32");
      }
    });

    it("in Excel 2016/2019 (no ExcelApi 1.13) reads the sheet's used area and says so", async () => {
      const { xl, authoring } = await book(7);
      xl.wb.picked = { sheet: "Bảng", cell: "C9" };
      const range = (await authoring.readSelection())!;
      expect(range).toMatchObject({ origin: "B2", address: "B2:G35", wholeSheet: true });
      expect(xl.syncs()).toBe(1);
    });
  });
});
