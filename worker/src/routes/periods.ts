/**
 * Kỳ thi đua: periods, their lifecycle transitions, the sheet a clerk pulls, the secretariat's status board and the
 * consolidated bloc table. Every route under /periods/:periodId loads the period through `periodScope`, which hides
 * periods outside the caller's scope (404).
 */
import { Hono } from "hono";
import {
  checkDeadlineChange,
  checkPeriod,
  checkRulebook,
  checkTransition,
  DeadlineChange,
  type DomainError,
  domainError,
  Period,
  PeriodTransition,
  toWireEntry,
} from "../../../shared/src/index.ts";
import { allow, requireUnit } from "../auth.ts";
import { setupBlocOf } from "../blocSetup.ts";
import type { AppEnv } from "../env.ts";
import { ApiError, invalid } from "../errors.ts";
import { linkStore } from "../links.ts";
import { readBody } from "../middleware.ts";
import { createBatch, entriesOf, readAll, type SubmissionRow } from "../repository.ts";
import { periodRules, periodScope, periodTable } from "../service.ts";
import { votingTransition } from "./voting.ts";

export const periodRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const me = allow(c, "council", "secretariat", "board", "clerk");
    const year = c.req.query("year");
    // The council may ask for one bloc's periods (the setup screens read last year's rulebook from them).
    const blocQuery = me.role === "council" ? (c.req.query("blocId") ?? null) : null;
    const filter = {
      // The council may name a bloc; anyone else sees only the bloc its code is bound to (a clerk code bound to a
      // bloc lists only that bloc's periods: canSeePeriod says the same for each).
      blocId: me.role === "council" ? blocQuery : me.blocId,
      unitId: me.role === "clerk" ? me.unitId : null,
      ...(year && /^[0-9]{4}$/.test(year) ? { year: Number(year) } : {}),
    };
    return c.json({ periods: await c.get("repo").listPeriods(filter) });
  })
  .post("/", async (c) => {
    // The council creates any bloc's period; a bloc's secretariat its own bloc's only (403 SETUP_OTHER_BLOC).
    const me = allow(c, "council", "secretariat");
    const period = await readBody(c, Period);
    setupBlocOf(me, period.blocId, `blocs/${period.blocId}`);
    const repo = c.get("repo");
    const problems: DomainError[] = [];
    if (period.state !== "draft")
      problems.push(domainError("INVALID_TRANSITION", { path: "/state" }, { from: "-", to: period.state }));
    // The bloc, the units, an existing period, the template and the rulebook were read with the token (the
    // middleware read their references from the body: `periodRefs`), so the write is the second round trip. The
    // domain core checks them against each other before it. A body whose references the validation changed (or a
    // draft the middleware could not read) reads them now: one round trip more.
    let read = repo.creationRead(period);
    if (!read) {
      const [rows, template, rulebook] = await Promise.all([
        readAll(repo.db, {
          bloc: repo.blocQ(period.blocId),
          units: repo.unitsQ(period.members),
          existing: repo.periodQ(period.id),
        }),
        repo.getTemplate(period.templateId, period.templateVersion),
        repo.getRulebook(period.rulebookId, period.rulebookVersion),
      ]);
      read = { ...rows, template, rulebook };
    }
    const { bloc, units, existing, template, rulebook } = read;
    if (existing) throw new ApiError(409, "ALREADY_EXISTS", { what: `periods/${period.id}` });
    if (!bloc) problems.push(domainError("NOT_FOUND", { path: "/blocId" }, { what: `blocs/${period.blocId}` }));
    if (!template)
      problems.push(
        domainError(
          "NOT_FOUND",
          { path: "/templateId" },
          { what: `templates/${period.templateId}/versions/${period.templateVersion}` },
        ),
      );
    if (!rulebook)
      problems.push(
        domainError(
          "NOT_FOUND",
          { path: "/rulebookId" },
          { what: `rulebooks/${period.rulebookId}/versions/${period.rulebookVersion}` },
        ),
      );
    if (template && rulebook) problems.push(...checkRulebook(rulebook, template));
    problems.push(...checkPeriod(period, new Set(units.map((u) => u.id))));
    if (problems.length) throw invalid(problems);
    const at = new Date().toISOString();
    // The new period is read back in the same batch as its insert and audit record.
    const created = repo.periodQ(period.id);
    const results = await createBatch(
      repo.db,
      [
        repo.insertPeriod(period, at),
        repo.audit({
          blocId: period.blocId,
          periodId: period.id,
          actor: me,
          action: "period.create",
          detail: { ...period },
          requestId: c.get("requestId"),
          at,
        }),
        created.stmt,
      ],
      `periods/${period.id}`,
    );
    return c.json(created.parse(results[2]?.results ?? []), 201);
  })
  .get("/:periodId", async (c) => {
    // A voter code reads its own period: the ballot lists the member units.
    const me = allow(c, "council", "secretariat", "board", "clerk", "voter");
    const { period } = await periodScope(c, c.req.param("periodId"), me);
    return c.json(period);
  })
  .post("/:periodId/transitions", async (c) => {
    const me = allow(c, "council", "secretariat");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    const { period, repo } = scope;
    const t = await readBody(c, PeriodTransition);
    const problem = checkTransition(period.state, t.to, me.role, t.reason);
    if (problem) {
      const status = problem.code === "FORBIDDEN" ? 403 : problem.code === "INVALID_TRANSITION" ? 409 : 422;
      throw new ApiError(status, problem.code, problem.params ?? {}, [problem]);
    }
    const at = new Date().toISOString();
    // Into `voting`: the channel is fixed; out of it: codes die, a sealed vote must be decrypted or have failed.
    const voting = await votingTransition(scope, t.to, t.channel, at);
    const after = repo.root.periodQ(period.id);
    const [update, , now] = await repo.db.batch([
      repo.db
        .prepare("UPDATE periods SET state = ?, updated_at = ? WHERE bloc_id = ? AND id = ? AND state = ?")
        .bind(t.to, at, period.blocId, period.id, period.state),
      repo.root.audit(
        {
          blocId: period.blocId,
          periodId: period.id,
          actor: me,
          action: "period.transition",
          detail: {
            from: period.state,
            to: t.to,
            reason: t.reason,
            ...(t.to === "voting" ? { channel: t.channel ?? "paper" } : {}),
          },
          requestId: c.get("requestId"),
          at,
        },
        undefined,
        true,
      ),
      after.stmt,
      // Reopening a closed period kills its download links: what they showed is no longer the result.
      ...(period.state === "closed" ? [linkStore.revokeIfState(repo.db, period, t.to, at)] : []),
      ...voting,
    ]);
    if (!update?.meta.changes) throw new ApiError(409, "INVALID_TRANSITION", { from: period.state, to: t.to });
    return c.json(after.parse(now?.results ?? []));
  })
  .post("/:periodId/deadline", async (c) => {
    // Gia hạn nộp: a new submission deadline, while the period is a draft or open, with its reason in the audit log.
    const me = allow(c, "council", "secretariat");
    const { period, repo } = await periodScope(c, c.req.param("periodId"), me);
    const change = await readBody(c, DeadlineChange);
    const now = new Date();
    const problem = checkDeadlineChange(period.state, change.submissionDeadline, now);
    if (problem) {
      const status = problem.code === "DEADLINE_NOT_CHANGEABLE" ? 409 : 422;
      throw new ApiError(status, problem.code, problem.params ?? {}, [problem]);
    }
    const at = now.toISOString();
    const after = repo.root.periodQ(period.id);
    const [update, , read] = await repo.db.batch([
      repo.db
        .prepare(
          "UPDATE periods SET body = json_set(body, '$.submissionDeadline', ?), updated_at = ? " +
            "WHERE bloc_id = ? AND id = ? AND state IN ('draft', 'open') " +
            "AND json_extract(body, '$.submissionDeadline') = ?",
        )
        .bind(change.submissionDeadline, at, period.blocId, period.id, period.submissionDeadline),
      repo.root.audit(
        {
          blocId: period.blocId,
          periodId: period.id,
          actor: me,
          action: "period.deadline",
          detail: { from: period.submissionDeadline, to: change.submissionDeadline, reason: change.reason },
          requestId: c.get("requestId"),
          at,
        },
        undefined,
        true,
      ),
      after.stmt,
    ]);
    const current = after.parse(read?.results ?? []) ?? period;
    if (!update?.meta.changes) {
      // Between the read and the write the period moved on, or somebody else moved the deadline: the audit row
      // above was not written, and the caller learns which.
      if (current.state !== "draft" && current.state !== "open")
        throw new ApiError(409, "DEADLINE_NOT_CHANGEABLE", { state: current.state });
      throw new ApiError(409, "DEADLINE_CHANGED_MEANWHILE", { deadline: current.submissionDeadline });
    }
    return c.json(current);
  })
  .get("/:periodId/sheet", async (c) => {
    // A clerk's pull in one request: with `?unit=`, the unit's latest revision comes with the bundle.
    const me = allow(c, "council", "secretariat", "board", "clerk", "voter");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    const { period, repo } = scope;
    const unitId = c.req.query("unit");
    if (unitId !== undefined) {
      // The unit's entries are for those who may read its revisions: never a voter code.
      if (me.role === "voter") throw new ApiError(403, "FORBIDDEN");
      requireUnit(me, period, unitId);
    }
    const { template, rulebook } = await periodRules(scope);
    const r = await readAll(repo.db, {
      bloc: repo.root.blocQ(period.blocId),
      units: repo.root.unitsQ(period.members),
      latest: repo.latestRevisionsQ(),
      returns: repo.returnsQ(),
      ...(unitId !== undefined ? { mine: repo.latestSubmissionQ(unitId) } : {}),
    });
    const { bloc, units, latest, returns } = r;
    const mine = (u: string) => (me.role !== "clerk" && me.role !== "voter") || me.unitId === u;
    const revisions = Object.fromEntries([...latest].filter(([u]) => mine(u)).map(([u, row]) => [u, row.revision]));
    const returned = Object.fromEntries(
      [...returns]
        .filter(([u, row]) => mine(u) && row.open === 1)
        .map(([u, row]) => [u, { reason: row.reason, at: row.returned_at, by: row.actor_label }]),
    );
    const last = (r as { mine?: SubmissionRow | null }).mine ?? null;
    return c.json({
      period,
      bloc,
      units,
      template,
      rulebook,
      revisions,
      returned,
      ...(unitId !== undefined
        ? {
            latest: last ? { unitId, revision: last.revision, entries: entriesOf(last).map(toWireEntry) } : null,
          }
        : {}),
    });
  })
  .get("/:periodId/status", async (c) => {
    const me = allow(c, "council", "secretariat", "board");
    const { period, repo } = await periodScope(c, c.req.param("periodId"), me);
    const { units, latest, returns, reviews, flags } = await readAll(repo.db, {
      units: repo.root.unitsQ(period.members),
      latest: repo.latestRevisionsQ(),
      returns: repo.returnsQ(),
      reviews: repo.latestReviewRevisionsQ(),
      flags: repo.flagsQ(),
    });
    const byId = new Map(units.map((u) => [u.id, u]));
    const rows = period.members.map((unitId) => {
      const s = latest.get(unitId);
      const r = returns.get(unitId);
      const open = r?.open === 1 ? r : null;
      const reviewed = reviews.get(unitId);
      return {
        unitId,
        name: byId.get(unitId)?.name ?? unitId,
        shortName: byId.get(unitId)?.shortName ?? unitId,
        // Accepted once reviewed; the review stands for a sheet pushed again after a return until it is redone.
        status: open ? "returned" : !s ? "missing" : reviewed ? "accepted" : "submitted",
        latestRevision: s?.revision ?? null,
        at: s?.received_at ?? null,
        by: s?.actor_label ?? null,
        late: s ? s.late === 1 : null,
        total: s ? (JSON.parse(s.totals) as { total: number }).total : null,
        returned: open ? { reason: open.reason, at: open.returned_at, by: open.actor_label } : null,
        reviewRevision: reviewed?.revision ?? null,
        flags: flags[unitId] ?? { violation: false, withdrawn: false, reason: "" },
      };
    });
    return c.json({
      periodId: period.id,
      state: period.state,
      submissionDeadline: period.submissionDeadline,
      units: rows,
    });
  })
  .get("/:periodId/table", async (c) => {
    const me = allow(c, "council", "secretariat", "board", "clerk");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    if (me.role === "clerk" && scope.period.state !== "closed") throw new ApiError(403, "RESULTS_NOT_PUBLISHED");
    return c.json(await periodTable(scope));
  });
