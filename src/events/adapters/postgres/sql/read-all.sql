-- One page of the global log after $1, with the head as the same snapshot sees it (one row of NULL events when the
-- page is empty), so a filtered reader knows how far it has looked. $2 NULL = no limit; $3 types and $4 prefixes
-- NULL = no filter; prefixes compare with starts_with, not LIKE, so '%' and '_' in names stay literal.
SELECT h.position AS head, e.*
FROM @schema.head AS h
LEFT JOIN LATERAL (
  SELECT position, stream, version, id, type, schema_version, data, metadata, recorded_at
  FROM @schema.events
  WHERE position > $1 AND position <= h.position
    AND ($3::text[] IS NULL OR type = ANY($3::text[]))
    AND ($4::text[] IS NULL OR EXISTS (SELECT 1 FROM unnest($4::text[]) AS prefix WHERE starts_with(stream, prefix)))
  ORDER BY position ASC
  LIMIT $2
) AS e ON true
ORDER BY e.position ASC
