import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tallyBallots } from "./ballot.ts";
import {
  aggregateBallots,
  ballotFingerprint,
  checkPartialDecryption,
  checkSealedBallot,
  checkTrusteeKey,
  combineDecryptions,
  combineElectionKey,
  type ElectionContext,
  type ElectionRecord,
  makeTrusteeKey,
  partialDecrypt,
  type RandomBytes,
  sealBallot,
  sealVotes,
  verifyElectionRecord,
} from "./sealed.ts";

/** A deterministic byte stream (SHA-256 in counter mode) so that a failing case can be replayed. */
function seeded(seed: number): RandomBytes {
  let counter = 0;
  return (length) => {
    const out = new Uint8Array(length);
    for (let at = 0; at < length; at += 32) {
      const block = sha256(utf8ToBytes(`${seed}/${counter++}`));
      out.set(block.subarray(0, Math.min(32, length - at)), at);
    }
    return out;
  };
}

const members = ["ca", "vks", "pccc", "btl", "bdbp", "tand", "thads"];
const periodId = "khoi8-2017";

function election(seed = 1, trustees = ["truong-khoi", "hoi-dong"]) {
  const random = seeded(seed);
  const shares = trustees.map((t) => ({ id: t, ...makeTrusteeKey(periodId, t, random) }));
  const ctx: ElectionContext = {
    periodId,
    members,
    choicesPerBallot: 2,
    electionKey: combineElectionKey(shares.map((s) => s.key.publicKey)),
  };
  return { random, shares, ctx };
}

describe("trustee keys", { timeout: 60_000 }, () => {
  it("accepts a share with its proof of knowledge, and refuses it for another period, trustee or key", () => {
    const { shares } = election();
    const key = shares[0]!.key;
    expect(checkTrusteeKey(periodId, key)).toBe(true);
    expect(checkTrusteeKey("khoi8-2018", key)).toBe(false);
    expect(checkTrusteeKey(periodId, { ...key, trusteeId: "someone-else" })).toBe(false);
    expect(checkTrusteeKey(periodId, { ...key, publicKey: shares[1]!.key.publicKey })).toBe(false);
  });
});

describe("sealed ballots", { timeout: 60_000 }, () => {
  it("accepts an honest ballot, blank or with up to choicesPerBallot units", () => {
    const { ctx, random } = election();
    for (const choices of [[], ["vks"], ["ca", "thads"]]) {
      expect(checkSealedBallot(ctx, sealBallot(ctx, choices, random))).toBeNull();
    }
  });

  it("refuses a ciphertext of 2 for one unit", () => {
    const { ctx, random } = election();
    const forged = sealVotes(ctx, [2, 0, 0, 0, 0, 0, 0], random);
    expect(checkSealedBallot(ctx, forged)).toBe("BALLOT_PROOF_INVALID");
  });

  it("refuses a ballot with more choices than the rulebook allows", () => {
    const { ctx, random } = election();
    expect(() => sealBallot(ctx, ["ca", "vks", "pccc"], random)).toThrow();
    const forged = sealVotes(ctx, [1, 1, 1, 0, 0, 0, 0], random);
    expect(checkSealedBallot(ctx, forged)).toBe("BALLOT_PROOF_INVALID");
  });

  it("refuses a ballot for a non-member (made for another member list)", () => {
    const { ctx, random } = election();
    const other = { ...ctx, members: [...members.slice(0, 6), "outsider"] };
    const ballot = sealBallot(other, ["outsider"], random);
    expect(checkSealedBallot(ctx, ballot)).toBe("BALLOT_PROOF_INVALID");
    const longer = sealBallot({ ...ctx, members: [...members, "outsider"] }, ["outsider"], random);
    expect(checkSealedBallot(ctx, longer)).toBe("BALLOT_SHAPE");
  });

  it("refuses a ballot made for another period or another election key", () => {
    const { ctx, random } = election();
    expect(checkSealedBallot(ctx, sealBallot({ ...ctx, periodId: "khoi8-2018" }, ["ca"], random))).toBe(
      "BALLOT_PROOF_INVALID",
    );
    const other = election(2).ctx;
    expect(checkSealedBallot(ctx, sealBallot(other, ["ca"], random))).toBe("BALLOT_PROOF_INVALID");
  });

  it("refuses a ballot whose ciphertexts were swapped or whose proof was moved to another ballot", () => {
    const { ctx, random } = election();
    const a = sealBallot(ctx, ["ca"], random);
    const b = sealBallot(ctx, ["vks"], random);
    const swapped = { ...a, ciphertexts: [a.ciphertexts[1]!, a.ciphertexts[0]!, ...a.ciphertexts.slice(2)] };
    expect(checkSealedBallot(ctx, swapped)).toBe("BALLOT_PROOF_INVALID");
    const mixed = { ...a, ciphertexts: [b.ciphertexts[0]!, ...a.ciphertexts.slice(1)] };
    expect(checkSealedBallot(ctx, mixed)).toBe("BALLOT_PROOF_INVALID");
  });

  it("refuses a ballot whose proofs hash right but whose equations do not hold (the batched check)", () => {
    const { ctx, random } = election();
    const a = sealBallot(ctx, ["ca"], random);
    const other = sealBallot(ctx, ["vks"], random);
    // A response changed: the challenges still sum to the hash of the commitments sent, one equation fails.
    const p0 = a.proofs[0]!;
    const zBumped = { ...p0, z: [other.proofs[0]!.z[0]!, p0.z[1]!] };
    expect(checkSealedBallot(ctx, { ...a, proofs: [zBumped, ...a.proofs.slice(1)] })).toBe("BALLOT_PROOF_INVALID");
    // In the proof of the sum, the same.
    const s = a.sumProof;
    const sumBumped = { ...s, z: [s.z[0]!, other.sumProof.z[1]!, ...s.z.slice(2)] };
    expect(checkSealedBallot(ctx, { ...a, sumProof: sumBumped })).toBe("BALLOT_PROOF_INVALID");
    // A commitment that is not a group element, or two commitments swapped (the hash changes).
    const notPoint = { ...p0, t: ["ff".repeat(32), ...p0.t.slice(1)] };
    expect(checkSealedBallot(ctx, { ...a, proofs: [notPoint, ...a.proofs.slice(1)] })).toBe("BALLOT_PROOF_INVALID");
    const swapped = { ...p0, t: [p0.t[1]!, p0.t[0]!, ...p0.t.slice(2)] };
    expect(checkSealedBallot(ctx, { ...a, proofs: [swapped, ...a.proofs.slice(1)] })).toBe("BALLOT_PROOF_INVALID");
    expect(checkSealedBallot(ctx, a)).toBeNull();
  });

  it("gives a replayed ballot the same fingerprint, and two honest ballots different ones", () => {
    const { ctx, random } = election();
    const a = sealBallot(ctx, ["ca"], random);
    const b = sealBallot(ctx, ["ca"], random);
    expect(ballotFingerprint(JSON.parse(JSON.stringify(a)))).toBe(ballotFingerprint(a));
    expect(ballotFingerprint(b)).not.toBe(ballotFingerprint(a));
  });
});

describe("tally", { timeout: 60_000 }, () => {
  it("equals the clear-text count of the same ballots (property)", () => {
    const { ctx, random, shares } = election(7);
    const ballotArb = fc.subarray(members, { maxLength: 2 }).map((choices) => ({ choices }));
    fc.assert(
      fc.property(fc.array(ballotArb, { minLength: 0, maxLength: 7 }), (clear) => {
        const sealed = clear.map((b) => sealBallot(ctx, b.choices, random));
        const aggregate = aggregateBallots(members.length, sealed);
        const parts = shares.map((s) => partialDecrypt(ctx, s.id, s.secret, aggregate, random));
        for (const [i, p] of parts.entries())
          expect(checkPartialDecryption(ctx, shares[i]!.key.publicKey, aggregate, p)).toBe(true);
        const counts = combineDecryptions(aggregate, parts, clear.length);
        const expected = tallyBallots(members, clear, { ...rules, quorum: { num: 0, den: 1 } }).units.map(
          (u) => u.votes,
        );
        expect(counts).toEqual(expected);
      }),
      { numRuns: 6 },
    );
  });

  it("refuses a partial decryption made with a wrong share", () => {
    const { ctx, random, shares } = election(3);
    const sealed = [sealBallot(ctx, ["ca"], random), sealBallot(ctx, ["ca", "vks"], random)];
    const aggregate = aggregateBallots(members.length, sealed);
    const intruder = makeTrusteeKey(periodId, shares[0]!.id, random);
    const wrong = partialDecrypt(ctx, shares[0]!.id, intruder.secret, aggregate, random);
    expect(checkPartialDecryption(ctx, shares[0]!.key.publicKey, aggregate, wrong)).toBe(false);
    const right = partialDecrypt(ctx, shares[0]!.id, shares[0]!.secret, aggregate, random);
    expect(checkPartialDecryption(ctx, shares[0]!.key.publicKey, aggregate, right)).toBe(true);
    // A response changed (the hash of the commitments still matches the challenge): the batched equations fail.
    const sh = right.shares[0]!;
    const bumped = { ...sh, proof: { ...sh.proof, s: right.shares[1]!.proof.s } };
    expect(
      checkPartialDecryption(ctx, shares[0]!.key.publicKey, aggregate, {
        ...right,
        shares: [bumped, ...right.shares.slice(1)],
      }),
    ).toBe(false);
    // A right share for another aggregate (a subset of the ballots) does not pass either.
    const sub = aggregateBallots(members.length, sealed.slice(0, 1));
    expect(
      checkPartialDecryption(ctx, shares[0]!.key.publicKey, aggregate, {
        ...right,
        shares: partialDecrypt(ctx, shares[0]!.id, shares[0]!.secret, sub, random).shares,
      }),
    ).toBe(false);
  });
});

describe("verifyElectionRecord", { timeout: 60_000 }, () => {
  function record(): ElectionRecord {
    const { ctx, random, shares } = election(11);
    const clear = [["ca"], ["ca", "vks"], [], ["thads"], ["ca"]];
    const ballots = clear.map((c) => sealBallot(ctx, c, random));
    const aggregate = aggregateBallots(members.length, ballots);
    const partialDecryptions = shares.map((s) => partialDecrypt(ctx, s.id, s.secret, aggregate, random));
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
      partialDecryptions,
      counts: [3, 1, 0, 0, 0, 0, 1],
    };
  }

  it("recomputes the tally from the record alone and refuses a tampered one", () => {
    const r = record();
    expect(verifyElectionRecord(r)).toEqual({ ok: true, problems: [], counts: [3, 1, 0, 0, 0, 0, 1] });
    const tamper = (f: (x: ElectionRecord) => void) => {
      const x = JSON.parse(JSON.stringify(r)) as ElectionRecord;
      f(x);
      return verifyElectionRecord(x);
    };
    expect(tamper((x) => (x.counts = [1, 3, 0, 0, 0, 0, 1])).ok).toBe(false);
    expect(tamper((x) => x.ballots.pop()).ok).toBe(false);
    expect(tamper((x) => x.ballots.push(x.ballots[0]!)).problems.join()).toContain("copy");
    expect(tamper((x) => (x.ballots[1]!.ciphertexts[0] = x.ballots[0]!.ciphertexts[0]!)).ok).toBe(false);
    expect(tamper((x) => (x.partialDecryptions[0]!.shares[0]!.d = x.partialDecryptions[1]!.shares[0]!.d)).ok).toBe(
      false,
    );
    expect(tamper((x) => (x.periodId = "khoi8-2018")).ok).toBe(false);
  });

  it("refuses a record that decrypted a vote below the quorum", () => {
    const r = record();
    // 4 ballots of 7 members, quorum 2/3: 5 needed, the vote failed and only the number of ballots is public.
    const failed = { ...r, ballots: r.ballots.slice(0, 4), aggregate: null, partialDecryptions: [], counts: null };
    expect(verifyElectionRecord(failed)).toEqual({ ok: true, problems: [], counts: null });
    const decrypted = { ...failed, aggregate: aggregateBallots(members.length, failed.ballots) };
    expect(verifyElectionRecord(decrypted).problems.join()).toContain("nothing may be decrypted");
  });
});

const rules = {
  choicesPerBallot: 2,
  quorum: { num: 2, den: 3 },
  shareBase: "members" as const,
  threshold: { num: 1, den: 2 },
  thresholdRule: "gt" as const,
};
