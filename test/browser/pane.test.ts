/**
 * The task pane in headless Chromium (demo mode: the in-memory workbook drawn beside the pane) against the real
 * Worker (`wrangler dev`, real local D1, seeded with Khối VIII). The clerk signs in, pulls, fills, sees an error,
 * clicks it to reach the cell, fixes it, pushes and reads the receipt; the secretariat sees the status, moves the
 * period to publication and pulls the bloc table. A screenshot of each step goes to artifacts/browser/.
 */
import { rmSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveAddin } from "../../addin/serve.mjs";
import { demoEntries, demoTemplate, demoUnits, layoutSheet } from "../../shared/src/index.ts";
import {
  ARTIFACTS,
  artifactPath,
  browser,
  buildPane,
  haveChromium,
  type SeedResult,
  seed,
  startWorker,
  type Worker,
} from "./harness.ts";

if (!haveChromium) console.warn("SKIP browser tests: /usr/bin/chromium is missing (apt-get install -y chromium).");

const UNIT = "vks-tphcm";

describe.skipIf(!haveChromium)("task pane in the browser against the local worker", () => {
  let worker: Worker;
  let pane: { url: string; close(): Promise<void> };
  let seeded: SeedResult;
  let chrome: Awaited<ReturnType<typeof browser>>;
  let page: Page;
  let step = 0;
  let paneDir = "";
  const shot = async (name: string) => {
    step++;
    await page.screenshot({ path: artifactPath(`${String(step).padStart(2, "0")}-${name}.png`) });
  };

  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    paneDir = buildPane();
    pane = await serveAddin({ dir: paneDir, http: true, port: 0, host: "127.0.0.1" });
    worker = await startWorker(pane.url.replace(/\/$/, ""));
    seeded = await seed(worker, new Date(Date.now() + 30 * 86400_000).toISOString());
    chrome = await browser();
    page = chrome.page;
    page.on("pageerror", (e) => console.error("pageerror:", e.message));
  }, 240_000);

  afterAll(async () => {
    await chrome?.stop();
    await worker?.stop();
    await pane?.close();
    if (paneDir) rmSync(paneDir, { recursive: true, force: true });
  });

  /** Waits until an element (with the text, when given) is there. */
  const seen = async (selector: string, text?: string) => {
    try {
      await page
        .locator(selector, text === undefined ? {} : { hasText: text })
        .first()
        .waitFor({ timeout: 60_000 });
    } catch (e) {
      // What the page showed instead, kept beside the step screenshots.
      await page.screenshot({ path: artifactPath(`failed-${String(step + 1).padStart(2, "0")}.png`) });
      const notice = await page
        .locator("#notice")
        .textContent({ timeout: 1000 })
        .catch(() => null);
      throw new Error(`${(e as Error).message}\nnotice: ${notice}\nwrangler dev:\n${worker?.log()}`);
    }
  };

  /** Clicks a pane control once the pane is idle (a click during a running action is refused, as in the UI). */
  const act = async (selector: string) => {
    await seen('main.pane[aria-busy="false"]');
    await page.locator(selector).first().click();
  };

  const signIn = async (token: string) => {
    await page.goto(`${pane.url}?server=${encodeURIComponent(worker.url)}`);
    await page.locator("#token").fill(token);
    await act("#signin-button");
    await page.locator("#role").waitFor();
  };

  const typeInto = async (cell: string, text: string, on: Page = page) => {
    await on.locator(`td[data-cell="${cell}"]`).dblclick();
    const input = on.locator(".grid-input");
    await input.fill(text);
    await input.press("Enter");
  };

  it("clerk: sign in, pull, fill, see an error, fix it, push, see the receipt", async () => {
    await page.goto(`${pane.url}?server=${encodeURIComponent(worker.url)}`);
    await seen(".grid-banner", "không phải Excel");
    await shot("sign-in");
    await signIn(seeded.tokens.clerks[UNIT]!);
    await seen("#role", "Cán bộ thi đua");
    await shot("signed-in");

    await act("#pull");
    await seen("#notice", "Đã tạo trang tính");
    await seen('table.grid[data-sheet="Tự chấm điểm"]');
    await shot("pulled");

    const unit = demoUnits.find((u) => u.id === UNIT)!;
    const layout = layoutSheet(demoTemplate, {
      blocName: "",
      unitName: unit.name,
      unitId: UNIT,
      periodId: seeded.periodId,
      year: 2017,
      bonusCap: 5,
    });
    for (const e of demoEntries(UNIT)) {
      const input = layout.inputs.find((i) => i.criterion === e.criterion)!;
      const score = e.criterion === "I.5" ? "1,3" : String(e.score).replace(".", ",");
      if (e.score !== 0 || input.kind === "score") await typeInto(input.scoreCell, score);
      if (e.evidence) await typeInto(input.evidenceCell, e.evidence);
    }
    await shot("filled");

    await act("#check");
    const problem = page.locator("#problems button.problem");
    await seen("#problems button.problem", "I.5");
    expect(await problem.count()).toBe(1);
    expect(await problem.textContent()).toMatch(/bước 0[,.]25/);
    const i5 = layout.inputs.find((i) => i.criterion === "I.5")!;
    const fill = await page
      .locator(`td[data-cell="${i5.scoreCell}"]`)
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(fill).toBe("rgb(253, 231, 233)");
    await shot("check-error");
    await problem.click();
    await seen(`td.selected[data-cell="${i5.scoreCell}"]`);

    await typeInto(i5.scoreCell, "1,5");
    await act("#check");
    await seen("#notice", "Không có lỗi");
    await shot("check-ok");

    await act("#push");
    await seen("#receipt", "Lần nộp: 1");
    await seen("#receipt", "Tổng điểm:");
    await shot("receipt");

    // Offline: the push waits in the queue, then goes once when the connection returns.
    await typeInto(i5.scoreCell, "2");
    await chrome.context.setOffline(true);
    await act("#push");
    await seen("#notice", "Không có mạng");
    await shot("offline-queued");
    await chrome.context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event("online")));
    await seen("#receipt", "Lần nộp: 2");
    await shot("queue-sent");
    const list = await fetch(`${worker.url}/api/v1/periods/${seeded.periodId}/units/${UNIT}/submissions`, {
      headers: { authorization: `Bearer ${seeded.tokens.clerks[UNIT]}` },
    }).then((r) => r.json() as Promise<{ revisions: unknown[] }>);
    expect(list.revisions).toHaveLength(2);

    // A stale copy: a colleague pulls revision 2 in another workbook, changes I.4 and pushes revision 3.
    const other = await chrome.context.newPage();
    await other.goto(`${pane.url}?server=${encodeURIComponent(worker.url)}`);
    await other.locator("#token").fill(seeded.tokens.clerks[UNIT]!);
    await other.locator("#signin-button").click();
    await other.locator("#pull").click();
    await other.locator("#notice", { hasText: "lần nộp 2" }).waitFor({ timeout: 60_000 });
    const i4 = layout.inputs.find((i) => i.criterion === "I.4")!;
    const i3 = layout.inputs.find((i) => i.criterion === "I.3.a")!;
    await typeInto(i4.scoreCell, "3,5", other);
    await other.locator('main.pane[aria-busy="false"]').waitFor();
    await other.locator("#push").click();
    await other.locator("#receipt", { hasText: "3" }).waitFor({ timeout: 60_000 });
    await other.close();
    // This copy, still on revision 2, changes I.3.a and pushes: the pane shows who changed what, offers a merge.
    await typeInto(i3.scoreCell, "2,5");
    await act("#push");
    await seen("#conflict", "I.4");
    await shot("stale-conflict");
    await act("#merge");
    await seen("#notice", "bản gộp");
    const merged = await page.evaluate(
      ([a, b]) => [a, b].map((c) => document.querySelector(`td[data-cell="${c}"]`)?.textContent),
      [i4.scoreCell, i3.scoreCell],
    );
    expect(merged).toEqual(["3,50", "2,50"]);
    await act("#push");
    await seen("#receipt", "Lần nộp: 4");
    await shot("merged-pushed");

    // Keyboard only: focus "Kiểm tra" and press Enter.
    await seen('main.pane[aria-busy="false"]');
    await page.locator("#check").focus();
    await page.keyboard.press("Enter");
    await seen("#notice", "Không có lỗi");
  }, 240_000);

  it("switches to English and back; shows the Office 2019 note where in-cell validation is missing", async () => {
    await act("#lang");
    await seen("#clerk-title", "Self-scoring sheet");
    await shot("english");
    await act("#lang");
    await seen("#clerk-title", "Bảng tự chấm điểm");
    await page.goto(`${pane.url}?excelApi=1.7&server=${encodeURIComponent(worker.url)}`);
    await seen("#requirement-note", "thiếu: kiểm tra dữ liệu ngay trong ô");
    // The API level is for developers: users read what is missing.
    expect(await page.locator("#requirement-note").textContent()).not.toContain("ExcelApi");
    await shot("office-2019-note");
  });

  it("the pane fits a 320 px task pane", async () => {
    await page.setViewportSize({ width: 320, height: 720 });
    await shot("pane-320");
    const overflow = await page.evaluate(() => {
      const pane = document.querySelector(".pane")!;
      return pane.scrollWidth - pane.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("secretariat: a new clerk's access code is issued, works, and stops working once revoked", async () => {
    await signIn(seeded.tokens.secretariat);
    await page.locator("#access-unit").selectOption("pccc-tphcm");
    await page.locator("#access-label").fill("Nguyễn Văn A");
    await act("#issue-clerk-code");
    await seen("#new-code", "Mã của Nguyễn Văn A (Sở CS PCCC):");
    const code = ((await page.locator("#new-code-value").textContent()) ?? "").trim();
    expect(code).toBeTruthy();
    const me = (token: string) => fetch(`${worker.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    const answer = await me(code!);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ role: "clerk", unitId: "pccc-tphcm" });
    await act("#list-codes");
    const line = page.locator("#codes-in-use li", { hasText: "Nguyễn Văn A" });
    await line.waitFor();
    await shot("access-codes");
    await line.locator("fluent-button").click();
    await seen("#notice", "Đã thu hồi mã của Nguyễn Văn A");
    expect((await me(code!)).status).toBe(401);
  }, 120_000);

  it("secretariat: status of every unit, then review, voting and publication, then the bloc table", async () => {
    await signIn(seeded.tokens.secretariat);
    const rows = page.locator("#status li.status-row");
    await expect.poll(() => rows.count()).toBe(7);
    await seen(`li[data-unit="${UNIT}"] .status-state[data-status="submitted"]`);
    await shot("secretariat-status");

    await act(`li[data-unit="${UNIT}"] fluent-button:nth-of-type(1)`);
    await seen('table.grid[data-sheet*="xem"]');
    await shot("secretariat-read-only");

    // Gia hạn nộp while the period is open: a date and time on the secretariat's clock, and a reason.
    await page.locator("#deadline-input").fill("2099-12-30T10:00");
    await page.locator("#deadline-reason").fill("Gia hạn do nghỉ lễ");
    await act("#extend-deadline");
    await seen("#notice", "Đã đổi hạn nộp thành");
    await seen("#deadline-now", "/12/2099");
    await shot("secretariat-deadline");

    await act("#to-review");

    await act("#confirm-yes");
    await seen("#notice", "Đang thẩm định");
    // Review sheet beside the self-scores: enter a reviewed score and save it.
    await act(`li[data-unit="${UNIT}"] fluent-button:nth-of-type(2)`);
    await seen('table.grid[data-sheet*="(TĐ)"]');
    await typeInto("G9", "3,5");
    await seen(`fluent-button[data-review="${UNIT}"]`);
    await act(`fluent-button[data-review="${UNIT}"]`);
    await seen("#notice", "Đã lưu điểm thẩm định");
    await shot("secretariat-review");
    // Flags: a violation for Cục THADS.
    await page.locator("#flag-unit").selectOption("cthads-tphcm");
    await page.locator("#flag-violation").check();
    await page.locator("#flag-reason").fill("Cán bộ vi phạm bị xử lý kỷ luật");
    await act("#save-flags");
    await seen("#notice", "Đã lưu cờ");
    // Return the unit's sheet with a reason; its clerk reads the reason, pushes again; the status follows.
    await page.locator("#return-unit").selectOption(UNIT);
    await page.locator("#return-reason").fill("Thiếu tài liệu kiểm chứng cho tiêu chí I.3.b");
    await act("#return");
    await seen("#notice", "Đã trả lại");
    await seen(`li[data-unit="${UNIT}"] .status-state[data-status="returned"]`);
    await shot("secretariat-returned");
    const clerk = await chrome.context.newPage();
    await clerk.goto(`${pane.url}?server=${encodeURIComponent(worker.url)}`);
    await clerk.locator("#token").fill(seeded.tokens.clerks[UNIT]!);
    await clerk.locator("#signin-button").click();
    await clerk.locator("#returned", { hasText: "Thiếu tài liệu kiểm chứng" }).waitFor({ timeout: 60_000 });
    await clerk.locator("#pull").click();
    await clerk.locator("#notice", { hasText: "lần nộp 4" }).waitFor({ timeout: 60_000 });
    await typeInto("E19", "Biên bản kiểm sát số 7/BB-VKS", clerk);
    await clerk.locator('main.pane[aria-busy="false"]').waitFor();
    await clerk.locator("#push").click();
    await clerk.locator("#receipt", { hasText: "5" }).waitFor({ timeout: 60_000 });
    await clerk.screenshot({ path: artifactPath(`${String(++step).padStart(2, "0")}-clerk-resubmitted.png`) });
    await clerk.close();
    await act("#refresh");
    // Reviewed already, so the new revision counts as accepted (the review stands until it is redone).
    await seen(`li[data-unit="${UNIT}"] .status-state[data-status="accepted"]`);
    // This period votes on paper (chosen once, when voting opens); the sealed electronic vote is covered by the
    // e2e year and the worker's tests.
    await page.locator("#voting-channel").selectOption("paper");
    await act("#to-voting");
    await act("#confirm-yes");
    await seen("#notice", "Đang bỏ phiếu");
    // A paper vote (one channel per period): one box per ballot, ticks against unit names.
    const paper = [
      ["vks-tphcm", "btl-tphcm"],
      ["vks-tphcm", "btl-tphcm"],
      ["vks-tphcm", "pccc-tphcm"],
      ["vks-tphcm"],
      ["btl-tphcm"],
      ["vks-tphcm", "btl-tphcm"],
    ];
    for (const [i, choices] of paper.entries()) {
      await act("#paper-add");
      for (const unit of choices) await page.locator(`#paper-${i} input[value="${unit}"]`).check();
    }
    await seen("#paper-count", "6 phiếu: 6 hợp lệ, 0 không hợp lệ");
    await act("#save-paper");
    await seen("#notice", "Đã lưu 6 phiếu giấy");
    await shot("secretariat-voting");
    await act("#to-closed");
    await act("#confirm-yes");
    await seen("#notice", "Đã công bố");
    await shot("secretariat-published");

    await act("#pull-table");
    await seen('table.grid[data-sheet="Bảng tổng hợp"]');
    await seen("table.grid", "Viện Kiểm sát nhân dân Thành phố");
    await shot("bloc-table");
    await act("#copy-link");
    await seen("#notice", "ranking.xlsx?link=");
    // The copied link is what the board opens from an e-mail: no token, and it gives the workbook.
    const link = /(https?:\/\/\S+ranking\.xlsx\?link=\S+)/.exec(
      (await page.locator("#notice").textContent()) ?? "",
    )?.[1];
    expect(link).toBeTruthy();
    const download = await fetch(link!);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toContain("spreadsheetml");
    // After publication the clerk pulls the bloc table too.
    const reader = await chrome.context.newPage();
    await reader.goto(`${pane.url}?server=${encodeURIComponent(worker.url)}`);
    await reader.locator("#token").fill(seeded.tokens.clerks["btl-tphcm"]!);
    await reader.locator("#signin-button").click();
    await reader.locator("#pull-table").click();
    await reader.locator('table.grid[data-sheet="Bảng tổng hợp"]').waitFor({ timeout: 60_000 });
    await reader.screenshot({ path: artifactPath(`${String(++step).padStart(2, "0")}-clerk-bloc-table.png`) });
    await reader.close();
    await act("#tally");
    await seen("#tally-result", "Phát ra");
    await shot("tally");
  }, 240_000);

  it("council: reopens the published period for review, only with a reason", async () => {
    await signIn(seeded.tokens.council);
    await seen("#transition-title");
    await seen("p", "Đã công bố");
    await act("#reopen-period");
    await seen("#notice", "Cần ghi rõ lý do cho thao tác này.");
    await page.locator("#reopen-reason").fill("Sai sót điểm thẩm định của một đơn vị");
    await act("#reopen-period");
    await seen("#notice", "Kỳ thi đua chuyển sang «Đang thẩm định».");
    await shot("council-reopened");
    const audit = await fetch(`${worker.url}/api/v1/periods/${seeded.periodId}/audit`, {
      headers: { authorization: `Bearer ${seeded.tokens.council}` },
    });
    const entry = ((await audit.json()) as { entries: { action: string; detail: Record<string, unknown> }[] })
      .entries[0];
    expect(entry).toMatchObject({
      action: "period.transition",
      detail: { from: "closed", to: "review", reason: "Sai sót điểm thẩm định của một đơn vị" },
    });

    // Next year's period of the bloc, made from this one, in draft.
    await page.locator("#next-deadline").fill("2099-12-15T17:00");
    await act("#create-next-year");
    await seen("#notice", "Đã tạo kỳ Khối thi đua VIII – TP. Hồ Chí Minh – năm 2018 (đang soạn)");
    // The new period is the one selected now.
    await expect.poll(() => page.locator("#period").inputValue()).toBe("khoi-viii-2018");
    // Named by its bloc and year, never by its id.
    expect(await page.locator("#period option:checked").textContent()).toBe(
      "Khối thi đua VIII – TP. Hồ Chí Minh – năm 2018 · Đang soạn",
    );
    // 2017 now has its next year: back on it, the card is gone.
    await page.locator("#period").selectOption(seeded.periodId);
    await seen('main.pane[aria-busy="false"]');
    await expect.poll(() => page.locator("#create-next-year").count()).toBe(0);
    await shot("council-next-year");
    const next = await fetch(`${worker.url}/api/v1/periods/khoi-viii-2018`, {
      headers: { authorization: `Bearer ${seeded.tokens.council}` },
    });
    const made = (await next.json()) as { year: number; members: string[]; state: string };
    expect(made).toMatchObject({ year: 2018, state: "draft" });
    expect(made.members).toHaveLength(7);
  }, 120_000);
});
