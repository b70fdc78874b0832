/**
 * The web app (ứng dụng web): the task pane's production build in its web mode (`npm run build:web`, no office.js),
 * served by this Worker from its static assets (Workers static assets, `assets` in wrangler.jsonc) on the same origin
 * as /api/v1, so the browser needs no CORS and the page may talk to its own origin only. Every request, the app's
 * files included, runs through the Worker first (`run_worker_first`), so the same middleware (request id, rate
 * limit) and the headers below apply to everything the origin serves.
 *
 * What it promises:
 * - a Content-Security-Policy with no inline script and no other origin: scripts, styles, images and API calls come
 *   from this origin only; the page cannot be framed;
 * - the app's shell holds no personal data (codes travel in the URL fragment, `#code=…`, which no server sees, and in
 *   `Authorization` headers); it is revalidated on every load (`no-cache`), the hashed bundles under /assets/ are kept;
 * - every API answer is `Cache-Control: no-store` (see `noStore`), as the workbooks already were.
 */
import type { Context, MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./env.ts";
import { ApiError } from "./errors.ts";

/** The app's policy: its own origin only, no inline script or style, no plugins, no framing, no form posts. */
export const APP_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:", "blob:"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  manifestSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
};

/** The API's policy (JSON and the reference page): nothing but inline styles of the reference page. */
const API_CSP = { defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"], frameAncestors: ["'none'"] };

/** True for the API's paths (everything else is the web app). */
export function isApiPath(path: string): boolean {
  return path === "/api" || path.startsWith("/api/");
}

const apiHeaders = secureHeaders({ contentSecurityPolicy: API_CSP, crossOriginResourcePolicy: "cross-origin" });
const appHeaders = secureHeaders({
  contentSecurityPolicy: APP_CSP,
  crossOriginResourcePolicy: "same-origin",
  crossOriginOpenerPolicy: "same-origin",
  // The ballot and the slips need no device feature; the phone's own camera app reads the slip's code.
  permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [], usb: [] },
});

/** Secure headers: the API's for /api/*, the web app's for the rest. */
export const secureHeadersByPath: MiddlewareHandler<AppEnv> = (c, next) =>
  isApiPath(c.req.path) ? apiHeaders(c, next) : appHeaders(c, next);

/** Every API answer that does not say otherwise is `no-store`: all of them carry personal data or codes. */
export const noStore: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (isApiPath(c.req.path) && !c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
};

/** Content-hashed build output (Vite's /assets/name-hash.ext): never changes under its name. */
const HASHED = /^\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.(js|css|woff2?|svg|png)$/;

/**
 * Answers a GET or HEAD outside /api/ from the static assets: a file of the build, or index.html for a navigation to
 * an app path such as /ballot (`not_found_handling: single-page-application`).
 */
export async function serveApp(c: Context<AppEnv>): Promise<Response> {
  const assets = c.env.ASSETS;
  if (isApiPath(c.req.path) || !assets) throw new ApiError(404, "NOT_FOUND", { what: c.req.path });
  const r = await assets.fetch(c.req.raw);
  const headers = new Headers(r.headers);
  const type = headers.get("content-type") ?? "";
  headers.set(
    "Cache-Control",
    r.ok && HASHED.test(c.req.path)
      ? "public, max-age=31536000, immutable"
      : type.startsWith("text/html")
        ? "no-cache"
        : "public, max-age=300",
  );
  headers.set("X-Content-Type-Options", "nosniff");
  return new Response(r.body, { status: r.status, statusText: r.statusText, headers });
}
