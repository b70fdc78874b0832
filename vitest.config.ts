import { defineConfig } from "vitest/config";

// One runner for every suite: the domain core in Node, the worker inside workerd (worker/vitest.config.ts),
// the add-in against the in-memory workbook, and end-to-end suites that start real processes (test/).
export default defineConfig({
  test: {
    projects: [
      {
        // The task pane in headless Chromium against wrangler dev (test/browser/harness.ts starts and stops both).
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
      {
        // The whole Khối VIII year in the task pane against wrangler dev, checked by LibreOffice (test/e2e/year.test.ts).
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 300_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
      "worker/vitest.config.ts",
      { test: { name: "addin", include: ["addin/**/*.test.ts"], environment: "node" } },
      { test: { name: "shared", include: ["shared/**/*.test.ts"], environment: "node" } },
      // Workbooks: pure unit tests beside the code, and suites under test/ that start LibreOffice (one at a time).
      {
        test: {
          name: "workbook",
          include: ["worker/src/workbook/**/*.test.ts", "test/workbook/**/*.test.ts"],
          environment: "node",
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
