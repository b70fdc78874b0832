/**
 * The one exception type for API failures, and what a client sees. Every message comes from the domain core's
 * catalogue (`shared/src/messages.ts`) in Vietnamese and English; no stack, SQL or internal text reaches a client.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type DomainError, type ErrorCode, type ErrorParams, messageFor } from "../../shared/src/index.ts";
import type { AppEnv } from "./env.ts";

/** The statuses docs/api.md documents. */
export type ApiStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 423 | 429 | 500;

/**
 * A failure with a documented status and a stable code.
 * @example throw new ApiError(404, "NOT_FOUND", { what: "periods/khoi-viii-2017" })
 */
export class ApiError extends Error {
  constructor(
    readonly status: ApiStatus,
    readonly code: ErrorCode,
    readonly params: ErrorParams = {},
    readonly details: DomainError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(code);
    this.name = "ApiError";
  }
}

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    messageEn: string;
    params: ErrorParams;
    requestId: string;
    details: DomainError[];
  };
}

export function errorBody(code: ErrorCode, params: ErrorParams, details: DomainError[], requestId: string): ErrorBody {
  const e: DomainError = { code, params };
  return {
    error: {
      code,
      message: messageFor(e, "vi"),
      messageEn: messageFor(e, "en"),
      params,
      requestId,
      details,
    },
  };
}

/** Shorthand for a 422 carrying every problem found; the headline is the first one. */
export function invalid(details: DomainError[]): ApiError {
  const first = details[0];
  const params: ErrorParams = { ...(first?.params ?? {}) };
  if (first?.criterion !== undefined) params.criterion = first.criterion;
  if (first?.cell !== undefined) params.cell = first.cell;
  return new ApiError(422, first?.code ?? "INVALID_INPUT", params, details);
}

export function notFound(what: string): ApiError {
  return new ApiError(404, "NOT_FOUND", { what });
}

/** app.onError: ApiError as documented; anything else is logged and answered 500 INTERNAL with the request id. */
export function handleError(err: Error, c: Context<AppEnv>): Response {
  const requestId = c.get("requestId") ?? "-";
  if (err instanceof ApiError) {
    return c.json(
      errorBody(err.code, err.params, err.details, requestId),
      err.status as ContentfulStatusCode,
      err.headers,
    );
  }
  console.error(JSON.stringify({ requestId, error: err.name, message: err.message, stack: err.stack }));
  return c.json(errorBody("INTERNAL", { requestId }, [], requestId), 500);
}
