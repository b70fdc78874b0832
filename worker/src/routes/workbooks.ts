/**
 * The workbooks (.xlsx): the board's ranking workbook of a period, a unit's template workbook for clerks without the
 * add-in, and the upload of a filled template, stored as a revision exactly as a push from the add-in is (through
 * `pushSubmission`). The workbook modules in `../workbook/` are pure; this file only loads, authorises and answers.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import {
  consolidate,
  domainError,
  readSheet,
  readSheetByCode,
  type SubmissionPush,
} from "../../../shared/src/index.ts";
import { allow, requireUnit } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { ApiError, notFound } from "../errors.ts";
import { linkPrincipal, linkStore, rankingLink } from "../links.ts";
import { entriesOf, readAll, storeBookStmts } from "../repository.ts";
import { periodData, periodRules, periodScope, pushSubmission } from "../service.ts";
import {
  checkUploadTarget,
  hashInputsAsync,
  rankingInputs,
  rankingWorkbook,
  readUpload,
  templateWorkbook,
  XLSX_MIME,
} from "../workbook/index.ts";

/** Content types an upload may declare (browsers send octet-stream for an unknown file type). */
const UPLOAD_TYPES = [XLSX_MIME, "application/octet-stream"];

/** An attachment response; the file name is ASCII, with the Vietnamese one in `filename*`. */
function xlsx(c: Context<AppEnv>, bytes: Uint8Array, asciiName: string, name: string): Response {
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
    "Content-Type": XLSX_MIME,
    "Content-Disposition": `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    "Cache-Control": "private, no-store",
  });
}

/**
 * Keeps a closed period's ranking workbook after the answer has gone (`waitUntil`): one batch, written only if the
 * period, its bloc and its units are still as the stamp read before the data says (`storeBookStmts`). A failure
 * costs only the next download's build, so it is logged, not thrown.
 */
function keepBook(c: Context<AppEnv>, db: D1Database, periodId: string, stamp: string, at: string, bytes: Uint8Array) {
  const write = db
    .batch(storeBookStmts(db, periodId, stamp, at, bytes))
    .then(() => undefined)
    .catch((e: unknown) =>
      console.warn(JSON.stringify({ requestId: c.get("requestId"), rankingBook: "not kept", detail: String(e) })),
    );
  try {
    c.executionCtx.waitUntil(write);
  } catch {
    // No execution context (a plain `app.fetch` in a script): the write still runs.
  }
}

async function digestHex(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The uploaded file: the raw body (xlsx or octet-stream), or the `file` field of a multipart form. */
async function uploadedBytes(c: Context<AppEnv>): Promise<Uint8Array> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "multipart/form-data") {
    const form = await c.req.parseBody();
    const file = form.file;
    if (!(file instanceof File))
      throw new ApiError(422, "INVALID_INPUT", { path: "/file", detail: "a file field named 'file'" });
    return new Uint8Array(await file.arrayBuffer());
  }
  if (!UPLOAD_TYPES.includes(type))
    throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", { received: type || "-", expected: XLSX_MIME });
  return new Uint8Array(await c.req.arrayBuffer());
}

export const workbookRoutes = new Hono<AppEnv>()
  .post("/:periodId/ranking-link", async (c) => {
    const me = allow(c, "council", "secretariat", "board", "clerk");
    const { period, repo } = await periodScope(c, c.req.param("periodId"), me);
    if (me.role === "clerk" && period.state !== "closed") throw new ApiError(403, "RESULTS_NOT_PUBLISHED");
    const now = new Date();
    const { link, row } = await rankingLink(c, period, me, now);
    await repo.db.batch([
      linkStore.insert(repo.db, row),
      repo.root.audit({
        blocId: period.blocId,
        periodId: period.id,
        actor: me,
        action: "link.create",
        detail: { linkId: link.id, expiresAt: link.expiresAt },
        requestId: c.get("requestId"),
        at: link.createdAt,
      }),
    ]);
    return c.json(link, 201);
  })
  .get("/:periodId/links", async (c) => {
    // The period's download links, so that the secretariat can see who made which and revoke them.
    const me = allow(c, "council", "secretariat");
    const { period, repo } = await periodScope(c, c.req.param("periodId"), me);
    return c.json({ periodId: period.id, links: await linkStore.list(repo.db, period) });
  })
  .delete("/:periodId/links", async (c) => {
    // Revokes every live link of the period at once (a link was forwarded too far, and nobody knows which).
    const me = allow(c, "council", "secretariat");
    const { period, repo } = await periodScope(c, c.req.param("periodId"), me);
    const at = new Date().toISOString();
    const [done] = await repo.db.batch([
      linkStore.revoke(repo.db, period, null, at),
      repo.root.audit(
        {
          blocId: period.blocId,
          periodId: period.id,
          actor: me,
          action: "link.revoke",
          detail: { linkId: null },
          requestId: c.get("requestId"),
          at,
        },
        undefined,
        true,
      ),
    ]);
    return c.json({ periodId: period.id, revoked: done?.meta.changes ?? 0 });
  })
  .delete("/:periodId/links/:linkId", async (c) => {
    const me = allow(c, "council", "secretariat");
    const { period, repo } = await periodScope(c, c.req.param("periodId"), me);
    const id = c.req.param("linkId");
    const at = new Date().toISOString();
    // One round trip: the revoke, its audit (only if it changed a row: a second revoke is not audited), the row.
    const [, , read] = await repo.db.batch([
      linkStore.revoke(repo.db, period, id, at),
      repo.root.audit(
        {
          blocId: period.blocId,
          periodId: period.id,
          actor: me,
          action: "link.revoke",
          detail: { linkId: id },
          requestId: c.get("requestId"),
          at,
        },
        undefined,
        true,
      ),
      linkStore.getQ(repo.db, period, id),
    ]);
    const link = linkStore.viewOf(read);
    if (!link) throw notFound(`links/${id}`);
    return c.json(link);
  })
  .get("/:periodId/ranking.xlsx", async (c) => {
    // A signed link (no bearer) stands for a read-only board principal of this one period.
    const linked = c.get("principal") ? null : await c.get("repo").scopedPeriod(c.req.param("periodId"));
    const viaLink = linked ? await linkPrincipal(c, linked, new Date()) : null;
    const me = viaLink ?? allow(c, "council", "secretariat", "board", "clerk");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    const { period } = scope;
    if (me.role === "clerk" && period.state !== "closed") throw new ApiError(403, "RESULTS_NOT_PUBLISHED");
    const name = (draft: string) =>
      [`bang-xep-hang-${period.id}${draft}.xlsx`, `Bảng xếp hạng ${period.id}${draft}.xlsx`] as const;
    // A closed period's workbook is made once, at its first download, and kept (migration 0009): every later
    // download is this one round trip and no build (10-16 ms of CPU at 100 units x 120 criteria, 0.35 ms kept).
    const kept = period.state === "closed" ? scope.repo.root.bookRead(period.id) : undefined;
    if (kept?.book) return xlsx(c, kept.book.bytes, ...name(""));
    // The sheets are consolidated from their scores; their texts, as stored, go into the provenance (`texts`).
    const { input, bloc, texts } = await periodData(scope, true);
    const table = consolidate(input);
    const inputs = rankingInputs(input);
    const hashes = await hashInputsAsync(inputs, texts);
    const blocName = bloc?.name ?? period.blocId;
    const leader = input.units.find((u) => u.id === period.leaderUnitId);
    const generatedAt = new Date().toISOString();
    const bytes = rankingWorkbook(table, {
      inputs,
      hashes,
      blocName,
      issuingBody: [
        ...(leader ? [leader.name.toUpperCase()] : []),
        `${leader ? "KHỐI TRƯỞNG " : ""}${blocName.split("–")[0]!.trim().toUpperCase()}`,
      ],
      generatedAt,
      periodState: period.state,
      ...(leader ? { leaderName: leader.name } : {}),
    });
    if (kept?.stamp) keepBook(c, scope.repo.db, period.id, kept.stamp, generatedAt, bytes);
    return xlsx(c, bytes, ...name(period.state === "closed" ? "" : "-du-thao"));
  })
  .get("/:periodId/units/:unitId/template.xlsx", async (c) => {
    const me = allow(c, "council", "secretariat", "clerk");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    const { period, repo } = scope;
    const unitId = c.req.param("unitId");
    requireUnit(me, period, unitId);
    const { template, rulebook } = await periodRules(scope);
    const { bloc, units, latest } = await readAll(repo.db, {
      bloc: repo.root.blocQ(period.blocId),
      units: repo.root.unitsQ([unitId]),
      latest: repo.latestSubmissionQ(unitId),
    });
    const unit = units[0];
    // Prefilled with the latest revision, so that a returned sheet comes back with what was sent.
    const bytes = templateWorkbook(
      template,
      {
        blocName: bloc?.name ?? period.blocId,
        unitName: unit?.name ?? unitId,
        unitId,
        periodId: period.id,
        year: period.year,
        bonusCap: rulebook.bonusCap,
      },
      latest ? entriesOf(latest) : [],
    );
    return xlsx(
      c,
      bytes,
      `bang-tu-cham-${period.id}-${unitId}.xlsx`,
      `Bảng tự chấm điểm ${unit?.shortName ?? unitId}.xlsx`,
    );
  })
  .post("/:periodId/units/:unitId/upload", async (c) => {
    const me = allow(c, "clerk", "secretariat");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    const unitId = c.req.param("unitId");
    requireUnit(me, scope.period, unitId);
    const bytes = await uploadedBytes(c);
    const up = readUpload(bytes);
    if (!up.ok) {
      console.warn(JSON.stringify({ requestId: c.get("requestId"), upload: up.reason, detail: up.detail }));
      throw new ApiError(up.status, up.error.code, up.error.params ?? {}, [up.error]);
    }
    if (up.meta.mode !== "self")
      throw new ApiError(422, "SHEET_NOT_RECOGNISED", {}, [domainError("SHEET_NOT_RECOGNISED")]);
    const wrong = checkUploadTarget(up.meta, scope.period.id, unitId);
    if (wrong) throw new ApiError(422, wrong.code, wrong.params ?? {}, [wrong]);
    // Every score is read by the criterion code on its own row; a sheet whose codes are missing, duplicated or
    // unknown is refused with every such cell, so no score can be stored under another criterion.
    // (A file of another template or version is read as its metadata says: the push refuses it with that reason.)
    const { template } = await periodRules(scope);
    const sameTemplate = up.meta.templateId === template.id && up.meta.templateVersion === template.version;
    const read = sameTemplate
      ? readSheetByCode(template, up.meta, up.grid)
      : { entries: readSheet(up.meta, up.grid), problems: [] };
    if (read.problems.length) {
      const first = read.problems[0]!;
      throw new ApiError(422, first.code, { ...first.params, sheet: up.sheetName }, read.problems);
    }
    // The file is the sheet now: it goes on top of the latest revision (`onTopOfLatest`). Its id is the hash of its
    // bytes, so sending the same file twice stores it once (the second answer is the first, as for a retried push).
    const push: SubmissionPush = {
      templateId: up.meta.templateId,
      templateVersion: up.meta.templateVersion,
      baseRevision: null,
      clientId: `xlsx-${(await digestHex(bytes)).slice(0, 40)}`,
      entries: read.entries,
    };
    const { answer, replay } = await pushSubmission(scope, unitId, push, {
      requestId: c.get("requestId"),
      now: new Date(),
      source: "upload",
      onTopOfLatest: true,
    }).catch((e: unknown) => {
      // The cells of the problems are the uploaded sheet's: say which sheet, as the file may hold several.
      if (e instanceof ApiError && e.status === 422)
        throw new ApiError(422, e.code, { ...e.params, sheet: up.sheetName }, e.details, e.headers);
      throw e;
    });
    return c.json({ ...answer, sheet: { name: up.sheetName, templateId: up.meta.templateId } }, 201, {
      ...(replay ? { "X-Idempotent-Replay": "true" } : {}),
    });
  });
