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
import { statusScreen } from "./status.ts";
import { trusteeScreen } from "./trustee.ts";
import { votingScreen } from "./voting.ts";

export const SCREENS: readonly Screen<unknown>[] = [
  clerkScreen,
  ballotScreen,
  trusteeScreen,
  statusScreen,
  reviewScreen,
  votingScreen,
  boardScreen,
  accessScreen,
  councilScreen,
  historyScreen,
];
