#!/usr/bin/env node
/**
 * Checks the public record of a sealed vote (kiểm tra hồ sơ phiếu bầu mã hoá) from the file alone:
 *
 *   npm run verify:ballot -- phieu-bau-khoi-viii-2017.json [--json]
 *
 * The file is what GET /periods/:periodId/voting/record downloads. The script checks every trustee's proof of its key,
 * that the election key is their sum, every ballot's proofs (each unit 0 or 1, at most the allowed choices, bound to
 * this period, key and member list; no ballot twice), that the aggregate is the ballots' sum, every partial
 * decryption's proof, and recomputes the votes per unit. It prints the SHA-256 of the file, which the ranking
 * workbook's provenance sheet records. Exit code 0 when everything holds, 1 when something does not, 2 when the file
 * cannot be read.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { tsImport } from "tsx/esm/api";

const file = process.argv[2];
if (!file || file.startsWith("-")) {
  console.error("usage: npm run verify:ballot -- <phieu-bau.json> [--json]");
  process.exit(2);
}
let bytes;
let record;
try {
  bytes = readFileSync(file);
  record = JSON.parse(bytes.toString("utf8"));
} catch (e) {
  console.error(`Không đọc được / cannot read: ${e.message}`);
  process.exit(2);
}
const { verifyElectionRecord } = await tsImport("../shared/src/sealed.ts", import.meta.url);
const result = verifyElectionRecord(record);
const sha256 = createHash("sha256").update(bytes).digest("hex");
if (process.argv.includes("--json")) {
  console.log(JSON.stringify({ ok: result.ok, problems: result.problems, counts: result.counts, sha256 }, null, 2));
} else {
  console.log(`Kỳ thi đua / period ${record.periodId} · ${record.ballots?.length ?? 0} phiếu / ballots`);
  console.log(`SHA-256 của tệp / of the file: ${sha256}`);
  if (result.counts)
    record.members.forEach((m, i) => {
      console.log(`  ${String(result.counts[i]).padStart(4)}  ${m}`);
    });
  else if (result.ok)
    console.log("Chưa giải mã hoặc không đủ số phiếu / not decrypted, or below the quorum: no count.");
  if (result.ok) console.log("OK: mọi chứng minh hợp lệ, kết quả khớp / every proof holds and the counts agree.");
  else for (const p of result.problems) console.log(`SAI / FAILS: ${p}`);
}
process.exit(result.ok ? 0 : 1);
