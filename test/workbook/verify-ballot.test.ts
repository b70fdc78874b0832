/**
 * `npm run verify:ballot -- file.json` on a sealed vote's public record: it agrees on an honest record, prints the
 * file's SHA-256 (what the ranking workbook's provenance records), and refuses a tampered one.
 */
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  aggregateBallots,
  combineElectionKey,
  type ElectionRecord,
  makeTrusteeKey,
  partialDecrypt,
  sealBallot,
} from "../../shared/src/index.ts";

const random = (n: number) => new Uint8Array(randomBytes(n));

function record(): ElectionRecord {
  const members = ["ca", "vks", "pccc", "btl", "bdbp", "tand", "thads"];
  const periodId = "khoi-viii-2017";
  const shares = ["van-phong", "hoi-dong"].map((id) => ({ id, ...makeTrusteeKey(periodId, id, random) }));
  const ctx = {
    periodId,
    members,
    choicesPerBallot: 2,
    electionKey: combineElectionKey(shares.map((s) => s.key.publicKey)),
  };
  const ballots = [["vks", "btl"], ["vks"], [], ["btl", "ca"], ["vks", "pccc"]].map((c) => sealBallot(ctx, c, random));
  const aggregate = aggregateBallots(members.length, ballots);
  return {
    format: "thidua/sealed-vote/v1",
    periodId,
    members,
    choicesPerBallot: 2,
    quorum: { num: 2, den: 3 },
    trustees: shares.map((s) => s.key),
    electionKey: ctx.electionKey,
    ballots,
    aggregate,
    partialDecryptions: shares.map((s) => partialDecrypt(ctx, s.id, s.secret, aggregate, random)),
    counts: [1, 3, 1, 2, 0, 0, 0],
  };
}

function run(text: string): { status: number | null; out: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "thidua-ballot-"));
  try {
    const file = path.join(dir, "phieu-bau.json");
    writeFileSync(file, text);
    const script = path.resolve(import.meta.dirname, "../../scripts/verify-ballot.mjs");
    const r = spawnSync(process.execPath, [script, file], { encoding: "utf8", timeout: 120_000 });
    return { status: r.status, out: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("scripts/verify-ballot.mjs", () => {
  it("recomputes the tally from the record alone and prints the file's hash", () => {
    const text = JSON.stringify(record());
    const r = run(text);
    expect(r.out).toContain("OK:");
    expect(r.out).toContain(createHash("sha256").update(text).digest("hex"));
    expect(r.out).toMatch(/3\s+vks/);
    expect(r.status).toBe(0);
  });

  it("refuses a tampered record: a changed count, a copied ballot, or a file that is not a record", () => {
    const changed = record();
    changed.counts = [3, 1, 1, 2, 0, 0, 0];
    expect(run(JSON.stringify(changed)).status).toBe(1);
    const copied = record();
    copied.ballots.push(copied.ballots[0]!);
    const r = run(JSON.stringify(copied));
    expect(r.out).toContain("copy");
    expect(r.status).toBe(1);
    expect(run("{not json").status).toBe(2);
  });
});
