/**
 * Quy chế: the council fills the rulebook form, prefilled from a preset that states its basis or from the bloc's
 * rulebook of last year, for every field (bonus cap, bands with share and floor, tie-break order, choices per
 * ballot, quorum, share base, threshold and its rule, awards, the council's share); the core's `checkRulebookDraft`
 * puts each problem under its field; then it is published as a new version. Quotas and thresholds live here, in
 * rulebooks, never in code.
 */
import {
  checkRulebookDraft,
  type DomainError,
  RULEBOOK_PRESETS,
  type Rulebook,
  rulebookFromLastYear,
  rulebookFromPreset,
  type Template,
} from "../../../../shared/src/index.ts";
import { errorText, locale, t } from "../../i18n.ts";
import { setupApi } from "../../setupApi.ts";
import { h } from "../dom.ts";
import { defineScreen } from "../screen.ts";
import { blocChoices, latestVersions, reloadSetup, setupData, setupShows } from "./setupData.ts";
import { checkField, selectField, textField } from "./setupForm.ts";

interface RulebookDrafts {
  source: string;
  /** The bloc the rulebook is for (and whose last year's it starts from); "" every bloc; null: the first offered. */
  blocId: string | null;
  templateRef: string;
  draft: Rulebook | null;
  problems: DomainError[];
}

const LAST_YEAR = "last-year";

/** Numbers as typed: "2,5" or "2.5"; what is not a number stays as typed, for the schema to refuse on its field. */
function num(v: string): number {
  const n = Number(v.trim().replace(",", "."));
  return v.trim() === "" || Number.isNaN(n) ? Number.NaN : n;
}

export const setupRulebookScreen = defineScreen<RulebookDrafts>({
  id: "setup-rulebook",
  roles: ["council", "secretariat"],
  shows: setupShows,
  label: "setupRulebookTitle",
  initial: () => ({ source: RULEBOOK_PRESETS[0]!.key, blocId: null, templateRef: "", draft: null, problems: [] }),
  render(ctx, d) {
    const data = setupData(ctx);
    const forBlocs = blocChoices(ctx, data?.blocs ?? []);
    const templates = latestVersions(data?.templates ?? []);
    // Until the person chooses, the first bloc offered (the list may still be loading, or gain a bloc).
    if (d.blocId !== null && !forBlocs.some((b) => b.value === d.blocId)) d.blocId = null;
    const blocId = d.blocId ?? forBlocs[0]?.value ?? "";
    d.templateRef ||= templates[0] ? `${templates[0].id}@${templates[0].version}` : "";
    const year = new Date().getFullYear();
    const meta = () => ({
      id: d.draft?.id ?? `${blocId || "quy-che"}-qc-${year}`,
      name: d.draft?.name ?? t("setupRulebookDefaultName", { year }),
      version: d.draft?.version ?? 1,
    });
    const fill = () =>
      void ctx.run("stepLoading", async () => {
        d.problems = [];
        if (d.source !== LAST_YEAR) {
          d.draft = rulebookFromPreset(d.source, meta());
          return;
        }
        // Last year's: the rulebook of the bloc's latest period.
        const periods = blocId ? await setupApi.blocPeriods(ctx.api, blocId) : [];
        const last = [...periods].sort((a, b) => b.year - a.year)[0];
        if (!last) {
          ctx.notify({ kind: "warning", text: () => t("setupNoLastYear") });
          return;
        }
        const previous = await setupApi.rulebook(ctx.api, last.rulebookId, last.rulebookVersion);
        d.draft = rulebookFromLastYear(previous, { ...meta(), id: `${blocId}-qc-${last.year + 1}` });
      });
    const publish = () =>
      void ctx.run("stepSending", async () => {
        const [tid, tv] = d.templateRef.split("@");
        const template: Template | undefined =
          tid && tv ? await setupApi.template(ctx.api, tid, Number(tv)).catch(() => undefined) : undefined;
        const checked = checkRulebookDraft(d.draft, template);
        d.problems = checked.problems;
        if (!checked.rulebook) {
          ctx.notify({
            kind: "error",
            text: () => t("setupRulebookProblems", { n: d.problems.length }),
            items: ctx.problems(d.problems),
          });
          return;
        }
        const made = await setupApi.publishRulebook(ctx.api, checked.rulebook, blocId);
        await reloadSetup(ctx);
        ctx.notify({
          kind: "success",
          text: () => t("setupRulebookPublished", { id: made.id, version: made.version }),
        });
      });

    const preset = RULEBOOK_PRESETS.find((p) => p.key === d.source);
    return h(
      "section",
      { class: "card", "aria-labelledby": "setup-rulebook-title", id: "setup-rulebook" },
      h("h2", { id: "setup-rulebook-title" }, t("setupRulebookTitle")),
      h("p", { class: "hint" }, t("setupRulebookHint")),
      selectField(
        "rulebook-source",
        "setupRulebookSource",
        [
          ...RULEBOOK_PRESETS.map((p) => ({ value: p.key, text: p.name[locale()] })),
          { value: LAST_YEAR, text: t("setupLastYear") },
        ],
        d.source,
        (v) => {
          d.source = v;
          ctx.render();
        },
      ),
      preset ? h("p", { class: "hint", id: "preset-basis" }, preset.basis[locale()]) : null,
      selectField("rulebook-bloc", "setupForBloc", forBlocs, blocId, (v) => {
        d.blocId = v;
      }),
      ctx.button("fill-rulebook", "setupFillRulebook", fill, d.draft ? "secondary" : "primary"),
      d.draft ? form(d, d.draft, templates) : null,
      d.draft ? ctx.button("publish-rulebook", "setupPublishRulebook", publish, "primary") : null,
    );
  },
});

function form(d: RulebookDrafts, r: Rulebook, templates: { id: string; version: number; name: string }[]) {
  const err = (path: string) => {
    const found = d.problems.filter((p) => p.path === path);
    return found.length ? found.map((p) => errorText(p)).join(" ") : null;
  };
  const field = (
    id: string,
    label: Parameters<typeof textField>[1],
    path: string,
    value: unknown,
    set: (v: string) => void,
  ) => textField(id, label, value === undefined || Number.isNaN(value) ? "" : String(value), set, { error: err(path) });
  const bandOptions = r.bands.map((b) => ({ value: b.key, text: b.label[locale()] }));
  return h(
    "div",
    { class: "stack", id: "rulebook-form" },
    field("rb-id", "setupRulebookId", "/id", r.id, (v) => {
      r.id = v.trim();
    }),
    field("rb-name", "setupRulebookName", "/name", r.name, (v) => {
      r.name = v;
    }),
    field("rb-version", "setupVersion", "/version", r.version, (v) => {
      r.version = num(v);
    }),
    field("rb-basis", "setupLegalBasis", "/legalBasis", r.legalBasis, (v) => {
      r.legalBasis = v;
    }),
    selectField(
      "rb-template",
      "setupCheckAgainst",
      [
        { value: "", text: "—" },
        ...templates.map((x) => ({ value: `${x.id}@${x.version}`, text: `${x.id} v${x.version}` })),
      ],
      d.templateRef,
      (v) => {
        d.templateRef = v;
      },
    ),
    h(
      "div",
      { class: "row-fields" },
      field("rb-bonus-cap", "setupBonusCap", "/bonusCap", r.bonusCap, (v) => {
        r.bonusCap = num(v);
      }),
      field("rb-choices", "setupChoices", "/choicesPerBallot", r.choicesPerBallot, (v) => {
        r.choicesPerBallot = num(v);
      }),
    ),
    h(
      "div",
      { class: "row-fields" },
      field("rb-quorum-num", "setupQuorumNum", "/quorum", r.quorum.num, (v) => {
        r.quorum.num = num(v);
      }),
      field("rb-quorum-den", "setupQuorumDen", "/quorum/den", r.quorum.den, (v) => {
        r.quorum.den = num(v);
      }),
      selectField(
        "rb-share-base",
        "setupShareBase",
        [
          { value: "members", text: t("setupShareMembers") },
          { value: "valid", text: t("setupShareValid") },
        ],
        r.shareBase,
        (v) => {
          r.shareBase = v === "valid" ? "valid" : "members";
        },
      ),
    ),
    h(
      "div",
      { class: "row-fields" },
      field("rb-threshold-num", "setupThresholdNum", "/threshold", r.threshold.num, (v) => {
        r.threshold.num = num(v);
      }),
      field("rb-threshold-den", "setupThresholdDen", "/threshold/den", r.threshold.den, (v) => {
        r.threshold.den = num(v);
      }),
      selectField(
        "rb-threshold-rule",
        "setupThresholdRule",
        [
          { value: "gt", text: t("setupRuleGt") },
          { value: "gte", text: t("setupRuleGte") },
        ],
        r.thresholdRule,
        (v) => {
          r.thresholdRule = v === "gte" ? "gte" : "gt";
        },
      ),
    ),
    h(
      "div",
      { class: "row-fields" },
      field("rb-council-num", "setupCouncilNum", "/councilShare", r.councilShare.num, (v) => {
        r.councilShare.num = num(v);
      }),
      field("rb-council-den", "setupCouncilDen", "/councilShare/den", r.councilShare.den, (v) => {
        r.councilShare.den = num(v);
      }),
    ),
    textField(
      "rb-tie-break",
      "setupTieBreak",
      r.tieBreak.join(", "),
      (v) => {
        r.tieBreak = v
          .split(/[,;]\s*/)
          .map((x) => x.trim())
          .filter(Boolean) as Rulebook["tieBreak"];
      },
      {
        hint: t("setupTieBreakHint"),
        error: [err("/tieBreak"), ...r.tieBreak.map((_, i) => err(`/tieBreak/${i}`))].filter(Boolean).join(" ") || null,
      },
    ),
    h("h3", {}, t("setupBands")),
    r.bands.map((b, i) =>
      h(
        "fieldset",
        { class: "row-fields", "data-band": b.key },
        h("legend", {}, b.label[locale()]),
        field(`rb-band-${i}-label`, "setupBandLabel", `/bands/${i}/label`, b.label.vi, (v) => {
          b.label.vi = v;
        }),
        field(`rb-band-${i}-min`, "setupBandMin", `/bands/${i}/minPct`, b.minPct, (v) => {
          b.minPct = num(v);
        }),
        field(`rb-band-${i}-floor`, "setupBandFloor", `/bands/${i}/floorPct`, b.floorPct, (v) => {
          b.floorPct = num(v);
        }),
        checkField(`rb-band-${i}-clean`, t("setupBandNoViolation"), b.requireNoViolation, (on) => {
          b.requireNoViolation = on;
        }),
      ),
    ),
    h("h3", {}, t("setupAwards")),
    r.awards.map((a, i) =>
      h(
        "fieldset",
        { class: "row-fields", "data-award": a.key },
        h("legend", {}, a.name[locale()]),
        field(`rb-award-${i}-name`, "setupAwardName", `/awards/${i}/name`, a.name.vi, (v) => {
          a.name.vi = v;
        }),
        field(`rb-award-${i}-count`, "setupAwardCount", `/awards/${i}/maxCount`, a.maxCount, (v) => {
          a.maxCount = num(v);
        }),
        selectField(
          `rb-award-${i}-band`,
          "setupAwardBand",
          [
            ...bandOptions,
            ...(bandOptions.some((o) => o.value === a.minBand) ? [] : [{ value: a.minBand, text: a.minBand }]),
          ],
          a.minBand,
          (v) => {
            a.minBand = v;
          },
          { error: err(`/awards/${i}/minBand`) },
        ),
        checkField(`rb-award-${i}-vote`, t("setupAwardVote"), a.requiresVote, (on) => {
          a.requiresVote = on;
        }),
        checkField(`rb-award-${i}-violation`, t("setupAwardViolation"), a.violationExcludes, (on) => {
          a.violationExcludes = on;
        }),
      ),
    ),
    d.problems.some((p) => p.path === "/")
      ? h(
          "p",
          { class: "field-error" },
          d.problems
            .filter((p) => p.path === "/")
            .map((p) => errorText(p))
            .join(" "),
        )
      : null,
  );
}
