/**
 * Kỳ thi đua và mã truy cập: the council (or, for its own bloc, the bloc's secretariat) creates a bloc's period for a year (template and rulebook versions, the
 * deadline as a date and a time in Vietnam, the member units, from the bloc's composition), opens it, and issues the
 * codes of the bloc's secretariat, board and every member unit's clerk. Each code is shown once, with a copy button
 * and a printable A4 sheet of cut-out slips (role, unit, code, the server's address).
 */
import {
  checkTrustees,
  type DomainError,
  periodFromBloc,
  trusteesFromNames,
  vietnamDeadline,
} from "../../../../shared/src/index.ts";
import { ApiFailure } from "../../api.ts";
import { errorText, t, type UiKey } from "../../i18n.ts";
import { setupApi } from "../../setupApi.ts";
import { h } from "../dom.ts";
import { defineScreen, type PaneContext } from "../screen.ts";
import { latestVersions, setupBlocs, setupData, setupShows } from "./setupData.ts";
import { checkField, fieldError, selectField, textField } from "./setupForm.ts";

interface Slip {
  role: "secretariat" | "board" | "clerk";
  who: string;
  unit: string;
  code: string;
}

interface PeriodDrafts {
  blocId: string;
  year: string;
  templateRef: string;
  rulebookRef: string;
  date: string;
  time: string;
  /** Members chosen for the period; null: the bloc's composition. */
  members: string[] | null;
  /** Người giữ khoá, as typed (one name per field); blank fields are ignored. */
  trustees: string[];
  /** The trustees' problems from the last attempt, shown under the fields. */
  trusteeProblems: DomainError[];
  /** The codes just issued: shown once, until the screen is left. */
  slips: Slip[];
}

const ROLE_KEY: Record<Slip["role"], UiKey> = {
  secretariat: "role_secretariat",
  board: "role_board",
  clerk: "role_clerk",
};

export const setupPeriodScreen = defineScreen<PeriodDrafts>({
  id: "setup-period",
  roles: ["council", "secretariat"],
  shows: setupShows,
  label: "setupPeriodTitle",
  initial: () => ({
    blocId: "",
    year: String(new Date().getFullYear()),
    templateRef: "",
    rulebookRef: "",
    date: "",
    time: "17:00",
    members: null,
    trustees: ["", ""],
    trusteeProblems: [],
    slips: [],
  }),
  render(ctx, d) {
    const data = setupData(ctx);
    const blocs = setupBlocs(ctx, data?.blocs ?? []);
    const units = data?.units ?? [];
    const templates = latestVersions(data?.templates ?? []);
    const rulebooks = latestVersions(data?.rulebooks ?? []);
    d.blocId ||= blocs[0]?.id ?? "";
    if (!templates.some((x) => `${x.id}@${x.version}` === d.templateRef))
      d.templateRef = templates[0] ? `${templates[0].id}@${templates[0].version}` : "";
    if (!rulebooks.some((x) => `${x.id}@${x.version}` === d.rulebookRef))
      d.rulebookRef = rulebooks[0] ? `${rulebooks[0].id}@${rulebooks[0].version}` : "";
    const bloc = blocs.find((b) => b.id === d.blocId);
    const members = d.members ?? bloc?.members ?? [];
    const unitName = (id: string) => units.find((u) => u.id === id)?.shortName ?? id;

    const create = () =>
      void ctx.run("stepSending", async () => {
        const at = vietnamDeadline(d.date, d.time);
        if (!at) {
          ctx.notify({ kind: "error", text: () => t("deadlineMissing") });
          return;
        }
        if (!bloc) return;
        const trustees = trusteesFromNames(d.trustees);
        d.trusteeProblems = checkTrustees(trustees);
        if (d.trusteeProblems.length) {
          ctx.notify({ kind: "error", text: () => d.trusteeProblems.map((p) => errorText(p)).join(" ") });
          return;
        }
        const [tid, tv] = d.templateRef.split("@");
        const [rid, rv] = d.rulebookRef.split("@");
        const period = periodFromBloc(
          bloc,
          Number(d.year),
          { id: tid ?? "", version: Number(tv) },
          { id: rid ?? "", version: Number(rv) },
          at,
          members,
          trustees,
        );
        try {
          await ctx.api.createPeriod(period);
        } catch (e) {
          if (e instanceof ApiFailure) d.trusteeProblems = e.details.filter((p) => p.path?.startsWith("/trustees"));
          if (e instanceof ApiFailure)
            ctx.notify({ kind: "error", text: () => ctx.failureText(e), items: ctx.problems(e.details) });
          else throw e;
          return;
        }
        ctx.state.periodId = period.id;
        await ctx.session.loadBundle(period.id).catch(() => null);
        await ctx.refreshPeriod();
        ctx.notify({ kind: "success", text: () => t("setupPeriodCreated", { id: period.id }) });
      });

    const period = ctx.period;
    const open = () =>
      void ctx.run("stepSending", async () => {
        if (!period) return;
        await ctx.api.transition(period.id, "open");
        await ctx.refreshPeriod();
        ctx.notify({ kind: "success", text: () => t("setupPeriodOpened", { id: period.id }) });
      });

    const issue = () =>
      void ctx.run("stepSending", async () => {
        if (!period) return;
        const blocName = blocs.find((b) => b.id === period.blocId)?.name ?? period.blocId;
        const made: Slip[] = [];
        // A bloc's secretariat already holds its code: it issues its board's and its clerks' codes.
        if (ctx.state.me.role === "council") {
          const sec = await setupApi.issue(ctx.api, {
            role: "secretariat",
            blocId: period.blocId,
            label: t("setupSecretariatLabel", { bloc: blocName }),
          });
          made.push({ role: "secretariat", who: sec.label, unit: unitName(period.leaderUnitId), code: sec.token });
        }
        const board = await setupApi.issue(ctx.api, {
          role: "board",
          blocId: period.blocId,
          label: t("setupBoardLabel", { bloc: blocName }),
        });
        made.push({ role: "board", who: board.label, unit: blocName, code: board.token });
        for (const u of period.members) {
          const c = await setupApi.issue(ctx.api, {
            role: "clerk",
            unitId: u,
            label: t("setupClerkLabel", { unit: unitName(u) }),
          });
          made.push({ role: "clerk", who: c.label, unit: unitName(u), code: c.token });
        }
        d.slips = made;
        ctx.notify({ kind: "success", text: () => t("setupCodesIssued", { n: made.length }) });
      });

    return h(
      "section",
      { class: "card", "aria-labelledby": "setup-period-title", id: "setup-period" },
      h("h2", { id: "setup-period-title" }, t("setupPeriodTitle")),
      h("p", { class: "hint" }, t("setupPeriodHint")),
      selectField(
        "period-bloc",
        "setupBlocChoice",
        blocs.map((b) => ({ value: b.id, text: b.name })),
        d.blocId,
        (v) => {
          d.blocId = v;
          d.members = null;
          ctx.render();
        },
      ),
      textField("period-year", "setupYear", d.year, (v) => {
        d.year = v;
      }),
      selectField(
        "period-template",
        "setupTemplateChoice",
        templates.map((x) => ({ value: `${x.id}@${x.version}`, text: `${x.name} (${x.id} v${x.version})` })),
        d.templateRef,
        (v) => {
          d.templateRef = v;
        },
      ),
      selectField(
        "period-rulebook",
        "setupRulebookChoice",
        rulebooks.map((x) => ({ value: `${x.id}@${x.version}`, text: `${x.name} (${x.id} v${x.version})` })),
        d.rulebookRef,
        (v) => {
          d.rulebookRef = v;
        },
      ),
      h(
        "div",
        { class: "row-fields" },
        textField(
          "period-date",
          "setupDeadlineDate",
          d.date,
          (v) => {
            d.date = v;
          },
          { type: "date" },
        ),
        textField(
          "period-time",
          "setupDeadlineTime",
          d.time,
          (v) => {
            d.time = v;
          },
          { type: "time" },
        ),
      ),
      h("p", { class: "hint" }, t("setupDeadlineHint")),
      h(
        "fieldset",
        { class: "stack", id: "period-members" },
        h("legend", {}, t("setupMembers")),
        (bloc?.members ?? []).map((u) =>
          checkField(`period-member-${u}`, unitName(u), members.includes(u), (on) => {
            d.members = on ? [...members, u] : members.filter((m) => m !== u);
          }),
        ),
      ),
      trusteeFields(ctx, d),
      ctx.button("create-period", "setupCreatePeriod", create, "primary"),
      period
        ? h(
            "div",
            { class: "stack", id: "period-actions" },
            h("p", {}, t("setupPeriodChosen", { id: period.id, state: t(`state_${period.state}` as UiKey) })),
            period.state === "draft" ? ctx.button("open-period", "setupOpenPeriod", open, "primary") : null,
            ctx.button("issue-codes", "setupIssueCodes", issue),
          )
        : null,
      d.slips.length ? slips(ctx, d.slips) : null,
    );
  },
});

/** The trustees' names, two fields to start with and more on request, each problem under its own field. */
function trusteeFields(ctx: PaneContext, d: PeriodDrafts) {
  const err = (path: string) => {
    const found = d.trusteeProblems.filter((p) => p.path === path);
    return found.length ? found.map((p) => errorText(p)).join(" ") : null;
  };
  // Problems name the trustee's place among the non-blank names; the fields may hold blanks in between.
  const filled = d.trustees.map((v, i) => ({ v, i })).filter((x) => x.v.trim() !== "");
  const errorOf = (i: number) => {
    const at = filled.findIndex((x) => x.i === i);
    return at >= 0 ? err(`/trustees/${at}`) : null;
  };
  return h(
    "fieldset",
    { class: "stack", id: "period-trustees" },
    h("legend", {}, t("setupTrustees")),
    h("p", { class: "hint", id: "period-trustees-hint" }, t("setupTrusteesHint")),
    d.trustees.map((name, i) =>
      textField(
        `period-trustee-${i + 1}`,
        t("setupTrusteeName", { n: i + 1 }),
        name,
        (v) => {
          d.trustees[i] = v;
        },
        { labelText: true, error: errorOf(i) },
      ),
    ),
    fieldError("period-trustees", err("/trustees")),
    d.trustees.length < 5
      ? ctx.button("add-trustee", "setupAddTrustee", () => {
          d.trustees.push("");
          ctx.render();
        })
      : null,
  );
}

function slips(ctx: PaneContext, list: Slip[]) {
  const server = ctx.api.base.replace(/\/api\/v1$/, "");
  const sheet = h(
    "div",
    { class: "slips", id: "slips" },
    list.map((s) =>
      h(
        "div",
        { class: "slip", "data-role": s.role, "data-unit": s.unit },
        h("div", {}, h("strong", {}, t(ROLE_KEY[s.role])), ` · ${s.unit}`),
        h("div", {}, s.who),
        h("div", { class: "mono slip-code" }, s.code),
        h("div", { class: "hint" }, t("setupSlipServer", { server })),
      ),
    ),
  );
  const print = () => {
    // The slips alone, on A4: a copy at the top of the page that the print stylesheet keeps, nothing else.
    const copy = sheet.cloneNode(true) as HTMLElement;
    copy.id = "print-codes";
    document.getElementById("print-codes")?.remove();
    document.body.append(copy);
    document.body.classList.add("printing-slips");
    globalThis.print?.();
    document.body.classList.remove("printing-slips");
  };
  return h(
    "div",
    { class: "stack", id: "issued-codes" },
    h("p", { class: "notice warning" }, t("codesShownOnce")),
    h(
      "table",
      { class: "setup-table" },
      h(
        "tbody",
        {},
        list.map((s) =>
          h(
            "tr",
            {},
            h("td", {}, t(ROLE_KEY[s.role])),
            h("td", {}, s.unit),
            h("td", { class: "mono" }, s.code),
            h(
              "td",
              {},
              h(
                "button",
                {
                  type: "button",
                  class: "problem",
                  onclick: () =>
                    void ctx.copy(s.code).then(() => {
                      ctx.notify({ kind: "info", text: () => t("setupCopied", { who: s.who }) });
                      ctx.render();
                    }),
                },
                t("setupCopy"),
              ),
            ),
          ),
        ),
      ),
    ),
    h("fluent-button", { id: "print-slips-button", appearance: "secondary", onclick: print }, t("setupPrintSlips")),
    h("h3", {}, t("setupSlipsTitle")),
    sheet,
  );
}
