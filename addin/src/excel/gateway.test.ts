/**
 * The real Excel gateway against an office.js double that behaves like Excel where it matters (`excelDouble.ts`):
 * queued operations run at sync, strings written into General cells are parsed with US-English rules, sheets are
 * found by name or id and missing ones fail with ItemNotFound, and every request is measured in bytes.
 */
import { describe, expect, it } from "vitest";
import { demoTemplate } from "../../../shared/src/demo.ts";
import { layoutSheet, META_SHEET_NAME, readSheet } from "../../../shared/src/layout.ts";
import type { Entry, Template } from "../../../shared/src/schemas.ts";
import { LIMITS } from "../../../shared/src/schemas.ts";
import { blocSheets } from "../blocSheets.ts";
import { excelDouble, WEB_PAYLOAD_LIMIT } from "./excelDouble.ts";
import { DEFAULT_CHUNK_BYTES, ExcelGateway, type GridSheet, SheetMissingError } from "./gateway.ts";
import { ERROR_FILL } from "./styles.ts";
import { syntheticBlocTable, syntheticTemplate } from "./synthetic.ts";

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
const bundle = {
  bloc: { id: "b", name: "Khối thi đua VIII" },
  units: [] as { id: string; shortName: string }[],
} as unknown as Parameters<typeof blocSheets>[1];

/** A template whose codes Excel would take for numbers ("1.10" is 1.1 in a General cell). */
const numericCodes: Template = {
  id: "so",
  version: 1,
  name: "Mẫu có mã số",
  parts: [
    {
      code: "1",
      title: "Phần 1",
      criteria: ["1.10", "1.2", "1.3", "1.4", "1.5", "1.6"].map((code) => ({
        code,
        title: `Tiêu chí ${code}`,
        kind: "score" as const,
        max: 10,
        step: 0.5,
        evidenceRequired: false,
        guidance: "",
      })),
    },
  ],
};

describe("ExcelGateway: text stays text (Excel parses strings written into General cells)", () => {
  // Each of the examples, in the evidence and the note of a criterion.
  const typed = ["12/05/2024", "50%", "1.000", "TRUE", "001", "1.10"];
  const entries: Entry[] = typed.map((t, i) => ({
    criterion: numericCodes.parts[0]!.criteria[i]!.code,
    score: 500,
    evidence: t,
    note: `${t}`,
  }));

  it("keeps saved evidence, notes, criterion codes and _thidua ids as written, and reads them back as text", async () => {
    const x = excelDouble();
    const gw = new ExcelGateway(full, x.run);
    const layout = layoutSheet(numericCodes, { ...ctx, unitId: "001", periodId: "2017" }, entries);
    await gw.writeLayout(layout);
    const [meta] = await gw.readMeta();
    expect(meta).toMatchObject({ unitId: "001", periodId: "2017", rows: layout.meta.rows });
    const grid = await gw.readValues(meta!, layout.rowCount, layout.colCount);
    const back = readSheet(meta!, grid);
    expect(back.map((e) => [e.criterion, e.evidence, e.note])).toEqual(
      typed.map((t, i) => [entries[i]!.criterion, t, t]),
    );
    const codes = layout.inputs.map((i) => grid[i.row]![0]);
    expect(codes).toEqual(["1.10", "1.2", "1.3", "1.4", "1.5", "1.6"]);
    // What a clerk types later into an evidence cell stays text too (the cell is formatted as Text).
    const cell = layout.inputs[0]!.evidenceCell;
    x.wb.edit(layout.sheetName, cell, "12/05/2024");
    expect(x.wb.cellAt(layout.sheetName, cell)?.value).toBe("12/05/2024");
  });

  it("writes the bloc table and the matrix with codes and names as text", async () => {
    const x = excelDouble();
    const sheets: GridSheet[] = [
      {
        name: "Ma trận",
        values: [
          ["Mã", "Tên", "Tối đa", "2017", "001"],
          ["1.10", "50%", 10, 1.5, 2],
          ["TRUE", "12/05/2024", 10, 3, 4],
        ],
        columnWidths: [],
        formats: [{ rect: { r1: 1, c1: 2, r2: 2, c2: 4 }, format: {}, numFmt: "0.00" }],
      },
    ];
    await new ExcelGateway(full, x.run).writeSheets(sheets);
    expect(await new ExcelGateway(full, x.run).readValues("Ma trận", 3, 5)).toEqual(sheets[0]!.values);
    expect(x.wb.cellAt("Ma trận", "D2")?.numFmt).toBe("0.00");
  });

  it("writes text from the server with Excel's quote prefix, never as a formula", async () => {
    const x = excelDouble();
    const evil = '=HYPERLINK("http://evil","bấm vào đây")';
    const layout = layoutSheet(demoTemplate, ctx, [
      { criterion: "I.1.a", score: 400, evidence: evil, note: "-1 điểm do trễ hạn" },
    ]);
    await new ExcelGateway(full, x.run).writeLayout(layout);
    const input = layout.inputs.find((i) => i.criterion === "I.1.a")!;
    expect(x.wb.cellAt(layout.sheetName, input.evidenceCell)).toMatchObject({ value: evil, quotePrefix: true });
    expect(x.wb.cellAt(layout.sheetName, input.evidenceCell)?.formula).toBeUndefined();
    expect(x.wb.cellAt(layout.sheetName, "A3")).toMatchObject({ value: `Đơn vị: ${ctx.unitName}` });
    for (const c of layout.cells.filter((c) => c.formula))
      expect(x.wb.cellAt(layout.sheetName, `${String.fromCharCode(65 + c.col)}${c.row + 1}`)?.formula).toBe(c.formula);
    await new ExcelGateway(full, x.run).writeSheets([
      { name: "Bảng tổng hợp", values: [["=1+1", "@SUM(A1)", "-2+3", "'quoted", 95.5]], columnWidths: [], formats: [] },
    ]);
    expect(await new ExcelGateway(full, x.run).readValues("Bảng tổng hợp", 1, 5)).toEqual([
      ["=1+1", "@SUM(A1)", "-2+3", "'quoted", 95.5],
    ]);
  });
});

describe("ExcelGateway: a renamed or deleted sheet", () => {
  it("keeps the worksheet id in _thidua and finds a renamed sheet by it (read, marks, a new pull)", async () => {
    const x = excelDouble();
    const gw = new ExcelGateway(full, x.run);
    const layout = layoutSheet(demoTemplate, ctx);
    const written = await gw.writeLayout(layout);
    expect(written.sheetId).toBe(x.wb.findSheet(layout.sheetName)!.id);
    x.wb.rename(layout.sheetName, "Của đơn vị tôi");
    const [meta] = await gw.readMeta();
    expect(meta!.sheetId).toBe(written.sheetId);
    const grid = await gw.readValues(meta!, layout.rowCount, layout.colCount);
    expect(grid[0]![0]).toBe("BẢNG TỰ CHẤM ĐIỂM THI ĐUA NĂM 2017");
    const cell = layout.inputs[0]!.scoreCell;
    await gw.markErrors(meta!, [cell], []);
    expect(x.wb.cellAt("Của đơn vị tôi", cell)?.format.fill).toBe(ERROR_FILL);
    const again = await gw.writeLayout({ ...layout, meta: { ...layout.meta, sheetId: meta!.sheetId! } });
    expect(again.sheetName).toBe("Của đơn vị tôi");
    expect(x.wb.findSheet(layout.sheetName)).toBeUndefined();
    expect(await gw.readMeta()).toHaveLength(1);
  });

  it("finds a sheet by name when _thidua has no id yet, and says a deleted sheet is missing", async () => {
    const x = excelDouble();
    const gw = new ExcelGateway(full, x.run);
    const layout = layoutSheet(demoTemplate, ctx);
    await gw.writeLayout(layout);
    expect(await gw.readValues(layout.sheetName, 1, 1)).toEqual([["BẢNG TỰ CHẤM ĐIỂM THI ĐUA NĂM 2017"]]);
    x.wb.deleteSheet(layout.sheetName);
    const [meta] = await gw.readMeta();
    await expect(gw.readValues(meta!, 5, 5)).rejects.toBeInstanceOf(SheetMissingError);
    await expect(gw.markErrors(meta!, ["D9"], [])).rejects.toBeInstanceOf(SheetMissingError);
    await expect(gw.selectCell(meta!, "D9")).rejects.toBeInstanceOf(SheetMissingError);
  });
});

describe("ExcelGateway: a blank workbook", () => {
  it("pulls into a workbook without _thidua or any of our sheets, touching no sheet that does not exist", async () => {
    const x = excelDouble();
    const gw = new ExcelGateway(full, x.run);
    expect(await gw.readMeta()).toEqual([]);
    await gw.writeSheets([
      {
        name: "Bảng tổng hợp",
        values: [
          ["STT", "Đơn vị", "Tổng"],
          [1, "A", 95],
        ],
        columnWidths: [5, 30, 10],
        formats: [],
        colorScale: "C2:C2",
        highlight: [{ range: "B2:B2", text: "A", fill: "#DFF6DD" }],
        chart: { title: "Tổng điểm", categories: "B2:B2", values: "C2:C2", anchor: "E2" },
        protect: true,
      },
    ]);
    const table = x.wb.findSheet("Bảng tổng hợp")!;
    expect(table.charts).toHaveLength(1);
    expect(table.protected).toBe(true);
    const layout = layoutSheet(demoTemplate, ctx);
    await gw.writeLayout(layout);
    expect(x.wb.findSheet(META_SHEET_NAME)!.visibility).toBe("VeryHidden");
    expect(await gw.readMeta()).toHaveLength(1);
    // Writing the bloc table again replaces its chart instead of adding a second one.
    await gw.writeSheets([{ name: "Bảng tổng hợp", values: [[1]], columnWidths: [], formats: [] }]);
    expect(x.wb.findSheet("Bảng tổng hợp")!.charts).toHaveLength(0);
  });
});

describe("ExcelGateway: round trips and request sizes", () => {
  const realistic = syntheticTemplate(120);
  const tableSheets = (units: number, template: Template, nameLength?: number) =>
    blocSheets(syntheticBlocTable(template, units, nameLength), bundle, "vi");

  it("a realistic bloc (100 units x 120 criteria): pull <= 3 syncs, push 2, bloc table <= 3, requests far below 4 MB", async () => {
    const x = excelDouble();
    const gw = new ExcelGateway(full, x.run);
    const layout = layoutSheet(realistic, ctx);
    const first = await gw.writeLayout(layout);
    expect(x.syncs()).toBeLessThanOrEqual(3);
    const before = x.syncs();
    await gw.writeLayout({ ...layout, meta: first });
    expect(x.syncs() - before).toBeLessThanOrEqual(3);
    // A push: read the sheet, then marks and the new base revision in _thidua.
    const pushStart = x.syncs();
    const [meta] = await gw.readMeta();
    const readStart = x.syncs();
    await gw.readValues(meta!, layout.rowCount, layout.colCount);
    await gw.markErrors(meta!, [layout.inputs[0]!.scoreCell], [], [{ ...meta!, baseRevision: 2 }]);
    expect(x.syncs() - readStart).toBe(2);
    expect(readStart - pushStart).toBe(1);
    // The bloc table and matrix: into a workbook without them, then again over them (their charts replaced).
    for (let i = 0; i < 2; i++) {
      const tableStart = x.syncs();
      await gw.writeSheets(tableSheets(100, realistic));
      expect(x.syncs() - tableStart).toBeLessThanOrEqual(3);
    }
    expect(Math.max(...x.requests)).toBeLessThan(1_000_000);
  });

  it("at the schema caps no request exceeds 4 MB: a 2,000-criterion sheet full of 4,000-character evidence", async () => {
    const template = syntheticTemplate(LIMITS.criteria);
    const long = (s: string) => s.padEnd(LIMITS.longText, "ữ");
    const entries: Entry[] = layoutSheet(template, ctx).inputs.map((i) => ({
      criterion: i.criterion,
      score: 100,
      evidence: long("Báo cáo số 12/BC-UBND "),
      note: long("Ghi chú "),
    }));
    const x = excelDouble();
    const gw = new ExcelGateway(full, x.run);
    const layout = layoutSheet(template, ctx, entries);
    const meta = await gw.writeLayout(layout);
    expect(x.syncs()).toBeGreaterThan(3);
    expect(Math.max(...x.requests)).toBeLessThanOrEqual(DEFAULT_CHUNK_BYTES);
    // Reading it back is more than Excel on the web answers at once (5 MB): read in parts, every text whole.
    const readFrom = x.syncs();
    const grid = await gw.readValues(meta, layout.rowCount, layout.colCount);
    expect(x.syncs() - readFrom).toBeGreaterThan(1);
    expect(Math.max(...x.responses)).toBeLessThanOrEqual(WEB_PAYLOAD_LIMIT);
    expect(readSheet(meta, grid).every((e) => e.evidence?.length === LIMITS.longText)).toBe(true);
    // Every input marked wrong at once, and _thidua rewritten, still under the limit.
    x.requests.length = 0;
    await gw.markErrors(
      meta,
      layout.inputs.map((i) => i.scoreCell),
      [],
      [meta],
    );
    expect(Math.max(...x.requests)).toBeLessThanOrEqual(DEFAULT_CHUNK_BYTES);
  }, 60_000);

  it("at the schema caps no request exceeds 4 MB: the bloc table and matrix of 500 units x 2,000 criteria", async () => {
    const template = syntheticTemplate(LIMITS.criteria);
    const x = excelDouble();
    await new ExcelGateway(full, x.run).writeSheets(tableSheets(LIMITS.units, template, 500));
    expect(Math.max(...x.requests)).toBeLessThanOrEqual(DEFAULT_CHUNK_BYTES);
    expect(x.requests.reduce((s, b) => s + b, 0)).toBeGreaterThan(DEFAULT_CHUNK_BYTES);
    const matrix = x.wb.findSheet("Ma trận điểm")!;
    expect(x.wb.usedSize(matrix.name)).toEqual({ rows: LIMITS.criteria + 1, cols: LIMITS.units + 3 });
  }, 120_000);

  it("on Office 2019 (ExcelApi 1.7) leaves out validation and print setup, and still lays out the sheet", async () => {
    const x = excelDouble();
    const layout = layoutSheet(demoTemplate, ctx);
    await new ExcelGateway(office2019, x.run).writeLayout(layout);
    const sheet = x.wb.findSheet(layout.sheetName)!;
    expect(sheet.validations).toEqual([]);
    expect(sheet.print).toBeNull();
    expect(sheet.protected).toBe(true);
    expect(sheet.frozenRows).toBe(layout.frozenRows);
    expect(x.syncs()).toBeLessThanOrEqual(3);
  });
});
