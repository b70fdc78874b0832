/**
 * Validation of a sheet against its template (kiểm tra bảng điểm). Finds every problem in one pass, never only the
 * first, and never throws on arbitrary input: a clerk fixing a sheet wants the whole list at once.
 */
import { type DomainError, domainError } from "./errors.ts";
import { formatPointsEn, type Hundredths, MAX_POINTS_HUNDREDTHS, parsePoints } from "./points.ts";
import {
  cleanText,
  type Entry,
  type EntryInput,
  LIMITS,
  ReviewPush,
  SubmissionPush,
  type Template,
  zodErrors,
} from "./schemas.ts";
import { entryLines, lineEntries, type SheetLines } from "./scoring.ts";
import { type Leaf, leafIndex } from "./template.ts";

/** The largest number of points a score may have, as a JSON number. */
const MAX_POINTS = MAX_POINTS_HUNDREDTHS / 100;

export type EntryMode = "submission" | "review";

/** Re-exported for callers that imported it from here. */
export { leafIndex };

/** The criterion code without surrounding white space (`trim`, skipped when the ends are plainly not space). */
function cleanCode(s: string): string {
  const n = s.length;
  return n > 0 && s.charCodeAt(0) > 32 && s.charCodeAt(n - 1) > 32 && s.charCodeAt(0) < 127 && s.charCodeAt(n - 1) < 127
    ? s
    : s.trim();
}

/** A readable score that breaks the criterion's maximum or step. */
function scoreError(leaf: Leaf, cell: string | undefined, i: number, score: Hundredths): DomainError {
  const where = { criterion: leaf.code, cell, path: "/entries/" + i };
  const value = formatPointsEn(score);
  return score > leaf.max
    ? domainError("SCORE_ABOVE_MAX", where, { value, max: formatPointsEn(leaf.max) })
    : domainError("SCORE_NOT_MULTIPLE_OF_STEP", where, { value, step: formatPointsEn(leaf.step) });
}

/** A score that was given but cannot be read as points. */
function unreadableScoreError(
  leaf: Leaf,
  cell: string | undefined,
  raw: unknown,
  i: number,
  reason: "not_a_number" | "too_many_decimals" | "negative" | "too_large",
): DomainError {
  const where = { criterion: leaf.code, cell, path: "/entries/" + i };
  const value = describe(raw);
  if (reason === "too_large") return domainError("SCORE_ABOVE_MAX", where, { value, max: formatPointsEn(leaf.max) });
  const code =
    reason === "negative"
      ? "SCORE_NEGATIVE"
      : reason === "too_many_decimals"
        ? "SCORE_TOO_MANY_DECIMALS"
        : "SCORE_INVALID";
  return domainError(code, where, { value });
}

function describe(raw: unknown): string {
  if (typeof raw === "string") return raw.slice(0, 40);
  return String(raw);
}

/**
 * One validation pass over a sheet's entries: each entry is added as it is read (`add`), then `finish` checks the
 * criteria no entry filled. Shared by the schema path (`validateEntries`) and the fast path, which checks an entry's
 * shape and validates it in the same walk.
 */
class EntryPass {
  readonly leaves: readonly Leaf[];
  readonly byCode: ReadonlyMap<string, Leaf>;
  readonly groups: ReadonlySet<string>;
  /** Entries and their cells by leaf index. */
  readonly found: (Entry | undefined)[];
  readonly cells: (string | undefined)[];
  /** Criteria whose score was given but could not be read: already reported, so not "missing" as well. */
  failed: Set<string> | null = null;
  readonly errors: DomainError[] = [];

  constructor(template: Template) {
    const idx = leafIndex(template);
    this.leaves = idx.leaves;
    this.byCode = idx.byCode;
    this.groups = idx.groups;
    this.found = new Array<Entry | undefined>(idx.leaves.length);
    this.cells = new Array<string | undefined>(idx.leaves.length);
  }

  /** Entry `i` of the sheet, its text already cleaned (evidence and note: "" when absent). */
  add(i: number, criterion: string, raw: unknown, evidence: string, note: string, cell: string | undefined): void {
    const code = cleanCode(criterion);
    // A sheet usually lists its criteria in template order, so try that first.
    const guess = this.leaves[i];
    const leaf = guess !== undefined && guess.code === code ? guess : this.byCode.get(code);
    if (leaf === undefined || this.found[leaf.index] !== undefined) {
      const where = { criterion: code, cell, path: "/entries/" + i };
      const problem = leaf
        ? "DUPLICATE_CRITERION"
        : this.groups.has(code)
          ? "NOT_AN_INPUT_CRITERION"
          : "UNKNOWN_CRITERION";
      this.errors.push(domainError(problem, where));
      return;
    }
    let score: Hundredths | null = null;
    // The usual case, a plain two-decimal number, without the parser's result object.
    const h = typeof raw === "number" && raw >= 0 && raw <= MAX_POINTS ? Math.round(raw * 100) : -1;
    if (h >= 0 && h / 100 === raw) score = h;
    else {
      const parsed = parsePoints(raw);
      if (parsed.ok) score = parsed.hundredths;
      else if (parsed.reason !== "empty") {
        this.failed ??= new Set();
        this.failed.add(code);
        this.errors.push(unreadableScoreError(leaf, cell, raw, i, parsed.reason));
      }
    }
    if (score !== null && (score > leaf.max || (leaf.step > 0 && score % leaf.step !== 0)))
      this.errors.push(scoreError(leaf, cell, i, score));
    // The template's own string for the code: equal to the input's, and compared by identity when scoring.
    this.found[leaf.index] = { criterion: leaf.code, score, evidence, note };
    this.cells[leaf.index] = cell;
  }

  /** The entries in template order, and every problem: those of the entries, then the criteria left unfilled. */
  finish(mode: EntryMode): { entries: Entry[]; errors: DomainError[] } {
    const { leaves, found, cells, errors, failed } = this;
    const entries: Entry[] = [];
    for (let i = 0; i < leaves.length; i++) {
      const leaf = leaves[i]!;
      const f = found[i];
      if (mode === "submission") {
        // A score left blank is only a "missing" error when the entry itself did not already fail to parse.
        if (leaf.kind === "score" && (!f || f.score === null) && !failed?.has(leaf.code))
          errors.push(domainError("SCORE_MISSING", { criterion: leaf.code, cell: cells[i] }));
        if (
          leaf.evidenceRequired &&
          f &&
          f.score !== null &&
          f.score > 0 &&
          f.evidence === "" &&
          leaf.kind !== "deduction"
        )
          errors.push(domainError("EVIDENCE_REQUIRED", { criterion: leaf.code, cell: cells[i] }));
      }
      if (f) entries.push(f);
    }
    return { entries, errors };
  }
}

/**
 * Checks entries against a template. In `submission` mode every `score` criterion must be filled (0 is a value) and
 * evidence is required where the template says so; in `review` mode only the reviewed criteria are given.
 * Blank bonus and deduction criteria count as 0. Returns the entries in template order, with points in hundredths.
 */
export function validateEntries(
  template: Template,
  inputs: readonly EntryInput[],
  mode: EntryMode = "submission",
): { entries: Entry[]; errors: DomainError[] } {
  const pass = new EntryPass(template);
  for (let i = 0; i < inputs.length; i++) {
    const e = inputs[i]!;
    pass.add(i, e.criterion, e.score, e.evidence ?? "", e.note ?? "", e.cell);
  }
  return pass.finish(mode);
}

// ---------------------------------------------------------------------------------------------------------------
// Fast path for the push schemas. A well-formed body (what the add-in sends) is checked here by hand and gives
// the object Zod would give (same keys and values, same NFC-normalised trimmed text; an entry's keys may keep the
// body's order; property tests in validate.test.ts hold the two together); anything else -- an unknown key, a wrong type, a value off its
// limits, a key present with the value undefined -- returns null and goes through Zod, which then reports the
// problems with their paths. Zod alone cost about 4x JSON.parse of the same body; this costs a fraction of it
// (bench/RESULTS.md).

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const CLIENT_ID_RE = /^[A-Za-z0-9_-]+$/;

/**
 * An object to read keys from. Zod accepts any non-array object here; what the fast path then requires (only known
 * keys, as many of them enumerable as it read values) sends anything unusual on to Zod.
 */
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Zod's `text(max)` on a value already known to be a string: null when it would fail. */
function fastText(v: string, max: number): string | null {
  if (v.length > max * 4) return null;
  const t = cleanText(v);
  return t.length > max ? null : t;
}

/** Optional text (an entry's evidence or note, a review's note) as the schema gives it: undefined when absent, null when Zod must look. */
function entryText(v: unknown): string | null | undefined {
  if (v === undefined) return undefined;
  return typeof v === "string" ? fastText(v, LIMITS.longText) : null;
}

function isEntryKey(k: string): boolean {
  return k === "criterion" || k === "score" || k === "cell" || k === "evidence" || k === "note";
}

/** "D12": one to three capital letters, then one to seven digits (the schema's regex, without the regex engine). */
function isCellAddress(s: string): boolean {
  const n = s.length;
  if (n < 2 || n > 10) return false;
  let i = 0;
  while (i < n && i < 3) {
    const c = s.charCodeAt(i);
    if (c < 65 || c > 90) break;
    i++;
  }
  if (i === 0 || n - i < 1 || n - i > 7) return false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Checks one entry as the schema would. Returns the entry with the values Zod would give: `raw` itself when its text
 * needs no cleaning (the common case; only its key order may differ from Zod's), a cleaned copy otherwise, or null
 * when Zod must look at it.
 */
/**
 * Plain data (what JSON.parse and object literals give), as the fast path requires of an entry: its keys are its own,
 * so the entry can be kept as it is.
 */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

function fastEntry(raw: unknown): EntryInput | null {
  if (!isPlainObject(raw)) return null;
  let keys = 0;
  for (const k in raw) {
    if (!isEntryKey(k)) return null;
    keys++;
  }
  const { criterion, score, evidence, note, cell } = raw;
  if (typeof criterion !== "string" || criterion.length > LIMITS.code * 2) return null;
  let seen = 1;
  if (score !== undefined) {
    if (typeof score === "number") {
      if (!Number.isFinite(score)) return null;
    } else if (typeof score === "string") {
      if (score.length > 40) return null;
    } else if (score !== null) return null;
    seen++;
  }
  const evidenceText = entryText(evidence);
  const noteText = entryText(note);
  if (evidenceText === null || noteText === null) return null;
  if (evidenceText !== undefined) seen++;
  if (noteText !== undefined) seen++;
  if (cell !== undefined) {
    if (typeof cell !== "string" || !isCellAddress(cell)) return null;
    seen++;
  }
  // A key present with the value undefined (not JSON, but possible from a caller) goes through Zod.
  if (seen !== keys) return null;
  if (evidenceText === evidence && noteText === note) return raw as EntryInput;
  return canonicalEntry({ ...(raw as EntryInput), evidence: evidenceText, note: noteText });
}

/** A checked entry with Zod's key order and without the keys that are absent. */
function canonicalEntry(e: EntryInput): EntryInput {
  const out: EntryInput = { criterion: e.criterion };
  if (e.score !== undefined) out.score = e.score;
  if (e.evidence !== undefined) out.evidence = e.evidence;
  if (e.note !== undefined) out.note = e.note;
  if (e.cell !== undefined) out.cell = e.cell;
  return out;
}

/** The checked entries (the body's own array when no entry needed cleaning), or null when Zod must look. */
function fastEntries(raw: unknown): EntryInput[] | null {
  if (!Array.isArray(raw) || raw.length > LIMITS.entries) return null;
  let out: EntryInput[] | null = null;
  for (let i = 0; i < raw.length; i++) {
    const e = fastEntry(raw[i]);
    if (e === null) return null;
    if (e !== raw[i] && out === null) out = raw.slice(0, i);
    if (out !== null) out.push(e);
  }
  return out ?? (raw as EntryInput[]);
}

/**
 * The walk for a sheet with nothing to report, which is what a clerk's add-in sends once its own check passes: each
 * entry's shape checked as the schema would and validated in the same step, the entries in template order, every
 * score a plain number within its maximum and step, evidence where it is required. Anything else (a problem to
 * report, a score as text, a blank, an entry out of order) returns null, and the general path reads the sheet
 * again from the start to report every problem.
 */
function cleanWalk(
  template: Template,
  raw: unknown,
  mode: EntryMode,
): { lines: SheetLines; inputs: EntryInput[] } | null {
  if (!Array.isArray(raw)) return null;
  const n = raw.length;
  if (n > LIMITS.entries) return null;
  const idx = leafIndex(template);
  const { leaves } = idx;
  const submission = mode === "submission";
  const scores = new Array<Hundredths | null>(n);
  /** The lines' codes once one skipped a leaf (a blank bonus or deduction left out); until then the template's. */
  let codes: string[] | null = null;
  /** Cleaned copies of the inputs, made from the first entry whose text needed cleaning. */
  let copies: EntryInput[] | null = null;
  /** The next leaf an entry may name. */
  let j = 0;
  for (let i = 0; i < n; i++) {
    const o = raw[i] as Record<string, unknown> | null;
    // Plain data only (`isPlainObject`, written out: this loop is past the size V8 inlines a call into): a
    // prototype's keys would be read by the walk below but not kept with the entry.
    if (typeof o !== "object" || o === null || Object.getPrototypeOf(o) !== Object.prototype) return null;
    // The values are read in the walk over the keys, which also refuses an unknown key: V8 reads them by field
    // index there, where five named reads would meet every shape a sheet's entries come in (megamorphic).
    let criterion: unknown;
    let score: unknown;
    let evidence: unknown;
    let note: unknown;
    let cell: unknown;
    let keys = 0;
    for (const k in o) {
      const v = o[k];
      if (k === "criterion") criterion = v;
      else if (k === "score") score = v;
      else if (k === "cell") cell = v;
      else if (k === "evidence") evidence = v;
      else if (k === "note") note = v;
      else return null;
      keys++;
    }
    let leaf = leaves[j];
    while (leaf !== undefined && leaf.code !== criterion) {
      if (submission && leaf.kind === "score") return null; // a score criterion left out
      leaf = leaves[++j];
    }
    if (leaf === undefined || typeof score !== "number" || typeof criterion !== "string") return null;
    if (codes === null && j !== i) codes = idx.codes.slice(0, i);
    if (codes !== null) codes.push(leaf.code);
    j++;
    const h = Math.round(score * 100);
    if (!(h >= 0 && h <= leaf.max && h / 100 === score) || (leaf.step > 0 && h % leaf.step !== 0)) return null;
    let seen = 2;
    const evidenceIn = entryText(evidence);
    const noteIn = entryText(note);
    if (evidenceIn === null || noteIn === null) return null;
    if (evidenceIn !== undefined) seen++;
    if (noteIn !== undefined) seen++;
    const evidenceText = evidenceIn ?? "";
    const noteText = noteIn ?? "";
    if (cell !== undefined) {
      if (typeof cell !== "string" || !isCellAddress(cell)) return null;
      seen++;
    }
    if (seen !== keys) return null;
    if (submission && leaf.evidenceRequired && h > 0 && evidenceText === "" && leaf.kind !== "deduction") return null;
    const cleaned = (evidence !== undefined && evidenceText !== evidence) || (note !== undefined && noteText !== note);
    if (cleaned && copies === null) copies = (raw as EntryInput[]).slice(0, i);
    if (copies !== null)
      copies.push(
        canonicalEntry({
          criterion: leaf.code,
          score,
          evidence: evidence === undefined ? undefined : evidenceText,
          note: note === undefined ? undefined : noteText,
          cell,
        }),
      );
    scores[i] = h;
  }
  if (submission) for (; j < leaves.length; j++) if (leaves[j]!.kind === "score") return null;
  const inputs = copies ?? (raw as EntryInput[]);
  // The template's own strings for the codes (equal to the input's): the whole array when the sheet has every leaf.
  const lineCodes = codes ?? (n === leaves.length ? idx.codes : idx.codes.slice(0, n));
  return { lines: { codes: lineCodes, scores, texts: inputs }, inputs };
}

function isId(v: unknown): v is string {
  return typeof v === "string" && v.length >= 1 && v.length <= LIMITS.id && ID_RE.test(v);
}

function isClientId(v: unknown): v is string {
  return typeof v === "string" && v.length >= 8 && v.length <= 64 && CLIENT_ID_RE.test(v);
}

function isRevision(v: unknown): v is number | null {
  return v === null || (Number.isSafeInteger(v) && (v as number) >= 0);
}

function countKeys(o: object): number {
  let n = 0;
  for (const _ in o) n++;
  return n;
}

/**
 * `SubmissionPush.safeParse(body).data` for a well-formed body, and its validation; null when Zod must look at it.
 * The push's `entries` are the body's own entries when their text needed no cleaning (equal to Zod's output, though
 * their keys may come in another order), cleaned copies otherwise.
 */
function fastSubmission(template: Template, body: unknown): ValidatedSubmission | null {
  if (!isObject(body) || countKeys(body) !== 5) return null;
  const { templateId, templateVersion, baseRevision, clientId } = body;
  if (!isId(templateId) || !Number.isSafeInteger(templateVersion) || (templateVersion as number) < 1) return null;
  if (!isRevision(baseRevision) || !isClientId(clientId)) return null;
  const raw = body.entries;
  // The template's identity is checked before any entry, whose shape must still pass.
  const identity = identityErrors(template, templateId, templateVersion as number);
  const clean = identity.length ? null : cleanWalk(template, raw, "submission");
  const inputs = clean ? clean.inputs : fastEntries(raw);
  if (inputs === null) return null;
  const push: SubmissionPush = {
    templateId,
    templateVersion: templateVersion as number,
    baseRevision,
    clientId,
    entries: inputs,
  };
  if (clean) return new CheckedSheet(true, push, clean.lines, null, []);
  if (identity.length) return checkedEntries(false, push, [], identity, template);
  const result = validateEntries(template, inputs, "submission");
  return checkedEntries(result.errors.length === 0, push, result.entries, result.errors, template);
}

/** `ReviewPush.safeParse(body).data` for a well-formed body, and its validation; null when Zod must look. */
function fastReview(template: Template, body: unknown) {
  if (!isObject(body)) return null;
  const keys = countKeys(body);
  const { baseRevision, clientId, note } = body;
  if (!isRevision(baseRevision) || !isClientId(clientId)) return null;
  const noteText = entryText(note);
  if (noteText === null) return null;
  if (keys !== (note === undefined ? 3 : 4) || !("entries" in body)) return null;
  const clean = cleanWalk(template, body.entries, "review");
  const inputs = clean ? clean.inputs : fastEntries(body.entries);
  if (inputs === null) return null;
  const result = clean
    ? { entries: lineEntries(clean.lines), errors: [] }
    : validateEntries(template, inputs, "review");
  const push: ReviewPush = { baseRevision, clientId, entries: inputs, note: noteText ?? "" };
  return { push, result };
}

/** A push for another template, or another version of it. */
function identityErrors(template: Template, templateId: string, templateVersion: number): DomainError[] {
  if (templateId !== template.id)
    return [domainError("TEMPLATE_MISMATCH", { path: "/templateId" }, { received: templateId, expected: template.id })];
  if (templateVersion !== template.version)
    return [
      domainError(
        "TEMPLATE_VERSION_MISMATCH",
        { path: "/templateVersion" },
        { received: templateVersion, expected: template.version },
      ),
    ];
  return [];
}

export interface ValidatedSubmission {
  readonly ok: boolean;
  readonly push: SubmissionPush | null;
  /** The sheet's lines in template order, points in hundredths (made from `lines` when first read). */
  readonly entries: Entry[];
  /** The same lines as columns: what the worker hashes, stores and scores, without an object per line. */
  readonly lines: SheetLines;
  readonly errors: DomainError[];
}

/**
 * A validated sheet. A sheet that passed the clean walk has its lines as columns only, and makes its entries the
 * first time they are read: the worker's push hashes, stores and scores the columns, and never reads them.
 */
class CheckedSheet implements ValidatedSubmission {
  readonly ok: boolean;
  readonly push: SubmissionPush | null;
  readonly lines: SheetLines;
  readonly errors: DomainError[];
  private made: Entry[] | null;
  constructor(
    ok: boolean,
    push: SubmissionPush | null,
    lines: SheetLines,
    entries: Entry[] | null,
    errors: DomainError[],
  ) {
    this.ok = ok;
    this.push = push;
    this.lines = lines;
    this.made = entries;
    this.errors = errors;
  }
  get entries(): Entry[] {
    this.made ??= lineEntries(this.lines);
    return this.made;
  }
}

function checkedEntries(
  ok: boolean,
  push: SubmissionPush | null,
  entries: Entry[],
  errors: DomainError[],
  template: Template,
): ValidatedSubmission {
  return new CheckedSheet(ok, push, entryLines(entries, template), entries, errors);
}

/**
 * Validates a push body of any shape against the period's template: schema first (422-style errors with paths),
 * then template identity and version, then every entry. Never throws. The body is read as data (what JSON.parse or
 * object literals make): an entry property defined as not enumerable is not seen by the fast path, which the schema
 * would read.
 */
export function validateSubmission(template: Template, body: unknown): ValidatedSubmission {
  const fast = fastSubmission(template, body);
  if (fast) return fast;
  const parsed = SubmissionPush.safeParse(body);
  if (!parsed.success) return checkedEntries(false, null, [], zodErrors(parsed.error), template);
  const push = parsed.data;
  const identity = identityErrors(template, push.templateId, push.templateVersion);
  if (identity.length) return checkedEntries(false, push, [], identity, template);
  const result = validateEntries(template, push.entries, "submission");
  return checkedEntries(result.errors.length === 0, push, result.entries, result.errors, template);
}

/** Validates a review body (điểm thẩm định): only the criteria the secretariat reviewed. Never throws. */
export function validateReview(template: Template, body: unknown) {
  let push: ReviewPush;
  let result: { entries: Entry[]; errors: DomainError[] };
  const fast = fastReview(template, body);
  if (fast) ({ push, result } = fast);
  else {
    const parsed = ReviewPush.safeParse(body);
    if (!parsed.success)
      return { ok: false, push: null, entries: [] as Entry[], errors: zodErrors(parsed.error) as DomainError[] };
    push = parsed.data;
    result = validateEntries(template, push.entries, "review");
  }
  const entries = result.entries.filter((e) => e.score !== null);
  return { ok: result.errors.length === 0, push, entries, errors: result.errors };
}
