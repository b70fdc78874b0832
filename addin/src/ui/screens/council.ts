/** Kỳ năm sau: the council makes next year's period of the bloc from the selected one, in draft. */
import { nextYearPeriod, type Period } from "../../../../shared/src/index.ts";
import { t } from "../../i18n.ts";
import { h } from "../dom.ts";
import { defineScreen, type PaneContext } from "../screen.ts";

/** Whether the bloc already has a period for the year after this one. */
function hasNextYear(ctx: PaneContext, period: Period) {
  return ctx.state.periods.some((p) => p.blocId === period.blocId && p.year === period.year + 1);
}

export const councilScreen = defineScreen<{ nextDeadline: string }>({
  id: "council",
  roles: ["council"],
  label: "nextYearTitle",
  shows: (ctx) => !!ctx.period && !hasNextYear(ctx, ctx.period),
  initial: () => ({ nextDeadline: "" }),
  render(ctx, d) {
    const period = ctx.period!;
    const year = period.year + 1;
    const when = h("input", {
      id: "next-deadline",
      class: "input",
      type: "datetime-local",
      value: d.nextDeadline,
    }) as HTMLInputElement;
    when.addEventListener("input", () => {
      d.nextDeadline = when.value;
    });
    return h(
      "section",
      { class: "card", "aria-labelledby": "next-year-title" },
      h("h2", { id: "next-year-title" }, t("nextYearTitle")),
      h("p", { class: "hint" }, t("nextYearHint", { year })),
      h("label", { class: "field", for: "next-deadline" }, h("span", {}, t("nextYearDeadline")), when),
      h(
        "fluent-button",
        {
          id: "create-next-year",
          appearance: "secondary",
          disabled: ctx.running,
          onclick: () => {
            const at = ctx.chosenInstant(d.nextDeadline);
            if (!at) return;
            void ctx.run("stepSending", async () => {
              const made = await ctx.api.createPeriod(nextYearPeriod(period, at));
              d.nextDeadline = "";
              ctx.state.periodId = made.id;
              await ctx.session.loadBundle(made.id);
              await ctx.refreshPeriod();
              ctx.notify({ kind: "success", text: () => t("nextYearOk", { id: made.id }) });
            });
          },
        },
        t("createNextYear", { year }),
      ),
    );
  },
});
