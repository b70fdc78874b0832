/**
 * Measures what addin/PERF.md reports: for 50-, 300- and 1,000-criterion templates, the syncs and wall time of laying
 * out the sheet with the real gateway (over office-addin-mock, which counts context.sync()) and on the in-memory
 * workbook, the read-back, and the task pane's bundle size (gzip) when addin/dist exists.
 *
 *   npx tsx addin/perf.ts
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { layoutSheet } from "../shared/src/layout.ts";
import { FakeWorkbook } from "./src/excel/fakeWorkbook.ts";
import { ExcelGateway } from "./src/excel/gateway.ts";
import { mockWorkbook } from "./src/excel/officeMock.ts";
import { syntheticTemplate } from "./src/excel/synthetic.ts";

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

console.log(
  "| criteria | rows | layout (core) ms | fake: write ms | fake: read ms | gateway syncs (pull) | gateway ms | request bytes |",
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
    const mock = mockWorkbook();
    await new ExcelGateway(caps, mock.run).writeLayout(layout);
    syncs = mock.syncs();
    bytes = mock.ranges.reduce(
      (s, r) => s + JSON.stringify([r.formulas, r.values, r.numberFormat, r.format]).length,
      0,
    );
  });
  console.log(
    `| ${n} | ${layout.rowCount} | ${layoutMs.toFixed(1)} | ${writeMs.toFixed(1)} | ${readMs.toFixed(1)} | ${syncs} | ${gwMs.toFixed(1)} | ${(bytes / 1024).toFixed(0)} KiB |`,
  );
}

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
