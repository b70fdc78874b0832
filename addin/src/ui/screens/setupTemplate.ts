/**
 * Bảng tiêu chí → mẫu chấm điểm: the council reads the range of a bloc's own criteria table (or lays out the
 * authoring sheet "Soạn bảng tiêu chí" and reads that), maps its columns, sets the kind of a part where the heading
 * does not say it, previews the parts and their maxima, sees every problem on its cell (pressing one selects the
 * cell), and publishes the template as a new version once nothing is wrong.
 */
import {
  authoringRows,
  type CriteriaTableImport,
  type CriterionKind,
  columnLetter,
  importCriteriaTable,
  type TableColumnRole,
  type TableColumns,
} from "../../../../shared/src/index.ts";
import { authoringFor, type SelectedRange } from "../../excel/authoring.ts";
import { dateTime, points, t, type UiKey } from "../../i18n.ts";
import { setupApi, type VersionRow } from "../../setupApi.ts";
import { h } from "../dom.ts";
import { defineScreen, type PaneContext } from "../screen.ts";
import { blocChoices, latestVersions, reloadSetup, setupData, setupShows } from "./setupData.ts";
import { selectField, textField } from "./setupForm.ts";
import { saveFile } from "./webClerk.ts";

interface TemplateDrafts {
  /** The bloc the template is published for ("" every bloc); null until the person chooses: the first offered. */
  blocId: string | null;
  id: string;
  name: string;
  version: string;
  range: SelectedRange | null;
  /** The person's column choices, by role: a column index, or -1 for "none"; absent: as detected. */
  columns: Partial<Record<TableColumnRole, number>>;
  kinds: Record<string, CriterionKind>;
  result: CriteriaTableImport | null;
  versions: VersionRow[] | null;
  /** The published version ("id@version") to download as the template workbook; "": the latest published. */
  readRef: string;
}

const MAPPED: readonly TableColumnRole[] = ["code", "content", "max", "guidance"];
const ROLE_LABEL: Record<TableColumnRole, UiKey> = {
  code: "setupColCode",
  content: "setupColContent",
  max: "setupColMax",
  guidance: "setupColGuidance",
  kind: "setupColKind",
  step: "setupColStep",
  evidence: "setupColEvidence",
};
const KIND_LABEL: Record<CriterionKind, UiKey> = {
  score: "setupKindScore",
  bonus: "setupKindBonus",
  deduction: "setupKindDeduction",
};

function reimport(d: TemplateDrafts) {
  if (!d.range) return;
  const columns: Partial<TableColumns> = {};
  for (const [role, col] of Object.entries(d.columns) as [TableColumnRole, number][])
    columns[role] = col < 0 ? null : col;
  d.result = importCriteriaTable(d.range.values, {
    origin: d.range.origin,
    id: d.id.trim() || "mau",
    name: d.name.trim() || d.id.trim() || "mau",
    version: Number(d.version) || 1,
    columns,
    kinds: d.kinds,
    ...(d.range.indents ? { indents: d.range.indents } : {}),
  });
}

function nextVersion(ctx: PaneContext, id: string): number {
  const rows = setupData(ctx)?.templates.filter((r) => r.id === id) ?? [];
  return rows.reduce((m, r) => Math.max(m, r.version), 0) + 1;
}

export const setupTemplateScreen = defineScreen<TemplateDrafts>({
  id: "setup-template",
  roles: ["council", "secretariat"],
  shows: setupShows,
  label: "setupTemplateTitle",
  initial: () => ({
    blocId: null,
    id: "",
    name: "",
    version: "1",
    range: null,
    columns: {},
    kinds: {},
    result: null,
    versions: null,
    readRef: "",
  }),
  render(ctx, d) {
    const data = setupData(ctx);
    const r = d.result;
    const forBlocs = blocChoices(ctx, data?.blocs ?? []);
    // Until the person chooses, the first bloc offered (the list may still be loading, or gain a bloc).
    if (d.blocId !== null && !forBlocs.some((b) => b.value === d.blocId)) d.blocId = null;
    const blocId = d.blocId ?? forBlocs[0]?.value ?? "";
    const readRange = () =>
      void ctx.run("stepLoading", async () => {
        const range = await authoringFor(ctx.gateway).readSelection();
        if (!range) {
          ctx.notify({ kind: "warning", text: () => t("setupNoSelection") });
          return;
        }
        d.range = range;
        d.columns = {};
        d.kinds = {};
        if (!d.id.trim()) d.version = "1";
        reimport(d);
        notifyProblems(ctx, d);
      });
    const layOut = () =>
      void ctx.run("stepSending", async () => {
        // The latest published version of this id, to edit into the next; else an empty sheet with its header.
        const latest = latestVersions(data?.templates ?? []).find((v) => v.id === d.id.trim());
        const base = latest ? await setupApi.template(ctx.api, latest.id, latest.version) : null;
        const sheet = await authoringFor(ctx.gateway).writeAuthoringSheet(authoringRows(base));
        if (latest) d.version = String(latest.version + 1);
        ctx.notify({ kind: "info", text: () => t("setupAuthoringLaidOut", { sheet }) });
      });
    const publish = () =>
      void ctx.run("stepSending", async () => {
        reimport(d);
        if (!d.result?.template) {
          notifyProblems(ctx, d);
          return;
        }
        const made = await setupApi.publishTemplate(ctx.api, d.result.template, blocId);
        await reloadSetup(ctx);
        d.versions = await setupApi.templateVersions(ctx.api, made.id);
        ctx.notify({
          kind: "success",
          text: () => t("setupTemplatePublished", { id: made.id, version: made.version }),
        });
      });

    const width = d.range?.values.reduce((m, row) => Math.max(m, row.length), 0) ?? 0;
    const origin = d.range ? d.range.origin.replace(/[0-9]+$/, "") : "A";
    const firstCol = [...origin].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
    const header = r && r.headerRow !== null ? (d.range?.values[r.headerRow] ?? []) : [];
    const colOptions = [
      { value: "-1", text: t("setupNoColumn") },
      ...Array.from({ length: width }, (_, c) => ({
        value: String(c),
        text: `${columnLetter(firstCol + c)}${header[c] ? ` · ${String(header[c]).slice(0, 30)}` : ""}`,
      })),
    ];

    return h(
      "section",
      { class: "card", "aria-labelledby": "setup-template-title", id: "setup-template" },
      h("h2", { id: "setup-template-title" }, t("setupTemplateTitle")),
      h("p", { class: "hint" }, t("setupTemplateHint")),
      selectField("template-bloc", "setupForBloc", forBlocs, blocId, (v) => {
        d.blocId = v;
      }),
      textField(
        "template-id",
        "setupTemplateId",
        d.id,
        (v) => {
          d.id = v;
          d.version = String(nextVersion(ctx, v.trim()));
        },
        { hint: t("setupIdHint") },
      ),
      textField("template-name", "setupTemplateName", d.name, (v) => {
        d.name = v;
      }),
      textField("template-version", "setupVersion", d.version, (v) => {
        d.version = v;
      }),
      // Reading a table and laying out the authoring sheet need a workbook: the web app has none, so it says where to go.
      ctx.web
        ? h("p", { class: "notice info", id: "template-on-web" }, t("setupTemplateOnWeb"))
        : [
            h(
              "div",
              { class: "actions" },
              ctx.button("read-range", "setupReadRange", readRange, "primary"),
              ctx.button("lay-out-authoring", "setupLayOutAuthoring", layOut),
            ),
            h("p", { class: "hint" }, t("setupReadRangeHint")),
          ],
      d.range && r
        ? [
            h(
              "p",
              { class: "hint", id: "range-read" },
              t("setupRangeRead", { sheet: d.range.sheetName, range: d.range.address }),
            ),
            // Excel 2016/2019: no region around the cell, so the whole used area of the sheet was read.
            d.range.wholeSheet
              ? h("p", { class: "notice warning", id: "range-whole-sheet" }, t("setupWholeSheet"))
              : null,
            h(
              "div",
              { class: "row-fields", id: "column-mapping" },
              MAPPED.map((role) =>
                selectField(
                  `map-${role}`,
                  ROLE_LABEL[role],
                  colOptions,
                  String(d.columns[role] ?? r.columns[role] ?? -1),
                  (v) => {
                    d.columns[role] = Number(v);
                    reimport(d);
                    ctx.render();
                  },
                ),
              ),
            ),
            preview(ctx, d, r),
            r.problems.length
              ? h(
                  "ul",
                  { class: "problems", id: "template-problems" },
                  ctx.problems(r.problems, d.range.sheetName).map((p) =>
                    h(
                      "li",
                      {},
                      h(
                        "button",
                        {
                          class: "problem",
                          type: "button",
                          "data-cell": p.cell ?? "",
                          disabled: !p.cell,
                          onclick: () => {
                            if (p.cell && p.sheet) void ctx.gateway.selectCell(p.sheet, p.cell);
                          },
                        },
                        p.text(),
                      ),
                    ),
                  ),
                )
              : h("p", { class: "notice success", id: "template-clean" }, t("setupTemplateClean")),
            h(
              "fluent-button",
              {
                id: "publish-template",
                appearance: "primary",
                disabled: ctx.running || r.problems.length > 0,
                onclick: publish,
              },
              t("setupPublishTemplate"),
            ),
          ]
        : null,
      d.versions?.length
        ? h(
            "ul",
            { class: "status-list", id: "template-versions" },
            d.versions.map((v) =>
              h(
                "li",
                { class: "status-row" },
                t("setupVersionLine", {
                  version: v.version,
                  by: v.createdBy ?? "",
                  at: v.createdAt ? dateTime(v.createdAt) : "",
                }),
              ),
            ),
          )
        : null,
      readCopy(ctx, d, latestVersions(data?.templates ?? [])),
    );
  },
});

/**
 * Bảng chấm điểm cho đơn vị đọc trước: a published template version as the template workbook, with no unit and no
 * period, to send to the member units before the year starts (the same file a clerk gets, without a unit's header).
 */
function readCopy(ctx: PaneContext, d: TemplateDrafts, published: VersionRow[]) {
  if (!published.length) return null;
  const options = published.map((x) => ({ value: `${x.id}@${x.version}`, text: `${x.name} (${x.id} v${x.version})` }));
  const ref = options.some((o) => o.value === d.readRef) ? d.readRef : options[0]!.value;
  const download = () =>
    void ctx.run("stepLoading", async () => {
      const at = ref.lastIndexOf("@");
      const { blob, filename } = await setupApi.templateWorkbook(ctx.api, ref.slice(0, at), Number(ref.slice(at + 1)));
      saveFile(blob, filename);
    });
  return h(
    "div",
    { class: "stack", id: "template-read-copy" },
    h("h3", {}, t("setupReadCopyTitle")),
    h("p", { class: "hint" }, t("setupReadCopyHint")),
    selectField("read-copy-template", "setupTemplateChoice", options, ref, (v) => {
      d.readRef = v;
    }),
    ctx.button("download-template-workbook", "setupDownloadTemplate", download),
  );
}

function preview(ctx: PaneContext, d: TemplateDrafts, r: CriteriaTableImport) {
  return h(
    "div",
    { class: "stack", id: "template-preview" },
    h("h3", {}, t("setupPreview")),
    h(
      "table",
      { class: "setup-table" },
      h(
        "thead",
        {},
        h("tr", {}, h("th", {}, t("setupPart")), h("th", {}, t("setupPartMax")), h("th", {}, t("setupPartKind"))),
      ),
      h(
        "tbody",
        {},
        r.parts.map((p) =>
          h(
            "tr",
            { "data-part": p.code },
            h(
              "td",
              {},
              `${p.code}. ${p.title}`,
              h("div", { class: "hint" }, t("setupCriteriaCount", { n: p.criteria })),
            ),
            h(
              "td",
              {},
              points(p.max / 100),
              p.stated !== null && p.stated !== p.max ? ` (${points(p.stated / 100)})` : "",
            ),
            h(
              "td",
              {},
              kindSelect(p.code, p.kinds, d.kinds[p.code] ?? "", (v) => {
                if (v) d.kinds[p.code] = v as CriterionKind;
                else delete d.kinds[p.code];
                reimport(d);
                ctx.render();
              }),
            ),
          ),
        ),
      ),
    ),
    h(
      "p",
      { id: "template-totals" },
      t("setupScoreMax", { max: points(r.scoreMax / 100) }),
      r.statedTotal !== null ? ` · ${t("setupStatedTotal", { total: points(r.statedTotal / 100) })}` : "",
      r.bonusCap !== null ? ` · ${t("setupBonusCapSeen", { cap: points(r.bonusCap / 100) })}` : "",
    ),
  );
}

/** The kind of a part: as its heading says (the first option) or chosen. */
function kindSelect(code: string, kinds: CriterionKind[], value: string, onChange: (v: string) => void) {
  const sel = h(
    "select",
    { id: `kind-${code}`, class: "input", "aria-label": `${t("setupPartKind")} ${code}` },
    [
      { value: "", text: kinds.map((k) => t(KIND_LABEL[k])).join(", ") || "—" },
      ...(Object.keys(KIND_LABEL) as CriterionKind[]).map((k) => ({ value: k, text: t(KIND_LABEL[k]) })),
    ].map((o) => h("option", { value: o.value, selected: o.value === value }, o.text)),
  ) as HTMLSelectElement;
  sel.addEventListener("change", () => onChange(sel.value));
  return sel;
}

function notifyProblems(ctx: PaneContext, d: TemplateDrafts) {
  const n = d.result?.problems.length ?? 0;
  ctx.notify(
    n
      ? { kind: "error", text: () => t("setupTemplateProblems", { n }) }
      : { kind: "success", text: () => t("setupTemplateClean") },
  );
}
