-- From version $2 on, oldest first; $3 NULL = no limit.
SELECT position, stream, version, id, type, schema_version, data, metadata, recorded_at
FROM @schema.events WHERE stream = $1 AND version >= $2 ORDER BY version ASC LIMIT $3
