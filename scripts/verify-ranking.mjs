#!/usr/bin/env node
/**
 * Recomputes a ranking workbook from its own provenance (kiểm tra lại bảng xếp hạng):
 *
 *   node scripts/verify-ranking.mjs bang-xep-hang.xlsx [--json]
 *
 * Reads the inputs kept (as canonical JSON) in the workbook's very hidden sheet, re-hashes every part with SHA-256
 * and compares with the hashes on the provenance sheet, then recomputes the ranking with thidua's domain core and
 * compares every unit's total and rank with the bloc table. Sheets are found by content, so a renamed copy verifies.
 * Exit code 0 when everything agrees, 1 when something differs, 2 when the file cannot be read.
 */
import { readFileSync } from "node:fs";
import { tsImport } from "tsx/esm/api";

const file = process.argv[2];
if (!file || file.startsWith("-")) {
  console.error("usage: node scripts/verify-ranking.mjs <book.xlsx> [--json]");
  process.exit(2);
}
const wb = await tsImport("../worker/src/workbook/index.ts", import.meta.url);
const book = wb.readRankingBook(new Uint8Array(readFileSync(file)));
if (!book.ok) {
  console.error(`Không đọc được / cannot read: ${book.problem}`);
  process.exit(2);
}
const result = wb.verifyRanking(book.json, book.recorded, book.shown);
if (process.argv.includes("--json")) {
  console.log(JSON.stringify({ ok: result.ok, problems: result.problems, recorded: book.recorded }, null, 2));
} else {
  const t = result.table;
  if (t) {
    console.log(
      `Kỳ thi đua ${t.periodId} (${t.year}) · mẫu ${t.templateId} v${t.templateVersion} · quy chế ${t.rulebookId} v${t.rulebookVersion}`,
    );
    console.log(`SHA-256 (all): ${book.recorded.all}`);
    for (const r of t.rows)
      console.log(
        `  ${String(r.rank ?? "–").padStart(3)}  ${(r.submitted ? String(r.total) : "Chưa nộp").padStart(8)}  ${r.unitId}  ${r.name}`,
      );
  }
  if (result.ok) console.log("OK: mã băm và thứ hạng khớp / hashes and ranking agree.");
  else for (const p of result.problems) console.log(`KHÁC / MISMATCH: ${p}`);
}
process.exit(result.ok ? 0 : 1);
