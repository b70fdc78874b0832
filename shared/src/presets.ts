/**
 * Rulebook presets (quy chế mẫu): the starting points of the council's rulebook form, each stating its basis, and the
 * check of a rulebook draft that puts every problem on its field. Quotas and thresholds live in rulebooks only: a
 * preset is a rulebook the person reads, changes and publishes, never a rule the code applies by itself.
 */
import { demoRulebook } from "./demo.ts";
import type { DomainError } from "./errors.ts";
import { type Rulebook, Rulebook as RulebookSchema, type Template, zodErrors } from "./schemas.ts";
import { checkRulebook } from "./template.ts";

export interface RulebookPreset {
  key: string;
  name: { vi: string; en: string };
  /** Where each number comes from, for the person to check against the bloc's own rules. */
  basis: { vi: string; en: string };
  rulebook: Omit<Rulebook, "id" | "version" | "name">;
}

const { id: _id, version: _version, name: _name, ...demoRules } = demoRulebook;

/** The demo bloc's rulebook, as DOMAIN.md states it (Khối VIII, TP. Hồ Chí Minh, 2017). */
const khoiViii2017: RulebookPreset = {
  key: "khoi-viii-2017",
  name: { vi: "Quy chế mẫu của Khối thi đua VIII năm 2017", en: "Khối VIII's 2017 rulebook (demo)" },
  basis: {
    vi: "Quy chế chấm điểm và bình xét của Khối thi đua VIII TP. Hồ Chí Minh năm 2017 (dữ liệu mẫu): điểm thưởng tối đa 5; phân định bằng điểm trừ, phần I, điểm cơ bản; mỗi phiếu chọn 2 đơn vị; đủ 2/3 số đơn vị bỏ phiếu; đạt khi trên 50% số đơn vị; Nghị định 91/2017/NĐ-CP; tỷ lệ Cờ thi đua của Chính phủ 20% theo Công văn 5007/BNV-TĐKT (2023).",
    en: "The scoring and voting rules of Khối thi đua VIII, Ho Chi Minh City, 2017 (demo data): bonus capped at 5; ties by deduction, part I, base; 2 choices per ballot; quorum 2/3 of the units; passed above 50% of the units; Decree 91/2017/NĐ-CP; Government flag share 20% under letter 5007/BNV-TĐKT (2023).",
  },
  rulebook: demoRules,
};

/**
 * DOMAIN.md's defaults: the default bands as shares of the template's score maximum, the Government flag's 20% share
 * of the blocs' leading units from letter 5007/BNV-TĐKT (2023), the decree in force named in the legal basis. The
 * vote numbers are the demo bloc's, marked as the bloc's to agree.
 */
const domainDefaults: RulebookPreset = {
  key: "mac-dinh",
  name: { vi: "Quy chế mặc định", en: "Default rulebook" },
  basis: {
    vi: "Mức xếp loại mặc định (theo tỷ lệ điểm tối đa phần chấm điểm): Hoàn thành xuất sắc 90% (mỗi tiêu chí từ 85%), Tốt 80% (từ 80%), Hoàn thành 70% (từ 70%); Cờ thi đua của Chính phủ tối đa 20% số đơn vị dẫn đầu các khối theo Công văn 5007/BNV-TĐKT (2023); khung pháp lý Nghị định 98/2023/NĐ-CP, nay là Nghị định 152/2025/NĐ-CP. Điểm thưởng tối đa, số đơn vị được chọn trên phiếu, tỷ lệ tham gia và tỷ lệ phiếu đạt là số khối tự thỏa thuận trong giao ước: hãy đối chiếu trước khi công bố.",
    en: "Default bands (as shares of the template's score maximum): Outstanding 90% (each criterion at least 85%), Good 80% (80%), Completed 70% (70%); the Government flag for at most 20% of the blocs' leading units under letter 5007/BNV-TĐKT (2023); legal frame Decree 98/2023/NĐ-CP, now Decree 152/2025/NĐ-CP. The bonus cap, choices per ballot, quorum and vote threshold are the bloc's own agreement: check them before publishing.",
  },
  rulebook: {
    legalBasis: "Nghị định 152/2025/NĐ-CP; Công văn 5007/BNV-TĐKT (2023) về tỷ lệ Cờ thi đua của Chính phủ",
    bonusCap: 5,
    bands: demoRules.bands,
    tieBreak: ["deduction", "base"],
    choicesPerBallot: 2,
    quorum: { num: 2, den: 3 },
    shareBase: "members",
    threshold: { num: 1, den: 2 },
    thresholdRule: "gt",
    awards: [
      {
        key: "co-chinh-phu",
        name: { vi: "Cờ thi đua của Chính phủ", en: "Government Emulation Flag" },
        maxCount: 1,
        minBand: "xuat-sac",
        requiresVote: true,
        violationExcludes: true,
      },
      {
        key: "co-ubnd-tinh",
        name: { vi: "Cờ thi đua của UBND tỉnh, thành phố", en: "Provincial People's Committee Emulation Flag" },
        maxCount: 2,
        minBand: "xuat-sac",
        requiresVote: true,
        violationExcludes: true,
      },
      {
        key: "bang-khen-ct-ubnd",
        name: {
          vi: "Bằng khen của Chủ tịch UBND tỉnh, thành phố",
          en: "Certificate of Merit of the Provincial Chairman",
        },
        maxCount: 2,
        minBand: "tot",
        requiresVote: false,
        violationExcludes: false,
      },
    ],
    councilShare: { num: 1, den: 5 },
  },
};

export const RULEBOOK_PRESETS: readonly RulebookPreset[] = [domainDefaults, khoiViii2017];

/** A rulebook from a preset, under the id, name and version the person gives it. */
export function rulebookFromPreset(key: string, meta: { id: string; name: string; version: number }): Rulebook | null {
  const preset = RULEBOOK_PRESETS.find((p) => p.key === key);
  return preset ? (structuredCloneJson({ ...meta, ...preset.rulebook }) as Rulebook) : null;
}

/**
 * Last year's rulebook of the bloc as this year's draft: every number kept, under a new id, name and version.
 * @example rulebookFromLastYear(rulebook2025, { id: "khoi-viii-qc-2026", name: "Quy chế 2026", version: 1 })
 */
export function rulebookFromLastYear(
  previous: Rulebook,
  meta: { id: string; name: string; version: number },
): Rulebook {
  const { id: _i, version: _v, name: _n, ...rules } = previous;
  return structuredCloneJson({ ...meta, ...rules }) as Rulebook;
}

function structuredCloneJson<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

/**
 * Checks a rulebook draft as the form holds it: the schema first, then `checkRulebook` (against the template when
 * given), every problem with the path of its field ("/bands/3/minPct", "/awards/1/minBand", "/tieBreak/2").
 */
export function checkRulebookDraft(
  draft: unknown,
  template?: Template,
): { rulebook: Rulebook | null; problems: DomainError[] } {
  const parsed = RulebookSchema.safeParse(draft);
  if (!parsed.success) return { rulebook: null, problems: zodErrors(parsed.error) };
  const r = parsed.data;
  const problems = checkRulebook(r, template).map((e) => ({ ...e, path: fieldOf(e, r) }));
  return { rulebook: problems.length ? null : r, problems };
}

function fieldOf(e: DomainError, r: Rulebook): string {
  const key = e.params?.key;
  switch (e.code) {
    case "RULEBOOK_BANDS_UNORDERED": {
      const i = r.bands.findIndex((b, j) => j > 0 && b.minPct > r.bands[j - 1]!.minPct);
      return `/bands/${Math.max(i, 0)}/minPct`;
    }
    case "RULEBOOK_NO_FALLBACK_BAND":
      return `/bands/${Math.max(r.bands.length - 1, 0)}/minPct`;
    case "RULEBOOK_UNKNOWN_BAND":
      return `/awards/${r.awards.findIndex((a) => a.key === e.params?.award)}/minBand`;
    case "RULEBOOK_UNKNOWN_PART":
      return `/tieBreak/${r.tieBreak.indexOf(key as Rulebook["tieBreak"][number])}`;
    case "RULEBOOK_DUPLICATE_KEY": {
      const bands = r.bands.map((b) => b.key);
      const awards = r.awards.map((a) => a.key);
      if (bands.lastIndexOf(String(key)) !== bands.indexOf(String(key)))
        return `/bands/${bands.lastIndexOf(String(key))}/key`;
      if (awards.includes(String(key))) return `/awards/${awards.lastIndexOf(String(key))}/key`;
      return `/tieBreak/${r.tieBreak.lastIndexOf(key as Rulebook["tieBreak"][number])}`;
    }
    default:
      return "/";
  }
}
