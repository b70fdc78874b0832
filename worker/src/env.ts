/**
 * The worker's bindings and per-request variables. `Env` is what wrangler.jsonc (and .dev.vars) provide.
 */
import type { Principal } from "./auth.ts";
import type { Repository } from "./repository.ts";

export interface Env {
  DB: D1Database;
  /** The web app's files (Workers static assets: the pane's web build, `npm run build:web`). */
  ASSETS?: Fetcher;
  /** Workers rate limiting binding; keyed per token, or per client address when anonymous. */
  RATE_LIMITER?: RateLimit;
  /** Secret: the first council-secretariat token. Never stored; compared by hash. */
  BOOTSTRAP_TOKEN?: string;
  /** Secret: the key that signs the board's download links (falls back to BOOTSTRAP_TOKEN in development). */
  LINK_SECRET?: string;
  /** Comma-separated origins allowed by CORS (the task pane's). */
  ALLOWED_ORIGINS?: string;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** The authenticated caller, or null (no token, or a token that is unknown, expired, revoked or used). */
    principal: Principal | null;
    /** Set when the bearer was a voter code that has already been used: answered 409 VOTER_CODE_USED, not 401. */
    usedVoterCode: boolean;
    repo: Repository;
  };
}
