/**
 * Bảng tự chấm điểm: the clerk pulls the sheet, checks it, pushes it; sees the receipt, a conflict with a newer
 * revision (and merges), a queued push, a returned sheet; pulls the published bloc table.
 */
import { scoreUnit, toNumber } from "../../../../shared/src/index.ts";
import type { AddinMeta } from "../../excel/gateway.ts";
import { dateTime, errorText, points, t } from "../../i18n.ts";
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

async function pull(ctx: PaneContext) {
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
        text: () => t("problems", { count: errors.length }),
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
          text: () => t("problems", { count: out.errors.length }),
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
        ctx.notify({ kind: "warning", text: () => t("queued", { count: out.count }) });
        ctx.scheduleRetry();
        break;
    }
  });
}

async function merge(ctx: PaneContext) {
  const c = ctx.state.conflict;
  if (!c) return;
  await ctx.run("stepWriting", async () => {
    const r = await ctx.session.pullMerged(c.meta);
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

export const clerkScreen = defineScreen({
  id: "clerk",
  roles: ["clerk"],
  label: "clerkTitle",
  initial: () => ({}),
  render(ctx) {
    const queued = ctx.outbox?.list().length ?? 0;
    const returned = ctx.session.bundle?.returned?.[ctx.state.me.unitId ?? ""];
    return h(
      "section",
      { class: "card", "aria-labelledby": "clerk-title" },
      h("h2", { id: "clerk-title" }, t("clerkTitle")),
      returned
        ? h(
            "p",
            { class: "notice warning", role: "status", id: "returned" },
            t("returnedToYou", { at: dateTime(returned.at), reason: returned.reason }),
          )
        : null,
      h("p", { class: "hint" }, t("pullHint", { sheet: "Tự chấm điểm" })),
      h(
        "div",
        { class: "actions" },
        ctx.button("pull", "pull", () => void pull(ctx), "primary"),
        ctx.button("check", "check", () => void check(ctx)),
        ctx.button("push", "push", () => void push(ctx), "primary"),
      ),
      queued
        ? h(
            "div",
            { class: "notice warning", role: "status" },
            t("queued", { count: queued }),
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
