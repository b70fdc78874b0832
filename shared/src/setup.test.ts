import { describe, expect, it } from "vitest";
import { checkPeriod } from "./api.ts";
import { demoUnits } from "./demo.ts";
import { messageFor } from "./messages.ts";
import { checkBloc, checkTrustees, periodFromBloc, trusteesFromNames, vietnamDeadline } from "./setup.ts";

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

describe("trustees of a period (người giữ khoá)", () => {
  it("makes stable ids from the names typed, without diacritics, and skips blank lines", () => {
    expect(
      trusteesFromNames([
        "Văn phòng khối trưởng (Công an TP.HCM)",
        "  ",
        "Đại diện Hội đồng TĐKT",
        "Văn phòng khối trưởng",
      ]),
    ).toEqual([
      { id: "van-phong-khoi-truong-cong-an-tp-hcm", name: "Văn phòng khối trưởng (Công an TP.HCM)" },
      { id: "dai-dien-hoi-dong-tdkt", name: "Đại diện Hội đồng TĐKT" },
      { id: "van-phong-khoi-truong", name: "Văn phòng khối trưởng" },
    ]);
    expect(trusteesFromNames(["A b", "a  B"]).map((x) => x.id)).toEqual(["a-b", "a-b-2"]);
  });

  it("accepts none (a paper vote) or two distinct people; refuses one, and anyone named twice, on its field", () => {
    expect(checkTrustees([])).toEqual([]);
    expect(checkTrustees(trusteesFromNames(["Văn phòng khối", "Đại diện Hội đồng"]))).toEqual([]);
    expect(checkTrustees(trusteesFromNames(["Văn phòng khối"])).map((e) => [e.code, e.path])).toEqual([
      ["TRUSTEES_REQUIRED", "/trustees"],
    ]);
    const twice = checkTrustees(trusteesFromNames(["Văn phòng khối", "văn  phòng KHỐI"]));
    expect(twice.map((e) => [e.code, e.path])).toEqual([["TRUSTEE_DUPLICATE", "/trustees/1"]]);
    expect(messageFor(twice[0]!, "vi")).toBe("Người giữ khoá văn phòng KHỐI được nêu hai lần.");
    expect(messageFor(twice[0]!, "en")).toBe("Trustee văn phòng KHỐI is named twice.");
  });

  it("is checked with the period, and a period drafted with trustees carries them", () => {
    const trustees = trusteesFromNames(["Văn phòng khối", "Đại diện Hội đồng"]);
    const p = periodFromBloc(
      { id: "khoi-viii", members: [...known], leaderUnitId: "ca-tphcm", deputyUnitId: null },
      2026,
      { id: "t", version: 1 },
      { id: "r", version: 1 },
      "2026-12-15T17:00:00+07:00",
      [...known],
      trustees,
    );
    expect(p.trustees).toEqual(trustees);
    expect(checkPeriod(p, known)).toEqual([]);
    expect(checkPeriod({ ...p, trustees: [trustees[0]!, trustees[0]!] }, known).map((e) => e.code)).toEqual([
      "TRUSTEE_DUPLICATE",
    ]);
  });
});
