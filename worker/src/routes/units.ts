/**
 * Đơn vị: the council's list of units. Names are public reference data; only the council secretariat writes them.
 */
import { Hono } from "hono";
import { Unit, UnitUpdate } from "../../../shared/src/index.ts";
import { allow } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { ApiError, notFound } from "../errors.ts";
import { readBody } from "../middleware.ts";
import { createBatch } from "../repository.ts";

const READERS = ["council", "secretariat", "board", "clerk"] as const;

export const unitRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    allow(c, ...READERS);
    return c.json({ units: await c.get("repo").listUnits() });
  })
  .post("/", async (c) => {
    const me = allow(c, "council");
    const unit = await readBody(c, Unit);
    const repo = c.get("repo");
    if (await repo.getUnit(unit.id)) throw new ApiError(409, "ALREADY_EXISTS", { what: `units/${unit.id}` });
    const at = new Date().toISOString();
    await createBatch(
      repo.db,
      [
        repo.insertUnit(unit, at),
        repo.audit({
          blocId: null,
          periodId: null,
          unitId: unit.id,
          actor: me,
          action: "unit.create",
          detail: { ...unit },
          requestId: c.get("requestId"),
          at,
        }),
      ],
      `units/${unit.id}`,
    );
    return c.json(unit, 201);
  })
  .get("/:unitId", async (c) => {
    allow(c, ...READERS);
    const unit = await c.get("repo").getUnit(c.req.param("unitId"));
    if (!unit) throw notFound(`units/${c.req.param("unitId")}`);
    return c.json(unit);
  })
  .put("/:unitId", async (c) => {
    const me = allow(c, "council");
    const id = c.req.param("unitId");
    const repo = c.get("repo");
    const before = await repo.getUnit(id);
    if (!before) throw notFound(`units/${id}`);
    const upd = await readBody(c, UnitUpdate);
    const unit = { id, ...upd };
    const at = new Date().toISOString();
    await repo.db.batch([
      repo.updateUnit(unit, at),
      repo.audit({
        blocId: null,
        periodId: null,
        unitId: id,
        actor: me,
        action: "unit.update",
        detail: { before, after: unit },
        requestId: c.get("requestId"),
        at,
      }),
    ]);
    return c.json(unit);
  });
