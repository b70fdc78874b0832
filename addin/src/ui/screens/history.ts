/**
 * Lịch sử nộp: a unit's revisions (who, when, total, late) and what changed between two of them (criterion, from,
 * to, delta), from the server, which keeps every revision. A clerk sees its own unit; the secretariat and the
 * council choose one.
 */
import type { EntryChange } from "../../api.ts";
import { dateTime, plural, points, t } from "../../i18n.ts";
import { h } from "../dom.ts";
import { defineScreen, type PaneContext } from "../screen.ts";

/** One revision as the list endpoint gives it. */
export interface RevisionLine {
  revision: number;
  by?: string;
  at?: string;
  late?: boolean;
  totals?: { total: number };
}

interface HistoryDrafts {
  unit: string;
  /** The unit whose revisions are listed (the list is dropped when another is chosen). */
  listed: string;
  revisions: RevisionLine[] | null;
  from: number;
  to: number;
  changes: EntryChange[] | null;
}

function unitOf(ctx: PaneContext, d: HistoryDrafts) {
  return ctx.state.me.role === "clerk" ? (ctx.state.me.unitId ?? "") : d.unit || ctx.state.status[0]?.unitId || "";
}

/** Loads the unit's revisions, newest first, and preselects the last two for comparison. */
async function load(ctx: PaneContext, d: HistoryDrafts) {
  const unit = unitOf(ctx, d);
  await ctx.run("stepLoading", async () => {
    const list = (await ctx.api.revisions(ctx.state.periodId, unit)) as RevisionLine[];
    d.revisions = [...list].sort((a, b) => b.revision - a.revision);
    d.listed = unit;
    d.changes = null;
    d.to = d.revisions[0]?.revision ?? 0;
    d.from = d.revisions[1]?.revision ?? d.to;
    ctx.focus("history-list");
  });
}

async function compare(ctx: PaneContext, d: HistoryDrafts) {
  await ctx.run("stepLoading", async () => {
    d.changes = await ctx.api.compare(ctx.state.periodId, d.listed, d.from, d.to);
    ctx.focus("history-changes");
  });
}

/** A delta with its sign, as people read points: +0,50 / −1,00. */
function signed(n: number | null): string {
  if (n === null) return "";
  return `${n > 0 ? "+" : n < 0 ? "−" : "±"}${points(Math.abs(n))}`;
}

function revisionSelect(id: string, label: string, d: HistoryDrafts, value: number, set: (v: number) => void) {
  const sel = h(
    "select",
    { id, class: "input" },
    (d.revisions ?? []).map((r) =>
      h(
        "option",
        { value: r.revision, selected: r.revision === value },
        t("historyRevision", { revision: r.revision }),
      ),
    ),
  ) as HTMLSelectElement;
  sel.addEventListener("change", () => set(Number(sel.value)));
  return h("label", { class: "field", for: id }, h("span", {}, label), sel);
}

export const historyScreen = defineScreen<HistoryDrafts>({
  id: "history",
  roles: ["clerk", "secretariat", "council"],
  label: "historyTitle",
  shows: (ctx) => !!ctx.period && ctx.period.state !== "draft",
  initial: () => ({ unit: "", listed: "", revisions: null, from: 0, to: 0, changes: null }),
  render(ctx, d) {
    const clerk = ctx.state.me.role === "clerk";
    const unitSelect = clerk
      ? null
      : (() => {
          const sel = h(
            "select",
            { id: "history-unit", class: "input" },
            ctx.state.status.map((u) =>
              h("option", { value: u.unitId, selected: u.unitId === unitOf(ctx, d) }, ctx.unitName(u.unitId)),
            ),
          ) as HTMLSelectElement;
          sel.addEventListener("change", () => {
            d.unit = sel.value;
          });
          return h("label", { class: "field", for: "history-unit" }, h("span", {}, t("colUnit")), sel);
        })();
    const list = d.revisions;
    return h(
      "section",
      { class: "card", "aria-labelledby": "history-title" },
      h("h2", { id: "history-title" }, t("historyTitle")),
      unitSelect,
      ctx.button("history-load", "historyLoad", () => void load(ctx, d)),
      list
        ? list.length
          ? [
              h("p", { class: "hint" }, ctx.unitName(d.listed)),
              h(
                "ul",
                { class: "status-list", id: "history-list", tabindex: -1 },
                list.map((r) =>
                  h(
                    "li",
                    { class: "status-row", "data-revision": r.revision },
                    h("div", { class: "status-name" }, t("historyRevision", { revision: r.revision })),
                    h(
                      "div",
                      { class: `status-state ${r.late ? "late" : "ok"}` },
                      [
                        r.at ? dateTime(r.at) : "",
                        r.by ?? "",
                        r.totals ? t("historyTotal", { total: points(r.totals.total) }) : "",
                        r.late ? t("late") : t("onTime"),
                      ]
                        .filter(Boolean)
                        .join(" · "),
                    ),
                  ),
                ),
              ),
              list.length > 1
                ? h(
                    "div",
                    { class: "stack", id: "history-compare-form" },
                    revisionSelect("history-from", t("historyFrom"), d, d.from, (v) => {
                      d.from = v;
                    }),
                    revisionSelect("history-to", t("historyTo"), d, d.to, (v) => {
                      d.to = v;
                    }),
                    ctx.button("history-compare", "historyCompare", () => void compare(ctx, d)),
                  )
                : null,
            ]
          : h("p", { class: "hint", id: "history-list", tabindex: -1 }, t("historyNone"))
        : null,
      d.changes
        ? h(
            "div",
            { id: "history-changes", role: "status", tabindex: -1 },
            h(
              "p",
              {},
              d.changes.length
                ? plural("historyChanged", d.changes.length, { from: d.from, to: d.to })
                : t("historySame", { from: d.from, to: d.to }),
            ),
            d.changes.length
              ? h(
                  "table",
                  { class: "changes" },
                  h(
                    "thead",
                    {},
                    h(
                      "tr",
                      {},
                      h("th", { scope: "col" }, t("historyCriterion")),
                      h("th", { scope: "col" }, t("historyFromCol")),
                      h("th", { scope: "col" }, t("historyToCol")),
                      h("th", { scope: "col" }, t("historyDelta")),
                    ),
                  ),
                  h(
                    "tbody",
                    {},
                    d.changes.map((c) =>
                      h(
                        "tr",
                        { "data-criterion": c.criterion },
                        h("th", { scope: "row" }, c.criterion),
                        h("td", {}, points(c.from?.score ?? null)),
                        h("td", {}, points(c.to?.score ?? null)),
                        h(
                          "td",
                          {},
                          c.delta !== null
                            ? signed(c.delta)
                            : c.from?.score === c.to?.score
                              ? t("historyTextOnly")
                              : "",
                        ),
                      ),
                    ),
                  ),
                )
              : null,
          )
        : null,
    );
  },
});
