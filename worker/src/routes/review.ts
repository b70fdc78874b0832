/**
 * Thẩm định: reviewed scores and notes per unit (revisioned like sheets), returning a sheet with a reason (which
 * reopens that unit alone), and the flags violation / withdrawn. Secretariat of the bloc only; reviews are readable
 * by the board, the council, and the unit's own clerk.
 */
import { Hono } from "hono";
import { domainError, FLAG_STATES, Flags, REVIEW_STATES, ReturnSheet, toWireEntry } from "../../../shared/src/index.ts";
import { allow, requireUnit } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../errors.ts";
import { readBody, readJson } from "../middleware.ts";
import { entriesOf } from "../repository.ts";
import { periodScope, pushReview } from "../service.ts";

function notInState(state: string): ApiError {
  return new ApiError(423, "PERIOD_NOT_OPEN", { state }, [domainError("PERIOD_NOT_OPEN", {}, { state })]);
}

export const reviewRoutes = new Hono<AppEnv>()
  .put("/:periodId/units/:unitId/review", async (c) => {
    const me = allow(c, "secretariat");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    const unitId = c.req.param("unitId");
    requireUnit(me, scope.period, unitId);
    const body = await readJson(c);
    const { answer, replay } = await pushReview(scope, unitId, body, {
      requestId: c.get("requestId"),
      now: new Date(),
    });
    return c.json(answer, 200, replay ? { "X-Idempotent-Replay": "true" } : {});
  })
  .get("/:periodId/units/:unitId/review", async (c) => {
    const me = allow(c, "council", "secretariat", "board", "clerk");
    const { period, repo } = await periodScope(c, c.req.param("periodId"), me);
    const unitId = c.req.param("unitId");
    requireUnit(me, period, unitId);
    const row = await repo.latestReview(unitId);
    if (!row) return c.json({ unitId, revision: null, entries: [], note: "", by: null, at: null });
    return c.json({
      unitId,
      revision: row.revision,
      entries: entriesOf(row).map(toWireEntry),
      note: row.note,
      contentHash: row.content_hash,
      by: row.actor_label,
      at: row.received_at,
    });
  })
  .post("/:periodId/units/:unitId/return", async (c) => {
    const me = allow(c, "secretariat");
    const { period, repo } = await periodScope(c, c.req.param("periodId"), me);
    const unitId = c.req.param("unitId");
    requireUnit(me, period, unitId);
    const { reason } = await readBody(c, ReturnSheet);
    if (!(period.state === "open" || REVIEW_STATES.includes(period.state))) throw notInState(period.state);
    // A unit with nothing submitted may be reopened too: that is how the secretariat lets a late sheet in.
    const at = new Date().toISOString();
    const latest = repo.latestSubmissionQ(unitId);
    const [read] = await repo.db.batch([
      latest.stmt,
      repo.setReturn(unitId, reason, at, me.label),
      // The revision returned is the latest, as the database has it when the return is written.
      repo.root.auditWithRevision(
        {
          blocId: period.blocId,
          periodId: period.id,
          unitId,
          actor: me,
          action: "submission.return",
          detail: { revision: null, reason },
          requestId: c.get("requestId"),
          at,
        },
        period.id,
        unitId,
      ),
    ]);
    const revision = latest.parse(read?.results ?? [])?.revision ?? null;
    return c.json({ unitId, returned: true, revision, reason, at });
  })
  .put("/:periodId/units/:unitId/flags", async (c) => {
    const me = allow(c, "secretariat");
    const { period, repo } = await periodScope(c, c.req.param("periodId"), me);
    const unitId = c.req.param("unitId");
    requireUnit(me, period, unitId);
    const flags = await readBody(c, Flags);
    if (!FLAG_STATES.includes(period.state)) throw notInState(period.state);
    const at = new Date().toISOString();
    // The state is checked again inside the write (the period may have closed since it was read), and the period
    // read back for the answer.
    const after = repo.root.periodQ(period.id);
    const [set, , now] = await repo.db.batch([
      repo.setFlags(unitId, flags, at, me.label, FLAG_STATES),
      repo.root.audit(
        {
          blocId: period.blocId,
          periodId: period.id,
          unitId,
          actor: me,
          action: "flags.set",
          detail: { ...flags },
          requestId: c.get("requestId"),
          at,
        },
        undefined,
        true,
      ),
      after.stmt,
    ]);
    if ((set?.meta.changes ?? 0) === 0) throw notInState(after.parse(now?.results ?? [])?.state ?? period.state);
    return c.json({ unitId, ...flags, at });
  });
