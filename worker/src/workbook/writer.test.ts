import fc from "fast-check";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { demoEntries, demoTemplate, validateEntries } from "../../../shared/src/index.ts";
import { readWorkbook } from "./reader.ts";
import { templateWorkbook } from "./template.ts";
import { Workbook } from "./writer.ts";
import { walkXml } from "./xml.ts";
import { crc32, crc32Combine, crc32Js, type Deflated, deflatePiece, NATIVE_DEFLATE, zipParts } from "./zipwrite.ts";

/** A small book with the kinds of cells the writer emits, a gap in a row and a bulk sheet. */
function sample(): Workbook {
  const wb = new Workbook();
  const s = wb.addSheet("Bảng");
  const bold = wb.styles.add({ font: { bold: true } });
  s.set(0, 0, "Đơn vị", bold).set(0, 1, "Điểm", bold);
  s.set(1, 0, "=SUM(A1)").set(1, 1, 95.5).set(1, 3, true);
  s.formula(2, 1, "=B2*2", 191).style(2, 4, bold);
  s.set(4, 2, "x".repeat(5000));
  const bulk = wb.addSheet("_bulk");
  bulk.bulk = true;
  bulk.state = "veryHidden";
  bulk.set(0, 0, '{"a":"<&>"}'.repeat(500));
  return wb;
}

describe("zip writer", () => {
  it("the native and the portable (fflate) paths write the same cells", () => {
    const wb = sample();
    const a = readWorkbook(wb.toBytes());
    const b = readWorkbook(wb.toBytes(false));
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.book).toEqual(b.book);
    const grid = a.book.sheets[0]!.grid;
    expect(grid[1]).toEqual(["=SUM(A1)", 95.5, null, true]);
    expect(grid[2]![1]).toBe(191);
    expect(a.book.sheets[1]!.grid[0]![0]).toBe('{"a":"<&>"}'.repeat(500));
  });

  it("deflates the bulk sheet natively, stores it with fflate", () => {
    const level = (native: boolean) =>
      sample()
        .parts(native)
        .find((p) => p.name === "xl/worksheets/sheet2.xml")!.level;
    expect(level(true)).toBeGreaterThan(0);
    expect(level(false)).toBe(0);
    expect(NATIVE_DEFLATE).toBe(true); // Node 22 has process.getBuiltinModule("node:zlib")
  });

  it("CRC-32 in JavaScript equals the native one", () => {
    const data = new TextEncoder().encode("Cộng hòa xã hội chủ nghĩa Việt Nam ".repeat(37));
    for (const n of [0, 1, 7, 8, 9, 63, 64, 1000, data.length])
      expect(crc32Js(data.subarray(0, n))).toBe(crc32(data.subarray(0, n)));
    expect(crc32Js(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });
});

describe("a part in pieces deflated apart (a stored sheet's cells)", () => {
  const bytes = fc.uint8Array({ maxLength: 3000 });

  it("the CRC-32 of two byte strings joined is combined from theirs", () => {
    fc.assert(
      fc.property(bytes, bytes, (a, b) => {
        const ab = new Uint8Array(a.length + b.length);
        ab.set(a);
        ab.set(b, a.length);
        expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(crc32(ab));
      }),
      { numRuns: 300 },
    );
    // Lengths past 64 KiB and 16 MiB take more squarings.
    const big = new Uint8Array(17 * 1024 * 1024).map((_, i) => (i * 7919) & 0xff);
    const cut = 5 * 1024 * 1024 + 3;
    expect(crc32Combine(crc32(big.subarray(0, cut)), crc32(big.subarray(cut)), big.length - cut)).toBe(crc32(big));
  });

  it("pieces deflated beforehand and bytes between them unzip to the part, natively and with fflate", () => {
    const piece = fc.tuple(fc.boolean(), fc.oneof(bytes, fc.uint8Array({ minLength: 1024, maxLength: 70_000 })));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (list) => {
        const pieces: (Uint8Array | Deflated)[] = list.map(([deflated, b]) => (deflated ? deflatePiece(b)! : b));
        const whole = new Uint8Array(list.reduce((n, [, b]) => n + b.length, 0));
        let o = 0;
        for (const [, b] of list) {
          whole.set(b, o);
          o += b.length;
        }
        for (const native of [true, false]) {
          const zip = zipParts([{ name: "a.xml", data: new Uint8Array(0), level: 1, pieces }], native);
          // fflate checks the CRC-32 and the sizes against the data it inflates.
          expect(unzipSync(zip)["a.xml"]).toEqual(whole);
        }
      }),
      { numRuns: 60 },
    );
  });
});

/** Every text cell of every sheet with whether its style carries `quotePrefix="1"`. */
function textCells(bytes: Uint8Array): { text: string; quoted: boolean }[] {
  const parts = unzipSync(bytes);
  const quoted: boolean[] = [];
  let inXfs = false;
  walkXml(strFromU8(parts["xl/styles.xml"]!), (e) => {
    if (e.type === "open" && e.name === "cellXfs") inXfs = true;
    else if (e.type === "close" && e.name === "cellXfs") inXfs = false;
    else if (e.type === "open" && e.name === "xf" && inXfs) quoted.push(e.attrs.quotePrefix === "1");
    return undefined;
  });
  const sst: string[] = [];
  walkXml(strFromU8(parts["xl/sharedStrings.xml"]!), (e) => {
    if (e.type === "open" && e.name === "si") sst.push("");
    else if (e.type === "text") sst[sst.length - 1] += e.text;
    return undefined;
  });
  const out: { text: string; quoted: boolean }[] = [];
  for (const [name, part] of Object.entries(parts)) {
    if (!name.startsWith("xl/worksheets/")) continue;
    let cell: { s: number; t: string } | null = null;
    let text = "";
    walkXml(strFromU8(part), (e) => {
      if (e.type === "open" && e.name === "c") {
        cell = { s: Number(e.attrs.s ?? 0), t: e.attrs.t ?? "n" };
        text = "";
      } else if (e.type === "text" && cell) text += e.text;
      else if (e.type === "close" && e.name === "c" && cell) {
        const c = cell as { s: number; t: string };
        if (c.t === "s") out.push({ text: sst[Number(text)]!, quoted: quoted[c.s]! });
        else if (c.t === "inlineStr") out.push({ text, quoted: quoted[c.s]! });
        cell = null;
      }
      return undefined;
    });
  }
  return out;
}

describe("template workbook", () => {
  it("gives every prefilled text cell that looks like a formula the quote prefix, so editing it keeps it text", () => {
    const looks = ['=HYPERLINK("http://x","x")', "+84 28 3829 0000", "-5 do vi phạm", "@ban-tdkt", "=1+1"];
    const entries = demoEntries("vks-tphcm").map((e, i) => ({
      ...e,
      evidence: looks[i % 5]!,
      note: looks[(i + 2) % 5]!,
    }));
    const ctx = {
      blocName: "Khối thi đua VIII",
      unitName: "Viện KSND",
      unitId: "vks-tphcm",
      periodId: "khoi-viii-2017",
      year: 2017,
      bonusCap: 5,
    };
    const cells = textCells(templateWorkbook(demoTemplate, ctx, validateEntries(demoTemplate, entries).entries));
    const formulaLike = cells.filter((c) => /^[=+\-@\t\r]/.test(c.text));
    expect(formulaLike.length).toBeGreaterThanOrEqual(2 * entries.length);
    expect(formulaLike.filter((c) => !c.quoted)).toEqual([]);
    // Other text keeps its plain style.
    expect(cells.find((c) => c.text.startsWith("Khối thi đua"))?.quoted).toBe(false);
  });
});
