-- The published ranking workbook, made once (issue 17): a closed period's inputs never change, so its workbook is
-- built at its first download after closing and kept here, and every later download (the board's, each unit's) is
-- served from this row instead of parsing, consolidating, hashing and zipping the whole bloc again (15-40 ms of CPU
-- at 100 units x 120 criteria, over the Workers Free plan's 10 ms). The file is base64 text (D1 returns a BLOB as an
-- array of numbers) in parts of at most 1,000,000 characters (D1's limit is 2 MB a row). `stamp` says what the
-- book was built from that can still change once the period is closed: the period row's `updated_at` (reopening and
-- closing again), the bloc's name and change time, the latest change of a member unit (a new name); the read
-- computes it again and serves the book only when it is equal and the period is closed (no sheet, review, flag or
-- vote is accepted then), so a kept book is always the book a fresh build would give, made at its `built_at`.
-- No triggers: a trigger's changes would count in the `meta.changes` by which guarded writes know they happened.
CREATE TABLE ranking_books (
  period_id TEXT NOT NULL,
  part INTEGER NOT NULL,
  parts INTEGER NOT NULL,
  stamp TEXT NOT NULL,
  built_at TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (period_id, part)
) WITHOUT ROWID;
