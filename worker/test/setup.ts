import { applyD1Migrations, env } from "cloudflare:test";

// Applies the numbered migrations to this test file's D1 (idempotent: already applied ones are skipped).
const e = env as unknown as { DB: D1Database; TEST_MIGRATIONS: Parameters<typeof applyD1Migrations>[1] };
await applyD1Migrations(e.DB, e.TEST_MIGRATIONS);
