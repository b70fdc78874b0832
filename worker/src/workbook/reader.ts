/**
 * Reading uploaded workbooks (tệp Excel tải lên). Uploads are hostile until proven otherwise: the bytes are sniffed
 * (.xls and password-protected files are OLE2 containers, refused with their own reason), the zip is read under hard
 * limits (see `zip.ts`), parts with a document type declaration are refused, and cells and shared strings are
 * counted. Every refusal is data: a stable reason, the HTTP status it maps to and a domain error for the client.
 *
 * The thidua sheet is found by content, never by name or position: the metadata sheet is whichever sheet holds
 * thidua metadata rows, and the scoring sheet is whichever sheet carries the criterion codes where the metadata says
 * they are. A file re-saved by Excel or LibreOffice, with sheets reordered or renamed, is still recognised.
 */
import { type DomainError, domainError, type ErrorCode } from "../../../shared/src/errors.ts";
import { rowsToMeta, type SheetMeta } from "../../../shared/src/layout.ts";
import { decodeEntities, hasDoctype, unescapeOoxml, walkXml } from "./xml.ts";
import { InflateBudget, listZip, readEntry, ZipError, type ZipLimits } from "./zip.ts";

export interface UploadLimits extends ZipLimits {
  maxCells: number;
  maxSharedStrings: number;
  /** Characters across all shared strings. */
  maxSharedStringChars: number;
  maxSheets: number;
}

/**
 * Only this corner of a sheet is kept: a thidua sheet is 8 columns wide and at most a few thousand rows long (2,000
 * criteria), and its metadata sheet 2 columns. Cells beyond are ignored, so a file with one cell per row in column XFD
 * or a cell in row 1,048,576 cannot make the grid (and the memory behind it) huge.
 */
export const MAX_READ_ROWS = 20_000;
export const MAX_READ_COLUMNS = 64;

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  // The same 2 MiB as the worker's body limit (a filled template is about 60 KiB), so one limit answers either way.
  maxCompressed: 2 * 1024 * 1024,
  maxEntryBytes: 16 * 1024 * 1024,
  maxTotalBytes: 32 * 1024 * 1024,
  maxEntries: 256,
  maxCells: 200_000,
  maxSharedStrings: 50_000,
  maxSharedStringChars: 4_000_000,
  maxSheets: 64,
};

export type UploadRefusal =
  | "too_large"
  | "zip_bomb"
  | "too_many_entries"
  | "too_many_cells"
  | "shared_strings_too_large"
  | "not_xlsx"
  | "xls"
  | "wrong_content_type"
  | "encrypted"
  | "dtd"
  | "duplicate_part"
  | "corrupt"
  | "not_recognised";

/** The HTTP status of each refusal: 413 for size, 415 for what is not an .xlsx, 422 for a readable but unusable file. */
export const REFUSAL_STATUS: Record<UploadRefusal, 413 | 415 | 422> = {
  too_large: 413,
  zip_bomb: 413,
  too_many_entries: 413,
  too_many_cells: 413,
  shared_strings_too_large: 413,
  not_xlsx: 415,
  xls: 415,
  wrong_content_type: 415,
  encrypted: 422,
  dtd: 422,
  duplicate_part: 422,
  corrupt: 422,
  not_recognised: 422,
};

/** The error code of each refusal: each has its own text in Vietnamese and in English (shared/src/messages.ts). */
const REFUSAL_CODE: Record<Exclude<UploadRefusal, "too_large" | "not_recognised">, ErrorCode> = {
  zip_bomb: "UPLOAD_ZIP_BOMB",
  too_many_entries: "UPLOAD_TOO_MANY_ENTRIES",
  too_many_cells: "UPLOAD_TOO_MANY_CELLS",
  shared_strings_too_large: "UPLOAD_TOO_MUCH_TEXT",
  not_xlsx: "UPLOAD_NOT_XLSX",
  xls: "UPLOAD_XLS",
  wrong_content_type: "UPLOAD_NOT_XLSX",
  encrypted: "UPLOAD_ENCRYPTED",
  dtd: "UPLOAD_DTD",
  duplicate_part: "UPLOAD_DUPLICATE_PART",
  corrupt: "UPLOAD_CORRUPT",
};

export interface Refused {
  ok: false;
  reason: UploadRefusal;
  status: 413 | 415 | 422;
  /** What the client sees (code and params from the domain catalogue). */
  error: DomainError;
  /** English detail for logs. */
  detail: string;
}

function refuse(reason: UploadRefusal, detail: string, limits?: UploadLimits): Refused {
  let error: DomainError;
  if (reason === "too_large")
    error = domainError("PAYLOAD_TOO_LARGE", {}, { max: limits?.maxCompressed ?? DEFAULT_UPLOAD_LIMITS.maxCompressed });
  else if (reason === "not_recognised") error = domainError("SHEET_NOT_RECOGNISED");
  // A duplicated part is named (the name is the zip's own, at most 64 KiB: cut for the message).
  else if (reason === "duplicate_part")
    error = domainError(REFUSAL_CODE[reason], {}, { reason, name: detail.slice(0, 200) });
  else error = domainError(REFUSAL_CODE[reason], {}, { reason });
  return { ok: false, reason, status: REFUSAL_STATUS[reason], error, detail };
}

class Refusal extends Error {
  constructor(
    readonly reason: UploadRefusal,
    detail: string,
  ) {
    super(detail);
  }
}

export type GridValue = string | number | boolean | null;

export interface ReadSheet {
  name: string;
  state: "visible" | "hidden" | "veryHidden";
  /** grid[row][col], zero-based; null for an empty cell. Formula cells hold their cached value. */
  grid: GridValue[][];
}

export interface ReadBook {
  sheets: ReadSheet[];
}

const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const MAIN_TYPES = new Set([
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
]);

function startsWith(bytes: Uint8Array, sig: readonly number[]): boolean {
  return sig.every((b, i) => bytes[i] === b);
}

/** UTF-16LE bytes of a stream name, to find "EncryptedPackage" in an OLE2 directory. */
function containsUtf16(bytes: Uint8Array, text: string): boolean {
  const first = text.charCodeAt(0);
  outer: for (let i = 0; i + text.length * 2 <= bytes.length; i++) {
    if (bytes[i] !== first || bytes[i + 1] !== 0) continue;
    for (let j = 1; j < text.length; j++)
      if (bytes[i + 2 * j] !== text.charCodeAt(j) || bytes[i + 2 * j + 1] !== 0) continue outer;
    return true;
  }
  return false;
}

function decode(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  return new TextDecoder().decode(bytes);
}

/** Resolves a relationship target against the folder of its source part. */
function resolve(base: string, target: string): string {
  if (target.startsWith("/")) return target.slice(1);
  const parts = base.split("/").filter(Boolean);
  for (const seg of target.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== "." && seg !== "") parts.push(seg);
  }
  return parts.join("/");
}

/** Column letters of an A1 reference to a zero-based index. */
function colOf(ref: string): number {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else break;
  }
  return col - 1;
}

class Book {
  private readonly budget: InflateBudget;
  private readonly entries: ReturnType<typeof listZip>;
  cells = 0;

  constructor(
    private readonly bytes: Uint8Array,
    readonly limits: UploadLimits,
  ) {
    this.entries = listZip(bytes, limits);
    this.budget = new InflateBudget(limits);
  }

  has(path: string): boolean {
    return this.entries.has(path);
  }

  /** A part as text, refused if it declares a document type. */
  part(path: string): string | null {
    const e = this.entries.get(path);
    if (!e) return null;
    const xml = decode(readEntry(this.bytes, e, this.budget));
    if (hasDoctype(xml)) throw new Refusal("dtd", `${path} declares a document type`);
    return xml;
  }

  rels(path: string): Map<string, { type: string; target: string }> {
    const slash = path.lastIndexOf("/");
    const relsPath = `${path.slice(0, slash + 1)}_rels/${path.slice(slash + 1)}.rels`;
    const out = new Map<string, { type: string; target: string }>();
    const xml = this.part(relsPath);
    if (!xml) return out;
    const dir = path.slice(0, slash + 1);
    walkXml(xml, (e) => {
      if (
        e.type === "open" &&
        e.name === "Relationship" &&
        e.attrs.Id &&
        e.attrs.Target &&
        e.attrs.TargetMode !== "External"
      )
        out.set(e.attrs.Id, { type: e.attrs.Type ?? "", target: resolve(dir, e.attrs.Target) });
      return undefined;
    });
    return out;
  }

  sharedStrings(path: string | undefined): string[] {
    if (!path) return [];
    const xml = this.part(path);
    if (!xml) return [];
    const out: string[] = [];
    let chars = 0;
    let inSi = false;
    let inT = false;
    let inPhonetic = 0;
    let cur = "";
    const { maxSharedStrings, maxSharedStringChars } = this.limits;
    walkXml(xml, (e) => {
      if (e.type === "open") {
        if (e.name === "si") {
          inSi = true;
          cur = "";
        } else if (e.name === "rPh") inPhonetic++;
        else if (e.name === "t" && inSi && !inPhonetic) inT = !e.selfClosing;
      } else if (e.type === "close") {
        if (e.name === "si") {
          inSi = false;
          if (out.length >= maxSharedStrings)
            throw new Refusal("shared_strings_too_large", `more than ${maxSharedStrings} shared strings`);
          out.push(unescapeOoxml(cur));
        } else if (e.name === "rPh") inPhonetic--;
        else if (e.name === "t") inT = false;
      } else if (inT) {
        chars += e.text.length;
        if (chars > maxSharedStringChars)
          throw new Refusal("shared_strings_too_large", `shared strings over ${maxSharedStringChars} characters`);
        cur += e.text;
      }
      return undefined;
    });
    return out;
  }

  /** Reads one worksheet part into a grid of cached values. */
  sheet(path: string, sst: readonly string[]): GridValue[][] {
    const xml = this.part(path);
    if (xml === null) return [];
    const grid: GridValue[][] = [];
    let rowIdx = -1;
    let colIdx = -1;
    let type = "n";
    let raw: string | null = null;
    let inline = "";
    let inV = false;
    let inIs = 0;
    let inT = false;
    let inCell = false;
    const maxCells = this.limits.maxCells;
    walkXml(xml, (e) => {
      if (e.type === "open") {
        switch (e.name) {
          case "row": {
            const r = Number(e.attrs.r);
            rowIdx = Number.isInteger(r) && r > 0 ? r - 1 : rowIdx + 1;
            colIdx = -1;
            break;
          }
          case "c": {
            const ref = e.attrs.r;
            if (ref) {
              colIdx = colOf(ref);
              const r = Number(ref.replace(/^[A-Za-z]+/, ""));
              if (Number.isInteger(r) && r > 0) rowIdx = r - 1;
            } else colIdx++;
            type = e.attrs.t ?? "n";
            raw = null;
            inline = "";
            inCell = true;
            if (++this.cells > maxCells) throw new Refusal("too_many_cells", `more than ${maxCells} cells`);
            break;
          }
          case "v":
            if (inCell) {
              inV = !e.selfClosing;
              raw = "";
            }
            break;
          case "is":
            inIs++;
            break;
          case "t":
            if (inIs) inT = !e.selfClosing;
            break;
          case "rPh":
            inT = false;
            break;
        }
      } else if (e.type === "close") {
        if (e.name === "v") inV = false;
        else if (e.name === "t") inT = false;
        else if (e.name === "is") inIs--;
        else if (e.name === "c" && inCell) {
          inCell = false;
          const value = cellValue(type, raw, inline, sst);
          if (value !== null && rowIdx >= 0 && colIdx >= 0 && rowIdx < MAX_READ_ROWS && colIdx < MAX_READ_COLUMNS) {
            let line = grid[rowIdx];
            if (!line) {
              line = [];
              grid[rowIdx] = line;
            }
            line[colIdx] = value;
          }
        }
      } else if (inV) raw = (raw ?? "") + e.text;
      else if (inT) inline += e.text;
      return undefined;
    });
    // Dense rows: holes become null so that callers can index safely.
    for (let r = 0; r < grid.length; r++) {
      const line = grid[r] ?? [];
      for (let c = 0; c < line.length; c++) if (line[c] === undefined) line[c] = null;
      grid[r] = line;
    }
    return grid;
  }
}

function cellValue(type: string, raw: string | null, inline: string, sst: readonly string[]): GridValue {
  switch (type) {
    case "s": {
      const i = Number(raw);
      return Number.isInteger(i) && i >= 0 && i < sst.length ? sst[i]! : null;
    }
    case "inlineStr":
      return unescapeOoxml(inline);
    case "str":
      return raw === null ? null : unescapeOoxml(raw);
    case "b":
      return raw === null ? null : raw.trim() === "1" || raw.trim() === "true";
    case "e":
      return raw;
    case "d":
      return raw;
    default: {
      if (raw === null || raw.trim() === "") return null;
      const n = Number(raw);
      return Number.isFinite(n) ? n : raw;
    }
  }
}

/**
 * Opens an .xlsx under the limits and reads every worksheet's cached values. Throws nothing: refusals are data.
 * @example const r = readWorkbook(bytes); if (r.ok) r.book.sheets.map(s => s.name)
 */
export function readWorkbook(
  bytes: Uint8Array,
  limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
): { ok: true; book: ReadBook } | Refused {
  if (bytes.length > limits.maxCompressed) return refuse("too_large", `${bytes.length} bytes`, limits);
  if (startsWith(bytes, OLE2)) {
    return containsUtf16(bytes, "EncryptedPackage") || containsUtf16(bytes, "EncryptionInfo")
      ? refuse("encrypted", "OLE2 container with an encrypted package")
      : refuse("xls", "OLE2 compound document (Excel 97-2003)");
  }
  if (!startsWith(bytes, [0x50, 0x4b])) return refuse("not_xlsx", "no zip signature");
  try {
    const book = new Book(bytes, limits);
    const types = book.part("[Content_Types].xml");
    if (types === null) return refuse("wrong_content_type", "no [Content_Types].xml");
    const rootRels = book.rels("");
    let main: string | undefined;
    for (const r of rootRels.values()) if (r.type.endsWith("/officeDocument")) main = r.target;
    if (!main || !book.has(main)) return refuse("wrong_content_type", "no office document part");
    let mainType = "";
    walkXml(types, (e) => {
      if (e.type === "open" && e.name === "Override" && e.attrs.PartName?.replace(/^\//, "") === main)
        mainType = e.attrs.ContentType ?? "";
      return undefined;
    });
    if (!MAIN_TYPES.has(mainType)) return refuse("wrong_content_type", `main part is ${mainType || "untyped"}`);
    const wbXml = book.part(main)!;
    const rels = book.rels(main);
    const sheetRefs: { name: string; state: ReadSheet["state"]; rid: string }[] = [];
    walkXml(wbXml, (e) => {
      if (e.type === "open" && e.name === "sheet")
        sheetRefs.push({
          name: decodeEntities(e.attrs.name ?? ""),
          state: e.attrs.state === "hidden" || e.attrs.state === "veryHidden" ? e.attrs.state : "visible",
          rid: e.attrs.id ?? "",
        });
      return undefined;
    });
    if (sheetRefs.length > limits.maxSheets) return refuse("too_many_entries", `${sheetRefs.length} sheets`);
    let sstPath: string | undefined;
    for (const r of rels.values()) if (r.type.endsWith("/sharedStrings")) sstPath = r.target;
    const sst = book.sharedStrings(sstPath);
    const sheets: ReadSheet[] = [];
    for (const s of sheetRefs) {
      const rel = rels.get(s.rid);
      if (!rel || !rel.type.endsWith("/worksheet")) continue; // chart sheets, dialog sheets
      sheets.push({ name: s.name, state: s.state, grid: book.sheet(rel.target, sst) });
    }
    return { ok: true, book: { sheets } };
  } catch (err) {
    if (err instanceof Refusal) return refuse(err.reason, err.message, limits);
    if (err instanceof ZipError) {
      const map: Record<ZipError["reason"], UploadRefusal> = {
        not_zip: "not_xlsx",
        too_large: "too_large",
        too_many_entries: "too_many_entries",
        zip_bomb: "zip_bomb",
        encrypted_zip: "encrypted",
        unsupported_compression: "corrupt",
        duplicate_entry: "duplicate_part",
        corrupt: "corrupt",
      };
      return refuse(map[err.reason], err.message, limits);
    }
    return refuse("corrupt", err instanceof Error ? err.message : "unreadable");
  }
}

export interface Upload {
  ok: true;
  meta: SheetMeta;
  /** The scoring sheet's grid, for `readSheet(meta, grid)`. */
  grid: GridValue[][];
  /** The scoring sheet's name in the file (it may have been renamed). */
  sheetName: string;
  metaSheetName: string;
}

/**
 * How many of the metadata's criterion codes a grid carries in column A, on any row: rows may have been moved, and
 * the scores are then read by code (`readSheetByCode`), never by the rows the metadata remembers.
 */
function codeMatches(meta: SheetMeta, grid: readonly (readonly GridValue[])[]): number {
  const inColumnA = new Set<string>();
  for (const line of grid) {
    const v = line?.[0];
    if (v !== null && v !== undefined) inColumnA.add(String(v).trim());
  }
  let n = 0;
  for (const code of Object.keys(meta.rows)) if (inColumnA.has(code)) n++;
  return n;
}

/**
 * Reads an uploaded template workbook: finds the thidua metadata sheet and the scoring sheet by content and returns
 * them for `readSheet`. Refusals (size, type, encryption, not recognised) are data with an HTTP status.
 * @example const up = readUpload(bytes); if (up.ok) validateSubmission(template, { ..., entries: readSheet(up.meta, up.grid) })
 */
export function readUpload(bytes: Uint8Array, limits: UploadLimits = DEFAULT_UPLOAD_LIMITS): Upload | Refused {
  const read = readWorkbook(bytes, limits);
  if (!read.ok) return read;
  const { sheets } = read.book;
  const metas: { meta: SheetMeta; sheet: ReadSheet }[] = [];
  for (const s of sheets) {
    const meta = rowsToMeta(s.grid);
    if (meta) metas.push({ meta, sheet: s });
  }
  if (!metas.length) return refuse("not_recognised", "no sheet holds thidua metadata");
  // Several metadata sheets (a sheet copied into another file): take the one whose scoring sheet is present.
  let best: { meta: SheetMeta; sheet: ReadSheet; scoring: ReadSheet; score: number } | null = null;
  for (const m of metas) {
    const wanted = Object.keys(m.meta.rows).length;
    for (const s of sheets) {
      if (s === m.sheet || metas.some((x) => x.sheet === s)) continue;
      const score = codeMatches(m.meta, s.grid) + (s.name === m.meta.sheetName ? 0.5 : 0);
      if (wanted > 0 && score >= wanted * 0.8 && (!best || score > best.score)) best = { ...m, scoring: s, score };
    }
  }
  if (!best) return refuse("not_recognised", "no sheet carries the criterion codes the metadata names");
  return {
    ok: true,
    meta: best.meta,
    grid: best.scoring.grid,
    sheetName: best.scoring.name,
    metaSheetName: best.sheet.name,
  };
}

/**
 * Whether an upload's metadata names the period and unit it was sent to; the domain error to return when not.
 * @example checkUploadTarget(up.meta, "khoi-viii-2017", "vks-tphcm") // null
 */
export function checkUploadTarget(meta: SheetMeta, periodId: string, unitId: string): DomainError | null {
  if (meta.periodId !== periodId)
    return domainError("SHEET_WRONG_PERIOD", {}, { received: meta.periodId, expected: periodId });
  if (meta.unitId !== unitId) return domainError("SHEET_WRONG_UNIT", {}, { received: meta.unitId, expected: unitId });
  return null;
}
