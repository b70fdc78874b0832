/**
 * Bỏ phiếu kín: voter codes (one single-use code per member unit, shown once), electronic ballots cast with a code,
 * counted paper ballots entered by the secretariat, and the tally (kiểm phiếu) from the domain core. Secrecy is
 * structural: a stored ballot holds only a random id, the bloc, the period and the choices; the code is marked used
 * in the same batch, with no time; the audit says that a unit voted, never how.
 */
import { Hono } from "hono";
import { Ballot, checkBallot, domainError, PaperBallots } from "../../../shared/src/index.ts";
import { allow, newVoterCode, normaliseCredential, randomId, sha256Hex } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { ApiError, invalid } from "../errors.ts";
import { readBody } from "../middleware.ts";
import { type PeriodScope, periodRules, periodScope, periodTally } from "../service.ts";

function votingNotOpen(state: string): ApiError {
  return new ApiError(423, "VOTING_NOT_OPEN", { state }, [domainError("VOTING_NOT_OPEN", {}, { state })]);
}

function tooMany(returned: number, issued: number): ApiError {
  return new ApiError(409, "BALLOTS_EXCEED_ISSUED", { returned, issued });
}

/**
 * Runs a batch that inserts ballots. The routes check the count first, for a clear answer; when two casts race past
 * that check, the database's trigger (migration 0002) aborts the whole batch, answered the same way.
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
    const { period, repo } = await periodScope(c, c.req.param("periodId"), me);
    if (period.state !== "voting") throw votingNotOpen(period.state);
    const existing = await repo.voterCodes();
    const voted = new Set(existing.filter((t) => t.used === 1).map((t) => t.unit_id));
    const at = new Date().toISOString();
    const codes: { unitId: string; code: string }[] = [];
    const statements = [repo.revokeUnusedVoterCodes(at)];
    for (const unitId of period.members) {
      if (voted.has(unitId)) continue;
      const code = newVoterCode();
      codes.push({ unitId, code });
      statements.push(
        repo.root.insertToken(
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
      repo.root.audit({
        blocId: period.blocId,
        periodId: period.id,
        actor: me,
        action: "voting.codes",
        detail: { issued: codes.map((x) => x.unitId), alreadyVoted: [...voted] },
        requestId: c.get("requestId"),
        at,
      }),
    );
    await repo.db.batch(statements);
    return c.json({ periodId: period.id, codes, alreadyVoted: [...voted] }, 201);
  })
  .post("/:periodId/voting/paper", async (c) => {
    const me = allow(c, "secretariat");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    const { period, repo } = scope;
    const { ballots } = await readBody(c, PaperBallots);
    if (period.state !== "voting") throw votingNotOpen(period.state);
    const returned = (await repo.ballotCount()) + ballots.length;
    if (returned > period.members.length) throw tooMany(returned, period.members.length);
    const at = new Date().toISOString();
    // Ids are random, so the stored order says nothing about the order the ballots were counted in.
    const statements = ballots.map((b) => repo.insertBallot(randomId(), b.choices));
    statements.push(
      repo.root.audit({
        blocId: period.blocId,
        periodId: period.id,
        actor: me,
        action: "voting.paper",
        detail: { count: ballots.length },
        requestId: c.get("requestId"),
        at,
      }),
    );
    await insertingBallots(() => repo.db.batch(statements), period.members.length);
    return c.json({ periodId: period.id, recorded: ballots.length, returned }, 201);
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

/** Casts the ballot of the voter code's unit. */
async function castBallot(scope: PeriodScope, choices: string[], requestId: string) {
  const { period, repo, principal } = scope;
  const at = new Date().toISOString();
  const results = await insertingBallots(
    () =>
      repo.db.batch([
        repo.insertBallotWithCode(randomId(), choices, principal.tokenId),
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
          principal.tokenId,
        ),
        repo.useVoterCode(principal.tokenId),
      ]),
    period.members.length,
  );
  return (results[0]?.meta.changes ?? 0) === 1;
}

export const ballotRoutes = new Hono<AppEnv>().post("/", async (c) => {
  const me = allow(c, "voter");
  const scope = await periodScope(c, me.periodId ?? "", me);
  const ballot = await readBody(c, Ballot);
  if (scope.period.state !== "voting") throw votingNotOpen(scope.period.state);
  const { rulebook } = await periodRules(scope);
  // An electronic ballot that the count would void is refused with the reason, and the code stays usable.
  const problem = checkBallot(ballot, scope.period.members, rulebook.choicesPerBallot);
  if (problem) throw invalid([{ ...problem, path: "/choices" }]);
  const returned = await scope.repo.ballotCount();
  if (returned >= scope.period.members.length) throw tooMany(returned + 1, scope.period.members.length);
  if (!(await castBallot(scope, ballot.choices, c.get("requestId")))) throw new ApiError(409, "VOTER_CODE_USED");
  return c.json({ periodId: scope.period.id, cast: true }, 201);
});
