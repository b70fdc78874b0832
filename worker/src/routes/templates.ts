/**
 * Bảng chấm điểm: GET|POST /templates, GET /templates/:templateId/versions/:version (see versioned.ts), and the
 * template workbook of a version alone, for member units to read before the year starts (no unit, no period).
 */
import { templatePreviewContext } from "../../../shared/src/index.ts";
import { allow } from "../auth.ts";
import { notFound } from "../errors.ts";
import { intParam } from "../middleware.ts";
import { templateWorkbook, XLSX_MIME } from "../workbook/index.ts";
import { templateRoutes as versioned } from "./versioned.ts";

export const templateRoutes = versioned.get("/:templateId/versions/:version/workbook.xlsx", async (c) => {
  allow(c, "council", "secretariat", "board", "clerk");
  const id = c.req.param("templateId");
  const what = `templates/${id}/versions/${c.req.param("version")}`;
  const version = intParam(c.req.param("version"), what);
  const repo = c.get("repo");
  // The header names the bloc the template was published for (none: the council's, for every bloc).
  const [template, bloc] = await Promise.all([
    repo.getTemplate(id, version),
    repo.db
      .prepare(
        "SELECT b.name AS name FROM templates t JOIN blocs b ON b.id = t.bloc_id WHERE t.id = ? ORDER BY t.version LIMIT 1",
      )
      .bind(id)
      .first<{ name: string }>(),
  ]);
  if (!template) throw notFound(what);
  // The year it is read for: ?year=, else this year in Vietnam (UTC+7).
  const asked = c.req.query("year") ?? "";
  const year = /^(20|21)[0-9]{2}$/.test(asked) ? Number(asked) : new Date(Date.now() + 7 * 3600_000).getUTCFullYear();
  const bytes = templateWorkbook(template, templatePreviewContext(template, bloc?.name ?? "", year));
  const name = `bang-cham-diem-${template.id}-v${template.version}.xlsx`;
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
    "Content-Type": XLSX_MIME,
    "Content-Disposition": `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(`${template.name} (phiên bản ${template.version}).xlsx`)}`,
    "Cache-Control": "private, no-store",
  });
});
