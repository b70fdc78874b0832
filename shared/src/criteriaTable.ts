/**
 * A bloc's own criteria table (bảng tiêu chí chấm điểm thi đua) read from a range of cells into a template draft.
 *
 * Every bloc drafts its table in its own layout: parts in Roman numerals (sometimes under a letter A, B), criteria
 * numbered 1, 2 or 1.1, sub-criteria lettered a, b; a maximum column named "Điểm chuẩn", "Điểm tối đa" or "Thang
 * điểm", or the maximum only inside the text ("(5 điểm)"); ladders of scoring levels (mức chấm) as rows without a
 * code; title, header, column-number, totals and footnote rows; a part of bonus or deduction points at the end.
 * `importCriteriaTable` takes the cells as a 2D array with the range's top-left address, finds the header and the
 * columns (a mapping given by the person overrides them), builds the hierarchy from the codes (or, without codes, from
 * indentation), then runs the core's `checkTemplate` and puts every problem on its cell. Nothing here reads Excel: the
 * add-in passes the values in.
 */
import { address, parseAddress } from "./a1.ts";
import { type DomainError, domainError, type ErrorCode, type ErrorParams } from "./errors.ts";
import { type Hundredths, parsePoints, toNumber } from "./points.ts";
import {
  CRITERION_KINDS,
  type CriterionKind,
  cleanText,
  type GroupCriterion,
  type LeafCriterion,
  LIMITS,
  type Part,
  Template,
} from "./schemas.ts";
import { checkTemplate } from "./template.ts";

/** What a cell of the range may hold, as office-js `values` gives it. */
export type CellValue = string | number | boolean | null | undefined;

/** Which column of the range (0-based within it) holds what; null when the table has no such column. */
export interface TableColumns {
  code: number | null;
  content: number | null;
  max: number | null;
  guidance: number | null;
  kind: number | null;
  step: number | null;
  evidence: number | null;
}

export const TABLE_COLUMN_ROLES = ["code", "content", "max", "guidance", "kind", "step", "evidence"] as const;
export type TableColumnRole = (typeof TABLE_COLUMN_ROLES)[number];

export interface CriteriaTableOptions {
  /** A1 address of the range's top-left cell, e.g. "B3". */
  origin: string;
  /** The template being drafted. */
  id: string;
  name: string;
  version: number;
  /** Overrides of the detected columns, by role (0-based within the range; null: no such column). */
  columns?: Partial<TableColumns>;
  /** Row of the header (0-based within the range), overriding detection; null: the table has no header row. */
  headerRow?: number | null;
  /** Step (bước chấm) in points for criteria without a step column. Default 0.25. */
  defaultStep?: number;
  /** Kind of a part or criterion by its code in the draft ("V", "V.2"), overriding its heading and everything below. */
  kinds?: Readonly<Record<string, CriterionKind>>;
  /** Excel's indent level of each row's content cell, when the caller can read it (hierarchy without codes). */
  indents?: readonly (number | null | undefined)[];
}

/** What each row of the range turned out to be. */
export type TableRowRole =
  | "title"
  | "header"
  | "columnNumbers"
  | "empty"
  | "section"
  | "part"
  | "criterion"
  | "subcriterion"
  | "guidance"
  | "total"
  | "footnote";

export interface TableRow {
  /** 0-based within the range. */
  row: number;
  role: TableRowRole;
  /** The criterion's code in the draft, for part, criterion and sub-criterion rows; for guidance, its criterion's. */
  code?: string;
}

/** A part as the preview shows it: its maxima in hundredths. */
export interface TablePartPreview {
  code: string;
  title: string;
  /** The kinds of its leaves, in the order score, bonus, deduction. */
  kinds: CriterionKind[];
  /** Sum of the maxima of its leaves (of its `score` leaves when it has any). */
  max: Hundredths;
  /** The maximum the table states for it, when it does. */
  stated: Hundredths | null;
  criteria: number;
  cell: string | null;
}

export interface CriteriaTableImport {
  /** The draft, shaped as a template even when it has problems (missing maxima count as 0). */
  draft: Template;
  /** The template to publish: the draft, only when there is no problem. */
  template: Template | null;
  /** Every problem, each on its cell, in sheet order. */
  problems: DomainError[];
  /** The columns used (detected, then overridden). */
  columns: TableColumns;
  /** The header row used (0-based within the range), or null. */
  headerRow: number | null;
  /** True when the hierarchy came from indentation because no row had a code. */
  fromIndentation: boolean;
  rows: TableRow[];
  parts: TablePartPreview[];
  /** Sum of the maxima of the `score` leaves: the 100% of classification. */
  scoreMax: Hundredths;
  /** The grand total a "Tổng cộng" row states, if any. */
  statedTotal: Hundredths | null;
  /** A bonus cap the table states (a bonus part's or group's maximum, or "điểm thưởng tối đa 5 điểm" in a note). */
  bonusCap: Hundredths | null;
  /** Where each criterion of the draft is: the cell of its code (or of its content when the code came from there). */
  cellOf: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------------------------
// Text helpers

/** Lower case, NFC, single spaces: how header and keyword tests see a cell. */
function norm(s: string): string {
  return cleanText(s).toLowerCase().replace(/\s+/g, " ");
}

function cellText(v: CellValue): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  return cleanText(v.replace(/\u00a0/g, " "));
}

const ROMAN = /^(?:L?X{0,3})(?:IX|IV|V?I{0,3})$/;
const ROMAN_VALUES: Record<string, number> = { I: 1, V: 5, X: 10, L: 50 };

function romanValue(s: string): number {
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    const v = ROMAN_VALUES[s[i]!]!;
    const next = ROMAN_VALUES[s[i + 1] ?? ""] ?? 0;
    total += v < next ? -v : v;
  }
  return total;
}

function toRoman(n: number): string {
  const table: [number, string][] = [
    [50, "L"],
    [40, "XL"],
    [10, "X"],
    [9, "IX"],
    [5, "V"],
    [4, "IV"],
    [1, "I"],
  ];
  let out = "";
  for (const [v, s] of table)
    while (n >= v) {
      out += s;
      n -= v;
    }
  return out;
}

const letterCode = (i: number) => String.fromCharCode(97 + (i % 26)) + (i >= 26 ? String(Math.floor(i / 26)) : "");

type CodeKind = "section" | "roman" | "number" | "dotted" | "letter" | "full";

interface ParsedCode {
  kind: CodeKind;
  /** The code as the draft writes it: "II", "3", "1.2", "b", or a full code "II.3.b". */
  text: string;
}

/**
 * A code as tables write it: "I", "II.", "PHẦN II", "1", "1.", "1.2", "a", "a)", "(b)", "B", or a full code
 * "II.3.b" (the authoring sheet's). Null for anything else (a bullet "-", a number with a decimal comma, prose).
 */
export function parseTableCode(raw: string): ParsedCode | null {
  let s = raw.trim();
  if (s === "" || s.length > LIMITS.code + 8) return null;
  s = s.replace(/^phần\s+/i, "");
  if (s.startsWith("(") && s.endsWith(")")) s = s.slice(1, -1).trim();
  s = s.replace(/[.):\-–]+$/, "").trim();
  if (s === "") return null;
  if (ROMAN.test(s)) return { kind: "roman", text: s };
  if (/^[A-H]$/.test(s)) return { kind: "section", text: s };
  if (/^[0-9]{1,3}$/.test(s)) return { kind: "number", text: String(Number(s)) };
  if (/^[0-9]{1,3}(\.[0-9]{1,3})+$/.test(s)) return { kind: "dotted", text: s };
  if (/^[a-zđ]$/.test(s)) return { kind: "letter", text: s === "đ" ? "dd" : s };
  if (/^(?:[A-H]\.)?[IVXL]+(\.[0-9A-Za-z]{1,3})+$/.test(s) && ROMAN.test(s.replace(/^[A-H]\./, "").split(".")[0]!))
    return { kind: "full", text: s };
  return null;
}

/** A code written at the start of the content: "1. Công tác …", "a) …", "II. …", "PHẦN I: …". */
const LEADING_CODE = /^\(?((?:phần\s+)?(?:[IVXL]+|[A-H]|[0-9]{1,3}(?:\.[0-9]{1,3})*|[a-zđ]))\s*[.):–-]\s*(\S.*)$/is;

function leadingCode(content: string): { code: ParsedCode; rest: string } | null {
  const m = LEADING_CODE.exec(content);
  if (!m) return null;
  const code = parseTableCode(m[1]!);
  if (!code) return null;
  // "A. …" or "I. …" are codes; a one-letter word that starts a sentence ("A …") has no dot after it, so is not.
  return { code, rest: m[2]!.trim() };
}

export type MaxParse = { ok: true; hundredths: Hundredths } | { ok: false };

/**
 * A maximum as tables write it: 5, "5", "5,0", "0,25", "5 điểm", "(5 điểm)", "5đ", "tối đa 5 điểm".
 * @example parseTableMax("2,5 điểm") // { ok: true, hundredths: 250 }
 */
export function parseTableMax(v: CellValue): MaxParse {
  if (typeof v === "number") {
    const p = parsePoints(v);
    return p.ok ? p : { ok: false };
  }
  let s = cellText(v).toLowerCase();
  if (s.startsWith("(") && s.endsWith(")")) s = s.slice(1, -1);
  s = s
    .replace(/^tối\s*đa\s*/, "")
    .replace(/\s*(điểm|đ)\.?$/, "")
    .replace(/\s+/g, "");
  const p = parsePoints(s);
  return p.ok ? p : { ok: false };
}

/** "(5 điểm)", "(tối đa 5 điểm)", "(5đ)" at the end of a criterion's text. */
const MAX_IN_TEXT = /\s*[([]\s*(?:tối\s*đa\s*:?\s*)?([0-9]{1,4}(?:[.,][0-9]{1,2})?)\s*(?:điểm|đ)\s*[)\]]\s*[.:]?\s*$/i;

const BONUS = /điểm\s*(thưởng|cộng)/i;
const DEDUCTION = /điểm\s*trừ|trừ\s*điểm/i;

/** The kind a heading names: "Điểm thưởng" bonus, "Điểm trừ" deduction; a heading naming both names neither. */
function kindOfHeading(title: string): CriterionKind | null {
  const bonus = BONUS.test(title);
  const deduction = DEDUCTION.test(title);
  return bonus === deduction ? null : bonus ? "bonus" : "deduction";
}

function kindOfCell(text: string): CriterionKind | null | "invalid" {
  const t = norm(text);
  if (t === "") return null;
  if (/thưởng|cộng|bonus/.test(t)) return "bonus";
  if (/trừ|deduction/.test(t)) return "deduction";
  if (/chấm|score|^điểm$|tiêu chí/.test(t)) return "score";
  return "invalid";
}

function evidenceOfCell(text: string): boolean {
  return /^(x|có|co|yes|true|1|✓|✔|bắt buộc|cần)$/.test(norm(text));
}

/** "Tổng cộng", "Tổng số điểm", "Cộng phần I", "Cộng (A+B)": a totals row (no code of its own). */
const TOTAL = /^(tổng\s*cộng|tổng\s*số\s*điểm|tổng\s*điểm|cộng)(\s|:|\(|$)/i;
/** "Ghi chú", "Lưu ý", "(*)", "*": a footnote, and what follows it up to the next code. */
const FOOTNOTE = /^(\(?\*+\)?|ghi\s*chú|lưu\s*ý|chú\s*thích|chú\s*ý|note)/i;

/** A row of column numbers under a header: "1", "2", "3" or "(1)", "(2)"… in order, at least two of them. */
function isColumnNumbers(texts: string[]): boolean {
  let expected = -1;
  let count = 0;
  for (const t of texts) {
    if (t === "") continue;
    const m = /^\(?([0-9]{1,2})\)?$/.exec(t);
    if (!m) return false;
    const n = Number(m[1]);
    if (expected !== -1 && n !== expected) return false;
    expected = n + 1;
    count++;
  }
  return count >= 2;
}

// ---------------------------------------------------------------------------------------------------------------
// Columns and header

const HEADER_TESTS: [TableColumnRole, RegExp][] = [
  ["code", /^(stt|tt|số tt|số thứ tự|mã|mã số|mã tiêu chí|ký hiệu|kí hiệu|code)$/],
  [
    "max",
    /(^|\s)(điểm chuẩn|điểm tối đa|thang điểm|điểm quy định|điểm định mức|số điểm tối đa|điểm tối đa)|^điểm$|^số điểm$|^max/,
  ],
  ["evidence", /kiểm chứng|minh chứng|evidence/],
  ["guidance", /hướng dẫn|cách chấm|cách tính|phương pháp|mức chấm|guidance/],
  ["kind", /^(loại|kind)/],
  ["step", /^(bước|step)/],
  ["content", /nội dung|tiêu chí|tiêu chuẩn|danh mục|content/],
];
/** Columns of a scoring sheet that are not the table's: self-scores and reviewed scores. */
const NOT_A_TABLE_COLUMN = /tự chấm|thẩm định|đạt được|kiểm tra|đơn vị chấm|khối chấm/;

function rolesOfHeader(texts: string[]): Partial<TableColumns> {
  const found: Partial<TableColumns> = {};
  let notes: number | null = null;
  texts.forEach((raw, col) => {
    const t = norm(raw);
    if (t === "" || NOT_A_TABLE_COLUMN.test(t)) return;
    for (const [role, re] of HEADER_TESTS)
      if (re.test(t)) {
        if (found[role] === undefined) found[role] = col;
        return;
      }
    if (/^ghi chú/.test(t) && notes === null) notes = col;
  });
  if (found.guidance === undefined && notes !== null) found.guidance = notes;
  return found;
}

const HEADER_SCAN_ROWS = 25;
/** The words of a header's second line ("Điểm" above "Tối đa | Tự chấm"). */
const HEADER_WORDS =
  /^(tối đa|chuẩn|tự chấm|thẩm định|điểm|đạt|khối chấm|đơn vị chấm|ghi chú|hướng dẫn|kiểm chứng|số|mức)( |$)/;

/** The header row: the first row naming a content column and one other column, with a second header line joined. */
function detectHeader(texts: string[][]): { row: number; roles: Partial<TableColumns> } | null {
  const n = Math.min(texts.length, HEADER_SCAN_ROWS);
  for (let r = 0; r < n; r++) {
    const roles = rolesOfHeader(texts[r]!);
    const count = Object.keys(roles).length;
    if (roles.content === undefined || count < 2) continue;
    // A header split over two rows ("Điểm" above "Tối đa | Tự chấm"): the line below adds roles and has no code.
    const below = texts[r + 1];
    if (below && below.some((t) => t !== "") && below.every((t) => t === "" || HEADER_WORDS.test(norm(t)))) {
      const joined = texts[r]!.map((t, c) => `${t} ${below[c] ?? ""}`);
      return { row: r + 1, roles: { ...rolesOfHeader(joined), ...roles } };
    }
    return { row: r, roles };
  }
  return null;
}

/** Without a header: the code column is the one whose cells parse as codes, the content the one with the most text. */
function guessColumns(texts: string[][], width: number): Partial<TableColumns> {
  const codeHits = new Array<number>(width).fill(0);
  const numbers = new Array<number>(width).fill(0);
  const textLength = new Array<number>(width).fill(0);
  const filled = new Array<number>(width).fill(0);
  for (const row of texts)
    for (let c = 0; c < width; c++) {
      const t = row[c] ?? "";
      if (t === "") continue;
      filled[c]!++;
      if (parseTableCode(t)) codeHits[c]!++;
      if (parseTableMax(t).ok) numbers[c]!++;
      else textLength[c]! += t.length;
    }
  let content = -1;
  for (let c = 0; c < width; c++) if (content === -1 || textLength[c]! > textLength[content]!) content = c;
  if (content === -1 || textLength[content] === 0) return {};
  const out: Partial<TableColumns> = { content };
  for (let c = 0; c < content; c++) if (filled[c]! > 0 && codeHits[c]! >= filled[c]! / 2) out.code = c;
  for (let c = content + 1; c < width; c++)
    if (filled[c]! > 0 && numbers[c]! >= filled[c]! / 2) {
      out.max = c;
      break;
    }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The tree

interface Node {
  type: CodeKind | "synthetic";
  /** The code as written (normalised): "II", "3", "1.2", "b", "II.3.b". */
  seg: string;
  rank: number;
  row: number;
  title: string;
  guidance: string[];
  /** Max as stated: hundredths, "invalid" with the text, or null when none is stated. */
  max: Hundredths | null;
  maxInvalid: string | null;
  step: Hundredths | null;
  stepInvalid: string | null;
  kindCell: CriterionKind | null;
  kindInvalid: string | null;
  evidence: boolean;
  codeCell: string;
  contentCell: string;
  maxCell: string;
  kindCell_: string;
  stepCell: string;
  children: Node[];
  parent: Node | null;
  /** Set when the code was written in full ("II.3.b"). */
  full: string | null;
  /** The code in the draft, set when the tree becomes a template. */
  code: string;
}

/** How deep a code sits: section 0, Roman part 1, number 2, "1.1" or a letter 3, "1.1.1" 4. */
function rankOf(code: ParsedCode, stack: Node[]): number {
  switch (code.kind) {
    case "section":
      return 0;
    case "roman":
      return 1;
    case "number":
      return 2;
    case "dotted":
      return 1 + code.text.split(".").length;
    case "letter": {
      for (let i = stack.length - 1; i >= 0; i--) {
        const n = stack[i]!;
        if (n.type === "number" || n.type === "dotted") return n.rank + 1;
        if (n.type === "letter") return n.rank;
      }
      return 2;
    }
    default:
      return code.text.replace(/^[A-H]\./, "").split(".").length;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The import

/** A row that is part of the table, before the hierarchy is built. */
interface Line {
  row: number;
  code: ParsedCode | null;
  codeFromContent: boolean;
  title: string;
  guidance: string;
  /** The depth, when it came from indentation rather than from the code. */
  level?: number;
}

/**
 * Reads a criteria table from a range of cells.
 * @example
 * importCriteriaTable(
 *   [["STT", "Nội dung", "Điểm chuẩn"], ["I", "Công tác chuyên môn", 10], ["1", "Hoàn thành kế hoạch", 10]],
 *   { origin: "A1", id: "khoi-x", name: "Bảng tiêu chí 2026", version: 1 },
 * ).template // parts: [{ code: "I", criteria: [{ code: "I.1", max: 10, … }] }]
 */
export function importCriteriaTable(
  values: readonly (readonly CellValue[])[],
  options: CriteriaTableOptions,
): CriteriaTableImport {
  const origin = parseAddress(options.origin) ?? { row: 0, col: 0 };
  const at = (r: number, c: number) => address(origin.row + r, origin.col + c);
  const originCell = at(0, 0);
  const problems: DomainError[] = [];
  const report = (code: ErrorCode, cell: string, criterion?: string, params?: ErrorParams) =>
    problems.push(domainError(code, { criterion, cell }, params));

  let width = 0;
  for (const row of values) if (row.length > width) width = row.length;
  const texts: string[][] = values.map((row) => {
    const out = new Array<string>(width);
    for (let c = 0; c < width; c++) out[c] = cellText(row[c]);
    return out;
  });

  // Columns: the header's, else guessed; the person's mapping over both.
  const header =
    options.headerRow === undefined
      ? detectHeader(texts)
      : options.headerRow === null
        ? null
        : { row: options.headerRow, roles: rolesOfHeader(texts[options.headerRow] ?? []) };
  const detected = header && header.roles.content !== undefined ? header.roles : guessColumns(texts, width);
  const columns: TableColumns = {
    code: null,
    content: null,
    max: null,
    guidance: null,
    kind: null,
    step: null,
    evidence: null,
  };
  for (const role of TABLE_COLUMN_ROLES) {
    const given = options.columns?.[role];
    const col = given !== undefined ? given : detected[role];
    columns[role] = col !== undefined && col !== null && col >= 0 && col < Math.max(width, 1) ? col : null;
  }
  const headerRow = header?.row ?? null;
  const rows: TableRow[] = [];
  const empty = (): CriteriaTableImport => ({
    draft: { id: options.id, version: options.version, name: options.name, parts: [] },
    template: null,
    problems: sortByCell(problems),
    columns,
    headerRow,
    fromIndentation: false,
    rows,
    parts: [],
    scoreMax: 0,
    statedTotal: null,
    bonusCap: null,
    cellOf: {},
  });
  if (columns.content === null) {
    report("TABLE_NO_CONTENT_COLUMN", originCell);
    return empty();
  }
  const contentCol = columns.content;
  const get = (r: number, c: number | null) => (c === null ? "" : texts[r]![c]!);

  // First pass: what each row is, and its code when it has one.
  const lines: Line[] = [];
  let statedTotal: Hundredths | null = null;
  let bonusCap: Hundredths | null = null;
  let inFootnote = false;
  const start = headerRow === null ? 0 : headerRow + 1;
  for (let r = 0; r < start && r < texts.length; r++) rows.push({ row: r, role: r === headerRow ? "header" : "title" });
  for (let r = start; r < texts.length; r++) {
    const t = texts[r]!;
    if (t.every((x) => x === "")) {
      rows.push({ row: r, role: "empty" });
      continue;
    }
    if (isColumnNumbers(t)) {
      rows.push({ row: r, role: "columnNumbers" });
      continue;
    }
    const codeText = get(r, columns.code);
    const content = get(r, contentCol);
    const firstText = t.find((x) => x !== "") ?? "";
    const ownCode = codeText === "" ? null : parseTableCode(codeText);
    if (!ownCode && (TOTAL.test(content) || TOTAL.test(codeText) || (content === "" && TOTAL.test(firstText)))) {
      const m = parseTableMax(columns.max === null ? null : values[r]![columns.max]);
      if (m.ok) statedTotal = m.hundredths;
      rows.push({ row: r, role: "total" });
      inFootnote = true;
      continue;
    }
    let code = ownCode;
    let title = content;
    let fromContent = false;
    if (!code && codeText === "") {
      const lead = leadingCode(content);
      if (lead) {
        code = lead.code;
        title = lead.rest;
        fromContent = true;
      }
    }
    if (FOOTNOTE.test(firstText) && !(code && !fromContent)) {
      inFootnote = true;
      const cap = /điểm\s*(?:thưởng|cộng)[^.;]*?tối\s*đa\s*(?:không\s*quá\s*)?([0-9]+(?:[.,][0-9]{1,2})?)\s*điểm/i.exec(
        t.join(" "),
      );
      if (cap) {
        const m = parseTableMax(cap[1]!);
        if (m.ok) bonusCap = m.hundredths;
      }
      rows.push({ row: r, role: "footnote" });
      continue;
    }
    if (inFootnote && !code) {
      rows.push({ row: r, role: "footnote" });
      continue;
    }
    inFootnote = false;
    // A code in the code column that is not a code ("-", "+", "*"): the row is a level of a ladder.
    if (!code && codeText !== "" && !/^[-+•*–·]+$/.test(codeText) && content !== "") {
      // An unknown code: kept as a criterion so the person sees it on its cell.
      lines.push({ row: r, code: { kind: "number", text: codeText }, codeFromContent: false, title, guidance: "" });
      report("TABLE_CODE_MISFIT", at(r, columns.code!), codeText, { code: codeText, parent: "—" });
      continue;
    }
    lines.push({ row: r, code, codeFromContent: fromContent, title, guidance: get(r, columns.guidance) });
  }

  const coded = lines.some((l) => l.code);
  const fromIndentation = !coded && lines.length > 0;
  if (fromIndentation) assignCodesFromIndentation(lines, values, contentCol, options.indents, options.name);

  // Second pass: the tree.
  const root: Node = makeNode("synthetic", "", -1, -1, "", "", "", "", "", "");
  const stack: Node[] = [];
  const byFull = new Map<string, Node>();
  let last: Node | null = null;
  const guidanceRows: [TableRow, Node][] = [];
  for (const line of lines) {
    const r = line.row;
    if (!line.code) {
      // A row without a code under a criterion: a level of its ladder (mức chấm), or more guidance. Before the
      // first criterion: a title.
      const maxText = get(r, columns.max);
      const text = [line.title, get(r, columns.guidance)].filter((x) => x !== "").join(" – ");
      const points = maxText && parseTableMax(maxText).ok && !/điểm|đ$/i.test(maxText) ? `${maxText} điểm` : maxText;
      const piece = points && text ? `${text}: ${points}` : text || points;
      if (last && piece) {
        last.guidance.push(piece);
        const row: TableRow = { row: r, role: "guidance" };
        rows.push(row);
        guidanceRows.push([row, last]);
      } else rows.push({ row: r, role: "title" });
      continue;
    }
    const codeCell = line.codeFromContent || columns.code === null ? at(r, contentCol) : at(r, columns.code);
    const node = makeNode(
      line.code.kind,
      line.code.text,
      0,
      r,
      codeCell,
      at(r, contentCol),
      columns.max === null ? at(r, contentCol) : at(r, columns.max),
      columns.kind === null ? codeCell : at(r, columns.kind),
      columns.step === null ? codeCell : at(r, columns.step),
      line.title,
    );
    if (line.guidance) node.guidance.push(line.guidance);
    readFigures(node, values[r]!, columns, texts[r]!);
    node.rank = line.level ?? rankOf(line.code, stack);
    while (stack.length && stack[stack.length - 1]!.rank >= node.rank) stack.pop();
    if (line.code.kind === "full") {
      // A code written in full ("II.3.b", as the authoring sheet writes them) names its parent itself.
      node.full = line.code.text;
      const parentCode = line.code.text.split(".").slice(0, -1).join(".");
      const parent = byFull.get(parentCode) ?? null;
      if (!parent) report("TABLE_CODE_MISFIT", codeCell, line.code.text, { code: line.code.text, parent: parentCode });
      attach(parent ?? root, node);
      byFull.set(line.code.text, node);
      stack.push(node);
    } else {
      const parent = stack[stack.length - 1] ?? root;
      if (line.code.kind === "dotted") {
        const prefix = line.code.text.split(".").slice(0, -1).join(".");
        const parentSeg = parent.type === "number" || parent.type === "dotted" ? parent.seg : null;
        if (parentSeg !== prefix && !(parentSeg === null && parent.type !== "synthetic"))
          report("TABLE_CODE_MISFIT", codeCell, line.code.text, {
            code: line.code.text,
            parent: parent === root ? "—" : parent.seg,
          });
      }
      attach(parent, node);
      if (parent === root) byFull.set(node.seg, node);
      stack.push(node);
    }
    last = node;
  }

  // Third pass: the tree as parts, criteria and sub-criteria with their codes in the draft.
  const partNodes: { node: Node; section: Node | null }[] = [];
  for (const n of root.children) {
    if (n.type === "section" && n.children.some((c) => c.type === "roman")) {
      for (const c of n.children) {
        if (c.type === "roman") partNodes.push({ node: c, section: n });
        else report("TABLE_CODE_MISFIT", c.codeCell, c.seg, { code: c.seg, parent: n.seg });
      }
    } else partNodes.push({ node: n, section: null });
  }
  // Parts numbered again under a later letter (A: I, II, III; B: I, II) keep the letter in their code: B.I, B.II.
  const partSeen = new Set<string>();
  const overrides = options.kinds ?? {};
  const defaultStep = parsePoints(options.defaultStep ?? 0.25);
  const step0 = defaultStep.ok && defaultStep.hundredths > 0 ? defaultStep.hundredths : 25;
  const cellOf: Record<string, string> = {};
  const nodesOf = new Map<string, Node[]>();
  const claim = (code: string, node: Node) => {
    node.code = code;
    const list = nodesOf.get(code);
    if (list) list.push(node);
    else {
      nodesOf.set(code, [node]);
      cellOf[code] = node.codeCell;
    }
  };
  const kindOf = (node: Node, inherited: CriterionKind | null): CriterionKind | null =>
    overrides[node.code] ?? node.kindCell ?? kindOfHeading(node.title) ?? inherited;
  const sectionKind = (section: Node | null) =>
    section ? (overrides[section.seg] ?? kindOfHeading(section.title)) : null;

  const parts: Part[] = [];
  const previews: TablePartPreview[] = [];
  /** Leaves so far: a sheet holds at most LIMITS.entries of them. */
  let criteriaCount = 0;
  /** Parts and groups with a leaf whose maximum is missing or unreadable: their sums are not worth reporting. */
  const incomplete = new Set<string>();
  let scoreTotal = 0;
  for (const { node, section } of partNodes) {
    const partCode = node.full ?? (section && partSeen.has(node.seg) ? `${section.seg}.${node.seg}` : node.seg);
    partSeen.add(node.seg);
    claim(partCode, node);
    const partKind = kindOf(node, sectionKind(section));
    checkNodeText(node, report);
    rows.push({ row: node.row, role: node.type === "section" ? "section" : "part", code: partCode });
    if (parts.length >= LIMITS.parts) {
      report("TABLE_TOO_MANY", node.codeCell, partCode, { max: LIMITS.parts });
      continue;
    }
    const criteria: (LeafCriterion | GroupCriterion)[] = [];
    let leafSum = 0;
    let scoreSum = 0;
    let anyScore = false;
    for (const c of node.children) {
      const code = c.full ?? childCode(partCode, node, c);
      claim(code, c);
      const kind = kindOf(c, partKind);
      checkNodeText(c, report);
      if (c.children.length === 0) criteriaCount++;
      if (criteria.length >= LIMITS.criteria || criteriaCount > LIMITS.entries) {
        report("TABLE_TOO_MANY", c.codeCell, code, { max: LIMITS.entries });
        continue;
      }
      if (c.children.length === 0) {
        rows.push({ row: c.row, role: "criterion", code });
        const leaf = toLeaf(c, code, kind ?? "score", step0, report);
        if (c.max === null) incomplete.add(partCode);
        criteria.push(leaf);
        leafSum += Math.round(leaf.max * 100);
        if (leaf.kind === "score") {
          scoreSum += Math.round(leaf.max * 100);
          anyScore = true;
        }
        continue;
      }
      rows.push({ row: c.row, role: "criterion", code });
      const children: LeafCriterion[] = [];
      for (const s of c.children) {
        const subCode = s.full ?? childCode(code, c, s);
        claim(subCode, s);
        checkNodeText(s, report);
        rows.push({ row: s.row, role: "subcriterion", code: subCode });
        for (const deeper of flatten(s.children)) {
          rows.push({ row: deeper.row, role: "subcriterion", code: subCode });
          report("TABLE_TOO_DEEP", deeper.codeCell, `${subCode}.${lastSegment(deeper.seg)}`);
        }
        criteriaCount++;
        if (children.length >= LIMITS.childrenPerCriterion || criteriaCount > LIMITS.entries) {
          const max = children.length >= LIMITS.childrenPerCriterion ? LIMITS.childrenPerCriterion : LIMITS.entries;
          report("TABLE_TOO_MANY", s.codeCell, subCode, { max });
          continue;
        }
        const leaf = toLeaf(s, subCode, kindOf(s, kind) ?? "score", step0, report);
        if (s.max === null) {
          incomplete.add(partCode);
          incomplete.add(code);
        }
        children.push(leaf);
        leafSum += Math.round(leaf.max * 100);
        if (leaf.kind === "score") {
          scoreSum += Math.round(leaf.max * 100);
          anyScore = true;
        }
      }
      const groupKind = kind ?? "score";
      if (c.maxInvalid !== null) report("TABLE_MAX_INVALID", c.maxCell, code, { value: c.maxInvalid });
      const group: GroupCriterion = {
        code,
        title: c.title,
        guidance: joinGuidance(c),
        children,
      };
      // A stated maximum of a score group must equal its children's sum; of a bonus group it is a cap, not a sum.
      if (c.max !== null && groupKind === "score") group.max = toNumber(c.max);
      if (c.max !== null && groupKind === "bonus" && bonusCap === null) bonusCap = c.max;
      if (children.length) criteria.push(group);
    }
    if (node.maxInvalid !== null) report("TABLE_MAX_INVALID", node.maxCell, partCode, { value: node.maxInvalid });
    if (node.children.length === 0) report("TABLE_PART_EMPTY", node.codeCell, partCode);
    const part: Part = { code: partCode, title: node.title, criteria };
    const kindForMax = partKind ?? "score";
    if (node.max !== null && kindForMax === "score") part.max = toNumber(node.max);
    if (node.max !== null && kindForMax === "bonus" && bonusCap === null) bonusCap = node.max;
    parts.push(part);
    scoreTotal += scoreSum;
    previews.push({
      code: partCode,
      title: node.title,
      kinds: CRITERION_KINDS.filter((k) =>
        criteria.some((c) => ("children" in c ? c.children : [c]).some((l) => l.kind === k)),
      ),
      max: anyScore ? scoreSum : leafSum,
      stated: node.max,
      criteria: node.children.length,
      cell: node.codeCell,
    });
  }
  for (const [row, node] of guidanceRows) row.code = node.code;

  const draft: Template = { id: options.id, version: options.version, name: options.name, parts };
  if (parts.length === 0 || criteriaCount === 0) report("TABLE_NO_CRITERIA", originCell);
  else {
    // The core's check, its problems put back on their cells.
    const duplicateSeen = new Map<string, number>();
    const reported = new Set(problems.map((p) => p.cell));
    for (const e of checkTemplate(draft)) {
      const code = e.criterion;
      const nodes = code ? nodesOf.get(code) : undefined;
      let cell = originCell;
      if (nodes) {
        if (e.code === "TEMPLATE_DUPLICATE_CODE") {
          const k = (duplicateSeen.get(code!) ?? 0) + 1;
          duplicateSeen.set(code!, k);
          cell = (nodes[k] ?? nodes[nodes.length - 1]!).codeCell;
        } else if (e.code === "TEMPLATE_MIXED_GROUP") cell = nodes[0]!.kindCell_;
        else cell = nodes[0]!.maxCell;
      }
      // A leaf whose maximum is missing or unreadable was already reported on that cell, and the sums above it
      // would only repeat that.
      if (e.code === "TEMPLATE_MAX_NOT_MULTIPLE_OF_STEP" && reported.has(cell)) continue;
      if (e.code === "TEMPLATE_SUM_MISMATCH" && code && incomplete.has(code)) continue;
      problems.push({ ...e, cell });
    }
  }
  // The schema is the last word; what it still refuses (should the checks above miss something) stays visible.
  const parsed = problems.length === 0 ? Template.safeParse(draft) : null;
  if (parsed && !parsed.success)
    for (const issue of parsed.error.issues) {
      const path = "/" + issue.path.map(String).join("/");
      problems.push(domainError("INVALID_INPUT", { cell: originCell, path }, { path, detail: issue.message }));
    }
  rows.sort((a, b) => a.row - b.row);
  return {
    draft,
    template: problems.length === 0 && parsed?.success ? parsed.data : null,
    problems: sortByCell(problems),
    columns,
    headerRow,
    fromIndentation,
    rows,
    parts: previews,
    scoreMax: scoreTotal,
    statedTotal,
    bonusCap,
    cellOf,
  };
}

function lastSegment(seg: string): string {
  const i = seg.lastIndexOf(".");
  return i === -1 ? seg : seg.slice(i + 1);
}

/** "1.2" under criterion "1" of part II is "II.1.2"; under a part directly, "II.1.2" too (no "1" above it). */
function childCode(parentCode: string, parent: Node, child: Node): string {
  const numbered = parent.type === "number" || parent.type === "dotted";
  return `${parentCode}.${child.type === "dotted" && numbered ? lastSegment(child.seg) : child.seg}`;
}

function flatten(nodes: Node[]): Node[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

function makeNode(
  type: Node["type"],
  seg: string,
  rank: number,
  row: number,
  codeCell: string,
  contentCell: string,
  maxCell: string,
  kindCell: string,
  stepCell: string,
  title: string,
): Node {
  return {
    type,
    seg,
    rank,
    row,
    title,
    guidance: [],
    max: null,
    maxInvalid: null,
    step: null,
    stepInvalid: null,
    kindCell: null,
    kindInvalid: null,
    evidence: false,
    codeCell,
    contentCell,
    maxCell,
    kindCell_: kindCell,
    stepCell,
    children: [],
    parent: null,
    full: null,
    code: "",
  };
}

function attach(parent: Node, child: Node): void {
  child.parent = parent;
  parent.children.push(child);
}

/** The maximum (from its column, else from "(5 điểm)" in the text), step, kind and evidence of a coded row. */
function readFigures(node: Node, row: readonly CellValue[], columns: TableColumns, texts: string[]): void {
  const maxValue = columns.max === null ? null : row[columns.max];
  const maxText = columns.max === null ? "" : texts[columns.max]!;
  if (maxText !== "") {
    const m = parseTableMax(maxValue);
    if (m.ok) node.max = m.hundredths;
    else node.maxInvalid = maxText;
  } else {
    const m = MAX_IN_TEXT.exec(node.title);
    if (m) {
      const p = parseTableMax(m[1]!);
      if (p.ok) {
        node.max = p.hundredths;
        node.title = node.title.slice(0, m.index).trim();
        node.maxCell = node.contentCell;
      }
    }
  }
  if (columns.step !== null && texts[columns.step] !== "") {
    const s = parseTableMax(row[columns.step]);
    if (s.ok && s.hundredths > 0) node.step = s.hundredths;
    else node.stepInvalid = texts[columns.step]!;
  }
  if (columns.kind !== null) {
    const k = kindOfCell(texts[columns.kind]!);
    if (k === "invalid") node.kindInvalid = texts[columns.kind]!;
    else node.kindCell = k;
  }
  if (columns.evidence !== null) node.evidence = evidenceOfCell(texts[columns.evidence]!);
}

function checkNodeText(
  node: Node,
  report: (code: ErrorCode, cell: string, criterion?: string, params?: ErrorParams) => void,
): void {
  if (node.title === "") report("TABLE_CONTENT_EMPTY", node.contentCell, node.code);
  else if (node.title.length > LIMITS.title)
    report("TABLE_TEXT_TOO_LONG", node.contentCell, node.code, { max: LIMITS.title });
  if (joinGuidance(node).length > LIMITS.longText)
    report("TABLE_TEXT_TOO_LONG", node.contentCell, node.code, { max: LIMITS.longText });
  if (node.kindInvalid !== null) report("TABLE_KIND_INVALID", node.kindCell_, node.code, { value: node.kindInvalid });
}

function joinGuidance(node: Node): string {
  return node.guidance.join("\n");
}

function toLeaf(
  node: Node,
  code: string,
  kind: CriterionKind,
  defaultStep: Hundredths,
  report: (code: ErrorCode, cell: string, criterion?: string, params?: ErrorParams) => void,
): LeafCriterion {
  if (node.maxInvalid !== null) report("TABLE_MAX_INVALID", node.maxCell, code, { value: node.maxInvalid });
  else if (node.max === null) report("TABLE_MAX_MISSING", node.maxCell, code);
  if (node.stepInvalid !== null) report("TABLE_STEP_INVALID", node.stepCell, code, { value: node.stepInvalid });
  return {
    code,
    title: node.title,
    kind,
    max: toNumber(node.max ?? 0),
    step: toNumber(node.step ?? defaultStep),
    evidenceRequired: node.evidence,
    guidance: joinGuidance(node),
  };
}

/**
 * Without codes: the hierarchy from indentation (Excel's indent level when given, else leading spaces). The
 * shallowest level becomes parts (I, II…), the next criteria (1, 2…), the next sub-criteria (a, b…); a table of one
 * level is one part holding every row.
 */
function assignCodesFromIndentation(
  lines: Line[],
  values: readonly (readonly CellValue[])[],
  contentCol: number,
  indents: readonly (number | null | undefined)[] | undefined,
  name: string,
): void {
  const levelOf = (row: number) => {
    const given = indents?.[row];
    if (typeof given === "number") return given;
    const raw = values[row]![contentCol];
    if (typeof raw !== "string") return 0;
    return /^[ \u00a0\t]*/.exec(raw)![0].replace(/\t/g, "    ").length;
  };
  const levels = [...new Set(lines.map((l) => levelOf(l.row)))].sort((a, b) => a - b);
  const single = levels.length === 1;
  const counters = [0, 0, 0, 0];
  for (const l of lines) {
    const depth = single ? 1 : Math.min(levels.indexOf(levelOf(l.row)), 3);
    counters[depth]!++;
    for (let d = depth + 1; d < counters.length; d++) counters[d] = 0;
    const n = counters[depth]!;
    l.code =
      depth === 0
        ? { kind: "roman", text: toRoman(n) }
        : depth === 1
          ? { kind: "number", text: String(n) }
          : { kind: "letter", text: letterCode(n - 1) };
    l.level = depth + 1;
  }
  // One level: every row is a criterion of one part, which the table does not name; it takes the template's name.
  if (single)
    lines.unshift({
      row: lines[0]!.row,
      code: { kind: "roman", text: "I" },
      codeFromContent: false,
      title: name,
      guidance: "",
      level: 1,
    });
}

function sortByCell(problems: DomainError[]): DomainError[] {
  const key = (e: DomainError) => {
    const a = e.cell ? parseAddress(e.cell) : null;
    return a ? a.row * 20_000 + a.col : -1;
  };
  return problems
    .map((p, i) => [p, i] as const)
    .sort((x, y) => key(x[0]) - key(y[0]) || x[1] - y[1])
    .map((x) => x[0]);
}

/** Roman numerals as parts are numbered, for the authoring sheet and for codes made up from indentation. */
export { romanValue, toRoman };

// ---------------------------------------------------------------------------------------------------------------
// The authoring sheet (Soạn bảng tiêu chí)

/** The authoring sheet's header row; the importer recognises its columns by these words. */
export const AUTHORING_HEADERS = [
  "Mã",
  "Nội dung tiêu chí",
  "Loại",
  "Điểm tối đa",
  "Bước chấm",
  "Cần tài liệu kiểm chứng",
  "Hướng dẫn chấm",
] as const;

/** How the authoring sheet writes a kind; these words are its data-validation list. */
export const AUTHORING_KINDS: Record<CriterionKind, string> = {
  score: "chấm điểm",
  bonus: "điểm thưởng",
  deduction: "điểm trừ",
};

/**
 * A template as the authoring sheet lays it out: the header row, then one row per part, criterion and sub-criterion
 * with its full code ("II.3.b"). `importCriteriaTable` reads these rows back into the same template, so a published
 * version can be edited into the next one.
 */
export function authoringRows(template: Pick<Template, "parts"> | null): (string | number)[][] {
  const rows: (string | number)[][] = [[...AUTHORING_HEADERS]];
  const maxOf = (m: number | undefined) => (m === undefined ? "" : m);
  for (const p of template?.parts ?? []) {
    rows.push([p.code, p.title, "", maxOf(p.max), "", "", ""]);
    for (const c of p.criteria) {
      if ("children" in c) {
        rows.push([c.code, c.title, "", maxOf(c.max), "", "", c.guidance]);
        for (const l of c.children) rows.push(leafRow(l));
      } else rows.push(leafRow(c));
    }
  }
  return rows;
}

function leafRow(l: LeafCriterion): (string | number)[] {
  return [l.code, l.title, AUTHORING_KINDS[l.kind], l.max, l.step, l.evidenceRequired ? "x" : "", l.guidance];
}
