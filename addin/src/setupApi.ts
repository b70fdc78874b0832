/**
 * The council's setup calls (thiết lập): units, blocs, template and rulebook versions, periods and access codes, over
 * the same `ApiClient` as everything else (its `request`), kept apart from `api.ts` so the setup screens add to the
 * client without changing it.
 */
import type { Bloc, BlocUpdate, Period, Rulebook, Template, Unit } from "../../shared/src/index.ts";
import type { AccessToken, ApiClient } from "./api.ts";

/** A published version as the lists give it. */
export interface VersionRow {
  id: string;
  version: number;
  name: string;
  createdAt?: string;
  createdBy?: string;
}

const enc = encodeURIComponent;

export const setupApi = {
  units: async (api: ApiClient) => (await api.request<{ units: Unit[] }>("GET", "/units")).units,
  createUnit: (api: ApiClient, unit: Unit) => api.request<Unit>("POST", "/units", unit),
  renameUnit: (api: ApiClient, id: string, body: { name: string; shortName: string }) =>
    api.request<Unit>("PUT", `/units/${enc(id)}`, body),
  blocs: async (api: ApiClient) => (await api.request<{ blocs: Bloc[] }>("GET", "/blocs")).blocs,
  createBloc: (api: ApiClient, bloc: Bloc) => api.request<Bloc>("POST", "/blocs", bloc),
  updateBloc: (api: ApiClient, id: string, body: BlocUpdate) => api.request<Bloc>("PUT", `/blocs/${enc(id)}`, body),
  templates: async (api: ApiClient) => (await api.request<{ templates: VersionRow[] }>("GET", "/templates")).templates,
  templateVersions: async (api: ApiClient, id: string) =>
    (await api.request<{ versions: VersionRow[] }>("GET", `/templates/${enc(id)}/versions`)).versions,
  template: (api: ApiClient, id: string, version: number) =>
    api.request<Template>("GET", `/templates/${enc(id)}/versions/${version}`),
  /** Publishes a template version for a bloc (its secretariat may then publish the next ones) or, with "", for all. */
  publishTemplate: (api: ApiClient, t: Template, blocId = "") =>
    api.request<Template>("POST", `/templates${blocId ? `?blocId=${enc(blocId)}` : ""}`, t),
  /** A template version as the template workbook, with no unit and no period: for member units to read first. */
  templateWorkbook: (api: ApiClient, id: string, version: number) =>
    api.download(`/templates/${enc(id)}/versions/${version}/workbook.xlsx`),
  rulebooks: async (api: ApiClient) => (await api.request<{ rulebooks: VersionRow[] }>("GET", "/rulebooks")).rulebooks,
  rulebook: (api: ApiClient, id: string, version: number) =>
    api.request<Rulebook>("GET", `/rulebooks/${enc(id)}/versions/${version}`),
  publishRulebook: (api: ApiClient, r: Rulebook, blocId = "") =>
    api.request<Rulebook>("POST", `/rulebooks${blocId ? `?blocId=${enc(blocId)}` : ""}`, r),
  blocPeriods: async (api: ApiClient, blocId: string) =>
    (await api.request<{ periods: Period[] }>("GET", `/periods?blocId=${enc(blocId)}`)).periods,
  /** Any access code the council issues: a bloc's secretariat or board, a unit's clerk. The value comes once. */
  issue: (
    api: ApiClient,
    body:
      | { role: "secretariat" | "board"; blocId: string; label: string }
      | { role: "clerk"; unitId: string; label: string },
  ) => api.request<AccessToken & { token: string }>("POST", "/tokens", body),
};
