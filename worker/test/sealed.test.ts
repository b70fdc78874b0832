/**
 * The sealed ballot through the API, against real D1 (issue 16): trustees publish their shares, seven units cast
 * encrypted ballots, the database is scanned for anything that links a unit to a choice, the trustees decrypt the
 * per-unit sums only, and the public record verifies on its own. Also the channel rule, the quorum gate, voter codes
 * dying with the vote, and the paper batch that reports its void ballots (issue 11, items 5, 7, 10).
 */
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  demoBallots,
  demoEntries,
  demoPeriod,
  demoTemplate,
  demoUnits,
  makeTrusteeKey,
  partialDecrypt,
  sealBallot,
  sealVotes,
  verifyElectionRecord,
} from "../../shared/src/index.ts";
import { sha256Hex } from "../src/auth.ts";
import { type SeedResult, seedDemo } from "../src/seed.ts";
import { readRankingBook, verifyRanking } from "../src/workbook/index.ts";
import { api, BOOT, call, DB, futureDeadline } from "./helpers.ts";
import { castSealed, type Election, openElectronic, random, voterCodes } from "./sealedVote.ts";

const P = "khoi-viii-2017";
const units = demoUnits.map((u) => u.id);
let seed: SeedResult;

beforeAll(async () => {
  seed = await seedDemo(call, BOOT, futureDeadline());
});

describe("a sealed vote of seven units", () => {
  let election: Election;
  let codes: Map<string, string>;
  const cast: { choices: string[] }[] = [];

  it("opens only with two trustees; each publishes a share with a proof, never the secret", async () => {
    election = await openElectronic(P, seed.tokens.secretariat, "open");
    const again = await api(
      "POST",
      `/periods/${P}/voting/trustee-key`,
      [...election.trusteeCodes.values()][0]!,
      makeTrusteeKey(P, [...election.trusteeCodes.keys()][0]!, random).key,
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("TRUSTEE_KEY_EXISTS");
    codes = await voterCodes(P, seed.tokens.secretariat);
    expect(codes.size).toBe(7);
  });

  it("refuses a ballot whose proofs fail (a 2, too many names, another period), and the code stays usable", async () => {
    const code = codes.get(units[0]!)!;
    const two = sealVotes(election.ctx, [2, 0, 0, 0, 0, 0, 0], random);
    const three = sealVotes(election.ctx, [1, 1, 1, 0, 0, 0, 0], random);
    const elsewhere = sealBallot({ ...election.ctx, periodId: "khoi-viii-2018" }, [units[1]!], random);
    for (const bad of [two, three, elsewhere]) {
      const r = await api("POST", "/ballots", code, bad);
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe("BALLOT_PROOF_INVALID");
    }
    const clear = await api("POST", "/ballots", code, { choices: [units[1]] });
    expect(clear.status).toBe(422);
    const me = await api("GET", "/me", code);
    expect(me.status).toBe(200);
  });

  it("takes seven sealed ballots, refuses a replay and paper ballots, and shows no count while the box is open", async () => {
    for (const [i, u] of units.entries()) {
      const choices = demoBallots[i]!.choices;
      const ballot = sealBallot(election.ctx, choices, random);
      if (i === 1) {
        // Unit 1 copies unit 0's ballot: refused, its own code still casts afterwards.
        const previous = await api("GET", `/periods/${P}/voting/record`, seed.tokens.secretariat);
        const replay = await api("POST", "/ballots", codes.get(u)!, previous.body.ballots[0]);
        expect(replay.status).toBe(422);
        expect(replay.body.error.code).toBe("BALLOT_REPLAYED");
      }
      const r = await api("POST", "/ballots", codes.get(u)!, ballot);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      cast.push({ choices });
      const tally = await api("GET", `/periods/${P}/voting/tally`, seed.tokens.secretariat);
      expect(tally.body).toMatchObject({ visible: false, returned: i + 1, tally: null });
    }
    const paper = await api("POST", `/periods/${P}/voting/paper`, seed.tokens.secretariat, { ballots: [] });
    expect(paper.status).toBe(409);
    expect(paper.body.error.code).toBe("VOTING_WRONG_CHANNEL");
  });

  it("keeps nothing in any table that links a unit to a choice", async () => {
    const tables = await DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'",
    ).all<{ name: string }>();
    const dump: Record<string, string[]> = {};
    for (const { name } of tables.results) {
      const rows = await DB.prepare(`SELECT * FROM "${name}"`).all();
      dump[name] = rows.results.map((r) => JSON.stringify(r));
    }
    // No clear ballot anywhere: the table of counted ballots is empty, no row names choices.
    expect(dump.ballots).toEqual([]);
    for (const rows of Object.values(dump)) for (const row of rows) expect(row).not.toMatch(/choices\\*"/);
    // What a ballot is made of: its row id, its fingerprint, every ciphertext point.
    const sealedRows = (
      await DB.prepare("SELECT id, fingerprint, body FROM sealed_ballots").all<{
        id: string;
        fingerprint: string;
        body: string;
      }>()
    ).results;
    expect(sealedRows).toHaveLength(7);
    const ballotMarks = sealedRows.flatMap((r) => {
      const b = JSON.parse(r.body) as { ciphertexts: { a: string; b: string }[] };
      return [r.id, r.fingerprint, ...b.ciphertexts.flatMap((c) => [c.a, c.b])];
    });
    const voterTokens = (
      await DB.prepare("SELECT id FROM tokens WHERE role = 'voter'").all<{ id: string }>()
    ).results.map((t) => t.id);
    // A sealed ballot names no unit and no code.
    for (const r of sealedRows) {
      for (const u of units) expect(r.body.includes(u) || r.id.includes(u)).toBe(false);
      for (const t of voterTokens) expect(r.body.includes(t)).toBe(false);
    }
    // Every other row that names a unit (tokens, audit, ...) holds nothing of any ballot.
    for (const [table, rows] of Object.entries(dump)) {
      if (table === "sealed_ballots") continue;
      for (const row of rows) {
        if (!units.some((u) => row.includes(u))) continue;
        for (const mark of ballotMarks) expect(row.includes(mark), `${table}: ${row}`).toBe(false);
      }
    }
    // The audit says who voted, never how or in which row.
    const audit = (
      await DB.prepare("SELECT unit_id, detail FROM audit WHERE action = 'ballot.cast'").all<{
        unit_id: string;
        detail: string;
      }>()
    ).results;
    expect(audit.map((a) => a.unit_id).sort()).toEqual([...units].sort());
  });

  it("closes the box; a wrong share is refused; both trustees' parts give the clear-text count", async () => {
    const closed = await api("POST", `/periods/${P}/voting/close`, seed.tokens.secretariat);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body).toMatchObject({ returned: 7, failed: false });
    const aggregate = closed.body.aggregate;
    const [first, second] = [...election.trusteeCodes.keys()];
    const wrong = partialDecrypt(election.ctx, first!, election.secrets.get(second!)!, aggregate, random);
    const refused = await api("POST", `/periods/${P}/voting/decryption`, election.trusteeCodes.get(first!)!, wrong);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("DECRYPTION_PROOF_INVALID");
    for (const id of [first!, second!]) {
      const part = partialDecrypt(election.ctx, id, election.secrets.get(id)!, aggregate, random);
      const r = await api("POST", `/periods/${P}/voting/decryption`, election.trusteeCodes.get(id)!, part);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const tally = await api("GET", `/periods/${P}/voting/tally`, seed.tokens.board);
    expect(tally.body.visible).toBe(true);
    const expected = units.map((u) => cast.filter((b) => b.choices.includes(u)).length);
    expect(tally.body.tally.units.map((u: { votes: number }) => u.votes)).toEqual(expected);
    expect(tally.body.tally).toMatchObject({ issued: 7, returned: 7, valid: 7, blank: null, quorumMet: true });
  });

  it("publishes; the downloaded record verifies on its own and its hash is in the ranking's provenance", async () => {
    const unused = await voterCodes(P, seed.tokens.secretariat).catch(() => null);
    expect(unused).toBeNull();
    const r = await api("POST", `/periods/${P}/transitions`, seed.tokens.secretariat, { to: "closed" });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // Trustee codes die with the vote (issue 11, item 7).
    expect((await api("GET", "/me", [...election.trusteeCodes.values()][0]!)).status).toBe(401);
    const record = await api("GET", `/periods/${P}/voting/record`, seed.tokens.board);
    expect(record.status).toBe(200);
    const v = verifyElectionRecord(record.body);
    expect(v.problems).toEqual([]);
    expect(v.counts).toEqual(record.body.counts);
    const table = await api("GET", `/periods/${P}/table`, seed.tokens.clerks[units[0]!]);
    expect(table.body.tally.units.map((u: { votes: number }) => u.votes)).toEqual(v.counts);
    // The ranking workbook recomputes from its own inputs, which carry the record's SHA-256.
    const xlsx = await SELF.fetch(`http://thidua.test/api/v1/periods/${P}/ranking.xlsx`, {
      headers: { authorization: `Bearer ${seed.tokens.board}` },
    });
    expect(xlsx.status).toBe(200);
    const book = readRankingBook(new Uint8Array(await xlsx.arrayBuffer()));
    if (!book.ok) throw new Error(book.problem);
    const recordHash = await sha256Hex(JSON.stringify(record.body));
    expect(JSON.parse(book.json).sealedVote).toEqual({ returned: 7, counts: v.counts, recordHash });
    const check = verifyRanking(book.json, book.recorded, book.shown);
    expect(check.problems.join("; ")).toBe("");
  });
});

describe("one channel, the quorum gate, codes that die with the vote (issue 11, items 5, 7, 10)", () => {
  /** A period of the seven units, voting on nothing yet; with `sheets`, every unit pushed the demo's sheet. */
  const create = async (id: string, sheets = false) => {
    const r = await api("POST", "/periods", BOOT, { ...demoPeriod(futureDeadline()), id });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await api("POST", `/periods/${id}/transitions`, BOOT, { to: "open" });
    if (sheets)
      for (const u of units) {
        const body = {
          templateId: demoTemplate.id,
          templateVersion: demoTemplate.version,
          baseRevision: null,
          clientId: `sheet-${id}-${u}`,
          entries: demoEntries(u),
        };
        const pushed = await api("POST", `/periods/${id}/units/${u}/submissions`, seed.tokens.clerks[u]!, body);
        expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);
      }
    await api("POST", `/periods/${id}/transitions`, BOOT, { to: "review" });
  };

  /** The units nominated, and the units whose band met an award but whose vote decided `reason`. */
  const nominated = (table: {
    body: { nominations: { nominations: { award: string | null; reason: string | null }[] } };
  }) => {
    const n = table.body.nominations.nominations;
    return { awarded: n.filter((x) => x.award !== null), reasons: n.map((x) => x.reason) };
  };

  it("an electronic vote closed below the quorum fails: nothing is decrypted, no count per unit, nobody nominated", async () => {
    const p = "khoi-viii-2017-few";
    await create(p, true);
    const election = await openElectronic(p, seed.tokens.secretariat);
    const codes = await voterCodes(p, seed.tokens.secretariat);
    // 4 of 7 ballots, quorum 2/3 needs 5. One ballot alone (or four) must never be read off a tally.
    for (const u of units.slice(0, 4))
      expect((await castSealed(election, codes.get(u)!, [units[0]!])).status).toBe(201);
    // Paper ballots cannot fill up the box to reach the tally.
    const paper = await api("POST", `/periods/${p}/voting/paper`, seed.tokens.secretariat, {
      ballots: [{ choices: [] }, { choices: [] }, { choices: [] }],
    });
    expect(paper.status).toBe(409);
    expect(paper.body.error.code).toBe("VOTING_WRONG_CHANNEL");
    const closed = await api("POST", `/periods/${p}/voting/close`, seed.tokens.secretariat);
    expect(closed.body).toMatchObject({ returned: 4, quorumNeeded: 5, failed: true, aggregate: null });
    // An unused voter code died with the box (item 7).
    const late = codes.get(units[5]!)!;
    expect((await api("GET", "/me", late)).status).toBe(401);
    const [id, code] = [...election.trusteeCodes.entries()][0]!;
    const part = {
      trusteeId: id,
      shares: units.map(() => ({
        d: "0".repeat(64),
        proof: { t: ["0".repeat(64), "0".repeat(64)], c: "0".repeat(64), s: "0".repeat(64) },
      })),
    };
    const refused = await api("POST", `/periods/${p}/voting/decryption`, code, part);
    expect(refused.status).toBe(409);
    const tally = await api("GET", `/periods/${p}/voting/tally`, seed.tokens.secretariat);
    expect(tally.body.tally).toMatchObject({ returned: 4, quorumMet: false, units: [] });
    expect((await api("POST", `/periods/${p}/transitions`, seed.tokens.secretariat, { to: "closed" })).status).toBe(
      200,
    );
    const table = await api("GET", `/periods/${p}/table`, seed.tokens.board);
    expect(table.body.rows.every((r: { votes: number | null }) => r.votes === null)).toBe(true);
    // Every unit has its sheet, so the bands are met: nothing is nominated because the vote failed (DOMAIN.md).
    expect(table.body.rows.every((r: { total: number | null }) => r.total !== null)).toBe(true);
    const { awarded, reasons } = nominated(table);
    expect(awarded).toEqual([]);
    expect(reasons).toContain("quorum");
    const record = await api("GET", `/periods/${p}/voting/record`, seed.tokens.board);
    expect(verifyElectionRecord(record.body)).toEqual({ ok: true, problems: [], counts: null });
  });

  it("a lost key: the council declares the vote failed with a reason, nothing is decrypted, and the period closes with no award", async () => {
    const p = "khoi-viii-2017-undecrypted";
    await create(p, true);
    const election = await openElectronic(p, seed.tokens.secretariat);
    const codes = await voterCodes(p, seed.tokens.secretariat);
    for (const u of units.slice(0, 5))
      expect((await castSealed(election, codes.get(u)!, [units[0]!])).status).toBe(201);
    const reason = "Người giữ khoá của Hội đồng mất tệp khoá";
    // The box still open: nothing to declare yet.
    const open = await api("POST", `/periods/${p}/voting/fail`, seed.tokens.council, { reason });
    expect(open.status).toBe(409);
    expect(open.body.error.code).toBe("BALLOT_BOX_OPEN");
    expect((await api("POST", `/periods/${p}/voting/close`, seed.tokens.secretariat)).body.failed).toBe(false);
    // One trustee decrypts; the other lost its key: the period cannot be closed with the tally half decrypted.
    const [firstId, firstCode] = [...election.trusteeCodes.entries()][0]!;
    const aggregate = (await api("GET", `/periods/${p}/voting/election`, seed.tokens.secretariat)).body.aggregate;
    const first = partialDecrypt(election.ctx, firstId!, election.secrets.get(firstId!)!, aggregate, random);
    expect((await api("POST", `/periods/${p}/voting/decryption`, firstCode!, first)).status).toBe(201);
    const early = await api("POST", `/periods/${p}/transitions`, seed.tokens.council, { to: "closed" });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("TALLY_NOT_DECRYPTED");
    // Only the council declares it, and only with a reason.
    const bySecretariat = await api("POST", `/periods/${p}/voting/fail`, seed.tokens.secretariat, { reason });
    expect(bySecretariat.status).toBe(403);
    for (const body of [{}, { reason: "   " }]) {
      const r = await api("POST", `/periods/${p}/voting/fail`, seed.tokens.council, body);
      expect(r.status).toBe(422);
    }
    // Decomposed input is stored as NFC.
    const declared = await api("POST", `/periods/${p}/voting/fail`, seed.tokens.council, {
      reason: `  ${reason.normalize("NFD")} `,
    });
    expect(declared.status, JSON.stringify(declared.body)).toBe(200);
    expect(declared.body).toMatchObject({ failed: true, reason, issued: 7, returned: 5 });
    const again = await api("POST", `/periods/${p}/voting/fail`, seed.tokens.council, { reason });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("TALLY_COMPLETE");
    // The key found again changes nothing: the ballots are never counted.
    const [secondId, secondCode] = [...election.trusteeCodes.entries()][1]!;
    const second = partialDecrypt(election.ctx, secondId!, election.secrets.get(secondId!)!, aggregate, random);
    const late = await api("POST", `/periods/${p}/voting/decryption`, secondCode!, second);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("VOTE_DECLARED_FAILED");
    // Only the numbers of ballots, and the reason.
    const tally = await api("GET", `/periods/${p}/voting/tally`, seed.tokens.secretariat);
    expect(tally.body.tally).toMatchObject({ issued: 7, returned: 5, units: [], failedReason: reason });
    expect((await api("POST", `/periods/${p}/transitions`, seed.tokens.secretariat, { to: "closed" })).status).toBe(
      200,
    );
    const table = await api("GET", `/periods/${p}/table`, seed.tokens.board);
    expect(table.status).toBe(200);
    expect(table.body.rows.every((r: { votes: number | null }) => r.votes === null)).toBe(true);
    // Every unit has its sheet, so the bands are met: nothing is nominated because the vote was declared failed.
    const { awarded, reasons } = nominated(table);
    expect(awarded).toEqual([]);
    expect(reasons).toContain("failed");
    expect(reasons.some((r) => r === "quorum" || r === "vote")).toBe(false);
    // The ranking workbook is published and says why.
    const book = await SELF.fetch(`https://x/api/v1/periods/${p}/ranking.xlsx`, {
      headers: { authorization: `Bearer ${seed.tokens.board}` },
    });
    expect(book.status).toBe(200);
    const read = readRankingBook(new Uint8Array(await book.arrayBuffer()));
    if (!read.ok) throw new Error(read.problem);
    expect(JSON.parse(read.json).sealedVote).toMatchObject({ returned: 5, counts: null, failedReason: reason });
    expect(verifyRanking(read.json, read.recorded, read.shown).problems.join("; ")).toBe("");
    const audit = await DB.prepare(
      "SELECT actor_role, at, detail FROM audit WHERE period_id = ? AND action = 'voting.fail'",
    )
      .bind(p)
      .all<{ actor_role: string; at: string; detail: string }>();
    expect(audit.results).toHaveLength(1);
    expect(audit.results[0]!.actor_role).toBe("council");
    expect(JSON.parse(audit.results[0]!.detail)).toMatchObject({ reason, returned: 5, decrypted: [firstId] });
    // Once the period left voting, there is nothing to declare.
    const closed = await api("POST", `/periods/${p}/voting/fail`, seed.tokens.council, { reason });
    expect(closed.status).toBe(423);
    expect(closed.body.error.code).toBe("VOTING_NOT_OPEN");
  });

  it("the council cannot declare failed a paper vote, a vote below the quorum, or one fully decrypted", async () => {
    const reason = "Mất tệp khoá";
    const paper = "khoi-viii-2017-paper-fail";
    await create(paper);
    await api("POST", `/periods/${paper}/transitions`, seed.tokens.secretariat, { to: "voting", channel: "paper" });
    const r1 = await api("POST", `/periods/${paper}/voting/fail`, seed.tokens.council, { reason });
    expect(r1.status).toBe(409);
    expect(r1.body.error.code).toBe("VOTING_WRONG_CHANNEL");
    const few = "khoi-viii-2017-few-fail";
    await create(few);
    const election = await openElectronic(few, seed.tokens.secretariat);
    const codes = await voterCodes(few, seed.tokens.secretariat);
    expect((await castSealed(election, codes.get(units[0]!)!, [])).status).toBe(201);
    expect((await api("POST", `/periods/${few}/voting/close`, seed.tokens.secretariat)).body.failed).toBe(true);
    const r2 = await api("POST", `/periods/${few}/voting/fail`, seed.tokens.council, { reason });
    expect(r2.status).toBe(409);
    expect(r2.body.error.code).toBe("TALLY_COMPLETE");
    // The vote of seven above is fully decrypted and published.
    const r3 = await api("POST", `/periods/${P}/voting/fail`, seed.tokens.council, { reason });
    expect([r3.status, r3.body.error.code]).toEqual([423, "VOTING_NOT_OPEN"]);
  });

  it("a period that was voting before the channel existed keeps voting on paper", async () => {
    const p = "khoi-viii-2017-legacy";
    await create(p);
    expect((await api("POST", `/periods/${p}/transitions`, seed.tokens.secretariat, { to: "voting" })).status).toBe(
      200,
    );
    // As the database holds such a period after migration 0004: in `voting`, with no round.
    await DB.prepare("DELETE FROM voting_rounds WHERE period_id = ?").bind(p).run();
    const r = await api("POST", `/periods/${p}/voting/paper`, seed.tokens.secretariat, { ballots: [{ choices: [] }] });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect((await api("GET", `/periods/${p}/voting/election`, seed.tokens.secretariat)).body.channel).toBe("paper");
  });

  it("an electronic vote needs two trustees named in the period", async () => {
    const p = "khoi-viii-2017-onetrustee";
    // A period naming one trustee is refused when it is made; one naming none votes on paper only.
    const one = { ...demoPeriod(futureDeadline()), id: p, trustees: [demoPeriod().trustees[0]!] };
    const refused = await api("POST", "/periods", BOOT, one);
    expect(refused.status).toBe(422);
    expect(refused.body.error.details[0]).toMatchObject({ code: "TRUSTEES_REQUIRED", path: "/trustees" });
    expect((await api("POST", "/periods", BOOT, { ...one, trustees: [] })).status).toBe(201);
    for (const to of ["open", "review"]) await api("POST", `/periods/${p}/transitions`, BOOT, { to });
    const r = await api("POST", `/periods/${p}/transitions`, seed.tokens.secretariat, {
      to: "voting",
      channel: "electronic",
    });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("TRUSTEES_REQUIRED");
  });

  it("a paper vote takes no online code, says how many ballots of a batch are void and why, and its codes die", async () => {
    const p = "khoi-viii-2017-paper";
    await create(p);
    expect(
      (await api("POST", `/periods/${p}/transitions`, seed.tokens.secretariat, { to: "voting", channel: "paper" }))
        .status,
    ).toBe(200);
    const codes = await api("POST", `/periods/${p}/voting/codes`, seed.tokens.secretariat);
    expect(codes.status).toBe(409);
    expect(codes.body.error.code).toBe("VOTING_WRONG_CHANNEL");
    const batch = await api("POST", `/periods/${p}/voting/paper`, seed.tokens.secretariat, {
      ballots: [
        { choices: [units[0]] },
        { choices: [units[0], units[1], units[2]] },
        { choices: ["not-a-member"] },
        { choices: [] },
      ],
    });
    expect(batch.status).toBe(201);
    expect(batch.body).toMatchObject({ recorded: 4, valid: 2, invalid: 2, returned: 4 });
    expect(
      batch.body.invalidBallots.map((b: { index: number; error: { code: string } }) => [b.index, b.error.code]),
    ).toEqual([
      [1, "BALLOT_TOO_MANY_CHOICES"],
      [2, "BALLOT_UNKNOWN_UNIT"],
    ]);
    // 4 of 7: below the quorum, the paper tally keeps only the numbers even once published.
    expect((await api("POST", `/periods/${p}/transitions`, seed.tokens.secretariat, { to: "closed" })).status).toBe(
      200,
    );
    const tally = await api("GET", `/periods/${p}/voting/tally`, seed.tokens.board);
    expect(tally.body.tally).toMatchObject({ returned: 4, invalid: 2, quorumMet: false, units: [] });
  });
});
