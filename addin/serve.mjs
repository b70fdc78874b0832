/**
 * Serves the built task pane (addin/dist): over HTTPS on localhost:3000 for Excel (a self-signed localhost
 * certificate is made with the openssl CLI on first run, or the one office-addin-dev-certs installed is reused), or
 * over plain HTTP for tests and the browser demo.
 *
 *   node addin/serve.mjs [--http] [--port 3000] [--dir addin/dist] [--host localhost]
 *
 * Also usable as a module: `const s = await serveAddin({ http: true, port: 0 }); s.url; await s.close()`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { createServer as createHttp } from "node:http";
import { createServer as createHttps } from "node:https";
import { homedir } from "node:os";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
};

/**
 * A certificate for localhost: office-addin-dev-certs' if present, else our own, made once with openssl and kept in
 * ~/.thidua/dev-certs (valid 825 days, SAN localhost and 127.0.0.1).
 */
export function devCertificate() {
  const office = join(homedir(), ".office-addin-dev-certs");
  if (existsSync(join(office, "localhost.crt")) && existsSync(join(office, "localhost.key")))
    return { cert: readFileSync(join(office, "localhost.crt")), key: readFileSync(join(office, "localhost.key")) };
  const dir = join(homedir(), ".thidua", "dev-certs");
  const crt = join(dir, "localhost.crt");
  const key = join(dir, "localhost.key");
  if (!existsSync(crt) || !existsSync(key)) {
    mkdirSync(dir, { recursive: true });
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-sha256",
        "-days",
        "825",
        "-subj",
        "/CN=localhost/O=thidua development",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout",
        key,
        "-out",
        crt,
      ],
      { stdio: "ignore" },
    );
  }
  return { cert: readFileSync(crt), key: readFileSync(key), path: crt };
}

/**
 * Starts the server. `dir` defaults to addin/dist; unknown paths fall back to index.html.
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export async function serveAddin({ dir = join(here, "dist"), port = 3000, host = "localhost", http = false } = {}) {
  const root = resolve(dir);
  if (!existsSync(join(root, "index.html")))
    throw new Error(`No built task pane in ${root}: run \`npm run build:addin\` (or vite build --mode development).`);
  const handler = (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) {
      if (extname(path)) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      file = join(root, "index.html");
    }
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
    res.end(readFileSync(file));
  };
  const server = http ? createHttp(handler) : createHttps(devCertificate(), handler);
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, ok);
  });
  const actual = server.address().port;
  return {
    url: `${http ? "http" : "https"}://${host}:${actual}/`,
    port: actual,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const s = await serveAddin({
    http: args.includes("--http"),
    port: Number(opt("--port", "3000")),
    dir: opt("--dir", join(here, "dist")),
    host: opt("--host", "localhost"),
  });
  console.log(`Ngăn tác vụ / task pane: ${s.url}`);
  const stop = async () => {
    await s.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
