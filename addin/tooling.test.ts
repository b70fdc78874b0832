/**
 * The Office tooling scripts (scripts/office.mjs): Microsoft's tools at pinned versions, fetched by `npx --yes` only
 * when a script runs, so that `npm ci` stays lean and works offline on Linux. Checked with `--print`, which shows the
 * commands instead of running them.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const office = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(repo, "scripts/office.mjs"), ...args, "--print"], {
    cwd: repo,
    encoding: "utf8",
  });
  return { status: r.status, out: r.stdout.trim().split("\n").filter(Boolean), err: r.stderr };
};

describe("Office tooling scripts", () => {
  it("npm has start:desktop, start:web, stop, validate and certs, and none of the tools is installed by npm ci", () => {
    const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const s of ["start:desktop", "start:web", "stop", "validate", "certs"])
      expect(pkg.scripts[s]).toBe(`node scripts/office.mjs ${s}`);
    const lock = readFileSync(join(repo, "package-lock.json"), "utf8");
    for (const heavy of ["office-addin-debugging", "office-addin-dev-certs", "office-addin-manifest", "keytar"]) {
      expect(lock).not.toContain(`node_modules/${heavy}"`);
      expect({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies }).not.toHaveProperty(heavy);
    }
  });

  it("start:desktop trusts a localhost certificate first, then sideloads into Excel with npm start as dev server", () => {
    for (const platform of ["win32", "darwin"]) {
      const r = office("start:desktop", "--platform", platform);
      expect(r.status).toBe(0);
      expect(r.out).toEqual([
        "npx --yes office-addin-dev-certs@3.0.0 install",
        'npx --yes office-addin-debugging@7.0.0 start manifest.xml desktop --app excel --dev-server "npm start" --dev-server-port 3000',
      ]);
    }
  });

  it("on Linux start:desktop refuses in Vietnamese and English, and says what to do instead; stop has nothing to do", () => {
    const r = office("start:desktop", "--platform", "linux");
    expect(r.status).toBe(2);
    expect(r.out).toEqual([]);
    expect(r.err).toContain("chỉ nạp phần bổ trợ vào Excel trên Windows và macOS");
    expect(r.err).toContain("Upload My Add-in");
    expect(office("stop", "--platform", "linux")).toMatchObject({ status: 0, out: [] });
    expect(office("stop", "--platform", "win32").out).toEqual([
      "npx --yes office-addin-debugging@7.0.0 stop manifest.xml",
    ]);
  });

  it("start:web needs a workbook's address and passes it on", () => {
    expect(office("start:web", "--platform", "darwin").status).toBe(2);
    const url = "https://contoso.sharepoint.com/:x:/r/Book.xlsx";
    expect(office("start:web", "--document", url, "--platform", "win32").out[1]).toBe(
      `npx --yes office-addin-debugging@7.0.0 start manifest.xml web --app excel --document ${url} --dev-server "npm start" --dev-server-port 3000`,
    );
  });

  it("validate runs Microsoft's online check on the manifest it is given (manifest.xml by default)", () => {
    expect(office("validate").out).toEqual(["npx --yes office-addin-manifest@3.0.0 validate manifest.xml"]);
    expect(office("validate", "dist/manifest.prod.xml").out).toEqual([
      "npx --yes office-addin-manifest@3.0.0 validate dist/manifest.prod.xml",
    ]);
  });
});
