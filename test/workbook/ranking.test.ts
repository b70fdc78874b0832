/**
 * The ranking workbook, opened by two independent readers: exceljs (structure, formulas, cached values) and
 * LibreOffice with forced recalculation (every recalculated total and rank equals the domain core's; Vietnamese text
 * intact; text that looks like a formula stays text). A PNG of the first printed page is kept under artifacts/.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import {
  type BlocTable,
  blocRowFigures,
  type ConsolidateInput,
  consolidate,
  leavesOf,
  scoreColumns,
} from "../../shared/src/index.ts";
import { canonicalJson, sha256Hex } from "../../worker/src/workbook/hash.ts";
import {
  hashInputs,
  hashInputsAsync,
  INPUTS_FORMAT,
  RANKING_SHEETS,
  rankingWorkbook,
  readRankingBook,
  readWorkbook,
  verifyRanking,
} from "../../worker/src/workbook/index.ts";
import { storedSheet, storedSheetOf } from "../../worker/src/workbook/stored.ts";
import { demoInput, generatedInput, INJECTIONS, rankingContext } from "./fixtures.ts";
import { firstPagePng, pdfWords, recalcCsv, resaveXlsx, SOFFICE } from "./libreoffice.ts";

/** Runs scripts/verify-ranking.mjs on a workbook; returns its exit code and output. */
function verifyScript(bytes: Uint8Array): { status: number | null; out: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "thidua-verify-"));
  try {
    const file = path.join(dir, "book.xlsx");
    writeFileSync(file, bytes);
    const script = path.resolve(import.meta.dirname, "../../scripts/verify-ranking.mjs");
    const r = spawnSync(process.execPath, [script, file], { encoding: "utf8", timeout: 60_000 });
    return { status: r.status, out: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ARTIFACTS = path.resolve(import.meta.dirname, "../../artifacts");

function build(
  input: ConsolidateInput,
  state: "voting" | "closed" = "voting",
): { table: BlocTable; bytes: Uint8Array } {
  const table = consolidate(input);
  return { table, bytes: rankingWorkbook(table, rankingContext(input, state)) };
}

/** Rows of the bloc table sheet in a CSV, by header name. */
function tableRows(csv: string[][]): Record<string, string>[] {
  const h = csv.findIndex((r) => r[0] === "STT" && r[1] === "Đơn vị");
  expect(h).toBeGreaterThanOrEqual(0);
  const header = csv[h]!;
  const out: Record<string, string>[] = [];
  for (let i = h + 1; i < csv.length && csv[i]![0] !== ""; i++)
    out.push(Object.fromEntries(header.map((name, c) => [name, csv[i]![c] ?? ""])));
  return out;
}

function expectRecalculatedEqualsCore(sheets: Map<string, string[][]>, table: BlocTable): void {
  const rows = tableRows(sheets.get(RANKING_SHEETS.table)!);
  expect(rows).toHaveLength(table.rows.length);
  // What the pane and the web app print for a row (`blocRowFigures`): points and a rank, or blanks and "Chưa nộp".
  const shown = (v: number | null, blank: string) => (v === null ? blank : v);
  const read = (v: string, blank: string) => (v === blank ? blank : Number(v));
  table.rows.forEach((r, i) => {
    const got = rows[i]!;
    const f = blocRowFigures(r);
    expect(got["Mã đơn vị"]).toBe(r.unitId);
    expect(got["Đơn vị"]).toBe(r.name);
    expect(read(got["Tổng điểm"]!, "")).toBe(shown(f.total, ""));
    expect(read(got["Xếp hạng"]!, "Chưa nộp")).toBe(shown(f.rank, "Chưa nộp"));
  });
  const matrix = sheets.get(RANKING_SHEETS.matrix)!;
  const totalRow = matrix.find((r) => r[1] === "TỔNG ĐIỂM")!;
  expect(totalRow.slice(4, 4 + table.rows.length).map((v) => read(v, "Chưa nộp"))).toEqual(
    table.rows.map((r) => shown(blocRowFigures(r).total, "Chưa nộp")),
  );
}

describe("ranking workbook", () => {
  it("is read by exceljs: sheets, formulas and cached values equal the core's", async () => {
    const { table, bytes } = build(demoInput());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([...Object.values(RANKING_SHEETS), "_inputs"]);
    expect(wb.getWorksheet("_inputs")!.state).toBe("veryHidden");
    const ws = wb.getWorksheet(RANKING_SHEETS.table)!;
    let header = 0;
    ws.eachRow((row, n) => {
      if (row.getCell(1).value === "STT") header = n;
    });
    expect(header).toBeGreaterThan(0);
    table.rows.forEach((r, i) => {
      const row = ws.getRow(header + 1 + i);
      expect(row.getCell(2).value).toBe(r.name);
      const total = row.getCell(8).value as ExcelJS.CellFormulaValue;
      expect(total.formula).toMatch(/^ROUND\(E\d+\+F\d+-G\d+,2\)$/);
      expect(total.result).toBe(r.total);
      const rank = row.getCell(9).value as ExcelJS.CellFormulaValue;
      expect(rank.formula).toContain("SUMPRODUCT");
      expect(rank.result).toBe(r.rank);
    });
    expect(ws.views[0]).toMatchObject({ state: "frozen" });
    expect(ws.pageSetup).toMatchObject({ orientation: "landscape", fitToPage: true, fitToWidth: 1, paperSize: 9 });
    expect(wb.getWorksheet(RANKING_SHEETS.matrix)!.pageSetup.orientation).toBe("landscape");
  });

  it("keeps the inputs: our reader finds them and the recomputation agrees", () => {
    const { bytes } = build(demoInput());
    const read = readWorkbook(bytes);
    expect(read.ok).toBe(true);
    const book = readRankingBook(bytes);
    expect(book.ok).toBe(true);
    if (!book.ok) return;
    const v = verifyRanking(book.json, book.recorded, book.shown);
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
  });

  it("scripts/verify-ranking.mjs confirms the hashes and the ranking", () => {
    const { bytes } = build(demoInput(), "closed");
    const r = verifyScript(bytes);
    expect(r.out).toContain("OK:");
    expect(r.status).toBe(0);
  });

  it.skipIf(!SOFFICE)("a copy re-saved by LibreOffice still verifies", () => {
    const { bytes } = build(generatedInput(25, 3), "closed");
    const r = verifyScript(resaveXlsx(bytes));
    expect(r.out).toContain("OK:");
    expect(r.status).toBe(0);
  });

  /**
   * The demo bloc with awkward sheets: one unit's evidence is 70,000 characters (three cells of the inputs sheet),
   * with markup characters, Excel's `_x0041_` escapes, an emoji cut by a cell's edge, spaces at a cell's edges and a
   * formula-like start of a cell; and the sheets as the worker gives them when they were stored with their cells.
   */
  function storedCellsBloc() {
    const input = demoInput();
    const [first, second] = input.period.members;
    const long = `${"Báo cáo <số> 12 & 13 _x0041_ ".repeat(2_000)}${"😀".repeat(5_000)}= đã xem  `;
    input.submissions[first!] = input.submissions[first!]!.map((e, i) => (i === 0 ? { ...e, evidence: long } : e));
    input.submissions[second!] = input.submissions[second!]!.map((e, i) => (i === 1 ? { ...e, note: "=1+1" } : e));
    const ctx = rankingContext(input, "closed");
    const given = {
      submissions: Object.entries(input.submissions).map(
        ([u, entries]) => [u, storedSheetOf(storedSheet(canonicalJson(entries))!)] as const,
      ),
    };
    return { input, ctx, given, long };
  }

  it("built from sheets stored with their cells (book_cells), keeps the same inputs and hashes, and verifies", async () => {
    const { input, ctx, given, long } = storedCellsBloc();
    expect(given.submissions.find(([u]) => u === input.period.members[0])![1].cells).toHaveLength(3);
    const fromTexts = await hashInputsAsync(ctx.inputs);
    const fromCells = await hashInputsAsync(ctx.inputs, given);
    expect(fromCells.parts).toEqual(fromTexts.parts);
    expect(fromCells.all).toBe(fromTexts.all);
    // Each sheet's hash is the one taken when it was stored, of its canonical JSON.
    expect(given.submissions.map(([, s]) => s.hash)).toEqual(
      given.submissions.map(([u]) => sha256Hex(canonicalJson(input.submissions[u]))),
    );
    const bytes = rankingWorkbook(consolidate(input), { ...ctx, hashes: fromCells });
    const book = readRankingBook(bytes);
    expect(book.ok).toBe(true);
    if (!book.ok) return;
    expect(book.json).toBe(fromTexts.json);
    expect(JSON.parse(book.json).submissions[input.period.members[0]!][0].evidence).toBe(long.normalize("NFC"));
    expect(verifyRanking(book.json, book.recorded, book.shown).problems).toEqual([]);
    const r = verifyScript(bytes);
    expect(r.out).toContain("OK:");
    expect(r.status).toBe(0);
    // exceljs reads the deflated cells as it reads the same texts written on the request (it decodes `_x0041_`
    // itself, where our reader and LibreOffice keep it).
    const excel = async (book: Uint8Array) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(book as unknown as ArrayBuffer);
      const sheet = wb.getWorksheet("_inputs")!;
      const count = Number(sheet.getCell(3, 2).value);
      return Array.from({ length: count }, (_, i) => String(sheet.getCell(4 + i, 2).value ?? ""));
    };
    expect((await excel(bytes)).join("")).toBe((await excel(rankingWorkbook(consolidate(input), ctx))).join(""));
    // Every cell within Excel's 32,767 characters, as our reader reads them.
    const read = readWorkbook(bytes);
    if (!read.ok) throw new Error(read.detail);
    const grid = read.book.sheets.find((s) => s.grid[0]?.[1] === INPUTS_FORMAT)!.grid;
    const lengths = grid.slice(3).map((r) => String(r?.[1] ?? "").length);
    expect(lengths.length).toBe(Number(grid[2]![1]));
    expect(Math.max(...lengths)).toBeLessThanOrEqual(32_767);
  });

  it.skipIf(!SOFFICE)("built from stored cells, a copy re-saved by LibreOffice still verifies", async () => {
    const { input, ctx, given } = storedCellsBloc();
    const bytes = rankingWorkbook(consolidate(input), { ...ctx, hashes: await hashInputsAsync(ctx.inputs, given) });
    const r = verifyScript(resaveXlsx(bytes));
    expect(r.out).toContain("OK:");
    expect(r.status).toBe(0);
  });

  it("a workbook of the first format (before 2026-12-06: every part hashed as its JSON) still verifies", () => {
    const input = demoInput();
    const ctx = rankingContext(input, "closed");
    const v1 = hashInputs(ctx.inputs, {}, 1);
    expect(v1.parts.submissions).toBe(sha256Hex(canonicalJson(ctx.inputs.submissions)));
    expect(v1.parts.submissions).not.toBe(hashInputs(ctx.inputs).parts.submissions);
    const bytes = rankingWorkbook(consolidate(input), { ...ctx, hashes: v1 });
    const book = readRankingBook(bytes);
    if (!book.ok) throw new Error(book.problem);
    expect(book.recorded.format).toBe("thidua-ranking-inputs");
    expect(verifyRanking(book.json, book.recorded, book.shown).problems).toEqual([]);
    // Read as the second format, its hashes are not those of its inputs.
    expect(verifyRanking(book.json, { ...book.recorded, format: INPUTS_FORMAT }, book.shown).ok).toBe(false);
    expect(verifyScript(bytes).status).toBe(0);
  });

  it("a sheet under any unit key, `__proto__` too, is part of the fingerprint", () => {
    const { inputs } = rankingContext(demoInput(), "closed");
    const json = hashInputs(inputs).json;
    const withSheet = (evidence: string) =>
      JSON.parse(
        json.replace(
          '"submissions":{',
          `"submissions":{"__proto__":[{"criterion":"I.1.a","evidence":"${evidence}","note":"","score":100}],`,
        ),
      ) as typeof inputs;
    const a = hashInputs(withSheet("a"));
    const b = hashInputs(withSheet("b"));
    expect(a.parts.submissions).not.toBe(b.parts.submissions);
    expect(a.all).not.toBe(b.all);
    expect(a.json).toContain('"__proto__":[');
  });

  it("refuses to keep a sheet given as its scores alone, whose evidence and notes would be lost", async () => {
    const { inputs } = rankingContext(demoInput(), "closed");
    const [first] = inputs.period.members;
    const sheet = inputs.submissions[first!] as Parameters<typeof scoreColumns>[0];
    const scoresOnly = { ...inputs, submissions: { ...inputs.submissions, [first!]: scoreColumns(sheet) } };
    expect(() => hashInputs(scoresOnly)).toThrow(/with its texts/);
    await expect(hashInputsAsync(scoresOnly)).rejects.toThrow(/with its texts/);
    // With the sheets' texts given (as the worker gives them from storage), the columns are not read.
    const given = {
      submissions: Object.entries(inputs.submissions).map(([u, e]) => [u, { text: canonicalJson(e) }] as const),
    };
    expect(hashInputs(scoresOnly, given).all).toBe(hashInputs(inputs).all);
  });

  it("the worker's hashes (platform SHA-256) equal the pure JavaScript ones", async () => {
    const { inputs } = rankingContext(generatedInput(30, 5), "closed");
    expect(await hashInputsAsync(inputs)).toEqual(hashInputs(inputs));
  });

  it("detects a tampered input", () => {
    const input = demoInput();
    const { bytes } = build(input);
    const book = readRankingBook(bytes);
    if (!book.ok) throw new Error(book.problem);
    const tampered = book.json.replace('"score":400', '"score":300');
    expect(tampered).not.toBe(book.json);
    const v = verifyRanking(tampered, book.recorded, book.shown);
    expect(v.ok).toBe(false);
    expect(v.problems.join("\n")).toMatch(/hash of submissions/);
  });

  it.skipIf(!SOFFICE)("recalculated by LibreOffice, every total and rank equals the core's (demo, draft)", () => {
    const { table, bytes } = build(demoInput());
    const sheets = recalcCsv(bytes);
    expectRecalculatedEqualsCore(sheets, table);
    const first = sheets.get(RANKING_SHEETS.table)!;
    const text = first.map((r) => r.join(" ")).join("\n");
    expect(text).toContain("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    expect(text).toContain("Độc lập - Tự do - Hạnh phúc");
    expect(text).toContain("Thành phố Hồ Chí Minh, ngày 29 tháng 11 năm 2026");
    expect(text).toContain("DỰ THẢO");
    expect(text).toContain("NGƯỜI LẬP BIỂU");
    expect(text).toContain("TM. KHỐI TRƯỞNG");
    const tally = sheets
      .get(RANKING_SHEETS.tally)!
      .map((r) => r.join("|"))
      .join("\n");
    expect(tally).toContain("Số phiếu không hợp lệ|0");
    const nominations = sheets
      .get(RANKING_SHEETS.nominations)!
      .map((r) => r.join("|"))
      .join("\n");
    expect(nominations).toContain("Cờ thi đua của Chính phủ");
    expect(nominations).toContain("Đơn vị dẫn đầu khối: Bộ Tư lệnh Thành phố.");
  });

  it("says under an award when units sharing a rank were taken by unit id for its last place", async () => {
    // The two leading units still in the running, with the same sheet and every ballot naming both: equal on every
    // key, both qualify for the top award, which has room for one.
    const input = demoInput();
    const [a, b] = consolidate(input).rows.filter((r) => !r.withdrawn && !r.violation);
    const tied: ConsolidateInput = {
      ...input,
      submissions: { ...input.submissions, [b!.unitId]: input.submissions[a!.unitId] },
      flags: {
        ...input.flags,
        [b!.unitId]: input.flags?.[a!.unitId] ?? { violation: false, withdrawn: false, reason: "" },
      },
      ballots: input.period.members.map(() => ({ choices: [a!.unitId, b!.unitId] })),
    };
    const { table, bytes } = build(tied);
    expect(table.nominations.contested).toHaveLength(1);
    expect(table.nominations.contested[0]!.rank).toBe(2); // below the withdrawn unit ranked first
    const [first, second] = [...table.nominations.contested[0]!.given, ...table.nominations.contested[0]!.leftOut];
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const texts: string[] = [];
    wb.getWorksheet(RANKING_SHEETS.nominations)!.eachRow((row) => {
      row.eachCell((cell) => {
        if (typeof cell.value === "string") texts.push(cell.value);
      });
    });
    const name = (id: string) => table.rows.find((r) => r.unitId === id)!.name;
    const note = texts.find((t) => t.startsWith("Lưu ý:"));
    expect(note).toBe(
      `Lưu ý: ${name(first!)}, ${name(second!)} đồng hạng ${table.nominations.contested[0]!.rank} nhưng danh hiệu chỉ còn chỗ cho 1 đơn vị; ` +
        `bảng này tạm xếp ${name(first!)} trước theo mã đơn vị. ` +
        "Quy chế không quy định trường hợp này: khối cần quyết định (bình xét lại hoặc bỏ phiếu).",
    );
    // The demo year itself has no such tie, and no note.
    const plain = new ExcelJS.Workbook();
    await plain.xlsx.load(build(demoInput()).bytes as unknown as ArrayBuffer);
    let notes = 0;
    plain.getWorksheet(RANKING_SHEETS.nominations)!.eachRow((row) => {
      row.eachCell((cell) => {
        if (typeof cell.value === "string" && cell.value.startsWith("Lưu ý:")) notes++;
      });
    });
    expect(notes).toBe(0);
  });

  it.skipIf(!SOFFICE)(
    "a unit without a sheet shows no total and no rank but “Chưa nộp”, as on the screens, and takes no one's place",
    () => {
      // Of the demo's seven, one sends nothing and one sends zeros with every deduction at its maximum (a total
      // below 0). The one that sent nothing must not be ranked, nor rank above the one below 0.
      const input = demoInput();
      const [absent, low] = [input.period.members[1]!, input.period.members[4]!];
      const low0 = input.submissions[low]!.map((e) => {
        const leaf = leavesOf(input.template).find((l) => l.code === e.criterion)!;
        return { ...e, score: leaf.kind === "deduction" ? leaf.max : 0 };
      });
      const { table, bytes } = build({ ...input, submissions: { ...input.submissions, [absent]: [], [low]: low0 } });
      const sheets = recalcCsv(bytes);
      const rows = tableRows(sheets.get(RANKING_SHEETS.table)!);
      const byId = new Map(rows.map((r) => [r["Mã đơn vị"], r]));
      const a = byId.get(absent)!;
      for (const col of ["Tổng điểm tự chấm", "Tổng điểm thẩm định", "Điểm các tiêu chí", "Điểm thưởng", "Điểm trừ"])
        expect(a[col], col).toBe("");
      expect(a["Tổng điểm"]).toBe("");
      expect(a["Xếp hạng"]).toBe("Chưa nộp");
      expect(a["Ghi chú"]).toBe("Chưa nộp bảng tự chấm điểm");
      // The six that submitted hold ranks 1..6 as recomputed by LibreOffice; the unit below 0 is sixth, and last.
      const ranks = rows.filter((r) => r["Mã đơn vị"] !== absent).map((r) => Number(r["Xếp hạng"]));
      expect([...ranks].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(Number(byId.get(low)!["Tổng điểm"])).toBeLessThan(0);
      expect(Number(byId.get(low)!["Xếp hạng"])).toBe(6);
      expect(rows.at(-1)!["Mã đơn vị"]).toBe(absent);
      expectRecalculatedEqualsCore(sheets, table);
      // The matrix: its column is headed without a rank, blank throughout, and "Chưa nộp" where the total goes.
      const matrix = sheets.get(RANKING_SHEETS.matrix)!;
      const short = input.units.find((u) => u.id === absent)!.shortName;
      const head = matrix.find((r) => r[0] === "Mã")!;
      const col = head.indexOf(`${short} (Chưa nộp)`);
      expect(col).toBeGreaterThan(3);
      const criteria = matrix.filter((r) => input.template.parts.some((p) => r[0]!.startsWith(`${p.code}.`)));
      expect(criteria.length).toBeGreaterThan(20);
      expect(criteria.map((r) => r[col])).toEqual(criteria.map(() => ""));
      expect(matrix.find((r) => r[1] === "TỔNG ĐIỂM")![col]).toBe("Chưa nộp");
      // The nominations: listed among those not proposed, without a rank, for the reason that decided.
      const others = sheets.get(RANKING_SHEETS.nominations)!.find((r) => r[1] === a["Đơn vị"]);
      expect(others?.slice(2, 4)).toEqual(["Chưa nộp", "Chưa nộp bảng tự chấm điểm"]);
      // And the workbook still verifies against its own inputs.
      const book = readRankingBook(bytes);
      if (!book.ok) throw new Error(book.problem);
      expect(verifyRanking(book.json, book.recorded, book.shown).problems).toEqual([]);
    },
  );

  it.skipIf(!SOFFICE)("recalculated by LibreOffice, a 60-unit bloc full of ties ranks as the core does", () => {
    const { table, bytes } = build(generatedInput(60, 7), "closed");
    const totals = table.rows.map((r) => r.total);
    expect(new Set(totals).size).toBeLessThan(totals.length); // the fixture really has ties
    const sheets = recalcCsv(bytes);
    expectRecalculatedEqualsCore(sheets, table);
    const text = sheets
      .get(RANKING_SHEETS.table)!
      .map((r) => r.join(" "))
      .join("\n");
    expect(text).not.toContain("DỰ THẢO");
    // The period's state by its Vietnamese name only (it read "closed (đã công bố)").
    const provenance = sheets
      .get(RANKING_SHEETS.provenance)!
      .map((r) => r.join(" "))
      .join("\n");
    expect(provenance).toMatch(/Trạng thái kỳ\s+Đã công bố/);
    expect(provenance).not.toMatch(/\bclosed\b/);
  });

  it.skipIf(!SOFFICE)("ranks by votes and base as the core does, before and after the vote", () => {
    const input = generatedInput(40, 11);
    const rulebook = { ...input.rulebook, tieBreak: ["votes", "base", "part:II"] as const };
    for (const ballots of [input.ballots, null]) {
      const { table, bytes } = build({
        ...input,
        rulebook: { ...rulebook, tieBreak: [...rulebook.tieBreak] },
        ballots,
      });
      expectRecalculatedEqualsCore(recalcCsv(bytes), table);
    }
  });

  it.skipIf(!SOFFICE)("text that looks like a formula stays text after recalculation", async () => {
    const input = demoInput();
    const units = input.units.map((u, i) => ({ ...u, name: INJECTIONS[i % INJECTIONS.length]! }));
    const { table, bytes } = build({ ...input, units });
    const sheets = recalcCsv(bytes);
    const rows = tableRows(sheets.get(RANKING_SHEETS.table)!);
    table.rows.forEach((r, i) => {
      expect(rows[i]!["Đơn vị"]).toBe(r.name);
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const ws = wb.getWorksheet(RANKING_SHEETS.table)!;
    let found = 0;
    ws.eachRow((row) => {
      const v = row.getCell(2).value;
      if (typeof v === "string" && INJECTIONS.includes(v)) found++;
      expect(typeof v === "object" && v !== null && "formula" in v).toBe(false);
    });
    expect(found).toBe(table.rows.length);
  });

  it.skipIf(!SOFFICE)("prints: the first page of the PDF is kept as artifacts/ranking-page1.png", () => {
    const { bytes } = build(demoInput());
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, "ranking-demo.xlsx"), bytes);
    const pages = firstPagePng(bytes, path.join(ARTIFACTS, "ranking-page1.png"));
    expect(pages).toBeGreaterThanOrEqual(5);
  });

  it.skipIf(!SOFFICE)("prints a 90-character bloc name whole in the administrative header (LibreOffice PDF)", () => {
    // Issue 11: a name longer than about 35 characters was clipped on both sides ("HỐI … ĐỘC LẬ").
    const name = "Khối thi đua các cơ quan nội chính, tư pháp và bảo vệ pháp luật Thành phố Hồ Chí Minh số VI";
    expect(name.length).toBeGreaterThanOrEqual(90);
    const input = demoInput();
    const issuing = `KHỐI TRƯỞNG ${name.toUpperCase()}`;
    const ctx = {
      ...rankingContext(input, "closed"),
      blocName: name,
      issuingBody: ["CÔNG AN THÀNH PHỐ HỒ CHÍ MINH", issuing],
    };
    const words = pdfWords(rankingWorkbook(consolidate(input), ctx));
    const nation = words.find((w) => w.text === "CỘNG")!;
    expect(nation).toBeDefined();
    // The left block: everything printed left of the national motto, above the title.
    const title = words.find((w) => w.text === "BẢNG")!;
    const left = words.filter((w) => w.xMax < nation.xMin && w.yMax < title.yMin);
    const printed = left.map((w) => w.text);
    // Every word of the issuing line is printed, on the page, inside the block, in reading order.
    const expected = issuing.split(" ");
    let at = 0;
    for (const word of printed) if (word === expected[at]) at++;
    expect(at, `printed: ${printed.join(" ")}`).toBe(expected.length);
    for (const w of left) {
      expect(w.xMin, w.text).toBeGreaterThanOrEqual(0);
      expect(w.xMax, w.text).toBeLessThan(nation.xMin);
    }
  });
});
