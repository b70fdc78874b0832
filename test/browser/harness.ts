/**
 * What the browser tests stand on: the task pane built for development (local office.js) and served over HTTP, the
 * real Worker under `wrangler dev` on a free port with its own D1 state, seeded with the Khối VIII demo through the
 * worker's own seeding code, and headless Chromium (Debian's, through playwright-core) with a fresh profile.
 * Everything started here is stopped by `stop()`, by process group.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const CHROMIUM = "/usr/bin/chromium";
export const ARTIFACTS = join(REPO, "artifacts", "browser");

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

async function waitFor(url: string, ms: number, proc: ChildProcess, log: () => string) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error(`wrangler dev exited (${proc.exitCode}):\n${log()}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${url}:\n${log()}`);
}

/**
 * Builds the pane once per run (development mode: office.js copied locally, nothing fetched from outside), into a
 * directory of its own so that two runs at once never serve each other's half-built files.
 */
export function buildPane(): string {
  const out = mkdtempSync(join(tmpdir(), "thidua-pane-"));
  execFileSync(
    join(REPO, "node_modules/.bin/vite"),
    ["build", "--config", "addin/vite.config.ts", "--mode", "development"],
    {
      cwd: REPO,
      env: { ...process.env, THIDUA_ADDIN_OUT: out },
      stdio: "pipe",
    },
  );
  return out;
}

/**
 * Builds the web app (the pane's production build in web mode, as `npm start` and a deploy serve it) into a directory
 * of its own, handed to `wrangler dev --assets`.
 */
export function buildWeb(): string {
  const out = mkdtempSync(join(tmpdir(), "thidua-web-"));
  execFileSync(join(REPO, "node_modules/.bin/vite"), ["build", "--config", "addin/vite.config.ts", "--mode", "web"], {
    cwd: REPO,
    env: { ...process.env, THIDUA_ADDIN_OUT: out },
    stdio: "pipe",
  });
  return out;
}

export interface Worker {
  url: string;
  bootstrap: string;
  /** The D1 state directory wrangler persists to (the database files themselves). */
  state: string;
  /** The last lines wrangler printed, for failure messages. */
  log(): string;
  /** Ends wrangler (waiting for it to exit, so its files are flushed) and keeps the state directory. */
  halt(): Promise<void>;
  /** Ends wrangler and removes what it wrote. */
  stop(): Promise<void>;
}

/** The API of a running worker as a caller with a bearer code: status and parsed JSON body. */
export function apiCaller(url: string) {
  return async (method: string, path: string, token: string, body?: unknown) => {
    const r = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await r.text();
    // biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers loosely
    return { status: r.status, body: (text ? JSON.parse(text) : null) as any };
  };
}

/**
 * `wrangler dev` with migrations applied to a fresh state directory, serving the web app from `assets` (a directory
 * from `buildWeb()`), or from a tiny placeholder page when the test does not need the web app.
 */
export async function startWorker(allowedOrigin: string, assets?: string): Promise<Worker> {
  const assetsDir = assets ?? mkdtempSync(join(tmpdir(), "thidua-assets-"));
  if (!assets) writeFileSync(join(assetsDir, "index.html"), "<!doctype html><title>thidua</title>\n");
  const state = mkdtempSync(join(tmpdir(), "thidua-d1-"));
  const port = await freePort();
  const bootstrap = `bootstrap-${Math.random().toString(36).slice(2)}-0123456789`;
  const wrangler = join(REPO, "node_modules/.bin/wrangler");
  execFileSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], {
    cwd: join(REPO, "worker"),
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
    stdio: "pipe",
  });
  let out = "";
  const proc = spawn(
    wrangler,
    [
      "dev",
      // THIDUA_WORKER_ENTRY: another entry module for the same worker (a development override; unset in CI).
      ...(process.env.THIDUA_WORKER_ENTRY ? [process.env.THIDUA_WORKER_ENTRY, "-c", "wrangler.jsonc"] : []),
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--persist-to",
      state,
      "--var",
      `BOOTSTRAP_TOKEN:${bootstrap}`,
      "--var",
      `ALLOWED_ORIGINS:${allowedOrigin}`,
      "--assets",
      assetsDir,
      "--show-interactive-dev-session=false",
      "--inspector-port",
      String(await freePort()),
    ],
    {
      cwd: join(REPO, "worker"),
      env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  proc.stdout?.on("data", (d) => {
    out += d;
  });
  proc.stderr?.on("data", (d) => {
    out += d;
  });
  const url = `http://127.0.0.1:${port}`;
  const halt = async () => {
    if (proc.exitCode === null && proc.pid) {
      const exited = new Promise((r) => proc.once("exit", r));
      try {
        process.kill(-proc.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
  };
  const stop = async () => {
    await halt();
    rmSync(state, { recursive: true, force: true });
    if (!assets) rmSync(assetsDir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${url}/api/v1/health`, 90_000, proc, () => out);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, bootstrap, state, halt, stop, log: () => out.slice(-2000) };
}

export interface SeedResult {
  periodId: string;
  blocId: string;
  tokens: { council: string; secretariat: string; board: string; clerks: Record<string, string> };
}

/** Seeds through the worker engineer's own code (worker/src/seed.ts), over HTTP. */
export async function seed(worker: Worker, deadline: string): Promise<SeedResult> {
  const modulePath = join(REPO, "worker/src/seed.ts");
  const { seedDemo } = (await import(/* @vite-ignore */ modulePath)) as {
    seedDemo: (
      call: (m: string, p: string, token: string, body?: unknown) => Promise<{ status: number; body: unknown }>,
      bootstrap: string,
      deadline: string,
    ) => Promise<SeedResult>;
  };
  return seedDemo(apiCaller(worker.url), worker.bootstrap, deadline);
}

/** Headless Chromium with the flags of TOOLCHAIN.md and a fresh profile. */
export async function browser(viewport = { width: 1280, height: 800 }): Promise<{
  context: BrowserContext;
  page: Page;
  stop(): Promise<void>;
}> {
  const profile = mkdtempSync(join(tmpdir(), "thidua-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    locale: "vi-VN",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    stop: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

export const haveChromium = existsSync(CHROMIUM);

/**
 * Installed before the page's own scripts (an init script is not subject to the page's CSP): records in
 * `window.__visible` the time of the first frame after the member units entered the page, and says so on the
 * console. The bench waits for that console line rather than polling the page: Playwright's polling (a locator, or
 * `waitForFunction`) first evaluates its own injected script in the page, about 0.3 s of main thread at 4x, which
 * lands on the very path being measured (it did in the earlier version of this bench).
 */
export const VISIBLE_PROBE = `(() => {
  const mo = new MutationObserver(() => {
    if (window.__visible !== undefined || !document.querySelector("#ballot-units label")) return;
    window.__visible = -1;
    mo.disconnect();
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        window.__visible = performance.now();
        console.debug("thidua:visible");
      };
      ch.port2.postMessage(0);
    });
  });
  mo.observe(document, { childList: true, subtree: true });
})();`;
