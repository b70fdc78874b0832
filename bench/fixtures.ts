/**
 * Generated templates and push bodies for the benchmarks (bench:core in Node, bench:cloudflare inside workerd): a
 * template of any number of criteria and a unit's push body as the add-in sends it.
 */
import type { EntryInput, Template } from "../shared/src/index.ts";

/** A template of `n` leaf criteria: n - 6 score criteria in 5 parts, then a part of 3 bonus and 3 deduction ones. */
export function makeTemplate(n: number): Template {
  const scoreCount = n - 6;
  const parts: Template["parts"] = [];
  const perPart = Math.ceil(scoreCount / 5);
  let made = 0;
  for (let p = 1; made < scoreCount; p++) {
    const code = ["I", "II", "III", "IV", "V", "VI"][p - 1]!;
    const criteria: Template["parts"][number]["criteria"] = [];
    const count = Math.min(perPart, scoreCount - made);
    for (let i = 1; i <= count; i++) {
      const leaf = {
        code: `${code}.${i}`,
        title: `Tiêu chí ${code}.${i}: hoàn thành nhiệm vụ được giao`,
        kind: "score" as const,
        max: (i % 3) + 1,
        step: 0.25,
        evidenceRequired: i % 4 === 0,
        guidance: "",
      };
      criteria.push(leaf);
    }
    made += count;
    parts.push({ code, title: `Phần ${code}`, criteria });
  }
  const kinds = ["bonus", "deduction"] as const;
  parts.push({
    code: "X",
    title: "Điểm thưởng và điểm trừ",
    criteria: kinds.map((kind, k) => ({
      code: `X.${k + 1}`,
      title: kind === "bonus" ? "Điểm thưởng" : "Điểm trừ",
      guidance: "",
      children: [1, 2, 3].map((i) => ({
        code: `X.${k + 1}.${i}`,
        title: `${kind} ${i}`,
        kind,
        max: 2,
        step: 0.5,
        evidenceRequired: kind === "bonus",
        guidance: "",
      })),
    })),
  });
  return { id: `tpl-${n}`, version: 1, name: `Bảng chấm điểm ${n} tiêu chí`, parts };
}

export function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A push body for one unit, as the add-in sends it (scores as numbers, Vietnamese evidence on some lines). */
export function makeBody(template: Template, seed: number): string {
  const rand = lcg(seed);
  const entries: EntryInput[] = [];
  let row = 8;
  for (const part of template.parts)
    for (const c of part.criteria)
      for (const l of "children" in c ? c.children : [c]) {
        const steps = Math.round(l.max / l.step);
        const lost = l.kind === "score" ? Math.floor(rand() * 3) : Math.floor(rand() * (steps + 1));
        const score = l.kind === "score" ? (steps - lost) * l.step : lost * l.step;
        const e: EntryInput = { criterion: l.code, score, cell: `D${row++}` };
        if (l.evidenceRequired) e.evidence = `Báo cáo số ${row}/BC-ĐV ngày 30/11/2017`;
        if (rand() < 0.1) e.note = "Đã đối chiếu với số liệu thống kê";
        entries.push(e);
      }
  return JSON.stringify({
    templateId: template.id,
    templateVersion: template.version,
    baseRevision: null,
    clientId: `client-${seed.toString(16).padStart(8, "0")}`,
    entries,
  });
}
