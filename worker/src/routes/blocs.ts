/**
 * Khối / cụm thi đua. The council sees every bloc; a secretariat or board its own; a clerk the blocs whose periods
 * count its unit as a member. Any other bloc answers 404, as if it did not exist.
 */
import { Hono } from "hono";
import { Bloc } from "../../../shared/src/index.ts";
import { allow, type Principal } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { notFound } from "../errors.ts";
import { readBody } from "../middleware.ts";
import type { Repository } from "../repository.ts";
import { createBatch } from "../repository.ts";

async function visibleBlocIds(repo: Repository, p: Principal): Promise<Set<string> | null> {
  if (p.role === "council") return null;
  if (p.role === "clerk")
    return new Set((await repo.listPeriods({ unitId: p.unitId, blocId: p.blocId })).map((x) => x.blocId));
  return new Set(p.blocId ? [p.blocId] : []);
}

export const blocRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const me = allow(c, "council", "secretariat", "board", "clerk");
    const repo = c.get("repo");
    // Both reads at once: one round trip.
    const [visible, all] = await Promise.all([visibleBlocIds(repo, me), repo.listBlocs()]);
    const blocs = all.filter((b) => !visible || visible.has(b.id));
    return c.json({ blocs });
  })
  .post("/", async (c) => {
    const me = allow(c, "council");
    const bloc = await readBody(c, Bloc);
    const repo = c.get("repo");
    // An existing id is refused by the primary key (createBatch answers 409 ALREADY_EXISTS): no read first.
    const at = new Date().toISOString();
    await createBatch(
      repo.db,
      [
        repo.insertBloc(bloc, at),
        repo.audit({
          blocId: bloc.id,
          periodId: null,
          actor: me,
          action: "bloc.create",
          detail: { ...bloc },
          requestId: c.get("requestId"),
          at,
        }),
      ],
      `blocs/${bloc.id}`,
    );
    return c.json(bloc, 201);
  })
  .get("/:blocId", async (c) => {
    const me = allow(c, "council", "secretariat", "board", "clerk");
    const id = c.req.param("blocId");
    const repo = c.get("repo");
    const [visible, found] = await Promise.all([visibleBlocIds(repo, me), repo.getBloc(id)]);
    const bloc = visible && !visible.has(id) ? null : found;
    if (!bloc) throw notFound(`blocs/${id}`);
    return c.json(bloc);
  });
