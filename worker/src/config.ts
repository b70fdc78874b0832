/**
 * Checks of the worker's configuration (secrets and variables) that must fail loudly rather than silently: a
 * `BOOTSTRAP_TOKEN` or `LINK_SECRET` shorter than 16 characters would otherwise be ignored, and every call would
 * answer 401 "sign in with a valid access code" with nothing to say why. The problems are printed when the worker
 * starts (`wrangler dev`, `wrangler deploy`'s first request) and answered by `GET /health` (503).
 */
import type { Env } from "./env.ts";

/** The shortest secret accepted: 16 characters. */
export const MIN_SECRET_LENGTH = 16;

export interface ConfigProblem {
  /** The setting at fault. */
  setting: "BOOTSTRAP_TOKEN" | "LINK_SECRET";
  /** What is wrong and what to do, in Vietnamese. */
  vi: string;
  /** The same in English. */
  en: string;
}

/**
 * What is wrong with the configuration; empty when nothing is. An absent secret is no problem (the bootstrap token is
 * optional once a council token exists; links fall back to it); a present but short one is.
 * @example configProblems({ BOOTSTRAP_TOKEN: "short" })[0].setting // "BOOTSTRAP_TOKEN"
 */
export function configProblems(env: Partial<Pick<Env, "BOOTSTRAP_TOKEN" | "LINK_SECRET">>): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const setting of ["BOOTSTRAP_TOKEN", "LINK_SECRET"] as const) {
    const value = env[setting];
    if (typeof value === "string" && value.length < MIN_SECRET_LENGTH)
      out.push({
        setting,
        vi: `${setting} có ${value.length} ký tự, ít hơn ${MIN_SECRET_LENGTH}: bị từ chối. Hãy đặt một giá trị ngẫu nhiên dài hơn (worker/.dev.vars khi phát triển, \`wrangler secret put ${setting}\` khi triển khai).`,
        en: `${setting} has ${value.length} characters, fewer than ${MIN_SECRET_LENGTH}: it is refused. Set a longer random value (worker/.dev.vars in development, \`wrangler secret put ${setting}\` when deployed).`,
      });
  }
  return out;
}

let reported = false;

/** Prints the configuration's problems once per isolate, as errors (wrangler dev and `wrangler tail` show them). */
export function reportConfigProblems(env: Partial<Pick<Env, "BOOTSTRAP_TOKEN" | "LINK_SECRET">>): ConfigProblem[] {
  const problems = configProblems(env);
  if (problems.length && !reported) {
    reported = true;
    for (const p of problems) console.error(`[thidua] CẤU HÌNH SAI / MISCONFIGURED: ${p.vi} / ${p.en}`);
  }
  return problems;
}
