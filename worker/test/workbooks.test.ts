/**
 * The workbook routes inside workerd with a real D1: the ranking workbook (recomputable from its own provenance),
 * the template workbook, and uploads stored exactly as a push from the add-in (same entries, same content hash),
 * with hostile or misdirected files refused with their documented status.
 */
import { SELF } from "cloudflare:test";
import { strToU8, zipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import {
  demoEntries,
  demoPeriod,
  demoRulebook,
  demoTemplate,
  demoUnits,
  type SheetContext,
  validateEntries,
} from "../../shared/src/index.ts";
import { seedDemo } from "../src/seed.ts";
import { readRankingBook, readUpload, templateWorkbook, verifyRanking, XLSX_MIME } from "../src/workbook/index.ts";
import { api, BOOT, call, futureDeadline } from "./helpers.ts";

const PERIOD = demoPeriod().id;
let tokens: Awaited<ReturnType<typeof seedDemo>>["tokens"];

function sheetCtx(unitId: string): SheetContext {
  return {
    blocName: "Khối thi đua VIII",
    unitName: demoUnits.find((u) => u.id === unitId)!.name,
    unitId,
    periodId: PERIOD,
    year: 2017,
    bonusCap: demoRulebook.bonusCap,
  };
}

/** A template workbook filled as a clerk would fill it (the writer prefilled with the entries). */
function filled(unitId: string, entries = demoEntries(unitId)): Uint8Array {
  return templateWorkbook(demoTemplate, sheetCtx(unitId), validateEntries(demoTemplate, entries).entries);
}

async function fetchBytes(path: string, token: string) {
  const r = await SELF.fetch(`http://thidua.test/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, headers: r.headers, bytes: new Uint8Array(await r.arrayBuffer()) };
}

async function upload(unitId: string, token: string, body: BodyInit, type = XLSX_MIME) {
  const r = await SELF.fetch(`http://thidua.test/api/v1/periods/${PERIOD}/units/${unitId}/upload`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, ...(type ? { "content-type": type } : {}) },
    body,
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers loosely
  return { status: r.status, headers: r.headers, body: (await r.json()) as any };
}

beforeAll(async () => {
  const seed = await seedDemo(call, BOOT, futureDeadline());
  tokens = seed.tokens;
});

describe("workbooks", () => {
  it("uploads a filled template: stored like the equivalent push (same entries, same content hash)", async () => {
    const unit = "vks-tphcm";
    const clerk = tokens.clerks[unit]!;
    const up = await upload(unit, clerk, filled(unit));
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body).toMatchObject({ unitId: unit, revision: 1, sheet: { name: "Tự chấm điểm" } });
    const push = await api("POST", `/periods/${PERIOD}/units/${unit}/submissions`, clerk, {
      templateId: demoTemplate.id,
      templateVersion: demoTemplate.version,
      baseRevision: 1,
      clientId: "same-as-upload-0001",
      entries: demoEntries(unit),
    });
    expect(push.status).toBe(201);
    expect(push.body.contentHash).toBe(up.body.contentHash);
    expect(push.body.totals).toEqual(up.body.totals);
    const list = await api("GET", `/periods/${PERIOD}/units/${unit}/submissions/1`, clerk);
    const again = await api("GET", `/periods/${PERIOD}/units/${unit}/submissions/2`, clerk);
    expect(list.body.entries).toEqual(again.body.entries);
    const audit = await api("GET", `/periods/${PERIOD}/audit`, tokens.secretariat);
    expect(JSON.stringify(audit.body)).toContain('"source":"upload"');
  });

  it("the same file sent twice is stored once", async () => {
    const unit = "btl-tphcm";
    const bytes = filled(unit);
    const first = await upload(unit, tokens.secretariat, bytes);
    const second = await upload(unit, tokens.secretariat, bytes);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get("x-idempotent-replay")).toBe("true");
    expect(second.body.revision).toBe(first.body.revision);
  });

  it("accepts a multipart form with a `file` field", async () => {
    const unit = "tand-tphcm";
    const form = new FormData();
    form.append("file", new File([filled(unit) as Uint8Array<ArrayBuffer>], "bang-diem.xlsx", { type: XLSX_MIME }));
    const r = await upload(unit, tokens.clerks[unit]!, form, "");
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  });

  it("points errors at the cells of the uploaded sheet", async () => {
    const unit = "pccc-tphcm";
    const entries = demoEntries(unit).map((e) => (e.criterion === "I.1.b" ? { ...e, score: 3.3 } : e));
    const r = await upload(unit, tokens.clerks[unit]!, filled(unit, entries));
    expect(r.status).toBe(422);
    expect(r.body.error.details).toEqual([
      expect.objectContaining({
        code: "SCORE_NOT_MULTIPLE_OF_STEP",
        criterion: "I.1.b",
        cell: expect.stringMatching(/^D\d+$/),
      }),
    ]);
    // The web app says "sheet Tự chấm điểm, cell D12": the answer names the sheet the cells belong to.
    expect(r.body.error.params.sheet).toBe("Tự chấm điểm");
  });

  it("refuses a file of another unit or period with the reason", async () => {
    const r = await upload("ca-tphcm", tokens.secretariat, filled("vks-tphcm"));
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({
      code: "SHEET_WRONG_UNIT",
      params: { received: "vks-tphcm", expected: "ca-tphcm" },
    });
    const other = templateWorkbook(demoTemplate, { ...sheetCtx("ca-tphcm"), periodId: "khoi-viii-2016" });
    const p = await upload("ca-tphcm", tokens.secretariat, other);
    expect(p.body.error).toMatchObject({ code: "SHEET_WRONG_PERIOD" });
  });

  it("refuses hostile or wrong uploads with their documented status", async () => {
    const sec = tokens.secretariat;
    const random = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
    expect((await upload("ca-tphcm", sec, random)).status).toBe(415);
    expect((await upload("ca-tphcm", sec, "{}", "application/json")).body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const bomb = zipSync({ "[Content_Types].xml": new Uint8Array(40 * 1024 * 1024).fill(0x20) });
    const b = await upload("ca-tphcm", sec, bomb);
    expect(b.status).toBe(413);
    expect(b.body.error.code).toBe("UPLOAD_ZIP_BOMB");
    expect(b.body.error.messageEn).toBe("The upload was refused: the file inflates to too much data (zip bomb).");
    expect(b.body.error.message).toContain("zip bomb");
    const docx = zipSync({ "word/document.xml": strToU8("<w/>") });
    expect((await upload("ca-tphcm", sec, docx)).status).toBe(415);
    const tooBig = new Uint8Array(3 * 1024 * 1024);
    expect((await upload("ca-tphcm", sec, tooBig)).status).toBe(413);
  });

  it("serves the template workbook, recognised when it comes back", async () => {
    const unit = "bdbp-tphcm";
    const r = await fetchBytes(`/periods/${PERIOD}/units/${unit}/template.xlsx`, tokens.clerks[unit]!);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe(XLSX_MIME);
    const up = readUpload(r.bytes);
    expect(up.ok && up.meta).toMatchObject({ unitId: unit, periodId: PERIOD, templateVersion: demoTemplate.version });
  });

  it("serves the ranking workbook to the board, recomputable from its provenance; clerks wait for publication", async () => {
    const r = await fetchBytes(`/periods/${PERIOD}/ranking.xlsx`, tokens.board);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-disposition")).toContain("du-thao");
    const book = readRankingBook(r.bytes);
    if (!book.ok) throw new Error(book.problem);
    const v = verifyRanking(book.json, book.recorded, book.shown);
    expect(v.problems).toEqual([]);
    const table = await api("GET", `/periods/${PERIOD}/table`, tokens.board);
    expect(book.shown.map((s) => [s.unitId, s.rank, s.total])).toEqual(
      table.body.rows.map((row: { unitId: string; rank: number; total: number }) => [row.unitId, row.rank, row.total]),
    );
    const clerk = await fetchBytes(`/periods/${PERIOD}/ranking.xlsx`, tokens.clerks["vks-tphcm"]!);
    expect(clerk.status).toBe(403);
  });
});

describe("the board's download link", () => {
  it("opens the ranking workbook without a token, for that period only, and refuses a tampered or expired link", async () => {
    const made = await api("POST", `/periods/${PERIOD}/ranking-link`, tokens.board);
    expect(made.status).toBe(201);
    const url = new URL(made.body.url);
    expect(url.pathname).toBe(`/api/v1/periods/${PERIOD}/ranking.xlsx`);
    expect(Date.parse(made.body.expiresAt) - Date.now()).toBeGreaterThan(29 * 86400_000);

    const opened = await SELF.fetch(`http://thidua.test${url.pathname}${url.search}`);
    expect(opened.status).toBe(200);
    expect(opened.headers.get("content-type")).toBe(XLSX_MIME);
    const bytes = new Uint8Array(await opened.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0x50, 0x4b]); // a zip: PK

    const sig = url.searchParams.get("sig")!;
    const exp = Number(url.searchParams.get("exp"));
    const tampered = [
      `?exp=${exp + 86400}&sig=${sig}`, // a longer life is not signed
      `?exp=${exp}&sig=${sig.slice(0, -2)}AA`,
      `?exp=${Math.floor(Date.now() / 1000) - 10}&sig=${sig}`, // expired
      `?exp=${exp}`,
    ];
    for (const q of tampered) {
      const r = await SELF.fetch(`http://thidua.test${url.pathname}${q}`);
      expect(r.status, q).toBe(401);
    }
    // The signature names the period: it does not open another one.
    const other = await SELF.fetch(`http://thidua.test/api/v1/periods/other-period/ranking.xlsx${url.search}`);
    expect([401, 404]).toContain(other.status);
    // A clerk may not make a link before publication.
    const clerk = await api("POST", `/periods/${PERIOD}/ranking-link`, tokens.clerks["vks-tphcm"]!);
    expect(clerk.status).toBe(403);
  });
});
