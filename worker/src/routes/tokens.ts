/**
 * Mã truy cập: tokens per role (shown once, stored as SHA-256 hashes), listed (never their values) and revoked. The
 * council secretariat manages every token; a bloc's secretariat manages the codes of its own people: the board's
 * tokens of its bloc and the clerks' tokens it issued (bound to its bloc) of the units that are members of its
 * periods, so that it can hand a new clerk a code without the council. Voter codes come from /periods/:periodId/voting/codes instead.
 */
import { Hono } from "hono";
import { domainError, TokenRequest } from "../../../shared/src/index.ts";
import { allow, newToken, type Principal, randomId, sha256Hex } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { ApiError, invalid, notFound } from "../errors.ts";
import { readBody } from "../middleware.ts";
import type { Scope, TokenRow } from "../repository.ts";

/** Tokens live a year unless the request says otherwise, and never longer (the council's included). */
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

/**
 * Which tokens the caller manages, as an SQL condition over a token's `role`, `bloc_id` and `unit_id` (columns of
 * `t`): every one for the council; for a bloc's secretariat, exactly the tokens it could have issued: its bloc's
 * board tokens, and the clerk tokens bound to its bloc of the units in the periods it runs now (not published). A
 * clerk token a secretariat issues is bound to its bloc (it reaches that bloc's periods only), so a unit that sits in
 * two blocs' periods gives neither secretariat a hold on the other's codes, nor on the council's. Units move between
 * blocs from one year to the next: a bloc's past periods give it no hold either.
 *
 * One condition for the list, the issue and the revocation: the list filters by it, and the issue and the revocation
 * are guarded by it inside their write, so that each is one round trip after the authentication's.
 */
function tokenScope(me: Principal): Scope {
  if (me.role === "council") return { sql: "1", args: [] };
  if (me.blocId === null) return { sql: "0", args: [] };
  return {
    sql:
      "((t.role = 'board' AND t.bloc_id = ?) OR (t.role = 'clerk' AND t.bloc_id = ? AND t.unit_id IS NOT NULL AND " +
      "EXISTS (SELECT 1 FROM period_members pm JOIN periods p ON p.id = pm.period_id " +
      "WHERE pm.unit_id = t.unit_id AND p.bloc_id = ? AND p.state != 'closed')))",
    args: [me.blocId, me.blocId, me.blocId],
  };
}

export const tokenRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const me = allow(c, "council", "secretariat");
    return c.json({ tokens: (await c.get("repo").listTokens(tokenScope(me))).map(tokenView) });
  })
  .post("/", async (c) => {
    const me = allow(c, "council", "secretariat");
    const req = await readBody(c, TokenRequest);
    const repo = c.get("repo");
    // A secretariat's clerk code is bound to its own bloc; naming another bloc is refused below.
    if (me.role === "secretariat" && req.role === "clerk" && req.blocId === undefined && me.blocId)
      req.blocId = me.blocId;
    const now = new Date();
    const at = now.toISOString();
    // Every code lives at most 366 days, whoever issues it: a code that outlives its holder's post is a standing risk.
    const tooLong = !!req.expiresAt && Date.parse(req.expiresAt) > now.getTime() + DEFAULT_LIFETIME_MS;
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
    // One round trip: the code, only if the caller's scope holds it and the named bloc and unit exist, its audit
    // record only if it went in, and those three checks read back for the answer.
    const { inserted, check } = await repo.issueToken(
      tooLong
        ? null
        : {
            row,
            hash: await sha256Hex(token),
            audit: {
              blocId: row.bloc_id ?? me.blocId,
              periodId: null,
              unitId: row.unit_id,
              actor: me,
              action: "token.create",
              detail: { tokenId: row.id, role: row.role, label: row.label, expiresAt },
              requestId: c.get("requestId"),
              at,
            },
          },
      { role: row.role, blocId: row.bloc_id, unitId: row.unit_id },
      tokenScope(me),
    );
    if (inserted) return c.json({ ...tokenView(row), token }, 201);
    if (!check.mine)
      throw new ApiError(403, "FORBIDDEN", {}, [
        domainError("FORBIDDEN", { path: req.role === "clerk" ? "/unitId" : "/role" }),
      ]);
    if (req.blocId && !check.bloc)
      throw invalid([domainError("NOT_FOUND", { path: "/blocId" }, { what: `blocs/${req.blocId}` })]);
    if (req.unitId && !check.unit)
      throw invalid([domainError("NOT_FOUND", { path: "/unitId" }, { what: `units/${req.unitId}` })]);
    // The checks and the insert ran in one transaction: only the lifetime can have kept it out.
    if (!tooLong) throw new Error("token not inserted although its checks held");
    throw invalid([
      domainError("INVALID_INPUT", { path: "/expiresAt" }, { path: "/expiresAt", detail: "at most 366 days from now" }),
    ]);
  })
  .delete("/:tokenId", async (c) => {
    const me = allow(c, "council", "secretariat");
    const id = c.req.param("tokenId");
    const repo = c.get("repo");
    const at = new Date().toISOString();
    // One round trip: the revocation guarded by the caller's scope, its audit record only if it changed the row
    // (revoking a revoked code changes nothing and leaves no record), and the row as it is now.
    const row = await repo.revokeTokenIn(id, tokenScope(me), at, {
      blocId: me.blocId,
      periodId: null,
      actor: me,
      action: "token.revoke",
      requestId: c.get("requestId"),
      at,
    });
    // A token outside the caller's scope does not exist for it.
    if (!row?.mine) throw notFound(`tokens/${id}`);
    return c.json({ ...tokenView(row), revokedAt: row.revoked_at ?? at });
  });
