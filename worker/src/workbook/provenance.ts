/**
 * Provenance of a ranking workbook (nguồn gốc dữ liệu): the inputs a bloc table is computed from, their canonical
 * JSON and SHA-256 hashes, and the recomputation that checks a workbook against them. The ranking workbook keeps the
 * canonical JSON in a very hidden sheet and the hashes on its provenance sheet, so anyone holding the file can run
 * `scripts/verify-ranking.mjs` and get the same ranking from the same inputs.
 */
import { type BlocTable, blocRowFigures, type ConsolidateInput, consolidate } from "../../../shared/src/blocTable.ts";
import { canonicalJson, nativeSha256Hex, sha256Hex } from "./hash.ts";
import type { Deflated } from "./zipwrite.ts";

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
/**
 * The format of the inputs sheet, and of its hashes. Version 2 (2026-12-06): a record of sheets (`submissions`,
 * `reviews`) is hashed as the canonical JSON of its sheets' own SHA-256s (`{"unit":"<sha256 of the sheet's canonical
 * JSON>",...}`), so that each sheet's hash is taken once, when it is pushed, and a workbook is built without reading its
 * text (`StoredCell`). Every other part, and `all`, as in version 1.
 */
export const INPUTS_FORMAT = "thidua-ranking-inputs/2";
/** Version 1 (until 2026-12-06): every part hashed as its canonical JSON. Workbooks made then still verify. */
export const INPUTS_FORMAT_V1 = "thidua-ranking-inputs";
export type InputsVersion = 1 | 2;

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
  /** The format the hashes follow (`INPUTS_FORMAT`, or `INPUTS_FORMAT_V1` to check an old workbook). */
  version: InputsVersion;
  /** SHA-256 of each input part: its canonical JSON's, or for a record of sheets (version 2) see `INPUTS_FORMAT`. */
  parts: Record<InputPart, string>;
  /** SHA-256 of the canonical JSON of the part hashes (`{"ballots":"…",…}`): one fingerprint for all inputs. */
  all: string;
  /** Canonical JSON of all inputs together: the text kept in the workbook, as pieces (`Pieces`). */
  pieces: Pieces;
  /** The same text in one string (joined when first read; not where a piece is a `StoredCell`). */
  readonly json: string;
}

/**
 * Up to 30,000 characters of a stored sheet's canonical text, deflated when the sheet was pushed (`storedSheet`): a
 * cell of the inputs sheet, written into the workbook as it is (`Sheet.setDeflated`), never read as text here.
 */
export interface StoredCell extends Deflated {
  /** Its length in characters. */
  chars: number;
  /** Its first character. */
  first: string;
}

/**
 * A text as a list of pieces whose concatenation is the text, cut only at JSON punctuation (never inside a surrogate
 * pair): the parts of a big bloc's inputs are hashed and written into the workbook piece by piece, never joined into
 * one string (joining 1.7 MB, and flattening it when it is first read, was a fifth of the workbook's CPU in workerd).
 * A piece may be a stored sheet's cell, deflated already (`StoredCell`).
 */
export type Pieces = readonly (string | StoredCell)[];

/**
 * A sheet of a record of sheets, as the worker gives it (worker/src/service.ts `periodData`): its canonical JSON
 * (`text`) or its stored cells (`cells`, `storedSheet`), and the SHA-256 of that text (computed here when absent).
 */
export type SheetText = { text: string; hash?: string } | { cells: readonly StoredCell[]; hash: string };

/**
 * The sheets of the `submissions` and `reviews` parts given by the caller instead of their canonical JSON made here:
 * the worker gives them as stored (canonical already), so that the biggest parts are neither parsed nor written again,
 * nor, with their stored cells, even read. They must be those same texts: the verifier recomputes them from the
 * inputs kept in the workbook.
 */
export type GivenTexts = Partial<Record<"submissions" | "reviews", Iterable<readonly [string, SheetText]>>>;

type Hasher = (text: string | readonly string[]) => string;

const byKey = ([a]: readonly [string, unknown], [b]: readonly [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

/** The sheets of a record, by unit in key order: as given, or each one's canonical JSON. */
function sheetsOf(
  record: RankingInputs["submissions"],
  given: Iterable<readonly [string, SheetText]> | undefined,
): (readonly [string, SheetText])[] {
  if (given) return [...given].sort(byKey);
  textsKept(record);
  // As `canonicalJson` writes an object: keys sorted as they are, then normalised.
  return Object.entries(record)
    .filter(([, sheet]) => sheet !== undefined)
    .sort(byKey)
    .map(([unit, sheet]) => [unit.normalize("NFC"), { text: canonicalJson(sheet) }] as const);
}

/**
 * The canonical JSON and SHA-256 of a template or rulebook object already hashed: a published version never changes,
 * and the worker keeps each one's parsed object for the isolate's life (worker/src/repository.ts `getVersioned`),
 * so a bloc's workbooks hash it once. Objects, not ids, are the keys: a template made or changed in memory is a new
 * object (the domain core's per-template caches rely on the same).
 */
const VERSIONED = new WeakMap<object, { text: string; hash: string }>();

/** The parts' texts and hashes, with a given hasher (JavaScript's or the platform's). */
function computeHashes(inputs: RankingInputs, given: GivenTexts, hash: Hasher, version: InputsVersion): InputHashes {
  const texts = {} as Record<InputPart, Pieces>;
  const parts = {} as Record<InputPart, string>;
  for (const p of INPUT_PARTS) {
    if (p === "submissions" || p === "reviews") {
      const sheets = sheetsOf(inputs[p], given[p]);
      const pieces: (string | StoredCell)[] = ["{"];
      // No prototype: a unit named "__proto__" is a key like any other (the verifier reads any text).
      const hashes = Object.create(null) as Record<string, string>;
      for (const [unit, sheet] of sheets) {
        pieces.push(`${pieces.length > 1 ? "," : ""}${JSON.stringify(unit)}:`);
        if ("cells" in sheet) pieces.push(...sheet.cells);
        else pieces.push(sheet.text);
        if (version === 2) hashes[unit] = sheet.hash ?? hash((sheet as { text: string }).text);
      }
      pieces.push("}");
      texts[p] = pieces;
      parts[p] = version === 2 ? hash(canonicalJson(hashes)) : hash(textOf(pieces));
    } else {
      const versioned = (p === "template" || p === "rulebook") && typeof inputs[p] === "object" ? inputs[p] : null;
      const known = versioned ? VERSIONED.get(versioned) : undefined;
      const text = known?.text ?? canonicalJson(inputs[p]);
      texts[p] = [text];
      parts[p] = known?.hash ?? hash(text);
      if (versioned && !known) VERSIONED.set(versioned, { text, hash: parts[p] });
    }
  }
  const all = hash(canonicalJson(parts));
  const pieces = wholeJson(texts);
  let json: string | undefined;
  return {
    version,
    parts,
    all,
    pieces,
    get json() {
      json ??= textOf(pieces).join("");
      return json;
    },
  };
}

/** Pieces that are all text (a stored cell has none to give). */
function textOf(pieces: Pieces): string[] {
  for (const p of pieces) if (typeof p !== "string") throw new Error("a stored sheet's cells are not text");
  return pieces as string[];
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
  const pieces: (string | StoredCell)[] = ["{"];
  for (const p of [...INPUT_PARTS].sort())
    pieces.push(`${pieces.length > 1 ? "," : ""}${JSON.stringify(p)}:`, ...texts[p]);
  pieces.push("}");
  return pieces;
}

/**
 * Canonical JSON and SHA-256 of every input part, and one fingerprint over them (synchronous, plain JavaScript).
 * `version` 1: the hashes of a workbook made before 2026-12-06 (`INPUTS_FORMAT_V1`), to verify it.
 */
export function hashInputs(inputs: RankingInputs, given: GivenTexts = {}, version: InputsVersion = 2): InputHashes {
  return computeHashes(inputs, given, sha256Hex, version);
}

/**
 * The same hashes with the platform's native SHA-256 (`node:crypto`: Node, workerd with `nodejs_compat` as the worker
 * runs), several times faster than `hashInputs` on a big bloc; `hashInputs` where there is none. Asynchronous for the
 * callers' sake (a platform with Web Crypto alone would need it).
 */
export async function hashInputsAsync(inputs: RankingInputs, given: GivenTexts = {}): Promise<InputHashes> {
  return computeHashes(inputs, given, nativeSha256Hex ?? sha256Hex, 2);
}

/** Splits text into chunks that fit an Excel cell (32,767 characters), never inside a surrogate pair. */
export function chunkText(text: string, size = 30_000): string[] {
  return chunkPieces([text], size) as string[];
}

/** A cell of the inputs sheet: text, or a text (`prefix`) followed by a stored sheet's cell. */
export type Chunk = string | { prefix: string; cell: StoredCell };

/** An Excel cell's limit in characters. */
const CELL_CHARS = 32_767;

/**
 * Splits a text given in pieces into chunks that fit an Excel cell (32,767 characters), never inside a surrogate
 * pair: every chunk `size` characters long but the last (one less where a pair would be cut). A chunk made of
 * several pieces' ends is joined; one inside a piece is a slice of it. A stored cell (`StoredCell`) ends a chunk:
 * the text before it in the chunk becomes its prefix where both fit in a cell.
 */
export function chunkPieces(pieces: Pieces, size = 30_000): Chunk[] {
  const out: Chunk[] = [];
  let parts: string[] = [];
  let room = size;
  const joined = () => (parts.length === 1 ? parts[0]! : parts.join(""));
  const flush = () => {
    if (parts.length) out.push(joined());
    parts = [];
    room = size;
  };
  for (const text of pieces) {
    if (typeof text !== "string") {
      if (size - room + text.chars > CELL_CHARS) flush();
      out.push({ prefix: parts.length ? joined() : "", cell: text });
      parts = [];
      room = size;
      continue;
    }
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
  recorded: { all?: string; parts?: Partial<Record<InputPart, string>>; format: string },
  shown: ShownRow[],
): VerifyResult {
  const problems: string[] = [];
  let inputs: RankingInputs;
  try {
    inputs = JSON.parse(json) as RankingInputs;
  } catch {
    return { ok: false, problems: ["the inputs are not valid JSON"], table: null };
  }
  const hashes = hashInputs(inputs, {}, recorded.format === INPUTS_FORMAT_V1 ? 1 : 2);
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
