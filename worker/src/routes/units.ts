/**
 * Đơn vị: the council's list of units. Names are public reference data; only the council secretariat writes them.
 */
import { Hono } from "hono";
import { Unit, UnitUpdate } from "../../../shared/src/index.ts";
import { allow } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { notFound } from "../errors.ts";
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
    // An existing id is refused by the primary key (createBatch answers 409 ALREADY_EXISTS): no read first.
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
    const upd = await readBody(c, UnitUpdate);
    const unit = { id, ...upd };
    const at = new Date().toISOString();
    // The audit record takes the unit as it was from the row itself, in the same batch as the update: no read first.
    const [, update] = await repo.db.batch([
      repo.auditUnitUpdate(
        {
          blocId: null,
          periodId: null,
          unitId: id,
          actor: me,
          action: "unit.update",
          requestId: c.get("requestId"),
          at,
        },
        unit,
      ),
      repo.updateUnit(unit, at),
    ]);
    if (!update?.meta.changes) throw notFound(`units/${id}`);
    return c.json(unit);
  });
