/**
 * Canonical JSON and SHA-256, synchronous and dependency-free, so that a ranking workbook carries the hash of every
 * input it was computed from and anyone can recompute it (`scripts/verify-ranking.mjs`). Canonical JSON: object keys
 * sorted by code unit, no whitespace, strings NFC-normalised, `undefined` members dropped, numbers as JSON.stringify
 * writes them (points are exact two-decimal numbers such as 95.5).
 */

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

function canonical(v: unknown): string {
  if (v === null || typeof v !== "object") {
    if (typeof v === "number") finite(v);
    if (v === undefined || typeof v === "function" || typeof v === "symbol" || typeof v === "bigint")
      throw new TypeError(`canonical JSON: cannot encode ${typeof v}`);
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) {
    const keys = flatKeys(v);
    if (keys) return JSON.stringify(v, keys);
    let s = "[";
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      s += (i ? "," : "") + (x === undefined ? "null" : canonical(x));
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
    s += `${first ? "" : ","}${JSON.stringify(k)}:${canonical(x)}`;
    first = false;
  }
  return `${s}}`;
}

/**
 * Canonical JSON: keys sorted, no whitespace, NFC. Objects are written key by key; arrays of flat records (most
 * of the bytes) by JSON.stringify with their sorted key list, natively. NFC over the whole text equals NFC of each string, since JSON's punctuation and escapes never
 * compose with a combining mark.
 * @example canonicalJson({ b: 1, a: [true, "x"] }) // '{"a":[true,"x"],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return canonical(value).normalize("NFC");
}

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

const W = new Int32Array(64);

/** Compresses 64-byte blocks of `m` from `off` to `end` into the state `h`. */
function blocks(h: Int32Array, m: Uint8Array, off: number, end: number): void {
  const w = W;
  const k = K;
  let h0 = h[0]!;
  let h1 = h[1]!;
  let h2 = h[2]!;
  let h3 = h[3]!;
  let h4 = h[4]!;
  let h5 = h[5]!;
  let h6 = h[6]!;
  let h7 = h[7]!;
  for (let p = off; p < end; p += 64) {
    for (let i = 0; i < 16; i++) {
      const j = p + i * 4;
      w[i] = (m[j]! << 24) | (m[j + 1]! << 16) | (m[j + 2]! << 8) | m[j + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!;
      const b = w[i - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let hh = h7;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (hh + S1 + ((e & f) ^ (~e & g)) + k[i]! + w[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + hh) | 0;
  }
  h[0] = h0;
  h[1] = h1;
  h[2] = h2;
  h[3] = h3;
  h[4] = h4;
  h[5] = h5;
  h[6] = h6;
  h[7] = h7;
}

/**
 * SHA-256 of bytes or of a string's UTF-8, as lowercase hex. Synchronous and in plain JavaScript so that the pure
 * workbook modules need no Web Crypto promise and no Node API.
 * @example sha256Hex("abc") // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 */
export function sha256Hex(input: string | Uint8Array): string {
  const data = typeof input === "string" ? new TextEncoder().encode(input) : input;
  const h = new Int32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  const full = data.length & ~63;
  blocks(h, data, 0, full);
  // The tail: remaining bytes, 0x80, zeros, and the length in bits (big-endian, 64 bits).
  const tail = new Uint8Array(data.length - full + 9 > 64 ? 128 : 64);
  tail.set(data.subarray(full));
  tail[data.length - full] = 0x80;
  const bits = data.length * 8;
  const dv = new DataView(tail.buffer);
  dv.setUint32(tail.length - 8, Math.floor(bits / 2 ** 32));
  dv.setUint32(tail.length - 4, bits >>> 0);
  blocks(h, tail, 0, tail.length);
  let hex = "";
  for (let i = 0; i < 8; i++) hex += (h[i]! >>> 0).toString(16).padStart(8, "0");
  return hex;
}

interface NodeCrypto {
  createHash(algorithm: "sha256"): { update(text: string): { digest(encoding: "hex"): string } };
}

function nodeCrypto(): NodeCrypto | undefined {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const c = proc?.getBuiltinModule?.("node:crypto") as Partial<NodeCrypto> | undefined;
    return typeof c?.createHash === "function" ? (c as NodeCrypto) : undefined;
  } catch {
    return undefined;
  }
}

const NODE_CRYPTO = nodeCrypto();

/**
 * SHA-256 of a string's UTF-8 by the platform's `node:crypto` (Node 22; workerd with `nodejs_compat`), synchronous
 * and native; undefined elsewhere. Cheaper than Web Crypto's `digest` for our inputs: no promise, no job, no
 * separate UTF-8 encoding (0.6 ms against 1.4 ms for the hashes of the 7-unit demo bloc, in Node).
 */
export const nativeSha256Hex: ((text: string) => string) | undefined = NODE_CRYPTO
  ? (text) => NODE_CRYPTO.createHash("sha256").update(text).digest("hex")
  : undefined;
