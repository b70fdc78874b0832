import { describe, expect, it } from "vitest";
import { checkPeriod } from "./api.ts";
import { demoUnits } from "./demo.ts";
import { messageFor } from "./messages.ts";
import { checkBloc, periodFromBloc, vietnamDeadline } from "./setup.ts";

const known = new Set(demoUnits.map((u) => u.id));

describe("checkBloc", () => {
  it("accepts the demo bloc's seven units with its leader and deputy", () => {
    expect(checkBloc({ members: [...known], leaderUnitId: "ca-tphcm", deputyUnitId: "vks-tphcm" }, known)).toEqual([]);
  });

  it("names each unknown or repeated member, and a leader or deputy outside the bloc, on its field", () => {
    const errors = checkBloc(
      { members: ["ca-tphcm", "ubnd-q9", "ca-tphcm"], leaderUnitId: "vks-tphcm", deputyUnitId: "ca-tphcm" },
      known,
    );
    expect(errors.map((e) => [e.code, e.path])).toEqual([
      ["PERIOD_UNKNOWN_UNIT", "/members/1"],
      ["BLOC_DUPLICATE_MEMBER", "/members/2"],
      ["BLOC_LEADER_NOT_MEMBER", "/leaderUnitId"],
    ]);
    expect(messageFor(errors[2]!, "vi")).toBe(
      "Đơn vị vks-tphcm (khối trưởng hoặc khối phó) không phải thành viên của khối.",
    );
  });
});

describe("vietnamDeadline", () => {
  it("reads a date and a time in Vietnam as the instant a period stores", () => {
    expect(vietnamDeadline("2026-12-15", "17:00")).toBe("2026-12-15T17:00:00+07:00");
    expect(Date.parse(vietnamDeadline("2026-12-15", "7:05")!)).toBe(Date.parse("2026-12-15T00:05:00Z"));
  });

  it("refuses what is not a date or a time", () => {
    expect(vietnamDeadline("2026-02-30", "17:00")).toBeNull();
    expect(vietnamDeadline("15/12/2026", "17:00")).toBeNull();
    expect(vietnamDeadline("2026-12-15", "24:00")).toBeNull();
  });
});

describe("periodFromBloc", () => {
  it("drafts the year's period from the bloc's composition and the versions chosen", () => {
    const p = periodFromBloc(
      { id: "khoi-viii", members: [...known], leaderUnitId: "ca-tphcm", deputyUnitId: "vks-tphcm" },
      2026,
      { id: "khoi-viii-2026", version: 1 },
      { id: "khoi-viii-qc-2026", version: 1 },
      "2026-12-15T17:00:00+07:00",
    );
    expect(p).toMatchObject({ id: "khoi-viii-2026", year: 2026, state: "draft", leaderUnitId: "ca-tphcm" });
    expect(checkPeriod(p, known)).toEqual([]);
  });
});
