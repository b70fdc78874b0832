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
  Template,
  Unit,
} from "../../shared/src/index.ts";
import type { Principal } from "./auth.ts";
import { ApiError } from "./errors.ts";

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

/** Council-wide data: units, blocs, templates, rulebooks, periods, tokens. */
export class Repository {
  constructor(readonly db: D1Database) {}

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
    const r = await this.db
      .prepare("SELECT id, name, short_name FROM units WHERE id IN (SELECT value FROM json_each(?))")
      .bind(JSON.stringify(ids))
      .all<UnitDb>();
    return r.results.map(unitOf);
  }

  insertUnit(u: Unit, at: string): D1PreparedStatement {
    return this.db
      .prepare("INSERT INTO units (id, name, short_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)")
      .bind(u.id, u.name, u.shortName, at, at);
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

  /** Writes a bloc's name, kind and composition. */
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
  ): D1PreparedStatement {
    return this.db
      .prepare(
        "UPDATE blocs SET name = ?, kind = ?, members = ?, leader_unit_id = ?, deputy_unit_id = ?, updated_at = ? WHERE id = ?",
      )
      .bind(b.name, b.kind, JSON.stringify(b.members), b.leaderUnitId, b.deputyUnitId, at, b.id);
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
    if (versionCache.size > 200) versionCache.clear();
    versionCache.set(key, parsed);
    return parsed;
  }

  insertVersioned(table: "templates" | "rulebooks", t: Template | Rulebook, at: string, by: string) {
    return this.db
      .prepare(`INSERT INTO ${table} (id, version, name, body, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)`)
      .bind(t.id, t.version, t.name, JSON.stringify(t), at, by);
  }

  async getPeriod(id: string): Promise<PeriodRecord | null> {
    const r = await this.db
      .prepare("SELECT body, state, created_at, updated_at FROM periods WHERE id = ?")
      .bind(id)
      .first<PeriodDb>();
    return r ? parsePeriod(r) : null;
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
      where.push("EXISTS (SELECT 1 FROM json_each(periods.body, '$.members') WHERE value = ?)");
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

  async listTokens(): Promise<TokenRow[]> {
    const r = await this.db
      .prepare(
        "SELECT id, role, bloc_id, unit_id, period_id, label, created_at, created_by, expires_at, revoked_at, used FROM tokens WHERE role != 'voter' ORDER BY created_at, id",
      )
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

  revokeToken(id: string, at: string): D1PreparedStatement {
    return this.db
      .prepare("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL AND role != 'voter'")
      .bind(at, id);
  }

  async getToken(id: string): Promise<TokenRow | null> {
    return this.db
      .prepare(
        "SELECT id, role, bloc_id, unit_id, period_id, label, created_at, created_by, expires_at, revoked_at, used FROM tokens WHERE id = ? AND role != 'voter'",
      )
      .bind(id)
      .first<TokenRow>();
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

const SUBMISSION_COLS =
  "unit_id, revision, template_id, template_version, entries, content_hash, client_id, totals, actor_token, actor_label, received_at, late";
const REVIEW_COLS = "unit_id, revision, entries, note, content_hash, client_id, actor_token, actor_label, received_at";

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
    return this.q(
      `SELECT ${SUBMISSION_COLS} FROM submissions WHERE bloc_id = ? AND period_id = ? AND unit_id = ? ORDER BY revision DESC LIMIT 1`,
      unitId,
    ).first<SubmissionRow>();
  }

  async submission(unitId: string, revision: number): Promise<SubmissionRow | null> {
    return this.q(
      `SELECT ${SUBMISSION_COLS} FROM submissions WHERE bloc_id = ? AND period_id = ? AND unit_id = ? AND revision = ?`,
      unitId,
      revision,
    ).first<SubmissionRow>();
  }

  async submissionByClientId(unitId: string, clientId: string): Promise<SubmissionRow | null> {
    return this.q(
      `SELECT ${SUBMISSION_COLS} FROM submissions WHERE bloc_id = ? AND period_id = ? AND unit_id = ? AND client_id = ?`,
      unitId,
      clientId,
    ).first<SubmissionRow>();
  }

  /**
   * What a push needs to know, in one round trip: the revision already stored under this clientId (a retry), the
   * unit's open return, and its latest revision.
   */
  async pushState(
    unitId: string,
    clientId: string,
  ): Promise<{ replay: SubmissionRow | null; openReturn: ReturnRow | null; latest: SubmissionRow | null }> {
    const [replay, ret, latest] = await this.db.batch([
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
        `SELECT ${SUBMISSION_COLS} FROM submissions WHERE bloc_id = ? AND period_id = ? AND unit_id = ? ORDER BY revision DESC LIMIT 1`,
        unitId,
      ),
    ]);
    return {
      replay: (replay?.results[0] as SubmissionRow | undefined) ?? null,
      openReturn: (ret?.results[0] as ReturnRow | undefined) ?? null,
      latest: (latest?.results[0] as SubmissionRow | undefined) ?? null,
    };
  }

  /** Revisions of a unit without their entries, oldest first; `after` limits to those newer than a revision. */
  async submissionList(unitId: string, after = 0): Promise<Omit<SubmissionRow, "entries">[]> {
    const r = await this.q(
      "SELECT unit_id, revision, template_id, template_version, content_hash, client_id, totals, actor_token, actor_label, received_at, late FROM submissions WHERE bloc_id = ? AND period_id = ? AND unit_id = ? AND revision > ? ORDER BY revision",
      unitId,
      after,
    ).all<Omit<SubmissionRow, "entries">>();
    return r.results;
  }

  /** The latest revision of every unit of the period. */
  async latestSubmissions(): Promise<Map<string, SubmissionRow>> {
    const r = await this.q(
      `SELECT ${SUBMISSION_COLS} FROM submissions s WHERE bloc_id = ? AND period_id = ? AND revision = (SELECT MAX(revision) FROM submissions t WHERE t.period_id = s.period_id AND t.unit_id = s.unit_id)`,
    ).all<SubmissionRow>();
    return new Map(r.results.map((row) => [row.unit_id, row]));
  }

  insertSubmission(row: SubmissionRow): D1PreparedStatement {
    return this.db
      .prepare(
        `INSERT INTO submissions (bloc_id, period_id, ${SUBMISSION_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(
        this.blocId,
        this.periodId,
        row.unit_id,
        row.revision,
        row.template_id,
        row.template_version,
        row.entries,
        row.content_hash,
        row.client_id,
        row.totals,
        row.actor_token,
        row.actor_label,
        row.received_at,
        row.late,
      );
  }

  // --- reviews ---------------------------------------------------------------------------------------------------

  async latestReview(unitId: string): Promise<ReviewRow | null> {
    return this.q(
      `SELECT ${REVIEW_COLS} FROM reviews WHERE bloc_id = ? AND period_id = ? AND unit_id = ? ORDER BY revision DESC LIMIT 1`,
      unitId,
    ).first<ReviewRow>();
  }

  async reviewByClientId(unitId: string, clientId: string): Promise<ReviewRow | null> {
    return this.q(
      `SELECT ${REVIEW_COLS} FROM reviews WHERE bloc_id = ? AND period_id = ? AND unit_id = ? AND client_id = ?`,
      unitId,
      clientId,
    ).first<ReviewRow>();
  }

  async reviewList(unitId: string, after = 0): Promise<Omit<ReviewRow, "entries">[]> {
    const r = await this.q(
      "SELECT unit_id, revision, note, content_hash, client_id, actor_token, actor_label, received_at FROM reviews WHERE bloc_id = ? AND period_id = ? AND unit_id = ? AND revision > ? ORDER BY revision",
      unitId,
      after,
    ).all<Omit<ReviewRow, "entries">>();
    return r.results;
  }

  async latestReviews(): Promise<Map<string, ReviewRow>> {
    const r = await this.q(
      `SELECT ${REVIEW_COLS} FROM reviews s WHERE bloc_id = ? AND period_id = ? AND revision = (SELECT MAX(revision) FROM reviews t WHERE t.period_id = s.period_id AND t.unit_id = s.unit_id)`,
    ).all<ReviewRow>();
    return new Map(r.results.map((row) => [row.unit_id, row]));
  }

  insertReview(row: ReviewRow): D1PreparedStatement {
    return this.db
      .prepare(`INSERT INTO reviews (bloc_id, period_id, ${REVIEW_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .bind(
        this.blocId,
        this.periodId,
        row.unit_id,
        row.revision,
        row.entries,
        row.note,
        row.content_hash,
        row.client_id,
        row.actor_token,
        row.actor_label,
        row.received_at,
      );
  }

  // --- returns and flags -------------------------------------------------------------------------------------------

  async returns(): Promise<Map<string, ReturnRow>> {
    const r = await this.q(
      "SELECT unit_id, reason, returned_at, actor_label, open FROM returns WHERE bloc_id = ? AND period_id = ?",
    ).all<ReturnRow>();
    return new Map(r.results.map((row) => [row.unit_id, row]));
  }

  async openReturn(unitId: string): Promise<ReturnRow | null> {
    return this.q(
      "SELECT unit_id, reason, returned_at, actor_label, open FROM returns WHERE bloc_id = ? AND period_id = ? AND unit_id = ? AND open = 1",
      unitId,
    ).first<ReturnRow>();
  }

  setReturn(unitId: string, reason: string, at: string, by: string): D1PreparedStatement {
    return this.db
      .prepare(
        "INSERT INTO returns (bloc_id, period_id, unit_id, reason, returned_at, actor_label, open) VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (period_id, unit_id) DO UPDATE SET reason = excluded.reason, returned_at = excluded.returned_at, actor_label = excluded.actor_label, open = 1",
      )
      .bind(this.blocId, this.periodId, unitId, reason, at, by);
  }

  closeReturn(unitId: string): D1PreparedStatement {
    return this.q("UPDATE returns SET open = 0 WHERE bloc_id = ? AND period_id = ? AND unit_id = ?", unitId);
  }

  async flags(): Promise<Record<string, Flags>> {
    const r = await this.q(
      "SELECT unit_id, violation, withdrawn, reason FROM flags WHERE bloc_id = ? AND period_id = ?",
    ).all<{ unit_id: string; violation: number; withdrawn: number; reason: string }>();
    return Object.fromEntries(
      r.results.map((f) => [
        f.unit_id,
        { violation: f.violation === 1, withdrawn: f.withdrawn === 1, reason: f.reason },
      ]),
    );
  }

  setFlags(unitId: string, f: Flags, at: string, by: string): D1PreparedStatement {
    return this.db
      .prepare(
        "INSERT INTO flags (bloc_id, period_id, unit_id, violation, withdrawn, reason, updated_at, actor_label) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (period_id, unit_id) DO UPDATE SET violation = excluded.violation, withdrawn = excluded.withdrawn, reason = excluded.reason, updated_at = excluded.updated_at, actor_label = excluded.actor_label",
      )
      .bind(this.blocId, this.periodId, unitId, f.violation ? 1 : 0, f.withdrawn ? 1 : 0, f.reason, at, by);
  }

  // --- voting --------------------------------------------------------------------------------------------------------

  /** The counted ballots, in random-id order (never arrival order). */
  async ballots(): Promise<{ choices: string[] }[]> {
    const r = await this.db
      .prepare("SELECT choices FROM ballots WHERE bloc_id = ? AND period_id = ? ORDER BY id")
      .bind(this.blocId, this.periodId)
      .all<{ choices: string }>();
    return r.results.map((b) => ({ choices: JSON.parse(b.choices) as string[] }));
  }

  async ballotCount(): Promise<number> {
    const r = await this.db
      .prepare("SELECT COUNT(*) AS n FROM ballots WHERE bloc_id = ? AND period_id = ?")
      .bind(this.blocId, this.periodId)
      .first<{ n: number }>();
    return r?.n ?? 0;
  }

  insertBallot(id: string, choices: readonly string[]): D1PreparedStatement {
    return this.db
      .prepare("INSERT INTO ballots (id, bloc_id, period_id, choices) VALUES (?, ?, ?, ?)")
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

  useVoterCode(tokenId: string): D1PreparedStatement {
    return this.db
      .prepare("UPDATE tokens SET used = 1 WHERE id = ? AND period_id = ? AND role = 'voter' AND used = 0")
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
export async function createBatch(db: D1Database, statements: D1PreparedStatement[], what: string): Promise<void> {
  try {
    await db.batch(statements);
  } catch (e) {
    if (isUniqueViolation(e)) throw new ApiError(409, "ALREADY_EXISTS", { what });
    throw e;
  }
}

/** Parses a stored entries column. */
export function entriesOf(row: { entries: string }): Entry[] {
  return JSON.parse(row.entries) as Entry[];
}
