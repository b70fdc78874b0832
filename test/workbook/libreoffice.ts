/**
 * LibreOffice as an independent checker of generated workbooks (../shared/TOOLCHAIN.md): a throw-away profile that
 * FORCES recalculation on load (OOXMLRecalcMode = 0), so a wrong cached value cannot hide, then CSV per sheet (raw
 * values, UTF-8), PDF, or a re-saved .xlsx. Tests skip with a clear message when `soffice` is absent; CI installs it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const SOFFICE = (() => {
  const r = spawnSync("sh", ["-c", "command -v soffice || command -v libreoffice"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
})();

export const PDFTOPPM = (() => {
  const r = spawnSync("sh", ["-c", "command -v pdftoppm"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
})();

// These checks are the independent proof that the workbooks' formulas agree with the core: in CI (where
// scripts/install-system-deps.sh installs LibreOffice) a missing soffice is a failure, not a skip.
if (!SOFFICE && process.env.CI)
  throw new Error("LibreOffice (soffice) is missing in CI: run scripts/install-system-deps.sh");
if (!SOFFICE)
  console.warn("LibreOffice (soffice) not found: the LibreOffice workbook checks are skipped. CI installs it.");

const RECALC_PROFILE = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`;

/** A fresh working directory with a throw-away LibreOffice profile that forces recalculation. */
export function workDir(): { dir: string; profile: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "thidua-lo-"));
  const profile = path.join(dir, "profile");
  mkdirSync(path.join(profile, "user"), { recursive: true });
  writeFileSync(path.join(profile, "user", "registrymodifications.xcu"), RECALC_PROFILE);
  return { dir, profile, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function soffice(profile: string, args: string[]): void {
  if (!SOFFICE) throw new Error("soffice not available");
  execFileSync(SOFFICE, ["--headless", `-env:UserInstallation=file://${profile}`, ...args], {
    stdio: "pipe",
    timeout: 120_000,
  });
}

/** Parses RFC 4180 CSV (quoted fields may hold commas, quotes, CR and LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * Opens the workbook in LibreOffice with forced recalculation and returns every sheet as CSV rows of raw values.
 * Sheet names are recovered from LibreOffice's file names (`book-<sheet>.csv`).
 */
export function recalcCsv(bytes: Uint8Array): Map<string, string[][]> {
  const w = workDir();
  try {
    const file = path.join(w.dir, "book.xlsx");
    writeFileSync(file, bytes);
    const out = path.join(w.dir, "csv");
    soffice(w.profile, [
      "--convert-to",
      "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
      "--outdir",
      out,
      file,
    ]);
    const sheets = new Map<string, string[][]>();
    for (const f of readdirSync(out)) {
      if (!f.endsWith(".csv")) continue;
      const name = f.slice("book-".length, -".csv".length);
      sheets.set(name.normalize("NFC"), parseCsv(readFileSync(path.join(out, f), "utf8")));
    }
    return sheets;
  } finally {
    w.cleanup();
  }
}

/** Converts to PDF and renders the first page as PNG at `pngPath`. Returns the PDF's page count. */
export function firstPagePng(bytes: Uint8Array, pngPath: string): number {
  const w = workDir();
  try {
    const file = path.join(w.dir, "book.xlsx");
    writeFileSync(file, bytes);
    soffice(w.profile, ["--convert-to", "pdf", "--outdir", w.dir, file]);
    const pdf = path.join(w.dir, "book.pdf");
    mkdirSync(path.dirname(pngPath), { recursive: true });
    if (!PDFTOPPM) throw new Error("pdftoppm not available");
    execFileSync(PDFTOPPM, [
      "-png",
      "-r",
      "70",
      "-f",
      "1",
      "-l",
      "1",
      "-singlefile",
      pdf,
      pngPath.replace(/\.png$/, ""),
    ]);
    const info = spawnSync("pdfinfo", [pdf], { encoding: "utf8" });
    const m = /Pages:\s+(\d+)/.exec(info.stdout ?? "");
    return m ? Number(m[1]) : 0;
  } finally {
    w.cleanup();
  }
}

/** Re-saves an .xlsx through LibreOffice (xlsx -> xlsx), as a person who opened and saved it in Calc would. */
export function resaveXlsx(bytes: Uint8Array): Uint8Array {
  const w = workDir();
  try {
    const inDir = path.join(w.dir, "in");
    mkdirSync(inDir);
    const file = path.join(inDir, "book.xlsx");
    writeFileSync(file, bytes);
    soffice(w.profile, ["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", w.dir, file]);
    return new Uint8Array(readFileSync(path.join(w.dir, "book.xlsx")));
  } finally {
    w.cleanup();
  }
}

/** Converts to the Excel 97-2003 format (.xls), for the refusal test. */
export function toXls(bytes: Uint8Array): Uint8Array {
  const w = workDir();
  try {
    const file = path.join(w.dir, "book.xlsx");
    writeFileSync(file, bytes);
    soffice(w.profile, ["--convert-to", "xls", "--outdir", w.dir, file]);
    return new Uint8Array(readFileSync(path.join(w.dir, "book.xls")));
  } finally {
    w.cleanup();
  }
}

/** A word printed on a PDF page and its box, in points from the page's top left corner. */
export interface PdfWord {
  text: string;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  pageWidth: number;
}

/**
 * Converts to PDF and returns the words LibreOffice printed on page `page`, with their boxes (`pdftotext -bbox`):
 * a word clipped off the page or out of its cell is missing or lies outside where it belongs.
 */
export function pdfWords(bytes: Uint8Array, page = 1): PdfWord[] {
  const w = workDir();
  try {
    const file = path.join(w.dir, "book.xlsx");
    writeFileSync(file, bytes);
    soffice(w.profile, ["--convert-to", "pdf", "--outdir", w.dir, file]);
    const html = execFileSync(
      "pdftotext",
      ["-bbox", "-f", String(page), "-l", String(page), path.join(w.dir, "book.pdf"), "-"],
      {
        encoding: "utf8",
      },
    );
    const width = Number(/<page width="([\d.]+)"/.exec(html)?.[1] ?? 0);
    const words: PdfWord[] = [];
    for (const m of html.matchAll(
      /<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)<\/word>/g,
    ))
      words.push({
        text: m[5]!
          .replace(/&amp;/g, "&")
          .replace(/&lt;/g, "<")
          .replace(/&gt;/g, ">")
          .replace(/&quot;/g, '"')
          .normalize("NFC"),
        xMin: Number(m[1]),
        yMin: Number(m[2]),
        xMax: Number(m[3]),
        yMax: Number(m[4]),
        pageWidth: width,
      });
    return words;
  } finally {
    w.cleanup();
  }
}
