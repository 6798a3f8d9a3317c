-- The first event of a stream expected not to exist. Versions are contiguous from 1, so UNIQUE (stream, version)
-- ignores the row (changes = 0) exactly when the stream already exists; the caller then reads the stream to
-- tell a conflict from a retry. (A plain VALUES insert: INSERT … SELECT … WHERE measured ~2 µs slower per row.)
INSERT OR IGNORE INTO events (stream, version, id, type, schema_version, data, metadata, recorded_at)
VALUES (?, 1, ?, ?, ?, ?, ?, ?)
