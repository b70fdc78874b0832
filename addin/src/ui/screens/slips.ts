/**
 * Printed sheets (phiếu in): voter slips when voting opens (one cut-out slip per member unit: the unit, its code and
 * a QR code of the ballot address with the code in the URL fragment, `…/ballot#code=…`, so the code reaches no server
 * log), and access-code sheets for clerks and the board. A4 pages, eight slips a page, cut lines between them; the
 * codes exist only in the answer that issued them, so the sheet is built here in the browser and printed at once.
 *
 * QR codes come from lean-qr (about 4 KiB gzip, no dependencies, typed; it draws an SVG with DOM calls, so the app's
 * Content-Security-Policy needs no inline style or image).
 */
import { correction, generate } from "lean-qr";
import { toSvg } from "lean-qr/extras/svg";
import { h } from "../dom.ts";
import { tw, type WebKey } from "../webText.ts";

/**
 * The ballot's address for a voter code: the code in the fragment, never in the path or query.
 * @example ballotAddress("https://thidua.example", "AB12-…") // "https://thidua.example/ballot#code=AB12-…"
 */
export function ballotAddress(origin: string, code: string): string {
  return `${origin.replace(/\/+$/, "")}/ballot#code=${encodeURIComponent(code)}`;
}

/** The web app's sign-in address for an access code, in the fragment as for voters. */
export function signInAddress(origin: string, code: string): string {
  return `${origin.replace(/\/+$/, "")}/#code=${encodeURIComponent(code)}`;
}

/** A QR code of `text` as an SVG element (error correction M: survives a crease or a smudge on a printed slip). */
export function qrSvg(text: string, label: string): SVGElement {
  const code = generate(text, { minCorrectionLevel: correction.M });
  const svg = toSvg(code, document, { on: "#000", off: "#fff", pad: 4, width: null, height: null });
  svg.setAttribute("class", "qr");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("data-qr", text);
  return svg;
}

export interface VoterSlip {
  unitId: string;
  unitName: string;
  code: string;
}

export interface CodeSlip {
  /** The role's name as people say it (e.g. "Cán bộ thi đua"). */
  role: string;
  who: string;
  code: string;
}

/** One slip: title, lines of text, the code in large type, the QR code, and how to use it. */
function slip(
  id: string,
  title: string,
  lines: string[],
  codeLabel: string,
  code: string,
  address: string,
  how: string,
) {
  return h(
    "article",
    { class: "slip", "data-slip": id },
    h("div", { class: "slip-text" }, [
      h("p", { class: "slip-title" }, title),
      ...lines.map((l) => h("p", { class: "slip-line" }, l)),
      h("p", { class: "slip-code-label" }, codeLabel),
      h("p", { class: "slip-code mono", "data-code": code }, code),
      h("p", { class: "slip-how" }, how),
    ]),
    qrSvg(address, `${codeLabel}: ${code}`),
  );
}

/** Slips in A4 pages of eight (two columns, four rows). */
function pages(slips: HTMLElement[]): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (let i = 0; i < slips.length; i += 8) out.push(h("div", { class: "a4" }, slips.slice(i, i + 8)));
  return out;
}

/** Where a slip says to go: the origin without the scheme (what people type), the code not included. */
function shownAddress(origin: string, path: string): string {
  return `${origin.replace(/^https?:\/\//, "").replace(/\/+$/, "")}${path}`;
}

/**
 * The voter slips of a period: one per member unit that has a code.
 * @example voterSlipSheet({ origin: location.origin, blocName: "Khối VIII", year: 2017, slips })
 */
export function voterSlipSheet(o: { origin: string; blocName: string; year: number; slips: VoterSlip[] }) {
  const address = shownAddress(o.origin, "/ballot");
  return pages(
    o.slips.map((s) =>
      slip(
        s.unitId,
        tw("slipTitle"),
        [tw("slipPeriod", { bloc: o.blocName, year: o.year }), tw("slipUnit", { unit: s.unitName })],
        tw("slipCode"),
        s.code,
        ballotAddress(o.origin, s.code),
        tw("slipHow", { address }),
      ),
    ),
  );
}

/** Access-code slips (clerks, the board): the web app's address with the code in the fragment. */
export function codeSlipSheet(o: { origin: string; slips: CodeSlip[] }) {
  const address = shownAddress(o.origin, "/");
  return pages(
    o.slips.map((s, i) =>
      slip(
        String(i),
        tw("codeSlipTitle"),
        [tw("codeSlipWho", { role: s.role, who: s.who })],
        tw("codeSlipCode"),
        s.code,
        signInAddress(o.origin, s.code),
        tw("codeSlipHow", { address }),
      ),
    ),
  );
}

/**
 * Shows a print sheet over the app (outside the app's root, so the app's redraws leave it alone) with Print and
 * Close; the print style sheet prints the sheet alone. Closing removes it, and the codes with it.
 */
export function openPrintSheet(title: WebKey, titleParams: Record<string, string | number>, sheet: HTMLElement[]) {
  document.getElementById("print-root")?.remove();
  const close = () => {
    root.remove();
    document.body.classList.remove("printing");
  };
  const root = h(
    "div",
    { id: "print-root", role: "dialog", "aria-modal": "true", "aria-labelledby": "print-title" },
    h(
      "div",
      { class: "print-toolbar" },
      h("h2", { id: "print-title" }, tw(title, titleParams)),
      h("p", { class: "hint" }, tw("sheetHint")),
      h(
        "div",
        { class: "actions" },
        h(
          "fluent-button",
          { id: "print-now", appearance: "primary", onclick: () => globalThis.print?.() },
          tw("printNow"),
        ),
        h("fluent-button", { id: "print-close", appearance: "secondary", onclick: close }, tw("closeSheet")),
      ),
    ),
    h("div", { class: "print-sheet" }, sheet),
  );
  root.addEventListener("keydown", (e) => {
    if ((e as KeyboardEvent).key === "Escape") close();
  });
  document.body.append(root);
  document.body.classList.add("printing");
  (root.querySelector("#print-now") as HTMLElement | null)?.focus();
  return root;
}
