/** The period rules the worker and the pane share: next year's period, and when a deadline may move. */
import { describe, expect, it } from "vitest";
import { checkDeadlineChange, nextYearPeriod } from "./api.ts";
import { demoPeriod } from "./demo.ts";
import { Period } from "./schemas.ts";

describe("nextYearPeriod", () => {
  it("moves the year on, in the id too, keeps members, leaders, template and rulebook, and starts in draft", () => {
    const p = { ...demoPeriod("2017-12-15T17:00:00+07:00"), state: "closed" as const };
    const next = nextYearPeriod(p, "2018-12-14T17:00:00+07:00");
    expect(next).toEqual({
      ...p,
      id: "khoi-viii-2018",
      year: 2018,
      submissionDeadline: "2018-12-14T17:00:00+07:00",
      state: "draft",
    });
  });

  it("carries only the fields of a period, whatever else the one it came from had (createdAt, ...)", () => {
    const listed = { ...demoPeriod("2017-12-15T17:00:00+07:00"), createdAt: "x", updatedAt: "y" };
    const next = nextYearPeriod(listed, "2018-12-14T17:00:00+07:00");
    expect(Period.parse(next)).toEqual(next);
  });

  it("changes only the last occurrence of the year in the id, or appends the year when the id has none", () => {
    const p = demoPeriod("2017-12-15T17:00:00+07:00");
    expect(nextYearPeriod({ ...p, id: "cum-2017-khoi-2017" }, p.submissionDeadline).id).toBe("cum-2017-khoi-2018");
    expect(nextYearPeriod({ ...p, id: "khoi-viii" }, p.submissionDeadline).id).toBe("khoi-viii-2018");
  });
});

describe("checkDeadlineChange", () => {
  const now = new Date("2017-12-10T00:00:00Z");
  it("lets a draft or open period move its deadline to a later moment", () => {
    expect(checkDeadlineChange("draft", "2017-12-20T17:00:00+07:00", now)).toBeNull();
    expect(checkDeadlineChange("open", "2017-12-20T17:00:00+07:00", now)).toBeNull();
  });
  it("refuses once submissions are closed, and refuses a moment already past", () => {
    for (const state of ["review", "voting", "closed"] as const)
      expect(checkDeadlineChange(state, "2017-12-20T17:00:00+07:00", now)?.code).toBe("DEADLINE_NOT_CHANGEABLE");
    expect(checkDeadlineChange("open", "2017-12-09T23:59:59Z", now)).toMatchObject({
      code: "DEADLINE_NOT_IN_FUTURE",
      path: "/submissionDeadline",
    });
  });
});
