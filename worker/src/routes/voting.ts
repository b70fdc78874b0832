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
    const { period, repo } = await periodScope(c, c.req.param("periodId"), me);
    if (period.state !== "voting") throw votingNotOpen(period.state);
    // One batch: the units that voted, the revocation of unused codes, a new code per unit that has not voted (the
    // insert itself checks), and the audit record.
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
  .post("/:periodId/voting/paper", async (c) => {
    const me = allow(c, "secretariat");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    const { period, repo } = scope;
    const { ballots } = await readBody(c, PaperBallots);
    if (period.state !== "voting") throw votingNotOpen(period.state);
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
    // The count comes back in the same batch; too many ballots abort it (the trigger), and only then is it read again.
    const count = repo.ballotCountQ();
    statements.push(count.stmt);
    let returned: number;
    try {
      const results = await repo.db.batch(statements);
      returned = count.parse(results[results.length - 1]?.results ?? []);
    } catch (e) {
      if (e instanceof Error && e.message.includes("BALLOTS_EXCEED_ISSUED"))
        throw tooMany((await repo.ballotCount()) + ballots.length, period.members.length);
      throw e;
    }
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
  // A full box is refused by the database's trigger inside the cast's batch (answered as before, no count first).
  if (!(await castBallot(scope, ballot.choices, c.get("requestId")))) throw new ApiError(409, "VOTER_CODE_USED");
  return c.json({ periodId: scope.period.id, cast: true }, 201);
});
