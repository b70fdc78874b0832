/** Phiếu bầu (voter): tick up to the rulebook's number of units and cast the ballot with the single-use code. */
import { t } from "../../i18n.ts";
import { h } from "../dom.ts";
import { defineScreen } from "../screen.ts";

export const ballotScreen = defineScreen<{ choices: Set<string> }>({
  id: "ballot",
  roles: ["voter"],
  label: "ballotTitle",
  initial: () => ({ choices: new Set<string>() }),
  render(ctx, d) {
    const units = ctx.session.bundle?.units ?? ctx.state.voterMembers.map((id) => ({ id, name: id }));
    const max = ctx.session.bundle?.rulebook.choicesPerBallot ?? "?";
    return h(
      "section",
      { class: "card", "aria-labelledby": "ballot-title" },
      h("h2", { id: "ballot-title" }, t("ballotTitle")),
      h("p", { class: "hint" }, t("ballotHint", { max })),
      units.map((u) => {
        const cb = h("input", { type: "checkbox", value: u.id, checked: d.choices.has(u.id) }) as HTMLInputElement;
        cb.addEventListener("change", () => {
          if (cb.checked) d.choices.add(u.id);
          else d.choices.delete(u.id);
        });
        return h("label", { class: "check" }, cb, u.name);
      }),
      ctx.button(
        "cast",
        "castBallot",
        () =>
          void ctx.run("stepSending", async () => {
            await ctx.api.ballot([...d.choices]);
            ctx.notify({ kind: "success", text: () => t("ballotCast") });
          }),
        "primary",
      ),
    );
  },
});
