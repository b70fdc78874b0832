/** Authoring over the in-memory workbook (the demo's and the tests'): the same grid and validation as in Excel. */
import { address } from "../../../shared/src/a1.ts";
import type { CellValue } from "../../../shared/src/index.ts";
import {
  AUTHORING_SHEET,
  type AuthoringGateway,
  authoringGrid,
  authoringValidation,
  type SelectedRange,
} from "./authoring.ts";
import type { FakeWorkbook } from "./fakeWorkbook.ts";

export class FakeAuthoring implements AuthoringGateway {
  constructor(private readonly wb: FakeWorkbook) {}

  async readSelection(): Promise<SelectedRange | null> {
    const picked = this.wb.picked;
    if (!picked) return null;
    const sheet = this.wb.sheets.get(picked.sheet);
    if (!sheet) return null;
    this.wb.stats.steps++;
    // One cell picked: the used area of its sheet, as Excel's current region is for a table with no gaps around it.
    let r1 = Number.POSITIVE_INFINITY;
    let c1 = Number.POSITIVE_INFINITY;
    let r2 = -1;
    let c2 = -1;
    for (const [k, cell] of sheet.cells) {
      if (cell.value === null && !cell.formula) continue;
      const [r, c] = k.split(",").map(Number) as [number, number];
      r1 = Math.min(r1, r);
      c1 = Math.min(c1, c);
      r2 = Math.max(r2, r);
      c2 = Math.max(c2, c);
    }
    if (r2 < 0) return null;
    const values: CellValue[][] = [];
    for (let r = r1; r <= r2; r++) {
      const row: CellValue[] = [];
      for (let c = c1; c <= c2; c++) row.push(this.wb.valueAt(picked.sheet, r, c) as CellValue);
      values.push(row);
    }
    return {
      sheetName: picked.sheet,
      address: `${address(r1, c1)}:${address(r2, c2)}`,
      origin: address(r1, c1),
      values,
    };
  }

  async writeAuthoringSheet(rows: readonly (readonly (string | number)[])[]): Promise<string> {
    const grid = authoringGrid(rows);
    await this.wb.writeSheets([grid]);
    if (this.wb.capabilities.dataValidation) {
      const v = authoringValidation(rows.length);
      const s = this.wb.sheet(AUTHORING_SHEET);
      for (const range of v.points) s.validations.push({ range, min: 0, max: 10_000_000 });
    }
    return AUTHORING_SHEET;
  }
}
