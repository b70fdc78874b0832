/**
 * A zip reader for hostile uploads. It trusts nothing the archive declares: the central directory is bounded (entry
 * count, name length), each entry is inflated by streaming in small slices while the bytes REALLY produced are
 * counted against per-entry and total budgets, and inflation stops at the first byte over budget. Memory and time
 * are therefore bounded by the budgets, whatever the declared sizes say (a zip bomb declares small sizes).
 */
import { Inflate } from "fflate";

export interface ZipLimits {
  /** Largest archive accepted, in bytes. */
  maxCompressed: number;
  /** Bytes one entry may inflate to. */
  maxEntryBytes: number;
  /** Bytes all entries read may inflate to together. */
  maxTotalBytes: number;
  /** Entries in the central directory. */
  maxEntries: number;
}

export type ZipFailure =
  | "not_zip"
  | "too_large"
  | "too_many_entries"
  | "zip_bomb"
  | "encrypted_zip"
  | "unsupported_compression"
  | "duplicate_entry"
  | "corrupt";

export class ZipError extends Error {
  constructor(
    readonly reason: ZipFailure,
    detail: string,
  ) {
    super(detail);
  }
}

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  declaredSize: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const CEN = 0x02014b50;
const LOC = 0x04034b50;
const SLICE = 4096;

/** Reads the central directory. Throws `ZipError`. */
export function listZip(bytes: Uint8Array, limits: ZipLimits): Map<string, ZipEntry> {
  if (bytes.length > limits.maxCompressed) throw new ZipError("too_large", `archive of ${bytes.length} bytes`);
  if (bytes.length < 22) throw new ZipError("not_zip", "too short for a zip");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end of central directory record sits in the last 22 + 65535 bytes.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (dv.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError("not_zip", "no end of central directory");
  const count = dv.getUint16(eocd + 10, true);
  const cdSize = dv.getUint32(eocd + 12, true);
  const cdOffset = dv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff) throw new ZipError("too_large", "zip64 archives are not accepted");
  if (count > limits.maxEntries) throw new ZipError("too_many_entries", `${count} entries`);
  if (cdOffset + cdSize > eocd) throw new ZipError("corrupt", "central directory out of bounds");
  const entries = new Map<string, ZipEntry>();
  // Part names are compared without case, as OPC does: two entries of one name are refused, whichever a reader picks.
  const seen = new Set<string>();
  const dec = new TextDecoder();
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > eocd || dv.getUint32(p, true) !== CEN) throw new ZipError("corrupt", "bad central directory entry");
    const flags = dv.getUint16(p + 8, true);
    const method = dv.getUint16(p + 10, true);
    const compressedSize = dv.getUint32(p + 20, true);
    const declaredSize = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    const localOffset = dv.getUint32(p + 42, true);
    if (p + 46 + nameLen > eocd) throw new ZipError("corrupt", "entry name out of bounds");
    const name = dec.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    const key = name.replace(/^\//, "").toLowerCase();
    if (seen.has(key)) throw new ZipError("duplicate_entry", name);
    seen.add(key);
    entries.set(name, { name, method, flags, compressedSize, declaredSize, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** A budget shared by the entries read from one archive. */
export class InflateBudget {
  used = 0;
  constructor(readonly limits: ZipLimits) {}
}

/** Inflates one entry, counting real output bytes against the budgets. Throws `ZipError`. */
export function readEntry(bytes: Uint8Array, e: ZipEntry, budget: InflateBudget): Uint8Array {
  if (e.flags & 1) throw new ZipError("encrypted_zip", `${e.name} is encrypted`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = e.localOffset;
  if (lo + 30 > bytes.length || dv.getUint32(lo, true) !== LOC)
    throw new ZipError("corrupt", `bad local header of ${e.name}`);
  const start = lo + 30 + dv.getUint16(lo + 26, true) + dv.getUint16(lo + 28, true);
  const end = start + e.compressedSize;
  if (end > bytes.length) throw new ZipError("corrupt", `${e.name} runs past the end`);
  const data = bytes.subarray(start, end);
  const { maxEntryBytes, maxTotalBytes } = budget.limits;
  if (e.method === 0) {
    if (data.length > maxEntryBytes || budget.used + data.length > maxTotalBytes)
      throw new ZipError("zip_bomb", `${e.name} is too large`);
    budget.used += data.length;
    return data.slice();
  }
  if (e.method !== 8) throw new ZipError("unsupported_compression", `${e.name}: method ${e.method}`);
  const chunks: Uint8Array[] = [];
  let produced = 0;
  let over = false;
  let done = false;
  const inflater = new Inflate((chunk, final) => {
    produced += chunk.length;
    if (produced > maxEntryBytes || budget.used + produced > maxTotalBytes) {
      over = true;
      return;
    }
    chunks.push(chunk);
    if (final) done = true;
  });
  try {
    for (let i = 0; i < data.length && !over; i += SLICE) {
      const last = i + SLICE >= data.length;
      inflater.push(data.subarray(i, Math.min(i + SLICE, data.length)), last);
    }
    if (data.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (err) {
    if (!over) throw new ZipError("corrupt", `${e.name}: ${(err as Error).message}`);
  }
  if (over) throw new ZipError("zip_bomb", `${e.name} inflates beyond the limit`);
  if (!done && produced === 0 && data.length > 0) throw new ZipError("corrupt", `${e.name}: no data`);
  budget.used += produced;
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(produced);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
