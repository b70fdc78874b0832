-- thidua schema v1. Every period-scoped table carries bloc_id and period_id, and the repository filters on both.

CREATE TABLE units (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  short_name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE blocs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- Published templates and rulebooks are immutable: (id, version) is written once.
CREATE TABLE templates (
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (id, version)
);

CREATE TABLE rulebooks (
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (id, version)
);

-- body: the Period as JSON (members, leader, deputy, template, rulebook, deadline); state lives in its own column.
CREATE TABLE periods (
  id TEXT PRIMARY KEY,
  bloc_id TEXT NOT NULL REFERENCES blocs (id),
  year INTEGER NOT NULL,
  state TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX periods_bloc_year ON periods (bloc_id, year);
CREATE INDEX periods_year ON periods (year);

-- One row per accepted push, kept forever. entries: the validated entries as one JSON column (points in hundredths),
-- so a sheet of any size is one row and one bound parameter.
CREATE TABLE submissions (
  bloc_id TEXT NOT NULL,
  period_id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  template_id TEXT NOT NULL,
  template_version INTEGER NOT NULL,
  entries TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  client_id TEXT NOT NULL,
  totals TEXT NOT NULL,
  actor_token TEXT NOT NULL,
  actor_label TEXT NOT NULL,
  received_at TEXT NOT NULL,
  late INTEGER NOT NULL,
  PRIMARY KEY (period_id, unit_id, revision),
  UNIQUE (period_id, unit_id, client_id)
);

-- Reviewed scores (điểm thẩm định), revisioned like submissions.
CREATE TABLE reviews (
  bloc_id TEXT NOT NULL,
  period_id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  entries TEXT NOT NULL,
  note TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  client_id TEXT NOT NULL,
  actor_token TEXT NOT NULL,
  actor_label TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (period_id, unit_id, revision),
  UNIQUE (period_id, unit_id, client_id)
);

-- A returned sheet (trả lại) reopens that unit alone until it pushes again.
CREATE TABLE returns (
  bloc_id TEXT NOT NULL,
  period_id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  returned_at TEXT NOT NULL,
  actor_label TEXT NOT NULL,
  open INTEGER NOT NULL,
  PRIMARY KEY (period_id, unit_id)
);

CREATE TABLE flags (
  bloc_id TEXT NOT NULL,
  period_id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  violation INTEGER NOT NULL,
  withdrawn INTEGER NOT NULL,
  reason TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  actor_label TEXT NOT NULL,
  PRIMARY KEY (period_id, unit_id)
);

-- Access tokens, stored only as SHA-256 hashes. Voter codes are tokens of role 'voter' for one unit in one period;
-- `used` is a bare flag (no time) so that nothing orders the use of codes against the ballots.
CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  bloc_id TEXT,
  unit_id TEXT,
  period_id TEXT,
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT,
  used INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_period ON tokens (period_id, role);

-- Secret ballots (phiếu bầu). Structurally unlinkable: no unit, no code, no time, and no insertion order (WITHOUT
-- ROWID with a random key, so rows sort by a random id, never by arrival).
CREATE TABLE ballots (
  id TEXT PRIMARY KEY,
  bloc_id TEXT NOT NULL,
  period_id TEXT NOT NULL,
  choices TEXT NOT NULL
) WITHOUT ROWID;

-- Who did what when. A ballot's record names the unit that voted (turnout is public), never its choices.
CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  bloc_id TEXT,
  period_id TEXT,
  unit_id TEXT,
  at TEXT NOT NULL,
  actor_token TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  actor_label TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL,
  request_id TEXT NOT NULL
);
CREATE INDEX audit_period ON audit (period_id, id);
