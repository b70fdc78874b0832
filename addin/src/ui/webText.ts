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
  // Ballot on a phone (phiếu bầu trên điện thoại)
  ballotChooseUpTo: "Chọn tối đa {max} đơn vị để suy tôn.",
  ballotChosen: "Đã chọn {count}/{max}",
  ballotTooMany: "Chỉ được chọn tối đa {max} đơn vị.",
  ballotReview: "Xem lại phiếu",
  ballotBlank: "Bỏ phiếu trắng (không chọn đơn vị nào)",
  ballotConfirmTitle: "Xác nhận phiếu bầu",
  ballotConfirmList: "Phiếu của bạn chọn:",
  ballotConfirmBlank: "Bạn bỏ phiếu trắng: không chọn đơn vị nào.",
  ballotFinal: "Phiếu đã bỏ thì không sửa được.",
  ballotConfirm: "Xác nhận bỏ phiếu",
  ballotBack: "Quay lại sửa",
  ballotDone: "Đã ghi nhận phiếu bầu. Cảm ơn. Có thể đóng trang này.",
  ballotUsed:
    "Mã này đã được dùng để bỏ phiếu. Mỗi mã chỉ bỏ phiếu một lần; nếu bạn chưa bỏ phiếu, hãy báo thường trực khối.",
  ballotInvalidCode:
    "Mã bỏ phiếu không hợp lệ hoặc đã hết hiệu lực (có thể thường trực khối đã cấp mã mới). Hãy báo thường trực khối.",
  ballotClosed: "Chưa mở bỏ phiếu hoặc đã kết thúc bỏ phiếu.",
  ballotEnterCode: "Nhập mã bỏ phiếu in trên phiếu",
  ballotOpen: "Mở phiếu bầu",
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
  ballotChooseUpTo: "Choose at most {max} units to nominate.",
  ballotChosen: "Chosen {count}/{max}",
  ballotTooMany: "You may choose at most {max} units.",
  ballotReview: "Review the ballot",
  ballotBlank: "Cast a blank ballot (choose no unit)",
  ballotConfirmTitle: "Confirm your ballot",
  ballotConfirmList: "Your ballot chooses:",
  ballotConfirmBlank: "You are casting a blank ballot: no unit chosen.",
  ballotFinal: "A ballot cannot be changed once cast.",
  ballotConfirm: "Confirm and cast",
  ballotBack: "Go back and change",
  ballotDone: "Your ballot was recorded. Thank you. You may close this page.",
  ballotUsed:
    "This code has already been used to vote. Each code votes once; if you have not voted, tell the bloc secretariat.",
  ballotInvalidCode:
    "This voter code is not valid or no longer valid (the secretariat may have issued new codes). Tell the bloc secretariat.",
  ballotClosed: "Voting is not open, or it has ended.",
  ballotEnterCode: "Type the voter code printed on your slip",
  ballotOpen: "Open the ballot",
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
