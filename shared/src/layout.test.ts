import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { address, parseAddress } from "./a1.ts";
import { demoEntries, demoRulebook, demoTemplate } from "./demo.ts";
import {
  EVIDENCE_MARK,
  layoutSheet,
  layoutToGrid,
  locateCriteria,
  metaToRows,
  placeOnSheet,
  readSheet,
  readSheetByCode,
  rowsToMeta,
  type SheetContext,
  type SheetLayout,
} from "./layout.ts";
import { toNumber } from "./points.ts";
import type { Entry } from "./schemas.ts";
import { scoreUnit } from "./scoring.ts";
import { leafIndex } from "./template.ts";
import { entries, fullPoints, tinyTemplate } from "./test-fixtures.ts";
import { validateEntries } from "./validate.ts";

const ctx: SheetContext = {
  blocName: "Khối thi đua VIII",
  unitName: "Viện Kiểm sát nhân dân Thành phố",
  unitId: "vks-tphcm",
  periodId: "khoi-viii-2017",
  year: 2017,
  bonusCap: 5,
};

/**
 * A small evaluator for the formulas the layout writes (SUM, ROUND, MIN, IF, SUMPRODUCT over the grid), so that
 * the formulas themselves are checked, not only the cached values written beside them.
 */
function evaluate(formula: string, grid: (string | number | null)[][], formulas: (string | null)[][]): number {
  const cellValue = (a1: string): number | string | null => {
    const { row, col } = parseAddress(a1)!;
    const f = formulas[row]?.[col];
    if (f) return evaluate(f, grid, formulas);
    return grid[row]?.[col] ?? null;
  };
  const range = (a: string, b: string): (number | string | null)[] => {
    const p = parseAddress(a)!;
    const q = parseAddress(b)!;
    const out: (number | string | null)[] = [];
    for (let r = p.row; r <= q.row; r++) for (let c = p.col; c <= q.col; c++) out.push(cellValue(address(r, c)));
    return out;
  };
  const num = (v: number | string | null) => (typeof v === "number" ? v : 0);
  let src = formula.replace(/^=/, "");
  // SUMPRODUCT((G1:G3="")*D1:D3+(G1:G3<>"")*G1:G3): the reviewed value where given, else the self value
  src = src.replace(
    /SUMPRODUCT\(\(([A-Z]+\d+):([A-Z]+\d+)=""\)\*([A-Z]+\d+):([A-Z]+\d+)\+\(\1:\2<>""\)\*\1:\2\)/g,
    (_m, g1: string, g2: string, d1: string, d2: string) => {
      const g = range(g1, g2);
      const d = range(d1, d2);
      return String(g.reduce<number>((s, v, i) => s + (v === null || v === "" ? num(d[i]!) : num(v)), 0));
    },
  );
  src = src.replace(/IF\(([A-Z]+\d+)="",([A-Z]+\d+),\1\)/g, (_m, g: string, d: string) => {
    const v = cellValue(g);
    return String(v === null || v === "" ? num(cellValue(d)) : num(v));
  });
  src = src.replace(/([A-Z]+\d+):([A-Z]+\d+)/g, (_m, a: string, b: string) =>
    range(a, b)
      .map((v) => String(num(v)))
      .join(","),
  );
  src = src.replace(/[A-Z]+\d+/g, (a) => String(num(cellValue(a))));
  src = src
    .replace(/SUM\(/g, "sum(")
    .replace(/ROUND\(/g, "round(")
    .replace(/MIN\(/g, "Math.min(");
  const sum = (...xs: number[]) => xs.reduce((s, x) => s + x, 0);
  const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
  expect(src).toMatch(/^[\d.,+\-()a-zA-Z ]*$/);
  return new Function("sum", "round", `return ${src};`)(sum, round) as number;
}

const cellAt = (layout: SheetLayout, a1: string) => {
  const { row, col } = parseAddress(a1)!;
  return layout.cells.find((c) => c.row === row && c.col === col);
};

describe("layoutSheet: the demo template", () => {
  // Cục THADS: bonus 0.5 and a 2-point deduction, so every total row has something to add or subtract
  const demo = validateEntries(demoTemplate, demoEntries("cthads-tphcm")).entries;
  const layout = layoutSheet(demoTemplate, ctx, demo);
  const { values, formulas } = layoutToGrid(layout);

  it("lays out one input row per leaf criterion, each input cell mapped to its criterion", () => {
    const leaves = leafIndex(demoTemplate).leaves;
    expect(layout.inputs.map((i) => i.criterion)).toEqual(leaves.map((l) => l.code));
    for (const input of layout.inputs) {
      // the code is written in column A of the same row, the score cell is column D of it
      expect(values[input.row]![0]).toBe(input.criterion);
      expect(input.scoreCell).toBe(`D${input.row + 1}`);
      expect(input.evidenceCell).toBe(`E${input.row + 1}`);
      expect(cellAt(layout, input.scoreCell)?.style).toBe("input");
      expect(layout.meta.rows[input.criterion]).toBe(input.row);
    }
    expect(layout.validations).toHaveLength(leaves.length);
    expect(layout.validations[0]).toEqual({ range: layout.inputs[0]!.scoreCell, min: 0, max: 4 });
    expect(values[5]).toEqual([
      "STT / Mã",
      "Nội dung tiêu chí",
      "Điểm tối đa",
      "Điểm tự chấm",
      "Tài liệu kiểm chứng",
      "Ghi chú",
    ]);
    // no input cell carries a formula, and no formula cell is an input
    for (const input of layout.inputs) expect(cellAt(layout, input.scoreCell)?.formula).toBeUndefined();
  });

  it("shows each criterion's step, its need for evidence and its guidance on the sheet, beside its title", () => {
    const leaves = leafIndex(demoTemplate).leaves;
    for (const input of layout.inputs) {
      const leaf = leaves.find((l) => l.code === input.criterion)!;
      const title = String(values[input.row]![1]);
      expect(title.startsWith(leaf.title)).toBe(true);
      expect(title).toContain(`bước ${String(leaf.step / 100).replace(".", ",")}`);
      expect(title.includes(EVIDENCE_MARK)).toBe(leaf.evidenceRequired);
      if (leaf.guidance) expect(title).toContain(`Hướng dẫn: ${leaf.guidance}`);
    }
    expect(leaves.some((l) => l.evidenceRequired)).toBe(true);
    expect(leaves.some((l) => l.step === 25)).toBe(true); // hundredths: 0,25
  });

  it("points a missing-evidence error at the evidence cell, where it is fixed", () => {
    const needs = layout.inputs.find((i) => i.evidenceRequired)!;
    const grid = layoutToGrid(layout).values.map((r) => [...r]);
    grid[needs.row]![4] = "";
    const { errors } = validateEntries(demoTemplate, readSheet(layout.meta, grid), "submission");
    const missing = placeOnSheet(errors).find((e) => e.code === "EVIDENCE_REQUIRED")!;
    expect(missing.cell).toBe(needs.evidenceCell);
    // Every other error keeps its cell.
    expect(placeOnSheet([{ code: "SCORE_MISSING", cell: "D9" }])).toEqual([{ code: "SCORE_MISSING", cell: "D9" }]);
  });

  it("writes formulas whose values, computed from the grid, equal the core's totals", () => {
    const s = scoreUnit(demoTemplate, demoRulebook, demo);
    const at = (a1: string) => {
      const c = cellAt(layout, a1)!;
      expect(c.cached).toBe(evaluate(c.formula!, values, formulas));
      return c.cached;
    };
    expect(at(layout.totals.base)).toBe(toNumber(s.totals.base));
    expect(at(layout.totals.bonus)).toBe(toNumber(s.totals.bonus));
    expect(at(layout.totals.deduction)).toBe(toNumber(s.totals.deduction));
    expect(at(layout.totals.total)).toBe(toNumber(s.totals.total));
    expect(s.totals.deduction).toBe(200);
    expect(s.totals.bonus).toBe(50);
    for (const part of demoTemplate.parts) {
      const row = values.findIndex((r) => r[0] === part.code);
      expect(at(`D${row + 1}`)).toBe(toNumber(s.totals.parts[part.code]!));
    }
    // every formula in the sheet agrees with its cached value
    for (const c of layout.cells.filter((x) => x.formula))
      expect(c.cached).toBeCloseTo(evaluate(c.formula!, values, formulas), 9);
  });

  it("caps the bonus row in Excel as the core does", () => {
    const capped = entries({ ...fullPoints, "III.1.a": 3, "III.1.b": 3 });
    const l = layoutSheet(tinyTemplate, { ...ctx, bonusCap: 4 }, capped);
    const g = layoutToGrid(l);
    const bonus = cellAt(l, l.totals.bonus)!;
    // 3 + 3 = 6, capped at 4
    expect(evaluate(bonus.formula!, g.values, g.formulas)).toBe(4);
    expect(bonus.cached).toBe(4);
  });

  it("lays out the review sheet: reviewed column falls back to self-scores where blank", () => {
    const reviewed = entries({ "I.1": 7 });
    const l = layoutSheet(tinyTemplate, { ...ctx, bonusCap: 4, mode: "review" }, entries(fullPoints), reviewed);
    const g = layoutToGrid(l);
    const total = cellAt(l, l.totals.total)!;
    // self 27.75 with I.1 9 -> 7: 25.75
    expect(total.cached).toBe(25.75);
    expect(evaluate(total.formula!, g.values, g.formulas)).toBe(25.75);
    expect(l.inputs[0]!.reviewCell).toBe("G8");
    expect(cellAt(l, "D8")?.style).toBe("readonlyValue");
  });
});

describe("readSheet", () => {
  const layout = layoutSheet(tinyTemplate, ctx);
  const cell = (criterion: string) => layout.inputs.find((i) => i.criterion === criterion)!;

  it("reads a filled grid into entries whose errors point at the right cells", () => {
    const { values } = layoutToGrid(layout);
    const put = (a1: string, v: string | number) => {
      const { row, col } = parseAddress(a1)!;
      values[row]![col] = v;
    };
    put(cell("I.1").scoreCell, "9,5"); // text with a Vietnamese decimal comma
    put(cell("I.1").evidenceCell, "Báo cáo số 12");
    put(cell("I.2.a").scoreCell, 6); // above 5
    put(cell("I.2.b").scoreCell, "4.75");
    // II.1 left blank
    put(cell("III.1.b").scoreCell, 1); // bonus with evidence required, none given
    const read = readSheet(layout.meta, values);
    const r = validateEntries(tinyTemplate, read);
    expect(r.entries.find((e) => e.criterion === "I.1")).toEqual({
      criterion: "I.1",
      score: 950,
      evidence: "Báo cáo số 12",
      note: "",
    });
    expect(r.entries.find((e) => e.criterion === "I.2.b")?.score).toBe(475);
    expect(r.errors.map((e) => [e.code, e.criterion, e.cell])).toEqual([
      ["SCORE_ABOVE_MAX", "I.2.a", cell("I.2.a").scoreCell],
      ["SCORE_MISSING", "II.1", cell("II.1").scoreCell],
      ["EVIDENCE_REQUIRED", "III.1.b", cell("III.1.b").scoreCell],
    ]);
    expect(cell("I.2.a").scoreCell).toBe("D10");
  });

  it('reads "95,5" typed as text as 95.5 points', () => {
    const hundred = {
      ...tinyTemplate,
      parts: [{ code: "I", title: "Phần I", criteria: [{ ...tinyTemplate.parts[1]!.criteria[0]!, max: 100 }] }],
    };
    const l = layoutSheet(hundred, ctx);
    const { values } = layoutToGrid(l);
    const { row, col } = parseAddress(l.inputs[0]!.scoreCell)!;
    values[row]![col] = "95,5";
    const r = validateEntries(hundred, readSheet(l.meta, values));
    // II.1 has step 1 in the tiny template: 95.5 is read, then refused for its step, at its cell
    expect(r.entries[0]!.score).toBe(9550);
    expect(r.errors).toEqual([
      {
        code: "SCORE_NOT_MULTIPLE_OF_STEP",
        criterion: "II.1",
        cell: l.inputs[0]!.scoreCell,
        path: "/entries/0",
        params: { value: "95.5", step: "1" },
      },
    ]);
  });

  it("reads the reviewed column of a review sheet", () => {
    const l = layoutSheet(tinyTemplate, { ...ctx, mode: "review" }, entries(fullPoints), entries({ "II.1": 7 }));
    const read = readSheet(l.meta, layoutToGrid(l).values);
    expect(read.find((e) => e.criterion === "II.1")).toMatchObject({ score: 7, cell: "G13" });
    expect(read.find((e) => e.criterion === "I.1")?.score).toBeNull();
  });
});

describe("readSheetByCode", () => {
  const filledLayout = layoutSheet(demoTemplate, ctx, validateEntries(demoTemplate, demoEntries("vks-tphcm")).entries);
  const { meta } = filledLayout;
  const leafRows = Object.values(meta.rows);

  it("reads the same entries whatever order the criterion rows were moved into", () => {
    const { values } = layoutToGrid(filledLayout);
    const expected = readSheet(meta, values).map(({ cell: _, ...e }) => e);
    fc.assert(
      fc.property(fc.shuffledSubarray(leafRows, { minLength: leafRows.length }), (order) => {
        // Row leafRows[i] now holds what row order[i] held: the rows were moved, each with its code.
        const grid = values.map((line) => [...line]);
        leafRows.forEach((to, i) => {
          grid[to] = [...values[order[i]!]!];
        });
        const read = readSheetByCode(demoTemplate, meta, grid);
        expect(read.problems).toEqual([]);
        const byCode = new Map(read.entries.map(({ cell: _, ...e }) => [e.criterion, e]));
        expect(expected.map((e) => byCode.get(e.criterion))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses missing, duplicated and unknown codes with their cells", () => {
    const { values } = layoutToGrid(filledLayout);
    const rowA = meta.rows["I.1.a"]!;
    const rowB = meta.rows["I.1.b"]!;
    const grid = values.map((line) => [...line]);
    grid[rowB]![0] = "I.1.a"; // I.1.a twice, I.1.b nowhere
    const last = grid.length;
    grid[last] = ["IX.9", "Một tiêu chí tự thêm", 5, 5];
    grid[last + 1] = ["Ghi chú: số liệu đến 30/11"]; // prose in column A is not a code
    expect(locateCriteria(demoTemplate, meta, grid).problems).toEqual([
      {
        code: "SHEET_CODE_DUPLICATED",
        criterion: "I.1.a",
        cell: address(rowB, 0),
        params: { cells: `${address(rowA, 0)}, ${address(rowB, 0)}` },
      },
      { code: "SHEET_CODE_MISSING", criterion: "I.1.b", cell: address(rowB, 0) },
      { code: "SHEET_CODE_UNKNOWN", cell: address(last, 0), params: { code: "IX.9" } },
    ]);
    // The title and header rows above the first code are not codes, whatever they say.
    expect(locateCriteria(demoTemplate, meta, values).problems).toEqual([]);
  });
});

describe("sheet metadata", () => {
  it("round-trips through the hidden sheet's rows", () => {
    const { meta } = layoutSheet(demoTemplate, ctx);
    const rows = metaToRows(meta);
    expect(rows[0]).toEqual(["format", "thidua-sheet"]);
    expect(rowsToMeta(rows)).toEqual(meta);
    // as Excel gives them back: every value in a 2D array, numbers as numbers
    expect(rowsToMeta(rows.map((r) => [...r]))).toEqual(meta);
  });

  it("refuses rows that are not a thidua sheet's", () => {
    expect(rowsToMeta([])).toBeNull();
    expect(rowsToMeta([["format", "something else"]])).toBeNull();
    expect(rowsToMeta([[1, 2], [null]])).toBeNull();
  });
});

describe("a grid round-trips to the same entries (property)", () => {
  const leaves = leafIndex(tinyTemplate).leaves;
  const text = fc.oneof(
    fc.constant(""),
    fc.constantFrom("Báo cáo số 12/BC-VKS", "Quyết định 34/QĐ", "Đã đối chiếu số liệu"),
    fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s === s.normalize("NFC").trim() && !/^[=+\-@]/.test(s)),
  );
  const arbEntries = fc.tuple(
    ...leaves.map((l) =>
      fc.record({
        score: fc.option(
          fc.integer({ min: 0, max: l.max / l.step }).map((k) => k * l.step),
          { freq: 5 },
        ),
        evidence: text,
        note: text,
      }),
    ),
  );

  it("layoutSheet with entries -> grid -> readSheet -> validateEntries gives the same entries", () => {
    fc.assert(
      fc.property(arbEntries, (xs) => {
        const original: Entry[] = xs.map((x, i) => ({ criterion: leaves[i]!.code, ...x }));
        const layout = layoutSheet(tinyTemplate, ctx, original);
        const { values } = layoutToGrid(layout);
        const back = validateEntries(tinyTemplate, readSheet(layout.meta, values));
        expect(back.entries).toEqual(original);
      }),
    );
  });
});
