/**
 * The web app in headless Chromium, served by the real Worker (`wrangler dev --assets` with the web build, real
 * local D1 seeded with Khối VIII): no Excel, no in-memory grid. At 1280 px a clerk downloads the template workbook,
 * fills it with exceljs, uploads it with two errors, sees them with their sheet and cells, fixes them and drops the
 * file again for a receipt; the secretariat moves the period to voting, issues the codes and prints the voter slips;
 * the slips' QR codes are read from the printed A4 page's image (PDF -> PNG -> jsqr in a scanner page); seven
 * voters open those addresses at 390 px and vote (one blank ballot, chosen explicitly); a used code gets a clear
 * answer; the secretariat publishes and the board downloads the ranking workbook with the button. Throughout, the
 * app's Content-Security-Policy is in force (no violation) and no code or token appears in any URL the server sees.
 * The budgets (JS gzip size, the ballot's first render at 4x CPU throttling) are measured and written to
 * artifacts/browser/web-budgets.json.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import ExcelJS from "exceljs";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Ciphertext,
  demoEntries,
  demoTemplate,
  demoUnits,
  layoutSheet,
  leavesOf,
  makeTrusteeKey,
  partialDecrypt,
} from "../../shared/src/index.ts";
import {
  artifactPath,
  browser,
  buildWeb,
  haveChromium,
  REPO,
  type SeedResult,
  seed,
  startWorker,
  VISIBLE_PROBE,
  type Worker,
} from "./harness.ts";

const UNIT = "vks-tphcm";
const SHEET = "Tự chấm điểm";

describe.skipIf(!haveChromium)("the web app served by the Worker", () => {
  let worker: Worker;
  let seeded: SeedResult;
  let webDir = "";
  let chrome: Awaited<ReturnType<typeof browser>>;
  /** Every URL any page asked the server for, and every policy violation the browser reported. */
  const urls: string[] = [];
  const violations: string[] = [];
  const secrets: string[] = [];
  const budgets: Record<string, number | number[]> = {};
  /** The ballot's first render (ms from navigation start) on each voter's phone, CPU throttled 4x. */
  const firstRenders: number[] = [];

  const watch = (context: BrowserContext) => {
    context.on("request", (r) => urls.push(r.url()));
    context.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
  };

  beforeAll(async () => {
    webDir = buildWeb();
    worker = await startWorker("http://unused.invalid", webDir);
    seeded = await seed(worker, new Date(Date.now() + 30 * 86400_000).toISOString());
    secrets.push(seeded.tokens.council, seeded.tokens.secretariat, seeded.tokens.board);
    secrets.push(...Object.values(seeded.tokens.clerks));
    chrome = await browser({ width: 1280, height: 900 });
    watch(chrome.context);
    chrome.page.on("pageerror", (e) => console.error("pageerror:", e.message));
  }, 240_000);

  afterAll(async () => {
    await chrome?.stop();
    await worker?.stop();
    if (webDir) rmSync(webDir, { recursive: true, force: true });
  });

  const fail = async (page: Page, what: string, e: unknown): Promise<never> => {
    await page.screenshot({ path: artifactPath(`web-failed-${what}.png`) }).catch(() => undefined);
    const notice = await page
      .locator("#notice")
      .textContent({ timeout: 500 })
      .catch(() => null);
    throw new Error(`${what}: ${(e as Error).message}\nnotice: ${notice}\nwrangler dev:\n${worker?.log()}`);
  };
  const seen = async (page: Page, selector: string, text?: string) => {
    try {
      await page
        .locator(selector, text === undefined ? {} : { hasText: text })
        .first()
        .waitFor({ timeout: 60_000 });
    } catch (e) {
      await fail(page, selector.replace(/\W+/g, "_"), e);
    }
  };
  const act = async (page: Page, selector: string) => {
    await seen(page, 'main.pane[aria-busy="false"]');
    await page.locator(selector).first().click();
  };
  const signIn = async (page: Page, token: string) => {
    await page.goto(`${worker.url}/`);
    await page.locator("#token").fill(token);
    await act(page, "#signin-button");
    await seen(page, "#role");
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: artifactPath(`web-${name}.png`) });

  /** Writes scores into the downloaded template with exceljs (what a clerk's spreadsheet program does). */
  async function fill(bytes: Buffer, scores: Record<string, number>): Promise<Buffer> {
    const unit = demoUnits.find((u) => u.id === UNIT)!;
    const layout = layoutSheet(demoTemplate, {
      blocName: "",
      unitName: unit.name,
      unitId: UNIT,
      periodId: seeded.periodId,
      year: 2017,
      bonusCap: 5,
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = book.getWorksheet(SHEET)!;
    for (const e of demoEntries(UNIT)) {
      const input = layout.inputs.find((i) => i.criterion === e.criterion)!;
      sheet.getCell(input.scoreCell).value = scores[e.criterion] ?? e.score;
      if (e.evidence) sheet.getCell(input.evidenceCell).value = e.evidence;
    }
    return Buffer.from(await book.xlsx.writeBuffer());
  }
  const cellOf = (criterion: string) =>
    layoutSheet(demoTemplate, {
      blocName: "",
      unitName: "",
      unitId: UNIT,
      periodId: seeded.periodId,
      year: 2017,
      bonusCap: 5,
    }).inputs.find((i) => i.criterion === criterion)!.scoreCell;

  it("serves the app on the API's origin with its policy, not the demo", async () => {
    const r = await fetch(`${worker.url}/ballot`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(r.headers.get("content-security-policy")).toContain("connect-src 'self'");
    const html = await r.text();
    expect(html).not.toMatch(/office\.js|<script>/);
    const page = chrome.page;
    await page.goto(`${worker.url}/`);
    await seen(page, "#signin");
    // No server to choose (same origin), and not the demo.
    expect(await page.locator("#server").count()).toBe(0);
    expect(await page.locator("#demo-badge, .grid-root").count()).toBe(0);
    expect(await page.evaluate(() => typeof (globalThis as { Office?: unknown }).Office)).toBe("undefined");
  }, 60_000);

  it("clerk at 1280 px: downloads the template, uploads it with two errors, fixes them, uploads again", async () => {
    const page = chrome.page;
    await signIn(page, seeded.tokens.clerks[UNIT]!);
    await seen(page, "#web-clerk");
    const [download] = await Promise.all([page.waitForEvent("download"), act(page, "#download-template")]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const template = readFileSync((await download.path())!);
    // Two mistakes: a score above the criterion's maximum and one off its 0.25 step.
    const bad = await fill(template, { "I.1.a": 99, "I.5": 1.3 });
    await page.locator("#upload-file").setInputFiles({
      name: "bang-tu-cham.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer: bad,
    });
    await seen(page, "#upload-problems li");
    const cells = await page.locator("#upload-problems li").evaluateAll((li) => li.map((x) => x.dataset.cell));
    expect(cells.sort()).toEqual([cellOf("I.1.a"), cellOf("I.5")].sort());
    const lines = await page.locator("#upload-problems li").allTextContents();
    for (const l of lines) expect(l).toMatch(new RegExp(`^Trang ${SHEET}, ô D\\d+: `));
    expect(lines.join("\n")).toMatch(/bước 0[,.]25/);
    await shot(page, "clerk-upload-errors");

    // Fixed, and dropped on the page this time.
    const good = await fill(template, {});
    await seen(page, 'main.pane[aria-busy="false"]');
    await page.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], "bang-tu-cham.xlsx"));
      document
        .getElementById("dropzone")!
        .dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, good.toString("base64"));
    await seen(page, "#receipt", "Lần nộp: 1");
    expect(await page.locator("#upload-problems").count()).toBe(0);
    await shot(page, "clerk-receipt");
  }, 180_000);

  it("secretariat prints the voter slips; seven voters scan them and vote on phones; the board downloads the ranking", async () => {
    const page = chrome.page;
    await signIn(page, seeded.tokens.secretariat);
    await shot(page, "secretariat-status");
    await act(page, "#to-review");
    await act(page, "#confirm-yes");
    await seen(page, "#notice", "Đang thẩm định");

    // Reviewed scores typed in the web form with real key presses: checked by the core before anything is sent (a
    // score above the maximum is refused at its field, nothing reaches the server), then saved through the review
    // route. The numbers reach the bloc table and the ranking workbook checked at the end.
    await seen(page, "#web-review-form");
    await page.locator("#web-review-unit").selectOption(UNIT);
    const reviewed = (criterion: string) =>
      fetch(`${worker.url}/api/v1/periods/${seeded.periodId}/units/${UNIT}/review`, {
        headers: { authorization: `Bearer ${seeded.tokens.secretariat}` },
      })
        .then((r) => (r.ok ? r.json() : null))
        .then(
          (b: { entries?: { criterion: string; score: number | null }[] } | null) =>
            b?.entries?.find((e) => e.criterion === criterion)?.score ?? null,
        );
    const leaf = leavesOf(demoTemplate).find((l) => l.code === "I.1.a")!;
    const own = demoEntries(UNIT).find((e) => e.criterion === "I.1.a")!.score;
    const lower =
      (leaf.max - leaf.step) / 100 === own ? (leaf.max - 2 * leaf.step) / 100 : (leaf.max - leaf.step) / 100;
    const field = page.locator('#web-review-form input[data-criterion="I.1.a"]');
    await field.waitFor();
    await seen(page, 'main.pane[aria-busy="false"]');
    await field.click();
    await page.keyboard.type("99");
    await page.keyboard.press("Enter");
    await seen(page, '#web-review-form tr[data-criterion="I.1.a"] .field-error', "vượt điểm tối đa");
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    // The cursor is back in the field to correct; nothing was saved.
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.criterion)).toBe("I.1.a");
    expect(await reviewed("I.1.a")).toBeNull();
    await page.keyboard.press("Control+A");
    await page.keyboard.type(String(lower).replace(".", ","));
    await page.keyboard.press("Enter");
    await seen(page, "#notice", "Đã lưu điểm thẩm định");
    expect(await reviewed("I.1.a")).toBe(lower);
    await seen(page, '#web-review-form tr[data-criterion="I.1.a"] input');
    expect(await page.locator('#web-review-form input[data-criterion="I.1.a"]').inputValue()).toBe(
      lower.toFixed(2).replace(".", ","), // points are shown with two decimals
    );
    expect(await page.locator("#web-review-form .field-error").count()).toBe(0);
    // The draft bloc table on the same page takes the review in at once: the unit's reviewed total appears.
    await seen(page, `#bloc-table tr[data-unit="${UNIT}"] td:nth-child(4)[data-value]`);
    await shot(page, "secretariat-review-form");
    // An electronic (sealed) vote, chosen when voting opens. The period's two trustees make their key shares with
    // the core the trustee screen uses (here in Node: the screen is the pane's) and publish the public parts.
    await page.locator("#voting-channel").selectOption("electronic");
    await act(page, "#to-voting");
    await act(page, "#confirm-yes");
    await seen(page, "#notice", "Đang bỏ phiếu");
    const P = seeded.periodId;
    const call = async (method: string, path: string, token: string, body?: unknown) => {
      const r = await fetch(`${worker.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const json = (await r.json()) as Record<string, unknown>;
      expect(r.status, `${method} ${path}: ${JSON.stringify(json).slice(0, 300)}`).toBeLessThan(300);
      return json;
    };
    const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
    const issued = (await call("POST", `/periods/${P}/voting/trustee-codes`, seeded.tokens.secretariat)) as {
      codes: { trusteeId: string; code: string }[];
    };
    const trustees = issued.codes.map((t) => ({ ...t, ...makeTrusteeKey(P, t.trusteeId, random) }));
    for (const t of trustees) await call("POST", `/periods/${P}/voting/trustee-key`, t.code, t.key);
    await act(page, "#issue-codes");
    await seen(page, "#codes li");
    await shot(page, "secretariat-voting");
    await act(page, "#print-slips");
    await seen(page, "#print-root .slip");
    expect(await page.locator("#print-root .slip").count()).toBe(7);
    const printed = await page
      .locator("#print-root .slip")
      .evaluateAll((slips) =>
        slips.map((s) => ({ unit: s.getAttribute("data-slip")!, code: s.querySelector("[data-code]")!.textContent! })),
      );
    secrets.push(...printed.map((p) => p.code));
    await shot(page, "secretariat-slips");

    // The printed A4 page, as an image: PDF from Chromium's print, one PNG page from poppler.
    const dir = mkdtempSync(join(tmpdir(), "thidua-slips-"));
    await page.emulateMedia({ media: "print" });
    const pdf = await page.pdf({ format: "A4", printBackground: true });
    await page.emulateMedia({ media: "screen" });
    writeFileSync(join(dir, "slips.pdf"), pdf);
    writeFileSync(artifactPath("web-slips.pdf"), pdf);
    execFileSync("pdftoppm", ["-png", "-r", "150", join(dir, "slips.pdf"), join(dir, "page")]);
    const pngs = readdirSync(dir).filter((f) => f.endsWith(".png"));
    // Seven slips fit one A4 page.
    expect(pngs).toHaveLength(1);
    const image = readFileSync(join(dir, pngs[0]!)).toString("base64");
    rmSync(dir, { recursive: true, force: true });

    // A scanner: a blank page with jsqr reading each cut-out slip of the page image (A4 210 mm wide, 10 mm margins,
    // slips of 95 x 69 mm in two columns: the cut lines of web.css), as a phone's camera reads one slip.
    const scanner = await chrome.context.newPage();
    await scanner.setContent("<canvas id=c></canvas>");
    await scanner.addScriptTag({ path: join(REPO, "node_modules/jsqr/dist/jsQR.js") });
    const addresses = await scanner.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = document.getElementById("c") as HTMLCanvasElement;
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
      ctx.drawImage(img, 0, 0);
      const jsQR = (
        globalThis as unknown as { jsQR: (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null }
      ).jsQR;
      const mm = canvas.width / 210;
      const found: string[] = [];
      for (let row = 0; row < 4; row++)
        for (let col = 0; col < 2; col++) {
          const [x, y, w, h] = [10 + col * 95, 10 + row * 69, 95, 69].map((v) => Math.round(v * mm)) as [
            number,
            number,
            number,
            number,
          ];
          const qr = jsQR(ctx.getImageData(x, y, w, h).data, w, h);
          if (qr) found.push(qr.data);
        }
      return found;
    }, image);
    await scanner.close();
    expect(addresses).toHaveLength(7);
    for (const a of addresses) expect(a).toMatch(new RegExp(`^${worker.url}/ballot#code=[0-9A-Z-]{19}$`));
    // Each QR code carries its slip's printed code.
    expect(addresses.map((a) => decodeURIComponent(a.split("#code=")[1]!)).sort()).toEqual(
      printed.map((p) => p.code).sort(),
    );

    // Seven voters, each on a phone (390 px): five choose Viện KSND and Bộ Tư lệnh, one Viện KSND alone, one blank.
    const phone = await chrome.context
      .browser()
      ?.newContext({ viewport: { width: 390, height: 844 }, locale: "vi-VN" });
    const phones = phone ?? chrome.context;
    watch(phones);
    const plan = [
      ["Viện Kiểm sát", "Bộ Tư lệnh"],
      ["Viện Kiểm sát", "Bộ Tư lệnh"],
      ["Viện Kiểm sát", "Bộ Tư lệnh"],
      ["Viện Kiểm sát", "Bộ Tư lệnh"],
      ["Viện Kiểm sát", "Bộ Tư lệnh"],
      ["Viện Kiểm sát"],
      [],
    ];
    for (const [i, address] of addresses.entries()) {
      const voter = await phones.newPage();
      if (phone) await voter.setViewportSize({ width: 390, height: 844 });
      // Every phone's first load runs on a CPU 4x slower (a cheap phone): the ballot's first render is measured each
      // time, and the budget is on the median of the seven.
      const cdp = await phones.newCDPSession(voter);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
      // From the navigation's start to the first frame painted with the member units, seen by a probe installed
      // before the page's scripts; waiting for its console line leaves the page alone while it loads (a locator would
      // first evaluate Playwright's injected script there, about 0.3 s at 4x, on the path being measured).
      await voter.addInitScript(VISIBLE_PROBE);
      const visible = voter.waitForEvent("console", {
        predicate: (m) => m.text() === "thidua:visible",
        timeout: 60_000,
      });
      await voter.goto(address, { waitUntil: "commit" });
      await visible;
      firstRenders.push(Math.round(await voter.evaluate(() => (window as unknown as { __visible: number }).__visible)));
      await seen(voter, "#ballot-units label");
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
      // The ballot page is its own small entry: none of the pane's Fluent components are loaded, and one API call
      // (GET /me/ballot) brings everything the ballot shows.
      expect(await voter.evaluate(() => customElements.get("fluent-button"))).toBeUndefined();
      const calls = await voter.evaluate(() =>
        performance
          .getEntriesByType("resource")
          .map((r) => new URL(r.name).pathname)
          .filter((p) => p.startsWith("/api/")),
      );
      expect(calls).toEqual(["/api/v1/me/ballot"]);
      if (i === 0) {
        // What the page's first render waits for is small: its own strings (ui/ballotText.ts), not the pane's
        // catalogue, the error catalogue or the sealing code (loaded only when the ballot is cast). 27 KiB before.
        const scripts = await voter.evaluate(() =>
          performance
            .getEntriesByType("resource")
            .map((r) => new URL(r.name).pathname)
            .filter((p) => p.endsWith(".js")),
        );
        expect(scripts.some((p) => /\/assets\/ballot-/.test(p))).toBe(true);
        budgets.ballotJsGzipBytes = scripts.reduce(
          (n, p) => n + gzipSync(readFileSync(join(webDir, p)), { level: 9 }).length,
          0,
        );
        expect(budgets.ballotJsGzipBytes).toBeLessThan(10 * 1024);
      }
      // The code left the address bar at once.
      expect(voter.url()).toBe(`${worker.url}/ballot`);
      expect(await voter.locator("#ballot-units label").count()).toBe(7);
      // Phone layout: nothing wider than the screen.
      expect(await voter.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      const choose = plan[i]!;
      for (const name of choose) await voter.locator("#ballot-units label", { hasText: name }).locator("input").check();
      if (choose.length) {
        // The rulebook's number (2) reached: the other units cannot be ticked.
        if (choose.length === 2) expect(await voter.locator("#ballot-units input:disabled").count()).toBe(5);
        expect(await voter.locator("#ballot-blank").getAttribute("disabled")).not.toBeNull();
        await act(voter, "#ballot-review");
        const listed = await voter.locator("#ballot-summary li").allTextContents();
        expect(listed).toHaveLength(choose.length);
        for (const [k, n] of choose.entries()) expect(listed[k]).toContain(n);
      } else {
        // Nothing ticked: "review" is off; a blank ballot needs its own button.
        expect(await voter.locator("#ballot-review").getAttribute("disabled")).not.toBeNull();
        await act(voter, "#ballot-blank");
        await seen(voter, "#ballot-summary", "phiếu trắng");
      }
      await seen(voter, "#ballot-final", "Phiếu đã bỏ thì không sửa được.");
      if (i === 0 || !choose.length) await shot(voter, `voter-confirm-${i}`);
      await act(voter, "#ballot-confirm");
      await seen(voter, "#ballot-done");
      if (i === 0) await shot(voter, "voter-done");
      await voter.close();
    }
    // The same slip again: a clear answer, no ballot.
    const again = await phones.newPage();
    await again.goto(addresses[0]!);
    await seen(again, "#ballot-refused", "đã được dùng");
    expect(await again.locator("#ballot-units").count()).toBe(0);
    await shot(again, "voter-used");
    await again.close();
    // A code that never existed: the other answer.
    const wrong = await phones.newPage();
    await wrong.goto(`${worker.url}/ballot#code=ZZZZ-ZZZZ-ZZZZ-ZZZZ`);
    await seen(wrong, "#ballot-refused", "không hợp lệ");
    await wrong.close();
    if (phone) await phone.close();

    // The count matches the phones' ballots: Viện KSND 6/7, Bộ Tư lệnh 5/7, one blank.
    // Closing the print page takes the codes off the screen.
    await page.locator("#print-close").click();
    expect(await page.locator("#print-root").count()).toBe(0);
    // The box closes; each trustee decrypts its part of the per-unit sums (never a single ballot).
    await call("POST", `/periods/${P}/voting/close`, seeded.tokens.secretariat);
    const election = (await call("GET", `/periods/${P}/voting/election`, seeded.tokens.secretariat)) as {
      electionKey: string;
      members: string[];
      choicesPerBallot: number;
      aggregate: Ciphertext[];
    };
    const ctx = {
      periodId: P,
      members: election.members,
      choicesPerBallot: election.choicesPerBallot,
      electionKey: election.electionKey,
    };
    for (const t of trustees)
      await call(
        "POST",
        `/periods/${P}/voting/decryption`,
        t.code,
        partialDecrypt(ctx, t.trusteeId, t.secret, election.aggregate, random),
      );
    await act(page, "#tally");
    await seen(page, "#tally-result", "Phát ra");
    const tally = (await page.locator("#tally-result").textContent()) ?? "";
    expect(tally).toMatch(/Phát ra 7.*(Thu về|thu về) 7/s);
    await act(page, "#to-closed");
    await act(page, "#confirm-yes");
    await seen(page, "#notice", "Đã công bố");

    // The board: one button, the workbook arrives as a download.
    await page.locator("#signout").click();
    await signIn(page, seeded.tokens.board);
    const [ranking] = await Promise.all([page.waitForEvent("download"), act(page, "#download-ranking")]);
    expect(ranking.suggestedFilename()).toMatch(/^Bảng xếp hạng .*\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(readFileSync((await ranking.path())!) as unknown as ArrayBuffer);
    const text = book.worksheets.map((ws) => ws.getSheetValues().flat(2).join(" ")).join(" ");
    expect(text).toContain("Viện Kiểm sát nhân dân Thành phố");
    await shot(page, "board-download");

    // The same page shows the bloc table and the criteria x units matrix as HTML tables, with the workbook's numbers.
    await seen(page, "#bloc-table tbody tr");
    await seen(page, "#matrix-table tbody tr");
    expect(await page.locator("#table-draft").count()).toBe(0);
    const html = await page.evaluate(() => {
      const cells = (tr: Element) =>
        [...tr.children].map((c) => ({
          text: c.textContent ?? "",
          value: (c as HTMLElement).dataset.value === undefined ? null : Number((c as HTMLElement).dataset.value),
        }));
      return {
        table: [...document.querySelectorAll("#bloc-table tbody tr")].map(cells),
        matrixUnits: [...document.querySelectorAll("#matrix-table thead th")].map((th) => th.textContent ?? ""),
        matrix: Object.fromEntries(
          [...document.querySelectorAll("#matrix-table tbody tr")].map((tr) => [
            (tr as HTMLElement).dataset.criterion!,
            cells(tr),
          ]),
        ),
      };
    });
    const wbValue = (v: ExcelJS.CellValue): number | string | null => {
      // exceljs drops a formula's cached result when it is 0: such a cell reads as its formula (see the total below).
      if (v && typeof v === "object" && "formula" in v)
        return "result" in v && v.result !== undefined ? (v.result as number | string) : `=${v.formula}`;
      return (v as number | string | null | undefined) ?? null;
    };
    const rowsOf = (ws: ExcelJS.Worksheet) => {
      const out: (number | string | null)[][] = [];
      ws.eachRow({ includeEmpty: true }, (row, n) => {
        const vals: (number | string | null)[] = [];
        for (let c = 1; c <= ws.columnCount; c++) vals.push(wbValue(row.getCell(c).value));
        out[n - 1] = vals;
      });
      return Array.from(out, (r) => r ?? []);
    };
    // The bloc table: one row per unit, self / reviewed / bonus / deduction / total / rank equal to the workbook's.
    const wbTable = rowsOf(book.getWorksheet("Bảng tổng hợp")!);
    const hr = wbTable.findIndex((r) => r[0] === "STT" && r[1] === "Đơn vị");
    expect(hr).toBeGreaterThanOrEqual(0);
    const col = (title: string) => wbTable[hr]!.indexOf(title);
    const wbRows = wbTable.slice(hr + 1).filter((r) => typeof r[0] === "number");
    expect(wbRows).toHaveLength(7);
    expect(html.table).toHaveLength(7);
    // Points as the app shows them everywhere: two decimals, a decimal comma (92,00).
    const pts = (n: number) => n.toFixed(2).replace(".", ",");
    for (const [i, r] of wbRows.entries()) {
      const web = html.table[i]!;
      // Same order (rank order), same unit, same numbers; the points shown the Vietnamese way.
      expect(web[1]!.text).toBe(r[col("Đơn vị")]);
      const pairs: [number, string][] = [
        [2, "Tổng điểm tự chấm"],
        [3, "Tổng điểm thẩm định"],
        [4, "Điểm thưởng"],
        [5, "Điểm trừ"],
        [6, "Tổng điểm"],
        [7, "Xếp hạng"],
      ];
      for (const [c, title] of pairs) {
        let wb = r[col(title)];
        // The total's formula, ROUND(base + bonus - deduction, 2), computed from the same row when its value is lost.
        if (title === "Tổng điểm" && typeof wb === "string" && wb.startsWith("=ROUND("))
          wb =
            Math.round(
              ((r[col("Điểm các tiêu chí")] as number) +
                (r[col("Điểm thưởng")] as number) -
                (r[col("Điểm trừ")] as number)) *
                100,
            ) / 100;
        // A unit without a sheet: blank points ("–") and "Chưa nộp" instead of a rank, on the page as in the workbook.
        if (typeof wb === "string") {
          expect(web[c]!.value, `${r[col("Đơn vị")]}: ${title}`).toBeNull();
          expect(web[c]!.text, `${r[col("Đơn vị")]}: ${title}`).toBe(wb);
          continue;
        }
        expect(web[c]!.value, `${r[col("Đơn vị")]}: ${title}`).toBe(wb);
        if (c < 7) expect(web[c]!.text).toBe(wb === null ? "–" : pts(wb as number));
      }
    }
    // Only the clerk of UNIT pushed: it is ranked first, the six others say "Chưa nộp" in both, with no rank.
    expect(wbRows.map((r) => r[col("Xếp hạng")])).toEqual([1, ...Array(6).fill("Chưa nộp")]);
    // The matrix: every criterion x unit cell equal to the workbook's (units matched by their short names).
    const wbMatrix = rowsOf(book.getWorksheet("Ma trận điểm")!);
    const mh = wbMatrix.findIndex((r) => r[0] === "Mã");
    // Headed "rank. short name", or "short name (Chưa nộp)" for a unit without a sheet.
    const wbUnits = wbMatrix[mh]!.slice(4).map((u) =>
      String(u)
        .replace(/^\d+\. /, "")
        .replace(/ \(Chưa nộp\)$/, ""),
    );
    const webUnits = html.matrixUnits.slice(3);
    expect([...webUnits].sort()).toEqual([...wbUnits].sort());
    let compared = 0;
    for (const r of wbMatrix.slice(mh + 1).filter((x) => typeof x[3] === "number")) {
      const web = html.matrix[String(r[0])];
      expect(web, `criterion ${r[0]}`).toBeDefined();
      expect(web![2]!.value).toBe(r[3]);
      for (const [k, unit] of wbUnits.entries()) {
        expect(web![3 + webUnits.indexOf(unit)]!.value, `${r[0]} × ${unit}`).toBe(r[4 + k] ?? null);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(7 * 20);
    await shot(page, "board-tables");
  }, 240_000);

  it("keeps every code out of URLs, stays within its policy and its budgets", async () => {
    // No code or token in any address the server saw (the slips' codes travel in the fragment only).
    expect(urls.length).toBeGreaterThan(20);
    for (const s of secrets) {
      const bare = s.replace(/-/g, "");
      expect(urls.filter((u) => u.split("#")[0]!.includes(s) || u.split("#")[0]!.includes(bare))).toEqual([]);
    }
    expect(violations).toEqual([]);
    // The app's JavaScript, gzip.
    const assets = join(webDir, "assets");
    budgets.jsGzipBytes = readdirSync(assets)
      .filter((f) => f.endsWith(".js"))
      .reduce((n, f) => n + gzipSync(readFileSync(join(assets, f)), { level: 9 }).length, 0);
    expect(budgets.jsGzipBytes).toBeLessThan(150 * 1024);
    // No in-memory workbook in the web app (the demo's, with its formula engine): it has no Excel, and says so
    // (excel/noWorkbook.ts) instead of acting on a sheet nobody sees.
    const js = readdirSync(assets).filter((f) => f.endsWith(".js"));
    expect(js.filter((f) => /fakeWorkbook|formula/i.test(f))).toEqual([]);
    for (const f of js) expect(readFileSync(join(assets, f), "utf8")).not.toContain("Ô này được khóa; chỉ nhập");
    // The ballot's first render at 4x on each of the seven phones, and their median, written down: on this shared
    // 2-core machine the figure follows the load (1.5 s to 4.2 s for the same page within one minute at a load
    // average of 25), so the 1 s budget is measured with bench/ballot-render.bench.ts and bench/RESULTS-web.md,
    // and asserted here only through what the page does (its own entry, no Fluent, one API call: above).
    const sorted = [...firstRenders].sort((a, b) => a - b);
    budgets.ballotFirstRendersMs4x = firstRenders;
    budgets.ballotFirstRenderMedianMs4x = sorted[Math.floor(sorted.length / 2)]!;
    budgets.loadAverage1min = Math.round(loadavg()[0]! * 10) / 10;
    writeFileSync(artifactPath("web-budgets.json"), `${JSON.stringify(budgets, null, 2)}\n`);
    expect(firstRenders.filter((ms) => ms > 0)).toHaveLength(7);
  });
});
