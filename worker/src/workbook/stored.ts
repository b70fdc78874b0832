/**
 * A sheet's text as a ranking workbook keeps it, prepared when the sheet is stored: the SHA-256 of its canonical
 * JSON (the entries text as the worker stores it, `entriesText`) and that text cut into cells of the inputs sheet,
 * each escaped for XML and deflated (`deflatePiece`). The workbook's build then reads neither the text nor its
 * hash input: at 100 units x 120 criteria, parsing the texts out of D1's answer, hashing and deflating them was half
 * of a build's CPU (round 7's profile). Kept beside the entries in the `book_cells` column (migration 0010) as
 * `{"h":"<sha256>","c":[["<deflated, base64>",crc32,bytes,chars,"<first character>"],...]}`; a change of that
 * layout or of the escaping takes a new column, so that a row is never read with the wrong one.
 */
import { fromBase64, toBase64 } from "./builtin.ts";
import { nativeSha256Hex, sha256Hex } from "./hash.ts";
import { chunkText, type StoredCell } from "./provenance.ts";
import { escapeJsonText } from "./xml.ts";
import { deflatePiece } from "./zipwrite.ts";

const UTF8 = new TextEncoder();

/** A stored sheet as the ranking workbook takes it: its text's hash and cells. */
export interface StoredSheet {
  hash: string;
  cells: StoredCell[];
}

/**
 * What a submissions row may hold in its entries and `book_cells` together, in bytes: D1 keeps at most 2,000,000 bytes
 * in a row, and the row's other columns are short. A push's body may be up to 2 MiB: a sheet of long, poorly
 * compressible texts would not fit twice, so it is stored without cells.
 */
export const BOOK_ROW_BUDGET = 1_800_000;

/**
 * The `book_cells` of a sheet's canonical entries text; null where the platform deflates in JavaScript alone, and
 * where the text and its cells would not fit in a row together (`budget`): the workbook then takes the text, as for
 * rows stored before 2026-12-06.
 * @example storedSheet('[{"criterion":"1.1","evidence":"","note":"","score":150}]') // '{"h":"…","c":[["…",…]]}'
 */
export function storedSheet(text: string, budget = BOOK_ROW_BUDGET): string | null {
  // UTF-8 takes 1 to 3 bytes per UTF-16 unit.
  if (text.length >= budget) return null;
  const cells: [string, number, number, number, string][] = [];
  for (const chunk of chunkText(text)) {
    // Level 6: deflated once, sent with every workbook (a fifth smaller than level 1, in about the same time here).
    const d = deflatePiece(UTF8.encode(escapeJsonText(chunk)), 6);
    if (!d) return null;
    cells.push([toBase64(d.z), d.crc, d.size, chunk.length, chunk.slice(0, 1)]);
  }
  const column = JSON.stringify({ h: (nativeSha256Hex ?? sha256Hex)(text), c: cells });
  // The text's bytes counted exactly only where their bound does not fit.
  const fits = (textBytes: number) => textBytes + column.length <= budget;
  return fits(text.length * 3) || fits(UTF8.encode(text).length) ? column : null;
}

/** A `book_cells` column read back. */
export function storedSheetOf(column: string): StoredSheet {
  const { h, c } = JSON.parse(column) as { h: string; c: [string, number, number, number, string][] };
  return {
    hash: h,
    cells: c.map(([z, crc, size, chars, first]) => ({ z: fromBase64(z), crc, size, chars, first })),
  };
}
