-- The bloc a template or rulebook was made for (its first version's), so that a bloc's secretariat may publish new
-- versions of its own bloc's template and rulebook and of no one else's. NULL: the council's (any bloc may use it).
ALTER TABLE templates ADD COLUMN bloc_id TEXT;
ALTER TABLE rulebooks ADD COLUMN bloc_id TEXT;
