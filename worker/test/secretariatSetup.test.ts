/**
 * A bloc's secretariat sets up its own bloc's year (issue 14: "the council, and, for its own bloc, the
 * secretariat"): it publishes its bloc's template and rulebook versions and creates its bloc's period, and nothing of
 * another bloc's or of the council's: 403 SETUP_OTHER_BLOC, in both languages. Units and blocs stay with the council.
 */
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { demoPeriod, demoRulebook, demoTemplate } from "../../shared/src/index.ts";
import { readUpload, XLSX_MIME } from "../src/workbook/index.ts";
import { PA, type PrincipalName, twoBlocs, UNIT_A1 } from "./fixture.ts";
import { api, BOOT, DB, futureDeadline } from "./helpers.ts";

let tokens: Record<PrincipalName, string | null>;
beforeAll(async () => {
  tokens = await twoBlocs();
});

const mine = { ...demoTemplate, id: "khoi-viii-bang-2026", name: "Bảng tiêu chí Khối VIII 2026" };
const rules = { ...demoRulebook, id: "khoi-viii-qc-2026", name: "Quy chế Khối VIII 2026" };

async function owner(table: "templates" | "rulebooks", id: string, version: number) {
  return (await DB.prepare(`SELECT bloc_id FROM ${table} WHERE id = ? AND version = ?`).bind(id, version).first())
    ?.bloc_id;
}

describe("a bloc's secretariat sets up its own bloc", () => {
  it("publishes its bloc's template and rulebook versions, recorded as its bloc's and audited as its own", async () => {
    const t = await api("POST", "/templates", tokens.secA, mine);
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    expect(await owner("templates", mine.id, 1)).toBe("khoi-viii");
    expect((await api("POST", "/templates", tokens.secA, { ...mine, version: 2 })).status).toBe(201);
    const r = await api("POST", "/rulebooks?blocId=khoi-viii", tokens.secA, rules);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const versions = await api("GET", `/templates/${mine.id}/versions`, tokens.secA);
    expect(versions.body.versions.map((v: { createdBy: string }) => v.createdBy)).toEqual([
      "Thư ký Khối VIII",
      "Thư ký Khối VIII",
    ]);
    const audit = await DB.prepare(
      "SELECT bloc_id, actor_role FROM audit WHERE action = 'template.publish' AND detail LIKE ? ORDER BY id",
    )
      .bind(`%${mine.id}%`)
      .all();
    expect(audit.results).toEqual([
      { bloc_id: "khoi-viii", actor_role: "secretariat" },
      { bloc_id: "khoi-viii", actor_role: "secretariat" },
    ]);
  });

  it("refuses another bloc's template, the council's, and naming another bloc, with a catalogue message", async () => {
    // Bloc X's secretariat: Khối VIII's template, for its own bloc or naming Khối VIII.
    const other = await api("POST", "/templates", tokens.secB, { ...mine, version: 3 });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe("SETUP_OTHER_BLOC");
    expect(other.body.error.message).toContain("Thường trực khối chỉ thiết lập mẫu, quy chế và kỳ thi đua");
    expect(other.body.error.messageEn).toContain("belongs to another bloc or to the council");
    const naming = await api("POST", "/rulebooks?blocId=khoi-viii", tokens.secB, { ...rules, id: "x-qc" });
    expect(naming.status).toBe(403);
    expect(naming.body.error.code).toBe("SETUP_OTHER_BLOC");
    // The council's demo template and rulebook: any bloc uses them, no secretariat publishes a version of them.
    const council = await api("POST", "/templates", tokens.secA, { ...demoTemplate, version: 5 });
    expect(council.status).toBe(403);
    expect((await api("POST", "/rulebooks", tokens.secA, { ...demoRulebook, version: 5 })).status).toBe(403);
    expect(await owner("templates", mine.id, 3)).toBeUndefined();
    // Units and blocs stay with the council.
    expect((await api("POST", "/units", tokens.secA, { id: "u-x", name: "Đơn vị X", shortName: "X" })).status).toBe(
      403,
    );
    expect((await api("PUT", "/blocs/khoi-viii", tokens.secA, { name: "Khối VIII", kind: "khoi" })).status).toBe(403);
  });

  it("the council's new version of a bloc's template keeps it the bloc's", async () => {
    expect((await api("POST", "/templates", BOOT, { ...mine, version: 3 })).status).toBe(201);
    expect(await owner("templates", mine.id, 3)).toBe("khoi-viii");
    expect((await api("POST", "/templates", tokens.secA, { ...mine, version: 4 })).status).toBe(201);
    expect((await api("POST", "/templates", tokens.secB, { ...mine, version: 5 })).status).toBe(403);
  });

  it("creates its own bloc's period (audited) and no other bloc's", async () => {
    const period = {
      ...demoPeriod(futureDeadline()),
      id: "khoi-viii-2026",
      year: 2026,
      templateId: mine.id,
      templateVersion: 2,
      rulebookId: rules.id,
    };
    const made = await api("POST", "/periods", tokens.secA, period);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const audit = await DB.prepare("SELECT actor_role FROM audit WHERE action = 'period.create' AND period_id = ?")
      .bind(period.id)
      .first();
    expect(audit?.actor_role).toBe("secretariat");
    expect((await api("POST", `/periods/${period.id}/transitions`, tokens.secA, { to: "open" })).status).toBe(200);
    const foreign = await api("POST", "/periods", tokens.secB, { ...period, id: "khoi-viii-2027", year: 2027 });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe("SETUP_OTHER_BLOC");
    const forX = await api("POST", "/periods", tokens.secA, {
      ...period,
      id: "khoi-x-2026",
      blocId: "khoi-x",
      members: ["ubnd-q1", "ubnd-q3"],
      leaderUnitId: "ubnd-q1",
      deputyUnitId: null,
    });
    expect(forX.status).toBe(403);
    expect(await DB.prepare("SELECT id FROM periods WHERE id IN ('khoi-viii-2027', 'khoi-x-2026')").first()).toBeNull();
  });
});

describe("the template workbook before a period exists", () => {
  const get = (path: string, token: string | null) =>
    SELF.fetch(`http://thidua.test/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it("is a template version alone as the template workbook: the bloc's name, no unit, no period", async () => {
    const r = await get(`/templates/${mine.id}/versions/1/workbook.xlsx?year=2027`, tokens.clerkA1);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe(XLSX_MIME);
    expect(r.headers.get("content-disposition")).toContain('filename="bang-cham-diem-khoi-viii-bang-2026-v1.xlsx"');
    const up = readUpload(new Uint8Array(await r.arrayBuffer()));
    if (!up.ok) throw new Error(up.reason);
    expect(up.meta).toMatchObject({ templateId: mine.id, templateVersion: 1, periodId: "", unitId: "" });
    expect(up.grid[0]?.[0]).toBe("BẢNG TỰ CHẤM ĐIỂM THI ĐUA NĂM 2027");
    expect(up.grid[1]?.[0]).toBe("Khối thi đua: Khối thi đua VIII – TP. Hồ Chí Minh");
    expect(String(up.grid[3]?.[0])).toContain("Bản đọc trước, chưa có kỳ thi đua");
    // The council's template (for every bloc) names no bloc; an unknown version is 404; anonymous is 401.
    const shared = readUpload(
      new Uint8Array(
        await (await get(`/templates/${demoTemplate.id}/versions/1/workbook.xlsx`, tokens.boardB)).arrayBuffer(),
      ),
    );
    expect(shared.ok && shared.grid[1]?.[0]).toBe("Khối thi đua: ");
    expect((await get(`/templates/${mine.id}/versions/99/workbook.xlsx`, tokens.secA)).status).toBe(404);
    expect((await get(`/templates/${mine.id}/versions/1/workbook.xlsx`, null)).status).toBe(401);
  });

  it("cannot be uploaded as a unit's sheet: it belongs to no period", async () => {
    const bytes = await (
      await get(`/templates/${demoTemplate.id}/versions/1/workbook.xlsx`, tokens.clerkA1)
    ).arrayBuffer();
    const r = await SELF.fetch(`http://thidua.test/api/v1/periods/${PA}/units/${UNIT_A1}/upload`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.clerkA1}`, "content-type": XLSX_MIME },
      body: bytes,
    });
    expect(r.status).toBe(422);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe("SHEET_WRONG_PERIOD");
  });
});
