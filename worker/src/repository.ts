/**
 * Data access (kho dữ liệu). `Repository` holds council-wide reference data and tokens; `PeriodRepository` is the
 * only way to reach a period's sheets, reviews, flags, returns, ballots and audit, and every one of its queries is
 * filtered by both the bloc and the period it was opened for. Writes are returned as prepared statements so that a
 * change and its audit record go to D1 in one batch: both or neither.
 */

import type {
  Bloc,
  Entry,
  Flags,
  Period,
  PeriodState,
  Role,
  Rulebook,
  ScoreColumns,
  Template,
  Unit,
} from "../../shared/src/index.ts";
import { leafIndex } from "../../shared/src/index.ts";
import type { Principal } from "./auth.ts";
import { ApiError } from "./errors.ts";
import { type RoundDb, type VotingReadOptions, type VotingState, votingOf, votingQueries } from "./votingStore.ts";
import { fromBase64, toBase64 } from "./workbook/builtin.ts";
import type { SheetText } from "./workbook/provenance.ts";
import { storedSheetOf } from "./workbook/stored.ts";

export interface TokenRow {
  id: string;
  role: Role;
  bloc_id: string | null;
  unit_id: string | null;
  period_id: string | null;
  label: string;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  revoked_at: string | null;
  used: number;
}

export interface RevisionRow {
  unit_id: string;
  revision: number;
  entries: string;
  content_hash: string;
  client_id: string;
  actor_token: string;
  actor_label: string;
  received_at: string;
}

export interface SubmissionRow extends RevisionRow {
  template_id: string;
  template_version: number;
  totals: string;
  late: number;
}

/**
 * A revision's scores without its texts (`SCORES_OF`): `["<codes joined by spaces>", [scores]]` as JSON text, in the
 * entries' order. What
 * consolidation needs of a sheet; the evidence and notes, most of a sheet's bytes, stay in the database.
 */
export interface ScoredRow {
  unit_id: string;
  revision: number;
  scores: string;
}

/**
 * What a ranking workbook reads of a sheet: its scores (`SCORES_OF`) and its text as the workbook keeps it, prepared
 * when it was pushed (`book_cells`, worker/src/workbook/stored.ts), or else its entries as stored (JSON text; null
 * when there are cells).
 */
export interface BookRow extends ScoredRow {
  book_cells: string | null;
  entries: string | null;
}

export interface ReviewRow extends RevisionRow {
  note: string;
}

export interface ReturnRow {
  unit_id: string;
  reason: string;
  returned_at: string;
  actor_label: string;
  open: number;
}

export interface AuditInput {
  blocId: string | null;
  periodId: string | null;
  unitId?: string | null;
  actor: Principal;
  action: string;
  detail?: Record<string, unknown>;
  requestId: string;
  at: string;
}

export interface AuditRow {
  id: number;
  unitId: string | null;
  at: string;
  actor: { tokenId: string; role: string; label: string };
  action: string;
  detail: Record<string, unknown>;
  requestId: string;
}

/** Rows of reference data as the API shows them. */
export interface PeriodRecord extends Period {
  createdAt: string;
  updatedAt: string;
}

function parsePeriod(row: { body: string; state: string; created_at: string; updated_at: string }): PeriodRecord {
  const body = JSON.parse(row.body) as Period;
  return { ...body, state: row.state as PeriodState, createdAt: row.created_at, updatedAt: row.updated_at };
}

/** Parsed published templates and rulebooks, per isolate (they are immutable once written). */
const versionCache = new Map<string, Template | Rulebook>();

function cacheVersion(key: string, parsed: Template | Rulebook): void {
  if (versionCache.size > 200) versionCache.clear();
  versionCache.set(key, parsed);
}

/**
 * A read that can go to D1 alone or inside a batch with others: the statement and what its rows become. Reads that
 * do not depend on each other are sent together with `readAll`, which is one round trip to the database.
 */
export interface Query<R> {
  stmt: D1PreparedStatement;
  parse(rows: unknown[]): R;
}

type Results<Q> = { [K in keyof Q]: Q[K] extends Query<infer R> ? R : never };

/**
 * Runs independent reads (and, in order, writes) in one D1 batch: one round trip, one transaction.
 * @example const { units, latest } = await readAll(db, { units: root.unitsQ(ids), latest: repo.latestRevisionsQ() })
 */
export async function readAll<Q extends Record<string, Query<unknown>>>(db: D1Database, qs: Q): Promise<Results<Q>> {
  const keys = Object.keys(qs);
  const out = {} as Record<string, unknown>;
  if (keys.length === 0) return out as Results<Q>;
  const results = await db.batch(keys.map((k) => qs[k]!.stmt));
  keys.forEach((k, i) => {
    out[k] = qs[k]!.parse(results[i]?.results ?? []);
  });
  return out as Results<Q>;
}

/** The first row, or null. */
const firstRow =
  <T>() =>
  (rows: unknown[]): T | null =>
    (rows[0] as T | undefined) ?? null;
const allRows =
  <T>() =>
  (rows: unknown[]): T[] =>
    rows as T[];

type WithPeriod<T> = T & { period_id: string };

/** A year's periods and the rows of its published ones (see `Repository.yearData`). */
export interface YearData {
  periods: PeriodRecord[];
  subs: WithPeriod<ScoredRow>[];
  reviews: WithPeriod<ReviewRow>[];
  flags: WithPeriod<{ unit_id: string; violation: number; withdrawn: number; reason: string }>[];
  ballots: { period_id: string; choices: string }[];
  units: Unit[];
  /** The sealed votes: rounds, trustees' shares, partial decryptions and sealed ballots (`body` JSON). */
  rounds: WithPeriod<RoundDb>[];
  keys: { period_id: string; body: string }[];
  parts: { period_id: string; body: string }[];
  sealed: { period_id: string; body: string }[];
}

/** An SQL condition (over a table aliased `t`) with its positional arguments, e.g. the tokens a caller manages. */
export interface Scope {
  sql: string;
  args: unknown[];
}

/** A download link with what decides whether it still works: its own revocation and its token's (links.ts). */
export interface LinkLiveRow {
  bloc_id: string;
  token_id: string;
  revoked_at: string | null;
  token_revoked: string | null;
  token_expires: string | null;
  token_row: string | null;
}

export const LINK_LIVE_SQL =
  "SELECT l.bloc_id, l.token_id, l.revoked_at, t.revoked_at AS token_revoked, t.expires_at AS token_expires, " +
  "t.id AS token_row FROM links l LEFT JOIN tokens t ON t.id = l.token_id";

export interface AuthRead {
  token: TokenRow | null;
  period: PeriodRecord | null;
}

/** The rows a new period names (`POST /periods`), which the route checks before its write. */
export type PeriodRefs = Pick<
  Period,
  "id" | "blocId" | "members" | "templateId" | "templateVersion" | "rulebookId" | "rulebookVersion"
>;

/** What creating a period reads: its bloc, its member units, a period with its id, its template and rulebook. */
export interface CreationRead {
  bloc: Bloc | null;
  units: Unit[];
  existing: PeriodRecord | null;
  template: Template | null;
  rulebook: Rulebook | null;
}

/** A live token of a role that creates periods, by its hash (?7). */
const SETUP_TOKEN =
  "EXISTS (SELECT 1 FROM tokens WHERE hash = ?7 AND revoked_at IS NULL AND role IN ('council', 'secretariat'))";

/** The references of a draft period as one text, to match the draft the route validated with the one read. */
function refsKey(r: PeriodRefs): string {
  return JSON.stringify([r.id, r.blocId, r.members, r.templateId, r.templateVersion, r.rulebookId, r.rulebookVersion]);
}

/** Council-wide data: units, blocs, templates, rulebooks, periods, tokens. */
export class Repository {
  /** The period this request is about, read with the token (see `authRead`); null when none was read. */
  private prefetched: PeriodRecord | null = null;
  private prefetchedLink: { id: string; row: LinkLiveRow | null } | null = null;
  private prefetchedVoting: { periodId: string; state: VotingState } | null = null;
  private prefetchedBook: { periodId: string; book: StoredBook | null; stamp: string | null } | null = null;
  private prefetchedCreation: { key: string; read: CreationRead } | null = null;

  constructor(readonly db: D1Database) {}

  /**
   * The first and only read before a route runs, in one round trip: the token by its hash, the period the request
   * is about (`periodId`, else `voterPeriodOf`: the period of the voter code with that hash), and that period's
   * template and rulebook unless this isolate has them parsed already, and, for a write route of the vote
   * (`votingPrefetch`), that period's vote (`votingRead`), and for a download of the ranking workbook (`book`) the
   * closed period's stored workbook (`bookRead`), and for the creation of a period (`creation`: the references its
   * body names) the rows it is checked against (`creationRead`). Nothing is sent when there is nothing to read.
   */
  async authRead(
    tokenHash: string | null,
    periodId: string | null,
    voterPeriodOf: string | null,
    linkId: string | null = null,
    voting: VotingReadOptions | null = null,
    book = false,
    creation: PeriodRefs | null = null,
  ): Promise<AuthRead> {
    const periodRef = periodId !== null ? "?1" : voterPeriodOf !== null ? PERIOD_OF_VOTER_CODE : null;
    const periodArg = periodId ?? voterPeriodOf;
    const qs: Record<string, Query<unknown>> = {};
    if (tokenHash !== null)
      qs.token = {
        stmt: this.db.prepare(`SELECT ${TOKEN_COLS} FROM tokens WHERE hash = ?`).bind(tokenHash),
        parse: firstRow<TokenRow>(),
      };
    if (periodRef !== null) {
      qs.period = {
        stmt: this.db.prepare(`SELECT ${PERIOD_COLS} FROM periods WHERE id = ${periodRef}`).bind(periodArg),
        parse: (rows) => (rows[0] ? parsePeriod(rows[0] as PeriodDb) : null),
      };
      const versionOf = (table: string, kind: string) =>
        `SELECT '${table}' AS kind, v.id, v.version, v.body FROM periods p JOIN ${table} v ` +
        `ON v.id = json_extract(p.body, '$.${kind}Id') AND v.version = json_extract(p.body, '$.${kind}Version') ` +
        `WHERE p.id = ${periodRef} AND ('${table}/' || v.id || '/' || v.version) NOT IN (SELECT value FROM json_each(?2))`;
      qs.rules = {
        stmt: this.db
          .prepare(`${versionOf("templates", "template")} UNION ALL ${versionOf("rulebooks", "rulebook")}`)
          .bind(periodArg, JSON.stringify([...versionCache.keys()])),
        parse: allRows<{ kind: string; id: string; version: number; body: string }>(),
      };
      // The vote's rows are keyed by the period alone: they need nothing this batch reads. The sealed ballots (the
      // heavy rows) only for a live token of the council or a secretariat, the roles that close a box.
      if (voting !== null)
        Object.assign(
          qs,
          votingQueries(
            this.db,
            {
              period: periodRef,
              bloc: `(SELECT bloc_id FROM periods WHERE id = ${periodRef})`,
              args: [periodArg, tokenHash],
              heavy:
                tokenHash === null
                  ? "0"
                  : "EXISTS (SELECT 1 FROM tokens WHERE hash = ?2 AND revoked_at IS NULL AND role IN ('council', 'secretariat'))",
            },
            voting,
          ),
        );
    }
    // A signed download link (its signature already checked, links.ts): its row and its token's, in the same trip.
    if (linkId !== null && periodId !== null)
      qs.link = {
        stmt: this.db.prepare(`${LINK_LIVE_SQL} WHERE l.period_id = ? AND l.id = ?`).bind(periodId, linkId),
        parse: firstRow<LinkLiveRow>(),
      };
    // The stored workbook of a closed period (a few hundred KB): only for a live token or a live download link, so
    // that a made-up bearer cannot make the Worker read it.
    if (book && periodId !== null && (tokenHash !== null || linkId !== null)) {
      qs.bookStamp = {
        stmt: this.db
          .prepare(`SELECT ${BOOK_STAMP} AS stamp FROM periods p WHERE p.id = ? AND p.state = 'closed'`)
          .bind(periodId),
        parse: (rows) => (rows[0] as { stamp: string } | undefined)?.stamp ?? null,
      };
      qs.book = storedBookQ(
        this.db,
        periodId,
        tokenHash !== null
          ? "EXISTS (SELECT 1 FROM tokens WHERE hash = ?2 AND revoked_at IS NULL)"
          : "EXISTS (SELECT 1 FROM links WHERE period_id = ?1 AND id = ?2 AND revoked_at IS NULL)",
        tokenHash ?? linkId!,
      );
    }
    // A draft period's rows, for a token only (the route reads nothing of them before `allow`). The template's and
    // the rulebook's bodies (the heavy rows) only when this isolate has not parsed them, and only for a live token of
    // the roles that create periods, so that a made-up bearer cannot make the Worker read them.
    // The parsed ones this isolate holds are taken now: another request may clear the cache during the batch.
    const heldTemplate = creation
      ? (versionCache.get(`templates/${creation.templateId}/${creation.templateVersion}`) as Template | undefined)
      : undefined;
    const heldRulebook = creation
      ? (versionCache.get(`rulebooks/${creation.rulebookId}/${creation.rulebookVersion}`) as Rulebook | undefined)
      : undefined;
    if (creation !== null && tokenHash !== null) {
      qs.creationBloc = this.blocQ(creation.blocId);
      qs.creationUnits = this.unitsQ(creation.members);
      qs.creationExisting = this.periodQ(creation.id);
      qs.creationRules = {
        stmt: this.db
          .prepare(
            `SELECT 'templates' AS kind, id, version, body FROM templates WHERE id = ?1 AND version = ?2 AND ?5 = 0 AND ${SETUP_TOKEN} ` +
              `UNION ALL SELECT 'rulebooks' AS kind, id, version, body FROM rulebooks WHERE id = ?3 AND version = ?4 AND ?6 = 0 AND ${SETUP_TOKEN}`,
          )
          .bind(
            creation.templateId,
            creation.templateVersion,
            creation.rulebookId,
            creation.rulebookVersion,
            heldTemplate ? 1 : 0,
            heldRulebook ? 1 : 0,
            tokenHash,
          ),
        parse: allRows<{ kind: string; id: string; version: number; body: string }>(),
      };
    }
    const r = (await readAll(this.db, qs)) as {
      creationBloc?: Bloc | null;
      creationUnits?: Unit[];
      creationExisting?: PeriodRecord | null;
      creationRules?: { kind: string; id: string; version: number; body: string }[];
      book?: StoredBook | null;
      bookStamp?: string | null;
      link?: LinkLiveRow | null;
      token?: TokenRow | null;
      period?: PeriodRecord | null;
      rules?: { kind: string; id: string; version: number; body: string }[];
    };
    for (const v of r.rules ?? []) cacheVersion(`${v.kind}/${v.id}/${v.version}`, JSON.parse(v.body));
    if (creation !== null && r.creationRules !== undefined) {
      let template = heldTemplate ?? null;
      let rulebook = heldRulebook ?? null;
      for (const v of r.creationRules) {
        const parsed = JSON.parse(v.body) as Template | Rulebook;
        cacheVersion(`${v.kind}/${v.id}/${v.version}`, parsed);
        if (v.kind === "templates") template = parsed as Template;
        else rulebook = parsed as Rulebook;
      }
      this.prefetchedCreation = {
        key: refsKey(creation),
        read: {
          bloc: r.creationBloc ?? null,
          units: r.creationUnits ?? [],
          existing: r.creationExisting ?? null,
          template,
          rulebook,
        },
      };
    }
    this.prefetched = r.period ?? null;
    if (voting !== null && this.prefetched)
      this.prefetchedVoting = { periodId: this.prefetched.id, state: votingOf(r as Record<string, unknown>, voting) };
    if (linkId !== null && "link" in r) this.prefetchedLink = { id: linkId, row: r.link ?? null };
    if ("book" in r && periodId !== null)
      this.prefetchedBook = { periodId, book: r.book ?? null, stamp: r.bookStamp ?? null };
    return { token: r.token ?? null, period: this.prefetched };
  }

  /**
   * The closed period's stored ranking workbook read with the token (`book` null: none, or stale) and the stamp a
   * book built now would be kept under (`storeBookStmts`; null unless the period is closed); undefined when they
   * were not read then.
   */
  bookRead(periodId: string): { book: StoredBook | null; stamp: string | null } | undefined {
    return this.prefetchedBook?.periodId === periodId ? this.prefetchedBook : undefined;
  }

  /**
   * The rows a new period is checked against, read with the token, when the draft the route validated names the
   * same rows as the body the middleware read (`periodRefs`); undefined otherwise, and handed out once.
   */
  creationRead(period: PeriodRefs): CreationRead | undefined {
    const pre = this.prefetchedCreation;
    this.prefetchedCreation = null;
    return pre !== null && pre.key === refsKey(period) ? pre.read : undefined;
  }

  /** The link row read with the token (undefined when that link was not read then; null when it does not exist). */
  linkRead(id: string): LinkLiveRow | null | undefined {
    return this.prefetchedLink?.id === id ? this.prefetchedLink.row : undefined;
  }

  /**
   * The vote of this period read with the token, handed out once (a second reader, after the request's write,
   * must read again); undefined when it was not read then.
   */
  votingRead(periodId: string): VotingState | undefined {
    const pre = this.prefetchedVoting;
    if (pre?.periodId !== periodId) return undefined;
    this.prefetchedVoting = null;
    return pre.state;
  }

  /** The period read with the token, if it is this one; else read now. */
  async scopedPeriod(id: string): Promise<PeriodRecord | null> {
    if (this.prefetched?.id === id) return this.prefetched;
    return this.getPeriod(id);
  }

  /** The audit record of a change, as a statement to batch with the change itself. */
  /**
   * The audit row of a change. `onlyIfVoterCodeUnused`: only while that voter code is unused. `onlyIfChanged`: only
   * when the statement just before it in the same batch changed a row (SQLite's `changes()`), so that a guarded
   * update that lost a race leaves no record of a change that did not happen.
   */
  audit(a: AuditInput, onlyIfVoterCodeUnused?: string, onlyIfChanged = false): D1PreparedStatement {
    const sql =
      "INSERT INTO audit (bloc_id, period_id, unit_id, at, actor_token, actor_role, actor_label, action, detail, request_id) " +
      (onlyIfVoterCodeUnused
        ? "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM tokens WHERE id = ? AND role = 'voter' AND used = 0)"
        : onlyIfChanged
          ? "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE changes() > 0"
          : "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const args: unknown[] = [
      a.blocId,
      a.periodId,
      a.unitId ?? null,
      a.at,
      a.actor.tokenId,
      a.actor.role,
      a.actor.label,
      a.action,
      JSON.stringify(a.detail ?? {}),
      a.requestId,
    ];
    if (onlyIfVoterCodeUnused) args.push(onlyIfVoterCodeUnused);
    return this.db.prepare(sql).bind(...args);
  }

  /**
   * The audit record of a new revision, written only if the statement before it in the batch changed a row; its
   * detail gets the revision the database gave (`revision` in `detail` is set from the unit's latest).
   */
  auditWithRevision(a: AuditInput, periodId: string, unitId: string, table: "submissions" | "reviews" = "submissions") {
    return this.db
      .prepare(
        "INSERT INTO audit (bloc_id, period_id, unit_id, at, actor_token, actor_role, actor_label, action, detail, request_id) " +
          `SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, json_set(?9, '$.revision', (SELECT MAX(revision) FROM ${table} WHERE period_id = ?11 AND unit_id = ?12)), ?10 WHERE changes() > 0`,
      )
      .bind(
        a.blocId,
        a.periodId,
        a.unitId ?? null,
        a.at,
        a.actor.tokenId,
        a.actor.role,
        a.actor.label,
        a.action,
        JSON.stringify(a.detail ?? {}),
        a.requestId,
        periodId,
        unitId,
      );
  }

  async listUnits(): Promise<Unit[]> {
    const r = await this.db.prepare("SELECT id, name, short_name FROM units ORDER BY id").all<UnitDb>();
    return r.results.map(unitOf);
  }

  async getUnit(id: string): Promise<Unit | null> {
    const r = await this.db.prepare("SELECT id, name, short_name FROM units WHERE id = ?").bind(id).first<UnitDb>();
    return r ? unitOf(r) : null;
  }

  async getUnits(ids: readonly string[]): Promise<Unit[]> {
    if (ids.length === 0) return [];
    return (await readAll(this.db, { u: this.unitsQ(ids) })).u;
  }

  unitsQ(ids: readonly string[]): Query<Unit[]> {
    return {
      stmt: this.db
        .prepare("SELECT id, name, short_name FROM units WHERE id IN (SELECT value FROM json_each(?))")
        .bind(JSON.stringify(ids)),
      parse: (rows) => (rows as UnitDb[]).map(unitOf),
    };
  }

  blocQ(id: string): Query<Bloc | null> {
    return { stmt: this.db.prepare("SELECT id, name, kind FROM blocs WHERE id = ?").bind(id), parse: firstRow<Bloc>() };
  }

  insertUnit(u: Unit, at: string): D1PreparedStatement {
    return this.db
      .prepare("INSERT INTO units (id, name, short_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)")
      .bind(u.id, u.name, u.shortName, at, at);
  }

  /** The audit record of a unit's update, with the unit as it was read from its row (nothing when there is none). */
  auditUnitUpdate(a: AuditInput, after: Unit): D1PreparedStatement {
    return this.db
      .prepare(
        "INSERT INTO audit (bloc_id, period_id, unit_id, at, actor_token, actor_role, actor_label, action, detail, request_id) " +
          "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, json_object('before', json_object('id', id, 'name', name, 'shortName', short_name), 'after', json(?9)), ?10 FROM units WHERE id = ?3",
      )
      .bind(
        a.blocId,
        a.periodId,
        after.id,
        a.at,
        a.actor.tokenId,
        a.actor.role,
        a.actor.label,
        a.action,
        JSON.stringify(after),
        a.requestId,
      );
  }

  updateUnit(u: Unit, at: string): D1PreparedStatement {
    return this.db
      .prepare("UPDATE units SET name = ?, short_name = ?, updated_at = ? WHERE id = ?")
      .bind(u.name, u.shortName, at, u.id);
  }

  async listBlocs(): Promise<Bloc[]> {
    const r = await this.db.prepare("SELECT id, name, kind FROM blocs ORDER BY id").all<Bloc>();
    return r.results;
  }

  async getBloc(id: string): Promise<Bloc | null> {
    return this.db.prepare("SELECT id, name, kind FROM blocs WHERE id = ?").bind(id).first<Bloc>();
  }

  insertBloc(b: Bloc, at: string): D1PreparedStatement {
    return this.db
      .prepare("INSERT INTO blocs (id, name, kind, created_at) VALUES (?, ?, ?, ?)")
      .bind(b.id, b.name, b.kind, at);
  }

  /** A new bloc, only if every one of `members` (distinct) is a unit: a composition's check inside its write. */
  insertBlocIfUnits(b: Bloc, members: readonly string[], at: string): D1PreparedStatement {
    return this.db
      .prepare(
        "INSERT INTO blocs (id, name, kind, created_at) SELECT ?1, ?2, ?3, ?4 " +
          "WHERE (SELECT COUNT(*) FROM units WHERE id IN (SELECT value FROM json_each(?5))) = json_array_length(?5)",
      )
      .bind(b.id, b.name, b.kind, at, JSON.stringify(members));
  }

  /** A bloc's current composition (members, leader, deputy), by bloc id; blocs never given one are absent. */
  async blocCompositions(
    ids?: string[],
  ): Promise<Map<string, { members: string[]; leaderUnitId: string | null; deputyUnitId: string | null }>> {
    const sql =
      "SELECT id, members, leader_unit_id, deputy_unit_id FROM blocs WHERE updated_at IS NOT NULL" +
      (ids ? ` AND id IN (${ids.map(() => "?").join(", ")})` : "");
    const r = await this.db
      .prepare(sql)
      .bind(...(ids ?? []))
      .all<{ id: string; members: string; leader_unit_id: string | null; deputy_unit_id: string | null }>();
    return new Map(
      r.results.map((b) => [
        b.id,
        {
          members: JSON.parse(b.members) as string[],
          leaderUnitId: b.leader_unit_id,
          deputyUnitId: b.deputy_unit_id,
        },
      ]),
    );
  }

  /** Writes a bloc's name, kind and composition; `onlyIfChanged`: only if the statement before it changed a row. */
  updateBloc(
    b: {
      id: string;
      name: string;
      kind: string;
      members: string[];
      leaderUnitId: string | null;
      deputyUnitId: string | null;
    },
    at: string,
    onlyIfChanged = false,
  ): D1PreparedStatement {
    return this.db
      .prepare(
        `UPDATE blocs SET name = ?, kind = ?, members = ?, leader_unit_id = ?, deputy_unit_id = ?, updated_at = ? WHERE id = ?${onlyIfChanged ? " AND changes() > 0" : ""}`,
      )
      .bind(b.name, b.kind, JSON.stringify(b.members), b.leaderUnitId, b.deputyUnitId, at, b.id);
  }

  /**
   * The council's change of a bloc in one batch: whether the bloc exists and which of the named units do; then, with
   * `write`, its audit record (the bloc as it was, its composition if it had one, and as it is now) and the change,
   * both only if the bloc exists and every named unit does (the members must be distinct: `checkBloc` first).
   */
  async updateBlocChecked(
    b: {
      id: string;
      name: string;
      kind: string;
      members: string[];
      leaderUnitId: string | null;
      deputyUnitId: string | null;
    },
    at: string,
    write: AuditInput | null,
  ): Promise<{ updated: boolean; found: boolean; known: string[] }> {
    const members = JSON.stringify(b.members);
    const allKnown =
      "(SELECT COUNT(*) FROM units WHERE id IN (SELECT value FROM json_each(?2))) = json_array_length(?2)";
    const statements = [this.blocQ(b.id).stmt, this.unitsQ(b.members).stmt];
    if (write)
      statements.push(
        this.db
          .prepare(
            "INSERT INTO audit (bloc_id, period_id, unit_id, at, actor_token, actor_role, actor_label, action, detail, request_id) " +
              "SELECT ?1, NULL, NULL, ?3, ?4, ?5, ?6, ?7, json_object('before', CASE WHEN b.updated_at IS NULL " +
              "THEN json_object('id', b.id, 'name', b.name, 'kind', b.kind) " +
              "ELSE json_object('id', b.id, 'name', b.name, 'kind', b.kind, 'members', json(b.members), " +
              "'leaderUnitId', b.leader_unit_id, 'deputyUnitId', b.deputy_unit_id) END, 'after', json(?8)), ?9 " +
              `FROM blocs b WHERE b.id = ?1 AND ${allKnown}`,
          )
          .bind(
            b.id,
            members,
            write.at,
            write.actor.tokenId,
            write.actor.role,
            write.actor.label,
            write.action,
            JSON.stringify(b),
            write.requestId,
          ),
        this.db
          .prepare(
            "UPDATE blocs SET name = ?3, kind = ?4, members = ?2, leader_unit_id = ?5, deputy_unit_id = ?6, updated_at = ?7 " +
              `WHERE id = ?1 AND ${allKnown}`,
          )
          .bind(b.id, members, b.name, b.kind, b.leaderUnitId, b.deputyUnitId, at),
      );
    const res = await this.db.batch(statements);
    return {
      updated: (res[3]?.meta.changes ?? 0) === 1,
      found: (res[0]?.results.length ?? 0) > 0,
      known: ((res[1]?.results ?? []) as { id: string }[]).map((u) => u.id),
    };
  }

  /** The published versions of one template or rulebook, with who published each and when. */
  async versionsOf(
    table: "templates" | "rulebooks",
    id: string,
  ): Promise<{ id: string; version: number; name: string; createdAt: string; createdBy: string }[]> {
    const r = await this.db
      .prepare(
        `SELECT id, version, name, created_at AS createdAt, created_by AS createdBy FROM ${table} WHERE id = ? ORDER BY version`,
      )
      .bind(id)
      .all<{ id: string; version: number; name: string; createdAt: string; createdBy: string }>();
    return r.results;
  }

  async listVersions(table: "templates" | "rulebooks"): Promise<{ id: string; version: number; name: string }[]> {
    const r = await this.db
      .prepare(
        `SELECT id, version, name, created_at AS createdAt, created_by AS createdBy FROM ${table} ORDER BY id, version`,
      )
      .all<{ id: string; version: number; name: string }>();
    return r.results;
  }

  async getTemplate(id: string, version: number): Promise<Template | null> {
    return (await this.getVersioned("templates", id, version)) as Template | null;
  }

  async getRulebook(id: string, version: number): Promise<Rulebook | null> {
    return (await this.getVersioned("rulebooks", id, version)) as Rulebook | null;
  }

  /**
   * Published versions never change, so each isolate keeps the parsed ones: the same object is then reused by the
   * domain core's per-template caches (leaf index) across requests.
   */
  private async getVersioned(table: "templates" | "rulebooks", id: string, version: number) {
    const key = `${table}/${id}/${version}`;
    const hit = versionCache.get(key);
    if (hit) return hit;
    const r = await this.db
      .prepare(`SELECT body FROM ${table} WHERE id = ? AND version = ?`)
      .bind(id, version)
      .first<{ body: string }>();
    if (!r) return null;
    const parsed = JSON.parse(r.body) as Template | Rulebook;
    cacheVersion(key, parsed);
    return parsed;
  }

  insertVersioned(table: "templates" | "rulebooks", t: Template | Rulebook, at: string, by: string) {
    return this.db
      .prepare(`INSERT INTO ${table} (id, version, name, body, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)`)
      .bind(t.id, t.version, t.name, JSON.stringify(t), at, by);
  }

  async getPeriod(id: string): Promise<PeriodRecord | null> {
    const r = await this.db.prepare(`SELECT ${PERIOD_COLS} FROM periods WHERE id = ?`).bind(id).first<PeriodDb>();
    return r ? parsePeriod(r) : null;
  }

  periodQ(id: string): Query<PeriodRecord | null> {
    return {
      stmt: this.db.prepare(`SELECT ${PERIOD_COLS} FROM periods WHERE id = ?`).bind(id),
      parse: (rows) => (rows[0] ? parsePeriod(rows[0] as PeriodDb) : null),
    };
  }

  /**
   * A year across blocs for the council, in one batch: its periods, and for the published ones the latest revisions,
   * reviews, flags, ballots (counted or sealed, with a sealed vote's round, shares and decryptions, for its tally and
   * its public record's hash) and member units, with the templates and rulebooks this isolate has not parsed yet.
   * Every read goes through the year's index and each period's keys; rows carry their `period_id`.
   */
  async yearData(year: number): Promise<YearData> {
    const closed = "SELECT id FROM periods WHERE year = ?1 AND state = 'closed'";
    const inBloc = (t: string) =>
      `EXISTS (SELECT 1 FROM periods p WHERE p.id = ${t}.period_id AND p.bloc_id = ${t}.bloc_id)`;
    const latest = (table: string, cols: string, extra = "") =>
      `SELECT s.period_id, ${cols
        .split(",")
        .map((c) => `s.${c.trim()}`)
        .join(
          ", ",
        )}${extra} FROM (SELECT period_id, unit_id, MAX(revision) AS revision FROM ${table} WHERE period_id IN (${closed}) GROUP BY period_id, unit_id) m ` +
      `JOIN ${table} s ON s.period_id = m.period_id AND s.unit_id = m.unit_id AND s.revision = m.revision WHERE ${inBloc("s")}`;
    const versionOf = (table: string, kind: string) =>
      `SELECT DISTINCT '${table}' AS kind, v.id, v.version, v.body FROM periods p JOIN ${table} v ` +
      `ON v.id = json_extract(p.body, '$.${kind}Id') AND v.version = json_extract(p.body, '$.${kind}Version') ` +
      `WHERE p.year = ?1 AND p.state = 'closed' AND ('${table}/' || v.id || '/' || v.version) NOT IN (SELECT value FROM json_each(?2))`;
    const cached = JSON.stringify([...versionCache.keys()]);
    const r = await readAll(this.db, {
      periods: {
        stmt: this.db.prepare(`SELECT ${PERIOD_COLS} FROM periods WHERE year = ? ORDER BY id`).bind(year),
        parse: (rows) => (rows as PeriodDb[]).map(parsePeriod),
      },
      subs: {
        stmt: this.db.prepare(latest("submissions", "unit_id, revision", `, ${SCORES_OF("s")}`)).bind(year),
        parse: allRows<WithPeriod<ScoredRow>>(),
      },
      reviews: {
        stmt: this.db.prepare(latest("reviews", REVIEW_COLS)).bind(year),
        parse: allRows<WithPeriod<ReviewRow>>(),
      },
      flags: {
        stmt: this.db
          .prepare(
            `SELECT f.period_id, f.unit_id, f.violation, f.withdrawn, f.reason FROM flags f WHERE f.period_id IN (${closed}) AND ${inBloc("f")}`,
          )
          .bind(year),
        parse: allRows<WithPeriod<{ unit_id: string; violation: number; withdrawn: number; reason: string }>>(),
      },
      ballots: {
        stmt: this.db
          .prepare(
            `SELECT b.period_id, b.choices FROM ballots b WHERE b.period_id IN (${closed}) AND ${inBloc("b")} ORDER BY b.period_id, b.id`,
          )
          .bind(year),
        parse: allRows<{ period_id: string; choices: string }>(),
      },
      rounds: {
        stmt: this.db
          .prepare(
            `SELECT r.period_id, r.channel, r.trustees, r.box_closed, r.aggregate, r.failed_reason FROM voting_rounds r WHERE r.period_id IN (${closed}) AND ${inBloc("r")}`,
          )
          .bind(year),
        parse: allRows<WithPeriod<RoundDb>>(),
      },
      keys: {
        stmt: this.db
          .prepare(
            `SELECT period_id, body FROM trustee_keys WHERE period_id IN (${closed}) ORDER BY period_id, trustee_id`,
          )
          .bind(year),
        parse: allRows<{ period_id: string; body: string }>(),
      },
      parts: {
        stmt: this.db
          .prepare(
            `SELECT period_id, body FROM partial_decryptions WHERE period_id IN (${closed}) ORDER BY period_id, trustee_id`,
          )
          .bind(year),
        parse: allRows<{ period_id: string; body: string }>(),
      },
      sealed: {
        stmt: this.db
          .prepare(
            `SELECT s.period_id, s.body FROM sealed_ballots s WHERE s.period_id IN (${closed}) AND ${inBloc("s")} ORDER BY s.period_id, s.id`,
          )
          .bind(year),
        parse: allRows<{ period_id: string; body: string }>(),
      },
      units: {
        stmt: this.db
          .prepare(
            `SELECT id, name, short_name FROM units WHERE id IN (SELECT unit_id FROM period_members WHERE period_id IN (${closed}))`,
          )
          .bind(year),
        parse: (rows) => (rows as UnitDb[]).map(unitOf),
      },
      rules: {
        stmt: this.db
          .prepare(`${versionOf("templates", "template")} UNION ALL ${versionOf("rulebooks", "rulebook")}`)
          .bind(year, cached),
        parse: allRows<{ kind: string; id: string; version: number; body: string }>(),
      },
    });
    for (const v of r.rules) cacheVersion(`${v.kind}/${v.id}/${v.version}`, JSON.parse(v.body));
    return r;
  }

  /** Periods filtered by scope: a bloc, a member unit, a year; all when no filter is given. */
  async listPeriods(f: { blocId?: string | null; unitId?: string | null; year?: number }): Promise<PeriodRecord[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (f.blocId) {
      where.push("bloc_id = ?");
      args.push(f.blocId);
    }
    if (f.unitId) {
      // The member index (migration 0005), not every period's JSON.
      where.push("id IN (SELECT period_id FROM period_members WHERE unit_id = ?)");
      args.push(f.unitId);
    }
    if (f.year !== undefined) {
      where.push("year = ?");
      args.push(f.year);
    }
    const sql = `SELECT body, state, created_at, updated_at FROM periods ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY year DESC, id`;
    const r = await this.db
      .prepare(sql)
      .bind(...args)
      .all<PeriodDb>();
    return r.results.map(parsePeriod);
  }

  insertPeriod(p: Period, at: string): D1PreparedStatement {
    const { state, ...body } = p;
    return this.db
      .prepare(
        "INSERT INTO periods (id, bloc_id, year, state, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .bind(p.id, p.blocId, p.year, state, JSON.stringify(body), at, at);
  }

  async tokenByHash(hash: string): Promise<TokenRow | null> {
    return this.db
      .prepare(
        "SELECT id, role, bloc_id, unit_id, period_id, label, created_at, created_by, expires_at, revoked_at, used FROM tokens WHERE hash = ?",
      )
      .bind(hash)
      .first<TokenRow>();
  }

  /** The tokens (never voter codes) a caller manages (`scope`, over `t`), oldest first. */
  async listTokens(scope: Scope): Promise<TokenRow[]> {
    const r = await this.db
      .prepare(
        `SELECT ${TOKEN_COLS_T} FROM tokens t WHERE t.role != 'voter' AND ${scope.sql} ORDER BY t.created_at, t.id`,
      )
      .bind(...scope.args)
      .all<TokenRow>();
    return r.results;
  }

  insertToken(t: Omit<TokenRow, "revoked_at" | "used">, hash: string): D1PreparedStatement {
    return this.db
      .prepare(
        "INSERT INTO tokens (id, hash, role, bloc_id, unit_id, period_id, label, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .bind(t.id, hash, t.role, t.bloc_id, t.unit_id, t.period_id, t.label, t.created_at, t.created_by, t.expires_at);
  }

  /**
   * Issues a token in one batch: whether the caller's `scope` holds a token of that role, bloc and unit and whether
   * the named bloc and unit exist; then, with `insert`, the token only if all three hold, and its audit record only
   * if it went in. `inserted` says whether it did; `check` says why not.
   */
  async issueToken(
    insert: null | { row: TokenRow; hash: string; audit: AuditInput },
    of: { role: string; blocId: string | null; unitId: string | null },
    scope: Scope,
  ): Promise<{ inserted: boolean; check: { mine: boolean; bloc: boolean; unit: boolean } }> {
    const candidate = "(SELECT ? AS role, ? AS bloc_id, ? AS unit_id) t";
    const exists = {
      bloc: "(t.bloc_id IS NULL OR EXISTS (SELECT 1 FROM blocs WHERE id = t.bloc_id))",
      unit: "(t.unit_id IS NULL OR EXISTS (SELECT 1 FROM units WHERE id = t.unit_id))",
    };
    const cand = [of.role, of.blocId, of.unitId];
    const statements = [
      this.db
        .prepare(`SELECT (${scope.sql}) AS mine, ${exists.bloc} AS bloc, ${exists.unit} AS unit FROM ${candidate}`)
        .bind(...scope.args, ...cand),
    ];
    if (insert) {
      const r = insert.row;
      statements.push(
        this.db
          .prepare(
            "INSERT INTO tokens (id, hash, role, bloc_id, unit_id, period_id, label, created_at, created_by, expires_at) " +
              `SELECT ?, ?, t.role, t.bloc_id, t.unit_id, NULL, ?, ?, ?, ? FROM ${candidate} WHERE ${scope.sql} AND ${exists.bloc} AND ${exists.unit}`,
          )
          .bind(r.id, insert.hash, r.label, r.created_at, r.created_by, r.expires_at, ...cand, ...scope.args),
        this.audit(insert.audit, undefined, true),
      );
    }
    const res = await this.db.batch(statements);
    const c = res[0]?.results[0] as { mine: number; bloc: number; unit: number } | undefined;
    return {
      inserted: (res[1]?.meta.changes ?? 0) === 1,
      check: { mine: c?.mine === 1, bloc: c?.bloc === 1, unit: c?.unit === 1 },
    };
  }

  /**
   * Revokes a token (never a voter code) in one batch, only if the caller's `scope` holds it and it is live, with
   * its audit record (the token's id, role and label, its bloc else the caller's) only if the revocation changed it;
   * then reads the token as it is now, with whether the scope holds it (`mine`). Null when there is no such token.
   */
  async revokeTokenIn(
    id: string,
    scope: Scope,
    at: string,
    a: Omit<AuditInput, "detail" | "unitId">,
  ): Promise<(TokenRow & { mine: number }) | null> {
    const [, , read] = await this.db.batch([
      this.db
        .prepare(
          `UPDATE tokens AS t SET revoked_at = ? WHERE t.id = ? AND t.revoked_at IS NULL AND t.role != 'voter' AND ${scope.sql}`,
        )
        .bind(at, id, ...scope.args),
      this.db
        .prepare(
          "INSERT INTO audit (bloc_id, period_id, unit_id, at, actor_token, actor_role, actor_label, action, detail, request_id) " +
            "SELECT COALESCE(t.bloc_id, ?), ?, t.unit_id, ?, ?, ?, ?, ?, json_object('tokenId', t.id, 'role', t.role, 'label', t.label), ? " +
            "FROM tokens t WHERE t.id = ? AND changes() > 0",
        )
        .bind(a.blocId, a.periodId, a.at, a.actor.tokenId, a.actor.role, a.actor.label, a.action, a.requestId, id),
      this.db
        .prepare(`SELECT ${TOKEN_COLS_T}, (${scope.sql}) AS mine FROM tokens t WHERE t.id = ? AND t.role != 'voter'`)
        .bind(...scope.args, id),
    ]);
    return (read?.results[0] as (TokenRow & { mine: number }) | undefined) ?? null;
  }

  /** The repository of one period, bound to its bloc. */
  forPeriod(period: Pick<Period, "id" | "blocId">): PeriodRepository {
    return new PeriodRepository(this.db, period.blocId, period.id, this);
  }
}

interface UnitDb {
  id: string;
  name: string;
  short_name: string;
}
const unitOf = (r: UnitDb): Unit => ({ id: r.id, name: r.name, shortName: r.short_name });

interface PeriodDb {
  body: string;
  state: string;
  created_at: string;
  updated_at: string;
}

const TOKEN_COLS = "id, role, bloc_id, unit_id, period_id, label, created_at, created_by, expires_at, revoked_at, used";
const TOKEN_COLS_T = TOKEN_COLS.split(", ")
  .map((c) => `t.${c}`)
  .join(", ");
const PERIOD_COLS = "body, state, created_at, updated_at";
/** The period of the voter code whose hash is ?1 (a ballot's path names no period). */
const PERIOD_OF_VOTER_CODE = "(SELECT period_id FROM tokens WHERE hash = ?1 AND role = 'voter')";

const SUBMISSION_COLS =
  "unit_id, revision, template_id, template_version, entries, content_hash, client_id, totals, actor_token, actor_label, received_at, late";
/** A revision without its entries. */
const META_COLS =
  "unit_id, revision, template_id, template_version, content_hash, client_id, totals, actor_token, actor_label, received_at, late";
const REVIEW_COLS = "unit_id, revision, entries, note, content_hash, client_id, actor_token, actor_label, received_at";
/**
 * A revision's scores (`ScoredRow.scores`), taken out of its entries by SQLite: on Cloudflare that work is the
 * database's, and the Worker parses the codes and numbers only (at 120 criteria a sheet's evidence and notes are most
 * of its JSON, and parsing them was most of the bloc table's CPU). The codes come as one string, joined by spaces
 * (a code is letters, digits and dots): every sheet of a period has the same, split once (`scoredSheet`). The two
 * aggregates stay in step because validation stores no line without its code (group_concat would skip a NULL).
 */
const SCORES_OF = (alias: string) =>
  "(SELECT json_array(coalesce(group_concat(c, ' '), ''), json_group_array(v)) FROM (SELECT json_extract(value, '$.criterion') AS c, " +
  `json_extract(value, '$.score') AS v FROM json_each(${alias}.entries) ORDER BY key)) AS scores`;

/** Everything inside one period. Every query is filtered by `bloc_id` and `period_id`. */
export class PeriodRepository {
  constructor(
    readonly db: D1Database,
    readonly blocId: string,
    readonly periodId: string,
    readonly root: Repository,
  ) {}

  private q(sql: string, ...args: unknown[]): D1PreparedStatement {
    return this.db.prepare(sql).bind(this.blocId, this.periodId, ...args);
  }

  setState(to: PeriodState, at: string): D1PreparedStatement {
    return this.db
      .prepare("UPDATE periods SET state = ?, updated_at = ? WHERE bloc_id = ? AND id = ?")
      .bind(to, at, this.blocId, this.periodId);
  }

  // --- submissions ---------------------------------------------------------------------------------------------

  async latestSubmission(unitId: string): Promise<SubmissionRow | null> {
    return (await readAll(this.db, { r: this.latestSubmissionQ(unitId) })).r;
  }

  latestSubmissionQ(unitId: string): Query<SubmissionRow | null> {
    return {
      stmt: this.q(
        `SELECT ${SUBMISSION_COLS} FROM submissions WHERE bloc_id = ? AND period_id = ? AND unit_id = ? ORDER BY revision DESC LIMIT 1`,
        unitId,
      ),
      parse: firstRow<SubmissionRow>(),
    };
  }

  async submission(unitId: string, revision: number): Promise<SubmissionRow | null> {
    return (await readAll(this.db, { r: this.submissionQ(unitId, revision) })).r;
  }

  submissionQ(unitId: string, revision: number): Query<SubmissionRow | null> {
    return {
      stmt: this.q(
        `SELECT ${SUBMISSION_COLS} FROM submissions WHERE bloc_id = ? AND period_id = ? AND unit_id = ? AND revision = ?`,
        unitId,
        revision,
      ),
      parse: firstRow<SubmissionRow>(),
    };
  }

  /**
   * A push as one batch (one round trip, one transaction): what the answer needs to know (the revision already
   * stored under this clientId, the unit's open return, the revisions after `base` and the latest), then, when
   * `insert` is given, the new revision, its audit record and the closing of the return, each only if the one
   * before it happened. The revision goes in only if no revision has this clientId, the latest is still `base`
   * (`base` null: on top of whatever is latest) and, with `needsOpenReturn`, the unit has an open return; so two
   * racing pushes can never both land on the same base.
   */
  async pushBatch(args: {
    unitId: string;
    clientId: string;
    base: number | null;
    insert: null | {
      row: Omit<SubmissionRow, "revision">;
      /** The text as a ranking workbook keeps it (worker/src/workbook/stored.ts `storedSheet`). */
      bookCells: string | null;
      needsOpenReturn: boolean;
      audit: AuditInput;
    };
  }): Promise<{
    replay: SubmissionRow | null;
    openReturn: ReturnRow | null;
    newer: Omit<SubmissionRow, "entries">[];
    inserted: number | null;
  }> {
    const { unitId, clientId, base } = args;
    const statements = [
      this.q(
        `SELECT ${SUBMISSION_COLS} FROM submissions WHERE bloc_id = ? AND period_id = ? AND unit_id = ? AND client_id = ?`,
        unitId,
        clientId,
      ),
      this.q(
        "SELECT unit_id, reason, returned_at, actor_label, open FROM returns WHERE bloc_id = ? AND period_id = ? AND unit_id = ? AND open = 1",
        unitId,
      ),
      this.q(
        `SELECT ${META_COLS} FROM submissions WHERE bloc_id = ?1 AND period_id = ?2 AND unit_id = ?3 AND (revision > ?4 OR revision = (SELECT MAX(revision) FROM submissions WHERE period_id = ?2 AND unit_id = ?3)) ORDER BY revision`,
        unitId,
        base ?? Number.MAX_SAFE_INTEGER,
      ),
    ];
    const ins = args.insert;
    if (ins) {
      const r = ins.row;
      const latest = "COALESCE((SELECT MAX(revision) FROM submissions WHERE period_id = ?2 AND unit_id = ?3), 0)";
      statements.push(
        this.db
          .prepare(
            `INSERT INTO submissions (bloc_id, period_id, ${SUBMISSION_COLS}, book_cells) SELECT ?1, ?2, ?3, ${latest} + 1, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?15 ` +
              "WHERE NOT EXISTS (SELECT 1 FROM submissions WHERE period_id = ?2 AND unit_id = ?3 AND client_id = ?8)" +
              (base === null ? "" : ` AND ${latest} = ?14`) +
              (ins.needsOpenReturn
                ? " AND EXISTS (SELECT 1 FROM returns WHERE period_id = ?2 AND unit_id = ?3 AND open = 1)"
                : "") +
              " RETURNING revision",
          )
          .bind(
            this.blocId,
            this.periodId,
            unitId,
            r.template_id,
            r.template_version,
            r.entries,
            r.content_hash,
            clientId,
            r.totals,
            r.actor_token,
            r.actor_label,
            r.received_at,
            r.late,
            base,
            ins.bookCells,
          ),
        this.root.auditWithRevision(ins.audit, this.periodId, unitId),
        this.db
          .prepare("UPDATE returns SET open = 0 WHERE bloc_id = ? AND period_id = ? AND unit_id = ? AND changes() > 0")
          .bind(this.blocId, this.periodId, unitId),
      );
    }
    const res = await this.db.batch(statements);
    const inserted = (res[3]?.results[0] as { revision: number } | undefined)?.revision ?? null;
    return {
      replay: (res[0]?.results[0] as SubmissionRow | undefined) ?? null,
      openReturn: (res[1]?.results[0] as ReturnRow | undefined) ?? null,
      newer: (res[2]?.results ?? []) as Omit<SubmissionRow, "entries">[],
      inserted,
    };
  }

  /** Revisions of a unit without their entries, oldest first; `after` limits to those newer than a revision. */
  async submissionList(unitId: string, after = 0): Promise<Omit<SubmissionRow, "entries">[]> {
    return (await readAll(this.db, { r: this.submissionListQ(unitId, after) })).r;
  }

  submissionListQ(unitId: string, after = 0): Query<Omit<SubmissionRow, "entries">[]> {
    return {
      stmt: this.q(
        `SELECT ${META_COLS} FROM submissions WHERE bloc_id = ? AND period_id = ? AND unit_id = ? AND revision > ? ORDER BY revision`,
        unitId,
        after,
      ),
      parse: allRows<Omit<SubmissionRow, "entries">>(),
    };
  }

  /** The latest revision of every unit of the period. */
  async latestSubmissions(): Promise<Map<string, SubmissionRow>> {
    return (await readAll(this.db, { r: this.latestSubmissionsQ() })).r;
  }

  /**
   * The latest revision of every unit: the newest revision numbers from the primary key's index alone, then one
   * row each (never every revision's entries).
   */
  latestSubmissionsQ(): Query<Map<string, SubmissionRow>> {
    return this.latestQ<SubmissionRow>("submissions", SUBMISSION_COLS);
  }

  /** Like `latestSubmissionsQ` with the scores alone (`ScoredRow`): for consolidating the bloc table. */
  latestScoresQ(): Query<Map<string, ScoredRow>> {
    return this.latestQ<ScoredRow>("submissions", "unit_id, revision", `, ${SCORES_OF("s")}`);
  }

  /**
   * The scores and the texts of the latest revisions (`BookRow`): for the ranking workbook, which consolidates the
   * scores and keeps each text in its provenance (`sheetTexts`): the cells prepared at the push, or the entries text
   * where a row has none.
   */
  latestBookQ(): Query<Map<string, BookRow>> {
    return this.latestQ<BookRow>(
      "submissions",
      "unit_id, revision, book_cells",
      `, CASE WHEN s.book_cells IS NULL THEN s.entries END AS entries, ${SCORES_OF("s")}`,
    );
  }

  /** Like `latestSubmissionsQ` without the entries: for the status board and the pull's revision numbers. */
  latestRevisionsQ(): Query<Map<string, Omit<SubmissionRow, "entries">>> {
    return this.latestQ<Omit<SubmissionRow, "entries">>("submissions", META_COLS);
  }

  private latestQ<T extends { unit_id: string }>(
    table: "submissions" | "reviews",
    cols: string,
    extra = "",
  ): Query<Map<string, T>> {
    const prefixed =
      cols
        .split(",")
        .map((c) => `s.${c.trim()}`)
        .join(", ") + extra;
    return {
      stmt: this.q(
        `SELECT ${prefixed} FROM (SELECT unit_id, MAX(revision) AS revision FROM ${table} WHERE period_id = ?2 GROUP BY unit_id) m ` +
          `JOIN ${table} s ON s.period_id = ?2 AND s.unit_id = m.unit_id AND s.revision = m.revision WHERE s.bloc_id = ?1`,
      ),
      parse: (rows) => new Map((rows as T[]).map((row) => [row.unit_id, row])),
    };
  }

  // --- reviews ---------------------------------------------------------------------------------------------------

  async latestReview(unitId: string): Promise<ReviewRow | null> {
    return (await readAll(this.db, { r: this.latestReviewQ(unitId) })).r;
  }

  latestReviewQ(unitId: string): Query<ReviewRow | null> {
    return {
      stmt: this.q(
        `SELECT ${REVIEW_COLS} FROM reviews WHERE bloc_id = ? AND period_id = ? AND unit_id = ? ORDER BY revision DESC LIMIT 1`,
        unitId,
      ),
      parse: firstRow<ReviewRow>(),
    };
  }

  /**
   * A review push as one batch, like `pushBatch`: the unit's latest sheet, the review already stored under this
   * clientId, the reviews after `base` and the latest; then, with `insert`, the review (only if no review has this
   * clientId, the unit has a sheet and the latest review is still `base`) and its audit record.
   */
  async reviewBatch(args: {
    unitId: string;
    clientId: string;
    base: number;
    insert: null | { row: Omit<ReviewRow, "revision">; audit: AuditInput };
  }): Promise<{
    self: SubmissionRow | null;
    replay: ReviewRow | null;
    newer: Omit<ReviewRow, "entries">[];
    inserted: number | null;
  }> {
    const { unitId, clientId, base } = args;
    const statements = [
      this.latestSubmissionQ(unitId).stmt,
      this.q(
        `SELECT ${REVIEW_COLS} FROM reviews WHERE bloc_id = ? AND period_id = ? AND unit_id = ? AND client_id = ?`,
        unitId,
        clientId,
      ),
      this.q(
        "SELECT unit_id, revision, note, content_hash, client_id, actor_token, actor_label, received_at FROM reviews WHERE bloc_id = ?1 AND period_id = ?2 AND unit_id = ?3 AND (revision > ?4 OR revision = (SELECT MAX(revision) FROM reviews WHERE period_id = ?2 AND unit_id = ?3)) ORDER BY revision",
        unitId,
        base,
      ),
    ];
    const ins = args.insert;
    if (ins) {
      const r = ins.row;
      const latest = "COALESCE((SELECT MAX(revision) FROM reviews WHERE period_id = ?2 AND unit_id = ?3), 0)";
      statements.push(
        this.db
          .prepare(
            `INSERT INTO reviews (bloc_id, period_id, ${REVIEW_COLS}) SELECT ?1, ?2, ?3, ${latest} + 1, ?4, ?5, ?6, ?7, ?8, ?9, ?10 ` +
              "WHERE NOT EXISTS (SELECT 1 FROM reviews WHERE period_id = ?2 AND unit_id = ?3 AND client_id = ?7)" +
              " AND EXISTS (SELECT 1 FROM submissions WHERE period_id = ?2 AND unit_id = ?3)" +
              ` AND ${latest} = ?11 RETURNING revision`,
          )
          .bind(
            this.blocId,
            this.periodId,
            unitId,
            r.entries,
            r.note,
            r.content_hash,
            clientId,
            r.actor_token,
            r.actor_label,
            r.received_at,
            base,
          ),
        this.root.auditWithRevision(ins.audit, this.periodId, unitId, "reviews"),
      );
    }
    const res = await this.db.batch(statements);
    return {
      self: (res[0]?.results[0] as SubmissionRow | undefined) ?? null,
      replay: (res[1]?.results[0] as ReviewRow | undefined) ?? null,
      newer: (res[2]?.results ?? []) as Omit<ReviewRow, "entries">[],
      inserted: (res[3]?.results[0] as { revision: number } | undefined)?.revision ?? null,
    };
  }

  async latestReviews(): Promise<Map<string, ReviewRow>> {
    return (await readAll(this.db, { r: this.latestReviewsQ() })).r;
  }

  latestReviewsQ(): Query<Map<string, ReviewRow>> {
    return this.latestQ<ReviewRow>("reviews", REVIEW_COLS);
  }

  /** The latest review revision number of every unit (the status board). */
  latestReviewRevisionsQ(): Query<Map<string, { unit_id: string; revision: number }>> {
    return this.latestQ<{ unit_id: string; revision: number }>("reviews", "unit_id, revision");
  }

  // --- returns and flags -------------------------------------------------------------------------------------------

  async returns(): Promise<Map<string, ReturnRow>> {
    return (await readAll(this.db, { r: this.returnsQ() })).r;
  }

  returnsQ(): Query<Map<string, ReturnRow>> {
    return {
      stmt: this.q(
        "SELECT unit_id, reason, returned_at, actor_label, open FROM returns WHERE bloc_id = ? AND period_id = ?",
      ),
      parse: (rows) => new Map((rows as ReturnRow[]).map((row) => [row.unit_id, row])),
    };
  }

  setReturn(unitId: string, reason: string, at: string, by: string): D1PreparedStatement {
    return this.db
      .prepare(
        "INSERT INTO returns (bloc_id, period_id, unit_id, reason, returned_at, actor_label, open) VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (period_id, unit_id) DO UPDATE SET reason = excluded.reason, returned_at = excluded.returned_at, actor_label = excluded.actor_label, open = 1",
      )
      .bind(this.blocId, this.periodId, unitId, reason, at, by);
  }

  async flags(): Promise<Record<string, Flags>> {
    return (await readAll(this.db, { r: this.flagsQ() })).r;
  }

  flagsQ(): Query<Record<string, Flags>> {
    return {
      stmt: this.q("SELECT unit_id, violation, withdrawn, reason FROM flags WHERE bloc_id = ? AND period_id = ?"),
      parse: (rows) =>
        Object.fromEntries(
          (rows as { unit_id: string; violation: number; withdrawn: number; reason: string }[]).map((f) => [
            f.unit_id,
            { violation: f.violation === 1, withdrawn: f.withdrawn === 1, reason: f.reason },
          ]),
        ),
    };
  }

  /**
   * A unit's flags, written only while the period is in one of `states` (checked inside the write: a flag that
   * raced the period's closing stays out, so a closed period's results, and its kept workbook, never miss one).
   */
  setFlags(unitId: string, f: Flags, at: string, by: string, states: readonly string[]): D1PreparedStatement {
    return this.db
      .prepare(
        "INSERT INTO flags (bloc_id, period_id, unit_id, violation, withdrawn, reason, updated_at, actor_label) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 " +
          "WHERE EXISTS (SELECT 1 FROM periods WHERE id = ?2 AND bloc_id = ?1 AND state IN (SELECT value FROM json_each(?9))) " +
          "ON CONFLICT (period_id, unit_id) DO UPDATE SET violation = excluded.violation, withdrawn = excluded.withdrawn, reason = excluded.reason, updated_at = excluded.updated_at, actor_label = excluded.actor_label",
      )
      .bind(
        this.blocId,
        this.periodId,
        unitId,
        f.violation ? 1 : 0,
        f.withdrawn ? 1 : 0,
        f.reason,
        at,
        by,
        JSON.stringify(states),
      );
  }

  // --- voting --------------------------------------------------------------------------------------------------------

  /** The counted ballots, in random-id order (never arrival order). */
  async ballots(): Promise<{ choices: string[] }[]> {
    return (await readAll(this.db, { r: this.ballotsQ() })).r;
  }

  ballotsQ(): Query<{ choices: string[] }[]> {
    return {
      stmt: this.db
        .prepare("SELECT choices FROM ballots WHERE bloc_id = ? AND period_id = ? ORDER BY id")
        .bind(this.blocId, this.periodId),
      parse: (rows) => (rows as { choices: string }[]).map((b) => ({ choices: JSON.parse(b.choices) as string[] })),
    };
  }

  /** A counted paper ballot, written only while the period is voting (checked inside the write, as `setFlags`). */
  insertBallot(id: string, choices: readonly string[]): D1PreparedStatement {
    return this.db
      .prepare(
        "INSERT INTO ballots (id, bloc_id, period_id, choices) SELECT ?1, ?2, ?3, ?4 " +
          "WHERE EXISTS (SELECT 1 FROM periods WHERE id = ?3 AND bloc_id = ?2 AND state = 'voting')",
      )
      .bind(id, this.blocId, this.periodId, JSON.stringify(choices));
  }

  /** Casting with a voter code: the ballot goes in only if the code is still unused, in the same batch as its use. */
  insertBallotWithCode(id: string, choices: readonly string[], tokenId: string): D1PreparedStatement {
    return this.db
      .prepare(
        "INSERT INTO ballots (id, bloc_id, period_id, choices) SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM tokens WHERE id = ? AND period_id = ? AND role = 'voter' AND used = 0 AND revoked_at IS NULL)",
      )
      .bind(id, this.blocId, this.periodId, JSON.stringify(choices), tokenId, this.periodId);
  }

  /** Marks a voter code used; `onlyIfChanged`: only when the statement before it in the batch changed a row. */
  useVoterCode(tokenId: string, onlyIfChanged = false): D1PreparedStatement {
    return this.db
      .prepare(
        `UPDATE tokens SET used = 1 WHERE id = ? AND period_id = ? AND role = 'voter' AND used = 0${onlyIfChanged ? " AND changes() > 0" : ""}`,
      )
      .bind(tokenId, this.periodId);
  }

  async voterCodes(): Promise<{ id: string; unit_id: string; used: number; revoked_at: string | null }[]> {
    const r = await this.db
      .prepare(
        "SELECT id, unit_id, used, revoked_at FROM tokens WHERE period_id = ? AND bloc_id = ? AND role = 'voter'",
      )
      .bind(this.periodId, this.blocId)
      .all<{ id: string; unit_id: string; used: number; revoked_at: string | null }>();
    return r.results;
  }

  /** The units whose voter code of this period was used (they have voted). */
  votedUnitsQ(): Query<string[]> {
    return {
      stmt: this.db
        .prepare(
          "SELECT unit_id FROM tokens WHERE period_id = ? AND bloc_id = ? AND role = 'voter' AND used = 1 ORDER BY unit_id",
        )
        .bind(this.periodId, this.blocId),
      parse: (rows) => (rows as { unit_id: string }[]).map((r) => r.unit_id),
    };
  }

  /** A new voter code for a unit, stored only if the unit has not voted yet (its change count says which). */
  insertVoterCodeUnlessVoted(t: Omit<TokenRow, "revoked_at" | "used">, hash: string): D1PreparedStatement {
    return this.db
      .prepare(
        "INSERT INTO tokens (id, hash, role, bloc_id, unit_id, period_id, label, created_at, created_by, expires_at) " +
          "SELECT ?1, ?2, 'voter', ?3, ?4, ?5, ?6, ?7, ?8, ?9 WHERE NOT EXISTS (SELECT 1 FROM tokens WHERE period_id = ?5 AND bloc_id = ?3 AND role = 'voter' AND unit_id = ?4 AND used = 1)",
      )
      .bind(t.id, hash, t.bloc_id, t.unit_id, t.period_id, t.label, t.created_at, t.created_by, t.expires_at);
  }

  /** The audit record of an issue of voter codes: which units got one and which had voted, as the database has it. */
  auditVoterCodes(a: AuditInput, members: readonly string[]): D1PreparedStatement {
    const voted = "SELECT unit_id FROM tokens WHERE period_id = ?11 AND bloc_id = ?1 AND role = 'voter' AND used = 1";
    return this.db
      .prepare(
        "INSERT INTO audit (bloc_id, period_id, unit_id, at, actor_token, actor_role, actor_label, action, detail, request_id) " +
          `SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, json_object('issued', (SELECT json_group_array(value) FROM json_each(?9) WHERE value NOT IN (${voted})), 'alreadyVoted', (SELECT json_group_array(unit_id) FROM (${voted} ORDER BY unit_id))), ?10`,
      )
      .bind(
        a.blocId,
        a.periodId,
        a.unitId ?? null,
        a.at,
        a.actor.tokenId,
        a.actor.role,
        a.actor.label,
        a.action,
        JSON.stringify(members),
        a.requestId,
        this.periodId,
      );
  }

  ballotCountQ(): Query<number> {
    return {
      stmt: this.db
        .prepare("SELECT COUNT(*) AS n FROM ballots WHERE bloc_id = ? AND period_id = ?")
        .bind(this.blocId, this.periodId),
      parse: (rows) => (rows[0] as { n: number } | undefined)?.n ?? 0,
    };
  }

  revokeUnusedVoterCodes(at: string): D1PreparedStatement {
    return this.db
      .prepare(
        "UPDATE tokens SET revoked_at = ? WHERE period_id = ? AND bloc_id = ? AND role = 'voter' AND used = 0 AND revoked_at IS NULL",
      )
      .bind(at, this.periodId, this.blocId);
  }

  // --- audit -----------------------------------------------------------------------------------------------------------

  async auditLog(limit: number, before?: number): Promise<AuditRow[]> {
    const r = await this.q(
      "SELECT id, unit_id, at, actor_token, actor_role, actor_label, action, detail, request_id FROM audit WHERE bloc_id = ? AND period_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
      before ?? Number.MAX_SAFE_INTEGER,
      limit,
    ).all<{
      id: number;
      unit_id: string | null;
      at: string;
      actor_token: string;
      actor_role: string;
      actor_label: string;
      action: string;
      detail: string;
      request_id: string;
    }>();
    return r.results.map((a) => ({
      id: a.id,
      unitId: a.unit_id,
      at: a.at,
      actor: { tokenId: a.actor_token, role: a.actor_role, label: a.actor_label },
      action: a.action,
      detail: JSON.parse(a.detail) as Record<string, unknown>,
      requestId: a.request_id,
    }));
  }
}

/** True for D1's unique / primary key violations (a concurrent create of the same id). */
export function isUniqueViolation(e: unknown): boolean {
  return e instanceof Error && /UNIQUE constraint failed|PRIMARY KEY/i.test(e.message);
}

/**
 * Runs a create and its audit record in one batch; a concurrent create of the same id (which the read-before-write
 * check could not see) becomes 409 ALREADY_EXISTS instead of a 500.
 */
export async function createBatch(
  db: D1Database,
  statements: D1PreparedStatement[],
  what: string,
): Promise<D1Result[]> {
  try {
    return await db.batch(statements);
  } catch (e) {
    if (isUniqueViolation(e)) throw new ApiError(409, "ALREADY_EXISTS", { what });
    throw e;
  }
}

/**
 * Whether a stored entries text was written by `entriesText` (keys in sorted order), not by the writer before it
 * (`JSON.stringify` of entries made criterion, score, evidence, note): the two writers differ at the first entry's
 * second key, and an empty sheet is `[]` by both.
 */
export function storedCanonically(text: string): boolean {
  return CANONICAL_ENTRIES.test(text);
}

const CANONICAL_ENTRIES = /^\[(?:\]$|\{"criterion":"(?:[^"\\]|\\.)*","evidence":)/;

/**
 * The sheets of a record by unit (a ranking's `submissions` or `reviews` part) for its provenance
 * (worker/src/workbook/provenance.ts `GivenTexts`), from the stored rows: the cells prepared at the push where a row
 * has them (`book_cells`), else its entries text, as it is where stored canonically, an older one parsed and written
 * canonically (`canonical`). Every string in them is NFC already.
 */
export function sheetTexts(
  rows: Iterable<[string, { entries: string | null; book_cells?: string | null }]>,
  canonical: (entries: Entry[]) => string,
): [string, SheetText][] {
  const out: [string, SheetText][] = [];
  for (const [unit, row] of rows) {
    if (row.book_cells != null) out.push([unit, storedSheetOf(row.book_cells)]);
    else {
      const text = row.entries;
      if (text == null) throw new Error(`the sheet of ${unit} was read without its text`);
      out.push([unit, { text: storedCanonically(text) ? text : canonical(JSON.parse(text) as Entry[]) }]);
    }
  }
  return out;
}

/** Parses a stored entries column. */
export function entriesOf(row: { entries: string }): Entry[] {
  return JSON.parse(row.entries) as Entry[];
}

/**
 * A sheet for consolidation from its scores alone (`ScoredRow`): the codes and scores as SQLite gave them, no object
 * per criterion (`ScoreColumns`). `known`: the codes split so far, by their joined text, shared by the sheets that
 * have the same (consolidation never writes to them).
 */
/**
 * The `known` codes for `scoredSheet` with the template's own array in it: every sheet stored in template order
 * shares that array, which scoring knows by identity (no comparison of codes per sheet).
 */
export function knownCodes(template: Template): Map<string, readonly string[]> {
  const codes = leafIndex(template).codes;
  return new Map([[codes.join(" "), codes]]);
}

export function scoredSheet(row: { scores: string }, known?: Map<string, readonly string[]>): ScoreColumns {
  const [joined, scores] = JSON.parse(row.scores) as [string, (number | null)[]];
  let codes = known?.get(joined);
  if (codes === undefined) {
    codes = joined === "" ? [] : joined.split(" ");
    known?.set(joined, codes);
  }
  return { codes, scores };
}

/** A closed period's ranking workbook as stored (`ranking_books`, migration 0009). */
export interface StoredBook {
  bytes: Uint8Array;
  builtAt: string;
}

/** Parts of at most this many base64 characters (D1 keeps at most 2 MB in a row). */
const BOOK_PART = 1_000_000;

/**
 * What a closed period's workbook shows that can still change (`p`: the period row): the period's own change time
 * (reopened and closed again), the bloc's name and change time, the latest change of a member unit (its name).
 * Read through the primary keys and `period_members`.
 */
export const BOOK_STAMP =
  "(p.updated_at || '|' || coalesce((SELECT coalesce(bl.updated_at, bl.created_at) || '|' || bl.name FROM blocs bl WHERE bl.id = p.bloc_id), '') " +
  "|| '|' || coalesce((SELECT max(u.updated_at) FROM period_members m JOIN units u ON u.id = m.unit_id WHERE m.period_id = p.id), ''))";

/**
 * The stored workbook of a closed period, if it is complete and was built for the period as it is now (its stamp is
 * the period's `updated_at`); `guard` is an SQL condition on ?1 (the period) and ?2.
 */
function storedBookQ(db: D1Database, periodId: string, guard: string, arg: string): Query<StoredBook | null> {
  return {
    stmt: db
      .prepare(
        "SELECT b.part, b.parts, b.built_at, b.data FROM ranking_books b JOIN periods p ON p.id = b.period_id " +
          `WHERE b.period_id = ?1 AND p.state = 'closed' AND b.stamp = ${BOOK_STAMP} AND ${guard} ORDER BY b.part`,
      )
      .bind(periodId, arg),
    parse: (rows) => {
      const parts = rows as { part: number; parts: number; built_at: string; data: string }[];
      if (parts.length === 0 || parts.length !== parts[0]!.parts || parts.some((p, i) => p.part !== i)) return null;
      return { bytes: fromBase64(parts.map((p) => p.data).join("")), builtAt: parts[0]!.built_at };
    },
  };
}

/**
 * Statements that keep `bytes` as the ranking workbook of this closed period, built at `builtAt` from rows read after
 * `stamp` (`BOOK_STAMP` as the authentication's batch read it, before the data). Each part is written only if the
 * period is still closed with that same stamp, so a book built while the period was reopened, or a unit or the bloc
 * renamed, is never kept (the next download builds again). A book already kept for the period as it is now is left as it is, so two first downloads at once (or a download by
 * the bootstrap code, which reads no book) never replace the file others got. One batch, so a reader never sees the
 * parts of two builds.
 */
export function storeBookStmts(
  db: D1Database,
  periodId: string,
  stamp: string,
  builtAt: string,
  bytes: Uint8Array,
  partSize = BOOK_PART,
): D1PreparedStatement[] {
  const text = toBase64(bytes);
  const parts = Math.max(1, Math.ceil(text.length / partSize));
  // A stale book goes; a current one made by another download stays (the first kept is the one everyone gets).
  const out = [
    db
      .prepare(
        `DELETE FROM ranking_books WHERE period_id = ?1 AND stamp IS NOT (SELECT ${BOOK_STAMP} FROM periods p WHERE p.id = ?1)`,
      )
      .bind(periodId),
  ];
  for (let i = 0; i < parts; i++)
    out.push(
      db
        .prepare(
          `INSERT INTO ranking_books (period_id, part, parts, stamp, built_at, data) SELECT ?1, ?2, ?3, ${BOOK_STAMP}, ?5, ?6 ` +
            `FROM periods p WHERE p.id = ?1 AND p.state = 'closed' AND ${BOOK_STAMP} = ?4 ` +
            "AND NOT EXISTS (SELECT 1 FROM ranking_books k WHERE k.period_id = ?1 AND k.built_at IS NOT ?5)",
        )
        .bind(periodId, i, parts, stamp, builtAt, text.slice(i * partSize, (i + 1) * partSize)),
    );
  return out;
}
