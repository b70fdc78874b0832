/**
 * manifest.xml validates against the Office add-in XSDs with xmllint, offline. The XSDs live in ../shared (beside the
 * repository on the team's machines and in CI); a user's fresh clone has no ../shared, so the test skips there, with
 * a message, and fails wherever the schemas are present and the manifest is invalid.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const manifest = join(repo, "manifest.xml");
const schemas = resolve(repo, "../shared/schemas/office-addin-manifest");
const schema = join(schemas, "OfficeAppManifestV1_1.xsd");
const haveSchemas = existsSync(schema);
if (!haveSchemas) console.warn(`SKIP manifest schema validation: ${schemas} is absent (no ../shared beside the repo).`);

describe("manifest.xml", () => {
  it.skipIf(!haveSchemas)("validates against the Office add-in manifest XSDs (xmllint)", () => {
    const out = execFileSync("xmllint", ["--noout", "--schema", schema, manifest], { encoding: "utf8", stdio: "pipe" });
    expect(out).toBe("");
  });

  it("is a Vietnamese-first Excel task pane with an English override, a Home-tab button and HTTPS sources", () => {
    const xml = readFileSync(manifest, "utf8");
    expect(xml).toContain('xsi:type="TaskPaneApp"');
    expect(xml).toContain("<DefaultLocale>vi-VN</DefaultLocale>");
    expect(xml).toMatch(/<DisplayName DefaultValue="[^"]+">\s*<Override Locale="en-US"/);
    expect(xml).toContain('<OfficeTab id="TabHome">');
    expect(xml).toContain('<Action xsi:type="ShowTaskpane">');
    expect(xml).toMatch(/<AppDomain>https:\/\/[^<]+<\/AppDomain>/);
    const urls = [...xml.matchAll(/(?:DefaultValue|Value)="(https?:[^"]+)"/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThan(5);
    for (const u of urls) expect(u).toMatch(/^https:\/\//);
    expect(xml).toContain('<Set Name="ExcelApi" MinVersion="1.7"/>');
  });

  it("has the icons it names", () => {
    const xml = readFileSync(manifest, "utf8");
    for (const m of xml.matchAll(/assets\/(icon-\d+\.png)/g))
      expect(existsSync(join(repo, "addin/public/assets", m[1]!))).toBe(true);
  });
});
