/**
 * Bảng tự chấm điểm: the clerk pulls the sheet, checks it, pushes it; sees the receipt, a conflict with a newer
 * revision (and merges), a queued push, a returned sheet; pulls the published bloc table.
 */
import { scoreUnit, toNumber } from "../../../../shared/src/index.ts";
import type { AddinMeta } from "../../excel/gateway.ts";
import { dateTime, errorText, plural, points, t, type UiKey } from "../../i18n.ts";
import { h } from "../dom.ts";
import { defineScreen, type Notice, type PaneContext } from "../screen.ts";
import { pullTable } from "./board.ts";

function clerkMeta(ctx: PaneContext): AddinMeta | undefined {
  return ctx.session.selfMeta(ctx.state.periodId, ctx.state.me.unitId ?? "");
}

/** Why there is no sheet to check or push: none yet, or one of another unit or period (e-mailed workbooks). */
function noSheetNotice(ctx: PaneContext): Notice {
  const me = ctx.state.me;
  const other = ctx.session.metas.find((m) => m.mode === "self" && !m.readOnly);
  if (other && other.unitId !== me.unitId) {
    const e = { code: "SHEET_WRONG_UNIT" as const, params: { received: other.unitId, expected: me.unitId ?? "" } };
    return { kind: "error", text: () => errorText(e) };
  }
  if (other && other.periodId !== ctx.state.periodId) {
    const e = {
      code: "SHEET_WRONG_PERIOD" as const,
      params: { received: other.periodId, expected: ctx.state.periodId },
    };
    return { kind: "error", text: () => errorText(e) };
  }
  return { kind: "warning", text: () => t("noSheet") };
}

/**
 * Tải bảng điểm. Over a sheet with edits not yet pushed, it first asks: push them, keep them (the server's latest
 * revision with the edits on top), or discard them.
 */
async function pull(ctx: PaneContext) {
  const meta = clerkMeta(ctx);
  if (meta) {
    let changed: string[] = [];
    await ctx.run("stepReading", async () => {
      changed = await ctx.session.unsavedEdits(meta);
    });
    if (changed.length) {
      const choice = await ctx.confirm({
        text: () => plural("unsavedEdits", changed.length),
        items: changed.map((c) => () => c),
        confirm: "unsavedPush",
        also: [
          { label: "unsavedKeep", value: "keep" },
          { label: "unsavedDiscard", value: "discard" },
        ],
      });
      if (choice === "confirm") return push(ctx);
      if (choice === "keep") return mergeInto(ctx, meta);
      if (choice !== "discard") return;
    }
  }
  await ctx.run("stepWriting", async () => {
    const { layout, revision } = await ctx.session.pull(ctx.state.periodId, ctx.state.me.unitId!);
    ctx.state.receipt = null;
    ctx.state.conflict = null;
    ctx.notify({
      kind: "success",
      text: () =>
        t("pulledOk", { sheet: layout.sheetName, count: layout.inputs.length }) +
        (revision ? ` ${t("pulledFrom", { revision })}` : ""),
    });
  });
}

async function check(ctx: PaneContext) {
  await ctx.run("stepReading", async () => {
    const meta = clerkMeta(ctx);
    if (!meta) return ctx.notify(noSheetNotice(ctx));
    const { errors, entries } = await ctx.session.check(meta);
    if (errors.length)
      ctx.notify({
        kind: "error",
        text: () => plural("problems", errors.length),
        items: ctx.problems(errors, meta.sheetName),
      });
    else {
      const b = ctx.session.bundle!;
      const total = toNumber(scoreUnit(b.template, b.rulebook, entries).self.total);
      ctx.notify({ kind: "success", text: () => t("checkOk", { total: points(total) }) });
    }
  });
}

async function push(ctx: PaneContext) {
  await ctx.run("stepSending", async () => {
    const meta = clerkMeta(ctx);
    if (!meta) return ctx.notify(noSheetNotice(ctx));
    const out = await ctx.session.push(meta);
    ctx.state.receipt = null;
    ctx.state.conflict = null;
    switch (out.kind) {
      case "receipt":
        ctx.state.receipt = out.receipt;
        if (ctx.session.bundle?.returned) delete ctx.session.bundle.returned[meta.unitId];
        break;
      case "invalid":
        ctx.notify({
          kind: "error",
          text: () => plural("problems", out.errors.length),
          items: ctx.problems(out.errors, meta.sheetName),
        });
        break;
      case "rejected":
        ctx.notify({
          kind: "error",
          text: () => `${t("serverErrors")} ${errorText(out.failure.asError())}`,
          // Only problems that point at a criterion or a cell are listed: the headline already says the rest.
          items: ctx.problems(
            out.errors.filter((e) => e.cell || e.criterion),
            meta.sheetName,
          ),
        });
        break;
      case "conflict":
        ctx.state.conflict = { meta, failure: out.failure, changes: out.changes };
        break;
      case "queued":
        ctx.notify({ kind: "warning", text: () => t(queuedKey(ctx), { count: out.count }) });
        ctx.scheduleRetry();
        break;
    }
  });
}

async function merge(ctx: PaneContext) {
  const c = ctx.state.conflict;
  if (c) await mergeInto(ctx, c.meta);
}

/** The server's latest revision with this sheet's own changes on top. */
async function mergeInto(ctx: PaneContext, meta: AddinMeta) {
  await ctx.run("stepWriting", async () => {
    const r = await ctx.session.pullMerged(meta);
    ctx.state.conflict = null;
    ctx.notify({
      kind: "info",
      text: () => t("mergedOk", { revision: r.revision ?? 0, mine: r.mine, both: r.both }),
    });
  });
}

function receiptView(ctx: PaneContext) {
  const r = ctx.state.receipt;
  if (!r) return null;
  return h(
    "div",
    { class: "notice success receipt", role: "status", id: "receipt" },
    h("strong", {}, t("receiptTitle")),
    h("div", {}, t("receiptRevision", { revision: r.revision })),
    h(
      "div",
      {},
      t("receiptTotal", {
        total: points(r.totals.total),
        base: points(r.totals.base),
        bonus: points(r.totals.bonus),
        deduction: points(r.totals.deduction),
      }),
    ),
    h("div", {}, t("receiptAt", { at: dateTime(r.receivedAt) })),
    r.late ? h("div", {}, t("receiptLate")) : null,
    h("div", { class: "mono" }, t("receiptHash", { hash: r.contentHash.slice(0, 12) })),
  );
}

function conflictView(ctx: PaneContext) {
  const c = ctx.state.conflict;
  if (!c) return null;
  const p = c.failure.params;
  return h(
    "div",
    { class: "notice warning", role: "alert", id: "conflict" },
    h("strong", {}, t("conflictTitle")),
    h(
      "p",
      {},
      errorText({
        code: c.failure.code,
        params: { ...p, ...(p.at ? { at: dateTime(String(p.at)) } : {}) },
      }),
    ),
    c.changes.length
      ? h(
          "div",
          {},
          t("conflictChanges", { base: p.base ?? "?", latest: p.latest ?? "?" }),
          h(
            "ul",
            {},
            c.changes.map((ch) =>
              h(
                "li",
                {},
                t("conflictChange", {
                  criterion: ch.criterion,
                  from: points(ch.from?.score ?? null),
                  to: points(ch.to?.score ?? null),
                }),
              ),
            ),
          ),
        )
      : null,
    h("p", { class: "hint" }, t("conflictMergeHint")),
    ctx.button("merge", "conflictMerge", () => void merge(ctx), "primary"),
  );
}

/** The period by name and year, its deadline and how far off it is, and whether pushing is open now. */
function periodContext(ctx: PaneContext, returned: boolean) {
  const p = ctx.period;
  if (!p) return null;
  const deadline = Date.parse(p.submissionDeadline);
  const days = Math.ceil((deadline - Date.now()) / 86_400_000);
  const open = p.state === "open";
  return h(
    "div",
    { class: "period-context", id: "clerk-period" },
    h("p", {}, h("strong", {}, ctx.periodName(p))),
    h(
      "p",
      { id: "clerk-deadline" },
      t("deadlineNow", { deadline: dateTime(p.submissionDeadline) }),
      " ",
      open ? (days >= 0 ? plural("deadlineDaysLeft", days) : t("deadlinePassed")) : "",
    ),
    !open && !returned
      ? h(
          "p",
          { class: "notice warning", role: "status", id: "push-closed" },
          t("pushClosed", { state: t(`state_${p.state}` as UiKey) }),
        )
      : null,
  );
}

export const clerkScreen = defineScreen({
  id: "clerk",
  roles: ["clerk"],
  label: "clerkTitle",
  // In a plain browser there is no workbook: the web clerk screen (webClerk.ts) downloads and uploads files instead.
  shows: (ctx) => !ctx.web,
  initial: () => ({}),
  render(ctx) {
    const queued = ctx.outbox?.list().length ?? 0;
    const returned = ctx.session.bundle?.returned?.[ctx.state.me.unitId ?? ""];
    const canPush = (ctx.period?.state === "open" || !!returned) && !ctx.state.conflict;
    return h(
      "section",
      { class: "card", "aria-labelledby": "clerk-title" },
      h("h2", { id: "clerk-title" }, t("clerkTitle")),
      periodContext(ctx, !!returned),
      returned
        ? h(
            "p",
            { class: "notice warning", role: "status", id: "returned" },
            // A unit that never submitted was let in late: it has nothing to fix, only a sheet to push.
            t(ctx.session.bundle?.revisions?.[ctx.state.me.unitId ?? ""] ? "returnedToYou" : "letInLate", {
              at: dateTime(returned.at),
              reason: returned.reason,
            }),
          )
        : null,
      h("p", { class: "hint" }, t("pullHint", { sheet: "Tự chấm điểm" })),
      h(
        "div",
        { class: "actions" },
        ctx.button("pull", "pull", () => void pull(ctx)),
        ctx.button("check", "check", () => void check(ctx)),
        // One primary action per card: pushing, while the period takes sheets from this unit.
        ctx.button("push", "push", () => void push(ctx), canPush ? "primary" : "secondary"),
      ),
      ctx.noticeHere(),
      queued
        ? h(
            "div",
            { class: "notice warning", role: "status" },
            t(queuedKey(ctx), { count: queued }),
            " ",
            ctx.button("retry", "retryNow", () => void ctx.flushOutbox()),
          )
        : null,
      receiptView(ctx),
      conflictView(ctx),
      h("h2", {}, t("blocTableTitle")),
      // Always offered: the server answers RESULTS_NOT_PUBLISHED until the secretariat publishes.
      ctx.button("pull-table", "pullTable", () => void pullTable(ctx)),
      ctx.period?.state === "closed" ? null : h("p", { class: "hint" }, t("notPublished")),
    );
  },
});

/** What a waiting push is called: a later send is promised only where the queue outlives the pane. */
function queuedKey(ctx: PaneContext): "queued" | "queuedMemoryOnly" {
  return ctx.outbox?.persistent === false ? "queuedMemoryOnly" : "queued";
}
