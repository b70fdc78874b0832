/** Authoring over the in-memory workbook (the demo's and the tests'): the same grid and validation as in Excel. */
import { address, parseAddress } from "../../../shared/src/a1.ts";
import type { CellValue } from "../../../shared/src/index.ts";
import {
  AUTHORING_SHEET,
  type AuthoringGateway,
  authoringGrid,
  authoringValidation,
  type CellBox,
  type SelectedRange,
  surroundingRegion,
  tableBlock,
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
    // One cell picked (the demo grid picks one): as in Excel, the region around it stops at blank rows and columns,
    // and the same `tableBlock` as OfficeAuthoring's decides what is read.
    const at = parseAddress(picked.cell);
    if (!at) return null;
    let used: CellBox | null = null;
    for (const [k, cell] of sheet.cells) {
      if (cell.value === null && !cell.formula) continue;
      const [r, c] = k.split(",").map(Number) as [number, number];
      used = used
        ? { r1: Math.min(used.r1, r), c1: Math.min(used.c1, c), r2: Math.max(used.r2, r), c2: Math.max(used.c2, c) }
        : { r1: r, c1: c, r2: r, c2: c };
    }
    if (!used) return null;
    const blank = (r: number, c: number) => {
      const v = this.wb.valueAt(picked.sheet, r, c);
      return v === null || v === undefined || v === "";
    };
    const region = this.wb.capabilities.apiMinor >= 13 ? surroundingRegion(blank, at) : null;
    const b = tableBlock(used, region);
    const values: CellValue[][] = [];
    for (let r = b.r1; r <= b.r2; r++) {
      const row: CellValue[] = [];
      for (let c = b.c1; c <= b.c2; c++) row.push((this.wb.valueAt(picked.sheet, r, c) ?? "") as CellValue);
      values.push(row);
    }
    return {
      sheetName: picked.sheet,
      address: `${address(b.r1, b.c1)}:${address(b.r2, b.c2)}`,
      origin: address(b.r1, b.c1),
      values,
      ...(region ? {} : { wholeSheet: true as const }),
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
