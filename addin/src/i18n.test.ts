/** The pane's catalogue: both languages say the same things with the same placeholders. */
import { describe, expect, it } from "vitest";
import { dateTime, plural, points, setLocale, t, UI, type UiKey } from "./i18n.ts";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("UI catalogue", () => {
  it("has every key in both languages, none empty, with the same placeholders", () => {
    const keys = Object.keys(UI.vi) as UiKey[];
    expect(Object.keys(UI.en).sort()).toEqual([...keys].sort());
    for (const k of keys) {
      expect(UI.vi[k].trim(), k).not.toBe("");
      expect(UI.en[k].trim(), k).not.toBe("");
      expect(placeholders(UI.en[k]), k).toEqual(placeholders(UI.vi[k]));
    }
  });
  it("fills placeholders in the current language, Vietnamese first", () => {
    setLocale("vi");
    expect(t("receiptRevision", { revision: 3 })).toBe("Lần nộp: 3");
    setLocale("en");
    expect(t("receiptRevision", { revision: 3 })).toBe("Revision: 3");
    setLocale("vi");
  });

  it("shows points with two decimals everywhere, dates as dd/mm/yyyy HH:mm, English plurals by count", () => {
    setLocale("vi");
    expect(points(92)).toBe("92,00");
    expect(points(3.5)).toBe("3,50");
    const at = new Date(2026, 10, 29, 14, 5).toISOString();
    expect(dateTime(at)).toBe("29/11/2026 14:05");
    expect(plural("tallyUnit", 1, { unit: "A", votes: 1, pct: "10,00", passed: "" })).toContain("1 phiếu");
    setLocale("en");
    expect(points(92)).toBe("92.00");
    expect(dateTime(at)).toBe("29/11/2026 14:05");
    expect(plural("tallyUnit", 1, { unit: "A", votes: 1, pct: "10.00", passed: "" })).toContain("1 vote (");
    expect(plural("tallyUnit", 2, { unit: "A", votes: 2, pct: "20.00", passed: "" })).toContain("2 votes (");
    expect(plural("paperCount", 1, { valid: 1, invalid: 0 })).toBe("1 ballot: 1 valid, 0 invalid.");
    setLocale("vi");
  });
});
