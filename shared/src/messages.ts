/**
 * Message catalogues (thông báo): Vietnamese first, English second. Both are typed against the closed list of error
 * codes, so a code without a Vietnamese or an English text fails the type check. Placeholders are `{name}`.
 */
import type { DomainError, ErrorCode, ErrorParams } from "./errors.ts";
import { interpolate } from "./interpolate.ts";

export { interpolate } from "./interpolate.ts";

export type Locale = "vi" | "en";

export const errorMessages: Record<Locale, Record<ErrorCode, string>> = {
  vi: {
    SCORE_ABOVE_MAX: "Điểm {value} của tiêu chí {criterion} vượt điểm tối đa {max}.",
    SCORE_NOT_MULTIPLE_OF_STEP: "Điểm {value} của tiêu chí {criterion} phải chấm theo bước {step}.",
    SCORE_MISSING: "Tiêu chí {criterion} chưa được chấm điểm (0 cũng là một điểm).",
    SCORE_NEGATIVE: "Điểm của tiêu chí {criterion} không được âm; điểm trừ nhập số dương.",
    SCORE_INVALID: "Điểm «{value}» của tiêu chí {criterion} không phải là số.",
    SCORE_TOO_MANY_DECIMALS: "Điểm {value} của tiêu chí {criterion} có quá hai chữ số thập phân.",
    EVIDENCE_REQUIRED: "Tiêu chí {criterion} cần ghi tài liệu kiểm chứng.",
    UNKNOWN_CRITERION: "Không có tiêu chí {criterion} trong bảng chấm điểm.",
    DUPLICATE_CRITERION: "Tiêu chí {criterion} được chấm nhiều lần.",
    NOT_AN_INPUT_CRITERION: "Tiêu chí {criterion} là nhóm tiêu chí; hãy chấm các tiêu chí con.",
    TEMPLATE_VERSION_MISMATCH:
      "Bảng điểm dùng phiên bản {received} của mẫu, kỳ thi đua đang dùng phiên bản {expected}.",
    TEMPLATE_MISMATCH: "Bảng điểm thuộc mẫu {received}, không phải mẫu {expected} của kỳ thi đua.",
    TEMPLATE_DUPLICATE_CODE: "Mã tiêu chí {criterion} bị trùng trong mẫu.",
    TEMPLATE_MAX_NOT_MULTIPLE_OF_STEP: "Điểm tối đa {max} của tiêu chí {criterion} không chia hết cho bước {step}.",
    TEMPLATE_SUM_MISMATCH: "Điểm tối đa khai báo của {criterion} là {declared}, tổng các tiêu chí con là {sum}.",
    TEMPLATE_NO_SCORE_CRITERION: "Mẫu phải có ít nhất một tiêu chí chấm điểm.",
    TEMPLATE_MIXED_GROUP: "Nhóm {criterion} trộn tiêu chí chấm điểm với điểm thưởng hoặc điểm trừ.",
    RULEBOOK_BANDS_UNORDERED: "Các mức xếp loại phải xếp từ cao xuống thấp.",
    RULEBOOK_NO_FALLBACK_BAND: "Mức xếp loại cuối cùng phải có ngưỡng 0 (Không hoàn thành).",
    RULEBOOK_UNKNOWN_BAND: "Danh hiệu {award} dẫn chiếu mức xếp loại không có: {band}.",
    RULEBOOK_UNKNOWN_PART: "Tiêu chí phân định {key} dẫn chiếu phần không có trong mẫu.",
    RULEBOOK_DUPLICATE_KEY: "Khóa {key} bị trùng trong quy chế.",
    TABLE_NO_CONTENT_COLUMN:
      "Không tìm thấy cột nội dung tiêu chí; hãy chọn cột mã, nội dung và điểm chuẩn trong phần ghép cột.",
    TABLE_NO_CRITERIA: "Vùng đã chọn không có tiêu chí nào (dòng có mã và nội dung).",
    TABLE_CODE_MISFIT: "Mã «{code}» không khớp thứ bậc của bảng: dòng này nằm dưới «{parent}».",
    TABLE_TOO_DEEP:
      "Tiêu chí {criterion} nằm sâu hơn một cấp tiêu chí con; bảng chấm điểm chỉ có phần, tiêu chí và tiêu chí con.",
    TABLE_MAX_INVALID: "Điểm chuẩn «{value}» của {criterion} không phải là số điểm (tối đa hai chữ số thập phân).",
    TABLE_MAX_MISSING: "Tiêu chí {criterion} chưa có điểm chuẩn (điểm tối đa).",
    TABLE_STEP_INVALID: "Bước chấm «{value}» của {criterion} không phải là số điểm dương.",
    TABLE_KIND_INVALID: "Loại «{value}» của {criterion} không rõ; ghi «chấm điểm», «điểm thưởng» hoặc «điểm trừ».",
    TABLE_CONTENT_EMPTY: "Tiêu chí {criterion} chưa có nội dung.",
    TABLE_TEXT_TOO_LONG: "Nội dung của {criterion} dài quá {max} ký tự.",
    TABLE_PART_EMPTY: "Phần {criterion} không có tiêu chí nào bên dưới.",
    TABLE_TOO_MANY: "Bảng vượt giới hạn: tối đa {max} mục ở cấp của dòng này.",
    BALLOT_TOO_MANY_CHOICES: "Phiếu bầu chọn {count} đơn vị, tối đa {max}: phiếu không hợp lệ.",
    BALLOT_UNKNOWN_UNIT: "Phiếu bầu chọn đơn vị không thuộc khối: phiếu không hợp lệ.",
    BALLOT_DUPLICATE_CHOICE: "Phiếu bầu chọn một đơn vị hai lần: phiếu không hợp lệ.",
    SHEET_NOT_RECOGNISED: "Không nhận ra bảng chấm điểm của thidua trong tệp này.",
    SHEET_WRONG_PERIOD: "Tệp thuộc kỳ thi đua {received}, không phải kỳ {expected}.",
    SHEET_WRONG_UNIT: "Tệp là bảng điểm của đơn vị {received}, không phải của đơn vị {expected}.",
    SHEET_CODE_MISSING:
      "Không thấy mã tiêu chí {criterion} ở cột A của trang chấm điểm: hàng của tiêu chí đã bị xóa hoặc mã đã bị sửa.",
    SHEET_CODE_DUPLICATED:
      "Mã tiêu chí {criterion} có ở nhiều hàng ({cells}); mỗi tiêu chí chỉ có một hàng, điểm không được đọc nhầm.",
    SHEET_CODE_UNKNOWN: "Mã «{code}» ở cột A không phải là mã tiêu chí của bảng chấm điểm.",
    INVALID_INPUT: "Mục «{field}» không hợp lệ: {detail}.",
    INVALID_JSON: "Nội dung gửi lên không phải JSON hợp lệ.",
    UNSUPPORTED_MEDIA_TYPE: "Kiểu nội dung {received} không được hỗ trợ; cần {expected}.",
    PAYLOAD_TOO_LARGE: "Nội dung gửi lên quá lớn (tối đa {max} byte).",
    UNAUTHENTICATED: "Cần đăng nhập bằng mã truy cập hợp lệ.",
    BOOTSTRAP_TOKEN_TOO_SHORT:
      "Mã khởi tạo BOOTSTRAP_TOKEN của máy chủ ngắn hơn {min} ký tự nên bị từ chối; người quản trị cần đặt một mã dài hơn.",
    FORBIDDEN: "Vai trò của bạn không được phép thực hiện thao tác này.",
    NOT_FOUND: "Không tìm thấy {what}.",
    CONFLICT_STALE_REVISION:
      "Bảng điểm đã được cập nhật: bạn sửa trên lần nộp {base}, nhưng {who} đã nộp lần {latest} lúc {at}. Hãy tải lại trước khi nộp.",
    CONFLICT: "Xung đột dữ liệu: {detail}.",
    PERIOD_NOT_OPEN: "Kỳ thi đua đang ở trạng thái «{state}», không nhận bảng điểm.",
    DEADLINE_PASSED: "Đã quá hạn nộp ({deadline}).",
    DEADLINE_NOT_CHANGEABLE:
      "Chỉ đổi được hạn nộp khi kỳ thi đua đang soạn hoặc đang nhận bảng điểm (hiện ở trạng thái «{state}»); để nhận bảng điểm muộn của một đơn vị, hãy trả lại bảng điểm đó.",
    DEADLINE_NOT_IN_FUTURE: "Hạn nộp mới ({deadline}) phải ở sau thời điểm hiện tại.",
    DEADLINE_CHANGED_MEANWHILE:
      "Trong lúc bạn thao tác, hạn nộp vừa được đổi thành {deadline}. Hãy xem lại rồi đổi lần nữa nếu vẫn cần.",
    INVALID_TRANSITION: "Không thể chuyển kỳ thi đua từ «{from}» sang «{to}».",
    RESULTS_NOT_PUBLISHED: "Kết quả của khối chưa được công bố.",
    VOTER_CODE_USED: "Mã bỏ phiếu này đã được dùng.",
    VOTING_NOT_OPEN: "Chưa mở bỏ phiếu hoặc đã kết thúc bỏ phiếu.",
    RATE_LIMITED: "Quá nhiều yêu cầu; vui lòng thử lại sau {retryAfter} giây.",
    UPLOAD_ZIP_BOMB: "Tệp tải lên bị từ chối: tệp nén giải nén ra quá lớn (zip bomb).",
    UPLOAD_TOO_MANY_ENTRIES: "Tệp tải lên bị từ chối: tệp chứa quá nhiều thành phần hoặc trang tính.",
    UPLOAD_TOO_MANY_CELLS: "Tệp tải lên bị từ chối: bảng tính có quá nhiều ô.",
    UPLOAD_TOO_MUCH_TEXT: "Tệp tải lên bị từ chối: bảng tính có quá nhiều chuỗi văn bản.",
    UPLOAD_NOT_XLSX: "Tệp tải lên không phải là bảng tính Excel .xlsx.",
    UPLOAD_XLS: "Tệp Excel 97-2003 (.xls) không được hỗ trợ; hãy lưu lại dưới dạng .xlsx rồi tải lên lại.",
    UPLOAD_ENCRYPTED: "Tệp được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu rồi tải lên lại.",
    UPLOAD_DTD: "Tệp tải lên bị từ chối: tệp chứa khai báo DTD không được phép.",
    UPLOAD_CORRUPT: "Tệp tải lên bị hỏng hoặc không đọc được.",
    UPLOAD_DUPLICATE_PART: "Tệp tải lên bị từ chối: tệp nén chứa hai thành phần cùng tên ({name}).",
    NETWORK_ERROR: "Không kết nối được máy chủ; thao tác sẽ được thực hiện lại khi có mạng.",
    INTERNAL: "Lỗi hệ thống (mã yêu cầu {requestId}). Vui lòng thử lại hoặc báo cho quản trị viên.",
    REASON_REQUIRED: "Cần ghi rõ lý do cho thao tác này.",
    ALREADY_EXISTS: "{what} đã tồn tại; dữ liệu đã công bố không sửa được, hãy tạo phiên bản mới.",
    CLIENT_ID_REUSED: "Mã lần nộp {clientId} đã được dùng cho một nội dung khác.",
    PERIOD_UNKNOWN_UNIT: "Đơn vị {unit} không có trong danh mục đơn vị.",
    PERIOD_LEADER_NOT_MEMBER: "Đơn vị {unit} (khối trưởng hoặc khối phó) không phải thành viên của kỳ thi đua.",
    PERIOD_DUPLICATE_MEMBER: "Đơn vị {unit} được liệt kê hai lần trong kỳ thi đua.",
    BLOC_LEADER_NOT_MEMBER: "Đơn vị {unit} (khối trưởng hoặc khối phó) không phải thành viên của khối.",
    BLOC_DUPLICATE_MEMBER: "Đơn vị {unit} được liệt kê hai lần trong khối.",
    SETUP_OTHER_BLOC:
      "Thường trực khối chỉ thiết lập mẫu, quy chế và kỳ thi đua của khối mình; {what} thuộc khối khác hoặc Ban Thi đua – Khen thưởng.",
    BALLOTS_EXCEED_ISSUED: "Số phiếu thu về ({returned}) vượt số phiếu phát ra ({issued}).",
    NOTHING_SUBMITTED: "Đơn vị {unit} chưa nộp bảng điểm.",
    BALLOT_PROOF_INVALID:
      "Phiếu bầu mã hoá không kèm chứng minh hợp lệ (mỗi đơn vị 0 hoặc 1, tổng không quá số được chọn, đúng kỳ và đúng khoá): phiếu không được nhận, mã bỏ phiếu vẫn dùng được.",
    BALLOT_REPLAYED: "Phiếu này đã được bỏ vào hòm phiếu: không nhận một phiếu hai lần.",
    VOTING_WRONG_CHANNEL: "Hình thức bỏ phiếu của kỳ này là {channel}: không nhận phiếu theo hình thức khác.",
    TRUSTEES_REQUIRED: "Bỏ phiếu điện tử cần ít nhất hai người giữ khoá được nêu trong kỳ thi đua.",
    TRUSTEE_DUPLICATE: "Người giữ khoá {name} được nêu hai lần.",
    TRUSTEE_KEY_INVALID: "Khoá công khai của người giữ khoá không kèm chứng minh hợp lệ.",
    TRUSTEE_KEY_EXISTS: "Người giữ khoá {trustee} đã công bố khoá của mình.",
    ELECTION_KEY_MISSING: "Chưa đủ người giữ khoá công bố khoá: chưa thể bỏ phiếu.",
    BALLOT_BOX_CLOSED: "Hòm phiếu đã đóng.",
    BALLOT_BOX_OPEN: "Hòm phiếu chưa đóng: chưa thể giải mã kết quả.",
    DECRYPTION_PROOF_INVALID: "Phần giải mã không kèm chứng minh hợp lệ (sai tệp khoá bí mật?).",
    TALLY_NOT_DECRYPTED: "Các người giữ khoá chưa giải mã xong kết quả kiểm phiếu.",
    TALLY_COMPLETE:
      "Cuộc bỏ phiếu đã có kết quả (đã giải mã xong hoặc đã không thành): không thể tuyên bố không thành.",
    VOTE_DECLARED_FAILED: "Hội đồng đã tuyên bố cuộc bỏ phiếu không thành: phiếu không bao giờ được kiểm.",
  },
  en: {
    SCORE_ABOVE_MAX: "Score {value} for criterion {criterion} is above the maximum {max}.",
    SCORE_NOT_MULTIPLE_OF_STEP: "Score {value} for criterion {criterion} must be a multiple of {step}.",
    SCORE_MISSING: "Criterion {criterion} has no score (0 is a score).",
    SCORE_NEGATIVE: "Score for criterion {criterion} cannot be negative; deductions are entered as positive points.",
    SCORE_INVALID: "Score “{value}” for criterion {criterion} is not a number.",
    SCORE_TOO_MANY_DECIMALS: "Score {value} for criterion {criterion} has more than two decimals.",
    EVIDENCE_REQUIRED: "Criterion {criterion} needs an evidence reference.",
    UNKNOWN_CRITERION: "Criterion {criterion} is not in the scoring table.",
    DUPLICATE_CRITERION: "Criterion {criterion} is scored more than once.",
    NOT_AN_INPUT_CRITERION: "Criterion {criterion} is a group; score its sub-criteria.",
    TEMPLATE_VERSION_MISMATCH: "The sheet uses template version {received}; the period uses version {expected}.",
    TEMPLATE_MISMATCH: "The sheet belongs to template {received}, not the period's template {expected}.",
    TEMPLATE_DUPLICATE_CODE: "Criterion code {criterion} appears twice in the template.",
    TEMPLATE_MAX_NOT_MULTIPLE_OF_STEP: "Maximum {max} of criterion {criterion} is not a multiple of step {step}.",
    TEMPLATE_SUM_MISMATCH: "{criterion} declares a maximum of {declared}; its sub-criteria add up to {sum}.",
    TEMPLATE_NO_SCORE_CRITERION: "A template needs at least one score criterion.",
    TEMPLATE_MIXED_GROUP: "Group {criterion} mixes score criteria with bonus or deduction criteria.",
    RULEBOOK_BANDS_UNORDERED: "Classification bands must be ordered from highest to lowest.",
    RULEBOOK_NO_FALLBACK_BAND: "The last classification band must have a threshold of 0 (not completed).",
    RULEBOOK_UNKNOWN_BAND: "Award {award} refers to an unknown band: {band}.",
    RULEBOOK_UNKNOWN_PART: "Tie-break key {key} refers to a part the template does not have.",
    RULEBOOK_DUPLICATE_KEY: "Key {key} appears twice in the rulebook.",
    TABLE_NO_CONTENT_COLUMN:
      "No column of criterion content was found; choose the code, content and maximum columns in the column mapping.",
    TABLE_NO_CRITERIA: "The selected range holds no criterion (a row with a code and content).",
    TABLE_CODE_MISFIT: "Code “{code}” does not fit the table's hierarchy: this row sits under “{parent}”.",
    TABLE_TOO_DEEP:
      "Criterion {criterion} is more than one level of sub-criteria deep; a scoring table has parts, criteria and sub-criteria.",
    TABLE_MAX_INVALID: "Maximum “{value}” of {criterion} is not a number of points (at most two decimals).",
    TABLE_MAX_MISSING: "Criterion {criterion} has no maximum.",
    TABLE_STEP_INVALID: "Step “{value}” of {criterion} is not a positive number of points.",
    TABLE_KIND_INVALID:
      "Kind “{value}” of {criterion} is unclear; write “chấm điểm” (score), “điểm thưởng” (bonus) or “điểm trừ” (deduction).",
    TABLE_CONTENT_EMPTY: "Criterion {criterion} has no content.",
    TABLE_TEXT_TOO_LONG: "The text of {criterion} is longer than {max} characters.",
    TABLE_PART_EMPTY: "Part {criterion} has no criterion under it.",
    TABLE_TOO_MANY: "The table exceeds a limit: at most {max} items at this row's level.",
    BALLOT_TOO_MANY_CHOICES: "The ballot names {count} units, at most {max}: invalid ballot.",
    BALLOT_UNKNOWN_UNIT: "The ballot names a unit outside the bloc: invalid ballot.",
    BALLOT_DUPLICATE_CHOICE: "The ballot names one unit twice: invalid ballot.",
    SHEET_NOT_RECOGNISED: "No thidua scoring sheet was recognised in this file.",
    SHEET_WRONG_PERIOD: "The file belongs to period {received}, not {expected}.",
    SHEET_WRONG_UNIT: "The file is the sheet of unit {received}, not of unit {expected}.",
    SHEET_CODE_MISSING:
      "Criterion code {criterion} is not in column A of the scoring sheet: its row was deleted or its code changed.",
    SHEET_CODE_DUPLICATED:
      "Criterion code {criterion} is on several rows ({cells}); each criterion has exactly one row, so no score is read under the wrong one.",
    SHEET_CODE_UNKNOWN: "Code “{code}” in column A is not a criterion code of the scoring table.",
    INVALID_INPUT: "“{field}” is not valid: {detail}.",
    INVALID_JSON: "The body is not valid JSON.",
    UNSUPPORTED_MEDIA_TYPE: "Content type {received} is not supported; expected {expected}.",
    PAYLOAD_TOO_LARGE: "The body is too large (at most {max} bytes).",
    UNAUTHENTICATED: "Sign in with a valid access code.",
    BOOTSTRAP_TOKEN_TOO_SHORT:
      "The server's BOOTSTRAP_TOKEN is shorter than {min} characters, so it is refused; the administrator must set a longer one.",
    FORBIDDEN: "Your role may not do this.",
    NOT_FOUND: "{what} was not found.",
    CONFLICT_STALE_REVISION:
      "The sheet has changed: you edited revision {base}, but {who} pushed revision {latest} at {at}. Pull again before pushing.",
    CONFLICT: "Conflict: {detail}.",
    PERIOD_NOT_OPEN: "The period is {state}; it does not accept sheets.",
    DEADLINE_PASSED: "The deadline has passed ({deadline}).",
    DEADLINE_NOT_CHANGEABLE:
      "The deadline can only be changed while the period is a draft or open (it is {state}); to take one unit's late sheet, return that sheet.",
    DEADLINE_NOT_IN_FUTURE: "The new deadline ({deadline}) must be later than now.",
    DEADLINE_CHANGED_MEANWHILE:
      "Meanwhile the deadline was changed to {deadline}. Check it, and change it again if still needed.",
    INVALID_TRANSITION: "The period cannot move from {from} to {to}.",
    RESULTS_NOT_PUBLISHED: "The bloc's results are not published yet.",
    VOTER_CODE_USED: "This voter code has already been used.",
    VOTING_NOT_OPEN: "Voting is not open.",
    RATE_LIMITED: "Too many requests; try again in {retryAfter} seconds.",
    UPLOAD_ZIP_BOMB: "The upload was refused: the file inflates to too much data (zip bomb).",
    UPLOAD_TOO_MANY_ENTRIES: "The upload was refused: the file has too many parts or sheets.",
    UPLOAD_TOO_MANY_CELLS: "The upload was refused: the workbook has too many cells.",
    UPLOAD_TOO_MUCH_TEXT: "The upload was refused: the workbook has too much text.",
    UPLOAD_NOT_XLSX: "The upload is not an Excel workbook (.xlsx).",
    UPLOAD_XLS: "Excel 97-2003 files (.xls) are not supported; save the file as .xlsx and upload it again.",
    UPLOAD_ENCRYPTED: "The file is password-protected; remove the password and upload it again.",
    UPLOAD_DTD: "The upload was refused: the file contains a document type declaration (DTD), which is not allowed.",
    UPLOAD_CORRUPT: "The upload is damaged or cannot be read.",
    UPLOAD_DUPLICATE_PART: "The upload was refused: the file holds two parts with the same name ({name}).",
    NETWORK_ERROR: "The server cannot be reached; the action will be retried when the connection returns.",
    INTERNAL: "System error (request id {requestId}). Please try again or tell the administrator.",
    REASON_REQUIRED: "A reason is required for this action.",
    ALREADY_EXISTS: "{what} already exists; published data cannot change, create a new version instead.",
    CLIENT_ID_REUSED: "Push id {clientId} was already used for different content.",
    PERIOD_UNKNOWN_UNIT: "Unit {unit} is not in the list of units.",
    PERIOD_LEADER_NOT_MEMBER: "Unit {unit} (bloc leader or deputy) is not a member of the period.",
    PERIOD_DUPLICATE_MEMBER: "Unit {unit} is listed twice in the period.",
    BLOC_LEADER_NOT_MEMBER: "Unit {unit} (bloc leader or deputy) is not a member of the bloc.",
    BLOC_DUPLICATE_MEMBER: "Unit {unit} is listed twice in the bloc.",
    SETUP_OTHER_BLOC:
      "A bloc's secretariat sets up only its own bloc's templates, rulebooks and periods; {what} belongs to another bloc or to the council.",
    BALLOTS_EXCEED_ISSUED: "Ballots returned ({returned}) exceed ballots issued ({issued}).",
    NOTHING_SUBMITTED: "Unit {unit} has not submitted a sheet.",
    BALLOT_PROOF_INVALID:
      "The encrypted ballot's proofs do not hold (each unit 0 or 1, at most the allowed choices, this period and key): the ballot is refused and the voter code stays usable.",
    BALLOT_REPLAYED: "This ballot is already in the ballot box: a ballot is not taken twice.",
    VOTING_WRONG_CHANNEL: "This period votes by {channel}: ballots of the other kind are refused.",
    TRUSTEES_REQUIRED: "An electronic vote needs at least two trustees named in the period.",
    TRUSTEE_DUPLICATE: "Trustee {name} is named twice.",
    TRUSTEE_KEY_INVALID: "The trustee's public key does not come with a valid proof.",
    TRUSTEE_KEY_EXISTS: "Trustee {trustee} has already published a key.",
    ELECTION_KEY_MISSING: "Not every trustee has published a key yet: voting cannot start.",
    BALLOT_BOX_CLOSED: "The ballot box is closed.",
    BALLOT_BOX_OPEN: "The ballot box is still open: the result cannot be decrypted yet.",
    DECRYPTION_PROOF_INVALID: "The partial decryption's proof does not hold (wrong secret key file?).",
    TALLY_NOT_DECRYPTED: "The trustees have not finished decrypting the tally.",
    TALLY_COMPLETE:
      "The vote already has its result (fully decrypted, or already failed): it cannot be declared failed.",
    VOTE_DECLARED_FAILED: "The council declared the vote failed: its ballots are never counted.",
  },
};

/** Points the core wrote as "1,234.5" (formatPointsEn), read the Vietnamese way: "1.234,5". */
const EN_POINTS = /^\d{1,3}(,\d{3})*(\.\d+)?$/;
const POINT_PARAMS = ["max", "step", "declared", "sum"];
/** Codes whose `value` the core formatted itself (elsewhere `value` is what the person typed, shown as typed). */
const FORMATTED_VALUE: readonly ErrorCode[] = ["SCORE_ABOVE_MAX", "SCORE_NOT_MULTIPLE_OF_STEP"];

function localisePoints(code: ErrorCode, params: ErrorParams): void {
  const swap = (v: string) => v.replace(/[.,]/g, (c) => (c === "." ? "," : "."));
  for (const k of POINT_PARAMS) {
    const v = params[k];
    if (typeof v === "string" && EN_POINTS.test(v)) params[k] = swap(v);
  }
  const v = params.value;
  if (FORMATTED_VALUE.includes(code) && typeof v === "string" && EN_POINTS.test(v)) params.value = swap(v);
}

/**
 * The text of an error in one language. The criterion and cell are offered as parameters too.
 * @example messageFor({ code: "SCORE_MISSING", criterion: "I.1" }, "vi")
 */
/**
 * Date parts in Vietnam's time zone (UTC+7, no daylight saving), from an ISO date-time.
 * @example vietnamTime("2026-11-29T20:52:00Z") // { d: 30, m: 11, y: 2026, hh: 3, mm: 52, ss: 0 }
 */
export function vietnamTime(
  iso: string,
): { d: number; m: number; y: number; hh: number; mm: number; ss: number } | null {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  const t = new Date(ms + 7 * 3600_000);
  return {
    d: t.getUTCDate(),
    m: t.getUTCMonth() + 1,
    y: t.getUTCFullYear(),
    hh: t.getUTCHours(),
    mm: t.getUTCMinutes(),
    ss: t.getUTCSeconds(),
  };
}

const two = (n: number) => String(n).padStart(2, "0");

/** An ISO date-time as people read it in Vietnam: "30/11/2026 03:52" (Vietnam time). */
export function formatDateTimeVn(iso: string): string {
  const t = vietnamTime(iso);
  return t ? `${two(t.d)}/${two(t.m)}/${t.y} ${two(t.hh)}:${two(t.mm)}` : iso;
}

/** A period's states by their names, for `{state}`, `{from}` and `{to}`: never the internal word. */
export const stateNames: Record<Locale, Record<string, string>> = {
  vi: {
    draft: "Đang soạn",
    open: "Đang nhận bảng điểm",
    review: "Đang thẩm định",
    voting: "Đang bỏ phiếu",
    closed: "Đã công bố",
  },
  en: { draft: "Draft", open: "Accepting sheets", review: "In review", voting: "Voting", closed: "Published" },
};

/**
 * Words of the results (bảng tổng hợp) that the pane, the web app and the ranking workbook all print: one source, so
 * that a unit without a sheet reads the same everywhere.
 */
export const resultWords: Record<Locale, { notSubmitted: string; notSubmittedNote: string }> = {
  vi: { notSubmitted: "Chưa nộp", notSubmittedNote: "Chưa nộp bảng tự chấm điểm" },
  en: { notSubmitted: "Not submitted", notSubmittedNote: "No self-scoring sheet submitted" },
};

/** The fields of a payload by their names, for an `INVALID_INPUT` (the last part of its path). */
const fieldNames: Record<Locale, Record<string, string>> = {
  vi: {
    reason: "Lý do",
    label: "Tên người nhận mã",
    choices: "Đơn vị được chọn",
    ballots: "Phiếu giấy",
    evidence: "Tài liệu kiểm chứng",
    note: "Ghi chú",
    score: "Điểm",
    submissionDeadline: "Hạn nộp",
    file: "Tệp",
    unitId: "Đơn vị",
  },
  en: {
    reason: "Reason",
    label: "Holder's name",
    choices: "Chosen units",
    ballots: "Paper ballots",
    evidence: "Evidence",
    note: "Note",
    score: "Score",
    submissionDeadline: "Deadline",
    file: "File",
    unitId: "Unit",
  },
};

/**
 * What was wrong with a field, from the schema issue's kind (`zodErrors` keeps it), in the catalogue's words: the
 * schema library's own English text never reaches a user.
 */
function invalidDetail(params: ErrorParams, locale: Locale): string {
  const vi = locale === "vi";
  const min = params.minimum;
  const max = params.maximum;
  switch (params.issue) {
    case "too_small":
      return min === 1 || min === undefined
        ? vi
          ? "cần nhập"
          : "required"
        : vi
          ? `tối thiểu ${min}`
          : `at least ${min}`;
    case "too_big":
      return vi ? `tối đa ${max}` : `at most ${max}`;
    case "invalid_type":
      return vi ? "thiếu hoặc sai kiểu" : "missing or of the wrong kind";
    default:
      return vi ? "giá trị không hợp lệ" : "not an allowed value";
  }
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** The voting channels (hình thức bỏ phiếu) as people name them, by the word the API uses. */
const channelNames: Record<Locale, Record<string, string>> = {
  vi: { electronic: "bỏ phiếu điện tử", paper: "phiếu giấy" },
  en: { electronic: "electronic ballot", paper: "paper ballot" },
};

export function messageFor(error: DomainError, locale: Locale): string {
  const params: ErrorParams = { criterion: error.criterion ?? "", ...(error.params ?? {}) };
  // Deadlines and push times travel as ISO text; people read them as dates.
  for (const [k, v] of Object.entries(params))
    if (typeof v === "string" && ISO_DATE_TIME.test(v)) params[k] = formatDateTimeVn(v);
  if (locale === "vi") localisePoints(error.code, params);
  for (const k of ["state", "from", "to"]) {
    const v = params[k];
    if (typeof v === "string" && stateNames[locale][v]) params[k] = stateNames[locale][v]!;
  }
  // A voting channel travels as its internal word ("electronic", "paper"); people read the name of the channel.
  if (typeof params.channel === "string" && Object.hasOwn(channelNames[locale], params.channel))
    params.channel = channelNames[locale][params.channel]!;
  if (error.code === "INVALID_INPUT") {
    const last = String(params.path ?? "")
      .split("/")
      .filter((x) => x && !/^\d+$/.test(x))
      .pop();
    params.field = (last && fieldNames[locale][last]) ?? (locale === "vi" ? "dữ liệu gửi lên" : "the data sent");
    params.detail = invalidDetail(params, locale);
  }
  if (error.cell) params.cell = error.cell;
  const text = interpolate(errorMessages[locale][error.code], params);
  return error.cell ? `${text} (${locale === "vi" ? "ô" : "cell"} ${error.cell})` : text;
}
