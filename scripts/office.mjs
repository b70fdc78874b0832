#!/usr/bin/env node
/**
 * The Office tooling people expect of an add-in project (công cụ Office), with Microsoft's own tools at pinned
 * versions, fetched on demand by `npx --yes` the first time a script needs them:
 *
 *   npm run certs                      a localhost certificate trusted by the system (office-addin-dev-certs), so
 *                                      that WebView2 (Windows certificate store) and WKWebView (macOS keychain)
 *                                      accept https://localhost:3000; accepting it in a browser is not enough
 *   npm run start:desktop              certs, then `office-addin-debugging start manifest.xml desktop`: runs
 *                                      `npm start`, sideloads the manifest into Excel on Windows or macOS, opens Excel
 *   npm run start:web -- --document <url of a workbook in OneDrive or SharePoint>
 *                                      the same, sideloading into Excel on the web
 *   npm run stop                       `office-addin-debugging stop manifest.xml`: unregisters and stops
 *   npm run validate [-- file.xml]     `office-addin-manifest validate`: Microsoft's online check (the offline XSD
 *                                      check is addin/manifest.test.ts)
 *
 * Why on demand and not in package.json: office-addin-debugging pulls about 590 packages (about 450 MB) including
 * keytar, a native module whose build fails on Linux without libsecret-1-dev, and it refuses to run on Linux anyway.
 * As a dependency it would make every `npm ci` (CI, every newcomer) heavy or broken for a tool only people who
 * sideload on Windows or macOS use; as an optional dependency npm would still download it everywhere. `npx --yes`
 * fetches it into npm's cache only on the machines that run these scripts. `--print` shows the commands instead of
 * running them; `--platform` pretends another OS (tests).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The pinned versions (checked 2026-12-04 with `npm view`). */
export const TOOLS = {
  debugging: "office-addin-debugging@7.0.0",
  devCerts: "office-addin-dev-certs@3.0.0",
  manifest: "office-addin-manifest@3.0.0",
};

const DEV_SERVER = ["--dev-server", "npm start", "--dev-server-port", "3000"];
const npx = (tool, ...args) => ({ cmd: "npx", args: ["--yes", tool, ...args] });

const LINUX = {
  vi: [
    "office-addin-debugging chỉ nạp phần bổ trợ vào Excel trên Windows và macOS; trên Linux không có Excel cài đặt.",
    "Trên Linux: chạy `npm start`, rồi trong Excel trên web chọn Trang đầu › Phần bổ trợ › Thêm phần bổ trợ ›",
    "Tải lên phần bổ trợ của tôi và chọn manifest.xml (docs/huong-dan-su-dung.md, mục Trong Excel).",
  ].join("\n"),
  en: [
    "office-addin-debugging sideloads into Excel on Windows and macOS only; Linux has no desktop Excel.",
    "On Linux: run `npm start`, then in Excel on the web choose Home › Add-ins › More add-ins › Upload My Add-in",
    "and pick manifest.xml (docs/user-guide.md, In Excel).",
  ].join("\n"),
};

/**
 * What a task runs: the commands in order, or why it refuses (in Vietnamese and English).
 * @example plan("validate", { platform: "linux", args: [] }).steps[0].args // ["--yes", "office-addin-manifest@3.0.0", ...]
 */
export function plan(task, { platform, args }) {
  const sideloads = platform === "win32" || platform === "darwin";
  const manifest = args.find((a) => a.endsWith(".xml")) ?? "manifest.xml";
  switch (task) {
    case "certs":
      return { steps: [npx(TOOLS.devCerts, "install")] };
    case "start:desktop":
      if (!sideloads) return { refuse: LINUX };
      return {
        steps: [
          npx(TOOLS.devCerts, "install"),
          npx(TOOLS.debugging, "start", manifest, "desktop", "--app", "excel", ...DEV_SERVER),
        ],
      };
    case "start:web": {
      const i = args.indexOf("--document");
      const document = i >= 0 ? args[i + 1] : undefined;
      if (!document)
        return {
          refuse: {
            vi: "Cần địa chỉ của một sổ tính trong OneDrive hoặc SharePoint: npm run start:web -- --document <địa chỉ>",
            en: "Give the address of a workbook in OneDrive or SharePoint: npm run start:web -- --document <url>",
          },
        };
      if (!sideloads) return { refuse: LINUX };
      return {
        steps: [
          npx(TOOLS.devCerts, "install"),
          npx(TOOLS.debugging, "start", manifest, "web", "--app", "excel", "--document", document, ...DEV_SERVER),
        ],
      };
    }
    case "stop":
      if (!sideloads) return { steps: [] };
      return { steps: [npx(TOOLS.debugging, "stop", manifest)] };
    case "validate":
      return { steps: [npx(TOOLS.manifest, "validate", manifest)] };
    default:
      return { refuse: { vi: `Không có lệnh ${task}.`, en: `No task ${task}.` } };
  }
}

const quote = (a) => (/^[\w@./:=-]+$/.test(a) ? a : JSON.stringify(a));

function main(argv) {
  const [task = "", ...rest] = argv;
  const print = rest.includes("--print");
  const p = rest.indexOf("--platform");
  const platform = p >= 0 ? rest[p + 1] : process.platform;
  const args = rest.filter((a, i) => a !== "--print" && a !== "--platform" && rest[i - 1] !== "--platform");
  const { steps, refuse } = plan(task, { platform, args });
  if (refuse) {
    console.error(`${refuse.vi}\n\n${refuse.en}`);
    return 2;
  }
  for (const s of steps) {
    console.log(`${s.cmd} ${s.args.map(quote).join(" ")}`);
    if (print) continue;
    const r = spawnSync(s.cmd, s.args, { cwd: ROOT, stdio: "inherit", shell: process.platform === "win32" });
    if (r.status !== 0) {
      if (task === "validate")
        console.error(
          "office-addin-manifest validate asks a Microsoft web service (it needs the internet). Offline: " +
            "npx vitest run --project addin addin/manifest.test.ts (XSDs).",
        );
      return r.status ?? 1;
    }
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exitCode = main(process.argv.slice(2));
