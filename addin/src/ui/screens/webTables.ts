/**
 * Bảng tổng hợp và ma trận điểm on the web: the bloc table and the criteria x units matrix as HTML tables, for the
 * secretariat, the council and the board in a wide browser window. The cells are those the pane writes into Excel
 * (`blocSheets`, from the server's `BlocTable`, which the domain core's `consolidate` computed, as it computed the
 * ranking workbook's), so the web page, the pane's sheets and the downloaded workbook show the same numbers.
 */
import type { BlocTable } from "../../../../shared/src/index.ts";
import type { SheetBundle } from "../../api.ts";
import { blocSheets } from "../../blocSheets.ts";
import type { CellValue } from "../../excel/gateway.ts";
import { locale, points } from "../../i18n.ts";
import { h } from "../dom.ts";
import { tw } from "../webText.ts";

/** Columns of the bloc table holding points (self, reviewed, bonus, deduction, total), by index in `blocSheets`. */
const POINT_COLUMNS = new Set([2, 3, 4, 5, 6]);

function cell(v: CellValue, asPoints: boolean, tag: "td" | "th" = "td", attrs: Record<string, string> = {}) {
  const numeric = typeof v === "number";
  return h(
    tag,
    { ...(numeric ? { class: "num", "data-value": String(v) } : {}), ...attrs },
    v === null || v === "" ? "–" : numeric && asPoints ? points(v) : String(v),
  );
}

/**
 * The two tables of a period's results, with a caption each.
 * @example renderBlocTables(await api.table(periodId), session.bundle)
 */
export function renderBlocTables(table: BlocTable, bundle: Pick<SheetBundle, "bloc" | "units">): HTMLElement {
  const [blocTable, matrix] = blocSheets(table, bundle, locale());
  const head = blocTable!.values[2]!;
  const rows = blocTable!.values.slice(3, 3 + table.rows.length);
  const notes = blocTable!.values.slice(3 + table.rows.length).filter((r) => r.length);
  const mHead = matrix!.values[0]!;
  const mRows = matrix!.values.slice(1);
  return h(
    "div",
    { class: "stack", id: "web-tables" },
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "data", id: "bloc-table" },
        h("caption", {}, String(blocTable!.values[0]![0] ?? ""), " · ", bundle.bloc.name),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            head.map((v) => h("th", { scope: "col" }, String(v ?? ""))),
          ),
        ),
        h(
          "tbody",
          {},
          rows.map((r, i) =>
            h(
              "tr",
              { "data-unit": table.rows[i]!.unitId },
              r.map((v, c) => (c === 1 ? cell(v, false, "th", { scope: "row" }) : cell(v, POINT_COLUMNS.has(c)))),
            ),
          ),
        ),
      ),
    ),
    notes.map((n) => h("p", { class: "notice warning" }, String(n[0] ?? ""))),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "data", id: "matrix-table" },
        h("caption", {}, tw("matrixCaption")),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            mHead.map((v, c) =>
              h("th", { scope: "col", ...(c > 2 ? { "data-unit": table.matrix.unitIds[c - 3]! } : {}) }, String(v)),
            ),
          ),
        ),
        h(
          "tbody",
          {},
          mRows.map((r) =>
            h(
              "tr",
              { "data-criterion": String(r[0]) },
              r.map((v, c) => (c === 1 ? cell(v, false, "th", { scope: "row" }) : cell(v, c >= 2))),
            ),
          ),
        ),
      ),
    ),
  );
}
