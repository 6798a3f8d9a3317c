INSERT INTO log (stream, version, id, type, schema_version, data, metadata, recorded_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
