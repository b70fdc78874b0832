-- The sealed ballot (issue 16) and the voting channel (issue 11, item 5).
--
-- One row per period once voting opens: the channel (electronic or paper) is fixed then, with the trustees named in
-- the period at that moment. For an electronic vote, the ballot box is closed by the secretariat (or by closing the
-- period); when enough ballots came back, the per-unit sums of the ciphertexts (the aggregate) are written then, and
-- only they are ever decrypted. Below the quorum nothing is aggregated: the vote failed and only the number of
-- ballots is kept.
CREATE TABLE voting_rounds (
  period_id TEXT PRIMARY KEY,
  bloc_id TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('electronic', 'paper')),
  trustees TEXT NOT NULL,
  opened_at TEXT NOT NULL,
  box_closed INTEGER NOT NULL DEFAULT 0,
  aggregate TEXT
);

-- A trustee's public share with its proof of knowledge; the secret part never reaches the server.
CREATE TABLE trustee_keys (
  period_id TEXT NOT NULL,
  trustee_id TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (period_id, trustee_id)
);

-- Sealed ballots: ciphertexts and proofs only. No unit, no code, no time; a random key (rows sort by it, never by
-- arrival) and the ballot's fingerprint, unique per period, so that the same ballot cannot be cast twice.
CREATE TABLE sealed_ballots (
  id TEXT PRIMARY KEY,
  bloc_id TEXT NOT NULL,
  period_id TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (period_id, fingerprint)
) WITHOUT ROWID;

-- As for counted ballots (migration 0002): never more sealed ballots than member units, even when casts race.
CREATE TRIGGER sealed_ballots_within_issued
BEFORE INSERT ON sealed_ballots
WHEN (SELECT COUNT(*) FROM sealed_ballots WHERE period_id = NEW.period_id) >=
  (SELECT json_array_length(json_extract(body, '$.members')) FROM periods WHERE id = NEW.period_id AND bloc_id = NEW.bloc_id)
BEGIN
  SELECT RAISE(ABORT, 'BALLOTS_EXCEED_ISSUED');
END;

-- No ballot goes into a closed box.
CREATE TRIGGER sealed_ballots_box_open
BEFORE INSERT ON sealed_ballots
WHEN (SELECT box_closed FROM voting_rounds WHERE period_id = NEW.period_id) != 0
BEGIN
  SELECT RAISE(ABORT, 'BALLOT_BOX_CLOSED');
END;

-- Each trustee's part of the decryption of the aggregate, with its proof (checked on receipt).
CREATE TABLE partial_decryptions (
  period_id TEXT NOT NULL,
  trustee_id TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (period_id, trustee_id)
);
