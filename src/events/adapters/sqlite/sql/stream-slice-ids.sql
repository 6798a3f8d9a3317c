-- Ids of versions [@from, @to] of a stream (stream_id, bucket), to recognise a retried append.
WITH ix AS (
  SELECT version, position FROM stream_index WHERE stream_id = @streamId AND version BETWEEN @from AND @to
  UNION ALL
  SELECT version, position FROM recent_index WHERE bucket = @bucket AND stream_id = @streamId AND version BETWEEN @from AND @to
)
SELECT e.id, e.position FROM ix JOIN log AS e ON e.position = ix.position ORDER BY ix.version
