import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type DomainError, ERROR_CODES } from "./errors.ts";
import { errorMessages, formatDateTimeVn, interpolate, type Locale, messageFor } from "./messages.ts";
import { zodErrors } from "./schemas.ts";
import { tinyTemplate } from "./test-fixtures.ts";
import { validateEntries } from "./validate.ts";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
const VIETNAMESE = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i;

describe("error messages", () => {
  it.each(ERROR_CODES)("%s renders in Vietnamese and English with every placeholder filled", (code) => {
    const vi = errorMessages.vi[code];
    const en = errorMessages.en[code];
    // both languages say the same things
    expect(placeholders(vi)).toEqual(placeholders(en));
    const params = Object.fromEntries(placeholders(vi).map((p) => [p, `<${p}>`]));
    const error: DomainError = { code, criterion: "II.3.b", params };
    for (const locale of ["vi", "en"] as Locale[]) {
      const text = messageFor(error, locale);
      expect(text).not.toMatch(/\{\w+\}/);
      expect(text.trim().length).toBeGreaterThan(10);
    }
    expect(messageFor(error, "vi")).toMatch(VIETNAMESE);
    expect(messageFor(error, "vi")).not.toBe(messageFor(error, "en"));
    expect(vi).toBe(vi.normalize("NFC"));
  });

  it("names the period's voting channel as people say it, not by the API's word", () => {
    const paper: DomainError = { code: "VOTING_WRONG_CHANNEL", params: { channel: "paper" } };
    const electronic: DomainError = { code: "VOTING_WRONG_CHANNEL", params: { channel: "electronic" } };
    expect(messageFor(paper, "vi")).toBe(
      "Hình thức bỏ phiếu của kỳ này là phiếu giấy: không nhận phiếu theo hình thức khác.",
    );
    expect(messageFor(electronic, "vi")).toBe(
      "Hình thức bỏ phiếu của kỳ này là bỏ phiếu điện tử: không nhận phiếu theo hình thức khác.",
    );
    expect(messageFor(electronic, "en")).toBe(
      "This period votes by electronic ballot: ballots of the other kind are refused.",
    );
    expect(messageFor(paper, "en")).not.toContain("by paper:");
  });

  it("tells a clerk which criterion and which cell, in vi-VN numbers", () => {
    const [error] = validateEntries(tinyTemplate, [{ criterion: "I.1", score: "10,5", cell: "D8" }]).errors;
    expect(messageFor(error!, "vi")).toBe("Điểm 10,5 của tiêu chí I.1 vượt điểm tối đa 10. (ô D8)");
    expect(messageFor(error!, "en")).toBe("Score 10.5 for criterion I.1 is above the maximum 10. (cell D8)");
    const [step] = validateEntries(tinyTemplate, [{ criterion: "I.2.a", score: 4.3 }]).errors;
    expect(messageFor(step!, "vi")).toBe("Điểm 4,3 của tiêu chí I.2.a phải chấm theo bước 0,25.");
  });

  it("shows what the person typed as typed", () => {
    const [error] = validateEntries(tinyTemplate, [{ criterion: "I.1", score: "12.345", cell: "D8" }]).errors;
    expect(error!.code).toBe("SCORE_TOO_MANY_DECIMALS");
    expect(messageFor(error!, "vi")).toContain("Điểm 12.345 của tiêu chí I.1");
  });

  it("leaves an unknown placeholder visible rather than dropping it", () => {
    expect(interpolate("a {x} b {y}", { x: 1 })).toBe("a 1 b {y}");
    expect(interpolate("{constructor}", {})).toBe("{constructor}");
  });
});

describe("no schema-library text and no internal state names reach a user", () => {
  const fromSchema = (schema: z.ZodType, body: unknown) => {
    const r = schema.safeParse(body);
    if (r.success) throw new Error("expected a failure");
    return zodErrors(r.error).map((e) => ({ code: e.code, params: e.params }) as DomainError);
  };
  const body = z.strictObject({ reason: z.string().min(1).max(500), label: z.string().max(3) });

  it("an empty return reason reads as the field's name and “required”, in both languages", () => {
    const [empty] = fromSchema(body, { reason: "", label: "" });
    expect(messageFor(empty!, "vi")).toBe("Mục «Lý do» không hợp lệ: cần nhập.");
    expect(messageFor(empty!, "en")).toBe("“Reason” is not valid: required.");
    const [long] = fromSchema(body, { reason: "x", label: "abcd" });
    expect(messageFor(long!, "vi")).toBe("Mục «Tên người nhận mã» không hợp lệ: tối đa 3.");
  });

  it("never shows the schema library's English or a raw path, whatever the issue", () => {
    const errors = [
      ...fromSchema(body, { reason: "" }),
      ...fromSchema(body, { reason: 3, label: "x" }),
      ...fromSchema(body, { reason: "x", label: "x", extra: 1 }),
      ...fromSchema(z.strictObject({ when: z.iso.datetime() }), { when: "soon" }),
    ];
    expect(errors.length).toBeGreaterThan(3);
    for (const e of errors)
      for (const locale of ["vi", "en"] as Locale[]) {
        const text = messageFor(e, locale);
        expect(text).not.toMatch(/Too small|Too big|expected|Invalid|Unrecognized|\//);
      }
  });

  it("names a period's state, never its internal word", () => {
    const e: DomainError = { code: "PERIOD_NOT_OPEN", params: { state: "review" } };
    expect(messageFor(e, "vi")).toBe("Kỳ thi đua đang ở trạng thái «Đang thẩm định», không nhận bảng điểm.");
    expect(messageFor({ code: "INVALID_TRANSITION", params: { from: "closed", to: "open" } }, "en")).toBe(
      "The period cannot move from Published to Accepting sheets.",
    );
  });
});

describe("dates in messages", () => {
  it("shows a deadline as a Vietnamese date in Vietnam time, not as ISO text", () => {
    const e = { code: "DEADLINE_PASSED" as const, params: { deadline: "2026-11-29T20:52:29.292Z" } };
    expect(messageFor(e, "vi")).toBe("Đã quá hạn nộp (30/11/2026 03:52).");
    expect(messageFor(e, "en")).toContain("30/11/2026 03:52");
    expect(formatDateTimeVn("2017-12-15T17:00:00+07:00")).toBe("15/12/2017 17:00");
  });
});
