/** Mã truy cập: the secretariat issues a new clerk's code for a member unit, lists the codes in use, revokes one. */
import type { AccessToken } from "../../api.ts";
import { dateTime, t } from "../../i18n.ts";
import { h } from "../dom.ts";
import { defineScreen } from "../screen.ts";

interface AccessDrafts {
  unit: string;
  label: string;
  /** The code just issued: shown once. */
  newCode: { who: string; unitId: string; code: string } | null;
  list: AccessToken[] | null;
}

export const accessScreen = defineScreen<AccessDrafts>({
  id: "access",
  roles: ["secretariat", "council"],
  label: "accessTitle",
  // A bloc's secretariat manages the codes of the units of the periods it runs now (not published).
  shows: (ctx) => ctx.period?.state !== "closed" || ctx.state.me.role === "council",
  initial: () => ({ unit: "", label: "", newCode: null, list: null }),
  render(ctx, d) {
    const status = ctx.state.status;
    d.unit ||= status[0]?.unitId ?? "";
    const unit = h(
      "select",
      { id: "access-unit", class: "input", "aria-label": t("colUnit") },
      status.map((u) => h("option", { value: u.unitId, selected: u.unitId === d.unit }, ctx.unitName(u.unitId))),
    ) as HTMLSelectElement;
    unit.addEventListener("change", () => {
      d.unit = unit.value;
    });
    const who = h("input", { id: "access-label", class: "input", value: d.label }) as HTMLInputElement;
    who.addEventListener("input", () => {
      d.label = who.value;
    });
    const now = Date.now();
    const inUse = (d.list ?? []).filter(
      (k) => !k.revokedAt && (!k.expiresAt || Date.parse(k.expiresAt) > now) && k.role === "clerk",
    );
    const loadList = async () => {
      d.list = await ctx.api.tokens();
    };
    return h(
      "section",
      { class: "card", "aria-labelledby": "access-title" },
      h("h2", { id: "access-title" }, t("accessTitle")),
      h("p", { class: "hint" }, t("accessHint")),
      h("label", { class: "field", for: "access-unit" }, h("span", {}, t("colUnit")), unit),
      h("label", { class: "field", for: "access-label" }, h("span", {}, t("accessLabel")), who),
      ctx.button(
        "issue-clerk-code",
        "issueClerkCode",
        () =>
          void ctx.run("stepSending", async () => {
            const label = d.label.trim() || ctx.unitName(d.unit);
            const made = await ctx.api.issueToken({ role: "clerk", unitId: d.unit, label });
            d.newCode = { who: made.label, unitId: d.unit, code: made.token };
            d.label = "";
            if (d.list) await loadList();
          }),
      ),
      d.newCode
        ? h(
            "div",
            { class: "notice info", id: "new-code" },
            h("p", {}, t("codesShownOnce")),
            h(
              "p",
              {},
              t("newClerkCode", { who: d.newCode.who, unit: ctx.unitName(d.newCode.unitId) }),
              h("code", { class: "mono", id: "new-code-value" }, d.newCode.code),
            ),
          )
        : null,
      ctx.button("list-codes", "listCodes", () => void ctx.run("stepLoading", loadList)),
      d.list
        ? inUse.length
          ? h(
              "ul",
              { class: "status-list", id: "codes-in-use" },
              inUse.map((k) =>
                h(
                  "li",
                  { class: "status-row", "data-token": k.id },
                  h(
                    "div",
                    {},
                    t("codeLine", { who: k.label, unit: ctx.unitName(k.unitId ?? ""), at: dateTime(k.createdAt) }),
                  ),
                  h(
                    "fluent-button",
                    {
                      appearance: "secondary",
                      "data-revoke": k.id,
                      disabled: ctx.running,
                      onclick: () =>
                        void ctx.run("stepSending", async () => {
                          await ctx.api.revokeToken(k.id);
                          if (d.newCode && k.label === d.newCode.who) d.newCode = null;
                          await loadList();
                          ctx.notify({ kind: "success", text: () => t("codeRevoked", { who: k.label }) });
                        }),
                    },
                    t("revokeCode"),
                  ),
                ),
              ),
            )
          : h("p", { class: "hint", id: "codes-in-use" }, t("noCodes"))
        : null,
    );
  },
});
