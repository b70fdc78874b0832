import { defineConfig } from "vitest/config";

// One runner for every suite: the domain core in Node, the worker inside workerd (worker/vitest.config.ts),
// the add-in against the in-memory workbook, and end-to-end suites that start real processes (test/).
export default defineConfig({
  test: {
    projects: [{ test: { name: "shared", include: ["shared/**/*.test.ts"], environment: "node" } }],
  },
});
