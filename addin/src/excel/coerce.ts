/**
 * What Excel makes of a string written through `range.values` or `range.formulas` into a cell formatted General
 * (chuyển kiểu khi ghi chuỗi): the API parses it with US-English rules, whatever the user's locale (OfficeDev/office-js
 * issue 1559). "12/05/2024" becomes the date serial 45631 (5 December 2024), "50%" the number 0.5, "1.000" and "001"
 * the number 1, "1.10" the number 1.1, "1,000" the number 1000, "TRUE" a boolean. The in-memory workbook and the
 * office.js double use this, so that a test sees what a real Excel would store; the gateway avoids it by formatting
 * every text cell as Text ("@") before it writes the text.
 */

/** Days from Excel's day 0 (30 December 1899, counting the 1900 leap-year bug) to a date after 1 March 1900. */
function dateSerial(y: number, m: number, d: number): number | null {
  if (m < 1 || m > 12 || d < 1) return null;
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  if (back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return null;
  return (t - Date.UTC(1899, 11, 30)) / 86_400_000;
}

const NUMBER = /^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d*)?([eE][+-]?\d+)?$|^[+-]?\.\d+([eE][+-]?\d+)?$/;

/**
 * The value Excel stores for `text` written into a General cell: a number, a boolean, a date serial, or the text
 * itself. Leading "=" (formulas) and the quote prefix are handled by the caller.
 * @example excelGeneralValue("12/05/2024") // 45631
 */
export function excelGeneralValue(text: string): string | number | boolean {
  const s = text.trim();
  if (s === "") return text;
  const upper = s.toUpperCase();
  if (upper === "TRUE") return true;
  if (upper === "FALSE") return false;
  if (NUMBER.test(s)) return Number(s.replace(/,/g, ""));
  const pct = /^(.*\d)\s*%$/.exec(s);
  if (pct && NUMBER.test(pct[1]!)) return Number(pct[1]!.replace(/,/g, "")) / 100;
  // US dates: month/day/year (two- or four-digit year), month-day-year, and ISO year-month-day.
  const mdy = /^(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})$/.exec(s);
  if (mdy) {
    const yy = Number(mdy[3]);
    const year = mdy[3]!.length === 2 ? (yy < 30 ? 2000 + yy : 1900 + yy) : yy;
    const serial = dateSerial(year, Number(mdy[1]), Number(mdy[2]));
    if (serial !== null) return serial;
  }
  const ymd = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(s);
  if (ymd) {
    const serial = dateSerial(Number(ymd[1]), Number(ymd[2]), Number(ymd[3]));
    if (serial !== null) return serial;
  }
  // A time of day: a fraction of a day.
  const hm = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (hm && Number(hm[1]) < 24 && Number(hm[2]) < 60 && Number(hm[3] ?? 0) < 60)
    return (Number(hm[1]) * 3600 + Number(hm[2]) * 60 + Number(hm[3] ?? 0)) / 86_400;
  return text;
}
