-- A clerk token issued by a bloc's secretariat reaches only that bloc's periods (issue 11): the token row carries the
-- bloc in bloc_id, which clerk tokens left empty until now. Bind the clerk tokens already issued by a secretariat to
-- the bloc of the secretariat that issued them, as the audit record of their creation says (a secretariat's
-- token.create record carries its own bloc). Tokens issued by the council keep no bloc: they reach every bloc whose
-- periods count their unit as a member, as before.
UPDATE tokens
SET bloc_id = (
  SELECT a.bloc_id FROM audit a
  WHERE a.action = 'token.create' AND a.actor_role = 'secretariat' AND json_extract(a.detail, '$.tokenId') = tokens.id
  ORDER BY a.id LIMIT 1
)
WHERE role = 'clerk' AND bloc_id IS NULL AND EXISTS (
  SELECT 1 FROM audit a
  WHERE a.action = 'token.create' AND a.actor_role = 'secretariat' AND json_extract(a.detail, '$.tokenId') = tokens.id
    AND a.bloc_id IS NOT NULL
);

-- Signed download links (liên kết tải) of the ranking workbook. The URL carries the id and a signature; the row lets
-- a link die before its expiry: with the token that made it (token_id; 'bootstrap' for BOOTSTRAP_TOKEN), when its
-- period is reopened, or when the secretariat revokes it.
CREATE TABLE links (
  id TEXT PRIMARY KEY,
  bloc_id TEXT NOT NULL,
  period_id TEXT NOT NULL,
  token_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX links_period ON links (period_id, created_at);
