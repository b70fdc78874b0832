/**
 * Bỏ phiếu (secretariat): for an electronic (sealed) vote, hand out the trustees' codes and the voter codes, then close
 * the ballot box for the trustees to decrypt the sums; for a paper vote, enter the counted ballots; count the votes.
 */
import type { TallyAnswer } from "../../api.ts";
import { points, t } from "../../i18n.ts";
import { h } from "../dom.ts";
import { defineScreen } from "../screen.ts";

interface VotingDrafts {
  codes: { unitId: string; code: string }[];
  trusteeCodes: { trusteeId: string; name: string; code: string }[];
  paper: string;
  tally: TallyAnswer | null;
}

export const votingScreen = defineScreen<VotingDrafts>({
  id: "voting",
  roles: ["secretariat", "council"],
  label: "votingTitle",
  shows: (ctx) => ctx.period?.state === "voting" || ctx.period?.state === "closed",
  initial: () => ({ codes: [], trusteeCodes: [], paper: "", tally: null }),
  render(ctx, d) {
    const paper = h("textarea", { id: "paper", class: "input", rows: 4 }) as HTMLTextAreaElement;
    paper.value = d.paper;
    paper.addEventListener("input", () => {
      d.paper = paper.value;
    });
    const tally = d.tally;
    return h(
      "section",
      { class: "card", "aria-labelledby": "voting-title" },
      h("h2", { id: "voting-title" }, t("votingTitle")),
      ctx.period?.state === "voting"
        ? [
            ctx.button(
              "issue-trustee-codes",
              "issueTrusteeCodes",
              () =>
                void ctx.run("stepSending", async () => {
                  d.trusteeCodes = await ctx.api.trusteeCodes(ctx.state.periodId);
                }),
            ),
            d.trusteeCodes.length
              ? h(
                  "div",
                  { class: "notice info", id: "trustee-codes" },
                  h("p", {}, t("trusteeCodesShownOnce")),
                  h(
                    "ul",
                    { class: "mono" },
                    d.trusteeCodes.map((c) => h("li", {}, `${c.name}: ${c.code}`)),
                  ),
                )
              : null,
            ctx.button(
              "issue-codes",
              "issueCodes",
              () =>
                void ctx.run("stepSending", async () => {
                  d.codes = await ctx.api.voterCodes(ctx.state.periodId);
                }),
            ),
            d.codes.length
              ? h(
                  "div",
                  { class: "notice info", id: "codes" },
                  h("p", {}, t("codesShownOnce")),
                  h(
                    "ul",
                    { class: "mono" },
                    d.codes.map((c) => h("li", {}, `${ctx.unitName(c.unitId)}: ${c.code}`)),
                  ),
                )
              : null,
            ctx.button(
              "close-box",
              "closeBox",
              () =>
                void ctx.run("stepSending", async () => {
                  const r = await ctx.api.closeBox(ctx.state.periodId);
                  ctx.notify({
                    kind: r.failed ? "warning" : "success",
                    text: () =>
                      r.failed
                        ? t("boxClosedFailed", { returned: r.returned, needed: r.quorumNeeded })
                        : t("boxClosed", { returned: r.returned }),
                  });
                }),
            ),
            h("label", { class: "field", for: "paper" }, h("span", {}, t("paperBallots")), paper),
            h("p", { class: "hint" }, t("paperHint")),
            ctx.button(
              "save-paper",
              "savePaper",
              () =>
                void ctx.run("stepSending", async () => {
                  const ballots = d.paper.split("\n").map((l) => ({
                    choices: l
                      .split(",")
                      .map((s) => s.trim())
                      .filter(Boolean),
                  }));
                  await ctx.api.paperBallots(ctx.state.periodId, ballots);
                  ctx.notify({ kind: "success", text: () => t("paperSaved", { count: ballots.length }) });
                }),
            ),
          ]
        : null,
      ctx.button(
        "tally",
        "tally",
        () =>
          void ctx.run("stepLoading", async () => {
            d.tally = await ctx.api.tally(ctx.state.periodId);
          }),
      ),
      tally?.tally
        ? h(
            "div",
            { class: "notice info", id: "tally-result" },
            h(
              "p",
              {},
              t("tallyLine", {
                issued: tally.tally.issued,
                returned: tally.tally.returned,
                valid: tally.tally.valid,
                invalid: tally.tally.invalid,
              }),
            ),
            h("p", {}, t("tallyQuorum", { yes: tally.tally.quorumMet ? t("yes") : t("no") })),
            h(
              "ul",
              {},
              tally.tally.units.map((u) =>
                h(
                  "li",
                  {},
                  t("tallyUnit", {
                    unit: ctx.unitName(u.unitId),
                    votes: u.votes,
                    pct: points(u.sharePct / 100),
                    passed: u.passed ? t("passed") : t("notPassed"),
                  }),
                ),
              ),
            ),
          )
        : null,
    );
  },
});
