/**
 * Points (điểm) as integer hundredths.
 *
 * Every score in thidua has at most two fractional digits. Arithmetic happens on integers of hundredths so that
 * 0.1 + 0.2 is 0.3 everywhere: in the core, on the wire and in Excel.
 *
 * @example
 * parsePoints("95,5") // { ok: true, hundredths: 9550 }
 * formatPointsVi(9550) // "95,50"
 */

/** Integer hundredths of a point. */
export type Hundredths = number;

/** The largest score we accept: 10 million points, far above any real template, well inside safe integers. */
export const MAX_POINTS_HUNDREDTHS = 1_000_000_000;

export type PointsParse =
  | { ok: true; hundredths: Hundredths }
  | { ok: false; reason: "empty" | "not_a_number" | "too_many_decimals" | "negative" | "too_large" };

const DECIMAL = /^([0-9]+)(?:[.,]([0-9]+))?$/;

/**
 * Parses a score typed by a person or sent as JSON. Accepts numbers and strings with "." or "," as the decimal
 * separator ("95,5" and "95.5" alike). Refuses NaN, Infinity, negatives and more than two decimals.
 */
export function parsePoints(input: unknown): PointsParse {
  if (input === null || input === undefined) return { ok: false, reason: "empty" };
  if (typeof input === "number") return fromNumber(input);
  if (typeof input !== "string") return { ok: false, reason: "not_a_number" };
  const text = input.trim().replace(/\u00a0/g, "");
  if (text === "") return { ok: false, reason: "empty" };
  if (text.startsWith("-")) {
    const rest = parsePoints(text.slice(1));
    return rest.ok && rest.hundredths === 0 ? rest : rest.ok ? { ok: false, reason: "negative" } : rest;
  }
  const m = DECIMAL.exec(text.startsWith("+") ? text.slice(1) : text);
  if (!m) return { ok: false, reason: "not_a_number" };
  const whole = m[1]!;
  const frac = (m[2] ?? "").replace(/0+$/, "");
  if (frac.length > 2) return { ok: false, reason: "too_many_decimals" };
  // A long number is a number too large, not "not a number" (what a clerk typing 12 digits should be told).
  if (whole.replace(/^0+/, "").length > 10) return { ok: false, reason: "too_large" };
  const h = Number(whole) * 100 + Number(frac.padEnd(2, "0"));
  if (h > MAX_POINTS_HUNDREDTHS) return { ok: false, reason: "too_large" };
  return { ok: true, hundredths: h };
}

function fromNumber(n: number): PointsParse {
  if (!Number.isFinite(n)) return { ok: false, reason: "not_a_number" };
  if (n < 0) return { ok: false, reason: "negative" };
  const h = Math.round(n * 100);
  if (h > MAX_POINTS_HUNDREDTHS) return { ok: false, reason: "too_large" };
  // Exact two-decimal numbers survive the round trip: 0.1 -> 10 -> 0.1. 0.125 or 0.30000000000000004 do not.
  if (h / 100 !== n) return { ok: false, reason: "too_many_decimals" };
  return { ok: true, hundredths: h };
}

/** True when `n` is a finite, non-negative number with at most two decimals. */
export function isPoints(n: unknown): n is number {
  return typeof n === "number" && fromNumber(n).ok;
}

/** Hundredths to a JSON/Excel number. The division is exact to the printed digits: 30 -> 0.3. */
export function toNumber(h: Hundredths): number {
  return h / 100;
}

/** A number known to be valid points (checked by the schema) to hundredths. */
export function toHundredths(n: number): Hundredths {
  return Math.round(n * 100);
}

/**
 * Vietnamese reading of points: "95,5" (comma decimal, dot thousands, trailing zero dropped).
 * @example formatPointsVi(9550) // "95,5"
 */
export function formatPointsVi(h: Hundredths): string {
  return formatPoints(h, ",", ".");
}

/** English reading of points: "95.5". */
export function formatPointsEn(h: Hundredths): string {
  return formatPoints(h, ".", ",");
}

function formatPoints(h: Hundredths, dec: string, thousands: string): string {
  const sign = h < 0 ? "-" : "";
  const abs = Math.abs(h);
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
  const frac = (abs % 100).toString().padStart(2, "0").replace(/0+$/, "");
  return sign + whole + (frac ? dec + frac : "");
}

/** A rational number such as a quorum of 2/3, kept exact. */
export interface Fraction {
  num: number;
  den: number;
}

/** `a/b` compared with ratio r by cross-multiplication: returns -1, 0 or 1. */
export function compareFraction(a: number, b: number, r: Fraction): -1 | 0 | 1 {
  const left = a * r.den;
  const right = r.num * b;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Percentage with two decimals from a fraction, for display only ("57,14%"). */
export function percentHundredths(a: number, b: number): Hundredths {
  if (b === 0) return 0;
  return Math.round((a * 10000) / b);
}
