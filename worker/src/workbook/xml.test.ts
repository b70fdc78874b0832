import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeEntities, escapeAttr, escapeText, unescapeOoxml, walkXml } from "./xml.ts";

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
});
