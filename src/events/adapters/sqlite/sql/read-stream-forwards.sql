-- Both index levels in one statement, so it reads one snapshot (a merge moves entries between them). LIMIT -1
-- means no limit.
WITH s AS (SELECT stream_id, bucket FROM streams WHERE name = @stream),
ix AS (
  SELECT i.version, i.position FROM s, stream_index AS i WHERE i.stream_id = s.stream_id AND i.version >= @version
  UNION ALL
  SELECT r.version, r.position FROM s, recent_index AS r WHERE r.bucket = s.bucket AND r.stream_id = s.stream_id AND r.version >= @version
  ORDER BY 1 ASC LIMIT @limit
)
SELECT e.position, e.stream, e.version, e.id, e.type, e.schema_version, e.data, e.metadata, e.recorded_at, e.checksum
FROM ix JOIN log AS e ON e.position = ix.position ORDER BY ix.version ASC
