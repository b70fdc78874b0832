/** What the workbook benchmark needs, bundled by esbuild at the start of `bench/workbook.bench.mjs`. */
export { consolidate } from "../shared/src/index.ts";
export { demoInput, generatedInput, rankingContext } from "../test/workbook/fixtures.ts";
export { buildRankingWorkbook, hashInputsAsync } from "../worker/src/workbook/index.ts";
export { toExcelJs } from "./exceljs-adapter.ts";
