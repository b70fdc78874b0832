/**
 * thidua's worker app: the JSON API under /api/v1 (Hono on Cloudflare Workers, D1), and the web app on the same
 * origin (static assets, `web.ts`). The middleware runs in the order
 * written below; each resource is a Hono app in `routes/` mounted with `app.route()`. To add a resource, write
 * `routes/<resource>.ts` with the `allow()` guard and `periodScope()` from `service.ts`, mount it here, and add its
 * rows to the authorisation table in `test/authz.test.ts` (the test fails for a route without one).
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
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
      exposeHeaders: ["X-Request-Id", "Retry-After", "X-Idempotent-Replay"],
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
  // 4. authentication (sets the principal; routes decide with allow())
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
