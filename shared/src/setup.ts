/**
 * The council's setup of a bloc's year (thiết lập năm thi đua): a bloc's composition checked against the units, and
 * a period drafted from the bloc, the published template and rulebook versions, and a deadline in Vietnam time.
 */
import { type DomainError, domainError } from "./errors.ts";
import type { SheetContext } from "./layout.ts";
import type { BlocUpdate, Period, Template, Trustee } from "./schemas.ts";
import { leavesOf } from "./template.ts";

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

/** A name compared as people read it: NFC, spaces collapsed, case ignored. */
const sameName = (name: string) => name.normalize("NFC").trim().replace(/\s+/g, " ").toLocaleLowerCase("vi");

/**
 * Checks a period's trustees (người giữ khoá): none (the period votes on paper) or at least two, no one named twice
 * (by id or by name), since a sealed vote's key is split between distinct people.
 * @example checkTrustees([{ id: "a", name: "A" }]) // [TRUSTEES_REQUIRED at /trustees]
 */
export function checkTrustees(trustees: readonly Trustee[]): DomainError[] {
  const errors: DomainError[] = [];
  if (trustees.length === 1)
    errors.push(domainError("TRUSTEES_REQUIRED", { path: "/trustees" }, { count: trustees.length }));
  const ids = new Set<string>();
  const names = new Set<string>();
  trustees.forEach((x, i) => {
    if (ids.has(x.id) || names.has(sameName(x.name)))
      errors.push(domainError("TRUSTEE_DUPLICATE", { path: `/trustees/${i}` }, { name: x.name }));
    ids.add(x.id);
    names.add(sameName(x.name));
  });
  return errors;
}

/**
 * The trustees of a period from the names typed in the setup screen (blank lines ignored), each with a stable id
 * made from its name (letters without diacritics, "-" between words; a suffix when two ids would be the same).
 * @example trusteesFromNames(["Văn phòng khối trưởng"]) // [{ id: "van-phong-khoi-truong", name: "Văn phòng khối trưởng" }]
 */
export function trusteesFromNames(names: readonly string[]): Trustee[] {
  const used = new Set<string>();
  const out: Trustee[] = [];
  for (const raw of names) {
    const name = raw.normalize("NFC").trim().replace(/\s+/g, " ");
    if (!name) continue;
    const base =
      name
        .normalize("NFD")
        .replace(/[\u0300-\u036f]/g, "")
        .replace(/[đĐ]/g, "d")
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 48) || "nguoi-giu-khoa";
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    out.push({ id, name });
  }
  return out;
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
  trustees: Trustee[] = [],
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
    // Người giữ khoá: with two or more, the period may vote electronically (sealed ballots); with none, on paper.
    trustees,
    submissionDeadline,
    state: "draft",
  };
}

/**
 * The header of a template workbook read before any period exists (bảng chấm điểm gửi đơn vị đọc trước năm thi đua):
 * no unit and no period, so the file cannot be uploaded as a unit's sheet; the bonus line states the most the
 * template's bonus criteria give together, since the cap (rulebook.bonusCap) belongs to a period's rulebook.
 * @example templatePreviewContext(template, "Khối thi đua VIII", 2027).periodId // ""
 */
export function templatePreviewContext(template: Template, blocName: string, year: number): SheetContext {
  const bonus = leavesOf(template)
    .filter((l) => l.kind === "bonus")
    .reduce((sum, l) => sum + l.max, 0);
  return { blocName, unitName: "", unitId: "", periodId: "", year, bonusCap: bonus / 100 };
}
