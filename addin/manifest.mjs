#!/usr/bin/env node
/**
 * Writes the add-in manifest for a deployment (tệp kê khai cho một nơi triển khai) from `manifest.xml` (the
 * development manifest, localhost) and one setting: where the pane is served. Every pane URL (SourceLocation, icons,
 * the ribbon button, Get Started) moves to that origin; the support URL defaults to it; AppDomains lists the Worker's
 * origin; the add-in's Id is derived from the pane origin (a new add-in for each deployment, the same one on every
 * rebuild), and Version from package.json.
 *
 *   npm run build:manifest -- --pane https://thidua.example.gov.vn --api https://api.thidua.example.gov.vn \
 *     [--support https://example.gov.vn/ho-tro] [--out addin/dist/manifest.xml] [--version 1.2.0.0] [--id <guid>]
 *
 * The same settings can come from THIDUA_PANE_ORIGIN, THIDUA_API_ORIGIN, THIDUA_SUPPORT_URL (CI). The result is
 * checked against the Office manifest XSDs by addin/deploy.test.ts and can be sent to Microsoft's online check with
 * `npm run validate -- addin/dist/manifest.xml`.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DEV_ORIGIN = "https://localhost:3000";

/** An https origin (scheme, host, optional port; no path), or an error naming the setting. */
function origin(value, name) {
  let u;
  try {
    u = new URL(value);
  } catch {
    throw new Error(`${name}: not a URL: ${value}`);
  }
  if (u.protocol !== "https:") throw new Error(`${name}: Office loads add-ins over HTTPS only: ${value}`);
  if ((u.pathname !== "/" && u.pathname !== "") || u.search || u.hash)
    throw new Error(`${name}: an origin without a path, e.g. https://thidua.example.gov.vn: ${value}`);
  if (u.hostname === "localhost" || u.hostname === "127.0.0.1")
    throw new Error(`${name}: a deployment is not on this machine: ${value}`);
  return u.origin;
}

/** A name-based (version 5) UUID of `name`: stable for one deployment, different for another. */
export function deploymentId(name) {
  const h = createHash("sha1").update(`thidua-addin:${name}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const xmlAttr = (s) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/**
 * The deployment manifest as text.
 * @example deploymentManifest(readFileSync("manifest.xml", "utf8"), { pane: "https://thidua.example.gov.vn" })
 */
export function deploymentManifest(template, settings) {
  const pane = origin(settings.pane ?? "", "pane");
  const api = settings.api ? origin(settings.api, "api") : null;
  const support = settings.support ? new URL(settings.support) : new URL(`${pane}/`);
  if (support.protocol !== "https:") throw new Error(`support: HTTPS only: ${settings.support}`);
  const version = settings.version ?? "1.0.0.0";
  if (!/^\d{1,5}(\.\d{1,5}){0,3}$/.test(version)) throw new Error(`version: n.n.n.n: ${version}`);
  const id = settings.id ?? deploymentId(pane);
  if (!/^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/.test(id)) throw new Error(`id: a GUID: ${id}`);
  const domains = [...new Set([api, ...(settings.appDomains ?? []).map((d) => origin(d, "appDomain"))])].filter(
    (d) => d && d !== pane,
  );
  let xml = template;
  const replace = (re, to, what) => {
    if (!re.test(xml)) throw new Error(`manifest.xml has no ${what}`);
    xml = xml.replace(re, to);
  };
  replace(
    /<!--[\s\S]*?Development:[\s\S]*?Integrated apps\)\.\n/,
    `<!--\n  thidua: the Excel task-pane add-in of the emulation scoring (chấm điểm thi đua), deployment manifest for\n  ${pane}, written by addin/manifest.mjs from manifest.xml: edit that file and rebuild, not this one.\n`,
    "development comment",
  );
  replace(/<Id>[^<]*<\/Id>/, `<Id>${id}</Id>`, "<Id>");
  replace(/<Version>[^<]*<\/Version>/, `<Version>${version}</Version>`, "<Version>");
  replace(
    /<SupportUrl DefaultValue="[^"]*"\/>/,
    `<SupportUrl DefaultValue="${xmlAttr(support.href)}"/>`,
    "<SupportUrl>",
  );
  const appDomains = domains.length
    ? `<AppDomains>\n${domains.map((d) => `    <AppDomain>${d}</AppDomain>`).join("\n")}\n  </AppDomains>`
    : "";
  replace(/<AppDomains>[\s\S]*?<\/AppDomains>/, appDomains, "<AppDomains>");
  xml = xml.split(DEV_ORIGIN).join(pane);
  if (/localhost|127\.0\.0\.1/.test(xml.replace(/<!--[\s\S]*?-->/g, "")))
    throw new Error("a localhost address is left in the manifest");
  return xml;
}

function arg(argv, name) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

function main(argv) {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
  const settings = {
    pane: arg(argv, "pane") ?? process.env.THIDUA_PANE_ORIGIN,
    api: arg(argv, "api") ?? process.env.THIDUA_API_ORIGIN,
    support: arg(argv, "support") ?? process.env.THIDUA_SUPPORT_URL,
    version: arg(argv, "version") ?? `${pkg.version}.0`,
    id: arg(argv, "id"),
  };
  if (!settings.pane) {
    console.error(
      "Cần địa chỉ của ngăn tác vụ / the pane's origin is required:\n" +
        "  npm run build:manifest -- --pane https://thidua.example.gov.vn --api https://api.thidua.example.gov.vn",
    );
    return 2;
  }
  const out = path.resolve(arg(argv, "out") ?? path.join(ROOT, "addin", "dist", "manifest.xml"));
  try {
    const xml = deploymentManifest(readFileSync(path.join(ROOT, "manifest.xml"), "utf8"), settings);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, xml);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 2;
  }
  console.log(out);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exitCode = main(process.argv.slice(2));
