-- The common append in one statement: writes the event at version ?2 only when the stream is at version ?2 - 1
-- (no row written = the stream is elsewhere; the caller then reads the stream to tell a conflict from a retry).
INSERT INTO events (stream, version, id, type, schema_version, data, metadata, recorded_at)
SELECT ?, ?, ?, ?, ?, ?, ?, ?
WHERE (SELECT coalesce(max(version), 0) FROM events WHERE stream = ?) = ?
