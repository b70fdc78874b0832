/**
 * Khối / cụm thi đua. The council sees every bloc; a secretariat or board its own; a clerk the blocs whose periods
 * count its unit as a member. Any other bloc answers 404, as if it did not exist. The council sets a bloc's current
 * composition (members, leader, deputy): the default for its next period; periods already made keep their own.
 */
import { Hono } from "hono";
import { Bloc, BlocUpdate, checkBloc } from "../../../shared/src/index.ts";
import { allow, type Principal } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { invalid, notFound } from "../errors.ts";
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
    // Every read at once: one round trip.
    const [visible, all, compositions] = await Promise.all([
      visibleBlocIds(repo, me),
      repo.listBlocs(),
      repo.blocCompositions(),
    ]);
    const blocs = all.filter((b) => !visible || visible.has(b.id)).map((b) => ({ ...b, ...compositions.get(b.id) }));
    return c.json({ blocs });
  })
  .post("/", async (c) => {
    const me = allow(c, "council");
    const bloc = await readBody(c, Bloc);
    const repo = c.get("repo");
    // An existing id is refused by the primary key (createBatch answers 409 ALREADY_EXISTS): no read first.
    const composed = bloc.members !== undefined || bloc.leaderUnitId != null || bloc.deputyUnitId != null;
    const composition = {
      members: bloc.members ?? [],
      leaderUnitId: bloc.leaderUnitId ?? null,
      deputyUnitId: bloc.deputyUnitId ?? null,
    };
    const at = new Date().toISOString();
    const audit = (onlyIfChanged: boolean) =>
      repo.audit(
        {
          blocId: bloc.id,
          periodId: null,
          actor: me,
          action: "bloc.create",
          detail: { ...bloc },
          requestId: c.get("requestId"),
          at,
        },
        undefined,
        onlyIfChanged,
      );
    if (!composed) {
      await createBatch(repo.db, [repo.insertBloc(bloc, at), audit(false)], `blocs/${bloc.id}`);
      return c.json(bloc, 201);
    }
    // With a composition, one round trip: the named units, and the bloc, its composition and its audit record, each
    // only if the one before went in, the first only if every named unit exists. The domain's check runs before with
    // the units taken as known (duplicates, a leader who is no member: no write) and after with the units found.
    const plausible = checkBloc(composition, new Set(composition.members)).length === 0;
    const known = repo.unitsQ(composition.members);
    const results = await createBatch(
      repo.db,
      [
        known.stmt,
        ...(plausible
          ? [
              repo.insertBlocIfUnits(bloc, composition.members, at),
              repo.updateBloc({ ...bloc, ...composition }, at, true),
              audit(true),
            ]
          : []),
      ],
      `blocs/${bloc.id}`,
    );
    if ((results[1]?.meta.changes ?? 0) === 0) {
      const problems = checkBloc(composition, new Set(known.parse(results[0]?.results ?? []).map((u) => u.id)));
      if (problems.length) throw invalid(problems);
      throw new Error("bloc not created although its checks held");
    }
    return c.json(bloc, 201);
  })
  .get("/:blocId", async (c) => {
    const me = allow(c, "council", "secretariat", "board", "clerk");
    const id = c.req.param("blocId");
    const repo = c.get("repo");
    const [visible, found, compositions] = await Promise.all([
      visibleBlocIds(repo, me),
      repo.getBloc(id),
      repo.blocCompositions([id]),
    ]);
    const bloc = visible && !visible.has(id) ? null : found;
    if (!bloc) throw notFound(`blocs/${id}`);
    return c.json({ ...bloc, ...compositions.get(id) });
  })
  .put("/:blocId", async (c) => {
    // Đổi tên, thành phần khối: name, kind, members, leader and deputy; audited with what it was before.
    const me = allow(c, "council");
    const id = c.req.param("blocId");
    const repo = c.get("repo");
    const upd = await readBody(c, BlocUpdate);
    const bloc = { id, ...upd };
    const at = new Date().toISOString();
    // One round trip: the bloc, the named units, and the audited change guarded by both. The domain's check runs
    // first with every named unit taken as known (duplicates, a leader who is no member: no write), and again with
    // the units the batch found when the guard kept the change out.
    const plausible = checkBloc(upd, new Set(upd.members)).length === 0;
    const r = await repo.updateBlocChecked(
      bloc,
      at,
      plausible
        ? {
            blocId: id,
            periodId: null,
            actor: me,
            action: "bloc.update",
            requestId: c.get("requestId"),
            at,
          }
        : null,
    );
    if (!r.found) throw notFound(`blocs/${id}`);
    if (!r.updated) {
      const problems = checkBloc(upd, new Set(r.known));
      if (problems.length) throw invalid(problems);
      throw new Error("bloc not updated although its checks held");
    }
    return c.json(bloc);
  });
