/**
 * An .xlsx writer: SpreadsheetML written by hand and zipped with fflate. It covers what our workbooks use and
 * nothing else: shared strings, styles (fonts, fills, borders, number formats, alignment, locking), merges, column
 * widths, row heights, frozen panes, data validation, sheet protection without a password, print setup (A4,
 * orientation, fit to width, repeated rows and columns), page header and footer, hidden and very hidden sheets,
 * defined names, and formulas with their cached values.
 *
 * Text is always written as a string cell: a value can never become a formula, whatever it starts with. Text that
 * a spreadsheet would read as a formula if typed (`=`, `+`, `-`, `@`, tab, CR) also gets a quote-prefixed style, so
 * that editing the cell later keeps it text.
 *
 * Pure: no clock, no I/O, runs in Node and in workerd. Measured against exceljs in `bench/workbook.bench.mjs`.
 */
import { address, columnLetter } from "../../../shared/src/a1.ts";
import { ByteSink, escapeAttr, escapeJsonText, escapeText } from "./xml.ts";
import { type Deflated, joinPieces, NATIVE_DEFLATE, type ZipPart, zipParts } from "./zipwrite.ts";

export type CellValue = string | number | boolean | null | undefined;

export interface FontSpec {
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  size?: number;
  /** ARGB, e.g. "FFC00000". */
  color?: string;
  name?: string;
}

export interface StyleSpec {
  font?: FontSpec;
  /** Solid fill colour, ARGB. */
  fill?: string;
  border?: "thin" | "bottom" | "top";
  numFmt?: string;
  align?: {
    h?: "left" | "center" | "right" | "centerContinuous";
    v?: "top" | "center" | "bottom";
    wrap?: boolean;
    indent?: number;
  };
  /** Cells are locked by default; unlock input cells of a protected sheet. */
  locked?: boolean;
}

export type StyleId = number;

const BUILTIN_FORMATS: Record<string, number> = { General: 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "@": 49 };
const DEFAULT_FONT = { name: "Times New Roman", size: 12 };
const DANGEROUS_START = /^[=+\-@\t\r]/;
const COLUMN_LETTERS: string[] = [];

/** Column letters, cached: a big matrix asks for the same few hundred thousands of times. */
function letters(col: number): string {
  let l = COLUMN_LETTERS[col];
  if (l === undefined) {
    l = columnLetter(col);
    COLUMN_LETTERS[col] = l;
  }
  return l;
}

/** The workbook's style sheet: fonts, fills, borders and number formats, deduplicated. */
export class Styles {
  private readonly fonts: string[] = [];
  private readonly fills: string[] = [
    '<fill><patternFill patternType="none"/></fill>',
    '<fill><patternFill patternType="gray125"/></fill>',
  ];
  private readonly borders: string[] = ["<border><left/><right/><top/><bottom/><diagonal/></border>"];
  private readonly numFmts = new Map<string, number>();
  private readonly xfs: string[] = [];
  private readonly byKey = new Map<string, StyleId>();
  private readonly quoted = new Map<StyleId, StyleId>();
  private readonly specs: StyleSpec[] = [];
  private readonly indexOf = new Map<string, number>();

  constructor(readonly defaultFont: { name: string; size: number } = DEFAULT_FONT) {
    this.fonts.push(this.fontXml({}));
    this.add({});
  }

  private fontXml(f: FontSpec): string {
    return (
      "<font>" +
      (f.bold ? "<b/>" : "") +
      (f.italic ? "<i/>" : "") +
      (f.underline ? "<u/>" : "") +
      `<sz val="${f.size ?? this.defaultFont.size}"/>` +
      (f.color ? `<color rgb="${f.color}"/>` : "") +
      `<name val="${escapeAttr(f.name ?? this.defaultFont.name)}"/><family val="1"/><charset val="163"/></font>`
    );
  }

  private intern(list: string[], xml: string, kind: string): number {
    const key = kind + xml;
    let i = this.indexOf.get(key);
    if (i === undefined) {
      i = list.indexOf(xml);
      if (i < 0) {
        list.push(xml);
        i = list.length - 1;
      }
      this.indexOf.set(key, i);
    }
    return i;
  }

  /** Registers a style (once per distinct spec) and returns its id for cells. */
  add(spec: StyleSpec, quotePrefix = false): StyleId {
    const key = JSON.stringify(spec) + (quotePrefix ? "'" : "");
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const fontId = spec.font ? this.intern(this.fonts, this.fontXml(spec.font), "font") : 0;
    const fillId = spec.fill
      ? this.intern(
          this.fills,
          `<fill><patternFill patternType="solid"><fgColor rgb="${spec.fill}"/><bgColor indexed="64"/></patternFill></fill>`,
          "fill",
        )
      : 0;
    const b = spec.border;
    const side = (on: boolean, name: string) =>
      on ? `<${name} style="thin"><color auto="1"/></${name}>` : `<${name}/>`;
    const borderId = b
      ? this.intern(
          this.borders,
          `<border>${side(b === "thin", "left")}${side(b === "thin", "right")}${side(b !== "bottom", "top")}${side(b !== "top", "bottom")}<diagonal/></border>`,
          "border",
        )
      : 0;
    let numFmtId = 0;
    if (spec.numFmt) {
      const builtin = BUILTIN_FORMATS[spec.numFmt];
      if (builtin !== undefined) numFmtId = builtin;
      else {
        numFmtId = this.numFmts.get(spec.numFmt) ?? 164 + this.numFmts.size;
        this.numFmts.set(spec.numFmt, numFmtId);
      }
    }
    const a = spec.align;
    const alignment = a
      ? "<alignment" +
        (a.h ? ` horizontal="${a.h}"` : "") +
        (a.v ? ` vertical="${a.v}"` : "") +
        (a.wrap ? ' wrapText="1"' : "") +
        (a.indent ? ` indent="${a.indent}"` : "") +
        "/>"
      : "";
    const protection = spec.locked === false ? '<protection locked="0"/>' : "";
    const xf =
      `<xf numFmtId="${numFmtId}" fontId="${fontId}" fillId="${fillId}" borderId="${borderId}" xfId="0"` +
      (numFmtId ? ' applyNumberFormat="1"' : "") +
      (fontId ? ' applyFont="1"' : "") +
      (fillId ? ' applyFill="1"' : "") +
      (borderId ? ' applyBorder="1"' : "") +
      (alignment ? ' applyAlignment="1"' : "") +
      (protection ? ' applyProtection="1"' : "") +
      (quotePrefix ? ' quotePrefix="1"' : "") +
      (alignment || protection ? `>${alignment}${protection}</xf>` : "/>");
    this.xfs.push(xf);
    this.specs.push(spec);
    const id = this.xfs.length - 1;
    this.byKey.set(key, id);
    return id;
  }

  /** The spec a style id was registered with. */
  spec(id: StyleId): StyleSpec {
    return this.specs[id] ?? {};
  }

  /** The same style with a quote prefix, for text that looks like a formula. */
  quotedOf(id: StyleId): StyleId {
    let q = this.quoted.get(id);
    if (q === undefined) {
      q = this.add(this.specs[id] ?? {}, true);
      this.quoted.set(id, q);
    }
    return q;
  }

  toXml(): string {
    const numFmts = [...this.numFmts]
      .map(([code, id]) => `<numFmt numFmtId="${id}" formatCode="${escapeAttr(code)}"/>`)
      .join("");
    return (
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      (numFmts ? `<numFmts count="${this.numFmts.size}">${numFmts}</numFmts>` : "") +
      `<fonts count="${this.fonts.length}">${this.fonts.join("")}</fonts>` +
      `<fills count="${this.fills.length}">${this.fills.join("")}</fills>` +
      `<borders count="${this.borders.length}">${this.borders.join("")}</borders>` +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      `<cellXfs count="${this.xfs.length}">${this.xfs.join("")}</cellXfs>` +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
      "</styleSheet>"
    );
  }
}

/** Whether text must keep its whitespace: leading or trailing space, or a tab, CR or LF anywhere. */
function needsPreserve(s: string): boolean {
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  return first <= 32 || last <= 32 || s.indexOf("\t") >= 0 || s.indexOf("\n") >= 0 || s.indexOf("\r") >= 0;
}

/** Shared strings table: each distinct text once. */
class SharedStrings {
  private readonly index = new Map<string, number>();
  private readonly texts: string[] = [];
  count = 0;

  id(s: string): number {
    this.count++;
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.texts.length;
      this.index.set(s, i);
      this.texts.push(s);
    }
    return i;
  }

  toBytes(): Uint8Array {
    const out = new ByteSink();
    out
      .text('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n')
      .text('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="')
      .uint(this.count)
      .text('" uniqueCount="')
      .uint(this.texts.length)
      .text('">');
    for (const t of this.texts)
      out
        .raw(needsPreserve(t) ? SI_PRESERVE : SI)
        .text(escapeText(t))
        .raw(SI_END);
    return out.text("</sst>").bytes();
  }
}

/** Markup written for every cell, encoded once. */
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const C = ascii("<c");
const C_R = ascii('<c r="');
const QUOTE = ascii('"');
const V = ascii("><v>");
const V_END = ascii("</v></c>");
const SST = ascii(' t="s"><v>');
const EMPTY = ascii("/>");
const ROW = ascii('<row r="');
const ROW_OPEN_END = ascii('">');
const ROW_END = ascii("</row>");
const ROW_HT = ascii('" ht="');
const ROW_HT_END = ascii('" customHeight="1">');
const T_STR = ascii(' t="str"');
const T_B = ascii(' t="b"');
const F = ascii("><f>");
const F_END = ascii("</f>");
const V_OPEN = ascii("<v>");
const V_CLOSE = ascii("</v>");
const C_END = ascii("</c>");
const V_TRUE = ascii("<v>1</v>");
const V_FALSE = ascii("<v>0</v>");
const B_TRUE = ascii(' t="b"><v>1</v></c>');
const B_FALSE = ascii(' t="b"><v>0</v></c>');
const INLINE = ascii(' t="inlineStr"><is><t>');
const INLINE_PRESERVE = ascii(' t="inlineStr"><is><t xml:space="preserve">');
const INLINE_END = ascii("</t></is></c>");
const SI = ascii("<si><t>");
const SI_PRESERVE = ascii('<si><t xml:space="preserve">');
const SI_END = ascii("</t></si>");

/** ` s="12"` for each style id, built once. */
const STYLE_ATTRS: Uint8Array[] = [];

function styleAttr(s: StyleId): Uint8Array {
  let a = STYLE_ATTRS[s];
  if (a === undefined) {
    a = ascii(` s="${s}"`);
    STYLE_ATTRS[s] = a;
  }
  return a;
}

interface Cell {
  v: CellValue;
  /** A bulk text cell's text after `v`, deflated beforehand (`Sheet.setDeflated`). */
  z?: Deflated;
  /** Formula without the leading "=". */
  f?: string;
  s: StyleId;
}

export interface Validation {
  sqref: string;
  min: number;
  max: number;
  /** Shown when a person types a value out of range. */
  errorTitle?: string;
  error?: string;
  promptTitle?: string;
  prompt?: string;
}

export interface PrintSetup {
  orientation?: "portrait" | "landscape";
  fitToWidth?: boolean;
  /** Rows repeated on every printed page, 1-based inclusive: [first, last]. */
  repeatRows?: [number, number];
  /** Columns repeated on every page, 0-based inclusive. */
  repeatCols?: [number, number];
  header?: string;
  footer?: string;
  /** Margins in inches. */
  margins?: { left: number; right: number; top: number; bottom: number };
}

/** One worksheet under construction. Rows and columns are zero-based. */
export class Sheet {
  private readonly rows: (Cell | undefined)[][] = [];
  private readonly heights = new Map<number, number>();
  /** Cells shared by `setNumbers`, by style and value. */
  private readonly sharedCells = new Map<StyleId, Map<number | null, Cell>>();
  readonly merges: string[] = [];
  readonly validations: Validation[] = [];
  cols: { width: number; hidden?: boolean }[] = [];
  state: "visible" | "hidden" | "veryHidden" = "visible";
  freeze: { rows: number; cols: number } | null = null;
  protect = false;
  print: PrintSetup | null = null;
  tabColor: string | null = null;
  showGridLines = true;
  /**
   * Bulk text, such as the inputs of a ranking workbook: written as inline strings (kept in the part, out of the
   * shared strings), and stored without compression where only fflate can deflate (it would cost more CPU than the
   * bytes it saves are worth; the platform's zlib deflates it, ten times smaller, for a few milliseconds). `"json"`:
   * the text cells hold what `JSON.stringify` wrote (see `escapeJsonText`).
   */
  bulk: boolean | "json" = false;

  constructor(
    readonly name: string,
    private readonly styles: Styles,
  ) {}

  private put(row: number, col: number, cell: Cell): void {
    let r = this.rows[row];
    if (!r) {
      r = [];
      this.rows[row] = r;
    }
    r[col] = cell;
  }

  /**
   * Numbers (or blanks: null, undefined) in one style along a row from `col`: a matrix of points. Cells of the same
   * value and style are one object, shared (a cell is never changed once put: `style` puts a new one).
   */
  setNumbers(row: number, col: number, values: readonly (number | null | undefined)[], style: StyleId = 0): this {
    let shared = this.sharedCells.get(style);
    if (!shared) {
      shared = new Map<number | null, Cell>();
      this.sharedCells.set(style, shared);
    }
    for (let i = 0; i < values.length; i++) {
      const v = values[i] ?? null;
      if (v !== null && !Number.isFinite(v)) throw new RangeError(`not a finite number at ${address(row, col + i)}`);
      let cell = shared.get(v);
      if (!cell) {
        cell = { v, s: style };
        shared.set(v, cell);
      }
      this.put(row, col + i, cell);
    }
    return this;
  }

  /** A constant. Strings stay text whatever they start with; NaN and infinities are refused. */
  set(row: number, col: number, value: CellValue, style: StyleId = 0): this {
    if (typeof value === "number" && !Number.isFinite(value))
      throw new RangeError(`not a finite number at ${address(row, col)}`);
    const s = typeof value === "string" && DANGEROUS_START.test(value) ? this.styles.quotedOf(style) : style;
    this.put(row, col, { v: value, s });
    return this;
  }

  /**
   * A bulk text cell (`bulk = "json"`) whose text is `prefix` and then a text given deflated (`Deflated`: the
   * UTF-8 of the text as `escapeJsonText` escapes it, deflated by `deflatePiece`), never seen here: a ranking
   * workbook's stored sheets, deflated when they were pushed. `first` is the cell's first character where `prefix`
   * is empty (a formula-like start is quoted, as `set` does). The cell keeps its spaces (`xml:space`).
   */
  setDeflated(row: number, col: number, prefix: string, text: Deflated, first: string): this {
    const s = DANGEROUS_START.test(prefix || first) ? this.styles.quotedOf(0) : 0;
    this.put(row, col, { v: prefix, z: text, s });
    return this;
  }

  /** A formula (with or without its leading "=") and the value it evaluates to, cached for readers that do not calculate. */
  formula(
    row: number,
    col: number,
    formula: string,
    cached: number | string | boolean | null,
    style: StyleId = 0,
  ): this {
    this.put(row, col, { v: cached, f: formula.startsWith("=") ? formula.slice(1) : formula, s: style });
    return this;
  }

  /**
   * Styles an empty cell (borders of a table, a fill). Keeps a value already there, and the quote prefix of text
   * that looks like a formula: restyling a prefilled `=HYPERLINK(...)` must not let Excel turn it into a formula
   * when the cell is edited.
   */
  style(row: number, col: number, style: StyleId): this {
    const c = this.rows[row]?.[col];
    if (c) {
      const s =
        c.f === undefined && typeof c.v === "string" && DANGEROUS_START.test(c.v) ? this.styles.quotedOf(style) : style;
      // A new cell: the one there may be shared (`setNumbers`).
      this.put(row, col, { ...c, s });
    } else this.put(row, col, { v: null, s: style });
    return this;
  }

  merge(r1: number, c1: number, r2: number, c2: number): this {
    this.merges.push(`${address(r1, c1)}:${address(r2, c2)}`);
    return this;
  }

  height(row: number, points: number): this {
    this.heights.set(row, points);
    return this;
  }

  /**
   * Sets a row's height from the wrapped text it holds: an estimate (about one character per unit of column width at
   * 11 points), since neither Excel nor LibreOffice grows a row on open.
   */
  fitHeight(row: number, pointsPerLine = 15, charsPerUnit = 1.05): this {
    const r = this.rows[row];
    if (!r) return this;
    let lines = 1;
    for (let c = 0; c < r.length; c++) {
      const v = r[c]?.v;
      if (typeof v !== "string" || v.length === 0) continue;
      const width = this.cols[c]?.width ?? 9;
      const perLine = Math.max(1, Math.floor((width - 1) * charsPerUnit));
      let n = 0;
      if (v.indexOf("\n") < 0) n = Math.ceil(v.length / perLine);
      else for (const para of v.split("\n")) n += Math.max(1, Math.ceil(para.length / perLine));
      if (n > lines) lines = n;
    }
    if (lines > 1) this.heights.set(row, Math.max(this.heights.get(row) ?? 0, lines * pointsPerLine + 2));
    return this;
  }

  /** Every written cell in row order, for adapters (the benchmark renders the same model with exceljs). */
  forEachCell(
    fn: (row: number, col: number, value: CellValue, formula: string | undefined, style: StyleId) => void,
  ): void {
    this.rows.forEach((r, ri) => {
      r?.forEach((c, ci) => {
        // A cell given deflated (`setDeflated`) has no text here to give.
        if (c?.z) throw new Error(`the cell ${address(ri, ci)} was given deflated`);
        if (c) fn(ri, ci, c.v, c.f, c.s);
      });
    });
  }

  /** Custom row heights, by zero-based row. */
  get rowHeights(): ReadonlyMap<number, number> {
    return this.heights;
  }

  get rowCount(): number {
    return this.rows.length;
  }

  /**
   * The sheet part, as UTF-8. Shared strings are collected into `sst` as cells are written. A cell that follows the
   * previous one in its row carries no `r` reference (optional in ECMA-376 Part 1, 18.3.1.4: the reader takes the
   * next column); the first cell of a row and a cell after a gap carry one.
   */
  toBytes(sst: SharedStrings, selected: boolean): Uint8Array {
    const pieces = this.toPieces(sst, selected);
    return pieces.length === 1 && pieces[0] instanceof Uint8Array ? pieces[0] : joinPieces(pieces);
  }

  /**
   * The sheet part as `toBytes` writes it, in pieces: the bytes written here, and between them the texts given
   * deflated (`setDeflated`), for `ZipPart.pieces`.
   */
  toPieces(sst: SharedStrings, selected: boolean): (Uint8Array | Deflated)[] {
    const pieces: (Uint8Array | Deflated)[] = [];
    // Room for the usual cell (about 30 bytes) and the bulk text, so that the buffer rarely has to grow.
    let room = 4096;
    for (const r of this.rows) {
      if (!r) continue;
      room += 32 + r.length * 32;
      if (this.bulk) for (const c of r) if (typeof c?.v === "string") room += c.v.length;
    }
    const out = new ByteSink(room);
    const push = (...xs: string[]) => {
      for (const x of xs) out.text(x);
    };
    let maxCol = 0;
    for (const r of this.rows) if (r && r.length > maxCol) maxCol = r.length;
    const lastRow = Math.max(this.rows.length, 1);
    const fit = this.print?.fitToWidth;
    push(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
      '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">',
    );
    if (fit || this.tabColor) {
      push(
        "<sheetPr>",
        this.tabColor ? `<tabColor rgb="${this.tabColor}"/>` : "",
        fit ? '<pageSetUpPr fitToPage="1"/>' : "",
        "</sheetPr>",
      );
    }
    push(`<dimension ref="A1:${address(lastRow - 1, Math.max(maxCol - 1, 0))}"/>`);
    push(
      `<sheetViews><sheetView workbookViewId="0"${selected ? ' tabSelected="1"' : ""}${this.showGridLines ? "" : ' showGridLines="0"'}>`,
    );
    const fz = this.freeze;
    if (fz && (fz.rows > 0 || fz.cols > 0)) {
      const pane = fz.rows > 0 && fz.cols > 0 ? "bottomRight" : fz.rows > 0 ? "bottomLeft" : "topRight";
      const tl = address(fz.rows, fz.cols);
      push(
        `<pane${fz.cols ? ` xSplit="${fz.cols}"` : ""}${fz.rows ? ` ySplit="${fz.rows}"` : ""} topLeftCell="${tl}" activePane="${pane}" state="frozen"/>`,
        `<selection pane="${pane}" activeCell="${tl}" sqref="${tl}"/>`,
      );
    }
    push("</sheetView></sheetViews>", '<sheetFormatPr defaultRowHeight="15.75"/>');
    if (this.cols.length) {
      push("<cols>");
      this.cols.forEach((c, i) => {
        push(`<col min="${i + 1}" max="${i + 1}" width="${c.width}" customWidth="1"${c.hidden ? ' hidden="1"' : ""}/>`);
      });
      push("</cols>");
    }
    out.text("<sheetData>");
    for (let ri = 0; ri < this.rows.length; ri++) {
      const r = this.rows[ri];
      const h = this.heights.get(ri);
      if (!r && h === undefined) continue;
      const rowNum = ri + 1;
      out.raw(ROW).uint(rowNum);
      if (h !== undefined) out.raw(ROW_HT).num(h).raw(ROW_HT_END);
      else out.raw(ROW_OPEN_END);
      if (r) {
        let next = -1;
        for (let ci = 0; ci < r.length; ci++) {
          const c = r[ci];
          if (!c) continue;
          const v = c.v;
          if (c.f === undefined && (v === null || v === undefined || v === "") && !c.s && !c.z) continue;
          if (ci === next) out.raw(C);
          else out.raw(C_R).text(letters(ci)).uint(rowNum).raw(QUOTE);
          next = ci + 1;
          if (c.s) out.raw(styleAttr(c.s));
          if (c.f !== undefined) {
            if (typeof v === "string") out.raw(T_STR);
            else if (typeof v === "boolean") out.raw(T_B);
            out.raw(F).text(escapeText(c.f)).raw(F_END);
            if (typeof v === "number") out.raw(V_OPEN).num(v).raw(V_CLOSE);
            else if (typeof v === "string") out.raw(V_OPEN).text(escapeText(v)).raw(V_CLOSE);
            else if (typeof v === "boolean") out.raw(v ? V_TRUE : V_FALSE);
            out.raw(C_END);
          } else if (typeof v === "number") out.raw(V).num(v).raw(V_END);
          else if (c.z) {
            out.raw(INLINE_PRESERVE).text(escapeJsonText(v as string));
            pieces.push(out.take(), c.z);
            out.raw(INLINE_END);
          } else if (typeof v === "string" && v !== "") {
            if (this.bulk)
              out
                .raw(needsPreserve(v) ? INLINE_PRESERVE : INLINE)
                .text(this.bulk === "json" ? escapeJsonText(v) : escapeText(v))
                .raw(INLINE_END);
            else out.raw(SST).uint(sst.id(v)).raw(V_END);
          } else if (typeof v === "boolean") out.raw(v ? B_TRUE : B_FALSE);
          else out.raw(EMPTY);
        }
      }
      out.raw(ROW_END);
    }
    push("</sheetData>");
    if (this.protect)
      push(
        '<sheetProtection sheet="1" objects="1" scenarios="1" formatColumns="0" formatRows="0" selectLockedCells="0" selectUnlockedCells="0"/>',
      );
    if (this.merges.length) {
      push(`<mergeCells count="${this.merges.length}">`);
      for (const m of this.merges) push(`<mergeCell ref="${m}"/>`);
      push("</mergeCells>");
    }
    if (this.validations.length) {
      push(`<dataValidations count="${this.validations.length}">`);
      for (const d of this.validations) {
        push(
          `<dataValidation type="decimal" operator="between" allowBlank="1" showInputMessage="1" showErrorMessage="1"`,
          d.errorTitle ? ` errorTitle="${escapeAttr(d.errorTitle)}"` : "",
          d.error ? ` error="${escapeAttr(d.error)}"` : "",
          d.promptTitle ? ` promptTitle="${escapeAttr(d.promptTitle)}"` : "",
          d.prompt ? ` prompt="${escapeAttr(d.prompt)}"` : "",
          ` sqref="${d.sqref}"><formula1>${d.min}</formula1><formula2>${d.max}</formula2></dataValidation>`,
        );
      }
      push("</dataValidations>");
    }
    const p = this.print;
    if (p) {
      const m = p.margins ?? { left: 0.6, right: 0.4, top: 0.85, bottom: 0.7 };
      push(
        `<pageMargins left="${m.left}" right="${m.right}" top="${m.top}" bottom="${m.bottom}" header="0.3" footer="0.3"/>`,
        `<pageSetup paperSize="9" orientation="${p.orientation ?? "portrait"}"${p.fitToWidth ? ' fitToWidth="1" fitToHeight="0"' : ""}/>`,
      );
      if (p.header || p.footer)
        push(
          "<headerFooter>",
          p.header ? `<oddHeader>${escapeText(p.header)}</oddHeader>` : "",
          p.footer ? `<oddFooter>${escapeText(p.footer)}</oddFooter>` : "",
          "</headerFooter>",
        );
    }
    out.text("</worksheet>");
    if (pieces.length === 0) return [out.bytes()];
    pieces.push(out.take());
    return pieces;
  }
}

export interface DefinedName {
  name: string;
  /** The reference or constant, e.g. `'Bảng tổng hợp'!$A$1`. */
  ref: string;
  /** Index of the sheet the name is local to. */
  sheet?: number;
  hidden?: boolean;
}

export interface BookProperties {
  title?: string;
  subject?: string;
  creator?: string;
  /** ISO 8601 instant; pass it in (the writer has no clock). */
  created?: string;
}

/** A workbook under construction. */
export class Workbook {
  readonly styles: Styles;
  readonly sheets: Sheet[] = [];
  readonly names: DefinedName[] = [];
  props: BookProperties = {};
  /**
   * Deflate level. With fflate, deflate is half of the writer's CPU on a small workbook; level 1 is about 10% faster
   * than level 2 and about twice as fast as level 6, for 5-20% more bytes (measured on our parts). Native zlib at
   * level 1 is 3x faster than at level 6 for 5-30% more bytes.
   */
  level: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 = 1;

  constructor(defaultFont?: { name: string; size: number }) {
    this.styles = new Styles(defaultFont);
  }

  addSheet(name: string): Sheet {
    const s = new Sheet(name, this.styles);
    this.sheets.push(s);
    return s;
  }

  /** `'Sheet name'` as a formula reference. */
  static ref(name: string): string {
    return `'${name.replace(/'/g, "''")}'`;
  }

  /**
   * Serialises and zips the workbook, synchronously: deflate by the platform's zlib where there is one (see
   * zipwrite.ts), else by fflate; `native: false` forces fflate.
   */
  toBytes(native = true): Uint8Array {
    return zipParts(this.parts(native && NATIVE_DEFLATE), native);
  }

  /**
   * The parts of the package, serialised, in archive order, each with its deflate level for a native deflate or for
   * fflate's.
   */
  parts(native = NATIVE_DEFLATE): ZipPart[] {
    const enc = new TextEncoder();
    const sst = new SharedStrings();
    const firstVisible = Math.max(
      0,
      this.sheets.findIndex((s) => s.state === "visible"),
    );
    const files: Record<string, Uint8Array> = {};
    const piecewise = new Map<string, (Uint8Array | Deflated)[]>();
    const stored = new Set<string>();
    const sheetEntries: string[] = [];
    const rels: string[] = [];
    const overrides: string[] = [];
    const names = [...this.names];
    this.sheets.forEach((s, i) => {
      const pieces = s.toPieces(sst, i === firstVisible);
      if (pieces.length === 1 && pieces[0] instanceof Uint8Array) files[`xl/worksheets/sheet${i + 1}.xml`] = pieces[0];
      else {
        files[`xl/worksheets/sheet${i + 1}.xml`] = new Uint8Array(0);
        piecewise.set(`xl/worksheets/sheet${i + 1}.xml`, pieces);
      }
      if (s.bulk) stored.add(`xl/worksheets/sheet${i + 1}.xml`);
      sheetEntries.push(
        `<sheet name="${escapeAttr(s.name)}" sheetId="${i + 1}"${s.state !== "visible" ? ` state="${s.state}"` : ""} r:id="rId${i + 1}"/>`,
      );
      rels.push(
        `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
      );
      overrides.push(
        `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
      );
      const p = s.print;
      if (p?.repeatRows || p?.repeatCols) {
        const ref = Workbook.ref(s.name);
        const parts: string[] = [];
        if (p.repeatCols) parts.push(`${ref}!$${columnLetter(p.repeatCols[0])}:$${columnLetter(p.repeatCols[1])}`);
        if (p.repeatRows) parts.push(`${ref}!$${p.repeatRows[0]}:$${p.repeatRows[1]}`);
        names.push({ name: "_xlnm.Print_Titles", ref: parts.join(","), sheet: i });
      }
    });
    const n = this.sheets.length;
    rels.push(
      `<Relationship Id="rId${n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`,
      `<Relationship Id="rId${n + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`,
    );
    // Excel wants built-in names first and names sorted; local names carry their sheet index.
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : (a.sheet ?? -1) - (b.sheet ?? -1)));
    const definedNames = names.length
      ? "<definedNames>" +
        names
          .map(
            (d) =>
              `<definedName name="${escapeAttr(d.name)}"${d.sheet !== undefined ? ` localSheetId="${d.sheet}"` : ""}${d.hidden ? ' hidden="1"' : ""}>${escapeText(d.ref)}</definedName>`,
          )
          .join("") +
        "</definedNames>"
      : "";
    files["xl/workbook.xml"] = enc.encode(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
        '<workbookPr defaultThemeVersion="124226"/>' +
        `<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="28800" windowHeight="12300" activeTab="${firstVisible}"/></bookViews>` +
        `<sheets>${sheetEntries.join("")}</sheets>` +
        definedNames +
        '<calcPr calcId="191029"/>' +
        "</workbook>",
    );
    files["xl/_rels/workbook.xml.rels"] = enc.encode(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join("")}</Relationships>`,
    );
    files["xl/styles.xml"] = enc.encode(this.styles.toXml());
    files["xl/sharedStrings.xml"] = sst.toBytes();
    const pr = this.props;
    files["docProps/core.xml"] = enc.encode(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
        (pr.title ? `<dc:title>${escapeText(pr.title)}</dc:title>` : "") +
        (pr.subject ? `<dc:subject>${escapeText(pr.subject)}</dc:subject>` : "") +
        `<dc:creator>${escapeText(pr.creator ?? "thidua")}</dc:creator>` +
        (pr.created
          ? `<dcterms:created xsi:type="dcterms:W3CDTF">${escapeText(pr.created)}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${escapeText(pr.created)}</dcterms:modified>`
          : "") +
        "</cp:coreProperties>",
    );
    files["docProps/app.xml"] = enc.encode(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>thidua</Application></Properties>',
    );
    files["_rels/.rels"] = enc.encode(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>' +
        "</Relationships>",
    );
    files["[Content_Types].xml"] = enc.encode(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        overrides.join("") +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' +
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>' +
        "</Types>",
    );
    // [Content_Types].xml first, as Office writes it.
    // Small parts are stored: each deflate call has a fixed cost (about 0.2 ms in fflate, 0.02-0.03 ms in native
    // zlib) that buys at most a few KiB on such parts.
    const order = ["[Content_Types].xml", ...Object.keys(files).filter((k) => k !== "[Content_Types].xml")];
    const small = native ? 2048 : 4096;
    return order.map((name) => {
      const data = files[name]!;
      const pieces = piecewise.get(name);
      if (pieces) return { name, data, pieces, level: !native && stored.has(name) ? 0 : this.level };
      return { name, data, level: data.length < small || (!native && stored.has(name)) ? 0 : this.level };
    });
  }
}

/** The MIME type of an .xlsx response. */
export const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
