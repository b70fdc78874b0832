/**
 * Synthetic templates of any size (mẫu tổng hợp) for sync-count tests and the layout benchmark: parts of groups of
 * leaves, a bonus and a deduction criterion, the titles long enough to look like real ones.
 */
import type { BlocRow, BlocTable } from "../../../shared/src/blocTable.ts";
import type { Template } from "../../../shared/src/schemas.ts";

/** A valid template with `criteria` leaf criteria (the last two are a bonus and a deduction). */
export function syntheticTemplate(criteria: number, id = `synthetic-${criteria}`): Template {
  const scoreLeaves = Math.max(1, criteria - 2);
  const perPart = 25;
  const parts: Template["parts"] = [];
  for (let p = 0; p * perPart < scoreLeaves; p++) {
    const code = `P${p + 1}`;
    const count = Math.min(perPart, scoreLeaves - p * perPart);
    const groups: Template["parts"][number]["criteria"] = [];
    for (let g = 0; g * 5 < count; g++) {
      const n = Math.min(5, count - g * 5);
      groups.push({
        code: `${code}.${g + 1}`,
        title: `Nhóm tiêu chí ${p + 1}.${g + 1}: thực hiện nhiệm vụ chuyên môn, phối hợp và xây dựng lực lượng`,
        guidance: "",
        children: Array.from({ length: n }, (_, i) => ({
          code: `${code}.${g + 1}.${i + 1}`,
          title: `Tiêu chí ${p + 1}.${g + 1}.${i + 1}: hoàn thành đúng hạn, đủ nội dung, có tài liệu kiểm chứng kèm theo`,
          kind: "score" as const,
          max: 2,
          step: 0.25,
          evidenceRequired: i === 0,
          guidance: "",
        })),
      });
    }
    parts.push({ code, title: `Phần ${p + 1}`, criteria: groups });
  }
  parts.push({
    code: "X",
    title: "Điểm thưởng và điểm trừ",
    criteria: [
      { code: "X.1", title: "Điểm thưởng", kind: "bonus", max: 5, step: 0.5, evidenceRequired: false, guidance: "" },
      { code: "X.2", title: "Điểm trừ", kind: "deduction", max: 5, step: 0.5, evidenceRequired: false, guidance: "" },
    ],
  });
  return { id, version: 1, name: `Mẫu thử ${criteria} tiêu chí`, parts };
}

/**
 * A consolidated bloc table of `units` units over `template`, every criterion scored, names and titles as long as
 * the schema allows: the largest bloc table and matrix the pane may have to write.
 */
export function syntheticBlocTable(template: Template, units: number, nameLength = 200): BlocTable {
  const criteria = template.parts.flatMap((p) =>
    p.criteria.flatMap((c) => ("children" in c ? c.children : [c]).map((l) => ({ ...l, partCode: p.code }))),
  );
  const unitIds = Array.from({ length: units }, (_, i) => `don-vi-${i + 1}`);
  const rows: BlocRow[] = unitIds.map((unitId, i) => ({
    stt: i + 1,
    unitId,
    name: `Đơn vị thi đua số ${i + 1} `.padEnd(nameLength, "ể"),
    shortName: `Đơn vị ${i + 1}`,
    submitted: true,
    selfTotal: 9_875 - i,
    reviewedTotal: 9_850 - i,
    base: 9_500 - i,
    bonus: 450,
    deduction: 100,
    total: 9_850 - i,
    parts: {},
    rank: i + 1,
    separatedBy: "total",
    band: { key: "xs", label: { vi: "Hoàn thành xuất sắc nhiệm vụ", en: "Outstanding" } },
    bandWhy: null,
    votes: units - i,
    voteBase: units,
    votePct: 100,
    votePassed: true,
    award: i < 10 ? { key: "co", name: { vi: "Cờ thi đua của Chính phủ", en: "Government emulation flag" } } : null,
    notNominatedReason: null,
    violation: false,
    withdrawn: false,
    missing: [],
  }));
  return {
    periodId: "p1",
    year: 2026,
    templateId: template.id,
    templateVersion: template.version,
    rulebookId: "r1",
    rulebookVersion: 1,
    scoreMax: 100,
    rows,
    matrix: {
      criteria: criteria.map((c) => ({ code: c.code, title: c.title, kind: c.kind, max: c.max, partCode: c.partCode })),
      unitIds,
      values: criteria.map((_, ci) => unitIds.map((_, ui) => ((ci + ui) % 8) * 0.25 + 0.25)),
    },
    tally: null,
    nominations: { nominations: [], byAward: {}, leadingUnitId: unitIds[0] ?? null, contested: [] },
    leadingUnitId: unitIds[0] ?? null,
  };
}
