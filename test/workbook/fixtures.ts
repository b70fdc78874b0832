/**
 * Inputs for the workbook tests and the benchmark: the demo bloc (Khối VIII, 2017) and bigger blocs generated from
 * the demo template by a seeded generator (same seed, same bloc), with ties, flags and ballots.
 */
import {
  type Ballot,
  type ConsolidateInput,
  demoBallots,
  demoEntries,
  demoFlags,
  demoPeriod,
  demoRulebook,
  demoTemplate,
  demoUnits,
  type Entry,
  type Flags,
  leavesOf,
  type Unit,
  validateEntries,
} from "../../shared/src/index.ts";
import { type RankingContext, rankingInputs } from "../../worker/src/workbook/index.ts";

/** The demo period's consolidation input: seven units, their pushes (as entries), flags and ballots. */
export function demoInput(): ConsolidateInput & { submissions: Record<string, Entry[]> } {
  const submissions: Record<string, Entry[]> = {};
  for (const u of demoUnits) submissions[u.id] = validateEntries(demoTemplate, demoEntries(u.id)).entries;
  return {
    period: demoPeriod(),
    template: demoTemplate,
    rulebook: demoRulebook,
    units: demoUnits,
    submissions,
    flags: demoFlags,
    ballots: demoBallots,
  };
}

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const AGENCIES = ["Sở Tư pháp", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Ban Quản lý", "Chi cục Thuế", "Kho bạc Nhà nước"];

/**
 * A bloc of `n` units scored against the demo template. Scores are coarse (whole steps near the maximum) so that
 * totals tie often and the tie-break chain is exercised.
 */
export function generatedInput(n: number, seed = 2017): ConsolidateInput {
  const rand = lcg(seed);
  const leaves = leavesOf(demoTemplate);
  const units: Unit[] = [];
  const submissions: Record<string, Entry[]> = {};
  const flags: Record<string, Flags> = {};
  for (let i = 0; i < n; i++) {
    const id = `dv-${String(i + 1).padStart(4, "0")}`;
    const agency = AGENCIES[i % AGENCIES.length]!;
    units.push({ id, name: `${agency} – đơn vị số ${i + 1}`, shortName: `ĐV ${i + 1}` });
    submissions[id] = leaves.map((l) => {
      let score: number;
      if (l.kind === "score") score = Math.max(0, l.max - Math.floor(rand() * 3) * l.step);
      else if (l.kind === "bonus") score = rand() < 0.3 ? l.step * Math.floor(rand() * 3) : 0;
      else score = rand() < 0.1 ? l.step : 0;
      return { criterion: l.code, score, evidence: l.evidenceRequired ? `Báo cáo số ${i + 1}/BC` : "", note: "" };
    });
    if (rand() < 0.05) flags[id] = { violation: true, withdrawn: false, reason: "Vi phạm kỷ luật" };
    else if (rand() < 0.03) flags[id] = { violation: false, withdrawn: true, reason: "Không tham gia xét" };
  }
  const members = units.map((u) => u.id);
  const ballots: Ballot[] = members.map(() => {
    const a = members[Math.floor(rand() * Math.min(n, 12))]!;
    const b = members[Math.floor(rand() * n)]!;
    return { choices: a === b ? [a] : [a, b] };
  });
  return {
    period: { id: `khoi-gen-${n}`, year: 2017, members },
    template: demoTemplate,
    rulebook: demoRulebook,
    units,
    submissions,
    flags,
    ballots,
  };
}

/** The context of a ranking workbook for an input. */
export function rankingContext(input: ConsolidateInput, periodState: RankingContext["periodState"]): RankingContext {
  return {
    inputs: rankingInputs(input),
    blocName: "Khối thi đua VIII – TP. Hồ Chí Minh",
    issuingBody: ["CÔNG AN THÀNH PHỐ HỒ CHÍ MINH", "KHỐI TRƯỞNG KHỐI THI ĐUA VIII"],
    generatedAt: "2026-11-29T12:40:00Z",
    periodState,
    leaderName: "Công an Thành phố Hồ Chí Minh",
  };
}

/** Text that a spreadsheet would take for a formula if it were typed: must stay text in every workbook. */
export const INJECTIONS = ["=1+2", "+1+2", "-1+2", "@SUM(1,2)", "\t=1+2", "\r=1+2", '=HYPERLINK("http://x","y")'];
