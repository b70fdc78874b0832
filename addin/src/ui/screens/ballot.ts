/**
 * The voter's screen in the pane (phiếu bầu): the ballot of `ballotView.ts` with Fluent buttons, the member units and
 * the rulebook's number from the sheet bundle, casting through the API client. The web app's /ballot address has a
 * page of its own (`ballotPage.ts`) that draws the same view without the shell.
 */
import { ApiFailure } from "../../api.ts";
import { type BallotState, ballotRefusal, initialBallot, renderBallot } from "../ballotView.ts";
import { defineScreen } from "../screen.ts";

export {
  type BallotPhase,
  type BallotProps,
  type BallotState,
  ballotRefusal,
  initialBallot,
  renderBallot,
} from "../ballotView.ts";

/** The voter's screen in the shell: the bundle's member units, the rulebook's number, casting through the API client. */
export const ballotScreen = defineScreen<{ ballot: BallotState }>({
  id: "ballot",
  roles: ["voter"],
  label: "ballotTitle",
  initial: () => ({ ballot: initialBallot() }),
  render(ctx, d) {
    const units = ctx.session.bundle?.units ?? ctx.state.voterMembers.map((id) => ({ id, name: id }));
    const max = ctx.session.bundle?.rulebook.choicesPerBallot ?? 1;
    return renderBallot({
      units,
      max,
      state: d.ballot,
      busy: ctx.running,
      update: (next) => {
        d.ballot = next;
        ctx.render();
      },
      cast: (choices) =>
        void ctx.run("stepSending", async () => {
          try {
            await ctx.api.castBallot(choices);
            d.ballot = { ...d.ballot, phase: "done" };
          } catch (e) {
            const refusal = e instanceof ApiFailure ? ballotRefusal(e.code) : null;
            if (!refusal) throw e;
            d.ballot = { ...d.ballot, phase: "choose" };
            ctx.notify({ kind: "error", text: () => refusal });
          }
        }),
    });
  },
});
