-- A bloc's current composition: its member units, leader (khối trưởng) and deputy (khối phó), the default for its
-- next period. Each period keeps its own members, so a unit may move between blocs from one year to the next; these
-- columns change nothing in a period already made. updated_at: the last change of name, kind or composition.
ALTER TABLE blocs ADD COLUMN members TEXT NOT NULL DEFAULT '[]';
ALTER TABLE blocs ADD COLUMN leader_unit_id TEXT;
ALTER TABLE blocs ADD COLUMN deputy_unit_id TEXT;
ALTER TABLE blocs ADD COLUMN updated_at TEXT;
