/**
 * Download links (liên kết tải) for the board: a URL that carries no token, only the period, the link's id, an expiry
 * and an HMAC-SHA256 signature, so a board member can open the ranking workbook from an e-mail or a browser where no
 * bearer header can be sent. A link reads one period's ranking workbook and nothing else; it cannot be widened by
 * editing it. The key is the `LINK_SECRET` secret (falling back to `BOOTSTRAP_TOKEN` in development).
 *
 * Every link is also a row of the `links` table, so that it can die before its expiry: with the token that made it
 * (revoked or expired), when the period is reopened, and when the secretariat revokes it (one link, or all of a
 * period's). The link's row is read in the request's one batch with its period (middleware.ts); the route trusts it only
 * once the signature matches.
 */
import type { Context } from "hono";
import type { Principal } from "./auth.ts";
import type { AppEnv } from "./env.ts";
import { ApiError } from "./errors.ts";
import { LINK_LIVE_SQL, type LinkLiveRow } from "./repository.ts";

/** How long a copied link stays valid. */
export const LINK_TTL_SECONDS = 30 * 86400;

function linkKey(c: Context<AppEnv>): string {
  const key = c.env.LINK_SECRET ?? c.env.BOOTSTRAP_TOKEN ?? "";
  if (key.length < 16) throw new Error("LINK_SECRET is not set: download links cannot be signed");
  return key;
}

async function sign(key: string, message: string): Promise<string> {
  const k = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(message)));
  let s = "";
  for (const b of mac) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const message = (periodId: string, linkId: string, exp: number) => `ranking.xlsx|${periodId}|${linkId}|${exp}`;

/** A link as the secretariat sees it (never its signature). */
export interface LinkView {
  id: string;
  periodId: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string;
  revokedAt: string | null;
}

interface LinkRow {
  id: string;
  bloc_id: string;
  period_id: string;
  token_id: string;
  created_at: string;
  created_by: string;
  expires_at: string;
  revoked_at: string | null;
}

const view = (r: LinkRow): LinkView => ({
  id: r.id,
  periodId: r.period_id,
  createdAt: r.created_at,
  createdBy: r.created_by,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

const LINK_COLS = "id, bloc_id, period_id, token_id, created_at, created_by, expires_at, revoked_at";

/**
 * The link store: every query is scoped by the period (and its bloc), as the period repository's are. Writes are
 * statements, to batch with their audit record.
 */
export const linkStore = {
  insert(db: D1Database, r: LinkRow): D1PreparedStatement {
    return db
      .prepare(`INSERT INTO links (${LINK_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .bind(r.id, r.bloc_id, r.period_id, r.token_id, r.created_at, r.created_by, r.expires_at, r.revoked_at);
  },

  async list(db: D1Database, period: { id: string; blocId: string }): Promise<LinkView[]> {
    const r = await db
      .prepare(`SELECT ${LINK_COLS} FROM links WHERE bloc_id = ? AND period_id = ? ORDER BY created_at, id`)
      .bind(period.blocId, period.id)
      .all<LinkRow>();
    return r.results.map(view);
  },

  /** One link of the period, to batch after a revoke (its row as it is then); `viewOf` reads the batch's answer. */
  getQ(db: D1Database, period: { id: string; blocId: string }, id: string): D1PreparedStatement {
    return db
      .prepare(`SELECT ${LINK_COLS} FROM links WHERE bloc_id = ? AND period_id = ? AND id = ?`)
      .bind(period.blocId, period.id, id);
  },

  viewOf(result: D1Result | undefined): LinkView | null {
    const r = (result?.results as LinkRow[] | undefined)?.[0];
    return r ? view(r) : null;
  },

  /** Revokes one link of the period, or all its live links when `id` is null. */
  revoke(db: D1Database, period: { id: string; blocId: string }, id: string | null, at: string): D1PreparedStatement {
    return id === null
      ? db
          .prepare("UPDATE links SET revoked_at = ? WHERE bloc_id = ? AND period_id = ? AND revoked_at IS NULL")
          .bind(at, period.blocId, period.id)
      : db
          .prepare(
            "UPDATE links SET revoked_at = ? WHERE bloc_id = ? AND period_id = ? AND id = ? AND revoked_at IS NULL",
          )
          .bind(at, period.blocId, period.id, id);
  },

  /**
   * Revokes the period's live links when (and only when) the period is now in `state`: batched after a guarded
   * transition, so that a transition that lost a race revokes nothing.
   */
  revokeIfState(db: D1Database, period: { id: string; blocId: string }, state: string, at: string) {
    return db
      .prepare(
        "UPDATE links SET revoked_at = ? WHERE bloc_id = ? AND period_id = ? AND revoked_at IS NULL AND EXISTS (SELECT 1 FROM periods WHERE id = ? AND state = ?)",
      )
      .bind(at, period.blocId, period.id, period.id, state);
  },

  /**
   * Whether link `id` of the period is live: not revoked, and the token that made it neither revoked nor expired
   * (the bootstrap token lives as long as the secret is set).
   */
  /** Whether a link still works: not revoked, in this period's bloc, and made by a token that is still live. */
  isLive(r: LinkLiveRow | null, period: { blocId: string }, bootstrapSet: boolean, now: Date): boolean {
    if (!r || r.revoked_at !== null || r.bloc_id !== period.blocId) return false;
    if (r.token_id === "bootstrap") return bootstrapSet;
    if (r.token_row === null || r.token_revoked !== null) return false;
    return r.token_expires === null || Date.parse(r.token_expires) > now.getTime();
  },

  async live(
    db: D1Database,
    period: { id: string; blocId: string },
    id: string,
    bootstrapSet: boolean,
    now: Date,
  ): Promise<boolean> {
    const r = await db
      .prepare(`${LINK_LIVE_SQL} WHERE l.bloc_id = ? AND l.period_id = ? AND l.id = ?`)
      .bind(period.blocId, period.id, id)
      .first<LinkLiveRow>();
    return this.isLive(r, period, bootstrapSet, now);
  },
};

/** A random link id (URL-safe). */
function linkId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * A signed link to the period's ranking workbook, valid for LINK_TTL_SECONDS, and the row that records it (to insert
 * with its audit record). The link dies with the caller's token.
 * @example const { link, row } = await rankingLink(c, period, me, new Date()) // link.url ".../ranking.xlsx?link=…&exp=…&sig=…"
 */
export async function rankingLink(
  c: Context<AppEnv>,
  period: { id: string; blocId: string },
  me: Principal,
  now: Date,
): Promise<{ link: LinkView & { url: string }; row: LinkRow }> {
  const exp = Math.floor(now.getTime() / 1000) + LINK_TTL_SECONDS;
  const id = linkId();
  const sig = await sign(linkKey(c), message(period.id, id, exp));
  const origin = new URL(c.req.url).origin;
  const row: LinkRow = {
    id,
    bloc_id: period.blocId,
    period_id: period.id,
    token_id: me.tokenId,
    created_at: now.toISOString(),
    created_by: me.label,
    expires_at: new Date(exp * 1000).toISOString(),
    revoked_at: null,
  };
  const url = `${origin}/api/v1/periods/${encodeURIComponent(period.id)}/ranking.xlsx?link=${id}&exp=${exp}&sig=${sig}`;
  return { link: { ...view(row), url }, row };
}

/**
 * The read-only principal a valid signed link stands for, or null when the request carries no link. A link that is
 * expired, whose signature does not match, that was revoked, or whose token was revoked or expired is refused with
 * 401.
 */
export async function linkPrincipal(
  c: Context<AppEnv>,
  period: { id: string; blocId: string },
  now: Date,
): Promise<Principal | null> {
  const sig = c.req.query("sig");
  const expText = c.req.query("exp");
  const id = c.req.query("link");
  if (sig === undefined && expText === undefined && id === undefined) return null;
  const exp = Number(expText);
  const signed =
    typeof sig === "string" &&
    typeof id === "string" &&
    /^[A-Za-z0-9_-]{1,64}$/.test(id) &&
    Number.isSafeInteger(exp) &&
    exp * 1000 > now.getTime() &&
    timingSafeEqual(sig, await sign(linkKey(c), message(period.id, id, exp)));
  const bootstrap = c.env.BOOTSTRAP_TOKEN;
  const bootstrapSet = !!bootstrap && bootstrap.length >= 16;
  if (!signed) throw new ApiError(401, "UNAUTHENTICATED");
  // Read with the period before the route ran (middleware.ts), else now.
  const pre = c.get("repo").linkRead(id);
  const live =
    pre !== undefined
      ? linkStore.isLive(pre, period, bootstrapSet, now)
      : await linkStore.live(c.env.DB, period, id, bootstrapSet, now);
  if (!live) throw new ApiError(401, "UNAUTHENTICATED");
  return {
    tokenId: `link:${id}`,
    role: "board",
    blocId: period.blocId,
    unitId: null,
    periodId: period.id,
    label: "Liên kết tải",
  };
}

function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return d === 0;
}
