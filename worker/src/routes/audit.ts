/** Nhật ký: the audit log of a period, newest first, for its secretariat and the council. */
import { Hono } from "hono";
import { allow } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { periodScope } from "../service.ts";

export const auditRoutes = new Hono<AppEnv>().get("/:periodId/audit", async (c) => {
  const me = allow(c, "council", "secretariat");
  const { repo, period } = await periodScope(c, c.req.param("periodId"), me);
  const limitQ = Number(c.req.query("limit") ?? "200");
  const limit = Number.isInteger(limitQ) && limitQ > 0 ? Math.min(limitQ, 1000) : 200;
  const beforeQ = Number(c.req.query("before"));
  const before = Number.isInteger(beforeQ) && beforeQ > 0 ? beforeQ : undefined;
  const entries = await repo.auditLog(limit, before);
  const last = entries[entries.length - 1];
  return c.json({ periodId: period.id, entries, next: entries.length === limit && last ? last.id : null });
});
