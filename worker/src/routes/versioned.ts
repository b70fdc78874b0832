/**
 * Templates (bảng chấm điểm) and rulebooks (quy chế) share one shape: immutable once published, identified by id and
 * version; a change is POSTed as a new version. Both are checked by the domain core before they are stored.
 */
import { Hono } from "hono";
import { checkRulebook, checkTemplate, type DomainError, Rulebook, Template } from "../../../shared/src/index.ts";
import { allow } from "../auth.ts";
import { checkVersionedOwner, ownVersioned, setupBlocOf } from "../blocSetup.ts";
import type { AppEnv } from "../env.ts";
import { invalid, notFound } from "../errors.ts";
import { intParam, readBody } from "../middleware.ts";
import { createBatch } from "../repository.ts";

const READERS = ["council", "secretariat", "board", "clerk"] as const;

function versionedRoutes(kind: "templates" | "rulebooks") {
  const schema = kind === "templates" ? Template : Rulebook;
  const check = (x: Template | Rulebook): DomainError[] =>
    kind === "templates" ? checkTemplate(x as Template) : checkRulebook(x as Rulebook);
  const idParam = kind === "templates" ? "templateId" : "rulebookId";
  return new Hono<AppEnv>()
    .get("/", async (c) => {
      allow(c, ...READERS);
      return c.json({ [kind]: await c.get("repo").listVersions(kind) });
    })
    .post("/", async (c) => {
      // The council publishes for any bloc (or for all: no blocId); a bloc's secretariat for its own bloc only.
      const me = allow(c, "council", "secretariat");
      const blocId = setupBlocOf(me, c.req.query("blocId") ?? null, `blocs/${c.req.query("blocId") ?? ""}`);
      const body: Template | Rulebook = await readBody(c, schema);
      const problems = check(body);
      if (problems.length) throw invalid(problems);
      const repo = c.get("repo");
      await checkVersionedOwner(repo.db, me, kind, body.id, body.version);
      // A published version is refused by the primary key (createBatch answers 409 ALREADY_EXISTS): no read first.
      const at = new Date().toISOString();
      await createBatch(
        repo.db,
        [
          repo.insertVersioned(kind, body, at, me.label),
          ownVersioned(repo.db, kind, body.id, body.version, blocId),
          repo.audit({
            blocId,
            periodId: null,
            actor: me,
            action: kind === "templates" ? "template.publish" : "rulebook.publish",
            detail: { id: body.id, version: body.version, name: body.name },
            requestId: c.get("requestId"),
            at,
          }),
        ],
        `${kind}/${body.id}/versions/${body.version}`,
      );
      return c.json(body, 201);
    })
    .get(`/:${idParam}/versions`, async (c) => {
      // Every published version of one template or rulebook, with who published it and when.
      allow(c, ...READERS);
      const id = c.req.param(idParam) ?? "";
      const versions = await c.get("repo").versionsOf(kind, id);
      if (versions.length === 0) throw notFound(`${kind}/${id}`);
      return c.json({ id, versions });
    })
    .get(`/:${idParam}/versions/:version`, async (c) => {
      allow(c, ...READERS);
      const id = c.req.param(idParam) ?? "";
      const what = `${kind}/${id}/versions/${c.req.param("version")}`;
      const version = intParam(c.req.param("version"), what);
      const repo = c.get("repo");
      const found = kind === "templates" ? await repo.getTemplate(id, version) : await repo.getRulebook(id, version);
      if (!found) throw notFound(what);
      return c.json(found);
    });
}

export const templateRoutes = versionedRoutes("templates");
export const rulebookRoutes = versionedRoutes("rulebooks");
