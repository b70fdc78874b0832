/**
 * A worker for the workbook benchmark inside workerd (`npm run bench:workbook -- --workerd`): it builds the ranking
 * workbook `reps` times in one request, with our writer or with exceljs (browser build), and answers the size. The
 * benchmark times the requests from outside: workerd freezes its clocks during a request, and a request without I/O
 * takes as long as its CPU work.
 */
// @ts-expect-error: exceljs's browser build has no type declarations of its own.
import ExcelJS from "exceljs/dist/exceljs.bare.min.js";
import {
  buildRankingWorkbook,
  consolidate,
  demoInput,
  generatedInput,
  hashInputsAsync,
  rankingContext,
  toExcelJs,
} from "../workbook-entry.ts";

const cache = new Map<number, { table: ReturnType<typeof consolidate>; ctx: ReturnType<typeof rankingContext> }>();

export default {
  async fetch(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const n = Number(url.searchParams.get("units") ?? 7);
    const reps = Number(url.searchParams.get("reps") ?? 1);
    const who = url.pathname.slice(1);
    let c = cache.get(n);
    if (!c) {
      const input = n === 7 ? demoInput() : generatedInput(n);
      c = { table: consolidate(input), ctx: rankingContext(input, "closed") };
      cache.set(n, c);
    }
    const { table, ctx } = c;
    let size = 0;
    for (let i = 0; i < reps; i++) {
      if (who === "noop") continue;
      const model = buildRankingWorkbook(table, { ...ctx, hashes: await hashInputsAsync(ctx.inputs) });
      const bytes = who === "exceljs" ? await toExcelJs(ExcelJS, model) : model.toBytes();
      size = bytes.length;
    }
    return new Response(String(size));
  },
};
