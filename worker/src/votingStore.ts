/**
 * Data access for a period's vote: its channel and trustees (fixed when voting opens), the trustees' public shares,
 * the sealed ballots, the aggregate and the partial decryptions. Every query is scoped by the period (and its bloc).
 */
import type {
  Ciphertext,
  PartialDecryption,
  SealedBallot,
  Trustee,
  TrusteeKey,
  VotingChannel,
} from "../../shared/src/index.ts";

export interface VotingRound {
  channel: VotingChannel;
  trustees: Trustee[];
  boxClosed: boolean;
  aggregate: Ciphertext[] | null;
}

export class VotingStore {
  constructor(
    readonly db: D1Database,
    readonly period: { id: string; blocId: string },
  ) {}

  async round(): Promise<VotingRound | null> {
    const r = await this.db
      .prepare("SELECT channel, trustees, box_closed, aggregate FROM voting_rounds WHERE period_id = ? AND bloc_id = ?")
      .bind(this.period.id, this.period.blocId)
      .first<{ channel: VotingChannel; trustees: string; box_closed: number; aggregate: string | null }>();
    if (!r) return null;
    return {
      channel: r.channel,
      trustees: JSON.parse(r.trustees) as Trustee[],
      boxClosed: r.box_closed !== 0,
      aggregate: r.aggregate ? (JSON.parse(r.aggregate) as Ciphertext[]) : null,
    };
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

  async trusteeKeys(): Promise<TrusteeKey[]> {
    const r = await this.db
      .prepare("SELECT body FROM trustee_keys WHERE period_id = ? ORDER BY trustee_id")
      .bind(this.period.id)
      .all<{ body: string }>();
    return r.results.map((x) => JSON.parse(x.body) as TrusteeKey);
  }

  insertTrusteeKey(key: TrusteeKey): D1PreparedStatement {
    return this.db
      .prepare("INSERT INTO trustee_keys (period_id, trustee_id, body) VALUES (?, ?, ?)")
      .bind(this.period.id, key.trusteeId, JSON.stringify(key));
  }

  /** The sealed ballots, in random-id order (never arrival order). */
  async sealedBallots(): Promise<SealedBallot[]> {
    const r = await this.db
      .prepare("SELECT body FROM sealed_ballots WHERE bloc_id = ? AND period_id = ? ORDER BY id")
      .bind(this.period.blocId, this.period.id)
      .all<{ body: string }>();
    return r.results.map((x) => JSON.parse(x.body) as SealedBallot);
  }

  async sealedCount(): Promise<number> {
    const r = await this.db
      .prepare("SELECT COUNT(*) AS n FROM sealed_ballots WHERE bloc_id = ? AND period_id = ?")
      .bind(this.period.blocId, this.period.id)
      .first<{ n: number }>();
    return r?.n ?? 0;
  }

  async hasFingerprint(fingerprint: string): Promise<boolean> {
    const r = await this.db
      .prepare("SELECT 1 AS x FROM sealed_ballots WHERE period_id = ? AND fingerprint = ?")
      .bind(this.period.id, fingerprint)
      .first();
    return r !== null;
  }

  /** Casting with a voter code: the ballot goes in only if the code is still unused, in the same batch as its use. */
  insertSealedWithCode(id: string, fingerprint: string, ballot: SealedBallot, tokenId: string): D1PreparedStatement {
    return this.db
      .prepare(
        "INSERT INTO sealed_ballots (id, bloc_id, period_id, fingerprint, body) SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM tokens WHERE id = ? AND period_id = ? AND role = 'voter' AND used = 0 AND revoked_at IS NULL)",
      )
      .bind(id, this.period.blocId, this.period.id, fingerprint, JSON.stringify(ballot), tokenId, this.period.id);
  }

  async partialDecryptions(): Promise<PartialDecryption[]> {
    const r = await this.db
      .prepare("SELECT body FROM partial_decryptions WHERE period_id = ? ORDER BY trustee_id")
      .bind(this.period.id)
      .all<{ body: string }>();
    return r.results.map((x) => JSON.parse(x.body) as PartialDecryption);
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
