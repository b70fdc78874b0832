#!/usr/bin/env node
/**
 * `npm start`: everything a newcomer needs on one machine, in sections that other services can join.
 *
 *   1. worker: make sure worker/.dev.vars holds a BOOTSTRAP_TOKEN (generated once, never committed), apply the D1
 *      migrations to the local database, build the web app into the Worker's static assets (worker/public, the
 *      pane's production build in web mode), run `wrangler dev` on 127.0.0.1:8787, which serves the web app at / and
 *      the API at /api/v1 on the same origin;
 *   2. seed: the Khối VIII 2017 demo through the API (idempotent), and one access code per role;
 *   3. the task pane: built for development once (addin/dist-dev), served over HTTPS on localhost:3000 for Excel
 *      and over HTTP on localhost:3001 for the browser demo, in this process (Ctrl-C stops it with the rest);
 *   4. print what to open (the web app's address first) and the access codes, in Vietnamese and English.
 *
 * Ctrl-C (or SIGTERM) stops every child process this script started. Each step is an exported function so that
 * tests and other scripts (the load run, the end-to-end test) can reuse them with their own port and state dir.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const WORKER_DIR = path.join(ROOT, "worker");
const WRANGLER = path.join(ROOT, "node_modules", ".bin", "wrangler");

/** Child processes to stop on exit. */
const children = new Set();
export function track(child) {
  children.add(child);
  child.on("exit", () => children.delete(child));
  return child;
}
export function stopAll() {
  for (const child of children) {
    try {
      // Each child leads its own process group (detached): stop the group, so wrangler's workerd goes too.
      process.kill(-child.pid, "SIGTERM");
    } catch {
      try {
        child.kill("SIGTERM");
      } catch {}
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Worker

/**
 * Reads BOOTSTRAP_TOKEN from worker/.dev.vars, creating the file with a fresh random token when missing. A token
 * shorter than 16 characters is refused here, loudly (the worker would refuse it too, and every call would answer 401).
 */
export function ensureBootstrapToken(devVars = path.join(WORKER_DIR, ".dev.vars")) {
  const text = existsSync(devVars) ? readFileSync(devVars, "utf8") : "";
  const found = /^BOOTSTRAP_TOKEN\s*=\s*"?([^"\n]*)"?\s*$/m.exec(text);
  if (found && found[1].length < 16)
    throw new Error(
      `BOOTSTRAP_TOKEN trong ${devVars} có ${found[1].length} ký tự, ít hơn 16: máy chủ sẽ từ chối nó. Hãy xóa dòng đó (npm start sẽ tạo mã mới) hoặc đặt mã dài hơn.\n` +
        `BOOTSTRAP_TOKEN in ${devVars} has ${found[1].length} characters, fewer than 16: the worker would refuse it. Delete that line (npm start makes a new one) or set a longer one.`,
    );
  if (found) return found[1];
  const token = `boot_${randomBytes(32).toString("base64url")}`;
  writeFileSync(devVars, `${text}${text && !text.endsWith("\n") ? "\n" : ""}BOOTSTRAP_TOKEN="${token}"\n`, {
    mode: 0o600,
  });
  return token;
}

/** The project-local Node 22 first on PATH (wrangler needs >= 22.12), as `npm run` would set it. */
function wranglerEnv() {
  const bin = path.join(ROOT, "node_modules", ".bin");
  return {
    ...process.env,
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
    WRANGLER_SEND_METRICS: "false",
    NO_D1_WARNING: "true",
    FORCE_COLOR: "0",
  };
}

/**
 * Builds the web app (the pane's production build, `--mode web`: no office.js) into the Worker's static assets
 * directory (wrangler.jsonc `assets.directory`), or into `out`; about 1-3 s.
 */
export function buildWebApp(out = path.join(WORKER_DIR, "public")) {
  const r = spawnSync(
    path.join(ROOT, "node_modules", ".bin", "vite"),
    ["build", "--config", "addin/vite.config.ts", "--mode", "web", "--logLevel", "warn"],
    { cwd: ROOT, env: { ...wranglerEnv(), THIDUA_ADDIN_OUT: out }, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`vite build (web) failed:\n${r.stdout}\n${r.stderr}`);
  return out;
}

/** Applies the numbered migrations to the local D1 (only those not applied yet). */
export function applyMigrations({ persistTo, config } = {}) {
  const args = ["d1", "migrations", "apply", "DB", "--local"];
  if (persistTo) args.push("--persist-to", persistTo);
  if (config) args.push("--config", config);
  const r = spawnSync(WRANGLER, args, { cwd: WORKER_DIR, env: wranglerEnv(), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`wrangler d1 migrations apply failed:\n${r.stdout}\n${r.stderr}`);
}

/**
 * Starts `wrangler dev` on a loopback port and resolves once /api/v1/health answers. The web app is served from
 * `assets` (a built directory), else from worker/public, built first when missing (wrangler refuses to start
 * without its assets directory).
 * @returns {{ url: string, child: import("node:child_process").ChildProcess }}
 */
export async function startWorker({ port = 8787, persistTo, config, quiet = false, vars = {}, assets } = {}) {
  if (!assets && !existsSync(path.join(WORKER_DIR, "public", "index.html"))) buildWebApp();
  const args = [
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    "0",
    "--show-interactive-dev-session=false",
  ];
  if (persistTo) args.push("--persist-to", persistTo);
  if (config) args.push("--config", config);
  if (assets) args.push("--assets", assets);
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  const child = track(
    spawn(WRANGLER, args, { cwd: WORKER_DIR, env: wranglerEnv(), detached: true, stdio: ["ignore", "pipe", "pipe"] }),
  );
  let log = "";
  const onData = (d) => {
    log = (log + d).slice(-20_000);
    if (!quiet) process.stdout.write(String(d).replace(/^/gm, "[worker] "));
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${log}`);
    try {
      const r = await fetch(`${url}/api/v1/health`);
      if (r.ok) return { url, child };
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not answer on ${url} within 60 s:\n${log}`);
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Seed

/** A JSON call against a running worker, in the shape worker/src/seed.ts expects. */
export function httpCall(url) {
  return async (method, p, token, body) => {
    const headers = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const r = await fetch(`${url}/api/v1${p}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    let parsed = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: r.status, body: parsed };
  };
}

/** Seeds the Khối VIII 2017 demo (idempotent) with a submission deadline 60 days ahead. */
export async function seed(url, bootstrap) {
  const { seedDemo } = await import(pathToFileURL(path.join(WORKER_DIR, "src", "seed.ts")).href);
  const deadline = new Date(Date.now() + 60 * 86400_000).toISOString().replace(/\.\d+Z$/, "+00:00");
  return seedDemo(httpCall(url), bootstrap, deadline);
}

// ---------------------------------------------------------------------------------------------------------------
// 3. The task pane

/** Builds the pane for development (office.js copied locally: nothing is fetched from outside); about 2 s. */
export function buildTaskPane() {
  const out = path.join(ROOT, "addin", "dist-dev");
  const r = spawnSync(
    path.join(ROOT, "node_modules", ".bin", "vite"),
    ["build", "--config", "addin/vite.config.ts", "--mode", "development", "--logLevel", "warn"],
    { cwd: ROOT, env: { ...wranglerEnv(), THIDUA_ADDIN_OUT: out }, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
  return out;
}

/**
 * Serves the pane twice: over HTTPS on localhost:3000 for Excel (the manifest's address; a development certificate is
 * made on first run) and over plain HTTP on localhost:3001 for the browser demo (no certificate warning).
 */
export async function startTaskPane({ httpsPort = 3000, httpPort = 3001 } = {}) {
  const dir = buildTaskPane();
  const { serveAddin } = await import(pathToFileURL(path.join(ROOT, "addin", "serve.mjs")).href);
  const https = await serveAddin({ dir, port: httpsPort, host: "localhost" });
  const http = await serveAddin({ dir, port: httpPort, host: "localhost", http: true });
  return { https, http, close: () => Promise.all([https.close(), http.close()]) };
}

export const paneOrigins = (httpsPort = 3000, httpPort = 3001) =>
  [
    `https://localhost:${httpsPort}`,
    `https://127.0.0.1:${httpsPort}`,
    `http://localhost:${httpPort}`,
    `http://127.0.0.1:${httpPort}`,
  ].join(",");

// ---------------------------------------------------------------------------------------------------------------
// 4. What to open

export function printAccess(url, result, bootstrap, pane) {
  const { tokens, periodId } = result;
  const server = encodeURIComponent(url);
  const paneLines = pane
    ? [
        " Bản dùng thử của ngăn tác vụ, bên sổ tính giả lập / demo of the task pane beside an in-memory workbook:",
        `   ${pane.http.url}?server=${server}`,
        "",
        " Trong Excel / in Excel: nạp tệp kê khai / sideload the manifest",
        `   ${path.join(ROOT, "manifest.xml")}`,
        "   - Excel trên web / Excel on the web: Trang đầu › Phần bổ trợ › Thêm phần bổ trợ › Tải lên phần bổ trợ của tôi",
        "     (Home › Add-ins › More add-ins › Upload My Add-in), chọn tệp trên / pick the file above.",
        "   - Excel cho Windows: chia sẻ thư mục chứa manifest.xml, thêm vào Tùy chọn › Trung tâm Tin cậy › Danh mục",
        "     phần bổ trợ tin cậy, rồi Chèn › Phần bổ trợ của tôi › THƯ MỤC DÙNG CHUNG / Trust Center › Trusted Add-in",
        "     Catalogs (a shared folder), then Insert › My Add-ins › SHARED FOLDER.",
        "   - Excel cho Mac: chép manifest.xml vào / copy it to ~/Library/Containers/com.microsoft.Excel/Data/Documents/wef",
        `   Ngăn tác vụ / task pane: ${pane.https.url} (chứng chỉ phát triển tự ký / self-signed development`,
        "   certificate: mở địa chỉ này một lần và chấp nhận, hoặc tin cậy ~/.thidua/dev-certs/localhost.crt /",
        "   open it once and accept it, or trust ~/.thidua/dev-certs/localhost.crt).",
        `   Địa chỉ máy chủ nhập khi đăng nhập / server address to enter at sign-in: ${url}`,
        "",
      ]
    : [];
  const lines = [
    "",
    "══════════════════════════════════════════════════════════════════════════════",
    ` Ứng dụng web / web app: ${url}/`,
    "══════════════════════════════════════════════════════════════════════════════",
    " thidua đang chạy / thidua is running",
    " Mở địa chỉ trên trong trình duyệt và đăng nhập bằng một mã bên dưới (không cần Excel).",
    " Open the address above in a browser and sign in with a code below (no Excel needed).",
    ` Phiếu bầu trên điện thoại / ballot on a phone: ${url}/ballot (mã in trên phiếu / code on the slip)`,
    "",
    ...paneLines,
    ` API:            ${url}/api/v1`,
    ` Tài liệu API / API reference: ${url}/api/v1/docs`,
    ` Kỳ thi đua / period: ${periodId} (Khối thi đua VIII – TP. Hồ Chí Minh, 2017)`,
    ` Bảng xếp hạng cho lãnh đạo (mã của lãnh đạo khối) / board's ranking workbook (board token):`,
    `   ${url}/api/v1/periods/${periodId}/ranking.xlsx`,
    "",
    " Mã truy cập (chỉ hiện một lần; chạy lại `npm start` để cấp mã mới)",
    " Access codes (shown once; run `npm start` again for new ones)",
    "",
    ` Ban Thi đua – Khen thưởng / council secretariat:\n   ${tokens.council}`,
    ` Thư ký Khối VIII / bloc secretariat:\n   ${tokens.secretariat}`,
    ` Lãnh đạo Khối (chỉ xem) / board (read-only):\n   ${tokens.board}`,
    " Cán bộ thi đua từng đơn vị / clerk of each unit:",
    ...Object.entries(tokens.clerks).map(([unit, t]) => `   ${unit.padEnd(14)} ${t}`),
    "",
    ` Mã khởi tạo (worker/.dev.vars) / bootstrap token: ${bootstrap.slice(0, 9)}… (xem tệp / see the file)`,
    " Mã bỏ phiếu được cấp khi thư ký mở bỏ phiếu / voter codes are issued when the secretariat opens voting.",
    "",
    " Nhấn Ctrl-C để dừng / press Ctrl-C to stop.",
    "══════════════════════════════════════════════════════════════════════════════",
    "",
  ];
  process.stdout.write(lines.join("\n"));
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  // `node scripts/start.mjs` on an older system Node: hand over to the project-local Node 22 (what `npm start` uses).
  const localNode = path.join(ROOT, "node_modules", ".bin", "node");
  if (Number(process.versions.node.split(".")[0]) < 22 && existsSync(localNode)) {
    const r = spawnSync(localNode, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
    process.exit(r.status ?? 1);
  }
  for (const sig of ["SIGINT", "SIGTERM"])
    process.on(sig, () => {
      stopAll();
      process.exit(0);
    });
  process.on("exit", stopAll);
  const bootstrap = ensureBootstrapToken();
  console.log("Áp dụng migration D1 cục bộ / applying local D1 migrations…");
  applyMigrations();
  console.log("Dựng ứng dụng web / building the web app (worker/public)…");
  buildWebApp();
  console.log("Khởi động worker / starting the worker (wrangler dev)…");
  const { url, child } = await startWorker({
    port: Number(process.env.PORT ?? 8787),
    quiet: true,
    vars: { ALLOWED_ORIGINS: paneOrigins() },
  });
  console.log("Nạp dữ liệu mẫu Khối VIII 2017 / seeding the Khối VIII 2017 demo…");
  const result = await seed(url, bootstrap);
  console.log("Dựng và phục vụ ngăn tác vụ / building and serving the task pane…");
  const pane = await startTaskPane();
  printAccess(url, result, bootstrap, pane);
  // Keep the worker's log visible from here on.
  child.stdout.on("data", (d) => process.stdout.write(String(d).replace(/^/gm, "[worker] ")));
  child.stderr.on("data", (d) => process.stderr.write(String(d).replace(/^/gm, "[worker] ")));
  child.on("exit", (code) => {
    console.error(`wrangler dev đã dừng / stopped (${code})`);
    stopAll();
    process.exit(code ?? 1);
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    stopAll();
    process.exit(1);
  });
}
