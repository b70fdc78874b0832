/**
 * Entry point of the task pane. In Excel, the pane talks to the workbook through the office.js gateway; anywhere
 * else (a browser, a training room, a test) it opens in demo mode over the in-memory workbook drawn beside it.
 */
import "@fluentui/web-components/button.js";
import "@fluentui/web-components/badge.js";
import "@fluentui/web-components/progress-bar.js";
import { webLightTheme } from "@fluentui/tokens";
import { setTheme } from "@fluentui/web-components";
import { DemoGrid } from "./demo/grid.ts";
import { FakeWorkbook } from "./excel/fakeWorkbook.ts";
import { detectCapabilities, ExcelGateway } from "./excel/gateway.ts";
import { memoryStore } from "./outbox.ts";
import { Shell } from "./ui/shell.ts";
import "./styles.css";

setTheme(webLightTheme);

function store() {
  try {
    localStorage.setItem("thidua.probe", "1");
    localStorage.removeItem("thidua.probe");
    return localStorage;
  } catch {
    return memoryStore();
  }
}

/** `?server=` wins; else the page's own origin when it serves the API (npm start), else the local worker. */
function defaultServer(): string {
  const q = new URLSearchParams(location.search).get("server");
  return q ?? (import.meta.env.VITE_THIDUA_SERVER || "http://localhost:8787");
}

async function start() {
  const host = document.getElementById("app")!;
  const hasOffice = typeof Office !== "undefined";
  const info = hasOffice ? await Office.onReady() : null;
  const inExcel = hasOffice && info?.host === Office.HostType.Excel && typeof Excel !== "undefined";
  if (inExcel) {
    const gateway = new ExcelGateway(detectCapabilities((n, v) => Office.context.requirements.isSetSupported(n, v)));
    const app = new Shell({ gateway, store: store(), demo: false, defaultServer: defaultServer() });
    host.append(app.root);
    return;
  }
  document.body.classList.add("demo");
  // ?excelApi=1.7 shows the demo as Office 2019 would run it (no in-cell validation, no print setup).
  const api = new URLSearchParams(location.search).get("excelApi");
  const minor = api && /^1\.\d+$/.test(api) ? Number(api.slice(2)) : 17;
  const wb = new FakeWorkbook({ host: "demo", apiMinor: minor, dataValidation: minor >= 8, printSetup: minor >= 9 });
  const app = new Shell({ gateway: wb, store: store(), demo: true, defaultServer: defaultServer() });
  const grid = new DemoGrid(wb);
  host.append(app.root, grid.root);
  (globalThis as { thiduaDemo?: unknown }).thiduaDemo = { workbook: wb };
}

void start();
