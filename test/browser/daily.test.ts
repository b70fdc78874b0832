/**
 * The pane as clerks and secretaries use it (issue 13), in headless Chromium at 320 px against the real Worker:
 * every step is driven with real key presses (`keyboard.type` / `press`, never `fill`) and clicks. The tests run in
 * order through one period's year: the clerk types into the grid, is asked before a pull wipes edits, sees the
 * deadline; the secretariat is asked before each irreversible step; paper ballots by unit name; the results explain
 * themselves; revision history. Each screen is scanned with axe-core; no schema-library text may reach the user.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveAddin } from "../../addin/serve.mjs";
import { demoEntries, demoTemplate, demoUnits, layoutSheet, type SheetLayout } from "../../shared/src/index.ts";
import {
  artifactPath,
  browser,
  buildPane,
  haveChromium,
  REPO,
  type SeedResult,
  seed,
  startWorker,
  type Worker,
} from "./harness.ts";

const UNIT = "vks-tphcm";
const AXE = readFileSync(join(REPO, "node_modules/axe-core/axe.min.js"), "utf8");
/** Texts of the schema library (Zod) and raw state names that must never reach the user. */
const RAW = [/Too small/i, /Too big/i, /expected string/i, /Invalid input/i, /«(draft|open|review|voting|closed)»/];

describe.skipIf(!haveChromium)("the pane as clerks and secretaries use it (320 px, real keys)", () => {
  let worker: Worker;
  let pane: { url: string; close(): Promise<void> };
  let seeded: SeedResult;
  let chrome: Awaited<ReturnType<typeof browser>>;
  let page: Page;
  let paneDir = "";
  let layout: SheetLayout;
  /** The value typed into the first score cell in item 1 (not the demo's). */
  let edited = "";
  /** Every text the pane showed, checked at the end for schema-library text. */
  const shown: string[] = [];

  beforeAll(async () => {
    paneDir = buildPane();
    pane = await serveAddin({ dir: paneDir, http: true, port: 0, host: "127.0.0.1" });
    worker = await startWorker(pane.url.replace(/\/$/, ""));
    seeded = await seed(worker, new Date(Date.now() + 30 * 86400_000).toISOString());
    chrome = await browser({ width: 320, height: 720 });
    page = chrome.page;
    page.on("pageerror", (e) => console.error("pageerror:", e.message));
    const unit = demoUnits.find((u) => u.id === UNIT)!;
    layout = layoutSheet(demoTemplate, {
      blocName: "",
      unitName: unit.name,
      unitId: UNIT,
      periodId: seeded.periodId,
      year: 2017,
      bonusCap: 5,
    });
  }, 240_000);

  afterAll(async () => {
    await chrome?.stop();
    await worker?.stop();
    await pane?.close();
    if (paneDir) rmSync(paneDir, { recursive: true, force: true });
  });

  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await fetch(`${worker.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : null,
    });
    return { status: r.status, body: (await r.json().catch(() => null)) as Record<string, unknown> };
  };
  /** A unit's full demo sheet, pushed straight to the API (the units this test does not drive). */
  const pushDemo = (unitId: string, baseRevision: number | null = null) =>
    api("POST", `/periods/${seeded.periodId}/units/${unitId}/submissions`, seeded.tokens.clerks[unitId]!, {
      templateId: demoTemplate.id,
      templateVersion: demoTemplate.version,
      baseRevision,
      clientId: `test-${unitId}-${Math.random().toString(36).slice(2)}`,
      entries: demoEntries(unitId),
    });

  /** Waits for an element (with the text, when given), then records the notice for the raw-text check. */
  const seen = async (selector: string, text?: string | RegExp) => {
    try {
      await page
        .locator(selector, text === undefined ? {} : { hasText: text })
        .first()
        .waitFor({ timeout: 60_000 });
    } catch (e) {
      await page.screenshot({ path: artifactPath(`daily-failed-${Date.now()}.png`) });
      const notice = await page
        .locator("#notice, #confirm")
        .first()
        .textContent({ timeout: 1000 })
        .catch(() => null);
      throw new Error(`${(e as Error).message}\nnotice: ${notice}\nwrangler dev:\n${worker?.log()}`);
    }
    shown.push((await page.locator(".pane").textContent()) ?? "");
  };
  const idle = () => seen('main.pane[aria-busy="false"]');
  const click = async (selector: string) => {
    await idle();
    await page.locator(selector).first().click();
  };
  /** Presses Tab (or Shift+Tab) until the element with this id has the focus; fails after 150 presses. */
  const tabTo = async (id: string, back = false) => {
    for (let i = 0; i < 150; i++) {
      if ((await page.evaluate(() => document.activeElement?.id)) === id) return;
      await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    }
    throw new Error(`Tab never reached #${id}`);
  };
  const focusedId = () => page.evaluate(() => document.activeElement?.id ?? "");
  /** Signs in with the keyboard only: Tab to the code, type it, Enter. */
  const signIn = async (token: string) => {
    await page.goto(`${pane.url}?server=${encodeURIComponent(worker.url)}`);
    await seen("#signin");
    await tabTo("token");
    await page.keyboard.type(token);
    await page.keyboard.press("Enter");
    await seen("#role");
    await idle();
  };
  /** Moves the grid's selection to a cell with the arrow keys only (the grid has the focus). */
  const arrowTo = async (cell: string) => {
    const at = (a1: string) => {
      const m = /^([A-Z]+)(\d+)$/.exec(a1)!;
      return { col: m[1]!.charCodeAt(0) - 65, row: Number(m[2]) };
    };
    const from = at((await page.locator("td.selected").first().getAttribute("data-cell")) ?? "A1");
    const to = at(cell);
    for (let i = from.row; i < to.row; i++) await page.keyboard.press("ArrowDown");
    for (let i = from.row; i > to.row; i--) await page.keyboard.press("ArrowUp");
    for (let i = from.col; i < to.col; i++) await page.keyboard.press("ArrowRight");
    for (let i = from.col; i > to.col; i--) await page.keyboard.press("ArrowLeft");
    expect(await page.locator("td.selected").first().getAttribute("data-cell")).toBe(cell);
  };
  const cellText = (cell: string) => page.locator(`td[data-cell="${cell}"]`).first().textContent();
  /** Axe-core on the pane as it is now: no serious or critical violation. */
  const axe = async (what: string) => {
    await page.addScriptTag({ content: AXE });
    const found = await page.evaluate(async () => {
      const w = window as unknown as {
        axe: {
          run(
            el: Element,
            o: unknown,
          ): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      };
      const r = await w.axe.run(document.querySelector(".pane")!, { resultTypes: ["violations"] });
      return r.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    });
    expect(found, `axe on ${what}`).toEqual([]);
  };

  it("item 1: typing into the demo grid with real key presses keeps every character", async () => {
    await pushDemo(UNIT);
    await signIn(seeded.tokens.clerks[UNIT]!);
    await click("#pull");
    await seen("#notice", "lần nộp 1");
    const [a, b] = layout.inputs.filter((i) => i.kind === "score");
    const evidence = layout.inputs.find((i) => i.evidenceCell)!.evidenceCell;
    // Double-click a score cell, type a value it did not hold (3,75 or 3,5), Enter.
    edited = (await cellText(a!.scoreCell)) === "3,75" ? "3,50" : "3,75";
    await page.locator(`td[data-cell="${a!.scoreCell}"]`).dblclick();
    await page.keyboard.type(edited.replace(/0$/, ""));
    await page.keyboard.press("Enter");
    expect(await cellText(a!.scoreCell)).toBe(edited);
    // Select a cell and just type: 2,5 is kept whole (shown with two decimals).
    await page.locator(`td[data-cell="${b!.scoreCell}"]`).click();
    await page.keyboard.type("2,5");
    await page.keyboard.press("Enter");
    expect(await cellText(b!.scoreCell)).toBe("2,50");
    // Text with a space and digits stays in its cell; nothing lands two rows below.
    const below = evidence.replace(/\d+$/, (r) => String(Number(r) + 2));
    const belowBefore = await cellText(below);
    await page.locator(`td[data-cell="${evidence}"]`).click();
    await page.keyboard.type("BC 18");
    await page.keyboard.press("Enter");
    expect(await cellText(evidence)).toBe("BC 18");
    expect(await cellText(below)).toBe(belowBefore);
    // Tab leaves the grid (arrows move within it).
    await page.locator(`td[data-cell="${b!.scoreCell}"]`).click();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.querySelector(".grid-root")!.contains(document.activeElement))).toBe(
      false,
    );
  });

  it("item 9: the clerk sees the period by name and year, the deadline and how far off it is", async () => {
    await seen("#clerk-period", "Khối thi đua VIII");
    await seen("#clerk-period", "2017");
    await seen("#clerk-deadline", /Còn 3[01] ngày/);
    const options = await page.locator("#period option").allTextContents();
    expect(options.join(" ")).not.toContain(seeded.periodId);
    expect(await page.locator("#push-closed").count()).toBe(0);
    await axe("clerk screen");
  });

  it("item 3: pulling over unsaved edits asks to push, keep (merge) or discard them", async () => {
    const [a] = layout.inputs.filter((i) => i.kind === "score");
    // Keyboard only: Tab to "Tải bảng điểm", Enter.
    await idle();
    await page.locator("#lang").focus();
    await tabTo("pull");
    await page.keyboard.press("Enter");
    await seen("#confirm", "chưa nộp");
    await seen("#confirm-items li", a!.criterion);
    expect(await focusedId()).toBe("confirm-cancel");
    await axe("pull confirmation");
    // Keep: the server's latest revision with the edits on top.
    await tabTo("confirm-keep", true);
    await page.keyboard.press("Enter");
    await seen("#notice", "bản gộp");
    expect(await cellText(a!.scoreCell)).toBe(edited);
    // Discard: the server's values come back.
    await click("#pull");
    await seen("#confirm");
    await click("#confirm-discard");
    await seen("#notice", "Đã tạo trang tính");
    expect(await cellText(a!.scoreCell)).not.toBe(edited);
    // No edits: no question.
    await click("#pull");
    await seen("#notice", "Đã tạo trang tính");
    expect(await page.locator("#confirm").count()).toBe(0);
    // Push: the edits go to the server.
    await page.locator(`td[data-cell="${a!.scoreCell}"]`).dblclick();
    await page.keyboard.type(edited);
    await page.keyboard.press("Enter");
    await click("#pull");
    await seen("#confirm");
    await click("#confirm-yes");
    await seen("#receipt", "Lần nộp: 2");
  });

  it("item 4: the sheet shows each criterion's step and need for evidence; missing evidence points at its cell", async () => {
    const filled = new Map(demoEntries(UNIT).map((e) => [e.criterion, e]));
    const needs = layout.inputs.find((i) => i.evidenceRequired && filled.get(i.criterion)?.evidence)!;
    const title = (await cellText(`B${needs.row + 1}`)) ?? "";
    expect(title).toMatch(/bước 0,(25|5)/);
    expect(title).toContain("cần tài liệu kiểm chứng");
    // Clear the evidence with keys: Enter opens the cell with its text selected, Backspace, Enter.
    await page.locator(`td[data-cell="${needs.evidenceCell}"]`).click();
    await page.keyboard.press("Enter");
    await page.keyboard.press("Backspace");
    await page.keyboard.press("Enter");
    expect(await cellText(needs.evidenceCell)).toBe("");
    await click("#check");
    const problem = `#problems button[data-cell="${needs.evidenceCell}"]`;
    await seen(problem, needs.criterion);
    // The error list by keyboard: the result has the focus; Tab to the problem, Enter: the evidence cell.
    expect(await focusedId()).toBe("notice");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await seen(`td.selected[data-cell="${needs.evidenceCell}"]`);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-cell"))).toBe(needs.evidenceCell);
  });

  it("keyboard only: a clerk signs in, pulls, fills the whole sheet, checks and pushes", async () => {
    const unit = "tand-tphcm";
    await signIn(seeded.tokens.clerks[unit]!);
    await tabTo("pull");
    await page.keyboard.press("Enter");
    await seen("#notice", "Đã tạo trang tính");
    const own = layoutSheet(demoTemplate, {
      blocName: "",
      unitName: demoUnits.find((u) => u.id === unit)!.name,
      unitId: unit,
      periodId: seeded.periodId,
      year: 2017,
      bonusCap: 5,
    });
    // Into the grid with Tab: the first cell one may type in takes the focus.
    for (let i = 0; i < 80; i++) {
      if (await page.evaluate(() => document.activeElement?.tagName === "TD")) break;
      await page.keyboard.press("Tab");
    }
    for (const e of demoEntries(unit)) {
      const input = own.inputs.find((i) => i.criterion === e.criterion)!;
      await arrowTo(input.scoreCell);
      await page.keyboard.type(String(e.score).replace(".", ","));
      await page.keyboard.press("Enter");
      if (e.evidence) {
        await arrowTo(input.evidenceCell);
        await page.keyboard.type(e.evidence);
        await page.keyboard.press("Enter");
      }
    }
    // Back to the pane with Shift+Tab; Kiểm tra, then Nộp bảng điểm.
    await tabTo("check", true);
    await page.keyboard.press("Enter");
    await seen("#notice", "Không có lỗi");
    expect(await focusedId()).toBe("notice");
    await tabTo("push", true);
    await page.keyboard.press("Enter");
    await seen("#receipt", "Lần nộp: 1");
  });

  it("item 2: every step of the period asks first, naming the units without a sheet", async () => {
    await signIn(seeded.tokens.secretariat);
    await axe("secretariat status screen");
    await tabTo("to-review");
    await page.keyboard.press("Enter");
    await seen("#confirm", "chưa đến");
    await seen("#confirm", "5 đơn vị chưa nộp");
    await seen("#confirm-items li", "Công an TP");
    expect(await focusedId()).toBe("confirm-cancel");
    await axe("transition confirmation");
    // Cancel keeps the period open.
    await page.keyboard.press("Enter");
    await idle();
    expect(await page.locator("#confirm").count()).toBe(0);
    expect((await api("GET", `/periods/${seeded.periodId}`, seeded.tokens.secretariat)).body.state).toBe("open");
    // Confirmed, it closes submissions.
    for (const u of ["ca-tphcm", "pccc-tphcm", "btl-tphcm", "bdbp-tphcm"]) await pushDemo(u);
    await click("#refresh");
    await idle();
    await click("#to-review");
    await seen("#confirm", "1 đơn vị chưa nộp");
    await click("#confirm-yes");
    await seen("#notice", "Đang thẩm định");
    expect((await api("GET", `/periods/${seeded.periodId}`, seeded.tokens.secretariat)).body.state).toBe("review");
  });

  it("item 7, 5, 8: review by keyboard keeps the focus; an empty reason and a push during review read as words; the status explains", async () => {
    // Mở (chỉ xem), pressed with the keyboard: the focus stays on the button.
    await tabTo("open-vks-tphcm");
    await page.keyboard.press("Enter");
    await seen('table.grid[data-sheet*="xem"]');
    await idle();
    expect(await focusedId()).toBe("open-vks-tphcm");
    await tabTo("review-vks-tphcm");
    await page.keyboard.press("Enter");
    await seen('table.grid[data-sheet*="(TĐ)"]');
    await idle();
    expect(await focusedId()).toBe("review-vks-tphcm");
    await axe("review screen");
    // The reviewed score: Tab into the grid lands on the first reviewed cell; type, Enter.
    for (let i = 0; i < 80; i++) {
      if (await page.evaluate(() => document.activeElement?.tagName === "TD")) break;
      await page.keyboard.press("Tab");
    }
    const reviewedCell = (await page.locator("td.selected").first().getAttribute("data-cell"))!;
    expect(reviewedCell).toMatch(/^G\d+$/);
    await page.keyboard.type("1");
    await page.keyboard.press("Enter");
    await tabTo("save-review-vks-tphcm", true);
    await page.keyboard.press("Enter");
    await seen("#notice", "Đã lưu điểm thẩm định");
    expect(await focusedId()).toBe("notice");
    // Item 8: the self total and the effective total side by side.
    await seen('[data-explain="vks-tphcm"]', "sau thẩm định");
    // Item 5: an empty return reason, in the catalogue's words.
    await tabTo("return");
    await page.keyboard.press("Enter");
    await seen("#notice", "Mục «Lý do» không hợp lệ: cần nhập.");
    // A flag needs its reason; then the status list shows it.
    await tabTo("flag-unit", true);
    await page.keyboard.type("Bộ"); // type-ahead: the first unit whose name starts so
    await tabTo("flag-violation");
    await page.keyboard.press("Space");
    await tabTo("save-flags");
    await page.keyboard.press("Enter");
    await seen("#notice", "Cần ghi lý do của cờ");
    expect(await focusedId()).toBe("flag-reason");
    await page.keyboard.type("Cán bộ vi phạm bị kỷ luật");
    await tabTo("save-flags");
    await page.keyboard.press("Enter");
    await seen("#notice", "Đã lưu cờ");
    await seen('[data-flags="btl-tphcm"]', "Vi phạm: Cán bộ vi phạm bị kỷ luật");
    // Item 9 and 5: a clerk whose unit never submitted is told up front; a push says the state by its name.
    const clerk = await chrome.context.newPage();
    await clerk.goto(`${pane.url}?server=${encodeURIComponent(worker.url)}`);
    await clerk.locator("#token").focus();
    await clerk.keyboard.press("Control+A"); // the field may hold a remembered code
    await clerk.keyboard.type(seeded.tokens.clerks["cthads-tphcm"]!);
    await clerk.keyboard.press("Enter");
    await clerk.locator("#push-closed", { hasText: "Đang thẩm định" }).waitFor({ timeout: 60_000 });
    await clerk.locator("#pull").click();
    await clerk.locator("#notice", { hasText: "Đã tạo trang tính" }).waitFor({ timeout: 60_000 });
    await clerk.locator('main.pane[aria-busy="false"]').waitFor();
    await clerk.locator("#push").click();
    const refused = clerk.locator("#notice", { hasText: "«Đang thẩm định»" });
    await refused
      .or(clerk.locator("#notice", { hasText: "Tiêu chí" }))
      .first()
      .waitFor({ timeout: 60_000 });
    shown.push((await clerk.locator(".pane").textContent()) ?? "");
    // Let in late (a return of a unit that never submitted): its clerk is told to push, not to "fix and push again".
    await tabTo("return-unit", true);
    await page.keyboard.press("End"); // Cục THADS TP, the last unit
    await tabTo("return-reason");
    await page.keyboard.type("Cho phép nộp muộn");
    await tabTo("return");
    await page.keyboard.press("Enter");
    await seen("#notice", "Cục THADS TP");
    await clerk.reload();
    await clerk.locator("#token").focus();
    await clerk.keyboard.press("Control+A"); // the field may hold a remembered code
    await clerk.keyboard.type(seeded.tokens.clerks["cthads-tphcm"]!);
    await clerk.keyboard.press("Enter");
    const letIn = clerk.locator("#returned", { hasText: "Cho phép nộp muộn" });
    await letIn.waitFor({ timeout: 60_000 });
    expect(await letIn.textContent()).not.toContain("sửa và nộp lại");
    expect(await clerk.locator("#push-closed").count()).toBe(0);
    await clerk.close();
  });

  it("item 6: paper ballots are ticked against unit names, with the running count, before saving", async () => {
    // A paper vote, chosen with the keyboard when voting opens (one channel per period).
    await tabTo("voting-channel");
    await page.keyboard.press("ArrowDown");
    expect(await page.locator("#voting-channel").inputValue()).toBe("paper");
    await tabTo("to-voting");
    await page.keyboard.press("Enter");
    await seen("#confirm");
    await tabTo("confirm-yes", true);
    await page.keyboard.press("Enter");
    await seen("#notice", "Đang bỏ phiếu");
    // Ballot 1: two units (valid); ballot 2: three units (more than the two allowed: invalid).
    await tabTo("paper-add");
    await page.keyboard.press("Enter");
    await idle();
    expect(await focusedId()).toBe("paper-0-0");
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Space");
    await seen("#paper-count", "1 phiếu: 1 hợp lệ, 0 không hợp lệ");
    await tabTo("paper-add");
    await page.keyboard.press("Enter");
    for (let j = 0; j < 3; j++) {
      await page.keyboard.press("Space");
      await page.keyboard.press("Tab");
    }
    await seen("#paper-count", "2 phiếu: 1 hợp lệ, 1 không hợp lệ");
    await seen("#paper-1 .ballot-invalid", "tối đa 2");
    // The names are on the ballot, never the ids.
    expect(await page.locator("#paper-0").textContent()).not.toMatch(/tphcm/);
    await axe("voting screen with paper ballots");
    await tabTo("paper-remove-1");
    await page.keyboard.press("Enter");
    await seen("#paper-count", "1 phiếu: 1 hợp lệ, 0 không hợp lệ");
    await tabTo("save-paper");
    await page.keyboard.press("Enter");
    await seen("#notice", "Đã lưu 1 phiếu giấy");
  });

  it("item 8: published results say “Chưa nộp” instead of a rank, why a band was given, and the flags", async () => {
    await tabTo("to-closed");
    await page.keyboard.press("Enter");
    await seen("#confirm", "1 đơn vị chưa nộp");
    await seen("#confirm-items li", "Cục THADS TP");
    await tabTo("confirm-yes", true);
    await page.keyboard.press("Enter");
    await seen("#notice", "Đã công bố");
    await seen('[data-explain="vks-tphcm"]', "hạng");
    expect(await page.locator('[data-explain="cthads-tphcm"]').count()).toBe(0);
    // Cục THADS never submitted (it was let in late, and did not push): no total, no rank.
    expect(await page.locator('li[data-unit="cthads-tphcm"]').textContent()).not.toMatch(/hạng|tự chấm/);
    await axe("published status and board screens");
    await tabTo("pull-table");
    await page.keyboard.press("Enter");
    await seen('table.grid[data-sheet="Bảng tổng hợp"]');
    const row = page.locator('table.grid[data-sheet="Bảng tổng hợp"] tr', { hasText: "Cục Thi hành án" });
    expect(await row.textContent()).toContain("Chưa nộp");
    const flagged = page.locator('table.grid[data-sheet="Bảng tổng hợp"] tr', { hasText: "Bộ Tư lệnh" });
    expect(await flagged.textContent()).toContain("Vi phạm");
  });

  it("revision history: who, when, total and late per revision, and what changed between two", async () => {
    await tabTo("history-unit");
    await page.keyboard.type("Viện");
    await tabTo("history-load");
    await page.keyboard.press("Enter");
    await seen("#history-list li", "Lần nộp 2");
    expect(await page.locator("#history-list li").count()).toBe(2);
    await seen("#history-list li", "Cán bộ thi đua Viện KSND TP");
    expect(await page.locator("#history-list").textContent()).not.toContain("demo:");
    await seen("#history-list li", /tổng \d+,\d\d/);
    await tabTo("history-compare");
    await page.keyboard.press("Enter");
    const [a] = layout.inputs.filter((i) => i.kind === "score");
    await seen(`#history-changes tr[data-criterion="${a!.criterion}"]`);
    expect(await focusedId()).toBe("history-changes");
    const cells = await page.locator(`#history-changes tr[data-criterion="${a!.criterion}"] td`).allTextContents();
    expect(cells[1]).toBe(edited);
    expect(cells[2]).toMatch(/^[+−]\d+,\d\d$/);
    await axe("history screen");
    // The clerk sees its own unit's history.
    await signIn(seeded.tokens.clerks[UNIT]!);
    await tabTo("history-load");
    await page.keyboard.press("Enter");
    await seen("#history-list li", "Lần nộp 1");
    await axe("clerk history");
  });

  // Last: everything the pane showed during the run above.
  it("item 5: no schema-library text or internal state name reached the user on any screen", () => {
    expect(shown.length).toBeGreaterThan(10);
    for (const text of shown) for (const raw of RAW) expect(text).not.toMatch(raw);
  });
});
