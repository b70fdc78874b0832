/**
 * The workbook routes inside workerd with a real D1: the ranking workbook (recomputable from its own provenance),
 * the template workbook, and uploads stored exactly as a push from the add-in (same entries, same content hash),
 * with hostile or misdirected files refused with their documented status.
 */
import { SELF } from "cloudflare:test";
import fc from "fast-check";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type BlocRow,
  blocRowFigures,
  demoEntries,
  demoPeriod,
  demoRulebook,
  demoTemplate,
  demoUnits,
  type Entry,
  entriesText,
  type SheetContext,
  validateEntries,
} from "../../shared/src/index.ts";
import { BOOK_STAMP, Repository, sheetTexts, storeBookStmts, storedCanonically } from "../src/repository.ts";
import { seedDemo } from "../src/seed.ts";
import { canonicalJson } from "../src/workbook/hash.ts";
import { readRankingBook, readUpload, templateWorkbook, verifyRanking, XLSX_MIME } from "../src/workbook/index.ts";
import { api, BOOT, call, DB, futureDeadline } from "./helpers.ts";

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

/** The workbook with its scoring sheet's XML edited (the sheet that holds the criteria: sheet1.xml). */
function editScoringSheet(bytes: Uint8Array, edit: (xml: string) => string): Uint8Array {
  const parts = unzipSync(bytes);
  parts["xl/worksheets/sheet1.xml"] = strToU8(edit(strFromU8(parts["xl/worksheets/sheet1.xml"]!)));
  return zipSync(parts);
}

/** The one-based row of a criterion in a template workbook, from its metadata. */
function rowOf(bytes: Uint8Array, code: string): number {
  const up = readUpload(bytes);
  if (!up.ok) throw new Error(up.detail);
  return up.meta.rows[code]! + 1;
}

const rowXml = (xml: string, r: number) => new RegExp(`<row r="${r}"[^>]*>([\\s\\S]*?)</row>`).exec(xml)!;

/** Swaps the cells of two rows, as moving one row above the other in Excel does. */
function swapRows(xml: string, a: number, b: number): string {
  const ra = rowXml(xml, a);
  const rb = rowXml(xml, b);
  const cellsA = ra[1]!.replaceAll(`r="A${a}"`, `r="A${b}"`);
  const cellsB = rb[1]!.replaceAll(`r="A${b}"`, `r="A${a}"`);
  return xml.replace(ra[0], ra[0].replace(ra[1]!, cellsB)).replace(rb[0], rb[0].replace(rb[1]!, cellsA));
}

/** Writes `code` as the text of column A on row `r`. */
function setCode(xml: string, r: number, code: string): string {
  return xml.replace(
    new RegExp(`<c r="A${r}"([^>]*?) t="s"><v>\\d+</v></c>`),
    `<c r="A${r}"$1 t="inlineStr"><is><t>${code}</t></is></c>`,
  );
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

  it("reads each score by the criterion code on its own row: rows moved in Excel keep their criteria", async () => {
    // Issue 11: I.1.b moved above I.1.a was stored as I.1.a = I.1.b's score with I.1.b's evidence.
    const unit = "cthads-tphcm";
    const entries = demoEntries(unit).map((e) =>
      e.criterion === "I.1.a"
        ? { ...e, score: 4, evidence: "Báo cáo I.1.a" }
        : e.criterion === "I.1.b"
          ? { ...e, score: 3, evidence: "Báo cáo I.1.b" }
          : e,
    );
    const original = filled(unit, entries);
    const swapped = editScoringSheet(original, (xml) =>
      swapRows(xml, rowOf(original, "I.1.a"), rowOf(original, "I.1.b")),
    );
    const r = await upload(unit, tokens.clerks[unit]!, swapped);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const stored = await api(
      "GET",
      `/periods/${PERIOD}/units/${unit}/submissions/${r.body.revision}`,
      tokens.secretariat,
    );
    const byCode = Object.fromEntries(
      stored.body.entries.map((e: { criterion: string; score: number; evidence: string }) => [e.criterion, e]),
    );
    expect(byCode["I.1.a"]).toMatchObject({ score: 4, evidence: "Báo cáo I.1.a" });
    expect(byCode["I.1.b"]).toMatchObject({ score: 3, evidence: "Báo cáo I.1.b" });
  });

  it("refuses a sheet whose criterion codes are missing, duplicated or unknown, listing the cells", async () => {
    const unit = "cthads-tphcm";
    const revisions = async () =>
      (await api("GET", `/periods/${PERIOD}/units/${unit}/submissions`, tokens.secretariat)).body.revisions.length;
    const before = await revisions();
    const bytes = filled(unit);
    const a = rowOf(bytes, "I.1.a");
    const b = rowOf(bytes, "I.1.b");
    // I.1.b's code overwritten with I.1.a: I.1.a twice, I.1.b nowhere.
    const dup = await upload(
      unit,
      tokens.clerks[unit]!,
      editScoringSheet(bytes, (x) => setCode(x, b, "I.1.a")),
    );
    expect(dup.status).toBe(422);
    expect(dup.body.error.details).toEqual([
      { code: "SHEET_CODE_DUPLICATED", criterion: "I.1.a", cell: `A${b}`, params: { cells: `A${a}, A${b}` } },
      { code: "SHEET_CODE_MISSING", criterion: "I.1.b", cell: `A${b}` },
    ]);
    expect(dup.body.error.message).toContain(`A${a}, A${b}`);
    expect(dup.body.error.messageEn).toContain("is on several rows");
    // A code that is no criterion of the template.
    const unknown = await upload(
      unit,
      tokens.clerks[unit]!,
      editScoringSheet(bytes, (x) => setCode(x, b, "I.1.z")),
    );
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details).toEqual([
      { code: "SHEET_CODE_MISSING", criterion: "I.1.b", cell: `A${b}` },
      { code: "SHEET_CODE_UNKNOWN", cell: `A${b}`, params: { code: "I.1.z" } },
    ]);
    // Nothing was stored.
    expect(await revisions()).toBe(before);
  });

  it("refuses a zip holding two parts of the same name", async () => {
    const unit = "cthads-tphcm";
    const parts = unzipSync(filled(unit));
    const sheet = parts["xl/worksheets/sheet1.xml"]!;
    // fflate writes one entry per key: build the archive twice and splice a second copy of the sheet's entry in by
    // renaming a same-length part name.
    const twice = zipSync({ ...parts, "xl/worksheets/sheet9.xml": sheet });
    const bytes = new Uint8Array(twice);
    const from = strToU8("xl/worksheets/sheet9.xml");
    const to = strToU8("xl/worksheets/sheet1.xml");
    for (let i = 0; i + from.length <= bytes.length; i++)
      if (from.every((c, k) => bytes[i + k] === c)) bytes.set(to, i);
    const r = await upload(unit, tokens.clerks[unit]!, bytes);
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({
      code: "UPLOAD_DUPLICATE_PART",
      params: { reason: "duplicate_part", name: "xl/worksheets/sheet1.xml" },
    });
    expect(r.body.error.message).toContain("hai thành phần cùng tên");
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

  it("reads an upload whose [Content_Types].xml hides a 120,000-character name in a tag, in bounded time", async () => {
    // The attack of issue 11: a clerk's own template with `<Default aaaa…(120,000 a)… Extension=…>` held the worker
    // 8.5 s (the attribute scan backtracked quadratically) before any other request could be answered.
    const unit = "ca-tphcm";
    const parts = unzipSync(filled(unit));
    const types = strFromU8(parts["[Content_Types].xml"]!);
    expect(types).toContain("<Default ");
    parts["[Content_Types].xml"] = strToU8(types.replace("<Default ", `<Default ${"a".repeat(120_000)} `));
    const hostile = zipSync(parts);
    expect(hostile.length).toBeLessThan(64 * 1024);
    const t0 = performance.now();
    const r = await upload(unit, tokens.clerks[unit]!, hostile);
    const ms = performance.now() - t0;
    // The file is otherwise the unit's own filled template: it is read and stored like any other.
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(ms, `${ms.toFixed(0)} ms`).toBeLessThan(1000);
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
    // The table route consolidates the sheets' scores alone (SQLite takes them out of the entries); the workbook
    // keeps every text. Both give the same table, to the matrix's last cell.
    const { state: _s, published: _p, ...served } = table.body;
    expect(served).toEqual(JSON.parse(JSON.stringify(v.table)));
    // As the pane and the web app print the table: no total and no rank for a unit that has not pushed a sheet.
    const printed = (table.body.rows as BlocRow[]).map((row) => blocRowFigures(row));
    expect(book.shown.map((s) => [s.unitId, s.rank, s.total])).toEqual(
      (table.body.rows as BlocRow[]).map((row, i) => [row.unitId, printed[i]!.rank, printed[i]!.total]),
    );
    expect(printed.some((f) => f.rank === null) && printed.some((f) => f.rank !== null)).toBe(true);
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
    expect(opened.headers.get("cache-control")).toBe("private, no-store");
    const bytes = new Uint8Array(await opened.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0x50, 0x4b]); // a zip: PK

    const sig = url.searchParams.get("sig")!;
    const exp = Number(url.searchParams.get("exp"));
    const link = url.searchParams.get("link")!;
    const tampered = [
      `?link=${link}&exp=${exp + 86400}&sig=${sig}`, // a longer life is not signed
      `?link=${link}&exp=${exp}&sig=${sig.slice(0, -2)}AA`,
      `?link=${link}&exp=${Math.floor(Date.now() / 1000) - 10}&sig=${sig}`, // expired
      `?link=${link}&exp=${exp}`,
      `?link=other&exp=${exp}&sig=${sig}`, // the signature names the link
      `?exp=${exp}&sig=${sig}`,
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

  /** Opens a link without a token; the status. */
  const open = async (url: string) => {
    const u = new URL(url);
    const r = await SELF.fetch(`http://thidua.test${u.pathname}${u.search}`);
    await r.arrayBuffer();
    return r.status;
  };

  it("dies with the token that made it", async () => {
    const made = await api("POST", "/tokens", BOOT, { role: "board", blocId: "khoi-viii", label: "Lãnh đạo tạm" });
    const link = await api("POST", `/periods/${PERIOD}/ranking-link`, made.body.token);
    expect(link.status).toBe(201);
    expect(await open(link.body.url)).toBe(200);
    expect((await api("DELETE", `/tokens/${made.body.id}`, tokens.secretariat)).status).toBe(200);
    expect(await open(link.body.url)).toBe(401);
  });

  it("can be revoked by the secretariat, one link or all of a period's, and is listed with who made it", async () => {
    const a = await api("POST", `/periods/${PERIOD}/ranking-link`, tokens.board);
    const b = await api("POST", `/periods/${PERIOD}/ranking-link`, tokens.board);
    const list = await api("GET", `/periods/${PERIOD}/links`, tokens.secretariat);
    expect(list.status).toBe(200);
    expect(list.body.links).toContainEqual(
      expect.objectContaining({ id: a.body.id, createdBy: expect.stringContaining("Lãnh đạo"), revokedAt: null }),
    );
    expect(JSON.stringify(list.body)).not.toContain(new URL(a.body.url).searchParams.get("sig")!);
    const one = await api("DELETE", `/periods/${PERIOD}/links/${a.body.id}`, tokens.secretariat);
    expect(one.status).toBe(200);
    expect(one.body.revokedAt).toEqual(expect.any(String));
    expect(await open(a.body.url)).toBe(401);
    expect(await open(b.body.url)).toBe(200);
    // The board may not revoke; another bloc's link id is unknown here.
    expect((await api("DELETE", `/periods/${PERIOD}/links/${b.body.id}`, tokens.board)).status).toBe(403);
    expect((await api("DELETE", `/periods/${PERIOD}/links/no-such-link`, tokens.secretariat)).status).toBe(404);
    const all = await api("DELETE", `/periods/${PERIOD}/links`, tokens.secretariat);
    expect(all.status).toBe(200);
    expect(all.body.revoked).toBeGreaterThanOrEqual(1);
    expect(await open(b.body.url)).toBe(401);
    const audit = await api("GET", `/periods/${PERIOD}/audit`, tokens.secretariat);
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toContain("link.revoke");
  });

  it("dies when the period is reopened", async () => {
    const id = `${PERIOD}-links`;
    expect((await api("POST", "/periods", BOOT, { ...demoPeriod(futureDeadline()), id })).status).toBe(201);
    for (const to of ["open", "review", "voting", "closed"])
      expect((await api("POST", `/periods/${id}/transitions`, BOOT, { to })).status, to).toBe(200);
    const link = await api("POST", `/periods/${id}/ranking-link`, tokens.board);
    expect(await open(link.body.url)).toBe(200);
    const reopened = await api("POST", `/periods/${id}/transitions`, BOOT, { to: "review", reason: "Sửa điểm" });
    expect(reopened.status).toBe(200);
    expect(await open(link.body.url)).toBe(401);
    // A link made after the reopening works.
    const fresh = await api("POST", `/periods/${id}/ranking-link`, tokens.board);
    expect(await open(fresh.body.url)).toBe(200);
  });
});

describe("the published ranking workbook", () => {
  const id = `${PERIOD}-book`;
  const download = (token = tokens.board) => fetchBytes(`/periods/${id}/ranking.xlsx`, token);
  const kept = async () =>
    (await DB.prepare("SELECT count(*) AS n FROM ranking_books WHERE period_id = ?").bind(id).first<{ n: number }>())!
      .n;
  const shared = (bytes: Uint8Array) => strFromU8(unzipSync(bytes)["xl/sharedStrings.xml"]!);
  /** The period's stamp as `BOOK_STAMP` (worker/src/repository.ts) computes it. */
  const stampNow = async () =>
    (await DB.prepare(`SELECT ${BOOK_STAMP} AS s FROM periods p WHERE p.id = ?`).bind(id).first<{ s: string }>())!.s;

  it("is made once after closing and every later download is that same file, until something it shows changes", async () => {
    expect((await api("POST", "/periods", BOOT, { ...demoPeriod(futureDeadline()), id })).status).toBe(201);
    expect((await api("POST", `/periods/${id}/transitions`, BOOT, { to: "open" })).status).toBe(200);
    for (const unit of ["ca-tphcm", "vks-tphcm"]) {
      const body = {
        templateId: demoTemplate.id,
        templateVersion: demoTemplate.version,
        baseRevision: null,
        clientId: `book-${unit}`,
        entries: demoEntries(unit),
      };
      const pushed = await api("POST", `/periods/${id}/units/${unit}/submissions`, tokens.clerks[unit]!, body);
      expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);
    }
    for (const to of ["review", "voting", "closed"])
      expect((await api("POST", `/periods/${id}/transitions`, BOOT, { to })).status, to).toBe(200);

    const first = await download();
    expect(first.status).toBe(200);
    expect(first.headers.get("content-disposition")).not.toContain("du-thao");
    const book = readRankingBook(first.bytes);
    if (!book.ok) throw new Error(book.problem);
    expect(verifyRanking(book.json, book.recorded, book.shown).problems).toEqual([]);
    expect(await kept()).toBeGreaterThan(0);
    // The board, a member unit's clerk and a download link all get the very same file (made at the first download).
    const again = await download();
    const clerk = await download(tokens.clerks["vks-tphcm"]!);
    const link = await api("POST", `/periods/${id}/ranking-link`, tokens.board);
    expect(link.status, JSON.stringify(link.body)).toBe(201);
    const u = new URL(link.body.url);
    const viaLink = new Uint8Array(
      await (await SELF.fetch(`http://thidua.test${u.pathname}${u.search}`)).arrayBuffer(),
    );
    for (const b of [again.bytes, clerk.bytes, viaLink]) expect(b).toEqual(first.bytes);
    // The bootstrap code reads no kept book and builds one (made now), but never replaces the one everyone got.
    const byBootstrap = await download(BOOT);
    expect(byBootstrap.status).toBe(200);
    expect((await download()).bytes).toEqual(first.bytes);

    // A unit's new name is shown at the next download: the kept file is not served stale.
    const renamed = "Viện Kiểm sát nhân dân Thành phố Hồ Chí Minh";
    const unit = demoUnits.find((x) => x.id === "vks-tphcm")!;
    expect((await api("PUT", "/units/vks-tphcm", BOOT, { name: renamed, shortName: unit.shortName })).status).toBe(200);
    const afterRename = await download();
    expect(shared(afterRename.bytes)).toContain(renamed);
    expect(shared(first.bytes)).not.toContain(renamed);
    expect((await api("PUT", "/units/vks-tphcm", BOOT, { name: unit.name, shortName: unit.shortName })).status).toBe(
      200,
    );

    // So is the bloc's new name.
    const bloc = (await api("GET", "/blocs/khoi-viii", BOOT)).body;
    const change = (name: string) => ({
      name,
      kind: bloc.kind,
      members: bloc.members,
      leaderUnitId: bloc.leaderUnitId,
      deputyUnitId: bloc.deputyUnitId,
    });
    const blocName = "Khối thi đua VIII (đổi tên)";
    expect((await api("PUT", "/blocs/khoi-viii", BOOT, change(blocName))).status).toBe(200);
    expect(shared((await download()).bytes)).toContain(blocName);
    expect((await api("PUT", "/blocs/khoi-viii", BOOT, change(bloc.name))).status).toBe(200);
    expect(shared((await download()).bytes)).not.toContain(blocName);

    // Reopened, it is a draft again (made per download); closed again, a new book is made once more.
    const kept1 = await download();
    const reopened = await api("POST", `/periods/${id}/transitions`, BOOT, { to: "review", reason: "Sửa điểm" });
    expect(reopened.status).toBe(200);
    const draft = await download();
    expect(draft.headers.get("content-disposition")).toContain("du-thao");
    for (const to of ["voting", "closed"])
      expect((await api("POST", `/periods/${id}/transitions`, BOOT, { to })).status, to).toBe(200);
    const second = await download();
    expect(second.headers.get("content-disposition")).not.toContain("du-thao");
    expect(second.bytes).not.toEqual(kept1.bytes);
    expect((await download()).bytes).toEqual(second.bytes);
  });

  it("a kept book of an earlier closing is never served", async () => {
    // As if the book had been written for the period's previous closing: its stamp no longer matches the period.
    await DB.prepare("UPDATE ranking_books SET stamp = '2017-01-01T00:00:00.000Z' WHERE period_id = ?").bind(id).run();
    const before = (await DB.prepare("SELECT built_at FROM ranking_books WHERE period_id = ?").bind(id).first<{
      built_at: string;
    }>())!.built_at;
    const r = await download();
    expect(r.status).toBe(200);
    const row = await DB.prepare("SELECT stamp, built_at FROM ranking_books WHERE period_id = ? AND part = 0")
      .bind(id)
      .first<{ stamp: string; built_at: string }>();
    expect(row?.stamp).not.toBe("2017-01-01T00:00:00.000Z");
    expect(row?.built_at).not.toBe(before);
  });

  it("a book built from rows read before a rename is not kept", async () => {
    // The stamp the authentication's batch reads before the data, then a unit renamed while the book is built.
    const before = await stampNow();
    const unit = demoUnits.find((x) => x.id === "btl-tphcm")!;
    expect(
      (await api("PUT", "/units/btl-tphcm", BOOT, { name: `${unit.name} (mới)`, shortName: unit.shortName })).status,
    ).toBe(200);
    expect(await stampNow()).not.toBe(before);
    await DB.prepare("DELETE FROM ranking_books WHERE period_id = ?").bind(id).run();
    await DB.batch(storeBookStmts(DB, id, before, "2017-12-31T00:00:00.000Z", new Uint8Array([1, 2, 3])));
    expect(await kept()).toBe(0);
    // Built from rows read after the stamp, it is kept.
    await DB.batch(storeBookStmts(DB, id, await stampNow(), "2017-12-31T00:00:00.000Z", new Uint8Array([1, 2, 3])));
    expect(await kept()).toBe(1);
    expect((await api("PUT", "/units/btl-tphcm", BOOT, { name: unit.name, shortName: unit.shortName })).status).toBe(
      200,
    );
  });

  it("a flag or a paper ballot that raced the period's closing stays out", async () => {
    // The routes refuse a closed period before writing; the write itself checks again (the period may close between
    // the two): nothing goes in, so the closed results and the kept workbook miss nothing.
    const repo = new Repository(DB).forPeriod({ id, blocId: "khoi-viii" });
    const [flag, ballot] = await DB.batch([
      repo.setFlags("ca-tphcm", { violation: true, withdrawn: false, reason: "Muộn" }, new Date().toISOString(), "x", [
        "review",
        "voting",
      ]),
      repo.insertBallot("raced-ballot", ["ca-tphcm"]),
    ]);
    expect([flag!.meta.changes, ballot!.meta.changes]).toEqual([0, 0]);
    const flags = await DB.prepare("SELECT count(*) AS n FROM flags WHERE period_id = ?")
      .bind(id)
      .first<{ n: number }>();
    expect(flags!.n).toBe(0);
    // And through the route: 423 with the state it found.
    const r = await api("PUT", `/periods/${id}/units/ca-tphcm/flags`, tokens.secretariat, {
      violation: true,
      withdrawn: false,
      reason: "Muộn",
    });
    expect(r.status).toBe(423);
  });

  it("a book kept in several parts comes back whole", async () => {
    const bytes = crypto.getRandomValues(new Uint8Array(2500));
    await DB.prepare("DELETE FROM ranking_books WHERE period_id = ?").bind(id).run();
    await DB.batch(storeBookStmts(DB, id, await stampNow(), "2017-12-31T00:00:00.000Z", bytes, 1000));
    expect(await kept()).toBe(4); // 3,336 base64 characters in parts of 1,000
    expect((await download()).bytes).toEqual(bytes);
  });
});

describe("the ranking workbook's provenance from the sheets as stored", () => {
  /** A sheet as the writer before `entriesText` stored it: the keys in the order criterion, score, evidence, note. */
  const oldText = (entries: readonly Entry[]) =>
    JSON.stringify(
      entries.map((e) => ({ criterion: e.criterion, score: e.score, evidence: e.evidence, note: e.note })),
    );
  const text = fc.string({
    unit: fc.constantFrom(
      "a",
      "ệ",
      "e\u0323\u0302",
      '"',
      "\\",
      "\n",
      "\u0001",
      "😀",
      "\ud800",
      " ",
      "\u0301",
      "\ud83a",
    ),
  });
  const entry = fc.record({
    criterion: fc.constantFrom("I.1", "I.2", "II.1.a", "X.1"),
    score: fc.option(fc.integer({ min: -10_000, max: 10_000 }), { nil: null }),
    evidence: text,
    note: text,
  });

  it("a sheet stored now is its canonical JSON, and a record of sheets stored either way gives the canonical text", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.stringMatching(/^[a-z0-9-]{1,12}$/),
          fc.tuple(fc.array(entry, { maxLength: 6 }), fc.boolean()),
        ),
        (units) => {
          const record: Record<string, Entry[]> = {};
          const rows = new Map<string, { entries: string }>();
          for (const [unit, [entries, before]] of Object.entries(units)) {
            // Texts as validation gives them are NFC; these need not be (decomposed marks), and still come out NFC.
            const stored = entries;
            record[unit] = stored;
            rows.set(unit, { entries: before ? oldText(stored) : entriesText(stored) });
            expect(entriesText(stored)).toBe(canonicalJson(stored));
            // Valid JSON whatever follows an escaped character ("\n" + U+0301 included), every text NFC.
            expect(JSON.parse(entriesText(stored))).toEqual(
              stored.map((e) => ({ ...e, evidence: e.evidence.normalize("NFC"), note: e.note.normalize("NFC") })),
            );
            expect(storedCanonically(entriesText(stored))).toBe(true);
            expect(storedCanonically(oldText(stored))).toBe(stored.length === 0);
          }
          const texts = sheetTexts(rows, canonicalJson).map(([u, s]) => [u, "text" in s ? s.text : null]);
          expect(Object.fromEntries(texts)).toEqual(
            Object.fromEntries(Object.entries(record).map(([u, e]) => [u, canonicalJson(e)])),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a workbook of sheets stored before and after, with and without cells, and a review, with awkward texts, verifies and keeps every text", async () => {
    const id = `${PERIOD}-texts`;
    expect((await api("POST", "/periods", BOOT, { ...demoPeriod(futureDeadline()), id })).status).toBe(201);
    expect((await api("POST", `/periods/${id}/transitions`, BOOT, { to: "open" })).status).toBe(200);
    // Decomposed Vietnamese (stored NFC), quotes, a backslash, a line break, a tab, an emoji, and a line break followed
    // by a combining mark (NFC as it is; NFC over its JSON text would have made `\ń`, not JSON).
    const awkward = 'Công văn "số 12\\KH"\nđính kèm\tbáo cáo Vie\u0323\u0302n 😀 \n\u0301';
    const sent: Record<string, ReturnType<typeof demoEntries>> = {};
    for (const unit of ["ca-tphcm", "vks-tphcm", "bdbp-tphcm"]) {
      sent[unit] = demoEntries(unit).map((e, i) =>
        i % 3 === 0 ? { ...e, evidence: `${awkward} ${i}`, note: "Ghi chú" } : e,
      );
      const body = {
        templateId: demoTemplate.id,
        templateVersion: demoTemplate.version,
        baseRevision: null,
        clientId: `texts-${unit}`,
        entries: sent[unit],
      };
      const pushed = await api("POST", `/periods/${id}/units/${unit}/submissions`, tokens.clerks[unit]!, body);
      expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);
    }
    const stored = async (unit: string) =>
      (await DB.prepare("SELECT entries FROM submissions WHERE period_id = ? AND unit_id = ?")
        .bind(id, unit)
        .first<{ entries: string }>())!.entries;
    expect(storedCanonically(await stored("ca-tphcm"))).toBe(true);
    // A sheet pushed now keeps its text as the workbook takes it (migration 0010, `book_cells`).
    const cells = await DB.prepare("SELECT unit_id FROM submissions WHERE period_id = ? AND book_cells IS NOT NULL")
      .bind(id)
      .all<{ unit_id: string }>();
    expect(cells.results.map((r) => r.unit_id).sort()).toEqual(Object.keys(sent).sort());
    // One sheet as the writer before round 6 stored it (another key order, no cells), one as stored before 0010 (no
    // cells): the workbook takes their texts.
    const before = oldText(JSON.parse(await stored("vks-tphcm")) as Entry[]);
    await DB.prepare("UPDATE submissions SET entries = ?, book_cells = NULL WHERE period_id = ? AND unit_id = ?")
      .bind(before, id, "vks-tphcm")
      .run();
    await DB.prepare("UPDATE submissions SET book_cells = NULL WHERE period_id = ? AND unit_id = ?")
      .bind(id, "ca-tphcm")
      .run();
    expect(storedCanonically(await stored("vks-tphcm"))).toBe(false);
    expect((await api("POST", `/periods/${id}/transitions`, BOOT, { to: "review" })).status).toBe(200);
    const reviewed = demoEntries("bdbp-tphcm").map((e, i) => (i === 0 ? { ...e, evidence: awkward } : e));
    const review = await api("PUT", `/periods/${id}/units/bdbp-tphcm/review`, tokens.secretariat, {
      baseRevision: null,
      clientId: "texts-review-1",
      entries: reviewed,
      note: "Thẩm định lại",
    });
    expect(review.status, JSON.stringify(review.body)).toBe(200);

    const r = await fetchBytes(`/periods/${id}/ranking.xlsx`, tokens.board);
    expect(r.status).toBe(200);
    const book = readRankingBook(r.bytes);
    if (!book.ok) throw new Error(book.problem);
    expect(verifyRanking(book.json, book.recorded, book.shown).problems).toEqual([]);
    const inputs = JSON.parse(book.json) as { submissions: Record<string, Entry[]>; reviews: Record<string, Entry[]> };
    for (const unit of Object.keys(sent)) {
      expect(inputs.submissions[unit]!.map((e) => e.evidence)).toEqual(
        sent[unit]!.map((e) => (e.evidence ?? "").normalize("NFC")),
      );
      expect(inputs.submissions[unit]![0]!.note).toBe("Ghi chú");
    }
    expect(inputs.reviews["bdbp-tphcm"]![0]!.evidence).toBe(awkward.normalize("NFC"));
    // The table the workbook recomputes from its inputs is the bloc table's.
    const table = await api("GET", `/periods/${id}/table`, tokens.board);
    const { state: _s, published: _p, ...served } = table.body;
    expect(served).toEqual(JSON.parse(JSON.stringify(verifyRanking(book.json, book.recorded, book.shown).table)));
  });
});
