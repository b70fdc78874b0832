/**
 * Synthetic templates of any size (mẫu tổng hợp) for sync-count tests and the layout benchmark: parts of groups of
 * leaves, a bonus and a deduction criterion, the titles long enough to look like real ones.
 */
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
