/** The pane's catalogue: both languages say the same things with the same placeholders. */
import { describe, expect, it } from "vitest";
import { setLocale, t, UI, type UiKey } from "./i18n.ts";

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
});
