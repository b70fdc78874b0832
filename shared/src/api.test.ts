/** The period rules the worker and the pane share: next year's period, and when a deadline may move. */
import { describe, expect, it } from "vitest";
import { canonicalEntries, checkDeadlineChange, entriesText, nextYearPeriod } from "./api.ts";
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

describe("the texts of a sheet given as columns", () => {
  // Lines as a caller may build them (not from validation): codes in an array of its own, texts not yet NFC.
  const lines = {
    codes: ["1.1", "1.2", "2.1"],
    scores: [150, null, 0],
    texts: [
      { criterion: "1.1", evidence: "Vie\u0323\u0302n kiểm tra", note: "" },
      { criterion: "1.2", evidence: 'Báo cáo "số 5"\tđợt\\2', note: "Đã đối chiếu" },
      { criterion: "2.1", evidence: "", note: "\ud83d\ude00 và \ud800" },
    ],
  };
  const entries = lines.codes.map((criterion, i) => ({
    criterion,
    score: lines.scores[i]!,
    evidence: lines.texts[i]!.evidence,
    note: lines.texts[i]!.note,
  }));

  it("are written as from the entries: quotes, a backslash, a tab, an emoji and a lone surrogate escaped as JSON does", () => {
    expect(canonicalEntries(lines)).toBe(canonicalEntries(entries));
    expect(entriesText(lines)).toBe(entriesText(entries));
    expect(JSON.parse(canonicalEntries(lines))[1].evidence).toBe('Báo cáo "số 5"\tđợt\\2');
  });

  it("store the text NFC-normalised, and hash it as given", () => {
    expect(JSON.parse(entriesText(lines))[0].evidence).toBe("Viện kiểm tra");
    expect(JSON.parse(canonicalEntries(lines))[0].evidence).toBe("Vie\u0323\u0302n kiểm tra");
  });
});
