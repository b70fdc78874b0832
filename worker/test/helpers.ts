/** Test helpers: calls into the worker inside workerd (SELF), with JSON in and out. */
import { env, SELF } from "cloudflare:test";
import type { Call } from "../src/seed.ts";

export const BOOT = "test-bootstrap-token-0123456789abcdef";
export const DB = (env as unknown as { DB: D1Database }).DB;

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers loosely
export interface Res<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** One API call. A body that is a string is sent as is (for malformed JSON tests). */
// biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers loosely
export async function api<T = any>(
  method: string,
  path: string,
  token?: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Res<T>> {
  const h: Record<string, string> = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (body !== undefined) {
    payload = typeof body === "string" ? body : JSON.stringify(body);
    h["content-type"] ??= "application/json";
  }
  const r = await SELF.fetch(`http://thidua.test/api/v1${path}`, { method, headers: h, body: payload });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // HTML or empty
  }
  return { status: r.status, body: parsed as T, headers: r.headers };
}

export const call: Call = async (method, path, token, body) => {
  const r = await api(method, path, token, body);
  return { status: r.status, body: r.body };
};

let n = 0;
/** A fresh client id for a push. */
export function clientId(prefix = "c"): string {
  n++;
  return `${prefix}-${n}-${crypto.randomUUID().slice(0, 8)}`;
}

/** A future deadline, in Vietnam's offset. */
export function futureDeadline(days = 30): string {
  return new Date(Date.now() + days * 86400_000).toISOString().replace("Z", "+00:00");
}
