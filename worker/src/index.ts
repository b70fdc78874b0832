/**
 * The Worker's entry module. Only handlers may be exported from here (workerd refuses other exports); the app itself
 * is built in `app.ts`, where tests and extensions reach it.
 */
import { env } from "cloudflare:workers";
import { createApp } from "./app.ts";
import { reportConfigProblems } from "./config.ts";

// At start, so that `wrangler dev` prints a secret it will refuse before the first request (the bindings are readable
// at the top level of the entry module).
reportConfigProblems(env as Parameters<typeof reportConfigProblems>[0]);

export default createApp();
