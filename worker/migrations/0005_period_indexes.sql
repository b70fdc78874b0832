-- Reads that stay fast as the years pile up (issue 17): no query of the push, pull, status, table, tally, ranking or
-- period-list routes scans a table that grows with the years (worker/test/plans.test.ts checks every one).

-- Ballots by period: the tally, the count and the trigger of 0002 (run on every insert) read one period's ballots.
-- Rows of a WITHOUT ROWID table carry their key in the index, so a period's ballots come out in random-id order.
CREATE INDEX ballots_period ON ballots (period_id, bloc_id);

-- The member units of each period, kept from the period's body by the triggers below: a clerk's period list finds
-- its unit's periods here instead of reading every period's JSON.
CREATE TABLE period_members (
  unit_id TEXT NOT NULL,
  period_id TEXT NOT NULL,
  PRIMARY KEY (unit_id, period_id)
) WITHOUT ROWID;
CREATE INDEX period_members_period ON period_members (period_id);

INSERT OR IGNORE INTO period_members (unit_id, period_id)
  SELECT m.value, p.id FROM periods p, json_each(p.body, '$.members') m;

CREATE TRIGGER period_members_insert AFTER INSERT ON periods
BEGIN
  INSERT OR IGNORE INTO period_members (unit_id, period_id) SELECT value, NEW.id FROM json_each(NEW.body, '$.members');
END;

CREATE TRIGGER period_members_update AFTER UPDATE OF body ON periods
BEGIN
  DELETE FROM period_members WHERE period_id = OLD.id;
  INSERT OR IGNORE INTO period_members (unit_id, period_id) SELECT value, NEW.id FROM json_each(NEW.body, '$.members');
END;

CREATE TRIGGER period_members_delete AFTER DELETE ON periods
BEGIN
  DELETE FROM period_members WHERE period_id = OLD.id;
END;
