#!/usr/bin/env node
/**
 * `npm run demo:year`: plays the Khối VIII 2017 year against a running worker (`npm start`, or THIDUA_URL), as the
 * people would: seven clerks push (one late, one with errors that it then fixes), the secretariat reviews, returns one
 * sheet, records flags, opens a sealed vote (two trustees publish key shares, seven units cast encrypted ballots, the
 * trustees decrypt the sums), the results are published and the ranking workbook and the vote's public record are
 * written to disk. It prints the bloc table as the board would read it.
 *
 * Each run plays a new period of its own (`khoi-viii-2017-demo-<time>`), so it never disturbs the period `npm start`
 * seeded, and its tokens are labelled `demo:year`. Only the bootstrap token of worker/.dev.vars is needed.
 *
 *   THIDUA_URL=http://127.0.0.1:8787 npm run demo:year [-- --out ranking.xlsx --deadline-seconds 12]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  demoBallots,
  demoBloc,
  demoEntries,
  demoFlags,
  demoPeriod,
  demoRulebook,
  demoTemplate,
  demoUnits,
  formatPointsVi,
  makeTrusteeKey,
  messageFor,
  partialDecrypt,
  sealBallot,
  toHundredths,
  verifyElectionRecord,
} from "../shared/src/index.ts";
import { ensureBootstrapToken, ROOT } from "./start.mjs";

const { values: opts } = parseArgs({
  options: {
    url: { type: "string", default: process.env.THIDUA_URL ?? "http://127.0.0.1:8787" },
    out: { type: "string", default: path.join(ROOT, "artifacts", "demo-year", "bang-xep-hang-khoi-viii-2017.xlsx") },
    "deadline-seconds": { type: "string", default: "12" },
    quiet: { type: "boolean", default: false },
  },
});
const BASE = `${opts.url.replace(/\/$/, "")}/api/v1`;
const say = (...lines) => {
  if (!opts.quiet) console.log(lines.join("\n"));
};

/** One API call; throws with the server's Vietnamese message unless the status is expected. */
async function api(method, p, token, body, expect = [200, 201]) {
  const headers = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const r = await fetch(BASE + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const type = r.headers.get("content-type") ?? "";
  const data = type.includes("json") ? await r.json() : new Uint8Array(await r.arrayBuffer());
  if (!expect.includes(r.status))
    throw new Error(`${method} ${p}: ${r.status} ${data?.error ? `${data.error.code}: ${data.error.message}` : ""}`);
  return { status: r.status, body: data };
}

const vi = (n) => (n === null || n === undefined ? "–" : formatPointsVi(toHundredths(n)));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const random = (n) => crypto.getRandomValues(new Uint8Array(n));

export async function playYear({ bootstrap = ensureBootstrapToken(), now = new Date() } = {}) {
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const periodId = `khoi-viii-2017-demo-${stamp}`;
  const deadlineMs = now.getTime() + Number(opts["deadline-seconds"]) * 1000;
  const deadline = new Date(deadlineMs).toISOString().replace(/\.\d+Z$/, "+00:00");

  say("", `▶ Kỳ thi đua mới / new period: ${periodId} (hạn nộp / deadline ${deadline})`);
  for (const u of demoUnits) await api("POST", "/units", bootstrap, u, [201, 409]);
  await api("POST", "/blocs", bootstrap, demoBloc, [201, 409]);
  await api("POST", "/templates", bootstrap, demoTemplate, [201, 409]);
  await api("POST", "/rulebooks", bootstrap, demoRulebook, [201, 409]);
  await api("POST", "/periods", bootstrap, { ...demoPeriod(deadline), id: periodId }, [201]);
  const issue = async (body) =>
    (await api("POST", "/tokens", bootstrap, { ...body, label: `demo:year ${body.label}` })).body.token;
  const secretariat = await issue({ role: "secretariat", blocId: demoBloc.id, label: "Thư ký Khối VIII" });
  const board = await issue({ role: "board", blocId: demoBloc.id, label: "Lãnh đạo Khối VIII" });
  const clerks = {};
  for (const u of demoUnits)
    clerks[u.id] = await issue({ role: "clerk", unitId: u.id, label: `Cán bộ thi đua ${u.shortName}` });
  await api("POST", `/periods/${periodId}/transitions`, secretariat, { to: "open" });
  say("  Thư ký mở kỳ thi đua / the secretariat opens the period.");

  const P = `/periods/${periodId}`;
  const push = (unitId, entries, base = null, clientId = `demo-${unitId}-${Date.now()}`) =>
    api(
      "POST",
      `${P}/units/${unitId}/submissions`,
      clerks[unitId],
      { templateId: demoTemplate.id, templateVersion: demoTemplate.version, baseRevision: base, clientId, entries },
      [201, 409, 422, 423],
    );

  // 1. Seven clerks push: one with errors it then fixes, one late.
  const withErrors = "bdbp-tphcm";
  const late = "cthads-tphcm";
  for (const u of demoUnits) {
    if (u.id === late) continue;
    if (u.id === withErrors) {
      const wrong = demoEntries(u.id).map((e) =>
        e.criterion === "I.4"
          ? { ...e, score: 4.5, cell: "D22" }
          : e.criterion === "II.4"
            ? { ...e, evidence: undefined, cell: "D27" }
            : e,
      );
      const r = await push(u.id, wrong);
      say(`  ✗ ${u.shortName}: ${r.status}, ${r.body.error.details.length} lỗi / errors:`);
      for (const d of r.body.error.details) say(`      - ${messageFor(d, "vi")}`);
    }
    const r = await push(u.id, demoEntries(u.id));
    say(`  ✓ ${u.shortName}: lần nộp / revision ${r.body.revision}, tổng / total ${vi(r.body.totals.total)}`);
  }
  const wait = deadlineMs - Date.now() + 500;
  if (wait > 0) {
    say(`  … chờ quá hạn nộp / waiting ${Math.ceil(wait / 1000)} s for the deadline to pass`);
    await sleep(wait);
  }
  let r = await push(late, demoEntries(late));
  say(
    `  ✗ ${demoUnits.find((u) => u.id === late).shortName} nộp muộn / pushes late: ${r.status} ${r.body.error.message}`,
  );

  // 2. Review: submissions close, one sheet is returned and re-pushed, the late unit is let in, reviews and flags.
  await api("POST", `${P}/transitions`, secretariat, { to: "review" });
  say("", "▶ Thẩm định / review");
  const returned = "tand-tphcm";
  await api("POST", `${P}/units/${returned}/return`, secretariat, {
    reason: "Bổ sung tài liệu kiểm chứng tiêu chí I.3.a",
  });
  say(`  Thư ký trả lại bảng điểm / returns the sheet of ${returned}: Bổ sung tài liệu kiểm chứng tiêu chí I.3.a`);
  const fixed = demoEntries(returned).map((e) =>
    e.criterion === "I.3.a" ? { ...e, evidence: "Báo cáo 25/BC-TAND ngày 01/12/2017 (bổ sung)" } : e,
  );
  r = await push(returned, fixed, 1);
  say(`  ✓ ${returned} nộp lại / re-pushes: lần nộp / revision ${r.body.revision}`);
  await api("POST", `${P}/units/${late}/return`, secretariat, { reason: "Cho phép nộp muộn (đã báo cáo lý do)" });
  r = await push(late, demoEntries(late));
  say(`  ✓ ${late} được nộp muộn / late sheet accepted: revision ${r.body.revision}, late=${r.body.late}`);
  await api("PUT", `${P}/units/pccc-tphcm/review`, secretariat, {
    baseRevision: null,
    clientId: `demo-review-${Date.now()}`,
    entries: [{ criterion: "I.4", score: 3 }],
    note: "Kiểm tra chéo: giảm điểm I.4",
  });
  say("  Điểm thẩm định / reviewed score: pccc-tphcm I.4 = 3");
  for (const [u, f] of Object.entries(demoFlags)) {
    await api("PUT", `${P}/units/${u}/flags`, secretariat, f);
    say(
      `  Cờ / flag ${u}: ${f.violation ? "vi phạm / violation" : ""}${f.withdrawn ? "xin rút / withdrawn" : ""} (${f.reason})`,
    );
  }

  // 3. Voting, sealed: two trustees publish key shares (their secrets stay here), seven units cast encrypted ballots
  // with single-use codes, the box closes, and the trustees decrypt only the per-unit sums.
  await api("POST", `${P}/transitions`, secretariat, { to: "voting", channel: "electronic" });
  const trustees = (await api("POST", `${P}/voting/trustee-codes`, secretariat)).body.codes;
  const secrets = new Map();
  for (const t of trustees) {
    const { secret, key } = makeTrusteeKey(periodId, t.trusteeId, random);
    secrets.set(t.trusteeId, secret);
    await api("POST", `${P}/voting/trustee-key`, t.code, key);
  }
  const election = (await api("GET", `${P}/voting/election`, secretariat)).body;
  const ctx = {
    periodId,
    members: election.members,
    choicesPerBallot: election.choicesPerBallot,
    electionKey: election.electionKey,
  };
  say(
    "",
    `▶ Bỏ phiếu kín / secret ballot: ${trustees.length} người giữ khoá / trustees, khoá bầu cử / election key ${ctx.electionKey.slice(0, 16)}…`,
  );
  const codes = (await api("POST", `${P}/voting/codes`, secretariat)).body.codes;
  say(
    `  ${codes.length} mã bỏ phiếu / voter codes issued; phiếu được mã hoá trên máy người bầu / ballots encrypted on the voter's device`,
  );
  for (const [i, c] of codes.entries())
    await api("POST", "/ballots", c.code, sealBallot(ctx, demoBallots[i].choices, random));
  const closed = (await api("POST", `${P}/voting/close`, secretariat)).body;
  for (const t of trustees)
    await api(
      "POST",
      `${P}/voting/decryption`,
      t.code,
      partialDecrypt(ctx, t.trusteeId, secrets.get(t.trusteeId), closed.aggregate, random),
    );
  const tally = (await api("GET", `${P}/voting/tally`, secretariat)).body;
  const t = tally.tally ?? tally;
  say(
    `  Phát ra / issued ${t.issued}, thu về / returned ${t.returned}, hợp lệ / valid ${t.valid}, không hợp lệ / invalid ${t.invalid}`,
  );
  const record = (await api("GET", `${P}/voting/record`, board)).body;
  const recordOut = path.join(path.dirname(opts.out), `phieu-bau-${periodId}.json`);
  mkdirSync(path.dirname(recordOut), { recursive: true });
  writeFileSync(recordOut, JSON.stringify(record));
  const verified = verifyElectionRecord(record);
  say(
    `  Hồ sơ công khai / public record: ${recordOut} (${verified.ok ? "mọi chứng minh hợp lệ / every proof holds" : verified.problems.join("; ")})`,
  );

  // 4. Publication and the board's workbook.
  await api("POST", `${P}/transitions`, secretariat, { to: "closed" });
  say("", "▶ Công bố kết quả / results published");
  const table = (await api("GET", `${P}/table`, board)).body;
  const book = (await api("GET", `${P}/ranking.xlsx`, board)).body;
  mkdirSync(path.dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, book);

  say("", `BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA – ${demoBloc.name} – NĂM 2017`, "");
  const head = ["Hạng", "Đơn vị", "Tự chấm", "Thẩm định", "Thưởng", "Trừ", "Tổng", "Xếp loại", "Phiếu", "Đề nghị"];
  const rows = table.rows.map((x) => [
    x.rank === null ? "Chưa nộp" : String(x.rank),
    x.shortName,
    vi(x.selfTotal),
    vi(x.reviewedTotal),
    vi(x.bonus),
    vi(x.deduction),
    vi(x.total),
    x.band?.label.vi ?? "–",
    x.votes === null ? "–" : `${x.votes}/${x.voteBase} (${vi(x.votePct)}%)`,
    x.award?.name.vi ?? (x.withdrawn ? "(xin rút)" : x.violation ? "(vi phạm)" : ""),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 1 || i >= 7 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  say(line(head), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line));
  const leading = table.rows.find((x) => x.unitId === table.leadingUnitId);
  say(
    "",
    `Đơn vị dẫn đầu / leading unit: ${leading ? leading.name : "–"}`,
    `Bảng xếp hạng / ranking workbook: ${opts.out}`,
    "",
  );
  return { periodId, table, out: opts.out, tokens: { secretariat, board, clerks } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  playYear().catch((e) => {
    console.error(`Không chạy được năm thi đua mẫu / the demo year failed: ${e.message}`);
    console.error(`Worker đang chạy chưa? / is the worker running (npm start)? ${BASE}`);
    process.exit(1);
  });
}
