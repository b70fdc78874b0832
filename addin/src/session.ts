/**
 * What the pane does, without the pane (phiên làm việc): pull, check, push, merge, bloc table for the clerk; open,
 * review, return for the secretariat. Talks to a `WorkbookGateway` and the API; the DOM only shows the results.
 * Each step keeps to its round-trip budget: pull 2 syncs, check 2, push 2 (read, then mark + new base revision).
 */
import {
  compareEntries,
  type DomainError,
  type Entry,
  type EntryInput,
  layoutSheet,
  leafIndex,
  placeOnSheet,
  readSheetByCode,
  type SheetLayout,
  type Template,
  validateEntries,
  validateSubmission,
} from "../../shared/src/index.ts";
import {
  type ApiClient,
  ApiFailure,
  type EntryChange,
  type PushReceipt,
  type SheetBundle,
  type WireEntry,
} from "./api.ts";
import { blocSheets } from "./blocSheets.ts";
import { type AddinMeta, upsertMeta, type WorkbookGateway } from "./excel/gateway.ts";
import { locale } from "./i18n.ts";
import type { Outbox } from "./outbox.ts";

export type PushOutcome =
  | { kind: "receipt"; receipt: PushReceipt }
  | { kind: "invalid"; errors: DomainError[] }
  | { kind: "rejected"; failure: ApiFailure; errors: DomainError[] }
  | { kind: "conflict"; failure: ApiFailure; changes: EntryChange[] }
  | { kind: "queued"; count: number };

/** A random id for a push, kept across retries. */
export function newClientId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Wire entries (points as decimals) to the core's entries (hundredths). */
export function fromWire(template: Template, entries: readonly WireEntry[]): Entry[] {
  return validateEntries(
    template,
    entries.map((e) => ({ criterion: e.criterion, score: e.score, evidence: e.evidence, note: e.note })),
    "review",
  ).entries;
}

/**
 * Three-way merge of a stale copy: criteria the clerk changed since `base` keep the clerk's value, the rest take the
 * server's `latest`. `both` lists criteria changed on both sides (the clerk's value wins, the cell is marked).
 */
export function mergeEntries(
  base: readonly Entry[],
  latest: readonly Entry[],
  mine: readonly Entry[],
): { entries: Entry[]; mine: string[]; both: string[] } {
  const b = new Map(base.map((e) => [e.criterion, e]));
  const l = new Map(latest.map((e) => [e.criterion, e]));
  const m = new Map(mine.map((e) => [e.criterion, e]));
  const same = (x?: Entry, y?: Entry) =>
    (x?.score ?? null) === (y?.score ?? null) &&
    (x?.evidence ?? "") === (y?.evidence ?? "") &&
    (x?.note ?? "") === (y?.note ?? "");
  const out: Entry[] = [];
  const kept: string[] = [];
  const both: string[] = [];
  for (const code of new Set([...l.keys(), ...m.keys(), ...b.keys()])) {
    const mineChanged = !same(m.get(code), b.get(code));
    if (mineChanged) {
      kept.push(code);
      if (!same(l.get(code), b.get(code)) && !same(l.get(code), m.get(code))) both.push(code);
      const e = m.get(code);
      if (e) out.push(e);
    } else {
      const e = l.get(code);
      if (e) out.push(e);
    }
  }
  return { entries: out, mine: kept, both };
}

export class Session {
  bundle: SheetBundle | null = null;
  metas: AddinMeta[] = [];
  /** Cells marked as wrong on each sheet, to restore when they are fixed. */
  private marked = new Map<string, string[]>();

  constructor(
    readonly gw: WorkbookGateway,
    readonly api: ApiClient,
    readonly outbox: Outbox | null = null,
  ) {}

  async loadBundle(periodId: string): Promise<SheetBundle> {
    if (this.bundle?.period.id !== periodId) this.bundle = await this.api.sheet(periodId);
    return this.bundle;
  }

  /** Reads `_thidua` (1 sync); done once when the pane opens and after each layout. */
  async recognise(): Promise<AddinMeta[]> {
    this.metas = await this.gw.readMeta();
    return this.metas;
  }

  /** Keeps `meta` as the one metadata block of its sheet (same id, or same name). */
  private remember(meta: AddinMeta): AddinMeta {
    this.metas = upsertMeta(this.metas, meta);
    return meta;
  }

  selfMeta(periodId: string, unitId: string): AddinMeta | undefined {
    return this.metas.find((m) => m.mode === "self" && m.periodId === periodId && m.unitId === unitId && !m.readOnly);
  }

  private unitName(unitId: string) {
    return this.bundle?.units.find((u) => u.id === unitId)?.name ?? unitId;
  }

  layoutFor(
    unitId: string,
    entries: Entry[],
    options: { mode?: "self" | "review"; reviewed?: Entry[]; sheetName?: string } = {},
  ): SheetLayout {
    const b = this.bundle!;
    return layoutSheet(
      b.template,
      {
        blocName: b.bloc.name,
        unitName: this.unitName(unitId),
        unitId,
        periodId: b.period.id,
        year: b.period.year,
        bonusCap: b.rulebook.bonusCap,
        mode: options.mode ?? "self",
        ...(options.sheetName ? { sheetName: options.sheetName } : {}),
      },
      entries,
      options.reviewed ?? [],
    );
  }

  /**
   * The latest revision of a unit and its entries, or null before the first push. One request: the bundle comes back
   * with it (and is refreshed), so a pull costs one round trip to the Worker and two to its database.
   */
  async latest(periodId: string, unitId: string): Promise<{ revision: number; entries: Entry[] } | null> {
    const b = await this.api.sheet(periodId, unitId);
    this.bundle = b;
    if (b.latest !== undefined)
      return b.latest ? { revision: b.latest.revision, entries: fromWire(b.template, b.latest.entries) } : null;
    // A Worker from before the one-request pull: the revision list, then the latest revision.
    const list = await this.api.revisions(periodId, unitId);
    if (!list.length) return null;
    const revision = Math.max(...list.map((r) => r.revision));
    const rev = await this.api.revision(periodId, unitId, revision);
    return { revision, entries: fromWire(b.template, rev.entries) };
  }

  /** Pull: lays out the unit's sheet, prefilled with its latest revision. */
  async pull(periodId: string, unitId: string): Promise<{ layout: SheetLayout; revision: number | null }> {
    const last = await this.latest(periodId, unitId);
    // The unit's sheet as the workbook knows it: re-laid in place even if the clerk renamed it.
    const known = this.selfMeta(periodId, unitId);
    const layout = this.layoutFor(unitId, last?.entries ?? [], known ? { sheetName: known.sheetName } : {});
    const meta: AddinMeta = {
      ...layout.meta,
      baseRevision: last?.revision ?? null,
      ...(known?.sheetId ? { sheetId: known.sheetId } : {}),
    };
    this.remember(await this.gw.writeLayout({ ...layout, meta }));
    this.marked.delete(layout.sheetName);
    return { layout, revision: last?.revision ?? null };
  }

  /** Reads the sheet back as the core's inputs (1 sync). */
  async readInputs(meta: AddinMeta, which: "self" | "review" = meta.mode): Promise<EntryInput[]> {
    return (await this.readByCode(meta, which)).entries;
  }

  /**
   * Reads each score by the criterion code on its own row (1 sync), as an upload is read: a row moved in Excel keeps
   * its criterion, and a code missing, duplicated or unknown is a problem at its cell, which refuses the push.
   */
  private async readByCode(meta: AddinMeta, which: "self" | "review" = meta.mode) {
    const rows = Math.max(0, ...Object.values(meta.rows)) + 1;
    const grid = await this.gw.readValues(meta, rows, which === "review" ? 8 : 6);
    return readSheetByCode((await this.loadBundle(meta.periodId)).template, meta, grid, which);
  }

  private async mark(meta: AddinMeta, errors: readonly DomainError[], metas?: AddinMeta[]) {
    const cells = [...new Set(errors.map((e) => e.cell).filter((c): c is string => !!c))];
    const before = this.marked.get(meta.sheetName) ?? [];
    const restore = before
      .filter((c) => !cells.includes(c))
      .map((cell) => ({
        cell,
        // Column A holds the criterion codes (a code problem marks its cell), E, F and H text inputs, D and G points.
        style: /^A\d/.test(cell)
          ? ("criterion" as const)
          : /^[EFH]/.test(cell)
            ? ("inputText" as const)
            : ("input" as const),
      }));
    if (cells.length || restore.length || metas) await this.gw.markErrors(meta, cells, restore, metas);
    this.marked.set(meta.sheetName, cells);
  }

  /** Check: the core validates the sheet; wrong cells are marked until fixed (2 syncs). */
  async check(meta: AddinMeta): Promise<{ errors: DomainError[]; entries: Entry[] }> {
    const b = await this.loadBundle(meta.periodId);
    const { entries: inputs, problems } = await this.readByCode(meta);
    const result = validateEntries(b.template, inputs, "submission");
    const errors = placeOnSheet([...problems, ...result.errors]);
    await this.mark(meta, errors);
    return { entries: result.entries, errors };
  }

  /** Push (2 syncs): read, send, then mark errors and record the new base revision in one step. */
  async push(meta: AddinMeta, clientId = newClientId()): Promise<PushOutcome> {
    const b = await this.loadBundle(meta.periodId);
    const { entries: inputs, problems } = await this.readByCode(meta);
    if (problems.length) {
      await this.mark(meta, problems);
      return { kind: "invalid", errors: problems };
    }
    const body = {
      templateId: b.template.id,
      templateVersion: b.template.version,
      baseRevision: meta.baseRevision ?? null,
      clientId,
      entries: inputs,
    };
    const local = validateSubmission(b.template, body);
    if (!local.ok) {
      const errors = placeOnSheet(local.errors);
      await this.mark(meta, errors);
      return { kind: "invalid", errors };
    }
    try {
      const receipt = await this.api.push(meta.periodId, meta.unitId, body);
      await this.accepted(meta, receipt);
      return { kind: "receipt", receipt };
    } catch (e) {
      if (!(e instanceof ApiFailure)) throw e;
      if (e.code === "NETWORK_ERROR" && this.outbox) {
        this.outbox.add({
          clientId,
          periodId: meta.periodId,
          unitId: meta.unitId,
          sheetName: meta.sheetName,
          body,
          queuedAt: new Date().toISOString(),
        });
        return { kind: "queued", count: this.outbox.list().length };
      }
      if (e.code === "CONFLICT_STALE_REVISION") {
        const base = Number(e.params.base ?? meta.baseRevision ?? 0);
        const latest = Number(e.params.latest);
        const changes =
          base > 0 && latest > base
            ? await this.api.compare(meta.periodId, meta.unitId, base, latest).catch(() => [])
            : [];
        return { kind: "conflict", failure: e, changes };
      }
      const errors = placeOnSheet(e.details);
      await this.mark(meta, errors);
      return { kind: "rejected", failure: e, errors };
    }
  }

  /** After a receipt (direct or from the outbox): clear the marks and keep the new base revision. */
  async accepted(meta: AddinMeta, receipt: PushReceipt) {
    const updated = this.remember({ ...meta, baseRevision: receipt.revision });
    await this.mark(updated, [], this.metas);
    return updated;
  }

  /**
   * The criteria whose score, evidence or note on the sheet differ from the revision it was pulled from or last
   * pushed as (from an empty sheet when nothing was pushed yet), in the template's order.
   */
  async unsavedEdits(meta: AddinMeta): Promise<string[]> {
    const b = await this.loadBundle(meta.periodId);
    const inputs = await this.readInputs(meta);
    const mine = validateEntries(b.template, inputs, "review").entries;
    const base = meta.baseRevision
      ? fromWire(b.template, (await this.api.revision(meta.periodId, meta.unitId, meta.baseRevision)).entries)
      : [];
    // A blank row and a missing one are the same thing on a sheet.
    const filled = (es: readonly Entry[]) => es.filter((e) => e.score !== null || e.evidence || e.note);
    const order = leafIndex(b.template).leaves.map((l) => l.code);
    return compareEntries(order, filled(base), filled(mine)).map((c) => c.criterion);
  }

  /** Pulls a merged view of a stale copy on top of the server's latest revision. */
  async pullMerged(meta: AddinMeta) {
    const b = await this.loadBundle(meta.periodId);
    const inputs = await this.readInputs(meta);
    const mine = validateEntries(b.template, inputs, "review").entries;
    const latest = await this.latest(meta.periodId, meta.unitId);
    const baseRev = meta.baseRevision;
    const base = baseRev
      ? fromWire(b.template, (await this.api.revision(meta.periodId, meta.unitId, baseRev)).entries)
      : [];
    const merged = mergeEntries(base, latest?.entries ?? [], mine);
    const layout = this.layoutFor(meta.unitId, merged.entries, { sheetName: meta.sheetName });
    const newMeta = this.remember(
      await this.gw.writeLayout({
        ...layout,
        meta: {
          ...layout.meta,
          baseRevision: latest?.revision ?? null,
          ...(meta.sheetId ? { sheetId: meta.sheetId } : {}),
        },
      }),
    );
    const bothCells = merged.both.map((c) => layout.inputs.find((i) => i.criterion === c)?.scoreCell).filter(Boolean);
    this.marked.set(layout.sheetName, []);
    if (bothCells.length)
      await this.mark(
        newMeta,
        bothCells.map((cell) => ({ code: "CONFLICT" as const, cell })),
      );
    return { revision: latest?.revision ?? null, mine: merged.mine.length, both: merged.both.length };
  }

  /** Bloc table and matrix sheets (2 syncs). */
  async pullTable(periodId: string) {
    const b = await this.loadBundle(periodId);
    const table = await this.api.table(periodId);
    const sheets = blocSheets(table, b, locale());
    await this.gw.writeSheets(sheets);
    return sheets;
  }

  // ------------------------------------------------------------------------------------------------ secretariat

  private unitSheetName(unitId: string, suffix: string) {
    const u = this.bundle?.units.find((x) => x.id === unitId);
    return `${(u?.shortName ?? unitId).slice(0, 31 - suffix.length - 1)} ${suffix}`.trim();
  }

  /** Opens a unit's latest sheet read-only. */
  async openReadOnly(periodId: string, unitId: string) {
    const last = await this.latest(periodId, unitId);
    const layout = this.layoutFor(unitId, last?.entries ?? [], { sheetName: this.unitSheetName(unitId, "(xem)") });
    const meta: AddinMeta = { ...layout.meta, baseRevision: last?.revision ?? null, readOnly: true };
    this.remember(await this.gw.writeLayout({ ...layout, meta }, { readOnly: true }));
    return { layout, revision: last?.revision ?? null };
  }

  /** Lays out the review sheet: self-scores read-only, reviewed scores beside them. */
  async openReview(periodId: string, unitId: string) {
    const last = await this.latest(periodId, unitId);
    let reviewed: Entry[] = [];
    let reviewRevision: number | null = null;
    try {
      const r = await this.api.reviewed(periodId, unitId);
      if (r?.entries) reviewed = fromWire(this.bundle!.template, r.entries);
      reviewRevision = r?.revision ?? null;
    } catch {
      reviewed = [];
    }
    const layout = this.layoutFor(unitId, last?.entries ?? [], {
      mode: "review",
      reviewed,
      sheetName: this.unitSheetName(unitId, "(TĐ)"),
    });
    // A review sheet's base is the review revision it was laid out from (reviews have their own revisions).
    const meta: AddinMeta = { ...layout.meta, baseRevision: reviewRevision };
    this.remember(await this.gw.writeLayout({ ...layout, meta }));
    return { layout, revision: last?.revision ?? null };
  }

  /** Sends the reviewed scores of a review sheet (its base is the latest review revision). */
  async pushReview(meta: AddinMeta, note = "") {
    const b = await this.loadBundle(meta.periodId);
    const read = await this.readByCode(meta, "review");
    const inputs = read.entries.filter((e) => e.score !== null && e.score !== undefined);
    const checked = validateEntries(b.template, inputs, "review");
    const errors = [...read.problems, ...checked.errors];
    if (errors.length) {
      await this.mark(meta, errors);
      return { ok: false as const, errors };
    }
    let revision: number;
    try {
      const answer = await this.api.review(meta.periodId, meta.unitId, {
        baseRevision: meta.baseRevision ?? null,
        clientId: newClientId(),
        entries: inputs,
        note,
      });
      revision = answer.revision;
    } catch (e) {
      if (e instanceof ApiFailure) {
        await this.mark(meta, e.details);
        return { ok: false as const, errors: e.details.length ? e.details : [e.asError()] };
      }
      throw e;
    }
    const updated = this.remember({ ...meta, baseRevision: revision });
    await this.mark(updated, [], this.metas);
    return { ok: true as const, errors: [] };
  }
}
