/**
 * Tokens and who may see what. Tokens are random, shown once and stored only as SHA-256 hashes, with expiry and
 * revocation. Scope: council sees everything; secretariat and board one bloc; a clerk one unit (in the periods of the
 * bloc whose secretariat issued its token, or of every bloc for a council token without a bloc); a voter code one
 * unit in one period, once. A period outside the caller's scope is answered 404, so other blocs' existence stays hidden.
 */
import type { Context } from "hono";
import type { Period, Role } from "../../shared/src/index.ts";
import type { AppEnv } from "./env.ts";
import { ApiError, notFound } from "./errors.ts";

export interface Principal {
  tokenId: string;
  role: Role;
  blocId: string | null;
  unitId: string | null;
  periodId: string | null;
  label: string;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  let out = "";
  for (const b of new Uint8Array(digest)) out += HEX[b];
  return out;
}

function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A bearer token: `thd_` and 256 random bits. */
export function newToken(): string {
  return "thd_" + base64url(crypto.getRandomValues(new Uint8Array(32)));
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A voter code people can read aloud and type: 16 Crockford base-32 characters (80 bits) in groups of four. */
export function newVoterCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let s = "";
  for (const b of bytes) s += CROCKFORD[b & 31];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}`;
}

/** Voter codes are matched case-insensitively and without separators. */
export function normaliseCredential(raw: string): string {
  const t = raw.trim();
  return /^[0-9A-Za-z]{4}(-?[0-9A-Za-z]{4}){3}$/.test(t) ? t.replace(/-/g, "").toUpperCase() : t;
}

/** A random id for rows whose order must say nothing (ballots) and for token ids. */
export function randomId(bytes = 12): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * The authenticated caller for routes that need one, with its role among `roles`.
 * @example const me = allow(c, "secretariat", "council") // 401 without a valid token, 403 for another role
 */
export function allow(c: Context<AppEnv>, ...roles: Role[]): Principal {
  const p = c.get("principal");
  if (!p && c.get("usedVoterCode")) throw new ApiError(409, "VOTER_CODE_USED");
  if (!p) throw new ApiError(401, "UNAUTHENTICATED", {}, [], { "WWW-Authenticate": 'Bearer realm="thidua"' });
  if (!roles.includes(p.role)) throw new ApiError(403, "FORBIDDEN");
  return p;
}

/** Whether the caller may see this period at all (else it does not exist for them). */
export function canSeePeriod(p: Principal, period: Pick<Period, "id" | "blocId" | "members">): boolean {
  switch (p.role) {
    case "council":
      return true;
    case "secretariat":
    case "board":
      return p.blocId === period.blocId;
    case "clerk":
      // A clerk token issued by a bloc's secretariat carries that bloc: it reaches only that bloc's periods, even
      // when its unit is also a member of another bloc's period. The council's tokens may carry none (every bloc).
      return (
        p.unitId !== null && period.members.includes(p.unitId) && (p.blocId === null || p.blocId === period.blocId)
      );
    case "voter":
    case "trustee":
      return p.periodId === period.id;
  }
}

/**
 * Checks that `unitId` is a member of the period (404 otherwise) and that a clerk only reaches its own unit (403).
 */
export function requireUnit(p: Principal, period: Pick<Period, "members">, unitId: string): void {
  if (!period.members.includes(unitId)) throw notFound(`units/${unitId}`);
  if (p.role === "clerk" && p.unitId !== unitId) throw new ApiError(403, "FORBIDDEN");
}
