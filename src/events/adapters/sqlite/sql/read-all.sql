-- One page of the global log in (after, upto]. Filters arrive as JSON arrays (NULL = no filter) so the
-- statement stays fixed; prefixes compare with substr, not LIKE, so '%' and '_' in names stay literal.
-- Columns in the order of EventRow (statements.ts): read as arrays (raw mode), which a long replay reads faster than objects.
SELECT position, stream, version, id, type, schema_version, data, metadata, recorded_at, checksum FROM log
WHERE position > @after AND position <= @upto
  AND (@types IS NULL OR type IN (SELECT value FROM json_each(@types)))
  AND (@prefixes IS NULL OR EXISTS (
    SELECT 1 FROM json_each(@prefixes) AS prefix WHERE substr(stream, 1, length(prefix.value)) = prefix.value
  ))
ORDER BY position ASC
LIMIT @limit
