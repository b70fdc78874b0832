import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ByteSink,
  decodeEntities,
  escapeAttr,
  escapeJsonText,
  escapeText,
  parseAttrs,
  unescapeOoxml,
  walkXml,
} from "./xml.ts";

/** Text written by the writer and read back by the reader's tokenizer. */
function roundTrip(s: string): string {
  let text = "";
  walkXml(`<t>${escapeText(s)}</t>`, (e) => {
    if (e.type === "text") text += e.text;
    return undefined;
  });
  return unescapeOoxml(text);
}

describe("xml", () => {
  it("escapes markup, CR and characters XML cannot carry", () => {
    expect(escapeText("a<b>&c\r")).toBe("a&lt;b&gt;&amp;c&#13;");
    expect(escapeText("\u0001")).toBe("_x0001_");
    expect(escapeText("_x0041_")).toBe("_x005F_x0041_");
    expect(escapeAttr('"\n')).toBe("&quot;&#10;");
  });

  it("any string survives the writer's escaping and the reader's decoding (lone surrogates aside)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        expect(roundTrip(s)).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  it("escapes JSON text exactly as any text", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: "binary" }), (v, s) => {
        for (const json of [JSON.stringify(v), JSON.stringify(s), JSON.stringify({ s, v })])
          expect(escapeJsonText(json)).toBe(escapeText(json));
      }),
      { numRuns: 1000 },
    );
    const tricky = JSON.stringify(["a&b", "<c>", "_x0041_", "\ufffe", "\uffff", "\ud800", "🇻🇳", "\r\n\t"]);
    expect(escapeJsonText(tricky)).toBe(escapeText(tricky));
    expect(escapeJsonText(tricky)).not.toBe(tricky);
  });

  it("decodes only the predefined entities and character references", () => {
    expect(decodeEntities("&lt;&#233;&#x1EC7;&unknown;")).toBe("<éệ&unknown;");
  });

  it("reads tags with prefixes, quoted '>' in attributes and CDATA", () => {
    const seen: string[] = [];
    walkXml('<x:c r="A1" f="a>b"><![CDATA[<raw>]]></x:c>', (e) => {
      seen.push(e.type === "open" ? `${e.name}:${e.attrs.f}` : e.type === "text" ? e.text : `/${e.name}`);
      return undefined;
    });
    expect(seen).toEqual(["c:a>b", "<raw>", "/c"]);
  });

  it("reads attributes exactly as the former regular expression did, on any tag body", () => {
    // The former attribute scan, kept as the oracle: same answers, without its quadratic backtracking.
    const ATTR = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
    const oracle = (body: string) => {
      const out: Record<string, string> = {};
      for (const m of body.matchAll(ATTR)) {
        const name = m[1]!;
        out[name.slice(name.indexOf(":") + 1)] = decodeEntities(m[2] ?? m[3] ?? "");
      }
      return out;
    };
    const attrsOf = (body: string) => ({ ...parseAttrs(body) });
    const piece = fc.constantFrom("a", "x:b", "_c1", "9", ".", "-", "=", " ", "\t", '"', "'", "v", "&amp;", "\u00a0");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const body = pieces.join("");
        expect(attrsOf(body)).toEqual(oracle(body));
      }),
      { numRuns: 3000 },
    );
    expect(attrsOf(`Extension="xml" ${"a".repeat(50)} ContentType='t'`)).toEqual({
      Extension: "xml",
      ContentType: "t",
    });
  });

  it("ByteSink writes text as UTF-8 and numbers exactly as String() does", () => {
    const utf8 = (f: (b: ByteSink) => void) => {
      const b = new ByteSink(4);
      f(b);
      return new TextDecoder().decode(b.bytes());
    };
    const long = "Cộng hòa xã hội chủ nghĩa Việt Nam ".repeat(40);
    expect(utf8((b) => b.text("<v>").uint(0).text("ệ").uint(1234567).text(long).text("</v>"))).toBe(
      `<v>0ệ1234567${long}</v>`,
    );
    expect(utf8((b) => b.raw(new TextEncoder().encode("<c>")).raw(new Uint8Array(0)).text(long))).toBe(`<c>${long}`);
    const num = (n: number) => utf8((b) => b.num(n));
    for (const n of [0, -0, 7, -7, 0.5, 0.05, -0.25, 12.1, 99.99, 0.1 + 0.2, 1e21, 2 ** 31, -(2 ** 31), 1e-7])
      expect(num(n)).toBe(String(n));
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31) + 1, max: 2 ** 31 - 1 }), (k) => {
        expect(num(k / 100)).toBe(String(k / 100));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(num(x)).toBe(String(x));
      }),
      { numRuns: 2000 },
    );
  });
});
