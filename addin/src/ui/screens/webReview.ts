/**
 * Thẩm định trên web: the secretariat (or the council) enters a unit's reviewed scores in an HTML form, one row per
 * criterion beside the unit's own score, instead of the pane's review sheet. The form is checked by the domain core
 * (`validateEntries` in review mode: the criterion's maximum and step) before anything is sent, each problem shown
 * at its criterion's field, and is sent through the same review route as the pane (`PUT .../review`, with the
 * review's revision as the base, so two reviewers cannot overwrite each other unseen).
 */
import { type DomainError, leavesOf, toNumber, validateEntries } from "../../../../shared/src/index.ts";
import { ApiFailure, type WireEntry } from "../../api.ts";
import { errorText, points, t } from "../../i18n.ts";
import { newClientId } from "../../session.ts";
import { h } from "../dom.ts";
import { defineScreen, type PaneContext } from "../screen.ts";
import { tw } from "../webText.ts";

interface Loaded {
  periodId: string;
  unitId: string;
  /** The unit's latest self-scores by criterion (its own sheet). */
  self: Map<string, number | null>;
  /** The review's revision the form starts from (null: never reviewed). */
  reviewRevision: number | null;
}

interface WebReviewDrafts {
  unitId: string;
  loaded: Loaded | null;
  loading: boolean;
  /** What is typed, by criterion (kept across redraws and language switches). */
  typed: Record<string, string>;
  errors: DomainError[];
  failed: (() => string) | null;
}

const fieldId = (criterion: string) => `review-score-${criterion.replace(/[^A-Za-z0-9_-]/g, "_")}`;

/** Reads the chosen unit's own scores and its current review, once per unit and period. */
function load(ctx: PaneContext, d: WebReviewDrafts) {
  const periodId = ctx.state.periodId;
  const unitId = d.unitId;
  if (!unitId || d.loading || (d.loaded?.unitId === unitId && d.loaded.periodId === periodId)) return;
  const status = ctx.state.status.find((u) => u.unitId === unitId);
  d.loading = true;
  d.failed = null;
  Promise.all([
    status?.latestRevision ? ctx.api.revision(periodId, unitId, status.latestRevision) : Promise.resolve(null),
    ctx.api.reviewed(periodId, unitId).catch((e: unknown) => {
      if (e instanceof ApiFailure && e.status === 404) return null;
      throw e;
    }),
  ])
    .then(([own, review]) => {
      const self = new Map((own?.entries ?? []).map((e: WireEntry) => [e.criterion, e.score]));
      d.loaded = { periodId, unitId, self, reviewRevision: review?.revision ?? null };
      d.typed = Object.fromEntries(
        (review?.entries ?? [])
          .filter((e) => e.score !== null)
          .map((e) => [e.criterion, points(e.score).replace(/^–$/, "")]),
      );
      d.errors = [];
    })
    .catch((e: unknown) => {
      d.failed = () => ctx.failureText(e);
    })
    .finally(() => {
      d.loading = false;
      ctx.render();
    });
}

/** Checks the typed scores with the core and, when they hold, saves them as the unit's review. */
async function save(ctx: PaneContext, d: WebReviewDrafts) {
  const template = ctx.session.bundle?.template;
  const loaded = d.loaded;
  if (!template || !loaded) return;
  const inputs = Object.entries(d.typed)
    .filter(([, v]) => v.trim() !== "")
    .map(([criterion, score]) => ({ criterion, score }));
  const checked = validateEntries(template, inputs, "review");
  d.errors = checked.errors;
  if (checked.errors.length) {
    ctx.notify({ kind: "error", text: () => t("problems", { count: d.errors.length }) });
    return;
  }
  const unitId = loaded.unitId;
  await ctx.run("stepSending", async () => {
    try {
      await ctx.api.review(loaded.periodId, unitId, {
        baseRevision: loaded.reviewRevision,
        clientId: newClientId(),
        entries: checked.entries
          .filter((e) => e.score !== null)
          .map((e) => ({ criterion: e.criterion, score: toNumber(e.score!), evidence: "", note: "" })),
        note: "",
      });
    } catch (e) {
      if (e instanceof ApiFailure && e.details.some((x) => x.criterion)) {
        d.errors = e.details;
        ctx.notify({ kind: "error", text: () => t("problems", { count: d.errors.length }) });
        return;
      }
      throw e;
    }
    d.loaded = null;
    ctx.notify({ kind: "success", text: () => t("reviewSaved", { unit: ctx.unitName(unitId) }) });
    await ctx.refreshPeriod();
  });
}

export const webReviewScreen = defineScreen<WebReviewDrafts>({
  id: "web-review",
  roles: ["secretariat", "council"],
  label: "reviewSheet",
  shows: (ctx) => ctx.web && (ctx.period?.state === "review" || ctx.period?.state === "voting"),
  initial: () => ({ unitId: "", loaded: null, loading: false, typed: {}, errors: [], failed: null }),
  render(ctx, d) {
    const template = ctx.session.bundle?.template;
    const units = ctx.state.status.filter((u) => u.latestRevision);
    if (!d.unitId || !units.some((u) => u.unitId === d.unitId)) d.unitId = units[0]?.unitId ?? "";
    const select = h(
      "select",
      { id: "web-review-unit", class: "input" },
      units.map((u) => h("option", { value: u.unitId, selected: u.unitId === d.unitId }, ctx.unitName(u.unitId))),
    ) as HTMLSelectElement;
    select.addEventListener("change", () => {
      d.unitId = select.value;
      d.loaded = null;
      d.typed = {};
      d.errors = [];
      ctx.render();
    });
    const head = [
      h("h2", { id: "web-review-title" }, tw("webReviewTitle")),
      h("p", { class: "hint" }, tw("webReviewHint")),
      h("label", { class: "field", for: "web-review-unit" }, h("span", {}, t("colUnit")), select),
    ];
    const section = (...body: (HTMLElement | null)[]) =>
      h("section", { class: "card", id: "web-review", "aria-labelledby": "web-review-title" }, ...head, ...body);
    if (!template || !d.unitId) return section(h("p", { class: "hint" }, tw("webReviewNone")));
    load(ctx, d);
    if (d.failed) return section(h("p", { class: "notice error", role: "alert" }, d.failed()));
    const loaded = d.loaded;
    if (!loaded || loaded.unitId !== d.unitId) return section(h("p", { class: "hint", role: "status" }, t("working")));
    const byCriterion = new Map<string, DomainError[]>();
    for (const e of d.errors)
      if (e.criterion) byCriterion.set(e.criterion, [...(byCriterion.get(e.criterion) ?? []), e]);
    const rows = leavesOf(template).map((leaf) => {
      const id = fieldId(leaf.code);
      const errs = byCriterion.get(leaf.code) ?? [];
      const input = h("input", {
        id,
        class: "input score",
        type: "text",
        inputmode: "decimal",
        autocomplete: "off",
        value: d.typed[leaf.code] ?? "",
        "aria-invalid": errs.length ? "true" : null,
        "aria-describedby": errs.length ? `${id}-error` : null,
        "data-criterion": leaf.code,
      }) as HTMLInputElement;
      input.addEventListener("input", () => {
        d.typed[leaf.code] = input.value;
      });
      const own = loaded.self.get(leaf.code);
      return h(
        "tr",
        { "data-criterion": leaf.code, class: errs.length ? "invalid" : null },
        h("td", {}, leaf.code),
        h("th", { scope: "row" }, h("label", { for: id }, leaf.title)),
        h("td", { class: "num" }, points(toNumber(leaf.max))),
        h("td", { class: "num", "data-self": own ?? "" }, points(own ?? null)),
        h(
          "td",
          {},
          input,
          errs.length
            ? h("div", { class: "field-error", id: `${id}-error`, role: "alert" }, errs.map(errorText).join(" "))
            : null,
        ),
      );
    });
    const form = h(
      "form",
      { id: "web-review-form", novalidate: true },
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "data" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              [tw("colCode"), tw("colCriterion"), tw("colMax"), tw("colSelf"), tw("colReviewed")].map((x) =>
                h("th", { scope: "col" }, x),
              ),
            ),
          ),
          h("tbody", {}, rows),
        ),
      ),
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          { type: "submit", class: "btn primary", id: "web-review-save", disabled: ctx.running },
          t("pushReview"),
        ),
      ),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      // The fields' values as they are now (a key press may not have fired `input` in every browser yet).
      for (const el of form.querySelectorAll<HTMLInputElement>("input[data-criterion]"))
        d.typed[el.dataset.criterion!] = el.value;
      void save(ctx, d).then(() => {
        ctx.render();
        if (d.errors.length) {
          const first = d.errors.find((x) => x.criterion)?.criterion;
          if (first) document.getElementById(fieldId(first))?.focus();
        }
      });
    });
    return section(form);
  },
});
