import { describe, expect, it } from "vitest";
import { demoRulebook, demoTemplate } from "./demo.ts";
import { messageFor } from "./messages.ts";
import { checkRulebookDraft, RULEBOOK_PRESETS, rulebookFromLastYear, rulebookFromPreset } from "./presets.ts";
import { Rulebook } from "./schemas.ts";
import { checkRulebook } from "./template.ts";

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const meta = { id: "khoi-x-qc-2026", name: "Quy chế Khối X năm 2026", version: 1 };

describe("rulebook presets", () => {
  it.each(RULEBOOK_PRESETS.map((p) => [p.key, p] as const))("%s passes the schema and checkRulebook", (key, p) => {
    const r = rulebookFromPreset(key, meta)!;
    expect(Rulebook.parse(r)).toEqual(r);
    expect(checkRulebook(r, demoTemplate)).toEqual([]);
    expect(r).toMatchObject(meta);
    // Each states its basis in both languages, naming the letter behind the Government flag's share.
    expect(p.basis.vi).toContain("5007/BNV-TĐKT");
    expect(p.basis.en).toContain("5007/BNV-TĐKT");
    expect(r.councilShare).toEqual({ num: 1, den: 5 });
  });

  it("the Khối VIII preset is DOMAIN.md's demo rulebook; the defaults cite the decree in force", () => {
    const { id, version, name, ...rules } = demoRulebook;
    expect(rulebookFromPreset("khoi-viii-2017", meta)).toEqual({ ...meta, ...rules });
    const d = rulebookFromPreset("mac-dinh", meta)!;
    expect(d.legalBasis).toContain("Nghị định 152/2025/NĐ-CP");
    expect(d.bands.map((b) => [b.minPct, b.floorPct])).toEqual([
      [90, 85],
      [80, 80],
      [70, 70],
      [0, 0],
    ]);
    expect(rulebookFromPreset("unknown", meta)).toBeNull();
  });

  it("a preset is a copy: changing the draft leaves the preset as it was", () => {
    const r = rulebookFromPreset("mac-dinh", meta)!;
    r.bands[0]!.minPct = 10;
    expect(rulebookFromPreset("mac-dinh", meta)!.bands[0]!.minPct).toBe(90);
  });

  it("last year's rulebook keeps every number under the new id and version", () => {
    const r = rulebookFromLastYear({ ...demoRulebook, bonusCap: 3 }, meta);
    expect(r).toMatchObject({ ...meta, bonusCap: 3, tieBreak: demoRulebook.tieBreak });
    expect(checkRulebook(r)).toEqual([]);
  });
});

describe("checkRulebookDraft: each problem on its field", () => {
  const base = rulebookFromPreset("khoi-viii-2017", meta)!;

  it("points at the band, award or tie-break key at fault", () => {
    const draft = clone(base);
    draft.bands[1]!.minPct = 95; // above the band before it
    draft.awards[2]!.minBand = "kha"; // no such band
    draft.tieBreak = ["deduction", "part:IX", "deduction"]; // no part IX; deduction twice
    const { rulebook, problems } = checkRulebookDraft(draft, demoTemplate);
    expect(rulebook).toBeNull();
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ["RULEBOOK_BANDS_UNORDERED", "/bands/1/minPct"],
      ["RULEBOOK_DUPLICATE_KEY", "/tieBreak/2"],
      ["RULEBOOK_UNKNOWN_BAND", "/awards/2/minBand"],
      ["RULEBOOK_UNKNOWN_PART", "/tieBreak/1"],
    ]);
    expect(messageFor(problems[2]!, "vi")).toBe("Danh hiệu bang-khen-ct-ubnd dẫn chiếu mức xếp loại không có: kha.");
  });

  it("a last band above 0 and a field the schema refuses are on their fields too", () => {
    const draft = clone(base);
    draft.bands[3]!.minPct = 10;
    expect(checkRulebookDraft(draft).problems.map((p) => [p.code, p.path])).toEqual([
      ["RULEBOOK_NO_FALLBACK_BAND", "/bands/3/minPct"],
    ]);
    const bad = { ...clone(base), bonusCap: 1.234 };
    expect(checkRulebookDraft(bad).problems.map((p) => [p.code, p.path])).toEqual([["INVALID_INPUT", "/bonusCap"]]);
  });

  it("a clean draft comes back as the rulebook to publish", () => {
    expect(checkRulebookDraft(base, demoTemplate)).toEqual({ rulebook: base, problems: [] });
  });
});
