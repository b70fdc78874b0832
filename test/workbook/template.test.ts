/**
 * The template workbook: the add-in's sheet (domain core layout) as an .xlsx, checked with exceljs (validation,
 * protection, hidden metadata) and LibreOffice (recalculated totals equal the core's; text that looks like a formula
 * stays text), then the round trip: template -> filled by a script -> upload -> readSheet -> validateSubmission gives
 * the same entries as the equivalent push, also after LibreOffice re-saved it with sheets renamed and reordered.
 */
import ExcelJS from "exceljs";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import {
  demoEntries,
  demoPeriod,
  demoRulebook,
  demoTemplate,
  type Entry,
  type EntryInput,
  layoutSheet,
  readSheet,
  type SheetContext,
  scoreUnit,
  validateEntries,
  validateSubmission,
} from "../../shared/src/index.ts";
import { checkUploadTarget, readUpload, templateWorkbook } from "../../worker/src/workbook/index.ts";
import { INJECTIONS } from "./fixtures.ts";
import { recalcCsv, resaveXlsx, SOFFICE } from "./libreoffice.ts";

const UNIT = "vks-tphcm";
const ctx: SheetContext = {
  blocName: "Khối thi đua VIII – TP. Hồ Chí Minh",
  unitName: "Viện Kiểm sát nhân dân Thành phố",
  unitId: UNIT,
  periodId: demoPeriod().id,
  year: 2017,
  bonusCap: demoRulebook.bonusCap,
};

function push(entries: EntryInput[]) {
  return {
    templateId: demoTemplate.id,
    templateVersion: demoTemplate.version,
    baseRevision: null,
    clientId: "test-client-0001",
    entries,
  };
}

/** What the add-in would push for the demo unit: the reference the uploads must match. */
const expected = validateSubmission(demoTemplate, push(demoEntries(UNIT)));

/** Fills a blank template workbook the way a clerk would, through exceljs: numbers, evidence, a note. */
async function fillWithExcelJs(bytes: Uint8Array, entries: EntryInput[]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const layout = layoutSheet(demoTemplate, ctx);
  const ws = wb.getWorksheet(layout.sheetName)!;
  const byCode = new Map(layout.inputs.map((i) => [i.criterion, i]));
  for (const e of entries) {
    const input = byCode.get(e.criterion)!;
    if (e.score !== undefined && e.score !== null) ws.getCell(input.scoreCell).value = Number(e.score);
    if (e.evidence) ws.getCell(input.evidenceCell).value = e.evidence;
    if (e.note) ws.getCell(input.noteCell).value = e.note;
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** Renames and reorders sheets at the package level: the scoring sheet renamed, the metadata sheet moved first. */
function renameAndReorder(bytes: Uint8Array, newName: string): Uint8Array {
  const files = unzipSync(bytes);
  let xml = strFromU8(files["xl/workbook.xml"]!);
  const sheets = [...xml.matchAll(/<sheet [^>]*\/>/g)].map((m) => m[0]);
  const renamed = sheets.map((s) =>
    s.includes('name="Tự chấm điểm"') ? s.replace(/name="[^"]*"/, `name="${newName}"`) : s,
  );
  const meta = renamed.filter((s) => s.includes('name="_thidua"'));
  const rest = renamed.filter((s) => !s.includes('name="_thidua"'));
  xml = xml.replace(/<sheets>[\s\S]*<\/sheets>/, `<sheets>${[...meta, ...rest].join("")}</sheets>`);
  xml = xml.replace(/<definedNames>[\s\S]*<\/definedNames>/, "");
  files["xl/workbook.xml"] = strToU8(xml);
  return zipSync(files);
}

function uploadedEntries(bytes: Uint8Array) {
  const up = readUpload(bytes);
  if (!up.ok) throw new Error(`refused: ${up.reason} ${up.detail}`);
  return { up, result: validateSubmission(demoTemplate, push(readSheet(up.meta, up.grid))) };
}

function comparable(entries: Entry[]) {
  return entries.map((e) => ({ criterion: e.criterion, score: e.score, evidence: e.evidence, note: e.note }));
}

describe("template workbook", () => {
  it("has the add-in's validation, protection and hidden metadata (read by exceljs)", async () => {
    const bytes = templateWorkbook(demoTemplate, ctx);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const layout = layoutSheet(demoTemplate, ctx);
    const ws = wb.getWorksheet(layout.sheetName)!;
    expect(wb.getWorksheet("_thidua")!.state).toBe("veryHidden");
    expect((ws as unknown as { sheetProtection: unknown }).sheetProtection).toMatchObject({ sheet: true });
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: layout.frozenRows });
    for (const i of layout.inputs) {
      const cell = ws.getCell(i.scoreCell);
      expect(cell.protection?.locked).toBe(false);
      expect(ws.getCell(i.evidenceCell).protection?.locked).toBe(false);
      expect(cell.dataValidation).toMatchObject({ type: "decimal", operator: "between", formulae: [0, i.max] });
    }
    expect(ws.getCell("B2").protection?.locked ?? true).toBe(true);
    expect(ws.getCell(layout.totals.total).formula).toMatch(/^ROUND\(/);
  });

  it.skipIf(!SOFFICE)("prefilled, recalculated by LibreOffice, its totals equal the core's", () => {
    const entries = validateEntries(demoTemplate, demoEntries(UNIT)).entries;
    const bytes = templateWorkbook(demoTemplate, ctx, entries);
    const csv = recalcCsv(bytes).get("Tự chấm điểm")!;
    const layout = layoutSheet(demoTemplate, ctx, entries);
    const t = scoreUnit(demoTemplate, demoRulebook, entries).self;
    const at = (a1: string) => {
      const m = /^([A-Z]+)(\d+)$/.exec(a1)!;
      return Number(csv[Number(m[2]) - 1]![m[1]!.charCodeAt(0) - 65]);
    };
    expect(at(layout.totals.base)).toBe(t.base / 100);
    expect(at(layout.totals.bonus)).toBe(t.bonus / 100);
    expect(at(layout.totals.deduction)).toBe(t.deduction / 100);
    expect(at(layout.totals.total)).toBe(t.total / 100);
    expect(csv.map((r) => r.join(" ")).join("\n")).toContain("BẢNG TỰ CHẤM ĐIỂM THI ĐUA NĂM 2017");
  });

  it.skipIf(!SOFFICE)("evidence and notes that look like formulas stay text after recalculation", () => {
    const entries = validateEntries(demoTemplate, demoEntries(UNIT)).entries.map((e, i) => ({
      ...e,
      evidence: INJECTIONS[i % INJECTIONS.length]!,
      note: INJECTIONS[(i + 3) % INJECTIONS.length]!,
    }));
    const bytes = templateWorkbook(demoTemplate, { ...ctx, unitName: "=1+2" }, entries);
    const csv = recalcCsv(bytes).get("Tự chấm điểm")!;
    const layout = layoutSheet(demoTemplate, ctx, entries);
    for (const i of layout.inputs) {
      const e = entries.find((x) => x.criterion === i.criterion)!;
      expect(csv[i.row]![4]).toBe(e.evidence);
      expect(csv[i.row]![5]).toBe(e.note);
    }
    expect(csv[2]![0]).toBe("Đơn vị: =1+2");
  });

  it("round trip: filled by exceljs, uploaded, it gives the same entries as the add-in's push", async () => {
    expect(expected.ok).toBe(true);
    const filled = await fillWithExcelJs(templateWorkbook(demoTemplate, ctx), demoEntries(UNIT));
    const { up, result } = uploadedEntries(filled);
    expect(up.meta).toMatchObject({ periodId: ctx.periodId, unitId: UNIT, templateId: demoTemplate.id });
    expect(checkUploadTarget(up.meta, ctx.periodId, UNIT)).toBeNull();
    expect(result.errors).toEqual([]);
    expect(comparable(result.entries)).toEqual(comparable(expected.entries));
  });

  it("errors from an uploaded sheet point at its cells", async () => {
    const entries = demoEntries(UNIT).map((e) => (e.criterion === "I.1.b" ? { ...e, score: 4.5 } : e));
    const filled = await fillWithExcelJs(templateWorkbook(demoTemplate, ctx), entries);
    const { result } = uploadedEntries(filled);
    const cell = layoutSheet(demoTemplate, ctx).inputs.find((i) => i.criterion === "I.1.b")!.scoreCell;
    expect(result.errors).toEqual([expect.objectContaining({ code: "SCORE_ABOVE_MAX", criterion: "I.1.b", cell })]);
  });

  it("a file of another period or unit is refused with the reason", async () => {
    const { up } = uploadedEntries(templateWorkbook(demoTemplate, ctx));
    expect(checkUploadTarget(up.meta, "khoi-viii-2018", UNIT)).toMatchObject({
      code: "SHEET_WRONG_PERIOD",
      params: { received: ctx.periodId, expected: "khoi-viii-2018" },
    });
    expect(checkUploadTarget(up.meta, ctx.periodId, "ca-tphcm")).toMatchObject({
      code: "SHEET_WRONG_UNIT",
      params: { received: UNIT, expected: "ca-tphcm" },
    });
  });

  it.skipIf(!SOFFICE)(
    "re-saved by LibreOffice with the sheet renamed and the sheets reordered, it is still recognised",
    async () => {
      const filled = await fillWithExcelJs(templateWorkbook(demoTemplate, ctx), demoEntries(UNIT));
      const resaved = resaveXlsx(renameAndReorder(filled, "Bảng điểm VKS"));
      const { up, result } = uploadedEntries(resaved);
      expect(up.sheetName).toBe("Bảng điểm VKS");
      expect(result.errors).toEqual([]);
      expect(comparable(result.entries)).toEqual(comparable(expected.entries));
    },
  );

  it.skipIf(!SOFFICE)("the blank template re-saved by LibreOffice reads back as an empty sheet", () => {
    const resaved = resaveXlsx(templateWorkbook(demoTemplate, ctx));
    const { result } = uploadedEntries(resaved);
    expect(result.errors.every((e) => e.code === "SCORE_MISSING")).toBe(true);
  });
});
