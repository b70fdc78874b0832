/** Bảng điểm khối: once published, the bloc table into the workbook and a link for the board. */
import { t } from "../../i18n.ts";
import { h } from "../dom.ts";
import { defineScreen, type PaneContext } from "../screen.ts";

/** Writes the published bloc table and its matrix into the workbook (clerks and the board alike). */
export async function pullTable(ctx: PaneContext) {
  await ctx.run("stepWriting", async () => {
    const sheets = await ctx.session.pullTable(ctx.state.periodId);
    ctx.notify({ kind: "success", text: () => t("tableOk", { table: sheets[0]!.name, matrix: sheets[1]!.name }) });
  });
}

export const boardScreen = defineScreen({
  id: "board",
  roles: ["board", "secretariat", "council"],
  label: "blocTableTitle",
  // The board always sees it; the secretariat and the council once the period is published.
  shows: (ctx) => ctx.state.me.role === "board" || ctx.period?.state === "closed",
  initial: () => ({}),
  render(ctx) {
    return h(
      "section",
      { class: "card", "aria-labelledby": "board-title" },
      h("h2", { id: "board-title" }, t("blocTableTitle")),
      ctx.period?.state === "closed"
        ? [
            ctx.button("pull-table", "pullTable", () => void pullTable(ctx), "primary"),
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
    );
  },
});
