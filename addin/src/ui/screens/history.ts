/** Lịch sử nộp: a unit's revisions and what changed between two (filled in by the revision-history work). */
import { defineScreen } from "../screen.ts";

export const historyScreen = defineScreen({
  id: "history",
  roles: ["clerk", "secretariat", "council"],
  label: "historyTitle",
  // Nothing to show yet.
  shows: () => false,
  initial: () => ({}),
  render: () => null,
});
