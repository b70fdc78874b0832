import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, nativeSha256Hex, sha256Hex } from "./hash.ts";
import { chunkPieces } from "./provenance.ts";

/** The definition, written the slow obvious way. */
function reference(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : reference(x))).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k.normalize("NFC"))}:${reference(o[k])}`).join(",")}}`;
  }
  return typeof v === "string" ? JSON.stringify(v.normalize("NFC")) : JSON.stringify(v);
}

describe("sha256Hex", () => {
  it("equals node:crypto at every padding boundary", () => {
    for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 65_537]) {
      const s = "ệ".repeat(n);
      expect(sha256Hex(s)).toBe(createHash("sha256").update(s).digest("hex"));
    }
  });

  it("equals node:crypto on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(sha256Hex(b)).toBe(createHash("sha256").update(b).digest("hex"));
      }),
    );
  });

  it("the platform's SHA-256 (the worker's path) equals the JavaScript one", () => {
    expect(nativeSha256Hex).toBeDefined(); // Node 22 has process.getBuiltinModule("node:crypto")
    expect(nativeSha256Hex!("Cộng hòa 🇻🇳")).toBe(sha256Hex("Cộng hòa 🇻🇳"));
  });

  it("hashes a text given in pieces as the whole text, natively and in JavaScript", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "grapheme", maxLength: 90 }), { maxLength: 8 }), (pieces) => {
        const whole = createHash("sha256").update(pieces.join("")).digest("hex");
        expect(sha256Hex(pieces)).toBe(whole);
        expect(nativeSha256Hex!(pieces)).toBe(whole);
      }),
    );
  });
});

describe("chunkPieces", () => {
  it("cuts a text in pieces into cells of the given size, never inside a surrogate pair, losing nothing", () => {
    const piece = fc.string({ unit: fc.constantFrom("a", "ệ", "😀", "{", '"'), maxLength: 40 });
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.integer({ min: 2, max: 17 }), (pieces, size) => {
        const chunks = chunkPieces(pieces, size) as string[];
        expect(chunks.join("")).toBe(pieces.join(""));
        chunks.forEach((c, i) => {
          expect(c.length).toBeGreaterThan(0);
          expect(c.length).toBeLessThanOrEqual(size);
          // Full but for a pair that did not fit; the last one holds what is left.
          if (i < chunks.length - 1) expect(c.length).toBeGreaterThanOrEqual(size - 1);
          expect(/[\ud800-\udbff]$/.test(c)).toBe(false);
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe("canonicalJson", () => {
  it("sorts keys at every depth, drops undefined members, NFC-normalises", () => {
    expect(canonicalJson({ b: 1, a: [{ z: 1, y: "Hoa\u0300" }, 2], u: undefined })).toBe(
      '{"a":[{"y":"Hoà","z":1},2],"b":1}',
    );
  });

  it("normalises each string, never the text: an escape's letter and a combining mark stay apart", () => {
    // "\n" + U+0301 is NFC (nothing composes with a line feed), but its JSON `\n` + U+0301 is not: NFC over the
    // text made `\ń`, which is not JSON.
    for (const s of ["\n\u0301", "\t\u030c", "\u000e\u0301", "\ud83a\u0300", '"\u0301', "\\\u0301"]) {
      const v = [
        { a: s, b: 1 },
        { x: [s], [s]: s },
      ];
      const text = canonicalJson(v);
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)));
      expect(text).toBe(reference(v));
    }
    const awkward = fc.string({
      unit: fc.constantFrom("n", "a", "\n", "\u000e", "\ud83a", "\u0301", "\u0300", "e\u0323\u0302", '"'),
    });
    fc.assert(
      fc.property(fc.array(fc.record({ a: awkward, b: awkward })), fc.dictionary(awkward, awkward), (flat, record) => {
        for (const v of [flat, record]) {
          const text = canonicalJson(v);
          expect(text).toBe(reference(v));
          expect(() => JSON.parse(text)).not.toThrow();
        }
      }),
      { numRuns: 500 },
    );
  });

  it("keeps __proto__ as an ordinary key and refuses non-finite numbers", () => {
    expect(canonicalJson(JSON.parse('[{"__proto__":1,"a":2},{"a":3}]'))).toBe('[{"__proto__":1,"a":2},{"a":3}]');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(RangeError);
    expect(() => canonicalJson([{ a: Number.POSITIVE_INFINITY }])).toThrow(RangeError);
  });

  it("equals the definition on arbitrary JSON (the fast path for arrays of flat records included)", () => {
    const record = fc.dictionary(
      fc.string({ maxLength: 4 }),
      fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.array(record), fc.dictionary(fc.string(), fc.array(record))), (v) => {
        expect(canonicalJson(v)).toBe(reference(v));
      }),
      { numRuns: 500 },
    );
  });

  it("puts a stored sheet's cell in a cell of its own, with the text before it as its prefix where both fit", () => {
    // A stored cell stands for `chars` characters; here it is drawn as that many "#".
    const stored = fc.integer({ min: 1, max: 30_000 }).map((chars) => ({
      z: new Uint8Array(0),
      crc: 0,
      size: 0,
      chars,
      first: "#",
    }));
    const text = fc.string({ unit: fc.constantFrom("a", "😀", ","), maxLength: 40_000 });
    fc.assert(
      fc.property(fc.array(fc.oneof(text, stored), { maxLength: 8 }), (pieces) => {
        const drawn = (p: string | { chars: number }) => (typeof p === "string" ? p : "#".repeat(p.chars));
        const chunks = chunkPieces(pieces);
        expect(chunks.map((c) => (typeof c === "string" ? c : c.prefix + drawn(c.cell))).join("")).toBe(
          pieces.map(drawn).join(""),
        );
        expect(chunks.filter((c) => typeof c !== "string")).toHaveLength(
          pieces.filter((p) => typeof p !== "string").length,
        );
        for (const c of chunks) {
          const length = typeof c === "string" ? c.length : c.prefix.length + c.cell.chars;
          expect(length).toBeLessThanOrEqual(32_767);
          expect(length).toBeGreaterThan(0);
          expect(/[\ud800-\udbff]$/.test(typeof c === "string" ? c : c.prefix)).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });
});
