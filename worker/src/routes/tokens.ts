/**
 * Mã truy cập: the council secretariat issues tokens per role (shown once, stored as SHA-256 hashes), lists them
 * (never their values) and revokes them. Voter codes come from /periods/:periodId/voting/codes instead.
 */
import { Hono } from "hono";
import { domainError, TokenRequest } from "../../../shared/src/index.ts";
import { allow, newToken, randomId, sha256Hex } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { invalid, notFound } from "../errors.ts";
import { readBody } from "../middleware.ts";
import type { TokenRow } from "../repository.ts";

/** Tokens live a year unless the request says otherwise. */
const DEFAULT_LIFETIME_MS = 366 * 24 * 3600 * 1000;

function tokenView(t: TokenRow) {
  return {
    id: t.id,
    role: t.role,
    blocId: t.bloc_id,
    unitId: t.unit_id,
    label: t.label,
    createdAt: t.created_at,
    createdBy: t.created_by,
    expiresAt: t.expires_at,
    revokedAt: t.revoked_at,
  };
}

export const tokenRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    allow(c, "council");
    return c.json({ tokens: (await c.get("repo").listTokens()).map(tokenView) });
  })
  .post("/", async (c) => {
    const me = allow(c, "council");
    const req = await readBody(c, TokenRequest);
    const repo = c.get("repo");
    if (req.blocId && !(await repo.getBloc(req.blocId)))
      throw invalid([domainError("NOT_FOUND", { path: "/blocId" }, { what: `blocs/${req.blocId}` })]);
    if (req.unitId && !(await repo.getUnit(req.unitId)))
      throw invalid([domainError("NOT_FOUND", { path: "/unitId" }, { what: `units/${req.unitId}` })]);
    const now = new Date();
    const at = now.toISOString();
    const expiresAt = req.expiresAt
      ? new Date(req.expiresAt).toISOString()
      : new Date(now.getTime() + DEFAULT_LIFETIME_MS).toISOString();
    const token = newToken();
    const row: TokenRow = {
      id: randomId(),
      role: req.role,
      bloc_id: req.blocId ?? null,
      unit_id: req.unitId ?? null,
      period_id: null,
      label: req.label,
      created_at: at,
      created_by: me.label,
      expires_at: expiresAt,
      revoked_at: null,
      used: 0,
    };
    await repo.db.batch([
      repo.insertToken(row, await sha256Hex(token)),
      repo.audit({
        blocId: row.bloc_id,
        periodId: null,
        unitId: row.unit_id,
        actor: me,
        action: "token.create",
        detail: { tokenId: row.id, role: row.role, label: row.label, expiresAt },
        requestId: c.get("requestId"),
        at,
      }),
    ]);
    return c.json({ ...tokenView(row), token }, 201);
  })
  .delete("/:tokenId", async (c) => {
    const me = allow(c, "council");
    const id = c.req.param("tokenId");
    const repo = c.get("repo");
    const row = await repo.getToken(id);
    if (!row) throw notFound(`tokens/${id}`);
    const at = new Date().toISOString();
    await repo.db.batch([
      repo.revokeToken(id, at),
      repo.audit({
        blocId: row.bloc_id,
        periodId: null,
        unitId: row.unit_id,
        actor: me,
        action: "token.revoke",
        detail: { tokenId: id, role: row.role, label: row.label },
        requestId: c.get("requestId"),
        at,
      }),
    ]);
    return c.json({ ...tokenView(row), revokedAt: row.revoked_at ?? at });
  });
