/**
 * Entry point of the task pane and of the web app. In Excel, the pane talks to the workbook through the office.js
 * gateway. The web build (`--mode web`, served by the Worker on the API's own origin) is the web app: no workbook
 * drawn, the API on the page's origin, wide and phone layouts, and sign-in from a code in the URL fragment (`#code=…`,
 * which no server ever sees: the slips' QR codes carry it). Anywhere else, a development build (a browser, a training
 * room, a test) opens in demo mode over the in-memory workbook drawn beside it; the production build leaves the demo
 * out and says the page belongs in Excel.
 */
import "@fluentui/web-components/button.js";
import "@fluentui/web-components/badge.js";
import "@fluentui/web-components/progress-bar.js";
import { webLightTheme } from "@fluentui/tokens";
import { setTheme } from "@fluentui/web-components";
import { detectCapabilities, ExcelGateway } from "./excel/gateway.ts";
import { NoWorkbook } from "./excel/noWorkbook.ts";
import { takeFragmentCode } from "./fragment.ts";
import { UI } from "./i18n.ts";
import { openStorage } from "./storage.ts";
import { Shell } from "./ui/shell.ts";
import "./styles.css";
import "./ui/screens/web.css";

// index.html shows its ES5 explanation at load unless this is set: the bundle was parsed and ran (not IE11, not
// EdgeHTML).
(globalThis as { thiduaBooted?: boolean }).thiduaBooted = true;
setTheme(webLightTheme);

/** `localStorage` behind Office's partition key where the host partitions storage (Excel on the web), else memory. */
function store(partitionKey?: string) {
  return openStorage(() => globalThis.localStorage, partitionKey);
}

/** The web app's build: served by the Worker, talking to its own origin. */
const WEB = import.meta.env.MODE === "web";

/** `?server=` wins; else the page's own origin when it serves the API (the web app), else the local worker. */
function defaultServer(): string {
  const q = new URLSearchParams(location.search).get("server");
  if (WEB) return location.origin;
  return q ?? (import.meta.env.VITE_THIDUA_SERVER || "http://localhost:8787");
}

async function start() {
  const host = document.getElementById("app")!;
  const hasOffice = typeof Office !== "undefined";
  const info = hasOffice ? await Office.onReady() : null;
  const inExcel = hasOffice && info?.host === Office.HostType.Excel && typeof Excel !== "undefined";
  if (inExcel) {
    const gateway = new ExcelGateway(detectCapabilities((n, v) => Office.context.requirements.isSetSupported(n, v)));
    const app = new Shell({
      gateway,
      store: store(Office.context.partitionKey),
      demo: false,
      defaultServer: defaultServer(),
    });
    host.append(app.root);
    return;
  }
  if (WEB && !hasOffice) {
    document.body.classList.add("web");
    // No workbook in a browser: the web screens download and upload template workbooks and draw HTML tables instead,
    // and a step that would need Excel says so (NoWorkbook).
    const app = new Shell({
      gateway: new NoWorkbook(),
      store: store(),
      demo: false,
      web: true,
      defaultServer: location.origin,
      code: takeFragmentCode(),
    });
    host.append(app.root);
    return;
  }
  if (__THIDUA_DEMO__) {
    const { startDemo } = await import("./demo/start.ts");
    startDemo(host, store(), defaultServer());
    return;
  }
  // Production, outside Excel: no demo in this bundle.
  for (const lang of ["vi", "en"] as const) {
    const p = document.createElement("p");
    p.lang = lang;
    p.className = "notice warning";
    p.textContent = UI[lang].notInExcel;
    host.append(p);
  }
}

void start();
