/**
 * Measures what addin/PERF.md reports: for 50-, 300- and 1,000-criterion templates, the syncs and wall time of laying
 * out the sheet with the real gateway (over the office.js double, which runs queued operations at sync and measures
 * each request) and on the in-memory workbook, the read-back; then the round trips and request sizes of a pull, a push
 * and the bloc table for a realistic bloc (100 units x 120 criteria) and at the schema caps (2,000 criteria with
 * 4,000-character evidence and notes; 500 units); and the task pane's bundle size (gzip) when addin/dist exists.
 *
 *   npx tsx addin/perf.ts
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { layoutSheet } from "../shared/src/layout.ts";
import type { Entry } from "../shared/src/schemas.ts";
import { LIMITS } from "../shared/src/schemas.ts";
import { blocSheets } from "./src/blocSheets.ts";
import { excelDouble } from "./src/excel/excelDouble.ts";
import { FakeWorkbook } from "./src/excel/fakeWorkbook.ts";
import { ExcelGateway } from "./src/excel/gateway.ts";
import { syntheticBlocTable, syntheticTemplate } from "./src/excel/synthetic.ts";

const ctx = {
  blocName: "Khối thi đua VIII",
  unitName: "Đơn vị thử",
  unitId: "u1",
  periodId: "p1",
  year: 2026,
  bonusCap: 5,
};
const caps = { host: "excel" as const, apiMinor: 17, dataValidation: true, printSetup: true };

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(fn: () => Promise<unknown>, runs = 7) {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return median(out);
}

const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`;

console.log(
  "| criteria | rows | layout (core) ms | fake: write ms | fake: read ms | gateway syncs (pull) | gateway ms | largest request |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const n of [50, 300, 1000]) {
  const template = syntheticTemplate(n);
  const layoutMs = await time(async () => layoutSheet(template, ctx));
  const layout = layoutSheet(template, ctx);
  const writeMs = await time(async () => new FakeWorkbook().writeLayout(layout));
  const wb = new FakeWorkbook();
  await wb.writeLayout(layout);
  const readMs = await time(() => wb.readValues(layout.sheetName, layout.rowCount, layout.colCount));
  let syncs = 0;
  let bytes = 0;
  const gwMs = await time(async () => {
    const x = excelDouble();
    await new ExcelGateway(caps, x.run).writeLayout(layout);
    syncs = x.syncs();
    bytes = Math.max(...x.requests);
  });
  console.log(
    `| ${n} | ${layout.rowCount} | ${layoutMs.toFixed(1)} | ${writeMs.toFixed(1)} | ${readMs.toFixed(1)} | ${syncs} | ${gwMs.toFixed(1)} | ${kib(bytes)} |`,
  );
}

/** Syncs and request sizes of each step of the year for one bloc size. */
async function steps(label: string, criteria: number, units: number, textLength: number, nameLength: number) {
  const template = syntheticTemplate(criteria);
  const bare = layoutSheet(template, ctx);
  const text = (s: string) => s.padEnd(textLength, "ữ");
  const entries: Entry[] = bare.inputs.map((i) => ({
    criterion: i.criterion,
    score: 100,
    evidence: text("Báo cáo số 12/BC "),
    note: text("Ghi chú "),
  }));
  const layout = layoutSheet(template, ctx, entries);
  const x = excelDouble();
  const gw = new ExcelGateway(caps, x.run);
  const row = async (step: string, fn: () => Promise<unknown>) => {
    const from = x.requests.length;
    await fn();
    const reqs = x.requests.slice(from);
    console.log(
      `| ${label} | ${step} | ${reqs.length} | ${kib(Math.max(...reqs))} | ${kib(reqs.reduce((s, b) => s + b, 0))} |`,
    );
  };
  let meta = await gw.writeLayout(layout);
  await row("pull (sheet already there)", async () => {
    meta = await gw.writeLayout({ ...layout, meta });
  });
  await row("push (read, then marks + _thidua)", async () => {
    await gw.readValues(meta, layout.rowCount, layout.colCount);
    await gw.markErrors(meta, [layout.inputs[0]!.scoreCell], [], [{ ...meta, baseRevision: 1 }]);
  });
  const bundle = { bloc: { id: "b", name: "Khối thi đua" }, units: [] } as unknown as Parameters<typeof blocSheets>[1];
  const sheets = blocSheets(syntheticBlocTable(template, units, nameLength), bundle, "vi");
  await row("bloc table + matrix (first)", () => gw.writeSheets(sheets));
  await row("bloc table + matrix (again)", () => gw.writeSheets(sheets));
}

console.log("\n| bloc | step | syncs | largest request | all requests |");
console.log("|---|---|---|---|---|");
await steps("100 units x 120 criteria", 120, 100, 60, 60);
await steps("caps: 500 units x 2,000 criteria, 4,000-char texts", LIMITS.criteria, LIMITS.units, LIMITS.longText, 500);

try {
  const dir = join(import.meta.dirname, "dist", "assets");
  let raw = 0;
  let gz = 0;
  for (const f of readdirSync(dir).filter((x) => /\.(js|css)$/.test(x))) {
    const b = readFileSync(join(dir, f));
    raw += b.length;
    gz += gzipSync(b, { level: 9 }).length;
  }
  console.log(
    `\nbundle (addin/dist/assets, js+css, without office.js): ${(raw / 1024).toFixed(1)} KiB raw, ${(gz / 1024).toFixed(1)} KiB gzip`,
  );
} catch {
  console.log("\nbundle: build first (npm run build:addin)");
}
