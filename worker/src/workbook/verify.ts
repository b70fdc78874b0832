/**
 * Reads back what a ranking workbook records about itself, for `verifyRanking` (`scripts/verify-ranking.mjs`): the
 * canonical JSON of the inputs (very hidden sheet), the hashes on the provenance sheet, and the ranks and totals the
 * bloc table shows. Sheets are found by content, so a renamed or reordered copy still verifies.
 */
import { INPUT_PARTS, INPUTS_FORMAT, INPUTS_FORMAT_V1, type InputPart, type ShownRow } from "./provenance.ts";
import { DEFAULT_UPLOAD_LIMITS, type GridValue, readWorkbook, type UploadLimits } from "./reader.ts";

/** Ranking workbooks of big blocs hold megabytes of inputs: generous limits, still bounded. */
export const RANKING_READ_LIMITS: UploadLimits = {
  ...DEFAULT_UPLOAD_LIMITS,
  maxCompressed: 64 * 1024 * 1024,
  maxEntryBytes: 256 * 1024 * 1024,
  maxTotalBytes: 512 * 1024 * 1024,
  maxCells: 5_000_000,
  maxSharedStrings: 2_000_000,
  maxSharedStringChars: 256 * 1024 * 1024,
};

export type RankingBook =
  | {
      ok: true;
      json: string;
      /** The hashes on the provenance sheet, and the inputs sheet's format (`INPUTS_FORMAT`, or version 1's). */
      recorded: { all?: string; parts: Partial<Record<InputPart, string>>; format: string };
      shown: ShownRow[];
    }
  | { ok: false; problem: string };

const str = (v: GridValue | undefined) => (v === null || v === undefined ? "" : String(v));
/** A rank or a total as the bloc table shows it: a number, or null for a blank or a word ("Chưa nộp"). */
const figure = (v: GridValue | undefined): number | null => {
  if (v === null || v === undefined || v === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

export function readRankingBook(bytes: Uint8Array, limits: UploadLimits = RANKING_READ_LIMITS): RankingBook {
  const read = readWorkbook(bytes, limits);
  if (!read.ok) return { ok: false, problem: `${read.reason}: ${read.detail}` };
  const sheets = read.book.sheets;
  const formats = [INPUTS_FORMAT, INPUTS_FORMAT_V1];
  const inputs = sheets.find((s) => str(s.grid[0]?.[0]) === "format" && formats.includes(str(s.grid[0]?.[1])));
  if (!inputs) return { ok: false, problem: "no inputs sheet" };
  const format = str(inputs.grid[0]?.[1]);
  const count = Number(inputs.grid[2]?.[1]);
  const chunks: string[] = [];
  for (let i = 0; i < count; i++) chunks.push(str(inputs.grid[3 + i]?.[1]));
  const json = chunks.join("");
  const recorded: { all?: string; parts: Partial<Record<InputPart, string>>; format: string } = {
    parts: {},
    format,
  };
  for (const s of sheets) {
    for (const row of s.grid) {
      const label = str(row?.[0]);
      const m = /\(([A-Za-z]+)\)$/.exec(label);
      if (!m) continue;
      const hash = str(row?.[1]);
      if (!/^[0-9a-f]{64}$/.test(hash)) continue;
      if (m[1] === "all") recorded.all = hash;
      else if ((INPUT_PARTS as readonly string[]).includes(m[1]!)) recorded.parts[m[1] as InputPart] = hash;
    }
  }
  const shown: ShownRow[] = [];
  for (const s of sheets) {
    const h = s.grid.findIndex((r) => str(r?.[0]) === "STT" && str(r?.[1]) === "Đơn vị");
    if (h < 0) continue;
    const header = s.grid[h]!.map(str);
    const idCol = header.indexOf("Mã đơn vị");
    const rankCol = header.indexOf("Xếp hạng");
    const totalCol = header.indexOf("Tổng điểm");
    if (idCol < 0 || rankCol < 0 || totalCol < 0) continue;
    for (let r = h + 1; r < s.grid.length; r++) {
      const row = s.grid[r];
      const id = str(row?.[idCol]);
      if (!id) break;
      shown.push({ unitId: id, rank: figure(row?.[rankCol]), total: figure(row?.[totalCol]) });
    }
    break;
  }
  return { ok: true, json, recorded, shown };
}
