/**
 * Criteria tables as blocs draft them (bảng tiêu chí chấm điểm thi đua), cell by cell, for the importer's tests and
 * the browser test. Modelled on the tables blocs attach to their giao ước thi đua: a title and a "Kèm theo …" line, a
 * header with "Điểm chuẩn", a row of column numbers, Roman parts, numbered criteria, lettered sub-criteria, ladders
 * of scoring levels (mức chấm) without a code, a maximum only in the text, a bonus and deduction part, a totals row
 * and footnotes. Merged cells read as a value in the first cell and blanks in the others, as office-js gives them.
 */
import type { CellValue } from "./criteriaTable.ts";

/**
 * Khối VIII's table for 2026, in its own layout (columns B:E from row 2, so the range's origin is B2).
 * Score maximum 100 (I 40, II 20, III 40); bonus up to 5 (IV.1), deductions (IV.2).
 */
export const blocTable2026: CellValue[][] = [
  ["BẢNG TIÊU CHÍ CHẤM ĐIỂM THI ĐUA NĂM 2026", null, null, null],
  ["(Kèm theo Giao ước thi đua Khối thi đua VIII năm 2026)", null, null, null],
  [null, null, null, null],
  ["STT", "Nội dung tiêu chí", "Điểm chuẩn", "Hướng dẫn chấm"],
  ["1", "2", "3", "4"],
  ["I", "THỰC HIỆN NHIỆM VỤ CHÍNH TRỊ, CHUYÊN MÔN", 40, null],
  ["1", "Hoàn thành các chỉ tiêu kế hoạch năm", 20, null],
  ["a)", "Chỉ tiêu về công tác chuyên môn", "10,0", "Hoàn thành 100%: 10 điểm"],
  [null, "- Hoàn thành từ 90% đến dưới 100%", 8, null],
  [null, "- Hoàn thành dưới 90%", "5", null],
  ["b)", "Chỉ tiêu về cải cách hành chính", "10 điểm", null],
  ["2.", "Công tác tham mưu, đề xuất với Thành ủy, UBND Thành phố (20 điểm)", null, null],
  ["II", "CÔNG TÁC PHỐI HỢP TRONG KHỐI", 20, null],
  ["1", "Tham gia đầy đủ các hoạt động do Khối tổ chức", 10, "Vắng 1 lần không lý do trừ 1 điểm"],
  ["2", "Phối hợp xây dựng và ký kết giao ước thi đua", 5, null],
  ["3", "Đóng góp ý kiến cho hoạt động của Khối", "5", null],
  ["III", "XÂY DỰNG TỔ CHỨC ĐẢNG, CHÍNH QUYỀN, ĐOÀN THỂ", 40, null],
  ["1", "Công tác xây dựng Đảng", 15, null],
  ["1.1", "Tổ chức đảng đạt “Hoàn thành tốt nhiệm vụ” trở lên", "7,5", null],
  ["1.2", "Không có đảng viên vi phạm kỷ luật", 7.5, null],
  ["2", "Công tác đoàn thể, chăm lo đời sống cán bộ", 15, null],
  ["3", "Công tác thi đua, khen thưởng", 10, null],
  [null, null, null, null],
  ["IV", "ĐIỂM THƯỞNG, ĐIỂM TRỪ", null, null],
  ["1", "Điểm thưởng", 5, null],
  ["a", "Được tặng Cờ thi đua của Chính phủ trong năm", 3, null],
  ["b", "Có sáng kiến, mô hình hay được cấp có thẩm quyền công nhận", 2, null],
  ["c", "Tổ chức thành công hội thi, hội diễn cấp Khối", 1, null],
  ["2", "Điểm trừ", null, null],
  ["a", "Chậm gửi báo cáo theo quy định (mỗi lần)", 2, "Mỗi lần chậm trừ 0,5 điểm"],
  ["b", "Có cán bộ bị xử lý kỷ luật", 3, null],
  [null, "TỔNG CỘNG", 100, null],
  ["Ghi chú: Điểm thưởng tối đa không quá 5 điểm; điểm trừ không giới hạn.", null, null, null],
  ["(*) Tài liệu kiểm chứng gửi kèm báo cáo tổng kết năm.", null, null, null],
];
export const blocTable2026Origin = "B2";

/**
 * A table under letters A and B, the Roman numbering starting again under B, codes in the content column (no STT),
 * maxima only in the text, a two-line header.
 */
export const lettersTable: CellValue[][] = [
  ["TT", "Tiêu chí", "Điểm", null],
  [null, null, "Tối đa", "Tự chấm"],
  ["A", "PHẦN A: TIÊU CHÍ CHẤM ĐIỂM", null, null],
  ["I", "Công tác chuyên môn", 60, null],
  ["1", "Kết quả thực hiện nhiệm vụ", 60, null],
  ["II", "Công tác phối hợp", 40, null],
  ["1", "Phối hợp trong Khối", 25, null],
  ["2", "Phối hợp với địa phương", 15, null],
  ["B", "PHẦN B: ĐIỂM CỘNG VÀ ĐIỂM TRỪ", null, null],
  ["I", "Điểm cộng", null, null],
  ["1", "Được khen thưởng đột xuất", 2, null],
  ["II", "Điểm trừ", null, null],
  ["1", "Vi phạm quy định về báo cáo", 1, null],
];
