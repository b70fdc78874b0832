/**
 * The council's setup of a bloc's year (thiết lập năm thi đua): a bloc's composition checked against the units, and
 * a period drafted from the bloc, the published template and rulebook versions, and a deadline in Vietnam time.
 */
import { type DomainError, domainError } from "./errors.ts";
import type { BlocUpdate, Period } from "./schemas.ts";

/**
 * Checks a bloc's composition: every member a known unit, none twice, the leader and the deputy among the members.
 * @example checkBloc({ ...bloc, members: ["a"], leaderUnitId: "b" }, new Set(["a", "b"])) // BLOC_LEADER_NOT_MEMBER
 */
export function checkBloc(
  bloc: Pick<BlocUpdate, "members" | "leaderUnitId" | "deputyUnitId">,
  knownUnitIds: ReadonlySet<string>,
): DomainError[] {
  const errors: DomainError[] = [];
  const seen = new Set<string>();
  bloc.members.forEach((u, i) => {
    if (!knownUnitIds.has(u)) errors.push(domainError("PERIOD_UNKNOWN_UNIT", { path: `/members/${i}` }, { unit: u }));
    if (seen.has(u)) errors.push(domainError("BLOC_DUPLICATE_MEMBER", { path: `/members/${i}` }, { unit: u }));
    seen.add(u);
  });
  for (const key of ["leaderUnitId", "deputyUnitId"] as const) {
    const u = bloc[key];
    if (u !== null && !seen.has(u))
      errors.push(domainError("BLOC_LEADER_NOT_MEMBER", { path: `/${key}` }, { unit: u }));
  }
  return errors;
}

/**
 * A deadline typed as a date and a time in Vietnam (UTC+7, no daylight saving) as the ISO text a period stores.
 * Null when the date or time is not one.
 * @example vietnamDeadline("2026-12-15", "17:00") // "2026-12-15T17:00:00+07:00"
 */
export function vietnamDeadline(date: string, time: string): string | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  const t = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (!d || !t) return null;
  const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const [hh, mm] = [Number(t[1]), Number(t[2])];
  const probe = new Date(Date.UTC(y, m - 1, day));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== day) return null;
  if (hh > 23 || mm > 59) return null;
  return `${d[1]}-${d[2]}-${d[3]}T${String(hh).padStart(2, "0")}:${t[2]}:00+07:00`;
}

/**
 * A bloc's period for a year, drafted from its composition and the versions chosen.
 * @example periodFromBloc(bloc, 2026, { id: "t", version: 2 }, { id: "r", version: 1 }, deadline).id // "khoi-viii-2026"
 */
export function periodFromBloc(
  bloc: {
    id: string;
    members?: string[] | undefined;
    leaderUnitId?: string | null | undefined;
    deputyUnitId?: string | null | undefined;
  },
  year: number,
  template: { id: string; version: number },
  rulebook: { id: string; version: number },
  submissionDeadline: string,
  members: string[] = bloc.members ?? [],
): Period {
  return {
    id: `${bloc.id}-${year}`,
    blocId: bloc.id,
    year,
    members,
    leaderUnitId: bloc.leaderUnitId ?? members[0] ?? "",
    deputyUnitId: bloc.deputyUnitId ?? null,
    templateId: template.id,
    templateVersion: template.version,
    rulebookId: rulebook.id,
    rulebookVersion: rulebook.version,
    // An electronic vote names its trustees before voting opens; a period made here votes on paper until then.
    trustees: [],
    submissionDeadline,
    state: "draft",
  };
}
