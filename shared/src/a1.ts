/** A1 addresses (địa chỉ ô): zero-based row and column to "D12" and back. */

export function columnLetter(col: number): string {
  let n = col + 1;
  let s = "";
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** @example address(11, 3) // "D12" */
export function address(row: number, col: number): string {
  return columnLetter(col) + (row + 1);
}

/** @example parseAddress("D12") // { row: 11, col: 3 } */
export function parseAddress(a1: string): { row: number; col: number } | null {
  const m = /^\$?([A-Z]{1,3})\$?([0-9]{1,7})$/.exec(a1.toUpperCase());
  if (!m) return null;
  let col = 0;
  for (const ch of m[1]!) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { row: Number(m[2]) - 1, col: col - 1 };
}

/** "A1:F1" from two corners. */
export function rangeAddress(r1: number, c1: number, r2: number, c2: number): string {
  return `${address(r1, c1)}:${address(r2, c2)}`;
}
