/**
 * The OpenAPI 3.1 document, generated from the same Zod schemas the worker validates with (`z.toJSONSchema`).
 * `OPERATIONS` is the list of every route; a test checks it against the app's routes, so the document cannot miss one.
 */
import * as z from "zod";
import type { Role } from "../../shared/src/index.ts";
import {
  Bloc,
  BlocUpdate,
  DeadlineChange,
  ERROR_CODES,
  FailVote,
  Flags,
  PaperBallots,
  PartialDecryption,
  Period,
  PeriodTransition,
  ReturnSheet,
  ReviewPush,
  Rulebook,
  SealedBallot,
  SubmissionPush,
  Template,
  TokenRequest,
  TrusteeKey,
  Unit,
  UnitUpdate,
} from "../../shared/src/index.ts";

export interface Operation {
  method: "get" | "post" | "put" | "delete";
  /** Hono path under /api/v1, with `:param` segments. */
  path: string;
  summary: string;
  roles: Role[] | "public";
  body?: z.ZodType;
  status: number;
  /** Documented error statuses beyond 401/403/429/500. */
  errors?: number[];
}

const ALL: Role[] = ["council", "secretariat", "board", "clerk"];
const W = [400, 413, 415, 422];

export const OPERATIONS: Operation[] = [
  { method: "get", path: "/health", summary: "Liveness", roles: "public", status: 200 },
  { method: "get", path: "/openapi.json", summary: "This document", roles: "public", status: 200 },
  { method: "get", path: "/docs", summary: "Readable API reference (HTML)", roles: "public", status: 200 },
  {
    method: "get",
    path: "/me",
    summary: "The caller: role and scope",
    roles: [...ALL, "voter", "trustee"],
    status: 200,
  },
  {
    method: "get",
    path: "/me/ballot",
    summary: "A voter's ballot to fill: the member units by name and the number of choices, in one call",
    roles: ["voter"],
    status: 200,
    errors: [409, 423],
  },
  { method: "get", path: "/units", summary: "List units", roles: ALL, status: 200 },
  {
    method: "post",
    path: "/units",
    summary: "Create a unit",
    roles: ["council"],
    body: Unit,
    status: 201,
    errors: [...W, 409],
  },
  { method: "get", path: "/units/:unitId", summary: "A unit", roles: ALL, status: 200, errors: [404] },
  {
    method: "put",
    path: "/units/:unitId",
    summary: "Rename a unit",
    roles: ["council"],
    body: UnitUpdate,
    status: 200,
    errors: [...W, 404],
  },
  { method: "get", path: "/blocs", summary: "Blocs in the caller's scope", roles: ALL, status: 200 },
  {
    method: "post",
    path: "/blocs",
    summary: "Create a bloc",
    roles: ["council"],
    body: Bloc,
    status: 201,
    errors: [...W, 409],
  },
  { method: "get", path: "/blocs/:blocId", summary: "A bloc", roles: ALL, status: 200, errors: [404] },
  {
    method: "put",
    path: "/blocs/:blocId",
    summary: "Rename a bloc, set its members, leader and deputy (the default for its next period)",
    roles: ["council"],
    body: BlocUpdate,
    status: 200,
    errors: [...W, 404],
  },
  { method: "get", path: "/templates", summary: "List template versions", roles: ALL, status: 200 },
  {
    method: "post",
    path: "/templates",
    summary:
      "Publish a template version (immutable); ?blocId= the bloc it is for. A secretariat publishes its own bloc's only (403 SETUP_OTHER_BLOC)",
    roles: ["council", "secretariat"],
    body: Template,
    status: 201,
    errors: [...W, 409],
  },
  {
    method: "get",
    path: "/templates/:templateId/versions",
    summary: "A template's published versions, with who published each and when",
    roles: ALL,
    status: 200,
    errors: [404],
  },
  {
    method: "get",
    path: "/templates/:templateId/versions/:version",
    summary: "A template version",
    roles: ALL,
    status: 200,
    errors: [404],
  },
  {
    method: "get",
    path: "/templates/:templateId/versions/:version/workbook.xlsx",
    summary:
      "A template version as the template workbook (.xlsx), with no unit and no period, for member units to read before the year starts; ?year= for its title",
    roles: ALL,
    status: 200,
    errors: [404],
  },
  { method: "get", path: "/rulebooks", summary: "List rulebook versions", roles: ALL, status: 200 },
  {
    method: "post",
    path: "/rulebooks",
    summary:
      "Publish a rulebook version (immutable); ?blocId= the bloc it is for. A secretariat publishes its own bloc's only (403 SETUP_OTHER_BLOC)",
    roles: ["council", "secretariat"],
    body: Rulebook,
    status: 201,
    errors: [...W, 409],
  },
  {
    method: "get",
    path: "/rulebooks/:rulebookId/versions",
    summary: "A rulebook's published versions, with who published each and when",
    roles: ALL,
    status: 200,
    errors: [404],
  },
  {
    method: "get",
    path: "/rulebooks/:rulebookId/versions/:version",
    summary: "A rulebook version",
    roles: ALL,
    status: 200,
    errors: [404],
  },
  {
    method: "get",
    path: "/periods",
    summary: "Periods in the caller's scope (?year=; the council also ?blocId=)",
    roles: ALL,
    status: 200,
  },
  {
    method: "post",
    path: "/periods",
    summary: "Create a period (draft); a secretariat for its own bloc only (403 SETUP_OTHER_BLOC)",
    roles: ["council", "secretariat"],
    body: Period,
    status: 201,
    errors: [...W, 409],
  },
  {
    method: "get",
    path: "/periods/:periodId",
    summary: "A period",
    roles: [...ALL, "voter"],
    status: 200,
    errors: [404],
  },
  {
    method: "post",
    path: "/periods/:periodId/transitions",
    summary: "Move the period through its lifecycle",
    roles: ["council", "secretariat"],
    body: PeriodTransition,
    status: 200,
    errors: [...W, 404, 409],
  },
  {
    method: "post",
    path: "/periods/:periodId/deadline",
    summary: "Gia hạn nộp: a new submission deadline (draft or open period), with its reason; audited",
    roles: ["council", "secretariat"],
    body: DeadlineChange,
    status: 200,
    errors: [...W, 404, 409],
  },
  {
    method: "get",
    path: "/periods/:periodId/sheet",
    summary:
      "What a clerk pulls: period, bloc, units, template, rulebook; with ?unit=, that unit's latest revision (one request)",
    roles: [...ALL, "voter"],
    status: 200,
    errors: [403, 404],
  },
  {
    method: "get",
    path: "/periods/:periodId/status",
    summary: "Per unit: latest revision, when, by whom, late, returned",
    roles: ["council", "secretariat", "board"],
    status: 200,
    errors: [404],
  },
  {
    method: "get",
    path: "/periods/:periodId/table",
    summary: "Consolidated bloc table and matrix (clerks: after publication)",
    roles: ALL,
    status: 200,
    errors: [404],
  },
  {
    method: "get",
    path: "/periods/:periodId/audit",
    summary: "Audit log, newest first (?limit=&before=)",
    roles: ["council", "secretariat"],
    status: 200,
    errors: [404],
  },
  {
    method: "post",
    path: "/periods/:periodId/units/:unitId/submissions",
    summary: "Push a sheet: a new revision",
    roles: ["clerk", "secretariat"],
    body: SubmissionPush,
    status: 201,
    errors: [...W, 404, 409, 423],
  },
  {
    method: "get",
    path: "/periods/:periodId/units/:unitId/submissions",
    summary: "Revision list",
    roles: ALL,
    status: 200,
    errors: [404],
  },
  {
    method: "get",
    path: "/periods/:periodId/units/:unitId/submissions/compare",
    summary: "Differences between two revisions (?from=&to=)",
    roles: ALL,
    status: 200,
    errors: [404],
  },
  {
    method: "get",
    path: "/periods/:periodId/units/:unitId/submissions/:revision",
    summary: "One revision with its entries",
    roles: ALL,
    status: 200,
    errors: [404],
  },
  {
    method: "put",
    path: "/periods/:periodId/units/:unitId/review",
    summary: "Reviewed scores (a new review revision)",
    roles: ["secretariat"],
    body: ReviewPush,
    status: 200,
    errors: [...W, 404, 409, 423],
  },
  {
    method: "get",
    path: "/periods/:periodId/units/:unitId/review",
    summary: "Latest reviewed scores",
    roles: ALL,
    status: 200,
    errors: [404],
  },
  {
    method: "post",
    path: "/periods/:periodId/units/:unitId/return",
    summary: "Return a sheet with a reason",
    roles: ["secretariat"],
    body: ReturnSheet,
    status: 200,
    errors: [...W, 404, 409, 423],
  },
  {
    method: "put",
    path: "/periods/:periodId/units/:unitId/flags",
    summary: "Set violation / withdrawn",
    roles: ["secretariat"],
    body: Flags,
    status: 200,
    errors: [...W, 404, 423],
  },
  {
    method: "post",
    path: "/periods/:periodId/voting/codes",
    summary: "Issue one single-use voter code per unit (shown once); electronic vote only",
    roles: ["secretariat"],
    status: 201,
    errors: [404, 409, 423],
  },
  {
    method: "post",
    path: "/periods/:periodId/voting/trustee-codes",
    summary: "Issue one code per trustee named in the period (shown once); electronic vote only",
    roles: ["council", "secretariat"],
    status: 201,
    errors: [404, 409, 423],
  },
  {
    method: "get",
    path: "/periods/:periodId/voting/election",
    summary: "The vote's public state: channel, trustees and their keys, election key, ballots returned, aggregate",
    roles: [...ALL, "voter", "trustee"],
    status: 200,
    errors: [404, 423],
  },
  {
    method: "post",
    path: "/periods/:periodId/voting/trustee-key",
    summary: "A trustee publishes its public share with a Schnorr proof (the secret part never leaves its device)",
    roles: ["trustee"],
    body: TrusteeKey,
    status: 201,
    errors: [...W, 404, 409, 423],
  },
  {
    method: "post",
    path: "/periods/:periodId/voting/close",
    summary: "Close the ballot box: per-unit sums kept when the quorum is met, else the vote failed",
    roles: ["council", "secretariat"],
    status: 200,
    errors: [404, 409, 423],
  },
  {
    method: "post",
    path: "/periods/:periodId/voting/fail",
    summary:
      "The council declares a closed, undecryptable sealed vote failed, with a reason: nothing is decrypted, no award that needs a vote is given",
    roles: ["council"],
    body: FailVote,
    status: 200,
    errors: [...W, 404, 409, 423],
  },
  {
    method: "post",
    path: "/periods/:periodId/voting/decryption",
    summary: "A trustee posts its part of the decryption of the per-unit sums, with Chaum-Pedersen proofs",
    roles: ["trustee"],
    body: PartialDecryption,
    status: 201,
    errors: [...W, 404, 409, 423],
  },
  {
    method: "get",
    path: "/periods/:periodId/voting/record",
    summary: "The sealed vote's public record (JSON file): npm run verify:ballot checks it alone",
    roles: [...ALL, "trustee"],
    status: 200,
    errors: [404, 409],
  },
  {
    method: "post",
    path: "/periods/:periodId/voting/paper",
    summary: "Record counted paper ballots (paper vote only); answers how many are invalid and why",
    roles: ["secretariat"],
    body: PaperBallots,
    status: 201,
    errors: [...W, 404, 409, 423],
  },
  {
    method: "get",
    path: "/periods/:periodId/voting/tally",
    summary: "Tally (never a count per unit below the quorum; a sealed vote's once the trustees decrypted it)",
    roles: ALL,
    status: 200,
    errors: [404],
  },
  {
    method: "post",
    path: "/ballots",
    summary: "Cast the sealed ballot of a voter code (encrypted on the voter's device, proofs checked on receipt)",
    roles: ["voter"],
    body: SealedBallot,
    status: 201,
    errors: [...W, 404, 409, 423],
  },
  {
    method: "get",
    path: "/council/:year",
    summary: "Leading units of published blocs and the Government-flag cap",
    roles: ["council"],
    status: 200,
    errors: [404],
  },
  {
    method: "get",
    path: "/tokens",
    summary: "List tokens (never their values); a secretariat sees its board's and member units' clerks' tokens",
    roles: ["council", "secretariat"],
    status: 200,
  },
  {
    method: "post",
    path: "/tokens",
    summary: "Issue a token (shown once); a secretariat issues only its board's and member units' clerks' tokens",
    roles: ["council", "secretariat"],
    body: TokenRequest,
    status: 201,
    errors: [...W, 403],
  },
  {
    method: "delete",
    path: "/tokens/:tokenId",
    summary: "Revoke a token (a secretariat: only the tokens it may issue)",
    roles: ["council", "secretariat"],
    status: 200,
    errors: [404],
  },
  {
    method: "post",
    path: "/periods/:periodId/ranking-link",
    summary:
      "A signed download link to the ranking workbook, valid 30 days, that opens without a token (for the board's e-mail); it dies with the caller's token, when the period is reopened, or when the secretariat revokes it",
    roles: ["council", "secretariat", "board", "clerk"],
    status: 201,
    errors: [403, 404],
  },
  {
    method: "get",
    path: "/periods/:periodId/links",
    summary: "The period's download links (never their signatures): who made each, when it expires, whether revoked",
    roles: ["council", "secretariat"],
    status: 200,
    errors: [404],
  },
  {
    method: "delete",
    path: "/periods/:periodId/links",
    summary: "Revoke every live download link of the period",
    roles: ["council", "secretariat"],
    status: 200,
    errors: [404],
  },
  {
    method: "delete",
    path: "/periods/:periodId/links/:linkId",
    summary: "Revoke one download link of the period",
    roles: ["council", "secretariat"],
    status: 200,
    errors: [404],
  },
  {
    method: "get",
    path: "/periods/:periodId/ranking.xlsx",
    summary:
      "The ranking workbook (.xlsx) for the board; clerks once results are published. Also opens with `?link=&exp=&sig=` from a signed link, without a token",
    roles: ["council", "secretariat", "board", "clerk"],
    status: 200,
    errors: [404],
  },
  {
    method: "get",
    path: "/periods/:periodId/units/:unitId/template.xlsx",
    summary: "A unit's template workbook (.xlsx), prefilled with its latest revision",
    roles: ["council", "secretariat", "clerk"],
    status: 200,
    errors: [404],
  },
  {
    method: "post",
    path: "/periods/:periodId/units/:unitId/upload",
    summary:
      "Upload a filled template workbook (body: the .xlsx, or multipart field `file`): stored as a revision like a push",
    roles: ["clerk", "secretariat"],
    status: 201,
    errors: [404, 409, 413, 415, 422, 423],
  },
];

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  201: "Created",
  400: "Malformed JSON (INVALID_JSON)",
  401: "No or invalid token (UNAUTHENTICATED)",
  403: "Wrong role or scope (FORBIDDEN, RESULTS_NOT_PUBLISHED)",
  404: "Unknown id, or outside the caller's scope (NOT_FOUND)",
  409: "Stale revision, invalid transition, already exists, code used (CONFLICT_*, ...)",
  413: "Body too large (PAYLOAD_TOO_LARGE)",
  415: "Content-Type is not application/json (UNSUPPORTED_MEDIA_TYPE)",
  422: "Schema or domain validation failed; `details` lists every problem",
  423: "Period not open, deadline passed, voting not open",
  429: "Rate limited (RATE_LIMITED, Retry-After)",
  500: "INTERNAL, with the request id only",
};

function schemaOf(s: z.ZodType): unknown {
  return z.toJSONSchema(s, { io: "input", unrepresentable: "any", target: "draft-2020-12" });
}

let cached: Record<string, unknown> | null = null;

/** The document, built once per isolate. */
export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const oaPath = "/api/v1" + op.path.replace(/:([A-Za-z]+)/g, "{$1}");
    const params = [...op.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const responses: Record<string, unknown> = { [op.status]: { description: STATUS_TEXT[op.status] ?? "OK" } };
    const errs = op.roles === "public" ? [] : [401, 403, 429, ...(op.errors ?? []), 500];
    for (const s of errs)
      responses[s] = {
        description: STATUS_TEXT[s],
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      };
    paths[oaPath] ??= {};
    paths[oaPath][op.method] = {
      summary: op.summary,
      "x-roles": op.roles,
      ...(op.roles === "public" ? { security: [] } : {}),
      ...(params.length ? { parameters: params } : {}),
      ...(op.body
        ? { requestBody: { required: true, content: { "application/json": { schema: schemaOf(op.body) } } } }
        : {}),
      responses,
    };
  }
  cached = {
    openapi: "3.1.0",
    info: {
      title: "thidua API",
      version: "1",
      description:
        "Chấm điểm thi đua của khối thi đua / Emulation scoring of emulation blocs. Contract: docs/api.md. Errors are " +
        "{error: {code, message (vi), messageEn, params, requestId, details}}.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message", "messageEn", "params", "requestId", "details"],
              properties: {
                code: { type: "string", enum: [...ERROR_CODES] },
                message: { type: "string", description: "Vietnamese" },
                messageEn: { type: "string" },
                params: { type: "object", additionalProperties: { type: ["string", "number"] } },
                requestId: { type: "string" },
                details: {
                  type: "array",
                  items: {
                    type: "object",
                    required: ["code"],
                    properties: {
                      code: { type: "string", enum: [...ERROR_CODES] },
                      criterion: { type: "string" },
                      cell: { type: "string" },
                      path: { type: "string" },
                      params: { type: "object" },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  };
  return cached;
}
