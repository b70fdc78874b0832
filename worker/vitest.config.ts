import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// The worker's tests run inside workerd with a real (local) D1; test/setup.ts applies the migrations read here.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.jsonc" },
        miniflare: {
          bindings: { TEST_MIGRATIONS: migrations, BOOTSTRAP_TOKEN: "test-bootstrap-token-0123456789abcdef" },
        },
      }),
    ],
    test: {
      name: "worker",
      root: import.meta.dirname,
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/setup.ts"],
      testTimeout: 30_000,
    },
  };
});
