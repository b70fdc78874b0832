/**
 * The ranking workbook for the board (bảng tổng hợp kết quả chấm điểm, xếp hạng thi đua), laid out as DOMAIN.md
 * says: an administrative header, the bloc table with real formulas (total = base + bonus - deduction; rank through
 * the rulebook's tie-break chain) whose cached values are the domain core's, the criteria x units matrix (landscape),
 * the numbers of the biên bản kiểm phiếu, the nominations by award, signature blocks, and the provenance sheet with
 * the SHA-256 of every input. While the period is not closed, every sheet says DỰ THẢO (draft), on screen and on
 * every printed page.
 */
import { columnLetter } from "../../../shared/src/a1.ts";
import { type BlocRow, type BlocTable, blocRowFigures } from "../../../shared/src/blocTable.ts";
import { rankFormula } from "../../../shared/src/layout.ts";
import { resultWords, stateNames, vietnamTime } from "../../../shared/src/messages.ts";
import type { NotNominatedReason } from "../../../shared/src/nominate.ts";
import { formatPointsVi, percentHundredths, toHundredths } from "../../../shared/src/points.ts";
import type { PeriodState, TieBreakKey } from "../../../shared/src/schemas.ts";
import {
  chunkPieces,
  hashInputs,
  INPUT_PARTS,
  INPUTS_FORMAT,
  INPUTS_FORMAT_V1,
  INPUTS_SHEET_NAME,
  type InputHashes,
  type RankingInputs,
} from "./provenance.ts";
import { type Sheet, type StyleSpec, Workbook } from "./writer.ts";

export interface RankingContext {
  /** What `table` was computed from; hashed and kept in the workbook so that anyone can recompute it. */
  inputs: RankingInputs;
  /** `hashInputs(inputs)`, when the caller computed it already (the worker does: `hashInputsAsync`, with its sheets as stored). */
  hashes?: InputHashes;
  blocName: string;
  /** Lines at the top left, e.g. ["CÔNG AN THÀNH PHỐ HỒ CHÍ MINH", "KHỐI TRƯỞNG KHỐI THI ĐUA VIII"]. */
  issuingBody?: string[];
  /** The document number once issued; blank dots until then. */
  documentNumber?: string;
  /** "Thành phố Hồ Chí Minh" in "Thành phố Hồ Chí Minh, ngày … tháng … năm …". */
  place?: string;
  /** ISO 8601 instant of generation (the writer has no clock). */
  generatedAt: string;
  periodState: PeriodState;
  /** Name of the leading unit for "TM. KHỐI TRƯỞNG" (defaults to the period's leader when known). */
  leaderName?: string;
}

export const RANKING_SHEETS = {
  table: "Bảng tổng hợp",
  matrix: "Ma trận điểm",
  tally: "Kiểm phiếu",
  nominations: "Đề nghị khen thưởng",
  provenance: "Nguồn gốc",
} as const;

const POINTS = "#,##0.00";
const HEADER_FILL = "FFDDEBF7";
const DRAFT_RED = "FFC00000";
/** Vietnamese date parts in Vietnam's time zone, for the administrative header and the provenance sheet. */
export function vnDate(iso: string): { d: number; m: number; y: number; text: string; stamp: string } {
  const t = vietnamTime(iso) ?? { d: 0, m: 0, y: 0, hh: 0, mm: 0, ss: 0 };
  const p2 = (n: number) => String(n).padStart(2, "0");
  return {
    d: t.d,
    m: t.m,
    y: t.y,
    text: `ngày ${t.d} tháng ${t.m} năm ${t.y}`,
    stamp: `${p2(t.d)}/${p2(t.m)}/${t.y} ${p2(t.hh)}:${p2(t.mm)}:${p2(t.ss)} (giờ Việt Nam)`,
  };
}

const REASON_VI: Record<NotNominatedReason, string> = {
  withdrawn: "Đơn vị không tham gia xét (tự rút)",
  band: "Chưa đạt mức xếp loại yêu cầu",
  vote: "Không đạt tỷ lệ phiếu suy tôn",
  quorum: "Bỏ phiếu không đạt số phiếu tối thiểu (không đủ túc số)",
  failed: "Cuộc bỏ phiếu không thành (Hội đồng tuyên bố; phiếu không được kiểm)",
  violation: "Có vi phạm",
  full: "Đã đủ số lượng đề nghị",
};

const KIND_VI = { score: "Chấm điểm", bonus: "Điểm thưởng", deduction: "Điểm trừ" } as const;

function fraction(r: { num: number; den: number }): string {
  return `${r.num}/${r.den}`;
}

function percent(r: { num: number; den: number }): string {
  return `${formatPointsVi(percentHundredths(r.num, r.den))}%`;
}

/** Styles of the ranking workbook, registered once per workbook. */
function rankingStyles(wb: Workbook) {
  const s = (spec: StyleSpec) => wb.styles.add(spec);
  const center = { h: "center", v: "center", wrap: true } as const;
  return {
    // The issuing body wraps inside its block (a bloc's name can be 90 characters): never clipped, never spilling.
    body: s({ font: { size: 13, bold: true }, align: { h: "center", v: "center", wrap: true } }),
    bodyPlain: s({ font: { size: 13 }, align: { h: "center", v: "center", wrap: true } }),
    nation: s({ font: { size: 13, bold: true }, align: { h: "center", v: "center" } }),
    motto: s({ font: { size: 13, bold: true, underline: true }, align: { h: "center", v: "center" } }),
    dateLine: s({ font: { size: 13, italic: true }, align: { h: "center", v: "center" } }),
    draft: s({ font: { size: 16, bold: true, color: DRAFT_RED }, align: { h: "center", v: "center" } }),
    title: s({ font: { size: 14, bold: true }, align: { ...center } }),
    subtitle: s({ font: { size: 12, italic: true }, align: { ...center } }),
    header: s({ font: { size: 11, bold: true }, fill: HEADER_FILL, border: "thin", align: { ...center } }),
    text: s({ font: { size: 11 }, border: "thin", align: { v: "center", wrap: true } }),
    textCenter: s({ font: { size: 11 }, border: "thin", align: { ...center } }),
    int: s({ font: { size: 11 }, border: "thin", numFmt: "0", align: { h: "center", v: "center" } }),
    points: s({ font: { size: 11 }, border: "thin", numFmt: POINTS, align: { v: "center" } }),
    pointsBold: s({ font: { size: 11, bold: true }, border: "thin", numFmt: POINTS, align: { v: "center" } }),
    rank: s({ font: { size: 11, bold: true }, border: "thin", numFmt: "0", align: { h: "center", v: "center" } }),
    pct: s({ font: { size: 11 }, border: "thin", numFmt: '#,##0.00"%"', align: { v: "center" } }),
    partRow: s({
      font: { size: 11, bold: true },
      fill: "FFF2F2F2",
      border: "thin",
      align: { v: "center", wrap: true },
    }),
    label: s({ font: { size: 12 }, align: { v: "center", wrap: true } }),
    labelBold: s({ font: { size: 12, bold: true }, align: { v: "center", wrap: true } }),
    note: s({ font: { size: 11, italic: true }, align: { v: "top", wrap: true } }),
    sign: s({ font: { size: 13, bold: true }, align: { h: "center" } }),
    signHint: s({ font: { size: 12, italic: true }, align: { h: "center" } }),
    mono: s({ font: { size: 10, name: "Courier New" }, border: "thin", align: { v: "center" } }),
    key: s({ font: { size: 11, bold: true }, border: "thin", align: { v: "center", wrap: true } }),
  };
}
type RankingStyles = ReturnType<typeof rankingStyles>;

/** A page header that says DỰ THẢO in red on every printed page while the period is not closed. */
function pageHeader(draft: boolean): string | undefined {
  return draft ? '&C&"Times New Roman,Bold"&16&KC00000DỰ THẢO – chưa phải kết quả chính thức' : undefined;
}

/** Administrative header (tiêu đề văn bản hành chính): issuing body and number at left, national motto at right. */
function adminHeader(
  sh: Sheet,
  st: RankingStyles,
  ctx: RankingContext,
  lastCol: number,
  leftCols: number,
  title: string,
): number {
  const issuing = ctx.issuingBody?.length ? ctx.issuingBody : [ctx.blocName.toUpperCase()];
  const right = leftCols + 1;
  const date = vnDate(ctx.generatedAt);
  const lines = [
    ...issuing.map((t, i) => ({ t, s: i === issuing.length - 1 ? st.body : st.bodyPlain })),
    { t: `Số: ${ctx.documentNumber ?? "……/BC-KTĐ"}`, s: st.bodyPlain },
  ];
  // Neither Excel nor LibreOffice grows a row on open: give each line of the left block the height its wrapped text
  // needs, from the block's width (13-point capitals: about 0.9 character per unit of column width, rounded down).
  let leftWidth = 0;
  for (let c = 0; c < leftCols; c++) leftWidth += sh.cols[c]?.width ?? 9;
  const perLine = Math.max(8, Math.floor(leftWidth * 0.9));
  lines.forEach((l, i) => {
    sh.set(i, 0, l.t, l.s).merge(i, 0, i, leftCols - 1);
    const wrapped = Math.ceil(l.t.length / perLine);
    if (wrapped > 1) sh.height(i, wrapped * 18 + 2);
  });
  sh.set(0, right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", st.nation).merge(0, right, 0, lastCol);
  sh.set(1, right, "Độc lập - Tự do - Hạnh phúc", st.motto).merge(1, right, 1, lastCol);
  const dateRow = Math.max(lines.length, 2) + 1;
  sh.set(dateRow, right, `${ctx.place ?? "Thành phố Hồ Chí Minh"}, ${date.text}`, st.dateLine).merge(
    dateRow,
    right,
    dateRow,
    lastCol,
  );
  let row = dateRow + 2;
  const draft = ctx.periodState !== "closed";
  if (draft) {
    sh.set(row, 0, "DỰ THẢO", st.draft).merge(row, 0, row, lastCol).height(row, 24);
    row++;
  }
  sh.set(row, 0, title, st.title).merge(row, 0, row, lastCol).height(row, 36);
  row++;
  sh.set(row, 0, ctx.blocName, st.subtitle).merge(row, 0, row, lastCol);
  return row + 2;
}

/** Column of each tie-break key's value in the bloc table, for the rank formula. */
interface TableCols {
  stt: number;
  name: number;
  self: number;
  reviewed: number;
  base: number;
  bonus: number;
  deduction: number;
  total: number;
  rank: number;
  band: number;
  votes: number;
  pct: number;
  award: number;
  note: number;
  parts: Record<string, number>;
  unitId: number;
  last: number;
}

function tableColumns(tieBreak: readonly TieBreakKey[]): TableCols {
  const parts: Record<string, number> = {};
  let next = 14;
  for (const k of tieBreak) if (k.startsWith("part:") && parts[k.slice(5)] === undefined) parts[k.slice(5)] = next++;
  return {
    stt: 0,
    name: 1,
    self: 2,
    reviewed: 3,
    base: 4,
    bonus: 5,
    deduction: 6,
    total: 7,
    rank: 8,
    band: 9,
    votes: 10,
    pct: 11,
    award: 12,
    note: 13,
    parts,
    unitId: next,
    last: next,
  };
}

function rowNote(r: BlocRow): string {
  const notes: string[] = [];
  if (!r.submitted) notes.push(resultWords.vi.notSubmittedNote);
  else if (r.missing.length) notes.push(`Thiếu điểm: ${r.missing.join(", ")}`);
  if (r.violation) notes.push("Có vi phạm");
  if (r.withdrawn) notes.push("Không tham gia xét khen thưởng");
  return notes.join("; ");
}

function blocTableSheet(wb: Workbook, st: RankingStyles, table: BlocTable, ctx: RankingContext): void {
  const sh = wb.addSheet(RANKING_SHEETS.table);
  const tieBreak = ctx.inputs.rulebook.tieBreak;
  const cols = tableColumns(tieBreak);
  const members = table.rows.length;
  const voteBase = table.tally ? (table.tally.shareBase === "members" ? members : table.tally.valid) : members;
  const widths = [5, 36, 10, 10, 10, 9, 9, 10, 7, 19, 9, 9, 30, 26];
  sh.cols = widths.map((width) => ({ width }));
  for (const _ of Object.keys(cols.parts)) sh.cols.push({ width: 10 });
  sh.cols.push({ width: 14, hidden: true });
  const draft = ctx.periodState !== "closed";
  let row = adminHeader(
    sh,
    st,
    ctx,
    cols.note,
    3,
    `BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA NĂM ${table.year}`,
  );
  const headerRow = row;
  const headers: [number, string][] = [
    [cols.stt, "STT"],
    [cols.name, "Đơn vị"],
    [cols.self, "Tổng điểm tự chấm"],
    [cols.reviewed, "Tổng điểm thẩm định"],
    [cols.base, "Điểm các tiêu chí"],
    [cols.bonus, "Điểm thưởng"],
    [cols.deduction, "Điểm trừ"],
    [cols.total, "Tổng điểm"],
    [cols.rank, "Xếp hạng"],
    [cols.band, "Xếp loại"],
    [cols.votes, `Phiếu suy tôn (trên ${voteBase})`],
    [cols.pct, "Tỷ lệ phiếu"],
    [cols.award, "Đề nghị khen thưởng"],
    [cols.note, "Ghi chú"],
    [cols.unitId, "Mã đơn vị"],
  ];
  for (const [code, col] of Object.entries(cols.parts)) headers.push([col, `Điểm Phần ${code} (xét khi bằng điểm)`]);
  for (const [c, h] of headers) sh.set(row, c, h, st.header);
  sh.height(row, 48);
  row++;
  const first = row;
  const last = first + table.rows.length - 1;
  const votesFmt = wb.styles.add({
    font: { size: 11 },
    border: "thin",
    numFmt: `0"/${voteBase}"`,
    align: { h: "center", v: "center" },
  });
  for (const r of table.rows) {
    const R = row + 1;
    // What the pane and the web app print for the row: a unit without a sheet has no points, no total and, instead
    // of a rank, "Chưa nộp"; the rank formula of the others counts only rows with a total.
    const f = blocRowFigures(r);
    sh.set(row, cols.stt, r.stt, st.int);
    sh.set(row, cols.name, r.name, st.text);
    sh.set(row, cols.self, f.selfTotal, st.points);
    sh.set(row, cols.reviewed, f.reviewedTotal, st.points);
    sh.set(row, cols.base, f.base, st.points);
    sh.set(row, cols.bonus, f.bonus, st.points);
    sh.set(row, cols.deduction, f.deduction, st.points);
    const L = (c: number) => columnLetter(c);
    if (f.total === null || f.rank === null) {
      sh.set(row, cols.total, null, st.pointsBold);
      sh.set(row, cols.rank, resultWords.vi.notSubmitted, st.textCenter);
    } else {
      sh.formula(
        row,
        cols.total,
        `=ROUND(${L(cols.base)}${R}+${L(cols.bonus)}${R}-${L(cols.deduction)}${R},2)`,
        f.total,
        st.pointsBold,
      );
      sh.formula(row, cols.rank, rankFormula(cols, tieBreak, row, first, last), f.rank, st.rank);
    }
    sh.set(row, cols.band, r.band?.label.vi ?? "Chưa xếp loại", st.textCenter);
    sh.set(row, cols.votes, r.votes, votesFmt);
    sh.set(row, cols.pct, r.votePct, st.pct);
    sh.set(row, cols.award, r.award?.name.vi ?? "", st.text);
    sh.set(row, cols.note, rowNote(r), st.text);
    for (const [code, col] of Object.entries(cols.parts))
      sh.set(row, col, r.submitted ? (r.parts[code] ?? 0) : null, st.points);
    sh.set(row, cols.unitId, r.unitId, st.text);
    sh.fitHeight(row);
    row++;
  }
  row++;
  const leader = table.leadingUnitId ? table.rows.find((r) => r.unitId === table.leadingUnitId) : undefined;
  const tieText = tieBreak.length
    ? tieBreak
        .map((k) =>
          k === "deduction"
            ? "điểm trừ ít hơn"
            : k === "base"
              ? "điểm các tiêu chí cao hơn"
              : k === "votes"
                ? "nhiều phiếu suy tôn hơn"
                : `điểm Phần ${k.slice(5)} cao hơn`,
        )
        .join(", rồi ")
    : "không có tiêu chí phụ";
  const notes = [
    `Tổng điểm = Điểm các tiêu chí + Điểm thưởng (tối đa ${formatPointsVi(toHundredths(ctx.inputs.rulebook.bonusCap))} điểm) - Điểm trừ. Điểm tối đa các tiêu chí: ${formatPointsVi(toHundredths(table.scoreMax))} điểm.`,
    `Khi bằng tổng điểm, xếp trên đơn vị có ${tieText}; các đơn vị vẫn bằng nhau cùng hạng.`,
    leader ? `Đơn vị dẫn đầu khối: ${leader.name}.` : "Chưa xác định đơn vị dẫn đầu khối.",
  ];
  for (const n of notes) {
    sh.set(row, 0, n, st.note).merge(row, 0, row, cols.note);
    row++;
  }
  row++;
  // Signature blocks (chữ ký): the person who drew up the table at left, the bloc leader at right.
  sh.set(row, 0, "NGƯỜI LẬP BIỂU", st.sign).merge(row, 0, row, 3);
  sh.set(row, 9, "TM. KHỐI TRƯỞNG", st.sign).merge(row, 9, row, cols.note);
  sh.set(row + 1, 0, "(Ký, ghi rõ họ tên)", st.signHint).merge(row + 1, 0, row + 1, 3);
  sh.set(row + 1, 9, ctx.leaderName ?? "(Ký tên, đóng dấu)", st.signHint).merge(row + 1, 9, row + 1, cols.note);
  if (ctx.leaderName) sh.set(row + 2, 9, "(Ký tên, đóng dấu)", st.signHint).merge(row + 2, 9, row + 2, cols.note);
  sh.freeze = { rows: headerRow + 1, cols: 2 };
  sh.showGridLines = false;
  sh.print = {
    orientation: "landscape",
    fitToWidth: true,
    repeatRows: [headerRow + 1, headerRow + 1],
    header: pageHeader(draft),
    footer: "&CTrang &P/&N",
  };
}

function matrixSheet(wb: Workbook, st: RankingStyles, table: BlocTable, ctx: RankingContext): void {
  const sh = wb.addSheet(RANKING_SHEETS.matrix);
  const units = table.rows;
  const firstUnitCol = 4;
  const lastCol = firstUnitCol + units.length - 1;
  sh.cols = [{ width: 8 }, { width: 46 }, { width: 11 }, { width: 8 }];
  for (let i = 0; i < units.length; i++) sh.cols.push({ width: 10 });
  const draft = ctx.periodState !== "closed";
  let row = 0;
  if (draft) {
    sh.set(row, 0, "DỰ THẢO", st.draft).merge(row, 0, row, Math.max(lastCol, 3));
    row++;
  }
  sh.set(row, 0, `MA TRẬN ĐIỂM THEO TIÊU CHÍ VÀ ĐƠN VỊ NĂM ${table.year}`, st.title).merge(
    row,
    0,
    row,
    Math.max(lastCol, 3),
  );
  row++;
  sh.set(row, 0, `${ctx.blocName} · điểm sau thẩm định (nếu có), đơn vị xếp theo thứ hạng`, st.subtitle).merge(
    row,
    0,
    row,
    Math.max(lastCol, 3),
  );
  row += 2;
  const headerRow = row;
  sh.set(row, 0, "Mã", st.header);
  sh.set(row, 1, "Nội dung tiêu chí", st.header);
  sh.set(row, 2, "Loại", st.header);
  sh.set(row, 3, "Điểm tối đa", st.header);
  units.forEach((u, i) => {
    const label = u.rank === null ? `${u.shortName} (${resultWords.vi.notSubmitted})` : `${u.rank}. ${u.shortName}`;
    sh.set(row, firstUnitCol + i, label, st.header);
  });
  sh.height(row, 45);
  row++;
  const first = row;
  const criteria = table.matrix.criteria;
  let part = "";
  const partTitle = new Map(ctx.inputs.template.parts.map((p) => [p.code, p.title]));
  const criterionRows: number[] = [];
  criteria.forEach((c, ci) => {
    if (c.partCode !== part) {
      part = c.partCode;
      sh.set(row, 0, part, st.partRow);
      sh.set(row, 1, partTitle.get(part) ?? "", st.partRow);
      for (let col = 2; col <= lastCol; col++) sh.style(row, col, st.partRow);
      row++;
    }
    sh.set(row, 0, c.code, st.textCenter);
    sh.set(row, 1, c.title, st.text);
    sh.set(row, 2, KIND_VI[c.kind], st.textCenter);
    sh.set(row, 3, c.max, st.points);
    // The row's height from its texts, before its points.
    sh.fitHeight(row);
    sh.setNumbers(row, firstUnitCol, table.matrix.values[ci]!, st.points);
    criterionRows.push(row);
    row++;
  });
  const last = row - 1;
  const kindRange = `$C$${first + 1}:$C$${last + 1}`;
  const cap = ctx.inputs.rulebook.bonusCap;
  const sums: { label: string; f: (L: string) => string; v: (r: BlocRow) => number; style: number }[] = [
    {
      label: "Điểm các tiêu chí",
      f: (L) => `=ROUND(SUMIF(${kindRange},"${KIND_VI.score}",${L}${first + 1}:${L}${last + 1}),2)`,
      v: (r) => r.base,
      style: st.points,
    },
    {
      label: `Điểm thưởng (tối đa ${formatPointsVi(toHundredths(cap))})`,
      f: (L) => `=MIN(ROUND(SUMIF(${kindRange},"${KIND_VI.bonus}",${L}${first + 1}:${L}${last + 1}),2),${cap})`,
      v: (r) => r.bonus,
      style: st.points,
    },
    {
      label: "Điểm trừ",
      f: (L) => `=ROUND(SUMIF(${kindRange},"${KIND_VI.deduction}",${L}${first + 1}:${L}${last + 1}),2)`,
      v: (r) => r.deduction,
      style: st.points,
    },
  ];
  const sumRows: number[] = [];
  for (const s of sums) {
    sh.set(row, 1, s.label, st.key);
    sh.style(row, 0, st.key).style(row, 2, st.key).style(row, 3, st.key);
    units.forEach((u, i) => {
      if (u.submitted) sh.formula(row, firstUnitCol + i, s.f(columnLetter(firstUnitCol + i)), s.v(u), s.style);
      else sh.set(row, firstUnitCol + i, null, s.style);
    });
    sumRows.push(row);
    row++;
  }
  sh.set(row, 1, "TỔNG ĐIỂM", st.key);
  sh.style(row, 0, st.key).style(row, 2, st.key).style(row, 3, st.key);
  units.forEach((u, i) => {
    const L = columnLetter(firstUnitCol + i);
    if (!u.submitted) {
      sh.set(row, firstUnitCol + i, resultWords.vi.notSubmitted, st.textCenter);
      return;
    }
    sh.formula(
      row,
      firstUnitCol + i,
      `=ROUND(${L}${sumRows[0]! + 1}+${L}${sumRows[1]! + 1}-${L}${sumRows[2]! + 1},2)`,
      u.total,
      st.pointsBold,
    );
  });
  sh.freeze = { rows: headerRow + 1, cols: 2 };
  sh.print = {
    orientation: "landscape",
    fitToWidth: true,
    repeatRows: [headerRow + 1, headerRow + 1],
    repeatCols: [0, 1],
    header: pageHeader(draft),
    footer: "&CTrang &P/&N",
  };
}

function tallySheet(wb: Workbook, st: RankingStyles, table: BlocTable, ctx: RankingContext): void {
  const sh = wb.addSheet(RANKING_SHEETS.tally);
  sh.cols = [{ width: 6 }, { width: 44 }, { width: 14 }, { width: 14 }, { width: 18 }];
  const draft = ctx.periodState !== "closed";
  let row = 0;
  if (draft) {
    sh.set(row, 0, "DỰ THẢO", st.draft).merge(row, 0, row, 4);
    row++;
  }
  sh.set(row, 0, `BIÊN BẢN KIỂM PHIẾU SUY TÔN NĂM ${table.year}`, st.title).merge(row, 0, row, 4);
  row++;
  sh.set(row, 0, ctx.blocName, st.subtitle).merge(row, 0, row, 4);
  row += 2;
  const t = table.tally;
  const members = table.rows.length;
  if (!t) {
    sh.set(row, 0, "Chưa tổ chức bỏ phiếu suy tôn.", st.labelBold).merge(row, 0, row, 4);
  } else {
    const quorumNeeded = t.quorumNeeded;
    const baseText = t.shareBase === "members" ? `tổng số đơn vị thành viên (${members})` : "số phiếu hợp lệ";
    const lines: [string, number | string, string?][] = [
      ["Số đơn vị thành viên", members],
      ["Số phiếu phát ra", t.issued],
      ["Số phiếu thu về", t.returned],
      ["Số phiếu hợp lệ", t.valid],
      ["Số phiếu không hợp lệ", t.invalid, "returned-valid"],
      // A sealed vote never decrypts a single ballot, so the number of blank ones is not known.
      ["Trong đó phiếu trắng (hợp lệ)", t.blank ?? "Không xác định (phiếu mã hoá)"],
      [`Số phiếu thu về tối thiểu (${fraction(t.quorum)} số đơn vị)`, quorumNeeded],
      ["Đủ số phiếu theo quy chế", t.quorumMet ? "Đủ" : "Không đủ – cuộc bỏ phiếu không có kết quả"],
      ["Điều kiện đạt", `Số phiếu ${t.thresholdRule === "gt" ? "trên" : "từ"} ${percent(t.threshold)} ${baseText}`],
    ];
    const at: Record<string, number> = {};
    for (const [label, value, f] of lines) {
      sh.set(row, 1, label, st.key);
      if (f === "returned-valid")
        sh.formula(row, 2, `=C${at["Số phiếu thu về"]! + 1}-C${at["Số phiếu hợp lệ"]! + 1}`, Number(value), st.int);
      else sh.set(row, 2, value, typeof value === "number" ? st.int : st.text);
      sh.merge(row, 2, row, 4);
      sh.style(row, 3, st.text).style(row, 4, st.text);
      at[label] = row;
      row++;
    }
    row++;
    const headerRow = row;
    ["STT", "Đơn vị", "Số phiếu", "Tỷ lệ", "Kết quả"].forEach((h, i) => {
      sh.set(row, i, h, st.header);
    });
    row++;
    const byId = new Map(t.units.map((u) => [u.unitId, u]));
    table.rows.forEach((r, i) => {
      const u = byId.get(r.unitId);
      sh.set(row, 0, i + 1, st.int);
      sh.set(row, 1, r.name, st.text);
      sh.set(row, 2, u?.votes ?? 0, st.int);
      sh.set(row, 3, u ? u.sharePct / 100 : 0, st.pct);
      sh.set(row, 4, u?.passed ? "Đạt" : "Không đạt", st.textCenter);
      row++;
    });
    sh.freeze = { rows: headerRow + 1, cols: 0 };
    sh.print = { orientation: "portrait", fitToWidth: true, repeatRows: [headerRow + 1, headerRow + 1] };
  }
  if (!sh.print) sh.print = { orientation: "portrait", fitToWidth: true };
  sh.print.header = pageHeader(draft);
}

function nominationsSheet(wb: Workbook, st: RankingStyles, table: BlocTable, ctx: RankingContext): void {
  const sh = wb.addSheet(RANKING_SHEETS.nominations);
  sh.cols = [{ width: 6 }, { width: 44 }, { width: 9 }, { width: 11 }, { width: 18 }, { width: 11 }];
  const draft = ctx.periodState !== "closed";
  const rulebook = ctx.inputs.rulebook;
  const bandLabel = new Map(rulebook.bands.map((b) => [b.key, b.label.vi]));
  let row = 0;
  if (draft) {
    sh.set(row, 0, "DỰ THẢO", st.draft).merge(row, 0, row, 5);
    row++;
  }
  sh.set(row, 0, `DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM ${table.year}`, st.title).merge(row, 0, row, 5);
  row++;
  sh.set(row, 0, ctx.blocName, st.subtitle).merge(row, 0, row, 5);
  row += 2;
  const byId = new Map(table.rows.map((r) => [r.unitId, r]));
  rulebook.awards.forEach((a, ai) => {
    const cond = [
      `tối đa ${a.maxCount} đơn vị`,
      `xếp loại từ “${bandLabel.get(a.minBand) ?? a.minBand}”`,
      a.requiresVote ? "đạt tỷ lệ phiếu suy tôn" : "",
      a.violationExcludes ? "không có vi phạm" : "",
    ].filter(Boolean);
    const heading = `${ai + 1}. ${a.name.vi} (${cond.join("; ")})`;
    sh.set(row, 0, heading, st.labelBold).merge(row, 0, row, 5);
    // A merged cell does not grow with its text: size the row for the width of the six columns (99 units).
    sh.height(row, Math.ceil(heading.length / 90) * 17 + 2);
    row++;
    ["STT", "Đơn vị", "Hạng", "Tổng điểm", "Xếp loại", "Tỷ lệ phiếu"].forEach((h, i) => {
      sh.set(row, i, h, st.header);
    });
    row++;
    const ids = table.nominations.byAward[a.key] ?? [];
    if (!ids.length) {
      sh.set(row, 0, "Không có đơn vị đủ điều kiện.", st.text).merge(row, 0, row, 5);
      for (let c = 1; c <= 5; c++) sh.style(row, c, st.text);
      row++;
    }
    ids.forEach((id, i) => {
      const r = byId.get(id);
      sh.set(row, 0, i + 1, st.int);
      sh.set(row, 1, r?.name ?? id, st.text);
      sh.set(row, 2, r ? (r.rank ?? resultWords.vi.notSubmitted) : null, r?.rank === null ? st.textCenter : st.int);
      sh.set(row, 3, r?.total ?? null, st.points);
      sh.set(row, 4, r?.band?.label.vi ?? "", st.textCenter);
      sh.set(row, 5, r?.votePct ?? null, st.pct);
      sh.fitHeight(row);
      row++;
    });
    // A tie at the award's last place: the rules do not say who goes first, so the workbook says how it was settled.
    for (const c of (table.nominations.contested ?? []).filter((x) => x.award === a.key)) {
      const names = (ids: string[]) => ids.map((id) => byId.get(id)?.name ?? id).join(", ");
      const note =
        `Lưu ý: ${names([...c.given, ...c.leftOut])} đồng hạng ${c.rank} nhưng danh hiệu chỉ còn chỗ cho ` +
        `${c.given.length} đơn vị; bảng này tạm xếp ${names(c.given)} trước theo mã đơn vị. ` +
        "Quy chế không quy định trường hợp này: khối cần quyết định (bình xét lại hoặc bỏ phiếu).";
      sh.set(row, 0, note, st.note).merge(row, 0, row, 5);
      sh.height(row, Math.ceil(note.length / 90) * 17 + 2);
      row++;
    }
    row++;
  });
  const leader = table.leadingUnitId ? byId.get(table.leadingUnitId) : undefined;
  sh.set(row, 0, `Đơn vị dẫn đầu khối: ${leader ? leader.name : "chưa xác định"}.`, st.labelBold).merge(row, 0, row, 5);
  row++;
  sh.set(
    row,
    0,
    `Cờ thi đua của Chính phủ: Hội đồng Thi đua – Khen thưởng xét tối đa ${percent(rulebook.councilShare)} số đơn vị dẫn đầu các khối, cụm thi đua${rulebook.legalBasis ? ` (${rulebook.legalBasis})` : ""}.`,
    st.note,
  )
    .merge(row, 0, row, 5)
    .height(row, 32);
  row += 2;
  const others = table.rows.filter((r) => !r.award);
  if (others.length) {
    sh.set(row, 0, "Các đơn vị không được đề nghị", st.labelBold).merge(row, 0, row, 5);
    row++;
    ["STT", "Đơn vị", "Hạng", "Lý do", "", ""].forEach((h, i) => {
      sh.set(row, i, h, st.header);
    });
    sh.merge(row, 3, row, 5);
    row++;
    others.forEach((r, i) => {
      sh.set(row, 0, i + 1, st.int);
      sh.set(row, 1, r.name, st.text);
      sh.set(row, 2, r.rank ?? resultWords.vi.notSubmitted, r.rank === null ? st.textCenter : st.int);
      const reason = r.notNominatedReason as NotNominatedReason | null;
      const why = !r.submitted ? resultWords.vi.notSubmittedNote : reason ? REASON_VI[reason] : "";
      sh.set(row, 3, why, st.text).merge(row, 3, row, 5);
      sh.style(row, 4, st.text).style(row, 5, st.text);
      row++;
    });
  }
  sh.print = { orientation: "portrait", fitToWidth: true, header: pageHeader(draft) };
}

const PART_VI: Record<(typeof INPUT_PARTS)[number], string> = {
  period: "Kỳ thi đua và đơn vị thành viên",
  template: "Bảng chấm điểm (mẫu)",
  rulebook: "Quy chế chấm điểm và bình xét",
  units: "Danh sách đơn vị",
  submissions: "Bảng tự chấm điểm các đơn vị",
  reviews: "Điểm thẩm định",
  flags: "Vi phạm / không tham gia xét",
  ballots: "Phiếu suy tôn",
  sealedVote: "Phiếu bầu mã hoá: kết quả giải mã",
};

function provenanceSheet(wb: Workbook, st: RankingStyles, table: BlocTable, ctx: RankingContext): InputHashes {
  const sh = wb.addSheet(RANKING_SHEETS.provenance);
  sh.cols = [{ width: 34 }, { width: 70 }];
  const hashes = ctx.hashes ?? hashInputs(ctx.inputs);
  const draft = ctx.periodState !== "closed";
  let row = 0;
  sh.set(row, 0, "NGUỒN GỐC DỮ LIỆU VÀ CÁCH KIỂM TRA LẠI", st.title).merge(row, 0, row, 1);
  row += 2;
  const rb = ctx.inputs.rulebook;
  const tpl = ctx.inputs.template;
  const facts: [string, string | number][] = [
    ["Kỳ thi đua", table.periodId],
    ["Năm", table.year],
    // The state by its Vietnamese name, never the internal word.
    ["Trạng thái kỳ", draft ? `${stateNames.vi[ctx.periodState] ?? ctx.periodState} (DỰ THẢO)` : stateNames.vi.closed!],
    ["Quy chế", `${rb.name} · mã ${rb.id} · phiên bản ${rb.version}`],
    ["Bảng chấm điểm", `${tpl.name} · mã ${tpl.id} · phiên bản ${tpl.version}`],
    ["Thời điểm lập", `${vnDate(ctx.generatedAt).stamp} · ${ctx.generatedAt}`],
    [
      "Thuật toán",
      `SHA-256 trên JSON chuẩn tắc (khóa sắp xếp, không khoảng trắng, chuỗi NFC) của từng phần${
        hashes.version === 1 ? "" : "; với bảng tự chấm và bảng thẩm định: của {mã đơn vị: SHA-256 của bảng của đơn vị}"
      }`,
    ],
  ];
  // A sealed vote: the hash of the public record file that `npm run verify:ballot` checks proof by proof.
  const sealed = ctx.inputs.sealedVote;
  if (sealed)
    facts.push([
      "Hồ sơ phiếu bầu mã hoá (SHA-256 của tệp)",
      `${sealed.recordHash} · kiểm tra: npm run verify:ballot -- phieu-bau-${table.periodId}.json`,
    ]);
  if (sealed?.failedReason !== undefined)
    facts.push(["Bỏ phiếu không thành (Hội đồng tuyên bố)", `${sealed.failedReason} · phiếu không được kiểm`]);
  for (const [k, v] of facts) {
    sh.set(row, 0, k, st.key);
    sh.set(row, 1, v, st.text);
    row++;
  }
  row++;
  sh.set(row, 0, "Dữ liệu đầu vào", st.header);
  sh.set(row, 1, "SHA-256", st.header);
  row++;
  for (const p of INPUT_PARTS) {
    sh.set(row, 0, `${PART_VI[p]} (${p})`, st.text);
    sh.set(row, 1, hashes.parts[p], st.mono);
    row++;
  }
  sh.set(row, 0, "Toàn bộ: SHA-256 của các mã băm trên (all)", st.key);
  sh.set(row, 1, hashes.all, st.mono);
  row += 2;
  const how = [
    `Dữ liệu đầu vào (JSON chuẩn tắc) nằm trong trang ẩn “${INPUTS_SHEET_NAME}”. Để kiểm tra lại: node scripts/verify-ranking.mjs <tệp.xlsx>`,
    "Công cụ tính lại mã băm của từng phần và của toàn bộ, rồi tính lại bảng xếp hạng bằng chính lõi nghiệp vụ của thidua và so với tổng điểm, thứ hạng trong trang “Bảng tổng hợp”.",
    "Anyone can recompute: the script re-hashes the inputs kept in the hidden sheet and recomputes the ranking with thidua's domain core.",
  ];
  for (const h of how) {
    sh.set(row, 0, h, st.note).merge(row, 0, row, 1).height(row, 34);
    row++;
  }
  sh.print = { orientation: "portrait", fitToWidth: true, header: pageHeader(draft) };
  return hashes;
}

function inputsSheet(wb: Workbook, hashes: InputHashes): void {
  const sh = wb.addSheet(INPUTS_SHEET_NAME);
  sh.state = "veryHidden";
  // Bulk canonical JSON: inline strings, escaped by the cheap test for JSON text, deflated only by a native zlib; a
  // stored sheet's cells as they were deflated when it was pushed.
  sh.bulk = "json";
  sh.set(0, 0, "format");
  sh.set(0, 1, hashes.version === 1 ? INPUTS_FORMAT_V1 : INPUTS_FORMAT);
  sh.set(1, 0, "sha256");
  sh.set(1, 1, hashes.all);
  const chunks = chunkPieces(hashes.pieces);
  sh.set(2, 0, "chunks");
  sh.set(2, 1, chunks.length);
  chunks.forEach((c, i) => {
    sh.set(3 + i, 0, i);
    if (typeof c === "string") sh.set(3 + i, 1, c);
    else sh.setDeflated(3 + i, 1, c.prefix, c.cell, c.cell.first);
  });
}

/**
 * Builds the ranking workbook of a period from its bloc table.
 * @example rankingWorkbook(consolidate(input), { inputs: rankingInputs(input), blocName, generatedAt, periodState })
 */
export function rankingWorkbook(table: BlocTable, ctx: RankingContext): Uint8Array {
  return buildRankingWorkbook(table, ctx).toBytes();
}

/** The ranking workbook as a model, before serialisation (the benchmark renders it with exceljs too). */
export function buildRankingWorkbook(table: BlocTable, ctx: RankingContext): Workbook {
  const wb = new Workbook();
  const st = rankingStyles(wb);
  const draft = ctx.periodState !== "closed";
  wb.props = {
    title: `${draft ? "DỰ THẢO – " : ""}Bảng tổng hợp kết quả chấm điểm, xếp hạng thi đua năm ${table.year}`,
    subject: ctx.blocName,
    creator: "thidua",
    created: ctx.generatedAt,
  };
  blocTableSheet(wb, st, table, ctx);
  matrixSheet(wb, st, table, ctx);
  tallySheet(wb, st, table, ctx);
  nominationsSheet(wb, st, table, ctx);
  const hashes = provenanceSheet(wb, st, table, ctx);
  inputsSheet(wb, hashes);
  return wb;
}
