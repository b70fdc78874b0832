/**
 * The pane's steps against the in-memory workbook and a small stand-in for the Worker (the contract of docs/api.md):
 * pull, check with marks, push with a receipt, the stale-copy conflict and its merge, and the offline queue that sends
 * exactly once.
 */
import { describe, expect, it } from "vitest";
import {
  demoBloc,
  demoEntries,
  demoPeriod,
  demoRulebook,
  demoTemplate,
  demoUnits,
  scoreUnit,
  toNumber,
  validateSubmission,
} from "../../shared/src/index.ts";
import { ApiClient } from "./api.ts";
import { FakeWorkbook } from "./excel/fakeWorkbook.ts";
import { SheetMissingError } from "./excel/gateway.ts";
import { gatewayFailureText } from "./i18n.ts";
import { memoryStore, Outbox } from "./outbox.ts";
import { mergeEntries, Session } from "./session.ts";

type Stored = { revision: number; clientId: string; entries: unknown[]; by: string; at: string };

/** A stand-in Worker: enough of the contract for the clerk's flow, with an offline switch. */
function fakeServer() {
  const revisions: Stored[] = [];
  const receipts = new Map<string, unknown>();
  const state = { offline: false, posts: 0, requests: 0 };
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const doFetch = async (input: string | URL | Request, init?: RequestInit) => {
    if (state.offline) throw new TypeError("Failed to fetch");
    state.requests++;
    const url = new URL(String(input));
    const path = url.pathname.replace("/api/v1", "");
    const method = init?.method ?? "GET";
    if (path === "/periods/khoi-viii-2017/sheet")
      return json({
        period: { ...demoPeriod(), state: "open" },
        bloc: demoBloc,
        units: demoUnits,
        template: demoTemplate,
        rulebook: demoRulebook,
        ...(url.searchParams.has("unit")
          ? {
              latest: revisions.length ? { unitId: url.searchParams.get("unit"), ...revisions.at(-1)! } : null,
            }
          : {}),
      });
    if (path.endsWith("/submissions") && method === "GET")
      return json({ revisions: revisions.map((r) => ({ revision: r.revision })) });
    const one = /\/submissions\/(\d+)$/.exec(path);
    if (one) return json({ ...revisions[Number(one[1]) - 1]! });
    if (path.endsWith("/submissions/compare")) return json({ changes: [{ criterion: "I.5", from: null, to: null }] });
    if (path.endsWith("/submissions") && method === "POST") {
      state.posts++;
      const body = JSON.parse(String(init?.body));
      if (receipts.has(body.clientId)) return json(receipts.get(body.clientId), 201);
      const latest = revisions.at(-1)?.revision ?? null;
      if (latest !== null && body.baseRevision !== latest)
        return json(
          {
            error: {
              code: "CONFLICT_STALE_REVISION",
              params: { base: body.baseRevision ?? 0, latest, who: "Chị Lan", at: "2017-12-10T09:00:00+07:00" },
              details: [],
            },
          },
          409,
        );
      const v = validateSubmission(demoTemplate, body);
      if (!v.ok) return json({ error: { code: "INVALID_INPUT", params: {}, details: v.errors } }, 422);
      const totals = scoreUnit(demoTemplate, demoRulebook, v.entries).self;
      const revision = revisions.length + 1;
      revisions.push({
        revision,
        clientId: body.clientId,
        by: "clerk",
        at: "2017-12-01T08:00:00Z",
        entries: v.entries.map((e) => ({ ...e, score: e.score === null ? null : toNumber(e.score) })),
      });
      const receipt = {
        revision,
        contentHash: "ab".repeat(32),
        totals: {
          base: toNumber(totals.base),
          bonus: toNumber(totals.bonus),
          deduction: 0,
          total: toNumber(totals.total),
        },
        receivedAt: "2017-12-01T08:00:00Z",
        late: false,
      };
      receipts.set(body.clientId, receipt);
      return json(receipt, 201);
    }
    return json({ error: { code: "NOT_FOUND", params: { what: path } } }, 404);
  };
  return { doFetch: doFetch as typeof fetch, revisions, state };
}

async function filledSession(unitId = "vks-tphcm") {
  const server = fakeServer();
  const wb = new FakeWorkbook();
  const api = new ApiClient("http://localhost:8787", "token-0123456789", server.doFetch);
  const outbox = new Outbox(memoryStore(), "q", (i) => api.push(i.periodId, i.unitId, i.body));
  const s = new Session(wb, api, outbox);
  const { layout } = await s.pull("khoi-viii-2017", unitId);
  for (const e of demoEntries(unitId)) {
    const i = layout.inputs.find((x) => x.criterion === e.criterion)!;
    if (e.score !== null && e.score !== undefined)
      expect(wb.edit(layout.sheetName, i.scoreCell, String(e.score).replace(".", ","))).toEqual({ ok: true });
    if (e.evidence) wb.edit(layout.sheetName, i.evidenceCell, e.evidence);
  }
  const meta = s.selfMeta("khoi-viii-2017", unitId)!;
  return { server, wb, api, outbox, s, layout, meta };
}

describe("Session (clerk)", () => {
  it("a pull is one request to the Worker, prefilled with the latest revision", async () => {
    const { s, server, meta } = await filledSession();
    await s.push(meta);
    server.state.requests = 0;
    const again = await s.pull("khoi-viii-2017", "vks-tphcm");
    expect(server.state.requests).toBe(1);
    expect(again.revision).toBe(1);
    expect(again.layout.inputs.length).toBeGreaterThan(0);
  });

  it("pull, fill, check finds an error and marks its cell, fixing clears the mark, push gives a receipt", async () => {
    const { wb, s, layout, meta, server } = await filledSession();
    const i = layout.inputs.find((x) => x.criterion === "I.5")!;
    wb.edit(layout.sheetName, i.scoreCell, "1,3");
    const checked = await s.check(meta);
    expect(checked.errors.map((e) => [e.code, e.cell])).toEqual([["SCORE_NOT_MULTIPLE_OF_STEP", i.scoreCell]]);
    expect(wb.cellAt(layout.sheetName, i.scoreCell)?.format.fill).toBe("#FDE7E9");
    wb.edit(layout.sheetName, i.scoreCell, "1,5");
    expect((await s.check(meta)).errors).toEqual([]);
    expect(wb.cellAt(layout.sheetName, i.scoreCell)?.format.fill).toBe("#FFF4CE");
    const out = await s.push(meta);
    expect(out.kind).toBe("receipt");
    expect(server.revisions).toHaveLength(1);
    expect((await wb.readMeta())[0]?.baseRevision).toBe(1);
  });

  it("a clerk who renames the sheet still checks, pushes and pulls it (the worksheet id is kept in _thidua)", async () => {
    const { wb, s, layout, meta, server } = await filledSession();
    expect(meta.sheetId).toBe(wb.findSheet(layout.sheetName)!.id);
    wb.rename(layout.sheetName, "VKS 2017 - bản nộp");
    const i = layout.inputs.find((x) => x.criterion === "I.5")!;
    wb.edit("VKS 2017 - bản nộp", i.scoreCell, "1,3");
    expect((await s.check(meta)).errors.map((e) => e.cell)).toEqual([i.scoreCell]);
    expect(wb.cellAt("VKS 2017 - bản nộp", i.scoreCell)?.format.fill).toBe("#FDE7E9");
    wb.edit("VKS 2017 - bản nộp", i.scoreCell, "1,5");
    expect((await s.push(meta)).kind).toBe("receipt");
    expect(server.revisions).toHaveLength(1);
    // A new pull re-lays the renamed sheet instead of adding a second one.
    await s.pull("khoi-viii-2017", "vks-tphcm");
    expect(wb.visibleSheets().map((x) => x.name)).toEqual(["Sheet1", "VKS 2017 - bản nộp"]);
    expect(await s.recognise()).toHaveLength(1);
  });

  it("a deleted sheet is reported as missing, not as an unknown error", async () => {
    const { wb, s, layout, meta } = await filledSession();
    wb.deleteSheet(layout.sheetName);
    await expect(s.check(meta)).rejects.toBeInstanceOf(SheetMissingError);
    const text = gatewayFailureText(await s.check(meta).catch((e: unknown) => e));
    expect(text).toContain("Không tìm thấy trang tính “Tự chấm điểm”");
    expect(gatewayFailureText(new Error("x"))).toBeNull();
  });

  it("reads each score by the code on its own row: rows moved keep their criteria; a duplicated code refuses the push", async () => {
    const { wb, s, layout, meta, server } = await filledSession();
    const a = layout.inputs.find((x) => x.criterion === "I.1.a")!;
    const b = layout.inputs.find((x) => x.criterion === "I.1.b")!;
    wb.edit(layout.sheetName, a.scoreCell, "4");
    wb.edit(layout.sheetName, b.scoreCell, "3");
    // Row I.1.b moved above I.1.a, with its code, as cutting and inserting the row in Excel does.
    const cells = wb.sheet(layout.sheetName).cells;
    for (let col = 0; col < 6; col++) {
      const ka = `${a.row},${col}`;
      const kb = `${b.row},${col}`;
      const ca = cells.get(ka);
      const cb = cells.get(kb);
      if (cb) cells.set(ka, cb);
      else cells.delete(ka);
      if (ca) cells.set(kb, ca);
      else cells.delete(kb);
    }
    const read = await s.readInputs(meta);
    expect(read.find((e) => e.criterion === "I.1.a")?.score).toBe(4);
    expect(read.find((e) => e.criterion === "I.1.b")?.score).toBe(3);
    // I.1.b's code overwritten with I.1.a: refused with both cells, nothing sent.
    cells.get(`${a.row},0`)!.value = "I.1.a";
    const out = await s.push(meta);
    expect(out.kind).toBe("invalid");
    if (out.kind !== "invalid") return;
    expect(out.errors.map((e) => e.code)).toEqual(["SHEET_CODE_DUPLICATED", "SHEET_CODE_MISSING"]);
    expect(server.revisions).toHaveLength(0);
  });

  it("a push from a stale copy shows the conflict; the merged view keeps the clerk's changes", async () => {
    const { wb, s, layout, meta, server } = await filledSession();
    expect((await s.push(meta)).kind).toBe("receipt");
    // Someone else pushes revision 2 with a different I.5; this copy (base 1) changes I.4.
    server.revisions.push({
      ...server.revisions[0]!,
      revision: 2,
      entries: server.revisions[0]!.entries.map((e) =>
        (e as { criterion: string }).criterion === "I.5" ? { ...(e as object), score: 1 } : e,
      ),
    });
    const i4 = layout.inputs.find((x) => x.criterion === "I.4")!;
    wb.edit(layout.sheetName, i4.scoreCell, "3");
    const out = await s.push(s.selfMeta("khoi-viii-2017", "vks-tphcm")!);
    expect(out.kind).toBe("conflict");
    const merged = await s.pullMerged(s.selfMeta("khoi-viii-2017", "vks-tphcm")!);
    expect(merged).toEqual({ revision: 2, mine: 1, both: 0 });
    const i5 = layout.inputs.find((x) => x.criterion === "I.5")!;
    expect(wb.valueAt(layout.sheetName, i5.row, 3)).toBe(1);
    expect(wb.valueAt(layout.sheetName, i4.row, 3)).toBe(3);
    expect((await s.push(s.selfMeta("khoi-viii-2017", "vks-tphcm")!)).kind).toBe("receipt");
    void meta;
  });

  it("offline: the push waits in the queue and is sent exactly once when the connection returns", async () => {
    const { s, meta, server, outbox } = await filledSession();
    server.state.offline = true;
    expect(await s.push(meta)).toEqual({ kind: "queued", count: 1 });
    expect(await outbox.flush()).toEqual([]);
    expect(outbox.list()).toHaveLength(1);
    server.state.offline = false;
    const [first, second] = await Promise.all([outbox.flush(), outbox.flush()]);
    expect(first).toBe(second);
    expect(first).toHaveLength(1);
    expect(first?.[0]?.ok).toBe(true);
    expect(server.state.posts).toBe(1);
    expect(server.revisions).toHaveLength(1);
    expect(await outbox.flush()).toEqual([]);
  });

  it("a retry with the same clientId gets the first receipt, nothing stored twice", async () => {
    const { s, meta, server } = await filledSession();
    const a = await s.push(meta, "client-id-0001");
    const b = await s.push({ ...meta, baseRevision: null }, "client-id-0001");
    expect(b).toEqual(a);
    expect(server.revisions).toHaveLength(1);
  });
});

describe("mergeEntries", () => {
  const e = (criterion: string, score: number) => ({ criterion, score, evidence: "", note: "" });
  it("takes theirs where I did not change, mine where I did, and reports both-changed", () => {
    const base = [e("a", 100), e("b", 100), e("c", 100)];
    const latest = [e("a", 200), e("b", 100), e("c", 300)];
    const mine = [e("a", 100), e("b", 150), e("c", 250)];
    expect(mergeEntries(base, latest, mine)).toEqual({
      entries: [e("a", 200), e("b", 150), e("c", 250)],
      mine: ["b", "c"],
      both: ["c"],
    });
  });
});
