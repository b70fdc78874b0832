/**
 * XML for SpreadsheetML, both ways: escaping text we write (including OOXML's `_xHHHH_` escape for characters XML
 * 1.0 cannot carry) and a small tokenizer for the parts we read from uploads. The tokenizer knows five named
 * entities and numeric references only; a document type declaration is refused before any parsing, so no DTD, no
 * external entity and no entity expansion can ever happen.
 */

// Characters XML 1.0 forbids (C0 controls except tab, LF, CR; U+FFFE/U+FFFF) and lone surrogates.
const FORBIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters we must escape.
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// A cheap first look: only strings with a control character, a non-character or a surrogate need the full pass.
// biome-ignore lint/suspicious/noControlCharactersInRegex: see FORBIDDEN.
const MAYBE_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff\ud800-\udfff]/;
// One test for the common case of text needing nothing at all.
// biome-ignore lint/suspicious/noControlCharactersInRegex: see FORBIDDEN.
const ANY_ESCAPE = /[&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff\ud800-\udfff]/;
const OOXML_ESCAPE = /_x[0-9A-Fa-f]{4}_/;
const NEEDS_TEXT_ESCAPE = /[&<>\r]|_x[0-9A-Fa-f]{4}_/;

/**
 * Escapes text for element content. Carriage returns become `&#13;` (a parser would turn a raw CR into LF), a literal
 * `_x0041_` is protected as `_x005F_x0041_`, and forbidden characters become OOXML escapes.
 * @example escapeText("a<b") // "a&lt;b"
 */
export function escapeText(s: string): string {
  // A character class alone scans fast; the `_xHHHH_` pattern is looked for only where "_x" occurs at all.
  if (!ANY_ESCAPE.test(s) && (s.indexOf("_x") < 0 || !OOXML_ESCAPE.test(s))) return s;
  let out = s;
  if (NEEDS_TEXT_ESCAPE.test(out)) {
    out = out
      .replace(/_(x[0-9A-Fa-f]{4}_)/g, "_x005F_$1")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/\r/g, "&#13;");
  }
  if (MAYBE_FORBIDDEN.test(out)) {
    out = out.replace(FORBIDDEN, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}_`);
  }
  return out;
}

/**
 * `escapeText` for text that `JSON.stringify` wrote (canonical JSON): such text has no control character and no
 * lone surrogate, so six `indexOf` scans (native, vectorised) decide whether it needs escaping at all, instead of
 * `escapeText`'s regular expression over every character (a few milliseconds on a big bloc's inputs).
 */
export function escapeJsonText(s: string): string {
  return s.indexOf("&") < 0 &&
    s.indexOf("<") < 0 &&
    s.indexOf(">") < 0 &&
    s.indexOf("_x") < 0 &&
    s.indexOf("\ufffe") < 0 &&
    s.indexOf("\uffff") < 0
    ? s
    : escapeText(s);
}

/** Escapes an attribute value (double-quoted). */
export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, "&quot;").replace(/\n/g, "&#10;").replace(/\t/g, "&#9;");
}

const UTF8 = new TextEncoder();

/**
 * A growing byte buffer that XML is written into directly, as UTF-8: no intermediate strings to join, no second
 * pass to encode. Markup, numbers and references (ASCII) are copied by a loop; longer or non-ASCII text goes through
 * `TextEncoder.encodeInto`. Strings appended must already be escaped.
 * @example new ByteSink().text("<v>").uint(42).text("</v>").bytes() // the bytes of "<v>42</v>"
 */
export class ByteSink {
  private buf: Uint8Array;
  length = 0;

  constructor(capacity = 1 << 16) {
    this.buf = new Uint8Array(capacity);
  }

  private grow(need: number): void {
    let cap = this.buf.length * 2;
    while (cap < this.length + need) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }

  /** Appends a string as UTF-8. */
  text(s: string): this {
    const n = s.length;
    if (n > 48) return this.utf8(s);
    if (this.length + n > this.buf.length) this.grow(n);
    const b = this.buf;
    let o = this.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) {
        this.length = o;
        return this.utf8(s.slice(i));
      }
      b[o++] = c;
    }
    this.length = o;
    return this;
  }

  private utf8(s: string): this {
    // Encode into the room there is; grow only if the text did not fit (UTF-8 takes up to 3 bytes per UTF-16 unit).
    const r = UTF8.encodeInto(s, this.buf.subarray(this.length));
    this.length += r.written;
    if (r.read < s.length) {
      const rest = r.read ? s.slice(r.read) : s;
      this.grow(rest.length * 3);
      this.length += UTF8.encodeInto(rest, this.buf.subarray(this.length)).written;
    }
    return this;
  }

  /** Appends bytes (markup encoded once, see `ascii`). */
  raw(bytes: Uint8Array): this {
    const n = bytes.length;
    if (this.length + n > this.buf.length) this.grow(n);
    const b = this.buf;
    let o = this.length;
    for (let i = 0; i < n; i++) b[o++] = bytes[i]!;
    this.length = o;
    return this;
  }

  /** Appends a non-negative integer in decimal. */
  uint(n: number): this {
    if (n < 10) {
      if (this.length + 1 > this.buf.length) this.grow(1);
      this.buf[this.length++] = 48 + n;
      return this;
    }
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    if (this.length + digits > this.buf.length) this.grow(digits);
    const b = this.buf;
    let o = this.length + digits;
    this.length = o;
    for (let x = n; o > this.length - digits; x = Math.floor(x / 10)) b[--o] = 48 + (x % 10);
    return this;
  }

  /**
   * Appends a number as `String(n)` writes it (the shortest form that reads back to the same double). Integers and
   * hundredths (points, percentages: most of our numbers) are written digit by digit, without the general algorithm.
   */
  num(n: number): this {
    if (Number.isInteger(n)) return n >= 0 && n < 2 ** 31 ? this.uint(n) : this.text(String(n));
    const k = Math.round(n * 100);
    // k / 100 === n: n is the double nearest to a two-decimal number, whose shortest form is that number.
    if (k / 100 !== n || k >= 2 ** 31 || k <= -(2 ** 31)) return this.text(String(n));
    if (this.length + 16 > this.buf.length) this.grow(16);
    let a = k;
    if (a < 0) {
      this.buf[this.length++] = 45; // -
      a = -a;
    }
    this.uint(Math.floor(a / 100));
    const b = this.buf;
    const frac = a % 100;
    b[this.length++] = 46; // .
    b[this.length++] = 48 + Math.floor(frac / 10);
    if (frac % 10) b[this.length++] = 48 + (frac % 10);
    return this;
  }

  /** The bytes written since the last `take`, copied; the sink starts again empty (its buffer kept). */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.length);
    this.length = 0;
    return out;
  }

  /** The bytes written so far (a view of the buffer). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** Undoes OOXML's `_xHHHH_` escapes in a string read from a part. */
export function unescapeOoxml(s: string): string {
  if (s.indexOf("_x") < 0) return s;
  return s.replace(/_x([0-9A-Fa-f]{4})_/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Decodes the five predefined entities and numeric character references; anything else is kept as written. */
export function decodeEntities(s: string): string {
  if (s.indexOf("&") < 0) return s;
  return s.replace(/&(#x[0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (m, body: string) => {
    if (body[0] === "#") {
      const code = body[1] === "x" ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[body] ?? m;
  });
}

/** True when a part declares a document type (and could therefore declare entities): such parts are refused. */
export function hasDoctype(xml: string): boolean {
  return /<!DOCTYPE|<!ENTITY/i.test(xml);
}

export type XmlEvent =
  | { type: "open"; name: string; attrs: Record<string, string>; selfClosing: boolean }
  | { type: "close"; name: string }
  | { type: "text"; text: string };

/** Local name of a possibly prefixed tag: `x:c` -> `c`. */
function localName(qname: string): string {
  const i = qname.indexOf(":");
  return i < 0 ? qname : qname.slice(i + 1);
}

/** Index of the `>` closing a tag, skipping quoted attribute values (which may hold a raw `>`). */
function tagEnd(xml: string, from: number): number {
  let quote = 0;
  for (let j = from; j < xml.length; j++) {
    const ch = xml.charCodeAt(j);
    if (quote) {
      if (ch === quote) quote = 0;
    } else if (ch === 34 || ch === 39) quote = ch;
    else if (ch === 62) return j;
  }
  return -1;
}

/** `[A-Za-z_]`: where an attribute name may start. */
function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

/** `[\w.:-]`: what an attribute name may go on with. */
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 46 || c === 58 || c === 45;
}

/** `\s`, with a fast path for ASCII. */
function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  return c > 127 && /\s/.test(String.fromCharCode(c));
}

/**
 * The attributes of a start tag's body (after its name): `name = "value"` or `name='value'`, anything else skipped.
 * One pass, never backtracking: every character is looked at a bounded number of times, so a tag of any shape (a
 * name of 100,000 characters with no `=`, thousands of attributes, an unclosed quote) costs time linear in its
 * length. A regular expression (`([A-Za-z_][\w.:-]*)\s*=...`) retried at every position of a long name without `=`
 * took quadratic time: 8.5 s for a 120,000-character name.
 */
export function parseAttrs(s: string): Record<string, string> {
  const attrs: Record<string, string> = Object.create(null);
  const n = s.length;
  // A quote character found to have no closing partner after some position has none after any later one either.
  let noDouble = false;
  let noSingle = false;
  let i = 0;
  while (i < n) {
    if (!isNameStart(s.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    i++;
    while (i < n && isNameChar(s.charCodeAt(i))) i++;
    const nameEnd = i;
    while (i < n && isSpace(s.charCodeAt(i))) i++;
    // No "=": no attribute starts inside this name either (the same name characters follow), so go on after it.
    if (s.charCodeAt(i) !== 61 /* = */) continue;
    i++;
    while (i < n && isSpace(s.charCodeAt(i))) i++;
    const q = s.charCodeAt(i);
    if (q !== 34 && q !== 39) continue;
    if (q === 34 ? noDouble : noSingle) {
      i++;
      continue;
    }
    const close = s.indexOf(q === 34 ? '"' : "'", i + 1);
    if (close < 0) {
      if (q === 34) noDouble = true;
      else noSingle = true;
      i++;
      continue;
    }
    attrs[localName(s.slice(start, nameEnd))] = decodeEntities(s.slice(i + 1, close));
    i = close + 1;
  }
  return attrs;
}

/**
 * Walks an XML document calling `on` for each start tag, end tag and text run (entities decoded, CDATA kept
 * literally). Names are local (prefixes dropped). Comments and processing instructions are skipped. Returns false
 * when the callback asked to stop by returning false.
 */
export function walkXml(xml: string, on: (e: XmlEvent) => boolean | undefined): boolean {
  let i = 0;
  const n = xml.length;
  while (i < n) {
    const lt = xml.indexOf("<", i);
    if (lt < 0) {
      if (i < n && on({ type: "text", text: decodeEntities(xml.slice(i)) }) === false) return false;
      break;
    }
    if (lt > i && on({ type: "text", text: decodeEntities(xml.slice(i, lt)) }) === false) return false;
    const c = xml.charCodeAt(lt + 1);
    if (c === 33 /* ! */) {
      if (xml.startsWith("<![CDATA[", lt)) {
        const end = xml.indexOf("]]>", lt + 9);
        if (end < 0) return true;
        if (on({ type: "text", text: xml.slice(lt + 9, end) }) === false) return false;
        i = end + 3;
      } else {
        const end = xml.startsWith("<!--", lt) ? xml.indexOf("-->", lt + 4) + 2 : xml.indexOf(">", lt);
        if (end < 2) return true;
        i = end + 1;
      }
      continue;
    }
    const gt = tagEnd(xml, lt + 1);
    if (gt < 0) return true;
    if (c === 63 /* ? */) {
      i = gt + 1;
      continue;
    }
    if (c === 47 /* / */) {
      if (on({ type: "close", name: localName(xml.slice(lt + 2, gt).trim()) }) === false) return false;
      i = gt + 1;
      continue;
    }
    let body = xml.slice(lt + 1, gt);
    const selfClosing = body.endsWith("/");
    if (selfClosing) body = body.slice(0, -1);
    const sp = body.search(/\s/);
    const name = localName(sp < 0 ? body : body.slice(0, sp));
    const attrs = sp < 0 ? (Object.create(null) as Record<string, string>) : parseAttrs(body.slice(sp));
    if (on({ type: "open", name, attrs, selfClosing }) === false) return false;
    if (selfClosing && on({ type: "close", name }) === false) return false;
    i = gt + 1;
  }
  return true;
}
