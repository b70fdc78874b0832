-- The number of ballots of a period can never exceed its members (one ballot issued per member unit), even when
-- electronic and paper ballots race: the routes check first for a clear message, and this trigger is the backstop
-- inside the same transaction, so a batch that would exceed the count is rolled back whole.
CREATE TRIGGER ballots_within_issued
BEFORE INSERT ON ballots
WHEN (SELECT COUNT(*) FROM ballots WHERE bloc_id = NEW.bloc_id AND period_id = NEW.period_id) >=
  (SELECT json_array_length(json_extract(body, '$.members')) FROM periods WHERE id = NEW.period_id AND bloc_id = NEW.bloc_id)
BEGIN
  SELECT RAISE(ABORT, 'BALLOTS_EXCEED_ISSUED');
END;
