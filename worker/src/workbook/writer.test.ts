import { describe, expect, it } from "vitest";
import { readWorkbook } from "./reader.ts";
import { Workbook } from "./writer.ts";
import { crc32, crc32Js, NATIVE_DEFLATE } from "./zipwrite.ts";

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
