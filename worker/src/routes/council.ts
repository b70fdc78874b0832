/**
 * Hội đồng thi đua: the council-level view of a year across blocs, from the domain core's `councilView`: the leading
 * unit of every published bloc and the cap on Cờ thi đua của Chính phủ.
 */
import { Hono } from "hono";
import { councilView } from "../../../shared/src/index.ts";
import { allow } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { notFound } from "../errors.ts";
import { periodRules, yearTables } from "../service.ts";

export const councilRoutes = new Hono<AppEnv>().get("/:year", async (c) => {
  const me = allow(c, "council");
  const yearText = c.req.param("year");
  if (!/^[0-9]{4}$/.test(yearText)) throw notFound(`council/${yearText}`);
  // The year's periods and every published one's rows in one round trip.
  const { periods, scopes, tables } = await yearTables(c.get("repo"), Number(yearText), me);
  const published = scopes.map((s) => s.period);
  // The Government-flag share is the council's rule for the year; every bloc's rulebook carries it. Use the first
  // published period's (they agree in practice); report which one was used.
  const rules = scopes[0] ? await periodRules(scopes[0]) : null;
  const view = councilView(tables, rules ? rules.rulebook : { councilShare: { num: 0, den: 1 } });
  return c.json({
    year: Number(yearText),
    ...view,
    councilShare: rules?.rulebook.councilShare ?? null,
    rulebook: rules ? { id: rules.rulebook.id, version: rules.rulebook.version } : null,
    blocs: tables.map((t, i) => ({
      periodId: t.periodId,
      blocId: published[i]!.blocId,
      leadingUnitId: t.leadingUnitId,
    })),
    pending: periods
      .filter((p) => p.state !== "closed")
      .map((p) => ({ periodId: p.id, blocId: p.blocId, state: p.state })),
  });
});
