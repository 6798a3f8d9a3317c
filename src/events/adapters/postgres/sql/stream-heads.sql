-- The heads of the streams a batch appends to, as they stand once the head lock is held (no row: no events yet).
SELECT n.name, h.version, h.position
FROM unnest($1::text[]) AS n(name)
CROSS JOIN LATERAL (
  SELECT version, position FROM @schema.events WHERE stream = n.name ORDER BY version DESC LIMIT 1
) AS h
