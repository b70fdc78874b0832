/**
 * Public and self-describing routes: health, the caller's identity (and a voter's ballot to fill), the OpenAPI
 * document and its reference page.
 */
import { Hono } from "hono";
import { domainError } from "../../../shared/src/index.ts";
import { allow } from "../auth.ts";
import { docsPage } from "../docs.ts";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../errors.ts";
import { openApiDocument } from "../openapi.ts";
import { periodRules, periodScope } from "../service.ts";

export const metaRoutes = new Hono<AppEnv>()
  .get("/health", (c) => c.json({ ok: true }))
  .get("/openapi.json", (c) => c.json(openApiDocument()))
  .get("/docs", (c) => c.html(docsPage(openApiDocument())))
  .get("/me", (c) => {
    const p = allow(c, "council", "secretariat", "clerk", "board", "voter", "trustee");
    return c.json({
      role: p.role,
      blocId: p.blocId,
      unitId: p.unitId,
      periodId: p.periodId,
      label: p.label,
      tokenId: p.tokenId,
    });
  })
  /**
   * Everything a voter's phone needs to draw the ballot, in one round trip (the web ballot page must draw in under a
   * second on a slow phone): the period, the member units by name in the period's order and the rulebook's number
   * of choices. A used code is refused by authentication (409 VOTER_CODE_USED); voting that is not open is 423.
   */
  .get("/me/ballot", async (c) => {
    const me = allow(c, "voter");
    const scope = await periodScope(c, me.periodId ?? "", me);
    const { period, repo } = scope;
    if (period.state !== "voting")
      throw new ApiError(423, "VOTING_NOT_OPEN", { state: period.state }, [
        domainError("VOTING_NOT_OPEN", {}, { state: period.state }),
      ]);
    const [{ rulebook }, units] = await Promise.all([periodRules(scope), repo.root.getUnits(period.members)]);
    const byId = new Map(units.map((u) => [u.id, u]));
    return c.json({
      periodId: period.id,
      choicesPerBallot: rulebook.choicesPerBallot,
      units: period.members.map((id) => ({ id, name: byId.get(id)?.name ?? id })),
    });
  });
