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
