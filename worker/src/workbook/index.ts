/**
 * Workbooks (.xlsx) for the worker: the board's ranking workbook, the template workbook for units without the
 * add-in, and the hostile-upload reader. Pure modules (no Hono, no D1): the routes in `../routes/workbooks.ts` call
 * them, and they run unchanged in Node for tests, benchmarks and `scripts/verify-ranking.mjs`.
 */
export * from "./hash.ts";
export * from "./provenance.ts";
export * from "./ranking.ts";
export * from "./reader.ts";
export * from "./template.ts";
export * from "./verify.ts";
export { type CellValue, Sheet, type StyleSpec, Styles, Workbook, XLSX_MIME } from "./writer.ts";
