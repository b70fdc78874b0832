/**
 * Thẩm định: while the period is in review or voting, save a review sheet opened from the status list, return a
 * unit's sheet with a reason, and set a unit's flags (violation, withdrawn) with a reason.
 */
import { t } from "../../i18n.ts";
import { h } from "../dom.ts";
import { defineScreen, type PaneContext } from "../screen.ts";

interface ReviewDrafts {
  returnUnit: string;
  returnReason: string;
  flagUnit: string;
  flagReason: string;
}

function reviewMetas(ctx: PaneContext) {
  return ctx.session.metas.filter((m) => m.mode === "review" && m.periodId === ctx.state.periodId);
}

export const reviewScreen = defineScreen<ReviewDrafts>({
  id: "review",
  roles: ["secretariat", "council"],
  label: "reviewSheet",
  shows: (ctx) => ctx.period?.state === "review" || ctx.period?.state === "voting",
  initial: () => ({ returnUnit: "", returnReason: "", flagUnit: "", flagReason: "" }),
  render(ctx, d) {
    const status = ctx.state.status;
    // The chosen units survive redraws; the flag boxes show what the server holds for the chosen unit.
    const unitSelect = (id: string, selected: string, onChange: (v: string) => void) => {
      const sel = h(
        "select",
        { id, class: "input", "aria-label": t("colUnit") },
        status.map((u) => h("option", { value: u.unitId, selected: u.unitId === selected }, ctx.unitName(u.unitId))),
      ) as HTMLSelectElement;
      sel.addEventListener("change", () => {
        onChange(sel.value);
        ctx.render();
      });
      return sel;
    };
    d.returnUnit ||= status[0]?.unitId ?? "";
    d.flagUnit ||= status[0]?.unitId ?? "";
    const retUnit = unitSelect("return-unit", d.returnUnit, (v) => {
      d.returnUnit = v;
    });
    const flagUnit = unitSelect("flag-unit", d.flagUnit, (v) => {
      d.flagUnit = v;
      d.flagReason = status.find((u) => u.unitId === v)?.flags?.reason ?? "";
    });
    const current = status.find((u) => u.unitId === d.flagUnit)?.flags;
    const reason = h("textarea", { id: "return-reason", class: "input", rows: 2 }) as HTMLTextAreaElement;
    reason.value = d.returnReason;
    reason.addEventListener("input", () => {
      d.returnReason = reason.value;
    });
    const violation = h("input", {
      type: "checkbox",
      id: "flag-violation",
      checked: current?.violation,
    }) as HTMLInputElement;
    const withdrawn = h("input", {
      type: "checkbox",
      id: "flag-withdrawn",
      checked: current?.withdrawn,
    }) as HTMLInputElement;
    const flagReason = h("input", { id: "flag-reason", class: "input", value: d.flagReason }) as HTMLInputElement;
    flagReason.addEventListener("input", () => {
      d.flagReason = flagReason.value;
    });
    return h(
      "section",
      { class: "card", "aria-labelledby": "review-title" },
      h("h2", { id: "review-title" }, t("reviewSheet")),
      reviewMetas(ctx).map((m) =>
        h(
          "fluent-button",
          {
            size: "small",
            appearance: "primary",
            disabled: ctx.running,
            "data-review": m.unitId,
            onclick: () =>
              void ctx.run("stepSending", async () => {
                const r = await ctx.session.pushReview(m);
                ctx.notify(
                  r.ok
                    ? { kind: "success", text: () => t("reviewSaved", { unit: ctx.unitName(m.unitId) }) }
                    : {
                        kind: "error",
                        text: () => t("problems", { count: r.errors.length }),
                        items: ctx.problems(r.errors, m.sheetName),
                      },
                );
              }),
          },
          `${t("pushReview")}: ${ctx.unitName(m.unitId)}`,
        ),
      ),
      h("h3", {}, t("returnSheet")),
      h("label", { class: "field", for: "return-unit" }, h("span", {}, t("colUnit")), retUnit),
      h("label", { class: "field", for: "return-reason" }, h("span", {}, t("returnReason")), reason),
      h(
        "fluent-button",
        {
          id: "return",
          disabled: ctx.running,
          onclick: () =>
            void ctx.run("stepSending", async () => {
              await ctx.api.returnSheet(ctx.state.periodId, retUnit.value, d.returnReason);
              ctx.notify({ kind: "success", text: () => t("returnedOk", { unit: ctx.unitName(retUnit.value) }) });
              d.returnReason = "";
              await ctx.refreshPeriod();
            }),
        },
        t("returnSheet"),
      ),
      h("h3", {}, t("flags")),
      h("label", { class: "field", for: "flag-unit" }, h("span", {}, t("colUnit")), flagUnit),
      h("label", { class: "check" }, violation, t("flagViolation")),
      h("label", { class: "check" }, withdrawn, t("flagWithdrawn")),
      h("label", { class: "field", for: "flag-reason" }, h("span", {}, t("flagReason")), flagReason),
      h(
        "fluent-button",
        {
          id: "save-flags",
          disabled: ctx.running,
          onclick: () =>
            void ctx.run("stepSending", async () => {
              await ctx.api.flags(ctx.state.periodId, flagUnit.value, {
                violation: violation.checked,
                withdrawn: withdrawn.checked,
                reason: d.flagReason,
              });
              const unit = flagUnit.value;
              ctx.notify({ kind: "success", text: () => t("flagsSaved", { unit: ctx.unitName(unit) }) });
              await ctx.refreshPeriod();
            }),
        },
        t("saveFlags"),
      ),
    );
  },
});
