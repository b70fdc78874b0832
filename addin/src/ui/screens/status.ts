/**
 * Tình hình nộp và giai đoạn của kỳ: every member unit's latest submission (open it read-only, or for review), the
 * period's next step, the deadline (extended with a reason) and, for the council, reopening a published period.
 */
import type { UnitStatus } from "../../api.ts";
import { bandWhyText, flagsText } from "../../blocSheets.ts";
import { dateTime, locale, plural, points, t, type UiKey } from "../../i18n.ts";
import { h } from "../dom.ts";
import { defineScreen, type PaneContext } from "../screen.ts";

interface StatusDrafts {
  /** How the period will vote, chosen when voting opens (fixed from then on). */
  channel: "electronic" | "paper";
  deadlineDraft: string;
  deadlineReason: string;
  reopenReason: string;
}

function statusRow(ctx: PaneContext, u: UnitStatus) {
  const rev = u.latestRevision;
  const label =
    u.status === "returned"
      ? t("st_returned")
      : u.status === "accepted"
        ? t("st_accepted")
        : rev
          ? t("st_submitted", { revision: rev })
          : t("st_none");
  return h(
    "li",
    { class: "status-row", "data-unit": u.unitId },
    h("div", { class: "status-name" }, ctx.unitName(u.unitId)),
    h(
      "div",
      { class: `status-state ${rev ? (u.late ? "late" : "ok") : "none"}`, "data-status": u.status },
      label,
      rev ? ` · ${u.late ? t("late") : t("onTime")}` : "",
      u.at ? ` · ${dateTime(u.at)}` : "",
    ),
    explained(ctx, u),
    u.returned ? h("div", { class: "hint" }, u.returned.reason) : null,
    // On the web there is no sheet to open or lay out: the unit's scores are in the web review form and the tables.
    rev && !ctx.web
      ? h(
          "div",
          { class: "actions" },
          h(
            "fluent-button",
            {
              id: `open-${u.unitId}`,
              size: "small",
              disabled: ctx.running,
              onclick: () =>
                void ctx.run("stepWriting", async () => {
                  await ctx.session.openReadOnly(ctx.state.periodId, u.unitId);
                }),
            },
            t("openSheet"),
          ),
          ctx.period?.state === "review"
            ? h(
                "fluent-button",
                {
                  id: `review-${u.unitId}`,
                  size: "small",
                  disabled: ctx.running,
                  onclick: () =>
                    void ctx.run("stepWriting", async () => {
                      await ctx.session.openReview(ctx.state.periodId, u.unitId);
                    }),
                },
                t("reviewSheet"),
              )
            : null,
        )
      : null,
  );
}

/**
 * What the results say of a unit: its self total and, once reviewed, the effective total beside it; its rank (none
 * without a sheet); its band and why not the one above; its flags with their reason.
 */
function explained(ctx: PaneContext, u: UnitStatus) {
  const row = ctx.state.table?.rows.find((r) => r.unitId === u.unitId);
  const lang = locale();
  const f = u.flags;
  const lines = [
    u.total !== null
      ? row?.reviewedTotal != null
        ? t("statusTotals", { self: points(u.total), effective: points(row.reviewedTotal) })
        : t("statusSelf", { self: points(u.total) })
      : "",
    row && row.rank !== null ? t("statusRank", { rank: row.rank }) : "",
    row?.band
      ? t("statusBand", { band: row.band.label[lang] }) +
        (row.bandWhy ? ` (${bandWhyText(row, ctx.session.bundle?.rulebook, lang)})` : "")
      : "",
  ].filter(Boolean);
  const flags = f && (f.violation || f.withdrawn) ? flagsText(f, lang) + (f.reason ? `: ${f.reason}` : "") : "";
  if (!lines.length && !flags) return null;
  return h(
    "div",
    { class: "status-explain", "data-explain": u.unitId },
    lines.length ? h("div", {}, lines.join(" · ")) : null,
    flags ? h("div", { class: "status-flags", "data-flags": u.unitId }, t("statusFlags", { flags })) : null,
  );
}

/** Gia hạn nộp. */
async function extendDeadline(ctx: PaneContext, d: StatusDrafts) {
  const when = ctx.chosenInstant(d.deadlineDraft);
  if (!when) return;
  await ctx.run("stepSending", async () => {
    const period = await ctx.api.deadline(ctx.state.periodId, when, d.deadlineReason);
    await ctx.refreshPeriod();
    d.deadlineReason = "";
    ctx.notify({ kind: "success", text: () => t("deadlineOk", { deadline: dateTime(period.submissionDeadline) }) });
  });
}

/**
 * What a step does and what it leaves behind, asked before it is taken: closing submissions before the deadline or
 * with units missing, publishing with units that never submitted.
 */
function askTransition(ctx: PaneContext, to: Step, label: UiKey): Promise<string> {
  const deadline = ctx.period?.submissionDeadline ?? "";
  const early = deadline && Date.parse(deadline) > Date.now();
  const missing = ctx.state.status.filter((u) => !u.latestRevision);
  const what: Record<Step, () => string> = {
    open: () => t("confirmToOpen", { deadline: dateTime(deadline) }),
    review: () =>
      t("confirmToReview") + (early ? ` ${t("confirmBeforeDeadline", { deadline: dateTime(deadline) })}` : ""),
    voting: () => t("confirmToVoting"),
    closed: () => t("confirmToClosed"),
  };
  const listMissing = (to === "review" || to === "closed") && missing.length > 0;
  return ctx.confirm({
    text: () =>
      what[to]() + (listMissing ? ` ${plural("confirmMissing", missing.length, { count: missing.length })}` : ""),
    ...(listMissing ? { items: missing.map((u) => () => ctx.unitName(u.unitId)) } : {}),
    confirm: label,
  });
}

async function transition(ctx: PaneContext, to: Step, label: UiKey, d: StatusDrafts) {
  if ((await askTransition(ctx, to, label)) !== "confirm") return;
  await ctx.run("stepSending", async () => {
    await ctx.api.transition(ctx.state.periodId, to, "", to === "voting" ? d.channel : undefined);
    await ctx.refreshPeriod();
    ctx.notify({ kind: "success", text: () => t("transitionOk", { state: t(`state_${to}` as UiKey) }) });
  });
}

/** Bỏ phiếu điện tử (mã hoá, cần hai người giữ khoá) or bằng phiếu giấy: chosen once, when voting opens. */
function channelChoice(ctx: PaneContext, d: StatusDrafts) {
  const trustees = ctx.period?.trustees ?? [];
  if (trustees.length < 2) d.channel = "paper";
  const select = h(
    "select",
    { id: "voting-channel", class: "input" },
    h(
      "option",
      { value: "electronic", selected: d.channel === "electronic", disabled: trustees.length < 2 },
      t("channelElectronic"),
    ),
    h("option", { value: "paper", selected: d.channel === "paper" }, t("channelPaper")),
  ) as HTMLSelectElement;
  select.addEventListener("change", () => {
    d.channel = select.value === "paper" ? "paper" : "electronic";
  });
  return [
    h("label", { class: "field", for: "voting-channel" }, h("span", {}, t("channelLabel")), select),
    h(
      "p",
      { class: "hint" },
      trustees.length < 2
        ? t("channelNeedsTrustees")
        : t("channelTrustees", { names: trustees.map((x) => x.name).join("; ") }),
    ),
  ];
}

/** The current deadline and, while the period is a draft or open, a new one with its reason. */
function deadlineForm(ctx: PaneContext, d: StatusDrafts) {
  const current = ctx.period?.submissionDeadline;
  const when = h("input", {
    id: "deadline-input",
    class: "input",
    type: "datetime-local",
    value: d.deadlineDraft,
  }) as HTMLInputElement;
  when.addEventListener("input", () => {
    d.deadlineDraft = when.value;
  });
  const reason = h("input", { id: "deadline-reason", class: "input", value: d.deadlineReason }) as HTMLInputElement;
  reason.addEventListener("input", () => {
    d.deadlineReason = reason.value;
  });
  return h(
    "div",
    { class: "stack", id: "deadline" },
    current ? h("p", { id: "deadline-now" }, t("deadlineNow", { deadline: dateTime(current) })) : null,
    h("label", { class: "field", for: "deadline-input" }, h("span", {}, t("deadlineNew")), when),
    h("label", { class: "field", for: "deadline-reason" }, h("span", {}, t("deadlineReason")), reason),
    ctx.button("extend-deadline", "extendDeadline", () => void extendDeadline(ctx, d)),
  );
}

/** Mở lại kỳ: the council alone reopens a published period for review, with a reason (audited). */
function reopenForm(ctx: PaneContext, d: StatusDrafts) {
  const reason = h("input", { id: "reopen-reason", class: "input", value: d.reopenReason }) as HTMLInputElement;
  reason.addEventListener("input", () => {
    d.reopenReason = reason.value;
  });
  return h(
    "div",
    { class: "stack", id: "reopen" },
    h("label", { class: "field", for: "reopen-reason" }, h("span", {}, t("reopenReason")), reason),
    ctx.button(
      "reopen-period",
      "reopenPeriod",
      () =>
        void ctx.run("stepSending", async () => {
          await ctx.api.transition(ctx.state.periodId, "review", d.reopenReason);
          await ctx.refreshPeriod();
          d.reopenReason = "";
          ctx.notify({ kind: "success", text: () => t("transitionOk", { state: t("state_review") }) });
        }),
    ),
  );
}

type Step = "open" | "review" | "voting" | "closed";

const NEXT: Record<string, [Step, UiKey] | undefined> = {
  draft: ["open", "toOpen"],
  open: ["review", "toReview"],
  review: ["voting", "toVoting"],
  voting: ["closed", "toClosed"],
};

export const statusScreen = defineScreen<StatusDrafts>({
  id: "status",
  roles: ["secretariat", "council"],
  label: "statusTitle",
  initial: () => ({ channel: "electronic", deadlineDraft: "", deadlineReason: "", reopenReason: "" }),
  render(ctx, d) {
    const state = ctx.period?.state;
    const step = state ? NEXT[state] : undefined;
    return [
      h(
        "section",
        { class: "card", "aria-labelledby": "status-title" },
        h("h2", { id: "status-title" }, t("statusTitle")),
        ctx.button(
          "refresh",
          "refresh",
          () =>
            void ctx.run("stepLoading", async () => {
              await ctx.refreshPeriod();
            }),
        ),
        h(
          "ul",
          { class: "status-list", id: "status" },
          ctx.state.status.map((u) => statusRow(ctx, u)),
        ),
      ),
      h(
        "section",
        { class: "card", "aria-labelledby": "transition-title" },
        h("h2", { id: "transition-title" }, t("transitionsTitle")),
        h("p", {}, state ? t(`state_${state}` as UiKey) : ""),
        state === "review" ? channelChoice(ctx, d) : null,
        step ? ctx.button(`to-${step[0]}`, step[1], () => void transition(ctx, step[0], step[1], d), "primary") : null,
        state === "draft" || state === "open" ? deadlineForm(ctx, d) : null,
        state === "closed" && ctx.state.me.role === "council" ? reopenForm(ctx, d) : null,
      ),
    ];
  },
});
