/**
 * Data access for a period's vote: its channel and trustees (fixed when voting opens), the trustees' public shares,
 * the sealed ballots, the aggregate and the partial decryptions. Every query is scoped by the period (and its bloc).
 *
 * On Cloudflare every D1 call is a round trip, so a route reads the vote's rows in one batch (`votingQueries`): they
 * are all keyed by the period, never by each other, so none waits for another. The routes that write after their
 * checks get them in the authentication's batch (`votingPrefetch`, `Repository.authRead`), so that the write is the
 * request's second and last round trip.
 */
import type {
  Ballot,
  Ciphertext,
  PartialDecryption,
  SealedBallot,
  Trustee,
  TrusteeKey,
  VotingChannel,
} from "../../shared/src/index.ts";
import type { Query } from "./repository.ts";

export interface VotingRound {
  channel: VotingChannel;
  trustees: Trustee[];
  boxClosed: boolean;
  aggregate: Ciphertext[] | null;
  /** Set when the council declared the vote failed (its tally could not be decrypted): the reason. */
  failedReason: string | null;
}

/** A period's vote as one batch read it. */
export interface VotingState {
  round: VotingRound | null;
  /** The trustees' public shares, by trustee id. */
  keys: TrusteeKey[];
  sealedCount: number;
  /** The partial decryptions, by trustee id. */
  parts: PartialDecryption[];
  /** The counted (paper) ballots of the period. */
  paperCount: number;
  /** The sealed ballots in random-id order; null when they were not asked for or not allowed (see `sealedBallots`). */
  sealedBallots: SealedBallot[] | null;
  /** The counted ballots in random-id order, when asked for; else null. */
  paperBallots: Ballot[] | null;
  /** What was asked for, so that a later reader knows whether a null means "not read". */
  asked: VotingReadOptions;
}

export interface VotingReadOptions {
  /**
   * The sealed ballots (the heaviest rows: ciphertexts and proofs): `always`, or `ended`: only once the box is
   * closed or the period published, which is when a tally and so the public record's hash can exist.
   */
  sealedBallots?: "always" | "ended";
  paperBallots?: boolean;
}

/**
 * How the statements name the period and its bloc: `?1` and `?2` bound to their ids, or SQL expressions (the
 * authentication's batch knows only the path's period id, or a voter code's hash, as `?1`). `heavy` is a condition
 * the sealed ballots' read must also meet (the authentication's: a live token of a role that reads them).
 */
export interface VotingRef {
  period: string;
  bloc: string;
  args: unknown[];
  heavy?: string;
}

/** The ref of a period whose id and bloc are known. */
export function periodRef(period: { id: string; blocId: string }): VotingRef {
  return { period: "?1", bloc: "?2", args: [period.id, period.blocId] };
}

/** A `voting_rounds` row as stored. */
export type RoundDb = {
  channel: VotingChannel;
  trustees: string;
  box_closed: number;
  aggregate: string | null;
  failed_reason: string | null;
};

/** The round of a stored row (null for none). */
export function roundOf(r: RoundDb | undefined): VotingRound | null {
  if (!r) return null;
  return {
    channel: r.channel,
    trustees: JSON.parse(r.trustees) as Trustee[],
    boxClosed: r.box_closed !== 0,
    aggregate: r.aggregate ? (JSON.parse(r.aggregate) as Ciphertext[]) : null,
    failedReason: r.failed_reason ?? null,
  };
}

const bodies =
  <T>() =>
  (rows: unknown[]): T[] =>
    (rows as { body: string }[]).map((x) => JSON.parse(x.body) as T);
const count = (rows: unknown[]) => (rows[0] as { n: number } | undefined)?.n ?? 0;

/** The keys the vote's statements take in a `readAll` record, beside the route's other reads. */
export type VotingQueries = Record<`vote_${string}`, Query<unknown>>;

/**
 * The statements that read a period's vote, to send in one batch with whatever else the request reads; `votingOf`
 * turns their results into a `VotingState`. Every one is keyed by the period (and its bloc) alone.
 * @example const r = await readAll(db, { ...votingQueries(db, periodRef(period), {}) }); votingOf(r, {})
 */
export function votingQueries(db: D1Database, ref: VotingRef, asked: VotingReadOptions): VotingQueries {
  const { period: P, bloc: B } = ref;
  const stmt = (sql: string) => {
    // Bind only the numbered parameters the statement uses.
    const used = Math.max(0, ...[...sql.matchAll(/\?([0-9]+)/g)].map((m) => Number(m[1])));
    return db.prepare(sql).bind(...ref.args.slice(0, used));
  };
  const q: VotingQueries = {
    vote_round: {
      stmt: stmt(
        `SELECT channel, trustees, box_closed, aggregate, failed_reason FROM voting_rounds WHERE period_id = ${P} AND bloc_id = ${B}`,
      ),
      parse: (rows) => roundOf(rows[0] as RoundDb | undefined),
    },
    vote_keys: {
      stmt: stmt(`SELECT body FROM trustee_keys WHERE period_id = ${P} ORDER BY trustee_id`),
      parse: bodies<TrusteeKey>(),
    },
    vote_count: {
      stmt: stmt(`SELECT COUNT(*) AS n FROM sealed_ballots WHERE bloc_id = ${B} AND period_id = ${P}`),
      parse: count,
    },
    vote_parts: {
      stmt: stmt(`SELECT body FROM partial_decryptions WHERE period_id = ${P} ORDER BY trustee_id`),
      parse: bodies<PartialDecryption>(),
    },
    vote_paperCount: {
      stmt: stmt(`SELECT COUNT(*) AS n FROM ballots WHERE bloc_id = ${B} AND period_id = ${P}`),
      parse: count,
    },
  };
  if (asked.sealedBallots) {
    const ended =
      asked.sealedBallots === "ended"
        ? ` AND EXISTS (SELECT 1 FROM voting_rounds r WHERE r.period_id = ${P} AND (r.box_closed = 1 OR EXISTS (SELECT 1 FROM periods p WHERE p.id = ${P} AND p.state = 'closed')))`
        : "";
    q.vote_sealed = {
      stmt: stmt(
        `SELECT body FROM sealed_ballots WHERE bloc_id = ${B} AND period_id = ${P}${ended}${ref.heavy ? ` AND ${ref.heavy}` : ""} ORDER BY id`,
      ),
      parse: bodies<SealedBallot>(),
    };
  }
  if (asked.paperBallots)
    q.vote_paper = {
      stmt: stmt(`SELECT choices FROM ballots WHERE bloc_id = ${B} AND period_id = ${P} ORDER BY id`),
      parse: (rows) => (rows as { choices: string }[]).map((b) => ({ choices: JSON.parse(b.choices) as string[] })),
    };
  return q;
}

/** The `VotingState` from the results of `votingQueries` (read alone or with other reads). */
export function votingOf(r: Record<string, unknown>, asked: VotingReadOptions): VotingState {
  const sealed = r.vote_sealed as SealedBallot[] | undefined;
  const sealedCount = r.vote_count as number;
  return {
    round: r.vote_round as VotingRound | null,
    keys: r.vote_keys as TrusteeKey[],
    sealedCount,
    parts: r.vote_parts as PartialDecryption[],
    paperCount: r.vote_paperCount as number,
    // A guarded read (not ended, not allowed) answers no rows: with ballots in the box, that is "not read".
    sealedBallots: sealed === undefined || (sealed.length === 0 && sealedCount > 0) ? null : sealed,
    paperBallots: (r.vote_paper as Ballot[] | undefined) ?? null,
    asked,
  };
}

/**
 * The write routes whose checks need the vote's rows before their batch, with what each needs: read with the token
 * in the authentication's batch, so that the write is the request's second round trip. Read-only routes read the
 * vote in their own (second) batch instead.
 */
export function votingPrefetch(method: string, path: string): VotingReadOptions | null {
  if (method !== "POST") return null;
  if (path === "/api/v1/ballots") return {};
  const m =
    /^\/api\/v1\/periods\/[^/]+\/(transitions|voting\/(?:codes|trustee-codes|trustee-key|close|fail|decryption|paper))$/.exec(
      path,
    );
  if (!m) return null;
  // Closing the box sums the sealed ballots: read only for a live council or secretariat token (`Repository.authRead`).
  return m[1] === "voting/close" ? { sealedBallots: "always" } : {};
}

export class VotingStore {
  constructor(
    readonly db: D1Database,
    readonly period: { id: string; blocId: string },
  ) {}

  /**
   * The vote's rows in one batch, or, when the authentication's batch already read what is asked (`prefetched`,
   * handed out once, before any write of the request), no call at all.
   */
  async state(asked: VotingReadOptions, prefetched?: VotingState): Promise<VotingState> {
    if (
      prefetched &&
      (!asked.sealedBallots || prefetched.sealedBallots !== null) &&
      (!asked.paperBallots || prefetched.paperBallots !== null)
    )
      return prefetched;
    const q = votingQueries(this.db, periodRef(this.period), asked);
    const keys = Object.keys(q) as (keyof VotingQueries)[];
    const results = await this.db.batch(keys.map((k) => q[k]!.stmt));
    const r: Record<string, unknown> = {};
    keys.forEach((k, i) => {
      r[k] = q[k]!.parse(results[i]?.results ?? []);
    });
    return votingOf(r, asked);
  }

  /** Fixes the channel and the trustees when voting opens; a period that votes again (reopened) keeps its first. */
  openRound(channel: VotingChannel, trustees: readonly Trustee[], at: string): D1PreparedStatement {
    return this.db
      .prepare(
        "INSERT OR IGNORE INTO voting_rounds (period_id, bloc_id, channel, trustees, opened_at) VALUES (?, ?, ?, ?, ?)",
      )
      .bind(this.period.id, this.period.blocId, channel, JSON.stringify(trustees), at);
  }

  /** Closes the ballot box, with the aggregate when the quorum was met (else null: nothing will be decrypted). */
  closeBox(aggregate: Ciphertext[] | null): D1PreparedStatement {
    return this.db
      .prepare(
        "UPDATE voting_rounds SET box_closed = 1, aggregate = ? WHERE period_id = ? AND bloc_id = ? AND box_closed = 0",
      )
      .bind(aggregate ? JSON.stringify(aggregate) : null, this.period.id, this.period.blocId);
  }

  /** Records the council's declaration that the vote failed, once, on a closed box. */
  declareFailed(reason: string): D1PreparedStatement {
    return this.db
      .prepare(
        "UPDATE voting_rounds SET failed_reason = ? WHERE period_id = ? AND bloc_id = ? AND box_closed = 1 AND failed_reason IS NULL",
      )
      .bind(reason, this.period.id, this.period.blocId);
  }

  insertTrusteeKey(key: TrusteeKey): D1PreparedStatement {
    return this.db
      .prepare("INSERT INTO trustee_keys (period_id, trustee_id, body) VALUES (?, ?, ?)")
      .bind(this.period.id, key.trusteeId, JSON.stringify(key));
  }

  /** Whether a ballot with this fingerprint is in the box (read in the cast's batch, before its insert). */
  fingerprintQ(fingerprint: string): D1PreparedStatement {
    return this.db
      .prepare("SELECT 1 AS x FROM sealed_ballots WHERE period_id = ? AND fingerprint = ?")
      .bind(this.period.id, fingerprint);
  }

  /**
   * Casting with a voter code: the ballot goes in only if the code is still unused and no ballot has its
   * fingerprint (a replay), in the same batch as the code's use.
   */
  insertSealedWithCode(id: string, fingerprint: string, ballot: SealedBallot, tokenId: string): D1PreparedStatement {
    return this.db
      .prepare(
        "INSERT INTO sealed_ballots (id, bloc_id, period_id, fingerprint, body) SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM tokens WHERE id = ?6 AND period_id = ?3 AND role = 'voter' AND used = 0 AND revoked_at IS NULL) AND NOT EXISTS (SELECT 1 FROM sealed_ballots WHERE period_id = ?3 AND fingerprint = ?4)",
      )
      .bind(id, this.period.blocId, this.period.id, fingerprint, JSON.stringify(ballot), tokenId);
  }

  /** The trustees' public shares, as a statement to read after an insert in the same batch. */
  keysQ(): Query<TrusteeKey[]> {
    return votingQueries(this.db, periodRef(this.period), {}).vote_keys as Query<TrusteeKey[]>;
  }

  /** The partial decryptions, as a statement to read after an insert in the same batch. */
  partsQ(): Query<PartialDecryption[]> {
    return votingQueries(this.db, periodRef(this.period), {}).vote_parts as Query<PartialDecryption[]>;
  }

  /** The number of sealed ballots, as a statement to batch. */
  sealedCountQ(): Query<number> {
    return votingQueries(this.db, periodRef(this.period), {}).vote_count as Query<number>;
  }

  insertPartialDecryption(part: PartialDecryption): D1PreparedStatement {
    return this.db
      .prepare("INSERT INTO partial_decryptions (period_id, trustee_id, body) VALUES (?, ?, ?)")
      .bind(this.period.id, part.trusteeId, JSON.stringify(part));
  }

  /** Voter codes and trustee codes die with the ballot box or when the period leaves `voting` (issue 11, item 7). */
  revokeCodes(at: string, roles: readonly ("voter" | "trustee")[]): D1PreparedStatement {
    return this.db
      .prepare(
        `UPDATE tokens SET revoked_at = ? WHERE period_id = ? AND bloc_id = ? AND role IN (${roles.map(() => "?").join(", ")}) AND revoked_at IS NULL AND (role != 'voter' OR used = 0)`,
      )
      .bind(at, this.period.id, this.period.blocId, ...roles);
  }
}
