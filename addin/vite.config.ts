/**
 * The task pane's build. `vite build` (production) points office.js at Microsoft's CDN, as the Office Store asks;
 * `--mode development` (dev server, tests, demo) copies the few office.js files it needs from node_modules into the
 * output instead (never committed), so nothing is fetched from outside. `--mode web` (`npm run build:web`) is the
 * production build for a plain browser, served by the Worker itself from its static assets (worker/public): no
 * office.js at all (nothing outside Excel needs it, and the app's Content-Security-Policy allows its own origin only).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const here = dirname(fileURLToPath(import.meta.url));
const OFFICE_CDN = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js";
const OFFICE_DIST = resolve(here, "../node_modules/@microsoft/office-js/dist");
/**
 * What office.js loads: outside Office (measured in Chromium) the loader and its file map; inside Excel on Windows,
 * the web and Mac (sideloaded in development) the Excel host scripts and the strings of our two languages.
 */
export const OFFICE_FILES = [
  "office.js",
  "o15apptofilemappingtable.js",
  "en-us/office_strings.js",
  "vi-vn/office_strings.js",
  "excel-win32-16.00.js",
  "excel-win32-16.01.js",
  "excel-win32-16.01-core.js",
  "excel-web-16.00.js",
  "excel-web-16.00-core.js",
  "excel-mac-16.00.js",
  "excel-mac-16.00-core.js",
];

type OfficeJs = "cdn" | "local" | "none";

function officeJs(source: OfficeJs): Plugin {
  const local = source === "local";
  let outDir = "";
  return {
    name: "thidua-office-js",
    configResolved(c) {
      outDir = resolve(c.root, c.build.outDir);
    },
    transformIndexHtml: (html) =>
      source === "none"
        ? html
            .replace(/\s*<!--[^>]*office\.js[^>]*-->/, "")
            .replace(/\s*<script src="%THIDUA_OFFICE_JS%"><\/script>/, "")
        : html.replace("%THIDUA_OFFICE_JS%", local ? "./office-js/office.js" : OFFICE_CDN),
    configureServer(server) {
      server.middlewares.use("/office-js", (req, res, next) => {
        const file = join(OFFICE_DIST, (req.url ?? "").split("?")[0] ?? "");
        if (!file.startsWith(OFFICE_DIST) || !existsSync(file)) return next();
        res.setHeader("content-type", "text/javascript");
        res.end(readFileSync(file));
      });
    },
    writeBundle() {
      if (!local) return;
      for (const f of OFFICE_FILES) {
        const from = join(OFFICE_DIST, f);
        if (!existsSync(from)) continue;
        const to = join(outDir, "office-js", f);
        mkdirSync(dirname(to), { recursive: true });
        copyFileSync(from, to);
      }
    },
  };
}

/** Where `--mode web` writes: the Worker's static assets directory (wrangler.jsonc `assets.directory`). */
export const WEB_OUT = resolve(here, "../worker/public");

export default defineConfig(({ mode }) => ({
  root: here,
  // The web app lives at the origin's root and answers deep paths (/ballot): its files are addressed from the root.
  base: mode === "web" ? "/" : "./",
  plugins: [officeJs(mode === "web" ? "none" : mode === "production" ? "cdn" : "local")],
  // The demo (in-memory workbook and its grid) only in development builds: the bundle Excel loads leaves it out, and
  // so does the web app, which has no workbook at all (excel/noWorkbook.ts).
  define: { __THIDUA_DEMO__: JSON.stringify(mode !== "production" && mode !== "web") },
  build: {
    outDir: process.env.THIDUA_ADDIN_OUT ?? (mode === "web" ? WEB_OUT : "dist"),
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: true,
    // The web app has a second page: the voter's ballot (/ballot, Workers assets serve ballot.html there), its own
    // small entry without Fluent or the shell, so that it draws in under a second on a slow phone.
    ...(mode === "web"
      ? { rollupOptions: { input: { index: resolve(here, "index.html"), ballot: resolve(here, "ballot.html") } } }
      : {}),
  },
  server: { port: 3000, strictPort: true },
}));
