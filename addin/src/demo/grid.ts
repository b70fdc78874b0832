/**
 * The demo grid (bảng tính minh họa): draws the in-memory workbook beside the pane when there is no Excel, so the
 * whole flow can be tried in a browser. Sheet tabs, column letters and row numbers, merged cells, frozen header rows,
 * the layout's fills and fonts, and editing with Excel's own rules (locked cells, validation) enforced by the fake.
 * It says plainly that it is a demo, not Excel.
 */
import { address, columnLetter, parseAddress } from "../../../shared/src/a1.ts";
import type { FakeWorkbook } from "../excel/fakeWorkbook.ts";
import { locale, points, t } from "../i18n.ts";
import { h } from "../ui/dom.ts";

/** Cells of an A1 range as [row, col] pairs. */
function cellsIn(a1: string): [number, number][] {
  const [a, b] = a1.split(":");
  const s = parseAddress(a!);
  const e = parseAddress(b ?? a!);
  if (!s || !e) return [];
  const out: [number, number][] = [];
  for (let r = s.row; r <= e.row; r++) for (let c = s.col; c <= e.col; c++) out.push([r, c]);
  return out;
}

/** Excel's default three-colour scale: red (lowest), yellow (50th percentile), green (highest). */
function scaleColour(v: number, min: number, max: number): string {
  const t = max === min ? 1 : (v - min) / (max - min);
  const mix = (a: number[], b: number[], k: number) => a.map((x, i) => Math.round(x + (b[i]! - x) * k));
  const [r, g, b] =
    t < 0.5 ? mix([248, 105, 107], [255, 235, 132], t * 2) : mix([255, 235, 132], [99, 190, 123], (t - 0.5) * 2);
  return `rgb(${r},${g},${b})`;
}

function display(v: unknown, numFmt: string | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    const s = numFmt === "0.00" ? v.toFixed(2) : String(v);
    return locale() === "vi" ? s.replace(".", ",") : s;
  }
  return String(v);
}

export class DemoGrid {
  private sheet: string | null = null;
  private selected: string | null = null;
  private message: string | null = null;
  /** Set when the pane asks for a cell (an error clicked): the focus goes to it even from outside the grid. */
  private focusCell = false;
  readonly root = h("section", { class: "grid-root" });

  constructor(private readonly wb: FakeWorkbook) {
    wb.onChange(() => {
      if (wb.selection) {
        this.sheet = wb.selection.sheet;
        this.selected = wb.selection.cell;
        this.focusCell = true;
        wb.selection = null;
      } else if (wb.activeSheet && wb.activeSheet !== this.sheet) {
        this.sheet = wb.activeSheet;
        this.selected = null;
      }
      this.render();
    });
    globalThis.addEventListener?.("thidua:locale", () => this.render());
    this.render();
  }

  private current() {
    const visible = this.wb.visibleSheets();
    const s = visible.find((x) => x.name === this.sheet) ?? visible.find((x) => x.name === this.wb.activeSheet);
    return s ?? visible[0];
  }

  render() {
    const sheet = this.current();
    // A redraw (the pane wrote to the workbook) keeps the focus where the user is: in the grid only if it was there.
    const focus = this.focusCell || this.root.contains(document.activeElement);
    this.focusCell = false;
    this.root.setAttribute("aria-label", t("gridLabel"));
    this.root.replaceChildren();
    this.root.append(
      h("div", { class: "grid-banner", role: "note" }, t("demoBadge"), " · ", t("gridEditHint")),
      h(
        "div",
        { class: "grid-tabs", role: "tablist", "aria-label": t("gridSheets") },
        this.wb.visibleSheets().map((s) =>
          h(
            "button",
            {
              role: "tab",
              class: "grid-tab",
              "aria-selected": s.name === sheet?.name ? "true" : "false",
              onclick: () => {
                this.sheet = s.name;
                this.selected = null;
                this.render();
              },
            },
            s.name,
          ),
        ),
      ),
    );
    if (this.message) this.root.append(h("div", { class: "grid-alert", role: "alert" }, this.message));
    if (!sheet) return;
    const { rows, cols } = this.wb.usedSize(sheet.name);
    const nRows = Math.max(rows, 20);
    const nCols = Math.max(cols, sheet.columnWidths.length, 6);
    const covered = new Set<string>();
    const spans = new Map<string, { rows: number; cols: number }>();
    for (const m of sheet.merges) {
      const [a, b] = m.split(":");
      const s = parseAddress(a!)!;
      const e = parseAddress(b ?? a!)!;
      spans.set(`${s.row},${s.col}`, { rows: e.row - s.row + 1, cols: e.col - s.col + 1 });
      for (let r = s.row; r <= e.row; r++)
        for (let c = s.col; c <= e.col; c++) if (r !== s.row || c !== s.col) covered.add(`${r},${c}`);
    }
    // Conditional formats as Excel would paint them.
    const painted = new Map<string, string>();
    for (const range of sheet.colorScales) {
      const cells = cellsIn(range).map(([r, c]) => [r, c, this.wb.valueAt(sheet.name, r, c)] as const);
      const nums = cells.map((x) => x[2]).filter((v): v is number => typeof v === "number");
      const min = Math.min(...nums);
      const max = Math.max(...nums);
      for (const [r, c, v] of cells) if (typeof v === "number") painted.set(`${r},${c}`, scaleColour(v, min, max));
    }
    for (const hl of sheet.highlights)
      for (const [r, c] of cellsIn(hl.range))
        if (String(this.wb.valueAt(sheet.name, r, c) ?? "").includes(hl.text)) painted.set(`${r},${c}`, hl.fill);
    // One Tab stop into the grid: the selected cell, else the first cell one may type in, else A1.
    let tabStop = this.selected;
    for (let r = 0; !tabStop && r < nRows; r++)
      for (let c = 0; !tabStop && c < nCols; c++)
        if (!covered.has(`${r},${c}`) && (!sheet.protected || sheet.cells.get(`${r},${c}`)?.format?.locked === false))
          tabStop = address(r, c);
    tabStop ??= "A1";
    const table = h("table", { class: "grid", "data-sheet": sheet.name });
    const colgroup = h("colgroup", {}, h("col", { style: "width:40px" }));
    for (let c = 0; c < nCols; c++)
      colgroup.append(h("col", { style: `width:${Math.round((sheet.columnWidths[c] ?? 9) * 7 + 5)}px` }));
    table.append(colgroup);
    const head = h("tr", {}, h("th", { class: "corner" }));
    for (let c = 0; c < nCols; c++) head.append(h("th", { scope: "col" }, columnLetter(c)));
    table.append(h("thead", {}, head));
    const body = h("tbody");
    for (let r = 0; r < nRows; r++) {
      const tr = h("tr", r < sheet.frozenRows ? { class: "frozen", style: `top:${22 + r * 0}px` } : {});
      tr.append(h("th", { scope: "row" }, String(r + 1)));
      for (let c = 0; c < nCols; c++) {
        if (covered.has(`${r},${c}`)) continue;
        const a1 = address(r, c);
        const cell = sheet.cells.get(`${r},${c}`);
        const f = cell?.format ?? {};
        const v = this.wb.valueAt(sheet.name, r, c);
        const span = spans.get(`${r},${c}`);
        const editable = !sheet.protected || f.locked === false;
        const paint = painted.get(`${r},${c}`) ?? f.fill;
        const style = [
          paint ? `background:${paint}` : "",
          f.fontColor ? `color:${f.fontColor}` : "",
          f.bold ? "font-weight:600" : "",
          f.italic ? "font-style:italic" : "",
          f.size ? `font-size:${Math.round(f.size * 1.2)}px` : "",
          f.hAlign ? `text-align:${f.hAlign.toLowerCase()}` : typeof v === "number" ? "text-align:right" : "",
          f.wrap ? "white-space:normal" : "",
        ]
          .filter(Boolean)
          .join(";");
        const td = h(
          "td",
          {
            "data-cell": a1,
            style,
            tabindex: a1 === tabStop ? 0 : -1,
            class: [editable ? "editable" : "", a1 === this.selected ? "selected" : "", cell?.formula ? "formula" : ""]
              .filter(Boolean)
              .join(" "),
            title: cell?.formula ?? "",
            colspan: span?.cols,
            rowspan: span?.rows,
            "aria-selected": a1 === this.selected ? "true" : null,
          },
          display(v, cell?.numFmt),
        );
        td.addEventListener("click", () => this.select(a1));
        // Reached with Tab: the cell is the selection, as a click would make it.
        td.addEventListener("focus", () => {
          if (this.selected !== a1) this.select(a1);
        });
        td.addEventListener("dblclick", () => this.beginEdit(td, sheet.name, a1));
        td.addEventListener("keydown", (e) => {
          // Keys typed into the cell's editor bubble up here: they belong to the editor, not to a new edit.
          if (e.target !== td) return;
          if (e.key === "Enter" || e.key === "F2") {
            e.preventDefault();
            this.beginEdit(td, sheet.name, a1);
          } else if (e.key.length === 1 && !e.ctrlKey && !e.metaKey) {
            e.preventDefault();
            this.beginEdit(td, sheet.name, a1, e.key);
          } else this.move(e, r, c);
        });
        tr.append(td);
      }
      body.append(tr);
    }
    table.append(body);
    const charts = sheet.charts.map((ch) => {
      const labels = cellsIn(ch.categories).map(([r, c]) => String(this.wb.valueAt(sheet.name, r, c) ?? ""));
      const values = cellsIn(ch.values).map(([r, c]) => Number(this.wb.valueAt(sheet.name, r, c) ?? 0));
      const max = Math.max(1, ...values);
      return h(
        "figure",
        { class: "grid-chart", role: "img", "aria-label": ch.title },
        h("figcaption", {}, ch.title),
        labels.map((label, i) =>
          h(
            "div",
            { class: "bar-row" },
            h("span", { class: "bar-label" }, label),
            h("span", { class: "bar", style: `width:${Math.round(((values[i] ?? 0) / max) * 100)}%` }),
            h("span", { class: "bar-value" }, display(values[i], "0.00")),
          ),
        ),
      );
    });
    this.root.append(h("div", { class: "grid-scroll" }, table, ...charts));
    if (this.selected) {
      const td = this.root.querySelector<HTMLElement>(`td[data-cell="${this.selected}"]`);
      td?.scrollIntoView({ block: "nearest", inline: "nearest" });
      if (focus) td?.focus({ preventScroll: true });
    }
  }

  private select(a1: string) {
    this.selected = a1;
    const sheet = this.current();
    if (sheet) this.wb.picked = { sheet: sheet.name, cell: a1 };
    this.message = null;
    for (const el of this.root.querySelectorAll("td.selected")) {
      el.classList.remove("selected");
      el.setAttribute("tabindex", "-1");
    }
    const td = this.root.querySelector<HTMLElement>(`td[data-cell="${a1}"]`);
    td?.classList.add("selected");
    td?.setAttribute("tabindex", "0");
    td?.focus();
  }

  private move(e: KeyboardEvent, r: number, c: number) {
    const d: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
      Tab: [0, e.shiftKey ? -1 : 1],
    };
    const step = d[e.key];
    // Tab leaves the grid, as in any web page (arrows and Enter move within it); Tab while editing moves right.
    if (!step || e.key === "Tab") return;
    e.preventDefault();
    const next = address(Math.max(0, r + step[0]), Math.max(0, c + step[1]));
    if (this.root.querySelector(`td[data-cell="${next}"]`)) this.select(next);
  }

  private beginEdit(td: HTMLElement, sheetName: string, a1: string, initial?: string) {
    this.select(a1);
    const cell = this.wb.cellAt(sheetName, a1);
    const raw = cell?.formula ?? (cell?.value === null || cell?.value === undefined ? "" : String(cell.value));
    const input = h("input", {
      class: "grid-input",
      "aria-label": a1,
      value: initial ?? (typeof cell?.value === "number" ? points(cell.value) : raw),
    }) as HTMLInputElement;
    td.replaceChildren(input);
    input.focus();
    // Opened by a double-click or Enter, the content is selected (typing replaces it); opened by a typed key, the
    // caret goes after that key, so the next keys follow it.
    if (initial === undefined) input.select();
    else input.setSelectionRange(input.value.length, input.value.length);
    let done = false;
    /** Saves (or drops) the edit; then, as in Excel, Enter selects the cell below and Tab the one to the right. */
    const commit = (save: boolean, next: "down" | "right" | "none" = "down") => {
      if (done) return;
      done = true;
      if (!save) return this.render();
      const res = this.wb.edit(sheetName, a1, input.value);
      this.message = res.ok
        ? null
        : res.reason === "protected"
          ? t("cellLocked")
          : t("cellInvalid", { min: points(res.min), max: points(res.max) });
      const p = parseAddress(a1)!;
      this.selected =
        !res.ok || next === "none" ? a1 : next === "right" ? address(p.row, p.col + 1) : address(p.row + 1, p.col);
      this.render();
    };
    input.addEventListener("keydown", (e) => {
      e.stopPropagation();
      if (e.key === "Enter") {
        e.preventDefault();
        commit(true);
      } else if (e.key === "Tab") {
        e.preventDefault();
        commit(true, e.shiftKey ? "none" : "right");
      } else if (e.key === "Escape") {
        e.preventDefault();
        commit(false);
      }
    });
    // Leaving the cell by clicking elsewhere keeps the text; the focus stays where the user went.
    input.addEventListener("blur", () => commit(true, "none"));
  }
}
