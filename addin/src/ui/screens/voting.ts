/**
 * Bỏ phiếu (secretariat): for an electronic (sealed) vote, hand out the trustees' codes and the voter codes, then close
 * the ballot box for the trustees to decrypt the sums; for a paper vote, enter the counted ballots as rows of ticks
 * against unit names (with the running count of valid and invalid ballots before saving); count the votes.
 */
import { checkBallot } from "../../../../shared/src/index.ts";
import type { ElectionAnswer, TallyAnswer } from "../../api.ts";
import { errorText, plural, points, t } from "../../i18n.ts";
import { h } from "../dom.ts";
import { defineScreen, type PaneContext } from "../screen.ts";
import { tw } from "../webText.ts";
import { openPrintSheet, voterSlipSheet } from "./slips.ts";

/** The voter slips of the codes just issued: one per unit, in the period's member order (screens/slips.ts). */
function printVoterSlips(ctx: PaneContext, codes: readonly { unitId: string; code: string }[]) {
  const p = ctx.period;
  const bloc = ctx.session.bundle?.bloc.name ?? p?.blocId ?? "";
  const order = p?.members ?? [];
  const slips = [...codes]
    .sort((a, b) => order.indexOf(a.unitId) - order.indexOf(b.unitId))
    .map((c) => ({ unitId: c.unitId, unitName: ctx.unitName(c.unitId), code: c.code }));
  openPrintSheet(
    "slipsFor",
    { count: slips.length },
    voterSlipSheet({ origin: ctx.appOrigin, blocName: bloc, year: p?.year ?? 0, slips }),
  );
}

interface VotingDrafts {
  codes: { unitId: string; code: string }[];
  trusteeCodes: { trusteeId: string; name: string; code: string }[];
  /** Paper ballots being entered: the units ticked on each. */
  paper: string[][];
  tally: TallyAnswer | null;
  /** The vote's public state, fetched with the tally: whether the box is closed and who decrypted. */
  election: ElectionAnswer | null;
  /** The council's reason for declaring the vote failed, and whether it was asked for in vain. */
  failReason: string;
  failReasonMissing: boolean;
}

/**
 * The council's way out of a sealed vote whose tally cannot be decrypted (a trustee lost the key): shown to the council
 * only, with the box closed and the tally incomplete; a required reason and a plain confirmation before it is sent.
 */
function failVoteForm(ctx: PaneContext, d: VotingDrafts) {
  const e = d.election;
  const stuck =
    ctx.state.me.role === "council" &&
    ctx.period?.state === "voting" &&
    e?.channel === "electronic" &&
    e.boxClosed &&
    d.tally !== null &&
    d.tally.tally === null;
  if (!stuck) return null;
  const reason = h("textarea", { id: "fail-reason", class: "input", rows: 2 }) as HTMLTextAreaElement;
  reason.value = d.failReason;
  reason.addEventListener("input", () => {
    d.failReason = reason.value;
  });
  const send = async () => {
    const text = d.failReason.trim();
    d.failReasonMissing = text === "";
    if (d.failReasonMissing) {
      ctx.focus("fail-reason");
      ctx.render();
      return;
    }
    if ((await ctx.confirm({ text: () => t("confirmFailVote", { reason: text }), confirm: "failVote" })) !== "confirm")
      return;
    await ctx.run("stepSending", async () => {
      await ctx.api.failVote(ctx.state.periodId, text);
      d.failReason = "";
      d.tally = await ctx.api.tally(ctx.state.periodId);
      d.election = await ctx.api.election(ctx.state.periodId);
      ctx.notify({ kind: "success", text: () => t("voteFailedOk") });
    });
  };
  return h(
    "div",
    { class: "stack", id: "fail-vote" },
    h("h3", {}, t("failVoteTitle")),
    h(
      "p",
      { class: "hint" },
      t("failVoteHint", { done: e.trustees.filter((x) => x.decrypted).length, all: e.trustees.length }),
    ),
    h("label", { class: "field", for: "fail-reason" }, h("span", {}, t("failVoteReason")), reason),
    d.failReasonMissing
      ? h("p", { class: "error", id: "fail-reason-error", role: "alert" }, t("failVoteReasonRequired"))
      : null,
    h(
      "div",
      { class: "actions" },
      ctx.button("fail-vote-send", "failVote", () => void send()),
    ),
  );
}

/** The member units, in the bundle's order, and how many a ballot may choose. */
function ballotRules(ctx: PaneContext) {
  const b = ctx.session.bundle;
  const members = ctx.period?.members ?? b?.units.map((u) => u.id) ?? [];
  return { members, max: b?.rulebook.choicesPerBallot ?? members.length };
}

/** The paper ballots as rows: one fieldset per ballot, a tick per unit, its validity said beside it. */
function paperRows(ctx: PaneContext, d: VotingDrafts) {
  const { members, max } = ballotRules(ctx);
  const problems = d.paper.map((choices) => checkBallot({ choices }, members, max));
  const invalid = problems.filter(Boolean).length;
  return h(
    "div",
    { class: "stack", id: "paper" },
    h("h3", {}, t("paperBallots")),
    h("p", { class: "hint" }, t("paperHint", { max })),
    d.paper.map((choices, i) =>
      h(
        "fieldset",
        { class: "ballot-row", id: `paper-${i}`, "data-invalid": problems[i] ? "true" : "false" },
        h("legend", {}, t("paperBallotN", { n: i + 1 })),
        members.map((unitId, j) => {
          const cb = h("input", {
            type: "checkbox",
            id: `paper-${i}-${j}`,
            value: unitId,
            checked: choices.includes(unitId),
          }) as HTMLInputElement;
          cb.addEventListener("change", () => {
            const now = d.paper[i] ?? [];
            d.paper[i] = cb.checked ? [...now, unitId] : now.filter((c) => c !== unitId);
            ctx.render();
          });
          return h("label", { class: "check" }, cb, ctx.unitName(unitId));
        }),
        problems[i] ? h("p", { class: "ballot-invalid" }, errorText(problems[i]!)) : null,
        h(
          "button",
          {
            type: "button",
            class: "link",
            id: `paper-remove-${i}`,
            onclick: () => {
              d.paper.splice(i, 1);
              ctx.focus(d.paper.length ? `paper-${Math.min(i, d.paper.length - 1)}-0` : "paper-add");
              ctx.render();
            },
          },
          t("paperRemove", { n: i + 1 }),
        ),
      ),
    ),
    h(
      "p",
      { id: "paper-count", role: "status" },
      plural("paperCount", d.paper.length, { valid: d.paper.length - invalid, invalid }),
    ),
    h(
      "div",
      { class: "actions" },
      ctx.button("paper-add", "paperAdd", () => {
        d.paper.push([]);
        ctx.focus(`paper-${d.paper.length - 1}-0`);
        ctx.render();
      }),
      d.paper.length
        ? ctx.button(
            "save-paper",
            "savePaper",
            () =>
              void ctx.run("stepSending", async () => {
                const ballots = d.paper.map((choices) => ({ choices }));
                await ctx.api.paperBallots(ctx.state.periodId, ballots);
                d.paper = [];
                ctx.notify({
                  kind: "success",
                  text: () => plural("paperSaved", ballots.length, { count: ballots.length }),
                });
              }),
            "primary",
          )
        : null,
    ),
  );
}

export const votingScreen = defineScreen<VotingDrafts>({
  id: "voting",
  roles: ["secretariat", "council"],
  label: "votingTitle",
  shows: (ctx) => ctx.period?.state === "voting" || ctx.period?.state === "closed",
  initial: () => ({
    codes: [],
    trusteeCodes: [],
    paper: [],
    tally: null,
    election: null,
    failReason: "",
    failReasonMissing: false,
  }),
  render(ctx, d) {
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
                    "fluent-button",
                    { id: "print-slips", appearance: "primary", onclick: () => printVoterSlips(ctx, d.codes) },
                    tw("printSlips"),
                  ),
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
            paperRows(ctx, d),
          ]
        : null,
      ctx.button(
        "tally",
        "tally",
        () =>
          void ctx.run("stepLoading", async () => {
            d.tally = await ctx.api.tally(ctx.state.periodId);
            // The council's way out of an undecryptable tally needs to know whether the box is closed.
            if (ctx.state.me.role === "council" && ctx.period?.state === "voting" && d.tally.tally === null)
              d.election = await ctx.api.election(ctx.state.periodId);
          }),
      ),
      failVoteForm(ctx, d),
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
            tally.tally.failedReason !== undefined
              ? h("p", { id: "tally-failed" }, t("tallyDeclaredFailed", { reason: tally.tally.failedReason }))
              : h("p", {}, t("tallyQuorum", { yes: tally.tally.quorumMet ? t("yes") : t("no") })),
            h(
              "ul",
              {},
              tally.tally.units.map((u) =>
                h(
                  "li",
                  {},
                  plural("tallyUnit", u.votes, {
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
