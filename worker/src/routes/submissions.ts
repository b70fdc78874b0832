/**
 * Bảng tự chấm điểm: pushes (each accepted push is a new revision, kept forever), the revision list, any revision,
 * and the criterion-by-criterion comparison of two. A clerk reaches only its own unit; the secretariat may push on a
 * unit's behalf (a sheet e-mailed in); board and council read.
 */
import { Hono } from "hono";
import { compareEntries, leafIndex, toWireEntry } from "../../../shared/src/index.ts";
import { allow, requireUnit } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { notFound } from "../errors.ts";
import { intParam, readJson } from "../middleware.ts";
import { entriesOf, readAll, type SubmissionRow } from "../repository.ts";
import { periodRules, periodScope, pushSubmission } from "../service.ts";

const READERS = ["council", "secretariat", "board", "clerk"] as const;

function revisionMeta(r: Omit<SubmissionRow, "entries">) {
  return {
    revision: r.revision,
    templateId: r.template_id,
    templateVersion: r.template_version,
    contentHash: r.content_hash,
    clientId: r.client_id,
    by: r.actor_label,
    at: r.received_at,
    late: r.late === 1,
    totals: JSON.parse(r.totals) as unknown,
  };
}

export const submissionRoutes = new Hono<AppEnv>()
  .post("/:periodId/units/:unitId/submissions", async (c) => {
    const me = allow(c, "clerk", "secretariat");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    const unitId = c.req.param("unitId");
    requireUnit(me, scope.period, unitId);
    const body = await readJson(c);
    const { answer, replay } = await pushSubmission(scope, unitId, body, {
      requestId: c.get("requestId"),
      now: new Date(),
    });
    return c.json(answer, 201, replay ? { "X-Idempotent-Replay": "true" } : {});
  })
  .get("/:periodId/units/:unitId/submissions", async (c) => {
    const me = allow(c, ...READERS);
    const { period, repo } = await periodScope(c, c.req.param("periodId"), me);
    const unitId = c.req.param("unitId");
    requireUnit(me, period, unitId);
    const list = await repo.submissionList(unitId);
    return c.json({ unitId, revisions: list.map(revisionMeta) });
  })
  .get("/:periodId/units/:unitId/submissions/compare", async (c) => {
    const me = allow(c, ...READERS);
    const scope = await periodScope(c, c.req.param("periodId"), me);
    const unitId = c.req.param("unitId");
    requireUnit(me, scope.period, unitId);
    const from = intParam(c.req.query("from"), `submissions/${c.req.query("from") ?? "?"}`);
    const to = intParam(c.req.query("to"), `submissions/${c.req.query("to") ?? "?"}`);
    const { template } = await periodRules(scope);
    const { a, b } = await readAll(scope.repo.db, {
      a: scope.repo.submissionQ(unitId, from),
      b: scope.repo.submissionQ(unitId, to),
    });
    if (!a) throw notFound(`submissions/${from}`);
    if (!b) throw notFound(`submissions/${to}`);
    const order = leafIndex(template).leaves.map((l) => l.code);
    return c.json({ unitId, from, to, changes: compareEntries(order, entriesOf(a), entriesOf(b)) });
  })
  .get("/:periodId/units/:unitId/submissions/:revision", async (c) => {
    const me = allow(c, ...READERS);
    const { period, repo } = await periodScope(c, c.req.param("periodId"), me);
    const unitId = c.req.param("unitId");
    requireUnit(me, period, unitId);
    const what = `submissions/${c.req.param("revision")}`;
    const row = await repo.submission(unitId, intParam(c.req.param("revision"), what));
    if (!row) throw notFound(what);
    return c.json({ unitId, ...revisionMeta(row), entries: entriesOf(row).map(toWireEntry) });
  });
