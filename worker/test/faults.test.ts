/**
 * Deadlines, bad input, atomicity of a push and its audit record, D1's bound-parameter limit, rate limiting, ballot
 * secrecy as a property of the tables, and what a client sees of an internal failure.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { demoEntries, demoPeriod, demoTemplate, type Template } from "../../shared/src/index.ts";
import { type SeedResult, seedDemo } from "../src/seed.ts";
import { api, BOOT, call, clientId, DB, futureDeadline, type Res } from "./helpers.ts";
import { castSealed, openElectronic, voterCodes } from "./sealedVote.ts";

const P = "khoi-viii-2017";
let seed: SeedResult;
const body = (u: string, base: number | null = null) => ({
  templateId: demoTemplate.id,
  templateVersion: 1,
  baseRevision: base,
  clientId: clientId(u),
  entries: demoEntries(u),
});

beforeAll(async () => {
  seed = await seedDemo(call, BOOT, futureDeadline());
});

describe("deadline and state", () => {
  it("a push after the deadline is refused with 423 and the deadline", async () => {
    const past = "2017-12-15T17:00:00+07:00";
    const r = await api("POST", "/periods", BOOT, { ...demoPeriod(past), id: "khoi-viii-2017-late" });
    expect(r.status).toBe(201);
    expect((await api("POST", "/periods/khoi-viii-2017-late/transitions", BOOT, { to: "open" })).status).toBe(200);
    const push = await api(
      "POST",
      "/periods/khoi-viii-2017-late/units/ca-tphcm/submissions",
      seed.tokens.clerks["ca-tphcm"],
      body("ca-tphcm"),
    );
    expect(push.status).toBe(423);
    expect(push.body.error).toMatchObject({ code: "DEADLINE_PASSED", params: { deadline: past } });
    // People read the deadline as a Vietnamese date in Vietnam time; the params keep the exact instant.
    expect(push.body.error.message).toBe("Đã quá hạn nộp (15/12/2017 17:00).");
  });

  it("a returned unit alone may push after the deadline, and its sheet is marked late", async () => {
    const p = "khoi-viii-2017-late";
    const ret = await api("POST", `/periods/${p}/units/tand-tphcm/return`, seed.tokens.secretariat, {
      reason: "Cho phép nộp muộn do sự cố mạng",
    });
    expect(ret.status).toBe(200);
    expect(ret.body.revision).toBeNull();
    const push = await api(
      "POST",
      `/periods/${p}/units/tand-tphcm/submissions`,
      seed.tokens.clerks["tand-tphcm"],
      body("tand-tphcm"),
    );
    expect(push.status, JSON.stringify(push.body)).toBe(201);
    expect(push.body.late).toBe(true);
    // The return is used up by the push; another unit is still refused.
    const again = await api(
      "POST",
      `/periods/${p}/units/tand-tphcm/submissions`,
      seed.tokens.clerks["tand-tphcm"],
      body("tand-tphcm", 1),
    );
    expect(again.status).toBe(423);
    const other = await api(
      "POST",
      `/periods/${p}/units/vks-tphcm/submissions`,
      seed.tokens.clerks["vks-tphcm"],
      body("vks-tphcm"),
    );
    expect(other.status).toBe(423);
    const status = await api("GET", `/periods/${p}/status`, seed.tokens.board);
    expect(status.body.units.find((u: { unitId: string }) => u.unitId === "tand-tphcm")).toMatchObject({
      status: "submitted",
      late: true,
      latestRevision: 1,
    });
  });

  it("seeding again is harmless and re-issues the demo tokens, revoking the earlier ones", async () => {
    const again = await seedDemo(call, BOOT, futureDeadline());
    expect((await api("GET", "/me", again.tokens.secretariat)).status).toBe(200);
    const old = await api("GET", "/me", seed.tokens.board);
    expect(old.status).toBe(401);
    seed = again;
  });

  it("a period published without any ballot nominates nobody (the vote failed its quorum)", async () => {
    const p = "khoi-viii-2017-no-vote";
    expect((await api("POST", "/periods", BOOT, { ...demoPeriod(futureDeadline()), id: p })).status).toBe(201);
    for (const to of ["open", "review", "voting", "closed"])
      expect((await api("POST", `/periods/${p}/transitions`, BOOT, { to })).status, to).toBe(200);
    const table = await api("GET", `/periods/${p}/table`, seed.tokens.board);
    expect(table.status).toBe(200);
    expect(table.body.tally).toMatchObject({ returned: 0, quorumMet: false });
    expect(table.body.rows.map((r: { award: unknown }) => r.award)).toEqual(table.body.rows.map(() => null));
    expect(table.body.leadingUnitId).toBeNull();
  });

  it("a period in draft does not take sheets", async () => {
    const r = await api("POST", "/periods", BOOT, { ...demoPeriod(futureDeadline()), id: "khoi-viii-2017-draft" });
    expect(r.status).toBe(201);
    const push = await api(
      "POST",
      "/periods/khoi-viii-2017-draft/units/ca-tphcm/submissions",
      seed.tokens.clerks["ca-tphcm"],
      body("ca-tphcm"),
    );
    expect(push.status).toBe(423);
    expect(push.body.error.code).toBe("PERIOD_NOT_OPEN");
  });

  it("the secretariat extends a passed deadline (gia hạn nộp), audited with its reason; then units push on time", async () => {
    const p = "khoi-viii-2017-gia-han";
    const past = "2017-12-15T17:00:00+07:00";
    await api("POST", "/periods", BOOT, { ...demoPeriod(past), id: p });
    await api("POST", `/periods/${p}/transitions`, BOOT, { to: "open" });
    const clerk = seed.tokens.clerks["ca-tphcm"];
    expect((await api("POST", `/periods/${p}/units/ca-tphcm/submissions`, clerk, body("ca-tphcm"))).status).toBe(423);
    const sec = seed.tokens.secretariat;
    const later = futureDeadline();
    // Refused: a moment already gone, and no reason.
    const gone = await api("POST", `/periods/${p}/deadline`, sec, { submissionDeadline: past, reason: "Nghỉ lễ" });
    expect(gone.status).toBe(422);
    expect(gone.body.error.code).toBe("DEADLINE_NOT_IN_FUTURE");
    expect(gone.body.error.message).toBe("Hạn nộp mới (15/12/2017 17:00) phải ở sau thời điểm hiện tại.");
    const bare = await api("POST", `/periods/${p}/deadline`, sec, { submissionDeadline: later, reason: " " });
    expect(bare.status).toBe(422);
    // Accepted: the period carries the new deadline and the audit log says who, from what, to what, and why.
    const ok = await api("POST", `/periods/${p}/deadline`, sec, {
      submissionDeadline: later,
      reason: "Gia hạn do sự cố mạng ngày 14/12",
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.submissionDeadline).toBe(later);
    expect((await api("GET", `/periods/${p}`, clerk)).body.submissionDeadline).toBe(later);
    const audit = await api("GET", `/periods/${p}/audit`, sec);
    const row = audit.body.entries.find((e: { action: string }) => e.action === "period.deadline");
    expect(row.detail).toEqual({ from: past, to: later, reason: "Gia hạn do sự cố mạng ngày 14/12" });
    expect(row.actor.role).toBe("secretariat");
    const push = await api("POST", `/periods/${p}/units/ca-tphcm/submissions`, clerk, body("ca-tphcm"));
    expect(push.status, JSON.stringify(push.body)).toBe(201);
    expect(push.body.late).toBe(false);
    // Once in review the deadline no longer moves: a late sheet comes in by returning that unit's sheet.
    await api("POST", `/periods/${p}/transitions`, BOOT, { to: "review" });
    const shut = await api("POST", `/periods/${p}/deadline`, sec, { submissionDeadline: later, reason: "Muộn" });
    expect(shut.status).toBe(409);
    expect(shut.body.error.code).toBe("DEADLINE_NOT_CHANGEABLE");
    expect(shut.body.error.message).toContain("hãy trả lại bảng điểm đó");
    // A clerk cannot move it at all.
    expect(
      (await api("POST", `/periods/${p}/deadline`, clerk, { submissionDeadline: later, reason: "x" })).status,
    ).toBe(403);
  });

  it("two deadline changes racing: one happens, the other is told the new deadline; one audit row, from the old one", async () => {
    const p = "khoi-viii-2017-race-deadline";
    const first = futureDeadline(10);
    await api("POST", "/periods", BOOT, { ...demoPeriod(first), id: p });
    const [a, b] = [futureDeadline(20), futureDeadline(40)];
    const both = await Promise.all([
      api("POST", `/periods/${p}/deadline`, BOOT, { submissionDeadline: a, reason: "Lý do A" }),
      api("POST", `/periods/${p}/deadline`, seed.tokens.secretariat, { submissionDeadline: b, reason: "Lý do B" }),
    ]);
    const rows = await DB.prepare(
      "SELECT detail FROM audit WHERE period_id = ? AND action = 'period.deadline' ORDER BY id",
    )
      .bind(p)
      .all<{ detail: string }>();
    const details = rows.results.map((r) => JSON.parse(r.detail));
    const reason = (d: string) => (d === a ? "Lý do A" : "Lý do B");
    const statuses = both.map((r) => r.status).sort();
    if (statuses[1] === 409) {
      // They raced (what this test is for): the second read the old deadline and wrote nothing.
      expect(statuses).toEqual([200, 409]);
      const won = both.find((r) => r.status === 200)!.body.submissionDeadline;
      const lost = both.find((r) => r.status === 409)!;
      expect(lost.body.error).toMatchObject({ code: "DEADLINE_CHANGED_MEANWHILE", params: { deadline: won } });
      expect(details).toEqual([{ from: first, to: won, reason: reason(won) }]);
    } else {
      // The server took them one after the other: two changes, each recorded from the deadline it replaced.
      expect(statuses).toEqual([200, 200]);
      expect(details).toHaveLength(2);
      expect(details[0].from).toBe(first);
      expect(details[1].from).toBe(details[0].to);
    }
  });

  it("two transitions racing from the same state: one happens, and the audit log records only that one", async () => {
    const p = "khoi-viii-2017-race";
    await api("POST", "/periods", BOOT, { ...demoPeriod(futureDeadline()), id: p });
    await api("POST", `/periods/${p}/transitions`, BOOT, { to: "open" });
    const both = await Promise.all([
      api("POST", `/periods/${p}/transitions`, BOOT, { to: "review" }),
      api("POST", `/periods/${p}/transitions`, seed.tokens.secretariat, { to: "review" }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const n = await DB.prepare(
      "SELECT COUNT(*) AS n FROM audit WHERE period_id = ? AND action = 'period.transition' AND detail LIKE '%\"to\":\"review\"%'",
    )
      .bind(p)
      .first<{ n: number }>();
    expect(n?.n).toBe(1);
  });
});

describe("access codes (mã truy cập)", () => {
  it("a bloc's secretariat issues, lists and revokes its own clerks' and board's codes, and nothing else", async () => {
    const sec = seed.tokens.secretariat;
    // A new clerk of a member unit gets a code from the secretariat, and it works at once.
    const made = await api("POST", "/tokens", sec, { role: "clerk", unitId: "vks-tphcm", label: "Cán bộ mới VKS" });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const periods = await api("GET", "/periods", made.body.token);
    expect(periods.status).toBe(200);
    expect(periods.body.periods.map((p: { id: string }) => p.id)).toContain(P);
    // Not for a unit outside its periods, not a secretariat's or the council's code, not another bloc's board.
    await api("POST", "/units", BOOT, { id: "ubnd-q9", name: "Ủy ban nhân dân Quận 9", shortName: "UBND Q9" });
    const refused = [
      { role: "clerk", unitId: "ubnd-q9", label: "x" },
      { role: "secretariat", blocId: "khoi-viii", label: "x" },
      { role: "council", label: "x" },
      { role: "board", blocId: "khoi-khac", label: "x" },
    ];
    for (const b of refused) expect((await api("POST", "/tokens", sec, b)).status, JSON.stringify(b)).toBe(403);
    // Its list holds its people's codes only (never a council code), and never a token's value.
    const list = await api("GET", "/tokens", sec);
    expect(list.status).toBe(200);
    const roles = new Set(list.body.tokens.map((t: { role: string }) => t.role));
    expect([...roles].every((r) => r === "clerk" || r === "board")).toBe(true);
    expect(list.body.tokens.some((t: { id: string }) => t.id === made.body.id)).toBe(true);
    expect(JSON.stringify(list.body)).not.toContain(made.body.token);
    // A secretariat's codes live at most a year.
    const forever = await api("POST", "/tokens", sec, {
      role: "clerk",
      unitId: "vks-tphcm",
      label: "Mãi mãi",
      expiresAt: "9999-12-31T23:59:59Z",
    });
    expect(forever.status).toBe(422);
    expect(forever.body.error.details[0]).toMatchObject({ code: "INVALID_INPUT", path: "/expiresAt" });
    // Nor the council's: every code lives at most 366 days (a council code expiring in 9999 was accepted).
    for (const body of [
      { role: "council", label: "Mãi mãi", expiresAt: "9999-12-31T23:59:59Z" },
      {
        role: "board",
        blocId: "khoi-viii",
        label: "Hai năm",
        expiresAt: new Date(Date.now() + 367 * 86400_000).toISOString(),
      },
    ]) {
      const r = await api("POST", "/tokens", BOOT, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.error.details[0]).toMatchObject({ code: "INVALID_INPUT", path: "/expiresAt" });
    }
    const year = await api("POST", "/tokens", BOOT, {
      role: "council",
      label: "Một năm",
      expiresAt: new Date(Date.now() + 365 * 86400_000).toISOString(),
    });
    expect(year.status).toBe(201);
    // Revoked: the code stops working, and the audit log of the bloc says who did it, once (revoking a revoked code
    // changes nothing and records nothing).
    expect((await api("DELETE", `/tokens/${made.body.id}`, sec)).status).toBe(200);
    expect((await api("DELETE", `/tokens/${made.body.id}`, sec)).status).toBe(200);
    expect((await api("GET", "/periods", made.body.token)).status).toBe(401);
    const council = (await api("GET", "/tokens", BOOT)).body.tokens.find((t: { role: string }) => t.role === "council");
    expect((await api("DELETE", `/tokens/${council.id}`, sec)).status).toBe(404);
    const audited = await DB.prepare(
      "SELECT action, actor_role FROM audit WHERE bloc_id = 'khoi-viii' AND action LIKE 'token.%' AND detail LIKE ?",
    )
      .bind(`%${made.body.id}%`)
      .all<{ action: string; actor_role: string }>();
    expect(audited.results).toEqual([
      { action: "token.create", actor_role: "secretariat" },
      { action: "token.revoke", actor_role: "secretariat" },
    ]);
  });

  it("migration 0003 binds the clerk codes a secretariat issued before to its bloc, and leaves the council's unbound", async () => {
    const { env } = await import("cloudflare:test");
    const migrations = (env as unknown as { TEST_MIGRATIONS: { name: string; queries: string[] }[] }).TEST_MIGRATIONS;
    const m = migrations.find((x) => x.name.startsWith("0003_"))!;
    const backfill = m.queries.find((q) => q.includes("UPDATE tokens"))!;
    expect(backfill).toBeDefined();
    const at = "2026-01-01T00:00:00Z";
    const token = (id: string) =>
      DB.prepare(
        "INSERT INTO tokens (id, hash, role, bloc_id, unit_id, period_id, label, created_at, created_by) VALUES (?, ?, 'clerk', NULL, 'vks-tphcm', NULL, 'old', ?, 'old')",
      ).bind(id, `hash-${id}`, at);
    const created = (id: string, role: string, bloc: string | null) =>
      DB.prepare(
        "INSERT INTO audit (bloc_id, period_id, unit_id, at, actor_token, actor_role, actor_label, action, detail, request_id) VALUES (?, NULL, 'vks-tphcm', ?, 'x', ?, 'x', 'token.create', ?, 'r')",
      ).bind(bloc, at, role, JSON.stringify({ tokenId: id, role: "clerk" }));
    await DB.batch([
      token("old-by-sec"),
      created("old-by-sec", "secretariat", "khoi-viii"),
      token("old-by-council"),
      created("old-by-council", "council", null),
    ]);
    await DB.prepare(backfill).run();
    const rows = await DB.prepare(
      "SELECT id, bloc_id FROM tokens WHERE id IN ('old-by-sec', 'old-by-council') ORDER BY id",
    ).all<{ id: string; bloc_id: string | null }>();
    expect(rows.results).toEqual([
      { id: "old-by-council", bloc_id: null },
      { id: "old-by-sec", bloc_id: "khoi-viii" },
    ]);
  });

  it("a bloc's past periods give its secretariat no hold on the codes of units that have moved on", async () => {
    // An old bloc whose only period (with vks-tphcm) is published; vks-tphcm is now in khoi-viii's open period.
    await api("POST", "/blocs", BOOT, { id: "khoi-cu", name: "Khối thi đua cũ", kind: "khoi" });
    const p = "khoi-cu-2016";
    await api("POST", "/periods", BOOT, { ...demoPeriod(futureDeadline()), id: p, blocId: "khoi-cu", year: 2016 });
    for (const to of ["open", "review", "voting", "closed"])
      expect((await api("POST", `/periods/${p}/transitions`, BOOT, { to })).status).toBe(200);
    const old = (await api("POST", "/tokens", BOOT, { role: "secretariat", blocId: "khoi-cu", label: "TK cũ" })).body
      .token;
    const clerk = await api("POST", "/tokens", seed.tokens.secretariat, {
      role: "clerk",
      unitId: "vks-tphcm",
      label: "Cán bộ VKS 2017",
    });
    expect(clerk.status).toBe(201);
    expect((await api("GET", "/tokens", old)).body.tokens).toEqual([]);
    expect((await api("DELETE", `/tokens/${clerk.body.id}`, old)).status).toBe(404);
    expect((await api("POST", "/tokens", old, { role: "clerk", unitId: "vks-tphcm", label: "x" })).status).toBe(403);
    // Its own board's codes are still its own.
    expect((await api("POST", "/tokens", old, { role: "board", blocId: "khoi-cu", label: "LĐ cũ" })).status).toBe(201);
  });
});

describe("bad input", () => {
  const url = `/periods/${P}/units/ca-tphcm/submissions`;
  it("415 without a JSON content type, 400 for malformed JSON, 413 over the limit, 422 listing every problem", async () => {
    const tok = seed.tokens.clerks["ca-tphcm"];
    const wrongType = await api("POST", url, tok, JSON.stringify(body("ca-tphcm")), { "content-type": "text/plain" });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const malformed = await api("POST", url, tok, "{ not json");
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe("INVALID_JSON");
    const huge = await api("POST", url, tok, JSON.stringify({ pad: "x".repeat(3 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    const schema = await api("POST", url, tok, { templateId: "", clientId: "x", entries: "no", role: "council" });
    expect(schema.status).toBe(422);
    expect(schema.body.error.details.length).toBeGreaterThanOrEqual(4);
    for (const d of schema.body.error.details) expect(d).toMatchObject({ code: "INVALID_INPUT" });
  });

  it("errors carry a Vietnamese and an English message and the request id, never a stack", async () => {
    const r = await api("GET", "/periods/none", seed.tokens.council, undefined, { "x-request-id": "req-abc-123" });
    expect(r.status).toBe(404);
    expect(r.body.error).toEqual({
      code: "NOT_FOUND",
      message: "Không tìm thấy periods/none.",
      messageEn: "periods/none was not found.",
      params: { what: "periods/none" },
      requestId: "req-abc-123",
      details: [],
    });
    expect(r.headers.get("x-request-id")).toBe("req-abc-123");
  });
});

describe("atomicity", () => {
  it("when the audit insert fails, the push is not stored either, and the client sees 500 INTERNAL only", async () => {
    await DB.prepare(
      "CREATE TRIGGER fail_push_audit BEFORE INSERT ON audit WHEN NEW.action = 'submission.push' BEGIN SELECT RAISE(ABORT, 'audit refused'); END",
    ).run();
    try {
      const b = body("pccc-tphcm");
      const r = await api("POST", `/periods/${P}/units/pccc-tphcm/submissions`, seed.tokens.clerks["pccc-tphcm"], b);
      expect(r.status).toBe(500);
      expect(r.body.error.code).toBe("INTERNAL");
      expect(r.body.error.requestId).toBeTruthy();
      expect(JSON.stringify(r.body)).not.toMatch(/audit refused|SQL|INSERT|at .*\.ts/);
      const stored = await DB.prepare("SELECT COUNT(*) AS n FROM submissions WHERE client_id = ?")
        .bind(b.clientId)
        .first<{ n: number }>();
      expect(stored?.n).toBe(0);
      const audited = await DB.prepare("SELECT COUNT(*) AS n FROM audit WHERE detail LIKE ?")
        .bind(`%${b.clientId}%`)
        .first<{ n: number }>();
      expect(audited?.n).toBe(0);
    } finally {
      await DB.prepare("DROP TRIGGER fail_push_audit").run();
    }
    // And once the fault is gone the same push goes through as revision 1.
    const ok = await api(
      "POST",
      `/periods/${P}/units/pccc-tphcm/submissions`,
      seed.tokens.clerks["pccc-tphcm"],
      body("pccc-tphcm"),
    );
    expect(ok.status).toBe(201);
    expect(ok.body.revision).toBe(1);
  });
});

describe("D1 limits", () => {
  it("a template of 2,000 criteria is pushed, stored and read back (entries are one JSON column)", async () => {
    const leaves = Array.from({ length: 1999 }, (_, i) => ({
      code: `I.${i + 1}`,
      title: `Tiêu chí ${i + 1}`,
      kind: "score" as const,
      max: 1,
      step: 0.25,
      evidenceRequired: false,
      guidance: "",
    }));
    const big: Template = {
      id: "big",
      version: 1,
      name: "Mẫu lớn",
      parts: [
        { code: "I", title: "Phần I", criteria: leaves },
        {
          code: "II",
          title: "Điểm thưởng",
          criteria: [
            { code: "II.1", title: "Thưởng", kind: "bonus", max: 5, step: 0.5, evidenceRequired: false, guidance: "" },
          ],
        },
      ],
    };
    expect((await api("POST", "/templates", BOOT, big)).status).toBe(201);
    const period = { ...demoPeriod(futureDeadline()), id: "big-2017", templateId: "big", templateVersion: 1 };
    const created = await api("POST", "/periods", BOOT, period);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await api("POST", "/periods/big-2017/transitions", BOOT, { to: "open" });
    const entries = leaves.map((l) => ({ criterion: l.code, score: 0.75, evidence: "Báo cáo tổng kết năm 2017" }));
    const r = await api("POST", "/periods/big-2017/units/btl-tphcm/submissions", seed.tokens.clerks["btl-tphcm"], {
      templateId: "big",
      templateVersion: 1,
      baseRevision: null,
      clientId: clientId("big"),
      entries,
    });
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(201);
    expect(r.body.totals.total).toBe(1499.25);
    const back = await api("GET", "/periods/big-2017/units/btl-tphcm/submissions/1", seed.tokens.clerks["btl-tphcm"]);
    expect(back.body.entries).toHaveLength(1999);
  });
});

describe("rate limiting", () => {
  it("a token that sends more than its share gets 429 with Retry-After", async () => {
    const t = await api("POST", "/tokens", BOOT, { role: "board", blocId: "khoi-viii", label: "rate limit test" });
    let limited: Res | null = null;
    // Bursts of 40 until refused: the binding allows 300 a minute per token in fixed windows, so 640 requests
    // (which span at most two windows) always exceed it.
    for (let burst = 0; burst < 16 && !limited; burst++) {
      const answers = await Promise.all(Array.from({ length: 40 }, () => api("GET", "/me", t.body.token)));
      for (const r of answers) {
        if (r.status === 429) limited ??= r;
        else expect(r.status).toBe(200);
      }
    }
    expect(limited?.body.error.code).toBe("RATE_LIMITED");
    expect(limited?.headers.get("retry-after")).toBe("60");
  });
});

describe("ballot secrecy", () => {
  it("no table links a stored ballot to the code or unit that cast it", async () => {
    const cols = async (t: string) =>
      (await DB.prepare(`PRAGMA table_info(${t})`).all<{ name: string }>()).results.map((c) => c.name).sort();
    // A ballot row holds a random id, the bloc, the period and the choices: no unit, code, token or time.
    expect(await cols("ballots")).toEqual(["bloc_id", "choices", "id", "period_id"]);
    // No hidden insertion order either: the table has no rowid.
    await expect(DB.prepare("SELECT rowid FROM ballots").all()).rejects.toThrow();
    // The use of a voter code is a bare flag: nothing to order it against ballots.
    const tokenCols = await cols("tokens");
    expect(tokenCols).toContain("used");
    expect(tokenCols.filter((c) => /used_at|last_used|ballot/.test(c))).toEqual([]);
    // No foreign key from or to ballots.
    expect((await DB.prepare("PRAGMA foreign_key_list(ballots)").all()).results).toEqual([]);
    for (const t of ["submissions", "reviews", "returns", "flags", "tokens", "audit"]) {
      const fks = (await DB.prepare(`PRAGMA foreign_key_list(${t})`).all<{ table: string }>()).results;
      expect(fks.map((f) => f.table)).not.toContain("ballots");
    }
  });

  it("casting stores the sealed ballot, marks the code used, and audits only that the unit voted", async () => {
    const p = "khoi-viii-2017-vote";
    await api("POST", "/periods", BOOT, { ...demoPeriod(futureDeadline()), id: p });
    for (const to of ["open", "review"]) await api("POST", `/periods/${p}/transitions`, BOOT, { to });
    const election = await openElectronic(p, seed.tokens.secretariat);
    const codes = await voterCodes(p, seed.tokens.secretariat);
    const code = codes.get("tand-tphcm")!;
    // Voter codes are accepted without dashes and in lower case.
    const cast = await castSealed(election, code.replace(/-/g, "").toLowerCase(), ["vks-tphcm", "btl-tphcm"]);
    expect(cast.status, JSON.stringify(cast.body)).toBe(201);
    expect(
      (await DB.prepare("SELECT COUNT(*) AS n FROM ballots WHERE period_id = ?").bind(p).first<{ n: number }>())?.n,
    ).toBe(0);
    const ballots = await DB.prepare("SELECT * FROM sealed_ballots WHERE period_id = ?")
      .bind(p)
      .all<Record<string, unknown>>();
    expect(ballots.results).toHaveLength(1);
    const row = ballots.results[0]!;
    expect(Object.keys(row).sort()).toEqual(["bloc_id", "body", "fingerprint", "id", "period_id"]);
    expect(String(row.body)).not.toContain("vks-tphcm");
    const everything = JSON.stringify(
      (await DB.prepare("SELECT * FROM audit WHERE period_id = ?").bind(p).all()).results,
    );
    expect(everything).not.toContain(String(row.id));
    expect(everything).not.toContain(String(row.fingerprint));
    const used = await DB.prepare("SELECT used FROM tokens WHERE period_id = ? AND unit_id = 'tand-tphcm' AND used = 1")
      .bind(p)
      .all();
    expect(used.results).toHaveLength(1);
    const tally = await api("GET", `/periods/${p}/voting/tally`, seed.tokens.secretariat);
    expect(tally.body).toMatchObject({ visible: false, returned: 1, issued: 7, tally: null });
  });
});

describe("ballot count", () => {
  it("the database itself refuses more ballots than the period has members, so a race cannot exceed the count", async () => {
    const p = "khoi-viii-2017-full";
    await api("POST", "/periods", BOOT, { ...demoPeriod(futureDeadline()), id: p });
    for (const to of ["open", "review", "voting"]) await api("POST", `/periods/${p}/transitions`, BOOT, { to });
    const seven = { ballots: Array.from({ length: 7 }, () => ({ choices: [] })) };
    expect((await api("POST", `/periods/${p}/voting/paper`, seed.tokens.secretariat, seven)).status).toBe(201);
    // What two racing casts would do after both passed the route's check: the eighth insert is aborted.
    const insert = DB.prepare("INSERT INTO ballots (id, bloc_id, period_id, choices) VALUES (?, ?, ?, '[]')").bind(
      "race-8",
      "khoi-viii",
      p,
    );
    await expect(insert.run()).rejects.toThrow(/BALLOTS_EXCEED_ISSUED/);
    const n = await DB.prepare("SELECT COUNT(*) AS n FROM ballots WHERE period_id = ?").bind(p).first<{ n: number }>();
    expect(n?.n).toBe(7);
  });
});

describe("transport", () => {
  it("answers CORS preflights for the task pane's origin only, with secure headers on every answer", async () => {
    const { SELF } = await import("cloudflare:test");
    const pre = (origin: string) =>
      SELF.fetch("http://thidua.test/api/v1/periods", {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization,content-type",
        },
      });
    const ok = await pre("https://localhost:3000");
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://localhost:3000");
    expect(ok.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    const other = await pre("https://evil.example");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const r = await api("GET", "/health");
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(r.headers.get("x-request-id")).toBeTruthy();
  });

  it("serves the OpenAPI document generated from the schemas, and a readable page without scripts", async () => {
    const doc = await api("GET", "/openapi.json");
    const push = doc.body.paths["/api/v1/periods/{periodId}/units/{unitId}/submissions"].post;
    expect(push.requestBody.content["application/json"].schema.required).toEqual(
      expect.arrayContaining(["templateId", "templateVersion", "baseRevision", "clientId", "entries"]),
    );
    expect(push.responses["409"]).toBeDefined();
    const page = await api("GET", "/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(String(page.body)).toContain("/api/v1/periods/{periodId}/units/{unitId}/submissions");
    expect(String(page.body)).not.toContain("<script");
  });
});

describe("configuration", () => {
  it("a BOOTSTRAP_TOKEN shorter than 16 characters is refused loudly: printed, /health 503, and its bearer told why", async () => {
    const { env } = await import("cloudflare:test");
    const { createApp } = await import("../src/app.ts");
    const { configProblems } = await import("../src/config.ts");
    const short = { ...(env as object), BOOTSTRAP_TOKEN: "tooshort123" };
    const errors: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args.join(" "));
    try {
      const app = createApp();
      const health = await app.request("/api/v1/health", {}, short);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ ok: false, misconfigured: ["BOOTSTRAP_TOKEN"] });
      const me = await app.request("/api/v1/me", { headers: { authorization: "Bearer tooshort123" } }, short);
      expect(me.status).toBe(401);
      const err = ((await me.json()) as { error: { code: string; message: string; messageEn: string } }).error;
      expect(err.code).toBe("BOOTSTRAP_TOKEN_TOO_SHORT");
      expect(err.message).toContain("ngắn hơn 16 ký tự");
      expect(err.messageEn).toContain("shorter than 16 characters");
    } finally {
      console.error = original;
    }
    // Printed once per isolate, in both languages (wrangler dev shows it at start: index.ts reports at load).
    expect(configProblems(short)).toHaveLength(1);
    expect(configProblems({ BOOTSTRAP_TOKEN: "x".repeat(16), LINK_SECRET: "short" })[0]!.setting).toBe("LINK_SECRET");
    expect(configProblems({})).toEqual([]);
    expect(errors.join("\n")).toMatch(/MISCONFIGURED: BOOTSTRAP_TOKEN có 11 ký tự.*BOOTSTRAP_TOKEN has 11 characters/);
    // The configured token of this suite is long enough: everything answers as usual.
    expect((await api("GET", "/health")).status).toBe(200);
  });
});

describe("concurrency", () => {
  it("concurrent creates of the same id: one 201, the others 409 ALREADY_EXISTS, never a 500", async () => {
    const unit = { id: "race-unit", name: "Đơn vị thử tranh chấp", shortName: "Tranh chấp" };
    const answers = await Promise.all(Array.from({ length: 4 }, () => api("POST", "/units", BOOT, unit)));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    for (const r of answers.filter((a) => a.status === 409)) expect(r.body.error.code).toBe("ALREADY_EXISTS");
  });

  it("two pushes on the same base at once: one revision, the other told who won; a doubled retry is stored once", async () => {
    const u = "bdbp-tphcm";
    const tok = seed.tokens.clerks[u];
    const url = `/periods/${P}/units/${u}/submissions`;
    const [a, b] = await Promise.all([api("POST", url, tok, body(u)), api("POST", url, tok, body(u))]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.error).toMatchObject({ code: "CONFLICT_STALE_REVISION", params: { base: 0, latest: 1 } });

    const same = body(u, 1);
    const answers = await Promise.all(Array.from({ length: 5 }, () => api("POST", url, tok, same)));
    for (const r of answers) expect(r.status).toBe(201);
    expect(new Set(answers.map((r) => r.body.revision))).toEqual(new Set([2]));
    const list = await api("GET", url, tok);
    expect(list.body.revisions.map((r: { revision: number }) => r.revision)).toEqual([1, 2]);
  });
});

describe("repository scoping", () => {
  it("a period repository opened for the wrong bloc sees nothing of the period", async () => {
    const { Repository } = await import("../src/repository.ts");
    const right = new Repository(DB).forPeriod({ id: P, blocId: "khoi-viii" });
    const wrong = new Repository(DB).forPeriod({ id: P, blocId: "another-bloc" });
    expect((await right.latestSubmissions()).size).toBeGreaterThan(0);
    expect((await wrong.latestSubmissions()).size).toBe(0);
    expect(await wrong.latestSubmission("pccc-tphcm")).toBeNull();
    expect(await wrong.submissionList("pccc-tphcm")).toEqual([]);
    expect((await wrong.latestReviews()).size).toBe(0);
    expect(await wrong.flags()).toEqual({});
    expect((await wrong.returns()).size).toBe(0);
    expect(await wrong.ballots()).toEqual([]);
    expect(await wrong.voterCodes()).toEqual([]);
    expect(await wrong.auditLog(100)).toEqual([]);
    expect((await right.auditLog(100)).length).toBeGreaterThan(0);
    const state = await wrong.pushBatch({ unitId: "pccc-tphcm", clientId: "x", base: 0, insert: null });
    expect(state).toEqual({ replay: null, openReturn: null, newer: [], inserted: null });
  });
});
