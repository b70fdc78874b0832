/**
 * thidua's worker app: the JSON API under /api/v1 (Hono on Cloudflare Workers, D1), and the web app on the same
 * origin (static assets, `web.ts`). The middleware runs in the order
 * written below; each resource is a Hono app in `routes/` mounted with `app.route()`. To add a resource, write
 * `routes/<resource>.ts` with the `allow()` guard and `periodScope()` from `service.ts`, mount it here, and add its
 * rows to the authorisation table in `test/authz.test.ts` (the test fails for a route without one).
 */
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { MIN_SECRET_LENGTH, reportConfigProblems } from "./config.ts";
import type { AppEnv } from "./env.ts";
import { ApiError, handleError } from "./errors.ts";
import { authenticate, MAX_BODY_BYTES, rateLimit } from "./middleware.ts";
import { auditRoutes } from "./routes/audit.ts";
import { blocRoutes } from "./routes/blocs.ts";
import { councilRoutes } from "./routes/council.ts";
import { metaRoutes } from "./routes/meta.ts";
import { periodRoutes } from "./routes/periods.ts";
import { reviewRoutes } from "./routes/review.ts";
import { rulebookRoutes } from "./routes/rulebooks.ts";
import { submissionRoutes } from "./routes/submissions.ts";
import { templateRoutes } from "./routes/templates.ts";
import { tokenRoutes } from "./routes/tokens.ts";
import { unitRoutes } from "./routes/units.ts";
import { ballotRoutes, votingRoutes } from "./routes/voting.ts";
import { workbookRoutes } from "./routes/workbooks.ts";
import { isApiPath, noStore, secureHeadersByPath, serveApp } from "./web.ts";

export const API_BASE = "/api/v1";

/**
 * Answers to a request that carries a credential (a bearer token, or a signed link) are never stored by a browser or
 * a proxy: `Cache-Control: no-store` unless the route set its own (the workbooks say `private, no-store`). Errors
 * included: a 403 also says something about the caller.
 */
/**
 * A secret set too short is refused loudly, never silently (config.ts): printed once, `GET /health` answers 503 with
 * the settings at fault, and a bearer equal to a too-short `BOOTSTRAP_TOKEN` is told why it is refused.
 */
const refuseMisconfiguration: MiddlewareHandler<AppEnv> = async (c, next) => {
  const problems = reportConfigProblems(c.env);
  if (problems.length === 0) return next();
  if (c.req.path === `${API_BASE}/health`)
    return c.json({ ok: false, misconfigured: problems.map((p) => p.setting) }, 503);
  const bootstrap = c.env.BOOTSTRAP_TOKEN;
  const bearer = /^Bearer\s+(\S+)$/i.exec((c.req.header("authorization") ?? "").trim())?.[1];
  if (bootstrap && bearer === bootstrap && problems.some((p) => p.setting === "BOOTSTRAP_TOKEN"))
    throw new ApiError(401, "BOOTSTRAP_TOKEN_TOO_SHORT", { min: MIN_SECRET_LENGTH });
  return next();
};

const noStoreWhenCredentialed: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const credentialed = c.req.header("authorization") !== undefined || c.req.query("sig") !== undefined;
  if (credentialed && !c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
};

/** Builds the app; exported so tests can enumerate `app.routes`. */
export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // 1. request id (accepts a client's X-Request-Id when well-formed, else a new UUID)
  app.use(requestId({ limitLength: 64 }));
  // 2. secure headers (the API's, or the web app's Content-Security-Policy: web.ts), no-store on every API answer,
  //    and CORS for the task pane served elsewhere (bearer tokens, no cookies: no credentials)
  app.use(secureHeadersByPath);
  app.use(noStore);
  app.use(
    cors({
      origin: (origin, c) => {
        const allowed = (c.env.ALLOWED_ORIGINS ?? "").split(",").map((s: string) => s.trim());
        return allowed.includes(origin) ? origin : null;
      },
      allowHeaders: ["Authorization", "Content-Type", "X-Request-Id"],
      allowMethods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
      // Content-Disposition: the pane (another origin than the API) names a downloaded workbook as the server does.
      exposeHeaders: ["X-Request-Id", "Retry-After", "X-Idempotent-Replay", "Content-Disposition"],
      maxAge: 600,
    }),
  );
  // 3. body limit (413 before anything reads the body)
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, "PAYLOAD_TOO_LARGE", { max: MAX_BODY_BYTES });
      },
    }),
  );
  // 4. authentication (sets the principal; routes decide with allow()), after the configuration check
  app.use(noStoreWhenCredentialed);
  app.use(refuseMisconfiguration);
  app.use(authenticate);
  // 5. rate limit (per token, else per client address)
  app.use(rateLimit);
  // 6. routes: each validates its body with the domain core's schemas (middleware.readBody / the core validators)
  const api = new Hono<AppEnv>();
  api.route("/", metaRoutes);
  api.route("/units", unitRoutes);
  api.route("/blocs", blocRoutes);
  api.route("/templates", templateRoutes);
  api.route("/rulebooks", rulebookRoutes);
  api.route("/periods", periodRoutes);
  api.route("/periods", submissionRoutes);
  api.route("/periods", reviewRoutes);
  api.route("/periods", votingRoutes);
  api.route("/periods", auditRoutes);
  api.route("/periods", workbookRoutes);
  api.route("/ballots", ballotRoutes);
  api.route("/council", councilRoutes);
  api.route("/tokens", tokenRoutes);
  app.route(API_BASE, api);

  // 7. the web app: a GET outside /api/ is the pane's web build from the static assets, on this same origin (web.ts);
  //    served as the fallback, so it runs after the same middleware and adds no API route
  app.notFound(async (c) => {
    try {
      if ((c.req.method === "GET" || c.req.method === "HEAD") && !isApiPath(c.req.path)) return await serveApp(c);
      throw new ApiError(404, "NOT_FOUND", { what: c.req.path });
    } catch (e) {
      return handleError(e as Error, c);
    }
  });
  app.onError(handleError);
  return app;
}
