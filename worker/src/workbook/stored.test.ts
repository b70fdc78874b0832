import { constants, inflateRawSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "./hash.ts";
import { BOOK_ROW_BUDGET, storedSheet, storedSheetOf } from "./stored.ts";
import { escapeJsonText } from "./xml.ts";
import { crc32 } from "./zipwrite.ts";

/** A canonical entries text with the given evidence. */
const sheet = (evidence: string) =>
  JSON.stringify([
    { criterion: "I.1", evidence, note: "", score: 150 },
    { criterion: "I.2", evidence: "", note: "Ghi chú & <b>", score: null },
  ]);

describe("a sheet's text as stored for the ranking workbook (book_cells)", () => {
  it("keeps its hash and cells: each cell inflates to its escaped text, and the cells make the text", () => {
    const text = fc.string({ unit: fc.constantFrom("a", "ệ", "😀", "&", "<", "_x0041_", " ", "="), maxLength: 70_000 });
    fc.assert(
      fc.property(text, (evidence) => {
        const t = sheet(evidence);
        const stored = storedSheetOf(storedSheet(t)!);
        expect(stored.hash).toBe(sha256Hex(t));
        let joined = "";
        for (const c of stored.cells) {
          expect(c.chars).toBeLessThanOrEqual(30_000);
          // A sync-flushed piece inflates on its own.
          const bytes = inflateRawSync(c.z, { finishFlush: constants.Z_SYNC_FLUSH });
          expect(bytes.length).toBe(c.size);
          expect(crc32(bytes)).toBe(c.crc);
          const escaped = new TextDecoder().decode(bytes);
          const chunk = t.slice(joined.length, joined.length + c.chars);
          expect(escaped).toBe(escapeJsonText(chunk));
          expect(c.first).toBe(chunk.slice(0, 1));
          joined += chunk;
        }
        expect(joined).toBe(t);
      }),
      { numRuns: 40 },
    );
  });

  it("stores no cells where the text and its cells would not fit in a D1 row together", () => {
    // Long texts that deflate poorly (random letters of a big alphabet), near the 2 MiB a push may carry.
    let seed = 7;
    const random = (n: number) =>
      Array.from({ length: n }, () => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return String.fromCharCode(0x4e00 + ((seed >>> 8) % 5000));
      }).join("");
    const poor = sheet(random(350_000)); // about 1 MB of UTF-8, cells of about as much again
    expect(new TextEncoder().encode(poor).length).toBeLessThan(BOOK_ROW_BUDGET);
    expect(storedSheet(poor)).toBeNull();
    // The same length of text that deflates well fits with its cells.
    const good = sheet("Báo cáo số 12/BC-ĐV ngày 30/11/2017. ".repeat(9_000));
    const cells = storedSheet(good);
    expect(cells).not.toBeNull();
    expect(new TextEncoder().encode(good).length + cells!.length).toBeLessThanOrEqual(BOOK_ROW_BUDGET);
    // Over the budget by itself: no cells.
    expect(storedSheet(sheet("ệ".repeat(700_000)))).toBeNull();
  });
});
