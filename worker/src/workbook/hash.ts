/**
 * Canonical JSON and SHA-256, synchronous, so that a ranking workbook carries the hash of every
 * input it was computed from and anyone can recompute it (`scripts/verify-ranking.mjs`). Canonical JSON: object keys
 * sorted by code unit, no whitespace, strings NFC-normalised, `undefined` members dropped, numbers as JSON.stringify
 * writes them (points are exact two-decimal numbers such as 95.5).
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { builtinModule } from "./builtin.ts";

function finite(n: number): number {
  if (!Number.isFinite(n)) throw new RangeError("canonical JSON: not a finite number");
  return n;
}

/**
 * The sorted union of the keys of an array of flat records (objects whose values are all primitives), or null when
 * the array holds anything else. Such arrays (a sheet's entries, a bloc's units) are most of the bytes we hash, and
 * JSON.stringify with a key list writes them natively in canonical order.
 */
function flatKeys(a: readonly unknown[]): string[] | null {
  if (a.length === 0) return null;
  const keys = new Set<string>();
  for (const x of a) {
    if (x === null || typeof x !== "object" || Array.isArray(x)) return null;
    const o = x as Record<string, unknown>;
    for (const k in o) {
      if (!Object.hasOwn(o, k)) continue;
      const v = o[k];
      if (v !== null && typeof v === "object") return null;
      if (typeof v === "number") finite(v);
      keys.add(k);
    }
  }
  // "__proto__" in a key list would read the prototype of objects that lack it as an own key.
  if (keys.has("__proto__")) return null;
  return [...keys].sort();
}

/** Canonical JSON as written; `nfc`: every string and key NFC-normalised on the way (the definition). */
function canonical(v: unknown, nfc: boolean): string {
  if (v === null || typeof v !== "object") {
    if (typeof v === "number") finite(v);
    if (v === undefined || typeof v === "function" || typeof v === "symbol" || typeof v === "bigint")
      throw new TypeError(`canonical JSON: cannot encode ${typeof v}`);
    return JSON.stringify(nfc && typeof v === "string" ? v.normalize("NFC") : v);
  }
  if (Array.isArray(v)) {
    const keys = nfc ? null : flatKeys(v);
    if (keys) return JSON.stringify(v, keys);
    let s = "[";
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      s += (i ? "," : "") + (x === undefined ? "null" : canonical(x, nfc));
    }
    return `${s}]`;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  let s = "{";
  let first = true;
  for (const k of keys) {
    const x = o[k];
    if (x === undefined) continue;
    s += `${first ? "" : ","}${JSON.stringify(nfc ? k.normalize("NFC") : k)}:${canonical(x, nfc)}`;
    first = false;
  }
  return `${s}}`;
}

/**
 * Canonical JSON: keys sorted, no whitespace, every string and key NFC. Objects are written key by key; arrays of
 * flat records (most of the bytes) by JSON.stringify with their sorted key list, natively, without normalising their
 * strings: when the text so written is NFC, so is every string in it, and it is the answer. Otherwise (a string not
 * NFC, or an escape's letter followed by a combining mark, as `"\n\u0301"` written `\n` + U+0301, which NFC over
 * the text would compose into `ń` and so break the JSON) the text is written again, normalising string by string.
 * @example canonicalJson({ b: 1, a: [true, "x"] }) // '{"a":[true,"x"],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const text = canonical(value, false);
  return text.normalize("NFC") === text ? text : canonical(value, true);
}

/**
 * SHA-256 of bytes or of a string's UTF-8, as lowercase hex: `@noble/hashes` (audited, synchronous, plain JavaScript),
 * so that the pure workbook modules need no Web Crypto promise and no Node API. It replaced a hand-written SHA-256:
 * on 1.3 MB of canonical JSON both take about 28 ms in Node once warm (`bench/RESULTS-ballot.md`).
 * @example sha256Hex("abc") // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 */
export function sha256Hex(input: string | Uint8Array | readonly string[]): string {
  if (typeof input === "string" || input instanceof Uint8Array)
    return bytesToHex(sha256(typeof input === "string" ? utf8ToBytes(input) : input));
  // A text in pieces (none cut inside a surrogate pair): the UTF-8 of the whole is the pieces' UTF-8 one after another.
  const h = sha256.create();
  for (const piece of input) h.update(utf8ToBytes(piece));
  return bytesToHex(h.digest());
}

interface NodeHash {
  update(data: string | Uint8Array): NodeHash;
  digest(encoding: "hex"): string;
}

interface NodeCrypto {
  createHash(algorithm: "sha256"): NodeHash;
}

function nodeCrypto(): NodeCrypto | undefined {
  const c = builtinModule<NodeCrypto>("node:crypto");
  return typeof c?.createHash === "function" ? (c as NodeCrypto) : undefined;
}

const NODE_CRYPTO = nodeCrypto();

/**
 * Whether this is the Workers runtime (its documented `navigator.userAgent`). There `node:crypto` takes a string
 * through a Buffer made in JavaScript, and a `TextEncoder` (native) is 3x cheaper than that: 0.5 ms against 1.5 ms
 * for 830 KB of canonical JSON (`bench/RESULTS-cloudflare.md`, round 6). In Node it is the other way round (the string
 * is encoded natively; 0.8 ms against 3.5 ms with a `TextEncoder` first).
 */
const IN_WORKERS = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === "Cloudflare-Workers";
const ENCODER = new TextEncoder();

/**
 * SHA-256 of a string's UTF-8 (or of a text in pieces, none cut inside a surrogate pair) by the platform's
 * `node:crypto` (Node 22; workerd with `nodejs_compat`), synchronous and native; undefined elsewhere. Cheaper than Web
 * Crypto's `digest` for our inputs: no promise, no job (0.6 ms against 1.4 ms for the hashes of the 7-unit demo bloc,
 * in Node).
 */
export const nativeSha256Hex: ((text: string | readonly string[]) => string) | undefined = NODE_CRYPTO
  ? (text) => {
      const h = NODE_CRYPTO.createHash("sha256");
      for (const piece of typeof text === "string" ? [text] : text)
        h.update(IN_WORKERS ? ENCODER.encode(piece) : piece);
      return h.digest("hex");
    }
  : undefined;
