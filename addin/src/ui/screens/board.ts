/**
 * Bảng điểm khối: once published, the bloc table into the workbook and a link for the board. In the web app (no
 * workbook), the bloc table and the criteria x units matrix as HTML tables (`webTables.ts`), for the board at any
 * time (marked as a draft until publication) and for the secretariat and the council from the review on.
 */
import type { BlocTable } from "../../../../shared/src/index.ts";
import { t } from "../../i18n.ts";
import { h } from "../dom.ts";
import { defineScreen, type PaneContext } from "../screen.ts";
import { tw } from "../webText.ts";
import { saveFile } from "./webClerk.ts";
import { renderBlocTables } from "./webTables.ts";

interface BoardDrafts {
  /** The period's table as last read, with what it was read for (the period, its state, the units' revisions). */
  table: { periodId: string; key: string; value: BlocTable } | null;
  loading: boolean;
  failed: (() => string) | null;
}

/**
 * Reads the period's table again whenever the period, its state or a unit's submitted or reviewed revision changed
 * (the status list the shell refreshes after every action), so a review just saved shows in the table.
 */
function loadTable(ctx: PaneContext, d: BoardDrafts) {
  const periodId = ctx.state.periodId;
  const key = [
    ctx.period?.state ?? "",
    ...ctx.state.status.map((u) => `${u.unitId}:${u.latestRevision}:${u.reviewRevision}`),
  ].join("|");
  if (!periodId || d.loading || (d.table?.periodId === periodId && d.table.key === key)) return;
  d.loading = true;
  d.failed = null;
  ctx.api
    .table(periodId)
    .then(
      (value) => {
        d.table = { periodId, key, value };
      },
      (e: unknown) => {
        d.failed = () => ctx.failureText(e);
      },
    )
    .finally(() => {
      d.loading = false;
      ctx.render();
    });
}

function webTables(ctx: PaneContext, d: BoardDrafts): HTMLElement | HTMLElement[] | null {
  const bundle = ctx.session.bundle;
  if (!ctx.web || !bundle) return null;
  loadTable(ctx, d);
  if (d.failed) return h("p", { class: "notice error", role: "alert" }, d.failed());
  if (!d.table || d.table.periodId !== ctx.state.periodId)
    return h("p", { class: "hint", role: "status" }, t("working"));
  return [
    ctx.period?.state === "closed" ? null : h("p", { class: "notice warning", id: "table-draft" }, tw("tableDraft")),
    renderBlocTables(d.table.value, bundle),
  ].filter((x): x is HTMLElement => x !== null);
}

/** Writes the published bloc table and its matrix into the workbook (clerks and the board alike). */
export async function pullTable(ctx: PaneContext) {
  await ctx.run("stepWriting", async () => {
    const sheets = await ctx.session.pullTable(ctx.state.periodId);
    ctx.notify({ kind: "success", text: () => t("tableOk", { table: sheets[0]!.name, matrix: sheets[1]!.name }) });
  });
}

export const boardScreen = defineScreen<BoardDrafts>({
  id: "board",
  roles: ["board", "secretariat", "council"],
  label: "blocTableTitle",
  // The board always sees it; the secretariat and the council once the period is published, and on the web (where
  // the table is a page, not a sheet to overwrite) from the review on.
  shows: (ctx) =>
    ctx.state.me.role === "board" ||
    ctx.period?.state === "closed" ||
    (ctx.web && (ctx.period?.state === "review" || ctx.period?.state === "voting")),
  initial: () => ({ table: null, loading: false, failed: null }),
  render(ctx, d) {
    return h(
      "section",
      { class: "card", "aria-labelledby": "board-title" },
      h("h2", { id: "board-title" }, t("blocTableTitle")),
      ctx.period?.state === "closed"
        ? [
            // The ranking workbook as a download, fetched with the code in the header: no link to copy.
            h(
              "fluent-button",
              {
                id: "download-ranking",
                appearance: "primary",
                disabled: ctx.running,
                onclick: () =>
                  void ctx.run("stepLoading", async () => {
                    const { blob, filename } = await ctx.api.rankingWorkbook(ctx.state.periodId);
                    saveFile(blob, filename);
                  }),
              },
              tw("downloadRanking"),
            ),
            ctx.web ? null : ctx.button("pull-table", "pullTable", () => void pullTable(ctx), "primary"),
            ctx.button(
              "copy-link",
              "boardLink",
              () =>
                void ctx.run("stepLoading", async () => {
                  const { url } = await ctx.api.rankingLink(ctx.state.periodId);
                  // Where the clipboard is refused (some Office hosts), the link is still shown to copy by hand.
                  const copied = await ctx.copy(url).then(
                    () => true,
                    () => false,
                  );
                  ctx.notify({
                    kind: copied ? "success" : "info",
                    text: () => `${copied ? t("linkCopied") : t("linkHere")} ${url}`,
                  });
                }),
            ),
          ]
        : h("p", { class: "hint" }, t("notPublished")),
      webTables(ctx, d),
    );
  },
});
