/**
 * Provenance of a ranking workbook (nguồn gốc dữ liệu): the inputs a bloc table is computed from, their canonical
 * JSON and SHA-256 hashes, and the recomputation that checks a workbook against them. The ranking workbook keeps the
 * canonical JSON in a very hidden sheet and the hashes on its provenance sheet, so anyone holding the file can run
 * `scripts/verify-ranking.mjs` and get the same ranking from the same inputs.
 */
import { type BlocTable, blocRowFigures, type ConsolidateInput, consolidate } from "../../../shared/src/blocTable.ts";
import { canonicalJson, nativeSha256Hex, sha256Hex } from "./hash.ts";

/** Everything `consolidate` reads, with absent parts made explicit so the hash does not depend on omissions. */
export interface RankingInputs {
  period: { id: string; year: number; members: string[] };
  template: ConsolidateInput["template"];
  rulebook: ConsolidateInput["rulebook"];
  units: ConsolidateInput["units"][number][];
  submissions: Record<string, ConsolidateInput["submissions"][string]>;
  reviews: Record<string, NonNullable<ConsolidateInput["reviews"]>[string]>;
  flags: Record<string, NonNullable<ConsolidateInput["flags"]>[string]>;
  ballots: NonNullable<ConsolidateInput["ballots"]> | null;
  /** A sealed vote's result and the hash of its public record; null for a paper vote or none. */
  sealedVote: NonNullable<ConsolidateInput["sealedVote"]> | null;
}

export const INPUT_PARTS = [
  "period",
  "template",
  "rulebook",
  "units",
  "submissions",
  "reviews",
  "flags",
  "ballots",
  "sealedVote",
] as const;
export type InputPart = (typeof INPUT_PARTS)[number];

export const INPUTS_SHEET_NAME = "_inputs";
export const INPUTS_FORMAT = "thidua-ranking-inputs";

/** Normalises a consolidation input into the explicit, hashable form. */
export function rankingInputs(input: ConsolidateInput): RankingInputs {
  return {
    period: { id: input.period.id, year: input.period.year, members: [...input.period.members] },
    template: input.template,
    rulebook: input.rulebook,
    units: [...input.units],
    submissions: { ...input.submissions },
    reviews: { ...(input.reviews ?? {}) },
    flags: { ...(input.flags ?? {}) },
    ballots: input.ballots ?? null,
    sealedVote: input.sealedVote ?? null,
  };
}

export interface InputHashes {
  /** SHA-256 of the canonical JSON of each input part. */
  parts: Record<InputPart, string>;
  /** SHA-256 of the canonical JSON of the part hashes (`{"ballots":"…",…}`): one fingerprint for all inputs. */
  all: string;
  /** Canonical JSON of all inputs together: the text kept in the workbook, as pieces (`Pieces`). */
  pieces: Pieces;
  /** The same text in one string (joined when first read). */
  readonly json: string;
}

/**
 * A text as a list of pieces whose concatenation is the text, cut only at JSON punctuation (never inside a surrogate
 * pair): the parts of a big bloc's inputs are hashed and written into the workbook piece by piece, never joined into
 * one string (joining 1.7 MB, and flattening it when it is first read, was a fifth of the workbook's CPU in workerd).
 */
export type Pieces = readonly string[];

/**
 * The canonical JSON of a part given by the caller instead of `canonicalJson(inputs[part])`: the worker makes the
 * sheets' parts from their texts as stored (worker/src/repository.ts `canonicalEntriesRecord`), which are canonical
 * already, so that the biggest parts are neither parsed nor written again. It must be that same text: the verifier
 * recomputes it from the inputs kept in the workbook.
 */
export type GivenTexts = Partial<Record<InputPart, string | Pieces>>;

function partTexts(inputs: RankingInputs, given: GivenTexts = {}): Record<InputPart, Pieces> {
  const texts = {} as Record<InputPart, Pieces>;
  for (const p of INPUT_PARTS) {
    const g = given[p];
    if (g === undefined && (p === "submissions" || p === "reviews")) textsKept(inputs[p]);
    texts[p] = g === undefined ? [canonicalJson(inputs[p])] : typeof g === "string" ? [g] : g;
  }
  return texts;
}

/**
 * The provenance keeps every sheet whole: a sheet given as its scores alone (`ScoreColumns`, as the worker
 * consolidates) has lost its evidence and notes, so its part's text must come from the stored entries (`GivenTexts`).
 */
function textsKept(sheets: RankingInputs["submissions"]): void {
  for (const [unitId, sheet] of Object.entries(sheets))
    if (sheet !== undefined && !Array.isArray(sheet))
      throw new Error(`the provenance needs ${unitId}'s sheet with its texts, not its scores alone`);
}

/** The canonical JSON of the whole is the parts' texts under sorted keys: no second serialisation. */
function wholeJson(texts: Record<InputPart, Pieces>): Pieces {
  const pieces = ["{"];
  for (const p of [...INPUT_PARTS].sort())
    pieces.push(pieces.length > 1 ? "," : "", JSON.stringify(p), ":", ...texts[p]);
  pieces.push("}");
  return pieces;
}

function hashesOf(parts: Record<InputPart, string>, all: string, texts: Record<InputPart, Pieces>): InputHashes {
  const pieces = wholeJson(texts);
  let json: string | undefined;
  return {
    parts,
    all,
    pieces,
    get json() {
      json ??= pieces.join("");
      return json;
    },
  };
}

/** Canonical JSON and SHA-256 of every input part, and one fingerprint over them (synchronous, plain JavaScript). */
export function hashInputs(inputs: RankingInputs, given?: GivenTexts): InputHashes {
  const texts = partTexts(inputs, given);
  const parts = {} as Record<InputPart, string>;
  for (const p of INPUT_PARTS) parts[p] = sha256Hex(texts[p]);
  return hashesOf(parts, sha256Hex(canonicalJson(parts)), texts);
}

interface SubtleLike {
  digest(algorithm: "SHA-256", data: Uint8Array): Promise<ArrayBuffer>;
}

/**
 * The same hashes with the platform's native SHA-256: what the worker uses, several times faster than `hashInputs` on
 * a big bloc. `node:crypto` where the platform has it (Node, workerd with `nodejs_compat`), else Web Crypto, else
 * `hashInputs`.
 */
export async function hashInputsAsync(inputs: RankingInputs, given?: GivenTexts): Promise<InputHashes> {
  const native = nativeSha256Hex;
  if (native) {
    const texts = partTexts(inputs, given);
    const parts = {} as Record<InputPart, string>;
    for (const p of INPUT_PARTS) parts[p] = native(texts[p]);
    return hashesOf(parts, native(canonicalJson(parts)), texts);
  }
  // Typed loosely: the pure modules compile without DOM or Workers types.
  const subtle = (globalThis as { crypto?: { subtle?: SubtleLike } }).crypto?.subtle;
  if (!subtle) return hashInputs(inputs, given);
  const enc = new TextEncoder();
  const hex = async (text: string) => {
    const d = new Uint8Array(await subtle.digest("SHA-256", enc.encode(text)));
    let h = "";
    for (const b of d) h += b.toString(16).padStart(2, "0");
    return h;
  };
  const texts = partTexts(inputs, given);
  const hashes = await Promise.all(INPUT_PARTS.map((p) => hex(texts[p].join(""))));
  const parts = Object.fromEntries(INPUT_PARTS.map((p, i) => [p, hashes[i]!])) as Record<InputPart, string>;
  return hashesOf(parts, await hex(canonicalJson(parts)), texts);
}

/** Splits text into chunks that fit an Excel cell (32,767 characters), never inside a surrogate pair. */
export function chunkText(text: string, size = 30_000): string[] {
  return chunkPieces([text], size);
}

/**
 * Splits a text given in pieces into chunks that fit an Excel cell (32,767 characters), never inside a surrogate
 * pair: every chunk `size` characters long but the last (one less where a pair would be cut). A chunk made of
 * several pieces' ends is joined; one inside a piece is a slice of it.
 */
export function chunkPieces(pieces: Pieces, size = 30_000): string[] {
  const out: string[] = [];
  let parts: string[] = [];
  let room = size;
  const flush = () => {
    if (parts.length) out.push(parts.length === 1 ? parts[0]! : parts.join(""));
    parts = [];
    room = size;
  };
  for (const text of pieces) {
    let i = 0;
    while (i < text.length) {
      let end = Math.min(i + room, text.length);
      const last = text.charCodeAt(end - 1);
      if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
      if (end > i) {
        parts.push(i === 0 && end === text.length ? text : text.slice(i, end));
        room -= end - i;
        i = end;
      }
      // Full, or the room left would cut a surrogate pair.
      if (room === 0 || i < text.length) flush();
    }
  }
  flush();
  return out;
}

/** A row of the bloc table as a workbook shows it: rank and total are null where the row prints none. */
export interface ShownRow {
  unitId: string;
  rank: number | null;
  total: number | null;
}

export interface VerifyResult {
  ok: boolean;
  /** Problems found, in English for logs and scripts. */
  problems: string[];
  table: BlocTable | null;
}

/**
 * Checks inputs read back from a workbook: the hashes recorded beside them, then the ranking recomputed by the domain
 * core against the ranks and totals the workbook shows (by unit id).
 */
export function verifyRanking(
  json: string,
  recorded: { all?: string; parts?: Partial<Record<InputPart, string>> },
  shown: ShownRow[],
): VerifyResult {
  const problems: string[] = [];
  let inputs: RankingInputs;
  try {
    inputs = JSON.parse(json) as RankingInputs;
  } catch {
    return { ok: false, problems: ["the inputs are not valid JSON"], table: null };
  }
  const hashes = hashInputs(inputs);
  if (hashes.json !== json) problems.push("the inputs are not in canonical form");
  if (recorded.all !== hashes.all)
    problems.push(`hash of all inputs: recorded ${recorded.all}, computed ${hashes.all}`);
  for (const p of INPUT_PARTS) {
    const r = recorded.parts?.[p];
    if (r !== hashes.parts[p]) problems.push(`hash of ${p}: recorded ${r}, computed ${hashes.parts[p]}`);
  }
  const table = consolidate(inputs);
  const byUnit = new Map(table.rows.map((r) => [r.unitId, r]));
  if (shown.length !== table.rows.length)
    problems.push(`the workbook shows ${shown.length} units, the inputs give ${table.rows.length}`);
  for (const s of shown) {
    const r = byUnit.get(s.unitId);
    if (!r) problems.push(`unit ${s.unitId} is not in the inputs`);
    else {
      // Compared as the table prints them: a unit without a sheet shows neither a rank nor a total.
      const f = blocRowFigures(r);
      if (f.rank !== s.rank) problems.push(`rank of ${s.unitId}: shown ${s.rank}, recomputed ${f.rank}`);
      if (f.total !== s.total) problems.push(`total of ${s.unitId}: shown ${s.total}, recomputed ${f.total}`);
    }
  }
  return { ok: problems.length === 0, problems, table };
}
