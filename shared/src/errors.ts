/**
 * Errors as data (lỗi). Every problem the core finds is a plain object with a stable code, the criterion it concerns,
 * the Excel cell when it came from a sheet, and parameters. Text is produced at the edge from the `vi` and `en`
 * catalogues in `messages.ts`; a code without a message in both languages fails the type check.
 */

export const ERROR_CODES = [
  // submission and review entries
  "SCORE_ABOVE_MAX",
  "SCORE_NOT_MULTIPLE_OF_STEP",
  "SCORE_MISSING",
  "SCORE_NEGATIVE",
  "SCORE_INVALID",
  "SCORE_TOO_MANY_DECIMALS",
  "EVIDENCE_REQUIRED",
  "UNKNOWN_CRITERION",
  "DUPLICATE_CRITERION",
  "NOT_AN_INPUT_CRITERION",
  "TEMPLATE_VERSION_MISMATCH",
  "TEMPLATE_MISMATCH",
  // templates and rulebooks
  "TEMPLATE_DUPLICATE_CODE",
  "TEMPLATE_MAX_NOT_MULTIPLE_OF_STEP",
  "TEMPLATE_SUM_MISMATCH",
  "TEMPLATE_NO_SCORE_CRITERION",
  "TEMPLATE_MIXED_GROUP",
  "RULEBOOK_BANDS_UNORDERED",
  "RULEBOOK_NO_FALLBACK_BAND",
  "RULEBOOK_UNKNOWN_BAND",
  "RULEBOOK_UNKNOWN_PART",
  "RULEBOOK_DUPLICATE_KEY",
  // a bloc's own criteria table (bảng tiêu chí) read from a range of cells, before it becomes a template
  "TABLE_NO_CONTENT_COLUMN",
  "TABLE_NO_CRITERIA",
  "TABLE_CODE_MISFIT",
  "TABLE_TOO_DEEP",
  "TABLE_MAX_INVALID",
  "TABLE_MAX_MISSING",
  "TABLE_STEP_INVALID",
  "TABLE_KIND_INVALID",
  "TABLE_CONTENT_EMPTY",
  "TABLE_TEXT_TOO_LONG",
  "TABLE_PART_EMPTY",
  "TABLE_TOO_MANY",
  // ballots
  "BALLOT_TOO_MANY_CHOICES",
  "BALLOT_UNKNOWN_UNIT",
  "BALLOT_DUPLICATE_CHOICE",
  // sheets
  "SHEET_NOT_RECOGNISED",
  "SHEET_WRONG_PERIOD",
  "SHEET_WRONG_UNIT",
  "SHEET_CODE_MISSING",
  "SHEET_CODE_DUPLICATED",
  "SHEET_CODE_UNKNOWN",
  // payloads and transport (used by the worker and the add-in)
  "INVALID_INPUT",
  "INVALID_JSON",
  "UNSUPPORTED_MEDIA_TYPE",
  "PAYLOAD_TOO_LARGE",
  "UNAUTHENTICATED",
  "BOOTSTRAP_TOKEN_TOO_SHORT",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT_STALE_REVISION",
  "CONFLICT",
  "PERIOD_NOT_OPEN",
  "DEADLINE_PASSED",
  "DEADLINE_NOT_CHANGEABLE",
  "DEADLINE_NOT_IN_FUTURE",
  "DEADLINE_CHANGED_MEANWHILE",
  "INVALID_TRANSITION",
  "RESULTS_NOT_PUBLISHED",
  "VOTER_CODE_USED",
  "VOTING_NOT_OPEN",
  "RATE_LIMITED",
  "UPLOAD_ZIP_BOMB",
  "UPLOAD_TOO_MANY_ENTRIES",
  "UPLOAD_TOO_MANY_CELLS",
  "UPLOAD_TOO_MUCH_TEXT",
  "UPLOAD_NOT_XLSX",
  "UPLOAD_XLS",
  "UPLOAD_ENCRYPTED",
  "UPLOAD_DTD",
  "UPLOAD_CORRUPT",
  "UPLOAD_DUPLICATE_PART",
  "NETWORK_ERROR",
  "INTERNAL",
  // worker: lifecycle, reference data, idempotency, voting
  "REASON_REQUIRED",
  "ALREADY_EXISTS",
  "CLIENT_ID_REUSED",
  "PERIOD_UNKNOWN_UNIT",
  "PERIOD_LEADER_NOT_MEMBER",
  "PERIOD_DUPLICATE_MEMBER",
  "BLOC_LEADER_NOT_MEMBER",
  "BLOC_DUPLICATE_MEMBER",
  "SETUP_OTHER_BLOC",
  "BALLOTS_EXCEED_ISSUED",
  "NOTHING_SUBMITTED",
  // sealed ballots (phiếu bầu mã hoá), trustees and the channel of a vote
  "BALLOT_PROOF_INVALID",
  "BALLOT_REPLAYED",
  "VOTING_WRONG_CHANNEL",
  "TRUSTEES_REQUIRED",
  "TRUSTEE_DUPLICATE",
  "TRUSTEE_KEY_INVALID",
  "TRUSTEE_KEY_EXISTS",
  "ELECTION_KEY_MISSING",
  "BALLOT_BOX_CLOSED",
  "BALLOT_BOX_OPEN",
  "DECRYPTION_PROOF_INVALID",
  "TALLY_NOT_DECRYPTED",
  "TALLY_COMPLETE",
  "VOTE_DECLARED_FAILED",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Parameter values carried by an error; strings and numbers only so they serialise and interpolate safely. */
export type ErrorParams = Record<string, string | number>;

/** One problem, as data. */
export interface DomainError {
  code: ErrorCode;
  /** Criterion code such as `II.3.b`, when the problem concerns one criterion. */
  criterion?: string;
  /** A1 address of the cell, when the data came from a sheet. */
  cell?: string;
  /** JSON-pointer-like path into the payload, when the problem is in a request body. */
  path?: string;
  params?: ErrorParams;
}

export function domainError(
  code: ErrorCode,
  where: { criterion?: string | undefined; cell?: string | undefined; path?: string | undefined } = {},
  params?: ErrorParams,
): DomainError {
  const e: DomainError = { code };
  if (where.criterion !== undefined) e.criterion = where.criterion;
  if (where.cell !== undefined) e.cell = where.cell;
  if (where.path !== undefined) e.path = where.path;
  if (params !== undefined) e.params = params;
  return e;
}
