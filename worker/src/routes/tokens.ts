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
import type { Repository, TokenRow } from "../repository.ts";

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
 * Which tokens the caller manages: every one for the council; for a bloc's secretariat, exactly the tokens it could
 * have issued: its bloc's board tokens, and the clerk tokens bound to its bloc of the units in the periods it runs
 * now (not published). A clerk token a secretariat issues is bound to its bloc (it reaches that bloc's periods only),
 * so a unit that sits in two blocs' periods gives neither secretariat a hold on the other's codes, nor on the
 * council's. Units move between blocs from one year to the next: a bloc's past periods give it no hold either.
 */
async function tokenScope(me: Principal, repo: Repository) {
  if (me.role === "council") return () => true;
  const blocId = me.blocId;
  const current = (await repo.listPeriods({ blocId })).filter((p) => p.state !== "closed");
  const units = new Set(current.flatMap((p) => p.members));
  return (t: { role: string; bloc_id: string | null; unit_id: string | null }) =>
    (t.role === "board" && blocId !== null && t.bloc_id === blocId) ||
    (t.role === "clerk" && blocId !== null && t.bloc_id === blocId && t.unit_id !== null && units.has(t.unit_id));
}

export const tokenRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const me = allow(c, "council", "secretariat");
    const repo = c.get("repo");
    const [mine, all] = await Promise.all([tokenScope(me, repo), repo.listTokens()]);
    return c.json({ tokens: all.filter(mine).map(tokenView) });
  })
  .post("/", async (c) => {
    const me = allow(c, "council", "secretariat");
    const req = await readBody(c, TokenRequest);
    const repo = c.get("repo");
    // A secretariat's clerk code is bound to its own bloc; naming another bloc is refused below.
    if (me.role === "secretariat" && req.role === "clerk" && req.blocId === undefined && me.blocId)
      req.blocId = me.blocId;
    // The scope and the named bloc and unit in one round trip.
    const [mine, bloc, unit] = await Promise.all([
      tokenScope(me, repo),
      req.blocId ? repo.getBloc(req.blocId) : null,
      req.unitId ? repo.getUnit(req.unitId) : null,
    ]);
    if (!mine({ role: req.role, bloc_id: req.blocId ?? null, unit_id: req.unitId ?? null }))
      throw new ApiError(403, "FORBIDDEN", {}, [
        domainError("FORBIDDEN", { path: req.role === "clerk" ? "/unitId" : "/role" }),
      ]);
    if (req.blocId && !bloc)
      throw invalid([domainError("NOT_FOUND", { path: "/blocId" }, { what: `blocs/${req.blocId}` })]);
    if (req.unitId && !unit)
      throw invalid([domainError("NOT_FOUND", { path: "/unitId" }, { what: `units/${req.unitId}` })]);
    const now = new Date();
    const at = now.toISOString();
    // Every code lives at most 366 days, whoever issues it: a code that outlives its holder's post is a standing risk.
    if (req.expiresAt && Date.parse(req.expiresAt) > now.getTime() + DEFAULT_LIFETIME_MS)
      throw invalid([
        domainError(
          "INVALID_INPUT",
          { path: "/expiresAt" },
          { path: "/expiresAt", detail: "at most 366 days from now" },
        ),
      ]);
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
        blocId: row.bloc_id ?? me.blocId,
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
    const me = allow(c, "council", "secretariat");
    const id = c.req.param("tokenId");
    const repo = c.get("repo");
    const [row, mine] = await Promise.all([repo.getToken(id), tokenScope(me, repo)]);
    // A token outside the caller's scope does not exist for it.
    if (!row || !mine(row)) throw notFound(`tokens/${id}`);
    const at = new Date().toISOString();
    await repo.db.batch([
      repo.revokeToken(id, at),
      // Revoking a revoked code changes nothing and leaves no record.
      repo.audit(
        {
          blocId: row.bloc_id ?? me.blocId,
          periodId: null,
          unitId: row.unit_id,
          actor: me,
          action: "token.revoke",
          detail: { tokenId: id, role: row.role, label: row.label },
          requestId: c.get("requestId"),
          at,
        },
        undefined,
        true,
      ),
    ]);
    return c.json({ ...tokenView(row), revokedAt: row.revoked_at ?? at });
  });
