/**
 * Public and self-describing routes: health, the caller's identity, the OpenAPI document and its reference page.
 */
import { Hono } from "hono";
import { allow } from "../auth.ts";
import { docsPage } from "../docs.ts";
import type { AppEnv } from "../env.ts";
import { openApiDocument } from "../openapi.ts";

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
  });
