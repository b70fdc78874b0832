/**
 * The middleware chain, in the order index.ts mounts it: request id, secure headers and CORS, body limit,
 * authentication, rate limit; then per route the role guard (`allow`) and body validation (`readJson`).
 */
import type { Context, MiddlewareHandler } from "hono";
import type { z } from "zod";
import { zodErrors } from "../../shared/src/index.ts";
import { normaliseCredential, type Principal, sha256Hex } from "./auth.ts";
import type { AppEnv } from "./env.ts";
import { ApiError, invalid } from "./errors.ts";
import { type PeriodRefs, Repository } from "./repository.ts";
import { votingPrefetch } from "./votingStore.ts";

/** Largest body accepted: a sheet of 2,000 criteria with evidence references fits with room to spare. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Constant-time comparison of two equal-length hex digests. */
function sameDigest(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The period a request's path is about (`/api/v1/periods/:periodId/...`), or null. */
export function pathPeriodId(path: string): string | null {
  const m = /^\/api\/v1\/periods\/([^/]+)/.exec(path);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
}

/**
 * Resolves `Authorization: Bearer <token>` to a principal, or null. It never rejects by itself: routes decide with
 * `allow()`, so public routes (the OpenAPI document) stay public and an unknown token is a plain 401 there.
 *
 * On Cloudflare every D1 call is a round trip to the database's primary, so this is the request's one read before
 * the route: the token, the period the path names (or a voter code's own period) and that period's template and
 * rulebook go in one batch (`Repository.authRead`). `periodScope` then finds the period without another call.
 */
/** Paths a voter code uses without naming its period: the code's own period is read with it. */
const VOTER_PATHS = new Set(["/api/v1/ballots", "/api/v1/me/ballot"]);

export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const repo = new Repository(c.env.DB);
  c.set("repo", repo);
  c.set("principal", null);
  c.set("usedVoterCode", false);
  const header = c.req.header("authorization") ?? "";
  const m = /^Bearer\s+(\S{8,200})$/i.exec(header.trim());
  let hash: string | null = null;
  if (m) {
    hash = await sha256Hex(normaliseCredential(m[1]!));
    const bootstrap = c.env.BOOTSTRAP_TOKEN;
    if (bootstrap && bootstrap.length >= 16 && sameDigest(hash, await sha256Hex(bootstrap))) {
      c.set("principal", {
        tokenId: "bootstrap",
        role: "council",
        blocId: null,
        unitId: null,
        periodId: null,
        label: "Bootstrap (BOOTSTRAP_TOKEN)",
      });
      hash = null;
    }
  }
  // An anonymous request reads nothing, unless it carries a signed download link (links.ts), which names its period.
  const periodId = m !== null || c.req.query("sig") !== undefined ? pathPeriodId(c.req.path) : null;
  const voterPeriod = periodId === null && hash !== null && VOTER_PATHS.has(c.req.path) ? hash : null;
  // A download link's row goes in the same batch; its signature is checked by the route before it is trusted.
  const link = m === null && periodId !== null ? c.req.query("link") : undefined;
  const linkId = link !== undefined && /^[A-Za-z0-9_-]{1,64}$/.test(link) ? link : null;
  // A write route of the vote reads the vote's rows here too, so that its write is the second round trip.
  const voting = hash !== null ? votingPrefetch(c.req.method, c.req.path) : null;
  // A download of the ranking workbook reads a closed period's stored book here too: then it is one round trip.
  const book = c.req.method === "GET" && c.req.path.endsWith("/ranking.xlsx");
  // The creation of a period reads the rows its body names here too, so that its write is the second round trip.
  const creation =
    hash !== null && c.req.method === "POST" && c.req.path === "/api/v1/periods" ? await periodRefs(c) : null;
  const { token: row } = await repo.authRead(hash, periodId, voterPeriod, linkId, voting, book, creation);
  if (row) {
    const now = Date.now();
    const live =
      row.revoked_at === null &&
      (row.expires_at === null || Date.parse(row.expires_at) > now) &&
      !(row.role === "voter" && row.used === 1);
    if (live) {
      const p: Principal = {
        tokenId: row.id,
        role: row.role,
        blocId: row.bloc_id,
        unitId: row.unit_id,
        periodId: row.period_id,
        label: row.label,
      };
      c.set("principal", p);
    } else if (row.role === "voter" && row.used === 1 && row.revoked_at === null) {
      c.set("usedVoterCode", true);
    }
  }
  await next();
};

/**
 * The rows a draft period's body names, when it names them plainly (the route validates the body in full, and uses
 * what was read only for the same references); null for any other body, which the route then reads and reports.
 */
async function periodRefs(c: Context<AppEnv>): Promise<PeriodRefs | null> {
  // The route reads the body again (`readBody`): the request keeps its text, and reports a body that is not JSON.
  const body = await readJson(c).catch(() => null);
  if (typeof body !== "object" || body === null) return null;
  const b = body as Record<string, unknown>;
  const id = (v: unknown) => typeof v === "string" && v.length > 0 && v.length <= 200;
  const version = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 1;
  const { members } = b;
  if (!id(b.id) || !id(b.blocId) || !id(b.templateId) || !id(b.rulebookId)) return null;
  if (!version(b.templateVersion) || !version(b.rulebookVersion)) return null;
  if (!Array.isArray(members) || members.length > 500 || !members.every(id)) return null;
  return {
    id: b.id as string,
    blocId: b.blocId as string,
    members: members as string[],
    templateId: b.templateId as string,
    templateVersion: b.templateVersion as number,
    rulebookId: b.rulebookId as string,
    rulebookVersion: b.rulebookVersion as number,
  };
}

/** 429 with Retry-After when the caller (its token, else its address) exceeds the rate limiting binding. */
export const rateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const limiter = c.env.RATE_LIMITER;
  if (limiter) {
    const p = c.get("principal");
    const key = p ? `t:${p.tokenId}` : `ip:${c.req.header("cf-connecting-ip") ?? "local"}`;
    const { success } = await limiter.limit({ key });
    if (!success) throw new ApiError(429, "RATE_LIMITED", { retryAfter: 60 }, [], { "Retry-After": "60" });
  }
  await next();
};

/**
 * Reads a JSON body: 415 unless `Content-Type: application/json`, 400 when it does not parse. Returns `unknown`
 * for the domain core's validators, which report every problem at once.
 */
export async function readJson(c: Context<AppEnv>): Promise<unknown> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json")
    throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", { received: type || "-", expected: "application/json" });
  const text = await c.req.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, "INVALID_JSON");
  }
}

/**
 * Reads and checks a JSON body against a schema from the domain core: 422 with one detail per problem.
 * @example const t = await readBody(c, PeriodTransition)
 */
export async function readBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.output<S>> {
  const raw = await readJson(c);
  const r = schema.safeParse(raw);
  if (!r.success) throw invalid(zodErrors(r.error));
  return r.data;
}

/** A non-negative integer path or query parameter; 404 for a path id, 422 for a query field otherwise. */
export function intParam(value: string | undefined, what: string): number {
  if (value === undefined || !/^[0-9]{1,9}$/.test(value)) throw new ApiError(404, "NOT_FOUND", { what });
  return Number(value);
}
