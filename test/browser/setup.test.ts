/**
 * A bloc's year set up in the pane alone, from an EMPTY database and the bootstrap code, in headless Chromium against
 * the real Worker: the council imports seven units from a range and renames one, makes the bloc with its leader and
 * deputy, imports the bloc's own criteria table (Roman parts, numbered criteria, lettered sub-criteria, "Điểm
 * chuẩn", a bonus and deduction part, a totals row, footnotes) from the worksheet where it sits, fixes a problem
 * shown on its cell, publishes it, makes the rulebook from a preset (a problem shown under its field first), creates
 * and opens the period and issues the codes; a clerk signs in with the code printed on a slip, pulls, fills and
 * pushes; the secretariat, with its slip's code, sees the unit as submitted, sets up its own bloc's next year (the
 * template's next version, the rulebook from last year's, the period, its board's and clerks' codes), and, since the
 * period names its two
 * trustees, opens an electronic vote whose trustees make their key shares in their panes. Screenshots go to artifacts/browser/.
 */
import { readFileSync, rmSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveAddin } from "../../addin/serve.mjs";
import { blocTable2026, blocTable2026Origin } from "../../shared/src/criteriaTable.fixtures.ts";
import { demoUnits, importCriteriaTable, layoutSheet, leavesOf, parseAddress } from "../../shared/src/index.ts";
import { recalcCsv } from "../workbook/libreoffice.ts";
import { artifactPath, browser, buildPane, haveChromium, startWorker, type Worker } from "./harness.ts";

const UNIT = "vks-tphcm";
const TABLE_SHEET = "Bảng tiêu chí 2026";
/** Người giữ khoá named in the setup screen: the period made there can vote electronically. */
const TRUSTEES = ["Văn phòng khối trưởng (CA TP)", "Đại diện Hội đồng Thi đua – Khen thưởng TP"] as const;

/** The bloc's table where the bloc's file has it (from B2), as the sheet of an open workbook. */
function tableSheet(): (string | number | null)[][] {
  const at = parseAddress(blocTable2026Origin)!;
  const rows: (string | number | null)[][] = Array.from({ length: at.row }, () => []);
  for (const r of blocTable2026)
    rows.push([...Array.from({ length: at.col }, () => null), ...(r as (string | number | null)[])]);
  return rows;
}

describe.skipIf(!haveChromium)("council sets up a bloc's year in the pane, from an empty database", () => {
  let worker: Worker;
  let pane: { url: string; close(): Promise<void> };
  let chrome: Awaited<ReturnType<typeof browser>>;
  let page: Page;
  let paneDir = "";
  let step = 0;
  /** A screenshot of the page, or of one card (the guides' pictures: docs/images/setup-*.png come from these). */
  const shot = async (name: string, card?: string) => {
    step++;
    const path = artifactPath(`setup-${String(step).padStart(2, "0")}-${name}.png`);
    // The card scrolled to the top of the pane, beside the workbook as it is.
    if (card)
      await page
        .locator(card)
        .first()
        .evaluate((el) => el.scrollIntoView({ block: "center" }));
    await page.screenshot({ path });
  };

  beforeAll(async () => {
    paneDir = buildPane();
    pane = await serveAddin({ dir: paneDir, http: true, port: 0, host: "127.0.0.1" });
    worker = await startWorker(pane.url.replace(/\/$/, ""));
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

  const seen = async (selector: string, text?: string) => {
    try {
      await page
        .locator(selector, text === undefined ? {} : { hasText: text })
        .first()
        .waitFor({ timeout: 60_000 });
    } catch (e) {
      await page.screenshot({
        path: artifactPath(`setup-failed-${String(step + 1).padStart(2, "0")}.png`),
        fullPage: true,
      });
      const notice = await page
        .locator("#notice")
        .textContent({ timeout: 1000 })
        .catch(() => null);
      throw new Error(`${(e as Error).message}\nnotice: ${notice}\nwrangler dev:\n${worker?.log()}`);
    }
  };
  const idle = () => seen('main.pane[aria-busy="false"]');
  const act = async (selector: string) => {
    await idle();
    await page.locator(selector).first().click();
  };
  const type = async (selector: string, text: string) => {
    await idle();
    const field = page.locator(selector).first();
    await field.click();
    await field.press("Control+A");
    await field.pressSequentially(text);
  };
  const pick = async (sheet: string, cell: string) => {
    await page.locator(".grid-tab", { hasText: sheet }).first().click();
    await page.locator(`td[data-cell="${cell}"]`).click();
  };
  const typeIntoCell = async (cell: string, text: string) => {
    await page.locator(`td[data-cell="${cell}"]`).dblclick();
    const input = page.locator(".grid-input");
    await input.fill(text);
    await input.press("Enter");
  };
  const signIn = async (token: string) => {
    await page.goto(`${pane.url}?server=${encodeURIComponent(worker.url)}`);
    await page.locator("#token").fill(token);
    await act("#signin-button");
    await page.locator("#role").waitFor();
  };

  /** The workbook on the person's screen: the list of units and the bloc's own criteria table, as the bloc sent them. */
  const openWorkbook = () =>
    page.evaluate(
      ([units, table, tableName]) => {
        const wb = (globalThis as unknown as { thiduaDemo: { workbook: { writeSheets(s: unknown[]): Promise<void> } } })
          .thiduaDemo.workbook;
        const sheet = (name: string, values: unknown[][]) => ({ name, values, columnWidths: [], formats: [] });
        return wb.writeSheets([
          sheet(tableName as string, table as unknown[][]),
          sheet("Đơn vị", units as unknown[][]),
        ]);
      },
      [
        [
          ["Mã đơn vị", "Tên đơn vị", "Tên viết tắt"],
          ...demoUnits.map((u) => [u.id, u.name, u.shortName]),
        ] as unknown[][],
        tableSheet(),
        TABLE_SHEET,
      ] as const,
    );

  let clerkCode = "";
  let secretariatCode = "";

  it("the council sets up units, bloc, template, rulebook, period and codes in the pane", async () => {
    await signIn(worker.bootstrap);
    await openWorkbook();
    await seen("#role", "Ban Thi đua");
    await seen("#unit-list", "Chưa có đơn vị");
    await shot("empty");

    // Seven units from the selected range, then one renamed.
    await pick("Đơn vị", "A2");
    await act("#import-units");
    await seen("#notice", "Đã thêm 7 đơn vị");
    expect(await page.locator("#unit-list tbody tr").count()).toBe(7);
    await act('[data-rename="ca-tphcm"]');
    await type("#unit-short", "CA TP");
    await act("#save-unit");
    await seen("#notice", "Đã đổi tên đơn vị ca-tphcm");
    await seen('#unit-list tr[data-unit="ca-tphcm"]', "CA TP");

    // The bloc, its seven members, its leader and deputy.
    await type("#bloc-id", "khoi-viii");
    await type("#bloc-name", "Khối thi đua VIII");
    for (const u of demoUnits) await act(`#member-${u.id}`);
    await idle();
    await page.locator("#bloc-leader").selectOption("ca-tphcm");
    await page.locator("#bloc-deputy").selectOption("vks-tphcm");
    await act("#save-bloc");
    await seen("#notice", "Đã lưu khối Khối thi đua VIII");
    await shot("units-and-bloc");

    // The criteria table: a maximum written wrongly is shown on its cell, fixed there, then the table is clean.
    const maxCell = "D9"; // I.1.a's "Điểm chuẩn"
    await page.locator(".grid-tab", { hasText: TABLE_SHEET }).first().click();
    await typeIntoCell(maxCell, "mười điểm");
    await type("#template-id", "khoi-viii-2026");
    await type("#template-name", "Bảng tiêu chí Khối VIII năm 2026");
    await pick(TABLE_SHEET, "C8");
    await act("#read-range");
    await seen("#template-problems button.problem", "mười điểm");
    await shot("template-problem", "#template-problems");
    await act(`#template-problems button.problem[data-cell="${maxCell}"]`);
    await seen(`td.selected[data-cell="${maxCell}"]`);
    await typeIntoCell(maxCell, "10,0");
    await pick(TABLE_SHEET, "C8");
    await act("#read-range");
    await seen("#template-clean");
    await seen('#template-preview tr[data-part="IV"]', "điểm thưởng, điểm trừ");
    await seen("#template-totals", "Tổng điểm chấm: 100");
    await shot("template-preview", "#setup-template");
    await act("#publish-template");
    await seen("#notice", "Đã công bố mẫu khoi-viii-2026, phiên bản 1");
    await seen("#template-versions", "Phiên bản 1");
    // The template workbook for member units to read before the year starts: no unit, no period, checked by LibreOffice.
    const [download] = await Promise.all([page.waitForEvent("download"), act("#download-template-workbook")]);
    expect(download.suggestedFilename()).toBe("Bảng tiêu chí Khối VIII năm 2026 (phiên bản 1).xlsx");
    const csv = recalcCsv(readFileSync((await download.path())!)).get("Tự chấm điểm")!;
    const text = csv.map((r) => r.join("|")).join("\n");
    const year = new Date(Date.now() + 7 * 3600_000).getUTCFullYear();
    expect(csv[0]![0]).toBe(`BẢNG TỰ CHẤM ĐIỂM THI ĐUA NĂM ${year}`);
    expect(csv[1]![0]).toBe("Khối thi đua: Khối thi đua VIII");
    expect(csv[2]![0]).toBe("Đơn vị: ");
    expect(csv[3]![0]).toContain("Bảng tiêu chí Khối VIII năm 2026 (phiên bản 1) · Bản đọc trước, chưa có kỳ thi đua");
    // Every criterion of the published table on its row with its maximum, as LibreOffice reads the file.
    const published = importCriteriaTable(blocTable2026, {
      origin: blocTable2026Origin,
      id: "khoi-viii-2026",
      name: "Bảng tiêu chí Khối VIII năm 2026",
      version: 1,
    }).template!;
    const byCode = new Map(csv.map((r) => [r[0], r]));
    for (const leaf of leavesOf(published)) {
      expect(byCode.get(leaf.code)?.[2], `${leaf.code}\n${text}`).toBe(String(leaf.max / 100));
    }

    // The rulebook from the defaults preset: a band above the one before it is shown under its field, then fixed.
    await seen("#preset-basis", "5007/BNV-TĐKT");
    await act("#fill-rulebook");
    await seen("#rulebook-form");
    await type("#rb-band-1-min", "95");
    await act("#publish-rulebook");
    await seen("#rb-band-1-min-error", "từ cao xuống thấp");
    await shot("rulebook-problem", "#rb-band-1-min");
    await type("#rb-band-1-min", "80");
    await act("#publish-rulebook");
    await seen("#notice", "Đã công bố quy chế");

    // The period, opened, and the codes.
    const deadline = new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10);
    await type("#period-year", "2026");
    await page.locator("#period-date").fill(deadline);
    await page.locator("#period-time").fill("17:00");
    // The trustees of an electronic vote: the same person twice is refused under the field, then a second named.
    await type("#period-trustee-1", TRUSTEES[0]);
    await type("#period-trustee-2", "văn phòng khối trưởng  (ca tp)");
    await act("#create-period");
    await seen("#period-trustee-2-error", "được nêu hai lần");
    await shot("period-trustee-problem", "#period-trustees");
    await type("#period-trustee-2", TRUSTEES[1]);
    await act("#create-period");
    await seen("#notice", "Đã tạo kỳ thi đua khoi-viii-2026");
    await act("#open-period");
    await seen("#notice", "Đã mở kỳ thi đua khoi-viii-2026");
    await act("#issue-codes");
    await seen("#slips .slip");
    expect(await page.locator("#slips .slip").count()).toBe(9);
    await page.evaluate(() => {
      globalThis.print = () => undefined;
    });
    await act("#print-slips-button");
    await shot("slips", "#slips");
    clerkCode = (
      (await page.locator('#slips .slip[data-role="clerk"][data-unit="Viện KSND TP"] .slip-code').textContent()) ?? ""
    ).trim();
    secretariatCode = (
      (await page.locator('#slips .slip[data-role="secretariat"] .slip-code').textContent()) ?? ""
    ).trim();
    expect(clerkCode).not.toBe("");
    expect(secretariatCode).not.toBe("");
  }, 240_000);

  it("a clerk signs in with the printed code, pulls, fills and pushes; the secretariat sees it submitted", async () => {
    await signIn(clerkCode);
    await seen("#role", "Cán bộ thi đua");
    await act("#pull");
    await seen("#notice", "Đã tạo trang tính");
    const template = importCriteriaTable(blocTable2026, {
      origin: blocTable2026Origin,
      id: "khoi-viii-2026",
      name: "Bảng tiêu chí Khối VIII năm 2026",
      version: 1,
    }).template!;
    const layout = layoutSheet(template, {
      blocName: "",
      unitName: demoUnits.find((u) => u.id === UNIT)!.name,
      unitId: UNIT,
      periodId: "khoi-viii-2026",
      year: 2026,
      bonusCap: 5,
    });
    for (const leaf of leavesOf(template).filter((l) => l.kind === "score")) {
      const input = layout.inputs.find((i) => i.criterion === leaf.code)!;
      await typeIntoCell(input.scoreCell, String(leaf.max / 100).replace(".", ","));
    }
    await act("#push");
    await seen("#receipt", "Lần nộp: 1");
    await shot("clerk-pushed");

    await signIn(secretariatCode);
    await seen("#role", "Thường trực khối");
    await seen(`li[data-unit="${UNIT}"] .status-state[data-status="submitted"]`);
    await seen('li[data-unit="pccc-tphcm"] .status-state[data-status="missing"]');
    await shot("secretariat-status");
  }, 240_000);

  it("the secretariat sets up its own bloc's next year: template version, rulebook, period, its people's codes", async () => {
    // Units and blocs stay with the council; the template, rulebook and period cards offer the secretariat's bloc only.
    await openWorkbook();
    await seen("#setup-template");
    expect(await page.locator("#setup-units").count()).toBe(0);
    expect(await page.locator("#template-bloc option").allTextContents()).toEqual(["Khối thi đua VIII"]);
    expect(await page.locator("#period-bloc option").allTextContents()).toEqual(["Khối thi đua VIII"]);
    // The next version of the bloc's template, published by the secretariat (the council published the first).
    await type("#template-id", "khoi-viii-2026");
    await type("#template-name", "Bảng tiêu chí Khối VIII năm 2027");
    await pick(TABLE_SHEET, "C8");
    await act("#read-range");
    await seen("#template-clean");
    await act("#publish-template");
    await seen("#notice", "Đã công bố mẫu khoi-viii-2026, phiên bản 2");
    await seen("#template-versions li:nth-child(2)", "Thường trực Khối thi đua VIII");
    // The rulebook from the bloc's rulebook of last year.
    await page.locator("#rulebook-source").selectOption("last-year");
    await act("#fill-rulebook");
    await seen("#rulebook-form");
    await act("#publish-rulebook");
    await seen("#notice", "Đã công bố quy chế khoi-viii-qc-2027");
    // Next year's period with its trustees, and the codes of the bloc's board and clerks (not the secretariat's own).
    await type("#period-year", "2027");
    await page.locator("#period-date").fill(new Date(Date.now() + 400 * 86400_000).toISOString().slice(0, 10));
    await type("#period-trustee-1", TRUSTEES[0]);
    await type("#period-trustee-2", TRUSTEES[1]);
    await act("#create-period");
    await seen("#notice", "Đã tạo kỳ thi đua khoi-viii-2027");
    await act("#issue-codes");
    await seen("#slips .slip");
    expect(await page.locator("#slips .slip").count()).toBe(8);
    expect(await page.locator('#slips .slip[data-role="secretariat"]').count()).toBe(0);
    await shot("secretariat-setup", "#setup-period");
    // Back to this year's period, for its vote.
    await idle();
    await page.locator("#period").selectOption("khoi-viii-2026");
    await seen("#to-review");
  }, 240_000);

  it("the period made in the pane votes electronically: its two named trustees are offered the trustee keys screen", async () => {
    await act("#to-review");
    await act("#confirm-yes");
    await seen("#notice", "Đang thẩm định");
    // Electronic is offered (and chosen) because the period names two trustees; the hint names them.
    await seen("#transition-title");
    expect(await page.locator('#voting-channel option[value="electronic"]').isDisabled()).toBe(false);
    await seen(".card p.hint", TRUSTEES[1]);
    await page.locator("#voting-channel").selectOption("electronic");
    await act("#to-voting");
    await act("#confirm-yes");
    await seen("#notice", "Đang bỏ phiếu");
    await act("#issue-trustee-codes");
    await seen("#trustee-codes li");
    const lines = await page.locator("#trustee-codes li").allTextContents();
    expect(lines.map((l) => l.slice(0, l.lastIndexOf(": ")))).toEqual([...TRUSTEES]);
    for (const line of lines) {
      await signIn(line.slice(line.lastIndexOf(": ") + 2).trim());
      await seen("#role", "Người giữ khoá");
      await act("#trustee-load");
      await act("#trustee-make");
      await seen("#notice", "Đã công bố phần công khai");
    }
    await seen("#trustee-state", "Đã có 2/2 khoá");
    await shot("trustee-keys", "#trustee-state");
  }, 240_000);
});
