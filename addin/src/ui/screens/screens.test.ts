// @vitest-environment happy-dom
/**
 * Screens rendered alone, from a plain state and a stub API: no shell, no server, no workbook. What a screen draws
 * is a function of the state it is given and of what its actions fetched.
 */
import { describe, expect, it } from "vitest";
import { demoPeriod, demoRulebook, demoUnits } from "../../../../shared/src/index.ts";
import type { ApiClient } from "../../api.ts";
import { setLocale, t, type UiKey } from "../../i18n.ts";
import type { Session } from "../../session.ts";
import { h } from "../dom.ts";
import { type PaneContext, type PaneState, type Role, screensFor } from "../screen.ts";
import { historyScreen } from "./history.ts";
import { SCREENS } from "./index.ts";
import { setupTemplateScreen } from "./setupTemplate.ts";
import { setupUnitsScreen } from "./setupUnits.ts";
import { statusScreen } from "./status.ts";
import { trusteeScreen } from "./trustee.ts";
import { votingScreen } from "./voting.ts";

function context(role: Role, api: Partial<ApiClient>, state: Partial<PaneState> = {}, periodState = "open") {
  const period = { ...demoPeriod(), state: periodState } as PaneContext["period"] & object;
  const root = document.createElement("div");
  document.body.replaceChildren(root);
  let draw: () => void = () => undefined;
  const ctx: PaneContext = {
    state: {
      me: { role, unitId: role === "clerk" ? "vks-tphcm" : null },
      periods: [period],
      periodId: period.id,
      status: demoUnits.map((u) => ({
        unitId: u.id,
        name: u.name,
        shortName: u.shortName,
        status: "submitted",
        latestRevision: 1,
        at: null,
        by: null,
        late: false,
        total: 90,
        returned: null,
        reviewRevision: null,
      })),
      table: null,
      receipt: null,
      conflict: null,
      voterMembers: [],
      ...state,
    },
    period,
    running: false,
    web: false,
    appOrigin: "http://127.0.0.1:8787",
    api: api as ApiClient,
    session: { bundle: { units: demoUnits, rulebook: demoRulebook }, metas: [] } as unknown as Session,
    gateway: {} as PaneContext["gateway"],
    outbox: null,
    copy: async () => undefined,
    run: async (_label, fn) => {
      await fn();
      draw();
    },
    notify: () => undefined,
    render: () => draw(),
    refreshPeriod: async () => undefined,
    flushOutbox: async () => undefined,
    scheduleRetry: () => undefined,
    unitName: (id) => demoUnits.find((u) => u.id === id)?.shortName ?? id,
    periodName: (p) => `Khối VIII ${p.year}`,
    problems: () => [],
    failureText: () => "",
    chosenInstant: () => null,
    confirm: async () => "confirm",
    noticeHere: () => null,
    focus: () => undefined,
    button: (id: string, label: UiKey, onclick: () => void) => h("fluent-button", { id, onclick }, t(label)),
  };
  return {
    ctx,
    root,
    mount(screen: (typeof SCREENS)[number]) {
      const local = screen.initial();
      draw = () => {
        const drawn = screen.render(ctx, local);
        root.replaceChildren(...(drawn === null ? [] : Array.isArray(drawn) ? drawn : [drawn]));
      };
      draw();
    },
  };
}

const click = async (id: string) => {
  (document.getElementById(id) as HTMLElement).click();
  await new Promise((r) => setTimeout(r, 0));
};

describe("screens, each on its own", () => {
  setLocale("vi");

  it("the registry shows each role its screens for the period's state", () => {
    const ids = (role: Role, state: string) => screensFor(SCREENS, context(role, {}, {}, state).ctx).map((s) => s.id);
    expect(ids("clerk", "open")).toEqual(["clerk", "history"]);
    expect(ids("voter", "voting")).toEqual(["ballot"]);
    expect(ids("board", "closed")).toEqual(["board"]);
    expect(ids("secretariat", "review")).toEqual(["status", "review", "access", "history"]);
    // Its own bloc's setup (template, rulebook, period) outside the busy part of the year; units and blocs never.
    expect(ids("secretariat", "closed")).toEqual([
      "status",
      "voting",
      "board",
      "setup-template",
      "setup-rulebook",
      "setup-period",
      "history",
    ]);
    expect(ids("council", "review")).toContain("setup-units");
  });

  it("history: lists a unit's revisions, then what changed between two, with signed changes", async () => {
    const asked: unknown[] = [];
    const { mount, root } = context("clerk", {
      revisions: async () => [
        { revision: 1, by: "Cán bộ A", at: "2026-11-29T07:05:00Z", late: false, totals: { total: 92 } },
        { revision: 2, by: "Cán bộ B", at: "2026-11-30T07:05:00Z", late: true, totals: { total: 92.5 } },
      ],
      compare: async (...a: unknown[]) => {
        asked.push(a);
        return [{ criterion: "I.4", from: null, to: null, delta: 0.5 }].map((c) => ({
          ...c,
          from: { criterion: "I.4", score: 3, evidence: "", note: "" },
          to: { criterion: "I.4", score: 3.5, evidence: "", note: "" },
        }));
      },
    });
    mount(historyScreen);
    expect(root.querySelector("#history-list")).toBeNull();
    await click("history-load");
    const rows = [...root.querySelectorAll("#history-list li")].map((li) => li.textContent);
    expect(rows[0]).toContain("Lần nộp 2");
    expect(rows[0]).toContain("Cán bộ B · tổng 92,50 · trễ hạn");
    expect(rows[1]).toContain("tổng 92,00");
    await click("history-compare");
    expect(asked).toEqual([["khoi-viii-2017", "vks-tphcm", 1, 2]]);
    const cells = [...root.querySelectorAll('#history-changes tr[data-criterion="I.4"] td')].map((c) => c.textContent);
    expect(cells).toEqual(["3,00", "3,50", "+0,50"]);
  });

  it("voting: paper ballots are ticks against names, counted valid and invalid before saving", async () => {
    const saved: unknown[] = [];
    const { mount, root } = context(
      "secretariat",
      { paperBallots: async (_p: string, b: unknown) => saved.push(b) },
      {},
      "voting",
    );
    mount(votingScreen);
    await click("paper-add");
    const names = [...root.querySelectorAll<HTMLInputElement>("#paper-0 input[type=checkbox]")].map(
      (c) => c.parentElement?.textContent,
    );
    expect(names).toContain("Công an TP");
    // Each tick redraws the screen: the next one is looked up afresh, as a user's click would find it.
    for (const j of [0, 1, 2]) {
      const c = root.querySelector<HTMLInputElement>(`#paper-0-${j}`)!;
      c.checked = true;
      c.dispatchEvent(new Event("change"));
    }
    expect(root.querySelector("#paper-count")?.textContent).toBe("1 phiếu: 0 hợp lệ, 1 không hợp lệ.");
    expect(root.querySelector("#paper-0 .ballot-invalid")?.textContent).toContain("tối đa 2");
    const first = root.querySelector<HTMLInputElement>("#paper-0-0")!;
    first.checked = false;
    first.dispatchEvent(new Event("change"));
    expect(root.querySelector("#paper-count")?.textContent).toBe("1 phiếu: 1 hợp lệ, 0 không hợp lệ.");
    await click("save-paper");
    expect(saved).toEqual([[{ choices: [demoPeriod().members[1], demoPeriod().members[2]] }]]);
  });

  it("voting: a closed box whose tally is not decrypted gives the council, and only it, a way to declare the vote failed", async () => {
    const members = demoPeriod().members;
    const trustees = demoPeriod().trustees.map((x, i) => ({
      id: x.id,
      name: x.name,
      publicKey: "k",
      decrypted: i === 0,
    }));
    const election = (boxClosed: boolean) => async () => ({
      periodId: demoPeriod().id,
      state: "voting",
      channel: "electronic" as const,
      members,
      choicesPerBallot: 2,
      trustees,
      electionKey: "e",
      issued: 7,
      returned: 5,
      quorumNeeded: 5,
      boxClosed,
      aggregate: null,
      me: null,
    });
    const reason = "Người giữ khoá của Hội đồng mất tệp khoá";
    const failedTally = {
      issued: 7,
      returned: 5,
      valid: 5,
      invalid: 0,
      blank: null,
      quorum: { num: 2, den: 3 },
      quorumNeeded: 5,
      quorumMet: true,
      threshold: { num: 1, den: 2 },
      thresholdRule: "gt",
      shareBase: "members",
      units: [],
      invalidReasons: [],
      failedReason: reason,
    };
    let failed: string | null = null;
    const api = (boxClosed: boolean) => ({
      tally: async () => ({ visible: failed !== null, issued: 7, returned: 5, tally: failed ? failedTally : null }),
      election: election(boxClosed),
      failVote: async (_p: string, r: string) => {
        failed = r;
        return { failed: true, reason: r };
      },
    });
    // The secretariat never sees it; nor does the council while the box is open.
    for (const [role, boxClosed] of [
      ["secretariat", true],
      ["council", false],
    ] as const) {
      const { mount, root } = context(role, api(boxClosed) as never, {}, "voting");
      mount(votingScreen);
      await click("tally");
      expect(root.querySelector("#fail-vote")).toBeNull();
    }
    const asked: string[] = [];
    const { ctx, mount, root } = context("council", api(true) as never, {}, "voting");
    (ctx as { confirm: PaneContext["confirm"] }).confirm = async (c) => {
      asked.push(c.text());
      return "confirm";
    };
    mount(votingScreen);
    await click("tally");
    expect(root.querySelector("#fail-vote")?.textContent).toContain("1 trên 2 phần");
    // No reason: nothing is sent, the field says why.
    await click("fail-vote-send");
    expect(failed).toBeNull();
    expect(asked).toEqual([]);
    expect(root.querySelector("#fail-reason-error")?.textContent).toBe(
      "Hãy ghi lý do tuyên bố cuộc bỏ phiếu không thành.",
    );
    const field = root.querySelector<HTMLTextAreaElement>("#fail-reason")!;
    field.value = `  ${reason} `;
    field.dispatchEvent(new Event("input"));
    await click("fail-vote-send");
    // The confirmation says plainly what happens, then the result shows the failed vote with its reason.
    expect(asked[0]).toContain("không bao giờ được kiểm");
    expect(asked[0]).toContain("Không đơn vị nào được đề nghị khen thưởng");
    expect(failed).toBe(reason);
    expect(root.querySelector("#fail-vote")).toBeNull();
    expect(root.querySelector("#tally-failed")?.textContent).toContain(reason);
  });

  it("trustee: the new secret key comes with the plain truth: two places, no copy, a lost key means no count", async () => {
    const trustees = demoPeriod().trustees.map((x) => ({ id: x.id, name: x.name, publicKey: null, decrypted: false }));
    const published: unknown[] = [];
    for (const locale of ["vi", "en"] as const) {
      setLocale(locale);
      const { mount, root } = context(
        "trustee" as Role,
        {
          election: async () => ({
            periodId: demoPeriod().id,
            state: "voting",
            channel: "electronic" as const,
            members: demoPeriod().members,
            choicesPerBallot: 2,
            trustees,
            electionKey: null,
            issued: 7,
            returned: 0,
            quorumNeeded: 5,
            boxClosed: false,
            aggregate: null,
            me: { trusteeId: trustees[0]!.id },
          }),
          trusteeKey: async (_p: string, key: unknown) => {
            published.push(key);
            return {} as never;
          },
        },
        { me: { role: "trustee" as Role, unitId: trustees[0]!.id } } as Partial<PaneState>,
        "voting",
      );
      mount(trusteeScreen);
      await click("trustee-load");
      await click("trustee-make");
      const warning = root.querySelector("#trustee-secret-made")?.textContent ?? "";
      if (locale === "vi") {
        expect(warning).toContain("cất ở hai nơi khác nhau");
        expect(warning).toContain("Máy chủ không có bản sao");
        expect(warning).toContain("không bao giờ kiểm được");
      } else {
        expect(warning).toContain("two separate places");
        expect(warning).toContain("The server has no copy");
        expect(warning).toContain("can never be counted");
      }
    }
    expect(published).toHaveLength(2);
    setLocale("vi");
  });

  it("status on the web: no button lays out a sheet, since there is no workbook (the review is the web form)", () => {
    const { ctx, mount, root } = context("secretariat", {}, {}, "review");
    mount(statusScreen);
    // In Excel: each unit with a revision can be opened read-only, and reviewed in a review sheet.
    expect(root.querySelector(`#open-${demoUnits[0]!.id}`)).not.toBeNull();
    expect(root.querySelector(`#review-${demoUnits[0]!.id}`)).not.toBeNull();
    (ctx as { web: boolean }).web = true;
    ctx.render();
    expect(root.querySelector(`[id^="open-"]`)).toBeNull();
    expect(root.querySelector(`[id^="review-"]`)).toBeNull();
  });

  it("setup on the web: no button reads a selection or lays out a sheet; it says the import needs Excel", () => {
    for (const screen of [setupTemplateScreen, setupUnitsScreen]) {
      const { ctx, mount, root } = context("council", {}, {}, "draft");
      mount(screen);
      const excelOnly = screen === setupTemplateScreen ? ["#read-range", "#lay-out-authoring"] : ["#import-units"];
      for (const id of excelOnly) expect(root.querySelector(id)).not.toBeNull();
      (ctx as { web: boolean }).web = true;
      ctx.render();
      for (const id of excelOnly) expect(root.querySelector(id)).toBeNull();
      const said = root.querySelector(screen === setupTemplateScreen ? "#template-on-web" : "#units-on-web");
      expect(said?.textContent).toContain("cần Excel");
    }
  });
});
