INSERT INTO log (position, stream, version, id, type, schema_version, data, metadata, recorded_at, checksum)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
