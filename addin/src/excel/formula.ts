/**
 * A small evaluator for the formulas our sheets contain (công thức): SUM, ROUND, MIN, MAX, IF, SUMPRODUCT, + - * /,
 * comparisons, cell references and ranges. Enough for the in-memory workbook to show the totals Excel would show;
 * anything else evaluates to the "#NAME?" error, as Excel does for an unknown function.
 */
import { parseAddress } from "../../../shared/src/a1.ts";

export type Scalar = number | string | boolean | null;
type Val = Scalar | Scalar[];

export type CellLookup = (row: number, col: number) => Scalar;

class FormulaError extends Error {}

type Tok =
  | { t: "num"; v: number }
  | { t: "str"; v: string }
  | { t: "ref"; v: string }
  | { t: "id"; v: string }
  | { t: "op"; v: string };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === " ") {
      i++;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let s = "";
      while (j < src.length) {
        if (src[j] === '"') {
          if (src[j + 1] === '"') {
            s += '"';
            j += 2;
            continue;
          }
          break;
        }
        s += src[j];
        j++;
      }
      out.push({ t: "str", v: s });
      i = j + 1;
      continue;
    }
    const num = /^\d+(\.\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ t: "num", v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const ref = /^\$?[A-Z]{1,3}\$?\d+(:\$?[A-Z]{1,3}\$?\d+)?/.exec(src.slice(i));
    if (ref && !/^[A-Z]+\(/.test(src.slice(i))) {
      out.push({ t: "ref", v: ref[0].replace(/\$/g, "") });
      i += ref[0].length;
      continue;
    }
    const id = /^[A-Z][A-Z0-9.]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: "id", v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = /^(<>|<=|>=|[-+*/=<>(),&])/.exec(src.slice(i));
    if (!op) throw new FormulaError(`unexpected ${ch}`);
    out.push({ t: "op", v: op[0] });
    i += op[0].length;
  }
  return out;
}

const num = (v: Scalar): number => {
  if (v === null || v === "") return 0;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return v;
  const n = Number(v);
  if (Number.isNaN(n)) throw new FormulaError("#VALUE!");
  return n;
};

function lift(a: Val, b: Val, f: (x: Scalar, y: Scalar) => Scalar): Val {
  if (Array.isArray(a) || Array.isArray(b)) {
    const n = Array.isArray(a) ? a.length : (b as Scalar[]).length;
    return Array.from({ length: n }, (_, i) => f(Array.isArray(a) ? a[i]! : a, Array.isArray(b) ? b[i]! : b));
  }
  return f(a, b);
}

function compare(op: string, x: Scalar, y: Scalar): boolean {
  const a = x === null ? (typeof y === "string" ? "" : 0) : x;
  const b = y === null ? (typeof x === "string" ? "" : 0) : y;
  const c = typeof a === "string" && typeof b === "string" ? a.localeCompare(b) : num(a) - num(b);
  switch (op) {
    case "=":
      return typeof a === typeof b ? c === 0 : false;
    case "<>":
      return typeof a === typeof b ? c !== 0 : true;
    case "<":
      return c < 0;
    case ">":
      return c > 0;
    case "<=":
      return c <= 0;
    default:
      return c >= 0;
  }
}

/** Rounds half away from zero at `digits`, on the decimal text, as Excel's ROUND does. */
function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return (Math.sign(x) * Math.round(Math.abs(x) * f + 1e-9)) / f;
}

/**
 * Evaluates a formula ("=..."). Errors come back as Excel's error strings.
 * @example evaluate("=ROUND(SUM(A1:A2),2)", lookup) // 3.5
 */
export function evaluate(formula: string, lookup: CellLookup): Scalar {
  try {
    const toks = tokenize(formula.replace(/^=/, ""));
    let p = 0;
    const peek = () => toks[p];
    const eat = (v?: string) => {
      const t = toks[p++];
      if (!t || (v !== undefined && t.v !== v)) throw new FormulaError("syntax");
      return t;
    };
    const range = (ref: string): Val => {
      const [a, b] = ref.split(":");
      const s = parseAddress(a!)!;
      if (!b) return lookup(s.row, s.col);
      const e = parseAddress(b)!;
      const out: Scalar[] = [];
      for (let r = Math.min(s.row, e.row); r <= Math.max(s.row, e.row); r++)
        for (let c = Math.min(s.col, e.col); c <= Math.max(s.col, e.col); c++) out.push(lookup(r, c));
      return out;
    };
    const flat = (args: Val[]) =>
      args.flatMap((a) => (Array.isArray(a) ? a.filter((x) => typeof x === "number") : [a]));
    const call = (name: string, args: Val[]): Val => {
      switch (name) {
        case "SUM":
          return flat(args).reduce<number>((s, v) => s + num(v), 0);
        case "MIN":
          return Math.min(...flat(args).map(num));
        case "MAX":
          return Math.max(...flat(args).map(num));
        case "ROUND":
          return round(num(args[0] as Scalar), num(args[1] as Scalar));
        case "IF":
          return num(args[0] as Scalar) ? (args[1] ?? true) : (args[2] ?? false);
        case "SUMPRODUCT": {
          const arrays = args.map((a) => (Array.isArray(a) ? a : [a]));
          const n = arrays[0]!.length;
          let s = 0;
          for (let i = 0; i < n; i++) s += arrays.reduce((prod, arr) => prod * num(arr[i] ?? 0), 1);
          return s;
        }
        default:
          throw new FormulaError("#NAME?");
      }
    };
    const primary = (): Val => {
      const t = eat();
      if (t.t === "num" || t.t === "str") return t.v;
      if (t.t === "ref") return range(String(t.v));
      if (t.t === "id") {
        const name = String(t.v);
        if (name === "TRUE" || name === "FALSE") return name === "TRUE";
        eat("(");
        const args: Val[] = [];
        if (peek()?.v !== ")") {
          args.push(expr());
          while (peek()?.v === ",") {
            eat(",");
            args.push(expr());
          }
        }
        eat(")");
        return call(name, args);
      }
      if (t.v === "(") {
        const v = expr();
        eat(")");
        return v;
      }
      if (t.v === "-") return lift(primary(), null, (x) => -num(x));
      if (t.v === "+") return primary();
      throw new FormulaError("syntax");
    };
    const term = (): Val => {
      let v = primary();
      while (peek()?.v === "*" || peek()?.v === "/") {
        const op = eat().v;
        const r = primary();
        v = lift(v, r, (x, y) => (op === "*" ? num(x) * num(y) : num(x) / num(y)));
      }
      return v;
    };
    const additive = (): Val => {
      let v = term();
      while (peek()?.v === "+" || peek()?.v === "-" || peek()?.v === "&") {
        const op = eat().v;
        const r = term();
        v = lift(v, r, (x, y) =>
          op === "&" ? `${x ?? ""}${y ?? ""}` : op === "+" ? num(x) + num(y) : num(x) - num(y),
        );
      }
      return v;
    };
    const expr = (): Val => {
      let v = additive();
      while (["=", "<>", "<", ">", "<=", ">="].includes(String(peek()?.v))) {
        const op = String(eat().v);
        const r = additive();
        v = lift(v, r, (x, y) => compare(op, x, y));
      }
      return v;
    };
    const v = expr();
    if (p !== toks.length) throw new FormulaError("syntax");
    const s = Array.isArray(v) ? (v[0] ?? null) : v;
    return typeof s === "number" ? Math.round(s * 1e9) / 1e9 : s;
  } catch (e) {
    if (e instanceof FormulaError && e.message.startsWith("#")) return e.message;
    return "#NAME?";
  }
}
