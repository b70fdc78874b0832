/**
 * The browser demo (bản chạy thử trên trình duyệt): the pane beside the in-memory workbook drawn as a grid, clearly
 * marked as not Excel. Only development builds contain it (`npm start`, the tests); the production bundle that Excel
 * loads leaves it out (main.ts, `__THIDUA_DEMO__`).
 */
import { FakeWorkbook } from "../excel/fakeWorkbook.ts";
import type { KeyValueStore } from "../outbox.ts";
import { Shell } from "../ui/shell.ts";
import { DemoGrid } from "./grid.ts";

export function startDemo(host: HTMLElement, store: KeyValueStore, defaultServer: string) {
  document.body.classList.add("demo");
  // ?excelApi=1.7 shows the demo as Office 2019 would run it (no in-cell validation, no print setup).
  const api = new URLSearchParams(location.search).get("excelApi");
  const minor = api && /^1\.\d+$/.test(api) ? Number(api.slice(2)) : 17;
  const wb = new FakeWorkbook({ host: "demo", apiMinor: minor, dataValidation: minor >= 8, printSetup: minor >= 9 });
  const app = new Shell({ gateway: wb, store, demo: true, defaultServer });
  const grid = new DemoGrid(wb);
  host.append(app.root, grid.root);
  (globalThis as { thiduaDemo?: unknown }).thiduaDemo = { workbook: wb };
}
