/**
 * The pane where Excel's webview or storage is not what the bundle expects, in headless Chromium.
 *
 * Old webviews. Chromium has no switch that turns module scripts off, and a script marked `nomodule` never runs in a
 * browser that knows modules. So each old webview is reproduced by what it does to our page:
 * - EdgeHTML (retail Office 2016/2019 without WebView2) loads `type="module"` but cannot parse ES2022: the bundle
 *   never runs. Reproduced by aborting the bundle's request (`page.route`), which leaves the page exactly as EdgeHTML
 *   leaves it: no module code ran.
 * - Internet Explorer 11 (volume-licensed Office 2016/2019) skips `type="module"` (an unknown script type) and runs
 *   `nomodule` scripts (an unknown attribute). Reproduced by serving the page as IE11 reads it: the module script's
 *   type changed to one no browser runs, the `nomodule` attribute dropped, and the load-time check removed so that
 *   only the nomodule part can show the explanation.
 * The inline scripts are checked for syntax newer than ES5 as well.
 *
 * Storage. In Excel on the web the pane is a third-party iframe; where the browser refuses it storage, reading
 * `window.localStorage` throws a SecurityError. An init script makes it so; the pane must say that nothing outlives
 * it, and an offline push must not be promised for later.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveAddin } from "../../addin/serve.mjs";
import { demoEntries, demoTemplate, demoUnits, layoutSheet } from "../../shared/src/index.ts";
import { browser, buildPane, haveChromium, type SeedResult, seed, startWorker, type Worker } from "./harness.ts";

const UNIT = "ca-tphcm";

describe.skipIf(!haveChromium)("the pane on old webviews and without storage", () => {
  let paneDir = "";
  let pane: { url: string; close(): Promise<void> };
  let worker: Worker;
  let seeded: SeedResult;
  let chrome: Awaited<ReturnType<typeof browser>>;

  beforeAll(async () => {
    paneDir = buildPane();
    pane = await serveAddin({ dir: paneDir, http: true, port: 0, host: "127.0.0.1" });
    worker = await startWorker(pane.url.replace(/\/$/, ""));
    seeded = await seed(worker, new Date(Date.now() + 30 * 86400_000).toISOString());
    chrome = await browser({ width: 420, height: 900 });
  }, 240_000);

  afterAll(async () => {
    await chrome?.stop();
    await worker?.stop();
    await pane?.close();
    if (paneDir) rmSync(paneDir, { recursive: true, force: true });
  });

  const legacyShown = async (page: Page) => {
    await page.locator("#legacy").waitFor({ state: "visible", timeout: 30_000 });
    const text = (await page.locator("#legacy").textContent()) ?? "";
    expect(text).toContain("Phiên bản Excel này không mở được ngăn tác vụ Thi đua");
    expect(text).toContain("Excel trên web");
    expect(text).toContain("WebView2");
    expect(text).toContain("This version of Excel cannot open the Thi đua task pane");
    expect(text).toContain("template workbook");
    expect(await page.locator("#app").innerHTML()).toBe("");
  };

  it("a modern browser runs the pane and never shows the explanation", async () => {
    const page = await chrome.context.newPage();
    await page.goto(pane.url);
    await page.locator("main.pane").waitFor();
    expect(await page.locator("#legacy").isVisible()).toBe(false);
    expect(await page.locator("#storage-note").count()).toBe(0);
    await page.close();
  });

  it("EdgeHTML: the module bundle never runs, and the page explains what works instead, in Vietnamese and English", async () => {
    const page = await chrome.context.newPage();
    await page.route("**/assets/*.js", (route) => route.abort());
    await page.goto(pane.url);
    await legacyShown(page);
    await page.close();
  });

  it("Internet Explorer 11: module scripts skipped, the ES5 nomodule part alone shows the explanation", async () => {
    const html = readFileSync(join(paneDir, "index.html"), "utf8");
    // No inline script (the web app's policy forbids it): the two ES5 parts are files beside the page.
    expect([...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>/g)]).toEqual([]);
    const parts = ["legacy/ie11.js", "legacy/check.js"].map((f) => readFileSync(join(paneDir, f), "utf8"));
    // ES5: no arrow functions, template literals, let/const, classes or spread.
    for (const code of parts) expect(code).not.toMatch(/=>|`|\b(let|const|class)\b|\.\.\./);
    const asIe11 = html
      .replace(/type="module"/g, 'type="text/x-not-run"')
      .replace(/<script nomodule /, "<script ")
      .replace(/<script src="\.\/legacy\/check\.js"><\/script>/, "");
    expect(asIe11).not.toContain("legacy/check.js");
    const page = await chrome.context.newPage();
    await page.route(pane.url, (route) =>
      route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: asIe11 }),
    );
    await page.goto(pane.url);
    await legacyShown(page);
    await page.close();
  });

  it("storage refused: the pane says nothing outlives it, and an offline push is not promised for later", async () => {
    const page = await chrome.context.newPage();
    await page.addInitScript(() => {
      Object.defineProperty(window, "localStorage", {
        get() {
          throw new DOMException("Access is denied for this document.", "SecurityError");
        },
      });
    });
    await page.goto(`${pane.url}?server=${encodeURIComponent(worker.url)}`);
    await page.locator("#storage-note").waitFor();
    expect(await page.locator("#storage-note").textContent()).toContain("chỉ được giữ đến khi đóng ngăn tác vụ");
    await page.locator("#token").fill(seeded.tokens.clerks[UNIT]!);
    await page.locator("#signin-button").click();
    await page.locator("#role").waitFor();
    await page.locator('main.pane[aria-busy="false"]').waitFor();
    await page.locator("#pull").click();
    await page.locator('table.grid[data-sheet="Tự chấm điểm"]').waitFor();
    const unit = demoUnits.find((u) => u.id === UNIT)!;
    const layout = layoutSheet(demoTemplate, {
      blocName: "",
      unitName: unit.name,
      unitId: UNIT,
      periodId: seeded.periodId,
      year: 2017,
      bonusCap: 5,
    });
    const edits: [string, string][] = [];
    for (const e of demoEntries(UNIT)) {
      const input = layout.inputs.find((i) => i.criterion === e.criterion)!;
      edits.push([input.scoreCell, String(e.score ?? 0).replace(".", ",")]);
      if (e.evidence) edits.push([input.evidenceCell, e.evidence]);
    }
    await page.evaluate((list) => {
      const wb = (
        globalThis as unknown as { thiduaDemo: { workbook: { edit(s: string, c: string, v: string): void } } }
      ).thiduaDemo.workbook;
      for (const [cell, value] of list) wb.edit("Tự chấm điểm", cell, value);
    }, edits);
    await page.locator('main.pane[aria-busy="false"]').waitFor();
    await chrome.context.setOffline(true);
    await page.locator("#push").click();
    await page.locator("#notice", { hasText: "Không có mạng" }).waitFor({ timeout: 60_000 });
    const notice = (await page.locator("#notice").textContent()) ?? "";
    expect(notice).toContain("Máy này không lưu được hàng chờ");
    expect(notice).not.toContain("Sẽ tự gửi khi có kết nối");
    await chrome.context.setOffline(false);
    await page.close();
  });
});
