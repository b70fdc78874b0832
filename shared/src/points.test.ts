import { describe, expect, it } from "vitest";
import { formatPointsVi, parsePoints, toNumber } from "./points.ts";

describe("parsePoints", () => {
  it("reads Vietnamese and English decimals alike", () => {
    expect(parsePoints("95,5")).toEqual({ ok: true, hundredths: 9550 });
    expect(parsePoints("95.5")).toEqual({ ok: true, hundredths: 9550 });
    expect(parsePoints(95.5)).toEqual({ ok: true, hundredths: 9550 });
  });
  it("refuses what is not a two-decimal non-negative number", () => {
    expect(parsePoints(Number.NaN)).toEqual({ ok: false, reason: "not_a_number" });
    expect(parsePoints(Number.POSITIVE_INFINITY)).toEqual({ ok: false, reason: "not_a_number" });
    expect(parsePoints("1,255")).toEqual({ ok: false, reason: "too_many_decimals" });
    expect(parsePoints(0.1 + 0.2)).toEqual({ ok: false, reason: "too_many_decimals" });
    expect(parsePoints("-1")).toEqual({ ok: false, reason: "negative" });
    expect(parsePoints("abc")).toEqual({ ok: false, reason: "not_a_number" });
    expect(parsePoints("")).toEqual({ ok: false, reason: "empty" });
    expect(parsePoints("123456789012")).toEqual({ ok: false, reason: "too_large" });
    expect(parsePoints(1e12)).toEqual({ ok: false, reason: "too_large" });
    expect(parsePoints(" 95,50 ")).toEqual({ ok: true, hundredths: 9550 });
    expect(parsePoints("-0")).toEqual({ ok: true, hundredths: 0 });
  });
  it("adds 0.1 and 0.2 to exactly 0.3", () => {
    const a = parsePoints("0,1");
    const b = parsePoints("0.2");
    if (!a.ok || !b.ok) throw new Error("parse failed");
    expect(toNumber(a.hundredths + b.hundredths)).toBe(0.3);
    expect(formatPointsVi(a.hundredths + b.hundredths)).toBe("0,3");
  });
});
