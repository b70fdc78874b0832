/**
 * `npm start` refuses a BOOTSTRAP_TOKEN the worker would refuse (shorter than 16 characters), saying why in Vietnamese
 * and English, instead of starting a worker that answers every call 401.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module script without types
import { ensureBootstrapToken } from "../../scripts/start.mjs";

describe("npm start's bootstrap token", () => {
  it("refuses a BOOTSTRAP_TOKEN shorter than 16 characters, in both languages", () => {
    const dir = mkdtempSync(join(tmpdir(), "thidua-devvars-"));
    const devVars = join(dir, ".dev.vars");
    writeFileSync(devVars, 'LINK_SECRET="x"\nBOOTSTRAP_TOKEN="short"\n');
    expect(() => ensureBootstrapToken(devVars)).toThrow(/có 5 ký tự, ít hơn 16[\s\S]*has 5 characters, fewer than 16/);
    // A missing token is made (long enough), and a long one is kept.
    writeFileSync(devVars, 'LINK_SECRET="x"\n');
    const made = ensureBootstrapToken(devVars) as string;
    expect(made.length).toBeGreaterThanOrEqual(16);
    expect(readFileSync(devVars, "utf8")).toContain(made);
    expect(ensureBootstrapToken(devVars)).toBe(made);
  });
});
