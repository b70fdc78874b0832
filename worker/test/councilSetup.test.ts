/**
 * The council's setup of a bloc's year through the API, from an empty database and the bootstrap code: units, a bloc
 * with its members, leader and deputy, a template imported from the bloc's own criteria table, a rulebook from a
 * preset, a period created from the bloc and opened; every step audited. Then a unit moves to another bloc without
 * touching the period already made.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { blocTable2026, blocTable2026Origin } from "../../shared/src/criteriaTable.fixtures.ts";
import {
  demoUnits,
  importCriteriaTable,
  periodFromBloc,
  rulebookFromPreset,
  type Template,
  trusteesFromNames,
} from "../../shared/src/index.ts";
import { api, BOOT, DB, futureDeadline } from "./helpers.ts";

const BLOC = "khoi-viii";
const ids = demoUnits.map((u) => u.id);
let council: string;
let template: Template;

async function audit(action: string) {
  return (
    await DB.prepare("SELECT actor_label, detail FROM audit WHERE action = ? ORDER BY id")
      .bind(action)
      .all<{ actor_label: string; detail: string }>()
  ).results;
}

beforeAll(async () => {
  // A council code, issued with the bootstrap code: the setup below is done as that person.
  const t = await api("POST", "/tokens", BOOT, { role: "council", label: "Ban Thi đua – Khen thưởng TP" });
  expect(t.status).toBe(201);
  council = t.body.token;
  for (const u of demoUnits) expect((await api("POST", "/units", council, u)).status).toBe(201);
});

describe("council setup of a year", () => {
  it("renames a unit, and the rename is audited with what it was", async () => {
    const r = await api("PUT", "/units/ca-tphcm", council, {
      name: "Công an Thành phố Hồ Chí Minh",
      shortName: "CA TP",
    });
    expect(r.status).toBe(200);
    expect((await api("GET", "/units/ca-tphcm", council)).body.shortName).toBe("CA TP");
    const [rec] = await audit("unit.update");
    expect(JSON.parse(rec!.detail).before.shortName).toBe("Công an TP");
    expect(rec!.actor_label).toBe("Ban Thi đua – Khen thưởng TP");
  });

  it("creates a bloc with its members, leader and deputy, and refuses a leader outside it on its field", async () => {
    const bad = await api("POST", "/blocs", council, {
      id: BLOC,
      name: "Khối thi đua VIII",
      kind: "khoi",
      members: ids.slice(1),
      leaderUnitId: "ca-tphcm",
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d: { code: string; path: string }) => [d.code, d.path])).toEqual([
      ["BLOC_LEADER_NOT_MEMBER", "/leaderUnitId"],
    ]);
    const r = await api("POST", "/blocs", council, {
      id: BLOC,
      name: "Khối thi đua VIII",
      kind: "khoi",
      members: ids,
      leaderUnitId: "ca-tphcm",
      deputyUnitId: "vks-tphcm",
    });
    expect(r.status).toBe(201);
    const got = await api("GET", `/blocs/${BLOC}`, council);
    expect(got.body).toMatchObject({ members: ids, leaderUnitId: "ca-tphcm", deputyUnitId: "vks-tphcm" });
    expect((await api("GET", "/blocs", council)).body.blocs[0].members).toEqual(ids);
  });

  it("publishes the template imported from the bloc's own table, and lists its versions with who published them", async () => {
    const imported = importCriteriaTable(blocTable2026, {
      origin: blocTable2026Origin,
      id: "khoi-viii-2026",
      name: "Bảng tiêu chí Khối VIII năm 2026",
      version: 1,
    });
    expect(imported.problems).toEqual([]);
    template = imported.template!;
    expect((await api("POST", "/templates", council, template)).status).toBe(201);
    expect((await api("POST", "/templates", council, { ...template, version: 2 })).status).toBe(201);
    const v = await api("GET", "/templates/khoi-viii-2026/versions", council);
    expect(v.status).toBe(200);
    expect(v.body.versions.map((x: { version: number; createdBy: string }) => [x.version, x.createdBy])).toEqual([
      [1, "Ban Thi đua – Khen thưởng TP"],
      [2, "Ban Thi đua – Khen thưởng TP"],
    ]);
    expect(v.body.versions[0].createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect((await api("GET", "/templates/no-such/versions", council)).status).toBe(404);
    expect((await api("GET", "/templates", council)).body.templates[0].createdBy).toBe("Ban Thi đua – Khen thưởng TP");
  });

  it("publishes a rulebook made from a preset, checked against the imported template", async () => {
    const rulebook = rulebookFromPreset("mac-dinh", { id: "khoi-viii-qc-2026", name: "Quy chế 2026", version: 1 })!;
    expect((await api("POST", "/rulebooks", council, rulebook)).status).toBe(201);
    const v = await api("GET", "/rulebooks/khoi-viii-qc-2026/versions", council);
    expect(v.body.versions).toHaveLength(1);
  });

  it("creates the period from the bloc with its trustees and opens it, both audited", async () => {
    const bloc = (await api("GET", `/blocs/${BLOC}`, council)).body;
    const draft = (names: string[]) =>
      periodFromBloc(
        bloc,
        2026,
        { id: template.id, version: 1 },
        { id: "khoi-viii-qc-2026", version: 1 },
        futureDeadline(),
        bloc.members,
        trusteesFromNames(names),
      );
    // One trustee cannot hold a sealed vote's key alone; the same person twice is one.
    const one = await api("POST", "/periods", council, draft(["Văn phòng khối trưởng"]));
    expect(one.status).toBe(422);
    expect(one.body.error.details[0]).toMatchObject({ code: "TRUSTEES_REQUIRED", path: "/trustees" });
    const twice = await api("POST", "/periods", council, {
      ...draft(["Văn phòng khối trưởng", "Đại diện Hội đồng"]),
      trustees: [
        { id: "a", name: "Văn phòng khối trưởng" },
        { id: "b", name: "Văn phòng  khối trưởng" },
      ],
    });
    expect(twice.status).toBe(422);
    expect(twice.body.error.details[0]).toMatchObject({ code: "TRUSTEE_DUPLICATE", path: "/trustees/1" });
    const period = draft(["Văn phòng khối trưởng (CA TP)", "Đại diện Hội đồng Thi đua – Khen thưởng"]);
    const made = await api("POST", "/periods", council, period);
    expect(made.status).toBe(201);
    expect(made.body.trustees.map((x: { name: string }) => x.name)).toEqual([
      "Văn phòng khối trưởng (CA TP)",
      "Đại diện Hội đồng Thi đua – Khen thưởng",
    ]);
    const open = await api("POST", `/periods/${period.id}/transitions`, council, { to: "open" });
    expect(open.status).toBe(200);
    expect(open.body.state).toBe("open");
    const created = await audit("period.create");
    expect(created).toHaveLength(1);
    expect(JSON.parse(created[0]!.detail).trustees).toEqual(period.trustees);
    expect(JSON.parse((await audit("period.transition"))[0]!.detail)).toMatchObject({ from: "draft", to: "open" });
    const mine = await api("GET", `/periods?blocId=${BLOC}`, council);
    expect(mine.body.periods.map((p: { id: string }) => p.id)).toEqual(["khoi-viii-2026"]);
    expect((await api("GET", "/periods?blocId=another", council)).body.periods).toEqual([]);
  });

  it("moves a unit to another bloc for next year; the period already made keeps its members", async () => {
    expect((await api("POST", "/blocs", council, { id: "khoi-ix", name: "Khối IX", kind: "khoi" })).status).toBe(201);
    const rest = ids.filter((u) => u !== "cthads-tphcm");
    const r = await api("PUT", `/blocs/${BLOC}`, council, {
      name: "Khối thi đua VIII",
      kind: "khoi",
      members: rest,
      leaderUnitId: "ca-tphcm",
      deputyUnitId: "vks-tphcm",
    });
    expect(r.status).toBe(200);
    const moved = await api("PUT", "/blocs/khoi-ix", council, {
      name: "Khối IX",
      kind: "khoi",
      members: ["cthads-tphcm"],
      leaderUnitId: "cthads-tphcm",
    });
    expect(moved.status).toBe(200);
    expect((await api("GET", `/blocs/${BLOC}`, council)).body.members).toEqual(rest);
    expect((await api("GET", "/periods/khoi-viii-2026", council)).body.members).toEqual(ids);
    const [rec] = await audit("bloc.update");
    expect(JSON.parse(rec!.detail).before.members).toEqual(ids);
    expect(JSON.parse(rec!.detail).after.members).toEqual(rest);
    const unknown = await api("PUT", "/blocs/khoi-ix", council, { name: "Khối IX", kind: "khoi", members: ["x"] });
    expect(unknown.body.error.details[0]).toMatchObject({ code: "PERIOD_UNKNOWN_UNIT", path: "/members/0" });
    expect((await api("PUT", "/blocs/none", council, { name: "X", kind: "khoi" })).status).toBe(404);
  });

  it("a refused change or creation of a bloc writes nothing: an unknown unit, a doubled member, a leader from outside", async () => {
    // The change and its audit are guarded by the checks inside one batch (issue 17): a refusal leaves no trace.
    const before = (await api("GET", "/blocs/khoi-ix", council)).body;
    const logged = (await audit("bloc.update")).length;
    const refused = [
      { members: ["cthads-tphcm", "khong-co"], code: "PERIOD_UNKNOWN_UNIT", path: "/members/1" },
      { members: ["cthads-tphcm", "cthads-tphcm"], code: "BLOC_DUPLICATE_MEMBER", path: "/members/1" },
      { members: ["cthads-tphcm"], leaderUnitId: "ca-tphcm", code: "BLOC_LEADER_NOT_MEMBER", path: "/leaderUnitId" },
    ];
    for (const { code, path, ...change } of refused) {
      const r = await api("PUT", "/blocs/khoi-ix", council, { name: "Khối IX đổi", kind: "cum", ...change });
      expect(r.status, JSON.stringify(change)).toBe(422);
      expect(r.body.error.details).toEqual([expect.objectContaining({ code, path })]);
    }
    // A bloc that does not exist is 404 before any unit is looked at.
    expect((await api("PUT", "/blocs/none", council, { name: "X", kind: "khoi", members: ["khong-co"] })).status).toBe(
      404,
    );
    expect((await api("GET", "/blocs/khoi-ix", council)).body).toEqual(before);
    expect(await audit("bloc.update")).toHaveLength(logged);
    // Nor does a refused creation: no bloc, no record.
    const created = (await audit("bloc.create")).length;
    const bad = await api("POST", "/blocs", council, {
      id: "khoi-x",
      name: "Khối X",
      kind: "khoi",
      members: ["khong-co"],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toEqual([
      expect.objectContaining({ code: "PERIOD_UNKNOWN_UNIT", path: "/members/0" }),
    ]);
    expect((await api("GET", "/blocs/khoi-x", council)).status).toBe(404);
    expect(await audit("bloc.create")).toHaveLength(created);
    // An existing id with a composition is still 409.
    const again = await api("POST", "/blocs", council, { id: "khoi-ix", name: "Khối IX", kind: "khoi", members: [] });
    expect(again.status).toBe(409);
  });
});
