/**
 * The voter's ballot strings (chuỗi của phiếu bầu), Vietnamese first and English second: everything the web app's
 * phone ballot page (`ballotPage.ts`) and the ballot view (`ui/ballotView.ts`) show. A catalogue of its own so that
 * the ballot page loads these few strings and not the pane's whole catalogue (`i18n.ts`, about 36 KB, which spreads
 * this one into its own so `t()` reaches every key here): the page must draw in under a second on a slow phone.
 * `en` is typed against the keys of `vi`, so a string without its translation fails the type check.
 */
import { interpolate } from "../../../shared/src/interpolate.ts";
import { locale } from "../locale.ts";

const vi = {
  appTitle: "Thi đua",
  ballotTitle: "Phiếu bầu",
  role_voter: "Đại biểu bỏ phiếu",
  langEn: "English",
  langVi: "Tiếng Việt",
  langShortEn: "EN",
  langShortVi: "VI",
  unknownError: "Đã xảy ra lỗi không mong đợi.",
  working: "Đang xử lý…",
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
  ballotOffline: "Không kết nối được máy chủ. Kiểm tra kết nối mạng rồi bấm lại.",
};

export type BallotKey = keyof typeof vi;

const en: Record<BallotKey, string> = {
  appTitle: "Thi đua",
  ballotTitle: "Ballot",
  role_voter: "Voter",
  langEn: "English",
  langVi: "Tiếng Việt",
  langShortEn: "EN",
  langShortVi: "VI",
  unknownError: "Something unexpected went wrong.",
  working: "Working…",
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
  ballotOffline: "The server cannot be reached. Check the connection and press again.",
};

export const BALLOT_VI = vi;
export const BALLOT_EN = en;

/**
 * A ballot string in the current language with `{name}` filled.
 * @example tb("ballotChosen", { count: 2, max: 3 })
 */
export function tb(key: BallotKey, params: Record<string, string | number> = {}): string {
  return interpolate((locale() === "en" ? en : vi)[key], params);
}
