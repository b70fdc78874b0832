/**
 * Download links (liên kết tải) for the board: a URL that carries no token, only the period, an expiry and an
 * HMAC-SHA256 signature, so a board member can open the ranking workbook from an e-mail or a browser where no bearer
 * header can be sent. A link reads one period's ranking workbook and nothing else; it cannot be widened by editing it.
 * The key is the `LINK_SECRET` secret (falling back to `BOOTSTRAP_TOKEN` in development).
 */
import type { Context } from "hono";
import type { Principal } from "./auth.ts";
import type { AppEnv } from "./env.ts";
import { ApiError } from "./errors.ts";

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

const message = (periodId: string, exp: number) => `ranking.xlsx|${periodId}|${exp}`;

/**
 * A signed link to the period's ranking workbook, valid for LINK_TTL_SECONDS.
 * @example await rankingLink(c, "khoi-viii-2017", new Date()) // { url: ".../ranking.xlsx?exp=…&sig=…", expiresAt }
 */
export async function rankingLink(c: Context<AppEnv>, periodId: string, now: Date) {
  const exp = Math.floor(now.getTime() / 1000) + LINK_TTL_SECONDS;
  const sig = await sign(linkKey(c), message(periodId, exp));
  const origin = new URL(c.req.url).origin;
  return {
    url: `${origin}/api/v1/periods/${encodeURIComponent(periodId)}/ranking.xlsx?exp=${exp}&sig=${sig}`,
    expiresAt: new Date(exp * 1000).toISOString(),
  };
}

/**
 * The read-only principal a valid signed link stands for, or null when the request carries no link. A link that is
 * expired or whose signature does not match is refused with 401.
 */
export async function linkPrincipal(
  c: Context<AppEnv>,
  period: { id: string; blocId: string },
  now: Date,
): Promise<Principal | null> {
  const sig = c.req.query("sig");
  const expText = c.req.query("exp");
  if (sig === undefined && expText === undefined) return null;
  const exp = Number(expText);
  const valid =
    typeof sig === "string" &&
    Number.isSafeInteger(exp) &&
    exp * 1000 > now.getTime() &&
    timingSafeEqual(sig, await sign(linkKey(c), message(period.id, exp)));
  if (!valid) throw new ApiError(401, "UNAUTHENTICATED");
  return {
    tokenId: "link",
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
