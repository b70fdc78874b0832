/**
 * The pane's screens in the order they are drawn. A new screen is one line here (and its module); the shell shows
 * each screen to the roles it names, when its `shows` says so.
 */
import type { Screen } from "../screen.ts";
import { accessScreen } from "./access.ts";
import { ballotScreen } from "./ballot.ts";
import { boardScreen } from "./board.ts";
import { clerkScreen } from "./clerk.ts";
import { councilScreen } from "./council.ts";
import { historyScreen } from "./history.ts";
import { reviewScreen } from "./review.ts";
import { setupPeriodScreen } from "./setupPeriod.ts";
import { setupRulebookScreen } from "./setupRulebook.ts";
import { setupTemplateScreen } from "./setupTemplate.ts";
import { setupUnitsScreen } from "./setupUnits.ts";
import { statusScreen } from "./status.ts";
import { trusteeScreen } from "./trustee.ts";
import { votingScreen } from "./voting.ts";
import { webClerkScreen } from "./webClerk.ts";
import { webReviewScreen } from "./webReview.ts";

export const SCREENS: readonly Screen<unknown>[] = [
  clerkScreen,
  webClerkScreen,
  ballotScreen,
  trusteeScreen,
  statusScreen,
  webReviewScreen,
  reviewScreen,
  votingScreen,
  boardScreen,
  accessScreen,
  councilScreen,
  setupUnitsScreen,
  setupTemplateScreen,
  setupRulebookScreen,
  setupPeriodScreen,
  historyScreen,
];
