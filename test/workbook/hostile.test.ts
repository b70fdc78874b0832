/**
 * Hostile uploads: each is refused, quickly and within bounded memory, with its documented reason and status
 * (413 for size, 415 for what is not an .xlsx, 422 for a readable but unusable file).
 */
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { consolidate, demoPeriod, demoRulebook, demoTemplate, messageFor } from "../../shared/src/index.ts";
import {
  DEFAULT_UPLOAD_LIMITS,
  rankingWorkbook,
  readUpload,
  templateWorkbook,
} from "../../worker/src/workbook/index.ts";
import { demoInput, rankingContext } from "./fixtures.ts";
import { SOFFICE, toXls } from "./libreoffice.ts";

const ctx = {
  blocName: "Khối VIII",
  unitName: "Viện KSND TP",
  unitId: "vks-tphcm",
  periodId: demoPeriod().id,
  year: 2017,
  bonusCap: demoRulebook.bonusCap,
};
const template = () => templateWorkbook(demoTemplate, ctx);

/** Replaces parts of a valid template workbook. */
function withParts(parts: Record<string, string | Uint8Array>, level: 0 | 9 = 9): Uint8Array {
  const files = unzipSync(template());
  for (const [k, v] of Object.entries(parts)) files[k] = typeof v === "string" ? strToU8(v) : new Uint8Array(v);
  return zipSync(files, { level });
}

/** Lies about the uncompressed sizes in the central directory and local headers, as a zip bomb does. */
function declareSmallSizes(zip: Uint8Array): Uint8Array {
  const out = zip.slice();
  const dv = new DataView(out.buffer);
  for (let i = 0; i + 4 <= out.length; i++) {
    const sig = dv.getUint32(i, true);
    if (sig === 0x02014b50) dv.setUint32(i + 24, 1000, true);
    else if (sig === 0x04034b50) dv.setUint32(i + 22, 1000, true);
  }
  return out;
}

function refused(bytes: Uint8Array) {
  const t = performance.now();
  const r = readUpload(bytes);
  const ms = performance.now() - t;
  if (r.ok) throw new Error("accepted");
  expect(ms).toBeLessThan(2000);
  return r;
}

describe("hostile uploads", () => {
  it("a zip bomb (declared small, inflating to 100 MB) is refused as 413 zip_bomb", () => {
    const bomb = new Uint8Array(100 * 1024 * 1024).fill(0x20);
    const bytes = declareSmallSizes(withParts({ "xl/worksheets/sheet1.xml": bomb }));
    expect(bytes.length).toBeLessThan(DEFAULT_UPLOAD_LIMITS.maxCompressed);
    const r = refused(bytes);
    expect(r).toMatchObject({ reason: "zip_bomb", status: 413, error: { code: "UPLOAD_ZIP_BOMB" } });
  });

  it("many small parts that together inflate too much are refused as 413 zip_bomb", () => {
    // Each part stays under the per-part budget; together they exceed the total budget.
    const part = new Uint8Array(15 * 1024 * 1024).fill(0x20);
    const parts = { "xl/sharedStrings.xml": part, "xl/worksheets/sheet1.xml": part, "xl/worksheets/sheet2.xml": part };
    expect(refused(withParts(parts))).toMatchObject({ reason: "zip_bomb", status: 413 });
  });

  it("huge shared strings are refused as 413 shared_strings_too_large", () => {
    const si = Array.from({ length: 60_000 }, (_, i) => `<si><t>s${i}</t></si>`).join("");
    const sst = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${si}</sst>`;
    expect(refused(withParts({ "xl/sharedStrings.xml": sst }))).toMatchObject({
      reason: "shared_strings_too_large",
      status: 413,
    });
  });

  it("one enormous shared string is refused as 413 shared_strings_too_large", () => {
    const sst = `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>${"x".repeat(5_000_000)}</t></si></sst>`;
    expect(refused(withParts({ "xl/sharedStrings.xml": sst }))).toMatchObject({ reason: "shared_strings_too_large" });
  });

  it("too many cells are refused as 413 too_many_cells", () => {
    const rows = Array.from({ length: 2100 }, (_, r) => {
      const cells = Array.from({ length: 100 }, (_, c) => `<c><v>${c}</v></c>`).join("");
      return `<row r="${r + 1}">${cells}</row>`;
    }).join("");
    const sheet = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`;
    expect(refused(withParts({ "xl/worksheets/sheet1.xml": sheet }))).toMatchObject({
      reason: "too_many_cells",
      status: 413,
    });
  });

  it("cells far out (column XFD on every row, row 1,048,576) are read in bounded time and memory", () => {
    const rows = Array.from({ length: 2000 }, (_, r) => `<row r="${r + 1}"><c r="XFD${r + 1}"><v>1</v></c></row>`);
    rows.push('<row r="1048576"><c r="A1048576"><v>1</v></c></row>');
    const sheet = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows.join("")}</sheetData></worksheet>`;
    const bytes = withParts({ "xl/worksheets/sheet1.xml": sheet });
    const heap = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    readUpload(bytes);
    // Before the fix this took 2.7 s and 189 MB of heap (a Worker has 128 MB).
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(48 * 1024 * 1024);
  });

  it("too many zip entries are refused as 413 too_many_entries", () => {
    const parts: Record<string, string> = {};
    for (let i = 0; i < 300; i++) parts[`junk/${i}.xml`] = "<x/>";
    expect(refused(withParts(parts))).toMatchObject({ reason: "too_many_entries", status: 413 });
  });

  it("a body over the size limit is refused as 413 too_large before any parsing", () => {
    const big = new Uint8Array(DEFAULT_UPLOAD_LIMITS.maxCompressed + 1);
    big.set([0x50, 0x4b, 0x03, 0x04]);
    expect(refused(big)).toMatchObject({ reason: "too_large", status: 413, error: { code: "PAYLOAD_TOO_LARGE" } });
  });

  it("random bytes are refused as 415 not_xlsx", () => {
    let s = 42;
    const bytes = new Uint8Array(20_000).map(() => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s >>> 24;
    });
    expect(refused(bytes)).toMatchObject({
      reason: "not_xlsx",
      status: 415,
      error: { code: "UPLOAD_NOT_XLSX" },
    });
  });

  it("a zip that is not a spreadsheet (a Word document) is refused as 415 wrong_content_type", () => {
    const files = unzipSync(template());
    const types = strFromU8(files["[Content_Types].xml"]!).replace(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    );
    expect(refused(withParts({ "[Content_Types].xml": types }))).toMatchObject({
      reason: "wrong_content_type",
      status: 415,
    });
    expect(refused(zipSync({ "hello.txt": strToU8("xin chào") }))).toMatchObject({ reason: "wrong_content_type" });
  });

  it("a password-protected workbook (OLE2 EncryptedPackage) is refused as 422 encrypted", () => {
    // The container Excel writes for a password-protected .xlsx: an OLE2 compound file with these two streams.
    const bytes = new Uint8Array(4096);
    bytes.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    const name = (s: string, at: number) => {
      for (let i = 0; i < s.length; i++) bytes[at + i * 2] = s.charCodeAt(i);
    };
    name("Root Entry", 1024);
    name("EncryptionInfo", 1152);
    name("EncryptedPackage", 1280);
    expect(refused(bytes)).toMatchObject({ reason: "encrypted", status: 422, error: { code: "UPLOAD_ENCRYPTED" } });
  });

  it("a part declaring a DTD (entity expansion, external entities) is refused as 422 dtd", () => {
    const wb = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>`;
    expect(refused(withParts({ "xl/workbook.xml": wb }))).toMatchObject({ reason: "dtd", status: 422 });
    const ext = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><sst>&e;</sst>`;
    expect(refused(withParts({ "xl/sharedStrings.xml": ext }))).toMatchObject({ reason: "dtd" });
  });

  it("a truncated file is refused as 422 corrupt (or 415 when nothing of a zip is left)", () => {
    const t = template();
    const r = refused(t.subarray(0, Math.floor(t.length * 0.7)));
    expect(["corrupt", "not_xlsx"]).toContain(r.reason);
  });

  it("a workbook that is not a thidua sheet (the ranking workbook) is refused as 422 not_recognised", () => {
    const input = demoInput();
    expect(refused(rankingWorkbook(consolidate(input), rankingContext(input, "closed")))).toMatchObject({
      reason: "not_recognised",
      status: 422,
      error: { code: "SHEET_NOT_RECOGNISED" },
    });
  });

  it.skipIf(!SOFFICE)("a real .xls (Excel 97-2003, written by LibreOffice) is refused as 415 xls", () => {
    expect(refused(toXls(template()))).toMatchObject({ reason: "xls", status: 415 });
  });

  it("says why in the reader's language: no Vietnamese in the English text, Vietnamese in the Vietnamese one", () => {
    const vietnamese = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i;
    const bomb = declareSmallSizes(withParts({ "xl/worksheets/sheet1.xml": new Uint8Array(20 * 1024 * 1024) }));
    const dtd = withParts({ "xl/sharedStrings.xml": '<?xml version="1.0"?><!DOCTYPE x []><sst/>' });
    const notSheet = zipSync({ "hello.txt": strToU8("xin chào") });
    const t = template();
    const seen = new Set<string>();
    for (const bytes of [bomb, dtd, notSheet, new Uint8Array(100), t.subarray(0, Math.floor(t.length * 0.7))]) {
      const { error, reason } = refused(bytes);
      seen.add(reason);
      expect(error.params).toEqual({ reason });
      expect(messageFor(error, "en")).not.toMatch(vietnamese);
      expect(messageFor(error, "vi")).toMatch(vietnamese);
    }
    expect(seen.size).toBeGreaterThanOrEqual(4);
  });
});
