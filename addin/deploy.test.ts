/**
 * A deployment: the manifest written for one pane origin (addin/manifest.mjs) validates against the Office add-in
 * XSDs and keeps nothing of localhost, and the production bundle Excel loads leaves the demo out.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { deploymentId, deploymentManifest } from "./manifest.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const schema = resolve(repo, "../shared/schemas/office-addin-manifest/OfficeAppManifestV1_1.xsd");
const haveSchemas = existsSync(schema);
const template = readFileSync(join(repo, "manifest.xml"), "utf8");
const dir = mkdtempSync(join(tmpdir(), "thidua-deploy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settings = {
  pane: "https://thidua.sonoivu.hochiminhcity.gov.vn",
  api: "https://api.thidua.sonoivu.hochiminhcity.gov.vn",
  support: "https://sonoivu.hochiminhcity.gov.vn/ho-tro-thi-dua",
};

describe("the deployment manifest", () => {
  const xml = deploymentManifest(template, { ...settings, version: "1.2.0.0" });

  it.skipIf(!haveSchemas)("validates against the Office add-in manifest XSDs (xmllint)", () => {
    const file = join(dir, "manifest.xml");
    writeFileSync(file, xml);
    expect(execFileSync("xmllint", ["--noout", "--schema", schema, file], { encoding: "utf8", stdio: "pipe" })).toBe(
      "",
    );
  });

  it("moves every pane URL to the pane's origin and sets the support URL, AppDomains, Id and Version", () => {
    expect(xml).not.toMatch(/localhost|127\.0\.0\.1|workers\.dev/);
    const urls = [...xml.matchAll(/(?:DefaultValue|Value)="(https?:[^"]+)"/g)].map((m) => m[1]!);
    const devUrls = [...template.matchAll(/(?:DefaultValue|Value)="(https?:[^"]+)"/g)].map((m) => m[1]!);
    expect(urls).toHaveLength(devUrls.length);
    for (const u of urls.filter((x) => x !== `${settings.support}`))
      expect(u.startsWith(`${settings.pane}/`)).toBe(true);
    expect(xml).toContain(`<SourceLocation DefaultValue="${settings.pane}/index.html">`);
    expect(xml).toContain(`<SupportUrl DefaultValue="${settings.support}"/>`);
    expect([...xml.matchAll(/<AppDomain>([^<]+)<\/AppDomain>/g)].map((m) => m[1])).toEqual([settings.api]);
    expect(xml).toContain("<Version>1.2.0.0</Version>");
    const id = /<Id>([^<]+)<\/Id>/.exec(xml)![1]!;
    expect(id).not.toBe(/<Id>([^<]+)<\/Id>/.exec(template)![1]);
    expect(id).toBe(deploymentId(settings.pane));
    expect(deploymentId("https://thidua.other.gov.vn")).not.toBe(id);
  });

  it("with only the pane's origin, support goes to the pane and AppDomains is left out", () => {
    const only = deploymentManifest(template, { pane: settings.pane });
    expect(only).toContain(`<SupportUrl DefaultValue="${settings.pane}/"/>`);
    expect(only).not.toContain("<AppDomain");
  });

  it("refuses what Office would refuse or what is not a deployment", () => {
    for (const pane of ["http://thidua.example.gov.vn", "https://thidua.example.gov.vn/pane", "https://localhost:3000"])
      expect(() => deploymentManifest(template, { pane })).toThrow();
    expect(() => deploymentManifest(template, { pane: settings.pane, api: "http://api.example.gov.vn" })).toThrow();
  });

  it("npm run build:manifest writes it from the command line or the environment", () => {
    const out = join(dir, "cli.xml");
    const r = spawnSync(process.execPath, [join(repo, "addin/manifest.mjs"), "--out", out], {
      encoding: "utf8",
      env: { ...process.env, THIDUA_PANE_ORIGIN: settings.pane, THIDUA_API_ORIGIN: settings.api },
    });
    expect(r.status).toBe(0);
    expect(readFileSync(out, "utf8")).toContain(`<AppDomain>${settings.api}</AppDomain>`);
    const missing = spawnSync(process.execPath, [join(repo, "addin/manifest.mjs"), "--out", out], {
      encoding: "utf8",
      env: { ...process.env, THIDUA_PANE_ORIGIN: "" },
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("--pane");
  });
});

describe("the production pane bundle", () => {
  it("leaves the demo (in-memory workbook and its grid) out; a development build keeps it in its own chunk", () => {
    const build = (mode: string) => {
      const out = join(dir, mode);
      execFileSync(
        join(repo, "node_modules/.bin/vite"),
        ["build", "--config", "addin/vite.config.ts", "--mode", mode],
        {
          cwd: repo,
          env: { ...process.env, THIDUA_ADDIN_OUT: out },
          stdio: "pipe",
        },
      );
      return readdirSync(join(out, "assets"))
        .filter((f) => f.endsWith(".js"))
        .map((f) => readFileSync(join(out, "assets", f), "utf8"))
        .join("\n");
    };
    // Words that only the demo's code has: the grid's editor, the in-memory workbook's first sheet and Excel's parsing.
    const demoOnly = ["grid-input", "Sheet1", "quotePrefix"];
    const production = build("production");
    expect(demoOnly.filter((w) => production.includes(w))).toEqual([]);
    const development = build("development");
    expect(demoOnly.filter((w) => development.includes(w))).toEqual(demoOnly);
  }, 120_000);
});
