/**
 * The workbooks (.xlsx): the board's ranking workbook of a period, a unit's template workbook for clerks without the
 * add-in, and the upload of a filled template, stored as a revision exactly as a push from the add-in is (through
 * `pushSubmission`). The workbook modules in `../workbook/` are pure; this file only loads, authorises and answers.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { consolidate, domainError, readSheet, type SubmissionPush } from "../../../shared/src/index.ts";
import { allow, requireUnit } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../errors.ts";
import { linkPrincipal, rankingLink } from "../links.ts";
import { entriesOf } from "../repository.ts";
import { consolidationInput, periodRules, periodScope, pushSubmission } from "../service.ts";
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
    const { period } = await periodScope(c, c.req.param("periodId"), me);
    if (me.role === "clerk" && period.state !== "closed") throw new ApiError(403, "RESULTS_NOT_PUBLISHED");
    return c.json(await rankingLink(c, period.id, new Date()), 201);
  })
  .get("/:periodId/ranking.xlsx", async (c) => {
    // A signed link (no bearer) stands for a read-only board principal of this one period.
    const linked = c.get("principal") ? null : await c.get("repo").getPeriod(c.req.param("periodId"));
    const viaLink = linked ? await linkPrincipal(c, linked, new Date()) : null;
    const me = viaLink ?? allow(c, "council", "secretariat", "board", "clerk");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    const { period } = scope;
    if (me.role === "clerk" && period.state !== "closed") throw new ApiError(403, "RESULTS_NOT_PUBLISHED");
    const [input, bloc] = await Promise.all([consolidationInput(scope), scope.repo.root.getBloc(period.blocId)]);
    const table = consolidate(input);
    const inputs = rankingInputs(input);
    const hashes = await hashInputsAsync(inputs);
    const blocName = bloc?.name ?? period.blocId;
    const leader = input.units.find((u) => u.id === period.leaderUnitId);
    const bytes = rankingWorkbook(table, {
      inputs,
      hashes,
      blocName,
      issuingBody: [
        ...(leader ? [leader.name.toUpperCase()] : []),
        `${leader ? "KHỐI TRƯỞNG " : ""}${blocName.split("–")[0]!.trim().toUpperCase()}`,
      ],
      generatedAt: new Date().toISOString(),
      periodState: period.state,
      ...(leader ? { leaderName: leader.name } : {}),
    });
    const draft = period.state === "closed" ? "" : "-du-thao";
    return xlsx(c, bytes, `bang-xep-hang-${period.id}${draft}.xlsx`, `Bảng xếp hạng ${period.id}${draft}.xlsx`);
  })
  .get("/:periodId/units/:unitId/template.xlsx", async (c) => {
    const me = allow(c, "council", "secretariat", "clerk");
    const scope = await periodScope(c, c.req.param("periodId"), me);
    const { period, repo } = scope;
    const unitId = c.req.param("unitId");
    requireUnit(me, period, unitId);
    const [{ template, rulebook }, bloc, units, latest] = await Promise.all([
      periodRules(scope),
      repo.root.getBloc(period.blocId),
      repo.root.getUnits([unitId]),
      repo.latestSubmission(unitId),
    ]);
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
    // The file is the sheet now: it goes on top of the latest revision. Its id is the hash of its bytes, so sending
    // the same file twice stores it once (the second answer is the first, as for a retried push).
    const latest = await scope.repo.latestSubmission(unitId);
    const push: SubmissionPush = {
      templateId: up.meta.templateId,
      templateVersion: up.meta.templateVersion,
      baseRevision: latest?.revision ?? null,
      clientId: `xlsx-${(await digestHex(bytes)).slice(0, 40)}`,
      entries: readSheet(up.meta, up.grid),
    };
    const { answer, replay } = await pushSubmission(scope, unitId, push, {
      requestId: c.get("requestId"),
      now: new Date(),
      source: "upload",
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
