/**
 * Cán bộ thi đua without the add-in (old Office, locked-down machines): download the unit's template workbook
 * (prefilled with its latest revision), fill it in any spreadsheet program, upload it with the file picker or by
 * dropping it here, and see the receipt, or every problem with its sheet and cell. The file is checked by the server
 * exactly as a push from the add-in (the same core validation), so the answers are the same.
 *
 * A function of its state; the shell runs the actions (`download`, `upload`) with its progress and notices.
 */
import type { DomainError } from "../../../../shared/src/index.ts";
import { ApiFailure, type PushReceipt } from "../../api.ts";
import { dateTime, errorText, points, t } from "../../i18n.ts";
import { h } from "../dom.ts";
import { defineScreen } from "../screen.ts";
import { tw } from "../webText.ts";

export interface WebClerkState {
  receipt: (PushReceipt & { sheet?: { name: string } }) | null;
  /** The last upload's problems, each with its sheet and cell when it came from one. */
  problems: { error: DomainError; sheet: string | null }[];
}

export const initialWebClerk = (): WebClerkState => ({ receipt: null, problems: [] });

export interface WebClerkProps {
  state: WebClerkState;
  busy: boolean;
  download(): void;
  upload(file: File): void;
}

/** One problem's line: "Trang Tự chấm điểm, ô D12: …" when it came from a cell. */
export function problemLine(p: { error: DomainError; sheet: string | null }): string {
  const text = errorText(p.error);
  return p.error.cell
    ? tw("problemAt", { sheet: p.sheet ?? "?", cell: p.error.cell, text })
    : tw("problemNoCell", { text });
}

export function renderWebClerk(p: WebClerkProps): HTMLElement {
  const input = h("input", {
    id: "upload-file",
    type: "file",
    class: "input",
    accept: ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    disabled: p.busy,
  }) as HTMLInputElement;
  input.addEventListener("change", () => {
    const f = input.files?.[0];
    if (f) p.upload(f);
  });
  const zone = h(
    "div",
    { class: "dropzone", id: "dropzone" },
    h("label", { class: "field", for: "upload-file" }, h("span", {}, tw("uploadLabel")), input),
    h("p", { class: "hint" }, tw("dropHere")),
  );
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    const f = (e as DragEvent).dataTransfer?.files?.[0];
    if (f && !p.busy) p.upload(f);
  });
  const r = p.state.receipt;
  return h(
    "section",
    { class: "card", "aria-labelledby": "web-clerk-title", id: "web-clerk" },
    h("h2", { id: "web-clerk-title" }, tw("webClerkTitle")),
    h("p", { class: "hint" }, tw("webClerkHint")),
    h(
      "fluent-button",
      { id: "download-template", appearance: "primary", disabled: p.busy, onclick: () => p.download() },
      tw("downloadTemplate"),
    ),
    zone,
    p.state.problems.length
      ? h(
          "div",
          { class: "notice error", role: "alert", id: "upload-problems" },
          h("p", {}, tw("uploadProblems", { count: p.state.problems.length })),
          h(
            "ul",
            { class: "problems" },
            p.state.problems.map((x) => h("li", { "data-cell": x.error.cell ?? "" }, problemLine(x))),
          ),
        )
      : null,
    r
      ? h(
          "div",
          { class: "notice success receipt", role: "status", id: "receipt" },
          h("strong", {}, t("receiptTitle")),
          h("div", {}, t("receiptRevision", { revision: r.revision })),
          h(
            "div",
            {},
            t("receiptTotal", {
              total: points(r.totals.total),
              base: points(r.totals.base),
              bonus: points(r.totals.bonus),
              deduction: points(r.totals.deduction),
            }),
          ),
          h("div", {}, t("receiptAt", { at: dateTime(r.receivedAt) })),
          r.late ? h("div", {}, t("receiptLate")) : null,
          h("div", { class: "mono" }, t("receiptHash", { hash: r.contentHash.slice(0, 12) })),
        )
      : null,
  );
}

/** Saves a downloaded file through the browser (an object URL on a link with `download`). */
export function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The clerk's screen in the web app (the pane's clerk screen shows in Excel and the demo instead). */
export const webClerkScreen = defineScreen<{ clerk: WebClerkState }>({
  id: "web-clerk",
  roles: ["clerk"],
  label: "clerkTitle",
  shows: (ctx) => ctx.web,
  initial: () => ({ clerk: initialWebClerk() }),
  render(ctx, d) {
    const unitId = ctx.state.me.unitId ?? "";
    const returned = ctx.session.bundle?.returned?.[unitId];
    return [
      returned
        ? h(
            "p",
            { class: "notice warning", role: "status", id: "returned" },
            t("returnedToYou", { at: dateTime(returned.at), reason: returned.reason }),
          )
        : null,
      renderWebClerk({
        state: d.clerk,
        busy: ctx.running,
        download: () =>
          void ctx.run("stepLoading", async () => {
            const { blob, filename } = await ctx.api.templateWorkbook(ctx.state.periodId, unitId);
            saveFile(blob, filename);
          }),
        upload: (file) =>
          void ctx.run("stepSending", async () => {
            try {
              const receipt = await ctx.api.uploadWorkbook(ctx.state.periodId, unitId, file);
              d.clerk = { receipt, problems: [] };
            } catch (e) {
              if (!(e instanceof ApiFailure) || e.status === 0 || e.status >= 500) throw e;
              const sheet = typeof e.params.sheet === "string" ? e.params.sheet : null;
              const errors = e.details.length ? e.details : [e.asError()];
              d.clerk = { receipt: null, problems: errors.map((error) => ({ error, sheet })) };
            }
          }),
      }),
    ].filter((x): x is HTMLElement => x !== null);
  },
});
