/**
 * The web app served by the Worker (web.ts), inside workerd: the app's pages come from the static assets on the API's
 * origin with a Content-Security-Policy that allows no inline script and no other origin, every API answer is
 * `no-store`, an unknown API path stays a JSON 404 (never the app's page), and the rate limit covers the app's files
 * as it covers the API. The static assets are a stand-in Fetcher here (the real ones are exercised under
 * `wrangler dev` by test/browser/web.test.ts).
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { demoRulebook, demoUnits } from "../../shared/src/index.ts";
import { createApp } from "../src/app.ts";
import type { Env } from "../src/env.ts";
import { seedDemo } from "../src/seed.ts";
import { api, BOOT, call, futureDeadline } from "./helpers.ts";
import { castSealed, openElectronic } from "./sealedVote.ts";

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/index-AbCd1234.js"></script></head></html>';

/** What Workers static assets answers: index.html for a navigation to any app path, the file otherwise. */
const assets = {
  fetch: async (req: Request) => {
    const path = new URL(req.url).pathname;
    if (path === "/assets/index-AbCd1234.js")
      return new Response("console.log(1)", { headers: { "content-type": "text/javascript" } });
    if (path.startsWith("/assets/")) return new Response("not found", { status: 404 });
    return new Response(INDEX, { headers: { "content-type": "text/html; charset=utf-8", etag: '"x"' } });
  },
} as unknown as Fetcher;

async function get(path: string, extra: Partial<Env> = {}, init: RequestInit = {}): Promise<Response> {
  const e = { ...(env as unknown as Env), ASSETS: assets, ...extra };
  const ctx = createExecutionContext();
  const r = await createApp().fetch(new Request(`http://thidua.test${path}`, init), e, ctx);
  await waitOnExecutionContext(ctx);
  return r;
}

function csp(r: Response): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const d of (r.headers.get("content-security-policy") ?? "").split(";")) {
    const [name, ...values] = d.trim().split(/\s+/);
    if (name) m.set(name, values);
  }
  return m;
}

describe("the web app on the API's origin", () => {
  it("serves the app's page at / and at an app path such as /ballot, with the app's policy", async () => {
    for (const path of ["/", "/ballot"]) {
      const r = await get(path);
      expect(r.status).toBe(200);
      expect(await r.text()).toBe(INDEX);
      const p = csp(r);
      expect(p.get("script-src")).toEqual(["'self'"]);
      expect(p.get("connect-src")).toEqual(["'self'"]);
      expect(p.get("default-src")).toEqual(["'none'"]);
      expect(p.get("frame-ancestors")).toEqual(["'none'"]);
      expect(p.get("base-uri")).toEqual(["'none'"]);
      // No inline script or style, and no other origin anywhere in the policy.
      const all = [...p.values()].flat();
      expect(all.filter((v) => v.includes("unsafe"))).toEqual([]);
      expect(all.filter((v) => /^https?:|^\*$/.test(v))).toEqual([]);
      expect(r.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(r.headers.get("referrer-policy")).toBe("no-referrer");
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      // The shell is revalidated on every load, so a deploy reaches every phone at once.
      expect(r.headers.get("cache-control")).toBe("no-cache");
      expect(r.headers.get("x-request-id")).toMatch(/\S/);
    }
  });

  it("keeps the hashed bundles and answers 404 for a missing one", async () => {
    const js = await get("/assets/index-AbCd1234.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const missing = await get("/assets/gone-ZZZZ9999.js");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("cache-control")).not.toContain("immutable");
  });

  it("answers an unknown API path with the JSON 404, never with the app's page", async () => {
    const r = await get("/api/v1/nothing-here");
    expect(r.status).toBe(404);
    expect(r.headers.get("content-type")).toContain("application/json");
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
    // A write outside the API is not the app either.
    const post = await get("/", {}, { method: "POST" });
    expect(post.status).toBe(404);
  });

  it("marks every API answer no-store, success or failure, and keeps the API's own policy", async () => {
    for (const [path, token, status] of [
      ["/api/v1/me", BOOT, 200],
      ["/api/v1/periods", BOOT, 200],
      ["/api/v1/me", null, 401],
      ["/api/v1/health", null, 200],
    ] as const) {
      const r = await get(path, {}, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      expect(r.status, path).toBe(status);
      expect(r.headers.get("cache-control"), path).toBe("no-store");
      expect(csp(r).get("default-src"), path).toEqual(["'none'"]);
      expect(csp(r).has("script-src"), path).toBe(false);
    }
  });

  it("rate-limits the app's files as it does the API (same limiter, same key)", async () => {
    const keys: string[] = [];
    const RATE_LIMITER = {
      limit: async ({ key }: { key: string }) => {
        keys.push(key);
        return { success: false };
      },
    } as unknown as RateLimit;
    const r = await get("/ballot", { RATE_LIMITER }, { headers: { "cf-connecting-ip": "203.0.113.9" } });
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toBe("60");
    expect(keys).toEqual(["ip:203.0.113.9"]);
  });
});

describe("a voter's ballot in one call (GET /me/ballot, for the web ballot page)", () => {
  it("answers the member units by name and the rulebook's number; refuses a used code and voting that closed", async () => {
    const seed = await seedDemo(call, BOOT, futureDeadline());
    const P = "khoi-viii-2017";
    // Voter codes exist only in an electronic vote, opened with the trustees' shares published.
    const election = await openElectronic(P, seed.tokens.secretariat, "open");
    const codes = await api("POST", `/periods/${P}/voting/codes`, seed.tokens.secretariat);
    const [first, second] = codes.body.codes as { unitId: string; code: string }[];
    const r = await api("GET", "/me/ballot", first!.code);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.periodId).toBe(P);
    expect(r.body.choicesPerBallot).toBe(demoRulebook.choicesPerBallot);
    expect(r.body.units).toHaveLength(demoUnits.length);
    for (const u of demoUnits) expect(r.body.units).toContainEqual({ id: u.id, name: u.name });
    // Only a voter reads it.
    expect((await api("GET", "/me/ballot", seed.tokens.secretariat)).status).toBe(403);
    // Used: the same clear answer as a second cast.
    const cast = await castSealed(election, first!.code, []);
    expect(cast.status, JSON.stringify(cast.body)).toBe(201);
    const used = await api("GET", "/me/ballot", first!.code);
    expect(used.status).toBe(409);
    expect(used.body.error.code).toBe("VOTER_CODE_USED");
    // Voting over: an unused code learns that voting is not open, before it fills anything in.
    expect((await api("POST", `/periods/${P}/transitions`, seed.tokens.secretariat, { to: "closed" })).status).toBe(
      200,
    );
    const closed = await api("GET", "/me/ballot", second!.code);
    expect([401, 423]).toContain(closed.status);
    expect(["UNAUTHENTICATED", "VOTING_NOT_OPEN"]).toContain(closed.body.error.code);
  });
});
