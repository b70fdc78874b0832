/**
 * What the setup screens share: the units, blocs and published versions, loaded once per sign-in (keyed by the
 * signed-in API client) and reloaded after a change. A screen that draws before they are there asks for them. The
 * council sets up every bloc; a bloc's secretariat its own bloc's template, rulebook and period (the server refuses
 * anything else with SETUP_OTHER_BLOC), so it is offered its own bloc only.
 */
import type { Bloc, Unit } from "../../../../shared/src/index.ts";
import type { ApiClient } from "../../api.ts";
import { t } from "../../i18n.ts";
import { setupApi, type VersionRow } from "../../setupApi.ts";
import type { PaneContext } from "../screen.ts";

export interface SetupData {
  units: Unit[];
  blocs: Bloc[];
  templates: VersionRow[];
  rulebooks: VersionRow[];
}

const cache = new WeakMap<ApiClient, { data: SetupData | null; pending: boolean }>();

/**
 * The loaded lists, or null while they load. The first call starts the load in the background, outside `ctx.run`:
 * it neither blocks the person's first click nor clears a notice; the pane redraws when the lists are there.
 */
export function setupData(ctx: PaneContext): SetupData | null {
  let entry = cache.get(ctx.api);
  if (!entry) {
    entry = { data: null, pending: false };
    cache.set(ctx.api, entry);
  }
  if (!entry.data && !entry.pending) {
    const e = entry;
    e.pending = true;
    reloadSetup(ctx).then(
      () => ctx.render(),
      (failure: unknown) => {
        // Not retried by itself: the next action that changes something reloads the lists.
        ctx.notify({ kind: "error", text: () => ctx.failureText(failure) });
        ctx.render();
      },
    );
  }
  return entry.data;
}

/** Loads the lists again (after a unit, bloc, template or rulebook was added). */
export async function reloadSetup(ctx: PaneContext): Promise<SetupData> {
  const [units, blocs, templates, rulebooks] = await Promise.all([
    setupApi.units(ctx.api),
    setupApi.blocs(ctx.api),
    setupApi.templates(ctx.api),
    setupApi.rulebooks(ctx.api),
  ]);
  const data = { units, blocs, templates, rulebooks };
  const entry = cache.get(ctx.api) ?? { data: null, pending: true };
  entry.data = data;
  cache.set(ctx.api, entry);
  return data;
}

/** The latest version of each id, newest first by id order kept. */
export function latestVersions(rows: readonly VersionRow[]): VersionRow[] {
  const byId = new Map<string, VersionRow>();
  for (const r of rows) if ((byId.get(r.id)?.version ?? 0) < r.version) byId.set(r.id, r);
  return [...byId.values()];
}

/** The blocs this person sets up: every bloc for the council, its own for a bloc's secretariat. */
export function setupBlocs(ctx: PaneContext, blocs: readonly Bloc[]): Bloc[] {
  const me = ctx.state.me;
  return me.role === "council" ? [...blocs] : blocs.filter((b) => b.id === me.blocId);
}

/**
 * The choice of the bloc a template or rulebook is published for: the council may also publish one for every bloc
 * (value ""), whose new versions only the council publishes; a secretariat has its own bloc alone.
 */
export function blocChoices(ctx: PaneContext, blocs: readonly Bloc[]): { value: string; text: string }[] {
  const own = setupBlocs(ctx, blocs).map((b) => ({ value: b.id, text: b.name }));
  return ctx.state.me.role === "council" ? [...own, { value: "", text: t("setupForEveryBloc") }] : own;
}

/**
 * Whether a setup screen shows: always to the council; to a bloc's secretariat except while its chosen period is in
 * review or voting, the busy part of the year, when these cards would only push its work down the pane.
 */
export function setupShows(ctx: PaneContext): boolean {
  if (ctx.state.me.role === "council") return true;
  const state = ctx.period?.state;
  return state !== "review" && state !== "voting";
}
