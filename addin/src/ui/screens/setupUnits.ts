/**
 * Đơn vị và khối: the council lists, adds and renames units (or imports them from a selected range: code, name,
 * short name), and makes a bloc with its member units, leader (khối trưởng) and deputy (khối phó), or changes one.
 */
import {
  address,
  type Bloc,
  type DomainError,
  domainError,
  Id,
  parseAddress,
  type Unit,
} from "../../../../shared/src/index.ts";
import { ApiFailure } from "../../api.ts";
import { authoringFor } from "../../excel/authoring.ts";
import { t } from "../../i18n.ts";
import { setupApi } from "../../setupApi.ts";
import { h } from "../dom.ts";
import { defineScreen } from "../screen.ts";
import { reloadSetup, setupData } from "./setupData.ts";
import { checkField, selectField, textField } from "./setupForm.ts";

interface UnitsDrafts {
  /** The unit being renamed, or null when adding. */
  editing: string | null;
  id: string;
  name: string;
  shortName: string;
  bloc: { id: string; name: string; kind: "khoi" | "cum"; members: string[]; leader: string; deputy: string };
  /** The bloc being changed, or "" for a new one. */
  blocChoice: string;
}

const emptyBloc = (): UnitsDrafts["bloc"] => ({ id: "", name: "", kind: "khoi", members: [], leader: "", deputy: "" });

/** Units from a range: rows of code, name and short name; a header row (or any row whose code is no id) is skipped. */
export function unitsFromRange(
  values: readonly (readonly unknown[])[],
  origin: { row: number; col: number },
  address: (r: number, c: number) => string,
): { units: (Unit & { cell: string })[]; problems: DomainError[] } {
  const units: (Unit & { cell: string })[] = [];
  const problems: DomainError[] = [];
  values.forEach((row, r) => {
    const [id, name, short] = row.map((v) => (v === null || v === undefined ? "" : String(v).trim()));
    if (!id && !name) return;
    if (!Id.safeParse(id).success) return; // a header ("Mã đơn vị") or a title
    const cell = address(origin.row + r, origin.col);
    if (!name)
      problems.push(
        domainError(
          "INVALID_INPUT",
          { cell: address(origin.row + r, origin.col + 1) },
          { path: "name", detail: t("setupUnitNameMissing") },
        ),
      );
    else units.push({ id: id!, name: name, shortName: short || name, cell });
  });
  return { units, problems };
}

export const setupUnitsScreen = defineScreen<UnitsDrafts>({
  id: "setup-units",
  roles: ["council"],
  label: "setupUnitsTitle",
  initial: () => ({ editing: null, id: "", name: "", shortName: "", bloc: emptyBloc(), blocChoice: "" }),
  render(ctx, d) {
    const data = setupData(ctx);
    const units = data?.units ?? [];
    const blocs = data?.blocs ?? [];
    const unitName = (id: string) => units.find((u) => u.id === id)?.shortName ?? id;

    const saveUnit = () =>
      void ctx.run("stepSending", async () => {
        const renamed = d.editing;
        if (renamed) {
          await setupApi.renameUnit(ctx.api, renamed, { name: d.name, shortName: d.shortName });
          ctx.notify({ kind: "success", text: () => t("setupUnitRenamed", { id: renamed }) });
        } else {
          const made = await setupApi.createUnit(ctx.api, {
            id: d.id.trim(),
            name: d.name,
            shortName: d.shortName || d.name,
          });
          ctx.notify({ kind: "success", text: () => t("setupUnitAdded", { name: made.name }) });
        }
        Object.assign(d, { editing: null, id: "", name: "", shortName: "" });
        await reloadSetup(ctx);
      });

    const importUnits = () =>
      void ctx.run("stepLoading", async () => {
        const range = await authoringFor(ctx.gateway).readSelection();
        if (!range) {
          ctx.notify({ kind: "warning", text: () => t("setupNoSelection") });
          return;
        }
        const origin = parseAddress(range.origin) ?? { row: 0, col: 0 };
        const { units: found, problems } = unitsFromRange(range.values, origin, address);
        const known = new Set(units.map((u) => u.id));
        let added = 0;
        for (const u of found) {
          if (known.has(u.id)) continue;
          try {
            await setupApi.createUnit(ctx.api, { id: u.id, name: u.name, shortName: u.shortName });
            added++;
          } catch (e) {
            if (!(e instanceof ApiFailure)) throw e;
            problems.push({ ...e.asError(), cell: u.cell });
          }
        }
        await reloadSetup(ctx);
        ctx.notify({
          kind: problems.length ? "warning" : "success",
          text: () => t("setupUnitsImported", { added, skipped: found.length - added }),
          items: ctx.problems(problems, range.sheetName),
        });
      });

    const pickBloc = (id: string) => {
      d.blocChoice = id;
      const b = blocs.find((x) => x.id === id);
      d.bloc = b
        ? {
            id: b.id,
            name: b.name,
            kind: b.kind,
            members: [...(b.members ?? [])],
            leader: b.leaderUnitId ?? "",
            deputy: b.deputyUnitId ?? "",
          }
        : emptyBloc();
      ctx.render();
    };

    const saveBloc = () =>
      void ctx.run("stepSending", async () => {
        const b = d.bloc;
        const composition = {
          members: b.members,
          leaderUnitId: b.leader || null,
          deputyUnitId: b.deputy || null,
        };
        const saved = d.blocChoice
          ? await setupApi.updateBloc(ctx.api, d.blocChoice, { name: b.name, kind: b.kind, ...composition })
          : await setupApi.createBloc(ctx.api, { id: b.id.trim(), name: b.name, kind: b.kind, ...composition });
        d.blocChoice = saved.id;
        d.bloc.id = saved.id;
        await reloadSetup(ctx);
        ctx.notify({ kind: "success", text: () => t("setupBlocSaved", { name: saved.name }) });
      });

    const memberOptions = [{ value: "", text: "—" }, ...d.bloc.members.map((m) => ({ value: m, text: unitName(m) }))];
    return h(
      "section",
      { class: "card", "aria-labelledby": "setup-units-title", id: "setup-units" },
      h("h2", { id: "setup-units-title" }, t("setupUnitsTitle")),
      h("p", { class: "hint" }, t("setupUnitsHint")),
      data === null
        ? h("p", { class: "hint" }, t("stepLoading"))
        : units.length
          ? h(
              "table",
              { class: "setup-table", id: "unit-list" },
              h("thead", {}, h("tr", {}, h("th", {}, t("setupUnitId")), h("th", {}, t("setupUnitName")), h("th", {}))),
              h(
                "tbody",
                {},
                units.map((u) =>
                  h(
                    "tr",
                    { "data-unit": u.id },
                    h("td", { class: "mono" }, u.id),
                    h("td", {}, `${u.name} (${u.shortName})`),
                    h(
                      "td",
                      {},
                      h(
                        "button",
                        {
                          type: "button",
                          class: "problem",
                          "data-rename": u.id,
                          onclick: () => {
                            Object.assign(d, { editing: u.id, id: u.id, name: u.name, shortName: u.shortName });
                            ctx.render();
                          },
                        },
                        t("setupRename"),
                      ),
                    ),
                  ),
                ),
              ),
            )
          : h("p", { class: "hint", id: "unit-list" }, t("setupNoUnits")),
      h("h3", {}, d.editing ? t("setupRenameTitle", { id: d.editing }) : t("setupAddUnitTitle")),
      d.editing
        ? null
        : textField("unit-id", "setupUnitId", d.id, (v) => {
            d.id = v;
          }),
      textField("unit-name", "setupUnitName", d.name, (v) => {
        d.name = v;
      }),
      textField("unit-short", "setupUnitShort", d.shortName, (v) => {
        d.shortName = v;
      }),
      h(
        "div",
        { class: "actions" },
        ctx.button("save-unit", d.editing ? "setupSaveName" : "setupAddUnit", saveUnit, "primary"),
        ctx.web ? null : ctx.button("import-units", "setupImportUnits", importUnits),
      ),
      h(
        "p",
        { class: "hint", id: ctx.web ? "units-on-web" : undefined },
        t(ctx.web ? "setupUnitsOnWeb" : "setupImportUnitsHint"),
      ),
      h("h3", {}, t("setupBlocTitle")),
      selectField(
        "bloc-choice",
        "setupBlocChoice",
        [{ value: "", text: t("setupNewBloc") }, ...blocs.map((b) => ({ value: b.id, text: b.name }))],
        d.blocChoice,
        pickBloc,
      ),
      d.blocChoice
        ? null
        : textField("bloc-id", "setupBlocId", d.bloc.id, (v) => {
            d.bloc.id = v;
          }),
      textField("bloc-name", "setupBlocName", d.bloc.name, (v) => {
        d.bloc.name = v;
      }),
      selectField(
        "bloc-kind",
        "setupBlocKind",
        [
          { value: "khoi", text: t("setupKindKhoi") },
          { value: "cum", text: t("setupKindCum") },
        ],
        d.bloc.kind,
        (v) => {
          d.bloc.kind = v === "cum" ? "cum" : "khoi";
        },
      ),
      h(
        "fieldset",
        { class: "stack", id: "bloc-members" },
        h("legend", {}, t("setupMembers")),
        units.map((u) =>
          checkField(`member-${u.id}`, `${u.shortName} (${u.id})`, d.bloc.members.includes(u.id), (on) => {
            d.bloc.members = on ? [...d.bloc.members, u.id] : d.bloc.members.filter((m) => m !== u.id);
            ctx.render();
          }),
        ),
      ),
      selectField("bloc-leader", "setupLeader", memberOptions, d.bloc.leader, (v) => {
        d.bloc.leader = v;
      }),
      selectField("bloc-deputy", "setupDeputy", memberOptions, d.bloc.deputy, (v) => {
        d.bloc.deputy = v;
      }),
      ctx.button("save-bloc", d.blocChoice ? "setupSaveBloc" : "setupCreateBloc", saveBloc, "primary"),
    );
  },
});

/** Blocs for the other setup screens' choices. */
export function blocOptions(blocs: readonly Bloc[]): { value: string; text: string }[] {
  return blocs.map((b) => ({ value: b.id, text: b.name }));
}
