/**
 * Bỏ phiếu kín. A period votes by one channel, fixed when voting opens:
 * - electronic: a sealed ballot (shared/src/sealed.ts). The period's trustees (người giữ khoá) each publish a public
 *   share with a proof; the election key combines them; the voter's device encrypts one 0-or-1 per member unit with
 *   proofs, checked here on receipt; the secretariat closes the ballot box, the per-unit sums are kept only when the
 *   quorum is met, and each trustee posts its part of their decryption with a proof. The server never holds a secret
 *   share and never decrypts a single ballot: whoever holds the database sees ciphertexts, used-code marks and who
 *   voted, never how.
 * - paper: counted paper ballots entered by the secretariat, as before.
 * Voter codes are single-use, shown once, marked used in the same batch as the ballot, with no time; they and the
 * trustee codes die when the box closes or the period leaves `voting`.
 */
import { Hono } from "hono";
import {
  aggregateBallots,
  ballotFingerprint,
  checkBallot,
  checkPartialDecryption,
  checkSealedBallot,
  checkTrusteeKey,
  combineElectionKey,
  type DomainError,
  domainError,
  type ElectionContext,
  FailVote,
  PaperBallots,
  PartialDecryption,
  type Period,
  quorumNeeded,
  type Rulebook,
  SealedBallot,
  TrusteeKey,
  type VotingChannel,
} from "../../../shared/src/index.ts";
import { allow, newVoterCode, normaliseCredential, randomId, sha256Hex } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { ApiError, invalid } from "../errors.ts";
import { readBody } from "../middleware.ts";
import { electionRecord, type PeriodScope, periodRules, periodScope, periodTally, votingState } from "../service.ts";
import { type VotingReadOptions, type VotingRound, VotingStore } from "../votingStore.ts";

function wrongChannel(channel: VotingChannel): ApiError {
  return new ApiError(409, "VOTING_WRONG_CHANNEL", { channel }, [domainError("VOTING_WRONG_CHANNEL", {}, { channel })]);
}

const LEGACY_ROUND: VotingRound = {
  channel: "paper",
  trustees: [],
  boxClosed: false,
  aggregate: null,
  failedReason: null,
};

/**
 * The period's vote as it stands, for the routes: the round (channel, trustees), the posted keys, the election key,
 * and the rest of the vote's rows (`vote`), all from one batch: the authentication's for the write routes
 * (`votingPrefetch`), else the route's own.
 */
async function electionOf(scope: PeriodScope, asked: VotingReadOptions = {}) {
  const store = new VotingStore(scope.repo.db, scope.period);
  // A period that entered voting before migration 0004 has no round: it votes on paper, as it did then.
  const legacy = scope.period.state === "voting" || scope.period.state === "closed";
  const vote = await votingState(scope, asked);
  const round = vote.round ?? (legacy ? LEGACY_ROUND : null);
  if (!round) throw votingNotOpen(scope.period.state);
  const keys = round.channel === "electronic" ? vote.keys : [];
  return { store, vote, round, keys, electionKey: electionKeyOf(round, keys) };
}

/** The election key once every trustee of the round posted a share (at least two), else null. */
function electionKeyOf(round: VotingRound, keys: readonly TrusteeKey[]): string | null {
  const complete = round.trustees.length >= 2 && round.trustees.every((t) => keys.some((k) => k.trusteeId === t.id));
  return complete
    ? combineElectionKey(round.trustees.map((t) => keys.find((k) => k.trusteeId === t.id)!.publicKey))
    : null;
}

function contextOf(period: Period, rulebook: Rulebook, electionKey: string): ElectionContext {
  return { periodId: period.id, members: period.members, choicesPerBallot: rulebook.choicesPerBallot, electionKey };
}

/**
 * The statements that go with a period's transition into or out of `voting`, in the same batch: opening fixes the
 * channel and the trustees (an electronic vote needs two); leaving it revokes every unused voter code and trustee
 * code. An electronic vote whose quorum was met cannot be closed before the trustees decrypted its tally; one below
 * the quorum closes its box with nothing to decrypt (the vote failed).
 */
export async function votingTransition(
  scope: PeriodScope,
  to: string,
  channel: VotingChannel | undefined,
  at: string,
): Promise<D1PreparedStatement[]> {
  const { period } = scope;
  const store = new VotingStore(scope.repo.db, period);
  if (to === "voting") {
    const ch = channel ?? "paper";
    const trustees = period.trustees ?? [];
    if (ch === "electronic" && trustees.length < 2)
      throw invalid([domainError("TRUSTEES_REQUIRED", { path: "/channel" }, { count: trustees.length })]);
    return [store.openRound(ch, trustees, at)];
  }
  if (period.state !== "voting") return [];
  const statements = [store.revokeCodes(at, ["voter", "trustee"])];
  // Read with the token (`votingPrefetch`): the round, the count and the decryptions, for the checks below.
  const vote = await votingState(scope, {});
  const round = vote.round;
  if (round?.channel === "electronic") {
    const { rulebook } = await periodRules(scope);
    const returned = vote.sealedCount;
    const enough = returned >= quorumNeeded(period.members.length, rulebook.quorum);
    if (enough && to === "closed") {
      const t = await periodTally(scope, rulebook, vote);
      if (!t.tally) throw new ApiError(409, "TALLY_NOT_DECRYPTED");
    }
    if (!enough && !round.boxClosed) statements.push(store.closeBox(null));
  }
  return statements;
}

async function trusteeOf(scope: PeriodScope, round: VotingRound) {
  const id = scope.principal.unitId ?? "";
  const trustee = round.trustees.find((t) => t.id === id);
  if (!trustee) throw new ApiError(403, "FORBIDDEN");
  return trustee;
}

function votingNotOpen(state: string): ApiError {
  return new ApiError(423, "VOTING_NOT_OPEN", { state }, [domainError("VOTING_NOT_OPEN", {}, { state })]);
}

function tooMany(returned: number, issued: number): ApiError {
  return new ApiError(409, "BALLOTS_EXCEED_ISSUED", { returned, issued });
}

/**
 * Runs a batch that inserts ballots. The database's trigger (migration 0002) aborts the whole batch when the box
 * would hold more ballots than were issued, and that is answered 409 BALLOTS_EXCEED_ISSUED: no count is read first,
 * which would cost a round trip and still race.
 */
async function insertingBallots<T>(batch: () => Promise<T>, issued: number): Promise<T> {
  try {
    return await batch();
  } catch (e) {
    if (e instanceof Error && e.message.includes("BALLOTS_EXCEED_ISSUED")) throw tooMany(issued + 1, issued);
    throw e;
  }
}

export const votingRoutes = new Hono<AppEnv>()
  .post("/:periodId/voting/codes", async (c) => {
    const me = allow(c, "secretariat");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    const { period, repo } = scope;
    if (period.state !== "voting") throw votingNotOpen(period.state);
    const { round } = await electionOf(scope);
    // Paper ballots need no code; an online code in a paper vote would open a second channel (issue 11, item 5).
    if (round.channel !== "electronic") throw wrongChannel(round.channel);
    if (round.boxClosed) throw new ApiError(409, "BALLOT_BOX_CLOSED");
    const at = new Date().toISOString();
    const votedQ = repo.votedUnitsQ();
    const issued: { unitId: string; code: string }[] = [];
    const statements = [votedQ.stmt, repo.revokeUnusedVoterCodes(at)];
    for (const unitId of period.members) {
      const code = newVoterCode();
      issued.push({ unitId, code });
      statements.push(
        repo.insertVoterCodeUnlessVoted(
          {
            id: randomId(),
            role: "voter",
            bloc_id: period.blocId,
            unit_id: unitId,
            period_id: period.id,
            label: `Mã bỏ phiếu / voter code ${unitId}`,
            created_at: at,
            created_by: me.label,
            expires_at: null,
          },
          await sha256Hex(normaliseCredential(code)),
        ),
      );
    }
    statements.push(
      repo.auditVoterCodes(
        {
          blocId: period.blocId,
          periodId: period.id,
          actor: me,
          action: "voting.codes",
          requestId: c.get("requestId"),
          at,
        },
        period.members,
      ),
    );
    const results = await repo.db.batch(statements);
    const voted = votedQ.parse(results[0]?.results ?? []);
    const codes = issued.filter((_, i) => (results[i + 2]?.meta.changes ?? 0) === 1);
    return c.json({ periodId: period.id, codes, alreadyVoted: [...voted] }, 201);
  })
  .post("/:periodId/voting/trustee-codes", async (c) => {
    // One code per trustee, to hand to that person: it posts the public share and later the partial decryption.
    // Issuing again revokes the trustee's earlier code; a key already posted stays (it cannot be replaced).
    const me = allow(c, "council", "secretariat");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    const { period, repo } = scope;
    if (period.state !== "voting") throw votingNotOpen(period.state);
    const { round } = await electionOf(scope);
    if (round.channel !== "electronic") throw wrongChannel(round.channel);
    const at = new Date().toISOString();
    const codes: { trusteeId: string; name: string; code: string }[] = [];
    const statements: D1PreparedStatement[] = [
      repo.db
        .prepare(
          "UPDATE tokens SET revoked_at = ? WHERE period_id = ? AND bloc_id = ? AND role = 'trustee' AND revoked_at IS NULL",
        )
        .bind(at, period.id, period.blocId),
    ];
    for (const t of round.trustees) {
      const code = newVoterCode();
      codes.push({ trusteeId: t.id, name: t.name, code });
      statements.push(
        repo.root.insertToken(
          {
            id: randomId(),
            role: "trustee",
            bloc_id: period.blocId,
            unit_id: t.id,
            period_id: period.id,
            label: `Người giữ khoá / trustee ${t.id}`,
            created_at: at,
            created_by: me.label,
            expires_at: null,
          },
          await sha256Hex(normaliseCredential(code)),
        ),
      );
    }
    statements.push(
      repo.root.audit({
        blocId: period.blocId,
        periodId: period.id,
        actor: me,
        action: "voting.trustee-codes",
        detail: { trustees: codes.map((x) => x.trusteeId) },
        requestId: c.get("requestId"),
        at,
      }),
    );
    await repo.db.batch(statements);
    return c.json({ periodId: period.id, codes }, 201);
  })
  .get("/:periodId/voting/election", async (c) => {
    // What a voter's device encrypts under and what a trustee's screen shows: public data only.
    const me = allow(c, "council", "secretariat", "board", "clerk", "voter", "trustee");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    const { period } = scope;
    const { vote, round, keys, electionKey } = await electionOf(scope);
    const { rulebook } = await periodRules(scope);
    const returned = round.channel === "electronic" ? vote.sealedCount : vote.paperCount;
    const parts = round.channel === "electronic" ? vote.parts : [];
    return c.json({
      periodId: period.id,
      state: period.state,
      channel: round.channel,
      members: period.members,
      choicesPerBallot: rulebook.choicesPerBallot,
      trustees: round.trustees.map((t) => {
        const k = keys.find((x) => x.trusteeId === t.id);
        return {
          id: t.id,
          name: t.name,
          publicKey: k?.publicKey ?? null,
          decrypted: parts.some((p) => p.trusteeId === t.id),
        };
      }),
      electionKey,
      issued: period.members.length,
      returned,
      quorumNeeded: quorumNeeded(period.members.length, rulebook.quorum),
      boxClosed: round.boxClosed,
      aggregate: round.aggregate,
      me: me.role === "trustee" ? { trusteeId: me.unitId } : me.role === "voter" ? { unitId: me.unitId } : null,
    });
  })
  .post("/:periodId/voting/trustee-key", async (c) => {
    const me = allow(c, "trustee");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    const key = await readBody(c, TrusteeKey);
    const { period, repo } = scope;
    if (period.state !== "voting") throw votingNotOpen(period.state);
    const { store, round, keys } = await electionOf(scope);
    const trustee = await trusteeOf(scope, round);
    if (key.trusteeId !== trustee.id) throw invalid([domainError("FORBIDDEN", { path: "/trusteeId" })]);
    if (keys.some((k) => k.trusteeId === trustee.id))
      throw new ApiError(409, "TRUSTEE_KEY_EXISTS", { trustee: trustee.id });
    if (!checkTrusteeKey(period.id, key)) throw invalid([domainError("TRUSTEE_KEY_INVALID", { path: "/proof" })]);
    const at = new Date().toISOString();
    // The shares as they stand after this one, read in the same batch (the election key once all are in).
    const posted = store.keysQ();
    let results: D1Result[];
    try {
      results = await repo.db.batch([
        store.insertTrusteeKey(key),
        repo.root.audit({
          blocId: period.blocId,
          periodId: period.id,
          actor: me,
          action: "voting.trustee-key",
          detail: { trusteeId: trustee.id, publicKey: key.publicKey },
          requestId: c.get("requestId"),
          at,
        }),
        posted.stmt,
      ]);
    } catch (e) {
      if (e instanceof Error && /UNIQUE|constraint/i.test(e.message))
        throw new ApiError(409, "TRUSTEE_KEY_EXISTS", { trustee: trustee.id });
      throw e;
    }
    const electionKey = electionKeyOf(round, posted.parse(results[2]?.results ?? []));
    return c.json({ periodId: period.id, trusteeId: trustee.id, electionKey }, 201);
  })
  .post("/:periodId/voting/close", async (c) => {
    // Đóng hòm phiếu: no more ballots. With the quorum met, the per-unit sums are kept for the trustees to decrypt;
    // below it the vote failed and nothing will ever be decrypted (issue 11, item 5).
    const me = allow(c, "council", "secretariat");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    const { period, repo } = scope;
    if (period.state !== "voting") throw votingNotOpen(period.state);
    // The sealed ballots come with the round, in the authentication's batch (`votingPrefetch`).
    const { store, vote, round } = await electionOf(scope, { sealedBallots: "always" });
    if (round.channel !== "electronic") throw wrongChannel(round.channel);
    if (round.boxClosed) throw new ApiError(409, "BALLOT_BOX_CLOSED");
    const { rulebook } = await periodRules(scope);
    const ballots = vote.sealedBallots ?? [];
    const needed = quorumNeeded(period.members.length, rulebook.quorum);
    const aggregate = ballots.length >= needed ? aggregateBallots(period.members.length, ballots) : null;
    const at = new Date().toISOString();
    await repo.db.batch([
      store.closeBox(aggregate),
      store.revokeCodes(at, ["voter"]),
      repo.root.audit({
        blocId: period.blocId,
        periodId: period.id,
        actor: me,
        action: "voting.close",
        detail: { returned: ballots.length, quorumNeeded: needed, failed: aggregate === null },
        requestId: c.get("requestId"),
        at,
      }),
    ]);
    return c.json({
      periodId: period.id,
      returned: ballots.length,
      quorumNeeded: needed,
      failed: aggregate === null,
      aggregate,
    });
  })
  .post("/:periodId/voting/fail", async (c) => {
    // The way out of an n-of-n key one trustee lost: the council declares the vote failed, with a reason. Nothing is
    // decrypted, only the numbers of ballots are kept, and the period closes as after a vote below the quorum (no
    // award that needs a vote is given). The round and the decryptions came with the token (`votingPrefetch`).
    const me = allow(c, "council");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    const { reason } = await readBody(c, FailVote);
    const { period, repo } = scope;
    if (period.state !== "voting") throw votingNotOpen(period.state);
    const { store, vote, round } = await electionOf(scope);
    if (round.channel !== "electronic") throw wrongChannel(round.channel);
    if (!round.boxClosed) throw new ApiError(409, "BALLOT_BOX_OPEN");
    const { rulebook } = await periodRules(scope);
    // Fully decrypted, failed below the quorum, or already declared failed: the vote has its result.
    if ((await periodTally(scope, rulebook, vote)).tally) throw new ApiError(409, "TALLY_COMPLETE");
    const at = new Date().toISOString();
    const [done] = await repo.db.batch([
      store.declareFailed(reason),
      repo.root.audit(
        {
          blocId: period.blocId,
          periodId: period.id,
          actor: me,
          action: "voting.fail",
          detail: { reason, returned: vote.sealedCount, decrypted: vote.parts.map((p) => p.trusteeId) },
          requestId: c.get("requestId"),
          at,
        },
        undefined,
        true,
      ),
    ]);
    // Two councillors at once: the second's update finds the reason set and writes nothing.
    if ((done?.meta.changes ?? 0) !== 1) throw new ApiError(409, "TALLY_COMPLETE");
    return c.json({
      periodId: period.id,
      failed: true,
      reason,
      issued: period.members.length,
      returned: vote.sealedCount,
    });
  })
  .post("/:periodId/voting/decryption", async (c) => {
    const me = allow(c, "trustee");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    const part = await readBody(c, PartialDecryption);
    const { period, repo } = scope;
    if (period.state !== "voting") throw votingNotOpen(period.state);
    const { store, vote, round, keys, electionKey } = await electionOf(scope);
    const trustee = await trusteeOf(scope, round);
    if (part.trusteeId !== trustee.id) throw invalid([domainError("FORBIDDEN", { path: "/trusteeId" })]);
    if (!round.boxClosed) throw new ApiError(409, "BALLOT_BOX_OPEN");
    if (round.failedReason !== null) throw new ApiError(409, "VOTE_DECLARED_FAILED");
    if (!round.aggregate || !electionKey) throw new ApiError(409, "VOTING_NOT_OPEN", { state: "failed" });
    const { rulebook } = await periodRules(scope);
    const key = keys.find((k) => k.trusteeId === trustee.id)!;
    if (!checkPartialDecryption(contextOf(period, rulebook, electionKey), key.publicKey, round.aggregate, part))
      throw invalid([domainError("DECRYPTION_PROOF_INVALID", { path: "/shares" })]);
    const at = new Date().toISOString();
    // The decryptions and the count as they stand after this part, read in the same batch: is the tally complete?
    const [partsQ, countQ] = [store.partsQ(), store.sealedCountQ()];
    let results: D1Result[];
    try {
      results = await repo.db.batch([
        store.insertPartialDecryption(part),
        repo.root.audit({
          blocId: period.blocId,
          periodId: period.id,
          actor: me,
          action: "voting.decryption",
          detail: { trusteeId: trustee.id },
          requestId: c.get("requestId"),
          at,
        }),
        partsQ.stmt,
        countQ.stmt,
      ]);
    } catch (e) {
      if (e instanceof Error && /UNIQUE|constraint/i.test(e.message)) throw new ApiError(409, "CONFLICT");
      throw e;
    }
    const t = await periodTally(scope, rulebook, {
      ...vote,
      parts: partsQ.parse(results[2]?.results ?? []),
      sealedCount: countQ.parse(results[3]?.results ?? []),
    });
    return c.json({ periodId: period.id, trusteeId: trustee.id, decrypted: t.tally !== null }, 201);
  })
  .get("/:periodId/voting/record", async (c) => {
    // The public record of a sealed vote: `npm run verify:ballot -- file.json` checks every proof from it alone.
    const me = allow(c, "council", "secretariat", "board", "clerk", "trustee");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    if (me.role === "clerk" && scope.period.state !== "closed") throw new ApiError(403, "RESULTS_NOT_PUBLISHED");
    const record = await electionRecord(scope);
    if (!record) throw wrongChannel("paper");
    return new Response(JSON.stringify(record), {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="phieu-bau-${scope.period.id}.json"`,
        "cache-control": "private, no-store",
      },
    });
  })
  .post("/:periodId/voting/paper", async (c) => {
    const me = allow(c, "secretariat");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    const { period, repo } = scope;
    const { ballots } = await readBody(c, PaperBallots);
    if (period.state !== "voting") throw votingNotOpen(period.state);
    // The round and the count come with the token (`votingPrefetch`).
    const [{ round, vote }, { rulebook }] = await Promise.all([electionOf(scope), periodRules(scope)]);
    const count = vote.paperCount;
    // One channel per period: blank paper ballots must never fill up an electronic box (issue 11, item 5).
    if (round.channel !== "paper") throw wrongChannel(round.channel);
    const returned = count + ballots.length;
    if (returned > period.members.length) throw tooMany(returned, period.members.length);
    // Void ballots are counted (they are ballots returned) and reported with the reason, so that the secretariat can
    // check the batch against the biên bản kiểm phiếu at once (issue 11, item 10).
    const invalidBallots: { index: number; error: DomainError }[] = [];
    ballots.forEach((b, index) => {
      const problem = checkBallot(b, period.members, rulebook.choicesPerBallot);
      if (problem) invalidBallots.push({ index, error: problem });
    });
    const at = new Date().toISOString();
    // Ids are random, so the stored order says nothing about the order the ballots were counted in.
    const statements = ballots.map((b) => repo.insertBallot(randomId(), b.choices));
    statements.push(
      repo.root.audit(
        {
          blocId: period.blocId,
          periodId: period.id,
          actor: me,
          action: "voting.paper",
          detail: { count: ballots.length, invalid: invalidBallots.length },
          requestId: c.get("requestId"),
          at,
        },
        undefined,
        ballots.length > 0, // recorded only if the last ballot went in
      ),
    );
    const after = repo.root.periodQ(period.id);
    statements.push(after.stmt);
    const res = await insertingBallots(() => repo.db.batch(statements), period.members.length);
    // The ballots go in only while the period is voting (checked inside the write): all of them, or none.
    if (ballots.length > 0 && (res[0]?.meta.changes ?? 0) === 0)
      throw votingNotOpen(after.parse(res.at(-1)?.results ?? [])?.state ?? period.state);
    return c.json(
      {
        periodId: period.id,
        recorded: ballots.length,
        valid: ballots.length - invalidBallots.length,
        invalid: invalidBallots.length,
        invalidBallots,
        returned,
      },
      201,
    );
  })
  .get("/:periodId/voting/tally", async (c) => {
    const me = allow(c, "council", "secretariat", "board", "clerk");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    if (me.role === "clerk" && scope.period.state !== "closed") throw new ApiError(403, "RESULTS_NOT_PUBLISHED");
    const { rulebook } = await periodRules(scope);
    const t = await periodTally(scope, rulebook);
    return c.json({
      periodId: scope.period.id,
      visible: t.visible,
      issued: t.issued,
      returned: t.returned,
      tally: t.tally,
    });
  });

/**
 * Casts the sealed ballot of the voter code's unit, in one batch: whether a ballot with its fingerprint is in the
 * box already (a replay), then the ballot (only with the code unused and no such ballot), its audit row and the
 * code's used mark, each only if the one before it was written. The box's count and its closing are the triggers'
 * (migration 0004). Returns "cast", "replayed" or "used" (the code was used meanwhile).
 */
async function castBallot(scope: PeriodScope, store: VotingStore, ballot: SealedBallot, requestId: string) {
  const { period, repo, principal } = scope;
  const at = new Date().toISOString();
  const fingerprint = ballotFingerprint(ballot);
  const results = await insertingBallots(
    () =>
      repo.db.batch([
        store.fingerprintQ(fingerprint),
        store.insertSealedWithCode(randomId(), fingerprint, ballot, principal.tokenId),
        repo.root.audit(
          {
            blocId: period.blocId,
            periodId: period.id,
            unitId: principal.unitId,
            actor: principal,
            action: "ballot.cast",
            requestId,
            at,
          },
          undefined,
          true,
        ),
        repo.useVoterCode(principal.tokenId, true),
      ]),
    period.members.length,
  );
  if ((results[0]?.results.length ?? 0) > 0) return "replayed";
  return (results[1]?.meta.changes ?? 0) === 1 ? "cast" : "used";
}

export const ballotRoutes = new Hono<AppEnv>().post("/", async (c) => {
  const me = allow(c, "voter");
  const scope = await periodScope(c, me.periodId ?? "", me);
  const ballot = await readBody(c, SealedBallot);
  const { period } = scope;
  if (period.state !== "voting") throw votingNotOpen(period.state);
  // The round and the keys came with the token (`votingPrefetch`); the rules too, or this isolate has them.
  const fingerprint = ballotFingerprint(ballot);
  const [{ store, round, electionKey }, { rulebook }] = await Promise.all([electionOf(scope), periodRules(scope)]);
  if (round.channel !== "electronic") throw wrongChannel(round.channel);
  if (round.boxClosed) throw new ApiError(409, "BALLOT_BOX_CLOSED");
  if (!electionKey) throw new ApiError(409, "ELECTION_KEY_MISSING");
  // A ballot whose proofs do not hold is refused with the reason, and the code stays usable.
  const problem = checkSealedBallot(contextOf(period, rulebook, electionKey), ballot);
  if (problem) throw invalid([domainError("BALLOT_PROOF_INVALID", { path: "/proofs" }, { reason: problem })]);
  // A replay, then a full box (the trigger: 409 BALLOTS_EXCEED_ISSUED), then a used code, as the write's batch finds
  // them: no read before it.
  const cast = await castBallot(scope, store, ballot, c.get("requestId")).catch((e: unknown) => {
    if (e instanceof Error && e.message.includes("BALLOT_BOX_CLOSED")) throw new ApiError(409, "BALLOT_BOX_CLOSED");
    if (e instanceof Error && /UNIQUE/i.test(e.message))
      throw invalid([domainError("BALLOT_REPLAYED", { path: "/ciphertexts" })]);
    throw e;
  });
  if (cast === "replayed") throw invalid([domainError("BALLOT_REPLAYED", { path: "/ciphertexts" })]);
  if (cast === "used") throw new ApiError(409, "VOTER_CODE_USED");
  return c.json({ periodId: period.id, cast: true, fingerprint }, 201);
});
