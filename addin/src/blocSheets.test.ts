/** The bloc table and matrix sheets built from the core's consolidation of the demo year. */
import { describe, expect, it } from "vitest";
import {
  consolidate,
  demoBallots,
  demoBloc,
  demoEntries,
  demoFlags,
  demoPeriod,
  demoRulebook,
  demoTemplate,
  demoUnits,
  validateEntries,
} from "../../shared/src/index.ts";
import { bandWhyText, blocSheets } from "./blocSheets.ts";
import { FakeWorkbook } from "./excel/fakeWorkbook.ts";

const units = demoUnits.map((u) => (u.id === "tand-tphcm" ? { ...u, name: '=HYPERLINK("http://x","TAND")' } : u));
const table = consolidate({
  period: demoPeriod(),
  template: demoTemplate,
  rulebook: demoRulebook,
  units,
  submissions: Object.fromEntries(
    demoUnits.map((u) => [u.id, validateEntries(demoTemplate, demoEntries(u.id)).entries]),
  ),
  flags: demoFlags,
  ballots: demoBallots,
});

describe("blocSheets", () => {
  it("lays out the ranking with totals, classification, votes and awards, a chart and a colour scale", async () => {
    const [bloc, matrix] = blocSheets(table, { bloc: demoBloc, units }, "vi");
    expect(bloc!.name).toBe("Bảng tổng hợp");
    expect(bloc!.values[2]).toEqual([
      "STT",
      "Đơn vị",
      "Tự chấm",
      "Thẩm định",
      "Điểm thưởng",
      "Điểm trừ",
      "Tổng điểm",
      "Xếp hạng",
      "Xếp loại",
      "Phiếu bầu",
      "Đề nghị khen thưởng",
      "Cờ",
    ]);
    expect(bloc!.values).toHaveLength(3 + 7);
    expect(bloc!.chart).toEqual({
      title: "Tổng điểm theo đơn vị",
      categories: "B4:B10",
      values: "G4:G10",
      anchor: "B12",
    });
    expect(bloc!.colorScale).toBe("G4:G10");
    const first = table.rows[0]!;
    expect(bloc!.values[3]!.slice(0, 2)).toEqual([1, first.name]);
    expect(bloc!.values[3]![6]).toBe(first.total);
    expect(matrix!.values).toHaveLength(1 + table.matrix.criteria.length);

    const wb = new FakeWorkbook();
    await wb.writeSheets([bloc!, matrix!]);
    const names = await wb.readValues("Bảng tổng hợp", 10, 2);
    expect(names.map((r) => r[1])).toContain('=HYPERLINK("http://x","TAND")');
    const row = table.rows.findIndex((r) => r.unitId === "tand-tphcm");
    expect(wb.cellAt("Bảng tổng hợp", `B${row + 4}`)?.formula).toBeUndefined();
  });

  it("says under the table when tied units were taken by id for an award's last place", () => {
    const [a, b] = table.rows;
    const award = table.rows.find((r) => r.award)!.award!;
    const tied = {
      ...table,
      nominations: {
        ...table.nominations,
        contested: [{ award: award.key, rank: 2, given: [a!.unitId], leftOut: [b!.unitId] }],
      },
    };
    const [vi] = blocSheets(tied, { bloc: demoBloc, units }, "vi");
    expect(vi!.values).toHaveLength(3 + 7 + 2);
    const note = String(vi!.values[11]![0]);
    expect(note).toContain(`${a!.name}, ${b!.name} đồng hạng 2 khi xét ${award.name.vi}`);
    expect(note).toContain("chỉ còn chỗ cho 1 đơn vị");
    expect(vi!.chart?.anchor).toBe("B14"); // moved below the note
    const [en] = blocSheets(tied, { bloc: demoBloc, units }, "en");
    expect(String(en!.values[11]![0])).toContain(`share rank 2 for ${award.name.en}`);
    // The demo year itself has no such tie: no note.
    expect(blocSheets(table, { bloc: demoBloc, units }, "vi")[0]!.values).toHaveLength(3 + 7);
  });

  it("explains itself: why a band, “Chưa nộp” instead of a rank, the flags", () => {
    // One unit never submitted; one scored 0 on a criterion (below every band's floor); the others as in the demo.
    const missing = "bdbp-tphcm";
    const low = "vks-tphcm";
    const lowEntries = demoEntries(low);
    const first = lowEntries.findIndex((e) => /^I\.\d$/.test(e.criterion));
    lowEntries[first] = { ...lowEntries[first]!, score: 0 };
    const partial = consolidate({
      period: demoPeriod(),
      template: demoTemplate,
      rulebook: demoRulebook,
      units,
      submissions: Object.fromEntries(
        demoUnits
          .filter((u) => u.id !== missing)
          .map((u) => [u.id, validateEntries(demoTemplate, u.id === low ? lowEntries : demoEntries(u.id)).entries]),
      ),
      flags: demoFlags,
    });
    const lowRow = partial.rows.find((r) => r.unitId === low)!;
    expect(lowRow.bandWhy).toMatchObject({ reason: "floor", criterion: lowEntries[first]!.criterion });
    const [bloc] = blocSheets(partial, { bloc: demoBloc, units, rulebook: demoRulebook }, "vi");
    const rowOf = (id: string) => bloc!.values[3 + partial.rows.findIndex((r) => r.unitId === id)]!;
    const none = rowOf(missing);
    expect(none[7]).toBe("Chưa nộp");
    expect(none[6]).toBeNull();
    // Every unit below the top band says why, in words and with the criterion where a floor stopped it.
    const explained = partial.rows.filter((r) => r.band && r.bandWhy);
    expect(explained.length).toBeGreaterThan(0);
    for (const r of explained) {
      const text = bandWhyText(r, demoRulebook, "vi");
      expect(text).toMatch(/ngưỡng|mức sàn ở tiêu chí [IVX]+\.\d|vi phạm/);
      expect(String(rowOf(r.unitId)[8])).toBe(`${r.band!.label.vi} (${text})`);
    }
    const flagged = partial.rows.filter((r) => r.violation || r.withdrawn);
    expect(flagged.length).toBeGreaterThan(0);
    for (const r of flagged) expect(String(rowOf(r.unitId)[11])).toMatch(/Vi phạm|Xin rút/);
    const floor = { bandWhy: { band: demoRulebook.bands[0]!.key, reason: "floor" as const, criterion: "I.4" } };
    expect(bandWhyText(floor, demoRulebook, "vi")).toBe(
      `dưới mức sàn ở tiêu chí I.4, nên không đạt mức ${demoRulebook.bands[0]!.label.vi}`,
    );
  });

  it("speaks English when asked", () => {
    const [bloc] = blocSheets(table, { bloc: demoBloc, units }, "en");
    expect(bloc!.name).toBe("Bloc table");
    expect(bloc!.values[2]![6]).toBe("Total");
  });
});
