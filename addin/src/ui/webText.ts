/**
 * Strings of the web app's own screens (printed slips, the phone ballot, the clerk's download and upload), Vietnamese
 * first and English second, typed like `i18n.ts` (a missing translation fails the type check) and following its
 * current language. Kept apart from `i18n.ts` so the web screens can grow without touching the pane's catalogue.
 */
import { interpolate, type Locale } from "../../../shared/src/messages.ts";
import { locale } from "../i18n.ts";

const vi = {
  // Printed sheets (phiếu in)
  printSlips: "In phiếu bầu (A4)",
  printCodeSheet: "In phiếu mã truy cập (A4)",
  printNow: "In",
  closeSheet: "Đóng trang in",
  sheetHint: "Mỗi phiếu một đơn vị: cắt theo đường chấm và trao tận tay. Mã chỉ in được lúc này.",
  slipTitle: "PHIẾU BẦU ĐIỆN TỬ",
  slipPeriod: "{bloc}, năm {year}",
  slipUnit: "Đơn vị: {unit}",
  slipCode: "Mã bỏ phiếu",
  slipHow: "Quét mã QR bằng điện thoại, hoặc mở {address} và nhập mã. Mỗi mã chỉ bỏ phiếu được một lần.",
  codeSlipTitle: "MÃ TRUY CẬP",
  codeSlipWho: "{role}: {who}",
  codeSlipCode: "Mã truy cập",
  codeSlipHow: "Mở {address} (hoặc quét mã QR) rồi đăng nhập bằng mã này. Giữ kín mã; báo thường trực khối nếu lộ mã.",
  slipsFor: "Phiếu bầu: {count} đơn vị",
  // Clerk without the add-in (cán bộ thi đua trên web)
  webClerkTitle: "Nộp bảng tự chấm điểm (không cần phần bổ trợ)",
  webClerkHint:
    "Tải bảng tự chấm của đơn vị (đã điền sẵn lần nộp gần nhất), điền trong Excel hoặc LibreOffice, rồi tải tệp lên.",
  downloadTemplate: "Tải bảng tự chấm (.xlsx)",
  uploadLabel: "Chọn tệp .xlsx đã điền",
  dropHere: "hoặc kéo thả tệp vào đây",
  uploading: "Đang gửi tệp…",
  uploadProblems: "Tệp có {count} lỗi; sửa rồi tải lên lại:",
  problemAt: "Trang {sheet}, ô {cell}: {text}",
  problemNoCell: "{text}",
  // Board
  downloadRanking: "Tải bảng xếp hạng (.xlsx)",
  matrixCaption: "Ma trận điểm theo tiêu chí và đơn vị (điểm sau thẩm định nếu có)",
  tableDraft: "DỰ THẢO: kết quả chưa công bố, số liệu còn thay đổi.",
  // Review on the web (thẩm định trên web)
  webReviewTitle: "Nhập điểm thẩm định",
  webReviewHint:
    "Chọn đơn vị, nhập điểm thẩm định ở các tiêu chí cần điều chỉnh (để trống: giữ điểm tự chấm), rồi lưu. Dùng dấu phẩy cho phần thập phân, ví dụ 1,5.",
  webReviewNone: "Chưa có đơn vị nào nộp bảng tự chấm.",
  colCode: "Mã",
  colCriterion: "Tiêu chí",
  colMax: "Tối đa",
  colSelf: "Tự chấm",
  colReviewed: "Thẩm định",
} as const;

export type WebKey = keyof typeof vi;

const en: Record<WebKey, string> = {
  printSlips: "Print voter slips (A4)",
  printCodeSheet: "Print the access code sheet (A4)",
  printNow: "Print",
  closeSheet: "Close the print page",
  sheetHint: "One slip per unit: cut along the dotted lines and hand each over in person. The codes print only now.",
  slipTitle: "ELECTRONIC BALLOT",
  slipPeriod: "{bloc}, {year}",
  slipUnit: "Unit: {unit}",
  slipCode: "Voter code",
  slipHow: "Scan the QR code with a phone, or open {address} and type the code. Each code casts one ballot only.",
  codeSlipTitle: "ACCESS CODE",
  codeSlipWho: "{role}: {who}",
  codeSlipCode: "Access code",
  codeSlipHow:
    "Open {address} (or scan the QR code) and sign in with this code. Keep it secret; tell the bloc secretariat if it leaks.",
  slipsFor: "Voter slips: {count} units",
  webClerkTitle: "Submit the self-scoring sheet (no add-in needed)",
  webClerkHint:
    "Download your unit's sheet (prefilled with its latest submission), fill it in Excel or LibreOffice, then upload the file.",
  downloadTemplate: "Download the self-scoring sheet (.xlsx)",
  uploadLabel: "Choose the filled .xlsx file",
  dropHere: "or drop the file here",
  uploading: "Sending the file…",
  uploadProblems: "The file has {count} problems; fix them and upload again:",
  problemAt: "Sheet {sheet}, cell {cell}: {text}",
  problemNoCell: "{text}",
  downloadRanking: "Download the ranking workbook (.xlsx)",
  matrixCaption: "Scores by criterion and unit (reviewed scores where reviewed)",
  tableDraft: "DRAFT: results not published; the figures may still change.",
  webReviewTitle: "Enter reviewed scores",
  webReviewHint:
    "Choose a unit, type the reviewed score of each criterion to adjust (leave blank to keep the unit's own score), then save. A comma or a point for decimals, e.g. 1,5.",
  webReviewNone: "No unit has submitted its self-scoring sheet yet.",
  colCode: "Code",
  colCriterion: "Criterion",
  colMax: "Max",
  colSelf: "Self",
  colReviewed: "Reviewed",
};

export const WEB_TEXT: Record<Locale, Record<WebKey, string>> = { vi, en };

/**
 * A web-screen string in the pane's current language.
 * @example tw("slipUnit", { unit: "Công an TP" })
 */
export function tw(key: WebKey, params: Record<string, string | number> = {}): string {
  return interpolate(WEB_TEXT[locale()][key], params);
}
