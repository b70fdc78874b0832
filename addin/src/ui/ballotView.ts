/**
 * Phiếu bầu: the voter's ballot as a function of its state, drawn both by the pane's ballot screen
 * (`screens/ballot.ts`, Fluent buttons) and by the web app's own ballot page (`ballotPage.ts`, plain buttons, no
 * Fluent: it must draw in under a second on a slow phone). The member units by name; choose up to the rulebook's
 * number; a confirmation screen that lists the choice and says a ballot cannot be changed; a blank ballot only after
 * choosing it explicitly (its own button, then the same confirmation); a clear answer for a used, expired or revoked
 * code and for voting that is not open.
 */
import type { ErrorCode } from "../../../shared/src/index.ts";
import { tb } from "./ballotText.ts";
import { h } from "./dom.ts";

export type BallotPhase = "choose" | "confirm" | "done";

export interface BallotState {
  phase: BallotPhase;
  /** Unit ids chosen, in the order they were ticked. */
  chosen: string[];
  /** True once the voter pressed "blank ballot": the confirmation then lists no unit. */
  blank: boolean;
}

export const initialBallot = (): BallotState => ({ phase: "choose", chosen: [], blank: false });

export interface BallotProps {
  units: readonly { id: string; name: string }[];
  /** rulebook.choicesPerBallot */
  max: number;
  state: BallotState;
  busy: boolean;
  /** The screen's new state (the shell keeps it and redraws). */
  update(next: BallotState): void;
  /** Casts the ballot (the shell calls ApiClient.castBallot and reports failures). */
  cast(choices: string[]): void;
  /** The buttons' element: Fluent's in the pane, the browser's own on the web ballot page (default Fluent). */
  button?: "fluent-button" | "button";
}

/** The answer shown instead of the ballot when the code cannot vote, by the server's error code. */
export function ballotRefusal(code: ErrorCode | "NETWORK_ERROR" | string): string | null {
  if (code === "VOTER_CODE_USED") return tb("ballotUsed");
  if (code === "UNAUTHENTICATED") return tb("ballotInvalidCode");
  if (code === "VOTING_NOT_OPEN") return tb("ballotClosed");
  return null;
}

/** The ballot for the current state. */
export function renderBallot(p: BallotProps): HTMLElement {
  const { state, units, max } = p;
  const button = p.button ?? "fluent-button";
  const btn = (appearance: "primary" | "secondary") =>
    button === "button" ? { type: "button", class: `btn ${appearance}` } : { appearance };
  const name = (id: string) => units.find((u) => u.id === id)?.name ?? id;
  if (state.phase === "done")
    return h(
      "section",
      { class: "card ballot", "aria-labelledby": "ballot-title", id: "ballot" },
      h("h2", { id: "ballot-title" }, tb("ballotTitle")),
      h("p", { class: "notice success", role: "status", id: "ballot-done" }, tb("ballotDone")),
    );
  if (state.phase === "confirm")
    return h(
      "section",
      { class: "card ballot", "aria-labelledby": "ballot-title", id: "ballot" },
      h("h2", { id: "ballot-title" }, tb("ballotConfirmTitle")),
      state.blank
        ? h("p", { id: "ballot-summary" }, tb("ballotConfirmBlank"))
        : [
            h("p", {}, tb("ballotConfirmList")),
            h(
              "ol",
              { class: "ballot-list", id: "ballot-summary" },
              state.chosen.map((id) => h("li", {}, name(id))),
            ),
          ],
      h("p", { class: "ballot-final", id: "ballot-final" }, tb("ballotFinal")),
      h(
        "div",
        { class: "actions" },
        h(
          button,
          {
            ...btn("primary"),
            id: "ballot-confirm",
            disabled: p.busy,
            onclick: () => p.cast(state.blank ? [] : [...state.chosen]),
          },
          tb("ballotConfirm"),
        ),
        h(
          button,
          {
            ...btn("secondary"),
            id: "ballot-back",
            disabled: p.busy,
            onclick: () => p.update({ ...state, phase: "choose", blank: false }),
          },
          tb("ballotBack"),
        ),
      ),
    );
  const full = state.chosen.length >= max;
  return h(
    "section",
    { class: "card ballot", "aria-labelledby": "ballot-title", id: "ballot" },
    h("h2", { id: "ballot-title" }, tb("ballotTitle")),
    h("p", { class: "hint" }, tb("ballotChooseUpTo", { max })),
    h(
      "fieldset",
      { class: "stack", id: "ballot-units" },
      h(
        "legend",
        { class: "ballot-count", id: "ballot-count", "aria-live": "polite" },
        tb("ballotChosen", { count: state.chosen.length, max }),
      ),
      units.map((u) => {
        const on = state.chosen.includes(u.id);
        const box = h("input", {
          type: "checkbox",
          value: u.id,
          checked: on,
          // Once the rulebook's number is reached, the other units cannot be ticked (untick one first).
          disabled: !on && full,
          "data-unit": u.id,
        }) as HTMLInputElement;
        box.addEventListener("change", () => {
          const chosen = box.checked ? [...state.chosen, u.id].slice(0, max) : state.chosen.filter((x) => x !== u.id);
          p.update({ ...state, chosen });
        });
        return h("label", { class: `ballot-choice${on ? " chosen" : ""}` }, box, h("span", {}, u.name));
      }),
    ),
    full ? h("p", { class: "hint", id: "ballot-full" }, tb("ballotTooMany", { max })) : null,
    h(
      "div",
      { class: "actions" },
      h(
        button,
        {
          ...btn("primary"),
          id: "ballot-review",
          // A ballot with no unit is blank: it goes through its own button, never by pressing on with nothing ticked.
          disabled: state.chosen.length === 0 || p.busy,
          onclick: () => p.update({ ...state, phase: "confirm", blank: false }),
        },
        tb("ballotReview"),
      ),
      h(
        button,
        {
          ...btn("secondary"),
          id: "ballot-blank",
          disabled: state.chosen.length > 0 || p.busy,
          onclick: () => p.update({ phase: "confirm", chosen: [], blank: true }),
        },
        tb("ballotBlank"),
      ),
    ),
  );
}
